//! Matching on real data: the corpus OSV feeds (PyPI, Go, crates.io, npm) plus hand-written
//! Debian, NVD, CSAF, KEV and EPSS fixtures, against SBOMs whose components sit on the exact
//! boundary versions (introduced, fixed, last_affected, limit) of known advisories. Every
//! expected finding set was worked out by hand from the records (quoted in comments).

mod common;

use std::collections::BTreeMap;

use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::{Basis, MatchConfig};
use medsbom_vuln::findings::{FindingQuery, VulnFinding, advisory_details, list_findings};
use medsbom_vuln::matching::{match_sbom, rematch_all};
use medsbom_vuln::priority::Severity;

/// (component identifier, expected vulnerability ids). The identifier is a canonical purl,
/// or a CPE for components without purl; it is also the component's name.
const EXPECTED: &[(&str, &[&str])] = &[
    // PyPI. PYSEC-2021-335 (CVE-2021-32807) and PYSEC-2021-370 (CVE-2021-32811) both alias
    // GHSA-qcx9-j53g-ccgf, so they are one vulnerability; ranges [4.0, 4.3) and [5.0, 5.2).
    ("pkg:pypi/accesscontrol@3.9", &[]),
    ("pkg:pypi/accesscontrol@4.0", &["CVE-2021-32807"]),
    ("pkg:pypi/accesscontrol@4.2", &["CVE-2021-32807"]),
    ("pkg:pypi/accesscontrol@4.3", &[]),
    ("pkg:pypi/accesscontrol@5.0", &["CVE-2021-32807"]),
    ("pkg:pypi/accesscontrol@5.2", &[]),
    // PYSEC-2011-24 < 0.4.2, PYSEC-2012-12 < 0.11.1, PYSEC-2014-97 [0.12.3, 0.13.3).
    (
        "pkg:pypi/apache-libcloud@0.4.1",
        &["CVE-2010-4340", "CVE-2012-3446"],
    ),
    ("pkg:pypi/apache-libcloud@0.4.2", &["CVE-2012-3446"]),
    ("pkg:pypi/apache-libcloud@0.11.1", &[]),
    ("pkg:pypi/apache-libcloud@0.12.2", &[]),
    ("pkg:pypi/apache-libcloud@0.12.3", &["CVE-2013-6480"]),
    ("pkg:pypi/apache-libcloud@0.13.3", &[]),
    // PYSEC-2020-92 < 1.10.0; PYSEC-2022-42969 last_affected 1.11.0.
    ("pkg:pypi/py@1.9.0", &["CVE-2020-29651", "CVE-2022-42969"]),
    ("pkg:pypi/py@1.10.0", &["CVE-2022-42969"]),
    ("pkg:pypi/py@1.11.0", &["CVE-2022-42969"]),
    ("pkg:pypi/py@1.11.1", &[]),
    // Go: GO-2020-0001 < 1.6.0, GO-2021-0052 < 1.7.7,
    // GO-2023-1737 [1.3.1-0.20190301021747-ccb9e902956d, 1.9.1).
    (
        "pkg:golang/github.com/gin-gonic/gin@v1.3.0",
        &["CVE-2020-28483", "CVE-2020-36567"],
    ),
    (
        "pkg:golang/github.com/gin-gonic/gin@v1.5.0",
        &["CVE-2020-28483", "CVE-2020-36567", "CVE-2023-29401"],
    ),
    (
        "pkg:golang/github.com/gin-gonic/gin@v1.6.0",
        &["CVE-2020-28483", "CVE-2023-29401"],
    ),
    (
        "pkg:golang/github.com/gin-gonic/gin@v1.7.7",
        &["CVE-2023-29401"],
    ),
    ("pkg:golang/github.com/gin-gonic/gin@v1.9.1", &[]),
    // crates.io: RUSTSEC-2018-0009 [0.4.0, 0.4.1), RUSTSEC-2022-0020 < 0.7.0 (GHSA only),
    // RUSTSEC-2022-0029 < 0.3.0 (GHSA only).
    (
        "pkg:cargo/crossbeam@0.2.12",
        &["GHSA-8gj8-hv75-gp94", "GHSA-rwf4-gx62-rqfw"],
    ),
    ("pkg:cargo/crossbeam@0.3.0", &["GHSA-8gj8-hv75-gp94"]),
    (
        "pkg:cargo/crossbeam@0.4.0",
        &["CVE-2018-20996", "GHSA-8gj8-hv75-gp94"],
    ),
    ("pkg:cargo/crossbeam@0.4.1", &["GHSA-8gj8-hv75-gp94"]),
    ("pkg:cargo/crossbeam@0.7.0", &[]),
    // npm: GHSA-8hfj-j24r-96c4 < 2.29.2, GHSA-wc69-rhjr-hc9g [2.18.0, 2.29.4).
    ("pkg:npm/moment@2.17.1", &["CVE-2022-24785"]),
    (
        "pkg:npm/moment@2.18.0",
        &["CVE-2022-24785", "CVE-2022-31129"],
    ),
    ("pkg:npm/moment@2.29.2", &["CVE-2022-31129"]),
    ("pkg:npm/moment@2.29.4", &[]),
    // GHSA-c2qf-rxjj-qqgw: three ranges in three entries.
    ("pkg:npm/semver@5.7.1", &["CVE-2022-25883"]),
    ("pkg:npm/semver@5.7.2", &[]),
    ("pkg:npm/semver@6.0.0", &["CVE-2022-25883"]),
    ("pkg:npm/semver@6.3.1", &[]),
    ("pkg:npm/semver@7.5.1", &["CVE-2022-25883"]),
    ("pkg:npm/semver@7.5.2", &[]),
    // GHSA-29mw-wpgm-hmr9 last_affected 4.5.1.
    ("pkg:npm/lodash.trim@4.5.1", &["CVE-2020-28500"]),
    ("pkg:npm/lodash.trim@4.5.2", &[]),
    // GHSA-4w2v < 0.21.1, GHSA-cph5 < 0.21.2, GHSA-wf5p [0.8.1, 1.6.0), and GHSA-8hc4
    // [1.3.2, 1.7.4), whose package is spelled "Axios" (npm names are matched
    // case-insensitively).
    (
        "pkg:npm/axios@0.21.0",
        &["CVE-2020-28168", "CVE-2021-3749", "CVE-2023-45857"],
    ),
    ("pkg:npm/axios@0.21.1", &["CVE-2021-3749", "CVE-2023-45857"]),
    ("pkg:npm/axios@1.3.2", &["CVE-2023-45857", "CVE-2024-39338"]),
    ("pkg:npm/axios@1.6.0", &["CVE-2024-39338"]),
    ("pkg:npm/axios@1.7.4", &[]),
    // Debian fixture: DSA-9001-1 Debian:12 openssl < 3.0.11-1~deb12u2 (matched through the
    // source package in `upstream`), Debian:11 openssl < 1.1.1w-0+deb11u1; a purl without
    // `distro` has no Debian release and matches nothing. DEBIAN-CVE-2099-2000 curl
    // introduced 7.74.0-1, limit 7.88.1-10+deb12u4.
    (
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12&upstream=openssl",
        &["CVE-2099-1000"],
    ),
    (
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12&upstream=openssl",
        &[],
    ),
    (
        "pkg:deb/debian/openssl@1.1.1n-0+deb11u5?distro=debian-11",
        &["CVE-2099-1000"],
    ),
    ("pkg:deb/debian/openssl@1.1.1n-0+deb11u5", &[]),
    ("pkg:deb/debian/curl@7.64.0-4?distro=bookworm", &[]),
    (
        "pkg:deb/debian/curl@7.74.0-1?distro=bookworm",
        &["CVE-2099-2000"],
    ),
    (
        "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u3?distro=bookworm",
        &["CVE-2099-2000"],
    ),
    (
        "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u4?distro=bookworm",
        &[],
    ),
    // Alias fixture: PYSEC-2099-1 < 1.2.0 and GHSA-aaaa-bbbb-cccc < 1.2.1, both CVE-2099-5555.
    ("pkg:pypi/medsbom-demo@1.1", &["CVE-2099-5555"]),
    ("pkg:pypi/medsbom-demo@1.2.0", &["CVE-2099-5555"]),
    ("pkg:pypi/medsbom-demo@1.2.1", &[]),
    // CSAF fixture: acme-lib 1.2.3 and vers:npm/>=2.0.0|<2.0.5 known affected.
    ("pkg:npm/acme-lib@1.2.3", &["CVE-2099-3000"]),
    ("pkg:npm/acme-lib@1.2.4", &[]),
    ("pkg:npm/acme-lib@2.0.4", &["CVE-2099-3000"]),
    ("pkg:npm/acme-lib@2.0.5", &[]),
    // NVD fixture: log4j [2.0.1, 2.12.2) and [2.13.0, 2.15.0), plus 2.0 beta9 exactly.
    (
        "cpe:2.3:a:apache:log4j:2.0.1:*:*:*:*:*:*:*",
        &["CVE-2021-44228"],
    ),
    ("cpe:2.3:a:apache:log4j:2.12.2:*:*:*:*:*:*:*", &[]),
    (
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        &["CVE-2021-44228"],
    ),
    ("cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*", &[]),
    (
        "cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*",
        &["CVE-2021-44228"],
    ),
    ("cpe:2.3:a:apache:log4j:2.0:*:*:*:*:*:*:*", &[]),
    // Firmware before 3.2 running on the pump; the pump itself is platform context only.
    (
        "cpe:2.3:o:acme:infusion_firmware:3.1:*:*:*:*:*:*:*",
        &["CVE-2099-7777"],
    ),
    ("cpe:2.3:o:acme:infusion_firmware:3.2:*:*:*:*:*:*:*", &[]),
    ("cpe:2.3:h:acme:pump:-:*:*:*:*:*:*:*", &[]),
];

fn components() -> Vec<(String, String, Option<String>, Option<String>)> {
    EXPECTED
        .iter()
        .map(|(identifier, _)| {
            if identifier.starts_with("cpe:") {
                let version = identifier.split(':').nth(5).unwrap_or("").to_owned();
                (
                    (*identifier).to_owned(),
                    version,
                    None,
                    Some((*identifier).to_owned()),
                )
            } else {
                let version = identifier
                    .split('@')
                    .nth(1)
                    .and_then(|rest| rest.split('?').next())
                    .unwrap_or("")
                    .replace("%2B", "+");
                (
                    (*identifier).to_owned(),
                    version,
                    Some((*identifier).to_owned()),
                    None,
                )
            }
        })
        .collect()
}

async fn ingest_all(db: &VulnDb, product: &str, version: &str, only: Option<&[&str]>) -> i64 {
    let owned = components();
    let list: Vec<(&str, &str, Option<&str>, Option<&str>)> = owned
        .iter()
        .filter(|(name, ..)| only.is_none_or(|only| only.contains(&name.as_str())))
        .map(|(name, version, purl, cpe)| {
            (
                name.as_str(),
                version.as_str(),
                purl.as_deref(),
                cpe.as_deref(),
            )
        })
        .collect();
    common::ingest(db, product, version, &list).await
}

/// component name → vulnerability ids, for one product.
fn by_component(findings: &[VulnFinding], product: &str) -> BTreeMap<String, Vec<String>> {
    let mut res: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.product == product) {
        res.entry(finding.component.clone())
            .or_default()
            .push(finding.vulnerability_id.clone());
    }
    for ids in res.values_mut() {
        ids.sort();
    }
    res
}

fn expected_map() -> BTreeMap<String, Vec<String>> {
    EXPECTED
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(identifier, ids)| {
            let mut ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
            ids.sort();
            ((*identifier).to_owned(), ids)
        })
        .collect()
}

async fn run(test_db: common::TestDb) {
    let Some(osv_dir) = medsbom_testkit::corpus_path("vuln/osv") else {
        return;
    };
    let Some(kev_file) =
        medsbom_testkit::corpus_path("vuln/kev/known_exploited_vulnerabilities.json")
    else {
        return;
    };
    let db = &test_db.db;
    let backend = test_db.backend;

    // The SBOM comes first: matched against empty feeds, its packages are recorded.
    let pump = ingest_all(db, "Pump", "1.0", None).await;
    let report = match_sbom(db, pump, &MatchConfig::EXACT).await.unwrap();
    // Every component plus the root component (the product itself).
    assert_eq!(report.n_packages, EXPECTED.len() + 1, "{backend}");
    assert_eq!(report.n_findings, 0, "{backend}");

    // The feed import matches the packages whose keys appear in the new advisories.
    let report = common::import(db, &[osv_dir, kev_file, common::data_dir()]).await;
    let errors: Vec<&String> = report.files.iter().flat_map(|f| &f.errors).collect();
    assert!(errors.is_empty(), "{backend}: {errors:?}");
    let expected = expected_map();
    let n_expected: usize = expected.values().map(Vec::len).sum();
    assert_eq!(
        report.matching.n_added, report.matching.n_findings,
        "{backend}"
    );

    let findings = list_findings(db, &FindingQuery::default()).await.unwrap();
    assert_eq!(by_component(&findings, "Pump"), expected, "{backend}");
    assert_eq!(findings.len(), n_expected, "{backend}");

    check_details(&findings, backend);
    let details = advisory_details(db, "PYSEC-2099-1").await.unwrap();
    let ids: Vec<(&str, &str)> = details
        .iter()
        .map(|d| (d.advisory_id.as_str(), d.feed.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("GHSA-aaaa-bbbb-cccc", "osv/GHSA"),
            ("PYSEC-2099-1", "osv/PYSEC")
        ],
        "{backend}"
    );
    assert_eq!(details[0].severity[0].2, Some(9.8), "{backend}");
    let log4shell = advisory_details(db, "CVE-2021-44228").await.unwrap();
    assert_eq!(log4shell.len(), 1, "{backend}");
    assert_eq!(
        log4shell[0].references[0].0,
        "https://logging.apache.org/log4j/2.x/security.html"
    );
    assert!(
        log4shell[0]
            .details
            .as_deref()
            .is_some_and(|d| d.starts_with("Apache Log4j2"))
    );

    // A full re-match finds exactly what the incremental runs found.
    let full = rematch_all(db, &MatchConfig::EXACT).await.unwrap();
    assert_eq!(
        (full.n_added, full.n_removed, full.n_changed),
        (0, 0, 0),
        "{backend}"
    );
    assert_eq!(full.n_findings, report.matching.n_findings, "{backend}");

    // A second product shares two packages and adds one: only the new one is matched.
    let monitor = ingest_all(
        db,
        "Monitor",
        "2.0",
        Some(&["pkg:npm/moment@2.17.1", "pkg:pypi/py@1.11.0"]),
    )
    .await;
    common::ingest(
        db,
        "Monitor",
        "2.1",
        &[
            ("moment", "2.17.1", Some("pkg:npm/moment@2.17.1"), None),
            ("moment", "2.29.3", Some("pkg:npm/moment@2.29.3"), None),
        ],
    )
    .await;
    let report = match_sbom(db, monitor, &MatchConfig::EXACT).await.unwrap();
    // Only the root component (the product itself) is new.
    assert_eq!((report.n_packages, report.n_added), (1, 0), "{backend}");
    let latest = common::ingest(
        db,
        "Monitor",
        "2.2",
        &[("moment", "2.29.3", Some("pkg:npm/moment@2.29.3"), None)],
    )
    .await;
    let report = match_sbom(db, latest, &MatchConfig::EXACT).await.unwrap();
    // moment 2.29.3 (first seen in 2.1, which was not matched) and the root.
    assert_eq!((report.n_packages, report.n_added), (2, 1), "{backend}");
    let query = FindingQuery {
        product: Some("Monitor".to_owned()),
        ..FindingQuery::default()
    };
    let monitor_findings = list_findings(db, &query).await.unwrap();
    let mut rows: Vec<(String, String, String)> = monitor_findings
        .iter()
        .map(|f| {
            (
                f.product_version.clone(),
                f.component.clone(),
                f.vulnerability_id.clone(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("2.0", "pkg:npm/moment@2.17.1", "CVE-2022-24785"),
            ("2.0", "pkg:pypi/py@1.11.0", "CVE-2022-42969"),
            ("2.1", "moment", "CVE-2022-24785"),
            ("2.1", "moment", "CVE-2022-31129"),
            ("2.2", "moment", "CVE-2022-31129"),
        ]
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())),
        "{backend}"
    );

    // An updated advisory (newer modified) that fixes 1.2.0 earlier removes that finding;
    // re-importing the old file changes nothing (it is older).
    let dir = tempfile::tempdir().unwrap();
    let update = dir.path().join("ghsa-update.json");
    std::fs::write(
        &update,
        r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2099-02-01T00:00:00Z","aliases":["CVE-2099-5555"],"summary":"Demo flaw in medsbom-demo","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"affected":[{"package":{"ecosystem":"PyPI","name":"medsbom-demo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}"#,
    )
    .unwrap();
    let report = common::import(db, &[update]).await;
    assert_eq!(
        (report.n_updated, report.matching.n_removed),
        (1, 1),
        "{backend}"
    );
    assert_eq!(
        report.matching.n_changed, 1,
        "{backend}: 1.1 now has a new fixed version"
    );
    let report = common::import(db, &[common::data_dir().join("osv/aliases.jsonl")]).await;
    assert_eq!((report.n_updated, report.n_unchanged), (0, 2), "{backend}");
    let findings = list_findings(db, &FindingQuery::default()).await.unwrap();
    let demo = by_component(&findings, "Pump");
    assert_eq!(demo.get("pkg:pypi/medsbom-demo@1.2.0"), None, "{backend}");

    // A withdrawn advisory matches nothing.
    let withdrawn = dir.path().join("pysec-withdrawn.json");
    std::fs::write(
        &withdrawn,
        r#"{"id":"PYSEC-2099-1","modified":"2099-03-01T00:00:00Z","withdrawn":"2099-03-01T00:00:00Z","aliases":["CVE-2099-5555","GHSA-aaaa-bbbb-cccc"],"affected":[{"package":{"ecosystem":"PyPI","name":"medsbom-demo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}],"versions":["1.0","1.1"]}]}"#,
    )
    .unwrap();
    let report = common::import(db, &[withdrawn]).await;
    assert_eq!(report.matching.n_removed, 1, "{backend}");
    let findings = list_findings(db, &FindingQuery::default()).await.unwrap();
    let demo: Vec<&VulnFinding> = findings
        .iter()
        .filter(|f| f.component == "pkg:pypi/medsbom-demo@1.1")
        .collect();
    assert_eq!(demo.len(), 1, "{backend}");
    let bases: Vec<&str> = demo[0]
        .match_basis
        .iter()
        .map(|b| b.advisory_id.as_str())
        .collect();
    assert_eq!(bases, ["GHSA-aaaa-bbbb-cccc"], "{backend}");

    // Idempotent: the full re-match still agrees.
    let full = rematch_all(db, &MatchConfig::EXACT).await.unwrap();
    assert_eq!(
        (full.n_added, full.n_removed, full.n_changed),
        (0, 0, 0),
        "{backend}"
    );
    test_db.cleanup().await;
}

fn find<'a>(findings: &'a [VulnFinding], component: &str, id: &str) -> &'a VulnFinding {
    findings
        .iter()
        .find(|f| f.component == component && f.vulnerability_id == id)
        .unwrap_or_else(|| panic!("no finding {id} for {component}"))
}

fn check_details(findings: &[VulnFinding], backend: &str) {
    // Alias merging: the PYSEC and the GHSA record are one vulnerability with both aliases,
    // two match bases, the fixed versions of both, KEV (ransomware) and EPSS attached.
    let demo = find(findings, "pkg:pypi/medsbom-demo@1.1", "CVE-2099-5555");
    assert_eq!(
        demo.aliases,
        ["GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"],
        "{backend}"
    );
    let bases: Vec<(&str, Basis, i64, &str)> = demo
        .match_basis
        .iter()
        .map(|b| {
            (
                b.advisory_id.as_str(),
                b.basis,
                b.confidence,
                b.range.as_str(),
            )
        })
        .collect();
    assert_eq!(
        bases,
        [
            (
                "GHSA-aaaa-bbbb-cccc",
                Basis::Purl,
                3,
                "ECOSYSTEM: introduced 0, fixed 1.2.1"
            ),
            ("PYSEC-2099-1", Basis::Purl, 3, "versions[] lists 1.1"),
        ],
        "{backend}"
    );
    assert_eq!(demo.match_basis[0].feed, "osv/GHSA", "{backend}");
    let mut fixed = demo.fixed_versions.clone();
    fixed.sort();
    assert_eq!(fixed, ["1.2.0", "1.2.1"], "{backend}");
    assert_eq!(demo.summary.as_deref(), Some("Demo flaw in medsbom-demo"));
    assert_eq!(demo.severity, Severity::Critical, "{backend}");
    assert_eq!(demo.cvss.as_ref().map(|c| c.score), Some(9.8), "{backend}");
    let kev = demo.kev.as_ref().expect("kev");
    assert_eq!(
        (kev.date_added.as_str(), kev.ransomware),
        ("2099-01-03", true)
    );
    let epss = demo.epss.as_ref().expect("epss");
    assert_eq!(
        (epss.probability, epss.model_version.as_deref()),
        (0.42, Some("v2025.03.14"))
    );
    // 40 × 0.98 + 60 × 1 (KEV) + 5 (ransomware), capped.
    assert_eq!(demo.priority, 100.0, "{backend}");
    let demo_120 = find(findings, "pkg:pypi/medsbom-demo@1.2.0", "CVE-2099-5555");
    assert_eq!(demo_120.match_basis.len(), 1, "{backend}");

    // CPE match with KEV from the corpus catalog and EPSS from the fixture.
    let log4j = find(
        findings,
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        "CVE-2021-44228",
    );
    assert_eq!(log4j.match_basis[0].basis, Basis::Cpe, "{backend}");
    assert_eq!(log4j.match_basis[0].confidence, 2, "{backend}");
    assert_eq!(
        log4j.match_basis[0].range,
        "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:* >=2.13.0 <2.15.0"
    );
    assert_eq!(log4j.fixed_versions, ["2.15.0"], "{backend}");
    assert_eq!(
        log4j.kev.as_ref().map(|k| k.date_added.as_str()),
        Some("2021-12-10")
    );
    assert_eq!(log4j.severity, Severity::Critical, "{backend}");
    let firmware = find(
        findings,
        "cpe:2.3:o:acme:infusion_firmware:3.1:*:*:*:*:*:*:*",
        "CVE-2099-7777",
    );
    assert_eq!(
        firmware.match_basis[0].range,
        "cpe:2.3:o:acme:infusion_firmware:*:*:*:*:*:*:*:* <3.2 on cpe:2.3:h:acme:pump:-:*:*:*:*:*:*:*"
    );
    assert_eq!(firmware.severity, Severity::High, "{backend}");
    assert!(firmware.kev.is_none() && firmware.epss.is_none());
    assert_eq!(firmware.priority, 35.2, "{backend}");

    // Merged PyPI advisories from the corpus (PYSEC-2021-368 and PYSEC-2021-875 are the
    // same CVEs filed for other Zope packages).
    let accesscontrol = find(findings, "pkg:pypi/accesscontrol@4.2", "CVE-2021-32807");
    assert_eq!(
        accesscontrol.aliases,
        [
            "CVE-2021-32811",
            "GHSA-g4gq-j4p2-j8fr",
            "GHSA-qcx9-j53g-ccgf",
            "PYSEC-2021-335",
            "PYSEC-2021-368",
            "PYSEC-2021-370",
            "PYSEC-2021-875"
        ],
        "{backend}"
    );
    assert_eq!(accesscontrol.fixed_versions, ["4.3", "5.2"], "{backend}");

    // Debian through the source package, Go with its v prefix.
    let libssl = find(
        findings,
        "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12&upstream=openssl",
        "CVE-2099-1000",
    );
    assert_eq!(libssl.fixed_versions, ["3.0.11-1~deb12u2"], "{backend}");
    assert_eq!(libssl.aliases, ["DSA-9001-1"], "{backend}");
    let gin = find(
        findings,
        "pkg:golang/github.com/gin-gonic/gin@v1.5.0",
        "CVE-2023-29401",
    );
    assert_eq!(
        gin.match_basis[0].range,
        "SEMVER: introduced 1.3.1-0.20190301021747-ccb9e902956d, fixed 1.9.1"
    );

    // Sorted by priority, highest first.
    assert!(
        findings
            .windows(2)
            .all(|pair| pair[1].priority <= pair[0].priority)
    );
}

#[tokio::test]
async fn matching_sqlite() {
    run(common::sqlite().await).await;
}

#[tokio::test]
async fn matching_postgres() {
    let Some(test_db) = common::postgres().await else {
        return;
    };
    run(test_db).await;
}
