//! The canonical VEX statement model every format is read into and written from.
//!
//! Status, justification and response values are normalized to the OpenVEX / CSAF
//! vocabulary (see `standards.md` §3.4); the value as the document wrote it is kept next to
//! each normalized one, so that an export in the document's own format says what it said.

use std::fmt;

/// The canonical exploitability status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The product is not affected (CycloneDX `not_affected`, `false_positive`; CSAF
    /// `known_not_affected`).
    NotAffected,
    /// The product is affected (CycloneDX `exploitable`; CSAF `known_affected`).
    Affected,
    /// The product contains a fix (CycloneDX `resolved`; CSAF `fixed`, `first_fixed`).
    Fixed,
    /// Not known yet (CycloneDX `in_triage`).
    UnderInvestigation,
}

impl Status {
    /// Every status, in a fixed order.
    pub const ALL: [Status; 4] = [
        Status::NotAffected,
        Status::Affected,
        Status::Fixed,
        Status::UnderInvestigation,
    ];

    /// `not_affected`, `affected`, `fixed` or `under_investigation`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Affected => "affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        }
    }

    /// The canonical status for its own name (OpenVEX spelling).
    #[must_use]
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text.trim())
    }

    /// The canonical status of a CycloneDX `analysis.state`.
    #[must_use]
    pub fn from_cyclonedx(state: &str) -> Option<Status> {
        let res = match state.trim() {
            "not_affected" | "false_positive" => Status::NotAffected,
            "exploitable" => Status::Affected,
            "resolved" | "resolved_with_pedigree" => Status::Fixed,
            "in_triage" => Status::UnderInvestigation,
            _ => return None,
        };
        Some(res)
    }

    /// The CycloneDX `analysis.state` of a canonical status.
    #[must_use]
    pub fn to_cyclonedx(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Affected => "exploitable",
            Status::Fixed => "resolved",
            Status::UnderInvestigation => "in_triage",
        }
    }

    /// The canonical status of a CSAF `product_status` key; `None` for keys that carry no
    /// exploitability status (`recommended`, `unknown`) and unknown keys.
    #[must_use]
    pub fn from_csaf(key: &str) -> Option<Status> {
        let res = match key {
            "known_not_affected" => Status::NotAffected,
            "known_affected" | "first_affected" | "last_affected" => Status::Affected,
            "fixed" | "first_fixed" => Status::Fixed,
            "under_investigation" => Status::UnderInvestigation,
            _ => return None,
        };
        Some(res)
    }

    /// The CSAF `product_status` key of a canonical status.
    #[must_use]
    pub fn to_csaf(self) -> &'static str {
        match self {
            Status::NotAffected => "known_not_affected",
            Status::Affected => "known_affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        }
    }

    /// Whether a finding with this status is hidden by default (`not_affected`, `fixed`).
    #[must_use]
    pub fn suppresses(self) -> bool {
        matches!(self, Status::NotAffected | Status::Fixed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five OpenVEX / CSAF justification labels.
pub const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// The nine CycloneDX justification values.
pub const CYCLONEDX_JUSTIFICATIONS: [&str; 9] = [
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];

/// The canonical justification of an OpenVEX/CSAF label or a CycloneDX value (the mapping
/// of `standards.md` §3.4; CycloneDX's finer values map lossily, so callers keep the
/// original). `None` for anything else.
#[must_use]
pub fn canonical_justification(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if let Some(label) = JUSTIFICATIONS.into_iter().find(|label| *label == text) {
        return Some(label);
    }
    let res = match text {
        "code_not_present" => "vulnerable_code_not_present",
        "code_not_reachable" => "vulnerable_code_not_in_execute_path",
        "requires_configuration" | "requires_dependency" | "requires_environment" => {
            "vulnerable_code_cannot_be_controlled_by_adversary"
        }
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => "inline_mitigations_already_exist",
        _ => return None,
    };
    Some(res)
}

/// The CycloneDX justification for a canonical label (or the value itself when it already
/// is a CycloneDX one).
#[must_use]
pub fn cyclonedx_justification(text: &str) -> Option<&'static str> {
    if let Some(value) = CYCLONEDX_JUSTIFICATIONS
        .into_iter()
        .find(|value| *value == text)
    {
        return Some(value);
    }
    let res = match text {
        "component_not_present" | "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => return None,
    };
    Some(res)
}

/// Who stands behind a VEX document, for resolution: the manufacturer's word wins over a
/// third party's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Authority {
    /// Anyone other than the manufacturer (a coordinator, a distributor, a researcher).
    ThirdParty,
    /// The device's manufacturer.
    Manufacturer,
}

impl Authority {
    /// `third_party` or `manufacturer`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Authority::ThirdParty => "third_party",
            Authority::Manufacturer => "manufacturer",
        }
    }

    /// The authority for its name (`third-party` is accepted too).
    #[must_use]
    pub fn parse(text: &str) -> Option<Authority> {
        match text.trim() {
            "manufacturer" | "vendor" => Some(Authority::Manufacturer),
            "third_party" | "third-party" => Some(Authority::ThirdParty),
            _ => None,
        }
    }
}

/// A VEX document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VexFormat {
    /// CycloneDX (a standalone VEX BOM, or a BOM with embedded analysed vulnerabilities).
    CycloneDx,
    /// OpenVEX 0.0.1 or 0.2.0 (JSON, or the early YAML form).
    OpenVex,
    /// CSAF 2.0 (`csaf_vex`, or any CSAF document with product status).
    Csaf,
}

impl VexFormat {
    /// `cyclonedx`, `openvex` or `csaf`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            VexFormat::CycloneDx => "cyclonedx",
            VexFormat::OpenVex => "openvex",
            VexFormat::Csaf => "csaf",
        }
    }

    /// The format for its name.
    #[must_use]
    pub fn parse(text: &str) -> Option<VexFormat> {
        match text.trim() {
            "cyclonedx" => Some(VexFormat::CycloneDx),
            "openvex" => Some(VexFormat::OpenVex),
            "csaf" => Some(VexFormat::Csaf),
            _ => None,
        }
    }
}

impl fmt::Display for VexFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CycloneDX BOM-Link: `urn:cdx:<serial>/<version>#<bom-ref>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BomLink {
    /// The BOM's serial number without `urn:uuid:` (lowercase).
    pub serial: String,
    /// The BOM's version, when given.
    pub version: Option<i64>,
    /// The `bom-ref` inside that BOM; `None` for the BOM as a whole.
    pub bom_ref: Option<String>,
}

impl BomLink {
    /// Parses a BOM-Link; `None` when `text` is not one.
    #[must_use]
    pub fn parse(text: &str) -> Option<BomLink> {
        let rest = text.trim().strip_prefix("urn:cdx:")?;
        let (document, bom_ref) = match rest.split_once('#') {
            Some((document, bom_ref)) => (document, Some(percent_decode(bom_ref))),
            None => (rest, None),
        };
        let (serial, version) = match document.split_once('/') {
            Some((serial, version)) => (serial, Some(version.parse::<i64>().ok()?)),
            None => (document, None),
        };
        if serial.is_empty() {
            return None;
        }
        Some(BomLink {
            serial: normalize_serial(serial),
            version,
            bom_ref: bom_ref.filter(|r| !r.is_empty()),
        })
    }
}

impl fmt::Display for BomLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "urn:cdx:{}", self.serial)?;
        if let Some(version) = self.version {
            write!(f, "/{version}")?;
        }
        if let Some(bom_ref) = &self.bom_ref {
            write!(f, "#{bom_ref}")?;
        }
        Ok(())
    }
}

/// A serial number without `urn:uuid:`, lowercase (the form BOM-Links use).
#[must_use]
pub fn normalize_serial(serial: &str) -> String {
    let serial = serial.trim();
    serial
        .strip_prefix("urn:uuid:")
        .unwrap_or(serial)
        .to_ascii_lowercase()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut res = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let byte = bytes[idx];
        if byte == b'%'
            && let Some(hex) = text.get(idx + 1..idx + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            res.push(value);
            idx += 3;
            continue;
        }
        res.push(byte);
        idx += 1;
    }
    String::from_utf8(res).unwrap_or_else(|_| text.to_owned())
}

/// What a statement applies to. Every field that is set must match; a scope with only a
/// product (name, purl or CPE) covers every component of that product.
///
/// - `manufacturer`: every product of that manufacturer;
/// - `product`, `product_purl`, `product_cpe`: the device (product) by name (as stored) or
///   by the identifiers of its SBOM's root component;
/// - `product_version`: an exact product version; `version_range`: a `vers:` range on the
///   version of what the scope names (the component when one is named, else the product);
/// - `purl` (with or without version), `cpe`, `hashes`, `bom_link`: a component — which
///   also matches the product itself when it is the SBOM's root component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// How the document named this (CSAF product id, OpenVEX `@id`, CycloneDX `ref`).
    pub label: Option<String>,
    /// Every product of this manufacturer (a statement about "any product of ours").
    pub manufacturer: Option<String>,
    /// The product (device model) name.
    pub product: Option<String>,
    /// The product's purl (its root component's).
    pub product_purl: Option<String>,
    /// The product's CPE (its root component's).
    pub product_cpe: Option<String>,
    /// An exact product version.
    pub product_version: Option<String>,
    /// A `vers:` range on the version of what the scope names.
    pub version_range: Option<String>,
    /// A component purl; without a version, every version.
    pub purl: Option<String>,
    /// A component CPE (2.3 formatted string or 2.2 URI).
    pub cpe: Option<String>,
    /// Component file hashes: (algorithm, lowercase hex value).
    pub hashes: Vec<(String, String)>,
    /// A CycloneDX BOM-Link to a component or a whole BOM.
    pub bom_link: Option<BomLink>,
}

impl Scope {
    /// Whether the scope names a component (rather than only a product).
    #[must_use]
    pub fn names_component(&self) -> bool {
        self.purl.is_some()
            || self.cpe.is_some()
            || !self.hashes.is_empty()
            || self.bom_link.is_some()
    }

    /// Whether the scope names nothing at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.names_component()
            && self.manufacturer.is_none()
            && self.product.is_none()
            && self.product_purl.is_none()
            && self.product_cpe.is_none()
    }

    /// A short human-readable description (`ABC 4.2`, `pkg:npm/x@1`, `ABC / pkg:…`).
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let product = self
            .product
            .clone()
            .or_else(|| self.product_purl.clone())
            .or_else(|| self.product_cpe.clone());
        if let Some(product) = product {
            match (&self.product_version, &self.version_range) {
                (Some(version), _) => parts.push(format!("{product} {version}")),
                (None, Some(range)) if !self.names_component() => {
                    parts.push(format!("{product} {range}"));
                }
                _ => parts.push(product),
            }
        }
        let component = self
            .purl
            .clone()
            .or_else(|| self.cpe.clone())
            .or_else(|| self.bom_link.as_ref().map(ToString::to_string))
            .or_else(|| {
                self.hashes
                    .first()
                    .map(|(algorithm, value)| format!("{algorithm}:{value}"))
            });
        if let Some(component) = component {
            match &self.version_range {
                Some(range) => parts.push(format!("{component} {range}")),
                None => parts.push(component),
            }
        }
        if parts.is_empty()
            && let Some(manufacturer) = &self.manufacturer
        {
            parts.push(format!("every product of {manufacturer}"));
        }
        if parts.is_empty() {
            return self.label.clone().unwrap_or_else(|| "-".to_owned());
        }
        parts.join(" / ")
    }
}

/// One VEX statement: a status of one vulnerability for the products in its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The vulnerability as the document names it (`CVE-2021-44228`).
    pub vulnerability_id: String,
    /// Other identifiers of the vulnerability the document gives.
    pub aliases: Vec<String>,
    /// The canonical status.
    pub status: Status,
    /// The status as written (`exploitable`, `known_affected`, `affected`).
    pub status_original: String,
    /// The canonical justification (one of [`JUSTIFICATIONS`]).
    pub justification: Option<String>,
    /// The justification as written (`code_not_present`, a CSAF flag label).
    pub justification_original: Option<String>,
    /// Why the product is not affected, in words (OpenVEX `impact_statement`, CSAF `impact`
    /// threat, CycloneDX `detail` for `not_affected`).
    pub impact_statement: Option<String>,
    /// What to do (OpenVEX `action_statement`, CSAF remediation details).
    pub action_statement: Option<String>,
    /// Responses (CycloneDX `response[]` values, CSAF remediation categories).
    pub responses: Vec<String>,
    /// Free text (CycloneDX `detail`, OpenVEX `status_notes`, CSAF notes).
    pub detail: Option<String>,
    /// When it was stated, as written.
    pub timestamp: Option<String>,
    /// What it applies to (at least one).
    pub scopes: Vec<Scope>,
}

impl Statement {
    /// A statement with only the required parts set.
    #[must_use]
    pub fn new(vulnerability_id: &str, status: Status, status_original: &str) -> Statement {
        Statement {
            vulnerability_id: vulnerability_id.to_owned(),
            aliases: Vec::new(),
            status,
            status_original: status_original.to_owned(),
            justification: None,
            justification_original: None,
            impact_statement: None,
            action_statement: None,
            responses: Vec::new(),
            detail: None,
            timestamp: None,
            scopes: Vec::new(),
        }
    }

    /// The vulnerability id followed by its aliases.
    pub fn identifiers(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.vulnerability_id.as_str())
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// A statement (or one product of it) that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where in the document: `vulnerabilities[2]`, `statements[0]`, `vulnerabilities[0]
    /// product CSAFPID-0003`.
    pub location: String,
    /// The vulnerability, when it could be read.
    pub vulnerability_id: Option<String>,
    /// Why.
    pub reason: SkipReason,
}

/// Why a statement was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The status is not one the format defines.
    UnknownStatus(String),
    /// The vulnerability is missing or its identifier is not one.
    UnknownVulnerability(String),
    /// The product reference cannot be resolved (or there is none).
    UnknownProduct(String),
    /// The document gives the same product two different statuses for the same
    /// vulnerability.
    Contradiction(String),
    /// The statement breaks a rule of its format (a `not_affected` without justification,
    /// …).
    Invalid(String),
}

impl SkipReason {
    /// `unknown_status`, `unknown_vulnerability`, `unknown_product`, `contradiction` or
    /// `invalid`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::UnknownStatus(_) => "unknown_status",
            SkipReason::UnknownVulnerability(_) => "unknown_vulnerability",
            SkipReason::UnknownProduct(_) => "unknown_product",
            SkipReason::Contradiction(_) => "contradiction",
            SkipReason::Invalid(_) => "invalid",
        }
    }

    /// The explanation.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            SkipReason::UnknownStatus(text)
            | SkipReason::UnknownVulnerability(text)
            | SkipReason::UnknownProduct(text)
            | SkipReason::Contradiction(text)
            | SkipReason::Invalid(text) => text,
        }
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location)?;
        if let Some(id) = &self.vulnerability_id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}: {}", self.reason.kind(), self.reason.message())
    }
}

/// A VEX document read into the canonical model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexDocument {
    /// The format it was read from.
    pub format: VexFormat,
    /// The format's version (`1.4`, `0.2.0`, `2.0`).
    pub spec_version: String,
    /// The document's identity (CycloneDX serial number, OpenVEX `@id`, CSAF tracking id).
    pub document_id: Option<String>,
    /// The document's version, as written.
    pub document_version: Option<String>,
    /// Who wrote it (CycloneDX manufacturer/supplier/author, OpenVEX author, CSAF
    /// publisher).
    pub author: Option<String>,
    /// The author's role as the document states it (OpenVEX `role`, CSAF publisher
    /// category).
    pub author_role: Option<String>,
    /// The authority the document itself claims (a CSAF `vendor` publisher is the
    /// manufacturer); `None` when it says nothing.
    pub authority: Option<Authority>,
    /// When it was issued, as written.
    pub timestamp: Option<String>,
    /// The statements that were read.
    pub statements: Vec<Statement>,
    /// The statements (or products of statements) that were not.
    pub skipped: Vec<Skipped>,
}
