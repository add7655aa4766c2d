//! `--db`: which database the storage commands use, and opening it.

use medsbom_store::Store;

/// The database option shared by every storage command.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// Database: a SQLite file (created if missing) or a postgres:// URL
    /// [default: $XDG_DATA_HOME/medsbom/medsbom.db]
    #[arg(long, env = "MEDSBOM_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
}

impl DbArgs {
    /// The database as given, or the default SQLite file.
    #[must_use]
    pub fn location(&self) -> String {
        match &self.db {
            Some(db) if !db.trim().is_empty() => db.trim().to_owned(),
            _ => medsbom_store::default_db_path().display().to_string(),
        }
    }
}

/// Opens (creating and migrating when needed) the database named by `args`.
pub async fn open(args: &DbArgs) -> anyhow::Result<Store> {
    Ok(Store::open(&args.location()).await?)
}

/// The runtime the storage commands run their async work on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
