//! Maven version ordering, ported from the documented rules of Maven's `ComparableVersion`.
//!
//! A version is split into items at `.`, at `-` (which opens a nested list) and at every
//! transition between digits and letters (which also opens a nested list). Numbers compare
//! numerically; strings are qualifiers ordered
//! `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` < `""` = `ga` = `final` = `release`
//! < `sp` < unknown qualifiers (lexically); `a1`, `b1`, `m1` mean alpha, beta, milestone.
//! Trailing "null" items (0, release qualifiers, empty lists) are dropped, so `1.0` = `1`.
//! Between kinds: number > list > string, so `1.1` > `1-1` > `1-sp`.

use std::cmp::Ordering;

use crate::compare::digits_cmp;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// Decimal digits (leading zeros are harmless: they compare numerically).
    Int(String),
    /// A qualifier after aliasing (`ga` → "", `cr` → `rc`, …).
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_RANK: usize = 5;

/// The rank of a qualifier and, for unknown ones, the text that breaks ties lexically.
fn qualifier_rank(qualifier: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|known| *known == qualifier) {
        Some(rank) => (rank, ""),
        None => (QUALIFIERS.len(), qualifier),
    }
}

fn make_string_item(text: &str, followed_by_digit: bool) -> Item {
    let text = match (followed_by_digit, text) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "ga" | "final" | "release") => "",
        (_, "cr") => "rc",
        (_, other) => other,
    };
    Item::Str(text.to_owned())
}

fn make_item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        return Item::Int(text.to_owned());
    }
    make_string_item(text, false)
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(digits) => digits.bytes().all(|b| b == b'0'),
            Item::Str(qualifier) => qualifier_rank(qualifier).0 == RELEASE_RANK,
            Item::List(items) => items.is_empty(),
        }
    }

    /// Compares with another item, or with "nothing" when the other version is shorter.
    fn cmp_to(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(digits), None) => {
                if self.is_null() {
                    Ordering::Equal
                } else {
                    debug_assert!(!digits.is_empty());
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => digits_cmp(a, b),
            (Item::Int(_), Some(Item::Str(_) | Item::List(_))) => Ordering::Greater,
            (Item::Str(qualifier), None) => qualifier_rank(qualifier).cmp(&(RELEASE_RANK, "")),
            (Item::Str(_), Some(Item::Int(_) | Item::List(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => qualifier_rank(a).cmp(&qualifier_rank(b)),
            (Item::List(items), None) => match items.first() {
                Some(first) => first.cmp_to(None),
                None => Ordering::Equal,
            },
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    let n_items = a.len().max(b.len());
    for idx in 0..n_items {
        let res = match (a.get(idx), b.get(idx)) {
            (Some(left), right) => left.cmp_to(right),
            (None, Some(right)) => right.cmp_to(None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if res != Ordering::Equal {
            return res;
        }
    }
    Ordering::Equal
}

/// Drops trailing null items, looking past non-null nested lists, as Maven does.
fn normalize(items: &mut Vec<Item>) {
    let mut idx = items.len();
    while 0 < idx {
        idx -= 1;
        let Some(item) = items.get(idx) else { break };
        if item.is_null() {
            items.remove(idx);
        } else if !matches!(item, Item::List(_)) {
            break;
        }
    }
}

fn parse(version: &str) -> Vec<Item> {
    let version = version.to_lowercase();
    // Every new list is the last item of the previous one, so the nesting is a chain:
    // `levels[k + 1]` becomes the last item of `levels[k]` when parsing is done.
    let mut levels: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    for (idx, c) in version.char_indices() {
        let current = levels.len() - 1;
        let text = version.get(start..idx).unwrap_or("");
        if c == '.' {
            let item = if text.is_empty() {
                Item::Int("0".to_owned())
            } else {
                make_item(is_digit, text)
            };
            push_item(&mut levels, current, item);
            start = idx + 1;
        } else if c == '-' {
            let item = if text.is_empty() {
                Item::Int("0".to_owned())
            } else {
                make_item(is_digit, text)
            };
            push_item(&mut levels, current, item);
            start = idx + 1;
            levels.push(Vec::new());
        } else if c.is_ascii_digit() {
            if !is_digit && start < idx {
                push_item(&mut levels, current, make_string_item(text, true));
                start = idx;
                levels.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && start < idx {
                push_item(&mut levels, current, make_item(true, text));
                start = idx;
                levels.push(Vec::new());
            }
            is_digit = false;
        }
    }
    let current = levels.len() - 1;
    let rest = version.get(start..).unwrap_or("");
    if !rest.is_empty() {
        push_item(&mut levels, current, make_item(is_digit, rest));
    }
    while 1 < levels.len() {
        let Some(mut child) = levels.pop() else { break };
        normalize(&mut child);
        if let Some(parent) = levels.last_mut() {
            parent.push(Item::List(child));
        }
    }
    let mut root = levels.pop().unwrap_or_default();
    normalize(&mut root);
    root
}

fn push_item(levels: &mut [Vec<Item>], level: usize, item: Item) {
    if let Some(items) = levels.get_mut(level) {
        items.push(item);
    }
}

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    cmp_lists(&parse(a), &parse(b))
}
