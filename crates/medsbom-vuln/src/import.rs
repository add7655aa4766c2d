//! Feed import: files, directories, `.zip`, `.gz` and `.jsonl.gz` in, advisories, KEV and
//! EPSS rows out, in one transaction per import.
//!
//! A reading thread walks the paths, detects each file's feed from its content, reads it and
//! prepares the rows ([`crate::prepare`]); the importing task writes them. Each advisory is
//! written only when it is new, or when its content changed and its `modified` date is not
//! older than the stored one, so importing the same files twice changes nothing. At the end
//! the identifiers touched are grouped again into vulnerabilities ([`crate::aliases`]) and
//! the packages whose keys appear in changed advisories are matched again, all before the
//! commit.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use medsbom_feeds::epss::EpssScore;
use medsbom_feeds::kev::KevEntry;
use medsbom_feeds::timestamp::{Timestamp, UtcInstant};
use medsbom_feeds::walk::{WalkLimits, walk};
use medsbom_feeds::{FeedError, FeedKind, Record};

use crate::aliases::group_ids;
use crate::db::{Param, Tx, insert_sql, placeholders, rows_per_statement};
use crate::evaluate::MatchConfig;
use crate::matching::{ChangedKeys, MatchReport, match_after_import};
use crate::prepare::{PreparedAdvisory, prepare};
use crate::stored::compress;
use crate::{VulnDb, VulnError};

/// Advisories per write batch.
const ADVISORY_BATCH: usize = 200;
/// KEV and EPSS rows per write batch.
const SCORE_BATCH: usize = 1000;
/// Keys per `… IN (…)` list.
const KEY_CHUNK: usize = 500;
/// Record errors kept per file in the report (the rest are counted).
const MAX_ERRORS_PER_FILE: usize = 100;

/// How to import.
pub struct ImportOptions<'a> {
    /// Settings of the matching run at the end of the import.
    pub match_config: MatchConfig,
    /// Called after each file and each batch of records (for a progress bar).
    pub progress: Option<&'a (dyn Fn(&ImportProgress) + Sync)>,
}

/// Where an import is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// The file being imported.
    pub file: String,
    /// Files done so far (including skipped ones).
    pub n_files: usize,
    /// Records written or compared so far.
    pub n_records: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// One entry per file found.
    pub files: Vec<FileReport>,
    /// Records read.
    pub n_records: usize,
    /// Records not stored before.
    pub n_new: usize,
    /// Records that replaced an older stored version.
    pub n_updated: usize,
    /// Records identical to (or older than) the stored version.
    pub n_unchanged: usize,
    /// Records that could not be read, plus files that could not be read.
    pub n_errors: usize,
    /// The matching run at the end of the import.
    pub matching: MatchReport,
}

/// What happened to one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The file (with `!member` for an archive member).
    pub name: String,
    /// The feed detected, when one was.
    pub kind: Option<FeedKind>,
    /// Why nothing was imported from the file, when that is the case.
    pub skipped: Option<String>,
    /// Records read.
    pub n_records: usize,
    /// Records not stored before.
    pub n_new: usize,
    /// Records that replaced an older stored version.
    pub n_updated: usize,
    /// Records identical to (or older than) the stored version.
    pub n_unchanged: usize,
    /// Records that could not be read.
    pub n_errors: usize,
    /// The first record errors, each naming the record and the cause.
    pub errors: Vec<String>,
    /// Records kept despite a problem (an unscorable CVSS vector, …).
    pub n_warnings: usize,
    /// The feed's own version (KEV catalog version, EPSS model version, …).
    pub feed_version: Option<String>,
    /// The feed's own date (KEV release date, EPSS score date, …).
    pub feed_date: Option<String>,
}

/// One file as the reading thread hands it over.
enum Item {
    File(Box<ReadFile>),
    /// The file could not be read or decompressed; the import goes on.
    Unreadable {
        name: String,
        cause: String,
    },
    /// A path could not be walked at all; the import fails.
    Fatal(FeedError),
}

struct ReadFile {
    report: FileReport,
    advisories: Vec<PreparedAdvisory>,
    kev: Vec<KevEntry>,
    epss: Vec<EpssScore>,
}

/// Imports every feed file below `paths` in one transaction and runs the incremental
/// matching. A path that does not exist (or a walk that exceeds the limits) fails the whole
/// import; a file that is not a feed, or cannot be read, is reported and skipped; a record
/// that cannot be read is reported with its position, id and cause.
pub async fn import_paths(
    db: &VulnDb,
    paths: &[PathBuf],
    options: &ImportOptions<'_>,
) -> Result<ImportReport, VulnError> {
    for path in paths {
        if let Err(source) = std::fs::metadata(path) {
            return Err(VulnError::Feed(FeedError::Io {
                path: path.display().to_string(),
                source,
            }));
        }
    }
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Item>(2);
    let walk_paths = paths.to_vec();
    let reader = tokio::task::spawn_blocking(move || read_paths(&walk_paths, &sender));

    let context = "importing feeds";
    let mut tx = db.db.begin(context).await?;
    let mut state = ImportState::default();
    let mut report = ImportReport::default();
    while let Some(item) = receiver.recv().await {
        let file = match item {
            Item::Fatal(err) => return Err(VulnError::Feed(err)),
            Item::Unreadable { name, cause } => {
                report.n_errors += 1;
                report.files.push(FileReport {
                    name,
                    skipped: Some(cause),
                    n_errors: 1,
                    ..FileReport::default()
                });
                continue;
            }
            Item::File(file) => file,
        };
        let file_report = import_file(&mut tx, *file, &mut state, &report, options).await?;
        report.n_records += file_report.n_records;
        report.n_new += file_report.n_new;
        report.n_updated += file_report.n_updated;
        report.n_unchanged += file_report.n_unchanged;
        report.n_errors += file_report.n_errors;
        report.files.push(file_report);
        if let Some(progress) = options.progress {
            progress(&ImportProgress {
                file: report
                    .files
                    .last()
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                n_files: report.files.len(),
                n_records: report.n_records,
            });
        }
    }
    // The channel closes when the reader is done; a panic there is a bug worth reporting.
    if let Err(err) = reader.await {
        return Err(VulnError::Shape(format!("the feed reader failed: {err}")));
    }
    regroup_ids(&mut tx, &state.touched_ids).await?;
    report.matching = match_after_import(&mut tx, &state.changed, &options.match_config).await?;
    tx.commit(context).await?;
    Ok(report)
}

/// The reading thread: walk, detect, read, prepare, send.
fn read_paths(paths: &[PathBuf], sender: &tokio::sync::mpsc::Sender<Item>) {
    for path in paths {
        let mut closed = false;
        let res = walk(path, &WalkLimits::DEFAULT, &mut |file| {
            if closed {
                return;
            }
            let item = match file {
                Ok(file) => read_file(&file.name, &file.bytes),
                Err(err) => Item::Unreadable {
                    name: error_subject(&err),
                    cause: err.to_string(),
                },
            };
            closed = sender.blocking_send(item).is_err();
        });
        if let Err(err) = res {
            let _ = sender.blocking_send(Item::Fatal(err));
            return;
        }
        if closed {
            return;
        }
    }
}

fn error_subject(err: &FeedError) -> String {
    match err {
        FeedError::Io { path, .. } => path.clone(),
        FeedError::Archive { name, .. }
        | FeedError::TooLarge { name, .. }
        | FeedError::Malformed { name, .. } => name.clone(),
    }
}

/// Detects and reads one file and prepares its rows.
fn read_file(name: &str, bytes: &[u8]) -> Item {
    let mut report = FileReport {
        name: name.to_owned(),
        ..FileReport::default()
    };
    let Some(kind) = medsbom_feeds::detect(name, bytes) else {
        report.skipped = Some(
            "not a supported feed (OSV, NVD CVE API 2.0, CVE JSON 5, CISA KEV, FIRST EPSS, CSAF)"
                .to_owned(),
        );
        return Item::File(Box::new(ReadFile {
            report,
            advisories: Vec::new(),
            kev: Vec::new(),
            epss: Vec::new(),
        }));
    };
    report.kind = Some(kind);
    let mut advisories = Vec::new();
    let mut kev = Vec::new();
    let mut epss = Vec::new();
    let mut n_eol = 0;
    let read = medsbom_feeds::read(kind, name, bytes, &mut |record| match record {
        Record::Advisory(advisory) => advisories.push(prepare(&advisory)),
        Record::Kev(entry) => kev.push(entry),
        Record::Epss(score) => epss.push(score),
        Record::EndOfLife(_) => n_eol += 1,
    });
    match read {
        Ok(summary) => {
            report.n_records = summary.n_records;
            report.n_errors = summary.n_errors;
            report.errors = summary
                .errors
                .iter()
                .take(MAX_ERRORS_PER_FILE)
                .map(ToString::to_string)
                .collect();
            report.n_warnings = summary.n_warnings;
            report.feed_version = summary.feed_version;
            report.feed_date = summary.feed_date;
        }
        Err(err) => {
            report.n_errors = 1;
            report.skipped = Some(err.to_string());
        }
    }
    if kind == FeedKind::EndOfLife {
        report.n_records = 0;
        report.skipped = Some(format!(
            "endoflife.date data ({n_eol} products) is imported by the lifecycle commands"
        ));
    }
    Item::File(Box::new(ReadFile {
        report,
        advisories,
        kev,
        epss,
    }))
}

/// What the whole import touched, for the steps after the last file.
#[derive(Default)]
struct ImportState {
    /// Identifiers whose vulnerability group may have changed.
    touched_ids: BTreeSet<String>,
    /// Lookup keys of new and replaced rows.
    changed: ChangedKeys,
}

async fn import_file(
    tx: &mut Tx,
    file: ReadFile,
    state: &mut ImportState,
    done: &ImportReport,
    options: &ImportOptions<'_>,
) -> Result<FileReport, VulnError> {
    let ReadFile {
        mut report,
        advisories,
        kev,
        epss,
    } = file;
    let Some(kind) = report.kind.filter(|_| report.skipped.is_none()) else {
        return Ok(report);
    };
    let rows = tx
        .fetch_all(
            "recording a feed import",
            "INSERT INTO feed_imports (source, file, feed_version, feed_date) \
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[
                Param::text(kind.as_str()),
                Param::text(&report.name),
                Param::Text(report.feed_version.as_deref()),
                Param::Text(report.feed_date.as_deref()),
            ],
        )
        .await?;
    let import_id = match rows.first() {
        Some(row) => row.int(0)?,
        None => return Err(VulnError::Shape("feed import row has no id".to_owned())),
    };
    let mut newest: Option<UtcInstant> = None;
    let mut n_done = 0;
    let progress = |n_done: usize| {
        if let Some(progress) = options.progress {
            progress(&ImportProgress {
                file: report.name.clone(),
                n_files: done.files.len(),
                n_records: done.n_records + n_done,
            });
        }
    };
    for batch in advisories.chunks(ADVISORY_BATCH) {
        for advisory in batch {
            newest = newest.max(advisory.modified_instant);
        }
        let counts = write_advisories(tx, import_id, batch, state).await?;
        report.n_new += counts.n_new;
        report.n_updated += counts.n_updated;
        report.n_unchanged += counts.n_unchanged;
        n_done += batch.len();
        progress(n_done);
    }
    for batch in kev.chunks(SCORE_BATCH) {
        let counts = write_kev(tx, import_id, report.feed_version.as_deref(), batch).await?;
        report.n_new += counts.n_new;
        report.n_updated += counts.n_updated;
        report.n_unchanged += counts.n_unchanged;
        n_done += batch.len();
        progress(n_done);
    }
    for batch in epss.chunks(SCORE_BATCH) {
        for score in batch {
            newest = newest.max(score.score_date.as_ref().and_then(Timestamp::instant));
        }
        let counts = write_epss(tx, import_id, batch).await?;
        report.n_new += counts.n_new;
        report.n_updated += counts.n_updated;
        report.n_unchanged += counts.n_unchanged;
        n_done += batch.len();
        progress(n_done);
    }
    let newest_text = newest.map(|instant| instant.to_string());
    let newest_kev = kev.iter().map(|entry| entry.date_added.as_str()).max();
    let newest_text = newest_text.or(newest_kev.map(str::to_owned));
    tx.execute(
        "recording a feed import",
        "UPDATE feed_imports SET n_records = $1, n_new = $2, n_updated = $3, n_unchanged = $4, \
         n_errors = $5, newest_modified = $6 WHERE id = $7",
        &[
            Param::int(count(report.n_records)),
            Param::int(count(report.n_new)),
            Param::int(count(report.n_updated)),
            Param::int(count(report.n_unchanged)),
            Param::int(count(report.n_errors)),
            Param::Text(newest_text.as_deref()),
            Param::int(import_id),
        ],
    )
    .await?;
    Ok(report)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[derive(Default)]
struct Counts {
    n_new: usize,
    n_updated: usize,
    n_unchanged: usize,
}

/// The SQL expression for "now" as ISO 8601 UTC text.
fn now_sql(tx: &Tx) -> &'static str {
    if tx.is_postgres() {
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    } else {
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    }
}

fn cvss_score(cvss: Option<&(f64, String)>) -> Option<f64> {
    cvss.map(|(score, _)| *score)
}

fn cvss_vector(cvss: Option<&(f64, String)>) -> Option<&str> {
    cvss.map(|(_, vector)| vector.as_str())
}

const ADVISORY_COLUMNS: [&str; 25] = [
    "key",
    "advisory_id",
    "source",
    "database",
    "document",
    "modified",
    "modified_at",
    "published",
    "withdrawn",
    "summary",
    "cvss_v2",
    "cvss_v2_vector",
    "cvss_v3",
    "cvss_v3_vector",
    "cvss_v4",
    "cvss_v4_vector",
    "severity_text",
    "ssvc_exploitation",
    "ssvc_automatable",
    "ssvc_technical_impact",
    "kev_date_added",
    "content_sha256",
    "data",
    "import_id",
    "updated_at",
];

async fn write_advisories(
    tx: &mut Tx,
    import_id: i64,
    batch: &[PreparedAdvisory],
    state: &mut ImportState,
) -> Result<Counts, VulnError> {
    let context = "storing advisories";
    let mut counts = Counts::default();
    // Within a batch as against the store, a record replaces another of the same key only
    // when it is newer (see `replaces`).
    let mut by_key: HashMap<&str, &PreparedAdvisory> = HashMap::new();
    for advisory in batch {
        match by_key.get(advisory.key.as_str()) {
            Some(kept) if !replaces(advisory.modified_instant, kept.modified_instant) => {
                counts.n_unchanged += 1;
            }
            Some(_) => {
                counts.n_unchanged += 1;
                by_key.insert(&advisory.key, advisory);
            }
            None => {
                by_key.insert(&advisory.key, advisory);
            }
        }
    }
    let mut keys: Vec<&str> = by_key.keys().copied().collect();
    keys.sort_unstable();
    let mut stored: HashMap<String, (i64, Option<String>, String)> = HashMap::new();
    for chunk in keys.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT key, id, modified_at, content_sha256 FROM advisories WHERE key IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|key| Param::text(key)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            stored.insert(row.text(0)?, (row.int(1)?, row.opt_text(2)?, row.text(3)?));
        }
    }
    let mut to_write: Vec<&PreparedAdvisory> = Vec::new();
    let mut replaced_rows: Vec<i64> = Vec::new();
    for key in &keys {
        let Some(advisory) = by_key.get(key) else {
            continue;
        };
        match stored.get(*key) {
            None => {
                counts.n_new += 1;
                to_write.push(advisory);
            }
            Some((_, _, sha256)) if *sha256 == advisory.sha256 => counts.n_unchanged += 1,
            Some((row_id, stored_modified, _)) => {
                let stored_instant = stored_modified.as_deref().and_then(UtcInstant::parse);
                if replaces(advisory.modified_instant, stored_instant) {
                    counts.n_updated += 1;
                    replaced_rows.push(*row_id);
                    to_write.push(advisory);
                } else {
                    counts.n_unchanged += 1;
                }
            }
        }
    }
    if to_write.is_empty() {
        return Ok(counts);
    }
    forget_children(tx, &replaced_rows, state).await?;

    let now = now_sql(tx);
    let mut row_ids: HashMap<String, i64> = HashMap::with_capacity(to_write.len());
    for chunk in to_write.chunks(rows_per_statement(ADVISORY_COLUMNS.len())) {
        let columns = &ADVISORY_COLUMNS[..ADVISORY_COLUMNS.len() - 1];
        let updates: Vec<String> = ADVISORY_COLUMNS
            .iter()
            .skip(1)
            .map(|column| match *column {
                "updated_at" => format!("updated_at = {now}"),
                other => format!("{other} = excluded.{other}"),
            })
            .collect();
        let sql = insert_sql(
            "advisories",
            columns,
            chunk.len(),
            &format!(
                "ON CONFLICT (key) DO UPDATE SET {} RETURNING key, id",
                updates.join(", ")
            ),
        );
        let data: Vec<Vec<u8>> = chunk
            .iter()
            .map(|advisory| compress(&advisory.data_json))
            .collect();
        let mut params = Vec::with_capacity(chunk.len() * columns.len());
        for (advisory, data) in chunk.iter().zip(&data) {
            let [exploitation, automatable, technical_impact] = &advisory.ssvc;
            params.extend([
                Param::text(&advisory.key),
                Param::text(&advisory.advisory_id),
                Param::text(advisory.source),
                Param::text(&advisory.database),
                Param::Text(advisory.document.as_deref()),
                Param::Text(advisory.modified.as_deref()),
                Param::Text(advisory.modified_at.as_deref()),
                Param::Text(advisory.published.as_deref()),
                Param::Text(advisory.withdrawn.as_deref()),
                Param::Text(advisory.summary.as_deref()),
                Param::Real(cvss_score(advisory.cvss_v2.as_ref())),
                Param::Text(cvss_vector(advisory.cvss_v2.as_ref())),
                Param::Real(cvss_score(advisory.cvss_v3.as_ref())),
                Param::Text(cvss_vector(advisory.cvss_v3.as_ref())),
                Param::Real(cvss_score(advisory.cvss_v4.as_ref())),
                Param::Text(cvss_vector(advisory.cvss_v4.as_ref())),
                Param::Text(advisory.severity_text.as_deref()),
                Param::Text(exploitation.as_deref()),
                Param::Text(automatable.as_deref()),
                Param::Text(technical_impact.as_deref()),
                Param::Text(advisory.kev_date_added.as_deref()),
                Param::text(&advisory.sha256),
                Param::Bytes(Some(data)),
                Param::int(import_id),
            ]);
        }
        for row in tx.fetch_all(context, &sql, &params).await? {
            row_ids.insert(row.text(0)?, row.int(1)?);
        }
    }
    let mut written: Vec<(i64, &PreparedAdvisory)> = Vec::with_capacity(to_write.len());
    for advisory in to_write {
        let Some(row_id) = row_ids.get(&advisory.key) else {
            return Err(VulnError::Shape(format!(
                "advisory {} was not stored",
                advisory.key
            )));
        };
        written.push((*row_id, advisory));
        state.touched_ids.extend(advisory.ids.iter().cloned());
        for package in &advisory.packages {
            state
                .changed
                .packages
                .insert((package.ecosystem.clone(), package.name.clone()));
        }
        for cpe in &advisory.cpes {
            state.changed.products.insert(cpe.product.clone());
        }
    }
    write_children(tx, &written).await?;
    Ok(counts)
}

/// Whether a record with other content replaces the stored one: when it is newer. With
/// equal `modified` dates the stored record stays (OSV requires `modified` to change with
/// the content, and this keeps an import of two copies of one record idempotent); without a
/// date on either side the incoming record wins.
fn replaces(incoming: Option<UtcInstant>, stored: Option<UtcInstant>) -> bool {
    match (incoming, stored) {
        (Some(incoming), Some(stored)) => stored < incoming,
        _ => true,
    }
}

/// Before advisories are replaced: remembers the keys and identifiers of their old rows
/// (the packages that matched them must be matched again) and deletes those rows.
async fn forget_children(
    tx: &mut Tx,
    rows: &[i64],
    state: &mut ImportState,
) -> Result<(), VulnError> {
    let context = "replacing advisories";
    for chunk in rows.chunks(KEY_CHUNK) {
        let list = placeholders(1, chunk.len());
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
        let sql =
            format!("SELECT ecosystem, name FROM advisory_packages WHERE advisory_row IN ({list})");
        for row in tx.fetch_all(context, &sql, &params).await? {
            state.changed.packages.insert((row.text(0)?, row.text(1)?));
        }
        let sql = format!("SELECT product FROM advisory_cpes WHERE advisory_row IN ({list})");
        for row in tx.fetch_all(context, &sql, &params).await? {
            state.changed.products.insert(row.text(0)?);
        }
        let sql = format!("SELECT alias FROM advisory_aliases WHERE advisory_row IN ({list})");
        for row in tx.fetch_all(context, &sql, &params).await? {
            state.touched_ids.insert(row.text(0)?);
        }
        for table in ["advisory_packages", "advisory_cpes", "advisory_aliases"] {
            let sql = format!("DELETE FROM {table} WHERE advisory_row IN ({list})");
            tx.execute(context, &sql, &params).await?;
        }
    }
    Ok(())
}

async fn write_children(
    tx: &mut Tx,
    written: &[(i64, &PreparedAdvisory)],
) -> Result<(), VulnError> {
    let context = "storing advisory details";
    const ALIAS_COLUMNS: [&str; 3] = ["advisory_row", "advisory_id", "alias"];
    let aliases: Vec<(i64, &str, &str)> = written
        .iter()
        .flat_map(|(row_id, advisory)| {
            advisory
                .ids
                .iter()
                .map(move |alias| (*row_id, advisory.advisory_id.as_str(), alias.as_str()))
        })
        .collect();
    for chunk in aliases.chunks(rows_per_statement(ALIAS_COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * ALIAS_COLUMNS.len());
        for (row_id, advisory_id, alias) in chunk {
            params.extend([
                Param::int(*row_id),
                Param::text(advisory_id),
                Param::text(alias),
            ]);
        }
        let sql = insert_sql("advisory_aliases", &ALIAS_COLUMNS, chunk.len(), "");
        tx.execute(context, &sql, &params).await?;
    }

    const PACKAGE_COLUMNS: [&str; 7] = [
        "advisory_row",
        "idx",
        "ecosystem",
        "name",
        "package_name",
        "ranges",
        "versions",
    ];
    let packages: Vec<(i64, i64, &crate::prepare::PreparedPackage)> = written
        .iter()
        .flat_map(|(row_id, advisory)| {
            advisory
                .packages
                .iter()
                .enumerate()
                .map(move |(idx, package)| (*row_id, count(idx), package))
        })
        .collect();
    for chunk in packages.chunks(rows_per_statement(PACKAGE_COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * PACKAGE_COLUMNS.len());
        for (row_id, idx, package) in chunk {
            params.extend([
                Param::int(*row_id),
                Param::int(*idx),
                Param::text(&package.ecosystem),
                Param::text(&package.name),
                Param::text(&package.package_name),
                Param::text(&package.ranges),
                Param::text(&package.versions),
            ]);
        }
        let sql = insert_sql("advisory_packages", &PACKAGE_COLUMNS, chunk.len(), "");
        tx.execute(context, &sql, &params).await?;
    }

    const CPE_COLUMNS: [&str; 10] = [
        "advisory_row",
        "idx",
        "vendor",
        "product",
        "criteria",
        "version_start_including",
        "version_start_excluding",
        "version_end_including",
        "version_end_excluding",
        "platforms",
    ];
    let cpes: Vec<(i64, i64, &crate::prepare::PreparedCpe)> = written
        .iter()
        .flat_map(|(row_id, advisory)| {
            advisory
                .cpes
                .iter()
                .enumerate()
                .map(move |(idx, cpe)| (*row_id, count(idx), cpe))
        })
        .collect();
    for chunk in cpes.chunks(rows_per_statement(CPE_COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * CPE_COLUMNS.len());
        for (row_id, idx, cpe) in chunk {
            params.extend([
                Param::int(*row_id),
                Param::int(*idx),
                Param::text(&cpe.vendor),
                Param::text(&cpe.product),
                Param::text(&cpe.criteria),
                Param::Text(cpe.start_including.as_deref()),
                Param::Text(cpe.start_excluding.as_deref()),
                Param::Text(cpe.end_including.as_deref()),
                Param::Text(cpe.end_excluding.as_deref()),
                Param::text(&cpe.platforms),
            ]);
        }
        let sql = insert_sql("advisory_cpes", &CPE_COLUMNS, chunk.len(), "");
        tx.execute(context, &sql, &params).await?;
    }
    Ok(())
}

/// Above this many touched identifiers the whole alias graph is loaded at once rather
/// than explored from the touched identifiers.
const FULL_REGROUP_THRESHOLD: usize = 5000;

/// Groups the identifiers connected to `touched` again and stores each one's canonical
/// vulnerability id (only the rows that change are written).
async fn regroup_ids(tx: &mut Tx, touched: &BTreeSet<String>) -> Result<(), VulnError> {
    let context = "merging advisory aliases";
    if touched.is_empty() {
        return Ok(());
    }
    let mut edges: Vec<(String, String)> = Vec::new();
    let mut existing: HashMap<String, String> = HashMap::new();
    let nodes: BTreeSet<String> = if FULL_REGROUP_THRESHOLD < touched.len() {
        for row in tx
            .fetch_all(
                context,
                "SELECT advisory_id, alias FROM advisory_aliases",
                &[],
            )
            .await?
        {
            edges.push((row.text(0)?, row.text(1)?));
        }
        for row in tx
            .fetch_all(
                context,
                "SELECT member, vulnerability_id FROM vulnerability_ids",
                &[],
            )
            .await?
        {
            existing.insert(row.text(0)?, row.text(1)?);
        }
        existing
            .keys()
            .cloned()
            .chain(edges.iter().flat_map(|(a, b)| [a.clone(), b.clone()]))
            .collect()
    } else {
        let mut nodes: BTreeSet<String> = touched.clone();
        let mut frontier: Vec<String> = touched.iter().cloned().collect();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for chunk in frontier.chunks(KEY_CHUNK) {
                let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
                for column in ["advisory_id", "alias"] {
                    let sql = format!(
                        "SELECT advisory_id, alias FROM advisory_aliases WHERE {column} IN ({})",
                        placeholders(1, chunk.len())
                    );
                    for row in tx.fetch_all(context, &sql, &params).await? {
                        let (a, b) = (row.text(0)?, row.text(1)?);
                        for id in [&a, &b] {
                            if nodes.insert(id.clone()) {
                                next.push(id.clone());
                            }
                        }
                        edges.push((a, b));
                    }
                }
            }
            frontier = next;
        }
        let node_list: Vec<&String> = nodes.iter().collect();
        for chunk in node_list.chunks(KEY_CHUNK) {
            let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
            let sql = format!(
                "SELECT member, vulnerability_id FROM vulnerability_ids WHERE member IN ({})",
                placeholders(1, chunk.len())
            );
            for row in tx.fetch_all(context, &sql, &params).await? {
                existing.insert(row.text(0)?, row.text(1)?);
            }
        }
        nodes
    };
    let groups = group_ids(&edges);
    let orphans: Vec<&String> = nodes
        .iter()
        .filter(|id| !groups.contains_key(*id) && existing.contains_key(*id))
        .collect();
    for chunk in orphans.chunks(KEY_CHUNK) {
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        let sql = format!(
            "DELETE FROM vulnerability_ids WHERE member IN ({})",
            placeholders(1, chunk.len())
        );
        tx.execute(context, &sql, &params).await?;
    }
    let mut rows: Vec<(&String, &String)> = groups
        .iter()
        .filter(|(member, group)| existing.get(*member) != Some(*group))
        .collect();
    rows.sort_unstable();
    for chunk in rows.chunks(rows_per_statement(2)) {
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for (member, vulnerability_id) in chunk {
            params.push(Param::text(member));
            params.push(Param::text(vulnerability_id));
        }
        let sql = insert_sql(
            "vulnerability_ids",
            &["member", "vulnerability_id"],
            chunk.len(),
            "ON CONFLICT (member) DO UPDATE SET vulnerability_id = excluded.vulnerability_id",
        );
        tx.execute(context, &sql, &params).await?;
    }
    Ok(())
}

async fn write_kev(
    tx: &mut Tx,
    import_id: i64,
    catalog_version: Option<&str>,
    batch: &[KevEntry],
) -> Result<Counts, VulnError> {
    let context = "storing kev entries";
    let mut counts = Counts::default();
    let mut by_id: HashMap<&str, &KevEntry> = HashMap::new();
    for entry in batch {
        if by_id.insert(entry.cve_id.trim(), entry).is_some() {
            counts.n_unchanged += 1;
        }
    }
    let mut ids: Vec<&str> = by_id.keys().copied().collect();
    ids.sort_unstable();
    type KevRow = [Option<String>; 7];
    let mut stored: HashMap<String, KevRow> = HashMap::new();
    for chunk in ids.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, \
             required_action, known_ransomware_campaign_use FROM kev WHERE cve_id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            let mut values: KevRow = Default::default();
            for (idx, slot) in values.iter_mut().enumerate() {
                *slot = row.opt_text(idx + 1)?;
            }
            stored.insert(row.text(0)?, values);
        }
    }
    let mut to_write = Vec::new();
    for id in ids {
        let Some(entry) = by_id.get(id) else {
            continue;
        };
        let values: KevRow = [
            Some(entry.vendor_project.clone()),
            Some(entry.product.clone()),
            Some(entry.vulnerability_name.clone()),
            Some(entry.date_added.clone()),
            Some(entry.due_date.clone()),
            Some(entry.required_action.clone()),
            entry.known_ransomware_campaign_use.clone(),
        ];
        match stored.get(id) {
            None => counts.n_new += 1,
            Some(current) if *current == values => {
                counts.n_unchanged += 1;
                continue;
            }
            Some(_) => counts.n_updated += 1,
        }
        to_write.push((id, values));
    }
    const COLUMNS: [&str; 10] = [
        "cve_id",
        "vendor_project",
        "product",
        "vulnerability_name",
        "date_added",
        "due_date",
        "required_action",
        "known_ransomware_campaign_use",
        "catalog_version",
        "import_id",
    ];
    for chunk in to_write.chunks(rows_per_statement(COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for (id, values) in chunk {
            params.push(Param::text(id));
            params.extend(values.iter().map(|value| Param::Text(value.as_deref())));
            params.push(Param::Text(catalog_version));
            params.push(Param::int(import_id));
        }
        let updates: Vec<String> = COLUMNS
            .iter()
            .skip(1)
            .map(|column| format!("{column} = excluded.{column}"))
            .collect();
        let sql = insert_sql(
            "kev",
            &COLUMNS,
            chunk.len(),
            &format!("ON CONFLICT (cve_id) DO UPDATE SET {}", updates.join(", ")),
        );
        tx.execute(context, &sql, &params).await?;
    }
    Ok(counts)
}

async fn write_epss(tx: &mut Tx, import_id: i64, batch: &[EpssScore]) -> Result<Counts, VulnError> {
    let context = "storing epss scores";
    let mut counts = Counts::default();
    let mut by_id: HashMap<&str, &EpssScore> = HashMap::new();
    for score in batch {
        if by_id.insert(score.cve.trim(), score).is_some() {
            counts.n_unchanged += 1;
        }
    }
    let mut ids: Vec<&str> = by_id.keys().copied().collect();
    ids.sort_unstable();
    type EpssRow = (Option<f64>, Option<f64>, Option<String>, Option<String>);
    let mut stored: HashMap<String, EpssRow> = HashMap::new();
    for chunk in ids.chunks(KEY_CHUNK) {
        let sql = format!(
            "SELECT cve_id, epss, percentile, model_version, score_date FROM epss \
             WHERE cve_id IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
        for row in tx.fetch_all(context, &sql, &params).await? {
            stored.insert(
                row.text(0)?,
                (
                    row.opt_real(1)?,
                    row.opt_real(2)?,
                    row.opt_text(3)?,
                    row.opt_text(4)?,
                ),
            );
        }
    }
    let mut to_write = Vec::new();
    for id in ids {
        let Some(score) = by_id.get(id) else {
            continue;
        };
        let score_date = score.score_date.as_ref().map(|date| match date.instant() {
            Some(instant) => instant.to_string(),
            None => date.text().to_owned(),
        });
        let values: EpssRow = (
            Some(score.epss),
            Some(score.percentile),
            score.model_version.clone(),
            score_date,
        );
        match stored.get(id) {
            None => counts.n_new += 1,
            Some(current) if *current == values => {
                counts.n_unchanged += 1;
                continue;
            }
            Some(current) => {
                let current_date = current.3.as_deref().and_then(UtcInstant::parse);
                let incoming_date = values.3.as_deref().and_then(UtcInstant::parse);
                if let (Some(current_date), Some(incoming_date)) = (current_date, incoming_date)
                    && incoming_date < current_date
                {
                    counts.n_unchanged += 1;
                    continue;
                }
                counts.n_updated += 1;
            }
        }
        to_write.push((id, values));
    }
    const COLUMNS: [&str; 6] = [
        "cve_id",
        "epss",
        "percentile",
        "model_version",
        "score_date",
        "import_id",
    ];
    for chunk in to_write.chunks(rows_per_statement(COLUMNS.len())) {
        let mut params = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for (id, (epss, percentile, model_version, score_date)) in chunk {
            params.extend([
                Param::text(id),
                Param::Real(*epss),
                Param::Real(*percentile),
                Param::Text(model_version.as_deref()),
                Param::Text(score_date.as_deref()),
                Param::int(import_id),
            ]);
        }
        let updates: Vec<String> = COLUMNS
            .iter()
            .skip(1)
            .map(|column| format!("{column} = excluded.{column}"))
            .collect();
        let sql = insert_sql(
            "epss",
            &COLUMNS,
            chunk.len(),
            &format!("ON CONFLICT (cve_id) DO UPDATE SET {}", updates.join(", ")),
        );
        tx.execute(context, &sql, &params).await?;
    }
    Ok(counts)
}
