//! `medsbom audit verify` and `medsbom audit list [--actor --object --since --until]`: the
//! hash-chained audit log of `medsbom serve` and `medsbom admin`.

use medsbom_server::ServerDb;
use medsbom_server::audit::{self, AuditFilter};
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom audit`.
#[derive(clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// The audit subcommands.
#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; exit 1 when an entry was edited or deleted.
    Verify(VerifyArgs),
    /// List entries, newest first.
    List(ListArgs),
}

/// Arguments of `medsbom audit verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Also require this head hash (a copy kept elsewhere), which detects a cut-off tail.
    #[arg(long, value_name = "HASH")]
    pub expect_head: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom audit list`.
#[derive(clap::Args)]
pub struct ListArgs {
    /// Only this actor.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only this object, or objects starting with it when it ends in `:` or `/`.
    #[arg(long)]
    pub object: Option<String>,
    /// Entries at or after this time (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z).
    #[arg(long)]
    pub since: Option<String>,
    /// Entries before this time.
    #[arg(long)]
    pub until: Option<String>,
    /// At most this many entries.
    #[arg(long)]
    pub limit: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs one audit subcommand.
pub fn run(args: &AuditArgs) -> anyhow::Result<Status> {
    match &args.command {
        AuditCommand::Verify(args) => run_verify(args),
        AuditCommand::List(args) => run_list(args),
    }
}

fn run_verify(args: &VerifyArgs) -> anyhow::Result<Status> {
    let report = db::runtime()?.block_on(async {
        let db = ServerDb::open(&args.db.location()).await?;
        let report = audit::verify(&db).await;
        db.close().await;
        anyhow::Ok(report?)
    })?;
    let mut problems: Vec<(i64, String)> = report
        .problems
        .iter()
        .map(|p| (p.seq, p.message.clone()))
        .collect();
    if let Some(expected) = &args.expect_head
        && !expected.eq_ignore_ascii_case(&report.head_hash)
    {
        problems.push((
            report.n_entries,
            format!(
                "head hash is {}, expected {expected} (entries were cut off or replaced)",
                report.head_hash
            ),
        ));
    }
    match args.format {
        ListFormat::Json => output::print_json(&json!({
            "intact": problems.is_empty(),
            "n_entries": report.n_entries,
            "head_hash": report.head_hash,
            "problems": problems.iter().map(|(seq, message)| json!({"seq": seq, "message": message})).collect::<Vec<Value>>(),
        }))?,
        ListFormat::Table | ListFormat::Csv => {
            for (seq, message) in &problems {
                output::print_stdout(&format!("entry {seq}: {message}\n"))?;
            }
            let verdict = if problems.is_empty() {
                "intact"
            } else {
                "BROKEN"
            };
            output::print_stdout(&format!(
                "{} entries, chain {verdict}, head {}\n",
                report.n_entries, report.head_hash
            ))?;
        }
    }
    Ok(if problems.is_empty() {
        Status::Success
    } else {
        Status::Finding
    })
}

fn run_list(args: &ListArgs) -> anyhow::Result<Status> {
    let filter = AuditFilter {
        actor: args.actor.clone(),
        object: args.object.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        organization_id: None,
        limit: args.limit,
        offset: None,
    };
    let entries = db::runtime()?.block_on(async {
        let db = ServerDb::open(&args.db.location()).await?;
        let entries = audit::list(&db, &filter).await;
        db.close().await;
        anyhow::Ok(entries?)
    })?;
    const HEADER: [&str; 6] = ["SEQ", "AT", "ACTOR", "ACTION", "OBJECT", "DETAILS"];
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.clone(),
                e.actor.clone(),
                e.action.clone(),
                e.object.clone(),
                e.details.clone(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            let values: Vec<Value> = entries
                .iter()
                .map(|e| json!({"seq": e.seq, "at": e.at, "actor": e.actor, "organization_id": e.organization_id, "action": e.action, "object": e.object, "details": serde_json::from_str::<Value>(&e.details).unwrap_or(Value::Null), "prev_hash": e.prev_hash, "hash": e.hash}))
                .collect();
            output::print_json(&Value::Array(values))?;
        }
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(Status::Success)
}
