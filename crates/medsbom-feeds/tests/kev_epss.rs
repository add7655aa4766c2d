//! CISA KEV (JSON and CSV from the corpus) and FIRST EPSS (hand-written fixture, since the
//! corpus has no EPSS file).

mod common;

use medsbom_feeds::epss::EpssScore;
use medsbom_feeds::kev::KevEntry;
use medsbom_feeds::{FeedError, FeedKind, Position, Record};

fn kev_entries(records: &[Record]) -> Vec<&KevEntry> {
    records
        .iter()
        .filter_map(|record| match record {
            Record::Kev(entry) => Some(entry),
            _ => None,
        })
        .collect()
}

#[test]
fn kev_json_and_csv_give_the_same_entries() {
    let Some(dir) = medsbom_testkit::corpus_path("vuln/kev") else {
        return;
    };
    let json = common::read_one(
        &dir.join("known_exploited_vulnerabilities.json"),
        FeedKind::Kev,
    );
    let csv = common::read_one(
        &dir.join("known_exploited_vulnerabilities.csv"),
        FeedKind::Kev,
    );
    assert_eq!(json.summary.n_records, 1404);
    assert_eq!(csv.summary.n_records, 1404);
    assert!(json.summary.errors.is_empty() && json.summary.warnings.is_empty());
    assert!(csv.summary.errors.is_empty() && csv.summary.warnings.is_empty());
    assert_eq!(json.summary.feed_version.as_deref(), Some("2025.08.25"));
    assert_eq!(
        json.summary.feed_date.as_deref(),
        Some("2025-08-25T17:04:19.9796Z")
    );
    let from_json = kev_entries(&json.records);
    let from_csv = kev_entries(&csv.records);
    assert_eq!(from_json, from_csv);
    let git = from_json[0];
    assert_eq!(git.cve_id, "CVE-2025-48384");
    assert_eq!(git.vendor_project, "Git");
    assert_eq!(git.date_added, "2025-08-25");
    assert_eq!(git.due_date, "2025-09-15");
    assert_eq!(
        git.known_ransomware_campaign_use.as_deref(),
        Some("Unknown")
    );
    assert_eq!(git.cwes, ["CWE-59", "CWE-436"]);
    let n_ransomware = from_json
        .iter()
        .filter(|e| e.known_ransomware_campaign_use.as_deref() == Some("Known"))
        .count();
    assert!(0 < n_ransomware && n_ransomware < 1404);
}

#[test]
fn kev_broken_input() {
    let csv = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes
CVE-2024-1,V,P,N,2024-01-01,D,A,2024-01-22,Unknown,,
CVE-2024-2,V,P,N,,D,A,2024-01-22,Unknown,,
CVE-2024-3,V,P
";
    let (records, summary) = common::read_bytes(FeedKind::Kev, "kev.csv", csv.as_bytes());
    assert_eq!(records.len(), 1);
    let errors: Vec<String> = summary.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "line 3 (CVE-2024-2): missing dateAdded value",
            "line 4 (CVE-2024-3): missing vulnerabilityName value"
        ]
    );
    let Record::Kev(entry) = &records[0] else {
        panic!("kev entry expected");
    };
    assert!(entry.cwes.is_empty());

    let json = r#"{"catalogVersion":"1","count":3,"vulnerabilities":[{"cveID":"CVE-1"},{"cveID":"CVE-2","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2024-01-01","shortDescription":"D","requiredAction":"A","dueDate":"2024-01-22","cwes":null}]}"#;
    let (records, summary) = common::read_bytes(FeedKind::Kev, "kev.json", json.as_bytes());
    assert_eq!(records.len(), 1);
    assert_eq!(summary.errors[0].position, Position::Entry(0));
    assert_eq!(summary.errors[0].id.as_deref(), Some("CVE-1"));
    assert_eq!(
        summary.warnings[0].cause,
        "catalog count is 3 but it holds 2 entries"
    );

    let no_header = medsbom_feeds::read(FeedKind::Kev, "kev.csv", b"a,b\n1,2\n", &mut |_| {});
    assert!(matches!(
        no_header,
        Err(FeedError::Malformed { cause, .. }) if cause == "the csv header has no cveID column"
    ));
}

fn epss_scores(records: &[Record]) -> Vec<&EpssScore> {
    records
        .iter()
        .filter_map(|record| match record {
            Record::Epss(score) => Some(score),
            _ => None,
        })
        .collect()
}

#[test]
fn epss_fixture() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/epss/epss_scores-2024-06-01.csv");
    let file = common::read_one(&path, FeedKind::Epss);
    assert_eq!(file.summary.n_records, 8);
    assert!(file.summary.errors.is_empty(), "{:?}", file.summary.errors);
    assert_eq!(file.summary.feed_version.as_deref(), Some("v2023.03.01"));
    assert_eq!(
        file.summary.feed_date.as_deref(),
        Some("2024-06-01T00:00:00+0000")
    );
    let scores = epss_scores(&file.records);
    let log4shell = scores
        .iter()
        .find(|s| s.cve == "CVE-2021-44228")
        .unwrap_or_else(|| panic!("CVE-2021-44228 missing"));
    assert_eq!(log4shell.epss, 0.97565);
    assert_eq!(log4shell.percentile, 0.99996);
    assert_eq!(log4shell.model_version.as_deref(), Some("v2023.03.01"));
    assert_eq!(
        log4shell
            .score_date
            .as_ref()
            .and_then(|d| d.date())
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024-06-01")
    );
}

#[test]
fn epss_without_comment_and_with_bad_rows() {
    let text = "cve,epss,percentile
CVE-2024-0001,0.00043,0.09
CVE-2024-0002,1.5,0.9
CVE-2024-0003,abc,0.9
not-a-cve,0.1,0.2
CVE-2024-0005,0.1
";
    let (records, summary) = common::read_bytes(FeedKind::Epss, "x.csv", text.as_bytes());
    let scores = epss_scores(&records);
    assert_eq!(scores.len(), 1);
    assert_eq!(scores[0].model_version, None);
    let errors: Vec<String> = summary.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "line 3 (CVE-2024-0002): epss 1.5 is outside [0, 1]",
            "line 4 (CVE-2024-0003): epss \"abc\" is not a number",
            "line 5: \"not-a-cve\" is not a cve id",
            "line 6 (CVE-2024-0005): percentile value is missing",
        ]
    );
    let wrong_header = medsbom_feeds::read(FeedKind::Epss, "x.csv", b"a,b\n", &mut |_| {});
    assert!(wrong_header.is_err());
}
