//! SPDX readers and writers for medsbom: SPDX 2.2/2.3 JSON, YAML and tag-value, and SPDX 3.0
//! JSON-LD in; SPDX 2.3 JSON and tag-value out.
//!
//! The three SPDX 2 serializations go through one set of serde structs and one conversion, so
//! a document gives the same [`Sbom`] whichever form it ships in (the pre-2.2 layout with a
//! top-level `Document` key is accepted too). SPDX 3 is read as plain JSON (`@graph` of typed
//! elements); no JSON-LD processing. Writers return the bytes plus one warning per kind of
//! datum SPDX 2.3 cannot hold (compositions, vulnerabilities, CycloneDX scope, group, …).
//!
//! Reading: packages, files and snippets are components (files and snippets of kind
//! [`medsbom_model::ComponentType::File`]); the originator is an author, never the supplier;
//! relationships are turned so that `from` depends on / contains / describes `to`, with the
//! SPDX type kept in `original`; annotations become properties (`key`/`value` when the comment
//! is one `key=value` or `key: value` line, else `spdx:annotation:<TYPE>`), and structured
//! comments feed [`medsbom_model::Support`]. Dangling references and duplicate SPDXIDs are
//! warnings (a duplicate is kept as `<id>-duplicate-N`). YAML with aliases or flow collections
//! nested deeper than 128 levels is refused before parsing (see [`read_yaml`]).
//!
//! Writing conventions (see `standards.md` §2.1), all read back by this crate:
//! - level of support is an `OTHER` annotation `medsbom:supportLevel=<normalized> (original:
//!   <text>)`; end of support is `validUntilDate`, plus an annotation
//!   `medsbom:endOfSupport=<text>` when the supplier's text is not that date; other milestones
//!   are `releaseDate`/`builtDate` or `cdx:lifecycle:milestone:<name>=<text>` annotations;
//! - a component type SPDX 2.3 lacks is purpose `OTHER` plus `medsbom:componentType=<type>`;
//!   authors after the first (the originator) are `medsbom:originator=<agent>` annotations;
//!   a relationship type SPDX 2.3 lacks is `OTHER` with the type as its comment;
//! - a `bom_ref` that is not a valid SPDXID (`SPDXRef-[A-Za-z0-9.-]+`) is rewritten
//!   deterministically (invalid characters become `-`, clashes get `-2`, `-3`, …);
//! - `documentNamespace` is the serial number when it is an `http(s)` URI without `#`,
//!   otherwise `https://medsbom.invalid/spdx/<uuid or sanitized serial>` (a digest of the
//!   document when there is no serial number); `Tool: medsbom-<version>` is always a creator;
//! - files come before packages in tag-value, so that no file is taken to belong to the
//!   package it follows; containment is written as explicit relationships.
//!
//! ```
//! let tag_value = b"SPDXVersion: SPDX-2.3
//! DataLicense: CC0-1.0
//! SPDXID: SPDXRef-DOCUMENT
//! DocumentName: pump
//! DocumentNamespace: https://example.com/spdx/pump-1
//! Creator: Tool: builder-1.0
//! Created: 2024-01-01T00:00:00Z
//! PackageName: openssl
//! SPDXID: SPDXRef-openssl
//! PackageVersion: 3.0.13
//! PackageSupplier: Organization: OpenSSL Foundation
//! PackageDownloadLocation: NOASSERTION
//! ValidUntilDate: 2026-09-07T00:00:00Z
//! Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-openssl
//! ";
//! let parsed = medsbom_spdx::read_tag_value(tag_value).unwrap();
//! assert_eq!(parsed.sbom.roots, ["SPDXRef-openssl"]);
//! let openssl = &parsed.sbom.components[0];
//! assert_eq!(openssl.version.as_deref(), Some("3.0.13"));
//! let written = medsbom_spdx::write_json(&parsed.sbom);
//! let again = medsbom_spdx::read_json(&written.bytes).unwrap();
//! assert_eq!(again.sbom.components[0].support, openssl.support);
//! ```
#![deny(missing_docs)]

mod agent;
mod convention;
mod json2;
mod legacy;
mod read2;
mod spdx2;
mod spdx3;
mod tag_value;
mod unique;
mod write;
mod yaml_guard;

use medsbom_model::{Location, ParseError, Parsed, Sbom, Written};
use serde::de::DeserializeSeed;

use crate::read2::Syntax;

/// Reads an SPDX 2.2/2.3 JSON document. An SPDX 3 JSON-LD document (with `@graph`) is handed
/// to [`read_spdx3_json`].
pub fn read_json(bytes: &[u8]) -> Result<Parsed, ParseError> {
    // Packages and files are converted while they are read (see `json2`). Every element
    // has an `"SPDXID"` key, so counting them sizes the component vector once instead of
    // growing it by doubling (a count inflated by hostile input is capped, and a failed
    // reservation only means growing as usual).
    let mut converter = read2::Converter::new(Syntax::Json, Vec::new(), 0);
    let n_ids = memchr::memmem::find_iter(bytes, b"\"SPDXID\"").count();
    converter.try_reserve(n_ids.min(bytes.len() / 64));
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = json2::DocumentSeed {
        converter: &mut converter,
    }
    .deserialize(&mut deserializer)
    .and_then(|doc| deserializer.end().map(|()| doc));
    let doc = match parsed {
        Ok(doc) => doc,
        Err(err) => return Err(json_error(&err, "spdx json")),
    };
    if doc.graph.is_some() && doc.spdx_version.is_none() {
        return read_spdx3_json(bytes);
    }
    if doc.spdx_version.is_none() && doc.spdx_id.is_none() {
        // The pre-2.2 layout (or no SPDX 2 document at all): the rewritten document replaces
        // whatever was read at the top level.
        return read2::convert(legacy::upgrade(doc)?, Syntax::Json, Vec::new());
    }
    converter.finish(doc)
}

/// Reads an SPDX 2.2/2.3 YAML document. Documents with aliases (`*name`) or flow collections
/// nested deeper than 128 levels are refused before parsing: `serde_norway` bounds how often
/// it follows aliases but not the bytes it copies, and libyaml is quadratic in flow depth.
pub fn read_yaml(bytes: &[u8]) -> Result<Parsed, ParseError> {
    yaml_guard::check(bytes)?;
    let doc: spdx2::Document = match serde_norway::from_slice(bytes) {
        Ok(doc) => doc,
        Err(err) => {
            let location = match err.location() {
                Some(at) => Location::LineColumn {
                    line: at.line().max(1) as u64,
                    column: at.column().max(1) as u64,
                },
                None => Location::Document,
            };
            let message = strip_position(&err.to_string());
            return Err(ParseError::new(
                location,
                format!("invalid spdx yaml: {message}"),
            ));
        }
    };
    read2::convert(legacy::upgrade(doc)?, Syntax::Json, Vec::new())
}

/// Reads an SPDX 2.x tag-value document.
pub fn read_tag_value(bytes: &[u8]) -> Result<Parsed, ParseError> {
    tag_value::read(bytes)
}

/// Reads an SPDX 3.0.x JSON-LD document (`@context` plus `@graph`).
pub fn read_spdx3_json(bytes: &[u8]) -> Result<Parsed, ParseError> {
    spdx3::read(bytes)
}

/// Writes SPDX 2.3 JSON.
#[must_use]
pub fn write_json(sbom: &Sbom) -> Written {
    write::write_json(sbom)
}

/// Writes SPDX 2.3 tag-value.
#[must_use]
pub fn write_tag_value(sbom: &Sbom) -> Written {
    write::write_tag_value(sbom)
}

/// A serde_json error as a parse error at its line and column.
pub(crate) fn json_error(err: &serde_json::Error, what: &str) -> ParseError {
    let location = Location::LineColumn {
        line: err.line().max(1) as u64,
        column: err.column().max(1) as u64,
    };
    let message = strip_position(&err.to_string());
    ParseError::new(location, format!("invalid {what}: {message}"))
}

/// serde errors end with ` at line L column C`; the location already says so.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(idx) => message.get(..idx).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}
