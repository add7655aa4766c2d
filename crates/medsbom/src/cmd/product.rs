//! `medsbom product create` and `medsbom product version add|list`: the manufacturer's
//! products and versions, each version with its component registry (a new version can
//! start as a copy of the previous one with `--from`).
//!
//! Also the vulnerability part of `medsbom diff --vulns` (release notes): vulnerabilities
//! fixed and introduced between two product versions.

use medsbom_model::{ComponentType, IsoDate};
use medsbom_registry::{NewVersion, RegistryDb, VersionInfo};
use serde_json::{Value, json};

use crate::cmd::db::{DbArgs, runtime};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom product`.
#[derive(clap::Args)]
pub struct ProductArgs {
    #[command(subcommand)]
    pub command: ProductCommand,
}

/// The `product` subcommands.
#[derive(clap::Subcommand)]
pub enum ProductCommand {
    /// Create a product (device model) of a manufacturer.
    Create(CreateArgs),
    /// Product versions and their component registries.
    Version(Box<VersionArgs>),
}

/// Arguments of `medsbom product create`.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  medsbom product create 'Infusion Pump' --manufacturer 'Acme Medical'"
)]
pub struct CreateArgs {
    /// Product name.
    pub product: String,
    /// Manufacturer name.
    #[arg(long)]
    pub manufacturer: String,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom product version`.
#[derive(clap::Args)]
pub struct VersionArgs {
    #[command(subcommand)]
    pub command: VersionCommand,
}

/// The `product version` subcommands.
#[derive(clap::Subcommand)]
pub enum VersionCommand {
    /// Add a version (empty, or a copy of another version's components with --from).
    Add(Box<AddVersionArgs>),
    /// List the versions that have a component registry.
    List(ListVersionsArgs),
}

/// Arguments of `medsbom product version add`.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  medsbom product version add 'Infusion Pump' 2.2 --from 2.1 --eos 2031-12-31"
)]
pub struct AddVersionArgs {
    /// Product name.
    pub product: String,
    /// The new version.
    #[arg(value_name = "VERSION")]
    pub product_version: String,
    /// Copy the components of this version of the product.
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// Manufacturer, when several have a product of that name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// The device's component type in its SBOM.
    #[arg(long = "type", default_value = "device", value_name = "TYPE")]
    pub kind: String,
    /// SBOM author [default: the manufacturer].
    #[arg(long)]
    pub author: Option<String>,
    /// Description of the device.
    #[arg(long)]
    pub description: Option<String>,
    /// The device's purl [default: pkg:generic/MANUFACTURER/PRODUCT@VERSION].
    #[arg(long)]
    pub purl: Option<String>,
    /// The device's CPE.
    #[arg(long)]
    pub cpe: Option<String>,
    /// The device's level of support (actively-maintained, no-longer-maintained, abandoned).
    #[arg(long)]
    pub support_level: Option<String>,
    /// The device's end of support (a date) [default: the lifecycle EOS date].
    #[arg(long, value_name = "DATE")]
    pub eos: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom product version list`.
#[derive(clap::Args)]
pub struct ListVersionsArgs {
    /// Only this product.
    pub product: Option<String>,
    /// Only this manufacturer.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs a `product` subcommand.
pub fn run(args: &ProductArgs) -> anyhow::Result<Status> {
    match &args.command {
        ProductCommand::Create(args) => run_create(args),
        ProductCommand::Version(version) => match &version.command {
            VersionCommand::Add(args) => run_add_version(args),
            VersionCommand::List(args) => run_list_versions(args),
        },
    }
}

/// Opens the registry, runs `work`, closes it.
pub async fn with_registry<T>(
    db: &DbArgs,
    work: impl AsyncFnOnce(&RegistryDb) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let registry = RegistryDb::open(&db.location()).await?;
    let res = work(&registry).await;
    registry.close().await;
    res
}

fn run_create(args: &CreateArgs) -> anyhow::Result<Status> {
    let info = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(medsbom_registry::create_product(db, &args.manufacturer, &args.product).await?)
    }))?;
    output::print_json(&json!({
        "manufacturer": info.manufacturer,
        "product": info.product,
        "created": info.created,
    }))?;
    if !info.created {
        output::note(&format!(
            "{} of {} exists already",
            info.product, info.manufacturer
        ));
    }
    Ok(Status::Success)
}

fn run_add_version(args: &AddVersionArgs) -> anyhow::Result<Status> {
    if let Some(eos) = &args.eos
        && IsoDate::parse(eos).is_none()
    {
        anyhow::bail!("--eos {eos:?} is not a date (YYYY-MM-DD)");
    }
    let mut new = NewVersion::new(
        args.manufacturer.as_deref(),
        &args.product,
        &args.product_version,
    );
    new.from = args.from.as_deref();
    new.kind = ComponentType::parse(&args.kind);
    new.author = args.author.as_deref();
    new.description = args.description.as_deref();
    new.purl = args.purl.as_deref();
    new.cpe = args.cpe.as_deref();
    new.support_level = args.support_level.as_deref();
    new.eos = args.eos.as_deref();
    let info = runtime()?.block_on(with_registry(&args.db, async |db| {
        let key = medsbom_registry::add_version(db, &new).await?;
        Ok(medsbom_registry::find_version(db, &medsbom_registry::VersionRef::of(&key)).await?)
    }))?;
    output::print_json(&version_json(&info))?;
    Ok(Status::Success)
}

/// The JSON of a registry version.
pub fn version_json(info: &VersionInfo) -> Value {
    json!({
        "manufacturer": info.key.manufacturer,
        "product": info.key.product,
        "version": info.key.version,
        "serial_number": info.serial_number,
        "revision": info.revision,
        "revised_at": info.revised_at,
        "based_on": info.based_on,
        "components": info.n_components,
        "support_level": info.support.level.map(|l| l.as_str()),
        "end_of_support": info.support.end_of_support.as_ref().map(|m| m.text.clone()),
    })
}

fn run_list_versions(args: &ListVersionsArgs) -> anyhow::Result<Status> {
    let versions = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(medsbom_registry::list_versions(
            db,
            args.manufacturer.as_deref(),
            args.product.as_deref(),
        )
        .await?)
    }))?;
    const HEADER: [&str; 7] = [
        "MANUFACTURER",
        "PRODUCT",
        "VERSION",
        "REVISION",
        "COMPONENTS",
        "BASED ON",
        "END OF SUPPORT",
    ];
    let rows: Vec<Vec<String>> = versions
        .iter()
        .map(|v| {
            vec![
                v.key.manufacturer.clone(),
                v.key.product.clone(),
                v.key.version.clone(),
                v.revision.to_string(),
                v.n_components.to_string(),
                v.based_on.clone().unwrap_or_default(),
                v.support
                    .end_of_support
                    .as_ref()
                    .map(|m| m.text.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            output::print_json(&Value::Array(versions.iter().map(version_json).collect()))?
        }
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(Status::Success)
}

/// A vulnerability that differs between two product versions (release notes).
pub struct VulnChange {
    /// `vulnerability-fixed` or `vulnerability-introduced`.
    pub change: &'static str,
    /// The vulnerability id.
    pub id: String,
    /// The component (name).
    pub component: String,
    /// Its version.
    pub component_version: Option<String>,
    /// Its purl, when known.
    pub purl: Option<String>,
}

/// Vulnerabilities fixed (in `from`, not in `to`) and introduced (in `to`, not in `from`)
/// between two versions of `product`, from the findings of the imported feeds.
pub async fn vuln_changes(
    db: &DbArgs,
    product: &str,
    from: &str,
    to: &str,
) -> anyhow::Result<Vec<VulnChange>> {
    let vuln_db = medsbom_vuln::VulnDb::open(&db.location()).await?;
    let query = medsbom_vuln::findings::FindingQuery {
        product: Some(product.to_owned()),
        ..medsbom_vuln::findings::FindingQuery::default()
    };
    // Packages stored since the last import are matched first, as `medsbom vulns` does.
    let matched = medsbom_vuln::matching::match_unmatched(
        &vuln_db,
        &medsbom_vuln::evaluate::MatchConfig::EXACT,
    )
    .await;
    let findings = match matched {
        Ok(_) => medsbom_vuln::findings::list_findings(&vuln_db, &query).await,
        Err(err) => Err(err),
    };
    vuln_db.close().await;
    let findings = findings?;
    let ids = |version: &str| -> std::collections::BTreeSet<String> {
        findings
            .iter()
            .filter(|f| f.product_version == version)
            .map(|f| f.vulnerability_id.clone())
            .collect()
    };
    let (old, new) = (ids(from), ids(to));
    let mut res = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for finding in &findings {
        let (change, other) = if finding.product_version == from {
            ("vulnerability-fixed", &new)
        } else if finding.product_version == to {
            ("vulnerability-introduced", &old)
        } else {
            continue;
        };
        if other.contains(&finding.vulnerability_id)
            || !seen.insert((
                change,
                finding.vulnerability_id.clone(),
                finding.component.clone(),
            ))
        {
            continue;
        }
        res.push(VulnChange {
            change,
            id: finding.vulnerability_id.clone(),
            component: finding.component.clone(),
            component_version: finding.component_version.clone(),
            purl: finding.purl.clone(),
        });
    }
    res.sort_by(|a, b| (a.change, &a.id, &a.component).cmp(&(b.change, &b.id, &b.component)));
    Ok(res)
}

/// A `medsbom diff` table row for a vulnerability change.
pub fn vuln_row(change: &VulnChange) -> Vec<String> {
    let version = change.component_version.clone().unwrap_or_default();
    let (old, new) = if change.change == "vulnerability-fixed" {
        (version, String::new())
    } else {
        (String::new(), version)
    };
    vec![
        change.change.to_owned(),
        change.component.clone(),
        old,
        new,
        change.id.clone(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// The `medsbom diff --format json` entry of a vulnerability change.
pub fn vuln_json(change: &VulnChange) -> Value {
    json!({
        "change": change.change,
        "vulnerability": change.id,
        "component": {
            "name": change.component,
            "version": change.component_version,
            "purl": change.purl,
        },
    })
}
