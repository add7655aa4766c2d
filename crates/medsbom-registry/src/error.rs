//! The errors of this crate.

use medsbom_store::StoreError;

/// One thing a generated SBOM lacks for the chosen profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The element id (`supplier`, `end_of_support`, …).
    pub element: String,
    /// The element's title.
    pub title: String,
    /// The components that fail it (name and version; empty for document elements).
    pub components: Vec<String>,
}

/// Everything that can go wrong in the registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Opening or migrating the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A statement failed.
    #[error("{db}: {context}: {source}")]
    Database {
        /// The database.
        db: String,
        /// What was being done.
        context: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Connecting the registry's pool failed.
    #[error("cannot open {db}: {source}")]
    Open {
        /// The database.
        db: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A row that does not have the shape the schema promises.
    #[error("unexpected database content: {0}")]
    Shape(String),
    /// A product, version or component that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Something that exists already.
    #[error("{0}")]
    Exists(String),
    /// A selector that matches several components.
    #[error("{selector:?} matches {} components ({}); use the identity or bom-ref", matches.len(), matches.join(", "))]
    Ambiguous {
        /// What was given.
        selector: String,
        /// The identities it matches.
        matches: Vec<String>,
    },
    /// An invalid value.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// Which field.
        what: &'static str,
        /// The value given.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// Generation refused: the SBOM would not pass the profile.
    #[error("the generated SBOM does not pass {profile}: {}", gaps.iter().map(|g| format!("{} ({} components)", g.element, g.components.len())).collect::<Vec<_>>().join(", "))]
    Gaps {
        /// The profile.
        profile: String,
        /// What is missing.
        gaps: Vec<Gap>,
    },
    /// The generated document fails its format's schema (a bug, reported with the errors).
    #[error("the generated {format} document fails schema validation: {}", errors.join("; "))]
    InvalidOutput {
        /// The output format.
        format: String,
        /// The validation errors.
        errors: Vec<String>,
    },
}

impl From<medsbom_sql::SqlError> for RegistryError {
    fn from(err: medsbom_sql::SqlError) -> RegistryError {
        match err {
            medsbom_sql::SqlError::Database {
                db,
                context,
                source,
            } => RegistryError::Database {
                db,
                context,
                source,
            },
            medsbom_sql::SqlError::Shape(message) => RegistryError::Shape(message),
        }
    }
}
