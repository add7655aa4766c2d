//! Conan (C/C++) version ordering, following Conan 2's `Version` model.
//!
//! `main[-pre][+build]`, where `main`, `pre` and `build` are dot-separated items; trailing
//! zero items are ignored (`1` = `1.0.0`). Numeric items compare as numbers; a number and a
//! string compare as text. A pre-release is below the same main version without one; build
//! metadata orders versions after the main version (`1.1` < `1.1+b1` < `1.2`).

use std::cmp::Ordering;

use crate::compare::digits_cmp;

/// A borrowed, parsed Conan version.
#[derive(Debug, Clone, Copy)]
struct ConanVersion<'a> {
    main: &'a str,
    pre: Option<&'a str>,
    build: Option<&'a str>,
}

fn parse(version: &str) -> ConanVersion<'_> {
    let (rest, build) = match version.rsplit_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (version, None),
    };
    let (main, pre) = match rest.rsplit_once('-') {
        Some((main, pre)) => (main, Some(pre)),
        None => (rest, None),
    };
    ConanVersion { main, pre, build }
}

fn is_number(item: &str) -> bool {
    !item.is_empty() && item.bytes().all(|b| b.is_ascii_digit())
}

fn is_zero(item: &str) -> bool {
    is_number(item) && item.bytes().all(|b| b == b'0')
}

/// The items of a dot-separated part without the trailing zero items.
fn nonzero_items(part: &str) -> impl Iterator<Item = &str> {
    let n_items = part.split('.').count();
    let n_trailing_zeros = part
        .split('.')
        .rev()
        .take_while(|item| is_zero(item))
        .count();
    part.split('.').take(n_items - n_trailing_zeros)
}

fn cmp_item(a: &str, b: &str) -> Ordering {
    if is_number(a) && is_number(b) {
        return digits_cmp(a, b);
    }
    a.cmp(b)
}

fn cmp_items(a: &str, b: &str) -> Ordering {
    let mut left = nonzero_items(a);
    let mut right = nonzero_items(b);
    loop {
        let res = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => cmp_item(x, y),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
}

/// Compares two optional nested versions, "none" being the lowest.
fn cmp_optional(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => cmp(x, y),
    }
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    let (x, y) = (parse(a), parse(b));
    let main = cmp_items(x.main, y.main);
    match (x.pre, y.pre) {
        (Some(_), Some(_)) => main
            .then_with(|| cmp_optional(x.pre, y.pre))
            .then_with(|| cmp_optional(x.build, y.build)),
        (Some(_), None) => main.then(Ordering::Less),
        (None, Some(_)) => main.then(Ordering::Greater),
        (None, None) => main.then_with(|| cmp_optional(x.build, y.build)),
    }
}
