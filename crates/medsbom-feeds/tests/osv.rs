//! OSV: every record of the corpus OSV files, the osv-schema test data (valid and broken),
//! and small hand-written hostile records.

mod common;

use medsbom_feeds::advisory::{AffectedPackage, Event, RangeKind, SeverityKind, SourceKind};
use medsbom_feeds::{FeedKind, Position};

/// (file, records, withdrawn records, ids of records with a non-distinct range warning)
const OSV_FILES: [(&str, usize, usize, &[&str]); 5] = [
    ("go-vulndb.osv.jsonl", 4291, 17, &[]),
    (
        "rustsec.osv.jsonl",
        1206,
        13,
        &[
            "RUSTSEC-2022-0012",
            "RUSTSEC-2023-0039",
            "RUSTSEC-2024-0399",
            "RUSTSEC-2026-0149",
        ],
    ),
    (
        "pypa-pysec.osv.jsonl",
        2661,
        10,
        &["PYSEC-2022-42972", "PYSEC-2022-236", "PYSEC-2023-72"],
    ),
    ("ghsa-npm-sample.osv.jsonl", 30, 0, &[]),
    ("psf.osv.jsonl", 132, 0, &[]),
];

#[test]
fn every_corpus_osv_record_reads() {
    let Some(dir) = medsbom_testkit::corpus_path("vuln/osv") else {
        return;
    };
    let files = common::read_path(&dir);
    for (file_name, n_records, n_withdrawn, nondistinct) in OSV_FILES {
        let Some(file) = files.iter().find(|file| file.name.ends_with(file_name)) else {
            panic!("{file_name} not found in {}", dir.display());
        };
        assert_eq!(file.kind, Some(FeedKind::Osv), "{file_name}");
        assert_eq!(file.summary.n_records, n_records, "{file_name}");
        assert_eq!(
            file.summary.n_errors, 0,
            "{file_name}: {:?}",
            file.summary.errors
        );
        // The only findings: ranges whose events repeat a version (real data; kept).
        let warned: Vec<&str> = file
            .summary
            .warnings
            .iter()
            .map(|warning| {
                assert!(
                    warning.cause.contains("events are not distinct"),
                    "{file_name}: {warning}"
                );
                warning.id.as_deref().unwrap_or_default()
            })
            .collect();
        assert_eq!(warned, nondistinct, "{file_name}");
        let advisories = common::advisories(&file.records);
        assert_eq!(advisories.len(), n_records);
        let withdrawn = advisories
            .iter()
            .filter(|advisory| advisory.withdrawn.is_some())
            .count();
        assert_eq!(withdrawn, n_withdrawn, "{file_name}");
        for advisory in &advisories {
            assert_eq!(advisory.source.kind, SourceKind::Osv);
            let modified = advisory.modified.as_ref().and_then(|m| m.instant());
            assert!(modified.is_some(), "{}", advisory.id);
            for severity in &advisory.severity {
                // Every CVSS vector in the corpus scores.
                assert!(severity.base_score.is_some(), "{}", advisory.id);
            }
        }
    }
}

#[test]
fn go_record_fields() {
    let Some(path) = medsbom_testkit::corpus_path("vuln/osv/go-vulndb.osv.jsonl.gz") else {
        return;
    };
    let file = common::read_one(&path, FeedKind::Osv);
    let advisories = common::advisories(&file.records);
    let Some(go) = advisories.iter().find(|a| a.id == "GO-2020-0001") else {
        panic!("GO-2020-0001 missing");
    };
    assert_eq!(go.source.database, "GO");
    assert_eq!(go.aliases, ["CVE-2020-36567", "GHSA-6vm3-jj99-7229"]);
    assert_eq!(
        go.modified.as_ref().map(|m| m.text()),
        Some("0001-01-01T00:00:00Z")
    );
    assert_eq!(
        go.published
            .as_ref()
            .and_then(|p| p.instant())
            .map(|i| i.to_string())
            .as_deref(),
        Some("2021-04-14T20:04:52Z")
    );
    let [AffectedPackage::Package(package)] = go.affected.as_slice() else {
        panic!("one package expected: {:?}", go.affected);
    };
    let osv_package = package
        .package
        .as_ref()
        .map(|p| (p.ecosystem.as_str(), p.name.as_str()));
    assert_eq!(osv_package, Some(("Go", "github.com/gin-gonic/gin")));
    assert_eq!(package.ranges.len(), 1);
    assert_eq!(package.ranges[0].kind, RangeKind::Semver);
    assert_eq!(
        package.ranges[0].events,
        [
            Event::Introduced("0".to_owned()),
            Event::Fixed("1.6.0".to_owned())
        ]
    );
    let imports = package.ecosystem_specific.as_deref().unwrap_or_default();
    assert!(imports.starts_with(r#"{"imports":[{"path":"github.com/gin-gonic/gin""#));
}

#[test]
fn rustsec_pysec_psf_and_ghsa_fields() {
    let Some(dir) = medsbom_testkit::corpus_path("vuln/osv") else {
        return;
    };
    let files = common::read_path(&dir);
    let all: Vec<_> = files
        .iter()
        .flat_map(|file| common::advisories(&file.records))
        .collect();
    let find = |id: &str| {
        all.iter()
            .find(|advisory| advisory.id == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };

    let rustsec = find("RUSTSEC-2016-0001");
    assert_eq!(rustsec.severity.len(), 1);
    assert_eq!(rustsec.severity[0].kind, SeverityKind::CvssV3);
    assert_eq!(rustsec.severity[0].base_score, Some(8.1));
    let AffectedPackage::Package(package) = &rustsec.affected[0] else {
        panic!("package expected");
    };
    assert_eq!(
        package.package.as_ref().and_then(|p| p.purl.as_deref()),
        Some("pkg:cargo/openssl")
    );
    assert_eq!(
        package.ranges[0].events[0],
        Event::Introduced("0.0.0-0".to_owned())
    );

    // PSF CPython advisories name no package, only Git ranges.
    let psf = find("PSF-2007-1");
    let AffectedPackage::Package(package) = &psf.affected[0] else {
        panic!("package expected");
    };
    assert_eq!(package.package, None);
    assert_eq!(package.ranges[0].kind, RangeKind::Git);
    assert_eq!(
        package.ranges[0].repo.as_deref(),
        Some("https://github.com/python/cpython")
    );

    let pysec = find("PYSEC-2021-335");
    let AffectedPackage::Package(package) = &pysec.affected[0] else {
        panic!("package expected");
    };
    assert_eq!(package.versions.len(), 5);
    assert_eq!(&package.versions[..3], ["4.0", "4.1", "4.2"]);
    let kinds: Vec<RangeKind> = package.ranges.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RangeKind::Git, RangeKind::Ecosystem]);

    let withdrawn = find("PYSEC-2022-43059");
    assert_eq!(
        withdrawn.withdrawn.as_ref().map(|w| w.text()),
        Some("2023-11-08T00:54:24Z")
    );
    // Fractional seconds compare correctly against whole seconds.
    assert!(
        withdrawn.withdrawn.as_ref().and_then(|w| w.instant())
            < withdrawn.modified.as_ref().and_then(|m| m.instant())
    );

    let ghsa = find("GHSA-cm22-4g7w-348p");
    assert_eq!(ghsa.cwes, ["CWE-79"]);
    let v4 = ghsa
        .severity
        .iter()
        .find(|s| s.kind == SeverityKind::CvssV4);
    assert!(
        v4.and_then(|s| s.base_score)
            .is_some_and(|s| (0.0..=10.0).contains(&s))
    );
    assert_eq!(ghsa.affected.len(), 2);
}

/// The osv-schema linter test data: the valid records read cleanly, the broken ones give
/// the cause. `nopackage-…` names a package that does not exist in PyPI ("Gradi0"): only a
/// registry lookup can tell, so offline it reads like its valid twin.
#[test]
fn osv_schema_linter_testdata() {
    let Some(dir) = medsbom_testkit::corpus_path("vuln/osv-schema-testdata/linter") else {
        return;
    };
    let clean = [
        "CVE-2018-5407.json",
        "CVE-2023-41045.json",
        "GHSA-9v2f-6vcg-3hgv.json",
        "GO-2020-0001.json",
        "GO-2024-2963.json",
        "MAL-2024-10238.json",
        "PYSEC-2023-74.json",
        "RHSA-2022_0216.json",
        "SUSE-FU-2022_0444-1.json",
        "nopackage-GHSA-9v2f-6vcg-3hgv.json",
    ];
    let files = common::read_path(&dir);
    let json_files: Vec<_> = files.iter().filter(|f| f.name.ends_with(".json")).collect();
    assert_eq!(json_files.len(), clean.len() + 2);
    for file in &json_files {
        assert_eq!(file.kind, Some(FeedKind::Osv), "{}", file.name);
        let base = file.name.rsplit('/').next().unwrap_or_default();
        if clean.contains(&base) {
            assert_eq!(file.summary.n_records, 1, "{base}");
            assert!(
                file.summary.errors.is_empty(),
                "{base}: {:?}",
                file.summary.errors
            );
            assert!(
                file.summary.warnings.is_empty(),
                "{base}: {:?}",
                file.summary.warnings
            );
        }
    }
    let by_name = |base: &str| {
        json_files
            .iter()
            .find(|f| f.name.ends_with(&format!("/{base}")))
            .unwrap_or_else(|| panic!("{base} missing"))
    };

    let nointroduced = by_name("nointroduced-CVE-2023-41045.json");
    assert_eq!(nointroduced.summary.n_records, 0);
    assert_eq!(
        nointroduced.summary.errors[0].to_string(),
        "document (CVE-2023-41045): affected[0]: range 0 has no introduced event"
    );

    // Kept, with a warning: the same finding appears in real PYSEC and RUSTSEC records.
    let nondistinct = by_name("nondistinct-CVE-2018-5407.json");
    assert_eq!(nondistinct.summary.n_records, 1);
    assert_eq!(
        nondistinct.summary.warnings[0].cause,
        "affected[6]: range 1 events are not distinct: \"e818b74be2170fbe957a07b0da4401c2b694b3b8\" appears more than once"
    );
    let advisory = common::advisories(&nondistinct.records)[0];
    let AffectedPackage::Package(package) = &advisory.affected[0] else {
        panic!("package expected");
    };
    assert_eq!(
        package.package.as_ref().map(|p| p.ecosystem.as_str()),
        Some("Alpine:v3.3")
    );
}

/// The GHSA converter test data: `*.osv.json` are OSV and read; the GitHub API inputs beside
/// them are not OSV: [`medsbom_feeds::detect`] rejects them and reading them as OSV says why.
#[test]
fn osv_schema_ghsa_convert_testdata() {
    let Some(dir) = medsbom_testkit::corpus_path("vuln/osv-schema-testdata/ghsa-convert") else {
        return;
    };
    let files = common::read_path(&dir);
    let mut n_osv = 0;
    let mut n_api = 0;
    for file in files.iter().filter(|f| f.name.ends_with(".json")) {
        if file.name.ends_with(".osv.json") {
            n_osv += 1;
            assert_eq!(file.kind, Some(FeedKind::Osv), "{}", file.name);
            assert_eq!(file.summary.n_records, 1, "{}", file.name);
            assert!(file.summary.errors.is_empty(), "{}", file.name);
        } else {
            n_api += 1;
            assert_eq!(file.kind, None, "{}", file.name);
            let bytes = std::fs::read(&file.name).unwrap_or_default();
            let (records, summary) = common::read_bytes(FeedKind::Osv, &file.name, &bytes);
            assert!(records.is_empty());
            assert_eq!(summary.errors[0].cause, "not an osv record: no id field");
        }
    }
    assert_eq!((n_osv, n_api), (11, 11));
    let withdrawn = files
        .iter()
        .find(|f| f.name.ends_with("withdrawn.osv.json"))
        .map(|f| common::advisories(&f.records)[0].withdrawn.clone());
    assert_eq!(
        withdrawn.flatten().map(|w| w.text().to_owned()).as_deref(),
        Some("2018-10-11T17:29:49Z")
    );
}

fn check_errors(text: &str, expect: &[&str]) {
    let (_, summary) = common::read_bytes(FeedKind::Osv, "test.jsonl", text.as_bytes());
    let got: Vec<String> = summary.errors.iter().map(ToString::to_string).collect();
    assert_eq!(got, expect, "{text}");
}

#[test]
fn broken_records_are_named_and_reading_goes_on() {
    check_errors(
        r#"{"id":"A-1","modified":"2024-01-01T00:00:00Z"}
{"id":"A-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}
{"id":"A-3","modified":"yesterday"}
{"id":"A-4","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"GIT","events":[{"introduced":"0"}]}]}]}
{"id":"A-5","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"y"},"ranges":[{"type":"RPM","events":[{"introduced":"0"}]}]}]}
{"id":"A-6","modified":"2024-01-01T00:00:00Z","aliases":"CVE-1"}
{"id":"A-7","modified":
{"modified":"2024-01-01T00:00:00Z"}

{"id":"A-9","modified":"2024-01-01T00:00:00Z","aliases":null,"severity":null,"affected":null}
{"id":"A-10","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{}]}]}]}
"#,
        &[
            "line 2 (A-2): npm package \"x\": range 0 event 0 must have exactly one of introduced, fixed, last_affected, limit",
            "line 3 (A-3): modified \"yesterday\" is not an rfc 3339 timestamp",
            "line 4 (A-4): affected[0]: git range 0 has no repo",
            "line 5 (A-5): PyPI package \"y\": range 0 has unknown type \"RPM\" (expected ECOSYSTEM, SEMVER or GIT)",
            "line 6 (A-6): invalid type: string \"CVE-1\", expected a sequence at line 1 column 63",
            "line 7: EOF while parsing a value at line 1 column 23",
            "line 8: not an osv record: no id field",
            "line 11 (A-10): npm package \"x\": range 0 event 0 must have exactly one of introduced, fixed, last_affected, limit",
        ],
    );
}

#[test]
fn hostile_input_never_panics() {
    let inputs: [&[u8]; 8] = [
        b"",
        b"   \n\n",
        b"\xff\xfe\x00garbage",
        b"{\"id\":\"\xff\xfe\",\"modified\":\"2024-01-01T00:00:00Z\"}",
        b"[{\"id\":\"A-1\",\"modified\":\"2024-01-01T00:00:00Z\"}, 3, \"x\"]",
        b"[1, 2",
        b"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[[[[[[[[[[[[]]]]]]]]]]]]}",
        b"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\"}{\"id\":\"B\"}",
    ];
    for input in inputs {
        let mut n = 0;
        let _ = medsbom_feeds::read(FeedKind::Osv, "hostile.json", input, &mut |_| n += 1);
        let _ = medsbom_feeds::detect("hostile.json", input);
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut n_records = 0;
    let res = medsbom_feeds::read(FeedKind::Osv, "deep.json", deep.as_bytes(), &mut |_| {
        n_records += 1
    });
    assert_eq!(n_records, 0);
    assert!(res.is_err() || res.is_ok_and(|summary| summary.n_errors == 1));
    assert_eq!(medsbom_feeds::detect("deep.json", deep.as_bytes()), None);
}

#[test]
fn json_array_positions_are_entries() {
    let (records, summary) = common::read_bytes(
        FeedKind::Osv,
        "array.json",
        br#"[{"id":"A-1","modified":"2024-01-01T00:00:00Z"}, 3]"#,
    );
    assert_eq!(records.len(), 1);
    assert_eq!(summary.errors[0].position, Position::Entry(1));
}
