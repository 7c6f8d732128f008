//! The timestamp reader on any line, in a fixed offset and a zone with DST, and the
//! parser of user times (`--since`). None may panic. See docs/FUZZING.md.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okxscan::time::{line_time, parse_user_time, Zone};

fuzz_target!(|data: &[u8]| {
    let zones = [
        Zone::Utc,
        Zone::parse("+08:00").unwrap(),
        Zone::parse("America/New_York").unwrap(),
    ];
    for z in &zones {
        for line in data.split(|&c| c == b'\n') {
            let _ = line_time(line, z);
        }
        if let Ok(s) = std::str::from_utf8(data) {
            let _ = parse_user_time(s, z, 1_795_341_600_000);
        }
    }
});
