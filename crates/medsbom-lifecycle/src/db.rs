//! The database handle of the lifecycle services: a pool of either backend behind
//! medsbom-sql's [`medsbom_sql::Db`] (statements with positional parameters, `$1`, `$2`, …
//! on both SQLite and PostgreSQL, returning rows of plain values).
//!
//! The tables live in the store's migrations (`0003_lifecycle.sql`); [`LifecycleDb`] expects
//! a database that `medsbom_store::Store::open` has already brought to the current schema.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::LifecycleError;
pub(crate) use medsbom_sql::{Param, Row, Tx, insert_sql};

/// How long a writer waits for the SQLite write lock (and anyone for a pooled connection).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection pool to the medsbom database, on SQLite or PostgreSQL.
///
/// Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct LifecycleDb {
    db: medsbom_sql::Db,
}

impl LifecycleDb {
    /// Connects to the database `db`, given as to `medsbom_store::Store::open`: a
    /// `postgres://` or `postgresql://` URL, a `sqlite:` URL, or a SQLite file path. The
    /// database must exist and carry the current schema (open it with the store first).
    pub async fn connect(db: &str) -> Result<LifecycleDb, LifecycleError> {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            let name = redact_password(db);
            let options =
                PgConnectOptions::from_str(db).map_err(|source| LifecycleError::Open {
                    db: name.clone(),
                    source,
                })?;
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(BUSY_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(|source| LifecycleError::Open {
                    db: name.clone(),
                    source,
                })?;
            return Ok(LifecycleDb::from_postgres_pool(pool, &name));
        }
        let options = if db.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(db).map_err(|source| LifecycleError::Open {
                db: db.to_owned(),
                source,
            })?
        } else {
            SqliteConnectOptions::new().filename(db)
        };
        let options = medsbom_store::sqlite_settings(
            options.create_if_missing(false),
            &medsbom_store::OpenOptions {
                busy_timeout: BUSY_TIMEOUT,
                ..medsbom_store::OpenOptions::default()
            },
        );
        let name = options.get_filename().display().to_string();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(BUSY_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|source| LifecycleError::Open {
                db: name.clone(),
                source,
            })?;
        Ok(LifecycleDb::from_sqlite_pool(pool, &name))
    }

    /// Wraps an existing SQLite pool (e.g. the store's); `name` names the database in
    /// messages.
    #[must_use]
    pub fn from_sqlite_pool(pool: SqlitePool, name: &str) -> LifecycleDb {
        LifecycleDb {
            db: medsbom_sql::Db::sqlite(pool, name),
        }
    }

    /// Wraps an existing PostgreSQL pool (e.g. the store's); `name` names the database in
    /// messages (without password).
    #[must_use]
    pub fn from_postgres_pool(pool: PgPool, name: &str) -> LifecycleDb {
        LifecycleDb {
            db: medsbom_sql::Db::postgres(pool, name),
        }
    }

    /// The database as shown in messages.
    #[must_use]
    pub fn name(&self) -> &str {
        self.db.name()
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.db.close().await;
    }

    pub(crate) fn is_postgres(&self) -> bool {
        self.db.is_postgres()
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite, so that the write lock is
    /// taken at once rather than failing later).
    pub(crate) async fn begin_write(&self, context: &str) -> Result<Tx, LifecycleError> {
        Ok(self.db.begin(context).await?)
    }

    /// Runs a query and returns all rows.
    pub(crate) async fn fetch_all(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, LifecycleError> {
        Ok(self.db.fetch_all(context, sql, params).await?)
    }

    pub(crate) fn corrupt(&self, context: &str, message: impl Into<String>) -> LifecycleError {
        LifecycleError::Corrupt {
            db: self.name().to_owned(),
            context: context.to_owned(),
            message: message.into(),
        }
    }
}

impl From<medsbom_sql::SqlError> for LifecycleError {
    fn from(err: medsbom_sql::SqlError) -> LifecycleError {
        match err {
            medsbom_sql::SqlError::Database {
                db,
                context,
                source,
            } => LifecycleError::Database {
                db,
                context,
                source,
            },
            medsbom_sql::SqlError::Shape(message) => LifecycleError::Corrupt {
                db: "the database".to_owned(),
                context: "reading a row".to_owned(),
                message,
            },
        }
    }
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
    use super::{insert_sql, redact_password};

    #[test]
    fn builds_multi_row_inserts() {
        assert_eq!(
            insert_sql("t", &["a", "b"], 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_password("postgres://u:pw@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_password("/tmp/x.db"), "/tmp/x.db");
    }
}
