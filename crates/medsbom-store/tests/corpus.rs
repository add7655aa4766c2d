//! Real SBOMs from the shared corpus through the store, on both backends.

mod common;

use std::path::Path;

use common::backends;
use medsbom_model::Parsed;
use medsbom_store::{
    Change, ComponentSummary, DiffTarget, IngestOutcome, IngestRequest, SearchQuery, Store,
    diff_components,
};

struct Document {
    raw: Vec<u8>,
    format: String,
    spec_version: String,
    parsed: Parsed,
    name: String,
}

/// Reads a file the way the CLI does; `None` for what medsbom-formats cannot read.
fn read(path: &Path) -> Option<Document> {
    let raw = std::fs::read(path).ok()?;
    let decoded = medsbom_formats::decode(raw.clone(), &medsbom_formats::Limits::default()).ok()?;
    let (detected, parsed) = medsbom_formats::read(&decoded).ok()?;
    Some(Document {
        raw,
        format: detected.format.as_str().to_owned(),
        spec_version: detected.spec_version.unwrap_or_default(),
        parsed,
        name: path.file_name()?.to_string_lossy().into_owned(),
    })
}

fn request<'a>(doc: &'a Document, product_version: Option<&'a str>) -> IngestRequest<'a> {
    IngestRequest {
        raw: &doc.raw,
        format: &doc.format,
        spec_version: &doc.spec_version,
        sbom: &doc.parsed.sbom,
        manufacturer: None,
        product: None,
        product_version,
        ingested_by: "corpus-test",
        source_name: Some(&doc.name),
        check_results: None,
        progress: None,
    }
}

#[tokio::test]
async fn medical_device_case_study_search_and_diff() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom/medical-device/case-study") else {
        return;
    };
    let narrow = read(&dir.join("narrow.sbom.json")).expect("narrow reads");
    let extended = read(&dir.join("extended.sbom.json")).expect("extended reads");
    for db in backends().await {
        let store = &db.store;
        // Both documents describe the (anonymised) device "REDACTED" without a version: the
        // second becomes revision 2 of the same product version.
        let first = store.ingest(&request(&narrow, None)).await.expect("narrow");
        let second = store
            .ingest(&request(&extended, None))
            .await
            .expect("extended");
        let (IngestOutcome::Stored(first), IngestOutcome::Stored(second)) = (first, second) else {
            panic!("{}: both must be stored", db.label);
        };
        assert_eq!(
            (first.product.as_str(), first.product_version.as_str()),
            ("REDACTED", "unspecified")
        );
        assert_eq!((first.revision, second.revision), (1, 2), "{}", db.label);
        assert_eq!(first.n_components, narrow.parsed.sbom.components.len());
        assert_eq!(second.n_components, extended.parsed.sbom.components.len());

        // FDA support properties: "Deprecated" is no longer maintained.
        let hits = store
            .search(&SearchQuery {
                support_level: Some("no-longer-maintained".to_owned()),
                all_revisions: true,
                ..SearchQuery::default()
            })
            .await
            .expect("search");
        let names: Vec<(i64, &str)> = hits.iter().map(|h| (h.revision, h.name.as_str())).collect();
        assert!(names.contains(&(1, "FluentValidationNA")), "{names:?}");
        assert!(names.contains(&(2, "FluentValidationNA")), "{names:?}");
        assert!(
            hits.iter()
                .all(|h| h.support_level.as_deref() == Some("no-longer-maintained"))
        );

        // Hardware by CPE (part h), newest revision only.
        let hits = store
            .search(&SearchQuery {
                cpe: Some("cpe:2.3:h:ubiquiti:*:*:*:*:*:*:*:*:*".to_owned()),
                ..SearchQuery::default()
            })
            .await
            .expect("cpe search");
        let names: Vec<&str> = hits.iter().map(|h| h.name.as_str()).collect();
        assert!(
            names.contains(&"UAP-AC-Pro") && names.contains(&"EdgeRouter X"),
            "{names:?}"
        );
        assert!(hits.iter().all(|h| h.revision == 2));

        // NuGet purls by name and version range.
        let hits = store
            .search(&SearchQuery {
                purl: Some("pkg:nuget/NLog".to_owned()),
                version_range: Some("vers:nuget/>=4.0|<5.0".to_owned()),
                ..SearchQuery::default()
            })
            .await
            .expect("range search");
        let found: Vec<(&str, Option<&str>)> = hits
            .iter()
            .map(|h| (h.name.as_str(), h.version.as_deref()))
            .collect();
        assert_eq!(found, [("NLog", Some("4.5.11"))]);

        // The stored diff equals the diff of the parsed documents.
        let target = |revision| DiffTarget {
            product: "REDACTED".to_owned(),
            product_version: "unspecified".to_owned(),
            revision: Some(revision),
            manufacturer: None,
        };
        let stored_diff = store
            .diff_versions(&target(1), &target(2))
            .await
            .expect("diff");
        let in_memory = medsbom_store::diff_sboms(&narrow.parsed.sbom, &extended.parsed.sbom);
        assert_eq!(stored_diff, in_memory, "{}", db.label);
        let n_added = stored_diff
            .iter()
            .filter(|e| e.change == Change::Added)
            .count();
        assert_eq!(n_added, 10, "{}", db.label);
        let unchanged: Vec<ComponentSummary> = store
            .component_summaries(first.sbom_id)
            .await
            .expect("summaries");
        assert!(diff_components(&unchanged, &unchanged).is_empty());
    }
}

#[tokio::test]
async fn every_readable_corpus_sbom_ingests_once() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom") else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|path| {
        let name = path.to_string_lossy();
        name.ends_with(".json")
            || name.ends_with(".xml")
            || name.ends_with(".spdx")
            || name.ends_with(".swidtag")
            || name.ends_with(".yaml")
            || name.ends_with(".yml")
    });
    let docs: Vec<Document> = files.iter().filter_map(|path| read(path)).collect();
    assert!(
        140 <= docs.len(),
        "only {} of {} corpus files read",
        docs.len(),
        files.len()
    );
    let n_components: usize = docs.iter().map(|d| d.parsed.sbom.components.len()).sum();
    for db in backends().await {
        let store = &db.store;
        let mut n_stored = 0;
        let mut n_duplicates = 0;
        for doc in &docs {
            match store.ingest(&request(doc, None)).await {
                Ok(IngestOutcome::Stored(stored)) => {
                    n_stored += 1;
                    assert_eq!(
                        stored.n_components,
                        doc.parsed.sbom.components.len(),
                        "{}",
                        doc.name
                    );
                }
                // The corpus holds a few byte-identical copies (same example in two places).
                Ok(IngestOutcome::AlreadyStored(_)) => n_duplicates += 1,
                Err(err) => panic!("{}: {}: {err}", db.label, doc.name),
            }
        }
        eprintln!(
            "{}: {} corpus files read, {n_stored} stored, {n_duplicates} byte-identical, {n_components} components",
            db.label,
            docs.len()
        );
        // Everything again: all no-ops.
        for doc in &docs {
            let outcome = store
                .ingest(&request(doc, None))
                .await
                .expect("second pass");
            assert!(
                matches!(outcome, IngestOutcome::AlreadyStored(_)),
                "{}",
                doc.name
            );
        }
        assert_eq!(store.sboms(None).await.expect("list").len(), n_stored);
        assert_eq!(
            store.check_integrity().await.expect("integrity"),
            Vec::<String>::new()
        );
        check_bytes(store, &docs).await;
    }
}

/// A few stored documents give back their exact bytes.
async fn check_bytes(store: &Store, docs: &[Document]) {
    for doc in docs.iter().step_by(25) {
        use sha2::Digest as _;
        let sha256 = hex::encode(sha2::Sha256::digest(&doc.raw));
        let sbom_id = store
            .sbom_id_by_sha256(&sha256)
            .await
            .expect("lookup")
            .expect("stored");
        assert_eq!(
            store.sbom_bytes(sbom_id).await.expect("bytes"),
            doc.raw,
            "{}",
            doc.name
        );
    }
}
