//! The database side: product-version dates, endoflife.date import and the package links,
//! risk acceptances, and loading the [`Portfolio`] the pure functions work on.
//! Each writing function is one transaction.

use std::collections::HashMap;

use medsbom_feeds::eol::{EolIdentifier, EolProduct, EolRelease, EolValue, IdentifierKind};
use medsbom_model::{IsoDate, SupportLevel};

use crate::LifecycleError;
use crate::db::{LifecycleDb, Param, Row, Tx, insert_sql};
use crate::join::{EolIndex, MatchBasis, PackageRef, cpe_key, purl_key};
use crate::portfolio::{
    Acceptance, Asset, Decision, NoticeTexts, Portfolio, ProductVersionRecord, SubjectKind,
};
use crate::stage::{AnnouncedDate, DateSource, LifecycleDates};
use crate::support::{ComponentSupport, EvidenceSource, SupportEvidence, sbom_evidence};

/// Packages read per batch while linking.
const PACKAGE_BATCH: i64 = 2000;
/// Rows per multi-row `INSERT`.
const INSERT_CHUNK: usize = 200;

/// A stored product version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductVersionKey {
    /// `product_versions.id`.
    pub id: i64,
    /// The manufacturer's organization id.
    pub organization_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Version.
    pub version: String,
}

/// Finds the product version `product` `version` (of `manufacturer`, when given). It is an
/// error when none exists (ingest its SBOM first) or when several manufacturers have one.
pub async fn find_product_version(
    db: &LifecycleDb,
    product: &str,
    version: &str,
    manufacturer: Option<&str>,
) -> Result<ProductVersionKey, LifecycleError> {
    let context = "looking up a product version";
    let rows = db
        .fetch_all(
            context,
            "SELECT pv.id, pv.organization_id, o.name, p.name, pv.version \
             FROM product_versions pv JOIN products p ON p.id = pv.product_id \
             JOIN organizations o ON o.id = p.organization_id \
             WHERE p.name = $1 AND pv.version = $2 AND ($3 IS NULL OR o.name = $3) \
             ORDER BY o.name",
            &[
                Param::Text(Some(product)),
                Param::Text(Some(version)),
                Param::Text(manufacturer),
            ],
        )
        .await?;
    let mut found = Vec::new();
    for row in &rows {
        found.push(product_version_key(row).map_err(|message| db.corrupt(context, message))?);
    }
    match found.len() {
        0 => Err(LifecycleError::NotFound(match manufacturer {
            Some(manufacturer) => format!(
                "product version {product} {version} of {manufacturer} not found; ingest its SBOM first (medsbom ingest)"
            ),
            None => format!(
                "product version {product} {version} not found; ingest its SBOM first (medsbom ingest)"
            ),
        })),
        1 => found
            .pop()
            .ok_or_else(|| db.corrupt(context, "lost a row".to_owned())),
        _ => Err(LifecycleError::Invalid {
            what: "product",
            value: format!("{product} {version}"),
            reason: format!(
                "several manufacturers have it ({}); choose one with --manufacturer",
                found
                    .iter()
                    .map(|key| key.manufacturer.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

fn product_version_key(row: &Row) -> Result<ProductVersionKey, String> {
    Ok(ProductVersionKey {
        id: row.int(0)?,
        organization_id: row.int(1)?,
        manufacturer: row.text(2)?,
        product: row.text(3)?,
        version: row.text(4)?,
    })
}

/// New lifecycle dates for a product version: the dates given replace the stored ones
/// and get `announced` and `source`; the others are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleUpdate {
    /// Release (general availability) date.
    pub release: Option<IsoDate>,
    /// End-of-life date.
    pub eol: Option<IsoDate>,
    /// End-of-support date.
    pub eos: Option<IsoDate>,
    /// When the dates given here were announced.
    pub announced: Option<IsoDate>,
    /// Where the dates given here come from.
    pub source: DateSource,
    /// Upgrade paths (replacing the stored ones when not empty).
    pub upgrade_paths: Vec<String>,
    /// What support continues after EOL (replacing the stored text when given).
    pub support_after_eol: Option<String>,
    /// What support continues after EOS (replacing the stored text when given).
    pub support_after_eos: Option<String>,
}

/// Stores new lifecycle dates for `pv` and returns the dates and notice texts now stored.
/// Dates out of order (EOS before EOL, …) are rejected and nothing changes.
pub async fn set_lifecycle(
    db: &LifecycleDb,
    pv: &ProductVersionKey,
    update: &LifecycleUpdate,
) -> Result<(LifecycleDates, NoticeTexts), LifecycleError> {
    let context = "storing lifecycle dates";
    let mut tx = db.begin_write(context).await?;
    let rows = tx
        .fetch_all(
            context,
            &format!("{LIFECYCLE_COLUMNS} FROM product_version_lifecycle l WHERE l.product_version_id = $1"),
            &[Param::Int(Some(pv.id))],
        )
        .await?;
    let (mut dates, mut texts) = match rows.first() {
        Some(row) => lifecycle_of(row, 0).map_err(|message| db.corrupt(context, message))?,
        None => (LifecycleDates::default(), NoticeTexts::default()),
    };
    let announce = |date: IsoDate| AnnouncedDate {
        date,
        announced: update.announced,
        source: update.source,
    };
    if let Some(date) = update.release {
        dates.release = Some(announce(date));
    }
    if let Some(date) = update.eol {
        dates.eol = Some(announce(date));
    }
    if let Some(date) = update.eos {
        dates.eos = Some(announce(date));
    }
    if !update.upgrade_paths.is_empty() {
        texts.upgrade_paths.clone_from(&update.upgrade_paths);
    }
    if update.support_after_eol.is_some() {
        texts
            .support_after_eol
            .clone_from(&update.support_after_eol);
    }
    if update.support_after_eos.is_some() {
        texts
            .support_after_eos
            .clone_from(&update.support_after_eos);
    }
    if let Err(reason) = dates.check_order() {
        return Err(LifecycleError::Invalid {
            what: "lifecycle dates",
            value: format!("{} {}", pv.product, pv.version),
            reason,
        });
    }
    let text = |date: Option<IsoDate>| date.map(|d| d.to_string());
    let part = |milestone: Option<AnnouncedDate>| {
        (
            text(milestone.map(|m| m.date)),
            text(milestone.and_then(|m| m.announced)),
            milestone.map(|m| m.source.as_str()),
        )
    };
    let (release, release_announced, release_source) = part(dates.release);
    let (eol, eol_announced, eol_source) = part(dates.eol);
    let (eos, eos_announced, eos_source) = part(dates.eos);
    let upgrade_paths = match texts.upgrade_paths.is_empty() {
        true => None,
        false => Some(texts.upgrade_paths.join("\n")),
    };
    let now = now_sql(db);
    let sql = format!(
        "INSERT INTO product_version_lifecycle (product_version_id, organization_id, \
         release_date, release_announced, release_source, eol_date, eol_announced, eol_source, \
         eos_date, eos_announced, eos_source, support_after_eol, support_after_eos, upgrade_paths) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (product_version_id) DO UPDATE SET \
         release_date = excluded.release_date, release_announced = excluded.release_announced, \
         release_source = excluded.release_source, eol_date = excluded.eol_date, \
         eol_announced = excluded.eol_announced, eol_source = excluded.eol_source, \
         eos_date = excluded.eos_date, eos_announced = excluded.eos_announced, \
         eos_source = excluded.eos_source, support_after_eol = excluded.support_after_eol, \
         support_after_eos = excluded.support_after_eos, upgrade_paths = excluded.upgrade_paths, \
         updated_at = {now}"
    );
    tx.execute(
        context,
        &sql,
        &[
            Param::Int(Some(pv.id)),
            Param::Int(Some(pv.organization_id)),
            Param::Text(release.as_deref()),
            Param::Text(release_announced.as_deref()),
            Param::Text(release_source),
            Param::Text(eol.as_deref()),
            Param::Text(eol_announced.as_deref()),
            Param::Text(eol_source),
            Param::Text(eos.as_deref()),
            Param::Text(eos_announced.as_deref()),
            Param::Text(eos_source),
            Param::Text(texts.support_after_eol.as_deref()),
            Param::Text(texts.support_after_eos.as_deref()),
            Param::Text(upgrade_paths.as_deref()),
        ],
    )
    .await?;
    tx.commit(context).await?;
    Ok((dates, texts))
}

/// The lifecycle columns, in the order [`lifecycle_of`] reads them.
const LIFECYCLE_COLUMNS: &str = "SELECT l.release_date, l.release_announced, l.release_source, \
     l.eol_date, l.eol_announced, l.eol_source, l.eos_date, l.eos_announced, l.eos_source, \
     l.support_after_eol, l.support_after_eos, l.upgrade_paths";

/// Reads the twelve lifecycle columns starting at `first`.
fn lifecycle_of(row: &Row, first: usize) -> Result<(LifecycleDates, NoticeTexts), String> {
    let milestone = |idx: usize| -> Result<Option<AnnouncedDate>, String> {
        let Some(date) = opt_date(row, idx)? else {
            return Ok(None);
        };
        let source = match row.opt_text(idx + 2)? {
            Some(text) => DateSource::parse(&text)
                .ok_or_else(|| format!("column {}: unknown date source {text:?}", idx + 2))?,
            None => DateSource::Manual,
        };
        Ok(Some(AnnouncedDate {
            date,
            announced: opt_date(row, idx + 1)?,
            source,
        }))
    };
    let dates = LifecycleDates {
        release: milestone(first)?,
        eol: milestone(first + 3)?,
        eos: milestone(first + 6)?,
    };
    let texts = NoticeTexts {
        support_after_eol: row.opt_text(first + 9)?,
        support_after_eos: row.opt_text(first + 10)?,
        upgrade_paths: row
            .opt_text(first + 11)?
            .map(|text| {
                text.lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok((dates, texts))
}

fn opt_date(row: &Row, idx: usize) -> Result<Option<IsoDate>, String> {
    match row.opt_text(idx)? {
        None => Ok(None),
        Some(text) => IsoDate::parse(&text)
            .map(Some)
            .ok_or_else(|| format!("column {idx}: {text:?} is not a date")),
    }
}

fn date(row: &Row, idx: usize) -> Result<IsoDate, String> {
    opt_date(row, idx)?.ok_or_else(|| format!("column {idx}: missing date"))
}

fn now_sql(db: &LifecycleDb) -> &'static str {
    match db.is_postgres() {
        true => "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
        false => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    }
}

/// What [`import_eol`] stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EolImportSummary {
    /// Products stored (new or replaced).
    pub n_products: usize,
    /// Release cycles stored.
    pub n_releases: usize,
    /// Package links after relinking every stored package.
    pub n_links: usize,
}

/// Stores endoflife.date products (replacing a stored product of the same name with its
/// identifiers and releases), then joins every stored package to the products again. One
/// transaction. Called by `medsbom feeds import` for `Record::EndOfLife` records.
pub async fn import_eol(
    db: &LifecycleDb,
    products: &[EolProduct],
) -> Result<EolImportSummary, LifecycleError> {
    let context = "importing endoflife.date products";
    let mut tx = db.begin_write(context).await?;
    let mut summary = EolImportSummary::default();
    let now = now_sql(db);
    for product in products {
        let rows = tx
            .fetch_all(
                context,
                "SELECT id FROM eol_products WHERE name = $1",
                &[Param::Text(Some(&product.name))],
            )
            .await?;
        let existing = match rows.first() {
            Some(row) => Some(row.int(0).map_err(|message| db.corrupt(context, message))?),
            None => None,
        };
        let id = match existing {
            Some(id) => {
                tx.execute(
            context,
                    &format!("UPDATE eol_products SET label = $1, category = $2, imported_at = {now} WHERE id = $3"),
                    &[
                        Param::Text(Some(&product.label)),
                        Param::Text(product.category.as_deref()),
                        Param::Int(Some(id)),
                    ],
                )
                .await?;
                for table in ["eol_identifiers", "eol_releases"] {
                    tx.execute(
                        context,
                        &format!("DELETE FROM {table} WHERE eol_product_id = $1"),
                        &[Param::Int(Some(id))],
                    )
                    .await?;
                }
                id
            }
            None => {
                let rows = tx
                    .fetch_all(
            context,
                        "INSERT INTO eol_products (name, label, category) VALUES ($1, $2, $3) RETURNING id",
                        &[
                            Param::Text(Some(&product.name)),
                            Param::Text(Some(&product.label)),
                            Param::Text(product.category.as_deref()),
                        ],
                    )
                    .await?;
                let row = rows.first().ok_or_else(|| {
                    db.corrupt(context, "INSERT … RETURNING gave no row".to_owned())
                })?;
                row.int(0).map_err(|message| db.corrupt(context, message))?
            }
        };
        insert_identifiers(&mut tx, id, &product.identifiers).await?;
        insert_releases(&mut tx, id, &product.releases).await?;
        summary.n_products += 1;
        summary.n_releases += product.releases.len();
    }
    tx.execute(context, "DELETE FROM eol_links", &[]).await?;
    let stored = load_eol_products(db, &mut tx).await?;
    summary.n_links = link_packages(db, &mut tx, &stored, 0).await?;
    tx.commit(context).await?;
    Ok(summary)
}

async fn insert_identifiers(
    tx: &mut Tx,
    product_id: i64,
    identifiers: &[EolIdentifier],
) -> Result<(), LifecycleError> {
    const COLUMNS: [&str; 7] = [
        "eol_product_id",
        "idx",
        "kind",
        "value",
        "purl_key",
        "cpe_vendor",
        "cpe_product",
    ];
    let context = "storing endoflife.date identifiers";
    struct IdentifierRow<'a> {
        idx: i64,
        kind: &'a str,
        value: &'a str,
        purl_key: Option<String>,
        cpe: Option<(String, String)>,
    }
    let rows: Vec<IdentifierRow<'_>> = identifiers
        .iter()
        .enumerate()
        .map(|(idx, identifier)| {
            let (kind, purl_key, cpe) = match &identifier.kind {
                IdentifierKind::Purl => ("purl", purl_key(&identifier.value), None),
                IdentifierKind::Cpe => {
                    ("cpe", None, cpe_key(&identifier.value).map(|(key, _)| key))
                }
                IdentifierKind::Repology => ("repology", None, None),
                IdentifierKind::Other(key) => (key.as_str(), None, None),
            };
            IdentifierRow {
                idx: i64::try_from(idx).unwrap_or(i64::MAX),
                kind,
                value: &identifier.value,
                purl_key,
                cpe,
            }
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for row in chunk {
            params.extend([
                Param::Int(Some(product_id)),
                Param::Int(Some(row.idx)),
                Param::Text(Some(row.kind)),
                Param::Text(Some(row.value)),
                Param::Text(row.purl_key.as_deref()),
                Param::Text(row.cpe.as_ref().map(|(vendor, _)| vendor.as_str())),
                Param::Text(row.cpe.as_ref().map(|(_, product)| product.as_str())),
            ]);
        }
        tx.execute(
            context,
            &insert_sql("eol_identifiers", &COLUMNS, chunk.len(), ""),
            &params,
        )
        .await?;
    }
    Ok(())
}

async fn insert_releases(
    tx: &mut Tx,
    product_id: i64,
    releases: &[EolRelease],
) -> Result<(), LifecycleError> {
    const COLUMNS: [&str; 13] = [
        "eol_product_id",
        "idx",
        "cycle",
        "label",
        "codename",
        "release_date",
        "eol",
        "eoas",
        "eoes",
        "lts",
        "latest",
        "latest_release_date",
        "discontinued",
    ];
    let context = "storing endoflife.date release cycles";
    struct ReleaseRow<'a> {
        idx: i64,
        release: &'a EolRelease,
        texts: [Option<String>; 7],
    }
    let rows: Vec<ReleaseRow<'_>> = releases
        .iter()
        .enumerate()
        .map(|(idx, release)| ReleaseRow {
            idx: i64::try_from(idx).unwrap_or(i64::MAX),
            release,
            texts: [
                release.release_date.map(|d| d.to_string()),
                eol_value_text(release.eol),
                eol_value_text(release.eoas),
                eol_value_text(release.eoes),
                eol_value_text(release.lts),
                release.latest_release_date.map(|d| d.to_string()),
                eol_value_text(release.discontinued),
            ],
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for row in chunk {
            let [
                release_date,
                eol,
                eoas,
                eoes,
                lts,
                latest_release_date,
                discontinued,
            ] = &row.texts;
            params.extend([
                Param::Int(Some(product_id)),
                Param::Int(Some(row.idx)),
                Param::Text(Some(&row.release.cycle)),
                Param::Text(row.release.label.as_deref()),
                Param::Text(row.release.codename.as_deref()),
                Param::Text(release_date.as_deref()),
                Param::Text(eol.as_deref()),
                Param::Text(eoas.as_deref()),
                Param::Text(eoes.as_deref()),
                Param::Text(lts.as_deref()),
                Param::Text(row.release.latest.as_deref()),
                Param::Text(latest_release_date.as_deref()),
                Param::Text(discontinued.as_deref()),
            ]);
        }
        tx.execute(
            context,
            &insert_sql("eol_releases", &COLUMNS, chunk.len(), ""),
            &params,
        )
        .await?;
    }
    Ok(())
}

/// `true`, `false`, the date, or NULL.
fn eol_value_text(value: EolValue) -> Option<String> {
    match value {
        EolValue::Absent => None,
        EolValue::Bool(flag) => Some(flag.to_string()),
        EolValue::Date(date) => Some(date.to_string()),
    }
}

fn eol_value_of(row: &Row, idx: usize) -> Result<EolValue, String> {
    match row.opt_text(idx)?.as_deref() {
        None => Ok(EolValue::Absent),
        Some("true") => Ok(EolValue::Bool(true)),
        Some("false") => Ok(EolValue::Bool(false)),
        Some(text) => IsoDate::parse(text)
            .map(EolValue::Date)
            .ok_or_else(|| format!("column {idx}: {text:?} is not true, false or a date")),
    }
}

/// Every stored endoflife.date product with its identifiers and releases.
async fn load_eol_products(
    db: &LifecycleDb,
    tx: &mut Tx,
) -> Result<Vec<EolProduct>, LifecycleError> {
    let context = "reading endoflife.date products";
    let mut products: Vec<EolProduct> = Vec::new();
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    let rows = tx
        .fetch_all(
            context,
            "SELECT id, name, label, category FROM eol_products ORDER BY name",
            &[],
        )
        .await?;
    for row in &rows {
        let read = || -> Result<(i64, EolProduct), String> {
            Ok((
                row.int(0)?,
                EolProduct {
                    name: row.text(1)?,
                    label: row.text(2)?,
                    category: row.opt_text(3)?,
                    identifiers: Vec::new(),
                    releases: Vec::new(),
                },
            ))
        };
        let (id, product) = read().map_err(|message| db.corrupt(context, message))?;
        by_id.insert(id, products.len());
        products.push(product);
    }
    let rows = tx
        .fetch_all(
            context,
            "SELECT eol_product_id, kind, value FROM eol_identifiers ORDER BY eol_product_id, idx",
            &[],
        )
        .await?;
    for row in &rows {
        let read = || -> Result<(i64, EolIdentifier), String> {
            let kind = match row.text(1)?.as_str() {
                "purl" => IdentifierKind::Purl,
                "cpe" => IdentifierKind::Cpe,
                "repology" => IdentifierKind::Repology,
                other => IdentifierKind::Other(other.to_owned()),
            };
            Ok((
                row.int(0)?,
                EolIdentifier {
                    kind,
                    value: row.text(2)?,
                },
            ))
        };
        let (id, identifier) = read().map_err(|message| db.corrupt(context, message))?;
        if let Some(product) = by_id.get(&id).and_then(|idx| products.get_mut(*idx)) {
            product.identifiers.push(identifier);
        }
    }
    let rows = tx
        .fetch_all(
            context,
            "SELECT eol_product_id, cycle, label, codename, release_date, eol, eoas, eoes, lts, \
             latest, latest_release_date, discontinued FROM eol_releases ORDER BY eol_product_id, idx",
            &[],
        )
        .await?;
    for row in &rows {
        let read = || -> Result<(i64, EolRelease), String> {
            Ok((
                row.int(0)?,
                EolRelease {
                    cycle: row.text(1)?,
                    label: row.opt_text(2)?,
                    codename: row.opt_text(3)?,
                    release_date: opt_date(row, 4)?,
                    eol: eol_value_of(row, 5)?,
                    eoas: eol_value_of(row, 6)?,
                    eoes: eol_value_of(row, 7)?,
                    lts: eol_value_of(row, 8)?,
                    latest: row.opt_text(9)?,
                    latest_release_date: opt_date(row, 10)?,
                    discontinued: eol_value_of(row, 11)?,
                },
            ))
        };
        let (id, release) = read().map_err(|message| db.corrupt(context, message))?;
        if let Some(product) = by_id.get(&id).and_then(|idx| products.get_mut(*idx)) {
            product.releases.push(release);
        }
    }
    Ok(products)
}

/// Joins the packages with an id above `after_id` to `products` and records the links
/// and the new high-water mark; returns the number of links written.
async fn link_packages(
    db: &LifecycleDb,
    tx: &mut Tx,
    products: &[EolProduct],
    after_id: i64,
) -> Result<usize, LifecycleError> {
    const COLUMNS: [&str; 4] = ["package_id", "eol_product_id", "basis", "cycle"];
    let context = "linking packages to endoflife.date products";
    let rows = tx
        .fetch_all(context, "SELECT id, name FROM eol_products", &[])
        .await?;
    let mut product_ids: HashMap<String, i64> = HashMap::new();
    for row in &rows {
        let id = row.int(0).map_err(|message| db.corrupt(context, message))?;
        let name = row
            .text(1)
            .map_err(|message| db.corrupt(context, message))?;
        product_ids.insert(name, id);
    }
    let index = EolIndex::new(products);
    let mut last_id = after_id;
    let mut n_links = 0;
    loop {
        let rows = tx
            .fetch_all(
                context,
                "SELECT p.id, p.name, p.version, p.purl, p.cpe, \
                 CASE WHEN EXISTS (SELECT 1 FROM sbom_components c WHERE c.package_id = p.id \
                 AND c.kind = 'operating-system') THEN 1 ELSE 0 END \
                 FROM packages p WHERE p.id > $1 ORDER BY p.id LIMIT $2",
                &[Param::Int(Some(last_id)), Param::Int(Some(PACKAGE_BATCH))],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        let mut links: Vec<(i64, i64, &'static str, Option<String>)> = Vec::new();
        for row in &rows {
            type Row = (
                i64,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                bool,
            );
            let read = || -> Result<Row, String> {
                Ok((
                    row.int(0)?,
                    row.text(1)?,
                    row.opt_text(2)?,
                    row.opt_text(3)?,
                    row.opt_text(4)?,
                    row.int(5)? != 0,
                ))
            };
            let (id, name, version, purl, cpe, is_operating_system) =
                read().map_err(|message| db.corrupt(context, message))?;
            last_id = last_id.max(id);
            let package = PackageRef {
                name: &name,
                version: version.as_deref(),
                purl: purl.as_deref(),
                cpe: cpe.as_deref(),
                is_operating_system,
            };
            for found in index.matches(&package) {
                let Some(product_id) = product_ids.get(&found.product.name) else {
                    continue;
                };
                links.push((
                    id,
                    *product_id,
                    found.basis.as_str(),
                    found.release.map(|r| r.cycle.clone()),
                ));
            }
        }
        for chunk in links.chunks(INSERT_CHUNK) {
            let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
            for (package_id, product_id, basis, cycle) in chunk {
                params.extend([
                    Param::Int(Some(*package_id)),
                    Param::Int(Some(*product_id)),
                    Param::Text(Some(basis)),
                    Param::Text(cycle.as_deref()),
                ]);
            }
            let sql = insert_sql("eol_links", &COLUMNS, chunk.len(), "ON CONFLICT DO NOTHING");
            tx.execute(context, &sql, &params).await?;
        }
        n_links += links.len();
        if (rows.len() as i64) < PACKAGE_BATCH {
            break;
        }
    }
    tx.execute(
        context,
        "INSERT INTO eol_link_state (id, max_package_id) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET max_package_id = excluded.max_package_id",
        &[Param::Int(Some(last_id))],
    )
    .await?;
    Ok(n_links)
}

/// Joins the packages stored since the last run (ingested after the last
/// [`import_eol`] or [`link_new_packages`]) to the stored endoflife.date products; returns
/// the number of new links. Cheap when nothing is new: call it after each ingest, and the
/// lifecycle commands call it before they read.
pub async fn link_new_packages(db: &LifecycleDb) -> Result<usize, LifecycleError> {
    let context = "linking new packages to endoflife.date products";
    let mut tx = db.begin_write(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT (SELECT max_package_id FROM eol_link_state WHERE id = 1), (SELECT max(id) FROM packages)",
            &[],
        )
        .await?;
    let (linked, newest) = match rows.first() {
        Some(row) => (
            row.opt_int(0)
                .map_err(|message| db.corrupt(context, message))?,
            row.opt_int(1)
                .map_err(|message| db.corrupt(context, message))?,
        ),
        None => (None, None),
    };
    let linked = linked.unwrap_or(0);
    if newest.is_none_or(|newest| newest <= linked) {
        return Ok(0);
    }
    let products = load_eol_products(db, &mut tx).await?;
    let n_links = link_packages(db, &mut tx, &products, linked).await?;
    tx.commit(context).await?;
    Ok(n_links)
}

/// What a risk acceptance is about, for [`record_acceptance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptanceSubject<'a> {
    /// A deployed device, by asset id.
    Asset(&'a str),
    /// A stored product version.
    ProductVersion(&'a ProductVersionKey),
}

/// A risk acceptance or replacement decision to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAcceptance<'a> {
    /// What it is about.
    pub subject: AcceptanceSubject<'a>,
    /// Limit it to one component (by name).
    pub component: Option<&'a str>,
    /// Accept the risk or plan replacement.
    pub decision: Decision,
    /// Who decided.
    pub decided_by: &'a str,
    /// When (it applies from this date).
    pub decided_on: IsoDate,
    /// Until when it holds.
    pub until: IsoDate,
    /// When to review it (at the latest `until`).
    pub review: IsoDate,
    /// Compensating controls, or the replacement plan.
    pub controls: &'a str,
}

/// Records a decision and returns it as stored.
pub async fn record_acceptance(
    db: &LifecycleDb,
    new: &NewAcceptance<'_>,
) -> Result<Acceptance, LifecycleError> {
    let context = "recording a risk acceptance";
    let invalid = |what: &'static str, value: String, reason: &str| LifecycleError::Invalid {
        what,
        value,
        reason: reason.to_owned(),
    };
    if new.until < new.decided_on {
        return Err(invalid(
            "until date",
            new.until.to_string(),
            &format!("it is before the decision date {}", new.decided_on),
        ));
    }
    if new.until < new.review {
        return Err(invalid(
            "review date",
            new.review.to_string(),
            &format!("it is after the until date {}", new.until),
        ));
    }
    if new.decided_by.trim().is_empty() {
        return Err(invalid(
            "decided by",
            new.decided_by.to_owned(),
            "name who decided",
        ));
    }
    if new.controls.trim().is_empty() {
        return Err(invalid(
            "controls",
            new.controls.to_owned(),
            "describe the compensating controls or the replacement plan",
        ));
    }
    let (subject_kind, subject, product_version_id, organization_id) = match new.subject {
        AcceptanceSubject::Asset(asset) => {
            if asset.trim().is_empty() {
                return Err(invalid("asset", asset.to_owned(), "the asset id is empty"));
            }
            (SubjectKind::Asset, asset.to_owned(), None, None)
        }
        AcceptanceSubject::ProductVersion(pv) => (
            SubjectKind::ProductVersion,
            format!("{}@{}", pv.product, pv.version),
            Some(pv.id),
            Some(pv.organization_id),
        ),
    };
    let mut tx = db.begin_write(context).await?;
    let (decided_on, until, review) = (
        new.decided_on.to_string(),
        new.until.to_string(),
        new.review.to_string(),
    );
    let rows = tx
        .fetch_all(
            context,
            "INSERT INTO risk_acceptances (organization_id, subject_kind, subject, product_version_id, \
             component, decision, decided_by, decided_on, until_date, review_date, controls) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                Param::Int(organization_id),
                Param::Text(Some(subject_kind.as_str())),
                Param::Text(Some(&subject)),
                Param::Int(product_version_id),
                Param::Text(new.component),
                Param::Text(Some(new.decision.as_str())),
                Param::Text(Some(new.decided_by)),
                Param::Text(Some(&decided_on)),
                Param::Text(Some(&until)),
                Param::Text(Some(&review)),
                Param::Text(Some(new.controls)),
            ],
        )
        .await?;
    let id = rows
        .first()
        .ok_or_else(|| db.corrupt(context, "INSERT … RETURNING gave no row".to_owned()))?
        .int(0)
        .map_err(|message| db.corrupt(context, message))?;
    tx.commit(context).await?;
    Ok(Acceptance {
        id,
        subject_kind,
        subject,
        product_version_id,
        component: new.component.map(str::to_owned),
        decision: new.decision,
        decided_by: new.decided_by.to_owned(),
        decided_on: new.decided_on,
        until: new.until,
        review: new.review,
        controls: new.controls.to_owned(),
    })
}

/// Loads every product version (with its dates and the support information of the
/// components of its newest SBOM), the assets in service of the device inventory (table
/// `assets`, grouped by site and department) and the risk acceptances.
///
/// A component is kept when its SBOM states an end-of-support date or an unsupported
/// level, or when it is linked to endoflife.date by purl, CPE or name. Packages linked only
/// through their `distro` qualifier are grouped into one entry per operating-system release
/// (or counted into the operating-system component of that release).
pub async fn load_portfolio(db: &LifecycleDb) -> Result<Portfolio, LifecycleError> {
    let context = "loading the portfolio";
    let corrupt = |message: String| db.corrupt(context, message);
    let rows = db
        .fetch_all(
            context,
            &format!(
                "{LIFECYCLE_COLUMNS}, pv.id, o.name, p.name, pv.version \
                 FROM product_versions pv JOIN products p ON p.id = pv.product_id \
                 JOIN organizations o ON o.id = p.organization_id \
                 LEFT JOIN product_version_lifecycle l ON l.product_version_id = pv.id \
                 ORDER BY o.name, p.name, pv.version, pv.id"
            ),
            &[],
        )
        .await?;
    let mut product_versions = Vec::with_capacity(rows.len());
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    for row in &rows {
        let read = || -> Result<ProductVersionRecord, String> {
            let (dates, notice) = lifecycle_of(row, 0)?;
            Ok(ProductVersionRecord {
                id: row.int(12)?,
                manufacturer: row.text(13)?,
                product: row.text(14)?,
                version: row.text(15)?,
                dates,
                notice,
                components: Vec::new(),
            })
        };
        let record = read().map_err(corrupt)?;
        by_id.insert(record.id, product_versions.len());
        product_versions.push(record);
    }

    // endoflife.date links of the packages of the newest SBOMs.
    let rows = db
        .fetch_all(
            context,
            "SELECT l.package_id, e.name, e.label, l.basis, l.cycle, r.eol, r.eoes \
             FROM eol_links l JOIN eol_products e ON e.id = l.eol_product_id \
             LEFT JOIN eol_releases r ON r.eol_product_id = l.eol_product_id AND r.cycle = l.cycle \
             WHERE l.package_id IN (SELECT c.package_id FROM sbom_components c \
             JOIN product_versions pv ON c.sbom_id = pv.latest_sbom_id) \
             ORDER BY l.package_id, e.name, l.basis, r.idx",
            &[],
        )
        .await?;
    let mut links: HashMap<i64, Vec<Link>> = HashMap::new();
    for row in &rows {
        let read = || -> Result<(i64, Link), String> {
            let basis_text = row.text(3)?;
            let basis = MatchBasis::parse(&basis_text)
                .ok_or_else(|| format!("column 3: unknown basis {basis_text:?}"))?;
            Ok((
                row.int(0)?,
                Link {
                    product: row.text(1)?,
                    label: row.text(2)?,
                    basis,
                    cycle: row.opt_text(4)?,
                    eol: eol_value_of(row, 5)?,
                    eoes: eol_value_of(row, 6)?,
                },
            ))
        };
        let (package_id, link) = read().map_err(corrupt)?;
        let entry = links.entry(package_id).or_default();
        // Two release rows with the same cycle: the first (newest in the file) wins.
        if !entry
            .iter()
            .any(|l| l.product == link.product && l.basis == link.basis)
        {
            entry.push(link);
        }
    }

    // Prefer the strongest basis (purl, then CPE, then name) when a product is linked twice.
    for package_links in links.values_mut() {
        package_links.sort_by(|a, b| (&a.product, a.basis).cmp(&(&b.product, b.basis)));
    }
    let rows = db
        .fetch_all(
            context,
            "SELECT pv.id, c.package_id, c.name, c.version, c.purl, p.purl, c.support_level, c.eos_date \
             FROM product_versions pv JOIN sbom_components c ON c.sbom_id = pv.latest_sbom_id \
             JOIN packages p ON p.id = c.package_id \
             WHERE c.eos_date IS NOT NULL OR c.support_level IN ('no-longer-maintained', 'abandoned') \
             OR EXISTS (SELECT 1 FROM eol_links l WHERE l.package_id = c.package_id) \
             ORDER BY pv.id, c.idx",
            &[],
        )
        .await?;
    // (product version, package) already seen; distro groups per product version.
    let mut seen: HashMap<(i64, i64), ()> = HashMap::new();
    let mut groups: HashMap<(i64, String, Option<String>), (Link, usize)> = HashMap::new();
    for row in &rows {
        type Row = (
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<IsoDate>,
        );
        let read = || -> Result<Row, String> {
            Ok((
                row.int(0)?,
                row.int(1)?,
                row.text(2)?,
                row.opt_text(3)?,
                row.opt_text(4)?,
                row.opt_text(5)?,
                row.opt_text(6)?,
                opt_date(row, 7)?,
            ))
        };
        let (pv_id, package_id, name, version, written_purl, canonical_purl, level, eos_date) =
            read().map_err(corrupt)?;
        if seen.insert((pv_id, package_id), ()).is_some() {
            continue;
        }
        let level = level.as_deref().and_then(SupportLevel::from_normalized);
        let mut evidence = sbom_evidence(level, eos_date);
        for link in links.get(&package_id).into_iter().flatten() {
            if link.basis == MatchBasis::Distro {
                let key = (pv_id, link.product.clone(), link.cycle.clone());
                groups.entry(key).or_insert_with(|| (link.clone(), 0)).1 += 1;
                continue;
            }
            // One statement per product: the first basis (purl, cpe, name) with a cycle.
            let same_product = evidence.iter().position(|e| {
                matches!(&e.source, EvidenceSource::EndOfLifeDate { product, .. } if *product == link.product)
            });
            let statement = link.evidence();
            match same_product {
                Some(idx) => {
                    let has_cycle = matches!(
                        evidence.get(idx).map(|e| &e.source),
                        Some(EvidenceSource::EndOfLifeDate { cycle: Some(_), .. })
                    );
                    if !has_cycle
                        && link.cycle.is_some()
                        && let Some(slot) = evidence.get_mut(idx)
                    {
                        *slot = statement;
                    }
                }
                None => evidence.push(statement),
            }
        }
        if evidence.is_empty() {
            continue;
        }
        let Some(record) = by_id
            .get(&pv_id)
            .and_then(|idx| product_versions.get_mut(*idx))
        else {
            continue;
        };
        record.components.push(ComponentSupport {
            name,
            version,
            purl: written_purl.or(canonical_purl),
            evidence,
            n_packages: 1,
        });
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for ((pv_id, product, cycle), (link, n_packages)) in groups {
        let Some(record) = by_id
            .get(&pv_id)
            .and_then(|idx| product_versions.get_mut(*idx))
        else {
            continue;
        };
        let release_component = record.components.iter_mut().find(|component| {
            component.evidence.iter().any(|e| {
                matches!(&e.source, EvidenceSource::EndOfLifeDate { product: p, cycle: c, .. } if *p == product && *c == cycle)
            })
        });
        match release_component {
            Some(component) => component.n_packages = component.n_packages.max(n_packages),
            None => record.components.push(ComponentSupport {
                name: link.label.clone(),
                version: cycle.clone(),
                purl: None,
                evidence: vec![link.evidence()],
                n_packages,
            }),
        }
    }

    // The device inventory (medsbom-assets): assets in service that run a stored version.
    let rows = db
        .fetch_all(
            context,
            "SELECT asset_id, site, department, product_version_id, organization_id FROM assets \
             WHERE retired_at IS NULL AND product_version_id IS NOT NULL ORDER BY asset_id, id",
            &[],
        )
        .await?;
    let mut assets = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<Asset, String> {
            let group = match (row.opt_text(1)?, row.opt_text(2)?) {
                (Some(site), Some(department)) => Some(format!("{site} / {department}")),
                (Some(place), None) | (None, Some(place)) => Some(place),
                (None, None) => None,
            };
            Ok(Asset {
                asset_id: row.text(0)?,
                group,
                product_version_id: row.int(3)?,
                organization_id: row.int(4)?,
            })
        };
        assets.push(read().map_err(corrupt)?);
    }

    let rows = db
        .fetch_all(
            context,
            "SELECT id, subject_kind, subject, product_version_id, component, decision, decided_by, \
             decided_on, until_date, review_date, controls FROM risk_acceptances ORDER BY decided_on, id",
            &[],
        )
        .await?;
    let mut acceptances = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<Acceptance, String> {
            let kind_text = row.text(1)?;
            let decision_text = row.text(5)?;
            Ok(Acceptance {
                id: row.int(0)?,
                subject_kind: SubjectKind::parse(&kind_text)
                    .ok_or_else(|| format!("column 1: unknown subject kind {kind_text:?}"))?,
                subject: row.text(2)?,
                product_version_id: row.opt_int(3)?,
                component: row.opt_text(4)?,
                decision: Decision::parse(&decision_text)
                    .ok_or_else(|| format!("column 5: unknown decision {decision_text:?}"))?,
                decided_by: row.text(6)?,
                decided_on: date(row, 7)?,
                until: date(row, 8)?,
                review: date(row, 9)?,
                controls: row.text(10)?,
            })
        };
        acceptances.push(read().map_err(corrupt)?);
    }
    Ok(Portfolio {
        product_versions,
        assets,
        acceptances,
    })
}

/// A stored link of a package to an endoflife.date product, with its cycle's dates.
#[derive(Debug, Clone)]
struct Link {
    product: String,
    label: String,
    basis: MatchBasis,
    cycle: Option<String>,
    eol: EolValue,
    eoes: EolValue,
}

impl Link {
    fn evidence(&self) -> SupportEvidence {
        SupportEvidence::from_eol_values(
            &self.product,
            &self.label,
            self.cycle
                .as_deref()
                .map(|cycle| (cycle, self.eol, self.eoes)),
            self.basis,
        )
    }
}
