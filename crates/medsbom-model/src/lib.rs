//! The normalized SBOM model: one set of types for CycloneDX, SPDX 2/3 and SWID documents.
//!
//! Readers (`medsbom-cyclonedx`, `medsbom-spdx`, `medsbom-swid`) turn bytes into an [`Sbom`]
//! plus [`Diagnostic`]s; writers turn an [`Sbom`] back into bytes plus warnings for whatever
//! the target format cannot hold. Nothing here does I/O and nothing here knows a file format:
//! per-format serde structs live in the format crates.
//!
//! ```
//! use medsbom_model::{Component, ComponentType, Sbom, SbomFormat};
//! let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
//! let mut openssl = Component::new("openssl-3", "openssl");
//! openssl.version = Some("3.0.13".to_owned());
//! openssl.kind = ComponentType::Library;
//! sbom.components.push(openssl);
//! assert_eq!(sbom.component("openssl-3").map(|c| c.name.as_str()), Some("openssl"));
//! ```
#![deny(missing_docs)]

mod date;
mod diagnostic;
mod support;

pub use date::{IsoDate, format_epoch_seconds, now_rfc3339};
pub use diagnostic::{Diagnostic, Location, ParseError, Parsed, Severity, Written};
pub use support::{
    CDX_MILESTONE_PREFIX, END_OF_SUPPORT_PROPERTY_NAMES, Milestone, SUPPORT_LEVEL_PROPERTY,
    SUPPORT_LEVEL_PROPERTY_NAMES, Support, SupportLevel, support_from_properties,
};

/// The SBOM standard a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SbomFormat {
    /// OWASP CycloneDX (ECMA-424).
    CycloneDx,
    /// SPDX 2.x or 3.x (ISO/IEC 5962).
    Spdx,
    /// ISO/IEC 19770-2 software identification tags.
    Swid,
}

impl SbomFormat {
    /// The lowercase name used in JSON output and the database: `cyclonedx`, `spdx`, `swid`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SbomFormat::CycloneDx => "cyclonedx",
            SbomFormat::Spdx => "spdx",
            SbomFormat::Swid => "swid",
        }
    }
}

/// One SBOM document in normalized form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sbom {
    /// The standard the document follows (`None` only for a model built by hand).
    pub format: Option<SbomFormat>,
    /// The spec version as written in the document (`1.6`, `SPDX-2.3`, `3.0.1`, `2015`).
    pub spec_version: String,
    /// CycloneDX `serialNumber`, SPDX `documentNamespace`, SPDX 3 document `spdxId`, SWID `tagId`.
    pub serial_number: Option<String>,
    /// CycloneDX BOM `version` (revision counter of the same serial number).
    pub version: Option<u64>,
    /// SPDX document `name`, or the name of the described software when the format has no
    /// document name.
    pub name: Option<String>,
    /// Creation time as written (`metadata.timestamp`, `creationInfo.created`).
    pub timestamp: Option<String>,
    /// Who authored the SBOM data (CycloneDX `metadata.authors`, SPDX `Person:`/`Organization:`
    /// creators, SWID `tagCreator`).
    pub authors: Vec<Party>,
    /// Tools that produced the SBOM (CycloneDX `metadata.tools`, SPDX `Tool:` creators).
    pub tools: Vec<Tool>,
    /// Generation context / lifecycle phases (`metadata.lifecycles[].phase`, SPDX 3
    /// `software_sbomType`): `design`, `pre-build`, `build`, `post-build`, `operations`, …
    pub lifecycles: Vec<String>,
    /// The organization that supplies the described product (`metadata.supplier`).
    pub supplier: Option<Party>,
    /// The organization that manufactured the described product (`metadata.manufacture`,
    /// `metadata.manufacturer`, `metadata.component.manufacturer`).
    pub manufacturer: Option<Party>,
    /// `bom_ref`s of the described root component(s): CycloneDX `metadata.component`, SPDX
    /// `documentDescribes` / `DESCRIBES` targets, SPDX 3 `rootElement`, the primary SWID tag.
    /// The root components themselves are in [`Sbom::components`].
    pub roots: Vec<String>,
    /// Every component of the document, flattened (nested CycloneDX components carry their
    /// parent in [`Component::parent`]); the roots are included.
    pub components: Vec<Component>,
    /// Typed edges between components (and the document itself, as [`DOCUMENT_REF`]).
    pub relationships: Vec<Relationship>,
    /// Completeness statements (CycloneDX `compositions`): the known unknowns.
    pub compositions: Vec<Composition>,
    /// Vulnerabilities embedded in the document (CycloneDX `vulnerabilities`, VEX/VDR).
    pub vulnerabilities: Vec<Vulnerability>,
    /// Document-level properties / annotations, kept verbatim.
    pub properties: Vec<Property>,
    /// Document-level data the model has no field for, kept as (JSON pointer or XPath, raw
    /// text), so nothing the supplier said is lost.
    pub extensions: Vec<Property>,
    /// Licence of the SBOM data itself (SPDX `dataLicense`, CycloneDX `metadata.licenses`).
    pub data_license: Option<String>,
}

/// The pseudo `bom_ref` that stands for the document itself in relationships
/// (SPDX `SPDXRef-DOCUMENT`).
pub const DOCUMENT_REF: &str = "SPDXRef-DOCUMENT";

impl Sbom {
    /// An empty document of the given format and spec version.
    #[must_use]
    pub fn new(format: SbomFormat, spec_version: &str) -> Sbom {
        Sbom {
            format: Some(format),
            spec_version: spec_version.to_owned(),
            ..Sbom::default()
        }
    }

    /// The component with this `bom_ref`, if any (linear scan; build an index for many look-ups).
    #[must_use]
    pub fn component(&self, bom_ref: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.bom_ref == bom_ref)
    }

    /// The root components, in the order of [`Sbom::roots`].
    pub fn root_components(&self) -> impl Iterator<Item = &Component> {
        self.roots.iter().filter_map(|r| self.component(r))
    }
}

/// A person or organization: supplier, manufacturer, author, publisher.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Party {
    /// Whether this is a person, an organization, or not said.
    pub kind: PartyKind,
    /// Display name (`NOASSERTION` is kept verbatim so conformance rules can see it).
    pub name: String,
    /// E-mail address, when given.
    pub email: Option<String>,
    /// Web addresses, when given.
    pub urls: Vec<String>,
}

impl Party {
    /// An organization with just a name.
    #[must_use]
    pub fn organization(name: &str) -> Party {
        Party {
            kind: PartyKind::Organization,
            name: name.to_owned(),
            ..Party::default()
        }
    }

    /// A person with just a name.
    #[must_use]
    pub fn person(name: &str) -> Party {
        Party {
            kind: PartyKind::Person,
            name: name.to_owned(),
            ..Party::default()
        }
    }

    /// True when the name says something: not blank and not `NOASSERTION`/`NONE`.
    #[must_use]
    pub fn is_asserted(&self) -> bool {
        let name = self.name.trim();
        !(name.is_empty()
            || name.eq_ignore_ascii_case("NOASSERTION")
            || name.eq_ignore_ascii_case("NONE"))
    }
}

/// Whether a [`Party`] is a person or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartyKind {
    /// The document does not say.
    #[default]
    Unspecified,
    /// A natural person (SPDX `Person:`, CycloneDX organizationalContact).
    Person,
    /// An organization (SPDX `Organization:`, CycloneDX organizationalEntity).
    Organization,
}

/// A tool that produced the SBOM.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tool {
    /// Vendor or group, when given.
    pub vendor: Option<String>,
    /// Tool name (SPDX `Tool: name-1.2` is split at the last `-` before a digit when possible).
    pub name: String,
    /// Tool version, when given.
    pub version: Option<String>,
}

/// What kind of thing a component is (CycloneDX `type`, SPDX `primaryPackagePurpose`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum ComponentType {
    /// An application.
    Application,
    /// A framework.
    Framework,
    /// A library (the default for SPDX packages without a purpose).
    #[default]
    Library,
    /// A container image.
    Container,
    /// A platform.
    Platform,
    /// An operating system.
    OperatingSystem,
    /// A hardware device (CPE part `h`).
    Device,
    /// A device driver.
    DeviceDriver,
    /// Firmware.
    Firmware,
    /// A file.
    File,
    /// A machine-learning model.
    MachineLearningModel,
    /// Data.
    Data,
    /// A cryptographic asset (CycloneDX 1.6).
    CryptographicAsset,
    /// Source code (SPDX `SOURCE`).
    Source,
    /// An archive (SPDX `ARCHIVE`).
    Archive,
    /// An installer (SPDX `INSTALL`).
    Install,
    /// Any other value, kept as written.
    Other(String),
}

impl ComponentType {
    /// The CycloneDX spelling (`operating-system`, `machine-learning-model`, …); SPDX-only
    /// kinds get their lowercase SPDX name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            ComponentType::Application => "application",
            ComponentType::Framework => "framework",
            ComponentType::Library => "library",
            ComponentType::Container => "container",
            ComponentType::Platform => "platform",
            ComponentType::OperatingSystem => "operating-system",
            ComponentType::Device => "device",
            ComponentType::DeviceDriver => "device-driver",
            ComponentType::Firmware => "firmware",
            ComponentType::File => "file",
            ComponentType::MachineLearningModel => "machine-learning-model",
            ComponentType::Data => "data",
            ComponentType::CryptographicAsset => "cryptographic-asset",
            ComponentType::Source => "source",
            ComponentType::Archive => "archive",
            ComponentType::Install => "install",
            ComponentType::Other(other) => other,
        }
    }

    /// Parses a CycloneDX type or an SPDX purpose (case-insensitive, `_` and `-` alike).
    #[must_use]
    pub fn parse(text: &str) -> ComponentType {
        let norm = text.trim().to_ascii_lowercase().replace('_', "-");
        match norm.as_str() {
            "application" => ComponentType::Application,
            "framework" => ComponentType::Framework,
            "library" => ComponentType::Library,
            "container" => ComponentType::Container,
            "platform" => ComponentType::Platform,
            "operating-system" => ComponentType::OperatingSystem,
            "device" => ComponentType::Device,
            "device-driver" => ComponentType::DeviceDriver,
            "firmware" => ComponentType::Firmware,
            "file" => ComponentType::File,
            "machine-learning-model" => ComponentType::MachineLearningModel,
            "data" => ComponentType::Data,
            "cryptographic-asset" => ComponentType::CryptographicAsset,
            "source" => ComponentType::Source,
            "archive" => ComponentType::Archive,
            "install" => ComponentType::Install,
            _ => ComponentType::Other(text.trim().to_owned()),
        }
    }
}

/// CycloneDX component scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Required at run time (the CycloneDX default).
    Required,
    /// Optional at run time.
    Optional,
    /// Not part of the delivered product (build or test only).
    Excluded,
}

/// One component (CycloneDX component, SPDX package/file, SPDX 3 software element, SWID tag).
///
/// The fields most components have are here; those most components leave empty are in
/// [`Component::extra`], which takes room only once one of them is set, so that a document of
/// 50,000 components does not carry 50,000 sets of empty fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Component {
    /// The document-local identifier: CycloneDX `bom-ref`, SPDX `SPDXID`, SPDX 3 `spdxId`,
    /// SWID `tagId`. Readers generate a unique one when the document has none.
    pub bom_ref: String,
    /// Component type.
    pub kind: ComponentType,
    /// The supplier (CycloneDX `supplier`, SPDX `supplier`, SPDX 3 `suppliedBy`, SWID
    /// `softwareCreator`/`licensor`).
    pub supplier: Option<Party>,
    /// Component name (required by every format; empty only when the document omits it).
    pub name: String,
    /// Component version as written.
    pub version: Option<String>,
    /// Package URL as written.
    pub purl: Option<String>,
    /// CPE names (2.2 URI or 2.3 formatted string) as written.
    pub cpes: Vec<String>,
    /// Cryptographic hashes of the component.
    pub hashes: Vec<Hash>,
    /// Declared licences.
    pub licenses: Vec<License>,
    /// Support level, end of support and other lifecycle milestones (FDA §V.A.4(b)).
    pub support: Support,
    /// Every property / annotation of the component, verbatim, including the ones that were
    /// also mapped to typed fields.
    pub properties: Vec<Property>,
    /// The less common fields: manufacturer, authors, description, external references, …
    /// Read them as `component.extra.description`; setting one allocates their room.
    pub extra: ComponentExtra,
}

impl Component {
    /// A library component with just a `bom_ref` and a name.
    #[must_use]
    pub fn new(bom_ref: &str, name: &str) -> Component {
        Component {
            bom_ref: bom_ref.to_owned(),
            name: name.to_owned(),
            ..Component::default()
        }
    }

    /// The first CPE, if any.
    #[must_use]
    pub fn cpe(&self) -> Option<&str> {
        self.cpes.first().map(String::as_str)
    }
}

/// The fields of a [`Component`] that most components leave empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentExtraFields {
    /// The manufacturer (CycloneDX 1.6 `manufacturer`).
    pub manufacturer: Option<Party>,
    /// Authors or originators (CycloneDX `author`/`authors`, SPDX `originator`).
    pub authors: Vec<Party>,
    /// CycloneDX `publisher`.
    pub publisher: Option<String>,
    /// Namespace: CycloneDX `group`.
    pub group: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// CycloneDX scope.
    pub scope: Option<Scope>,
    /// SWID tag reference.
    pub swid: Option<SwidRef>,
    /// Other unique identifiers (OmniBOR, SWHID, gitoid, SPDX persistent ids, …).
    pub other_identifiers: Vec<Identifier>,
    /// SPDX `licenseConcluded`, as written (`NOASSERTION` kept).
    pub license_concluded: Option<String>,
    /// Copyright text, as written (`NOASSERTION` kept).
    pub copyright: Option<String>,
    /// External references (website, VCS, advisories, …).
    pub external_refs: Vec<ExternalRef>,
    /// `bom_ref` of the enclosing component for nested CycloneDX components.
    pub parent: Option<String>,
    /// Component-level data the model has no field for: (JSON pointer or XPath, raw text).
    pub extensions: Vec<Property>,
}

/// The empty fields that an unallocated [`ComponentExtra`] reads as.
static NO_EXTRA_FIELDS: ComponentExtraFields = ComponentExtraFields {
    manufacturer: None,
    authors: Vec::new(),
    publisher: None,
    group: None,
    description: None,
    scope: None,
    swid: None,
    other_identifiers: Vec::new(),
    license_concluded: None,
    copyright: None,
    external_refs: Vec::new(),
    parent: None,
    extensions: Vec::new(),
};

/// [`ComponentExtraFields`], allocated on first write.
///
/// It dereferences to the fields: reading an unset one costs nothing, and writing through
/// `&mut` allocates the fields once (so assign only values worth keeping). An unallocated
/// value and an allocated one with every field empty are equal.
#[derive(Clone, Default)]
pub struct ComponentExtra(Option<Box<ComponentExtraFields>>);

impl ComponentExtra {
    /// Whether the fields are allocated (and may hold something).
    #[must_use]
    pub fn is_allocated(&self) -> bool {
        self.0.is_some()
    }
}

impl From<ComponentExtraFields> for ComponentExtra {
    fn from(fields: ComponentExtraFields) -> ComponentExtra {
        if fields == NO_EXTRA_FIELDS {
            return ComponentExtra(None);
        }
        ComponentExtra(Some(Box::new(fields)))
    }
}

impl std::ops::Deref for ComponentExtra {
    type Target = ComponentExtraFields;

    fn deref(&self) -> &ComponentExtraFields {
        self.0.as_deref().unwrap_or(&NO_EXTRA_FIELDS)
    }
}

impl std::ops::DerefMut for ComponentExtra {
    fn deref_mut(&mut self) -> &mut ComponentExtraFields {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for ComponentExtra {
    fn eq(&self, other: &ComponentExtra) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for ComponentExtra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// A SWID tag reference on a component.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SwidRef {
    /// `tagId` (required).
    pub tag_id: String,
    /// Software name.
    pub name: Option<String>,
    /// Software version.
    pub version: Option<String>,
    /// `tagVersion`.
    pub tag_version: Option<u64>,
    /// Whether the tag is a patch tag.
    pub patch: Option<bool>,
}

/// A typed identifier other than purl, CPE and SWID.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identifier {
    /// Identifier scheme as the document names it (`omniborId`, `swhid`, `gitoid`, …).
    pub kind: String,
    /// The identifier value.
    pub value: String,
}

/// A hash of a component's content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hash {
    /// Algorithm, normalized to the CycloneDX spelling (`SHA-256`, `SHA3-512`, `BLAKE2b-256`,
    /// `MD5`, …); unknown algorithms are kept as written.
    pub algorithm: String,
    /// Hex digest, as written.
    pub value: String,
}

/// Normalizes a hash algorithm name to the CycloneDX spelling: `SHA256` → `SHA-256`,
/// `sha1` → `SHA-1`, `SHA3-256` unchanged, `BLAKE2b-256` unchanged.
#[must_use]
pub fn normalize_hash_algorithm(text: &str) -> String {
    // The CycloneDX spellings, the common case, are already normalized.
    if let "MD5" | "SHA-1" | "SHA-224" | "SHA-256" | "SHA-384" | "SHA-512" | "SHA3-256"
    | "SHA3-384" | "SHA3-512" | "BLAKE2b-256" | "BLAKE2b-384" | "BLAKE2b-512" | "BLAKE3" = text
    {
        return text.to_owned();
    }
    let upper = text.trim().to_ascii_uppercase().replace('_', "-");
    match upper.as_str() {
        "SHA1" | "SHA-1" => "SHA-1".to_owned(),
        "SHA224" | "SHA-224" => "SHA-224".to_owned(),
        "SHA256" | "SHA-256" => "SHA-256".to_owned(),
        "SHA384" | "SHA-384" => "SHA-384".to_owned(),
        "SHA512" | "SHA-512" => "SHA-512".to_owned(),
        "SHA3-256" | "SHA3256" => "SHA3-256".to_owned(),
        "SHA3-384" | "SHA3384" => "SHA3-384".to_owned(),
        "SHA3-512" | "SHA3512" => "SHA3-512".to_owned(),
        "BLAKE2B-256" => "BLAKE2b-256".to_owned(),
        "BLAKE2B-384" => "BLAKE2b-384".to_owned(),
        "BLAKE2B-512" => "BLAKE2b-512".to_owned(),
        "BLAKE3" => "BLAKE3".to_owned(),
        "MD2" | "MD4" | "MD5" | "MD6" | "ADLER32" => upper,
        _ => text.trim().to_owned(),
    }
}

/// A licence statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// An SPDX licence identifier (`Apache-2.0`).
    Id(String),
    /// A licence name that is not an SPDX identifier (`Ubiquiti EULA`).
    Name(String),
    /// An SPDX licence expression (`MIT OR Apache-2.0`), including SPDX 2 declared licences.
    Expression(String),
}

impl License {
    /// The text of the licence, whatever its form.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            License::Id(text) | License::Name(text) | License::Expression(text) => text,
        }
    }
}

/// An external reference of a component.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExternalRef {
    /// Reference type (`website`, `vcs`, `advisories`, SPDX `referenceType`, …).
    pub kind: String,
    /// URL or locator.
    pub url: String,
    /// Comment, when given.
    pub comment: Option<String>,
}

/// A name/value pair: CycloneDX property, SPDX annotation, or an extension kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Property {
    /// Property name (or the JSON pointer / XPath for extensions).
    pub name: String,
    /// Property value.
    pub value: String,
}

impl Property {
    /// A property from two strings.
    #[must_use]
    pub fn new(name: &str, value: &str) -> Property {
        Property {
            name: name.to_owned(),
            value: value.to_owned(),
        }
    }
}

/// The kind of a relationship, oriented so that `from` depends on / contains / describes `to`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RelationshipKind {
    /// `from` depends on `to` (CycloneDX `dependsOn`, SPDX `DEPENDS_ON` and the flipped
    /// `*DEPENDENCY_OF`, links such as `STATIC_LINK`, SWID `requires`).
    DependsOn,
    /// `from` contains `to` (SPDX `CONTAINS`, flipped `CONTAINED_BY`, CycloneDX nesting, SWID
    /// `component`).
    Contains,
    /// The document (or an SBOM element) describes `to` (SPDX `DESCRIBES`).
    Describes,
    /// `from` provides `to` (CycloneDX 1.6 `provides`).
    Provides,
    /// Any other relationship type, as written (e.g. SPDX `GENERATED_FROM`, SWID `patches`).
    Other(String),
}

/// A typed edge between two `bom_ref`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// Source `bom_ref` (or [`DOCUMENT_REF`]).
    pub from: String,
    /// Target `bom_ref`.
    pub to: String,
    /// Normalized kind.
    pub kind: RelationshipKind,
    /// The type exactly as written in the document (`DEV_DEPENDENCY_OF`, `dependsOn`, …), so a
    /// writer of the same format can restore it.
    pub original: Option<String>,
}

/// A completeness statement (CycloneDX composition).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Composition {
    /// `complete`, `incomplete`, `incomplete_first_party_only`, …, `unknown`, `not_specified`.
    pub aggregate: String,
    /// `bom_ref`s of the assemblies the statement covers.
    pub assemblies: Vec<String>,
    /// `bom_ref`s whose dependency lists the statement covers.
    pub dependencies: Vec<String>,
}

/// A vulnerability embedded in an SBOM or VEX document (CycloneDX `vulnerabilities[]`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Vulnerability {
    /// Document-local reference (`bom-ref`), when given.
    pub bom_ref: Option<String>,
    /// Identifier (`CVE-2021-44228`, `GHSA-…`).
    pub id: String,
    /// Source name (`NVD`, `GitHub`, …).
    pub source_name: Option<String>,
    /// Source URL.
    pub source_url: Option<String>,
    /// Other identifiers of the same vulnerability.
    pub aliases: Vec<String>,
    /// Severity ratings.
    pub ratings: Vec<Rating>,
    /// CWE numbers.
    pub cwes: Vec<u32>,
    /// Description.
    pub description: Option<String>,
    /// Detail text.
    pub detail: Option<String>,
    /// Recommendation text.
    pub recommendation: Option<String>,
    /// Advisory URLs.
    pub advisories: Vec<String>,
    /// Publication time, as written.
    pub published: Option<String>,
    /// Last update time, as written.
    pub updated: Option<String>,
    /// The exploitability analysis (VEX), when given.
    pub analysis: Option<Analysis>,
    /// What the vulnerability affects.
    pub affects: Vec<Affect>,
}

/// One severity rating of a vulnerability.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rating {
    /// Numeric score.
    pub score: Option<f64>,
    /// `critical`, `high`, `medium`, `low`, `info`, `none`, `unknown`.
    pub severity: Option<String>,
    /// `CVSSv2`, `CVSSv3`, `CVSSv31`, `CVSSv4`, `OWASP`, `SSVC`, `other`.
    pub method: Option<String>,
    /// Vector string.
    pub vector: Option<String>,
}

/// A CycloneDX VEX analysis, with the values as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// `resolved`, `resolved_with_pedigree`, `exploitable`, `in_triage`, `false_positive`,
    /// `not_affected`.
    pub state: Option<String>,
    /// `code_not_present`, `code_not_reachable`, … .
    pub justification: Option<String>,
    /// `can_not_fix`, `will_not_fix`, `update`, `rollback`, `workaround_available`.
    pub responses: Vec<String>,
    /// Free-text detail.
    pub detail: Option<String>,
    /// First issued, as written.
    pub first_issued: Option<String>,
    /// Last updated, as written.
    pub last_updated: Option<String>,
}

/// What a vulnerability affects: a `bom_ref` (or BOM-Link) and versions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Affect {
    /// The `bom_ref` or BOM-Link (`urn:cdx:<serial>/<version>#<bom-ref>`).
    pub reference: String,
    /// Affected or unaffected versions or ranges; empty means "the referenced component".
    pub versions: Vec<AffectedVersion>,
}

/// One version or `vers` range with its status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AffectedVersion {
    /// A single version.
    pub version: Option<String>,
    /// A `vers:` range.
    pub range: Option<String>,
    /// `affected` (the default), `unaffected`, `unknown`.
    pub status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_stay_compact() {
        // 50,000 components are 50,000 of these before any string: the rarely set fields
        // live behind `extra`.
        assert!(std::mem::size_of::<Component>() <= 416);
        assert_eq!(std::mem::size_of::<ComponentExtra>(), 8);
    }

    #[test]
    fn extra_fields_are_allocated_on_write_only() {
        let mut component = Component::new("a", "a");
        assert_eq!(component.extra.description, None);
        assert!(!component.extra.is_allocated());
        let unallocated = component.clone();
        component.extra.description = None;
        assert!(component.extra.is_allocated());
        assert_eq!(
            component, unallocated,
            "allocated but empty equals unallocated"
        );
        let described = Component {
            extra: ComponentExtraFields {
                description: Some("zlib".to_owned()),
                ..ComponentExtraFields::default()
            }
            .into(),
            ..Component::new("a", "a")
        };
        assert_eq!(described.extra.description.as_deref(), Some("zlib"));
        assert_ne!(described, unallocated);
        let empty: ComponentExtra = ComponentExtraFields::default().into();
        assert!(!empty.is_allocated());
    }
}
