//! What the imported feeds say about vulnerabilities: alias groups, CVSS, KEV, EPSS and
//! SSVC, read from the tables of `0002_vulnerabilities.sql`, and the open findings of
//! stored product versions.
//!
//! A vulnerability is an alias group of `vulnerability_ids` (an advisory whose id is in no
//! group stands for itself). Its CVSS score is the highest v4 or v3.x base score any of its
//! advisories states, else the highest v2 score; its severity text, SSVC values, KEV entry
//! and EPSS score are taken from any member (KEV also when an advisory records a KEV
//! date), as `medsbom_vuln::findings` does. Withdrawn advisories are ignored.

use std::collections::{BTreeSet, HashMap};

use medsbom_vuln::priority::Severity;

use crate::AssetError;
use crate::db::{AssetDb, Param, placeholders};
use crate::impact::{PAIR_COLUMNS, Pair, read_pair};
use crate::priority::ThreatInputs;

/// Identifiers per `IN (…)` list.
pub(crate) const ID_CHUNK: usize = 500;

/// One vulnerability as the feeds describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Vulnerability {
    /// The canonical identifier of the alias group (the lowest CVE id, else GHSA, …).
    pub id: String,
    /// Every identifier of the group, sorted.
    pub aliases: Vec<String>,
    /// A one-line summary from one of its advisories.
    pub summary: Option<String>,
    /// CVSS, KEV, EPSS and SSVC.
    pub threat: ThreatInputs,
}

/// One open finding of a product version: the newest SBOM of the version has a component
/// whose package matches an advisory of the vulnerability.
#[derive(Debug, Clone)]
pub(crate) struct VersionFinding {
    pub(crate) vulnerability_id: String,
    /// The product version and the component.
    pub(crate) pair: Pair,
}

/// Spells an identifier as the feeds do: `cve-2021-44228` → `CVE-2021-44228`,
/// `ghsa-XXXX-…` → `GHSA-xxxx-…`; others as given (trimmed).
#[must_use]
pub fn normalize_vulnerability_id(id: &str) -> String {
    let id = id.trim();
    let lower = id.to_ascii_lowercase();
    if lower.starts_with("cve-") {
        return id.to_ascii_uppercase();
    }
    if let Some(rest) = lower.strip_prefix("ghsa-") {
        return format!("GHSA-{rest}");
    }
    id.to_owned()
}

/// The vulnerability an identifier names (any alias), with its facts; `None` when the
/// imported feeds do not know it.
pub async fn find_vulnerability(
    db: &AssetDb,
    id: &str,
) -> Result<Option<Vulnerability>, AssetError> {
    let context = "looking up the vulnerability";
    let normalized = normalize_vulnerability_id(id);
    let mut canonical = lookup_group(db, &normalized, false).await?;
    if canonical.is_none() {
        canonical = lookup_group(db, &normalized, true).await?;
    }
    let Some(canonical) = canonical else {
        return Ok(None);
    };
    let mut facts = vulnerability_facts(db, std::slice::from_ref(&canonical)).await?;
    match facts.remove(&canonical) {
        Some(vulnerability) => Ok(Some(vulnerability)),
        None => Err(db.corrupt(
            context,
            format!("vulnerability {canonical} has an identifier but no facts"),
        )),
    }
}

/// The canonical id of the group `id` belongs to (case-insensitively when `fold_case`).
async fn lookup_group(
    db: &AssetDb,
    id: &str,
    fold_case: bool,
) -> Result<Option<String>, AssetError> {
    let context = "looking up the vulnerability";
    let sql = if fold_case {
        "SELECT vulnerability_id FROM vulnerability_ids WHERE upper(member) = upper($1) \
         UNION SELECT advisory_id FROM advisories WHERE upper(advisory_id) = upper($1) \
         AND NOT EXISTS (SELECT 1 FROM vulnerability_ids WHERE member = advisory_id)"
    } else {
        "SELECT vulnerability_id FROM vulnerability_ids WHERE member = $1 \
         UNION SELECT advisory_id FROM advisories WHERE advisory_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM vulnerability_ids WHERE member = $1)"
    };
    let rows = db.fetch_all(context, sql, &[Param::Text(Some(id))]).await?;
    let mut ids = Vec::with_capacity(rows.len());
    for row in &rows {
        ids.push(
            row.text(0)
                .map_err(|message| db.corrupt(context, message))?,
        );
    }
    ids.sort();
    Ok(ids.into_iter().next())
}

/// The facts of each canonical vulnerability id (ids the feeds do not know are absent).
pub(crate) async fn vulnerability_facts(
    db: &AssetDb,
    ids: &[String],
) -> Result<HashMap<String, Vulnerability>, AssetError> {
    let context = "reading vulnerability scores";
    let mut res: HashMap<String, Vulnerability> = HashMap::with_capacity(ids.len());
    let mut aliases: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut v3_or_v4: HashMap<String, f64> = HashMap::new();
    let mut v2: HashMap<String, f64> = HashMap::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let list = placeholders(1, chunk.len());
        let sql = format!(
            "SELECT m.vid, m.member, a.cvss_v4, a.cvss_v3, a.cvss_v2, a.severity_text, \
             a.ssvc_exploitation, a.ssvc_automatable, a.ssvc_technical_impact, a.summary, \
             k.cve_id, k.known_ransomware_campaign_use, e.epss, a.kev_date_added \
             FROM (SELECT vulnerability_id AS vid, member FROM vulnerability_ids \
                   WHERE vulnerability_id IN ({list}) \
                   UNION SELECT advisory_id AS vid, advisory_id AS member FROM advisories \
                   WHERE advisory_id IN ({list})) m \
             LEFT JOIN advisories a ON a.advisory_id = m.member AND a.withdrawn IS NULL \
             LEFT JOIN kev k ON k.cve_id = m.member \
             LEFT JOIN epss e ON e.cve_id = m.member \
             ORDER BY m.vid, m.member, a.id"
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::Text(Some(id))).collect();
        let rows = db.fetch_all(context, &sql, &params).await?;
        for row in &rows {
            let mut read = || -> Result<(), String> {
                let vid = row.text(0)?;
                let member = row.text(1)?;
                let entry = res.entry(vid.clone()).or_insert_with(|| Vulnerability {
                    id: vid.clone(),
                    aliases: Vec::new(),
                    summary: None,
                    threat: ThreatInputs::unknown(),
                });
                aliases.entry(vid.clone()).or_default().insert(member);
                let max = |map: &mut HashMap<String, f64>, score: Option<f64>| {
                    if let Some(score) = score {
                        let slot = map.entry(vid.clone()).or_insert(score);
                        *slot = slot.max(score);
                    }
                };
                max(&mut v3_or_v4, row.opt_real(2)?);
                max(&mut v3_or_v4, row.opt_real(3)?);
                max(&mut v2, row.opt_real(4)?);
                let threat = &mut entry.threat;
                if let Some(severity) = row.opt_text(5)?.as_deref().and_then(Severity::from_text)
                    && threat.severity < severity
                {
                    threat.severity = severity;
                }
                // SSVC comes as a set from the first advisory that gives any of it.
                let ssvc = [row.opt_text(6)?, row.opt_text(7)?, row.opt_text(8)?];
                let has_ssvc = threat.exploitation.is_some()
                    || threat.automatable.is_some()
                    || threat.technical_impact.is_some();
                if !has_ssvc {
                    let [exploitation, automatable, technical_impact] = ssvc;
                    threat.exploitation = exploitation;
                    threat.automatable = automatable;
                    threat.technical_impact = technical_impact;
                }
                if entry.summary.is_none() {
                    entry.summary = row.opt_text(9)?.filter(|s| !s.trim().is_empty());
                }
                if row.opt_text(10)?.is_some() || row.opt_text(13)?.is_some() {
                    threat.kev = true;
                }
                if row
                    .opt_text(11)?
                    .is_some_and(|use_| use_.eq_ignore_ascii_case("known"))
                {
                    threat.ransomware = true;
                }
                if let Some(epss) = row.opt_real(12)? {
                    threat.epss = Some(threat.epss.map_or(epss, |e| e.max(epss)));
                }
                Ok(())
            };
            read().map_err(|message| db.corrupt(context, message))?;
        }
    }
    for (vid, vulnerability) in &mut res {
        let cvss = v3_or_v4.get(vid).or_else(|| v2.get(vid)).copied();
        vulnerability.threat.cvss = cvss;
        if let Some(score) = cvss {
            vulnerability.threat.severity = Severity::from_cvss(score);
        }
        vulnerability.aliases = aliases
            .remove(vid)
            .unwrap_or_default()
            .into_iter()
            .collect();
    }
    Ok(res)
}

/// The open findings of the newest SBOM of each product version, sorted.
pub(crate) async fn version_findings(
    db: &AssetDb,
    product_version_ids: &[i64],
) -> Result<Vec<VersionFinding>, AssetError> {
    let context = "reading the findings of product versions";
    let mut res = Vec::new();
    for chunk in product_version_ids.chunks(ID_CHUNK) {
        let sql = format!(
            "SELECT DISTINCT COALESCE(v.vulnerability_id, adv.advisory_id), {PAIR_COLUMNS} \
             FROM product_versions pv \
             JOIN sbom_components c ON c.sbom_id = pv.latest_sbom_id \
             JOIN findings f ON f.package_id = c.package_id \
             JOIN advisories adv ON adv.id = f.advisory_row AND adv.withdrawn IS NULL \
             LEFT JOIN vulnerability_ids v ON v.member = adv.advisory_id \
             JOIN packages k ON k.id = c.package_id \
             JOIN products pr ON pr.id = pv.product_id \
             JOIN organizations o ON o.id = pr.organization_id \
             WHERE pv.id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::Int(Some(*id))).collect();
        let rows = db.fetch_all(context, &sql, &params).await?;
        for row in &rows {
            let read = || -> Result<VersionFinding, String> {
                Ok(VersionFinding {
                    vulnerability_id: row.text(0)?,
                    pair: read_pair(row, 1)?,
                })
            };
            res.push(read().map_err(|message| db.corrupt(context, message))?);
        }
    }
    res.sort_by(|a, b| {
        (
            a.pair.product_version_id,
            &a.vulnerability_id,
            a.pair.package_id,
        )
            .cmp(&(
                b.pair.product_version_id,
                &b.vulnerability_id,
                b.pair.package_id,
            ))
    });
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_spelled_as_the_feeds_do() {
        assert_eq!(
            normalize_vulnerability_id(" cve-2021-44228 "),
            "CVE-2021-44228"
        );
        assert_eq!(
            normalize_vulnerability_id("ghsa-JF85-CPCP-J695"),
            "GHSA-jf85-cpcp-j695"
        );
        assert_eq!(normalize_vulnerability_id("GO-2022-0493"), "GO-2022-0493");
    }
}
