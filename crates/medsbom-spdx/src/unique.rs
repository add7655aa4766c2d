//! Unique names for identifiers that clash (duplicate SPDXIDs, sanitized `bom_ref`s).

use std::collections::{HashMap, HashSet};

/// A set of names that hands out `name`, then `name<sep>2`, `name<sep>3`, … for clashes. The
/// next suffix is remembered per name, so k copies of one name cost O(k), not O(k²) (a
/// document with 50,000 packages of the same SPDXID must not take minutes).
pub(crate) struct UniqueNames {
    used: HashSet<String>,
    next_suffix: HashMap<String, u64>,
}

impl UniqueNames {
    pub(crate) fn with_capacity(n: usize) -> UniqueNames {
        UniqueNames {
            used: HashSet::with_capacity(n),
            next_suffix: HashMap::new(),
        }
    }

    /// Makes room for `n` more names.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.used.reserve(n);
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Takes `name` if it is free; false when it is already taken.
    pub(crate) fn take(&mut self, name: &str) -> bool {
        if self.used.contains(name) {
            return false;
        }
        self.used.insert(name.to_owned())
    }

    /// `base` if free, else the first free `base<separator>N` with N ≥ 2.
    pub(crate) fn claim(&mut self, base: &str, separator: &str) -> String {
        if self.take(base) {
            return base.to_owned();
        }
        let next = self.next_suffix.entry(base.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{base}{separator}{next}");
            *next += 1;
            if !self.used.contains(&candidate) {
                self.used.insert(candidate.clone());
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UniqueNames;

    #[test]
    fn hands_out_suffixes_in_order() {
        let mut names = UniqueNames::with_capacity(4);
        assert!(names.take("a-2"));
        let got: Vec<String> = (0..4).map(|_| names.claim("a", "-")).collect();
        assert_eq!(got, ["a", "a-3", "a-4", "a-5"]);
        assert!(names.contains("a-4"));
        // 50,000 copies of one name stay linear.
        for _ in 0..50_000 {
            names.claim("same", "-duplicate-");
        }
        assert!(names.contains("same-duplicate-50000"));
    }
}
