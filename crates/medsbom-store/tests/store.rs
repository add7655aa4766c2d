//! Store behaviour on both backends: ingest, revisions, concurrency, listings, faults.

mod common;

use common::{backends, component, device_sbom, ingest, raw_of, request, scalar};
use medsbom_store::{IngestOutcome, OpenOptions, Store, StoreError};

#[tokio::test]
async fn same_bytes_twice_is_a_no_op_and_a_changed_sbom_is_a_new_revision() {
    for db in backends().await {
        let store = &db.store;
        let v1 = device_sbom(
            "Acme Medical",
            "Infusion Pump",
            "2.1",
            vec![component(
                "lodash",
                "4.17.20",
                Some("pkg:npm/lodash@4.17.20"),
            )],
        );
        let first = ingest(store, &v1).await.expect("first ingest");
        let IngestOutcome::Stored(stored) = &first else {
            panic!("{}: expected Stored, got {first:?}", db.label);
        };
        assert_eq!(
            (
                stored.manufacturer.as_str(),
                stored.product.as_str(),
                stored.product_version.as_str()
            ),
            ("Acme Medical", "Infusion Pump", "2.1"),
            "{}",
            db.label
        );
        assert_eq!(
            (stored.revision, stored.n_components),
            (1, 2),
            "{}",
            db.label
        );

        let again = ingest(store, &v1).await.expect("second ingest");
        assert_eq!(
            again,
            IngestOutcome::AlreadyStored(stored.clone()),
            "{}",
            db.label
        );

        let mut v1_fixed = v1.clone();
        v1_fixed.version = Some(2);
        v1_fixed.components[1].version = Some("4.17.21".to_owned());
        v1_fixed.components[1].purl = Some("pkg:npm/lodash@4.17.21".to_owned());
        let revised = ingest(store, &v1_fixed).await.expect("revision ingest");
        let IngestOutcome::Stored(revised) = revised else {
            panic!("{}: expected a new revision", db.label);
        };
        assert_eq!(revised.revision, 2, "{}", db.label);
        assert_ne!(revised.sbom_id, stored.sbom_id, "{}", db.label);

        let sboms = store.sboms(None).await.expect("list");
        let revisions: Vec<(i64, bool)> = sboms.iter().map(|s| (s.revision, s.is_latest)).collect();
        assert_eq!(revisions, [(1, false), (2, true)], "{}", db.label);
        assert_eq!(sboms[0].ingested_by, "tester");
        assert_eq!(sboms[0].source_name.as_deref(), Some("test.cdx.json"));
        assert_eq!(sboms[0].sha256.len(), 64);

        // The exact bytes come back.
        let bytes = store.sbom_bytes(stored.sbom_id).await.expect("bytes");
        assert_eq!(bytes, raw_of(&v1), "{}", db.label);

        // root, lodash 4.17.20 and lodash 4.17.21: three package identities.
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM packages").await,
            3,
            "{}",
            db.label
        );
        assert_eq!(
            store.check_integrity().await.expect("integrity"),
            Vec::<String>::new()
        );
    }
}

#[tokio::test]
async fn names_default_from_the_document_and_can_be_overridden() {
    for db in backends().await {
        let store = &db.store;
        let mut sbom = device_sbom("Supplier Co", "Monitor", "5.0", vec![]);
        sbom.manufacturer = Some(medsbom_model::Party::organization("Maker Inc"));
        let outcome = ingest(store, &sbom).await.expect("ingest");
        let stored = outcome.stored();
        assert_eq!(
            (
                stored.manufacturer.as_str(),
                stored.product.as_str(),
                stored.product_version.as_str()
            ),
            ("Maker Inc", "Monitor", "5.0")
        );

        let other = device_sbom("Supplier Co", "Monitor", "5.1", vec![]);
        let raw = raw_of(&other);
        let mut req = request(&raw, &other);
        req.manufacturer = Some("Override Ltd");
        req.product = Some("Monitor X");
        req.product_version = Some("5.1-hotfix");
        let outcome = store.ingest(&req).await.expect("ingest with overrides");
        let stored = outcome.stored();
        assert_eq!(
            (
                stored.manufacturer.as_str(),
                stored.product.as_str(),
                stored.product_version.as_str()
            ),
            ("Override Ltd", "Monitor X", "5.1-hotfix")
        );

        // No root component, no name, no file name: the product must be given.
        let mut anonymous = medsbom_model::Sbom::new(medsbom_model::SbomFormat::Spdx, "SPDX-2.3");
        anonymous.components.push(component("zlib", "1.3", None));
        let raw = raw_of(&anonymous);
        let mut req = request(&raw, &anonymous);
        req.source_name = None;
        let err = store.ingest(&req).await.expect_err("no product");
        assert!(matches!(err, StoreError::NoProduct { .. }), "{err}");
        assert!(err.to_string().contains("--product"), "{err}");
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM sboms").await,
            2,
            "{}",
            db.label
        );

        let products = store.products().await.expect("products");
        let listed: Vec<(&str, &str, Vec<&str>)> = products
            .iter()
            .map(|p| {
                (
                    p.manufacturer.as_str(),
                    p.product.as_str(),
                    p.versions.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("Maker Inc", "Monitor", vec!["5.0"]),
                ("Override Ltd", "Monitor X", vec!["5.1-hotfix"])
            ]
        );
        assert_eq!(
            store
                .sboms(Some("monitor x"))
                .await
                .expect("filtered")
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn concurrent_ingests_of_the_same_bytes_store_one_row() {
    for db in backends().await {
        let components: Vec<_> = (0..300)
            .map(|idx| {
                component(
                    &format!("lib{idx}"),
                    "1.0.0",
                    Some(&format!("pkg:npm/lib{idx}@1.0.0")),
                )
            })
            .collect();
        let sbom = device_sbom("Acme Medical", "Ventilator", "1.0", components);
        let raw = raw_of(&sbom);
        // Half the tasks share the pool, half use pools of their own (like other processes).
        let second = db.reopen().await;
        let mut tasks = Vec::new();
        for idx in 0..8 {
            let store = if idx % 2 == 0 {
                db.store.clone()
            } else {
                second.clone()
            };
            let sbom = sbom.clone();
            let raw = raw.clone();
            tasks.push(tokio::spawn(async move {
                store.ingest(&request(&raw, &sbom)).await
            }));
        }
        let mut n_stored = 0;
        let mut ids = Vec::new();
        for task in tasks {
            let outcome = task.await.expect("join").expect("ingest");
            if matches!(outcome, IngestOutcome::Stored(_)) {
                n_stored += 1;
            }
            ids.push(outcome.stored().sbom_id);
        }
        assert_eq!(n_stored, 1, "{}", db.label);
        ids.dedup();
        assert_eq!(ids.len(), 1, "{}", db.label);
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM sboms").await,
            1,
            "{}",
            db.label
        );
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM sbom_components").await,
            301,
            "{}",
            db.label
        );
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM packages").await,
            301,
            "{}",
            db.label
        );
        second.close().await;
    }
}

#[tokio::test]
async fn concurrent_revisions_of_one_product_version_get_distinct_numbers() {
    for db in backends().await {
        let mut tasks = Vec::new();
        for idx in 0..6 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let sbom = device_sbom(
                    "Acme Medical",
                    "Pump",
                    "3.0",
                    vec![component("zlib", &format!("1.{idx}"), None)],
                );
                ingest(&store, &sbom).await
            }));
        }
        let mut revisions = Vec::new();
        for task in tasks {
            revisions.push(task.await.expect("join").expect("ingest").stored().revision);
        }
        revisions.sort_unstable();
        assert_eq!(revisions, [1, 2, 3, 4, 5, 6], "{}", db.label);
        assert_eq!(
            db.store.check_integrity().await.expect("integrity"),
            Vec::<String>::new()
        );
    }
}

#[tokio::test]
async fn packages_are_shared_across_documents_and_stored_data_survives_reopen() {
    for db in backends().await {
        let shared = || component("openssl", "3.0.13", Some("pkg:generic/openssl@3.0.13"));
        let a = device_sbom("Acme", "A", "1", vec![shared(), component("x", "1", None)]);
        let b = device_sbom("Acme", "B", "1", vec![shared(), component("x", "1", None)]);
        ingest(&db.store, &a).await.expect("a");
        ingest(&db.store, &b).await.expect("b");
        db.store.close().await;
        let store = db.reopen().await;
        // roots A and B, openssl, x (same supplier/name/version): four packages.
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM packages").await,
            4,
            "{}",
            db.label
        );
        assert_eq!(
            scalar(
                &db,
                "SELECT count(DISTINCT package_id) FROM sbom_components"
            )
            .await,
            4,
            "{}",
            db.label
        );
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM sbom_relationships").await,
            6,
            "{}",
            db.label
        );
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM sbom_relationships WHERE from_idx IS NULL AND from_ref = 'SPDXRef-DOCUMENT'").await,
            2,
            "{}",
            db.label
        );
        assert_eq!(store.sboms(None).await.expect("sboms").len(), 2);
        store.close().await;
    }
}

#[tokio::test]
async fn awkward_text_is_stored_as_written() {
    for db in backends().await {
        let name = "we\"ird \\ name\nwith\ttabs, ünïcödé, 漢字 and a \u{1} control";
        let mut odd = component(name, "1.0'; DROP TABLE sboms; --", None);
        odd.supplier = Some(medsbom_model::Party::organization("100% _real_ supplier"));
        let mut nul = component("nul\0byte", "1", None);
        nul.bom_ref = "nul-ref".to_owned();
        let sbom = device_sbom("Acme", "Odd", "1", vec![odd, nul]);
        ingest(&db.store, &sbom).await.expect("ingest");
        let hits = db
            .store
            .search(&medsbom_store::SearchQuery {
                supplier: Some("100% _real_".to_owned()),
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(hits.len(), 1, "{}", db.label);
        assert_eq!(hits[0].name, name, "{}", db.label);
        assert_eq!(
            hits[0].version.as_deref(),
            Some("1.0'; DROP TABLE sboms; --")
        );
        // NUL cannot be stored in PostgreSQL text; both backends store U+FFFD instead.
        let hits = db
            .store
            .search(&medsbom_store::SearchQuery {
                name: Some("nul".to_owned()),
                ..Default::default()
            })
            .await
            .expect("search");
        assert_eq!(hits[0].name, "nul\u{fffd}byte", "{}", db.label);
    }
}

#[tokio::test]
async fn a_read_only_database_gives_a_clear_error() {
    // SQLite: the file opened read-only (tests run as root here, so file permissions would not
    // stop a write; the read-only open is what a write-protected file amounts to).
    let db = common::sqlite().await;
    ingest(&db.store, &device_sbom("Acme", "A", "1", vec![]))
        .await
        .expect("seed");
    db.store.close().await;
    let read_only = Store::open(&format!("sqlite://{}?mode=ro", db.url))
        .await
        .expect("open read-only");
    assert_eq!(read_only.sboms(None).await.expect("reads work").len(), 1);
    let err = ingest(&read_only, &device_sbom("Acme", "B", "1", vec![]))
        .await
        .expect_err("write must fail");
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("is read-only") && message.contains(&db.url),
        "{message}"
    );
    read_only.close().await;

    // PostgreSQL: a session whose transactions are read-only.
    let Some((_admin, _schema, url)) = common::postgres_schema_url().await else {
        return;
    };
    let writable = Store::open(&url).await.expect("open");
    writable.close().await;
    let read_only = Store::open(&format!("{url}%20-c%20default_transaction_read_only%3Don"))
        .await
        .expect("open read-only session");
    let err = ingest(&read_only, &device_sbom("Acme", "B", "1", vec![]))
        .await
        .expect_err("write must fail");
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    read_only.close().await;
    drop_schema(&url).await;
}

#[tokio::test]
async fn a_full_disk_gives_a_clear_error_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("small.db");
    let url = path.to_str().expect("utf-8").to_owned();
    Store::open(&url).await.expect("create").close().await;
    // A size limit makes SQLite fail exactly as on a full disk (SQLITE_FULL).
    let options = OpenOptions {
        sqlite_max_page_count: Some(40),
        ..OpenOptions::default()
    };
    let store = Store::open_with(&url, &options)
        .await
        .expect("open with a size limit");
    let components: Vec<_> = (0..2_000)
        .map(|idx| {
            component(
                &format!("library-with-a-long-name-{idx}"),
                "1.0.0",
                Some(&format!("pkg:npm/library-with-a-long-name-{idx}@1.0.0")),
            )
        })
        .collect();
    let err = ingest(&store, &device_sbom("Acme", "Big", "1", components))
        .await
        .expect_err("must not fit");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert!(err.to_string().contains("no space left"), "{err}");
    assert!(store.is_empty().await.expect("count"));
    assert_eq!(
        store.check_integrity().await.expect("integrity"),
        Vec::<String>::new()
    );
    // FIXME: PostgreSQL's disk_full (SQLSTATE 53100) is mapped the same way but not
    // simulated here: that needs a tablespace on a tiny file system.
    store.close().await;
}

#[tokio::test]
async fn a_newer_schema_is_refused_with_a_clear_error() {
    for db in backends().await {
        db.store.close().await;
        let sql = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                   VALUES (9999, 'from the future', TRUE, X'00', 0)";
        let sql = if db.label == "postgres" {
            sql.replace("X'00'", "'\\x00'::bytea")
        } else {
            sql.to_owned()
        };
        execute(&db, &sql).await;
        let err = match Store::open(&db.url).await {
            Ok(_) => panic!("{}: a newer schema must be refused", db.label),
            Err(err) => err,
        };
        assert!(matches!(err, StoreError::Migrate { .. }), "{err:?}");
        assert!(err.to_string().contains("cannot bring database"), "{err}");
    }
}

async fn execute(db: &common::TestDb, sql: &str) {
    use sqlx::Connection as _;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    if db.label == "sqlite" {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&db.url);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("connect");
        sqlx::query(sql).execute(&mut conn).await.expect("execute");
        return;
    }
    let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::query(sql).execute(&mut conn).await.expect("execute");
}

async fn drop_schema(url: &str) {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(&mut conn)
        .await
        .expect("schema");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut conn)
        .await
        .expect("drop schema");
}

#[tokio::test]
async fn planner_statistics_refresh_after_a_bulk_load() {
    for db in backends().await {
        for idx in 0..3 {
            let version = format!("1.{idx}");
            let sbom = device_sbom(
                "Acme",
                "Pump",
                &version,
                vec![component("zlib", "1.3.1", Some("pkg:generic/zlib@1.3.1"))],
            );
            ingest(&db.store, &sbom).await.expect("ingest");
        }
        db.store
            .refresh_statistics()
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", db.label));
        if db.label == "postgres" {
            // ANALYZE ran: the planner now knows how many component rows there are.
            let n = scalar(&db, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'sbom_components' AND relnamespace = current_schema()::regnamespace").await;
            assert!(0 < n, "{}: reltuples {n}", db.label);
        }
    }
}

#[tokio::test]
async fn namespaces_keep_their_own_revisions_and_bytes() {
    for db in backends().await {
        let store = &db.store;
        let shared = device_sbom(
            "Initech",
            "Monitor",
            "3",
            vec![component("zlib", "1.2.11", Some("pkg:generic/zlib@1.2.11"))],
        );
        let private = device_sbom(
            "Initech",
            "Monitor",
            "3",
            vec![component("zlib", "1.3.1", Some("pkg:generic/zlib@1.3.1"))],
        );
        let raw_shared = raw_of(&shared);
        let raw_private = raw_of(&private);
        let first = store
            .ingest(&request(&raw_shared, &shared))
            .await
            .expect("shared");
        let IngestOutcome::Stored(first) = first else {
            panic!("{}: {first:?}", db.label);
        };
        // Another namespace: the same names get their own product version, revision 1.
        let second = store
            .ingest_in_namespace(&request(&raw_private, &private), 42)
            .await
            .expect("private");
        let IngestOutcome::Stored(second) = second else {
            panic!("{}: {second:?}", db.label);
        };
        assert_eq!((first.revision, second.revision), (1, 1), "{}", db.label);
        assert_ne!(first.sbom_id, second.sbom_id, "{}", db.label);
        // The same bytes are stored once per namespace.
        let again = store
            .ingest_in_namespace(&request(&raw_shared, &shared), 42)
            .await
            .expect("shared bytes, private namespace");
        let IngestOutcome::Stored(again) = again else {
            panic!(
                "{}: the same bytes in another namespace are a new copy",
                db.label
            );
        };
        assert_eq!(again.revision, 2, "{}", db.label);
        let no_op = store
            .ingest(&request(&raw_shared, &shared))
            .await
            .expect("shared again");
        assert!(
            matches!(no_op, IngestOutcome::AlreadyStored(ref s) if s.sbom_id == first.sbom_id),
            "{}: {no_op:?}",
            db.label
        );
        let n_versions = common::scalar(&db, "SELECT count(*) FROM product_versions").await;
        assert_eq!(n_versions, 2, "{}", db.label);
        let n_shared_latest = common::scalar(
            &db,
            &format!(
                "SELECT count(*) FROM product_versions WHERE latest_sbom_id = {}",
                first.sbom_id
            ),
        )
        .await;
        assert_eq!(
            n_shared_latest, 1,
            "{}: the shared revision stays the newest of its own product version",
            db.label
        );
        assert!(
            store.check_integrity().await.expect("integrity").is_empty(),
            "{}",
            db.label
        );
    }
}

#[tokio::test]
async fn integrity_check_finds_component_rows_without_package_or_sbom() {
    // PostgreSQL has no foreign keys on the component rows (migration 0011); SQLite refuses
    // such rows itself.
    let Some(db) = common::postgres().await else {
        return;
    };
    let sbom = device_sbom(
        "Acme",
        "Pump",
        "1",
        vec![component("zlib", "1.3.1", Some("pkg:generic/zlib@1.3.1"))],
    );
    ingest(&db.store, &sbom).await.expect("ingest");
    assert!(
        db.store
            .check_integrity()
            .await
            .expect("integrity")
            .is_empty()
    );
    execute(
        &db,
        "INSERT INTO sbom_components (sbom_id, idx, organization_id, package_id, bom_ref, kind, \
         name, is_root) SELECT sbom_id, 99, organization_id, 999999, 'ghost', 'library', 'ghost', 0 \
         FROM sbom_components LIMIT 1",
    )
    .await;
    execute(
        &db,
        "INSERT INTO sbom_components (sbom_id, idx, organization_id, package_id, bom_ref, kind, \
         name, is_root) SELECT 777777, 0, organization_id, package_id, 'orphan', 'library', \
         'orphan', 0 FROM sbom_components LIMIT 1",
    )
    .await;
    let problems = db.store.check_integrity().await.expect("integrity");
    assert!(
        problems.iter().any(|p| p.contains("package is missing")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("#777777 ")),
        "{problems:?}"
    );
}
