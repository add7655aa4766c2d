//! The timeline report: per product version and per asset group, the stages over time
//! from "today" to the horizon, and the end-of-support dates of the components.

use medsbom_model::IsoDate;

use crate::portfolio::{Acceptance, Portfolio, ProductVersionRecord};
use crate::stage::{LifecycleDates, Stage, StageAssessment, StageCause};
use crate::support::{ComponentSupport, SupportEnd};

/// A stretch of time in one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagePeriod {
    /// The stage.
    pub stage: Stage,
    /// What decided it.
    pub cause: StageCause,
    /// The first day (the day it began, when known and before the window; else the
    /// window's first day).
    pub start: IsoDate,
    /// The day after the last day, or `None` when it lasts beyond the window.
    pub end: Option<IsoDate>,
}

/// A component's end of support as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentEnd {
    /// Component name.
    pub name: String,
    /// Component version.
    pub version: Option<String>,
    /// The earliest end-of-support date, when known.
    pub date: Option<IsoDate>,
    /// Whether it is out of support on the report's date.
    pub unsupported: bool,
    /// The sources and what they say.
    pub sources: String,
    /// How many packages the entry stands for (an operating-system release groups its
    /// packages).
    pub n_packages: usize,
}

impl ComponentEnd {
    /// The entry of `component` as seen on `as_of`.
    #[must_use]
    pub fn of(component: &ComponentSupport, as_of: IsoDate) -> ComponentEnd {
        let unsupported = component.is_unsupported_on(as_of);
        ComponentEnd {
            name: component.name.clone(),
            version: component.version.clone(),
            date: match unsupported {
                true => component.unsupported_since(as_of),
                false => component.end_date(),
            },
            unsupported,
            sources: component.sources_text(),
            n_packages: component.n_packages,
        }
    }
}

/// One product version in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductTimeline {
    /// Its id in the database.
    pub id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Version.
    pub version: String,
    /// Its dates.
    pub dates: LifecycleDates,
    /// Its stage on the report's date.
    pub current: StageAssessment,
    /// Its stages from the report's date to the horizon.
    pub periods: Vec<StagePeriod>,
    /// Components out of support on the report's date or whose support ends by the
    /// horizon, by date.
    pub component_ends: Vec<ComponentEnd>,
}

/// One asset of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetLine {
    /// The asset id.
    pub asset_id: String,
    /// Product name.
    pub product: String,
    /// Product version.
    pub version: String,
    /// The stage of its product version on the report's date.
    pub stage: Stage,
}

/// One asset group in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTimeline {
    /// The group name (`ungrouped` for assets without one).
    pub group: String,
    /// Its assets.
    pub assets: Vec<AssetLine>,
    /// The worst stage of any of its assets over time.
    pub periods: Vec<StagePeriod>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineReport {
    /// The report's date.
    pub as_of: IsoDate,
    /// The last day shown.
    pub horizon_end: IsoDate,
    /// Product versions, as ordered in the portfolio.
    pub product_versions: Vec<ProductTimeline>,
    /// Asset groups by name.
    pub asset_groups: Vec<GroupTimeline>,
}

/// The group name of assets without one.
pub const UNGROUPED: &str = "ungrouped";

/// Builds the report for `as_of` up to `horizon_end`.
#[must_use]
pub fn build_report(portfolio: &Portfolio, as_of: IsoDate, horizon_end: IsoDate) -> TimelineReport {
    let acceptances: Vec<Acceptance> = portfolio.acceptances.clone();
    let mut product_versions = Vec::new();
    for pv in &portfolio.product_versions {
        let mut component_ends: Vec<ComponentEnd> = pv
            .components
            .iter()
            .filter(|c| {
                c.is_unsupported_on(as_of) || c.end_date().is_some_and(|d| d <= horizon_end)
            })
            .map(|c| ComponentEnd::of(c, as_of))
            .collect();
        component_ends
            .sort_by(|a, b| (a.date, &a.name, &a.version).cmp(&(b.date, &b.name, &b.version)));
        product_versions.push(ProductTimeline {
            id: pv.id,
            manufacturer: pv.manufacturer.clone(),
            product: pv.product.clone(),
            version: pv.version.clone(),
            dates: pv.dates,
            current: pv.stage_on(&acceptances, as_of),
            periods: stage_periods(pv, &acceptances, as_of, horizon_end),
            component_ends,
        });
    }
    let mut group_names: Vec<String> = portfolio
        .assets
        .iter()
        .map(|a| a.group.clone().unwrap_or_else(|| UNGROUPED.to_owned()))
        .collect();
    group_names.sort();
    group_names.dedup();
    let mut asset_groups = Vec::new();
    for group in group_names {
        let members: Vec<&ProductVersionRecord> = portfolio
            .assets
            .iter()
            .filter(|a| a.group.as_deref().unwrap_or(UNGROUPED) == group)
            .filter_map(|a| portfolio.product_version(a.product_version_id))
            .collect();
        let mut assets: Vec<AssetLine> = portfolio
            .assets
            .iter()
            .filter(|a| a.group.as_deref().unwrap_or(UNGROUPED) == group)
            .filter_map(|a| {
                let pv = portfolio.product_version(a.product_version_id)?;
                Some(AssetLine {
                    asset_id: a.asset_id.clone(),
                    product: pv.product.clone(),
                    version: pv.version.clone(),
                    stage: pv.stage_on(&acceptances, as_of).stage,
                })
            })
            .collect();
        assets.sort_by(|a, b| a.asset_id.cmp(&b.asset_id));
        let mut breakpoints = Vec::new();
        for pv in &members {
            breakpoints.extend(breakpoints_of(pv, &acceptances));
        }
        let evaluate = |date: IsoDate| {
            members
                .iter()
                .map(|pv| pv.stage_on(&acceptances, date))
                .max_by_key(|assessment| assessment.stage)
        };
        asset_groups.push(GroupTimeline {
            group,
            assets,
            periods: periods_from(&evaluate, breakpoints, as_of, horizon_end),
        });
    }
    TimelineReport {
        as_of,
        horizon_end,
        product_versions,
        asset_groups,
    }
}

/// The stages of one product version from `from` to `to`: the stage on `from`, then a new
/// period at each date where it changes (its own dates, its components' end dates, the
/// start and end of acceptances).
#[must_use]
pub fn stage_periods(
    pv: &ProductVersionRecord,
    acceptances: &[Acceptance],
    from: IsoDate,
    to: IsoDate,
) -> Vec<StagePeriod> {
    let evaluate = |date: IsoDate| Some(pv.stage_on(acceptances, date));
    periods_from(&evaluate, breakpoints_of(pv, acceptances), from, to)
}

/// The dates where a product version's stage may change.
fn breakpoints_of(pv: &ProductVersionRecord, acceptances: &[Acceptance]) -> Vec<IsoDate> {
    let mut res: Vec<IsoDate> = [pv.dates.release, pv.dates.eol, pv.dates.eos]
        .iter()
        .flatten()
        .map(|d| d.date)
        .collect();
    for component in &pv.components {
        for evidence in &component.evidence {
            if let SupportEnd::Date(date) = evidence.end {
                res.push(date);
            }
        }
    }
    for acceptance in acceptances {
        if acceptance.product_version_id == Some(pv.id) {
            res.push(acceptance.decided_on);
            res.push(acceptance.until.add_days(1));
        }
    }
    res
}

fn periods_from(
    evaluate: &dyn Fn(IsoDate) -> Option<StageAssessment>,
    mut breakpoints: Vec<IsoDate>,
    from: IsoDate,
    to: IsoDate,
) -> Vec<StagePeriod> {
    breakpoints.retain(|d| from < *d && *d <= to);
    breakpoints.sort();
    breakpoints.dedup();
    let mut res: Vec<StagePeriod> = Vec::new();
    let Some(first) = evaluate(from) else {
        return res;
    };
    res.push(StagePeriod {
        stage: first.stage,
        cause: first.cause,
        start: match first.since {
            Some(since) if since < from => since,
            _ => from,
        },
        end: None,
    });
    for date in breakpoints {
        let Some(assessment) = evaluate(date) else {
            continue;
        };
        let Some(last) = res.last_mut() else {
            continue;
        };
        if last.stage == assessment.stage && last.cause == assessment.cause {
            continue;
        }
        last.end = Some(date);
        res.push(StagePeriod {
            stage: assessment.stage,
            cause: assessment.cause,
            start: date,
            end: None,
        });
    }
    res
}
