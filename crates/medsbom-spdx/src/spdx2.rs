//! The SPDX 2.2/2.3 document as serde structs: what the JSON and YAML readers deserialize, what
//! the tag-value reader fills line by line, and what the writers serialize.
//!
//! Every field is optional or defaulted so that an incomplete document still reads; the
//! conversion to the model ([`crate::read2`]) reports what is missing. Unknown fields are
//! ignored. Fields the model has no place for are not declared (serde skips them).

use serde::{Deserialize, Serialize};

/// An SPDX 2.x document.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Document {
    #[serde(rename = "SPDXID", skip_serializing_if = "Option::is_none")]
    pub(crate) spdx_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) spdx_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) creation_info: Option<CreationInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data_license: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) document_namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) has_extracted_licensing_infos: Vec<ExtractedLicensingInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) annotations: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) document_describes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) packages: Vec<Package>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) files: Vec<File>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) snippets: Vec<Snippet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) relationships: Vec<Relationship>,
    /// Present only in SPDX 3 JSON-LD: lets `read_json` hand such a document to the SPDX 3
    /// reader instead of reporting an empty SPDX 2 document.
    #[serde(default, rename = "@graph", skip_serializing)]
    pub(crate) graph: Option<serde::de::IgnoredAny>,
    /// The pre-2.2 tools-python layout wraps everything in `Document` and nests packages in
    /// `documentDescribes`; [`crate::legacy`] rewrites it to the 2.2 layout.
    #[serde(default, rename = "Document", skip_serializing)]
    pub(crate) legacy: Option<serde_json::Value>,
}

/// `creationInfo`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreationInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) created: Option<String>,
    #[serde(default)]
    pub(crate) creators: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) license_list_version: Option<String>,
}

/// `hasExtractedLicensingInfos[]`: written for licence names that are not SPDX identifiers.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExtractedLicensingInfo {
    #[serde(default)]
    pub(crate) license_id: String,
    #[serde(default)]
    pub(crate) extracted_text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
}

/// `annotations[]` (document, package, file or snippet level).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Annotation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) annotation_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) annotation_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) annotator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
}

/// `checksums[]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Checksum {
    #[serde(default)]
    pub(crate) algorithm: String,
    #[serde(default)]
    pub(crate) checksum_value: String,
}

/// `packages[].externalRefs[]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExternalRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(default)]
    pub(crate) reference_category: String,
    #[serde(default)]
    pub(crate) reference_locator: String,
    #[serde(default)]
    pub(crate) reference_type: String,
}

/// `packages[]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Package {
    #[serde(rename = "SPDXID", default, skip_serializing_if = "Option::is_none")]
    pub(crate) spdx_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) annotations: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) built_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) checksums: Vec<Checksum>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) copyright_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) download_location: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) external_refs: Vec<ExternalRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) files_analyzed: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) has_files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) homepage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) license_concluded: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) license_declared: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) originator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) primary_package_purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) release_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) supplier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) valid_until_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) version_info: Option<String>,
    /// 1-based line of the element in a tag-value document (diagnostics only).
    #[serde(skip)]
    pub(crate) line: Option<u64>,
}

/// `files[]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct File {
    #[serde(rename = "SPDXID", default, skip_serializing_if = "Option::is_none")]
    pub(crate) spdx_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) annotations: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) checksums: Vec<Checksum>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) copyright_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) license_concluded: Option<String>,
    #[serde(skip)]
    pub(crate) line: Option<u64>,
}

/// `snippets[]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Snippet {
    #[serde(rename = "SPDXID", default, skip_serializing_if = "Option::is_none")]
    pub(crate) spdx_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) annotations: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) copyright_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) license_concluded: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) snippet_from_file: Option<String>,
    #[serde(skip)]
    pub(crate) line: Option<u64>,
}

/// `relationships[]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Relationship {
    #[serde(default)]
    pub(crate) spdx_element_id: String,
    #[serde(default)]
    pub(crate) relationship_type: String,
    #[serde(default)]
    pub(crate) related_spdx_element: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(skip)]
    pub(crate) line: Option<u64>,
}
