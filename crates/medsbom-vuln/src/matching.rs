//! Matching per distinct package: which `packages` rows are affected by which advisories,
//! kept in `findings` so that re-matching is idempotent.
//!
//! One run: load the packages, turn each into a [`PackageQuery`], load the candidate
//! advisories by key (`advisory_packages` by (ecosystem, name), `advisory_cpes` by product),
//! evaluate exactly ([`crate::evaluate`], in parallel), then write only the difference to
//! the stored findings, in one transaction. `package_match_state` records each matched
//! package's keys, so that after a feed import only the packages whose keys appear in the
//! changed advisories are matched again, and after an ingest only the packages never matched
//! before.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::db::{Param, Tx, insert_sql, placeholders, rows_per_statement};
use crate::evaluate::{
    AffectedEntry, Basis, CandidateIndex, CpeEntry, Match, MatchConfig, match_package,
};
use crate::keys::PackageQuery;
use crate::stored::{read_ranges, read_strings, to_json};
use crate::{VulnDb, VulnError};

/// Keys per `… IN (…)` list.
const KEY_CHUNK: usize = 500;

/// What a matching run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchReport {
    /// Packages evaluated.
    pub n_packages: usize,
    /// Findings of those packages after the run.
    pub n_findings: usize,
    /// Findings added.
    pub n_added: usize,
    /// Findings removed (the advisory changed or was withdrawn).
    pub n_removed: usize,
    /// Findings whose basis, range or fixed versions changed.
    pub n_changed: usize,
}

/// Matches every package again (after a change of matching rules, or to check the
/// incremental runs): one transaction.
pub async fn rematch_all(db: &VulnDb, config: &MatchConfig) -> Result<MatchReport, VulnError> {
    let context = "re-matching every package";
    let mut tx = db.db.begin(context).await?;
    let res = match_packages(&mut tx, None, config).await?;
    tx.commit(context).await?;
    Ok(res)
}

/// Matches the given packages again.
pub async fn rematch_packages(
    db: &VulnDb,
    package_ids: &[i64],
    config: &MatchConfig,
) -> Result<MatchReport, VulnError> {
    let context = "matching packages";
    let mut tx = db.db.begin(context).await?;
    let res = match_packages(&mut tx, Some(package_ids), config).await?;
    tx.commit(context).await?;
    Ok(res)
}

/// The incremental step after an ingest: matches the packages of SBOM `sbom_id` that were
/// never matched before (packages already known are up to date).
pub async fn match_sbom(
    db: &VulnDb,
    sbom_id: i64,
    config: &MatchConfig,
) -> Result<MatchReport, VulnError> {
    let context = "matching the packages of a new sbom";
    let mut tx = db.db.begin(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT DISTINCT c.package_id FROM sbom_components c WHERE c.sbom_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM package_match_state s WHERE s.package_id = c.package_id)",
            &[Param::int(sbom_id)],
        )
        .await?;
    let ids = rows
        .iter()
        .map(|row| row.int(0))
        .collect::<Result<Vec<i64>, _>>()?;
    let res = match_packages(&mut tx, Some(&ids), config).await?;
    tx.commit(context).await?;
    Ok(res)
}

/// Matches every package that was never matched (e.g. ingested without the matching step).
pub async fn match_unmatched(db: &VulnDb, config: &MatchConfig) -> Result<MatchReport, VulnError> {
    let context = "matching unmatched packages";
    let mut tx = db.db.begin(context).await?;
    let ids = unmatched_package_ids(&mut tx).await?;
    let res = match_packages(&mut tx, Some(&ids), config).await?;
    tx.commit(context).await?;
    Ok(res)
}

/// The lookup keys touched by a feed import (of new and of replaced rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChangedKeys {
    /// (ecosystem, lookup name) of `advisory_packages` rows.
    pub(crate) packages: BTreeSet<(String, String)>,
    /// Products of `advisory_cpes` rows.
    pub(crate) products: BTreeSet<String>,
}

/// The matching step of a feed import, inside its transaction: the packages never matched,
/// and the packages whose keys appear in `changed`.
pub(crate) async fn match_after_import(
    tx: &mut Tx,
    changed: &ChangedKeys,
    config: &MatchConfig,
) -> Result<MatchReport, VulnError> {
    let context = "finding the packages to match again";
    let mut ids: BTreeSet<i64> = unmatched_package_ids(tx).await?.into_iter().collect();
    let mut by_ecosystem: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (ecosystem, name) in &changed.packages {
        by_ecosystem.entry(ecosystem).or_default().push(name);
    }
    for (ecosystem, names) in by_ecosystem {
        // An advisory for a bare distribution ("Debian") applies to every release of it.
        let pattern = format!("{ecosystem}:%");
        let has_release = ecosystem.contains(':');
        for chunk in names.chunks(KEY_CHUNK) {
            let mut params = vec![Param::text(ecosystem)];
            let ecosystem_test = if has_release {
                "ecosystem = $1"
            } else {
                params.push(Param::text(&pattern));
                "(ecosystem = $1 OR ecosystem LIKE $2)"
            };
            let first_name = params.len() + 1;
            params.extend(chunk.iter().map(|name| Param::text(name)));
            let sql = format!(
                "SELECT package_id FROM package_match_state WHERE {ecosystem_test} AND name IN ({})",
                placeholders(first_name, chunk.len())
            );
            for row in tx.fetch_all(context, &sql, &params).await? {
                ids.insert(row.int(0)?);
            }
        }
    }
    let products: Vec<&String> = changed.products.iter().collect();
    for chunk in products.chunks(KEY_CHUNK) {
        let params: Vec<Param<'_>> = chunk.iter().map(|p| Param::text(p)).collect();
        let sql = format!(
            "SELECT package_id FROM package_match_state WHERE product IN ({})",
            placeholders(1, chunk.len())
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            ids.insert(row.int(0)?);
        }
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    match_packages(tx, Some(&ids), config).await
}

async fn unmatched_package_ids(tx: &mut Tx) -> Result<Vec<i64>, VulnError> {
    let rows = tx
        .fetch_all(
            "finding unmatched packages",
            "SELECT p.id FROM packages p WHERE NOT EXISTS \
             (SELECT 1 FROM package_match_state s WHERE s.package_id = p.id)",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.int(0))
        .collect::<Result<_, _>>()?)
}

/// A package row with its stored match state.
struct PackageRow {
    query: PackageQuery,
    state: Option<StateKeys>,
}

/// The keys a package is filed under in `package_match_state`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StateKeys {
    ecosystem: Option<String>,
    name: Option<String>,
    vendor: Option<String>,
    product: Option<String>,
}

impl StateKeys {
    fn of(query: &PackageQuery) -> StateKeys {
        let (vendor, product) = match (&query.cpe, &query.purl, &query.name) {
            (Some(cpe), _, _) => (Some(cpe.vendor.clone()), Some(cpe.product.clone())),
            (None, None, Some(name)) => (None, Some(name.product.clone())),
            _ => (None, None),
        };
        StateKeys {
            ecosystem: query.purl.as_ref().map(|key| key.ecosystem.clone()),
            name: query.purl.as_ref().map(|key| key.name.clone()),
            vendor,
            product,
        }
    }
}

/// A stored or computed finding, as compared between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FindingRow {
    basis: Basis,
    identifier: String,
    range: String,
    fixed: String,
    feed: String,
}

/// Matches the selected packages (`None`: all) and writes the difference.
pub(crate) async fn match_packages(
    tx: &mut Tx,
    package_ids: Option<&[i64]>,
    config: &MatchConfig,
) -> Result<MatchReport, VulnError> {
    let packages = load_packages(tx, package_ids).await?;
    if packages.is_empty() {
        return Ok(MatchReport::default());
    }
    let queries: Vec<&PackageQuery> = packages.iter().map(|p| &p.query).collect();
    let candidates = load_candidates(tx, &queries, config).await?;
    let matches: Vec<Vec<Match>> = queries
        .par_iter()
        .map(|query| match_package(&candidates.index, query, config))
        .collect();
    let mut computed: HashMap<(i64, i64), FindingRow> = HashMap::new();
    for found in matches.into_iter().flatten() {
        let feed = candidates
            .feeds
            .get(&found.advisory_row)
            .cloned()
            .unwrap_or_default();
        computed.insert(
            (found.package_id, found.advisory_row),
            FindingRow {
                basis: found.basis,
                identifier: found.identifier,
                range: found.range,
                fixed: to_json(&found.fixed),
                feed,
            },
        );
    }
    let ids: Vec<i64> = packages.iter().map(|p| p.query.package_id).collect();
    let stored = load_findings(tx, package_ids.map(|_| ids.as_slice())).await?;

    let mut report = MatchReport {
        n_packages: packages.len(),
        n_findings: computed.len(),
        ..MatchReport::default()
    };
    let mut to_delete: Vec<(i64, i64)> = Vec::new();
    for (key, row) in &stored {
        match computed.get(key) {
            None => {
                report.n_removed += 1;
                to_delete.push(*key);
            }
            Some(new_row) if new_row != row => {
                report.n_changed += 1;
                to_delete.push(*key);
            }
            Some(_) => {}
        }
    }
    let mut to_insert: Vec<((i64, i64), &FindingRow)> = Vec::new();
    for (key, row) in &computed {
        match stored.get(key) {
            None => {
                report.n_added += 1;
                to_insert.push((*key, row));
            }
            Some(old) if old != row => to_insert.push((*key, row)),
            Some(_) => {}
        }
    }
    to_delete.sort_unstable();
    to_insert.sort_unstable_by_key(|(key, _)| *key);
    delete_findings(tx, &to_delete).await?;
    insert_findings(tx, &to_insert).await?;
    write_states(tx, &packages).await?;
    Ok(report)
}

async fn load_packages(
    tx: &mut Tx,
    package_ids: Option<&[i64]>,
) -> Result<Vec<PackageRow>, VulnError> {
    let context = "loading packages to match";
    let select = "SELECT p.id, p.purl, p.cpe, p.name, p.version, s.package_id, s.ecosystem, \
                  s.name, s.vendor, s.product FROM packages p \
                  LEFT JOIN package_match_state s ON s.package_id = p.id";
    let mut rows = Vec::new();
    match package_ids {
        None => rows = tx.fetch_all(context, select, &[]).await?,
        Some(ids) => {
            for chunk in ids.chunks(KEY_CHUNK) {
                let sql = format!("{select} WHERE p.id IN ({})", placeholders(1, chunk.len()));
                let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
                rows.extend(tx.fetch_all(context, &sql, &params).await?);
            }
        }
    }
    let mut res = Vec::with_capacity(rows.len());
    for row in rows {
        let package_id = row.int(0)?;
        let purl = row.opt_text(1)?;
        let cpe = row.opt_text(2)?;
        let name = row.text(3)?;
        let version = row.opt_text(4)?;
        let state = match row.opt_int(5)? {
            Some(_) => Some(StateKeys {
                ecosystem: row.opt_text(6)?,
                name: row.opt_text(7)?,
                vendor: row.opt_text(8)?,
                product: row.opt_text(9)?,
            }),
            None => None,
        };
        let query = PackageQuery::new(
            package_id,
            purl.as_deref(),
            cpe.as_deref(),
            &name,
            version.as_deref(),
        );
        res.push(PackageRow { query, state });
    }
    Ok(res)
}

/// The candidate advisories of a set of packages, and the feed name of each advisory.
pub(crate) struct Candidates {
    pub(crate) index: CandidateIndex,
    pub(crate) feeds: HashMap<i64, String>,
}

/// Loads every affected entry and CPE criterion the queries can look up.
pub(crate) async fn load_candidates(
    tx: &mut Tx,
    queries: &[&PackageQuery],
    config: &MatchConfig,
) -> Result<Candidates, VulnError> {
    let context = "loading candidate advisories";
    let mut by_ecosystem: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut products: BTreeSet<String> = BTreeSet::new();
    for query in queries {
        if let Some(key) = &query.purl {
            by_ecosystem
                .entry(key.ecosystem.clone())
                .or_default()
                .insert(key.name.clone());
            if let Some((base, _)) = key.ecosystem.split_once(':') {
                by_ecosystem
                    .entry(base.to_owned())
                    .or_default()
                    .insert(key.name.clone());
            }
        }
        if let Some(key) = &query.cpe {
            products.insert(key.product.clone());
        }
        if config.name_heuristics
            && query.purl.is_none()
            && query.cpe.is_none()
            && let Some(key) = &query.name
        {
            products.insert(key.product.clone());
        }
    }
    let mut index = CandidateIndex::new();
    let mut advisory_rows: BTreeSet<i64> = BTreeSet::new();
    for (ecosystem, names) in &by_ecosystem {
        let names: Vec<&String> = names.iter().collect();
        for chunk in names.chunks(KEY_CHUNK) {
            let sql = format!(
                "SELECT advisory_row, name, ranges, versions FROM advisory_packages \
                 WHERE ecosystem = $1 AND name IN ({})",
                placeholders(2, chunk.len())
            );
            let mut params = vec![Param::text(ecosystem)];
            params.extend(chunk.iter().map(|name| Param::text(name)));
            for row in tx.fetch_all(context, &sql, &params).await? {
                let advisory_row = row.int(0)?;
                let name = row.text(1)?;
                let ranges = read_ranges(&row.text(2)?)?
                    .iter()
                    .filter_map(|range| range.to_entry_range())
                    .collect();
                let versions = read_strings(&row.text(3)?)?;
                advisory_rows.insert(advisory_row);
                index.add_package(
                    &name,
                    AffectedEntry {
                        advisory_row,
                        ecosystem: ecosystem.clone(),
                        ranges,
                        versions,
                    },
                );
            }
        }
    }
    let products: Vec<&String> = products.iter().collect();
    for chunk in products.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT advisory_row, vendor, product, criteria, version_start_including, \
             version_start_excluding, version_end_including, version_end_excluding, platforms \
             FROM advisory_cpes WHERE product IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|p| Param::text(p)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            let advisory_row = row.int(0)?;
            let criteria_text = row.text(3)?;
            let Ok(criteria) = medsbom_versions::cpe::Cpe::parse(&criteria_text) else {
                continue;
            };
            advisory_rows.insert(advisory_row);
            index.add_cpe(
                &row.text(2)?,
                CpeEntry {
                    advisory_row,
                    vendor: row.text(1)?,
                    criteria,
                    start_including: row.opt_text(4)?,
                    start_excluding: row.opt_text(5)?,
                    end_including: row.opt_text(6)?,
                    end_excluding: row.opt_text(7)?,
                    platforms: read_strings(&row.text(8)?)?,
                },
            );
        }
    }
    let mut feeds = HashMap::with_capacity(advisory_rows.len());
    let advisory_rows: Vec<i64> = advisory_rows.into_iter().collect();
    for chunk in advisory_rows.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT id, source, database FROM advisories WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            let source = row.text(1)?;
            let database = row.text(2)?;
            let feed = if source == database {
                source
            } else {
                format!("{source}/{database}")
            };
            feeds.insert(row.int(0)?, feed);
        }
    }
    Ok(Candidates { index, feeds })
}

async fn load_findings(
    tx: &mut Tx,
    package_ids: Option<&[i64]>,
) -> Result<HashMap<(i64, i64), FindingRow>, VulnError> {
    let context = "loading stored findings";
    let select = "SELECT package_id, advisory_row, basis, identifier, range_text, \
                  fixed_versions, feed FROM findings";
    let mut rows = Vec::new();
    match package_ids {
        None => rows = tx.fetch_all(context, select, &[]).await?,
        Some(ids) => {
            for chunk in ids.chunks(KEY_CHUNK) {
                let sql = format!(
                    "{select} WHERE package_id IN ({})",
                    placeholders(1, chunk.len())
                );
                let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
                rows.extend(tx.fetch_all(context, &sql, &params).await?);
            }
        }
    }
    let mut res = HashMap::with_capacity(rows.len());
    for row in rows {
        let basis_text = row.text(2)?;
        let basis = Basis::parse(&basis_text)
            .ok_or_else(|| VulnError::Shape(format!("unknown finding basis {basis_text:?}")))?;
        res.insert(
            (row.int(0)?, row.int(1)?),
            FindingRow {
                basis,
                identifier: row.text(3)?,
                range: row.text(4)?,
                fixed: row.text(5)?,
                feed: row.text(6)?,
            },
        );
    }
    Ok(res)
}

async fn delete_findings(tx: &mut Tx, keys: &[(i64, i64)]) -> Result<(), VulnError> {
    for chunk in keys.chunks(rows_per_statement(2).min(KEY_CHUNK)) {
        let mut values = String::new();
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for (idx, (package_id, advisory_row)) in chunk.iter().enumerate() {
            if 0 < idx {
                values.push_str(", ");
            }
            values.push_str(&format!("(${}, ${})", 2 * idx + 1, 2 * idx + 2));
            params.push(Param::int(*package_id));
            params.push(Param::int(*advisory_row));
        }
        let sql =
            format!("DELETE FROM findings WHERE (package_id, advisory_row) IN (VALUES {values})");
        tx.execute("removing findings", &sql, &params).await?;
    }
    Ok(())
}

async fn insert_findings(tx: &mut Tx, rows: &[((i64, i64), &FindingRow)]) -> Result<(), VulnError> {
    const COLUMNS: [&str; 8] = [
        "package_id",
        "advisory_row",
        "basis",
        "confidence",
        "identifier",
        "range_text",
        "fixed_versions",
        "feed",
    ];
    for chunk in rows.chunks(rows_per_statement(COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for ((package_id, advisory_row), row) in chunk {
            params.push(Param::int(*package_id));
            params.push(Param::int(*advisory_row));
            params.push(Param::text(row.basis.as_str()));
            params.push(Param::int(row.basis.confidence()));
            params.push(Param::text(&row.identifier));
            params.push(Param::text(&row.range));
            params.push(Param::text(&row.fixed));
            params.push(Param::text(&row.feed));
        }
        let sql = insert_sql("findings", &COLUMNS, chunk.len(), "");
        tx.execute("storing findings", &sql, &params).await?;
    }
    Ok(())
}

async fn write_states(tx: &mut Tx, packages: &[PackageRow]) -> Result<(), VulnError> {
    const COLUMNS: [&str; 5] = ["package_id", "ecosystem", "name", "vendor", "product"];
    let changed: Vec<(i64, StateKeys)> = packages
        .iter()
        .filter_map(|package| {
            let keys = StateKeys::of(&package.query);
            match &package.state {
                Some(state) if *state == keys => None,
                _ => Some((package.query.package_id, keys)),
            }
        })
        .collect();
    for chunk in changed.chunks(rows_per_statement(COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for (package_id, keys) in chunk {
            params.push(Param::int(*package_id));
            params.push(Param::Text(keys.ecosystem.as_deref()));
            params.push(Param::Text(keys.name.as_deref()));
            params.push(Param::Text(keys.vendor.as_deref()));
            params.push(Param::Text(keys.product.as_deref()));
        }
        let sql = insert_sql(
            "package_match_state",
            &COLUMNS,
            chunk.len(),
            "ON CONFLICT (package_id) DO UPDATE SET ecosystem = excluded.ecosystem, \
             name = excluded.name, vendor = excluded.vendor, product = excluded.product",
        );
        tx.execute("recording matched packages", &sql, &params)
            .await?;
    }
    Ok(())
}
