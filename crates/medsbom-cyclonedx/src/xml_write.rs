//! CycloneDX 1.6 XML writer: walks the shared plan in the element order of the 1.6 XSD.

use medsbom_model::{Sbom, Written};

use crate::write::{
    self, OutAffect, OutBom, OutComponent, OutContact, OutEntity, OutExternalRef, OutHash,
    OutLicenseChoice, OutLifecycle, OutMetadata, OutProperty, OutService, OutSource,
    OutVulnerability,
};

const NAMESPACE: &str = "http://cyclonedx.org/schema/bom/1.6";

/// Writes the model as indented CycloneDX 1.6 XML.
pub(crate) fn write(sbom: &Sbom) -> Written {
    let plan = write::plan(sbom);
    let mut xml = Xml {
        out: String::with_capacity(1024 + sbom.components.len() * 768),
        depth: 0,
        n_replaced: 0,
    };
    xml.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.bom(&plan.bom);
    let mut warnings = plan.warnings;
    if 0 < xml.n_replaced {
        warnings.push(format!(
            "{} characters not allowed in xml 1.0 replaced with U+FFFD",
            xml.n_replaced
        ));
    }
    Written {
        bytes: xml.out.into_bytes(),
        warnings,
    }
}

struct Xml {
    out: String,
    depth: usize,
    n_replaced: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.escape(value, true);
            self.out.push('"');
        }
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start_tag(name, attributes);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start_tag(name, attributes);
        self.out.push_str("/>\n");
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.start_tag(name, attributes);
        self.out.push('>');
        self.escape(text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn leaf_opt(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.leaf(name, text);
        }
    }

    /// Escapes markup characters; in attributes also quotes and line breaks (which attribute
    /// normalization would otherwise turn into spaces). Characters XML 1.0 forbids are
    /// replaced and counted.
    fn escape(&mut self, text: &str, attribute: bool) {
        for ch in text.chars() {
            match ch {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' if attribute => self.out.push_str("&quot;"),
                '\t' if attribute => self.out.push_str("&#9;"),
                '\n' if attribute => self.out.push_str("&#10;"),
                '\r' => self.out.push_str("&#13;"),
                '\t' | '\n' => self.out.push(ch),
                '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {
                    self.n_replaced += 1;
                    self.out.push('\u{FFFD}');
                }
                _ => self.out.push(ch),
            }
        }
    }

    fn bom(&mut self, bom: &OutBom<'_>) {
        let version = bom.version.to_string();
        self.open(
            "bom",
            &[
                ("xmlns", NAMESPACE),
                ("serialNumber", &bom.serial_number),
                ("version", &version),
            ],
        );
        if let Some(metadata) = &bom.metadata {
            self.metadata(metadata);
        }
        if !bom.components.is_empty() {
            self.open("components", &[]);
            for component in &bom.components {
                self.component(component);
            }
            self.close("components");
        }
        if !bom.services.is_empty() {
            self.open("services", &[]);
            for service in &bom.services {
                self.service(service);
            }
            self.close("services");
        }
        if !bom.dependencies.is_empty() {
            self.open("dependencies", &[]);
            for dependency in &bom.dependencies {
                if dependency.depends_on.is_empty() && dependency.provides.is_empty() {
                    self.empty("dependency", &[("ref", dependency.reference)]);
                    continue;
                }
                self.open("dependency", &[("ref", dependency.reference)]);
                for to in &dependency.depends_on {
                    self.empty("dependency", &[("ref", to)]);
                }
                for to in &dependency.provides {
                    self.empty("provides", &[("ref", to)]);
                }
                self.close("dependency");
            }
            self.close("dependencies");
        }
        if !bom.compositions.is_empty() {
            self.open("compositions", &[]);
            for composition in &bom.compositions {
                self.open("composition", &[]);
                self.leaf("aggregate", composition.aggregate);
                if !composition.assemblies.is_empty() {
                    self.open("assemblies", &[]);
                    for assembly in &composition.assemblies {
                        self.empty("assembly", &[("ref", assembly)]);
                    }
                    self.close("assemblies");
                }
                if !composition.dependencies.is_empty() {
                    self.open("dependencies", &[]);
                    for dependency in &composition.dependencies {
                        self.empty("dependency", &[("ref", dependency)]);
                    }
                    self.close("dependencies");
                }
                self.close("composition");
            }
            self.close("compositions");
        }
        if !bom.vulnerabilities.is_empty() {
            self.open("vulnerabilities", &[]);
            for vulnerability in &bom.vulnerabilities {
                self.vulnerability(vulnerability);
            }
            self.close("vulnerabilities");
        }
        self.close("bom");
    }

    fn metadata(&mut self, metadata: &OutMetadata<'_>) {
        self.open("metadata", &[]);
        self.leaf_opt("timestamp", metadata.timestamp.as_deref());
        if !metadata.lifecycles.is_empty() {
            self.open("lifecycles", &[]);
            for lifecycle in &metadata.lifecycles {
                self.open("lifecycle", &[]);
                match lifecycle {
                    OutLifecycle::Phase { phase } => self.leaf("phase", phase),
                    OutLifecycle::Named { name } => self.leaf("name", name),
                }
                self.close("lifecycle");
            }
            self.close("lifecycles");
        }
        if let Some(tools) = &metadata.tools {
            self.open("tools", &[]);
            self.open("components", &[]);
            for tool in &tools.components {
                self.open("component", &[("type", tool.kind)]);
                self.leaf_opt("group", tool.group);
                self.leaf("name", tool.name);
                self.leaf_opt("version", tool.version);
                self.close("component");
            }
            self.close("components");
            self.close("tools");
        }
        if !metadata.authors.is_empty() {
            self.open("authors", &[]);
            for author in &metadata.authors {
                self.contact("author", author);
            }
            self.close("authors");
        }
        if let Some(component) = &metadata.component {
            self.component(component);
        }
        if let Some(manufacturer) = &metadata.manufacturer {
            self.entity("manufacturer", manufacturer);
        }
        if let Some(supplier) = &metadata.supplier {
            self.entity("supplier", supplier);
        }
        self.licenses(&metadata.licenses);
        self.properties(&metadata.properties);
        self.close("metadata");
    }

    fn entity(&mut self, name: &str, entity: &OutEntity<'_>) {
        self.open(name, &[]);
        self.leaf_opt("name", entity.name);
        for url in &entity.url {
            self.leaf("url", url);
        }
        for contact in &entity.contact {
            self.contact("contact", contact);
        }
        self.close(name);
    }

    fn contact(&mut self, name: &str, contact: &OutContact<'_>) {
        self.open(name, &[]);
        self.leaf_opt("name", contact.name);
        self.leaf_opt("email", contact.email);
        self.close(name);
    }

    fn component(&mut self, component: &OutComponent<'_>) {
        self.open(
            "component",
            &[("type", component.kind), ("bom-ref", &component.bom_ref)],
        );
        if let Some(supplier) = &component.supplier {
            self.entity("supplier", supplier);
        }
        if let Some(manufacturer) = &component.manufacturer {
            self.entity("manufacturer", manufacturer);
        }
        if !component.authors.is_empty() {
            self.open("authors", &[]);
            for author in &component.authors {
                self.contact("author", author);
            }
            self.close("authors");
        }
        self.leaf_opt("publisher", component.publisher);
        self.leaf_opt("group", component.group);
        self.leaf("name", component.name);
        self.leaf_opt("version", component.version);
        self.leaf_opt("description", component.description);
        self.leaf_opt("scope", component.scope);
        self.hashes(&component.hashes);
        self.licenses(&component.licenses);
        self.leaf_opt("copyright", component.copyright);
        self.leaf_opt("cpe", component.cpe);
        self.leaf_opt("purl", component.purl);
        for omnibor_id in &component.omnibor_id {
            self.leaf("omniborId", omnibor_id);
        }
        for swhid in &component.swhid {
            self.leaf("swhid", swhid);
        }
        if let Some(swid) = &component.swid {
            let tag_version = swid.tag_version.map(|v| v.to_string());
            let patch = swid.patch.map(|p| p.to_string());
            let mut attributes = vec![("tagId", swid.tag_id), ("name", swid.name)];
            if let Some(version) = swid.version {
                attributes.push(("version", version));
            }
            if let Some(tag_version) = &tag_version {
                attributes.push(("tagVersion", tag_version));
            }
            if let Some(patch) = &patch {
                attributes.push(("patch", patch));
            }
            self.empty("swid", &attributes);
        }
        self.external_refs(&component.external_references);
        self.properties(&component.properties);
        if !component.components.is_empty() {
            self.open("components", &[]);
            for child in &component.components {
                self.component(child);
            }
            self.close("components");
        }
        self.close("component");
    }

    fn service(&mut self, service: &OutService<'_>) {
        self.open("service", &[("bom-ref", &service.bom_ref)]);
        if let Some(provider) = &service.provider {
            self.entity("provider", provider);
        }
        self.leaf_opt("group", service.group);
        self.leaf("name", service.name);
        self.leaf_opt("version", service.version);
        self.leaf_opt("description", service.description);
        self.licenses(&service.licenses);
        self.external_refs(&service.external_references);
        self.properties(&service.properties);
        if !service.services.is_empty() {
            self.open("services", &[]);
            for child in &service.services {
                self.service(child);
            }
            self.close("services");
        }
        self.close("service");
    }

    fn hashes(&mut self, hashes: &[OutHash<'_>]) {
        if hashes.is_empty() {
            return;
        }
        self.open("hashes", &[]);
        for hash in hashes {
            self.leaf_with("hash", &[("alg", hash.alg)], hash.content);
        }
        self.close("hashes");
    }

    fn licenses(&mut self, licenses: &[OutLicenseChoice<'_>]) {
        if licenses.is_empty() {
            return;
        }
        self.open("licenses", &[]);
        for choice in licenses {
            match choice {
                OutLicenseChoice::License { license } => {
                    let mut attributes = Vec::new();
                    if let Some(acknowledgement) = license.acknowledgement {
                        attributes.push(("acknowledgement", acknowledgement));
                    }
                    self.open("license", &attributes);
                    self.leaf_opt("id", license.id);
                    self.leaf_opt("name", license.name);
                    self.close("license");
                }
                OutLicenseChoice::Expression {
                    expression,
                    acknowledgement,
                } => {
                    let mut attributes = Vec::new();
                    if let Some(acknowledgement) = acknowledgement {
                        attributes.push(("acknowledgement", *acknowledgement));
                    }
                    self.leaf_with("expression", &attributes, expression);
                }
            }
        }
        self.close("licenses");
    }

    fn external_refs(&mut self, references: &[OutExternalRef<'_>]) {
        if references.is_empty() {
            return;
        }
        self.open("externalReferences", &[]);
        for reference in references {
            self.open("reference", &[("type", reference.kind)]);
            self.leaf("url", &reference.url);
            self.leaf_opt("comment", reference.comment.as_deref());
            self.close("reference");
        }
        self.close("externalReferences");
    }

    fn properties(&mut self, properties: &[OutProperty<'_>]) {
        if properties.is_empty() {
            return;
        }
        self.open("properties", &[]);
        for property in properties {
            self.leaf_with("property", &[("name", &property.name)], &property.value);
        }
        self.close("properties");
    }

    fn source(&mut self, source: &OutSource<'_>) {
        self.open("source", &[]);
        self.leaf_opt("name", source.name);
        self.leaf_opt("url", source.url);
        self.close("source");
    }

    fn vulnerability(&mut self, vulnerability: &OutVulnerability<'_>) {
        let mut attributes = Vec::new();
        if let Some(bom_ref) = vulnerability.bom_ref {
            attributes.push(("bom-ref", bom_ref));
        }
        self.open("vulnerability", &attributes);
        self.leaf_opt("id", vulnerability.id);
        if let Some(source) = &vulnerability.source {
            self.source(source);
        }
        if !vulnerability.references.is_empty() {
            self.open("references", &[]);
            for reference in &vulnerability.references {
                self.open("reference", &[]);
                self.leaf("id", reference.id);
                self.source(&reference.source);
                self.close("reference");
            }
            self.close("references");
        }
        if !vulnerability.ratings.is_empty() {
            self.open("ratings", &[]);
            for rating in &vulnerability.ratings {
                self.open("rating", &[]);
                if let Some(score) = rating.score {
                    self.leaf("score", &score.to_string());
                }
                self.leaf_opt("severity", rating.severity);
                self.leaf_opt("method", rating.method);
                self.leaf_opt("vector", rating.vector);
                self.close("rating");
            }
            self.close("ratings");
        }
        if !vulnerability.cwes.is_empty() {
            self.open("cwes", &[]);
            for cwe in &vulnerability.cwes {
                self.leaf("cwe", &cwe.to_string());
            }
            self.close("cwes");
        }
        self.leaf_opt("description", vulnerability.description);
        self.leaf_opt("detail", vulnerability.detail);
        self.leaf_opt("recommendation", vulnerability.recommendation);
        if !vulnerability.advisories.is_empty() {
            self.open("advisories", &[]);
            for advisory in &vulnerability.advisories {
                self.open("advisory", &[]);
                self.leaf("url", &advisory.url);
                self.close("advisory");
            }
            self.close("advisories");
        }
        self.leaf_opt("published", vulnerability.published.as_deref());
        self.leaf_opt("updated", vulnerability.updated.as_deref());
        if let Some(analysis) = &vulnerability.analysis {
            self.open("analysis", &[]);
            self.leaf_opt("state", analysis.state);
            self.leaf_opt("justification", analysis.justification);
            if !analysis.responses.is_empty() {
                self.open("responses", &[]);
                for response in &analysis.responses {
                    self.leaf("response", response);
                }
                self.close("responses");
            }
            self.leaf_opt("detail", analysis.detail);
            self.leaf_opt("firstIssued", analysis.first_issued.as_deref());
            self.leaf_opt("lastUpdated", analysis.last_updated.as_deref());
            self.close("analysis");
        }
        if !vulnerability.affects.is_empty() {
            self.open("affects", &[]);
            for affect in &vulnerability.affects {
                self.affect(affect);
            }
            self.close("affects");
        }
        self.close("vulnerability");
    }

    fn affect(&mut self, affect: &OutAffect<'_>) {
        self.open("target", &[]);
        self.leaf("ref", affect.reference);
        if !affect.versions.is_empty() {
            self.open("versions", &[]);
            for version in &affect.versions {
                self.open("version", &[]);
                self.leaf_opt("version", version.version);
                self.leaf_opt("range", version.range);
                self.leaf_opt("status", version.status);
                self.close("version");
            }
            self.close("versions");
        }
        self.close("target");
    }
}
