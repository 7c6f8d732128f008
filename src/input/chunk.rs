//! Cutting input into chunks of whole records, so that chunks can be scanned in
//! parallel. A cut falls only at the start of a line that begins a record: never
//! before an indented or closing line, which would split a body printed over several
//! lines. Files are read by ranges (`pread`, or in place when mapped), streams in
//! order.
//!
//! Where a cut falls is decided from the bytes alone (a record start is one wherever
//! the search began), so neighbouring ranges agree on it without talking to each
//! other, and a range that holds no record start is empty without reading further.
//!
//! Runs of blank lines are stepped over in one go, not line by line: a blank line
//! continues a record (bodies may hold one), so a file of blank lines is one long
//! search for a record start, and 256 MiB of `\n` took 7 s at one step a line.
//!
//! A record of `--max-record` bytes or more (4 MiB by default) is not held whole:
//! it is cut into pieces, the same way in every mode, so that the same bytes give
//! the same events from a file, a pipe or an archive, at any chunk size. From the
//! record's start `c`, while at least `max` bytes of it remain, the piece is
//! `[c, p)` with `p` the last line start in `(c, c + w]`, or `c + w` when the
//! window holds no newline (a cut inside a line: said on stderr, with the line's
//! byte offset); `w` is 1 MiB (or `max` when smaller), whatever the chunk size.
//! The rest of the record, under `max` bytes, goes with the records after it. An
//! event whose body crosses a cut is counted partial. A stream finds the pieces as
//! its window fills; a file's chunk finds them in its bytes ([`parts`]); nothing
//! else is skipped.
//!
//! A stream is held in a bounded window, whatever its bytes: at most `max` bytes
//! (and the few more that tell whether the line at `max` starts a record)
//! while it looks for a cut (the chunk size is capped there too). A leading hole
//! (NUL bytes, [`super::sniff`]) is read through and dropped, never held. So a
//! stream holds at most, with chunks of 1 MiB, `a` chunks read ahead
//! (`stream_ahead`, 4), `f` chunks in flight in the scheduler (4 a thread, 2 when
//! text is kept; 8 with 2 threads) and `k` spare buffers (`stream_ahead`) of at
//! most 2 MiB each:
//!
//! ```text
//!   carry (4 MiB) + its spare (<= 4 MiB) + (a + f) x 1 MiB + k x <= 2 MiB
//!   = 4 + 4 + 12 + 8 = 28 MiB at most with 2 threads (21 MiB peak RSS measured
//!     on 1 GiB without a newline; docs/BENCHMARKS.md)
//! ```
//!
//! plus a chunk's events; a chunk cut from a full carry is copied out, so it holds
//! a chunk's worth, and spare buffers grown past twice the chunk size are dropped,
//! not kept. Raising `--max-record` raises the carry's bound with it. A file's
//! chunk is read in place when the file is mapped (every file over one chunk), so
//! a long record costs no buffer; the pages of its pieces are handed back as they
//! are scanned.

use super::sniff::{self, eol_back_run_len, eol_run_len, Head};
use crate::extract::{is_continuation, CONTINUATION_LOOK};
use std::fs::File;
use std::io::{self, Read};

/// How much beyond a range's end is read at first to find its cut.
/// (Read again by the next range: small, it costs little copying; a longer record
/// doubles the read until its end is in.)
const OVERHANG: usize = 8 * 1024;
/// `--max-record`'s default: records this long or longer are cut into pieces
/// (module doc).
pub const MAX_RECORD: usize = 4 << 20;
/// The most a piece of such a record holds (module doc).
const PIECE: usize = 1 << 20;

#[cfg(test)]
thread_local! {
    /// Lines looked at by the cutters, to test that blank-line runs are one step.
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn step() {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + 1));
}

/// What a long search tells as it goes: the bytes `[from, to)` were searched
/// (a mapped file's pages are handed back behind it, so that a search through a
/// record of a GiB does not hold a GiB of the file resident).
pub type Seen<'a> = &'a dyn Fn(usize, usize);

/// A search tells [`Seen`] of this many bytes at a time.
pub const SEEN_STEP: usize = 4 << 20;

/// Counts searched bytes and tells them on in steps of [`SEEN_STEP`].
struct Told<'a> {
    seen: Seen<'a>,
    upto: usize,
}

impl Told<'_> {
    fn at(&mut self, p: usize) {
        if p >= self.upto + SEEN_STEP {
            (self.seen)(self.upto, p);
            self.upto = p;
        }
    }
}

/// From the line start `p`: the start of the first line that is not blank (`\n`
/// or `\r\n` alone), or the end of `buf`; or the start of a line that begins with
/// `\r` (a continuation all the same). A run of blank lines is one step.
fn past_blank_lines(buf: &[u8], p: usize, told: &mut Told) -> usize {
    let mut q = p;
    loop {
        let window = &buf[q..(q + SEEN_STEP).min(buf.len())];
        let k = eol_run_len(window);
        q += k;
        if k < window.len() || q == buf.len() {
            break;
        }
        told.at(q);
    }
    // The last line start in the run (the run may end with a `\r`).
    memchr::memrchr(b'\n', &buf[p..q]).map_or(p, |m| p + m + 1)
}

/// The first record start at or after `pos` in `buf` (with `pos > 0`). `Ok(None)`
/// means "need more bytes"; at end of input the end itself is a cut.
fn find_cut(buf: &[u8], pos: usize, eof: bool) -> Option<usize> {
    find_cut_in(buf, pos, eof, &|_, _| {})
}

/// [`find_cut`], telling `seen` of the bytes searched as it goes.
fn find_cut_in(buf: &[u8], pos: usize, eof: bool, seen: Seen) -> Option<usize> {
    let mut told = Told { seen, upto: pos };
    let mut from = pos - 1;
    loop {
        let end = (from + SEEN_STEP).min(buf.len());
        let Some(n) = memchr::memchr(b'\n', &buf[from..end]) else {
            if end == buf.len() {
                return eof.then_some(buf.len());
            }
            from = end;
            told.at(from);
            continue;
        };
        step();
        // Blank lines continue a record: the whole run is one step.
        let p = past_blank_lines(buf, from + n + 1, &mut told);
        if p >= buf.len() {
            return eof.then_some(buf.len());
        }
        if !decided(buf, p, eof) {
            return None;
        }
        if !is_continuation(&buf[p..]) {
            return Some(p);
        }
        from = p;
    }
}

/// Whether `buf` holds enough of the line at `p` to tell if it starts a record:
/// [`CONTINUATION_LOOK`] bytes, or the whole line (a line cut by the buffer's end
/// may read otherwise once more of it is in: ` ERROR ` starts a record, ` ERROR =
/// 3` does not).
fn decided(buf: &[u8], p: usize, eof: bool) -> bool {
    let rest = &buf[p..];
    eof || rest.len() >= CONTINUATION_LOOK || memchr::memchr(b'\n', rest).is_some()
}

#[cfg(unix)]
fn read_at(f: &File, buf: &mut [u8], off: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(f, buf, off)
}

#[cfg(windows)]
fn read_at(f: &File, buf: &mut [u8], off: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(f, buf, off)
}

/// Reads `[off, off+len)` fully, or less at end of file (a few bytes: no
/// alignment, and no page-sized buffer to zero first).
pub fn read_full(f: &File, off: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; len];
    let got = fill(f, &mut buf, off)?;
    buf.truncate(got);
    Ok(buf)
}

/// Reads into all of `buf` from `off`, or less at end of file; returns the count.
fn fill(f: &File, buf: &mut [u8], off: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match read_at(f, &mut buf[got..], off + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Page size assumed for the alignment below.
const PAGE: usize = 4096;

/// Reads `[off, off+len)` into `buf` (reused: it is not cleared to zeros first),
/// fully or less at end of file; returns where the bytes lie in `buf`.
///
/// The bytes are placed so that their address and the file offset agree modulo
/// the page size. The kernel copies from the page cache with `rep movsb`, which on
/// some CPUs (AMD Zen here) runs five times slower when destination and source are
/// a few bytes apart modulo 4 KiB: 0.45 s instead of 0.09 s per GiB, measured
/// (docs/BENCHMARKS.md).
fn read_into(
    f: &File,
    off: u64,
    len: usize,
    buf: &mut Vec<u8>,
) -> io::Result<std::ops::Range<usize>> {
    if buf.len() < len + PAGE {
        buf.resize(len + PAGE, 0);
    }
    let addr = buf.as_ptr() as usize;
    let pad = (off as usize).wrapping_sub(addr) % PAGE;
    let got = fill(f, &mut buf[pad..pad + len], off)?;
    Ok(pad..pad + got)
}

/// The nominal ranges `[a, b)` of a file of `len` bytes.
pub fn ranges(len: u64, chunk: usize) -> Vec<(u64, u64)> {
    let chunk = chunk.max(1) as u64;
    (0..len.div_ceil(chunk))
        .map(|k| (k * chunk, ((k + 1) * chunk).min(len)))
        .collect()
}

/// Where the records that start in `[a, b)` lie in `data` (the file's bytes from
/// `base = a - 1`, or from 0), given whether `data` reaches the file's end.
enum Cut {
    Records(std::ops::Range<usize>),
    /// No record starts in the range: it lies inside one owned by an earlier range.
    None,
    /// The last record goes on past `data`.
    More,
}

fn cut(data: &[u8], a: u64, base: u64, span: usize, eof: bool, seen: Seen) -> Cut {
    let start = if a == 0 {
        0
    } else {
        // Enough past the range to tell whether a line starting in it starts a record.
        let head = &data[..(span + CONTINUATION_LOOK).min(data.len())];
        match find_cut(head, (a - base) as usize, eof && head.len() == data.len()) {
            Some(p) if p < span && p < data.len() => p,
            _ => return Cut::None,
        }
    };
    match find_cut_in(data, span, eof, seen) {
        Some(e) => Cut::Records(start..e.max(start)),
        None => Cut::More,
    }
}

/// How much to look at next when the last record goes on past `want` bytes (from
/// `base`): twice as much, up to the file's end. A long record is cut into pieces
/// after it is read ([`parts`]), not here: where the pieces fall depends on where
/// the record starts, which only the range that holds its start knows.
fn grow(want: usize, base: u64, len: u64) -> usize {
    (want * 2).min((len - base) as usize)
}

/// The whole records that start in the range `[a, b)` of a file whose size at open
/// was `len`, read into `buf`; returns where they lie in `buf`. A file that is
/// shorter now is an error ("shrank"); one that grew is read up to `len`.
pub fn read_range(
    f: &File,
    a: u64,
    b: u64,
    len: u64,
    buf: &mut Vec<u8>,
) -> io::Result<std::ops::Range<usize>> {
    read_range_from(f, 0, a, b, len, buf).map(|(r, _)| r)
}

/// [`read_range`] of the file's bytes from `origin` on (after a leading hole): `a`,
/// `b` and `len` count from there, and `origin` itself starts a record. Also
/// returns the file offset of the records' first byte.
pub fn read_range_from(
    f: &File,
    origin: u64,
    a: u64,
    b: u64,
    len: u64,
    buf: &mut Vec<u8>,
) -> io::Result<(std::ops::Range<usize>, u64)> {
    // Read from one byte early, to see whether `a` itself starts a line.
    let base = a.saturating_sub(1);
    let span = (b - base) as usize;
    let mut want = (span + OVERHANG).min((len - base) as usize);
    loop {
        let got = read_into(f, origin + base, want, buf)?;
        let pad = got.start;
        if got.len() < want {
            return Err(io::Error::other(format!(
                "file shrank while being read (had {} bytes, ended at {})",
                origin + len,
                origin + base + got.len() as u64
            )));
        }
        let data = &buf[got];
        match cut(
            data,
            a,
            base,
            span,
            base + data.len() as u64 >= len,
            &|_, _| {},
        ) {
            Cut::Records(r) => {
                return Ok((pad + r.start..pad + r.end, origin + base + r.start as u64))
            }
            Cut::None => return Ok((0..0, origin + a)),
            Cut::More => want = grow(want, base, len),
        }
    }
}

/// [`read_range`] over a file's mapped bytes `map` (all of it): where in `map` the
/// records that start in `[a, b)` lie. A long search tells `seen` (offsets in
/// `map`) as it goes.
pub fn map_range(map: &[u8], a: u64, b: u64, seen: Seen) -> std::ops::Range<usize> {
    let len = map.len() as u64;
    let base = a.saturating_sub(1);
    let span = (b - base) as usize;
    let mut want = (span + OVERHANG).min((len - base) as usize);
    loop {
        let data = &map[base as usize..base as usize + want];
        let at = base as usize;
        let seen = |x: usize, y: usize| seen(at + x, at + y);
        match cut(data, a, base, span, base + want as u64 >= len, &seen) {
            Cut::Records(r) => return at + r.start..at + r.end,
            Cut::None => return 0..0,
            Cut::More => want = grow(want, base, len),
        }
    }
}

/// Cuts a stream into chunks of about `size` bytes of whole records, in a bounded
/// window (module doc).
pub struct StreamChunker<R> {
    reader: R,
    size: usize,
    /// The most held while looking for a cut.
    max: usize,
    carry: Vec<u8>,
    eof: bool,
    failed: Option<io::Error>,
    /// Bytes read through so far (handed out, or dropped as a leading hole): the
    /// stream offset of the carry's first byte.
    pub offset: u64,
    /// Lines cut inside, in records of `max` bytes or more: how many, and where
    /// the first began.
    pub oversized: u64,
    pub first_oversized: Option<u64>,
    /// The last chunk handed out was cut inside a line.
    cutting: bool,
    /// What [`StreamChunker::sniff`] found.
    head: Option<Head>,
    /// Buffers handed back after use ([`StreamChunker::recycle`]): a chunk's memory
    /// is reused instead of freed and faulted in again.
    spare: Vec<Vec<u8>>,
}

impl<R: Read> StreamChunker<R> {
    /// Chunks of about `size` bytes (at most `max`); records under `max` bytes are
    /// kept whole, longer ones cut into pieces (module doc).
    pub fn new(reader: R, size: usize, max: usize) -> StreamChunker<R> {
        let max = max.max(1);
        StreamChunker {
            reader,
            size: size.clamp(1, max),
            max,
            carry: Vec::new(),
            eof: false,
            failed: None,
            offset: 0,
            oversized: 0,
            first_oversized: None,
            cutting: false,
            head: None,
            spare: Vec::new(),
        }
    }

    /// Reads the stream's head and classifies it ([`sniff::classify_head`]), before
    /// the first chunk: a leading hole is read through and dropped (its length is in
    /// `Head::Text`), never held, however long. A read error comes out of the next
    /// [`StreamChunker::next_chunk`].
    pub fn sniff(&mut self) -> Head {
        if let Some(h) = self.head {
            return h;
        }
        assert!(self.offset == 0, "sniff before the first chunk");
        let mut dropped = 0;
        loop {
            // Through a hole in reads of 256 KiB, not 8 KiB.
            self.fill(if dropped > 0 { 256 << 10 } else { sniff::HEAD });
            let z = sniff::leading_nuls(&self.carry);
            let done = self.eof || self.failed.is_some();
            if z < self.carry.len() || done {
                break;
            }
            // All NUL so far (at least HEAD bytes): a hole going on.
            dropped += z;
            self.carry.clear();
        }
        let z = sniff::leading_nuls(&self.carry);
        self.fill(z + sniff::HEAD);
        let head = if dropped > 0 {
            self.carry.drain(..z);
            dropped += z;
            match sniff::classify_head(&self.carry) {
                Head::Text { .. } => Head::Text { hole: dropped },
                Head::Binary => Head::Binary,
            }
        } else {
            let h = sniff::classify_head(&self.carry);
            if let Head::Text { hole } = h {
                self.carry.drain(..hole);
                dropped = hole;
            }
            h
        };
        self.offset += dropped as u64;
        self.head = Some(head);
        head
    }

    /// Where lines over the limit were cut, said once at the end.
    pub fn oversized_note(&self) -> Option<String> {
        long_line_note(self.max, self.first_oversized?, self.oversized)
    }

    fn fill(&mut self, upto: usize) {
        while !self.eof && self.failed.is_none() && self.carry.len() < upto {
            let old = self.carry.len();
            let want = upto - old;
            self.carry.resize(old + want, 0);
            match self.reader.read(&mut self.carry[old..]) {
                Ok(0) => {
                    self.carry.truncate(old);
                    self.eof = true;
                }
                Ok(n) => self.carry.truncate(old + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.carry.truncate(old),
                Err(e) => {
                    self.carry.truncate(old);
                    self.failed = Some(e);
                }
            }
        }
    }

    /// The next chunk; after a read error, what was read before it comes out first
    /// and the error after.
    pub fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut target = self.size;
        loop {
            self.fill(target);
            let done = self.eof || self.failed.is_some();
            if self.carry.is_empty() {
                return match self.failed.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
            // Records that start before `max` go out whole; a record with no
            // start after it before `max` (every line start there told) is long.
            let told = self.max + if done { 0 } else { CONTINUATION_LOOK };
            match last_cut(&self.carry, self.max, done) {
                Some(c) if c > 0 => {
                    self.cutting = false;
                    return Ok(Some(self.take(c)));
                }
                _ if self.carry.len() >= told => {
                    // A record of `max` bytes or more: its next piece goes out, and
                    // the window slides on (never grows past `max`).
                    let (c, mid_line) = piece_end(&self.carry[..piece(self.max)]);
                    if mid_line && !self.cutting {
                        self.oversized += 1;
                        self.first_oversized.get_or_insert(self.offset);
                    }
                    self.cutting = mid_line;
                    return Ok(Some(self.take(c)));
                }
                _ if done => {
                    self.cutting = false;
                    let n = self.carry.len();
                    return Ok(Some(self.take(n)));
                }
                _ => target = (self.carry.len() * 2).min(told),
            }
        }
    }

    /// Hands out the carry's first `n` bytes. The smaller part is copied: the rest
    /// into a spare buffer that becomes the carry, or, for a piece of an over-long
    /// record (a chunk out of a 4 MiB carry), the piece into a spare buffer, so
    /// that no chunk in flight holds a carry-sized buffer for a chunk-sized piece
    /// (47 MiB peak on a newline-free stream, 24 MiB with this).
    fn take(&mut self, n: usize) -> Vec<u8> {
        let mut other = self.spare.pop().unwrap_or_default();
        other.clear();
        let chunk = if 2 * n < self.carry.len() {
            other.extend_from_slice(&self.carry[..n]);
            self.carry.drain(..n);
            other
        } else {
            other.extend_from_slice(&self.carry[n..]);
            self.carry.truncate(n);
            std::mem::replace(&mut self.carry, other)
        };
        self.offset += chunk.len() as u64;
        chunk
    }

    /// Takes back a chunk's buffer for a later chunk (at most `keep` are kept, and
    /// none grown past twice the chunk size: the window stays bounded).
    pub fn recycle(&mut self, buf: Vec<u8>, keep: usize) {
        if self.spare.len() < keep && buf.capacity() <= 2 * self.size {
            self.spare.push(buf);
        }
    }
}

/// The last record start in `buf` before `limit` that `buf` holds enough of to tell
/// ([`decided`]; all of them when `buf` ends the input).
fn last_cut(buf: &[u8], limit: usize, eof: bool) -> Option<usize> {
    let mut end = buf.len().min(limit);
    while let Some(n) = memchr::memrchr(b'\n', &buf[..end]) {
        step();
        let p = n + 1;
        if p < buf.len().min(limit) && decided(buf, p, eof) && !is_continuation(&buf[p..]) {
            return Some(p);
        }
        // The lines that start inside the run of `k` line-end bytes ending at `n`
        // are blank (or start with `\r`), continuations: one step back over them all.
        let k = eol_back_run_len(&buf[..=n]);
        end = n + 1 - k;
    }
    None
}

/// The window a piece of a long record is cut from: a fixed size, whatever the
/// chunk size, so that pieces fall in the same places in every mode.
fn piece(max: usize) -> usize {
    PIECE.min(max)
}

/// Where the piece of a long record that starts at `window` (its next [`piece`]
/// bytes) ends: after the window's last newline, or at its end when it holds none
/// (`true`: the cut falls inside a line).
fn piece_end(window: &[u8]) -> (usize, bool) {
    match memchr::memrchr(b'\n', window) {
        Some(n) => (n + 1, false),
        None => (window.len(), true),
    }
}

/// What [`parts`] found in a chunk.
#[derive(Debug, Default, PartialEq)]
pub struct Parts {
    /// The chunk's parts, in order and covering it: runs of whole records, and
    /// the pieces of records of `max` bytes or more.
    pub parts: Vec<std::ops::Range<usize>>,
    /// Where each line cut inside (in a record of `max` bytes or more) begins.
    pub long_lines: Vec<usize>,
}

/// Cuts a chunk of whole records (its first byte starts one) into the parts that
/// a stream would have handed out apart: each record of `max` bytes or more in
/// pieces (module doc). A chunk with no such record is one part. Looks at one
/// record every `max` bytes, not at every line.
pub fn parts(data: &[u8], max: usize, seen: Seen) -> Parts {
    let max = max.max(1);
    let mut out = Parts::default();
    let (mut run, mut s) = (0, 0);
    // Records between `s` and `s + max` are shorter than `max`; the one that
    // holds `s + max` (from `t` to `e`) is checked.
    while data.len() - s >= max {
        let e = find_cut_in(data, s + max, true, seen).unwrap_or(data.len());
        let t = s + last_cut(&data[s..], max, true).unwrap_or(0);
        if e - t >= max {
            if t > run {
                out.parts.push(run..t);
            }
            let (mut c, mut mid) = (t, false);
            let mut told = Told { seen, upto: t };
            while e - c >= max {
                told.at(c);
                let (p, mid_line) = piece_end(&data[c..c + piece(max)]);
                if mid_line && !mid {
                    out.long_lines.push(c);
                }
                mid = mid_line;
                out.parts.push(c..c + p);
                c += p;
            }
            run = c;
        }
        s = e;
    }
    if run < data.len() || out.parts.is_empty() {
        out.parts.push(run..data.len());
    }
    out
}

/// The notice for `count` lines cut inside long records of `max` bytes or more,
/// the first beginning at byte `first`.
pub fn long_line_note(max: usize, first: u64, count: u64) -> Option<String> {
    if count == 0 {
        return None;
    }
    let more = match count {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    let size = if max >= 1 << 20 && max % (1 << 20) == 0 {
        format!("{} MiB", max >> 20)
    } else {
        format!("{max} bytes")
    };
    Some(format!(
        "a record of {size} or more was cut into pieces inside a line (at byte {first}{more}); an error body across a cut counts as partial (raise --max-record to keep such records whole)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const TEXT: &str = "a 1\n{\n  \"code\": \"1\",\n  \"x\": 2\n}\nb 2\n  at frame\nc 3\n";

    #[test]
    fn file_ranges_cover_every_byte_once_and_never_split_records() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(TEXT.as_bytes()).unwrap();
        let len = TEXT.len() as u64;
        for size in 1..=TEXT.len() + 1 {
            let mut all = Vec::new();
            for (a, b) in ranges(len, size) {
                let mut buf = Vec::new();
                let r = read_range(f.as_file(), a, b, len, &mut buf).unwrap();
                let part = buf[r].to_vec();
                if !part.is_empty() {
                    assert!(
                        !is_continuation(&part),
                        "size {size}: chunk starts mid-record"
                    );
                }
                all.extend(part);
            }
            assert_eq!(String::from_utf8(all).unwrap(), TEXT, "size {size}");
        }
    }

    #[test]
    fn streams_cover_every_byte_once() {
        for size in 1..=TEXT.len() + 1 {
            let mut c = StreamChunker::new(TEXT.as_bytes(), size, 1 << 20);
            let mut all = Vec::new();
            while let Some(part) = c.next_chunk().unwrap() {
                assert!(!is_continuation(&part) || all.is_empty(), "size {size}");
                all.extend(part);
            }
            assert_eq!(String::from_utf8(all).unwrap(), TEXT, "size {size}");
        }
    }

    #[test]
    fn oversized_records_are_cut_not_hoarded() {
        let big = "x".repeat(10_000) + "\nok\n";
        let mut c = StreamChunker::new(big.as_bytes(), 100, 1000);
        let mut n = 0;
        while let Some(part) = c.next_chunk().unwrap() {
            assert!(part.len() <= 1000);
            n += part.len();
        }
        assert_eq!(c.oversized, 1);
        assert_eq!(n, big.len());
    }

    /// Random text of short lines, indented lines, blank lines and long lines.
    fn long_text(seed: &mut u64, max: usize) -> Vec<u8> {
        let mut next = |n: usize| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (*seed >> 33) as usize % n
        };
        let mut buf = Vec::new();
        for _ in 0..next(30) {
            match next(9) {
                0 => buf.extend(b"x 1\n"),
                // Padded lines whose start is told only by their first bytes.
                6 => buf.extend(b" ERROR x\n"),
                7 => buf.extend(b" ERROR = 3\n"),
                8 => buf.extend(b"  [2026-01-01 x\n"),
                1 | 2 => buf.extend(b"  y\n"),
                3 => buf.extend(if next(2) == 0 {
                    &b"\n"[..]
                } else {
                    b"\r\n\r\n"
                }),
                4 => {
                    buf.extend(b"z ");
                    buf.extend(std::iter::repeat_n(b'a', next(3 * max)));
                    buf.push(b'\n');
                }
                _ => {
                    buf.push(b' ');
                    buf.extend(std::iter::repeat_n(b'b', next(2 * max)));
                    buf.push(b'\n');
                }
            }
        }
        if next(2) == 0 {
            buf.extend(b"tail");
        }
        buf
    }

    fn record_starts(buf: &[u8]) -> Vec<usize> {
        (1..buf.len())
            .filter(|&p| buf[p - 1] == b'\n' && !is_continuation(&buf[p..]))
            .collect()
    }

    #[test]
    fn long_records_are_cut_in_the_same_places_from_files_and_streams() {
        let max = 40;
        let mut seed = 11u64;
        for round in 0..400 {
            let buf = long_text(&mut seed, max);
            let whole = parts(&buf, max, &|_, _| {});
            let starts = record_starts(&buf);
            let covered: Vec<u8> = whole
                .parts
                .iter()
                .flat_map(|r| buf[r.clone()].to_vec())
                .collect();
            assert_eq!(covered, buf, "round {round}");
            // Cuts inside records: the pieces.
            let pieces: Vec<usize> = whole
                .parts
                .iter()
                .map(|r| r.start)
                .filter(|&p| p > 0 && !starts.contains(&p))
                .collect();
            for r in &whole.parts {
                assert!(
                    r.len() <= max || !pieces.contains(&r.end),
                    "round {round}: {r:?}"
                );
            }
            for size in [1, 3, 16, 64, 1000] {
                // A stream cuts in the same places, at any chunk size.
                let mut c = StreamChunker::new(&buf[..], size, max);
                let mut at = 0;
                let mut cuts = Vec::new();
                while let Some(part) = c.next_chunk().unwrap() {
                    at += part.len();
                    if at < buf.len() {
                        cuts.push(at);
                    }
                }
                let inside: Vec<usize> = cuts
                    .iter()
                    .copied()
                    .filter(|p| !starts.contains(p))
                    .collect();
                assert_eq!(inside, pieces, "round {round}, size {size}");
                assert_eq!(
                    c.oversized as usize,
                    whole.long_lines.len(),
                    "round {round}"
                );
                assert_eq!(
                    c.first_oversized,
                    whole.long_lines.first().map(|&p| p as u64)
                );
                // So does a file read by ranges, each range's chunk cut alone.
                let mut f = tempfile::NamedTempFile::new().unwrap();
                f.write_all(&buf).unwrap();
                let mut found = Vec::new();
                let mut long = Vec::new();
                let mut all: Vec<u8> = Vec::new();
                for (a, b) in ranges(buf.len() as u64, size) {
                    let mut data = Vec::new();
                    let (r, off) =
                        read_range_from(f.as_file(), 0, a, b, buf.len() as u64, &mut data).unwrap();
                    all.extend(&data[r.clone()]);
                    let got = parts(&data[r], max, &|_, _| {});
                    found.extend(
                        got.parts
                            .iter()
                            .filter(|r| !r.is_empty())
                            .map(|r| off as usize + r.start),
                    );
                    long.extend(got.long_lines.iter().map(|&p| off as usize + p));
                }
                assert!(
                    all == buf,
                    "round {round}, ranges of {size}: bytes lost or doubled"
                );
                found.retain(|p| *p > 0 && !starts.contains(p));
                assert_eq!(found, pieces, "round {round}, ranges of {size}");
                assert_eq!(long, whole.long_lines, "round {round}, ranges of {size}");
            }
        }
    }

    #[test]
    fn parts_of_a_chunk_without_long_records_is_the_chunk() {
        let text = b"a 1\n  b\nc 2\n".repeat(100);
        let got = parts(&text, 64, &|_, _| {});
        assert_eq!(got.parts, vec![0..text.len()]);
        assert!(got.long_lines.is_empty());
        assert_eq!(parts(b"", 64, &|_, _| {}).parts, vec![0..0]);
        // A long indented record is cut at line starts, and says nothing.
        let mut long = b"a 1\n".to_vec();
        long.extend(b"  bb\n".repeat(40));
        long.extend(b"c 2\n");
        let got = parts(&long, 64, &|_, _| {});
        assert!(got.parts.len() > 2, "{:?}", got.parts);
        assert!(got
            .parts
            .iter()
            .all(|r| r.start == 0 || long[r.start - 1] == b'\n'));
        assert!(got.long_lines.is_empty());
    }

    fn steps<T>(f: impl FnOnce() -> T) -> (T, usize) {
        STEPS.with(|s| s.set(0));
        let out = f();
        (out, STEPS.with(|s| s.get()))
    }

    #[test]
    fn a_run_of_blank_lines_is_one_step_for_the_cutters() {
        for blank in ["\n", "\r\n"] {
            let mut buf = b"a 1\n".to_vec();
            buf.extend(blank.repeat(100_000).as_bytes());
            let at = buf.len();
            buf.extend(b"b 2\n  more\n");
            let (cut, n) = steps(|| find_cut(&buf, 1, false));
            assert_eq!(cut, Some(at), "{blank:?}");
            assert!(n <= 3, "{blank:?}: {n} steps");
            let end = buf.len();
            let (cut, n) = steps(|| find_cut(&buf, 1, true));
            assert_eq!(cut, Some(at));
            assert!(n <= 3, "{n} steps");
            assert_eq!(find_cut(&buf[..at], 1, true), Some(at));
            assert_eq!(find_cut(&buf[..at], 1, false), None);
            assert_eq!(find_cut(&buf, at + 1, true), Some(end));
        }
        // The stream cutter, walking back.
        let mut buf = b"a 1\n".to_vec();
        buf.extend(b"\n".repeat(100_000));
        buf.extend(b"  more\n\n\n");
        let (cut, n) = steps(|| last_cut(&buf, usize::MAX, false));
        assert_eq!(cut, None, "one record from the start");
        assert!(n <= 4, "{n} steps");
        let mut small = b"a 1\nb 2\n".to_vec();
        small.extend(b"\n".repeat(1000));
        small.extend(b"  more\n\n\nx");
        // The line at the end is told only when it ends the input.
        assert_eq!(last_cut(&small, usize::MAX, false), Some(4));
        let (cut, n) = steps(|| last_cut(&small, usize::MAX, true));
        assert_eq!(cut, Some(small.len() - 1));
        assert!(n <= 2, "{n} steps");
        small.pop();
        let (cut, n) = steps(|| last_cut(&small, usize::MAX, false));
        assert_eq!(cut, Some(4), "the record start before the run");
        assert!(n <= 5, "{n} steps");
    }

    #[test]
    fn last_cut_over_blank_runs_is_what_a_line_by_line_walk_gives() {
        fn slow(buf: &[u8]) -> Option<usize> {
            for p in (1..buf.len()).rev().filter(|&p| buf[p - 1] == b'\n') {
                if decided(buf, p, false) && !is_continuation(&buf[p..]) {
                    return Some(p);
                }
            }
            None
        }
        let parts: [&[u8]; 8] = [
            b"\n",
            b"\n\n\n",
            b"x 1\n",
            b"  y\n",
            b"\r\n",
            b"\r\n\r\n",
            b"\r",
            b"\r\r\n",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut buf = Vec::new();
            for _ in 0..(seed % 9) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                buf.extend(parts[(seed >> 33) as usize % parts.len()]);
            }
            if seed % 3 == 0 {
                buf.extend(b"tail");
            }
            assert_eq!(
                last_cut(&buf, usize::MAX, false),
                slow(&buf),
                "{:?}",
                String::from_utf8_lossy(&buf)
            );
        }
    }

    /// A reader of `n` bytes of `byte`, then `tail`.
    struct Endless {
        byte: u8,
        n: usize,
        tail: &'static [u8],
    }
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.n == 0 {
                return self.tail.read(buf);
            }
            let k = buf.len().min(self.n);
            buf[..k].fill(self.byte);
            self.n -= k;
            Ok(k)
        }
    }

    #[test]
    fn a_newline_free_stream_is_held_in_a_bounded_window() {
        let n = 3 * MAX_RECORD + 12345;
        let tail = b"\n2026-11-22 10:00:00 {\"code\":\"50011\"}\n";
        let mut c = StreamChunker::new(
            Endless {
                byte: b'a',
                n,
                tail,
            },
            1 << 20,
            MAX_RECORD,
        );
        let mut total = 0;
        let mut last = Vec::new();
        let mut held = Vec::new();
        while let Some(part) = c.next_chunk().unwrap() {
            assert!(part.len() <= MAX_RECORD, "{}", part.len());
            assert!(
                c.carry.capacity() <= 2 * MAX_RECORD,
                "{}",
                c.carry.capacity()
            );
            total += part.len();
            held.push(part.capacity());
            last = part;
        }
        assert_eq!(total, n + tail.len());
        // The pieces hold a chunk's worth each, not a carry's (but the last two:
        // the end of the line, and the record after it).
        assert!(held.len() > 5, "{held:?}");
        for cap in &held[..held.len() - 2] {
            assert!(*cap <= 2 << 20, "{held:?}");
        }
        // The record after the long line comes out on its own.
        assert_eq!(last, &tail[1..]);
        assert_eq!((c.oversized, c.first_oversized), (1, Some(0)));
        let note = c.oversized_note().unwrap();
        assert!(note.contains("of 4 MiB or more"), "{note}");
        assert!(note.contains("(at byte 0)"), "{note}");
    }

    #[test]
    fn a_leading_hole_is_read_through_and_dropped_never_held() {
        let tail = b"2026-11-22 10:00:00 {\"code\":\"50011\"}\n";
        for n in [16, 5000, 3 * MAX_RECORD + 7] {
            let mut c = StreamChunker::new(Endless { byte: 0, n, tail }, 1 << 20, 1 << 30);
            assert_eq!(c.sniff(), Head::Text { hole: n });
            assert!(c.carry.capacity() <= 512 << 10);
            assert_eq!(c.offset, n as u64);
            assert_eq!(c.next_chunk().unwrap().unwrap(), tail);
            assert_eq!(c.next_chunk().unwrap(), None);
        }
        // All NULs: a hole with nothing after it.
        let mut c = StreamChunker::new(
            Endless {
                byte: 0,
                n: 100_000,
                tail: b"",
            },
            1 << 20,
            1 << 30,
        );
        assert_eq!(c.sniff(), Head::Text { hole: 100_000 });
        assert_eq!(c.next_chunk().unwrap(), None);
        // Binary: nothing is dropped (`--binary` scans it all).
        let bin = b"\x00\x00\x00\x10header\x00\nline\n";
        let mut c = StreamChunker::new(&bin[..], 4, 100);
        assert_eq!(c.sniff(), Head::Binary);
        let mut all = Vec::new();
        while let Some(p) = c.next_chunk().unwrap() {
            all.extend(p);
        }
        assert_eq!(all, bin);
    }

    #[test]
    fn read_errors_come_after_the_data_before_them() {
        struct Broken(usize);
        impl Read for Broken {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("corrupt"));
                }
                let n = buf.len().min(self.0);
                buf[..n].fill(b'\n');
                self.0 -= n;
                Ok(n)
            }
        }
        let mut c = StreamChunker::new(Broken(10), 4, 100);
        let mut n = 0;
        let err = loop {
            match c.next_chunk() {
                Ok(Some(p)) => n += p.len(),
                Ok(None) => panic!("error lost"),
                Err(e) => break e,
            }
        };
        assert_eq!(n, 10);
        assert_eq!(err.to_string(), "corrupt");
    }
}
