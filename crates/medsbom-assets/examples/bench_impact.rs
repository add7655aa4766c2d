//! Impact benchmark: a synthetic hospital of 100,000 assets over 500 product versions
//! (500 SBOMs × 2,000 components = 1M document-component rows over 50,000 packages), then
//! `impact` latency (p50, p99) for a vulnerability that hits 5% of the assets and for a
//! component search by purl that finds another 5%.
//!
//! ```text
//! cargo run --release -p medsbom-assets --example bench_impact -- [--scale N]
//!     [--sqlite PATH] [--postgres URL] [--queries N] [--reuse]
//! ```
//!
//! `--scale 20` runs 1/20 of the hospital (5,000 assets over 25 product versions, 50,000
//! component rows). The vulnerability is a synthetic OSV record imported through
//! medsbom-vuln (so the findings are the matcher's); the inventory is imported from a CSV
//! through `import_assets`. Without `--sqlite` a temporary SQLite file is used; PostgreSQL
//! runs only with `--postgres` (use an empty database or schema:
//! `?options=-c%20search_path%3Dbench`). With `--reuse`, a database that already holds the
//! synthetic vulnerability is taken as loaded by an earlier run with the same `--scale` and
//! only queried (`--sqlite PATH` keeps the SQLite file).
//!
//! A manufacturer's OpenVEX document states `not_affected` for every fifth vulnerable
//! product version and `affected` for another fifth, so the vulnerability query resolves VEX
//! statements and suppresses a fifth of its rows, as `impact` does by default.

use std::path::Path;
use std::time::{Duration, Instant};

use medsbom_assets::{
    AssetDb, ImpactQuery, ImpactTarget, ImportOptions, InputFormat, find_vulnerability, impact,
    import_assets, parse_input,
};
use medsbom_model::{Component, Party, Relationship, RelationshipKind, Sbom, SbomFormat};
use medsbom_store::IngestRequest;
use medsbom_vex::service::{ImportOptions as VexImportOptions, VexDb, import_document};
use medsbom_vuln::VulnDb;
use medsbom_vuln::evaluate::MatchConfig;
use medsbom_vuln::import::{ImportOptions as FeedImportOptions, import_paths};

/// The allocator of the `medsbom` binary, so that figures match what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FULL_ASSETS: usize = 100_000;
const FULL_VERSIONS: usize = 500;
const COMPONENTS: usize = 2_000;
const NAMES: usize = 10_000;
const VERSIONS_PER_NAME: usize = 5;
const VULNERABILITY: &str = "CVE-2099-0001";
const SEARCH_PURL: &str = "pkg:npm/bench-search";

struct Config {
    n_assets: usize,
    n_versions: usize,
    sqlite: Option<String>,
    postgres: Option<String>,
    n_queries: usize,
    reuse: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = parse_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let sqlite = config
        .sqlite
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.db").to_string_lossy().into_owned());
    let mut targets = vec![("sqlite", sqlite)];
    if config.reuse && config.sqlite.is_none() {
        return Err("--reuse needs --sqlite PATH (a database an earlier run loaded)".into());
    }
    if let Some(url) = &config.postgres {
        targets.push(("postgres", url.clone()));
    }
    for (label, db) in targets {
        runtime.block_on(bench_backend(label, &db, dir.path(), &config))?;
    }
    Ok(())
}

fn parse_args() -> Result<Config, Box<dyn std::error::Error>> {
    let mut scale = 1;
    let mut config = Config {
        n_assets: FULL_ASSETS,
        n_versions: FULL_VERSIONS,
        sqlite: None,
        postgres: None,
        n_queries: 300,
        reuse: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => scale = value()?.parse()?,
            "--sqlite" => config.sqlite = Some(value()?),
            "--postgres" => config.postgres = Some(value()?),
            "--queries" => config.n_queries = value()?.parse()?,
            "--reuse" => config.reuse = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let scale: usize = std::cmp::max(scale, 1);
    config.n_assets = FULL_ASSETS / scale;
    config.n_versions = std::cmp::max(FULL_VERSIONS / scale, 1);
    Ok(config)
}

/// Product versions whose SBOM has the vulnerable package (every 20th: 5%), and those with
/// the searched package (every 20th, offset by 10).
fn has_vulnerable(version: usize) -> bool {
    version.is_multiple_of(20)
}

fn has_searched(version: usize) -> bool {
    version % 20 == 10
}

/// The SBOM of product version `version`: 2,000 npm packages out of 50,000.
fn synthetic_sbom(version: usize) -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.serial_number = Some(format!("urn:uuid:bench-{version}"));
    sbom.version = Some(1);
    sbom.supplier = Some(Party::organization("Bench Medical"));
    let mut root = Component::new("root", &format!("device-{}", version / 5));
    root.version = Some(format!("{}.0", version % 5));
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    let add = |sbom: &mut Sbom, bom_ref: String, name: String, version: String| {
        let mut component = Component::new(&bom_ref, &name);
        component.purl = Some(format!("pkg:npm/{name}@{version}"));
        component.version = Some(version);
        sbom.relationships.push(Relationship {
            from: "root".to_owned(),
            to: bom_ref,
            kind: RelationshipKind::DependsOn,
            original: None,
        });
        sbom.components.push(component);
    };
    for idx in 0..COMPONENTS {
        let name_idx = (idx + version * 37) % NAMES;
        let version_idx = (idx + version) % VERSIONS_PER_NAME;
        add(
            &mut sbom,
            format!("c{idx}"),
            format!("bench-pkg-{name_idx}"),
            format!("1.{version_idx}.0"),
        );
    }
    if has_vulnerable(version) {
        add(
            &mut sbom,
            "vulnerable".to_owned(),
            "bench-vulnerable".to_owned(),
            "1.4.0".to_owned(),
        );
    }
    if has_searched(version) {
        let v = format!("3.{}.0", version % 2);
        add(
            &mut sbom,
            "searched".to_owned(),
            "bench-search".to_owned(),
            v,
        );
    }
    sbom
}

/// The manufacturer's OpenVEX document: `not_affected` for the vulnerable product versions
/// `v` with `v % 100 == 0`, `affected` for those with `v % 100 == 20` (each a fifth of them).
fn vex_document(config: &Config) -> String {
    let statement = |version: usize, status: &str| {
        let extra = if status == "not_affected" {
            r#","justification":"vulnerable_code_not_in_execute_path""#
        } else {
            r#","action_statement":"update to 2.0.0""#
        };
        format!(
            r#"{{"vulnerability":{{"name":"{VULNERABILITY}"}},"products":[{{"@id":"pkg:generic/device-{}@{}.0","subcomponents":[{{"@id":"pkg:npm/bench-vulnerable"}}]}}],"status":"{status}"{extra}}}"#,
            version / 5,
            version % 5,
        )
    };
    let mut statements = Vec::new();
    for version in (0..config.n_versions).filter(|v| has_vulnerable(*v)) {
        match version % 100 {
            0 => statements.push(statement(version, "not_affected")),
            20 => statements.push(statement(version, "affected")),
            _ => {}
        }
    }
    format!(
        r#"{{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://bench.example/vex/1","author":"Bench Medical","timestamp":"2026-11-23T00:00:00Z","version":1,"statements":[{}]}}"#,
        statements.join(",")
    )
}

/// The inventory as CSV: asset `i` runs product version `i % n_versions`.
fn inventory_csv(config: &Config) -> String {
    let sites = ["North", "South", "East"];
    let wards = [
        "ICU",
        "NICU",
        "ED",
        "OR",
        "Radiology",
        "Oncology",
        "Cardiology",
        "Lab",
    ];
    let criticalities = [
        "life-sustaining",
        "therapy-delivering",
        "monitoring",
        "diagnostic",
        "non-clinical",
    ];
    let exposures = [
        "internet-reachable",
        "hospital-lan",
        "segmented",
        "isolated",
    ];
    let mut res = String::with_capacity(config.n_assets * 120);
    res.push_str(
        "asset_id,serial,product,product_version,site,department,zone,ip,criticality,exposure\n",
    );
    for idx in 0..config.n_assets {
        let version = idx % config.n_versions;
        res.push_str(&format!(
            "A-{idx:06},S{idx:07},device-{},{}.0,{},{},VLAN {},10.{}.{}.{},{},{}\n",
            version / 5,
            version % 5,
            sites[idx % sites.len()],
            wards[(idx / 3) % wards.len()],
            idx % 50,
            idx / 65_536 % 256,
            idx / 256 % 256,
            idx % 256,
            criticalities[idx % criticalities.len()],
            exposures[idx % exposures.len()],
        ));
    }
    res
}

async fn bench_backend(
    label: &str,
    db: &str,
    dir: &Path,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    eprintln!(
        "[{label}] {} assets over {} product versions x {COMPONENTS} components",
        config.n_assets, config.n_versions
    );
    let assets = AssetDb::open(db).await?;
    // The vulnerability is imported before the inventory: a database without it is loaded.
    if config.reuse && find_vulnerability(&assets, VULNERABILITY).await?.is_some() {
        eprintln!("[{label}] reusing the loaded database");
    } else {
        load_portfolio(label, &assets, db, dir, config).await?;
    }

    for (what, target) in [
        (
            "vulnerability",
            ImpactTarget::Vulnerability(VULNERABILITY.to_owned()),
        ),
        ("purl", ImpactTarget::Purl(SEARCH_PURL.to_owned())),
    ] {
        let query = ImpactQuery {
            organization: "Bench Hospital".to_owned(),
            target,
            version_range: None,
            assumed_threat: None,
            include_suppressed: false,
        };
        let first = impact(&assets, &query).await?;
        let n_rows = first.rows.len();
        for _ in 0..5 {
            impact(&assets, &query).await?;
        }
        let mut times: Vec<Duration> = Vec::with_capacity(config.n_queries);
        let cpu_before = process_cpu();
        for _ in 0..config.n_queries {
            let started = Instant::now();
            let report = impact(&assets, &query).await?;
            times.push(started.elapsed());
            assert_eq!(report.rows.len(), n_rows);
        }
        // CPU time of the whole process (tokio workers, SQLite threads) per query: on a
        // loaded machine the wall-clock times mostly measure waiting for a core.
        let cpu_per_query = match (cpu_before, process_cpu()) {
            (Some(before), Some(after)) => {
                format!(
                    "{:.2} ms",
                    after.saturating_sub(before).as_secs_f64() * 1e3
                        / config.n_queries.max(1) as f64
                )
            }
            _ => "unknown".to_owned(),
        };
        times.sort();
        let at = |q: f64| {
            let idx = ((times.len() as f64 - 1.0) * q).round() as usize;
            times.get(idx).copied().unwrap_or_default()
        };
        println!(
            "{label}\timpact {what}\tassets {}\trows {n_rows} ({:.1}% of assets, {} suppressed by VEX)\tqueries {}\tp50 {:.2} ms\tp99 {:.2} ms\tmax {:.2} ms\tprocess CPU per query {cpu_per_query}",
            config.n_assets,
            100.0 * first.n_assets() as f64 / config.n_assets.max(1) as f64,
            first.n_suppressed,
            times.len(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
            at(1.0).as_secs_f64() * 1e3,
        );
    }
    assets.close().await;
    Ok(())
}

/// User and system CPU time of this process so far (Linux `/proc/self/stat`, in clock
/// ticks of 10 ms); `None` elsewhere.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses: utime and stime are the
    // 12th and 13th of them.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Loads the portfolio: the SBOMs, the advisory, the VEX document and the inventory, then
/// refreshes the planner statistics.
async fn load_portfolio(
    label: &str,
    assets: &AssetDb,
    db: &str,
    dir: &Path,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    for version in 0..config.n_versions {
        let sbom = synthetic_sbom(version);
        let raw = format!("bench sbom {version} {}", sbom.components.len()).into_bytes();
        let request = IngestRequest {
            raw: &raw,
            format: "cyclonedx-json",
            spec_version: "1.6",
            sbom: &sbom,
            manufacturer: None,
            product: None,
            product_version: None,
            ingested_by: "bench",
            source_name: None,
            check_results: None,
            progress: None,
        };
        assets.store().ingest(&request).await?;
    }
    eprintln!(
        "[{label}] ingested {} SBOMs in {:.1?}",
        config.n_versions,
        started.elapsed()
    );

    let osv = dir.join(format!("bench-{label}.osv.json"));
    std::fs::write(
        &osv,
        format!(
            r#"{{"schema_version":"1.6.0","id":"GHSA-bench-0001-0001","modified":"2026-11-23T00:00:00Z",
"aliases":["{VULNERABILITY}"],"summary":"synthetic",
"severity":[{{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
"affected":[{{"package":{{"ecosystem":"npm","name":"bench-vulnerable"}},
"ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"2.0.0"}}]}}]}}]}}"#
        ),
    )?;
    let started = Instant::now();
    let vulns = VulnDb::open(db).await?;
    let options = FeedImportOptions {
        match_config: MatchConfig::EXACT,
        progress: None,
    };
    import_paths(&vulns, &[osv], &options).await?;
    vulns.close().await;
    eprintln!(
        "[{label}] imported the synthetic advisory in {:.1?}",
        started.elapsed()
    );

    let started = Instant::now();
    let vex_db = VexDb::open(db).await?;
    let raw = vex_document(config);
    let document = medsbom_vex::parse::parse("bench.openvex.json", raw.as_bytes())?;
    let options = VexImportOptions {
        file: Some("bench.openvex.json"),
        imported_by: "bench",
        authority: None,
        organization_id: None,
    };
    let outcome = import_document(&vex_db, raw.as_bytes(), &document, &options).await?;
    vex_db.close().await;
    eprintln!(
        "[{label}] imported {} VEX statements in {:.1?}",
        outcome.n_statements,
        started.elapsed()
    );

    let csv = inventory_csv(config);
    let started = Instant::now();
    let input = parse_input(csv.as_bytes(), InputFormat::Csv, None, "bench.csv")?;
    let options = ImportOptions {
        organization: "Bench Hospital",
        dry_run: false,
    };
    let report = import_assets(assets, &input, &options).await?;
    eprintln!(
        "[{label}] imported {} assets ({} linked, {} rejected) from {:.1} MB of CSV in {:.1?}",
        report.n_created(),
        report.outcomes.iter().filter(|o| o.linked).count(),
        report.rejected.len(),
        csv.len() as f64 / 1e6,
        started.elapsed()
    );
    // As `medsbom ingest` does after a bulk load (the assets table too on PostgreSQL).
    assets.store().refresh_statistics().await?;
    Ok(())
}
