//! Fuzz target: the CycloneDX JSON reader must return a result for any input, never panic or hang.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = medsbom_cyclonedx::read_json(data);
});
