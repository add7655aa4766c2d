//! OSV range evaluation on real advisories from `vuln/osv/*.jsonl.gz` (crates.io, Go, PyPI,
//! npm), asserted exactly at the boundaries: introduced, just below it, fixed, just below
//! it, last_affected and the version after it. Also synthetic cases for `limit`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};

use medsbom_versions::compare::Scheme;
use medsbom_versions::osv::{OsvEvent, OsvRange, OsvRangeKind, OsvVerdict, osv_affected};
use serde_json::Value;

use OsvVerdict::{Affected, NotAffected, Unevaluable};

/// Reads the records with the given ids from one gzip JSON-lines file.
fn load_records(file: &str, ids: &[&str]) -> Option<BTreeMap<String, Value>> {
    let path = medsbom_testkit::corpus_path(&format!("vuln/osv/{file}"))?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display())),
    ));
    let mut res = BTreeMap::new();
    for line in reader.lines() {
        let line = line.unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let record: Value =
            serde_json::from_str(&line).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let id = record["id"].as_str().unwrap_or_default().to_owned();
        if ids.contains(&id.as_str()) {
            res.insert(id, record);
        }
    }
    assert_eq!(res.len(), ids.len(), "{file}: some records were not found");
    Some(res)
}

fn ranges_of(affected: &Value) -> Vec<OsvRange> {
    let mut res = Vec::new();
    for range in affected["ranges"].as_array().into_iter().flatten() {
        let kind = OsvRangeKind::from_osv_str(range["type"].as_str().unwrap_or_default())
            .unwrap_or_else(|| panic!("unknown range type in {range}"));
        let mut events = Vec::new();
        for event in range["events"].as_array().into_iter().flatten() {
            let Some(object) = event.as_object() else {
                panic!("event {event} is not an object")
            };
            for (key, version) in object {
                let event = OsvEvent::from_osv_key(key, version.as_str().unwrap_or_default());
                events.push(event.unwrap_or_else(|| panic!("unknown event key {key}")));
            }
        }
        res.push(OsvRange { kind, events });
    }
    res
}

/// Evaluates `IsVulnerable` for one package of a record at each version.
fn check(record: &Value, package: &str, cases: &[(&str, OsvVerdict)]) {
    let id = record["id"].as_str().unwrap_or_default();
    let entries: Vec<&Value> = record["affected"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|affected| affected["package"]["name"].as_str() == Some(package))
        .collect();
    assert!(!entries.is_empty(), "{id}: no affected entry for {package}");
    for (version, expected) in cases {
        let mut verdict = NotAffected;
        for affected in &entries {
            let ecosystem = affected["package"]["ecosystem"]
                .as_str()
                .unwrap_or_default();
            let scheme = Scheme::from_osv_ecosystem(ecosystem)
                .unwrap_or_else(|| panic!("{id}: ecosystem {ecosystem}"));
            let versions: Vec<String> = affected["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|version| version.as_str().map(str::to_owned))
                .collect();
            let this = osv_affected(scheme, version, &ranges_of(affected), &versions)
                .unwrap_or_else(|err| panic!("{id} {package} {version}: {err}"));
            verdict = match (verdict, this) {
                (Affected, _) | (_, Affected) => Affected,
                (Unevaluable, _) | (_, Unevaluable) => Unevaluable,
                _ => NotAffected,
            };
        }
        assert_eq!(verdict, *expected, "{id} {package} at {version}");
    }
}

#[test]
fn rustsec_crates_io_semver_ranges() {
    let ids = [
        "RUSTSEC-2020-0146",
        "RUSTSEC-2021-0135",
        "RUSTSEC-2022-0016",
    ];
    let Some(records) = load_records("rustsec.osv.jsonl.gz", &ids) else {
        return;
    };
    // Six disjoint ranges, [0.8.0, 0.8.4) … [0.13.0, 0.13.3).
    check(
        &records["RUSTSEC-2020-0146"],
        "generic-array",
        &[
            ("0.7.9", NotAffected),
            ("0.8.0", Affected),
            ("0.8.3", Affected),
            ("0.8.4", NotAffected),
            ("0.8.5", NotAffected),
            ("0.9.0", Affected),
            ("0.9.1", NotAffected),
            ("0.12.3", Affected),
            ("0.12.4", NotAffected),
            ("0.13.2", Affected),
            ("0.13.3", NotAffected),
            ("0.14.0", NotAffected),
        ],
    );
    // introduced "0.0.0-0": every release, pre-releases included.
    check(
        &records["RUSTSEC-2021-0135"],
        "tower-http",
        &[
            ("0.0.0-alpha", Affected),
            ("0.0.0", Affected),
            ("0.1.2", Affected),
            ("0.1.3", NotAffected),
            ("0.2.0-alpha.1", NotAffected),
            ("0.2.0", Affected),
            ("0.2.1", NotAffected),
            ("0.3.0", NotAffected),
        ],
    );
    check(
        &records["RUSTSEC-2022-0016"],
        "wasmtime",
        &[
            ("0.33.9", NotAffected),
            ("0.34.0", Affected),
            ("0.34.1", Affected),
            ("0.34.2", NotAffected),
            ("0.34.99", NotAffected),
            ("0.35.0", Affected),
            ("0.35.1", Affected),
            ("0.35.2", NotAffected),
            ("0.36.0", NotAffected),
        ],
    );
}

#[test]
fn go_vulndb_semver_ranges() {
    let ids = ["GO-2022-0532", "GO-2023-1849", "GO-2024-3306"];
    let Some(records) = load_records("go-vulndb.osv.jsonl.gz", &ids) else {
        return;
    };
    // introduced "0", then a second branch introduced at the pre-release "1.18.0-0".
    check(
        &records["GO-2022-0532"],
        "stdlib",
        &[
            ("1.0.0", Affected),
            ("1.17.10", Affected),
            ("v1.17.10", Affected),
            ("1.17.11", NotAffected),
            ("1.17.12", NotAffected),
            ("1.18.0-0", Affected),
            ("1.18.0-rc1", Affected),
            ("1.18.0", Affected),
            ("1.18.2", Affected),
            ("1.18.3", NotAffected),
            ("1.19.0", NotAffected),
        ],
    );
    check(
        &records["GO-2023-1849"],
        "github.com/hashicorp/vault",
        &[
            ("v0.0.0-20200101000000-abcdefabcdef", Affected),
            ("1.11.10", Affected),
            ("1.11.11", NotAffected),
            ("1.11.12", NotAffected),
            ("1.12.0", Affected),
            ("1.12.6", Affected),
            ("1.12.7", NotAffected),
            ("1.13.2", Affected),
            ("1.13.3", NotAffected),
            ("1.14.0", NotAffected),
        ],
    );
    check(
        &records["GO-2024-3306"],
        "vitess.io/vitess",
        &[
            ("0.19.7", Affected),
            ("0.19.8", NotAffected),
            ("0.20.0", Affected),
            ("0.20.3", Affected),
            ("0.20.4", NotAffected),
            ("0.21.0", Affected),
            ("0.21.1", NotAffected),
            ("0.22.0", NotAffected),
        ],
    );
}

#[test]
fn pysec_pypi_ecosystem_and_git_ranges() {
    let ids = [
        "PYSEC-2017-4",
        "PYSEC-2021-193",
        "PYSEC-2021-280",
        "PYSEC-2022-111",
    ];
    let Some(records) = load_records("pypa-pysec.osv.jsonl.gz", &ids) else {
        return;
    };
    // Events out of order in the record ([2.4.0.0, 2.4.1.0) written before [2.3.0.0, 2.3.3.0)).
    check(
        &records["PYSEC-2017-4"],
        "ansible",
        &[
            ("2.2.9", NotAffected),
            ("2.3.0", Affected),
            ("2.3.0.0", Affected),
            ("2.3.2", Affected),
            ("2.3.3", NotAffected),
            ("2.3.9", NotAffected),
            ("2.4.0", Affected),
            ("2.4.0.1", Affected),
            ("2.4.1", NotAffected),
            ("2.5.0", NotAffected),
        ],
    );
    // A GIT range next to the ECOSYSTEM one: outside the latter is "unevaluable", not "safe".
    check(
        &records["PYSEC-2021-280"],
        "tensorflow",
        &[
            ("2.2.0", Unevaluable),
            ("2.3.0", Affected),
            ("2.3.3", Affected),
            ("2.3.4", Unevaluable),
            ("2.4.0", Affected),
            ("2.4.2", Affected),
            ("2.4.3", Unevaluable),
        ],
    );
    // fixed at a release candidate: 2.2.0rc0 and later pre-releases are outside.
    check(
        &records["PYSEC-2021-193"],
        "tensorflow",
        &[
            ("2.1.4", Affected),
            ("2.2.0rc0", Unevaluable),
            ("2.2.0rc1", Unevaluable),
            ("2.2.0", Affected),
            ("2.2.3", Affected),
            ("2.3.0rc0", Unevaluable),
            ("2.3.0", Affected),
            ("2.3.3", Affected),
            ("2.3.4", Unevaluable),
            ("2.4.2", Affected),
            ("2.4.3", Unevaluable),
        ],
    );
    check(
        &records["PYSEC-2022-111"],
        "tensorflow-gpu",
        &[
            ("2.5.2", Affected),
            ("2.5.3", Unevaluable),
            ("2.6.0", Affected),
            ("2.6.2", Affected),
            ("2.6.3", Unevaluable),
            ("2.7.0", Unevaluable),
        ],
    );
}

#[test]
fn ghsa_npm_ecosystem_ranges() {
    let ids = [
        "GHSA-3h5v-q93c-6h6q",
        "GHSA-29mw-wpgm-hmr9",
        "GHSA-r683-j2x4-v87g",
        "GHSA-qw6h-vgh9-j6wx",
    ];
    let Some(records) = load_records("ghsa-npm-sample.osv.jsonl.gz", &ids) else {
        return;
    };
    // One affected entry per branch.
    check(
        &records["GHSA-3h5v-q93c-6h6q"],
        "ws",
        &[
            ("2.0.9", NotAffected),
            ("2.1.0", Affected),
            ("5.2.3", Affected),
            ("5.2.4", NotAffected),
            ("5.9.9", NotAffected),
            ("6.0.0", Affected),
            ("6.2.2", Affected),
            ("6.2.3", NotAffected),
            ("7.5.9", Affected),
            ("7.5.10", NotAffected),
            ("8.17.0", Affected),
            ("8.17.1", NotAffected),
        ],
    );
    // last_affected: the version itself is affected, the next one is not.
    check(
        &records["GHSA-29mw-wpgm-hmr9"],
        "lodash.trim",
        &[
            ("0.0.1", Affected),
            ("4.5.1", Affected),
            ("4.5.2", NotAffected),
            ("4.6.0", NotAffected),
        ],
    );
    check(
        &records["GHSA-29mw-wpgm-hmr9"],
        "lodash",
        &[("4.17.20", Affected), ("4.17.21", NotAffected)],
    );
    // Real-data quirk: introduced "1.0" (not strict SemVer), overlapping a [0, 2.6.7) range.
    check(
        &records["GHSA-r683-j2x4-v87g"],
        "node-fetch",
        &[
            ("0.9.0", Affected),
            ("1.0.0", Affected),
            ("2.6.7", Affected),
            ("3.1.0", Affected),
            ("3.1.1", NotAffected),
        ],
    );
    // A pre-release branch.
    check(
        &records["GHSA-qw6h-vgh9-j6wx"],
        "express",
        &[
            ("4.19.2", Affected),
            ("4.20.0", NotAffected),
            ("4.21.0", NotAffected),
            ("5.0.0-alpha.0", NotAffected),
            ("5.0.0-alpha.1", Affected),
            ("5.0.0-beta.3", Affected),
            ("5.0.0", NotAffected),
        ],
    );
}

fn range(kind: OsvRangeKind, events: &[(&str, &str)]) -> OsvRange {
    let events = events
        .iter()
        .map(|(key, version)| {
            OsvEvent::from_osv_key(key, version).unwrap_or_else(|| panic!("bad key {key}"))
        })
        .collect();
    OsvRange { kind, events }
}

fn verdict(scheme: Scheme, version: &str, ranges: &[OsvRange]) -> OsvVerdict {
    osv_affected(scheme, version, ranges, &[]).unwrap_or_else(|err| panic!("{version}: {err}"))
}

#[test]
fn limit_events_and_adjacent_ranges() {
    let limited = [range(
        OsvRangeKind::Ecosystem,
        &[("introduced", "1.0"), ("limit", "2.0"), ("limit", "3.0")],
    )];
    assert_eq!(verdict(Scheme::Pypi, "0.9", &limited), NotAffected);
    assert_eq!(verdict(Scheme::Pypi, "1.0", &limited), Affected);
    assert_eq!(verdict(Scheme::Pypi, "2.5", &limited), Affected);
    assert_eq!(verdict(Scheme::Pypi, "3.0", &limited), NotAffected);
    let infinite = [range(
        OsvRangeKind::Ecosystem,
        &[("introduced", "0"), ("limit", "*")],
    )];
    assert_eq!(verdict(Scheme::Pypi, "99", &infinite), Affected);
    // Adjacent ranges written in order: the shared boundary stays affected.
    let adjacent = [range(
        OsvRangeKind::Semver,
        &[
            ("introduced", "1.0.0"),
            ("fixed", "2.0.0"),
            ("introduced", "2.0.0"),
            ("fixed", "3.0.0"),
        ],
    )];
    assert_eq!(verdict(Scheme::Semver, "2.0.0", &adjacent), Affected);
    assert_eq!(verdict(Scheme::Semver, "3.0.0", &adjacent), NotAffected);
    // introduced and fixed at the same version: nothing is affected.
    let empty = [range(
        OsvRangeKind::Semver,
        &[("introduced", "1.0.0"), ("fixed", "1.0.0")],
    )];
    assert_eq!(verdict(Scheme::Semver, "1.0.0", &empty), NotAffected);
    // The versions list is matched by exact string, whatever the ranges say.
    let listed = osv_affected(Scheme::Pypi, "1.0.post1", &[], &["1.0.post1".to_owned()]);
    assert_eq!(listed, Ok(Affected));
    // An unreadable version is an error, not a panic and not a silent "no".
    assert!(osv_affected(Scheme::Semver, "not-a-version", &adjacent, &[]).is_err());
    assert!(
        osv_affected(
            Scheme::Semver,
            "1.0.0",
            &[range(OsvRangeKind::Semver, &[("fixed", "x.y")])],
            &[]
        )
        .is_err()
    );
}
