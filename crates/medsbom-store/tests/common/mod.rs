//! Test support: one fresh database per backend (a temporary SQLite file, and a private
//! schema on the test PostgreSQL server when `MEDSBOM_TEST_PG` is set), and small SBOMs.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use medsbom_model::{
    Component, Milestone, Party, Relationship, RelationshipKind, Sbom, SbomFormat,
};
use medsbom_store::{IngestOutcome, IngestRequest, Store, StoreError};

/// A database for one test. Dropping it removes the SQLite directory or the PG schema.
pub struct TestDb {
    pub store: Store,
    /// What `Store::open` was given.
    pub url: String,
    pub label: &'static str,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// Opens another pool on the same database (as another process would).
    pub async fn reopen(&self) -> Store {
        Store::open(&self.url)
            .await
            .expect("reopen the test database")
    }

    /// A path inside this test's temporary directory (one is created for PG tests too).
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
    let path = dir.path().join("nested/dir/medsbom.db");
    let url = path.to_str().expect("utf-8 temp path").to_owned();
    let store = Store::open(&url).await.expect("open sqlite");
    TestDb {
        store,
        url,
        label: "sqlite",
        dir: Some(dir),
        pg: None,
    }
}

/// The URL of a fresh, empty schema on the test server (created here), or `None`.
pub async fn postgres_schema_url() -> Option<(String, String, String)> {
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
    Some((admin_url, schema, url))
}

/// A fresh PostgreSQL schema, or `None` (with a SKIP line) when no server is configured.
pub async fn postgres() -> Option<TestDb> {
    let (admin_url, schema, url) = postgres_schema_url().await?;
    let store = Store::open(&url).await.expect("open postgres");
    Some(TestDb {
        store,
        url,
        label: "postgres",
        dir: Some(tempfile::tempdir().expect("temporary directory")),
        pg: Some((admin_url, schema)),
    })
}

/// SQLite, then PostgreSQL when available: every store test runs on both.
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

/// A device SBOM: a root component `product`@`version` by `manufacturer`, plus `components`,
/// each a dependency of the root.
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
    root.kind = medsbom_model::ComponentType::Device;
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
    sbom.relationships.push(Relationship {
        from: medsbom_model::DOCUMENT_REF.to_owned(),
        to: "root".to_owned(),
        kind: RelationshipKind::Describes,
        original: None,
    });
    sbom
}

/// Stand-in bytes for a document: unique per content, like a real file.
pub fn raw_of(sbom: &Sbom) -> Vec<u8> {
    format!("{sbom:?}").into_bytes()
}

/// Ingests with the defaults (names from the document).
pub async fn ingest(store: &Store, sbom: &Sbom) -> Result<IngestOutcome, StoreError> {
    let raw = raw_of(sbom);
    store.ingest(&request(&raw, sbom)).await
}

/// A request with the defaults (names from the document).
pub fn request<'a>(raw: &'a [u8], sbom: &'a Sbom) -> IngestRequest<'a> {
    IngestRequest {
        raw,
        format: "cyclonedx-json",
        spec_version: &sbom.spec_version,
        sbom,
        manufacturer: None,
        product: None,
        product_version: None,
        ingested_by: "tester",
        source_name: Some("test.cdx.json"),
        check_results: None,
        progress: None,
    }
}

/// Sets support data on a component.
pub fn with_support(mut component: Component, level: &str, end_of_support: &str) -> Component {
    component.support.set_level_text(level);
    component.support.end_of_support = Some(Milestone::new("endOfSupport", end_of_support));
    component
}

/// Runs a query returning one integer, on a connection of its own (like another process).
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
