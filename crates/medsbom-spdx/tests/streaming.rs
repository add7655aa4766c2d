//! The JSON reader converts packages and files while it reads them when their order allows,
//! and collects them otherwise: the result must not depend on the order of the top-level keys.

/// Top-level members of one document, to be joined in any order.
const MEMBERS: &[(&str, &str)] = &[
    ("SPDXID", r#""SPDXRef-DOCUMENT""#),
    ("spdxVersion", r#""SPDX-2.3""#),
    (
        "creationInfo",
        r#"{"created":"2024-01-01T00:00:00Z","creators":["Tool: builder-1.0","Acme"]}"#,
    ),
    ("name", r#""pump""#),
    ("documentNamespace", r#""https://example.com/spdx/pump-1""#),
    ("documentDescribes", r#"["SPDXRef-pump","SPDXRef-missing"]"#),
    (
        "packages",
        r#"[{"SPDXID":"SPDXRef-pump","name":"pump","supplier":"Acme","hasFiles":["SPDXRef-f1"],
             "annotations":[{"annotationType":"OTHER","comment":"supportLevel: abandoned"}]},
            {"SPDXID":"SPDXRef-dup","name":"lib","validUntilDate":"2030-01-01T00:00:00Z"},
            {"name":"no-id"}]"#,
    ),
    (
        "files",
        r#"[{"SPDXID":"SPDXRef-f1","fileName":"./a.c"},{"SPDXID":"SPDXRef-dup","fileName":"./b.c"}]"#,
    ),
    ("snippets", r#"[{"SPDXID":"SPDXRef-s1","name":"snip"}]"#),
    (
        "relationships",
        r#"[{"spdxElementId":"SPDXRef-pump","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-f1"},
            {"spdxElementId":"SPDXRef-pump","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-ghost"}]"#,
    ),
    ("x-unknown", r#"{"files":[1]}"#),
];

fn document(order: &[usize]) -> String {
    let members: Vec<String> = order
        .iter()
        .map(|&idx| format!("\"{}\":{}", MEMBERS[idx].0, MEMBERS[idx].1))
        .collect();
    format!("{{{}}}", members.join(",\n"))
}

#[test]
fn key_order_does_not_change_the_result() {
    let canonical: Vec<usize> = (0..MEMBERS.len()).collect();
    let expect = medsbom_spdx::read_json(document(&canonical).as_bytes()).expect("reads");
    let refs: Vec<&str> = expect
        .sbom
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(
        refs,
        [
            "SPDXRef-pump",
            "SPDXRef-dup",
            "SPDXRef-medsbom-package-2",
            "SPDXRef-f1",
            "SPDXRef-dup-duplicate-2",
            "SPDXRef-s1"
        ]
    );
    let messages: Vec<String> = expect.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(messages[0].contains("creator \"Acme\""), "{messages:#?}");
    assert!(messages[1].contains("supplier \"Acme\""), "{messages:#?}");
    assert!(
        messages[2].contains("package has no SPDXID"),
        "{messages:#?}"
    );
    assert!(messages[3].contains("duplicate SPDXID"), "{messages:#?}");
    assert!(messages[4].contains("SPDXRef-ghost"), "{messages:#?}");
    assert!(messages[5].contains("SPDXRef-missing"), "{messages:#?}");
    assert_eq!(expect.sbom.relationships.len(), 4);

    let n = MEMBERS.len();
    let reversed: Vec<usize> = (0..n).rev().collect();
    let mut alphabetical = canonical.clone();
    alphabetical.sort_by_key(|&idx| MEMBERS[idx].0);
    let header_last = [5, 6, 7, 8, 9, 10, 0, 1, 2, 3, 4];
    let snippets_first = [8, 0, 1, 2, 3, 4, 5, 6, 7, 9, 10];
    let files_before_snippets_after_packages = [0, 1, 2, 3, 4, 6, 9, 7, 5, 8, 10];
    for order in [
        &reversed[..],
        &alphabetical[..],
        &header_last[..],
        &snippets_first[..],
        &files_before_snippets_after_packages[..],
    ] {
        let got = medsbom_spdx::read_json(document(order).as_bytes()).expect("reads");
        assert_eq!(got.sbom, expect.sbom, "order {order:?}");
        assert_eq!(got.diagnostics, expect.diagnostics, "order {order:?}");
    }
    // A duplicate key is an error, streamed or not.
    let full = document(&canonical);
    let inner = full
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or_default();
    let duplicate = format!("{{{inner}, \"packages\": []}}");
    let error = medsbom_spdx::read_json(duplicate.as_bytes()).expect_err("duplicate");
    assert!(
        error.message.contains("duplicate field `packages`"),
        "{error}"
    );
}
