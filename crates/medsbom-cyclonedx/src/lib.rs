//! CycloneDX (1.0–1.7) JSON and XML reader, CycloneDX 1.6 JSON and XML writer.
//!
//! Readers turn bytes into the normalized [`medsbom_model::Sbom`] plus diagnostics; writers
//! turn a model back into CycloneDX 1.6 plus one warning line per kind of datum 1.6 cannot
//! hold. Both syntaxes share one mapping: the XML reader and writer produce and expect the
//! same model as the JSON ones.
//!
//! ```
//! let json = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
//!   "components":[{"type":"library","bom-ref":"a","name":"openssl","version":"3.0.13"}]}"#;
//! let parsed = medsbom_cyclonedx::read_json(json).expect("valid document");
//! assert_eq!(parsed.sbom.components[0].name, "openssl");
//! let written = medsbom_cyclonedx::write_json(&parsed.sbom);
//! let again = medsbom_cyclonedx::read_json(&written.bytes).expect("own output reads");
//! assert_eq!(again.sbom.components[0].version.as_deref(), Some("3.0.13"));
//! ```
//!
//! # Mapping decisions
//!
//! - `metadata.component` is a component like the others (first in
//!   [`Sbom::components`](medsbom_model::Sbom::components)) and its `bom-ref` is the root.
//!   Nested components are flattened with [`Component::parent`](medsbom_model::Component::parent)
//!   set and a `Contains` relationship (`original: None`); the writers nest them again.
//! - **Services** become components of type `Other("service")` (so dependency refs to them
//!   resolve); the writers put them back under `services`.
//! - A component without `bom-ref` gets `medsbom-gen-<n>`; an empty or duplicate one is
//!   replaced the same way with a warning. Dependency refs that point to nothing are warnings.
//! - Data the model has no field for (evidence, pedigree, release notes, data, crypto
//!   properties, service endpoints, vulnerability credits, BOM-level annotations, formulation,
//!   elements in foreign XML namespaces, …) is kept verbatim as extensions: (JSON pointer, raw
//!   JSON) or (XPath, raw XML). The writers do not re-emit extensions (a warning says so).
//! - A licence with 1.6 `acknowledgement: concluded` goes to `license_concluded`, and back.
//! - Support (FDA §V.A.4(b)): readers use [`medsbom_model::support_from_properties`]; writers
//!   keep every property verbatim and add `cdx:lifecycle:milestone:endOfSupport` (ISO date when
//!   the text is one), `cdx:lifecycle:milestone:<name>` and `medsbom:supportLevel` unless the
//!   component already carries a property of that name.
//! - What 1.6 cannot hold becomes a property: CPEs after the first (`medsbom:cpe`, read back
//!   into `cpes`), hashes with other algorithms (`medsbom:hash:<alg>`), identifiers other than
//!   OmniBOR/SWHID (`medsbom:identifier:<kind>`), a document name that differs from the root's
//!   (`medsbom:documentName` in `metadata.properties`, read back into `Sbom::name`).
//!
//! # Hostile input
//!
//! Input is checked as UTF-8 once (an error carries the byte offset). JSON nesting is bounded
//! by serde_json's recursion limit and by [`MAX_COMPONENT_NESTING`] (nested components are read
//! level by level, so depth costs heap rather than call stack); raw JSON kept as an extension
//! is checked against the same depth. XML documents with a DTD are refused ("dtd not
//! allowed"), no entity other than the predefined ones and character references is expanded,
//! and elements may nest at most [`MAX_XML_DEPTH`] deep. Errors carry a JSON pointer or a
//! line and column.
#![deny(missing_docs)]

mod json_read;
mod json_write;
mod read;
mod write;
mod xml_read;
mod xml_write;

use medsbom_model::{ParseError, Parsed, Sbom, Written};

/// Deepest nesting of components (or services) in a JSON document; deeper is a parse error.
pub const MAX_COMPONENT_NESTING: usize = read::MAX_NESTING;
/// Deepest element nesting in an XML document; deeper is a parse error.
pub const MAX_XML_DEPTH: usize = read::MAX_XML_DEPTH;
/// The CycloneDX version the writers produce.
pub const WRITTEN_SPEC_VERSION: &str = write::SPEC_VERSION;

/// Reads a CycloneDX JSON document (any spec version 1.2–1.7; an unknown version is read as
/// the nearest known one, with a warning).
///
/// # Errors
///
/// A [`ParseError`] (with a JSON pointer, or a line and column for syntax errors) when the
/// bytes are not UTF-8 or not JSON, when a value has the wrong type, when `bomFormat` is not
/// `CycloneDX`, or when a nesting limit is exceeded.
pub fn read_json(bytes: &[u8]) -> Result<Parsed, ParseError> {
    json_read::read(bytes)
}

/// Reads a CycloneDX XML document (any spec version 1.0–1.7, told by the namespace
/// `http://cyclonedx.org/schema/bom/1.x`; the 1.1 dependency-graph extension is read too).
///
/// # Errors
///
/// A [`ParseError`] (with a line and column) when the bytes are not UTF-8 or not well-formed
/// XML, when the document has a DTD or an unknown entity, when the root is not a CycloneDX
/// `<bom>`, or when elements nest deeper than [`MAX_XML_DEPTH`].
pub fn read_xml(bytes: &[u8]) -> Result<Parsed, ParseError> {
    xml_read::read(bytes)
}

/// Writes CycloneDX 1.6 JSON (pretty-printed, valid against the official 1.6 schema).
/// The output is reproducible: the same model gives the same bytes.
#[must_use]
pub fn write_json(sbom: &Sbom) -> Written {
    json_write::write(sbom)
}

/// Writes CycloneDX 1.6 XML (namespace `http://cyclonedx.org/schema/bom/1.6`, element order
/// of the 1.6 XSD), with the same content and warnings as [`write_json`].
#[must_use]
pub fn write_xml(sbom: &Sbom) -> Written {
    xml_write::write(sbom)
}
