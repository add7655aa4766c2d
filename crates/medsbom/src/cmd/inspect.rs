//! `medsbom inspect FILE`: what an SBOM holds — format, counts and components.

use std::path::PathBuf;

use medsbom_model::{Component, Sbom};
use serde_json::{Value, json};

use crate::output::{self, Status};

/// Arguments of `medsbom inspect`.
#[derive(clap::Args)]
pub struct InspectArgs {
    /// The SBOM file.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: InspectFormat,
}

/// `--format` of `medsbom inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectFormat {
    /// A summary and a component table.
    Table,
    /// One JSON object (a stable contract).
    Json,
}

/// Prints the document summary and its components.
pub fn run(args: &InspectArgs) -> anyhow::Result<Status> {
    let loaded = crate::cmd::input::read_sbom(&args.file)?;
    let sbom = &loaded.parsed.sbom;
    match args.format {
        InspectFormat::Json => {
            let diagnostics: Vec<Value> = loaded
                .parsed
                .diagnostics
                .iter()
                .map(|d| json!({"severity": d.severity.as_str(), "location": d.location.to_string(), "message": d.message}))
                .collect();
            let value = json!({
                "file": args.file.display().to_string(),
                "format": loaded.detected.format.as_str(),
                "spec_version": sbom.spec_version,
                "serial_number": sbom.serial_number,
                "version": sbom.version,
                "name": sbom.name,
                "timestamp": sbom.timestamp,
                "authors": sbom.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
                "tools": sbom.tools.iter().map(|t| tool_text(t.name.as_str(), t.version.as_deref())).collect::<Vec<_>>(),
                "roots": sbom.roots,
                "counts": {
                    "components": sbom.components.len(),
                    "relationships": sbom.relationships.len(),
                    "vulnerabilities": sbom.vulnerabilities.len(),
                    "compositions": sbom.compositions.len(),
                },
                "components": sbom.components.iter().map(component_json).collect::<Vec<_>>(),
                "diagnostics": diagnostics,
            });
            output::print_json(&value)?;
        }
        InspectFormat::Table => output::print_stdout(&summary_table(
            &args.file.display().to_string(),
            loaded.detected.format.as_str(),
            sbom,
            &loaded.parsed.diagnostics,
        ))?,
    }
    Ok(Status::Success)
}

fn tool_text(name: &str, version: Option<&str>) -> String {
    match version {
        Some(version) => format!("{name} {version}"),
        None => name.to_owned(),
    }
}

/// The JSON object of one component (the `inspect --format json` contract).
#[must_use]
pub fn component_json(component: &Component) -> Value {
    let support = &component.support;
    json!({
        "bom_ref": component.bom_ref,
        "type": component.kind.as_str(),
        "group": component.extra.group,
        "name": component.name,
        "version": component.version,
        "supplier": component.supplier.as_ref().map(|s| s.name.clone()),
        "manufacturer": component.extra.manufacturer.as_ref().map(|s| s.name.clone()),
        "purl": component.purl,
        "cpe": component.cpe(),
        "cpes": component.cpes,
        "swid": component.extra.swid.as_ref().map(|s| s.tag_id.clone()),
        "hashes": component.hashes.iter().map(|h| json!({"alg": h.algorithm, "content": h.value})).collect::<Vec<_>>(),
        "licenses": component.licenses.iter().map(|l| l.text().to_owned()).collect::<Vec<_>>(),
        "support_level": support.level.map(|l| l.as_str()),
        "support_level_text": support.level_text,
        "end_of_support": support.end_of_support.as_ref().map(|m| m.text.clone()),
        "end_of_support_date": support.end_of_support.as_ref().and_then(|m| m.date).map(|d| d.to_string()),
        "parent": component.extra.parent,
    })
}

fn summary_table(
    file: &str,
    format: &str,
    sbom: &Sbom,
    diagnostics: &[medsbom_model::Diagnostic],
) -> String {
    let mut res = String::new();
    res.push_str(&format!("file:            {file}\n"));
    res.push_str(&format!(
        "format:          {format} {}\n",
        sbom.spec_version
    ));
    if let Some(serial) = &sbom.serial_number {
        res.push_str(&format!("serial/namespace:{serial}\n"));
    }
    if let Some(timestamp) = &sbom.timestamp {
        res.push_str(&format!("timestamp:       {timestamp}\n"));
    }
    let authors: Vec<&str> = sbom.authors.iter().map(|a| a.name.as_str()).collect();
    if !authors.is_empty() {
        res.push_str(&format!("authors:         {}\n", authors.join(", ")));
    }
    for root in sbom.root_components() {
        res.push_str(&format!(
            "describes:       {} {}\n",
            root.name,
            root.version.as_deref().unwrap_or("")
        ));
    }
    res.push_str(&format!(
        "counts:          {} components, {} relationships, {} vulnerabilities\n",
        sbom.components.len(),
        sbom.relationships.len(),
        sbom.vulnerabilities.len()
    ));
    if !diagnostics.is_empty() {
        res.push_str(&format!("diagnostics:     {}\n", diagnostics.len()));
        for diagnostic in diagnostics.iter().take(20) {
            res.push_str(&format!("  {diagnostic}\n"));
        }
    }
    res.push('\n');
    let rows: Vec<Vec<String>> = sbom
        .components
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.version.clone().unwrap_or_default(),
                c.supplier
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                c.purl
                    .clone()
                    .or_else(|| c.cpe().map(str::to_owned))
                    .unwrap_or_default(),
                c.support
                    .level
                    .map(|l| l.as_str().to_owned())
                    .unwrap_or_default(),
                c.support
                    .end_of_support
                    .as_ref()
                    .map(|m| m.text.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    res.push_str(&output::table(
        &[
            "NAME",
            "VERSION",
            "SUPPLIER",
            "PURL / CPE",
            "SUPPORT",
            "END OF SUPPORT",
        ],
        &rows,
    ));
    res
}
