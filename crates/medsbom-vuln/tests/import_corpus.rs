//! Importing the real corpus feeds on both backends: every OSV record imports, or is
//! reported with the reason it cannot; a second import changes nothing; CVE 5 records with
//! CPEs match components; the feed status reports what was imported.

mod common;

use medsbom_feeds::FeedKind;
use medsbom_model::IsoDate;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::findings::{FindingQuery, list_findings};
use medsbom_vuln::import::ImportReport;
use medsbom_vuln::matching::match_sbom;
use medsbom_vuln::status::feed_status;

/// (file name suffix, feed, records, record errors).
const OSV_FILES: &[(&str, FeedKind, usize, usize)] = &[
    ("osv/ghsa-npm-sample.osv.jsonl", FeedKind::Osv, 30, 0),
    ("osv/go-vulndb.osv.jsonl", FeedKind::Osv, 4291, 0),
    ("osv/psf.osv.jsonl", FeedKind::Osv, 132, 0),
    ("osv/pypa-pysec.osv.jsonl", FeedKind::Osv, 2661, 0),
    ("osv/rustsec.osv.jsonl", FeedKind::Osv, 1206, 0),
    (
        "kev/known_exploited_vulnerabilities.json",
        FeedKind::Kev,
        1404,
        0,
    ),
    (
        "kev/known_exploited_vulnerabilities.csv",
        FeedKind::Kev,
        1404,
        0,
    ),
];

fn file<'a>(report: &'a ImportReport, suffix: &str) -> &'a medsbom_vuln::import::FileReport {
    report
        .files
        .iter()
        .find(|file| file.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no report for {suffix}"))
}

async fn osv_and_kev(test_db: common::TestDb) {
    let Some(vuln) = medsbom_testkit::corpus_path("vuln") else {
        return;
    };
    let db = &test_db.db;
    let backend = test_db.backend;
    let paths = [
        vuln.join("osv"),
        vuln.join("kev"),
        vuln.join("osv-schema-testdata"),
    ];
    let report = common::import(db, &paths).await;
    for (suffix, kind, n_records, n_errors) in OSV_FILES {
        let file = file(&report, suffix);
        assert_eq!(file.kind, Some(*kind), "{backend} {suffix}");
        assert_eq!(
            (file.n_records, file.n_errors),
            (*n_records, *n_errors),
            "{backend} {suffix}"
        );
    }
    // The JSON catalog (read after the CSV one, in name order) holds the same entries.
    let json = file(&report, "kev/known_exploited_vulnerabilities.json");
    assert_eq!((json.n_new, json.n_unchanged), (0, 1404), "{backend}");

    // osv-schema-testdata: every OSV record imports except the one without `introduced`,
    // whose error names the cause; the GHSA API documents are not OSV and are skipped.
    let mut errors = Vec::new();
    for file in report
        .files
        .iter()
        .filter(|f| f.name.contains("osv-schema-testdata"))
    {
        let name = file.name.rsplit('/').next().unwrap_or(&file.name);
        if name == "LICENSE" {
            continue;
        }
        let is_osv = name.ends_with(".osv.json") || file.name.contains("/linter/");
        if is_osv {
            assert_eq!(file.kind, Some(FeedKind::Osv), "{backend} {name}");
            assert_eq!(file.n_records + file.n_errors, 1, "{backend} {name}");
            errors.extend(file.errors.iter().map(|e| format!("{name}: {e}")));
        } else {
            assert_eq!(file.kind, None, "{backend} {name}");
            assert!(
                file.skipped
                    .as_deref()
                    .is_some_and(|s| s.starts_with("not a supported feed")),
                "{backend} {name}"
            );
        }
    }
    assert_eq!(
        errors,
        [
            "nointroduced-CVE-2023-41045.json: document (CVE-2023-41045): affected[0]: range 0 has no introduced event"
        ],
        "{backend}"
    );
    assert_eq!(report.n_errors, 1, "{backend}");

    // Idempotent: the same files again change nothing.
    let again = common::import(db, &paths).await;
    assert_eq!((again.n_new, again.n_updated), (0, 0), "{backend}");
    assert_eq!(again.n_unchanged, report.n_records, "{backend}");

    let as_of = IsoDate::parse("2026-08-25").unwrap();
    let status = feed_status(db, as_of, 30).await.unwrap();
    let rows: Vec<(&str, i64, bool)> = status
        .iter()
        .map(|s| (s.source.as_str(), s.n_records, s.stale))
        .collect();
    // KEV catalog 2025.08.25 is a year older than the `as_of` date.
    assert!(rows.contains(&("kev", 1404, true)), "{backend}: {rows:?}");
    assert!(
        rows.contains(&("osv/RUSTSEC", 1206, false)),
        "{backend}: {rows:?}"
    );
    // The Go records of this snapshot carry modified 0001-01-01 (vulndb leaves it unset).
    assert!(
        rows.contains(&("osv/GO", 4291, true)),
        "{backend}: {rows:?}"
    );
    assert!(
        rows.contains(&("osv/PSF", 132, true)),
        "{backend}: {rows:?}"
    );
    let kev = status.iter().find(|s| s.source == "kev").unwrap();
    assert!(
        kev.newest_record
            .as_deref()
            .is_some_and(|date| date.starts_with("2025-08-25")),
        "{backend}: {kev:?}"
    );
    assert_eq!(kev.feed_version.as_deref(), Some("2025.08.25"), "{backend}");
    assert_eq!(kev.age_days, Some(365), "{backend}");
    test_db.cleanup().await;
}

/// (CPE of a component, expected vulnerability ids), from the CISA ADP containers of the
/// vulnrichment sample: CVE-2023-40034 woodpecker [1.0.0, 1.0.2); ws_ftp_server
/// CVE-2023-40045 and CVE-2023-42657 [8.7.0, 8.7.4) and [8.8.0, 8.8.2), CVE-2023-40047 and
/// CVE-2023-40049 [8.8.0, 8.8.2).
const CVE5_EXPECTED: &[(&str, &[&str])] = &[
    (
        "cpe:2.3:a:woodpecker-ci:woodpecker:0.15.0:*:*:*:*:*:*:*",
        &[],
    ),
    (
        "cpe:2.3:a:woodpecker-ci:woodpecker:1.0.0:*:*:*:*:*:*:*",
        &["CVE-2023-40034"],
    ),
    (
        "cpe:2.3:a:woodpecker-ci:woodpecker:1.0.1:*:*:*:*:*:*:*",
        &["CVE-2023-40034"],
    ),
    (
        "cpe:2.3:a:woodpecker-ci:woodpecker:1.0.2:*:*:*:*:*:*:*",
        &[],
    ),
    (
        "cpe:2.3:a:progress:ws_ftp_server:8.7.3:*:*:*:*:*:*:*",
        &["CVE-2023-40045", "CVE-2023-42657"],
    ),
    ("cpe:2.3:a:progress:ws_ftp_server:8.7.4:*:*:*:*:*:*:*", &[]),
    (
        "cpe:2.3:a:progress:ws_ftp_server:8.8.0:*:*:*:*:*:*:*",
        &[
            "CVE-2023-40045",
            "CVE-2023-40047",
            "CVE-2023-40049",
            "CVE-2023-42657",
        ],
    ),
    ("cpe:2.3:a:progress:ws_ftp_server:8.8.2:*:*:*:*:*:*:*", &[]),
];

async fn cve5(test_db: common::TestDb) {
    let Some(dir) = medsbom_testkit::corpus_path("vuln/cve5") else {
        return;
    };
    let db = &test_db.db;
    let backend = test_db.backend;
    let components: Vec<(&str, String, Option<&str>, Option<&str>)> = CVE5_EXPECTED
        .iter()
        .map(|(cpe, _)| {
            let version = cpe.split(':').nth(5).unwrap_or("").to_owned();
            (*cpe, version, None, Some(*cpe))
        })
        .collect();
    let list: Vec<(&str, &str, Option<&str>, Option<&str>)> = components
        .iter()
        .map(|(name, version, purl, cpe)| (*name, version.as_str(), *purl, *cpe))
        .collect();
    let sbom_id = common::ingest(db, "FTP gateway", "1.0", &list).await;
    match_sbom(db, sbom_id, &MatchConfig::EXACT).await.unwrap();

    let report = common::import(db, &[dir]).await;
    let sample = file(&report, "vulnrichment-cve5-sample.jsonl");
    assert_eq!(sample.kind, Some(FeedKind::Cve5), "{backend}");
    assert_eq!((sample.n_records, sample.n_errors), (20265, 0), "{backend}");

    let findings = list_findings(db, &FindingQuery::default()).await.unwrap();
    for (cpe, expected) in CVE5_EXPECTED {
        let mut ids: Vec<&str> = findings
            .iter()
            .filter(|f| f.component == *cpe)
            .map(|f| f.vulnerability_id.as_str())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, *expected, "{backend} {cpe}");
    }
    let ftp = findings
        .iter()
        .find(|f| f.vulnerability_id == "CVE-2023-40045")
        .unwrap();
    assert_eq!(
        ftp.match_basis[0].feed, "cve5/ProgressSoftware",
        "{backend}"
    );
    assert_eq!(ftp.match_basis[0].confidence, 2, "{backend}");
    assert!(
        ftp.cvss.is_some() && ftp.ssvc.is_some(),
        "{backend}: {ftp:?}"
    );
    test_db.cleanup().await;
}

#[tokio::test]
async fn corpus_osv_and_kev_sqlite() {
    osv_and_kev(common::sqlite().await).await;
}

#[tokio::test]
async fn corpus_osv_and_kev_postgres() {
    let Some(test_db) = common::postgres().await else {
        return;
    };
    osv_and_kev(test_db).await;
}

#[tokio::test]
async fn corpus_cve5_sqlite() {
    cve5(common::sqlite().await).await;
}

#[tokio::test]
async fn corpus_cve5_postgres() {
    let Some(test_db) = common::postgres().await else {
        return;
    };
    cve5(test_db).await;
}
