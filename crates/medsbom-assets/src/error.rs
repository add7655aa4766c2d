//! The one error type of the crate.

/// Everything that can go wrong in the device inventory. Messages name the database, the
/// file or the asset concerned.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The store could not be opened, or a store operation failed.
    #[error(transparent)]
    Store(#[from] medsbom_store::StoreError),
    /// Reading the VEX statements failed.
    #[error(transparent)]
    Vex(#[from] medsbom_vex::VexError),
    /// The database could not be connected to.
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
    /// A row did not have the expected shape (a bug or a foreign schema).
    #[error("database {db}: unexpected data while {context}: {message}")]
    Corrupt {
        /// The database path or URL (without password).
        db: String,
        /// What was being done.
        context: String,
        /// What was wrong.
        message: String,
    },
    /// An inventory file cannot be read as a whole (not one bad row: those are rejected one
    /// by one in the import report).
    #[error("cannot read {source_name}: {reason}")]
    Input {
        /// The file name, or `the input`.
        source_name: String,
        /// Why.
        reason: String,
    },
    /// A column mapping cannot be read.
    #[error("invalid column mapping, line {line}: {reason}")]
    Mapping {
        /// The mapping's line (1-based; 0 for the whole mapping).
        line: usize,
        /// Why.
        reason: String,
    },
    /// A query or field argument is invalid.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// Which argument (`purl`, `CPE`, `criticality`…).
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// An asset or a vulnerability that was asked for does not exist.
    #[error("{0}")]
    NotFound(String),
}
