//! Test support shared by every crate's tests: locating the shared corpus and the test
//! PostgreSQL server, and turning "not available here" into a skip or, in CI, a failure.
//!
//! Tests call [`corpus_dir`] (or [`corpus_path`]) and [`postgres_url`]. When the resource is
//! missing they print a clear `SKIP` line and return `None`; when the environment variable
//! [`STRICT_ENV`] is set to `1` (as `.ci/run` does) a missing resource panics instead, so
//! that CI never passes by skipping.

use std::path::{Path, PathBuf};

/// Environment variable that turns every skip into a test failure (set by `.ci/run`).
pub const STRICT_ENV: &str = "MEDSBOM_STRICT_SKIPS";
/// Environment variable naming the corpus directory (default: `../shared/corpus` from the
/// workspace root).
pub const CORPUS_ENV: &str = "MEDSBOM_CORPUS";
/// Environment variable holding the PostgreSQL URL for the store tests.
pub const PG_ENV: &str = "MEDSBOM_TEST_PG";

fn strict() -> bool {
    std::env::var(STRICT_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Reports a missing test resource: a skip on a developer's machine, a panic in CI.
pub fn skip(test_resource: &str, why: &str) {
    if strict() {
        panic!("{test_resource} is required ({STRICT_ENV}=1) but unavailable: {why}");
    }
    eprintln!(
        "SKIP: {test_resource} unavailable ({why}); set {STRICT_ENV}=1 to make this a failure"
    );
}

/// The workspace root (the directory holding the top-level `Cargo.toml`).
#[must_use]
pub fn workspace_root() -> PathBuf {
    // This crate lives at `<root>/crates/medsbom-testkit`.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared corpus directory, or `None` (after reporting a skip) when it is absent.
#[must_use]
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os(CORPUS_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/corpus"),
    };
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    skip(
        "the shared corpus",
        &format!("{} not found; set {CORPUS_ENV}", dir.display()),
    );
    None
}

/// A path inside the shared corpus, or `None` (after reporting a skip) when it is absent.
#[must_use]
pub fn corpus_path(relative: &str) -> Option<PathBuf> {
    let path = corpus_dir()?.join(relative);
    if path.exists() {
        return Some(path);
    }
    skip(
        "a corpus path",
        &format!("{} does not exist", path.display()),
    );
    None
}

/// The PostgreSQL URL for tests, or `None` (after reporting a skip) when none is configured.
///
/// Reads [`PG_ENV`]; `.ci/run` sets it to the local server.
#[must_use]
pub fn postgres_url() -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            skip("PostgreSQL", &format!("{PG_ENV} is not set"));
            None
        }
    }
}

/// Every file below `dir` (recursively) whose name satisfies `keep`, sorted for stable order.
#[must_use]
pub fn files_below(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut res = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path) {
                res.push(path);
            }
        }
    }
    res.sort();
    res
}
