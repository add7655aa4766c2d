//! Product-version dates, derived stages at chosen dates, every alert kind, risk
//! acceptances, assets, the timeline report and the notice, on both backends.
//!
//! The scenario: Example Medical's Infusion Pump 3.0 (released 2022-06-01, EOL 2027-06-30
//! announced only 729 days ahead, EOS 2030-06-30) ships OpenSSL 3.0.13, whose cycle ends
//! 2026-09-07 (endoflife.date); Infusion Pump 4.0 (released 2025-01-01) has no dates yet.
//! In the device inventory, asset ICU-PUMP-01 (department ICU) runs 3.0 and WARD-PUMP-07
//! (Ward 3) runs 4.0.

mod common;

use common::{TestDb, add_asset, backends, component, date, eol_products, ingest_device, key};
use medsbom_lifecycle::{
    AcceptanceSubject, AlertConfig, DateSource, Decision, LifecycleError, LifecycleUpdate,
    NewAcceptance, Portfolio, ProductVersionKey, Span, compute_alerts,
};

const MANUFACTURER: &str = "Example Medical";
const PRODUCT: &str = "Infusion Pump";

/// Sets up the scenario; `None` when the corpus is absent.
async fn scenario(test: &TestDb) -> Option<(ProductVersionKey, ProductVersionKey)> {
    let openssl: Vec<_> = eol_products()?
        .into_iter()
        .filter(|p| p.name == "openssl")
        .collect();
    medsbom_lifecycle::import_eol(&test.db, &openssl)
        .await
        .expect("import openssl");
    let openssl_3 = component(
        "openssl",
        "3.0.13",
        Some("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"),
    );
    ingest_device(test, MANUFACTURER, PRODUCT, "3.0", vec![openssl_3]).await;
    ingest_device(
        test,
        MANUFACTURER,
        PRODUCT,
        "4.0",
        vec![component("zlib", "1.3.1", None)],
    )
    .await;
    let v3 = key(test, PRODUCT, "3.0").await;
    let v4 = key(test, PRODUCT, "4.0").await;
    let update = LifecycleUpdate {
        release: Some(date("2022-06-01")),
        eol: Some(date("2027-06-30")),
        eos: None,
        announced: Some(date("2025-07-01")),
        source: DateSource::ManufacturerNotice,
        upgrade_paths: Vec::new(),
        support_after_eol: None,
        support_after_eos: None,
    };
    medsbom_lifecycle::set_lifecycle(&test.db, &v3, &update)
        .await
        .expect("set 3.0");
    // A second announcement adds the EOS date, five years ahead.
    let eos = LifecycleUpdate {
        release: None,
        eol: None,
        eos: Some(date("2030-06-30")),
        announced: Some(date("2025-06-30")),
        ..update.clone()
    };
    let (dates, _) = medsbom_lifecycle::set_lifecycle(&test.db, &v3, &eos)
        .await
        .expect("set 3.0 eos");
    assert_eq!(
        dates.eol.map(|m| m.date),
        Some(date("2027-06-30")),
        "the EOL date is kept"
    );
    let release_4 = LifecycleUpdate {
        release: Some(date("2025-01-01")),
        eol: None,
        eos: None,
        announced: None,
        source: DateSource::Manual,
        ..eos
    };
    medsbom_lifecycle::set_lifecycle(&test.db, &v4, &release_4)
        .await
        .expect("set 4.0");
    add_asset(test, "ICU-PUMP-01", "ICU", &v3).await;
    add_asset(test, "WARD-PUMP-07", "Ward 3", &v4).await;
    medsbom_lifecycle::link_new_packages(&test.db)
        .await
        .expect("link");
    Some((v3, v4))
}

async fn portfolio(test: &TestDb) -> Portfolio {
    medsbom_lifecycle::load_portfolio(&test.db)
        .await
        .unwrap_or_else(|err| panic!("{}: {err}", test.label))
}

fn stage_of(portfolio: &Portfolio, pv: &ProductVersionKey, as_of: &str) -> String {
    let record = portfolio
        .product_version(pv.id)
        .expect("stored product version");
    let assessment = record.stage_on(&portfolio.acceptances, date(as_of));
    let since = assessment.since.map(|d| d.to_string()).unwrap_or_default();
    format!("{} {} {since}", assessment.stage, assessment.cause.as_str())
        .trim_end()
        .to_owned()
}

fn alerts(portfolio: &Portfolio, as_of: &str) -> Vec<String> {
    let as_of = date(as_of);
    let horizon_end = Span::parse("3y").expect("span").after(as_of);
    compute_alerts(portfolio, &AlertConfig { as_of, horizon_end })
        .iter()
        .map(|a| {
            format!(
                "{} {} {} {} {}",
                a.kind.as_str(),
                a.product_version,
                a.component.as_deref().or(a.asset.as_deref()).unwrap_or("-"),
                a.date.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                a.detail
            )
        })
        .collect()
}

fn acceptance<'a>(
    subject: AcceptanceSubject<'a>,
    component: Option<&'a str>,
    decided_on: &str,
    until: &str,
    review: &str,
) -> NewAcceptance<'a> {
    NewAcceptance {
        subject,
        component,
        decision: Decision::Accept,
        decided_by: "J. Doe, biomedical engineering",
        decided_on: date(decided_on),
        until: date(until),
        review: date(review),
        controls: "pump VLAN without internet access",
    }
}

#[tokio::test]
async fn stages_and_alerts_over_the_life_of_a_version() {
    for test in backends().await {
        let Some((v3, v4)) = scenario(&test).await else {
            return;
        };
        let pf = portfolio(&test).await;
        let check = |as_of: &str, expect: &str| {
            assert_eq!(
                stage_of(&pf, &v3, as_of),
                expect,
                "{} 3.0 on {as_of}",
                test.label
            )
        };
        check("2022-01-01", "development dates");
        check("2024-01-01", "support dates 2022-06-01");
        check("2026-09-06", "support dates 2022-06-01");
        // OpenSSL 3.0 ends before the pump does, unmitigated: End of Support (N70 §5.5).
        check(
            "2026-09-07",
            "end-of-support unmitigated-components 2026-09-07",
        );
        check("2030-07-01", "end-of-support dates 2030-06-30");
        assert_eq!(
            stage_of(&pf, &v4, "2024-12-31"),
            "development dates",
            "{}",
            test.label
        );
        assert_eq!(
            stage_of(&pf, &v4, "2025-01-01"),
            "support dates 2025-01-01",
            "{}",
            test.label
        );

        assert_eq!(
            alerts(&pf, "2026-01-01"),
            [
                "component_eos_soon 3.0 openssl 2026-09-07 support ends 2026-09-07, in 249 days, before the product version's end of support (its end of support is 2030-06-30); per endoflife.date OpenSSL 3.0 (by cpe): 2026-09-07",
                "notice_too_short 3.0 - 2027-06-30 end of life 2027-06-30 was announced on 2025-07-01 (manufacturer-notice), 729 days ahead; N70 asks for at least 2 years",
            ],
            "{}",
            test.label
        );
        assert_eq!(
            alerts(&pf, "2026-10-01"),
            [
                "unplanned_legacy 3.0 openssl 2026-09-07 out of support per endoflife.date OpenSSL 3.0 (by cpe): 2026-09-07; Infusion Pump 3.0 is still supported by its dates (its end of support is 2030-06-30); risk not mitigated, so the version is End of Support (N70 §5.5)",
                "notice_too_short 3.0 - 2027-06-30 end of life 2027-06-30 was announced on 2025-07-01 (manufacturer-notice), 729 days ahead; N70 asks for at least 2 years",
                "asset_unsupported 3.0 ICU-PUMP-01 2026-09-07 runs Infusion Pump 3.0 in End of Support: 1 component out of support without mitigation (N70 §5.5): openssl 3.0.13 since 2026-09-07; no risk acceptance or replacement decision",
            ],
            "{}",
            test.label
        );

        // The manufacturer mitigates the OpenSSL risk: Limited Support (N70 §5.5).
        let mitigation = acceptance(
            AcceptanceSubject::ProductVersion(&v3),
            Some("openssl"),
            "2026-09-01",
            "2028-12-31",
            "2027-09-01",
        );
        let stored = medsbom_lifecycle::record_acceptance(&test.db, &mitigation)
            .await
            .expect("record");
        assert_eq!(stored.subject, "Infusion Pump@3.0");
        // The hospital accepts the risk for its asset for 2027.
        let asset = acceptance(
            AcceptanceSubject::Asset("ICU-PUMP-01"),
            None,
            "2027-02-01",
            "2027-12-31",
            "2027-06-01",
        );
        medsbom_lifecycle::record_acceptance(&test.db, &asset)
            .await
            .expect("record");
        let pf = portfolio(&test).await;
        let check = |as_of: &str, expect: &str| {
            assert_eq!(
                stage_of(&pf, &v3, as_of),
                expect,
                "{} 3.0 on {as_of}",
                test.label
            )
        };
        check(
            "2026-09-07",
            "limited-support mitigated-components 2026-09-07",
        );
        check(
            "2027-07-01",
            "limited-support mitigated-components 2026-09-07",
        );
        // The mitigation expired.
        check(
            "2029-01-01",
            "end-of-support unmitigated-components 2026-09-07",
        );

        assert_eq!(
            alerts(&pf, "2027-07-01"),
            [
                "unplanned_legacy 3.0 openssl 2026-09-07 out of support per endoflife.date OpenSSL 3.0 (by cpe): 2026-09-07; Infusion Pump 3.0 is still supported by its dates (its end of support is 2030-06-30); risk mitigated: accepted by J. Doe, biomedical engineering until 2028-12-31 (pump VLAN without internet access), so the version is in Limited Support",
                "transfer_window 3.0 - 2030-06-30 end of support 2030-06-30 in 1095 days: the transfer of cybersecurity responsibility to the healthcare provider begins 2–3 years before end of support (N70 §7.3); decision recorded: accept by J. Doe, biomedical engineering until 2028-12-31",
                "acceptance_review_due 3.0 ICU-PUMP-01 2027-06-01 accept decision for ICU-PUMP-01 by J. Doe, biomedical engineering was due for review on 2027-06-01 (valid until 2027-12-31; controls: pump VLAN without internet access)",
            ],
            "{}",
            test.label
        );
        let kinds = |as_of: &str| -> Vec<String> {
            alerts(&pf, as_of)
                .iter()
                .map(|line| line.split(" ").take(4).collect::<Vec<_>>().join(" "))
                .collect()
        };
        assert_eq!(
            kinds("2028-01-15"),
            [
                "unplanned_legacy 3.0 openssl 2026-09-07",
                "transfer_window 3.0 - 2030-06-30",
                "asset_unsupported 3.0 ICU-PUMP-01 2026-09-07",
                "acceptance_expired 3.0 ICU-PUMP-01 2027-12-31",
                "acceptance_review_due 3.0 openssl 2027-09-01",
            ],
            "{}",
            test.label
        );
        // Past its own EOS the version raises no component alerts; the asset still does.
        assert_eq!(
            kinds("2030-07-01"),
            [
                "asset_unsupported 3.0 ICU-PUMP-01 2030-06-30",
                "acceptance_expired 3.0 ICU-PUMP-01 2027-12-31",
                "acceptance_expired 3.0 openssl 2028-12-31",
            ],
            "{}",
            test.label
        );
    }
}

#[tokio::test]
async fn timeline_report_and_notice() {
    for test in backends().await {
        let Some((v3, _v4)) = scenario(&test).await else {
            return;
        };
        let mitigation = acceptance(
            AcceptanceSubject::ProductVersion(&v3),
            Some("openssl"),
            "2026-09-01",
            "2028-12-31",
            "2027-09-01",
        );
        medsbom_lifecycle::record_acceptance(&test.db, &mitigation)
            .await
            .expect("record");
        let pf = portfolio(&test).await;
        let report = medsbom_lifecycle::build_report(&pf, date("2024-01-01"), date("2031-01-01"));
        let periods = |periods: &[medsbom_lifecycle::StagePeriod]| -> Vec<String> {
            periods
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {}",
                        p.stage,
                        p.start,
                        p.end.map(|d| d.to_string()).unwrap_or_default()
                    )
                    .trim_end()
                    .to_owned()
                })
                .collect()
        };
        let v3_timeline = report
            .product_versions
            .iter()
            .find(|pv| pv.version == "3.0")
            .expect("3.0 in the report");
        assert_eq!(
            periods(&v3_timeline.periods),
            [
                "support 2022-06-01 2026-09-07",
                "limited-support 2026-09-07 2029-01-01",
                "end-of-support 2029-01-01 2030-06-30",
                "end-of-support 2030-06-30",
            ],
            "{}",
            test.label
        );
        let ends: Vec<String> = v3_timeline
            .component_ends
            .iter()
            .map(|c| {
                format!(
                    "{} {:?} {}",
                    c.name,
                    c.date.map(|d| d.to_string()),
                    c.unsupported
                )
            })
            .collect();
        assert_eq!(ends, ["openssl Some(\"2026-09-07\") false"]);
        let groups: Vec<(String, Vec<String>)> = report
            .asset_groups
            .iter()
            .map(|g| (g.group.clone(), periods(&g.periods)))
            .collect();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups.first().map(|g| g.0.as_str()), Some("ICU"));
        assert_eq!(
            groups.first().map(|g| g.1.clone()),
            Some(periods(&v3_timeline.periods))
        );
        assert_eq!(
            groups.get(1).cloned(),
            Some((
                "Ward 3".to_owned(),
                vec![
                    "development 2024-01-01 2025-01-01".to_owned(),
                    "support 2025-01-01".to_owned()
                ]
            ))
        );
        let html = medsbom_lifecycle::report_html(&report);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(html.contains("<title>openssl 3.0.13: end of support 2026-09-07</title>"));
        assert!(html.contains("@media print"));
        assert_eq!(html.matches("<svg").count(), 1);

        let notice =
            medsbom_lifecycle::build_notice(&pf, v3.id, date("2026-01-01")).expect("notice");
        assert_eq!(notice.stage.stage.as_str(), "support");
        let paths: Vec<String> = notice
            .upgrade_paths
            .iter()
            .map(|p| format!("{} {:?}", p.target, p.stage.map(|s| s.as_str())))
            .collect();
        assert_eq!(
            paths,
            ["4.0 Some(\"support\")"],
            "newer supported versions are offered"
        );
        assert!(notice.unsupported_components.is_empty());
        let upcoming: Vec<&str> = notice
            .upcoming_component_ends
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(upcoming, ["openssl"]);
        assert_eq!(
            notice.warnings,
            [
                "the end of life date 2027-06-30 was announced only 729 days ahead; N70 asks for at least 2 years"
            ]
        );
        assert_eq!(
            notice.support_after_eos,
            medsbom_lifecycle::DEFAULT_SUPPORT_AFTER_EOS
        );
        let html = medsbom_lifecycle::notice_html(&notice);
        assert!(html.contains("<h1>End-of-life and end-of-support notice: Infusion Pump 3.0</h1>"));

        // Stated upgrade paths and support texts replace the defaults.
        let texts = LifecycleUpdate {
            release: None,
            eol: None,
            eos: None,
            announced: None,
            source: DateSource::ManufacturerNotice,
            upgrade_paths: vec!["4.0".to_owned(), "Infusion Pump X <trade-in>".to_owned()],
            support_after_eol: Some("Security patches until EOS.".to_owned()),
            support_after_eos: None,
        };
        medsbom_lifecycle::set_lifecycle(&test.db, &v3, &texts)
            .await
            .expect("set texts");
        let pf = portfolio(&test).await;
        let notice =
            medsbom_lifecycle::build_notice(&pf, v3.id, date("2026-10-01")).expect("notice");
        let paths: Vec<String> = notice
            .upgrade_paths
            .iter()
            .map(|p| format!("{} {:?}", p.target, p.stage.map(|s| s.as_str())))
            .collect();
        assert_eq!(
            paths,
            ["4.0 Some(\"support\")", "Infusion Pump X <trade-in> None"]
        );
        assert_eq!(notice.support_after_eol, "Security patches until EOS.");
        let unsupported: Vec<&str> = notice
            .unsupported_components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(unsupported, ["openssl"]);
        assert_eq!(notice.stage.stage.as_str(), "limited-support");
        let html = medsbom_lifecycle::notice_html(&notice);
        assert!(
            html.contains("Infusion Pump X &lt;trade-in&gt;"),
            "text is escaped"
        );
    }
}

#[tokio::test]
async fn bad_input_is_an_error() {
    for test in backends().await {
        let Some((v3, _)) = scenario(&test).await else {
            return;
        };
        let update = LifecycleUpdate {
            release: None,
            eol: None,
            eos: Some(date("2027-01-01")),
            announced: None,
            source: DateSource::Manual,
            upgrade_paths: Vec::new(),
            support_after_eol: None,
            support_after_eos: None,
        };
        let err = medsbom_lifecycle::set_lifecycle(&test.db, &v3, &update)
            .await
            .expect_err("EOS before EOL");
        assert_eq!(
            err.to_string(),
            "invalid lifecycle dates \"Infusion Pump 3.0\": end of support 2027-01-01 is before end of life 2027-06-30"
        );
        let pf = portfolio(&test).await;
        let stored = pf
            .product_version(v3.id)
            .and_then(|pv| pv.dates.eos)
            .map(|m| m.date);
        assert_eq!(
            stored,
            Some(date("2030-06-30")),
            "{}: nothing changed",
            test.label
        );

        let err = medsbom_lifecycle::find_product_version(&test.db, PRODUCT, "9.9", None)
            .await
            .expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "product version Infusion Pump 9.9 not found; ingest its SBOM first (medsbom ingest)"
        );
        assert!(matches!(err, LifecycleError::NotFound(_)));
        ingest_device(&test, "Other Medical", PRODUCT, "3.0", Vec::new()).await;
        let err = medsbom_lifecycle::find_product_version(&test.db, PRODUCT, "3.0", None)
            .await
            .expect_err("ambiguous");
        assert_eq!(
            err.to_string(),
            "invalid product \"Infusion Pump 3.0\": several manufacturers have it (Example Medical, Other Medical); choose one with --manufacturer"
        );
        let found =
            medsbom_lifecycle::find_product_version(&test.db, PRODUCT, "3.0", Some(MANUFACTURER))
                .await
                .expect("by manufacturer");
        assert_eq!(found, v3);

        let mut late = acceptance(
            AcceptanceSubject::Asset("ICU-PUMP-01"),
            None,
            "2027-01-01",
            "2026-12-31",
            "2026-12-31",
        );
        let err = medsbom_lifecycle::record_acceptance(&test.db, &late)
            .await
            .expect_err("until before decision");
        assert_eq!(
            err.to_string(),
            "invalid until date \"2026-12-31\": it is before the decision date 2027-01-01"
        );
        late.until = date("2027-12-31");
        late.review = date("2028-01-01");
        let err = medsbom_lifecycle::record_acceptance(&test.db, &late)
            .await
            .expect_err("review after until");
        assert_eq!(
            err.to_string(),
            "invalid review date \"2028-01-01\": it is after the until date 2027-12-31"
        );
        late.review = date("2027-06-01");
        late.controls = "  ";
        let err = medsbom_lifecycle::record_acceptance(&test.db, &late)
            .await
            .expect_err("no controls");
        assert_eq!(
            err.to_string(),
            "invalid controls \"  \": describe the compensating controls or the replacement plan"
        );
    }
}
