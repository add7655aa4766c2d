//! Package identity and version logic for medsbom: which package a component is, and
//! whether one of its versions falls inside a range.
//!
//! - [`purl`]: package URLs, parsed and normalized per the purl specification and the
//!   registered type definitions; `Display` is the canonical form and
//!   [`purl::Purl::package_key`] identifies a package across versions.
//! - [`cpe`]: CPE 2.3 formatted strings and CPE 2.2 URIs, and NISTIR 7696 name matching.
//! - [`compare`]: [`compare::Scheme`], one version ordering per ecosystem (SemVer, Go,
//!   PEP 440, Maven, Debian, RPM, Alpine, alpm, RubyGems, NuGet, Gentoo, Conan, OpenSSL…),
//!   and [`compare::compare`].
//! - [`vers`]: `vers:` version ranges (strict and lenient parsing, containment, conversion
//!   from npm, PyPI, RubyGems and NuGet range syntax).
//! - [`osv`]: OSV `affected[]` evaluation and the purl → OSV ecosystem and name mapping.
//!
//! The crate does no I/O: it takes strings and returns values or an [`Error`]. Unreadable
//! input is an error, never a panic.
//!
//! ```
//! use medsbom_versions::compare::Scheme;
//! use medsbom_versions::osv::{self, OsvEvent, OsvRange, OsvRangeKind, OsvVerdict};
//! use medsbom_versions::purl::Purl;
//! use medsbom_versions::vers::VersionRange;
//!
//! let purl = Purl::parse("pkg:deb/debian/curl@7.88.1-10+deb12u5?distro=bookworm").unwrap();
//! let ecosystem = osv::osv_ecosystem_for_purl(&purl).unwrap();
//! assert_eq!(ecosystem, "Debian:12");
//! let scheme = Scheme::from_osv_ecosystem(&ecosystem).unwrap();
//!
//! // An OSV record: introduced at 7.74.0-1, fixed in 7.88.1-10+deb12u7.
//! let ranges = [OsvRange {
//!     kind: OsvRangeKind::Ecosystem,
//!     events: vec![
//!         OsvEvent::Introduced("7.74.0-1".to_owned()),
//!         OsvEvent::Fixed("7.88.1-10+deb12u7".to_owned()),
//!     ],
//! }];
//! let version = purl.version().unwrap();
//! let verdict = osv::osv_affected(scheme, version, &ranges, &[]).unwrap();
//! assert_eq!(verdict, OsvVerdict::Affected);
//!
//! // The same question as a vers range.
//! let range = VersionRange::parse("vers:deb/>=7.74.0-1|<7.88.1-10+deb12u7").unwrap();
//! assert!(range.contains(version).unwrap());
//! ```
#![deny(missing_docs)]

pub mod compare;
pub mod cpe;
mod encoding;
pub mod osv;
pub mod purl;
pub mod vers;

/// Everything that can go wrong while parsing identifiers, versions and ranges.
///
/// Every variant names the offending input, so a message is useful without extra context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A package URL that does not follow the purl specification.
    #[error("invalid purl {input:?}: {reason}")]
    InvalidPurl {
        /// The purl as given (or the components, for a purl being built).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A CPE name that is neither a CPE 2.3 formatted string nor a CPE 2.2 URI.
    #[error("invalid CPE {input:?}: {reason}")]
    InvalidCpe {
        /// The CPE name as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A version string that the version scheme cannot order.
    #[error("invalid {scheme} version {version:?}: {reason}")]
    InvalidVersion {
        /// The version scheme name, such as `pypi` or `deb`.
        scheme: &'static str,
        /// The version as given.
        version: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A name that is not a known version scheme or OSV ecosystem.
    #[error("unknown version scheme {0:?}")]
    UnknownScheme(String),
    /// A `vers:` version range that does not follow the vers specification.
    #[error("invalid vers {input:?}: {reason}")]
    InvalidVers {
        /// The range as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An ecosystem-native range (npm, PyPI, RubyGems, NuGet…) that cannot be converted.
    #[error("invalid native {scheme} range {range:?}: {reason}")]
    InvalidNativeRange {
        /// The version scheme name.
        scheme: &'static str,
        /// The native range as given.
        range: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl Error {
    pub(crate) fn version(scheme: &'static str, version: &str, reason: &'static str) -> Error {
        Error::InvalidVersion {
            scheme,
            version: version.to_owned(),
            reason,
        }
    }
}
