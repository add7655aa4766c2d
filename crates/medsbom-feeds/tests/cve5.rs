//! CVE JSON 5: every record of the vulnrichment sample (read once, the file is 85 MB
//! decompressed), cross-checked against the KEV catalog, and the pretty-printed example.

mod common;

use std::collections::HashMap;

use medsbom_feeds::advisory::{AffectedPackage, SeverityKind, SourceKind, VersionStatus};
use medsbom_feeds::{FeedKind, Record};

#[test]
fn every_vulnrichment_record_reads() {
    let Some(path) = medsbom_testkit::corpus_path("vuln/cve5/vulnrichment-cve5-sample.jsonl.gz")
    else {
        return;
    };
    let file = common::read_one(&path, FeedKind::Cve5);
    assert_eq!(file.summary.n_records, 20_265);
    assert_eq!(file.summary.n_errors, 0, "{:?}", file.summary.errors);
    assert_eq!(file.summary.n_warnings, 0, "{:?}", file.summary.warnings);
    let advisories = common::advisories(&file.records);
    assert!(advisories.iter().all(|a| a.source.kind == SourceKind::Cve5));

    // Every published record carries CISA's SSVC decision; rejected ones carry nothing.
    let n_ssvc = advisories.iter().filter(|a| !a.ssvc.is_empty()).count();
    assert_eq!(n_ssvc, 20_230);
    let n_withdrawn = advisories.iter().filter(|a| a.withdrawn.is_some()).count();
    assert_eq!(n_withdrawn, 35);
    assert!(
        advisories
            .iter()
            .filter(|a| a.withdrawn.is_some())
            .all(|a| a.ssvc.is_empty() && a.affected.is_empty() && a.details.is_some())
    );
    let all_modified = advisories
        .iter()
        .all(|a| a.modified.as_ref().and_then(|m| m.instant()).is_some());
    assert!(all_modified);
    // Every CVSS vector of the CNA and ADP containers scores, and the computed base score
    // agrees with the stated one except where the record itself is inconsistent.
    let scores: Vec<_> = advisories.iter().flat_map(|a| &a.severity).collect();
    assert_eq!(scores.len(), 13_495);
    assert!(scores.iter().all(|s| s.base_score.is_some()));

    let kev_dates: HashMap<&str, &str> = advisories
        .iter()
        .filter_map(|a| {
            let date = a.known_exploited.as_ref()?.date_added.as_deref()?;
            Some((a.id.as_str(), date))
        })
        .collect();
    assert_eq!(kev_dates.len(), 223);

    let flash = advisories
        .iter()
        .find(|a| a.id == "CVE-2011-0611")
        .unwrap_or_else(|| panic!("CVE-2011-0611 missing"));
    assert_eq!(flash.source.database, "adobe");
    assert_eq!(flash.cwes, ["CWE-843"]);
    let ssvc = &flash.ssvc[0];
    assert_eq!(ssvc.provider, "CISA-ADP");
    assert_eq!(ssvc.role.as_deref(), Some("CISA Coordinator"));
    assert_eq!(ssvc.version.as_deref(), Some("2.0.3"));
    assert_eq!(ssvc.exploitation.as_deref(), Some("active"));
    assert_eq!(ssvc.automatable.as_deref(), Some("no"));
    assert_eq!(ssvc.technical_impact.as_deref(), Some("total"));
    assert_eq!(kev_dates.get("CVE-2011-0611"), Some(&"2022-03-03"));
    assert_eq!(flash.severity.len(), 1);
    assert_eq!(flash.severity[0].kind, SeverityKind::CvssV3);
    assert_eq!(flash.severity[0].base_score, Some(8.8));
    assert_eq!(flash.severity[0].source.as_deref(), Some("CISA-ADP"));
    let adp_products: Vec<_> = flash
        .affected
        .iter()
        .filter_map(|affected| match affected {
            AffectedPackage::Product(product) if product.container == "CISA-ADP" => Some(product),
            _ => None,
        })
        .collect();
    assert_eq!(adp_products.len(), 6);
    let flash_player = adp_products[0];
    assert_eq!(
        flash_player.cpes,
        ["cpe:2.3:a:adobe:flash_player:-:*:*:*:*:*:*:*"]
    );
    assert_eq!(flash_player.default_status, Some(VersionStatus::Unknown));
    assert_eq!(flash_player.versions[0].version, "0");
    assert_eq!(
        flash_player.versions[0].less_than.as_deref(),
        Some("10.2.154.27")
    );
    assert_eq!(
        flash_player.versions[0].version_type.as_deref(),
        Some("custom")
    );
    assert_eq!(flash_player.versions[0].status, VersionStatus::Affected);

    // Cross-check with the KEV catalog: 251 sample CVEs are in KEV; 223 records carry the
    // ADP kev block, 221 of them with the catalog's date, and one names a CVE the current
    // catalog no longer lists.
    let Some(kev_path) =
        medsbom_testkit::corpus_path("vuln/kev/known_exploited_vulnerabilities.json")
    else {
        return;
    };
    let kev = common::read_one(&kev_path, FeedKind::Kev);
    let catalog: HashMap<&str, &str> = kev
        .records
        .iter()
        .filter_map(|record| match record {
            Record::Kev(entry) => Some((entry.cve_id.as_str(), entry.date_added.as_str())),
            _ => None,
        })
        .collect();
    let in_kev = advisories
        .iter()
        .filter(|a| catalog.contains_key(a.id.as_str()))
        .count();
    assert_eq!(in_kev, 251);
    let same_date = kev_dates
        .iter()
        .filter(|(id, date)| catalog.get(*id) == Some(*date))
        .count();
    assert_eq!(same_date, 221);
    let not_in_catalog = kev_dates
        .keys()
        .filter(|id| !catalog.contains_key(*id))
        .count();
    assert_eq!(not_in_catalog, 1);
}

#[test]
fn pretty_printed_example_reads() {
    let Some(path) = medsbom_testkit::corpus_path("vuln/cve5/examples/CVE-2023-44487.json") else {
        return;
    };
    let file = common::read_one(&path, FeedKind::Cve5);
    assert_eq!(file.summary.n_records, 1);
    assert!(file.summary.errors.is_empty());
    let advisory = common::advisories(&file.records)[0];
    assert_eq!(advisory.id, "CVE-2023-44487");
    assert_eq!(advisory.source.database, "mitre");
    assert_eq!(
        advisory.modified.as_ref().map(|m| m.text()),
        Some("2024-08-19T07:48:04.546Z")
    );
    // Dates without a zone are taken as UTC.
    assert_eq!(
        advisory
            .published
            .as_ref()
            .and_then(|p| p.instant())
            .map(|i| i.to_string())
            .as_deref(),
        Some("2023-10-10T00:00:00Z")
    );
    let containers: Vec<&str> = advisory
        .affected
        .iter()
        .filter_map(|affected| match affected {
            AffectedPackage::Product(product) => Some(product.container.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(containers, ["cna", "CISA-ADP"]);
    assert_eq!(advisory.ssvc.len(), 1);
    assert!(advisory.known_exploited.is_some());
}

#[test]
fn broken_cve5_records_are_named() {
    let text = r#"{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-1","state":"PUBLISHED"},"containers":{"cna":{"affected":[{"vendor":"v","product":"p","versions":[{"version":"1","status":"broken"}]}]}}}
{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2","state":"RESERVED"},"containers":{}}
{"dataType":"CVE_RECORD","cveMetadata":{"state":"PUBLISHED"},"containers":{}}
{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-4","state":"PUBLISHED"},"containers":{"cna":{"metrics":[{"other":{"type":"ssvc","content":{"options":"x"}}}]}}}
"#;
    let (records, summary) = common::read_bytes(FeedKind::Cve5, "x.jsonl", text.as_bytes());
    assert_eq!(records.len(), 1);
    let errors: Vec<String> = summary.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "line 1 (CVE-1): cna affected[0]: unknown version status \"broken\" (expected affected, unaffected or unknown)",
            "line 2 (CVE-2): unknown state \"RESERVED\"",
            "line 3: missing field `cveId` at line 1 column 60",
        ]
    );
    assert_eq!(
        summary.warnings[0].to_string(),
        "line 4 (CVE-4): cna ssvc metric: invalid type: string \"x\", expected a sequence at line 1 column 14"
    );
}
