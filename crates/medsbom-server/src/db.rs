//! The server's own connection pool beside the store: medsbom-sql's [`Db`] (statements with
//! positional parameters, `$1`, `$2`, … on both SQLite and PostgreSQL, returning rows of
//! plain values), opened with the store's settings.

use medsbom_store::{OpenOptions, Store};

use crate::ServerError;
pub(crate) use medsbom_sql::{Db, Param, Row, now_sql};

/// Adds a pool of the server's own to an open store; `db` is what the store was opened with
/// (for PostgreSQL the URL, which the store does not give back).
pub(crate) async fn attach(store: &Store, db: &str) -> Result<Db, ServerError> {
    Db::attach(store, db, &OpenOptions::default())
        .await
        .map_err(|source| ServerError::Database {
            db: store.name().to_owned(),
            context: "connecting".to_owned(),
            source,
        })
}

impl From<medsbom_sql::SqlError> for ServerError {
    fn from(err: medsbom_sql::SqlError) -> ServerError {
        match err {
            medsbom_sql::SqlError::Database {
                db,
                context,
                source,
            } => ServerError::Database {
                db,
                context,
                source,
            },
            medsbom_sql::SqlError::Shape(message) => ServerError::Corrupt {
                context: "reading a row".to_owned(),
                message,
            },
        }
    }
}
