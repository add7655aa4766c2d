//! `medsbom impact`: which of our devices, where, a vulnerability or a component affects,
//! most urgent first.
//!
//! Exit status: 0 when no active asset is affected, 1 when some are (a finding).

use anyhow::bail;
use medsbom_assets::priority::ThreatInputs;
use medsbom_assets::{
    GroupBy, ImpactQuery, ImpactReport, ImpactRow, ImpactTarget, group_rows, impact,
};
use medsbom_vuln::priority::Severity;
use serde_json::{Value, json};

use crate::cmd::assets::{OrganizationArgs, open};
use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom impact`.
#[derive(clap::Args)]
#[command(group(
    clap::ArgGroup::new("component_search").args(["purl", "cpe", "component"]).multiple(false)
))]
pub struct ImpactArgs {
    /// A vulnerability id: CVE, GHSA, OSV id, … (any alias of the vulnerability).
    #[arg(value_name = "VULN-ID", required_unless_present_any = ["purl", "cpe", "component"])]
    pub vulnerability: Option<String>,
    /// Instead of a vulnerability: a package URL; without a version every version.
    #[arg(long, conflicts_with = "vulnerability")]
    pub purl: Option<String>,
    /// Instead of a vulnerability: a CPE name or pattern (2.3 or 2.2 URI form).
    #[arg(long, conflicts_with = "vulnerability")]
    pub cpe: Option<String>,
    /// Instead of a vulnerability: a component name (case-insensitive).
    #[arg(long, conflicts_with = "vulnerability")]
    pub component: Option<String>,
    /// With --purl, --cpe or --component: only component versions in this range, e.g.
    /// 'vers:npm/<4.17.21' (the ecosystem's own ordering applies).
    #[arg(long, value_name = "VERS", requires = "component_search")]
    pub version_range: Option<String>,
    /// With a component search: the CVSS base score to assume (for a vulnerability not yet
    /// in the feeds).
    #[arg(long, value_name = "SCORE", requires = "component_search", value_parser = parse_cvss)]
    pub cvss: Option<f64>,
    /// With a component search: assume the vulnerability is known to be exploited.
    #[arg(long, requires = "component_search")]
    pub kev: bool,
    /// With a component search: the EPSS probability to assume (0–1).
    #[arg(long, value_name = "P", requires = "component_search", value_parser = parse_probability)]
    pub epss: Option<f64>,
    /// Group the assets by site, by ward (site and department) or by product version.
    #[arg(long, value_enum, value_name = "BY")]
    pub group_by: Option<GroupByArg>,
    /// Also list assets whose product version VEX marks not_affected or fixed.
    #[arg(long)]
    pub include_suppressed: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--group-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupByArg {
    /// By site.
    Site,
    /// By site and ward.
    Ward,
    /// By manufacturer, product and version.
    Product,
}

/// Lists the affected assets.
pub fn run(args: &ImpactArgs) -> anyhow::Result<Status> {
    let target = match (&args.vulnerability, &args.purl, &args.cpe, &args.component) {
        (Some(id), None, None, None) => ImpactTarget::Vulnerability(id.clone()),
        (None, Some(purl), None, None) => ImpactTarget::Purl(purl.clone()),
        (None, None, Some(cpe), None) => ImpactTarget::Cpe(cpe.clone()),
        (None, None, None, Some(name)) => ImpactTarget::Component(name.clone()),
        _ => bail!("give one of VULN-ID, --purl, --cpe or --component"),
    };
    let assumed = args.cvss.is_some() || args.kev || args.epss.is_some();
    let assumed_threat = assumed.then(|| ThreatInputs {
        cvss: args.cvss,
        severity: args.cvss.map_or(Severity::Unknown, Severity::from_cvss),
        kev: args.kev,
        epss: args.epss,
        ..ThreatInputs::unknown()
    });
    let query = ImpactQuery {
        organization: args.organization.organization.clone(),
        target,
        version_range: args.version_range.clone(),
        assumed_threat,
        include_suppressed: args.include_suppressed,
    };
    let report = db::runtime()?.block_on(async {
        let db = open(&args.db).await?;
        let report = impact(&db, &query).await;
        db.close().await;
        anyhow::Ok(report?)
    })?;
    let group_by = args.group_by.map(|by| match by {
        GroupByArg::Site => GroupBy::Site,
        GroupByArg::Ward => GroupBy::Ward,
        GroupByArg::Product => GroupBy::Product,
    });
    match args.format {
        ListFormat::Json => output::print_json(&report_json(&report, group_by))?,
        ListFormat::Csv => output::print_stdout(&report_csv(&report, group_by)?)?,
        ListFormat::Table => {
            output::print_stdout(&report_table(&report, group_by))?;
            output::note(&summary(&report));
        }
    }
    if report.rows.is_empty() {
        return Ok(Status::Success);
    }
    Ok(Status::Finding)
}

/// One impact row as JSON (the stable contract; also used by `medsbom assets show`).
pub fn row_json(row: &ImpactRow) -> Value {
    json!({
        "asset_id": row.asset_id,
        "manufacturer": row.manufacturer,
        "product": row.product,
        "product_version": row.product_version,
        "location": row.location(),
        "site": row.site,
        "building": row.building,
        "department": row.department,
        "zone": row.zone,
        "ip": row.ip,
        "hostname": row.hostname,
        "criticality": row.criticality.map(|c| c.as_str()),
        "exposure": row.exposure.map(|e| e.as_str()),
        "default_credentials": row.default_credentials,
        "component": row.component,
        "component_version": row.component_version,
        "purl": row.purl,
        "vulnerability_id": row.vulnerability_id,
        "vex_status": row.vex_status,
        "priority": row.priority,
        "priority_inputs": {
            "cvss": row.threat.cvss,
            "severity": row.threat.severity.as_str(),
            "kev": row.threat.kev,
            "epss": row.threat.epss,
            "vulnerability_priority": row.vulnerability_priority,
            "criticality_weight": row.criticality_weight,
            "exposure_weight": row.exposure_weight,
        },
    })
}

fn report_json(report: &ImpactReport, group_by: Option<GroupBy>) -> Value {
    let rows: Vec<Value> = match group_by {
        None => report.rows.iter().map(row_json).collect(),
        Some(by) => group_rows(&report.rows, by)
            .iter()
            .flat_map(|group| {
                group.rows.iter().map(|row| {
                    let mut value = row_json(row);
                    if let Value::Object(map) = &mut value {
                        map.insert("group".to_owned(), json!(group.key));
                    }
                    value
                })
            })
            .collect(),
    };
    Value::Array(rows)
}

const CSV_HEADER: [&str; 25] = [
    "group",
    "asset_id",
    "manufacturer",
    "product",
    "product_version",
    "location",
    "site",
    "building",
    "department",
    "zone",
    "ip",
    "hostname",
    "criticality",
    "exposure",
    "default_credentials",
    "component",
    "component_version",
    "vulnerability_id",
    "vex_status",
    "priority",
    "cvss",
    "kev",
    "epss",
    "criticality_weight",
    "exposure_weight",
];

fn report_csv(report: &ImpactReport, group_by: Option<GroupBy>) -> anyhow::Result<String> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let csv_row = |group: &str, row: &ImpactRow| {
        vec![
            group.to_owned(),
            row.asset_id.clone(),
            text(&row.manufacturer),
            text(&row.product),
            text(&row.product_version),
            row.location(),
            text(&row.site),
            text(&row.building),
            text(&row.department),
            text(&row.zone),
            text(&row.ip),
            text(&row.hostname),
            row.criticality
                .map(|c| c.as_str())
                .unwrap_or_default()
                .to_owned(),
            row.exposure
                .map(|e| e.as_str())
                .unwrap_or_default()
                .to_owned(),
            row.default_credentials.to_string(),
            row.component.clone(),
            text(&row.component_version),
            text(&row.vulnerability_id),
            text(&row.vex_status),
            format!("{:.1}", row.priority),
            row.threat
                .cvss
                .map(|c| format!("{c:.1}"))
                .unwrap_or_default(),
            row.threat.kev.to_string(),
            row.threat.epss.map(|e| e.to_string()).unwrap_or_default(),
            format!("{:.2}", row.criticality_weight),
            format!("{:.2}", row.exposure_weight),
        ]
    };
    let rows: Vec<Vec<String>> = match group_by {
        None => report.rows.iter().map(|row| csv_row("", row)).collect(),
        Some(by) => group_rows(&report.rows, by)
            .iter()
            .flat_map(|group| {
                group
                    .rows
                    .iter()
                    .map(|row| csv_row(&group.key, row))
                    .collect::<Vec<_>>()
            })
            .collect(),
    };
    output::csv(&CSV_HEADER, &rows)
}

const TABLE_HEADER: [&str; 11] = [
    "PRIORITY",
    "ASSET",
    "LOCATION",
    "CRITICALITY",
    "EXPOSURE",
    "ZONE",
    "PRODUCT",
    "COMPONENT",
    "VEX",
    "V",
    "C×X",
];

fn table_rows(rows: &[ImpactRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            let product = [row.product.as_deref(), row.product_version.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let component = match &row.component_version {
                Some(version) => format!("{} {version}", row.component),
                None => row.component.clone(),
            };
            vec![
                format!("{:.1}", row.priority),
                row.asset_id.clone(),
                row.location(),
                row.criticality.map_or("?", |c| c.as_str()).to_owned(),
                format!(
                    "{}{}",
                    row.exposure.map_or("?", |e| e.as_str()),
                    if row.default_credentials {
                        " +creds"
                    } else {
                        ""
                    }
                ),
                row.zone.clone().unwrap_or_default(),
                product,
                component,
                row.vex_status.clone().unwrap_or_default(),
                format!("{:.1}", row.vulnerability_priority),
                format!("{:.2}×{:.2}", row.criticality_weight, row.exposure_weight),
            ]
        })
        .collect()
}

/// The impact report as a text table (also used by `medsbom demo`).
pub(crate) fn report_table(report: &ImpactReport, group_by: Option<GroupBy>) -> String {
    let mut res = String::new();
    if let Some(vulnerability) = &report.vulnerability {
        let threat = &vulnerability.threat;
        res.push_str(&format!(
            "{}{}: CVSS {}, severity {}, KEV {}, EPSS {}, vulnerability priority V = {:.1}\n",
            vulnerability.id,
            vulnerability
                .summary
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default(),
            threat.cvss.map_or("-".to_owned(), |c| format!("{c:.1}")),
            threat.severity.as_str(),
            if threat.kev { "yes" } else { "no" },
            threat.epss.map_or("-".to_owned(), |e| format!("{e:.3}")),
            threat.vulnerability_priority()
        ));
        res.push_str(
            "priority = V × (0.25 + 0.75 × C × X); C = criticality weight, X = exposure weight\n\n",
        );
    }
    match group_by {
        None => res.push_str(&output::table(&TABLE_HEADER, &table_rows(&report.rows))),
        Some(by) => {
            for group in group_rows(&report.rows, by) {
                res.push_str(&format!(
                    "== {} — {} row(s), highest priority {:.1}\n",
                    group.key,
                    group.rows.len(),
                    group.max_priority
                ));
                res.push_str(&output::table(&TABLE_HEADER, &table_rows(&group.rows)));
                res.push('\n');
            }
        }
    }
    res
}

fn summary(report: &ImpactReport) -> String {
    let mut res = format!(
        "{} asset(s) affected ({} row(s))",
        report.n_assets(),
        report.rows.len()
    );
    if 0 < report.n_suppressed {
        res.push_str(&format!(
            "; {} row(s) suppressed by VEX (--include-suppressed lists them)",
            report.n_suppressed
        ));
    }
    res
}

fn parse_cvss(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(score) if (0.0..=10.0).contains(&score) => Ok(score),
        _ => Err(format!("{text:?} is not a CVSS score between 0 and 10")),
    }
}

fn parse_probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{text:?} is not a probability between 0 and 1")),
    }
}
