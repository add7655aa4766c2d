//! Support information per component: level of support, end of support and other lifecycle
//! milestones (FDA premarket guidance §V.A.4(b), IMDRF N73, CycloneDX lifecycle taxonomy).

use crate::IsoDate;

/// The normalized level of support a component's supplier provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SupportLevel {
    /// The supplier monitors and maintains it.
    ActivelyMaintained,
    /// The supplier no longer maintains it (end of support reached, or security fixes only
    /// ended).
    NoLongerMaintained,
    /// Nobody maintains it any more.
    Abandoned,
    /// Stated, but not as any of the above (e.g. SPDX 3 `noAssertion`).
    Unknown,
}

impl SupportLevel {
    /// `actively-maintained`, `no-longer-maintained`, `abandoned`, `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SupportLevel::ActivelyMaintained => "actively-maintained",
            SupportLevel::NoLongerMaintained => "no-longer-maintained",
            SupportLevel::Abandoned => "abandoned",
            SupportLevel::Unknown => "unknown",
        }
    }

    /// Normalizes the free text suppliers write ("Actively maintained", "active",
    /// "no longer maintained", "EOL", "abandoned", SPDX 3 `support`/`limitedSupport`/
    /// `endOfSupport`/`noSupport`/`noAssertion`, …). Text that says nothing recognisable is
    /// [`SupportLevel::Unknown`].
    #[must_use]
    pub fn normalize(text: &str) -> SupportLevel {
        // The letters and digits, lowercased, in a buffer on the stack: no known wording is
        // longer than it.
        let mut buffer = [0u8; 24];
        let mut len = 0;
        for byte in text.bytes().filter(u8::is_ascii_alphanumeric) {
            let Some(slot) = buffer.get_mut(len) else {
                return SupportLevel::Unknown;
            };
            *slot = byte.to_ascii_lowercase();
            len += 1;
        }
        let norm = buffer.get(..len).unwrap_or_default();
        match norm {
            b"activelymaintained"
            | b"active"
            | b"maintained"
            | b"supported"
            | b"support"
            | b"fullsupport"
            | b"limitedsupport"
            | b"development"
            | b"deployed"
            | b"lts"
            | b"securityfixesonly" => SupportLevel::ActivelyMaintained,
            b"nolongermaintained"
            | b"notmaintained"
            | b"unmaintained"
            | b"endofsupport"
            | b"eos"
            | b"eol"
            | b"endoflife"
            | b"unsupported"
            | b"nosupport"
            | b"deprecated" => SupportLevel::NoLongerMaintained,
            b"abandoned" | b"abandonware" | b"dead" => SupportLevel::Abandoned,
            _ => SupportLevel::Unknown,
        }
    }

    /// Parses the normalized spelling of [`SupportLevel::as_str`].
    #[must_use]
    pub fn from_normalized(text: &str) -> Option<SupportLevel> {
        match text {
            "actively-maintained" => Some(SupportLevel::ActivelyMaintained),
            "no-longer-maintained" => Some(SupportLevel::NoLongerMaintained),
            "abandoned" => Some(SupportLevel::Abandoned),
            "unknown" => Some(SupportLevel::Unknown),
            _ => None,
        }
    }
}

/// A lifecycle milestone as stated: the text, and the date when the text is one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Milestone {
    /// The milestone name in CycloneDX taxonomy spelling: `endOfSupport`, `endOfLife`,
    /// `endOfGuaranteedSupport`, `endOfDevelopment`, `endOfProduction`, `endOfMarketing`,
    /// `generalAvailability`, `releaseDate`, `builtDate`, …
    pub name: String,
    /// The value exactly as the supplier wrote it ("2028-12-31", "Until hardware support ends").
    pub text: String,
    /// The date, when the text is an ISO 8601 date.
    pub date: Option<IsoDate>,
}

impl Milestone {
    /// A milestone from its name and the supplier's text; the date is parsed from the text.
    #[must_use]
    pub fn new(name: &str, text: &str) -> Milestone {
        Milestone {
            name: name.to_owned(),
            text: text.to_owned(),
            date: IsoDate::parse(text),
        }
    }
}

/// Everything a document says about a component's support.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Support {
    /// Normalized level of support, when stated.
    pub level: Option<SupportLevel>,
    /// The level of support exactly as written ("Actively maintained").
    pub level_text: Option<String>,
    /// End of support (`cdx:lifecycle:milestone:endOfSupport`, "End-of-Support",
    /// SPDX 2.3 `validUntilDate`, SPDX 3 `validUntilTime`).
    pub end_of_support: Option<Milestone>,
    /// Other milestones (end of life, general availability, release date, …).
    pub milestones: Vec<Milestone>,
}

impl Support {
    /// True when neither a level nor an end of support is stated.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.level.is_none() && self.level_text.is_none() && self.end_of_support.is_none()
    }

    /// Sets the level from the supplier's text, keeping the text.
    pub fn set_level_text(&mut self, text: &str) {
        self.level = Some(SupportLevel::normalize(text));
        self.level_text = Some(text.to_owned());
    }
}

/// Property names (case-insensitive, compared without spaces, `-` and `_`) that suppliers use
/// for the end-of-support date, as found in real SBOMs and the CycloneDX taxonomy.
pub const END_OF_SUPPORT_PROPERTY_NAMES: &[&str] = &[
    "cdx:lifecycle:milestone:endOfSupport",
    "End-of-Support",
    "endOfSupport",
    "EOS",
    "End of Support Date",
    "fda:endOfSupport",
    "support:endOfSupport",
];

/// Property names suppliers use for the level of support.
pub const SUPPORT_LEVEL_PROPERTY_NAMES: &[&str] = &[
    "Level of Support",
    "levelOfSupport",
    "supportLevel",
    "Support Level",
    "fda:levelOfSupport",
    "medsbom:supportLevel",
    "support:level",
];

/// The CycloneDX property namespace for lifecycle milestones.
pub const CDX_MILESTONE_PREFIX: &str = "cdx:lifecycle:milestone:";

/// The property name medsbom writes for the level of support (there is no registered
/// CycloneDX property; see `standards.md` §2.1).
pub const SUPPORT_LEVEL_PROPERTY: &str = "medsbom:supportLevel";

/// [`END_OF_SUPPORT_PROPERTY_NAMES`] lowercased without spaces, `-` and `_`.
const END_OF_SUPPORT_SQUASHED: &[&[u8]] = &[
    b"cdx:lifecycle:milestone:endofsupport",
    b"endofsupport",
    b"eos",
    b"endofsupportdate",
    b"fda:endofsupport",
    b"support:endofsupport",
];

/// [`SUPPORT_LEVEL_PROPERTY_NAMES`] lowercased without spaces, `-` and `_`.
const SUPPORT_LEVEL_SQUASHED: &[&[u8]] = &[
    b"levelofsupport",
    b"supportlevel",
    b"fda:levelofsupport",
    b"medsbom:supportlevel",
    b"support:level",
];

/// A property name lowercased (ASCII) without spaces, `-` and `_`, as compared with the known
/// names; longer than any of them is `None`.
struct Squashed {
    buffer: [u8; 40],
    len: usize,
}

impl Squashed {
    fn new(name: &str) -> Option<Squashed> {
        let mut res = Squashed {
            buffer: [0; 40],
            len: 0,
        };
        for byte in name.bytes().filter(|b| !matches!(b, b' ' | b'-' | b'_')) {
            *res.buffer.get_mut(res.len)? = byte.to_ascii_lowercase();
            res.len += 1;
        }
        Some(res)
    }

    fn is_one_of(&self, names: &[&[u8]]) -> bool {
        let squashed = self.buffer.get(..self.len).unwrap_or_default();
        names.contains(&squashed)
    }
}

/// Reads support data out of a component's properties: every reader calls this so that
/// the conventions live in one place. Recognises [`END_OF_SUPPORT_PROPERTY_NAMES`],
/// [`SUPPORT_LEVEL_PROPERTY_NAMES`] and the `cdx:lifecycle:milestone:*` namespace. Fields
/// already set in `support` (e.g. from SPDX `validUntilDate`) are kept.
pub fn support_from_properties(properties: &[crate::Property], support: &mut Support) {
    for property in properties {
        // Names compare case-insensitively, ignoring spaces, `-` and `_`.
        let squashed = Squashed::new(&property.name);
        let is_one_of = |names| squashed.as_ref().is_some_and(|s| s.is_one_of(names));
        if support.end_of_support.is_none() && is_one_of(END_OF_SUPPORT_SQUASHED) {
            support.end_of_support = Some(Milestone::new("endOfSupport", &property.value));
        } else if support.level_text.is_none() && is_one_of(SUPPORT_LEVEL_SQUASHED) {
            support.set_level_text(&property.value);
        } else if let Some(name) = property.name.strip_prefix(CDX_MILESTONE_PREFIX)
            && name != "endOfSupport"
            && !support.milestones.iter().any(|m| m.name == name)
        {
            support
                .milestones
                .push(Milestone::new(name, &property.value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Property;

    #[test]
    fn normalizes_supplier_wording() {
        let check = |text: &str, expect: SupportLevel| {
            assert_eq!(SupportLevel::normalize(text), expect, "{text}")
        };
        check("Actively maintained", SupportLevel::ActivelyMaintained);
        check("actively-maintained", SupportLevel::ActivelyMaintained);
        check("No longer maintained", SupportLevel::NoLongerMaintained);
        check("EOL", SupportLevel::NoLongerMaintained);
        check("Abandoned", SupportLevel::Abandoned);
        check("endOfSupport", SupportLevel::NoLongerMaintained);
        check("Best effort", SupportLevel::Unknown);
    }

    #[test]
    fn squashed_names_are_the_listed_names() {
        let squash = |names: &[&str]| -> Vec<Vec<u8>> {
            let mut res: Vec<Vec<u8>> = names
                .iter()
                .map(|n| {
                    n.bytes()
                        .filter(|b| !matches!(b, b' ' | b'-' | b'_'))
                        .map(|b| b.to_ascii_lowercase())
                        .collect()
                })
                .collect();
            res.sort();
            res.dedup();
            res
        };
        let sorted = |names: &[&[u8]]| -> Vec<Vec<u8>> {
            let mut res: Vec<Vec<u8>> = names.iter().map(|n| n.to_vec()).collect();
            res.sort();
            res
        };
        assert_eq!(
            squash(END_OF_SUPPORT_PROPERTY_NAMES),
            sorted(END_OF_SUPPORT_SQUASHED)
        );
        assert_eq!(
            squash(SUPPORT_LEVEL_PROPERTY_NAMES),
            sorted(SUPPORT_LEVEL_SQUASHED)
        );
        let matches = |name: &str, names| Squashed::new(name).is_some_and(|s| s.is_one_of(names));
        assert!(matches("End of Support", END_OF_SUPPORT_SQUASHED));
        assert!(matches("LEVEL_OF_SUPPORT", SUPPORT_LEVEL_SQUASHED));
        assert!(!matches("Level of Supporté", SUPPORT_LEVEL_SQUASHED));
        assert!(!matches(&"x".repeat(100), SUPPORT_LEVEL_SQUASHED));
        assert_eq!(
            SupportLevel::normalize("Security fixes only!"),
            SupportLevel::ActivelyMaintained
        );
        assert_eq!(
            SupportLevel::normalize(&"active ".repeat(10)),
            SupportLevel::Unknown
        );
    }

    #[test]
    fn reads_case_study_and_taxonomy_properties() {
        let properties = vec![
            Property::new("End-of-Support", "Until hardware support ends"),
            Property::new("Level of Support", "Actively maintained"),
            Property::new("cdx:lifecycle:milestone:endOfLife", "2027-01-31"),
        ];
        let mut support = Support::default();
        support_from_properties(&properties, &mut support);
        assert_eq!(support.level, Some(SupportLevel::ActivelyMaintained));
        assert_eq!(support.level_text.as_deref(), Some("Actively maintained"));
        let eos = support
            .end_of_support
            .as_ref()
            .map(|m| (m.text.as_str(), m.date));
        assert_eq!(eos, Some(("Until hardware support ends", None)));
        assert_eq!(support.milestones.len(), 1);
        assert_eq!(
            support.milestones[0].date.map(|d| d.to_string()).as_deref(),
            Some("2027-01-31")
        );

        let mut taxonomy = Support::default();
        support_from_properties(
            &[Property::new(
                "cdx:lifecycle:milestone:endOfSupport",
                "2028-06-30",
            )],
            &mut taxonomy,
        );
        assert_eq!(
            taxonomy
                .end_of_support
                .and_then(|m| m.date)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2028-06-30")
        );
    }
}
