//! Conversion of ecosystem-native range syntax (npm, PyPI, RubyGems, NuGet) to vers.

use crate::Error;
use crate::compare::Scheme;
use crate::vers::{Comparator, Constraint, VersionRange};

pub(super) fn from_native(vers_scheme: &str, native: &str) -> Result<VersionRange, Error> {
    let scheme_name = vers_scheme.to_ascii_lowercase();
    let (scheme_label, scheme, constraints) = match scheme_name.as_str() {
        "npm" => ("npm", Scheme::Semver, npm(native)),
        "pypi" => (
            "pypi",
            Scheme::Pypi,
            comma_separated(native, Scheme::Pypi, pypi_specifier),
        ),
        "gem" => (
            "gem",
            Scheme::Gem,
            comma_separated(native, Scheme::Gem, gem_requirement),
        ),
        "nuget" => ("nuget", Scheme::Nuget, nuget(native)),
        _ => {
            return Err(Error::UnknownScheme(format!(
                "{vers_scheme} (no native range conversion)"
            )));
        }
    };
    let fail = |reason: String| Error::InvalidNativeRange {
        scheme: scheme_label,
        range: native.to_owned(),
        reason,
    };
    match constraints.map_err(fail)? {
        None => Ok(VersionRange::any(&scheme_name, scheme)),
        Some(constraints) if constraints.is_empty() => Err(fail("the range is empty".to_owned())),
        Some(constraints) => VersionRange::from_constraints(&scheme_name, scheme, constraints),
    }
}

/// `Ok(None)` means "any version".
type Converted = Result<Option<Vec<Constraint>>, String>;

// ---------------------------------------------------------------------------------------
// npm (node-semver range grammar)

/// A node-semver partial version: `1`, `1.2`, `1.2.3-pre`, with `x`/`X`/`*` wildcards.
#[derive(Debug, Clone)]
struct Partial {
    /// Up to three numbers; `None` from the first wildcard or missing part on.
    numbers: [Option<u64>; 3],
    pre: String,
}

impl Partial {
    fn parse(text: &str) -> Result<Partial, String> {
        let text = text.trim_start_matches(['v', 'V', '=']);
        let text = text.split_once('+').map_or(text, |(left, _)| left);
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, pre.to_owned()),
            None => (text, String::new()),
        };
        let mut numbers = [None; 3];
        let mut wildcard_seen = false;
        for (idx, part) in core.split('.').enumerate() {
            let Some(slot) = numbers.get_mut(idx) else {
                return Err(format!("{text:?} has more than three numbers"));
            };
            if matches!(part, "x" | "X" | "*") {
                wildcard_seen = true;
                continue;
            }
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{text:?} is not a version"));
            }
            if !wildcard_seen {
                *slot = Some(
                    part.parse::<u64>()
                        .map_err(|_| format!("{text:?}: number too large"))?,
                );
            }
        }
        Ok(Partial { numbers, pre })
    }

    fn n_given(&self) -> usize {
        self.numbers
            .iter()
            .take_while(|number| number.is_some())
            .count()
    }

    fn is_full(&self) -> bool {
        self.n_given() == 3
    }

    /// The version with missing parts as 0 (`1.2` → `1.2.0`).
    fn floor(&self) -> String {
        let [major, minor, patch] = self.numbers.map(|number| number.unwrap_or(0));
        if self.pre.is_empty() || !self.is_full() {
            return format!("{major}.{minor}.{patch}");
        }
        format!("{major}.{minor}.{patch}-{}", self.pre)
    }
}

fn bump(numbers: &[u64]) -> String {
    match numbers {
        [major] => format!("{}.0.0", major.saturating_add(1)),
        [major, minor] => format!("{major}.{}.0", minor.saturating_add(1)),
        [major, minor, patch] => format!("{major}.{minor}.{}", patch.saturating_add(1)),
        _ => "0.0.0".to_owned(),
    }
}

fn given_numbers(partial: &Partial) -> Vec<u64> {
    partial.numbers.iter().map_while(|number| *number).collect()
}

/// Constraints for an x-range `1.2.x` / `1.x` / `1.2`: `>=1.2.0|<1.3.0`.
fn x_range(partial: &Partial, out: &mut Vec<Constraint>) {
    let given = given_numbers(partial);
    out.push(Constraint::new(
        Comparator::GreaterOrEqual,
        &partial.floor(),
    ));
    out.push(Constraint::new(Comparator::Less, &bump(&given)));
}

fn npm(native: &str) -> Converted {
    let native = native.trim();
    if native.is_empty() || native == "*" || native.eq_ignore_ascii_case("x") || native == "latest"
    {
        return Ok(None);
    }
    let mut res = Vec::new();
    for set in native.split("||") {
        let tokens = npm_tokens(set)?;
        if tokens.is_empty()
            || tokens
                .iter()
                .all(|token| matches!(token.as_str(), "*" | "x" | "X"))
        {
            return Ok(None);
        }
        if let [low, dash, high] = tokens.as_slice()
            && dash == "-"
        {
            let low = Partial::parse(low)?;
            let high = Partial::parse(high)?;
            res.push(Constraint::new(Comparator::GreaterOrEqual, &low.floor()));
            if high.is_full() {
                res.push(Constraint::new(Comparator::LessOrEqual, &high.floor()));
            } else if 0 < high.n_given() {
                res.push(Constraint::new(
                    Comparator::Less,
                    &bump(&given_numbers(&high)),
                ));
            }
            continue;
        }
        for token in &tokens {
            npm_comparator(token, &mut res)?;
        }
    }
    Ok(Some(res))
}

/// Splits a comparator set on whitespace, joining an operator with the version after it
/// (`>= 1.0` → `>=1.0`).
fn npm_tokens(set: &str) -> Result<Vec<String>, String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut pending_operator: Option<String> = None;
    for word in set.split_whitespace() {
        if matches!(word, ">" | ">=" | "<" | "<=" | "=" | "~" | "^" | "~>") {
            pending_operator = Some(word.to_owned());
            continue;
        }
        match pending_operator.take() {
            Some(operator) => tokens.push(format!("{operator}{word}")),
            None => tokens.push(word.to_owned()),
        }
    }
    if let Some(operator) = pending_operator {
        return Err(format!("operator {operator:?} without a version"));
    }
    Ok(tokens)
}

fn npm_comparator(token: &str, out: &mut Vec<Constraint>) -> Result<(), String> {
    if let Some(rest) = token.strip_prefix('^') {
        let partial = Partial::parse(rest)?;
        let given = given_numbers(&partial);
        let upper = match given.as_slice() {
            [] => return Ok(()),
            [0] => "1.0.0".to_owned(),
            [0, 0] => "0.1.0".to_owned(),
            [0, 0, patch] => format!("0.0.{}", patch.saturating_add(1)),
            [0, minor, ..] => format!("0.{}.0", minor.saturating_add(1)),
            [major, ..] => format!("{}.0.0", major.saturating_add(1)),
        };
        out.push(Constraint::new(
            Comparator::GreaterOrEqual,
            &partial.floor(),
        ));
        out.push(Constraint::new(Comparator::Less, &upper));
        return Ok(());
    }
    if let Some(rest) = token.strip_prefix("~>").or_else(|| token.strip_prefix('~')) {
        let partial = Partial::parse(rest)?;
        let given = given_numbers(&partial);
        let upper = match given.as_slice() {
            [] => return Ok(()),
            [major] => format!("{}.0.0", major.saturating_add(1)),
            [major, minor, ..] => format!("{major}.{}.0", minor.saturating_add(1)),
        };
        out.push(Constraint::new(
            Comparator::GreaterOrEqual,
            &partial.floor(),
        ));
        out.push(Constraint::new(Comparator::Less, &upper));
        return Ok(());
    }
    let (comparator, rest) = match token {
        _ if token.starts_with(">=") => (Comparator::GreaterOrEqual, token.get(2..).unwrap_or("")),
        _ if token.starts_with("<=") => (Comparator::LessOrEqual, token.get(2..).unwrap_or("")),
        _ if token.starts_with('>') => (Comparator::Greater, token.get(1..).unwrap_or("")),
        _ if token.starts_with('<') => (Comparator::Less, token.get(1..).unwrap_or("")),
        _ => (Comparator::Equal, token.trim_start_matches('=')),
    };
    let partial = Partial::parse(rest)?;
    let has_wildcard = rest
        .split(['.', '-'])
        .take(3)
        .any(|part| matches!(part, "x" | "X" | "*"));
    if has_wildcard {
        // An x-range stands for its whole interval, whatever the operator in front of it.
        if partial.n_given() == 0 {
            return Ok(());
        }
        x_range(&partial, out);
        return Ok(());
    }
    out.push(Constraint::new(comparator, &partial.floor()));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// PyPI and RubyGems: comma-separated requirements, all of which must hold.

fn comma_separated(
    native: &str,
    scheme: Scheme,
    convert: fn(&str, Scheme) -> Converted,
) -> Converted {
    let mut res = Vec::new();
    for part in native
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        match convert(part, scheme)? {
            None => {}
            Some(mut constraints) => res.append(&mut constraints),
        }
    }
    if res.is_empty() {
        return Ok(None);
    }
    Ok(Some(res))
}

fn split_operator<'a>(
    spec: &'a str,
    operators: &[(&'static str, &'static str)],
) -> (&'static str, &'a str) {
    for (operator, canonical) in operators {
        if let Some(rest) = spec.strip_prefix(operator) {
            return (canonical, rest.trim());
        }
    }
    ("==", spec.trim())
}

fn comparator_for(operator: &str) -> Comparator {
    match operator {
        "!=" => Comparator::NotEqual,
        "<" => Comparator::Less,
        "<=" => Comparator::LessOrEqual,
        ">" => Comparator::Greater,
        ">=" => Comparator::GreaterOrEqual,
        _ => Comparator::Equal,
    }
}

/// The leading dot-separated numbers of a version (after an optional `N!` epoch).
fn release_numbers(version: &str) -> (String, Vec<u64>) {
    let (epoch, rest) = match version.split_once('!') {
        Some((epoch, rest)) => (format!("{epoch}!"), rest),
        None => (String::new(), version),
    };
    let rest = rest.trim_start_matches(['v', 'V']);
    let mut numbers = Vec::new();
    for part in rest.split('.') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        numbers.push(digits.parse::<u64>().unwrap_or(u64::MAX));
        if digits.len() != part.len() {
            break;
        }
    }
    (epoch, numbers)
}

fn join_numbers(numbers: &[u64]) -> String {
    numbers
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn pypi_specifier(spec: &str, _scheme: Scheme) -> Converted {
    const OPERATORS: &[(&str, &str)] = &[
        ("===", "==="),
        ("~=", "~="),
        ("==", "=="),
        ("!=", "!="),
        ("<=", "<="),
        (">=", ">="),
        ("<", "<"),
        (">", ">"),
    ];
    let (operator, version) = split_operator(spec, OPERATORS);
    if version.is_empty() {
        return Err(format!("specifier {spec:?} has no version"));
    }
    if let Some(prefix) = version.strip_suffix(".*") {
        let (epoch, numbers) = release_numbers(prefix);
        if numbers.is_empty() || join_numbers(&numbers) != prefix.trim_start_matches(&epoch) {
            return Err(format!(
                "wildcard specifier {spec:?} needs a release prefix such as 1.2.*"
            ));
        }
        let mut upper = numbers.clone();
        if let Some(last) = upper.last_mut() {
            *last = last.saturating_add(1);
        }
        return match operator {
            "==" => Ok(Some(vec![
                Constraint::new(
                    Comparator::GreaterOrEqual,
                    &format!("{epoch}{}.dev0", join_numbers(&numbers)),
                ),
                Constraint::new(
                    Comparator::Less,
                    &format!("{epoch}{}.dev0", join_numbers(&upper)),
                ),
            ])),
            _ => Err(format!(
                "{spec:?}: only == accepts a .* wildcard in a vers conversion"
            )),
        };
    }
    match operator {
        "~=" => {
            let (epoch, numbers) = release_numbers(version);
            if numbers.len() < 2 {
                return Err(format!("{spec:?}: ~= needs at least two release numbers"));
            }
            let mut upper: Vec<u64> = numbers.iter().take(numbers.len() - 1).copied().collect();
            if let Some(last) = upper.last_mut() {
                *last = last.saturating_add(1);
            }
            Ok(Some(vec![
                Constraint::new(Comparator::GreaterOrEqual, version),
                Constraint::new(
                    Comparator::Less,
                    &format!("{epoch}{}", join_numbers(&upper)),
                ),
            ]))
        }
        "===" | "==" => Ok(Some(vec![Constraint::new(Comparator::Equal, version)])),
        other => Ok(Some(vec![Constraint::new(comparator_for(other), version)])),
    }
}

fn gem_requirement(requirement: &str, _scheme: Scheme) -> Converted {
    const OPERATORS: &[(&str, &str)] = &[
        ("~>", "~>"),
        ("!=", "!="),
        ("<=", "<="),
        (">=", ">="),
        ("=", "=="),
        ("<", "<"),
        (">", ">"),
    ];
    let (operator, version) = split_operator(requirement, OPERATORS);
    if version.is_empty() {
        return Err(format!("requirement {requirement:?} has no version"));
    }
    if operator == "~>" {
        // Gem::Version#bump: drop pre-release parts and the last number, increment the new last.
        let (_, numbers) = release_numbers(version);
        let mut upper: Vec<u64> = numbers.clone();
        if 1 < upper.len() {
            upper.pop();
        }
        let Some(last) = upper.last_mut() else {
            return Err(format!("{requirement:?}: ~> needs a numeric version"));
        };
        *last = last.saturating_add(1);
        return Ok(Some(vec![
            Constraint::new(Comparator::GreaterOrEqual, version),
            Constraint::new(Comparator::Less, &join_numbers(&upper)),
        ]));
    }
    Ok(Some(vec![Constraint::new(
        comparator_for(operator),
        version,
    )]))
}

// ---------------------------------------------------------------------------------------
// NuGet interval notation

fn nuget(native: &str) -> Converted {
    let native = native.trim();
    if native.is_empty() || native == "*" {
        return Ok(None);
    }
    let open = native.chars().next();
    let close = native.chars().last();
    match (open, close) {
        (Some('[' | '('), Some(']' | ')')) => {}
        _ => {
            return Ok(Some(vec![Constraint::new(
                Comparator::GreaterOrEqual,
                native,
            )]));
        }
    }
    let inner = native.get(1..native.len() - 1).unwrap_or("").trim();
    let inclusive_low = open == Some('[');
    let inclusive_high = close == Some(']');
    let Some((low, high)) = inner.split_once(',') else {
        if inclusive_low && inclusive_high && !inner.is_empty() {
            return Ok(Some(vec![Constraint::new(Comparator::Equal, inner)]));
        }
        return Err(format!("{native:?}: an exact version is written [1.0]"));
    };
    let (low, high) = (low.trim(), high.trim());
    let mut res = Vec::new();
    if !low.is_empty() {
        let comparator = if inclusive_low {
            Comparator::GreaterOrEqual
        } else {
            Comparator::Greater
        };
        res.push(Constraint::new(comparator, low));
    }
    if !high.is_empty() {
        let comparator = if inclusive_high {
            Comparator::LessOrEqual
        } else {
            Comparator::Less
        };
        res.push(Constraint::new(comparator, high));
    }
    if res.is_empty() {
        return Ok(None);
    }
    Ok(Some(res))
}
