//! A process killed (SIGKILL) in the middle of an ingest leaves the database consistent and
//! without the partial document, on both backends.
//!
//! The child is this test binary re-invoked with `CHILD_ENV` set: it starts ingesting a large
//! document, announces on stdout that it is inside the transaction (from the progress
//! callback, after the first batch of component rows), and then blocks until it is killed.

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};

use common::{component, device_sbom, raw_of, request};
use medsbom_model::Sbom;
use medsbom_store::{IngestOutcome, Store};

const CHILD_ENV: &str = "MEDSBOM_STORE_CRASH_CHILD_DB";
const MARKER: &str = "MEDSBOM-MID-INGEST";

fn big_sbom() -> Sbom {
    let components = (0..1_000)
        .map(|idx| {
            component(
                &format!("crash-lib-{idx}"),
                "1.0.0",
                Some(&format!("pkg:npm/crash-lib-{idx}@1.0.0")),
            )
        })
        .collect();
    device_sbom("Acme", "Crash Pump", "1.0", components)
}

/// The child's side; a no-op unless `CHILD_ENV` is set.
#[test]
fn crash_child() {
    let Ok(db) = std::env::var(CHILD_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let store = Store::open(&db).await.expect("child opens the database");
        let sbom = big_sbom();
        let raw = raw_of(&sbom);
        let announce_and_block = |n_written: usize| {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{MARKER} {n_written}");
            let _ = stdout.flush();
            // Wait for the parent's SIGKILL (stdin stays open and silent).
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            std::process::abort();
        };
        let mut req = request(&raw, &sbom);
        req.progress = Some(&announce_and_block);
        let _ = store.ingest(&req).await;
        std::process::abort();
    });
}

#[tokio::test]
async fn a_killed_ingest_leaves_no_partial_document() {
    for db in common::backends().await {
        let committed = device_sbom("Acme", "Small", "1.0", vec![component("zlib", "1.3", None)]);
        common::ingest(&db.store, &committed)
            .await
            .expect("committed document");

        let exe = std::env::current_exe().expect("test binary");
        let mut child = Command::new(exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &db.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("child stdout");
        let mut reached = false;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.contains(MARKER) {
                reached = true;
                break;
            }
        }
        assert!(
            reached,
            "{}: the child never reached the middle of its ingest",
            db.label
        );
        child.kill().expect("SIGKILL the child");
        let status = child.wait().expect("reap the child");
        assert!(!status.success(), "{}", db.label);

        let store = db.reopen().await;
        assert_eq!(
            store.check_integrity().await.expect("integrity"),
            Vec::<String>::new(),
            "{}",
            db.label
        );
        let big = big_sbom();
        let sha256 = hex_sha256(&raw_of(&big));
        assert_eq!(
            store.sbom_id_by_sha256(&sha256).await.expect("lookup"),
            None,
            "{}",
            db.label
        );
        let sboms = store.sboms(None).await.expect("list");
        assert_eq!(sboms.len(), 1, "{}", db.label);
        assert_eq!(
            common::scalar(&db, "SELECT count(*) FROM sbom_components").await,
            2,
            "{}",
            db.label
        );
        assert_eq!(
            common::scalar(&db, "SELECT count(*) FROM packages").await,
            2,
            "{}",
            db.label
        );
        // Nothing is left half-done: the same document now ingests normally.
        let outcome = common::ingest(&store, &big)
            .await
            .expect("ingest after crash");
        assert!(
            matches!(outcome, IngestOutcome::Stored(ref s) if s.n_components == 1_001),
            "{outcome:?}"
        );
        store.close().await;
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}
