//! Gentoo (ebuild) version ordering, per the Package Manager Specification, section 3.3.
//!
//! `N(.N)*[letter](_suffix[N])*[-rN]` with suffixes `_alpha` < `_beta` < `_pre` < `_rc`
//! < (none) < `_p`. After the first, a numeric component with a leading zero compares as a
//! string with trailing zeros stripped (`1.01` < `1.1`); `1.0` < `1.0.0`; `-r0` = no revision.

use std::cmp::Ordering;

use crate::compare::digits_cmp;

const SUFFIXES: [&str; 5] = ["alpha", "beta", "pre", "rc", "p"];
/// The rank of "no suffix", between `_rc` and `_p`.
const NO_SUFFIX_RANK: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Suffix<'a> {
    rank: usize,
    number: &'a str,
}

/// A borrowed, parsed Gentoo version (suffixes are re-read from `suffixes` when comparing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GentooVersion<'a> {
    numbers: &'a str,
    letter: Option<u8>,
    suffixes: &'a str,
    revision: &'a str,
}

pub(crate) fn parse(version: &str) -> Result<GentooVersion<'_>, &'static str> {
    let (rest, revision) = match version.rsplit_once("-r") {
        Some((rest, revision))
            if !revision.is_empty() && revision.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (rest, revision)
        }
        _ => (version, "0"),
    };
    let (main, suffixes) = match rest.find('_') {
        Some(idx) => (rest.get(..idx).unwrap_or(""), rest.get(idx..).unwrap_or("")),
        None => (rest, ""),
    };
    let (numbers, letter) = match main.as_bytes().last() {
        Some(c) if c.is_ascii_lowercase() => (main.get(..main.len() - 1).unwrap_or(""), Some(*c)),
        _ => (main, None),
    };
    if numbers.is_empty()
        || !numbers
            .split('.')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("must start with dot-separated numbers");
    }
    for suffix in suffix_iter(suffixes) {
        if suffix.is_none() {
            return Err("unknown suffix (allowed: _alpha, _beta, _pre, _rc, _p)");
        }
    }
    Ok(GentooVersion {
        numbers,
        letter,
        suffixes,
        revision,
    })
}

fn suffix_iter(suffixes: &str) -> impl Iterator<Item = Option<Suffix<'_>>> {
    suffixes.split('_').skip(1).map(|part| {
        let digits_start = part
            .bytes()
            .position(|b| b.is_ascii_digit())
            .unwrap_or(part.len());
        let (name, number) = (part.get(..digits_start)?, part.get(digits_start..)?);
        if !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let rank = SUFFIXES.iter().position(|known| *known == name)?;
        let rank = if rank == NO_SUFFIX_RANK {
            NO_SUFFIX_RANK + 1
        } else {
            rank
        };
        Some(Suffix {
            rank,
            number: if number.is_empty() { "0" } else { number },
        })
    })
}

fn strip_trailing_zeros(s: &str) -> &str {
    s.trim_end_matches('0')
}

pub(crate) fn cmp(a: &GentooVersion<'_>, b: &GentooVersion<'_>) -> Ordering {
    let mut left = a.numbers.split('.');
    let mut right = b.numbers.split('.');
    let res = digits_cmp(left.next().unwrap_or("0"), right.next().unwrap_or("0"));
    if res != Ordering::Equal {
        return res;
    }
    loop {
        let res = match (left.next(), right.next()) {
            (None, None) => break,
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            (Some(x), Some(y)) if x.starts_with('0') || y.starts_with('0') => {
                strip_trailing_zeros(x).cmp(strip_trailing_zeros(y))
            }
            (Some(x), Some(y)) => digits_cmp(x, y),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
    let res = a.letter.cmp(&b.letter);
    if res != Ordering::Equal {
        return res;
    }
    let mut left = suffix_iter(a.suffixes).flatten();
    let mut right = suffix_iter(b.suffixes).flatten();
    loop {
        let res = match (left.next(), right.next()) {
            (None, None) => break,
            (Some(x), None) => x.rank.cmp(&NO_SUFFIX_RANK),
            (None, Some(y)) => NO_SUFFIX_RANK.cmp(&y.rank),
            (Some(x), Some(y)) => x
                .rank
                .cmp(&y.rank)
                .then_with(|| digits_cmp(x.number, y.number)),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
    digits_cmp(a.revision, b.revision)
}
