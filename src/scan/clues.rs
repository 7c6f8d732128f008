//! Clues: lines that are not OKX errors but explain them. A request-header dump
//! whose `OK-ACCESS-PASSPHRASE` is `nan`, `None`, `null` or empty says the
//! credentials were never loaded; an `OK-ACCESS-TIMESTAMP` next to the line's own
//! time says how far the clock the bot signs with is from the clock it logs with.
//!
//! Found only when [`super::ScanOptions::clues`] is on (reports), with the same
//! habits as the event scan: one `memmem` pass over the chunk for `ACCESS` (in
//! three cases), work only around a hit. The header is read in the spellings and
//! with the separators the masking reads ([`crate::redact::value_after`] for both):
//! a tab-separated dump whose values are set is not a dump of empty values. A clue keeps its kind, its line and its time,
//! never a header's value: a secret cannot leak from here.

use super::LineCounter;
pub use crate::event::{Clue, ClueKind};
use crate::extract::line_bounds;
use crate::redact::value_after;
use crate::time::{line_time, parse_datetime, Zone};
use memchr::memmem;

/// Values that mean "nothing was loaded".
const MISSING: [&str; 7] = ["", "nan", "none", "null", "nil", "undefined", "<nil>"];

/// The header names after `OK-ACCESS-`, matched in any case.
const NAMES: [&[u8]; 4] = [b"PASSPHRASE", b"KEY", b"SIGN", b"TIMESTAMP"];

/// An `OK-ACCESS-<NAME>` header whose `ACCESS` starts at `at`, in any spelling the
/// masking reads (`OK-ACCESS-KEY`, `ok_access_key`, `OK ACCESS KEY`,
/// `okAccessKey`): the name's start and end, and which of [`NAMES`] it is.
fn header_at(data: &[u8], at: usize) -> Option<(usize, usize, usize)> {
    let is_sep = |c: u8| matches!(c, b'-' | b'_' | b' ');
    let ok_end = if at > 0 && is_sep(data[at - 1]) {
        at - 1
    } else {
        at
    };
    let start = ok_end.checked_sub(2)?;
    if !data[start..ok_end].eq_ignore_ascii_case(b"ok")
        // A letter before is a longer word; a digit may end a `\u0022` quote.
        || (start > 0 && data[start - 1].is_ascii_alphabetic())
    {
        return None;
    }
    let mut i = at + ACCESS.len();
    if data.get(i).is_some_and(|&c| is_sep(c)) {
        i += 1;
    }
    let rest = &data[i.min(data.len())..];
    let name = NAMES
        .iter()
        .position(|n| rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n))?;
    let end = i + NAMES[name].len();
    if data
        .get(end)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    {
        return None;
    }
    Some((start, name, end))
}

const ACCESS: &[u8] = b"ACCESS";

/// Finds the clues of one chunk (whole lines), in order.
pub fn find_clues(data: &[u8], zone: &Zone) -> Vec<Clue> {
    let mut hits: Vec<usize> = Vec::new();
    for p in [ACCESS, b"access", b"Access"] {
        hits.extend(memmem::find_iter(data, p));
    }
    if hits.is_empty() {
        return Vec::new();
    }
    hits.sort_unstable();
    let mut out = Vec::new();
    let mut lines = LineCounter::default();
    // The line of the last clue and its settled time: lines between two clues are
    // walked once.
    let mut prev: Option<(usize, usize, Option<i64>, bool)> = None;
    for access in hits {
        let Some((at, name, name_end)) = header_at(data, access) else {
            continue;
        };
        // The separators and quotes the masking reads (tab, several spaces, `=`,
        // `：`, `\u0022`, ...): a value the masking hides is a value that was set.
        let Some((vs, ve)) = value_after(data, at, name_end) else {
            continue;
        };
        let kind = match name {
            3 => match parse_datetime(&data[vs..], zone) {
                Some((request_ms, _)) => ClueKind::Timestamp { request_ms },
                None => continue,
            },
            _ => {
                let value = String::from_utf8_lossy(&data[vs..ve]);
                let value = value.trim();
                // A bare value that is the next header's name (`OK-ACCESS-PASSPHRASE:\t\tOK-ACCESS-SIGN: ...`): the value was empty.
                let next_name = value.ends_with(':');
                if !next_name && !MISSING.iter().any(|m| value.eq_ignore_ascii_case(m)) {
                    continue;
                }
                [
                    ClueKind::MissingPassphrase,
                    ClueKind::MissingKey,
                    ClueKind::EmptySign,
                ][name]
            }
        };
        let (ls, le) = line_bounds(data, at);
        let request = match kind {
            ClueKind::Timestamp { request_ms } => Some(request_ms),
            _ => None,
        };
        let (time, open) = match prev {
            Some((pls, _, t, o)) if pls == ls => (t, o),
            _ => {
                let own = line_time(&data[ls..at], zone)
                    .or_else(|| line_time(&data[ls..le], zone).filter(|&t| Some(t) != request));
                match own {
                    Some(t) => (Some(t), false),
                    None => {
                        let floor = prev.map_or(0, |(_, ple, _, _)| next_line(data, ple));
                        match time_above(data, ls, floor, zone) {
                            Some(t) => (Some(t), false),
                            None => match prev {
                                Some((_, _, t, o)) => (t, o),
                                None => (None, true),
                            },
                        }
                    }
                }
            }
        };
        prev = Some((ls, le, time, open));
        out.push(Clue {
            kind,
            source: 0,
            line: lines.upto(data, at),
            time,
            open,
        });
    }
    out
}

fn next_line(data: &[u8], end: usize) -> usize {
    memchr::memchr(b'\n', &data[end.min(data.len())..]).map_or(data.len(), |p| end + p + 1)
}

/// A header line of a dump (`OK-ACCESS-TIMESTAMP: ...`): its date is the request's,
/// not the log's.
fn is_header_line(line: &[u8]) -> bool {
    let t = line
        .iter()
        .take_while(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\''))
        .count();
    [t + 2, t + 3].into_iter().any(|a| {
        line.get(a..a + ACCESS.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(ACCESS))
            && header_at(line, a).is_some_and(|(s, _, _)| s == t)
    })
}

/// The time of the nearest timestamped line above the line starting at `from`,
/// down to `floor`, header lines skipped.
fn time_above(data: &[u8], from: usize, floor: usize, zone: &Zone) -> Option<i64> {
    let mut pos = from;
    while pos > floor {
        let (ps, pe) = line_bounds(data, pos - 1);
        let ps = ps.max(floor);
        let line = &data[ps..pe];
        if !is_header_line(line) {
            if let Some(t) = line_time(line, zone) {
                return Some(t);
            }
        }
        pos = ps;
    }
    None
}

/// Settles the clues of a chunk: the source, the 1-based line (`line_base` lines
/// before the chunk, when lines are counted) and, for clues with no time in their
/// chunk, `last_ts` (the last time seen before the chunk).
pub fn locate(
    out: &mut Vec<Clue>,
    clues: Vec<Clue>,
    source: usize,
    line_base: Option<u64>,
    last_ts: Option<i64>,
) {
    out.extend(clues.into_iter().map(|mut c| {
        c.source = source;
        c.line = line_base.map_or(0, |b| b + c.line + 1);
        if c.open {
            c.time = last_ts;
            c.open = false;
        }
        c
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_371_108_517; // 2026-11-22T18:11:48.517Z

    fn kinds(text: &str) -> Vec<(ClueKind, u64, Option<i64>, bool)> {
        find_clues(text.as_bytes(), &Zone::Utc)
            .into_iter()
            .map(|c| (c.kind, c.line, c.time, c.open))
            .collect()
    }

    #[test]
    fn a_header_dump_under_a_timestamped_line() {
        let text = "1795371108517 DEBUG request headers:\n\
                    OK-ACCESS-KEY: 37c541a1-xxxx\n\
                    OK-ACCESS-SIGN: ****\n\
                    OK-ACCESS-TIMESTAMP: 2026-11-22T18:11:18.017Z\r\n\
                    OK-ACCESS-PASSPHRASE: nan\r\n\
                    Content-Type: application/json\n";
        let ts = ClueKind::Timestamp {
            request_ms: T0 - 30_500,
        };
        assert_eq!(
            kinds(text),
            vec![
                (ts, 3, Some(T0), false),
                (ClueKind::MissingPassphrase, 4, Some(T0), false)
            ]
        );
        let c = &find_clues(text.as_bytes(), &Zone::Utc)[0];
        assert_eq!(c.offset_ms(), Some(-30_500));
    }

    #[test]
    fn dict_json_and_lowercase_forms() {
        let text = "2026-11-22 18:11:48,517 - x - DEBUG - headers: {'OK-ACCESS-KEY': '7d3f', 'OK-ACCESS-TIMESTAMP': '2026-11-22T18:11:17.517Z', 'OK-ACCESS-PASSPHRASE': None}\n\
                    {\"ts\":1795371108517,\"headers\":{\"ok-access-key\":\"\",\"OK-ACCESS-SIGN\":\"\"}}\n\
                    req {\\\"OK-ACCESS-PASSPHRASE\\\":\\\"\\\"}\n";
        let got = kinds(text);
        assert_eq!(
            got,
            vec![
                (
                    ClueKind::Timestamp {
                        request_ms: T0 - 31_000
                    },
                    0,
                    Some(T0),
                    false
                ),
                (ClueKind::MissingPassphrase, 0, Some(T0), false),
                (ClueKind::MissingKey, 1, Some(T0), false),
                (ClueKind::EmptySign, 1, Some(T0), false),
                (ClueKind::MissingPassphrase, 2, Some(T0), false),
            ]
        );
    }

    #[test]
    fn values_that_are_set_and_prose_are_not_clues() {
        let text = "OK-ACCESS-PASSPHRASE: Hunter2Passphrase!\n\
                    {\"msg\":\"Invalid OK-ACCESS-KEY\",\"code\":\"50111\"}\n\
                    Request header \"OK-ACCESS-PASSPHRASE\" cannot be empty.\n\
                    OK-ACCESS-KEY header is required\n\
                    XOK-ACCESS-KEY: \n\
                    OK-ACCESS-KEYS: \n\
                    OK-ACCESS-TIMESTAMP: soon\n";
        assert_eq!(kinds(text), vec![]);
    }

    /// The regression of issue 20: tab-separated values were read as empty, and
    /// the report said "Credentials never loaded" of credentials that were sent.
    #[test]
    fn separators_are_read_as_the_masking_reads_them() {
        let set = "1795371108517 OK-ACCESS-KEY:\t7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917\tOK-ACCESS-PASSPHRASE:\tHunter2\tOK-ACCESS-SIGN:\tq5Rk=\n\
                   1795371108517 OK-ACCESS-PASSPHRASE   Hunter2\n\
                   1795371108517 OK-ACCESS-PASSPHRASE：Hunter2\n\
                   1795371108517 OK-ACCESS-PASSPHRASE\u{a0}Hunter2\n\
                   1795371108517 {\\u0022OK-ACCESS-PASSPHRASE\\u0022:\\u0022Hunter2\\u0022}\n\
                   1795371108517 [('OK-ACCESS-PASSPHRASE', 'Hunter2')]\n";
        assert_eq!(kinds(set), vec![]);
        let empty =
            "1795371108517 OK-ACCESS-KEY:\t7d3f\tOK-ACCESS-PASSPHRASE:\t\tOK-ACCESS-SIGN:\tq5Rk=\n\
                     1795371108517 ok_access_passphrase=nan\n\
                     1795371108517 OK ACCESS PASSPHRASE：None\n\
                     1795371108517 {\\u0022okAccessPassphrase\\u0022:\\u0022\\u0022}\n\
                     1795371108517 [('OK-ACCESS-KEY', '')]\n";
        let got: Vec<(ClueKind, u64)> = kinds(empty).into_iter().map(|k| (k.0, k.1)).collect();
        assert_eq!(
            got,
            vec![
                (ClueKind::MissingPassphrase, 0),
                (ClueKind::MissingPassphrase, 1),
                (ClueKind::MissingPassphrase, 2),
                (ClueKind::MissingPassphrase, 3),
                (ClueKind::MissingKey, 4),
            ]
        );
    }

    #[test]
    fn a_clue_at_the_chunk_start_takes_the_time_from_before() {
        let text = "OK-ACCESS-PASSPHRASE: null\nOK-ACCESS-TIMESTAMP: 2026-11-22T18:11:18.017Z\n";
        let clues = find_clues(text.as_bytes(), &Zone::Utc);
        assert!(clues.iter().all(|c| c.open && c.time.is_none()));
        let mut out = Vec::new();
        locate(&mut out, clues, 3, Some(10), Some(T0));
        assert_eq!(
            out.iter()
                .map(|c| (c.source, c.line, c.time, c.open))
                .collect::<Vec<_>>(),
            vec![(3, 11, Some(T0), false), (3, 12, Some(T0), false)]
        );
        assert_eq!(out[1].offset_ms(), Some(-30_500));
    }
}
