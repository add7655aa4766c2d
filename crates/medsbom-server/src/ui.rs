//! The web UI: server-rendered HTML pages (with `/static/app.js` for the upload and
//! `/static/style.css`), embedded in the binary. Every page has a skip link, landmarks
//! (`header`, `nav`, `main`), labelled form fields and charts with a text alternative; the
//! Content-Security-Policy allows only this origin's scripts.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use medsbom_lifecycle::esc;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::accounts::OrgKind;
use crate::api::{self, ApiError, AssetParams, FindingParams, ImpactParams, SearchParams};
use crate::auth::{Action, Auth, PageAuth, allowed, session_clear_cookie, session_set_cookie};
use crate::tenancy;
use crate::vex_api::{self, AnalysisParams, AnalysisRequest};

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                       form-action 'self'; frame-ancestors 'none'";

const APP_JS: &str = include_str!("../assets/app.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");

/// The pages' routes (state still to be given).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout_submit))
        .route("/products", get(products_page))
        .route("/sboms/{sbom_id}", get(sbom_page))
        .route("/search", get(search_page))
        .route("/vulnerabilities/{id}", get(vulnerability_page))
        .route(
            "/vulnerabilities/{id}/analysis",
            axum::routing::post(analysis_submit),
        )
        .route("/impact", get(impact_page))
        .route("/assets", get(assets_page))
        .route("/assets/{asset_id}", get(asset_page))
        .route("/lifecycle", get(lifecycle_page))
        .route("/upload", get(upload_page))
        .route(
            "/static/app.js",
            get(|| async { static_file(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/static/style.css",
            get(|| async { static_file(STYLE_CSS, "text/css; charset=utf-8") }),
        )
}

fn static_file(text: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        text,
    )
        .into_response()
}

/// A whole page: layout, navigation and `body`.
fn page(auth: Option<&Auth>, title: &str, body: &str) -> Response {
    let (nav, csrf) = match auth {
        Some(auth) => {
            let csrf = esc(auth.csrf_token().unwrap_or(""));
            let p = &auth.principal;
            (
                format!(
                    "<nav aria-label=\"Main\"><ul><li><a href=\"/\">Dashboard</a></li>\
                     <li><a href=\"/products\">Products</a></li><li><a href=\"/search\">Search</a></li>\
                     <li><a href=\"/assets\">Assets</a></li><li><a href=\"/lifecycle\">Lifecycle</a></li>\
                     <li><a href=\"/upload\">Upload</a></li><li><a href=\"/api/docs/\">API</a></li></ul></nav>\
                     <div class=\"who\">{} ({}, {}) <form method=\"post\" action=\"/logout\" style=\"display:inline\">\
                     <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button type=\"submit\">Log out</button></form></div>",
                    esc(&p.username),
                    p.role.as_str(),
                    esc(&p.organization.name)
                ),
                csrf,
            )
        }
        None => (String::new(), String::new()),
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"csrf-token\" content=\"{csrf}\"><title>{} · medsbom</title>\
         <link rel=\"stylesheet\" href=\"/static/style.css\"><script src=\"/static/app.js\" defer></script></head>\
         <body><a class=\"skip\" href=\"#main\">Skip to content</a>\
         <header><strong><a href=\"/\">medsbom</a></strong>{nav}</header>\
         <main id=\"main\" tabindex=\"-1\"><h1>{}</h1>{body}</main></body></html>",
        esc(title),
        esc(title)
    );
    let mut response = Html(html).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

fn error_page(auth: Option<&Auth>, err: &ApiError) -> Response {
    let mut response = page(
        auth,
        "Error",
        &format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            esc(err.message())
        ),
    );
    *response.status_mut() = err.status();
    response
}

/// A page from a fallible body.
fn render(auth: &Auth, title: &str, body: Result<String, ApiError>) -> Response {
    match body {
        Ok(body) => page(Some(auth), title, &body),
        Err(err) => error_page(Some(auth), &err),
    }
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(text)) => esc(text),
        Some(Value::Null) | None => String::new(),
        Some(other) => esc(&other.to_string()),
    }
}

fn url_encode(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                res.push(char::from(byte))
            }
            other => res.push_str(&format!("%{other:02X}")),
        }
    }
    res
}

/// A horizontal bar chart (SVG) with a title for screen readers, and the same numbers as a
/// table next to it.
fn bar_chart(title: &str, rows: &[(String, usize)]) -> String {
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = 24 * rows.len().max(1) + 8;
    let mut svg = format!(
        "<svg role=\"img\" aria-labelledby=\"{id}-t\" width=\"420\" height=\"{height}\" viewBox=\"0 0 420 {height}\">\
         <title id=\"{id}-t\">{}</title>",
        esc(title),
        id = chart_id(title)
    );
    for (idx, (label, n)) in rows.iter().enumerate() {
        let y = 4 + idx * 24;
        let width = 260 * n / max;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"130\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"#0b5394\"></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{n}</text>",
            y + 14,
            esc(label),
            134 + width,
            y + 14
        ));
    }
    svg.push_str("</svg>");
    let mut table = format!(
        "<table><caption class=\"muted\">{}</caption><tbody>",
        esc(title)
    );
    for (label, n) in rows {
        table.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>",
            esc(label)
        ));
    }
    table.push_str("</tbody></table>");
    format!("{svg}{table}")
}

fn chart_id(title: &str) -> String {
    title
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

async fn dashboard(State(state): State<AppState>, PageAuth(auth): PageAuth) -> Response {
    let body = dashboard_body(&state, &auth).await;
    render(&auth, "Dashboard", body)
}

async fn dashboard_body(state: &AppState, auth: &Auth) -> Result<String, ApiError> {
    let as_of = medsbom_model::IsoDate::today();
    let mut html = String::from("<div class=\"grid\">");

    // Devices (provider: assets; manufacturer: product versions) by lifecycle stage.
    let portfolio = api::tenant_portfolio(state, auth).await?;
    let mut stages: BTreeMap<String, usize> = BTreeMap::new();
    if auth.principal.organization.kind == OrgKind::Provider {
        for asset in &portfolio.assets {
            if let Some(pv) = portfolio.product_version(asset.product_version_id) {
                *stages
                    .entry(
                        pv.stage_on(&portfolio.acceptances, as_of)
                            .stage
                            .as_str()
                            .to_owned(),
                    )
                    .or_default() += 1;
            }
        }
    } else {
        for pv in &portfolio.product_versions {
            *stages
                .entry(
                    pv.stage_on(&portfolio.acceptances, as_of)
                        .stage
                        .as_str()
                        .to_owned(),
                )
                .or_default() += 1;
        }
    }
    let stage_rows: Vec<(String, usize)> = stages.into_iter().collect();
    html.push_str(&format!(
        "<section class=\"card\" aria-labelledby=\"h-stages\"><h2 id=\"h-stages\">Devices by lifecycle stage</h2>{}</section>",
        if stage_rows.is_empty() { "<p class=\"muted\">No devices yet.</p>".to_owned() } else { bar_chart("Devices by lifecycle stage", &stage_rows) }
    ));

    // Open findings by severity, and KEV.
    let findings = api::finding_items(state, auth, &FindingParams::default()).await?;
    let mut by_severity: BTreeMap<String, usize> = BTreeMap::new();
    let mut n_kev = 0;
    for finding in &findings {
        *by_severity.entry(text(finding, "severity")).or_default() += 1;
        if finding.get("kev") == Some(&Value::Bool(true)) {
            n_kev += 1;
        }
    }
    let mut severity_rows: Vec<(String, usize)> = by_severity.into_iter().collect();
    severity_rows.push(("in CISA KEV".to_owned(), n_kev));
    html.push_str(&format!(
        "<section class=\"card\" aria-labelledby=\"h-findings\"><h2 id=\"h-findings\">Open findings</h2><p>{} open finding(s), <span class=\"bad\">{n_kev} known exploited</span>.</p>{}</section>",
        findings.len(),
        bar_chart("Open findings by severity", &severity_rows)
    ));

    // Most urgent assets.
    if auth.principal.organization.kind == OrgKind::Provider {
        let query = medsbom_assets::ByAssetQuery {
            organization: auth.principal.organization.name.clone(),
            asset_id: None,
            site: None,
            department: None,
            min_priority: None,
            include_suppressed: false,
            vex_scope: crate::vex_api::tenant_scope(state, &auth.principal).await?,
        };
        let rows = medsbom_assets::findings_by_asset(state.assets(), &query).await?;
        let mut best: BTreeMap<String, (f64, String)> = BTreeMap::new();
        for row in rows {
            let entry = best
                .entry(row.asset_id.clone())
                .or_insert((0.0, String::new()));
            if entry.0 < row.priority {
                *entry = (
                    row.priority,
                    row.vulnerability_id.clone().unwrap_or_default(),
                );
            }
        }
        let mut urgent: Vec<(String, (f64, String))> = best.into_iter().collect();
        urgent.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
        let mut table = String::from(
            "<table><thead><tr><th scope=\"col\">Asset</th><th scope=\"col\">Priority</th><th scope=\"col\">Top vulnerability</th></tr></thead><tbody>",
        );
        for (asset_id, (priority, vuln)) in urgent.iter().take(10) {
            table.push_str(&format!(
                "<tr><td><a href=\"/assets/{}\">{}</a></td><td>{priority:.1}</td><td><a href=\"/vulnerabilities/{}\">{}</a></td></tr>",
                url_encode(asset_id), esc(asset_id), url_encode(vuln), esc(vuln)
            ));
        }
        table.push_str("</tbody></table>");
        html.push_str(&format!("<section class=\"card\" aria-labelledby=\"h-urgent\"><h2 id=\"h-urgent\">Most urgent assets</h2>{table}</section>"));
    }

    // Feed freshness.
    let feeds = api::feeds_items(state, None).await?;
    let mut table = String::from(
        "<table><thead><tr><th scope=\"col\">Feed</th><th scope=\"col\">Records</th><th scope=\"col\">Age (days)</th></tr></thead><tbody>",
    );
    for feed in &feeds {
        let stale = if feed.get("stale") == Some(&Value::Bool(true)) {
            " <span class=\"bad\">stale</span>"
        } else {
            ""
        };
        table.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}{stale}</td></tr>",
            text(feed, "source"),
            text(feed, "n_records"),
            text(feed, "age_days")
        ));
    }
    table.push_str("</tbody></table>");
    if feeds.is_empty() {
        table = "<p class=\"muted\">No feeds imported (medsbom feeds import).</p>".to_owned();
    }
    html.push_str(&format!("<section class=\"card\" aria-labelledby=\"h-feeds\"><h2 id=\"h-feeds\">Feed freshness</h2>{table}</section>"));

    // Recent SBOMs.
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    let mut list = String::from("<ul id=\"recent-sboms\">");
    for sbom in visible.sboms.values().rev().take(10) {
        list.push_str(&format!(
            "<li><a href=\"/sboms/{}\">{} {} {}</a> (revision {})</li>",
            sbom.sbom_id,
            esc(&sbom.manufacturer),
            esc(&sbom.product),
            esc(&sbom.product_version),
            sbom.revision
        ));
    }
    list.push_str("</ul>");
    html.push_str(&format!("<section class=\"card\" aria-labelledby=\"h-recent\"><h2 id=\"h-recent\">Recent SBOMs</h2>{list}</section>"));
    html.push_str("</div>");
    Ok(html)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login_page() -> Response {
    page(None, "Log in", LOGIN_FORM)
}

const LOGIN_FORM: &str = "<form method=\"post\" action=\"/login\">\
    <label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
    <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
    <p><button type=\"submit\" id=\"login-submit\">Log in</button></p></form>";

async fn login_submit(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    match api::password_login(&state, &form.username, &form.password).await {
        Ok((_, session)) => {
            let mut response = Redirect::to("/").into_response();
            let cookie = session_set_cookie(&session.cookie, state.config().secure_cookies);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(err) => {
            let message = if err.status() == StatusCode::TOO_MANY_REQUESTS {
                "Too many failed logins; try again later."
            } else {
                "Wrong username or password."
            };
            let mut response = page(
                None,
                "Log in",
                &format!("<p class=\"error\" role=\"alert\">{message}</p>{LOGIN_FORM}"),
            );
            *response.status_mut() = err.status();
            response
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout_submit(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    headers: axum::http::HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !auth.csrf_matches(&form.csrf) {
        return error_page(
            Some(&auth),
            &ApiError::forbidden("wrong CSRF token".to_owned()),
        );
    }
    let (mut parts, ()) = axum::http::Request::new(()).into_parts();
    parts.headers = headers;
    if let Some(cookie) = crate::auth::session_cookie(&parts) {
        let _ = crate::accounts::delete_session(state.db(), &cookie).await;
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = HeaderValue::from_str(&session_clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn products_page(State(state): State<AppState>, PageAuth(auth): PageAuth) -> Response {
    let body = async {
        let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
        let mut html = String::from("<table><thead><tr><th scope=\"col\">Manufacturer</th><th scope=\"col\">Product</th><th scope=\"col\">Versions</th><th scope=\"col\">SBOMs</th></tr></thead><tbody>");
        for product in api::products_of(&visible) {
            let versions: Vec<String> = visible
                .sboms
                .values()
                .filter(|s| Some(s.product_id) == product.get("id").and_then(Value::as_i64) && visible.is_latest(s.sbom_id))
                .map(|s| format!("<a href=\"/sboms/{}\">{}</a>", s.sbom_id, esc(&s.product_version)))
                .collect();
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&product, "manufacturer"), text(&product, "product"), versions.join(", "), text(&product, "n_sboms")
            ));
        }
        html.push_str("</tbody></table>");
        Ok(html)
    }
    .await;
    render(&auth, "Products", body)
}

#[derive(Deserialize)]
struct SbomPageParams {
    diff: Option<i64>,
}

async fn sbom_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(sbom_id): Path<i64>,
    Query(params): Query<SbomPageParams>,
) -> Response {
    let body = async {
        let visible = api::visible_sbom(&state, &auth, sbom_id).await?;
        let sbom = api::sbom_json(&state, &visible, sbom_id).await?;
        let mut html = format!(
            "<p>{} {} version {}, revision {} · <a href=\"/api/v1/sboms/{sbom_id}/raw\">download</a></p>",
            text(&sbom, "manufacturer"), text(&sbom, "product"), text(&sbom, "product_version"), text(&sbom, "revision")
        );
        // Conformance.
        match api::check_json(&state, sbom_id, Some("ntia-2021"), None).await {
            Ok(check) => {
                let verdict = if check.get("conformant") == Some(&Value::Bool(true)) { "conformant" } else { "not conformant" };
                html.push_str(&format!("<section aria-labelledby=\"h-conf\"><h2 id=\"h-conf\">Conformance (NTIA minimum elements): {verdict}</h2><table><thead><tr><th scope=\"col\">Element</th><th scope=\"col\">Result</th><th scope=\"col\">Failing</th></tr></thead><tbody>"));
                for element in check.get("elements").and_then(Value::as_array).into_iter().flatten() {
                    let passed = element.get("passed") == Some(&Value::Bool(true));
                    html.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        text(element, "title"),
                        if passed { "pass" } else { "<span class=\"bad\">fail</span>" },
                        text(element, "failing_count")
                    ));
                }
                html.push_str("</tbody></table></section>");
            }
            Err(_) => html.push_str("<p class=\"muted\">The conformance check could not run on this document.</p>"),
        }
        // Diff with another revision or version of the same product.
        let current = visible.sboms.get(&sbom_id).cloned();
        let others: Vec<_> = visible
            .sboms
            .values()
            .filter(|s| Some(s.product_id) == current.as_ref().map(|c| c.product_id) && s.sbom_id != sbom_id)
            .collect();
        if !others.is_empty() {
            html.push_str("<section aria-labelledby=\"h-diff\"><h2 id=\"h-diff\">Compare</h2><form method=\"get\"><label for=\"diff\">Compare with</label><select id=\"diff\" name=\"diff\">");
            for other in &others {
                html.push_str(&format!("<option value=\"{}\">{} revision {}</option>", other.sbom_id, esc(&other.product_version), other.revision));
            }
            html.push_str("</select> <button type=\"submit\">Show changes</button></form>");
            if let Some(old) = params.diff.filter(|id| visible.has_sbom(*id)) {
                let changes = api::diff_items(&state, old, sbom_id).await?;
                html.push_str("<table><thead><tr><th scope=\"col\">Change</th><th scope=\"col\">Component</th><th scope=\"col\">Old</th><th scope=\"col\">New</th></tr></thead><tbody>");
                for change in changes.iter().filter(|c| c.get("change").and_then(Value::as_str) != Some("unchanged")) {
                    let version = |side: &str| change.get(side).map(|c| text(c, "version")).unwrap_or_default();
                    html.push_str(&format!("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", text(change, "change"), text(change, "identity"), version("old"), version("new")));
                }
                html.push_str("</tbody></table>");
            }
            html.push_str("</section>");
        }
        // Dependency tree.
        let tree = tenancy::dependency_tree(state.db(), sbom_id, 2000).await?;
        if !tree.is_empty() {
            html.push_str("<section aria-labelledby=\"h-tree\"><h2 id=\"h-tree\">Dependency tree</h2><ul class=\"tree\">");
            let mut depth = 0;
            for (n, node) in tree.iter().enumerate() {
                if 0 < n {
                    if depth < node.depth {
                        html.push_str("<ul>");
                    } else {
                        html.push_str("</li>");
                        for _ in node.depth..depth {
                            html.push_str("</ul></li>");
                        }
                    }
                }
                depth = node.depth;
                html.push_str(&format!(
                    "<li>{} {}{}",
                    esc(&node.name),
                    esc(node.version.as_deref().unwrap_or("")),
                    if node.repeated { " <span class=\"muted\">(shown above)</span>" } else { "" }
                ));
            }
            html.push_str("</li>");
            for _ in 0..depth {
                html.push_str("</ul></li>");
            }
            html.push_str("</ul></section>");
        }
        // Components.
        html.push_str("<section aria-labelledby=\"h-comp\"><h2 id=\"h-comp\">Components</h2><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Version</th><th scope=\"col\">Supplier</th><th scope=\"col\">Identifier</th><th scope=\"col\">Support</th></tr></thead><tbody>");
        for component in sbom.get("components").and_then(Value::as_array).into_iter().flatten() {
            let identifier = match component.get("purl") {
                Some(Value::String(purl)) => esc(purl),
                _ => text(component, "cpe"),
            };
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{identifier}</td><td>{} {}</td></tr>",
                text(component, "name"), text(component, "version"), text(component, "supplier"), text(component, "support_level"), text(component, "end_of_support")
            ));
        }
        html.push_str("</tbody></table></section>");
        Ok(html)
    }
    .await;
    render(&auth, "SBOM", body)
}

async fn search_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(params): Query<SearchParams>,
) -> Response {
    let body = async {
        let name = params.name.clone().unwrap_or_default();
        let mut html = format!(
            "<form method=\"get\" action=\"/search\" role=\"search\"><label for=\"q\">Component name</label>\
             <input id=\"q\" name=\"name\" value=\"{}\"> <label for=\"purl\">or purl</label><input id=\"purl\" name=\"purl\" value=\"{}\">\
             <p><button type=\"submit\" id=\"search-submit\">Search</button></p></form>",
            esc(&name),
            esc(params.purl.as_deref().unwrap_or(""))
        );
        if name.trim().is_empty() && params.purl.as_deref().unwrap_or("").trim().is_empty() {
            return Ok(html);
        }
        let hits = api::search_items(&state, &auth, &params).await?;
        html.push_str(&format!("<p role=\"status\">{} component(s) found.</p>", hits.len()));
        html.push_str("<table id=\"search-results\"><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Version</th><th scope=\"col\">Device</th><th scope=\"col\">Affected assets</th></tr></thead><tbody>");
        for hit in hits.iter().take(500) {
            let component = hit.get("name").and_then(Value::as_str).unwrap_or("");
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td><a href=\"/sboms/{}\">{} {} {}</a></td><td><a href=\"/impact?component={}\">assets with {}</a></td></tr>",
                esc(component), text(hit, "version"), text(hit, "sbom_id"), text(hit, "manufacturer"), text(hit, "product"), text(hit, "product_version"),
                url_encode(component), esc(component)
            ));
        }
        html.push_str("</tbody></table>");
        Ok(html)
    }
    .await;
    render(&auth, "Search", body)
}

fn impact_table(rows: &[Value]) -> String {
    let mut html = String::from(
        "<table id=\"impact\"><thead><tr><th scope=\"col\">Asset</th><th scope=\"col\">Location</th><th scope=\"col\">Device</th><th scope=\"col\">Component</th><th scope=\"col\">Vulnerability</th><th scope=\"col\">Priority</th></tr></thead><tbody>",
    );
    for row in rows {
        let asset_id = row.get("asset_id").and_then(Value::as_str).unwrap_or("");
        let vuln = row
            .get("vulnerability_id")
            .and_then(Value::as_str)
            .unwrap_or("");
        html.push_str(&format!(
            "<tr><td><a href=\"/assets/{}\">{}</a></td><td>{} {}</td><td>{} {}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
            url_encode(asset_id), esc(asset_id), text(row, "site"), text(row, "department"), text(row, "product"), text(row, "product_version"),
            text(row, "component"), text(row, "component_version"),
            if vuln.is_empty() { String::new() } else { format!("<a href=\"/vulnerabilities/{}\">{}</a>", url_encode(vuln), esc(vuln)) },
            row.get("priority").and_then(Value::as_f64).map(|p| format!("{p:.1}")).unwrap_or_default()
        ));
    }
    html.push_str("</tbody></table>");
    html
}

async fn impact_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(params): Query<ImpactParams>,
) -> Response {
    let body = async {
        let rows = api::impact_items(&state, &auth, &params).await?;
        let what = params
            .component
            .as_deref()
            .or(params.vulnerability.as_deref())
            .or(params.purl.as_deref())
            .or(params.cpe.as_deref())
            .unwrap_or("");
        Ok(format!(
            "<p role=\"status\">{} affected asset row(s) for {}.</p>{}",
            rows.len(),
            esc(what),
            impact_table(&rows)
        ))
    }
    .await;
    render(&auth, "Affected assets", body)
}

async fn vulnerability_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
) -> Response {
    let body = async {
        let params = FindingParams { vulnerability: Some(id.clone()), ..FindingParams::default() };
        let findings = api::finding_items(&state, &auth, &params).await?;
        let mut html = String::new();
        if let Some(first) = findings.first() {
            html.push_str(&format!("<p>{} · severity {} · CVSS {} · {}</p>", text(first, "summary"), text(first, "severity"), text(first, "cvss"),
                if first.get("kev") == Some(&Value::Bool(true)) { "<span class=\"bad\">known exploited (KEV)</span>" } else { "not in KEV" }));
        }
        html.push_str("<h2>Affected devices</h2><table id=\"vuln-findings\"><thead><tr><th scope=\"col\">Device</th><th scope=\"col\">Component</th><th scope=\"col\">Fixed in</th><th scope=\"col\">VEX status</th><th scope=\"col\">Source</th></tr></thead><tbody>");
        for f in &findings {
            let status = match f.get("vex_status").and_then(Value::as_str) {
                Some(status) => format!("<span class=\"vex-status\">{}</span>{}", esc(status), match f.get("vex_justification").and_then(Value::as_str) {
                    Some(j) => format!(" ({})", esc(j)),
                    None => String::new(),
                }),
                None => "<span class=\"muted\">no statement</span>".to_owned(),
            };
            html.push_str(&format!("<tr><td>{} {} {}</td><td>{} {}</td><td>{}</td><td>{status}</td><td>{}</td></tr>", text(f, "manufacturer"), text(f, "product"), text(f, "product_version"), text(f, "component"), text(f, "component_version"), text(f, "fixed_versions"), text(f, "vex_source")));
        }
        html.push_str("</tbody></table>");
        html.push_str(&analysis_section(&state, &auth, &id, &findings).await?);
        html.push_str("<h2>Affected assets</h2>");
        let rows = if auth.principal.organization.kind == OrgKind::Provider {
            api::impact_items(&state, &auth, &ImpactParams { vulnerability: Some(id.clone()), ..ImpactParams::default() }).await.unwrap_or_default()
        } else {
            Vec::new()
        };
        html.push_str(&impact_table(&rows));
        Ok(html)
    }
    .await;
    render(&auth, &format!("Vulnerability {id}"), body)
}

/// The analysis decisions the tenant sees for a vulnerability's findings, and (for analysts
/// and admins) the form that records one.
async fn analysis_section(
    state: &AppState,
    auth: &Auth,
    id: &str,
    findings: &[Value],
) -> Result<String, ApiError> {
    let mut ids: Vec<String> = vec![id.to_ascii_uppercase()];
    for finding in findings {
        ids.extend(
            finding
                .get("vulnerability_id")
                .and_then(Value::as_str)
                .map(str::to_ascii_uppercase),
        );
        for alias in finding
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            ids.extend(alias.as_str().map(str::to_ascii_uppercase));
        }
    }
    let analyses: Vec<Value> = vex_api::analysis_items(state, auth, &AnalysisParams::default())
        .await?
        .into_iter()
        .filter(|a| {
            a.get("vulnerability_id")
                .and_then(Value::as_str)
                .is_some_and(|v| ids.contains(&v.to_ascii_uppercase()))
        })
        .collect();
    let mut html = String::from(
        "<section aria-labelledby=\"h-analysis\"><h2 id=\"h-analysis\">Analysis decisions</h2>",
    );
    if analyses.is_empty() {
        html.push_str("<p class=\"muted\">No decision recorded.</p>");
    } else {
        html.push_str("<table id=\"analyses\"><thead><tr><th scope=\"col\">Finding</th><th scope=\"col\">State</th><th scope=\"col\">Justification</th><th scope=\"col\">By</th><th scope=\"col\">When</th><th scope=\"col\">Detail</th></tr></thead><tbody>");
        for a in &analyses {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td></tr>",
                text(a, "finding"),
                text(a, "state"),
                text(a, "justification"),
                text(a, "analyst"),
                text(a, "role"),
                text(a, "recorded_at"),
                text(a, "detail")
            ));
        }
        html.push_str("</tbody></table>");
    }
    let p = &auth.principal;
    if !findings.is_empty() && allowed(p.role, p.organization.kind, Action::WriteAnalysis) {
        let mut options = String::new();
        let mut seen: Vec<String> = Vec::new();
        for f in findings {
            let component = f
                .get("purl")
                .and_then(Value::as_str)
                .or_else(|| f.get("cpe").and_then(Value::as_str))
                .unwrap_or("*");
            let finding = format!(
                "{}@{}:{}:{}",
                f.get("product").and_then(Value::as_str).unwrap_or(""),
                f.get("product_version")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                component,
                f.get("vulnerability_id")
                    .and_then(Value::as_str)
                    .unwrap_or(id)
            );
            if seen.contains(&finding) {
                continue;
            }
            options.push_str(&format!(
                "<option value=\"{}\">{} {} · {} {}</option>",
                esc(&finding),
                text(f, "product"),
                text(f, "product_version"),
                text(f, "component"),
                text(f, "component_version")
            ));
            seen.push(finding);
        }
        let states: String = ["not_affected", "affected", "fixed", "under_investigation"]
            .iter()
            .map(|s| format!("<option value=\"{s}\">{}</option>", s.replace('_', " ")))
            .collect();
        let justifications: String = medsbom_vex::model::JUSTIFICATIONS
            .iter()
            .map(|j| format!("<option value=\"{j}\">{}</option>", j.replace('_', " ")))
            .collect();
        html.push_str(&format!(
            "<h3 id=\"h-decide\">Record a decision</h3>\
             <form method=\"post\" action=\"/vulnerabilities/{}/analysis\" id=\"analysis-form\" aria-labelledby=\"h-decide\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <label for=\"analysis-finding\">Finding</label><select id=\"analysis-finding\" name=\"finding\" required>{options}</select>\
             <label for=\"analysis-state\">State</label><select id=\"analysis-state\" name=\"state\" required>{states}</select>\
             <label for=\"analysis-justification\">Justification (when not affected)</label><select id=\"analysis-justification\" name=\"justification\"><option value=\"\">none</option>{justifications}</select>\
             <label for=\"analysis-detail\">Detail</label><textarea id=\"analysis-detail\" name=\"detail\" rows=\"3\"></textarea>\
             <p><button type=\"submit\" id=\"analysis-submit\">Record decision</button></p></form>",
            url_encode(id),
            esc(auth.csrf_token().unwrap_or(""))
        ));
    }
    html.push_str("</section>");
    Ok(html)
}

/// The decision form of the vulnerability page.
#[derive(Deserialize)]
struct AnalysisForm {
    csrf: String,
    finding: String,
    state: String,
    justification: Option<String>,
    detail: Option<String>,
}

async fn analysis_submit(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<String>,
    Form(form): Form<AnalysisForm>,
) -> Response {
    if !auth.csrf_matches(&form.csrf) {
        return error_page(
            Some(&auth),
            &ApiError::forbidden("wrong CSRF token".to_owned()),
        );
    }
    let request = AnalysisRequest {
        finding: Some(form.finding),
        state: form.state,
        justification: form.justification,
        detail: form.detail,
        ..AnalysisRequest::default()
    };
    match vex_api::record_decision(&state, &auth, &request).await {
        Ok(_) => Redirect::to(&format!("/vulnerabilities/{}", url_encode(&id))).into_response(),
        Err(err) => error_page(Some(&auth), &err),
    }
}

async fn assets_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(params): Query<AssetParams>,
) -> Response {
    let body = async {
        let assets = api::asset_items(&state, &auth, &params).await?;
        let mut html = String::from("<table><thead><tr><th scope=\"col\">Asset</th><th scope=\"col\">Location</th><th scope=\"col\">Criticality</th><th scope=\"col\">Exposure</th></tr></thead><tbody>");
        for asset in &assets {
            let asset_id = asset.get("asset_id").and_then(Value::as_str).unwrap_or("");
            html.push_str(&format!("<tr><td><a href=\"/assets/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>", url_encode(asset_id), esc(asset_id), text(asset, "location"), text(asset, "criticality"), text(asset, "exposure")));
        }
        html.push_str("</tbody></table>");
        Ok(html)
    }
    .await;
    render(&auth, "Assets", body)
}

async fn asset_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(asset_id): Path<String>,
) -> Response {
    let body = async {
        let view = api::asset_view_json(&state, &auth, &asset_id, None).await?;
        let asset = view.get("asset").cloned().unwrap_or(Value::Null);
        let linked = view.get("linked").cloned().unwrap_or(Value::Null);
        let mut html = format!(
            "<dl><dt>Location</dt><dd>{}</dd><dt>Criticality</dt><dd>{}</dd><dt>Exposure</dt><dd>{}</dd><dt>Device</dt><dd>{} {} {}</dd><dt>Lifecycle stage</dt><dd>{}</dd></dl>",
            text(&asset, "location"), text(&asset, "criticality"), text(&asset, "exposure"),
            text(&linked, "manufacturer"), text(&linked, "product"), text(&linked, "version"), text(&view, "stage")
        );
        let findings: Vec<Value> = view.get("findings").and_then(Value::as_array).cloned().unwrap_or_default();
        html.push_str(&format!("<h2>Open findings ({})</h2>{}", findings.len(), impact_table(&findings)));
        html.push_str("<h2>Components</h2><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Version</th><th scope=\"col\">Support</th></tr></thead><tbody>");
        for c in view.get("components").and_then(Value::as_array).into_iter().flatten() {
            html.push_str(&format!("<tr><td>{}</td><td>{}</td><td>{} {}</td></tr>", text(c, "name"), text(c, "version"), text(c, "support_level"), text(c, "eos_date")));
        }
        html.push_str("</tbody></table>");
        Ok(html)
    }
    .await;
    render(&auth, &format!("Asset {asset_id}"), body)
}

async fn lifecycle_page(State(state): State<AppState>, PageAuth(auth): PageAuth) -> Response {
    let body = async {
        let svg = api::timeline_svg(&state, &auth, None, None).await?;
        Ok(format!("<figure><div>{svg}</div><figcaption>Lifecycle stages of your devices over the next five years (N70 stages).</figcaption></figure>"))
    }
    .await;
    render(&auth, "Lifecycle timeline", body)
}

async fn upload_page(PageAuth(auth): PageAuth) -> Response {
    let manufacturer = if auth.principal.organization.kind == OrgKind::Provider {
        "<label for=\"manufacturer\">Manufacturer (optional)</label><input id=\"manufacturer\" name=\"manufacturer\">"
    } else {
        ""
    };
    let body = format!(
        "<section aria-labelledby=\"h-sbom\"><h2 id=\"h-sbom\">SBOM</h2>\
         <form id=\"upload-form\"><label for=\"sbom-file\">SBOM file (CycloneDX, SPDX or SWID; gzip allowed)</label>\
         <input id=\"sbom-file\" name=\"file\" type=\"file\" required>{manufacturer}\
         <label for=\"product\">Product (optional)</label><input id=\"product\" name=\"product\">\
         <label for=\"product_version\">Product version (optional)</label><input id=\"product_version\" name=\"product_version\">\
         <p><button type=\"submit\" id=\"upload-submit\">Upload</button></p></form>\
         <p id=\"upload-status\" role=\"status\" aria-live=\"polite\"></p></section>\
         <section aria-labelledby=\"h-vex\"><h2 id=\"h-vex\">VEX</h2>\
         <form id=\"vex-form\"><label for=\"vex-file\">VEX document (CycloneDX VEX, OpenVEX or CSAF 2.0 VEX; gzip allowed)</label>\
         <input id=\"vex-file\" name=\"file\" type=\"file\" required>\
         <p><button type=\"submit\" id=\"vex-submit\">Upload VEX</button></p></form>\
         <div id=\"vex-status\" role=\"status\" aria-live=\"polite\"></div></section>\
         <noscript><p>Uploading needs JavaScript; without it use <code>POST /api/v1/sboms</code> or <code>POST /api/v1/vex</code>.</p></noscript>"
    );
    page(Some(&auth), "Upload an SBOM or VEX", &body)
}
