//! The database handle of the inventory: the [`Store`] (which applies the migrations,
//! including `0004_assets.sql`) and a pool of this crate's own to the same database
//! (medsbom-sql's [`medsbom_sql::Db`]: statements with positional parameters, `$1`, `$2`, …
//! on both SQLite and PostgreSQL, returning rows of plain values).

use medsbom_store::{OpenOptions, Store};

use crate::AssetError;
pub(crate) use medsbom_sql::{Param, Row, placeholders, rows_per_statement};

/// The store with the inventory tables.
///
/// Cloning is cheap and shares both pools.
#[derive(Clone)]
pub struct AssetDb {
    store: Store,
    db: medsbom_sql::Db,
    /// The VEX tables, for the impact rows' `vex_status`.
    pub(crate) vex: medsbom_vex::service::VexDb,
}

/// An open write transaction. Dropping it without [`Tx::commit`] rolls it back.
pub(crate) struct Tx {
    inner: medsbom_sql::Tx,
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
        let pool = medsbom_sql::Db::attach(&store, db, &OpenOptions::default())
            .await
            .map_err(|source| AssetError::Open {
                db: store.name().to_owned(),
                source,
            })?;
        let vex = medsbom_vex::service::VexDb::attach(store.clone(), db).await?;
        Ok(AssetDb {
            store,
            db: pool,
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
        self.db.name()
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.db.close().await;
        self.vex.close().await;
        self.store.close().await;
    }

    /// The SQL for "now" as ISO 8601 UTC text, as the schema's defaults write it.
    pub(crate) fn now_sql(&self) -> &'static str {
        self.db.now_sql()
    }

    pub(crate) fn corrupt(&self, context: &str, message: impl Into<String>) -> AssetError {
        corrupt(self.db.name(), context, message.into())
    }

    /// Begins a write transaction; on SQLite `BEGIN IMMEDIATE`, which takes the write lock
    /// at once instead of failing when a reading transaction later tries to write.
    pub(crate) async fn begin(&self, context: &str) -> Result<Tx, AssetError> {
        Ok(Tx {
            inner: self.db.begin(context).await?,
        })
    }

    /// Runs a query outside any transaction and returns all rows.
    pub(crate) async fn fetch_all(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, AssetError> {
        Ok(self.db.fetch_all(context, sql, params).await?)
    }

    /// [`medsbom_sql::Db::fetch_all_packed`]: `SELECT {columns} {rest}` for thousands of
    /// rows of integers, texts and NULLs.
    pub(crate) async fn fetch_all_packed(
        &self,
        context: &str,
        columns: &str,
        rest: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, AssetError> {
        Ok(self
            .db
            .fetch_all_packed(context, columns, rest, params)
            .await?)
    }

    /// Runs a statement outside any explicit transaction; returns the rows affected.
    pub(crate) async fn execute(
        &self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, AssetError> {
        Ok(self.db.execute(context, sql, params).await?)
    }
}

impl Tx {
    pub(crate) fn now_sql(&self) -> &'static str {
        self.inner.now_sql()
    }

    pub(crate) fn corrupt(&self, context: &str, message: impl Into<String>) -> AssetError {
        corrupt(self.inner.name(), context, message.into())
    }

    /// Runs a query inside the transaction and returns all rows.
    pub(crate) async fn fetch_all(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, AssetError> {
        Ok(self.inner.fetch_all(context, sql, params).await?)
    }

    /// Runs a statement inside the transaction; returns the rows affected.
    pub(crate) async fn execute(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<u64, AssetError> {
        Ok(self.inner.execute(context, sql, params).await?)
    }

    /// Commits the transaction.
    pub(crate) async fn commit(self, context: &str) -> Result<(), AssetError> {
        Ok(self.inner.commit(context).await?)
    }

    /// Rolls the transaction back (a dry run).
    pub(crate) async fn rollback(self, context: &str) -> Result<(), AssetError> {
        Ok(self.inner.rollback(context).await?)
    }
}

fn corrupt(db: &str, context: &str, message: String) -> AssetError {
    AssetError::Corrupt {
        db: db.to_owned(),
        context: context.to_owned(),
        message,
    }
}

impl From<medsbom_sql::SqlError> for AssetError {
    fn from(err: medsbom_sql::SqlError) -> AssetError {
        match err {
            medsbom_sql::SqlError::Database {
                db,
                context,
                source,
            } => AssetError::Database {
                db,
                context,
                source,
            },
            medsbom_sql::SqlError::Shape(message) => AssetError::Corrupt {
                db: "the database".to_owned(),
                context: "reading a row".to_owned(),
                message,
            },
        }
    }
}
