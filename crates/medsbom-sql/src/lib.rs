//! The two database backends of medsbom (SQLite, PostgreSQL) behind one small interface:
//! statements with positional parameters (`$1`, `$2`, … on both) returning rows of plain
//! values, in transactions whose errors name the database and what was being done.
//!
//! The crates that own tables besides the store's (vulnerabilities, VEX, the registry,
//! assets, lifecycle, the server) use it with a pool of their own on the store's database,
//! opened by [`Db::attach`] with the store's settings; their error types convert
//! [`SqlError`] with `From`. (The store keeps a layer of its own in `medsbom-store/src/db.rs`,
//! because this crate depends on it.)
//!
//! The services write their SQL once; values are copied into [`Param`] and [`Value`], which
//! costs little next to the database work and keeps the services free of generic
//! `sqlx::Database` bounds.
#![deny(missing_docs)]

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Postgres, Row as _, Sqlite, Transaction, TypeInfo as _, ValueRef as _};

/// A row error as text, for callers that report row shapes as plain messages (the driver's
/// error keeps its own text).
impl From<SqlError> for String {
    fn from(err: SqlError) -> String {
        match err {
            SqlError::Shape(message) => message,
            other => other.to_string(),
        }
    }
}

/// A failed statement or a row of unexpected shape.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// A statement failed.
    #[error("database {db}: error while {context}: {source}")]
    Database {
        /// The database path or URL (without password).
        db: String,
        /// What was being done.
        context: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A row did not have the expected shape (a bug or a foreign schema).
    #[error("unexpected data in the database: {0}")]
    Shape(String),
}

impl Db {
    /// A pool of the caller's own on the database `store` is open on, with the store's
    /// settings (`options`; on SQLite WAL, a busy timeout, foreign keys and a 64 MiB page
    /// cache). `url` is what the store was opened with: for PostgreSQL the URL, which the
    /// store does not give back.
    pub async fn attach(
        store: &medsbom_store::Store,
        url: &str,
        options: &medsbom_store::OpenOptions,
    ) -> Result<Db, sqlx::Error> {
        use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
        use std::str::FromStr as _;
        let name = store.name();
        let max_connections = options.max_connections.max(1);
        match store.backend() {
            medsbom_store::Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(options.busy_timeout)
                    .connect_with(PgConnectOptions::from_str(url)?)
                    .await?;
                Ok(Db::postgres(pool, name))
            }
            medsbom_store::Backend::Sqlite => {
                let path = store.sqlite_path().ok_or_else(|| {
                    sqlx::Error::Configuration(
                        format!("the sqlite store {name} has no file path").into(),
                    )
                })?;
                let connect = medsbom_store::sqlite_settings(
                    SqliteConnectOptions::new().filename(path),
                    options,
                );
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(options.busy_timeout.max(std::time::Duration::from_secs(1)))
                    .connect_with(connect)
                    .await?;
                Ok(Db::sqlite(pool, name))
            }
        }
    }
}

/// The SQL for "now" as ISO 8601 UTC text on either backend, as the schema's defaults
/// write it.
pub fn now_sql(postgres: bool) -> &'static str {
    if postgres {
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    } else {
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    }
}

/// The most parameters one statement gets (SQLite allows 32766, PostgreSQL 65535).
pub const MAX_PARAMS: usize = 30_000;

/// A connection pool of either backend, with the database's name for messages.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    name: String,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction. Dropping it without [`Tx::commit`] rolls it back.
pub struct Tx {
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
pub enum Param<'a> {
    /// An integer.
    Int(Option<i64>),
    /// A floating-point number.
    Real(Option<f64>),
    /// Text.
    Text(Option<&'a str>),
    /// A byte string.
    Bytes(Option<&'a [u8]>),
}

impl<'a> Param<'a> {
    /// A non-null integer.
    pub fn int(value: i64) -> Param<'a> {
        Param::Int(Some(value))
    }

    /// Non-null text.
    pub fn text(value: &'a str) -> Param<'a> {
        Param::Text(Some(value))
    }
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// A byte string.
    Bytes(Vec<u8>),
}

/// A result row: its values in column order.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    /// The same row without its first column.
    #[must_use]
    pub fn skip_first(&self) -> Row {
        Row {
            values: self.values.iter().skip(1).cloned().collect(),
        }
    }

    fn value(&self, idx: usize) -> Result<&Value, SqlError> {
        self.values
            .get(idx)
            .ok_or_else(|| SqlError::Shape(format!("row has no column {idx}")))
    }

    fn shape(idx: usize, expected: &str, found: &Value) -> SqlError {
        SqlError::Shape(format!(
            "column {idx}: expected {expected}, found {found:?}"
        ))
    }

    /// The integer in column `idx`.
    pub fn int(&self, idx: usize) -> Result<i64, SqlError> {
        match self.value(idx)? {
            Value::Int(value) => Ok(*value),
            other => Err(Row::shape(idx, "an integer", other)),
        }
    }

    /// The integer or NULL in column `idx`.
    pub fn opt_int(&self, idx: usize) -> Result<Option<i64>, SqlError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Int(value) => Ok(Some(*value)),
            other => Err(Row::shape(idx, "an integer or null", other)),
        }
    }

    /// The number or NULL in column `idx` (SQLite may store a whole number as an integer).
    pub fn opt_real(&self, idx: usize) -> Result<Option<f64>, SqlError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Real(value) => Ok(Some(*value)),
            #[expect(
                clippy::cast_precision_loss,
                reason = "sqlite stores 5.0 as an integer"
            )]
            Value::Int(value) => Ok(Some(*value as f64)),
            other => Err(Row::shape(idx, "a number or null", other)),
        }
    }

    /// The text in column `idx`.
    pub fn text(&self, idx: usize) -> Result<String, SqlError> {
        match self.value(idx)? {
            Value::Text(value) => Ok(value.clone()),
            other => Err(Row::shape(idx, "a text", other)),
        }
    }

    /// The text or NULL in column `idx`.
    pub fn opt_text(&self, idx: usize) -> Result<Option<String>, SqlError> {
        match self.value(idx)? {
            Value::Null => Ok(None),
            Value::Text(value) => Ok(Some(value.clone())),
            other => Err(Row::shape(idx, "a text or null", other)),
        }
    }

    /// The text in column `idx`, moved out of the row (which keeps an empty text there).
    pub fn take_text(&mut self, idx: usize) -> Result<String, SqlError> {
        match self.values.get_mut(idx) {
            Some(Value::Text(value)) => Ok(std::mem::take(value)),
            Some(other) => Err(Row::shape(idx, "a text", other)),
            None => Err(SqlError::Shape(format!("row has no column {idx}"))),
        }
    }

    /// The text or NULL in column `idx`, moved out of the row (which keeps an empty text
    /// there).
    pub fn take_opt_text(&mut self, idx: usize) -> Result<Option<String>, SqlError> {
        match self.values.get_mut(idx) {
            Some(Value::Null) => Ok(None),
            Some(Value::Text(value)) => Ok(Some(std::mem::take(value))),
            Some(other) => Err(Row::shape(idx, "a text or null", other)),
            None => Err(SqlError::Shape(format!("row has no column {idx}"))),
        }
    }

    /// The bytes in column `idx`.
    pub fn bytes(&self, idx: usize) -> Result<Vec<u8>, SqlError> {
        match self.value(idx)? {
            Value::Bytes(value) => Ok(value.clone()),
            other => Err(Row::shape(idx, "bytes", other)),
        }
    }
}

impl Db {
    /// A SQLite pool; `name` is how messages name the database.
    pub fn sqlite(pool: SqlitePool, name: &str) -> Db {
        Db {
            pool: Pool::Sqlite(pool),
            name: name.to_owned(),
        }
    }

    /// A PostgreSQL pool; `name` is how messages name the database.
    pub fn postgres(pool: PgPool, name: &str) -> Db {
        Db {
            pool: Pool::Postgres(pool),
            name: name.to_owned(),
        }
    }

    /// The database as shown in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Begins a write transaction; on SQLite `BEGIN IMMEDIATE`, which takes the write lock
    /// at once (waiting up to the busy timeout) instead of failing when a read transaction
    /// later tries to write.
    pub async fn begin(&self, context: &str) -> Result<Tx, SqlError> {
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
    pub async fn begin_read(&self, context: &str) -> Result<Tx, SqlError> {
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

    /// Whether this is the PostgreSQL backend.
    pub fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Runs a query outside any explicit transaction and returns all rows.
    pub async fn fetch_all(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, SqlError> {
        let res = match &self.pool {
            Pool::Sqlite(pool) => sqlite_fetch_all(pool, sql, params).await,
            Pool::Postgres(pool) => pg_fetch_all(pool, sql, params).await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Runs `SELECT {columns} {rest}` outside any explicit transaction and returns all
    /// rows, as [`Db::fetch_all`] does, for results of thousands of rows.
    ///
    /// On SQLite the rows come back packed into one JSON text that SQLite builds
    /// (`json_group_array(json_array(…))`) and this function decodes: sqlx hands every row
    /// and every value over from its worker thread one by one, which costs several times
    /// the query itself for a few thousand rows. `columns` must be integers, texts or
    /// NULLs (SQLite's JSON cannot hold a BLOB, and a real would come back rounded to 15
    /// digits). On PostgreSQL the query runs as written.
    pub async fn fetch_all_packed(
        &self,
        context: &str,
        columns: &str,
        rest: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, SqlError> {
        match &self.pool {
            Pool::Sqlite(_) => {
                let sql = format!("SELECT json_group_array(json_array({columns})) {rest}");
                let packed = self.fetch_all(context, &sql, params).await?;
                match packed.first() {
                    Some(row) => unpack_rows(&row.text(0)?),
                    None => Ok(Vec::new()),
                }
            }
            Pool::Postgres(_) => {
                let sql = format!("SELECT {columns} {rest}");
                self.fetch_all(context, &sql, params).await
            }
        }
    }

    /// Runs a query outside any explicit transaction and returns its first row, if any.
    pub async fn fetch_optional(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, SqlError> {
        Ok(self
            .fetch_all(context, sql, params)
            .await?
            .into_iter()
            .next())
    }

    /// Runs a statement outside any explicit transaction; returns the rows affected.
    pub async fn execute(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, SqlError> {
        let res = match &self.pool {
            Pool::Sqlite(pool) => sqlite_execute(pool, sql, params).await,
            Pool::Postgres(pool) => pg_execute(pool, sql, params).await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// The SQL for "now" as ISO 8601 UTC text, as the schema's defaults write it.
    pub fn now_sql(&self) -> &'static str {
        now_sql(self.is_postgres())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    /// Whether this is the PostgreSQL backend.
    pub fn is_postgres(&self) -> bool {
        matches!(self.inner, TxInner::Postgres(_))
    }

    /// Runs a query inside the transaction and returns all rows.
    pub async fn fetch_all(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, SqlError> {
        let res = match &mut self.inner {
            TxInner::Sqlite(tx) => sqlite_fetch_all(&mut **tx, sql, params).await,
            TxInner::Postgres(tx) => pg_fetch_all(&mut **tx, sql, params).await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Runs a query inside the transaction and returns its first row, if any.
    pub async fn fetch_optional(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, SqlError> {
        Ok(self
            .fetch_all(context, sql, params)
            .await?
            .into_iter()
            .next())
    }

    /// Runs a statement inside the transaction; returns the rows affected.
    pub async fn execute(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, SqlError> {
        let res = match &mut self.inner {
            TxInner::Sqlite(tx) => sqlite_execute(&mut **tx, sql, params).await,
            TxInner::Postgres(tx) => pg_execute(&mut **tx, sql, params).await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// The SQL for "now" as ISO 8601 UTC text, as the schema's defaults write it.
    pub fn now_sql(&self) -> &'static str {
        now_sql(self.is_postgres())
    }

    /// The database as shown in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Rolls the transaction back (a dry run).
    pub async fn rollback(self, context: &str) -> Result<(), SqlError> {
        let res = match self.inner {
            TxInner::Sqlite(tx) => tx.rollback().await,
            TxInner::Postgres(tx) => tx.rollback().await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }

    /// Commits the transaction.
    pub async fn commit(self, context: &str) -> Result<(), SqlError> {
        let res = match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        };
        res.map_err(|source| db_error(&self.name, context, source))
    }
}

fn db_error(db: &str, context: &str, source: sqlx::Error) -> SqlError {
    SqlError::Database {
        db: db.to_owned(),
        context: context.to_owned(),
        source,
    }
}

/// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `n_rows` rows, then `suffix`.
pub fn insert_sql(table: &str, columns: &[&str], n_rows: usize, suffix: &str) -> String {
    let mut res = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
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
pub fn placeholders(first: usize, n: usize) -> String {
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

/// Rows per multi-row statement for `n_columns` parameters each.
pub fn rows_per_statement(n_columns: usize) -> usize {
    (MAX_PARAMS / n_columns.max(1)).clamp(1, 32)
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

/// A SQLite query with `params` bound (`$n` placeholders become `?n`).
fn sqlite_query<'q>(
    sql: &str,
    params: &[Param<'_>],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sqlite_sql(sql)));
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Real(value) => query.bind(value),
            Param::Text(value) => query.bind(value.map(str::to_owned)),
            Param::Bytes(value) => query.bind(value.map(<[u8]>::to_vec)),
        };
    }
    query
}

/// A PostgreSQL query with `params` bound.
fn pg_query<'q>(
    sql: &str,
    params: &[Param<'_>],
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Real(value) => query.bind(value),
            Param::Text(value) => query.bind(value.map(str::to_owned)),
            Param::Bytes(value) => query.bind(value.map(<[u8]>::to_vec)),
        };
    }
    query
}

/// Runs a query on a SQLite pool or transaction and returns all rows.
async fn sqlite_fetch_all<'c>(
    executor: impl sqlx::Executor<'c, Database = Sqlite>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Row>, sqlx::Error> {
    let rows = sqlite_query(sql, params).fetch_all(executor).await?;
    rows.iter().map(sqlite_row).collect()
}

/// Runs a query on a PostgreSQL pool or transaction and returns all rows.
async fn pg_fetch_all<'c>(
    executor: impl sqlx::Executor<'c, Database = Postgres>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Row>, sqlx::Error> {
    let rows = pg_query(sql, params).fetch_all(executor).await?;
    rows.iter().map(pg_row).collect()
}

/// Runs a statement on a SQLite pool or transaction; returns the rows affected.
async fn sqlite_execute<'c>(
    executor: impl sqlx::Executor<'c, Database = Sqlite>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, sqlx::Error> {
    let done = sqlite_query(sql, params).execute(executor).await?;
    Ok(done.rows_affected())
}

/// Runs a statement on a PostgreSQL pool or transaction; returns the rows affected.
async fn pg_execute<'c>(
    executor: impl sqlx::Executor<'c, Database = Postgres>,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, sqlx::Error> {
    let done = pg_query(sql, params).execute(executor).await?;
    Ok(done.rows_affected())
}

fn sqlite_row(row: &SqliteRow) -> Result<Row, sqlx::Error> {
    sqlite_values(row).map(|values| Row { values })
}

/// The values of a SQLite result row, in column order.
fn sqlite_values(row: &SqliteRow) -> Result<Vec<Value>, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for idx in 0..row.len() {
        let raw = row.try_get_raw(idx)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        // The type name is borrowed, not copied: this runs for every value of every row.
        let type_info = raw.type_info();
        let value = match type_info.name() {
            "INTEGER" | "BOOLEAN" | "INT8" => Value::Int(row.try_get::<i64, _>(idx)?),
            "REAL" => Value::Real(row.try_get::<f64, _>(idx)?),
            "TEXT" => Value::Text(row.try_get::<String, _>(idx)?),
            "BLOB" => Value::Bytes(row.try_get::<Vec<u8>, _>(idx)?),
            other => return Err(unexpected_type(idx, other)),
        };
        values.push(value);
    }
    Ok(values)
}

fn pg_row(row: &PgRow) -> Result<Row, sqlx::Error> {
    pg_values(row).map(|values| Row { values })
}

/// The values of a PostgreSQL result row, in column order.
fn pg_values(row: &PgRow) -> Result<Vec<Value>, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for idx in 0..row.len() {
        let raw = row.try_get_raw(idx)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        // The type name is borrowed, not copied: this runs for every value of every row.
        let type_info = raw.type_info();
        let value = match type_info.name() {
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
    Ok(values)
}

fn unexpected_type(idx: usize, type_name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: idx.to_string(),
        source: format!("medsbom reads no columns of type {type_name}").into(),
    }
}

/// The rows of a `json_group_array(json_array(…))` text ([`Db::fetch_all_packed`]).
fn unpack_rows(json: &str) -> Result<Vec<Row>, SqlError> {
    let rows: Vec<Vec<Value>> =
        serde_json::from_str(json).map_err(|err| SqlError::Shape(format!("packed rows: {err}")))?;
    Ok(rows.into_iter().map(|values| Row { values }).collect())
}

/// A JSON scalar as a [`Value`]: null, an integer (a boolean as 0 or 1), a number, a text.
impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        struct ValueVisitor;
        impl serde::de::Visitor<'_> for ValueVisitor {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null, a number or a string")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Value, E> {
                Ok(Value::Int(i64::from(value)))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Value, E> {
                Ok(Value::Int(value))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Value, E> {
                i64::try_from(value)
                    .map(Value::Int)
                    .map_err(|_| E::custom(format!("integer {value} out of range")))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
                Ok(Value::Real(value))
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Value, E> {
                Ok(Value::Text(value.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Value, E> {
                Ok(Value::Text(value))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}
