//! Fuzz target: the SPDX 2 YAML reader must return a result for any input, never panic or hang.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = medsbom_spdx::read_yaml(data);
});
