//! The API's HTTP behaviour: password login with session cookies, CSRF on cookie writes,
//! the login rate limit, strict content types, the body limit, consistent error objects,
//! pagination, the OpenAPI document and its viewer, the pages (with their CSP), and VEX
//! upload, export and analysis decisions (API and page form). On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use medsbom_server::accounts::{OrgKind, Role};
use serde_json::json;

use common::{
    NEWTONSOFT_CVE, NEWTONSOFT_PURL, call, get, openvex, org, post_json, unique_cyclonedx,
    user_with_token,
};

fn cookie_of(reply: &common::Reply) -> String {
    let set_cookie = reply.headers["set-cookie"].to_str().expect("ascii");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    set_cookie.split(';').next().expect("pair").to_owned()
}

#[tokio::test]
async fn session_login_csrf_and_rate_limit() {
    let Some(zlib) = common::corpus_bytes("sbom/osv-scanner-testdata/alpine-zlib-16.cdx.json")
    else {
        return;
    };
    for t in common::backends().await {
        let hospital = org(&t.state, OrgKind::Provider, "St. Example").await;
        user_with_token(
            &t.state,
            &hospital,
            "ada",
            Role::Analyst,
            Some("a long password"),
        )
        .await;
        let login = json!({"username": "ada", "password": "a long password"});
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/login",
            None,
            Some("application/json"),
            login.to_string().into_bytes(),
            &[],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}: {}",
            t.label,
            reply.text()
        );
        let cookie = cookie_of(&reply);
        let csrf = reply.json()["csrf_token"]
            .as_str()
            .expect("csrf")
            .to_owned();
        let reply = call(
            &t.app,
            "GET",
            "/api/v1/me",
            None,
            None,
            Vec::new(),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(reply.json()["username"], "ada");
        assert_eq!(reply.json()["organization_kind"], "provider");

        // A cookie write without (or with a wrong) CSRF token is refused; with it, it works.
        let uri = "/api/v1/sboms?manufacturer=Initech&product=Monitor&product_version=3";
        let body = unique_cyclonedx(&zlib);
        let reply = call(
            &t.app,
            "POST",
            uri,
            None,
            Some("application/json"),
            body.clone(),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", t.label);
        assert_eq!(reply.json()["code"], "forbidden");
        let reply = call(
            &t.app,
            "POST",
            uri,
            None,
            Some("application/json"),
            body.clone(),
            &[("cookie", &cookie), ("x-csrf-token", "0000")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let reply = call(
            &t.app,
            "POST",
            uri,
            None,
            Some("application/json"),
            body.clone(),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        // The same bytes again: 200, nothing new.
        let reply = call(
            &t.app,
            "POST",
            uri,
            None,
            Some("application/json"),
            body,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json()["created"], false);

        // Tokens: created through the API, usable at once, revocable only by their owner.
        let bearer = call(
            &t.app,
            "POST",
            "/api/v1/tokens",
            None,
            Some("application/json"),
            b"{\"name\":\"laptop\"}".to_vec(),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
        assert_eq!(bearer.status, StatusCode::CREATED, "{}", bearer.text());
        let token_id = bearer.json()["id"].as_i64().expect("id");
        let token = bearer.json()["token"].as_str().expect("token").to_owned();
        assert_eq!(
            get(&t.app, "/api/v1/me", &token).await.status,
            StatusCode::OK
        );
        let other = user_with_token(&t.state, &hospital, "bob", Role::Admin, None).await;
        let reply = call(
            &t.app,
            "DELETE",
            &format!("/api/v1/tokens/{token_id}"),
            Some(&other),
            None,
            Vec::new(),
            &[],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "another user cannot revoke it"
        );
        let reply = call(
            &t.app,
            "DELETE",
            &format!("/api/v1/tokens/{token_id}"),
            Some(&token),
            None,
            Vec::new(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        assert_eq!(
            get(&t.app, "/api/v1/me", &token).await.status,
            StatusCode::UNAUTHORIZED
        );

        // Logout ends the session.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/logout",
            None,
            None,
            Vec::new(),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        let reply = call(
            &t.app,
            "GET",
            "/api/v1/me",
            None,
            None,
            Vec::new(),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

        // Wrong passwords: 401 three times (the test limit), then 429 even for the right one.
        let wrong = json!({"username": "ada", "password": "not the password"});
        for _ in 0..3 {
            let reply = call(
                &t.app,
                "POST",
                "/api/v1/login",
                None,
                Some("application/json"),
                wrong.to_string().into_bytes(),
                &[],
            )
            .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
            assert_eq!(reply.json()["code"], "unauthorized");
        }
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/login",
            None,
            Some("application/json"),
            login.to_string().into_bytes(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(reply.json()["code"], "rate_limited");
        // Unknown users get the same answer as a wrong password.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/login",
            None,
            Some("application/json"),
            json!({"username": "mallory", "password": "whatever1"})
                .to_string()
                .into_bytes(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.json()["message"], "wrong username or password");
    }
}

#[tokio::test]
async fn content_types_limits_errors_and_pages() {
    let Some(narrow) = common::corpus_bytes("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    for t in common::backends().await {
        let maker = org(&t.state, OrgKind::Manufacturer, "Acme Medical").await;
        let token = user_with_token(&t.state, &maker, "pat", Role::Publisher, None).await;
        // Strict content types.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/sboms?product=Pump&product_version=1",
            Some(&token),
            Some("image/png"),
            narrow.clone(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(reply.json()["code"], "unsupported_media_type");
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/tokens",
            Some(&token),
            Some("text/plain"),
            b"{\"name\":\"x\"}".to_vec(),
            &[],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{}",
            reply.text()
        );
        assert_eq!(reply.json()["code"], "bad_request");
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/tokens",
            Some(&token),
            Some("application/json"),
            b"{not json".to_vec(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        // Not an SBOM: 400 with a message naming the file.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/sboms?product=Pump&product_version=1&file_name=junk.json",
            Some(&token),
            Some("application/json"),
            b"{\"hello\": 1}".to_vec(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert!(
            reply.json()["message"]
                .as_str()
                .expect("message")
                .contains("junk.json")
        );
        // Over the body limit (8 MiB in the tests).
        let big = vec![b' '; 9 * 1024 * 1024];
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/sboms?product=Pump&product_version=1",
            Some(&token),
            Some("application/json"),
            big,
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        // Upload, pagination, check and download.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/sboms?product=Pump&product_version=1",
            Some(&token),
            Some("application/json"),
            narrow.clone(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let sbom_id = reply.json()["sbom_id"].as_i64().expect("id");
        let search = get(&t.app, "/api/v1/search?name=a&limit=2&offset=1", &token)
            .await
            .json();
        assert_eq!(search["limit"], 2);
        assert_eq!(search["offset"], 1);
        assert_eq!(search["items"].as_array().expect("items").len(), 2);
        assert!(2 < search["total"].as_u64().expect("total"));
        let reply = get(&t.app, &format!("/api/v1/sboms/{sbom_id}/raw"), &token).await;
        assert_eq!(reply.body, narrow);
        let check = get(
            &t.app,
            &format!("/api/v1/sboms/{sbom_id}/check?profile=fda-premarket&as_of=2025-06-01"),
            &token,
        )
        .await
        .json();
        assert_eq!(check["profile"], "fda-premarket");
        assert!(!check["elements"].as_array().expect("elements").is_empty());
        let reply = get(
            &t.app,
            &format!("/api/v1/sboms/{sbom_id}/check?profile=nope"),
            &token,
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        let reply = get(&t.app, "/api/v1/search?purl=not-a-purl", &token).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        // Gzip when asked for.
        let reply = call(
            &t.app,
            "GET",
            &format!("/api/v1/sboms/{sbom_id}"),
            Some(&token),
            None,
            Vec::new(),
            &[("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(reply.headers["content-encoding"], "gzip");
        // OpenAPI and its offline viewer.
        let reply = call(
            &t.app,
            "GET",
            "/api/openapi.json",
            None,
            None,
            Vec::new(),
            &[],
        )
        .await;
        let doc = reply.json();
        assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
        for path in [
            "/api/v1/sboms",
            "/api/v1/search",
            "/api/v1/impact",
            "/api/v1/audit/verify",
            "/api/v1/vex",
            "/api/v1/vex/export",
            "/api/v1/analysis",
        ] {
            assert!(
                doc["paths"].get(path).is_some(),
                "{path} in the OpenAPI document"
            );
        }
        let reply = call(&t.app, "GET", "/api/docs/", None, None, Vec::new(), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            !reply.text().contains("https://"),
            "the viewer loads nothing from the network"
        );
        // Pages: login page without a session, CSP everywhere.
        let reply = call(&t.app, "GET", "/login", None, None, Vec::new(), &[]).await;
        assert!(
            reply.headers["content-security-policy"]
                .to_str()
                .expect("csp")
                .contains("script-src 'self'")
        );
        assert!(reply.text().contains("<label for=\"password\">"));
        let form = "username=pat&password=x";
        let reply = call(
            &t.app,
            "POST",
            "/login",
            None,
            Some("application/x-www-form-urlencoded"),
            form.as_bytes().to_vec(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        for page in [
            "/",
            "/products",
            &format!("/sboms/{sbom_id}"),
            "/search?name=wolf",
            "/assets",
            "/lifecycle",
            "/upload",
            "/vulnerabilities/CVE-2022-37434",
        ] {
            let reply = get(&t.app, page, &token).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{} {page}: {}",
                t.label,
                reply.text()
            );
            assert!(reply.text().contains("<main id=\"main\""), "{page}");
        }
        let reply = get(&t.app, "/search?name=wolf", &token).await;
        assert!(reply.text().contains("WolfSSL"), "{}", reply.text());
        // The dependency tree of a document with dependencies: nested, balanced lists.
        if let Some(laravel) =
            common::corpus_bytes("sbom/cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.json")
        {
            let reply = call(
                &t.app,
                "POST",
                "/api/v1/sboms?product=Laravel&product_version=7.12.0",
                Some(&token),
                Some("application/json"),
                laravel,
                &[],
            )
            .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
            let id = reply.json()["sbom_id"].as_i64().expect("id");
            let html = get(&t.app, &format!("/sboms/{id}"), &token).await.text();
            let start = html.find("<ul class=\"tree\">").expect("a dependency tree");
            let end = html[start..].find("</section>").expect("end") + start;
            let tree = &html[start..end];
            assert!(tree.contains("<ul><li>"), "nested levels: {tree}");
            assert_eq!(
                tree.matches("<ul").count(),
                tree.matches("</ul>").count(),
                "{tree}"
            );
            assert_eq!(
                tree.matches("<li>").count(),
                tree.matches("</li>").count(),
                "{tree}"
            );
        }
        let reply = get(&t.app, "/sboms/999999", &token).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
}

/// One good statement and one with a status no format knows.
const HALF_BAD_OPENVEX: &str = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.org/vex/half-bad",
  "author": "St. Example",
  "timestamp": "2024-05-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2024-21907"}, "products": [{"@id": "Pump"}], "status": "under_investigation"},
    {"vulnerability": {"name": "CVE-2024-0001"}, "products": [{"@id": "Pump"}], "status": "probably_fine"}
  ]
}"#;

#[tokio::test]
async fn vex_upload_export_and_analysis_decisions() {
    let Some(narrow) = common::corpus_bytes("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    for t in common::backends().await {
        common::import_osv_fixture(&t.state).await;
        let maker = org(&t.state, OrgKind::Manufacturer, "Acme Medical").await;
        let hospital = org(&t.state, OrgKind::Provider, "St. Example").await;
        let publisher = user_with_token(&t.state, &maker, "pat", Role::Publisher, None).await;
        let analyst = user_with_token(
            &t.state,
            &hospital,
            "ada",
            Role::Analyst,
            Some("a long password"),
        )
        .await;
        let viewer = user_with_token(&t.state, &hospital, "vic", Role::Viewer, None).await;
        let admin = user_with_token(&t.state, &hospital, "adm", Role::Admin, None).await;
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/sboms?product=Pump&product_version=1",
            Some(&analyst),
            Some("application/json"),
            narrow.clone(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

        // Errors: content type, not a VEX document, the role, a bad body.
        let vex = openvex(
            "api-1",
            "St. Example",
            "Pump",
            "not_affected",
            "2024-06-01T00:00:00Z",
        );
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&analyst),
            Some("image/png"),
            vex.clone(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(reply.json()["code"], "unsupported_media_type");
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex?file_name=sbom.json",
            Some(&analyst),
            Some("application/json"),
            narrow.clone(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert!(
            reply.json()["message"]
                .as_str()
                .expect("message")
                .contains("sbom.json"),
            "{}",
            reply.text()
        );
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&analyst),
            Some("application/json"),
            b"{not json".to_vec(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&viewer),
            Some("application/json"),
            vex.clone(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.json()["code"], "forbidden");

        // The per-statement report: one stored, one skipped with its reason; the same bytes
        // again are a no-op.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex?file_name=half.json",
            Some(&analyst),
            Some("application/json"),
            HALF_BAD_OPENVEX.as_bytes().to_vec(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let report = reply.json();
        assert_eq!(report["status"], "imported");
        assert_eq!(report["format"], "openvex");
        assert_eq!(report["n_statements"], 1);
        assert_eq!(report["statements"][0]["vulnerability_id"], NEWTONSOFT_CVE);
        assert_eq!(
            report["skipped"].as_array().expect("skipped").len(),
            1,
            "{report}"
        );
        assert_eq!(report["skipped"][0]["vulnerability_id"], "CVE-2024-0001");
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex?file_name=half.json",
            Some(&analyst),
            Some("application/json"),
            HALF_BAD_OPENVEX.as_bytes().to_vec(),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json()["status"], "already-imported");
        // Gzip is read like an SBOM upload's.
        let gzipped = {
            use std::io::Write as _;
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&vex).expect("gzip");
            encoder.finish().expect("gzip")
        };
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&analyst),
            Some("application/gzip"),
            gzipped,
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let findings = get(
            &t.app,
            &format!("/api/v1/findings?vulnerability={NEWTONSOFT_CVE}"),
            &analyst,
        )
        .await
        .json();
        assert_eq!(
            findings["items"][0]["vex_status"], "not_affected",
            "{findings}"
        );
        assert_eq!(
            findings["items"][0]["vex_justification"],
            "vulnerable_code_not_in_execute_path"
        );
        let sources = get(&t.app, "/api/v1/vex", &viewer).await.json();
        assert_eq!(sources["total"], 2, "{sources}");
        assert_eq!(sources["items"][0]["owner"], "own");

        // Decisions: errors first.
        let finding = format!("Pump@1:{NEWTONSOFT_PURL}:{NEWTONSOFT_CVE}");
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &viewer,
            &json!({"finding": finding, "state": "affected"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &analyst,
            &json!({"finding": finding, "state": "maybe"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert!(
            reply.json()["message"]
                .as_str()
                .expect("message")
                .contains("state")
        );
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &analyst,
            &json!({"finding": finding, "state": "not_affected", "justification": "because"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &analyst,
            &json!({"finding": "no component", "state": "affected"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &analyst,
            &json!({"product": "Pump", "state": "affected"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        let reply = post_json(&t.app, "/api/v1/analysis", &analyst, &json!({"product": "Pump", "product_version": "9", "vulnerability_id": NEWTONSOFT_CVE, "state": "affected"})).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
        // A publisher records no decisions.
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &publisher,
            &json!({"finding": finding, "state": "affected"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
        // A decision by fields (component defaults to every component).
        let reply = post_json(&t.app, "/api/v1/analysis", &analyst, &json!({
            "product": "Pump", "product_version": "1", "vulnerability_id": NEWTONSOFT_CVE,
            "state": "exploitable", "responses": ["update"], "detail": "reachable from the ward network",
        })).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let decision = reply.json();
        assert_eq!(decision["state"], "affected");
        assert_eq!(decision["state_original"], "exploitable");
        assert_eq!(decision["component"], "*");
        assert_eq!(decision["role"], "provider");
        assert_eq!(decision["analyst"], "ada");
        let findings = get(
            &t.app,
            &format!("/api/v1/findings?vulnerability={NEWTONSOFT_CVE}"),
            &analyst,
        )
        .await
        .json();
        assert_eq!(findings["items"][0]["vex_status"], "affected", "{findings}");
        assert_eq!(
            findings["items"][0]["vex_source"],
            "analysis by ada (provider)"
        );
        let listed = get(
            &t.app,
            &format!("/api/v1/analysis?vulnerability={NEWTONSOFT_CVE}"),
            &viewer,
        )
        .await
        .json();
        assert_eq!(listed["total"], 1, "{listed}");
        let listed = get(&t.app, "/api/v1/analysis?finding=bad", &viewer).await;
        assert_eq!(listed.status, StatusCode::BAD_REQUEST);

        // The page form: CSRF checked, the decision recorded, the page shows it.
        let login = json!({"username": "ada", "password": "a long password"});
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/login",
            None,
            Some("application/json"),
            login.to_string().into_bytes(),
            &[],
        )
        .await;
        let cookie = cookie_of(&reply);
        let csrf = reply.json()["csrf_token"]
            .as_str()
            .expect("csrf")
            .to_owned();
        let page = call(
            &t.app,
            "GET",
            &format!("/vulnerabilities/{NEWTONSOFT_CVE}"),
            None,
            None,
            Vec::new(),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("<label for=\"analysis-state\">"), "{html}");
        assert!(
            html.contains(&format!("value=\"{csrf}\"")),
            "the form carries the CSRF token"
        );
        assert!(
            html.contains("reachable from the ward network"),
            "the decision is listed"
        );
        let form = |csrf: &str| {
            format!(
                "csrf={csrf}&finding={}&state=not_affected&justification=inline_mitigations_already_exist&detail=firewalled",
                finding.replace(':', "%3A").replace('@', "%40").replace('/', "%2F")
            )
            .into_bytes()
        };
        let uri = format!("/vulnerabilities/{NEWTONSOFT_CVE}/analysis");
        let reply = call(
            &t.app,
            "POST",
            &uri,
            None,
            Some("application/x-www-form-urlencoded"),
            form("wrong"),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let reply = call(
            &t.app,
            "POST",
            &uri,
            None,
            Some("application/x-www-form-urlencoded"),
            form(&csrf),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let html = call(
            &t.app,
            "GET",
            &format!("/vulnerabilities/{NEWTONSOFT_CVE}"),
            None,
            None,
            Vec::new(),
            &[("cookie", &cookie)],
        )
        .await
        .text();
        assert!(html.contains("firewalled"), "{html}");
        assert!(
            html.contains("<span class=\"vex-status\">not_affected</span>"),
            "{html}"
        );
        let history = get(
            &t.app,
            &format!(
                "/api/v1/analysis?history=true&finding={}",
                finding
                    .replace(':', "%3A")
                    .replace('@', "%40")
                    .replace('/', "%2F")
            ),
            &viewer,
        )
        .await
        .json();
        assert_eq!(history["total"], 1, "{history}");

        // Export: the manufacturer, its own product only.
        let acme_sbom = unique_cyclonedx(
            &common::corpus_bytes("sbom/medical-device/case-study/extended.sbom.json")
                .expect("corpus"),
        );
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/sboms?product=Monitor&product_version=5",
            Some(&publisher),
            Some("application/json"),
            acme_sbom,
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&publisher),
            Some("application/json"),
            openvex(
                "acme-monitor",
                "Acme Medical",
                "Monitor",
                "not_affected",
                "2024-06-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        for format in ["openvex", "cyclonedx", "csaf"] {
            let reply = get(
                &t.app,
                &format!("/api/v1/vex/export?product=monitor&version=5&format={format}"),
                &publisher,
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{format}: {}", reply.text());
            let document = reply.body.clone();
            let read =
                medsbom_vex::parse::parse("export.json", &document).expect("the export reads back");
            assert_eq!(read.statements.len(), 1, "{format}: {}", reply.text());
            assert_eq!(read.statements[0].status.as_str(), "not_affected");
        }
        let reply = get(
            &t.app,
            "/api/v1/vex/export?product=Monitor&format=word",
            &publisher,
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        let reply = get(
            &t.app,
            "/api/v1/vex/export?product=Pump&format=openvex",
            &publisher,
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
        let reply = get(
            &t.app,
            "/api/v1/vex/export?product=Monitor&format=openvex",
            &analyst,
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);

        // Every change is in the audit log.
        let audit = get(&t.app, "/api/v1/audit?limit=1000", &admin).await.json();
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "vex.import").count(),
            3,
            "{actions:?}"
        );
        assert_eq!(
            actions
                .iter()
                .filter(|a| **a == "analysis.decision")
                .count(),
            2,
            "{actions:?}"
        );
        let verify = get(&t.app, "/api/v1/audit/verify", &admin).await.json();
        assert_eq!(verify["intact"], true);
    }
}

/// The committed OpenAPI document (`openapi.json`) is the one the code generates; run with
/// `UPDATE_EXPECT=1` to rewrite it after changing a route, and review the diff.
#[test]
fn openapi_document_is_committed() {
    use utoipa::OpenApi as _;
    let generated = medsbom_server::api::ApiDoc::openapi()
        .to_pretty_json()
        .expect("serialize")
        + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json is out of date: run `UPDATE_EXPECT=1 cargo test -p medsbom-server --test api`"
    );
}
