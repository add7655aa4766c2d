//! Real SBOMs joined to the real endoflife.date data, on both backends: the components found
//! out of support at fixed dates (Debian 9 container image, the medical-device case study,
//! a Python device fixture), and the import itself.

mod common;

use common::{TestDb, backends, date, eol_products, ingest_corpus, ingest_fixture};
use medsbom_lifecycle::{AlertConfig, Portfolio, compute_alerts};
use medsbom_model::IsoDate;

/// `kind component version date` per alert of one product, for exact comparisons.
fn alert_lines(
    portfolio: &Portfolio,
    product: &str,
    as_of: IsoDate,
    horizon_end: IsoDate,
) -> Vec<String> {
    compute_alerts(portfolio, &AlertConfig { as_of, horizon_end })
        .iter()
        .filter(|a| a.product == product)
        .map(|a| {
            format!(
                "{} {} {} {}",
                a.kind.as_str(),
                a.component.as_deref().unwrap_or("-"),
                a.component_version.as_deref().unwrap_or("-"),
                a.date.map_or_else(|| "-".to_owned(), |d| d.to_string())
            )
        })
        .collect()
}

async fn with_eol(test: &TestDb) -> Option<()> {
    let products = eol_products()?;
    let summary = medsbom_lifecycle::import_eol(&test.db, &products)
        .await
        .unwrap_or_else(|err| panic!("{}: {err}", test.label));
    assert_eq!(
        (summary.n_products, summary.n_releases),
        (464, 8351),
        "{}",
        test.label
    );
    Some(())
}

#[tokio::test]
async fn debian_stretch_image_is_unplanned_legacy() {
    for test in backends().await {
        if with_eol(&test).await.is_none() {
            return;
        }
        let image = "sbom/osv-scanner-testdata/postgres-stretch.cdx.xml";
        if !ingest_corpus(
            &test,
            image,
            "Example Imaging",
            "PACS Database",
            "11.15-stretch",
        )
        .await
        {
            return;
        }
        // The image was ingested after the import: its packages are linked on the next run,
        // and only once.
        let n_new = medsbom_lifecycle::link_new_packages(&test.db)
            .await
            .expect("link");
        assert_eq!(n_new, 138, "{}", test.label);
        assert_eq!(
            medsbom_lifecycle::link_new_packages(&test.db)
                .await
                .expect("link again"),
            0
        );
        let portfolio = medsbom_lifecycle::load_portfolio(&test.db)
            .await
            .expect("load");

        // Debian 9 (by the operating-system component; 132 packages carry distro=debian-9),
        // OpenSSL 1.1.0 and PostgreSQL 11 (by CPE and purl) are past their end of support.
        let lines = alert_lines(
            &portfolio,
            "PACS Database",
            date("2025-01-01"),
            date("2028-01-01"),
        );
        assert_eq!(
            lines,
            [
                "unplanned_legacy debian 9 2020-07-18",
                "unplanned_legacy openssl 1.1.0l-1~deb9u5 2019-09-11",
                "unplanned_legacy postgresql 11.15 2023-11-09",
            ],
            "{}",
            test.label
        );
        let pv = portfolio
            .product_versions
            .first()
            .expect("one product version");
        let summary: Vec<String> = pv
            .components
            .iter()
            .map(|c| {
                format!(
                    "{} n={} {}",
                    c.display_name(),
                    c.n_packages,
                    c.sources_text()
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "openssl 1.1.0l-1~deb9u5 n=1 endoflife.date OpenSSL 1.1.0 (by cpe): 2019-09-11",
                // Perl is an endoflife.date product, but 5.24 is not among its cycles.
                "perl 5.24.1-3+deb9u7 n=1 ",
                "postgresql 11.15 n=1 endoflife.date PostgreSQL 11 (by purl): 2023-11-09",
                "debian 9 n=132 endoflife.date Debian 9 (by name): 2020-07-18, extended support until 2022-07-01",
            ],
            "{}",
            test.label
        );
        let stage = pv.stage_on(&portfolio.acceptances, date("2025-01-01"));
        assert_eq!(
            (
                stage.stage.as_str(),
                stage.cause.as_str(),
                stage.since.map(|d| d.to_string())
            ),
            (
                "end-of-support",
                "unmitigated-components",
                Some("2019-09-11".to_owned())
            ),
        );

        // Two years before Debian 9's end, the same components were "ending soon" instead.
        let lines = alert_lines(
            &portfolio,
            "PACS Database",
            date("2019-01-01"),
            date("2022-01-01"),
        );
        assert_eq!(
            lines,
            [
                "component_eos_soon debian 9 2020-07-18",
                "component_eos_soon openssl 1.1.0l-1~deb9u5 2019-09-11",
            ],
            "{}",
            test.label
        );
        assert_eq!(
            pv.stage_on(&portfolio.acceptances, date("2019-01-01"))
                .stage
                .as_str(),
            "support"
        );
    }
}

#[tokio::test]
async fn medical_device_case_study() {
    for test in backends().await {
        if with_eol(&test).await.is_none() {
            return;
        }
        let narrow = "sbom/medical-device/case-study/narrow.sbom.json";
        let extended = "sbom/medical-device/case-study/extended.sbom.json";
        if !ingest_corpus(&test, narrow, "Example Medical", "Patient Monitor", "1.0").await
            || !ingest_corpus(&test, extended, "Example Medical", "Patient Monitor", "2.0").await
        {
            return;
        }
        medsbom_lifecycle::link_new_packages(&test.db)
            .await
            .expect("link");
        let portfolio = medsbom_lifecycle::load_portfolio(&test.db)
            .await
            .expect("load");
        // The SBOMs state "Deprecated" as level of support for two NuGet packages (no date);
        // jQuery 3 joins endoflife.date by purl but its cycle has no end announced.
        let expected = [
            "unplanned_legacy FluentValidationNA 1.2.16 -",
            "unplanned_legacy NLog.Config 4.5.11 -",
        ];
        let lines = alert_lines(
            &portfolio,
            "Patient Monitor",
            date("2025-06-01"),
            date("2028-06-01"),
        );
        assert_eq!(lines, [expected, expected].concat(), "{}", test.label);
        for pv in &portfolio.product_versions {
            let names: Vec<String> = pv
                .components
                .iter()
                .map(|c| format!("{} {}", c.display_name(), c.sources_text()))
                .collect();
            assert_eq!(
                names,
                [
                    "FluentValidationNA 1.2.16 SBOM level of support (no-longer-maintained): ended",
                    "NLog.Config 4.5.11 SBOM level of support (no-longer-maintained): ended",
                    "jQuery 3.1.1 ",
                ],
                "{} {}",
                test.label,
                pv.version
            );
        }
    }
}

#[tokio::test]
async fn python_device_fixture() {
    for test in backends().await {
        if with_eol(&test).await.is_none() {
            return;
        }
        ingest_fixture(
            &test,
            "spdx/bedside-gateway-python.spdx.json",
            "Example Medical",
            "Bedside Gateway",
            "4.2",
        )
        .await;
        medsbom_lifecycle::link_new_packages(&test.db)
            .await
            .expect("link");
        let portfolio = medsbom_lifecycle::load_portfolio(&test.db)
            .await
            .expect("load");
        let lines = alert_lines(
            &portfolio,
            "Bedside Gateway",
            date("2025-01-01"),
            date("2028-01-01"),
        );
        assert_eq!(
            lines,
            [
                "unplanned_legacy Debian 9 2020-07-18",
                "unplanned_legacy Django 3.2.25 2024-04-01",
                "unplanned_legacy Python 3.8.10 2024-10-07",
                "unplanned_legacy python3.5 3.5.3-1+deb9u5 2020-09-30",
                "component_eos_soon requests 2.31.0 2027-06-30",
            ],
            "{}",
            test.label
        );
        // Before CPython 3.8's end: Django and Python 3.5 had already ended, 3.8 was coming.
        let lines = alert_lines(
            &portfolio,
            "Bedside Gateway",
            date("2024-06-01"),
            date("2024-12-31"),
        );
        assert_eq!(
            lines,
            [
                "unplanned_legacy Debian 9 2020-07-18",
                "unplanned_legacy Django 3.2.25 2024-04-01",
                "unplanned_legacy python3.5 3.5.3-1+deb9u5 2020-09-30",
                "component_eos_soon Python 3.8.10 2024-10-07",
            ],
            "{}",
            test.label
        );
    }
}

#[tokio::test]
async fn import_is_repeatable() {
    for test in backends().await {
        let Some(products) = eol_products() else {
            return;
        };
        ingest_fixture(
            &test,
            "spdx/bedside-gateway-python.spdx.json",
            "Example Medical",
            "Bedside Gateway",
            "4.2",
        )
        .await;
        let first = medsbom_lifecycle::import_eol(&test.db, &products)
            .await
            .expect("import");
        let second = medsbom_lifecycle::import_eol(&test.db, &products)
            .await
            .expect("import again");
        assert_eq!(first, second, "{}", test.label);
        // python3.5 by purl (Python 3.5) and by distro (Debian 9); Python and Django by purl;
        // the fixture has no operating-system component, so no name links.
        assert_eq!(first.n_links, 4, "{}", test.label);
        // Replacing one product keeps the others and their links.
        let python: Vec<_> = products
            .iter()
            .filter(|p| p.name == "python")
            .cloned()
            .collect();
        let summary = medsbom_lifecycle::import_eol(&test.db, &python)
            .await
            .expect("import one");
        assert_eq!(
            (summary.n_products, summary.n_links),
            (1, 4),
            "{}",
            test.label
        );
    }
}
