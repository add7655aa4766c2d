//! ISO/IEC 19770-2:2015 SWID tag reader, and a NISTIR 8060 rule checker.
//!
//! [`read_xml`] accepts one `<SoftwareIdentity>` tag, or a file holding many (a wrapper
//! element around them, or tags concatenated one after the other: a device's installed
//! software set) and turns them into one [`Sbom`](medsbom_model::Sbom):
//!
//! - each tag becomes a component: `bom_ref` = `tagId` (made unique with `#2`, `#3`, … when
//!   repeated), name, version (`versionScheme` kept as the property `swid:versionScheme`), the
//!   [`SwidRef`](medsbom_model::SwidRef), supplier = the `Entity` with role `softwareCreator`
//!   (else `licensor`, else `distributor`), authors = the `tagCreator` entities, hashes from
//!   the `hash` attributes of `Payload`/`Evidence` files (XML-Encryption/XML-Signature
//!   algorithm namespaces such as `http://www.w3.org/2001/04/xmlenc#sha256`), `Meta`
//!   attributes as properties (and support data via
//!   [`support_from_properties`](medsbom_model::support_from_properties));
//! - `Link rel="requires"` becomes `DependsOn`, `rel="component"` `Contains`, any other
//!   `rel` (`patches`, `supersedes`, `parent`, `supplemental`, …) `Other(rel)` — when the
//!   `swid:` target is a tag of the same file; other links become external references;
//! - the document: spec version `2015`, serial number and name of the primary tag, authors =
//!   the tag creators, roots = the primary and corpus tags that no other tag lists as its
//!   `component`. SWID has no creation time: the timestamp comes from a `Meta` attribute
//!   (`timestamp`, `created`, …) or the `Evidence/@date` of the primary tag, else none.
//!
//! Hostile input gives a [`ParseError`] with a line and column, never a panic: DTDs and
//! entity declarations are refused, only the predefined entities and character references
//! are expanded, nesting is limited to 256 levels, and the input must be UTF-8.
//!
//! ```
//! let tag = br#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"
//!     name="ACME Roadrunner" tagId="com.acme.rr-4.1" version="4.1" versionScheme="multipartnumeric">
//!   <Entity name="ACME" regid="acme.com" role="tagCreator softwareCreator"/>
//! </SoftwareIdentity>"#;
//! let parsed = medsbom_swid::read_xml(tag).unwrap();
//! assert_eq!(parsed.sbom.serial_number.as_deref(), Some("com.acme.rr-4.1"));
//! assert_eq!(parsed.sbom.components[0].supplier.as_ref().map(|p| p.name.as_str()), Some("ACME"));
//! ```
#![deny(missing_docs)]

mod dom;
mod nistir;
mod read;

#[cfg(test)]
mod nist_corpus_tests;

pub use nistir::{Authority, Finding, N8060_NAMESPACE, check_nistir_8060};
pub use read::{DEFAULT_REGID, HASH_NAMESPACES};

use medsbom_model::{ParseError, Parsed};

/// The ISO/IEC 19770-2:2015 namespace of `SoftwareIdentity` and its children.
pub const SWID_NAMESPACE: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";

/// The spec version recorded in [`Sbom::spec_version`](medsbom_model::Sbom::spec_version).
pub const SWID_SPEC_VERSION: &str = "2015";

/// Reads one SWID tag, or a file of several tags (a device's installed software set), into
/// one SBOM. Violations of the XSD's structural rules are Error diagnostics; a document that
/// is not well-formed XML, is not UTF-8, uses a DTD or holds no `SoftwareIdentity` is a
/// [`ParseError`].
pub fn read_xml(bytes: &[u8]) -> Result<Parsed, ParseError> {
    read::read(bytes)
}
