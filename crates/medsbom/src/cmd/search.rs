//! `medsbom search`: components across the stored SBOMs, by name, purl, version range, CPE,
//! supplier, support level, end of support and product. Filters combine (AND).

use medsbom_store::{SearchHit, SearchQuery};
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom search`.
#[derive(clap::Args)]
pub struct SearchArgs {
    /// Package name contains this (case-insensitive).
    #[arg(long)]
    pub name: Option<String>,
    /// Package URL; without a version it matches every version (qualifiers are ignored).
    #[arg(long)]
    pub purl: Option<String>,
    /// Version range in vers syntax, e.g. 'vers:npm/>=1.0.0|<2.0.0' (npm, cargo, pypi, maven,
    /// deb, rpm, apk, nuget, gem, golang, generic, …; the ecosystem's own ordering applies).
    #[arg(long, value_name = "VERS")]
    pub version_range: Option<String>,
    /// CPE name or pattern (2.3 or 2.2 URI form), e.g. 'cpe:2.3:a:openssl:openssl:1.1.*'.
    #[arg(long)]
    pub cpe: Option<String>,
    /// Supplier name contains this (case-insensitive).
    #[arg(long)]
    pub supplier: Option<String>,
    /// Level of support: actively-maintained, no-longer-maintained, abandoned or unknown.
    #[arg(long, value_name = "LEVEL")]
    pub support_level: Option<String>,
    /// End of support is a date before this one (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub eos_before: Option<String>,
    /// Only this product (case-insensitive).
    #[arg(long)]
    pub product: Option<String>,
    /// Search every SBOM revision, not only the newest of each product version.
    #[arg(long)]
    pub all_revisions: bool,
    /// At most this many hits.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Prints the hits (none is not an error).
pub fn run(args: &SearchArgs) -> anyhow::Result<Status> {
    let query = SearchQuery {
        name: args.name.clone(),
        purl: args.purl.clone(),
        version_range: args.version_range.clone(),
        cpe: args.cpe.clone(),
        supplier: args.supplier.clone(),
        support_level: args.support_level.clone(),
        eos_before: args.eos_before.clone(),
        product: args.product.clone(),
        all_revisions: args.all_revisions,
        limit: args.limit,
    };
    let hits = db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let hits = store.search(&query).await;
        store.close().await;
        anyhow::Ok(hits?)
    })?;
    const HEADER: [&str; 10] = [
        "MANUFACTURER",
        "PRODUCT",
        "VERSION",
        "REVISION",
        "COMPONENT",
        "COMPONENT VERSION",
        "PURL / CPE",
        "SUPPLIER",
        "SUPPORT",
        "END OF SUPPORT",
    ];
    let rows: Vec<Vec<String>> = hits.iter().map(row).collect();
    match args.format {
        ListFormat::Json => output::print_json(&Value::Array(hits.iter().map(hit_json).collect()))?,
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    if args.format == ListFormat::Table {
        output::note(&format!("{} hit(s)", hits.len()));
    }
    Ok(Status::Success)
}

fn row(hit: &SearchHit) -> Vec<String> {
    vec![
        hit.manufacturer.clone(),
        hit.product.clone(),
        hit.product_version.clone(),
        hit.revision.to_string(),
        hit.name.clone(),
        hit.version.clone().unwrap_or_default(),
        hit.purl
            .clone()
            .or_else(|| hit.cpe.clone())
            .unwrap_or_default(),
        hit.supplier.clone().unwrap_or_default(),
        hit.support_level.clone().unwrap_or_default(),
        hit.end_of_support.clone().unwrap_or_default(),
    ]
}

fn hit_json(hit: &SearchHit) -> Value {
    json!({
        "manufacturer": hit.manufacturer,
        "product": hit.product,
        "product_version": hit.product_version,
        "sbom_id": hit.sbom_id,
        "revision": hit.revision,
        "bom_ref": hit.bom_ref,
        "name": hit.name,
        "version": hit.version,
        "purl": hit.purl,
        "cpe": hit.cpe,
        "supplier": hit.supplier,
        "support_level": hit.support_level,
        "end_of_support": hit.end_of_support,
        "end_of_support_date": hit.end_of_support_date,
        "package_id": hit.package_id,
    })
}
