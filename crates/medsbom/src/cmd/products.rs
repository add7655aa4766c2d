//! `medsbom products`: the stored products (device models) and their versions.

use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom products`.
#[derive(clap::Args)]
pub struct ProductsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Lists products by manufacturer.
pub fn run(args: &ProductsArgs) -> anyhow::Result<Status> {
    let products = db::runtime()?.block_on(async {
        let store = db::open(&args.db).await?;
        let products = store.products().await;
        store.close().await;
        anyhow::Ok(products?)
    })?;
    const HEADER: [&str; 4] = ["MANUFACTURER", "PRODUCT", "VERSIONS", "SBOMS"];
    let rows: Vec<Vec<String>> = products
        .iter()
        .map(|p| {
            vec![
                p.manufacturer.clone(),
                p.product.clone(),
                p.versions.join(", "),
                p.n_sboms.to_string(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            let values: Vec<Value> = products
                .iter()
                .map(|p| json!({"manufacturer": p.manufacturer, "product": p.product, "versions": p.versions, "sboms": p.n_sboms}))
                .collect();
            output::print_json(&Value::Array(values))?;
        }
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(Status::Success)
}
