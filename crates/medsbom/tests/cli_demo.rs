//! End to end on the project's own example data (`medsbom demo`), then the hospital's
//! questions through the commands themselves: `vulns`, `impact`, `assets show`,
//! `lifecycle alerts` and `scan-sbom`, with their JSON contracts. Needs no corpus.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const ORGANIZATION: &str = "St. Example Hospital";
const AS_OF: &str = "2026-11-23";

fn medsbom(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medsbom"))
        .args(args)
        .current_dir(cwd)
        .env("MEDSBOM_DB", cwd.join("medsbom-demo/medsbom.db"))
        .env("MEDSBOM_ORGANIZATION", ORGANIZATION)
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("the medsbom binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command, checks its exit status and parses its stdout as JSON.
fn json(args: &[&str], cwd: &Path, status: i32) -> Value {
    let output = medsbom(args, cwd);
    assert_eq!(
        output.status.code(),
        Some(status),
        "{args:?}\nstdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "{args:?}: stdout is not JSON ({err}): {}",
            text(&output.stdout)
        )
    })
}

fn str_field<'a>(value: &'a Value, key: &str) -> &'a str {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {key:?} in {value}"))
}

fn rows(value: &Value) -> &Vec<Value> {
    match value {
        Value::Array(rows) => rows,
        Value::Object(map) => map
            .get("rows")
            .or_else(|| map.get("findings"))
            .or_else(|| map.get("alerts"))
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("no list of rows in {value}")),
        _ => panic!("not a list: {value}"),
    }
}

#[test]
fn demo_then_the_hospitals_questions() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cwd = dir.path();
    let output = medsbom(&["demo", "--as-of", AS_OF], cwd);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    for expected in [
        "== 9. Which of our devices, where, are hit by CVE-2021-44228",
        "CT-0002",
        "14 devices imported, 0 rejected",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing from:\n{stdout}"
        );
    }

    // Every finding of the example portfolio, exactly: the vulnerable versions match, the
    // fixed ones (OpenSSL 3.0.13 against CVE-2023-0464, BusyBox 1.36.1 against
    // CVE-2022-48174, zlib 1.3.1 against CVE-2022-37434) do not.
    let findings = json(&["vulns", "--format", "json"], cwd, 0);
    let found: BTreeSet<(String, String, String)> = rows(&findings)
        .iter()
        .map(|f| {
            (
                format!(
                    "{} {}",
                    str_field(f, "product"),
                    str_field(f, "product_version")
                ),
                str_field(f, "component").to_owned(),
                str_field(f, "vulnerability_id").to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        ("CT Workstation 7.0", "log4j-core", "CVE-2021-44228"),
        ("CT Workstation 7.0", "zlib", "CVE-2022-37434"),
        ("CT Workstation 7.0", "axios", "CVE-2021-3749"),
        ("CT Workstation 7.0", "lodash", "CVE-2021-23337"),
        ("InfuStar 300 4.1.0", "zlib", "CVE-2022-37434"),
        ("InfuStar 300 4.1.0", "openssl", "CVE-2021-3711"),
        ("InfuStar 300 4.1.0", "busybox", "CVE-2022-48174"),
        ("VitalView Monitor 2.3", "openssl", "CVE-2021-3711"),
        ("VitalView Monitor 2.3", "urllib3", "CVE-2021-33503"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(found, expected);
    let log4shell = rows(&findings)
        .iter()
        .find(|f| str_field(f, "vulnerability_id") == "CVE-2021-44228")
        .expect("the Log4Shell finding");
    for key in [
        "purl",
        "vulnerability_id",
        "aliases",
        "severity",
        "cvss",
        "kev",
        "epss",
        "fixed_versions",
        "match_basis",
    ] {
        assert!(
            log4shell.get(key).is_some(),
            "finding lacks {key}: {log4shell}"
        );
    }
    assert!(
        log4shell["aliases"]
            .to_string()
            .contains("GHSA-jfh8-c2jp-5v3q")
    );
    assert!(log4shell["fixed_versions"].to_string().contains("2.15.0"));
    assert_eq!(str_field(log4shell, "severity"), "critical");

    // CI gating: a KEV finding makes `--fail-on kev` exit 1.
    let gate = medsbom(&["vulns", "--fail-on", "kev"], cwd);
    assert_eq!(gate.status.code(), Some(1), "{}", text(&gate.stderr));

    // Which devices, where: exactly the monitors and the 4.1.0 pumps for the OpenSSL flaw.
    let impact = json(&["impact", "CVE-2021-3711", "--format", "json"], cwd, 1);
    let assets: BTreeSet<&str> = rows(&impact)
        .iter()
        .map(|r| str_field(r, "asset_id"))
        .collect();
    assert_eq!(
        assets,
        BTreeSet::from([
            "MON-0001",
            "MON-0002",
            "MON-0003",
            "MON-0004",
            "PUMP-0001",
            "PUMP-0002",
            "PUMP-0003"
        ])
    );
    let first = &rows(&impact)[0];
    for key in [
        "asset_id",
        "product",
        "product_version",
        "location",
        "criticality",
        "exposure",
        "component",
        "component_version",
        "vulnerability_id",
        "vex_status",
        "priority",
    ] {
        assert!(first.get(key).is_some(), "impact row lacks {key}: {first}");
    }
    // The life-sustaining monitors with default credentials come first.
    assert!(
        str_field(first, "asset_id").starts_with("MON-000"),
        "{first}"
    );

    // The ICU's devices and their open findings, most urgent first.
    let icu = json(
        &[
            "vulns",
            "--by-asset",
            "--department",
            "ICU",
            "--format",
            "json",
        ],
        cwd,
        1,
    );
    let icu_assets: BTreeSet<&str> = rows(&icu)
        .iter()
        .map(|r| str_field(r, "asset_id"))
        .collect();
    assert_eq!(
        icu_assets,
        BTreeSet::from(["MON-0001", "MON-0002", "PUMP-0001", "PUMP-0002"])
    );
    assert_eq!(rows(&icu).len(), 10, "{icu}");
    let priorities: Vec<f64> = rows(&icu)
        .iter()
        .map(|r| r["priority"].as_f64().expect("a numeric priority"))
        .collect();
    assert!(
        priorities.windows(2).all(|w| w[1] <= w[0]),
        "{priorities:?}"
    );

    // A component search finds the same devices without any feed.
    let by_purl = json(
        &[
            "impact",
            "--purl",
            "pkg:generic/openssl@1.1.1k",
            "--format",
            "json",
        ],
        cwd,
        1,
    );
    let assets_by_purl: BTreeSet<&str> = rows(&by_purl)
        .iter()
        .map(|r| str_field(r, "asset_id"))
        .collect();
    assert_eq!(assets_by_purl, assets);

    // Nothing runs the fixed OpenSSL 3 flaw.
    let none = json(&["impact", "CVE-2023-0464", "--format", "json"], cwd, 0);
    assert!(rows(&none).is_empty(), "{none}");

    // One asset's own view.
    let show = medsbom(
        &[
            "assets", "show", "MON-0001", "--as-of", AS_OF, "--format", "json",
        ],
        cwd,
    );
    let show_text = text(&show.stdout);
    assert!(show.status.success(), "{show_text}\n{}", text(&show.stderr));
    assert!(show_text.contains("CVE-2021-3711"), "{show_text}");

    // Lifecycle: OpenSSL 1.1.1k is past its end of support in supported product versions.
    let alerts = json(
        &["lifecycle", "alerts", "--as-of", AS_OF, "--format", "json"],
        cwd,
        1,
    );
    assert!(
        rows(&alerts).iter().any(|a| {
            a.get("component").and_then(Value::as_str) == Some("openssl")
                && a.get("product").and_then(Value::as_str) == Some("VitalView Monitor")
        }),
        "{alerts}"
    );
    for alert in rows(&alerts) {
        for key in [
            "kind",
            "product",
            "product_version",
            "component",
            "component_version",
            "date",
            "detail",
        ] {
            assert!(alert.get(key).is_some(), "alert lacks {key}: {alert}");
        }
    }

    // An ingest matches the packages it brings in against the imported feeds at once.
    let cart = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": "urn:uuid:5b0f4d52-5d0e-4a43-9d4b-0c1a4e7b2f11",
        "metadata": {
            "timestamp": "2026-11-23T00:00:00Z",
            "component": {"type": "device", "bom-ref": "cart", "name": "Anesthesia Cart", "version": "1.0",
                          "supplier": {"name": "Initech Medical"}}
        },
        "components": [{"type": "library", "bom-ref": "axios", "name": "axios", "version": "0.21.1",
                        "purl": "pkg:npm/axios@0.21.1"}],
        "dependencies": [{"ref": "cart", "dependsOn": ["axios"]}]
    });
    std::fs::write(cwd.join("cart.cdx.json"), cart.to_string()).expect("write cart.cdx.json");
    let ingest = medsbom(&["ingest", "cart.cdx.json"], cwd);
    let ingest_err = text(&ingest.stderr);
    assert_eq!(ingest.status.code(), Some(0), "{ingest_err}");
    assert!(
        ingest_err.contains("matched") && ingest_err.contains(": 1 finding(s)"),
        "{ingest_err}"
    );

    // A one-shot scan of a file finds what the stored copy has.
    let scan = json(
        &[
            "scan-sbom",
            "medsbom-demo/vitalview-monitor-2.3.spdx.json",
            "--format",
            "json",
        ],
        cwd,
        0,
    );
    let scanned: BTreeSet<&str> = rows(&scan)
        .iter()
        .map(|f| str_field(f, "vulnerability_id"))
        .collect();
    assert_eq!(scanned, BTreeSet::from(["CVE-2021-33503", "CVE-2021-3711"]));
}
