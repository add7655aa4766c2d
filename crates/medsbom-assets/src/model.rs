//! The inventory's API types: an [`Asset`] (one deployed device), its fields, the
//! patient-safety [`Criticality`] and network [`Exposure`] scales, and [`AssetChanges`].

use std::collections::BTreeMap;

/// How much patients depend on a device (the first input of the impact priority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criticality {
    /// Keeps a patient alive (ventilator, heart-lung machine, ICU infusion).
    LifeSustaining,
    /// Delivers therapy (infusion pump, radiotherapy, dialysis).
    TherapyDelivering,
    /// Watches a patient (patient monitor, telemetry, central station).
    Monitoring,
    /// Informs a diagnosis (imaging, laboratory analyzer).
    Diagnostic,
    /// No direct clinical use (workstation, printer, building system).
    NonClinical,
}

impl Criticality {
    /// Every level, most critical first.
    pub const ALL: [Criticality; 5] = [
        Criticality::LifeSustaining,
        Criticality::TherapyDelivering,
        Criticality::Monitoring,
        Criticality::Diagnostic,
        Criticality::NonClinical,
    ];

    /// `life-sustaining`, `therapy-delivering`, `monitoring`, `diagnostic`, `non-clinical`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::LifeSustaining => "life-sustaining",
            Criticality::TherapyDelivering => "therapy-delivering",
            Criticality::Monitoring => "monitoring",
            Criticality::Diagnostic => "diagnostic",
            Criticality::NonClinical => "non-clinical",
        }
    }

    /// Reads a level as inventories write it (case, spaces, dashes and underscores
    /// ignored; common synonyms such as `life-support`, `therapeutic`, `imaging`, `none`);
    /// `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Criticality> {
        let res = match squash(text).as_str() {
            "lifesustaining" | "lifesupport" | "lifesupporting" | "lifecritical" => {
                Criticality::LifeSustaining
            }
            "therapydelivering" | "therapy" | "therapeutic" | "treatment" => {
                Criticality::TherapyDelivering
            }
            "monitoring" | "monitor" | "patientmonitoring" => Criticality::Monitoring,
            "diagnostic" | "diagnostics" | "diagnosis" | "imaging" | "laboratory" => {
                Criticality::Diagnostic
            }
            "nonclinical" | "business" | "administrative" | "it" => Criticality::NonClinical,
            _ => return None,
        };
        Some(res)
    }
}

/// How reachable a device is over the network (the second input of the impact priority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exposure {
    /// Reachable from the internet (remote service access, cloud connection, public IP).
    InternetReachable,
    /// On the hospital's general network.
    HospitalLan,
    /// In a segmented zone or VLAN behind a firewall.
    Segmented,
    /// Not networked, or air-gapped.
    Isolated,
}

impl Exposure {
    /// Every level, most exposed first.
    pub const ALL: [Exposure; 4] = [
        Exposure::InternetReachable,
        Exposure::HospitalLan,
        Exposure::Segmented,
        Exposure::Isolated,
    ];

    /// `internet-reachable`, `hospital-lan`, `segmented`, `isolated`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Exposure::InternetReachable => "internet-reachable",
            Exposure::HospitalLan => "hospital-lan",
            Exposure::Segmented => "segmented",
            Exposure::Isolated => "isolated",
        }
    }

    /// Reads a level as inventories write it (case, spaces, dashes and underscores
    /// ignored; synonyms such as `internet`, `lan`, `vlan`, `air-gapped`); `None` for
    /// anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Exposure> {
        let res = match squash(text).as_str() {
            "internetreachable" | "internet" | "internetfacing" | "public" | "remoteaccess" => {
                Exposure::InternetReachable
            }
            "hospitallan" | "lan" | "hospitalnetwork" | "clinicallan" | "intranet" => {
                Exposure::HospitalLan
            }
            "segmented" | "vlan" | "firewalled" | "isolatedvlan" | "medicalvlan" => {
                Exposure::Segmented
            }
            "isolated" | "airgapped" | "standalone" | "offline" | "notnetworked" => {
                Exposure::Isolated
            }
            _ => return None,
        };
        Some(res)
    }
}

/// A field of an asset: the column name in the database and the default name of the
/// column or key in an inventory file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The hospital's asset tag; unique per organization.
    AssetId,
    /// The manufacturer's serial number.
    Serial,
    /// Manufacturer name as the inventory writes it.
    Manufacturer,
    /// Product (device model) name as the inventory writes it.
    Product,
    /// Product (software) version as the inventory writes it.
    ProductVersion,
    /// Site (hospital campus).
    Site,
    /// Building.
    Building,
    /// Ward or department.
    Department,
    /// Network zone or VLAN.
    Zone,
    /// IP addresses (comma-separated, normalized).
    Ip,
    /// MAC addresses (comma-separated, lowercase, colon-separated).
    Mac,
    /// Host name.
    Hostname,
    /// Owner (responsible person or team).
    Owner,
    /// Clinical function (free text: "ICU ventilation").
    ClinicalFunction,
    /// Patient-safety criticality (see [`Criticality`]).
    Criticality,
    /// Network exposure (see [`Exposure`]).
    Exposure,
    /// Open ports and services ("22/tcp ssh, 104/tcp dicom").
    Ports,
    /// Known default or hard-coded credentials (free text; `no`, `none`, `false` or empty
    /// mean none are known).
    DefaultCredentials,
    /// Installed patches.
    InstalledPatches,
    /// Maintenance schedule and contract.
    Maintenance,
    /// Lifecycle stage as the hospital records it (the N70 stages `development`,
    /// `support`, `limited-support`, `end-of-support` are normalized).
    LifecycleStage,
    /// Notes.
    Notes,
}

impl Field {
    /// Every field, in the order of listings and exports.
    pub const ALL: [Field; 22] = [
        Field::AssetId,
        Field::Serial,
        Field::Manufacturer,
        Field::Product,
        Field::ProductVersion,
        Field::Site,
        Field::Building,
        Field::Department,
        Field::Zone,
        Field::Ip,
        Field::Mac,
        Field::Hostname,
        Field::Owner,
        Field::ClinicalFunction,
        Field::Criticality,
        Field::Exposure,
        Field::Ports,
        Field::DefaultCredentials,
        Field::InstalledPatches,
        Field::Maintenance,
        Field::LifecycleStage,
        Field::Notes,
    ];

    /// The field's name (also its database column).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Field::AssetId => "asset_id",
            Field::Serial => "serial",
            Field::Manufacturer => "manufacturer",
            Field::Product => "product",
            Field::ProductVersion => "product_version",
            Field::Site => "site",
            Field::Building => "building",
            Field::Department => "department",
            Field::Zone => "zone",
            Field::Ip => "ip",
            Field::Mac => "mac",
            Field::Hostname => "hostname",
            Field::Owner => "owner",
            Field::ClinicalFunction => "clinical_function",
            Field::Criticality => "criticality",
            Field::Exposure => "exposure",
            Field::Ports => "ports",
            Field::DefaultCredentials => "default_credentials",
            Field::InstalledPatches => "installed_patches",
            Field::Maintenance => "maintenance",
            Field::LifecycleStage => "lifecycle_stage",
            Field::Notes => "notes",
        }
    }

    /// The field a column header or key names: the field name itself with case, spaces
    /// and dashes ignored (`Asset ID` → `asset_id`), or one of a few common spellings
    /// (`ward`, `serial_number`, `ip_address`, `mac_address`, `vlan`, `network_zone`,
    /// `model`, `software_version`, `firmware_version`, `location` is not one: it is
    /// ambiguous).
    #[must_use]
    pub fn parse(name: &str) -> Option<Field> {
        let key = header_key(name);
        if let Some(field) = Field::ALL.into_iter().find(|f| f.as_str() == key) {
            return Some(field);
        }
        let res = match key.as_str() {
            "asset" | "asset_tag" | "tag" | "asset_number" => Field::AssetId,
            "serial_number" | "serial_no" | "sn" => Field::Serial,
            "vendor" | "make" => Field::Manufacturer,
            "model" | "device_model" => Field::Product,
            "version" | "software_version" | "firmware_version" => Field::ProductVersion,
            "campus" | "facility" => Field::Site,
            "ward" | "unit" => Field::Department,
            "vlan" | "network_zone" => Field::Zone,
            "ip_address" | "ip_addresses" => Field::Ip,
            "mac_address" | "mac_addresses" => Field::Mac,
            "host" | "host_name" => Field::Hostname,
            "patient_safety_criticality" => Field::Criticality,
            "patches" => Field::InstalledPatches,
            "lifecycle" => Field::LifecycleStage,
            _ => return None,
        };
        Some(res)
    }
}

/// One deployed device as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// The hospital's asset tag.
    pub asset_id: String,
    /// The organization (healthcare provider) that owns the asset.
    pub organization: String,
    /// Text fields other than `asset_id`, `criticality` and `exposure`, by field; absent
    /// fields are unknown.
    pub fields: BTreeMap<Field, String>,
    /// Patient-safety criticality, when known.
    pub criticality: Option<Criticality>,
    /// Network exposure, when known.
    pub exposure: Option<Exposure>,
    /// Custom fields, by name.
    pub custom_fields: BTreeMap<String, String>,
    /// The stored product version the asset runs, when linked.
    pub product_version_id: Option<i64>,
    /// When the asset was retired (ISO 8601 UTC), if it was.
    pub retired_at: Option<String>,
    /// When it was first imported.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

impl Asset {
    /// The value of a field as text (`criticality` and `exposure` in their normalized form).
    #[must_use]
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::AssetId => Some(&self.asset_id),
            Field::Criticality => self.criticality.map(Criticality::as_str),
            Field::Exposure => self.exposure.map(Exposure::as_str),
            other => self.fields.get(&other).map(String::as_str),
        }
    }

    /// Site, building and ward joined with ` / ` (the parts that are known).
    #[must_use]
    pub fn location(&self) -> String {
        location_text(
            self.get(Field::Site),
            self.get(Field::Building),
            self.get(Field::Department),
        )
    }

    /// Whether the inventory records known default or hard-coded credentials.
    #[must_use]
    pub fn has_default_credentials(&self) -> bool {
        credentials_known(self.get(Field::DefaultCredentials))
    }
}

/// Changes to an asset: fields to set (a `None` value clears the field) and custom fields
/// to set or clear. Values are already normalized (see [`crate::normalize_value`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetChanges {
    /// Field values; `asset_id` is not changed through this map.
    pub fields: BTreeMap<Field, Option<String>>,
    /// Custom field values; `None` removes the custom field.
    pub custom_fields: BTreeMap<String, Option<String>>,
}

impl AssetChanges {
    /// Whether nothing is to change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.custom_fields.is_empty()
    }
}

/// `Site / Building / Ward` of the parts that are known.
#[must_use]
pub fn location_text(
    site: Option<&str>,
    building: Option<&str>,
    department: Option<&str>,
) -> String {
    let parts: Vec<&str> = [site, building, department]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect();
    parts.join(" / ")
}

/// Whether a `default_credentials` value says that such credentials are known: anything
/// but empty, `no`, `none`, `false`, `0`, `n`, `unknown`, `n/a`.
#[must_use]
pub fn credentials_known(value: Option<&str>) -> bool {
    let Some(value) = value else {
        return false;
    };
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "no" | "none" | "false" | "0" | "n" | "unknown" | "n/a" | "na" | "-"
    )
}

/// A header or key in field-name form: trimmed, lowercase, runs of spaces, dashes, dots
/// and slashes as one `_`.
pub(crate) fn header_key(name: &str) -> String {
    let mut res = String::with_capacity(name.len());
    let mut pending = false;
    for c in name.trim().chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | '.' | '/') {
            pending = !res.is_empty();
            continue;
        }
        if pending {
            res.push('_');
            pending = false;
        }
        res.extend(c.to_lowercase());
    }
    res
}

/// Lowercase letters and digits only, for matching enumerated values.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_inventory_spellings() {
        assert_eq!(
            Criticality::parse("Life Sustaining"),
            Some(Criticality::LifeSustaining)
        );
        assert_eq!(
            Criticality::parse("life_support"),
            Some(Criticality::LifeSustaining)
        );
        assert_eq!(
            Criticality::parse("NON-CLINICAL"),
            Some(Criticality::NonClinical)
        );
        assert_eq!(Criticality::parse("imaging"), Some(Criticality::Diagnostic));
        assert_eq!(Criticality::parse("very"), None);
        assert_eq!(
            Exposure::parse("Internet-facing"),
            Some(Exposure::InternetReachable)
        );
        assert_eq!(Exposure::parse("hospital LAN"), Some(Exposure::HospitalLan));
        assert_eq!(Exposure::parse("air gapped"), Some(Exposure::Isolated));
        assert_eq!(Exposure::parse("dmz"), None);
        for level in Criticality::ALL {
            assert_eq!(Criticality::parse(level.as_str()), Some(level));
        }
        for level in Exposure::ALL {
            assert_eq!(Exposure::parse(level.as_str()), Some(level));
        }
    }

    #[test]
    fn headers_name_fields() {
        assert_eq!(Field::parse("Asset ID"), Some(Field::AssetId));
        assert_eq!(
            Field::parse(" product-version "),
            Some(Field::ProductVersion)
        );
        assert_eq!(Field::parse("Ward"), Some(Field::Department));
        assert_eq!(Field::parse("IP Address"), Some(Field::Ip));
        assert_eq!(
            Field::parse("default credentials"),
            Some(Field::DefaultCredentials)
        );
        assert_eq!(Field::parse("location"), None);
        for field in Field::ALL {
            assert_eq!(Field::parse(field.as_str()), Some(field));
        }
        assert_eq!(header_key("  Serial  No. "), "serial_no");
    }

    #[test]
    fn credentials_and_location() {
        assert!(!credentials_known(None));
        assert!(!credentials_known(Some(" No ")));
        assert!(credentials_known(Some("yes")));
        assert!(credentials_known(Some("service/service")));
        assert_eq!(
            location_text(Some("North"), None, Some("ICU")),
            "North / ICU"
        );
        assert_eq!(location_text(None, Some(""), None), "");
    }
}
