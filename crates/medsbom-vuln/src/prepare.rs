//! From a feed [`Advisory`] to the rows stored for it (pure; runs on the reading thread).
//!
//! What becomes a lookup row:
//! - OSV `affected[]` entries with a package: one `advisory_packages` row each (ranges other
//!   than `GIT`, and `versions[]`); entries without a package, or with neither an evaluable
//!   range nor a listed version, are not indexed.
//! - NVD configurations: one `advisory_cpes` row per vulnerable criterion of a non-negated
//!   node (negated configurations are skipped); the configuration's `vulnerable: false`
//!   criteria are the row's platform context.
//! - CVE 5 `affected[]` entries with `cpes[]`: one `advisory_cpes` row per CPE and affected
//!   version or range (`version` … `lessThan` / `lessThanOrEqual`); entries with `changes[]`,
//!   Git versions or version texts without a digit (`n/a`, `unspecified`) are not indexed.
//! - CSAF products in `known_affected`, `first_affected` or `last_affected` with a purl (its
//!   version, or a `vers:` product version range) or a CPE.
//!
//! A withdrawn advisory keeps its identifiers but no lookup rows, so it matches nothing.

use medsbom_feeds::advisory::{
    Advisory, AffectedPackage, CsafProductStatus, CsafStatus, NvdConfiguration, PackageAffected,
    ProductAffected, SeverityKind, SourceKind, VersionStatus,
};
use medsbom_feeds::timestamp::UtcInstant;
use medsbom_versions::cpe::{Cpe, CpeValue};
use medsbom_versions::purl::Purl;
use sha2::{Digest, Sha256};

use crate::keys::{canonical_ecosystem, lookup_name, plain_attribute, purl_key, wfn_quote};
use crate::stored::{StoredData, StoredRange, StoredReference, StoredSeverity, to_json};

/// The rows of one advisory, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PreparedAdvisory {
    pub(crate) key: String,
    pub(crate) advisory_id: String,
    pub(crate) source: &'static str,
    pub(crate) database: String,
    pub(crate) document: Option<String>,
    pub(crate) modified: Option<String>,
    pub(crate) modified_at: Option<String>,
    pub(crate) modified_instant: Option<UtcInstant>,
    pub(crate) published: Option<String>,
    pub(crate) withdrawn: Option<String>,
    pub(crate) summary: Option<String>,
    pub(crate) cvss_v2: Option<(f64, String)>,
    pub(crate) cvss_v3: Option<(f64, String)>,
    pub(crate) cvss_v4: Option<(f64, String)>,
    pub(crate) severity_text: Option<String>,
    pub(crate) ssvc: [Option<String>; 3],
    pub(crate) kev_date_added: Option<String>,
    /// The advisory's own id first, then its aliases, without duplicates.
    pub(crate) ids: Vec<String>,
    pub(crate) packages: Vec<PreparedPackage>,
    pub(crate) cpes: Vec<PreparedCpe>,
    /// The remainder (details, references, …) as JSON; compressed only when written.
    pub(crate) data_json: String,
    pub(crate) sha256: String,
}

/// An `advisory_packages` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PreparedPackage {
    pub(crate) ecosystem: String,
    pub(crate) name: String,
    pub(crate) package_name: String,
    pub(crate) ranges: String,
    pub(crate) versions: String,
}

/// An `advisory_cpes` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PreparedCpe {
    pub(crate) vendor: String,
    pub(crate) product: String,
    pub(crate) criteria: String,
    pub(crate) start_including: Option<String>,
    pub(crate) start_excluding: Option<String>,
    pub(crate) end_including: Option<String>,
    pub(crate) end_excluding: Option<String>,
    pub(crate) platforms: String,
}

/// The rows for `advisory`, with the content hash that makes re-imports idempotent.
pub(crate) fn prepare(advisory: &Advisory) -> PreparedAdvisory {
    let source = advisory.source.kind.as_str();
    let key = match advisory.source.kind {
        SourceKind::Csaf => format!(
            "csaf:{}/{}:{}",
            advisory.source.database,
            advisory.source.document.as_deref().unwrap_or(""),
            advisory.id
        ),
        _ => format!("{source}:{}", advisory.id),
    };
    let mut ids = vec![advisory.id.clone()];
    for alias in &advisory.aliases {
        let alias = alias.trim();
        if !alias.is_empty() && !ids.iter().any(|id| id == alias) {
            ids.push(alias.to_owned());
        }
    }
    let mut severities: Vec<&medsbom_feeds::advisory::SeverityScore> =
        advisory.severity.iter().collect();
    for affected in &advisory.affected {
        if let AffectedPackage::Package(package) = affected {
            severities.extend(package.severity.iter());
        }
    }
    let best = |kind: &SeverityKind| -> Option<(f64, String)> {
        severities
            .iter()
            .filter(|s| &s.kind == kind)
            .filter_map(|s| Some((s.base_score.or(s.stated_score)?, s.vector.clone())))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    };
    let severity_text = severities.iter().find_map(|s| match &s.kind {
        SeverityKind::Other(_) => Some(s.vector.clone()),
        _ => None,
    });
    let ssvc = advisory.ssvc.first().map_or([None, None, None], |ssvc| {
        [
            ssvc.exploitation.clone(),
            ssvc.automatable.clone(),
            ssvc.technical_impact.clone(),
        ]
    });
    let (packages, cpes) = match advisory.withdrawn {
        Some(_) => (Vec::new(), Vec::new()),
        None => lookup_rows(advisory),
    };
    let data = StoredData {
        details: advisory.details.clone(),
        aliases: advisory.aliases.clone(),
        related: advisory.related.clone(),
        cwes: advisory.cwes.clone(),
        references: advisory
            .references
            .iter()
            .map(|reference| StoredReference {
                url: reference.url.clone(),
                tags: reference.tags.clone(),
            })
            .collect(),
        severity: severities
            .iter()
            .map(|s| StoredSeverity {
                kind: match &s.kind {
                    SeverityKind::CvssV2 => "CVSS_V2".to_owned(),
                    SeverityKind::CvssV3 => "CVSS_V3".to_owned(),
                    SeverityKind::CvssV4 => "CVSS_V4".to_owned(),
                    SeverityKind::Other(other) => other.clone(),
                },
                vector: s.vector.clone(),
                score: s.base_score.or(s.stated_score),
                source: s.source.clone(),
            })
            .collect(),
    };
    let modified_instant = advisory.modified.as_ref().and_then(|m| m.instant());
    let mut res = PreparedAdvisory {
        key,
        advisory_id: advisory.id.clone(),
        source,
        database: advisory.source.database.clone(),
        document: advisory.source.document.clone(),
        modified: advisory.modified.as_ref().map(|m| m.text().to_owned()),
        modified_at: modified_instant.map(|instant| instant.to_string()),
        modified_instant,
        published: advisory.published.as_ref().map(|p| p.text().to_owned()),
        withdrawn: advisory.withdrawn.as_ref().map(|w| w.text().to_owned()),
        summary: advisory.summary.clone(),
        cvss_v2: best(&SeverityKind::CvssV2),
        cvss_v3: best(&SeverityKind::CvssV3),
        cvss_v4: best(&SeverityKind::CvssV4),
        severity_text,
        ssvc,
        kev_date_added: advisory
            .known_exploited
            .as_ref()
            .map(|kev| kev.date_added.clone().unwrap_or_default()),
        ids,
        packages,
        cpes,
        data_json: to_json(&data),
        sha256: String::new(),
    };
    res.sha256 = content_hash(&res);
    res
}

/// SHA-256 over every stored field, each length-prefixed so that no two different records
/// hash the same bytes.
fn content_hash(advisory: &PreparedAdvisory) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => hasher.update([0_u8]),
        Some(text) => {
            hasher.update([1_u8]);
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
    };
    let score = |cvss: &Option<(f64, String)>| {
        cvss.as_ref()
            .map(|(score, vector)| format!("{score}|{vector}"))
    };
    let [exploitation, automatable, technical_impact] = &advisory.ssvc;
    let scores = [
        score(&advisory.cvss_v2),
        score(&advisory.cvss_v3),
        score(&advisory.cvss_v4),
    ];
    for value in [
        Some(advisory.key.as_str()),
        Some(advisory.advisory_id.as_str()),
        Some(advisory.source),
        Some(advisory.database.as_str()),
        advisory.document.as_deref(),
        advisory.modified.as_deref(),
        advisory.published.as_deref(),
        advisory.withdrawn.as_deref(),
        advisory.summary.as_deref(),
        scores[0].as_deref(),
        scores[1].as_deref(),
        scores[2].as_deref(),
        advisory.severity_text.as_deref(),
        exploitation.as_deref(),
        automatable.as_deref(),
        technical_impact.as_deref(),
        advisory.kev_date_added.as_deref(),
        Some(advisory.data_json.as_str()),
    ] {
        field(value);
    }
    for id in &advisory.ids {
        field(Some(id));
    }
    for package in &advisory.packages {
        for value in [
            &package.ecosystem,
            &package.name,
            &package.package_name,
            &package.ranges,
            &package.versions,
        ] {
            field(Some(value));
        }
    }
    for cpe in &advisory.cpes {
        field(Some(&cpe.vendor));
        field(Some(&cpe.product));
        field(Some(&cpe.criteria));
        field(cpe.start_including.as_deref());
        field(cpe.start_excluding.as_deref());
        field(cpe.end_including.as_deref());
        field(cpe.end_excluding.as_deref());
        field(Some(&cpe.platforms));
    }
    hex::encode(hasher.finalize())
}

fn lookup_rows(advisory: &Advisory) -> (Vec<PreparedPackage>, Vec<PreparedCpe>) {
    let mut packages = Vec::new();
    let mut cpes = Vec::new();
    for affected in &advisory.affected {
        match affected {
            AffectedPackage::Package(package) => packages.extend(osv_row(package)),
            AffectedPackage::NvdConfiguration(configuration) => {
                nvd_rows(configuration, &mut cpes);
            }
            AffectedPackage::Product(product) => cve5_rows(product, &mut cpes),
            AffectedPackage::CsafProduct(status) => csaf_rows(status, &mut packages, &mut cpes),
        }
    }
    packages.dedup();
    let mut seen = Vec::with_capacity(cpes.len());
    cpes.retain(|cpe| {
        if seen.contains(cpe) {
            return false;
        }
        seen.push(cpe.clone());
        true
    });
    (packages, cpes)
}

fn osv_row(affected: &PackageAffected) -> Option<PreparedPackage> {
    let package = affected.package.as_ref()?;
    let ranges: Vec<StoredRange> = affected
        .ranges
        .iter()
        .filter_map(StoredRange::from_feed)
        .collect();
    if ranges.is_empty() && affected.versions.is_empty() {
        return None;
    }
    let ecosystem = canonical_ecosystem(&package.ecosystem);
    Some(PreparedPackage {
        name: lookup_name(&ecosystem, &package.name),
        ecosystem,
        package_name: package.name.clone(),
        ranges: to_json(&ranges),
        versions: to_json(&affected.versions),
    })
}

/// The vendor and product of a criterion, and the criterion in canonical form.
fn criterion(text: &str) -> Option<(String, String, Cpe)> {
    let cpe = Cpe::parse(text.trim()).ok()?;
    let vendor = plain_attribute(cpe.vendor())?;
    let product = plain_attribute(cpe.product())?;
    Some((vendor, product, cpe))
}

fn nvd_rows(configuration: &NvdConfiguration, res: &mut Vec<PreparedCpe>) {
    if configuration.negate {
        return;
    }
    let platforms: Vec<String> = configuration
        .nodes
        .iter()
        .flat_map(|node| node.cpe_match.iter())
        .filter(|criterion| !criterion.vulnerable)
        .map(|criterion| criterion.criteria.clone())
        .collect();
    let platforms = to_json(&platforms);
    for node in &configuration.nodes {
        if node.negate {
            continue;
        }
        for entry in node.cpe_match.iter().filter(|entry| entry.vulnerable) {
            let Some((vendor, product, cpe)) = criterion(&entry.criteria) else {
                continue;
            };
            res.push(PreparedCpe {
                vendor,
                product,
                criteria: cpe.to_string(),
                start_including: entry.version_start_including.clone(),
                start_excluding: entry.version_start_excluding.clone(),
                end_including: entry.version_end_including.clone(),
                end_excluding: entry.version_end_excluding.clone(),
                platforms: platforms.clone(),
            });
        }
    }
}

/// A CVE 5 version text usable as a bound: it names a version (has a digit).
fn version_like(text: &str) -> Option<String> {
    let text = text.trim();
    text.bytes()
        .any(|b| b.is_ascii_digit())
        .then(|| text.to_owned())
}

fn cve5_rows(product: &ProductAffected, res: &mut Vec<PreparedCpe>) {
    let no_platforms = to_json(&Vec::<String>::new());
    for text in &product.cpes {
        let Some((vendor, product_name, cpe)) = criterion(text) else {
            continue;
        };
        let row = |cpe: &Cpe, bounds: [Option<String>; 4]| {
            let [
                start_including,
                start_excluding,
                end_including,
                end_excluding,
            ] = bounds;
            PreparedCpe {
                vendor: vendor.clone(),
                product: product_name.clone(),
                criteria: cpe.to_string(),
                start_including,
                start_excluding,
                end_including,
                end_excluding,
                platforms: no_platforms.clone(),
            }
        };
        if !matches!(cpe.version(), CpeValue::Any) {
            res.push(row(&cpe, [None, None, None, None]));
            continue;
        }
        let affected_versions: Vec<_> = product
            .versions
            .iter()
            .filter(|v| v.status == VersionStatus::Affected)
            .collect();
        if affected_versions.is_empty()
            && product.versions.is_empty()
            && product.default_status == Some(VersionStatus::Affected)
        {
            res.push(row(&cpe, [None, None, None, None]));
            continue;
        }
        for version in affected_versions {
            let is_git = version
                .version_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("git"));
            if is_git || !version.changes.is_empty() {
                continue;
            }
            let upper_lt = version.less_than.as_deref().map(str::trim);
            let upper_lte = version.less_than_or_equal.as_deref().map(str::trim);
            if upper_lt.is_none() && upper_lte.is_none() {
                let Some(exact) = version_like(&version.version) else {
                    continue;
                };
                res.push(row(&cpe, [Some(exact.clone()), None, Some(exact), None]));
                continue;
            }
            let start = match version.version.trim() {
                "0" | "*" | "" => None,
                other => match version_like(other) {
                    Some(start) => Some(start),
                    None => continue,
                },
            };
            let end = |upper: Option<&str>| -> Result<Option<String>, ()> {
                match upper {
                    None | Some("*") => Ok(None),
                    Some(text) => version_like(text).map(Some).ok_or(()),
                }
            };
            let (Ok(end_excluding), Ok(end_including)) = (end(upper_lt), end(upper_lte)) else {
                continue;
            };
            res.push(row(&cpe, [start, None, end_including, end_excluding]));
        }
    }
}

fn csaf_rows(
    status: &CsafProductStatus,
    packages: &mut Vec<PreparedPackage>,
    cpes: &mut Vec<PreparedCpe>,
) {
    let affected = matches!(
        status.status,
        CsafStatus::KnownAffected | CsafStatus::FirstAffected | CsafStatus::LastAffected
    );
    if !affected {
        return;
    }
    let product = &status.product;
    if let Some(purl) = product
        .purl
        .as_deref()
        .and_then(|p| Purl::parse(p.trim()).ok())
        && let Some(key) = purl_key(&purl, None)
    {
        let range = product
            .product_version
            .as_deref()
            .filter(|_| product.version_is_range)
            .map(str::trim)
            .filter(|text| text.starts_with("vers:"));
        let (ranges, versions) = match (purl.version(), range) {
            (Some(version), _) => (Vec::new(), vec![version.to_owned()]),
            (None, Some(vers)) => (vec![StoredRange::vers(vers)], Vec::new()),
            (None, None) => return,
        };
        packages.push(PreparedPackage {
            ecosystem: key.ecosystem,
            name: key.name,
            package_name: purl.name().to_owned(),
            ranges: to_json(&ranges),
            versions: to_json(&versions),
        });
        return;
    }
    let Some((vendor, product_name, cpe)) = product.cpe.as_deref().and_then(criterion) else {
        return;
    };
    let cpe = match (cpe.version(), product.product_version.as_deref()) {
        (CpeValue::Any, Some(version)) if !product.version_is_range => {
            cpe.with_version(CpeValue::Value(wfn_quote(version)))
        }
        (CpeValue::Any, _) => return,
        _ => cpe,
    };
    cpes.push(PreparedCpe {
        vendor,
        product: product_name,
        criteria: cpe.to_string(),
        start_including: None,
        start_excluding: None,
        end_including: None,
        end_excluding: None,
        platforms: to_json(&Vec::<String>::new()),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(kind: medsbom_feeds::FeedKind, text: &str) -> Advisory {
        let mut res = None;
        let summary = medsbom_feeds::read(kind, "x.json", text.as_bytes(), &mut |record| {
            if let medsbom_feeds::Record::Advisory(advisory) = record {
                res = Some(*advisory);
            }
        })
        .unwrap();
        assert_eq!(summary.n_errors, 0, "{:?}", summary.errors);
        res.unwrap()
    }

    #[test]
    fn osv_record_rows() {
        let advisory = read_one(
            medsbom_feeds::FeedKind::Osv,
            r#"{"id":"PYSEC-2021-1","modified":"2021-01-02T03:04:05Z","aliases":["CVE-2021-1","PYSEC-2021-1"],
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"PyPI","name":"Flask_Cors"},
              "ranges":[{"type":"GIT","repo":"https://x","events":[{"introduced":"0"},{"fixed":"abc"}]},
                        {"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.9"}]}],
              "versions":["3.0.8"]},
              {"ranges":[{"type":"GIT","repo":"https://x","events":[{"introduced":"0"}]}]}]}"#,
        );
        let res = prepare(&advisory);
        assert_eq!(res.key, "osv:PYSEC-2021-1");
        assert_eq!(res.ids, ["PYSEC-2021-1", "CVE-2021-1"]);
        assert_eq!(res.modified_at.as_deref(), Some("2021-01-02T03:04:05Z"));
        assert_eq!(res.cvss_v3.as_ref().map(|c| c.0), Some(9.8));
        assert_eq!(res.packages.len(), 1);
        let package = &res.packages[0];
        assert_eq!(
            (package.ecosystem.as_str(), package.name.as_str()),
            ("PyPI", "flask-cors")
        );
        assert_eq!(
            package.ranges,
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.9"}]}]"#
        );
        assert_eq!(package.versions, r#"["3.0.8"]"#);
        // The same record prepares to the same hash; another modified date does not.
        assert_eq!(prepare(&advisory).sha256, res.sha256);
        let mut changed = advisory.clone();
        changed.summary = Some("changed".to_owned());
        assert_ne!(prepare(&changed).sha256, res.sha256);
        // Withdrawn: identifiers only.
        changed.withdrawn = changed.modified.clone();
        assert!(prepare(&changed).packages.is_empty());
    }

    #[test]
    fn cve5_cpes_become_criteria() {
        let advisory = read_one(
            medsbom_feeds::FeedKind::Cve5,
            r#"{"dataType":"CVE_RECORD","dataVersion":"5.1",
            "cveMetadata":{"cveId":"CVE-2020-1","state":"PUBLISHED","assignerShortName":"x","dateUpdated":"2024-01-01T00:00:00"},
            "containers":{"cna":{"providerMetadata":{"orgId":"x"},"descriptions":[{"lang":"en","value":"d"}],
            "affected":[{"vendor":"acme","product":"pump","cpes":["cpe:2.3:a:acme:pump:*:*:*:*:*:*:*:*"],
              "versions":[{"version":"0","lessThan":"2.4.1","status":"affected","versionType":"custom"},
                          {"version":"3.0","status":"affected"},
                          {"version":"n/a","status":"affected"},
                          {"version":"1.0","lessThan":"*","status":"unaffected"}]}]}}}"#,
        );
        let res = prepare(&advisory);
        let rows: Vec<(String, Option<String>, Option<String>, Option<String>)> = res
            .cpes
            .iter()
            .map(|c| {
                (
                    c.criteria.clone(),
                    c.start_including.clone(),
                    c.end_including.clone(),
                    c.end_excluding.clone(),
                )
            })
            .collect();
        let any = "cpe:2.3:a:acme:pump:*:*:*:*:*:*:*:*".to_owned();
        assert_eq!(
            rows,
            [
                (any.clone(), None, None, Some("2.4.1".to_owned())),
                (any, Some("3.0".to_owned()), Some("3.0".to_owned()), None),
            ]
        );
    }
}
