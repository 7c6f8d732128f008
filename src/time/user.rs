//! The times a user gives to `--since` and `--until`.

use super::stamp::parse_datetime;
use super::{Bucket, Zone};
use chrono::NaiveDate;

/// The first and last milliseconds of the years 1 to 9999, the times that can be
/// shown.
const MIN_MS: i64 = -62_135_596_800_000;
const MAX_MS: i64 = 253_402_300_799_999;

/// Parses a user-given time for `--since`/`--until`: RFC 3339, a date, a date and
/// time without zone (read in `zone`), `30m`/`3h`/`2d` before `now`, `today`,
/// `yesterday`, or `now`.
pub fn parse_user_time(s: &str, zone: &Zone, now_ms: i64) -> Option<i64> {
    let t = s.trim();
    match t {
        "now" => return Some(now_ms),
        "today" => return Some(zone.floor(now_ms, Bucket::Day)),
        "yesterday" => return Some(zone.floor(zone.floor(now_ms, Bucket::Day) - 1, Bucket::Day)),
        _ => {}
    }
    if let Some(unit) = t.chars().last().filter(|c| c.is_ascii_alphabetic()) {
        let n: &str = &t[..t.len() - 1];
        if let Ok(n) = n.parse::<i64>() {
            let ms = match unit {
                's' => 1_000,
                'm' => 60_000,
                'h' => 3_600_000,
                'd' => 86_400_000,
                'w' => 7 * 86_400_000,
                _ => return None,
            };
            // Checked: `--since 9999999999999999h` is refused, not wrapped around
            // (found by the fuzz target); and kept within the years a time can be
            // shown in.
            return n
                .checked_mul(ms)
                .and_then(|d| now_ms.checked_sub(d))
                .filter(|t| (MIN_MS..=MAX_MS).contains(t));
        }
    }
    let b = t.as_bytes();
    if let Some((ms, used)) = parse_datetime(b, zone) {
        if used == b.len() {
            return Some(ms);
        }
    }
    // Date and hours:minutes without seconds.
    if b.len() == 16 {
        let padded = format!("{t}:00");
        if let Some((ms, used)) = parse_datetime(padded.as_bytes(), zone) {
            if used == padded.len() {
                return Some(ms);
            }
        }
    }
    if b.len() == 10 {
        let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
        return zone.naive_to_ms(d.and_hms_opt(0, 0, 0)?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    /// Regression (found by the fuzz target `time`): a relative time whose
    /// milliseconds overflow panicked in a debug build and wrapped around in a
    /// release one; it is refused, as is one past the years a time can be shown in.
    #[test]
    fn relative_times_that_overflow_are_refused() {
        let now = utc("2026-11-23T10:30:00Z");
        for t in [
            "0757977575775777552s",
            "9999999999999999h",
            "-9999999999999999d",
            "99999999999w",
        ] {
            assert_eq!(parse_user_time(t, &Zone::Utc, now), None, "{t}");
        }
        assert_eq!(
            parse_user_time("3650d", &Zone::Utc, now),
            Some(now - 3650 * 86_400_000)
        );
    }

    #[test]
    fn user_times() {
        let z = Zone::Utc;
        let now = utc("2026-11-23T10:30:00Z");
        assert_eq!(
            parse_user_time("3h", &z, now),
            Some(utc("2026-11-23T07:30:00Z"))
        );
        assert_eq!(
            parse_user_time("30m", &z, now),
            Some(utc("2026-11-23T10:00:00Z"))
        );
        assert_eq!(
            parse_user_time("2d", &z, now),
            Some(utc("2026-11-21T10:30:00Z"))
        );
        assert_eq!(
            parse_user_time("today", &z, now),
            Some(utc("2026-11-23T00:00:00Z"))
        );
        assert_eq!(
            parse_user_time("yesterday", &z, now),
            Some(utc("2026-11-22T00:00:00Z"))
        );
        assert_eq!(
            parse_user_time("2026-11-22", &z, now),
            Some(utc("2026-11-22T00:00:00Z"))
        );
        assert_eq!(
            parse_user_time("2026-11-22 02:00", &z, now),
            Some(utc("2026-11-22T02:00:00Z"))
        );
        assert_eq!(
            parse_user_time("2026-11-22T02:00:00+08:00", &z, now),
            Some(utc("2026-11-21T18:00:00Z"))
        );
        assert_eq!(parse_user_time("soon", &z, now), None);
    }
}
