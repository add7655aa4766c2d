//! `medsbom generate PRODUCT VERSION --to FORMAT [-o FILE] [--profile P] [--allow-gaps]`:
//! writes the SBOM of a product version from its component registry. The document is
//! validated against the official schema and checked with the profile (default
//! `fda-premarket`); one with gaps is refused (exit 1, the gaps listed) unless
//! `--allow-gaps` is given.

use std::path::PathBuf;

use anyhow::Context as _;
use medsbom_check::Profile;
use medsbom_formats::OutputFormat;
use medsbom_model::IsoDate;
use medsbom_registry::{Gap, GenerateOptions, Generated, RegistryError, VersionRef};
use serde_json::json;

use crate::cmd::db::{DbArgs, runtime};
use crate::cmd::product::with_registry;
use crate::output::{self, Status};

/// Arguments of `medsbom generate`.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  medsbom generate 'Infusion Pump' 2.1 --to cyclonedx-json -o pump-2.1.cdx.json"
)]
pub struct GenerateArgs {
    /// Product name.
    pub product: String,
    /// Product version.
    #[arg(value_name = "VERSION")]
    pub product_version: String,
    /// Output format.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(OutputFormat::NAMES))]
    pub to: String,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The profile the SBOM must pass.
    #[arg(long, default_value = "fda-premarket")]
    pub profile: String,
    /// Write the SBOM even when it does not pass the profile (the gaps are listed).
    #[arg(long)]
    pub allow_gaps: bool,
    /// Manufacturer, when several have a product of that name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// The day to judge end-of-support dates against [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    #[command(flatten)]
    pub db: DbArgs,
}

fn parse_date(text: &str) -> Result<IsoDate, String> {
    IsoDate::parse(text).ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// Prints the gaps of a refused or gap-allowed generation.
pub fn print_gaps(profile: &str, gaps: &[Gap]) {
    for gap in gaps {
        let shown: Vec<&str> = gap.components.iter().take(10).map(String::as_str).collect();
        let more = gap.components.len().saturating_sub(shown.len());
        let list = if gap.components.is_empty() {
            String::new()
        } else if more > 0 {
            format!(": {} and {more} more", shown.join(", "))
        } else {
            format!(": {}", shown.join(", "))
        };
        output::note(&format!(
            "gap ({profile}): {} [{}] — {} component(s){list}",
            gap.title,
            gap.element,
            gap.components.len()
        ));
    }
}

/// Generates an SBOM through the registry; a refusal for gaps is `Ok(Err(gaps))`.
pub async fn generate(
    db: &DbArgs,
    target: &VersionRef<'_>,
    options: &GenerateOptions,
) -> anyhow::Result<Result<Generated, Vec<Gap>>> {
    with_registry(db, async |registry| {
        match medsbom_registry::generate(registry, target, options).await {
            Ok(generated) => Ok(Ok(generated)),
            Err(RegistryError::Gaps { gaps, .. }) => Ok(Err(gaps)),
            Err(err) => Err(err.into()),
        }
    })
    .await
}

/// Writes the SBOM, or lists the gaps and exits 1.
pub fn run(args: &GenerateArgs) -> anyhow::Result<Status> {
    let format: OutputFormat = args.to.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let profile: Profile = args.profile.parse()?;
    let options = GenerateOptions {
        format,
        profile,
        allow_gaps: args.allow_gaps,
        as_of: Some(args.as_of.unwrap_or_else(medsbom_model::IsoDate::today)),
    };
    let target = VersionRef {
        manufacturer: args.manufacturer.as_deref(),
        product: &args.product,
        version: &args.product_version,
    };
    let generated = match runtime()?.block_on(generate(&args.db, &target, &options))? {
        Ok(generated) => generated,
        Err(gaps) => {
            print_gaps(profile.as_str(), &gaps);
            output::note(&format!(
                "error: {} {} does not pass {}; complete the registry (medsbom component edit) or give --allow-gaps",
                args.product, args.product_version, profile
            ));
            return Ok(Status::Finding);
        }
    };
    for warning in &generated.warnings {
        output::note(&format!("warning: {warning}"));
    }
    print_gaps(profile.as_str(), &generated.gaps);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &generated.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            output::note(
                &json!({
                    "file": path.display().to_string(),
                    "format": format.as_str(),
                    "serial_number": generated.sbom.serial_number,
                    "version": generated.info.revision,
                    "components": generated.sbom.components.len(),
                    "profile": profile.as_str(),
                    "conformant": generated.report.conformant,
                })
                .to_string(),
            );
        }
        None => output::print_stdout(&String::from_utf8_lossy(&generated.bytes))?,
    }
    Ok(Status::Success)
}
