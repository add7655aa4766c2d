//! Test support: one fresh database per backend (a temporary SQLite file, and a private
//! schema on the test PostgreSQL server when `MEDSBOM_TEST_PG` is set), small SBOMs, and a
//! way to read one number from the database.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use medsbom_assets::AssetDb;
use medsbom_model::{
    Component, ComponentType, Party, Relationship, RelationshipKind, Sbom, SbomFormat,
};
use medsbom_store::{IngestOutcome, IngestRequest, Store};

/// A database for one test. Dropping it removes the SQLite directory or the PG schema.
pub struct TestDb {
    pub db: AssetDb,
    /// What the store was opened with.
    pub url: String,
    pub label: &'static str,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn store(&self) -> &Store {
        self.db.store()
    }

    /// A path inside this test's temporary directory.
    pub fn path(&self, name: &str) -> std::path::PathBuf {
        match &self.dir {
            Some(dir) => dir.path().join(name),
            None => std::env::temp_dir().join(name),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, schema)) = self.pg.take() else {
            return;
        };
        // Drop runs inside the test's runtime, so the cleanup gets a thread and runtime.
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
    let url = dir
        .path()
        .join("medsbom.db")
        .to_str()
        .expect("utf-8 path")
        .to_owned();
    let db = AssetDb::open(&url).await.expect("open sqlite");
    TestDb {
        db,
        url,
        label: "sqlite",
        dir: Some(dir),
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
    let db = AssetDb::open(&url).await.expect("open postgres");
    Some(TestDb {
        db,
        url,
        label: "postgres",
        dir: Some(tempfile::tempdir().expect("temporary directory")),
        pg: Some((admin_url, schema)),
    })
}

/// SQLite, then PostgreSQL when available: every test runs on both.
pub async fn backends() -> Vec<TestDb> {
    let mut res = vec![sqlite().await];
    res.extend(postgres().await);
    res
}

/// A component with a version and an optional purl.
pub fn component(name: &str, version: &str, purl: Option<&str>) -> Component {
    let mut res = Component::new(&format!("{name}@{version}"), name);
    res.version = Some(version.to_owned());
    res.purl = purl.map(str::to_owned);
    res
}

/// A device SBOM: a root component `product`@`version` by `manufacturer`, plus
/// `components`, each a dependency of the root.
pub fn device_sbom(
    manufacturer: &str,
    product: &str,
    version: &str,
    components: Vec<Component>,
) -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.serial_number = Some(format!("urn:uuid:{product}-{version}"));
    sbom.version = Some(1);
    sbom.supplier = Some(Party::organization(manufacturer));
    let mut root = Component::new("root", product);
    root.version = Some(version.to_owned());
    root.kind = ComponentType::Device;
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    for component in components {
        sbom.relationships.push(Relationship {
            from: "root".to_owned(),
            to: component.bom_ref.clone(),
            kind: RelationshipKind::DependsOn,
            original: Some("dependsOn".to_owned()),
        });
        sbom.components.push(component);
    }
    sbom
}

/// Ingests a document with the names it gives, or the ones passed.
pub async fn ingest(
    store: &Store,
    sbom: &Sbom,
    raw: &[u8],
    names: Option<(&str, &str, &str)>,
) -> IngestOutcome {
    let request = IngestRequest {
        raw,
        format: "cyclonedx-json",
        spec_version: &sbom.spec_version,
        sbom,
        manufacturer: names.map(|n| n.0),
        product: names.map(|n| n.1),
        product_version: names.map(|n| n.2),
        ingested_by: "tester",
        source_name: Some("test.cdx.json"),
        check_results: None,
        progress: None,
    };
    store.ingest(&request).await.expect("ingest")
}

/// Ingests a hand-made SBOM (its debug text stands in for the bytes).
pub async fn ingest_sbom(store: &Store, sbom: &Sbom) -> IngestOutcome {
    let raw = format!("{sbom:?}").into_bytes();
    ingest(store, sbom, &raw, None).await
}

/// Runs a query returning one integer on a connection of its own.
pub async fn scalar(db: &TestDb, sql: &str) -> i64 {
    use sqlx::Connection as _;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    if db.label == "sqlite" {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&db.url);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("connect sqlite");
        let res: i64 = sqlx::query_scalar(sql)
            .fetch_one(&mut conn)
            .await
            .expect("scalar query");
        let _ = conn.close().await;
        return res;
    }
    let mut conn = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("connect postgres");
    let res: i64 = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect("scalar query");
    let _ = conn.close().await;
    res
}

/// Runs statements on a connection of its own (test data for tables of other crates).
pub async fn execute(db: &TestDb, statements: &[&str]) {
    use sqlx::Connection as _;
    if db.label == "sqlite" {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&db.url);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("connect sqlite");
        for sql in statements {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut conn)
                .await
                .expect(sql);
        }
        let _ = conn.close().await;
        return;
    }
    let mut conn = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("connect postgres");
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .expect(sql);
    }
    let _ = conn.close().await;
}
