//! An asset's own view (`medsbom assets show`) and the open findings of every asset
//! (`medsbom vulns --by-asset`).
//!
//! The view joins what the other parts of medsbom know about the asset's product version:
//! the components of its newest SBOM, the open findings with their asset priority, the
//! lifecycle stage after IMDRF N70 ([`medsbom_lifecycle::derive_stage`] on the version's
//! release, EOL and EOS dates and the components out of support, mitigated by the
//! hospital's risk acceptances for the asset or the version), and those acceptances.

use std::collections::{BTreeSet, HashMap};

use medsbom_lifecycle::{
    AnnouncedDate, DateSource, LifecycleDates, StageAssessment, UnsupportedComponent, derive_stage,
};
use medsbom_model::IsoDate;

use crate::AssetError;
use crate::db::{AssetDb, Param};
use crate::impact::{Device, ImpactRow, Pair, impact_row, is_suppressed, sort_rows, vex_statuses};
use crate::model::Asset;
use crate::priority::ThreatInputs;
use crate::service::get_asset;
use crate::threat::{version_findings, vulnerability_facts};

/// The stored product version an asset runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedVersion {
    /// The product version's id.
    pub product_version_id: i64,
    /// Manufacturer as stored with the SBOM.
    pub manufacturer: String,
    /// Product as stored.
    pub product: String,
    /// Version as stored.
    pub version: String,
    /// The newest SBOM revision's id, when one is stored.
    pub sbom_id: Option<i64>,
    /// Its revision number.
    pub revision: Option<i64>,
}

/// A component of the asset's newest SBOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewComponent {
    /// Name (`group/name` for CycloneDX groups).
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// purl (as written), else CPE.
    pub identifier: Option<String>,
    /// Supplier.
    pub supplier: Option<String>,
    /// Normalized level of support.
    pub support_level: Option<String>,
    /// End of support as an ISO date, when the SBOM gives one.
    pub eos_date: Option<String>,
}

/// A risk acceptance or replacement decision recorded for the asset or its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// `asset` or `product-version`.
    pub subject_kind: String,
    /// `accept` or `replace`.
    pub decision: String,
    /// The component it is limited to, if any.
    pub component: Option<String>,
    /// Valid until (ISO date).
    pub until_date: String,
    /// Review date (ISO date).
    pub review_date: String,
    /// Compensating controls.
    pub controls: String,
}

/// Everything medsbom knows about one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetView {
    /// The inventory record.
    pub asset: Asset,
    /// The stored product version, when linked.
    pub linked: Option<LinkedVersion>,
    /// The components of the newest SBOM, in document order.
    pub components: Vec<ViewComponent>,
    /// The open findings, highest priority first.
    pub findings: Vec<ImpactRow>,
    /// The N70 stage on the day asked for, when linked.
    pub stage: Option<StageAssessment>,
    /// The version's end of life and end of support dates, when recorded.
    pub eol_date: Option<String>,
    /// See `eol_date`.
    pub eos_date: Option<String>,
    /// Components out of support on the day asked for.
    pub n_components_out_of_support: usize,
    /// Risk decisions for the asset or its version.
    pub acceptances: Vec<Acceptance>,
}

/// Which assets' findings [`findings_by_asset`] lists; every filter that is set must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ByAssetQuery {
    /// The organization.
    pub organization: String,
    /// One asset.
    pub asset_id: Option<String>,
    /// Site (case-insensitive).
    pub site: Option<String>,
    /// Ward or department (case-insensitive).
    pub department: Option<String>,
    /// Only findings with at least this asset priority.
    pub min_priority: Option<f64>,
    /// Also list findings that VEX or an analysis marks `not_affected` or `fixed`.
    pub include_suppressed: bool,
    /// Whose VEX sources and analyses count (one organization of `medsbom serve`).
    pub vex_scope: medsbom_vex::service::VexScope,
}

/// The view of one asset on `as_of` (the day its lifecycle stage is judged); its open
/// findings are those VEX (as `vex_scope` sees it) leaves open.
pub async fn asset_view(
    db: &AssetDb,
    organization: &str,
    asset_id: &str,
    as_of: IsoDate,
    vex_scope: &medsbom_vex::service::VexScope,
) -> Result<AssetView, AssetError> {
    let context = "reading an asset's view";
    let asset = get_asset(db, organization, asset_id).await?;
    let mut view = AssetView {
        asset,
        linked: None,
        components: Vec::new(),
        findings: Vec::new(),
        stage: None,
        eol_date: None,
        eos_date: None,
        n_components_out_of_support: 0,
        acceptances: Vec::new(),
    };
    view.acceptances = acceptances(db, &view.asset).await?;
    let Some(product_version_id) = view.asset.product_version_id else {
        return Ok(view);
    };
    let rows = db
        .fetch_all(
            context,
            "SELECT o.name, p.name, pv.version, pv.latest_sbom_id, s.revision, \
             l.release_date, l.eol_date, l.eos_date \
             FROM product_versions pv JOIN products p ON p.id = pv.product_id \
             JOIN organizations o ON o.id = p.organization_id \
             LEFT JOIN sboms s ON s.id = pv.latest_sbom_id \
             LEFT JOIN product_version_lifecycle l ON l.product_version_id = pv.id \
             WHERE pv.id = $1",
            &[Param::Int(Some(product_version_id))],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(view);
    };
    let read = || -> Result<(LinkedVersion, [Option<String>; 3]), String> {
        Ok((
            LinkedVersion {
                product_version_id,
                manufacturer: row.text(0)?,
                product: row.text(1)?,
                version: row.text(2)?,
                sbom_id: row.opt_int(3)?,
                revision: row.opt_int(4)?,
            },
            [row.opt_text(5)?, row.opt_text(6)?, row.opt_text(7)?],
        ))
    };
    let (linked, [release, eol, eos]) = read().map_err(|message| db.corrupt(context, message))?;
    if let Some(sbom_id) = linked.sbom_id {
        view.components = components(db, sbom_id).await?;
    }
    view.linked = Some(linked);
    view.eol_date = eol.clone();
    view.eos_date = eos.clone();
    let date = |text: Option<&String>| {
        text.and_then(|t| IsoDate::parse(t))
            .map(|date| AnnouncedDate {
                date,
                announced: None,
                source: DateSource::Manual,
            })
    };
    let dates = LifecycleDates {
        release: date(release.as_ref()),
        eol: date(eol.as_ref()),
        eos: date(eos.as_ref()),
    };
    let out_of_support: Vec<(&ViewComponent, Option<IsoDate>)> = view
        .components
        .iter()
        .filter_map(|c| {
            let eos = c.eos_date.as_deref().and_then(IsoDate::parse);
            let past_eos = eos.is_some_and(|d| d <= as_of);
            let unmaintained = matches!(
                c.support_level.as_deref(),
                Some("no-longer-maintained" | "abandoned")
            );
            (past_eos || unmaintained).then_some((c, eos))
        })
        .collect();
    view.n_components_out_of_support = out_of_support.len();
    let active: Vec<&Acceptance> = view
        .acceptances
        .iter()
        .filter(|a| a.decision == "accept")
        .filter(|a| IsoDate::parse(&a.until_date).is_some_and(|until| as_of <= until))
        .collect();
    let unsupported: Vec<UnsupportedComponent<'_>> = out_of_support
        .iter()
        .map(|(component, since)| UnsupportedComponent {
            name: &component.name,
            since: *since,
            mitigated: active.iter().any(|a| {
                a.component
                    .as_deref()
                    .is_none_or(|name| name.eq_ignore_ascii_case(&component.name))
            }),
        })
        .collect();
    view.stage = Some(derive_stage(&dates, &unsupported, as_of));
    let query = ByAssetQuery {
        organization: organization.to_owned(),
        asset_id: Some(view.asset.asset_id.clone()),
        site: None,
        department: None,
        min_priority: None,
        include_suppressed: false,
        vex_scope: vex_scope.clone(),
    };
    view.findings = findings_by_asset(db, &query).await?;
    Ok(view)
}

/// The open findings of the organization's active, linked assets (one row per asset,
/// component and vulnerability, with the asset priority), by asset id and then highest
/// priority first. For `medsbom vulns --by-asset`.
pub async fn findings_by_asset(
    db: &AssetDb,
    query: &ByAssetQuery,
) -> Result<Vec<ImpactRow>, AssetError> {
    let context = "listing findings by asset";
    let mut sql = String::from(
        "SELECT a.asset_id, a.manufacturer, a.product, a.product_version, a.site, a.building, \
         a.department, a.zone, a.ip, a.hostname, a.criticality, a.exposure, \
         a.default_credentials, a.product_version_id \
         FROM assets a JOIN organizations o ON o.id = a.organization_id \
         WHERE o.kind = 'provider' AND o.name = $1 AND a.retired_at IS NULL \
         AND a.product_version_id IS NOT NULL",
    );
    let mut params = vec![Param::Text(Some(&query.organization))];
    for (column, value) in [
        ("asset_id", query.asset_id.as_deref()),
        ("site", query.site.as_deref()),
        ("department", query.department.as_deref()),
    ] {
        let Some(value) = value else {
            continue;
        };
        params.push(Param::Text(Some(value)));
        if column == "asset_id" {
            sql.push_str(&format!(" AND a.asset_id = ${}", params.len()));
        } else {
            sql.push_str(&format!(
                " AND lower(a.{column}) = lower(${})",
                params.len()
            ));
        }
    }
    sql.push_str(" ORDER BY a.asset_id");
    let assets = db.fetch_all(context, &sql, &params).await?;
    let mut version_ids: BTreeSet<i64> = BTreeSet::new();
    for row in &assets {
        version_ids.insert(
            row.int(13)
                .map_err(|message| db.corrupt(context, message))?,
        );
    }
    let version_ids: Vec<i64> = version_ids.into_iter().collect();
    let findings = version_findings(db, &version_ids).await?;
    let mut by_version: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut vulnerability_ids: BTreeSet<String> = BTreeSet::new();
    for (idx, finding) in findings.iter().enumerate() {
        by_version
            .entry(finding.pair.product_version_id)
            .or_default()
            .push(idx);
        vulnerability_ids.insert(finding.vulnerability_id.clone());
    }
    let vulnerability_ids: Vec<String> = vulnerability_ids.into_iter().collect();
    let facts = vulnerability_facts(db, &vulnerability_ids).await?;
    // Each finding's VEX status, resolved once per (product version, package,
    // vulnerability) for all the assets that run it.
    let keys: Vec<(&Pair, Vec<String>)> = findings
        .iter()
        .map(|finding| {
            let mut ids = vec![finding.vulnerability_id.clone()];
            if let Some(vulnerability) = facts.get(&finding.vulnerability_id) {
                ids.extend(vulnerability.aliases.iter().cloned());
            }
            (&finding.pair, ids)
        })
        .collect();
    let statuses = vex_statuses(db, &keys, &query.vex_scope).await?;
    let unknown = ThreatInputs::unknown();
    let mut res = Vec::new();
    for mut asset in assets {
        let version_id = asset
            .int(13)
            .map_err(|message| db.corrupt(context, message))?;
        let Some(indexes) = by_version.get(&version_id) else {
            continue;
        };
        let device = Device::read(&mut asset).map_err(|message| db.corrupt(context, message))?;
        let mut rows_of_asset = Vec::with_capacity(indexes.len());
        for &idx in indexes {
            let (Some(finding), Some(status)) = (findings.get(idx), statuses.get(idx)) else {
                continue;
            };
            if !query.include_suppressed && is_suppressed(status.as_deref()) {
                continue;
            }
            let threat = facts
                .get(&finding.vulnerability_id)
                .map_or(&unknown, |v| &v.threat);
            let mut row = impact_row(
                device.clone(),
                &finding.pair,
                Some(&finding.vulnerability_id),
                threat,
            );
            row.vex_status.clone_from(status);
            if query.min_priority.is_some_and(|min| row.priority < min) {
                continue;
            }
            rows_of_asset.push(row);
        }
        sort_rows(&mut rows_of_asset);
        res.extend(rows_of_asset);
    }
    Ok(res)
}

async fn components(db: &AssetDb, sbom_id: i64) -> Result<Vec<ViewComponent>, AssetError> {
    let context = "reading the asset's components";
    let rows = db
        .fetch_all(
            context,
            "SELECT c.group_name, c.name, c.version, COALESCE(c.purl, k.purl, c.cpe), \
             c.supplier, c.support_level, c.eos_date \
             FROM sbom_components c JOIN packages k ON k.id = c.package_id \
             WHERE c.sbom_id = $1 AND c.is_root = 0 ORDER BY c.idx",
            &[Param::Int(Some(sbom_id))],
        )
        .await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<ViewComponent, String> {
            let name = row.text(1)?;
            let name = match row.opt_text(0)? {
                Some(group) if !group.is_empty() => format!("{group}/{name}"),
                _ => name,
            };
            Ok(ViewComponent {
                name,
                version: row.opt_text(2)?,
                identifier: row.opt_text(3)?,
                supplier: row.opt_text(4)?,
                support_level: row.opt_text(5)?,
                eos_date: row.opt_text(6)?,
            })
        };
        res.push(read().map_err(|message| db.corrupt(context, message))?);
    }
    Ok(res)
}

async fn acceptances(db: &AssetDb, asset: &Asset) -> Result<Vec<Acceptance>, AssetError> {
    let context = "reading risk acceptances";
    let mut sql = String::from(
        "SELECT subject_kind, decision, component, until_date, review_date, controls \
         FROM risk_acceptances WHERE (subject_kind = 'asset' AND subject = $1)",
    );
    let mut params = vec![Param::Text(Some(&asset.asset_id))];
    if let Some(id) = asset.product_version_id {
        params.push(Param::Int(Some(id)));
        sql.push_str(&format!(
            " OR (subject_kind = 'product-version' AND product_version_id = ${})",
            params.len()
        ));
    }
    sql.push_str(" ORDER BY until_date, id");
    let rows = db.fetch_all(context, &sql, &params).await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<Acceptance, String> {
            Ok(Acceptance {
                subject_kind: row.text(0)?,
                decision: row.text(1)?,
                component: row.opt_text(2)?,
                until_date: row.text(3)?,
                review_date: row.text(4)?,
                controls: row.text(5)?,
            })
        };
        res.push(read().map_err(|message| db.corrupt(context, message))?);
    }
    Ok(res)
}
