//! Opening a source, and handing out its bytes. A regular file (named, or stdin
//! redirected from one) is read by offset: mapped when larger than a chunk, else
//! by `pread`, so its chunks can be read and scanned in parallel. Anything else (a
//! pipe, a FIFO or process substitution, a device, a compressed file) is a stream,
//! read in order by a thread of its own into chunks of whole records.
//!
//! Nothing here scans: the scan asks for chunks ([`FileInput::read`],
//! [`StreamInput::next`]) and never opens a file.

use super::chunk::{self, StreamChunker};
use super::decompress::{self, Format};
use super::mapped::Mapped;
use super::progress::Progress;
use super::sniff;
use super::{describe, open_file, widen_pipe, Source};
use std::fs::File;
use std::io::{self, Read, Seek};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::Arc;

/// How sources are read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Nominal chunk size in bytes (streams, and files read by `pread`).
    pub chunk_size: usize,
    /// Nominal chunk size of a mapped file: it holds no buffer, so it can be larger,
    /// and fewer chunks mean fewer hand-offs between threads (each a possible
    /// wake-up: about 1,600 context switches on a 1 GiB night with 1 MiB chunks,
    /// 550 with 4 MiB, and 4% faster; docs/BENCHMARKS.md).
    pub map_chunk_size: usize,
    /// Records (a line, or a body over lines) this long or longer are cut into
    /// pieces ([`chunk`]).
    pub max_record: usize,
    /// Chunks a stream's reader may have read ahead of the scan.
    pub stream_ahead: usize,
    pub progress: Progress,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            chunk_size: 1 << 20,
            map_chunk_size: 4 << 20,
            max_record: chunk::MAX_RECORD,
            stream_ahead: 4,
            progress: Progress::off(),
        }
    }
}

/// An opened source.
pub enum Opened {
    File(Arc<FileInput>),
    Stream(StreamInput),
}

/// Opens a source; the error says why it cannot be read.
pub fn open(src: &Source, opts: &ReadOptions) -> Result<Opened, String> {
    match &src.path {
        None => match stdin_file() {
            // Redirected from a file (`okxscan < bot.log`), not yet read: read by
            // offset like a named file, then left at its end, where reading it
            // would have left it.
            Some((file, len)) => open_regular(file, len, true, opts),
            None => {
                let stdin = io::stdin();
                widen_pipe(&stdin);
                StreamInput::start(stdin, None, opts)
            }
        },
        Some(path) => {
            let (file, md) = open_file(path).map_err(|e| describe(&e))?;
            if let (Some(resume), true) = (&src.resume, md.is_file()) {
                return open_resumed(file, resume, opts);
            }
            if md.is_file() {
                open_regular(file, md.len(), false, opts)
            } else {
                // A FIFO, process substitution or device named on the command
                // line: it cannot be read by offset.
                widen_pipe(&file);
                StreamInput::start(file, None, opts)
            }
        }
    }
}

fn open_regular(
    file: File,
    len: u64,
    seek_end: bool,
    opts: &ReadOptions,
) -> Result<Opened, String> {
    let head = chunk::read_full(&file, 0, 6).map_err(|e| describe(&e))?;
    if let Some(format) = decompress::sniff(&head) {
        let counted = CountingReader {
            inner: file,
            progress: opts.progress.clone(),
        };
        return StreamInput::start(counted, Some(format), opts);
    }
    // A file of more than one chunk is read through a map, without a copy (11%
    // faster on a 1 GiB night, docs/BENCHMARKS.md); others, and any that cannot be
    // mapped, by `pread`.
    let map = (len > opts.chunk_size as u64)
        .then(|| Mapped::new(&file, len))
        .flatten();
    let size = match map {
        Some(_) => opts.map_chunk_size,
        None => opts.chunk_size,
    };
    // The file's records begin after its leading hole: the ranges count from there
    // (so no chunk has to hold the hole, however long).
    let hole = leading_hole(&file, len).map_err(|e| describe(&e))?;
    Ok(Opened::File(Arc::new(FileInput {
        file,
        len,
        hole,
        map,
        ranges: chunk::ranges(len - hole, size),
        max_record: opts.max_record,
        seek_end,
    })))
}

/// The file's leading hole ([`sniff`]): its run of NUL bytes, when long enough to
/// be one. Read in blocks by `pread` (never held whole, and not through the map:
/// mapped pages read count in the resident memory), from the first data the file
/// system has: a hole left by `copytruncate` is sparse, and is not read at all.
fn leading_hole(file: &File, len: u64) -> io::Result<u64> {
    let first = chunk::read_full(file, 0, 8)?;
    if sniff::leading_nuls(&first) < first.len().min(8) || first.is_empty() {
        return Ok(0);
    }
    let mut n = first_data(file).min(len);
    while n < len {
        let block = chunk::read_full(file, n, 256 << 10)?;
        let z = sniff::leading_nuls(&block);
        n += z as u64;
        if z < block.len() || block.is_empty() {
            break;
        }
    }
    Ok(if n >= sniff::HOLE_MIN as u64 { n } else { 0 })
}

/// Where the file's first data lies (`SEEK_DATA`): all before it is a sparse hole.
#[cfg(target_os = "linux")]
fn first_data(file: &File) -> u64 {
    use std::os::fd::AsRawFd;
    // SAFETY: lseek on a descriptor this process holds open; the offset it leaves
    // does not matter (the file is read by `pread`, at explicit offsets).
    let at = unsafe { libc::lseek(file.as_raw_fd(), 0, libc::SEEK_DATA) };
    match u64::try_from(at) {
        Ok(at) => at,
        // No data at all: a hole to the end.
        Err(_) if io::Error::last_os_error().raw_os_error() == Some(libc::ENXIO) => u64::MAX,
        // Not supported here: read from the start.
        Err(_) => 0,
    }
}

#[cfg(not(target_os = "linux"))]
fn first_data(_: &File) -> u64 {
    0
}

/// A file an earlier run read part of (`--state`): its new bytes, up to the end of
/// its last complete line when it is plain, or what its decompressed content holds
/// past what was read.
fn open_resumed(
    mut file: File,
    resume: &super::state::Resume,
    opts: &ReadOptions,
) -> Result<Opened, String> {
    match resume.end {
        Some(end) if resume.offset == 0 => open_regular(file, end, false, opts),
        Some(end) => {
            file.seek(io::SeekFrom::Start(resume.offset))
                .map_err(|e| describe(&e))?;
            let new = CountingReader {
                inner: file.take(end - resume.offset),
                progress: opts.progress.clone(),
            };
            StreamInput::start_plain(new, opts)
        }
        None => {
            let head = chunk::read_full(&file, 0, 6).map_err(|e| describe(&e))?;
            let format = decompress::sniff(&head).ok_or("changed since it was looked at")?;
            let counted = CountingReader {
                inner: file,
                progress: opts.progress.clone(),
            };
            let decoded = decompress::decoder(counted, format).map_err(|e| describe(&e))?;
            let rest = SkipFirst {
                inner: decoded,
                left: resume.offset,
            };
            StreamInput::start_plain(rest, opts).map(|o| match o {
                Opened::Stream(mut s) => {
                    s.compressed = Some(format);
                    Opened::Stream(s)
                }
                other => other,
            })
        }
    }
}

/// A reader that drops its first `left` bytes.
struct SkipFirst<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for SkipFirst<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.left > 0 {
            let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
            let n = self.inner.read(&mut buf[..want])?;
            if n == 0 {
                return Ok(0);
            }
            self.left -= n as u64;
        }
        self.inner.read(buf)
    }
}

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

/// A regular file read by offset, its chunks in any order and on any thread.
pub struct FileInput {
    file: File,
    len: u64,
    /// The leading hole, skipped: [`FileInput::ranges`] count from its end.
    hole: u64,
    map: Option<Mapped>,
    ranges: Vec<(u64, u64)>,
    max_record: usize,
    /// Stdin redirected from this file: leave it at its end when done.
    seek_end: bool,
}

/// A chunk's bytes: in a buffer, or in place in a mapped file.
pub enum Bytes {
    Owned(Vec<u8>, Range<usize>),
    Mapped(Arc<FileInput>, Range<usize>),
}

impl Bytes {
    pub fn get(&self) -> &[u8] {
        match self {
            Bytes::Owned(buf, r) => &buf[r.clone()],
            Bytes::Mapped(f, r) => f.map.as_ref().map_or(&[][..], |m| &m.bytes()[r.clone()]),
        }
    }

    /// The buffer, to be reused.
    pub fn into_buffer(self) -> Option<Vec<u8>> {
        match self {
            Bytes::Owned(buf, _) => Some(buf),
            Bytes::Mapped(..) => None,
        }
    }
}

impl FileInput {
    /// The nominal ranges of the file's chunks: each chunk is the whole records that
    /// start in its range.
    pub fn ranges(&self) -> &[(u64, u64)] {
        &self.ranges
    }

    pub fn is_mapped(&self) -> bool {
        self.map.is_some()
    }

    /// The leading hole skipped (NUL bytes, as `logrotate copytruncate` leaves).
    pub fn hole(&self) -> u64 {
        self.hole
    }

    /// The whole records that start in `range`, in place when mapped, else read
    /// into `buf`, and the file offset of their first byte.
    pub fn read(
        self: &Arc<Self>,
        (a, b): (u64, u64),
        mut buf: Vec<u8>,
    ) -> io::Result<(Bytes, u64)> {
        if let Some(map) = &self.map {
            let hole = self.hole as usize;
            let r = chunk::map_range(&map.bytes()[hole..], a, b, &|x, y| {
                map.release_range(hole + x, hole + y)
            });
            if map.shrank() {
                return Err(self.shrank());
            }
            if r.is_empty() {
                // Inside a long record another range holds: searched, and done with.
                map.release_range(hole + a as usize, hole + b as usize);
            }
            let at = (hole + r.start) as u64;
            return Ok((
                Bytes::Mapped(Arc::clone(self), hole + r.start..hole + r.end),
                at,
            ));
        }
        let (r, at) =
            chunk::read_range_from(&self.file, self.hole, a, b, self.len - self.hole, &mut buf)?;
        Ok((Bytes::Owned(buf, r), at))
    }

    /// The parts of a chunk that starts at file offset `at` ([`chunk::parts`]):
    /// records this long or longer are cut into pieces.
    pub fn parts(&self, data: &[u8], at: u64) -> chunk::Parts {
        chunk::parts(data, self.max_record, &|x, y| {
            self.release(at as usize + x, at as usize + y)
        })
    }

    /// The mapped bytes `[from, to)` of a long record's pieces were scanned: their
    /// pages go back (read again from the page cache if touched).
    pub fn release(&self, from: usize, to: usize) {
        if let Some(map) = &self.map {
            map.release_range(from, to);
        }
    }

    /// After a mapped chunk was scanned: did the file shrink under the map (the
    /// bytes past its new end read as zeros)?
    pub fn check(&self) -> io::Result<()> {
        match &self.map {
            Some(map) if map.shrank() => Err(self.shrank()),
            _ => Ok(()),
        }
    }

    fn shrank(&self) -> io::Error {
        io::Error::other(format!(
            "file shrank while being read (had {} bytes); events before the cut were counted",
            self.len
        ))
    }

    /// Every chunk up to `offset` is done with: a map hands those pages back.
    pub fn release_before(&self, offset: u64) {
        if let Some(map) = &self.map {
            map.release_before(offset as usize);
        }
    }

    /// The source is done: stdin redirected from this file is left at its end.
    pub fn finish(&self) {
        if self.seek_end {
            let _ = (&self.file).seek(io::SeekFrom::Start(self.len));
        }
    }
}

/// What a stream's reader hands over.
pub enum Piece {
    Chunk(Vec<u8>),
    /// The stream ended with this problem (after the chunks before it).
    Failed(String),
}

/// A stream read (and decompressed) by a thread of its own, in chunks of whole
/// records, at most [`ReadOptions::stream_ahead`] ahead of the scan.
pub struct StreamInput {
    rx: Receiver<Piece>,
    back: Sender<Vec<u8>>,
    /// The leading hole the reader read through ([`StreamChunker::sniff`]).
    hole: Arc<AtomicU64>,
    pub compressed: Option<Format>,
    done: bool,
}

/// What [`StreamInput::next`] gives.
pub enum Next {
    Piece(Piece),
    /// Nothing read yet (only when not asked to wait).
    NotYet,
    End,
}

impl StreamInput {
    /// A stream of plain text, whatever its first bytes look like.
    fn start_plain<R: Read + Send + 'static>(
        reader: R,
        opts: &ReadOptions,
    ) -> Result<Opened, String> {
        Self::spawn(Box::new(reader), None, opts)
    }

    fn start<R: Read + Send + 'static>(
        reader: R,
        format: Option<Format>,
        opts: &ReadOptions,
    ) -> Result<Opened, String> {
        let (reader, format) = match format {
            Some(f) => (
                decompress::decoder(reader, f).map_err(|e| describe(&e))?,
                Some(f),
            ),
            None => decompress::open_stream(reader).map_err(|e| describe(&e))?,
        };
        Self::spawn(reader, format, opts)
    }

    fn spawn(
        reader: Box<dyn Read + Send>,
        format: Option<Format>,
        opts: &ReadOptions,
    ) -> Result<Opened, String> {
        let (tx, rx) = mpsc::sync_channel(opts.stream_ahead.max(1));
        let (back, back_rx) = mpsc::channel();
        let (size, max, keep) = (opts.chunk_size, opts.max_record, opts.stream_ahead);
        let hole = Arc::new(AtomicU64::new(0));
        let found = Arc::clone(&hole);
        // Detached: a sink that stops early drops the receiver, and the reader ends
        // at its next chunk (a pipe that never ends would keep a scoped thread).
        std::thread::spawn(move || {
            let mut chunker = StreamChunker::new(reader, size, max);
            // A leading hole is read through here; binary content stays, for the
            // first chunk's check.
            if let sniff::Head::Text { hole } = chunker.sniff() {
                found.store(hole as u64, Ordering::Relaxed);
            }
            read_stream(chunker, format, keep, tx, back_rx)
        });
        Ok(Opened::Stream(StreamInput {
            rx,
            back,
            hole,
            compressed: format,
            done: false,
        }))
    }

    /// The next piece; waits for it when `wait`.
    pub fn next(&mut self, wait: bool) -> Next {
        if self.done {
            return Next::End;
        }
        let got = if wait {
            self.rx.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            self.rx.try_recv()
        };
        match got {
            Ok(p) => {
                self.done = matches!(p, Piece::Failed(_));
                Next::Piece(p)
            }
            Err(TryRecvError::Empty) => Next::NotYet,
            Err(TryRecvError::Disconnected) => {
                self.done = true;
                Next::End
            }
        }
    }

    /// Where a chunk's buffer goes back to the reader, to be filled again.
    pub fn recycler(&self) -> Sender<Vec<u8>> {
        self.back.clone()
    }

    /// The stream's leading hole (NUL bytes skipped), known once its first chunk
    /// has come.
    pub fn hole(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.hole)
    }
}

fn read_stream(
    mut chunker: StreamChunker<Box<dyn Read + Send>>,
    format: Option<Format>,
    keep: usize,
    tx: SyncSender<Piece>,
    back: Receiver<Vec<u8>>,
) {
    loop {
        while let Ok(buf) = back.try_recv() {
            chunker.recycle(buf, keep);
        }
        let piece = match chunker.next_chunk() {
            Ok(Some(c)) => Piece::Chunk(c),
            Ok(None) => break,
            Err(e) => Piece::Failed(match format {
                Some(f) => format!(
                    "{} data is corrupt or truncated after {} bytes of output ({}); events before it were counted",
                    f.name(),
                    chunker.offset,
                    describe(&e)
                ),
                None => format!("read failed after {} bytes ({})", chunker.offset, describe(&e)),
            }),
        };
        let last = matches!(piece, Piece::Failed(_));
        if tx.send(piece).is_err() || last {
            return;
        }
    }
    if let Some(note) = chunker.oversized_note() {
        let _ = tx.send(Piece::Failed(note));
    }
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
