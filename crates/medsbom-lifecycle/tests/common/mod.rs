//! Test support: one fresh database per backend (a temporary SQLite file, and a private
//! schema on the test PostgreSQL server when `MEDSBOM_TEST_PG` is set), SBOM ingest from
//! the corpus, and the endoflife.date products of the corpus.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use std::path::Path;

use medsbom_feeds::eol::EolProduct;
use medsbom_feeds::{FeedKind, Record};
use medsbom_lifecycle::{LifecycleDb, ProductVersionKey};
use medsbom_model::IsoDate;
use medsbom_store::{IngestRequest, Store};

/// A database for one test. Dropping it removes the SQLite directory or the PG schema.
pub struct TestDb {
    pub store: Store,
    pub db: LifecycleDb,
    /// What `Store::open` was given.
    pub url: String,
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, schema)) = self.pg.take() else {
            return;
        };
        // Drop runs inside the test's runtime, so the cleanup gets its own thread and runtime.
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

/// A fresh SQLite database in a temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("medsbom.db");
    let url = path.to_str().expect("utf-8 temp path").to_owned();
    let store = Store::open(&url).await.expect("open sqlite");
    let db = LifecycleDb::connect(&url).await.expect("connect sqlite");
    TestDb {
        store,
        db,
        url,
        label: "sqlite",
        _dir: Some(dir),
        pg: None,
    }
}

/// A fresh PostgreSQL schema, or `None` (with a SKIP line) when no server is configured.
pub async fn postgres() -> Option<TestDb> {
    use sqlx::Connection as _;
    let admin_url = medsbom_testkit::postgres_url()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to MEDSBOM_TEST_PG");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create test schema");
    let _ = conn.close().await;
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
    let store = Store::open(&url).await.expect("open postgres");
    let db = LifecycleDb::connect(&url).await.expect("connect postgres");
    Some(TestDb {
        store,
        db,
        url,
        label: "postgres",
        _dir: None,
        pg: Some((admin_url, schema)),
    })
}

/// SQLite, then PostgreSQL when available: every database test runs on both.
pub async fn backends() -> Vec<TestDb> {
    let mut res = vec![sqlite().await];
    res.extend(postgres().await);
    res
}

/// A date written in a test.
pub fn date(text: &str) -> IsoDate {
    IsoDate::parse(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

/// Ingests the SBOM file at `path` as `manufacturer` `product` `version`.
pub async fn ingest(test: &TestDb, path: &Path, manufacturer: &str, product: &str, version: &str) {
    let raw = std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let (detected, parsed) =
        medsbom_formats::read(&raw).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let spec_version = detected.spec_version.clone().unwrap_or_default();
    let source_name = path.display().to_string();
    let request = IngestRequest {
        raw: &raw,
        format: detected.format.as_str(),
        spec_version: &spec_version,
        sbom: &parsed.sbom,
        manufacturer: Some(manufacturer),
        product: Some(product),
        product_version: Some(version),
        ingested_by: "lifecycle-tests",
        source_name: Some(&source_name),
        check_results: None,
        progress: None,
    };
    test.store
        .ingest(&request)
        .await
        .unwrap_or_else(|err| panic!("{} ingest {}: {err}", test.label, path.display()));
}

/// Ingests a corpus SBOM, or returns `false` (after a SKIP line) when the corpus is absent.
pub async fn ingest_corpus(
    test: &TestDb,
    relative: &str,
    manufacturer: &str,
    product: &str,
    version: &str,
) -> bool {
    let Some(path) = medsbom_testkit::corpus_path(relative) else {
        return false;
    };
    ingest(test, &path, manufacturer, product, version).await;
    true
}

/// Ingests one of this crate's fixtures (`tests/data/…`).
pub async fn ingest_fixture(
    test: &TestDb,
    relative: &str,
    manufacturer: &str,
    product: &str,
    version: &str,
) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(relative);
    ingest(test, &path, manufacturer, product, version).await;
}

/// Every endoflife.date product of the corpus, or `None` when the corpus is absent.
pub fn eol_products() -> Option<Vec<EolProduct>> {
    let dir = medsbom_testkit::corpus_path("eol/endoflife.date/products")?;
    let mut res = Vec::new();
    medsbom_feeds::walk::walk(
        &dir,
        &medsbom_feeds::walk::WalkLimits::DEFAULT,
        &mut |file| {
            let file = file.expect("readable product file");
            let Some(FeedKind::EndOfLife) = medsbom_feeds::detect(&file.name, &file.bytes) else {
                return;
            };
            medsbom_feeds::read(
                FeedKind::EndOfLife,
                &file.name,
                &file.bytes,
                &mut |record| {
                    if let Record::EndOfLife(product) = record {
                        res.push(product);
                    }
                },
            )
            .expect("product file reads");
        },
    )
    .expect("walk the products folder");
    Some(res)
}

/// The stored product version, which must exist.
pub async fn key(test: &TestDb, product: &str, version: &str) -> ProductVersionKey {
    medsbom_lifecycle::find_product_version(&test.db, product, version, None)
        .await
        .unwrap_or_else(|err| panic!("{}: {err}", test.label))
}

/// Stores a small device SBOM built in the test: a root component `product`@`version` of
/// `manufacturer` with `components` (stand-in bytes, unique per content).
pub async fn ingest_device(
    test: &TestDb,
    manufacturer: &str,
    product: &str,
    version: &str,
    components: Vec<medsbom_model::Component>,
) {
    use medsbom_model::{Component, ComponentType, Party, Sbom, SbomFormat};
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.serial_number = Some(format!("urn:uuid:{product}-{version}"));
    sbom.supplier = Some(Party::organization(manufacturer));
    let mut root = Component::new("root", product);
    root.version = Some(version.to_owned());
    root.kind = ComponentType::Device;
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    sbom.components.extend(components);
    let raw = format!("{sbom:?}").into_bytes();
    let request = IngestRequest {
        raw: &raw,
        format: "cyclonedx-json",
        spec_version: "1.6",
        sbom: &sbom,
        manufacturer: Some(manufacturer),
        product: Some(product),
        product_version: Some(version),
        ingested_by: "lifecycle-tests",
        source_name: None,
        check_results: None,
        progress: None,
    };
    test.store
        .ingest(&request)
        .await
        .unwrap_or_else(|err| panic!("{} ingest {product} {version}: {err}", test.label));
}

/// A library component with a version, and a CPE when given.
pub fn component(name: &str, version: &str, cpe: Option<&str>) -> medsbom_model::Component {
    let mut res = medsbom_model::Component::new(&format!("{name}@{version}"), name);
    res.version = Some(version.to_owned());
    res.cpes = cpe.map(str::to_owned).into_iter().collect();
    res
}

/// Adds a device of the hospital "General Hospital" to the inventory (table `assets` of
/// medsbom-assets), in `department`, running the product version `pv`.
pub async fn add_asset(test: &TestDb, asset_id: &str, department: &str, pv: &ProductVersionKey) {
    let statements = [
        "INSERT INTO organizations (kind, name) VALUES ('provider', 'General Hospital') \
         ON CONFLICT (kind, name, namespace) DO NOTHING",
        "INSERT INTO assets (organization_id, asset_id, department, product, product_version, \
         product_version_id) SELECT id, $1, $2, $3, $4, $5 FROM organizations \
         WHERE kind = 'provider' AND name = 'General Hospital'",
    ];
    for (idx, sql) in statements.into_iter().enumerate() {
        let res = match test.label {
            "postgres" => {
                let pool = sqlx::PgPool::connect(&test.url).await.expect("connect");
                let mut query = sqlx::query(sql);
                if 0 < idx {
                    query = query
                        .bind(asset_id)
                        .bind(department)
                        .bind(&pv.product)
                        .bind(&pv.version)
                        .bind(pv.id);
                }
                query.execute(&pool).await.map(|_| ())
            }
            _ => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&test.url);
                let pool = sqlx::SqlitePool::connect_with(options)
                    .await
                    .expect("connect");
                let mut query = sqlx::query(sql);
                if 0 < idx {
                    query = query
                        .bind(asset_id)
                        .bind(department)
                        .bind(&pv.product)
                        .bind(&pv.version)
                        .bind(pv.id);
                }
                query.execute(&pool).await.map(|_| ())
            }
        };
        res.unwrap_or_else(|err| panic!("{} add asset {asset_id}: {err}", test.label));
    }
}
