//! `vers` version range specifiers (`vers:<scheme>/<constraint>|<constraint>…`).
//!
//! Three ways in:
//! - [`VersionRange::parse`] is strict: it accepts only canonical input (no whitespace, no
//!   stray pipes, minimal percent-encoding, constraints sorted, versions unique, comparators
//!   alternating) and reports anything else, as the vers specification requires.
//! - [`VersionRange::parse_lenient`] accepts what people type (whitespace, `=1.0`, stray
//!   pipes, any order) and sorts the constraints; it does not remove duplicates.
//! - [`VersionRange::from_native`] converts npm, PyPI, RubyGems and NuGet range syntax.
//!
//! [`VersionRange::contains`] implements the vers containment algorithm. It runs on the
//! simplified constraints (see [`VersionRange::simplify`]), so a range built by flattening
//! a union of intervals (as `from_native` does for `a || b`) answers like the union.
//!
//! ```
//! use medsbom_versions::vers::VersionRange;
//! let range = VersionRange::parse("vers:npm/>=1.0.0|<2.0.0").unwrap();
//! assert!(range.contains("1.5.0").unwrap());
//! assert!(!range.contains("2.0.0").unwrap());
//! let native = VersionRange::from_native("pypi", ">= 1.0, < 2.1").unwrap();
//! assert_eq!(native.to_string(), "vers:pypi/>=1.0|<2.1");
//! ```

mod native;

use std::cmp::Ordering;
use std::fmt;

use crate::Error;
use crate::compare::{Scheme, compare};
use crate::encoding::{percent_decode, push_triplet};

/// The comparator of one vers constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// A bare version: equal to it.
    Equal,
    /// `!=`: excluded.
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

impl Comparator {
    /// The comparator as written in a vers string (`""` for equality).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Equal => "",
            Comparator::NotEqual => "!=",
            Comparator::Less => "<",
            Comparator::LessOrEqual => "<=",
            Comparator::Greater => ">",
            Comparator::GreaterOrEqual => ">=",
        }
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, Comparator::Greater | Comparator::GreaterOrEqual)
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, Comparator::Less | Comparator::LessOrEqual)
    }
}

/// One constraint: a comparator and a (decoded) version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    /// How the version bounds the range.
    pub comparator: Comparator,
    /// The version, percent-decoded.
    pub version: String,
}

impl Constraint {
    /// A constraint from its parts.
    #[must_use]
    pub fn new(comparator: Comparator, version: &str) -> Constraint {
        Constraint {
            comparator,
            version: version.to_owned(),
        }
    }
}

/// A parsed `vers` version range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange {
    /// The vers scheme as written, lowercase (`npm`, `pypi`, `deb`, `all`, `none`…).
    scheme_name: String,
    /// The ordering; `None` only for the `all` and `none` schemes.
    scheme: Option<Scheme>,
    /// `true` for the `*` range.
    star: bool,
    /// The constraints, sorted by version (stable: equal versions keep their input order).
    constraints: Vec<Constraint>,
    /// The simplified constraints used by `contains`.
    effective: Vec<Constraint>,
}

impl VersionRange {
    /// Parses a canonical vers string, reporting every deviation from the canonical form.
    pub fn parse(input: &str) -> Result<VersionRange, Error> {
        let fail = |reason: &str| Error::InvalidVers {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        if input.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(fail("whitespace is not permitted"));
        }
        let Some(rest) = input.strip_prefix("vers:") else {
            return Err(fail("must start with the lowercase scheme \"vers:\""));
        };
        let Some((scheme_name, constraints)) = rest.split_once('/') else {
            return Err(fail("missing '/' after the version scheme"));
        };
        if !is_valid_scheme_name(scheme_name) || scheme_name.bytes().any(|b| b.is_ascii_uppercase())
        {
            return Err(fail(
                "the version scheme must be lowercase letters, digits, '.' and '-'",
            ));
        }
        let scheme = resolve_scheme(scheme_name).map_err(|reason| fail(&reason))?;
        if constraints.is_empty() {
            return Err(fail("the constraints are empty"));
        }
        if constraints == "*" {
            return Ok(VersionRange::star(scheme_name, scheme));
        }
        if constraints.starts_with('|') {
            return Err(fail("leading pipe is not permitted"));
        }
        if constraints.ends_with('|') {
            return Err(fail("trailing pipe is not permitted"));
        }
        let mut parsed = Vec::new();
        for constraint in constraints.split('|') {
            if constraint.is_empty() {
                return Err(fail("consecutive pipes are not permitted"));
            }
            if constraint.starts_with('=') {
                return Err(fail(
                    "equality is implicit: write the bare version without '='",
                ));
            }
            let (comparator, encoded) = split_comparator(constraint);
            if encoded.is_empty() {
                return Err(fail("a constraint has an empty version"));
            }
            if encoded == "*" || encoded.contains('*') {
                return Err(fail("'*' must be used alone"));
            }
            check_canonical_encoding(encoded).map_err(fail)?;
            let version = match percent_decode(encoded) {
                Ok(version) => version.into_owned(),
                Err(err) => return Err(fail(err.message())),
            };
            parsed.push(Constraint {
                comparator,
                version,
            });
        }
        let Some(scheme) = scheme else {
            return Err(fail("the \"all\" and \"none\" schemes only allow '*'"));
        };
        for constraint in &parsed {
            scheme.validate(&constraint.version)?;
        }
        for pair in parsed.windows(2) {
            let [current, next] = pair else { continue };
            match compare(scheme, &current.version, &next.version)? {
                Ordering::Less => {}
                Ordering::Equal => return Err(fail("versions must be unique")),
                Ordering::Greater => return Err(fail("constraints are not sorted by version")),
            }
        }
        let range = VersionRange::from_sorted(scheme_name, scheme, parsed);
        range.validate()?;
        Ok(range)
    }

    /// Parses a vers string the way people write it: ASCII whitespace is ignored, the scheme
    /// may be in any case, empty constraints (stray pipes) are skipped, `=1.0` means `1.0`,
    /// and the constraints are sorted by version. Duplicates and comparator sequences are not
    /// checked: call [`VersionRange::validate`] for that.
    pub fn parse_lenient(input: &str) -> Result<VersionRange, Error> {
        let fail = |reason: &str| Error::InvalidVers {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let compact: String = input.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let Some((prefix, rest)) = compact.split_once(':') else {
            return Err(fail("must start with \"vers:\""));
        };
        if !prefix.eq_ignore_ascii_case("vers") {
            return Err(fail("must start with \"vers:\""));
        }
        let Some((scheme_name, constraints)) = rest.split_once('/') else {
            return Err(fail("missing '/' after the version scheme"));
        };
        if !is_valid_scheme_name(scheme_name) {
            return Err(fail(
                "the version scheme must be letters, digits, '.' and '-'",
            ));
        }
        let scheme_name = scheme_name.to_ascii_lowercase();
        let scheme = resolve_scheme(&scheme_name).map_err(|reason| fail(&reason))?;
        let mut parsed = Vec::new();
        let mut star = false;
        for constraint in constraints
            .split('|')
            .filter(|constraint| !constraint.is_empty())
        {
            if constraint == "*" {
                star = true;
                continue;
            }
            let (comparator, encoded) = match constraint.strip_prefix('=') {
                Some(rest) if !rest.starts_with('=') => (Comparator::Equal, rest),
                _ => split_comparator(constraint),
            };
            if encoded.is_empty() {
                return Err(fail("a constraint has an empty version"));
            }
            let version = match percent_decode(encoded) {
                Ok(version) => version.into_owned(),
                Err(err) => return Err(fail(err.message())),
            };
            parsed.push(Constraint {
                comparator,
                version,
            });
        }
        match (star, parsed.is_empty(), scheme) {
            (true, true, _) => Ok(VersionRange::star(&scheme_name, scheme)),
            (true, false, _) => Err(fail("'*' must be used alone")),
            (false, true, _) => Err(fail("the constraints are empty")),
            (false, false, None) => Err(fail("the \"all\" and \"none\" schemes only allow '*'")),
            (false, false, Some(scheme)) => {
                VersionRange::from_constraints(&scheme_name, scheme, parsed)
            }
        }
    }

    /// Converts an ecosystem-native range to a vers range. Supported `vers_scheme`s: `npm`
    /// (node-semver ranges: `^`, `~`, x-ranges, hyphen ranges, `||`), `pypi` (PEP 440
    /// specifiers: `~=`, `==`, `!=`, `<=`, `>=`, `<`, `>`, `===`, `==1.2.*`), `gem`
    /// (`~>`, `=`, `!=`, comparisons) and `nuget` (interval notation `[1.0, 2.0)`).
    ///
    /// npm `a || b` unions are flattened into one sorted list of constraints, as the vers
    /// test suite expects; [`VersionRange::contains`] still answers like the union.
    pub fn from_native(vers_scheme: &str, native: &str) -> Result<VersionRange, Error> {
        native::from_native(vers_scheme, native)
    }

    /// Builds a range from constraints in any order: validates every version with the
    /// scheme and sorts the constraints by version (stable).
    pub fn from_constraints(
        vers_scheme: &str,
        scheme: Scheme,
        mut constraints: Vec<Constraint>,
    ) -> Result<VersionRange, Error> {
        for constraint in &constraints {
            scheme.validate(&constraint.version)?;
        }
        // Every version was validated above, so `compare` cannot fail here.
        constraints
            .sort_by(|a, b| compare(scheme, &a.version, &b.version).unwrap_or(Ordering::Equal));
        Ok(VersionRange::from_sorted(vers_scheme, scheme, constraints))
    }

    /// The range that contains every version (`vers:<scheme>/*`).
    #[must_use]
    pub fn any(vers_scheme: &str, scheme: Scheme) -> VersionRange {
        VersionRange::star(vers_scheme, Some(scheme))
    }

    fn star(scheme_name: &str, scheme: Option<Scheme>) -> VersionRange {
        VersionRange {
            scheme_name: scheme_name.to_owned(),
            scheme,
            star: true,
            constraints: Vec::new(),
            effective: Vec::new(),
        }
    }

    fn from_sorted(
        scheme_name: &str,
        scheme: Scheme,
        constraints: Vec<Constraint>,
    ) -> VersionRange {
        let effective = simplify_constraints(&constraints);
        VersionRange {
            scheme_name: scheme_name.to_owned(),
            scheme: Some(scheme),
            star: false,
            constraints,
            effective,
        }
    }

    /// The vers scheme name as written (lowercase), e.g. `npm`.
    #[must_use]
    pub fn scheme_name(&self) -> &str {
        &self.scheme_name
    }

    /// The version ordering, or `None` for `vers:all/*` and `vers:none/*`.
    #[must_use]
    pub fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// Whether this is the `*` range.
    #[must_use]
    pub fn is_star(&self) -> bool {
        self.star
    }

    /// The constraints, sorted by version (empty for `*`).
    #[must_use]
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Checks the vers validity rules: versions are unique, and, ignoring `!=`, an equality
    /// is followed only by `=`, `>` or `>=`, and ignoring `=` and `!=` too, lower and upper
    /// bounds alternate.
    pub fn validate(&self) -> Result<(), Error> {
        let fail = |reason: &str| Error::InvalidVers {
            input: self.to_string(),
            reason: reason.to_owned(),
        };
        let Some(scheme) = self.scheme else {
            return Ok(());
        };
        for (idx, constraint) in self.constraints.iter().enumerate() {
            for other in self.constraints.iter().skip(idx + 1) {
                if compare(scheme, &constraint.version, &other.version)? == Ordering::Equal {
                    return Err(fail("versions must be unique"));
                }
            }
        }
        let without_not_equal: Vec<Comparator> = self
            .constraints
            .iter()
            .map(|constraint| constraint.comparator)
            .filter(|comparator| *comparator != Comparator::NotEqual)
            .collect();
        for pair in without_not_equal.windows(2) {
            if let [Comparator::Equal, next] = pair
                && !matches!(
                    next,
                    Comparator::Equal | Comparator::Greater | Comparator::GreaterOrEqual
                )
            {
                return Err(fail("an equality may only be followed by '=', '>' or '>='"));
            }
        }
        let bounds: Vec<Comparator> = without_not_equal
            .into_iter()
            .filter(|c| *c != Comparator::Equal)
            .collect();
        for pair in bounds.windows(2) {
            if let [current, next] = pair
                && current.is_lower_bound() == next.is_lower_bound()
            {
                return Err(fail("'<' and '>' comparators must alternate"));
            }
        }
        Ok(())
    }

    /// The same range with redundant constraints removed (the vers "simplify" procedure), for
    /// example `>=1.0|>=1.5|<2.0|<3.0` becomes `>=1.0|<3.0`.
    #[must_use]
    pub fn simplify(&self) -> VersionRange {
        VersionRange {
            constraints: self.effective.clone(),
            ..self.clone()
        }
    }

    /// Whether `version` is inside the range (vers containment algorithm). An unreadable
    /// version is an error.
    ///
    /// One addition to the vers algorithm: a range made only of `!=` constraints contains
    /// every other version (the algorithm as written would contain nothing, which makes the
    /// native `!=5` of pip and RubyGems useless).
    pub fn contains(&self, version: &str) -> Result<bool, Error> {
        if self.star {
            return Ok(self.scheme_name != "none");
        }
        let Some(scheme) = self.scheme else {
            return Ok(false);
        };
        scheme.validate(version)?;
        let cmp = |other: &str| compare(scheme, version, other);
        for constraint in &self.effective {
            let inclusive = matches!(
                constraint.comparator,
                Comparator::Equal | Comparator::LessOrEqual | Comparator::GreaterOrEqual
            );
            if inclusive && cmp(&constraint.version)? == Ordering::Equal {
                return Ok(true);
            }
        }
        for constraint in &self.effective {
            if constraint.comparator == Comparator::NotEqual
                && cmp(&constraint.version)? == Ordering::Equal
            {
                return Ok(false);
            }
        }
        if self
            .effective
            .iter()
            .all(|c| c.comparator == Comparator::NotEqual)
        {
            // Only exclusions (`!=5`, as pip and RubyGems write it): everything else is inside.
            return Ok(true);
        }
        let mut previous: Option<&Constraint> = None;
        for current in self
            .effective
            .iter()
            .filter(|c| c.comparator.is_lower_bound() || c.comparator.is_upper_bound())
        {
            match previous {
                None => {
                    if current.comparator.is_upper_bound()
                        && cmp(&current.version)? == Ordering::Less
                    {
                        return Ok(true);
                    }
                }
                Some(before) => {
                    if before.comparator.is_lower_bound()
                        && current.comparator.is_upper_bound()
                        && cmp(&before.version)? == Ordering::Greater
                        && cmp(&current.version)? == Ordering::Less
                    {
                        return Ok(true);
                    }
                }
            }
            previous = Some(current);
        }
        if let Some(last) = previous
            && last.comparator.is_lower_bound()
            && cmp(&last.version)? == Ordering::Greater
        {
            return Ok(true);
        }
        Ok(false)
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut res = format!("vers:{}/", self.scheme_name);
        if self.star {
            res.push('*');
        }
        for (idx, constraint) in self.constraints.iter().enumerate() {
            if 0 < idx {
                res.push('|');
            }
            res.push_str(constraint.comparator.as_str());
            push_vers_encoded(&mut res, &constraint.version);
        }
        f.write_str(&res)
    }
}

impl std::str::FromStr for VersionRange {
    type Err = Error;

    /// Strict parsing, as [`VersionRange::parse`].
    fn from_str(s: &str) -> Result<VersionRange, Error> {
        VersionRange::parse(s)
    }
}

fn is_valid_scheme_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_ascii_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// The ordering of a vers scheme; `Ok(None)` for the `all` and `none` schemes.
fn resolve_scheme(scheme_name: &str) -> Result<Option<Scheme>, String> {
    if matches!(scheme_name, "all" | "none") {
        return Ok(None);
    }
    match Scheme::from_vers_scheme(scheme_name) {
        Some(scheme) => Ok(Some(scheme)),
        None => Err(format!("unknown version scheme {scheme_name:?}")),
    }
}

fn split_comparator(constraint: &str) -> (Comparator, &str) {
    for (prefix, comparator) in [
        (">=", Comparator::GreaterOrEqual),
        ("<=", Comparator::LessOrEqual),
        ("!=", Comparator::NotEqual),
        ("<", Comparator::Less),
        (">", Comparator::Greater),
    ] {
        if let Some(rest) = constraint.strip_prefix(prefix) {
            return (comparator, rest);
        }
    }
    (Comparator::Equal, constraint)
}

/// Whether a byte must be percent-encoded in a vers version.
fn needs_encoding(byte: u8) -> bool {
    matches!(byte, b'>' | b'<' | b'=' | b'!' | b'*' | b'|' | b'%') || !byte.is_ascii_graphic()
}

/// In canonical form a `%XX` triplet uses uppercase hex and encodes only what must be encoded.
fn check_canonical_encoding(encoded: &str) -> Result<(), &'static str> {
    let bytes = encoded.as_bytes();
    for (idx, byte) in bytes.iter().enumerate() {
        if *byte != b'%' {
            continue;
        }
        let triplet = bytes.get(idx + 1..idx + 3).unwrap_or(&[]);
        if triplet.len() != 2 || !triplet.iter().all(u8::is_ascii_hexdigit) {
            return Err("invalid percent-encoding in version");
        }
        if triplet.iter().any(u8::is_ascii_lowercase) {
            return Err("percent-encoding in version is not canonical (use uppercase hex)");
        }
        let value = std::str::from_utf8(triplet)
            .ok()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if value.is_some_and(|value| !needs_encoding(value)) {
            return Err(
                "percent-encoding in version is not canonical (this character must not be encoded)",
            );
        }
    }
    Ok(())
}

fn push_vers_encoded(out: &mut String, version: &str) {
    for c in version.chars() {
        if c.is_ascii() && !needs_encoding(c as u8) {
            out.push(c);
            continue;
        }
        let mut buf = [0u8; 4];
        for byte in c.encode_utf8(&mut buf).bytes() {
            push_triplet(out, byte);
        }
    }
}

/// The vers "simplify" procedure on sorted constraints: `!=` constraints are kept aside; a
/// lower bound or equality inside an open lower bound is dropped; an upper bound absorbs the
/// upper bounds and equalities right before it.
fn simplify_constraints(constraints: &[Constraint]) -> Vec<Constraint> {
    let mut kept: Vec<&Constraint> = Vec::with_capacity(constraints.len());
    for constraint in constraints
        .iter()
        .filter(|c| c.comparator != Comparator::NotEqual)
    {
        let top = kept.last().map(|c| c.comparator);
        match constraint.comparator {
            Comparator::Greater | Comparator::GreaterOrEqual | Comparator::Equal => {
                if top.is_some_and(Comparator::is_lower_bound) {
                    continue;
                }
                kept.push(constraint);
            }
            Comparator::Less | Comparator::LessOrEqual => {
                while kept.last().is_some_and(|c| {
                    c.comparator.is_upper_bound() || c.comparator == Comparator::Equal
                }) {
                    kept.pop();
                }
                kept.push(constraint);
            }
            Comparator::NotEqual => {}
        }
    }
    let mut res: Vec<Constraint> = kept.into_iter().cloned().collect();
    res.extend(
        constraints
            .iter()
            .filter(|c| c.comparator == Comparator::NotEqual)
            .cloned(),
    );
    // Keep the version order: re-insert the `!=` constraints where they were.
    let order = |c: &Constraint| {
        constraints
            .iter()
            .position(|original| original == c)
            .unwrap_or(usize::MAX)
    };
    res.sort_by_key(order);
    res
}
