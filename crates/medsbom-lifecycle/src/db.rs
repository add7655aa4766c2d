//! The database handle of the lifecycle services: a pool of either backend and one small
//! interface to run a statement with positional parameters (`$1`, `$2`, … on both SQLite and
//! PostgreSQL) and read plain values back.
//!
//! The tables live in the store's migrations (`0003_lifecycle.sql`); [`LifecycleDb`] expects
//! a database that `medsbom_store::Store::open` has already brought to the current schema.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::LifecycleError;
pub(crate) use medsbom_sql::{Param, Value, insert_sql, pg_query, sqlite_query};

/// How long a writer waits for the SQLite write lock (and anyone for a pooled connection).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection pool to the medsbom database, on SQLite or PostgreSQL.
///
/// Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct LifecycleDb {
    pool: Pool,
    /// The database for messages: the SQLite path, or the URL without its password.
    name: String,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
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
            pool: Pool::Sqlite(pool),
            name: name.to_owned(),
        }
    }

    /// Wraps an existing PostgreSQL pool (e.g. the store's); `name` names the database in
    /// messages (without password).
    #[must_use]
    pub fn from_postgres_pool(pool: PgPool, name: &str) -> LifecycleDb {
        LifecycleDb {
            pool: Pool::Postgres(pool),
            name: name.to_owned(),
        }
    }

    /// The database as shown in messages.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite, so that the write lock is
    /// taken at once rather than failing later).
    pub(crate) async fn begin_write(&self, context: &str) -> Result<Tx, LifecycleError> {
        let res = match &self.pool {
            Pool::Sqlite(pool) => pool.begin_with("BEGIN IMMEDIATE").await.map(Tx::Sqlite),
            Pool::Postgres(pool) => pool.begin().await.map(Tx::Postgres),
        };
        res.map_err(|err| self.db_err(context, err))
    }

    /// Runs a query and returns all rows.
    pub(crate) async fn fetch_all(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, LifecycleError> {
        let res = match &self.pool {
            Pool::Sqlite(pool) => match sqlite_query(sql, params).fetch_all(pool).await {
                Ok(rows) => rows.iter().map(sqlite_row).collect(),
                Err(err) => Err(err),
            },
            Pool::Postgres(pool) => match pg_query(sql, params).fetch_all(pool).await {
                Ok(rows) => rows.iter().map(pg_row).collect(),
                Err(err) => Err(err),
            },
        };
        res.map_err(|err| self.db_err(context, err))
    }

    pub(crate) fn db_err(&self, context: &str, source: sqlx::Error) -> LifecycleError {
        LifecycleError::Database {
            db: self.name.clone(),
            context: context.to_owned(),
            source,
        }
    }

    pub(crate) fn corrupt(&self, context: &str, message: String) -> LifecycleError {
        LifecycleError::Corrupt {
            db: self.name.clone(),
            context: context.to_owned(),
            message,
        }
    }
}

/// An open write transaction; dropping it without [`Tx::commit`] rolls it back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) async fn fetch_all(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                let rows = sqlite_query(sql, params).fetch_all(&mut **tx).await?;
                rows.iter().map(sqlite_row).collect()
            }
            Tx::Postgres(tx) => {
                let rows = pg_query(sql, params).fetch_all(&mut **tx).await?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    pub(crate) async fn execute(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => Ok(sqlite_query(sql, params)
                .execute(&mut **tx)
                .await?
                .rows_affected()),
            Tx::Postgres(tx) => Ok(pg_query(sql, params)
                .execute(&mut **tx)
                .await?
                .rows_affected()),
        }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// A result row: its values in column order.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    values: Vec<Value>,
}

impl Row {
    fn value(&self, idx: usize) -> Result<&Value, String> {
        self.values
            .get(idx)
            .ok_or_else(|| format!("row has no column {idx}"))
    }

    /// A non-NULL integer.
    pub(crate) fn int(&self, idx: usize) -> Result<i64, String> {
        match self.value(idx)? {
            Value::Int(value) => Ok(*value),
            other => Err(format!(
                "column {idx}: expected an integer, found {other:?}"
            )),
        }
    }

    /// An integer or NULL.
    pub(crate) fn opt_int(&self, idx: usize) -> Result<Option<i64>, String> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Int(value) => Ok(Some(*value)),
            other => Err(format!(
                "column {idx}: expected an integer or NULL, found {other:?}"
            )),
        }
    }

    /// A non-NULL text.
    pub(crate) fn text(&self, idx: usize) -> Result<String, String> {
        match self.value(idx)? {
            Value::Text(value) => Ok(value.clone()),
            other => Err(format!("column {idx}: expected a text, found {other:?}")),
        }
    }

    /// A text or NULL.
    pub(crate) fn opt_text(&self, idx: usize) -> Result<Option<String>, String> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Text(value) => Ok(Some(value.clone())),
            other => Err(format!(
                "column {idx}: expected a text or NULL, found {other:?}"
            )),
        }
    }
}

fn sqlite_row(row: &SqliteRow) -> Result<Row, sqlx::Error> {
    medsbom_sql::sqlite_values(row).map(|values| Row { values })
}

fn pg_row(row: &PgRow) -> Result<Row, sqlx::Error> {
    medsbom_sql::pg_values(row).map(|values| Row { values })
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
