//! RPM (`rpmvercmp`) and Arch Linux (`vercmp`, alpm) version ordering, without allocation.
//!
//! Both split `[epoch:]version[-release]`, compare the epoch as a number and then the parts
//! with a segment algorithm: separators are skipped, a digit run beats a letter run, digit
//! runs compare numerically and letter runs in ASCII order.
//!
//! RPM also knows `~` (sorts before anything, even the end) and `^` (sorts after the end
//! but before anything else); the side with segments left over is newer. A missing release
//! is an empty release, which keeps the order total (`1.0` < `1.0-1`).
//!
//! alpm (pacman) instead treats a leftover letter run as older (`1.0rc` < `1.0`), compares
//! separator lengths, and ignores the release when either side lacks one, as `vercmp` does
//! (so `1.5` = `1.5-1` and `1.5` = `1.5-2` although `1.5-1` < `1.5-2`: not a total order).

use std::cmp::Ordering;

use crate::compare::digits_cmp;

/// A borrowed `[epoch:]version[-release]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Evr<'a> {
    epoch: &'a str,
    version: &'a str,
    release: Option<&'a str>,
}

/// Splits an EVR string. The epoch is the leading digits before a `:`.
pub(crate) fn parse_evr(evr: &str) -> Result<Evr<'_>, &'static str> {
    if evr.is_empty() {
        return Err("empty version");
    }
    if evr.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("whitespace in version");
    }
    let digits_end = evr
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(evr.len());
    let (epoch, rest) = match evr
        .get(digits_end..)
        .and_then(|rest| rest.strip_prefix(':'))
    {
        Some(rest) if 0 < digits_end => (evr.get(..digits_end).unwrap_or("0"), rest),
        _ => ("0", evr),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((version, release)) => (version, Some(release)),
        None => (rest, None),
    };
    Ok(Evr {
        epoch,
        version,
        release,
    })
}

pub(crate) fn cmp_rpm(a: &Evr<'_>, b: &Evr<'_>) -> Ordering {
    digits_cmp(a.epoch, b.epoch)
        .then_with(|| rpmvercmp(a.version.as_bytes(), b.version.as_bytes()))
        .then_with(|| {
            rpmvercmp(
                a.release.unwrap_or("").as_bytes(),
                b.release.unwrap_or("").as_bytes(),
            )
        })
}

pub(crate) fn cmp_alpm(a: &Evr<'_>, b: &Evr<'_>) -> Ordering {
    let res = digits_cmp(a.epoch, b.epoch)
        .then_with(|| alpm_vercmp(a.version.as_bytes(), b.version.as_bytes()));
    match (res, a.release, b.release) {
        (Ordering::Equal, Some(x), Some(y)) => alpm_vercmp(x.as_bytes(), y.as_bytes()),
        _ => res,
    }
}

/// The end of the run of digits (or letters) starting at `start`.
fn segment_end(s: &[u8], start: usize, digits: bool) -> usize {
    let mut end = start;
    while let Some(c) = s.get(end) {
        let in_run = if digits {
            c.is_ascii_digit()
        } else {
            c.is_ascii_alphabetic()
        };
        if !in_run {
            break;
        }
        end += 1;
    }
    end
}

/// Compares two segments (digit runs numerically, letter runs bytewise).
fn cmp_segment(a: &[u8], b: &[u8], digits: bool) -> Ordering {
    if digits {
        // Both are ASCII digit runs, hence valid UTF-8.
        let a = std::str::from_utf8(a).unwrap_or("");
        let b = std::str::from_utf8(b).unwrap_or("");
        return digits_cmp(a, b);
    }
    a.cmp(b)
}

fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let is_sep = |c: &u8| !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^';
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(is_sep) {
            i += 1;
        }
        while b.get(j).is_some_and(is_sep) {
            j += 1;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x == Some(b'~') || y == Some(b'~') {
            if x != Some(b'~') {
                return Ordering::Greater;
            }
            if y != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == Some(b'^') || y == Some(b'^') {
            if x.is_none() {
                return Ordering::Less;
            }
            if y.is_none() {
                return Ordering::Greater;
            }
            if x != Some(b'^') {
                return Ordering::Greater;
            }
            if y != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(x), Some(_)) = (x, y) else { break };
        let digits = x.is_ascii_digit();
        let (end_a, end_b) = (segment_end(a, i, digits), segment_end(b, j, digits));
        if end_b == j {
            // Different kinds: a digit run is newer than a letter run.
            return if digits {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let res = cmp_segment(
            a.get(i..end_a).unwrap_or(&[]),
            b.get(j..end_b).unwrap_or(&[]),
            digits,
        );
        if res != Ordering::Equal {
            return res;
        }
        i = end_a;
        j = end_b;
    }
    match (i < a.len(), j < b.len()) {
        (false, false) => Ordering::Equal,
        (false, true) => Ordering::Less,
        (true, _) => Ordering::Greater,
    }
}

fn alpm_vercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    let (mut seg_a, mut seg_b) = (0, 0);
    while i < a.len() && j < b.len() {
        while a.get(i).is_some_and(|c| !c.is_ascii_alphanumeric()) {
            i += 1;
        }
        while b.get(j).is_some_and(|c| !c.is_ascii_alphanumeric()) {
            j += 1;
        }
        let (Some(x), Some(_)) = (a.get(i).copied(), b.get(j).copied()) else {
            break;
        };
        // Separator runs of different lengths decide.
        if i - seg_a != j - seg_b {
            return (i - seg_a).cmp(&(j - seg_b));
        }
        let digits = x.is_ascii_digit();
        let (end_a, end_b) = (segment_end(a, i, digits), segment_end(b, j, digits));
        if end_b == j {
            return if digits {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let res = cmp_segment(
            a.get(i..end_a).unwrap_or(&[]),
            b.get(j..end_b).unwrap_or(&[]),
            digits,
        );
        if res != Ordering::Equal {
            return res;
        }
        i = end_a;
        j = end_b;
        seg_a = i;
        seg_b = j;
    }
    let (x, y) = (a.get(i), b.get(j));
    match (x, y) {
        (None, None) => Ordering::Equal,
        // A leftover letter run never beats an empty string.
        (None, Some(y)) if !y.is_ascii_alphabetic() => Ordering::Less,
        (Some(x), _) if x.is_ascii_alphabetic() => Ordering::Less,
        _ => Ordering::Greater,
    }
}
