//! `medsbom component add|import|list|edit|remove`: the components of a product version's
//! registry, added by hand (hardware and firmware included) or imported from build-tool
//! SBOMs and merged by identity (purl, else CPE, else supplier + name + version).

use std::path::PathBuf;

use medsbom_model::{Component, ComponentType, Hash, License, Milestone, Party};
use medsbom_registry::{ComponentEdit, ImportOptions, RegistryComponent, VersionRef};
use serde_json::{Value, json};

use crate::cmd::db::{DbArgs, runtime};
use crate::cmd::product::with_registry;
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom component`.
#[derive(clap::Args)]
pub struct ComponentArgs {
    #[command(subcommand)]
    pub command: ComponentCommand,
}

/// The `component` subcommands.
#[derive(clap::Subcommand)]
pub enum ComponentCommand {
    /// Add a component by hand.
    Add(AddArgs),
    /// Import the components of a build-tool SBOM (cdxgen, syft, cyclonedx-py, …).
    Import(ImportArgs),
    /// List the components of a product version.
    List(ListArgs),
    /// Change a component (support data edited here survives re-imports).
    Edit(EditArgs),
    /// Remove a component.
    Remove(RemoveArgs),
}

/// Which product version.
#[derive(clap::Args, Debug, Clone)]
pub struct TargetArgs {
    /// Product name.
    pub product: String,
    /// Product version.
    #[arg(value_name = "VERSION")]
    pub product_version: String,
    /// Manufacturer, when several have a product of that name.
    #[arg(long)]
    pub manufacturer: Option<String>,
}

impl TargetArgs {
    fn target(&self) -> VersionRef<'_> {
        VersionRef {
            manufacturer: self.manufacturer.as_deref(),
            product: &self.product,
            version: &self.product_version,
        }
    }
}

/// Fields of a component given by hand.
#[derive(clap::Args, Debug, Clone)]
pub struct FieldArgs {
    /// Supplier (organization).
    #[arg(long)]
    pub supplier: Option<String>,
    /// Package URL.
    #[arg(long)]
    pub purl: Option<String>,
    /// CPE 2.3 name (repeatable); part `h` makes a device, `o` an operating system unless
    /// --type says otherwise.
    #[arg(long)]
    pub cpe: Vec<String>,
    /// Hash as ALG:HEX, e.g. SHA-256:9f86… (repeatable).
    #[arg(long, value_name = "ALG:HEX")]
    pub hash: Vec<String>,
    /// Licence: an SPDX id or expression, or a name (repeatable).
    #[arg(long)]
    pub license: Vec<String>,
    /// Level of support (actively-maintained, no-longer-maintained, abandoned, or the
    /// supplier's words).
    #[arg(long)]
    pub support_level: Option<String>,
    /// End of support: a date (YYYY-MM-DD) or the supplier's words.
    #[arg(long, value_name = "DATE")]
    pub eos: Option<String>,
    /// What is known about its own dependencies (complete, incomplete, unknown, …).
    #[arg(long)]
    pub composition: Option<String>,
    /// A component it depends on (identity, bom-ref, purl, CPE, name@version or name;
    /// repeatable).
    #[arg(long, value_name = "COMPONENT")]
    pub depends_on: Vec<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Copyright text.
    #[arg(long)]
    pub copyright: Option<String>,
}

/// Arguments of `medsbom component add`.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  medsbom component add 'Infusion Pump' 2.1 --name 'UAP-AC-Pro' --type device \\\n    --supplier Ubiquiti --cpe 'cpe:2.3:h:ubiquiti:uap-ac-pro:-:*:*:*:*:*:*:*' \\\n    --support-level actively-maintained --eos 2029-12-31"
)]
pub struct AddArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Component name.
    #[arg(long)]
    pub name: String,
    /// Component version.
    #[arg(
        long = "component-version",
        visible_alias = "comp-version",
        value_name = "VERSION"
    )]
    pub component_version: Option<String>,
    /// Component type (library, application, firmware, device, operating-system, …)
    /// [default: from the CPE part, else library].
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Namespace (CycloneDX group).
    #[arg(long)]
    pub group: Option<String>,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom component import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The build-tool SBOM (any format medsbom reads).
    pub file: PathBuf,
    /// Import label: importing again with the same label replaces what it brought
    /// [default: the SBOM's root component name, else the file name].
    #[arg(long)]
    pub label: Option<String>,
    /// Supplier for components the file names none.
    #[arg(long)]
    pub default_supplier: Option<String>,
    /// Level of support for components the file says nothing about.
    #[arg(long)]
    pub default_support_level: Option<String>,
    /// End of support for components the file says nothing about.
    #[arg(long, value_name = "DATE")]
    pub default_eos: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom component list`.
#[derive(clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom component edit`.
#[derive(clap::Args)]
pub struct EditArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The component: identity, bom-ref, purl, CPE, name@version or name.
    pub component: String,
    /// New component version.
    #[arg(
        long = "component-version",
        visible_alias = "comp-version",
        value_name = "VERSION"
    )]
    pub component_version: Option<String>,
    /// New type.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Dependencies to drop (repeatable).
    #[arg(long, value_name = "COMPONENT")]
    pub no_depends_on: Vec<String>,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom component remove`.
#[derive(clap::Args)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The component: identity, bom-ref, purl, CPE, name@version or name.
    pub component: String,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs a `component` subcommand.
pub fn run(args: &ComponentArgs) -> anyhow::Result<Status> {
    match &args.command {
        ComponentCommand::Add(args) => run_add(args),
        ComponentCommand::Import(args) => run_import(args),
        ComponentCommand::List(args) => run_list(args),
        ComponentCommand::Edit(args) => run_edit(args),
        ComponentCommand::Remove(args) => run_remove(args),
    }
}

fn parse_hash(text: &str) -> anyhow::Result<Hash> {
    let Some((algorithm, value)) = text.split_once(':') else {
        anyhow::bail!("--hash {text:?}: expected ALG:HEX, e.g. SHA-256:9f86d0…");
    };
    let value = value.trim();
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_hexdigit()) {
        anyhow::bail!("--hash {text:?}: the digest must be hexadecimal");
    }
    Ok(Hash {
        algorithm: medsbom_model::normalize_hash_algorithm(algorithm),
        value: value.to_ascii_lowercase(),
    })
}

/// An SPDX-looking licence: an id, an expression, or else a name.
fn parse_license(text: &str) -> License {
    let text = text.trim();
    let is_idish = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
    };
    if is_idish(text) {
        License::Id(text.to_owned())
    } else if text
        .split_whitespace()
        .all(|w| is_idish(w.trim_matches(['(', ')'])) || matches!(w, "AND" | "OR" | "WITH"))
        && text.contains(' ')
        && (text.contains(" OR ") || text.contains(" AND ") || text.contains(" WITH "))
    {
        License::Expression(text.to_owned())
    } else {
        License::Name(text.to_owned())
    }
}

fn run_add(args: &AddArgs) -> anyhow::Result<Status> {
    let f = &args.fields;
    let mut component = Component::new("", &args.name);
    component.version = args.component_version.clone();
    component.extra.group = args.group.clone();
    component.kind = match &args.kind {
        Some(kind) => ComponentType::parse(kind),
        None => f
            .cpe
            .first()
            .and_then(|cpe| medsbom_registry::kind_from_cpe(cpe))
            .unwrap_or_default(),
    };
    component.supplier = f.supplier.as_deref().map(Party::organization);
    component.purl = f.purl.clone();
    component.cpes = f.cpe.clone();
    component.extra.description = f.description.clone();
    component.extra.copyright = f.copyright.clone();
    for hash in &f.hash {
        component.hashes.push(parse_hash(hash)?);
    }
    component.licenses = f.license.iter().map(|l| parse_license(l)).collect();
    if let Some(level) = &f.support_level {
        component.support.set_level_text(level);
    }
    if let Some(eos) = &f.eos {
        component.support.end_of_support = Some(Milestone::new("endOfSupport", eos));
    }
    let composition = f.composition.as_deref().unwrap_or("unknown");
    let added = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(medsbom_registry::add_component(
            db,
            &args.target.target(),
            &component,
            composition,
            &f.depends_on,
        )
        .await?)
    }))?;
    output::print_json(&component_json(&added))?;
    Ok(Status::Success)
}

fn run_import(args: &ImportArgs) -> anyhow::Result<Status> {
    let loaded = crate::cmd::input::read_sbom(&args.file)?;
    let sbom = &loaded.parsed.sbom;
    let label = args
        .label
        .clone()
        .or_else(|| {
            sbom.root_components()
                .next()
                .map(|c| c.name.trim().to_owned())
                .filter(|n| !n.is_empty())
        })
        .or_else(|| {
            args.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "import".to_owned());
    let options = ImportOptions {
        label: &label,
        default_supplier: args.default_supplier.as_deref(),
        default_support_level: args.default_support_level.as_deref(),
        default_eos: args.default_eos.as_deref(),
    };
    let summary = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(medsbom_registry::import_sbom(db, &args.target.target(), sbom, &options).await?)
    }))?;
    output::print_json(&json!({
        "file": args.file.display().to_string(),
        "label": label,
        "format": loaded.detected.format.as_str(),
        "components_in_file": summary.n_in_file,
        "added": summary.added,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "removed": summary.removed,
        "manual_support_kept": summary.manual_support_kept,
        "revision": summary.revision,
    }))?;
    Ok(Status::Success)
}

/// The JSON of a registry component.
fn component_json(item: &RegistryComponent) -> Value {
    let c = &item.component;
    json!({
        "identity": item.identity,
        "bom_ref": c.bom_ref,
        "type": c.kind.as_str(),
        "name": c.name,
        "version": c.version,
        "supplier": c.supplier.as_ref().map(|s| s.name.clone()),
        "purl": c.purl,
        "cpes": c.cpes,
        "hashes": c.hashes.iter().map(|h| format!("{}:{}", h.algorithm, h.value)).collect::<Vec<_>>(),
        "licenses": c.licenses.iter().map(|l| l.text().to_owned()).collect::<Vec<_>>(),
        "support_level": c.support.level.map(|l| l.as_str()),
        "support_text": c.support.level_text,
        "end_of_support": c.support.end_of_support.as_ref().map(|m| m.text.clone()),
        "end_of_support_date": c.support.end_of_support.as_ref().and_then(|m| m.date).map(|d| d.to_string()),
        "support_source": item.support_source,
        "composition": item.composition,
        "depends_on": item.depends_on,
        "source": item.source,
    })
}

fn run_list(args: &ListArgs) -> anyhow::Result<Status> {
    let (info, components) = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(medsbom_registry::list_components(db, &args.target.target()).await?)
    }))?;
    const HEADER: [&str; 8] = [
        "TYPE",
        "NAME",
        "VERSION",
        "SUPPLIER",
        "IDENTITY",
        "SUPPORT",
        "END OF SUPPORT",
        "SOURCE",
    ];
    let rows: Vec<Vec<String>> = components
        .iter()
        .map(|item| {
            let c = &item.component;
            vec![
                c.kind.as_str().to_owned(),
                c.name.clone(),
                c.version.clone().unwrap_or_default(),
                c.supplier
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                item.identity.clone(),
                c.support
                    .level
                    .map(|l| l.as_str().to_owned())
                    .unwrap_or_default(),
                c.support
                    .end_of_support
                    .as_ref()
                    .map(|m| m.text.clone())
                    .unwrap_or_default(),
                item.source.clone(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => output::print_json(&json!({
            "version": crate::cmd::product::version_json(&info),
            "components": components.iter().map(component_json).collect::<Vec<_>>(),
        }))?,
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(Status::Success)
}

fn run_edit(args: &EditArgs) -> anyhow::Result<Status> {
    let f = &args.fields;
    let mut hashes = Vec::new();
    for hash in &f.hash {
        hashes.push(parse_hash(hash)?);
    }
    let edit = ComponentEdit {
        kind: args.kind.as_deref().map(ComponentType::parse),
        supplier: f.supplier.clone(),
        version: args.component_version.clone(),
        purl: f.purl.clone(),
        description: f.description.clone(),
        add_cpes: f.cpe.clone(),
        add_hashes: hashes,
        add_licenses: f.license.iter().map(|l| parse_license(l)).collect(),
        copyright: f.copyright.clone(),
        support_level: f.support_level.clone(),
        eos: f.eos.clone(),
        composition: f.composition.clone(),
        add_depends_on: f.depends_on.clone(),
        remove_depends_on: args.no_depends_on.clone(),
    };
    if edit == ComponentEdit::default() {
        anyhow::bail!("nothing to change: give at least one field (see --help)");
    }
    let edited = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(
            medsbom_registry::edit_component(db, &args.target.target(), &args.component, &edit)
                .await?,
        )
    }))?;
    output::print_json(&component_json(&edited))?;
    Ok(Status::Success)
}

fn run_remove(args: &RemoveArgs) -> anyhow::Result<Status> {
    let removed = runtime()?.block_on(with_registry(&args.db, async |db| {
        Ok(medsbom_registry::remove_component(db, &args.target.target(), &args.component).await?)
    }))?;
    output::note(&format!(
        "removed {} ({})",
        removed.component.name, removed.identity
    ));
    Ok(Status::Success)
}
