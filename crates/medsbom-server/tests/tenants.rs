//! The role × tenant × route matrix: every principal of two manufacturers and two providers
//! calls every route; what each sees and may change is checked against what its tenant owns,
//! so that no cross-tenant read or write goes through. On SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use medsbom_server::accounts::{OrgKind, Role};
use medsbom_server::auth::{Action, allowed};
use serde_json::{Value, json};

use common::{TestApp, call, get, org, post_json, unique_cyclonedx, user_with_token};

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
    };
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
    world
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
async fn check_writes(t: &TestApp, world: &World, zlib: &[u8]) {
    for p in &world.principals {
        let who = format!("{} {:?} {}", t.label, p.tenant, p.role.as_str());
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
        let world = seed(&t, &narrow, &extended, &zlib).await;
        check_reads(&t, &world).await;
        check_writes(&t, &world, &zlib).await;
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
