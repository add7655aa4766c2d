//! Vulnerability matching for medsbom: offline feeds in, findings per distinct package out.
//!
//! - [`import`]: `medsbom feeds import` — OSV, NVD CVE API 2.0, CVE JSON 5, CISA KEV, FIRST
//!   EPSS and CSAF files (plain, directories, `.zip`, `.gz`) into the store, one transaction
//!   per import, incremental by each record's `modified` date and idempotent; the packages
//!   whose keys appear in changed advisories are matched again in the same transaction.
//! - [`matching`]: matching per distinct package (`packages` row), not per document row:
//!   candidates are looked up by (OSV ecosystem, name) and by CPE (vendor, product), then
//!   evaluated exactly in Rust ([`evaluate`]). [`matching::match_sbom`] is the incremental
//!   step after an ingest, [`matching::rematch_all`] the full re-match.
//! - [`findings`]: findings with product, version, component, vulnerability id and aliases
//!   (merged by [`aliases`]), severity, CVSS, KEV, EPSS, SSVC, fixed versions and the match
//!   basis, ranked by the documented [`priority`]; [`findings::scan_sbom`] checks one SBOM
//!   without storing it.
//! - [`status`]: per-feed record counts, newest record and last import.
//!
//! The schema is `crates/medsbom-store/migrations/*/0002_vulnerabilities.sql`, applied by
//! [`medsbom_store::Store::open`] with the store's own migrations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), medsbom_vuln::VulnError> {
//! use medsbom_vuln::evaluate::MatchConfig;
//! use medsbom_vuln::findings::{FindingQuery, list_findings};
//! use medsbom_vuln::import::{ImportOptions, import_paths};
//! let db = medsbom_vuln::VulnDb::open("/tmp/medsbom.db").await?;
//! let options = ImportOptions { match_config: MatchConfig::EXACT, progress: None };
//! let report = import_paths(&db, &[std::path::PathBuf::from("osv-pypi.zip")], &options).await?;
//! println!("{} new advisories", report.n_new);
//! for finding in list_findings(&db, &FindingQuery::default()).await? {
//!     println!("{} {} {}: {}", finding.product, finding.product_version,
//!         finding.component, finding.vulnerability_id);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod aliases;
mod db;
mod error;
pub mod evaluate;
pub mod findings;
pub mod import;
pub mod keys;
pub mod matching;
mod prepare;
pub mod priority;
pub mod status;
mod stored;

use medsbom_store::{OpenOptions, Store};

pub use error::VulnError;

use crate::db::Db;

/// The store with its vulnerability tables: a [`Store`] (which applies the migrations) and
/// a connection pool of this crate's own to the same database.
#[derive(Clone)]
pub struct VulnDb {
    store: Store,
    db: Db,
    /// The VEX tables, for the `vex_*` fields of findings.
    vex: medsbom_vex::service::VexDb,
}

impl VulnDb {
    /// Opens (creating and migrating when needed) the database `db`, as
    /// [`Store::open`] does: a `postgres://` URL, a `sqlite:` URL or a file path.
    pub async fn open(db: &str) -> Result<VulnDb, VulnError> {
        VulnDb::open_with(db, &OpenOptions::default()).await
    }

    /// [`VulnDb::open`] with explicit pool settings.
    pub async fn open_with(db: &str, options: &OpenOptions) -> Result<VulnDb, VulnError> {
        let store = Store::open_with(db, options).await?;
        let pool = Db::attach(&store, db, options)
            .await
            .map_err(|source| VulnError::Open {
                db: store.name().to_owned(),
                source,
            })?;
        let vex = medsbom_vex::service::VexDb::attach(store.clone(), db).await?;
        Ok(VulnDb {
            store,
            db: pool,
            vex,
        })
    }

    /// The store (for ingest, listings, …).
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The database as shown in messages.
    #[must_use]
    pub fn name(&self) -> &str {
        self.db.name()
    }

    /// Closes the pools.
    pub async fn close(&self) {
        self.db.close().await;
        self.vex.close().await;
        self.store.close().await;
    }
}
