//! The inventory in the database: import (upsert by asset id or serial, in one
//! transaction, with a dry run), listing, changing and retiring assets, and linking them to
//! the stored product versions.
//!
//! An asset is linked to a product version when its `product` and `product_version` equal
//! a stored product's name and version (case-insensitive) and, when the asset names a
//! manufacturer, that manufacturer too. An asset without a manufacturer whose product and
//! version several manufacturers have stays unlinked (the import says so). Assets imported
//! before their SBOM are linked by the database when the product version is first stored
//! (the trigger of `0004_assets.sql`), and [`relink_assets`] links them again on demand.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::AssetError;
use crate::db::{AssetDb, Param, Row, Tx, placeholders, rows_per_statement};
use crate::model::{Asset, AssetChanges, Criticality, Exposure, Field};
use crate::parse::{ParsedInput, Rejection, RowRef, cap_warnings};

/// How [`import_assets`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions<'a> {
    /// The organization (healthcare provider) the assets belong to; created when new.
    pub organization: &'a str,
    /// Check and report everything, then roll back instead of committing.
    pub dry_run: bool,
}

/// What happened to one imported row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// A new asset.
    Created,
    /// An existing asset with changed values.
    Updated,
    /// An existing asset whose values were already these.
    Unchanged,
}

impl RowAction {
    /// `created`, `updated`, `unchanged`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RowAction::Created => "created",
            RowAction::Updated => "updated",
            RowAction::Unchanged => "unchanged",
        }
    }
}

/// One imported row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// Where it is in the file.
    pub at: RowRef,
    /// The asset it created or updated.
    pub asset_id: String,
    /// What happened.
    pub action: RowAction,
    /// Whether the asset is linked to a stored product version afterwards.
    pub linked: bool,
}

/// A product version named by assets that is not (or not unambiguously) in the store.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnknownProductVersion {
    /// Manufacturer as the assets write it.
    pub manufacturer: Option<String>,
    /// Product as the assets write it.
    pub product: String,
    /// Version as the assets write it.
    pub product_version: String,
    /// How many assets name it.
    pub n_assets: usize,
    /// Why it is not linked: `not stored`, or the manufacturers to choose from.
    pub reason: String,
}

/// The result of [`import_assets`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The imported rows, in file order.
    pub outcomes: Vec<RowOutcome>,
    /// The rejected rows, in file order (from reading the file and from the database).
    pub rejected: Vec<Rejection>,
    /// Remarks that do not reject a row.
    pub warnings: Vec<String>,
    /// Product versions the imported rows name that could not be linked.
    pub unknown_product_versions: Vec<UnknownProductVersion>,
    /// Whether nothing was stored (a dry run).
    pub dry_run: bool,
}

impl ImportReport {
    /// Rows that created an asset.
    #[must_use]
    pub fn n_created(&self) -> usize {
        self.count(RowAction::Created)
    }

    /// Rows that changed an asset.
    #[must_use]
    pub fn n_updated(&self) -> usize {
        self.count(RowAction::Updated)
    }

    /// Rows that matched an asset without changing it.
    #[must_use]
    pub fn n_unchanged(&self) -> usize {
        self.count(RowAction::Unchanged)
    }

    fn count(&self, action: RowAction) -> usize {
        self.outcomes.iter().filter(|o| o.action == action).count()
    }
}

/// Which assets [`list_assets`] returns; every filter that is set must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFilter {
    /// The organization.
    pub organization: String,
    /// Site (case-insensitive).
    pub site: Option<String>,
    /// Ward or department (case-insensitive).
    pub department: Option<String>,
    /// Product name (case-insensitive).
    pub product: Option<String>,
    /// Patient-safety criticality.
    pub criticality: Option<Criticality>,
    /// Only assets not linked to a stored product version.
    pub unlinked_only: bool,
    /// Retired assets too.
    pub include_retired: bool,
    /// At most this many.
    pub limit: Option<usize>,
}

/// An asset in memory during an import.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    /// The database row id, `None` for a new asset.
    id: Option<i64>,
    asset_id: String,
    values: BTreeMap<Field, String>,
    custom: BTreeMap<String, String>,
    product_version_id: Option<i64>,
    retired: bool,
}

/// The stored product versions by lowercase (product, version): (lowercase
/// manufacturer, manufacturer, id).
struct ProductVersionIndex {
    /// By lower-case (product, version): the stored product versions with that name.
    by_name: HashMap<(String, String), Vec<IndexedVersion>>,
}

/// One stored product version in a [`ProductVersionIndex`].
struct IndexedVersion {
    manufacturer_lower: String,
    manufacturer: String,
    id: i64,
    /// The store's namespace: 0 shared, else the provider organization whose private
    /// upload it is (see medsbom-store's `ingest_in_namespace`).
    namespace: i64,
}

/// How an asset's product fields resolve.
enum Resolution {
    Linked(i64),
    /// No product or version given.
    Unnamed,
    NotStored,
    /// Several manufacturers have it; their names.
    Ambiguous(Vec<String>),
}

/// The columns written for an asset besides `organization_id` and `asset_id`: every field
/// but the asset id, in [`Field::ALL`] order.
fn value_fields() -> impl Iterator<Item = Field> {
    Field::ALL.into_iter().filter(|f| *f != Field::AssetId)
}

/// Imports checked rows: each row updates the asset with its asset id (else the one asset
/// with its serial) or creates one, in one transaction that a dry run rolls back.
pub async fn import_assets(
    db: &AssetDb,
    input: &ParsedInput,
    options: &ImportOptions<'_>,
) -> Result<ImportReport, AssetError> {
    let context = "importing assets";
    let mut report = ImportReport {
        rejected: input.rejected.clone(),
        warnings: input.warnings.clone(),
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    let mut tx = db.begin(context).await?;
    let organization_id = ensure_organization(&mut tx, options.organization).await?;
    let mut records = load_records(&mut tx, organization_id).await?;
    let index = load_product_versions(&mut tx).await?;
    let mut by_asset_id: HashMap<String, usize> = HashMap::with_capacity(records.len());
    let mut by_serial: HashMap<String, Vec<usize>> = HashMap::new();
    for (idx, record) in records.iter().enumerate() {
        by_asset_id.insert(record.asset_id.clone(), idx);
        if let Some(serial) = record.values.get(&Field::Serial) {
            by_serial.entry(serial.clone()).or_default().push(idx);
        }
    }
    let original = records.clone();
    let mut unknown: BTreeMap<(Option<String>, String, String), (usize, String)> = BTreeMap::new();
    for row in &input.rows {
        let found = match (&row.asset_id, &row.serial) {
            (Some(asset_id), _) => by_asset_id.get(asset_id).copied(),
            (None, Some(serial)) => {
                let matches = by_serial.get(serial).map_or(&[][..], Vec::as_slice);
                match matches {
                    [idx] => Some(*idx),
                    [] => {
                        report.rejected.push(Rejection {
                            at: row.at,
                            asset_id: None,
                            reason: format!(
                                "no asset has serial {serial:?}; a new asset needs an asset_id"
                            ),
                        });
                        continue;
                    }
                    several => {
                        let ids: Vec<&str> = several
                            .iter()
                            .filter_map(|idx| records.get(*idx))
                            .map(|r| r.asset_id.as_str())
                            .collect();
                        report.rejected.push(Rejection {
                            at: row.at,
                            asset_id: None,
                            reason: format!(
                                "serial {serial:?} belongs to several assets ({}); give the \
                                 asset_id",
                                ids.join(", ")
                            ),
                        });
                        continue;
                    }
                }
            }
            (None, None) => continue,
        };
        let idx = match found {
            Some(idx) => idx,
            None => {
                let Some(asset_id) = row.asset_id.clone() else {
                    continue;
                };
                if let Some(serial) = &row.serial
                    && let Some(others) = by_serial.get(serial)
                {
                    let ids: Vec<&str> = others
                        .iter()
                        .filter_map(|idx| records.get(*idx))
                        .map(|r| r.asset_id.as_str())
                        .collect();
                    report.warnings.push(format!(
                        "{}: new asset {asset_id} has serial {serial:?} of {}",
                        row.at,
                        ids.join(", ")
                    ));
                }
                records.push(Record {
                    id: None,
                    asset_id: asset_id.clone(),
                    values: BTreeMap::new(),
                    custom: BTreeMap::new(),
                    product_version_id: None,
                    retired: false,
                });
                let idx = records.len() - 1;
                by_asset_id.insert(asset_id, idx);
                idx
            }
        };
        let Some(record) = records.get_mut(idx) else {
            continue;
        };
        let old_serial = record.values.get(&Field::Serial).cloned();
        let product_changed = apply_changes(record, &row.changes);
        if record.retired {
            report.warnings.push(format!(
                "{}: asset {} is retired; updated anyway",
                row.at, record.asset_id
            ));
        }
        if product_changed || record.id.is_none() {
            let resolution = index.resolve(organization_id, &record.values);
            record.product_version_id = match &resolution {
                Resolution::Linked(id) => Some(*id),
                _ => None,
            };
            note_unknown(&mut unknown, &record.values, &resolution);
        } else if record.product_version_id.is_none() {
            note_unknown(
                &mut unknown,
                &record.values,
                &index.resolve(organization_id, &record.values),
            );
        }
        let new_serial = record.values.get(&Field::Serial).cloned();
        if old_serial != new_serial {
            if let Some(old) = old_serial
                && let Some(list) = by_serial.get_mut(&old)
            {
                list.retain(|other| *other != idx);
            }
            if let Some(new) = new_serial {
                by_serial.entry(new).or_default().push(idx);
            }
        }
        let action = match original.get(idx) {
            None => RowAction::Created,
            Some(before) if before == &*record => RowAction::Unchanged,
            Some(_) => RowAction::Updated,
        };
        // A second row for an asset created earlier in the file is still "created".
        let action = match (action, record.id) {
            (RowAction::Unchanged | RowAction::Updated, None) => RowAction::Created,
            (action, _) => action,
        };
        report.outcomes.push(RowOutcome {
            at: row.at,
            asset_id: record.asset_id.clone(),
            action,
            linked: record.product_version_id.is_some(),
        });
    }
    write_records(&mut tx, organization_id, &records, &original).await?;
    report.unknown_product_versions = unknown
        .into_iter()
        .map(
            |((manufacturer, product, product_version), (n_assets, reason))| {
                UnknownProductVersion {
                    manufacturer,
                    product,
                    product_version,
                    n_assets,
                    reason,
                }
            },
        )
        .collect();
    report.rejected.sort_by_key(|r| r.at);
    cap_warnings(&mut report.warnings);
    if options.dry_run {
        tx.rollback(context).await?;
    } else {
        tx.commit(context).await?;
    }
    Ok(report)
}

/// One asset of the organization.
pub async fn get_asset(
    db: &AssetDb,
    organization: &str,
    asset_id: &str,
) -> Result<Asset, AssetError> {
    let context = "reading an asset";
    let sql = format!(
        "{} WHERE o.name = $1 AND o.kind = 'provider' AND a.asset_id = $2",
        select_assets_sql()
    );
    let rows = db
        .fetch_all(
            context,
            &sql,
            &[Param::Text(Some(organization)), Param::Text(Some(asset_id))],
        )
        .await?;
    match rows.first() {
        Some(row) => asset_from_row(row).map_err(|message| db.corrupt(context, message)),
        None => Err(AssetError::NotFound(format!(
            "asset {asset_id:?} of {organization} not found; list them with medsbom assets list"
        ))),
    }
}

/// The assets that pass the filter, by site, ward and asset id.
pub async fn list_assets(db: &AssetDb, filter: &AssetFilter) -> Result<Vec<Asset>, AssetError> {
    let context = "listing assets";
    let mut sql = format!(
        "{} WHERE o.name = $1 AND o.kind = 'provider'",
        select_assets_sql()
    );
    let mut params = vec![Param::Text(Some(&filter.organization))];
    let text_filters = [
        ("site", filter.site.as_deref()),
        ("department", filter.department.as_deref()),
        ("product", filter.product.as_deref()),
        ("criticality", filter.criticality.map(Criticality::as_str)),
    ];
    for (column, value) in text_filters {
        let Some(value) = value else {
            continue;
        };
        params.push(Param::Text(Some(value)));
        sql.push_str(&format!(
            " AND lower(a.{column}) = lower(${})",
            params.len()
        ));
    }
    if filter.unlinked_only {
        sql.push_str(" AND a.product_version_id IS NULL");
    }
    if !filter.include_retired {
        sql.push_str(" AND a.retired_at IS NULL");
    }
    sql.push_str(" ORDER BY a.site, a.department, a.asset_id");
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let rows = db.fetch_all(context, &sql, &params).await?;
    rows.iter()
        .map(|row| asset_from_row(row).map_err(|message| db.corrupt(context, message)))
        .collect()
}

/// Changes fields of one asset (re-linking it when its manufacturer, product or version
/// change) and returns it as stored.
pub async fn set_asset(
    db: &AssetDb,
    organization: &str,
    asset_id: &str,
    changes: &AssetChanges,
) -> Result<Asset, AssetError> {
    let context = "changing an asset";
    let mut tx = db.begin(context).await?;
    let organization_id = find_organization(&mut tx, organization).await?;
    let records = load_records(&mut tx, organization_id).await?;
    let Some(mut record) = records.into_iter().find(|r| r.asset_id == asset_id) else {
        return Err(AssetError::NotFound(format!(
            "asset {asset_id:?} of {organization} not found"
        )));
    };
    let before = record.clone();
    if apply_changes(&mut record, changes) {
        let index = load_product_versions(&mut tx).await?;
        record.product_version_id = match index.resolve(organization_id, &record.values) {
            Resolution::Linked(id) => Some(id),
            _ => None,
        };
    }
    write_records(&mut tx, organization_id, &[record], &[before]).await?;
    tx.commit(context).await?;
    get_asset(db, organization, asset_id).await
}

/// Marks an asset retired (it then no longer shows in listings and impact), adding
/// `reason` to its notes. Retiring a retired asset changes nothing.
pub async fn retire_asset(
    db: &AssetDb,
    organization: &str,
    asset_id: &str,
    reason: Option<&str>,
) -> Result<Asset, AssetError> {
    let context = "retiring an asset";
    let asset = get_asset(db, organization, asset_id).await?;
    if asset.retired_at.is_some() {
        return Ok(asset);
    }
    let notes = match (asset.get(Field::Notes), reason.map(str::trim)) {
        (_, None | Some("")) => asset.get(Field::Notes).map(str::to_owned),
        (Some(notes), Some(reason)) => Some(format!("{notes}\nretired: {reason}")),
        (None, Some(reason)) => Some(format!("retired: {reason}")),
    };
    let now = db.now_sql();
    let sql = format!(
        "UPDATE assets SET retired_at = {now}, updated_at = {now}, notes = $1 \
         WHERE asset_id = $2 AND retired_at IS NULL AND organization_id = \
         (SELECT id FROM organizations WHERE kind = 'provider' AND name = $3)"
    );
    db.execute(
        context,
        &sql,
        &[
            Param::Text(notes.as_deref()),
            Param::Text(Some(asset_id)),
            Param::Text(Some(organization)),
        ],
    )
    .await?;
    get_asset(db, organization, asset_id).await
}

/// The product versions that the organization's active assets name but that are not linked
/// to a stored product version (to ingest their SBOMs, or to correct the inventory).
pub async fn unknown_product_versions(
    db: &AssetDb,
    organization: &str,
) -> Result<Vec<UnknownProductVersion>, AssetError> {
    let context = "listing unlinked product versions";
    let rows = db
        .fetch_all(
            context,
            "SELECT a.manufacturer, a.product, a.product_version, count(*), a.organization_id \
             FROM assets a JOIN organizations o ON o.id = a.organization_id \
             WHERE o.kind = 'provider' AND o.name = $1 AND a.product_version_id IS NULL \
             AND a.retired_at IS NULL AND a.product IS NOT NULL AND a.product_version IS NOT NULL \
             GROUP BY a.manufacturer, a.product, a.product_version, a.organization_id",
            &[Param::Text(Some(organization))],
        )
        .await?;
    let mut tx = db.begin(context).await?;
    let index = load_product_versions(&mut tx).await?;
    tx.rollback(context).await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<UnknownProductVersion, String> {
            let manufacturer = row.opt_text(0)?;
            let product = row.text(1)?;
            let product_version = row.text(2)?;
            let n_assets = usize::try_from(row.int(3)?).unwrap_or(0);
            let mut values = BTreeMap::new();
            if let Some(manufacturer) = &manufacturer {
                values.insert(Field::Manufacturer, manufacturer.clone());
            }
            values.insert(Field::Product, product.clone());
            values.insert(Field::ProductVersion, product_version.clone());
            let reason = match index.resolve(row.int(4)?, &values) {
                Resolution::Ambiguous(names) => ambiguous_reason(&names),
                _ => "not stored".to_owned(),
            };
            Ok(UnknownProductVersion {
                manufacturer,
                product,
                product_version,
                n_assets,
                reason,
            })
        };
        res.push(read().map_err(|message| db.corrupt(context, message))?);
    }
    res.sort();
    Ok(res)
}

/// Links every unlinked asset whose product version is now stored (the database does this
/// by itself when a product version is first stored; this catches up after a restore or a
/// manual change). Returns how many assets were linked.
pub async fn relink_assets(db: &AssetDb) -> Result<u64, AssetError> {
    let context = "linking assets to product versions";
    let mut tx = db.begin(context).await?;
    let index = load_product_versions(&mut tx).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT id, manufacturer, product, product_version, organization_id FROM assets \
             WHERE product_version_id IS NULL AND product IS NOT NULL \
             AND product_version IS NOT NULL",
            &[],
        )
        .await?;
    let mut n_linked = 0;
    for row in &rows {
        let read = || -> Result<(i64, BTreeMap<Field, String>, i64), String> {
            let mut values = BTreeMap::new();
            if let Some(manufacturer) = row.opt_text(1)? {
                values.insert(Field::Manufacturer, manufacturer);
            }
            values.insert(Field::Product, row.text(2)?);
            values.insert(Field::ProductVersion, row.text(3)?);
            Ok((row.int(0)?, values, row.int(4)?))
        };
        let (id, values, organization_id) =
            read().map_err(|message| tx.corrupt(context, message))?;
        if let Resolution::Linked(product_version_id) = index.resolve(organization_id, &values) {
            n_linked += tx
                .execute(
                    context,
                    "UPDATE assets SET product_version_id = $1 WHERE id = $2",
                    &[Param::Int(Some(product_version_id)), Param::Int(Some(id))],
                )
                .await?;
        }
    }
    tx.commit(context).await?;
    Ok(n_linked)
}

/// `SELECT` of every asset column, joined to its organization (alias `a`, `o`); the
/// column order is what [`asset_from_row`] reads.
pub(crate) fn select_assets_sql() -> String {
    let mut columns = vec!["o.name".to_owned(), "a.asset_id".to_owned()];
    columns.extend(value_fields().map(|f| format!("a.{}", f.as_str())));
    columns.extend(
        [
            "a.custom_fields",
            "a.product_version_id",
            "a.retired_at",
            "a.created_at",
            "a.updated_at",
        ]
        .map(str::to_owned),
    );
    format!(
        "SELECT {} FROM assets a JOIN organizations o ON o.id = a.organization_id",
        columns.join(", ")
    )
}

/// Reads a row of [`select_assets_sql`].
pub(crate) fn asset_from_row(row: &Row) -> Result<Asset, String> {
    let mut fields = BTreeMap::new();
    let mut criticality = None;
    let mut exposure = None;
    let mut idx = 2;
    for field in value_fields() {
        if let Some(value) = row.opt_text(idx)? {
            match field {
                Field::Criticality => {
                    criticality = Some(
                        Criticality::parse(&value)
                            .ok_or_else(|| format!("unknown criticality {value:?}"))?,
                    );
                }
                Field::Exposure => {
                    exposure = Some(
                        Exposure::parse(&value)
                            .ok_or_else(|| format!("unknown exposure {value:?}"))?,
                    );
                }
                other => {
                    fields.insert(other, value);
                }
            }
        }
        idx += 1;
    }
    let custom_fields = read_custom(row.opt_text(idx)?.as_deref())?;
    Ok(Asset {
        organization: row.text(0)?,
        asset_id: row.text(1)?,
        fields,
        criticality,
        exposure,
        custom_fields,
        product_version_id: row.opt_int(idx + 1)?,
        retired_at: row.opt_text(idx + 2)?,
        created_at: row.text(idx + 3)?,
        updated_at: row.text(idx + 4)?,
    })
}

fn read_custom(text: Option<&str>) -> Result<BTreeMap<String, String>, String> {
    match text {
        None => Ok(BTreeMap::new()),
        Some(text) => serde_json::from_str(text)
            .map_err(|err| format!("custom fields {text:?} are not a JSON object: {err}")),
    }
}

fn custom_text(custom: &BTreeMap<String, String>) -> Option<String> {
    if custom.is_empty() {
        return None;
    }
    serde_json::to_string(custom).ok()
}

/// Applies changes to a record; returns whether the manufacturer, product or version
/// changed (the link must be resolved again).
fn apply_changes(record: &mut Record, changes: &AssetChanges) -> bool {
    let mut product_changed = false;
    for (field, value) in &changes.fields {
        if *field == Field::AssetId {
            continue;
        }
        let before = record.values.get(field).cloned();
        match value {
            Some(value) => {
                record.values.insert(*field, value.clone());
            }
            None => {
                record.values.remove(field);
            }
        }
        let is_product = matches!(
            field,
            Field::Manufacturer | Field::Product | Field::ProductVersion
        );
        if is_product && before.as_ref() != value.as_ref() {
            product_changed = true;
        }
    }
    for (name, value) in &changes.custom_fields {
        match value {
            Some(value) => {
                record.custom.insert(name.clone(), value.clone());
            }
            None => {
                record.custom.remove(name);
            }
        }
    }
    product_changed
}

fn note_unknown(
    unknown: &mut BTreeMap<(Option<String>, String, String), (usize, String)>,
    values: &BTreeMap<Field, String>,
    resolution: &Resolution,
) {
    let reason = match resolution {
        Resolution::Linked(_) | Resolution::Unnamed => return,
        Resolution::NotStored => "not stored".to_owned(),
        Resolution::Ambiguous(names) => ambiguous_reason(names),
    };
    let (Some(product), Some(version)) = (
        values.get(&Field::Product),
        values.get(&Field::ProductVersion),
    ) else {
        return;
    };
    let key = (
        values.get(&Field::Manufacturer).cloned(),
        product.clone(),
        version.clone(),
    );
    unknown.entry(key).or_insert((0, reason)).0 += 1;
}

fn ambiguous_reason(manufacturers: &[String]) -> String {
    format!(
        "several manufacturers have it ({}); set the manufacturer",
        manufacturers.join(", ")
    )
}

impl ProductVersionIndex {
    /// The product version an asset of `organization_id` with these fields links to: one
    /// in the organization's own namespace when there is one, else a shared one.
    fn resolve(&self, organization_id: i64, values: &BTreeMap<Field, String>) -> Resolution {
        let (Some(product), Some(version)) = (
            values.get(&Field::Product),
            values.get(&Field::ProductVersion),
        ) else {
            return Resolution::Unnamed;
        };
        let key = (product.to_lowercase(), version.to_lowercase());
        let Some(candidates) = self.by_name.get(&key) else {
            return Resolution::NotStored;
        };
        let manufacturer = values.get(&Field::Manufacturer).map(|m| m.to_lowercase());
        let mut matching: Vec<&IndexedVersion> = candidates
            .iter()
            .filter(|v| v.namespace == 0 || v.namespace == organization_id)
            .filter(|v| {
                manufacturer
                    .as_ref()
                    .is_none_or(|m| *m == v.manufacturer_lower)
            })
            .collect();
        if organization_id != 0 && matching.iter().any(|v| v.namespace == organization_id) {
            matching.retain(|v| v.namespace == organization_id);
        }
        match matching.as_slice() {
            [] => Resolution::NotStored,
            [only] => Resolution::Linked(only.id),
            several => {
                let names: BTreeSet<String> =
                    several.iter().map(|v| v.manufacturer.clone()).collect();
                Resolution::Ambiguous(names.into_iter().collect())
            }
        }
    }
}

async fn ensure_organization(tx: &mut Tx, organization: &str) -> Result<i64, AssetError> {
    let context = "storing the organization";
    let name = organization.trim();
    if name.is_empty() {
        return Err(AssetError::Invalid {
            what: "organization",
            value: organization.to_owned(),
            reason: "empty".to_owned(),
        });
    }
    tx.execute(
        context,
        "INSERT INTO organizations (kind, name) VALUES ('provider', $1) \
         ON CONFLICT (kind, name, namespace) DO NOTHING",
        &[Param::Text(Some(name))],
    )
    .await?;
    find_organization(tx, name).await
}

async fn find_organization(tx: &mut Tx, organization: &str) -> Result<i64, AssetError> {
    let context = "looking up the organization";
    let rows = tx
        .fetch_all(
            context,
            "SELECT id FROM organizations WHERE kind = 'provider' AND name = $1 \
             AND namespace = 0",
            &[Param::Text(Some(organization.trim()))],
        )
        .await?;
    match rows.first() {
        Some(row) => row.int(0).map_err(|message| tx.corrupt(context, message)),
        None => Err(AssetError::NotFound(format!(
            "organization {organization:?} has no assets; import some with medsbom assets import"
        ))),
    }
}

async fn load_records(tx: &mut Tx, organization_id: i64) -> Result<Vec<Record>, AssetError> {
    let context = "reading the inventory";
    let sql = format!(
        "{} WHERE a.organization_id = $1 ORDER BY a.id",
        select_assets_sql().replacen("SELECT ", "SELECT a.id, ", 1)
    );
    let rows = tx
        .fetch_all(context, &sql, &[Param::Int(Some(organization_id))])
        .await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<Record, String> {
            let id = row.int(0)?;
            // The asset columns follow the id.
            let shifted = row.skip_first();
            let asset = asset_from_row(&shifted)?;
            let mut values = asset.fields.clone();
            if let Some(level) = asset.criticality {
                values.insert(Field::Criticality, level.as_str().to_owned());
            }
            if let Some(level) = asset.exposure {
                values.insert(Field::Exposure, level.as_str().to_owned());
            }
            Ok(Record {
                id: Some(id),
                asset_id: asset.asset_id,
                values,
                custom: asset.custom_fields,
                product_version_id: asset.product_version_id,
                retired: asset.retired_at.is_some(),
            })
        };
        res.push(read().map_err(|message| tx.corrupt(context, message))?);
    }
    Ok(res)
}

async fn load_product_versions(tx: &mut Tx) -> Result<ProductVersionIndex, AssetError> {
    let context = "reading the stored product versions";
    let rows = tx
        .fetch_all(
            context,
            "SELECT pv.id, o.name, p.name, pv.version, o.namespace FROM product_versions pv \
             JOIN products p ON p.id = pv.product_id \
             JOIN organizations o ON o.id = p.organization_id ORDER BY pv.id",
            &[],
        )
        .await?;
    let mut by_name: HashMap<(String, String), Vec<IndexedVersion>> = HashMap::new();
    for row in &rows {
        let read = || -> Result<(i64, String, String, String, i64), String> {
            Ok((
                row.int(0)?,
                row.text(1)?,
                row.text(2)?,
                row.text(3)?,
                row.int(4)?,
            ))
        };
        let (id, manufacturer, product, version, namespace) =
            read().map_err(|message| tx.corrupt(context, message))?;
        by_name
            .entry((product.to_lowercase(), version.to_lowercase()))
            .or_default()
            .push(IndexedVersion {
                manufacturer_lower: manufacturer.to_lowercase(),
                manufacturer,
                id,
                namespace,
            });
    }
    Ok(ProductVersionIndex { by_name })
}

/// Inserts the new records and updates the changed ones (`original` holds the records as
/// loaded, by the same index).
async fn write_records(
    tx: &mut Tx,
    organization_id: i64,
    records: &[Record],
    original: &[Record],
) -> Result<(), AssetError> {
    let context = "storing assets";
    let now = tx.now_sql();
    let fields: Vec<Field> = value_fields().collect();
    let mut columns = vec!["organization_id", "asset_id"];
    columns.extend(fields.iter().map(|f| f.as_str()));
    columns.extend(["custom_fields", "product_version_id"]);
    let new: Vec<&Record> = records.iter().filter(|r| r.id.is_none()).collect();
    let customs: Vec<Option<String>> = new.iter().map(|r| custom_text(&r.custom)).collect();
    // Few rows per statement: sqlx binds each SQLite parameter after looking its name up
    // in the statement's list, so a statement's binding costs the square of its parameters
    // (500 rows of 29 columns made a 100,000-asset import take four minutes).
    let rows_per_statement = rows_per_statement(columns.len());
    for (chunk_idx, chunk) in new.chunks(rows_per_statement).enumerate() {
        let mut params: Vec<Param<'_>> = Vec::with_capacity(chunk.len() * columns.len());
        for (idx, record) in chunk.iter().enumerate() {
            params.push(Param::Int(Some(organization_id)));
            params.push(Param::Text(Some(&record.asset_id)));
            for field in &fields {
                params.push(Param::Text(record.values.get(field).map(String::as_str)));
            }
            let custom = customs
                .get(chunk_idx * rows_per_statement + idx)
                .and_then(Option::as_deref);
            params.push(Param::Text(custom));
            params.push(Param::Int(record.product_version_id));
        }
        let sql = format!(
            "INSERT INTO assets ({}) VALUES {}",
            columns.join(", "),
            values_rows(chunk.len(), columns.len())
        );
        tx.execute(context, &sql, &params).await?;
    }
    let mut assignments: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(idx, f)| format!("{} = ${}", f.as_str(), idx + 1))
        .collect();
    let n = fields.len();
    assignments.push(format!("custom_fields = ${}", n + 1));
    assignments.push(format!("product_version_id = ${}", n + 2));
    assignments.push(format!("updated_at = {now}"));
    let update_sql = format!(
        "UPDATE assets SET {} WHERE id = ${}",
        assignments.join(", "),
        n + 3
    );
    for (idx, record) in records.iter().enumerate() {
        let Some(id) = record.id else {
            continue;
        };
        if original.get(idx) == Some(record) {
            continue;
        }
        let custom = custom_text(&record.custom);
        let mut params: Vec<Param<'_>> = Vec::with_capacity(n + 3);
        for field in &fields {
            params.push(Param::Text(record.values.get(field).map(String::as_str)));
        }
        params.push(Param::Text(custom.as_deref()));
        params.push(Param::Int(record.product_version_id));
        params.push(Param::Int(Some(id)));
        tx.execute(context, &update_sql, &params).await?;
    }
    Ok(())
}

/// `($1, …), (…)` for `n_rows` rows of `n_columns`.
fn values_rows(n_rows: usize, n_columns: usize) -> String {
    let mut res = String::with_capacity(n_rows * n_columns * 6);
    for row in 0..n_rows {
        if 0 < row {
            res.push_str(", ");
        }
        res.push('(');
        res.push_str(&placeholders(row * n_columns + 1, n_columns));
        res.push(')');
    }
    res
}
