//! `medsbom sboms [--product P]`: the stored SBOM documents, every revision.

use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom sboms`.
#[derive(clap::Args)]
pub struct SbomsArgs {
    /// Only this product (case-insensitive).
    #[arg(long)]
    pub product: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Lists SBOM documents by manufacturer, product, version and revision.
pub fn run(args: &SbomsArgs) -> anyhow::Result<Status> {
    let sboms = db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let sboms = store.sboms(args.product.as_deref()).await;
        store.close().await;
        anyhow::Ok(sboms?)
    })?;
    const HEADER: [&str; 11] = [
        "ID",
        "MANUFACTURER",
        "PRODUCT",
        "VERSION",
        "REVISION",
        "LATEST",
        "FORMAT",
        "COMPONENTS",
        "INGESTED",
        "BY",
        "SOURCE",
    ];
    let rows: Vec<Vec<String>> = sboms
        .iter()
        .map(|s| {
            vec![
                s.sbom_id.to_string(),
                s.manufacturer.clone(),
                s.product.clone(),
                s.product_version.clone(),
                s.revision.to_string(),
                if s.is_latest { "yes" } else { "" }.to_owned(),
                format!("{} {}", s.format, s.spec_version),
                s.n_components.to_string(),
                s.ingested_at.clone(),
                s.ingested_by.clone(),
                s.source_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            let values: Vec<Value> = sboms
                .iter()
                .map(|s| {
                    json!({
                        "sbom_id": s.sbom_id,
                        "manufacturer": s.manufacturer,
                        "product": s.product,
                        "product_version": s.product_version,
                        "revision": s.revision,
                        "latest": s.is_latest,
                        "format": s.format,
                        "spec_version": s.spec_version,
                        "sha256": s.sha256,
                        "size": s.raw_size,
                        "components": s.n_components,
                        "ingested_at": s.ingested_at,
                        "ingested_by": s.ingested_by,
                        "source_name": s.source_name,
                        "serial_number": s.serial_number,
                    })
                })
                .collect();
            output::print_json(&Value::Array(values))?;
        }
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(Status::Success)
}
