//! Two hospitals upload different SBOMs for the same device (same manufacturer, product and
//! version). Each upload is the hospital's private copy: each sees its own components in
//! search, its own findings, its own assets' impact and lifecycle, and never the other's,
//! whichever uploaded last. On SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use medsbom_server::accounts::{OrgKind, Role};
use serde_json::Value;

use common::{TestApp, call, get, org, user_with_token};

/// A CycloneDX 1.6 SBOM of "Initech Monitor 3" with one npm component.
fn monitor_sbom(component: &str, version: &str) -> Vec<u8> {
    serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid::Uuid::new_v4()),
        "version": 1,
        "metadata": {
            "timestamp": "2026-01-01T00:00:00Z",
            "component": {"type": "device", "bom-ref": "root", "name": "Monitor", "version": "3",
                "manufacturer": {"name": "Initech"}}
        },
        "components": [{
            "type": "library", "bom-ref": "c1", "name": component, "version": version,
            "purl": format!("pkg:npm/{component}@{version}")
        }],
        "dependencies": [{"ref": "root", "dependsOn": ["c1"]}]
    })
    .to_string()
    .into_bytes()
}

/// An OSV advisory on both hospitals' components.
const ADVISORY: &str = r#"{
  "schema_version": "1.6.0",
  "id": "GHSA-test-ns01-0001",
  "modified": "2026-01-01T00:00:00Z",
  "aliases": ["CVE-2099-0001"],
  "summary": "test advisory",
  "affected": [
    {"package": {"ecosystem": "npm", "name": "left-lib"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]},
    {"package": {"ecosystem": "npm", "name": "right-lib"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}
  ]
}"#;

async fn upload(t: &TestApp, token: &str, body: Vec<u8>) -> Value {
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/sboms?manufacturer=Initech",
        Some(token),
        Some("application/json"),
        body,
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

async fn import_assets(t: &TestApp, token: &str, asset_id: &str) {
    let csv = format!(
        "asset_id,manufacturer,product,product_version,site,department,criticality,exposure\n\
         {asset_id},Initech,Monitor,3,Main,ICU,monitoring,hospital-lan\n"
    );
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/assets/import",
        Some(token),
        Some("text/csv"),
        csv.into_bytes(),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

fn column(value: &Value, key: &str) -> BTreeSet<String> {
    value["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item[key].as_str().map(str::to_owned))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

async fn run(t: &TestApp) {
    let left_org = org(&t.state, OrgKind::Provider, "Left Hospital").await;
    let right_org = org(&t.state, OrgKind::Provider, "Right Hospital").await;
    let left = user_with_token(&t.state, &left_org, "left", Role::Analyst, None).await;
    let right = user_with_token(&t.state, &right_org, "right", Role::Analyst, None).await;
    import_assets(t, &left, "L-1").await;
    import_assets(t, &right, "R-1").await;

    let left_sbom = upload(t, &left, monitor_sbom("left-lib", "1.0.0")).await;
    // The right hospital uploads last: in a shared namespace its SBOM would become the
    // newest revision of the left hospital's product version too.
    let right_sbom = upload(t, &right, monitor_sbom("right-lib", "1.0.0")).await;
    for stored in [&left_sbom, &right_sbom] {
        assert_eq!(stored["manufacturer"], "Initech", "{stored}");
        assert_eq!(stored["product"], "Monitor", "{stored}");
        assert_eq!(stored["product_version"], "3", "{stored}");
        assert_eq!(stored["revision"], 1, "{}: a private copy", t.label);
    }
    // The same bytes from the other hospital are its own copy too.
    let shared_bytes = monitor_sbom("both-lib", "1.0.0");
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/sboms?manufacturer=Initech&product_version=4",
        Some(&left),
        Some("application/json"),
        shared_bytes.clone(),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/sboms?manufacturer=Initech&product_version=4",
        Some(&right),
        Some("application/json"),
        shared_bytes,
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("advisory.json");
    std::fs::write(&path, ADVISORY).expect("write advisory");
    medsbom_vuln::import::import_paths(
        t.state.vuln(),
        &[path],
        &medsbom_vuln::import::ImportOptions {
            match_config: medsbom_vuln::evaluate::MatchConfig::EXACT,
            progress: None,
        },
    )
    .await
    .expect("import advisory");

    for (token, own, other, asset) in [
        (&left, "left-lib", "right-lib", "L-1"),
        (&right, "right-lib", "left-lib", "R-1"),
    ] {
        let who = format!("{} {own}", t.label);
        let hits = column(
            &get(&t.app, "/api/v1/search?name=lib", token).await.json(),
            "name",
        );
        assert_eq!(hits, set(&[own, "both-lib"]), "{who}: search");
        let hits = column(
            &get(&t.app, &format!("/api/v1/search?name={other}"), token)
                .await
                .json(),
            "name",
        );
        assert!(hits.is_empty(), "{who}: search leaked {hits:?}");

        let findings = get(&t.app, "/api/v1/findings", token).await.json();
        assert_eq!(
            column(&findings, "component"),
            set(&[own]),
            "{who}: findings"
        );
        assert_eq!(
            column(&findings, "vulnerability_id"),
            set(&["CVE-2099-0001"]),
            "{who}: findings"
        );

        let impact = get(&t.app, "/api/v1/impact?vulnerability=CVE-2099-0001", token)
            .await
            .json();
        assert_eq!(column(&impact, "asset_id"), set(&[asset]), "{who}: impact");
        assert_eq!(column(&impact, "component"), set(&[own]), "{who}: impact");
        let impact = get(
            &t.app,
            &format!("/api/v1/impact?purl=pkg:npm/{other}"),
            token,
        )
        .await
        .json();
        assert!(
            column(&impact, "asset_id").is_empty(),
            "{who}: impact by the other's purl: {impact}"
        );

        let products = get(&t.app, "/api/v1/products", token).await.json();
        assert_eq!(
            products["items"].as_array().map(Vec::len),
            Some(1),
            "{who}: products {products}"
        );
        let sboms = get(&t.app, "/api/v1/sboms", token).await.json();
        assert_eq!(
            sboms["items"].as_array().map(Vec::len),
            Some(2),
            "{who}: sboms {sboms}"
        );
    }
}

#[tokio::test]
async fn hospitals_keep_private_copies_of_the_same_device() {
    for t in common::backends().await {
        run(&t).await;
    }
}
