//! OSV records (any ecosystem): one document, an array, or JSON Lines.
//!
//! A record that breaks the OSV schema in a way the matcher cannot work around is an error
//! (no `id` or `modified`, an unknown range type, a range without `introduced`, an event
//! without exactly one key, a Git range without `repo`). Findings that leave the record
//! usable are warnings: a range whose events repeat a version (seen in real PYSEC and
//! RUSTSEC records), `fixed` mixed with `last_affected`, an unscorable CVSS vector.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::advisory::{
    AdvisorySource, AffectedPackage, Event, OsvPackage, PackageAffected, Range, RangeKind,
    Reference, SeverityScore, SourceKind,
};
use crate::json::{for_each_record, non_empty, nullable, raw_text, salvage_id};
use crate::timestamp::Timestamp;
use crate::{Advisory, FeedError, FeedKind, ReadSummary, Record};

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    for_each_record(FeedKind::Osv, name, bytes, &mut |record_bytes, position| {
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
                let id = salvage_id(record_bytes, "/id");
                summary.error(position, id.as_deref(), cause);
            }
        }
    })
}

#[derive(Deserialize)]
struct OsvRecord<'a> {
    id: String,
    modified: String,
    published: Option<String>,
    withdrawn: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    related: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    upstream: Vec<String>,
    summary: Option<String>,
    details: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    severity: Vec<OsvSeverity>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    affected: Vec<OsvAffected<'a>>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<OsvReference>,
    #[serde(borrow)]
    database_specific: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct OsvAffected<'a> {
    package: Option<OsvPackageJson>,
    #[serde(default, deserialize_with = "nullable")]
    severity: Vec<OsvSeverity>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    ranges: Vec<OsvRange<'a>>,
    #[serde(default, deserialize_with = "nullable")]
    versions: Vec<String>,
    #[serde(borrow)]
    ecosystem_specific: Option<&'a RawValue>,
    #[serde(borrow)]
    database_specific: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct OsvPackageJson {
    ecosystem: String,
    name: String,
    purl: Option<String>,
}

#[derive(Deserialize)]
struct OsvRange<'a> {
    #[serde(rename = "type")]
    kind: String,
    repo: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    events: Vec<OsvEvent>,
    #[serde(borrow)]
    database_specific: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct OsvEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

#[derive(Deserialize)]
struct OsvReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: String,
}

#[derive(Deserialize)]
struct DatabaseSpecificCwes {
    #[serde(default, deserialize_with = "nullable")]
    cwe_ids: Vec<String>,
}

fn read_record(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Advisory, String> {
    let record: OsvRecord<'_> = match serde_json::from_slice(bytes) {
        Ok(record) => record,
        Err(err) => return Err(explain(bytes, &err)),
    };
    if record.id.trim().is_empty() {
        return Err("empty id".to_owned());
    }
    let modified = Timestamp::parse(&record.modified);
    if modified.instant().is_none() {
        return Err(format!(
            "modified {:?} is not an rfc 3339 timestamp",
            record.modified
        ));
    }
    let mut severity = Vec::new();
    push_severity(&record.severity, &mut severity, warnings);
    let mut affected = Vec::with_capacity(record.affected.len());
    for (affected_idx, entry) in record.affected.iter().enumerate() {
        affected.push(AffectedPackage::Package(read_affected(
            affected_idx,
            entry,
            warnings,
        )?));
    }
    let mut related = record.related;
    related.extend(record.upstream);
    let cwes = record
        .database_specific
        .and_then(|raw| serde_json::from_str::<DatabaseSpecificCwes>(raw.get()).ok())
        .map(|db| db.cwe_ids)
        .unwrap_or_default();
    let database = match record.id.split_once('-') {
        Some((prefix, _)) => prefix.to_owned(),
        None => record.id.clone(),
    };
    Ok(Advisory {
        source: AdvisorySource {
            kind: SourceKind::Osv,
            database,
            document: None,
        },
        id: record.id,
        aliases: record.aliases,
        related,
        summary: non_empty(record.summary),
        details: non_empty(record.details),
        published: record.published.as_deref().map(Timestamp::parse),
        modified: Some(modified),
        withdrawn: record.withdrawn.as_deref().map(Timestamp::parse),
        severity,
        cwes,
        references: record
            .references
            .into_iter()
            .map(|reference| Reference {
                url: reference.url,
                tags: reference.kind.into_iter().collect(),
            })
            .collect(),
        affected,
        ssvc: Vec::new(),
        known_exploited: None,
        csaf: None,
    })
}

/// Names the most useful cause: a document that is JSON but lacks the required OSV keys is
/// "not an osv record" (a GHSA API document, say), whatever field serde tripped on first.
fn explain(bytes: &[u8], err: &serde_json::Error) -> String {
    #[derive(Deserialize)]
    struct RequiredKeys {
        id: Option<serde::de::IgnoredAny>,
        modified: Option<serde::de::IgnoredAny>,
    }
    match serde_json::from_slice::<RequiredKeys>(bytes) {
        Ok(keys) if keys.id.is_none() => "not an osv record: no id field".to_owned(),
        Ok(keys) if keys.modified.is_none() => "not an osv record: no modified field".to_owned(),
        _ => err.to_string(),
    }
}

fn push_severity(
    severity: &[OsvSeverity],
    res: &mut Vec<SeverityScore>,
    warnings: &mut Vec<String>,
) {
    for entry in severity {
        let kind = crate::scoring::kind_from_osv(&entry.kind);
        let (score, warning) = crate::scoring::score(kind, &entry.score, None, None);
        res.push(score);
        warnings.extend(warning);
    }
}

fn read_affected(
    affected_idx: usize,
    entry: &OsvAffected<'_>,
    warnings: &mut Vec<String>,
) -> Result<PackageAffected, String> {
    let package = entry.package.as_ref().map(|package| OsvPackage {
        ecosystem: package.ecosystem.clone(),
        name: package.name.clone(),
        purl: package.purl.clone(),
    });
    let what = match &package {
        Some(package) => format!("{} package {:?}", package.ecosystem, package.name),
        None => format!("affected[{affected_idx}]"),
    };
    let mut ranges = Vec::with_capacity(entry.ranges.len());
    for (range_idx, range) in entry.ranges.iter().enumerate() {
        ranges.push(read_range(&what, range_idx, range, warnings)?);
    }
    let mut severity = Vec::new();
    push_severity(&entry.severity, &mut severity, warnings);
    Ok(PackageAffected {
        package,
        severity,
        ranges,
        versions: entry.versions.clone(),
        ecosystem_specific: raw_text(entry.ecosystem_specific),
        database_specific: raw_text(entry.database_specific),
    })
}

fn read_range(
    what: &str,
    range_idx: usize,
    range: &OsvRange<'_>,
    warnings: &mut Vec<String>,
) -> Result<Range, String> {
    let kind = match range.kind.as_str() {
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "SEMVER" => RangeKind::Semver,
        "GIT" => RangeKind::Git,
        other => {
            return Err(format!(
                "{what}: range {range_idx} has unknown type {other:?} (expected ECOSYSTEM, SEMVER or GIT)"
            ));
        }
    };
    if kind == RangeKind::Git && range.repo.as_deref().is_none_or(str::is_empty) {
        return Err(format!("{what}: git range {range_idx} has no repo"));
    }
    let mut events = Vec::with_capacity(range.events.len());
    for (event_idx, event) in range.events.iter().enumerate() {
        let candidates = [
            event.introduced.clone().map(Event::Introduced),
            event.fixed.clone().map(Event::Fixed),
            event.last_affected.clone().map(Event::LastAffected),
            event.limit.clone().map(Event::Limit),
        ];
        let mut present = candidates.into_iter().flatten();
        let (Some(only), None) = (present.next(), present.next()) else {
            return Err(format!(
                "{what}: range {range_idx} event {event_idx} must have exactly one of introduced, fixed, last_affected, limit"
            ));
        };
        events.push(only);
    }
    if !events
        .iter()
        .any(|event| matches!(event, Event::Introduced(_)))
    {
        return Err(format!("{what}: range {range_idx} has no introduced event"));
    }
    let mut seen: Vec<&str> = Vec::with_capacity(events.len());
    for event in &events {
        if seen.contains(&event.version()) {
            warnings.push(format!(
                "{what}: range {range_idx} events are not distinct: {:?} appears more than once",
                event.version()
            ));
            break;
        }
        seen.push(event.version());
    }
    let has_fixed = events.iter().any(|event| matches!(event, Event::Fixed(_)));
    let has_last_affected = events
        .iter()
        .any(|event| matches!(event, Event::LastAffected(_)));
    if has_fixed && has_last_affected {
        warnings.push(format!(
            "{what}: range {range_idx} mixes fixed and last_affected events"
        ));
    }
    Ok(Range {
        kind,
        repo: range.repo.clone(),
        events,
        database_specific: raw_text(range.database_specific),
    })
}
