//! SBOM storage for medsbom: one [`Store`] over an embedded SQLite file (the default) or a
//! PostgreSQL server, with the same schema and behaviour on both.
//!
//! - [`Store::open`] connects, creates the SQLite file if needed, and applies the versioned
//!   migrations (`migrations/sqlite`, `migrations/postgres`) automatically. SQLite runs in WAL
//!   mode with a busy timeout and foreign keys on; both backends use a connection pool.
//! - [`Store::ingest`] stores one parsed SBOM in one transaction: the exact bytes
//!   (zstd-compressed) and their SHA-256, one `packages` row per distinct package identity
//!   (canonical purl, else CPE, else supplier + name + version), the document's components,
//!   relationships and support data. The same bytes twice is a no-op; another document for the
//!   same product version becomes a new revision.
//! - [`Store::products`], [`Store::sboms`] and [`Store::search`] answer "what is stored" and
//!   "where is this component"; [`diff_sboms`] and [`Store::diff_versions`] compare two
//!   documents or two product versions.
//! - [`Store::backup`] and [`Store::restore`] copy the database while it is in use (SQLite
//!   `VACUUM INTO`; PostgreSQL through `pg_dump` / `pg_restore`).
//!
//! ```no_run
//! # async fn demo(sbom: &medsbom_model::Sbom, raw: &[u8]) -> Result<(), medsbom_store::StoreError> {
//! use medsbom_store::{IngestOutcome, IngestRequest, SearchQuery, Store};
//! let store = Store::open("/tmp/medsbom.db").await?;
//! let request = IngestRequest {
//!     raw,
//!     format: "cyclonedx-json",
//!     spec_version: "1.6",
//!     sbom,
//!     manufacturer: None,
//!     product: None,
//!     product_version: None,
//!     ingested_by: "alice",
//!     source_name: Some("infusion-pump-2.1.cdx.json"),
//!     check_results: None,
//!     progress: None,
//! };
//! match store.ingest(&request).await? {
//!     IngestOutcome::Stored(stored) => println!("stored as revision {}", stored.revision),
//!     IngestOutcome::AlreadyStored(stored) => println!("already stored as #{}", stored.sbom_id),
//! }
//! let query = SearchQuery { purl: Some("pkg:npm/lodash".to_owned()), ..SearchQuery::default() };
//! for hit in store.search(&query).await? {
//!     println!("{} {} rev {}: {}", hit.product, hit.product_version, hit.revision, hit.name);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod backup;
mod db;
mod diff;
mod error;
mod identity;
mod ingest;
mod query;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use diff::{Change, ComponentSummary, DiffEntry, DiffTarget, diff_components, diff_sboms};
pub use error::StoreError;
pub use ingest::{IngestOutcome, IngestRequest, SHARED_NAMESPACE, StoredSbom, filing_manufacturer};
pub use query::{ProductRow, SbomRow, SearchHit, SearchQuery};

use crate::db::Pool;

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a [`Store`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Tuning for [`Store::open_with`]; [`Store::open`] uses [`OpenOptions::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// Connections in the pool (SQLite: readers run in parallel, writers take turns).
    pub max_connections: u32,
    /// How long a writer waits for the SQLite write lock, and how long anyone waits for a
    /// free pooled connection.
    pub busy_timeout: Duration,
    /// SQLite only: the largest size the file may grow to, in pages (`PRAGMA
    /// max_page_count`); reaching it fails like a full disk. `None` for no limit.
    pub sqlite_max_page_count: Option<u64>,
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions {
            max_connections: 4,
            busy_timeout: Duration::from_secs(30),
            sqlite_max_page_count: None,
        }
    }
}

/// The SBOM store: a connection pool to SQLite or PostgreSQL with the medsbom schema.
///
/// Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// The database for messages: the SQLite path, or the URL without its password.
    name: String,
    /// The SQLite file, for backups.
    sqlite_path: Option<PathBuf>,
    /// The PostgreSQL URL as given, for `pg_dump` / `pg_restore`.
    postgres_url: Option<String>,
}

impl Store {
    /// Opens (and creates or migrates) the database `db`: a `postgres://` or `postgresql://`
    /// URL, a `sqlite:` URL (e.g. `sqlite:///var/lib/medsbom.db?mode=ro`), or a file path
    /// whose parent directories are created when missing.
    pub async fn open(db: &str) -> Result<Store, StoreError> {
        Store::open_with(db, &OpenOptions::default()).await
    }

    /// [`Store::open`] with explicit pool and SQLite settings.
    pub async fn open_with(db: &str, options: &OpenOptions) -> Result<Store, StoreError> {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            return open_postgres(db, options).await;
        }
        open_sqlite(db, options).await
    }

    /// Which backend this store uses.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The database as shown in messages: the SQLite path, or the URL without password.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SQLite file, or `None` for PostgreSQL.
    #[must_use]
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    /// Closes the pool (on SQLite this checkpoints the WAL into the main file).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Refreshes the query planner's statistics after a bulk ingest: `ANALYZE` of the
    /// portfolio tables on PostgreSQL, `PRAGMA optimize` on SQLite. Without it, PostgreSQL
    /// plans the first searches after loading a large portfolio with the statistics of an
    /// empty database (until autovacuum catches up) and scans every component row
    /// (`bench_store`, 1M rows: purl search p50 123 ms without it; see BENCHMARKS.md).
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        let context = "refreshing planner statistics";
        let sql = if self.pool.is_postgres() {
            "ANALYZE packages, sbom_components, sboms, product_versions, products, \
             sbom_relationships, support_milestones, findings, package_match_state, assets"
        } else {
            "PRAGMA optimize"
        };
        self.pool
            .execute(sql, &[])
            .await
            .map_err(|err| self.db_err(context, err))?;
        Ok(())
    }

    /// Checks the database's consistency and returns the problems found (empty when all is
    /// well): SQLite's `integrity_check` and `foreign_key_check`, then on both backends
    /// that every SBOM has its bytes and exactly the component rows it announces, and that
    /// each product version points at its newest revision.
    pub async fn check_integrity(&self) -> Result<Vec<String>, StoreError> {
        let context = "checking integrity";
        let mut res = Vec::new();
        if !self.pool.is_postgres() {
            let rows = self
                .pool
                .fetch_all("PRAGMA integrity_check", &[])
                .await
                .map_err(|err| self.db_err(context, err))?;
            for row in rows {
                let text = row.text(0).map_err(|err| self.shape_err(context, err))?;
                if text != "ok" {
                    res.push(format!("integrity_check: {text}"));
                }
            }
            let rows = self
                .pool
                .fetch_all("PRAGMA foreign_key_check", &[])
                .await
                .map_err(|err| self.db_err(context, err))?;
            for row in rows {
                let table = row.text(0).map_err(|err| self.shape_err(context, err))?;
                res.push(format!("foreign_key_check: dangling reference in {table}"));
            }
        }
        let checks: [(&str, &str); 6] = [
            (
                "SELECT DISTINCT c.sbom_id FROM sbom_components c \
                 WHERE NOT EXISTS (SELECT 1 FROM sboms s WHERE s.id = c.sbom_id)",
                "(an sbom id) has component rows but no sbom",
            ),
            (
                "SELECT DISTINCT c.sbom_id FROM sbom_components c \
                 WHERE NOT EXISTS (SELECT 1 FROM packages k WHERE k.id = c.package_id)",
                "has component rows whose package is missing",
            ),
            (
                "SELECT s.id FROM sboms s WHERE s.n_components <> \
                 (SELECT count(*) FROM sbom_components c WHERE c.sbom_id = s.id)",
                "has a component count that differs from its component rows",
            ),
            (
                "SELECT s.id FROM sboms s WHERE NOT EXISTS \
                 (SELECT 1 FROM sbom_contents b WHERE b.sbom_id = s.id)",
                "has no stored bytes",
            ),
            (
                "SELECT s.id FROM sboms s WHERE s.n_relationships <> \
                 (SELECT count(*) FROM sbom_relationships r WHERE r.sbom_id = s.id)",
                "has a relationship count that differs from its relationship rows",
            ),
            (
                "SELECT pv.id FROM product_versions pv WHERE pv.last_revision > 0 AND \
                 (pv.latest_sbom_id IS NULL OR pv.last_revision <> \
                 (SELECT max(s.revision) FROM sboms s WHERE s.product_version_id = pv.id))",
                "(a product version) does not point at its newest revision",
            ),
        ];
        for (sql, problem) in checks {
            let rows = self
                .pool
                .fetch_all(sql, &[])
                .await
                .map_err(|err| self.db_err(context, err))?;
            for row in rows {
                let id = row.int(0).map_err(|err| self.shape_err(context, err))?;
                res.push(format!("#{id} {problem}"));
            }
        }
        Ok(res)
    }

    pub(crate) fn db_err(&self, context: &str, err: sqlx::Error) -> StoreError {
        error::classify(&self.name, context, err)
    }

    pub(crate) fn shape_err(&self, context: &str, err: db::ShapeError) -> StoreError {
        StoreError::Corrupt {
            db: self.name.clone(),
            context: context.to_owned(),
            message: err.0,
        }
    }
}

/// The default SQLite database: `$XDG_DATA_HOME/medsbom/medsbom.db`, else
/// `~/.local/share/medsbom/medsbom.db`, else `medsbom.db` in the current directory.
#[must_use]
pub fn default_db_path() -> PathBuf {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|dir| dir.is_absolute())
                .map(|home| home.join(".local/share"))
        });
    match data_home {
        Some(dir) => dir.join("medsbom").join("medsbom.db"),
        None => PathBuf::from("medsbom.db"),
    }
}

/// The settings of every connection to a medsbom SQLite file, the store's and those of
/// the pools other crates open beside it: WAL, `synchronous = NORMAL`, the busy timeout,
/// foreign keys, a 64 MiB page cache, bounded statistics work, the size limit of `options`,
/// and a row buffer that lets the driver's worker thread run ahead of the reader.
#[must_use]
pub fn sqlite_settings(
    connect: SqliteConnectOptions,
    options: &OpenOptions,
) -> SqliteConnectOptions {
    let mut connect = connect
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(options.busy_timeout)
        .foreign_keys(true)
        // 64 MiB page cache per connection: ingest touches the package index a lot.
        .pragma("cache_size", "-65536")
        // Bounds the work of ANALYZE / PRAGMA optimize on large tables.
        .pragma("analysis_limit", "400")
        // Keeps the planner's statistics fresh (ANALYZE where needed) as connections close.
        .optimize_on_close(true, 400)
        // sqlx hands rows from its SQLite worker thread over a bounded channel (50 by
        // default); once it is full the two threads take turns row by row.
        .row_buffer_size(SQLITE_ROW_BUFFER);
    if let Some(max_page_count) = options.sqlite_max_page_count {
        connect = connect.pragma("max_page_count", max_page_count.to_string());
    }
    connect
}

/// Rows the SQLite driver may buffer ahead of the reader (see [`sqlite_settings`]).
const SQLITE_ROW_BUFFER: usize = 4096;

async fn open_sqlite(db: &str, options: &OpenOptions) -> Result<Store, StoreError> {
    let connect = if db.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(db).map_err(|source| StoreError::Open {
            db: db.to_owned(),
            source,
        })?
    } else {
        let path = Path::new(db);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
    };
    let connect = sqlite_settings(connect, options);
    let path = connect.get_filename().to_path_buf();
    let name = path.display().to_string();
    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.busy_timeout)
        .connect_with(connect)
        .await
        .map_err(
            |source| match error::classify(&name, "connecting", source) {
                StoreError::Database { source, .. } => StoreError::Open {
                    db: name.clone(),
                    source,
                },
                other => other,
            },
        )?;
    let pool = Pool::Sqlite(pool);
    migrate(&pool, &SQLITE_MIGRATOR, &name).await?;
    // Gathers planner statistics for tables that have none or grew a lot (bounded work);
    // a read-only database simply keeps what it has.
    let _ = pool.execute("PRAGMA optimize = 0x10002", &[]).await;
    Ok(Store {
        pool,
        name,
        sqlite_path: Some(path),
        postgres_url: None,
    })
}

async fn open_postgres(url: &str, options: &OpenOptions) -> Result<Store, StoreError> {
    let name = redact_password(url);
    let connect = PgConnectOptions::from_str(url).map_err(|source| StoreError::Open {
        db: name.clone(),
        source,
    })?;
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.busy_timeout)
        .connect_with(connect)
        .await
        .map_err(|source| StoreError::Open {
            db: name.clone(),
            source,
        })?;
    let pool = Pool::Postgres(pool);
    migrate(&pool, &POSTGRES_MIGRATOR, &name).await?;
    Ok(Store {
        pool,
        name,
        sqlite_path: None,
        postgres_url: Some(url.to_owned()),
    })
}

/// Applies the pending migrations. PostgreSQL serializes concurrent migrators with an
/// advisory lock; SQLite has no such lock, so when another process migrates the same new
/// file at the same moment, one of the two fails and simply tries again (by then the
/// migrations are recorded and nothing is left to do).
async fn migrate(pool: &Pool, migrator: &Migrator, name: &str) -> Result<(), StoreError> {
    // A database that is already current is not touched, so that a read-only one opens.
    if migrations_up_to_date(pool, migrator).await {
        return Ok(());
    }
    let mut attempt = 0;
    loop {
        let res = match pool {
            Pool::Sqlite(pool) => migrator.run(pool).await,
            Pool::Postgres(pool) => migrator.run(pool).await,
        };
        let err = match res {
            Ok(()) => return Ok(()),
            Err(err) => err,
        };
        attempt += 1;
        let retry = matches!(
            err,
            MigrateError::Execute(_) | MigrateError::ExecuteMigration(_, _)
        );
        if !retry || 3 <= attempt {
            return Err(error::classify_migrate(name, err));
        }
    }
}

/// Whether exactly the migrations of `migrator` are recorded as applied, with the same
/// checksums. Any doubt (no table yet, a newer version, a failed one) answers `false` and
/// leaves the decision to the migrator.
async fn migrations_up_to_date(pool: &Pool, migrator: &Migrator) -> bool {
    let Ok(rows) = pool
        .fetch_all(
            "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
            &[],
        )
        .await
    else {
        return false;
    };
    let mut applied = Vec::with_capacity(rows.len());
    for row in &rows {
        match (row.int(0), row.bytes(1)) {
            (Ok(version), Ok(checksum)) => applied.push((version, checksum)),
            _ => return false,
        }
    }
    let expected: Vec<(i64, Vec<u8>)> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.checksum.to_vec()))
        .collect();
    applied == expected
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((user_info, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match user_info.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 0010 rebuilds `organizations` on SQLite: a database written by the schema
    /// before it keeps every row and reference, with foreign keys enforced afterwards.
    #[tokio::test]
    async fn namespaces_migration_keeps_an_existing_sqlite_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.db");
        let connect = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect)
            .await
            .expect("connect");
        let before = Migrator {
            migrations: std::borrow::Cow::Owned(
                SQLITE_MIGRATOR
                    .migrations
                    .iter()
                    .filter(|m| m.version < 10)
                    .cloned()
                    .collect(),
            ),
            ..Migrator::DEFAULT
        };
        before.run(&pool).await.expect("migrations before 0010");
        for sql in [
            "INSERT INTO organizations (id, kind, name) VALUES (1, 'manufacturer', 'Acme'), \
             (2, 'provider', 'St. Example')",
            "INSERT INTO products (id, organization_id, name) VALUES (1, 1, 'Pump')",
            "INSERT INTO product_versions (id, organization_id, product_id, version, \
             last_revision, latest_sbom_id) VALUES (1, 1, 1, '2', 1, 1)",
            "INSERT INTO sboms (id, organization_id, product_version_id, revision, format, \
             spec_version, sha256, raw_size, ingested_by, n_components, n_relationships) \
             VALUES (1, 1, 1, 1, 'cyclonedx-json', '1.6', 'abc', 3, 'test', 0, 0)",
            "INSERT INTO assets (organization_id, asset_id, manufacturer, product, \
             product_version) VALUES (2, 'ICU-1', 'Acme', 'Pump', '3')",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .expect(sql);
        }
        pool.close().await;

        let store = Store::open(&path.display().to_string())
            .await
            .expect("open runs 0010");
        let rows = store
            .pool
            .fetch_all(
                "SELECT id, kind, name, namespace FROM organizations ORDER BY id",
                &[],
            )
            .await
            .expect("organizations");
        let orgs: Vec<(i64, String, String, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.int(0).expect("id"),
                    r.text(1).expect("kind"),
                    r.text(2).expect("name"),
                    r.int(3).expect("namespace"),
                )
            })
            .collect();
        assert_eq!(
            orgs,
            vec![
                (1, "manufacturer".to_owned(), "Acme".to_owned(), 0),
                (2, "provider".to_owned(), "St. Example".to_owned(), 0),
            ]
        );
        let violations = store
            .pool
            .fetch_all("PRAGMA foreign_key_check", &[])
            .await
            .expect("foreign_key_check");
        assert!(violations.is_empty(), "dangling references after 0010");
        // Foreign keys are still enforced.
        let dangling = store
            .pool
            .execute(
                "INSERT INTO products (organization_id, name) VALUES (99, 'Ghost')",
                &[],
            )
            .await;
        assert!(dangling.is_err(), "a product of a missing organization");
        // The asset trigger is back: storing product version 3 links the waiting asset.
        store
            .pool
            .execute(
                "INSERT INTO product_versions (organization_id, product_id, version) \
                 VALUES (1, 1, '3')",
                &[],
            )
            .await
            .expect("product version 3");
        let linked = store
            .pool
            .fetch_all(
                "SELECT asset_id FROM assets WHERE product_version_id IS NOT NULL",
                &[],
            )
            .await
            .expect("assets");
        assert_eq!(linked.len(), 1, "the trigger links the waiting asset");
        // A private copy of the same manufacturer in a provider's namespace may now exist.
        store
            .pool
            .execute(
                "INSERT INTO organizations (kind, name, namespace) VALUES ('manufacturer', 'Acme', 2)",
                &[],
            )
            .await
            .expect("a namespaced copy");
        store.close().await;
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_password("postgres://u:secret@h:5432/db?x=1"),
            "postgres://u:***@h:5432/db?x=1"
        );
        assert_eq!(
            redact_password("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
    }
}
