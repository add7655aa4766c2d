//! The database handle of the inventory: the [`Store`] (which applies the migrations,
//! including `0004_assets.sql`) and a connection pool of this crate's own to the same
//! database, with one small interface: statements with positional parameters (`$1`, `$2`,
//! … on both SQLite and PostgreSQL) returning rows of plain values.

use std::str::FromStr;
use std::time::Duration;

use medsbom_store::{Backend, OpenOptions, Store};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::AssetError;
pub(crate) use medsbom_sql::{Param, Value, pg_query, placeholders, sqlite_query};

/// Parameters per statement at most (SQLite allows 32766, PostgreSQL 65535).
pub(crate) const MAX_PARAMS: usize = 30_000;

/// The store with the inventory tables.
///
/// Cloning is cheap and shares both pools.
#[derive(Clone)]
pub struct AssetDb {
    store: Store,
    pool: Pool,
    name: String,
    /// The VEX tables, for the impact rows' `vex_status`.
    pub(crate) vex: medsbom_vex::service::VexDb,
}

#[derive(Clone)]
enum Pool {
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

impl AssetDb {
    /// Opens (creating and migrating when needed) the database `db` as
    /// [`Store::open`] does: a `postgres://` URL, a `sqlite:` URL or a file path.
    pub async fn open(db: &str) -> Result<AssetDb, AssetError> {
        let store = Store::open(db).await?;
        AssetDb::attach(store, db).await
    }

    /// Adds this crate's pool to an open store; `db` is what the store was opened with
    /// (for PostgreSQL the URL, which the store does not give back).
    pub async fn attach(store: Store, db: &str) -> Result<AssetDb, AssetError> {
        let options = OpenOptions::default();
        let name = store.name().to_owned();
        let open_err = |source| AssetError::Open {
            db: name.clone(),
            source,
        };
        let pool = match store.backend() {
            Backend::Postgres => {
                let connect = PgConnectOptions::from_str(db).map_err(open_err)?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections.max(1))
                    .acquire_timeout(options.busy_timeout)
                    .connect_with(connect)
                    .await
                    .map_err(open_err)?;
                Pool::Postgres(pool)
            }
            Backend::Sqlite => {
                let Some(path) = store.sqlite_path() else {
                    return Err(AssetError::Corrupt {
                        db: name.clone(),
                        context: "connecting".to_owned(),
                        message: "the sqlite store has no file path".to_owned(),
                    });
                };
                let connect = medsbom_store::sqlite_settings(
                    SqliteConnectOptions::new().filename(path),
                    &options,
                );
                let pool = SqlitePoolOptions::new()
                    .max_connections(options.max_connections.max(1))
                    .acquire_timeout(options.busy_timeout.max(Duration::from_secs(1)))
                    .connect_with(connect)
                    .await
                    .map_err(open_err)?;
                Pool::Sqlite(pool)
            }
        };
        let vex = medsbom_vex::service::VexDb::attach(store.clone(), db).await?;
        Ok(AssetDb {
            store,
            pool,
            name,
            vex,
        })
    }

    /// The store (for ingest, listings, …).
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The database as shown in messages.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Closes both pools.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
        self.vex.close().await;
        self.store.close().await;
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// The SQL for "now" as ISO 8601 UTC text, as the schema's defaults write it.
    pub(crate) fn now_sql(&self) -> &'static str {
        now_sql(self.is_postgres())
    }

    pub(crate) fn corrupt(&self, context: &str, message: String) -> AssetError {
        AssetError::Corrupt {
            db: self.name.clone(),
            context: context.to_owned(),
            message,
        }
    }

    /// Begins a write transaction; on SQLite `BEGIN IMMEDIATE`, which takes the write lock
    /// at once instead of failing when a reading transaction later tries to write.
    pub(crate) async fn begin(&self, context: &str) -> Result<Tx, AssetError> {
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
    ) -> Result<Vec<Row>, AssetError> {
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

    /// Runs a statement outside any explicit transaction; returns the rows affected.
    pub(crate) async fn execute(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, AssetError> {
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
    pub(crate) fn now_sql(&self) -> &'static str {
        now_sql(matches!(self.inner, TxInner::Postgres(_)))
    }

    pub(crate) fn corrupt(&self, context: &str, message: String) -> AssetError {
        AssetError::Corrupt {
            db: self.name.clone(),
            context: context.to_owned(),
            message,
        }
    }

    /// Runs a query inside the transaction and returns all rows.
    pub(crate) async fn fetch_all(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, AssetError> {
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

    /// Runs a statement inside the transaction; returns the rows affected.
    pub(crate) async fn execute(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, AssetError> {
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
    pub(crate) async fn commit(self, context: &str) -> Result<(), AssetError> {
        let res = match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Rolls the transaction back (a dry run).
    pub(crate) async fn rollback(self, context: &str) -> Result<(), AssetError> {
        let res = match self.inner {
            TxInner::Sqlite(tx) => tx.rollback().await,
            TxInner::Postgres(tx) => tx.rollback().await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }
}

impl Row {
    /// The first `n` values of the row followed by `extra`.
    pub(crate) fn prefix_with(&self, n: usize, extra: Vec<Value>) -> Row {
        let mut values: Vec<Value> = self.values.iter().take(n).cloned().collect();
        values.extend(extra);
        Row { values }
    }

    /// The same row without its first column.
    pub(crate) fn skip_first(row: &Row) -> Row {
        Row {
            values: row.values.iter().skip(1).cloned().collect(),
        }
    }

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
                "column {idx}: expected an integer or null, found {other:?}"
            )),
        }
    }

    /// A number or NULL (SQLite hands back `5.0` stored in a REAL column as an integer).
    pub(crate) fn opt_real(&self, idx: usize) -> Result<Option<f64>, String> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Real(value) => Ok(Some(*value)),
            #[expect(clippy::cast_precision_loss, reason = "scores are small numbers")]
            Value::Int(value) => Ok(Some(*value as f64)),
            other => Err(format!(
                "column {idx}: expected a number or null, found {other:?}"
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
                "column {idx}: expected a text or null, found {other:?}"
            )),
        }
    }
}

fn now_sql(postgres: bool) -> &'static str {
    if postgres {
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    } else {
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    }
}

fn db_error(db: &str, context: &str, source: sqlx::Error) -> AssetError {
    AssetError::Database {
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
