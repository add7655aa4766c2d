//! Lifecycle of medical-device product versions and their components, after IMDRF N70
//! (legacy medical devices): release, end-of-life (EOL) and end-of-support (EOS) dates,
//! the stages Development → Support → Limited Support → End of Support, components that
//! reach their own end of support before the device does ("unplanned legacy", N70 §5.5),
//! the hospital's risk acceptance at EOS, timeline reports and manufacturer notices.
//!
//! The pure part works on values and never reads the clock: every function takes the day
//! to judge (`as_of`).
//! - [`derive_stage`] applies the N70 rules to a version's dates and its unsupported
//!   components; [`ProductVersionRecord::stage_on`] does it for a stored version.
//! - [`EolIndex`] joins packages to endoflife.date products by purl, CPE, `distro`
//!   qualifier or operating-system name, and [`release_for_version`] finds the cycle.
//! - [`compute_alerts`], [`build_report`] (+ [`report_html`], [`timeline_svg`]) and
//!   [`build_notice`] (+ [`notice_html`]) work on a [`Portfolio`].
//!
//! The database part ([`LifecycleDb`], on the store's SQLite or PostgreSQL database with
//! the tables of `0003_lifecycle.sql`) stores dates ([`set_lifecycle`]), endoflife.date data
//! ([`import_eol`], [`link_new_packages`]) and decisions ([`record_acceptance`]), and loads
//! the [`Portfolio`] ([`load_portfolio`]) with the assets of the device inventory.
//!
//! ```
//! use medsbom_lifecycle::{AnnouncedDate, DateSource, LifecycleDates, Stage, derive_stage};
//! use medsbom_model::IsoDate;
//!
//! let date = |text| IsoDate::parse(text).unwrap();
//! let dates = LifecycleDates {
//!     release: None,
//!     eol: Some(AnnouncedDate { date: date("2026-06-30"), announced: None, source: DateSource::Manual }),
//!     eos: Some(AnnouncedDate { date: date("2029-06-30"), announced: None, source: DateSource::Manual }),
//! };
//! assert_eq!(derive_stage(&dates, &[], date("2025-01-01")).stage, Stage::Support);
//! assert_eq!(derive_stage(&dates, &[], date("2027-01-01")).stage, Stage::LimitedSupport);
//! assert_eq!(derive_stage(&dates, &[], date("2029-06-30")).stage, Stage::EndOfSupport);
//! ```
#![deny(missing_docs)]

mod alerts;
mod db;
mod error;
mod join;
mod notice;
mod portfolio;
mod render;
mod service;
mod span;
mod stage;
mod support;
mod timeline;

pub use alerts::{
    Alert, AlertConfig, AlertKind, MIN_NOTICE_YEARS, TRANSFER_WINDOW_YEARS, compute_alerts,
};
pub use db::LifecycleDb;
pub use error::LifecycleError;
pub use join::{EolIndex, EolMatch, MatchBasis, PackageRef, release_for_version};
pub use notice::{
    DEFAULT_SUPPORT_AFTER_EOL, DEFAULT_SUPPORT_AFTER_EOS, Notice, UpgradePath, build_notice,
};
pub use portfolio::{
    Acceptance, Asset, Decision, NoticeTexts, Portfolio, ProductVersionRecord, SubjectKind,
};
pub use render::{esc, notice_html, report_html, timeline_svg};
pub use service::{
    AcceptanceSubject, EolImportSummary, LifecycleUpdate, NewAcceptance, ProductVersionKey,
    find_product_version, import_eol, link_new_packages, load_portfolio, record_acceptance,
    set_lifecycle,
};
pub use span::{Span, SpanUnit};
pub use stage::{
    AnnouncedDate, DateSource, LifecycleDates, Stage, StageAssessment, StageCause,
    UnsupportedComponent, derive_stage,
};
pub use support::{ComponentSupport, EvidenceSource, SupportEnd, SupportEvidence, sbom_evidence};
pub use timeline::{
    AssetLine, ComponentEnd, GroupTimeline, ProductTimeline, StagePeriod, TimelineReport,
    UNGROUPED, build_report, stage_periods,
};
