//! Package identity: which `packages` row a component belongs to.
//!
//! The identity is, in order of preference, the canonical purl (with version), the CPE 2.3
//! name, or supplier + name + version. Two components with the same identity in different
//! documents share one `packages` row, whose id is the join key for vulnerability matching.

use medsbom_model::Component;
use medsbom_versions::cpe::Cpe;
use medsbom_versions::purl::{Purl, PurlParts};

/// How a package is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdentityKind {
    Purl,
    Cpe,
    Name,
}

impl IdentityKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Purl => "purl",
            IdentityKind::Cpe => "cpe",
            IdentityKind::Name => "name",
        }
    }
}

/// The `packages` row of a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackageIdentity {
    /// The unique identity string (`pkg:…`, `cpe:2.3:…` or `name:…`).
    pub(crate) key: String,
    pub(crate) kind: IdentityKind,
    /// Canonical purl, when the identity is a purl.
    pub(crate) purl: Option<String>,
    pub(crate) purl_type: Option<String>,
    /// The purl without version, qualifiers and subpath.
    pub(crate) purl_key: Option<String>,
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    /// Canonical CPE 2.3 name of the component's first CPE, when it has a valid one.
    pub(crate) cpe: Option<String>,
    pub(crate) supplier: Option<String>,
}

/// The canonical purl of a component: its purl parsed and normalized, with the component's
/// version added when the purl has none. `None` when the component has no valid purl.
#[must_use]
pub(crate) fn canonical_purl(component: &Component) -> Option<Purl> {
    let written = component.purl.as_deref()?.trim();
    let purl = Purl::parse(written).ok()?;
    if purl.version().is_some() {
        return Some(purl);
    }
    let Some(version) = non_empty(component.version.as_deref()) else {
        return Some(purl);
    };
    let qualifiers: Vec<(&str, &str)> = purl
        .qualifiers()
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let parts = PurlParts {
        ty: purl.ty(),
        namespace: purl.namespace(),
        name: purl.name(),
        version: Some(version),
        qualifiers: &qualifiers,
        subpath: purl.subpath(),
    };
    Some(Purl::from_parts(&parts).unwrap_or(purl))
}

/// The canonical CPE 2.3 name of a component's first CPE, when it parses.
#[must_use]
pub(crate) fn canonical_cpe(component: &Component) -> Option<String> {
    let cpe = Cpe::parse(component.cpe()?.trim()).ok()?;
    Some(cpe.to_string())
}

/// The package identity of a component.
#[must_use]
pub(crate) fn package_identity(component: &Component) -> PackageIdentity {
    let supplier = component
        .supplier
        .as_ref()
        .filter(|party| party.is_asserted())
        .map(|party| party.name.trim().to_owned());
    let cpe = canonical_cpe(component);
    let display_name = display_name(component);
    if let Some(purl) = canonical_purl(component) {
        let name = if display_name.is_empty() {
            purl.name().to_owned()
        } else {
            display_name
        };
        let text = purl.to_string();
        return PackageIdentity {
            key: text.clone(),
            kind: IdentityKind::Purl,
            purl: Some(text),
            purl_type: Some(purl.ty().to_owned()),
            purl_key: Some(purl.package_key()),
            name,
            version: purl.version().map(str::to_owned),
            cpe,
            supplier,
        };
    }
    let version = non_empty(component.version.as_deref()).map(str::to_owned);
    if let Some(cpe) = cpe {
        return PackageIdentity {
            key: cpe.clone(),
            kind: IdentityKind::Cpe,
            purl: None,
            purl_type: None,
            purl_key: None,
            name: display_name,
            version,
            cpe: Some(cpe),
            supplier,
        };
    }
    let mut key = String::from("name:");
    push_key_part(&mut key, supplier.as_deref().unwrap_or(""));
    key.push('/');
    push_key_part(&mut key, &display_name);
    if let Some(version) = &version {
        key.push('@');
        push_key_part(&mut key, version);
    }
    PackageIdentity {
        key,
        kind: IdentityKind::Name,
        purl: None,
        purl_type: None,
        purl_key: None,
        name: display_name,
        version,
        cpe: None,
        supplier,
    }
}

/// `group/name` (the CycloneDX group is part of the name users know, e.g. Maven groupId).
fn display_name(component: &Component) -> String {
    let name = component.name.trim();
    match non_empty(component.extra.group.as_deref()) {
        Some(group) => format!("{group}/{name}"),
        None => name.to_owned(),
    }
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

/// Lowercases and percent-encodes the characters that separate the parts of a name key.
/// NUL becomes U+FFFD, as everywhere in the store (PostgreSQL text cannot hold it).
fn push_key_part(out: &mut String, text: &str) {
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        match c {
            '\0' => out.push('\u{fffd}'),
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            '@' => out.push_str("%40"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use medsbom_model::{Component, Party};

    use super::*;

    fn check(purl: Option<&str>, cpe: Option<&str>, version: Option<&str>, expect: &str) {
        let mut component = Component::new("c", "Some_Lib");
        component.purl = purl.map(str::to_owned);
        component.cpes = cpe.map(str::to_owned).into_iter().collect();
        component.version = version.map(str::to_owned);
        component.supplier = Some(Party::organization("ACME"));
        assert_eq!(package_identity(&component).key, expect);
    }

    #[test]
    fn purl_then_cpe_then_name() {
        check(
            Some("pkg:PYPI/Some_Lib@1.0"),
            None,
            None,
            "pkg:pypi/some-lib@1.0",
        );
        check(
            Some("pkg:npm/%40scope/lib"),
            None,
            Some("2.0.0"),
            "pkg:npm/%40scope/lib@2.0.0",
        );
        check(
            Some("not a purl"),
            Some("cpe:/a:acme:lib:1.0"),
            Some("1.0"),
            "cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*",
        );
        check(None, None, Some("1.0"), "name:acme/some_lib@1.0");
        check(None, Some("garbage"), None, "name:acme/some_lib");
    }

    #[test]
    fn purl_key_drops_version_and_qualifiers() {
        let mut component = Component::new("c", "curl");
        component.purl = Some("pkg:deb/debian/curl@7.68.0-1?arch=amd64".to_owned());
        let identity = package_identity(&component);
        assert_eq!(identity.purl_key.as_deref(), Some("pkg:deb/debian/curl"));
        assert_eq!(identity.version.as_deref(), Some("7.68.0-1"));
        assert_eq!(identity.purl_type.as_deref(), Some("deb"));
    }
}
