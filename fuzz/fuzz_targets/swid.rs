//! Fuzz target: the SWID reader and the NISTIR 8060 checker must return a result for any
//! input, never panic or hang.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = medsbom_swid::read_xml(data);
    let _ = medsbom_swid::check_nistir_8060(data, medsbom_swid::Authority::Detect);
});
