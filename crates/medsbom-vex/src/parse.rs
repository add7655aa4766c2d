//! Reading VEX documents: format detection from content, one reader per format, and the
//! checks every format shares (vulnerability identifiers, contradictions).
//!
//! A bad statement never fails the document: it is left out and listed in
//! [`VexDocument::skipped`] with the reason; only a document that cannot be read at all
//! (not JSON, not a VEX format) is an error.

mod csaf;
mod cyclonedx;
mod openvex;

use std::collections::BTreeMap;

use medsbom_model::Sbom;

use crate::VexError;
use crate::model::{SkipReason, Skipped, Statement, VexDocument, VexFormat};

/// The largest document accepted (bytes).
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// Which VEX format `bytes` hold, judged from the content; `None` when none.
#[must_use]
pub fn detect(bytes: &[u8]) -> Option<VexFormat> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let bytes = bytes.get(start..)?;
    if bytes.starts_with(b"<") {
        let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(4096))?);
        return head
            .contains("cyclonedx.org/schema/bom")
            .then_some(VexFormat::CycloneDx);
    }
    if bytes.starts_with(b"{") {
        let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let object = value.as_object()?;
        if object.get("bomFormat").and_then(|v| v.as_str()) == Some("CycloneDX") {
            return Some(VexFormat::CycloneDx);
        }
        if object
            .get("@context")
            .and_then(|v| v.as_str())
            .is_some_and(|context| context.contains("openvex"))
        {
            return Some(VexFormat::OpenVex);
        }
        if object
            .get("document")
            .and_then(|d| d.get("csaf_version"))
            .is_some()
        {
            return Some(VexFormat::Csaf);
        }
        return None;
    }
    // The early OpenVEX YAML form (`format: vex_attestation`, `statements:`).
    let text = std::str::from_utf8(bytes).ok()?;
    let is_openvex_yaml = text.contains("statements:")
        && (text.contains("format: vex") || text.contains("openvex.dev"));
    is_openvex_yaml.then_some(VexFormat::OpenVex)
}

/// Reads a VEX document of any supported format; `name` names it in errors.
pub fn parse(name: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    if MAX_DOCUMENT_BYTES < bytes.len() {
        return Err(VexError::Input {
            name: name.to_owned(),
            reason: format!("larger than {MAX_DOCUMENT_BYTES} bytes"),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Some(format) = detect(bytes) else {
        return Err(VexError::Input {
            name: name.to_owned(),
            reason: "not a vex document (cyclonedx, openvex 0.0.1/0.2.0 or csaf 2.0)".to_owned(),
        });
    };
    parse_as(name, bytes, format)
}

/// Reads a VEX document of a known format.
pub fn parse_as(name: &str, bytes: &[u8], format: VexFormat) -> Result<VexDocument, VexError> {
    let mut document = match format {
        VexFormat::CycloneDx => cyclonedx::read(name, bytes)?,
        VexFormat::OpenVex => openvex::read(name, bytes)?,
        VexFormat::Csaf => csaf::read(name, bytes)?,
    };
    finish(&mut document);
    Ok(document)
}

/// The VEX statements embedded in an SBOM already read (a CycloneDX BOM with analysed
/// `vulnerabilities[]`); statements without an analysis are not VEX and are left out
/// silently.
#[must_use]
pub fn from_sbom(sbom: &Sbom) -> VexDocument {
    let mut document = cyclonedx::from_sbom(sbom);
    finish(&mut document);
    document
}

/// Checks shared by every format: identifiers, then contradictions.
fn finish(document: &mut VexDocument) {
    let statements = std::mem::take(&mut document.statements);
    let mut kept = Vec::with_capacity(statements.len());
    for (idx, statement) in statements.into_iter().enumerate() {
        if let Err(reason) = check_vulnerability_id(&statement.vulnerability_id) {
            document.skipped.push(Skipped {
                location: format!("statement {idx}"),
                vulnerability_id: Some(statement.vulnerability_id.clone()),
                reason: SkipReason::UnknownVulnerability(reason),
            });
            continue;
        }
        kept.push(statement);
    }
    document.statements = remove_contradictions(kept, &mut document.skipped);
}

/// Whether `id` can be a vulnerability identifier: not empty, no spaces, and a `CVE-` id of
/// the form `CVE-YYYY-NNNN…`.
pub(crate) fn check_vulnerability_id(id: &str) -> Result<(), String> {
    let id = id.trim();
    if id.is_empty() {
        return Err("the statement names no vulnerability".to_owned());
    }
    if 256 < id.len() || id.chars().any(char::is_whitespace) {
        return Err(format!("{id:?} is not a vulnerability identifier"));
    }
    if let Some(rest) = id.strip_prefix("CVE-").or_else(|| id.strip_prefix("cve-")) {
        let well_formed = match rest.split_once('-') {
            Some((year, number)) => {
                year.len() == 4
                    && year.bytes().all(|b| b.is_ascii_digit())
                    && 4 <= number.len()
                    && number.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if !well_formed {
            return Err(format!("{id:?} is not a well-formed cve identifier"));
        }
    }
    Ok(())
}

/// Drops every scope that the same document gives two different statuses for the same
/// vulnerability, reporting each; a statement left without scopes is dropped.
fn remove_contradictions(statements: Vec<Statement>, skipped: &mut Vec<Skipped>) -> Vec<Statement> {
    // (vulnerability, scope) → (status, statement index)
    let mut seen: BTreeMap<(String, String), Vec<(crate::model::Status, usize)>> = BTreeMap::new();
    for (idx, statement) in statements.iter().enumerate() {
        for scope in &statement.scopes {
            let key = (
                statement.vulnerability_id.to_ascii_uppercase(),
                format!("{scope:?}"),
            );
            seen.entry(key).or_default().push((statement.status, idx));
        }
    }
    let mut res = Vec::with_capacity(statements.len());
    for (idx, mut statement) in statements.into_iter().enumerate() {
        let n_scopes = statement.scopes.len();
        let id = statement.vulnerability_id.clone();
        statement.scopes.retain(|scope| {
            let key = (id.to_ascii_uppercase(), format!("{scope:?}"));
            let Some(entries) = seen.get(&key) else {
                return true;
            };
            let other = entries
                .iter()
                .find(|(status, _)| *status != statement.status);
            let Some((other_status, other_idx)) = other else {
                return true;
            };
            skipped.push(Skipped {
                location: format!("statement {idx}"),
                vulnerability_id: Some(id.clone()),
                reason: SkipReason::Contradiction(format!(
                    "{} is {} here and {} in statement {other_idx}",
                    scope.describe(),
                    statement.status,
                    other_status
                )),
            });
            false
        });
        if statement.scopes.is_empty() && 0 < n_scopes {
            continue;
        }
        res.push(statement);
    }
    res
}

/// Text that is present and not blank, trimmed.
pub(crate) fn non_blank(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_must_be_well_formed() {
        assert!(check_vulnerability_id("CVE-2021-44228").is_ok());
        assert!(check_vulnerability_id("GHSA-jfh8-c2jp-5v3q").is_ok());
        assert!(check_vulnerability_id("CVE-21-1").is_err());
        assert!(check_vulnerability_id("").is_err());
        assert!(check_vulnerability_id("not a cve").is_err());
    }

    #[test]
    fn detects_each_format() {
        assert_eq!(
            detect(br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#),
            Some(VexFormat::CycloneDx)
        );
        assert_eq!(
            detect(br#"{"@context":"https://openvex.dev/ns/v0.2.0"}"#),
            Some(VexFormat::OpenVex)
        );
        assert_eq!(
            detect(br#"{"document":{"csaf_version":"2.0"}}"#),
            Some(VexFormat::Csaf)
        );
        assert_eq!(detect(br#"{"spdxVersion":"SPDX-2.3"}"#), None);
        assert_eq!(detect(b"\xff\xfe"), None);
    }
}
