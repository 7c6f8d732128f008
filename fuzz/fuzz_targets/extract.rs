//! The extractor and the body parser on any bytes: `record_at` at every offset
//! (with the line start as a floor too), `parse_at` at every `{` and `&`, and a
//! whole-chunk scan. None may panic. See docs/FUZZING.md.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okxscan::extract::record_at;
use okxscan::extract::value::parse_at;
use okxscan::scan::{scan_chunk, ScanOptions};
use okxscan::time::Zone;

fuzz_target!(|data: &[u8]| {
    // Offsets are quadratic work: keep inputs to what one log line can be.
    let data = &data[..data.len().min(4096)];
    let mut out = Vec::new();
    for hit in 0..data.len() {
        out.clear();
        record_at(data, hit, 0, &mut out);
        let lo = data[..hit]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        out.clear();
        record_at(data, hit, lo, &mut out);
        if matches!(data[hit], b'{' | b'&') {
            let _ = parse_at(data, hit);
        }
    }
    let opts = ScanOptions {
        zone: Zone::Utc,
        count_lines: true,
        keep_text: true,
        clues: true,
    };
    let _ = scan_chunk(data, &opts);
});
