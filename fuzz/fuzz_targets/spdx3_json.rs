//! Fuzz target: the SPDX 3 JSON-LD reader must return a result for any input, never panic or hang.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = medsbom_spdx::read_spdx3_json(data);
});
