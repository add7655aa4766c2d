//! CVSS base scores computed from vectors with the `cvss` crate.

use std::str::FromStr;

use crate::advisory::{SeverityKind, SeverityScore};

/// The scoring system for an OSV severity `type` (`CVSS_V3`), or a CVE 5 / NVD metric key.
pub(crate) fn kind_from_osv(osv_type: &str) -> SeverityKind {
    match osv_type {
        "CVSS_V2" => SeverityKind::CvssV2,
        "CVSS_V3" => SeverityKind::CvssV3,
        "CVSS_V4" => SeverityKind::CvssV4,
        other => SeverityKind::Other(other.to_owned()),
    }
}

/// A severity statement with its computed base score; the second value is a warning when a
/// CVSS vector does not parse.
pub(crate) fn score(
    kind: SeverityKind,
    vector: &str,
    stated_score: Option<f64>,
    source: Option<&str>,
) -> (SeverityScore, Option<String>) {
    let mut warning = None;
    let base_score = match &kind {
        SeverityKind::Other(_) => None,
        SeverityKind::CvssV2 | SeverityKind::CvssV3 | SeverityKind::CvssV4 => {
            match base_score(&kind, vector) {
                Ok(score) => Some(score),
                Err(cause) => {
                    warning = Some(format!("cannot score cvss vector {vector:?}: {cause}"));
                    None
                }
            }
        }
    };
    let res = SeverityScore {
        kind,
        vector: vector.to_owned(),
        base_score,
        stated_score,
        source: source.map(str::to_owned),
    };
    (res, warning)
}

fn base_score(kind: &SeverityKind, vector: &str) -> Result<f64, String> {
    let vector = vector.trim();
    let parsed = match kind {
        SeverityKind::CvssV2 => {
            // NVD once wrapped v2 vectors in parentheses, and some feeds add a v3-style prefix.
            let bare = vector.trim_start_matches('(').trim_end_matches(')');
            let bare = bare.strip_prefix("CVSS:2.0/").unwrap_or(bare);
            cvss::v2::Vector::from_str(bare).map(cvss::Cvss::CvssV20)
        }
        _ => cvss::Cvss::from_str(vector),
    };
    let parsed = parsed.map_err(|err| err.to_string())?;
    let matches_kind = matches!(
        (kind, &parsed),
        (SeverityKind::CvssV2, cvss::Cvss::CvssV20(_))
            | (
                SeverityKind::CvssV3,
                cvss::Cvss::CvssV30(_) | cvss::Cvss::CvssV31(_)
            )
            | (SeverityKind::CvssV4, cvss::Cvss::CvssV40(_))
    );
    if !matches_kind {
        return Err("the vector's cvss version differs from the stated type".to_owned());
    }
    Ok(parsed.score())
}

#[cfg(test)]
mod tests {
    use super::{kind_from_osv, score};

    fn check(osv_type: &str, vector: &str, expect: Option<f64>) {
        let (res, _) = score(kind_from_osv(osv_type), vector, None, None);
        assert_eq!(res.base_score, expect, "{vector}");
    }

    #[test]
    fn scores_every_cvss_version() {
        check("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", Some(7.5));
        check("CVSS_V2", "(AV:N/AC:L/Au:N/C:P/I:P/A:P)", Some(7.5));
        check(
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            Some(9.8),
        );
        check(
            "CVSS_V3",
            "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
            Some(8.1),
        );
        check(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            Some(9.3),
        );
        check("Ubuntu", "high", None);
        check("CVSS_V3", "not a vector", None);
        check(
            "CVSS_V4",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            None,
        );
    }

    #[test]
    fn an_unparsable_vector_is_a_warning() {
        let (res, warning) = score(kind_from_osv("CVSS_V3"), "CVSS:3.1/AV:X", Some(5.0), None);
        assert_eq!(res.stated_score, Some(5.0));
        assert!(warning.is_some_and(|w| w.starts_with("cannot score cvss vector")));
    }
}
