//! The NISTIR 8060 ("Guidelines for the Creation of Interoperable SWID Tags") rules that are
//! cheap to check, with the rule identifiers NIST's `swidval` uses (`GEN-4-1`, `PRI-6-1`, …).
//!
//! Checked (per tag of the file):
//! - `GEN-1`: the XSD structural rules the reader checks (required attributes, elements);
//! - `SWID-1-1` a `tagCreator` entity exists; `SWID-2-1` all `tagCreator` entities share one
//!   `regid`;
//! - `GEN-2-1`/`GEN-2-2` `xml:lang` on `SoftwareIdentity`, not empty;
//! - `GEN-4-*` (authoritative: every `Entity` has a `regid`, not blank, not the default),
//!   `GEN-5-*` (non-authoritative: the `tagCreator` has one), `GEN-6-*` (non-authoritative,
//!   warning: every `Entity` has one);
//! - `GEN-7-1` entities with the same `regid` list the same roles;
//! - `GEN-8-1` (authoritative: the `tagCreator` is also `softwareCreator`, `aggregator`,
//!   `distributor` or `licensor`), `GEN-9-1` (authoritative: a `softwareCreator` exists),
//!   `GEN-10-1` (non-authoritative, warning: a `softwareCreator` exists);
//! - `GEN-11-1` a `Link/@href` with the `swid:` scheme is a syntactically valid URI;
//! - `GEN-14-*`/`GEN-15-*` (warning) files have `size` and `version`; `GEN-16-1`/`GEN-19-*`
//!   (authoritative payload files have a SHA-256 hash of 64 hex digits); `GEN-17-1`/`GEN-20-1`
//!   (non-authoritative evidence files, warning); `GEN-18-*` (warning: no MD5, SHA-1, SHA-224,
//!   RIPEMD-160 hashes). Files marked `n8060:mutable="true"` are exempt from the size, version
//!   and hash rules, as their content changes after installation;
//! - `GEN-22-1`/`GEN-23-1`/`GEN-24-1` (warning) `Payload`/`Evidence` declare
//!   `n8060:pathSeparator`, `n8060:envVarPrefix`, `n8060:envVarSuffix`;
//! - primary tags: `PRI-13-*` (warning) `Meta` with `product`, `colloquialVersion`, `revision`,
//!   `edition`; `PRI-8-1` a `Payload`/`Evidence` holds at least one `File`; authoritative
//!   `PRI-2-*`/`PRI-3-*` (`version` and `versionScheme`), `PRI-6-*` (a `Payload`, no
//!   `Evidence`); non-authoritative `PRI-4-*`/`PRI-5-*`, `PRI-7-*` (an `Evidence`, no
//!   `Payload`);
//! - corpus tags: `COR-2-*`, `COR-3-*`, `COR-4-*`; supplemental tags: `SUP-2-1`, `SUP-2-2`.
//!
//! Not checked: the patch-tag rules (`PAT-*`, they need the patched tag), the `*-2` variants
//! of `GEN-22`…`GEN-24` (NIST's own templates use an empty `envVarSuffix`), and everything
//! that needs the installed files or other tags (hash correctness, `Link` targets).

use medsbom_model::{Location, Severity};

use crate::dom::{Element, LineIndex, XML_NAMESPACE};
use crate::read::{DEFAULT_REGID, TagKind, find_tags, is_swid, roles, tag_kind};

/// The NISTIR 8060 extension namespace (`n8060:pathSeparator`, `n8060:mutable`, …).
pub const N8060_NAMESPACE: &str = "http://csrc.nist.gov/ns/swid/2015-extensions/1.0";

const SHA256_NAMESPACE: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// Weak hash algorithms NISTIR 8060 (GEN-18) says not to use, with their rule ids.
const WEAK_HASHES: &[(&str, &str, &str)] = &[
    (
        "GEN-18-1",
        "http://www.w3.org/2001/04/xmldsig-more#md5",
        "md5",
    ),
    (
        "GEN-18-2",
        "http://www.w3.org/2000/09/xmldsig#sha1",
        "sha-1",
    ),
    (
        "GEN-18-3",
        "http://www.w3.org/2001/04/xmldsig-more#sha224",
        "sha-224",
    ),
    (
        "GEN-18-4",
        "http://www.w3.org/2001/04/xmlenc#ripemd160",
        "ripemd-160",
    ),
];

/// Which NISTIR 8060 rule set applies: the rules differ for tags written by the software's
/// own supplier (authoritative) and by third parties (non-authoritative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// Decide from the tag, as `swidval` does: authoritative when an `Entity` is both
    /// `tagCreator` and `softwareCreator`, `aggregator`, `distributor` or `licensor`.
    Detect,
    /// Check as an authoritative tag (the caller says who wrote it).
    Authoritative,
    /// Check as a non-authoritative tag.
    NonAuthoritative,
}

/// One NISTIR 8060 rule that a tag does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule identifier (`GEN-4-1`), as NIST's `swidval` names it.
    pub rule: &'static str,
    /// [`Severity::Error`] for MUST rules, [`Severity::Warning`] for SHOULD rules.
    pub severity: Severity,
    /// Where in the document.
    pub location: Location,
    /// What is wrong, in lowercase words.
    pub message: String,
}

/// Checks every tag in `bytes` against the NISTIR 8060 rules listed in the module docs.
/// A document that cannot be read gives one `GEN-1` finding.
#[must_use]
pub fn check_nistir_8060(bytes: &[u8], authority: Authority) -> Vec<Finding> {
    let roots = match crate::dom::parse(bytes) {
        Ok(roots) => roots,
        Err(err) => {
            return vec![Finding {
                rule: "GEN-1",
                severity: Severity::Error,
                location: err.location,
                message: err.message,
            }];
        }
    };
    let index = LineIndex::new(bytes);
    let tags = find_tags(&roots);
    let mut checker = Checker {
        index: &index,
        findings: Vec::new(),
    };
    if tags.is_empty() {
        checker.push(
            "GEN-1",
            Severity::Error,
            roots.first().map(|r| r.offset).unwrap_or(0),
            "no <SoftwareIdentity> element".to_owned(),
        );
    }
    for tag in tags {
        let authoritative = match authority {
            Authority::Detect => is_authoritative(tag),
            Authority::Authoritative => true,
            Authority::NonAuthoritative => false,
        };
        checker.check_tag(tag, authoritative);
    }
    checker.findings
}

/// True when an `Entity` is both `tagCreator` and one of the roles that make a tag
/// authoritative.
fn is_authoritative(tag: &Element) -> bool {
    entities(tag).any(|entity| {
        let roles = roles(entity);
        roles.contains(&"tagCreator")
            && ["aggregator", "distributor", "licensor", "softwareCreator"]
                .iter()
                .any(|r| roles.contains(r))
    })
}

fn entities<'a>(tag: &'a Element) -> impl Iterator<Item = &'a Element> + 'a {
    tag.children
        .iter()
        .filter(move |c| is_swid(c, tag, "Entity"))
}

struct Checker<'a> {
    index: &'a LineIndex,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn push(&mut self, rule: &'static str, severity: Severity, offset: u64, message: String) {
        self.findings.push(Finding {
            rule,
            severity,
            location: self.index.location(offset),
            message,
        });
    }

    fn error(&mut self, rule: &'static str, element: &Element, message: String) {
        self.push(rule, Severity::Error, element.offset, message);
    }

    fn warning(&mut self, rule: &'static str, element: &Element, message: String) {
        self.push(rule, Severity::Warning, element.offset, message);
    }

    fn check_tag(&mut self, tag: &Element, authoritative: bool) {
        for diagnostic in crate::read::structure_diagnostics(tag, self.index) {
            self.findings.push(Finding {
                rule: "GEN-1",
                severity: diagnostic.severity,
                location: diagnostic.location,
                message: diagnostic.message,
            });
        }
        self.check_entities(tag, authoritative);
        match tag.attr_ns(XML_NAMESPACE, "lang") {
            None => {
                self.error(
                    "GEN-2-1",
                    tag,
                    "<SoftwareIdentity> has no xml:lang".to_owned(),
                );
                self.error(
                    "GEN-2-2",
                    tag,
                    "<SoftwareIdentity> has no non-empty xml:lang".to_owned(),
                );
            }
            Some(lang) if lang.trim().is_empty() => {
                self.error(
                    "GEN-2-2",
                    tag,
                    "<SoftwareIdentity> has an empty xml:lang".to_owned(),
                );
            }
            Some(_) => {}
        }
        for link in tag.children.iter().filter(|c| is_swid(c, tag, "Link")) {
            if let Some(href) = link.attr("href")
                && href.starts_with("swid:")
                && !is_uri(href)
            {
                self.error(
                    "GEN-11-1",
                    link,
                    format!("<Link> href \"{href}\" is not a valid uri"),
                );
            }
        }
        for collection in tag
            .children
            .iter()
            .filter(|c| is_swid(c, tag, "Payload") || is_swid(c, tag, "Evidence"))
        {
            self.check_collection(tag, collection, authoritative);
        }
        match tag_kind(tag) {
            TagKind::Primary => self.check_primary(tag, authoritative),
            TagKind::Corpus => self.check_corpus(tag),
            TagKind::Supplemental => self.check_supplemental(tag),
            TagKind::Patch => {}
        }
    }

    fn check_entities(&mut self, tag: &Element, authoritative: bool) {
        let all: Vec<&Element> = entities(tag).collect();
        let tag_creators: Vec<&Element> = all
            .iter()
            .copied()
            .filter(|e| roles(e).contains(&"tagCreator"))
            .collect();
        if tag_creators.is_empty() {
            self.error(
                "SWID-1-1",
                tag,
                "no <Entity> with role tagCreator".to_owned(),
            );
        }
        if let Some(first) = tag_creators.first() {
            for other in tag_creators.iter().skip(1) {
                if other.attr("regid") != first.attr("regid") {
                    self.error(
                        "SWID-2-1",
                        other,
                        "tagCreator entities have different regid values".to_owned(),
                    );
                }
            }
        }
        for (idx, entity) in all.iter().enumerate() {
            let name = entity.attr("name").unwrap_or("");
            let regid = entity.attr("regid");
            if let Some(regid) = regid {
                let my_roles = role_set(entity);
                let differs = all.iter().enumerate().any(|(other_idx, other)| {
                    other_idx != idx
                        && other.attr("regid") == Some(regid)
                        && role_set(other) != my_roles
                });
                if differs {
                    self.error(
                        "GEN-7-1",
                        entity,
                        format!(
                            "entity \"{name}\": another <Entity> with regid \"{regid}\" lists \
                             different roles"
                        ),
                    );
                }
            }
            if authoritative {
                self.check_regid(entity, ["GEN-4-1", "GEN-4-2", "GEN-4-3"], Severity::Error);
            } else {
                if roles(entity).contains(&"tagCreator") {
                    self.check_regid(entity, ["GEN-5-1", "GEN-5-2", "GEN-5-3"], Severity::Error);
                }
                self.check_regid(entity, ["GEN-6-1", "GEN-6-2", "GEN-6-3"], Severity::Warning);
            }
        }
        let has_software_creator = all.iter().any(|e| roles(e).contains(&"softwareCreator"));
        if authoritative {
            if !is_authoritative(tag) {
                self.error(
                    "GEN-8-1",
                    tag,
                    "no <Entity> is both tagCreator and softwareCreator, aggregator, \
                     distributor or licensor"
                        .to_owned(),
                );
            }
            if !has_software_creator {
                self.error(
                    "GEN-9-1",
                    tag,
                    "no <Entity> with role softwareCreator".to_owned(),
                );
            }
        } else if !has_software_creator {
            self.warning(
                "GEN-10-1",
                tag,
                "no <Entity> with role softwareCreator".to_owned(),
            );
        }
    }

    /// The three regid rules: present, not blank, not the XSD default (a missing attribute
    /// counts as blank and as the default, as in `swidval`).
    fn check_regid(&mut self, entity: &Element, rules: [&'static str; 3], severity: Severity) {
        let name = entity.attr("name").unwrap_or("");
        let [present, not_blank, not_default] = rules;
        let regid = entity.attr("regid");
        if regid.is_none() {
            self.push(
                present,
                severity,
                entity.offset,
                format!("entity \"{name}\" has no regid"),
            );
        }
        if regid.is_none_or(|r| r.trim().is_empty()) {
            self.push(
                not_blank,
                severity,
                entity.offset,
                format!("entity \"{name}\" has a blank regid"),
            );
        }
        if regid.is_none_or(|r| r == DEFAULT_REGID) {
            self.push(
                not_default,
                severity,
                entity.offset,
                format!("entity \"{name}\" has the default regid {DEFAULT_REGID}"),
            );
        }
    }

    fn check_collection(&mut self, tag: &Element, collection: &Element, authoritative: bool) {
        for (rule, attribute) in [
            ("GEN-22-1", "pathSeparator"),
            ("GEN-23-1", "envVarPrefix"),
            ("GEN-24-1", "envVarSuffix"),
        ] {
            if collection.attr_ns(N8060_NAMESPACE, attribute).is_none() {
                self.warning(
                    rule,
                    collection,
                    format!("<{}> has no n8060:{attribute}", collection.local_name),
                );
            }
        }
        let is_payload = collection.local_name == "Payload";
        for file in collection
            .descendants()
            .into_iter()
            .filter(|e| is_swid(e, tag, "File"))
        {
            self.check_file(file, is_payload, authoritative);
        }
    }

    fn check_file(&mut self, file: &Element, is_payload: bool, authoritative: bool) {
        let name = file.attr("name").unwrap_or("");
        for (rule, namespace, algorithm) in WEAK_HASHES {
            if file.attr_ns(namespace, "hash").is_some() {
                self.warning(
                    rule,
                    file,
                    format!("file \"{name}\" has a {algorithm} hash (too weak)"),
                );
            }
        }
        if file.attr_ns(N8060_NAMESPACE, "mutable") == Some("true") {
            return;
        }
        match file.attr("size") {
            None => self.warning("GEN-14-1", file, format!("file \"{name}\" has no size")),
            Some(size) if size.trim().is_empty() => {
                self.warning(
                    "GEN-14-2",
                    file,
                    format!("file \"{name}\" has an empty size"),
                );
            }
            Some(_) => {}
        }
        match file.attr("version") {
            None => self.warning("GEN-15-1", file, format!("file \"{name}\" has no version")),
            Some(version) if version.trim().is_empty() => self.warning(
                "GEN-15-2",
                file,
                format!("file \"{name}\" has an empty version"),
            ),
            Some(_) => {}
        }
        let has_hash = file
            .attributes
            .iter()
            .any(|a| a.namespace.is_some() && a.local_name == "hash");
        let sha256 = file.attr_ns(SHA256_NAMESPACE, "hash");
        if is_payload && authoritative {
            if !has_hash {
                self.error(
                    "GEN-16-1",
                    file,
                    format!("payload file \"{name}\" has no hash"),
                );
            }
            match sha256 {
                None => self.error(
                    "GEN-19-1",
                    file,
                    format!("payload file \"{name}\" has no sha-256 hash"),
                ),
                Some(value) if !is_hex_of_len(value, 64) => self.error(
                    "GEN-19-2",
                    file,
                    format!("payload file \"{name}\": sha-256 hash is not 64 hex digits"),
                ),
                Some(_) => {}
            }
        } else if !is_payload && !authoritative {
            if !has_hash {
                self.warning(
                    "GEN-17-1",
                    file,
                    format!("evidence file \"{name}\" has no hash"),
                );
            }
            if sha256.is_none() {
                self.warning(
                    "GEN-20-1",
                    file,
                    format!("evidence file \"{name}\" has no sha-256 hash"),
                );
            }
        }
    }

    fn check_primary(&mut self, tag: &Element, authoritative: bool) {
        let metas: Vec<&Element> = tag
            .children
            .iter()
            .filter(|c| is_swid(c, tag, "Meta"))
            .collect();
        if metas.is_empty() {
            self.warning("PRI-13-1", tag, "primary tag has no <Meta>".to_owned());
        }
        for meta in &metas {
            for (rule, attribute) in [
                ("PRI-13-2", "product"),
                ("PRI-13-3", "colloquialVersion"),
                ("PRI-13-4", "revision"),
                ("PRI-13-5", "edition"),
            ] {
                if meta.attr(attribute).is_none() {
                    self.warning(rule, meta, format!("<Meta> has no {attribute}"));
                }
            }
        }
        for collection in tag
            .children
            .iter()
            .filter(|c| is_swid(c, tag, "Payload") || is_swid(c, tag, "Evidence"))
        {
            if !collection
                .descendants()
                .iter()
                .any(|e| is_swid(e, tag, "File"))
            {
                self.warning(
                    "PRI-8-1",
                    collection,
                    format!("<{}> lists no <File>", collection.local_name),
                );
            }
        }
        let version_rules = if authoritative {
            ["PRI-2-1", "PRI-2-2", "PRI-3-1", "PRI-3-2"]
        } else {
            ["PRI-4-1", "PRI-4-2", "PRI-5-1", "PRI-5-2"]
        };
        self.check_version(tag, version_rules);
        let has_payload = tag.children.iter().any(|c| is_swid(c, tag, "Payload"));
        let has_evidence = tag.children.iter().any(|c| is_swid(c, tag, "Evidence"));
        if authoritative {
            if !has_payload {
                self.error(
                    "PRI-6-1",
                    tag,
                    "authoritative primary tag has no <Payload>".to_owned(),
                );
            }
            if has_evidence {
                self.error(
                    "PRI-6-2",
                    tag,
                    "authoritative primary tag has an <Evidence>".to_owned(),
                );
            }
        } else {
            if !has_evidence {
                self.error(
                    "PRI-7-1",
                    tag,
                    "non-authoritative primary tag has no <Evidence>".to_owned(),
                );
            }
            if has_payload {
                self.error(
                    "PRI-7-2",
                    tag,
                    "non-authoritative primary tag has a <Payload>".to_owned(),
                );
            }
        }
    }

    /// `version` present and not empty; `versionScheme` present with a version, not empty.
    fn check_version(&mut self, tag: &Element, rules: [&'static str; 4]) {
        let [present, not_empty, scheme_present, scheme_not_empty] = rules;
        match tag.attr("version") {
            None => self.error(present, tag, "tag has no version".to_owned()),
            Some(version) => {
                if version.trim().is_empty() {
                    self.error(not_empty, tag, "tag has an empty version".to_owned());
                }
                if tag.attr("versionScheme").is_none() {
                    self.error(
                        scheme_present,
                        tag,
                        "tag has a version but no versionScheme".to_owned(),
                    );
                }
            }
        }
        if let Some(scheme) = tag.attr("versionScheme")
            && scheme.trim().is_empty()
        {
            self.error(
                scheme_not_empty,
                tag,
                "tag has an empty versionScheme".to_owned(),
            );
        }
    }

    fn check_corpus(&mut self, tag: &Element) {
        self.check_version(tag, ["COR-2-1", "COR-2-2", "COR-3-1", "COR-3-2"]);
        if !tag.children.iter().any(|c| is_swid(c, tag, "Payload")) {
            self.error("COR-4-1", tag, "corpus tag has no <Payload>".to_owned());
        }
        if tag.children.iter().any(|c| is_swid(c, tag, "Evidence")) {
            self.error("COR-4-2", tag, "corpus tag has an <Evidence>".to_owned());
        }
    }

    fn check_supplemental(&mut self, tag: &Element) {
        let links: Vec<&Element> = tag
            .children
            .iter()
            .filter(|c| is_swid(c, tag, "Link") && c.attr("rel") == Some("supplemental"))
            .collect();
        if links.is_empty() {
            self.error(
                "SUP-2-1",
                tag,
                "supplemental tag has no <Link rel=\"supplemental\">".to_owned(),
            );
        }
        for link in links {
            let href = link.attr("href").unwrap_or("");
            if !(href.starts_with("swid:") || href.starts_with("swidpath:")) {
                self.error(
                    "SUP-2-2",
                    link,
                    format!("supplemental link href \"{href}\" is not a swid: or swidpath: uri"),
                );
            }
        }
    }
}

fn role_set(entity: &Element) -> Vec<&str> {
    let mut res = roles(entity);
    res.sort_unstable();
    res.dedup();
    res
}

fn is_hex_of_len(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An RFC 3986 URI check on characters: a scheme, `:`, then only unreserved, reserved and
/// percent-encoded characters, with at most one `#`.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    if 1 < rest.matches('#').count() {
        return false;
    }
    let bytes = rest.as_bytes();
    let mut idx = 0;
    while let Some(&byte) = bytes.get(idx) {
        if byte == b'%' {
            let valid = bytes
                .get(idx + 1..idx + 3)
                .is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit));
            if !valid {
                return false;
            }
            idx += 3;
            continue;
        }
        let allowed = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#".contains(&byte);
        if !allowed {
            return false;
        }
        idx += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_uri;

    #[test]
    fn uri_syntax() {
        assert!(is_uri("swid:com.acme.rms-ce-v4-1-5-0"));
        assert!(is_uri("swid:gov.nist.decima-swidval-0.5.0.1"));
        assert!(is_uri("swid:a%20b"));
        assert!(!is_uri("swid:^"));
        assert!(!is_uri("swid:a b"));
        assert!(!is_uri("swid:a%2"));
        assert!(!is_uri("1swid:x"));
    }
}
