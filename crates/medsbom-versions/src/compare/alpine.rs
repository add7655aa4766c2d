//! Alpine Linux (apk-tools) version ordering, without allocation.
//!
//! `number(.number)*[letter](_suffix[number])*[~hash][-rREVISION]` with pre-release suffixes
//! `alpha` < `beta` < `pre` < `rc` < (none) < post-release suffixes `cvs` < `svn` < `git`
//! < `hg` < `p`. Components after the first that start with `0` compare as decimal fractions
//! (`1.02` < `1.1`), as apk does.

use std::cmp::Ordering;

/// Token kinds in apk's order; a later kind is "more final".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    RevisionNumber,
    End,
}

const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// A token value: numbers are compared numerically as digit strings, letters as bytes,
/// suffixes by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value<'a> {
    /// A digit run without leading zeros (compared by length, then bytes).
    Number(&'a [u8]),
    /// A run of leading zeros in a fractional component: more zeros is smaller.
    LeadingZeros(usize),
    Letter(u8),
    Suffix(i32),
    Hash(&'a [u8]),
}

impl Value<'_> {
    fn cmp_value(&self, other: &Value<'_>) -> Ordering {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Value::LeadingZeros(a), Value::LeadingZeros(b)) => b.cmp(a),
            (Value::LeadingZeros(_), Value::Number(_)) => Ordering::Less,
            (Value::Number(_), Value::LeadingZeros(_)) => Ordering::Greater,
            (Value::Letter(a), Value::Letter(b)) => a.cmp(b),
            (Value::Suffix(a), Value::Suffix(b)) => a.cmp(b),
            (Value::Hash(a), Value::Hash(b)) => a.cmp(b),
            // Different kinds only meet when the token kinds differ, which is decided elsewhere.
            _ => Ordering::Equal,
        }
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
    token: Token,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Cursor<'a> {
        Cursor {
            s: s.as_bytes(),
            pos: 0,
            token: Token::Digit,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.s.get(self.pos..).unwrap_or(&[])
    }

    /// Reads the value of the current token and moves to the next token.
    fn next_value(&mut self) -> Option<Value<'a>> {
        if self.pos >= self.s.len() {
            self.token = Token::End;
            return None;
        }
        let mut next_token = None;
        let value = match self.token {
            Token::DigitOrZero | Token::Digit | Token::SuffixNumber | Token::RevisionNumber => {
                let start = self.pos;
                if self.token == Token::DigitOrZero && self.peek() == Some(b'0') {
                    while self.peek() == Some(b'0') {
                        self.pos += 1;
                    }
                    next_token = Some(Token::Digit);
                    Value::LeadingZeros(self.pos - start)
                } else {
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    // No digits at all (as in `1.0.1` after the zeros of `.0`) reads as 0, like apk.
                    let digits = self.s.get(start..self.pos).unwrap_or(&[]);
                    let first_nonzero = digits
                        .iter()
                        .position(|c| *c != b'0')
                        .unwrap_or(digits.len());
                    Value::Number(digits.get(first_nonzero..).unwrap_or(&[]))
                }
            }
            Token::Letter => {
                let Some(letter) = self.peek() else {
                    self.token = Token::Invalid;
                    return None;
                };
                self.pos += 1;
                Value::Letter(letter)
            }
            Token::Suffix => {
                let rest = self.rest();
                let pre = PRE_SUFFIXES
                    .iter()
                    .position(|suffix| rest.starts_with(suffix.as_bytes()));
                let post = POST_SUFFIXES
                    .iter()
                    .position(|suffix| rest.starts_with(suffix.as_bytes()));
                match (pre, post) {
                    (Some(rank), _) => {
                        self.pos += PRE_SUFFIXES.get(rank).map_or(0, |suffix| suffix.len());
                        Value::Suffix(i32::try_from(rank).unwrap_or(0) - 4)
                    }
                    (None, Some(rank)) => {
                        self.pos += POST_SUFFIXES.get(rank).map_or(0, |suffix| suffix.len());
                        Value::Suffix(i32::try_from(rank).unwrap_or(0))
                    }
                    (None, None) => {
                        self.token = Token::Invalid;
                        return None;
                    }
                }
            }
            Token::CommitHash => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    self.pos += 1;
                }
                Value::Hash(self.s.get(start..self.pos).unwrap_or(&[]))
            }
            Token::Invalid | Token::End => return None,
        };
        if self.pos >= self.s.len() {
            self.token = Token::End;
        } else if let Some(token) = next_token {
            self.token = token;
        } else {
            self.advance_token();
        }
        Some(value)
    }

    /// Reads the separator (if any) and decides the kind of the next token.
    fn advance_token(&mut self) {
        let Some(c) = self.peek() else {
            self.token = Token::End;
            return;
        };
        let previous = self.token;
        let mut next = Token::Invalid;
        if matches!(previous, Token::Digit | Token::DigitOrZero) && c.is_ascii_lowercase() {
            next = Token::Letter;
        } else if previous == Token::Letter && c.is_ascii_digit() {
            next = Token::Digit;
        } else if previous == Token::Suffix && c.is_ascii_digit() {
            next = Token::SuffixNumber;
        } else {
            match c {
                b'.' => next = Token::DigitOrZero,
                b'_' => next = Token::Suffix,
                b'~' => next = Token::CommitHash,
                b'-' if self.s.get(self.pos + 1) == Some(&b'r') => {
                    next = Token::RevisionNumber;
                    self.pos += 1;
                }
                _ => {}
            }
            self.pos += 1;
        }
        if next < previous {
            let allowed = (next == Token::DigitOrZero && previous == Token::Digit)
                || (next == Token::Suffix && previous == Token::SuffixNumber)
                || (next == Token::Digit && previous == Token::Letter);
            if !allowed {
                next = Token::Invalid;
            }
        }
        self.token = next;
    }
}

/// Checks that apk can tokenize the whole version.
pub(crate) fn validate(version: &str) -> Result<(), &'static str> {
    if version.is_empty() {
        return Err("empty version");
    }
    let mut cursor = Cursor::new(version);
    while cursor.token != Token::End {
        if cursor.token == Token::Invalid {
            return Err("not an apk version (number(.number)*[letter](_suffix[n])*[~hash][-rN])");
        }
        cursor.next_value();
    }
    Ok(())
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    let mut left = Cursor::new(a);
    let mut right = Cursor::new(b);
    let (mut left_value, mut right_value) = (None, None);
    while left.token == right.token && !matches!(left.token, Token::End | Token::Invalid) {
        let left_token = left.token;
        left_value = left.next_value();
        right_value = right.next_value();
        let res = match (&left_value, &right_value) {
            (Some(x), Some(y)) => x.cmp_value(y),
            _ => Ordering::Equal,
        };
        if res != Ordering::Equal {
            return res;
        }
        debug_assert!(left_token != Token::Invalid);
    }
    let _ = (left_value, right_value);
    if left.token == right.token {
        return Ordering::Equal;
    }
    // The leading components are equal: the longer version is newer, unless what follows is
    // a pre-release suffix.
    if left.token == Token::Suffix && is_pre_suffix(left.rest()) {
        return Ordering::Less;
    }
    if right.token == Token::Suffix && is_pre_suffix(right.rest()) {
        return Ordering::Greater;
    }
    right.token.cmp(&left.token)
}

fn is_pre_suffix(rest: &[u8]) -> bool {
    PRE_SUFFIXES
        .iter()
        .any(|suffix| rest.starts_with(suffix.as_bytes()))
}
