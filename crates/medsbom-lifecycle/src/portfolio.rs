//! The in-memory view the alerts, the timeline report and the notices work on: product
//! versions with their dates and components, assets, and risk acceptances. The database
//! layer fills it ([`crate::load_portfolio`]); tests can build it by hand.

use medsbom_model::IsoDate;

use crate::stage::{LifecycleDates, StageAssessment, UnsupportedComponent, derive_stage};
use crate::support::ComponentSupport;

/// What a risk acceptance is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectKind {
    /// One deployed device (asset id).
    Asset,
    /// A product version (every device running it).
    ProductVersion,
}

impl SubjectKind {
    /// `asset`, `product-version`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Asset => "asset",
            SubjectKind::ProductVersion => "product-version",
        }
    }

    /// Parses [`SubjectKind::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<SubjectKind> {
        match text {
            "asset" => Some(SubjectKind::Asset),
            "product-version" => Some(SubjectKind::ProductVersion),
            _ => None,
        }
    }
}

/// The hospital's decision at end of support (N70 §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Keep running it and accept the risk with compensating controls.
    Accept,
    /// Plan replacement (or decommissioning) by the date.
    Replace,
}

impl Decision {
    /// `accept`, `replace`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Replace => "replace",
        }
    }

    /// Parses [`Decision::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Decision> {
        match text {
            "accept" => Some(Decision::Accept),
            "replace" => Some(Decision::Replace),
            _ => None,
        }
    }
}

/// A recorded risk acceptance or replacement decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// Its id in the database.
    pub id: i64,
    /// Asset or product version.
    pub subject_kind: SubjectKind,
    /// The asset id, or `PRODUCT@VERSION`.
    pub subject: String,
    /// The product version, for a product-version subject.
    pub product_version_id: Option<i64>,
    /// The one component the decision is limited to (its name), if any.
    pub component: Option<String>,
    /// Accept or replace.
    pub decision: Decision,
    /// Who decided.
    pub decided_by: String,
    /// When it was decided (it applies from this date).
    pub decided_on: IsoDate,
    /// Until when it holds.
    pub until: IsoDate,
    /// When it is to be reviewed.
    pub review: IsoDate,
    /// The compensating controls (network segmentation, …) or the replacement plan.
    pub controls: String,
}

impl Acceptance {
    /// Whether it applies on `as_of`: decided on or before, and not past its end.
    #[must_use]
    pub fn is_active_on(&self, as_of: IsoDate) -> bool {
        self.decided_on <= as_of && as_of <= self.until
    }

    /// Whether it mitigates the risk of `component` (by name) of the product version
    /// `product_version_id` on `as_of`: an active acceptance of that product version,
    /// for every component or this one.
    #[must_use]
    pub fn mitigates(&self, product_version_id: i64, component: &str, as_of: IsoDate) -> bool {
        self.subject_kind == SubjectKind::ProductVersion
            && self.decision == Decision::Accept
            && self.product_version_id == Some(product_version_id)
            && self
                .component
                .as_deref()
                .is_none_or(|name| name.eq_ignore_ascii_case(component))
            && self.is_active_on(as_of)
    }

    /// Whether it covers `asset` on `as_of` (the asset itself, or its whole product
    /// version), whatever the decision.
    #[must_use]
    pub fn covers_asset(&self, asset: &Asset, as_of: IsoDate) -> bool {
        let subject = match self.subject_kind {
            SubjectKind::Asset => self.subject == asset.asset_id,
            SubjectKind::ProductVersion => {
                self.component.is_none()
                    && self.product_version_id == Some(asset.product_version_id)
            }
        };
        subject && self.is_active_on(as_of)
    }
}

/// A deployed device running a product version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The asset id (inventory number).
    pub asset_id: String,
    /// Its group for the report (`site / department` of the inventory), if any.
    pub group: Option<String>,
    /// The product version it runs.
    pub product_version_id: i64,
    /// The id of the organization (healthcare provider) whose inventory it is in.
    pub organization_id: i64,
}

/// What a manufacturer's notice says beyond the dates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoticeTexts {
    /// Support that continues after EOL (`None`: the N70 default text).
    pub support_after_eol: Option<String>,
    /// Support that continues after EOS (`None`: the N70 default text).
    pub support_after_eos: Option<String>,
    /// Upgrade paths (versions or sentences); empty: newer supported versions are listed.
    pub upgrade_paths: Vec<String>,
}

/// A product version with its lifecycle dates and the components of its newest SBOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductVersionRecord {
    /// Its id in the database.
    pub id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product (device model) name.
    pub product: String,
    /// Version.
    pub version: String,
    /// Release, EOL and EOS dates.
    pub dates: LifecycleDates,
    /// Notice texts.
    pub notice: NoticeTexts,
    /// The components that have support information (the others are left out).
    pub components: Vec<ComponentSupport>,
}

impl ProductVersionRecord {
    /// `product version`.
    #[must_use]
    pub fn display_name(&self) -> String {
        format!("{} {}", self.product, self.version)
    }

    /// The stage on `as_of`, from the dates and from the components out of support on that
    /// day, mitigated by `acceptances` that apply (N70 §5.5).
    #[must_use]
    pub fn stage_on(&self, acceptances: &[Acceptance], as_of: IsoDate) -> StageAssessment {
        let names: Vec<String> = self
            .components
            .iter()
            .map(ComponentSupport::display_name)
            .collect();
        let unsupported: Vec<UnsupportedComponent<'_>> = self
            .components
            .iter()
            .zip(&names)
            .filter(|(component, _)| component.is_unsupported_on(as_of))
            .map(|(component, name)| UnsupportedComponent {
                name,
                since: component.unsupported_since(as_of),
                mitigated: acceptances
                    .iter()
                    .any(|a| a.mitigates(self.id, &component.name, as_of)),
            })
            .collect();
        derive_stage(&self.dates, &unsupported, as_of)
    }
}

/// Everything the lifecycle reports look at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Portfolio {
    /// Product versions, ordered by manufacturer, product and version.
    pub product_versions: Vec<ProductVersionRecord>,
    /// Deployed devices.
    pub assets: Vec<Asset>,
    /// Risk acceptances and replacement decisions, oldest first.
    pub acceptances: Vec<Acceptance>,
}

impl Portfolio {
    /// The product version with this id.
    #[must_use]
    pub fn product_version(&self, id: i64) -> Option<&ProductVersionRecord> {
        self.product_versions.iter().find(|pv| pv.id == id)
    }
}
