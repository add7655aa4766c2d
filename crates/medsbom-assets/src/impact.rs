//! Incident impact: which deployed devices, where, carry a vulnerability or a component.
//!
//! Two queries, as the portfolio's shape asks: first the distinct (product version,
//! package) pairs, the walk vulnerability → advisories of its alias group → findings
//! (package ids) → components of the newest SBOM revision of each product version, using
//! the indexes at every step (`advisories_advisory_id`, `findings_advisory`,
//! `sbom_components_package`, `product_versions_latest`); a component search (purl, CPE,
//! name, version range) replaces the first steps by the matching packages. A ward-level
//! answer is a few dozen pairs. Then the organization's assets running those product
//! versions (`assets_product_version`), thousands of rows, read packed
//! ([`crate::db::AssetDb::fetch_all_packed`]). Each row is one (asset, component) pair with
//! its [`crate::priority`].
//!
//! Each row of a vulnerability search gets its `vex_status` from medsbom-vex (the
//! hospital's own analysis, else the winning VEX statement for that vulnerability, package
//! and product version); rows whose status is `not_affected` or `fixed` are suppressed
//! unless asked for ([`is_suppressed`]).

use std::collections::{BTreeMap, HashMap};

use medsbom_versions::cpe::{Cpe, CpeValue, cpe_matches};
use medsbom_versions::purl::Purl;
use medsbom_versions::vers::VersionRange;

use crate::AssetError;
use crate::db::{AssetDb, Param, Row, placeholders};
use crate::model::{Criticality, Exposure, credentials_known, location_text};
use crate::priority::{
    DeviceInputs, ThreatInputs, asset_priority, criticality_weight, exposure_weight,
};
use crate::threat::{ID_CHUNK, Vulnerability, find_vulnerability};

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpactTarget {
    /// A vulnerability id (CVE, GHSA, OSV id…; any alias of the group).
    Vulnerability(String),
    /// A purl; without a version every version of the package.
    Purl(String),
    /// A CPE name or pattern (2.3 or 2.2 URI form), matched per NISTIR 7696.
    Cpe(String),
    /// A component name (case-insensitive, exact).
    Component(String),
}

/// An impact request.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactQuery {
    /// The organization whose assets are searched.
    pub organization: String,
    /// What to look for.
    pub target: ImpactTarget,
    /// A `vers:` range the component's version must be in (component searches only).
    pub version_range: Option<String>,
    /// For a component search: what to assume about the vulnerability behind it (for one
    /// not yet in the feeds). Ignored for a vulnerability, whose feeds say it.
    pub assumed_threat: Option<ThreatInputs>,
    /// Also list rows that VEX suppresses (`not_affected`, `fixed`).
    pub include_suppressed: bool,
}

/// One affected asset and the component that makes it so.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactRow {
    /// The hospital's asset tag.
    pub asset_id: String,
    /// Manufacturer as the inventory writes it.
    pub manufacturer: Option<String>,
    /// Product as the inventory writes it.
    pub product: Option<String>,
    /// Product version as the inventory writes it.
    pub product_version: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Building.
    pub building: Option<String>,
    /// Ward or department.
    pub department: Option<String>,
    /// Network zone or VLAN.
    pub zone: Option<String>,
    /// IP addresses.
    pub ip: Option<String>,
    /// Host name.
    pub hostname: Option<String>,
    /// Patient-safety criticality.
    pub criticality: Option<Criticality>,
    /// Network exposure.
    pub exposure: Option<Exposure>,
    /// Known default or hard-coded credentials.
    pub default_credentials: bool,
    /// The matching component's package id.
    pub package_id: i64,
    /// The matching component's name.
    pub component: String,
    /// Its version.
    pub component_version: Option<String>,
    /// Its purl.
    pub purl: Option<String>,
    /// The vulnerability (`None` for a component search).
    pub vulnerability_id: Option<String>,
    /// The VEX status for this product version, when one is recorded.
    pub vex_status: Option<String>,
    /// The stored SBOM revision the component comes from (the newest of its product
    /// version), when known.
    pub sbom_id: Option<i64>,
    /// What the vulnerability contributes to the priority.
    pub threat: ThreatInputs,
    /// The vulnerability priority `V` (0–100).
    pub vulnerability_priority: f64,
    /// The criticality weight `C`.
    pub criticality_weight: f64,
    /// The exposure weight `X`.
    pub exposure_weight: f64,
    /// The asset priority (0–100), see [`crate::priority`].
    pub priority: f64,
}

impl ImpactRow {
    /// Site, building and ward joined with ` / `.
    #[must_use]
    pub fn location(&self) -> String {
        location_text(
            self.site.as_deref(),
            self.building.as_deref(),
            self.department.as_deref(),
        )
    }
}

/// The answer to an [`ImpactQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactReport {
    /// The vulnerability, for a vulnerability target.
    pub vulnerability: Option<Vulnerability>,
    /// The affected assets, highest priority first (then most critical, then asset id).
    pub rows: Vec<ImpactRow>,
    /// Rows left out because VEX suppresses them.
    pub n_suppressed: usize,
}

impl ImpactReport {
    /// How many distinct assets are affected.
    #[must_use]
    pub fn n_assets(&self) -> usize {
        let mut ids: Vec<&str> = self.rows.iter().map(|r| r.asset_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// How to group impact rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// By site.
    Site,
    /// By site and ward.
    Ward,
    /// By manufacturer, product and version.
    Product,
}

/// A group of impact rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactGroup {
    /// The group's name (`North Campus / ICU`, `Acme Ventilator 2.1`; `(unknown)` when the
    /// inventory leaves it empty).
    pub key: String,
    /// Its rows, highest priority first.
    pub rows: Vec<ImpactRow>,
    /// The highest priority of its rows.
    pub max_priority: f64,
}

/// Whether a VEX status suppresses a row (`not_affected` or `fixed`).
#[must_use]
pub fn is_suppressed(vex_status: Option<&str>) -> bool {
    matches!(vex_status, Some("not_affected" | "fixed"))
}

/// Groups rows (which keep their order inside each group); groups with the highest
/// priority come first, then by name.
#[must_use]
pub fn group_rows(rows: &[ImpactRow], by: GroupBy) -> Vec<ImpactGroup> {
    let mut groups: BTreeMap<String, Vec<ImpactRow>> = BTreeMap::new();
    for row in rows {
        let key = match by {
            GroupBy::Site => row.site.clone().unwrap_or_default(),
            GroupBy::Ward => location_text(row.site.as_deref(), None, row.department.as_deref()),
            GroupBy::Product => [
                row.manufacturer.as_deref(),
                row.product.as_deref(),
                row.product_version.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        };
        let key = if key.trim().is_empty() {
            "(unknown)".to_owned()
        } else {
            key
        };
        groups.entry(key).or_default().push(row.clone());
    }
    let mut res: Vec<ImpactGroup> = groups
        .into_iter()
        .map(|(key, rows)| {
            let max_priority = rows.iter().map(|r| r.priority).fold(0.0, f64::max);
            ImpactGroup {
                key,
                rows,
                max_priority,
            }
        })
        .collect();
    res.sort_by(|a, b| {
        b.max_priority
            .total_cmp(&a.max_priority)
            .then_with(|| a.key.cmp(&b.key))
    });
    res
}

/// Finds the affected assets.
pub async fn impact(db: &AssetDb, query: &ImpactQuery) -> Result<ImpactReport, AssetError> {
    impact_for(db, query, &medsbom_vex::service::VexScope::Everything).await
}

/// [`impact`] with the VEX status from the sources and analyses `vex_scope` sees (one
/// organization of `medsbom serve`).
pub async fn impact_for(
    db: &AssetDb,
    query: &ImpactQuery,
    vex_scope: &medsbom_vex::service::VexScope,
) -> Result<ImpactReport, AssetError> {
    let range = match query.version_range.as_deref() {
        Some(text) => {
            if matches!(query.target, ImpactTarget::Vulnerability(_)) {
                return Err(AssetError::Invalid {
                    what: "version range",
                    value: text.to_owned(),
                    reason: "applies to a component search (purl, CPE or name), not to a \
                             vulnerability"
                        .to_owned(),
                });
            }
            Some(
                VersionRange::parse(text.trim()).map_err(|err| AssetError::Invalid {
                    what: "version range",
                    value: text.to_owned(),
                    reason: err.to_string(),
                })?,
            )
        }
        None => None,
    };
    let (vulnerability, rows) = match &query.target {
        ImpactTarget::Vulnerability(id) => {
            let Some(vulnerability) = find_vulnerability(db, id).await? else {
                return Err(AssetError::NotFound(format!(
                    "vulnerability {id} is not in the imported feeds; import them (medsbom \
                     feeds import) or search by component (--purl, --cpe, --component)"
                )));
            };
            let rows =
                vulnerability_rows(db, &query.organization, &vulnerability, vex_scope).await?;
            (Some(vulnerability), rows)
        }
        target => {
            let threat = query
                .assumed_threat
                .clone()
                .unwrap_or_else(ThreatInputs::unknown);
            let rows =
                component_rows(db, &query.organization, target, range.as_ref(), &threat).await?;
            (None, rows)
        }
    };
    let n_before = rows.len();
    let mut rows: Vec<ImpactRow> = rows
        .into_iter()
        .filter(|row| query.include_suppressed || !is_suppressed(row.vex_status.as_deref()))
        .collect();
    let n_suppressed = n_before - rows.len();
    sort_rows(&mut rows);
    Ok(ImpactReport {
        vulnerability,
        rows,
        n_suppressed,
    })
}

/// Highest priority first, then most critical, then by asset id and component (name,
/// version, then package id, so that the order never depends on the database's).
///
/// The rows are large, so an order of indexes is sorted and each row moved once.
pub(crate) fn sort_rows(rows: &mut Vec<ImpactRow>) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&rows[i], &rows[j]);
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| rank(a.criticality).cmp(&rank(b.criticality)))
            .then_with(|| a.asset_id.cmp(&b.asset_id))
            .then_with(|| a.component.cmp(&b.component))
            .then_with(|| a.component_version.cmp(&b.component_version))
            .then_with(|| a.package_id.cmp(&b.package_id))
    });
    let mut slots: Vec<Option<ImpactRow>> = rows.drain(..).map(Some).collect();
    rows.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

fn rank(criticality: Option<Criticality>) -> usize {
    criticality.map_or(Criticality::ALL.len(), |c| c as usize)
}

/// The asset columns of an impact row, then the asset's product version (read with
/// [`AssetDb::fetch_all_packed`]: integers, texts and NULLs only).
const ASSET_COLUMNS: &str = "a.asset_id, a.manufacturer, a.product, a.product_version, a.site, \
     a.building, a.department, a.zone, a.ip, a.hostname, a.criticality, a.exposure, \
     a.default_credentials, a.product_version_id";

/// How many asset queries [`affected_assets`] runs at once (the pool's connections).
const PARALLEL_READS: usize = 4;

/// How many asset columns an impact row starts with (those of [`ASSET_COLUMNS`] before the
/// product version).
const N_ASSET_COLUMNS: usize = 13;

async fn vulnerability_rows(
    db: &AssetDb,
    organization: &str,
    vulnerability: &Vulnerability,
    vex_scope: &medsbom_vex::service::VexScope,
) -> Result<Vec<ImpactRow>, AssetError> {
    let context = "finding the assets a vulnerability affects";
    let members: Vec<Param<'_>> = vulnerability
        .aliases
        .iter()
        .map(|id| Param::Text(Some(id)))
        .collect();
    let mut pairs = Vec::new();
    for chunk in members.chunks(ID_CHUNK) {
        let sql = pairs_sql(&format!(
            "SELECT DISTINCT pv.id AS pv_id, c.package_id AS package_id, c.sbom_id AS sbom_id \
             FROM advisories adv \
             JOIN findings f ON f.advisory_row = adv.id \
             JOIN sbom_components c ON c.package_id = f.package_id \
             JOIN product_versions pv ON pv.latest_sbom_id = c.sbom_id \
             WHERE adv.withdrawn IS NULL AND adv.advisory_id IN ({})",
            placeholders(1, chunk.len())
        ));
        pairs.extend(read_pairs(db, context, &sql, chunk).await?);
    }
    // Two chunks of aliases may find the same pair.
    pairs.sort_by_key(|pair| (pair.product_version_id, pair.package_id));
    pairs.dedup_by_key(|pair| (pair.product_version_id, pair.package_id));
    // The VEX status depends on the pair only (the stored product version, its SBOM, the
    // package), so each pair is resolved once and its status goes to every asset row of
    // the pair: the 5,000 rows of a ward-level answer are a few dozen pairs. It is read
    // on medsbom-vex's pool while the assets are read on this one.
    let mut ids = vec![vulnerability.id.clone()];
    ids.extend(vulnerability.aliases.iter().cloned());
    let findings: Vec<(&Pair, Vec<String>)> =
        pairs.iter().map(|pair| (pair, ids.clone())).collect();
    let (mut rows, statuses) = tokio::try_join!(
        affected_assets(
            db,
            organization,
            &pairs,
            Some(&vulnerability.id),
            &vulnerability.threat,
        ),
        vex_statuses(db, &findings, vex_scope),
    )?;
    let by_pair: HashMap<(i64, i64), Option<String>> = pairs
        .iter()
        .map(|pair| (pair.sbom_id, pair.package_id))
        .zip(statuses)
        .collect();
    for row in &mut rows {
        if let Some(sbom_id) = row.sbom_id {
            row.vex_status = by_pair.get(&(sbom_id, row.package_id)).cloned().flatten();
        }
    }
    Ok(rows)
}

async fn component_rows(
    db: &AssetDb,
    organization: &str,
    target: &ImpactTarget,
    range: Option<&VersionRange>,
    threat: &ThreatInputs,
) -> Result<Vec<ImpactRow>, AssetError> {
    let context = "finding the assets with a component";
    let invalid = |what: &'static str, value: &str, reason: String| AssetError::Invalid {
        what,
        value: value.to_owned(),
        reason,
    };
    // The packages: a subquery when the database can decide alone, else ids checked here.
    let mut package_filter: Option<(String, Vec<String>)> = None;
    let mut candidates: Option<(String, Vec<String>)> = None;
    let mut cpe_pattern = None;
    match target {
        ImpactTarget::Vulnerability(_) => return Ok(Vec::new()),
        ImpactTarget::Purl(text) => {
            let purl =
                Purl::parse(text.trim()).map_err(|err| invalid("purl", text, err.to_string()))?;
            let mut sql = "k.purl_key = $1".to_owned();
            let mut params = vec![purl.package_key()];
            if let Some(version) = purl.version() {
                sql.push_str(" AND k.version = $2");
                params.push(version.to_owned());
            }
            package_filter = Some((sql, params));
        }
        ImpactTarget::Component(name) => {
            let name = name.trim();
            if name.is_empty() {
                return Err(invalid("component name", name, "empty".to_owned()));
            }
            package_filter = Some((
                "lower(k.name) = lower($1)".to_owned(),
                vec![name.to_owned()],
            ));
        }
        ImpactTarget::Cpe(text) => {
            let cpe =
                Cpe::parse(text.trim()).map_err(|err| invalid("CPE", text, err.to_string()))?;
            candidates = Some(match cpe_bounds(&cpe) {
                Some((low, high)) => ("k.cpe >= $1 AND k.cpe < $2".to_owned(), vec![low, high]),
                None => ("k.cpe IS NOT NULL".to_owned(), Vec::new()),
            });
            cpe_pattern = Some(cpe);
        }
    }
    if range.is_some()
        && let Some(filter) = package_filter.take()
    {
        candidates = Some(filter);
    }
    if let Some((sql, params)) = package_filter {
        let sql = pairs_sql(&component_pairs_sql(&format!(
            "SELECT k.id FROM packages k WHERE {sql}"
        )));
        let params: Vec<Param<'_>> = params.iter().map(|p| Param::Text(Some(p))).collect();
        let pairs = read_pairs(db, context, &sql, &params).await?;
        return affected_assets(db, organization, &pairs, None, threat).await;
    }
    let Some((where_sql, params)) = candidates else {
        return Ok(Vec::new());
    };
    let sql = format!("SELECT k.id, k.version, k.cpe FROM packages k WHERE {where_sql}");
    let params: Vec<Param<'_>> = params.iter().map(|p| Param::Text(Some(p))).collect();
    let rows = db.fetch_all(context, &sql, &params).await?;
    let mut package_ids = Vec::new();
    for row in &rows {
        let read = || -> Result<(i64, Option<String>, Option<String>), String> {
            Ok((row.int(0)?, row.opt_text(1)?, row.opt_text(2)?))
        };
        let (id, version, cpe) = read().map_err(|message| db.corrupt(context, message))?;
        if let Some(pattern) = &cpe_pattern {
            let matches = cpe
                .as_deref()
                .and_then(|text| Cpe::parse(text).ok())
                .is_some_and(|target| cpe_matches(pattern, &target));
            if !matches {
                continue;
            }
        }
        if let Some(range) = range {
            // A version the range's scheme cannot read is not in the range.
            let inside = version
                .as_deref()
                .is_some_and(|v| range.contains(v).unwrap_or(false));
            if !inside {
                continue;
            }
        }
        package_ids.push(id);
    }
    let mut pairs = Vec::new();
    for chunk in package_ids.chunks(ID_CHUNK) {
        let sql = pairs_sql(&component_pairs_sql(&placeholders(1, chunk.len())));
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::Int(Some(*id))).collect();
        pairs.extend(read_pairs(db, context, &sql, &params).await?);
    }
    affected_assets(db, organization, &pairs, None, threat).await
}

/// A (product version, package) pair: the package is a component of the newest SBOM of
/// the product version. Read by [`PAIR_COLUMNS`] and [`read_pair`].
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub(crate) product_version_id: i64,
    pub(crate) package_id: i64,
    /// The newest SBOM of the product version.
    pub(crate) sbom_id: i64,
    /// The package's name, version and purl.
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) purl: Option<String>,
    /// The stored manufacturer, product and product version (as `medsbom vulns` names the
    /// finding, and as VEX statements and analyses name it).
    pub(crate) manufacturer: String,
    pub(crate) product: String,
    pub(crate) product_version: String,
}

impl Pair {
    /// The finding of `vulnerability_ids` (canonical first) on this pair, for medsbom-vex.
    fn finding_key(&self, vulnerability_ids: Vec<String>) -> medsbom_vex::service::FindingKey {
        medsbom_vex::service::FindingKey {
            manufacturer: Some(self.manufacturer.clone()),
            product: self.product.clone(),
            product_version: self.product_version.clone(),
            sbom_id: Some(self.sbom_id),
            package_id: Some(self.package_id),
            purl: self.purl.clone(),
            cpe: None,
            component_version: self.version.clone(),
            vulnerability_ids,
        }
    }
}

/// The columns of a [`Pair`], given `pv` (the product version), `c.package_id`,
/// `c.sbom_id`, `k` (the package), `pr` (the product) and `o` (its organization).
pub(crate) const PAIR_COLUMNS: &str =
    "pv.id, c.package_id, c.sbom_id, k.name, k.version, k.purl, o.name, pr.name, pv.version";

/// Reads a [`Pair`] from the [`PAIR_COLUMNS`] of `row`, starting at column `at`.
pub(crate) fn read_pair(row: &Row, at: usize) -> Result<Pair, String> {
    Ok(Pair {
        product_version_id: row.int(at)?,
        package_id: row.int(at + 1)?,
        sbom_id: row.int(at + 2)?,
        name: row.text(at + 3)?,
        version: row.opt_text(at + 4)?,
        purl: row.opt_text(at + 5)?,
        manufacturer: row.text(at + 6)?,
        product: row.text(at + 7)?,
        product_version: row.text(at + 8)?,
    })
}

/// The VEX status of each finding (same order as `findings`): a pair and the identifiers
/// of its vulnerability (canonical first). medsbom-vex resolves each finding once.
pub(crate) async fn vex_statuses(
    db: &AssetDb,
    findings: &[(&Pair, Vec<String>)],
    vex_scope: &medsbom_vex::service::VexScope,
) -> Result<Vec<Option<String>>, AssetError> {
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<medsbom_vex::service::FindingKey> = findings
        .iter()
        .map(|(pair, ids)| pair.finding_key(ids.clone()))
        .collect();
    let annotations = medsbom_vex::service::annotate_for(&db.vex, &keys, vex_scope).await?;
    if annotations.len() != keys.len() {
        return Err(db.corrupt(
            "annotating findings with vex",
            format!(
                "{} annotations for {} finding keys",
                annotations.len(),
                keys.len()
            ),
        ));
    }
    Ok(annotations
        .into_iter()
        .map(|annotation| annotation.map(|a| a.status.as_str().to_owned()))
        .collect())
}

/// The distinct (product version, package, newest SBOM) triples of components whose package
/// is in `package_ids` (a subquery or a parameter list).
fn component_pairs_sql(package_ids: &str) -> String {
    format!(
        "SELECT DISTINCT pv.id AS pv_id, c.package_id AS package_id, c.sbom_id AS sbom_id \
         FROM sbom_components c \
         JOIN product_versions pv ON pv.latest_sbom_id = c.sbom_id \
         WHERE c.package_id IN ({package_ids})"
    )
}

/// The query that reads [`Pair`]s from `triples` (a query of `pv_id, package_id, sbom_id`).
fn pairs_sql(triples: &str) -> String {
    format!(
        "SELECT {PAIR_COLUMNS} FROM ({triples}) c JOIN packages k ON k.id = c.package_id \
         JOIN product_versions pv ON pv.id = c.pv_id JOIN products pr ON pr.id = pv.product_id \
         JOIN organizations o ON o.id = pr.organization_id"
    )
}

async fn read_pairs(
    db: &AssetDb,
    context: &str,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Pair>, AssetError> {
    let rows = db.fetch_all(context, sql, params).await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in &rows {
        res.push(read_pair(row, 0).map_err(|message| db.corrupt(context, message))?);
    }
    Ok(res)
}

/// The organization's assets (in service) running the product versions of `pairs`, one
/// row per (asset, pair). The pairs are few (one per affected product version and
/// package); the assets are many, and come in one packed query per chunk of versions.
async fn affected_assets(
    db: &AssetDb,
    organization: &str,
    pairs: &[Pair],
    vulnerability_id: Option<&str>,
    threat: &ThreatInputs,
) -> Result<Vec<ImpactRow>, AssetError> {
    let context = "reading the affected assets";
    let mut by_version: HashMap<i64, Vec<&Pair>> = HashMap::new();
    for pair in pairs {
        by_version
            .entry(pair.product_version_id)
            .or_default()
            .push(pair);
    }
    let mut version_ids: Vec<i64> = by_version.keys().copied().collect();
    version_ids.sort_unstable();
    // The versions are read in up to PARALLEL_READS queries at once (each on a connection
    // of the pool): the database builds one part while this task decodes another.
    let part_len = version_ids
        .len()
        .div_ceil(PARALLEL_READS)
        .clamp(1, ID_CHUNK);
    let by_version = &by_version;
    let reads = version_ids.chunks(part_len).map(|chunk| async move {
        // `+a.organization_id` keeps both planners off the organization's index (every
        // asset of a hospital is in it; SQLite's sampled statistics can make it look
        // selective) and on `assets_product_version`.
        let sql = format!(
            "FROM assets a WHERE a.retired_at IS NULL AND +a.organization_id = \
             (SELECT id FROM organizations WHERE kind = 'provider' AND name = $1) \
             AND a.product_version_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut params = vec![Param::Text(Some(organization))];
        params.extend(chunk.iter().map(|id| Param::Int(Some(*id))));
        let assets = db
            .fetch_all_packed(context, ASSET_COLUMNS, &sql, &params)
            .await?;
        let mut rows = Vec::with_capacity(assets.len());
        for mut asset in assets {
            let version_id = asset
                .int(N_ASSET_COLUMNS)
                .map_err(|err| db.corrupt(context, err))?;
            let Some(pairs) = by_version.get(&version_id) else {
                continue;
            };
            let device =
                Device::read(&mut asset).map_err(|message| db.corrupt(context, message))?;
            impact_rows_of(
                device,
                pairs.iter().copied(),
                vulnerability_id,
                threat,
                &mut rows,
            );
        }
        Ok::<_, AssetError>(rows)
    });
    let parts = futures_util::future::try_join_all(reads).await?;
    let res: Vec<ImpactRow> = parts.into_iter().flatten().collect();
    Ok(res)
}

/// The asset columns of an impact row, read once per asset (its first
/// [`N_ASSET_COLUMNS`] columns, those of [`ASSET_COLUMNS`]).
#[derive(Debug, Clone)]
pub(crate) struct Device {
    asset_id: String,
    manufacturer: Option<String>,
    product: Option<String>,
    product_version: Option<String>,
    site: Option<String>,
    building: Option<String>,
    department: Option<String>,
    zone: Option<String>,
    ip: Option<String>,
    hostname: Option<String>,
    inputs: DeviceInputs,
}

impl Device {
    /// Reads the asset columns, moving its texts out of `row`.
    pub(crate) fn read(row: &mut Row) -> Result<Device, String> {
        let criticality = match row.take_opt_text(10)? {
            Some(text) => Some(
                Criticality::parse(&text).ok_or_else(|| format!("unknown criticality {text:?}"))?,
            ),
            None => None,
        };
        let exposure = match row.take_opt_text(11)? {
            Some(text) => {
                Some(Exposure::parse(&text).ok_or_else(|| format!("unknown exposure {text:?}"))?)
            }
            None => None,
        };
        let default_credentials = credentials_known(row.take_opt_text(12)?.as_deref());
        Ok(Device {
            asset_id: row.take_text(0)?,
            manufacturer: row.take_opt_text(1)?,
            product: row.take_opt_text(2)?,
            product_version: row.take_opt_text(3)?,
            site: row.take_opt_text(4)?,
            building: row.take_opt_text(5)?,
            department: row.take_opt_text(6)?,
            zone: row.take_opt_text(7)?,
            ip: row.take_opt_text(8)?,
            hostname: row.take_opt_text(9)?,
            inputs: DeviceInputs {
                criticality,
                exposure,
                default_credentials,
            },
        })
    }
}

/// An impact row: a device and the component that makes it one, with its priority.
pub(crate) fn impact_row(
    device: Device,
    pair: &Pair,
    vulnerability_id: Option<&str>,
    threat: &ThreatInputs,
) -> ImpactRow {
    let DeviceInputs {
        criticality,
        exposure,
        default_credentials,
    } = device.inputs;
    let vulnerability_priority = threat.vulnerability_priority();
    ImpactRow {
        asset_id: device.asset_id,
        manufacturer: device.manufacturer,
        product: device.product,
        product_version: device.product_version,
        site: device.site,
        building: device.building,
        department: device.department,
        zone: device.zone,
        ip: device.ip,
        hostname: device.hostname,
        criticality,
        exposure,
        default_credentials,
        package_id: pair.package_id,
        component: pair.name.clone(),
        component_version: pair.version.clone(),
        purl: pair.purl.clone(),
        vulnerability_id: vulnerability_id.map(str::to_owned),
        vex_status: None,
        sbom_id: Some(pair.sbom_id),
        threat: threat.clone(),
        vulnerability_priority,
        criticality_weight: criticality_weight(criticality),
        exposure_weight: exposure_weight(exposure, default_credentials),
        priority: asset_priority(vulnerability_priority, &device.inputs),
    }
}

/// One impact row per pair of `pairs` for the asset `device`: the device is cloned for all
/// but the last.
pub(crate) fn impact_rows_of<'p>(
    device: Device,
    pairs: impl ExactSizeIterator<Item = &'p Pair>,
    vulnerability_id: Option<&str>,
    threat: &ThreatInputs,
    out: &mut Vec<ImpactRow>,
) {
    let n = pairs.len();
    let mut device = Some(device);
    for (idx, pair) in pairs.enumerate() {
        let this = if idx + 1 == n {
            device.take()
        } else {
            device.clone()
        };
        if let Some(this) = this {
            out.push(impact_row(this, pair, vulnerability_id, threat));
        }
    }
}

/// `[low, high)` on the canonical CPE text for a pattern whose part, vendor and product are
/// plain values: every matching name starts with `cpe:2.3:part:vendor:product:`.
fn cpe_bounds(cpe: &Cpe) -> Option<(String, String)> {
    let plain = |value: &CpeValue| match value {
        CpeValue::Value(text) if !value.has_wildcards() => Some(text.clone()),
        _ => None,
    };
    let part = plain(cpe.part())?;
    let vendor = plain(cpe.vendor())?;
    let product = plain(cpe.product())?;
    // ';' is the character after ':'.
    Some((
        format!("cpe:2.3:{part}:{vendor}:{product}:"),
        format!("cpe:2.3:{part}:{vendor}:{product};"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(asset_id: &str, site: &str, ward: &str, priority: f64) -> ImpactRow {
        ImpactRow {
            asset_id: asset_id.to_owned(),
            manufacturer: Some("Acme".to_owned()),
            product: Some("Pump".to_owned()),
            product_version: Some("1.0".to_owned()),
            site: Some(site.to_owned()),
            building: None,
            department: Some(ward.to_owned()),
            zone: None,
            ip: None,
            hostname: None,
            criticality: None,
            exposure: None,
            default_credentials: false,
            package_id: 1,
            component: "zlib".to_owned(),
            component_version: Some("1.2.11".to_owned()),
            purl: None,
            vulnerability_id: None,
            vex_status: None,
            sbom_id: None,
            threat: ThreatInputs::unknown(),
            vulnerability_priority: 20.0,
            criticality_weight: 0.7,
            exposure_weight: 0.7,
            priority,
        }
    }

    #[test]
    fn groups_put_the_most_urgent_first() {
        let rows = vec![
            row("a", "North", "ICU", 50.0),
            row("b", "North", "Lab", 70.0),
            row("c", "South", "ICU", 20.0),
            row("d", "", "", 10.0),
        ];
        let wards = group_rows(&rows, GroupBy::Ward);
        let keys: Vec<&str> = wards.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(
            keys,
            ["North / Lab", "North / ICU", "South / ICU", "(unknown)"]
        );
        let sites = group_rows(&rows, GroupBy::Site);
        assert_eq!(sites[0].key, "North");
        assert_eq!(sites[0].rows.len(), 2);
        assert_eq!(sites[0].max_priority, 70.0);
        let products = group_rows(&rows, GroupBy::Product);
        assert_eq!(products.len(), 1);
        assert_eq!(products[0].key, "Acme Pump 1.0");
    }

    #[test]
    fn vex_suppresses_not_affected_and_fixed() {
        assert!(is_suppressed(Some("not_affected")));
        assert!(is_suppressed(Some("fixed")));
        assert!(!is_suppressed(Some("affected")));
        assert!(!is_suppressed(Some("under_investigation")));
        assert!(!is_suppressed(None));
    }

    #[test]
    fn cpe_bounds_need_a_plain_vendor_and_product() {
        let cpe = Cpe::parse("cpe:2.3:a:zlib:zlib:1.2.*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(
            cpe_bounds(&cpe),
            Some((
                "cpe:2.3:a:zlib:zlib:".to_owned(),
                "cpe:2.3:a:zlib:zlib;".to_owned()
            ))
        );
        let cpe = Cpe::parse("cpe:2.3:a:*:zlib:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(cpe_bounds(&cpe), None);
    }
}
