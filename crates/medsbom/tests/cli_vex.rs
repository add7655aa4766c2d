//! End to end: `medsbom vex import`, `medsbom vulns` hiding and showing VEX'd findings with
//! `vex_status`, `medsbom analysis set/list/history`, `medsbom vex export` in each format,
//! and `medsbom ingest` of a BOM with embedded analysed vulnerabilities; on a temporary
//! SQLite database with small fixtures written by the test.

use std::path::Path;
use std::process::{Command, Output};

fn medsbom(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medsbom"))
        .args(args)
        .current_dir(cwd)
        .env("MEDSBOM_DB", cwd.join("medsbom.db"))
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("the medsbom binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(args: &[&str], cwd: &Path, code: i32) -> Output {
    let output = medsbom(args, cwd);
    assert_eq!(
        output.status.code(),
        Some(code),
        "medsbom {args:?}\nstdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

fn json(args: &[&str], cwd: &Path, code: i32) -> serde_json::Value {
    let output = run(args, cwd, code);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout of {args:?} is not JSON ({err}): {}",
            text(&output.stdout)
        )
    })
}

const PUMP_SBOM: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:6a0c7e4e-2d5b-4f7a-9d8c-1b2e3f4a5b6c",
  "version": 1,
  "metadata": {
    "manufacturer": {"name": "Acme Medical"},
    "component": {"type": "device", "bom-ref": "pump", "name": "Infusion Pump", "version": "2.1"}
  },
  "components": [{
    "type": "library", "bom-ref": "log4j", "group": "org.apache.logging.log4j",
    "name": "log4j-core", "version": "2.14.1",
    "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
  }]
}"#;

const VENTILATOR_SBOM_WITH_VEX: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:0b9f5c1d-8e7a-4c3b-a2d1-9e8f7a6b5c4d",
  "version": 1,
  "metadata": {
    "manufacturer": {"name": "Acme Medical"},
    "component": {"type": "device", "bom-ref": "vent", "name": "Ventilator", "version": "1.0"}
  },
  "components": [{
    "type": "library", "bom-ref": "log4j", "group": "org.apache.logging.log4j",
    "name": "log4j-core", "version": "2.14.1",
    "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
  }],
  "vulnerabilities": [{
    "id": "CVE-2021-44228",
    "analysis": {"state": "not_affected", "justification": "code_not_reachable",
                 "detail": "JNDI lookups are disabled in the device build"},
    "affects": [{"ref": "log4j"}]
  }]
}"#;

const OSV_LOG4SHELL: &str = r#"{
  "schema_version": "1.6.0",
  "id": "GHSA-jfh8-c2jp-5v3q",
  "modified": "2024-01-01T00:00:00Z",
  "published": "2021-12-10T00:00:00Z",
  "aliases": ["CVE-2021-44228"],
  "summary": "Remote code injection in Log4j",
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core",
                "purl": "pkg:maven/org.apache.logging.log4j/log4j-core"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0-beta9"}, {"fixed": "2.15.0"}]}]
  }]
}"#;

const MAKER_VEX: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://acme.example/vex/2024-001",
  "author": "Acme Medical",
  "timestamp": "2024-02-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2021-44228"},
     "products": [{"@id": "Infusion Pump", "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "CVE-2021-45046"},
     "products": [{"@id": "Infusion Pump"}],
     "status": "maybe"}
  ]
}"#;

#[test]
fn vex_import_vulns_analysis_and_export() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cwd = tmp.path();
    for (name, content) in [
        ("pump.cdx.json", PUMP_SBOM),
        ("ventilator.cdx.json", VENTILATOR_SBOM_WITH_VEX),
        ("osv.json", OSV_LOG4SHELL),
        ("maker.vex.json", MAKER_VEX),
        ("not-vex.json", r#"{"spdxVersion": "SPDX-2.3"}"#),
    ] {
        std::fs::write(cwd.join(name), content).expect("write fixture");
    }
    run(&["ingest", "pump.cdx.json"], cwd, 0);
    run(&["feeds", "import", "osv.json"], cwd, 0);

    let findings = json(&["vulns", "--format", "json"], cwd, 0);
    let findings = findings.as_array().expect("array");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["vulnerability_id"], "CVE-2021-44228");
    assert!(findings[0]["vex_status"].is_null());
    assert!(findings[0]["vex_justification"].is_null());
    assert!(findings[0]["vex_source"].is_null());
    let finding = findings[0]["finding"]
        .as_str()
        .expect("finding ref")
        .to_owned();
    assert_eq!(
        finding,
        "Infusion Pump@2.1:pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1:CVE-2021-44228"
    );

    // One good statement, one with an unknown status, one file that is not VEX: exit 1.
    let output = run(
        &[
            "vex",
            "import",
            "maker.vex.json",
            "not-vex.json",
            "--format",
            "json",
        ],
        cwd,
        1,
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report[0]["status"], "imported");
    assert_eq!(report[0]["format"], "openvex");
    assert_eq!(report[0]["n_statements"], 1);
    assert_eq!(report[0]["skipped"][0]["reason"], "unknown_status");
    assert_eq!(
        report[0]["skipped"][0]["vulnerability_id"],
        "CVE-2021-45046"
    );
    assert_eq!(report[1]["status"], "rejected");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("skipped: maker.vex.json"), "{stderr}");

    // not_affected is hidden by default, shown with the reason under --all.
    let output = run(&["vulns", "--format", "json"], cwd, 0);
    assert_eq!(text(&output.stdout).trim(), "[]");
    assert!(
        text(&output.stderr).contains("--all"),
        "{}",
        text(&output.stderr)
    );
    let all = json(&["vulns", "--all", "--format", "json"], cwd, 0);
    assert_eq!(all[0]["vex_status"], "not_affected");
    assert_eq!(
        all[0]["vex_justification"],
        "vulnerable_code_not_in_execute_path"
    );
    let source = all[0]["vex_source"].as_str().expect("source");
    assert!(source.contains("Acme Medical"), "{source}");
    let table = run(&["vulns", "--all"], cwd, 0);
    assert!(
        text(&table.stdout).contains("not_affected (vulnerable_code_not_in_execute_path)"),
        "{}",
        text(&table.stdout)
    );

    // The hospital's own analysis wins on its findings, with who and when; history stays.
    run(
        &[
            "analysis",
            "set",
            &finding,
            "--state",
            "in_triage",
            "--by",
            "alice",
        ],
        cwd,
        0,
    );
    run(
        &[
            "analysis",
            "set",
            &finding,
            "--state",
            "exploitable",
            "--detail",
            "pump reachable from the guest network",
            "--by",
            "bob",
        ],
        cwd,
        0,
    );
    let findings = json(&["vulns", "--format", "json"], cwd, 0);
    assert_eq!(findings[0]["vex_status"], "affected");
    assert_eq!(findings[0]["vex_source"], "analysis by bob (provider)");
    assert_eq!(
        findings[0]["vex_detail"],
        "pump reachable from the guest network"
    );
    let history = json(
        &["analysis", "history", &finding, "--format", "json"],
        cwd,
        0,
    );
    let history = history.as_array().expect("array");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["analyst"], "bob");
    assert_eq!(history[1]["state"], "under_investigation");
    assert_eq!(history[1]["state_original"], "in_triage");
    let current = json(&["analysis", "list", "--format", "json"], cwd, 0);
    assert_eq!(current.as_array().map(Vec::len), Some(1));
    // A bad state or finding reference is a usage error.
    run(&["analysis", "set", &finding, "--state", "sort_of"], cwd, 2);
    run(
        &["analysis", "set", "no-such-finding", "--state", "fixed"],
        cwd,
        2,
    );

    // Export in each format; the CycloneDX one validates, each reads back.
    for (to, file) in [
        ("cyclonedx", "out.cdx.json"),
        ("openvex", "out.openvex.json"),
        ("csaf", "out.csaf.json"),
    ] {
        run(
            &[
                "vex",
                "export",
                "--product",
                "Infusion Pump",
                "--product-version",
                "2.1",
                "--to",
                to,
                "-o",
                file,
            ],
            cwd,
            0,
        );
        let document: serde_json::Value =
            serde_json::from_slice(&std::fs::read(cwd.join(file)).expect("export written"))
                .expect("export is json");
        let status = match to {
            "cyclonedx" => document["vulnerabilities"][0]["analysis"]["state"].clone(),
            "openvex" => document["statements"][0]["status"].clone(),
            _ => document["vulnerabilities"][0]["product_status"]
                .as_object()
                .and_then(|o| o.keys().next().cloned())
                .map(serde_json::Value::from)
                .unwrap_or_default(),
        };
        // The current decision is the hospital's analysis: affected.
        let expected = match to {
            "cyclonedx" => "exploitable",
            "openvex" => "affected",
            _ => "known_affected",
        };
        assert_eq!(status, expected, "{to}: {document}");
    }
    run(&["validate", "out.cdx.json"], cwd, 0);
    run(
        &[
            "vex",
            "export",
            "--product",
            "No Such Device",
            "--to",
            "csaf",
        ],
        cwd,
        2,
    );

    // A BOM with embedded analysed vulnerabilities records its statements on ingest.
    run(&["ingest", "ventilator.cdx.json"], cwd, 0);
    let all = json(&["vulns", "--all", "--format", "json"], cwd, 0);
    let ventilator = all
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["product"] == "Ventilator")
        .expect("a ventilator finding")
        .clone();
    assert_eq!(ventilator["vex_status"], "not_affected");
    assert_eq!(
        ventilator["vex_justification"],
        "vulnerable_code_not_in_execute_path"
    );
    let sources = json(&["vex", "sources", "--format", "json"], cwd, 0);
    assert_eq!(sources.as_array().map(Vec::len), Some(2));
}
