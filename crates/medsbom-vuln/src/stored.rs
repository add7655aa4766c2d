//! The JSON stored in the vulnerability tables: ranges and versions of affected packages,
//! platform lists of CPE criteria, and the compressed remainder of an advisory.
//!
//! These serde structs are the storage contract; they convert to and from the feed and
//! matcher types by hand.

use medsbom_feeds::advisory::{Event, Range, RangeKind};
use medsbom_versions::osv::{OsvEvent, OsvRange, OsvRangeKind};
use medsbom_versions::vers::VersionRange;
use serde::{Deserialize, Serialize};

use crate::VulnError;
use crate::evaluate::EntryRange;

/// zstd level for the advisory remainder: fast, and JSON text still shrinks severalfold.
const ZSTD_LEVEL: i32 = 3;
/// The largest decompressed remainder accepted (a guard against a corrupt row).
const MAX_DATA_BYTES: usize = 64 << 20;

/// One stored range: an OSV range (`SEMVER`, `ECOSYSTEM`) or a `VERS` range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredRange {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) events: Vec<StoredEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) vers: Option<String>,
}

/// An OSV event, serialized as OSV writes it (`{"introduced": "0"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StoredEvent {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl StoredRange {
    /// The stored form of a feed range; `None` for `GIT` ranges, which cannot be evaluated
    /// on versions and are not stored.
    pub(crate) fn from_feed(range: &Range) -> Option<StoredRange> {
        let kind = match range.kind {
            RangeKind::Semver => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => return None,
        };
        let events = range
            .events
            .iter()
            .map(|event| match event {
                Event::Introduced(v) => StoredEvent::Introduced(v.clone()),
                Event::Fixed(v) => StoredEvent::Fixed(v.clone()),
                Event::LastAffected(v) => StoredEvent::LastAffected(v.clone()),
                Event::Limit(v) => StoredEvent::Limit(v.clone()),
            })
            .collect();
        Some(StoredRange {
            kind: kind.to_owned(),
            events,
            vers: None,
        })
    }

    /// A `vers:` range.
    pub(crate) fn vers(vers: &str) -> StoredRange {
        StoredRange {
            kind: "VERS".to_owned(),
            events: Vec::new(),
            vers: Some(vers.to_owned()),
        }
    }

    /// The matcher's range; `None` for an unknown type or an unreadable `vers`.
    pub(crate) fn to_entry_range(&self) -> Option<EntryRange> {
        let kind = match self.kind.as_str() {
            "SEMVER" => OsvRangeKind::Semver,
            "ECOSYSTEM" => OsvRangeKind::Ecosystem,
            "VERS" => {
                let vers = VersionRange::parse_lenient(self.vers.as_deref()?).ok()?;
                return Some(EntryRange::Vers(vers));
            }
            _ => return None,
        };
        let events = self
            .events
            .iter()
            .map(|event| match event {
                StoredEvent::Introduced(v) => OsvEvent::Introduced(v.clone()),
                StoredEvent::Fixed(v) => OsvEvent::Fixed(v.clone()),
                StoredEvent::LastAffected(v) => OsvEvent::LastAffected(v.clone()),
                StoredEvent::Limit(v) => OsvEvent::Limit(v.clone()),
            })
            .collect();
        Some(EntryRange::Osv(OsvRange { kind, events }))
    }
}

/// What an advisory row keeps besides its columns (compressed in `advisories.data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) details: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) related: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) cwes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) references: Vec<StoredReference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) severity: Vec<StoredSeverity>,
}

/// A reference link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredReference {
    pub(crate) url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
}

/// A severity statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredSeverity {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) vector: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<String>,
}

/// JSON text of a value whose serialization cannot fail (plain structs of strings).
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Compresses the remainder of an advisory.
pub(crate) fn compress(json: &str) -> Vec<u8> {
    zstd::bulk::compress(json.as_bytes(), ZSTD_LEVEL).unwrap_or_else(|_| json.as_bytes().to_vec())
}

/// Decompresses and reads the remainder of an advisory.
pub(crate) fn decompress_data(bytes: &[u8]) -> Result<StoredData, VulnError> {
    let json = zstd::bulk::decompress(bytes, MAX_DATA_BYTES)
        .map_err(|err| VulnError::Shape(format!("cannot decompress advisory data: {err}")))?;
    serde_json::from_slice(&json)
        .map_err(|err| VulnError::Shape(format!("cannot read advisory data: {err}")))
}

/// Reads a stored ranges list.
pub(crate) fn read_ranges(json: &str) -> Result<Vec<StoredRange>, VulnError> {
    serde_json::from_str(json)
        .map_err(|err| VulnError::Shape(format!("cannot read stored ranges {json:?}: {err}")))
}

/// Reads a stored list of strings (versions, fixed versions, platforms).
pub(crate) fn read_strings(json: &str) -> Result<Vec<String>, VulnError> {
    serde_json::from_str(json)
        .map_err(|err| VulnError::Shape(format!("cannot read stored list {json:?}: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_round_trip_in_osv_form() {
        let range = StoredRange {
            kind: "ECOSYSTEM".to_owned(),
            events: vec![
                StoredEvent::Introduced("0".to_owned()),
                StoredEvent::LastAffected("1.2".to_owned()),
            ],
            vers: None,
        };
        let json = to_json(&vec![range.clone(), StoredRange::vers("vers:npm/<2.0.0")]);
        assert_eq!(
            json,
            r#"[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1.2"}]},{"type":"VERS","vers":"vers:npm/<2.0.0"}]"#
        );
        let back = read_ranges(&json).unwrap();
        assert_eq!(back[0], range);
        assert!(matches!(
            back[1].to_entry_range(),
            Some(EntryRange::Vers(_))
        ));
        assert!(read_ranges("{").is_err());
    }

    #[test]
    fn data_round_trips_compressed() {
        let data = StoredData {
            details: Some("text".to_owned()),
            aliases: vec!["CVE-1".to_owned()],
            related: Vec::new(),
            cwes: Vec::new(),
            references: Vec::new(),
            severity: Vec::new(),
        };
        let bytes = compress(&to_json(&data));
        assert_eq!(decompress_data(&bytes).unwrap(), data);
        assert!(decompress_data(b"junk").is_err());
    }
}
