//! CPE names: CPE 2.3 formatted strings and CPE 2.2 URIs unbound into a well-formed name
//! (WFN, NISTIR 7695), printed as a 2.3 formatted string, and matched per NISTIR 7696.
//!
//! Attribute values are kept in WFN form: lowercase, every character other than letters,
//! digits and `_` quoted with a backslash, except the wildcards `*` and `?` (unquoted, only
//! at the start or end of a value). [`CpeValue::to_plain`] gives the unquoted text, for
//! example to compare a version with a version scheme.
//!
//! ```
//! use medsbom_versions::cpe::{Cpe, cpe_matches};
//! let pattern = Cpe::parse("cpe:2.3:a:apache:log4j:2.1*:*:*:*:*:*:*:*").unwrap();
//! let target = Cpe::parse("cpe:/a:apache:log4j:2.14.1").unwrap();
//! assert!(cpe_matches(&pattern, &target));
//! assert_eq!(target.to_string(), "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*");
//! assert_eq!(target.version().to_plain().as_deref(), Some("2.14.1"));
//! ```

use std::fmt;

use crate::Error;
use crate::encoding::percent_decode;

/// The value of one CPE attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CpeValue {
    /// `*` in a formatted string, empty in a URI: any value.
    Any,
    /// `-`: not applicable.
    Na,
    /// A value in WFN form (quoted, lowercase, possibly with leading/trailing wildcards).
    Value(String),
}

impl CpeValue {
    /// The unquoted text of a value (`1\.2\.3` → `1.2.3`); `None` for ANY and NA.
    /// Wildcards stay as they are.
    #[must_use]
    pub fn to_plain(&self) -> Option<String> {
        let CpeValue::Value(wfn) = self else {
            return None;
        };
        let mut res = String::with_capacity(wfn.len());
        let mut chars = wfn.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(quoted) = chars.next() {
                    res.push(quoted);
                }
            } else {
                res.push(c);
            }
        }
        Some(res)
    }

    /// Whether the value holds an unquoted `*` or `?`.
    #[must_use]
    pub fn has_wildcards(&self) -> bool {
        let CpeValue::Value(wfn) = self else {
            return false;
        };
        let bytes = wfn.as_bytes();
        bytes
            .iter()
            .enumerate()
            .any(|(idx, c)| matches!(c, b'*' | b'?') && is_unquoted(bytes, idx))
    }
}

/// A CPE name with its eleven attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpe {
    attributes: [CpeValue; 11],
}

/// Attribute names, in formatted-string order.
const ATTRIBUTE_NAMES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

impl Cpe {
    /// Parses a CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:…`) or a CPE 2.2 URI
    /// (`cpe:/a:vendor:product:…`).
    pub fn parse(input: &str) -> Result<Cpe, Error> {
        let fail = |reason: &str| Error::InvalidCpe {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail("whitespace is not allowed"));
        }
        let lower = input.to_ascii_lowercase();
        let attributes = if let Some(rest) = lower.strip_prefix("cpe:2.3:") {
            unbind_formatted_string(rest).map_err(fail)?
        } else if let Some(rest) = lower.strip_prefix("cpe:/") {
            unbind_uri(rest).map_err(|reason| fail(&reason))?
        } else {
            return Err(fail("must start with \"cpe:2.3:\" or \"cpe:/\""));
        };
        match &attributes[0] {
            CpeValue::Any => {}
            CpeValue::Value(part) if matches!(part.as_str(), "a" | "o" | "h") => {}
            _ => return Err(fail("part must be a, o, h or *")),
        }
        Ok(Cpe { attributes })
    }

    /// The part: `a` (application), `o` (operating system), `h` (hardware) or ANY.
    #[must_use]
    pub fn part(&self) -> &CpeValue {
        &self.attributes[0]
    }

    /// The vendor.
    #[must_use]
    pub fn vendor(&self) -> &CpeValue {
        &self.attributes[1]
    }

    /// The product.
    #[must_use]
    pub fn product(&self) -> &CpeValue {
        &self.attributes[2]
    }

    /// The version.
    #[must_use]
    pub fn version(&self) -> &CpeValue {
        &self.attributes[3]
    }

    /// The update.
    #[must_use]
    pub fn update(&self) -> &CpeValue {
        &self.attributes[4]
    }

    /// The edition (legacy).
    #[must_use]
    pub fn edition(&self) -> &CpeValue {
        &self.attributes[5]
    }

    /// The language.
    #[must_use]
    pub fn language(&self) -> &CpeValue {
        &self.attributes[6]
    }

    /// The software edition.
    #[must_use]
    pub fn sw_edition(&self) -> &CpeValue {
        &self.attributes[7]
    }

    /// The target software.
    #[must_use]
    pub fn target_sw(&self) -> &CpeValue {
        &self.attributes[8]
    }

    /// The target hardware.
    #[must_use]
    pub fn target_hw(&self) -> &CpeValue {
        &self.attributes[9]
    }

    /// Other.
    #[must_use]
    pub fn other(&self) -> &CpeValue {
        &self.attributes[10]
    }

    /// All eleven attributes as (name, value), in formatted-string order.
    #[must_use]
    pub fn attributes(&self) -> [(&'static str, &CpeValue); 11] {
        std::array::from_fn(|idx| (ATTRIBUTE_NAMES[idx], &self.attributes[idx]))
    }

    /// The same name with another version (for example to match a pattern with `*` version).
    #[must_use]
    pub fn with_version(&self, version: CpeValue) -> Cpe {
        let mut res = self.clone();
        res.attributes[3] = version;
        res
    }
}

impl fmt::Display for Cpe {
    /// The CPE 2.3 formatted string (`.`, `-` and `_` unquoted, other punctuation escaped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut res = String::from("cpe:2.3");
        for value in &self.attributes {
            res.push(':');
            match value {
                CpeValue::Any => res.push('*'),
                CpeValue::Na => res.push('-'),
                CpeValue::Value(wfn) => {
                    let mut chars = wfn.chars().peekable();
                    while let Some(c) = chars.next() {
                        match (c, chars.peek()) {
                            ('\\', Some(&quoted @ ('.' | '-' | '_'))) => {
                                res.push(quoted);
                                chars.next();
                            }
                            ('\\', Some(&quoted)) => {
                                res.push('\\');
                                res.push(quoted);
                                chars.next();
                            }
                            _ => res.push(c),
                        }
                    }
                }
            }
        }
        f.write_str(&res)
    }
}

impl std::str::FromStr for Cpe {
    type Err = Error;

    fn from_str(s: &str) -> Result<Cpe, Error> {
        Cpe::parse(s)
    }
}

/// Whether the character at `idx` is not escaped by an odd number of backslashes.
fn is_unquoted(bytes: &[u8], idx: usize) -> bool {
    let n_backslashes = bytes
        .get(..idx)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|c| **c == b'\\')
        .count();
    n_backslashes % 2 == 0
}

/// Splits on unescaped `:` (CPE 2.3 formatted string).
fn split_formatted(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut res = Vec::new();
    let mut start = 0;
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes.get(idx) {
            Some(b'\\') => idx += 2,
            Some(b':') => {
                res.push(s.get(start..idx).unwrap_or(""));
                idx += 1;
                start = idx;
            }
            _ => idx += 1,
        }
    }
    res.push(s.get(start..).unwrap_or(""));
    res
}

fn unbind_formatted_string(rest: &str) -> Result<[CpeValue; 11], &'static str> {
    let components = split_formatted(rest);
    if components.len() != 11 {
        return Err("a CPE 2.3 formatted string has exactly 11 attributes after \"cpe:2.3:\"");
    }
    let mut res: [CpeValue; 11] = std::array::from_fn(|_| CpeValue::Any);
    for (slot, component) in res.iter_mut().zip(components) {
        *slot = match component {
            "*" => CpeValue::Any,
            "-" => CpeValue::Na,
            "" => return Err("an attribute is empty (use * for any value)"),
            value => CpeValue::Value(add_quoting(value)?),
        };
    }
    Ok(res)
}

/// NISTIR 7695 `add_quoting`: quotes every character other than letters, digits and `_`;
/// keeps existing escapes; accepts unquoted `*` and `?` only at either end.
fn add_quoting(value: &str) -> Result<String, &'static str> {
    let chars: Vec<char> = value.chars().collect();
    let mut res = String::with_capacity(value.len() + 4);
    let mut idx = 0;
    let mut embedded = false;
    while let Some(&c) = chars.get(idx) {
        if c.is_ascii_alphanumeric() || c == '_' {
            res.push(c);
            idx += 1;
            embedded = true;
            continue;
        }
        if c == '\\' {
            let Some(&quoted) = chars.get(idx + 1) else {
                return Err("a value ends with an unfinished escape");
            };
            res.push('\\');
            res.push(quoted);
            idx += 2;
            embedded = true;
            continue;
        }
        let at_end = idx + 1 == chars.len();
        if c == '*' {
            if idx != 0 && !at_end {
                return Err("an unquoted '*' may only appear at the start or the end of a value");
            }
            res.push('*');
            idx += 1;
            embedded = true;
            continue;
        }
        if c == '?' {
            let previous_is_question = 0 < idx && chars.get(idx - 1) == Some(&'?');
            let next_is_question = chars.get(idx + 1) == Some(&'?');
            let allowed = idx == 0
                || at_end
                || (!embedded && previous_is_question)
                || (embedded && next_is_question);
            if !allowed {
                return Err("an unquoted '?' may only appear at the start or the end of a value");
            }
            res.push('?');
            idx += 1;
            embedded = false;
            continue;
        }
        if !c.is_ascii_graphic() {
            return Err("only printable ASCII is allowed");
        }
        res.push('\\');
        res.push(c);
        idx += 1;
        embedded = true;
    }
    Ok(res)
}

/// NISTIR 7695 `unbind_URI`: up to seven `:`-separated components, percent-decoding, and
/// the packed edition `~edition~sw_edition~target_sw~target_hw~other`.
fn unbind_uri(rest: &str) -> Result<[CpeValue; 11], String> {
    let components: Vec<&str> = rest.split(':').collect();
    if 7 < components.len() {
        return Err("a CPE 2.2 URI has at most 7 components".to_owned());
    }
    let mut res: [CpeValue; 11] = std::array::from_fn(|_| CpeValue::Any);
    for (idx, component) in components.iter().enumerate() {
        if idx == 5 && component.starts_with('~') {
            let packed: Vec<&str> = component.split('~').skip(1).collect();
            if packed.len() != 5 {
                return Err("a packed edition has 5 '~'-separated fields".to_owned());
            }
            for (offset, field) in [5, 7, 8, 9, 10].into_iter().zip(packed) {
                if let Some(slot) = res.get_mut(offset) {
                    *slot = decode_uri_value(field)?;
                }
            }
            continue;
        }
        // URI components 0..=6 are part … language, the first seven WFN attributes.
        if let Some(slot) = res.get_mut(idx) {
            *slot = decode_uri_value(component)?;
        }
    }
    Ok(res)
}

fn decode_uri_value(component: &str) -> Result<CpeValue, String> {
    match component {
        "" => return Ok(CpeValue::Any),
        "-" => return Ok(CpeValue::Na),
        _ => {}
    }
    let mut res = String::with_capacity(component.len());
    let bytes = component.as_bytes();
    let mut idx = 0;
    while let Some(&c) = bytes.get(idx) {
        if c == b'%' {
            let triplet = component
                .get(idx..idx + 3)
                .ok_or("truncated percent-encoding")?;
            let decoded = match triplet {
                "%01" => {
                    res.push('?');
                    idx += 3;
                    continue;
                }
                "%02" => {
                    res.push('*');
                    idx += 3;
                    continue;
                }
                _ => percent_decode(triplet).map_err(|err| err.message().to_owned())?,
            };
            for quoted in decoded.chars() {
                if quoted.is_ascii_alphanumeric() || quoted == '_' {
                    res.push(quoted);
                } else {
                    res.push('\\');
                    res.push(quoted);
                }
            }
            idx += 3;
            continue;
        }
        let c = char::from(c);
        if c.is_ascii_alphanumeric() || c == '_' {
            res.push(c);
        } else if c.is_ascii_graphic() {
            res.push('\\');
            res.push(c);
        } else {
            return Err("only printable ASCII is allowed".to_owned());
        }
        idx += 1;
    }
    Ok(CpeValue::Value(res))
}

/// The relation of a source attribute to a target attribute (NISTIR 7696, table 6-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Superset,
    Subset,
    Equal,
    Disjoint,
    Undefined,
}

fn compare_attribute(source: &CpeValue, target: &CpeValue) -> Relation {
    if target.has_wildcards() {
        return Relation::Undefined;
    }
    if source == target {
        return Relation::Equal;
    }
    match (source, target) {
        (CpeValue::Any, _) => Relation::Superset,
        (_, CpeValue::Any) => Relation::Subset,
        (CpeValue::Na, _) | (_, CpeValue::Na) => Relation::Disjoint,
        (CpeValue::Value(source), CpeValue::Value(target)) => {
            if source
                .as_bytes()
                .iter()
                .enumerate()
                .any(|(idx, c)| matches!(c, b'*' | b'?') && is_unquoted(source.as_bytes(), idx))
            {
                compare_strings(source.as_bytes(), target.as_bytes())
            } else {
                Relation::Disjoint
            }
        }
    }
}

/// The logical characters of a WFN value (escapes removed).
fn unquote(wfn: &[u8]) -> Vec<u8> {
    let mut res = Vec::with_capacity(wfn.len());
    let mut iter = wfn.iter();
    while let Some(&c) = iter.next() {
        if c == b'\\' {
            if let Some(&quoted) = iter.next() {
                res.push(quoted);
            }
        } else {
            res.push(c);
        }
    }
    res
}

/// How many characters a run of wildcards at one end of a value may cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// `*`: any number.
    Any,
    /// `?` repeated n times: at most n (as in the NISTIR 7696 algorithm).
    AtMost(usize),
}

impl Reach {
    fn allows(self, n_chars: usize) -> bool {
        match self {
            Reach::Any => true,
            Reach::AtMost(limit) => n_chars <= limit,
        }
    }
}

/// NISTIR 7696 `compare_strings`: a source value with wildcards at its ends against a plain
/// target, counted in logical (unquoted) characters.
fn compare_strings(source: &[u8], target: &[u8]) -> Relation {
    let mut start = 0;
    let mut end = source.len();
    let begins = if source.first() == Some(&b'*') {
        start = 1;
        Reach::Any
    } else {
        while source.get(start) == Some(&b'?') {
            start += 1;
        }
        Reach::AtMost(start)
    };
    let ends = if start < end && source.get(end - 1) == Some(&b'*') && is_unquoted(source, end - 1)
    {
        end -= 1;
        Reach::Any
    } else {
        let mut n_questions = 0;
        while start < end && source.get(end - 1) == Some(&b'?') && is_unquoted(source, end - 1) {
            end -= 1;
            n_questions += 1;
        }
        Reach::AtMost(n_questions)
    };
    let core = unquote(source.get(start..end).unwrap_or(&[]));
    let target = unquote(target);
    let Some(last_start) = target.len().checked_sub(core.len()) else {
        return Relation::Disjoint;
    };
    for index in 0..=last_start {
        let found = target.get(index..index + core.len()) == Some(core.as_slice());
        if found && begins.allows(index) && ends.allows(last_start - index) {
            return Relation::Superset;
        }
    }
    Relation::Disjoint
}

/// NISTIR 7696 name matching: `true` when every attribute of `source` is a superset of or
/// equal to the same attribute of `target` (ANY matches everything, NA only NA, `*` and `?`
/// wildcards in the source match text in the target). A target with wildcards never matches.
#[must_use]
pub fn cpe_matches(source: &Cpe, target: &Cpe) -> bool {
    source
        .attributes
        .iter()
        .zip(target.attributes.iter())
        .all(|(s, t)| {
            matches!(
                compare_attribute(s, t),
                Relation::Superset | Relation::Equal
            )
        })
}
