//! Hand-written `vers` cases: strict and lenient parsing, validation, simplification,
//! containment and native range conversion beyond the vers-spec suites.

use medsbom_versions::vers::VersionRange;

fn range(input: &str) -> VersionRange {
    VersionRange::parse_lenient(input).unwrap_or_else(|err| panic!("{err}"))
}

/// Checks containment of each version: `(version, inside)`.
fn check_contains(range: &VersionRange, cases: &[(&str, bool)]) {
    for (version, expected) in cases {
        let inside = range
            .contains(version)
            .unwrap_or_else(|err| panic!("{range} {version}: {err}"));
        assert_eq!(inside, *expected, "{version} in {range}");
    }
}

fn check_native(scheme: &str, native: &str, expected: &str) {
    let converted = VersionRange::from_native(scheme, native).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(converted.to_string(), expected, "{scheme} {native}");
}

#[test]
fn strict_parsing() {
    for valid in [
        "vers:npm/>=1.0.0|<2.0.0",
        "vers:npm/1.2.3|>=2.0.0|<5.0.0",
        "vers:pypi/*",
        "vers:all/*",
        "vers:deb/>=1:1.0-1|<1:1.0-3",
        "vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7",
        "vers:gem/>=2.2.0|!=2.2.1|<2.3.0",
        "vers:npm/!=1.0.0|!=1.1.0",
    ] {
        let parsed = VersionRange::parse(valid).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            parsed.to_string(),
            valid,
            "canonical input prints unchanged"
        );
    }
    for invalid in [
        "vers:npm/",
        "VERS:npm/1.0.0",
        "vers:NPM/1.0.0",
        "vers:npm/=1.0.0",
        "vers:npm/*|1.0.0",
        "vers:npm/1.0.0|1.0.0",
        "vers:npm/>=1.0.0|>=1.5.0",
        "vers:npm/<1.0.0|<2.0.0",
        "vers:npm/1.0.0|<2.0.0",
        "vers:npm/>=2.0.0|<1.0.0",
        "vers:npm/1.x",
        "vers:tomee/1.0",
        "vers:all/1.0",
        "vers:npm/1.0.0%7c",
        "vers:npm/1.0.0%2E0",
        "npm/1.0.0",
    ] {
        assert!(
            VersionRange::parse(invalid).is_err(),
            "{invalid} should be rejected"
        );
    }
}

#[test]
fn lenient_parsing_and_simplification() {
    let messy = range("VERS:npm/ <2.0.0 | >=1.0.0 || =1.5.0 |");
    assert_eq!(messy.to_string(), "vers:npm/>=1.0.0|1.5.0|<2.0.0");
    assert!(
        messy.validate().is_err(),
        "an equality inside an interval is redundant"
    );
    assert_eq!(messy.simplify().to_string(), "vers:npm/>=1.0.0|<2.0.0");
    assert!(messy.simplify().validate().is_ok());

    let overlapping = range("vers:semver/>=1.0.0|>=1.5.0|<2.0.0|<3.0.0|!=2.5.0");
    assert_eq!(
        overlapping.simplify().to_string(),
        "vers:semver/>=1.0.0|!=2.5.0|<3.0.0"
    );
    check_contains(
        &overlapping,
        &[
            ("0.9.0", false),
            ("1.0.0", true),
            ("2.2.0", true),
            ("2.5.0", false),
            ("3.0.0", false),
        ],
    );

    // Versions that need encoding are printed percent-encoded.
    let encoded = range("vers:generic/1.0%7Cbeta");
    assert_eq!(
        encoded.constraints().first().map(|c| c.version.as_str()),
        Some("1.0|beta")
    );
    assert_eq!(encoded.to_string(), "vers:generic/1.0%7Cbeta");
    assert!(VersionRange::parse_lenient("vers:npm/>=1.0.0|*").is_err());
    assert!(VersionRange::parse_lenient("vers:npm/1.0%G1").is_err());
}

#[test]
fn containment() {
    let npm = range("vers:npm/1.2.3|>=2.0.0|<5.0.0");
    check_contains(
        &npm,
        &[
            ("1.2.2", false),
            ("1.2.3", true),
            ("1.9.9", false),
            ("2.0.0", true),
            ("4.9.9", true),
            ("5.0.0-rc.1", true),
            ("5.0.0", false),
        ],
    );
    let below = range("vers:deb/<=1:2.0-1");
    check_contains(
        &below,
        &[
            ("1:2.0-1", true),
            ("1:1.0", true),
            ("2.9", true),
            ("1:2.0-1+b1", false),
        ],
    );
    let above = range("vers:pypi/>1.0");
    check_contains(
        &above,
        &[
            ("1.0", false),
            ("1.0.0", false),
            ("1.0.post1", true),
            ("1.1rc1", true),
        ],
    );
    let tomee = range(
        "vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0-M1|<=8.0.1",
    );
    check_contains(
        &tomee,
        &[
            ("1.0.0-alpha", false),
            ("1.0.0-beta1", true),
            ("1.7.5", true),
            ("1.7.6", false),
            ("7.0.0-M2", true),
            ("7.0.8", false),
            ("7.1.1", true),
            ("8.0.0", true),
            ("8.0.2", false),
        ],
    );
    check_contains(&range("vers:alpm/*"), &[("1.0-1", true)]);
    check_contains(&range("vers:none/*"), &[("1.0", false)]);
    check_contains(
        &range("vers:pypi/!=5|!=6"),
        &[("4", true), ("5.0", false), ("6", false), ("7", true)],
    );
    check_contains(
        &range("vers:npm/<1.0.0|>2.0.0"),
        &[
            ("0.9.0", true),
            ("1.0.0", false),
            ("2.0.0", false),
            ("2.0.1", true),
        ],
    );
    assert!(range("vers:npm/>=1.0.0").contains("not-a-version").is_err());
}

#[test]
fn native_ranges() {
    check_native("npm", "^1.2.3", "vers:npm/>=1.2.3|<2.0.0");
    check_native("npm", "~1.2", "vers:npm/>=1.2.0|<1.3.0");
    check_native("npm", "^0.0.3", "vers:npm/>=0.0.3|<0.0.4");
    check_native(
        "npm",
        "1.x || >=2.5.0 <3",
        "vers:npm/>=1.0.0|<2.0.0|>=2.5.0|<3.0.0",
    );
    check_native("npm", "1.2 - 2.3", "vers:npm/>=1.2.0|<2.4.0");
    check_native("npm", "", "vers:npm/*");
    check_native("pypi", "~=1.4.2", "vers:pypi/>=1.4.2|<1.5");
    check_native("pypi", "~=2.2", "vers:pypi/>=2.2|<3");
    check_native("pypi", "==1.2.*", "vers:pypi/>=1.2.dev0|<1.3.dev0");
    check_native("pypi", ">=1.0, !=1.5, <2.0", "vers:pypi/>=1.0|!=1.5|<2.0");
    check_native("pypi", "===1.0", "vers:pypi/1.0");
    check_native("gem", "~> 2", "vers:gem/>=2|<3");
    check_native("gem", ">= 1.0, < 2", "vers:gem/>=1.0|<2");
    check_native("gem", "= 1.2.3", "vers:gem/1.2.3");
    check_native("nuget", "1.0", "vers:nuget/>=1.0");
    check_native("nuget", "[1.0]", "vers:nuget/1.0");
    check_native("nuget", "(,1.0]", "vers:nuget/<=1.0");
    check_native("nuget", "(1.0,)", "vers:nuget/>1.0");
    check_native("nuget", "(1.0, 2.0)", "vers:nuget/>1.0|<2.0");
    for (scheme, invalid) in [
        ("npm", ">="),
        ("npm", "1.2.3.4"),
        ("npm", "abc"),
        ("pypi", "~=1"),
        ("pypi", "!=1.*"),
        ("pypi", ">="),
        ("gem", "~> x"),
        ("nuget", "[1.0"),
        ("nuget", "(1.0)"),
        ("cargo", "^1.0"),
    ] {
        assert!(
            VersionRange::from_native(scheme, invalid).is_err(),
            "{scheme} {invalid:?} should be rejected"
        );
    }
    // A flattened npm union still answers like the union.
    let union = VersionRange::from_native("npm", "^1.0.0 || ^1.5.0 || >=3.0.0 <3.1.0")
        .unwrap_or_else(|err| panic!("{err}"));
    check_contains(
        &union,
        &[
            ("1.7.0", true),
            ("2.0.0", false),
            ("3.0.5", true),
            ("3.1.0", false),
        ],
    );
}
