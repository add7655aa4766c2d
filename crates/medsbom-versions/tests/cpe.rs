//! CPE parsing (2.3 formatted strings and 2.2 URIs), printing and NISTIR 7696 matching:
//! hand-written cases plus every CPE name found in the corpus SBOMs and VEX documents.

use medsbom_versions::cpe::{Cpe, CpeValue, cpe_matches};

/// Parses `input` and checks the 2.3 formatted string it prints.
fn check_parse(input: &str, expected: &str) {
    let cpe = Cpe::parse(input).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(cpe.to_string(), expected, "{input}");
    let again = Cpe::parse(&cpe.to_string()).unwrap_or_else(|err| panic!("reparse {input}: {err}"));
    assert_eq!(
        again, cpe,
        "{input}: printing and parsing again changed the name"
    );
}

fn check_invalid(input: &str) {
    assert!(Cpe::parse(input).is_err(), "{input} should be rejected");
}

fn check_match(source: &str, target: &str, expected: bool) {
    let source_cpe = Cpe::parse(source).unwrap_or_else(|err| panic!("{err}"));
    let target_cpe = Cpe::parse(target).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        cpe_matches(&source_cpe, &target_cpe),
        expected,
        "{source} matches {target}"
    );
}

#[test]
fn parse_formatted_strings_and_uris() {
    check_parse(
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
    );
    check_parse(
        "CPE:2.3:A:Microsoft:Internet_Explorer:8.0:-:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0:-:*:*:*:*:*:*",
    );
    // Escapes are kept; '.', '-' and '_' print unescaped.
    check_parse(
        r"cpe:2.3:a:gcc_6:gcc_6_base:6.3.0-18\+deb9u1:*:*:*:*:*:*:*",
        r"cpe:2.3:a:gcc_6:gcc_6_base:6.3.0-18\+deb9u1:*:*:*:*:*:*:*",
    );
    check_parse(
        r"cpe:2.3:a:foo\:bar:baz:1.0:*:*:*:*:*:*:*",
        r"cpe:2.3:a:foo\:bar:baz:1.0:*:*:*:*:*:*:*",
    );
    check_parse(
        r"cpe:2.3:a:acme:prod\-x:1\.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:acme:prod-x:1.0:*:*:*:*:*:*:*",
    );
    // Wildcards at either end.
    check_parse(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
    );
    check_parse(
        "cpe:2.3:h:qualcomm:atheros_qca9563:*:*:*:*:*:*:*:*",
        "cpe:2.3:h:qualcomm:atheros_qca9563:*:*:*:*:*:*:*:*",
    );
    // CPE 2.2 URIs: missing components are ANY, percent-encoding and the packed edition.
    check_parse(
        "cpe:/o:redhat:rhel_tus:7.6::server",
        "cpe:2.3:o:redhat:rhel_tus:7.6:*:server:*:*:*:*:*",
    );
    check_parse(
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
    );
    check_parse(
        "cpe:/a:foo%21bar:baz",
        r"cpe:2.3:a:foo\!bar:baz:*:*:*:*:*:*:*:*",
    );
    check_parse(
        "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
    );
    check_parse(
        "cpe:/a:vendor:product:1.%02",
        "cpe:2.3:a:vendor:product:1.*:*:*:*:*:*:*:*",
    );
    check_parse("cpe:/h:acme", "cpe:2.3:h:acme:*:*:*:*:*:*:*:*:*");

    check_invalid("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*");
    check_invalid("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*:*");
    check_invalid("cpe:2.3:x:apache:log4j:2.14.1:*:*:*:*:*:*:*");
    check_invalid("cpe:2.3:a:apache:lo*g4j:2.14.1:*:*:*:*:*:*:*");
    check_invalid("cpe:2.3:a:apache::2.14.1:*:*:*:*:*:*:*");
    check_invalid("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:\\");
    check_invalid("cpe:2.3:a:apache:log 4j:2.14.1:*:*:*:*:*:*:*");
    check_invalid("cpe:/a:a:b:c:d:e:f:g");
    check_invalid("cpe:/a:vendor:product:1.%4");
    check_invalid("pkg:npm/foo@1.0.0");
    check_invalid("");
}

#[test]
fn attribute_values() {
    let cpe = Cpe::parse(r"cpe:2.3:a:gnupg:gnupg:2.1.18-8\~deb9u4:*:*:*:*:*:*:*")
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(cpe.version().to_plain().as_deref(), Some("2.1.18-8~deb9u4"));
    assert_eq!(cpe.vendor(), &CpeValue::Value("gnupg".to_owned()));
    assert_eq!(cpe.update(), &CpeValue::Any);
    assert_eq!(cpe.part().to_plain().as_deref(), Some("a"));
    assert_eq!(cpe.attributes()[3].0, "version");
    let na = Cpe::parse("cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*")
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(na.version(), &CpeValue::Na);
    assert_eq!(na.version().to_plain(), None);
}

#[test]
fn nistir_7696_matching() {
    let ie = "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*";
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*",
        ie,
        true,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*",
        ie,
        true,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        ie,
        false,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp2:*:*:*:*:*:*",
        true,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp12:*:*:*:*:*:*",
        false,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:*8.0.6001:*:*:*:*:*:*:*",
        ie,
        true,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:?.0.6001:*:*:*:*:*:*:*",
        ie,
        true,
    );
    // As in the NISTIR 7696 algorithm, leading '?'s match up to that many characters.
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:??.0.6001:*:*:*:*:*:*:*",
        ie,
        true,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:?.0.6001:*:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:18.0.6001:*:*:*:*:*:*:*",
        false,
    );
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.600?:*:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.60012:*:*:*:*:*:*:*",
        false,
    );
    check_match(ie, ie, true);
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:*:*:*:*:*:*:*",
        false,
    );
    check_match("cpe:2.3:*:microsoft:*:*:*:*:*:*:*:*:*", ie, true);
    check_match("cpe:2.3:o:microsoft:*:*:*:*:*:*:*:*:*", ie, false);
    // Case does not matter; NA only matches NA.
    check_match(
        "cpe:2.3:a:Apache:Log4J:2.14.1:*:*:*:*:*:*:*",
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        true,
    );
    check_match(
        "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
        true,
    );
    check_match(
        "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*",
        false,
    );
    check_match(
        "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
        "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
        true,
    );
    // Quoted punctuation is literal.
    check_match(
        r"cpe:2.3:a:gcc_6:gcc_6_base:6.3.0-18\+deb9u*:*:*:*:*:*:*:*",
        r"cpe:2.3:a:gcc_6:gcc_6_base:6.3.0-18\+deb9u1:*:*:*:*:*:*:*",
        true,
    );
    check_match(
        r"cpe:2.3:a:gcc_6:gcc_6_base:6.3.0-18\+deb9u1:*:*:*:*:*:*:*",
        "cpe:2.3:a:gcc_6:gcc_6_base:6.3.0-18:*:*:*:*:*:*:*",
        false,
    );
    // A target with wildcards is undefined, hence no match.
    check_match(
        "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*",
        false,
    );
}

/// Every CPE name in the corpus SBOMs and VEX documents parses, and printing it and parsing it
/// again gives the same name.
#[test]
fn corpus_cpe_names_round_trip() {
    let Some(corpus) = medsbom_testkit::corpus_dir() else {
        return;
    };
    let mut n_names = 0;
    let mut failures = Vec::new();
    for sub in ["sbom", "vex"] {
        let files = medsbom_testkit::files_below(&corpus.join(sub), &|path| {
            path.extension()
                .is_some_and(|ext| ext == "json" || ext == "xml" || ext == "spdx")
        });
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut rest = text.as_str();
            while let Some(start) = rest.find("cpe:") {
                let candidate = rest.get(start..).unwrap_or("");
                let end = candidate
                    .find(['"', '<', '>', ' ', '\n', '\r', '\t', ','])
                    .unwrap_or(candidate.len());
                let name = candidate.get(..end).unwrap_or("");
                rest = candidate.get(4..).unwrap_or("");
                if !(name.starts_with("cpe:2.3:") || name.starts_with("cpe:/")) {
                    continue;
                }
                n_names += 1;
                match Cpe::parse(name) {
                    Ok(cpe) => {
                        if Cpe::parse(&cpe.to_string()).as_ref() != Ok(&cpe) {
                            failures
                                .push(format!("{}: {name}: unstable round trip", path.display()));
                        }
                    }
                    Err(err) => failures.push(format!("{}: {err}", path.display())),
                }
            }
        }
    }
    eprintln!(
        "corpus CPE names: {n_names} parsed and round-tripped, {} failures",
        failures.len()
    );
    assert!(
        500 < n_names,
        "expected hundreds of CPE names in the corpus, found {n_names}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
