//! Scanning: one SIMD pass over a whole chunk for the few literals every error shape
//! contains, a cheap check around each hit, and the extractor only for the lines
//! that pass. No per-line loop over the chunk: line boundaries are found around hits,
//! and lines are counted with one `memchr` count only when an output needs numbers.
//!
//! A chunk is scanned on its own (in parallel with others); what depends on earlier
//! chunks (line numbers, the last timestamp seen, whether an event repeats the one
//! before) is settled afterwards, in input order, by [`Merger`], so results do not
//! depend on thread count or chunk size.

use crate::event::{Event, Shape};
use crate::extract::context::Prefix;
use crate::extract::{self, line_bounds, Found, RetryMark};
use crate::time::{line_stamp, line_time, Stamp, Zone};
pub mod clues;
pub mod drive;
pub mod prefilter;

use prefilter::for_each_hit;
use std::ops::Range;
use std::sync::OnceLock;

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
        own_ts: r.own_ts,
        gap: r.gap,
        same_record: k > 0,
        adjacent: r.adjacent,
        text,
        span,
    });
}

/// Lines longer than this are extracted every time, never remembered.
const MEMO_LINE: usize = 2048;

/// Texts remembered per thread before the memo starts afresh.
const MEMO_TEXTS: usize = 4096;

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

/// The events of lines that are records on their own, remembered by the line's
/// text with the digits of its own stamp masked: a bad night repeats the same
/// error line thousands of times, and each is extracted once.
///
/// Extraction never reads a digit of the stamp for its value (the counting rules
/// look at names, keys and bodies), so two lines alike but for the stamp's digits
/// give the same events at the same offsets. Only events whose body lies after the
/// stamp are remembered, so that no code or message can hold any of its digits;
/// for a JSON line, whose stamp is a field of its body, only events read from the
/// body's keys (no exception text, no cut body read by pattern).
struct Memo {
    /// Each remembered text, with where its events (their offsets from the line's
    /// start) are in `kept`.
    texts: rustc_hash::FxHashMap<Box<[u8]>, usize>,
    kept: Vec<Box<[Found]>>,
    key: Vec<u8>,
    /// Texts kept before starting afresh (0: none, every line is extracted).
    limit: usize,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo {
            texts: Default::default(),
            kept: Vec::new(),
            key: Vec::new(),
            limit: MEMO_TEXTS,
        }
    }
}

impl Memo {
    /// The events of the line `ls..le` (a record on its own), with its own
    /// `stamp`: remembered ones, or else extracted into `out` (and remembered when
    /// safe). An extraction returns where the record ends, as
    /// [`extract::record_at`] does.
    fn extract(
        &mut self,
        data: &[u8],
        ls: usize,
        le: usize,
        stamp: Option<&Stamp>,
        out: &mut Vec<Found>,
    ) -> Result<&[Found], usize> {
        let line = &data[ls..le];
        let span = stamp.map_or(0..0, |s| s.span.clone());
        self.key.clear();
        // The stamp's place and form are part of the key: lines with stamps of
        // other forms never meet.
        self.key
            .extend_from_slice(&(span.start as u32).to_le_bytes());
        self.key.extend_from_slice(&(span.end as u32).to_le_bytes());
        self.key.push(u8::from(stamp.is_some_and(|s| s.field)));
        let off = self.key.len();
        self.key.extend_from_slice(line);
        for b in &mut self.key[off + span.start..off + span.end] {
            if b.is_ascii_digit() {
                *b = b'0';
            }
        }
        if let Some(&i) = self.texts.get(&self.key[..]) {
            return Ok(&self.kept[i]);
        }
        let before = out.len();
        let end = extract::record_at(data, ls, ls, out);
        let found = &out[before..];
        let one_line = end == le && found.iter().all(|f| f.record_start == ls && f.body.1 <= le);
        let safe = match stamp {
            None => true,
            // A stamp in a field of the body: the counting rules read no such
            // field (a `ts` is no code or message key, and holds no body), and
            // only events read from keys are remembered.
            Some(s) if s.field => {
                !found.is_empty()
                    && found
                        .iter()
                        .all(|f| f.shape != Shape::Exception && !f.partial)
            }
            Some(s) => {
                let after = |f: &Found| f.body.0 >= ls + s.span.end && f.at >= ls + s.span.end;
                !found.is_empty() && found.iter().all(after)
            }
        };
        if one_line && safe && self.limit > 0 {
            if self.texts.len() >= self.limit {
                self.texts.clear();
                self.kept.clear();
            }
            // Kept with offsets from the line's start.
            let kept = found
                .iter()
                .map(|f| Found {
                    at: f.at - ls,
                    record_start: 0,
                    body: (f.body.0 - ls, f.body.1 - ls),
                    ..f.clone()
                })
                .collect();
            self.texts
                .insert(self.key.as_slice().into(), self.kept.len());
            self.kept.push(kept);
        }
        Err(end)
    }
}

/// The cheap check at a hit, before any parsing. At `code`/`Code`: a key every
/// extraction path reads ([`code_word`]), a code that can be an error
/// ([`extract::code_follows`]), not in a WebSocket notice ([`in_notice`]) nor in
/// another exchange's body ([`in_foreign_body`]). At `x {`:
/// `okx {` or `okex {` before a body with no `code` key (one with a code is decided
/// at its own `code` hit) but with a message (`msg`, `message`, `error_message`). At
/// `xception`: five digits and a colon (`50102:Timestamp ...`); `code=N` text is
/// found at its own `code` hit.
#[inline]
fn worth_a_look(data: &[u8], hit: usize, literal: usize) -> bool {
    // Most hits are `code` before "0" and stop at the first two checks: inline;
    // the rarer, longer checks are out of line.
    match literal {
        0 | 1 => {
            code_word(data, hit) && extract::code_follows(data, hit) && code_in_context(data, hit)
        }
        2 => okx_body_with_message(data, hit),
        _ => code_colon_after(data, hit),
    }
}

/// The code at `hit` is not in a WebSocket notice nor in another exchange's body.
#[inline(never)]
fn code_in_context(data: &[u8], hit: usize) -> bool {
    opener(data, hit).is_none_or(|open| !in_notice(data, open, hit) && !in_foreign_body(data, open))
}

/// `okx {` or `okex {` at `hit` (`x {`), before a body with a message and no code.
#[inline(never)]
fn okx_body_with_message(data: &[u8], hit: usize) -> bool {
    let before = &data[..hit];
    (before.ends_with(b"ok") || before.ends_with(b"oke")) && {
        let rest = rest_of_line(data, hit);
        !has(Needle::Ode, rest) && (has(Needle::Essage, rest) || has(Needle::Msg, rest))
    }
}

/// Five digits then a colon on the rest of the line, in one pass.
#[inline(never)]
fn code_colon_after(data: &[u8], hit: usize) -> bool {
    let hi = (hit + NEAR).min(data.len());
    memchr::memchr2_iter(b':', b'\n', &data[hit..hi])
        .map(|p| hit + p)
        .take_while(|&q| data[q] == b':')
        .any(|q| q - hit >= 5 && data[q - 5..q].iter().all(u8::is_ascii_digit))
}

/// Is the `code` at `hit` a word every extraction path knows: `code`, `sCode`,
/// `error_code`, `errorCode`, `error code`? Another word before it (`retCode`,
/// `statusCode`, `decode`) names a key nothing reads.
fn code_word(data: &[u8], hit: usize) -> bool {
    match hit.checked_sub(1).map(|i| data[i]) {
        Some(b's' | b'S') => true,
        Some(b'r' | b'R') => {
            data[..hit].len() >= 5 && data[hit - 5..hit].eq_ignore_ascii_case(b"error")
        }
        Some(c) => !c.is_ascii_alphanumeric(),
        None => true,
    }
}

/// The nearest `{` before `hit` on its line (within [`NEAR`]), when no `}` lies
/// between: the object the hit is a key of, or a string inside it. (One look back
/// for the nearest brace or newline.)
fn opener(data: &[u8], hit: usize) -> Option<usize> {
    let lo = hit.saturating_sub(NEAR);
    match memchr::memrchr3(b'{', b'}', b'\n', &data[lo..hit]) {
        Some(p) if data[lo + p] == b'{' => Some(lo + p),
        _ => None,
    }
}

/// Does the object opening at `open` (the one around a code hit, see [`opener`])
/// come right after another exchange's name (`okcoin {"code":"50102",...}`, also
/// escaped in a string)? Such a body is never counted, so the line is not
/// extracted for it.
fn in_foreign_body(data: &[u8], open: usize) -> bool {
    Prefix::of_tail(&data[..open]) == Prefix::Foreign
}

/// Is the code at `hit` a key of the flat object opening at `open` (found by
/// [`opener`]: no brace lies between it and the hit) whose `event` is `notice` (a
/// WebSocket notice such as 64008, never an error)? Such an object is all that
/// reaches the hit: an error elsewhere on the line has a hit of its own.
fn in_notice(data: &[u8], open: usize, hit: usize) -> bool {
    // Looked for near the hit only, so that a huge line of notices is not read
    // once per hit; the object must close on the hit's line with no brace before.
    let hi = (hit + NEAR).min(data.len());
    let close = match memchr::memchr3(b'{', b'}', b'\n', &data[hit..hi]) {
        Some(p) if data[hit + p] == b'}' => hit + p,
        _ => return false,
    };
    let obj = &data[open + 1..close];
    // `"event":"notice"`, `'event': 'notice'`, `event: 'notice'`, `Event:notice`.
    // Looked for at each `v` (an object most often has none: cheaper than a
    // substring search set up for `vent`).
    memchr::memchr_iter(b'v', obj).any(|p| {
        p > 0
            && obj[p..].starts_with(b"vent")
            && obj[p - 1].eq_ignore_ascii_case(&b'e')
            && (p < 2 || !obj[p - 2].is_ascii_alphanumeric())
            && {
                let rest = &obj[p + 4..];
                let skip = rest
                    .iter()
                    .take(6)
                    .take_while(|c| matches!(c, b'"' | b'\'' | b'\\' | b' ' | b':' | b'='))
                    .count();
                rest[skip..].starts_with(b"notice")
                    && !rest
                        .get(skip + 6)
                        .is_some_and(|c| c.is_ascii_alphanumeric())
            }
    })
}

/// The words looked for around hits, with their searchers built once (building
/// one per call showed in profiles).
#[derive(Clone, Copy)]
enum Needle {
    Ode,
    Essage,
    Msg,
}

fn finders() -> &'static [memchr::memmem::Finder<'static>; 3] {
    static F: OnceLock<[memchr::memmem::Finder<'static>; 3]> = OnceLock::new();
    F.get_or_init(|| [&b"ode"[..], b"essage", b"msg"].map(memchr::memmem::Finder::new))
}

fn has(n: Needle, hay: &[u8]) -> bool {
    finders()[n as usize].find(hay).is_some()
}

/// How far from a hit its cheap checks look. They only filter (a hit that passes is
/// extracted in full), and bounding them keeps a huge line from being read once per
/// hit on it.
const NEAR: usize = 4 * 1024;

/// The line from `hit` on, up to [`NEAR`] bytes.
fn rest_of_line(data: &[u8], hit: usize) -> &[u8] {
    let hi = (hit + NEAR).min(data.len());
    let end = memchr::memchr(b'\n', &data[hit..hi]).map_or(hi, |n| hit + n);
    &data[hit..end]
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
/// exception notes.
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
    MARKS.iter().any(|m| t.starts_with(m)) || t.starts_with(b"...") && line.len() < 64
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

/// Settles, in input order, what a chunk cannot know alone: line numbers, the time
/// of events on lines without their own timestamp, and echoes (a `Caused by:` or a
/// re-raised exception repeating the response just counted).
#[derive(Debug, Default)]
pub struct Merger {
    source: usize,
    count_lines: bool,
    line_base: u64,
    last_ts: Option<i64>,
    prev: Option<(String, String)>,
    ts_since_prev: bool,
    frame_since_prev: bool,
    prev_gave_up: bool,
    prev_at_end: bool,
    /// Events dropped as echoes.
    pub echoes: u64,
    /// Clues merged so far, located.
    pub clues: Vec<clues::Clue>,
}

impl Merger {
    pub fn new(source: usize, count_lines: bool) -> Merger {
        Merger {
            source,
            count_lines,
            ..Merger::default()
        }
    }

    /// Newlines merged so far (when lines are counted).
    pub fn lines(&self) -> u64 {
        self.line_base
    }

    /// Merges the next chunk, calling `emit` for every event in order.
    pub fn merge(&mut self, mut chunk: ChunkScan, emit: &mut dyn FnMut(Event<'_>)) {
        let base = self.count_lines.then_some(self.line_base);
        let found = std::mem::take(&mut chunk.clues);
        clues::locate(&mut self.clues, found, self.source, base, self.last_ts);
        let strings = &chunk.strings;
        // The event before, while it is one of this chunk's: borrowed, and copied
        // into `prev` only when the chunk is done.
        let mut last: Option<(&str, &str)> = None;
        for ev in std::mem::take(&mut chunk.events) {
            let (code, message) = (&strings[ev.code], &strings[ev.message]);
            let time = ev.own_ts.or(ev.gap.ts).or(self.last_ts);
            let ts_between =
                ev.own_ts.is_some() || ev.gap.ts.is_some() || ev.gap.open && self.ts_since_prev;
            let frame_between =
                ev.gap.frame || ev.gap.open && self.frame_since_prev || ev.caused_by;
            let same = match last {
                Some((c, m)) => c == code && m == message,
                None => self
                    .prev
                    .as_ref()
                    .is_some_and(|(c, m)| c == code && m == message),
            };
            // After a retry loop gave up, a line outside the loop repeating the body
            // is the same failure logged again by the caller.
            let adjacent = ev.adjacent.unwrap_or(self.prev_at_end);
            let re_logged = self.prev_gave_up && adjacent && ev.gave_up == RetryMark::None;
            let echo = !ev.same_record && same && (!ts_between && frame_between || re_logged);
            self.last_ts = time;
            self.ts_since_prev = false;
            self.frame_since_prev = false;
            self.prev_gave_up = ev.gave_up == RetryMark::GaveUp && !echo;
            if echo {
                self.echoes += 1;
                continue;
            }
            last = Some((code, message));
            emit(Event {
                source: self.source,
                line: if self.count_lines {
                    self.line_base + ev.line_in_chunk + 1
                } else {
                    0
                },
                time,
                code: code.into(),
                message: message.into(),
                shape: ev.shape,
                partial: ev.partial,
                text: ev.text,
                span: ev.span,
            });
        }
        if let Some((code, message)) = last {
            // The buffers are reused: no allocation per chunk.
            let (c, m) = self.prev.get_or_insert_default();
            c.clear();
            c.push_str(code);
            m.clear();
            m.push_str(message);
        }
        if let Some(ts) = chunk.tail.ts {
            self.last_ts = Some(ts);
            self.ts_since_prev = true;
        }
        self.frame_since_prev |= chunk.tail.frame;
        if !chunk.empty {
            self.prev_at_end = chunk.ends_with_event;
        }
        self.line_base += chunk.newlines;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ScanOptions {
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

    /// Events of a scan as plain values, to compare scans.
    fn plain(c: &ChunkScan) -> Vec<String> {
        c.events
            .iter()
            .map(|e| {
                let mut e = e.clone();
                let (code, message) = (e.code.clone(), e.message.clone());
                e.code = 0..0;
                e.message = 0..0;
                format!("{} {} {e:?}", &c.strings[code], &c.strings[message])
            })
            .collect()
    }

    #[test]
    fn remembered_lines_give_what_extraction_gives() {
        // Lines alike but for their stamps (of every form), and lines whose code,
        // message or body holds digits like a stamp's, scanned twice over (so that
        // the second pass is served from memory) against a scan that remembers
        // nothing; also the real logs and the fixtures.
        let mut text = String::new();
        let lines = [
            "{S} - bot - ERROR - create_order failed: okx {\"code\":\"50102\",\"data\":[],\"msg\":\"Timestamp request expired\"}",
            "{S} ERROR 50102: Timestamp request expired at {S}",
            "{S} okx {\"code\":\"51008\",\"msg\":\"Order failed at {S}\"}",
            "{\"ts\":\"{S}\",\"error\":\"okx {\\\"code\\\":\\\"50011\\\",\\\"msg\\\":\\\"x\\\"}\"}",
            "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"ts\":\"{S}\"}",
            "[{E}] okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}",
            "{E} okx {'code': '51004', 'msg': 'at {E}'}",
            "ccxt.base.errors.InvalidNonce: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}",
            "freqtrade_1  | {S} - x - WARNING - okx {\"code\":\"1\",\"data\":[{\"sCode\":\"51006\",\"sMsg\":\"p\"}],\"msg\":\"\"}",
            "{S} binance {\"code\":-2011,\"msg\":\"Unknown order sent.\"}",
            "{S} okx API Request Error(code=50011): Too Many Requests",
            "{S} okx {\"code\":\"50102\",",
            "okx: {S} code=50011",
            "{\"ts\":\"{S}\",\"logger\":\"okx\",\"body\":{\"code\":\"50102\",",
            "{S} okx {\"code\":\"50102\",\n  \"msg\":\"x\"}",
        ];
        for k in 0..40u32 {
            for l in lines {
                let stamp = format!(
                    "2026-11-{:02} {:02}:{:02}:{:02},{:03}",
                    20 + k % 3,
                    k % 24,
                    k % 60,
                    (k * 7) % 60,
                    k * 13
                );
                let epoch = format!("{}", 1_795_370_000_000u64 + u64::from(k) * 977);
                text.push_str(&l.replace("{S}", &stamp).replace("{E}", &epoch));
                text.push('\n');
            }
        }
        let mut corpora = vec![text.into_bytes()];
        for dir in ["../shared/real-logs", "fixtures/sample-night"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            paths.sort();
            for p in paths
                .iter()
                .filter(|p| p.extension().is_some_and(|x| x == "log"))
            {
                corpora.push(std::fs::read(p).unwrap());
            }
        }
        let mut checked = 0;
        for data in &corpora {
            let mut memo = Memo::default();
            let fresh = plain(&scan_with(
                data,
                &opts(),
                &mut Memo {
                    limit: 0,
                    ..Memo::default()
                },
            ));
            let first = plain(&scan_with(data, &opts(), &mut memo));
            let again = plain(&scan_with(data, &opts(), &mut memo));
            assert_eq!(first, fresh);
            assert_eq!(again, fresh);
            checked += fresh.len();
            if checked == fresh.len() {
                // The made-up lines: each kind remembered once whatever its stamp,
                // but the two whose bodies repeat the stamp (once per line).
                let n = memo.texts.len();
                assert!(n > 2 * 40 && n < 2 * 40 + lines.len(), "{n}");
            }
        }
        assert!(checked > 400, "{checked}");
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
    fn notices_are_passed_over_before_parsing_and_errors_beside_them_kept() {
        let notice =
            r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed."}"#;
        let t = |s: &str| s.find("code").unwrap();
        let notice_at = |s: &str, hit: usize| {
            opener(s.as_bytes(), hit).is_some_and(|open| in_notice(s.as_bytes(), open, hit))
        };
        assert!(notice_at(notice, t(notice)));
        for flat in [
            "{'event': 'notice', 'code': '64008'}",
            "{ event: 'notice', code: '64008' }",
            "&{Event:notice Msg:soon closed Code:64008 Args:[]}",
        ] {
            assert!(notice_at(flat, flat.rfind("ode").unwrap() - 1), "{flat}");
        }
        // An error whose message says "notice", and a notice nested in an error body.
        let error = r#"{"event":"error","code":"60012","msg":"Illegal request: notice"}"#;
        assert!(!notice_at(error, t(error)));
        let nested = r#"{"code":"50001","data":{"event":"notice"},"msg":"x"}"#;
        assert!(!notice_at(nested, t(nested)));
        let line = format!("{notice} then {error}\n");
        let codes: Vec<String> = scan_cut(&line, &[])
            .into_iter()
            .map(|e| e.code.into_owned())
            .collect();
        assert_eq!(codes, ["60012"]);
    }

    #[test]
    fn hits_inside_another_exchanges_body_are_passed_over() {
        let foreign = |s: &str| {
            let hit = s.find("code").unwrap();
            opener(s.as_bytes(), hit).is_some_and(|open| in_foreign_body(s.as_bytes(), open))
        };
        let escaped = r#"{"error":"okcoin {\"code\":\"50102\",\"msg\":\"x\"}"}"#;
        assert!(foreign(escaped));
        assert!(foreign(r#"WARN okcoin {"code":"50102"}"#));
        // A closed foreign body before the hit, or an OKX one: the hit is looked at.
        for line in [
            r#"{"note":"binance {x}","code":"50102","msg":"Timestamp request expired"}"#,
            r#"okcoin said no, then okx {"code":"50102","msg":"Timestamp request expired"}"#,
            r#"okcoin {"data":[{"x":1}],"y":{"code":"50102","msg":"Timestamp request expired"}}"#,
        ] {
            assert!(!foreign(line), "{line}");
        }
        let text = format!(
            "{escaped}\nokcoin {{\"code\":\"50113\"}} okx {{\"code\":\"50102\",\"msg\":\"x\"}}\n"
        );
        let codes: Vec<String> = scan_cut(&text, &[])
            .into_iter()
            .map(|e| e.code.into_owned())
            .collect();
        assert_eq!(codes, ["50102"]);
    }

    #[test]
    fn code_words_the_extractors_read_pass_the_cheap_check() {
        let text =
            "2026-11-22 10:00:00 ERROR OkexException: failed, errorCode=50113 Invalid Sign\n\
                    2026-11-22 10:00:01 ERROR failed: error code 50102 Timestamp request expired\n\
                    2026-11-22 10:00:02 WARN bybit {\"retCode\":50102,\"retMsg\":\"x\"}\n";
        let codes: Vec<String> = scan_cut(text, &[])
            .into_iter()
            .map(|e| e.code.into_owned())
            .collect();
        assert_eq!(codes, ["50113", "50102"]);
        for (word, ok) in [
            ("{\"code\"", true),
            ("{\"sCode\"", true),
            ("error_code", true),
            ("ErrorCode", true),
            ("retCode", false),
            ("decode", false),
        ] {
            assert_eq!(
                code_word(
                    word.as_bytes(),
                    word.to_ascii_lowercase().rfind("code").unwrap()
                ),
                ok,
                "{word}"
            );
        }
    }

    #[test]
    fn repeated_prints_without_frames_are_retries() {
        let text = "okx {\"msg\":\"Too Many Requests\",\"code\":\"50011\"}\nokx {\"msg\":\"Too Many Requests\",\"code\":\"50011\"}\n";
        assert_eq!(scan_cut(text, &[]).len(), 2);
    }
}
