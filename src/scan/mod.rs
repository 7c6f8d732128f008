//! Scanning: one SIMD pass over a whole chunk for the few literals every error shape
//! contains, a cheap check around each hit, and the extractor only for the lines
//! that pass. No per-line loop over the chunk: line boundaries are found around hits,
//! and lines are counted with one `memchr` count only when an output needs numbers.
//!
//! A chunk is scanned on its own (in parallel with others); what depends on earlier
//! chunks (line numbers, the last timestamp seen, whether an event repeats the one
//! before) is settled afterwards, in input order, by [`Merger`], so results do not
//! depend on thread count or chunk size.

mod check;
pub mod clues;
mod memo;
mod merge;
pub mod prefilter;
pub mod schedule;
pub mod sink;

use crate::event::Shape;
use crate::extract::{self, line_bounds, Found, RetryMark};
use crate::time::{line_stamp, line_time, Zone};
use check::worth_a_look;
use memo::{Memo, MEMO, MEMO_LINE};
pub use merge::Merger;
use prefilter::for_each_hit;
use std::ops::Range;

/// What a chunk scan needs to know.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub zone: Zone,
    /// Count lines (for line numbers); summaries skip it.
    pub count_lines: bool,
    /// Keep each event's line text (grep, samples).
    pub keep_text: bool,
    /// Also look for clues (header dumps) beside the errors: reports.
    pub clues: bool,
}

/// What lies between an event (or a chunk's end) and what came before it in the
/// chunk: the nearest earlier timestamp, and whether stack-trace lines passed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gap {
    pub ts: Option<i64>,
    pub frame: bool,
    /// The walk reached the chunk's start without finding a timestamp.
    pub open: bool,
}

/// One event with chunk-relative facts, before merging.
#[derive(Clone, Debug)]
pub struct RawEvent {
    /// The code and the message, as ranges of the chunk's [`ChunkScan::strings`].
    pub code: Range<usize>,
    pub message: Range<usize>,
    pub shape: Shape,
    pub partial: bool,
    pub caused_by: bool,
    pub gave_up: RetryMark,
    /// Newlines before the code, within the chunk.
    pub line_in_chunk: u64,
    /// Offset of the code in the chunk.
    pub at: usize,
    pub own_ts: Option<i64>,
    pub gap: Gap,
    /// Another item of the same body as the event before it.
    pub same_record: bool,
    /// The record starts on the line right after the previous event's record
    /// (`None`: it starts the chunk, and the previous chunk decides).
    pub adjacent: Option<bool>,
    pub text: Option<String>,
    pub span: Option<(usize, usize)>,
}

/// The result of scanning one chunk.
#[derive(Debug, Default)]
pub struct ChunkScan {
    pub events: Vec<RawEvent>,
    /// The events' codes and messages, one after the other. Strings made by a
    /// worker and freed by the thread that merges cost several times more than
    /// strings freed where they were made (glibc, measured): the extractor's
    /// strings are freed on the worker, and merged events borrow from here.
    pub strings: String,
    /// Newlines in the chunk (0 unless lines are counted).
    pub newlines: u64,
    /// From the chunk's end back to its last event (or its start).
    pub tail: Gap,
    /// The chunk's last record holds an event.
    pub ends_with_event: bool,
    /// The chunk had no bytes (a range inside a record owned by an earlier chunk).
    pub empty: bool,
    /// Clues, when asked for.
    pub clues: Vec<clues::Clue>,
}

/// At a chunk's first event, room is made for one event per this many bytes of
/// the chunk (a bad night has about one per 3.5 KiB).
const BYTES_PER_EVENT: usize = 2048;

/// Lines longer than this are cut when kept as text.
const MAX_TEXT: usize = 64 * 1024;

/// Scans one chunk (whole lines; a multi-line body never straddles two chunks).
pub fn scan_chunk(data: &[u8], opts: &ScanOptions) -> ChunkScan {
    MEMO.with(|memo| {
        // Not shared with a scan this thread might start inside this one.
        let mut own = Memo::default();
        let mut held = memo.try_borrow_mut();
        let memo = held.as_deref_mut().unwrap_or(&mut own);
        scan_with(data, opts, memo)
    })
}

fn scan_with(data: &[u8], opts: &ScanOptions, memo: &mut Memo) -> ChunkScan {
    let mut st = Chunk {
        data,
        opts,
        out: ChunkScan::default(),
        found: Vec::new(),
        done: 0,
        prev_end: 0,
        any: false,
        lines: LineCounter::default(),
        memo,
    };
    // The closure is all that runs at most hits: kept small, so that rejecting a
    // hit costs a few instructions; a hit worth a look is taken out of line.
    for_each_hit(data, |hit, literal| {
        if hit < st.done || !worth_a_look(data, hit, literal) {
            return hit + 1;
        }
        st.take(hit)
    });
    let Chunk {
        mut out,
        prev_end,
        any,
        mut lines,
        ..
    } = st;
    out.tail = walk_back(data, data.len(), prev_end, &opts.zone);
    out.ends_with_event = any && prev_end >= data.len();
    out.empty = data.is_empty();
    if opts.count_lines {
        out.newlines = lines.upto(data, data.len());
    }
    if opts.clues {
        out.clues = clues::find_clues(data, &opts.zone);
    }
    out
}

/// A chunk being scanned: what has been found so far, and where.
struct Chunk<'d, 'o, 'm> {
    data: &'d [u8],
    opts: &'o ScanOptions,
    out: ChunkScan,
    /// Reused from record to record.
    found: Vec<Found>,
    /// Hits before this lie in a record already handled.
    done: usize,
    /// Start of the line after the last record with an event.
    prev_end: usize,
    any: bool,
    lines: LineCounter,
    memo: &'m mut Memo,
}

impl Chunk<'_, '_, '_> {
    /// Extracts the record around a hit that passed the cheap check, and keeps its
    /// events. Returns where the scan goes on.
    #[inline(never)]
    fn take(&mut self, hit: usize) -> usize {
        let (data, opts) = (self.data, self.opts);
        self.found.clear();
        let (ls, le) = line_bounds(data, hit);
        // A line that is a record on its own is extracted once per text (see
        // [`Memo`]); others, and lines too long to remember, as they come.
        let alone = ls >= self.done
            && le - ls <= MEMO_LINE
            && !extract::is_continuation(&data[ls..le])
            && !extract::is_continuation(&data[next_line_start(data, le)..]);
        let stamp = alone.then(|| line_stamp(&data[ls..le], &opts.zone));
        let (end, kept) = match &stamp {
            Some(st) => match self
                .memo
                .extract(data, ls, le, st.as_ref(), &mut self.found)
            {
                Ok(kept) => (le, Some(kept)),
                Err(end) => (end, None),
            },
            // No record starts inside the one handled last: a walk back from a
            // continuation line stops there (so a long indented block is not
            // walked again from each of its lines).
            None => (
                extract::record_at(data, hit, self.done, &mut self.found),
                None,
            ),
        };
        self.done = end.max(hit + 1);
        let rs = match (&kept, self.found.first()) {
            (Some(k), _) if !k.is_empty() => ls,
            (None, Some(f)) => f.record_start,
            _ => return self.done,
        };
        let (rls, rle) = line_bounds(data, rs);
        let own_ts = match stamp {
            Some(st) if rls == ls => st.map(|s| s.ms),
            _ => line_time(&data[rls..rle], &opts.zone),
        };
        let gap = if own_ts.is_some() {
            Gap::default()
        } else {
            walk_back(data, rls, self.prev_end, &opts.zone)
        };
        let adjacent = match (self.any, rls) {
            (true, _) => Some(rls == self.prev_end),
            (false, 0) => None,
            (false, _) => Some(false),
        };
        self.any = true;
        self.prev_end = next_line_start(data, end);
        if self.out.events.capacity() == 0 {
            // Events come by the hundred per chunk, and each is large: start with
            // room for many instead of growing (and copying) from four; so do
            // their codes and messages (about 40 bytes an event).
            let room = (data.len() / BYTES_PER_EVENT).max(16);
            self.out.events.reserve(room);
            self.out.strings.reserve(room * 64);
        }
        let record = Record {
            own_ts,
            gap,
            adjacent,
        };
        let (out, lines) = (&mut self.out, &mut self.lines);
        let (events, base) = match kept {
            Some(kept) => (kept, ls),
            None => (&self.found[..], 0),
        };
        for (k, f) in events.iter().enumerate() {
            push_event(out, lines, data, opts, f, base, &record, k);
        }
        self.done
    }
}

/// What an event's record says of its place: its line's own stamp, what lies
/// between it and the event before, and whether it follows that event's record.
struct Record {
    own_ts: Option<i64>,
    gap: Gap,
    adjacent: Option<bool>,
}

/// Adds the `k`-th event of a record to the chunk's events: `f`, its offsets
/// counted from `base` (0, or a remembered line's start).
#[allow(clippy::too_many_arguments)]
fn push_event(
    out: &mut ChunkScan,
    lines: &mut LineCounter,
    data: &[u8],
    opts: &ScanOptions,
    f: &Found,
    base: usize,
    r: &Record,
    k: usize,
) {
    let strings = &mut out.strings;
    let mut keep = |s: &str| {
        strings.push_str(s);
        strings.len() - s.len()..strings.len()
    };
    let (code, message) = (keep(&f.code), keep(&f.message));
    let at = base + f.at;
    let line_in_chunk = if opts.count_lines {
        lines.upto(data, at)
    } else {
        0
    };
    let (text, span) = if opts.keep_text {
        keep_text(data, at, (base + f.body.0, base + f.body.1))
    } else {
        (None, None)
    };
    out.events.push(RawEvent {
        code,
        message,
        shape: f.shape,
        partial: f.partial,
        caused_by: f.caused_by,
        gave_up: f.gave_up,
        line_in_chunk,
        at,
        own_ts: r.own_ts,
        gap: r.gap,
        same_record: k > 0,
        adjacent: r.adjacent,
        text,
        span,
    });
}

/// Counts newlines up to a position, moving forward (or back) from the last one.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    count: u64,
}

impl LineCounter {
    fn upto(&mut self, data: &[u8], at: usize) -> u64 {
        let at = at.min(data.len());
        if at >= self.pos {
            self.count += memchr::memchr_iter(b'\n', &data[self.pos..at]).count() as u64;
        } else {
            self.count -= memchr::memchr_iter(b'\n', &data[at..self.pos]).count() as u64;
        }
        self.pos = at;
        self.count
    }
}

fn next_line_start(data: &[u8], end: usize) -> usize {
    memchr::memchr(b'\n', &data[end.min(data.len())..]).map_or(data.len(), |p| end + p + 1)
}

/// Walks back line by line from the line starting at `from` (exclusive) to `floor`,
/// looking for the nearest timestamp and noting stack-trace lines on the way.
fn walk_back(data: &[u8], from: usize, floor: usize, zone: &Zone) -> Gap {
    let mut pos = from;
    let mut frame = false;
    while pos > floor {
        // `pos` starts a line (or ends the data): the line above ends at the
        // newline before it (or at `pos`, when the data has no last newline).
        let mut pe = if data[pos - 1] == b'\n' { pos - 1 } else { pos };
        // Blank lines above hold nothing: the whole run is one step (a file of
        // blank lines took 7 s for 256 MiB at one `memrchr` a line), `\r\n` ones
        // too.
        pe -= crate::input::sniff::eol_back_run_len(&data[floor..pe]);
        let ps = memchr::memrchr(b'\n', &data[floor..pe]).map_or(floor, |p| floor + p + 1);
        if pe > ps && data[pe - 1] == b'\r' {
            pe -= 1;
        }
        let line = &data[ps..pe];
        if let Some(ts) = line_time(line, zone) {
            return Gap {
                ts: Some(ts),
                frame,
                open: false,
            };
        }
        frame |= is_frame(line);
        pos = ps;
    }
    Gap {
        ts: None,
        frame,
        open: floor == 0,
    }
}

/// A stack-trace line: Java `at ...`, Python `File "..."`, `Traceback`, chained
/// exception notes; or a separator between two prints of one exception.
fn is_frame(line: &[u8]) -> bool {
    let t = &line[line.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    const MARKS: [&[u8]; 7] = [
        b"at ",
        b"File \"",
        b"Traceback",
        b"During handling",
        b"The above exception",
        b"Caused by",
        b"^",
    ];
    MARKS.iter().any(|m| t.starts_with(m))
        || t.starts_with(b"...") && line.len() < 64
        || is_separator(t)
}

/// A blank line, or a rule of dashes (`-----`, `=====`, `*****`): a CLI that prints
/// an exception again after one prints the same event twice.
fn is_separator(t: &[u8]) -> bool {
    t.is_empty()
        || t.len() >= 3
            && t.iter()
                .all(|c| matches!(c, b'-' | b'=' | b'*' | b'_' | b' ' | b'\r'))
}

fn keep_text(
    data: &[u8],
    at: usize,
    body: (usize, usize),
) -> (Option<String>, Option<(usize, usize)>) {
    let (ls, le) = line_bounds(data, at.min(data.len().saturating_sub(1)));
    let le = le.min(ls + MAX_TEXT);
    let text = String::from_utf8_lossy(&data[ls..le]).into_owned();
    let span = (body.0 >= ls && body.0 < le).then(|| {
        let s = body.0 - ls;
        let e = body.1.min(le).saturating_sub(ls);
        (s, e.max(s))
    });
    // Offsets must fall on char boundaries of the lossy text: recompute on it.
    let span = span.and_then(|(s, e)| {
        let prefix = String::from_utf8_lossy(&data[ls..ls + s]).len();
        let body = String::from_utf8_lossy(&data[ls + s..ls + e]).len();
        (prefix + body <= text.len()).then_some((prefix, prefix + body))
    });
    (Some(text), span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;

    pub(crate) fn opts() -> ScanOptions {
        ScanOptions {
            zone: Zone::Utc,
            count_lines: true,
            keep_text: true,
            clues: false,
        }
    }

    /// Scans `text` cut into chunks at the given line starts, merged in order.
    pub(crate) fn scan_cut(text: &str, cuts: &[usize]) -> Vec<Event<'static>> {
        let mut events = Vec::new();
        let mut m = Merger::new(0, true);
        let mut start = 0;
        for &c in cuts.iter().chain(std::iter::once(&text.len())) {
            m.merge(scan_chunk(&text.as_bytes()[start..c], &opts()), &mut |e| {
                events.push(e.into_owned())
            });
            start = c;
        }
        events
    }

    const TRACE: &str = "2026-11-22 10:00:00,000 - bot - ERROR - fetch failed\n\
Traceback (most recent call last):\n\
  File \"bot.py\", line 3, in <module>\n\
ccxt.base.errors.InvalidNonce: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}\n\
\n\
During handling of the above exception, another exception occurred:\n\
\n\
Traceback (most recent call last):\n\
  File \"bot.py\", line 9, in <module>\n\
freqtrade.exceptions.TemporaryError: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}\n\
2026-11-22 10:05:00,000 - bot - INFO - retrying\n\
okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}\n";

    #[test]
    fn echoes_are_dropped_and_retries_kept() {
        let ev = scan_cut(TRACE, &[]);
        let got: Vec<(u64, Option<i64>)> = ev.iter().map(|e| (e.line, e.time)).collect();
        let t0 = 1_795_341_600_000; // 2026-11-22T10:00:00Z
        assert_eq!(got, vec![(4, Some(t0)), (12, Some(t0 + 300_000))]);
    }

    #[test]
    fn chunk_cuts_change_nothing() {
        let whole = scan_cut(TRACE, &[]);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(TRACE.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i > 0 && i < TRACE.len())
            .collect();
        for &c in &starts {
            assert_eq!(scan_cut(TRACE, &[c]), whole, "cut at {c}");
        }
        assert_eq!(scan_cut(TRACE, &starts), whole, "cut at every line");
    }

    #[test]
    fn caused_by_is_an_echo() {
        let text = "Exception in thread \"main\" x.ExchangeException: 50102:Timestamp request expired\n\tat a.b(C.java:1)\nCaused by: 50102:Timestamp request expired\n";
        let ev = scan_cut(text, &[]);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].line, 1);
        assert_eq!(ev[0].time, None);
    }

    #[test]
    fn a_failure_logged_again_after_giving_up_is_an_echo() {
        let body = "okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}";
        let text = format!(
            "2026-11-22 21:35:23,684 - x - WARNING - fetch_balance() returned exception: \"{body}\". Retrying still for 1 times.\n\
             2026-11-22 21:35:23,690 - x - WARNING - fetch_balance() returned exception: \"{body}\". Giving up.\n\
             2026-11-22 21:35:23,708 - x - WARNING - Unable to create trade: {body}\n\
             2026-11-22 21:36:00,000 - x - WARNING - fetch_balance() returned exception: \"{body}\". Giving up.\n\
             2026-11-22 21:36:01,000 - x - WARNING - fetch_balance() returned exception: \"{body}\". Retrying still for 4 times.\n"
        );
        let lines: Vec<u64> = scan_cut(&text, &[]).iter().map(|e| e.line).collect();
        // Line 3 re-logs line 2's failure; line 5 starts a new retry loop.
        assert_eq!(lines, [1, 2, 4, 5]);
    }

    #[test]
    fn repeated_prints_without_frames_are_retries() {
        let text = "okx {\"msg\":\"Too Many Requests\",\"code\":\"50011\"}\nokx {\"msg\":\"Too Many Requests\",\"code\":\"50011\"}\n";
        assert_eq!(scan_cut(text, &[]).len(), 2);
    }
}
