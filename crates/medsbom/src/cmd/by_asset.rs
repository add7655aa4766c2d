//! `medsbom vulns --by-asset`: the open findings of every deployed device, one row per
//! (asset, component, vulnerability), most urgent first, with the asset priority that
//! `medsbom impact` uses.

use medsbom_assets::{ByAssetQuery, ImpactRow, findings_by_asset};
use serde_json::Value;

use crate::cmd::assets::open;
use crate::cmd::impact::row_json;
use crate::cmd::vulns::{VulnFormat, VulnsArgs};
use crate::output::{self, Status};

/// Lists the findings per asset; exit status 1 when there is one (a device to look at).
pub fn run(args: &VulnsArgs) -> anyhow::Result<Status> {
    let query = ByAssetQuery {
        organization: args.organization.organization.clone(),
        asset_id: None,
        site: args.site.clone(),
        department: args.department.clone(),
        min_priority: args.min_priority,
        include_suppressed: args.all,
        vex_scope: medsbom_vex::service::VexScope::Everything,
    };
    let mut rows = crate::cmd::db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let rows = findings_by_asset(&db, &query).await;
        db.close().await;
        anyhow::Ok(rows?)
    })?;
    rows.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| a.asset_id.cmp(&b.asset_id))
            .then_with(|| a.vulnerability_id.cmp(&b.vulnerability_id))
    });
    match args.format {
        VulnFormat::Json => output::print_json(&Value::Array(rows.iter().map(row_json).collect()))?,
        VulnFormat::Csv => output::print_stdout(&output::csv(&HEADER, &table_rows(&rows))?)?,
        VulnFormat::Table => {
            output::print_stdout(&output::table(&HEADER, &table_rows(&rows)))?;
            let assets: std::collections::BTreeSet<&str> =
                rows.iter().map(|row| row.asset_id.as_str()).collect();
            output::note(&format!(
                "{} finding(s) on {} asset(s)",
                rows.len(),
                assets.len()
            ));
        }
        VulnFormat::Sarif => {
            anyhow::bail!("--by-asset lists devices: use --format table, json or csv")
        }
    }
    Ok(if rows.is_empty() {
        Status::Success
    } else {
        Status::Finding
    })
}

const HEADER: [&str; 9] = [
    "PRIORITY",
    "ASSET",
    "LOCATION",
    "CRITICALITY",
    "EXPOSURE",
    "PRODUCT",
    "COMPONENT",
    "VULNERABILITY",
    "VEX",
];

fn table_rows(rows: &[ImpactRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            vec![
                format!("{:.1}", row.priority),
                row.asset_id.clone(),
                row.location(),
                row.criticality
                    .map(|c| c.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                row.exposure
                    .map(|e| e.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                format!(
                    "{} {}",
                    row.product.as_deref().unwrap_or_default(),
                    row.product_version.as_deref().unwrap_or_default()
                ),
                format!(
                    "{} {}",
                    row.component,
                    row.component_version.as_deref().unwrap_or_default()
                ),
                row.vulnerability_id.clone().unwrap_or_default(),
                row.vex_status.clone().unwrap_or_default(),
            ]
        })
        .collect()
}
