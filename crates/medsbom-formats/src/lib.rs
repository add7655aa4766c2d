//! The format facade every medsbom command uses: find out what a file is, decode it, read it
//! into the normalized model, write the model back out, and validate a document against its
//! format's official schema.
//!
//! - [`decode`] undoes transport wrapping: gzip (bounded, so a gzip bomb is an error), a UTF-8
//!   byte-order mark. UTF-16 and UTF-32 input is refused with a clear message rather than
//!   transcoded, because the XML readers would then disagree with the document's own
//!   encoding declaration.
//! - [`sniff`] names the format from the content, never from the file name: JSON top-level keys
//!   (`bomFormat`/`specVersion`, `spdxVersion`, `@context`/`@graph`), the XML root element and
//!   namespace, the tag-value `SPDXVersion:` line, the YAML `spdxVersion:` key. It looks at a
//!   prefix only where it can (a JSON key scan stops once the format is known).
//! - [`read`] sniffs and calls the reader of `medsbom-cyclonedx`, `medsbom-spdx` or
//!   `medsbom-swid`; [`write`] calls a writer.
//! - [`validate`] checks a document:
//!   - CycloneDX JSON 1.2–1.7 and SPDX JSON 2.2/2.3 and SPDX 3.0.1 JSON-LD against the official
//!     JSON schemas (SPDX YAML is turned into JSON and checked against the SPDX JSON schema);
//!   - CycloneDX XML 1.0–1.7 against the structural rules of the official XSD, interpreted by a
//!     small XSD subset engine: root element and namespace, allowed and required
//!     child elements and their counts, `choice` exclusivity, required and known attributes,
//!     simple types (enumerations such as component `type`, hash `alg` and scope, patterns
//!     such as hash `content` lengths and `serialNumber`, xs:dateTime, integer ranges, lengths)
//!     and `bom-ref` uniqueness. Element order is not checked;
//!   - SWID tags against the XSD's structural rules as checked by `medsbom-swid`;
//!   - SPDX tag-value against the required fields of the spec.
//!
//!   Error diagnostics of the reader count as validation errors in every format.
//!
//! The schemas come from the shared corpus and are compiled into the library by `build.rs`
//! (set `MEDSBOM_SCHEMA_DIR` at build time to point elsewhere). A build without them still
//! reads every format; [`validate`] then says that schema validation is unavailable.
//!
//! ```
//! let bytes = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}"#.to_vec();
//! let bytes = medsbom_formats::decode(bytes, &medsbom_formats::Limits::default()).unwrap();
//! let detected = medsbom_formats::sniff(&bytes).unwrap();
//! assert_eq!(detected.format, medsbom_formats::Format::CycloneDxJson);
//! assert_eq!(detected.spec_version.as_deref(), Some("1.6"));
//! ```
#![deny(missing_docs)]

mod decode;
mod sniff;
mod text;
mod validate;
mod xsd;

use std::fmt;
use std::str::FromStr;

use medsbom_model::{ParseError, Parsed, Sbom, SbomFormat, Written};

pub use decode::decode;
pub use sniff::sniff;
pub use validate::{
    SCHEMAS_UNAVAILABLE, ValidationError, ValidationReport, schema_dir, schemas_available, validate,
};

/// An input format medsbom can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// CycloneDX JSON (1.2–1.7).
    CycloneDxJson,
    /// CycloneDX XML (1.0–1.7).
    CycloneDxXml,
    /// SPDX 2.2/2.3 JSON.
    SpdxJson,
    /// SPDX 2.2/2.3 YAML.
    SpdxYaml,
    /// SPDX 2.x tag-value.
    SpdxTagValue,
    /// SPDX 3.0 JSON-LD.
    Spdx3Json,
    /// ISO/IEC 19770-2:2015 SWID tag(s).
    Swid,
}

impl Format {
    /// Every format, in a stable order.
    pub const ALL: &'static [Format] = &[
        Format::CycloneDxJson,
        Format::CycloneDxXml,
        Format::SpdxJson,
        Format::SpdxYaml,
        Format::SpdxTagValue,
        Format::Spdx3Json,
        Format::Swid,
    ];

    /// The stable name used in JSON output: `cyclonedx-json`, `cyclonedx-xml`, `spdx-json`,
    /// `spdx-yaml`, `spdx-tv`, `spdx3-json`, `swid`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CycloneDxJson => "cyclonedx-json",
            Format::CycloneDxXml => "cyclonedx-xml",
            Format::SpdxJson => "spdx-json",
            Format::SpdxYaml => "spdx-yaml",
            Format::SpdxTagValue => "spdx-tv",
            Format::Spdx3Json => "spdx3-json",
            Format::Swid => "swid",
        }
    }

    /// The standard the format belongs to.
    #[must_use]
    pub fn sbom_format(self) -> SbomFormat {
        match self {
            Format::CycloneDxJson | Format::CycloneDxXml => SbomFormat::CycloneDx,
            Format::SpdxJson | Format::SpdxYaml | Format::SpdxTagValue | Format::Spdx3Json => {
                SbomFormat::Spdx
            }
            Format::Swid => SbomFormat::Swid,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`sniff`] found: the format and, when the document states it, the spec version as
/// written (`1.6`, `SPDX-2.3`, `3.0.1`, `2015`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The format.
    pub format: Format,
    /// The spec version as written in the document, when found.
    pub spec_version: Option<String>,
}

/// Size limits for untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest input accepted, compressed or not (default 1 GiB).
    pub max_input_bytes: u64,
    /// The most bytes gzip input may expand to (default 2 GiB).
    pub max_decompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 1 << 30,
            max_decompressed_bytes: 2 << 30,
        }
    }
}

/// Why a document could not be decoded, recognised or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The content is not any supported SBOM format.
    #[error("unknown format: {reason}")]
    Unknown {
        /// What was found instead.
        reason: String,
    },
    /// The content is an SBOM format medsbom recognises but does not read.
    #[error("unsupported format: {format}; {hint}")]
    Unsupported {
        /// The format (`SPDX RDF/XML`).
        format: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// The text is not UTF-8.
    #[error("wrong encoding: {encoding}; convert to utf-8")]
    Encoding {
        /// The encoding found (`utf-16le`).
        encoding: &'static str,
    },
    /// The input, or what it decompresses to, is over a limit.
    #[error("{what} is over the limit of {limit} bytes (at least {size} bytes)")]
    TooLarge {
        /// `input` or `decompressed input`.
        what: &'static str,
        /// The size seen (for decompressed input: how far decompression got).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Gzip data that cannot be decompressed.
    #[error("cannot decompress gzip input at byte {offset}: {message}")]
    Decompress {
        /// How many decompressed bytes were produced before the failure.
        offset: u64,
        /// The decoder's message.
        message: String,
    },
    /// The reader of the detected format rejected the document.
    #[error("{format}: {error}")]
    Parse {
        /// The detected format.
        format: Format,
        /// Where and why.
        error: ParseError,
    },
}

/// Sniffs the format of `bytes` (already [`decode`]d) and reads the document with the
/// matching reader.
pub fn read(bytes: &[u8]) -> Result<(Detected, Parsed), FormatError> {
    let detected = sniff(bytes)?;
    let parsed = read_as(bytes, detected.format).map_err(|error| FormatError::Parse {
        format: detected.format,
        error,
    })?;
    Ok((detected, parsed))
}

/// Reads `bytes` with the reader of `format`, without sniffing.
pub fn read_as(bytes: &[u8], format: Format) -> Result<Parsed, ParseError> {
    match format {
        Format::CycloneDxJson => medsbom_cyclonedx::read_json(bytes),
        Format::CycloneDxXml => medsbom_cyclonedx::read_xml(bytes),
        Format::SpdxJson => medsbom_spdx::read_json(bytes),
        Format::SpdxYaml => medsbom_spdx::read_yaml(bytes),
        Format::SpdxTagValue => medsbom_spdx::read_tag_value(bytes),
        Format::Spdx3Json => medsbom_spdx::read_spdx3_json(bytes),
        Format::Swid => medsbom_swid::read_xml(bytes),
    }
}

/// A format medsbom can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// CycloneDX 1.6 JSON.
    CycloneDxJson,
    /// CycloneDX 1.6 XML.
    CycloneDxXml,
    /// SPDX 2.3 JSON.
    SpdxJson,
    /// SPDX 2.3 tag-value.
    SpdxTagValue,
}

impl OutputFormat {
    /// Every output format, in the order of [`OutputFormat::NAMES`].
    pub const ALL: &'static [OutputFormat] = &[
        OutputFormat::CycloneDxJson,
        OutputFormat::CycloneDxXml,
        OutputFormat::SpdxJson,
        OutputFormat::SpdxTagValue,
    ];

    /// The names accepted by [`OutputFormat::from_str`] (for `clap`'s possible values).
    pub const NAMES: &'static [&'static str] =
        &["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx-tv"];

    /// `cyclonedx-json`, `cyclonedx-xml`, `spdx-json` or `spdx-tv`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::CycloneDxJson => "cyclonedx-json",
            OutputFormat::CycloneDxXml => "cyclonedx-xml",
            OutputFormat::SpdxJson => "spdx-json",
            OutputFormat::SpdxTagValue => "spdx-tv",
        }
    }

    /// The input format a written document reads back as.
    #[must_use]
    pub fn format(self) -> Format {
        match self {
            OutputFormat::CycloneDxJson => Format::CycloneDxJson,
            OutputFormat::CycloneDxXml => Format::CycloneDxXml,
            OutputFormat::SpdxJson => Format::SpdxJson,
            OutputFormat::SpdxTagValue => Format::SpdxTagValue,
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<OutputFormat, String> {
        OutputFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown output format \"{text}\"; expected one of: {}",
                    OutputFormat::NAMES.join(", ")
                )
            })
    }
}

/// Writes `sbom` in the output format; the warnings list what the format cannot hold.
#[must_use]
pub fn write(sbom: &Sbom, to: OutputFormat) -> Written {
    match to {
        OutputFormat::CycloneDxJson => medsbom_cyclonedx::write_json(sbom),
        OutputFormat::CycloneDxXml => medsbom_cyclonedx::write_xml(sbom),
        OutputFormat::SpdxJson => medsbom_spdx::write_json(sbom),
        OutputFormat::SpdxTagValue => medsbom_spdx::write_tag_value(sbom),
    }
}
