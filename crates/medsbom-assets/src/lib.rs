//! Device inventory for medsbom: which devices a hospital runs, where, how critical and how
//! exposed they are, and — when a vulnerability is announced — which of them are affected,
//! most urgent first (IMDRF N73 asset management, N70 §7.2 asset inventory).
//!
//! - [`parse_input`] reads a CSV or JSON inventory (CMMS exports, spreadsheets) with an
//!   optional column [`Mapping`] into checked rows; bad rows are rejected one by one with
//!   their line number and the good ones still import.
//! - [`import_assets`] upserts the rows by asset id or serial in one transaction (or a dry
//!   run) and links each asset to the stored product version it runs; [`list_assets`],
//!   [`get_asset`], [`set_asset`], [`retire_asset`] and [`unknown_product_versions`] manage
//!   the inventory.
//! - [`impact`] lists the assets a vulnerability (any alias) or a component (purl, CPE,
//!   name, version range) affects, with location, criticality, exposure, the matching
//!   component, VEX status and the asset [`priority`]; [`group_rows`] groups them by site,
//!   ward or product.
//! - [`asset_view`] shows one asset with its components, open findings, lifecycle stage
//!   and risk decisions; [`findings_by_asset`] lists the open findings of every asset.
//!
//! The schema is `crates/medsbom-store/migrations/*/0004_assets.sql`, applied by
//! [`medsbom_store::Store::open`]; [`AssetDb`] adds this crate's pool to a store.
//!
//! ```no_run
//! # async fn demo() -> Result<(), medsbom_assets::AssetError> {
//! use medsbom_assets::{
//!     AssetDb, ImpactQuery, ImpactTarget, ImportOptions, InputFormat, impact, import_assets,
//!     parse_input,
//! };
//! let db = AssetDb::open("/tmp/medsbom.db").await?;
//! let csv = b"asset_id,product,product_version,site,department,criticality,exposure\n\
//!             V-001,Ventilator,2.1,North,ICU,life-sustaining,hospital-lan\n";
//! let input = parse_input(csv, InputFormat::Csv, None, "inventory.csv")?;
//! let options = ImportOptions { organization: "St. Example", dry_run: false };
//! let report = import_assets(&db, &input, &options).await?;
//! println!("{} created, {} rejected", report.n_created(), report.rejected.len());
//! let query = ImpactQuery {
//!     organization: "St. Example".to_owned(),
//!     target: ImpactTarget::Vulnerability("CVE-2022-37434".to_owned()),
//!     version_range: None,
//!     assumed_threat: None,
//!     include_suppressed: false,
//! };
//! for row in impact(&db, &query).await?.rows {
//!     println!("{} {} {}: {}", row.priority, row.asset_id, row.location(), row.component);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod db;
mod error;
mod impact;
mod model;
mod parse;
pub mod priority;
mod service;
mod threat;
mod view;

pub use db::AssetDb;
pub use error::AssetError;
pub use impact::{
    GroupBy, ImpactGroup, ImpactQuery, ImpactReport, ImpactRow, ImpactTarget, group_rows, impact,
    impact_for, is_suppressed,
};
pub use model::{
    Asset, AssetChanges, Criticality, Exposure, Field, credentials_known, location_text,
};
pub use parse::{
    ColumnUse, InputFormat, Mapping, ParsedInput, ParsedRow, Rejection, RowRef, Target,
    normalize_value, parse_input,
};
pub use service::{
    AssetFilter, ImportOptions, ImportReport, RowAction, RowOutcome, UnknownProductVersion,
    get_asset, import_assets, list_assets, relink_assets, retire_asset, set_asset,
    unknown_product_versions,
};
pub use threat::{Vulnerability, find_vulnerability, normalize_vulnerability_id};
pub use view::{
    Acceptance, AssetView, ByAssetQuery, LinkedVersion, ViewComponent, asset_view,
    findings_by_asset,
};
