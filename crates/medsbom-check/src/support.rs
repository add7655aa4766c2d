//! The support-status picture of a document: how many components are maintained, how many
//! have reached or will soon reach end of support, and how many say nothing.

use medsbom_model::{Component, IsoDate, Sbom, SupportLevel};

use crate::rules::has_support_level;
use crate::scope::{Scope, component_ref, display_name};

/// Counts of components by support status (SPDX: packages only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportSummary {
    /// Components looked at.
    pub n_components: usize,
    /// Level of support "actively maintained" (or an equivalent such as SPDX 3 `support`).
    pub n_actively_maintained: usize,
    /// Level of support "no longer maintained" (end of support, EOL, …).
    pub n_no_longer_maintained: usize,
    /// Level of support "abandoned".
    pub n_abandoned: usize,
    /// A level is stated in words that match none of the levels above ("best effort", …).
    pub n_level_unrecognised: usize,
    /// No level of support, or only `NOASSERTION`/"unknown".
    pub n_level_missing: usize,
    /// End-of-support date before `as_of`.
    pub n_eos_past: usize,
    /// End-of-support date within two years after `as_of` (IMDRF N70 asks for two years'
    /// notice).
    pub n_eos_within_two_years: usize,
    /// End-of-support date later than that (or any date, when no `as_of` was given).
    pub n_eos_later: usize,
    /// End of support stated as text that is not a date.
    pub n_eos_text: usize,
    /// No end of support stated.
    pub n_eos_missing: usize,
    /// The components that need a reviewer's attention, in document order: end of support
    /// past or near, unmaintained or abandoned, or support data missing.
    pub attention: Vec<SupportRow>,
}

/// One component in the support picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportRow {
    /// The component reference (as in [`crate::ElementResult::failing`]).
    pub component: String,
    /// `name@version`.
    pub name: String,
    /// The level of support as written, or the normalized level, or empty.
    pub level: String,
    /// The end of support as written, or empty.
    pub end_of_support: String,
    /// Why the component needs attention, in lowercase words.
    pub status: String,
}

/// Summarizes the support data of `sbom`; `as_of` decides what is past and what is near.
#[must_use]
pub fn support_summary(sbom: &Sbom, as_of: Option<IsoDate>) -> SupportSummary {
    let scope = Scope::new(sbom);
    let mut res = SupportSummary {
        n_components: scope.n_in_scope(),
        ..SupportSummary::default()
    };
    let horizon = as_of.map(|d| d.add_years(2));
    for component in scope.components() {
        let mut reasons: Vec<String> = Vec::new();
        match component.support.level {
            Some(SupportLevel::ActivelyMaintained) => res.n_actively_maintained += 1,
            Some(SupportLevel::NoLongerMaintained) => {
                res.n_no_longer_maintained += 1;
                reasons.push("no longer maintained".to_owned());
            }
            Some(SupportLevel::Abandoned) => {
                res.n_abandoned += 1;
                reasons.push("abandoned".to_owned());
            }
            Some(SupportLevel::Unknown) | None if has_support_level(component) => {
                res.n_level_unrecognised += 1
            }
            Some(SupportLevel::Unknown) | None => {
                res.n_level_missing += 1;
                reasons.push("no level of support".to_owned());
            }
        }
        eos_status(component, as_of, horizon, &mut res, &mut reasons);
        if !reasons.is_empty() {
            res.attention.push(SupportRow {
                component: component_ref(component),
                name: display_name(component),
                level: component
                    .support
                    .level_text
                    .clone()
                    .or_else(|| component.support.level.map(|l| l.as_str().to_owned()))
                    .unwrap_or_default(),
                end_of_support: component
                    .support
                    .end_of_support
                    .as_ref()
                    .map(|m| m.text.clone())
                    .unwrap_or_default(),
                status: reasons.join("; "),
            });
        }
    }
    res
}

fn eos_status(
    component: &Component,
    as_of: Option<IsoDate>,
    horizon: Option<IsoDate>,
    res: &mut SupportSummary,
    reasons: &mut Vec<String>,
) {
    let Some(milestone) = component
        .support
        .end_of_support
        .as_ref()
        .filter(|m| m.date.is_some() || !crate::scope::is_blank_or_noassertion(&m.text))
    else {
        res.n_eos_missing += 1;
        reasons.push("no end-of-support date".to_owned());
        return;
    };
    match (milestone.date, as_of, horizon) {
        (None, _, _) => {
            res.n_eos_text += 1;
            reasons.push(format!(
                "end of support is not a date: {:?}",
                milestone.text.trim()
            ));
        }
        (Some(date), Some(as_of), _) if date < as_of => {
            res.n_eos_past += 1;
            reasons.push(format!("end of support passed on {date}"));
        }
        (Some(date), Some(_), Some(horizon)) if date <= horizon => {
            res.n_eos_within_two_years += 1;
            reasons.push(format!("end of support on {date}, within two years"));
        }
        (Some(_), _, _) => res.n_eos_later += 1,
    }
}
