//! FIRST EPSS daily scores CSV: an optional comment line
//! `#model_version:v2023.03.01,score_date:2024-06-01T00:00:00+0000`, the header
//! `cve,epss,percentile`, then one row per CVE. Every score keeps the model version and score
//! date, because scores from different models are not comparable.

use crate::timestamp::Timestamp;
use crate::{FeedError, FeedKind, Position, ReadSummary, Record};

/// One EPSS score.
#[derive(Debug, Clone, PartialEq)]
pub struct EpssScore {
    /// The CVE id.
    pub cve: String,
    /// The probability of exploitation activity in the next 30 days, in [0, 1].
    pub epss: f64,
    /// The score's percentile among all scored CVEs, in [0, 1].
    pub percentile: f64,
    /// The model that produced the score (`v2023.03.01`), when the file states it.
    pub model_version: Option<String>,
    /// The day the scores are for, when the file states it.
    pub score_date: Option<Timestamp>,
}

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let malformed = |cause: String| FeedError::Malformed {
        kind: FeedKind::Epss,
        name: name.to_owned(),
        cause,
    };
    let text = std::str::from_utf8(bytes).map_err(|err| malformed(format!("not utf-8: {err}")))?;
    let mut model_version = None;
    let mut score_date = None;
    let mut columns: Option<[usize; 3]> = None;
    for (idx, line) in text.lines().enumerate() {
        let line_number = idx as u64 + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            for pair in comment.split(',') {
                match pair.split_once(':') {
                    Some(("model_version", value)) => model_version = Some(value.trim().to_owned()),
                    Some(("score_date", value)) => {
                        score_date = Some(Timestamp::parse(value.trim()))
                    }
                    _ => {}
                }
            }
            continue;
        }
        let Some(columns) = columns else {
            columns = Some(header_columns(line).ok_or_else(|| {
                malformed(format!(
                    "line {line_number}: expected the header cve,epss,percentile, found {line:?}"
                ))
            })?);
            continue;
        };
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [cve_idx, epss_idx, percentile_idx] = columns;
        let cve = fields.get(cve_idx).copied().unwrap_or_default();
        match (
            probability(fields.get(epss_idx).copied()),
            probability(fields.get(percentile_idx).copied()),
        ) {
            (Ok(epss), Ok(percentile)) if cve.starts_with("CVE-") => {
                summary.n_records += 1;
                sink(Record::Epss(EpssScore {
                    cve: cve.to_owned(),
                    epss,
                    percentile,
                    model_version: model_version.clone(),
                    score_date: score_date.clone(),
                }));
            }
            (Ok(_), Ok(_)) => summary.error(
                Position::Line(line_number),
                None,
                format!("{cve:?} is not a cve id"),
            ),
            (Err(cause), _) => summary.error(
                Position::Line(line_number),
                Some(cve),
                format!("epss {cause}"),
            ),
            (_, Err(cause)) => summary.error(
                Position::Line(line_number),
                Some(cve),
                format!("percentile {cause}"),
            ),
        }
    }
    summary.feed_version = model_version;
    summary.feed_date = score_date.map(|date| date.text().to_owned());
    Ok(())
}

fn header_columns(line: &str) -> Option<[usize; 3]> {
    let headers: Vec<&str> = line.split(',').map(str::trim).collect();
    let find = |name: &str| headers.iter().position(|header| *header == name);
    Some([find("cve")?, find("epss")?, find("percentile")?])
}

fn probability(text: Option<&str>) -> Result<f64, String> {
    let text = text.ok_or_else(|| "value is missing".to_owned())?;
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err(format!("{text} is outside [0, 1]"));
    }
    Ok(value)
}
