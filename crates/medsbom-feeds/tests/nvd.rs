//! NVD CVE API 2.0: a hand-written page (the corpus has none).

mod common;

use medsbom_feeds::FeedKind;
use medsbom_feeds::advisory::{AffectedPackage, NvdConfiguration, Operator, SeverityKind};

fn configurations(affected: &[AffectedPackage]) -> Vec<&NvdConfiguration> {
    affected
        .iter()
        .filter_map(|affected| match affected {
            AffectedPackage::NvdConfiguration(configuration) => Some(configuration),
            _ => None,
        })
        .collect()
}

#[test]
fn nvd_page_fixture() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nvd/cves-page-0.json");
    let file = common::read_one(&path, FeedKind::NvdCve2);
    assert_eq!(file.summary.n_records, 2);
    assert_eq!(file.summary.feed_version.as_deref(), Some("2.0"));
    assert_eq!(
        file.summary.feed_date.as_deref(),
        Some("2024-06-01T08:15:02.123")
    );
    let errors: Vec<String> = file
        .summary
        .errors
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, ["entry 2: missing field `id` at line 6 column 7"]);

    let advisories = common::advisories(&file.records);
    let log4shell = advisories[0];
    assert_eq!(log4shell.id, "CVE-2021-44228");
    assert_eq!(log4shell.source.database, "nvd");
    assert!(
        log4shell
            .details
            .as_deref()
            .is_some_and(|d| d.starts_with("Apache Log4j2"))
    );
    assert_eq!(log4shell.cwes, ["CWE-20", "CWE-400", "CWE-502", "CWE-917"]);
    let scores: Vec<(SeverityKind, Option<f64>, Option<f64>)> = log4shell
        .severity
        .iter()
        .map(|s| (s.kind.clone(), s.base_score, s.stated_score))
        .collect();
    assert_eq!(
        scores,
        [
            (SeverityKind::CvssV3, Some(10.0), Some(10.0)),
            (SeverityKind::CvssV2, Some(9.3), Some(9.3))
        ]
    );
    assert_eq!(
        log4shell.severity[0].source.as_deref(),
        Some("nvd@nist.gov")
    );
    let kev = log4shell.known_exploited.as_ref();
    assert_eq!(
        kev.and_then(|k| k.date_added.as_deref()),
        Some("2021-12-10")
    );
    assert_eq!(kev.and_then(|k| k.due_date.as_deref()), Some("2021-12-24"));
    assert_eq!(
        log4shell.references[0].tags,
        ["Release Notes", "Vendor Advisory"]
    );

    let configurations = configurations(&log4shell.affected);
    assert_eq!(configurations.len(), 2);
    let plain = configurations[0];
    assert_eq!(plain.operator, None);
    assert_eq!(plain.nodes[0].operator, Operator::Or);
    let first = &plain.nodes[0].cpe_match[0];
    assert!(first.vulnerable);
    assert_eq!(first.criteria, "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*");
    assert_eq!(first.version_start_including.as_deref(), Some("2.0.1"));
    assert_eq!(first.version_end_excluding.as_deref(), Some("2.3.1"));
    assert_eq!(first.version_start_excluding, None);
    let running_on = configurations[1];
    assert_eq!(running_on.operator, Some(Operator::And));
    assert_eq!(
        running_on.nodes[0].cpe_match[0]
            .version_end_including
            .as_deref(),
        Some("4.5")
    );
    assert!(!running_on.nodes[1].cpe_match[0].vulnerable);

    let rejected = advisories[1];
    assert_eq!(rejected.id, "CVE-2023-99999");
    assert_eq!(
        rejected.withdrawn.as_ref().map(|w| w.text()),
        Some("2023-06-01T12:00:00.000")
    );
    assert!(rejected.affected.is_empty() && rejected.severity.is_empty());
}

#[test]
fn nvd_envelope_errors() {
    let check = |text: &str, expect: &str| {
        let res = medsbom_feeds::read(FeedKind::NvdCve2, "page.json", text.as_bytes(), &mut |_| {});
        match res {
            Ok(_) => panic!("{text}: expected an error"),
            Err(err) => assert_eq!(err.to_string(), expect),
        }
    };
    check(
        r#"{"format":"NVD_CPE","vulnerabilities":[]}"#,
        "nvd feed page.json: format is \"NVD_CPE\", expected \"NVD_CVE\"",
    );
    check(
        r#"{"format":"NVD_CVE"}"#,
        "nvd feed page.json: not an nvd cve api 2.0 page: missing field `vulnerabilities` at line 1 column 20",
    );
    let (records, summary) = common::read_bytes(
        FeedKind::NvdCve2,
        "page.json",
        br#"{"vulnerabilities":[{"cve":{"id":"CVE-1","configurations":[{"operator":"XOR","nodes":[]}]}}]}"#,
    );
    assert!(records.is_empty());
    assert_eq!(
        summary.errors[0].to_string(),
        "entry 0 (CVE-1): configuration 0 has unknown operator \"XOR\""
    );
}
