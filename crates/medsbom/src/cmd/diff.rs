//! `medsbom diff`: what changed between two SBOM files or two stored product versions —
//! components added, removed, upgraded or downgraded, and support-status changes; with
//! `--vulns` (product versions only) also the vulnerabilities fixed and introduced, as
//! release notes.
//!
//! Exit status as diff(1): 0 when nothing changed, 1 when something did.

use std::path::PathBuf;

use medsbom_store::{ComponentSummary, DiffEntry, DiffTarget};
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom diff`.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  medsbom diff old.cdx.json new.cdx.json\n  medsbom diff --product 'Infusion Pump' --from 2.1 --to 2.2"
)]
pub struct DiffArgs {
    /// Two SBOM files, old then new (instead of --product/--from/--to).
    #[arg(num_args = 0..=2, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Stored product to compare (case-insensitive).
    #[arg(long)]
    pub product: Option<String>,
    /// Manufacturer, when several have a product of that name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// Old product version.
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// New product version.
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// SBOM revision of the old version [default: the newest].
    #[arg(long, value_name = "N")]
    pub from_revision: Option<i64>,
    /// SBOM revision of the new version [default: the newest].
    #[arg(long, value_name = "N")]
    pub to_revision: Option<i64>,
    /// With --product: also list the vulnerabilities fixed and introduced (release notes).
    #[arg(long)]
    pub vulns: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Prints the differences.
pub fn run(args: &DiffArgs) -> anyhow::Result<Status> {
    let entries = match (args.files.as_slice(), &args.product, &args.from, &args.to) {
        ([old, new], None, None, None) => {
            let old = crate::cmd::input::read_sbom(old)?;
            let new = crate::cmd::input::read_sbom(new)?;
            medsbom_store::diff_sboms(&old.parsed.sbom, &new.parsed.sbom)
        }
        ([], Some(product), Some(from), Some(to)) => {
            let target = |version: &str, revision: Option<i64>| DiffTarget {
                product: product.clone(),
                product_version: version.to_owned(),
                revision,
                manufacturer: args.manufacturer.clone(),
            };
            let old = target(from, args.from_revision);
            let new = target(to, args.to_revision);
            db::runtime()?.block_on(async {
                let store = db::open(&args.db).await?;
                let entries = store.diff_versions(&old, &new).await;
                store.close().await;
                anyhow::Ok(entries?)
            })?
        }
        _ => anyhow::bail!("give either two SBOM files, or --product with --from and --to"),
    };
    let vuln_changes = match (&args.product, &args.from, &args.to) {
        (Some(product), Some(from), Some(to)) if args.vulns => db::runtime()?.block_on(
            crate::cmd::product::vuln_changes(&args.db, product, from, to),
        )?,
        _ => Vec::new(),
    };
    const HEADER: [&str; 8] = [
        "CHANGE",
        "COMPONENT",
        "OLD VERSION",
        "NEW VERSION",
        "IDENTITY",
        "OLD SUPPORT",
        "NEW SUPPORT",
        "SUPPLIER",
    ];
    let mut rows: Vec<Vec<String>> = entries.iter().map(row).collect();
    rows.extend(vuln_changes.iter().map(crate::cmd::product::vuln_row));
    match args.format {
        ListFormat::Json => output::print_json(&Value::Array(
            (entries.iter().map(entry_json))
                .chain(vuln_changes.iter().map(crate::cmd::product::vuln_json))
                .collect(),
        ))?,
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(if entries.is_empty() && vuln_changes.is_empty() {
        Status::Success
    } else {
        Status::Finding
    })
}

fn support_text(summary: Option<&ComponentSummary>) -> String {
    let Some(summary) = summary else {
        return String::new();
    };
    match (&summary.support_level, &summary.end_of_support) {
        (Some(level), Some(eos)) => format!("{level}; end of support: {eos}"),
        (Some(level), None) => level.clone(),
        (None, Some(eos)) => format!("end of support: {eos}"),
        (None, None) => String::new(),
    }
}

fn row(entry: &DiffEntry) -> Vec<String> {
    let either = entry.new.as_ref().or(entry.old.as_ref());
    let version = |s: &Option<ComponentSummary>| {
        s.as_ref()
            .and_then(|s| s.version.clone())
            .unwrap_or_default()
    };
    vec![
        entry.change.as_str().to_owned(),
        either.map(|s| s.name.clone()).unwrap_or_default(),
        version(&entry.old),
        version(&entry.new),
        entry.identity.clone(),
        support_text(entry.old.as_ref()),
        support_text(entry.new.as_ref()),
        either.and_then(|s| s.supplier.clone()).unwrap_or_default(),
    ]
}

fn summary_json(summary: Option<&ComponentSummary>) -> Value {
    match summary {
        None => Value::Null,
        Some(s) => json!({
            "name": s.name,
            "version": s.version,
            "purl": s.purl,
            "cpe": s.cpe,
            "supplier": s.supplier,
            "support_level": s.support_level,
            "end_of_support": s.end_of_support,
        }),
    }
}

fn entry_json(entry: &DiffEntry) -> Value {
    json!({
        "change": entry.change.as_str(),
        "identity": entry.identity,
        "old": summary_json(entry.old.as_ref()),
        "new": summary_json(entry.new.as_ref()),
    })
}
