//! The audit log: an append-only table whose entries form a hash chain. Each entry's hash is
//! the SHA-256 of the previous entry's hash and the entry's canonical content, so editing or
//! deleting any entry (other than cutting off the newest ones) breaks the chain at that
//! point; [`verify`] finds it. Comparing [`VerifyReport::head_hash`] with a copy kept
//! elsewhere also detects a cut-off tail.
//!
//! Appends are serialized: SQLite's `BEGIN IMMEDIATE` holds the write lock, PostgreSQL an
//! advisory transaction lock. Triggers reject `UPDATE` and `DELETE` on the table.

use crate::accounts::sha256_hex;
use crate::db::{Param, Row, now_sql};
use crate::{ServerDb, ServerError};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The advisory lock key that serializes appends on PostgreSQL.
const PG_LOCK_KEY: i64 = 0x6d73_6264_0007;

/// What happened, to be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent<'a> {
    /// Who did it (a username, or `cli:<user>` for the command line).
    pub actor: &'a str,
    /// The actor's organization, when known.
    pub organization_id: Option<i64>,
    /// What was done: `ingest`, `asset.change`, `login`, `login.failed`, `token.create`,
    /// `user.create`, `org.create`, `share`, `analysis.decision`, …
    pub action: &'a str,
    /// What it was done to (`sbom:12`, `user:alice`, `product:Acme/Pump`, …).
    pub object: &'a str,
    /// Further facts as a JSON object (never a secret).
    pub details: &'a serde_json::Value,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain (1, 2, …, no gaps).
    pub seq: i64,
    /// When, ISO 8601 UTC (the database's clock).
    pub at: String,
    /// Who.
    pub actor: String,
    /// The actor's organization.
    pub organization_id: Option<i64>,
    /// What was done.
    pub action: String,
    /// To what.
    pub object: String,
    /// Further facts, JSON text as hashed.
    pub details: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// Filters of [`list`]; every filter that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exact actor.
    pub actor: Option<String>,
    /// Object, exact or as a prefix ending in `:` or `/` (`sbom:`, `product:Acme/`).
    pub object: Option<String>,
    /// Entries at or after this time (ISO 8601 text; a date means its start).
    pub since: Option<String>,
    /// Entries before this time (ISO 8601 text; a date means its start).
    pub until: Option<String>,
    /// Only entries of this organization (a tenant's auditor sees only its own).
    pub organization_id: Option<i64>,
    /// At most this many entries (newest first).
    pub limit: Option<i64>,
    /// Skip this many entries first.
    pub offset: Option<i64>,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries read.
    pub n_entries: i64,
    /// The newest entry's hash ([`GENESIS_HASH`] for an empty log).
    pub head_hash: String,
    /// Every break of the chain, oldest first; empty when the log is intact.
    pub problems: Vec<AuditProblem>,
}

/// One break of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    /// The entry where the chain breaks.
    pub seq: i64,
    /// What is wrong.
    pub message: String,
}

/// Appends one entry and returns it.
pub async fn append(db: &ServerDb, event: &AuditEvent<'_>) -> Result<AuditEntry, ServerError> {
    let context = "appending to the audit log";
    let mut tx = db.db.begin(context).await?;
    if tx.is_postgres() {
        tx.execute(
            context,
            "SELECT pg_advisory_xact_lock($1)",
            &[Param::Int(Some(PG_LOCK_KEY))],
        )
        .await?;
    }
    let last = tx
        .fetch_optional(
            context,
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (row.int(0)? + 1, row.text(1)?),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let now = format!("SELECT {}", now_sql(tx.is_postgres()));
    let at = tx
        .fetch_optional(context, &now, &[])
        .await?
        .ok_or_else(|| ServerError::Corrupt {
            context: context.to_owned(),
            message: "no time from the database".to_owned(),
        })?
        .text(0)?;
    let mut entry = AuditEntry {
        seq,
        at,
        actor: event.actor.to_owned(),
        organization_id: event.organization_id,
        action: event.action.to_owned(),
        object: event.object.to_owned(),
        details: event.details.to_string(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    tx.execute(
        context,
        "INSERT INTO audit_log (seq, at, actor, organization_id, action, object, details, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            Param::Int(Some(entry.seq)),
            Param::Text(Some(&entry.at)),
            Param::Text(Some(&entry.actor)),
            Param::Int(entry.organization_id),
            Param::Text(Some(&entry.action)),
            Param::Text(Some(&entry.object)),
            Param::Text(Some(&entry.details)),
            Param::Text(Some(&entry.prev_hash)),
            Param::Text(Some(&entry.hash)),
        ],
    )
    .await?;
    tx.commit(context).await?;
    Ok(entry)
}

/// The hash of an entry: SHA-256 over the previous hash, a newline and the canonical content
/// (a JSON array of seq, at, actor, organization id, action, object and details text).
#[must_use]
pub fn entry_hash(entry: &AuditEntry) -> String {
    let content = serde_json::json!([
        entry.seq,
        entry.at,
        entry.actor,
        entry.organization_id,
        entry.action,
        entry.object,
        entry.details,
    ]);
    let mut input = String::with_capacity(entry.prev_hash.len() + 256);
    input.push_str(&entry.prev_hash);
    input.push('\n');
    input.push_str(&content.to_string());
    sha256_hex(input.as_bytes())
}

/// The entries matching `filter`, newest first.
pub async fn list(db: &ServerDb, filter: &AuditFilter) -> Result<Vec<AuditEntry>, ServerError> {
    let mut sql = String::from(
        "SELECT seq, at, actor, organization_id, action, object, details, prev_hash, hash \
         FROM audit_log WHERE true",
    );
    let mut params: Vec<Param<'_>> = Vec::new();
    if let Some(actor) = &filter.actor {
        params.push(Param::Text(Some(actor)));
        sql.push_str(&format!(" AND actor = ${}", params.len()));
    }
    let object_prefix;
    if let Some(object) = &filter.object {
        if object.ends_with(':') || object.ends_with('/') {
            object_prefix = format!(
                "{}%",
                object
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            params.push(Param::Text(Some(&object_prefix)));
            sql.push_str(&format!(" AND object LIKE ${} ESCAPE '\\'", params.len()));
        } else {
            params.push(Param::Text(Some(object)));
            sql.push_str(&format!(" AND object = ${}", params.len()));
        }
    }
    if let Some(since) = &filter.since {
        params.push(Param::Text(Some(since)));
        sql.push_str(&format!(" AND ${} <= at", params.len()));
    }
    if let Some(until) = &filter.until {
        params.push(Param::Text(Some(until)));
        sql.push_str(&format!(" AND at < ${}", params.len()));
    }
    if let Some(organization_id) = filter.organization_id {
        params.push(Param::Int(Some(organization_id)));
        sql.push_str(&format!(" AND organization_id = ${}", params.len()));
    }
    sql.push_str(" ORDER BY seq DESC");
    params.push(Param::Int(Some(filter.limit.unwrap_or(i64::MAX).max(0))));
    sql.push_str(&format!(" LIMIT ${}", params.len()));
    params.push(Param::Int(Some(filter.offset.unwrap_or(0).max(0))));
    sql.push_str(&format!(" OFFSET ${}", params.len()));
    let rows = db
        .db
        .fetch_all("listing the audit log", &sql, &params)
        .await?;
    rows.iter().map(entry_from_row).collect()
}

/// Walks the whole chain and reports every entry that was edited, deleted or inserted.
pub async fn verify(db: &ServerDb) -> Result<VerifyReport, ServerError> {
    let rows = db
        .db
        .fetch_all(
            "verifying the audit log",
            "SELECT seq, at, actor, organization_id, action, object, details, prev_hash, hash \
             FROM audit_log ORDER BY seq",
            &[],
        )
        .await?;
    let mut problems = Vec::new();
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_owned();
    for row in &rows {
        let entry = entry_from_row(row)?;
        if entry.seq != expected_seq {
            problems.push(AuditProblem {
                seq: entry.seq,
                message: if expected_seq < entry.seq {
                    format!(
                        "entries {expected_seq}..{} are missing (deleted)",
                        entry.seq - 1
                    )
                } else {
                    format!("entry out of sequence (expected {expected_seq})")
                },
            });
        }
        if entry.prev_hash != prev_hash {
            problems.push(AuditProblem {
                seq: entry.seq,
                message:
                    "does not link to the previous entry (an entry before it was deleted or edited)"
                        .to_owned(),
            });
        }
        if entry_hash(&entry) != entry.hash {
            problems.push(AuditProblem {
                seq: entry.seq,
                message: "content does not match its hash (the entry was edited)".to_owned(),
            });
        }
        expected_seq = entry.seq + 1;
        prev_hash = entry.hash;
    }
    Ok(VerifyReport {
        n_entries: i64::try_from(rows.len()).unwrap_or(i64::MAX),
        head_hash: prev_hash,
        problems,
    })
}

fn entry_from_row(row: &Row) -> Result<AuditEntry, ServerError> {
    Ok(AuditEntry {
        seq: row.int(0)?,
        at: row.text(1)?,
        actor: row.text(2)?,
        organization_id: row.opt_int(3)?,
        action: row.text(4)?,
        object: row.text(5)?,
        details: row.text(6)?,
        prev_hash: row.text(7)?,
        hash: row.text(8)?,
    })
}
