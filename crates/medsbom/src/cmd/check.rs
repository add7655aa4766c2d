//! `medsbom check FILE... [--profile P]...`: conformance to the NTIA minimum elements and the
//! other profiles of `medsbom-check`, with the quality findings a reviewer acts on.
//!
//! Output: a readable table (default), JSON (one object per file and profile, an array when
//! there are several; a stable contract), SARIF 2.1.0 for CI pipelines, or a self-contained
//! HTML page. Exit status: 0 when every file conforms to every profile asked for, 1 when one
//! does not, 2 on a usage error or a file that cannot be read.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use medsbom_check::render::{HtmlDocument, HtmlOptions};
use medsbom_check::{ElementResult, FINDING_IDS, Finding, Profile, Report, Severity};
use medsbom_model::{Component, IsoDate, Sbom};
use serde_json::{Value, json};

use crate::output::{self, Status};

/// Arguments of `medsbom check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// SBOM files (CycloneDX JSON/XML, SPDX JSON/YAML/tag-value, SPDX 3 JSON-LD, SWID; gzip ok).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Profile to check against; repeat for several, or `all`. Profiles: ntia-2021 (the
    /// default), fsct3-min, cisa-2025-draft, fda-premarket, imdrf-n73.
    #[arg(long = "profile", short = 'p', value_name = "PROFILE", value_parser = parse_profile_arg)]
    pub profiles: Vec<ProfileArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CheckFormat,
    /// Write the output to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Judge end-of-support dates as of this date (YYYY-MM-DD) instead of today.
    #[arg(long = "as-of", value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// How many failing components and findings to list per element in table and HTML output
    /// (JSON and SARIF list them all).
    #[arg(long = "max-listed", value_name = "N", default_value_t = 10)]
    pub max_listed: usize,
}

/// One `--profile` value: a profile, or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileArg {
    /// One named profile.
    One(Profile),
    /// Every profile.
    All,
}

/// `--format` of `medsbom check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Elements with their failing components, then findings (not a stable contract).
    Table,
    /// `{"file","format","profile","conformant","elements":[…],"findings":[…]}` per file and
    /// profile; an array of them when there are several.
    Json,
    /// A SARIF 2.1.0 log: one result per failed element and per finding.
    Sarif,
    /// A self-contained, printable HTML report (use with `-o report.html`).
    Html,
}

fn parse_profile_arg(text: &str) -> Result<ProfileArg, String> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(ProfileArg::All);
    }
    text.parse::<Profile>()
        .map(ProfileArg::One)
        .map_err(|err| err.to_string())
}

fn parse_date(text: &str) -> Result<IsoDate, String> {
    match IsoDate::parse(text) {
        Some(date) => Ok(date),
        None => Err(format!("{text:?} is not a date; expected YYYY-MM-DD")),
    }
}

/// The flags resolved once: the profiles in order without repeats, and the reference date.
struct Config {
    profiles: Vec<Profile>,
    as_of: IsoDate,
}

impl Config {
    fn new(args: &CheckArgs) -> Config {
        let mut profiles: Vec<Profile> = Vec::new();
        for arg in &args.profiles {
            let chosen: &[Profile] = match arg {
                ProfileArg::One(profile) => std::slice::from_ref(profile),
                ProfileArg::All => Profile::all(),
            };
            for profile in chosen {
                if !profiles.contains(profile) {
                    profiles.push(*profile);
                }
            }
        }
        if profiles.is_empty() {
            profiles.push(Profile::Ntia2021);
        }
        Config {
            profiles,
            as_of: args.as_of.unwrap_or_else(IsoDate::today),
        }
    }
}

/// One file that was read and checked.
struct Checked {
    file: String,
    format: &'static str,
    sbom: Sbom,
    reports: Vec<Report>,
}

/// Checks every file against every profile asked for.
pub fn run(args: &CheckArgs) -> anyhow::Result<Status> {
    let config = Config::new(args);
    let mut checked = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let loaded = crate::cmd::input::read_sbom(file)?;
        let sbom = loaded.parsed.sbom;
        let reports = medsbom_check::check_many(&sbom, &config.profiles, Some(config.as_of));
        checked.push(Checked {
            file: file.display().to_string(),
            format: loaded.detected.format.as_str(),
            sbom,
            reports,
        });
    }

    let text = match args.format {
        CheckFormat::Table => table_text(&checked, args.max_listed),
        CheckFormat::Json => json_text(&checked)?,
        CheckFormat::Sarif => sarif_text(&checked)?,
        CheckFormat::Html => html_text(&checked, &config, args.max_listed),
    };
    match &args.output {
        Some(path) => write_output(path, &text)?,
        None => output::print_stdout(&text)?,
    }

    let all_conform = checked
        .iter()
        .flat_map(|c| &c.reports)
        .all(|r| r.conformant);
    Ok(if all_conform {
        Status::Success
    } else {
        Status::Finding
    })
}

fn write_output(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// How a report line names a component: `name@version (ref)` when the reference says
/// something else, else just the reference.
fn describe_ref(component: Option<&Component>, reference: &str) -> String {
    let Some(component) = component else {
        return reference.to_owned();
    };
    let name = match component.version.as_deref().map(str::trim) {
        Some(version) if !version.is_empty() => format!("{}@{version}", component.name.trim()),
        _ => component.name.trim().to_owned(),
    };
    if name.is_empty() || name == reference {
        return reference.to_owned();
    }
    format!("{name} ({reference})")
}

fn table_text(checked: &[Checked], max_listed: usize) -> String {
    let mut res = String::new();
    for (idx, file) in checked.iter().enumerate() {
        // Reference → component, built once per file: the element lists of a 50,000
        // component document would otherwise search the components again and again.
        let by_ref: HashMap<&str, &Component> = file
            .sbom
            .components
            .iter()
            .map(|c| (c.bom_ref.as_str(), c))
            .collect();
        let describe = |reference: &str| describe_ref(by_ref.get(reference).copied(), reference);
        for (report_idx, report) in file.reports.iter().enumerate() {
            if 0 < idx + report_idx {
                res.push('\n');
            }
            let n_failed = report.failed_elements().count();
            res.push_str(&format!(
                "{}: {} {}: {}\n",
                file.file,
                file.format,
                report.profile.as_str(),
                if report.conformant {
                    format!(
                        "conforms ({} elements, {} components)",
                        report.elements.len(),
                        report.n_components
                    )
                } else {
                    format!(
                        "DOES NOT CONFORM ({n_failed} of {} elements fail, {} components)",
                        report.elements.len(),
                        report.n_components
                    )
                }
            ));
            let rows: Vec<Vec<String>> = report.elements.iter().map(element_row).collect();
            res.push_str(&indent(&output::table(
                &["ELEMENT", "RESULT", "FAILING", "WHY"],
                &rows,
            )));
            for element in report.failed_elements().filter(|e| !e.failing.is_empty()) {
                res.push_str(&format!(
                    "  {} ({} failing):\n",
                    element.id, element.failing_count
                ));
                for reference in element.failing.iter().take(max_listed) {
                    res.push_str(&format!("    {}\n", describe(reference)));
                }
                if max_listed < element.failing_count {
                    res.push_str(&format!(
                        "    … and {} more\n",
                        element.failing_count - max_listed
                    ));
                }
            }
            findings_text(&mut res, &report.findings, max_listed);
        }
    }
    res
}

fn element_row(element: &ElementResult) -> Vec<String> {
    vec![
        element.id.to_owned(),
        if element.passed {
            "pass".to_owned()
        } else {
            "FAIL".to_owned()
        },
        if element.failing_count == 0 {
            String::new()
        } else {
            element.failing_count.to_string()
        },
        element.detail.clone().unwrap_or_default(),
    ]
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

/// Findings grouped by id (in order of first appearance), with the first few messages.
fn findings_text(res: &mut String, findings: &[Finding], max_listed: usize) {
    if findings.is_empty() {
        return;
    }
    let mut order: Vec<&str> = Vec::new();
    for finding in findings {
        if !order.contains(&finding.id) {
            order.push(finding.id);
        }
    }
    res.push_str("  findings:\n");
    for id in order {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.id == id).collect();
        let severity = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        res.push_str(&format!(
            "    {} {id} ({}):\n",
            severity.as_str(),
            group.len()
        ));
        for finding in group.iter().take(max_listed) {
            res.push_str(&format!("      {}\n", finding.message));
        }
        if max_listed < group.len() {
            res.push_str(&format!("      … and {} more\n", group.len() - max_listed));
        }
    }
}

/// The JSON object of one report (the `check --format json` contract).
fn report_json(file: &Checked, report: &Report) -> Value {
    json!({
        "file": file.file,
        "format": file.format,
        "profile": report.profile.as_str(),
        "conformant": report.conformant,
        "n_components": report.n_components,
        "elements": report.elements.iter().map(|e| json!({
            "id": e.id,
            "title": e.title,
            "passed": e.passed,
            "failing": e.failing,
            "failing_count": e.failing_count,
            "detail": e.detail,
        })).collect::<Vec<_>>(),
        "findings": report.findings.iter().map(|f| json!({
            "id": f.id,
            "severity": f.severity.as_str(),
            "component": f.component,
            "message": f.message,
        })).collect::<Vec<_>>(),
    })
}

fn json_text(checked: &[Checked]) -> anyhow::Result<String> {
    let mut objects: Vec<Value> = checked
        .iter()
        .flat_map(|file| {
            file.reports
                .iter()
                .map(move |report| report_json(file, report))
        })
        .collect();
    let value = match objects.len() {
        1 => objects.pop().unwrap_or(Value::Null),
        _ => Value::Array(objects),
    };
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    Ok(text)
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// A SARIF 2.1.0 log: failed elements are `error` results (rule id = element id, the profile
/// in `properties`); findings are results of their own rule, once per file even when several
/// profiles report them.
fn sarif_text(checked: &[Checked]) -> anyhow::Result<String> {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: HashSet<String> = HashSet::new();
    for profile in Profile::all() {
        for element in profile.elements() {
            if rule_ids.insert(element.id().to_owned()) {
                rules.push(json!({
                    "id": element.id(),
                    "name": element.title(),
                    "shortDescription": {"text": element.title()},
                    "defaultConfiguration": {"level": "error"},
                }));
            }
        }
    }
    for (id, meaning) in FINDING_IDS {
        if rule_ids.insert((*id).to_owned()) {
            rules.push(json!({
                "id": id,
                "shortDescription": {"text": meaning},
            }));
        }
    }

    let mut results: Vec<Value> = Vec::new();
    for file in checked {
        let location = json!([{"physicalLocation": {"artifactLocation": {"uri": file.file}}}]);
        let mut seen_findings: HashSet<(&str, Option<&str>, &str)> = HashSet::new();
        for report in &file.reports {
            for element in report.failed_elements() {
                let mut message = format!("{}: {} fails", report.profile.as_str(), element.title);
                if let Some(detail) = &element.detail {
                    message.push_str(&format!(" ({detail})"));
                }
                results.push(json!({
                    "ruleId": element.id,
                    "level": "error",
                    "message": {"text": message},
                    "locations": location,
                    "properties": {
                        "profile": report.profile.as_str(),
                        "failing": element.failing,
                        "failing_count": element.failing_count,
                    },
                }));
            }
            for finding in &report.findings {
                if !seen_findings.insert((
                    finding.id,
                    finding.component.as_deref(),
                    finding.message.as_str(),
                )) {
                    continue;
                }
                let mut result = json!({
                    "ruleId": finding.id,
                    "level": sarif_level(finding.severity),
                    "message": {"text": finding.message},
                    "locations": location,
                });
                if let Some(component) = &finding.component {
                    result["locations"] = json!([{
                        "physicalLocation": {"artifactLocation": {"uri": file.file}},
                        "logicalLocations": [{"name": component, "kind": "module"}],
                    }]);
                }
                results.push(result);
            }
        }
    }
    let log = json!({
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
    });
    let mut text = serde_json::to_string_pretty(&log)?;
    text.push('\n');
    Ok(text)
}

fn html_text(checked: &[Checked], config: &Config, max_listed: usize) -> String {
    let documents: Vec<HtmlDocument<'_>> = checked
        .iter()
        .map(|file| HtmlDocument {
            file: &file.file,
            format: file.format,
            sbom: &file.sbom,
            reports: &file.reports,
        })
        .collect();
    medsbom_check::render::html(
        &documents,
        &HtmlOptions {
            as_of: Some(config.as_of),
            max_listed,
            generator: format!("medsbom {}", env!("CARGO_PKG_VERSION")),
        },
    )
}

#[cfg(test)]
mod tests {
    use medsbom_model::{Party, Relationship, RelationshipKind, SbomFormat};

    use super::*;

    fn checked() -> Checked {
        let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
        sbom.timestamp = Some("2025-01-01T00:00:00Z".to_owned());
        sbom.authors.push(Party::person("Jane"));
        let mut root = Component::new("pump", "pump-fw");
        root.version = Some("4.2".to_owned());
        root.supplier = Some(Party::organization("Acme"));
        root.purl = Some("pkg:generic/acme/pump-fw@4.2".to_owned());
        let mut zlib = Component::new("lib-1", "zlib");
        zlib.version = Some("1.3.1".to_owned());
        zlib.purl = Some("pkg:generic/zlib@1.3.1".to_owned());
        sbom.roots.push("pump".to_owned());
        sbom.components = vec![root, zlib];
        sbom.relationships.push(Relationship {
            from: "pump".to_owned(),
            to: "lib-1".to_owned(),
            kind: RelationshipKind::DependsOn,
            original: None,
        });
        let reports = vec![
            medsbom_check::check(&sbom, Profile::Ntia2021, IsoDate::parse("2025-06-01")),
            medsbom_check::check(&sbom, Profile::FdaPremarket, IsoDate::parse("2025-06-01")),
        ];
        Checked {
            file: "pump.cdx.json".to_owned(),
            format: "cyclonedx-json",
            sbom,
            reports,
        }
    }

    #[test]
    fn profiles_resolve_in_order_without_repeats() {
        let parse = |values: &[&str]| {
            let profiles = values
                .iter()
                .map(|v| parse_profile_arg(v))
                .collect::<Result<Vec<_>, _>>()?;
            let args = CheckArgs {
                files: vec![PathBuf::from("x")],
                profiles,
                format: CheckFormat::Table,
                output: None,
                as_of: IsoDate::parse("2025-01-01"),
                max_listed: 10,
            };
            Ok::<_, String>(
                Config::new(&args)
                    .profiles
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(parse(&[]), Ok(vec!["ntia-2021"]));
        assert_eq!(
            parse(&["fda", "ntia-2021", "fda-premarket"]),
            Ok(vec!["fda-premarket", "ntia-2021"])
        );
        assert_eq!(parse(&["all"]).map(|p| p.len()), Ok(5));
        assert!(parse(&["nist"]).is_err());
        assert!(parse_date("2025-13-01").is_err());
    }

    #[test]
    fn json_is_one_object_per_file_and_profile() {
        let file = checked();
        let value = report_json(&file, &file.reports[0]);
        assert_eq!(value["file"], "pump.cdx.json");
        assert_eq!(value["profile"], "ntia-2021");
        assert_eq!(value["conformant"], false);
        let supplier = &value["elements"][0];
        assert_eq!(supplier["id"], "supplier");
        assert_eq!(supplier["passed"], false);
        assert_eq!(supplier["failing"], json!(["lib-1"]));
        assert_eq!(supplier["failing_count"], 1);
        let text = json_text(std::slice::from_ref(&file)).unwrap_or_default();
        let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(
            parsed.as_array().map(Vec::len),
            Some(2),
            "two profiles: an array"
        );
    }

    #[test]
    fn table_names_failing_components() {
        let text = table_text(&[checked()], 10);
        assert!(text.contains("pump.cdx.json: cyclonedx-json ntia-2021: DOES NOT CONFORM (1 of 7 elements fail, 2 components)"), "{text}");
        assert!(
            text.contains("  supplier (1 failing):\n    zlib@1.3.1 (lib-1)\n"),
            "{text}"
        );
        assert!(text.contains("missing_support_data (2)"), "{text}");
        let short = table_text(&[checked()], 0);
        assert!(short.contains("… and 1 more"), "{short}");
    }

    #[test]
    fn sarif_has_results_for_failed_elements_and_findings() {
        let text = sarif_text(&[checked()]).unwrap_or_default();
        let log: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(log["version"], "2.1.0");
        let results = log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let rule_ids: Vec<&str> = results
            .iter()
            .filter_map(|r| r["ruleId"].as_str())
            .collect();
        assert!(rule_ids.contains(&"supplier"), "{rule_ids:?}");
        assert!(rule_ids.contains(&"support_level"), "{rule_ids:?}");
        // The coverage finding appears under both profiles but is reported once.
        let n_coverage = rule_ids
            .iter()
            .filter(|id| **id == "dependency_graph_coverage")
            .count();
        assert_eq!(n_coverage, 1);
    }
}
