//! The VEX tables on SQLite and PostgreSQL: corpus documents import, statements annotate
//! stored findings, a statement for a product version not stored yet applies once it is
//! ingested, the manufacturer's word wins, the hospital's analysis is kept apart with its
//! history, bad statements are reported one by one, and every export validates against
//! its schema and reads back with the same statuses.

use std::path::Path;

use medsbom_model::{Component, ComponentType, Party, Sbom, SbomFormat};
use medsbom_store::{IngestRequest, Store};
use medsbom_vex::export::{ExportHeader, gather, write};
use medsbom_vex::model::{Authority, SkipReason, Status, VexFormat};
use medsbom_vex::service::{
    AnalysisFilter, AnalysisRole, FindingKey, FindingRef, ImportOptions, NewAnalysis, VexDb,
    VexScope, annotate, import_document, list_analyses, load_statements, record_analysis,
};

/// A database for one test; dropping it removes the PostgreSQL schema.
struct TestDb {
    vex: VexDb,
    label: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, schema)) = self.pg.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                use sqlx::Connection as _;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("medsbom.db");
    let url = path.to_str().expect("utf-8 path").to_owned();
    TestDb {
        vex: VexDb::open(&url).await.expect("open sqlite"),
        label: "sqlite",
        _dir: Some(dir),
        pg: None,
    }
}

async fn postgres() -> Option<TestDb> {
    use sqlx::Connection as _;
    let admin_url = medsbom_testkit::postgres_url()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to MEDSBOM_TEST_PG");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create schema");
    let _ = conn.close().await;
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
    Some(TestDb {
        vex: VexDb::open(&url).await.expect("open postgres"),
        label: "postgres",
        _dir: None,
        pg: Some((admin_url, schema)),
    })
}

async fn backends() -> Vec<TestDb> {
    let mut res = vec![sqlite().await];
    res.extend(postgres().await);
    res
}

const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
const LOG4SHELL: &str = "CVE-2021-44228";

/// A device SBOM: root `product`@`version` by `manufacturer` with a log4j component.
fn device(manufacturer: &str, product: &str, version: &str) -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.serial_number = Some(format!("urn:uuid:{}", uuid::Uuid::new_v4()));
    sbom.version = Some(1);
    sbom.supplier = Some(Party::organization(manufacturer));
    let mut root = Component::new("root", product);
    root.version = Some(version.to_owned());
    root.kind = ComponentType::Device;
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    let mut log4j = Component::new("log4j", "log4j-core");
    log4j.extra.group = Some("org.apache.logging.log4j".to_owned());
    log4j.version = Some("2.14.1".to_owned());
    log4j.purl = Some(LOG4J.to_owned());
    sbom.components.push(log4j);
    sbom
}

async fn ingest(store: &Store, sbom: &Sbom) {
    let raw = format!("{sbom:?}").into_bytes();
    let request = IngestRequest {
        raw: &raw,
        format: "cyclonedx-json",
        spec_version: &sbom.spec_version,
        sbom,
        manufacturer: None,
        product: None,
        product_version: None,
        ingested_by: "tester",
        source_name: None,
        check_results: None,
        progress: None,
    };
    store.ingest(&request).await.expect("ingest");
}

async fn ingest_corpus(store: &Store, relative: &str) -> bool {
    let Some(path) = medsbom_testkit::corpus_path(relative) else {
        return false;
    };
    let raw = std::fs::read(path).expect("readable");
    let (detected, parsed) = medsbom_formats::read(&raw).expect("sbom reads");
    let request = IngestRequest {
        raw: &raw,
        format: detected.format.as_str(),
        spec_version: &parsed.sbom.spec_version,
        sbom: &parsed.sbom,
        manufacturer: None,
        product: None,
        product_version: None,
        ingested_by: "tester",
        source_name: Some(relative),
        check_results: None,
        progress: None,
    };
    store.ingest(&request).await.expect("ingest");
    true
}

async fn import_bytes(
    db: &VexDb,
    name: &str,
    bytes: &[u8],
    authority: Option<Authority>,
) -> medsbom_vex::service::ImportOutcome {
    let document = medsbom_vex::parse::parse(name, bytes).expect("vex reads");
    let options = ImportOptions {
        file: Some(name),
        imported_by: "tester",
        authority,
        organization_id: None,
    };
    import_document(db, bytes, &document, &options)
        .await
        .expect("import")
}

async fn import_corpus(db: &VexDb, relative: &str) -> Option<medsbom_vex::service::ImportOutcome> {
    let path = medsbom_testkit::corpus_path(relative)?;
    let bytes = std::fs::read(path).expect("readable");
    Some(import_bytes(db, relative, &bytes, None).await)
}

/// The VEX status of (product, version, purl, vulnerability) as findings see it.
async fn status(
    db: &VexDb,
    manufacturer: Option<&str>,
    product: &str,
    version: &str,
    purl: Option<&str>,
    vulnerability: &str,
) -> Option<Status> {
    let key = FindingKey {
        manufacturer: manufacturer.map(str::to_owned),
        product: product.to_owned(),
        product_version: version.to_owned(),
        sbom_id: None,
        package_id: None,
        purl: purl.map(str::to_owned),
        cpe: None,
        component_version: purl.and_then(|p| p.rsplit('@').next()).map(str::to_owned),
        vulnerability_ids: vec![vulnerability.to_owned()],
    };
    annotate(db, &[key])
        .await
        .expect("annotate")
        .pop()
        .flatten()
        .map(|annotation| annotation.status)
}

#[tokio::test]
async fn corpus_documents_import_and_reimport_is_a_noop() {
    let dirs = [
        "sbom/cyclonedx-bom-examples/VEX",
        "vex/openvex-examples",
        "vex/csaf-2.0-examples/csaf/csaf_vex",
    ];
    for db in backends().await {
        let mut n_statements = 0;
        let mut n_files = 0;
        let mut seen: std::collections::BTreeSet<Vec<u8>> = std::collections::BTreeSet::new();
        for dir in dirs {
            let Some(dir) = medsbom_testkit::corpus_path(dir) else {
                return;
            };
            let files = medsbom_testkit::files_below(&dir, &|path: &Path| {
                path.extension().is_some_and(|e| e == "json" || e == "yaml")
                    && !path.to_string_lossy().contains("README")
            });
            for path in files {
                let bytes = std::fs::read(&path).expect("readable");
                let name = path.display().to_string();
                let document = medsbom_vex::parse::parse(&name, &bytes).expect("reads");
                let outcome = import_bytes(&db.vex, &name, &bytes, None).await;
                if seen.contains(&bytes) {
                    assert!(outcome.already_imported, "{name}");
                    continue;
                }
                assert!(!outcome.already_imported, "{name}");
                assert_eq!(outcome.n_statements, document.statements.len(), "{name}");
                assert_eq!(outcome.skipped, document.skipped, "{name}");
                if !seen.insert(bytes.clone()) {
                    // The same bytes under another name (Case-7 and Case-8 share BOMs).
                    continue;
                }
                let again = import_bytes(&db.vex, &name, &bytes, None).await;
                assert!(again.already_imported, "{}: {name}", db.label);
                assert_eq!(again.source_id, outcome.source_id);
                n_statements += document.statements.len();
                n_files += 1;
            }
        }
        assert!(55 <= n_files, "{n_files} files");
        let stored = load_statements(&db.vex, None, &VexScope::Everything)
            .await
            .expect("load");
        assert_eq!(stored.len(), n_statements, "{}", db.label);
        // Stored statements keep what the documents said.
        let case_2 = stored
            .iter()
            .find(|s| {
                s.statement.vulnerability_id == "CVE-2020-11896"
                    && s.file
                        .as_deref()
                        .is_some_and(|f| f.ends_with("CISA-Use-Cases/Case-2/vex.json"))
            })
            .expect("case 2 statement");
        assert_eq!(case_2.statement.status, Status::NotAffected);
        assert_eq!(
            case_2.statement.justification_original.as_deref(),
            Some("code_not_reachable")
        );
        assert_eq!(
            case_2.statement.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
    }
}

#[tokio::test]
async fn statements_annotate_findings_of_stored_versions() {
    for db in backends().await {
        let store = db.vex.store();
        for version in ["2.4", "2.5", "3.0", "4.2"] {
            ingest(store, &device("Example Company", "ABC", version)).await;
        }
        let Some(outcome) = import_corpus(
            &db.vex,
            "sbom/cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json",
        )
        .await
        else {
            return;
        };
        assert_eq!(outcome.n_statements, 2);
        for (version, expected) in [
            ("2.4", Some(Status::Affected)),
            ("2.5", Some(Status::NotAffected)),
            ("3.0", Some(Status::Affected)),
            ("4.2", Some(Status::NotAffected)),
            ("5.0", None),
        ] {
            let got = status(&db.vex, None, "ABC", version, Some(LOG4J), LOG4SHELL).await;
            assert_eq!(got, expected, "{} ABC {version}", db.label);
        }
        assert_eq!(
            status(&db.vex, None, "ABC", "2.5", Some(LOG4J), "CVE-2021-45046").await,
            None
        );
    }
}

#[tokio::test]
async fn statements_for_versions_not_stored_apply_once_ingested() {
    for db in backends().await {
        let store = db.vex.store();
        // A BOM-Link into BOMs that are not stored yet.
        let Some(outcome) = import_corpus(
            &db.vex,
            "sbom/cyclonedx-bom-examples/VEX/Use-Cases/Case-13/vex.json",
        )
        .await
        else {
            return;
        };
        assert_eq!(outcome.n_statements, 2);
        let jackson = "CVE-2020-25649";
        assert_eq!(
            status(
                &db.vex,
                None,
                "Acme Product 1",
                "unspecified",
                None,
                jackson
            )
            .await,
            None
        );
        ingest_corpus(
            store,
            "sbom/cyclonedx-bom-examples/VEX/Use-Cases/Case-13/bom-1.json",
        )
        .await;
        ingest_corpus(
            store,
            "sbom/cyclonedx-bom-examples/VEX/Use-Cases/Case-13/bom-3.json",
        )
        .await;
        assert_eq!(
            status(
                &db.vex,
                None,
                "Acme Product 1",
                "unspecified",
                None,
                jackson
            )
            .await,
            Some(Status::NotAffected),
            "{}",
            db.label
        );
        assert_eq!(
            status(
                &db.vex,
                None,
                "Acme Product 3",
                "unspecified",
                None,
                jackson
            )
            .await,
            Some(Status::Affected)
        );
        // A product named by name and version, ingested after the statement.
        let outcome = import_corpus(
            &db.vex,
            "vex/csaf-2.0-examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json",
        )
        .await
        .expect("corpus present");
        assert!(
            outcome
                .notes
                .iter()
                .any(|note| note.contains("ABC 4.2 is not stored yet")),
            "{:?}",
            outcome.notes
        );
        ingest(store, &device("Example Company", "ABC", "4.2")).await;
        assert_eq!(
            status(&db.vex, None, "ABC", "4.2", Some(LOG4J), LOG4SHELL).await,
            Some(Status::NotAffected)
        );
        // Nothing was stored per finding: the statements are as imported.
        assert_eq!(
            load_statements(&db.vex, None, &VexScope::Everything)
                .await
                .expect("load")
                .len(),
            3
        );
    }
}

const THIRD_PARTY_AFFECTED: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/third-party-1",
  "author": "Independent Researcher",
  "timestamp": "2024-05-01T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": "CVE-2021-44228"},
    "products": [{"@id": "pkg:generic/Infusion%20Pump@2.1",
                  "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}],
    "status": "affected",
    "action_statement": "Isolate the pump network"
  }]
}"#;

const MANUFACTURER_NOT_AFFECTED: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/maker-1",
  "author": "Acme Medical",
  "timestamp": "2023-01-01T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": "CVE-2021-44228", "aliases": ["GHSA-jfh8-c2jp-5v3q"]},
    "products": [{"@id": "Infusion Pump"}],
    "status": "not_affected",
    "justification": "vulnerable_code_not_in_execute_path"
  }]
}"#;

#[tokio::test]
async fn manufacturer_wins_and_the_own_analysis_is_kept_apart() {
    for db in backends().await {
        let store = db.vex.store();
        ingest(store, &device("Acme Medical", "Infusion Pump", "2.1")).await;
        import_bytes(&db.vex, "third.json", THIRD_PARTY_AFFECTED.as_bytes(), None).await;
        let third_only = status(
            &db.vex,
            Some("Acme Medical"),
            "Infusion Pump",
            "2.1",
            Some(LOG4J),
            LOG4SHELL,
        )
        .await;
        assert_eq!(third_only, Some(Status::Affected), "{}", db.label);
        // Older, but from the manufacturer (its author is the product's manufacturer).
        import_bytes(
            &db.vex,
            "maker.json",
            MANUFACTURER_NOT_AFFECTED.as_bytes(),
            None,
        )
        .await;
        let key = FindingKey {
            manufacturer: Some("Acme Medical".to_owned()),
            product: "Infusion Pump".to_owned(),
            product_version: "2.1".to_owned(),
            sbom_id: None,
            package_id: None,
            purl: Some(LOG4J.to_owned()),
            cpe: None,
            component_version: Some("2.14.1".to_owned()),
            // Found under the GHSA id: the alias names it.
            vulnerability_ids: vec!["GHSA-JFH8-C2JP-5V3Q".to_owned()],
        };
        let annotation = annotate(&db.vex, std::slice::from_ref(&key))
            .await
            .expect("annotate")
            .pop()
            .flatten()
            .expect("a statement applies");
        assert_eq!(annotation.status, Status::NotAffected);
        assert_eq!(
            annotation.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
        assert!(
            annotation.source.contains("Acme Medical"),
            "{}",
            annotation.source
        );
        let history = annotation.statements.expect("statements");
        assert_eq!(history.authority, Authority::Manufacturer);
        // The third party's statement names log4j only under CVE-2021-44228.
        assert_eq!(history.history.len(), 1);

        // The hospital records its own analysis; the statement stays visible.
        let finding = FindingRef::parse(&format!("Infusion Pump@2.1:{LOG4J}:{LOG4SHELL}"))
            .expect("finding reference");
        for (state, at) in [
            ("in_triage", "2024-06-01T08:00:00Z"),
            ("exploitable", "2024-06-02T08:00:00Z"),
        ] {
            record_analysis(
                &db.vex,
                &NewAnalysis {
                    finding: &finding,
                    role: AnalysisRole::Provider,
                    state,
                    justification: None,
                    responses: &["update".to_owned()],
                    detail: Some("pump reachable from the clinical network"),
                    analyst: "alice",
                    recorded_at: at,
                    organization_id: None,
                },
            )
            .await
            .expect("record");
        }
        let mut key = key;
        key.vulnerability_ids = vec![LOG4SHELL.to_owned()];
        let annotation = annotate(&db.vex, &[key])
            .await
            .expect("annotate")
            .pop()
            .flatten()
            .expect("annotated");
        assert_eq!(annotation.status, Status::Affected);
        assert_eq!(annotation.source, "analysis by alice (provider)");
        assert_eq!(
            annotation.statements.expect("statements").winner.status,
            Status::NotAffected
        );
        let current = list_analyses(&db.vex, &AnalysisFilter::default())
            .await
            .expect("list");
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].state_original, "exploitable");
        let history = list_analyses(
            &db.vex,
            &AnalysisFilter {
                finding: Some(finding.clone()),
                history: true,
                ..AnalysisFilter::default()
            },
        )
        .await
        .expect("history");
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].state, Status::UnderInvestigation);
        // An analysis for a product version that is not stored is refused.
        let unknown = FindingRef::parse(&format!("Infusion Pump@9.9:{LOG4J}:{LOG4SHELL}"))
            .expect("finding reference");
        let refused = record_analysis(
            &db.vex,
            &NewAnalysis {
                finding: &unknown,
                role: AnalysisRole::Provider,
                state: "not_affected",
                justification: Some("code_not_reachable"),
                responses: &[],
                detail: None,
                analyst: "alice",
                recorded_at: "2024-06-03T08:00:00Z",
                organization_id: None,
            },
        )
        .await;
        assert!(refused.is_err());
    }
}

const BAD_OPENVEX: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/bad-1",
  "author": "Acme Medical",
  "timestamp": "2024-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "Infusion Pump"}],
     "status": "fixed"},
    {"vulnerability": {"name": "CVE-2021-45046"}, "products": [{"@id": "Infusion Pump"}],
     "status": "probably_fine"},
    {"vulnerability": {"name": "CVE-21-1"}, "products": [{"@id": "Infusion Pump"}],
     "status": "fixed"},
    {"vulnerability": {"name": "CVE-2022-0001"}, "products": [], "status": "fixed"},
    {"vulnerability": {"name": "CVE-2022-0002"}, "products": [{"@id": "Infusion Pump"}],
     "status": "not_affected"},
    {"vulnerability": {"name": "CVE-2022-0003"}, "products": [{"@id": "Infusion Pump"}],
     "status": "fixed"},
    {"vulnerability": {"name": "CVE-2022-0003"}, "products": [{"@id": "Infusion Pump"}],
     "status": "affected", "action_statement": "update"}
  ]
}"#;

#[tokio::test]
async fn bad_statements_are_reported_and_the_others_import() {
    let document =
        medsbom_vex::parse::parse("bad.json", BAD_OPENVEX.as_bytes()).expect("document reads");
    let reasons: Vec<(Option<&str>, &str)> = document
        .skipped
        .iter()
        .map(|s| (s.vulnerability_id.as_deref(), s.reason.kind()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (Some("CVE-2021-45046"), "unknown_status"),
            (Some("CVE-2022-0001"), "unknown_product"),
            (Some("CVE-2022-0002"), "invalid"),
            (Some("CVE-21-1"), "unknown_vulnerability"),
            (Some("CVE-2022-0003"), "contradiction"),
            (Some("CVE-2022-0003"), "contradiction"),
        ]
    );
    assert!(matches!(
        &document.skipped[0].reason,
        SkipReason::UnknownStatus(message) if message.contains("probably_fine")
    ));
    assert_eq!(document.statements.len(), 1);
    for db in backends().await {
        ingest(
            db.vex.store(),
            &device("Acme Medical", "Infusion Pump", "2.1"),
        )
        .await;
        let outcome = import_bytes(&db.vex, "bad.json", BAD_OPENVEX.as_bytes(), None).await;
        assert_eq!(outcome.n_statements, 1);
        assert_eq!(outcome.skipped.len(), 6);
        assert_eq!(
            status(
                &db.vex,
                None,
                "Infusion Pump",
                "2.1",
                Some(LOG4J),
                LOG4SHELL
            )
            .await,
            Some(Status::Fixed),
            "{}",
            db.label
        );
        assert_eq!(
            status(
                &db.vex,
                None,
                "Infusion Pump",
                "2.1",
                Some(LOG4J),
                "CVE-2022-0003"
            )
            .await,
            None
        );
    }
    // A document that is not VEX at all is an error, not an empty import.
    assert!(medsbom_vex::parse::parse("x.json", br#"{"spdxVersion": "SPDX-2.3"}"#).is_err());
    assert!(medsbom_vex::parse::parse("x.json", b"\x00\x01garbage").is_err());
}

fn load_schema(relative: &str) -> Option<serde_json::Value> {
    let path = medsbom_testkit::corpus_path(relative)?;
    let text = std::fs::read_to_string(path).expect("schema readable");
    Some(serde_json::from_str(&text).expect("schema is json"))
}

fn openvex_validator() -> Option<jsonschema::Validator> {
    let schema = load_schema("schemas/openvex/openvex_json_schema.json")?;
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("openvex schema compiles"),
    )
}

fn csaf_validator() -> Option<jsonschema::Validator> {
    let schema = load_schema("schemas/csaf/json_schema/csaf_json_schema.json")?;
    let mut registry = jsonschema::Registry::new();
    for version in ["2.0", "3.0", "3.1"] {
        let cvss = load_schema(&format!(
            "schemas/csaf/referenced_schema/first/cvss-v{version}.json"
        ))?;
        registry = registry
            .add(
                format!("https://www.first.org/cvss/cvss-v{version}.json"),
                cvss,
            )
            .expect("cvss schema registers");
    }
    let registry = registry.prepare().expect("registry prepares");
    Some(
        jsonschema::options()
            .with_registry(&registry)
            .offline()
            .should_validate_formats(true)
            .build(&schema)
            .expect("csaf schema compiles"),
    )
}

fn schema_errors(validator: &jsonschema::Validator, document: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// What a round trip is compared on: (version, vulnerability, status) per stored finding.
async fn snapshot(db: &VexDb) -> Vec<(String, String, Option<Status>)> {
    let mut res = Vec::new();
    for version in ["2.4", "2.5", "3.0", "4.2"] {
        for vulnerability in [LOG4SHELL, "CVE-2023-0001", "CVE-2021-45046"] {
            let got = status(
                db,
                Some("Example Company"),
                "ABC",
                version,
                Some(LOG4J),
                vulnerability,
            )
            .await;
            res.push((version.to_owned(), vulnerability.to_owned(), got));
        }
    }
    res
}

const COMPONENT_STATEMENT: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/component-1",
  "author": "Example Company",
  "timestamp": "2024-02-01T00:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": "CVE-2023-0001"},
    "products": [{"@id": "ABC", "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}],
    "status": "under_investigation"
  }]
}"#;

#[tokio::test]
async fn exports_validate_and_read_back_with_the_same_statuses() {
    let Some(csaf) = csaf_validator() else {
        return;
    };
    let Some(openvex) = openvex_validator() else {
        return;
    };
    for db in backends().await {
        let store = db.vex.store();
        for version in ["2.4", "2.5", "3.0", "4.2"] {
            ingest(store, &device("Example Company", "ABC", version)).await;
        }
        if import_corpus(
            &db.vex,
            "sbom/cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json",
        )
        .await
        .is_none()
        {
            return;
        }
        import_bytes(
            &db.vex,
            "component.json",
            COMPONENT_STATEMENT.as_bytes(),
            None,
        )
        .await;
        let finding = FindingRef::parse(&format!("ABC@3.0:{LOG4J}:CVE-2021-45046")).expect("ref");
        record_analysis(
            &db.vex,
            &NewAnalysis {
                finding: &finding,
                role: AnalysisRole::Provider,
                state: "not_affected",
                justification: Some("protected_at_perimeter"),
                responses: &[],
                detail: Some("no route from the device network"),
                analyst: "alice",
                recorded_at: "2024-07-01T00:00:00Z",
                organization_id: None,
            },
        )
        .await
        .expect("record");
        let before = snapshot(&db.vex).await;
        assert!(before.iter().any(|(_, _, s)| *s == Some(Status::Affected)));
        assert!(
            before
                .iter()
                .any(|(_, _, s)| *s == Some(Status::UnderInvestigation))
        );
        let header = ExportHeader {
            author: "Example Company".to_owned(),
            authority: Authority::Manufacturer,
            timestamp: "2024-08-01T00:00:00Z".to_owned(),
            namespace: "https://psirt.example.com".to_owned(),
        };
        for format in [VexFormat::CycloneDx, VexFormat::OpenVex, VexFormat::Csaf] {
            // Per product version (component statements keep their product version in
            // every format).
            let fresh = sqlite().await;
            for version in ["2.4", "2.5", "3.0", "4.2"] {
                ingest(
                    fresh.vex.store(),
                    &device("Example Company", "ABC", version),
                )
                .await;
            }
            for version in ["2.4", "2.5", "3.0", "4.2"] {
                let set = gather(&db.vex, "ABC", Some(version), &VexScope::Everything)
                    .await
                    .expect("gather");
                let exported = write(&set, format, &header);
                assert!(exported.warnings.is_empty(), "{:?}", exported.warnings);
                let bytes = serde_json::to_vec_pretty(&exported.document).expect("json");
                let errors = match format {
                    VexFormat::CycloneDx => {
                        let report = medsbom_formats::validate(&bytes);
                        report.errors.iter().map(|e| format!("{e:?}")).collect()
                    }
                    VexFormat::OpenVex => schema_errors(&openvex, &exported.document),
                    VexFormat::Csaf => schema_errors(&csaf, &exported.document),
                };
                assert!(
                    errors.is_empty(),
                    "{} {format} {version}: {errors:?}\n{}",
                    db.label,
                    String::from_utf8_lossy(&bytes)
                );
                let document = medsbom_vex::parse::parse("export.json", &bytes).expect("reads");
                assert_eq!(document.format, format);
                assert!(
                    document.skipped.is_empty(),
                    "{format} {version}: {:?}",
                    document.skipped
                );
                let options = ImportOptions {
                    file: Some("export.json"),
                    imported_by: "tester",
                    authority: Some(Authority::Manufacturer),
                    organization_id: None,
                };
                import_document(&fresh.vex, &bytes, &document, &options)
                    .await
                    .expect("import");
            }
            let after = snapshot(&fresh.vex).await;
            assert_eq!(after, before, "{} round trip through {format}", db.label);
        }
        // All versions in one document.
        let set = gather(&db.vex, "ABC", None, &VexScope::Everything)
            .await
            .expect("gather");
        for format in [VexFormat::CycloneDx, VexFormat::OpenVex, VexFormat::Csaf] {
            let exported = write(&set, format, &header);
            let bytes = serde_json::to_vec(&exported.document).expect("json");
            let errors: Vec<String> = match format {
                VexFormat::CycloneDx => medsbom_formats::validate(&bytes)
                    .errors
                    .iter()
                    .map(|e| format!("{e:?}"))
                    .collect(),
                VexFormat::OpenVex => schema_errors(&openvex, &exported.document),
                VexFormat::Csaf => schema_errors(&csaf, &exported.document),
            };
            assert!(errors.is_empty(), "{format} all versions: {errors:?}");
        }
        // An unknown product is an error.
        assert!(
            gather(&db.vex, "No Such Device", None, &VexScope::Everything)
                .await
                .is_err()
        );
    }
}

/// Two tenants' private copies of one product version (same manufacturer, product and
/// version, different SBOMs): a statement scoped to one copy's BOM serial applies to
/// findings of that copy, found through the key's SBOM, and not to the other's.
#[tokio::test]
async fn a_statement_on_one_namespace_copy_applies_to_that_copy_only() {
    for db in backends().await {
        let store = db.vex.store();
        let shared = device("Acme Medical", "Infusion Pump", "2.1");
        let private = device("Acme Medical", "Infusion Pump", "2.1");
        ingest(store, &shared).await;
        let raw = format!("{private:?}").into_bytes();
        let request = IngestRequest {
            raw: &raw,
            format: "cyclonedx-json",
            spec_version: &private.spec_version,
            sbom: &private,
            manufacturer: None,
            product: None,
            product_version: None,
            ingested_by: "tester",
            source_name: None,
            check_results: None,
            progress: None,
        };
        let private_id = store
            .ingest_in_namespace(&request, 42)
            .await
            .expect("ingest in namespace 42")
            .stored()
            .sbom_id;
        let serial = private
            .serial_number
            .as_deref()
            .and_then(|serial| serial.strip_prefix("urn:uuid:"))
            .expect("serial");
        let vex = serde_json::json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "vulnerabilities": [{
                "id": LOG4SHELL,
                "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
                "affects": [{"ref": format!("urn:cdx:{serial}/1#log4j")}]
            }]
        });
        import_bytes(
            &db.vex,
            "private-copy.vex.json",
            vex.to_string().as_bytes(),
            None,
        )
        .await;
        let hits = store
            .search(&medsbom_store::SearchQuery {
                purl: Some(LOG4J.to_owned()),
                ..medsbom_store::SearchQuery::default()
            })
            .await
            .expect("search");
        assert_eq!(hits.len(), 2, "{}: one hit per copy", db.label);
        let keys: Vec<FindingKey> = hits
            .iter()
            .map(|hit| FindingKey {
                manufacturer: Some(hit.manufacturer.clone()),
                product: hit.product.clone(),
                product_version: hit.product_version.clone(),
                sbom_id: Some(hit.sbom_id),
                package_id: Some(hit.package_id),
                purl: hit.purl.clone(),
                cpe: None,
                component_version: hit.version.clone(),
                vulnerability_ids: vec![LOG4SHELL.to_owned()],
            })
            .collect();
        let annotations = annotate(&db.vex, &keys).await.expect("annotate");
        for (hit, annotation) in hits.iter().zip(annotations) {
            let expected = (hit.sbom_id == private_id).then_some(Status::NotAffected);
            assert_eq!(
                annotation.map(|a| a.status),
                expected,
                "{}: sbom {} (private copy {private_id})",
                db.label,
                hit.sbom_id
            );
        }
    }
}
