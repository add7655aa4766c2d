//! Store benchmark: a portfolio of 2,000 SBOMs × 500 components (1M document-component rows,
//! about 50k distinct packages), ingested into SQLite and/or PostgreSQL, then `search --purl`
//! and `search --version-range` latencies at that size.
//!
//! ```text
//! cargo run --release -p medsbom-store --example bench_store -- [--scale N] [--sqlite PATH]
//!     [--postgres URL] [--queries N]
//! ```
//!
//! `--scale 20` runs 1/20 of the portfolio (100 SBOMs, 2.5k packages). The SBOMs are
//! CycloneDX 1.6 JSON written by medsbom's own writer into a temporary directory (not timed),
//! with hashes, a licence, a description and references per component (about 1 kB each, in
//! line with the real SBOMs of the corpus);
//! the timed phase reads each file, parses it (medsbom-formats, on a second thread, as a
//! pipeline) and ingests it, one transaction per file, as `medsbom ingest DIR` does.
//! Without `--sqlite`, a temporary SQLite file is used; PostgreSQL runs only with
//! `--postgres` (use an empty database or schema: `?options=-c%20search_path%3Dbench`).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use medsbom_model::{
    Component, ExternalRef, Hash, License, Party, Relationship, RelationshipKind, Sbom, SbomFormat,
};
use medsbom_store::{IngestRequest, SearchQuery, Store};

/// The allocator of the `medsbom` binary, so that figures match what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FULL_SBOMS: usize = 2_000;
const COMPONENTS: usize = 500;
const FULL_PACKAGES: usize = 50_000;
const VERSIONS_PER_NAME: usize = 5;
const ECOSYSTEMS: [&str; 6] = ["npm", "pypi", "maven", "cargo", "deb", "rpm"];

struct Config {
    n_sboms: usize,
    n_packages: usize,
    sqlite: Option<String>,
    postgres: Option<String>,
    n_queries: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = parse_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    eprintln!(
        "generating {} SBOMs x {COMPONENTS} components over {} packages in {}",
        config.n_sboms,
        config.n_packages,
        dir.path().display()
    );
    let started = Instant::now();
    let files = generate(dir.path(), &config)?;
    let total_bytes: u64 = files.iter().map(|(_, size)| *size).sum();
    eprintln!(
        "generated {:.1} MB in {:.1?}",
        total_bytes as f64 / 1e6,
        started.elapsed()
    );

    let sqlite = config
        .sqlite
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.db").to_string_lossy().into_owned());
    let mut targets = vec![("sqlite", sqlite)];
    if let Some(url) = &config.postgres {
        targets.push(("postgres", url.clone()));
    }
    for (label, db) in targets {
        runtime.block_on(bench_backend(label, &db, &files, total_bytes, &config))?;
    }
    Ok(())
}

fn parse_args() -> Result<Config, Box<dyn std::error::Error>> {
    let mut scale = 1;
    let mut config = Config {
        n_sboms: FULL_SBOMS,
        n_packages: FULL_PACKAGES,
        sqlite: None,
        postgres: None,
        n_queries: 500,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => scale = value()?.parse()?,
            "--sqlite" => config.sqlite = Some(value()?),
            "--postgres" => config.postgres = Some(value()?),
            "--queries" => config.n_queries = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let scale: usize = scale.max(1);
    config.n_sboms = (FULL_SBOMS / scale).max(1);
    config.n_packages = (FULL_PACKAGES / scale).max(VERSIONS_PER_NAME);
    Ok(config)
}

/// A deterministic xorshift generator (fixed seed: the portfolio is the same on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Package `idx` of the pool: (ecosystem, name, version, purl).
fn package(idx: usize) -> (&'static str, String, String, String) {
    let name_idx = idx / VERSIONS_PER_NAME;
    let ecosystem = ECOSYSTEMS[name_idx % ECOSYSTEMS.len()];
    let name = format!("pkg{name_idx}");
    let minor = idx % VERSIONS_PER_NAME;
    let version = match ecosystem {
        "deb" => format!("1.{minor}.0-{}", name_idx % 9 + 1),
        "rpm" => format!("1.{minor}.0-{}.el9", name_idx % 9 + 1),
        _ => format!("1.{minor}.{}", name_idx % 17),
    };
    let purl = match ecosystem {
        "maven" => format!("pkg:maven/org.example/{name}@{version}"),
        "deb" => format!("pkg:deb/debian/{name}@{version}?arch=amd64"),
        "rpm" => format!("pkg:rpm/redhat/{name}@{version}?arch=x86_64"),
        _ => format!("pkg:{ecosystem}/{name}@{version}"),
    };
    (ecosystem, name, version, purl)
}

fn portfolio_sbom(idx: usize, rng: &mut Rng, n_packages: usize) -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.serial_number = Some(format!("urn:uuid:00000000-0000-4000-8000-{idx:012}"));
    sbom.version = Some(1);
    sbom.timestamp = Some("2026-01-01T00:00:00Z".to_owned());
    let manufacturer = format!("Manufacturer {}", idx % 20);
    sbom.supplier = Some(Party::organization(&manufacturer));
    let mut root = Component::new("device", &format!("Device {}", idx % 400));
    root.version = Some(format!("{}.0", idx / 400 + 1));
    root.kind = medsbom_model::ComponentType::Device;
    sbom.roots.push("device".to_owned());
    sbom.components.push(root);
    for slot in 0..COMPONENTS - 1 {
        let (_, name, version, purl) = package(rng.below(n_packages));
        let bom_ref = format!("c{slot}");
        let mut component = Component::new(&bom_ref, &name);
        component.version = Some(version);
        component.purl = Some(purl);
        component.supplier = Some(Party::organization(&format!("Supplier {}", slot % 50)));
        // What real SBOMs carry per component (the corpus's CycloneDX examples average about
        // 1.7 kB per component): hashes, licence, description, references.
        component.extra.description = Some(format!(
            "The {name} library: utilities for parsing, formatting and validating data in the \
             {} ecosystem.",
            component
                .purl
                .as_deref()
                .unwrap_or("generic")
                .split('/')
                .next()
                .unwrap_or("pkg")
        ));
        component.hashes = vec![
            Hash {
                algorithm: "SHA-1".to_owned(),
                value: format!(
                    "{:016x}{:016x}{:08x}",
                    rng.next(),
                    rng.next(),
                    rng.next() as u32
                ),
            },
            Hash {
                algorithm: "SHA-256".to_owned(),
                value: format!(
                    "{:016x}{:016x}{:016x}{:016x}",
                    rng.next(),
                    rng.next(),
                    rng.next(),
                    rng.next()
                ),
            },
        ];
        component.licenses = vec![License::Id(
            ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"][slot % 4].to_owned(),
        )];
        component.extra.external_refs = vec![
            ExternalRef {
                kind: "website".to_owned(),
                url: format!("https://{name}.example.org/"),
                comment: None,
            },
            ExternalRef {
                kind: "vcs".to_owned(),
                url: format!("https://github.com/example/{name}.git"),
                comment: None,
            },
            ExternalRef {
                kind: "distribution".to_owned(),
                url: format!("https://registry.example.org/{name}/-/{name}.tgz"),
                comment: None,
            },
        ];
        if slot % 10 == 0 {
            component.support.set_level_text("Actively maintained");
            component.support.end_of_support =
                Some(medsbom_model::Milestone::new("endOfSupport", "2030-12-31"));
            component.properties.push(medsbom_model::Property::new(
                "Level of Support",
                "Actively maintained",
            ));
            component
                .properties
                .push(medsbom_model::Property::new("End-of-Support", "2030-12-31"));
        }
        sbom.relationships.push(Relationship {
            from: "device".to_owned(),
            to: bom_ref,
            kind: RelationshipKind::DependsOn,
            original: Some("dependsOn".to_owned()),
        });
        sbom.components.push(component);
    }
    sbom
}

fn generate(
    dir: &Path,
    config: &Config,
) -> Result<Vec<(PathBuf, u64)>, Box<dyn std::error::Error>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut res = Vec::with_capacity(config.n_sboms);
    for idx in 0..config.n_sboms {
        let sbom = portfolio_sbom(idx, &mut rng, config.n_packages);
        let written = medsbom_formats::write(&sbom, medsbom_formats::OutputFormat::CycloneDxJson);
        let path = dir.join(format!("sbom-{idx:05}.cdx.json"));
        std::fs::write(&path, &written.bytes)?;
        res.push((path, written.bytes.len() as u64));
    }
    Ok(res)
}

struct Loaded {
    raw: Vec<u8>,
    format: String,
    spec_version: String,
    sbom: Sbom,
    parse_time: Duration,
}

async fn bench_backend(
    label: &str,
    db: &str,
    files: &[(PathBuf, u64)],
    total_bytes: u64,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(db).await?;
    if !store.is_empty().await? {
        return Err(format!(
            "{label}: {} is not empty; give an empty database",
            store.name()
        )
        .into());
    }
    // Parse on a second thread while this one ingests (a bounded pipeline, as memory is).
    let (sender, receiver) = mpsc::sync_channel::<Result<Loaded, String>>(4);
    let paths: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
    let started = Instant::now();
    let parser = std::thread::spawn(move || {
        for path in paths {
            let parse_started = Instant::now();
            let loaded = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|raw| {
                    let (detected, parsed) =
                        medsbom_formats::read(&raw).map_err(|e| e.to_string())?;
                    Ok(Loaded {
                        format: detected.format.as_str().to_owned(),
                        spec_version: detected.spec_version.unwrap_or_default(),
                        raw,
                        sbom: parsed.sbom,
                        parse_time: parse_started.elapsed(),
                    })
                });
            if sender.send(loaded).is_err() {
                return;
            }
        }
    });
    let mut parse_time = Duration::ZERO;
    let mut store_time = Duration::ZERO;
    let mut n_components = 0usize;
    while let Ok(loaded) = receiver.recv() {
        let loaded = loaded?;
        parse_time += loaded.parse_time;
        let request = IngestRequest {
            raw: &loaded.raw,
            format: &loaded.format,
            spec_version: &loaded.spec_version,
            sbom: &loaded.sbom,
            manufacturer: None,
            product: None,
            product_version: None,
            ingested_by: "bench",
            source_name: None,
            check_results: None,
            progress: None,
        };
        let ingest_started = Instant::now();
        let outcome = store.ingest(&request).await?;
        store_time += ingest_started.elapsed();
        n_components += outcome.stored().n_components;
    }
    let _ = parser.join();
    let wall = started.elapsed();
    let mb = total_bytes as f64 / 1e6;
    println!("== {label} ({})", store.name());
    println!(
        "ingest: {} SBOMs, {:.1} MB, {n_components} components in {:.2?} wall: {:.1} MB/s, {:.0} components/s",
        files.len(),
        mb,
        wall,
        mb / wall.as_secs_f64(),
        n_components as f64 / wall.as_secs_f64()
    );
    println!(
        "  of which parse (thread 2) {:.2?} = {:.1} MB/s; store.ingest {:.2?} = {:.1} MB/s, {:.0} components/s",
        parse_time,
        mb / parse_time.as_secs_f64(),
        store_time,
        mb / store_time.as_secs_f64(),
        n_components as f64 / store_time.as_secs_f64()
    );

    // As `medsbom ingest` does after a bulk load.
    let analyze_started = Instant::now();
    store.refresh_statistics().await?;
    println!(
        "  planner statistics refreshed in {:.2?}",
        analyze_started.elapsed()
    );

    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut purl_times = Vec::with_capacity(config.n_queries);
    let mut range_times = Vec::with_capacity(config.n_queries);
    let mut n_hits = (0usize, 0usize);
    for _ in 0..config.n_queries {
        let (ecosystem, _, _, purl) = package(rng.below(config.n_packages));
        let base = purl.split('@').next().unwrap_or(&purl).to_owned();
        let query = SearchQuery {
            purl: Some(base.clone()),
            ..SearchQuery::default()
        };
        let t = Instant::now();
        n_hits.0 += store.search(&query).await?.len();
        purl_times.push(t.elapsed());

        let query = SearchQuery {
            purl: Some(base),
            version_range: Some(format!("vers:{ecosystem}/>=1.1.0|<1.3.0")),
            ..SearchQuery::default()
        };
        let t = Instant::now();
        n_hits.1 += store.search(&query).await?.len();
        range_times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(&mut purl_times);
    println!(
        "search --purl (no version), {} queries: p50 {:.2?}, p99 {:.2?}, {} hits",
        config.n_queries, p50, p99, n_hits.0
    );
    let (p50, p99) = percentiles(&mut range_times);
    println!(
        "search --purl --version-range, {} queries: p50 {:.2?}, p99 {:.2?}, {} hits",
        config.n_queries, p50, p99, n_hits.1
    );
    let t = Instant::now();
    let problems = store.check_integrity().await?;
    println!(
        "integrity check: {} problems in {:.2?}",
        problems.len(),
        t.elapsed()
    );
    store.close().await;
    Ok(())
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort_unstable();
    let at = |q: f64| {
        let idx = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(idx).copied().unwrap_or_default()
    };
    (at(0.50), at(0.99))
}
