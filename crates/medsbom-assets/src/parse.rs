//! Reading inventory files: CSV (as CMMS exports and spreadsheets write them) and JSON,
//! with an optional column mapping, into checked rows. No I/O: bytes in, rows out.
//!
//! Every row is checked on its own: a bad value, a wrong number of fields or a missing
//! asset id rejects that row (with its line number and every reason) and the other rows
//! still import. Only a file that cannot be read at all (no header, no asset id or serial
//! column, JSON that does not parse) is an error.
//!
//! Without a mapping, a column header (or JSON key) names the field it fills: the field
//! names of [`Field`] with case, spaces and dashes ignored, plus a few common spellings
//! ([`Field::parse`]); any other column becomes a custom field of that name. A mapping
//! names the field of a source column explicitly; see [`Mapping::parse`].
//!
//! Empty cells clear the field on update (a CMMS export is the whole record); columns that
//! are not in the file leave their fields alone.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::IpAddr;

use crate::AssetError;
use crate::model::{AssetChanges, Criticality, Exposure, Field, header_key};

/// The largest value of `notes`, in characters.
const MAX_NOTES_CHARS: usize = 65_536;
/// The largest value of any other field, in characters.
const MAX_VALUE_CHARS: usize = 2_048;
/// The largest asset id, in characters.
const MAX_ASSET_ID_CHARS: usize = 200;
/// Rejections listed in a report at most (a file of only bad rows still gives a count).
const MAX_WARNINGS: usize = 1_000;

/// The format of an inventory file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Delimited text with a header row (`,`, `;`, tab or `|`, guessed from the header).
    Csv,
    /// A JSON array of objects, or an object whose `assets` key holds one.
    Json,
}

impl InputFormat {
    /// The format a file name announces (`.csv`, `.tsv`, `.txt` → CSV; `.json` → JSON).
    #[must_use]
    pub fn from_file_name(name: &str) -> Option<InputFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            return Some(InputFormat::Json);
        }
        if lower.ends_with(".csv") || lower.ends_with(".tsv") || lower.ends_with(".txt") {
            return Some(InputFormat::Csv);
        }
        None
    }

    /// The format the bytes look like: JSON when the first non-blank character is `[` or
    /// `{`, else CSV.
    #[must_use]
    pub fn sniff(bytes: &[u8]) -> InputFormat {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => InputFormat::Json,
            _ => InputFormat::Csv,
        }
    }
}

/// Where a column of the file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A field of the asset.
    Field(Field),
    /// A custom field of that name.
    Custom(String),
    /// Not imported.
    Ignore,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Field(field) => f.write_str(field.as_str()),
            Target::Custom(name) => write!(f, "custom:{name}"),
            Target::Ignore => f.write_str("-"),
        }
    }
}

/// Source column → target, for inventories whose headers are not the field names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// By source header in field-name form (see [`Field::parse`]).
    entries: HashMap<String, Target>,
}

impl Mapping {
    /// Reads a mapping: either a JSON object (`{"Asset Tag": "asset_id", "Room":
    /// "custom:room", "Internal ref": "-"}`) or lines `SOURCE = TARGET` (blank lines and
    /// lines starting with `#` are skipped). A target is a field name (or one of the
    /// spellings [`Field::parse`] knows), `custom:NAME` for a custom field, or `-` (also
    /// `ignore`, or JSON `null`) to skip the column. Source headers match with case, spaces
    /// and dashes ignored.
    pub fn parse(text: &str) -> Result<Mapping, AssetError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut res = Mapping::default();
        if text.trim_start().starts_with('{') {
            let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
                .map_err(|err| AssetError::Mapping {
                    line: err.line(),
                    reason: format!("not a JSON object of column names: {err}"),
                })?;
            for (source, target) in &object {
                let target = match target {
                    serde_json::Value::Null => Target::Ignore,
                    serde_json::Value::String(target) => parse_target(target)
                        .map_err(|reason| AssetError::Mapping { line: 0, reason })?,
                    other => {
                        return Err(AssetError::Mapping {
                            line: 0,
                            reason: format!(
                                "the target of {source:?} must be a field name, found {other}"
                            ),
                        });
                    }
                };
                res.insert(source, target, 0)?;
            }
            return Ok(res);
        }
        for (idx, line) in text.lines().enumerate() {
            let line_number = idx + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((source, target)) = line.rsplit_once('=') else {
                return Err(AssetError::Mapping {
                    line: line_number,
                    reason: format!("expected SOURCE = TARGET, found {line:?}"),
                });
            };
            let target = parse_target(target).map_err(|reason| AssetError::Mapping {
                line: line_number,
                reason,
            })?;
            res.insert(source, target, line_number)?;
        }
        Ok(res)
    }

    /// The target of a source header, if the mapping names it.
    #[must_use]
    pub fn target(&self, header: &str) -> Option<&Target> {
        self.entries.get(&header_key(header))
    }

    fn insert(&mut self, source: &str, target: Target, line: usize) -> Result<(), AssetError> {
        let key = header_key(source);
        if key.is_empty() {
            return Err(AssetError::Mapping {
                line,
                reason: "empty source column name".to_owned(),
            });
        }
        if self.entries.insert(key, target).is_some() {
            return Err(AssetError::Mapping {
                line,
                reason: format!("source column {:?} is mapped twice", source.trim()),
            });
        }
        Ok(())
    }
}

/// Which row of the file a result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowRef {
    /// A CSV record: the line it starts on (1-based; the header is line 1).
    Line(u64),
    /// A JSON record: its position in the array (1-based).
    Record(usize),
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowRef::Line(line) => write!(f, "line {line}"),
            RowRef::Record(idx) => write!(f, "record {idx}"),
        }
    }
}

/// One checked row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    /// Where it is in the file.
    pub at: RowRef,
    /// Its asset id, when the row has one.
    pub asset_id: Option<String>,
    /// Its serial number, when the row has one (also in `changes`).
    pub serial: Option<String>,
    /// The values to store, normalized.
    pub changes: AssetChanges,
}

/// A row that is not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where it is in the file.
    pub at: RowRef,
    /// Its asset id, when one could be read.
    pub asset_id: Option<String>,
    /// Every reason, separated by `; `.
    pub reason: String,
}

/// How a column of the file is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnUse {
    /// The header as written.
    pub header: String,
    /// Where its values go.
    pub target: Target,
}

/// A whole file, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedInput {
    /// The good rows, in file order.
    pub rows: Vec<ParsedRow>,
    /// The rejected rows, in file order.
    pub rejected: Vec<Rejection>,
    /// Remarks about the whole file (encoding, ignored columns).
    pub warnings: Vec<String>,
    /// The CSV columns and what they fill (empty for JSON, whose keys vary per record).
    pub columns: Vec<ColumnUse>,
}

/// Reads an inventory file. `source_name` names it in messages.
pub fn parse_input(
    bytes: &[u8],
    format: InputFormat,
    mapping: Option<&Mapping>,
    source_name: &str,
) -> Result<ParsedInput, AssetError> {
    match format {
        InputFormat::Csv => parse_csv(bytes, mapping, source_name),
        InputFormat::Json => parse_json(bytes, mapping, source_name),
    }
}

/// Checks and normalizes one value of `field`: `Ok(None)` for an empty value (and for
/// placeholders such as `n/a` in the address, port and level fields), `Err` with the
/// reason for a value the field cannot hold.
pub fn normalize_value(field: Field, raw: &str) -> Result<Option<String>, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(format!(
            "{} contains the control character U+{:04X}",
            field.as_str(),
            u32::from(c)
        ));
    }
    let max_chars = match field {
        Field::Notes => MAX_NOTES_CHARS,
        Field::AssetId => MAX_ASSET_ID_CHARS,
        _ => MAX_VALUE_CHARS,
    };
    let n_chars = value.chars().count();
    if max_chars < n_chars {
        return Err(format!(
            "{} is {n_chars} characters long (at most {max_chars})",
            field.as_str()
        ));
    }
    let placeholder = matches!(
        value.to_ascii_lowercase().as_str(),
        "-" | "--" | "n/a" | "na" | "none" | "unknown" | "?" | "tbd"
    );
    let shown = || shorten(value);
    match field {
        Field::AssetId | Field::Serial => {
            if value.contains(['\n', '\r', '\t']) {
                return Err(format!(
                    "{} {:?} spans several lines",
                    field.as_str(),
                    shown()
                ));
            }
            Ok(Some(value.to_owned()))
        }
        Field::Criticality => {
            if placeholder {
                return Ok(None);
            }
            match Criticality::parse(value) {
                Some(level) => Ok(Some(level.as_str().to_owned())),
                None => Err(format!(
                    "criticality {:?} is not one of {}",
                    shown(),
                    Criticality::ALL.map(Criticality::as_str).join(", ")
                )),
            }
        }
        Field::Exposure => {
            if placeholder {
                return Ok(None);
            }
            match Exposure::parse(value) {
                Some(level) => Ok(Some(level.as_str().to_owned())),
                None => Err(format!(
                    "exposure {:?} is not one of {}",
                    shown(),
                    Exposure::ALL.map(Exposure::as_str).join(", ")
                )),
            }
        }
        Field::Ip => {
            if placeholder {
                return Ok(None);
            }
            let mut res = Vec::new();
            for item in list_items(value, true) {
                res.push(normalize_ip(item).map_err(|reason| format!("ip {reason}"))?);
            }
            Ok(Some(res.join(", ")))
        }
        Field::Mac => {
            if placeholder {
                return Ok(None);
            }
            let mut res = Vec::new();
            for item in list_items(value, true) {
                res.push(normalize_mac(item).ok_or_else(|| {
                    format!(
                        "mac {:?} is not a MAC address (six hex octets)",
                        shorten(item)
                    )
                })?);
            }
            Ok(Some(res.join(", ")))
        }
        Field::Hostname => {
            if placeholder {
                return Ok(None);
            }
            let valid = value.len() <= 253
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !valid {
                return Err(format!("hostname {:?} is not a host name", shown()));
            }
            Ok(Some(value.to_owned()))
        }
        Field::Ports => {
            if placeholder {
                return Ok(None);
            }
            let mut res = Vec::new();
            for item in list_items(value, false) {
                check_port_item(item)?;
                res.push(item.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            Ok(Some(res.join(", ")))
        }
        Field::LifecycleStage => {
            let squashed: String = value
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let stage = match squashed.as_str() {
                "development" => "development",
                "support" | "supported" => "support",
                "limitedsupport" => "limited-support",
                "endofsupport" | "eos" => "end-of-support",
                _ => value,
            };
            Ok(Some(stage.to_owned()))
        }
        _ => Ok(Some(value.to_owned())),
    }
}

/// The target a mapping line names.
fn parse_target(text: &str) -> Result<Target, String> {
    let text = text.trim();
    if text.is_empty() || text == "-" || text.eq_ignore_ascii_case("ignore") {
        return Ok(Target::Ignore);
    }
    let custom = text
        .strip_prefix("custom:")
        .or_else(|| text.strip_prefix("custom."));
    if let Some(name) = custom {
        let name = name.trim();
        if name.is_empty() {
            return Err("custom: needs a name".to_owned());
        }
        return Ok(Target::Custom(name.to_owned()));
    }
    match Field::parse(text) {
        Some(field) => Ok(Target::Field(field)),
        None => Err(format!(
            "unknown field {text:?}; expected one of {}, custom:NAME or -",
            Field::ALL.map(Field::as_str).join(", ")
        )),
    }
}

/// The target of a column header: the mapping's, else the field it names, else a custom
/// field of that name.
fn column_target(header: &str, mapping: Option<&Mapping>) -> Target {
    if let Some(target) = mapping.and_then(|m| m.target(header)) {
        return target.clone();
    }
    if header.trim().is_empty() {
        return Target::Ignore;
    }
    match Field::parse(header) {
        Some(field) => Target::Field(field),
        None => Target::Custom(header.trim().to_owned()),
    }
}

/// The text of the file: UTF-8 (a byte-order mark is dropped), UTF-16 with a byte-order
/// mark, or else Latin-1 (a warning says so).
fn decode(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return decode(rest, warnings);
    }
    let utf16 = |rest: &[u8], little: bool| {
        let units = rest.chunks_exact(2).map(|pair| match pair {
            [a, b] if little => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0xfffd,
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            warnings.push(
                "the file is not UTF-8; it was read as Latin-1 (ISO 8859-1), check accented names"
                    .to_owned(),
            );
            bytes.iter().map(|b| char::from(*b)).collect()
        }
    }
}

/// The delimiter the header line uses most, outside quotes: `,`, `;`, tab or `|`.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if quoted => {}
            _ => {
                for (delimiter, count) in &mut counts {
                    if *delimiter == b {
                        *count += 1;
                    }
                }
            }
        }
    }
    let mut best = (b',', 0);
    for (delimiter, count) in counts {
        if best.1 < count {
            best = (delimiter, count);
        }
    }
    best.0
}

fn parse_csv(
    bytes: &[u8],
    mapping: Option<&Mapping>,
    source_name: &str,
) -> Result<ParsedInput, AssetError> {
    let mut res = ParsedInput::default();
    let text = decode(bytes, &mut res.warnings);
    let input_err = |reason: String| AssetError::Input {
        source_name: source_name.to_owned(),
        reason,
    };
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            None => return Err(input_err("the file is empty (no header row)".to_owned())),
            Some(Err(err)) => return Err(input_err(format!("cannot read the header row: {err}"))),
            Some(Ok(record)) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Some(Ok(record)) => break record,
        }
    };
    let mut targets = Vec::with_capacity(header.len());
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for cell in &header {
        let target = column_target(cell, mapping);
        let key = match &target {
            Target::Field(field) => Some(field.as_str().to_owned()),
            Target::Custom(name) => Some(format!("custom:{name}")),
            Target::Ignore => None,
        };
        if let Some(key) = key
            && let Some(previous) = seen.insert(key, cell.to_owned())
        {
            return Err(input_err(format!(
                "columns {previous:?} and {cell:?} both fill {target}; map one of them elsewhere \
                 with --mapping"
            )));
        }
        res.columns.push(ColumnUse {
            header: cell.to_owned(),
            target: target.clone(),
        });
        targets.push(target);
    }
    let has_key = targets
        .iter()
        .any(|t| matches!(t, Target::Field(Field::AssetId | Field::Serial)));
    if !has_key {
        let headers: Vec<&str> = header.iter().collect();
        return Err(input_err(format!(
            "no asset_id or serial column among {headers:?}; name one in the header or map one \
             with --mapping"
        )));
    }
    let mut first_seen: HashMap<String, RowRef> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                res.rejected.push(Rejection {
                    at: RowRef::Line(line),
                    asset_id: None,
                    reason: format!("cannot read the record: {err}"),
                });
                continue;
            }
        };
        let at = RowRef::Line(record.position().map_or(0, csv::Position::line));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != targets.len() {
            let asset_id = asset_id_cell(&targets, &record);
            res.rejected.push(Rejection {
                at,
                asset_id,
                reason: format!(
                    "has {} fields, the header has {}; check for a missing or extra delimiter \
                     or an unclosed quote",
                    record.len(),
                    targets.len()
                ),
            });
            continue;
        }
        if let Some(n_lines) = swallowed_records(&record, delimiter, targets.len()) {
            res.rejected.push(Rejection {
                at,
                asset_id: asset_id_cell(&targets, &record),
                reason: format!(
                    "a quote that is not closed runs over {n_lines} line(s) that look like \
                     records of their own; close the quote and import them again"
                ),
            });
            continue;
        }
        let cells = targets
            .iter()
            .zip(record.iter())
            .map(|(target, cell)| (target, Cell::Text(cell)));
        push_row(&mut res, at, cells, &mut first_seen);
    }
    Ok(res)
}

/// How many lines inside the record's multi-line cells look like records of their own (as
/// many fields as the header): the sign of a quote that was
/// opened and never closed. `None` when there are none.
fn swallowed_records(record: &csv::StringRecord, delimiter: u8, n_columns: usize) -> Option<usize> {
    if n_columns < 2 {
        return None;
    }
    let mut n_lines = 0;
    for cell in record {
        for line in cell.lines().skip(1) {
            let n_delimiters = line.bytes().filter(|b| *b == delimiter).count();
            if n_delimiters + 1 == n_columns {
                n_lines += 1;
            }
        }
    }
    (0 < n_lines).then_some(n_lines)
}

/// The asset id of a malformed record, when its column is there, for the report.
fn asset_id_cell(targets: &[Target], record: &csv::StringRecord) -> Option<String> {
    let idx = targets
        .iter()
        .position(|t| matches!(t, Target::Field(Field::AssetId)))?;
    normalize_value(Field::AssetId, record.get(idx)?)
        .ok()
        .flatten()
}

/// One value of a row before it is checked.
enum Cell<'a> {
    Text(&'a str),
    Json(&'a serde_json::Value),
}

/// Checks one row's cells and adds the row to the accepted or the rejected ones.
fn push_row<'a>(
    res: &mut ParsedInput,
    at: RowRef,
    cells: impl Iterator<Item = (&'a Target, Cell<'a>)>,
    first_seen: &mut HashMap<String, RowRef>,
) {
    let mut changes = AssetChanges::default();
    let mut asset_id = None;
    let mut problems: Vec<String> = Vec::new();
    for (target, cell) in cells {
        let text = match cell {
            Cell::Text(text) => Some(text.to_owned()),
            Cell::Json(value) => match json_text(value) {
                Ok(text) => text,
                Err(reason) => {
                    problems.push(format!("{target}: {reason}"));
                    continue;
                }
            },
        };
        match target {
            Target::Ignore => {}
            Target::Custom(name) => {
                let value = text.as_deref().map(str::trim).filter(|v| !v.is_empty());
                match value {
                    Some(value) if value.contains('\0') => {
                        problems.push(format!("custom field {name:?} contains a NUL character"));
                    }
                    Some(value) if MAX_VALUE_CHARS < value.chars().count() => {
                        problems.push(format!(
                            "custom field {name:?} is longer than {MAX_VALUE_CHARS} characters"
                        ));
                    }
                    _ => {
                        changes
                            .custom_fields
                            .insert(name.clone(), value.map(str::to_owned));
                    }
                }
            }
            Target::Field(field) => match normalize_value(*field, text.as_deref().unwrap_or("")) {
                Ok(value) if *field == Field::AssetId => asset_id = value,
                Ok(value) => {
                    changes.fields.insert(*field, value);
                }
                Err(reason) => problems.push(reason),
            },
        }
    }
    let serial = changes.fields.get(&Field::Serial).cloned().flatten();
    if asset_id.is_none() && serial.is_none() {
        problems.push("has neither an asset_id nor a serial".to_owned());
    }
    let key = match (&asset_id, &serial) {
        (Some(id), _) => Some(format!("asset_id {id:?}")),
        (None, Some(serial)) => Some(format!("serial {serial:?}")),
        (None, None) => None,
    };
    if problems.is_empty()
        && let Some(key) = key
    {
        if let Some(previous) = first_seen.get(&key) {
            problems.push(format!("{key} is already on {previous}"));
        } else {
            first_seen.insert(key, at);
        }
    }
    if !problems.is_empty() {
        res.rejected.push(Rejection {
            at,
            asset_id,
            reason: problems.join("; "),
        });
        return;
    }
    res.rows.push(ParsedRow {
        at,
        asset_id,
        serial,
        changes,
    });
}

fn parse_json(
    bytes: &[u8],
    mapping: Option<&Mapping>,
    source_name: &str,
) -> Result<ParsedInput, AssetError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let input_err = |reason: String| AssetError::Input {
        source_name: source_name.to_owned(),
        reason,
    };
    let document: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|err| input_err(format!("not valid JSON: {err}")))?;
    let records = match &document {
        serde_json::Value::Array(records) => records,
        serde_json::Value::Object(object) => match object.get("assets") {
            Some(serde_json::Value::Array(records)) => records,
            _ => {
                return Err(input_err(
                    "expected an array of assets, or an object with an \"assets\" array".to_owned(),
                ));
            }
        },
        _ => {
            return Err(input_err(
                "expected an array of assets, or an object with an \"assets\" array".to_owned(),
            ));
        }
    };
    let mut res = ParsedInput::default();
    let mut first_seen: HashMap<String, RowRef> = HashMap::new();
    for (idx, record) in records.iter().enumerate() {
        let at = RowRef::Record(idx + 1);
        let Some(object) = record.as_object() else {
            res.rejected.push(Rejection {
                at,
                asset_id: None,
                reason: format!("is not an object but {}", json_kind(record)),
            });
            continue;
        };
        let mut cells: Vec<(Target, &serde_json::Value)> = Vec::with_capacity(object.len());
        let mut problems = Vec::new();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (key, value) in object {
            let bucket = matches!(header_key(key).as_str(), "custom" | "custom_fields");
            if bucket && mapping.and_then(|m| m.target(key)).is_none() {
                match value {
                    serde_json::Value::Object(custom) => {
                        for (name, value) in custom {
                            cells.push((Target::Custom(name.clone()), value));
                        }
                    }
                    serde_json::Value::Null => {}
                    other => problems.push(format!(
                        "{key} must be an object of custom fields, found {}",
                        json_kind(other)
                    )),
                }
                continue;
            }
            let target = column_target(key, mapping);
            let seen_key = match &target {
                Target::Field(field) => Some(field.as_str().to_owned()),
                Target::Custom(name) => Some(format!("custom:{name}")),
                Target::Ignore => None,
            };
            if let Some(seen_key) = seen_key
                && let Some(previous) = seen.insert(seen_key, key)
            {
                problems.push(format!("keys {previous:?} and {key:?} both fill {target}"));
                continue;
            }
            cells.push((target, value));
        }
        let has_key = cells
            .iter()
            .any(|(t, _)| matches!(t, Target::Field(Field::AssetId | Field::Serial)));
        if !problems.is_empty() || !has_key {
            if !has_key {
                problems.push("has neither an asset_id nor a serial".to_owned());
            }
            let asset_id = object
                .get("asset_id")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            res.rejected.push(Rejection {
                at,
                asset_id,
                reason: problems.join("; "),
            });
            continue;
        }
        let cells = cells
            .iter()
            .map(|(target, value)| (target, Cell::Json(value)));
        push_row(&mut res, at, cells, &mut first_seen);
    }
    Ok(res)
}

/// A JSON value as cell text: `None` for null, numbers and booleans as written, arrays of
/// those joined with `, `.
fn json_text(value: &serde_json::Value) -> Result<Option<String>, String> {
    use serde_json::Value;
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(text) => parts.push(text.clone()),
                    Value::Number(number) => parts.push(number.to_string()),
                    Value::Bool(flag) => parts.push(flag.to_string()),
                    Value::Null => {}
                    other => {
                        return Err(format!(
                            "a list may hold only texts and numbers, found {}",
                            json_kind(other)
                        ));
                    }
                }
            }
            Ok(Some(parts.join(", ")))
        }
        Value::Object(_) => Err("expected a text, found an object".to_owned()),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The items of a list value: separated by `,` or `;` (and by white space when
/// `split_on_space`), empty items dropped.
fn list_items(value: &str, split_on_space: bool) -> impl Iterator<Item = &str> {
    value
        .split(move |c: char| c == ',' || c == ';' || (split_on_space && c.is_whitespace()))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// An IP address, or an address with a prefix length (`10.1.0.0/16`), normalized.
fn normalize_ip(item: &str) -> Result<String, String> {
    let (address, prefix) = match item.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (item, None),
    };
    let Ok(parsed) = address.parse::<IpAddr>() else {
        return Err(format!("{:?} is not an IP address", shorten(item)));
    };
    let Some(prefix) = prefix else {
        return Ok(parsed.to_string());
    };
    let max = if parsed.is_ipv4() { 32 } else { 128 };
    match prefix.parse::<u8>() {
        Ok(length) if length <= max => Ok(format!("{parsed}/{length}")),
        _ => Err(format!("{:?} has an invalid prefix length", shorten(item))),
    }
}

/// `00-1A-2b-3C-4d-5E`, `001a.2b3c.4d5e` or `001A2B3C4D5E` → `00:1a:2b:3c:4d:5e`.
fn normalize_mac(item: &str) -> Option<String> {
    let digits: Vec<char> = item
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if digits.len() != 12 || !digits.iter().all(char::is_ascii_hexdigit) {
        return None;
    }
    let mut res = String::with_capacity(17);
    for (idx, c) in digits.iter().enumerate() {
        if 0 < idx && idx % 2 == 0 {
            res.push(':');
        }
        res.push(c.to_ascii_lowercase());
    }
    Some(res)
}

/// A port item starting with a number (`443`, `443/tcp https`, `8000-8010/tcp`) must name
/// ports 1–65535; items without a leading number (`dicom`) are kept as they are.
fn check_port_item(item: &str) -> Result<(), String> {
    let head: &str = item
        .split(|c: char| c == '/' || c.is_whitespace())
        .next()
        .unwrap_or("");
    if !head.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(());
    }
    let (low, high) = match head.split_once('-') {
        Some((low, high)) => (low, high),
        None => (head, head),
    };
    let port = |text: &str| {
        text.parse::<u32>()
            .ok()
            .filter(|p| (1..=65_535).contains(p))
    };
    match (port(low), port(high)) {
        (Some(low), Some(high)) if low <= high => Ok(()),
        _ => Err(format!(
            "ports {:?} is not a port number (1-65535)",
            shorten(item)
        )),
    }
}

/// A value cut to 80 characters for messages.
fn shorten(value: &str) -> String {
    if value.chars().count() <= 80 {
        return value.to_owned();
    }
    let mut res: String = value.chars().take(77).collect();
    res.push_str("...");
    res
}

/// Caps a list of warnings, noting how many were left out.
pub(crate) fn cap_warnings(warnings: &mut Vec<String>) {
    if MAX_WARNINGS < warnings.len() {
        let n_more = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(format!("… and {n_more} more"));
    }
}
