//! `scan_sbom` (match one SBOM without storing it) agrees with ingest + match + list on a
//! real SBOM: the OWASP Juice Shop CycloneDX SBOM against the corpus npm advisories.

mod common;

use std::collections::BTreeSet;

use medsbom_store::{IngestOutcome, IngestRequest};
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::findings::{FindingQuery, VulnFinding, list_findings, scan_sbom};
use medsbom_vuln::matching::match_sbom;

fn rows(findings: &[VulnFinding]) -> BTreeSet<(String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.purl.clone().unwrap_or_default(),
                f.vulnerability_id.clone(),
                f.fixed_versions.join(" "),
            )
        })
        .collect()
}

async fn run(test_db: common::TestDb) {
    let Some(sbom_path) = medsbom_testkit::corpus_path(
        "sbom/cyclonedx-bom-examples/SBOM/juice-shop/v11.1.2/bom.json",
    ) else {
        return;
    };
    let Some(npm) = medsbom_testkit::corpus_path("vuln/osv/ghsa-npm-sample.osv.jsonl.gz") else {
        return;
    };
    let db = &test_db.db;
    let backend = test_db.backend;
    common::import(db, &[npm]).await;
    let raw = std::fs::read(&sbom_path).unwrap();
    let (_, parsed) = medsbom_formats::read(&raw).unwrap();
    let sbom = &parsed.sbom;

    let scanned = scan_sbom(db, sbom, &MatchConfig::EXACT, &FindingQuery::default())
        .await
        .unwrap();
    // Nothing was stored by the scan.
    assert!(db.store().products().await.unwrap().is_empty(), "{backend}");

    let request = IngestRequest {
        raw: &raw,
        format: "cyclonedx-json",
        spec_version: "1.4",
        sbom,
        manufacturer: None,
        product: None,
        product_version: None,
        ingested_by: "test",
        source_name: Some("bom.json"),
        check_results: None,
        progress: None,
    };
    let sbom_id = match db.store().ingest(&request).await.unwrap() {
        IngestOutcome::Stored(stored) | IngestOutcome::AlreadyStored(stored) => stored.sbom_id,
    };
    match_sbom(db, sbom_id, &MatchConfig::EXACT).await.unwrap();
    let listed = list_findings(db, &FindingQuery::default()).await.unwrap();
    assert_eq!(rows(&scanned), rows(&listed), "{backend}");
    assert_eq!(scanned.len(), listed.len(), "{backend}");
    // The sample holds the well-known advisories of these packages; Juice Shop 11.1.2 carries
    // vulnerable versions of several of them.
    let ids: BTreeSet<&str> = scanned
        .iter()
        .map(|f| f.vulnerability_id.as_str())
        .collect();
    for expected in [
        "CVE-2021-44906",
        "CVE-2019-10744",
        "CVE-2022-24785",
        "CVE-2022-23529",
    ] {
        assert!(
            ids.contains(expected),
            "{backend}: {expected} missing from {ids:?}"
        );
    }
    assert!(
        scanned
            .iter()
            .all(|f| f.product == "juice-shop" && f.product_version == "11.1.2")
    );
    // Filters: only the critical ones.
    let query = FindingQuery {
        min_cvss: Some(9.0),
        ..FindingQuery::default()
    };
    let critical = scan_sbom(db, sbom, &MatchConfig::EXACT, &query)
        .await
        .unwrap();
    assert!(
        !critical.is_empty() && critical.len() < scanned.len(),
        "{backend}"
    );
    assert!(
        critical
            .iter()
            .all(|f| f.cvss.as_ref().is_some_and(|c| 9.0 <= c.score))
    );
    test_db.cleanup().await;
}

#[tokio::test]
async fn scan_matches_stored_findings_sqlite() {
    run(common::sqlite().await).await;
}

#[tokio::test]
async fn scan_matches_stored_findings_postgres() {
    let Some(test_db) = common::postgres().await else {
        return;
    };
    run(test_db).await;
}
