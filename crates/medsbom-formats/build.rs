//! Bundles the official SBOM schemas into the library without copying them into the repository.
//!
//! The schemas live in the shared corpus (`schemas/cyclonedx/…`, `schemas/spdx/…`). This script
//! finds that directory (`MEDSBOM_SCHEMA_DIR`, else `<workspace root>/../shared/corpus/schemas`)
//! and writes `$OUT_DIR/schemas.rs`: a table of `(relative path, include_bytes!(absolute path))`.
//! Without the directory the table is empty and validation says that the schemas are missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every schema file the validator uses, relative to the schema directory.
const SCHEMA_FILES: &[&str] = &[
    "cyclonedx/bom-1.0.xsd",
    "cyclonedx/bom-1.1.xsd",
    "cyclonedx/bom-1.2.xsd",
    "cyclonedx/bom-1.3.xsd",
    "cyclonedx/bom-1.4.xsd",
    "cyclonedx/bom-1.5.xsd",
    "cyclonedx/bom-1.6.xsd",
    "cyclonedx/bom-1.7.xsd",
    "cyclonedx/spdx.xsd",
    "cyclonedx/bom-1.2.schema.json",
    "cyclonedx/bom-1.3.schema.json",
    "cyclonedx/bom-1.4.schema.json",
    "cyclonedx/bom-1.5.schema.json",
    "cyclonedx/bom-1.6.schema.json",
    "cyclonedx/bom-1.7.schema.json",
    "cyclonedx/spdx.schema.json",
    "cyclonedx/jsf-0.82.schema.json",
    "cyclonedx/cryptography-defs.schema.json",
    "spdx/spdx-2.2-schema.json",
    "spdx/spdx-2.3-schema.json",
    "spdx/spdx-3.0.1-json-schema.json",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=MEDSBOM_SCHEMA_DIR");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let schema_dir = match std::env::var_os("MEDSBOM_SCHEMA_DIR") {
        Some(dir) => PathBuf::from(dir),
        // crates/medsbom-formats → workspace root → ../shared/corpus/schemas
        None => manifest_dir.join("../../../shared/corpus/schemas"),
    };
    // Watching a missing directory makes cargo rerun this (cheap) script on every build, so a
    // corpus that appears later is picked up.
    println!("cargo:rerun-if-changed={}", schema_dir.display());

    let mut table = String::from(
        "/// The bundled schema files: (path relative to the schema directory, contents).\n\
         pub(crate) static SCHEMA_FILES: &[(&str, &[u8])] = &[\n",
    );
    let mut n_found = 0;
    let schema_dir = schema_dir.canonicalize().unwrap_or(schema_dir);
    if schema_dir.is_dir() {
        for relative in SCHEMA_FILES {
            let path = schema_dir.join(relative);
            if path.is_file() {
                println!("cargo:rerun-if-changed={}", path.display());
                let _ = writeln!(
                    table,
                    "    ({relative:?}, include_bytes!({:?})),",
                    absolute(&path)
                );
                n_found += 1;
            } else {
                println!(
                    "cargo:warning=schema file {} is missing: its format will not be \
                     schema-validated",
                    path.display()
                );
            }
        }
    }
    table.push_str("];\n");
    let _ = writeln!(
        table,
        "/// Where the schemas were found at build time (empty when they were not).\n\
         pub(crate) const SCHEMA_DIR: &str = {:?};",
        if n_found == 0 {
            String::new()
        } else {
            schema_dir.display().to_string()
        }
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(err) = std::fs::write(out_dir.join("schemas.rs"), table) {
        panic!("cannot write {}/schemas.rs: {err}", out_dir.display());
    }
}

fn absolute(path: &Path) -> String {
    path.canonicalize()
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}
