//! Shared test helpers: a fresh database per test (a SQLite file in a temporary directory,
//! or a fresh PostgreSQL schema), SBOMs built from (name, purl) lists, and feed imports.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use medsbom_model::{Component, Sbom, SbomFormat};
use medsbom_store::{IngestOutcome, IngestRequest};
use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::import::{ImportOptions, ImportReport, import_paths};

/// A database for one test; keeps its temporary directory alive.
pub struct TestDb {
    pub db: VulnDb,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL server URL and the test's schema, dropped by [`TestDb::cleanup`].
    schema: Option<(String, String)>,
}

impl TestDb {
    /// Closes the pools and drops the PostgreSQL schema (a failed test leaves it behind for
    /// inspection).
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some((url, schema)) = &self.schema {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

/// A fresh SQLite database.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("medsbom.db");
    let db = VulnDb::open(path.to_str().unwrap()).await.unwrap();
    TestDb {
        db,
        backend: "sqlite",
        _dir: Some(dir),
        schema: None,
    }
}

/// A fresh PostgreSQL schema, or `None` (after a SKIP line) when no server is configured.
pub async fn postgres() -> Option<TestDb> {
    let url = medsbom_testkit::postgres_url()?;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let random = {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.finish()
    };
    let schema = format!("vuln_test_{}_{random:x}", std::process::id());
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let separator = if url.contains('?') { '&' } else { '?' };
    let schema_url = format!("{url}{separator}options[search_path]={schema}");
    let db = VulnDb::open(&schema_url).await.unwrap();
    Some(TestDb {
        db,
        backend: "postgres",
        _dir: None,
        schema: Some((url, schema)),
    })
}

/// Both backends: SQLite always, PostgreSQL when configured.
pub async fn backends() -> Vec<TestDb> {
    let mut res = vec![sqlite().await];
    res.extend(postgres().await);
    res
}

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub async fn import(db: &VulnDb, paths: &[PathBuf]) -> ImportReport {
    let options = ImportOptions {
        match_config: MatchConfig::EXACT,
        progress: None,
    };
    import_paths(db, paths, &options).await.unwrap()
}

/// Stores an SBOM for `product` `version` with components given as (name, version, purl,
/// cpe) and returns its id.
pub async fn ingest(
    db: &VulnDb,
    product: &str,
    version: &str,
    components: &[(&str, &str, Option<&str>, Option<&str>)],
) -> i64 {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    let mut root = Component::new("root", product);
    root.version = Some(version.to_owned());
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    for (idx, (name, component_version, purl, cpe)) in components.iter().enumerate() {
        let mut component = Component::new(&format!("c{idx}"), name);
        component.version = Some((*component_version).to_owned());
        component.purl = purl.map(str::to_owned);
        component.cpes = cpe.iter().map(|c| (*c).to_owned()).collect();
        sbom.components.push(component);
    }
    let raw = format!("{product}@{version}: {components:?}");
    let request = IngestRequest {
        raw: raw.as_bytes(),
        format: "cyclonedx-json",
        spec_version: "1.6",
        sbom: &sbom,
        manufacturer: Some("Acme Medical"),
        product: Some(product),
        product_version: Some(version),
        ingested_by: "test",
        source_name: None,
        check_results: None,
        progress: None,
    };
    match db.store().ingest(&request).await.unwrap() {
        IngestOutcome::Stored(stored) | IngestOutcome::AlreadyStored(stored) => stored.sbom_id,
    }
}
