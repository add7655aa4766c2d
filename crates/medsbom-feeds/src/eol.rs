//! endoflife.date product files: YAML front matter between the first two `---` lines, with
//! `identifiers` (purl, CPE, repology) and `releases` (release cycles with their support
//! dates). In this data `eol`, `eoas`, `eoes`, `lts` and `discontinued` are either a date or
//! `true`/`false`; the distinction is kept.

use std::path::Path;

use medsbom_model::IsoDate;
use serde::Deserialize;
use serde_norway::Value;

use crate::json::non_empty;
use crate::{FeedError, FeedKind, Position, ReadSummary, Record};

/// One product with its release cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EolProduct {
    /// The product's name: the file stem (`python`, `ubuntu`).
    pub name: String,
    /// The display name (`title`).
    pub label: String,
    /// The category (`lang`, `os`, `framework`, …).
    pub category: Option<String>,
    /// The identifiers that join the product to SBOM components.
    pub identifiers: Vec<EolIdentifier>,
    /// The release cycles, newest first as the file lists them.
    pub releases: Vec<EolRelease>,
}

/// An identifier of an endoflife.date product.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EolIdentifier {
    /// The identifier's kind.
    pub kind: IdentifierKind,
    /// The identifier as written (`pkg:deb/debian/python3.11`, `cpe:/a:python:python`).
    pub value: String,
}

/// The kind of an [`EolIdentifier`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    /// A package URL.
    Purl,
    /// A CPE name (2.2 URI or 2.3 formatted string).
    Cpe,
    /// A repology.org project name.
    Repology,
    /// Any other key, as written.
    Other(String),
}

/// One release cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EolRelease {
    /// The cycle (`3.11`, `22.04`, `8`), as written.
    pub cycle: String,
    /// The display label (`releaseLabel`), when different from the cycle.
    pub label: Option<String>,
    /// The codename (`Jammy Jellyfish`).
    pub codename: Option<String>,
    /// When the cycle was first released.
    pub release_date: Option<IsoDate>,
    /// End of life: security support ends.
    pub eol: EolValue,
    /// End of active support (bug fixes).
    pub eoas: EolValue,
    /// End of extended (usually paid) support.
    pub eoes: EolValue,
    /// Long-term support: `true`, or the date from which the cycle is LTS.
    pub lts: EolValue,
    /// The latest release of the cycle.
    pub latest: Option<String>,
    /// When the latest release came out.
    pub latest_release_date: Option<IsoDate>,
    /// Discontinued (hardware): `true`, or the date.
    pub discontinued: EolValue,
}

/// A support milestone: a date, a plain yes/no, or not stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EolValue {
    /// The file does not give the field.
    Absent,
    /// `true` or `false` without a date (`eol: true` = ended, date unknown; `eol: false` =
    /// not announced).
    Bool(bool),
    /// The date of the milestone.
    Date(IsoDate),
}

impl EolValue {
    /// Whether the milestone has been reached on `today`: a date on or before `today`, or
    /// `true`. `false` and absent mean not reached.
    #[must_use]
    pub fn is_reached_on(self, today: IsoDate) -> bool {
        match self {
            EolValue::Absent | EolValue::Bool(false) => false,
            EolValue::Bool(true) => true,
            EolValue::Date(date) => date <= today,
        }
    }
}

impl EolProduct {
    /// The release cycle a version belongs to: the longest cycle that equals the version or
    /// is a prefix of it ending at a separator (`3.11` for `3.11.4`, not `3.1`; `22.04` for
    /// `22.04.3`). A leading `v` on the version is ignored.
    #[must_use]
    pub fn release_for_version(&self, version: &str) -> Option<&EolRelease> {
        let version = version.trim();
        let version = version
            .strip_prefix(['v', 'V'])
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or(version);
        self.releases
            .iter()
            .filter(|release| cycle_matches(&release.cycle, version))
            .max_by_key(|release| release.cycle.len())
    }
}

fn cycle_matches(cycle: &str, version: &str) -> bool {
    let cycle = cycle.trim();
    if cycle.is_empty() {
        return false;
    }
    let Some(head) = version.get(..cycle.len()) else {
        return false;
    };
    if !head.eq_ignore_ascii_case(cycle) {
        return false;
    }
    match version.as_bytes().get(cycle.len()) {
        None => true,
        Some(next) => matches!(next, b'.' | b'-' | b'+' | b'_' | b'~' | b' '),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FrontMatter {
    title: Option<String>,
    category: Option<String>,
    #[serde(default)]
    identifiers: Option<Vec<serde_norway::Mapping>>,
    #[serde(default)]
    releases: Option<Vec<ReleaseYaml>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReleaseYaml {
    release_cycle: Value,
    release_label: Option<Value>,
    codename: Option<Value>,
    release_date: Option<Value>,
    eol: Option<Value>,
    eoas: Option<Value>,
    eoes: Option<Value>,
    lts: Option<Value>,
    latest: Option<Value>,
    latest_release_date: Option<Value>,
    discontinued: Option<Value>,
}

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let malformed = |cause: String| FeedError::Malformed {
        kind: FeedKind::EndOfLife,
        name: name.to_owned(),
        cause,
    };
    let text = std::str::from_utf8(bytes).map_err(|err| malformed(format!("not utf-8: {err}")))?;
    let front_matter = front_matter(text)
        .ok_or_else(|| malformed("no yaml front matter between two --- lines".to_owned()))?;
    let parsed: FrontMatter = serde_norway::from_str(front_matter)
        .map_err(|err| malformed(format!("invalid yaml front matter: {err}")))?;
    let stem = Path::new(name)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(name)
        .to_owned();
    let mut identifiers = Vec::new();
    for mapping in parsed.identifiers.unwrap_or_default() {
        for (key, value) in &mapping {
            let (Some(key), Some(value)) = (scalar(key), scalar(value)) else {
                summary.warning(
                    Position::Document,
                    Some(&stem),
                    "an identifier is not a key: value pair of text".to_owned(),
                );
                continue;
            };
            let kind = match key.as_str() {
                "purl" => IdentifierKind::Purl,
                "cpe" => IdentifierKind::Cpe,
                "repology" => IdentifierKind::Repology,
                _ => IdentifierKind::Other(key),
            };
            identifiers.push(EolIdentifier { kind, value });
        }
    }
    let mut releases = Vec::new();
    for (idx, release) in parsed.releases.unwrap_or_default().iter().enumerate() {
        match read_release(release) {
            Ok(release) => releases.push(release),
            Err(cause) => {
                return Err(malformed(format!("releases[{idx}]: {cause}")));
            }
        }
    }
    let label = parsed.title.and_then(|title| non_empty(Some(title)));
    summary.n_records += 1;
    sink(Record::EndOfLife(EolProduct {
        label: label.unwrap_or_else(|| stem.clone()),
        name: stem,
        category: parsed.category,
        identifiers,
        releases,
    }));
    Ok(())
}

/// The text between the first two `---` lines, when the file starts with one.
fn front_matter(text: &str) -> Option<&str> {
    let text = text.trim_start_matches('\u{feff}');
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let is_fence = line.trim_end() == "---";
        match (start, is_fence) {
            (None, true) => start = Some(offset + line.len()),
            (None, false) if line.trim().is_empty() => {}
            (None, false) => return None,
            (Some(begin), true) => return text.get(begin..offset),
            (Some(_), false) => {}
        }
        offset += line.len();
    }
    None
}

fn read_release(release: &ReleaseYaml) -> Result<EolRelease, String> {
    let cycle =
        scalar(&release.release_cycle).ok_or_else(|| "releaseCycle is not text".to_owned())?;
    let field = |name: &str, value: &Option<Value>| -> Result<EolValue, String> {
        milestone(value.as_ref()).map_err(|cause| format!("cycle {cycle:?} {name}: {cause}"))
    };
    let date = |name: &str, value: &Option<Value>| -> Result<Option<IsoDate>, String> {
        match field(name, value)? {
            EolValue::Date(date) => Ok(Some(date)),
            EolValue::Absent => Ok(None),
            EolValue::Bool(_) => Err(format!("cycle {cycle:?} {name}: expected a date")),
        }
    };
    Ok(EolRelease {
        label: release.release_label.as_ref().and_then(scalar),
        codename: release.codename.as_ref().and_then(scalar),
        release_date: date("releaseDate", &release.release_date)?,
        eol: field("eol", &release.eol)?,
        eoas: field("eoas", &release.eoas)?,
        eoes: field("eoes", &release.eoes)?,
        lts: field("lts", &release.lts)?,
        latest: release.latest.as_ref().and_then(scalar),
        latest_release_date: date("latestReleaseDate", &release.latest_release_date)?,
        discontinued: field("discontinued", &release.discontinued)?,
        cycle,
    })
}

/// Text for a YAML scalar (strings, and numbers written without quotes).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn milestone(value: Option<&Value>) -> Result<EolValue, String> {
    match value {
        None | Some(Value::Null) => Ok(EolValue::Absent),
        Some(Value::Bool(flag)) => Ok(EolValue::Bool(*flag)),
        Some(Value::String(text)) => match IsoDate::parse(text) {
            Some(date) if text.trim().len() == 10 => Ok(EolValue::Date(date)),
            _ => Err(format!("{text:?} is not a YYYY-MM-DD date")),
        },
        Some(_) => Err("expected a date, true or false".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::{EolProduct, EolRelease, EolValue, cycle_matches, front_matter};

    #[test]
    fn cycles_match_on_separator_boundaries() {
        let check = |cycle: &str, version: &str, expect: bool| {
            assert_eq!(
                cycle_matches(cycle, version),
                expect,
                "{cycle} vs {version}"
            );
        };
        check("3.11", "3.11.4", true);
        check("3.11", "3.11", true);
        check("3.1", "3.11.4", false);
        check("22.04", "22.04.3", true);
        check("8", "8u392", false);
        check("17", "17.0.9+9", true);
        check("1.2", "1.2-beta", true);
        check("", "1.2", false);
        check("ESR", "esr", true);
        check("3.11", "3.1", false);
    }

    fn release(cycle: &str) -> EolRelease {
        EolRelease {
            cycle: cycle.to_owned(),
            label: None,
            codename: None,
            release_date: None,
            eol: EolValue::Absent,
            eoas: EolValue::Absent,
            eoes: EolValue::Absent,
            lts: EolValue::Absent,
            latest: None,
            latest_release_date: None,
            discontinued: EolValue::Absent,
        }
    }

    #[test]
    fn picks_the_longest_matching_cycle() {
        let product = EolProduct {
            name: "x".to_owned(),
            label: "X".to_owned(),
            category: None,
            identifiers: Vec::new(),
            releases: vec![
                release("3"),
                release("3.1"),
                release("3.11"),
                release("2.7"),
            ],
        };
        let cycle = |version: &str| {
            product
                .release_for_version(version)
                .map(|release| release.cycle.as_str())
        };
        assert_eq!(cycle("3.11.4"), Some("3.11"));
        assert_eq!(cycle("v3.1.2"), Some("3.1"));
        assert_eq!(cycle("3.12.0"), Some("3"));
        assert_eq!(cycle("2.7.18"), Some("2.7"));
        assert_eq!(cycle("4.0"), None);
        assert_eq!(cycle("very-old"), None);
    }

    #[test]
    fn front_matter_is_between_the_first_two_fences() {
        assert_eq!(front_matter("---\na: 1\n---\nbody\n---\n"), Some("a: 1\n"));
        assert_eq!(front_matter("\n---\r\na: 1\r\n---\r\n"), Some("a: 1\r\n"));
        assert_eq!(front_matter("# title\n---\na: 1\n---\n"), None);
        assert_eq!(front_matter("---\na: 1\n"), None);
    }
}
