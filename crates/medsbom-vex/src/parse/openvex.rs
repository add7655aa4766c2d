//! OpenVEX 0.0.1 (vulnerability and products as strings) and 0.2.0 (objects with
//! identifiers, hashes and subcomponents), in JSON or in the early YAML form.

use serde_json::{Map, Value};

use crate::VexError;
use crate::model::{
    JUSTIFICATIONS, Scope, SkipReason, Skipped, Statement, Status, VexDocument, VexFormat,
};
use crate::parse::non_blank;

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    let input_err = |reason: String| VexError::Input {
        name: name.to_owned(),
        reason,
    };
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(json_err) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| input_err(format!("not an openvex document: {json_err}")))?;
            serde_norway::from_str(text)
                .map_err(|err| input_err(format!("not an openvex document: {err}")))?
        }
    };
    let Some(object) = value.as_object() else {
        return Err(input_err("an openvex document is a json object".to_owned()));
    };
    let context = text(object, "@context").unwrap_or_default();
    let spec_version = if context.contains("v0.2.0") {
        "0.2.0"
    } else {
        "0.0.1"
    };
    let mut document = VexDocument {
        format: VexFormat::OpenVex,
        spec_version: spec_version.to_owned(),
        document_id: text(object, "@id").or_else(|| text(object, "id")),
        document_version: match object.get("version") {
            Some(Value::Number(number)) => Some(number.to_string()),
            Some(Value::String(version)) => non_blank(Some(version)),
            _ => None,
        },
        author: text(object, "author"),
        author_role: text(object, "role"),
        authority: None,
        timestamp: text(object, "timestamp").or_else(|| text(object, "last_updated")),
        statements: Vec::new(),
        skipped: Vec::new(),
    };
    let statements = match object.get("statements") {
        Some(Value::Array(statements)) => statements.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err(input_err("statements is not a list".to_owned())),
    };
    for (idx, entry) in statements.iter().enumerate() {
        let location = format!("statements[{idx}]");
        let Some(entry) = entry.as_object() else {
            document.skipped.push(Skipped {
                location,
                vulnerability_id: None,
                reason: SkipReason::Invalid("a statement is a json object".to_owned()),
            });
            continue;
        };
        match statement(entry, document.timestamp.as_deref()) {
            Ok(statement) => document.statements.push(statement),
            Err((vulnerability_id, reason)) => document.skipped.push(Skipped {
                location,
                vulnerability_id,
                reason,
            }),
        }
    }
    Ok(document)
}

fn statement(
    entry: &Map<String, Value>,
    document_timestamp: Option<&str>,
) -> Result<Statement, (Option<String>, SkipReason)> {
    let (vulnerability_id, aliases) = match entry.get("vulnerability") {
        Some(Value::String(id)) => (id.trim().to_owned(), Vec::new()),
        Some(Value::Object(vulnerability)) => {
            let id = text(vulnerability, "name")
                .or_else(|| text(vulnerability, "@id"))
                .unwrap_or_default();
            let aliases = strings(vulnerability.get("aliases"));
            (id, aliases)
        }
        _ => (String::new(), Vec::new()),
    };
    let fail = |reason: SkipReason| (non_blank(Some(&vulnerability_id)), reason);
    let status_text = text(entry, "status").unwrap_or_default();
    let Some(status) = Status::parse(&status_text) else {
        return Err(fail(SkipReason::UnknownStatus(format!(
            "status {status_text:?} is not an openvex status"
        ))));
    };
    let mut res = Statement::new(&vulnerability_id, status, &status_text);
    res.aliases = aliases;
    if let Some(justification) = text(entry, "justification") {
        if !JUSTIFICATIONS.contains(&justification.as_str()) {
            return Err(fail(SkipReason::Invalid(format!(
                "justification {justification:?} is not an openvex justification"
            ))));
        }
        res.justification = Some(justification.clone());
        res.justification_original = Some(justification);
    }
    res.impact_statement = text(entry, "impact_statement");
    res.action_statement = text(entry, "action_statement");
    res.detail = text(entry, "status_notes");
    res.timestamp = text(entry, "timestamp")
        .or_else(|| text(entry, "last_updated"))
        .or_else(|| document_timestamp.map(str::to_owned));
    if status == Status::NotAffected
        && res.justification.is_none()
        && res.impact_statement.is_none()
    {
        return Err(fail(SkipReason::Invalid(
            "a not_affected statement needs a justification or an impact_statement".to_owned(),
        )));
    }
    if status == Status::Affected && res.action_statement.is_none() {
        return Err(fail(SkipReason::Invalid(
            "an affected statement needs an action_statement".to_owned(),
        )));
    }
    // 0.0.1 lists subcomponents beside the products.
    let statement_subcomponents: Vec<&Value> = match entry.get("subcomponents") {
        Some(Value::Array(list)) => list.iter().collect(),
        _ => Vec::new(),
    };
    let products: &[Value] = match entry.get("products") {
        Some(Value::Array(products)) => products,
        _ => &[],
    };
    for product in products {
        let Some(product_scope) = identified(product) else {
            return Err(fail(SkipReason::UnknownProduct(format!(
                "product {product} has no @id or identifiers"
            ))));
        };
        let mut subcomponents: Vec<&Value> = match product.get("subcomponents") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => Vec::new(),
        };
        subcomponents.extend(statement_subcomponents.iter().copied());
        if subcomponents.is_empty() {
            res.scopes.push(product_scope);
            continue;
        }
        for subcomponent in subcomponents {
            let Some(mut scope) = identified(subcomponent) else {
                return Err(fail(SkipReason::UnknownProduct(format!(
                    "subcomponent {subcomponent} has no @id or identifiers"
                ))));
            };
            if !scope.names_component() {
                return Err(fail(SkipReason::UnknownProduct(format!(
                    "subcomponent {subcomponent} has no purl, cpe or hash"
                ))));
            }
            scope.product = product_scope.product.clone();
            scope.product_purl = product_scope.purl.clone();
            scope.product_cpe = product_scope.cpe.clone();
            res.scopes.push(scope);
        }
    }
    if res.scopes.is_empty() {
        return Err(fail(SkipReason::UnknownProduct(
            "the statement names no product".to_owned(),
        )));
    }
    Ok(res)
}

/// The scope of a product or subcomponent: a string (0.0.1) or an object with `@id`,
/// `identifiers` and `hashes` (0.2.0). An `@id` that is a purl or CPE identifies a
/// component; anything else is a product name.
fn identified(value: &Value) -> Option<Scope> {
    let mut scope = Scope::default();
    let id = match value {
        Value::String(id) => non_blank(Some(id)),
        Value::Object(object) => {
            if let Some(Value::Object(identifiers)) = object.get("identifiers") {
                scope.purl = text(identifiers, "purl");
                scope.cpe = text(identifiers, "cpe23").or_else(|| text(identifiers, "cpe22"));
            }
            if let Some(Value::Object(hashes)) = object.get("hashes") {
                for (algorithm, digest) in hashes {
                    if let Some(digest) = digest.as_str().and_then(|d| non_blank(Some(d))) {
                        scope
                            .hashes
                            .push((algorithm.clone(), digest.to_ascii_lowercase()));
                    }
                }
            }
            text(object, "@id")
        }
        _ => None,
    };
    if let Some(id) = &id {
        scope.label = Some(id.clone());
        if id.starts_with("pkg:") {
            scope.purl.get_or_insert_with(|| id.clone());
        } else if id.starts_with("cpe:") {
            scope.cpe.get_or_insert_with(|| id.clone());
        } else if !scope.names_component() {
            scope.product = Some(id.clone());
        }
    }
    (!scope.is_empty()).then_some(scope)
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .and_then(|text| non_blank(Some(text)))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|text| non_blank(Some(text)))
            .collect(),
        _ => Vec::new(),
    }
}
