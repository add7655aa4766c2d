//! The one error type of the crate's services, [`ServerError`]; the HTTP side maps it to
//! `{code, message}` bodies in `api::ApiError`.

/// Everything that can go wrong in the server's services. Messages name the database, the
/// account or the record concerned; none contains a password or a token.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A store operation failed.
    #[error(transparent)]
    Store(#[from] medsbom_store::StoreError),
    /// An inventory operation failed.
    #[error(transparent)]
    Assets(#[from] medsbom_assets::AssetError),
    /// A vulnerability operation failed.
    #[error(transparent)]
    Vuln(#[from] medsbom_vuln::VulnError),
    /// A lifecycle operation failed.
    #[error(transparent)]
    Lifecycle(#[from] medsbom_lifecycle::LifecycleError),
    /// A VEX operation failed.
    #[error(transparent)]
    Vex(#[from] medsbom_vex::VexError),
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
    #[error("unexpected data while {context}: {message}")]
    Corrupt {
        /// What was being done.
        context: String,
        /// What was wrong.
        message: String,
    },
    /// An argument is invalid.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// Which argument (`role`, `username`, …).
        what: &'static str,
        /// The value as given (never a secret).
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A record that was asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A record already exists.
    #[error("{0}")]
    Conflict(String),
    /// Hashing a password failed.
    #[error("cannot hash the password: {0}")]
    Password(String),
    /// The operating system's random source failed.
    #[error("cannot read random bytes: {0}")]
    Random(String),
    /// Binding or serving the socket failed.
    #[error("cannot serve on {address}: {source}")]
    Io {
        /// The listen address.
        address: String,
        /// The cause.
        source: std::io::Error,
    },
}
