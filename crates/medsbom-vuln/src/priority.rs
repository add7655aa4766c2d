//! Severity and priority of a vulnerability.
//!
//! **Severity** is the qualitative rating of the CVSS base score (FIRST's CVSS v3/v4 scale:
//! 9.0–10.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low, 0.0 none). The score is
//! the highest CVSS v4 or v3.x base score any advisory of the vulnerability states (scored
//! from its vector), else the highest CVSS v2 score. Without any CVSS the rating comes from
//! a textual severity (`high`, `moderate`, …) when an advisory gives one, else it is
//! `unknown`.
//!
//! **Priority** is a number from 0 to 100 to sort and filter findings by:
//!
//! ```text
//! S = CVSS / 10            (no CVSS: critical 0.95, high 0.8, medium 0.55, low 0.2,
//!                           none 0, unknown 0.5)
//! E = 1                    when the CVE is in CISA KEV or SSVC Exploitation is "active"
//!   = max(EPSS, 0.3 if SSVC Exploitation is "poc", 0)     otherwise
//! priority = min(100, 40·S + 60·E
//!                     + 5 when KEV records known ransomware campaign use
//!                     + 3 when SSVC Automatable is "yes"
//!                     + 2 when SSVC Technical Impact is "total")
//! ```
//!
//! so every known-exploited vulnerability (≥ 60) ranks above every vulnerability without
//! exploitation evidence (≤ 40 + small SSVC bonuses), and EPSS orders the rest next to
//! CVSS. The value is rounded to one decimal.

/// A qualitative severity rating, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// No rating could be found.
    Unknown,
    /// CVSS 0.0.
    None,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Severity {
    /// `critical`, `high`, `medium`, `low`, `none` or `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The rating of a CVSS base score.
    #[must_use]
    pub fn from_cvss(score: f64) -> Severity {
        if 9.0 <= score {
            Severity::Critical
        } else if 7.0 <= score {
            Severity::High
        } else if 4.0 <= score {
            Severity::Medium
        } else if 0.0 < score {
            Severity::Low
        } else {
            Severity::None
        }
    }

    /// A textual rating as feeds write it (`CRITICAL`, `High`, `moderate`, `important`,
    /// `negligible`…); `None` for anything else.
    #[must_use]
    pub fn from_text(text: &str) -> Option<Severity> {
        let res = match text.trim().to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" | "important" => Severity::High,
            "medium" | "moderate" => Severity::Medium,
            "low" | "negligible" => Severity::Low,
            "none" => Severity::None,
            _ => return None,
        };
        Some(res)
    }

    /// The severity term `S` of the priority for a vulnerability without a CVSS score.
    fn fallback_term(self) -> f64 {
        match self {
            Severity::Critical => 0.95,
            Severity::High => 0.8,
            Severity::Medium => 0.55,
            Severity::Low => 0.2,
            Severity::None => 0.0,
            Severity::Unknown => 0.5,
        }
    }
}

/// What the priority of a vulnerability is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorityInputs<'a> {
    /// The CVSS base score, when there is one.
    pub cvss: Option<f64>,
    /// The severity rating (used when there is no CVSS score).
    pub severity: Severity,
    /// In CISA KEV.
    pub kev: bool,
    /// KEV records known ransomware campaign use.
    pub ransomware: bool,
    /// The EPSS probability, in [0, 1].
    pub epss: Option<f64>,
    /// SSVC Exploitation: `none`, `poc` or `active`.
    pub exploitation: Option<&'a str>,
    /// SSVC Automatable: `yes` or `no`.
    pub automatable: Option<&'a str>,
    /// SSVC Technical Impact: `partial` or `total`.
    pub technical_impact: Option<&'a str>,
}

/// The priority (see the module documentation).
#[must_use]
pub fn priority(inputs: &PriorityInputs<'_>) -> f64 {
    let is =
        |value: Option<&str>, expect: &str| value.is_some_and(|v| v.eq_ignore_ascii_case(expect));
    let severity_term = match inputs.cvss {
        Some(score) => (score / 10.0).clamp(0.0, 1.0),
        None => inputs.severity.fallback_term(),
    };
    let exploitation_term = if inputs.kev || is(inputs.exploitation, "active") {
        1.0
    } else {
        let poc = if is(inputs.exploitation, "poc") {
            0.3
        } else {
            0.0
        };
        inputs.epss.unwrap_or(0.0).clamp(0.0, 1.0).max(poc)
    };
    let mut res = 40.0 * severity_term + 60.0 * exploitation_term;
    if inputs.kev && inputs.ransomware {
        res += 5.0;
    }
    if is(inputs.automatable, "yes") {
        res += 3.0;
    }
    if is(inputs.technical_impact, "total") {
        res += 2.0;
    }
    (res.min(100.0) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(cvss: Option<f64>, kev: bool, epss: Option<f64>) -> PriorityInputs<'static> {
        PriorityInputs {
            cvss,
            severity: cvss.map_or(Severity::Unknown, Severity::from_cvss),
            kev,
            ransomware: false,
            epss,
            exploitation: None,
            automatable: None,
            technical_impact: None,
        }
    }

    #[test]
    fn ratings_follow_the_cvss_scale() {
        assert_eq!(Severity::from_cvss(9.0), Severity::Critical);
        assert_eq!(Severity::from_cvss(8.9), Severity::High);
        assert_eq!(Severity::from_cvss(4.0), Severity::Medium);
        assert_eq!(Severity::from_cvss(3.9), Severity::Low);
        assert_eq!(Severity::from_cvss(0.0), Severity::None);
        assert_eq!(Severity::from_text("MODERATE"), Some(Severity::Medium));
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Unknown);
    }

    #[test]
    fn known_exploitation_ranks_first() {
        let kev_medium = priority(&inputs(Some(5.0), true, None));
        let critical = priority(&inputs(Some(9.8), false, Some(0.02)));
        assert_eq!(kev_medium, 80.0);
        assert_eq!(critical, 40.4);
        assert!(critical < kev_medium);
        assert_eq!(priority(&inputs(None, false, None)), 20.0);
        let mut full = inputs(Some(10.0), true, Some(0.9));
        full.ransomware = true;
        full.automatable = Some("yes");
        assert_eq!(priority(&full), 100.0);
        let mut poc = inputs(Some(7.5), false, Some(0.1));
        poc.exploitation = Some("poc");
        poc.technical_impact = Some("total");
        assert_eq!(priority(&poc), 30.0 + 18.0 + 2.0);
    }
}
