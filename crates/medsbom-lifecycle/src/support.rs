//! What is known about the end of support of a component: statements from its SBOM (end of
//! support date, level of support) and from endoflife.date release cycles.

use medsbom_feeds::eol::{EolProduct, EolRelease, EolValue};
use medsbom_model::{IsoDate, SupportLevel};

use crate::join::MatchBasis;

/// When support ends, according to one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SupportEnd {
    /// On this date.
    Date(IsoDate),
    /// It has ended; the date is not known (`eol: true`, level "no longer maintained").
    Ended,
    /// No end is announced (`eol: false`, or a cycle without the field).
    NotAnnounced,
}

/// Where a statement about a component's support comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EvidenceSource {
    /// The SBOM's end-of-support field.
    SbomEndOfSupport,
    /// The SBOM's level of support.
    SbomSupportLevel(SupportLevel),
    /// An endoflife.date product (and release cycle, when the version falls in one).
    EndOfLifeDate {
        /// The product's name (`debian`).
        product: String,
        /// Its display name (`Debian`).
        label: String,
        /// The release cycle (`9`), when known.
        cycle: Option<String>,
        /// How the component was joined to the product.
        basis: MatchBasis,
    },
}

/// One statement about a component's end of support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportEvidence {
    /// Where it comes from.
    pub source: EvidenceSource,
    /// When support ends.
    pub end: SupportEnd,
    /// End of extended (usually paid) support, when the source gives one.
    pub extended_until: Option<IsoDate>,
}

impl SupportEvidence {
    /// The statement of an endoflife.date match: `eol` is the end of (security) support,
    /// `eoes` the end of extended support.
    #[must_use]
    pub fn from_release(
        product: &EolProduct,
        release: Option<&EolRelease>,
        basis: MatchBasis,
    ) -> SupportEvidence {
        SupportEvidence::from_eol_values(
            &product.name,
            &product.label,
            release.map(|r| (r.cycle.as_str(), r.eol, r.eoes)),
            basis,
        )
    }

    /// [`SupportEvidence::from_release`] from the stored values of a cycle.
    #[must_use]
    pub fn from_eol_values(
        product: &str,
        label: &str,
        cycle: Option<(&str, EolValue, EolValue)>,
        basis: MatchBasis,
    ) -> SupportEvidence {
        let (end, extended_until) = match cycle {
            None => (SupportEnd::NotAnnounced, None),
            Some((_, eol, eoes)) => {
                let end = match eol {
                    EolValue::Date(date) => SupportEnd::Date(date),
                    EolValue::Bool(true) => SupportEnd::Ended,
                    EolValue::Bool(false) | EolValue::Absent => SupportEnd::NotAnnounced,
                };
                let extended = match eoes {
                    EolValue::Date(date) => Some(date),
                    EolValue::Bool(_) | EolValue::Absent => None,
                };
                (end, extended)
            }
        };
        SupportEvidence {
            source: EvidenceSource::EndOfLifeDate {
                product: product.to_owned(),
                label: label.to_owned(),
                cycle: cycle.map(|(cycle, _, _)| cycle.to_owned()),
                basis,
            },
            end,
            extended_until,
        }
    }

    /// A short description of the source: `SBOM end of support`, `SBOM level of support
    /// (no-longer-maintained)`, `endoflife.date Debian 9 (by distro)`.
    #[must_use]
    pub fn source_text(&self) -> String {
        match &self.source {
            EvidenceSource::SbomEndOfSupport => "SBOM end of support".to_owned(),
            EvidenceSource::SbomSupportLevel(level) => {
                format!("SBOM level of support ({})", level.as_str())
            }
            EvidenceSource::EndOfLifeDate {
                label,
                cycle,
                basis,
                ..
            } => match cycle {
                Some(cycle) => format!("endoflife.date {label} {cycle} (by {})", basis.as_str()),
                None => format!(
                    "endoflife.date {label}, no matching cycle (by {})",
                    basis.as_str()
                ),
            },
        }
    }
}

/// A component of a product version with what is known about its end of support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSupport {
    /// Component name; for a group of packages from one operating-system release, the
    /// operating system's name.
    pub name: String,
    /// Component version; for a group, the release cycle.
    pub version: Option<String>,
    /// The component's purl, when it has one.
    pub purl: Option<String>,
    /// The statements about its support, SBOM first.
    pub evidence: Vec<SupportEvidence>,
    /// How many packages this entry stands for: 1, or the packages of an operating-system
    /// release grouped into one entry (their support is the release's).
    pub n_packages: usize,
}

impl ComponentSupport {
    /// `name version`, or the name alone.
    #[must_use]
    pub fn display_name(&self) -> String {
        match &self.version {
            Some(version) if !version.is_empty() => format!("{} {version}", self.name),
            _ => self.name.clone(),
        }
    }

    /// The earliest end-of-support date any source gives.
    #[must_use]
    pub fn end_date(&self) -> Option<IsoDate> {
        self.evidence
            .iter()
            .filter_map(|e| match e.end {
                SupportEnd::Date(date) => Some(date),
                SupportEnd::Ended | SupportEnd::NotAnnounced => None,
            })
            .min()
    }

    /// Whether a source says support has ended by `as_of`.
    #[must_use]
    pub fn is_unsupported_on(&self, as_of: IsoDate) -> bool {
        self.evidence.iter().any(|e| match e.end {
            SupportEnd::Date(date) => date <= as_of,
            SupportEnd::Ended => true,
            SupportEnd::NotAnnounced => false,
        })
    }

    /// Since when it is unsupported on `as_of`: the earliest end date on or before `as_of`,
    /// or `None` when only an undated source says it ended. Only meaningful when
    /// [`ComponentSupport::is_unsupported_on`].
    #[must_use]
    pub fn unsupported_since(&self, as_of: IsoDate) -> Option<IsoDate> {
        self.evidence
            .iter()
            .filter_map(|e| match e.end {
                SupportEnd::Date(date) if date <= as_of => Some(date),
                SupportEnd::Date(_) | SupportEnd::Ended | SupportEnd::NotAnnounced => None,
            })
            .min()
    }

    /// The sources that give an end (dated or not), for explanations.
    #[must_use]
    pub fn sources_text(&self) -> String {
        let mut res = Vec::new();
        for evidence in &self.evidence {
            let text = match evidence.end {
                SupportEnd::Date(date) => format!("{}: {date}", evidence.source_text()),
                SupportEnd::Ended => format!("{}: ended", evidence.source_text()),
                SupportEnd::NotAnnounced => continue,
            };
            let text = match evidence.extended_until {
                Some(extended) => format!("{text}, extended support until {extended}"),
                None => text,
            };
            res.push(text);
        }
        res.join("; ")
    }

    /// Whether any source says anything about an end (so it is worth reporting).
    #[must_use]
    pub fn has_known_end(&self) -> bool {
        self.evidence
            .iter()
            .any(|e| !matches!(e.end, SupportEnd::NotAnnounced))
    }
}

/// The statements an SBOM component row makes: its end-of-support date, and a level of
/// support that says it is no longer maintained or abandoned.
#[must_use]
pub fn sbom_evidence(
    level: Option<SupportLevel>,
    eos_date: Option<IsoDate>,
) -> Vec<SupportEvidence> {
    let mut res = Vec::new();
    if let Some(date) = eos_date {
        res.push(SupportEvidence {
            source: EvidenceSource::SbomEndOfSupport,
            end: SupportEnd::Date(date),
            extended_until: None,
        });
    }
    if let Some(level @ (SupportLevel::NoLongerMaintained | SupportLevel::Abandoned)) = level {
        res.push(SupportEvidence {
            source: EvidenceSource::SbomSupportLevel(level),
            end: SupportEnd::Ended,
            extended_until: None,
        });
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> IsoDate {
        IsoDate::parse(text).unwrap_or_else(|| panic!("bad test date {text}"))
    }

    #[test]
    fn combines_sources() {
        let mut evidence = sbom_evidence(
            Some(SupportLevel::ActivelyMaintained),
            Some(date("2030-01-01")),
        );
        evidence.push(SupportEvidence::from_eol_values(
            "openssl",
            "OpenSSL",
            Some((
                "1.1.0",
                EolValue::Date(date("2019-09-11")),
                EolValue::Bool(false),
            )),
            MatchBasis::Cpe,
        ));
        let component = ComponentSupport {
            name: "openssl".to_owned(),
            version: Some("1.1.0l".to_owned()),
            purl: None,
            evidence,
            n_packages: 1,
        };
        assert_eq!(component.end_date(), Some(date("2019-09-11")));
        assert!(!component.is_unsupported_on(date("2019-09-10")));
        assert!(component.is_unsupported_on(date("2019-09-11")));
        assert_eq!(
            component.unsupported_since(date("2031-01-01")),
            Some(date("2019-09-11"))
        );
        assert_eq!(
            component.sources_text(),
            "SBOM end of support: 2030-01-01; endoflife.date OpenSSL 1.1.0 (by cpe): 2019-09-11"
        );

        let deprecated = ComponentSupport {
            name: "NLog.Config".to_owned(),
            version: Some("4.5.11".to_owned()),
            purl: None,
            evidence: sbom_evidence(Some(SupportLevel::NoLongerMaintained), None),
            n_packages: 1,
        };
        assert!(deprecated.is_unsupported_on(date("1990-01-01")));
        assert_eq!(deprecated.unsupported_since(date("2025-01-01")), None);
        assert_eq!(
            deprecated.sources_text(),
            "SBOM level of support (no-longer-maintained): ended"
        );
        assert!(sbom_evidence(Some(SupportLevel::Unknown), None).is_empty());
    }
}
