//! The server's own connection pool to the store's database, with one small interface:
//! statements with positional parameters (`$1`, `$2`, … on both SQLite and PostgreSQL)
//! returning rows of plain values (the approach of `medsbom-assets`).

use std::str::FromStr;
use std::time::Duration;

use medsbom_store::{Backend, Store};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::ServerError;
pub(crate) use medsbom_sql::{Param, Value, pg_query, sqlite_query};

/// A pool of either backend.
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction. Dropping it without [`Tx::commit`] rolls it back.
pub(crate) struct Tx {
    inner: TxInner,
    name: String,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A result row: its values in column order.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    values: Vec<Value>,
}

/// The server's database: its pool and the database name for messages.
#[derive(Clone)]
pub(crate) struct Db {
    pool: Pool,
    name: String,
}

impl Db {
    /// Adds a pool of the server's own to an open store; `db` is what the store was opened
    /// with (for PostgreSQL the URL, which the store does not give back).
    pub(crate) async fn attach(store: &Store, db: &str) -> Result<Db, ServerError> {
        let name = store.name().to_owned();
        let open_err = |source| ServerError::Database {
            db: name.clone(),
            context: "connecting".to_owned(),
            source,
        };
        let pool = match store.backend() {
            Backend::Postgres => {
                let connect = PgConnectOptions::from_str(db).map_err(open_err)?;
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(connect)
                    .await
                    .map_err(open_err)?;
                Pool::Postgres(pool)
            }
            Backend::Sqlite => {
                let Some(path) = store.sqlite_path() else {
                    return Err(ServerError::Corrupt {
                        context: "connecting".to_owned(),
                        message: "the sqlite store has no file path".to_owned(),
                    });
                };
                let connect = medsbom_store::sqlite_settings(
                    SqliteConnectOptions::new().filename(path),
                    &medsbom_store::OpenOptions::default(),
                );
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(connect)
                    .await
                    .map_err(open_err)?;
                Pool::Sqlite(pool)
            }
        };
        Ok(Db { pool, name })
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Closes the pool.
    pub(crate) async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// Begins a write transaction; on SQLite `BEGIN IMMEDIATE`, which takes the write lock
    /// at once (so that audit appends are serialized).
    pub(crate) async fn begin(&self, context: &str) -> Result<Tx, ServerError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(TxInner::Sqlite),
            Pool::Postgres(pool) => pool.begin().await.map(TxInner::Postgres),
        };
        let inner = inner.map_err(|source| db_error(&self.name, context, source))?;
        Ok(Tx {
            inner,
            name: self.name.clone(),
        })
    }

    /// Runs a query outside any transaction and returns all rows.
    pub(crate) async fn fetch_all(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, ServerError> {
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
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Runs a query and returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, ServerError> {
        Ok(self
            .fetch_all(context, sql, params)
            .await?
            .into_iter()
            .next())
    }

    /// Runs a statement outside any explicit transaction; returns the rows affected.
    pub(crate) async fn execute(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, ServerError> {
        let res = match &self.pool {
            Pool::Sqlite(pool) => sqlite_query(sql, params)
                .execute(pool)
                .await
                .map(|done| done.rows_affected()),
            Pool::Postgres(pool) => pg_query(sql, params)
                .execute(pool)
                .await
                .map(|done| done.rows_affected()),
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }
}

impl Tx {
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.inner, TxInner::Postgres(_))
    }

    /// Runs a query inside the transaction and returns all rows.
    pub(crate) async fn fetch_all(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, ServerError> {
        let res = match &mut self.inner {
            TxInner::Sqlite(tx) => match sqlite_query(sql, params).fetch_all(&mut **tx).await {
                Ok(rows) => rows.iter().map(sqlite_row).collect(),
                Err(err) => Err(err),
            },
            TxInner::Postgres(tx) => match pg_query(sql, params).fetch_all(&mut **tx).await {
                Ok(rows) => rows.iter().map(pg_row).collect(),
                Err(err) => Err(err),
            },
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Runs a query inside the transaction and returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, ServerError> {
        Ok(self
            .fetch_all(context, sql, params)
            .await?
            .into_iter()
            .next())
    }

    /// Runs a statement inside the transaction; returns the rows affected.
    pub(crate) async fn execute(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, ServerError> {
        let res = match &mut self.inner {
            TxInner::Sqlite(tx) => sqlite_query(sql, params)
                .execute(&mut **tx)
                .await
                .map(|done| done.rows_affected()),
            TxInner::Postgres(tx) => pg_query(sql, params)
                .execute(&mut **tx)
                .await
                .map(|done| done.rows_affected()),
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Commits the transaction.
    pub(crate) async fn commit(self, context: &str) -> Result<(), ServerError> {
        let res = match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }
}

impl Row {
    fn value(&self, idx: usize) -> Result<&Value, ServerError> {
        self.values.get(idx).ok_or_else(|| ServerError::Corrupt {
            context: "reading a row".to_owned(),
            message: format!("row has no column {idx}"),
        })
    }

    /// A non-NULL integer.
    pub(crate) fn int(&self, idx: usize) -> Result<i64, ServerError> {
        match self.value(idx)? {
            Value::Int(value) => Ok(*value),
            other => Err(shape(idx, "an integer", other)),
        }
    }

    /// An integer or NULL.
    pub(crate) fn opt_int(&self, idx: usize) -> Result<Option<i64>, ServerError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Int(value) => Ok(Some(*value)),
            other => Err(shape(idx, "an integer or null", other)),
        }
    }

    /// A non-NULL text.
    pub(crate) fn text(&self, idx: usize) -> Result<String, ServerError> {
        match self.value(idx)? {
            Value::Text(value) => Ok(value.clone()),
            other => Err(shape(idx, "a text", other)),
        }
    }

    /// A text or NULL.
    pub(crate) fn opt_text(&self, idx: usize) -> Result<Option<String>, ServerError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Text(value) => Ok(Some(value.clone())),
            other => Err(shape(idx, "a text or null", other)),
        }
    }
}

fn shape(idx: usize, expected: &str, found: &Value) -> ServerError {
    ServerError::Corrupt {
        context: "reading a row".to_owned(),
        message: format!("column {idx}: expected {expected}, found {found:?}"),
    }
}

/// The SQL for "now" as ISO 8601 UTC text, as the schema's defaults write it.
pub(crate) fn now_sql(postgres: bool) -> &'static str {
    if postgres {
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    } else {
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    }
}

fn db_error(db: &str, context: &str, source: sqlx::Error) -> ServerError {
    ServerError::Database {
        db: db.to_owned(),
        context: context.to_owned(),
        source,
    }
}

fn sqlite_row(row: &SqliteRow) -> Result<Row, sqlx::Error> {
    medsbom_sql::sqlite_values(row).map(|values| Row { values })
}

fn pg_row(row: &PgRow) -> Result<Row, sqlx::Error> {
    medsbom_sql::pg_values(row).map(|values| Row { values })
}
