//! CVE JSON 5.x records (one document, an array, or JSON Lines): the CNA container and every
//! ADP container, including CISA's SSVC decisions, KEV date, CVSS, CWE and CPE enrichment.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::advisory::{
    AdvisorySource, AffectedPackage, KnownExploited, ProductAffected, ProductVersion, Reference,
    SeverityKind, SourceKind, Ssvc, VersionChange, VersionStatus,
};
use crate::json::{LangValue, english, for_each_record, non_empty, nullable, salvage_id};
use crate::timestamp::Timestamp;
use crate::{Advisory, FeedError, FeedKind, ReadSummary, Record};

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    for_each_record(
        FeedKind::Cve5,
        name,
        bytes,
        &mut |record_bytes, position| {
            let mut warnings = Vec::new();
            match read_record(record_bytes, &mut warnings) {
                Ok(advisory) => {
                    for warning in warnings {
                        summary.warning(position, Some(&advisory.id), warning);
                    }
                    summary.n_records += 1;
                    sink(Record::Advisory(Box::new(advisory)));
                }
                Err(cause) => {
                    let id = salvage_id(record_bytes, "/cveMetadata/cveId");
                    summary.error(position, id.as_deref(), cause);
                }
            }
        },
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cve5Record<'a> {
    data_type: Option<String>,
    cve_metadata: CveMetadata,
    #[serde(borrow)]
    containers: Containers<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CveMetadata {
    cve_id: String,
    assigner_short_name: Option<String>,
    state: String,
    date_published: Option<String>,
    date_updated: Option<String>,
    date_rejected: Option<String>,
}

#[derive(Deserialize)]
struct Containers<'a> {
    #[serde(borrow)]
    cna: Option<Container<'a>>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    adp: Vec<Container<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Container<'a> {
    provider_metadata: Option<ProviderMetadata>,
    title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    descriptions: Vec<LangValue>,
    #[serde(default, deserialize_with = "nullable")]
    rejected_reasons: Vec<LangValue>,
    #[serde(default, deserialize_with = "nullable")]
    affected: Vec<AffectedJson>,
    #[serde(default, deserialize_with = "nullable")]
    problem_types: Vec<ProblemType>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    metrics: Vec<Metric<'a>>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<ReferenceJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProviderMetadata {
    short_name: Option<String>,
    date_updated: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AffectedJson {
    vendor: Option<String>,
    product: Option<String>,
    #[serde(rename = "collectionURL")]
    collection_url: Option<String>,
    package_name: Option<String>,
    repo: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    cpes: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    modules: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    platforms: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    program_files: Vec<String>,
    default_status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    versions: Vec<VersionJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionJson {
    version: String,
    status: String,
    version_type: Option<String>,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    changes: Vec<ChangeJson>,
}

#[derive(Deserialize)]
struct ChangeJson {
    at: String,
    status: String,
}

#[derive(Deserialize)]
struct ProblemType {
    #[serde(default, deserialize_with = "nullable")]
    descriptions: Vec<ProblemDescription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProblemDescription {
    cwe_id: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct Metric<'a> {
    #[serde(rename = "cvssV4_0")]
    cvss_v4_0: Option<CvssJson>,
    #[serde(rename = "cvssV3_1")]
    cvss_v3_1: Option<CvssJson>,
    #[serde(rename = "cvssV3_0")]
    cvss_v3_0: Option<CvssJson>,
    #[serde(rename = "cvssV2_0")]
    cvss_v2_0: Option<CvssJson>,
    #[serde(borrow)]
    other: Option<OtherMetric<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CvssJson {
    vector_string: String,
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct OtherMetric<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct SsvcContent {
    role: Option<String>,
    version: Option<String>,
    timestamp: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    options: Vec<BTreeMap<String, serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevContent {
    date_added: Option<String>,
    reference: Option<String>,
}

#[derive(Deserialize)]
struct ReferenceJson {
    url: String,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<String>,
}

fn read_record(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Advisory, String> {
    let record: Cve5Record<'_> = serde_json::from_slice(bytes).map_err(|err| err.to_string())?;
    if let Some(data_type) = record
        .data_type
        .as_deref()
        .filter(|data_type| *data_type != "CVE_RECORD")
    {
        return Err(format!(
            "dataType is {data_type:?}, expected \"CVE_RECORD\""
        ));
    }
    let metadata = record.cve_metadata;
    if metadata.cve_id.trim().is_empty() {
        return Err("empty cveId".to_owned());
    }
    let rejected = match metadata.state.as_str() {
        "PUBLISHED" => false,
        "REJECTED" => true,
        other => return Err(format!("unknown state {other:?}")),
    };
    let cna = record.containers.cna;
    let summary = cna.as_ref().and_then(|cna| non_empty(cna.title.clone()));
    let details = cna.as_ref().and_then(|cna| {
        let descriptions = if cna.descriptions.is_empty() {
            &cna.rejected_reasons
        } else {
            &cna.descriptions
        };
        english(descriptions)
    });
    let modified = metadata
        .date_updated
        .clone()
        .or_else(|| {
            cna.as_ref()
                .and_then(|cna| cna.provider_metadata.as_ref())
                .and_then(|provider| provider.date_updated.clone())
        })
        .map(|text| Timestamp::parse(&text));
    let mut containers: Vec<(String, Container<'_>)> = Vec::new();
    if let Some(cna) = cna {
        containers.push(("cna".to_owned(), cna));
    }
    for (adp_idx, adp) in record.containers.adp.into_iter().enumerate() {
        let short_name = adp
            .provider_metadata
            .as_ref()
            .and_then(|provider| provider.short_name.clone())
            .unwrap_or_else(|| format!("adp[{adp_idx}]"));
        containers.push((short_name, adp));
    }

    let mut severity = Vec::new();
    let mut cwes: Vec<String> = Vec::new();
    let mut references: Vec<Reference> = Vec::new();
    let mut affected = Vec::new();
    let mut ssvc = Vec::new();
    let mut known_exploited = None;
    for (container_name, container) in containers {
        for metric in &container.metrics {
            let cvss_metrics = [
                (SeverityKind::CvssV4, &metric.cvss_v4_0),
                (SeverityKind::CvssV3, &metric.cvss_v3_1),
                (SeverityKind::CvssV3, &metric.cvss_v3_0),
                (SeverityKind::CvssV2, &metric.cvss_v2_0),
            ];
            for (kind, cvss) in cvss_metrics {
                let Some(cvss) = cvss else { continue };
                let (score, warning) = crate::scoring::score(
                    kind,
                    &cvss.vector_string,
                    cvss.base_score,
                    Some(&container_name),
                );
                severity.push(score);
                warnings.extend(warning);
            }
            if let Some(other) = &metric.other {
                read_other_metric(
                    &container_name,
                    other,
                    &mut ssvc,
                    &mut known_exploited,
                    warnings,
                );
            }
        }
        for problem_type in &container.problem_types {
            for description in &problem_type.descriptions {
                let cwe = match (&description.cwe_id, &description.description) {
                    (Some(cwe_id), _) => Some(cwe_id.trim().to_owned()),
                    (None, Some(text)) => cwe_prefix(text),
                    (None, None) => None,
                };
                if let Some(cwe) = cwe.filter(|cwe| !cwes.contains(cwe)) {
                    cwes.push(cwe);
                }
            }
        }
        for reference in container.references {
            if references.iter().any(|known| known.url == reference.url) {
                continue;
            }
            references.push(Reference {
                url: reference.url,
                tags: reference.tags,
            });
        }
        for (affected_idx, entry) in container.affected.into_iter().enumerate() {
            let product = read_affected(&container_name, entry)
                .map_err(|cause| format!("{container_name} affected[{affected_idx}]: {cause}"))?;
            affected.push(AffectedPackage::Product(product));
        }
    }

    let withdrawn = match rejected {
        true => metadata
            .date_rejected
            .as_deref()
            .map(Timestamp::parse)
            .or_else(|| modified.clone()),
        false => None,
    };
    Ok(Advisory {
        source: AdvisorySource {
            kind: SourceKind::Cve5,
            database: metadata
                .assigner_short_name
                .unwrap_or_else(|| "cve".to_owned()),
            document: None,
        },
        id: metadata.cve_id,
        aliases: Vec::new(),
        related: Vec::new(),
        summary,
        details,
        published: metadata.date_published.as_deref().map(Timestamp::parse),
        modified,
        withdrawn,
        severity,
        cwes,
        references,
        affected,
        ssvc,
        known_exploited,
        csaf: None,
    })
}

fn read_other_metric(
    container_name: &str,
    other: &OtherMetric<'_>,
    ssvc: &mut Vec<Ssvc>,
    known_exploited: &mut Option<KnownExploited>,
    warnings: &mut Vec<String>,
) {
    let Some(content) = other.content else {
        return;
    };
    match other.kind.as_str() {
        "ssvc" => match serde_json::from_str::<SsvcContent>(content.get()) {
            Ok(content) => {
                let mut decision = Ssvc {
                    provider: container_name.to_owned(),
                    role: content.role,
                    version: content.version,
                    timestamp: content.timestamp.as_deref().map(Timestamp::parse),
                    exploitation: None,
                    automatable: None,
                    technical_impact: None,
                };
                for option in &content.options {
                    for (key, value) in option {
                        let Some(value) = value.as_str() else {
                            continue;
                        };
                        let slot = match key.as_str() {
                            "Exploitation" => &mut decision.exploitation,
                            "Automatable" => &mut decision.automatable,
                            "Technical Impact" => &mut decision.technical_impact,
                            _ => continue,
                        };
                        *slot = Some(value.to_owned());
                    }
                }
                ssvc.push(decision);
            }
            Err(err) => warnings.push(format!("{container_name} ssvc metric: {err}")),
        },
        "kev" => match serde_json::from_str::<KevContent>(content.get()) {
            Ok(content) => {
                *known_exploited = Some(KnownExploited {
                    date_added: content.date_added,
                    due_date: None,
                    required_action: None,
                    vulnerability_name: None,
                    reference: content.reference,
                });
            }
            Err(err) => warnings.push(format!("{container_name} kev metric: {err}")),
        },
        _ => {}
    }
}

fn read_affected(container_name: &str, entry: AffectedJson) -> Result<ProductAffected, String> {
    let default_status = match entry.default_status.as_deref() {
        None => None,
        Some(text) => Some(status(text)?),
    };
    let mut versions = Vec::with_capacity(entry.versions.len());
    for version in entry.versions {
        let mut changes = Vec::with_capacity(version.changes.len());
        for change in version.changes {
            changes.push(VersionChange {
                status: status(&change.status)?,
                at: change.at,
            });
        }
        versions.push(ProductVersion {
            status: status(&version.status)?,
            version: version.version,
            version_type: version.version_type,
            less_than: version.less_than,
            less_than_or_equal: version.less_than_or_equal,
            changes,
        });
    }
    Ok(ProductAffected {
        container: container_name.to_owned(),
        vendor: entry.vendor,
        product: entry.product,
        collection_url: entry.collection_url,
        package_name: entry.package_name,
        repo: entry.repo,
        cpes: entry.cpes,
        modules: entry.modules,
        platforms: entry.platforms,
        program_files: entry.program_files,
        default_status,
        versions,
    })
}

fn status(text: &str) -> Result<VersionStatus, String> {
    match text {
        "affected" => Ok(VersionStatus::Affected),
        "unaffected" => Ok(VersionStatus::Unaffected),
        "unknown" => Ok(VersionStatus::Unknown),
        other => Err(format!(
            "unknown version status {other:?} (expected affected, unaffected or unknown)"
        )),
    }
}

/// `CWE-79` from a problem type description such as `CWE-79 Cross-site Scripting`.
fn cwe_prefix(text: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix("CWE-")?;
    let n_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if n_digits == 0 {
        return None;
    }
    Some(format!("CWE-{}", rest.get(..n_digits)?))
}

#[cfg(test)]
mod tests {
    use super::cwe_prefix;

    #[test]
    fn cwe_from_description() {
        assert_eq!(
            cwe_prefix("CWE-79 Cross-site Scripting").as_deref(),
            Some("CWE-79")
        );
        assert_eq!(cwe_prefix("CWE-1321").as_deref(), Some("CWE-1321"));
        assert_eq!(cwe_prefix("Denial of service"), None);
        assert_eq!(cwe_prefix("CWE-"), None);
    }
}
