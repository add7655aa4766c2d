//! `medsbom feeds import PATH...` and `medsbom feeds status`: offline vulnerability feeds
//! (OSV, NVD CVE API 2.0, CVE JSON 5, CISA KEV, FIRST EPSS, CSAF 2.0) in the database.
//!
//! An import is one transaction: files, directories, `.zip`, `.gz` and `.jsonl.gz` are read,
//! each file's feed is detected from its content, records newer than the stored ones
//! replace them (importing the same files twice changes nothing), and the stored packages
//! whose advisories changed are matched again before the commit.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Instant;

use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::import::{FileReport, ImportOptions, ImportProgress, ImportReport, import_paths};
use medsbom_vuln::status::{FeedStatus, feed_status};
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Record errors printed to stderr (the JSON output has them all, up to 100 per file).
const MAX_PRINTED_ERRORS: usize = 20;

/// Arguments of `medsbom feeds`.
#[derive(clap::Args)]
pub struct FeedsArgs {
    #[command(subcommand)]
    pub command: FeedsCommand,
}

/// The `feeds` subcommands.
#[derive(clap::Subcommand)]
pub enum FeedsCommand {
    /// Import feed files: OSV, NVD CVE API 2.0, CVE JSON 5, CISA KEV (JSON or CSV), FIRST
    /// EPSS, CSAF 2.0; files, directories, .zip, .gz, .jsonl.gz.
    Import(FeedsImportArgs),
    /// Show each feed's records, newest record and last import; warn about old feeds.
    Status(FeedsStatusArgs),
}

/// Arguments of `medsbom feeds import`.
#[derive(clap::Args)]
pub struct FeedsImportArgs {
    /// Feed files or directories (the format is detected from the content).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also match components without purl or CPE by name against CPE products (low
    /// confidence, many false positives).
    #[arg(long)]
    pub name_heuristics: bool,
    /// Output format of the per-file results.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom feeds status`.
#[derive(clap::Args)]
pub struct FeedsStatusArgs {
    /// Warn (and exit with status 1) when a feed's newest record is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub max_age: i64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs `feeds import` or `feeds status`.
pub fn run(args: &FeedsArgs) -> anyhow::Result<Status> {
    match &args.command {
        FeedsCommand::Import(args) => import(args),
        FeedsCommand::Status(args) => status(args),
    }
}

fn import(args: &FeedsImportArgs) -> anyhow::Result<Status> {
    let bar = progress_bar();
    let on_progress = |progress: &ImportProgress| {
        if let Some(bar) = &bar {
            bar.set_position(u64::try_from(progress.n_records).unwrap_or(u64::MAX));
            bar.set_message(short_name(&progress.file));
        }
    };
    let options = ImportOptions {
        match_config: MatchConfig {
            name_heuristics: args.name_heuristics,
        },
        progress: Some(&on_progress),
    };
    let started = Instant::now();
    let report = db::runtime()?.block_on(async {
        let vuln_db = VulnDb::open(&args.db.location()).await?;
        let report = import_paths(&vuln_db, &args.paths, &options).await;
        vuln_db.close().await;
        anyhow::Ok(report?)
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report?;
    let seconds = started.elapsed().as_secs_f64();
    print_import(&report, args.format)?;
    print_record_errors(&report);
    #[expect(clippy::cast_precision_loss, reason = "a rate for humans")]
    let rate = report.n_records as f64 / seconds.max(0.001);
    output::note(&format!(
        "{} record(s): {} new, {} updated, {} unchanged, {} error(s) in {seconds:.1} s ({rate:.0} records/s)",
        report.n_records, report.n_new, report.n_updated, report.n_unchanged, report.n_errors
    ));
    let matching = &report.matching;
    output::note(&format!(
        "matched {} package(s): {} finding(s) added, {} removed, {} changed",
        matching.n_packages, matching.n_added, matching.n_removed, matching.n_changed
    ));
    Ok(if report.n_errors == 0 {
        Status::Success
    } else {
        Status::Finding
    })
}

/// A record-count spinner on stderr when it is a terminal.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos} records ({per_sec}) {elapsed} {msg}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

/// The last path segment (or archive member) of a file name, for the progress line.
fn short_name(name: &str) -> String {
    let member = name.rsplit('!').next().unwrap_or(name);
    member.rsplit('/').next().unwrap_or(member).to_owned()
}

const IMPORT_HEADER: [&str; 8] = [
    "FILE",
    "FEED",
    "RECORDS",
    "NEW",
    "UPDATED",
    "UNCHANGED",
    "ERRORS",
    "NOTE",
];

fn print_import(report: &ImportReport, format: ListFormat) -> anyhow::Result<()> {
    match format {
        ListFormat::Json => output::print_json(&import_json(report)),
        ListFormat::Table => {
            output::print_stdout(&output::table(&IMPORT_HEADER, &import_rows(report)))
        }
        ListFormat::Csv => {
            output::print_stdout(&output::csv(&IMPORT_HEADER, &import_rows(report))?)
        }
    }
}

fn import_rows(report: &ImportReport) -> Vec<Vec<String>> {
    report
        .files
        .iter()
        .map(|file| {
            vec![
                file.name.clone(),
                file.kind
                    .map(|kind| kind.as_str().to_owned())
                    .unwrap_or_default(),
                file.n_records.to_string(),
                file.n_new.to_string(),
                file.n_updated.to_string(),
                file.n_unchanged.to_string(),
                file.n_errors.to_string(),
                file.skipped.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

fn file_json(file: &FileReport) -> Value {
    json!({
        "file": file.name,
        "feed": file.kind.map(|kind| kind.as_str()),
        "skipped": file.skipped,
        "records": file.n_records,
        "new": file.n_new,
        "updated": file.n_updated,
        "unchanged": file.n_unchanged,
        "errors": file.n_errors,
        "error_messages": file.errors,
        "warnings": file.n_warnings,
        "feed_version": file.feed_version,
        "feed_date": file.feed_date,
    })
}

fn import_json(report: &ImportReport) -> Value {
    json!({
        "records": report.n_records,
        "new": report.n_new,
        "updated": report.n_updated,
        "unchanged": report.n_unchanged,
        "errors": report.n_errors,
        "matching": {
            "packages": report.matching.n_packages,
            "findings": report.matching.n_findings,
            "added": report.matching.n_added,
            "removed": report.matching.n_removed,
            "changed": report.matching.n_changed,
        },
        "files": report.files.iter().map(file_json).collect::<Vec<Value>>(),
    })
}

/// Record errors on stderr, each naming the file, the record and the cause.
fn print_record_errors(report: &ImportReport) {
    let mut lines = Vec::new();
    for file in &report.files {
        match (&file.skipped, file.errors.is_empty()) {
            // A file that could not be read at all: its cause is the note.
            (Some(cause), true) if 0 < file.n_errors => {
                lines.push(format!("error: {}: {cause}", file.name))
            }
            _ => lines.extend(
                file.errors
                    .iter()
                    .map(|error| format!("error: {}: {error}", file.name)),
            ),
        }
    }
    for line in lines.iter().take(MAX_PRINTED_ERRORS) {
        output::note(line);
    }
    let n_printed = lines.len().min(MAX_PRINTED_ERRORS);
    if n_printed < report.n_errors {
        output::note(&format!(
            "… and {} more error(s); --format json lists them",
            report.n_errors - n_printed
        ));
    }
}

fn status(args: &FeedsStatusArgs) -> anyhow::Result<Status> {
    let feeds = db::runtime()?.block_on(async {
        let vuln_db = VulnDb::open(&args.db.location()).await?;
        let feeds = feed_status(&vuln_db, medsbom_model::IsoDate::today(), args.max_age).await;
        vuln_db.close().await;
        anyhow::Ok(feeds?)
    })?;
    const HEADER: [&str; 7] = [
        "FEED",
        "RECORDS",
        "NEWEST RECORD",
        "AGE (DAYS)",
        "LAST IMPORT",
        "VERSION",
        "STATUS",
    ];
    let rows: Vec<Vec<String>> = feeds.iter().map(status_row).collect();
    match args.format {
        ListFormat::Json => {
            output::print_json(&Value::Array(feeds.iter().map(status_json).collect()))?
        }
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    if feeds.is_empty() {
        output::note("no feeds imported yet; run `medsbom feeds import PATH`");
        return Ok(Status::Finding);
    }
    for feed in feeds.iter().filter(|feed| feed.stale) {
        let age = feed.age_days.map_or_else(
            || "of unknown age".to_owned(),
            |age| format!("{age} days old"),
        );
        output::note(&format!(
            "warning: feed {} is {age} (more than {} days); import a newer copy",
            feed.source, args.max_age
        ));
    }
    Ok(if feeds.iter().any(|feed| feed.stale) {
        Status::Finding
    } else {
        Status::Success
    })
}

fn status_row(feed: &FeedStatus) -> Vec<String> {
    vec![
        feed.source.clone(),
        feed.n_records.to_string(),
        feed.newest_record.clone().unwrap_or_default(),
        feed.age_days.map(|age| age.to_string()).unwrap_or_default(),
        feed.last_import.clone().unwrap_or_default(),
        feed.feed_version.clone().unwrap_or_default(),
        if feed.stale { "stale" } else { "ok" }.to_owned(),
    ]
}

fn status_json(feed: &FeedStatus) -> Value {
    json!({
        "feed": feed.source,
        "records": feed.n_records,
        "newest_record": feed.newest_record,
        "age_days": feed.age_days,
        "last_import": feed.last_import,
        "feed_version": feed.feed_version,
        "stale": feed.stale,
    })
}
