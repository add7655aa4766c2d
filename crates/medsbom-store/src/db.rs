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
    pub(crate) async fn execute(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, sqlx::Error> {
        match self {
            Pool::Sqlite(pool) => Ok(sqlite_query(sql, params)
                .execute(pool)
                .await?
                .rows_affected()),
            Pool::Postgres(pool) => Ok(pg_query(sql, params).execute(pool).await?.rows_affected()),
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
    /// Whether this is the PostgreSQL backend.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }

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

/// The SQL type of a column filled from a JSON batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Int,
    Text,
}

/// Rows for a batch `INSERT … SELECT … FROM json_each($1)`: a JSON array of arrays, built
/// directly as text. One text parameter per batch costs far less in the drivers than one
/// parameter per value, which is most of the ingest time.
pub(crate) struct JsonRows {
    text: String,
    n_rows: usize,
    in_row: bool,
    first_value: bool,
}

impl JsonRows {
    pub(crate) fn with_capacity(n_bytes: usize) -> JsonRows {
        let mut text = String::with_capacity(n_bytes);
        text.push('[');
        JsonRows {
            text,
            n_rows: 0,
            in_row: false,
            first_value: true,
        }
    }

    /// Starts the next row (closing the previous one).
    pub(crate) fn row(&mut self) {
        if self.in_row {
            self.text.push(']');
        }
        if 0 < self.n_rows {
            self.text.push(',');
        }
        self.text.push('[');
        self.n_rows += 1;
        self.in_row = true;
        self.first_value = true;
    }

    fn separator(&mut self) {
        if !self.first_value {
            self.text.push(',');
        }
        self.first_value = false;
    }

    /// Appends an integer or null.
    pub(crate) fn int(&mut self, value: Option<i64>) {
        self.separator();
        match value {
            Some(value) => self.text.push_str(&value.to_string()),
            None => self.text.push_str("null"),
        }
    }

    /// Appends a string or null.
    pub(crate) fn text(&mut self, value: Option<&str>) {
        self.separator();
        match value {
            Some(value) => push_json_string(&mut self.text, value),
            None => self.text.push_str("null"),
        }
    }

    /// The JSON text of all rows.
    pub(crate) fn finish(mut self) -> String {
        if self.in_row {
            self.text.push(']');
        }
        self.text.push(']');
        self.text
    }
}

/// Appends `value` as a JSON string literal.
/// NUL becomes U+FFFD: PostgreSQL text cannot hold it, and both backends should store the
/// same value.
fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    if !value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(value);
        out.push('"');
        return;
    }
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push('\u{fffd}'),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `INSERT INTO table (columns) SELECT … FROM <the JSON array in $1>`, then `suffix`.
pub(crate) fn insert_json_sql(
    table: &str,
    columns: &[(&str, Column)],
    postgres: bool,
    suffix: &str,
) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let values: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(idx, (_, column))| match column {
            Column::Int => format!("CAST(value->>{idx} AS BIGINT)"),
            Column::Text => format!("value->>{idx}"),
        })
        .collect();
    let source = json_rows_source(postgres);
    // `WHERE true` keeps SQLite from reading a following ON CONFLICT as a join constraint.
    format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {source} WHERE true {suffix}",
        names.join(", "),
        values.join(", ")
    )
}

/// The table function that turns the JSON array in `$1` into rows with a `value` column.
pub(crate) fn json_rows_source(postgres: bool) -> &'static str {
    if postgres {
        "jsonb_array_elements(CAST($1 AS jsonb))"
    } else {
        "json_each($1)"
    }
}

/// The table function that turns the JSON array of strings in `$1` into rows with a text
/// `value` column.
pub(crate) fn json_texts_source(postgres: bool) -> &'static str {
    if postgres {
        "jsonb_array_elements_text(CAST($1 AS jsonb))"
    } else {
        "json_each($1)"
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
