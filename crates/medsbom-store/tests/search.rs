//! Search filters, alone and combined, and version ranges per ecosystem, on both backends.

mod common;

use common::{backends, component, device_sbom, ingest, with_support};
use medsbom_model::Party;
use medsbom_store::{SearchHit, SearchQuery, Store, StoreError};

/// Two manufacturers, three products, one of them with two revisions.
async fn portfolio(store: &Store) {
    let mut openssl = component(
        "openssl",
        "1.1.1w",
        Some("pkg:deb/debian/openssl@1.1.1w-0+deb11u1?arch=amd64"),
    );
    openssl.supplier = Some(Party::organization("OpenSSL Software Foundation"));
    openssl.cpes = vec!["cpe:2.3:a:openssl:openssl:1.1.1w:*:*:*:*:*:*:*".to_owned()];
    let openssl = with_support(openssl, "EOL", "2023-09-11");
    let mut zlib = component("zlib", "1.2.13", None);
    zlib.supplier = Some(Party::organization("zlib project"));
    zlib.cpes = vec!["cpe:/a:zlib:zlib:1.2.13".to_owned()];
    let zlib = with_support(zlib, "Actively maintained", "Until hardware support ends");
    let pump_v1 = device_sbom(
        "Acme Medical",
        "Infusion Pump",
        "2.1",
        vec![
            component("lodash", "4.17.20", Some("pkg:npm/lodash@4.17.20")),
            component("Django", "4.2rc1", Some("pkg:pypi/Django@4.2rc1")),
            openssl.clone(),
            zlib.clone(),
        ],
    );
    ingest(store, &pump_v1).await.expect("pump 2.1");
    // A second revision of the same product version fixes lodash.
    let mut pump_v1_rev2 = pump_v1.clone();
    pump_v1_rev2.version = Some(2);
    pump_v1_rev2.components[1] = component("lodash", "4.17.21", Some("pkg:npm/lodash@4.17.21"));
    ingest(store, &pump_v1_rev2).await.expect("pump 2.1 rev 2");

    let mut log4j = component(
        "log4j-core",
        "2.14.1",
        Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
    );
    log4j.extra.group = Some("org.apache.logging.log4j".to_owned());
    let monitor = device_sbom(
        "Beta Devices",
        "Patient Monitor",
        "7.0",
        vec![
            log4j,
            component("serde", "1.0.200", Some("pkg:cargo/serde@1.0.200")),
            component(
                "curl",
                "7.76.1-26.el9",
                Some("pkg:rpm/redhat/curl@7.76.1-26.el9?arch=x86_64"),
            ),
            component(
                "busybox",
                "1.36.1-r5",
                Some("pkg:apk/alpine/busybox@1.36.1-r5"),
            ),
            component("lodash", "3.10.1", Some("pkg:npm/lodash@3.10.1")),
            with_support(
                component("rtos-kernel", "10.4.3", None),
                "abandoned",
                "2021-01-01",
            ),
        ],
    );
    ingest(store, &monitor).await.expect("monitor 7.0");

    let scanner = device_sbom(
        "Beta Devices",
        "CT Scanner",
        "1.0",
        vec![
            openssl,
            component("Django", "5.0.1", Some("pkg:pypi/django@5.0.1")),
            component("lodash", "4.17.21", Some("pkg:npm/lodash@4.17.21")),
        ],
    );
    ingest(store, &scanner).await.expect("scanner 1.0");
}

/// `product version revision name version` per hit.
fn lines(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|hit| {
            format!(
                "{} {} r{} {} {}",
                hit.product,
                hit.product_version,
                hit.revision,
                hit.name,
                hit.version.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

async fn check(store: &Store, query: SearchQuery, expect: &[&str]) {
    let hits = store
        .search(&query)
        .await
        .unwrap_or_else(|err| panic!("{query:?}: {err}"));
    assert_eq!(lines(&hits), expect, "{query:?}");
}

fn q() -> SearchQuery {
    SearchQuery::default()
}

#[tokio::test]
async fn filters_alone_and_combined() {
    for db in backends().await {
        let store = &db.store;
        portfolio(store).await;

        // --purl without version: every version; only the newest revision by default.
        check(
            store,
            SearchQuery {
                purl: Some("pkg:npm/lodash".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 lodash 4.17.21",
                "CT Scanner 1.0 r1 lodash 4.17.21",
                "Patient Monitor 7.0 r1 lodash 3.10.1",
            ],
        )
        .await;
        // With a version; all revisions on request.
        check(
            store,
            SearchQuery {
                purl: Some("pkg:npm/lodash@4.17.20".to_owned()),
                all_revisions: true,
                ..q()
            },
            &["Infusion Pump 2.1 r1 lodash 4.17.20"],
        )
        .await;
        // A purl is normalized before matching (PyPI names are case-insensitive).
        check(
            store,
            SearchQuery {
                purl: Some("pkg:PyPI/DJANGO".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 Django 4.2rc1",
                "CT Scanner 1.0 r1 Django 5.0.1",
            ],
        )
        .await;
        // Qualifiers are ignored: the deb purl carries ?arch=amd64.
        check(
            store,
            SearchQuery {
                purl: Some("pkg:deb/debian/openssl".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 openssl 1.1.1w",
                "CT Scanner 1.0 r1 openssl 1.1.1w",
            ],
        )
        .await;
        // --name is a case-insensitive substring; Maven groups are part of the name.
        check(
            store,
            SearchQuery {
                name: Some("LOG4J".to_owned()),
                ..q()
            },
            &["Patient Monitor 7.0 r1 org.apache.logging.log4j/log4j-core 2.14.1"],
        )
        .await;
        // LIKE wildcards in the input are taken literally.
        check(
            store,
            SearchQuery {
                name: Some("_".to_owned()),
                ..q()
            },
            &[],
        )
        .await;
        // --cpe: a pattern matched per NISTIR 7696, 2.2 URIs included.
        check(
            store,
            SearchQuery {
                cpe: Some("cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*".to_owned()),
                ..q()
            },
            &["Infusion Pump 2.1 r2 zlib 1.2.13"],
        )
        .await;
        check(
            store,
            SearchQuery {
                cpe: Some("cpe:2.3:a:*:openssl:1.1.1*:*:*:*:*:*:*:*".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 openssl 1.1.1w",
                "CT Scanner 1.0 r1 openssl 1.1.1w",
            ],
        )
        .await;
        // --supplier, --support-level (supplier wording accepted), --eos-before.
        check(
            store,
            SearchQuery {
                supplier: Some("openssl".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 openssl 1.1.1w",
                "CT Scanner 1.0 r1 openssl 1.1.1w",
            ],
        )
        .await;
        check(
            store,
            SearchQuery {
                support_level: Some("no-longer-maintained".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 openssl 1.1.1w",
                "CT Scanner 1.0 r1 openssl 1.1.1w",
            ],
        )
        .await;
        check(
            store,
            SearchQuery {
                support_level: Some("Abandoned".to_owned()),
                ..q()
            },
            &["Patient Monitor 7.0 r1 rtos-kernel 10.4.3"],
        )
        .await;
        // "Until hardware support ends" is not a date, so it is never before anything.
        check(
            store,
            SearchQuery {
                eos_before: Some("2023-01-01".to_owned()),
                ..q()
            },
            &["Patient Monitor 7.0 r1 rtos-kernel 10.4.3"],
        )
        .await;
        check(
            store,
            SearchQuery {
                eos_before: Some("2024-01-01".to_owned()),
                ..q()
            },
            &[
                "Infusion Pump 2.1 r2 openssl 1.1.1w",
                "CT Scanner 1.0 r1 openssl 1.1.1w",
                "Patient Monitor 7.0 r1 rtos-kernel 10.4.3",
            ],
        )
        .await;
        // Combined: every filter must hold.
        check(
            store,
            SearchQuery {
                eos_before: Some("2024-01-01".to_owned()),
                product: Some("infusion pump".to_owned()),
                supplier: Some("foundation".to_owned()),
                cpe: Some("cpe:/a:openssl:openssl".to_owned()),
                ..q()
            },
            &["Infusion Pump 2.1 r2 openssl 1.1.1w"],
        )
        .await;
        check(
            store,
            SearchQuery {
                purl: Some("pkg:npm/lodash".to_owned()),
                version_range: Some("vers:npm/<4.17.21".to_owned()),
                product: Some("Patient Monitor".to_owned()),
                ..q()
            },
            &["Patient Monitor 7.0 r1 lodash 3.10.1"],
        )
        .await;
        check(
            store,
            SearchQuery {
                name: Some("lodash".to_owned()),
                limit: Some(1),
                ..q()
            },
            &["Infusion Pump 2.1 r2 lodash 4.17.21"],
        )
        .await;

        // Every hit names the product, version, revision and component, plus the package.
        let hits = store
            .search(&SearchQuery {
                purl: Some("pkg:apk/alpine/busybox@1.36.1-r5".to_owned()),
                ..q()
            })
            .await
            .expect("search");
        let hit = &hits[0];
        assert_eq!(hit.manufacturer, "Beta Devices");
        assert_eq!(hit.bom_ref, "busybox@1.36.1-r5");
        assert_eq!(
            hit.purl.as_deref(),
            Some("pkg:apk/alpine/busybox@1.36.1-r5")
        );
        assert!(0 < hit.package_id);
    }
}

#[tokio::test]
async fn version_ranges_use_each_ecosystems_ordering() {
    for db in backends().await {
        let store = &db.store;
        portfolio(store).await;
        let cases: &[(&str, &[&str])] = &[
            // npm / semver: 3.10.1 < 4.17.20 < 4.17.21.
            ("vers:npm/>=4.0.0|<4.17.21", &[]),
            (
                "vers:npm/>=3.0.0|<4.0.0",
                &["Patient Monitor 7.0 r1 lodash 3.10.1"],
            ),
            // cargo.
            (
                "vers:cargo/>=1.0.100",
                &["Patient Monitor 7.0 r1 serde 1.0.200"],
            ),
            // PEP 440: 4.2rc1 is a pre-release of 4.2, so below 4.2.
            ("vers:pypi/<4.2", &["Infusion Pump 2.1 r2 Django 4.2rc1"]),
            ("vers:pypi/>=4.2", &["CT Scanner 1.0 r1 Django 5.0.1"]),
            // Maven.
            (
                "vers:maven/>=2.0-beta9|<2.15.0",
                &["Patient Monitor 7.0 r1 org.apache.logging.log4j/log4j-core 2.14.1"],
            ),
            // Debian: 1.1.1w-0+deb11u1 > 1.1.1n-0+deb11u5.
            (
                "vers:deb/>1.1.1n-0+deb11u5",
                &[
                    "Infusion Pump 2.1 r2 openssl 1.1.1w",
                    "CT Scanner 1.0 r1 openssl 1.1.1w",
                ],
            ),
            // RPM.
            (
                "vers:rpm/<7.76.1-26.el9_3.2",
                &["Patient Monitor 7.0 r1 curl 7.76.1-26.el9"],
            ),
            // Alpine: -r5 < -r10 (numeric).
            (
                "vers:apk/<1.36.1-r10",
                &["Patient Monitor 7.0 r1 busybox 1.36.1-r5"],
            ),
            // Generic ordering applies to every package, whatever its ecosystem.
            (
                "vers:generic/>=10.0|<11",
                &["Patient Monitor 7.0 r1 rtos-kernel 10.4.3"],
            ),
        ];
        for (range, expect) in cases {
            check(
                store,
                SearchQuery {
                    version_range: Some((*range).to_owned()),
                    ..q()
                },
                expect,
            )
            .await;
        }
    }
}

#[tokio::test]
async fn invalid_arguments_are_rejected_with_the_reason() {
    for db in backends().await {
        let store = &db.store;
        let cases = [
            (
                SearchQuery {
                    purl: Some("npm/lodash".to_owned()),
                    ..q()
                },
                "invalid purl",
            ),
            (
                SearchQuery {
                    version_range: Some("vers:npm/<2.0.0|>=1.0.0".to_owned()),
                    ..q()
                },
                "invalid version range",
            ),
            (
                SearchQuery {
                    version_range: Some(">=1.0".to_owned()),
                    ..q()
                },
                "invalid version range",
            ),
            (
                SearchQuery {
                    cpe: Some("openssl".to_owned()),
                    ..q()
                },
                "invalid CPE",
            ),
            (
                SearchQuery {
                    eos_before: Some("next year".to_owned()),
                    ..q()
                },
                "invalid date",
            ),
            (
                SearchQuery {
                    support_level: Some("best effort".to_owned()),
                    ..q()
                },
                "invalid support level",
            ),
        ];
        for (query, expect) in cases {
            let err = store.search(&query).await.expect_err("must be rejected");
            assert!(matches!(err, StoreError::InvalidQuery { .. }), "{err:?}");
            assert!(err.to_string().starts_with(expect), "{err}");
        }
    }
}

#[tokio::test]
async fn stored_versions_diff_like_the_documents() {
    for db in backends().await {
        let store = &db.store;
        portfolio(store).await;
        let mut next = device_sbom(
            "Acme Medical",
            "Infusion Pump",
            "2.2",
            vec![
                component("lodash", "4.17.21", Some("pkg:npm/lodash@4.17.21")),
                component("Django", "4.1", Some("pkg:pypi/django@4.1")),
                with_support(component("zlib", "1.2.13", None), "EOL", "2025-01-01"),
                component(
                    "busybox",
                    "1.36.1-r5",
                    Some("pkg:apk/alpine/busybox@1.36.1-r5"),
                ),
            ],
        );
        next.components[3].cpes = vec!["cpe:/a:zlib:zlib:1.2.13".to_owned()];
        ingest(store, &next).await.expect("pump 2.2");
        let target = |version: &str, revision: Option<i64>| medsbom_store::DiffTarget {
            product: "infusion pump".to_owned(),
            product_version: version.to_owned(),
            revision,
            manufacturer: None,
        };
        let entries = store
            .diff_versions(&target("2.1", Some(1)), &target("2.2", None))
            .await
            .expect("diff");
        let actual: Vec<String> = entries
            .iter()
            .map(|e| {
                let v = |s: &Option<medsbom_store::ComponentSummary>| {
                    s.as_ref()
                        .and_then(|s| s.version.clone())
                        .unwrap_or_else(|| "-".to_owned())
                };
                format!(
                    "{} {} {} -> {}",
                    e.change.as_str(),
                    e.identity,
                    v(&e.old),
                    v(&e.new)
                )
            })
            .collect();
        assert_eq!(
            actual,
            [
                "support-changed cpe:2.3:a:zlib:zlib 1.2.13 -> 1.2.13",
                "upgraded infusion pump 2.1 -> 2.2",
                "added pkg:apk/alpine/busybox - -> 1.36.1-r5",
                "removed pkg:deb/debian/openssl 1.1.1w -> -",
                "upgraded pkg:npm/lodash 4.17.20 -> 4.17.21",
                "downgraded pkg:pypi/django 4.2rc1 -> 4.1",
            ],
            "{}",
            db.label
        );
        let err = store
            .diff_versions(&target("9.9", None), &target("2.2", None))
            .await
            .expect_err("missing");
        assert_eq!(
            err.to_string(),
            "product infusion pump version 9.9 not found"
        );
    }
}
