//! Backup while the database is in use, and restore, on both backends (PostgreSQL through
//! `pg_dump` / `pg_restore`).

mod common;

use common::{backends, component, device_sbom, ingest};
use medsbom_store::{Backend, Store, StoreError};

fn pg_tools_present() -> bool {
    let present = std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        medsbom_testkit::skip("pg_dump", "not found on PATH");
    }
    present
}

#[tokio::test]
async fn backup_while_writing_then_restore() {
    for db in backends().await {
        if db.store.backend() == Backend::Postgres && !pg_tools_present() {
            continue;
        }
        let store = &db.store;
        let first = device_sbom("Acme", "Pump", "1.0", vec![component("zlib", "1.3", None)]);
        ingest(store, &first).await.expect("first");

        // Back up while another task keeps ingesting: the copy is one consistent snapshot.
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                for idx in 0..20 {
                    let sbom = device_sbom(
                        "Acme",
                        "Pump",
                        &format!("2.{idx}"),
                        vec![component("zlib", "1.3", None)],
                    );
                    ingest(&store, &sbom).await.expect("concurrent ingest");
                }
            })
        };
        let out = db.path("backup.medsbom");
        store
            .backup(&out)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", db.label));
        writer.await.expect("writer");
        assert!(out.is_file());
        let n_after_writes = store.sboms(None).await.expect("list").len();
        assert_eq!(n_after_writes, 21, "{}", db.label);

        // A backup never overwrites.
        let err = store.backup(&out).await.expect_err("exists");
        assert!(matches!(err, StoreError::Refused(_)), "{err}");

        // Restore: back to the snapshot, which holds the first document and a consistent
        // prefix of the concurrent ones.
        store
            .restore(&out)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", db.label));
        let store = db.reopen().await;
        let restored = store.sboms(None).await.expect("list");
        assert!(
            !restored.is_empty() && restored.len() <= 21,
            "{}: {}",
            db.label,
            restored.len()
        );
        assert_eq!(restored[0].product_version, "1.0");
        assert_eq!(
            store.check_integrity().await.expect("integrity"),
            Vec::<String>::new(),
            "{}",
            db.label
        );
        // The restored store keeps working.
        let later = device_sbom(
            "Acme",
            "Pump",
            "3.0",
            vec![component("zlib", "1.3.1", None)],
        );
        ingest(&store, &later).await.expect("ingest after restore");
        store.close().await;
    }
}

#[tokio::test]
async fn restore_replaces_everything_and_refuses_foreign_files() {
    for db in backends().await {
        let postgres = db.store.backend() == Backend::Postgres;
        if postgres && !pg_tools_present() {
            continue;
        }
        let store = &db.store;
        ingest(store, &device_sbom("Acme", "Pump", "1.0", vec![]))
            .await
            .expect("first");
        let out = db.path("snapshot.db");
        store.backup(&out).await.expect("backup");
        ingest(store, &device_sbom("Acme", "Pump", "2.0", vec![]))
            .await
            .expect("second");
        ingest(store, &device_sbom("Other", "Scanner", "1.0", vec![]))
            .await
            .expect("third");
        store.restore(&out).await.expect("restore");
        let store = db.reopen().await;
        let versions: Vec<String> = store
            .sboms(None)
            .await
            .expect("list")
            .into_iter()
            .map(|s| s.product_version)
            .collect();
        assert_eq!(versions, ["1.0"], "{}", db.label);
        assert_eq!(
            store.products().await.expect("products").len(),
            1,
            "{}",
            db.label
        );
        if !postgres {
            // The backup itself is left as it was.
            let from_backup = Store::open(out.to_str().expect("utf-8"))
                .await
                .expect("open backup");
            assert_eq!(from_backup.sboms(None).await.expect("list").len(), 1);
            from_backup.close().await;
        }

        let text = db.path("notes.txt");
        std::fs::write(&text, "not a database").expect("write");
        let err = store.restore(&text).await.expect_err("text file");
        let expect = if postgres {
            "pg_restore failed"
        } else {
            "is not a SQLite database"
        };
        assert!(err.to_string().contains(expect), "{err}");

        if !postgres {
            let foreign = db.path("foreign.db");
            {
                use sqlx::Connection as _;
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&foreign)
                    .create_if_missing(true);
                let mut conn = sqlx::SqliteConnection::connect_with(&options)
                    .await
                    .expect("create");
                sqlx::query("CREATE TABLE t (x)")
                    .execute(&mut conn)
                    .await
                    .expect("table");
                conn.close().await.expect("close");
            }
            let err = store.restore(&foreign).await.expect_err("foreign");
            assert!(
                err.to_string().contains("is not a medsbom database"),
                "{err}"
            );
        }
        assert_eq!(
            store.sboms(None).await.expect("list").len(),
            1,
            "{}",
            db.label
        );
        store.close().await;
    }
}
