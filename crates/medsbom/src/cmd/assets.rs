//! `medsbom assets`: the device inventory — import CMMS exports and spreadsheets, list,
//! show, change and retire deployed devices.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use medsbom_assets::{
    Asset, AssetChanges, AssetDb, AssetFilter, AssetView, Criticality, Field, ImportOptions,
    ImportReport, InputFormat, Mapping, asset_view, import_assets, list_assets, normalize_value,
    parse_input, retire_asset, set_asset, unknown_product_versions,
};
use medsbom_model::IsoDate;
use medsbom_vex::service::VexScope;
use serde_json::{Map, Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// The largest inventory file read (a CMMS export of a very large hospital is far smaller).
const MAX_INPUT_BYTES: u64 = 256 << 20;
/// The largest mapping file read.
const MAX_MAPPING_BYTES: u64 = 1 << 20;
/// Rejected rows shown in the table output before "… and N more".
const MAX_REJECTIONS_SHOWN: usize = 50;

/// Arguments of `medsbom assets`.
#[derive(clap::Args)]
pub struct AssetsArgs {
    #[command(subcommand)]
    pub command: AssetsCommand,
}

/// The `medsbom assets` subcommands.
#[derive(clap::Subcommand)]
pub enum AssetsCommand {
    /// Import or update assets from a CSV or JSON inventory (upsert by asset_id, else by
    /// serial). Bad rows are rejected one by one with their line; the good rows import.
    Import(ImportArgs),
    /// List assets (CSV output re-imports as it is).
    List(ListArgs),
    /// Show one asset: its fields, product version, components, open findings, lifecycle
    /// stage and support status.
    Show(ShowArgs),
    /// Change fields of one asset: FIELD=VALUE (an empty value clears the field;
    /// custom:NAME=VALUE sets a custom field).
    Set(SetArgs),
    /// Retire an asset: it leaves listings and impact reports (its record is kept).
    Retire(RetireArgs),
}

/// The organization option shared by the inventory commands.
#[derive(clap::Args, Clone)]
pub struct OrganizationArgs {
    /// The healthcare provider whose inventory this is.
    #[arg(
        long,
        env = "MEDSBOM_ORGANIZATION",
        default_value = "default",
        value_name = "NAME"
    )]
    pub organization: String,
}

/// Arguments of `medsbom assets import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The inventory: CSV (header row; `,`, `;`, tab or `|`) or JSON (array of objects).
    /// Without a mapping, headers and keys are the field names: asset_id, serial,
    /// manufacturer, product, product_version, site, building, department, zone, ip, mac,
    /// hostname, owner, clinical_function, criticality, exposure, ports,
    /// default_credentials, installed_patches, maintenance, lifecycle_stage, notes; other
    /// columns become custom fields.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Column mapping: lines `SOURCE = FIELD` (or a JSON object); FIELD is a field name,
    /// custom:NAME, or - to skip the column.
    #[arg(long, value_name = "MAP")]
    pub mapping: Option<PathBuf>,
    /// The file's format [default: from the extension, else from the content].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Check and report everything, but store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormatArg {
    /// Delimited text with a header row.
    Csv,
    /// JSON.
    Json,
}

/// `--format` of reports that are not listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Readable text (not a stable contract).
    Table,
    /// JSON (a stable contract).
    Json,
}

/// Arguments of `medsbom assets list`.
#[derive(clap::Args)]
pub struct ListArgs {
    /// Only this site (case-insensitive).
    #[arg(long)]
    pub site: Option<String>,
    /// Only this ward or department (case-insensitive).
    #[arg(long, visible_alias = "department")]
    pub ward: Option<String>,
    /// Only this product (case-insensitive).
    #[arg(long)]
    pub product: Option<String>,
    /// Only this patient-safety criticality (life-sustaining, therapy-delivering,
    /// monitoring, diagnostic, non-clinical).
    #[arg(long, value_name = "LEVEL")]
    pub criticality: Option<String>,
    /// Only assets not linked to a stored SBOM.
    #[arg(long)]
    pub unlinked: bool,
    /// Instead of assets, list the product versions that assets name but that have no
    /// stored SBOM (ingest them, or correct the inventory).
    #[arg(long, conflicts_with_all = ["site", "ward", "product", "criticality", "unlinked", "retired"])]
    pub unknown_versions: bool,
    /// Include retired assets.
    #[arg(long)]
    pub retired: bool,
    /// At most this many assets.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom assets show`.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// The asset id.
    #[arg(value_name = "ID")]
    pub asset_id: String,
    /// Judge the lifecycle stage as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom assets set`.
#[derive(clap::Args)]
pub struct SetArgs {
    /// The asset id.
    #[arg(value_name = "ID")]
    pub asset_id: String,
    /// FIELD=VALUE pairs, e.g. zone="VLAN 40" criticality=life-sustaining custom:contract=C-7.
    #[arg(value_name = "FIELD=VALUE", required = true)]
    pub assignments: Vec<String>,
    /// Output format of the changed asset.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom assets retire`.
#[derive(clap::Args)]
pub struct RetireArgs {
    /// The asset id.
    #[arg(value_name = "ID")]
    pub asset_id: String,
    /// Why (added to the asset's notes).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs an inventory subcommand.
pub fn run(args: &AssetsArgs) -> anyhow::Result<Status> {
    match &args.command {
        AssetsCommand::Import(args) => run_import(args),
        AssetsCommand::List(args) => run_list(args),
        AssetsCommand::Show(args) => run_show(args),
        AssetsCommand::Set(args) => run_set(args),
        AssetsCommand::Retire(args) => run_retire(args),
    }
}

/// Opens the database with the inventory's pool.
pub async fn open(args: &DbArgs) -> anyhow::Result<AssetDb> {
    let store = db::open(args).await?;
    Ok(AssetDb::attach(store, &args.location()).await?)
}

fn run_import(args: &ImportArgs) -> anyhow::Result<Status> {
    let source_name = args.file.display().to_string();
    let bytes = read_limited(&args.file, MAX_INPUT_BYTES)?;
    let mapping = match &args.mapping {
        Some(path) => {
            let bytes = read_limited(path, MAX_MAPPING_BYTES)?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("mapping {} is not UTF-8 text", path.display()))?;
            Some(Mapping::parse(&text).with_context(|| format!("in {}", path.display()))?)
        }
        None => None,
    };
    let format = match args.input_format {
        Some(InputFormatArg::Csv) => InputFormat::Csv,
        Some(InputFormatArg::Json) => InputFormat::Json,
        None => {
            InputFormat::from_file_name(&source_name).unwrap_or_else(|| InputFormat::sniff(&bytes))
        }
    };
    let input = parse_input(&bytes, format, mapping.as_ref(), &source_name)?;
    let options = ImportOptions {
        organization: &args.organization.organization,
        dry_run: args.dry_run,
    };
    let report = db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let report = import_assets(&db, &input, &options).await;
        db.close().await;
        anyhow::Ok(report?)
    })?;
    match args.format {
        ReportFormat::Json => output::print_json(&import_json(&report))?,
        ReportFormat::Table => output::print_stdout(&import_text(&report))?,
    }
    if report.rejected.is_empty() {
        return Ok(Status::Success);
    }
    Ok(Status::Finding)
}

fn run_list(args: &ListArgs) -> anyhow::Result<Status> {
    let organization = args.organization.organization.clone();
    if args.unknown_versions {
        let unknown = db::runtime()?.block_on(async {
            let db = open(&args.db).await?;
            let unknown = unknown_product_versions(&db, &organization).await;
            db.close().await;
            anyhow::Ok(unknown?)
        })?;
        const HEADER: [&str; 5] = ["MANUFACTURER", "PRODUCT", "VERSION", "ASSETS", "WHY"];
        let rows: Vec<Vec<String>> = unknown
            .iter()
            .map(|u| {
                vec![
                    u.manufacturer.clone().unwrap_or_default(),
                    u.product.clone(),
                    u.product_version.clone(),
                    u.n_assets.to_string(),
                    u.reason.clone(),
                ]
            })
            .collect();
        match args.format {
            ListFormat::Json => {
                let values: Vec<Value> = unknown
                    .iter()
                    .map(|u| {
                        json!({"manufacturer": u.manufacturer, "product": u.product,
                               "product_version": u.product_version, "assets": u.n_assets,
                               "reason": u.reason})
                    })
                    .collect();
                output::print_json(&Value::Array(values))?;
            }
            ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
            ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
        }
        return Ok(Status::Success);
    }
    let criticality = match args.criticality.as_deref() {
        Some(text) => match Criticality::parse(text) {
            Some(level) => Some(level),
            None => bail!(
                "unknown criticality {text:?}; expected one of {}",
                Criticality::ALL.map(Criticality::as_str).join(", ")
            ),
        },
        None => None,
    };
    let filter = AssetFilter {
        organization,
        site: args.site.clone(),
        department: args.ward.clone(),
        product: args.product.clone(),
        criticality,
        unlinked_only: args.unlinked,
        include_retired: args.retired,
        limit: args.limit,
    };
    let assets = db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let assets = list_assets(&db, &filter).await;
        db.close().await;
        anyhow::Ok(assets?)
    })?;
    match args.format {
        ListFormat::Json => {
            output::print_json(&Value::Array(assets.iter().map(asset_json).collect()))?;
        }
        ListFormat::Table => {
            const HEADER: [&str; 10] = [
                "ASSET",
                "PRODUCT",
                "VERSION",
                "SITE",
                "WARD",
                "ZONE",
                "CRITICALITY",
                "EXPOSURE",
                "SBOM",
                "RETIRED",
            ];
            let rows: Vec<Vec<String>> = assets
                .iter()
                .map(|a| {
                    let get = |field| a.get(field).unwrap_or_default().to_owned();
                    vec![
                        a.asset_id.clone(),
                        get(Field::Product),
                        get(Field::ProductVersion),
                        get(Field::Site),
                        get(Field::Department),
                        get(Field::Zone),
                        get(Field::Criticality),
                        get(Field::Exposure),
                        if a.product_version_id.is_some() {
                            "linked"
                        } else {
                            "-"
                        }
                        .to_owned(),
                        a.retired_at.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            output::print_stdout(&output::table(&HEADER, &rows))?;
            output::note(&format!("{} asset(s)", assets.len()));
        }
        ListFormat::Csv => output::print_stdout(&assets_csv(&assets)?)?,
    }
    Ok(Status::Success)
}

fn run_show(args: &ShowArgs) -> anyhow::Result<Status> {
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let view = db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let view = asset_view(
            &db,
            &args.organization.organization,
            &args.asset_id,
            as_of,
            &VexScope::Everything,
        )
        .await;
        db.close().await;
        anyhow::Ok(view?)
    })?;
    match args.format {
        ReportFormat::Json => output::print_json(&view_json(&view, as_of))?,
        ReportFormat::Table => output::print_stdout(&view_text(&view))?,
    }
    Ok(Status::Success)
}

fn run_set(args: &SetArgs) -> anyhow::Result<Status> {
    let changes = parse_assignments(&args.assignments)?;
    let asset = db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let asset = set_asset(
            &db,
            &args.organization.organization,
            &args.asset_id,
            &changes,
        )
        .await;
        db.close().await;
        anyhow::Ok(asset?)
    })?;
    match args.format {
        ReportFormat::Json => output::print_json(&asset_json(&asset))?,
        ReportFormat::Table => output::print_stdout(&asset_text(&asset))?,
    }
    Ok(Status::Success)
}

fn run_retire(args: &RetireArgs) -> anyhow::Result<Status> {
    let asset = db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let asset = retire_asset(
            &db,
            &args.organization.organization,
            &args.asset_id,
            args.reason.as_deref(),
        )
        .await;
        db.close().await;
        anyhow::Ok(asset?)
    })?;
    output::note(&format!(
        "asset {} retired at {}",
        asset.asset_id,
        asset.retired_at.as_deref().unwrap_or("?")
    ));
    Ok(Status::Success)
}

/// `FIELD=VALUE` → changes; values are checked as an import checks them.
fn parse_assignments(assignments: &[String]) -> anyhow::Result<AssetChanges> {
    let mut changes = AssetChanges::default();
    for assignment in assignments {
        let Some((name, value)) = assignment.split_once('=') else {
            bail!("expected FIELD=VALUE, found {assignment:?}");
        };
        let name = name.trim();
        if let Some(custom) = name
            .strip_prefix("custom:")
            .or_else(|| name.strip_prefix("custom."))
        {
            let value = value.trim();
            let value = (!value.is_empty()).then(|| value.to_owned());
            changes
                .custom_fields
                .insert(custom.trim().to_owned(), value);
            continue;
        }
        let Some(field) = Field::parse(name) else {
            bail!(
                "unknown field {name:?}; expected one of {} or custom:NAME",
                Field::ALL.map(Field::as_str).join(", ")
            );
        };
        if field == Field::AssetId {
            bail!(
                "the asset id cannot be changed; import the asset under its new id and retire the old one"
            );
        }
        let value = normalize_value(field, value).map_err(anyhow::Error::msg)?;
        changes.fields.insert(field, value);
    }
    Ok(changes)
}

fn read_limited(path: &Path, max_bytes: u64) -> anyhow::Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if max_bytes < bytes.len() as u64 {
        bail!("{} is larger than {} MiB", path.display(), max_bytes >> 20);
    }
    Ok(bytes)
}

fn parse_date(text: &str) -> Result<IsoDate, String> {
    IsoDate::parse(text).ok_or_else(|| format!("{text:?} is not a date such as 2027-12-31"))
}

fn import_text(report: &ImportReport) -> String {
    let mut res = format!(
        "{}{} created, {} updated, {} unchanged, {} rejected\n",
        if report.dry_run {
            "dry run (nothing stored): "
        } else {
            ""
        },
        report.n_created(),
        report.n_updated(),
        report.n_unchanged(),
        report.rejected.len()
    );
    if !report.rejected.is_empty() {
        res.push_str("\nrejected rows:\n");
        for rejection in report.rejected.iter().take(MAX_REJECTIONS_SHOWN) {
            res.push_str(&format!(
                "  {}{}: {}\n",
                rejection.at,
                rejection
                    .asset_id
                    .as_deref()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default(),
                rejection.reason
            ));
        }
        if MAX_REJECTIONS_SHOWN < report.rejected.len() {
            res.push_str(&format!(
                "  … and {} more (--format json lists them all)\n",
                report.rejected.len() - MAX_REJECTIONS_SHOWN
            ));
        }
    }
    if !report.unknown_product_versions.is_empty() {
        res.push_str("\nproduct versions without a stored SBOM (ingest them to see findings):\n");
        for unknown in &report.unknown_product_versions {
            res.push_str(&format!(
                "  {}{} {} ({} asset(s)): {}\n",
                unknown
                    .manufacturer
                    .as_deref()
                    .map(|m| format!("{m} "))
                    .unwrap_or_default(),
                unknown.product,
                unknown.product_version,
                unknown.n_assets,
                unknown.reason
            ));
        }
    }
    for warning in &report.warnings {
        res.push_str(&format!("warning: {warning}\n"));
    }
    res
}

fn import_json(report: &ImportReport) -> Value {
    json!({
        "dry_run": report.dry_run,
        "created": report.n_created(),
        "updated": report.n_updated(),
        "unchanged": report.n_unchanged(),
        "rejected": report.rejected.iter().map(|r| json!({
            "at": r.at.to_string(),
            "asset_id": r.asset_id,
            "reason": r.reason,
        })).collect::<Vec<_>>(),
        "rows": report.outcomes.iter().map(|o| json!({
            "at": o.at.to_string(),
            "asset_id": o.asset_id,
            "action": o.action.as_str(),
            "linked": o.linked,
        })).collect::<Vec<_>>(),
        "unknown_product_versions": report.unknown_product_versions.iter().map(|u| json!({
            "manufacturer": u.manufacturer,
            "product": u.product,
            "product_version": u.product_version,
            "assets": u.n_assets,
            "reason": u.reason,
        })).collect::<Vec<_>>(),
        "warnings": report.warnings,
    })
}

fn asset_json(asset: &Asset) -> Value {
    let mut res = Map::new();
    for field in Field::ALL {
        res.insert(field.as_str().to_owned(), json!(asset.get(field)));
    }
    res.insert("location".to_owned(), json!(asset.location()));
    res.insert("organization".to_owned(), json!(asset.organization));
    res.insert("custom_fields".to_owned(), json!(asset.custom_fields));
    res.insert(
        "linked".to_owned(),
        json!(asset.product_version_id.is_some()),
    );
    res.insert("retired_at".to_owned(), json!(asset.retired_at));
    res.insert("created_at".to_owned(), json!(asset.created_at));
    res.insert("updated_at".to_owned(), json!(asset.updated_at));
    Value::Object(res)
}

/// Every field and custom field, as `import` reads them back.
fn assets_csv(assets: &[Asset]) -> anyhow::Result<String> {
    let mut custom_names: Vec<&str> = assets
        .iter()
        .flat_map(|a| a.custom_fields.keys().map(String::as_str))
        .collect();
    custom_names.sort_unstable();
    custom_names.dedup();
    let mut header: Vec<String> = Field::ALL.iter().map(|f| f.as_str().to_owned()).collect();
    header.extend(custom_names.iter().map(|name| format!("custom:{name}")));
    let rows: Vec<Vec<String>> = assets
        .iter()
        .map(|asset| {
            let mut row: Vec<String> = Field::ALL
                .iter()
                .map(|f| asset.get(*f).unwrap_or_default().to_owned())
                .collect();
            row.extend(
                custom_names
                    .iter()
                    .map(|name| asset.custom_fields.get(*name).cloned().unwrap_or_default()),
            );
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    output::csv(&header, &rows)
}

fn asset_text(asset: &Asset) -> String {
    let mut res = String::new();
    for field in Field::ALL {
        if let Some(value) = asset.get(field) {
            res.push_str(&format!("{:<20} {value}\n", field.as_str()));
        }
    }
    for (name, value) in &asset.custom_fields {
        res.push_str(&format!("{:<20} {value}\n", format!("custom:{name}")));
    }
    if let Some(retired_at) = &asset.retired_at {
        res.push_str(&format!("{:<20} {retired_at}\n", "retired_at"));
    }
    res
}

fn view_text(view: &AssetView) -> String {
    let mut res = asset_text(&view.asset);
    res.push('\n');
    match &view.linked {
        Some(linked) => res.push_str(&format!(
            "SBOM: {} {} {}{}, {} component(s)\n",
            linked.manufacturer,
            linked.product,
            linked.version,
            linked
                .revision
                .map(|r| format!(" (revision {r})"))
                .unwrap_or_default(),
            view.components.len()
        )),
        None => res.push_str(
            "SBOM: none linked (no stored SBOM for this manufacturer, product and version; \
             ingest it, or correct the asset with medsbom assets set)\n",
        ),
    }
    if let Some(stage) = &view.stage {
        res.push_str(&format!(
            "lifecycle stage: {} ({})\n",
            stage.stage.as_str(),
            stage.detail
        ));
    }
    if view.linked.is_some() {
        res.push_str(&format!(
            "support: {} component(s) out of support\n",
            view.n_components_out_of_support
        ));
    }
    for acceptance in &view.acceptances {
        res.push_str(&format!(
            "risk decision ({}): {} until {}{}, review {}: {}\n",
            acceptance.subject_kind,
            acceptance.decision,
            acceptance.until_date,
            acceptance
                .component
                .as_deref()
                .map(|c| format!(" for {c}"))
                .unwrap_or_default(),
            acceptance.review_date,
            acceptance.controls
        ));
    }
    res.push_str(&format!("\nopen findings: {}\n", view.findings.len()));
    if !view.findings.is_empty() {
        const HEADER: [&str; 6] = [
            "PRIORITY",
            "VULNERABILITY",
            "COMPONENT",
            "VERSION",
            "CVSS",
            "KEV",
        ];
        let rows: Vec<Vec<String>> = view
            .findings
            .iter()
            .map(|f| {
                vec![
                    format!("{:.1}", f.priority),
                    f.vulnerability_id.clone().unwrap_or_default(),
                    f.component.clone(),
                    f.component_version.clone().unwrap_or_default(),
                    f.threat.cvss.map(|c| format!("{c:.1}")).unwrap_or_default(),
                    if f.threat.kev { "yes" } else { "" }.to_owned(),
                ]
            })
            .collect();
        res.push_str(&output::table(&HEADER, &rows));
    }
    res
}

fn view_json(view: &AssetView, as_of: IsoDate) -> Value {
    json!({
        "asset": asset_json(&view.asset),
        "sbom": view.linked.as_ref().map(|l| json!({
            "manufacturer": l.manufacturer,
            "product": l.product,
            "product_version": l.version,
            "sbom_id": l.sbom_id,
            "revision": l.revision,
        })),
        "components": view.components.iter().map(|c| json!({
            "name": c.name,
            "version": c.version,
            "identifier": c.identifier,
            "supplier": c.supplier,
            "support_level": c.support_level,
            "end_of_support": c.eos_date,
        })).collect::<Vec<_>>(),
        "lifecycle": {
            "as_of": as_of.to_string(),
            "stage": view.stage.as_ref().map(|s| s.stage.as_str()),
            "detail": view.stage.as_ref().map(|s| s.detail.clone()),
            "since": view.stage.as_ref().and_then(|s| s.since).map(|d| d.to_string()),
            "end_of_life": view.eol_date,
            "end_of_support": view.eos_date,
            "components_out_of_support": view.n_components_out_of_support,
        },
        "risk_decisions": view.acceptances.iter().map(|a| json!({
            "subject_kind": a.subject_kind,
            "decision": a.decision,
            "component": a.component,
            "until": a.until_date,
            "review": a.review_date,
            "controls": a.controls,
        })).collect::<Vec<_>>(),
        "findings": view.findings.iter().map(crate::cmd::impact::row_json).collect::<Vec<_>>(),
    })
}
