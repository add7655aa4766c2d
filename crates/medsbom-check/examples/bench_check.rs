//! Benchmark of `medsbom check`'s work: read and check generated SBOMs of 50,000 components in
//! each format, and a 70 MB SPDX JSON document with 100,000 files; or any file given.
//!
//! ```text
//! cargo run --release -p medsbom-check --example bench_check              # every case
//! cargo run --release -p medsbom-check --example bench_check -- cdx-json  # one case
//! cargo run --release -p medsbom-check --example bench_check -- file PATH # a real file
//! ```
//!
//! Each case runs in a child process of its own so that the peak memory (`VmHWM`) is the
//! case's. Times are wall-clock seconds for reading (`medsbom_formats::read`), checking the
//! `ntia-2021` profile, and checking all five profiles. Targets: under 1 s for 50,000
//! components and under 3 s for 70 MB.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use medsbom_check::{Profile, check};
use medsbom_model::IsoDate;

const CASES: &[&str] = &[
    "cdx-json",
    "cdx-xml",
    "spdx-json",
    "spdx-tv",
    "spdx-json-100k-files",
];
const N_COMPONENTS: usize = 50_000;
const N_FILES: usize = 100_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => run_all(),
        Some("file") => match args.get(1) {
            Some(path) => match std::fs::read(path) {
                Ok(bytes) => measure(path, &bytes),
                Err(err) => eprintln!("cannot read {path}: {err}"),
            },
            None => eprintln!("usage: bench_check file PATH"),
        },
        Some(case) => match generate(case) {
            Some(bytes) => measure(case, &bytes),
            None => eprintln!("unknown case {case}; cases: {}", CASES.join(", ")),
        },
    }
}

/// Runs every case in a child process and prints their lines.
fn run_all() {
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cannot find the benchmark executable");
        return;
    };
    println!(
        "case\tMB\tcomponents\tread_s\tcheck_ntia_s\tcheck_all_s\ttotal_ntia_s\tpeak_rss_MB\tconformant"
    );
    for case in CASES {
        match Command::new(&exe).arg(case).output() {
            Ok(output) => print!("{}", String::from_utf8_lossy(&output.stdout)),
            Err(err) => eprintln!("{case}: {err}"),
        }
    }
}

/// Reads and checks one document, printing one tab-separated line.
fn measure(name: &str, bytes: &[u8]) {
    let as_of = IsoDate::parse("2025-11-01");
    let start = Instant::now();
    let parsed = match medsbom_formats::read(bytes) {
        Ok((_, parsed)) => parsed,
        Err(err) => {
            eprintln!("{name}: cannot read: {err}");
            return;
        }
    };
    let read_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let report = check(&parsed.sbom, Profile::Ntia2021, as_of);
    let check_ntia_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut n_findings = 0;
    for profile in Profile::all() {
        n_findings += check(&parsed.sbom, *profile, as_of).findings.len();
    }
    let check_all_s = start.elapsed().as_secs_f64();
    println!(
        "{name}\t{:.1}\t{}\t{read_s:.3}\t{check_ntia_s:.3}\t{check_all_s:.3}\t{:.3}\t{:.0}\t{}",
        bytes.len() as f64 / 1_000_000.0,
        parsed.sbom.components.len(),
        read_s + check_ntia_s,
        peak_rss_mb(),
        report.conformant,
    );
    eprintln!("{name}: {n_findings} findings over all profiles");
}

/// Peak resident set size of this process (`VmHWM`), in MB; 0 where `/proc` is absent.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn generate(case: &str) -> Option<Vec<u8>> {
    let text = match case {
        "cdx-json" => cdx_json(N_COMPONENTS),
        "cdx-xml" => cdx_xml(N_COMPONENTS),
        "spdx-json" => spdx_json(N_COMPONENTS, 0),
        "spdx-tv" => spdx_tag_value(N_COMPONENTS),
        "spdx-json-100k-files" => spdx_json(1, N_FILES),
        _ => return None,
    };
    Some(text.into_bytes())
}

/// A SHA-256-looking hex string derived from `idx`.
fn digest(idx: usize, len: usize) -> String {
    let mut res = String::with_capacity(len);
    let mut state = (idx as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while res.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let _ = write!(res, "{state:016x}");
    }
    res.truncate(len);
    res
}

fn cdx_json(n: usize) -> String {
    let mut res = String::with_capacity(n * 700);
    res.push_str(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,
"metadata":{"timestamp":"2025-01-01T00:00:00Z","authors":[{"name":"Bench"}],"tools":{"components":[{"type":"application","name":"gen"}]},"lifecycles":[{"phase":"build"}],
"component":{"bom-ref":"root","type":"device","name":"infusion-pump","version":"1.0","supplier":{"name":"Acme Medical"},"purl":"pkg:generic/acme/infusion-pump@1.0"}},
"components":["#,
    );
    for idx in 0..n - 1 {
        if 0 < idx {
            res.push(',');
        }
        let _ = write!(
            res,
            r#"{{"bom-ref":"c{idx}","type":"library","supplier":{{"name":"Vendor {v}"}},"name":"lib{idx}","version":"1.{idx}.0","purl":"pkg:npm/lib{idx}@1.{idx}.0","cpe":"cpe:2.3:a:vendor{v}:lib{idx}:1.{idx}.0:*:*:*:*:*:*:*","hashes":[{{"alg":"SHA-256","content":"{h}"}}],"licenses":[{{"license":{{"id":"MIT"}}}}],"properties":[{{"name":"cdx:lifecycle:milestone:endOfSupport","value":"2030-12-31"}},{{"name":"Level of Support","value":"Actively maintained"}}]}}"#,
            v = idx % 97,
            h = digest(idx, 64)
        );
    }
    res.push_str(r#"],"dependencies":[{"ref":"root","dependsOn":["#);
    for idx in 0..n - 1 {
        if 0 < idx {
            res.push(',');
        }
        let _ = write!(res, r#""c{idx}""#);
    }
    res.push_str(r#"]}],"compositions":[{"aggregate":"complete","assemblies":["root"]}]}"#);
    res
}

fn cdx_xml(n: usize) -> String {
    let mut res = String::with_capacity(n * 800);
    res.push_str(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
<metadata><timestamp>2025-01-01T00:00:00Z</timestamp><lifecycles><lifecycle><phase>build</phase></lifecycle></lifecycles>
<tools><components><component type="application"><name>gen</name></component></components></tools>
<authors><author><name>Bench</name></author></authors>
<component type="device" bom-ref="root"><supplier><name>Acme Medical</name></supplier><name>infusion-pump</name><version>1.0</version><purl>pkg:generic/acme/infusion-pump@1.0</purl></component></metadata>
<components>
"#,
    );
    for idx in 0..n - 1 {
        let _ = writeln!(
            res,
            r#"<component type="library" bom-ref="c{idx}"><supplier><name>Vendor {v}</name></supplier><name>lib{idx}</name><version>1.{idx}.0</version><hashes><hash alg="SHA-256">{h}</hash></hashes><licenses><license><id>MIT</id></license></licenses><cpe>cpe:2.3:a:vendor{v}:lib{idx}:1.{idx}.0:*:*:*:*:*:*:*</cpe><purl>pkg:npm/lib{idx}@1.{idx}.0</purl><properties><property name="cdx:lifecycle:milestone:endOfSupport">2030-12-31</property><property name="Level of Support">Actively maintained</property></properties></component>"#,
            v = idx % 97,
            h = digest(idx, 64)
        );
    }
    res.push_str("</components>\n<dependencies><dependency ref=\"root\">");
    for idx in 0..n - 1 {
        let _ = write!(res, "<dependency ref=\"c{idx}\"/>");
    }
    res.push_str("</dependency></dependencies>\n</bom>\n");
    res
}

/// SPDX 2.3 JSON: `n_packages` packages (the first is described and contains the others)
/// and `n_files` files contained by the first package.
fn spdx_json(n_packages: usize, n_files: usize) -> String {
    let mut res = String::with_capacity(n_packages * 900 + n_files * 750);
    res.push_str(
        r#"{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"infusion-pump","documentNamespace":"https://example.com/spdx/infusion-pump-1.0",
"creationInfo":{"created":"2025-01-01T00:00:00Z","creators":["Tool: gen-1.0","Organization: Acme Medical"]},
"documentDescribes":["SPDXRef-P0"],
"packages":["#,
    );
    for idx in 0..n_packages {
        if 0 < idx {
            res.push(',');
        }
        let _ = write!(
            res,
            r#"{{"SPDXID":"SPDXRef-P{idx}","name":"lib{idx}","versionInfo":"1.{idx}.0","supplier":"Organization: Vendor {v}","downloadLocation":"NOASSERTION","filesAnalyzed":false,"licenseConcluded":"MIT","licenseDeclared":"MIT","copyrightText":"Copyright Vendor {v}","validUntilDate":"2030-12-31T00:00:00Z","checksums":[{{"algorithm":"SHA256","checksumValue":"{h}"}}],"externalRefs":[{{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/lib{idx}@1.{idx}.0"}},{{"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:vendor{v}:lib{idx}:1.{idx}.0:*:*:*:*:*:*:*"}}]}}"#,
            v = idx % 97,
            h = digest(idx, 64)
        );
    }
    res.push_str(r#"],"files":["#);
    for idx in 0..n_files {
        if 0 < idx {
            res.push(',');
        }
        let _ = write!(
            res,
            r#"{{"SPDXID":"SPDXRef-F{idx}","fileName":"./src/module{d}/component{idx}/implementation_file_{idx}.c","fileTypes":["SOURCE"],"checksums":[{{"algorithm":"SHA1","checksumValue":"{h1}"}},{{"algorithm":"SHA256","checksumValue":"{h2}"}}],"licenseConcluded":"Apache-2.0","licenseInfoInFiles":["Apache-2.0"],"copyrightText":"Copyright 2025 Acme Medical Inc. All rights reserved.","fileContributors":["Acme Medical firmware team"],"comment":"generated for the medsbom benchmark, file {idx}"}}"#,
            d = idx % 1000,
            h1 = digest(idx, 40),
            h2 = digest(idx + 1, 64)
        );
    }
    res.push_str(r#"],"relationships":["#);
    let mut first = true;
    let mut push = |res: &mut String, text: String| {
        if !first {
            res.push(',');
        }
        first = false;
        res.push_str(&text);
    };
    push(
        &mut res,
        r#"{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-P0"}"#.to_owned(),
    );
    for idx in 1..n_packages {
        push(
            &mut res,
            format!(
                r#"{{"spdxElementId":"SPDXRef-P0","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-P{idx}"}}"#
            ),
        );
    }
    for idx in 0..n_files {
        push(
            &mut res,
            format!(
                r#"{{"spdxElementId":"SPDXRef-P0","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-F{idx}"}}"#
            ),
        );
    }
    res.push_str("]}");
    res
}

fn spdx_tag_value(n: usize) -> String {
    let mut res = String::with_capacity(n * 700);
    res.push_str(
        "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: infusion-pump\nDocumentNamespace: https://example.com/spdx/infusion-pump-1.0\nCreator: Tool: gen-1.0\nCreator: Organization: Acme Medical\nCreated: 2025-01-01T00:00:00Z\n\n",
    );
    for idx in 0..n {
        let _ = write!(
            res,
            "PackageName: lib{idx}\nSPDXID: SPDXRef-P{idx}\nPackageVersion: 1.{idx}.0\nPackageSupplier: Organization: Vendor {v}\nPackageDownloadLocation: NOASSERTION\nFilesAnalyzed: false\nPackageChecksum: SHA256: {h}\nPackageLicenseConcluded: MIT\nPackageLicenseDeclared: MIT\nPackageCopyrightText: Copyright Vendor {v}\nValidUntilDate: 2030-12-31T00:00:00Z\nExternalRef: PACKAGE-MANAGER purl pkg:npm/lib{idx}@1.{idx}.0\nExternalRef: SECURITY cpe23Type cpe:2.3:a:vendor{v}:lib{idx}:1.{idx}.0:*:*:*:*:*:*:*\n\n",
            v = idx % 97,
            h = digest(idx, 64)
        );
    }
    res.push_str("Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-P0\n");
    for idx in 1..n {
        let _ = writeln!(res, "Relationship: SPDXRef-P0 DEPENDS_ON SPDXRef-P{idx}");
    }
    res
}
