use medsbom_model::*;
use std::time::Instant;
fn synth(n: usize) -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::Spdx, "SPDX-2.3");
    sbom.serial_number = Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".to_owned());
    sbom.timestamp = Some("2026-11-23T00:00:00Z".to_owned());
    let mut root = Component::new("root", "bench-device");
    root.version = Some("1.0.0".to_owned());
    sbom.roots.push("root".to_owned());
    sbom.components.push(root);
    for idx in 0..n {
        let name = format!("component-{idx}");
        let mut c = Component::new(&format!("c{idx}"), &name);
        c.version = Some(format!("{}.{}.{}", idx % 7, idx % 13, idx % 31));
        c.purl = Some(format!("pkg:npm/{name}@1.0.0"));
        c.cpes
            .push(format!("cpe:2.3:a:example:{name}:1.0.0:*:*:*:*:*:*:*"));
        c.supplier = Some(Party::organization("Example Supplier"));
        c.licenses
            .push(License::Expression("Apache-2.0".to_owned()));
        c.hashes.push(Hash {
            algorithm: "SHA-256".to_owned(),
            value: format!("{idx:064x}"),
        });
        c.support.set_level_text("actively-maintained");
        c.support.end_of_support = Some(Milestone::new("endOfSupport", "2030-12-31"));
        sbom.relationships.push(Relationship {
            from: "root".to_owned(),
            to: format!("c{idx}"),
            kind: RelationshipKind::DependsOn,
            original: None,
        });
        sbom.components.push(c);
    }
    sbom
}
#[test]
fn scratch() {
    let sbom = synth(50_000);
    let tv = medsbom_spdx::write_tag_value(&sbom).bytes;
    drop(sbom);
    for _ in 0..6 {
        let p = medsbom_spdx::read_tag_value(&tv).unwrap();
        std::hint::black_box(&p);
    }
}
