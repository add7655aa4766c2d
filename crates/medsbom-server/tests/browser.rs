//! The web UI in a real browser: headless Chromium driven over WebDriver (chromedriver)
//! against the server on an ephemeral loopback port. A hospital analyst logs in, uploads a
//! device SBOM, sees it on the dashboard, searches a component and opens an affected asset,
//! then uploads a VEX statement that marks a finding not affected, sees the vulnerability
//! page say so, and records a decision of its own with the page's form.
//!
//! Skips with a message when `chromium` or `chromedriver` is missing, unless
//! `MEDSBOM_STRICT_SKIPS=1` (CI installs both: `apt-get install -y chromium chromium-driver`).

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use medsbom_server::accounts::{OrgKind, Role};
use tokio::io::{AsyncBufReadExt as _, BufReader};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Starts chromedriver on a free port and returns it with the port, reading the port from
/// its startup line (no fixed port, no sleeping).
async fn start_chromedriver() -> (tokio::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let mut child = tokio::process::Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.contains("started successfully") {
            break;
        }
    }
    // Keep draining its output so that chromedriver never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_upload_dashboard_search_asset() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        medsbom_testkit::skip(
            "headless Chromium",
            "install chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
        );
        return;
    }
    let Some(sbom_path) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    let t = common::sqlite().await;
    common::import_osv_fixture(&t.state).await;
    let vex_dir = tempfile::tempdir().expect("temporary directory");
    let vex_path = vex_dir.path().join("pump-vex.json");
    std::fs::write(
        &vex_path,
        common::openvex(
            "browser-1",
            "St. Example",
            "Infusion Pump",
            "not_affected",
            "2024-06-01T00:00:00Z",
        ),
    )
    .expect("write the VEX file");
    let hospital = common::org(&t.state, OrgKind::Provider, "St. Example").await;
    let token = common::user_with_token(
        &t.state,
        &hospital,
        "ada",
        Role::Analyst,
        Some("correct horse battery"),
    )
    .await;
    let csv = "asset_id,manufacturer,product,product_version,site,department,criticality,exposure\n\
               ICU-7,Acme Medical,Infusion Pump,2.1,North,ICU,life-sustaining,hospital-lan\n";
    let reply = common::call(
        &t.app,
        "POST",
        "/api/v1/assets/import",
        Some(&token),
        Some("text/csv"),
        csv.as_bytes().to_vec(),
        &[],
    )
    .await;
    assert_eq!(reply.status, axum::http::StatusCode::OK, "{}", reply.text());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(medsbom_server::serve(listener, t.app.clone(), async {
        let _ = stopped.await;
    }));

    let (mut chromedriver, port) = start_chromedriver().await;
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");
    let wait = Duration::from_secs(30);

    // Log in.
    client
        .goto(&format!("{base}/login"))
        .await
        .expect("login page");
    client
        .find(Locator::Css("#username"))
        .await
        .expect("username")
        .send_keys("ada")
        .await
        .expect("type");
    client
        .find(Locator::Css("#password"))
        .await
        .expect("password")
        .send_keys("correct horse battery")
        .await
        .expect("type");
    client
        .find(Locator::Css("#login-submit"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#recent-sboms"))
        .await
        .expect("dashboard after login");

    // Upload the SBOM (the file input takes the path; app.js sends it with the CSRF token).
    client
        .goto(&format!("{base}/upload"))
        .await
        .expect("upload page");
    let path = sbom_path.canonicalize().expect("absolute path");
    client
        .find(Locator::Css("#sbom-file"))
        .await
        .expect("file input")
        .send_keys(path.to_str().expect("utf-8"))
        .await
        .expect("choose file");
    client
        .find(Locator::Css("#manufacturer"))
        .await
        .expect("manufacturer")
        .send_keys("Acme Medical")
        .await
        .expect("type");
    client
        .find(Locator::Css("#product"))
        .await
        .expect("product")
        .send_keys("Infusion Pump")
        .await
        .expect("type");
    client
        .find(Locator::Css("#product_version"))
        .await
        .expect("version")
        .send_keys("2.1")
        .await
        .expect("type");
    client
        .find(Locator::Css("#upload-submit"))
        .await
        .expect("upload")
        .click()
        .await
        .expect("click");
    client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#h-comp"))
        .await
        .expect("the stored SBOM's page");
    assert!(
        client
            .current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/sboms/")
    );

    // The dashboard lists it.
    client.goto(&format!("{base}/")).await.expect("dashboard");
    let recent = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#recent-sboms"))
        .await
        .expect("recent");
    let text = recent.text().await.expect("text");
    assert!(
        text.contains("Acme Medical Infusion Pump 2.1"),
        "dashboard shows: {text}"
    );

    // Search a component, then open an affected asset.
    client
        .goto(&format!("{base}/search"))
        .await
        .expect("search page");
    client
        .find(Locator::Css("#q"))
        .await
        .expect("search box")
        .send_keys("wolfssl")
        .await
        .expect("type");
    client
        .find(Locator::Css("#search-submit"))
        .await
        .expect("search")
        .click()
        .await
        .expect("click");
    let results = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#search-results"))
        .await
        .expect("results");
    assert!(results.text().await.expect("text").contains("WolfSSL"));
    client
        .find(Locator::LinkText("assets with WolfSSL"))
        .await
        .expect("affected assets link")
        .click()
        .await
        .expect("click");
    client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#impact"))
        .await
        .expect("impact page");
    client
        .find(Locator::LinkText("ICU-7"))
        .await
        .expect("asset link")
        .click()
        .await
        .expect("click");
    let heading = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("main h1"))
        .await
        .expect("asset page");
    assert_eq!(heading.text().await.expect("text"), "Asset ICU-7");
    let source = client.source().await.expect("source");
    assert!(
        source.contains("WolfSSL"),
        "the asset page lists its components"
    );

    // Upload a VEX statement: Newtonsoft.Json's CVE does not affect the pump.
    client
        .goto(&format!("{base}/upload"))
        .await
        .expect("upload page");
    client
        .find(Locator::Css("#vex-file"))
        .await
        .expect("VEX file input")
        .send_keys(vex_path.to_str().expect("utf-8"))
        .await
        .expect("choose file");
    client
        .find(Locator::Css("#vex-submit"))
        .await
        .expect("VEX upload")
        .click()
        .await
        .expect("click");
    let report = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#vex-report"))
        .await
        .expect("the import report");
    let text = report.text().await.expect("text");
    assert!(
        text.contains(&format!("{}: not_affected", common::NEWTONSOFT_CVE)),
        "import report: {text}"
    );

    // The vulnerability page says so.
    client
        .goto(&format!(
            "{base}/vulnerabilities/{}",
            common::NEWTONSOFT_CVE
        ))
        .await
        .expect("vulnerability page");
    let findings = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#vuln-findings"))
        .await
        .expect("findings table");
    let text = findings.text().await.expect("text");
    assert!(
        text.contains("Infusion Pump") && text.contains("not_affected"),
        "vulnerability page: {text}"
    );

    // Record a decision with the form: the hospital's own analysis now shows.
    client
        .find(Locator::Css("#analysis-state"))
        .await
        .expect("state select")
        .select_by_value("affected")
        .await
        .expect("choose a state");
    client
        .find(Locator::Css("#analysis-detail"))
        .await
        .expect("detail")
        .send_keys("pump reachable from the ward network")
        .await
        .expect("type");
    client
        .find(Locator::Css("#analysis-submit"))
        .await
        .expect("record")
        .click()
        .await
        .expect("click");
    let analyses = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#analyses"))
        .await
        .expect("the decisions table");
    let text = analyses.text().await.expect("text");
    assert!(
        text.contains("pump reachable from the ward network") && text.contains("ada (provider)"),
        "decisions: {text}"
    );
    let findings = client
        .find(Locator::Css("#vuln-findings"))
        .await
        .expect("findings table")
        .text()
        .await
        .expect("text");
    assert!(
        findings.contains("analysis by ada (provider)"),
        "the own decision wins: {findings}"
    );

    client.close().await.expect("close the browser");
    let _ = chromedriver.kill().await;
    let _ = stop.send(());
    server.await.expect("server task").expect("server");
}
