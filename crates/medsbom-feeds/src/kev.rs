//! The CISA Known Exploited Vulnerabilities catalog, from its JSON or its CSV form (the same
//! columns; CSV `cwes` is a comma-separated list).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{nullable, salvage_id};
use crate::{FeedError, FeedKind, Position, ReadSummary, Record};

/// One KEV catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KevEntry {
    /// The CVE id.
    #[serde(rename = "cveID")]
    pub cve_id: String,
    /// The vendor or project.
    pub vendor_project: String,
    /// The product.
    pub product: String,
    /// CISA's name for the vulnerability.
    pub vulnerability_name: String,
    /// When it was added to the catalog (`YYYY-MM-DD`).
    pub date_added: String,
    /// A short description.
    pub short_description: String,
    /// What federal agencies must do.
    pub required_action: String,
    /// By when (`YYYY-MM-DD`).
    pub due_date: String,
    /// `Known` or `Unknown`.
    pub known_ransomware_campaign_use: Option<String>,
    /// Notes and links.
    pub notes: Option<String>,
    /// CWE ids.
    #[serde(default, deserialize_with = "nullable")]
    pub cwes: Vec<String>,
}

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    match start.and_then(|start| bytes.get(start)) {
        Some(b'{') => read_json(name, bytes, summary, sink),
        _ => read_csv(name, bytes, summary, sink),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalog<'a> {
    catalog_version: Option<String>,
    date_released: Option<String>,
    count: Option<u64>,
    #[serde(borrow)]
    vulnerabilities: Vec<&'a RawValue>,
}

fn read_json(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let catalog: Catalog<'_> =
        serde_json::from_slice(bytes).map_err(|err| FeedError::Malformed {
            kind: FeedKind::Kev,
            name: name.to_owned(),
            cause: format!("not a kev catalog: {err}"),
        })?;
    summary.feed_version = catalog.catalog_version;
    summary.feed_date = catalog.date_released;
    for (idx, entry) in catalog.vulnerabilities.iter().enumerate() {
        let position = Position::Entry(idx);
        match serde_json::from_str::<KevEntry>(entry.get()) {
            Ok(entry) => {
                summary.n_records += 1;
                sink(Record::Kev(entry));
            }
            Err(err) => {
                let id = salvage_id(entry.get().as_bytes(), "/cveID");
                summary.error(position, id.as_deref(), err.to_string());
            }
        }
    }
    let n_entries = catalog.vulnerabilities.len() as u64;
    if let Some(count) = catalog.count.filter(|count| *count != n_entries) {
        summary.warning(
            Position::Document,
            None,
            format!("catalog count is {count} but it holds {n_entries} entries"),
        );
    }
    Ok(())
}

const CSV_COLUMNS: [&str; 11] = [
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
    "knownRansomwareCampaignUse",
    "notes",
    "cwes",
];

fn read_csv(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let malformed = |cause: String| FeedError::Malformed {
        kind: FeedKind::Kev,
        name: name.to_owned(),
        cause,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|err| malformed(format!("cannot read the csv header: {err}")))?
        .clone();
    let mut column_idx = [0_usize; CSV_COLUMNS.len()];
    for (slot, column) in column_idx.iter_mut().zip(CSV_COLUMNS) {
        *slot = headers
            .iter()
            .position(|header| header.trim() == column)
            .ok_or_else(|| malformed(format!("the csv header has no {column} column")))?;
    }
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                summary.error(Position::Line(line), None, err.to_string());
                continue;
            }
        };
        let line = row.position().map_or(0, csv::Position::line);
        let field = |idx: usize| -> Option<&str> {
            column_idx.get(idx).and_then(|column| row.get(*column))
        };
        let required = |idx: usize| -> Result<String, String> {
            match field(idx) {
                Some(value) if !value.trim().is_empty() => Ok(value.to_owned()),
                _ => Err(format!(
                    "missing {} value",
                    CSV_COLUMNS.get(idx).copied().unwrap_or("a required")
                )),
            }
        };
        let entry = (|| -> Result<KevEntry, String> {
            Ok(KevEntry {
                cve_id: required(0)?,
                vendor_project: required(1)?,
                product: required(2)?,
                vulnerability_name: required(3)?,
                date_added: required(4)?,
                short_description: required(5)?,
                required_action: required(6)?,
                due_date: required(7)?,
                known_ransomware_campaign_use: field(8).map(str::to_owned),
                notes: field(9).map(str::to_owned),
                cwes: field(10)
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|cwe| !cwe.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })();
        match entry {
            Ok(entry) => {
                summary.n_records += 1;
                sink(Record::Kev(entry));
            }
            Err(cause) => {
                summary.error(Position::Line(line), field(0), cause);
            }
        }
    }
    Ok(())
}
