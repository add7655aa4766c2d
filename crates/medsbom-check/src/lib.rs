//! Conformance checking for SBOMs: named profiles of minimum elements, and the quality
//! findings a reviewer acts on.
//!
//! [`check`] takes a normalized [`Sbom`] (from any reader), a [`Profile`] and, optionally, the
//! date to judge end-of-support dates against, and returns a [`Report`]: one
//! [`ElementResult`] per element the profile asks for (with the failing components), whether
//! the document conforms, and [`Finding`]s that do not decide conformance but need a reviewer:
//! components with no purl or CPE, malformed purls and CPEs, components not reachable from the
//! root, duplicates, end of support already past, unmaintained components.
//!
//! The library reads no clock and no file: the caller passes `as_of` ("today" in the CLI).
//!
//! ```
//! use medsbom_check::{Profile, check};
//! use medsbom_model::{Component, Party, Relationship, RelationshipKind, Sbom, SbomFormat};
//!
//! let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
//! sbom.timestamp = Some("2024-05-01T10:00:00Z".to_owned());
//! sbom.authors.push(Party::person("Jane Doe"));
//! let mut pump = Component::new("pump", "infusion-pump-fw");
//! pump.version = Some("4.2".to_owned());
//! pump.supplier = Some(Party::organization("Acme Medical"));
//! pump.purl = Some("pkg:generic/acme/infusion-pump-fw@4.2".to_owned());
//! let mut zlib = Component::new("zlib", "zlib");
//! zlib.version = Some("1.3.1".to_owned());
//! zlib.purl = Some("pkg:generic/zlib@1.3.1".to_owned());
//! sbom.roots.push("pump".to_owned());
//! sbom.components = vec![pump, zlib];
//! sbom.relationships.push(Relationship {
//!     from: "pump".to_owned(),
//!     to: "zlib".to_owned(),
//!     kind: RelationshipKind::DependsOn,
//!     original: None,
//! });
//!
//! let report = check(&sbom, Profile::Ntia2021, None);
//! assert!(!report.conformant);
//! let supplier = report.element("supplier").unwrap();
//! assert_eq!(supplier.failing, ["zlib"]);
//! ```
#![deny(missing_docs)]

mod findings;
mod profile;
pub mod render;
mod rules;
mod scope;
mod spdx;
mod support;
#[cfg(test)]
mod tests;

use medsbom_model::{IsoDate, Sbom};

pub use profile::{Element, Profile};
pub use support::{SupportRow, SupportSummary, support_summary};

/// Errors of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A profile name that is not one of [`Profile::all`].
    #[error(
        "unknown profile {0:?}; expected one of ntia-2021, fsct3-min, cisa-2025-draft, fda-premarket, imdrf-n73"
    )]
    UnknownProfile(String),
}

/// The outcome of checking one document against one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The profile checked.
    pub profile: Profile,
    /// True when every element passed.
    pub conformant: bool,
    /// One result per element of the profile, in the profile's order.
    pub elements: Vec<ElementResult>,
    /// Quality findings, document-level first, then per component in document order.
    pub findings: Vec<Finding>,
    /// How many components the per-component elements looked at (for SPDX: packages).
    pub n_components: usize,
}

impl Report {
    /// The result of the element with this id, if the profile has it.
    #[must_use]
    pub fn element(&self, id: &str) -> Option<&ElementResult> {
        self.elements.iter().find(|e| e.id == id)
    }

    /// The elements that failed.
    pub fn failed_elements(&self) -> impl Iterator<Item = &ElementResult> {
        self.elements.iter().filter(|e| !e.passed)
    }
}

/// The verdict on one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementResult {
    /// Stable snake_case id ([`Element::id`]).
    pub id: &'static str,
    /// Human title ([`Element::title`]).
    pub title: &'static str,
    /// Whether the document satisfies the element.
    pub passed: bool,
    /// The components that fail it, as component references (the `bom_ref`, or
    /// `name@version` when the reader had to make the `bom_ref` up); empty for document-level
    /// elements.
    pub failing: Vec<String>,
    /// `failing.len()`, kept beside it so that renderers can list only the first few.
    pub failing_count: usize,
    /// For a failed element, why, in one lowercase sentence (for document-level elements in
    /// particular, which have no failing components).
    pub detail: Option<String>,
}

/// How much a [`Finding`] matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing (for example a graph that is fully covered).
    Info,
    /// Needs a reviewer's attention.
    Warning,
    /// Wrong data (a malformed identifier, an invalid document).
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A quality finding: something a reviewer should act on that is not itself an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable snake_case id, one of [`FINDING_IDS`].
    pub id: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// The component concerned (same form as [`ElementResult::failing`]), when there is one.
    pub component: Option<String>,
    /// What is wrong, in lowercase words.
    pub message: String,
}

/// Every finding id [`check`] can produce, with what it means.
pub const FINDING_IDS: &[(&str, &str)] = &[
    (
        "no_vulnerability_identifier",
        "the component has neither a purl nor a CPE, so it cannot be matched against vulnerability databases",
    ),
    (
        "malformed_purl",
        "the purl does not follow the purl specification",
    ),
    (
        "malformed_cpe",
        "the CPE is neither a CPE 2.3 formatted string nor a CPE 2.2 URI",
    ),
    (
        "dependency_graph_coverage",
        "how many components are reachable from the root component(s) through dependency or containment edges",
    ),
    (
        "unreachable_component",
        "the component is not reachable from the root component(s)",
    ),
    (
        "no_root_component",
        "the document names no root (described) component",
    ),
    (
        "duplicate_component",
        "the same component (same purl, or same name and version) is listed again",
    ),
    (
        "end_of_support_past",
        "the end-of-support date is before the date checked against",
    ),
    (
        "end_of_support_not_a_date",
        "the end of support is stated as text, not as a date (under fda-premarket and imdrf-n73, missing_support_data quotes the text instead)",
    ),
    (
        "unmaintained_component",
        "the level of support says abandoned or no longer maintained",
    ),
    (
        "missing_support_data",
        "the component has no level of support or no end-of-support date",
    ),
    (
        "spdx_validation",
        "the document breaks an SPDX rule that the reference checker's validation enforces",
    ),
];

/// Checks `sbom` against `profile`.
///
/// `as_of` is the date to compare end-of-support dates with (the CLI passes today); without
/// it, no "end of support already past" finding is produced.
#[must_use]
pub fn check(sbom: &Sbom, profile: Profile, as_of: Option<IsoDate>) -> Report {
    let scope = scope::Scope::new(sbom);
    let shared = findings::shared(&scope);
    report(&scope, &shared, profile, as_of)
}

/// Checks `sbom` against each of `profiles` (one [`Report`] each, in that order), doing the
/// work the profiles share (the component index, purl and CPE parsing, duplicates, the
/// dependency graph) once: what `check` per profile gives, faster.
#[must_use]
pub fn check_many(sbom: &Sbom, profiles: &[Profile], as_of: Option<IsoDate>) -> Vec<Report> {
    let scope = scope::Scope::new(sbom);
    let shared = findings::shared(&scope);
    profiles
        .iter()
        .map(|profile| report(&scope, &shared, *profile, as_of))
        .collect()
}

fn report(
    scope: &scope::Scope<'_>,
    shared: &findings::SharedFindings,
    profile: Profile,
    as_of: Option<IsoDate>,
) -> Report {
    let mut elements = Vec::with_capacity(profile.elements().len());
    let mut findings = Vec::new();
    for element in profile.elements() {
        if let Some(result) = rules::evaluate(scope, profile, *element, &mut findings) {
            elements.push(result);
        }
    }
    findings::collect(scope, shared, profile, as_of, &mut findings);
    let conformant = elements.iter().all(|e| e.passed);
    Report {
        profile,
        conformant,
        elements,
        findings,
        n_components: scope.n_in_scope(),
    }
}
