//! The role × tenant × route matrix: every principal of two manufacturers and two providers
//! calls every route; what each sees and may change is checked against what its tenant owns,
//! so that no cross-tenant read or write goes through. On SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use medsbom_server::accounts::{OrgKind, Role};
use medsbom_server::auth::{Action, allowed};
use serde_json::{Value, json};

use common::{
    NEWTONSOFT_CVE, NEWTONSOFT_PURL, TestApp, call, get, openvex, org, post_json, unique_cyclonedx,
    user_with_token,
};

/// The tenants of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tenant {
    /// Manufacturer "Acme Medical": owns the Pump, shared with St. Example.
    Acme,
    /// Manufacturer "Globex Devices": owns the Scanner, shared with nobody.
    Globex,
    /// Provider "St. Example": sees the Pump, has asset ICU-1.
    StExample,
    /// Provider "Mercy General": uploaded its own Monitor SBOM, has asset MER-1.
    Mercy,
}

const TENANTS: [Tenant; 4] = [
    Tenant::Acme,
    Tenant::Globex,
    Tenant::StExample,
    Tenant::Mercy,
];

impl Tenant {
    fn kind(self) -> OrgKind {
        match self {
            Tenant::Acme | Tenant::Globex => OrgKind::Manufacturer,
            Tenant::StExample | Tenant::Mercy => OrgKind::Provider,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tenant::Acme => "Acme Medical",
            Tenant::Globex => "Globex Devices",
            Tenant::StExample => "St. Example",
            Tenant::Mercy => "Mercy General",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Tenant::Acme => "acme",
            Tenant::Globex => "globex",
            Tenant::StExample => "stex",
            Tenant::Mercy => "mercy",
        }
    }
}

struct Principal {
    tenant: Tenant,
    role: Role,
    token: String,
}

/// The seeded world: the SBOM ids each tenant should see.
struct World {
    principals: Vec<Principal>,
    pump_v1: i64,
    pump_v2: i64,
    scanner: i64,
    monitor: i64,
    pump_product_id: i64,
    /// The VEX documents uploaded: (tenant, document id).
    vex_docs: Vec<(Tenant, String)>,
    /// The analysis decisions recorded: (tenant, finding).
    analyses: Vec<(Tenant, String)>,
}

impl World {
    fn expected_sboms(&self, tenant: Tenant) -> BTreeSet<i64> {
        match tenant {
            Tenant::Acme | Tenant::StExample => [self.pump_v1, self.pump_v2].into(),
            Tenant::Globex => [self.scanner].into(),
            Tenant::Mercy => [self.monitor].into(),
        }
    }

    fn expected_assets(tenant: Tenant) -> BTreeSet<String> {
        match tenant {
            Tenant::StExample => ["ICU-1".to_owned()].into(),
            Tenant::Mercy => ["MER-1".to_owned()].into(),
            Tenant::Acme | Tenant::Globex => BTreeSet::new(),
        }
    }

    fn token(&self, tenant: Tenant, role: Role) -> &str {
        &self
            .principals
            .iter()
            .find(|p| p.tenant == tenant && p.role == role)
            .expect("principal")
            .token
    }
}

fn upload_uri(product: &str, version: &str, manufacturer: Option<&str>) -> String {
    let mut uri = format!(
        "/api/v1/sboms?product={}&product_version={version}",
        product.replace(' ', "%20")
    );
    if let Some(manufacturer) = manufacturer {
        uri.push_str(&format!(
            "&manufacturer={}",
            manufacturer.replace(' ', "%20")
        ));
    }
    uri
}

async fn upload(t: &TestApp, token: &str, uri: &str, body: Vec<u8>) -> common::Reply {
    call(
        &t.app,
        "POST",
        uri,
        Some(token),
        Some("application/json"),
        body,
        &[],
    )
    .await
}

async fn seed(t: &TestApp, narrow: &[u8], extended: &[u8], zlib: &[u8]) -> World {
    let mut principals = Vec::new();
    for tenant in TENANTS {
        let organization = org(&t.state, tenant.kind(), tenant.name()).await;
        for role in Role::ALL {
            if role == Role::Publisher && tenant.kind() != OrgKind::Manufacturer {
                continue;
            }
            let username = format!("{}-{}", tenant.short(), role.as_str());
            let token = user_with_token(&t.state, &organization, &username, role, None).await;
            principals.push(Principal {
                tenant,
                role,
                token,
            });
        }
    }
    org(&t.state, OrgKind::Provider, "Nobody Hospital").await;
    let mut world = World {
        principals,
        pump_v1: 0,
        pump_v2: 0,
        scanner: 0,
        monitor: 0,
        pump_product_id: 0,
        vex_docs: Vec::new(),
        analyses: Vec::new(),
    };
    common::import_osv_fixture(&t.state).await;
    let acme = world.token(Tenant::Acme, Role::Publisher).to_owned();
    let reply = upload(t, &acme, &upload_uri("Pump", "1", None), narrow.to_vec()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    world.pump_v1 = reply.json()["sbom_id"].as_i64().expect("id");
    assert_eq!(reply.json()["manufacturer"], "Acme Medical");
    let reply = upload(t, &acme, &upload_uri("Pump", "2", None), extended.to_vec()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    world.pump_v2 = reply.json()["sbom_id"].as_i64().expect("id");
    let globex = world.token(Tenant::Globex, Role::Publisher).to_owned();
    let reply = upload(t, &globex, &upload_uri("Scanner", "1", None), zlib.to_vec()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    world.scanner = reply.json()["sbom_id"].as_i64().expect("id");
    let mercy = world.token(Tenant::Mercy, Role::Analyst).to_owned();
    let reply = upload(
        t,
        &mercy,
        &upload_uri("Monitor", "3", Some("Initech")),
        unique_cyclonedx(zlib),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    world.monitor = reply.json()["sbom_id"].as_i64().expect("id");

    let products = get(&t.app, "/api/v1/products", &acme).await.json();
    world.pump_product_id = products["items"][0]["id"].as_i64().expect("product id");
    let reply = post_json(
        &t.app,
        &format!("/api/v1/products/{}/shares", world.pump_product_id),
        &acme,
        &json!({"provider": "St. Example"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    let stex = world.token(Tenant::StExample, Role::Analyst).to_owned();
    let csv = "asset_id,manufacturer,product,product_version,site,department,criticality,exposure\n\
               ICU-1,Acme Medical,Pump,2,North,ICU,life-sustaining,hospital-lan\n";
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/assets/import",
        Some(&stex),
        Some("text/csv"),
        csv.as_bytes().to_vec(),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["created"], 1);
    let csv = "asset_id,manufacturer,product,product_version,site,department,criticality,exposure\n\
               MER-1,Initech,Monitor,3,East,ER,monitoring,hospital-lan\n";
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/assets/import",
        Some(&mercy),
        Some("text/csv"),
        csv.as_bytes().to_vec(),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["created"], 1, "{}", reply.text());
    seed_vex(t, &mut world).await;
    world
}

/// One VEX document and one analysis per tenant. Every tenant's document is about the
/// Pump; the ones of Globex and Mercy (which do not see it) claim to be Acme's and are newer,
/// so a leak would change what Acme and St. Example see.
async fn seed_vex(t: &TestApp, world: &mut World) {
    let docs = [
        (
            Tenant::Acme,
            "Acme Medical",
            "under_investigation",
            "2024-01-01T00:00:00Z",
        ),
        (
            Tenant::Globex,
            "Acme Medical",
            "not_affected",
            "2025-01-01T00:00:00Z",
        ),
        (
            Tenant::StExample,
            "St. Example",
            "affected",
            "2024-02-01T00:00:00Z",
        ),
        (
            Tenant::Mercy,
            "Acme Medical",
            "not_affected",
            "2025-01-01T00:00:00Z",
        ),
    ];
    for (tenant, author, status, timestamp) in docs {
        let token = world.token(tenant, Role::Analyst).to_owned();
        let id = format!("seed-{}", tenant.short());
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex?file_name=seed.json",
            Some(&token),
            Some("application/json"),
            openvex(&id, author, "Pump", status, timestamp),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.json()["n_statements"], 1, "{}", reply.text());
        world
            .vex_docs
            .push((tenant, format!("https://example.org/vex/{id}")));
    }
    let decisions = [
        (
            Tenant::Acme,
            format!("Pump@2:{NEWTONSOFT_PURL}:{NEWTONSOFT_CVE}"),
            "not_affected",
        ),
        (
            Tenant::StExample,
            format!("Pump@1:{NEWTONSOFT_PURL}:{NEWTONSOFT_CVE}"),
            "affected",
        ),
        (
            Tenant::Globex,
            "Scanner@1:*:CVE-2022-37434".to_owned(),
            "under_investigation",
        ),
        (
            Tenant::Mercy,
            "Monitor@3:*:CVE-2022-37434".to_owned(),
            "under_investigation",
        ),
    ];
    for (tenant, finding, state) in decisions {
        let token = world.token(tenant, Role::Analyst).to_owned();
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &token,
            &json!({"finding": finding, "state": state, "detail": "seeded"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        world.analyses.push((tenant, finding));
    }
}

/// What each tenant reads of VEX: the sources and decisions of its own, plus Acme's for St.
/// Example (Acme shares the Pump with it), never another's; the findings' VEX status
/// follows; only a manufacturer exports, and only its own product.
async fn check_vex(t: &TestApp, world: &World) {
    let sees = |reader: Tenant, owner: Tenant| {
        reader == owner || (reader == Tenant::StExample && owner == Tenant::Acme)
    };
    for p in &world.principals {
        let who = format!("{} {:?} {}", t.label, p.tenant, p.role.as_str());
        let reply = get(&t.app, "/api/v1/vex?limit=1000", &p.token).await;
        assert_eq!(reply.status, StatusCode::OK, "{who}: vex");
        let listed = strings(&reply.json(), "document_id");
        let want: BTreeSet<String> = world
            .vex_docs
            .iter()
            .filter(|(owner, _)| sees(p.tenant, *owner))
            .map(|(_, id)| id.clone())
            .collect();
        assert_eq!(listed, want, "{who}: vex sources");
        let reply = get(&t.app, "/api/v1/analysis?limit=1000", &p.token).await;
        assert_eq!(reply.status, StatusCode::OK, "{who}: analysis");
        let listed = strings(&reply.json(), "finding");
        let want: BTreeSet<String> = world
            .analyses
            .iter()
            .filter(|(owner, _)| sees(p.tenant, *owner))
            .map(|(_, finding)| finding.clone())
            .collect();
        assert_eq!(listed, want, "{who}: analyses");
        // The Newtonsoft.Json finding of each Pump version, as this tenant sees it.
        let findings = get(
            &t.app,
            &format!("/api/v1/findings?vulnerability={NEWTONSOFT_CVE}&limit=1000"),
            &p.token,
        )
        .await
        .json();
        let mut statuses: Vec<(String, String, Value)> = findings["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|f| {
                (
                    f["product"].as_str().unwrap_or("").to_owned(),
                    f["product_version"].as_str().unwrap_or("").to_owned(),
                    f["vex_status"].clone(),
                )
            })
            .collect();
        statuses.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let want: Vec<(String, String, Value)> = match p.tenant {
            // Acme: its own statement on 1, its own decision on 2.
            Tenant::Acme => vec![
                (
                    "Pump".to_owned(),
                    "1".to_owned(),
                    json!("under_investigation"),
                ),
                ("Pump".to_owned(), "2".to_owned(), json!("not_affected")),
            ],
            // St. Example: its own decision on 1; on 2 Acme's decision beats its own
            // third-party statement.
            Tenant::StExample => vec![
                ("Pump".to_owned(), "1".to_owned(), json!("affected")),
                ("Pump".to_owned(), "2".to_owned(), json!("not_affected")),
            ],
            Tenant::Globex | Tenant::Mercy => Vec::new(),
        };
        assert_eq!(statuses, want, "{who}: findings' vex status");
        // Impact: St. Example's ICU-1 runs Pump 2, which Acme's decision marks not affected.
        let impact = get(
            &t.app,
            &format!("/api/v1/impact?vulnerability={NEWTONSOFT_CVE}"),
            &p.token,
        )
        .await;
        assert_eq!(
            impact.status,
            StatusCode::OK,
            "{who}: impact: {}",
            impact.text()
        );
        assert!(
            impact.json()["items"].as_array().expect("items").is_empty(),
            "{who}: impact {}",
            impact.text()
        );
        // Export: a manufacturer its own product, nobody else anything.
        for product in ["Pump", "Scanner", "Monitor"] {
            let reply = get(
                &t.app,
                &format!("/api/v1/vex/export?product={product}&format=openvex"),
                &p.token,
            )
            .await;
            let own = matches!(
                (p.tenant, product),
                (Tenant::Acme, "Pump") | (Tenant::Globex, "Scanner")
            );
            let want = if own {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                reply.status,
                want,
                "{who}: export {product}: {}",
                reply.text()
            );
            if own && product == "Pump" {
                let text = reply.text();
                assert!(
                    !text.contains("\"affected\""),
                    "{who}: export leaks: {text}"
                );
            }
        }
    }
}

fn ids(value: &Value, key: &str) -> BTreeSet<i64> {
    value["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item[key].as_i64())
        .collect()
}

fn strings(value: &Value, key: &str) -> BTreeSet<String> {
    value["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item[key].as_str().map(str::to_owned))
        .collect()
}

/// Every read route, for every principal: exactly the tenant's data, 404 for the rest.
async fn check_reads(t: &TestApp, world: &World) {
    let all_sboms = [world.pump_v1, world.pump_v2, world.scanner, world.monitor];
    for p in &world.principals {
        let who = format!("{} {:?} {}", t.label, p.tenant, p.role.as_str());
        let expected = world.expected_sboms(p.tenant);
        let listed = ids(
            &get(&t.app, "/api/v1/sboms", &p.token).await.json(),
            "sbom_id",
        );
        assert_eq!(listed, expected, "{who}: /api/v1/sboms");
        for sbom_id in all_sboms {
            let visible = expected.contains(&sbom_id);
            for suffix in ["", "/raw", "/check?as_of=2025-01-01"] {
                let reply = get(
                    &t.app,
                    &format!("/api/v1/sboms/{sbom_id}{suffix}"),
                    &p.token,
                )
                .await;
                let want = if visible {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(
                    reply.status,
                    want,
                    "{who}: sbom {sbom_id}{suffix}: {}",
                    reply.text()
                );
            }
        }
        let reply = get(
            &t.app,
            &format!("/api/v1/diff?old={}&new={}", world.pump_v1, world.pump_v2),
            &p.token,
        )
        .await;
        let want = if expected.contains(&world.pump_v1) {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(reply.status, want, "{who}: diff");
        // Search: zlib is in the Scanner and the Monitor only; the WolfSSL of the Pump.
        for name in ["zlib", "wolfssl", "a"] {
            let hits = ids(
                &get(
                    &t.app,
                    &format!("/api/v1/search?name={name}&all_revisions=true&limit=1000"),
                    &p.token,
                )
                .await
                .json(),
                "sbom_id",
            );
            assert!(
                hits.is_subset(&expected),
                "{who}: search {name} leaked {hits:?}"
            );
        }
        let hits = ids(
            &get(&t.app, "/api/v1/search?name=zlib", &p.token)
                .await
                .json(),
            "sbom_id",
        );
        let want: BTreeSet<i64> = [world.scanner, world.monitor]
            .into_iter()
            .filter(|id| expected.contains(id))
            .collect();
        assert_eq!(hits, want, "{who}: search zlib");
        let products = strings(
            &get(&t.app, "/api/v1/products", &p.token).await.json(),
            "product",
        );
        let want: BTreeSet<String> = match p.tenant {
            Tenant::Acme | Tenant::StExample => ["Pump".to_owned()].into(),
            Tenant::Globex => ["Scanner".to_owned()].into(),
            Tenant::Mercy => ["Monitor".to_owned()].into(),
        };
        assert_eq!(products, want, "{who}: products");
        let assets = strings(
            &get(&t.app, "/api/v1/assets", &p.token).await.json(),
            "asset_id",
        );
        assert_eq!(assets, World::expected_assets(p.tenant), "{who}: assets");
        for asset_id in ["ICU-1", "MER-1"] {
            let reply = get(
                &t.app,
                &format!("/api/v1/assets/{asset_id}?as_of=2025-01-01"),
                &p.token,
            )
            .await;
            let want = if World::expected_assets(p.tenant).contains(asset_id) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                reply.status,
                want,
                "{who}: asset {asset_id}: {}",
                reply.text()
            );
        }
        let impact = get(&t.app, "/api/v1/impact?component=zlib", &p.token).await;
        assert_eq!(impact.status, StatusCode::OK, "{who}: impact");
        let affected = strings(&impact.json(), "asset_id");
        let want: BTreeSet<String> = if p.tenant == Tenant::Mercy {
            ["MER-1".to_owned()].into()
        } else {
            BTreeSet::new()
        };
        assert_eq!(affected, want, "{who}: impact zlib");
        let alerts = get(
            &t.app,
            "/api/v1/lifecycle/alerts?as_of=2025-01-01",
            &p.token,
        )
        .await;
        assert_eq!(alerts.status, StatusCode::OK, "{who}: alerts");
        for alert in alerts.json()["items"].as_array().expect("items") {
            let product = alert["product"].as_str().unwrap_or("");
            assert!(products.contains(product), "{who}: alert for {product}");
        }
        let findings = get(&t.app, "/api/v1/findings", &p.token).await;
        assert_eq!(findings.status, StatusCode::OK, "{who}: findings");
        let audit = get(&t.app, "/api/v1/audit", &p.token).await;
        if allowed(p.role, p.tenant.kind(), Action::ReadAudit) {
            assert_eq!(audit.status, StatusCode::OK, "{who}: audit");
            let own: BTreeSet<String> = world
                .principals
                .iter()
                .filter(|q| q.tenant == p.tenant)
                .map(|q| format!("{}-{}", q.tenant.short(), q.role.as_str()))
                .collect();
            for entry in audit.json()["items"].as_array().expect("items") {
                let actor = entry["actor"].as_str().unwrap_or("");
                assert!(own.contains(actor), "{who}: audit shows {actor}");
            }
        } else {
            assert_eq!(audit.status, StatusCode::FORBIDDEN, "{who}: audit");
        }
    }
}

/// Every write route, for every principal: allowed only to the right roles, and only within
/// the tenant.
async fn check_writes(t: &TestApp, world: &mut World, zlib: &[u8]) {
    let mut vex_docs = Vec::new();
    let mut analyses = Vec::new();
    for p in &world.principals {
        let who = format!("{} {:?} {}", t.label, p.tenant, p.role.as_str());
        // Upload a VEX document (about a product not stored: it changes no finding).
        let id = format!("w-{}-{}", p.tenant.short(), p.role.as_str());
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&p.token),
            Some("application/json"),
            openvex(
                &id,
                p.tenant.name(),
                "Writer",
                "affected",
                "2024-03-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        if allowed(p.role, p.tenant.kind(), Action::Upload) {
            assert_eq!(
                reply.status,
                StatusCode::CREATED,
                "{who}: vex: {}",
                reply.text()
            );
            vex_docs.push((p.tenant, format!("https://example.org/vex/{id}")));
        } else {
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who}: vex");
        }
        // Record decisions: the same as seeded on the own tenant's products (so what the
        // tenants read stays the same), never on another tenant's.
        let may_decide = allowed(p.role, p.tenant.kind(), Action::WriteAnalysis);
        for (owner, finding, state) in [
            (
                Tenant::Acme,
                format!("Pump@2:{NEWTONSOFT_PURL}:{NEWTONSOFT_CVE}"),
                "not_affected",
            ),
            (
                Tenant::StExample,
                format!("Pump@1:{NEWTONSOFT_PURL}:{NEWTONSOFT_CVE}"),
                "affected",
            ),
            (
                Tenant::Globex,
                "Scanner@1:*:CVE-2022-37434".to_owned(),
                "under_investigation",
            ),
            (
                Tenant::Mercy,
                "Monitor@3:*:CVE-2022-37434".to_owned(),
                "under_investigation",
            ),
        ] {
            let sees_product = match finding.split('@').next().unwrap_or("") {
                "Pump" => matches!(p.tenant, Tenant::Acme | Tenant::StExample),
                "Scanner" => p.tenant == Tenant::Globex,
                _ => p.tenant == Tenant::Mercy,
            };
            let want = match (may_decide, sees_product) {
                (false, _) => StatusCode::FORBIDDEN,
                (true, false) => StatusCode::NOT_FOUND,
                (true, true) => StatusCode::CREATED,
            };
            if want == StatusCode::CREATED && owner != p.tenant {
                // Acme's decision on St. Example's finding, or the reverse: allowed (both see
                // the Pump), but it would change what the matrix expects; not sent.
                continue;
            }
            let reply = post_json(
                &t.app,
                "/api/v1/analysis",
                &p.token,
                &json!({"finding": finding, "state": state}),
            )
            .await;
            assert_eq!(
                reply.status,
                want,
                "{who}: decide {finding}: {}",
                reply.text()
            );
            if want == StatusCode::CREATED {
                analyses.push((p.tenant, finding));
            }
        }
        // Upload. Naming "Acme Medical" (a manufacturer tenant) files a manufacturer's
        // upload under its own name and refuses a provider's; a provider may file under a
        // manufacturer that is not a tenant here.
        let reply = upload(
            t,
            &p.token,
            &upload_uri("Writer", "1", Some("Acme Medical")),
            unique_cyclonedx(zlib),
        )
        .await;
        let may_upload = allowed(p.role, p.tenant.kind(), Action::Upload);
        let reply = match (may_upload, p.tenant.kind()) {
            (false, _) => {
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who}: upload");
                None
            }
            (true, OrgKind::Manufacturer) => Some(reply),
            (true, OrgKind::Provider) => {
                assert_eq!(
                    reply.status,
                    StatusCode::CONFLICT,
                    "{who}: upload under a tenant manufacturer: {}",
                    reply.text()
                );
                Some(
                    upload(
                        t,
                        &p.token,
                        &upload_uri("Writer", "1", Some("Initech")),
                        unique_cyclonedx(zlib),
                    )
                    .await,
                )
            }
        };
        if let Some(reply) = reply {
            assert_eq!(
                reply.status,
                StatusCode::CREATED,
                "{who}: upload: {}",
                reply.text()
            );
            let body = reply.json();
            let want = match p.tenant.kind() {
                OrgKind::Manufacturer => p.tenant.name(),
                OrgKind::Provider => "Initech",
            };
            assert_eq!(body["manufacturer"], want, "{who}");
            let sbom_id = body["sbom_id"].as_i64().expect("id");
            for other in world.principals.iter().filter(|q| q.tenant != p.tenant) {
                let reply = get(&t.app, &format!("/api/v1/sboms/{sbom_id}"), &other.token).await;
                assert_eq!(
                    reply.status,
                    StatusCode::NOT_FOUND,
                    "{who}: upload visible to {:?}",
                    other.tenant
                );
            }
        }
        // Share the Pump with a third hospital.
        let reply = post_json(
            &t.app,
            &format!("/api/v1/products/{}/shares", world.pump_product_id),
            &p.token,
            &json!({"provider": "Nobody Hospital"}),
        )
        .await;
        let want = match (allowed(p.role, p.tenant.kind(), Action::Share), p.tenant) {
            (false, _) => vec![StatusCode::FORBIDDEN],
            (true, Tenant::Acme) => vec![StatusCode::CREATED, StatusCode::OK],
            (true, _) => vec![StatusCode::NOT_FOUND],
        };
        assert!(
            want.contains(&reply.status),
            "{who}: share: {} {}",
            reply.status,
            reply.text()
        );
        // Import assets (into the caller's own inventory only).
        let csv = format!(
            "asset_id,product,product_version,site\nW-{}-{},Pump,2,West\n",
            p.tenant.short(),
            p.role.as_str()
        );
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/assets/import",
            Some(&p.token),
            Some("text/csv"),
            csv.into_bytes(),
            &[],
        )
        .await;
        let may_write = allowed(p.role, p.tenant.kind(), Action::WriteAssets);
        let want = if may_write {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(reply.status, want, "{who}: import: {}", reply.text());
        // Retire: the own asset just imported; never another tenant's.
        let own = format!(
            "/api/v1/assets/W-{}-{}/retire",
            p.tenant.short(),
            p.role.as_str()
        );
        let reply = post_json(&t.app, &own, &p.token, &json!({"reason": "test"})).await;
        let want = if may_write {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(reply.status, want, "{who}: retire own: {}", reply.text());
        for foreign in ["ICU-1", "MER-1"]
            .into_iter()
            .filter(|id| !World::expected_assets(p.tenant).contains(*id))
        {
            let reply = post_json(
                &t.app,
                &format!("/api/v1/assets/{foreign}/retire"),
                &p.token,
                &json!({}),
            )
            .await;
            let want = if may_write {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(
                reply.status,
                want,
                "{who}: retire {foreign}: {}",
                reply.text()
            );
        }
        // Create a user.
        let reply = post_json(&t.app, "/api/v1/users", &p.token, &json!({"username": format!("new-{}-{}", p.tenant.short(), p.role.as_str()), "role": "viewer"})).await;
        let want = if allowed(p.role, p.tenant.kind(), Action::ManageAccounts) {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(reply.status, want, "{who}: create user: {}", reply.text());
    }
    // The imports and retirements stayed in their tenants: each provider still has exactly
    // its own seeded assets (its W- assets were imported, then retired).
    for tenant in [Tenant::StExample, Tenant::Mercy] {
        let assets = strings(
            &get(&t.app, "/api/v1/assets", world.token(tenant, Role::Viewer))
                .await
                .json(),
            "asset_id",
        );
        assert_eq!(
            assets,
            World::expected_assets(tenant),
            "{} {tenant:?}: assets after writes",
            t.label
        );
    }
    // Nothing changed what the tenants read before (the matrix of reads still holds for the
    // seeded SBOMs: a provider's upload of an "Acme Medical" SBOM stays invisible to Acme).
    let acme = ids(
        &get(
            &t.app,
            "/api/v1/sboms?limit=1000",
            world.token(Tenant::Acme, Role::Viewer),
        )
        .await
        .json(),
        "sbom_id",
    );
    for sbom_id in world
        .expected_sboms(Tenant::Mercy)
        .iter()
        .chain(&world.expected_sboms(Tenant::Globex))
    {
        assert!(!acme.contains(sbom_id), "{}: Acme sees {sbom_id}", t.label);
    }
    world.vex_docs.extend(vex_docs);
    world.analyses.extend(analyses);
}

#[tokio::test]
async fn role_tenant_route_matrix() {
    let (Some(narrow), Some(extended), Some(zlib)) = (
        common::corpus_bytes("sbom/medical-device/case-study/narrow.sbom.json"),
        common::corpus_bytes("sbom/medical-device/case-study/extended.sbom.json"),
        common::corpus_bytes("sbom/osv-scanner-testdata/alpine-zlib-16.cdx.json"),
    ) else {
        return;
    };
    for t in common::backends().await {
        let mut world = seed(&t, &narrow, &extended, &zlib).await;
        check_reads(&t, &world).await;
        check_vex(&t, &world).await;
        check_writes(&t, &mut world, &zlib).await;
        check_vex(&t, &world).await;
    }
}

#[tokio::test]
async fn no_credentials_no_access() {
    for t in common::backends().await {
        for (method, uri) in [
            ("GET", "/api/v1/products"),
            ("GET", "/api/v1/sboms"),
            ("POST", "/api/v1/sboms"),
            ("GET", "/api/v1/sboms/1"),
            ("GET", "/api/v1/search?name=a"),
            ("GET", "/api/v1/assets"),
            ("GET", "/api/v1/audit"),
            ("GET", "/api/v1/findings"),
            ("GET", "/api/v1/feeds"),
            ("POST", "/api/v1/tokens"),
            ("GET", "/api/v1/lifecycle/alerts"),
            ("GET", "/api/v1/vex"),
            ("POST", "/api/v1/vex"),
            ("GET", "/api/v1/vex/export?product=Pump&format=openvex"),
            ("GET", "/api/v1/analysis"),
            ("POST", "/api/v1/analysis"),
        ] {
            let reply = call(
                &t.app,
                method,
                uri,
                None,
                Some("application/json"),
                b"{}".to_vec(),
                &[],
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{} {method} {uri}",
                t.label
            );
            assert_eq!(reply.json()["code"], "unauthorized");
            let reply = call(
                &t.app,
                method,
                uri,
                Some("msb_not-a-token"),
                Some("application/json"),
                b"{}".to_vec(),
                &[],
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{} {method} {uri} with a bad token",
                t.label
            );
        }
        // Pages redirect to the login page.
        let reply = call(&t.app, "GET", "/", None, None, Vec::new(), &[]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.headers["location"], "/login");
    }
}

/// The VEX status of the Newtonsoft.Json finding of Pump 2 for a tenant, and the assets its
/// impact report lists.
async fn pump_status(t: &TestApp, token: &str) -> (Value, BTreeSet<String>) {
    let findings = get(
        &t.app,
        &format!("/api/v1/findings?vulnerability={NEWTONSOFT_CVE}&product=Pump"),
        token,
    )
    .await
    .json();
    let items = findings["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{findings}");
    let impact = get(
        &t.app,
        &format!("/api/v1/impact?vulnerability={NEWTONSOFT_CVE}"),
        token,
    )
    .await;
    assert_eq!(impact.status, StatusCode::OK, "{}", impact.text());
    (
        items[0]["vex_status"].clone(),
        strings(&impact.json(), "asset_id"),
    )
}

/// Two hospitals see the same shared Pump. One hospital's decision and VEX change its own
/// findings and impact only, and the other cannot list them; a statement of a manufacturer
/// that shares nothing with a hospital, or a hospital's statement that claims to be the
/// manufacturer's, never counts as the manufacturer's; the manufacturer's own statement
/// applies to every hospital it shares the product with.
#[tokio::test]
async fn a_hospitals_decision_stays_in_its_tenant() {
    let Some(extended) = common::corpus_bytes("sbom/medical-device/case-study/extended.sbom.json")
    else {
        return;
    };
    for t in common::backends().await {
        common::import_osv_fixture(&t.state).await;
        let acme = org(&t.state, OrgKind::Manufacturer, "Acme Medical").await;
        let globex = org(&t.state, OrgKind::Manufacturer, "Globex Devices").await;
        let stex = org(&t.state, OrgKind::Provider, "St. Example").await;
        let mercy = org(&t.state, OrgKind::Provider, "Mercy General").await;
        let acme = user_with_token(&t.state, &acme, "acme", Role::Publisher, None).await;
        let globex = user_with_token(&t.state, &globex, "globex", Role::Analyst, None).await;
        let stex = user_with_token(&t.state, &stex, "stex", Role::Analyst, None).await;
        let mercy = user_with_token(&t.state, &mercy, "mercy", Role::Analyst, None).await;
        let reply = upload(&t, &acme, &upload_uri("Pump", "2", None), extended.clone()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let product_id = get(&t.app, "/api/v1/products", &acme).await.json()["items"][0]["id"]
            .as_i64()
            .expect("product id");
        for (provider, token, asset) in [
            ("St. Example", &stex, "ICU-1"),
            ("Mercy General", &mercy, "MER-1"),
        ] {
            let reply = post_json(
                &t.app,
                &format!("/api/v1/products/{product_id}/shares"),
                &acme,
                &json!({"provider": provider}),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
            let csv = format!(
                "asset_id,manufacturer,product,product_version,site,criticality\n{asset},Acme Medical,Pump,2,North,life-sustaining\n"
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
        let icu: BTreeSet<String> = ["ICU-1".to_owned()].into();
        let mer: BTreeSet<String> = ["MER-1".to_owned()].into();
        assert_eq!(
            pump_status(&t, &stex).await,
            (Value::Null, icu.clone()),
            "{}",
            t.label
        );
        assert_eq!(
            pump_status(&t, &mercy).await,
            (Value::Null, mer.clone()),
            "{}",
            t.label
        );

        // Mercy decides "not affected": its finding and impact change, St. Example's do not.
        let finding = format!("Pump@2:{NEWTONSOFT_PURL}:{NEWTONSOFT_CVE}");
        let reply = post_json(
            &t.app,
            "/api/v1/analysis",
            &mercy,
            &json!({"finding": finding, "state": "not_affected", "justification": "code_not_reachable"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.json()["role"], "provider");
        assert_eq!(
            pump_status(&t, &mercy).await,
            (json!("not_affected"), BTreeSet::new()),
            "{}",
            t.label
        );
        assert_eq!(
            pump_status(&t, &stex).await,
            (Value::Null, icu.clone()),
            "{}",
            t.label
        );
        for token in [&stex, &acme, &globex] {
            let listed = get(&t.app, "/api/v1/analysis", token).await.json();
            assert_eq!(listed["total"], 0, "{}: {listed}", t.label);
        }
        assert_eq!(
            get(&t.app, "/api/v1/analysis", &mercy).await.json()["total"],
            1
        );

        // A VEX document of Mercy's claiming to be Acme's: Mercy's own, and a third party's.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&mercy),
            Some("application/json"),
            openvex(
                "mercy-1",
                "Acme Medical",
                "Pump",
                "not_affected",
                "2025-01-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.json()["authority"], "third_party");
        // Globex (shares nothing with the hospitals) says the same.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&globex),
            Some("application/json"),
            openvex(
                "globex-1",
                "Acme Medical",
                "Pump",
                "not_affected",
                "2025-01-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(
            pump_status(&t, &stex).await,
            (Value::Null, icu.clone()),
            "{}",
            t.label
        );
        for token in [&stex, &acme] {
            let listed = get(&t.app, "/api/v1/vex", token).await.json();
            assert_eq!(listed["total"], 0, "{}: {listed}", t.label);
        }

        // St. Example's own third-party statement, "affected", counts for St. Example ...
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&stex),
            Some("application/json"),
            openvex(
                "stex-1",
                "Acme Medical",
                "Pump",
                "affected",
                "2025-06-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(
            pump_status(&t, &stex).await,
            (json!("affected"), icu.clone()),
            "{}",
            t.label
        );
        // ... until Acme, the manufacturer, says "not affected" (older, but the manufacturer's
        // word wins; the hospital's claim to be Acme does not make its statement Acme's).
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&acme),
            Some("application/json"),
            openvex(
                "acme-1",
                "Acme Medical",
                "Pump",
                "not_affected",
                "2024-01-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.json()["authority"], "manufacturer");
        assert_eq!(
            pump_status(&t, &stex).await,
            (json!("not_affected"), BTreeSet::new()),
            "{}",
            t.label
        );
        assert_eq!(
            pump_status(&t, &mercy).await,
            (json!("not_affected"), BTreeSet::new()),
            "{}",
            t.label
        );
        let sources = strings(&get(&t.app, "/api/v1/vex", &stex).await.json(), "owner");
        assert_eq!(
            sources,
            ["own".to_owned(), "shared".to_owned()].into(),
            "{}",
            t.label
        );
        // The same bytes from another tenant are that tenant's own copy.
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&stex),
            Some("application/json"),
            openvex(
                "mercy-1",
                "Acme Medical",
                "Pump",
                "not_affected",
                "2025-01-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let reply = call(
            &t.app,
            "POST",
            "/api/v1/vex",
            Some(&stex),
            Some("application/json"),
            openvex(
                "mercy-1",
                "Acme Medical",
                "Pump",
                "not_affected",
                "2025-01-01T00:00:00Z",
            ),
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert_eq!(reply.json()["status"], "already-imported");
    }
}
