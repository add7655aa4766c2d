//! The two backends behind one small interface: run a statement with positional parameters
//! (`$1`, `$2`, … in both SQLite and PostgreSQL) and get rows of plain values back.
//!
//! The services write their SQL once; the few statements that differ between the backends
//! check [`Pool::is_postgres`]. Parameters and results are copied into [`Param`] and
//! [`Value`], which costs little next to the database work and keeps the services free of
//! generic `sqlx::Database` bounds.

use std::borrow::Cow;

use sqlx::postgres::{PgArguments, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqlitePool, SqliteRow};
use sqlx::{
    Arguments as _, AssertSqlSafe, Postgres, Row as _, Sqlite, Transaction, TypeInfo as _,
    ValueRef as _,
};

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

    /// A non-NULL text, borrowed.
    pub(crate) fn text_ref(&self, idx: usize) -> Result<&str, ShapeError> {
        match self.value(idx)? {
            Value::Text(value) => Ok(value),
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

/// The SQL type of a column of a batch insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Int,
    Text,
}

/// Largest number of bound parameters in one SQLite statement (`SQLITE_MAX_VARIABLE_NUMBER`
/// of SQLite 3.32 and later).
const SQLITE_MAX_PARAMS: usize = 32_766;
/// Most rows in one SQLite `INSERT … VALUES (…), (…)` statement. Shorter batches are split
/// into powers of two, so that a handful of statement texts per table cover every size and
/// stay in the prepared-statement cache.
const SQLITE_BATCH_ROWS: usize = 256;
/// Most rows in one PostgreSQL `INSERT … SELECT … FROM UNNEST(…)` statement (one array
/// parameter per column, one round trip per batch).
const PG_BATCH_ROWS: usize = 5_000;
/// Most values in one look-up statement (`IN (…)` on SQLite, `= ANY($1)` on PostgreSQL).
const SQLITE_LOOKUP_KEYS: usize = 512;
const PG_LOOKUP_KEYS: usize = 10_000;

/// One value of a [`Rows`] batch.
#[derive(Debug, Clone)]
enum Cell<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
}

/// Rows for [`Tx::insert_rows`], row by row: each row is one call per column, in the
/// column order of the [`Insert`].
pub(crate) struct Rows<'a> {
    n_columns: usize,
    cells: Vec<Cell<'a>>,
}

impl<'a> Rows<'a> {
    /// Room for `n_rows` rows of `n_columns` values.
    pub(crate) fn with_capacity(n_columns: usize, n_rows: usize) -> Rows<'a> {
        Rows {
            n_columns: n_columns.max(1),
            cells: Vec::with_capacity(n_columns * n_rows),
        }
    }

    /// The number of complete rows.
    pub(crate) fn len(&self) -> usize {
        self.cells.len() / self.n_columns
    }

    /// Appends an integer or NULL.
    pub(crate) fn int(&mut self, value: Option<i64>) {
        self.cells.push(Cell::Int(value));
    }

    /// Appends a text or NULL. NUL becomes U+FFFD: PostgreSQL text cannot hold it, and both
    /// backends store the same value.
    pub(crate) fn text(&mut self, value: Option<&'a str>) {
        let value = value.map(|text| {
            if text.contains('\0') {
                Cow::Owned(text.replace('\0', "\u{fffd}"))
            } else {
                Cow::Borrowed(text)
            }
        });
        self.cells.push(Cell::Text(value));
    }
}

/// A batch `INSERT` into `table`: its columns, and what follows the rows (`ON CONFLICT …`,
/// `RETURNING …`, or nothing).
pub(crate) struct Insert<'s> {
    pub(crate) table: &'s str,
    pub(crate) columns: &'s [(&'s str, Column)],
    pub(crate) suffix: &'s str,
}

impl Insert<'_> {
    fn names(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }

    /// `INSERT INTO t (a, b) VALUES (?, ?), (?, ?) suffix` for `n_rows` rows.
    fn sqlite_sql(&self, n_rows: usize) -> String {
        let n_columns = self.columns.len();
        let mut row = String::with_capacity(n_columns * 3 + 2);
        row.push('(');
        for idx in 0..n_columns {
            if 0 < idx {
                row.push_str(", ");
            }
            row.push('?');
        }
        row.push(')');
        let mut sql = String::with_capacity(64 + n_rows * (row.len() + 2) + self.suffix.len());
        sql.push_str("INSERT INTO ");
        sql.push_str(self.table);
        sql.push_str(" (");
        sql.push_str(&self.names());
        sql.push_str(") VALUES ");
        for idx in 0..n_rows {
            if 0 < idx {
                sql.push_str(", ");
            }
            sql.push_str(&row);
        }
        if !self.suffix.is_empty() {
            sql.push(' ');
            sql.push_str(self.suffix);
        }
        sql
    }

    /// `INSERT INTO t (a, b) SELECT * FROM UNNEST($1::int8[], $2::text[]) suffix`.
    fn pg_sql(&self) -> String {
        let arrays: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(idx, (_, column))| match column {
                Column::Int => format!("${}::int8[]", idx + 1),
                Column::Text => format!("${}::text[]", idx + 1),
            })
            .collect();
        format!(
            "INSERT INTO {} ({}) SELECT * FROM UNNEST({}) {}",
            self.table,
            self.names(),
            arrays.join(", "),
            self.suffix
        )
    }
}

/// The largest power of two that is at most `n` (`n` ≥ 1).
fn floor_power_of_two(n: usize) -> usize {
    1 << (usize::BITS - 1 - n.max(1).leading_zeros())
}

/// The sizes the rows `0..n_rows` are sent in: `max` rows while that many are left, then
/// descending powers of two.
fn batch_sizes(n_rows: usize, max: usize) -> impl Iterator<Item = (usize, usize)> {
    let max = max.max(1);
    let mut start = 0;
    std::iter::from_fn(move || {
        if n_rows <= start {
            return None;
        }
        let left = n_rows - start;
        let size = if max <= left {
            max
        } else {
            floor_power_of_two(left).min(max)
        };
        let range = (start, start + size);
        start += size;
        Some(range)
    })
}

fn type_mismatch(table: &str, column: &str) -> sqlx::Error {
    sqlx::Error::Encode(
        format!("batch insert into {table}: wrong value type for column {column}").into(),
    )
}

impl Tx {
    /// Inserts `rows` in batches (multi-row `VALUES` on SQLite, `UNNEST` arrays on
    /// PostgreSQL), calling `on_batch` with the number of rows written so far after each
    /// batch. Returns the rows the statements return (with a `RETURNING` suffix).
    pub(crate) async fn insert_rows(
        &mut self,
        insert: &Insert<'_>,
        rows: &Rows<'_>,
        mut on_batch: impl FnMut(usize),
    ) -> Result<Vec<Row>, sqlx::Error> {
        let n_columns = insert.columns.len();
        if n_columns != rows.n_columns {
            return Err(type_mismatch(insert.table, "(column count)"));
        }
        let n_rows = rows.len();
        let mut res = Vec::new();
        match self {
            Tx::Sqlite(tx) => {
                let max = (SQLITE_MAX_PARAMS / n_columns).clamp(1, SQLITE_BATCH_ROWS);
                for (start, end) in batch_sizes(n_rows, max) {
                    let mut args = SqliteArguments::default();
                    args.reserve((end - start) * n_columns, 0);
                    for cell in &rows.cells[start * n_columns..end * n_columns] {
                        match cell {
                            Cell::Int(value) => args.add(*value),
                            Cell::Text(value) => args.add(value.as_deref()),
                        }
                        .map_err(sqlx::Error::Encode)?;
                    }
                    let sql = insert.sqlite_sql(end - start);
                    let query = sqlx::query_with(AssertSqlSafe(sql), args);
                    for row in query.fetch_all(&mut **tx).await? {
                        res.push(sqlite_row(&row)?);
                    }
                    on_batch(end);
                }
            }
            Tx::Postgres(tx) => {
                let sql = insert.pg_sql();
                for (start, end) in batch_sizes(n_rows, PG_BATCH_ROWS) {
                    let mut args = PgArguments::default();
                    for (col, (name, column)) in insert.columns.iter().enumerate() {
                        let cells = rows.cells[start * n_columns..end * n_columns]
                            .iter()
                            .skip(col)
                            .step_by(n_columns);
                        match column {
                            Column::Int => {
                                let mut values: Vec<Option<i64>> = Vec::with_capacity(end - start);
                                for cell in cells {
                                    let Cell::Int(value) = cell else {
                                        return Err(type_mismatch(insert.table, name));
                                    };
                                    values.push(*value);
                                }
                                args.add(values)
                            }
                            Column::Text => {
                                let mut values: Vec<Option<&str>> = Vec::with_capacity(end - start);
                                for cell in cells {
                                    let Cell::Text(value) = cell else {
                                        return Err(type_mismatch(insert.table, name));
                                    };
                                    values.push(value.as_deref());
                                }
                                args.add(values)
                            }
                        }
                        .map_err(sqlx::Error::Encode)?;
                    }
                    let query = sqlx::query_with(AssertSqlSafe(sql.clone()), args);
                    for row in query.fetch_all(&mut **tx).await? {
                        res.push(pg_row(&row)?);
                    }
                    on_batch(end);
                }
            }
        }
        Ok(res)
    }

    /// Runs `select` (a query ending in `WHERE <column>`) for all of `texts`: with
    /// `IN (…)` lists on SQLite, `= ANY($1)` on PostgreSQL. Returns all rows.
    pub(crate) async fn fetch_where_in(
        &mut self,
        select: &str,
        texts: &[&str],
    ) -> Result<Vec<Row>, sqlx::Error> {
        let mut res = Vec::new();
        match self {
            Tx::Sqlite(tx) => {
                for (start, end) in batch_sizes(texts.len(), SQLITE_LOOKUP_KEYS) {
                    let n = end - start;
                    let mut sql = String::with_capacity(select.len() + 6 + 3 * n);
                    sql.push_str(select);
                    sql.push_str(" IN (");
                    for idx in 0..n {
                        if 0 < idx {
                            sql.push_str(", ");
                        }
                        sql.push('?');
                    }
                    sql.push(')');
                    let mut args = SqliteArguments::default();
                    args.reserve(n, 0);
                    for text in &texts[start..end] {
                        args.add(*text).map_err(sqlx::Error::Encode)?;
                    }
                    let query = sqlx::query_with(AssertSqlSafe(sql), args);
                    for row in query.fetch_all(&mut **tx).await? {
                        res.push(sqlite_row(&row)?);
                    }
                }
            }
            Tx::Postgres(tx) => {
                let sql = format!("{select} = ANY($1::text[])");
                for chunk in texts.chunks(PG_LOOKUP_KEYS) {
                    let mut args = PgArguments::default();
                    args.add(chunk).map_err(sqlx::Error::Encode)?;
                    let query = sqlx::query_with(AssertSqlSafe(sql.clone()), args);
                    for row in query.fetch_all(&mut **tx).await? {
                        res.push(pg_row(&row)?);
                    }
                }
            }
        }
        Ok(res)
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
        let type_info = raw.type_info();
        let value = match type_info.name() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_all_rows_in_few_distinct_sizes() {
        for n_rows in 0..1_200 {
            let batches: Vec<(usize, usize)> = batch_sizes(n_rows, 256).collect();
            let mut next = 0;
            for (start, end) in &batches {
                assert_eq!(*start, next, "{n_rows} rows");
                let size = end - start;
                assert!(size == 256 || (size.is_power_of_two() && size < 256));
                next = *end;
            }
            assert_eq!(next, n_rows);
        }
        // A cap that is not a power of two (wide tables) is used as is for full batches.
        let sizes: Vec<usize> = batch_sizes(1_000, 300).map(|(s, e)| e - s).collect();
        assert_eq!(sizes, vec![300, 300, 300, 64, 32, 4]);
    }

    #[test]
    fn insert_statements_per_backend() {
        let columns = [("a", Column::Int), ("b", Column::Text)];
        let insert = Insert {
            table: "t",
            columns: &columns,
            suffix: "ON CONFLICT (b) DO NOTHING",
        };
        assert_eq!(
            insert.sqlite_sql(2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON CONFLICT (b) DO NOTHING"
        );
        assert_eq!(
            insert.pg_sql(),
            "INSERT INTO t (a, b) SELECT * FROM UNNEST($1::int8[], $2::text[]) \
             ON CONFLICT (b) DO NOTHING"
        );
        let mut rows = Rows::with_capacity(2, 1);
        rows.int(Some(1));
        rows.text(Some("nul\0byte"));
        assert_eq!(rows.len(), 1);
        assert!(matches!(&rows.cells[1], Cell::Text(Some(text)) if text == "nul\u{fffd}byte"));
    }
}
