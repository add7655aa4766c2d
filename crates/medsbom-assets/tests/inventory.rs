//! The inventory in the database, on SQLite and (when configured) PostgreSQL: import as
//! upsert, dry run, linking to product versions (also when the SBOM comes later), set,
//! retire, listings and organizations.

mod common;

use medsbom_assets::{
    AssetChanges, AssetFilter, Criticality, Field, ImportOptions, ImportReport, InputFormat,
    RowAction, get_asset, import_assets, list_assets, parse_input, relink_assets, retire_asset,
    set_asset, unknown_product_versions,
};

use common::{TestDb, backends, component, device_sbom, ingest_sbom, scalar};

const ORG: &str = "St. Example Hospital";

async fn import(db: &TestDb, csv: &str, dry_run: bool) -> ImportReport {
    let input =
        parse_input(csv.as_bytes(), InputFormat::Csv, None, "inventory.csv").expect("parse");
    let options = ImportOptions {
        organization: ORG,
        dry_run,
    };
    import_assets(&db.db, &input, &options)
        .await
        .expect("import")
}

/// `line action asset linked` per outcome, then `rejected line: reason`.
fn summary(report: &ImportReport) -> String {
    let mut res = String::new();
    for outcome in &report.outcomes {
        res.push_str(&format!(
            "{} {} {}{}\n",
            outcome.at,
            outcome.action.as_str(),
            outcome.asset_id,
            if outcome.linked { " linked" } else { "" }
        ));
    }
    for rejection in &report.rejected {
        res.push_str(&format!(
            "rejected {}: {}\n",
            rejection.at, rejection.reason
        ));
    }
    res
}

fn filter() -> AssetFilter {
    AssetFilter {
        organization: ORG.to_owned(),
        site: None,
        department: None,
        product: None,
        criticality: None,
        unlinked_only: false,
        include_retired: false,
        limit: None,
    }
}

const INVENTORY: &str = "\
asset_id,serial,manufacturer,product,product_version,site,department,criticality,exposure
P-1,SN-1,Acme Medical,Infusion Pump,2.1,North,ICU,therapy-delivering,hospital-lan
P-2,SN-2,,infusion pump,2.1,North,Ward 3,therapy-delivering,segmented
V-1,SN-3,Acme Medical,Ventilator,7.0,South,ICU,life-sustaining,segmented
";

#[tokio::test]
async fn import_is_an_upsert_that_links_to_product_versions() {
    for db in backends().await {
        let label = db.label;
        let pump = device_sbom(
            "Acme Medical",
            "Infusion Pump",
            "2.1",
            vec![component("zlib", "1.2.11", None)],
        );
        ingest_sbom(db.store(), &pump).await;

        // The first import creates every asset; the pump links, the ventilator's SBOM is
        // not stored yet.
        let report = import(&db, INVENTORY, false).await;
        assert_eq!(
            summary(&report),
            "line 2 created P-1 linked\nline 3 created P-2 linked\nline 4 created V-1\n",
            "{label}"
        );
        let unknown: Vec<String> = report
            .unknown_product_versions
            .iter()
            .map(|u| format!("{} {} {}", u.product, u.product_version, u.reason))
            .collect();
        assert_eq!(unknown, ["Ventilator 7.0 not stored"], "{label}");

        // The ventilator's SBOM arrives later: the database links the waiting asset.
        let ventilator = device_sbom(
            "Acme Medical",
            "Ventilator",
            "7.0",
            vec![component("openssl", "1.1.1k", None)],
        );
        ingest_sbom(db.store(), &ventilator).await;
        let asset = get_asset(&db.db, ORG, "V-1").await.expect("V-1");
        assert!(
            asset.product_version_id.is_some(),
            "{label}: linked by the trigger"
        );
        assert!(
            unknown_product_versions(&db.db, ORG)
                .await
                .expect("unknown")
                .is_empty(),
            "{label}"
        );

        // The same file again changes nothing.
        let report = import(&db, INVENTORY, false).await;
        assert_eq!(report.n_unchanged(), 3, "{label}");

        // Updates by asset id and by serial; a serial alone cannot create; empty clears.
        let update = "\
asset_id,serial,department,exposure,notes
P-1,SN-1,NICU,,moved
,SN-3,ICU 2,isolated,
,SN-404,X,,
";
        let report = import(&db, update, false).await;
        assert_eq!(
            summary(&report),
            "line 2 updated P-1 linked\nline 3 updated V-1 linked\n\
             rejected line 4: no asset has serial \"SN-404\"; a new asset needs an asset_id\n",
            "{label}"
        );
        let p1 = get_asset(&db.db, ORG, "P-1").await.expect("P-1");
        assert_eq!(p1.get(Field::Department), Some("NICU"), "{label}");
        assert_eq!(p1.exposure, None, "{label}: an empty cell clears");
        assert_eq!(p1.get(Field::Notes), Some("moved"), "{label}");
        assert_eq!(
            p1.get(Field::Site),
            Some("North"),
            "{label}: absent columns stay"
        );
        let v1 = get_asset(&db.db, ORG, "V-1").await.expect("V-1");
        assert_eq!(v1.get(Field::Department), Some("ICU 2"), "{label}");
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM assets").await,
            3,
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_dry_run_reports_and_stores_nothing() {
    for db in backends().await {
        let label = db.label;
        let report = import(&db, INVENTORY, true).await;
        assert!(report.dry_run);
        assert_eq!(report.n_created(), 3, "{label}");
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM assets").await,
            0,
            "{label}"
        );
        assert!(
            list_assets(&db.db, &filter())
                .await
                .expect("list")
                .is_empty(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn bad_rows_are_rejected_and_good_rows_import() {
    for db in backends().await {
        let label = db.label;
        let csv = "\
asset_id,serial,site,criticality,ip
A-1,S-1,North,diagnostic,10.0.0.1
A-2,S-2,North,urgent,10.0.0.2
A-3,S-3,North,diagnostic
A-4,S-4,North,monitoring,not-an-ip
A-5,S-5,South,monitoring,10.0.0.5
";
        let report = import(&db, csv, false).await;
        assert_eq!(
            summary(&report),
            "line 2 created A-1\nline 6 created A-5\n\
             rejected line 3: criticality \"urgent\" is not one of life-sustaining, \
             therapy-delivering, monitoring, diagnostic, non-clinical\n\
             rejected line 4: has 4 fields, the header has 5; check for a missing or extra \
             delimiter or an unclosed quote\n\
             rejected line 5: ip \"not-an-ip\" is not an IP address\n",
            "{label}"
        );
        assert_eq!(
            scalar(&db, "SELECT count(*) FROM assets").await,
            2,
            "{label}"
        );
    }
}

#[tokio::test]
async fn set_retire_and_list() {
    for db in backends().await {
        let label = db.label;
        let pump = device_sbom("Acme Medical", "Infusion Pump", "2.1", Vec::new());
        ingest_sbom(db.store(), &pump).await;
        let pump_22 = device_sbom("Acme Medical", "Infusion Pump", "2.2", Vec::new());
        ingest_sbom(db.store(), &pump_22).await;
        import(&db, INVENTORY, false).await;

        // Changing the version re-links the asset.
        let before = get_asset(&db.db, ORG, "P-1").await.expect("P-1");
        let mut changes = AssetChanges::default();
        changes
            .fields
            .insert(Field::ProductVersion, Some("2.2".to_owned()));
        changes
            .fields
            .insert(Field::Zone, Some("VLAN 40".to_owned()));
        changes
            .custom_fields
            .insert("contract".to_owned(), Some("C-9".to_owned()));
        let after = set_asset(&db.db, ORG, "P-1", &changes).await.expect("set");
        assert!(after.product_version_id.is_some(), "{label}");
        assert_ne!(
            after.product_version_id, before.product_version_id,
            "{label}"
        );
        assert_eq!(after.get(Field::Zone), Some("VLAN 40"), "{label}");
        assert_eq!(
            after.custom_fields.get("contract").map(String::as_str),
            Some("C-9"),
            "{label}"
        );
        let err = set_asset(&db.db, ORG, "nope", &changes)
            .await
            .expect_err("unknown asset");
        assert!(err.to_string().contains("not found"), "{label}: {err}");

        // Listing filters by site and criticality; retired assets leave the listing.
        let mut north = filter();
        north.site = Some("north".to_owned());
        let ids = |assets: Vec<medsbom_assets::Asset>| -> Vec<String> {
            assets.into_iter().map(|a| a.asset_id).collect()
        };
        assert_eq!(
            ids(list_assets(&db.db, &north).await.expect("list")),
            ["P-1", "P-2"],
            "{label}"
        );
        let mut critical = filter();
        critical.criticality = Some(Criticality::LifeSustaining);
        assert_eq!(
            ids(list_assets(&db.db, &critical).await.expect("list")),
            ["V-1"],
            "{label}"
        );
        let retired = retire_asset(&db.db, ORG, "P-2", Some("replaced by P-9"))
            .await
            .expect("retire");
        assert!(retired.retired_at.is_some(), "{label}");
        assert_eq!(
            retired.get(Field::Notes),
            Some("retired: replaced by P-9"),
            "{label}"
        );
        assert_eq!(
            ids(list_assets(&db.db, &north).await.expect("list")),
            ["P-1"],
            "{label}"
        );
        north.include_retired = true;
        assert_eq!(
            ids(list_assets(&db.db, &north).await.expect("list")),
            ["P-1", "P-2"],
            "{label}"
        );
        let mut unlinked = filter();
        unlinked.unlinked_only = true;
        assert_eq!(
            ids(list_assets(&db.db, &unlinked).await.expect("list")),
            ["V-1"],
            "{label}"
        );

        // A re-import of a retired asset updates it and says so.
        let report = import(&db, "asset_id,department\nP-2,Ward 4\n", false).await;
        assert_eq!(report.outcomes[0].action, RowAction::Updated, "{label}");
        assert_eq!(
            report.warnings,
            ["line 2: asset P-2 is retired; updated anyway"],
            "{label}"
        );
    }
}

#[tokio::test]
async fn ambiguous_products_stay_unlinked_and_organizations_are_separate() {
    for db in backends().await {
        let label = db.label;
        for manufacturer in ["Acme Medical", "Other Corp"] {
            let sbom = device_sbom(manufacturer, "Monitor", "1.0", Vec::new());
            ingest_sbom(db.store(), &sbom).await;
        }
        let csv = "\
asset_id,manufacturer,product,product_version
M-1,,Monitor,1.0
M-2,other corp,MONITOR,1.0
";
        let report = import(&db, csv, false).await;
        assert_eq!(
            summary(&report),
            "line 2 created M-1\nline 3 created M-2 linked\n",
            "{label}"
        );
        let unknown = &report.unknown_product_versions;
        assert_eq!(unknown.len(), 1, "{label}");
        assert_eq!(
            unknown[0].reason,
            "several manufacturers have it (Acme Medical, Other Corp); set the manufacturer",
            "{label}"
        );

        // Another organization has its own M-1.
        let input = parse_input(
            b"asset_id,site\nM-1,Elsewhere\n",
            InputFormat::Csv,
            None,
            "x.csv",
        )
        .expect("parse");
        let other = ImportOptions {
            organization: "Other Hospital",
            dry_run: false,
        };
        let report = import_assets(&db.db, &input, &other).await.expect("import");
        assert_eq!(report.n_created(), 1, "{label}");
        let mine = get_asset(&db.db, ORG, "M-1").await.expect("mine");
        assert_eq!(mine.get(Field::Site), None, "{label}");
        let theirs = get_asset(&db.db, "Other Hospital", "M-1")
            .await
            .expect("theirs");
        assert_eq!(theirs.get(Field::Site), Some("Elsewhere"), "{label}");

        // Nothing new to link; hostile text is stored as text.
        assert_eq!(relink_assets(&db.db).await.expect("relink"), 0, "{label}");
        let hostile = "asset_id,notes\n\"X'); DROP TABLE assets; --\",\"a \"\"quoted\"\" note\"\n";
        let report = import(&db, hostile, false).await;
        assert_eq!(report.n_created(), 1, "{label}");
        let asset = get_asset(&db.db, ORG, "X'); DROP TABLE assets; --")
            .await
            .expect("hostile id");
        assert_eq!(
            asset.get(Field::Notes),
            Some("a \"quoted\" note"),
            "{label}"
        );
    }
}
