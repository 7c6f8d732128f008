//! Driving the scan of one source: open it, cut it into chunks, scan windows of
//! chunks in parallel (rayon), merge each window in input order, and turn every
//! problem into a message naming the source. Memory stays bounded by the window:
//! events are handed to the caller's sink as they are merged, never hoarded here.

use super::{scan_chunk, ChunkScan, Merger, ScanOptions};
use crate::event::Event;
use crate::input::chunk::{self, StreamChunker};
use crate::input::decompress::{self, Format};
use crate::input::mapped::Mapped;
use crate::input::progress::Progress;
use crate::input::sniff::{self, Head};
use crate::input::{describe, open_file, widen_pipe, Problem, Source};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, Read, Seek};

/// How sources are scanned.
#[derive(Clone, Debug)]
pub struct ScanConfig {
    pub opts: ScanOptions,
    /// Nominal chunk size in bytes (streams, and files read by `pread`).
    pub chunk_size: usize,
    /// Nominal chunk size of a mapped file: it holds no buffer, so it can be larger,
    /// and fewer chunks mean fewer hand-offs between threads (each a possible
    /// wake-up: about 1,600 context switches on a 1 GiB night with 1 MiB chunks,
    /// 550 with 4 MiB, and 4% faster, before sources ran on a worker of the pool;
    /// docs/BENCHMARKS.md).
    pub map_chunk_size: usize,
    /// Longest record (line, or body over lines) kept whole.
    pub max_record: usize,
    /// Scan files that hold NUL bytes instead of skipping them.
    pub binary: bool,
    pub progress: Progress,
}

impl ScanConfig {
    pub fn new(opts: ScanOptions) -> ScanConfig {
        ScanConfig {
            opts,
            chunk_size: 1 << 20,
            map_chunk_size: 4 << 20,
            max_record: 1 << 30,
            binary: false,
            progress: Progress::off(),
        }
    }
}

/// Counts for one source (`--stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceStats {
    pub bytes: u64,
    pub lines: u64,
    pub events: u64,
    pub partial: u64,
    pub echoes: u64,
    /// NUL bytes skipped as a leading hole (`logrotate copytruncate`).
    pub holes: u64,
    pub compressed: Option<&'static str>,
}

impl SourceStats {
    pub fn add(&mut self, o: &SourceStats) {
        self.bytes += o.bytes;
        self.lines += o.lines;
        self.events += o.events;
        self.partial += o.partial;
        self.echoes += o.echoes;
        self.holes += o.holes;
    }
}

/// What scanning a source gave besides its events.
#[derive(Debug, Default)]
pub struct SourceReport {
    pub stats: SourceStats,
    pub problems: Vec<Problem>,
    /// Clues found (when the scan looks for them), in input order.
    pub clues: Vec<super::clues::Clue>,
}

thread_local! {
    /// Each worker's read buffer, reused from chunk to chunk.
    static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Scans one source, handing each event to `sink` in input order.
pub fn scan_source(
    idx: usize,
    src: &Source,
    cfg: &ScanConfig,
    sink: &mut dyn FnMut(Event<'_>),
) -> SourceReport {
    let mut rep = SourceReport::default();
    let mut merger = Merger::new(idx, cfg.opts.count_lines);
    let mut counting = |ev: Event<'_>, st: &mut SourceStats| {
        st.events += 1;
        st.partial += u64::from(ev.partial);
        sink(ev);
    };
    let result = match &src.path {
        None => match stdin_file() {
            // Redirected from a file (`okxscan < bot.log`), not yet read: read by
            // offset like a named file (mapped, chunks in parallel), then left at
            // its end, where reading it would have left it.
            Some((mut file, len)) => {
                let done = scan_file(&file, len, cfg, &mut merger, &mut rep, &mut counting);
                let _ = file.seek(io::SeekFrom::Start(len));
                done
            }
            None => {
                let stdin = io::stdin();
                widen_pipe(&stdin);
                scan_stream(stdin, None, cfg, &mut merger, &mut rep, &mut counting)
            }
        },
        Some(path) => scan_path(path, cfg, &mut merger, &mut rep, &mut counting),
    };
    if let Err(what) = result {
        rep.problems.push(Problem::error(&src.name, what));
    }
    rep.stats.echoes = merger.echoes;
    rep.clues = std::mem::take(&mut merger.clues);
    if cfg.opts.count_lines {
        rep.stats.lines = merger.lines();
    }
    rep
}

type Counting<'a> = dyn FnMut(Event<'_>, &mut SourceStats) + 'a;

/// Standard input, when it is a regular file read from its start (not a pipe, a
/// terminal, or a file the shell has already read from), with its length.
#[cfg(unix)]
fn stdin_file() -> Option<(File, u64)> {
    use std::os::fd::AsFd;
    let mut file = File::from(io::stdin().as_fd().try_clone_to_owned().ok()?);
    let md = file.metadata().ok()?;
    (md.is_file() && file.stream_position().ok()? == 0).then_some((file, md.len()))
}

#[cfg(not(unix))]
fn stdin_file() -> Option<(File, u64)> {
    None
}

/// The leading hole to skip ([`sniff::classify_head`]), or why the source is skipped.
fn sniff_head(head: Head, cfg: &ScanConfig) -> Result<usize, String> {
    match head {
        Head::Binary if !cfg.binary => {
            Err("binary file (NUL bytes), skipped; use --binary to scan it".to_string())
        }
        Head::Binary => Ok(0),
        Head::Text { hole } => Ok(hole),
    }
}

fn scan_path(
    path: &std::path::Path,
    cfg: &ScanConfig,
    merger: &mut Merger,
    rep: &mut SourceReport,
    sink: &mut Counting<'_>,
) -> Result<(), String> {
    let (file, md) = open_file(path).map_err(|e| describe(&e))?;
    let len = md.len();
    if !md.is_file() {
        // A FIFO, process substitution or device named on the command line: it
        // cannot be read by offset, so it is read as a stream.
        widen_pipe(&file);
        return scan_stream(file, None, cfg, merger, rep, sink);
    }
    scan_file(&file, len, cfg, merger, rep, sink)
}

/// Scans a regular file of `len` bytes from its start, by offset: through a map or
/// `pread`, its chunks in parallel (or as a stream when it is compressed).
fn scan_file(
    file: &File,
    len: u64,
    cfg: &ScanConfig,
    merger: &mut Merger,
    rep: &mut SourceReport,
    sink: &mut Counting<'_>,
) -> Result<(), String> {
    let head = chunk::read_full(file, 0, 6).map_err(|e| describe(&e))?;
    if let Some(format) = decompress::sniff(&head) {
        let counted = CountingReader {
            inner: file,
            progress: cfg.progress.clone(),
        };
        return scan_stream(counted, Some(format), cfg, merger, rep, sink);
    }
    // A file of more than one chunk is read through a map, without a copy (11%
    // faster on a 1 GiB night, docs/BENCHMARKS.md); others, and any that cannot be
    // mapped, by `pread`.
    let map = (len > cfg.chunk_size as u64)
        .then(|| Mapped::new(file, len))
        .flatten();
    let size = match map {
        Some(_) => cfg.map_chunk_size,
        None => cfg.chunk_size,
    };
    let ranges = chunk::ranges(len, size);
    let holes = std::sync::atomic::AtomicU64::new(0);
    let scan_one = |k: usize, (a, b): (u64, u64)| -> io::Result<(ChunkScan, u64)> {
        let scan = |mut data: &[u8]| {
            if k == 0 {
                let hole = sniff_head(sniff::classify_head(data), cfg).map_err(io::Error::other)?;
                holes.store(hole as u64, std::sync::atomic::Ordering::Relaxed);
                data = &data[hole..];
            }
            cfg.progress.add(b - a);
            Ok((scan_chunk(data, &cfg.opts), data.len() as u64))
        };
        if let Some(map) = &map {
            let scanned = scan(&map.bytes()[chunk::map_range(map.bytes(), a, b, cfg.max_record)?])?;
            if map.shrank() {
                return Err(io::Error::other(format!(
                    "file shrank while being read (had {len} bytes); events before the cut were counted"
                )));
            }
            return Ok(scanned);
        }
        BUF.with(|buf| {
            let mut buf = buf.borrow_mut();
            let r = chunk::read_range(file, a, b, len, cfg.max_record, &mut buf)?;
            scan(&buf[r])
        })
    };
    let mut merge_one = |s: io::Result<(ChunkScan, u64)>, b: u64| -> Result<(), String> {
        let (cs, bytes) = s.map_err(|e| describe(&e))?;
        rep.stats.bytes += bytes;
        rep.stats.holes = holes.load(std::sync::atomic::Ordering::Relaxed);
        merger.merge(cs, &mut |e| sink(e, &mut rep.stats));
        // Every chunk before this one is merged, and later ones read from b - 1 on.
        if let Some(map) = &map {
            map.release_before(b.saturating_sub(1) as usize);
        }
        Ok(())
    };
    if rayon::current_num_threads() == 1 || ranges.len() == 1 {
        for (k, &r) in ranges.iter().enumerate() {
            merge_one(scan_one(k, r), r.1)?;
        }
        return Ok(());
    }
    // A pipeline, with no wait at the end of a batch of chunks: chunks are handed to
    // the pool in order, at most `ahead` past the next one to merge; this thread
    // merges them in order as they come in, and scans chunks of its own queue while
    // the next one is not in yet (its own only: another file's whole scan is not
    // started here, on top of this one). Only results wait here (buffers are per
    // thread), so memory stays bounded by `ahead` chunks' events.
    let ahead = window_size() * 4;
    let scan_one = &scan_one;
    let (tx, rx) = std::sync::mpsc::channel();
    rayon::in_place_scope_fifo(|s| {
        let mut ready = std::collections::BTreeMap::new();
        let mut handed = 0;
        for next in 0..ranges.len() {
            while handed < ranges.len() && handed < next + ahead {
                let (tx, k, r) = (tx.clone(), handed, ranges[handed]);
                s.spawn_fifo(move |_| {
                    // Cannot fail: the receiver outlives the scope.
                    let _ = tx.send((k, scan_one(k, r)));
                });
                handed += 1;
            }
            let scanned = loop {
                if let Some(done) = ready.remove(&next) {
                    break done;
                }
                match rx.try_recv() {
                    Ok((k, done)) => {
                        ready.insert(k, done);
                    }
                    Err(_) => match rayon::yield_local() {
                        Some(rayon::Yield::Executed) => {}
                        // Nothing to run here: the chunks not in yet are being
                        // scanned by other threads (only this thread adds to its
                        // queue), so sleep until one comes in.
                        _ => {
                            if let Ok((k, done)) = rx.recv() {
                                ready.insert(k, done);
                            }
                        }
                    },
                }
            };
            merge_one(scanned, ranges[next].1)?;
        }
        Ok(())
    })
}

fn window_size() -> usize {
    (rayon::current_num_threads() * 4).max(2)
}

/// What the reader thread hands to the scanning side.
enum Piece {
    Chunk(Vec<u8>),
    /// A read or decompression error, after this many bytes of output.
    Failed(io::Error, u64),
    /// A record longer than the cap had to be cut: where, said.
    Oversized(String),
}

/// Scans a stream: a reader thread reads (and decompresses) chunks into a bounded
/// channel while windows of chunks are scanned in parallel, so reading and scanning
/// overlap and memory stays bounded by the channel and the window.
fn scan_stream<R: Read + Send>(
    reader: R,
    format: Option<Format>,
    cfg: &ScanConfig,
    merger: &mut Merger,
    rep: &mut SourceReport,
    sink: &mut Counting<'_>,
) -> Result<(), String> {
    let (reader, format) = match format {
        Some(f) => (
            decompress::decoder(reader, f).map_err(|e| describe(&e))?,
            Some(f),
        ),
        None => decompress::open_stream(reader).map_err(|e| describe(&e))?,
    };
    rep.stats.compressed = format.map(Format::name);
    let mut chunker = StreamChunker::new(reader, cfg.chunk_size, cfg.max_record);
    rep.stats.holes = sniff_head(chunker.sniff(), cfg)? as u64;
    let window = window_size();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(window);
        // Scanned chunks go back to the reader, to be filled again.
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            loop {
                while let Ok(buf) = back_rx.try_recv() {
                    chunker.recycle(buf, window);
                }
                let piece = match chunker.next_chunk() {
                    Ok(Some(c)) => Piece::Chunk(c),
                    Ok(None) => break,
                    Err(e) => Piece::Failed(e, chunker.offset),
                };
                let last = matches!(piece, Piece::Failed(..));
                if tx.send(piece).is_err() || last {
                    return;
                }
            }
            if let Some(note) = chunker.oversized_note() {
                let _ = tx.send(Piece::Oversized(note));
            }
        });
        loop {
            let mut batch = Vec::with_capacity(window);
            let mut end = None;
            while batch.len() < window {
                match rx.recv() {
                    Ok(Piece::Chunk(c)) => batch.push(c),
                    Ok(other) => {
                        end = Some(other);
                        break;
                    }
                    Err(_) => break,
                }
            }
            let done = batch.len() < window;
            let scans: Vec<ChunkScan> =
                batch.par_iter().map(|c| scan_chunk(c, &cfg.opts)).collect();
            for (cs, c) in scans.into_iter().zip(batch) {
                rep.stats.bytes += c.len() as u64;
                if format.is_none() {
                    cfg.progress.add(c.len() as u64);
                }
                merger.merge(cs, &mut |e| sink(e, &mut rep.stats));
                // The reader may have stopped already: then the buffer is dropped.
                let _ = back_tx.send(c);
            }
            match end {
                Some(Piece::Failed(e, offset)) => {
                    return Err(match format {
                        Some(f) => format!(
                            "{} data is corrupt or truncated after {offset} bytes of output ({}); events before it were counted",
                            f.name(),
                            describe(&e)
                        ),
                        None => format!("read failed after {offset} bytes ({})", describe(&e)),
                    });
                }
                Some(Piece::Oversized(note)) => return Err(note),
                _ if done => return Ok(()),
                _ => {}
            }
        }
    })
}

/// Reports compressed bytes read to the progress bar.
struct CountingReader<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}
