//! Shared JSON plumbing: splitting a file into records (one document, an array, or JSON
//! Lines) and lenient field helpers.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::{FeedError, FeedKind, Position};

/// Deserializes `null` as the type's default (feeds write `"aliases": null`).
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The compact JSON text of a kept sub-document, `None` for an absent or `null` one.
pub(crate) fn raw_text(raw: Option<&RawValue>) -> Option<String> {
    let raw = raw?;
    let text = raw.get().trim();
    if text == "null" {
        return None;
    }
    Some(text.to_owned())
}

/// The string, or `None` when it is absent or blank.
pub(crate) fn non_empty(text: Option<String>) -> Option<String> {
    let text = text?;
    if text.trim().is_empty() {
        return None;
    }
    Some(text)
}

/// A `{lang, value}` text, as NVD and CVE 5 write descriptions.
#[derive(Deserialize)]
pub(crate) struct LangValue {
    #[serde(default)]
    pub(crate) lang: String,
    #[serde(default)]
    pub(crate) value: String,
}

/// The English text among `descriptions` (else the first), when not blank.
pub(crate) fn english(descriptions: &[LangValue]) -> Option<String> {
    let chosen = descriptions
        .iter()
        .find(|description| description.lang.starts_with("en"))
        .or_else(|| descriptions.first())?;
    non_empty(Some(chosen.value.clone()))
}

/// Splits a JSON feed into its records and calls `each` with each record's bytes.
///
/// A file whose first line is a whole object (`{…}`) is JSON Lines; a file starting with `[`
/// is an array of records; anything else starting with `{` is a single record.
pub(crate) fn for_each_record(
    kind: FeedKind,
    name: &str,
    bytes: &[u8],
    each: &mut dyn FnMut(&[u8], Position),
) -> Result<(), FeedError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let content = bytes.get(start..).unwrap_or_default();
    match content.first() {
        Some(b'[') => {
            let entries: Vec<&RawValue> =
                serde_json::from_slice(content).map_err(|err| FeedError::Malformed {
                    kind,
                    name: name.to_owned(),
                    cause: format!("invalid json array: {err}"),
                })?;
            for (idx, entry) in entries.iter().enumerate() {
                each(entry.get().as_bytes(), Position::Entry(idx));
            }
            Ok(())
        }
        Some(b'{') => {
            let first_line = content.split(|b| *b == b'\n').next().unwrap_or_default();
            let first_line = first_line.trim_ascii();
            if first_line.ends_with(b"}") {
                for_each_line(bytes, each);
            } else {
                each(content, Position::Document);
            }
            Ok(())
        }
        Some(_) => Err(FeedError::Malformed {
            kind,
            name: name.to_owned(),
            cause: "not json: expected '{' or '['".to_owned(),
        }),
        None => Err(FeedError::Malformed {
            kind,
            name: name.to_owned(),
            cause: "empty file".to_owned(),
        }),
    }
}

/// Calls `each` for every non-blank line, numbered from 1.
pub(crate) fn for_each_line(bytes: &[u8], each: &mut dyn FnMut(&[u8], Position)) {
    for (idx, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        each(line, Position::Line(idx as u64 + 1));
    }
}

/// The id of a record that failed to parse (at a JSON pointer such as `/id`), for the error
/// report.
pub(crate) fn salvage_id(bytes: &[u8], pointer: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    match value.pointer(pointer) {
        Some(serde_json::Value::String(id)) => Some(id.clone()),
        _ => None,
    }
}
