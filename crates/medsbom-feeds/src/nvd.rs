//! NVD CVE API 2.0 response pages (`"format": "NVD_CVE"`): each `vulnerabilities[].cve` is
//! one advisory; a bad entry is reported and the rest of the page is read.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::advisory::{
    AdvisorySource, AffectedPackage, CpeMatch, KnownExploited, NvdConfiguration, NvdNode, Operator,
    Reference, SeverityKind, SourceKind,
};
use crate::json::{LangValue, english, nullable, salvage_id};
use crate::timestamp::Timestamp;
use crate::{Advisory, FeedError, FeedKind, Position, ReadSummary, Record};

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let page: NvdPage<'_> = serde_json::from_slice(bytes).map_err(|err| FeedError::Malformed {
        kind: FeedKind::NvdCve2,
        name: name.to_owned(),
        cause: format!("not an nvd cve api 2.0 page: {err}"),
    })?;
    if let Some(format) = page.format.as_deref().filter(|format| *format != "NVD_CVE") {
        return Err(FeedError::Malformed {
            kind: FeedKind::NvdCve2,
            name: name.to_owned(),
            cause: format!("format is {format:?}, expected \"NVD_CVE\""),
        });
    }
    summary.feed_version = page.version;
    summary.feed_date = page.timestamp;
    for (idx, entry) in page.vulnerabilities.iter().enumerate() {
        let position = Position::Entry(idx);
        let mut warnings = Vec::new();
        match read_entry(entry.get().as_bytes(), &mut warnings) {
            Ok(advisory) => {
                for warning in warnings {
                    summary.warning(position, Some(&advisory.id), warning);
                }
                summary.n_records += 1;
                sink(Record::Advisory(Box::new(advisory)));
            }
            Err(cause) => {
                let id = salvage_id(entry.get().as_bytes(), "/cve/id");
                summary.error(position, id.as_deref(), cause);
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct NvdPage<'a> {
    format: Option<String>,
    version: Option<String>,
    timestamp: Option<String>,
    #[serde(borrow)]
    vulnerabilities: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct NvdEntry {
    cve: NvdCve,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdCve {
    id: String,
    published: Option<String>,
    last_modified: Option<String>,
    vuln_status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    descriptions: Vec<LangValue>,
    #[serde(default, deserialize_with = "nullable")]
    metrics: NvdMetrics,
    #[serde(default, deserialize_with = "nullable")]
    weaknesses: Vec<NvdWeakness>,
    #[serde(default, deserialize_with = "nullable")]
    configurations: Vec<NvdConfigurationJson>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<NvdReference>,
    cisa_exploit_add: Option<String>,
    cisa_action_due: Option<String>,
    cisa_required_action: Option<String>,
    cisa_vulnerability_name: Option<String>,
}

#[derive(Deserialize, Default)]
struct NvdMetrics {
    #[serde(rename = "cvssMetricV40", default, deserialize_with = "nullable")]
    v40: Vec<NvdMetric>,
    #[serde(rename = "cvssMetricV31", default, deserialize_with = "nullable")]
    v31: Vec<NvdMetric>,
    #[serde(rename = "cvssMetricV30", default, deserialize_with = "nullable")]
    v30: Vec<NvdMetric>,
    #[serde(rename = "cvssMetricV2", default, deserialize_with = "nullable")]
    v2: Vec<NvdMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdMetric {
    source: Option<String>,
    cvss_data: NvdCvssData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdCvssData {
    vector_string: String,
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct NvdWeakness {
    #[serde(default, deserialize_with = "nullable")]
    description: Vec<LangValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdConfigurationJson {
    operator: Option<String>,
    negate: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    nodes: Vec<NvdNodeJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdNodeJson {
    operator: Option<String>,
    negate: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    cpe_match: Vec<NvdCpeMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NvdCpeMatch {
    vulnerable: bool,
    criteria: String,
    match_criteria_id: Option<String>,
    version_start_including: Option<String>,
    version_start_excluding: Option<String>,
    version_end_including: Option<String>,
    version_end_excluding: Option<String>,
}

#[derive(Deserialize)]
struct NvdReference {
    url: String,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<String>,
}

fn read_entry(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Advisory, String> {
    let entry: NvdEntry = serde_json::from_slice(bytes).map_err(|err| err.to_string())?;
    let cve = entry.cve;
    if cve.id.trim().is_empty() {
        return Err("empty cve id".to_owned());
    }
    let mut severity = Vec::new();
    let metric_lists = [
        (SeverityKind::CvssV4, &cve.metrics.v40),
        (SeverityKind::CvssV3, &cve.metrics.v31),
        (SeverityKind::CvssV3, &cve.metrics.v30),
        (SeverityKind::CvssV2, &cve.metrics.v2),
    ];
    for (kind, metrics) in metric_lists {
        for metric in metrics {
            let (score, warning) = crate::scoring::score(
                kind.clone(),
                &metric.cvss_data.vector_string,
                metric.cvss_data.base_score,
                metric.source.as_deref(),
            );
            severity.push(score);
            warnings.extend(warning);
        }
    }
    let mut cwes: Vec<String> = Vec::new();
    for weakness in &cve.weaknesses {
        for description in &weakness.description {
            // NVD-CWE-Other and NVD-CWE-noinfo are NVD placeholders, not CWE entries.
            if description.value.starts_with("CWE-") && !cwes.contains(&description.value) {
                cwes.push(description.value.clone());
            }
        }
    }
    let mut affected = Vec::with_capacity(cve.configurations.len());
    for (configuration_idx, configuration) in cve.configurations.iter().enumerate() {
        affected.push(AffectedPackage::NvdConfiguration(read_configuration(
            configuration_idx,
            configuration,
        )?));
    }
    let modified = cve.last_modified.as_deref().map(Timestamp::parse);
    let withdrawn = match cve.vuln_status.as_deref() {
        Some("Rejected") => modified.clone(),
        _ => None,
    };
    let known_exploited = match (
        &cve.cisa_exploit_add,
        &cve.cisa_action_due,
        &cve.cisa_required_action,
        &cve.cisa_vulnerability_name,
    ) {
        (None, None, None, None) => None,
        _ => Some(KnownExploited {
            date_added: cve.cisa_exploit_add,
            due_date: cve.cisa_action_due,
            required_action: cve.cisa_required_action,
            vulnerability_name: cve.cisa_vulnerability_name,
            reference: None,
        }),
    };
    let details = english(&cve.descriptions);
    Ok(Advisory {
        source: AdvisorySource {
            kind: SourceKind::Nvd,
            database: "nvd".to_owned(),
            document: None,
        },
        id: cve.id,
        aliases: Vec::new(),
        related: Vec::new(),
        summary: None,
        details,
        published: cve.published.as_deref().map(Timestamp::parse),
        modified,
        withdrawn,
        severity,
        cwes,
        references: cve
            .references
            .into_iter()
            .map(|reference| Reference {
                url: reference.url,
                tags: reference.tags,
            })
            .collect(),
        affected,
        ssvc: Vec::new(),
        known_exploited,
        csaf: None,
    })
}

fn read_configuration(
    configuration_idx: usize,
    configuration: &NvdConfigurationJson,
) -> Result<NvdConfiguration, String> {
    let operator = match configuration.operator.as_deref() {
        None => None,
        Some(text) => Some(parse_operator(text).ok_or_else(|| {
            format!("configuration {configuration_idx} has unknown operator {text:?}")
        })?),
    };
    let mut nodes = Vec::with_capacity(configuration.nodes.len());
    for (node_idx, node) in configuration.nodes.iter().enumerate() {
        let node_operator = match node.operator.as_deref() {
            None => Operator::Or,
            Some(text) => parse_operator(text).ok_or_else(|| {
                format!(
                    "configuration {configuration_idx} node {node_idx} has unknown operator {text:?}"
                )
            })?,
        };
        nodes.push(NvdNode {
            operator: node_operator,
            negate: node.negate.unwrap_or(false),
            cpe_match: node
                .cpe_match
                .iter()
                .map(|cpe_match| CpeMatch {
                    vulnerable: cpe_match.vulnerable,
                    criteria: cpe_match.criteria.clone(),
                    match_criteria_id: cpe_match.match_criteria_id.clone(),
                    version_start_including: cpe_match.version_start_including.clone(),
                    version_start_excluding: cpe_match.version_start_excluding.clone(),
                    version_end_including: cpe_match.version_end_including.clone(),
                    version_end_excluding: cpe_match.version_end_excluding.clone(),
                })
                .collect(),
        });
    }
    Ok(NvdConfiguration {
        operator,
        negate: configuration.negate.unwrap_or(false),
        nodes,
    })
}

fn parse_operator(text: &str) -> Option<Operator> {
    match text {
        "AND" => Some(Operator::And),
        "OR" => Some(Operator::Or),
        _ => None,
    }
}
