//! The IMDRF N70 lifecycle stages of a product version, derived from its own release, EOL
//! and EOS dates and from the support of its components (N70 §5.5).

use std::fmt;

use medsbom_model::IsoDate;

/// A stage of the total product lifecycle (N70 §2.3 of `standards.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Before release.
    Development,
    /// On the market; the manufacturer patches and supports it.
    Support,
    /// After end of life (no longer sold), or with unsupported components whose risk is
    /// mitigated.
    LimitedSupport,
    /// After end of support, or with unsupported components whose risk is not mitigated:
    /// cybersecurity responsibility has passed to the healthcare provider.
    EndOfSupport,
}

impl Stage {
    /// `development`, `support`, `limited-support`, `end-of-support`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Development => "development",
            Stage::Support => "support",
            Stage::LimitedSupport => "limited-support",
            Stage::EndOfSupport => "end-of-support",
        }
    }

    /// The N70 name: `Development`, `Support`, `Limited Support`, `End of Support`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Stage::Development => "Development",
            Stage::Support => "Support",
            Stage::LimitedSupport => "Limited Support",
            Stage::EndOfSupport => "End of Support",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a lifecycle date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateSource {
    /// The manufacturer's announcement to its customers.
    ManufacturerNotice,
    /// An SBOM (e.g. `cdx:lifecycle:milestone:endOfSupport` of the root component).
    Sbom,
    /// Entered by hand.
    Manual,
}

impl DateSource {
    /// `manufacturer-notice`, `sbom`, `manual`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::ManufacturerNotice => "manufacturer-notice",
            DateSource::Sbom => "sbom",
            DateSource::Manual => "manual",
        }
    }

    /// Parses [`DateSource::as_str`], also `manufacturer` and `notice`
    /// (case-insensitive).
    #[must_use]
    pub fn parse(text: &str) -> Option<DateSource> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "manufacturer-notice" | "manufacturer" | "notice" => {
                Some(DateSource::ManufacturerNotice)
            }
            "sbom" => Some(DateSource::Sbom),
            "manual" | "manual-entry" => Some(DateSource::Manual),
            _ => None,
        }
    }
}

/// A lifecycle date with when it was announced and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnouncedDate {
    /// The date the milestone takes effect.
    pub date: IsoDate,
    /// When it was announced, when known.
    pub announced: Option<IsoDate>,
    /// Where the date comes from.
    pub source: DateSource,
}

impl AnnouncedDate {
    /// Days between the announcement and the date (negative when announced afterwards).
    #[must_use]
    pub fn notice_days(&self) -> Option<i64> {
        let announced = self.announced?;
        Some(self.date.days_since_epoch() - announced.days_since_epoch())
    }

    /// Whether the announcement came at least `years` years before the date; `None` when
    /// the announcement date is unknown.
    #[must_use]
    pub fn notice_at_least_years(&self, years: i32) -> Option<bool> {
        let announced = self.announced?;
        Some(announced.add_years(years) <= self.date)
    }
}

/// The lifecycle dates of a product version. Any of them may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LifecycleDates {
    /// General availability.
    pub release: Option<AnnouncedDate>,
    /// End of life: no longer sold; Limited Support begins.
    pub eol: Option<AnnouncedDate>,
    /// End of support: all support ends; End of Support begins.
    pub eos: Option<AnnouncedDate>,
}

impl LifecycleDates {
    /// The dates' own stage on `as_of`, ignoring components.
    #[must_use]
    pub fn stage_on(&self, as_of: IsoDate) -> Stage {
        derive_stage(self, &[], as_of).stage
    }

    /// Checks that release ≤ EOL ≤ EOS where known; the error says which pair is out of
    /// order.
    pub fn check_order(&self) -> Result<(), String> {
        let pairs = [
            ("release", self.release, "end of life", self.eol),
            ("release", self.release, "end of support", self.eos),
            ("end of life", self.eol, "end of support", self.eos),
        ];
        for (first_name, first, second_name, second) in pairs {
            if let (Some(first), Some(second)) = (first, second)
                && second.date < first.date
            {
                return Err(format!(
                    "{second_name} {} is before {first_name} {}",
                    second.date, first.date
                ));
            }
        }
        Ok(())
    }
}

/// What makes a product version's stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StageCause {
    /// Its own release, EOL and EOS dates (or none known: Support).
    Dates,
    /// Unsupported components whose risk is not mitigated (N70 §5.5): End of Support.
    UnmitigatedComponents,
    /// Unsupported components whose risk is mitigated (N70 §5.5): Limited Support.
    MitigatedComponents,
}

impl StageCause {
    /// `dates`, `unmitigated-components`, `mitigated-components`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StageCause::Dates => "dates",
            StageCause::UnmitigatedComponents => "unmitigated-components",
            StageCause::MitigatedComponents => "mitigated-components",
        }
    }
}

/// An unsupported component as seen on one date, for [`derive_stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsupportedComponent<'a> {
    /// Component name (and version), for the explanation.
    pub name: &'a str,
    /// Since when it is out of support, when the date is known.
    pub since: Option<IsoDate>,
    /// Whether its risk is mitigated (an active risk acceptance with compensating controls).
    pub mitigated: bool,
}

/// A product version's stage on one date, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageAssessment {
    /// The stage.
    pub stage: Stage,
    /// What decided it.
    pub cause: StageCause,
    /// Since when the stage holds, when known.
    pub since: Option<IsoDate>,
    /// One sentence for people.
    pub detail: String,
}

/// How many component names an explanation lists before "and N more".
const NAMES_IN_DETAIL: usize = 3;

/// Derives the N70 stage on `as_of`:
///
/// 1. before the release date: Development;
/// 2. on or after the EOS date: End of Support;
/// 3. with an unsupported component whose risk is not mitigated: End of Support, even
///    before the version's own EOS date (§5.5);
/// 4. with unsupported components whose risks are all mitigated: Limited Support (§5.5);
/// 5. on or after the EOL date: Limited Support;
/// 6. otherwise Support (also when no date is known).
///
/// `unsupported` lists the components out of support on `as_of`.
#[must_use]
pub fn derive_stage(
    dates: &LifecycleDates,
    unsupported: &[UnsupportedComponent<'_>],
    as_of: IsoDate,
) -> StageAssessment {
    if let Some(release) = dates.release
        && as_of < release.date
    {
        return StageAssessment {
            stage: Stage::Development,
            cause: StageCause::Dates,
            since: None,
            detail: format!("not released until {}", release.date),
        };
    }
    if let Some(eos) = dates.eos
        && eos.date <= as_of
    {
        return StageAssessment {
            stage: Stage::EndOfSupport,
            cause: StageCause::Dates,
            since: Some(eos.date),
            detail: format!("end of support since {}", eos.date),
        };
    }
    let unmitigated: Vec<&UnsupportedComponent<'_>> =
        unsupported.iter().filter(|c| !c.mitigated).collect();
    if !unmitigated.is_empty() {
        return StageAssessment {
            stage: Stage::EndOfSupport,
            cause: StageCause::UnmitigatedComponents,
            since: earliest_since(&unmitigated),
            detail: format!(
                "{} out of support without mitigation (N70 §5.5): {}",
                count_of(unmitigated.len(), "component"),
                names_with_dates(&unmitigated)
            ),
        };
    }
    if !unsupported.is_empty() {
        let mitigated: Vec<&UnsupportedComponent<'_>> = unsupported.iter().collect();
        return StageAssessment {
            stage: Stage::LimitedSupport,
            cause: StageCause::MitigatedComponents,
            since: earliest_since(&mitigated),
            detail: format!(
                "{} out of support with mitigated risk (N70 §5.5): {}",
                count_of(mitigated.len(), "component"),
                names_with_dates(&mitigated)
            ),
        };
    }
    if let Some(eol) = dates.eol
        && eol.date <= as_of
    {
        let detail = match dates.eos {
            Some(eos) => format!(
                "end of life since {} (no longer sold); end of support {}",
                eol.date, eos.date
            ),
            None => format!(
                "end of life since {} (no longer sold); end of support not announced",
                eol.date
            ),
        };
        return StageAssessment {
            stage: Stage::LimitedSupport,
            cause: StageCause::Dates,
            since: Some(eol.date),
            detail,
        };
    }
    let detail = match (dates.eol, dates.eos) {
        (Some(eol), Some(eos)) => format!("end of life {}, end of support {}", eol.date, eos.date),
        (Some(eol), None) => format!("end of life {}, end of support not announced", eol.date),
        (None, Some(eos)) => format!("end of support {}", eos.date),
        (None, None) => "no end of life or end of support announced".to_owned(),
    };
    StageAssessment {
        stage: Stage::Support,
        cause: StageCause::Dates,
        since: dates.release.map(|release| release.date),
        detail,
    }
}

fn earliest_since(components: &[&UnsupportedComponent<'_>]) -> Option<IsoDate> {
    components.iter().filter_map(|c| c.since).min()
}

fn names_with_dates(components: &[&UnsupportedComponent<'_>]) -> String {
    let mut res = String::new();
    for (idx, component) in components.iter().take(NAMES_IN_DETAIL).enumerate() {
        if 0 < idx {
            res.push_str(", ");
        }
        res.push_str(component.name);
        match component.since {
            Some(since) => res.push_str(&format!(" since {since}")),
            None => res.push_str(" (no longer maintained)"),
        }
    }
    if NAMES_IN_DETAIL < components.len() {
        res.push_str(&format!(" and {} more", components.len() - NAMES_IN_DETAIL));
    }
    res
}

pub(crate) fn count_of(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> IsoDate {
        IsoDate::parse(text).unwrap_or_else(|| panic!("bad test date {text}"))
    }

    fn dated(text: &str) -> Option<AnnouncedDate> {
        Some(AnnouncedDate {
            date: date(text),
            announced: None,
            source: DateSource::Manual,
        })
    }

    fn check(
        dates: &LifecycleDates,
        unsupported: &[UnsupportedComponent<'_>],
        as_of: &str,
        expect: &str,
    ) {
        let res = derive_stage(dates, unsupported, date(as_of));
        let since = res.since.map(|d| d.to_string()).unwrap_or_default();
        let actual = format!(
            "{} {} {since} | {}",
            res.stage,
            res.cause.as_str(),
            res.detail
        );
        assert_eq!(actual.trim_end(), expect, "as of {as_of}");
    }

    #[test]
    fn stages_from_dates() {
        let dates = LifecycleDates {
            release: dated("2020-03-01"),
            eol: dated("2025-03-01"),
            eos: dated("2028-03-01"),
        };
        check(
            &dates,
            &[],
            "2020-02-29",
            "development dates  | not released until 2020-03-01",
        );
        check(
            &dates,
            &[],
            "2020-03-01",
            "support dates 2020-03-01 | end of life 2025-03-01, end of support 2028-03-01",
        );
        check(
            &dates,
            &[],
            "2025-02-28",
            "support dates 2020-03-01 | end of life 2025-03-01, end of support 2028-03-01",
        );
        check(
            &dates,
            &[],
            "2025-03-01",
            "limited-support dates 2025-03-01 | end of life since 2025-03-01 (no longer sold); end of support 2028-03-01",
        );
        check(
            &dates,
            &[],
            "2028-03-01",
            "end-of-support dates 2028-03-01 | end of support since 2028-03-01",
        );
        check(
            &LifecycleDates::default(),
            &[],
            "2030-01-01",
            "support dates  | no end of life or end of support announced",
        );
        let eol_only = LifecycleDates {
            eol: dated("2024-01-01"),
            ..LifecycleDates::default()
        };
        check(
            &eol_only,
            &[],
            "2024-06-01",
            "limited-support dates 2024-01-01 | end of life since 2024-01-01 (no longer sold); end of support not announced",
        );
    }

    #[test]
    fn unsupported_components_move_the_stage_before_its_dates() {
        let dates = LifecycleDates {
            release: dated("2020-03-01"),
            eol: dated("2025-03-01"),
            eos: dated("2028-03-01"),
        };
        let openssl = UnsupportedComponent {
            name: "openssl 1.1.0",
            since: Some(date("2019-09-11")),
            mitigated: false,
        };
        let nlog = UnsupportedComponent {
            name: "NLog.Config 4.5.11",
            since: None,
            mitigated: true,
        };
        check(
            &dates,
            &[openssl, nlog],
            "2023-01-01",
            "end-of-support unmitigated-components 2019-09-11 | 1 component out of support without mitigation (N70 §5.5): openssl 1.1.0 since 2019-09-11",
        );
        let mitigated = UnsupportedComponent {
            mitigated: true,
            ..openssl
        };
        check(
            &dates,
            &[mitigated, nlog],
            "2023-01-01",
            "limited-support mitigated-components 2019-09-11 | 2 components out of support with mitigated risk (N70 §5.5): openssl 1.1.0 since 2019-09-11, NLog.Config 4.5.11 (no longer maintained)",
        );
        // Before release it is still Development; after EOS the dates decide.
        check(
            &dates,
            &[openssl],
            "2020-01-01",
            "development dates  | not released until 2020-03-01",
        );
        check(
            &dates,
            &[openssl],
            "2029-01-01",
            "end-of-support dates 2028-03-01 | end of support since 2028-03-01",
        );
        let many: Vec<UnsupportedComponent<'_>> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|name| UnsupportedComponent {
                name,
                since: None,
                mitigated: false,
            })
            .collect();
        check(
            &LifecycleDates::default(),
            &many,
            "2023-01-01",
            "end-of-support unmitigated-components  | 5 components out of support without mitigation (N70 §5.5): a (no longer maintained), b (no longer maintained), c (no longer maintained) and 2 more",
        );
    }

    #[test]
    fn notice_periods_and_order() {
        let eos = AnnouncedDate {
            date: date("2027-06-30"),
            announced: Some(date("2025-07-01")),
            source: DateSource::ManufacturerNotice,
        };
        assert_eq!(eos.notice_days(), Some(729));
        assert_eq!(eos.notice_at_least_years(2), Some(false));
        let early = AnnouncedDate {
            announced: Some(date("2025-06-30")),
            ..eos
        };
        assert_eq!(early.notice_at_least_years(2), Some(true));
        let dates = LifecycleDates {
            eol: dated("2026-01-01"),
            eos: dated("2025-01-01"),
            ..LifecycleDates::default()
        };
        assert_eq!(
            dates.check_order(),
            Err("end of support 2025-01-01 is before end of life 2026-01-01".to_owned())
        );
        assert_eq!(
            DateSource::parse("Manufacturer"),
            Some(DateSource::ManufacturerNotice)
        );
        assert_eq!(DateSource::parse("SBOM"), Some(DateSource::Sbom));
        assert_eq!(DateSource::parse("rumour"), None);
    }
}
