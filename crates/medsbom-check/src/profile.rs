//! The named conformance profiles and the elements each one asks for.
//!
//! A profile is a fixed, documented list of [`Element`]s; how each element is decided for each
//! source format is written on the element itself, so the rule text and the code stay together.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A named set of conformance rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    /// `ntia-2021`: the seven NTIA minimum elements (2021): supplier, component name, version,
    /// other unique identifiers, dependency relationship, author of SBOM data, timestamp.
    ///
    /// On SPDX documents the verdict reproduces `ntia-conformance-checker` (`standards.md`
    /// §1.4): only packages are checked (files and snippets are ignored), `NOASSERTION` fails,
    /// an originator is not a supplier, any creator (even a tool) is an author, a `DESCRIBES`
    /// relationship to a package satisfies the dependency element, and the document must also
    /// pass the SPDX validity rules ([`Element::DocumentValid`]).
    Ntia2021,
    /// `fsct3-min`: CISA *Framing Software Component Transparency*, 3rd edition (2024), the
    /// "minimum expected" maturity level, as `ntia-conformance-checker --comp fsct3-min` reads
    /// it: the NTIA elements plus concluded licence, copyright notice and SBOM type
    /// (generation context). An SPDX 2 document has no SBOM type, so it never conforms.
    Fsct3Min,
    /// `cisa-2025-draft`: the CISA 2025 minimum elements (public draft of 2025-08-22, not
    /// final): SBOM author, software producer, component name, version, software identifier
    /// (purl, CPE, OmniBOR or SWHID), component hash, licence, dependency relationship, tool
    /// name, ISO 8601 timestamp and generation context.
    Cisa2025Draft,
    /// `fda-premarket`: the NTIA elements plus, for each component, the level of support and
    /// the end-of-support date (FDA premarket cybersecurity guidance §V.A.4(b)).
    FdaPremarket,
    /// `imdrf-n73`: the NTIA elements plus a machine-readable format, support information
    /// (level and end of support per component) and a statement of known unknowns
    /// (IMDRF/CYBER WG/N73FINAL:2023).
    ImdrfN73,
}

impl Profile {
    /// Every profile, in the order they are documented.
    #[must_use]
    pub fn all() -> &'static [Profile] {
        &[
            Profile::Ntia2021,
            Profile::Fsct3Min,
            Profile::Cisa2025Draft,
            Profile::FdaPremarket,
            Profile::ImdrfN73,
        ]
    }

    /// The profile's name on the command line and in JSON: `ntia-2021`, `fsct3-min`,
    /// `cisa-2025-draft`, `fda-premarket`, `imdrf-n73`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Ntia2021 => "ntia-2021",
            Profile::Fsct3Min => "fsct3-min",
            Profile::Cisa2025Draft => "cisa-2025-draft",
            Profile::FdaPremarket => "fda-premarket",
            Profile::ImdrfN73 => "imdrf-n73",
        }
    }

    /// A one-line description for help texts and reports.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Profile::Ntia2021 => "NTIA minimum elements (2021)",
            Profile::Fsct3Min => "CISA Framing Software Component Transparency, 3rd ed. (minimum)",
            Profile::Cisa2025Draft => "CISA 2025 minimum elements (public draft)",
            Profile::FdaPremarket => "FDA premarket cybersecurity: NTIA elements and support data",
            Profile::ImdrfN73 => {
                "IMDRF N73: NTIA elements, machine readability, support, known unknowns"
            }
        }
    }

    /// The elements the profile checks, in report order. [`Element::DocumentValid`] is listed
    /// for `ntia-2021` and `fsct3-min` but only evaluated (and reported) for SPDX documents.
    #[must_use]
    pub fn elements(self) -> &'static [Element] {
        use Element as E;
        match self {
            Profile::Ntia2021 => &[
                E::Supplier,
                E::ComponentName,
                E::ComponentVersion,
                E::UniqueIdentifier,
                E::DependencyRelationship,
                E::Author,
                E::Timestamp,
                E::DocumentValid,
            ],
            Profile::Fsct3Min => &[
                E::Supplier,
                E::ComponentName,
                E::ComponentVersion,
                E::UniqueIdentifier,
                E::DependencyRelationship,
                E::Author,
                E::Timestamp,
                E::ConcludedLicense,
                E::Copyright,
                E::GenerationContext,
                E::DocumentValid,
            ],
            Profile::Cisa2025Draft => &[
                E::Author,
                E::Supplier,
                E::ComponentName,
                E::ComponentVersion,
                E::SoftwareIdentifier,
                E::ComponentHash,
                E::License,
                E::DependencyRelationship,
                E::ToolName,
                E::Timestamp,
                E::GenerationContext,
            ],
            Profile::FdaPremarket => &[
                E::Supplier,
                E::ComponentName,
                E::ComponentVersion,
                E::UniqueIdentifier,
                E::DependencyRelationship,
                E::Author,
                E::Timestamp,
                E::SupportLevel,
                E::EndOfSupport,
            ],
            Profile::ImdrfN73 => &[
                E::Supplier,
                E::ComponentName,
                E::ComponentVersion,
                E::UniqueIdentifier,
                E::DependencyRelationship,
                E::Author,
                E::Timestamp,
                E::MachineReadable,
                E::SupportLevel,
                E::EndOfSupport,
                E::KnownUnknowns,
            ],
        }
    }

    /// True when the profile asks for support data per component, so the report also lists
    /// the components that lack it as findings.
    #[must_use]
    pub fn wants_support_data(self) -> bool {
        matches!(self, Profile::FdaPremarket | Profile::ImdrfN73)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = Error;

    /// Parses a profile name; `ntia`, `fsct3`, `cisa-2025`, `fda` and `imdrf` are accepted
    /// as short forms, case-insensitively.
    fn from_str(text: &str) -> Result<Profile, Error> {
        let norm = text.trim().to_ascii_lowercase().replace('_', "-");
        let profile = match norm.as_str() {
            "ntia-2021" | "ntia" => Profile::Ntia2021,
            "fsct3-min" | "fsct3" => Profile::Fsct3Min,
            "cisa-2025-draft" | "cisa-2025" | "cisa2025" => Profile::Cisa2025Draft,
            "fda-premarket" | "fda" => Profile::FdaPremarket,
            "imdrf-n73" | "imdrf" | "n73" => Profile::ImdrfN73,
            _ => return Err(Error::UnknownProfile(text.to_owned())),
        };
        Ok(profile)
    }
}

/// One thing a profile asks of a document, with a stable snake_case id.
///
/// "Component elements" are decided per component and list the failing ones; the others are
/// decided once for the document. Which components are in scope depends on the format: for
/// SPDX only packages (files and snippets are ignored, as the reference checker does), for
/// every other format all components, the described root included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Element {
    /// `supplier` (component): a supplier that is not blank, `NOASSERTION` or `NONE`. A
    /// CycloneDX `manufacturer` also counts; an SPDX originator or a CycloneDX author does not.
    Supplier,
    /// `component_name` (component): a name that is not blank.
    ComponentName,
    /// `component_version` (component): a version that is not blank and not `NOASSERTION`.
    ComponentVersion,
    /// `unique_identifier` (component): SPDX: a document-given SPDXID (`SPDXRef-…` in SPDX 2;
    /// every element, files included, is checked as the reference checker does); other
    /// formats: a purl, a CPE, a SWID tag id, another typed identifier (OmniBOR, SWHID) or a
    /// hash.
    UniqueIdentifier,
    /// `dependency_relationship` (document): SPDX: a `DESCRIBES` relationship (or
    /// `documentDescribes`) whose target is a package; other formats: a described root
    /// component (`metadata.component`) with at least one dependency or containment edge,
    /// unless it is the only component.
    DependencyRelationship,
    /// `author` (document): SPDX: at least one creator (a `Tool:` creator counts, as in the
    /// reference checker); other formats: an author (`metadata.authors`) that is not blank.
    /// For `cisa-2025-draft` a tool alone never counts.
    Author,
    /// `timestamp` (document): a creation time that is not blank; `cisa-2025-draft` also
    /// requires it to start with an ISO 8601 date.
    Timestamp,
    /// `document_valid` (document, SPDX only): the SPDX rules the reference checker enforces
    /// through spdx-tools validation and that the model can see: spec version `SPDX-2.2` or
    /// `SPDX-2.3`, `dataLicense` `CC0-1.0`, a `documentNamespace` URI without `#`, SPDXIDs of
    /// the form `SPDXRef-…`, relationship ends that exist, a `DESCRIBES` unless the document
    /// holds a single package and nothing else, purl locators of the form `pkg:type/name`, and a SHA1 among a file's
    /// checksums.
    DocumentValid,
    /// `license` (component, `fsct3-min`): the concluded licence, not `NOASSERTION` (`NONE`
    /// passes). On formats without a concluded licence the declared licences count.
    ConcludedLicense,
    /// `copyright` (component): a copyright text that is not blank and not `NOASSERTION`.
    Copyright,
    /// `generation_context` (document): CycloneDX `metadata.lifecycles`, SPDX 3
    /// `software_sbomType`. SPDX 2 has no such field.
    GenerationContext,
    /// `software_identifier` (component, CISA 2025): a purl, CPE, OmniBOR id or SWHID.
    SoftwareIdentifier,
    /// `component_hash` (component): at least one hash with an algorithm and a value.
    ComponentHash,
    /// `license` (component, CISA 2025): a declared or concluded licence that is not
    /// `NOASSERTION`.
    License,
    /// `tool_name` (document): at least one tool with a name.
    ToolName,
    /// `support_level` (component): a stated level of support (CycloneDX property, SPDX
    /// annotation, SPDX 3 `supportLevel`) that is not `NOASSERTION`/unknown.
    SupportLevel,
    /// `end_of_support` (component): an end-of-support date (ISO 8601, `YYYY-MM` or `YYYY`).
    /// Text such as "until hardware support ends" or "open source" is not a date: the
    /// component fails, and the finding quotes the text.
    EndOfSupport,
    /// `machine_readable` (document): the document was read from CycloneDX, SPDX or SWID.
    MachineReadable,
    /// `known_unknowns` (document): the document says where it is incomplete: CycloneDX
    /// `compositions`, or an SPDX relationship to `NOASSERTION`/`NONE`.
    KnownUnknowns,
}

impl Element {
    /// The stable snake_case id used in JSON, SARIF and HTML.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Element::Supplier => "supplier",
            Element::ComponentName => "component_name",
            Element::ComponentVersion => "component_version",
            Element::UniqueIdentifier => "unique_identifier",
            Element::DependencyRelationship => "dependency_relationship",
            Element::Author => "author",
            Element::Timestamp => "timestamp",
            Element::DocumentValid => "document_valid",
            Element::ConcludedLicense | Element::License => "license",
            Element::Copyright => "copyright",
            Element::GenerationContext => "generation_context",
            Element::SoftwareIdentifier => "software_identifier",
            Element::ComponentHash => "component_hash",
            Element::ToolName => "tool_name",
            Element::SupportLevel => "support_level",
            Element::EndOfSupport => "end_of_support",
            Element::MachineReadable => "machine_readable",
            Element::KnownUnknowns => "known_unknowns",
        }
    }

    /// A short human title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Element::Supplier => "Supplier name",
            Element::ComponentName => "Component name",
            Element::ComponentVersion => "Component version",
            Element::UniqueIdentifier => "Other unique identifiers",
            Element::DependencyRelationship => "Dependency relationship",
            Element::Author => "Author of SBOM data",
            Element::Timestamp => "Timestamp",
            Element::DocumentValid => "Valid SPDX document",
            Element::ConcludedLicense => "Concluded license",
            Element::Copyright => "Copyright notice",
            Element::GenerationContext => "Generation context (SBOM type)",
            Element::SoftwareIdentifier => "Software identifier (purl, CPE, OmniBOR, SWHID)",
            Element::ComponentHash => "Component hash",
            Element::License => "License",
            Element::ToolName => "Tool name",
            Element::SupportLevel => "Level of support",
            Element::EndOfSupport => "End-of-support date",
            Element::MachineReadable => "Machine-readable format",
            Element::KnownUnknowns => "Known unknowns stated",
        }
    }

    /// True when the element is decided per component (and lists failing components).
    #[must_use]
    pub fn is_per_component(self) -> bool {
        matches!(
            self,
            Element::Supplier
                | Element::ComponentName
                | Element::ComponentVersion
                | Element::UniqueIdentifier
                | Element::ConcludedLicense
                | Element::Copyright
                | Element::SoftwareIdentifier
                | Element::ComponentHash
                | Element::License
                | Element::SupportLevel
                | Element::EndOfSupport
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for profile in Profile::all() {
            assert_eq!(profile.as_str().parse::<Profile>().ok(), Some(*profile));
        }
        assert_eq!("NTIA".parse::<Profile>().ok(), Some(Profile::Ntia2021));
        let err = "ntia-2018".parse::<Profile>().map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("unknown profile \"ntia-2018\"; expected one of ntia-2021, fsct3-min, cisa-2025-draft, fda-premarket, imdrf-n73".to_owned())
        );
    }

    #[test]
    fn element_ids_are_unique_within_a_profile() {
        for profile in Profile::all() {
            let mut ids: Vec<&str> = profile.elements().iter().map(|e| e.id()).collect();
            ids.sort_unstable();
            let n_ids = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n_ids, "{profile}");
        }
    }
}
