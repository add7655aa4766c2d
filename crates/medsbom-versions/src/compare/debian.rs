//! Debian version ordering (dpkg `verrevcmp`), without allocation.
//!
//! `[epoch:]upstream_version[-debian_revision]`: the epoch compares as a number, then the
//! upstream version and the revision with dpkg's algorithm: alternate non-digit runs, where
//! `~` sorts before the end of the string, which sorts before letters, which sort before
//! other characters, and digit runs compared numerically. A missing revision equals `0`.

use std::cmp::Ordering;

use crate::compare::digits_cmp;

/// A borrowed, parsed Debian version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DebianVersion<'a> {
    epoch: &'a str,
    upstream: &'a str,
    revision: &'a str,
}

pub(crate) fn parse(version: &str) -> Result<DebianVersion<'_>, &'static str> {
    let (epoch, rest) = match version.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                return Err("the epoch must be a number");
            }
            (epoch, rest)
        }
        None => ("0", version),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((upstream, revision)) => {
            if revision.is_empty() {
                return Err("the revision after '-' is empty");
            }
            (upstream, revision)
        }
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err("the upstream version is empty");
    }
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'~' | b'-' | b':');
    if !upstream.bytes().all(allowed) || !revision.bytes().all(allowed) {
        return Err("invalid character (allowed: letters, digits and . + ~ - :)");
    }
    Ok(DebianVersion {
        epoch,
        upstream,
        revision,
    })
}

pub(crate) fn cmp(a: &DebianVersion<'_>, b: &DebianVersion<'_>) -> Ordering {
    digits_cmp(a.epoch, b.epoch)
        .then_with(|| verrevcmp(a.upstream.as_bytes(), b.upstream.as_bytes()))
        .then_with(|| verrevcmp(a.revision.as_bytes(), b.revision.as_bytes()))
}

/// The weight of a character in a non-digit run (0 stands for the end of the string).
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let digit_at = |s: &[u8], idx: usize| s.get(idx).is_some_and(u8::is_ascii_digit);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit_at(a, i)) || (j < b.len() && !digit_at(b, j)) {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit_at(a, i) && digit_at(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a.get(i).cmp(&b.get(j));
            }
            i += 1;
            j += 1;
        }
        if digit_at(a, i) {
            return Ordering::Greater;
        }
        if digit_at(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}
