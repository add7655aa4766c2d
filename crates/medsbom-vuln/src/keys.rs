//! Match keys: how a package (a stored `packages` row, or a component of an SBOM being
//! scanned) and an advisory's affected entry are looked up in each other's index.
//!
//! A purl becomes an OSV key: the OSV ecosystem (with the distribution release taken from
//! the `distro` qualifier, `Debian:12`), the OSV package name in its lookup form, and the
//! version. A CPE becomes a (vendor, product) key plus the CPE itself for NISTIR 7696
//! matching. Lookup forms follow each ecosystem's own notion of "the same name": PEP 503
//! for PyPI, lowercase for ecosystems whose registries are case-insensitive (npm, NuGet,
//! Packagist, distributions), the exact text elsewhere (Go module paths, Maven coordinates,
//! crates, gems).

use medsbom_versions::cpe::{Cpe, CpeValue};
use medsbom_versions::osv::{osv_ecosystem_for_purl, osv_package_name, pep503_normalize};
use medsbom_versions::purl::{Purl, PurlParts};

/// The OSV ecosystems, in the spelling of the OSV schema (`ecosystems.json`).
const OSV_ECOSYSTEMS: [&str; 48] = [
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "TuxCare",
    "Ubuntu",
    "VSCode",
    "Wolfi",
];

/// The OSV ecosystem in its schema spelling: the base name is matched case-insensitively
/// (`pypi` → `PyPI`, `debian:12` → `Debian:12`); the `:<release>` suffix is kept as written.
/// An unknown base is kept as written.
#[must_use]
pub fn canonical_ecosystem(ecosystem: &str) -> String {
    let ecosystem = ecosystem.trim();
    let (base, suffix) = match ecosystem.split_once(':') {
        Some((base, release)) => (base, Some(release)),
        None => (ecosystem, None),
    };
    let base = OSV_ECOSYSTEMS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(base))
        .copied()
        .unwrap_or(base);
    match suffix {
        Some(release) => format!("{base}:{release}"),
        None => base.to_owned(),
    }
}

/// The lookup form of a package name in an ecosystem (see the module documentation).
#[must_use]
pub fn lookup_name(ecosystem: &str, name: &str) -> String {
    let base = ecosystem
        .split_once(':')
        .map_or(ecosystem, |(base, _)| base);
    let name = name.trim();
    match base {
        "PyPI" => pep503_normalize(name),
        "npm" | "NuGet" | "Packagist" | "Debian" | "Ubuntu" | "Alpine" | "Wolfi" | "Chainguard"
        | "Hex" | "Pub" => name.to_lowercase(),
        _ => name.to_owned(),
    }
}

/// How a package is looked up among OSV affected entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlKey {
    /// The OSV ecosystem (`PyPI`, `Debian:12`).
    pub ecosystem: String,
    /// The package name in its lookup form.
    pub name: String,
    /// The version to evaluate, when the purl (or the component) has one.
    pub version: Option<String>,
    /// The purl the key was made from, as the finding's identifier.
    pub purl: String,
}

/// How a package is looked up among CPE match criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpeKey {
    /// The CPE vendor, unquoted and lowercase.
    pub vendor: String,
    /// The CPE product, unquoted and lowercase.
    pub product: String,
    /// The CPE with its version filled in from the component when the CPE had none.
    pub cpe: Cpe,
    /// The plain version (from the CPE, else the component), for version bounds.
    pub version: Option<String>,
}

/// How a package without purl or CPE may be looked up by name (a heuristic, off by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKey {
    /// The component name, lowercase, as a CPE product would spell it.
    pub product: String,
    /// The component version.
    pub version: String,
}

/// Everything the matcher needs to know about one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageQuery {
    /// The `packages` row id (or, for a scanned SBOM, the component's index).
    pub package_id: i64,
    /// The OSV key, when the package has a purl of a known ecosystem.
    pub purl: Option<PurlKey>,
    /// The CPE key, when the package has a valid CPE naming a vendor and a product.
    pub cpe: Option<CpeKey>,
    /// The name key, when the package has a name and a version.
    pub name: Option<NameKey>,
}

impl PackageQuery {
    /// The query for a package: its canonical purl (with version), its CPE, its name and
    /// version (any of them may be missing or unusable).
    #[must_use]
    pub fn new(
        package_id: i64,
        purl: Option<&str>,
        cpe: Option<&str>,
        name: &str,
        version: Option<&str>,
    ) -> PackageQuery {
        let version = version.map(str::trim).filter(|version| !version.is_empty());
        let purl_key = purl
            .and_then(|purl| Purl::parse(purl.trim()).ok())
            .and_then(|purl| purl_key(&purl, version));
        let cpe_key = cpe
            .and_then(|cpe| Cpe::parse(cpe.trim()).ok())
            .and_then(|cpe| cpe_key(&cpe, version));
        let name = name.trim();
        let name_key = match version {
            Some(version) if !name.is_empty() => Some(NameKey {
                product: name.to_lowercase().replace(' ', "_"),
                version: version.to_owned(),
            }),
            _ => None,
        };
        PackageQuery {
            package_id,
            purl: purl_key,
            cpe: cpe_key,
            name: name_key,
        }
    }
}

/// The OSV key of a purl; `fallback_version` is used when the purl has no version. `None`
/// when the purl's type has no OSV ecosystem.
#[must_use]
pub fn purl_key(purl: &Purl, fallback_version: Option<&str>) -> Option<PurlKey> {
    let ecosystem = canonical_ecosystem(&osv_ecosystem_for_purl(purl)?);
    let mut name = osv_package_name(purl);
    let mut version = purl.version().or(fallback_version).map(str::to_owned);
    // Distributions publish advisories for source packages; syft records the source package
    // of a binary package in `upstream` (`openssl` or `openssl@1.1.1n-0+deb11u3`) and
    // newer tools record Alpine's origin package in `origin`.
    if matches!(purl.ty(), "deb" | "apk") {
        let source = purl.qualifier("upstream").or(purl.qualifier("origin"));
        if let Some(source) = source.map(str::trim).filter(|s| !s.is_empty()) {
            match source.split_once('@') {
                Some((source_name, source_version)) => {
                    name = source_name.to_owned();
                    if !source_version.is_empty() {
                        version = Some(source_version.to_owned());
                    }
                }
                None => name = source.to_owned(),
            }
        }
    }
    let identifier = match (purl.version(), fallback_version) {
        (None, Some(fallback)) => with_version(purl, fallback),
        _ => purl.to_string(),
    };
    Some(PurlKey {
        name: lookup_name(&ecosystem, &name),
        ecosystem,
        version,
        purl: identifier,
    })
}

fn with_version(purl: &Purl, version: &str) -> String {
    let qualifiers: Vec<(&str, &str)> = purl
        .qualifiers()
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let parts = PurlParts {
        ty: purl.ty(),
        namespace: purl.namespace(),
        name: purl.name(),
        version: Some(version),
        qualifiers: &qualifiers,
        subpath: purl.subpath(),
    };
    match Purl::from_parts(&parts) {
        Ok(res) => res.to_string(),
        Err(_) => purl.to_string(),
    }
}

/// The CPE key of a CPE; `fallback_version` fills an ANY version. `None` when the vendor or
/// the product is not a plain value.
#[must_use]
pub fn cpe_key(cpe: &Cpe, fallback_version: Option<&str>) -> Option<CpeKey> {
    let vendor = plain_attribute(cpe.vendor())?;
    let product = plain_attribute(cpe.product())?;
    let (cpe, version) = match (cpe.version(), fallback_version) {
        (CpeValue::Any, Some(fallback)) => (
            cpe.with_version(CpeValue::Value(wfn_quote(fallback))),
            Some(fallback.to_owned()),
        ),
        (value @ CpeValue::Value(_), _) if !value.has_wildcards() => {
            (cpe.clone(), value.to_plain())
        }
        _ => (cpe.clone(), None),
    };
    Some(CpeKey {
        vendor,
        product,
        cpe,
        version,
    })
}

/// The unquoted text of a CPE attribute without wildcards (vendor and product index keys).
#[must_use]
pub fn plain_attribute(value: &CpeValue) -> Option<String> {
    if value.has_wildcards() {
        return None;
    }
    value.to_plain().filter(|text| !text.is_empty())
}

/// Text in WFN form: lowercase, every character other than letters, digits and `_` quoted.
#[must_use]
pub fn wfn_quote(text: &str) -> String {
    let mut res = String::with_capacity(text.len() * 2);
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if !(c.is_ascii_alphanumeric() || c == '_') {
            res.push('\\');
        }
        res.push(c);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_purl(purl: &str, expect: Option<(&str, &str, Option<&str>)>) {
        let query = PackageQuery::new(1, Some(purl), None, "x", None);
        let got = query.purl.as_ref().map(|key| {
            (
                key.ecosystem.as_str(),
                key.name.as_str(),
                key.version.as_deref(),
            )
        });
        assert_eq!(got, expect, "{purl}");
    }

    #[test]
    fn purls_become_osv_keys() {
        check_purl(
            "pkg:pypi/Django_Rest@3.0",
            Some(("PyPI", "django-rest", Some("3.0"))),
        );
        check_purl(
            "pkg:npm/%40babel/core@7.0.0",
            Some(("npm", "@babel/core", Some("7.0.0"))),
        );
        check_purl(
            "pkg:golang/github.com/gin-gonic/gin@v1.9.0",
            Some(("Go", "github.com/gin-gonic/gin", Some("v1.9.0"))),
        );
        check_purl(
            "pkg:cargo/Inflector@0.11.4",
            Some(("crates.io", "Inflector", Some("0.11.4"))),
        );
        check_purl(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            Some((
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1"),
            )),
        );
        check_purl(
            "pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3?arch=amd64&upstream=openssl&distro=debian-11",
            Some(("Debian:11", "openssl", Some("1.1.1n-0+deb11u3"))),
        );
        check_purl(
            "pkg:deb/debian/libcurl4@7.88.1-10+b1?distro=bookworm&upstream=curl%407.88.1-10",
            Some(("Debian:12", "curl", Some("7.88.1-10"))),
        );
        check_purl(
            "pkg:apk/alpine/zlib@1.2.12-r1?arch=x86_64&distro=3.22.0&origin=zlib",
            Some(("Alpine:v3.22", "zlib", Some("1.2.12-r1"))),
        );
        check_purl("pkg:docker/library/alpine@3.18", None);
        check_purl("pkg:pypi/requests", Some(("PyPI", "requests", None)));
    }

    #[test]
    fn a_purl_without_version_takes_the_component_version() {
        let query = PackageQuery::new(1, Some("pkg:pypi/requests"), None, "x", Some("2.0"));
        let key = query.purl.unwrap();
        assert_eq!(key.version.as_deref(), Some("2.0"));
        assert_eq!(key.purl, "pkg:pypi/requests@2.0");
    }

    #[test]
    fn ecosystems_are_canonical() {
        assert_eq!(canonical_ecosystem("pypi"), "PyPI");
        assert_eq!(canonical_ecosystem("debian:12"), "Debian:12");
        assert_eq!(canonical_ecosystem("Ubuntu:22.04:LTS"), "Ubuntu:22.04:LTS");
        assert_eq!(canonical_ecosystem("Something"), "Something");
        assert_eq!(lookup_name("npm", "Axios"), "axios");
        assert_eq!(lookup_name("PyPI", "Flask_Cors"), "flask-cors");
        assert_eq!(
            lookup_name("Go", "github.com/Azure/x"),
            "github.com/Azure/x"
        );
    }

    #[test]
    fn cpes_become_keys_with_the_component_version() {
        let query = PackageQuery::new(
            1,
            None,
            Some("cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"),
            "log4j",
            Some("2.14.1"),
        );
        let key = query.cpe.unwrap();
        assert_eq!(
            (key.vendor.as_str(), key.product.as_str()),
            ("apache", "log4j")
        );
        assert_eq!(key.version.as_deref(), Some("2.14.1"));
        assert_eq!(
            key.cpe.to_string(),
            "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"
        );
        let query = PackageQuery::new(1, None, Some("cpe:/a:openssl:openssl:1.0.2k"), "x", None);
        assert_eq!(query.cpe.unwrap().version.as_deref(), Some("1.0.2k"));
        assert!(
            PackageQuery::new(1, None, Some("cpe:2.3:a:*:x:1:*:*:*:*:*:*:*"), "", None)
                .cpe
                .is_none()
        );
    }
}
