//! SBOM generation from a version's registry.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use medsbom_check::{Profile, Report};
use medsbom_formats::OutputFormat;
use medsbom_model::{
    Composition, IsoDate, Party, Relationship, RelationshipKind, Sbom, SbomFormat, Tool,
};
use medsbom_versions::purl::{Purl, PurlParts};

use crate::service::{VersionInfo, VersionRef, bom_ref_for, load_components, load_version};
use crate::{Gap, RegistryComponent, RegistryDb, RegistryError};

/// How to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// The output format.
    pub format: OutputFormat,
    /// The profile the output must pass.
    pub profile: Profile,
    /// Write the document even when it has gaps.
    pub allow_gaps: bool,
    /// The day to judge end-of-support dates against (findings only).
    pub as_of: Option<IsoDate>,
}

/// A generated SBOM.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The version it describes.
    pub info: VersionInfo,
    /// The model that was written.
    pub sbom: Sbom,
    /// The document.
    pub bytes: Vec<u8>,
    /// What the format could not hold.
    pub warnings: Vec<String>,
    /// The profile check of the document as written (read back).
    pub report: Report,
    /// The elements the document lacks (empty when it passes).
    pub gaps: Vec<Gap>,
}

/// The device's own `bom_ref`.
fn root_ref(info: &VersionInfo) -> String {
    bom_ref_for(&format!(
        "device:{}/{}@{}",
        info.key.manufacturer, info.key.product, info.key.version
    ))
}

/// The device's purl: as registered, else `pkg:generic/<manufacturer>/<product>@<version>`.
fn root_purl(info: &VersionInfo) -> Option<String> {
    if let Some(purl) = &info.purl {
        return Some(purl.clone());
    }
    let parts = PurlParts {
        ty: "generic",
        namespace: Some(&info.key.manufacturer),
        name: &info.key.product,
        version: Some(&info.key.version),
        qualifiers: &[],
        subpath: None,
    };
    Purl::from_parts(&parts).ok().map(|p| p.to_string())
}

/// The SBOM model of a version: the device as root, every component with its support data,
/// the dependency graph (the device depends on every component no other component depends
/// on, and on whatever is otherwise unreachable), and one composition per aggregate.
#[must_use]
pub fn build_sbom(
    info: &VersionInfo,
    components: &[RegistryComponent],
    format: OutputFormat,
) -> Sbom {
    let spdx = matches!(format, OutputFormat::SpdxJson | OutputFormat::SpdxTagValue);
    let mut sbom = if spdx {
        Sbom::new(SbomFormat::Spdx, "SPDX-2.3")
    } else {
        Sbom::new(SbomFormat::CycloneDx, "1.6")
    };
    let uuid = info
        .serial_number
        .strip_prefix("urn:uuid:")
        .unwrap_or(&info.serial_number);
    sbom.serial_number = Some(if spdx {
        format!("https://medsbom.invalid/spdx/{uuid}/r{}", info.revision)
    } else {
        info.serial_number.clone()
    });
    if spdx {
        sbom.data_license = Some("CC0-1.0".to_owned());
    }
    sbom.version = u64::try_from(info.revision).ok();
    sbom.name = Some(format!("{} {}", info.key.product, info.key.version));
    sbom.timestamp = Some(info.revised_at.clone());
    sbom.authors.push(Party::organization(&info.author));
    sbom.tools.push(Tool {
        vendor: Some("medsbom".to_owned()),
        name: "medsbom".to_owned(),
        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
    });
    sbom.lifecycles.push("build".to_owned());
    let manufacturer = Party::organization(&info.supplier);
    sbom.supplier = Some(manufacturer.clone());
    sbom.manufacturer = Some(manufacturer.clone());

    let root = root_ref(info);
    let mut device = medsbom_model::Component::new(&root, &info.key.product);
    device.kind = info.kind.clone();
    device.version = Some(info.key.version.clone());
    device.supplier = Some(manufacturer);
    device.extra.description.clone_from(&info.description);
    device.purl = root_purl(info);
    device.cpes.extend(info.cpe.clone());
    device.support = info.support.clone();
    sbom.roots.push(root.clone());
    sbom.components.push(device);

    let ref_of: HashMap<&str, &str> = components
        .iter()
        .map(|c| (c.identity.as_str(), c.component.bom_ref.as_str()))
        .collect();
    let mut depended: BTreeSet<&str> = BTreeSet::new();
    let mut edges: Vec<(&str, &str)> = Vec::new();
    for item in components {
        for dep in &item.depends_on {
            if let Some(&to) = ref_of.get(dep.as_str())
                && to != item.component.bom_ref
            {
                edges.push((&item.component.bom_ref, to));
                depended.insert(to);
            }
        }
    }
    let mut root_deps: Vec<&str> = components
        .iter()
        .map(|c| c.component.bom_ref.as_str())
        .filter(|r| !depended.contains(r))
        .collect();
    // Components only reachable through a cycle hang off the device too.
    let mut adjacency: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, to) in &edges {
        adjacency.entry(from).or_default().push(to);
    }
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = root_deps.iter().copied().collect();
    for item in components {
        while let Some(next) = queue.pop_front() {
            if reached.insert(next) {
                queue.extend(adjacency.get(next).into_iter().flatten().copied());
            }
        }
        let own = item.component.bom_ref.as_str();
        if !reached.contains(own) {
            root_deps.push(own);
            queue.push_back(own);
        }
    }
    for to in root_deps {
        sbom.relationships.push(Relationship {
            from: root.clone(),
            to: to.to_owned(),
            kind: RelationshipKind::DependsOn,
            original: None,
        });
    }
    for (from, to) in edges {
        sbom.relationships.push(Relationship {
            from: from.to_owned(),
            to: to.to_owned(),
            kind: RelationshipKind::DependsOn,
            original: None,
        });
    }

    if spdx {
        // SPDX 2.3 has no compositions: the known unknowns are relationships to NOASSERTION
        // (dependencies not known to be complete) and NONE (known to have none).
        let with_deps: BTreeSet<&str> =
            sbom.relationships.iter().map(|r| r.from.as_str()).collect();
        let mut extra = Vec::new();
        for item in components {
            let own = item.component.bom_ref.as_str();
            let to = if item.composition != "complete" {
                "NOASSERTION"
            } else if !with_deps.contains(own) {
                "NONE"
            } else {
                continue;
            };
            extra.push(Relationship {
                from: own.to_owned(),
                to: to.to_owned(),
                kind: RelationshipKind::DependsOn,
                original: None,
            });
        }
        sbom.relationships.extend(extra);
    }
    let mut by_aggregate: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    // The registry is the manufacturer's record of what the device holds: its list of
    // direct components is complete by construction.
    by_aggregate
        .entry("complete")
        .or_default()
        .push(root.clone());
    for item in components {
        sbom.components.push(item.component.clone());
        by_aggregate
            .entry(item.composition.as_str())
            .or_default()
            .push(item.component.bom_ref.clone());
    }
    for (aggregate, dependencies) in by_aggregate {
        sbom.compositions.push(Composition {
            aggregate: aggregate.to_owned(),
            assemblies: Vec::new(),
            dependencies,
        });
    }
    sbom
}

/// Generates the SBOM of a version: writes it, validates it against the official schema,
/// reads it back and checks it with the profile. Refused with [`RegistryError::Gaps`] when
/// it does not pass and `allow_gaps` is false.
pub async fn generate(
    db: &RegistryDb,
    key: &VersionRef<'_>,
    options: &GenerateOptions,
) -> Result<Generated, RegistryError> {
    let context = "generating an SBOM";
    let (info, components) = {
        let mut tx = db.db.begin_read(context).await?;
        let info = load_version(&mut tx, key).await?;
        let components = load_components(&mut tx, info.key.product_version_id).await?;
        tx.commit(context).await?;
        (info, components)
    };
    let sbom = build_sbom(&info, &components, options.format);
    let written = medsbom_formats::write(&sbom, options.format);
    let validation = medsbom_formats::validate(&written.bytes);
    let invalid = |errors: Vec<String>| RegistryError::InvalidOutput {
        format: options.format.as_str().to_owned(),
        errors,
    };
    if !validation.valid {
        return Err(invalid(
            validation
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.location, e.message))
                .collect(),
        ));
    }
    let (_, parsed) =
        medsbom_formats::read(&written.bytes).map_err(|err| invalid(vec![err.to_string()]))?;
    let report = medsbom_check::check(&parsed.sbom, options.profile, options.as_of);
    let names: HashMap<&str, String> = parsed
        .sbom
        .components
        .iter()
        .map(|c| {
            let label = match c.version.as_deref().filter(|v| !v.is_empty()) {
                Some(version) => format!("{}@{version}", c.name),
                None => c.name.clone(),
            };
            (c.bom_ref.as_str(), label)
        })
        .collect();
    let gaps: Vec<Gap> = report
        .failed_elements()
        .map(|element| Gap {
            element: element.id.to_owned(),
            title: element.title.to_owned(),
            components: element
                .failing
                .iter()
                .map(|r| names.get(r.as_str()).cloned().unwrap_or_else(|| r.clone()))
                .collect(),
        })
        .collect();
    if !gaps.is_empty() && !options.allow_gaps {
        return Err(RegistryError::Gaps {
            profile: options.profile.as_str().to_owned(),
            gaps,
        });
    }
    Ok(Generated {
        info,
        sbom,
        bytes: written.bytes,
        warnings: written.warnings,
        report,
        gaps,
    })
}
