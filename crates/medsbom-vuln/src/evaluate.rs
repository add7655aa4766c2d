//! The matcher core, without I/O: a [`CandidateIndex`] of affected entries and CPE match
//! criteria keyed the way packages look them up, and [`match_package`], the exact
//! evaluation of one package against its candidates.
//!
//! OSV entries follow the OSV schema exactly: a version listed in `versions[]` (exact string
//! equality) is affected, and so is a version inside a `SEMVER` range (SemVer order) or an
//! `ECOSYSTEM` range (the ecosystem's order), evaluated event by event with `introduced`,
//! `fixed`, `last_affected` and `limit` (see `medsbom_versions::osv`). `GIT` ranges need a
//! commit graph and never match a version string. A version the ecosystem cannot read
//! matches nothing.
//!
//! NVD criteria follow NISTIR 7696: the criterion's CPE must be a superset of the package's
//! CPE, and when the criterion carries `versionStart…`/`versionEnd…` bounds its version is
//! ANY and the package version must lie inside them (compared with the generic ordering:
//! numbers numerically, letters below numbers). Platform criteria (`vulnerable: false`) are
//! never indexed; they are kept as context for the finding.

use std::cmp::Ordering;
use std::collections::HashMap;

use medsbom_versions::compare::{Scheme, compare};
use medsbom_versions::cpe::{Cpe, CpeValue, cpe_matches};
use medsbom_versions::osv::{OsvEvent, OsvRange, OsvRangeKind, OsvVerdict, osv_affected};
use medsbom_versions::vers::VersionRange;

use crate::keys::{CpeKey, NameKey, PackageQuery, PurlKey};

/// What a finding is based on, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Basis {
    /// The package's purl named the advisory's ecosystem package and its version is affected.
    Purl,
    /// The package's CPE matched an NVD (or CVE 5) criterion and its version bounds.
    Cpe,
    /// Only the package's name and version matched a CPE product (a heuristic, off by
    /// default).
    Name,
}

impl Basis {
    /// `purl`, `cpe` or `name`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Purl => "purl",
            Basis::Cpe => "cpe",
            Basis::Name => "name",
        }
    }

    /// Reads [`Basis::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Basis> {
        match text {
            "purl" => Some(Basis::Purl),
            "cpe" => Some(Basis::Cpe),
            "name" => Some(Basis::Name),
            _ => None,
        }
    }

    /// The confidence of a finding on this basis: 3 (purl exact), 2 (CPE range), 1 (name
    /// only).
    #[must_use]
    pub fn confidence(self) -> i64 {
        match self {
            Basis::Purl => 3,
            Basis::Cpe => 2,
            Basis::Name => 1,
        }
    }
}

/// Settings of one matching run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchConfig {
    /// Also match packages that have neither a usable purl nor a CPE, by their name against
    /// CPE products (low confidence, many false positives).
    pub name_heuristics: bool,
}

impl MatchConfig {
    /// purl and CPE matching only: the default of every command.
    pub const EXACT: MatchConfig = MatchConfig {
        name_heuristics: false,
    };
}

/// One range of an affected entry.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryRange {
    /// An OSV range.
    Osv(OsvRange),
    /// A `vers:` range (from CSAF `product_version_range`).
    Vers(VersionRange),
}

/// An affected package entry of an advisory (OSV `affected[]`, or a CSAF product with a
/// purl), with what the matcher needs.
#[derive(Debug, Clone, PartialEq)]
pub struct AffectedEntry {
    /// The advisory's row id.
    pub advisory_row: i64,
    /// The entry's ecosystem (`PyPI`, `Debian:12`).
    pub ecosystem: String,
    /// The ranges.
    pub ranges: Vec<EntryRange>,
    /// The explicitly listed versions.
    pub versions: Vec<String>,
}

/// A vulnerable CPE match criterion of an advisory, with its version bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct CpeEntry {
    /// The advisory's row id.
    pub advisory_row: i64,
    /// The criterion's vendor, unquoted.
    pub vendor: String,
    /// The criterion.
    pub criteria: Cpe,
    /// `versionStartIncluding`.
    pub start_including: Option<String>,
    /// `versionStartExcluding`.
    pub start_excluding: Option<String>,
    /// `versionEndIncluding`.
    pub end_including: Option<String>,
    /// `versionEndExcluding`.
    pub end_excluding: Option<String>,
    /// The platform criteria (`vulnerable: false`) of the same configuration.
    pub platforms: Vec<String>,
}

impl CpeEntry {
    fn has_bounds(&self) -> bool {
        self.start_including.is_some()
            || self.start_excluding.is_some()
            || self.end_including.is_some()
            || self.end_excluding.is_some()
    }

    /// The criterion with its bounds, as a finding's range text.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut res = self.criteria.to_string();
        let bounds = [
            (">=", &self.start_including),
            (">", &self.start_excluding),
            ("<=", &self.end_including),
            ("<", &self.end_excluding),
        ];
        for (comparator, bound) in bounds {
            if let Some(bound) = bound {
                res.push(' ');
                res.push_str(comparator);
                res.push_str(bound);
            }
        }
        if !self.platforms.is_empty() {
            res.push_str(" on ");
            res.push_str(&self.platforms.join(" or "));
        }
        res
    }
}

/// Candidate advisories, keyed as packages look them up.
#[derive(Debug, Default)]
pub struct CandidateIndex {
    packages: HashMap<(String, String), Vec<AffectedEntry>>,
    cpes: HashMap<String, Vec<CpeEntry>>,
}

impl CandidateIndex {
    /// An empty index.
    #[must_use]
    pub fn new() -> CandidateIndex {
        CandidateIndex::default()
    }

    /// Adds an affected entry under its (ecosystem, lookup name) key.
    pub fn add_package(&mut self, lookup_name: &str, entry: AffectedEntry) {
        self.packages
            .entry((entry.ecosystem.clone(), lookup_name.to_owned()))
            .or_default()
            .push(entry);
    }

    /// Adds a CPE criterion under its product.
    pub fn add_cpe(&mut self, product: &str, entry: CpeEntry) {
        self.cpes.entry(product.to_owned()).or_default().push(entry);
    }

    /// The number of affected entries and CPE criteria held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.packages.values().map(Vec::len).sum::<usize>()
            + self.cpes.values().map(Vec::len).sum::<usize>()
    }

    /// Whether the index holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One package found affected by one advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The package (or scanned component).
    pub package_id: i64,
    /// The advisory's row id.
    pub advisory_row: i64,
    /// What the match is based on.
    pub basis: Basis,
    /// The identifier that matched: the purl, the CPE, or the name and version.
    pub identifier: String,
    /// The range, listed version or criterion that contains the version.
    pub range: String,
    /// The versions that fix it, from the matching range (may be empty).
    pub fixed: Vec<String>,
}

/// Every advisory that affects the package, one [`Match`] per advisory (the strongest
/// basis wins when several entries of one advisory match), sorted by advisory row.
#[must_use]
pub fn match_package(
    index: &CandidateIndex,
    query: &PackageQuery,
    config: &MatchConfig,
) -> Vec<Match> {
    let mut res: Vec<Match> = Vec::new();
    if let Some(key) = &query.purl {
        match_purl(index, query.package_id, key, &mut res);
    }
    if let Some(key) = &query.cpe {
        match_cpe(index, query.package_id, key, &mut res);
    }
    if config.name_heuristics
        && query.purl.is_none()
        && query.cpe.is_none()
        && let Some(key) = &query.name
    {
        match_name(index, query.package_id, key, &mut res);
    }
    res.sort_by(|a, b| {
        a.advisory_row
            .cmp(&b.advisory_row)
            .then(a.basis.cmp(&b.basis))
    });
    res.dedup_by(|later, earlier| later.advisory_row == earlier.advisory_row);
    res
}

fn match_purl(index: &CandidateIndex, package_id: i64, key: &PurlKey, res: &mut Vec<Match>) {
    let Some(version) = key.version.as_deref() else {
        return;
    };
    let base = key
        .ecosystem
        .split_once(':')
        .map(|(base, _)| base.to_owned());
    let lookups = std::iter::once(key.ecosystem.clone()).chain(base);
    for ecosystem in lookups {
        let Some(entries) = index.packages.get(&(ecosystem, key.name.clone())) else {
            continue;
        };
        for entry in entries {
            if let Some((range, fixed)) = evaluate_entry(entry, version) {
                res.push(Match {
                    package_id,
                    advisory_row: entry.advisory_row,
                    basis: Basis::Purl,
                    identifier: key.purl.clone(),
                    range,
                    fixed,
                });
            }
        }
    }
}

/// Whether `version` is affected by the entry: the range text and the fixed versions of
/// the part that matched.
#[must_use]
pub fn evaluate_entry(entry: &AffectedEntry, version: &str) -> Option<(String, Vec<String>)> {
    if entry.versions.iter().any(|listed| listed == version) {
        let fixed = entry
            .ranges
            .iter()
            .flat_map(range_fixed_versions)
            .collect::<Vec<_>>();
        return Some((format!("versions[] lists {version}"), dedup(fixed)));
    }
    let scheme = Scheme::from_osv_ecosystem(&entry.ecosystem);
    for range in &entry.ranges {
        let affected = match range {
            EntryRange::Osv(osv_range) => {
                let range_scheme = match (osv_range.kind, scheme) {
                    (OsvRangeKind::Git, _) | (OsvRangeKind::Ecosystem, None) => continue,
                    (OsvRangeKind::Semver, _) => Scheme::Semver,
                    (OsvRangeKind::Ecosystem, Some(scheme)) => scheme,
                };
                let ranges = std::slice::from_ref(osv_range);
                matches!(
                    osv_affected(range_scheme, version, ranges, &[]),
                    Ok(OsvVerdict::Affected)
                )
            }
            EntryRange::Vers(vers) => vers.contains(version).unwrap_or(false),
        };
        if affected {
            return Some((describe_range(range), dedup(range_fixed_versions(range))));
        }
    }
    None
}

fn dedup(mut versions: Vec<String>) -> Vec<String> {
    let mut seen = Vec::with_capacity(versions.len());
    versions.retain(|version| {
        if seen.contains(version) {
            return false;
        }
        seen.push(version.clone());
        true
    });
    versions
}

fn range_fixed_versions(range: &EntryRange) -> Vec<String> {
    match range {
        EntryRange::Osv(range) if range.kind != OsvRangeKind::Git => range
            .events
            .iter()
            .filter_map(|event| match event {
                OsvEvent::Fixed(fixed) => Some(fixed.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A range as a finding's range text: `ECOSYSTEM: introduced 0, fixed 2.4.1`.
#[must_use]
pub fn describe_range(range: &EntryRange) -> String {
    match range {
        EntryRange::Osv(range) => {
            let kind = match range.kind {
                OsvRangeKind::Semver => "SEMVER",
                OsvRangeKind::Ecosystem => "ECOSYSTEM",
                OsvRangeKind::Git => "GIT",
            };
            let events: Vec<String> = range
                .events
                .iter()
                .map(|event| {
                    let name = match event {
                        OsvEvent::Introduced(_) => "introduced",
                        OsvEvent::Fixed(_) => "fixed",
                        OsvEvent::LastAffected(_) => "last_affected",
                        OsvEvent::Limit(_) => "limit",
                    };
                    format!("{name} {}", event.version())
                })
                .collect();
            format!("{kind}: {}", events.join(", "))
        }
        EntryRange::Vers(vers) => vers.to_string(),
    }
}

fn match_cpe(index: &CandidateIndex, package_id: i64, key: &CpeKey, res: &mut Vec<Match>) {
    let Some(entries) = index.cpes.get(&key.product) else {
        return;
    };
    for entry in entries {
        if entry.vendor != key.vendor {
            continue;
        }
        if cpe_entry_matches(entry, &key.cpe, key.version.as_deref()) {
            res.push(Match {
                package_id,
                advisory_row: entry.advisory_row,
                basis: Basis::Cpe,
                identifier: key.cpe.to_string(),
                range: entry.describe(),
                fixed: entry.end_excluding.iter().cloned().collect(),
            });
        }
    }
}

/// NISTIR 7696 name matching plus NVD version bounds (see the module documentation).
#[must_use]
pub fn cpe_entry_matches(entry: &CpeEntry, target: &Cpe, version: Option<&str>) -> bool {
    if !entry.has_bounds() {
        return cpe_matches(&entry.criteria, target);
    }
    let Some(version) = version else {
        return false;
    };
    // The bounds replace the version attribute, whatever the criterion wrote there.
    let criteria = entry.criteria.with_version(CpeValue::Any);
    if !cpe_matches(&criteria, target) {
        return false;
    }
    version_within(
        version,
        entry.start_including.as_deref(),
        entry.start_excluding.as_deref(),
        entry.end_including.as_deref(),
        entry.end_excluding.as_deref(),
    )
}

/// A bound as written, or `None` when it is empty or `*` (no bound).
fn bound(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|b| !b.is_empty() && *b != "*")
}

/// Whether `version` lies within the bounds (generic ordering); an empty bound, or `*`, is
/// no bound, and an unreadable version is outside.
#[must_use]
pub fn version_within(
    version: &str,
    start_including: Option<&str>,
    start_excluding: Option<&str>,
    end_including: Option<&str>,
    end_excluding: Option<&str>,
) -> bool {
    let cmp = |bound: &str| compare(Scheme::Generic, version, bound);
    type Check<'a> = (Option<&'a str>, fn(Ordering) -> bool);
    let checks: [Check<'_>; 4] = [
        (bound(start_including), |o| o != Ordering::Less),
        (bound(start_excluding), |o| o == Ordering::Greater),
        (bound(end_including), |o| o != Ordering::Greater),
        (bound(end_excluding), |o| o == Ordering::Less),
    ];
    for (bound, holds) in checks {
        let Some(bound) = bound else {
            continue;
        };
        match cmp(bound) {
            Ok(ordering) if holds(ordering) => {}
            _ => return false,
        }
    }
    true
}

fn match_name(index: &CandidateIndex, package_id: i64, key: &NameKey, res: &mut Vec<Match>) {
    let Some(entries) = index.cpes.get(&key.product) else {
        return;
    };
    for entry in entries {
        let matched = if entry.has_bounds() {
            version_within(
                &key.version,
                entry.start_including.as_deref(),
                entry.start_excluding.as_deref(),
                entry.end_including.as_deref(),
                entry.end_excluding.as_deref(),
            )
        } else {
            match entry.criteria.version() {
                CpeValue::Any => true,
                value => value.to_plain().is_some_and(|criterion| {
                    compare(Scheme::Generic, &key.version, &criterion) == Ok(Ordering::Equal)
                }),
            }
        };
        if matched {
            res.push(Match {
                package_id,
                advisory_row: entry.advisory_row,
                basis: Basis::Name,
                identifier: format!("{}@{}", key.product, key.version),
                range: entry.describe(),
                fixed: entry.end_excluding.iter().cloned().collect(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osv(kind: OsvRangeKind, events: &[(&str, &str)]) -> EntryRange {
        let events = events
            .iter()
            .filter_map(|(key, version)| OsvEvent::from_osv_key(key, version))
            .collect();
        EntryRange::Osv(OsvRange { kind, events })
    }

    fn entry(ecosystem: &str, ranges: Vec<EntryRange>, versions: &[&str]) -> AffectedEntry {
        AffectedEntry {
            advisory_row: 1,
            ecosystem: ecosystem.to_owned(),
            ranges,
            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn check(entry: &AffectedEntry, version: &str, expect: bool) {
        assert_eq!(
            evaluate_entry(entry, version).is_some(),
            expect,
            "{version} in {entry:?}"
        );
    }

    #[test]
    fn osv_ranges_at_their_boundaries() {
        let e = entry(
            "PyPI",
            vec![osv(
                OsvRangeKind::Ecosystem,
                &[("introduced", "1.0"), ("fixed", "1.4.2")],
            )],
            &[],
        );
        check(&e, "0.9", false);
        check(&e, "1.0", true);
        check(&e, "1.4.2rc1", true);
        check(&e, "1.4.1", true);
        check(&e, "1.4.2", false);
        check(&e, "not a version!", false);
        let e = entry(
            "crates.io",
            vec![osv(
                OsvRangeKind::Semver,
                &[("introduced", "0"), ("last_affected", "0.3.1")],
            )],
            &[],
        );
        check(&e, "0.0.1", true);
        check(&e, "0.3.1", true);
        check(&e, "0.3.2", false);
        let e = entry(
            "npm",
            vec![osv(
                OsvRangeKind::Semver,
                &[("introduced", "2.0.0"), ("limit", "2.5.0")],
            )],
            &[],
        );
        check(&e, "2.4.9", true);
        check(&e, "2.5.0", false);
    }

    #[test]
    fn listed_versions_match_exactly_and_git_ranges_never() {
        let e = entry(
            "PyPI",
            vec![osv(
                OsvRangeKind::Git,
                &[("introduced", "0"), ("fixed", "abc")],
            )],
            &["1.0", "1.1"],
        );
        check(&e, "1.1", true);
        check(&e, "1.1.0", false);
        check(&e, "1.2", false);
        let (range, _) = evaluate_entry(&e, "1.0").unwrap();
        assert_eq!(range, "versions[] lists 1.0");
    }

    #[test]
    fn matched_range_gives_fixed_versions() {
        let e = entry(
            "npm",
            vec![
                osv(
                    OsvRangeKind::Semver,
                    &[("introduced", "2.0.0"), ("fixed", "2.3.0")],
                ),
                osv(
                    OsvRangeKind::Semver,
                    &[("introduced", "3.0.0"), ("fixed", "3.0.1")],
                ),
            ],
            &[],
        );
        let (range, fixed) = evaluate_entry(&e, "3.0.0").unwrap();
        assert_eq!(range, "SEMVER: introduced 3.0.0, fixed 3.0.1");
        assert_eq!(fixed, ["3.0.1"]);
    }

    fn cpe_entry(criteria: &str, bounds: [Option<&str>; 4]) -> CpeEntry {
        let [si, se, ei, ee] = bounds.map(|b| b.map(str::to_owned));
        CpeEntry {
            advisory_row: 7,
            vendor: "apache".to_owned(),
            criteria: Cpe::parse(criteria).unwrap(),
            start_including: si,
            start_excluding: se,
            end_including: ei,
            end_excluding: ee,
            platforms: Vec::new(),
        }
    }

    fn check_cpe(entry: &CpeEntry, target: &str, expect: bool) {
        let key = crate::keys::cpe_key(&Cpe::parse(target).unwrap(), None).unwrap();
        assert_eq!(
            cpe_entry_matches(entry, &key.cpe, key.version.as_deref()),
            expect,
            "{target} against {}",
            entry.describe()
        );
    }

    #[test]
    fn cpe_criteria_with_bounds() {
        let e = cpe_entry(
            "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
            [Some("2.0.1"), None, None, Some("2.15.0")],
        );
        check_cpe(&e, "cpe:2.3:a:apache:log4j:2.0.1:*:*:*:*:*:*:*", true);
        check_cpe(&e, "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", true);
        check_cpe(&e, "cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*", false);
        check_cpe(&e, "cpe:2.3:a:apache:log4j:2.0:*:*:*:*:*:*:*", false);
        check_cpe(&e, "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", false);
        check_cpe(&e, "cpe:2.3:a:apache:log4net:2.1:*:*:*:*:*:*:*", false);
        let e = cpe_entry(
            "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
            [None, Some("1.0"), Some("1.2.17"), None],
        );
        check_cpe(&e, "cpe:2.3:a:apache:log4j:1.0:*:*:*:*:*:*:*", false);
        check_cpe(&e, "cpe:2.3:a:apache:log4j:1.2.17:*:*:*:*:*:*:*", true);
        let exact = cpe_entry("cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*", [None; 4]);
        check_cpe(&exact, "cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*", true);
        check_cpe(&exact, "cpe:2.3:a:apache:log4j:2.0:*:*:*:*:*:*:*", false);
    }

    #[test]
    fn one_match_per_advisory_strongest_basis_first() {
        let mut index = CandidateIndex::new();
        index.add_package(
            "org.apache.logging.log4j:log4j-core",
            AffectedEntry {
                advisory_row: 7,
                ecosystem: "Maven".to_owned(),
                ranges: vec![osv(
                    OsvRangeKind::Ecosystem,
                    &[("introduced", "2.0"), ("fixed", "2.15.0")],
                )],
                versions: Vec::new(),
            },
        );
        index.add_cpe(
            "log4j",
            cpe_entry(
                "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
                [Some("2.0.1"), None, None, Some("2.15.0")],
            ),
        );
        let query = PackageQuery::new(
            5,
            Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"),
            "log4j-core",
            Some("2.14.1"),
        );
        let res = match_package(&index, &query, &MatchConfig::EXACT);
        assert_eq!(res.len(), 1);
        assert_eq!(res[0].basis, Basis::Purl);
        // Without a usable purl the CPE matches.
        let query = PackageQuery::new(
            5,
            None,
            Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"),
            "log4j-core",
            Some("2.14.1"),
        );
        let res = match_package(&index, &query, &MatchConfig::EXACT);
        assert_eq!(res.len(), 1);
        assert_eq!(res[0].basis, Basis::Cpe);
        assert_eq!(res[0].fixed, ["2.15.0"]);
        // A bare name only with the heuristics on.
        let query = PackageQuery::new(5, None, None, "Log4j", Some("2.14.1"));
        assert!(match_package(&index, &query, &MatchConfig::EXACT).is_empty());
        let config = MatchConfig {
            name_heuristics: true,
        };
        let res = match_package(&index, &query, &config);
        assert_eq!(res.len(), 1);
        assert_eq!(res[0].basis, Basis::Name);
        assert_eq!(res[0].identifier, "log4j@2.14.1");
    }
}
