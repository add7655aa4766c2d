//! `medsbom ingest FILE|DIR...`: stores SBOMs in the database, one transaction per file.
//!
//! A file that cannot be read or parsed is rejected with its error and changes nothing; the
//! other files are still stored, and the exit status is 1. The same bytes a second time is
//! reported as `already-stored`; another SBOM for a stored product version becomes its next
//! revision.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use medsbom_store::{IngestOutcome, IngestRequest, Store};
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// File extensions taken from a directory (a file named on the command line is always read).
const SBOM_EXTENSIONS: &[&str] = &[
    "json", "xml", "spdx", "swidtag", "yaml", "yml", "gz", "tv", "rdf", "jsonld", "cdx",
];

/// Arguments of `medsbom ingest`.
#[derive(clap::Args)]
pub struct IngestArgs {
    /// SBOM files, or directories whose SBOM files (.json, .xml, .spdx, .swidtag, .yaml, .gz, …)
    /// are ingested recursively.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
    /// Manufacturer [default: the SBOM's manufacturer or supplier].
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// Product (device model) [default: the SBOM's root component name].
    #[arg(long)]
    pub product: Option<String>,
    /// Product version [default: the SBOM's root component version].
    #[arg(long)]
    pub product_version: Option<String>,
    /// Who ingests, recorded with each SBOM [default: $USER].
    #[arg(long, env = "USER", value_name = "NAME")]
    pub ingested_by: Option<String>,
    /// Signature of the file (detached or DSSE), verified against the trusted keys; the
    /// result is stored with the SBOM. A file with a wrong or untrusted signature is rejected.
    #[arg(long, value_name = "SIG")]
    pub sig: Option<PathBuf>,
    /// With --sig: store a file whose signature is untrusted or invalid, marked as such.
    #[arg(long, requires = "sig")]
    pub allow_untrusted: bool,
    /// Output format of the per-file results.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// What happened to one file.
struct FileResult {
    file: String,
    outcome: Result<IngestOutcome, String>,
}

/// Ingests every file; rejected files make the exit status 1.
pub fn run(args: &IngestArgs) -> anyhow::Result<Status> {
    let files = collect_files(&args.paths)?;
    if args.sig.is_some() && files.len() != 1 {
        anyhow::bail!("--sig needs exactly one SBOM file");
    }
    let runtime = db::runtime()?;
    let results = runtime.block_on(async {
        // One open for both steps: the store (ingest) and the matcher's pool on it.
        let vuln_db = medsbom_vuln::VulnDb::open(&args.db.location()).await?;
        let results = ingest_files(vuln_db.store(), args, &files).await;
        let matched = match &results {
            Ok(results)
                if results
                    .iter()
                    .any(|r| matches!(r.outcome, Ok(IngestOutcome::Stored(_)))) =>
            {
                match_new_packages(&vuln_db).await
            }
            _ => Ok(()),
        };
        vuln_db.close().await;
        matched?;
        results
    })?;
    print_results(&results, args.format)?;
    let n_rejected = results.iter().filter(|r| r.outcome.is_err()).count();
    let n_already = results
        .iter()
        .filter(|r| matches!(r.outcome, Ok(IngestOutcome::AlreadyStored(_))))
        .count();
    let n_stored = results.len() - n_rejected - n_already;
    output::note(&format!(
        "{n_stored} stored, {n_already} already stored, {n_rejected} rejected"
    ));
    Ok(if n_rejected == 0 {
        Status::Success
    } else {
        Status::Finding
    })
}

/// Matches the packages that the stored SBOMs brought in (and only those) against the
/// imported feeds, so that `vulns`, `impact` and the server see their findings at once.
async fn match_new_packages(vuln_db: &medsbom_vuln::VulnDb) -> anyhow::Result<()> {
    let report = medsbom_vuln::matching::match_unmatched(
        vuln_db,
        &medsbom_vuln::evaluate::MatchConfig::EXACT,
    )
    .await?;
    if 0 < report.n_packages {
        output::note(&format!(
            "matched {} new package(s) against the imported feeds: {} finding(s)",
            report.n_packages, report.n_added
        ));
    }
    Ok(())
}

async fn ingest_files(
    store: &Store,
    args: &IngestArgs,
    files: &[PathBuf],
) -> anyhow::Result<Vec<FileResult>> {
    let bar = progress_bar(files.len());
    let mut results = Vec::with_capacity(files.len());
    for file in files {
        let result = ingest_file(store, args, file).await;
        let outcome = match result {
            Ok(outcome) => Ok(outcome),
            // A database that cannot be written stops everything; a bad file does not.
            Err(err) if is_store_failure(&err) => return Err(err),
            Err(err) => {
                let message = format!("{err:#}");
                let line = format!("error: {}", prefix_path(file, &message));
                match &bar {
                    Some(bar) => bar.suspend(|| output::note(&line)),
                    None => output::note(&line),
                }
                Err(message)
            }
        };
        results.push(FileResult {
            file: file.display().to_string(),
            outcome,
        });
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // After a bulk load the planner's statistics describe a much smaller database.
    let n_stored = results
        .iter()
        .filter(|r| matches!(r.outcome, Ok(IngestOutcome::Stored(_))))
        .count();
    if BULK_INGEST_FILES <= n_stored {
        store.refresh_statistics().await?;
    }
    Ok(results)
}

/// Stored files from which an ingest refreshes the planner statistics at its end.
const BULK_INGEST_FILES: usize = 10;

async fn ingest_file(
    store: &Store,
    args: &IngestArgs,
    file: &Path,
) -> anyhow::Result<IngestOutcome> {
    let loaded = crate::cmd::input::read_sbom(file)?;
    let diagnostics: Vec<Value> = loaded
        .parsed
        .diagnostics
        .iter()
        .map(|d| json!({"severity": d.severity.as_str(), "location": d.location.to_string(), "message": d.message}))
        .collect();
    let check_results = json!({ "reader_diagnostics": diagnostics }).to_string();
    let spec_version = loaded
        .detected
        .spec_version
        .clone()
        .unwrap_or_else(|| loaded.parsed.sbom.spec_version.clone());
    let source_name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let signature = match &args.sig {
        Some(sig) => Some(
            crate::cmd::sign::check_ingest_signature(
                &args.db,
                sig,
                &loaded.raw,
                args.manufacturer.as_deref(),
                args.allow_untrusted,
            )
            .await?,
        ),
        None => None,
    };
    let request = IngestRequest {
        raw: &loaded.raw,
        format: loaded.detected.format.as_str(),
        spec_version: &spec_version,
        sbom: &loaded.parsed.sbom,
        manufacturer: signature
            .as_ref()
            .and_then(|s| s.manufacturer.as_deref())
            .or(args.manufacturer.as_deref()),
        product: args.product.as_deref(),
        product_version: args.product_version.as_deref(),
        ingested_by: args.ingested_by.as_deref().unwrap_or("unknown"),
        source_name: source_name.as_deref(),
        check_results: Some(&check_results),
        progress: None,
    };
    let outcome = store.ingest(&request).await?;
    // A BOM with embedded analysed vulnerabilities also carries VEX statements.
    crate::cmd::vex::record_embedded(
        store,
        &args.db,
        &loaded.raw,
        &loaded.parsed.sbom,
        outcome.stored(),
        &file.display().to_string(),
        args.ingested_by.as_deref().unwrap_or("unknown"),
    )
    .await?;
    if let Some(signature) = &signature {
        let by = args.ingested_by.as_deref().unwrap_or("unknown");
        crate::cmd::sign::record_ingest_signature(
            &args.db,
            signature,
            outcome.stored().sbom_id,
            by,
        )
        .await?;
    }
    Ok(outcome)
}

/// Errors of the database itself (as opposed to the file) end the whole command.
fn is_store_failure(err: &anyhow::Error) -> bool {
    use medsbom_store::StoreError;
    match err.downcast_ref::<StoreError>() {
        Some(StoreError::NoProduct { .. }) => false,
        Some(_) => true,
        None => false,
    }
}

/// `file: message`, unless the message already names the file.
fn prefix_path(file: &Path, message: &str) -> String {
    let shown = file.display().to_string();
    if message.contains(&shown) {
        message.to_owned()
    } else {
        format!("{shown}: {message}")
    }
}

/// A progress bar on stderr when it is a terminal and there is more than one file.
fn progress_bar(n_files: usize) -> Option<indicatif::ProgressBar> {
    if n_files < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(u64::try_from(n_files).unwrap_or(u64::MAX));
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The files to ingest: files as given, directories walked (sorted) for SBOM files.
fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut res = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut res)?;
        } else {
            res.push(path.clone());
        }
    }
    Ok(res)
}

fn walk(dir: &Path, res: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| anyhow::anyhow!("cannot read directory {}: {err}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, res)?;
        } else if has_sbom_extension(&path) {
            res.push(path);
        }
    }
    Ok(())
}

fn has_sbom_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            SBOM_EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
        })
}

fn print_results(results: &[FileResult], format: ListFormat) -> anyhow::Result<()> {
    match format {
        ListFormat::Json => {
            let values: Vec<Value> = results.iter().map(result_json).collect();
            output::print_json(&Value::Array(values))
        }
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows(results))),
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows(results))?),
    }
}

const HEADER: [&str; 8] = [
    "STATUS",
    "FILE",
    "MANUFACTURER",
    "PRODUCT",
    "VERSION",
    "REVISION",
    "COMPONENTS",
    "SBOM ID",
];

fn rows(results: &[FileResult]) -> Vec<Vec<String>> {
    results
        .iter()
        .map(|result| match &result.outcome {
            Ok(outcome) => {
                let stored = outcome.stored();
                vec![
                    status_text(outcome).to_owned(),
                    result.file.clone(),
                    stored.manufacturer.clone(),
                    stored.product.clone(),
                    stored.product_version.clone(),
                    stored.revision.to_string(),
                    stored.n_components.to_string(),
                    stored.sbom_id.to_string(),
                ]
            }
            Err(_) => {
                let mut row = vec!["rejected".to_owned(), result.file.clone()];
                row.resize(HEADER.len(), String::new());
                row
            }
        })
        .collect()
}

fn status_text(outcome: &IngestOutcome) -> &'static str {
    match outcome {
        IngestOutcome::Stored(_) => "stored",
        IngestOutcome::AlreadyStored(_) => "already-stored",
    }
}

fn result_json(result: &FileResult) -> Value {
    match &result.outcome {
        Ok(outcome) => {
            let stored = outcome.stored();
            json!({
                "file": result.file,
                "status": status_text(outcome),
                "sbom_id": stored.sbom_id,
                "manufacturer": stored.manufacturer,
                "product": stored.product,
                "product_version": stored.product_version,
                "revision": stored.revision,
                "components": stored.n_components,
            })
        }
        Err(message) => json!({ "file": result.file, "status": "rejected", "error": message }),
    }
}
