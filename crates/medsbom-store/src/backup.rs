//! Backup and restore while the database is in use.
//!
//! SQLite: `VACUUM INTO` writes a consistent, compact copy from one read transaction, so
//! writers carry on meanwhile (WAL). A restore copies the backup (migrated to the current
//! schema first) over every table in one write transaction.
//!
//! PostgreSQL: `pg_dump --format=custom --schema=<the store's schema>` takes a consistent
//! snapshot; `pg_restore --clean --if-exists --single-transaction` puts it back atomically.
//! Both tools come with the PostgreSQL client package and must match the server's major
//! version (or be newer for `pg_dump`).

use std::path::{Path, PathBuf};
use std::process::Command;

use sqlx::{AssertSqlSafe, Connection as _};

use crate::db::{Param, Pool};
use crate::{Store, StoreError};

impl Store {
    /// Writes a consistent copy of the database to `out` while it stays in use: a SQLite
    /// file (`VACUUM INTO`), or for PostgreSQL a `pg_dump` custom-format archive. Refuses to
    /// overwrite an existing file.
    pub async fn backup(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Refused(format!(
                "{} already exists; refusing to overwrite it",
                out.display()
            )));
        }
        match &self.pool {
            Pool::Sqlite(_) => self.backup_sqlite(out).await,
            Pool::Postgres(_) => self.backup_postgres(out).await,
        }
    }

    /// Replaces the whole content of the database with the backup at `from` (made by
    /// [`Store::backup`] of the same backend), atomically: readers see the old or the new
    /// content, never a mix.
    pub async fn restore(&self, from: &Path) -> Result<(), StoreError> {
        if !from.is_file() {
            return Err(StoreError::Refused(format!(
                "{} is not a file",
                from.display()
            )));
        }
        match &self.pool {
            Pool::Sqlite(pool) => self.restore_sqlite(pool, from).await,
            Pool::Postgres(_) => self.restore_postgres(from).await,
        }
    }

    /// Whether the store holds no SBOM at all.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let context = "counting sboms";
        let row = self
            .pool
            .fetch_optional("SELECT count(*) FROM sboms", &[])
            .await
            .map_err(|err| self.db_err(context, err))?;
        let n = match row {
            Some(row) => row.int(0).map_err(|err| self.shape_err(context, err))?,
            None => 0,
        };
        Ok(n == 0)
    }

    async fn backup_sqlite(&self, out: &Path) -> Result<(), StoreError> {
        let Some(out_text) = out.to_str() else {
            return Err(StoreError::Refused(format!(
                "{} is not a UTF-8 path, which SQLite needs",
                out.display()
            )));
        };
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        self.pool
            .execute("VACUUM INTO $1", &[Param::Text(Some(out_text))])
            .await
            .map_err(|err| self.db_err(&format!("writing the backup {}", out.display()), err))?;
        Ok(())
    }

    async fn restore_sqlite(&self, pool: &sqlx::SqlitePool, from: &Path) -> Result<(), StoreError> {
        check_sqlite_header(from)?;
        // Work on a copy next to the database, migrated to the current schema, so that the
        // backup itself is never modified and old backups restore into new versions.
        let db_path = self
            .sqlite_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("medsbom.db"));
        let mut copy_name = db_path.file_name().unwrap_or_default().to_os_string();
        copy_name.push(format!(".restore-{}.tmp", std::process::id()));
        let copy = db_path.with_file_name(copy_name);
        let res = self.restore_sqlite_from_copy(pool, from, &copy).await;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = copy.as_os_str().to_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
        res
    }

    async fn restore_sqlite_from_copy(
        &self,
        pool: &sqlx::SqlitePool,
        from: &Path,
        copy: &Path,
    ) -> Result<(), StoreError> {
        std::fs::copy(from, copy).map_err(|source| StoreError::Io {
            context: "cannot copy the backup to",
            path: copy.to_path_buf(),
            source,
        })?;
        let Some(copy_text) = copy.to_str() else {
            return Err(StoreError::Refused(format!(
                "{} is not a UTF-8 path, which SQLite needs",
                copy.display()
            )));
        };
        self.check_is_medsbom(copy, from).await?;
        // Brings the copy to the current schema.
        Store::open(copy_text).await?.close().await;
        let context = "restoring the backup";
        let mut conn = pool
            .acquire()
            .await
            .map_err(|err| self.db_err(context, err))?;
        sqlx::query("ATTACH DATABASE $1 AS restore_source")
            .bind(copy_text)
            .execute(&mut *conn)
            .await
            .map_err(|err| self.db_err(context, err))?;
        let res = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            // Every table of the schema (the other crates' migrations add theirs), parents
            // before the tables that reference them (creation order is not enough: a
            // migration may rebuild a parent table); both files have the same migrations
            // applied, hence the same columns in the same order.
            let created: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM main.sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' \
                 ORDER BY rowid",
            )
            .fetch_all(&mut *tx)
            .await?;
            let references: Vec<(String, String)> = sqlx::query_as(
                "SELECT m.name, f.\"table\" FROM main.sqlite_master m, \
                 pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
            )
            .fetch_all(&mut *tx)
            .await?;
            let tables = parents_first(&created, &references);
            let has_sequence: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM restore_source.sqlite_master WHERE name = 'sqlite_sequence'",
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *tx)
                .await?;
            for table in tables.iter().rev() {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM main.\"{table}\"")))
                    .execute(&mut *tx)
                    .await?;
            }
            for table in &tables {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO main.\"{table}\" SELECT * FROM restore_source.\"{table}\""
                )))
                .execute(&mut *tx)
                .await?;
            }
            if has_sequence == 1 {
                sqlx::query("DELETE FROM main.sqlite_sequence")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO main.sqlite_sequence SELECT * FROM restore_source.sqlite_sequence",
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await;
        let detach = sqlx::query("DETACH DATABASE restore_source")
            .execute(&mut *conn)
            .await;
        res.map_err(|err| self.db_err(context, err))?;
        detach.map_err(|err| self.db_err(context, err))?;
        Ok(())
    }

    /// Refuses a SQLite file that is not a medsbom database (before migrating the copy,
    /// which would turn any SQLite file into one).
    async fn check_is_medsbom(&self, copy: &Path, from: &Path) -> Result<(), StoreError> {
        let context = "reading the backup";
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(copy)
            .read_only(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .map_err(|err| self.db_err(context, err))?;
        let n_tables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('_sqlx_migrations', 'sboms', 'sbom_components', 'packages')",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(|err| self.db_err(context, err))?;
        let _ = conn.close().await;
        if n_tables != 4 {
            return Err(StoreError::Refused(format!(
                "{} is not a medsbom database",
                from.display()
            )));
        }
        Ok(())
    }

    /// For PostgreSQL, the `pg_dump` command that [`Store::backup`] runs, to do it by hand
    /// (e.g. from another machine); `None` for SQLite.
    #[must_use]
    pub fn backup_hint(&self, out: &Path) -> Option<String> {
        match self.pool {
            Pool::Sqlite(_) => None,
            Pool::Postgres(_) => Some(pg_dump_hint(&self.name, out)),
        }
    }

    async fn current_schema(&self) -> Result<String, StoreError> {
        let context = "reading the current schema";
        let row = self
            .pool
            .fetch_optional("SELECT current_schema()", &[])
            .await
            .map_err(|err| self.db_err(context, err))?;
        match row {
            Some(row) => row.text(0).map_err(|err| self.shape_err(context, err)),
            None => Err(StoreError::NotFound("the current schema".to_owned())),
        }
    }

    async fn backup_postgres(&self, out: &Path) -> Result<(), StoreError> {
        let url = self.postgres_url.clone().unwrap_or_default();
        let schema = self.current_schema().await?;
        let mut command = Command::new("pg_dump");
        command
            .arg("--format=custom")
            .arg("--no-owner")
            .arg(format!("--schema={schema}"))
            .arg("--file")
            .arg(out)
            .arg("--dbname")
            .arg(&url);
        run_tool("pg_dump", command, &pg_dump_hint(&self.name, out)).await
    }

    async fn restore_postgres(&self, from: &Path) -> Result<(), StoreError> {
        let url = self.postgres_url.clone().unwrap_or_default();
        let mut command = Command::new("pg_restore");
        command
            .arg("--clean")
            .arg("--if-exists")
            .arg("--no-owner")
            .arg("--single-transaction")
            .arg("--exit-on-error")
            .arg("--dbname")
            .arg(&url)
            .arg(from);
        let hint = format!(
            "to restore by hand: pg_restore --clean --if-exists --no-owner --single-transaction \
             --dbname '{}' '{}'",
            self.name,
            from.display()
        );
        run_tool("pg_restore", command, &hint).await
    }
}

/// The manual equivalent of a PostgreSQL backup, shown when `pg_dump` is missing.
fn pg_dump_hint(db: &str, out: &Path) -> String {
    format!(
        "to back up by hand: pg_dump --format=custom --no-owner --file '{}' --dbname '{db}'",
        out.display()
    )
}

fn check_sqlite_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read as _;
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut file| file.read_exact(&mut header));
    match read {
        Ok(()) if &header == b"SQLite format 3\0" => Ok(()),
        Ok(()) => Err(not_sqlite(path)),
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => Err(not_sqlite(path)),
        Err(source) => Err(StoreError::Io {
            context: "cannot read the backup",
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn not_sqlite(path: &Path) -> StoreError {
    StoreError::Refused(format!(
        "{} is not a SQLite database (a PostgreSQL backup must be restored into a \
             PostgreSQL store)",
        path.display()
    ))
}

async fn run_tool(tool: &'static str, mut command: Command, hint: &str) -> Result<(), StoreError> {
    let hint = hint.to_owned();
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|err| StoreError::Tool {
            tool,
            message: format!("could not wait for it: {err}"),
        })?;
    match output {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(StoreError::Tool {
            tool,
            message: format!(
                "{} ({})",
                String::from_utf8_lossy(&output.stderr).trim(),
                output.status
            ),
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Tool {
            tool,
            message: format!(
                "not found; install the PostgreSQL client tools (same major version as the \
                 server) and put them on PATH. {hint}"
            ),
        }),
        Err(err) => Err(StoreError::Tool {
            tool,
            message: format!("cannot run it: {err}. {hint}"),
        }),
    }
}

/// `tables` (in creation order) reordered so that every table comes after the tables it
/// references (`references`: (table, referenced table) pairs); a cycle keeps creation order.
fn parents_first(tables: &[String], references: &[(String, String)]) -> Vec<String> {
    let mut res: Vec<String> = Vec::with_capacity(tables.len());
    let mut placed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    while res.len() < tables.len() {
        let ready = tables.iter().find(|table| {
            !placed.contains(table.as_str())
                && references.iter().all(|(child, parent)| {
                    child != *table
                        || parent == *table
                        || placed.contains(parent.as_str())
                        || !tables.contains(parent)
                })
        });
        // A reference cycle: take the oldest remaining table.
        let next = ready.or_else(|| tables.iter().find(|t| !placed.contains(t.as_str())));
        let Some(next) = next else { break };
        placed.insert(next.as_str());
        res.push(next.clone());
    }
    res
}

#[cfg(test)]
mod tests {
    use super::parents_first;

    #[test]
    fn parents_come_first_whatever_the_creation_order() {
        let tables: Vec<String> = ["products", "sboms", "organizations", "notes"]
            .map(str::to_owned)
            .to_vec();
        let references: Vec<(String, String)> = [
            ("products", "organizations"),
            ("sboms", "products"),
            ("sboms", "organizations"),
            ("organizations", "organizations"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .to_vec();
        assert_eq!(
            parents_first(&tables, &references),
            ["organizations", "products", "sboms", "notes"]
        );
    }
}
