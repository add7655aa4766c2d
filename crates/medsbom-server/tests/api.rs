//! The API's HTTP behaviour: password login with session cookies, CSRF on cookie writes,
//! the login rate limit, strict content types, the body limit, consistent error objects,
//! pagination, the OpenAPI document and its viewer, and the pages (with their CSP). On
//! SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use medsbom_server::accounts::{OrgKind, Role};
use serde_json::json;

use common::{call, get, org, unique_cyclonedx, user_with_token};

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
