//! Ingest: storing one parsed SBOM, its bytes and its components in one transaction.

use std::collections::HashMap;

use medsbom_model::{Component, RelationshipKind, Sbom};
use sha2::{Digest, Sha256};

use crate::db::{Column, Insert, Param, Rows, Tx};
use crate::identity::{PackageIdentity, package_identity};
use crate::{Store, StoreError};

/// zstd level for the stored bytes: fast, and SBOM JSON still shrinks about tenfold.
const ZSTD_LEVEL: i32 = 3;

/// One SBOM to store: the exact bytes as received and the parsed document.
pub struct IngestRequest<'a> {
    /// The exact bytes of the file (hashed and stored compressed).
    pub raw: &'a [u8],
    /// The serialization, e.g. `cyclonedx-json`, `spdx-tag-value`, `swid-xml`.
    pub format: &'a str,
    /// The spec version as detected (`1.6`, `SPDX-2.3`, …).
    pub spec_version: &'a str,
    /// The parsed document.
    pub sbom: &'a Sbom,
    /// The manufacturer; default: the document's manufacturer, else its supplier, else the
    /// root component's manufacturer or supplier, else `unknown`.
    pub manufacturer: Option<&'a str>,
    /// The product (device model); default: the root component's name, else the document
    /// name, else `source_name`.
    pub product: Option<&'a str>,
    /// The product version; default: the root component's version, else `unspecified`.
    pub product_version: Option<&'a str>,
    /// Who ingests (user name), recorded with the document.
    pub ingested_by: &'a str,
    /// Where the bytes came from (file name), recorded with the document.
    pub source_name: Option<&'a str>,
    /// Conformance check results as JSON text, recorded with the document.
    pub check_results: Option<&'a str>,
    /// Called inside the transaction after each batch of component rows with the number of
    /// components written so far (for progress display on very large documents).
    pub progress: Option<&'a (dyn Fn(usize) + Sync)>,
}

/// The namespace of command-line ingests and of manufacturer tenants' own uploads; see
/// [`Store::ingest_in_namespace`].
pub const SHARED_NAMESPACE: i64 = 0;

/// A stored SBOM document and where it is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSbom {
    /// The document's id in the store.
    pub sbom_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Product version.
    pub product_version: String,
    /// Revision of the product version's SBOM (1 for the first document).
    pub revision: i64,
    /// Number of components of the document.
    pub n_components: usize,
}

/// What [`Store::ingest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// The document was stored (a new product version, or a new revision of one).
    Stored(StoredSbom),
    /// The same bytes were already stored; nothing changed.
    AlreadyStored(StoredSbom),
}

impl IngestOutcome {
    /// The stored document, whichever the outcome.
    #[must_use]
    pub fn stored(&self) -> &StoredSbom {
        match self {
            IngestOutcome::Stored(stored) | IngestOutcome::AlreadyStored(stored) => stored,
        }
    }
}

/// A component row before its package id is known.
struct ComponentRow<'a> {
    component: &'a Component,
    /// Index into `Prepared::packages`.
    package: usize,
    /// The purl as written, when it differs from the package's canonical purl.
    written_purl: Option<&'a str>,
    cpe: Option<String>,
    parent_idx: Option<i64>,
    is_root: bool,
    eos_date: Option<String>,
}

struct RelationshipRow<'a> {
    from_idx: Option<i64>,
    to_idx: Option<i64>,
    from_ref: Option<&'a str>,
    to_ref: Option<&'a str>,
    kind: &'a str,
    original: Option<&'a str>,
}

struct MilestoneRow<'a> {
    component_idx: i64,
    name: &'a str,
    text: &'a str,
    date: Option<String>,
}

/// Everything computed from the request before the transaction starts.
struct Prepared<'a> {
    manufacturer: String,
    product: String,
    product_version: String,
    packages: Vec<PackageIdentity>,
    components: Vec<ComponentRow<'a>>,
    relationships: Vec<RelationshipRow<'a>>,
    milestones: Vec<MilestoneRow<'a>>,
}

impl Store {
    /// Stores one SBOM in one transaction. The same bytes a second time (even from a
    /// concurrent ingest) is [`IngestOutcome::AlreadyStored`]; other bytes for a product
    /// version that already has an SBOM become its next revision, the older ones are kept.
    /// On any error nothing is stored.
    pub async fn ingest(&self, req: &IngestRequest<'_>) -> Result<IngestOutcome, StoreError> {
        self.ingest_in_namespace(req, SHARED_NAMESPACE).await
    }

    /// [`Store::ingest`] into a namespace: [`SHARED_NAMESPACE`] (what `ingest` uses), or
    /// the id of the provider organization whose private copy the document is. A namespace
    /// has its own manufacturer, product and product-version rows, so its newest revision
    /// never supersedes another namespace's; the same bytes are stored once per namespace.
    pub async fn ingest_in_namespace(
        &self,
        req: &IngestRequest<'_>,
        namespace: i64,
    ) -> Result<IngestOutcome, StoreError> {
        let sha256 = hex::encode(Sha256::digest(req.raw));
        if let Some(sbom_id) = self.sbom_id_in_namespace(&sha256, namespace).await? {
            return Ok(IngestOutcome::AlreadyStored(
                self.stored_sbom(sbom_id).await?,
            ));
        }
        let prepared = prepare(req)?;
        let compressed =
            zstd::bulk::compress(req.raw, ZSTD_LEVEL).map_err(|source| StoreError::Io {
                context: "cannot compress",
                path: req.source_name.unwrap_or("the document").into(),
                source,
            })?;
        let context = "storing the sbom";
        let mut tx = self
            .pool
            .begin_write()
            .await
            .map_err(|err| self.db_err(context, err))?;
        let stored = self
            .ingest_in(&mut tx, req, &prepared, &sha256, &compressed, namespace)
            .await?;
        let Some(stored) = stored else {
            drop(tx);
            let Some(sbom_id) = self.sbom_id_in_namespace(&sha256, namespace).await? else {
                return Err(StoreError::Corrupt {
                    db: self.name.clone(),
                    context: context.to_owned(),
                    message: format!("sha256 {sha256} conflicted but is not stored"),
                });
            };
            return Ok(IngestOutcome::AlreadyStored(
                self.stored_sbom(sbom_id).await?,
            ));
        };
        tx.commit().await.map_err(|err| self.db_err(context, err))?;
        Ok(IngestOutcome::Stored(stored))
    }

    /// The id of the document with these bytes in the shared namespace, if stored.
    pub async fn sbom_id_by_sha256(&self, sha256: &str) -> Result<Option<i64>, StoreError> {
        self.sbom_id_in_namespace(sha256, SHARED_NAMESPACE).await
    }

    /// The id of the document with these bytes in `namespace`, if stored.
    pub async fn sbom_id_in_namespace(
        &self,
        sha256: &str,
        namespace: i64,
    ) -> Result<Option<i64>, StoreError> {
        let context = "looking up the sbom's sha-256";
        let row = self
            .pool
            .fetch_optional(
                "SELECT id FROM sboms WHERE sha256 = $1 AND namespace = $2",
                &[Param::Text(Some(sha256)), Param::Int(Some(namespace))],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        row.map(|row| row.int(0))
            .transpose()
            .map_err(|err| self.shape_err(context, err))
    }

    /// Where a stored document is filed.
    pub async fn stored_sbom(&self, sbom_id: i64) -> Result<StoredSbom, StoreError> {
        let context = "reading a stored sbom";
        let row = self
            .pool
            .fetch_optional(
                "SELECT s.id, o.name, p.name, pv.version, s.revision, s.n_components \
                 FROM sboms s \
                 JOIN product_versions pv ON pv.id = s.product_version_id \
                 JOIN products p ON p.id = pv.product_id \
                 JOIN organizations o ON o.id = p.organization_id \
                 WHERE s.id = $1",
                &[Param::Int(Some(sbom_id))],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        let Some(row) = row else {
            return Err(StoreError::NotFound(format!("sbom #{sbom_id}")));
        };
        let shape = |err| self.shape_err(context, err);
        Ok(StoredSbom {
            sbom_id: row.int(0).map_err(shape)?,
            manufacturer: row.text(1).map_err(shape)?,
            product: row.text(2).map_err(shape)?,
            product_version: row.text(3).map_err(shape)?,
            revision: row.int(4).map_err(shape)?,
            n_components: usize::try_from(row.int(5).map_err(shape)?).unwrap_or(0),
        })
    }

    /// The exact bytes of a stored document, decompressed.
    pub async fn sbom_bytes(&self, sbom_id: i64) -> Result<Vec<u8>, StoreError> {
        let context = "reading the stored bytes";
        let row = self
            .pool
            .fetch_optional(
                "SELECT b.data, s.raw_size FROM sbom_contents b JOIN sboms s ON s.id = b.sbom_id \
                 WHERE b.sbom_id = $1",
                &[Param::Int(Some(sbom_id))],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        let Some(row) = row else {
            return Err(StoreError::NotFound(format!("sbom #{sbom_id}")));
        };
        let data = row.bytes(0).map_err(|err| self.shape_err(context, err))?;
        let raw_size = row.int(1).map_err(|err| self.shape_err(context, err))?;
        let capacity = usize::try_from(raw_size).unwrap_or(0);
        zstd::bulk::decompress(&data, capacity).map_err(|err| StoreError::Corrupt {
            db: self.name.clone(),
            context: context.to_owned(),
            message: format!("sbom #{sbom_id}: cannot decompress: {err}"),
        })
    }

    /// The transaction body; `None` when the bytes turn out to be stored already (another
    /// ingest won the race), in which case the caller rolls back.
    async fn ingest_in(
        &self,
        tx: &mut Tx,
        req: &IngestRequest<'_>,
        prepared: &Prepared<'_>,
        sha256: &str,
        compressed: &[u8],
        namespace: i64,
    ) -> Result<Option<StoredSbom>, StoreError> {
        let err = |context: &'static str| move |err| self.db_err(context, err);
        let shape = |context: &'static str| move |err| self.shape_err(context, err);

        let context = "storing the manufacturer";
        let organization_id = find_or_create(
            tx,
            "SELECT id FROM organizations WHERE kind = 'manufacturer' AND name = $1 \
             AND namespace = $2",
            &[
                Param::Text(Some(&prepared.manufacturer)),
                Param::Int(Some(namespace)),
            ],
            "INSERT INTO organizations (kind, name, namespace) VALUES ('manufacturer', $1, $2) \
             ON CONFLICT (kind, name, namespace) DO NOTHING",
            &[
                Param::Text(Some(&prepared.manufacturer)),
                Param::Int(Some(namespace)),
            ],
        )
        .await
        .map_err(err(context))?
        .map_err(shape(context))?;

        let context = "storing the product";
        let product_id = find_or_create(
            tx,
            "SELECT id FROM products WHERE organization_id = $1 AND name = $2",
            &[
                Param::Int(Some(organization_id)),
                Param::Text(Some(&prepared.product)),
            ],
            "INSERT INTO products (organization_id, name) VALUES ($1, $2) \
             ON CONFLICT (organization_id, name) DO NOTHING",
            &[
                Param::Int(Some(organization_id)),
                Param::Text(Some(&prepared.product)),
            ],
        )
        .await
        .map_err(err(context))?
        .map_err(shape(context))?;

        let context = "storing the product version";
        let product_version_id = find_or_create(
            tx,
            "SELECT id FROM product_versions WHERE product_id = $1 AND version = $2",
            &[
                Param::Int(Some(product_id)),
                Param::Text(Some(&prepared.product_version)),
            ],
            "INSERT INTO product_versions (organization_id, product_id, version) \
             VALUES ($1, $2, $3) ON CONFLICT (product_id, version) DO NOTHING",
            &[
                Param::Int(Some(organization_id)),
                Param::Int(Some(product_id)),
                Param::Text(Some(&prepared.product_version)),
            ],
        )
        .await
        .map_err(err(context))?
        .map_err(shape(context))?;
        // Taking the row lock here serializes revisions of one product version.
        let revision = fetch_id(
            tx,
            "UPDATE product_versions SET last_revision = last_revision + 1 WHERE id = $1 \
             RETURNING last_revision",
            &[Param::Int(Some(product_version_id))],
        )
        .await
        .map_err(err(context))?
        .map_err(shape(context))?;

        let context = "storing the sbom";
        let sbom = req.sbom;
        let n_components = i64::try_from(prepared.components.len()).unwrap_or(i64::MAX);
        let n_relationships = i64::try_from(prepared.relationships.len()).unwrap_or(i64::MAX);
        let raw_size = i64::try_from(req.raw.len()).unwrap_or(i64::MAX);
        let bom_version = sbom.version.and_then(|v| i64::try_from(v).ok());
        let row = tx
            .fetch_optional(
                "INSERT INTO sboms (organization_id, product_version_id, revision, format, \
                 spec_version, sha256, raw_size, serial_number, bom_version, sbom_timestamp, \
                 source_name, ingested_by, n_components, n_relationships, check_results, \
                 namespace) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 ON CONFLICT (sha256, namespace) DO NOTHING RETURNING id",
                &[
                    Param::Int(Some(organization_id)),
                    Param::Int(Some(product_version_id)),
                    Param::Int(Some(revision)),
                    Param::Text(Some(req.format)),
                    Param::Text(Some(req.spec_version)),
                    Param::Text(Some(sha256)),
                    Param::Int(Some(raw_size)),
                    Param::Text(sbom.serial_number.as_deref()),
                    Param::Int(bom_version),
                    Param::Text(sbom.timestamp.as_deref()),
                    Param::Text(req.source_name),
                    Param::Text(Some(req.ingested_by)),
                    Param::Int(Some(n_components)),
                    Param::Int(Some(n_relationships)),
                    Param::Text(req.check_results),
                    Param::Int(Some(namespace)),
                ],
            )
            .await
            .map_err(err(context))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let sbom_id = row.int(0).map_err(shape(context))?;
        tx.execute(
            "INSERT INTO sbom_contents (sbom_id, compression, data) VALUES ($1, 'zstd', $2)",
            &[Param::Int(Some(sbom_id)), Param::Bytes(compressed)],
        )
        .await
        .map_err(err(context))?;

        let package_ids = self.store_packages(tx, &prepared.packages).await?;
        self.store_components(tx, req, prepared, &package_ids, sbom_id, organization_id)
            .await?;
        self.store_relationships(tx, prepared, sbom_id, organization_id)
            .await?;
        self.store_milestones(tx, prepared, sbom_id, organization_id)
            .await?;

        let context = "updating the product version";
        tx.execute(
            "UPDATE product_versions SET latest_sbom_id = $1 WHERE id = $2",
            &[
                Param::Int(Some(sbom_id)),
                Param::Int(Some(product_version_id)),
            ],
        )
        .await
        .map_err(err(context))?;

        Ok(Some(StoredSbom {
            sbom_id,
            manufacturer: prepared.manufacturer.clone(),
            product: prepared.product.clone(),
            product_version: prepared.product_version.clone(),
            revision,
            n_components: prepared.components.len(),
        }))
    }

    /// Finds or creates the `packages` rows; returns their ids in the order of `packages`.
    ///
    /// Existing rows are looked up first (the common case once a portfolio is loaded); the
    /// missing ones are inserted in key order, so that concurrent PostgreSQL ingests take
    /// index locks in the same order, with `ON CONFLICT DO NOTHING … RETURNING` and a second
    /// lookup for the rows a concurrent ingest inserted meanwhile.
    async fn store_packages(
        &self,
        tx: &mut Tx,
        packages: &[PackageIdentity],
    ) -> Result<Vec<i64>, StoreError> {
        let context = "storing packages";
        let mut ids: HashMap<&str, i64> = HashMap::with_capacity(packages.len());
        let keys: Vec<&str> = packages.iter().map(|p| p.key.as_str()).collect();
        self.lookup_packages(tx, &keys, &mut ids).await?;
        let mut missing: Vec<&PackageIdentity> = packages
            .iter()
            .filter(|p| !ids.contains_key(p.key.as_str()))
            .collect();
        if !missing.is_empty() {
            missing.sort_by(|a, b| a.key.cmp(&b.key));
            const COLUMNS: [(&str, Column); 9] = [
                ("key", Column::Text),
                ("kind", Column::Text),
                ("purl", Column::Text),
                ("purl_type", Column::Text),
                ("purl_key", Column::Text),
                ("name", Column::Text),
                ("version", Column::Text),
                ("cpe", Column::Text),
                ("supplier", Column::Text),
            ];
            let insert = Insert {
                table: "packages",
                columns: &COLUMNS,
                suffix: "ON CONFLICT (key) DO NOTHING RETURNING id, key",
            };
            let mut rows = Rows::with_capacity(COLUMNS.len(), missing.len());
            for package in &missing {
                rows.text(Some(&package.key));
                rows.text(Some(package.kind.as_str()));
                rows.text(package.purl.as_deref());
                rows.text(package.purl_type.as_deref());
                rows.text(package.purl_key.as_deref());
                rows.text(Some(&package.name));
                rows.text(package.version.as_deref());
                rows.text(package.cpe.as_deref());
                rows.text(package.supplier.as_deref());
            }
            let inserted = tx
                .insert_rows(&insert, &rows, |_| {})
                .await
                .map_err(|err| self.db_err(context, err))?;
            self.collect_ids(context, &inserted, &keys, &mut ids)?;
            // Rows a concurrent ingest inserted between the look-up and the insert.
            let raced: Vec<&str> = missing
                .iter()
                .map(|p| p.key.as_str())
                .filter(|key| !ids.contains_key(key))
                .collect();
            if !raced.is_empty() {
                self.lookup_packages(tx, &raced, &mut ids).await?;
            }
        }
        let mut res = Vec::with_capacity(packages.len());
        for package in packages {
            let Some(id) = ids.get(package.key.as_str()) else {
                return Err(StoreError::Corrupt {
                    db: self.name.clone(),
                    context: context.to_owned(),
                    message: format!("package {} was inserted but cannot be found", package.key),
                });
            };
            res.push(*id);
        }
        Ok(res)
    }

    async fn lookup_packages<'k>(
        &self,
        tx: &mut Tx,
        keys: &[&'k str],
        ids: &mut HashMap<&'k str, i64>,
    ) -> Result<(), StoreError> {
        let context = "looking up packages";
        let rows = tx
            .fetch_where_in("SELECT id, key FROM packages WHERE key", keys)
            .await
            .map_err(|err| self.db_err(context, err))?;
        self.collect_ids(context, &rows, keys, ids)
    }

    /// Records the `(id, key)` rows whose key is one of `keys`.
    fn collect_ids<'k>(
        &self,
        context: &str,
        rows: &[crate::db::Row],
        keys: &[&'k str],
        ids: &mut HashMap<&'k str, i64>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let by_key: HashMap<&str, &'k str> = keys.iter().map(|key| (*key, *key)).collect();
        for row in rows {
            let id = row.int(0).map_err(|err| self.shape_err(context, err))?;
            let key = row
                .text_ref(1)
                .map_err(|err| self.shape_err(context, err))?;
            if let Some(key) = by_key.get(key) {
                ids.insert(key, id);
            }
        }
        Ok(())
    }

    async fn store_components(
        &self,
        tx: &mut Tx,
        req: &IngestRequest<'_>,
        prepared: &Prepared<'_>,
        package_ids: &[i64],
        sbom_id: i64,
        organization_id: i64,
    ) -> Result<(), StoreError> {
        let context = "storing components";
        const COLUMNS: [(&str, Column); 18] = [
            ("sbom_id", Column::Int),
            ("idx", Column::Int),
            ("organization_id", Column::Int),
            ("package_id", Column::Int),
            ("bom_ref", Column::Text),
            ("kind", Column::Text),
            ("group_name", Column::Text),
            ("name", Column::Text),
            ("version", Column::Text),
            ("supplier", Column::Text),
            ("purl", Column::Text),
            ("cpe", Column::Text),
            ("parent_idx", Column::Int),
            ("is_root", Column::Int),
            ("support_level", Column::Text),
            ("support_text", Column::Text),
            ("eos_text", Column::Text),
            ("eos_date", Column::Text),
        ];
        let insert = Insert {
            table: "sbom_components",
            columns: &COLUMNS,
            suffix: "",
        };
        let mut rows = Rows::with_capacity(COLUMNS.len(), prepared.components.len());
        for (idx, row) in prepared.components.iter().enumerate() {
            let component = row.component;
            let support = &component.support;
            rows.int(Some(sbom_id));
            rows.int(i64::try_from(idx).ok());
            rows.int(Some(organization_id));
            rows.int(package_ids.get(row.package).copied());
            rows.text(Some(&component.bom_ref));
            rows.text(Some(component.kind.as_str()));
            rows.text(component.extra.group.as_deref());
            rows.text(Some(&component.name));
            rows.text(component.version.as_deref());
            rows.text(component.supplier.as_ref().map(|s| s.name.as_str()));
            rows.text(row.written_purl);
            rows.text(row.cpe.as_deref());
            rows.int(row.parent_idx);
            rows.int(Some(i64::from(row.is_root)));
            rows.text(support.level.map(|level| level.as_str()));
            rows.text(support.level_text.as_deref());
            rows.text(support.end_of_support.as_ref().map(|m| m.text.as_str()));
            rows.text(row.eos_date.as_deref());
        }
        let progress = |n_written: usize| {
            if let Some(progress) = req.progress {
                progress(n_written);
            }
        };
        tx.insert_rows(&insert, &rows, progress)
            .await
            .map_err(|err| self.db_err(context, err))?;
        Ok(())
    }

    async fn store_relationships(
        &self,
        tx: &mut Tx,
        prepared: &Prepared<'_>,
        sbom_id: i64,
        organization_id: i64,
    ) -> Result<(), StoreError> {
        let context = "storing relationships";
        const COLUMNS: [(&str, Column); 8] = [
            ("sbom_id", Column::Int),
            ("organization_id", Column::Int),
            ("from_idx", Column::Int),
            ("to_idx", Column::Int),
            ("from_ref", Column::Text),
            ("to_ref", Column::Text),
            ("kind", Column::Text),
            ("original", Column::Text),
        ];
        let insert = Insert {
            table: "sbom_relationships",
            columns: &COLUMNS,
            suffix: "",
        };
        let mut rows = Rows::with_capacity(COLUMNS.len(), prepared.relationships.len());
        for row in &prepared.relationships {
            rows.int(Some(sbom_id));
            rows.int(Some(organization_id));
            rows.int(row.from_idx);
            rows.int(row.to_idx);
            rows.text(row.from_ref);
            rows.text(row.to_ref);
            rows.text(Some(row.kind));
            rows.text(row.original);
        }
        tx.insert_rows(&insert, &rows, |_| {})
            .await
            .map_err(|err| self.db_err(context, err))?;
        Ok(())
    }

    async fn store_milestones(
        &self,
        tx: &mut Tx,
        prepared: &Prepared<'_>,
        sbom_id: i64,
        organization_id: i64,
    ) -> Result<(), StoreError> {
        let context = "storing support milestones";
        const COLUMNS: [(&str, Column); 6] = [
            ("sbom_id", Column::Int),
            ("organization_id", Column::Int),
            ("component_idx", Column::Int),
            ("name", Column::Text),
            ("text", Column::Text),
            ("date", Column::Text),
        ];
        let insert = Insert {
            table: "support_milestones",
            columns: &COLUMNS,
            suffix: "",
        };
        let mut rows = Rows::with_capacity(COLUMNS.len(), prepared.milestones.len());
        for row in &prepared.milestones {
            rows.int(Some(sbom_id));
            rows.int(Some(organization_id));
            rows.int(Some(row.component_idx));
            rows.text(Some(row.name));
            rows.text(Some(row.text));
            rows.text(row.date.as_deref());
        }
        tx.insert_rows(&insert, &rows, |_| {})
            .await
            .map_err(|err| self.db_err(context, err))?;
        Ok(())
    }
}

/// The id `select` finds; when it finds none, runs `insert` (an `INSERT … ON CONFLICT DO
/// NOTHING`, in case a concurrent ingest inserts the same row) and selects again.
async fn find_or_create(
    tx: &mut Tx,
    select: &str,
    select_params: &[Param<'_>],
    insert: &str,
    insert_params: &[Param<'_>],
) -> Result<Result<i64, crate::db::ShapeError>, sqlx::Error> {
    if let Some(row) = tx.fetch_optional(select, select_params).await? {
        return Ok(row.int(0));
    }
    tx.execute(insert, insert_params).await?;
    fetch_id(tx, select, select_params).await
}

/// Runs a statement that returns one integer (an id); a missing row is a shape error.
async fn fetch_id(
    tx: &mut Tx,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Result<i64, crate::db::ShapeError>, sqlx::Error> {
    let row = tx.fetch_optional(sql, params).await?;
    Ok(match row {
        Some(row) => row.int(0),
        None => Err(crate::db::ShapeError(format!(
            "no row returned by {}",
            sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
        ))),
    })
}

/// The manufacturer an ingest files `sbom` under: `given` when not blank, else the first
/// asserted name of the document's manufacturer, its supplier, the root component's
/// manufacturer or supplier, else `unknown`. The server uses it to check an upload's tenant
/// before ingesting.
#[must_use]
pub fn filing_manufacturer(given: Option<&str>, sbom: &medsbom_model::Sbom) -> String {
    let root = sbom.root_components().next();
    let asserted = |party: Option<&medsbom_model::Party>| {
        party
            .filter(|party| party.is_asserted())
            .map(|party| party.name.trim().to_owned())
            .filter(|name| !name.is_empty())
    };
    non_empty(given)
        .map(str::to_owned)
        .or_else(|| asserted(sbom.manufacturer.as_ref()))
        .or_else(|| asserted(sbom.supplier.as_ref()))
        .or_else(|| asserted(root.and_then(|r| r.extra.manufacturer.as_ref())))
        .or_else(|| asserted(root.and_then(|r| r.supplier.as_ref())))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Where the document is filed, from the request or the document itself.
pub(crate) fn resolve_target(
    req: &IngestRequest<'_>,
) -> Result<(String, String, String), StoreError> {
    let sbom = req.sbom;
    let root = sbom.root_components().next();
    let manufacturer = filing_manufacturer(req.manufacturer, sbom);
    let product = non_empty(req.product)
        .or_else(|| non_empty(root.map(|r| r.name.as_str())))
        .or_else(|| non_empty(sbom.name.as_deref()))
        .or_else(|| non_empty(req.source_name))
        .map(str::to_owned);
    let Some(product) = product else {
        return Err(StoreError::NoProduct {
            source_name: req.source_name.unwrap_or("the document").to_owned(),
        });
    };
    let product_version = non_empty(req.product_version)
        .or_else(|| non_empty(root.and_then(|r| r.version.as_deref())))
        .unwrap_or("unspecified")
        .to_owned();
    Ok((manufacturer, product, product_version))
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

fn prepare<'a>(req: &'a IngestRequest<'a>) -> Result<Prepared<'a>, StoreError> {
    let (manufacturer, product, product_version) = resolve_target(req)?;
    let sbom = req.sbom;
    let mut idx_by_ref: HashMap<&str, i64> = HashMap::with_capacity(sbom.components.len());
    for (idx, component) in sbom.components.iter().enumerate() {
        if let Ok(idx) = i64::try_from(idx) {
            idx_by_ref.entry(component.bom_ref.as_str()).or_insert(idx);
        }
    }
    let mut packages: Vec<PackageIdentity> = Vec::new();
    let mut package_by_key: HashMap<String, usize> = HashMap::new();
    let mut components = Vec::with_capacity(sbom.components.len());
    let mut milestones = Vec::new();
    for (idx, component) in sbom.components.iter().enumerate() {
        let identity = package_identity(component);
        let written_purl = component
            .purl
            .as_deref()
            .filter(|written| identity.purl.as_deref() != Some(*written));
        // The identity's CPE is the component's canonical CPE; else the CPE as written.
        let cpe = identity
            .cpe
            .clone()
            .or_else(|| component.cpe().map(str::to_owned));
        let package = match package_by_key.get(&identity.key) {
            Some(slot) => *slot,
            None => {
                let slot = packages.len();
                package_by_key.insert(identity.key.clone(), slot);
                packages.push(identity);
                slot
            }
        };
        let support = &component.support;
        let eos_date = support
            .end_of_support
            .as_ref()
            .and_then(|m| m.date)
            .map(|date| date.to_string());
        let component_idx = i64::try_from(idx).unwrap_or(i64::MAX);
        for milestone in &support.milestones {
            milestones.push(MilestoneRow {
                component_idx,
                name: &milestone.name,
                text: &milestone.text,
                date: milestone.date.map(|date| date.to_string()),
            });
        }
        components.push(ComponentRow {
            component,
            package,
            written_purl,
            cpe,
            parent_idx: component
                .extra
                .parent
                .as_deref()
                .and_then(|parent| idx_by_ref.get(parent).copied()),
            is_root: sbom.roots.contains(&component.bom_ref),
            eos_date,
        });
    }
    let relationships = sbom
        .relationships
        .iter()
        .map(|relationship| {
            let from_idx = idx_by_ref.get(relationship.from.as_str()).copied();
            let to_idx = idx_by_ref.get(relationship.to.as_str()).copied();
            RelationshipRow {
                from_idx,
                to_idx,
                from_ref: from_idx.is_none().then_some(relationship.from.as_str()),
                to_ref: to_idx.is_none().then_some(relationship.to.as_str()),
                kind: relationship_kind(&relationship.kind),
                original: relationship.original.as_deref(),
            }
        })
        .collect();
    Ok(Prepared {
        manufacturer,
        product,
        product_version,
        packages,
        components,
        relationships,
        milestones,
    })
}

/// The stored spelling of a relationship kind.
fn relationship_kind(kind: &RelationshipKind) -> &str {
    match kind {
        RelationshipKind::DependsOn => "depends-on",
        RelationshipKind::Contains => "contains",
        RelationshipKind::Describes => "describes",
        RelationshipKind::Provides => "provides",
        RelationshipKind::Other(other) => other,
    }
}
