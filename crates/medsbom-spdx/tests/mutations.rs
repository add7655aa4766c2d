//! Seeded mutations of the corpus documents (flipped bytes, cuts, duplicated slices) go
//! through every reader: each answers with a document or an error, and never panics.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, res: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, res);
        } else {
            res.push(path);
        }
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }
}

fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut res = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(res.len());
        match rng.below(5) {
            0 => res.truncate(at),
            1 => {
                if let Some(byte) = res.get_mut(at) {
                    *byte = (rng.next() & 0xff) as u8;
                }
            }
            2 => {
                let special = [
                    b'{', b'}', b'[', b']', b'"', b':', b'\n', b'<', b'*', b'&', 0xff,
                ];
                if let Some(byte) = res.get_mut(at) {
                    *byte = special[rng.below(special.len())];
                }
            }
            3 => {
                let len = rng.below(64).min(res.len() - at.min(res.len()));
                let slice: Vec<u8> = res.get(at..at + len).unwrap_or_default().to_vec();
                let to = rng.below(res.len());
                res.splice(to..to, slice);
            }
            _ => {
                let end = (at + rng.below(64)).min(res.len());
                res.drain(at..end);
            }
        }
    }
    res
}

#[test]
fn mutated_corpus_documents_never_panic() {
    let mut files = Vec::new();
    for dir in [
        "sbom/spdx-examples",
        "sbom/spdx-spec-examples",
        "parser-tests/ntia-conformance-checker-tests",
    ] {
        let Some(path) = medsbom_testkit::corpus_path(dir) else {
            return;
        };
        walk(&path, &mut files);
    }
    files.sort();
    let mut rng = Rng(0x5eed_5bd0);
    let mut n_runs = 0;
    for path in &files {
        let name = path.to_string_lossy();
        let is_spdx = [".json", ".yaml", ".yml", ".spdx", ".tag"]
            .iter()
            .any(|ext| name.ends_with(ext));
        let bytes = std::fs::read(path).unwrap_or_default();
        if !is_spdx || bytes.len() > 64 * 1024 {
            continue;
        }
        for _ in 0..20 {
            let mutated = mutate(&bytes, &mut rng);
            let _ = medsbom_spdx::read_json(&mutated);
            let _ = medsbom_spdx::read_yaml(&mutated);
            let _ = medsbom_spdx::read_tag_value(&mutated);
            let _ = medsbom_spdx::read_spdx3_json(&mutated);
            // Whatever was read can be written.
            if let Ok(parsed) = medsbom_spdx::read_tag_value(&mutated) {
                let _ = medsbom_spdx::write_json(&parsed.sbom);
                let _ = medsbom_spdx::write_tag_value(&parsed.sbom);
            }
            n_runs += 1;
        }
    }
    assert!(n_runs >= 2000, "{n_runs}");
}
