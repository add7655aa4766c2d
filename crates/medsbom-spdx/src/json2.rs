//! SPDX 2 JSON reading that converts packages and files while it reads them.
//!
//! The top-level object is read key by key. When the `packages` array comes before `files`
//! and `snippets` (and `files` after `packages`), each element is converted to a component
//! as soon as it is parsed, so the document never exists as a whole tree of serde structs
//! next to the model. Any other order (alphabetical keys put `files` first) collects the
//! elements into the [`Document`] as the derived deserializer does, and
//! [`Converter::finish`] converts them in the usual order: the result is the same.

use serde::Deserialize;
use serde::de::value::SeqAccessDeserializer;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::read2::Converter;
use crate::spdx2::{Document, File, Package};

/// Reads the top-level object into a [`Document`], handing packages and files to the
/// converter when their order allows.
pub(crate) struct DocumentSeed<'c> {
    pub(crate) converter: &'c mut Converter,
}

/// The keys of [`Document`], in declaration order (what serde's derive would pass).
const DOCUMENT_FIELDS: &[&str] = &[
    "SPDXID",
    "spdxVersion",
    "creationInfo",
    "name",
    "dataLicense",
    "comment",
    "documentNamespace",
    "hasExtractedLicensingInfos",
    "annotations",
    "documentDescribes",
    "packages",
    "files",
    "snippets",
    "relationships",
    "@graph",
    "Document",
];

/// The top-level keys of an SPDX 2 document.
#[derive(Deserialize, Clone, Copy)]
#[serde(field_identifier)]
enum DocumentKey {
    #[serde(rename = "SPDXID")]
    SpdxId,
    #[serde(rename = "spdxVersion")]
    SpdxVersion,
    #[serde(rename = "creationInfo")]
    CreationInfo,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "dataLicense")]
    DataLicense,
    #[serde(rename = "comment")]
    Comment,
    #[serde(rename = "documentNamespace")]
    DocumentNamespace,
    #[serde(rename = "hasExtractedLicensingInfos")]
    HasExtractedLicensingInfos,
    #[serde(rename = "annotations")]
    Annotations,
    #[serde(rename = "documentDescribes")]
    DocumentDescribes,
    #[serde(rename = "packages")]
    Packages,
    #[serde(rename = "files")]
    Files,
    #[serde(rename = "snippets")]
    Snippets,
    #[serde(rename = "relationships")]
    Relationships,
    #[serde(rename = "@graph")]
    Graph,
    #[serde(rename = "Document")]
    Legacy,
    #[serde(other)]
    Other,
}

impl DocumentKey {
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = Document;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Document, D::Error> {
        deserializer.deserialize_struct("Document", DOCUMENT_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = Document;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct Document")
    }

    /// A top-level array is read positionally, as serde's derive does for any struct.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Document, A::Error> {
        Document::deserialize(SeqAccessDeserializer::new(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut doc = Document::default();
        let mut seen = 0_u32;
        while let Some(key) = map.next_key::<DocumentKey>()? {
            if !matches!(key, DocumentKey::Other) {
                if seen & key.bit() != 0 {
                    return Err(serde::de::Error::duplicate_field(
                        DOCUMENT_FIELDS.get(key as usize).copied().unwrap_or(""),
                    ));
                }
                seen |= key.bit();
            }
            let before = |other: DocumentKey| seen & other.bit() == 0;
            match key {
                DocumentKey::SpdxId => doc.spdx_id = map.next_value()?,
                DocumentKey::SpdxVersion => doc.spdx_version = map.next_value()?,
                DocumentKey::CreationInfo => doc.creation_info = map.next_value()?,
                DocumentKey::Name => doc.name = map.next_value()?,
                DocumentKey::DataLicense => doc.data_license = map.next_value()?,
                DocumentKey::Comment => doc.comment = map.next_value()?,
                DocumentKey::DocumentNamespace => doc.document_namespace = map.next_value()?,
                DocumentKey::HasExtractedLicensingInfos => {
                    doc.has_extracted_licensing_infos = map.next_value()?;
                }
                DocumentKey::Annotations => doc.annotations = map.next_value()?,
                DocumentKey::DocumentDescribes => doc.document_describes = map.next_value()?,
                DocumentKey::Packages => {
                    if before(DocumentKey::Files) && before(DocumentKey::Snippets) {
                        map.next_value_seed(PackagesSeed {
                            converter: &mut *self.converter,
                        })?;
                    } else {
                        doc.packages = map.next_value()?;
                    }
                }
                DocumentKey::Files => {
                    if !before(DocumentKey::Packages) && before(DocumentKey::Snippets) {
                        map.next_value_seed(FilesSeed {
                            converter: &mut *self.converter,
                        })?;
                    } else {
                        doc.files = map.next_value()?;
                    }
                }
                DocumentKey::Snippets => doc.snippets = map.next_value()?,
                DocumentKey::Relationships => doc.relationships = map.next_value()?,
                DocumentKey::Graph => doc.graph = map.next_value()?,
                DocumentKey::Legacy => doc.legacy = map.next_value()?,
                DocumentKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(doc)
    }
}

/// Converts the `packages` array element by element.
struct PackagesSeed<'c> {
    converter: &'c mut Converter,
}

impl<'de> DeserializeSeed<'de> for PackagesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PackagesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(package) = seq.next_element::<Package>()? {
            self.converter.package(package);
        }
        Ok(())
    }
}

/// Converts the `files` array element by element.
struct FilesSeed<'c> {
    converter: &'c mut Converter,
}

impl<'de> DeserializeSeed<'de> for FilesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FilesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(file) = seq.next_element::<File>()? {
            self.converter.file(file);
        }
        Ok(())
    }
}
