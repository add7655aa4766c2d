//! Version ordering: hand-written cases for the schemes the vers suites do not cover
//! (Debian, RPM, SemVer, Go, PyPI, RubyGems, generic), the ecosystem mappings, and a
//! fixed-seed property test that each ordering is a total order over real versions.

use std::cmp::Ordering;
use std::cmp::Ordering::{Equal, Greater, Less};

use medsbom_versions::compare::{Scheme, compare};

fn check(scheme: Scheme, a: &str, b: &str, expected: Ordering) {
    let res = compare(scheme, a, b).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(res, expected, "{scheme}: {a} vs {b}");
    let reverse = compare(scheme, b, a).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(reverse, expected.reverse(), "{scheme}: {b} vs {a}");
}

fn check_invalid(scheme: Scheme, version: &str) {
    assert!(
        compare(scheme, version, version).is_err(),
        "{scheme}: {version:?} should be rejected"
    );
    assert!(
        scheme.validate(version).is_err(),
        "{scheme}: {version:?} should not validate"
    );
}

#[test]
fn debian() {
    let d = Scheme::Debian;
    check(d, "1.0", "1.0", Equal);
    check(d, "1.0", "1.0-0", Equal);
    check(d, "0:1.0", "1.0", Equal);
    check(d, "1.0", "1.00", Equal);
    check(d, "1.0-1", "1.0-2", Less);
    check(d, "1:0.9", "2.0", Greater);
    check(d, "2:1.0", "10:0.1", Less);
    check(d, "1.0~rc1", "1.0", Less);
    check(d, "1.0~rc1", "1.0~rc2", Less);
    check(d, "1.0~~", "1.0~~a", Less);
    check(d, "1.0~~a", "1.0~", Less);
    check(d, "1.0~", "1.0", Less);
    check(d, "1.0", "1.0a", Less);
    check(d, "1.0a", "1.0+", Less);
    check(d, "1.0+dfsg", "1.0", Greater);
    check(d, "1.0-1", "1.0-1+b1", Less);
    check(d, "1.0-1", "1.0-1ubuntu1", Less);
    check(d, "7.88.1-10+deb12u5", "7.88.1-10+deb12u12", Less);
    check(d, "2.30-1", "2.30-1+deb12u1", Less);
    check(d, "1.1.1n-0+deb11u5", "1.1.1n-0+deb11u4", Greater);
    check(d, "5.24.1-3+deb9u7", "5.24.1-3+deb9u10", Less);
    check(d, "1.2.3-4-5", "1.2.3-4-6", Less);
    check(d, "1.0.0-1", "1.0-1", Greater);
    check(d, "238.pgdg90+1", "238", Greater);
    check(
        d,
        "99999999999999999999999",
        "100000000000000000000000",
        Less,
    );
    check_invalid(d, "");
    check_invalid(d, "a:1.0");
    check_invalid(d, "1.0-");
    check_invalid(d, "1.0 beta");
    check_invalid(d, ":1.0");
}

#[test]
fn rpm() {
    let r = Scheme::Rpm;
    // From rpm's own rpmvercmp test cases.
    for (a, b, expected) in [
        ("1.0", "1.0", Equal),
        ("1.0", "2.0", Less),
        ("2.0.1", "2.0", Greater),
        ("2.0.1a", "2.0.1", Greater),
        ("5.5p1", "5.5p2", Less),
        ("5.5p10", "5.5p1", Greater),
        ("10xyz", "10.1xyz", Less),
        ("xyz10", "xyz10.1", Less),
        ("xyz.4", "8", Less),
        ("xyz.4", "2", Less),
        ("5.5p2", "5.6p1", Less),
        ("6.0.rc1", "6.0", Greater),
        ("10b2", "10a1", Greater),
        ("10a2", "10b2", Less),
        ("1.0a", "1.0aa", Less),
        ("10.0001", "10.1", Equal),
        ("10.0001", "10.0039", Less),
        ("4.999.9", "5.0", Less),
        ("20101121", "20101122", Less),
        ("2_0", "2.0", Equal),
        ("a+", "a_", Equal),
        ("1.0~rc1", "1.0", Less),
        ("1.0~rc1", "1.0~rc2", Less),
        ("1.0~rc1~git123", "1.0~rc1", Less),
        ("1.0^", "1.0", Greater),
        ("1.0^git1", "1.0", Greater),
        ("1.0^git1", "1.0^git2", Less),
        ("1.0^git1", "1.01", Less),
        ("1.0^20160101", "1.0.1", Less),
        ("1.0^20160102", "1.0^20160101^git1", Greater),
        ("1.0~rc1^git1", "1.0~rc1", Greater),
        ("1.0^git1~pre", "1.0^git1", Less),
    ] {
        check(r, a, b, expected);
    }
    // Epoch and release.
    check(r, "1:1.0-1", "2.0-1", Greater);
    check(r, "0:1.2.3-4.el8", "1.2.3-4.el8", Equal);
    check(r, "1.2.3-4.el8", "1.2.3-10.el8", Less);
    check(r, "1.2.3-4.el8_9.1", "1.2.3-4.el8", Greater);
    check(r, "1.0", "1.0-1", Less);
    check_invalid(r, "");
    check_invalid(r, "1.0 -1");
}

#[test]
fn semver_and_go() {
    let s = Scheme::Semver;
    check(s, "1.0.0", "1.0.0", Equal);
    check(s, "1.0.0-alpha", "1.0.0", Less);
    // The SemVer 2.0 precedence example chain.
    let chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "2.0.0",
        "2.1.0",
        "2.1.1",
    ];
    for pair in chain.windows(2) {
        if let [a, b] = pair {
            check(s, a, b, Less);
        }
    }
    check(s, "1.0.0+build.1", "1.0.0+build.2", Equal);
    check(s, "1.0", "1.0.0", Equal);
    check(s, "v1.2.3", "1.2.3", Equal);
    check(s, "1.2.3", "1.10.0", Less);
    check(s, "0.0.0-0", "0.0.0", Less);
    check(
        s,
        "18446744073709551616.0.0",
        "18446744073709551615.0.0",
        Greater,
    );
    let g = Scheme::Golang;
    check(
        g,
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-abcdefabcdef",
        Less,
    );
    check(g, "v0.0.0-20191109021931-daa7c04131f5", "v0.1.0", Less);
    check(g, "v1.5.0+incompatible", "v1.5.0", Equal);
    check(g, "v1.18.0-rc1", "v1.18.0", Less);
    check_invalid(s, "");
    check_invalid(s, "1.x");
    check_invalid(s, "1.2.3.4");
    check_invalid(s, "1.2.3-");
    check_invalid(s, "1.2.3-a..b");
    check_invalid(s, "latest");
}

#[test]
fn pypi() {
    let p = Scheme::Pypi;
    let chain = [
        "1.0.dev0",
        "1.0a1",
        "1.0a2.dev1",
        "1.0a2",
        "1.0b1",
        "1.0rc1",
        "1.0",
        "1.0.post1",
        "1.1",
        "1!0.1",
    ];
    for pair in chain.windows(2) {
        if let [a, b] = pair {
            check(p, a, b, Less);
        }
    }
    check(p, "1.0", "1.0.0", Equal);
    check(p, "1.0RC1", "1.0rc1", Equal);
    check(p, "v1.0", "1.0", Equal);
    check(p, "2.3.0.0", "2.3", Equal);
    check(p, "1.0+local.1", "1.0", Greater);
    check_invalid(p, "");
    check_invalid(p, "not a version");
    check_invalid(p, "1.0-beta-x-y");
}

#[test]
fn gem() {
    let g = Scheme::Gem;
    check(g, "1.0", "1.0.0", Equal);
    check(g, "1.0.a", "1.0", Less);
    check(g, "1.0.0.pre1", "1.0.0", Less);
    check(g, "1.0.b1", "1.0.a2", Greater);
    check(g, "1.0-beta", "1.0.pre.beta", Equal);
    check(g, "2.0.8", "2.1", Less);
    check(g, "1.10", "1.9", Greater);
    check_invalid(g, "");
    check_invalid(g, "a.1");
    check_invalid(g, "1..2");
}

#[test]
fn generic_and_intdot() {
    let g = Scheme::Generic;
    check(g, "1.0", "1", Equal);
    check(g, "1.0rc1", "1.0", Less);
    check(g, "1.0rc1", "1.0.1", Less);
    check(g, "v2.1", "2.1", Equal);
    check(g, "1.10", "1.9", Greater);
    check(g, "2023-01-01", "2023-1-2", Less);
    check(g, "RC1", "rc1", Equal);
    // Qualifiers: pre-release words and a/b/c/m before a number sort below the release;
    // other letters (OpenSSL's patch letters, p1, u202, sp1) after it.
    check(g, "1.1.1k", "1.1.1", Greater);
    check(g, "1.1.1k", "1.1.1l", Less);
    check(g, "1.1.1", "1.1.1l", Less);
    check(g, "1.0.2zh", "1.0.2a", Greater);
    check(g, "1.0.2a", "1.0.3", Less);
    check(g, "4.2.8p15", "4.2.8", Greater);
    check(g, "4.2.8p15", "4.2.9", Less);
    check(g, "8u202", "8", Greater);
    check(g, "1.0a1", "1.0", Less);
    check(g, "1.0a1", "1.0alpha1", Equal);
    check(g, "1.0b2", "1.0rc1", Less);
    check(g, "1.0-alpha", "1.0-beta", Less);
    check(g, "1.0-SNAPSHOT", "1.0", Less);
    check(g, "1.0-dev", "1.0", Less);
    check(g, "1.0.final", "1.0", Equal);
    check(g, "1.0-sp1", "1.0", Greater);
    check(g, "1.0-sp1", "1.0.1", Less);
    check_invalid(g, "");
    check_invalid(g, "...");
    let i = Scheme::Intdot;
    check(i, "1.2", "1.2.0", Equal);
    check(i, "1.10", "1.9", Greater);
    check_invalid(i, "1.a");
    check_invalid(i, "1..2");
}

#[test]
fn scheme_mappings() {
    for (ecosystem, scheme) in [
        ("PyPI", Scheme::Pypi),
        ("npm", Scheme::Semver),
        ("crates.io", Scheme::Semver),
        ("Go", Scheme::Golang),
        ("Maven", Scheme::Maven),
        ("Maven:https://maven.google.com", Scheme::Maven),
        ("Debian:12", Scheme::Debian),
        ("Ubuntu:22.04:LTS", Scheme::Debian),
        ("Alpine:v3.18", Scheme::Alpine),
        ("RubyGems", Scheme::Gem),
        ("NuGet", Scheme::Nuget),
        ("Packagist", Scheme::Generic),
        ("Hex", Scheme::Semver),
        ("Pub", Scheme::Semver),
        ("Red Hat:enterprise_linux:8::appstream", Scheme::Rpm),
        ("ConanCenter", Scheme::Conan),
    ] {
        assert_eq!(
            Scheme::from_osv_ecosystem(ecosystem),
            Some(scheme),
            "{ecosystem}"
        );
    }
    assert_eq!(Scheme::from_osv_ecosystem("GIT"), None);
    assert_eq!(
        Scheme::from_osv_ecosystem("pypi"),
        None,
        "OSV ecosystem names are case sensitive"
    );
    for (purl_type, scheme) in [
        ("npm", Scheme::Semver),
        ("cargo", Scheme::Semver),
        ("golang", Scheme::Golang),
        ("pypi", Scheme::Pypi),
        ("maven", Scheme::Maven),
        ("deb", Scheme::Debian),
        ("rpm", Scheme::Rpm),
        ("apk", Scheme::Alpine),
        ("gem", Scheme::Gem),
        ("nuget", Scheme::Nuget),
    ] {
        assert_eq!(
            Scheme::from_purl_type(purl_type),
            Some(scheme),
            "{purl_type}"
        );
    }
    assert_eq!(Scheme::from_purl_type("docker"), None);
    for scheme in Scheme::ALL {
        assert_eq!(
            Scheme::from_vers_scheme(scheme.as_str()),
            Some(scheme),
            "{scheme}"
        );
        assert_eq!(scheme.as_str().parse::<Scheme>(), Ok(scheme));
    }
    assert!("tomee".parse::<Scheme>().is_err());
}

/// A small fixed-seed xorshift generator: the same pseudo-random sequence on every run.
struct Rng(u64);

impl Rng {
    fn next_index(&mut self, len: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % u64::try_from(len).unwrap_or(1)).unwrap_or(0)
    }
}

/// Checks reflexivity, antisymmetry and transitivity on random triples of `versions`.
fn check_total_order(scheme: Scheme, versions: &[String]) {
    assert!(
        10 <= versions.len(),
        "{scheme}: too few versions ({})",
        versions.len()
    );
    for version in versions {
        assert_eq!(
            compare(scheme, version, version),
            Ok(Equal),
            "{scheme}: {version} is not equal to itself"
        );
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cmp = |a: &str, b: &str| compare(scheme, a, b).unwrap_or_else(|err| panic!("{err}"));
    for _ in 0..20_000 {
        let a = &versions[rng.next_index(versions.len())];
        let b = &versions[rng.next_index(versions.len())];
        let c = &versions[rng.next_index(versions.len())];
        let ab = cmp(a, b);
        assert_eq!(
            cmp(b, a),
            ab.reverse(),
            "{scheme}: antisymmetry fails for {a} and {b}"
        );
        let bc = cmp(b, c);
        if ab != Greater && bc != Greater {
            let ac = cmp(a, c);
            assert_ne!(ac, Greater, "{scheme}: {a} <= {b} <= {c} but {a} > {c}");
            if ab == Equal && bc == Equal {
                assert_eq!(ac, Equal, "{scheme}: {a} = {b} = {c} but {a} != {c}");
            }
        }
    }
    // Sorting must then give a sequence in which every neighbour pair is ordered.
    let mut sorted = versions.to_vec();
    sorted.sort_by(|a, b| cmp(a, b));
    for pair in sorted.windows(2) {
        if let [a, b] = pair {
            assert_ne!(cmp(a, b), Greater, "{scheme}: sort left {a} before {b}");
        }
    }
}

fn json_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| json_strings(item, out)),
        _ => {}
    }
}

/// The versions of one scheme in the vers comparison suites.
fn vers_suite_versions(file: &str) -> Vec<String> {
    let Some(path) = medsbom_testkit::corpus_path(&format!("versions/vers-spec/tests/{file}"))
    else {
        return Vec::new();
    };
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let mut res = Vec::new();
    for case in doc["tests"].as_array().into_iter().flatten() {
        json_strings(&case["input"]["versions"], &mut res);
    }
    res.sort();
    res.dedup();
    res
}

/// Every event version and listed version of the records in one OSV file.
fn osv_versions(file: &str) -> Vec<String> {
    use std::io::BufRead;
    let Some(path) = medsbom_testkit::corpus_path(&format!("vuln/osv/{file}")) else {
        return Vec::new();
    };
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display())),
    ));
    let mut res = Vec::new();
    for line in reader.lines() {
        let line = line.unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let record: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}"));
        for affected in record["affected"].as_array().into_iter().flatten() {
            json_strings(&affected["versions"], &mut res);
            for range in affected["ranges"].as_array().into_iter().flatten() {
                if range["type"] == "GIT" {
                    continue;
                }
                for event in range["events"].as_array().into_iter().flatten() {
                    for version in event
                        .as_object()
                        .into_iter()
                        .flat_map(|object| object.values())
                    {
                        json_strings(version, &mut res);
                    }
                }
            }
        }
    }
    res.retain(|version| version != "0");
    res.sort();
    res.dedup();
    res
}

#[test]
fn orderings_are_total_on_real_versions() {
    let suites = [
        (Scheme::Maven, "maven_version_cmp_test.json"),
        (Scheme::Alpine, "alpine_version_cmp_test.json"),
        (Scheme::Nuget, "nuget_version_cmp_test.json"),
        (Scheme::Gentoo, "gentoo_version_cmp_test.json"),
        (Scheme::Conan, "conan_version_cmp_test.json"),
        (Scheme::Openssl, "openssl_version_cmp_test.json"),
        (Scheme::Lexicographic, "lexicographic-test.json"),
    ];
    for (scheme, file) in suites {
        let versions = vers_suite_versions(file);
        if versions.is_empty() {
            return;
        }
        check_total_order(scheme, &versions);
    }
    for (scheme, file) in [
        (Scheme::Semver, "rustsec.osv.jsonl.gz"),
        (Scheme::Semver, "ghsa-npm-sample.osv.jsonl.gz"),
        (Scheme::Golang, "go-vulndb.osv.jsonl.gz"),
        (Scheme::Pypi, "pypa-pysec.osv.jsonl.gz"),
    ] {
        let mut versions = osv_versions(file);
        // A few PyPI records list versions that are not PEP 440; they are not ordered at all.
        versions.retain(|version| scheme.validate(version).is_ok());
        check_total_order(scheme, &versions);
    }
    let debian: Vec<String> = [
        "1.0",
        "1.0-0",
        "0:1.0",
        "1.0-1",
        "1.0-1+b1",
        "1.0-1ubuntu1",
        "1.0~rc1",
        "1.0~~",
        "1.0~",
        "1.0a",
        "1.0+dfsg",
        "1:0.9",
        "2:0.1",
        "7.88.1-10+deb12u5",
        "7.88.1-10+deb12u12",
        "2.30-1",
        "2.30-1+deb12u1",
        "1.1.1n-0+deb11u5",
        "238.pgdg90+1",
        "5.24.1-3+deb9u7",
        "2.1.18-8~deb9u4",
        "1.2.3-4-5",
        "9.6.24-0+deb9u1",
    ]
    .iter()
    .map(|version| (*version).to_owned())
    .collect();
    check_total_order(Scheme::Debian, &debian);
    let rpm: Vec<String> = [
        "1.0",
        "2.0",
        "2.0.1",
        "2.0.1a",
        "5.5p1",
        "5.5p10",
        "10xyz",
        "10.1xyz",
        "1.0~rc1",
        "1.0~rc2",
        "1.0^git1",
        "1.0^git2",
        "1.01",
        "1.0.1",
        "1:1.0-1",
        "1.2.3-4.el8",
        "1.2.3-10.el8",
        "0:1.2.3-4.el8",
        "1.0-1",
        "6.0.rc1",
    ]
    .iter()
    .map(|version| (*version).to_owned())
    .collect();
    check_total_order(Scheme::Rpm, &rpm);
}

/// Garbage never panics: every scheme answers with an ordering or an error.
#[test]
fn hostile_versions_do_not_panic() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> = "0123456789.-_+~^:!*abzAZ%| \u{e9}\u{1F600}\\"
        .chars()
        .collect();
    let mut inputs: Vec<String> = vec![
        String::new(),
        "9".repeat(10_000),
        ".".repeat(10_000),
        "-".repeat(10_000),
        "1.".repeat(5_000),
        "a1".repeat(5_000),
        "\u{0}".to_owned(),
        "1:".to_owned(),
        "~".to_owned(),
        "^".to_owned(),
        "-r".to_owned(),
        "_alpha".to_owned(),
        "1.0-+".to_owned(),
        "T".to_owned(),
        "2024-13-45T99:99:99Z".to_owned(),
    ];
    for _ in 0..2_000 {
        let len = rng.next_index(12);
        inputs.push(
            (0..len)
                .map(|_| alphabet[rng.next_index(alphabet.len())])
                .collect(),
        );
    }
    for scheme in Scheme::ALL {
        for (idx, a) in inputs.iter().enumerate() {
            let b = &inputs[(idx * 7 + 3) % inputs.len()];
            let _ = compare(scheme, a, b);
            let _ = scheme.validate(a);
        }
    }
}
