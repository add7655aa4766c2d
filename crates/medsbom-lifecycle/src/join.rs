//! Joining packages to endoflife.date products and release cycles.
//!
//! A package matches a product by the identifiers the endoflife.date data carries (the purl
//! without version, and CPE names matched per NISTIR 7696), by its purl's `distro`
//! qualifier (the operating-system release the package comes from, e.g. `distro=debian-9`),
//! or, for an operating-system component, by name (`debian` 9). The release cycle is then
//! the one the version falls in ([`release_for_version`]).

use std::collections::HashMap;

use medsbom_feeds::eol::{EolProduct, EolRelease, IdentifierKind};
use medsbom_versions::cpe::{Cpe, cpe_matches};
use medsbom_versions::purl::Purl;

/// How a package was joined to an endoflife.date product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchBasis {
    /// The package's purl (without version) is one of the product's purl identifiers.
    Purl,
    /// The package's CPE matches one of the product's CPE identifiers.
    Cpe,
    /// The package's purl `distro` qualifier names a release of the operating system.
    Distro,
    /// An operating-system component named like the product.
    Name,
}

impl MatchBasis {
    /// `purl`, `cpe`, `distro`, `name`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MatchBasis::Purl => "purl",
            MatchBasis::Cpe => "cpe",
            MatchBasis::Distro => "distro",
            MatchBasis::Name => "name",
        }
    }

    /// Parses [`MatchBasis::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<MatchBasis> {
        match text {
            "purl" => Some(MatchBasis::Purl),
            "cpe" => Some(MatchBasis::Cpe),
            "distro" => Some(MatchBasis::Distro),
            "name" => Some(MatchBasis::Name),
            _ => None,
        }
    }
}

/// What the join looks at in a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageRef<'a> {
    /// Component name.
    pub name: &'a str,
    /// Component version, when known.
    pub version: Option<&'a str>,
    /// Package URL, when known.
    pub purl: Option<&'a str>,
    /// CPE name (2.3 formatted string or 2.2 URI), when known.
    pub cpe: Option<&'a str>,
    /// Whether some document lists it as an operating system.
    pub is_operating_system: bool,
}

/// One product a package matched, with the release cycle its version falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EolMatch<'a> {
    /// The endoflife.date product.
    pub product: &'a EolProduct,
    /// The release cycle, when the version falls in one.
    pub release: Option<&'a EolRelease>,
    /// Why the package matched.
    pub basis: MatchBasis,
}

/// Operating systems named by purl type and namespace, with their endoflife.date product
/// and the prefixes their `distro` qualifier values carry (`debian-9`, `alpine-3.17.2`).
const DISTROS: &[(&str, &str, &str)] = &[
    ("deb", "debian", "debian"),
    ("deb", "ubuntu", "ubuntu"),
    ("apk", "alpine", "alpine-linux"),
    ("rpm", "redhat", "rhel"),
    ("rpm", "rhel", "rhel"),
    ("rpm", "centos", "centos"),
    ("rpm", "fedora", "fedora"),
    ("rpm", "opensuse", "opensuse"),
    ("rpm", "almalinux", "almalinux"),
    ("rpm", "rocky", "rocky-linux"),
    ("rpm", "rocky-linux", "rocky-linux"),
    ("rpm", "amzn", "amazon-linux"),
    ("rpm", "amazonlinux", "amazon-linux"),
    ("rpm", "oracle", "oracle-linux"),
    ("rpm", "ol", "oracle-linux"),
];

/// endoflife.date products indexed by the keys packages are joined on.
#[derive(Debug, Clone)]
pub struct EolIndex<'a> {
    products: &'a [EolProduct],
    /// Canonical purl without version → product indexes.
    by_purl: HashMap<String, Vec<usize>>,
    /// (vendor, product) of a CPE identifier → (product index, identifier).
    by_cpe: HashMap<(String, String), Vec<(usize, Cpe)>>,
    /// Squashed product name or label → product indexes (operating systems by name).
    by_name: HashMap<String, Vec<usize>>,
    /// Product name → index (for the distro table).
    by_product_name: HashMap<&'a str, usize>,
}

impl<'a> EolIndex<'a> {
    /// Indexes `products`. Identifiers that do not parse are ignored.
    #[must_use]
    pub fn new(products: &'a [EolProduct]) -> EolIndex<'a> {
        let mut res = EolIndex {
            products,
            by_purl: HashMap::new(),
            by_cpe: HashMap::new(),
            by_name: HashMap::new(),
            by_product_name: HashMap::new(),
        };
        for (idx, product) in products.iter().enumerate() {
            res.by_product_name.insert(product.name.as_str(), idx);
            for name in [squash(&product.name), squash(&product.label)] {
                if name.is_empty() {
                    continue;
                }
                let entry = res.by_name.entry(name).or_default();
                if !entry.contains(&idx) {
                    entry.push(idx);
                }
            }
            for identifier in &product.identifiers {
                match identifier.kind {
                    IdentifierKind::Purl => {
                        let Some(key) = purl_key(&identifier.value) else {
                            continue;
                        };
                        let entry = res.by_purl.entry(key).or_default();
                        if !entry.contains(&idx) {
                            entry.push(idx);
                        }
                    }
                    IdentifierKind::Cpe => {
                        let Some((key, cpe)) = cpe_key(&identifier.value) else {
                            continue;
                        };
                        res.by_cpe.entry(key).or_default().push((idx, cpe));
                    }
                    IdentifierKind::Repology | IdentifierKind::Other(_) => {}
                }
            }
        }
        res
    }

    /// The products `package` matches, each once per basis, ordered by basis (purl, cpe,
    /// distro, name) and product name.
    #[must_use]
    pub fn matches(&self, package: &PackageRef<'_>) -> Vec<EolMatch<'a>> {
        let mut found: Vec<(usize, MatchBasis, Option<&'a EolRelease>)> = Vec::new();
        let mut push = |idx: usize, basis: MatchBasis, release: Option<&'a EolRelease>| {
            if !found.iter().any(|(i, b, _)| *i == idx && *b == basis) {
                found.push((idx, basis, release));
            }
        };
        let purl = package.purl.and_then(|text| Purl::parse(text.trim()).ok());
        let version = package
            .version
            .or_else(|| purl.as_ref().and_then(Purl::version));
        if let Some(purl) = &purl {
            for &idx in self.by_purl.get(&purl.package_key()).into_iter().flatten() {
                let release = self.release(idx, version);
                push(idx, MatchBasis::Purl, release);
            }
            if let Some((idx, release)) = self.distro_release(purl) {
                push(idx, MatchBasis::Distro, release);
            }
        }
        if let Some(cpe) = package.cpe.and_then(|text| Cpe::parse(text.trim()).ok())
            && let (Some(vendor), Some(product)) =
                (cpe.vendor().to_plain(), cpe.product().to_plain())
        {
            for (idx, identifier) in self.by_cpe.get(&(vendor, product)).into_iter().flatten() {
                if !cpe_matches(identifier, &cpe) {
                    continue;
                }
                let cpe_version = cpe.version().to_plain().filter(|v| !v.is_empty());
                let release = match cpe_version.as_deref() {
                    Some(cpe_version) => self
                        .release(*idx, Some(cpe_version))
                        .or_else(|| self.release(*idx, version)),
                    None => self.release(*idx, version),
                };
                push(*idx, MatchBasis::Cpe, release);
            }
        }
        if package.is_operating_system {
            let name = squash(package.name);
            let mut candidates: Vec<usize> = Vec::new();
            for key in [name.clone(), format!("{name}linux")] {
                for &idx in self.by_name.get(&key).into_iter().flatten() {
                    if !candidates.contains(&idx) {
                        candidates.push(idx);
                    }
                }
            }
            for idx in candidates {
                let release = version.and_then(|v| {
                    let product = self.products.get(idx)?;
                    release_for_version(product, v).or_else(|| release_for_codename(product, v))
                });
                push(idx, MatchBasis::Name, release);
            }
        }
        let mut res: Vec<EolMatch<'a>> = found
            .into_iter()
            .filter_map(|(idx, basis, release)| {
                Some(EolMatch {
                    product: self.products.get(idx)?,
                    release,
                    basis,
                })
            })
            .collect();
        res.sort_by(|a, b| (a.basis, &a.product.name).cmp(&(b.basis, &b.product.name)));
        res
    }

    fn release(&self, idx: usize, version: Option<&str>) -> Option<&'a EolRelease> {
        let product = self.products.get(idx)?;
        release_for_version(product, version?)
    }

    /// The operating-system product and release named by a purl's `distro` qualifier.
    fn distro_release(&self, purl: &Purl) -> Option<(usize, Option<&'a EolRelease>)> {
        let distro = purl.qualifier("distro")?.trim();
        let namespace = purl.namespace()?.to_ascii_lowercase();
        let &(_, _, product_name) = DISTROS
            .iter()
            .find(|(ty, ns, _)| *ty == purl.ty() && *ns == namespace)?;
        let idx = *self.by_product_name.get(product_name)?;
        let product = self.products.get(idx)?;
        let lower = distro.to_ascii_lowercase();
        let mut value = lower.as_str();
        for prefix in [namespace.as_str(), product_name] {
            if let Some(rest) = value
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix(['-', ':', '/']))
            {
                value = rest;
                break;
            }
        }
        let release = if value.starts_with(|c: char| c.is_ascii_digit()) {
            release_for_version(product, value)
        } else {
            release_for_codename(product, value)
        };
        Some((idx, release))
    }
}

/// The release cycle `version` falls in: the longest cycle equal to the version or a prefix
/// of it ending at a separator (see [`EolProduct::release_for_version`]); failing that, the
/// same for the version without a Debian-style epoch (`1:2.29.2-1` → `2.29.2-1`), then for
/// its leading numeric part (`1.1.0l-1~deb9u5` → `1.1.0`).
#[must_use]
pub fn release_for_version<'a>(product: &'a EolProduct, version: &str) -> Option<&'a EolRelease> {
    let version = version.trim();
    if let Some(release) = product.release_for_version(version) {
        return Some(release);
    }
    let without_epoch = match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            rest
        }
        _ => version,
    };
    if without_epoch != version
        && let Some(release) = product.release_for_version(without_epoch)
    {
        return Some(release);
    }
    let numeric_end = without_epoch
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(without_epoch.len());
    let numeric = without_epoch.get(..numeric_end)?.trim_end_matches('.');
    if numeric.is_empty() || numeric == without_epoch {
        return None;
    }
    product.release_for_version(numeric)
}

/// The release whose codename's first word (or cycle) is `codename` (`stretch`, `focal`).
fn release_for_codename<'a>(product: &'a EolProduct, codename: &str) -> Option<&'a EolRelease> {
    let codename = codename.trim();
    if codename.is_empty() {
        return None;
    }
    product.releases.iter().find(|release| {
        release.cycle.eq_ignore_ascii_case(codename)
            || release
                .codename
                .as_deref()
                .and_then(|name| name.split_whitespace().next())
                .is_some_and(|word| word.eq_ignore_ascii_case(codename))
    })
}

/// The canonical purl without version, qualifiers or subpath.
pub(crate) fn purl_key(text: &str) -> Option<String> {
    Purl::parse(text.trim()).ok().map(|purl| purl.package_key())
}

/// The (vendor, product) index key of a CPE identifier, and the parsed CPE.
pub(crate) fn cpe_key(text: &str) -> Option<((String, String), Cpe)> {
    let cpe = Cpe::parse(&pad_formatted_string(text.trim())).ok()?;
    let vendor = cpe.vendor().to_plain()?;
    let product = cpe.product().to_plain()?;
    if cpe.vendor().has_wildcards() || cpe.product().has_wildcards() {
        return None;
    }
    Some(((vendor, product), cpe))
}

/// endoflife.date writes CPE 2.3 identifiers without their trailing attributes
/// (`cpe:2.3:a:python:python`); the missing ones are ANY, so `:*` is appended up to the
/// eleven attributes a formatted string has.
fn pad_formatted_string(text: &str) -> String {
    let Some(rest) = text.strip_prefix("cpe:2.3:") else {
        return text.to_owned();
    };
    let bytes = rest.as_bytes();
    let n_separators = bytes
        .iter()
        .enumerate()
        .filter(|(idx, b)| **b == b':' && (*idx == 0 || bytes.get(idx - 1) != Some(&b'\\')))
        .count();
    let mut res = text.to_owned();
    for _ in n_separators..10 {
        res.push_str(":*");
    }
    res
}

/// Lowercase letters and digits only, for name comparison (`Alpine Linux` → `alpinelinux`).
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use medsbom_feeds::eol::{EolIdentifier, EolValue};
    use medsbom_model::IsoDate;

    use super::*;

    fn release(cycle: &str, codename: Option<&str>, eol: &str) -> EolRelease {
        EolRelease {
            cycle: cycle.to_owned(),
            label: None,
            codename: codename.map(str::to_owned),
            release_date: None,
            eol: IsoDate::parse(eol).map_or(EolValue::Bool(false), EolValue::Date),
            eoas: EolValue::Absent,
            eoes: EolValue::Absent,
            lts: EolValue::Absent,
            latest: None,
            latest_release_date: None,
            discontinued: EolValue::Absent,
        }
    }

    fn product(
        name: &str,
        label: &str,
        identifiers: &[(IdentifierKind, &str)],
        releases: Vec<EolRelease>,
    ) -> EolProduct {
        EolProduct {
            name: name.to_owned(),
            label: label.to_owned(),
            category: None,
            identifiers: identifiers
                .iter()
                .map(|(kind, value)| EolIdentifier {
                    kind: kind.clone(),
                    value: (*value).to_owned(),
                })
                .collect(),
            releases,
        }
    }

    fn products() -> Vec<EolProduct> {
        vec![
            product(
                "debian",
                "Debian",
                &[
                    (IdentifierKind::Cpe, "cpe:2.3:o:debian:debian_linux"),
                    (IdentifierKind::Cpe, "cpe:/o:debian:debian_linux"),
                ],
                vec![
                    release("12", Some("Bookworm"), "2026-06-10"),
                    release("9", Some("Stretch"), "2020-07-18"),
                ],
            ),
            product(
                "openssl",
                "OpenSSL",
                &[
                    (IdentifierKind::Purl, "pkg:generic/openssl"),
                    (IdentifierKind::Cpe, "cpe:2.3:a:openssl:openssl"),
                ],
                vec![
                    release("3.0", None, "2026-09-07"),
                    release("1.1.0", None, "2019-09-11"),
                ],
            ),
            product(
                "alpine-linux",
                "Alpine Linux",
                &[],
                vec![release("3.17", None, "2024-11-22")],
            ),
            product(
                "jquery",
                "jQuery",
                &[
                    (IdentifierKind::Purl, "pkg:nuget/jQuery"),
                    (IdentifierKind::Purl, "not a purl"),
                ],
                vec![release("3", None, "false")],
            ),
        ]
    }

    fn check(package: PackageRef<'_>, expect: &[&str]) {
        let products = products();
        let index = EolIndex::new(&products);
        let found: Vec<String> = index
            .matches(&package)
            .iter()
            .map(|m| {
                let cycle = m.release.map_or("-", |r| r.cycle.as_str());
                format!("{} {} {cycle}", m.basis.as_str(), m.product.name)
            })
            .collect();
        assert_eq!(found, expect, "{package:?}");
    }

    fn package<'a>(
        name: &'a str,
        version: Option<&'a str>,
        purl: Option<&'a str>,
        cpe: Option<&'a str>,
    ) -> PackageRef<'a> {
        PackageRef {
            name,
            version,
            purl,
            cpe,
            is_operating_system: false,
        }
    }

    #[test]
    fn joins_by_purl_cpe_distro_and_name() {
        check(
            package(
                "openssl",
                Some("1.1.0l-1~deb9u5"),
                Some("pkg:deb/debian/openssl@1.1.0l-1~deb9u5?arch=amd64&distro=debian-9"),
                Some("cpe:2.3:a:openssl:openssl:1.1.0l-1\\~deb9u5:*:*:*:*:*:*:*"),
            ),
            &["cpe openssl 1.1.0", "distro debian 9"],
        );
        check(
            package(
                "openssl",
                Some("3.0.13"),
                Some("pkg:generic/openssl@3.0.13"),
                None,
            ),
            &["purl openssl 3.0"],
        );
        check(
            package(
                "jQuery",
                Some("3.1.1"),
                Some("pkg:nuget/jQuery@3.1.1"),
                Some("cpe:2.3:a:the_jquery_foundation:jquery:3.1.1:*:*:*:*:*:*:*"),
            ),
            &["purl jquery 3"],
        );
        check(
            package(
                "libc",
                Some("2.36"),
                Some("pkg:deb/debian/libc6@2.36?distro=bookworm"),
                None,
            ),
            &["distro debian 12"],
        );
        check(
            package(
                "zlib",
                Some("1.2.13"),
                Some("pkg:apk/alpine/zlib@1.2.13-r0?distro=alpine-3.17.2"),
                None,
            ),
            &["distro alpine-linux 3.17"],
        );
        check(
            package(
                "zlib",
                Some("1.2.13"),
                Some("pkg:apk/alpine/zlib@1.2.13-r0?distro=3.99.0"),
                None,
            ),
            &["distro alpine-linux -"],
        );
        let os = PackageRef {
            is_operating_system: true,
            ..package("debian", Some("9"), None, None)
        };
        check(os, &["name debian 9"]);
        let alpine = PackageRef {
            is_operating_system: true,
            ..package("alpine", Some("3.17.2"), None, None)
        };
        check(alpine, &["name alpine-linux 3.17"]);
        // Only operating-system components join by name.
        check(package("debian", Some("9"), None, None), &[]);
        // An OS CPE with a version: the cycle comes from the CPE version.
        check(
            package("Debian", None, None, Some("cpe:/o:debian:debian_linux:12")),
            &["cpe debian 12"],
        );
        // A hardware CPE of another part does not match an application identifier.
        check(
            package(
                "x",
                Some("1"),
                None,
                Some("cpe:2.3:h:openssl:openssl:1.1.0:*:*:*:*:*:*:*"),
            ),
            &[],
        );
        check(
            package("broken", Some("1"), Some("pkg:"), Some("cpe:bad")),
            &[],
        );
    }

    #[test]
    fn cycles_for_distribution_versions() {
        let products = products();
        let Some(openssl) = products.get(1) else {
            panic!("fixture")
        };
        let cycle = |version: &str| release_for_version(openssl, version).map(|r| r.cycle.clone());
        assert_eq!(cycle("1.1.0l-1~deb9u5").as_deref(), Some("1.1.0"));
        assert_eq!(cycle("1:1.1.0l").as_deref(), Some("1.1.0"));
        assert_eq!(cycle("3.0.13-1").as_deref(), Some("3.0"));
        assert_eq!(cycle("1.1.1w"), None);
        assert_eq!(cycle(""), None);
        assert_eq!(cycle("abc"), None);
    }
}
