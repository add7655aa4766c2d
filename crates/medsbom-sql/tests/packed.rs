//! `fetch_all_packed` returns exactly what `fetch_all` returns, on SQLite and PostgreSQL:
//! texts with quotes, backslashes, control characters and non-ASCII letters, NULLs, the
//! extreme integers, and no rows at all.

use medsbom_sql::{Db, Param};
use medsbom_store::{OpenOptions, Store};

const TEXTS: [&str; 6] = [
    "plain",
    "quote \" and backslash \\",
    "line\nbreak\ttab\u{1}",
    "Überwachungsmonitor — 监护仪 🫀",
    "",
    "[1,2]",
];

async fn check(db: &Db, label: &str) {
    let context = "testing packed rows";
    db.execute(
        context,
        "CREATE TABLE packed_test (id BIGINT NOT NULL, label TEXT, amount BIGINT)",
        &[],
    )
    .await
    .expect("create");
    let ints = [i64::MIN, -1, 0, 1, i64::MAX, 42];
    for (idx, (text, amount)) in TEXTS.iter().zip(ints).enumerate() {
        let label_param = if idx == 4 { None } else { Some(*text) };
        db.execute(
            context,
            "INSERT INTO packed_test (id, label, amount) VALUES ($1, $2, $3)",
            &[
                Param::int(i64::try_from(idx).expect("small")),
                Param::Text(label_param),
                Param::int(amount),
            ],
        )
        .await
        .expect("insert");
    }
    let columns = "id, label, amount, CAST(NULL AS TEXT)";
    for rest in [
        "FROM packed_test",
        "FROM packed_test WHERE id > $1",
        "FROM packed_test WHERE id < $1",
    ] {
        let params: Vec<Param<'_>> = if rest.contains("$1") {
            vec![Param::int(if rest.contains('>') { 2 } else { 0 })]
        } else {
            Vec::new()
        };
        let plain = db
            .fetch_all(context, &format!("SELECT {columns} {rest}"), &params)
            .await
            .expect("plain");
        let packed = db
            .fetch_all_packed(context, columns, rest, &params)
            .await
            .expect("packed");
        let values = |rows: &[medsbom_sql::Row]| -> Vec<Vec<Option<String>>> {
            rows.iter()
                .map(|row| {
                    vec![
                        Some(row.int(0).expect("id").to_string()),
                        row.opt_text(1).expect("label"),
                        Some(row.int(2).expect("amount").to_string()),
                        row.opt_text(3).expect("null"),
                    ]
                })
                .collect()
        };
        let (mut plain, mut packed) = (values(&plain), values(&packed));
        plain.sort();
        packed.sort();
        assert_eq!(plain, packed, "{label}: {rest}");
        if rest.contains('<') {
            assert!(packed.is_empty(), "{label}: no rows");
        } else {
            assert!(!packed.is_empty(), "{label}: {rest}");
        }
    }
    // Everything round-trips, not only what the comparison above reads.
    let packed = db
        .fetch_all_packed(context, "label", "FROM packed_test ORDER BY id", &[])
        .await
        .expect("packed labels");
    let labels: Vec<Option<String>> = packed
        .iter()
        .map(|row| row.opt_text(0).expect("label"))
        .collect();
    let expected: Vec<Option<String>> = TEXTS
        .iter()
        .enumerate()
        .map(|(idx, text)| (idx != 4).then(|| (*text).to_owned()))
        .collect();
    let mut sorted_labels = labels.clone();
    let mut sorted_expected = expected.clone();
    sorted_labels.sort();
    sorted_expected.sort();
    assert_eq!(sorted_labels, sorted_expected, "{label}");
}

#[tokio::test]
async fn packed_rows_equal_plain_rows_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("packed.db");
    let url = path.to_str().expect("utf-8 path").to_owned();
    let store = Store::open(&url).await.expect("open");
    let db = Db::attach(&store, &url, &OpenOptions::default())
        .await
        .expect("attach");
    check(&db, "sqlite").await;
    db.close().await;
    store.close().await;
}

#[tokio::test]
async fn packed_rows_equal_plain_rows_on_postgres() {
    let Some(admin_url) = medsbom_testkit::postgres_url() else {
        return;
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = |sql: String| {
        let admin_url = admin_url.clone();
        async move {
            use sqlx::Connection as _;
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to MEDSBOM_TEST_PG");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("admin statement");
            let _ = conn.close().await;
        }
    };
    admin(format!("CREATE SCHEMA {schema}")).await;
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
    let store = Store::open(&url).await.expect("open schema");
    let db = Db::attach(&store, &url, &OpenOptions::default())
        .await
        .expect("attach");
    check(&db, "postgres").await;
    db.close().await;
    store.close().await;
    admin(format!("DROP SCHEMA {schema} CASCADE")).await;
}
