//! One fresh database per test and backend: a temporary SQLite file, and a private schema
//! on the test PostgreSQL server when `MEDSBOM_TEST_PG` is set (as in the store's tests).
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use medsbom_registry::RegistryDb;

/// A database for one test; dropping it removes the SQLite directory or the PG schema.
pub struct TestDb {
    pub db: RegistryDb,
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

/// A fresh SQLite database.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = dir
        .path()
        .join("medsbom.db")
        .to_str()
        .expect("utf-8 temp path")
        .to_owned();
    let db = RegistryDb::open(&url).await.expect("open sqlite");
    TestDb {
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
    let db = RegistryDb::open(&url).await.expect("open postgres");
    Some(TestDb {
        db,
        url,
        label: "postgres",
        _dir: None,
        pg: Some((admin_url, schema)),
    })
}

/// SQLite, then PostgreSQL when available.
pub async fn backends() -> Vec<TestDb> {
    let mut res = vec![sqlite().await];
    res.extend(postgres().await);
    res
}

/// Reads and parses a corpus SBOM, or `None` (with a SKIP line).
pub fn corpus_sbom(relative: &str) -> Option<medsbom_model::Sbom> {
    let path = medsbom_testkit::corpus_path(relative)?;
    let bytes = std::fs::read(&path).expect("read corpus file");
    let (_, parsed) = medsbom_formats::read(&bytes).expect("parse corpus file");
    Some(parsed.sbom)
}
