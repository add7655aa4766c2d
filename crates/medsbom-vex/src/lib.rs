//! VEX for medsbom: exploitability statements in, analysis recorded, VEX out.
//!
//! - [`parse`]: CycloneDX VEX (standalone, or embedded in a BOM; `affects[].ref` local or
//!   BOM-Link), OpenVEX 0.0.1 and 0.2.0 (JSON, and the early YAML form) and CSAF 2.0
//!   (`csaf_vex`, read through medsbom-feeds' CSAF reader) into one canonical
//!   [`model::Statement`] model: status `not_affected | affected | fixed |
//!   under_investigation`, justification, impact and action statements, responses, detail,
//!   timestamp, the original values, and scopes (product, product version, version range,
//!   purl with or without version, CPE, hashes, BOM-Link). A bad statement is skipped and
//!   reported ([`model::Skipped`]: unknown status, unknown vulnerability or product,
//!   contradiction, a rule of the format broken); the others still import.
//! - [`service`]: the tables of `0005_vex.sql` — sources (who, which document, authority),
//!   statements and their scopes, and the hospital's or manufacturer's own analyses (who
//!   and when) — with their owner (`0008_vex_tenancy.sql`: the server organization that
//!   uploaded or recorded them; readers pass a [`service::VexScope`]). Nothing is updated in place and no finding is touched: statements are
//!   matched to findings when findings are read ([`service::annotate`]), so a statement
//!   for a product version that is not stored yet applies once it is ingested.
//! - [`resolve`]: which statement applies to a finding and which wins — the newest from the
//!   most authoritative source (manufacturer over third party); the hospital's own analysis
//!   is kept apart and shown when present, the statements stay visible as history.
//! - [`export`]: the current statements of a product as CycloneDX 1.6 VEX, OpenVEX 0.2.0
//!   or CSAF 2.0 VEX (profile rules respected).
//!
//! ```no_run
//! # async fn demo(bytes: &[u8]) -> Result<(), medsbom_vex::VexError> {
//! use medsbom_vex::service::{ImportOptions, VexDb, import_document};
//! let document = medsbom_vex::parse::parse("vex.json", bytes)?;
//! for skipped in &document.skipped {
//!     eprintln!("skipped {skipped}");
//! }
//! let db = VexDb::open("/tmp/medsbom.db").await?;
//! let options = ImportOptions {
//!     file: Some("vex.json"),
//!     imported_by: "alice",
//!     authority: None,
//!     organization_id: None,
//! };
//! let outcome = import_document(&db, bytes, &document, &options).await?;
//! println!("{} statements", outcome.n_statements);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod db;
mod error;
pub mod export;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod service;

pub use error::VexError;
pub use model::VexDocument;
