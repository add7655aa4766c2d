//! The one error type of the lifecycle crate.

/// Everything that can go wrong in the lifecycle services. Messages name the database (its
/// path, or the PostgreSQL URL without password) or the value concerned.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// The database could not be opened or connected to.
    #[error("cannot open database {db}: {source}")]
    Open {
        /// The database path or URL.
        db: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A database statement failed.
    #[error("database {db}: error while {context}: {source}")]
    Database {
        /// The database path or URL.
        db: String,
        /// What the service was doing.
        context: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A row did not have the expected shape (a bug, or a database from another version).
    #[error("database {db}: unexpected data while {context}: {message}")]
    Corrupt {
        /// The database path or URL.
        db: String,
        /// What the service was doing.
        context: String,
        /// What was wrong.
        message: String,
    },
    /// A product, product version or other record asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// An argument is invalid (a date, a span, dates out of order, …).
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// Which argument (`date`, `horizon`, `source`, …).
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
}
