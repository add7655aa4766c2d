//! CycloneDX 1.6 JSON writer: serializes the shared plan with serde.

use medsbom_model::{Sbom, Written};
use serde::Serialize;

use crate::write;

/// Writes the model as pretty-printed CycloneDX 1.6 JSON.
pub(crate) fn write(sbom: &Sbom) -> Written {
    let plan = write::plan(sbom);
    let mut warnings = plan.warnings;
    let mut bytes = Vec::with_capacity(1024 + sbom.components.len() * 512);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    if let Err(error) = plan.bom.serialize(&mut serializer) {
        // Writing into memory with only strings, integers and finite numbers cannot fail;
        // report rather than panic if it ever does.
        warnings.push(format!("json serialization failed: {error}"));
    }
    bytes.push(b'\n');
    Written { bytes, warnings }
}
