//! Validation of a document against its format's official schema (bundled at build time) and
//! its reader: see the crate docs for what is checked per format.

use std::sync::OnceLock;

use medsbom_model::{Location, Severity};
use serde_json::Value;

use crate::{Detected, Format, read_as, sniff};

mod schemas {
    include!(concat!(env!("OUT_DIR"), "/schemas.rs"));
}

/// The most errors a report lists; the rest are summarised in one last entry.
const MAX_ERRORS: usize = 1000;

/// What [`validate`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationReport {
    /// The format, when it could be recognised.
    pub detected: Option<Detected>,
    /// True when no error was found.
    pub valid: bool,
    /// Every violation found (schema errors first, then the reader's errors).
    pub errors: Vec<ValidationError>,
    /// A short text naming what was checked (`CycloneDX 1.6 JSON schema`).
    pub rules_checked: &'static str,
}

/// One violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Where: the instance JSON pointer for JSON schema errors, a line and column for XML and
    /// text formats.
    pub location: Location,
    /// Which rule: the schema keyword path (`/properties/components/items/required`), an XSD
    /// rule (`xsd:required-attribute`), a spec rule (`spdx-tv:required-field`), or `reader`.
    pub rule: String,
    /// What is wrong, in lowercase words.
    pub message: String,
}

/// What `rules_checked` says when the library was built without the schema directory.
pub const SCHEMAS_UNAVAILABLE: &str = "schema validation unavailable: medsbom was built without \
     the schemas (set MEDSBOM_SCHEMA_DIR at build time); only the reader's checks were applied";

/// True when the official schemas were compiled into this build.
#[must_use]
pub fn schemas_available() -> bool {
    !schemas::SCHEMA_FILES.is_empty()
}

/// The bundled schema file at `relative` (`cyclonedx/bom-1.6.schema.json`), if present.
pub(crate) fn schema_file(relative: &str) -> Option<&'static [u8]> {
    schemas::SCHEMA_FILES
        .iter()
        .find(|(name, _)| *name == relative)
        .map(|(_, bytes)| *bytes)
}

/// The directory the schemas were bundled from (empty when none were).
#[must_use]
pub fn schema_dir() -> &'static str {
    schemas::SCHEMA_DIR
}

/// Validates a decoded document: its format's schema or structural rules, then the reader's
/// Error diagnostics (see the crate docs for the rules per format).
#[must_use]
pub fn validate(bytes: &[u8]) -> ValidationReport {
    let detected = match sniff(bytes) {
        Ok(detected) => detected,
        Err(err) => {
            return ValidationReport {
                detected: None,
                valid: false,
                errors: vec![ValidationError {
                    location: Location::Document,
                    rule: "format".to_owned(),
                    message: err.to_string(),
                }],
                rules_checked: "format detection",
            };
        }
    };
    let version = detected.spec_version.as_deref().unwrap_or("");
    let mut errors = Vec::new();
    let rules_checked = match detected.format {
        Format::CycloneDxJson => match cyclonedx_json_schema(version) {
            Some((schema, rules)) => {
                check_json_schema(bytes, schema, &mut errors);
                rules
            }
            None => unsupported_version(version, &mut errors),
        },
        Format::SpdxJson | Format::SpdxYaml => match spdx_json_schema(version) {
            Some((schema, rules_json, rules_yaml)) => {
                if detected.format == Format::SpdxJson {
                    check_json_schema(bytes, schema, &mut errors);
                    rules_json
                } else {
                    check_yaml_with_json_schema(bytes, schema, &mut errors);
                    rules_yaml
                }
            }
            None => unsupported_version(version, &mut errors),
        },
        Format::Spdx3Json => {
            check_json_schema(bytes, JsonSchemaId::Spdx301, &mut errors);
            "SPDX 3.0.1 JSON schema"
        }
        Format::CycloneDxXml => match crate::xsd::cyclonedx_rules_checked(version) {
            Some(rules) => {
                errors.extend(crate::xsd::validate_cyclonedx_xml(bytes, version));
                rules
            }
            None => unsupported_version(version, &mut errors),
        },
        Format::Swid => {
            "SWID (ISO/IEC 19770-2:2015) XSD structural rules as checked by the reader: \
             namespace, required attributes of SoftwareIdentity, Entity, Link, Directory, File, \
             Process, Resource; booleans; at least one Entity and a tagCreator; at most one \
             Payload and one Evidence"
        }
        Format::SpdxTagValue => {
            check_tag_value(bytes, version, &mut errors);
            "SPDX 2.2/2.3 tag-value required fields (document creation info, packages, files, \
             snippets, other licences, relationship syntax) and the reader's checks"
        }
    };
    let schema_based = !matches!(detected.format, Format::Swid | Format::SpdxTagValue);
    let rules_checked = if schema_based && !schemas_available() {
        SCHEMAS_UNAVAILABLE
    } else {
        rules_checked
    };
    match read_as(bytes, detected.format) {
        Ok(parsed) => errors.extend(
            parsed
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| ValidationError {
                    location: d.location,
                    rule: "reader".to_owned(),
                    message: d.message,
                }),
        ),
        Err(err) => errors.push(ValidationError {
            location: err.location,
            rule: "reader".to_owned(),
            message: err.message,
        }),
    }
    if MAX_ERRORS < errors.len() {
        let n_more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(ValidationError {
            location: Location::Document,
            rule: "limit".to_owned(),
            message: format!("{n_more} more errors not listed"),
        });
    }
    ValidationReport {
        detected: Some(detected),
        valid: errors.is_empty(),
        errors,
        rules_checked,
    }
}

fn unsupported_version(version: &str, errors: &mut Vec<ValidationError>) -> &'static str {
    errors.push(ValidationError {
        location: Location::Document,
        rule: "spec-version".to_owned(),
        message: format!("unsupported spec version \"{version}\": no schema to validate against"),
    });
    "spec version (no schema for this version)"
}

/// The JSON schemas medsbom bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonSchemaId {
    CycloneDx12,
    CycloneDx13,
    CycloneDx14,
    CycloneDx15,
    CycloneDx16,
    CycloneDx17,
    Spdx22,
    Spdx23,
    Spdx301,
}

impl JsonSchemaId {
    const ALL: [JsonSchemaId; 9] = [
        JsonSchemaId::CycloneDx12,
        JsonSchemaId::CycloneDx13,
        JsonSchemaId::CycloneDx14,
        JsonSchemaId::CycloneDx15,
        JsonSchemaId::CycloneDx16,
        JsonSchemaId::CycloneDx17,
        JsonSchemaId::Spdx22,
        JsonSchemaId::Spdx23,
        JsonSchemaId::Spdx301,
    ];

    fn file(self) -> &'static str {
        match self {
            JsonSchemaId::CycloneDx12 => "cyclonedx/bom-1.2.schema.json",
            JsonSchemaId::CycloneDx13 => "cyclonedx/bom-1.3.schema.json",
            JsonSchemaId::CycloneDx14 => "cyclonedx/bom-1.4.schema.json",
            JsonSchemaId::CycloneDx15 => "cyclonedx/bom-1.5.schema.json",
            JsonSchemaId::CycloneDx16 => "cyclonedx/bom-1.6.schema.json",
            JsonSchemaId::CycloneDx17 => "cyclonedx/bom-1.7.schema.json",
            JsonSchemaId::Spdx22 => "spdx/spdx-2.2-schema.json",
            JsonSchemaId::Spdx23 => "spdx/spdx-2.3-schema.json",
            JsonSchemaId::Spdx301 => "spdx/spdx-3.0.1-json-schema.json",
        }
    }

    fn index(self) -> usize {
        JsonSchemaId::ALL
            .iter()
            .position(|id| *id == self)
            .unwrap_or(0)
    }
}

fn cyclonedx_json_schema(version: &str) -> Option<(JsonSchemaId, &'static str)> {
    Some(match version {
        "1.2" => (JsonSchemaId::CycloneDx12, "CycloneDX 1.2 JSON schema"),
        "1.3" => (JsonSchemaId::CycloneDx13, "CycloneDX 1.3 JSON schema"),
        "1.4" => (JsonSchemaId::CycloneDx14, "CycloneDX 1.4 JSON schema"),
        "1.5" => (JsonSchemaId::CycloneDx15, "CycloneDX 1.5 JSON schema"),
        "1.6" => (JsonSchemaId::CycloneDx16, "CycloneDX 1.6 JSON schema"),
        "1.7" => (JsonSchemaId::CycloneDx17, "CycloneDX 1.7 JSON schema"),
        _ => return None,
    })
}

fn spdx_json_schema(version: &str) -> Option<(JsonSchemaId, &'static str, &'static str)> {
    Some(match version {
        "SPDX-2.2" => (
            JsonSchemaId::Spdx22,
            "SPDX 2.2 JSON schema",
            "SPDX 2.2 JSON schema (applied to the YAML document's data)",
        ),
        "SPDX-2.3" => (
            JsonSchemaId::Spdx23,
            "SPDX 2.3 JSON schema",
            "SPDX 2.3 JSON schema (applied to the YAML document's data)",
        ),
        _ => return None,
    })
}

type CompiledSchema = Result<jsonschema::Validator, String>;

static JSON_VALIDATORS: [OnceLock<Option<CompiledSchema>>; 9] = [
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
];

/// The compiled validator of a bundled schema (compiled once, on first use); `None` when the
/// schema is not bundled, `Some(Err)` when it does not compile.
fn json_validator(id: JsonSchemaId) -> Option<&'static CompiledSchema> {
    JSON_VALIDATORS
        .get(id.index())?
        .get_or_init(|| compile_json_schema(id))
        .as_ref()
}

/// Resources the CycloneDX schemas `$ref` by relative URI, registered under their `$id`.
const CYCLONEDX_RESOURCES: &[(&str, &str)] = &[
    (
        "http://cyclonedx.org/schema/spdx.schema.json",
        "cyclonedx/spdx.schema.json",
    ),
    (
        "http://cyclonedx.org/schema/jsf-0.82.schema.json",
        "cyclonedx/jsf-0.82.schema.json",
    ),
    (
        "http://cyclonedx.org/schema/cryptography-defs.schema.json",
        "cyclonedx/cryptography-defs.schema.json",
    ),
];

fn compile_json_schema(id: JsonSchemaId) -> Option<CompiledSchema> {
    let bytes = schema_file(id.file())?;
    let compile = || -> Result<jsonschema::Validator, String> {
        let schema: Value = serde_json::from_slice(bytes)
            .map_err(|err| format!("bundled schema {} is not json: {err}", id.file()))?;
        let mut builder = jsonschema::Registry::new();
        for (uri, file) in CYCLONEDX_RESOURCES {
            let Some(resource_bytes) = schema_file(file) else {
                continue;
            };
            let contents: Value = serde_json::from_slice(resource_bytes)
                .map_err(|err| format!("bundled schema {file} is not json: {err}"))?;
            builder = builder
                .add(*uri, jsonschema::Resource::from_contents(contents))
                .map_err(|err| format!("cannot register {file}: {err}"))?;
        }
        let registry = builder
            .prepare()
            .map_err(|err| format!("cannot prepare the schema registry: {err}"))?;
        jsonschema::options()
            .with_registry(&registry)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|err| format!("bundled schema {} does not compile: {err}", id.file()))
    };
    Some(compile())
}

fn check_json_schema(bytes: &[u8], id: JsonSchemaId, errors: &mut Vec<ValidationError>) {
    let instance: Value = match serde_json::from_slice(bytes) {
        Ok(instance) => instance,
        Err(err) => {
            errors.push(json_syntax_error(&err));
            return;
        }
    };
    check_value(&instance, id, errors);
}

fn json_syntax_error(err: &serde_json::Error) -> ValidationError {
    ValidationError {
        location: Location::LineColumn {
            line: err.line() as u64,
            column: err.column() as u64,
        },
        rule: "json-syntax".to_owned(),
        message: format!("invalid json: {err}"),
    }
}

fn check_value(instance: &Value, id: JsonSchemaId, errors: &mut Vec<ValidationError>) {
    match json_validator(id) {
        None => {}
        Some(Err(message)) => errors.push(ValidationError {
            location: Location::Document,
            rule: "schema".to_owned(),
            message: message.clone(),
        }),
        Some(Ok(validator)) => {
            for error in validator.iter_errors(instance) {
                errors.push(ValidationError {
                    location: Location::Pointer(error.instance_path().as_str().to_owned()),
                    rule: error.schema_path().as_str().to_owned(),
                    message: error.to_string(),
                });
                if MAX_ERRORS < errors.len() {
                    break;
                }
            }
        }
    }
}

fn check_yaml_with_json_schema(bytes: &[u8], id: JsonSchemaId, errors: &mut Vec<ValidationError>) {
    match serde_norway::from_slice::<Value>(bytes) {
        Ok(instance) => check_value(&instance, id, errors),
        Err(err) => errors.push(ValidationError {
            location: err
                .location()
                .map(|l| Location::LineColumn {
                    line: l.line() as u64,
                    column: l.column() as u64,
                })
                .unwrap_or_default(),
            rule: "yaml-syntax".to_owned(),
            message: format!("invalid yaml: {err}"),
        }),
    }
}

/// Tags that start a new section of a tag-value document.
const SECTION_TAGS: &[&str] = &["PackageName", "FileName", "SnippetSPDXID", "LicenseID"];

/// Tags that belong to annotations and reviews: they may appear anywhere without ending the
/// current section.
const FREE_TAGS: &[&str] = &[
    "Annotator",
    "AnnotationDate",
    "AnnotationType",
    "SPDXREF",
    "AnnotationComment",
    "Reviewer",
    "ReviewDate",
    "ReviewComment",
    "Relationship",
    "RelationshipComment",
];

/// The required fields of the SPDX 2.2/2.3 tag-value format, per section.
fn check_tag_value(bytes: &[u8], version: &str, errors: &mut Vec<ValidationError>) {
    let is_22 = version == "SPDX-2.2";
    let text = String::from_utf8_lossy(bytes);
    // (section tag, line of the section start, tags seen)
    let mut section: (&str, u64, Vec<String>) = ("Document", 1, Vec::new());
    let mut in_text = false;
    for (idx, line) in text.lines().enumerate() {
        let line_no = idx as u64 + 1;
        if in_text {
            if line.contains("</text>") {
                in_text = false;
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = trimmed.split_once(':') else {
            errors.push(ValidationError {
                location: Location::Line(line_no),
                rule: "spdx-tv:syntax".to_owned(),
                message: format!("line is not \"Tag: value\": {}", shorten(trimmed)),
            });
            continue;
        };
        let tag = tag.trim();
        let value = value.trim();
        if value.contains("<text>") && !value.contains("</text>") {
            in_text = true;
        }
        if tag == "Relationship" && value.split_whitespace().count() < 3 {
            errors.push(ValidationError {
                location: Location::Line(line_no),
                rule: "spdx-tv:relationship".to_owned(),
                message: format!("relationship \"{value}\" is not \"<SPDXID> <TYPE> <SPDXID>\""),
            });
        }
        if FREE_TAGS.contains(&tag) {
            continue;
        }
        if let Some(section_tag) = SECTION_TAGS.iter().find(|t| **t == tag) {
            check_section(&section, is_22, errors);
            section = (section_tag, line_no, Vec::new());
        }
        section.2.push(tag.to_owned());
    }
    check_section(&section, is_22, errors);
}

fn check_section(
    section: &(&str, u64, Vec<String>),
    is_22: bool,
    errors: &mut Vec<ValidationError>,
) {
    let (kind, line, tags) = section;
    let required: &[&str] = match (*kind, is_22) {
        ("Document", _) => &[
            "SPDXVersion",
            "DataLicense",
            "SPDXID",
            "DocumentName",
            "DocumentNamespace",
            "Creator",
            "Created",
        ],
        ("PackageName", true) => &[
            "PackageName",
            "SPDXID",
            "PackageDownloadLocation",
            "PackageLicenseConcluded",
            "PackageLicenseDeclared",
            "PackageCopyrightText",
        ],
        ("PackageName", false) => &["PackageName", "SPDXID", "PackageDownloadLocation"],
        ("FileName", true) => &[
            "FileName",
            "SPDXID",
            "FileChecksum",
            "LicenseConcluded",
            "LicenseInfoInFile",
            "FileCopyrightText",
        ],
        ("FileName", false) => &["FileName", "SPDXID", "FileChecksum"],
        ("SnippetSPDXID", true) => &[
            "SnippetSPDXID",
            "SnippetFromFileSPDXID",
            "SnippetByteRange",
            "SnippetLicenseConcluded",
            "SnippetCopyrightText",
        ],
        ("SnippetSPDXID", false) => &["SnippetSPDXID", "SnippetFromFileSPDXID", "SnippetByteRange"],
        ("LicenseID", _) => &["LicenseID", "ExtractedText"],
        _ => &[],
    };
    let what = match *kind {
        "Document" => "document creation information",
        "PackageName" => "package",
        "FileName" => "file",
        "SnippetSPDXID" => "snippet",
        _ => "other licensing information",
    };
    for tag in required {
        if !tags.iter().any(|t| t == tag) {
            errors.push(ValidationError {
                location: Location::Line(*line),
                rule: "spdx-tv:required-field".to_owned(),
                message: format!("{what} has no required field {tag}"),
            });
        }
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}
