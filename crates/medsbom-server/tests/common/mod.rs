//! Test support: one fresh database per backend (a temporary SQLite file, and a private
//! schema on the test PostgreSQL server when `MEDSBOM_TEST_PG` is set), the application on
//! it, and requests through `tower::ServiceExt::oneshot` (no network).
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use medsbom_server::accounts::{self, OrgKind, Organization, Role};
use medsbom_server::{AppState, Config};
use serde_json::Value;
use tower::ServiceExt as _;

/// A database and the application on it. Dropping it removes the SQLite directory or the
/// PostgreSQL schema.
pub struct TestApp {
    pub state: AppState,
    pub app: Router,
    pub url: String,
    pub label: &'static str,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((admin_url, schema)) = self.pg.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                use sqlx::Connection as _;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// The config of the tests: a small login limit.
pub fn test_config() -> Config {
    Config {
        max_failed_logins: 3,
        max_body_bytes: 8 * 1024 * 1024,
        ..Config::default()
    }
}

async fn open(
    url: String,
    label: &'static str,
    dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
) -> TestApp {
    let state = AppState::open(&url, test_config())
        .await
        .expect("open the database");
    let app = medsbom_server::router(state.clone());
    TestApp {
        state,
        app,
        url,
        label,
        dir,
        pg,
    }
}

/// A fresh SQLite database.
pub async fn sqlite() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = dir
        .path()
        .join("medsbom.db")
        .to_str()
        .expect("utf-8 path")
        .to_owned();
    open(url, "sqlite", Some(dir), None).await
}

/// A fresh PostgreSQL schema, or `None` (with a SKIP line) when no server is configured.
pub async fn postgres() -> Option<TestApp> {
    use sqlx::Connection as _;
    let admin_url = medsbom_testkit::postgres_url()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to MEDSBOM_TEST_PG");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create test schema");
    let _ = conn.close().await;
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
    Some(open(url, "postgres", None, Some((admin_url, schema))).await)
}

/// SQLite, then PostgreSQL when available.
pub async fn backends() -> Vec<TestApp> {
    let mut res = vec![sqlite().await];
    res.extend(postgres().await);
    res
}

/// A response: status, headers and body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (panics with the body text when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request. `auth` is a bearer token; `extra` are more headers.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = auth {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body)).expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// GET with a token.
pub async fn get(app: &Router, uri: &str, token: &str) -> Reply {
    call(app, "GET", uri, Some(token), None, Vec::new(), &[]).await
}

/// POST JSON with a token.
pub async fn post_json(app: &Router, uri: &str, token: &str, body: &Value) -> Reply {
    call(
        app,
        "POST",
        uri,
        Some(token),
        Some("application/json"),
        body.to_string().into_bytes(),
        &[],
    )
    .await
}

/// Creates an organization and a user with a token; returns the token.
pub async fn user_with_token(
    state: &AppState,
    org: &Organization,
    username: &str,
    role: Role,
    password: Option<&str>,
) -> String {
    accounts::create_user(state.db(), org, username, role, password)
        .await
        .expect("create user");
    accounts::create_token(state.db(), username, "test")
        .await
        .expect("create token")
        .token
}

/// Creates an organization.
pub async fn org(state: &AppState, kind: OrgKind, name: &str) -> Organization {
    accounts::create_org(state.db(), kind, name)
        .await
        .expect("create org")
}

/// The bytes of a corpus file, or `None` (with a SKIP line) without the corpus.
pub fn corpus_bytes(relative: &str) -> Option<Vec<u8>> {
    let path = medsbom_testkit::corpus_path(relative)?;
    Some(std::fs::read(&path).expect("read corpus file"))
}

/// A real CycloneDX JSON SBOM from the corpus with a fresh serial number, so that several
/// uploads of it are distinct documents.
pub fn unique_cyclonedx(raw: &[u8]) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(raw).expect("corpus JSON");
    value["serialNumber"] = Value::String(format!("urn:uuid:{}", uuid::Uuid::new_v4()));
    serde_json::to_vec(&value).expect("serialize")
}

/// Runs one SQL statement on the test database directly (as someone with database access
/// would), bypassing the server.
pub async fn exec_raw(t: &TestApp, sql: &str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection as _;
    match &t.pg {
        Some(_) => {
            let mut conn = sqlx::PgConnection::connect(&t.url).await?;
            let res = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
            Ok(res?.rows_affected())
        }
        None => {
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", t.url)).await?;
            let res = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
            Ok(res?.rows_affected())
        }
    }
}

/// The vulnerability of the project's OSV fixture: Newtonsoft.Json before 13.0.1, which
/// both case-study SBOMs of the corpus carry (9.0.1).
pub const NEWTONSOFT_CVE: &str = "CVE-2024-21907";

/// The purl of that component in the case-study SBOMs.
pub const NEWTONSOFT_PURL: &str = "pkg:nuget/Newtonsoft.Json@9.0.1";

/// Imports the project's OSV fixture (`tests/data/osv`) into the test database, so that
/// the case-study SBOMs have a finding.
pub async fn import_osv_fixture(state: &AppState) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv");
    let options = medsbom_vuln::import::ImportOptions {
        match_config: medsbom_vuln::evaluate::MatchConfig::EXACT,
        progress: None,
    };
    let report = medsbom_vuln::import::import_paths(state.vuln(), &[dir], &options)
        .await
        .expect("import the OSV fixture");
    assert_eq!(report.n_errors, 0, "{report:?}");
}

/// An OpenVEX 0.2.0 document with one statement about `product` and the Newtonsoft.Json
/// component; `id` makes the bytes unique.
pub fn openvex(id: &str, author: &str, product: &str, status: &str, timestamp: &str) -> Vec<u8> {
    let justification = match status {
        "not_affected" => ", \"justification\": \"vulnerable_code_not_in_execute_path\"",
        "affected" => ", \"action_statement\": \"update to 13.0.1\"",
        _ => "",
    };
    format!(
        r#"{{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/{id}",
  "author": "{author}",
  "timestamp": "{timestamp}",
  "version": 1,
  "statements": [{{
    "vulnerability": {{"name": "{NEWTONSOFT_CVE}"}},
    "products": [{{"@id": "{product}", "subcomponents": [{{"@id": "pkg:nuget/Newtonsoft.Json"}}]}}],
    "status": "{status}"{justification}
  }}]
}}"#
    )
    .into_bytes()
}
