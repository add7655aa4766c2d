//! The manufacturer's side of medsbom (IMDRF N73 §5: collect, generate, distribute): a
//! component registry per product version, kept as configuration data, from which complete
//! SBOMs are generated.
//!
//! - [`create_product`] and [`add_version`] (optionally copying the previous version's
//!   components) work on the store's `organizations`, `products` and `product_versions`, and
//!   the registry tables of `0006_registry.sql`.
//! - Components are added by hand ([`add_component`]), edited ([`edit_component`]), removed
//!   ([`remove_component`]) or imported from build-tool SBOMs ([`import_sbom`]: cdxgen,
//!   syft, cyclonedx-gomod, cargo-cyclonedx, … in any format medsbom reads), merged by
//!   identity: the canonical purl, else the CPE 2.3 name, else supplier + name + version.
//!   The supplier's support data is kept; support data edited here (`manual`) survives a
//!   re-import. Hardware and firmware (CycloneDX `device`/`firmware`, CPE part `h`/`o`) are
//!   components like any other.
//! - [`generate`] builds the [`medsbom_model::Sbom`] of a version (NTIA elements, dependency
//!   graph, hashes, licences, support level and end of support per component as in
//!   `standards.md` §2.1, compositions for the known unknowns, a serial number per version and
//!   the registry revision as BOM version), writes it through `medsbom-formats`, validates it
//!   against the official schema and checks it with a profile; a document with gaps is
//!   refused ([`RegistryError::Gaps`]) unless the caller allows them.
//! - [`vex::product_vex`]: the current VEX of a product version, read from the VEX tables
//!   (`0005_vex.sql`) for the share bundle.
//! - [`trust`]: the trusted-keys list per manufacturer and the signature verification results
//!   stored with ingested SBOMs and received bundles.
//!
//! ```no_run
//! # async fn demo() -> Result<(), medsbom_registry::RegistryError> {
//! use medsbom_registry::{GenerateOptions, NewVersion, RegistryDb, VersionRef};
//! let db = RegistryDb::open("/tmp/medsbom.db").await?;
//! medsbom_registry::create_product(&db, "Acme Medical", "Infusion Pump").await?;
//! let version = NewVersion::new(Some("Acme Medical"), "Infusion Pump", "2.1");
//! let key = medsbom_registry::add_version(&db, &version).await?;
//! let options = GenerateOptions {
//!     format: medsbom_formats::OutputFormat::CycloneDxJson,
//!     profile: medsbom_check::Profile::FdaPremarket,
//!     allow_gaps: true,
//!     as_of: None,
//! };
//! let generated = medsbom_registry::generate(&db, &VersionRef::of(&key), &options).await?;
//! std::fs::write("pump-2.1.cdx.json", &generated.bytes).ok();
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod db;
mod error;
mod generate;
mod identity;
mod service;
pub mod trust;
pub mod vex;

use medsbom_store::{OpenOptions, Store};

pub use error::{Gap, RegistryError};
pub use generate::{GenerateOptions, Generated, build_sbom, generate};
pub use identity::{identity, kind_from_cpe};
pub use service::{
    ComponentEdit, ImportOptions, ImportSummary, NewVersion, ProductInfo, RegistryComponent,
    VersionInfo, VersionKey, VersionRef, add_component, add_version, create_product,
    edit_component, find_version, import_sbom, list_components, list_versions, remove_component,
};

use crate::db::Db;

/// The store with the registry tables: a [`Store`] (which applies the migrations) and a
/// connection pool of this crate's own to the same database.
#[derive(Clone)]
pub struct RegistryDb {
    store: Store,
    db: Db,
}

impl RegistryDb {
    /// Opens (creating and migrating when needed) the database `db`, as [`Store::open`]
    /// does: a `postgres://` URL, a `sqlite:` URL or a file path.
    pub async fn open(db: &str) -> Result<RegistryDb, RegistryError> {
        let options = OpenOptions::default();
        let store = Store::open_with(db, &options).await?;
        let pool =
            Db::attach(&store, db, &options)
                .await
                .map_err(|source| RegistryError::Open {
                    db: store.name().to_owned(),
                    source,
                })?;
        Ok(RegistryDb { store, db: pool })
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

    /// Closes both pools.
    pub async fn close(&self) {
        self.db.close().await;
        self.store.close().await;
    }
}
