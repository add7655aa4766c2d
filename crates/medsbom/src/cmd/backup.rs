//! `medsbom backup OUT` and `medsbom restore BACKUP`: a consistent copy of the database while
//! it is in use, and putting one back.
//!
//! SQLite: the copy is a SQLite file (`VACUUM INTO`). PostgreSQL: the copy is a `pg_dump`
//! custom-format archive of the store's schema (`pg_dump` and `pg_restore` must be on PATH,
//! same major version as the server); by hand:
//! `pg_dump --format=custom --no-owner --file OUT --dbname URL` and
//! `pg_restore --clean --if-exists --no-owner --single-transaction --dbname URL OUT`.

use std::path::PathBuf;

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, Status};

/// Arguments of `medsbom backup`.
#[derive(clap::Args)]
#[command(
    after_help = "PostgreSQL databases are backed up with pg_dump (custom format); \
to do it by hand: pg_dump --format=custom --no-owner --file OUT --dbname URL"
)]
pub struct BackupArgs {
    /// The backup file to write (must not exist).
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom restore`.
#[derive(clap::Args)]
#[command(
    after_help = "PostgreSQL backups are restored with pg_restore; by hand: \
pg_restore --clean --if-exists --no-owner --single-transaction --dbname URL BACKUP"
)]
pub struct RestoreArgs {
    /// The backup file made by `medsbom backup`.
    pub backup: PathBuf,
    /// Replace a database that already holds SBOMs.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Writes the backup.
pub fn run_backup(args: &BackupArgs) -> anyhow::Result<Status> {
    db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let res = store.backup(&args.out).await;
        let hint = store.backup_hint(&args.out);
        store.close().await;
        res?;
        output::note(&format!(
            "backup of {} written to {}",
            store.name(),
            args.out.display()
        ));
        if let Some(hint) = hint {
            output::note(&format!("(made with pg_dump; {hint})"));
        }
        anyhow::Ok(())
    })?;
    Ok(Status::Success)
}

/// Restores the backup.
pub fn run_restore(args: &RestoreArgs) -> anyhow::Result<Status> {
    db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let res = async {
            if !args.force && !store.is_empty().await? {
                anyhow::bail!(
                    "{} already holds SBOMs; pass --force to replace its whole content with {}",
                    store.name(),
                    args.backup.display()
                );
            }
            store.restore(&args.backup).await?;
            anyhow::Ok(())
        }
        .await;
        store.close().await;
        res?;
        output::note(&format!(
            "{} restored from {}",
            store.name(),
            args.backup.display()
        ));
        anyhow::Ok(())
    })?;
    Ok(Status::Success)
}
