//! The priority of a vulnerable asset: how urgently a hospital should act on one device.
//!
//! It weighs the device's patient-safety criticality and network exposure together with the
//! vulnerability's own priority `V` (0–100, [`medsbom_vuln::priority::priority`]: CVSS,
//! CISA KEV, EPSS and SSVC, `40·S + 60·E`), as a 0–100 score:
//!
//! ```text
//! C = criticality weight   life-sustaining 1.0, therapy-delivering 0.85, monitoring 0.65,
//!                          diagnostic 0.55, non-clinical 0.25, not recorded 0.7
//! X = exposure weight      internet-reachable 1.0, hospital-lan 0.7, segmented 0.4,
//!                          isolated 0.15, not recorded 0.7;
//!                          + 0.15 (at most 1.0) when default or hard-coded credentials
//!                          are known
//! priority = V · (0.25 + 0.75 · C · X)      rounded to one decimal
//! ```
//!
//! So the vulnerability sets the ceiling and the device decides how much of it applies: a
//! known-exploited critical flaw in an internet-reachable ventilator scores 100, the same
//! flaw in an isolated office printer about 28 — it is never zero, because isolation and
//! classification can be wrong. For one vulnerability the ranking is by `C · X`, so
//! devices that keep patients alive come first at equal exposure. An asset whose
//! criticality or exposure is not recorded is weighted just under the middle levels' top,
//! so that gaps in the inventory do not hide devices. A component search without a
//! vulnerability uses `V` from the CVSS, KEV and EPSS the caller assumes (unknown
//! severity, no exploitation evidence: `V` = 20).

use medsbom_vuln::priority::{PriorityInputs, Severity, priority};

use crate::model::{Criticality, Exposure};

/// The weight of a criticality not recorded in the inventory.
pub const UNKNOWN_CRITICALITY_WEIGHT: f64 = 0.7;
/// The weight of an exposure not recorded in the inventory (a hospital LAN is assumed).
pub const UNKNOWN_EXPOSURE_WEIGHT: f64 = 0.7;
/// What known default or hard-coded credentials add to the exposure weight.
pub const DEFAULT_CREDENTIALS_BONUS: f64 = 0.15;
/// The share of the vulnerability priority every affected device gets.
pub const FLOOR: f64 = 0.25;

/// What the vulnerability contributes, as shown per row.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreatInputs {
    /// The highest CVSS base score (v4 or v3.x, else v2), when known.
    pub cvss: Option<f64>,
    /// The qualitative severity (from the CVSS score, else from the advisories' text).
    pub severity: Severity,
    /// In CISA KEV.
    pub kev: bool,
    /// KEV records known ransomware campaign use.
    pub ransomware: bool,
    /// The highest EPSS probability of the vulnerability's CVE ids, when known.
    pub epss: Option<f64>,
    /// SSVC Exploitation (`none`, `poc`, `active`), when an advisory gives it.
    pub exploitation: Option<String>,
    /// SSVC Automatable (`yes`, `no`).
    pub automatable: Option<String>,
    /// SSVC Technical Impact (`partial`, `total`).
    pub technical_impact: Option<String>,
}

impl ThreatInputs {
    /// Nothing known: unknown severity, no exploitation evidence.
    #[must_use]
    pub fn unknown() -> ThreatInputs {
        ThreatInputs {
            cvss: None,
            severity: Severity::Unknown,
            kev: false,
            ransomware: false,
            epss: None,
            exploitation: None,
            automatable: None,
            technical_impact: None,
        }
    }

    /// The vulnerability priority `V` (0–100) of the medsbom-vuln formula.
    #[must_use]
    pub fn vulnerability_priority(&self) -> f64 {
        priority(&PriorityInputs {
            cvss: self.cvss,
            severity: self.severity,
            kev: self.kev,
            ransomware: self.ransomware,
            epss: self.epss,
            exploitation: self.exploitation.as_deref(),
            automatable: self.automatable.as_deref(),
            technical_impact: self.technical_impact.as_deref(),
        })
    }
}

/// What the device contributes, as shown per row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeviceInputs {
    /// Patient-safety criticality, when recorded.
    pub criticality: Option<Criticality>,
    /// Network exposure, when recorded.
    pub exposure: Option<Exposure>,
    /// Known default or hard-coded credentials.
    pub default_credentials: bool,
}

/// The criticality weight `C`.
#[must_use]
pub fn criticality_weight(criticality: Option<Criticality>) -> f64 {
    match criticality {
        Some(Criticality::LifeSustaining) => 1.0,
        Some(Criticality::TherapyDelivering) => 0.85,
        Some(Criticality::Monitoring) => 0.65,
        Some(Criticality::Diagnostic) => 0.55,
        Some(Criticality::NonClinical) => 0.25,
        None => UNKNOWN_CRITICALITY_WEIGHT,
    }
}

/// The exposure weight `X`, with the default-credentials bonus.
#[must_use]
pub fn exposure_weight(exposure: Option<Exposure>, default_credentials: bool) -> f64 {
    let base = match exposure {
        Some(Exposure::InternetReachable) => 1.0,
        Some(Exposure::HospitalLan) => 0.7,
        Some(Exposure::Segmented) => 0.4,
        Some(Exposure::Isolated) => 0.15,
        None => UNKNOWN_EXPOSURE_WEIGHT,
    };
    if default_credentials {
        return (base + DEFAULT_CREDENTIALS_BONUS).min(1.0);
    }
    base
}

/// The asset priority `V · (0.25 + 0.75 · C · X)`, rounded to one decimal, for a
/// vulnerability priority `V` in 0–100.
#[must_use]
pub fn asset_priority(vulnerability_priority: f64, device: &DeviceInputs) -> f64 {
    let v = vulnerability_priority.clamp(0.0, 100.0);
    let c = criticality_weight(device.criticality);
    let x = exposure_weight(device.exposure, device.default_credentials);
    let res = v * (FLOOR + (1.0 - FLOOR) * c * x);
    (res * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: f64, criticality: Option<Criticality>, exposure: Option<Exposure>, expect: f64) {
        let device = DeviceInputs {
            criticality,
            exposure,
            default_credentials: false,
        };
        assert_eq!(
            asset_priority(v, &device),
            expect,
            "{criticality:?} {exposure:?}"
        );
    }

    #[test]
    fn the_device_scales_the_vulnerability() {
        use Criticality as C;
        use Exposure as X;
        check(
            100.0,
            Some(C::LifeSustaining),
            Some(X::InternetReachable),
            100.0,
        );
        check(100.0, Some(C::NonClinical), Some(X::Isolated), 27.8);
        check(100.0, Some(C::LifeSustaining), Some(X::HospitalLan), 77.5);
        check(100.0, Some(C::Diagnostic), Some(X::HospitalLan), 53.9);
        check(80.0, Some(C::TherapyDelivering), Some(X::Segmented), 40.4);
        check(40.4, None, None, 24.9);
        check(
            0.0,
            Some(C::LifeSustaining),
            Some(X::InternetReachable),
            0.0,
        );
        check(
            250.0,
            Some(C::LifeSustaining),
            Some(X::InternetReachable),
            100.0,
        );
    }

    #[test]
    fn patients_first_at_equal_exposure() {
        let mut previous = f64::MAX;
        for level in Criticality::ALL {
            let device = DeviceInputs {
                criticality: Some(level),
                exposure: Some(Exposure::HospitalLan),
                default_credentials: false,
            };
            let p = asset_priority(60.0, &device);
            assert!(p < previous, "{level:?}");
            previous = p;
        }
        let mut previous = f64::MAX;
        for level in Exposure::ALL {
            let p = exposure_weight(Some(level), false);
            assert!(p < previous, "{level:?}");
            previous = p;
        }
    }

    #[test]
    fn default_credentials_raise_exposure() {
        assert_eq!(exposure_weight(Some(Exposure::Segmented), true), 0.55);
        assert_eq!(
            exposure_weight(Some(Exposure::InternetReachable), true),
            1.0
        );
        let with = DeviceInputs {
            criticality: Some(Criticality::Monitoring),
            exposure: Some(Exposure::Segmented),
            default_credentials: true,
        };
        let without = DeviceInputs {
            default_credentials: false,
            ..with
        };
        assert!(asset_priority(50.0, &without) < asset_priority(50.0, &with));
    }

    #[test]
    fn threat_inputs_follow_the_vulnerability_formula() {
        assert_eq!(ThreatInputs::unknown().vulnerability_priority(), 20.0);
        let kev = ThreatInputs {
            cvss: Some(9.8),
            severity: Severity::Critical,
            kev: true,
            ..ThreatInputs::unknown()
        };
        assert_eq!(kev.vulnerability_priority(), 99.2);
    }
}
