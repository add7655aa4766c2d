//! The one error type of the store, and the mapping of database failures to it.

use std::path::PathBuf;

/// Everything that can go wrong in the store. Messages name the database (its path, or the
/// PostgreSQL URL without password) and what the store was doing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or connected to.
    #[error("cannot open database {db}: {source}")]
    Open {
        /// The database path or URL.
        db: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The directory that should hold the SQLite file could not be created.
    #[error("cannot create directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The schema migrations could not be applied (or the database is newer than this build).
    #[error("cannot bring database {db} to the current schema: {source}")]
    Migrate {
        /// The database path or URL.
        db: String,
        /// The migrator's error.
        source: sqlx::migrate::MigrateError,
    },
    /// A write was refused because the database (file, directory or server) is read-only.
    #[error(
        "database {db} is read-only ({message}) while {context}; check the permissions of the \
         file and its directory, or choose another database with --db"
    )]
    ReadOnly {
        /// The database path or URL.
        db: String,
        /// What the store was doing.
        context: String,
        /// The database's own message.
        message: String,
    },
    /// A write failed because the disk (or the database's size limit) is full.
    #[error(
        "no space left for database {db} ({message}) while {context}; nothing was stored, free \
         some space and try again"
    )]
    DiskFull {
        /// The database path or URL.
        db: String,
        /// What the store was doing.
        context: String,
        /// The database's own message.
        message: String,
    },
    /// Any other database error.
    #[error("database {db}: error while {context}: {source}")]
    Database {
        /// The database path or URL.
        db: String,
        /// What the store was doing.
        context: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A row did not have the shape the store expects (a bug or a foreign schema).
    #[error("database {db}: unexpected data while {context}: {message}")]
    Corrupt {
        /// The database path or URL.
        db: String,
        /// What the store was doing.
        context: String,
        /// What was wrong.
        message: String,
    },
    /// The document does not say which product it describes and none was given.
    #[error(
        "cannot tell which product {source_name} describes (no root component and no document \
         name); pass --product"
    )]
    NoProduct {
        /// The file name or `the document`.
        source_name: String,
    },
    /// A search, diff or listing argument is invalid.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidQuery {
        /// Which argument (`purl`, `version range`, `CPE`, `date`…).
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A product, product version or SBOM that was asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A file operation of a backup or restore failed.
    #[error("{context} {}: {source}", path.display())]
    Io {
        /// What the store was doing (`cannot read backup`…).
        context: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An external tool (`pg_dump`, `pg_restore`) failed or is missing.
    #[error("{tool} failed: {message}")]
    Tool {
        /// The tool's name.
        tool: &'static str,
        /// Its error output or why it could not run.
        message: String,
    },
    /// A backup to restore is not a medsbom database, or an output file already exists.
    #[error("{0}")]
    Refused(String),
}

/// What a database error means to a user.
enum Class {
    ReadOnly(String),
    DiskFull(String),
    Other,
}

/// Classifies a driver error: read-only database and full disk get their own variants.
pub(crate) fn classify(db: &str, context: &str, err: sqlx::Error) -> StoreError {
    match class_of(&err) {
        Class::ReadOnly(message) => StoreError::ReadOnly {
            db: db.to_owned(),
            context: context.to_owned(),
            message,
        },
        Class::DiskFull(message) => StoreError::DiskFull {
            db: db.to_owned(),
            context: context.to_owned(),
            message,
        },
        Class::Other => StoreError::Database {
            db: db.to_owned(),
            context: context.to_owned(),
            source: err,
        },
    }
}

/// Classifies a migration error the same way (a read-only file fails in the migrator first).
pub(crate) fn classify_migrate(db: &str, err: sqlx::migrate::MigrateError) -> StoreError {
    if let sqlx::migrate::MigrateError::Execute(inner)
    | sqlx::migrate::MigrateError::ExecuteMigration(inner, _) = &err
    {
        match class_of(inner) {
            Class::ReadOnly(message) => {
                return StoreError::ReadOnly {
                    db: db.to_owned(),
                    context: "applying schema migrations".to_owned(),
                    message,
                };
            }
            Class::DiskFull(message) => {
                return StoreError::DiskFull {
                    db: db.to_owned(),
                    context: "applying schema migrations".to_owned(),
                    message,
                };
            }
            Class::Other => {}
        }
    }
    StoreError::Migrate {
        db: db.to_owned(),
        source: err,
    }
}

fn class_of(err: &sqlx::Error) -> Class {
    let sqlx::Error::Database(db_err) = err else {
        return Class::Other;
    };
    let Some(code) = db_err.code() else {
        return Class::Other;
    };
    let message = db_err.message().to_owned();
    if db_err
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some()
    {
        // SQLSTATE 25006 read_only_sql_transaction, 53100 disk_full.
        return match code.as_ref() {
            "25006" => Class::ReadOnly(message),
            "53100" => Class::DiskFull(message),
            _ => Class::Other,
        };
    }
    // SQLite extended result codes: the primary code is the low byte (8 SQLITE_READONLY,
    // 13 SQLITE_FULL).
    match code.parse::<i64>().map(|code| code & 0xff) {
        Ok(8) => Class::ReadOnly(message),
        Ok(13) => Class::DiskFull(message),
        _ => Class::Other,
    }
}
