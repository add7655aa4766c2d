//! `medsbom feeds status`: what each feed holds, how new it is, and when it was imported.
//!
//! A feed's age is measured from its newest record (an advisory's `modified` date, the KEV
//! catalog's release date, the EPSS score date) to a date the caller passes, so the result
//! does not depend on the clock.

use std::collections::BTreeMap;

use medsbom_feeds::timestamp::UtcInstant;
use medsbom_model::IsoDate;

use crate::{VulnDb, VulnError};

/// One feed (an advisory database, KEV or EPSS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedStatus {
    /// `osv/GHSA`, `osv/PYSEC`, …, `nvd`, `cve5`, `csaf`, `kev`, `epss`.
    pub source: String,
    /// Records stored.
    pub n_records: i64,
    /// The newest record's date (UTC, as stored).
    pub newest_record: Option<String>,
    /// When the feed was last imported (UTC).
    pub last_import: Option<String>,
    /// The feed version of the last import (KEV catalog version, EPSS model version).
    pub feed_version: Option<String>,
    /// Days from the newest record to the `as_of` date.
    pub age_days: Option<i64>,
    /// Whether the age exceeds the maximum age (or the feed has no dated record).
    pub stale: bool,
}

/// The status of every feed stored, in source order; `as_of` is "today" and `max_age_days`
/// the age above which a feed is stale.
pub async fn feed_status(
    db: &VulnDb,
    as_of: IsoDate,
    max_age_days: i64,
) -> Result<Vec<FeedStatus>, VulnError> {
    let context = "reading feed status";
    let mut tx = db.db.begin_read(context).await?;
    // (source, database) → (count, newest).
    let mut rows: BTreeMap<String, (i64, Option<String>)> = BTreeMap::new();
    for row in tx
        .fetch_all(
            context,
            "SELECT source, database, count(*), max(modified_at) FROM advisories \
             GROUP BY source, database",
            &[],
        )
        .await?
    {
        let source = row.text(0)?;
        let name = match source.as_str() {
            "osv" => format!("osv/{}", row.text(1)?),
            _ => source.clone(),
        };
        let entry = rows.entry(name).or_insert((0, None));
        entry.0 += row.int(2)?;
        entry.1 = entry.1.clone().max(row.opt_text(3)?);
    }
    // Last import per feed kind, and the version and date the feed itself states in its
    // newest import that states them (a KEV CSV, say, states neither).
    // feed kind -> (last import time, feed version, feed date)
    type ImportFacts = (Option<String>, Option<String>, Option<String>);
    let mut imports: BTreeMap<String, ImportFacts> = BTreeMap::new();
    for row in tx
        .fetch_all(
            context,
            "SELECT source, max(imported_at) FROM feed_imports GROUP BY source",
            &[],
        )
        .await?
    {
        imports.insert(row.text(0)?, (row.opt_text(1)?, None, None));
    }
    for row in tx
        .fetch_all(
            context,
            "SELECT source, feed_version, feed_date FROM feed_imports WHERE id IN \
             (SELECT max(id) FROM feed_imports \
              WHERE feed_version IS NOT NULL OR feed_date IS NOT NULL GROUP BY source)",
            &[],
        )
        .await?
    {
        let entry = imports.entry(row.text(0)?).or_default();
        entry.1 = row.opt_text(1)?;
        entry.2 = row.opt_text(2)?;
    }
    for (table, newest_column) in [("kev", "date_added"), ("epss", "score_date")] {
        let sql = format!("SELECT count(*), max({newest_column}) FROM {table}");
        for row in tx.fetch_all(context, &sql, &[]).await? {
            let n_records = row.int(0)?;
            if 0 < n_records {
                rows.insert(table.to_owned(), (n_records, row.opt_text(1)?));
            }
        }
    }
    let mut res = Vec::with_capacity(rows.len());
    for (source, (n_records, newest)) in rows {
        let kind = source.split('/').next().unwrap_or(&source).to_owned();
        let (last_import, feed_version, feed_date) =
            imports.get(&kind).cloned().unwrap_or_default();
        // KEV's catalog release date says more about its freshness than its newest entry.
        let newest_record = match (kind.as_str(), feed_date) {
            ("kev", Some(released)) => Some(released),
            _ => newest,
        };
        let age_days = newest_record
            .as_deref()
            .and_then(date_of)
            .map(|date| as_of.days_since_epoch() - date.days_since_epoch());
        res.push(FeedStatus {
            stale: age_days.is_none_or(|age| max_age_days < age),
            source,
            n_records,
            newest_record,
            last_import,
            feed_version,
            age_days,
        });
    }
    Ok(res)
}

/// The UTC date of a stored timestamp or date.
fn date_of(text: &str) -> Option<IsoDate> {
    UtcInstant::parse(text)
        .map(UtcInstant::date)
        .or_else(|| text.get(..10).and_then(IsoDate::parse))
}
