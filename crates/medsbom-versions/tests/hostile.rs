//! Hostile input never panics: purl, CPE and vers parsers, containment and OSV evaluation
//! answer with a value or an error on random and pathological strings (fixed seed).

use medsbom_versions::compare::Scheme;
use medsbom_versions::cpe::{Cpe, cpe_matches};
use medsbom_versions::osv::{OsvEvent, OsvRange, OsvRangeKind, osv_affected};
use medsbom_versions::purl::Purl;
use medsbom_versions::vers::VersionRange;

struct Rng(u64);

impl Rng {
    fn next_index(&mut self, len: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % u64::try_from(len).unwrap_or(1)).unwrap_or(0)
    }
}

/// Random strings built from pieces that matter to the parsers, plus pathological ones.
fn inputs() -> Vec<String> {
    let pieces = [
        "pkg:",
        "cpe:2.3:",
        "cpe:/",
        "vers:",
        "npm",
        "pypi",
        "deb",
        "git",
        "/",
        "//",
        "@",
        "?",
        "&",
        "=",
        "#",
        "%",
        "%2",
        "%2F",
        "%ZZ",
        "%C3",
        "%A9",
        ":",
        "*",
        "?",
        "\\",
        "-",
        "|",
        "||",
        "<",
        ">=",
        "!=",
        "~",
        "^",
        ".",
        "..",
        "1",
        "0",
        "a",
        "A",
        "_",
        " ",
        "\u{e9}",
        "\u{1F600}",
        "\u{0}",
    ];
    let mut rng = Rng(0x5EED);
    let mut res: Vec<String> = vec![
        String::new(),
        "pkg:".repeat(2_000),
        format!("pkg:npm/{}", "a/".repeat(5_000)),
        format!("pkg:npm/a?{}", "k=v&".repeat(2_000)),
        format!("cpe:2.3:a:{}", "\\:".repeat(3_000)),
        format!("cpe:2.3:a:b:c:{}:*:*:*:*:*:*:*", "?".repeat(3_000)),
        format!("vers:npm/{}", ">=1.0.0|<2.0.0|".repeat(1_000)),
        format!("vers:npm/{}", "|".repeat(1_000)),
    ];
    for _ in 0..5_000 {
        let n_pieces = rng.next_index(10);
        res.push(
            (0..n_pieces)
                .map(|_| pieces[rng.next_index(pieces.len())])
                .collect(),
        );
    }
    res
}

#[test]
fn parsers_do_not_panic() {
    let pattern =
        Cpe::parse("cpe:2.3:a:*:*:1.*:*:*:*:*:*:*:*").unwrap_or_else(|err| panic!("{err}"));
    for input in inputs() {
        if let Ok(purl) = Purl::parse(&input) {
            let printed = purl.to_string();
            let again = Purl::parse(&printed)
                .unwrap_or_else(|err| panic!("{input:?} printed {printed:?}: {err}"));
            assert_eq!(
                again, purl,
                "{input:?}: parse, print, parse changed the purl"
            );
        }
        if let Ok(cpe) = Cpe::parse(&input) {
            let _ = cpe_matches(&pattern, &cpe);
            let _ = cpe_matches(&cpe, &pattern);
            assert_eq!(
                Cpe::parse(&cpe.to_string()).as_ref(),
                Ok(&cpe),
                "{input:?}: CPE round trip"
            );
        }
        for range in [
            VersionRange::parse(&input),
            VersionRange::parse_lenient(&input),
        ]
        .into_iter()
        .flatten()
        {
            let _ = range.contains("1.0.0");
            let _ = range.validate();
            let _ = range.simplify().to_string();
        }
        for scheme in ["npm", "pypi", "gem", "nuget"] {
            if let Ok(range) = VersionRange::from_native(scheme, &input) {
                let _ = range.contains("1.0.0");
            }
        }
        for scheme in [Scheme::Semver, Scheme::Pypi, Scheme::Debian, Scheme::Maven] {
            let ranges = [OsvRange {
                kind: OsvRangeKind::Ecosystem,
                events: vec![
                    OsvEvent::Introduced(input.clone()),
                    OsvEvent::Fixed("2.0".to_owned()),
                    OsvEvent::Limit(input.clone()),
                ],
            }];
            let _ = osv_affected(scheme, "1.0", &ranges, &[]);
            let _ = osv_affected(scheme, &input, &ranges, std::slice::from_ref(&input));
        }
    }
}
