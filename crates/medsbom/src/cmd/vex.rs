//! `medsbom vex import FILE...`, `medsbom vex export --product P [--product-version V]
//! --to cyclonedx|openvex|csaf [-o FILE]` and `medsbom vex sources`.
//!
//! Import detects the format from the content (CycloneDX VEX or a BOM with analysed
//! vulnerabilities, OpenVEX 0.0.1/0.2.0, CSAF 2.0 VEX), stores the valid statements of each
//! file in one transaction and reports every skipped statement with its reason (exit 1
//! when a statement or a file was skipped). Export writes the current statements of a
//! product (the hospital's own analyses included) as one VEX document.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use medsbom_vex::export::{ExportHeader, gather, write};
use medsbom_vex::model::{Authority, VexFormat};
use medsbom_vex::service::{ImportOptions, VexDb, VexScope, import_document, list_sources};
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom vex`.
#[derive(clap::Args)]
pub struct VexArgs {
    #[command(subcommand)]
    pub command: VexCommand,
}

/// The `vex` subcommands.
#[derive(clap::Subcommand)]
pub enum VexCommand {
    /// Import VEX documents (CycloneDX, OpenVEX 0.0.1/0.2.0, CSAF 2.0; detected from content).
    Import(VexImportArgs),
    /// Write the current statements of a product as a VEX document.
    Export(VexExportArgs),
    /// List the imported VEX documents.
    Sources(VexSourcesArgs),
}

/// Who stands behind imported documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthorityArg {
    /// The device manufacturer (its statements win).
    Manufacturer,
    /// Anyone else.
    ThirdParty,
}

impl AuthorityArg {
    fn authority(self) -> Authority {
        match self {
            AuthorityArg::Manufacturer => Authority::Manufacturer,
            AuthorityArg::ThirdParty => Authority::ThirdParty,
        }
    }
}

/// Arguments of `medsbom vex import`.
#[derive(clap::Args)]
pub struct VexImportArgs {
    /// VEX files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The documents' authority [default: what the document claims (a CSAF vendor is the
    /// manufacturer), else third-party; an author equal to the product's manufacturer
    /// always counts as the manufacturer]
    #[arg(long, value_enum)]
    pub authority: Option<AuthorityArg>,
    /// Who imports (recorded with each document) [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Output format of the per-file results.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--to` of `medsbom vex export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportTo {
    /// CycloneDX 1.6 JSON VEX.
    Cyclonedx,
    /// OpenVEX 0.2.0.
    Openvex,
    /// CSAF 2.0 VEX (csaf_vex profile).
    Csaf,
}

/// Arguments of `medsbom vex export`.
#[derive(clap::Args)]
pub struct VexExportArgs {
    /// The product (case-insensitive).
    #[arg(long, value_name = "P")]
    pub product: String,
    /// Only this product version.
    #[arg(long, value_name = "V")]
    pub product_version: Option<String>,
    /// The VEX format to write.
    #[arg(long, value_enum)]
    pub to: ExportTo,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The document's author [default: the product's manufacturer]
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// The author's standing [default: manufacturer when the author is the product's
    /// manufacturer, else third-party]
    #[arg(long, value_enum)]
    pub authority: Option<AuthorityArg>,
    /// CSAF publisher namespace URL.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://example.invalid/medsbom"
    )]
    pub namespace: String,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom vex sources`.
#[derive(clap::Args)]
pub struct VexSourcesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs a `vex` subcommand.
pub fn run(args: &VexArgs) -> anyhow::Result<Status> {
    match &args.command {
        VexCommand::Import(args) => import(args),
        VexCommand::Export(args) => export(args),
        VexCommand::Sources(args) => sources(args),
    }
}

/// The current user, for "who".
pub(crate) fn current_user(given: Option<&str>) -> String {
    given
        .map(str::to_owned)
        .or_else(|| std::env::var("USER").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

struct FileResult {
    file: String,
    result: Result<
        (
            medsbom_vex::VexDocument,
            medsbom_vex::service::ImportOutcome,
        ),
        String,
    >,
}

fn import(args: &VexImportArgs) -> anyhow::Result<Status> {
    let by = current_user(args.by.as_deref());
    let location = args.db.location();
    let results = db::runtime()?.block_on(async {
        let db = VexDb::open(&location).await?;
        let mut results = Vec::with_capacity(args.files.len());
        for file in &args.files {
            let name = file.display().to_string();
            let result = match read_document(file) {
                Ok((raw, document)) => {
                    let options = ImportOptions {
                        file: Some(&name),
                        imported_by: &by,
                        authority: args.authority.map(AuthorityArg::authority),
                        organization_id: None,
                    };
                    // A database failure stops everything; a bad file does not.
                    let outcome = import_document(&db, &raw, &document, &options).await?;
                    Ok((document, outcome))
                }
                Err(err) => Err(format!("{err:#}")),
            };
            results.push(FileResult { file: name, result });
        }
        db.close().await;
        anyhow::Ok(results)
    })?;
    let mut failed = false;
    for result in &results {
        match &result.result {
            Ok((_, outcome)) => {
                for skipped in &outcome.skipped {
                    failed = true;
                    output::note(&format!("skipped: {}: {skipped}", result.file));
                }
                for note in &outcome.notes {
                    output::note(&format!("note: {}: {note}", result.file));
                }
            }
            Err(message) => {
                failed = true;
                output::note(&format!("error: {message}"));
            }
        }
    }
    match args.format {
        ListFormat::Json => {
            output::print_json(&Value::Array(results.iter().map(import_json).collect()))?
        }
        ListFormat::Table | ListFormat::Csv => {
            let header = [
                "FILE",
                "FORMAT",
                "DOCUMENT",
                "STATEMENTS",
                "SKIPPED",
                "STATUS",
            ];
            let rows: Vec<Vec<String>> = results.iter().map(import_row).collect();
            let text = if args.format == ListFormat::Csv {
                output::csv(&header, &rows)?
            } else {
                output::table(&header, &rows)
            };
            output::print_stdout(&text)?;
        }
    }
    Ok(if failed {
        Status::Finding
    } else {
        Status::Success
    })
}

fn read_document(file: &Path) -> anyhow::Result<(Vec<u8>, medsbom_vex::VexDocument)> {
    let (_, decoded) = crate::cmd::input::read_bytes(file)?;
    let document = medsbom_vex::parse::parse(&file.display().to_string(), &decoded)?;
    Ok((decoded, document))
}

fn import_row(result: &FileResult) -> Vec<String> {
    match &result.result {
        Ok((document, outcome)) => vec![
            result.file.clone(),
            format!("{} {}", document.format, document.spec_version),
            document.document_id.clone().unwrap_or_default(),
            outcome.n_statements.to_string(),
            outcome.skipped.len().to_string(),
            if outcome.already_imported {
                "already-imported"
            } else {
                "imported"
            }
            .to_owned(),
        ],
        Err(_) => vec![
            result.file.clone(),
            String::new(),
            String::new(),
            "0".to_owned(),
            "0".to_owned(),
            "rejected".to_owned(),
        ],
    }
}

fn import_json(result: &FileResult) -> Value {
    match &result.result {
        Ok((document, outcome)) => json!({
            "file": result.file,
            "status": if outcome.already_imported { "already-imported" } else { "imported" },
            "format": document.format.as_str(),
            "spec_version": document.spec_version,
            "document_id": document.document_id,
            "author": document.author,
            "n_statements": outcome.n_statements,
            "skipped": outcome.skipped.iter().map(|s| json!({
                "location": s.location,
                "vulnerability_id": s.vulnerability_id,
                "reason": s.reason.kind(),
                "message": s.reason.message(),
            })).collect::<Vec<_>>(),
            "notes": outcome.notes,
        }),
        Err(message) => json!({
            "file": result.file,
            "status": "rejected",
            "error": message,
        }),
    }
}

fn export(args: &VexExportArgs) -> anyhow::Result<Status> {
    let location = args.db.location();
    let set = db::runtime()?.block_on(async {
        let db = VexDb::open(&location).await?;
        let set = gather(
            &db,
            &args.product,
            args.product_version.as_deref(),
            &VexScope::Everything,
        )
        .await;
        db.close().await;
        anyhow::Ok(set?)
    })?;
    let author = args
        .author
        .clone()
        .or_else(|| set.product.manufacturer.clone())
        .unwrap_or_else(|| "medsbom".to_owned());
    let authority = match args.authority {
        Some(authority) => authority.authority(),
        None if set
            .product
            .manufacturer
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case(&author)) =>
        {
            Authority::Manufacturer
        }
        None => Authority::ThirdParty,
    };
    let header = ExportHeader {
        author,
        authority,
        timestamp: medsbom_model::now_rfc3339(),
        namespace: args.namespace.clone(),
    };
    let format = match args.to {
        ExportTo::Cyclonedx => VexFormat::CycloneDx,
        ExportTo::Openvex => VexFormat::OpenVex,
        ExportTo::Csaf => VexFormat::Csaf,
    };
    let exported = write(&set, format, &header);
    for warning in &exported.warnings {
        output::note(&format!("warning: {warning}"));
    }
    let mut text = serde_json::to_string_pretty(&exported.document)?;
    text.push('\n');
    match &args.output {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            output::note(&format!(
                "wrote {} statement(s) to {}",
                set.statements.len(),
                path.display()
            ));
        }
        None => output::print_stdout(&text)?,
    }
    Ok(Status::Success)
}

fn sources(args: &VexSourcesArgs) -> anyhow::Result<Status> {
    let location = args.db.location();
    let sources = db::runtime()?.block_on(async {
        let db = VexDb::open(&location).await?;
        let sources = list_sources(&db, &VexScope::Everything).await;
        db.close().await;
        anyhow::Ok(sources?)
    })?;
    match args.format {
        ListFormat::Json => output::print_json(&Value::Array(
            sources
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "format": s.format,
                        "document_id": s.document_id,
                        "author": s.author,
                        "authority": s.authority,
                        "file": s.file,
                        "n_statements": s.n_statements,
                        "n_skipped": s.n_skipped,
                        "imported_at": s.imported_at,
                    })
                })
                .collect(),
        ))?,
        ListFormat::Table | ListFormat::Csv => {
            let header = [
                "ID",
                "FORMAT",
                "DOCUMENT",
                "AUTHOR",
                "AUTHORITY",
                "STATEMENTS",
                "SKIPPED",
                "IMPORTED",
            ];
            let rows: Vec<Vec<String>> = sources
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        s.format.clone(),
                        s.document_id
                            .clone()
                            .or_else(|| s.file.clone())
                            .unwrap_or_default(),
                        s.author.clone().unwrap_or_default(),
                        s.authority.clone(),
                        s.n_statements.to_string(),
                        s.n_skipped.to_string(),
                        s.imported_at.clone(),
                    ]
                })
                .collect();
            let text = if args.format == ListFormat::Csv {
                output::csv(&header, &rows)?
            } else {
                output::table(&header, &rows)
            };
            output::print_stdout(&text)?;
        }
    }
    Ok(Status::Success)
}

/// Records the VEX statements embedded in an SBOM that `medsbom ingest` just stored (a
/// CycloneDX BOM with analysed vulnerabilities), under the product names it was stored
/// as; the manufacturer's statements. Returns how many were recorded.
pub(crate) async fn record_embedded(
    store: &medsbom_store::Store,
    db: &DbArgs,
    raw: &[u8],
    sbom: &medsbom_model::Sbom,
    stored: &medsbom_store::StoredSbom,
    file: &str,
    by: &str,
) -> anyhow::Result<usize> {
    let has_analysis = sbom
        .vulnerabilities
        .iter()
        .any(|v| v.analysis.as_ref().is_some_and(|a| a.state.is_some()));
    if !has_analysis {
        return Ok(0);
    }
    let mut document = medsbom_vex::parse::from_sbom(sbom);
    let root = sbom.root_components().next();
    for statement in &mut document.statements {
        for scope in &mut statement.scopes {
            // The document names its product by the root component; the store may have
            // been told another name.
            let names_root =
                root.is_some_and(|root| scope.product.as_deref() == Some(root.name.as_str()));
            if names_root || scope.product.is_some() {
                scope.product = Some(stored.product.clone());
                if scope.product_version.is_some()
                    || root.and_then(|r| r.version.as_deref()).is_none()
                {
                    scope.product_version = Some(stored.product_version.clone());
                }
            }
        }
    }
    if document.author.is_none() {
        document.author = Some(stored.manufacturer.clone());
    }
    let vex_db = VexDb::attach(store.clone(), &db.location()).await?;
    let options = ImportOptions {
        file: Some(file),
        imported_by: by,
        authority: Some(Authority::Manufacturer),
        organization_id: None,
    };
    let outcome = import_document(&vex_db, raw, &document, &options).await?;
    for skipped in &outcome.skipped {
        output::note(&format!("skipped vex statement: {file}: {skipped}"));
    }
    Ok(outcome.n_statements)
}
