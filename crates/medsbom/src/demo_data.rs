//! The project's own example device SBOMs for `medsbom demo`: three fictitious devices from two
//! fictitious manufacturers, built from the model and written with medsbom's own writers, with
//! real open-source components (real purls and CPEs) and the FDA support fields.

use medsbom_model::{
    Component, ComponentType, Composition, Hash, License, Milestone, Party, Property, Relationship,
    RelationshipKind, Sbom, SbomFormat, SupportLevel, Tool,
};

/// One component row of an example device: name, version, purl, CPE, supplier, licence,
/// level of support, end of support.
struct Row {
    name: &'static str,
    version: &'static str,
    purl: &'static str,
    cpe: Option<&'static str>,
    supplier: &'static str,
    license: &'static str,
    support: SupportLevel,
    end_of_support: &'static str,
}

/// An example device product version with its SBOM.
pub struct ExampleDevice {
    /// File name to write the SBOM to.
    pub file_name: &'static str,
    /// Writer to use.
    pub format: medsbom_formats::OutputFormat,
    /// The SBOM.
    pub sbom: Sbom,
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call per row of the example tables below, one argument per column"
)]
const fn row(
    name: &'static str,
    version: &'static str,
    purl: &'static str,
    cpe: Option<&'static str>,
    supplier: &'static str,
    license: &'static str,
    support: SupportLevel,
    end_of_support: &'static str,
) -> Row {
    Row {
        name,
        version,
        purl,
        cpe,
        supplier,
        license,
        support,
        end_of_support,
    }
}

fn device_sbom(
    format: SbomFormat,
    manufacturer: &str,
    product: &str,
    version: &str,
    device_eos: &str,
    rows: &[Row],
) -> Sbom {
    let mut sbom = Sbom::new(
        format,
        if format == SbomFormat::Spdx {
            "SPDX-2.3"
        } else {
            "1.6"
        },
    );
    // A stable serial per product version, so the demo is reproducible.
    let slug: String = format!("{product}-{version}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    sbom.serial_number = Some(match format {
        SbomFormat::Spdx => format!("https://acme-medical.example/spdx/{slug}"),
        _ => format!("urn:uuid:{}", stable_uuid(&slug)),
    });
    sbom.version = Some(1);
    sbom.name = Some(format!("{product} {version}"));
    sbom.timestamp = Some("2026-11-02T09:00:00Z".to_owned());
    sbom.authors = vec![Party::organization(manufacturer)];
    sbom.tools = vec![Tool {
        vendor: Some("medsbom".to_owned()),
        name: "medsbom".to_owned(),
        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
    }];
    sbom.lifecycles = vec!["build".to_owned()];
    sbom.supplier = Some(Party::organization(manufacturer));
    sbom.manufacturer = Some(Party::organization(manufacturer));

    let root_ref = format!("device-{slug}");
    let mut root = Component::new(&root_ref, product);
    root.kind = ComponentType::Device;
    root.version = Some(version.to_owned());
    root.supplier = Some(Party::organization(manufacturer));
    root.extra.manufacturer = Some(Party::organization(manufacturer));
    root.purl = Some(format!(
        "pkg:generic/{}@{version}",
        product.to_ascii_lowercase().replace(' ', "-")
    ));
    root.support.set_level_text("actively maintained");
    root.support.end_of_support = Some(Milestone::new("endOfSupport", device_eos));
    sbom.roots.push(root_ref.clone());
    sbom.components.push(root);

    for (idx, r) in rows.iter().enumerate() {
        let bom_ref = format!("{}-{idx}", r.name.replace(' ', "-"));
        let mut component = Component::new(&bom_ref, r.name);
        component.kind = if r.purl.starts_with("pkg:generic/linux") {
            ComponentType::OperatingSystem
        } else {
            ComponentType::Library
        };
        component.version = Some(r.version.to_owned());
        component.purl = Some(r.purl.to_owned());
        component.cpes = r.cpe.map(|c| vec![c.to_owned()]).unwrap_or_default();
        component.supplier = Some(Party::organization(r.supplier));
        component.licenses = vec![License::Expression(r.license.to_owned())];
        component.hashes = vec![Hash {
            algorithm: "SHA-256".to_owned(),
            value: pseudo_digest(r.purl),
        }];
        component.support.level = Some(r.support);
        component.support.level_text = Some(r.support.as_str().to_owned());
        component.support.end_of_support = Some(Milestone::new("endOfSupport", r.end_of_support));
        component
            .properties
            .push(Property::new("medsbom:example", "true"));
        sbom.relationships.push(Relationship {
            from: root_ref.clone(),
            to: bom_ref.clone(),
            kind: RelationshipKind::DependsOn,
            original: None,
        });
        sbom.components.push(component);
    }
    sbom.compositions.push(Composition {
        aggregate: "complete".to_owned(),
        assemblies: vec![root_ref],
        dependencies: Vec::new(),
    });
    sbom
}

/// A deterministic UUID-shaped string from a name (not random: the demo is reproducible).
fn stable_uuid(name: &str) -> String {
    let digest = pseudo_digest(name);
    format!(
        "{}-{}-4{}-8{}-{}",
        &digest[0..8],
        &digest[8..12],
        &digest[13..16],
        &digest[17..20],
        &digest[20..32]
    )
}

/// A SHA-256 hex digest of the text (stands for the hash of the component's files).
fn pseudo_digest(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// The example devices: an infusion pump in two releases (CycloneDX JSON), a patient monitor
/// (SPDX 2.3 JSON) and an imaging workstation (CycloneDX XML).
#[must_use]
pub fn example_devices() -> Vec<ExampleDevice> {
    use SupportLevel::{ActivelyMaintained as Active, NoLongerMaintained as Eol};
    let pump_41 = [
        row(
            "linux",
            "5.10.120",
            "pkg:generic/linux@5.10.120",
            Some("cpe:2.3:o:linux:linux_kernel:5.10.120:*:*:*:*:*:*:*"),
            "The Linux Foundation",
            "GPL-2.0-only",
            Active,
            "2026-12-31",
        ),
        row(
            "openssl",
            "1.1.1k",
            "pkg:generic/openssl@1.1.1k",
            Some("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"),
            "OpenSSL Software Foundation",
            "OpenSSL",
            Eol,
            "2023-09-11",
        ),
        row(
            "zlib",
            "1.2.11",
            "pkg:generic/zlib@1.2.11",
            Some("cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"),
            "zlib project",
            "Zlib",
            Active,
            "unknown",
        ),
        row(
            "busybox",
            "1.33.1",
            "pkg:generic/busybox@1.33.1",
            Some("cpe:2.3:a:busybox:busybox:1.33.1:*:*:*:*:*:*:*"),
            "BusyBox project",
            "GPL-2.0-only",
            Active,
            "unknown",
        ),
        row(
            "sqlite",
            "3.35.5",
            "pkg:generic/sqlite@3.35.5",
            Some("cpe:2.3:a:sqlite:sqlite:3.35.5:*:*:*:*:*:*:*"),
            "SQLite Consortium",
            "blessing",
            Active,
            "2050-05-29",
        ),
    ];
    let pump_42 = [
        row(
            "linux",
            "6.1.90",
            "pkg:generic/linux@6.1.90",
            Some("cpe:2.3:o:linux:linux_kernel:6.1.90:*:*:*:*:*:*:*"),
            "The Linux Foundation",
            "GPL-2.0-only",
            Active,
            "2027-12-31",
        ),
        row(
            "openssl",
            "3.0.13",
            "pkg:generic/openssl@3.0.13",
            Some("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"),
            "OpenSSL Software Foundation",
            "Apache-2.0",
            Active,
            "2026-09-07",
        ),
        row(
            "zlib",
            "1.3.1",
            "pkg:generic/zlib@1.3.1",
            Some("cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*"),
            "zlib project",
            "Zlib",
            Active,
            "unknown",
        ),
        row(
            "busybox",
            "1.36.1",
            "pkg:generic/busybox@1.36.1",
            Some("cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*"),
            "BusyBox project",
            "GPL-2.0-only",
            Active,
            "unknown",
        ),
        row(
            "sqlite",
            "3.45.1",
            "pkg:generic/sqlite@3.45.1",
            Some("cpe:2.3:a:sqlite:sqlite:3.45.1:*:*:*:*:*:*:*"),
            "SQLite Consortium",
            "blessing",
            Active,
            "2050-05-29",
        ),
    ];
    let monitor = [
        row(
            "python",
            "3.8.10",
            "pkg:generic/python@3.8.10",
            Some("cpe:2.3:a:python:python:3.8.10:*:*:*:*:*:*:*"),
            "Python Software Foundation",
            "PSF-2.0",
            Eol,
            "2024-10-07",
        ),
        row(
            "requests",
            "2.25.1",
            "pkg:pypi/requests@2.25.1",
            None,
            "Python Software Foundation",
            "Apache-2.0",
            Active,
            "unknown",
        ),
        row(
            "urllib3",
            "1.26.4",
            "pkg:pypi/urllib3@1.26.4",
            None,
            "urllib3 maintainers",
            "MIT",
            Active,
            "unknown",
        ),
        row(
            "jinja2",
            "2.11.2",
            "pkg:pypi/jinja2@2.11.2",
            None,
            "Pallets",
            "BSD-3-Clause",
            Active,
            "unknown",
        ),
        row(
            "openssl",
            "1.1.1k",
            "pkg:generic/openssl@1.1.1k",
            Some("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"),
            "OpenSSL Software Foundation",
            "OpenSSL",
            Eol,
            "2023-09-11",
        ),
    ];
    let workstation = [
        row(
            "log4j-core",
            "2.14.1",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"),
            "Apache Software Foundation",
            "Apache-2.0",
            Active,
            "unknown",
        ),
        row(
            "lodash",
            "4.17.20",
            "pkg:npm/lodash@4.17.20",
            None,
            "OpenJS Foundation",
            "MIT",
            Active,
            "unknown",
        ),
        row(
            "axios",
            "0.21.0",
            "pkg:npm/axios@0.21.0",
            None,
            "axios maintainers",
            "MIT",
            Active,
            "unknown",
        ),
        row(
            "jackson-databind",
            "2.9.10",
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10",
            None,
            "FasterXML",
            "Apache-2.0",
            Eol,
            "2021-01-01",
        ),
        row(
            "zlib",
            "1.2.11",
            "pkg:generic/zlib@1.2.11",
            Some("cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"),
            "zlib project",
            "Zlib",
            Active,
            "unknown",
        ),
    ];
    vec![
        ExampleDevice {
            file_name: "infustar-300-4.1.0.cdx.json",
            format: medsbom_formats::OutputFormat::CycloneDxJson,
            sbom: device_sbom(
                SbomFormat::CycloneDx,
                "Acme Medical",
                "InfuStar 300",
                "4.1.0",
                "2028-06-30",
                &pump_41,
            ),
        },
        ExampleDevice {
            file_name: "infustar-300-4.2.0.cdx.json",
            format: medsbom_formats::OutputFormat::CycloneDxJson,
            sbom: device_sbom(
                SbomFormat::CycloneDx,
                "Acme Medical",
                "InfuStar 300",
                "4.2.0",
                "2031-06-30",
                &pump_42,
            ),
        },
        ExampleDevice {
            file_name: "vitalview-monitor-2.3.spdx.json",
            format: medsbom_formats::OutputFormat::SpdxJson,
            sbom: device_sbom(
                SbomFormat::Spdx,
                "Acme Medical",
                "VitalView Monitor",
                "2.3",
                "2027-03-31",
                &monitor,
            ),
        },
        ExampleDevice {
            file_name: "globex-ct-workstation-7.0.cdx.xml",
            format: medsbom_formats::OutputFormat::CycloneDxXml,
            sbom: device_sbom(
                SbomFormat::CycloneDx,
                "Globex Imaging",
                "CT Workstation",
                "7.0",
                "2029-12-31",
                &workstation,
            ),
        },
    ]
}

/// One example feed file: its name and content.
pub struct ExampleFeed {
    /// File name inside the demo directory.
    pub file_name: &'static str,
    /// File content.
    pub content: String,
}

/// An OSV record for the example feed.
fn osv(
    id: &str,
    cve: &str,
    summary: &str,
    ecosystem: &str,
    package: &str,
    ranges: &[(&str, &str)],
    cvss_vector: &str,
) -> String {
    let events: Vec<serde_json::Value> = ranges
        .iter()
        .flat_map(|(introduced, fixed)| {
            [
                serde_json::json!({ "introduced": introduced }),
                serde_json::json!({ "fixed": fixed }),
            ]
        })
        .collect();
    let record = serde_json::json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2026-11-01T00:00:00Z",
        "published": "2021-12-10T00:00:00Z",
        "aliases": [cve],
        "summary": summary,
        "affected": [{
            "package": { "ecosystem": ecosystem, "name": package },
            "ranges": [{ "type": "ECOSYSTEM", "events": events }]
        }],
        "severity": [{ "type": "CVSS_V3", "score": cvss_vector }]
    });
    serde_json::to_string_pretty(&record).unwrap_or_default()
}

/// An NVD CVE API 2.0 vulnerability with one vulnerable CPE range.
fn nvd_cve(
    id: &str,
    description: &str,
    cvss_vector: &str,
    score: f64,
    criteria: &str,
    bounds: &[(&str, &str)],
) -> serde_json::Value {
    let mut cpe_match = serde_json::json!({ "vulnerable": true, "criteria": criteria });
    for (key, value) in bounds {
        cpe_match[*key] = serde_json::json!(value);
    }
    serde_json::json!({ "cve": {
        "id": id,
        "sourceIdentifier": "cve@mitre.org",
        "published": "2022-08-05T07:15:07.240",
        "lastModified": "2026-11-01T00:00:00.000",
        "vulnStatus": "Analyzed",
        "descriptions": [{ "lang": "en", "value": description }],
        "metrics": { "cvssMetricV31": [{
            "source": "nvd@nist.gov",
            "type": "Primary",
            "cvssData": { "version": "3.1", "vectorString": cvss_vector, "baseScore": score,
                          "baseSeverity": if score >= 9.0 { "CRITICAL" } else { "HIGH" } }
        }] },
        "configurations": [{ "nodes": [{
            "operator": "OR", "negate": false, "cpeMatch": [cpe_match]
        }] }]
    } })
}

/// The example vulnerability feeds of the demo: OSV records for the language packages, an
/// NVD page for the CPE-identified components, the CISA KEV catalog and FIRST EPSS scores.
/// Real vulnerabilities with their published ranges, trimmed to what the demo needs.
#[must_use]
pub fn example_feeds() -> Vec<ExampleFeed> {
    const NET_HIGH: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const NET_DOS: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H";
    let nvd = serde_json::json!({
        "resultsPerPage": 4, "startIndex": 0, "totalResults": 4,
        "format": "NVD_CVE", "version": "2.0", "timestamp": "2026-11-20T00:00:00.000",
        "vulnerabilities": [
            nvd_cve("CVE-2022-37434",
                "zlib through 1.2.12 has a heap-based buffer over-read or buffer overflow in inflate in inflate.c via a large gzip header extra field.",
                NET_HIGH, 9.8, "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*",
                &[("versionEndIncluding", "1.2.12")]),
            nvd_cve("CVE-2021-3711",
                "OpenSSL SM2 decryption buffer overflow (affects OpenSSL 1.1.1 to 1.1.1k).",
                NET_HIGH, 9.8, "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
                &[("versionStartIncluding", "1.1.1"), ("versionEndExcluding", "1.1.1l")]),
            nvd_cve("CVE-2023-0464",
                "Excessive resource use verifying X.509 policy constraints (OpenSSL 3.0.0 to 3.0.8).",
                NET_DOS, 7.5, "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
                &[("versionStartIncluding", "3.0.0"), ("versionEndExcluding", "3.0.9")]),
            nvd_cve("CVE-2022-48174",
                "Stack overflow in BusyBox ash (through 1.35) that may lead to arbitrary code execution.",
                NET_HIGH, 9.8, "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*",
                &[("versionEndExcluding", "1.36.0")]),
        ]
    });
    let kev = serde_json::json!({
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2026.11.20",
        "dateReleased": "2026-11-20T15:00:00.0000Z",
        "count": 1,
        "vulnerabilities": [{
            "cveID": "CVE-2021-44228",
            "vendorProject": "Apache",
            "product": "Log4j2",
            "vulnerabilityName": "Apache Log4j2 Remote Code Execution Vulnerability",
            "dateAdded": "2021-12-10",
            "shortDescription": "Apache Log4j2 contains a vulnerability where JNDI features do not protect against attacker-controlled JNDI-related endpoints, allowing for remote code execution.",
            "requiredAction": "For all affected software assets for which updates exist, the only acceptable remediation actions are: 1) Apply updates; OR 2) remove affected assets from agency networks.",
            "dueDate": "2021-12-24",
            "knownRansomwareCampaignUse": "Known",
            "notes": "",
            "cwes": ["CWE-20", "CWE-400", "CWE-502"]
        }]
    });
    let epss = "#model_version:v2025.03.14,score_date:2026-11-20T00:00:00+0000\n\
                cve,epss,percentile\n\
                CVE-2021-44228,0.94400,0.99990\n\
                CVE-2021-3711,0.01950,0.83000\n\
                CVE-2022-37434,0.04100,0.88500\n\
                CVE-2022-48174,0.00500,0.65000\n\
                CVE-2021-33503,0.00800,0.74000\n\
                CVE-2021-3749,0.00300,0.55000\n\
                CVE-2021-23337,0.01000,0.77000\n";
    vec![
        ExampleFeed {
            file_name: "osv-log4j-core-GHSA-jfh8-c2jp-5v3q.json",
            content: osv(
                "GHSA-jfh8-c2jp-5v3q",
                "CVE-2021-44228",
                "Remote code injection in Log4j (Log4Shell)",
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                &[
                    ("2.13.0", "2.15.0"),
                    ("2.0-beta9", "2.3.1"),
                    ("2.4", "2.12.2"),
                ],
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            ),
        },
        ExampleFeed {
            file_name: "osv-urllib3-GHSA-q2q7-5pp4-w6pg.json",
            content: osv(
                "GHSA-q2q7-5pp4-w6pg",
                "CVE-2021-33503",
                "Catastrophic backtracking in URL authority parser when passed URL containing many @ characters",
                "PyPI",
                "urllib3",
                &[("0", "1.26.5")],
                NET_DOS,
            ),
        },
        ExampleFeed {
            file_name: "osv-axios-GHSA-cph5-m8f7-6c5x.json",
            content: osv(
                "GHSA-cph5-m8f7-6c5x",
                "CVE-2021-3749",
                "axios Inefficient Regular Expression Complexity vulnerability",
                "npm",
                "axios",
                &[("0", "0.21.2")],
                NET_DOS,
            ),
        },
        ExampleFeed {
            file_name: "osv-lodash-GHSA-35jh-r3h4-6jhm.json",
            content: osv(
                "GHSA-35jh-r3h4-6jhm",
                "CVE-2021-23337",
                "Command Injection in lodash",
                "npm",
                "lodash",
                &[("0", "4.17.21")],
                "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
            ),
        },
        ExampleFeed {
            file_name: "nvd-cves-page-1.json",
            content: serde_json::to_string_pretty(&nvd).unwrap_or_default(),
        },
        ExampleFeed {
            file_name: "known_exploited_vulnerabilities.json",
            content: serde_json::to_string_pretty(&kev).unwrap_or_default(),
        },
        ExampleFeed {
            file_name: "epss_scores-2026-11-20.csv",
            content: epss.to_owned(),
        },
    ]
}

/// The example hospital's device inventory (a CMMS export): 14 devices over three sites,
/// with the column names `medsbom assets import` takes without a mapping.
pub const EXAMPLE_INVENTORY: &str = "\
asset_id,serial,manufacturer,product,product_version,site,building,department,zone,ip,mac,hostname,owner,criticality,exposure,ports,default_credentials,notes
PUMP-0001,IS3-118220,Acme Medical,InfuStar 300,4.1.0,St. Example North,A,ICU,VLAN 40 medical,10.40.0.11,00:1b:44:11:3a:01,pump-icu-01,Clinical Engineering,therapy-delivering,hospital-lan,443/tcp,no,
PUMP-0002,IS3-118221,Acme Medical,InfuStar 300,4.1.0,St. Example North,A,ICU,VLAN 40 medical,10.40.0.12,00:1b:44:11:3a:02,pump-icu-02,Clinical Engineering,therapy-delivering,hospital-lan,443/tcp,no,
PUMP-0003,IS3-118222,Acme Medical,InfuStar 300,4.1.0,St. Example North,B,Oncology,VLAN 41 medical,10.41.0.21,00:1b:44:11:3a:03,pump-onc-01,Clinical Engineering,therapy-delivering,segmented,443/tcp,no,
PUMP-0004,IS3-204410,Acme Medical,InfuStar 300,4.2.0,St. Example North,B,Oncology,VLAN 41 medical,10.41.0.22,00:1b:44:11:3a:04,pump-onc-02,Clinical Engineering,therapy-delivering,segmented,443/tcp,no,
PUMP-0005,IS3-204411,Acme Medical,InfuStar 300,4.2.0,St. Example South,C,Emergency,VLAN 50 medical,10.50.0.31,00:1b:44:11:3a:05,pump-ed-01,Clinical Engineering,therapy-delivering,hospital-lan,443/tcp,no,
MON-0001,VV2-77001,Acme Medical,VitalView Monitor,2.3,St. Example North,A,ICU,VLAN 40 medical,10.40.1.11,00:1b:44:22:4b:01,mon-icu-01,Clinical Engineering,life-sustaining,hospital-lan,80/tcp 443/tcp,yes,alarm central station
MON-0002,VV2-77002,Acme Medical,VitalView Monitor,2.3,St. Example North,A,ICU,VLAN 40 medical,10.40.1.12,00:1b:44:22:4b:02,mon-icu-02,Clinical Engineering,life-sustaining,hospital-lan,80/tcp 443/tcp,yes,
MON-0003,VV2-77003,Acme Medical,VitalView Monitor,2.3,St. Example South,C,Emergency,VLAN 50 medical,10.50.1.13,00:1b:44:22:4b:03,mon-ed-01,Clinical Engineering,monitoring,hospital-lan,443/tcp,no,
MON-0004,VV2-77004,Acme Medical,VitalView Monitor,2.3,St. Example South,C,Cardiology,VLAN 51 medical,10.51.1.14,00:1b:44:22:4b:04,mon-card-01,Clinical Engineering,monitoring,segmented,443/tcp,no,
CT-0001,GX7-9001,Globex Imaging,CT Workstation,7.0,St. Example North,R,Radiology,VLAN 60 imaging,10.60.0.5,00:1b:44:33:5c:01,ct-ws-01,Radiology IT,diagnostic,hospital-lan,104/tcp 443/tcp,no,DICOM node
CT-0002,GX7-9002,Globex Imaging,CT Workstation,7.0,St. Example South,R,Radiology,VLAN 60 imaging,10.60.1.5,00:1b:44:33:5c:02,ct-ws-02,Radiology IT,diagnostic,internet-reachable,104/tcp 443/tcp 3389/tcp,no,remote service access by vendor
CT-0003,GX7-9003,Globex Imaging,CT Workstation,7.0,St. Example Clinic,1,Outpatient imaging,VLAN 60 imaging,10.70.0.5,00:1b:44:33:5c:03,ct-ws-03,Radiology IT,diagnostic,isolated,104/tcp,no,
VENT-0001,HV-5521,Hamilton Example,Ventilator V5,3.2,St. Example North,A,ICU,VLAN 40 medical,10.40.2.21,00:1b:44:44:6d:01,vent-icu-01,Clinical Engineering,life-sustaining,isolated,,no,no SBOM received yet
LAB-0001,LB-0042,Initech Diagnostics,Lab Analyzer LX,1.8,St. Example North,L,Laboratory,VLAN 70 lab,10.70.1.8,00:1b:44:55:7e:01,lab-lx-01,Laboratory IT,diagnostic,hospital-lan,2575/tcp,yes,no SBOM received yet
";
