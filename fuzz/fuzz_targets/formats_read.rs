//! Fuzz target: the facade (decode with small limits, sniff, read, validate) must return a
//! result for any input, never panic or hang.
#![no_main]

use medsbom_formats::Limits;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_input_bytes: 1 << 20,
        max_decompressed_bytes: 4 << 20,
    };
    let Ok(decoded) = medsbom_formats::decode(data.to_vec(), &limits) else {
        return;
    };
    let _ = medsbom_formats::read(&decoded);
    let _ = medsbom_formats::validate(&decoded);
});
