//! Every purl in the corpus SBOMs parses, printing it and parsing it again is stable, and its
//! version orders under the purl type's scheme; plus hand-written parsing cases and the
//! mapping from purls to OSV ecosystems and package names.

use std::collections::BTreeMap;

use medsbom_versions::compare::Scheme;
use medsbom_versions::osv::{
    alpine_release, debian_release, osv_ecosystem_for_purl, osv_package_name, pep503_normalize,
    ubuntu_release,
};
use medsbom_versions::purl::Purl;

fn purl(input: &str) -> Purl {
    Purl::parse(input).unwrap_or_else(|err| panic!("{err}"))
}

/// Extracts purl-looking strings from a JSON or XML document (they end at a quote or `<`).
fn purls_in(text: &str) -> Vec<String> {
    let mut res = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("pkg:") {
        let candidate = rest.get(start..).unwrap_or("");
        // Skip "pkg:" inside other tokens, such as "cpe:2.3:a:dpkg:dpkg:…".
        let inside_token = rest
            .get(..start)
            .and_then(|before| before.chars().last())
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == ':');
        let end = candidate
            .find(['"', '<', '\'', ' ', '\n', '\r', '\t'])
            .unwrap_or(candidate.len());
        if !inside_token {
            res.push(candidate.get(..end).unwrap_or("").replace("&amp;", "&"));
        }
        rest = candidate.get(4..).unwrap_or("");
    }
    res
}

#[test]
fn corpus_purls_parse_and_round_trip() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom") else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|path| {
        path.extension()
            .is_some_and(|ext| ext == "json" || ext == "xml" || ext == "spdx")
    });
    let mut n_purls = 0;
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut n_versions_ordered = 0;
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // `bad-purls.cdx.xml` holds deliberately broken purls.
        let expect_errors = path
            .file_name()
            .is_some_and(|name| name == "bad-purls.cdx.xml");
        for candidate in purls_in(&text) {
            match Purl::parse(&candidate) {
                Ok(parsed) => {
                    n_purls += 1;
                    *per_type.entry(parsed.ty().to_owned()).or_default() += 1;
                    let printed = parsed.to_string();
                    match Purl::parse(&printed) {
                        Ok(again) if again == parsed && again.to_string() == printed => {}
                        _ => failures.push(format!(
                            "{candidate}: printed {printed}, which does not parse back the same"
                        )),
                    }
                    if let (Some(scheme), Some(version)) =
                        (Scheme::from_purl_type(parsed.ty()), parsed.version())
                        && scheme.validate(version).is_ok()
                    {
                        n_versions_ordered += 1;
                    }
                }
                Err(err) if !expect_errors && !candidate.contains("${") => {
                    failures.push(format!("{}: {err}", path.display()));
                }
                Err(_) => {}
            }
        }
    }
    eprintln!(
        "corpus purls: {n_purls} parsed {per_type:?}; {n_versions_ordered} versions valid for their scheme"
    );
    assert!(
        30_000 < n_purls,
        "expected tens of thousands of purls, found {n_purls}"
    );
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_cases() {
    let p = purl("pkg:npm/%40angular/animation@12.3.1");
    assert_eq!(
        (p.ty(), p.namespace(), p.name(), p.version()),
        ("npm", Some("@angular"), "animation", Some("12.3.1"))
    );
    assert_eq!(p.package_key(), "pkg:npm/%40angular/animation");
    assert_eq!(
        p.without_version().to_string(),
        "pkg:npm/%40angular/animation"
    );

    let deb = purl("pkg:deb/Debian/CURL@7.68.0-1?Distro=bookworm&arch=amd64&empty=");
    assert_eq!(
        deb.to_string(),
        "pkg:deb/debian/curl@7.68.0-1?arch=amd64&distro=bookworm"
    );
    assert_eq!(
        (deb.distro(), deb.arch(), deb.qualifier("empty")),
        (Some("bookworm"), Some("amd64"), None)
    );

    let maven = purl(
        "pkg://maven/org.apache.commons/io@1.3.4?repository_url=https://repo.example/m2#/sub//dir/./",
    );
    assert_eq!(maven.repository_url(), Some("https://repo.example/m2"));
    assert_eq!(maven.subpath(), Some("sub/dir"));
    assert_eq!(
        maven.to_string(),
        "pkg:maven/org.apache.commons/io@1.3.4?repository_url=https:%2F%2Frepo.example%2Fm2#sub/dir"
    );

    assert_eq!(purl("pkg:pypi/Django_Allauth@0.1").name(), "django-allauth");
    assert_eq!(
        purl("pkg:golang/github.com/Azure/go-autorest@v14.2.0").namespace(),
        Some("github.com/Azure")
    );
    assert_eq!(
        purl("pkg:generic/a%20b@1.0%2B2").to_string(),
        "pkg:generic/a%20b@1.0%2B2"
    );
    assert_eq!(purl("pkg:generic/caf%C3%A9").name(), "caf\u{e9}");

    for invalid in [
        "",
        "pkg:",
        "pkg:npm",
        "pkg:npm/",
        "npm/foo@1.0",
        "pkg:1npm/foo",
        "pkg:npm/foo?bad key=1",
        "pkg:npm/foo?a=1&a=2",
        "pkg:npm/foo?novalue",
        "pkg:npm/foo@1.0%ZZ",
        "pkg:npm/foo%FF",
        "pkg:cargo/ns/foo",
        "pkg:maven/foo@1.0",
        "pkg:julia/Dates",
    ] {
        assert!(
            Purl::parse(invalid).is_err(),
            "{invalid:?} should be rejected"
        );
    }
}

#[test]
fn osv_ecosystems_and_names() {
    for (input, ecosystem, name) in [
        ("pkg:pypi/Django_Allauth@0.1", "PyPI", "django-allauth"),
        ("pkg:npm/%40babel/core@7.0.0", "npm", "@babel/core"),
        ("pkg:npm/lodash@4.17.20", "npm", "lodash"),
        ("pkg:cargo/tower-http@0.1.2", "crates.io", "tower-http"),
        (
            "pkg:golang/github.com/hashicorp/vault@v1.12.0",
            "Go",
            "github.com/hashicorp/vault",
        ),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            "Maven",
            "org.apache.logging.log4j:log4j-core",
        ),
        ("pkg:gem/rails@7.0.0", "RubyGems", "rails"),
        (
            "pkg:nuget/Newtonsoft.Json@13.0.1",
            "NuGet",
            "Newtonsoft.Json",
        ),
        (
            "pkg:composer/laravel/framework@9.0.0",
            "Packagist",
            "laravel/framework",
        ),
        ("pkg:hex/phoenix@1.7.0", "Hex", "phoenix"),
        ("pkg:pub/http@1.0.0", "Pub", "http"),
        (
            "pkg:deb/debian/curl@7.68?distro=debian-12",
            "Debian:12",
            "curl",
        ),
        (
            "pkg:deb/debian/curl@7.68?distro=bookworm",
            "Debian:12",
            "curl",
        ),
        (
            "pkg:deb/debian/curl@7.68?distro=debian-9.13",
            "Debian:9",
            "curl",
        ),
        ("pkg:deb/debian/curl@7.68?distro=sid", "Debian:sid", "curl"),
        ("pkg:deb/debian/curl@7.68", "Debian", "curl"),
        (
            "pkg:deb/ubuntu/curl@7.68?distro=ubuntu-22.04",
            "Ubuntu:22.04:LTS",
            "curl",
        ),
        (
            "pkg:deb/ubuntu/curl@7.68?distro=mantic",
            "Ubuntu:23.10",
            "curl",
        ),
        (
            "pkg:apk/alpine/zlib@1.2.13-r0?distro=3.18",
            "Alpine:v3.18",
            "zlib",
        ),
        (
            "pkg:apk/alpine/zlib@1.2.13-r0?distro=alpine-3.18.4",
            "Alpine:v3.18",
            "zlib",
        ),
        (
            "pkg:apk/alpine/zlib@1.2.13-r0?distro=v3.16",
            "Alpine:v3.16",
            "zlib",
        ),
        ("pkg:apk/wolfi/glibc@2.38-r0", "Wolfi", "glibc"),
        (
            "pkg:rpm/almalinux/openssl@3.0.7-1.el9?distro=almalinux-9.3",
            "AlmaLinux:9",
            "openssl",
        ),
        ("pkg:rpm/redhat/openssl@3.0.7-1.el9", "Red Hat", "openssl"),
    ] {
        let parsed = purl(input);
        assert_eq!(
            osv_ecosystem_for_purl(&parsed).as_deref(),
            Some(ecosystem),
            "{input}"
        );
        assert_eq!(osv_package_name(&parsed), name, "{input}");
        assert!(
            Scheme::from_osv_ecosystem(ecosystem).is_some(),
            "{ecosystem} has no scheme"
        );
    }
    assert_eq!(
        osv_ecosystem_for_purl(&purl("pkg:docker/library/nginx@1.25")),
        None
    );
    assert_eq!(
        osv_ecosystem_for_purl(&purl("pkg:rpm/fedora/curl@7.50.3-1.fc25")),
        None
    );
    assert_eq!(debian_release("Debian-11"), Some("11"));
    assert_eq!(debian_release("woody"), Some("3.0"));
    assert_eq!(debian_release("13.1"), Some("13"));
    assert_eq!(debian_release("ubuntu-22.04"), None);
    assert_eq!(ubuntu_release("noble").as_deref(), Some("24.04:LTS"));
    assert_eq!(ubuntu_release("22.10").as_deref(), Some("22.10"));
    assert_eq!(ubuntu_release("bookworm"), None);
    assert_eq!(alpine_release("edge").as_deref(), Some("edge"));
    assert_eq!(alpine_release("3"), None);
    assert_eq!(pep503_normalize("Foo.Bar__baz-qux"), "foo-bar-baz-qux");
}
