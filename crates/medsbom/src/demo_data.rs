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
    root.manufacturer = Some(Party::organization(manufacturer));
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
