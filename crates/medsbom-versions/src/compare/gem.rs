//! RubyGems version ordering (`Gem::Version#<=>`).
//!
//! A version is scanned into numbers and letter runs; each `-` counts as a `.pre.` segment.
//! Trailing zeros are dropped from the leading numeric part and from the rest, then segments
//! compare pairwise with missing ones as 0: numbers numerically, strings bytewise, and a
//! string is lower than a number (so `1.0.a` < `1.0`).

use std::cmp::Ordering;

use crate::compare::digits_cmp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    Number(&'a str),
    Text(&'a str),
}

const ZERO: Segment<'static> = Segment::Number("0");

fn is_zero(segment: &Segment<'_>) -> bool {
    matches!(segment, Segment::Number(digits) if digits.bytes().all(|b| b == b'0'))
}

pub(crate) fn validate(version: &str) -> Result<(), &'static str> {
    // Gem::Version::ANCHORED_VERSION_PATTERN:
    // [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
    let version = version.trim();
    let (release, pre) = match version.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (version, None),
    };
    let mut parts = release.split('.');
    let first = parts.next().unwrap_or("");
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must start with a number");
    }
    if !parts.all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err("segments must be letters and digits");
    }
    if let Some(pre) = pre
        && !pre.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    {
        return Err("invalid pre-release part");
    }
    Ok(())
}

fn segments(version: &str) -> Vec<Segment<'_>> {
    let bytes = version.trim().as_bytes();
    let version = version.trim();
    let mut res = Vec::new();
    let mut idx = 0;
    while idx < bytes.len() {
        let start = idx;
        let c = bytes.get(idx).copied().unwrap_or(b'.');
        if c.is_ascii_digit() {
            while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
                idx += 1;
            }
            res.push(Segment::Number(version.get(start..idx).unwrap_or("0")));
        } else if c.is_ascii_alphabetic() {
            while bytes.get(idx).is_some_and(u8::is_ascii_alphabetic) {
                idx += 1;
            }
            res.push(Segment::Text(version.get(start..idx).unwrap_or("")));
        } else {
            if c == b'-' {
                res.push(Segment::Text("pre"));
            }
            idx += 1;
        }
    }
    // canonical_segments: drop trailing zeros of the numeric prefix and of the rest.
    let first_text = res
        .iter()
        .position(|segment| matches!(segment, Segment::Text(_)))
        .unwrap_or(res.len());
    let mut numeric_len = first_text;
    while 0 < numeric_len && res.get(numeric_len - 1).is_some_and(is_zero) {
        numeric_len -= 1;
    }
    let mut rest_len = res.len();
    while first_text < rest_len && res.get(rest_len - 1).is_some_and(is_zero) {
        rest_len -= 1;
    }
    res.truncate(rest_len);
    res.drain(numeric_len..first_text);
    res
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    let (left, right) = (segments(a), segments(b));
    let n_segments = left.len().max(right.len());
    for idx in 0..n_segments {
        let x = left.get(idx).copied().unwrap_or(ZERO);
        let y = right.get(idx).copied().unwrap_or(ZERO);
        let res = match (x, y) {
            (Segment::Number(x), Segment::Number(y)) => digits_cmp(x, y),
            (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
            (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
            (Segment::Text(x), Segment::Text(y)) => x.cmp(y),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
    Ordering::Equal
}
