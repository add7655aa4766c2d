//! Findings as users see them: one per (product version, component, vulnerability), with
//! the vulnerability's identifiers merged across advisories ([`crate::aliases`]), its
//! severity, CVSS, KEV, EPSS and SSVC data, the fixed versions, the match basis of every
//! advisory that matched, and the [`crate::priority`].
//!
//! [`list_findings`] reads the stored findings of the newest SBOM of every product version;
//! [`scan_sbom`] matches one SBOM against the stored feeds without storing it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use medsbom_model::Sbom;
use rayon::prelude::*;

use crate::aliases::id_order;
use crate::db::{Param, Tx, placeholders};
use crate::evaluate::{Basis, MatchConfig, match_package};
use crate::keys::PackageQuery;
use crate::matching::load_candidates;
use crate::priority::{PriorityInputs, Severity, priority};
use crate::stored::{decompress_data, read_strings};
use crate::{VulnDb, VulnError};

/// Keys per `… IN (…)` list.
const KEY_CHUNK: usize = 500;

/// Which findings to list; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingQuery {
    /// Only this product (exact name).
    pub product: Option<String>,
    /// Only vulnerabilities in CISA KEV.
    pub kev_only: bool,
    /// Only vulnerabilities with a CVSS base score of at least this.
    pub min_cvss: Option<f64>,
    /// Only vulnerabilities with an EPSS probability of at least this.
    pub min_epss: Option<f64>,
    /// Only findings with a priority of at least this.
    pub min_priority: Option<f64>,
}

/// One vulnerability of one component of one product version.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnFinding {
    /// The manufacturer, when known.
    pub manufacturer: Option<String>,
    /// The product (device model).
    pub product: String,
    /// The product version.
    pub product_version: String,
    /// The stored SBOM (the product version's newest revision) the component is read from;
    /// `None` for a scanned SBOM that is not stored.
    pub sbom_id: Option<i64>,
    /// The component's name.
    pub component: String,
    /// The component's version.
    pub component_version: Option<String>,
    /// The package's canonical purl.
    pub purl: Option<String>,
    /// The package's CPE.
    pub cpe: Option<String>,
    /// The package's id in the store (the component's index for a scanned SBOM).
    pub package_id: i64,
    /// The vulnerability's canonical identifier (CVE, else GHSA, else the advisory id).
    pub vulnerability_id: String,
    /// Its other identifiers, canonical order.
    pub aliases: Vec<String>,
    /// A one-line summary.
    pub summary: Option<String>,
    /// The severity rating.
    pub severity: Severity,
    /// The CVSS score the severity comes from.
    pub cvss: Option<CvssScore>,
    /// CISA KEV membership.
    pub kev: Option<KevInfo>,
    /// The EPSS score.
    pub epss: Option<EpssInfo>,
    /// CISA SSVC decision points.
    pub ssvc: Option<SsvcInfo>,
    /// The priority, 0–100 (see [`crate::priority`]).
    pub priority: f64,
    /// Versions that fix it, from the matching ranges.
    pub fixed_versions: Vec<String>,
    /// Why the component matched: one entry per advisory, strongest basis first.
    pub match_basis: Vec<MatchBasis>,
    /// The VEX status (`not_affected`, `affected`, `fixed`, `under_investigation`): the
    /// hospital's own analysis when recorded, else the newest statement from the most
    /// authoritative source (medsbom-vex); `None` when nothing applies.
    pub vex_status: Option<String>,
    /// The justification of that status.
    pub vex_justification: Option<String>,
    /// Where it comes from (`csaf 2022-EVD-UC-01-NA-001 by …`, `analysis by alice (provider)`).
    pub vex_source: Option<String>,
    /// Its detail, impact or action statement.
    pub vex_detail: Option<String>,
    /// When it was stated or recorded (UTC RFC 3339).
    pub vex_time: Option<String>,
}

/// A CVSS base score.
#[derive(Debug, Clone, PartialEq)]
pub struct CvssScore {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    pub version: String,
    /// The base score.
    pub score: f64,
    /// The vector.
    pub vector: String,
}

/// CISA KEV data of a vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevInfo {
    /// The CVE in the catalog.
    pub cve_id: String,
    /// When it was added (`YYYY-MM-DD`; empty when only an advisory says it is in KEV).
    pub date_added: String,
    /// The remediation due date.
    pub due_date: Option<String>,
    /// Whether KEV records known ransomware campaign use.
    pub ransomware: bool,
}

/// An EPSS score.
#[derive(Debug, Clone, PartialEq)]
pub struct EpssInfo {
    /// The CVE scored.
    pub cve_id: String,
    /// The probability of exploitation in the next 30 days.
    pub probability: f64,
    /// The percentile.
    pub percentile: f64,
    /// The EPSS model version.
    pub model_version: Option<String>,
    /// The day the score is for.
    pub score_date: Option<String>,
}

/// CISA SSVC decision points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsvcInfo {
    /// `none`, `poc` or `active`.
    pub exploitation: Option<String>,
    /// `yes` or `no`.
    pub automatable: Option<String>,
    /// `partial` or `total`.
    pub technical_impact: Option<String>,
}

/// Why a component matched one advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchBasis {
    /// The advisory's id.
    pub advisory_id: String,
    /// The feed (`osv/GHSA`, `nvd`, `cve5/mitre`…).
    pub feed: String,
    /// purl, CPE or name.
    pub basis: Basis,
    /// 3 (purl exact), 2 (CPE range), 1 (name only).
    pub confidence: i64,
    /// The purl, CPE or name that matched.
    pub identifier: String,
    /// The range, listed version or criterion that matched.
    pub range: String,
}

/// A finding before the vulnerability data is attached.
struct RawFinding {
    manufacturer: Option<String>,
    product: String,
    product_version: String,
    sbom_id: Option<i64>,
    component: String,
    component_version: Option<String>,
    purl: Option<String>,
    cpe: Option<String>,
    package_id: i64,
    advisory_row: i64,
    basis: Basis,
    identifier: String,
    range: String,
    fixed: Vec<String>,
    feed: String,
}

/// The stored findings of the newest SBOM of every product version, filtered, highest
/// priority first; their VEX status from every source and analysis.
pub async fn list_findings(
    db: &VulnDb,
    query: &FindingQuery,
) -> Result<Vec<VulnFinding>, VulnError> {
    list_findings_for(db, query, &medsbom_vex::service::VexScope::Everything).await
}

/// [`list_findings`] with the VEX status from the sources and analyses `vex_scope` sees
/// (one organization of `medsbom serve`).
pub async fn list_findings_for(
    db: &VulnDb,
    query: &FindingQuery,
    vex_scope: &medsbom_vex::service::VexScope,
) -> Result<Vec<VulnFinding>, VulnError> {
    let context = "listing findings";
    let mut tx = db.db.begin_read(context).await?;
    let mut sql = "SELECT o.name, pr.name, pv.version, c.name, c.version, p.id, p.purl, p.cpe, \
                   f.advisory_row, f.basis, f.identifier, f.range_text, f.fixed_versions, f.feed, \
                   c.sbom_id \
                   FROM findings f \
                   JOIN packages p ON p.id = f.package_id \
                   JOIN sbom_components c ON c.package_id = f.package_id \
                   JOIN product_versions pv ON pv.latest_sbom_id = c.sbom_id \
                   JOIN products pr ON pr.id = pv.product_id \
                   JOIN organizations o ON o.id = pr.organization_id"
        .to_owned();
    let mut params = Vec::new();
    if let Some(product) = &query.product {
        sql.push_str(" WHERE pr.name = $1");
        params.push(Param::text(product));
    }
    let rows = tx.fetch_all(context, &sql, &params).await?;
    let mut raws = Vec::with_capacity(rows.len());
    for row in rows {
        let basis_text = row.text(9)?;
        let basis = Basis::parse(&basis_text)
            .ok_or_else(|| VulnError::Shape(format!("unknown finding basis {basis_text:?}")))?;
        raws.push(RawFinding {
            manufacturer: Some(row.text(0)?),
            product: row.text(1)?,
            product_version: row.text(2)?,
            sbom_id: Some(row.int(14)?),
            component: row.text(3)?,
            component_version: row.opt_text(4)?,
            package_id: row.int(5)?,
            purl: row.opt_text(6)?,
            cpe: row.opt_text(7)?,
            advisory_row: row.int(8)?,
            basis,
            identifier: row.text(10)?,
            range: row.text(11)?,
            fixed: read_strings(&row.text(12)?)?,
            feed: row.text(13)?,
        });
    }
    let mut res = assemble(&mut tx, raws, query).await?;
    attach_vex(db, &mut res, true, vex_scope).await?;
    Ok(res)
}

/// Fills the `vex_*` fields from the VEX statements and analyses (medsbom-vex); `stored`
/// says whether `package_id` is a stored package (not a scanned SBOM's index).
async fn attach_vex(
    db: &VulnDb,
    findings: &mut [VulnFinding],
    stored: bool,
    vex_scope: &medsbom_vex::service::VexScope,
) -> Result<(), VulnError> {
    let keys: Vec<medsbom_vex::service::FindingKey> = findings
        .iter()
        .map(|finding| medsbom_vex::service::FindingKey {
            manufacturer: finding.manufacturer.clone(),
            product: finding.product.clone(),
            product_version: finding.product_version.clone(),
            sbom_id: finding.sbom_id.filter(|_| stored),
            package_id: stored.then_some(finding.package_id),
            purl: finding.purl.clone(),
            cpe: finding.cpe.clone(),
            component_version: finding.component_version.clone(),
            vulnerability_ids: std::iter::once(&finding.vulnerability_id)
                .chain(finding.aliases.iter())
                .cloned()
                .collect(),
        })
        .collect();
    let annotations = medsbom_vex::service::annotate_for(&db.vex, &keys, vex_scope).await?;
    for (finding, annotation) in findings.iter_mut().zip(annotations) {
        let Some(annotation) = annotation else {
            continue;
        };
        finding.vex_status = Some(annotation.status.as_str().to_owned());
        finding.vex_justification = annotation.justification;
        finding.vex_source = Some(annotation.source);
        finding.vex_detail = annotation.detail;
        finding.vex_time = annotation.stated_at;
    }
    Ok(())
}

/// Matches the components of one SBOM against the stored feeds without storing anything
/// (like `osv-scanner --sbom`); `query` filters the result (its `product` is ignored).
pub async fn scan_sbom(
    db: &VulnDb,
    sbom: &Sbom,
    config: &MatchConfig,
    query: &FindingQuery,
) -> Result<Vec<VulnFinding>, VulnError> {
    let context = "scanning an sbom";
    let root = sbom.root_components().next();
    let product = root
        .map(|root| root.name.clone())
        .filter(|name| !name.is_empty())
        .or_else(|| sbom.name.clone())
        .unwrap_or_else(|| "-".to_owned());
    let product_version = root
        .and_then(|root| root.version.clone())
        .unwrap_or_else(|| "-".to_owned());
    let manufacturer = sbom
        .manufacturer
        .as_ref()
        .or(sbom.supplier.as_ref())
        .map(|party| party.name.clone());
    let queries: Vec<PackageQuery> = sbom
        .components
        .iter()
        .enumerate()
        .map(|(idx, component)| {
            PackageQuery::new(
                i64::try_from(idx).unwrap_or(i64::MAX),
                component.purl.as_deref(),
                component.cpe(),
                &component.name,
                component.version.as_deref(),
            )
        })
        .collect();
    let mut tx = db.db.begin_read(context).await?;
    let query_refs: Vec<&PackageQuery> = queries.iter().collect();
    let candidates = load_candidates(&mut tx, &query_refs, config).await?;
    let matches: Vec<_> = queries
        .par_iter()
        .map(|query| match_package(&candidates.index, query, config))
        .collect();
    let mut raws = Vec::new();
    for found in matches.into_iter().flatten() {
        let Some(component) = usize::try_from(found.package_id)
            .ok()
            .and_then(|idx| sbom.components.get(idx))
        else {
            continue;
        };
        let feed = candidates
            .feeds
            .get(&found.advisory_row)
            .cloned()
            .unwrap_or_default();
        raws.push(RawFinding {
            manufacturer: manufacturer.clone(),
            product: product.clone(),
            product_version: product_version.clone(),
            sbom_id: None,
            component: component.name.clone(),
            component_version: component.version.clone(),
            purl: component.purl.clone(),
            cpe: component.cpe().map(str::to_owned),
            package_id: found.package_id,
            advisory_row: found.advisory_row,
            basis: found.basis,
            identifier: found.identifier,
            range: found.range,
            fixed: found.fixed,
            feed,
        });
    }
    let query = FindingQuery {
        product: None,
        ..query.clone()
    };
    let mut res = assemble(&mut tx, raws, &query).await?;
    attach_vex(
        db,
        &mut res,
        false,
        &medsbom_vex::service::VexScope::Everything,
    )
    .await?;
    Ok(res)
}

/// What is known about one vulnerability (an alias group).
#[derive(Debug, Clone, Default)]
struct VulnInfo {
    members: Vec<String>,
    summary: Option<(u8, String, String)>,
    cvss: Option<CvssScore>,
    cvss_v2: Option<CvssScore>,
    severity_text: Option<Severity>,
    ssvc: Option<SsvcInfo>,
    advisory_kev: Option<(String, String)>,
    kev: Option<KevInfo>,
    epss: Option<EpssInfo>,
}

async fn assemble(
    tx: &mut Tx,
    raws: Vec<RawFinding>,
    query: &FindingQuery,
) -> Result<Vec<VulnFinding>, VulnError> {
    let context = "reading vulnerability data";
    let advisory_rows: BTreeSet<i64> = raws.iter().map(|raw| raw.advisory_row).collect();
    // Advisory row → advisory id.
    let mut advisory_ids: HashMap<i64, String> = HashMap::new();
    let rows_list: Vec<i64> = advisory_rows.into_iter().collect();
    for chunk in rows_list.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT id, advisory_id FROM advisories WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            advisory_ids.insert(row.int(0)?, row.text(1)?);
        }
    }
    // Advisory id → vulnerability id.
    let mut group_of: HashMap<String, String> = HashMap::new();
    let ids: BTreeSet<&String> = advisory_ids.values().collect();
    let ids: Vec<&String> = ids.into_iter().collect();
    for chunk in ids.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT member, vulnerability_id FROM vulnerability_ids WHERE member IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            group_of.insert(row.text(0)?, row.text(1)?);
        }
    }
    for id in &ids {
        group_of
            .entry((*id).clone())
            .or_insert_with(|| (*id).clone());
    }
    // Vulnerability id → members.
    let mut infos: BTreeMap<String, VulnInfo> = BTreeMap::new();
    for group in group_of.values() {
        infos.entry(group.clone()).or_default();
    }
    let groups: Vec<String> = infos.keys().cloned().collect();
    for chunk in groups.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT member, vulnerability_id FROM vulnerability_ids WHERE vulnerability_id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            let (member, group) = (row.text(0)?, row.text(1)?);
            if let Some(info) = infos.get_mut(&group) {
                info.members.push(member);
            }
        }
    }
    let mut member_group: HashMap<String, String> = HashMap::new();
    for (group, info) in &mut infos {
        if !info.members.contains(group) {
            info.members.push(group.clone());
        }
        info.members.sort_by(|a, b| id_order(a, b));
        info.members.dedup();
        for member in &info.members {
            member_group.insert(member.clone(), group.clone());
        }
    }
    load_advisory_data(tx, &member_group, &mut infos).await?;
    load_kev_epss(tx, &member_group, &mut infos).await?;

    // Group the raw findings by (product version, package, vulnerability).
    type Key = (String, String, String, Option<i64>, i64, String);
    let mut grouped: BTreeMap<Key, (RawFinding, Vec<RawFinding>)> = BTreeMap::new();
    for raw in raws {
        let advisory_id = advisory_ids
            .get(&raw.advisory_row)
            .cloned()
            .unwrap_or_default();
        let group = group_of
            .get(&advisory_id)
            .cloned()
            .unwrap_or_else(|| advisory_id.clone());
        let key = (
            raw.manufacturer.clone().unwrap_or_default(),
            raw.product.clone(),
            raw.product_version.clone(),
            raw.sbom_id,
            raw.package_id,
            group,
        );
        match grouped.get_mut(&key) {
            Some((_, others)) => others.push(raw),
            None => {
                grouped.insert(key, (raw, Vec::new()));
            }
        }
    }
    let mut res = Vec::with_capacity(grouped.len());
    for ((_, _, _, _, _, group), (first, others)) in grouped {
        let info = infos.get(&group).cloned().unwrap_or_default();
        let mut basis: Vec<MatchBasis> = Vec::new();
        let mut fixed: Vec<String> = Vec::new();
        for raw in std::iter::once(&first).chain(others.iter()) {
            let advisory_id = advisory_ids
                .get(&raw.advisory_row)
                .cloned()
                .unwrap_or_default();
            if basis.iter().any(|b| b.advisory_id == advisory_id) {
                continue;
            }
            basis.push(MatchBasis {
                advisory_id,
                feed: raw.feed.clone(),
                basis: raw.basis,
                confidence: raw.basis.confidence(),
                identifier: raw.identifier.clone(),
                range: raw.range.clone(),
            });
            for version in &raw.fixed {
                if !fixed.contains(version) {
                    fixed.push(version.clone());
                }
            }
        }
        basis.sort_by(|a, b| {
            a.basis
                .cmp(&b.basis)
                .then_with(|| id_order(&a.advisory_id, &b.advisory_id))
        });
        let finding = finding_from(first, group, &info, basis, fixed);
        if keep(&finding, query) {
            res.push(finding);
        }
    }
    res.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then_with(|| a.product.cmp(&b.product))
            .then_with(|| a.product_version.cmp(&b.product_version))
            .then_with(|| a.component.cmp(&b.component))
            .then_with(|| id_order(&a.vulnerability_id, &b.vulnerability_id))
    });
    Ok(res)
}

fn finding_from(
    first: RawFinding,
    group: String,
    info: &VulnInfo,
    match_basis: Vec<MatchBasis>,
    fixed_versions: Vec<String>,
) -> VulnFinding {
    let cvss = info.cvss.clone().or_else(|| info.cvss_v2.clone());
    let severity = match (&cvss, info.severity_text) {
        (Some(cvss), _) => Severity::from_cvss(cvss.score),
        (None, Some(severity)) => severity,
        (None, None) => Severity::Unknown,
    };
    let kev = info.kev.clone().or_else(|| {
        info.advisory_kev
            .as_ref()
            .map(|(cve_id, date_added)| KevInfo {
                cve_id: cve_id.clone(),
                date_added: date_added.clone(),
                due_date: None,
                ransomware: false,
            })
    });
    let inputs = PriorityInputs {
        cvss: cvss.as_ref().map(|c| c.score),
        severity,
        kev: kev.is_some(),
        ransomware: kev.as_ref().is_some_and(|k| k.ransomware),
        epss: info.epss.as_ref().map(|e| e.probability),
        exploitation: info.ssvc.as_ref().and_then(|s| s.exploitation.as_deref()),
        automatable: info.ssvc.as_ref().and_then(|s| s.automatable.as_deref()),
        technical_impact: info
            .ssvc
            .as_ref()
            .and_then(|s| s.technical_impact.as_deref()),
    };
    let priority = priority(&inputs);
    VulnFinding {
        manufacturer: first.manufacturer,
        product: first.product,
        product_version: first.product_version,
        sbom_id: first.sbom_id,
        component: first.component,
        component_version: first.component_version,
        purl: first.purl,
        cpe: first.cpe,
        package_id: first.package_id,
        aliases: info
            .members
            .iter()
            .filter(|member| **member != group)
            .cloned()
            .collect(),
        vulnerability_id: group,
        summary: info.summary.as_ref().map(|(_, _, text)| text.clone()),
        severity,
        cvss,
        kev,
        epss: info.epss.clone(),
        ssvc: info.ssvc.clone(),
        priority,
        fixed_versions,
        match_basis,
        vex_status: None,
        vex_justification: None,
        vex_source: None,
        vex_detail: None,
        vex_time: None,
    }
}

fn keep(finding: &VulnFinding, query: &FindingQuery) -> bool {
    if query.kev_only && finding.kev.is_none() {
        return false;
    }
    if let Some(min) = query.min_cvss
        && finding.cvss.as_ref().is_none_or(|c| c.score < min)
    {
        return false;
    }
    if let Some(min) = query.min_epss
        && finding.epss.as_ref().is_none_or(|e| e.probability < min)
    {
        return false;
    }
    if let Some(min) = query.min_priority
        && finding.priority < min
    {
        return false;
    }
    true
}

/// The CVSS version named by a vector's prefix (`CVSS:3.1/…` → `3.1`); `default` otherwise.
fn cvss_version(vector: &str, default: &str) -> String {
    vector
        .strip_prefix("CVSS:")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(default)
        .to_owned()
}

async fn load_advisory_data(
    tx: &mut Tx,
    member_group: &HashMap<String, String>,
    infos: &mut BTreeMap<String, VulnInfo>,
) -> Result<(), VulnError> {
    let context = "reading vulnerability data";
    let members: Vec<&String> = member_group.keys().collect();
    for chunk in members.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT advisory_id, source, summary, cvss_v2, cvss_v2_vector, cvss_v3, \
             cvss_v3_vector, cvss_v4, cvss_v4_vector, severity_text, ssvc_exploitation, \
             ssvc_automatable, ssvc_technical_impact, kev_date_added, withdrawn \
             FROM advisories WHERE advisory_id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            let advisory_id = row.text(0)?;
            let Some(info) = member_group
                .get(&advisory_id)
                .and_then(|group| infos.get_mut(group))
            else {
                continue;
            };
            if row.opt_text(14)?.is_some() {
                continue;
            }
            let source = row.text(1)?;
            if let Some(summary) = row.opt_text(2)?.filter(|s| !s.trim().is_empty()) {
                let rank = match source.as_str() {
                    "osv" => 0,
                    "csaf" => 1,
                    "cve5" => 2,
                    _ => 3,
                };
                let candidate = (rank, advisory_id.clone(), summary);
                let better = match &info.summary {
                    None => true,
                    Some((current_rank, current_id, _)) => {
                        rank < *current_rank
                            || (rank == *current_rank
                                && id_order(&advisory_id, current_id) == Ordering::Less)
                    }
                };
                if better {
                    info.summary = Some(candidate);
                }
            }
            for (score_idx, default_version) in [(5, "3.1"), (7, "4.0")] {
                if let (Some(score), Some(vector)) =
                    (row.opt_real(score_idx)?, row.opt_text(score_idx + 1)?)
                    && info.cvss.as_ref().is_none_or(|c| c.score < score)
                {
                    info.cvss = Some(CvssScore {
                        version: cvss_version(&vector, default_version),
                        score,
                        vector,
                    });
                }
            }
            if let (Some(score), Some(vector)) = (row.opt_real(3)?, row.opt_text(4)?)
                && info.cvss_v2.as_ref().is_none_or(|c| c.score < score)
            {
                info.cvss_v2 = Some(CvssScore {
                    version: "2.0".to_owned(),
                    score,
                    vector,
                });
            }
            if let Some(severity) = row.opt_text(9)?.as_deref().and_then(Severity::from_text)
                && info.severity_text.is_none_or(|current| current < severity)
            {
                info.severity_text = Some(severity);
            }
            let ssvc = SsvcInfo {
                exploitation: row.opt_text(10)?,
                automatable: row.opt_text(11)?,
                technical_impact: row.opt_text(12)?,
            };
            let has_ssvc = ssvc.exploitation.is_some()
                || ssvc.automatable.is_some()
                || ssvc.technical_impact.is_some();
            if has_ssvc && info.ssvc.is_none() {
                info.ssvc = Some(ssvc);
            }
            if let Some(date_added) = row.opt_text(13)?
                && info.advisory_kev.is_none()
            {
                info.advisory_kev = Some((advisory_id.clone(), date_added));
            }
        }
    }
    Ok(())
}

async fn load_kev_epss(
    tx: &mut Tx,
    member_group: &HashMap<String, String>,
    infos: &mut BTreeMap<String, VulnInfo>,
) -> Result<(), VulnError> {
    let context = "reading kev and epss data";
    let cves: Vec<&String> = member_group
        .keys()
        .filter(|id| id.starts_with("CVE-"))
        .collect();
    for chunk in cves.chunks(KEY_CHUNK) {
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        let sql = format!(
            "SELECT cve_id, date_added, due_date, known_ransomware_campaign_use FROM kev \
             WHERE cve_id IN ({})",
            placeholders(1, chunk.len())
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            let cve_id = row.text(0)?;
            let Some(info) = member_group
                .get(&cve_id)
                .and_then(|group| infos.get_mut(group))
            else {
                continue;
            };
            let ransomware = row
                .opt_text(3)?
                .is_some_and(|text| text.trim().eq_ignore_ascii_case("known"));
            let kev = KevInfo {
                cve_id,
                date_added: row.text(1)?,
                due_date: Some(row.text(2)?),
                ransomware,
            };
            if info
                .kev
                .as_ref()
                .is_none_or(|current| !current.ransomware && ransomware)
            {
                info.kev = Some(kev);
            }
        }
        let sql = format!(
            "SELECT cve_id, epss, percentile, model_version, score_date FROM epss \
             WHERE cve_id IN ({})",
            placeholders(1, chunk.len())
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            let cve_id = row.text(0)?;
            let Some(info) = member_group
                .get(&cve_id)
                .and_then(|group| infos.get_mut(group))
            else {
                continue;
            };
            let (Some(probability), Some(percentile)) = (row.opt_real(1)?, row.opt_real(2)?) else {
                continue;
            };
            if info
                .epss
                .as_ref()
                .is_none_or(|current| current.probability < probability)
            {
                info.epss = Some(EpssInfo {
                    cve_id,
                    probability,
                    percentile,
                    model_version: row.opt_text(3)?,
                    score_date: row.opt_text(4)?,
                });
            }
        }
    }
    Ok(())
}

/// One stored advisory in full, for a detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryDetails {
    /// The advisory's id.
    pub advisory_id: String,
    /// The feed (`osv/GHSA`, `nvd`, `cve5/mitre`…).
    pub feed: String,
    /// When it last changed, as the feed wrote it.
    pub modified: Option<String>,
    /// When it was published.
    pub published: Option<String>,
    /// When it was withdrawn.
    pub withdrawn: Option<String>,
    /// The one-line summary.
    pub summary: Option<String>,
    /// The full description.
    pub details: Option<String>,
    /// Other identifiers the advisory names.
    pub aliases: Vec<String>,
    /// Related but distinct vulnerabilities.
    pub related: Vec<String>,
    /// CWE ids.
    pub cwes: Vec<String>,
    /// Reference URLs with their tags.
    pub references: Vec<(String, Vec<String>)>,
    /// Every severity statement: (type, vector, base score).
    pub severity: Vec<(String, String, Option<f64>)>,
}

/// Every stored advisory of the vulnerability `id` names (any of its identifiers), in
/// canonical identifier order.
pub async fn advisory_details(db: &VulnDb, id: &str) -> Result<Vec<AdvisoryDetails>, VulnError> {
    let context = "reading advisory details";
    let mut tx = db.db.begin_read(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT member FROM vulnerability_ids WHERE vulnerability_id IN \
             (SELECT vulnerability_id FROM vulnerability_ids WHERE member = $1)",
            &[Param::text(id)],
        )
        .await?;
    let mut members = rows
        .iter()
        .map(|row| row.text(0))
        .collect::<Result<Vec<String>, _>>()?;
    if members.is_empty() {
        members.push(id.to_owned());
    }
    let mut res = Vec::new();
    for chunk in members.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT advisory_id, source, database, modified, published, withdrawn, summary, data \
             FROM advisories WHERE advisory_id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            let data = decompress_data(&row.bytes(7)?)?;
            let (source, database) = (row.text(1)?, row.text(2)?);
            res.push(AdvisoryDetails {
                advisory_id: row.text(0)?,
                feed: if source == database {
                    source
                } else {
                    format!("{source}/{database}")
                },
                modified: row.opt_text(3)?,
                published: row.opt_text(4)?,
                withdrawn: row.opt_text(5)?,
                summary: row.opt_text(6)?,
                details: data.details,
                aliases: data.aliases,
                related: data.related,
                cwes: data.cwes,
                references: data
                    .references
                    .into_iter()
                    .map(|reference| (reference.url, reference.tags))
                    .collect(),
                severity: data
                    .severity
                    .into_iter()
                    .map(|s| (s.kind, s.vector, s.score))
                    .collect(),
            });
        }
    }
    res.sort_by(|a, b| id_order(&a.advisory_id, &b.advisory_id).then_with(|| a.feed.cmp(&b.feed)));
    Ok(res)
}
