//! The one error type of the crate.

/// Everything that can go wrong with VEX documents and the VEX tables. Messages name the
/// file or the database concerned.
#[derive(Debug, thiserror::Error)]
pub enum VexError {
    /// A document cannot be read as a whole (not one bad statement: those are skipped one
    /// by one and listed in [`crate::VexDocument::skipped`]).
    #[error("cannot read {name}: {reason}")]
    Input {
        /// The file name, or `the input`.
        name: String,
        /// Why, lowercase.
        reason: String,
    },
    /// The store could not be opened, or a store operation failed.
    #[error(transparent)]
    Store(#[from] medsbom_store::StoreError),
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
    /// A row did not have the expected shape.
    #[error("unexpected data in the vex tables: {0}")]
    Shape(String),
    /// An argument is invalid (a finding reference, a state, a justification).
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// Which argument.
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// Something asked for does not exist (a product to export).
    #[error("{0}")]
    NotFound(String),
}

impl From<medsbom_sql::SqlError> for VexError {
    fn from(err: medsbom_sql::SqlError) -> VexError {
        match err {
            medsbom_sql::SqlError::Database {
                db,
                context,
                source,
            } => VexError::Database {
                db,
                context,
                source,
            },
            medsbom_sql::SqlError::Shape(message) => VexError::Shape(message),
        }
    }
}
