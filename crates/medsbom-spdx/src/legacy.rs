//! The SPDX 2.1-era JSON/YAML layout of the old Python tools: everything under a top-level
//! `Document` key, packages nested in `documentDescribes` as `{"Package": {…}}`, files nested
//! in packages as `{"File": {…}}` with `name` for `fileName`. Rewritten here to the 2.2 layout
//! so that the normal conversion applies.

use medsbom_model::{Location, ParseError};
use serde_json::{Map, Value};

use crate::spdx2::Document;

/// Returns the document in the 2.2 layout: unchanged unless it uses the legacy wrapper.
pub(crate) fn upgrade(mut doc: Document) -> Result<Document, ParseError> {
    let is_legacy = doc.spdx_version.is_none() && doc.spdx_id.is_none();
    if !is_legacy {
        return Ok(doc);
    }
    let Some(Value::Object(mut legacy)) = doc.legacy.take() else {
        return Ok(doc);
    };
    let mut packages = take_array(&mut legacy, "packages");
    let mut files = take_array(&mut legacy, "files");
    let mut described = Vec::new();
    for item in take_array(&mut legacy, "documentDescribes") {
        match item {
            Value::String(id) => described.push(Value::String(id)),
            Value::Object(mut wrapper) => {
                if let Some(Value::Object(mut package)) = wrapper.remove("Package") {
                    let mut has_files = Vec::new();
                    for file in take_array(&mut package, "files") {
                        if let Some(file) = unwrap_file(file) {
                            if let Some(id) = file.get("SPDXID") {
                                has_files.push(id.clone());
                            }
                            files.push(Value::Object(file));
                        }
                    }
                    if !has_files.is_empty() {
                        package.insert("hasFiles".to_owned(), Value::Array(has_files));
                    }
                    if let Some(id) = package.get("SPDXID") {
                        described.push(id.clone());
                    }
                    packages.push(Value::Object(package));
                } else if let Some(file) = unwrap_file(Value::Object(wrapper)) {
                    if let Some(id) = file.get("SPDXID") {
                        described.push(id.clone());
                    }
                    files.push(Value::Object(file));
                }
            }
            _ => {}
        }
    }
    legacy.insert("documentDescribes".to_owned(), Value::Array(described));
    legacy.insert("packages".to_owned(), Value::Array(packages));
    legacy.insert("files".to_owned(), Value::Array(files));
    match serde_json::from_value::<Document>(Value::Object(legacy)) {
        Ok(upgraded) => Ok(upgraded),
        Err(err) => Err(ParseError::new(
            Location::Pointer("/Document".to_owned()),
            format!("invalid legacy spdx document: {err}"),
        )),
    }
}

fn take_array(object: &mut Map<String, Value>, key: &str) -> Vec<Value> {
    match object.remove(key) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// `{"File": {…}}` or a bare file object, with `name` renamed to `fileName`.
fn unwrap_file(value: Value) -> Option<Map<String, Value>> {
    let Value::Object(mut object) = value else {
        return None;
    };
    let mut file = match object.remove("File") {
        Some(Value::Object(file)) => file,
        Some(_) => return None,
        None => object,
    };
    if !file.contains_key("fileName")
        && let Some(name) = file.remove("name")
    {
        file.insert("fileName".to_owned(), name);
    }
    Some(file)
}
