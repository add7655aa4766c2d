//! `medsbom scan-sbom FILE`: matches one SBOM file against the stored feeds without storing
//! it (a one-shot check like `osv-scanner --sbom`), with the output formats and `--fail-on`
//! policy of `medsbom vulns`.

use std::path::PathBuf;

use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::findings::{FindingQuery, scan_sbom};
use medsbom_vuln::status::feed_status;

use crate::cmd::db::{self, DbArgs};
use crate::cmd::vulns::{
    FailOn, VulnFormat, check_probability, fail_status, print_findings, summary,
};
use crate::output::{self, Status};

/// Arguments of `medsbom scan-sbom`.
#[derive(clap::Args)]
pub struct ScanSbomArgs {
    /// The SBOM file (CycloneDX, SPDX or SWID; gzip accepted).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only vulnerabilities in the CISA Known Exploited Vulnerabilities catalog.
    #[arg(long)]
    pub kev: bool,
    /// Only vulnerabilities with a CVSS base score of at least N.
    #[arg(long, value_name = "N")]
    pub min_cvss: Option<f64>,
    /// Only vulnerabilities with an EPSS probability of at least P (0–1).
    #[arg(long, value_name = "P")]
    pub min_epss: Option<f64>,
    /// Only findings with a priority of at least N (0–100).
    #[arg(long, value_name = "N")]
    pub min_priority: Option<f64>,
    /// Also match components without purl or CPE by name against CPE products (low
    /// confidence, many false positives).
    #[arg(long)]
    pub name_heuristics: bool,
    /// Exit with status 1 when a finding has at least this severity, or (kev) is in CISA KEV.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: VulnFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Scans the file; exit status 1 when `--fail-on` is met.
pub fn run(args: &ScanSbomArgs) -> anyhow::Result<Status> {
    check_probability("--min-epss", args.min_epss)?;
    let loaded = crate::cmd::input::read_sbom(&args.file)?;
    let query = FindingQuery {
        product: None,
        kev_only: args.kev,
        min_cvss: args.min_cvss,
        min_epss: args.min_epss,
        min_priority: args.min_priority,
    };
    let config = MatchConfig {
        name_heuristics: args.name_heuristics,
    };
    let findings = db::runtime()?.block_on(async {
        let vuln_db = VulnDb::open(&args.db.location()).await?;
        let feeds = feed_status(&vuln_db, medsbom_model::IsoDate::today(), i64::MAX).await?;
        if !feeds.iter().any(|feed| !matches!(feed.source.as_str(), "kev" | "epss")) {
            output::note("warning: no advisories are stored; import feeds first with `medsbom feeds import PATH`");
        }
        let findings = scan_sbom(&vuln_db, &loaded.parsed.sbom, &config, &query).await;
        vuln_db.close().await;
        anyhow::Ok(findings?)
    })?;
    print_findings(&findings, args.format)?;
    if args.format == VulnFormat::Table {
        output::note(&format!(
            "{}: {} component(s); {}",
            args.file.display(),
            loaded.parsed.sbom.components.len(),
            summary(&findings)
        ));
    }
    Ok(fail_status(&findings, args.fail_on))
}
