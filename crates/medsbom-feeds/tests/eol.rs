//! endoflife.date: every product file of the corpus, exact values for a few products, and the
//! version → release cycle join.

mod common;

use medsbom_feeds::eol::{EolProduct, EolValue, IdentifierKind};
use medsbom_feeds::{FeedKind, Record};
use medsbom_model::IsoDate;

fn date(text: &str) -> IsoDate {
    IsoDate::parse(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

fn read_products() -> Option<Vec<EolProduct>> {
    let dir = medsbom_testkit::corpus_path("eol/endoflife.date/products")?;
    let files = common::read_path(&dir);
    assert_eq!(files.len(), 464);
    let mut res = Vec::new();
    for file in files {
        assert_eq!(file.kind, Some(FeedKind::EndOfLife), "{}", file.name);
        assert!(file.summary.errors.is_empty(), "{}", file.name);
        assert!(file.summary.warnings.is_empty(), "{}", file.name);
        for record in file.records {
            let Record::EndOfLife(product) = record else {
                panic!("{}: not an end-of-life record", file.name);
            };
            res.push(product);
        }
    }
    Some(res)
}

#[test]
fn every_product_file_reads() {
    let Some(products) = read_products() else {
        return;
    };
    assert_eq!(products.len(), 464);
    let n_releases: usize = products.iter().map(|p| p.releases.len()).sum();
    assert_eq!(n_releases, 8351);
    let count = |pick: &dyn Fn(&medsbom_feeds::eol::EolRelease) -> EolValue, bool_or_date: bool| {
        products
            .iter()
            .flat_map(|p| &p.releases)
            .filter(|r| match pick(r) {
                EolValue::Bool(_) => bool_or_date,
                EolValue::Date(_) => !bool_or_date,
                EolValue::Absent => false,
            })
            .count()
    };
    // The same split the YAML itself has: (booleans, dates).
    assert_eq!(
        (count(&|r| r.eol, true), count(&|r| r.eol, false)),
        (1123, 7228)
    );
    assert_eq!(
        (count(&|r| r.eoas, true), count(&|r| r.eoas, false)),
        (597, 2290)
    );
    assert_eq!(
        (count(&|r| r.eoes, true), count(&|r| r.eoes, false)),
        (118, 466)
    );
    assert_eq!(
        (count(&|r| r.lts, true), count(&|r| r.lts, false)),
        (526, 108)
    );
    assert_eq!(
        (
            count(&|r| r.discontinued, true),
            count(&|r| r.discontinued, false)
        ),
        (123, 136)
    );
    let identifiers = |kind: IdentifierKind| {
        products
            .iter()
            .flat_map(|p| &p.identifiers)
            .filter(|i| i.kind == kind)
            .count()
    };
    assert_eq!(identifiers(IdentifierKind::Purl), 940);
    assert_eq!(identifiers(IdentifierKind::Cpe), 479);
    assert_eq!(identifiers(IdentifierKind::Repology), 264);
    // The product name is the file stem, even where the permalink differs.
    assert!(products.iter().any(|p| p.name == "linux-kernel"));
}

#[test]
fn exact_values() {
    let Some(products) = read_products() else {
        return;
    };
    let product = |name: &str| {
        products
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };

    let python = product("python");
    assert_eq!(python.label, "Python");
    assert_eq!(python.category.as_deref(), Some("lang"));
    let py38 = python
        .release_for_version("3.8.10")
        .unwrap_or_else(|| panic!("3.8 missing"));
    assert_eq!(py38.cycle, "3.8");
    assert_eq!(py38.eol, EolValue::Date(date("2024-10-07")));
    assert_eq!(py38.eoas, EolValue::Date(date("2021-05-03")));
    assert_eq!(py38.release_date, Some(date("2019-10-14")));
    assert_eq!(py38.latest.as_deref(), Some("3.8.20"));
    assert_eq!(py38.latest_release_date, Some(date("2024-09-06")));
    assert!(py38.eol.is_reached_on(date("2025-01-01")));
    assert!(!py38.eol.is_reached_on(date("2024-10-06")));
    assert_eq!(
        python
            .release_for_version("3.1.5")
            .map(|r| r.cycle.as_str()),
        Some("3.1")
    );
    assert_eq!(
        python
            .release_for_version("3.11.4")
            .map(|r| r.cycle.as_str()),
        Some("3.11")
    );
    let cpes: Vec<&str> = python
        .identifiers
        .iter()
        .filter(|i| i.kind == IdentifierKind::Cpe)
        .map(|i| i.value.as_str())
        .collect();
    assert_eq!(cpes, ["cpe:/a:python:python", "cpe:2.3:a:python:python"]);
    assert!(
        python
            .identifiers
            .iter()
            .any(|i| i.kind == IdentifierKind::Purl && i.value == "pkg:deb/debian/python3.11")
    );

    // `eol: false`: support end not announced, which is not "no data".
    let adonis = product("adonisjs");
    let v6 = adonis.release_for_version("6.20.0");
    assert_eq!(v6.map(|r| r.eol), Some(EolValue::Bool(false)));
    assert!(!EolValue::Bool(false).is_reached_on(date("2100-01-01")));

    let ubuntu = product("ubuntu");
    let jammy = ubuntu
        .release_for_version("22.04.3")
        .unwrap_or_else(|| panic!("22.04 missing"));
    assert_eq!(jammy.codename.as_deref(), Some("Jammy Jellyfish"));
    assert_eq!(jammy.lts, EolValue::Bool(true));
    assert_eq!(jammy.eol, EolValue::Date(date("2027-04-01")));
    assert_eq!(jammy.eoes, EolValue::Date(date("2032-04-09")));

    // `lts` as a date: the cycle became LTS on that day.
    let deno = product("deno");
    let deno25 = deno.release_for_version("2.5.7");
    assert_eq!(
        deno25.map(|r| r.lts),
        Some(EolValue::Date(date("2025-11-01")))
    );

    // `eol: true` without a date.
    let android = product("android");
    assert!(
        android
            .releases
            .iter()
            .any(|r| r.eol == EolValue::Bool(true))
    );
}

#[test]
fn broken_product_files() {
    let check = |text: &str, expect: &str| {
        let res = medsbom_feeds::read(FeedKind::EndOfLife, "p.md", text.as_bytes(), &mut |_| {});
        match res {
            Ok(summary) => panic!("{text}: read {} records", summary.n_records),
            Err(err) => assert_eq!(err.to_string(), expect),
        }
    };
    check(
        "# no front matter\n",
        "endoflife feed p.md: no yaml front matter between two --- lines",
    );
    check(
        "---\nreleases:\n  - releaseCycle: \"1\"\n    eol: 2024-02-30\n---\n",
        "endoflife feed p.md: releases[0]: cycle \"1\" eol: \"2024-02-30\" is not a YYYY-MM-DD date",
    );
    check(
        "---\nreleases:\n  - releaseCycle: \"1\"\n    releaseDate: true\n---\n",
        "endoflife feed p.md: releases[0]: cycle \"1\" releaseDate: expected a date",
    );
    check(
        "---\nreleases: [\n---\n",
        "endoflife feed p.md: invalid yaml front matter: did not find expected node content at line 2 column 1, while parsing a flow node",
    );
    let (records, _) = common::read_bytes(
        FeedKind::EndOfLife,
        "dir/tiny.md",
        b"---\ntitle: Tiny\nreleases:\n  - releaseCycle: 2\n    eol: false\n---\nbody\n",
    );
    let Some(Record::EndOfLife(tiny)) = records.first() else {
        panic!("one product expected");
    };
    assert_eq!(tiny.name, "tiny");
    assert_eq!(tiny.releases[0].cycle, "2");
}
