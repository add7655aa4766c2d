//! Benchmark driver:
//!
//! ```text
//! cargo build --release -p medsbom-bench
//! target/release/medsbom-bench readers [N_COMPONENTS]   # parse speed and memory per format
//! target/release/medsbom-bench check [N_COMPONENTS] [--reference PYTHON]
//! ```
//!
//! `check` times `medsbom check` (read + every rule of `fda-premarket` and `ntia-2021`) on a
//! synthetic SBOM of each format and on a ~70 MB SPDX JSON document with 100,000 files, next
//! to the plain read of the same bytes; with `--reference`, it also times the Python
//! `ntia-conformance-checker` (installed in that interpreter's environment) and medsbom on the
//! corpus's 1.25 MB tag-value file and prints the ratio.
//!
//! Each measurement runs in a child process (this binary re-invoked with `child …`) so that
//! the peak resident memory (`VmHWM`) belongs to that reader alone. Figures are reported next
//! to a baseline measured in the same run on the same bytes (a generic parse that does not
//! build our model), so they compare across machines as ratios.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use medsbom_model::{
    Component, Hash, License, Milestone, Party, Relationship, RelationshipKind, Sbom, SbomFormat,
};

/// The allocator of the `medsbom` binary, so that figures match what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("readers") => {
            let n_components = args
                .get(1)
                .map(|n| n.parse())
                .transpose()?
                .unwrap_or(50_000);
            readers(n_components)
        }
        Some("check") => {
            let n_components = args
                .get(1)
                .filter(|a| !a.starts_with("--"))
                .map(|n| n.parse())
                .transpose()?
                .unwrap_or(50_000);
            let reference = args
                .iter()
                .position(|a| a == "--reference")
                .and_then(|idx| args.get(idx + 1))
                .map(PathBuf::from);
            check_bench(n_components, reference.as_deref())
        }
        Some("child") => child(&args[1..]),
        _ => bail!(
            "usage: medsbom-bench readers [N_COMPONENTS] | check [N_COMPONENTS] [--reference PYTHON]"
        ),
    }
}

/// A synthetic SBOM with `n` components, dependencies and FDA support fields.
fn synthetic_sbom(n: usize, format: SbomFormat) -> Sbom {
    let mut sbom = Sbom::new(
        format,
        if format == SbomFormat::Spdx {
            "SPDX-2.3"
        } else {
            "1.6"
        },
    );
    sbom.serial_number = Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".to_owned());
    sbom.version = Some(1);
    sbom.name = Some("bench-device".to_owned());
    sbom.timestamp = Some("2026-11-23T00:00:00Z".to_owned());
    sbom.authors = vec![Party::organization("Bench Medical")];
    let mut root = Component::new("root", "bench-device");
    root.version = Some("1.0.0".to_owned());
    root.supplier = Some(Party::organization("Bench Medical"));
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    let ecosystems = ["npm", "pypi", "maven", "cargo", "golang", "deb"];
    for idx in 0..n {
        let eco = ecosystems[idx % ecosystems.len()];
        let name = format!("component-{idx}");
        let version = format!("{}.{}.{}", idx % 7, idx % 13, idx % 31);
        let mut component = Component::new(&format!("c{idx}"), &name);
        component.version = Some(version.clone());
        component.purl = Some(match eco {
            "maven" => format!("pkg:maven/org.example/{name}@{version}"),
            "golang" => format!("pkg:golang/github.com/example/{name}@v{version}"),
            "deb" => format!("pkg:deb/debian/{name}@{version}?distro=debian-12"),
            _ => format!("pkg:{eco}/{name}@{version}"),
        });
        component
            .cpes
            .push(format!("cpe:2.3:a:example:{name}:{version}:*:*:*:*:*:*:*"));
        component.supplier = Some(Party::organization("Example Supplier"));
        component
            .licenses
            .push(License::Expression("Apache-2.0".to_owned()));
        component.hashes.push(Hash {
            algorithm: "SHA-256".to_owned(),
            value: format!("{idx:064x}"),
        });
        component.support.set_level_text("actively-maintained");
        component.support.end_of_support = Some(Milestone::new("endOfSupport", "2030-12-31"));
        sbom.relationships.push(Relationship {
            from: "root".to_owned(),
            to: format!("c{idx}"),
            kind: RelationshipKind::DependsOn,
            original: None,
        });
        sbom.components.push(component);
    }
    sbom
}

fn readers(n_components: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("medsbom-bench-{n_components}"));
    std::fs::create_dir_all(&dir)?;
    let cdx = synthetic_sbom(n_components, SbomFormat::CycloneDx);
    let spdx = synthetic_sbom(n_components, SbomFormat::Spdx);
    let files = [
        ("cyclonedx-json", medsbom_cyclonedx::write_json(&cdx).bytes),
        ("cyclonedx-xml", medsbom_cyclonedx::write_xml(&cdx).bytes),
        ("spdx-json", medsbom_spdx::write_json(&spdx).bytes),
        ("spdx-tv", medsbom_spdx::write_tag_value(&spdx).bytes),
    ];
    println!("machine: {}", machine());
    println!("components: {n_components}");
    println!(
        "| reader | file MB | baseline MB/s | medsbom MB/s | ratio to baseline | peak RSS MB | RSS / file size |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (kind, bytes) in &files {
        let path = dir.join(format!("bench.{kind}"));
        std::fs::write(&path, bytes)?;
        let size_mb = bytes.len() as f64 / 1e6;
        let baseline = run_child("baseline", kind, &path)?;
        let ours = run_child("read", kind, &path)?;
        println!(
            "| {kind} | {size_mb:.1} | {:.0} | {:.0} | {:.2} | {:.0} | {:.2} |",
            size_mb / baseline.seconds,
            size_mb / ours.seconds,
            baseline.seconds / ours.seconds,
            ours.peak_rss_kb as f64 / 1024.0,
            ours.peak_rss_kb as f64 * 1024.0 / bytes.len() as f64,
        );
    }
    Ok(())
}

/// An SPDX 2.3 JSON document of `n_files` files in 1,000 packages (`CONTAINS` edges), in the
/// shape of a whole-system SPDX file: checksums, licences and copyright per file.
fn spdx_with_files(n_files: usize) -> Vec<u8> {
    use serde_json::json;
    let n_packages = 1_000;
    let packages: Vec<serde_json::Value> = (0..n_packages)
        .map(|idx| {
            json!({
                "SPDXID": format!("SPDXRef-Package-{idx}"),
                "name": format!("package-{idx}"),
                "versionInfo": format!("{}.{}.{}", idx % 5, idx % 11, idx % 17),
                "supplier": "Organization: Example Supplier",
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": true,
                "licenseConcluded": "GPL-2.0-only",
                "licenseDeclared": "GPL-2.0-only",
                "copyrightText": "NOASSERTION",
                "externalRefs": [{
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": format!("pkg:deb/debian/package-{idx}@{}.{}.{}?distro=debian-12", idx % 5, idx % 11, idx % 17)
                }]
            })
        })
        .collect();
    let files: Vec<serde_json::Value> = (0..n_files)
        .map(|idx| {
            json!({
                "SPDXID": format!("SPDXRef-File-{idx}"),
                "fileName": format!("./usr/share/package-{}/lib/module-{idx}/source-file-{idx}.c", idx % n_packages),
                "checksums": [
                    {"algorithm": "SHA1", "checksumValue": format!("{:040x}", idx * 7919)},
                    {"algorithm": "SHA256", "checksumValue": format!("{:064x}", idx * 104_729)}
                ],
                "licenseConcluded": "GPL-2.0-only",
                "licenseInfoInFiles": ["GPL-2.0-only", "MIT"],
                "copyrightText": format!("Copyright (c) {} The Example Authors of package {}", 2000 + idx % 25, idx % n_packages),
                "fileTypes": ["SOURCE"]
            })
        })
        .collect();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Package-0"
    })];
    for idx in 1..n_packages {
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Package-0",
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": format!("SPDXRef-Package-{idx}")
        }));
    }
    for idx in 0..n_files {
        relationships.push(json!({
            "spdxElementId": format!("SPDXRef-Package-{}", idx % n_packages),
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": format!("SPDXRef-File-{idx}")
        }));
    }
    let document = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "whole-system",
        "documentNamespace": "https://example.invalid/spdx/whole-system-1",
        "creationInfo": {
            "created": "2026-11-23T00:00:00Z",
            "creators": ["Organization: Bench Medical", "Tool: medsbom-bench"]
        },
        "packages": packages,
        "files": files,
        "relationships": relationships
    });
    serde_json::to_vec_pretty(&document).unwrap_or_default()
}

/// `check`: read + check per format, the 100k-file SPDX document, and the reference checker.
fn check_bench(n_components: usize, reference: Option<&Path>) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("medsbom-bench-check-{n_components}"));
    std::fs::create_dir_all(&dir)?;
    let cdx = synthetic_sbom(n_components, SbomFormat::CycloneDx);
    let spdx = synthetic_sbom(n_components, SbomFormat::Spdx);
    let files = [
        ("cyclonedx-json", medsbom_cyclonedx::write_json(&cdx).bytes),
        ("cyclonedx-xml", medsbom_cyclonedx::write_xml(&cdx).bytes),
        ("spdx-json", medsbom_spdx::write_json(&spdx).bytes),
        ("spdx-tv", medsbom_spdx::write_tag_value(&spdx).bytes),
        ("spdx-json-100k-files", spdx_with_files(100_000)),
    ];
    println!("machine: {}", machine());
    println!("components: {n_components} (and a 100,000-file SPDX JSON)");
    println!(
        "| document | file MB | read s | read + check s | check share | peak RSS MB | target |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (kind, bytes) in &files {
        let path = dir.join(format!("bench.{kind}"));
        std::fs::write(&path, bytes)?;
        let size_mb = bytes.len() as f64 / 1e6;
        let read = run_child("read", kind, &path)?;
        let checked = run_child("check", kind, &path)?;
        let target = if kind.contains("100k") {
            "< 3 s"
        } else {
            "< 1 s"
        };
        println!(
            "| {kind} | {size_mb:.1} | {:.3} | {:.3} | {:.0}% | {:.0} | {target} |",
            read.seconds,
            checked.seconds,
            100.0 * (checked.seconds - read.seconds).max(0.0) / checked.seconds,
            checked.peak_rss_kb as f64 / 1024.0,
        );
    }
    if let Some(python) = reference {
        let corpus = std::env::var_os("MEDSBOM_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
        let file = corpus.join(
            "parser-tests/ntia-conformance-checker-tests/real_world_sboms/spdx_sample_04.spdx",
        );
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let ours = run_child("check", "spdx-tv", &file)?;
        let start = Instant::now();
        let status = Command::new(python)
            .args([
                "-c",
                "import sys; from ntia_conformance_checker.sbom_checker import SbomChecker;                  c = SbomChecker(sys.argv[1], compliance=\"ntia\"); print(c.compliant)",
            ])
            .arg(&file)
            .status()
            .with_context(|| format!("running {}", python.display()))?;
        let reference_seconds = start.elapsed().as_secs_f64();
        if !status.success() {
            bail!("the reference checker failed on {}", file.display());
        }
        println!();
        println!(
            "reference checker (ntia-conformance-checker, one run) on {} ({:.2} MB): {reference_seconds:.1} s; \
             medsbom read + check (best of 3): {:.3} s; ratio {:.0}x",
            file.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            bytes.len() as f64 / 1e6,
            ours.seconds,
            reference_seconds / ours.seconds
        );
    }
    Ok(())
}

struct Measured {
    seconds: f64,
    peak_rss_kb: u64,
}

fn run_child(mode: &str, kind: &str, path: &Path) -> anyhow::Result<Measured> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .args(["child", mode, kind])
        .arg(path)
        .output()?;
    if !output.status.success() {
        bail!(
            "child {mode} {kind} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8(output.stdout)?;
    let mut fields = text.split_whitespace();
    let seconds: f64 = fields.next().context("no time")?.parse()?;
    let peak_rss_kb: u64 = fields.next().context("no rss")?.parse()?;
    Ok(Measured {
        seconds,
        peak_rss_kb,
    })
}

/// In the child: read the file, time the best of three parses, print seconds and VmHWM.
fn child(args: &[String]) -> anyhow::Result<()> {
    let [mode, kind, path] = args else {
        bail!("child MODE KIND PATH")
    };
    let bytes = std::fs::read(PathBuf::from(path))?;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let n = match (mode.as_str(), kind.as_str()) {
            ("baseline", "cyclonedx-json" | "spdx-json") => {
                let value: serde_json::Value = serde_json::from_slice(&bytes)?;
                usize::from(value.is_object())
            }
            ("baseline", "cyclonedx-xml") => xml_scan(&bytes)?,
            ("baseline", _) => bytes
                .split(|b| *b == b'\n')
                .filter(|line| line.contains(&b':'))
                .count(),
            ("read", "cyclonedx-json") => {
                medsbom_cyclonedx::read_json(&bytes)?.sbom.components.len()
            }
            ("read", "cyclonedx-xml") => medsbom_cyclonedx::read_xml(&bytes)?.sbom.components.len(),
            ("read", "spdx-json") => medsbom_spdx::read_json(&bytes)?.sbom.components.len(),
            ("read", "spdx-tv") => medsbom_spdx::read_tag_value(&bytes)?.sbom.components.len(),
            ("read", "spdx-json-100k-files") => {
                medsbom_spdx::read_json(&bytes)?.sbom.components.len()
            }
            ("check", _) => {
                let (_, parsed) = medsbom_formats::read(&bytes)?;
                let as_of = medsbom_model::IsoDate::parse("2026-11-23");
                // As `medsbom check --profile fda-premarket --profile ntia-2021` does.
                let reports = medsbom_check::check_many(
                    &parsed.sbom,
                    &[
                        medsbom_check::Profile::FdaPremarket,
                        medsbom_check::Profile::Ntia2021,
                    ],
                    as_of,
                );
                reports.iter().map(|r| r.findings.len()).sum::<usize>()
            }
            _ => bail!("unknown child {mode} {kind}"),
        };
        std::hint::black_box(n);
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("{best} {}", peak_rss_kb());
    Ok(())
}

fn xml_scan(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        match reader.read_event_into(&mut buf)? {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(_) => n += 1,
            _ => {}
        }
        buf.clear();
    }
    Ok(n)
}

fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown cpu".to_owned());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cpu}, {cores} cores")
}
