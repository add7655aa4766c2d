//! The component registry on real SBOMs: the medical-device case study rebuilt as a
//! product, a Go build-tool SBOM (cyclonedx-gomod output for proton-bridge) imported into
//! two versions, components added by hand, SBOMs generated in every output format and
//! checked with the schemas and `check`. Every test runs on SQLite and PostgreSQL.

mod common;

use medsbom_check::Profile;
use medsbom_formats::OutputFormat;
use medsbom_model::{Component, ComponentType, IsoDate, Party, RelationshipKind, SupportLevel};
use medsbom_registry::{
    ComponentEdit, GenerateOptions, ImportOptions, NewVersion, RegistryError, VersionRef,
};

const CASE_STUDY: &str = "sbom/medical-device/case-study/extended.sbom.json";
const BRIDGE_OLD: &str =
    "sbom/cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json";
const BRIDGE_NEW: &str =
    "sbom/cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json";

fn options(format: OutputFormat, allow_gaps: bool) -> GenerateOptions {
    GenerateOptions {
        format,
        profile: Profile::FdaPremarket,
        allow_gaps,
        as_of: IsoDate::parse("2026-11-23"),
    }
}

fn import_options(label: &str) -> ImportOptions<'_> {
    ImportOptions {
        label,
        default_supplier: None,
        default_support_level: None,
        default_eos: None,
    }
}

#[tokio::test]
async fn case_study_rebuilt_as_a_product_generates_every_format() {
    let Some(case_study) = common::corpus_sbom(CASE_STUDY) else {
        return;
    };
    for test in common::backends().await {
        let db = &test.db;
        let label = test.label;
        medsbom_registry::create_product(db, "Anonymised MDM", "Case Study Device")
            .await
            .unwrap();
        let mut new = NewVersion::new(Some("Anonymised MDM"), "Case Study Device", "1.0");
        new.support_level = Some("actively-maintained");
        new.eos = Some("2032-12-31");
        let key = medsbom_registry::add_version(db, &new).await.unwrap();
        let target = VersionRef::of(&key);
        let summary =
            medsbom_registry::import_sbom(db, &target, &case_study, &import_options("case-study"))
                .await
                .unwrap();
        assert_eq!(summary.added, summary.n_in_file, "{label}");
        assert!(summary.n_in_file >= 60, "{label}: {summary:?}");
        assert_eq!(summary.revision, 2, "{label}");

        let (info, components) = medsbom_registry::list_components(db, &target)
            .await
            .unwrap();
        assert_eq!(info.n_components as usize, components.len());
        // Hardware is first class: CycloneDX `device` with a CPE part `h`.
        let access_point = components
            .iter()
            .find(|c| c.component.name == "UAP-AC-Pro")
            .expect("the access point");
        assert_eq!(
            access_point.component.kind,
            ComponentType::Device,
            "{label}"
        );
        assert!(access_point.component.cpes[0].starts_with("cpe:2.3:h:ubiquiti"));
        // The supplier's support data is kept as written.
        let unifi = components
            .iter()
            .find(|c| c.component.name == "UniFi Network Application")
            .expect("UniFi");
        assert_eq!(unifi.support_source.as_deref(), Some("supplier"));
        assert_eq!(
            unifi.component.support.level,
            Some(SupportLevel::ActivelyMaintained)
        );
        let eos = unifi.component.support.end_of_support.as_ref().unwrap();
        assert_eq!(eos.text, "Until hardware support ends");

        // The case study does not give end-of-support dates: FDA premarket refuses it and
        // says why.
        let refused =
            medsbom_registry::generate(db, &target, &options(OutputFormat::CycloneDxJson, false))
                .await;
        let Err(RegistryError::Gaps { gaps, profile }) = refused else {
            panic!("{label}: expected a refusal for gaps, got {refused:?}");
        };
        assert_eq!(profile, "fda-premarket");
        let eos_gap = gaps.iter().find(|g| g.element == "end_of_support").unwrap();
        assert!(
            eos_gap
                .components
                .iter()
                .any(|c| c.starts_with("UniFi Network Application")),
            "{label}: {eos_gap:?}"
        );
        assert!(
            !eos_gap
                .components
                .iter()
                .any(|c| c.starts_with("Case Study Device"))
        );

        // With --allow-gaps every format is written, schema-valid, with the support data.
        for format in OutputFormat::ALL.iter().copied() {
            let generated = medsbom_registry::generate(db, &target, &options(format, true))
                .await
                .unwrap_or_else(|err| panic!("{label} {format}: {err}"));
            let report = medsbom_formats::validate(&generated.bytes);
            assert!(report.valid, "{label} {format}: {:?}", report.errors);
            let (_, parsed) = medsbom_formats::read(&generated.bytes).unwrap();
            assert_eq!(
                parsed.sbom.components.len(),
                components.len() + 1,
                "{label} {format}"
            );
            assert!(!generated.gaps.is_empty());
            let unifi = parsed
                .sbom
                .components
                .iter()
                .find(|c| c.name == "UniFi Network Application")
                .unwrap();
            assert_eq!(
                unifi.support.level,
                Some(SupportLevel::ActivelyMaintained),
                "{label} {format}"
            );
            assert_eq!(
                unifi
                    .support
                    .end_of_support
                    .as_ref()
                    .map(|m| m.text.as_str()),
                Some("Until hardware support ends"),
                "{label} {format}"
            );
            let device = parsed.sbom.root_components().next().expect("a root");
            assert_eq!(device.name, "Case Study Device");
            assert_eq!(
                device.support.end_of_support.as_ref().and_then(|m| m.date),
                IsoDate::parse("2032-12-31")
            );
            if format == OutputFormat::CycloneDxJson {
                assert_eq!(
                    parsed.sbom.serial_number.as_deref(),
                    Some(info.serial_number.as_str())
                );
                assert_eq!(parsed.sbom.version, Some(2));
                assert!(
                    !parsed.sbom.compositions.is_empty(),
                    "known unknowns are stated"
                );
                // Every component hangs off the device.
                let roots_deps = parsed
                    .sbom
                    .relationships
                    .iter()
                    .filter(|r| r.from == device.bom_ref && r.kind == RelationshipKind::DependsOn)
                    .count();
                assert!(roots_deps > 0);
            }
        }

        // The manufacturer completes the data; then the SBOM passes FDA premarket as is.
        for item in &components {
            let c = &item.component;
            let mut edit = ComponentEdit::default();
            if c.support
                .end_of_support
                .as_ref()
                .and_then(|m| m.date)
                .is_none()
            {
                edit.eos = Some("2029-06-30".to_owned());
            }
            if c.support.level.is_none_or(|l| l == SupportLevel::Unknown) {
                edit.support_level = Some("actively-maintained".to_owned());
            }
            if c.version.as_deref().is_none_or(|v| v.trim().is_empty()) {
                edit.version = Some("rev-a".to_owned());
            }
            if c.purl.is_none() && c.cpes.is_empty() {
                edit.purl = Some(format!(
                    "pkg:generic/anonymised/{}",
                    c.name.to_lowercase().replace(' ', "-")
                ));
            }
            if c.supplier.as_ref().is_none_or(|s| !s.is_asserted()) {
                edit.supplier = Some(
                    c.extra
                        .publisher
                        .clone()
                        .unwrap_or_else(|| "Anonymised MDM".to_owned()),
                );
            }
            if edit != ComponentEdit::default() {
                medsbom_registry::edit_component(db, &target, &item.identity, &edit)
                    .await
                    .unwrap_or_else(|err| panic!("{label}: edit {}: {err}", item.identity));
            }
        }
        for format in OutputFormat::ALL.iter().copied() {
            let generated = medsbom_registry::generate(db, &target, &options(format, false))
                .await
                .unwrap_or_else(|err| panic!("{label} {format}: {err}"));
            assert!(
                generated.report.conformant,
                "{label} {format}: {:?}",
                generated.gaps
            );
            let (_, parsed) = medsbom_formats::read(&generated.bytes).unwrap();
            let ntia = medsbom_check::check(&parsed.sbom, Profile::Ntia2021, None);
            assert!(
                ntia.conformant,
                "{label} {format}: {:?}",
                ntia.failed_elements().collect::<Vec<_>>()
            );
            let n73 = medsbom_check::check(&parsed.sbom, Profile::ImdrfN73, None);
            assert!(
                n73.element("known_unknowns").is_some_and(|e| e.passed),
                "{label} {format}"
            );
        }
        // Edited support data is marked as the manufacturer's.
        let (_, components) = medsbom_registry::list_components(db, &target)
            .await
            .unwrap();
        let unifi = components
            .iter()
            .find(|c| c.component.name == "UniFi Network Application")
            .unwrap();
        assert_eq!(unifi.support_source.as_deref(), Some("manual"));
        test.db.close().await;
    }
}

#[tokio::test]
async fn build_tool_sboms_merge_by_identity_across_versions() {
    let (Some(old), Some(new)) = (
        common::corpus_sbom(BRIDGE_OLD),
        common::corpus_sbom(BRIDGE_NEW),
    ) else {
        return;
    };
    for test in common::backends().await {
        let db = &test.db;
        let label = test.label;
        medsbom_registry::create_product(db, "Acme Medical", "Pump Gateway")
            .await
            .unwrap();
        let v1 = medsbom_registry::add_version(
            db,
            &NewVersion::new(Some("Acme Medical"), "Pump Gateway", "1.0"),
        )
        .await
        .unwrap();
        let v1_ref = VersionRef::of(&v1);
        let first = medsbom_registry::import_sbom(db, &v1_ref, &old, &import_options("bridge"))
            .await
            .unwrap();
        assert_eq!(first.added, 202, "{label}: root + 201 components");
        // The same file again changes nothing.
        let again = medsbom_registry::import_sbom(db, &v1_ref, &old, &import_options("bridge"))
            .await
            .unwrap();
        assert_eq!(
            (again.added, again.updated, again.unchanged, again.removed),
            (0, 0, 202, 0),
            "{label}"
        );
        assert_eq!(again.revision, first.revision);

        // Version 2.0 starts as a copy of 1.0.
        let mut next = NewVersion::new(Some("Acme Medical"), "Pump Gateway", "2.0");
        next.from = Some("1.0");
        let v2 = medsbom_registry::add_version(db, &next).await.unwrap();
        let v2_ref = VersionRef::of(&v2);
        let v2_info = medsbom_registry::find_version(db, &v2_ref).await.unwrap();
        assert_eq!(v2_info.n_components, 202);
        assert_eq!(v2_info.based_on.as_deref(), Some("1.0"));
        let v1_info = medsbom_registry::find_version(db, &v1_ref).await.unwrap();
        assert_ne!(v1_info.serial_number, v2_info.serial_number);

        // The manufacturer states support data for a component that stays in 1.8.0.
        let kept = "pkg:golang/github.com/0xAX/notificator@v0.0.0-20191016112426-3962a5ea8da1";
        let edit = ComponentEdit {
            support_level: Some("no-longer-maintained".to_owned()),
            eos: Some("2024-01-31".to_owned()),
            ..ComponentEdit::default()
        };
        medsbom_registry::edit_component(db, &v2_ref, kept, &edit)
            .await
            .unwrap();

        // Re-importing the new build replaces what the old one brought.
        let second = medsbom_registry::import_sbom(db, &v2_ref, &new, &import_options("bridge"))
            .await
            .unwrap();
        // 7 modules changed, and the application itself (its purl carries the version).
        assert_eq!(second.added, 8, "{label}: {second:?}");
        assert_eq!(second.removed, 8, "{label}: {second:?}");
        assert_eq!(
            second.unchanged + second.updated,
            194,
            "{label}: {second:?}"
        );
        let (_, v2_components) = medsbom_registry::list_components(db, &v2_ref)
            .await
            .unwrap();
        assert_eq!(v2_components.len(), 202);
        let notificator = v2_components.iter().find(|c| c.identity == kept).unwrap();
        assert_eq!(notificator.support_source.as_deref(), Some("manual"));
        assert_eq!(
            notificator.component.support.level,
            Some(SupportLevel::NoLongerMaintained),
            "{label}: the edited support data survives the re-import"
        );
        // No dependency edge points at a removed component.
        let identities: std::collections::BTreeSet<&str> =
            v2_components.iter().map(|c| c.identity.as_str()).collect();
        for item in &v2_components {
            for dep in &item.depends_on {
                assert!(identities.contains(dep.as_str()), "{label}: {dep}");
            }
        }
        // 1.0 is untouched.
        let (v1_now, _) = medsbom_registry::list_components(db, &v1_ref)
            .await
            .unwrap();
        assert_eq!(v1_now.revision, v1_info.revision);

        // Generation: deterministic per revision; the BOM version is the revision; the
        // dependency graph of the build tool is kept.
        let opts = options(OutputFormat::CycloneDxJson, true);
        let a = medsbom_registry::generate(db, &v2_ref, &opts)
            .await
            .unwrap();
        let b = medsbom_registry::generate(db, &v2_ref, &opts)
            .await
            .unwrap();
        assert_eq!(a.bytes, b.bytes, "{label}: same revision, same bytes");
        let info = medsbom_registry::find_version(db, &v2_ref).await.unwrap();
        assert_eq!(a.sbom.version, u64::try_from(info.revision).ok());
        assert_eq!(
            a.sbom.serial_number.as_deref(),
            Some(info.serial_number.as_str())
        );
        let n_edges = a
            .sbom
            .relationships
            .iter()
            .filter(|r| r.kind == RelationshipKind::DependsOn)
            .count();
        assert!(n_edges > 201, "{label}: {n_edges} edges");
        let old_generated = medsbom_registry::generate(db, &v1_ref, &opts)
            .await
            .unwrap();
        let diff = medsbom_store::diff_sboms(&old_generated.sbom, &a.sbom);
        assert!(diff.len() >= 9, "{label}: {} changes", diff.len());
        assert!(
            diff.iter().any(|d| d.change.as_str() == "upgraded"),
            "{label}"
        );
        assert!(
            diff.iter().any(|d| d.change.as_str() == "support-changed"),
            "{label}"
        );
        // Hashes and licences of the build tool come through.
        let (_, parsed) = medsbom_formats::read(&a.bytes).unwrap();
        let with_hash = parsed
            .sbom
            .components
            .iter()
            .filter(|c| !c.hashes.is_empty())
            .count();
        let with_license = parsed
            .sbom
            .components
            .iter()
            .filter(|c| !c.licenses.is_empty())
            .count();
        assert!(
            with_hash > 150 && with_license > 150,
            "{label}: {with_hash} {with_license}"
        );

        // Defaults fill what the build tool does not say, and then FDA premarket passes.
        let mut third = NewVersion::new(Some("Acme Medical"), "Pump Gateway", "3.0");
        third.support_level = Some("actively-maintained");
        third.eos = Some("2033-12-31");
        let v3 = medsbom_registry::add_version(db, &third).await.unwrap();
        let defaults = ImportOptions {
            label: "bridge",
            default_supplier: Some("Proton AG"),
            default_support_level: Some("actively-maintained"),
            default_eos: Some("2030-12-31"),
        };
        medsbom_registry::import_sbom(db, &VersionRef::of(&v3), &new, &defaults)
            .await
            .unwrap();
        for format in [OutputFormat::CycloneDxXml, OutputFormat::SpdxJson] {
            let generated =
                medsbom_registry::generate(db, &VersionRef::of(&v3), &options(format, false))
                    .await
                    .unwrap_or_else(|err| panic!("{label} {format}: {err}"));
            assert!(generated.report.conformant);
        }
        test.db.close().await;
    }
}

#[tokio::test]
async fn hardware_and_firmware_added_by_hand() {
    for test in common::backends().await {
        let db = &test.db;
        let label = test.label;
        medsbom_registry::create_product(db, "Acme Medical", "Infusion Pump")
            .await
            .unwrap();
        let mut new = NewVersion::new(Some("Acme Medical"), "Infusion Pump", "4.2");
        new.eos = Some("2031-12-31");
        new.support_level = Some("Actively maintained");
        let key = medsbom_registry::add_version(db, &new).await.unwrap();
        let target = VersionRef::of(&key);
        let mut board = Component::new("", "Pump controller board");
        board.kind =
            medsbom_registry::kind_from_cpe("cpe:2.3:h:acme:pump_board:2:*:*:*:*:*:*:*").unwrap();
        board.cpes = vec!["cpe:2.3:h:acme:pump_board:2:*:*:*:*:*:*:*".to_owned()];
        board.version = Some("2".to_owned());
        board.supplier = Some(Party::organization("Acme Medical"));
        board.support.set_level_text("actively-maintained");
        board.support.end_of_support =
            Some(medsbom_model::Milestone::new("endOfSupport", "2031-12-31"));
        let board = medsbom_registry::add_component(db, &target, &board, "complete", &[])
            .await
            .unwrap();
        assert_eq!(board.component.kind, ComponentType::Device);
        let mut firmware = Component::new("", "pump-fw");
        firmware.kind = ComponentType::Firmware;
        firmware.version = Some("4.2.0".to_owned());
        firmware.purl = Some("pkg:generic/acme/pump-fw@4.2.0".to_owned());
        firmware.supplier = Some(Party::organization("Acme Medical"));
        firmware.hashes.push(medsbom_model::Hash {
            algorithm: "SHA-256".to_owned(),
            value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
        });
        let firmware = medsbom_registry::add_component(
            db,
            &target,
            &firmware,
            "incomplete_third_party_only",
            &["Pump controller board".to_owned()],
        )
        .await
        .unwrap();
        assert_eq!(firmware.depends_on, std::slice::from_ref(&board.identity));
        // The same identity twice is refused; a malformed purl too.
        let mut again = Component::new("", "pump-fw");
        again.purl = Some("pkg:generic/acme/pump-fw@4.2.0".to_owned());
        assert!(matches!(
            medsbom_registry::add_component(db, &target, &again, "unknown", &[]).await,
            Err(RegistryError::Exists(_))
        ));
        let mut bad = Component::new("", "bad");
        bad.purl = Some("not a purl".to_owned());
        assert!(matches!(
            medsbom_registry::add_component(db, &target, &bad, "unknown", &[]).await,
            Err(RegistryError::Invalid { .. })
        ));
        assert!(matches!(
            medsbom_registry::add_component(db, &target, &Component::new("", "x"), "sort-of", &[])
                .await,
            Err(RegistryError::Invalid { .. })
        ));

        // The firmware misses support data: refused with exactly that gap.
        let refused =
            medsbom_registry::generate(db, &target, &options(OutputFormat::CycloneDxJson, false))
                .await;
        let Err(RegistryError::Gaps { gaps, .. }) = refused else {
            panic!("{label}: expected gaps");
        };
        let ids: Vec<&str> = gaps.iter().map(|g| g.element.as_str()).collect();
        assert_eq!(ids, ["support_level", "end_of_support"], "{label}");
        assert_eq!(gaps[0].components, ["pump-fw@4.2.0"]);
        let edit = ComponentEdit {
            support_level: Some("actively-maintained".to_owned()),
            eos: Some("2031-12-31".to_owned()),
            ..ComponentEdit::default()
        };
        medsbom_registry::edit_component(db, &target, "pump-fw", &edit)
            .await
            .unwrap();
        let generated =
            medsbom_registry::generate(db, &target, &options(OutputFormat::CycloneDxJson, false))
                .await
                .unwrap();
        let sbom = &generated.sbom;
        let root = &sbom.roots[0];
        let edge = |from: &str, to: &str| {
            sbom.relationships
                .iter()
                .any(|r| r.from == from && r.to == to && r.kind == RelationshipKind::DependsOn)
        };
        assert!(
            edge(root, &firmware.component.bom_ref),
            "{label}: device → firmware"
        );
        assert!(
            edge(&firmware.component.bom_ref, &board.component.bom_ref),
            "{label}: firmware → board"
        );
        assert!(
            !edge(root, &board.component.bom_ref),
            "{label}: the board hangs off the firmware"
        );
        let aggregates: Vec<&str> = sbom
            .compositions
            .iter()
            .map(|c| c.aggregate.as_str())
            .collect();
        assert_eq!(aggregates, ["complete", "incomplete_third_party_only"]);
        let text = String::from_utf8(generated.bytes.clone()).unwrap();
        assert!(text.contains("\"type\": \"firmware\"") || text.contains("\"type\":\"firmware\""));
        assert!(text.contains("cdx:lifecycle:milestone:endOfSupport"));
        assert!(text.contains("medsbom:supportLevel"));

        // Removing the board drops the edge to it.
        medsbom_registry::remove_component(db, &target, &board.identity)
            .await
            .unwrap();
        let (info, components) = medsbom_registry::list_components(db, &target)
            .await
            .unwrap();
        assert_eq!(components.len(), 1);
        assert!(components[0].depends_on.is_empty());
        // add, add, edit, remove: four revisions after the first.
        assert_eq!(info.revision, 5, "{label}");
        assert!(matches!(
            medsbom_registry::remove_component(db, &target, "Pump controller board").await,
            Err(RegistryError::NotFound(_))
        ));
        // A second version of the same name is refused; an unknown product too.
        assert!(matches!(
            medsbom_registry::add_version(db, &NewVersion::new(None, "Infusion Pump", "4.2")).await,
            Err(RegistryError::Exists(_))
        ));
        assert!(matches!(
            medsbom_registry::add_version(db, &NewVersion::new(None, "Nope", "1")).await,
            Err(RegistryError::NotFound(_))
        ));
        test.db.close().await;
    }
}

#[tokio::test]
async fn trusted_keys_per_manufacturer() {
    use medsbom_registry::trust;
    for test in common::backends().await {
        let db = &test.db;
        let label = test.label;
        let key = trust::trust_key(db, "Acme Medical", "00aa", "acme-2026", "AAAA", "alice")
            .await
            .unwrap();
        assert_eq!(key.manufacturer, "Acme Medical");
        // Idempotent; a different key under the same id is refused.
        trust::trust_key(db, "Acme Medical", "00aa", "acme-2026", "AAAA", "alice")
            .await
            .unwrap();
        assert!(
            trust::trust_key(db, "Acme Medical", "00aa", "x", "BBBB", "alice")
                .await
                .is_err()
        );
        trust::trust_key(db, "Other Corp", "00aa", "acme-2026", "AAAA", "bob")
            .await
            .unwrap();
        assert_eq!(
            trust::trusted_by_key_id(db, "00aa").await.unwrap().len(),
            2,
            "{label}"
        );
        assert_eq!(
            trust::list_trusted(db, Some("Other Corp"))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            trust::revoke_key(db, "Other Corp", "00aa", "2026-11-23T00:00:00Z")
                .await
                .unwrap()
        );
        assert!(
            !trust::revoke_key(db, "Other Corp", "00aa", "2026-11-23T00:00:00Z")
                .await
                .unwrap()
        );
        let active = trust::trusted_by_key_id(db, "00aa").await.unwrap();
        assert_eq!(active.len(), 1);
        assert_eq!(active[0].manufacturer, "Acme Medical");
        test.db.close().await;
    }
}

/// Runs one statement on the test database with a pool of its own (as `medsbom-vex`
/// would write its tables).
async fn execute(url: &str, sql: &str) {
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

#[tokio::test]
async fn current_vex_comes_from_the_vex_tables() {
    use medsbom_registry::vex;
    for test in common::backends().await {
        let db = &test.db;
        let label = test.label;
        for (at, state) in [
            ("2026-01-01T00:00:00Z", "under_investigation"),
            ("2026-02-01T00:00:00Z", "not_affected"),
        ] {
            execute(
                &test.url,
                &format!(
                    "INSERT INTO vex_analyses (product, product_version, component, vulnerability_id, \
                     role, state, state_original, justification, responses, detail, analyst, recorded_at) \
                     VALUES ('Infusion Pump', '2.1', 'pkg:npm/lodash@4.17.20', 'CVE-2021-23337', \
                     'manufacturer', '{state}', '{state}', 'vulnerable_code_not_in_execute_path', \
                     '[\"will_not_fix\"]', 'template helper unused', 'alice', '{at}')"
                ),
            )
            .await;
        }
        // Another version's and a hospital's analyses do not count.
        execute(
            &test.url,
            "INSERT INTO vex_analyses (product, product_version, component, vulnerability_id, \
             role, state, state_original, responses, analyst, recorded_at) \
             VALUES ('Infusion Pump', '2.2', 'pkg:npm/lodash@4.17.20', 'CVE-2020-28500', \
             'manufacturer', 'affected', 'affected', '[]', 'alice', '2026-03-01T00:00:00Z'), \
             ('Infusion Pump', '2.1', 'pkg:npm/lodash@4.17.20', 'CVE-2020-28500', \
             'provider', 'affected', 'affected', '[]', 'bob', '2026-03-01T00:00:00Z')",
        )
        .await;
        let entries = vex::product_vex(db, "Infusion Pump", "2.1").await.unwrap();
        assert_eq!(entries.len(), 1, "{label}: {entries:?}");
        let entry = &entries[0];
        assert_eq!(
            entry.state, "not_affected",
            "{label}: the newest analysis wins"
        );
        assert_eq!(vex::cyclonedx_state(&entry.state), "not_affected");
        assert_eq!(
            entry
                .justification
                .as_deref()
                .and_then(vex::cyclonedx_justification),
            Some("code_not_reachable")
        );
        assert_eq!(vex::cyclonedx_state("affected"), "exploitable");
        assert_eq!(vex::cyclonedx_state("fixed"), "resolved");
        test.db.close().await;
    }
}
