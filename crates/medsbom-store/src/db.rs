//! The two backends behind one small interface: run a statement with positional parameters
//! (`$1`, `$2`, … in both SQLite and PostgreSQL) and get rows of plain values back.
//!
//! The services write their SQL once; the few statements that differ between the backends
//! check [`Pool::is_postgres`]. Parameters and results are copied into [`Param`] and
//! [`Value`], which costs little next to the database work and keeps the services free of
//! generic `sqlx::Database` bounds.

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Postgres, Row as _, Sqlite, Transaction, TypeInfo as _, ValueRef as _};

/// A connection pool of either backend.
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction of either backend. Dropping it without [`Tx::commit`] rolls
/// it back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// One statement parameter. Each variant carries its SQL type so that a NULL is typed
/// correctly for PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bytes(&'a [u8]),
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

/// Reading a row value as the wrong type; turned into [`crate::StoreError::Corrupt`].
#[derive(Debug)]
pub(crate) struct ShapeError(pub(crate) String);

impl Row {
    fn value(&self, idx: usize) -> Result<&Value, ShapeError> {
        self.values
            .get(idx)
            .ok_or_else(|| ShapeError(format!("row has no column {idx}")))
    }

    /// A non-NULL integer.
    pub(crate) fn int(&self, idx: usize) -> Result<i64, ShapeError> {
        match self.value(idx)? {
            Value::Int(value) => Ok(*value),
            other => Err(ShapeError(format!(
                "column {idx}: expected an integer, found {other:?}"
            ))),
        }
    }

    /// An integer or NULL.
    pub(crate) fn opt_int(&self, idx: usize) -> Result<Option<i64>, ShapeError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Int(value) => Ok(Some(*value)),
            other => Err(ShapeError(format!(
                "column {idx}: expected an integer or NULL, found {other:?}"
            ))),
        }
    }

    /// A non-NULL text.
    pub(crate) fn text(&self, idx: usize) -> Result<String, ShapeError> {
        match self.value(idx)? {
            Value::Text(value) => Ok(value.clone()),
            other => Err(ShapeError(format!(
                "column {idx}: expected a text, found {other:?}"
            ))),
        }
    }

    /// A text or NULL.
    pub(crate) fn opt_text(&self, idx: usize) -> Result<Option<String>, ShapeError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Text(value) => Ok(Some(value.clone())),
            other => Err(ShapeError(format!(
                "column {idx}: expected a text or NULL, found {other:?}"
            ))),
        }
    }

    /// A non-NULL blob.
    pub(crate) fn bytes(&self, idx: usize) -> Result<Vec<u8>, ShapeError> {
        match self.value(idx)? {
            Value::Bytes(value) => Ok(value.clone()),
            other => Err(ShapeError(format!(
                "column {idx}: expected bytes, found {other:?}"
            ))),
        }
    }
}

impl Pool {
    /// Whether this is the PostgreSQL backend.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Pool::Postgres(_))
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`, which takes the write
    /// lock at once (waiting up to the busy timeout) instead of failing later when a read
    /// transaction tries to become a write transaction.
    pub(crate) async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => Ok(Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?)),
            Pool::Postgres(pool) => Ok(Tx::Postgres(pool.begin().await?)),
        }
    }

    /// Runs a query and returns all rows.
    pub(crate) async fn fetch_all(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => {
                let rows = sqlite_query(sql, params).fetch_all(pool).await?;
                rows.iter().map(sqlite_row).collect()
            }
            Pool::Postgres(pool) => {
                let rows = pg_query(sql, params).fetch_all(pool).await?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    /// Runs a query and returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => {
                let row = sqlite_query(sql, params).fetch_optional(pool).await?;
                row.as_ref().map(sqlite_row).transpose()
            }
            Pool::Postgres(pool) => {
                let row = pg_query(sql, params).fetch_optional(pool).await?;
                row.as_ref().map(pg_row).transpose()
            }
        }
    }

    /// Runs a statement outside any explicit transaction; returns the rows affected.
    pub(crate) async fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => Ok(sqlite_query(sql, params)
                .execute(pool)
                .await?
                .rows_affected()),
            Pool::Postgres(pool) => Ok(pg_query(sql, params)
                .execute(pool)
                .await?
                .rows_affected()),
        }
    }

    /// Closes every connection (checkpointing the SQLite WAL).
    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    /// Runs a query inside the transaction and returns all rows.
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

    /// Runs a query inside the transaction and returns its first row, if any.
    pub(crate) async fn fetch_optional(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                let row = sqlite_query(sql, params).fetch_optional(&mut **tx).await?;
                row.as_ref().map(sqlite_row).transpose()
            }
            Tx::Postgres(tx) => {
                let row = pg_query(sql, params).fetch_optional(&mut **tx).await?;
                row.as_ref().map(pg_row).transpose()
            }
        }
    }

    /// Runs a statement inside the transaction; returns the rows affected.
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

    /// Commits the transaction.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `n_rows` rows, followed by `suffix`.
pub(crate) fn insert_sql(table: &str, columns: &[&str], n_rows: usize, suffix: &str) -> String {
    let mut res = String::with_capacity(64 + n_rows * columns.len() * 6);
    res.push_str("INSERT INTO ");
    res.push_str(table);
    res.push_str(" (");
    res.push_str(&columns.join(", "));
    res.push_str(") VALUES ");
    let mut n = 0;
    for row in 0..n_rows {
        if 0 < row {
            res.push_str(", ");
        }
        res.push('(');
        for column in 0..columns.len() {
            if 0 < column {
                res.push_str(", ");
            }
            n += 1;
            res.push('$');
            res.push_str(&n.to_string());
        }
        res.push(')');
    }
    if !suffix.is_empty() {
        res.push(' ');
        res.push_str(suffix);
    }
    res
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

fn sqlite_query<'q>(
    sql: &str,
    params: &[Param<'_>],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
            Param::Bytes(value) => query.bind(value),
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
            Param::Text(value) => query.bind(value),
            Param::Bytes(value) => query.bind(value),
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
        source: format!("the store does not read columns of type {type_name}").into(),
    }
}
