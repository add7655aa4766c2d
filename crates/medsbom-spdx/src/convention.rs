//! The annotation conventions medsbom reads and writes, shared by the SPDX 2 and SPDX 3 readers
//! and the writers: annotations become properties, and support data (level of support, end of
//! support, milestones) travels in structured annotation comments (`standards.md` §2.1).
//!
//! A structured comment is one `key=value` or `key: value` line per datum, for example
//! `supportLevel: actively-maintained`, `Level of Support: Actively maintained` or, as medsbom
//! writes it, `medsbom:supportLevel=actively-maintained (original: Actively maintained)`.

use medsbom_model::{
    CDX_MILESTONE_PREFIX, END_OF_SUPPORT_PROPERTY_NAMES, IsoDate, Milestone, Property,
    SUPPORT_LEVEL_PROPERTY_NAMES, Support, SupportLevel, support_from_properties,
};

/// Property name prefix for an annotation whose comment is not a single `key=value` line:
/// `spdx:annotation:OTHER`, `spdx:annotation:REVIEW`.
pub(crate) const ANNOTATION_PROPERTY_PREFIX: &str = "spdx:annotation:";

/// Annotation key medsbom writes for the supplier's end-of-support text when it is not the
/// date written in `validUntilDate`.
pub(crate) const END_OF_SUPPORT_KEY: &str = "medsbom:endOfSupport";

/// Annotation key for a component type SPDX 2.3 has no purpose for (`machine-learning-model`,
/// `platform`, …): the package is written with purpose `OTHER`.
pub(crate) const COMPONENT_TYPE_KEY: &str = "medsbom:componentType";

/// Annotation key for the second and later authors (SPDX 2.3 has one originator).
pub(crate) const ORIGINATOR_KEY: &str = "medsbom:originator";

/// The longest key a structured comment may have.
const MAX_KEY_LEN: usize = 80;

/// The property for one annotation: `key`/`value` when the comment is a single structured
/// line, otherwise `spdx:annotation:<TYPE>` with the comment verbatim.
pub(crate) fn annotation_property(annotation_type: Option<&str>, comment: &str) -> Property {
    let trimmed = comment.trim();
    if !trimmed.contains('\n')
        && let Some((key, value)) = structured_line(trimmed)
    {
        return Property::new(key, value);
    }
    let annotation_type = match annotation_type.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_ascii_uppercase(),
        _ => "OTHER".to_owned(),
    };
    Property::new(
        &format!("{ANNOTATION_PROPERTY_PREFIX}{annotation_type}"),
        comment,
    )
}

/// A `key`/`value` line of a structured comment, borrowed from the comment.
pub(crate) type Line<'a> = (&'a str, &'a str);

/// Every `key`/`value` line of a comment (multi-line comments included), for support parsing.
pub(crate) fn structured_lines<'a>(comment: &'a str, res: &mut Vec<Line<'a>>) {
    for line in comment.lines() {
        if let Some(pair) = structured_line(line.trim()) {
            res.push(pair);
        }
    }
}

/// Splits `key=value` (preferred) or `key: value`; the key is short and made of letters,
/// digits, spaces and `:._-`.
fn structured_line(line: &str) -> Option<(&str, &str)> {
    for separator in ['=', ':'] {
        let Some((key, value)) = line.split_once(separator) else {
            continue;
        };
        let key = key.trim();
        let key_ok = !key.is_empty()
            && key.len() <= MAX_KEY_LEN
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | ':' | '.' | '_' | '-'));
        if key_ok {
            return Some((key, value.trim()));
        }
    }
    None
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Fills `support` from structured annotation lines: first the medsbom forms
/// (`medsbom:supportLevel=<normalized> (original: <text>)`, `medsbom:endOfSupport=<text>`,
/// `cdx:lifecycle:milestone:<name>=<text>` restoring the text of a date written in a date
/// field), then the model's shared conventions ([`support_from_properties`]). Fields already
/// set (from `validUntilDate`, `releaseDate`, …) are kept.
pub(crate) fn apply_support(lines: &[Line<'_>], support: &mut Support) {
    // Only lines the model's conventions may use go to `support_from_properties` (it compares
    // every property with every known name, which is slow on large documents).
    let mut for_model: Vec<Property> = Vec::new();
    for &(name, value) in lines {
        if squashed_eq(name, "medsbom:supportlevel") {
            match parse_medsbom_level(value) {
                Some((level, text)) if support.level_text.is_none() => {
                    support.level = Some(level);
                    support.level_text = Some(text.to_owned());
                }
                Some(_) => {}
                None => for_model.push(Property::new(name, value)),
            }
        } else if squashed_eq(name, "medsbom:endofsupport") {
            restore_text(&mut support.end_of_support, "endOfSupport", value);
        } else if let Some(milestone) = name.strip_prefix(CDX_MILESTONE_PREFIX) {
            if milestone == "endOfSupport" {
                restore_text(&mut support.end_of_support, milestone, value);
            } else if let Some(existing) =
                support.milestones.iter_mut().find(|m| m.name == milestone)
            {
                restore_milestone_text(existing, value);
            } else {
                for_model.push(Property::new(name, value));
            }
        } else if known_support_names()
            .iter()
            .any(|known| squashed_eq(name, known))
        {
            for_model.push(Property::new(name, value));
        }
    }
    if !for_model.is_empty() {
        support_from_properties(&for_model, support);
    }
}

/// `squash(text) == squashed`, without allocating.
fn squashed_eq(text: &str, squashed: &str) -> bool {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .eq(squashed.chars())
}

/// The model's support property names, squashed once.
fn known_support_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        END_OF_SUPPORT_PROPERTY_NAMES
            .iter()
            .chain(SUPPORT_LEVEL_PROPERTY_NAMES)
            .map(|name| squash(name))
            .collect()
    })
}

/// Sets a milestone from the supplier's text, or replaces the text of a milestone read from
/// a date field when both name the same date.
fn restore_text(slot: &mut Option<Milestone>, name: &str, text: &str) {
    match slot {
        None => *slot = Some(Milestone::new(name, text)),
        Some(existing) => restore_milestone_text(existing, text),
    }
}

fn restore_milestone_text(existing: &mut Milestone, text: &str) {
    if existing.date.is_some() && existing.date == IsoDate::parse(text) {
        existing.text = text.to_owned();
    }
}

/// `actively-maintained (original: Actively maintained)` → the level and the original text;
/// `actively-maintained` alone → the level and that text.
fn parse_medsbom_level(value: &str) -> Option<(SupportLevel, &str)> {
    let value = value.trim();
    match value.split_once(" (original: ") {
        Some((normalized, rest)) => {
            let original = rest.strip_suffix(')')?;
            let level = SupportLevel::from_normalized(normalized.trim())?;
            Some((level, original))
        }
        None => SupportLevel::from_normalized(value).map(|level| (level, value)),
    }
}

/// The annotation comment medsbom writes for a level of support.
pub(crate) fn format_level(support: &Support) -> Option<String> {
    let level = support
        .level
        .or_else(|| support.level_text.as_deref().map(SupportLevel::normalize))?;
    Some(match support.level_text.as_deref() {
        Some(text) if text != level.as_str() => {
            format!("medsbom:supportLevel={} (original: {text})", level.as_str())
        }
        _ => format!("medsbom:supportLevel={}", level.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn support_of(comments: &[&str]) -> Support {
        let mut lines = Vec::new();
        for comment in comments {
            structured_lines(comment, &mut lines);
        }
        let mut support = Support::default();
        apply_support(&lines, &mut support);
        support
    }

    #[test]
    fn reads_support_conventions() {
        let check = |comment: &str, level: SupportLevel, text: &str| {
            let support = support_of(&[comment]);
            assert_eq!(support.level, Some(level), "{comment}");
            assert_eq!(support.level_text.as_deref(), Some(text), "{comment}");
        };
        check(
            "supportLevel: actively-maintained",
            SupportLevel::ActivelyMaintained,
            "actively-maintained",
        );
        check(
            "supportLevel=abandoned",
            SupportLevel::Abandoned,
            "abandoned",
        );
        check(
            "Level of Support: Actively maintained",
            SupportLevel::ActivelyMaintained,
            "Actively maintained",
        );
        check(
            "medsbom:supportLevel=no-longer-maintained (original: EOL since 2020)",
            SupportLevel::NoLongerMaintained,
            "EOL since 2020",
        );
        let support = support_of(&["medsbom:endOfSupport=Until hardware support ends"]);
        let eos = support.end_of_support.map(|m| (m.name, m.text, m.date));
        assert_eq!(
            eos,
            Some((
                "endOfSupport".to_owned(),
                "Until hardware support ends".to_owned(),
                None
            ))
        );
    }

    #[test]
    fn annotations_become_properties() {
        let check = |comment: &str, name: &str, value: &str| {
            let property = annotation_property(Some("OTHER"), comment);
            assert_eq!(
                (property.name.as_str(), property.value.as_str()),
                (name, value)
            );
        };
        check(
            "Package level annotation",
            "spdx:annotation:OTHER",
            "Package level annotation",
        );
        check(
            "supportLevel: actively-maintained",
            "supportLevel",
            "actively-maintained",
        );
        check(
            "cdx:lifecycle:milestone:endOfLife=2027-01",
            "cdx:lifecycle:milestone:endOfLife",
            "2027-01",
        );
        check(
            "See: https://x.example/?a=b",
            "See",
            "https://x.example/?a=b",
        );
        check("two\nlines: x", "spdx:annotation:OTHER", "two\nlines: x");
    }
}
