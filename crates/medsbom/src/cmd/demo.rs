//! `medsbom demo`: the main job end to end on the embedded SQLite default, with the
//! project's own example device SBOMs, vulnerability feeds and device inventory: write them,
//! check and ingest the SBOMs, import the feeds and the inventory, match, and show which
//! devices, where, are affected.

use std::path::PathBuf;

use anyhow::Context;
use medsbom_assets::{
    AssetDb, GroupBy, ImpactQuery, ImpactTarget, ImportOptions, InputFormat, impact, import_assets,
    parse_input,
};
use medsbom_check::Profile;
use medsbom_store::{DiffTarget, IngestOutcome, IngestRequest, SearchQuery};
use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::findings::{FindingQuery, list_findings};
use medsbom_vuln::import::{ImportOptions as FeedImportOptions, import_paths};

use crate::demo_data::{EXAMPLE_INVENTORY, example_devices, example_feeds};
use crate::output::{self, Status};

/// Arguments of `medsbom demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Directory for the example files and the demo database (recreated).
    #[arg(long, default_value = "medsbom-demo")]
    pub dir: PathBuf,
    /// Judge end-of-support dates as of this date (YYYY-MM-DD) instead of today.
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
}

/// Runs the demo.
pub fn run(args: &DemoArgs) -> anyhow::Result<Status> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: &DemoArgs) -> anyhow::Result<Status> {
    let as_of = match &args.as_of {
        Some(text) => medsbom_model::IsoDate::parse(text)
            .with_context(|| format!("--as-of {text}: not a date (YYYY-MM-DD)"))?,
        None => medsbom_model::IsoDate::today(),
    };
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let db_path = args.dir.join("medsbom.db");
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| {
                format!("cannot remove the old demo database {}", path.display())
            })?;
        }
    }

    let mut report = String::new();
    report.push_str(&format!(
        "== 1. The manufacturers' SBOMs, written by medsbom into {}/\n",
        args.dir.display()
    ));
    let mut files = Vec::new();
    for device in example_devices() {
        let written = medsbom_formats::write(&device.sbom, device.format);
        let path = args.dir.join(device.file_name);
        std::fs::write(&path, &written.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        report.push_str(&format!(
            "   {}  ({} components, {})\n",
            path.display(),
            device.sbom.components.len(),
            device.format.as_str()
        ));
        files.push(path);
    }

    report.push_str(&format!(
        "\n== 2. Procurement check (fda-premarket, as of {as_of}) and ingest into {}\n",
        db_path.display()
    ));
    let location = db_path.display().to_string();
    let vuln_db = VulnDb::open(&location)
        .await
        .context("cannot open the demo database")?;
    let store = vuln_db.store().clone();
    for path in &files {
        let loaded = crate::cmd::input::read_sbom(path)?;
        let check = medsbom_check::check(&loaded.parsed.sbom, Profile::FdaPremarket, Some(as_of));
        let failed: Vec<&str> = check.failed_elements().map(|e| e.id).collect();
        let verdict = if check.conformant {
            "conformant".to_owned()
        } else {
            format!("gaps: {}", failed.join(", "))
        };
        let spec_version = loaded
            .detected
            .spec_version
            .clone()
            .unwrap_or_else(|| loaded.parsed.sbom.spec_version.clone());
        let source_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let request = IngestRequest {
            raw: &loaded.raw,
            format: loaded.detected.format.as_str(),
            spec_version: &spec_version,
            sbom: &loaded.parsed.sbom,
            manufacturer: None,
            product: None,
            product_version: None,
            ingested_by: "demo",
            source_name: source_name.as_deref(),
            check_results: None,
            progress: None,
        };
        let outcome = store
            .ingest(&request)
            .await
            .with_context(|| format!("cannot ingest {}", path.display()))?;
        let stored = outcome.stored();
        let what = match outcome {
            IngestOutcome::Stored(_) => "stored",
            IngestOutcome::AlreadyStored(_) => "already stored",
        };
        report.push_str(&format!(
            "   {} {} {} rev {}: {what}; {} findings; {verdict}\n",
            stored.manufacturer,
            stored.product,
            stored.product_version,
            stored.revision,
            check.findings.len(),
        ));
    }

    report.push_str(
        "\n== 3. Which devices carry OpenSSL?  (medsbom search --purl pkg:generic/openssl)\n",
    );
    let hits = store
        .search(&SearchQuery {
            purl: Some("pkg:generic/openssl".to_owned()),
            ..SearchQuery::default()
        })
        .await?;
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                h.manufacturer.clone(),
                h.product.clone(),
                h.product_version.clone(),
                h.name.clone(),
                h.version.clone().unwrap_or_default(),
                h.support_level.clone().unwrap_or_default(),
            ]
        })
        .collect();
    report.push_str(&indent(&output::table(
        &[
            "MANUFACTURER",
            "PRODUCT",
            "VERSION",
            "COMPONENT",
            "COMPONENT VERSION",
            "SUPPORT",
        ],
        &rows,
    )));

    report.push_str(&format!("\n== 4. Components already past their end of support on {as_of}  (medsbom search --eos-before {as_of})\n"));
    let hits = store
        .search(&SearchQuery {
            eos_before: Some(as_of.to_string()),
            ..SearchQuery::default()
        })
        .await?;
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                h.product.clone(),
                h.product_version.clone(),
                h.name.clone(),
                h.version.clone().unwrap_or_default(),
                h.end_of_support.clone().unwrap_or_default(),
            ]
        })
        .collect();
    report.push_str(&indent(&output::table(
        &[
            "PRODUCT",
            "VERSION",
            "COMPONENT",
            "COMPONENT VERSION",
            "END OF SUPPORT",
        ],
        &rows,
    )));

    report.push_str("\n== 5. What changed from InfuStar 300 4.1.0 to 4.2.0?  (medsbom diff)\n");
    let target = |version: &str| DiffTarget {
        product: "InfuStar 300".to_owned(),
        product_version: version.to_owned(),
        revision: None,
        manufacturer: None,
    };
    let entries = store
        .diff_versions(&target("4.1.0"), &target("4.2.0"))
        .await?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let version = |side: &Option<medsbom_store::ComponentSummary>| {
                side.as_ref()
                    .and_then(|c| c.version.clone())
                    .unwrap_or_default()
            };
            vec![
                e.change.as_str().to_owned(),
                e.identity.clone(),
                version(&e.old),
                version(&e.new),
            ]
        })
        .collect();
    report.push_str(&indent(&output::table(
        &["CHANGE", "COMPONENT", "OLD", "NEW"],
        &rows,
    )));

    let assets = vulnerabilities_and_devices(&args.dir, &vuln_db, &location, &mut report).await;
    let assets = match assets {
        Ok(assets) => assets,
        Err(err) => {
            vuln_db.close().await;
            return Err(err);
        }
    };

    report.push_str(&format!(
        "\nThe database stays in {}: try `medsbom --help`, or e.g.\n   medsbom vulns --db {db} --kev\n   medsbom impact CVE-2021-3711 --db {db} --organization \"{ORGANIZATION}\" --group-by ward\n   medsbom assets show MON-0001 --db {db} --organization \"{ORGANIZATION}\"\n",
        args.dir.display(),
        db = db_path.display()
    ));
    assets.close().await;
    vuln_db.close().await;
    output::print_stdout(&report)?;
    Ok(Status::Success)
}

/// The hospital of the example inventory.
const ORGANIZATION: &str = "St. Example Hospital";

/// Steps 6–9: feeds, findings, inventory and impact. Returns the inventory's pool.
async fn vulnerabilities_and_devices(
    dir: &std::path::Path,
    vuln_db: &VulnDb,
    location: &str,
    report: &mut String,
) -> anyhow::Result<AssetDb> {
    let feeds_dir = dir.join("feeds");
    std::fs::create_dir_all(&feeds_dir)
        .with_context(|| format!("cannot create {}", feeds_dir.display()))?;
    for feed in example_feeds() {
        let path = feeds_dir.join(feed.file_name);
        std::fs::write(&path, feed.content.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    report.push_str(&format!(
        "\n== 6. Offline vulnerability feeds (OSV, NVD, CISA KEV, FIRST EPSS)  (medsbom feeds import {})\n",
        feeds_dir.display()
    ));
    let options = FeedImportOptions {
        match_config: MatchConfig::EXACT,
        progress: None,
    };
    let imported = import_paths(vuln_db, std::slice::from_ref(&feeds_dir), &options).await?;
    report.push_str(&format!(
        "   {} records from {} files ({} errors); {} packages matched, {} findings\n",
        imported.n_records,
        imported.files.len(),
        imported.n_errors,
        imported.matching.n_packages,
        imported.matching.n_added
    ));

    report.push_str("\n== 7. Findings, most urgent first  (medsbom vulns)\n");
    let findings = list_findings(vuln_db, &FindingQuery::default()).await?;
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                format!("{:.0}", f.priority),
                format!("{} {}", f.product, f.product_version),
                format!(
                    "{} {}",
                    f.component,
                    f.component_version.clone().unwrap_or_default()
                ),
                f.vulnerability_id.clone(),
                f.severity.as_str().to_owned(),
                if f.kev.is_some() { "KEV" } else { "" }.to_owned(),
                f.epss
                    .as_ref()
                    .map(|e| format!("{:.3}", e.probability))
                    .unwrap_or_default(),
                f.fixed_versions.join(" "),
            ]
        })
        .collect();
    report.push_str(&indent(&output::table(
        &[
            "PRIORITY",
            "DEVICE",
            "COMPONENT",
            "VULNERABILITY",
            "SEVERITY",
            "KEV",
            "EPSS",
            "FIXED IN",
        ],
        &rows,
    )));

    let inventory_path = dir.join("inventory.csv");
    std::fs::write(&inventory_path, EXAMPLE_INVENTORY)
        .with_context(|| format!("cannot write {}", inventory_path.display()))?;
    report.push_str(&format!(
        "\n== 8. The hospital's device inventory  (medsbom assets import {} --organization \"{ORGANIZATION}\")\n",
        inventory_path.display()
    ));
    let assets = AssetDb::attach(vuln_db.store().clone(), location).await?;
    let input = parse_input(
        EXAMPLE_INVENTORY.as_bytes(),
        InputFormat::Csv,
        None,
        &inventory_path.display().to_string(),
    )?;
    let options = ImportOptions {
        organization: ORGANIZATION,
        dry_run: false,
    };
    let imported = import_assets(&assets, &input, &options).await?;
    report.push_str(&format!(
        "   {} devices imported, {} rejected; {} run a product version without a stored SBOM \
         (medsbom assets list --unknown-versions)\n",
        imported.n_created(),
        imported.rejected.len(),
        medsbom_assets::unknown_product_versions(&assets, ORGANIZATION)
            .await?
            .iter()
            .map(|unknown| unknown.n_assets)
            .sum::<usize>()
    ));

    for (vulnerability, question) in [
        ("CVE-2021-3711", "an OpenSSL flaw"),
        ("CVE-2021-44228", "Log4Shell, known exploited"),
    ] {
        report.push_str(&format!(
            "\n== 9. Which of our devices, where, are hit by {vulnerability} ({question})?  \
             (medsbom impact {vulnerability} --group-by ward)\n"
        ));
        let query = ImpactQuery {
            organization: ORGANIZATION.to_owned(),
            target: ImpactTarget::Vulnerability(vulnerability.to_owned()),
            version_range: None,
            assumed_threat: None,
            include_suppressed: false,
        };
        let affected = impact(&assets, &query).await?;
        report.push_str(&indent(&crate::cmd::impact::report_table(
            &affected,
            Some(GroupBy::Ward),
        )));
    }
    Ok(assets)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| match line.is_empty() {
            true => "\n".to_owned(),
            false => format!("   {line}\n"),
        })
        .collect()
}
