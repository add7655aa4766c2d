//! NuGet version ordering (`NuGetVersion`), without allocation.
//!
//! `Major[.Minor[.Patch[.Revision]]][-prerelease][+metadata]`: one to four numbers (missing
//! ones are 0, leading zeros allowed), then SemVer 2.0 pre-release precedence with
//! identifiers compared ignoring ASCII case. Metadata is ignored.

use std::cmp::Ordering;

use crate::compare::digits_cmp;
use crate::compare::semver::cmp_prerelease;

/// A borrowed, parsed NuGet version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NugetVersion<'a> {
    numbers: [&'a str; 4],
    pre: &'a str,
}

pub(crate) fn parse(version: &str) -> Result<NugetVersion<'_>, &'static str> {
    let version = version.trim();
    let version = version.split_once('+').map_or(version, |(left, _)| left);
    let (core, pre) = version.split_once('-').unwrap_or((version, ""));
    if !pre.is_empty()
        && !pre.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    {
        return Err("invalid pre-release label");
    }
    let mut numbers = ["0"; 4];
    for (idx, part) in core.split('.').enumerate() {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err("version numbers must be digits");
        }
        let Some(slot) = numbers.get_mut(idx) else {
            return Err("more than four version numbers");
        };
        *slot = part;
    }
    Ok(NugetVersion { numbers, pre })
}

pub(crate) fn cmp(a: &NugetVersion<'_>, b: &NugetVersion<'_>) -> Ordering {
    for (x, y) in a.numbers.iter().zip(b.numbers.iter()) {
        let res = digits_cmp(x, y);
        if res != Ordering::Equal {
            return res;
        }
    }
    cmp_prerelease(a.pre, b.pre, true)
}
