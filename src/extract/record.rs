//! Record framing: from a hit to the record around it (a line, or a body printed
//! over several lines: indented continuation lines, a closing bracket), and the
//! bodies on it, each parsed and handed to the counting rules ([`super::rules`]);
//! a line with no body is tried as exception text ([`super::text`]).
//!
//! A line padded by a few spaces before a log level or a time (log4j's `%5p`) starts
//! a record of its own ([`is_continuation`]); the chunker cuts by the same rule. A
//! body nested deeper than the parser follows is read in part ([`value::parse_shallow`]),
//! the bodies inside the containers passed over are tried on their own, and every
//! event found in it is partial.

use super::context::{LineContext, Prefix};
use super::rules::Walk;
use super::value::{self, Fail};
use super::{evidence, retry_mark, text, Found};
use crate::event::Shape;
use crate::kb;
use std::sync::OnceLock;

/// Openers (`{`) tried on one line before the rest is left alone.
const MAX_OPENERS: usize = 256;

/// How far back and forward a body printed over several lines may reach.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;
const MAX_RECORD_LINES: usize = 2000;

/// Start and end (exclusive, without the newline or a CR before it) of the line
/// holding `pos`.
pub fn line_bounds(data: &[u8], pos: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &data[..pos]).map_or(0, |p| p + 1);
    let mut end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
    if end > start && data[end - 1] == b'\r' {
        end -= 1;
    }
    (start, end)
}

/// The end of the last of the continuation lines after the line ending at `le`
/// (blank lines included): where a record that starts above them ends.
fn continued_to(data: &[u8], le: usize) -> usize {
    let mut end = le;
    loop {
        let next = next_line(data, end);
        if next >= data.len() || next == end || !is_continuation(&data[next..]) {
            return end;
        }
        end = memchr::memchr(b'\n', &data[next..]).map_or(data.len(), |p| next + p);
    }
}

/// Start of the line after the one ending at `end` (skipping `\r\n`).
pub(super) fn next_line(data: &[u8], end: usize) -> usize {
    let mut i = end;
    if data.get(i) == Some(&b'\r') {
        i += 1;
    }
    if data.get(i) == Some(&b'\n') {
        i += 1;
    }
    i
}

/// The most bytes of a line [`is_continuation`] reads: its answer on a line's
/// first `CONTINUATION_LOOK` bytes is its answer on the whole line (a cutter that
/// sees fewer, and no newline, must wait for more).
pub const CONTINUATION_LOOK: usize = 16;

/// A line that continues a record begun above it: indented, or a closing bracket,
/// or a quoted key of a body printed without indentation. A line indented by a few
/// spaces before a log level or a time (log4j's `%5p` prints ` INFO 2026-...`) starts
/// a record of its own (`padded_record_start`).
pub fn is_continuation(line: &[u8]) -> bool {
    // A blank line continues too: bodies printed over many lines may hold one.
    match line.first() {
        Some(b' ') => !padded_record_start(line),
        Some(b'\t' | b'}' | b']' | b')' | b'"' | b'\'' | b'\n' | b'\r') => true,
        _ => false,
    }
}

/// Log levels as loggers print them, padded or not (`%5p`, `%-5p`): one of them
/// after a line's few leading spaces starts a record.
const LEVELS: [&[u8]; 11] = [
    b"INFO",
    b"WARN",
    b"WARNING",
    b"DEBUG",
    b"TRACE",
    b"ERROR",
    b"FATAL",
    b"NOTICE",
    b"CRITICAL",
    b"SEVERE",
    b"FINE",
];

/// Does a line that starts with a space start a record: at most four spaces (no
/// tab), then a log level in capitals followed by a space, `:` or `]` (` WARN
/// [pool-1]`, `  ERROR: ...`, ` [INFO] ...`), or the start of a time (`2026-12-01`,
/// `2026/12/01`, `[2026-...`, `[12/01 ...`, `02:00:00`)? Stack frames (`    at`,
/// `  File "x.py"`), quoted keys and brackets of a pretty-printed body stay
/// continuations. A check of a few bytes, without allocating: it runs at every line
/// start the chunker looks at.
fn padded_record_start(line: &[u8]) -> bool {
    let mut n = 0;
    while n < line.len() && line[n] == b' ' {
        n += 1;
        if n > 4 {
            return false;
        }
    }
    let rest = &line[n..];
    let digit = |i: usize| rest.get(i).is_some_and(u8::is_ascii_digit);
    match rest.first() {
        Some(b'A'..=b'Z') => level_word(rest),
        // `2026-12-01`, `2026/12/01`; `02:00:00`.
        Some(b'0'..=b'9') => {
            (digit(1)
                && digit(2)
                && digit(3)
                && matches!(rest.get(4), Some(b'-' | b'/'))
                && digit(5))
                || (digit(1)
                    && rest.get(2) == Some(&b':')
                    && digit(3)
                    && digit(4)
                    && rest.get(5) == Some(&b':'))
        }
        // `[INFO]`; `[2026-12-01 ...`, `[12/01 ...`, `[02:00:00]`; never an array of
        // numbers (`[1597026383085, ...`, `[1.5,`).
        Some(b'[') => {
            let d = rest[1..]
                .iter()
                .take(5)
                .take_while(|c| c.is_ascii_digit())
                .count();
            level_word(&rest[1..])
                || ((2..=4).contains(&d)
                    && matches!(rest.get(1 + d), Some(b'-' | b'/' | b':'))
                    && digit(2 + d))
        }
        _ => false,
    }
}

/// Does `s` start with a log level in capitals, followed by a space, `:` or `]`?
fn level_word(s: &[u8]) -> bool {
    LEVELS.iter().any(|w| {
        s.starts_with(w)
            && match s.get(w.len()) {
                Some(b':' | b']') => true,
                // Not a line of code that names a constant (`    ERROR = 3`).
                Some(b' ') => s.get(w.len() + 1) != Some(&b'='),
                _ => false,
            }
    })
}

/// Extracts the events of the record around `hit`, never reading before `lo`.
/// Returns the offset up to which the buffer has been handled (the end of the
/// record's last line), so the caller skips later hits inside it.
pub fn record_at(data: &[u8], hit: usize, lo: usize, out: &mut Vec<Found>) -> usize {
    let (ls, le) = line_bounds(data, hit);
    let ls = ls.max(lo);
    if is_continuation(&data[ls..le]) {
        if let Some(rs) = record_start(data, ls, lo) {
            let before = out.len();
            let end = extract_from(data, rs, out);
            if end > hit {
                return end;
            }
            out.truncate(before);
        }
    }
    extract_from(data, ls, out).max(le)
}

/// Walks back from a continuation line to the first line of its record.
fn record_start(data: &[u8], mut ls: usize, lo: usize) -> Option<usize> {
    let floor = ls.saturating_sub(MAX_RECORD_BYTES).max(lo);
    for _ in 0..MAX_RECORD_LINES {
        if ls <= floor {
            return None;
        }
        let (ps, pe) = line_bounds(data, ls - 1);
        let ps = ps.max(lo);
        let line = &data[ps..pe];
        if !is_continuation(line) {
            return memchr::memchr(b'{', line).map(|_| ps);
        }
        ls = ps;
    }
    None
}

/// Extracts every body on the line starting at `ls` (following a body over later
/// lines when it does not close on its own). Returns where the record ends.
fn extract_from(data: &[u8], ls: usize, out: &mut Vec<Found>) -> usize {
    let (_, le) = line_bounds(data, ls);
    let line = &data[ls..le];
    let ctx = LineContext::new(line);
    let caused_by = trim_start(line).starts_with(b"Caused by");
    let gave_up = retry_mark(line);
    let before = out.len();
    let mut record_end = le;
    let mut saw_body = false;
    // Where other exchanges' bodies and cut bodies lie on the line: codes in them
    // are not read again as text (strings of a whole body may hold an error as
    // text: `"error":"okx: code=51008, msg=..."`).
    let mut bodies: Vec<(usize, usize)> = Vec::new();
    // Bodies nested deeper than the parser follows: the events found in them (an
    // inner body, the code read as text) are partial.
    let mut deep: Vec<(usize, usize)> = Vec::new();
    // The parts of those bodies read already (all but the containers passed over
    // as too deep): openers in them are not tried again.
    let mut read: Vec<(usize, usize)> = Vec::new();
    let mut i = ls;
    let mut tries = 0;
    while let Some(off) = memchr::memchr(b'{', &data[i..le]) {
        if let Some(&(_, end)) = read.iter().find(|&&(a, b)| (a..b).contains(&(i + off))) {
            i = end;
            continue;
        }
        // A line of thousands of stray braces is not thousands of bodies.
        tries += 1;
        if tries > MAX_OPENERS {
            break;
        }
        let mut open = i + off;
        if open > ls && data[open - 1] == b'&' {
            open -= 1;
        }
        // A body right after another exchange's name (`okcoin {...}`) is never
        // OKX's: find its end without parsing it, and move on.
        let prefix = Prefix::of(&data[ls..open]);
        if data[open] == b'{' && prefix == Prefix::Foreign {
            if let Some(end) = skip_object(data, open, le) {
                saw_body = true;
                bodies.push((open, end));
                i = end;
                if i >= le {
                    break;
                }
                continue;
            }
        }
        let mut cut_end = le;
        let single = parse_bounded(data, open, le);
        let parsed = match single {
            // Open at the end of the line: a body printed over several lines, or one
            // cut short (then the indented line after it is a stack frame, say).
            Err(Fail::Truncated) if is_continuation(&data[next_line(data, le)..]) => {
                // The body may go on no further than its record: up to the next
                // line that starts one (a body cut short by its logger must not
                // swallow the next log line's error).
                cut_end = continued_to(data, le).min(open + MAX_RECORD_BYTES);
                parse_bounded(data, open, cut_end).map_err(|_| Fail::Truncated)
            }
            other => other,
        };
        // Too deep to read whole: read the shallow part, then try the bodies in
        // the containers passed over.
        let mut passed = None;
        let parsed = match parsed {
            Err(Fail::TooDeep) => match value::parse_shallow(&data[..le], open) {
                Ok((p, skipped)) => {
                    passed = Some(skipped);
                    Ok(p)
                }
                Err(_) => Err(Fail::TooDeep),
            },
            other => other,
        };
        match parsed {
            Ok(p) => {
                saw_body = true;
                let mut cx = Walk {
                    out,
                    ctx: &ctx,
                    prefix,
                    record_start: ls,
                    body: (open, p.end),
                    caused_by,
                    gave_up,
                    base: None,
                    nested: Vec::new(),
                    handled: false,
                };
                cx.walk(&p.value, p.syntax, 0);
                if cx.handled {
                    bodies.push((open, p.end));
                }
                if let Some(skipped) = passed {
                    deep.push((open, p.end));
                    let mut from = open;
                    for (a, b) in skipped {
                        read.push((from, a));
                        from = b;
                    }
                    read.push((from, p.end));
                    i = open + 1;
                } else if p.end > le {
                    record_end = line_bounds(data, p.end - 1).1;
                    break;
                } else {
                    i = p.end;
                }
            }
            Err(Fail::Truncated) => {
                saw_body = true;
                bodies.push((open, le));
                if cut_end > le {
                    record_end = line_bounds(data, cut_end.saturating_sub(1).max(le)).1;
                }
                if let Some(f) = text::partial(data, ls, open, cut_end.max(le), &ctx) {
                    out.push(Found {
                        caused_by,
                        gave_up,
                        ..f
                    });
                }
                break;
            }
            // Too deep, and not a body even in part: its inner bodies are tried, as
            // for a syntax error, and what is found in it is partial (below).
            Err(Fail::TooDeep) => {
                let end = value::close_of(data, open, le, usize::MAX).unwrap_or(le);
                deep.push((open, end));
                i = open + 1 + usize::from(data[open] == b'&');
            }
            // Not a body as a whole; one without a plausible code (and not after
            // `okx `) is passed over, else the bodies inside it are tried.
            Err(Fail::Syntax) => match skip_object(data, open, le) {
                Some(end)
                    if data[open] == b'{'
                        && !holds_code(&data[open..end])
                        && prefix != Prefix::Okx =>
                {
                    saw_body = true;
                    i = end;
                }
                _ => i = open + 1 + usize::from(data[open] == b'&'),
            },
        }
        if i >= le {
            break;
        }
    }
    if out.len() == before && !saw_body {
        if let Some(f) = text::exception(data, ls, le, &ctx) {
            out.push(Found {
                caused_by,
                gave_up,
                ..f
            });
        }
    }
    // A body that is JSON in spirit only (typographic quotes, HTML entities,
    // backticks): read again with plain quotes.
    if out.len() == before && saw_body {
        if let Some((norm, map)) = plain_quotes(line) {
            let mut inner = Vec::new();
            extract_from(&norm, 0, &mut inner);
            for f in inner {
                let back = |p: usize| ls + map.get(p).copied().unwrap_or(line.len());
                out.push(Found {
                    at: back(f.at),
                    record_start: ls,
                    body: (back(f.body.0), back(f.body.1.saturating_sub(1)) + 1),
                    caused_by,
                    gave_up,
                    ..f
                });
            }
            bodies.clear();
        }
    }
    // Exception text with a code but no message (`code: 51008`) gives way to the
    // code's message written beside it, on the line below say.
    let bare = out.len() == before + 1
        && out[before].shape == Shape::Exception
        && out[before].message.is_empty();
    if out.len() == before || bare {
        if let Some((f, end)) = evidence::on_line(data, ls, le, &ctx, &bodies) {
            out.truncate(before);
            out.push(Found {
                caused_by,
                gave_up,
                ..f
            });
            record_end = record_end.max(end);
        }
    }
    for f in &mut out[before..] {
        if deep.iter().any(|&(a, b)| (a..b).contains(&f.at)) {
            f.partial = true;
        }
    }
    // An empty message is filled from the knowledge base.
    for f in &mut out[before..] {
        if f.message.is_empty() && !f.code.is_empty() {
            if let Some(e) = kb::entry(&f.code, None) {
                f.message = e
                    .message
                    .split(" || ")
                    .next()
                    .unwrap_or_default()
                    .to_string();
            }
        }
    }
    record_end
}

/// The line with its quotes made plain, when it has quotes of other kinds: `“ ”`
/// and backticks as `"`, `‘ ’` as `'`, and the HTML entities `&quot;`, `&#34;`,
/// `&#39;`, `&apos;`, `&amp;`. Returns the new text and, for each of its bytes,
/// the offset of the byte it came from.
fn plain_quotes(line: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    const SWAPS: [(&[u8], u8); 10] = [
        ("“".as_bytes(), b'"'),
        ("”".as_bytes(), b'"'),
        ("„".as_bytes(), b'"'),
        ("‘".as_bytes(), b'\''),
        ("’".as_bytes(), b'\''),
        (b"`", b'"'),
        (b"&quot;", b'"'),
        (b"&#34;", b'"'),
        (b"&#39;", b'\''),
        (b"&apos;", b'\''),
    ];
    let any = memchr::memchr3(0xE2, b'`', b'&', line).is_some();
    if !any {
        return None;
    }
    let mut out = Vec::with_capacity(line.len());
    let mut map = Vec::with_capacity(line.len());
    let mut changed = false;
    let mut i = 0;
    'bytes: while i < line.len() {
        if matches!(line[i], 0xE2 | b'`' | b'&') {
            for (from, to) in SWAPS.iter().chain(std::iter::once(&(&b"&amp;"[..], b'&'))) {
                if line[i..].starts_with(from) {
                    out.push(*to);
                    map.push(i);
                    i += from.len();
                    changed = true;
                    continue 'bytes;
                }
            }
        }
        out.push(line[i]);
        map.push(i);
        i += 1;
    }
    changed.then_some((out, map))
}

/// The end of the object opening at `open`, found by matching brackets outside
/// strings (`"..."` or `'...'`), without building anything; `None` when it does not
/// close before `limit` or a string does not end.
fn skip_object(data: &[u8], open: usize, limit: usize) -> Option<usize> {
    value::close_of(data, open, limit, value::MAX_DEPTH)
}

/// Does `span` hold a code that can be an error (`code` then a nonzero number) or
/// a WebSocket error event (which may carry none)?
fn holds_code(span: &[u8]) -> bool {
    let f = code_finder();
    let mut from = 0;
    while let Some(p) = f.find(&span[from..]) {
        let hit = from + p;
        if hit > 0 && matches!(span[hit - 1], b'c' | b'C') && code_follows(span, hit - 1) {
            return true;
        }
        from = hit + 3;
    }
    memchr::memmem::find(span, b"error").is_some() && memchr::memmem::find(span, b"vent").is_some()
}

pub(super) fn code_finder() -> &'static memchr::memmem::Finder<'static> {
    static F: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    F.get_or_init(|| memchr::memmem::Finder::new(b"ode"))
}

/// After the word `code` at `at` (`code`, `Code`), does a number come that can be
/// an error code: digits, not starting with 0, at most five before an optional
/// `_` sub-code? Quotes, backslashes, spaces, `:`, `=` and `(` may come between.
pub fn code_follows(data: &[u8], at: usize) -> bool {
    // Plain loops: this runs at every `code` the prefilter finds.
    let after = data.get(at + 4..).unwrap_or_default();
    let mut i = 0;
    while i < after.len()
        && i < 10
        && matches!(
            after[i],
            b'"' | b'\'' | b'\\' | b' ' | b':' | b'=' | b'(' | b'\t'
        )
    {
        i += 1;
    }
    // "0" is success; no error code starts with 0.
    if !after.get(i).is_some_and(|c| (b'1'..=b'9').contains(c)) {
        return false;
    }
    let mut j = i + 1;
    while j < after.len() && j - i < 6 && after[j].is_ascii_digit() {
        j += 1;
    }
    j - i <= 5
}

fn parse_bounded(data: &[u8], open: usize, limit: usize) -> Result<value::Parsed<'_>, Fail> {
    value::parse_at(&data[..limit], open)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_printed_bodies_are_one_record() {
        let text = "{\n  \"code\": \"1\",\n  \"data\": [\n    {\n      \"sCode\": \"51006\",\n      \"sMsg\": \"price\"\n    }\n  ],\n  \"msg\": \"All operations failed\"\n}\n";
        let data = text.as_bytes();
        let mut out = Vec::new();
        let hit = text.find("code").unwrap();
        let end = record_at(data, hit, 0, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, "51006");
        assert_eq!(&text[out[0].at..out[0].at + 7], "\"sCode\"");
        assert_eq!(end, text.len() - 1);
    }

    #[test]
    fn padded_levels_and_times_start_records_frames_and_bodies_continue() {
        for (line, want) in [
            // log4j `%5p` and its kin: records of their own.
            (" INFO 2026-12-01 02:00:00,123 [main] c.x.Bot - tick", false),
            (" WARN [pool-1] c.x.Okx - okx {\"code\":\"50011\"}", false),
            ("  ERROR: order failed", false),
            (" DEBUG] x", false),
            (" [INFO] x", false),
            (" 2026-12-01 02:00:00 INFO x", false),
            (" 2026/12/01 02:00:00 x", false),
            ("    02:00:00.123 x", false),
            (" [2026-12-01 02:00:00] x", false),
            (" [12/01 02:00:00] x", false),
            ("INFO x", false),
            // Bodies, frames and tracebacks: continuations.
            ("  \"code\": \"50011\",", true),
            ("  File \"x.py\", line 3, in <module>", true),
            ("\tat com.x.Okx.call(Okx.java:12)", true),
            ("    at com.x.Okx.call(Okx.java:12)", true),
            ("    ... 12 more", true),
            ("    ERROR = 3", true),
            ("  info: 'x'", true),
            ("    [1597026383085, \"43210.5\"],", true),
            ("  [1.5, 2]", true),
            ("    [", true),
            ("  }", true),
            ("\tINFO x", true),
            ("     INFO five spaces", true),
            (" INFORMATION", true),
            (" 2026", true),
            (" ", true),
            ("", false),
        ] {
            assert_eq!(is_continuation(line.as_bytes()), want, "{line:?}");
        }
    }

    #[test]
    fn a_cut_body_on_a_padded_level_line_ends_at_the_next_one() {
        // Every line starts with a space; a body cut short on one line must not run
        // on into the next ones (each is a record: a chunk may be cut before it).
        let text = " WARN 2026-12-01 02:00:00,001 [main] okx {\"code\":\"50011\",\"msg\":\"Too\n INFO 2026-12-01 02:00:00,002 [main] tick\n WARN 2026-12-01 02:00:00,003 [main] okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}\n";
        let data = text.as_bytes();
        let mut out = Vec::new();
        let end = record_at(data, text.find("code").unwrap(), 0, &mut out);
        assert_eq!(end, text.find('\n').unwrap());
        assert_eq!(out.len(), 1);
        assert!(out[0].partial);
        let hit = text.find("50113").unwrap();
        let mut out = Vec::new();
        record_at(data, hit, 0, &mut out);
        assert_eq!(
            out.iter()
                .map(|f| (f.code.as_str(), f.partial))
                .collect::<Vec<_>>(),
            [("50113", false)]
        );
        assert_eq!(out[0].record_start, text.rfind(" WARN").unwrap());
        assert_eq!(
            super::super::tests::codes(text),
            ["50011", "50113"],
            "the cut body swallowed the next record"
        );
    }

    #[test]
    fn events_in_a_body_nested_too_deep_are_partial() {
        let deep = |n: usize| {
            format!(
                "okx {{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":{}{}}}\nokx {}{{\"code\":\"50113\",\"msg\":\"Invalid Sign\"}}{}\n",
                "[".repeat(n),
                "]".repeat(n),
                "{\"a\":".repeat(n),
                "}".repeat(n),
            )
        };
        let found = |text: &str| {
            let data = text.as_bytes();
            let mut out = Vec::new();
            let mut pos = 0;
            while pos < data.len() {
                let end = record_at(data, pos, 0, &mut out);
                pos = next_line(data, end).max(pos + 1);
            }
            out.into_iter()
                .map(|f| (f.code, f.message, f.shape, f.partial))
                .collect::<Vec<_>>()
        };
        let row = |code: &str, msg: &str, partial| {
            (code.to_string(), msg.to_string(), Shape::V5, partial)
        };
        // Within the parser's depth: whole events.
        assert_eq!(
            found(&deep(10)),
            [
                row("50011", "Too Many Requests", false),
                row("50113", "Invalid Sign", false)
            ]
        );
        // Deeper: the same events, read in part (the top-level code, the body
        // nested inside), each partial.
        for n in [70, 200, 5000] {
            assert_eq!(
                found(&deep(n)),
                [
                    row("50011", "Too Many Requests", true),
                    row("50113", "Invalid Sign", true)
                ],
                "depth {n}"
            );
        }
        // A batch beside a too-deep member: its failed item once, partial.
        let text = format!(
            "okx {{\"code\":\"1\",\"data\":[{{\"sCode\":\"51008\",\"sMsg\":\"x\"}}],\"z\":{}1{}}}\n",
            "[".repeat(100),
            "]".repeat(100)
        );
        let got = found(&text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].3), ("51008", true));
    }

    #[test]
    fn code_follows_reads_one_to_five_digits_after_the_word() {
        // The rule written plainly, to hold the fast loop to.
        fn rule(data: &[u8], at: usize) -> bool {
            let after = &data[(at + 4).min(data.len())..];
            let skip = after
                .iter()
                .take(10)
                .take_while(|c| b"\"'\\ :=(\t".contains(c))
                .count();
            let digits = after[skip..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            (1..=5).contains(&digits) && after[skip] != b'0'
        }
        for (text, want) in [
            ("code\":\"50102\"", true),
            ("code: '51008_1000'", true),
            ("code=7", true),
            ("code\\\":\\\"50113", true),
            ("code: 0", false),
            ("code:\"05\"", false),
            ("code=123456", false),
            ("code=-2011", false),
            ("code", false),
            ("code          =1", false),
        ] {
            assert_eq!(code_follows(text.as_bytes(), 0), want, "{text}");
            assert_eq!(rule(text.as_bytes(), 0), want, "{text}");
        }
        let alphabet = b"code\"': =(\t0123456789_x\\";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut s = b"code".to_vec();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 16) {
                s.push(alphabet[((seed >> (k * 4)) % alphabet.len() as u64) as usize]);
            }
            assert_eq!(
                code_follows(&s, 0),
                rule(&s, 0),
                "{:?}",
                String::from_utf8_lossy(&s)
            );
        }
    }
}
