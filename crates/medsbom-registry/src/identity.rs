//! The merge key of a registry component, as the store's package identity: the canonical
//! purl (with the component's version added when the purl has none), else the canonical CPE
//! 2.3 name, else `name:<supplier>/<name>@<version>` in lowercase.

use medsbom_model::{Component, ComponentType};
use medsbom_versions::cpe::Cpe;
use medsbom_versions::purl::{Purl, PurlParts};

/// The identity of `component` (see the module docs).
#[must_use]
pub fn identity(component: &Component) -> String {
    if let Some(purl) = canonical_purl(component) {
        return purl;
    }
    if let Some(cpe) = component.cpe().and_then(|c| Cpe::parse(c.trim()).ok()) {
        return cpe.to_string();
    }
    let supplier = component
        .supplier
        .as_ref()
        .filter(|s| s.is_asserted())
        .map(|s| s.name.trim().to_lowercase())
        .unwrap_or_default();
    let version = component
        .version
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_lowercase();
    format!(
        "name:{supplier}/{}@{version}",
        component.name.trim().to_lowercase()
    )
}

fn canonical_purl(component: &Component) -> Option<String> {
    let purl = Purl::parse(component.purl.as_deref()?.trim()).ok()?;
    let version = component
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if purl.version().is_some() || version.is_none() {
        return Some(purl.to_string());
    }
    let qualifiers: Vec<(&str, &str)> = purl
        .qualifiers()
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let parts = PurlParts {
        ty: purl.ty(),
        namespace: purl.namespace(),
        name: purl.name(),
        version,
        qualifiers: &qualifiers,
        subpath: purl.subpath(),
    };
    Some(
        Purl::from_parts(&parts)
            .map(|p| p.to_string())
            .unwrap_or_else(|_| purl.to_string()),
    )
}

/// The component type a CPE's part implies: `h` hardware → device, `o` operating system.
#[must_use]
pub fn kind_from_cpe(cpe: &str) -> Option<ComponentType> {
    let text = cpe.trim().to_ascii_lowercase();
    let part = text
        .strip_prefix("cpe:2.3:")
        .or_else(|| text.strip_prefix("cpe:/"))?
        .chars()
        .next()?;
    match part {
        'h' => Some(ComponentType::Device),
        'o' => Some(ComponentType::OperatingSystem),
        'a' => Some(ComponentType::Application),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use medsbom_model::Party;

    #[test]
    fn purl_then_cpe_then_supplier_name_version() {
        let mut c = Component::new("x", "Lodash");
        c.version = Some("4.17.21".to_owned());
        c.purl = Some("pkg:npm/lodash".to_owned());
        assert_eq!(identity(&c), "pkg:npm/lodash@4.17.21");
        c.purl = None;
        c.cpes = vec!["cpe:2.3:h:qualcomm:atheros_qca9563:-:*:*:*:*:*:*:*".to_owned()];
        assert!(identity(&c).starts_with("cpe:2.3:h:qualcomm:atheros_qca9563"));
        c.cpes.clear();
        c.supplier = Some(Party::organization("Lodash Team"));
        assert_eq!(identity(&c), "name:lodash team/lodash@4.17.21");
        assert_eq!(
            kind_from_cpe("cpe:2.3:h:ubiquiti:uap-ac-pro:*:*:*:*:*:*:*:*"),
            Some(ComponentType::Device)
        );
        assert_eq!(
            kind_from_cpe("cpe:/o:linux:linux_kernel"),
            Some(ComponentType::OperatingSystem)
        );
    }
}
