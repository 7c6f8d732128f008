//! The byte-level parser that finds a log line's own timestamp: ISO-like dates,
//! epoch numbers, and the time field of a JSON line. It works on raw bytes so that
//! it never has to decode a line as UTF-8.

use super::Zone;
use chrono::FixedOffset;
use std::ops::Range;

/// How far into a line its own timestamp may start (prefixes such as
/// `freqtrade_1  | ` or `[` or `time="`).
const LEAD: usize = 40;

/// The log line's own timestamp, if it has one.
pub fn line_time(line: &[u8], zone: &Zone) -> Option<i64> {
    line_stamp(line, zone).map(|s| s.ms)
}

/// A line's own timestamp and where it lies on the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    pub ms: i64,
    pub span: Range<usize>,
    /// A field of a JSON line (`{"ts":"...",...}`): the stamp lies inside the
    /// line's body.
    pub field: bool,
}

/// [`line_time`], with where the stamp lies on the line.
pub fn line_stamp(line: &[u8], zone: &Zone) -> Option<Stamp> {
    let stamp = |ms, span: Range<usize>, field| Stamp { ms, span, field };
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &line[start..];
    if rest.first() == Some(&b'{') {
        if let Some((t, r)) = json_field_time(rest, zone) {
            return Some(stamp(t, start + r.start..start + r.end, true));
        }
    }
    if let Some((t, n)) = leading_epoch(rest) {
        return Some(stamp(t, start..start + n, false));
    }
    // Most stamped lines start with the stamp.
    if start <= LEAD && rest[0].is_ascii_digit() {
        if let Some((t, n)) = parse_datetime(rest, zone) {
            return Some(stamp(t, start..start + n, false));
        }
    }
    // Else a stamp starts at a digit that starts a run, at most LEAD bytes in, and
    // has its clock's colons 13 and 16 bytes on: only those starts are tried, in
    // order (lines with no stamp, such as a traceback's, are rejected at a glance).
    let hi = line.len().min(LEAD + 14);
    if hi <= 13 {
        return None;
    }
    memchr::memchr_iter(b':', &line[13..hi])
        .map(|q| q + 13)
        .filter(|&p| line.get(p + 3) == Some(&b':'))
        .map(|p| p - 13)
        .filter(|&i| line[i].is_ascii_digit() && (i == 0 || !line[i - 1].is_ascii_digit()))
        .find_map(|i| parse_datetime(&line[i..], zone).map(|(t, n)| stamp(t, i..i + n, false)))
}

thread_local! {
    /// The first 16 bytes of the last stamp read (`YYYY-MM-DD HH:MM`), valid, and
    /// its minute as wall-clock ms.
    static MINUTE: std::cell::Cell<([u8; 16], i64)> = const { std::cell::Cell::new(([0; 16], 0)) };
}

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.,frac][Z|±HH:MM|±HHMM|±HH]` (also `/` in the date)
/// at the start of `b`. Returns the instant and the bytes used.
pub fn parse_datetime(b: &[u8], zone: &Zone) -> Option<(i64, usize)> {
    // Fixed places: checked with no bounds checks left (this runs at every event's
    // line and at each stamped line a walk back meets).
    let h: &[u8; 19] = b.get(..19)?.try_into().ok()?;
    let sep = h[4];
    if sep != b'-' && sep != b'/' || h[7] != sep || !matches!(h[10], b'T' | b' ' | b'_') {
        return None;
    }
    if h[13] != b':' || h[16] != b':' {
        return None;
    }
    let n = |i: usize| {
        let d = h[i].wrapping_sub(b'0');
        (d <= 9).then_some(u32::from(d))
    };
    let two = |i: usize| Some(n(i)? * 10 + n(i + 1)?);
    let second = two(17)?;
    // A fraction of any length; its first three digits are the milliseconds.
    let mut i = 19;
    let mut millis: u32 = 0;
    // Milliseconds may also follow a colon (`HH:mm:ss:fff`, as .NET and some Java
    // loggers write them): exactly three digits there.
    let colon_ms = b.get(i) == Some(&b':')
        && b.get(i + 1..i + 4)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && !b.get(i + 4).is_some_and(u8::is_ascii_digit);
    if (matches!(b.get(i), Some(b'.') | Some(b',')) || colon_ms)
        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        i += 1;
        let mut scale = 100u32;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            millis += u32::from(d - b'0') * scale;
            scale /= 10;
            i += 1;
        }
    }
    // The date to the minute, as the last stamp read on this thread had it (lines
    // come minutes at a time), or read and checked.
    let head: [u8; 16] = h[..16].try_into().expect("16 of 19 bytes");
    let minute_start = match MINUTE.get() {
        (last, ms) if last == head => ms,
        _ => {
            let year = two(0)? * 100 + two(2)?;
            let (month, day) = (two(5)?, two(8)?);
            let (hour, minute) = (two(11)?, two(14)?);
            if !(1990..=2100).contains(&year) || hour > 23 || minute > 59 {
                return None;
            }
            if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
                return None;
            }
            // By arithmetic: chrono's checked constructors cost several times this.
            let ms = days_from_civil(year, month, day) * 86_400_000
                + i64::from(hour * 3_600_000 + minute * 60_000);
            MINUTE.set((head, ms));
            ms
        }
    };
    let wall = minute_start + i64::from(second.min(59) * 1000 + millis);
    // Zone: Z, +HH:MM, +HHMM, +HH, or " UTC".
    let tail = &b[i..];
    if tail.first() == Some(&b'Z') {
        return Some((wall, i + 1));
    }
    if matches!(tail.first(), Some(b'+') | Some(b'-')) {
        if let Some((off, n)) = parse_offset(tail) {
            return Some((wall - i64::from(off.local_minus_utc()) * 1000, i + n));
        }
    }
    if tail.starts_with(b" UTC") || tail.starts_with(b" GMT") {
        return Some((wall, i + 4));
    }
    Some((zone.wall_to_ms(wall)?, i))
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years from
/// March, so that the leap day ends a year).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `±HH:MM`, `±HHMM` or `±HH` at the start of `b`, with the bytes used.
pub(super) fn parse_offset(b: &[u8]) -> Option<(FixedOffset, usize)> {
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let h = digits(b, 1, 2)?;
    let (m, n) = if b.get(3) == Some(&b':') {
        (digits(b, 4, 2)?, 6)
    } else if let Some(m) = digits(b, 3, 2) {
        (m, 5)
    } else {
        (0, 3)
    };
    if b.get(n).is_some_and(u8::is_ascii_digit) || h > 14 || m > 59 {
        return None;
    }
    let off = FixedOffset::east_opt(sign * (h as i32 * 3600 + m as i32 * 60))?;
    Some((off, n))
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    let mut v = 0u32;
    for &d in s {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(d - b'0');
    }
    Some(v)
}

/// Milliseconds from an epoch number in seconds, milliseconds, microseconds or
/// nanoseconds (told apart by size), if it falls between 2000 and 2100.
pub fn epoch_ms(int_part: u64, frac: f64) -> Option<i64> {
    const S2000: u64 = 946_684_800;
    const S2100: u64 = 4_102_444_800;
    let ms = if (S2000..S2100).contains(&int_part) {
        int_part as f64 * 1000.0 + frac * 1000.0
    } else if (S2000 * 1000..S2100 * 1000).contains(&int_part) {
        int_part as f64 + frac
    } else if (S2000 * 1_000_000..S2100 * 1_000_000).contains(&int_part) {
        int_part as f64 / 1000.0
    } else if (S2000 * 1_000_000_000..S2100 * 1_000_000_000).contains(&int_part) {
        int_part as f64 / 1_000_000.0
    } else {
        return None;
    };
    Some(ms.floor() as i64)
}

/// Parses `1763835151189`, `1763835151.189` at the start of `b` (optionally after `[`,
/// `ts=` or `time=`), requiring a non-digit after it.
/// A leading epoch number, with the bytes it takes.
fn leading_epoch(b: &[u8]) -> Option<(i64, usize)> {
    let mut i = 0;
    if b.first() == Some(&b'[') {
        i = 1;
    } else if b.starts_with(b"ts=") {
        i = 3;
    } else if b.starts_with(b"time=") {
        i = 5;
    }
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let n = i - start;
    if !(10..=19).contains(&n) {
        return None;
    }
    let int: u64 = std::str::from_utf8(&b[start..i]).ok()?.parse().ok()?;
    let mut frac = 0.0;
    if b.get(i) == Some(&b'.') {
        let fs = i + 1;
        let mut j = fs;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j > fs {
            frac = std::str::from_utf8(&b[i..j]).ok()?.parse::<f64>().ok()?;
            i = j;
        }
    }
    match b.get(i) {
        None => {}
        Some(c) if c.is_ascii_whitespace() || matches!(c, b']' | b'|' | b',' | b':') => {}
        _ => return None,
    }
    Some((epoch_ms(int, frac)?, i))
}

/// The time of a JSON log line from a top-level `ts`, `time`, `timestamp` or
/// `@timestamp` field (string date or epoch number).
/// The time in a JSON line's `ts`-like field, with where its value lies.
fn json_field_time(line: &[u8], zone: &Zone) -> Option<(i64, Range<usize>)> {
    const KEYS: [&[u8]; 4] = [b"ts", b"time", b"timestamp", b"@timestamp"];
    let mut depth = 0i32;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth <= 0 {
                    return None;
                }
            }
            b'"' => {
                let s = i + 1;
                let mut j = s;
                while j < line.len() && line[j] != b'"' {
                    if line[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= line.len() {
                    // A string that does not end: no field to read.
                    return None;
                }
                let key = &line[s..j];
                i = j + 1;
                if depth == 1 && KEYS.contains(&key) {
                    let mut k = i;
                    while k < line.len() && (line[k] == b' ' || line[k] == b':') {
                        k += 1;
                    }
                    if line.get(k) == Some(&b'"') {
                        if let Some((t, n)) = parse_datetime(&line[k + 1..], zone) {
                            return Some((t, k + 1..k + 1 + n));
                        }
                        let v = &line[k + 1..];
                        let end = v.iter().position(|&c| c == b'"').unwrap_or(0);
                        return Some((number_time(&v[..end])?, k + 1..k + 1 + end));
                    }
                    let end = line[k..]
                        .iter()
                        .position(|c| !(c.is_ascii_digit() || *c == b'.'))
                        .map_or(line.len(), |p| k + p);
                    return Some((number_time(&line[k..end])?, k..end));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn number_time(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, format!("0.{f}").parse::<f64>().ok()?),
        None => (s, 0.0),
    };
    epoch_ms(int.parse().ok()?, frac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate};
    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn stamps_are_found_where_a_byte_by_byte_look_finds_them() {
        // The rule written plainly: the first digit-run start, at most LEAD bytes
        // in, where a stamp parses (after the JSON and epoch forms).
        fn plain(line: &[u8], zone: &Zone) -> Option<i64> {
            let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
            let rest = &line[start..];
            if rest[0] == b'{' {
                if let Some((t, _)) = json_field_time(rest, zone) {
                    return Some(t);
                }
            }
            if let Some((t, _)) = leading_epoch(rest) {
                return Some(t);
            }
            let lead = &line[..line.len().min(LEAD + 25)];
            (0..lead.len().min(LEAD + 1))
                .filter(|&i| i + 10 <= lead.len())
                .filter(|&i| lead[i].is_ascii_digit() && (i == 0 || !lead[i - 1].is_ascii_digit()))
                .find_map(|i| parse_datetime(&line[i..], zone))
                .map(|(t, _)| t)
        }
        let pieces: &[&str] = &[
            "2026-11-22 18:25:07,709",
            "2026/11/22 18:25:07",
            "2026-11-22T18:25:07.1+08:00",
            "12026-11-22 18:25:07",
            "18:25:07",
            "2026-13-22 18:25:07",
            "1795370469289",
            " ",
            "    ",
            "                         ",
            "[",
            "x",
            "|",
            ":",
            "::",
            "0",
            "99",
            "freqtrade_1  | ",
            "a:b:c",
            "File \"/srv/bot/x.py\", line 3818, in f",
            "{\"ts\":\"2026-11-22T18:00:08Z\"}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            let mut line = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(1 + seed % 6) {
                line.push_str(pieces[((seed >> (k * 8 + 3)) % pieces.len() as u64) as usize]);
            }
            assert_eq!(
                line_time(line.as_bytes(), &Zone::Utc),
                plain(line.as_bytes(), &Zone::Utc),
                "{line:?}"
            );
            // The stamp's place holds it: its first byte starts a digit run (or
            // the `[` of an epoch) and it ends on the line.
            if let Some(st) = line_stamp(line.as_bytes(), &Zone::Utc) {
                let b = line.as_bytes();
                assert!(
                    st.span.end <= b.len() && st.span.start < st.span.end,
                    "{line:?}"
                );
                assert!(
                    b[st.span.start].is_ascii_digit() || b[st.span.start] == b'[',
                    "{line:?}"
                );
            }
        }
    }

    #[test]
    fn stamps_read_as_chrono_reads_them() {
        // Dates and clocks, valid and not (Feb 29 off leap years, day 31 of short
        // months, hour 24), held to chrono's own checked constructors.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let pick = |shift: u32, n: u64| ((seed >> shift) % n) as u32;
            let (y, mo, d) = (1990 + pick(0, 111), pick(8, 14), pick(16, 33));
            let (h, mi, s) = (pick(24, 26), pick(32, 61), pick(40, 62));
            // A fraction of 0 to 9 digits.
            let frac: String = (0..pick(48, 10))
                .map(|k| char::from(b'0' + ((seed >> (k * 3)) % 10) as u8))
                .collect();
            let dot = if frac.is_empty() { "" } else { "," };
            let text = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{dot}{frac}");
            let nanos: u32 = format!("{frac:0<9}").parse().unwrap();
            let want = NaiveDate::from_ymd_opt(y as i32, mo, d)
                .and_then(|date| date.and_hms_nano_opt(h, mi, s.min(59), nanos))
                .map(|t| t.and_utc().timestamp_millis());
            let got = parse_datetime(text.as_bytes(), &Zone::Utc).map(|(t, _)| t);
            assert_eq!(got, want, "{text}");
            // The same minute again, other seconds: read from the minute remembered.
            let s2 = (s + 7) % 62;
            let again = format!("{}{s2:02}.5", &text[..17]);
            let want = NaiveDate::from_ymd_opt(y as i32, mo, d)
                .and_then(|date| date.and_hms_milli_opt(h, mi, s2.min(59), 500))
                .map(|t| t.and_utc().timestamp_millis());
            let got = parse_datetime(again.as_bytes(), &Zone::Utc).map(|(t, _)| t);
            assert_eq!(got, want, "{again} after {text}");
        }
    }

    #[test]
    fn line_formats() {
        let z = Zone::Utc;
        let cases: &[(&str, &str)] = &[
            (
                "2022-07-27 15:36:59,254 - freqtrade - WARNING",
                "2022-07-27T15:36:59.254Z",
            ),
            (
                "2023-09-11T15:43:19.379Z onMessage",
                "2023-09-11T15:43:19.379Z",
            ),
            (
                "2026-11-23T02:12:31.189+0800\tERROR",
                "2026-11-22T18:12:31.189Z",
            ),
            ("2026-11-23T02:12:31+08:00 x", "2026-11-22T18:12:31Z"),
            (
                "[2026-11-22 18:12:31.189] ERROR",
                "2026-11-22T18:12:31.189Z",
            ),
            ("2026/11/22 18:12:31 ERROR", "2026-11-22T18:12:31Z"),
            // Milliseconds after a colon; nanoseconds; no fraction.
            ("2024-03-01 10:00:05:123 ERROR", "2024-03-01T10:00:05.123Z"),
            ("[2024-03-01 10:00:05:123] x", "2024-03-01T10:00:05.123Z"),
            (
                "2022-03-29T09:14:37.123456789Z stdout F",
                "2022-03-29T09:14:37.123Z",
            ),
            ("2024-03-01 10:00:05 ERROR x", "2024-03-01T10:00:05Z"),
            ("2024-03-01 10:00:05:INFO", "2024-03-01T10:00:05Z"),
            (
                "freqtrade_1  | 2026-11-22 18:12:31,189 - x",
                "2026-11-22T18:12:31.189Z",
            ),
            ("1763835151189 ERROR rest", "2025-11-22T18:12:31.189Z"),
            ("1763835151.5 ERROR rest", "2025-11-22T18:12:31.500Z"),
            (
                r#"{"ts":"2026-11-22T18:12:31.189Z","level":"error"}"#,
                "2026-11-22T18:12:31.189Z",
            ),
            (
                r#"{"level":"error","@timestamp":"2026-11-22T18:12:31Z"}"#,
                "2026-11-22T18:12:31Z",
            ),
            (
                r#"{"ts":1763835151189,"msg":"x"}"#,
                "2025-11-22T18:12:31.189Z",
            ),
            (
                r#"{"ts":1763835151.189,"msg":"x"}"#,
                "2025-11-22T18:12:31.189Z",
            ),
            (
                "time=\"2026-11-22T18:12:31+08:00\" level=error",
                "2026-11-22T10:12:31Z",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(line_time(line.as_bytes(), &z), Some(utc(want)), "{line}");
        }
    }

    #[test]
    fn not_a_line_time() {
        let z = Zone::Utc;
        for line in [
            "    at okx.handleErrors (file:///x.js:1:2)",
            r#"{"code":"50004","data":[],"msg":"timeout"}, 400"#,
            "Request: POST https://www.okex.com/api/swap/v3/order {'OK-ACCESS-TIMESTAMP': '2021-01-15T11:35:39.992Z'}",
            r#"      "ts": "1747810409416""#,
            "Reading bot-2026-11-21.log",
            "12345 apples",
        ] {
            assert_eq!(line_time(line.as_bytes(), &z), None, "{line}");
        }
    }

    #[test]
    fn a_json_line_cut_after_a_time_key_does_not_panic() {
        for line in [
            &b"{\"ts"[..],
            b"{\"@timestamp",
            b"{\"ts\"",
            b"{\"ts\":",
            b"{\"ts\\",
            b"{\"time\":\"",
        ] {
            assert_eq!(
                line_time(line, &Zone::Utc),
                None,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn naive_times_take_the_zone() {
        let z = Zone::parse("Asia/Shanghai").unwrap();
        let t = line_time(b"2026-11-22 18:00:00,000 x", &z).unwrap();
        assert_eq!(t, utc("2026-11-22T10:00:00Z"));
        assert_eq!(z.format(t), "2026-11-22T18:00:00.000+08:00");
    }
}
