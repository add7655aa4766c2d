//! End-to-end tests of `medsbom validate`, `inspect` and `convert`: the binary runs on real
//! corpus files in a temporary directory; stdout, stderr and the exit status are checked.

use std::path::Path;
use std::process::{Command, Output};

fn medsbom(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medsbom"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the medsbom binary runs")
}

fn stdout_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn inspect_reports_case_study_support_fields() {
    let Some(file) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/extended.sbom.json")
    else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let output = medsbom(
        &[
            "inspect",
            file.to_str().expect("utf-8 path"),
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = stdout_json(&output);
    assert_eq!(json["format"], "cyclonedx-json");
    assert_eq!(json["spec_version"], "1.4");
    let components = json["components"].as_array().expect("components array");
    assert_eq!(
        json["counts"]["components"].as_u64(),
        Some(components.len() as u64)
    );
    let unifi = components
        .iter()
        .find(|c| c["name"] == "UniFi Network Application")
        .expect("UniFi component");
    assert_eq!(unifi["version"], "8.3.32");
    assert_eq!(
        unifi["cpe"],
        "cpe:2.3:a:ubiquiti:unifi_network_application:8.3.32:*:*:*:*:*:*:*"
    );
    assert_eq!(unifi["support_level"], "actively-maintained");
    assert_eq!(unifi["end_of_support"], "Until hardware support ends");
    for field in [
        "name",
        "version",
        "supplier",
        "purl",
        "cpe",
        "hashes",
        "licenses",
        "support_level",
        "end_of_support",
    ] {
        assert!(
            unifi.get(field).is_some(),
            "inspect component lacks {field}"
        );
    }
}

#[test]
fn validate_exit_status_follows_validity() {
    let Some(dir) = medsbom_testkit::corpus_path("parser-tests/cyclonedx-spec-test-resources/1.6")
    else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let valid = dir.join("valid-bom-1.6.json");
    let output = medsbom(
        &[
            "validate",
            valid.to_str().expect("path"),
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let json = stdout_json(&output);
    assert_eq!(json[0]["valid"], true);
    assert_eq!(json[0]["format"], "cyclonedx-json");
    assert_eq!(json[0]["spec_version"], "1.6");

    let invalid = dir.join("invalid-bomformat-1.6.json");
    let output = medsbom(
        &[
            "validate",
            valid.to_str().expect("path"),
            invalid.to_str().expect("path"),
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let json = stdout_json(&output);
    assert_eq!(json[1]["valid"], false);
    assert!(!json[1]["errors"].as_array().expect("errors").is_empty());

    let missing = medsbom(&["validate", "no-such-file.json"], tmp.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.json"));

    let usage = medsbom(&["validate"], tmp.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn convert_round_trips_through_every_output_format() {
    let Some(file) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let original = stdout_json(&medsbom(
        &["inspect", file.to_str().expect("path"), "--format", "json"],
        tmp.path(),
    ));
    let names = |json: &serde_json::Value| {
        let mut names: Vec<String> = json["components"]
            .as_array()
            .expect("components")
            .iter()
            .map(|c| {
                format!(
                    "{}@{}",
                    c["name"].as_str().unwrap_or(""),
                    c["version"].as_str().unwrap_or("")
                )
            })
            .collect();
        names.sort();
        names
    };
    for to in ["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx-tv"] {
        let out = tmp.path().join(format!("out.{to}"));
        let output = medsbom(
            &[
                "convert",
                file.to_str().expect("path"),
                "--to",
                to,
                "-o",
                out.to_str().expect("path"),
            ],
            tmp.path(),
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "convert --to {to}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let validated = medsbom(
            &["validate", out.to_str().expect("path"), "--format", "json"],
            tmp.path(),
        );
        assert_eq!(
            validated.status.code(),
            Some(0),
            "converted {to} is invalid: {}",
            String::from_utf8_lossy(&validated.stdout)
        );
        let converted = stdout_json(&medsbom(
            &["inspect", out.to_str().expect("path"), "--format", "json"],
            tmp.path(),
        ));
        assert_eq!(
            names(&converted),
            names(&original),
            "components differ after --to {to}"
        );
    }
}

#[test]
fn parse_errors_name_the_file_and_exit_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let broken = tmp.path().join("broken.cdx.json");
    std::fs::write(
        &broken,
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"#,
    )
    .expect("write");
    let output = medsbom(&["inspect", "broken.cdx.json"], tmp.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.cdx.json"), "{stderr}");
}
