//! SPDX agent strings (`Organization: X (email)`, `Person: …`, `Tool: name-1.0`, `NOASSERTION`)
//! to and from model parties and tools.

use medsbom_model::{Party, PartyKind, Tool};

/// An SPDX 2 creator: a party (person or organization) or a tool.
#[derive(Debug, PartialEq)]
pub(crate) enum Creator {
    Party(Party),
    Tool(Tool),
}

/// Parses a `creators[]` entry. Text without a known prefix is a party of unspecified kind
/// (the caller reports it).
pub(crate) fn parse_creator(text: &str) -> Creator {
    let text = text.trim();
    match text.split_once(':') {
        Some((prefix, rest)) if prefix.trim().eq_ignore_ascii_case("tool") => {
            Creator::Tool(split_tool(rest.trim()))
        }
        _ => Creator::Party(parse_party(text)),
    }
}

/// Parses a supplier or originator: `Organization: Name (email)`, `Person: Name (email)`, or
/// `NOASSERTION` (kept as the party's name so conformance rules can see it). Anything else
/// becomes a party of unspecified kind named by the whole text.
pub(crate) fn parse_party(text: &str) -> Party {
    let text = text.trim();
    let (kind, rest) = match text.split_once(':') {
        Some((prefix, rest)) if prefix.trim().eq_ignore_ascii_case("organization") => {
            (PartyKind::Organization, rest.trim())
        }
        Some((prefix, rest)) if prefix.trim().eq_ignore_ascii_case("person") => {
            (PartyKind::Person, rest.trim())
        }
        _ => {
            return Party {
                kind: PartyKind::Unspecified,
                name: text.to_owned(),
                ..Party::default()
            };
        }
    };
    let (name, email) = split_email(rest);
    Party {
        kind,
        name: name.to_owned(),
        email: email.map(str::to_owned),
        urls: Vec::new(),
    }
}

/// True when the text has a `Person:`/`Organization:`/`Tool:` prefix or is `NOASSERTION`.
pub(crate) fn is_well_formed_agent(text: &str) -> bool {
    let text = text.trim();
    if text.eq_ignore_ascii_case("NOASSERTION") {
        return true;
    }
    match text.split_once(':') {
        Some((prefix, _)) => {
            let prefix = prefix.trim();
            ["person", "organization", "tool"]
                .iter()
                .any(|p| prefix.eq_ignore_ascii_case(p))
        }
        None => false,
    }
}

/// Splits `Name (email)` into the name and the e-mail; `Name ()` has no e-mail, and a final
/// parenthesis that holds no `@` stays part of the name (`Acme (Germany)`).
fn split_email(text: &str) -> (&str, Option<&str>) {
    let Some(stripped) = text.strip_suffix(')') else {
        return (text, None);
    };
    let Some(open) = stripped.rfind('(') else {
        return (text, None);
    };
    // `open` is the position of an ASCII `(`: both slices are on character boundaries.
    let inside = stripped.get(open + 1..).unwrap_or_default().trim();
    let name = stripped.get(..open).unwrap_or_default().trim_end();
    if inside.is_empty() {
        return (name, None);
    }
    if inside.contains('@') {
        return (name, Some(inside));
    }
    (text, None)
}

/// Splits `LicenseFind-1.0` into name and version at the last `-` (or space) followed by a
/// digit or by `v` and a digit; a tool without such a separator has no version.
pub(crate) fn split_tool(text: &str) -> Tool {
    let bytes = text.as_bytes();
    let mut split_at = None;
    for (idx, byte) in bytes.iter().enumerate() {
        if !matches!(byte, b'-' | b' ') || idx == 0 {
            continue;
        }
        let next = bytes.get(idx + 1).copied();
        let after = bytes.get(idx + 2).copied();
        let starts_version = match next {
            Some(b'0'..=b'9') => true,
            Some(b'v' | b'V') => after.is_some_and(|b| b.is_ascii_digit()),
            _ => false,
        };
        if starts_version {
            split_at = Some(idx);
        }
    }
    match split_at {
        Some(idx) => Tool {
            vendor: None,
            // `idx` is the position of an ASCII `-` or space.
            name: text.get(..idx).unwrap_or_default().trim().to_owned(),
            version: Some(text.get(idx + 1..).unwrap_or_default().trim().to_owned()),
        },
        None => Tool {
            vendor: None,
            name: text.to_owned(),
            version: None,
        },
    }
}

/// The SPDX agent string for a party: `Organization: Name (email)`, `Person: Name`, or
/// `NOASSERTION`. A party of unspecified kind is written as an organization.
pub(crate) fn format_party(party: &Party) -> String {
    let name = party.name.trim();
    if name.eq_ignore_ascii_case("NOASSERTION") || name.is_empty() {
        return "NOASSERTION".to_owned();
    }
    let prefix = match party.kind {
        PartyKind::Person => "Person",
        PartyKind::Organization | PartyKind::Unspecified => "Organization",
    };
    match party.email.as_deref().map(str::trim) {
        Some(email) if !email.is_empty() => format!("{prefix}: {name} ({email})"),
        _ => format!("{prefix}: {name}"),
    }
}

/// The SPDX creator string for a tool: `Tool: name-version`.
pub(crate) fn format_tool(tool: &Tool) -> String {
    let name = match tool.vendor.as_deref() {
        Some(vendor) if !vendor.trim().is_empty() && !tool.name.contains(vendor.trim()) => {
            format!("{} {}", vendor.trim(), tool.name.trim())
        }
        _ => tool.name.trim().to_owned(),
    };
    match tool.version.as_deref().map(str::trim) {
        Some(version) if !version.is_empty() => format!("Tool: {name}-{version}"),
        _ => format!("Tool: {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_agents() {
        let check = |text: &str, kind: PartyKind, name: &str, email: Option<&str>| {
            let party = parse_party(text);
            assert_eq!(
                (party.kind, party.name.as_str(), party.email.as_deref()),
                (kind, name, email),
                "{text}"
            );
        };
        check(
            "Organization: ExampleCodeInspect (contact@example.com)",
            PartyKind::Organization,
            "ExampleCodeInspect",
            Some("contact@example.com"),
        );
        check("Person: Jane Doe ()", PartyKind::Person, "Jane Doe", None);
        check(
            "Organization: Acme (Germany)",
            PartyKind::Organization,
            "Acme (Germany)",
            None,
        );
        check("NOASSERTION", PartyKind::Unspecified, "NOASSERTION", None);
        check("Acme", PartyKind::Unspecified, "Acme", None);
    }

    #[test]
    fn splits_tools() {
        let check = |text: &str, name: &str, version: Option<&str>| {
            let tool = split_tool(text);
            assert_eq!(
                (tool.name.as_str(), tool.version.as_deref()),
                (name, version),
                "{text}"
            );
        };
        check("LicenseFind-1.0", "LicenseFind", Some("1.0"));
        check("syft-v0.80.0", "syft", Some("v0.80.0"));
        check(
            "spdx-sbom-generator-source-code",
            "spdx-sbom-generator-source-code",
            None,
        );
        check(
            "scancode-toolkit 32.0.8",
            "scancode-toolkit",
            Some("32.0.8"),
        );
        check("tern-2.0-3", "tern-2.0", Some("3"));
        assert_eq!(
            parse_creator("Tool: medsbom-0.1.0"),
            Creator::Tool(split_tool("medsbom-0.1.0"))
        );
    }
}
