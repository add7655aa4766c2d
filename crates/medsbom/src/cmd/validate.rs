//! `medsbom validate FILE...`: schema and rule validation of SBOM files.

use std::path::PathBuf;

use serde_json::json;

use crate::output::{self, Status};

/// Arguments of `medsbom validate`.
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// SBOM files (CycloneDX JSON/XML, SPDX JSON/YAML/tag-value, SPDX 3 JSON-LD, SWID; gzip ok).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ValidateFormat,
}

/// `--format` of `medsbom validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateFormat {
    /// One line per file and one per error.
    Table,
    /// `[{"file","format","spec_version","valid","errors":[…]}]`.
    Json,
}

/// Validates every file; exit 1 when any is invalid, 2 when one cannot be read.
pub fn run(args: &ValidateArgs) -> anyhow::Result<Status> {
    let mut results = Vec::new();
    let mut text = String::new();
    let mut any_invalid = false;
    for file in &args.files {
        let (_, decoded) = crate::cmd::input::read_bytes(file)?;
        let report = medsbom_formats::validate(&decoded);
        any_invalid |= !report.valid;
        let format = report.detected.as_ref().map(|d| d.format.as_str());
        let spec_version = report
            .detected
            .as_ref()
            .and_then(|d| d.spec_version.clone());
        let errors: Vec<_> = report
            .errors
            .iter()
            .map(|e| json!({"location": e.location.to_string(), "rule": e.rule, "message": e.message}))
            .collect();
        text.push_str(&format!(
            "{}: {} ({} {})\n",
            file.display(),
            if report.valid { "valid" } else { "INVALID" },
            format.unwrap_or("unknown format"),
            spec_version.as_deref().unwrap_or("?"),
        ));
        for error in &report.errors {
            text.push_str(&format!(
                "  {}:{}: {} [{}]\n",
                file.display(),
                error.location,
                error.message,
                error.rule
            ));
        }
        if args.format == ValidateFormat::Table && !report.rules_checked.is_empty() {
            text.push_str(&format!("  checked: {}\n", report.rules_checked));
        }
        results.push(json!({
            "file": file.display().to_string(),
            "format": format,
            "spec_version": spec_version,
            "valid": report.valid,
            "errors": errors,
            "rules_checked": report.rules_checked,
        }));
    }
    match args.format {
        ValidateFormat::Json => output::print_json(&serde_json::Value::Array(results))?,
        ValidateFormat::Table => output::print_stdout(&text)?,
    }
    Ok(if any_invalid {
        Status::Finding
    } else {
        Status::Success
    })
}
