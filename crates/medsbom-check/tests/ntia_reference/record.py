"""Records the reference checker's verdicts on the NTIA test corpus as tests/ntia_reference/table.rs.

Usage (outside the repository; needs PyPI):
    python3 -m venv /tmp/ntia5 && /tmp/ntia5/bin/pip install ntia-conformance-checker==5.0.3
    python3 -m venv /tmp/ntia6 && /tmp/ntia6/bin/pip install ntia-conformance-checker==6.0.0
    /tmp/ntia5/bin/python record.py run CORPUS/parser-tests/ntia-conformance-checker-tests > v5.json
    /tmp/ntia6/bin/python record.py run CORPUS/parser-tests/ntia-conformance-checker-tests > v6.json
    python3 record.py table v5.json v6.json > table.rs
The 1.25 MB tag-value file takes minutes: spdx-tools' validation is slow.
"""
import json
import logging
import os
import sys


def run(root):
    logging.disable(logging.CRITICAL)
    from ntia_conformance_checker.sbom_checker import SbomChecker

    out = []
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if name == "LICENSE" or name.endswith((".md", ".toml")):
                continue
            spec = "spdx3" if "/spdx3/" in path else "spdx2"
            for compliance in ["ntia", "fsct3-min"]:
                rec = {"file": os.path.relpath(path, root), "compliance": compliance}
                try:
                    c = SbomChecker(path, compliance=compliance, sbom_spec=spec)
                    rec.update(
                        compliant=bool(c.compliant),
                        parse_errors=len(c.parsing_errors),
                        validation=[str(getattr(m, "validation_message", m)) for m in c.validation_messages],
                        author=c.doc_author,
                        timestamp=c.doc_timestamp,
                        deps=c.dependency_relationships,
                        no_name=[x[1] for x in c.components_without_names],
                        no_version=[x[1] for x in c.components_without_versions],
                        no_supplier=[x[1] for x in c.components_without_suppliers],
                        no_id=[x[1] for x in c.components_without_identifiers],
                        no_license=[x[1] for x in c.components_without_concluded_licenses],
                        no_copyright=[x[1] for x in c.components_without_copyright_texts],
                    )
                except Exception as err:  # the checker itself crashes on some inputs
                    rec["exception"] = repr(err)[:300]
                out.append(rec)
    json.dump(sorted(out, key=lambda r: (r["file"], r["compliance"])), sys.stdout, indent=1)


def table(v5_path, v6_path):
    v5 = {(r["file"], r["compliance"]): r for r in json.load(open(v5_path))}
    v6 = {(r["file"], r["compliance"]): r for r in json.load(open(v6_path))}
    print("const REFERENCE: &[Reference] = &[")
    for f in sorted({f for f, _ in v5}):
        n = v5[(f, "ntia")]
        fs = v5[(f, "fsct3-min")]
        if "exception" in fs:
            fs = v6[(f, "fsct3-min")]
        if "exception" in n:
            print(f'    // {f}: the reference checker raised {n["exception"][:60]}')
            print(f'    Reference {{ file: "{f}", ntia: false, fsct3: false, elements: None }},')
            continue
        if n["parse_errors"] == 0:
            el = (
                f'Some(Elements {{ supplier: {len(n["no_supplier"])}, name: {len(n["no_name"])}, '
                f'version: {len(n["no_version"])}, identifier: {len(n["no_id"])}, '
                f'license: {len(n["no_license"])}, copyright: {len(n["no_copyright"])}, '
                f'describes_package: {str(n["deps"]).lower()}, valid: {str(not n["validation"]).lower()} }})'
            )
        else:
            el = "None"
        print(
            f'    Reference {{ file: "{f}", ntia: {str(n["compliant"]).lower()}, '
            f'fsct3: {str(fs.get("compliant", False)).lower()}, elements: {el} }},'
        )
    print("];")


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2])
    else:
        table(sys.argv[2], sys.argv[3])
