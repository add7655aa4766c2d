//! Schemes without an ecosystem-specific algorithm: generic, intdot, lexicographic, OpenSSL
//! and datetime (RFC 3339), all without allocation.

use std::cmp::Ordering;

use crate::compare::digits_cmp;

/// One token of a generic version: a digit run or a letter run.
#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    Number(&'a str),
    Letters(&'a str),
}

/// Yields digit and letter runs, skipping every other character.
struct Tokens<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.s.as_bytes();
        while bytes
            .get(self.pos)
            .is_some_and(|c| !c.is_ascii_alphanumeric())
        {
            self.pos += 1;
        }
        let start = self.pos;
        let first = *bytes.get(start)?;
        let digits = first.is_ascii_digit();
        while bytes.get(self.pos).is_some_and(|c| {
            if digits {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        }) {
            self.pos += 1;
        }
        let run = self.s.get(start..self.pos).unwrap_or("");
        Some(if digits {
            Token::Number(run)
        } else {
            Token::Letters(run)
        })
    }
}

/// What a letter run means in a generic version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    /// A pre-release marker (`alpha`, `beta`, `rc`, `dev`, `snapshot`, …, and the single
    /// letters `a`, `b`, `c`, `m` when a number follows): below the release.
    PreRelease,
    /// `final`, `ga`, `release`: the release itself.
    Release,
    /// Anything else, e.g. OpenSSL's `1.1.1k`, `p1`, `u202`, `sp1`, `patch`: after the release.
    PostRelease,
}

/// Classifies a letter run; `number_follows` tells whether a digit run comes right after it.
fn qualifier(letters: &str, number_follows: bool) -> Qualifier {
    const PRE_RELEASE: [&str; 11] = [
        "alpha",
        "beta",
        "rc",
        "cr",
        "pre",
        "preview",
        "dev",
        "snapshot",
        "milestone",
        "ea",
        "test",
    ];
    const RELEASE: [&str; 3] = ["final", "ga", "release"];
    let is = |word: &str| letters.eq_ignore_ascii_case(word);
    if PRE_RELEASE.iter().any(|w| is(w)) {
        return Qualifier::PreRelease;
    }
    if RELEASE.iter().any(|w| is(w)) {
        return Qualifier::Release;
    }
    // `1.0a1`, `2.0b2`, `1.0c1`, `3.0m4` are pre-releases; a single trailing letter
    // (`1.1.1k`) is a later release, as is `p15` (`4.2.8p15`) or `u202`.
    if number_follows && ["a", "b", "c", "m"].iter().any(|w| is(w)) {
        return Qualifier::PreRelease;
    }
    Qualifier::PostRelease
}

/// The pre-release words that single letters abbreviate, so that `1.0a1` = `1.0alpha1`.
fn spelled_out(letters: &str) -> &str {
    match letters.to_ascii_lowercase().as_str() {
        "a" => "alpha",
        "b" => "beta",
        "c" => "rc",
        "m" => "milestone",
        _ => letters,
    }
}

/// Generic ordering: digit runs compare numerically; missing numbers count as 0 (`1.0` =
/// `1`); separators are ignored and a leading `v` is dropped. A letter run is a qualifier
/// ([`Qualifier`]): pre-release markers sort below the release (`1.0rc1` < `1.0` <
/// `1.0.1`), `final`/`ga`/`release` equal it, and other letters sort after it (`1.1.1` <
/// `1.1.1k` < `1.1.1l`, `4.2.8` < `4.2.8p15`), as Maven's ComparableVersion orders unknown
/// qualifiers; any qualifier sorts below a further number.
pub(crate) fn cmp_generic(a: &str, b: &str) -> Ordering {
    let strip_v = |s: &'_ str| -> usize {
        match s.as_bytes() {
            [b'v' | b'V', next, ..] if next.is_ascii_digit() => 1,
            _ => 0,
        }
    };
    let mut left = Tokens {
        s: a,
        pos: strip_v(a),
    }
    .peekable();
    let mut right = Tokens {
        s: b,
        pos: strip_v(b),
    }
    .peekable();
    // The qualifier of a letter run, looking at the token after it.
    fn classify<'a>(
        letters: &'a str,
        rest: &mut std::iter::Peekable<Tokens<'a>>,
    ) -> (Qualifier, &'a str) {
        let number_follows = matches!(rest.peek(), Some(Token::Number(_)));
        (qualifier(letters, number_follows), spelled_out(letters))
    }
    loop {
        let res = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (Some(Token::Number(x)), Some(Token::Number(y))) => digits_cmp(x, y),
            (Some(Token::Number(x)), None) => digits_cmp(x, "0"),
            (None, Some(Token::Number(y))) => digits_cmp("0", y),
            (Some(Token::Letters(x)), Some(Token::Letters(y))) => {
                let (qx, x) = classify(x, &mut left);
                let (qy, y) = classify(y, &mut right);
                qx.cmp(&qy).then_with(|| {
                    x.bytes()
                        .map(|c| c.to_ascii_lowercase())
                        .cmp(y.bytes().map(|c| c.to_ascii_lowercase()))
                })
            }
            (Some(Token::Letters(_)), Some(Token::Number(_))) => Ordering::Less,
            (Some(Token::Number(_)), Some(Token::Letters(_))) => Ordering::Greater,
            (Some(Token::Letters(x)), None) => classify(x, &mut left).0.cmp(&Qualifier::Release),
            (None, Some(Token::Letters(y))) => Qualifier::Release.cmp(&classify(y, &mut right).0),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
}

/// Checks that a version has at least one letter or digit.
pub(crate) fn validate_generic(version: &str) -> Result<(), &'static str> {
    if !version.bytes().any(|c| c.is_ascii_alphanumeric()) {
        return Err("a version needs at least one letter or digit");
    }
    Ok(())
}

/// Checks a dot-separated list of non-negative integers.
pub(crate) fn validate_intdot(version: &str) -> Result<(), &'static str> {
    if !version
        .split('.')
        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("intdot versions are dot-separated integers");
    }
    Ok(())
}

/// Compares dot-separated integers; missing ones count as 0.
pub(crate) fn cmp_intdot(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let res = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => digits_cmp(x.unwrap_or("0"), y.unwrap_or("0")),
        };
        if res != Ordering::Equal {
            return res;
        }
    }
}

/// Splits an OpenSSL version into its numbers and its letter suffix (`1.0.2zh` → `1.0.2`, `zh`).
fn split_openssl(version: &str) -> (&str, &str) {
    let letters_start = version
        .trim_end_matches(|c: char| c.is_ascii_lowercase())
        .len();
    (
        version.get(..letters_start).unwrap_or(""),
        version.get(letters_start..).unwrap_or(""),
    )
}

/// Checks `N.N.N[letters]`.
pub(crate) fn validate_openssl(version: &str) -> Result<(), &'static str> {
    let (numbers, _) = split_openssl(version);
    validate_intdot(numbers)
        .map_err(|_| "OpenSSL versions are dot-separated numbers and optional lowercase letters")
}

/// OpenSSL: numbers, then the letter suffix (none < `a` < … < `z` < `za` …).
pub(crate) fn cmp_openssl(a: &str, b: &str) -> Ordering {
    let (a_numbers, a_letters) = split_openssl(a);
    let (b_numbers, b_letters) = split_openssl(b);
    cmp_intdot(a_numbers, b_numbers).then_with(|| a_letters.cmp(b_letters))
}

/// An RFC 3339 timestamp as (seconds since the epoch in UTC, nanoseconds).
pub(crate) fn parse_datetime(s: &str) -> Result<(i64, u32), &'static str> {
    const FORMAT: &str =
        "RFC 3339 date-time with uppercase T and Z (YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM))";
    let b = s.as_bytes();
    let number = |from: usize, to: usize| -> Result<i64, &'static str> {
        let digits = s.get(from..to).ok_or(FORMAT)?;
        if !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(FORMAT);
        }
        digits.parse::<i64>().map_err(|_| FORMAT)
    };
    let separators_ok = b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(10) == Some(&b'T')
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':');
    if !separators_ok {
        return Err(FORMAT);
    }
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || 23 < hour
        || 59 < minute
        || 60 < second
    {
        return Err(FORMAT);
    }
    let mut idx = 19;
    let mut nanos: u32 = 0;
    if b.get(idx) == Some(&b'.') {
        idx += 1;
        let start = idx;
        while b.get(idx).is_some_and(u8::is_ascii_digit) {
            idx += 1;
        }
        if idx == start {
            return Err(FORMAT);
        }
        let mut scale = 100_000_000;
        for c in b.get(start..idx).unwrap_or(&[]).iter().take(9) {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
        }
    }
    let offset_seconds = match b.get(idx) {
        Some(b'Z') if idx + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if idx + 6 == b.len() && b.get(idx + 3) == Some(&b':') => {
            let (hours, minutes) = (number(idx + 1, idx + 3)?, number(idx + 4, idx + 6)?);
            if 23 < hours || 59 < minutes {
                return Err(FORMAT);
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'+' { offset } else { -offset }
        }
        _ => return Err(FORMAT),
    };
    let days = days_from_civil(year, month, day);
    Ok((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds,
        nanos,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
