//! The two backends behind one small interface (the approach of medsbom-vuln's `db.rs`):
//! statements with positional parameters (`$1`, `$2`, … on both SQLite and PostgreSQL)
//! returning rows of plain values.
//!
//! The services write their SQL once; values are copied into [`Param`] and [`Value`], which
//! costs little next to the database work and keeps the services free of generic
//! `sqlx::Database` bounds.

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Postgres, Row as _, Sqlite, Transaction, TypeInfo as _, ValueRef as _};

use crate::VexError;

/// A connection pool of either backend, with the database's name for messages.
#[derive(Clone)]
pub(crate) struct Db {
    pool: Pool,
    name: String,
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

/// One statement parameter; each variant carries its SQL type so that a NULL is typed for
/// PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
}

impl<'a> Param<'a> {
    pub(crate) fn int(value: i64) -> Param<'a> {
        Param::Int(Some(value))
    }

    pub(crate) fn text(value: &'a str) -> Param<'a> {
        Param::Text(Some(value))
    }
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A result row: its values in column order.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    values: Vec<Value>,
}

impl Row {
    fn value(&self, idx: usize) -> Result<&Value, VexError> {
        self.values
            .get(idx)
            .ok_or_else(|| VexError::Shape(format!("row has no column {idx}")))
    }

    fn shape(idx: usize, expected: &str, found: &Value) -> VexError {
        VexError::Shape(format!(
            "column {idx}: expected {expected}, found {found:?}"
        ))
    }

    pub(crate) fn int(&self, idx: usize) -> Result<i64, VexError> {
        match self.value(idx)? {
            Value::Int(value) => Ok(*value),
            other => Err(Row::shape(idx, "an integer", other)),
        }
    }

    pub(crate) fn opt_int(&self, idx: usize) -> Result<Option<i64>, VexError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Int(value) => Ok(Some(*value)),
            other => Err(Row::shape(idx, "an integer or null", other)),
        }
    }

    pub(crate) fn text(&self, idx: usize) -> Result<String, VexError> {
        match self.value(idx)? {
            Value::Text(value) => Ok(value.clone()),
            other => Err(Row::shape(idx, "a text", other)),
        }
    }

    pub(crate) fn opt_text(&self, idx: usize) -> Result<Option<String>, VexError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Text(value) => Ok(Some(value.clone())),
            other => Err(Row::shape(idx, "a text or null", other)),
        }
    }
}

impl Db {
    pub(crate) fn sqlite(pool: SqlitePool, name: &str) -> Db {
        Db {
            pool: Pool::Sqlite(pool),
            name: name.to_owned(),
        }
    }

    pub(crate) fn postgres(pool: PgPool, name: &str) -> Db {
        Db {
            pool: Pool::Postgres(pool),
            name: name.to_owned(),
        }
    }

    /// The database as shown in messages.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Begins a write transaction; on SQLite `BEGIN IMMEDIATE`, which takes the write lock
    /// at once (waiting up to the busy timeout) instead of failing when a read transaction
    /// later tries to write.
    pub(crate) async fn begin(&self, context: &str) -> Result<Tx, VexError> {
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

    /// Begins a read transaction (a consistent snapshot; on SQLite a deferred `BEGIN`, which
    /// takes no write lock). Dropping it rolls it back.
    pub(crate) async fn begin_read(&self, context: &str) -> Result<Tx, VexError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => pool.begin().await.map(TxInner::Sqlite),
            Pool::Postgres(pool) => pool.begin().await.map(TxInner::Postgres),
        };
        let inner = inner.map_err(|source| db_error(&self.name, context, source))?;
        Ok(Tx {
            inner,
            name: self.name.clone(),
        })
    }

    /// Closes every connection.
    pub(crate) async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    /// Runs a query inside the transaction and returns all rows.
    pub(crate) async fn fetch_all(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, VexError> {
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
    ) -> Result<u64, VexError> {
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
    pub(crate) async fn commit(self, context: &str) -> Result<(), VexError> {
        let res = match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }
}

fn db_error(db: &str, context: &str, source: sqlx::Error) -> VexError {
    VexError::Database {
        db: db.to_owned(),
        context: context.to_owned(),
        source,
    }
}

/// `$first, $first+1, …` for an `IN (…)` list of `n` parameters.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    let mut res = String::with_capacity(n * 6);
    for idx in 0..n {
        if 0 < idx {
            res.push_str(", ");
        }
        res.push('$');
        res.push_str(&(first + idx).to_string());
    }
    res
}

/// `$1` → `?1`: SQLite treats `$1` as a *named* parameter and looks each one up among the
/// names seen so far (quadratic in a multi-row insert), while `?NNN` is numbered directly.
/// The statements hold no `$` inside string literals.
fn sqlite_sql(sql: &str) -> String {
    let mut res = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            res.push('?');
        } else {
            res.push(c);
        }
    }
    res
}

fn sqlite_query<'q>(
    sql: &str,
    params: &[Param<'_>],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sqlite_sql(sql)));
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value.map(str::to_owned)),
        };
    }
    query
}

fn pg_query<'q>(
    sql: &str,
    params: &[Param<'_>],
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value.map(str::to_owned)),
        };
    }
    query
}

fn sqlite_row(row: &SqliteRow) -> Result<Row, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for idx in 0..row.len() {
        let raw = row.try_get_raw(idx)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let type_name = raw.type_info().name().to_owned();
        let value = match type_name.as_str() {
            "INTEGER" | "BOOLEAN" | "INT8" => Value::Int(row.try_get::<i64, _>(idx)?),
            "REAL" => Value::Real(row.try_get::<f64, _>(idx)?),
            "TEXT" => Value::Text(row.try_get::<String, _>(idx)?),
            "BLOB" => Value::Bytes(row.try_get::<Vec<u8>, _>(idx)?),
            other => return Err(unexpected_type(idx, other)),
        };
        values.push(value);
    }
    Ok(Row { values })
}

fn pg_row(row: &PgRow) -> Result<Row, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for idx in 0..row.len() {
        let raw = row.try_get_raw(idx)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let type_name = raw.type_info().name().to_owned();
        let value = match type_name.as_str() {
            "INT8" => Value::Int(row.try_get::<i64, _>(idx)?),
            "INT4" => Value::Int(i64::from(row.try_get::<i32, _>(idx)?)),
            "INT2" => Value::Int(i64::from(row.try_get::<i16, _>(idx)?)),
            "BOOL" => Value::Int(i64::from(row.try_get::<bool, _>(idx)?)),
            "FLOAT8" => Value::Real(row.try_get::<f64, _>(idx)?),
            "FLOAT4" => Value::Real(f64::from(row.try_get::<f32, _>(idx)?)),
            "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Value::Text(row.try_get::<String, _>(idx)?),
            "BYTEA" => Value::Bytes(row.try_get::<Vec<u8>, _>(idx)?),
            other => return Err(unexpected_type(idx, other)),
        };
        values.push(value);
    }
    Ok(Row { values })
}

fn unexpected_type(idx: usize, type_name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: idx.to_string(),
        source: format!("the vex tables have no columns of type {type_name}").into(),
    }
}
