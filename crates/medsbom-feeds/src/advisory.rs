//! The normalized advisory every vulnerability feed (OSV, NVD, CVE 5, CSAF) is read into, as
//! consumed by the matcher.

use crate::timestamp::Timestamp;

/// One vulnerability as one feed describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Advisory {
    /// The feed's identifier (`GHSA-…`, `PYSEC-…`, `CVE-…`); for CSAF the vulnerability's CVE
    /// (or its first `ids[]` text).
    pub id: String,
    /// Which feed and database the advisory comes from.
    pub source: AdvisorySource,
    /// Other identifiers of the same vulnerability (OSV `aliases`, CSAF `ids`).
    pub aliases: Vec<String>,
    /// Identifiers of related but distinct vulnerabilities (OSV `related`, `upstream`).
    pub related: Vec<String>,
    /// A one-line summary (OSV `summary`, CVE 5 `title`, CSAF vulnerability `title`).
    pub summary: Option<String>,
    /// The full description (OSV `details`, English NVD / CVE 5 description, CSAF notes).
    pub details: Option<String>,
    /// When the advisory was first published.
    pub published: Option<Timestamp>,
    /// When the advisory last changed: the key for incremental imports.
    pub modified: Option<Timestamp>,
    /// When the advisory was withdrawn (OSV `withdrawn`; rejected CVE / NVD records).
    pub withdrawn: Option<Timestamp>,
    /// Severity scores, advisory-wide and from every container that supplied one.
    pub severity: Vec<SeverityScore>,
    /// CWE identifiers (`CWE-79`), without duplicates, in order of appearance.
    pub cwes: Vec<String>,
    /// Links, with the feed's type or tags.
    pub references: Vec<Reference>,
    /// What the advisory says is affected (or, for CVE 5 and CSAF, also unaffected).
    pub affected: Vec<AffectedPackage>,
    /// CISA SSVC decisions (CVE 5 CISA ADP container).
    pub ssvc: Vec<Ssvc>,
    /// Known exploitation as recorded by CISA (CVE 5 ADP `kev` block, NVD `cisaExploitAdd`).
    pub known_exploited: Option<KnownExploited>,
    /// The CSAF document this vulnerability was read from, with its remediations, threats and
    /// flags (CSAF only).
    pub csaf: Option<CsafContext>,
}

/// Which feed an advisory comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AdvisorySource {
    /// The feed format.
    pub kind: SourceKind,
    /// The database inside the feed: the OSV id prefix (`GHSA`, `GO`, `PYSEC`, `RUSTSEC`),
    /// `nvd`, the CVE 5 assigner short name, or the CSAF publisher's name.
    pub database: String,
    /// The document the advisory was read from, when one document holds several advisories
    /// (the CSAF `tracking.id`); together with `kind`, `database` and the advisory id this is
    /// the identity of a stored advisory.
    pub document: Option<String>,
}

/// The feed formats that produce advisories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// An OSV record.
    Osv,
    /// An NVD CVE API 2.0 entry.
    Nvd,
    /// A CVE JSON 5.x record.
    Cve5,
    /// A vulnerability of a CSAF 2.0 document.
    Csaf,
}

impl SourceKind {
    /// The lowercase name used in storage and output (`osv`, `nvd`, `cve5`, `csaf`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Osv => "osv",
            SourceKind::Nvd => "nvd",
            SourceKind::Cve5 => "cve5",
            SourceKind::Csaf => "csaf",
        }
    }
}

/// One severity statement.
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityScore {
    /// The scoring system.
    pub kind: SeverityKind,
    /// The vector (or, for non-CVSS systems, the value) as written.
    pub vector: String,
    /// The CVSS base score computed from `vector`, when it parses.
    pub base_score: Option<f64>,
    /// The base score the feed states next to the vector, when it states one.
    pub stated_score: Option<f64>,
    /// Who scored it: the NVD metric `source`, the CVE 5 container (`cna` or the ADP short
    /// name), or `None` when the feed does not say.
    pub source: Option<String>,
}

/// A scoring system.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SeverityKind {
    /// CVSS 2.0.
    CvssV2,
    /// CVSS 3.0 or 3.1.
    CvssV3,
    /// CVSS 4.0.
    CvssV4,
    /// Anything else, named as the feed names it (OSV `Ubuntu`).
    Other(String),
}

/// A link from an advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The URL as written.
    pub url: String,
    /// The OSV reference `type`, or NVD / CVE 5 tags.
    pub tags: Vec<String>,
}

/// One statement of what an advisory affects, in the form its feed uses.
#[derive(Debug, Clone, PartialEq)]
pub enum AffectedPackage {
    /// An OSV `affected[]` entry: an ecosystem package (or a bare Git repository) with ranges
    /// and explicit versions.
    Package(PackageAffected),
    /// An NVD CPE configuration: a tree of nodes with CPE match criteria.
    NvdConfiguration(NvdConfiguration),
    /// A CVE 5 `affected[]` entry from the CNA or an ADP container.
    Product(ProductAffected),
    /// A CSAF product named in a vulnerability's `product_status`.
    CsafProduct(CsafProductStatus),
}

/// An OSV `affected[]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageAffected {
    /// The package; `None` when the entry only names Git ranges (PSF CPython records).
    pub package: Option<OsvPackage>,
    /// Per-package severity.
    pub severity: Vec<SeverityScore>,
    /// Version ranges.
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions (matched by exact string equality).
    pub versions: Vec<String>,
    /// `ecosystem_specific` as compact JSON text.
    pub ecosystem_specific: Option<String>,
    /// `database_specific` as compact JSON text.
    pub database_specific: Option<String>,
}

/// An OSV package.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OsvPackage {
    /// The ecosystem as OSV writes it (`PyPI`, `crates.io`, `Debian:12`).
    pub ecosystem: String,
    /// The package name as the ecosystem spells it.
    pub name: String,
    /// The package URL without version, when the record gives one.
    pub purl: Option<String>,
}

/// An OSV version range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// How the range's versions are ordered.
    pub kind: RangeKind,
    /// The repository, for Git ranges.
    pub repo: Option<String>,
    /// The events, in the order written.
    pub events: Vec<Event>,
    /// `database_specific` as compact JSON text.
    pub database_specific: Option<String>,
}

/// An OSV range type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeKind {
    /// `ECOSYSTEM`: the ecosystem's own version ordering.
    Ecosystem,
    /// `SEMVER`: SemVer 2.0 ordering.
    Semver,
    /// `GIT`: commit hashes in a repository.
    Git,
}

/// An OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// Vulnerable from this version on (`"0"` = from the beginning).
    Introduced(String),
    /// Fixed in this version.
    Fixed(String),
    /// Vulnerable up to and including this version.
    LastAffected(String),
    /// The range ends before this version (`"*"` = never).
    Limit(String),
}

impl Event {
    /// The version the event names.
    #[must_use]
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(version)
            | Event::Fixed(version)
            | Event::LastAffected(version)
            | Event::Limit(version) => version,
        }
    }
}

/// An NVD `configurations[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvdConfiguration {
    /// How the nodes combine (`AND` for "running on/with" configurations); `None` = a single
    /// node or OR.
    pub operator: Option<Operator>,
    /// Whether the whole configuration is negated.
    pub negate: bool,
    /// The nodes.
    pub nodes: Vec<NvdNode>,
}

/// A boolean operator of an NVD configuration or node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// All must match.
    And,
    /// One must match.
    Or,
}

/// An NVD configuration node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvdNode {
    /// How the CPE matches combine.
    pub operator: Operator,
    /// Whether the node is negated.
    pub negate: bool,
    /// The CPE match criteria.
    pub cpe_match: Vec<CpeMatch>,
}

/// One NVD CPE match criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpeMatch {
    /// `true` for an affected product; `false` for platform context.
    pub vulnerable: bool,
    /// The CPE 2.3 formatted string.
    pub criteria: String,
    /// NVD's identifier of the criterion.
    pub match_criteria_id: Option<String>,
    /// Lower bound, inclusive (applies when the CPE version is `*`).
    pub version_start_including: Option<String>,
    /// Lower bound, exclusive.
    pub version_start_excluding: Option<String>,
    /// Upper bound, inclusive.
    pub version_end_including: Option<String>,
    /// Upper bound, exclusive.
    pub version_end_excluding: Option<String>,
}

/// A CVE 5 `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductAffected {
    /// The container the entry comes from: `cna`, or the ADP's short name (`CISA-ADP`).
    pub container: String,
    /// The vendor.
    pub vendor: Option<String>,
    /// The product.
    pub product: Option<String>,
    /// The package registry (`collectionURL`).
    pub collection_url: Option<String>,
    /// The package name in that registry.
    pub package_name: Option<String>,
    /// The source repository.
    pub repo: Option<String>,
    /// CPE names of the product.
    pub cpes: Vec<String>,
    /// Affected modules.
    pub modules: Vec<String>,
    /// Affected platforms.
    pub platforms: Vec<String>,
    /// Affected source files.
    pub program_files: Vec<String>,
    /// The status of versions not covered by `versions`.
    pub default_status: Option<VersionStatus>,
    /// Versions and version ranges with their status.
    pub versions: Vec<ProductVersion>,
}

/// A CVE 5 `versions[]` entry: a single version, or a range when `less_than` or
/// `less_than_or_equal` is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductVersion {
    /// The version, or the start of the range.
    pub version: String,
    /// The status of this version or range.
    pub status: VersionStatus,
    /// How versions are ordered (`semver`, `git`, `maven`, `custom`…), as written.
    pub version_type: Option<String>,
    /// Exclusive upper bound (`*` = no bound).
    pub less_than: Option<String>,
    /// Inclusive upper bound (`*` = no bound).
    pub less_than_or_equal: Option<String>,
    /// Status changes inside the range.
    pub changes: Vec<VersionChange>,
}

/// A status change inside a CVE 5 range (`changes[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChange {
    /// The version where the status changes.
    pub at: String,
    /// The status from that version on.
    pub status: VersionStatus,
}

/// The status of a version in CVE 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionStatus {
    /// `affected`.
    Affected,
    /// `unaffected`.
    Unaffected,
    /// `unknown`.
    Unknown,
}

/// A CISA SSVC decision (CVE 5 ADP `metrics[].other` of type `ssvc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ssvc {
    /// The ADP that made the decision (`CISA-ADP`).
    pub provider: String,
    /// The decision tree role (`CISA Coordinator`).
    pub role: Option<String>,
    /// The SSVC version (`2.0.3`).
    pub version: Option<String>,
    /// When the decision was made.
    pub timestamp: Option<Timestamp>,
    /// `Exploitation`: `none`, `poc` or `active`.
    pub exploitation: Option<String>,
    /// `Automatable`: `yes` or `no`.
    pub automatable: Option<String>,
    /// `Technical Impact`: `partial` or `total`.
    pub technical_impact: Option<String>,
}

/// Known exploitation as recorded by CISA inside an advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownExploited {
    /// When CISA added the CVE to KEV (`YYYY-MM-DD`).
    pub date_added: Option<String>,
    /// The remediation due date (NVD `cisaActionDue`).
    pub due_date: Option<String>,
    /// The required action (NVD `cisaRequiredAction`).
    pub required_action: Option<String>,
    /// The KEV vulnerability name (NVD `cisaVulnerabilityName`).
    pub vulnerability_name: Option<String>,
    /// The KEV catalog link (CVE 5 ADP `reference`).
    pub reference: Option<String>,
}

/// A CSAF product named in a vulnerability's `product_status`, resolved through the product
/// tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafProductStatus {
    /// The product as the product tree describes it.
    pub product: CsafProduct,
    /// The status list the product appears in.
    pub status: CsafStatus,
}

/// A product of a CSAF product tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafProduct {
    /// The `product_id`.
    pub product_id: String,
    /// The full product name.
    pub name: String,
    /// The package URL from `product_identification_helper` (or, for a relationship, from the
    /// component it names).
    pub purl: Option<String>,
    /// The CPE from `product_identification_helper` (or, for a relationship, from the
    /// component, else from the platform).
    pub cpe: Option<String>,
    /// The `vendor` branch above the product.
    pub vendor: Option<String>,
    /// The `product_name` branch above the product.
    pub product_name: Option<String>,
    /// The `product_version` (or `product_version_range`) branch naming the product.
    pub product_version: Option<String>,
    /// Whether `product_version` is a `product_version_range` (a `vers` range or text).
    pub version_is_range: bool,
    /// Every branch from the root to the product, as (category, name).
    pub branch_path: Vec<(String, String)>,
    /// The relationship that defines this product, when it is a combination.
    pub relationship: Option<CsafRelationship>,
}

/// A CSAF `relationships[]` entry defining a combined product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafRelationship {
    /// `default_component_of`, `installed_on`, …
    pub category: String,
    /// The component's product id.
    pub product_reference: String,
    /// The product id of what it is part of, installed on, …
    pub relates_to_product_reference: String,
}

/// A CSAF product status list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsafStatus {
    /// `first_affected`.
    FirstAffected,
    /// `first_fixed`.
    FirstFixed,
    /// `fixed`.
    Fixed,
    /// `known_affected`.
    KnownAffected,
    /// `known_not_affected`.
    KnownNotAffected,
    /// `last_affected`.
    LastAffected,
    /// `recommended`.
    Recommended,
    /// `under_investigation`.
    UnderInvestigation,
    /// `unknown` (CSAF 2.1).
    Unknown,
}

impl CsafStatus {
    /// The status for a `product_status` key, or `None` for an unknown key.
    #[must_use]
    pub fn from_key(key: &str) -> Option<CsafStatus> {
        let res = match key {
            "first_affected" => CsafStatus::FirstAffected,
            "first_fixed" => CsafStatus::FirstFixed,
            "fixed" => CsafStatus::Fixed,
            "known_affected" => CsafStatus::KnownAffected,
            "known_not_affected" => CsafStatus::KnownNotAffected,
            "last_affected" => CsafStatus::LastAffected,
            "recommended" => CsafStatus::Recommended,
            "under_investigation" => CsafStatus::UnderInvestigation,
            "unknown" => CsafStatus::Unknown,
            _ => return None,
        };
        Some(res)
    }

    /// The `product_status` key.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CsafStatus::FirstAffected => "first_affected",
            CsafStatus::FirstFixed => "first_fixed",
            CsafStatus::Fixed => "fixed",
            CsafStatus::KnownAffected => "known_affected",
            CsafStatus::KnownNotAffected => "known_not_affected",
            CsafStatus::LastAffected => "last_affected",
            CsafStatus::Recommended => "recommended",
            CsafStatus::UnderInvestigation => "under_investigation",
            CsafStatus::Unknown => "unknown",
        }
    }
}

/// What a CSAF vulnerability carries beyond the common advisory fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafContext {
    /// The document's `category` (`csaf_vex`, `csaf_security_advisory`, …).
    pub category: String,
    /// The document's `csaf_version`.
    pub csaf_version: String,
    /// The document's title.
    pub title: String,
    /// The publisher's name.
    pub publisher_name: String,
    /// The publisher's namespace URL.
    pub publisher_namespace: Option<String>,
    /// The document's `tracking.id`.
    pub tracking_id: String,
    /// The document's `tracking.version`.
    pub tracking_version: Option<String>,
    /// The document's `tracking.status` (`draft`, `final`, `interim`).
    pub tracking_status: Option<String>,
    /// The index of this vulnerability in the document's `vulnerabilities[]`.
    pub vulnerability_index: usize,
    /// Remediations, with product groups expanded to product ids.
    pub remediations: Vec<CsafRemediation>,
    /// Threats, with product groups expanded.
    pub threats: Vec<CsafThreat>,
    /// Flags (VEX justifications), with product groups expanded.
    pub flags: Vec<CsafFlag>,
}

/// A CSAF `remediations[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafRemediation {
    /// `mitigation`, `no_fix_planned`, `none_available`, `vendor_fix`, `workaround`, …
    pub category: String,
    /// What to do.
    pub details: String,
    /// When the remediation became available.
    pub date: Option<String>,
    /// Where to find it.
    pub url: Option<String>,
    /// The products it applies to (groups expanded).
    pub product_ids: Vec<String>,
}

/// A CSAF `threats[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafThreat {
    /// `exploit_status`, `impact` or `target_set`.
    pub category: String,
    /// The statement (for `impact` on a not-affected product: why it is not affected).
    pub details: String,
    /// When it was stated.
    pub date: Option<String>,
    /// The products it applies to (groups expanded).
    pub product_ids: Vec<String>,
}

/// A CSAF `flags[]` entry (a VEX justification label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsafFlag {
    /// `component_not_present`, `vulnerable_code_not_present`, …
    pub label: String,
    /// When it was stated.
    pub date: Option<String>,
    /// The products it applies to (groups expanded).
    pub product_ids: Vec<String>,
}
