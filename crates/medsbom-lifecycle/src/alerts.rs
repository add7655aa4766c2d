//! Lifecycle alerts on one date: unplanned legacy (components already out of support in
//! supported product versions), component end of support within a horizon, notices that
//! came too late, product versions in the responsibility-transfer window, assets running
//! unsupported versions, and risk acceptances that expired or are due for review.

use std::collections::HashMap;
use std::fmt;

use medsbom_model::IsoDate;

use crate::portfolio::{Acceptance, Asset, Portfolio, ProductVersionRecord, SubjectKind};
use crate::stage::{AnnouncedDate, Stage};
use crate::support::ComponentSupport;

/// N70 §7.1: EOL and EOS dates are announced at least this many years ahead.
pub const MIN_NOTICE_YEARS: i32 = 2;
/// N70 §7.3: the transfer of responsibility begins two to three years before EOS; the
/// window opens this many years before.
pub const TRANSFER_WINDOW_YEARS: i32 = 3;

/// The kinds of alert, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertKind {
    /// A component is already out of support in a product version that is not past its
    /// own EOS ("unplanned legacy", N70 §5.5).
    UnplannedLegacy,
    /// A component's support ends within the horizon, before its product version's EOS.
    ComponentEosSoon,
    /// An EOL or EOS date was announced less than two years before it takes effect.
    NoticeTooShort,
    /// A product version is within three years of its EOS: the transfer of responsibility
    /// to the healthcare provider is due.
    TransferWindow,
    /// An asset runs a product version in Limited Support or End of Support, without a
    /// risk acceptance or replacement decision.
    AssetUnsupported,
    /// The latest risk acceptance or replacement decision for a subject has expired.
    AcceptanceExpired,
    /// A risk acceptance is past its review date.
    AcceptanceReviewDue,
}

impl AlertKind {
    /// Every kind, in listing order.
    pub const ALL: &'static [AlertKind] = &[
        AlertKind::UnplannedLegacy,
        AlertKind::ComponentEosSoon,
        AlertKind::NoticeTooShort,
        AlertKind::TransferWindow,
        AlertKind::AssetUnsupported,
        AlertKind::AcceptanceExpired,
        AlertKind::AcceptanceReviewDue,
    ];

    /// The `kind` of the JSON output: `unplanned_legacy`, `component_eos_soon`,
    /// `notice_too_short`, `transfer_window`, `asset_unsupported`, `acceptance_expired`,
    /// `acceptance_review_due`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::UnplannedLegacy => "unplanned_legacy",
            AlertKind::ComponentEosSoon => "component_eos_soon",
            AlertKind::NoticeTooShort => "notice_too_short",
            AlertKind::TransferWindow => "transfer_window",
            AlertKind::AssetUnsupported => "asset_unsupported",
            AlertKind::AcceptanceExpired => "acceptance_expired",
            AlertKind::AcceptanceReviewDue => "acceptance_review_due",
        }
    }
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// Manufacturer of the product.
    pub manufacturer: String,
    /// Product name (empty for an acceptance of an asset whose product is unknown).
    pub product: String,
    /// Product version.
    pub product_version: String,
    /// The component concerned, if any.
    pub component: Option<String>,
    /// Its version.
    pub component_version: Option<String>,
    /// The asset concerned, if any.
    pub asset: Option<String>,
    /// The date the alert is about (end of support, review date, …), when known.
    pub date: Option<IsoDate>,
    /// One sentence for people.
    pub detail: String,
}

/// The date and horizon alerts are computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertConfig {
    /// "Today".
    pub as_of: IsoDate,
    /// Component end-of-support dates up to this day are announced (default: three years
    /// after `as_of`).
    pub horizon_end: IsoDate,
}

/// Computes every alert on `config.as_of`, sorted by kind, manufacturer, product, version,
/// component, asset and date.
#[must_use]
pub fn compute_alerts(portfolio: &Portfolio, config: &AlertConfig) -> Vec<Alert> {
    let as_of = config.as_of;
    let known: Vec<Acceptance> = portfolio
        .acceptances
        .iter()
        .filter(|a| a.decided_on <= as_of)
        .cloned()
        .collect();
    let mut res = Vec::new();
    for pv in &portfolio.product_versions {
        component_alerts(pv, &known, config, &mut res);
        notice_alerts(pv, as_of, &mut res);
        transfer_alert(pv, &known, as_of, &mut res);
    }
    for asset in &portfolio.assets {
        asset_alert(portfolio, asset, &known, as_of, &mut res);
    }
    acceptance_alerts(portfolio, &known, as_of, &mut res);
    res.sort_by(|a, b| {
        (
            a.kind,
            &a.manufacturer,
            &a.product,
            &a.product_version,
            &a.component,
            &a.asset,
            a.date,
        )
            .cmp(&(
                b.kind,
                &b.manufacturer,
                &b.product,
                &b.product_version,
                &b.component,
                &b.asset,
                b.date,
            ))
    });
    res
}

fn alert(
    kind: AlertKind,
    pv: &ProductVersionRecord,
    date: Option<IsoDate>,
    detail: String,
) -> Alert {
    Alert {
        kind,
        manufacturer: pv.manufacturer.clone(),
        product: pv.product.clone(),
        product_version: pv.version.clone(),
        component: None,
        component_version: None,
        asset: None,
        date,
        detail,
    }
}

fn component_alert(
    kind: AlertKind,
    pv: &ProductVersionRecord,
    component: &ComponentSupport,
    date: Option<IsoDate>,
    detail: String,
) -> Alert {
    Alert {
        component: Some(component.name.clone()),
        component_version: component.version.clone(),
        ..alert(kind, pv, date, detail)
    }
}

/// Whether the product version is past its own EOS date on `as_of`.
fn past_own_eos(pv: &ProductVersionRecord, as_of: IsoDate) -> bool {
    pv.dates.eos.is_some_and(|eos| eos.date <= as_of)
}

fn eos_text(pv: &ProductVersionRecord) -> String {
    match pv.dates.eos {
        Some(eos) => format!("its end of support is {}", eos.date),
        None => "no end of support is announced for it".to_owned(),
    }
}

fn packages_text(component: &ComponentSupport) -> String {
    match component.n_packages {
        0 | 1 => String::new(),
        n => format!(" (covers {n} packages from this release)"),
    }
}

fn component_alerts(
    pv: &ProductVersionRecord,
    acceptances: &[Acceptance],
    config: &AlertConfig,
    res: &mut Vec<Alert>,
) {
    let as_of = config.as_of;
    if past_own_eos(pv, as_of) {
        return;
    }
    for component in &pv.components {
        if component.is_unsupported_on(as_of) {
            let since = component.unsupported_since(as_of);
            let mitigation = acceptances
                .iter()
                .find(|a| a.mitigates(pv.id, &component.name, as_of));
            let risk = match mitigation {
                Some(a) => format!(
                    "risk mitigated: accepted by {} until {} ({}), so the version is in Limited Support",
                    a.decided_by, a.until, a.controls
                ),
                None => {
                    "risk not mitigated, so the version is End of Support (N70 §5.5)".to_owned()
                }
            };
            let detail = format!(
                "out of support{} per {}; {} is still supported by its dates ({}); {risk}",
                packages_text(component),
                component.sources_text(),
                pv.display_name(),
                eos_text(pv),
            );
            res.push(component_alert(
                AlertKind::UnplannedLegacy,
                pv,
                component,
                since,
                detail,
            ));
            continue;
        }
        let Some(end) = component.end_date() else {
            continue;
        };
        let before_product_eos = pv.dates.eos.is_none_or(|eos| end < eos.date);
        if as_of < end && end <= config.horizon_end && before_product_eos {
            let days = end.days_since_epoch() - as_of.days_since_epoch();
            let detail = format!(
                "support ends {end}, in {days} days{}, before the product version's end of support ({}); per {}",
                packages_text(component),
                eos_text(pv),
                component.sources_text(),
            );
            res.push(component_alert(
                AlertKind::ComponentEosSoon,
                pv,
                component,
                Some(end),
                detail,
            ));
        }
    }
}

fn notice_alerts(pv: &ProductVersionRecord, as_of: IsoDate, res: &mut Vec<Alert>) {
    let milestones: [(&str, Option<AnnouncedDate>); 2] = [
        ("end of life", pv.dates.eol),
        ("end of support", pv.dates.eos),
    ];
    for (name, milestone) in milestones {
        let Some(milestone) = milestone else {
            continue;
        };
        let Some(announced) = milestone.announced else {
            continue;
        };
        if as_of < announced || milestone.date < as_of {
            continue;
        }
        if milestone.notice_at_least_years(MIN_NOTICE_YEARS) != Some(false) {
            continue;
        }
        let days = milestone.notice_days().unwrap_or(0);
        let detail = format!(
            "{name} {} was announced on {announced} ({}), {days} days ahead; N70 asks for at least {MIN_NOTICE_YEARS} years",
            milestone.date,
            milestone.source.as_str(),
        );
        res.push(alert(
            AlertKind::NoticeTooShort,
            pv,
            Some(milestone.date),
            detail,
        ));
    }
}

fn transfer_alert(
    pv: &ProductVersionRecord,
    acceptances: &[Acceptance],
    as_of: IsoDate,
    res: &mut Vec<Alert>,
) {
    let Some(eos) = pv.dates.eos else {
        return;
    };
    if eos.announced.is_some_and(|announced| as_of < announced) {
        return;
    }
    let opens = eos.date.add_years(-TRANSFER_WINDOW_YEARS);
    if as_of < opens || eos.date <= as_of {
        return;
    }
    let days = eos.date.days_since_epoch() - as_of.days_since_epoch();
    let mut detail = if as_of < eos.date.add_years(-MIN_NOTICE_YEARS) {
        format!(
            "end of support {} in {days} days: the transfer of cybersecurity responsibility to the healthcare provider begins 2–3 years before end of support (N70 §7.3)",
            eos.date
        )
    } else {
        format!(
            "end of support {} in {days} days: less than 2 years left, the transfer of responsibility should be under way (the window opened {opens})",
            eos.date
        )
    };
    let decision = acceptances
        .iter()
        .filter(|a| {
            a.subject_kind == SubjectKind::ProductVersion && a.product_version_id == Some(pv.id)
        })
        .max_by_key(|a| (a.decided_on, a.id));
    match decision {
        Some(a) => detail.push_str(&format!(
            "; decision recorded: {} by {} until {}",
            a.decision.as_str(),
            a.decided_by,
            a.until
        )),
        None => detail.push_str("; no decision recorded yet"),
    }
    res.push(alert(AlertKind::TransferWindow, pv, Some(eos.date), detail));
}

fn asset_alert(
    portfolio: &Portfolio,
    asset: &Asset,
    acceptances: &[Acceptance],
    as_of: IsoDate,
    res: &mut Vec<Alert>,
) {
    let Some(pv) = portfolio.product_version(asset.product_version_id) else {
        return;
    };
    let assessment = pv.stage_on(acceptances, as_of);
    if !matches!(
        assessment.stage,
        Stage::LimitedSupport | Stage::EndOfSupport
    ) {
        return;
    }
    if acceptances.iter().any(|a| a.covers_asset(asset, as_of)) {
        return;
    }
    let detail = format!(
        "runs {} in {}: {}; no risk acceptance or replacement decision",
        pv.display_name(),
        assessment.stage.label(),
        assessment.detail
    );
    res.push(Alert {
        asset: Some(asset.asset_id.clone()),
        ..alert(AlertKind::AssetUnsupported, pv, assessment.since, detail)
    });
}

fn acceptance_alerts(
    portfolio: &Portfolio,
    acceptances: &[Acceptance],
    as_of: IsoDate,
    res: &mut Vec<Alert>,
) {
    let mut latest: HashMap<(SubjectKind, &str, Option<String>), &Acceptance> = HashMap::new();
    for acceptance in acceptances {
        let key = (
            acceptance.subject_kind,
            acceptance.subject.as_str(),
            acceptance.component.as_deref().map(str::to_ascii_lowercase),
        );
        let entry = latest.entry(key).or_insert(acceptance);
        if (entry.decided_on, entry.id) < (acceptance.decided_on, acceptance.id) {
            *entry = acceptance;
        }
    }
    for acceptance in latest.values() {
        let pv = match acceptance.subject_kind {
            SubjectKind::ProductVersion => acceptance.product_version_id,
            SubjectKind::Asset => portfolio
                .assets
                .iter()
                .find(|asset| asset.asset_id == acceptance.subject)
                .map(|asset| asset.product_version_id),
        }
        .and_then(|id| portfolio.product_version(id));
        let what = match &acceptance.component {
            Some(component) => format!("{} (component {component})", acceptance.subject),
            None => acceptance.subject.clone(),
        };
        let (kind, date, detail) = if acceptance.until < as_of {
            (
                AlertKind::AcceptanceExpired,
                acceptance.until,
                format!(
                    "{} decision for {what} by {} expired on {} (controls: {}); decide again",
                    acceptance.decision.as_str(),
                    acceptance.decided_by,
                    acceptance.until,
                    acceptance.controls
                ),
            )
        } else if acceptance.review <= as_of {
            (
                AlertKind::AcceptanceReviewDue,
                acceptance.review,
                format!(
                    "{} decision for {what} by {} was due for review on {} (valid until {}; controls: {})",
                    acceptance.decision.as_str(),
                    acceptance.decided_by,
                    acceptance.review,
                    acceptance.until,
                    acceptance.controls
                ),
            )
        } else {
            continue;
        };
        let (manufacturer, product, product_version) = match pv {
            Some(pv) => (
                pv.manufacturer.clone(),
                pv.product.clone(),
                pv.version.clone(),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        res.push(Alert {
            kind,
            manufacturer,
            product,
            product_version,
            component: acceptance.component.clone(),
            component_version: None,
            asset: match acceptance.subject_kind {
                SubjectKind::Asset => Some(acceptance.subject.clone()),
                SubjectKind::ProductVersion => None,
            },
            date: Some(date),
            detail,
        });
    }
}
