//! Alias merging: advisories that name each other (OSV `aliases`, CSAF `ids`, a CVE record
//! and the GHSA and PYSEC records that alias it) describe one vulnerability.
//!
//! Identifiers are grouped transitively (the connected components of the "is an alias of"
//! graph) and each group is named by its canonical identifier: the lowest CVE id (by year,
//! then number), else the lowest GHSA id, else the lowest identifier of any other kind.
//! `related` and `upstream` identifiers are distinct vulnerabilities and are not merged.

use std::cmp::Ordering;
use std::collections::HashMap;

/// The canonical identifier of a group (see the module documentation); `None` for an empty
/// group.
#[must_use]
pub fn canonical_id<'a>(ids: &[&'a str]) -> Option<&'a str> {
    ids.iter().copied().min_by(|a, b| id_order(a, b))
}

/// Orders identifiers by preference as a group's name: CVE ids first (numerically), then
/// GHSA ids, then everything else, each kind in text order.
#[must_use]
pub fn id_order(a: &str, b: &str) -> Ordering {
    let rank = |id: &str| {
        if id.starts_with("CVE-") {
            0
        } else if id.starts_with("GHSA-") {
            1
        } else {
            2
        }
    };
    rank(a)
        .cmp(&rank(b))
        .then_with(|| match (cve_number(a), cve_number(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        })
        .then_with(|| a.cmp(b))
}

/// `CVE-2021-44228` → (2021, 44228).
fn cve_number(id: &str) -> Option<(u32, u64)> {
    let rest = id.strip_prefix("CVE-")?;
    let (year, number) = rest.split_once('-')?;
    Some((year.parse().ok()?, number.parse().ok()?))
}

/// Groups identifiers connected by `edges` (pairs of identifiers naming the same
/// vulnerability; a pair of equal identifiers just declares one) and maps every identifier
/// to its group's canonical identifier.
#[must_use]
pub fn group_ids(edges: &[(String, String)]) -> HashMap<String, String> {
    let mut idx_of: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    for (a, b) in edges {
        for id in [a.as_str(), b.as_str()] {
            if !idx_of.contains_key(id) {
                idx_of.insert(id, names.len());
                names.push(id);
                parent.push(names.len() - 1);
            }
        }
    }
    for (a, b) in edges {
        let (Some(&x), Some(&y)) = (idx_of.get(a.as_str()), idx_of.get(b.as_str())) else {
            continue;
        };
        let root_x = find(&mut parent, x);
        let root_y = find(&mut parent, y);
        if root_x != root_y
            && let Some(slot) = parent.get_mut(root_x.max(root_y))
        {
            *slot = root_x.min(root_y);
        }
    }
    let mut best: HashMap<usize, &str> = HashMap::new();
    for (idx, name) in names.iter().copied().enumerate() {
        let root = find(&mut parent, idx);
        best.entry(root)
            .and_modify(|current| {
                if id_order(name, current) == Ordering::Less {
                    *current = name;
                }
            })
            .or_insert(name);
    }
    let mut res = HashMap::with_capacity(names.len());
    for (idx, name) in names.iter().copied().enumerate() {
        let root = find(&mut parent, idx);
        let canonical = best.get(&root).copied().unwrap_or(name);
        res.insert(name.to_owned(), canonical.to_owned());
    }
    res
}

/// Union-find root with path halving; indexes come from `0..parent.len()`.
fn find(parent: &mut [usize], mut idx: usize) -> usize {
    while let Some(&up) = parent.get(idx) {
        if up == idx {
            break;
        }
        let grand = parent.get(up).copied().unwrap_or(up);
        if let Some(slot) = parent.get_mut(idx) {
            *slot = grand;
        }
        idx = up;
    }
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn groups_transitively_under_the_cve() {
        let groups = group_ids(&edges(&[
            ("PYSEC-2021-1", "CVE-2021-100"),
            ("GHSA-aaaa-bbbb-cccc", "CVE-2021-100"),
            ("GHSA-aaaa-bbbb-cccc", "GHSA-aaaa-bbbb-cccc"),
            ("GO-2022-1", "GHSA-zzzz-yyyy-xxxx"),
            ("RUSTSEC-2020-1", "RUSTSEC-2020-1"),
        ]));
        assert_eq!(groups["PYSEC-2021-1"], "CVE-2021-100");
        assert_eq!(groups["GHSA-aaaa-bbbb-cccc"], "CVE-2021-100");
        assert_eq!(groups["CVE-2021-100"], "CVE-2021-100");
        assert_eq!(groups["GO-2022-1"], "GHSA-zzzz-yyyy-xxxx");
        assert_eq!(groups["RUSTSEC-2020-1"], "RUSTSEC-2020-1");
    }

    #[test]
    fn cve_ids_compare_numerically() {
        assert_eq!(
            canonical_id(&["CVE-2021-44228", "CVE-2021-4104", "GHSA-x"]),
            Some("CVE-2021-4104")
        );
        assert_eq!(
            canonical_id(&["CVE-2021-10000", "CVE-2021-9999"]),
            Some("CVE-2021-9999")
        );
        assert_eq!(canonical_id(&["PYSEC-1", "GO-1"]), Some("GO-1"));
        assert_eq!(canonical_id(&[]), None);
    }
}
