//! OSV `affected[]` evaluation and the mapping from purls to OSV ecosystems and names.
//!
//! [`osv_affected`] follows the `IsVulnerable` pseudocode of the OSV schema: a version is
//! affected when it is listed in `versions[]` (exact string equality) or when, for some range,
//! it is below a `limit` and, walking the events sorted by version, the last applicable event
//! was an `introduced`. `introduced: "0"` sorts before every version and `limit: "*"` is
//! infinity. Events at the same version keep their record order (so adjacent ranges
//! `[1.0, 2.0)` + `[2.0, 3.0)` written as introduced 1.0, fixed 2.0, introduced 2.0, fixed 3.0
//! include 2.0). `GIT` ranges need the commit graph: they are reported as
//! [`OsvVerdict::Unevaluable`] when nothing else matched.
//!
//! ```
//! use medsbom_versions::compare::Scheme;
//! use medsbom_versions::osv::{OsvEvent, OsvRange, OsvRangeKind, OsvVerdict, osv_affected};
//! let ranges = [OsvRange {
//!     kind: OsvRangeKind::Ecosystem,
//!     events: vec![OsvEvent::Introduced("0".into()), OsvEvent::Fixed("2.4.1".into())],
//! }];
//! assert_eq!(osv_affected(Scheme::Pypi, "2.4.0", &ranges, &[]).unwrap(), OsvVerdict::Affected);
//! assert_eq!(osv_affected(Scheme::Pypi, "2.4.1", &ranges, &[]).unwrap(), OsvVerdict::NotAffected);
//! ```

use std::cmp::Ordering;

use crate::Error;
use crate::compare::{Scheme, compare};
use crate::purl::Purl;

/// The `type` of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsvRangeKind {
    /// `SEMVER`: SemVer 2.0 precedence, whatever the ecosystem.
    Semver,
    /// `ECOSYSTEM`: the ecosystem's own ordering.
    Ecosystem,
    /// `GIT`: commit hashes; cannot be evaluated on version strings.
    Git,
}

impl OsvRangeKind {
    /// Reads the `type` field (`SEMVER`, `ECOSYSTEM`, `GIT`).
    #[must_use]
    pub fn from_osv_str(kind: &str) -> Option<OsvRangeKind> {
        match kind {
            "SEMVER" => Some(OsvRangeKind::Semver),
            "ECOSYSTEM" => Some(OsvRangeKind::Ecosystem),
            "GIT" => Some(OsvRangeKind::Git),
            _ => None,
        }
    }
}

/// One event of an OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OsvEvent {
    /// `introduced`: the version is affected from here on (`"0"`: from the very beginning).
    Introduced(String),
    /// `fixed`: the version is not affected from here on.
    Fixed(String),
    /// `last_affected`: versions after this one are not affected.
    LastAffected(String),
    /// `limit`: only versions below some limit are considered (`"*"`: infinity).
    Limit(String),
}

impl OsvEvent {
    /// The version string of the event.
    #[must_use]
    pub fn version(&self) -> &str {
        match self {
            OsvEvent::Introduced(version)
            | OsvEvent::Fixed(version)
            | OsvEvent::LastAffected(version)
            | OsvEvent::Limit(version) => version,
        }
    }

    /// Reads one event object's key (`introduced`, `fixed`, `last_affected`, `limit`).
    #[must_use]
    pub fn from_osv_key(key: &str, version: &str) -> Option<OsvEvent> {
        let version = version.to_owned();
        match key {
            "introduced" => Some(OsvEvent::Introduced(version)),
            "fixed" => Some(OsvEvent::Fixed(version)),
            "last_affected" => Some(OsvEvent::LastAffected(version)),
            "limit" => Some(OsvEvent::Limit(version)),
            _ => None,
        }
    }
}

/// One `affected[].ranges[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OsvRange {
    /// The range `type`.
    pub kind: OsvRangeKind,
    /// The events, in record order (they are sorted during evaluation).
    pub events: Vec<OsvEvent>,
}

/// The answer of [`osv_affected`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsvVerdict {
    /// Listed in `versions[]` or inside a `SEMVER` or `ECOSYSTEM` range.
    Affected,
    /// Outside every range, and every range could be evaluated.
    NotAffected,
    /// Outside every `SEMVER` and `ECOSYSTEM` range and not listed, but there are `GIT`
    /// ranges, which cannot be evaluated on a version string.
    Unevaluable,
}

impl OsvVerdict {
    /// `true` only for [`OsvVerdict::Affected`].
    #[must_use]
    pub fn is_affected(self) -> bool {
        self == OsvVerdict::Affected
    }
}

/// Whether `version` of a package is affected by one OSV `affected[]` entry, given its
/// `ranges` and its `versions` list. `scheme` orders `ECOSYSTEM` ranges (see
/// [`Scheme::from_osv_ecosystem`]); `SEMVER` ranges always use SemVer. An unreadable version,
/// in the query or in an event, is an error.
pub fn osv_affected(
    scheme: Scheme,
    version: &str,
    ranges: &[OsvRange],
    versions: &[String],
) -> Result<OsvVerdict, Error> {
    if versions.iter().any(|listed| listed == version) {
        return Ok(OsvVerdict::Affected);
    }
    let mut has_git = false;
    for range in ranges {
        let range_scheme = match range.kind {
            OsvRangeKind::Git => {
                has_git = true;
                continue;
            }
            OsvRangeKind::Semver => Scheme::Semver,
            OsvRangeKind::Ecosystem => scheme,
        };
        if range_contains(range_scheme, version, &range.events)? {
            return Ok(OsvVerdict::Affected);
        }
    }
    if has_git {
        return Ok(OsvVerdict::Unevaluable);
    }
    Ok(OsvVerdict::NotAffected)
}

fn range_contains(scheme: Scheme, version: &str, events: &[OsvEvent]) -> Result<bool, Error> {
    scheme.validate(version)?;
    let mut has_limit = false;
    let mut below_a_limit = false;
    for event in events {
        if let OsvEvent::Limit(limit) = event {
            has_limit = true;
            if limit == "*" || compare(scheme, version, limit)? == Ordering::Less {
                below_a_limit = true;
            }
        }
    }
    if has_limit && !below_a_limit {
        return Ok(false);
    }

    let mut sorted: Vec<&OsvEvent> = Vec::with_capacity(events.len());
    for event in events {
        let is_zero = matches!(event, OsvEvent::Introduced(introduced) if introduced == "0");
        let is_infinite_limit = matches!(event, OsvEvent::Limit(limit) if limit == "*");
        if !is_zero && !is_infinite_limit {
            scheme.validate(event.version())?;
        }
        sorted.push(event);
    }
    // Validated above, so `compare` cannot fail; the sort is stable for equal versions.
    sorted.sort_by(|a, b| event_order(scheme, a, b));

    let mut vulnerable = false;
    for event in sorted {
        match event {
            OsvEvent::Introduced(introduced) => {
                if introduced == "0" || compare(scheme, version, introduced)? != Ordering::Less {
                    vulnerable = true;
                }
            }
            OsvEvent::Fixed(fixed) => {
                if compare(scheme, version, fixed)? != Ordering::Less {
                    vulnerable = false;
                }
            }
            OsvEvent::LastAffected(last) => {
                if compare(scheme, version, last)? == Ordering::Greater {
                    vulnerable = false;
                }
            }
            OsvEvent::Limit(_) => {}
        }
    }
    Ok(vulnerable)
}

/// Orders events by version; `introduced: "0"` first and `limit: "*"` last.
fn event_order(scheme: Scheme, a: &OsvEvent, b: &OsvEvent) -> Ordering {
    let rank = |event: &OsvEvent| match event {
        OsvEvent::Introduced(version) if version == "0" => 0,
        OsvEvent::Limit(version) if version == "*" => 2,
        _ => 1,
    };
    match (rank(a), rank(b)) {
        (1, 1) => compare(scheme, a.version(), b.version()).unwrap_or(Ordering::Equal),
        (x, y) => x.cmp(&y),
    }
}

/// The OSV ecosystem for a purl: the purl type's ecosystem (`pypi` → `PyPI`, `cargo` →
/// `crates.io`, `golang` → `Go`, `gem` → `RubyGems`, `composer` → `Packagist`…) and, for
/// distribution packages, the release from the `distro` qualifier (`pkg:deb/debian/curl?distro=bookworm`
/// → `Debian:12`, `pkg:apk/alpine/zlib?distro=alpine-3.18` → `Alpine:v3.18`,
/// `pkg:deb/ubuntu/…?distro=ubuntu-22.04` → `Ubuntu:22.04:LTS`). Without a usable `distro` the
/// bare distribution ecosystem is returned (`Debian`, `Alpine`).
#[must_use]
pub fn osv_ecosystem_for_purl(purl: &Purl) -> Option<String> {
    let namespace = purl.namespace().unwrap_or("");
    let distro = purl.distro();
    let res = match purl.ty() {
        "pypi" => "PyPI",
        "npm" => "npm",
        "cargo" => "crates.io",
        "golang" => "Go",
        "maven" => "Maven",
        "gem" => "RubyGems",
        "nuget" => "NuGet",
        "composer" => "Packagist",
        "hex" => "Hex",
        "pub" => "Pub",
        "conan" => "ConanCenter",
        "cran" => "CRAN",
        "hackage" => "Hackage",
        "swift" => "SwiftURL",
        "bitnami" => "Bitnami",
        "opam" => "opam",
        "julia" => "Julia",
        "deb" => match namespace {
            "debian" => return Some(with_release("Debian", distro.and_then(debian_release))),
            "ubuntu" => {
                return Some(with_release(
                    "Ubuntu",
                    distro.and_then(ubuntu_release).as_deref(),
                ));
            }
            _ => return None,
        },
        "apk" => match namespace {
            "alpine" => {
                return Some(with_release(
                    "Alpine",
                    distro.and_then(alpine_release).as_deref(),
                ));
            }
            "wolfi" => "Wolfi",
            "chainguard" => "Chainguard",
            _ => return None,
        },
        "rpm" => {
            let base = match namespace {
                "redhat" | "rhel" => return Some("Red Hat".to_owned()),
                "almalinux" => "AlmaLinux",
                "rocky" | "rocky-linux" | "rockylinux" => "Rocky Linux",
                "suse" | "sles" => return Some("SUSE".to_owned()),
                "opensuse" => return Some("openSUSE".to_owned()),
                "mageia" => "Mageia",
                "openeuler" => "openEuler",
                "photon" => "Photon OS",
                "azurelinux" | "mariner" => "Azure Linux",
                _ => return None,
            };
            return Some(with_release(base, distro.and_then(numeric_release)));
        }
        _ => return None,
    };
    Some(res.to_owned())
}

fn with_release(base: &str, release: Option<&str>) -> String {
    match release {
        Some(release) => format!("{base}:{release}"),
        None => base.to_owned(),
    }
}

/// Debian codenames and their release numbers (distro-info-data).
const DEBIAN_CODENAMES: &[(&str, &str)] = &[
    ("buzz", "1.1"),
    ("rex", "1.2"),
    ("bo", "1.3"),
    ("hamm", "2.0"),
    ("slink", "2.1"),
    ("potato", "2.2"),
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// The OSV Debian release for a `distro` qualifier: `debian-12`, `debian-12.4`, `12`,
/// `bookworm` → `12`; `sid`/`unstable` → `sid`.
#[must_use]
pub fn debian_release(distro: &str) -> Option<&'static str> {
    let distro = distro.to_ascii_lowercase();
    let distro = distro
        .strip_prefix("debian-")
        .or_else(|| distro.strip_prefix("debian"))
        .unwrap_or(&distro);
    if matches!(distro, "sid" | "unstable") {
        return Some("sid");
    }
    if let Some((_, release)) = DEBIAN_CODENAMES
        .iter()
        .find(|(codename, _)| *codename == distro)
    {
        return Some(release);
    }
    // Numeric: "12", "12.4" → "12"; older releases keep their minor ("3.1").
    let major = distro.split('.').next().unwrap_or("");
    DEBIAN_CODENAMES
        .iter()
        .map(|(_, release)| *release)
        .find(|release| *release == distro || (!release.contains('.') && *release == major))
}

/// Ubuntu codenames and their releases (LTS releases carry `:LTS` in OSV).
const UBUNTU_CODENAMES: &[(&str, &str)] = &[
    ("trusty", "14.04"),
    ("xenial", "16.04"),
    ("bionic", "18.04"),
    ("focal", "20.04"),
    ("groovy", "20.10"),
    ("hirsute", "21.04"),
    ("impish", "21.10"),
    ("jammy", "22.04"),
    ("kinetic", "22.10"),
    ("lunar", "23.04"),
    ("mantic", "23.10"),
    ("noble", "24.04"),
    ("oracular", "24.10"),
    ("plucky", "25.04"),
    ("questing", "25.10"),
];

/// The OSV Ubuntu release for a `distro` qualifier: `ubuntu-22.04`, `22.04` or `jammy` →
/// `22.04:LTS`; `ubuntu-23.10` → `23.10`.
#[must_use]
pub fn ubuntu_release(distro: &str) -> Option<String> {
    let distro = distro.to_ascii_lowercase();
    let distro = distro
        .strip_prefix("ubuntu-")
        .or_else(|| distro.strip_prefix("ubuntu"))
        .unwrap_or(&distro);
    let release = match UBUNTU_CODENAMES
        .iter()
        .find(|(codename, _)| *codename == distro)
    {
        Some((_, release)) => (*release).to_owned(),
        None => {
            let mut parts = distro.split('.');
            let (Some(year), Some(month)) = (parts.next(), parts.next()) else {
                return None;
            };
            let numeric = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
            if !numeric(year) || !numeric(month) {
                return None;
            }
            format!("{year}.{month}")
        }
    };
    let is_lts = release.ends_with(".04")
        && release
            .get(..2)
            .and_then(|year| year.parse::<u32>().ok())
            .is_some_and(|year| year % 2 == 0);
    Some(if is_lts {
        format!("{release}:LTS")
    } else {
        release
    })
}

/// The OSV Alpine release branch for a `distro` qualifier: `3.18`, `3.18.4`, `alpine-3.18`,
/// `v3.18` → `v3.18`; `edge` → `edge`.
#[must_use]
pub fn alpine_release(distro: &str) -> Option<String> {
    let distro = distro.to_ascii_lowercase();
    let distro = distro
        .strip_prefix("alpine-")
        .or_else(|| distro.strip_prefix("alpine"))
        .unwrap_or(&distro);
    if distro == "edge" {
        return Some("edge".to_owned());
    }
    let distro = distro.strip_prefix('v').unwrap_or(distro);
    let mut parts = distro.split('.');
    let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
        return None;
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !numeric(major) || !numeric(minor) {
        return None;
    }
    Some(format!("v{major}.{minor}"))
}

/// The major release number in a `distro` qualifier such as `almalinux-9.3` or `el9` → `9`.
fn numeric_release(distro: &str) -> Option<&str> {
    let start = distro.find(|c: char| c.is_ascii_digit())?;
    let rest = distro.get(start..)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest.get(..end)
}

/// The OSV `package.name` for a purl: `group:artifact` for Maven, `namespace/name` for Go,
/// Packagist and the like, `@scope/name` for npm, the PEP 503 normalized name for PyPI, and
/// the plain name otherwise. Distribution ecosystems name *source* packages in OSV; a purl
/// usually names a binary package, which is returned unchanged.
#[must_use]
pub fn osv_package_name(purl: &Purl) -> String {
    let name = purl.name();
    match (purl.ty(), purl.namespace()) {
        ("maven", Some(group)) => format!("{group}:{name}"),
        ("pypi", _) => pep503_normalize(name),
        ("deb" | "rpm" | "apk" | "alpm" | "swid" | "bitnami", _) => name.to_owned(),
        (_, Some(namespace)) => format!("{namespace}/{name}"),
        (_, None) => name.to_owned(),
    }
}

/// PEP 503 normalization: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
#[must_use]
pub fn pep503_normalize(name: &str) -> String {
    let mut res = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                res.push('-');
            }
            in_separator_run = true;
        } else {
            res.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    res
}
