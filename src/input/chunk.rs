//! Cutting input into chunks of whole records, so that chunks can be scanned in
//! parallel. A cut falls only at the start of a line that begins a record: never
//! before an indented or closing line, which would split a body printed over several
//! lines. Files are read by ranges (`pread`, or in place when mapped), streams in
//! order.
//!
//! Where a cut falls is decided from the bytes alone (a record start is one wherever
//! the search began), so neighbouring ranges agree on it without talking to each
//! other, and a range that holds no record start is empty without reading further.

use crate::extract::is_continuation;
use std::fs::File;
use std::io::{self, Read};

/// In a stream, after this many bytes of continuation lines any line start will do
/// (memory stays bounded); files need no such fallback.
const FALLBACK: usize = 1 << 20;
/// How much beyond a range's end is read at first to find its cut.
/// (Read again by the next range: small, it costs little copying; a longer record
/// doubles the read until its end is in.)
const OVERHANG: usize = 8 * 1024;

/// The first record start at or after `pos` in `buf` (with `pos > 0`). `Ok(None)`
/// means "need more bytes"; at end of input the end itself is a cut.
fn find_cut(buf: &[u8], pos: usize, eof: bool) -> Option<usize> {
    let mut from = pos - 1;
    while let Some(n) = memchr::memchr(b'\n', &buf[from..]) {
        let p = from + n + 1;
        if p >= buf.len() {
            return eof.then_some(buf.len());
        }
        if !is_continuation(&buf[p..]) {
            return Some(p);
        }
        from = p;
    }
    eof.then_some(buf.len())
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

fn cut(data: &[u8], a: u64, base: u64, span: usize, eof: bool) -> Cut {
    let start = if a == 0 {
        0
    } else {
        let head = &data[..(span + 1).min(data.len())];
        match find_cut(head, (a - base) as usize, eof && head.len() == data.len()) {
            Some(p) if p < span && p < data.len() => p,
            _ => return Cut::None,
        }
    };
    match find_cut(data, span, eof) {
        Some(e) => Cut::Records(start..e.max(start)),
        None => Cut::More,
    }
}

/// How much to look at next when the last record goes on past `want` bytes (from
/// `base`), or the error when it may not grow further.
fn grow(want: usize, a: u64, base: u64, len: u64, max: usize) -> io::Result<usize> {
    if want >= max {
        return Err(io::Error::other(format!(
            "a line or record longer than {} MiB (at byte {a}); raise --max-record",
            max >> 20
        )));
    }
    Ok((want * 2).min((len - base) as usize).min(max.max(want + 1)))
}

/// The whole records that start in the range `[a, b)` of a file whose size at open
/// was `len`, read into `buf`; returns where they lie in `buf`. A file that is
/// shorter now is an error ("shrank"); one that grew is read up to `len`.
pub fn read_range(
    f: &File,
    a: u64,
    b: u64,
    len: u64,
    max: usize,
    buf: &mut Vec<u8>,
) -> io::Result<std::ops::Range<usize>> {
    // Read from one byte early, to see whether `a` itself starts a line.
    let base = a.saturating_sub(1);
    let span = (b - base) as usize;
    let mut want = (span + OVERHANG).min((len - base) as usize);
    loop {
        let got = read_into(f, base, want, buf)?;
        let pad = got.start;
        if got.len() < want {
            return Err(io::Error::other(format!(
                "file shrank while being read (had {len} bytes, ended at {})",
                base + got.len() as u64
            )));
        }
        let data = &buf[got];
        match cut(data, a, base, span, base + data.len() as u64 >= len) {
            Cut::Records(r) => return Ok(pad + r.start..pad + r.end),
            Cut::None => return Ok(0..0),
            Cut::More => want = grow(want, a, base, len, max)?,
        }
    }
}

/// [`read_range`] over a file's mapped bytes `map` (all of it): where in `map` the
/// records that start in `[a, b)` lie.
pub fn map_range(map: &[u8], a: u64, b: u64, max: usize) -> io::Result<std::ops::Range<usize>> {
    let len = map.len() as u64;
    let base = a.saturating_sub(1);
    let span = (b - base) as usize;
    let mut want = (span + OVERHANG).min((len - base) as usize);
    loop {
        let data = &map[base as usize..base as usize + want];
        let at = base as usize;
        match cut(data, a, base, span, base + want as u64 >= len) {
            Cut::Records(r) => return Ok(at + r.start..at + r.end),
            Cut::None => return Ok(0..0),
            Cut::More => want = grow(want, a, base, len, max)?,
        }
    }
}

/// Cuts a stream into chunks of about `size` bytes of whole records.
pub struct StreamChunker<R> {
    reader: R,
    size: usize,
    max: usize,
    carry: Vec<u8>,
    eof: bool,
    failed: Option<io::Error>,
    /// Bytes handed out so far.
    pub offset: u64,
    /// A record longer than `max` had to be cut.
    pub oversized: bool,
    /// Buffers handed back after use ([`StreamChunker::recycle`]): a chunk's memory
    /// is reused instead of freed and faulted in again.
    spare: Vec<Vec<u8>>,
}

impl<R: Read> StreamChunker<R> {
    pub fn new(reader: R, size: usize, max: usize) -> StreamChunker<R> {
        StreamChunker {
            reader,
            size: size.max(1),
            max: max.max(size.max(1)),
            carry: Vec::new(),
            eof: false,
            failed: None,
            offset: 0,
            oversized: false,
            spare: Vec::new(),
        }
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
            let cut = if done {
                Some(self.carry.len())
            } else {
                last_cut(&self.carry)
            };
            match cut {
                Some(c) if c > 0 => return Ok(Some(self.take(c))),
                _ if self.carry.len() >= self.max => {
                    self.oversized = true;
                    let c = self.carry.len();
                    return Ok(Some(self.take(c)));
                }
                _ => target = (self.carry.len() * 2).min(self.max),
            }
        }
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let mut rest = self.spare.pop().unwrap_or_default();
        rest.clear();
        rest.extend_from_slice(&self.carry[n..]);
        self.carry.truncate(n);
        let chunk = std::mem::replace(&mut self.carry, rest);
        self.offset += chunk.len() as u64;
        chunk
    }

    /// Takes back a chunk's buffer for a later chunk (at most `keep` are kept).
    pub fn recycle(&mut self, buf: Vec<u8>, keep: usize) {
        if self.spare.len() < keep {
            self.spare.push(buf);
        }
    }
}

/// The last record start in `buf` whose first byte is known (a line start followed
/// by a non-continuation byte), falling back to any line start far from the end.
fn last_cut(buf: &[u8]) -> Option<usize> {
    let mut end = buf.len();
    let mut any = None;
    while let Some(n) = memchr::memrchr(b'\n', &buf[..end]) {
        let p = n + 1;
        if p < buf.len() {
            if !is_continuation(&buf[p..]) {
                return Some(p);
            }
            any.get_or_insert(p);
            if buf.len() - p > FALLBACK {
                return any;
            }
        }
        end = n;
    }
    None
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
                let r = read_range(f.as_file(), a, b, len, 1 << 20, &mut buf).unwrap();
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
        assert!(c.oversized);
        assert_eq!(n, big.len());
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
