//! `medsbom vulns`: the vulnerability findings of the stored SBOMs (the newest SBOM of each
//! product version), highest priority first, as a table, JSON, CSV or SARIF; `--fail-on`
//! turns them into an exit status for CI gating.
//!
//! The rendering and the `--fail-on` policy are shared with `medsbom scan-sbom`.

use clap::ValueEnum;
use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::findings::{FindingQuery, VulnFinding, list_findings};
use medsbom_vuln::matching::{match_unmatched, rematch_all};
use medsbom_vuln::priority::Severity;
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, Status};

/// Arguments of `medsbom vulns`.
#[derive(clap::Args)]
pub struct VulnsArgs {
    /// Only this product (exact name).
    #[arg(long, value_name = "P")]
    pub product: Option<String>,
    /// Only vulnerabilities in the CISA Known Exploited Vulnerabilities catalog.
    #[arg(long)]
    pub kev: bool,
    /// Only vulnerabilities with a CVSS base score of at least N.
    #[arg(long, value_name = "N")]
    pub min_cvss: Option<f64>,
    /// Only vulnerabilities with an EPSS probability of at least P (0–1).
    #[arg(long, value_name = "P")]
    pub min_epss: Option<f64>,
    /// Only findings with a priority of at least N (0–100; KEV ≥ 60).
    #[arg(long, value_name = "N")]
    pub min_priority: Option<f64>,
    /// Exit with status 1 when a listed finding has at least this severity, or (kev) is in
    /// CISA KEV.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Match every stored package again before listing (after changing matching rules).
    #[arg(long)]
    pub rematch: bool,
    /// Also list findings that VEX or an analysis marks not_affected or fixed (hidden by
    /// default), with the reason.
    #[arg(long)]
    pub all: bool,
    /// List the open findings per deployed device (asset) of --organization instead, with
    /// the asset priority of `medsbom impact`.
    #[arg(long)]
    pub by_asset: bool,
    /// With --by-asset: only devices at this site.
    #[arg(long, value_name = "SITE", requires = "by_asset")]
    pub site: Option<String>,
    /// With --by-asset: only devices in this ward or department.
    #[arg(long, value_name = "WARD", requires = "by_asset")]
    pub department: Option<String>,
    #[command(flatten)]
    pub organization: crate::cmd::assets::OrganizationArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: VulnFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--format` of the vulnerability listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VulnFormat {
    /// A readable table (not a stable contract).
    Table,
    /// A JSON array of finding objects (a stable contract).
    Json,
    /// CSV with a header row.
    Csv,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// `--fail-on` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A critical finding (CVSS ≥ 9.0).
    Critical,
    /// A high or critical finding (CVSS ≥ 7.0).
    High,
    /// A medium or worse finding (CVSS ≥ 4.0).
    Medium,
    /// Any low or worse finding.
    Low,
    /// A finding in CISA KEV.
    Kev,
}

/// Lists the findings; exit status 1 when `--fail-on` is met.
pub fn run(args: &VulnsArgs) -> anyhow::Result<Status> {
    check_probability("--min-epss", args.min_epss)?;
    if args.by_asset {
        return crate::cmd::by_asset::run(args);
    }
    let query = FindingQuery {
        product: args.product.clone(),
        kev_only: args.kev,
        min_cvss: args.min_cvss,
        min_epss: args.min_epss,
        min_priority: args.min_priority,
    };
    let findings = db::runtime()?.block_on(async {
        let vuln_db = VulnDb::open(&args.db.location()).await?;
        // Packages ingested without the matching step are matched now.
        let report = if args.rematch {
            rematch_all(&vuln_db, &MatchConfig::EXACT).await?
        } else {
            match_unmatched(&vuln_db, &MatchConfig::EXACT).await?
        };
        if 0 < report.n_packages {
            output::note(&format!(
                "matched {} package(s): {} finding(s) added, {} removed",
                report.n_packages, report.n_added, report.n_removed
            ));
        }
        let findings = list_findings(&vuln_db, &query).await;
        vuln_db.close().await;
        anyhow::Ok(findings?)
    })?;
    let n_before = findings.len();
    let findings: Vec<VulnFinding> = findings
        .into_iter()
        .filter(|finding| args.all || !vex_suppressed(finding))
        .collect();
    let n_hidden = n_before - findings.len();
    print_findings(&findings, args.format)?;
    if args.format == VulnFormat::Table {
        output::note(&summary(&findings));
    }
    if 0 < n_hidden {
        output::note(&format!(
            "{n_hidden} finding(s) not listed: VEX or an analysis says not_affected or fixed \
             (--all lists them with the reason)"
        ));
    }
    Ok(fail_status(&findings, args.fail_on))
}

/// Whether VEX (or the own analysis) says the finding is `not_affected` or `fixed`.
pub(crate) fn vex_suppressed(finding: &VulnFinding) -> bool {
    matches!(
        finding.vex_status.as_deref(),
        Some("not_affected" | "fixed")
    )
}

/// The finding as `medsbom analysis set` names it: `PRODUCT@VERSION:COMPONENT:VULN-ID`
/// (COMPONENT the purl, else the CPE).
pub(crate) fn finding_ref(finding: &VulnFinding) -> Option<String> {
    let component = finding.purl.as_ref().or(finding.cpe.as_ref())?;
    Some(format!(
        "{}@{}:{component}:{}",
        finding.product, finding.product_version, finding.vulnerability_id
    ))
}

/// `not_affected (vulnerable_code_not_in_execute_path)`, or empty.
fn vex_text(finding: &VulnFinding) -> String {
    match (&finding.vex_status, &finding.vex_justification) {
        (Some(status), Some(justification)) => format!("{status} ({justification})"),
        (Some(status), None) => status.clone(),
        (None, _) => String::new(),
    }
}

/// Rejects a probability outside [0, 1].
pub(crate) fn check_probability(flag: &str, value: Option<f64>) -> anyhow::Result<()> {
    match value {
        Some(p) if !(0.0..=1.0).contains(&p) => {
            anyhow::bail!("{flag} {p} is not a probability; give a number from 0 to 1")
        }
        _ => Ok(()),
    }
}

/// `N finding(s): C critical, H high, …, K in KEV`.
pub(crate) fn summary(findings: &[VulnFinding]) -> String {
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
    format!(
        "{} finding(s): {} critical, {} high, {} medium, {} low, {} unknown; {} in KEV",
        findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low) + count(Severity::None),
        count(Severity::Unknown),
        findings.iter().filter(|f| f.kev.is_some()).count(),
    )
}

/// Exit status 1 when a finding meets the `--fail-on` level.
pub(crate) fn fail_status(findings: &[VulnFinding], fail_on: Option<FailOn>) -> Status {
    let Some(fail_on) = fail_on else {
        return Status::Success;
    };
    let minimum = match fail_on {
        FailOn::Kev => return status_if(findings.iter().any(|f| f.kev.is_some())),
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
    };
    status_if(findings.iter().any(|f| minimum <= f.severity))
}

fn status_if(failed: bool) -> Status {
    if failed {
        Status::Finding
    } else {
        Status::Success
    }
}

const HEADER: [&str; 13] = [
    "PRIORITY",
    "SEVERITY",
    "CVSS",
    "KEV",
    "EPSS",
    "PRODUCT",
    "VERSION",
    "COMPONENT",
    "COMPONENT VERSION",
    "VULNERABILITY",
    "ALIASES",
    "FIXED",
    "VEX",
];

/// Prints findings in the chosen format.
pub(crate) fn print_findings(findings: &[VulnFinding], format: VulnFormat) -> anyhow::Result<()> {
    match format {
        VulnFormat::Json => {
            output::print_json(&Value::Array(findings.iter().map(finding_json).collect()))
        }
        VulnFormat::Sarif => output::print_json(&sarif(findings)),
        VulnFormat::Table => {
            let rows: Vec<Vec<String>> = findings.iter().map(table_row).collect();
            output::print_stdout(&output::table(&HEADER, &rows))
        }
        VulnFormat::Csv => {
            let rows: Vec<Vec<String>> = findings.iter().map(csv_row).collect();
            output::print_stdout(&output::csv(&CSV_HEADER, &rows)?)
        }
    }
}

fn table_row(finding: &VulnFinding) -> Vec<String> {
    vec![
        format!("{:.1}", finding.priority),
        finding.severity.as_str().to_owned(),
        finding
            .cvss
            .as_ref()
            .map(|c| format!("{:.1}", c.score))
            .unwrap_or_default(),
        if finding.kev.is_some() { "yes" } else { "" }.to_owned(),
        finding
            .epss
            .as_ref()
            .map(|e| format!("{:.3}", e.probability))
            .unwrap_or_default(),
        finding.product.clone(),
        finding.product_version.clone(),
        finding.component.clone(),
        finding.component_version.clone().unwrap_or_default(),
        finding.vulnerability_id.clone(),
        finding.aliases.join(" "),
        finding.fixed_versions.join(" "),
        vex_text(finding),
    ]
}

const CSV_HEADER: [&str; 18] = [
    "priority",
    "severity",
    "cvss",
    "cvss_vector",
    "kev",
    "kev_date_added",
    "epss",
    "epss_percentile",
    "manufacturer",
    "product",
    "product_version",
    "component",
    "component_version",
    "purl",
    "vulnerability_id",
    "aliases",
    "fixed_versions",
    "match_basis",
];

fn csv_row(finding: &VulnFinding) -> Vec<String> {
    let basis: Vec<String> = finding
        .match_basis
        .iter()
        .map(|b| format!("{}:{}:{}", b.advisory_id, b.basis.as_str(), b.identifier))
        .collect();
    vec![
        format!("{:.1}", finding.priority),
        finding.severity.as_str().to_owned(),
        finding
            .cvss
            .as_ref()
            .map(|c| c.score.to_string())
            .unwrap_or_default(),
        finding
            .cvss
            .as_ref()
            .map(|c| c.vector.clone())
            .unwrap_or_default(),
        finding.kev.is_some().to_string(),
        finding
            .kev
            .as_ref()
            .map(|k| k.date_added.clone())
            .unwrap_or_default(),
        finding
            .epss
            .as_ref()
            .map(|e| e.probability.to_string())
            .unwrap_or_default(),
        finding
            .epss
            .as_ref()
            .map(|e| e.percentile.to_string())
            .unwrap_or_default(),
        finding.manufacturer.clone().unwrap_or_default(),
        finding.product.clone(),
        finding.product_version.clone(),
        finding.component.clone(),
        finding.component_version.clone().unwrap_or_default(),
        finding
            .purl
            .clone()
            .or_else(|| finding.cpe.clone())
            .unwrap_or_default(),
        finding.vulnerability_id.clone(),
        finding.aliases.join(" "),
        finding.fixed_versions.join(" "),
        basis.join(" "),
    ]
}

/// The JSON object of a finding (a stable contract).
pub(crate) fn finding_json(finding: &VulnFinding) -> Value {
    let basis: Vec<Value> = finding
        .match_basis
        .iter()
        .map(|b| {
            json!({
                "advisory_id": b.advisory_id,
                "feed": b.feed,
                "basis": b.basis.as_str(),
                "confidence": b.confidence,
                "identifier": b.identifier,
                "range": b.range,
            })
        })
        .collect();
    json!({
        "manufacturer": finding.manufacturer,
        "product": finding.product,
        "product_version": finding.product_version,
        "component": finding.component,
        "component_version": finding.component_version,
        "purl": finding.purl,
        "cpe": finding.cpe,
        "vulnerability_id": finding.vulnerability_id,
        "aliases": finding.aliases,
        "summary": finding.summary,
        "severity": finding.severity.as_str(),
        "cvss": finding.cvss.as_ref().map(|c| c.score),
        "cvss_version": finding.cvss.as_ref().map(|c| c.version.clone()),
        "cvss_vector": finding.cvss.as_ref().map(|c| c.vector.clone()),
        "kev": finding.kev.is_some(),
        "kev_date_added": finding.kev.as_ref().map(|k| k.date_added.clone()),
        "kev_due_date": finding.kev.as_ref().and_then(|k| k.due_date.clone()),
        "kev_ransomware": finding.kev.as_ref().map(|k| k.ransomware),
        "epss": finding.epss.as_ref().map(|e| e.probability),
        "epss_percentile": finding.epss.as_ref().map(|e| e.percentile),
        "epss_model_version": finding.epss.as_ref().and_then(|e| e.model_version.clone()),
        "epss_score_date": finding.epss.as_ref().and_then(|e| e.score_date.clone()),
        "ssvc": finding.ssvc.as_ref().map(|s| json!({
            "exploitation": s.exploitation,
            "automatable": s.automatable,
            "technical_impact": s.technical_impact,
        })),
        "priority": finding.priority,
        "fixed_versions": finding.fixed_versions,
        "match_basis": basis,
        "finding": finding_ref(finding),
        "vex_status": finding.vex_status,
        "vex_justification": finding.vex_justification,
        "vex_source": finding.vex_source,
        "vex_detail": finding.vex_detail,
        "vex_time": finding.vex_time,
    })
}

/// SARIF 2.1.0: one rule per vulnerability, one result per finding, located logically at
/// the component of the product version.
fn sarif(findings: &[VulnFinding]) -> Value {
    let mut rule_ids: Vec<&str> = findings
        .iter()
        .map(|f| f.vulnerability_id.as_str())
        .collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let finding = findings.iter().find(|f| f.vulnerability_id == *id);
            let summary = finding
                .and_then(|f| f.summary.clone())
                .unwrap_or_else(|| (*id).to_owned());
            let mut properties = json!({"tags": ["security", "vulnerability"]});
            if let Some(cvss) = finding.and_then(|f| f.cvss.as_ref()) {
                properties["security-severity"] = json!(format!("{:.1}", cvss.score));
            }
            json!({
                "id": id,
                "shortDescription": {"text": summary},
                "helpUri": help_uri(id),
                "properties": properties,
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                _ => "note",
            };
            let component = match &f.component_version {
                Some(version) => format!("{} {version}", f.component),
                None => f.component.clone(),
            };
            let mut text = format!(
                "{component} in {} {} is affected by {}",
                f.product, f.product_version, f.vulnerability_id
            );
            if !f.aliases.is_empty() {
                text.push_str(&format!(" ({})", f.aliases.join(", ")));
            }
            if !f.fixed_versions.is_empty() {
                text.push_str(&format!("; fixed in {}", f.fixed_versions.join(", ")));
            }
            json!({
                "ruleId": f.vulnerability_id,
                "level": level,
                "message": {"text": text},
                "locations": [{"logicalLocations": [{
                    "name": f.purl.clone().or_else(|| f.cpe.clone()).unwrap_or_else(|| f.component.clone()),
                    "fullyQualifiedName": format!("{}@{}/{}", f.product, f.product_version, component),
                    "kind": "package",
                }]}],
                "properties": {
                    "priority": f.priority,
                    "severity": f.severity.as_str(),
                    "kev": f.kev.is_some(),
                    "epss": f.epss.as_ref().map(|e| e.probability),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "medsbom",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A page about the vulnerability: NVD for CVE ids, GitHub for GHSA ids, OSV otherwise.
fn help_uri(id: &str) -> String {
    if id.starts_with("CVE-") {
        format!("https://nvd.nist.gov/vuln/detail/{id}")
    } else if id.starts_with("GHSA-") {
        format!("https://github.com/advisories/{id}")
    } else {
        format!("https://osv.dev/vulnerability/{id}")
    }
}
