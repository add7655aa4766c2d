//! Benchmark of the vulnerability pipeline, for BENCHMARKS.md:
//!
//! 1. import the whole corpus feed set (OSV, KEV, CVE 5, the OSV schema test data) into a
//!    fresh database and report records/s;
//! 2. ingest a generated portfolio of 1,000,000 document-component rows over about 50,000
//!    distinct packages (real package names and boundary versions from the advisories, plus
//!    packages no advisory names, plus CPE-only components), then time the full re-match
//!    (target ≤ 10 s on 2 cores) and a second full re-match with nothing to change;
//! 3. time the incremental matching after ingesting one more SBOM, and the incremental import
//!    of one new advisory (target ≤ 100 ms each).
//!
//! ```text
//! cargo run --release -p medsbom-vuln --example bench_vuln -- [--scale N] [--db PATH|URL] [--corpus DIR]
//! ```
//!
//! `--scale 20` runs at 1/20 of the size (50,000 rows, 2,500 packages). The generator is
//! seeded, so every run builds the same portfolio.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use medsbom_feeds::advisory::{AffectedPackage, Event};
use medsbom_feeds::walk::{WalkLimits, walk};
use medsbom_feeds::{Record, detect, read};
use medsbom_model::{Component, Sbom, SbomFormat};
use medsbom_store::{IngestOutcome, IngestRequest};
use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::import::{ImportOptions, import_paths};
use medsbom_vuln::matching::{match_sbom, rematch_all};

/// Document-component rows at full scale.
const FULL_ROWS: usize = 1_000_000;
/// Distinct packages at full scale.
const FULL_PACKAGES: usize = 50_000;
/// Components per SBOM.
const COMPONENTS_PER_SBOM: usize = 5_000;

struct Args {
    scale: usize,
    db: Option<String>,
    corpus: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut res = Args {
        scale: 1,
        db: None,
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => {
                res.scale = value()?
                    .parse()
                    .map_err(|_| "--scale takes a positive integer".to_owned())?;
            }
            "--db" => res.db = Some(value()?),
            "--corpus" => res.corpus = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if res.scale == 0 {
        return Err("--scale takes a positive integer".to_owned());
    }
    Ok(res)
}

/// A small deterministic generator (xorshift64*), so that runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

/// One generated package: a purl or a CPE, and its version.
#[derive(Clone)]
struct Package {
    name: String,
    version: String,
    purl: Option<String>,
    cpe: Option<String>,
}

/// Real (ecosystem, name, versions) from the corpus OSV files, and CPE products from CVE 5.
fn package_universe(corpus: &Path) -> (Vec<(String, String, Vec<String>)>, Vec<String>) {
    let mut names: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut cpes = BTreeSet::new();
    for dir in ["vuln/osv", "vuln/cve5"] {
        let _ = walk(&corpus.join(dir), &WalkLimits::DEFAULT, &mut |file| {
            let Ok(file) = file else { return };
            let Some(kind) = detect(&file.name, &file.bytes) else {
                return;
            };
            let _ = read(kind, &file.name, &file.bytes, &mut |record| {
                let Record::Advisory(advisory) = record else {
                    return;
                };
                for affected in &advisory.affected {
                    match affected {
                        AffectedPackage::Package(package) => {
                            let Some(id) = &package.package else { continue };
                            if !matches!(id.ecosystem.as_str(), "PyPI" | "npm" | "Go" | "crates.io")
                                || !seen.insert((id.ecosystem.clone(), id.name.clone()))
                            {
                                continue;
                            }
                            let versions: Vec<String> = package
                                .ranges
                                .iter()
                                .flat_map(|range| range.events.iter())
                                .filter(|event| !matches!(event, Event::Limit(_)))
                                .map(|event| event.version().to_owned())
                                .filter(|version| version != "0" && !version.contains("-0."))
                                .chain(package.versions.iter().take(5).cloned())
                                .collect();
                            if !versions.is_empty() {
                                names.push((id.ecosystem.clone(), id.name.clone(), versions));
                            }
                        }
                        AffectedPackage::Product(product) => {
                            cpes.extend(product.cpes.iter().take(1).cloned());
                        }
                        _ => {}
                    }
                }
            });
        });
    }
    (names, cpes.into_iter().collect())
}

fn purl_of(ecosystem: &str, name: &str, version: &str) -> Option<String> {
    let res = match ecosystem {
        "PyPI" => format!("pkg:pypi/{name}@{version}"),
        "npm" => match name.strip_prefix('@') {
            Some(scoped) => format!("pkg:npm/%40{scoped}@{version}"),
            None => format!("pkg:npm/{name}@{version}"),
        },
        "Go" => format!("pkg:golang/{name}@v{}", version.trim_start_matches('v')),
        "crates.io" => format!("pkg:cargo/{name}@{version}"),
        _ => return None,
    };
    Some(res)
}

fn generate_packages(corpus: &Path, n_packages: usize, rng: &mut Rng) -> Vec<Package> {
    let (names, cpes) = package_universe(corpus);
    let mut res = Vec::with_capacity(n_packages);
    let mut keys = BTreeSet::new();
    // 60 % packages some advisory names (at one of its boundary versions), 10 % CPE-only
    // components, 30 % packages no advisory names.
    let n_named = n_packages * 6 / 10;
    let n_cpe = n_packages / 10;
    let mut attempts = 0;
    while res.len() < n_named && attempts < n_named * 20 && !names.is_empty() {
        attempts += 1;
        let (ecosystem, name, versions) = &names[rng.below(names.len())];
        let version = &versions[rng.below(versions.len())];
        let Some(purl) = purl_of(ecosystem, name, version) else {
            continue;
        };
        if keys.insert(purl.clone()) {
            res.push(Package {
                name: name.clone(),
                version: version.clone(),
                purl: Some(purl),
                cpe: None,
            });
        }
    }
    attempts = 0;
    while res.len() < n_named + n_cpe && attempts < n_cpe * 20 && !cpes.is_empty() {
        attempts += 1;
        let criterion = &cpes[rng.below(cpes.len())];
        let parts: Vec<&str> = criterion.split(':').collect();
        if parts.len() != 13 {
            continue;
        }
        let version = format!("{}.{}.{}", rng.below(10), rng.below(20), rng.below(20));
        let mut with_version = parts.clone();
        with_version[5] = &version;
        let cpe = with_version.join(":");
        if keys.insert(cpe.clone()) {
            res.push(Package {
                name: parts[4].to_owned(),
                version,
                purl: None,
                cpe: Some(cpe),
            });
        }
    }
    let mut idx = 0;
    while res.len() < n_packages {
        idx += 1;
        let version = format!("{}.{}.{}", rng.below(5), rng.below(30), rng.below(30));
        let name = format!("internal-lib-{idx}");
        let purl = format!("pkg:npm/{name}@{version}");
        if keys.insert(purl.clone()) {
            res.push(Package {
                name,
                version,
                purl: Some(purl),
                cpe: None,
            });
        }
    }
    res
}

fn sbom_of(product: &str, version: &str, packages: &[&Package]) -> (Sbom, Vec<u8>) {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    let mut root = Component::new("root", product);
    root.version = Some(version.to_owned());
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    let mut raw = format!("{product}@{version}\n").into_bytes();
    for (idx, package) in packages.iter().enumerate() {
        let mut component = Component::new(&format!("c{idx}"), &package.name);
        component.version = Some(package.version.clone());
        component.purl = package.purl.clone();
        component.cpes = package.cpe.iter().cloned().collect();
        raw.extend_from_slice(
            package
                .purl
                .as_deref()
                .or(package.cpe.as_deref())
                .unwrap_or("")
                .as_bytes(),
        );
        raw.push(b'\n');
        sbom.components.push(component);
    }
    (sbom, raw)
}

async fn ingest(db: &VulnDb, product: &str, version: &str, packages: &[&Package]) -> i64 {
    let (sbom, raw) = sbom_of(product, version, packages);
    let request = IngestRequest {
        raw: &raw,
        format: "cyclonedx-json",
        spec_version: "1.6",
        sbom: &sbom,
        manufacturer: Some("Bench Medical"),
        product: Some(product),
        product_version: Some(version),
        ingested_by: "bench",
        source_name: None,
        check_results: None,
        progress: None,
    };
    match db.store().ingest(&request).await {
        Ok(IngestOutcome::Stored(stored) | IngestOutcome::AlreadyStored(stored)) => stored.sbom_id,
        Err(err) => panic!("ingest failed: {err}"),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let db_location = args
        .db
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.db").display().to_string());
    let db = VulnDb::open(&db_location).await.expect("open database");
    let n_rows = FULL_ROWS / args.scale;
    let n_packages = FULL_PACKAGES / args.scale;
    println!(
        "scale 1/{}: {n_rows} document-component rows, {n_packages} packages",
        args.scale
    );

    // 1. Feed import.
    let vuln = args.corpus.join("vuln");
    let feeds = [
        vuln.join("osv"),
        vuln.join("kev"),
        vuln.join("cve5"),
        vuln.join("osv-schema-testdata"),
    ];
    let options = ImportOptions {
        match_config: MatchConfig::EXACT,
        progress: None,
    };
    let started = Instant::now();
    let report = import_paths(&db, &feeds, &options).await.expect("import");
    let elapsed = started.elapsed();
    println!(
        "import: {} records ({} errors) in {:.2} s = {:.0} records/s",
        report.n_records,
        report.n_errors,
        elapsed.as_secs_f64(),
        report.n_records as f64 / elapsed.as_secs_f64()
    );
    let started = Instant::now();
    let again = import_paths(&db, &feeds, &options).await.expect("import");
    println!(
        "re-import (nothing changes): {} unchanged in {:.2} s",
        again.n_unchanged,
        started.elapsed().as_secs_f64()
    );

    // 2. Portfolio.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let packages = generate_packages(&args.corpus, n_packages + 50, &mut rng);
    let (spare, pool) = packages.split_at(50);
    let n_sboms = n_rows.div_ceil(COMPONENTS_PER_SBOM);
    let per_sbom = COMPONENTS_PER_SBOM.min(n_rows);
    let started = Instant::now();
    for sbom_idx in 0..n_sboms {
        // Every package appears at least once; the rest is drawn at random.
        let chosen: Vec<&Package> = (0..per_sbom)
            .map(|idx| {
                let slot = sbom_idx * per_sbom + idx;
                match pool.get(slot) {
                    Some(package) => package,
                    None => &pool[rng.below(pool.len())],
                }
            })
            .collect();
        ingest(
            &db,
            &format!("Device {}", sbom_idx % 40),
            &format!("{}.0", sbom_idx / 40 + 1),
            &chosen,
        )
        .await;
    }
    println!(
        "ingest: {n_sboms} SBOMs of {per_sbom} components in {:.2} s (store, no matching)",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let full = rematch_all(&db, &MatchConfig::EXACT).await.expect("match");
    println!(
        "full re-match (cold): {} packages, {} findings in {:.2} s",
        full.n_packages,
        full.n_findings,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let full = rematch_all(&db, &MatchConfig::EXACT).await.expect("match");
    println!(
        "full re-match (no change): {} packages, {} added, {} removed in {:.2} s",
        full.n_packages,
        full.n_added,
        full.n_removed,
        started.elapsed().as_secs_f64()
    );

    // 3. Incremental steps.
    let mut chosen: Vec<&Package> = (0..per_sbom)
        .map(|_| &pool[rng.below(pool.len())])
        .collect();
    chosen.extend(spare.iter());
    let started = Instant::now();
    let sbom_id = ingest(&db, "New device", "1.0", &chosen).await;
    let ingest_time = started.elapsed();
    let started = Instant::now();
    let report = match_sbom(&db, sbom_id, &MatchConfig::EXACT)
        .await
        .expect("match");
    println!(
        "incremental after one SBOM ({} components): match {} ({} new packages, {} findings); ingest itself {}",
        chosen.len(),
        ms(started.elapsed()),
        report.n_packages,
        report.n_added,
        ms(ingest_time)
    );

    let target = pool.iter().find(|p| {
        p.purl
            .as_deref()
            .is_some_and(|purl| purl.starts_with("pkg:npm/") && !purl.contains("internal-lib"))
    });
    let (name, version) = target.map_or(("lodash", "4.17.20"), |p| {
        (p.name.as_str(), p.version.as_str())
    });
    let advisory = format!(
        r#"{{"id":"GHSA-bnch-bnch-bnch","modified":"2099-01-01T00:00:00Z","aliases":["CVE-2099-9999"],"affected":[{{"package":{{"ecosystem":"npm","name":"{name}"}},"versions":["{version}"]}}]}}"#
    );
    let file = dir.path().join("new-advisory.json");
    std::fs::write(&file, advisory).expect("write advisory");
    let started = Instant::now();
    let report = import_paths(&db, &[file], &options).await.expect("import");
    println!(
        "incremental after one new advisory ({name}@{version}): {} ({} packages matched, {} findings added)",
        ms(started.elapsed()),
        report.matching.n_packages,
        report.matching.n_added
    );
    db.close().await;
}
