//! End to end on real data, on SQLite and (when configured) PostgreSQL: real SBOMs from the
//! corpus ingested as device product versions, a hospital inventory of 63 assets across
//! two sites and six wards (written here, with three malformed rows), the Go and npm OSV
//! feeds and the CISA KEV catalog imported through medsbom-vuln, then the exact set of
//! affected assets for chosen vulnerabilities and component searches.
//!
//! Besides the chosen cases, every vulnerability the matcher finds is checked against the
//! inventory: `impact` must list exactly the active assets whose product version has a
//! finding for it (medsbom-vuln's `list_findings` is the oracle).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use medsbom_assets::{
    ByAssetQuery, Criticality, Exposure, GroupBy, ImpactQuery, ImpactRow, ImpactTarget,
    ImportOptions, InputFormat, asset_view, findings_by_asset, group_rows, impact, import_assets,
    parse_input, retire_asset,
};
use medsbom_model::IsoDate;
use medsbom_vex::service::{
    AnalysisRole, FindingRef, ImportOptions as VexImportOptions, NewAnalysis, VexDb, VexScope,
    import_document, record_analysis,
};
use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::findings::{FindingQuery, list_findings};
use medsbom_vuln::import::{ImportOptions as FeedImportOptions, import_paths};

use common::{TestDb, backends};

const ORG: &str = "St. Example Hospital";

/// The product versions of the inventory: (corpus file, product, version) as the store
/// files them (the documents' root components; the case-study device has no version).
const DOCUMENTS: [(&str, &str, &str); 7] = [
    (
        "sbom/cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json",
        "github.com/ProtonMail/proton-bridge",
        "v1.6.3",
    ),
    (
        "sbom/cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json",
        "github.com/ProtonMail/proton-bridge",
        "v1.8.0",
    ),
    (
        "sbom/cyclonedx-bom-examples/SBOM/juice-shop/v11.1.2/bom.json",
        "juice-shop",
        "11.1.2",
    ),
    (
        "sbom/cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json",
        "lhc-vdm-editor",
        "0.0.1",
    ),
    (
        "sbom/cyclonedx-bom-examples/SBOM/protonmail-webclient-v4-0912dff/bom.json",
        "protonmail-web",
        "4.0.0-beta.20",
    ),
    // Two documents of one device: the extended one is the newer revision.
    (
        "sbom/medical-device/case-study/narrow.sbom.json",
        "REDACTED",
        "unspecified",
    ),
    (
        "sbom/medical-device/case-study/extended.sbom.json",
        "REDACTED",
        "unspecified",
    ),
];

/// Product versions named by assets: the stored ones, then one whose SBOM is missing.
const PRODUCTS: [(&str, &str); 7] = [
    ("github.com/ProtonMail/proton-bridge", "v1.6.3"),
    ("github.com/ProtonMail/proton-bridge", "v1.8.0"),
    ("juice-shop", "11.1.2"),
    ("lhc-vdm-editor", "0.0.1"),
    ("protonmail-web", "4.0.0-beta.20"),
    ("REDACTED", "unspecified"),
    ("Legacy Monitor", "3.0"),
];
const SITES: [&str; 2] = ["North Campus", "South Campus"];
const WARDS: [&str; 6] = [
    "ICU",
    "NICU",
    "Emergency",
    "Radiology",
    "Oncology",
    "Laboratory",
];
const N_ASSETS: usize = 60;
/// The asset retired after the import.
const RETIRED: &str = "MD-016";

struct InventoryAsset {
    asset_id: String,
    product: usize,
}

/// The inventory: `MD-000` … `MD-059` spread over products, sites, wards, criticality and
/// exposure, as a CSV with three malformed rows (lines 12, 33 and 64) among the good ones.
fn inventory() -> (Vec<InventoryAsset>, String) {
    let criticalities = [
        "life-sustaining",
        "therapy-delivering",
        "monitoring",
        "diagnostic",
        "non-clinical",
        "",
    ];
    let exposures = [
        "internet-reachable",
        "hospital-lan",
        "segmented",
        "isolated",
        "",
    ];
    let mut assets = Vec::new();
    let mut csv = String::from(
        "asset_id,serial,product,product_version,site,building,department,zone,ip,hostname,\
         criticality,exposure,default_credentials,notes\n",
    );
    for idx in 0..N_ASSETS {
        let product = idx % PRODUCTS.len();
        let (name, version) = PRODUCTS[product];
        let asset_id = format!("MD-{idx:03}");
        csv.push_str(&format!(
            "{asset_id},SN{idx:05},{name},{version},{},B{},{},VLAN {},10.{}.0.{},dev-{idx},{},{},{},\n",
            SITES[idx % 2],
            idx % 3,
            WARDS[(idx / 2) % WARDS.len()],
            100 + idx % 4,
            idx % 2,
            idx + 1,
            criticalities[idx % criticalities.len()],
            exposures[idx % exposures.len()],
            if idx % 11 == 0 { "admin/admin" } else { "no" },
        ));
        assets.push(InventoryAsset { asset_id, product });
        // Malformed rows at fixed places: after MD-009 (line 12), MD-029 (line 33) and at the end.
        if idx == 9 {
            csv.push_str("BAD-1,SN90001,juice-shop,11.1.2,North Campus,B0,ICU,VLAN 1,10.0.0.300,x,monitoring,,,\n");
        }
        if idx == 29 {
            csv.push_str("BAD-2,SN90002,juice-shop,11.1.2,North Campus,B0,ICU\n");
        }
    }
    csv.push_str("BAD-3,SN90003,juice-shop,11.1.2,South Campus,B1,NICU,VLAN 2,10.1.0.9,y,critical-ish,isolated,,\n");
    (assets, csv)
}

/// Reads a corpus file the way the CLI does.
fn read(path: &Path) -> (Vec<u8>, String, String, medsbom_model::Sbom) {
    let raw = std::fs::read(path).expect("corpus file");
    let (detected, parsed) = medsbom_formats::read(&raw).expect("readable sbom");
    let format = detected.format.as_str().to_owned();
    let spec_version = detected.spec_version.unwrap_or_default();
    (raw, format, spec_version, parsed.sbom)
}

async fn setup(db: &TestDb, corpus: &Path) -> Vec<InventoryAsset> {
    for (file, product, version) in DOCUMENTS {
        let (raw, format, spec_version, sbom) = read(&corpus.join(file));
        let request = medsbom_store::IngestRequest {
            raw: &raw,
            format: &format,
            spec_version: &spec_version,
            sbom: &sbom,
            manufacturer: None,
            product: None,
            product_version: None,
            ingested_by: "corpus-test",
            source_name: Some(file),
            check_results: None,
            progress: None,
        };
        let stored = db.store().ingest(&request).await.expect("ingest");
        let stored = stored.stored();
        assert_eq!(
            (stored.product.as_str(), stored.product_version.as_str()),
            (product, version),
            "{file}"
        );
    }
    let vulns = VulnDb::open(&db.url).await.expect("vuln db");
    let feeds: Vec<PathBuf> = [
        "vuln/osv/go-vulndb.osv.jsonl.gz",
        "vuln/osv/ghsa-npm-sample.osv.jsonl.gz",
        "vuln/kev/known_exploited_vulnerabilities.json",
    ]
    .iter()
    .map(|file| corpus.join(file))
    .collect();
    let options = FeedImportOptions {
        match_config: MatchConfig::EXACT,
        progress: None,
    };
    let report = import_paths(&vulns, &feeds, &options)
        .await
        .expect("feeds import");
    assert!(0 < report.n_new, "{}: feeds imported", db.label);
    vulns.close().await;

    let (assets, csv) = inventory();
    let input = parse_input(csv.as_bytes(), InputFormat::Csv, None, "inventory.csv").expect("csv");
    let rejected: Vec<String> = input.rejected.iter().map(|r| r.at.to_string()).collect();
    assert_eq!(rejected, ["line 12", "line 33", "line 64"], "{}", db.label);
    let options = ImportOptions {
        organization: ORG,
        dry_run: false,
    };
    let report = import_assets(&db.db, &input, &options)
        .await
        .expect("import");
    assert_eq!(report.n_created(), N_ASSETS, "{}", db.label);
    assert_eq!(report.rejected.len(), 3, "{}", db.label);
    let n_linked = report.outcomes.iter().filter(|o| o.linked).count();
    // Every product but the legacy monitor is stored.
    assert_eq!(
        n_linked,
        N_ASSETS - N_ASSETS.div_ceil(PRODUCTS.len()) + 1,
        "{}",
        db.label
    );
    let unknown: Vec<String> = report
        .unknown_product_versions
        .iter()
        .map(|u| format!("{} {} x{}", u.product, u.product_version, u.n_assets))
        .collect();
    assert_eq!(unknown, ["Legacy Monitor 3.0 x8"], "{}", db.label);
    retire_asset(&db.db, ORG, RETIRED, Some("replaced"))
        .await
        .expect("retire");
    assets
}

/// The active assets running one of `products` (indexes into [`PRODUCTS`]), sorted.
fn assets_of(assets: &[InventoryAsset], products: &BTreeSet<usize>) -> Vec<String> {
    let mut res: Vec<String> = assets
        .iter()
        .filter(|a| products.contains(&a.product) && a.asset_id != RETIRED)
        .map(|a| a.asset_id.clone())
        .collect();
    res.sort();
    res
}

fn query(target: ImpactTarget) -> ImpactQuery {
    ImpactQuery {
        organization: ORG.to_owned(),
        target,
        version_range: None,
        assumed_threat: None,
        include_suppressed: false,
    }
}

/// The distinct asset ids of an impact answer, sorted.
async fn affected(db: &TestDb, query: &ImpactQuery) -> Vec<String> {
    let report = impact(&db.db, query).await.expect("impact");
    asset_ids(&report.rows)
}

/// The distinct asset ids of impact rows, sorted.
fn asset_ids(rows: &[ImpactRow]) -> Vec<String> {
    let ids: BTreeSet<String> = rows.iter().map(|r| r.asset_id.clone()).collect();
    ids.into_iter().collect()
}

/// The open findings of every asset of the hospital, as the command line sees them.
fn every_asset() -> ByAssetQuery {
    ByAssetQuery {
        organization: ORG.to_owned(),
        asset_id: None,
        site: None,
        department: None,
        min_priority: None,
        include_suppressed: false,
        vex_scope: VexScope::Everything,
    }
}

fn products(indexes: &[usize]) -> BTreeSet<usize> {
    indexes.iter().copied().collect()
}

#[tokio::test]
async fn the_affected_assets_of_real_vulnerabilities() {
    let Some(corpus) = medsbom_testkit::corpus_dir() else {
        return;
    };
    for db in backends().await {
        let label = db.label;
        let assets = setup(&db, &corpus).await;

        // The oracle: every finding of the matcher, by vulnerability → product versions.
        let vulns = VulnDb::open(&db.url).await.expect("vuln db");
        let findings = list_findings(&vulns, &FindingQuery::default())
            .await
            .expect("findings");
        vulns.close().await;
        let mut by_vulnerability: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for finding in &findings {
            let product = PRODUCTS
                .iter()
                .position(|(name, version)| {
                    *name == finding.product && *version == finding.product_version
                })
                .expect("a finding of a known product version");
            by_vulnerability
                .entry(finding.vulnerability_id.clone())
                .or_default()
                .insert(product);
        }
        assert!(
            20 <= by_vulnerability.len(),
            "{label}: {} vulnerabilities found",
            by_vulnerability.len()
        );
        for (vulnerability_id, products) in &by_vulnerability {
            let q = query(ImpactTarget::Vulnerability(vulnerability_id.clone()));
            assert_eq!(
                affected(&db, &q).await,
                assets_of(&assets, products),
                "{label}: {vulnerability_id}"
            );
        }

        // Chosen cases. lodash < 4.17.12, asked by its GHSA alias in lowercase: only the
        // juice shop has such a lodash (2.4.2).
        let q = query(ImpactTarget::Vulnerability(
            "ghsa-jf85-cpcp-j695".to_owned(),
        ));
        let report = impact(&db.db, &q).await.expect("impact");
        assert_eq!(
            report.vulnerability.as_ref().map(|v| v.id.as_str()),
            Some("CVE-2019-10744"),
            "{label}"
        );
        let juice_shop = assets_of(&assets, &products(&[2]));
        assert_eq!(affected(&db, &q).await, juice_shop, "{label}");
        assert_eq!(juice_shop.len(), 8, "{label}: one of nine is retired");
        assert!(report.rows.iter().all(|r| r.component == "lodash" && r.component_version.as_deref() == Some("2.4.2")), "{label}");
        // Highest priority first: the juice shops that keep patients alive come first.
        let first = &report.rows[0];
        assert_eq!(
            first.criticality,
            Some(Criticality::LifeSustaining),
            "{label}"
        );
        assert!(
            report
                .rows
                .windows(2)
                .all(|w| w[1].priority <= w[0].priority),
            "{label}"
        );
        assert!(
            report.rows.iter().all(|r| r.vex_status.is_none()),
            "{label}"
        );

        // moment < 2.29.2 (CVE-2022-24785): the juice shop (2.0.0 and 2.27.0) and the
        // ProtonMail web client.
        let q = query(ImpactTarget::Vulnerability("CVE-2022-24785".to_owned()));
        assert_eq!(
            affected(&db, &q).await,
            assets_of(&assets, &by_vulnerability["CVE-2022-24785"]),
            "{label}"
        );
        assert!(by_vulnerability["CVE-2022-24785"].contains(&2), "{label}");

        // HTTP/2 rapid reset in golang.org/x/net (GO-2023-2102): both versions of the Go
        // bridge, asked by any of its identifiers.
        let bridge = assets_of(&assets, &products(&[0, 1]));
        assert_eq!(bridge.len(), 18, "{label}");
        for id in ["CVE-2023-39325", "GO-2023-2102", "GHSA-4374-p667-p6c8"] {
            let q = query(ImpactTarget::Vulnerability(id.to_owned()));
            assert_eq!(affected(&db, &q).await, bridge, "{label}: {id}");
        }

        // Component searches: by purl with and without version, by version range, by name.
        let q = query(ImpactTarget::Purl("pkg:npm/lodash".to_owned()));
        let with_lodash = affected(&db, &q).await;
        assert!(
            with_lodash.iter().any(|id| juice_shop.contains(id)),
            "{label}"
        );
        let q = query(ImpactTarget::Purl("pkg:npm/lodash@2.4.2".to_owned()));
        assert_eq!(affected(&db, &q).await, juice_shop, "{label}");
        let mut q = query(ImpactTarget::Purl("pkg:npm/lodash".to_owned()));
        q.version_range = Some("vers:npm/<4.17.12".to_owned());
        assert_eq!(affected(&db, &q).await, juice_shop, "{label}");
        let q = query(ImpactTarget::Component("LODASH".to_owned()));
        assert_eq!(affected(&db, &q).await, with_lodash, "{label}");
        let q = query(ImpactTarget::Purl("pkg:npm/no-such-package".to_owned()));
        assert!(affected(&db, &q).await.is_empty(), "{label}");

        // The case-study device: only its newest revision (extended) counts. Its hardware
        // CPEs are searchable.
        let q = query(ImpactTarget::Cpe(
            "cpe:2.3:h:*:*:*:*:*:*:*:*:*:*".to_owned(),
        ));
        let hardware = affected(&db, &q).await;
        assert_eq!(hardware, assets_of(&assets, &products(&[5])), "{label}");

        // Unknown vulnerability: an error that says what to do.
        let q = query(ImpactTarget::Vulnerability("CVE-1999-0000000".to_owned()));
        let err = impact(&db.db, &q).await.expect_err("unknown vulnerability");
        assert!(
            err.to_string().contains("not in the imported feeds"),
            "{label}: {err}"
        );

        // Grouping by ward keeps every row.
        let q = query(ImpactTarget::Vulnerability("CVE-2019-10744".to_owned()));
        let report = impact(&db.db, &q).await.expect("impact");
        let groups = group_rows(&report.rows, GroupBy::Ward);
        assert_eq!(
            groups.iter().map(|g| g.rows.len()).sum::<usize>(),
            report.rows.len(),
            "{label}"
        );
        assert!(groups.iter().all(|g| g.key.contains("Campus")), "{label}");

        // Findings by asset agree with impact, and an asset's own view shows them.
        let by_asset = every_asset();
        let rows = findings_by_asset(&db.db, &by_asset)
            .await
            .expect("by asset");
        let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
        for row in &rows {
            pairs.insert((
                row.asset_id.clone(),
                row.vulnerability_id.clone().unwrap_or_default(),
            ));
        }
        let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
        for (vulnerability_id, products) in &by_vulnerability {
            for asset_id in assets_of(&assets, products) {
                expected.insert((asset_id, vulnerability_id.clone()));
            }
        }
        assert_eq!(pairs, expected, "{label}");
        let as_of = IsoDate::parse("2026-11-23").expect("date");
        let view = asset_view(&db.db, ORG, &juice_shop[0], as_of, &VexScope::Everything)
            .await
            .expect("view");
        let linked = view.linked.as_ref().expect("linked");
        assert_eq!(linked.product, "juice-shop", "{label}");
        assert!(800 < view.components.len(), "{label}");
        assert!(
            view.findings
                .iter()
                .any(|f| f.vulnerability_id.as_deref() == Some("CVE-2019-10744")),
            "{label}"
        );
        assert!(view.stage.is_some(), "{label}");
        let legacy = asset_view(&db.db, ORG, "MD-006", as_of, &VexScope::Everything)
            .await
            .expect("legacy view");
        assert!(
            legacy.linked.is_none() && legacy.findings.is_empty(),
            "{label}"
        );
        assert_eq!(
            legacy.asset.exposure,
            Some(Exposure::HospitalLan),
            "{label}"
        );
    }
}

/// The manufacturer's VEX: bridge v1.6.3 is not affected by the HTTP/2 rapid reset.
const BRIDGE_VEX: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://proton.example/vex/2023-39325",
  "author": "Proton AG",
  "timestamp": "2026-11-01T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": "CVE-2023-39325"},
    "products": [{"@id": "pkg:golang/github.com/ProtonMail/proton-bridge@v1.6.3"}],
    "status": "not_affected",
    "justification": "vulnerable_code_not_in_execute_path"
  }]
}"#;

/// VEX takes devices off the list, and every view agrees: the manufacturer's statement
/// clears bridge v1.6.3 of CVE-2023-39325 (asked by its Go id), the hospital's own analysis
/// (recorded under the GHSA alias, in lower case) clears the juice shop of CVE-2019-10744.
/// `impact` leaves exactly those assets out and counts them as suppressed, lists them with
/// their status when asked, and the findings by asset and an asset's view leave them out.
#[tokio::test]
async fn vex_suppresses_exactly_the_cleared_assets() {
    let Some(corpus) = medsbom_testkit::corpus_dir() else {
        return;
    };
    for db in backends().await {
        let label = db.label;
        let assets = setup(&db, &corpus).await;
        let vex = VexDb::open(&db.url).await.expect("vex db");
        let document =
            medsbom_vex::parse::parse("bridge.openvex.json", BRIDGE_VEX.as_bytes()).expect("vex");
        let options = VexImportOptions {
            file: Some("bridge.openvex.json"),
            imported_by: "corpus-test",
            authority: None,
            organization_id: None,
        };
        import_document(&vex, BRIDGE_VEX.as_bytes(), &document, &options)
            .await
            .expect("vex import");
        let finding = FindingRef {
            product: "juice-shop".to_owned(),
            product_version: "11.1.2".to_owned(),
            component: "*".to_owned(),
            vulnerability_id: "ghsa-jf85-cpcp-j695".to_owned(),
        };
        let analysis = NewAnalysis {
            finding: &finding,
            role: AnalysisRole::Provider,
            state: "not_affected",
            justification: Some("vulnerable_code_not_in_execute_path"),
            responses: &[],
            detail: Some("the template helper is never called"),
            analyst: "alice",
            recorded_at: "2026-11-23T10:00:00Z",
            organization_id: None,
        };
        record_analysis(&vex, &analysis).await.expect("analysis");
        vex.close().await;

        let old_bridge = assets_of(&assets, &products(&[0]));
        let new_bridge = assets_of(&assets, &products(&[1]));
        let juice_shop = assets_of(&assets, &products(&[2]));

        // The rapid reset: only the newer bridge is left.
        let q = query(ImpactTarget::Vulnerability("GO-2023-2102".to_owned()));
        let report = impact(&db.db, &q).await.expect("impact");
        let rapid_reset = report.vulnerability.clone().expect("vulnerability").id;
        assert_eq!(asset_ids(&report.rows), new_bridge, "{label}");
        assert!(
            report.rows.iter().all(|r| r.vex_status.is_none()),
            "{label}"
        );
        assert!(old_bridge.len() <= report.n_suppressed, "{label}");
        let mut all = q.clone();
        all.include_suppressed = true;
        let report = impact(&db.db, &all).await.expect("impact --all");
        let suppressed: Vec<&ImpactRow> = report
            .rows
            .iter()
            .filter(|r| r.vex_status.as_deref() == Some("not_affected"))
            .collect();
        let suppressed_ids: BTreeSet<String> =
            suppressed.iter().map(|r| r.asset_id.clone()).collect();
        assert_eq!(
            suppressed_ids.into_iter().collect::<Vec<_>>(),
            old_bridge,
            "{label}"
        );
        assert_eq!(report.n_suppressed, 0, "{label}");

        // Lodash in the juice shop: cleared by the hospital's own analysis.
        let q = query(ImpactTarget::Vulnerability("CVE-2019-10744".to_owned()));
        let report = impact(&db.db, &q).await.expect("impact");
        assert!(report.rows.is_empty(), "{label}: {:?}", report.rows);
        assert!(juice_shop.len() <= report.n_suppressed, "{label}");
        let mut all = q.clone();
        all.include_suppressed = true;
        let report = impact(&db.db, &all).await.expect("impact --all");
        assert_eq!(asset_ids(&report.rows), juice_shop, "{label}");
        assert!(
            report
                .rows
                .iter()
                .all(|r| r.vex_status.as_deref() == Some("not_affected")),
            "{label}"
        );

        // Findings by asset: the cleared (asset, vulnerability) pairs are gone, the others
        // stay; with suppressed findings included they come back with their status.
        let mut by_asset = every_asset();
        let open = findings_by_asset(&db.db, &by_asset)
            .await
            .expect("by asset");
        by_asset.include_suppressed = true;
        let every = findings_by_asset(&db.db, &by_asset)
            .await
            .expect("by asset");
        let pairs = |rows: &[ImpactRow], vulnerability: &str| -> Vec<String> {
            let ids: BTreeSet<String> = rows
                .iter()
                .filter(|r| r.vulnerability_id.as_deref() == Some(vulnerability))
                .map(|r| r.asset_id.clone())
                .collect();
            ids.into_iter().collect()
        };
        assert_eq!(pairs(&open, &rapid_reset), new_bridge, "{label}");
        assert!(pairs(&open, "CVE-2019-10744").is_empty(), "{label}");
        let mut both_bridges = old_bridge.clone();
        both_bridges.extend(new_bridge.iter().cloned());
        both_bridges.sort();
        assert_eq!(pairs(&every, &rapid_reset), both_bridges, "{label}");
        assert_eq!(pairs(&every, "CVE-2019-10744"), juice_shop, "{label}");
        assert!(
            every
                .iter()
                .filter(|r| r.vulnerability_id.as_deref() == Some("CVE-2019-10744"))
                .all(|r| r.vex_status.as_deref() == Some("not_affected")),
            "{label}"
        );
        // Nothing else changes: the open findings are the others, row for row.
        let is_cleared = |r: &ImpactRow| r.vex_status.as_deref() == Some("not_affected");
        assert_eq!(
            open.len(),
            every.iter().filter(|r| !is_cleared(r)).count(),
            "{label}"
        );

        // An asset's view shows its open findings only.
        let as_of = IsoDate::parse("2026-11-23").expect("date");
        let view = asset_view(&db.db, ORG, &juice_shop[0], as_of, &VexScope::Everything)
            .await
            .expect("view");
        assert!(!view.findings.is_empty(), "{label}");
        assert!(
            view.findings
                .iter()
                .all(|f| f.vulnerability_id.as_deref() != Some("CVE-2019-10744")),
            "{label}"
        );
    }
}
