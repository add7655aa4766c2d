//! The one error type of the crate.

/// Everything that can go wrong while importing feeds, matching or listing findings.
/// Messages name the database and what was being done.
#[derive(Debug, thiserror::Error)]
pub enum VulnError {
    /// The store could not be opened, or a store operation failed.
    #[error(transparent)]
    Store(#[from] medsbom_store::StoreError),
    /// Reading the VEX statements failed.
    #[error(transparent)]
    Vex(#[from] medsbom_vex::VexError),
    /// The database could not be opened or connected to.
    #[error("cannot open database {db}: {source}")]
    Open {
        /// The database path or URL (without password).
        db: String,
        /// The driver's error.
        source: sqlx::Error,
    },
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
    /// A row did not have the expected shape, or stored data did not decode (a bug or a
    /// foreign schema).
    #[error("database {db}: unexpected data while {context}: {message}")]
    Corrupt {
        /// The database path or URL (without password).
        db: String,
        /// What was being done.
        context: String,
        /// What was wrong.
        message: String,
    },
    /// A stored row or value did not have the expected shape.
    #[error("unexpected data in the vulnerability tables: {0}")]
    Shape(String),
    /// A feed path could not be read at all (a missing file or directory).
    #[error("{0}")]
    Feed(#[from] medsbom_feeds::FeedError),
    /// A query argument is invalid.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidQuery {
        /// Which argument.
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
}

impl From<medsbom_sql::SqlError> for VulnError {
    fn from(err: medsbom_sql::SqlError) -> VulnError {
        match err {
            medsbom_sql::SqlError::Database {
                db,
                context,
                source,
            } => VulnError::Database {
                db,
                context,
                source,
            },
            medsbom_sql::SqlError::Shape(message) => VulnError::Shape(message),
        }
    }
}
