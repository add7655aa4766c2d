//! Per-ecosystem version ordering.
//!
//! [`Scheme`] names a version ordering; [`compare`] orders two versions under it and fails on a
//! version the scheme cannot read (never panics). Each ordering is a total order except
//! [`Scheme::Alpm`], which copies pacman's `vercmp` (a missing `pkgrel` equals any `pkgrel`).
//!
//! ```
//! use std::cmp::Ordering;
//! use medsbom_versions::compare::{Scheme, compare};
//!
//! assert_eq!(compare(Scheme::Pypi, "1.0rc1", "1.0").unwrap(), Ordering::Less);
//! assert_eq!(compare(Scheme::Debian, "1:0.9", "2.0").unwrap(), Ordering::Greater);
//! assert_eq!(Scheme::from_osv_ecosystem("Debian:12"), Some(Scheme::Debian));
//! assert!(compare(Scheme::Semver, "1.x", "1.0.0").is_err());
//! ```

mod alpine;
mod conan;
mod debian;
mod gem;
mod generic;
mod gentoo;
mod maven;
mod nuget;
mod rpm;
pub(crate) mod semver;

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A version ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// SemVer 2.0 precedence (npm, crates.io, Hex, Pub, Swift…); accepts a leading `v`,
    /// `1.0` for `1.0.0` and leading zeros.
    Semver,
    /// Go module versions: SemVer with the usual `v` prefix; pseudo-versions are pre-releases.
    Golang,
    /// PEP 440 (PyPI), via `pep440_rs`.
    Pypi,
    /// Maven `ComparableVersion`.
    Maven,
    /// Debian `dpkg` ordering (also Ubuntu and opam).
    Debian,
    /// RPM `rpmvercmp` on `[epoch:]version[-release]` (Red Hat, SUSE, AlmaLinux…).
    Rpm,
    /// Alpine `apk` ordering (also Wolfi and Chainguard).
    Alpine,
    /// Arch Linux `vercmp` (alpm).
    Alpm,
    /// RubyGems `Gem::Version`.
    Gem,
    /// NuGet versions (up to four numbers, case-insensitive pre-release labels).
    Nuget,
    /// Gentoo ebuild versions (PMS).
    Gentoo,
    /// Conan 2 versions (ConanCenter).
    Conan,
    /// OpenSSL versions (`1.0.2zh`).
    Openssl,
    /// Dot-separated integers (vers `intdot`; Hackage).
    Intdot,
    /// RFC 3339 timestamps (vers `datetime`), compared as instants.
    Datetime,
    /// Byte order of the UTF-8 strings (vers `lexicographic`).
    Lexicographic,
    /// A best-effort ordering for anything else: digit runs numerically, letter runs
    /// case-insensitively and below numbers, separators ignored.
    Generic,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 17] = [
        Scheme::Semver,
        Scheme::Golang,
        Scheme::Pypi,
        Scheme::Maven,
        Scheme::Debian,
        Scheme::Rpm,
        Scheme::Alpine,
        Scheme::Alpm,
        Scheme::Gem,
        Scheme::Nuget,
        Scheme::Gentoo,
        Scheme::Conan,
        Scheme::Openssl,
        Scheme::Intdot,
        Scheme::Datetime,
        Scheme::Lexicographic,
        Scheme::Generic,
    ];

    /// The vers scheme name of this ordering (`semver`, `pypi`, `deb`, `apk`…).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Semver => "semver",
            Scheme::Golang => "golang",
            Scheme::Pypi => "pypi",
            Scheme::Maven => "maven",
            Scheme::Debian => "deb",
            Scheme::Rpm => "rpm",
            Scheme::Alpine => "apk",
            Scheme::Alpm => "alpm",
            Scheme::Gem => "gem",
            Scheme::Nuget => "nuget",
            Scheme::Gentoo => "gentoo",
            Scheme::Conan => "conan",
            Scheme::Openssl => "openssl",
            Scheme::Intdot => "intdot",
            Scheme::Datetime => "datetime",
            Scheme::Lexicographic => "lexicographic",
            Scheme::Generic => "generic",
        }
    }

    /// The ordering for a purl type (`npm`, `pypi`, `deb`…), or `None` for types whose
    /// versions are not ordered (docker tags, OCI digests, git commits…).
    #[must_use]
    pub fn from_purl_type(purl_type: &str) -> Option<Scheme> {
        let res = match purl_type.to_ascii_lowercase().as_str() {
            "npm" | "cargo" | "hex" | "pub" | "swift" | "bitnami" | "julia"
            | "vscode-extension" => Scheme::Semver,
            "golang" => Scheme::Golang,
            "pypi" => Scheme::Pypi,
            "maven" => Scheme::Maven,
            "deb" | "opam" => Scheme::Debian,
            "rpm" => Scheme::Rpm,
            "apk" => Scheme::Alpine,
            "alpm" => Scheme::Alpm,
            "gem" => Scheme::Gem,
            "nuget" => Scheme::Nuget,
            "conan" => Scheme::Conan,
            "hackage" => Scheme::Intdot,
            "composer" | "cran" | "generic" | "cocoapods" | "conda" | "cpan" | "luarocks"
            | "brew" | "bazel" | "vcpkg" | "yocto" | "otp" | "qpkg" => Scheme::Generic,
            _ => return None,
        };
        Some(res)
    }

    /// The ordering for a vers scheme (`vers:<scheme>/…`): the purl types plus `semver`,
    /// `intdot`, `datetime`, `lexicographic`, `generic`, `gentoo`, `openssl`, `nginx`.
    #[must_use]
    pub fn from_vers_scheme(vers_scheme: &str) -> Option<Scheme> {
        let res = match vers_scheme.to_ascii_lowercase().as_str() {
            "semver" => Scheme::Semver,
            "intdot" => Scheme::Intdot,
            "datetime" => Scheme::Datetime,
            "lexicographic" => Scheme::Lexicographic,
            "generic" => Scheme::Generic,
            "gentoo" | "ebuild" => Scheme::Gentoo,
            "openssl" => Scheme::Openssl,
            "nginx" => Scheme::Semver,
            "alpine" => Scheme::Alpine,
            "debian" => Scheme::Debian,
            "golang" | "go" => Scheme::Golang,
            other => return Scheme::from_purl_type(other),
        };
        Some(res)
    }

    /// The ordering for an OSV `affected[].package.ecosystem` (`PyPI`, `npm`, `crates.io`,
    /// `Go`, `Maven`, `Debian:12`, `Alpine:v3.18`, `RubyGems`, `NuGet`, `Packagist`, `Hex`,
    /// `Pub`…). A `:<release>` suffix is ignored. Returns `None` for unknown ecosystems and
    /// for ecosystems without a usable ordering (Android, GitHub Actions…).
    #[must_use]
    pub fn from_osv_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem
            .split_once(':')
            .map_or(ecosystem, |(base, _)| base);
        let res = match base {
            "npm" | "crates.io" | "Hex" | "Pub" | "SwiftURL" | "Bitnami" | "Julia" | "VSCode" => {
                Scheme::Semver
            }
            "Go" | "Kubernetes" => Scheme::Golang,
            "PyPI" => Scheme::Pypi,
            "Maven" => Scheme::Maven,
            "NuGet" => Scheme::Nuget,
            "RubyGems" => Scheme::Gem,
            "Debian" | "Ubuntu" | "opam" => Scheme::Debian,
            "Alpine"
            | "Wolfi"
            | "Chainguard"
            | "MinimOS"
            | "Alpaquita"
            | "BellSoft Hardened Containers" => Scheme::Alpine,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" | "Photon OS" | "Azure Linux" => Scheme::Rpm,
            "ConanCenter" => Scheme::Conan,
            "Hackage" => Scheme::Intdot,
            "Packagist" | "CRAN" | "Bioconductor" | "GHC" | "Linux" | "FreeBSD" => Scheme::Generic,
            _ => return None,
        };
        Some(res)
    }

    /// Checks that `version` is a valid version of this scheme.
    pub fn validate(self, version: &str) -> Result<(), Error> {
        let res = match self {
            Scheme::Semver | Scheme::Golang => semver::parse(version).map(|_| ()),
            Scheme::Pypi => parse_pep440(version).map(|_| ()),
            Scheme::Maven | Scheme::Conan | Scheme::Lexicographic => {
                if version.is_empty() {
                    Err("empty version")
                } else {
                    Ok(())
                }
            }
            Scheme::Debian => debian::parse(version).map(|_| ()),
            Scheme::Rpm | Scheme::Alpm => rpm::parse_evr(version).map(|_| ()),
            Scheme::Alpine => alpine::validate(version),
            Scheme::Gem => gem::validate(version),
            Scheme::Nuget => nuget::parse(version).map(|_| ()),
            Scheme::Gentoo => gentoo::parse(version).map(|_| ()),
            Scheme::Openssl => generic::validate_openssl(version),
            Scheme::Intdot => generic::validate_intdot(version),
            Scheme::Datetime => generic::parse_datetime(version).map(|_| ()),
            Scheme::Generic => generic::validate_generic(version),
        };
        res.map_err(|reason| Error::version(self.as_str(), version, reason))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = Error;

    /// Parses a vers scheme name (see [`Scheme::from_vers_scheme`]).
    fn from_str(s: &str) -> Result<Scheme, Error> {
        Scheme::from_vers_scheme(s).ok_or_else(|| Error::UnknownScheme(s.to_owned()))
    }
}

/// Orders two versions under `scheme`; an unreadable version is an error.
///
/// SemVer, Go, Debian, RPM, alpm, Alpine, NuGet, Gentoo and the generic schemes compare
/// without allocating.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, Error> {
    let invalid = |version: &str, reason| Error::version(scheme.as_str(), version, reason);
    let res = match scheme {
        Scheme::Semver | Scheme::Golang => {
            let x = semver::parse(a).map_err(|reason| invalid(a, reason))?;
            let y = semver::parse(b).map_err(|reason| invalid(b, reason))?;
            semver::cmp(&x, &y)
        }
        Scheme::Pypi => {
            let x = parse_pep440(a).map_err(|reason| invalid(a, reason))?;
            let y = parse_pep440(b).map_err(|reason| invalid(b, reason))?;
            x.cmp(&y)
        }
        Scheme::Debian => {
            let x = debian::parse(a).map_err(|reason| invalid(a, reason))?;
            let y = debian::parse(b).map_err(|reason| invalid(b, reason))?;
            debian::cmp(&x, &y)
        }
        Scheme::Rpm | Scheme::Alpm => {
            let x = rpm::parse_evr(a).map_err(|reason| invalid(a, reason))?;
            let y = rpm::parse_evr(b).map_err(|reason| invalid(b, reason))?;
            if scheme == Scheme::Rpm {
                rpm::cmp_rpm(&x, &y)
            } else {
                rpm::cmp_alpm(&x, &y)
            }
        }
        Scheme::Nuget => {
            let x = nuget::parse(a).map_err(|reason| invalid(a, reason))?;
            let y = nuget::parse(b).map_err(|reason| invalid(b, reason))?;
            nuget::cmp(&x, &y)
        }
        Scheme::Gentoo => {
            let x = gentoo::parse(a).map_err(|reason| invalid(a, reason))?;
            let y = gentoo::parse(b).map_err(|reason| invalid(b, reason))?;
            gentoo::cmp(&x, &y)
        }
        Scheme::Datetime => {
            let x = generic::parse_datetime(a).map_err(|reason| invalid(a, reason))?;
            let y = generic::parse_datetime(b).map_err(|reason| invalid(b, reason))?;
            x.cmp(&y)
        }
        _ => {
            scheme.validate(a)?;
            scheme.validate(b)?;
            match scheme {
                Scheme::Maven => maven::cmp(a, b),
                Scheme::Alpine => alpine::cmp(a, b),
                Scheme::Gem => gem::cmp(a, b),
                Scheme::Conan => conan::cmp(a, b),
                Scheme::Openssl => generic::cmp_openssl(a, b),
                Scheme::Intdot => generic::cmp_intdot(a, b),
                Scheme::Lexicographic => a.cmp(b),
                _ => generic::cmp_generic(a, b),
            }
        }
    };
    Ok(res)
}

fn parse_pep440(version: &str) -> Result<pep440_rs::Version, &'static str> {
    pep440_rs::Version::from_str(version).map_err(|_| "not a PEP 440 version")
}

/// Compares two strings of ASCII digits as non-negative integers of any length.
pub(crate) fn digits_cmp(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}
