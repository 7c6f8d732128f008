//! The zone timestamps written without one are read in, and times and buckets are
//! shown in (`--tz`), with a per-thread cache of the machine's zone.

use super::stamp::parse_offset;
use super::Bucket;
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use std::fmt;

/// A time zone: the log zone naive timestamps are read in, or the display zone times
/// and buckets are shown in.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    Utc,
    Fixed(FixedOffset),
    Named(chrono_tz::Tz),
    Local,
}

/// A zone name that is neither an IANA name nor an offset.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown time zone '{0}' (use an IANA name like Asia/Shanghai, an offset like +08:00, or UTC)"
)]
pub struct BadZone(pub String);

impl Zone {
    /// Parses `UTC`, `Z`, `local`, `+08:00`, `+0800`, `-05` or an IANA name.
    pub fn parse(s: &str) -> Result<Zone, BadZone> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t.eq_ignore_ascii_case("gmt") {
            return Ok(Zone::Utc);
        }
        if t.eq_ignore_ascii_case("local") {
            return Ok(Zone::Local);
        }
        if let Some(off) = parse_offset(t.as_bytes()).filter(|(_, n)| *n == t.len()) {
            return Ok(Zone::Fixed(off.0));
        }
        t.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| BadZone(s.to_string()))
    }

    /// The machine's zone, as `date` would use it: `TZ` when it names a zone, else local.
    pub fn from_env() -> Zone {
        match std::env::var("TZ") {
            Ok(tz) if !tz.is_empty() => {
                Zone::parse(tz.trim_start_matches(':')).unwrap_or(Zone::Local)
            }
            _ => Zone::Local,
        }
    }

    /// Reads a wall-clock time in this zone (the earliest instant when a DST change
    /// makes it ambiguous).
    pub fn naive_to_ms(&self, ndt: NaiveDateTime) -> Option<i64> {
        let ms = match self {
            Zone::Utc => ndt.and_utc().timestamp_millis(),
            Zone::Fixed(o) => o.from_local_datetime(&ndt).earliest()?.timestamp_millis(),
            Zone::Named(tz) => tz.from_local_datetime(&ndt).earliest()?.timestamp_millis(),
            Zone::Local => local::wall_ms_to_ms(ndt.and_utc().timestamp_millis())?,
        };
        Some(ms)
    }

    /// Reads a wall-clock time given as ms since the epoch as if it were UTC (the
    /// parser's form) in this zone, as [`Zone::naive_to_ms`] does.
    pub fn wall_to_ms(&self, wall: i64) -> Option<i64> {
        match self {
            Zone::Utc => Some(wall),
            Zone::Fixed(o) => Some(wall - i64::from(o.local_minus_utc()) * 1000),
            Zone::Local => local::wall_ms_to_ms(wall),
            Zone::Named(_) => {
                self.naive_to_ms(DateTime::<Utc>::from_timestamp_millis(wall)?.naive_utc())
            }
        }
    }

    /// The offset from UTC in force at `ms`.
    pub fn offset_at(&self, ms: i64) -> FixedOffset {
        let utc = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        match self {
            Zone::Utc => FixedOffset::east_opt(0).expect("zero offset"),
            Zone::Fixed(o) => *o,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&utc.naive_utc()).fix(),
            Zone::Local => local::offset_at(ms),
        }
    }

    fn local(&self, ms: i64) -> DateTime<FixedOffset> {
        let utc = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        utc.with_timezone(&self.offset_at(ms))
    }

    /// RFC 3339 with milliseconds in this zone (`Z` for a zero offset).
    pub fn format(&self, ms: i64) -> String {
        self.local(ms)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    /// RFC 3339 to the second: used for bucket starts.
    pub fn format_secs(&self, ms: i64) -> String {
        self.local(ms)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// `HH:MM` in this zone.
    pub fn format_hm(&self, ms: i64) -> String {
        self.local(ms).format("%H:%M").to_string()
    }

    /// The start of the bucket holding `ms`, aligned in this zone's wall clock.
    pub fn floor(&self, ms: i64, bucket: Bucket) -> i64 {
        // A zone with one offset floors by arithmetic (this runs once per event).
        let fixed = match self {
            Zone::Utc => Some(0),
            Zone::Fixed(o) => Some(i64::from(o.local_minus_utc()) * 1000),
            _ => None,
        };
        if let Some(off) = fixed {
            let unit: i64 = match bucket {
                Bucket::None => return ms,
                Bucket::Minute => 60_000,
                Bucket::Hour => 3_600_000,
                Bucket::Day => 86_400_000,
            };
            let local = ms + off;
            return local - local.rem_euclid(unit) - off;
        }
        let local = self.local(ms).naive_local();
        let date = local.date();
        let t = local.time();
        use chrono::Timelike;
        let floored = match bucket {
            Bucket::None => return ms,
            Bucket::Minute => date.and_hms_opt(t.hour(), t.minute(), 0),
            Bucket::Hour => date.and_hms_opt(t.hour(), 0, 0),
            Bucket::Day => date.and_hms_opt(0, 0, 0),
        };
        floored.and_then(|n| self.naive_to_ms(n)).unwrap_or(ms)
    }

    /// A short name for headers: `UTC`, `+08:00`, `Asia/Shanghai` or `local`.
    pub fn name(&self) -> String {
        match self {
            Zone::Utc => "UTC".into(),
            Zone::Fixed(o) => o.to_string(),
            Zone::Named(tz) => tz.name().into(),
            Zone::Local => format!(
                "local, UTC{}",
                self.offset_at(chrono::Utc::now().timestamp_millis())
            ),
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The machine's zone, read through chrono (which asks the clock and the zone file
/// at every call) about once per hour of time: a per-thread cache of the last
/// hour's offset, kept only for an hour that has one offset from its start to its
/// end (an hour with a DST change in it is looked up every time).
mod local {
    use chrono::{DateTime, Local, LocalResult, Offset, TimeZone};
    use std::cell::Cell;

    const HOUR_MS: i64 = 3_600_000;

    thread_local! {
        /// (hour of wall-clock time, its offset in ms): for [`wall_ms_to_ms`].
        static WALL: Cell<(i64, i64)> = const { Cell::new((i64::MIN, 0)) };
        /// (hour of UTC time, its offset in ms): for [`offset_at`].
        static UTC: Cell<(i64, i64)> = const { Cell::new((i64::MIN, 0)) };
    }

    /// A wall-clock time (ms as if UTC) read in the machine's zone.
    pub fn wall_ms_to_ms(wall: i64) -> Option<i64> {
        WALL.with(|c| wall_to_ms(&Local, c, wall))
    }

    pub fn offset_at(ms: i64) -> chrono::FixedOffset {
        let off = UTC.with(|c| utc_offset_ms(&Local, c, ms));
        chrono::FixedOffset::east_opt((off / 1000) as i32).expect("an offset chrono gave")
    }

    /// `tz`'s offset in ms at wall-clock time `ms` (as if UTC), when there is one.
    fn wall_offset<Z: TimeZone>(tz: &Z, ms: i64) -> Option<i64> {
        let ndt = DateTime::from_timestamp_millis(ms)?.naive_utc();
        match tz.offset_from_local_datetime(&ndt) {
            LocalResult::Single(o) => Some(i64::from(o.fix().local_minus_utc()) * 1000),
            _ => None,
        }
    }

    fn utc_offset<Z: TimeZone>(tz: &Z, ms: i64) -> i64 {
        let ndt = DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .naive_utc();
        i64::from(tz.offset_from_utc_datetime(&ndt).fix().local_minus_utc()) * 1000
    }

    /// [`super::Zone::wall_to_ms`] in `tz`, through the one-hour cache `c`.
    pub(super) fn wall_to_ms<Z: TimeZone>(tz: &Z, c: &Cell<(i64, i64)>, wall: i64) -> Option<i64> {
        let hour = wall.div_euclid(HOUR_MS);
        let (h, off) = c.get();
        if h == hour {
            return Some(wall - off);
        }
        let start = hour * HOUR_MS;
        match (wall_offset(tz, start), wall_offset(tz, start + HOUR_MS - 1)) {
            (Some(a), Some(b)) if a == b => {
                c.set((hour, a));
                Some(wall - a)
            }
            _ => {
                let ndt = DateTime::from_timestamp_millis(wall)?.naive_utc();
                Some(tz.from_local_datetime(&ndt).earliest()?.timestamp_millis())
            }
        }
    }

    /// [`super::Zone::offset_at`] in `tz` (in ms), through the one-hour cache `c`.
    pub(super) fn utc_offset_ms<Z: TimeZone>(tz: &Z, c: &Cell<(i64, i64)>, ms: i64) -> i64 {
        let hour = ms.div_euclid(HOUR_MS);
        let (h, off) = c.get();
        if h == hour {
            return off;
        }
        let start = hour * HOUR_MS;
        let a = utc_offset(tz, start);
        if utc_offset(tz, start + HOUR_MS - 1) == a {
            c.set((hour, a));
            return a;
        }
        utc_offset(tz, ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn the_hourly_offset_cache_agrees_with_the_zone_across_dst_changes() {
        use std::cell::Cell;
        // New York changes at 02:00 by an hour, Lord Howe at 02:00 by half an hour,
        // St. John's (in 2010) at 00:01, Kathmandu is at +05:45; every 7 minutes
        // over a year, forward and back.
        for tz in [
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Kathmandu,
        ] {
            for year in ["2010", "2026"] {
                let (wall, by_utc) = (Cell::new((i64::MIN, 0)), Cell::new((i64::MIN, 0)));
                let start = utc(&format!("{year}-01-01T00:00:00Z"));
                let steps: Vec<i64> = (0..75_000).map(|k| start + k * 7 * 60_000).collect();
                for &ms in steps.iter().chain(steps.iter().rev()) {
                    let ndt = DateTime::from_timestamp_millis(ms).unwrap().naive_utc();
                    let want = tz
                        .from_local_datetime(&ndt)
                        .earliest()
                        .map(|t| t.timestamp_millis());
                    assert_eq!(local::wall_to_ms(&tz, &wall, ms), want, "{tz} {ndt}");
                    let off = tz.offset_from_utc_datetime(&ndt).fix().local_minus_utc();
                    let got = local::utc_offset_ms(&tz, &by_utc, ms);
                    assert_eq!(got, i64::from(off) * 1000, "{tz} {ndt}");
                }
            }
        }
    }

    #[test]
    fn zone_parsing() {
        assert_eq!(Zone::parse("UTC").unwrap(), Zone::Utc);
        assert_eq!(
            Zone::parse("+0800").unwrap(),
            Zone::Fixed(FixedOffset::east_opt(8 * 3600).unwrap())
        );
        assert_eq!(
            Zone::parse("-05:30").unwrap(),
            Zone::Fixed(FixedOffset::east_opt(-(5 * 3600 + 1800)).unwrap())
        );
        assert!(Zone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn buckets_floor_in_the_display_zone() {
        let z = Zone::parse("+05:30").unwrap();
        let t = utc("2026-11-22T18:50:00Z"); // 00:20 local next day
        assert_eq!(
            z.format_secs(z.floor(t, Bucket::Hour)),
            "2026-11-23T00:00:00+05:30"
        );
        assert_eq!(
            z.format_secs(z.floor(t, Bucket::Day)),
            "2026-11-23T00:00:00+05:30"
        );
    }

    #[test]
    fn fixed_zones_floor_as_the_calendar_does() {
        use chrono::{TimeZone, Timelike};
        for zone in ["UTC", "+05:45", "-03:30", "+14:00"] {
            let z = Zone::parse(zone).unwrap();
            let off = match &z {
                Zone::Utc => chrono::FixedOffset::east_opt(0).unwrap(),
                Zone::Fixed(o) => *o,
                _ => unreachable!(),
            };
            // Before and after 1970, across a day and a year boundary.
            for t in [
                -86_400_123_i64,
                -1,
                0,
                1_767_225_599_999,
                1_795_341_600_000,
                1_795_395_959_001,
            ] {
                let l = off.timestamp_millis_opt(t).unwrap().naive_local();
                let at = |h, m| {
                    off.from_local_datetime(&l.date().and_hms_opt(h, m, 0).unwrap())
                        .unwrap()
                        .timestamp_millis()
                };
                assert_eq!(
                    z.floor(t, Bucket::Minute),
                    at(l.hour(), l.minute()),
                    "{zone} {t}"
                );
                assert_eq!(z.floor(t, Bucket::Hour), at(l.hour(), 0), "{zone} {t}");
                assert_eq!(z.floor(t, Bucket::Day), at(0, 0), "{zone} {t}");
                assert_eq!(z.floor(t, Bucket::None), t);
            }
        }
    }
}
