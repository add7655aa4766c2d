//! Package URLs (purl, ECMA-427): parsing, per-type normalization and the canonical form.
//!
//! Parsing follows the purl-spec `how-to-parse` algorithm (right to left: subpath,
//! qualifiers, scheme, type, version, name, namespace), then applies the rules of the
//! registered type (`types/*-definition.json`): lowercasing where a component is not case
//! sensitive, PyPI's `_` → `-`, required and prohibited namespaces, required qualifiers.
//! [`Purl`]'s `Display` is the canonical form, so two purls that name the same package
//! print identically.
//!
//! Deliberate choices:
//! - Qualifier keys are lowercased, as `how-to-parse` says, so `?Arch=x86` is accepted
//!   (real SBOMs contain such purls) and printed as `?arch=x86`.
//! - `golang` namespaces and names keep their case: Go module paths are case sensitive
//!   (`github.com/Azure/…`) although an old note in the type definition asks to lowercase them.

use std::fmt;

use crate::Error;
use crate::encoding::{percent_decode, push_purl_encoded, push_purl_segments};
use Case::{Keep, Lower, Upper};
use Requirement::{Optional, Prohibited, Required};

/// A parsed, normalized package URL.
///
/// Components are stored percent-decoded. Qualifiers are sorted by key, keys are unique and
/// lowercase, and no value is empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
    subpath: Option<String>,
}

/// Decoded components from which [`Purl::from_parts`] builds a purl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurlParts<'a> {
    /// The purl `type`, such as `npm` (case insensitive).
    pub ty: &'a str,
    /// The namespace, `/`-separated segments (for example an npm scope `@angular`).
    pub namespace: Option<&'a str>,
    /// The package name.
    pub name: &'a str,
    /// The version, an opaque string.
    pub version: Option<&'a str>,
    /// Qualifier `(key, value)` pairs in any order; pairs with an empty value are dropped.
    pub qualifiers: &'a [(&'a str, &'a str)],
    /// The subpath inside the package, `/`-separated.
    pub subpath: Option<&'a str>,
}

impl Purl {
    /// Parses a purl string and normalizes it according to its type's rules.
    ///
    /// ```
    /// use medsbom_versions::purl::Purl;
    /// let purl = Purl::parse("pkg:PYPI/Django_Package@1.11.1?file_name=x.whl").unwrap();
    /// assert_eq!(purl.name(), "django-package");
    /// assert_eq!(purl.to_string(), "pkg:pypi/django-package@1.11.1?file_name=x.whl");
    /// ```
    pub fn parse(input: &str) -> Result<Purl, Error> {
        let fail = |reason: &str| Error::InvalidPurl {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };

        let (remainder, subpath) = match input.rsplit_once('#') {
            Some((left, right)) => (left, Some(right)),
            None => (input, None),
        };
        let (remainder, qualifiers) = match remainder.rsplit_once('?') {
            Some((left, right)) => (left, Some(right)),
            None => (remainder, None),
        };
        let Some((scheme, remainder)) = remainder.split_once(':') else {
            return Err(fail("missing the \"pkg:\" scheme"));
        };
        if !scheme.eq_ignore_ascii_case("pkg") {
            return Err(fail("the scheme is not \"pkg\""));
        }
        let remainder = remainder.trim_start_matches('/');
        let Some((ty, remainder)) = remainder.split_once('/') else {
            return Err(fail("missing type or name"));
        };

        let remainder = remainder.trim_end_matches('/');
        let (remainder, last_segment) = match remainder.rsplit_once('/') {
            Some((left, right)) => (Some(left), right),
            None => (None, remainder),
        };
        let (name, version) = match last_segment.rsplit_once('@') {
            Some((left, right)) => (left, Some(right)),
            None => (last_segment, None),
        };
        let decode = |s: &str| match percent_decode(s) {
            Ok(decoded) => Ok(decoded.into_owned()),
            Err(err) => Err(fail(err.message())),
        };
        let name = decode(name)?;
        let version = match version {
            Some(version) if !version.is_empty() => Some(decode(version)?),
            _ => None,
        };
        let mut namespace_segments = Vec::new();
        for segment in remainder
            .unwrap_or("")
            .split('/')
            .filter(|segment| !segment.is_empty())
        {
            let segment = decode(segment)?;
            if segment.contains('/') {
                return Err(fail("a namespace segment contains an encoded '/'"));
            }
            namespace_segments.push(segment);
        }

        let mut qualifier_pairs = Vec::new();
        for pair in qualifiers
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
        {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(fail(&format!("qualifier {pair:?} is not a key=value pair")));
            };
            qualifier_pairs.push((key.to_owned(), decode(value)?));
        }

        let mut subpath_segments = Vec::new();
        for segment in subpath.unwrap_or("").split('/') {
            let segment = decode(segment)?;
            if segment.contains('/') {
                return Err(fail("a subpath segment contains an encoded '/'"));
            }
            subpath_segments.push(segment);
        }

        let namespace = namespace_segments.join("/");
        let subpath = subpath_segments.join("/");
        let qualifiers: Vec<(&str, &str)> = qualifier_pairs
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        let parts = PurlParts {
            ty,
            namespace: Some(namespace.as_str()),
            name: &name,
            version: version.as_deref(),
            qualifiers: &qualifiers,
            subpath: Some(subpath.as_str()),
        };
        build(&parts).map_err(|reason| fail(&reason))
    }

    /// Builds a purl from decoded components, applying the same normalization as [`Purl::parse`].
    pub fn from_parts(parts: &PurlParts<'_>) -> Result<Purl, Error> {
        build(parts).map_err(|reason| Error::InvalidPurl {
            input: format!("{parts:?}"),
            reason,
        })
    }

    /// The purl `type`, lowercase (for example `npm`, `maven`, `deb`).
    #[must_use]
    pub fn ty(&self) -> &str {
        &self.ty
    }

    /// The decoded namespace, segments joined with `/`.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The decoded name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The decoded version.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The qualifiers, sorted by key.
    #[must_use]
    pub fn qualifiers(&self) -> &[(String, String)] {
        &self.qualifiers
    }

    /// The value of one qualifier (`key` is lowercase).
    #[must_use]
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        match self
            .qualifiers
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
        {
            Ok(idx) => self.qualifiers.get(idx).map(|(_, value)| value.as_str()),
            Err(_) => None,
        }
    }

    /// The `distro` qualifier (for example `debian-12` or `bookworm`).
    #[must_use]
    pub fn distro(&self) -> Option<&str> {
        self.qualifier("distro")
    }

    /// The `arch` qualifier.
    #[must_use]
    pub fn arch(&self) -> Option<&str> {
        self.qualifier("arch")
    }

    /// The `repository_url` qualifier.
    #[must_use]
    pub fn repository_url(&self) -> Option<&str> {
        self.qualifier("repository_url")
    }

    /// The decoded subpath.
    #[must_use]
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// The same purl without its version.
    #[must_use]
    pub fn without_version(&self) -> Purl {
        Purl {
            version: None,
            ..self.clone()
        }
    }

    /// The identity of the package across its versions: the canonical
    /// `pkg:type/namespace/name`, without version, qualifiers or subpath.
    ///
    /// ```
    /// use medsbom_versions::purl::Purl;
    /// let purl = Purl::parse("pkg:deb/debian/curl@7.68.0-1?arch=amd64&distro=debian-12").unwrap();
    /// assert_eq!(purl.package_key(), "pkg:deb/debian/curl");
    /// ```
    #[must_use]
    pub fn package_key(&self) -> String {
        let mut res = String::with_capacity(8 + self.ty.len() + self.name.len());
        self.push_package_key(&mut res);
        res
    }

    fn push_package_key(&self, out: &mut String) {
        out.push_str("pkg:");
        out.push_str(&self.ty);
        out.push('/');
        if let Some(namespace) = &self.namespace {
            push_purl_segments(out, namespace);
            out.push('/');
        }
        if self.ty == "git" {
            push_purl_segments(out, &self.name);
        } else {
            push_purl_encoded(out, &self.name);
        }
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut res = String::new();
        self.push_package_key(&mut res);
        if let Some(version) = &self.version {
            res.push('@');
            push_purl_encoded(&mut res, version);
        }
        for (idx, (key, value)) in self.qualifiers.iter().enumerate() {
            res.push(if idx == 0 { '?' } else { '&' });
            res.push_str(key);
            res.push('=');
            push_purl_encoded(&mut res, value);
        }
        if let Some(subpath) = &self.subpath {
            res.push('#');
            push_purl_segments(&mut res, subpath);
        }
        f.write_str(&res)
    }
}

impl std::str::FromStr for Purl {
    type Err = Error;

    fn from_str(s: &str) -> Result<Purl, Error> {
        Purl::parse(s)
    }
}

/// Whether a namespace is required, optional or prohibited for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Requirement {
    Required,
    Optional,
    Prohibited,
}

/// How a component is case-normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Keep,
    Lower,
    Upper,
}

/// Extra name rules of a few types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRule {
    None,
    /// PyPI: `_` → `-`.
    Pypi,
    /// pub: only `[a-z0-9_]`, anything else becomes `_`.
    Pub,
    /// CPAN: a distribution name never contains `::` (that is a module name).
    Cpan,
    /// Chrome extension ids are 32 letters `a`–`p`; versions have 1 to 4 numeric parts.
    ChromeExtension,
    /// MLflow: Databricks model names are case insensitive (lowercased), Azure ML ones are not.
    Mlflow,
}

/// The normalization rules of one registered purl type (from `types/<type>-definition.json`).
#[derive(Debug, Clone, Copy)]
struct TypeRules {
    ty: &'static str,
    namespace: Requirement,
    namespace_case: Case,
    name_case: Case,
    version_case: Case,
    name_rule: NameRule,
    required_qualifiers: &'static [&'static str],
}

const fn rules(
    ty: &'static str,
    namespace: Requirement,
    namespace_case: Case,
    name_case: Case,
) -> TypeRules {
    TypeRules {
        ty,
        namespace,
        namespace_case,
        name_case,
        version_case: Case::Keep,
        name_rule: NameRule::None,
        required_qualifiers: &[],
    }
}

const fn with_version_case(rules: TypeRules, version_case: Case) -> TypeRules {
    TypeRules {
        version_case,
        ..rules
    }
}

const fn with_name_rule(rules: TypeRules, name_rule: NameRule) -> TypeRules {
    TypeRules { name_rule, ..rules }
}

const fn with_required_qualifiers(
    rules: TypeRules,
    required_qualifiers: &'static [&'static str],
) -> TypeRules {
    TypeRules {
        required_qualifiers,
        ..rules
    }
}

/// Registered types, sorted by name (checked by a test against the type definitions).
const TYPE_RULES: &[TypeRules] = &[
    rules("alpm", Required, Lower, Lower),
    rules("apk", Required, Lower, Lower),
    rules("bazel", Prohibited, Keep, Keep),
    rules("bitbucket", Required, Lower, Lower),
    rules("bitnami", Prohibited, Keep, Lower),
    rules("brew", Optional, Lower, Lower),
    rules("cargo", Prohibited, Keep, Keep),
    with_name_rule(
        rules("chrome-extension", Prohibited, Keep, Lower),
        NameRule::ChromeExtension,
    ),
    rules("cocoapods", Prohibited, Keep, Keep),
    rules("composer", Required, Lower, Lower),
    rules("conan", Optional, Keep, Keep),
    rules("conda", Prohibited, Keep, Keep),
    with_name_rule(rules("cpan", Optional, Upper, Keep), NameRule::Cpan),
    rules("cran", Prohibited, Keep, Keep),
    rules("deb", Required, Lower, Lower),
    rules("docker", Optional, Keep, Keep),
    rules("gem", Prohibited, Keep, Keep),
    rules("generic", Optional, Keep, Keep),
    rules("git", Required, Keep, Keep),
    rules("github", Required, Lower, Lower),
    rules("golang", Required, Keep, Keep),
    rules("hackage", Prohibited, Keep, Keep),
    rules("hex", Optional, Lower, Lower),
    with_version_case(rules("huggingface", Required, Keep, Keep), Lower),
    with_required_qualifiers(rules("julia", Prohibited, Keep, Keep), &["uuid"]),
    rules("luarocks", Optional, Lower, Lower),
    rules("maven", Required, Keep, Keep),
    with_name_rule(rules("mlflow", Prohibited, Keep, Keep), NameRule::Mlflow),
    rules("npm", Optional, Keep, Keep),
    rules("nuget", Prohibited, Keep, Keep),
    with_version_case(rules("oci", Prohibited, Keep, Lower), Lower),
    rules("opam", Prohibited, Keep, Keep),
    rules("otp", Prohibited, Keep, Lower),
    with_name_rule(rules("pub", Prohibited, Keep, Lower), NameRule::Pub),
    with_version_case(
        with_name_rule(rules("pypi", Prohibited, Keep, Lower), NameRule::Pypi),
        Lower,
    ),
    rules("qpkg", Required, Lower, Keep),
    rules("rpm", Required, Lower, Keep),
    with_required_qualifiers(rules("swid", Optional, Keep, Keep), &["tag_id"]),
    rules("swift", Required, Keep, Keep),
    rules("vcpkg", Prohibited, Keep, Keep),
    with_version_case(rules("vscode-extension", Required, Lower, Lower), Lower),
    rules("yocto", Optional, Lower, Keep),
];

/// Rules for types that are not registered: keep everything as given.
const UNKNOWN_TYPE_RULES: TypeRules = rules("", Optional, Keep, Keep);

fn type_rules(ty: &str) -> &'static TypeRules {
    match TYPE_RULES.binary_search_by(|rules| rules.ty.cmp(ty)) {
        Ok(idx) => TYPE_RULES.get(idx).unwrap_or(&UNKNOWN_TYPE_RULES),
        Err(_) => &UNKNOWN_TYPE_RULES,
    }
}

fn apply_case(s: &str, case: Case) -> String {
    match case {
        Keep => s.to_owned(),
        Lower => s.to_lowercase(),
        Upper => s.to_uppercase(),
    }
}

fn is_valid_type(ty: &str) -> bool {
    let mut chars = ty.chars();
    match chars.next() {
        Some(first) if first.is_ascii_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

fn is_valid_qualifier_key(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) if first.is_ascii_lowercase() => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

/// Splits on `/`, drops empty, `.` and `..` segments (subpath rules) and joins again.
fn clean_subpath(subpath: &str) -> Option<String> {
    let segments: Vec<&str> = subpath
        .split('/')
        .filter(|segment| !matches!(*segment, "" | "." | ".."))
        .collect();
    if segments.is_empty() {
        return None;
    }
    Some(segments.join("/"))
}

/// Splits on `/` and drops empty segments (namespace rules).
fn clean_segments(s: &str) -> Vec<&str> {
    s.split('/').filter(|segment| !segment.is_empty()).collect()
}

fn build(parts: &PurlParts<'_>) -> Result<Purl, String> {
    if !is_valid_type(parts.ty) {
        return Err(format!(
            "type {:?} must start with an ASCII letter and contain only letters, digits, '.' and '-'",
            parts.ty
        ));
    }
    let ty = parts.ty.to_ascii_lowercase();
    let rules = type_rules(&ty);

    let mut namespace_segments = clean_segments(parts.namespace.unwrap_or(""));
    let mut name_segments = clean_segments(parts.name);
    if ty == "git" {
        // The git type's namespace is the host; the name is the whole path on that host.
        namespace_segments.append(&mut name_segments);
        if namespace_segments.is_empty() {
            return Err("name is required".to_owned());
        }
        name_segments = namespace_segments.split_off(1);
    } else if name_segments.len() != 1 {
        // Only a name made of slashes and nothing else ends up here, or a name with an
        // inner '/', which is kept (it is percent-encoded on output).
        name_segments = vec![parts.name.trim_matches('/')];
    }
    let name = name_segments.join("/");
    if name.is_empty() {
        return Err("name is required".to_owned());
    }
    let namespace = namespace_segments.join("/");

    let namespace = match (namespace.is_empty(), rules.namespace) {
        (true, Required) => return Err(format!("a namespace is required for type {ty}")),
        (false, Prohibited) => return Err(format!("type {ty} does not allow a namespace")),
        (true, _) => None,
        (false, _) => Some(apply_case(&namespace, rules.namespace_case)),
    };

    let mut qualifiers: Vec<(String, String)> = Vec::with_capacity(parts.qualifiers.len());
    for (key, value) in parts.qualifiers {
        let key = key.to_ascii_lowercase();
        if !is_valid_qualifier_key(&key) {
            return Err(format!(
                "qualifier key {key:?} must start with a letter and contain only letters, digits, '.', '-' and '_'"
            ));
        }
        if value.is_empty() {
            continue;
        }
        if qualifiers.iter().any(|(existing, _)| *existing == key) {
            return Err(format!("qualifier key {key:?} appears twice"));
        }
        qualifiers.push((key, (*value).to_owned()));
    }
    qualifiers.sort();
    for required in rules.required_qualifiers {
        if !qualifiers.iter().any(|(key, _)| key == required) {
            return Err(format!("type {ty} requires the qualifier {required:?}"));
        }
    }

    let mut name = apply_case(&name, rules.name_case);
    let mut version = parts
        .version
        .filter(|version| !version.is_empty())
        .map(|v| apply_case(v, rules.version_case));
    match rules.name_rule {
        NameRule::None => {}
        NameRule::Pypi => name = name.replace('_', "-"),
        NameRule::Pub => {
            name = name
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() || c.is_ascii_digit() {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
        }
        NameRule::Cpan => {
            if name.contains("::") {
                return Err(format!(
                    "CPAN distribution name {name:?} contains '::' (a module name?)"
                ));
            }
        }
        NameRule::ChromeExtension => {
            if name.len() != 32 || !name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                return Err(format!(
                    "chrome-extension id {name:?} is not 32 letters a-p"
                ));
            }
            if let Some(version) = &version {
                let n_parts = version.split('.').count();
                let numeric = version
                    .split('.')
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
                if !numeric || 4 < n_parts {
                    return Err(format!(
                        "chrome-extension version {version:?} is not 1 to 4 numbers"
                    ));
                }
            }
        }
        NameRule::Mlflow => {
            let on_databricks = qualifiers.iter().any(|(key, value)| {
                key == "repository_url" && value.to_ascii_lowercase().contains("databricks")
            });
            if on_databricks {
                name = name.to_lowercase();
            }
        }
    }
    if version.as_deref() == Some("") {
        version = None;
    }

    let subpath = parts.subpath.and_then(clean_subpath);
    Ok(Purl {
        ty,
        namespace,
        name,
        version,
        qualifiers,
        subpath,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// The registered types and their rules, as (type, namespace requirement,
    /// namespace lowercased, name lowercased, version lowercased).
    fn registered_type_rules() -> Vec<(&'static str, &'static str, bool, bool, bool)> {
        TYPE_RULES
            .iter()
            .map(|rules| {
                let requirement = match rules.namespace {
                    Required => "required",
                    Optional => "optional",
                    Prohibited => "prohibited",
                };
                (
                    rules.ty,
                    requirement,
                    rules.namespace_case == Lower,
                    rules.name_case == Lower,
                    rules.version_case == Lower,
                )
            })
            .collect()
    }

    /// Our built-in rule table must agree with the machine-readable type definitions on the
    /// namespace requirement and on which components are lowercased.
    #[test]
    fn type_rules_match_the_type_definitions() {
        let Some(dir) = medsbom_testkit::corpus_path("versions/purl-spec/types") else {
            return;
        };
        let files = medsbom_testkit::files_below(&dir, &|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.ends_with("-definition.json"))
        });
        let rules = registered_type_rules();
        let mut mismatches = Vec::new();
        for path in &files {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let definition: Value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let ty = definition["type"].as_str().unwrap_or_default();
            let lowercased =
                |component: &str| definition[component]["case_sensitive"].as_bool() == Some(false);
            let expected = (
                ty,
                definition["namespace_definition"]["requirement"]
                    .as_str()
                    .unwrap_or_default(),
                lowercased("namespace_definition"),
                // The MLflow name is lowercased only for Databricks (see NameRule::Mlflow).
                lowercased("name_definition"),
                lowercased("version_definition"),
            );
            match rules.iter().find(|rule| rule.0 == ty) {
                Some(rule) if *rule == expected => {}
                Some(rule) => {
                    mismatches.push(format!("{ty}: ours {rule:?}, definition {expected:?}"))
                }
                None => mismatches.push(format!("{ty}: not in our table")),
            }
        }
        assert_eq!(
            files.len(),
            rules.len(),
            "our table and the definitions list different types"
        );
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }
}
