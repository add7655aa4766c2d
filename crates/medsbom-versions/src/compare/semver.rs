//! SemVer 2.0 precedence (npm, crates.io, Go modules, Hex, Pub, …) without allocation.
//!
//! Accepted input is slightly wider than SemVer 2.0, to match real advisory and SBOM data:
//! a leading `v`/`V` (Go), missing minor or patch (`1.0` = `1.0.0`) and leading zeros.
//! Build metadata (`+…`) is ignored, as the precedence rules require.

use std::cmp::Ordering;

use crate::compare::digits_cmp;

/// A borrowed, parsed SemVer version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Semver<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    /// Pre-release identifiers, `.`-separated; empty when there are none.
    pre: &'a str,
}

pub(crate) fn parse(version: &str) -> Result<Semver<'_>, &'static str> {
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let version = match version.split_once('+') {
        Some((left, build)) => {
            if !build.split('.').all(is_identifier) {
                return Err("invalid build metadata");
            }
            left
        }
        None => version,
    };
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => {
            if !pre.split('.').all(is_identifier) {
                return Err("invalid pre-release identifier");
            }
            (core, pre)
        }
        None => (version, ""),
    };
    let mut numbers = core.split('.');
    let major = numbers.next().unwrap_or("");
    let minor = numbers.next().unwrap_or("0");
    let patch = numbers.next().unwrap_or("0");
    if numbers.next().is_some() {
        return Err("more than three numeric parts");
    }
    for number in [major, minor, patch] {
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err("major, minor and patch must be numbers");
        }
    }
    Ok(Semver {
        major,
        minor,
        patch,
        pre,
    })
}

fn is_identifier(identifier: &str) -> bool {
    !identifier.is_empty()
        && identifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(crate) fn cmp(a: &Semver<'_>, b: &Semver<'_>) -> Ordering {
    digits_cmp(a.major, b.major)
        .then_with(|| digits_cmp(a.minor, b.minor))
        .then_with(|| digits_cmp(a.patch, b.patch))
        .then_with(|| cmp_prerelease(a.pre, b.pre, false))
}

/// Compares pre-release strings: none > some; identifiers pairwise, numeric ones as
/// numbers and below alphanumeric ones, which compare in ASCII order (or ignoring ASCII case
/// for NuGet); a shorter list of equal identifiers is lower.
pub(crate) fn cmp_prerelease(a: &str, b: &str, ignore_case: bool) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let res = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => cmp_identifier(x, y, ignore_case),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
}

fn cmp_identifier(a: &str, b: &str, ignore_case: bool) -> Ordering {
    let a_numeric = !a.is_empty() && a.bytes().all(|c| c.is_ascii_digit());
    let b_numeric = !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit());
    match (a_numeric, b_numeric) {
        (true, true) => digits_cmp(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) if ignore_case => a
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase())),
        (false, false) => a.cmp(b),
    }
}
