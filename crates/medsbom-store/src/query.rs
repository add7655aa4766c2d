//! Queries: what is stored (products, SBOM documents) and where a component is (search).

use medsbom_model::{IsoDate, SupportLevel};
use medsbom_versions::compare::Scheme;
use medsbom_versions::cpe::{Cpe, CpeValue, cpe_matches};
use medsbom_versions::purl::Purl;
use medsbom_versions::vers::VersionRange;

use crate::db::{Param, Row, ShapeError, placeholders};
use crate::{Store, StoreError};

/// Package ids per `IN (…)` list of the second search phase.
const ID_CHUNK: usize = 500;

/// One product (device model) and how much is stored for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRow {
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Stored product versions, in the order they were first stored.
    pub versions: Vec<String>,
    /// Stored SBOM documents, all revisions.
    pub n_sboms: i64,
}

/// One stored SBOM document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbomRow {
    /// The document's id in the store.
    pub sbom_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Product version.
    pub product_version: String,
    /// Revision within the product version (1, 2, …).
    pub revision: i64,
    /// Whether this is the newest revision of its product version.
    pub is_latest: bool,
    /// Serialization (`cyclonedx-json`, …).
    pub format: String,
    /// Spec version.
    pub spec_version: String,
    /// Hex SHA-256 of the exact bytes.
    pub sha256: String,
    /// Size of the exact bytes.
    pub raw_size: i64,
    /// Number of components.
    pub n_components: i64,
    /// Ingest time, ISO 8601 UTC.
    pub ingested_at: String,
    /// Who ingested it.
    pub ingested_by: String,
    /// File name it was ingested from.
    pub source_name: Option<String>,
    /// CycloneDX serial number / SPDX namespace.
    pub serial_number: Option<String>,
    /// The conformance check results recorded at ingest (JSON text).
    pub check_results: Option<String>,
}

/// Search filters; every filter that is set must hold (they combine with AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Case-insensitive substring of the package name (`group/name` for CycloneDX groups).
    pub name: Option<String>,
    /// A purl. Without a version it matches every version of the package; with one, that
    /// version. Qualifiers and subpath are ignored.
    pub purl: Option<String>,
    /// A `vers:` range (`vers:npm/>=1.0.0|<2.0.0`), evaluated with the ecosystem's ordering.
    /// An ecosystem scheme (`npm`, `pypi`, `maven`, `deb`, `rpm`, `apk`, …) restricts the
    /// search to packages of that purl type; `semver`, `generic`, … apply to any package.
    pub version_range: Option<String>,
    /// A CPE name or pattern (2.3 or 2.2 URI), matched per NISTIR 7696 against the
    /// components' first CPE.
    pub cpe: Option<String>,
    /// Case-insensitive substring of the component's supplier.
    pub supplier: Option<String>,
    /// Level of support: `actively-maintained`, `no-longer-maintained`, `abandoned`,
    /// `unknown`, or supplier wording such as `EOL`.
    pub support_level: Option<String>,
    /// Only components whose end of support is a date strictly before this ISO date.
    pub eos_before: Option<String>,
    /// Product name (case-insensitive, exact).
    pub product: Option<String>,
    /// Search every revision, not only the newest SBOM of each product version.
    pub all_revisions: bool,
    /// At most this many hits.
    pub limit: Option<usize>,
}

/// One component found by [`Store::search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Product version.
    pub product_version: String,
    /// The SBOM's id.
    pub sbom_id: i64,
    /// The SBOM's revision within its product version.
    pub revision: i64,
    /// The component's `bom-ref` in that SBOM.
    pub bom_ref: String,
    /// Component name.
    pub name: String,
    /// Component version.
    pub version: Option<String>,
    /// The component's purl (as written).
    pub purl: Option<String>,
    /// The component's CPE (canonical 2.3 form when valid).
    pub cpe: Option<String>,
    /// Supplier name.
    pub supplier: Option<String>,
    /// Normalized level of support.
    pub support_level: Option<String>,
    /// End of support as written.
    pub end_of_support: Option<String>,
    /// End of support as an ISO date, when it is one.
    pub end_of_support_date: Option<String>,
    /// The package id (the join key for vulnerability matching).
    pub package_id: i64,
}

/// The search, checked and ready to run.
struct CheckedQuery {
    name_pattern: Option<String>,
    purl_key: Option<String>,
    purl_version: Option<String>,
    range: Option<VersionRange>,
    /// The purl type the range restricts to.
    range_purl_type: Option<String>,
    cpe: Option<Cpe>,
    /// `[low, high)` bounds on the canonical CPE text, when the pattern fixes a prefix.
    cpe_bounds: Option<(String, String)>,
    supplier_pattern: Option<String>,
    support_level: Option<&'static str>,
    eos_before: Option<String>,
    product: Option<String>,
    all_revisions: bool,
    limit: Option<usize>,
}

impl Store {
    /// Every product with its stored versions and SBOM count, by manufacturer and name.
    pub async fn products(&self) -> Result<Vec<ProductRow>, StoreError> {
        let context = "listing products";
        let rows = self
            .pool
            .fetch_all(
                "SELECT o.name, p.name, pv.version, \
                 (SELECT count(*) FROM sboms s WHERE s.product_version_id = pv.id) \
                 FROM products p \
                 JOIN organizations o ON o.id = p.organization_id \
                 LEFT JOIN product_versions pv ON pv.product_id = p.id \
                 ORDER BY o.name, p.name, p.id, pv.id",
                &[],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        let mut res: Vec<ProductRow> = Vec::new();
        for row in rows {
            let shape = |err| self.shape_err(context, err);
            let manufacturer = row.text(0).map_err(shape)?;
            let product = row.text(1).map_err(shape)?;
            let version = row.opt_text(2).map_err(shape)?;
            let n_sboms = row.opt_int(3).map_err(shape)?.unwrap_or(0);
            let same = res
                .last()
                .is_some_and(|last| last.manufacturer == manufacturer && last.product == product);
            if !same {
                res.push(ProductRow {
                    manufacturer,
                    product,
                    versions: Vec::new(),
                    n_sboms: 0,
                });
            }
            if let Some(last) = res.last_mut() {
                last.versions.extend(version);
                last.n_sboms += n_sboms;
            }
        }
        Ok(res)
    }

    /// Every stored SBOM document (all revisions), optionally of one product (name,
    /// case-insensitive), by manufacturer, product, version and revision.
    pub async fn sboms(&self, product: Option<&str>) -> Result<Vec<SbomRow>, StoreError> {
        let context = "listing sboms";
        let mut sql = String::from(
            "SELECT s.id, o.name, p.name, pv.version, s.revision, \
             CASE WHEN pv.latest_sbom_id = s.id THEN 1 ELSE 0 END, s.format, s.spec_version, \
             s.sha256, s.raw_size, s.n_components, s.ingested_at, s.ingested_by, s.source_name, \
             s.serial_number, s.check_results \
             FROM sboms s \
             JOIN product_versions pv ON pv.id = s.product_version_id \
             JOIN products p ON p.id = pv.product_id \
             JOIN organizations o ON o.id = p.organization_id",
        );
        let mut params = Vec::new();
        if let Some(product) = product {
            sql.push_str(" WHERE lower(p.name) = lower($1)");
            params.push(Param::Text(Some(product)));
        }
        sql.push_str(" ORDER BY o.name, p.name, pv.id, s.revision");
        let rows = self
            .pool
            .fetch_all(&sql, &params)
            .await
            .map_err(|err| self.db_err(context, err))?;
        rows.iter()
            .map(|row| sbom_row(row).map_err(|err| self.shape_err(context, err)))
            .collect()
    }

    /// Finds components. Each hit names the product, product version, SBOM revision and
    /// component. By default only the newest revision of each product version is searched.
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        let checked = check_query(query)?;
        let package_ids = match &checked.range {
            Some(range) => Some(self.packages_in_range(&checked, range).await?),
            None => None,
        };
        let mut res = Vec::new();
        match &package_ids {
            None => res = self.search_hits(&checked, None).await?,
            Some(ids) => {
                for chunk in ids.chunks(ID_CHUNK) {
                    res.extend(self.search_hits(&checked, Some(chunk)).await?);
                }
                res.sort_by(|a, b| hit_order(a).cmp(&hit_order(b)));
            }
        }
        if let Some(cpe) = &checked.cpe {
            res.retain(|hit| {
                hit.cpe
                    .as_deref()
                    .and_then(|text| Cpe::parse(text).ok())
                    .is_some_and(|target| cpe_matches(cpe, &target))
            });
        }
        if let Some(limit) = checked.limit {
            res.truncate(limit);
        }
        Ok(res)
    }

    /// First phase of a version-range search: the packages whose version is in the range
    /// (and that pass the other package filters).
    async fn packages_in_range(
        &self,
        checked: &CheckedQuery,
        range: &VersionRange,
    ) -> Result<Vec<i64>, StoreError> {
        let context = "searching packages by version range";
        let mut sql =
            String::from("SELECT k.id, k.version FROM packages k WHERE k.version IS NOT NULL");
        let mut params = Vec::new();
        push_package_filters(checked, &mut sql, &mut params);
        if let Some(purl_type) = &checked.range_purl_type {
            params.push(Param::Text(Some(purl_type)));
            sql.push_str(&format!(" AND k.purl_type = ${}", params.len()));
        }
        sql.push_str(" ORDER BY k.id");
        let rows = self
            .pool
            .fetch_all(&sql, &params)
            .await
            .map_err(|err| self.db_err(context, err))?;
        let mut res = Vec::new();
        for row in rows {
            let id = row.int(0).map_err(|err| self.shape_err(context, err))?;
            let version = row.text(1).map_err(|err| self.shape_err(context, err))?;
            // A version the scheme cannot read is not in the range.
            if range.contains(&version).unwrap_or(false) {
                res.push(id);
            }
        }
        Ok(res)
    }

    async fn search_hits(
        &self,
        checked: &CheckedQuery,
        package_ids: Option<&[i64]>,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let context = "searching components";
        let columns = "SELECT o.name, p.name, pv.version, s.id, s.revision, c.bom_ref, c.name, \
                       c.version, COALESCE(c.purl, k.purl), c.cpe, c.supplier, c.support_level, \
                       c.eos_text, c.eos_date, c.package_id, c.group_name";
        let by_package = package_ids.is_some() || checked.has_package_filter();
        // With a package filter the search starts from `packages` (indexed purl_key, or a
        // scan of the distinct packages for a name) and reaches the components through
        // their package_id index. SQLite never reorders the two sides of a CROSS JOIN, so
        // this holds even before it has statistics; PostgreSQL treats it as a plain join.
        let mut sql = if by_package {
            format!(
                "{columns} FROM packages k CROSS JOIN sbom_components c \
                 JOIN sboms s ON s.id = c.sbom_id"
            )
        } else {
            format!(
                "{columns} FROM sbom_components c JOIN packages k ON k.id = c.package_id \
                 JOIN sboms s ON s.id = c.sbom_id"
            )
        };
        // Latest revisions only: joining the product version through its latest_sbom_id
        // (rather than adding it as a second condition) keeps the planners' row estimates
        // right.
        if checked.all_revisions {
            sql.push_str(" JOIN product_versions pv ON pv.id = s.product_version_id");
        } else {
            sql.push_str(" JOIN product_versions pv ON pv.latest_sbom_id = s.id");
        }
        sql.push_str(
            " JOIN products p ON p.id = pv.product_id \
             JOIN organizations o ON o.id = p.organization_id \
             WHERE 1 = 1",
        );
        if by_package {
            sql.push_str(" AND c.package_id = k.id");
        }
        let mut params: Vec<Param<'_>> = Vec::new();
        match package_ids {
            Some(ids) => {
                sql.push_str(&format!(
                    " AND k.id IN ({})",
                    placeholders(params.len() + 1, ids.len())
                ));
                params.extend(ids.iter().map(|id| Param::Int(Some(*id))));
            }
            None => push_package_filters(checked, &mut sql, &mut params),
        }
        if let Some((low, high)) = &checked.cpe_bounds {
            params.push(Param::Text(Some(low)));
            params.push(Param::Text(Some(high)));
            sql.push_str(&format!(
                " AND c.cpe >= ${} AND c.cpe < ${}",
                params.len() - 1,
                params.len()
            ));
        } else if checked.cpe.is_some() {
            sql.push_str(" AND c.cpe IS NOT NULL");
        }
        if let Some(pattern) = &checked.supplier_pattern {
            params.push(Param::Text(Some(pattern)));
            sql.push_str(&format!(
                " AND lower(c.supplier) LIKE ${} ESCAPE '\\'",
                params.len()
            ));
        }
        if let Some(level) = checked.support_level {
            params.push(Param::Text(Some(level)));
            sql.push_str(&format!(" AND c.support_level = ${}", params.len()));
        }
        if let Some(date) = &checked.eos_before {
            params.push(Param::Text(Some(date)));
            sql.push_str(&format!(
                " AND c.eos_date IS NOT NULL AND c.eos_date < ${}",
                params.len()
            ));
        }
        if let Some(product) = &checked.product {
            params.push(Param::Text(Some(product)));
            sql.push_str(&format!(" AND lower(p.name) = lower(${})", params.len()));
        }
        sql.push_str(" ORDER BY o.name, p.name, pv.version, s.revision, c.idx");
        // The CPE pattern is checked in Rust afterwards, so the limit must wait for it.
        if let (Some(limit), None, None) = (checked.limit, &checked.cpe, package_ids) {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let rows = self
            .pool
            .fetch_all(&sql, &params)
            .await
            .map_err(|err| self.db_err(context, err))?;
        rows.iter()
            .map(|row| search_hit(row).map_err(|err| self.shape_err(context, err)))
            .collect()
    }
}

/// The package-level conditions (name, purl) as `AND …` on the alias `k`.
fn push_package_filters<'q>(
    checked: &'q CheckedQuery,
    sql: &mut String,
    params: &mut Vec<Param<'q>>,
) {
    if let Some(pattern) = &checked.name_pattern {
        params.push(Param::Text(Some(pattern)));
        sql.push_str(&format!(
            " AND lower(k.name) LIKE ${} ESCAPE '\\'",
            params.len()
        ));
    }
    if let Some(purl_key) = &checked.purl_key {
        params.push(Param::Text(Some(purl_key)));
        sql.push_str(&format!(" AND k.purl_key = ${}", params.len()));
    }
    if let Some(version) = &checked.purl_version {
        params.push(Param::Text(Some(version)));
        sql.push_str(&format!(" AND k.version = ${}", params.len()));
    }
}

impl CheckedQuery {
    /// Whether a condition on `packages` narrows the search.
    fn has_package_filter(&self) -> bool {
        self.name_pattern.is_some() || self.purl_key.is_some() || self.purl_version.is_some()
    }
}

fn hit_order(hit: &SearchHit) -> (&str, &str, &str, i64, i64, &str) {
    (
        &hit.manufacturer,
        &hit.product,
        &hit.product_version,
        hit.revision,
        hit.sbom_id,
        &hit.bom_ref,
    )
}

fn check_query(query: &SearchQuery) -> Result<CheckedQuery, StoreError> {
    let invalid = |what: &'static str, value: &str, reason: String| StoreError::InvalidQuery {
        what,
        value: value.to_owned(),
        reason,
    };
    let (purl_key, purl_version) = match query.purl.as_deref() {
        Some(text) => {
            let purl =
                Purl::parse(text.trim()).map_err(|err| invalid("purl", text, err.to_string()))?;
            (Some(purl.package_key()), purl.version().map(str::to_owned))
        }
        None => (None, None),
    };
    let (range, range_purl_type) = match query.version_range.as_deref() {
        Some(text) => {
            let range = VersionRange::parse(text.trim())
                .map_err(|err| invalid("version range", text, err.to_string()))?;
            let purl_type = range_purl_type(range.scheme_name());
            (Some(range), purl_type)
        }
        None => (None, None),
    };
    let (cpe, cpe_bounds) = match query.cpe.as_deref() {
        Some(text) => {
            let cpe =
                Cpe::parse(text.trim()).map_err(|err| invalid("CPE", text, err.to_string()))?;
            let bounds = cpe_bounds(&cpe);
            (Some(cpe), bounds)
        }
        None => (None, None),
    };
    let support_level = match query.support_level.as_deref() {
        Some(text) => {
            let level = SupportLevel::from_normalized(text.trim())
                .unwrap_or_else(|| SupportLevel::normalize(text));
            if level == SupportLevel::Unknown && !text.trim().eq_ignore_ascii_case("unknown") {
                return Err(invalid(
                    "support level",
                    text,
                    "expected actively-maintained, no-longer-maintained, abandoned or unknown"
                        .to_owned(),
                ));
            }
            Some(level.as_str())
        }
        None => None,
    };
    let eos_before = match query.eos_before.as_deref() {
        Some(text) => match IsoDate::parse(text) {
            Some(date) => Some(date.to_string()),
            None => {
                return Err(invalid(
                    "date",
                    text,
                    "expected an ISO 8601 date such as 2027-12-31".to_owned(),
                ));
            }
        },
        None => None,
    };
    Ok(CheckedQuery {
        name_pattern: query.name.as_deref().map(like_pattern),
        purl_key,
        purl_version,
        range,
        range_purl_type,
        cpe,
        cpe_bounds,
        supplier_pattern: query.supplier.as_deref().map(like_pattern),
        support_level,
        eos_before,
        product: query.product.as_deref().map(|p| p.trim().to_owned()),
        all_revisions: query.all_revisions,
        limit: query.limit,
    })
}

/// The purl type a vers scheme stands for, when it names an ecosystem (`vers:npm` → `npm`,
/// `vers:alpine` → `apk`); `None` for generic schemes (`semver`, `generic`, `intdot`, …).
fn range_purl_type(scheme_name: &str) -> Option<String> {
    let purl_type = match scheme_name {
        "alpine" => "apk",
        "debian" => "deb",
        "go" => "golang",
        "semver" | "generic" | "intdot" | "lexicographic" | "datetime" | "all" | "none" => {
            return None;
        }
        other => other,
    };
    Scheme::from_purl_type(purl_type).map(|_| purl_type.to_owned())
}

/// `%text%`, lowercase, with `%`, `_` and `\` escaped for `LIKE … ESCAPE '\'`.
fn like_pattern(text: &str) -> String {
    let mut res = String::from("%");
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if matches!(c, '%' | '_' | '\\') {
            res.push('\\');
        }
        res.push(c);
    }
    res.push('%');
    res
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
    let prefix = format!("cpe:2.3:{part}:{vendor}:{product}:");
    // ';' is the character after ':'.
    let high = format!("cpe:2.3:{part}:{vendor}:{product};");
    Some((prefix, high))
}

fn sbom_row(row: &Row) -> Result<SbomRow, ShapeError> {
    Ok(SbomRow {
        sbom_id: row.int(0)?,
        manufacturer: row.text(1)?,
        product: row.text(2)?,
        product_version: row.text(3)?,
        revision: row.int(4)?,
        is_latest: row.int(5)? == 1,
        format: row.text(6)?,
        spec_version: row.text(7)?,
        sha256: row.text(8)?,
        raw_size: row.int(9)?,
        n_components: row.int(10)?,
        ingested_at: row.text(11)?,
        ingested_by: row.text(12)?,
        source_name: row.opt_text(13)?,
        serial_number: row.opt_text(14)?,
        check_results: row.opt_text(15)?,
    })
}

fn search_hit(row: &Row) -> Result<SearchHit, ShapeError> {
    let name = row.text(6)?;
    let name = match row.opt_text(15)? {
        Some(group) if !group.is_empty() => format!("{group}/{name}"),
        _ => name,
    };
    Ok(SearchHit {
        manufacturer: row.text(0)?,
        product: row.text(1)?,
        product_version: row.text(2)?,
        sbom_id: row.int(3)?,
        revision: row.int(4)?,
        bom_ref: row.text(5)?,
        name,
        version: row.opt_text(7)?,
        purl: row.opt_text(8)?,
        cpe: row.opt_text(9)?,
        supplier: row.opt_text(10)?,
        support_level: row.opt_text(11)?,
        end_of_support: row.opt_text(12)?,
        end_of_support_date: row.opt_text(13)?,
        package_id: row.int(14)?,
    })
}
