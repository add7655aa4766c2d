//! End-to-end tests of the storage commands (`ingest`, `products`, `sboms`, `search`, `diff`,
//! `backup`, `restore`) on a temporary SQLite database, with real corpus files.

use std::path::Path;
use std::process::{Command, Output};

fn medsbom(args: &[&str], cwd: &Path, db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medsbom"))
        .args(args)
        .current_dir(cwd)
        .env("MEDSBOM_DB", db)
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("the medsbom binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

fn ok(output: Output) -> Output {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

#[test]
fn ingest_list_search_and_the_same_file_again() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom/medical-device/case-study") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("data/medsbom.db");
    let narrow = dir.join("narrow.sbom.json");
    let narrow = narrow.to_str().expect("utf-8");

    let output = ok(medsbom(
        &[
            "ingest",
            narrow,
            "--product",
            "Case Study",
            "--product-version",
            "1.0",
        ],
        tmp.path(),
        &db,
    ));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("stored") && stdout.contains("Case Study"),
        "{stdout}"
    );
    assert!(db.is_file(), "the database and its directory are created");

    let output = ok(medsbom(
        &["ingest", narrow, "--format", "json"],
        tmp.path(),
        &db,
    ));
    let results = json(&output);
    assert_eq!(results[0]["status"], "already-stored");
    assert_eq!(results[0]["product"], "Case Study");
    assert_eq!(results[0]["revision"], 1);

    let products = json(&ok(medsbom(
        &["products", "--format", "json"],
        tmp.path(),
        &db,
    )));
    assert_eq!(products[0]["product"], "Case Study");
    assert_eq!(products[0]["versions"][0], "1.0");

    let sboms = ok(medsbom(
        &["sboms", "--product", "case study", "--format", "csv"],
        tmp.path(),
        &db,
    ));
    let csv = text(&sboms.stdout);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        csv.starts_with("ID,MANUFACTURER,PRODUCT,VERSION,REVISION"),
        "{csv}"
    );

    let hits = json(&ok(medsbom(
        &[
            "search",
            "--purl",
            "pkg:nuget/NLog",
            "--version-range",
            "vers:nuget/<5",
            "--format",
            "json",
        ],
        tmp.path(),
        &db,
    )));
    let hits = hits.as_array().expect("array");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["product"], "Case Study");
    assert_eq!(hits[0]["product_version"], "1.0");
    assert_eq!(hits[0]["revision"], 1);
    assert_eq!(hits[0]["name"], "NLog");
    assert_eq!(hits[0]["version"], "4.5.11");

    let table = ok(medsbom(
        &["search", "--support-level", "no-longer-maintained"],
        tmp.path(),
        &db,
    ));
    assert!(
        text(&table.stdout).contains("FluentValidationNA"),
        "{}",
        text(&table.stdout)
    );

    let bad = medsbom(&["search", "--version-range", ">=1.0"], tmp.path(), &db);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("invalid version range"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn a_file_that_fails_to_parse_is_rejected_and_changes_nothing() {
    let Some(good) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("medsbom.db");
    ok(medsbom(
        &["ingest", good.to_str().expect("utf-8")],
        tmp.path(),
        &db,
    ));
    let before = ok(medsbom(&["sboms", "--format", "json"], tmp.path(), &db)).stdout;
    let products_before = ok(medsbom(&["products", "--format", "json"], tmp.path(), &db)).stdout;

    // The second half of a real SBOM is missing.
    let bytes = std::fs::read(&good).expect("read");
    let truncated = tmp.path().join("truncated.cdx.json");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let output = medsbom(
        &["ingest", truncated.to_str().expect("utf-8")],
        tmp.path(),
        &db,
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        text(&output.stderr)
    );
    let stderr = text(&output.stderr);
    assert!(stderr.contains("truncated.cdx.json"), "{stderr}");
    assert!(
        stderr.contains("0 stored, 0 already stored, 1 rejected"),
        "{stderr}"
    );
    assert!(text(&output.stdout).contains("rejected"));

    assert_eq!(
        ok(medsbom(&["sboms", "--format", "json"], tmp.path(), &db)).stdout,
        before
    );
    assert_eq!(
        ok(medsbom(&["products", "--format", "json"], tmp.path(), &db)).stdout,
        products_before
    );
}

#[test]
fn a_directory_ingests_every_sbom_in_it_and_revisions_diff() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom/medical-device/case-study") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("medsbom.db");
    // README.md and LICENSE are not SBOM files; extended sorts before narrow, so narrow is
    // revision 2.
    let results = json(&ok(medsbom(
        &["ingest", dir.to_str().expect("utf-8"), "--format", "json"],
        tmp.path(),
        &db,
    )));
    let results = results.as_array().expect("array");
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["status"] == "stored" && r["product"] == "REDACTED")
    );
    assert_eq!(results[1]["revision"], 2);

    let stored = medsbom(
        &[
            "diff",
            "--product",
            "REDACTED",
            "--from",
            "unspecified",
            "--from-revision",
            "2",
            "--to",
            "unspecified",
            "--to-revision",
            "1",
            "--format",
            "json",
        ],
        tmp.path(),
        &db,
    );
    assert_eq!(
        stored.status.code(),
        Some(1),
        "differences exit with 1: {}",
        text(&stored.stderr)
    );
    let files = medsbom(
        &[
            "diff",
            dir.join("narrow.sbom.json").to_str().expect("utf-8"),
            dir.join("extended.sbom.json").to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        tmp.path(),
        &db,
    );
    assert_eq!(files.status.code(), Some(1));
    let entries = json(&files);
    assert_eq!(json(&stored), entries, "stored and file diffs agree");
    let added = entries
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["change"] == "added")
        .count();
    assert_eq!(added, 10);

    let same = medsbom(
        &[
            "diff",
            "--product",
            "redacted",
            "--from",
            "unspecified",
            "--to",
            "unspecified",
        ],
        tmp.path(),
        &db,
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
}

#[test]
fn backup_and_restore() {
    let Some(file) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("medsbom.db");
    ok(medsbom(
        &[
            "ingest",
            file.to_str().expect("utf-8"),
            "--product-version",
            "1",
        ],
        tmp.path(),
        &db,
    ));
    let backup = tmp.path().join("backup.db");
    ok(medsbom(
        &["backup", backup.to_str().expect("utf-8")],
        tmp.path(),
        &db,
    ));
    let again = medsbom(
        &["backup", backup.to_str().expect("utf-8")],
        tmp.path(),
        &db,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("refusing to overwrite"));

    let fresh = tmp.path().join("fresh.db");
    ok(medsbom(
        &["restore", backup.to_str().expect("utf-8")],
        tmp.path(),
        &fresh,
    ));
    let sboms = json(&ok(medsbom(
        &["sboms", "--format", "json"],
        tmp.path(),
        &fresh,
    )));
    assert_eq!(sboms.as_array().map(Vec::len), Some(1));
    let refused = medsbom(
        &["restore", backup.to_str().expect("utf-8")],
        tmp.path(),
        &fresh,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("--force"),
        "{}",
        text(&refused.stderr)
    );
    ok(medsbom(
        &["restore", "--force", backup.to_str().expect("utf-8")],
        tmp.path(),
        &fresh,
    ));
}
