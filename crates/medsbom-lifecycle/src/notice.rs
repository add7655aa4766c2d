//! The EOL/EOS announcement a manufacturer sends to its customers (N70 §7.1, §7.3): the
//! dates, the current stage, the support that continues after each date, upgrade paths,
//! and the components already out of support.

use std::cmp::Ordering;

use medsbom_model::IsoDate;
use medsbom_versions::compare::{Scheme, compare};

use crate::alerts::MIN_NOTICE_YEARS;
use crate::portfolio::{Portfolio, ProductVersionRecord};
use crate::stage::{LifecycleDates, Stage, StageAssessment};
use crate::timeline::ComponentEnd;

/// What continues after end of life when the manufacturer has not said otherwise (N70
/// Limited Support).
pub const DEFAULT_SUPPORT_AFTER_EOL: &str = "The product is no longer sold. Vulnerabilities \
     are still handled through coordinated disclosure, patches for third-party components \
     are provided where possible, and compensating controls are documented for risks that \
     cannot be patched.";

/// What continues after end of support when the manufacturer has not said otherwise (N70
/// End of Support).
pub const DEFAULT_SUPPORT_AFTER_EOS: &str = "All service and support ends, including \
     security patches. Responsibility for cybersecurity passes to the healthcare provider; \
     hand-over documentation covers site controls, the upgrade path and decommissioning.";

/// An upgrade path offered in a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradePath {
    /// The target version (or the manufacturer's sentence).
    pub target: String,
    /// The target's stage on the notice date, when it is a stored version.
    pub stage: Option<Stage>,
    /// The target's end of support, when known.
    pub eos: Option<IsoDate>,
}

/// A manufacturer's EOL/EOS notice for one product version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Version.
    pub version: String,
    /// The notice's date.
    pub as_of: IsoDate,
    /// Release, EOL and EOS dates with their announcements.
    pub dates: LifecycleDates,
    /// The stage on the notice's date.
    pub stage: StageAssessment,
    /// Support that continues after end of life.
    pub support_after_eol: String,
    /// Support that continues after end of support.
    pub support_after_eos: String,
    /// Where customers can go.
    pub upgrade_paths: Vec<UpgradePath>,
    /// Components already out of support on the notice's date.
    pub unsupported_components: Vec<ComponentEnd>,
    /// Components whose support ends after the notice's date but before the version's EOS.
    pub upcoming_component_ends: Vec<ComponentEnd>,
    /// Problems with the notice itself (dates not announced at least two years ahead,
    /// missing dates).
    pub warnings: Vec<String>,
}

/// Builds the notice for the product version `product_version_id` on `as_of`; `None` when
/// the portfolio does not hold it.
#[must_use]
pub fn build_notice(
    portfolio: &Portfolio,
    product_version_id: i64,
    as_of: IsoDate,
) -> Option<Notice> {
    let pv = portfolio.product_version(product_version_id)?;
    let mut unsupported_components = Vec::new();
    let mut upcoming_component_ends = Vec::new();
    for component in &pv.components {
        if component.is_unsupported_on(as_of) {
            unsupported_components.push(ComponentEnd::of(component, as_of));
            continue;
        }
        let Some(end) = component.end_date() else {
            continue;
        };
        if pv.dates.eos.is_none_or(|eos| end < eos.date) {
            upcoming_component_ends.push(ComponentEnd::of(component, as_of));
        }
    }
    let by_date = |a: &ComponentEnd, b: &ComponentEnd| (a.date, &a.name).cmp(&(b.date, &b.name));
    unsupported_components.sort_by(by_date);
    upcoming_component_ends.sort_by(by_date);
    Some(Notice {
        manufacturer: pv.manufacturer.clone(),
        product: pv.product.clone(),
        version: pv.version.clone(),
        as_of,
        dates: pv.dates,
        stage: pv.stage_on(&portfolio.acceptances, as_of),
        support_after_eol: pv
            .notice
            .support_after_eol
            .clone()
            .unwrap_or_else(|| DEFAULT_SUPPORT_AFTER_EOL.to_owned()),
        support_after_eos: pv
            .notice
            .support_after_eos
            .clone()
            .unwrap_or_else(|| DEFAULT_SUPPORT_AFTER_EOS.to_owned()),
        upgrade_paths: upgrade_paths(portfolio, pv, as_of),
        unsupported_components,
        upcoming_component_ends,
        warnings: warnings(&pv.dates),
    })
}

fn upgrade_paths(
    portfolio: &Portfolio,
    pv: &ProductVersionRecord,
    as_of: IsoDate,
) -> Vec<UpgradePath> {
    let siblings: Vec<&ProductVersionRecord> = portfolio
        .product_versions
        .iter()
        .filter(|other| {
            other.id != pv.id
                && other.manufacturer == pv.manufacturer
                && other.product == pv.product
        })
        .collect();
    let path_to = |other: &ProductVersionRecord| UpgradePath {
        target: other.version.clone(),
        stage: Some(other.stage_on(&portfolio.acceptances, as_of).stage),
        eos: other.dates.eos.map(|eos| eos.date),
    };
    if !pv.notice.upgrade_paths.is_empty() {
        return pv
            .notice
            .upgrade_paths
            .iter()
            .map(
                |target| match siblings.iter().find(|other| &other.version == target) {
                    Some(other) => path_to(other),
                    None => UpgradePath {
                        target: target.clone(),
                        stage: None,
                        eos: None,
                    },
                },
            )
            .collect();
    }
    let mut newer: Vec<&ProductVersionRecord> = siblings
        .into_iter()
        .filter(|other| version_order(&other.version, &pv.version) == Ordering::Greater)
        .filter(|other| other.stage_on(&portfolio.acceptances, as_of).stage == Stage::Support)
        .collect();
    newer.sort_by(|a, b| version_order(&b.version, &a.version));
    newer.into_iter().map(path_to).collect()
}

/// Generic version order, falling back to text order for versions it cannot read.
fn version_order(a: &str, b: &str) -> Ordering {
    compare(Scheme::Generic, a, b).unwrap_or_else(|_| a.cmp(b))
}

fn warnings(dates: &LifecycleDates) -> Vec<String> {
    let mut res = Vec::new();
    for (name, milestone) in [("end of life", dates.eol), ("end of support", dates.eos)] {
        let Some(milestone) = milestone else {
            res.push(format!("the {name} date is not announced yet"));
            continue;
        };
        if milestone.notice_at_least_years(MIN_NOTICE_YEARS) == Some(false) {
            res.push(format!(
                "the {name} date {} was announced only {} days ahead; N70 asks for at least {MIN_NOTICE_YEARS} years",
                milestone.date,
                milestone.notice_days().unwrap_or(0)
            ));
        }
    }
    res
}
