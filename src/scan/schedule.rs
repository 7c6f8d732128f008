//! The one ordered scheduler, for files and streams alike: sources are taken in
//! order and cut into chunks (read by offset in the worker for files, handed over
//! by a reader thread for streams); chunks are scanned in parallel on the pool, at
//! most [`Settings::ahead`] past the next one to merge; results are merged in input
//! order on one thread and handed to the [`Sink`], which can stop a source or the
//! whole run. Memory is bounded by the chunks in flight, never by the input.
//!
//! Results do not depend on thread count, chunk size or how the bytes came: what a
//! chunk cannot know alone is settled by the [`Merger`], in order.

use super::sink::{Flow, Needs, Place, Sink, SourceEnd};
use super::{scan_chunk, ChunkScan, Merger, ScanOptions};
use crate::input::chunk;
use crate::input::open::{self, Bytes, FileInput, Next, Opened, Piece, ReadOptions, StreamInput};
use crate::input::{binary_problem, describe, Problem, Source};
use crate::time::Zone;
use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{mpsc, Arc};

/// How a run scans.
#[derive(Clone, Debug)]
pub struct Settings {
    pub read: ReadOptions,
    pub zone: Zone,
    /// Scan files that hold NUL bytes instead of skipping them.
    pub binary: bool,
}

impl Settings {
    pub fn new(zone: Zone) -> Settings {
        Settings {
            read: ReadOptions::default(),
            zone,
            binary: false,
        }
    }

    /// Chunks scanned ahead of the next one to merge: enough to keep every thread
    /// busy while one result is late, few enough to bound memory: each in-flight
    /// stream chunk holds its buffer, and a chunk of nothing but error lines scanned
    /// for `grep` holds about three times its size in events and their text.
    fn ahead(needs: Needs) -> usize {
        let per_thread = if needs.text { 2 } else { 4 };
        (rayon::current_num_threads() * per_thread).max(4)
    }
}

/// Scans `sources` in order, handing what is found to `sink`. Returns an error only
/// when the sink failed (its output could not be written).
pub fn run<S: Sink + Send>(sources: &[Source], set: &Settings, sink: &mut S) -> io::Result<()> {
    // On a worker of the pool, not on this thread: the merging thread then scans
    // chunks of its own queue between merges, instead of being woken for each
    // chunk while the pool's threads scan (579 -> 61 context switches on a 1 GiB
    // night, docs/BENCHMARKS.md).
    rayon::scope(|_| Scheduler::new(sources, set, sink).run())
}

/// A chunk to scan: a range of a file, or a stream's chunk (whose bytes count
/// for the progress bar when the stream is not compressed).
enum Job {
    File(Arc<FileInput>, (u64, u64)),
    Stream(Vec<u8>, bool),
}

/// A scanned chunk: its bytes, and the scan of each of its parts (one, unless it
/// holds the pieces of a long record: [`chunk::parts`]).
struct Scanned {
    bytes: Bytes,
    parts: Vec<(Range<usize>, ChunkScan)>,
    /// File offsets of the lines cut inside, in long records.
    long_lines: Vec<u64>,
}

/// A scanned chunk, or why it could not be scanned.
type Done = Result<Scanned, String>;

/// The queue of what is handed out, in input order.
enum Slot {
    Begin(usize),
    Chunk(usize, u64),
    End(usize, Option<String>),
}

/// What is being cut into chunks now.
enum Feeding {
    File(Arc<FileInput>),
    Stream(StreamInput),
}

/// A source between its begin and its end.
struct Open {
    merger: Merger,
    end: SourceEnd,
    file: Option<Arc<FileInput>>,
    /// Where a stream's buffers go back to be filled again.
    recycle: Option<Sender<Vec<u8>>>,
    /// A stream's leading hole, once its reader has read through it.
    hole: Option<Arc<AtomicU64>>,
    /// Chunks handed out so far.
    chunks: usize,
    /// Lines cut inside, in a file's long records: how many, and the first.
    long_lines: (u64, Option<u64>),
    /// The sink stopped it, or it failed: its remaining chunks are dropped.
    stopped: bool,
    cancel: Arc<AtomicBool>,
}

struct Scheduler<'a, S> {
    sources: &'a [Source],
    set: &'a Settings,
    sink: &'a mut S,
    opts: ScanOptions,
    needs: Needs,
    /// The next source to open.
    next_source: usize,
    feeding: Option<(usize, Feeding)>,
    queue: VecDeque<Slot>,
    in_flight: usize,
    seq: u64,
    open: BTreeMap<usize, Open>,
    /// Buffers of `pread` chunks, reused from chunk to chunk.
    spare: Vec<Vec<u8>>,
}

/// What [`Scheduler::feed`] hands out.
enum Fed {
    Job(usize, Job),
    Slot(Slot),
    NotYet,
    Done,
}

impl<'a, S: Sink + Send> Scheduler<'a, S> {
    fn new(sources: &'a [Source], set: &'a Settings, sink: &'a mut S) -> Self {
        let needs = sink.needs();
        Scheduler {
            sources,
            set,
            opts: ScanOptions {
                zone: set.zone.clone(),
                count_lines: needs.lines || needs.chunks,
                keep_text: needs.text,
                clues: needs.clues,
            },
            needs,
            sink,
            next_source: 0,
            feeding: None,
            queue: VecDeque::new(),
            in_flight: 0,
            seq: 0,
            open: BTreeMap::new(),
            spare: Vec::new(),
        }
    }

    fn run(mut self) -> io::Result<()> {
        let (tx, rx) = mpsc::channel::<(u64, Done)>();
        let ahead = Settings::ahead(self.needs);
        let opts = &self.opts.clone();
        let set = self.set;
        rayon::in_place_scope_fifo(|scope| -> io::Result<()> {
            let mut ready: BTreeMap<u64, Done> = BTreeMap::new();
            loop {
                // Hand out chunks up to the window; wait for a stream's next chunk
                // only when nothing else is in hand.
                while self.in_flight < ahead {
                    match self.feed(self.queue.is_empty()) {
                        Fed::Job(source, job) => {
                            self.seq += 1;
                            let (seq, tx) = (self.seq, tx.clone());
                            let state = self.open.get_mut(&source).expect("fed source is open");
                            let (first, cancel) = (state.chunks == 0, Arc::clone(&state.cancel));
                            state.chunks += 1;
                            let buf = match job {
                                Job::File(..) => self.spare.pop(),
                                Job::Stream(..) => None,
                            };
                            scope.spawn_fifo(move |_| {
                                let done = scan_job(job, first, buf, &cancel, opts, set);
                                // Cannot fail: the receiver outlives the scope.
                                let _ = tx.send((seq, done));
                            });
                            self.queue.push_back(Slot::Chunk(source, seq));
                            self.in_flight += 1;
                        }
                        Fed::Slot(slot) => self.queue.push_back(slot),
                        Fed::NotYet | Fed::Done => break,
                    }
                }
                let Some(slot) = self.queue.pop_front() else {
                    if self.feeding.is_none() && self.next_source >= self.sources.len() {
                        return Ok(());
                    }
                    continue;
                };
                let (i, flow) = match slot {
                    Slot::Begin(i) => (i, self.sink.begin(i, &self.sources[i])?),
                    // A source that ended can only let the next ones go on or quit.
                    Slot::End(i, problem) => match self.end(i, problem)? {
                        Flow::NextSource => (i, Flow::Go),
                        f => (i, f),
                    },
                    Slot::Chunk(i, seq) => {
                        self.in_flight -= 1;
                        let done = loop {
                            if let Some(d) = ready.remove(&seq) {
                                break d;
                            }
                            match rx.try_recv() {
                                Ok((k, d)) => {
                                    ready.insert(k, d);
                                }
                                Err(_) => match rayon::yield_local() {
                                    Some(rayon::Yield::Executed) => {}
                                    // Nothing to run here: the chunks not in yet are
                                    // being scanned by other threads (only this
                                    // thread adds to its queue), so sleep until one
                                    // comes in.
                                    _ => {
                                        if let Ok((k, d)) = rx.recv() {
                                            ready.insert(k, d);
                                        }
                                    }
                                },
                            }
                        };
                        (i, self.merge(i, done)?)
                    }
                };
                match flow {
                    Flow::Go => {}
                    Flow::NextSource => self.stop(i),
                    Flow::Quit => {
                        for o in self.open.values() {
                            o.cancel.store(true, Ordering::Relaxed);
                        }
                        return Ok(());
                    }
                }
            }
        })
    }

    /// The next thing to queue, in input order.
    fn feed(&mut self, wait: bool) -> Fed {
        let Some((i, feeding)) = &mut self.feeding else {
            return self.open_next();
        };
        let i = *i;
        match feeding {
            Feeding::File(input) => {
                let k = self.open[&i].chunks;
                if let Some(&r) = input.ranges().get(k) {
                    return Fed::Job(i, Job::File(Arc::clone(input), r));
                }
            }
            Feeding::Stream(s) => match s.next(wait) {
                Next::Piece(Piece::Chunk(c)) => {
                    return Fed::Job(i, Job::Stream(c, s.compressed.is_none()));
                }
                Next::Piece(Piece::Failed(what)) => {
                    self.feeding = None;
                    return Fed::Slot(Slot::End(i, Some(what)));
                }
                Next::NotYet => return Fed::NotYet,
                Next::End => {}
            },
        }
        self.feeding = None;
        Fed::Slot(Slot::End(i, None))
    }

    /// Opens the next source: its begin, and its end at once if it cannot be read.
    fn open_next(&mut self) -> Fed {
        let i = self.next_source;
        if i >= self.sources.len() {
            return Fed::Done;
        }
        self.next_source += 1;
        let mut merger = Merger::new(i, self.opts.count_lines);
        if let Some(r) = &self.sources[i].resume {
            // Lines an earlier run read (`--state`): numbers go on from there.
            merger.skip_lines(r.lines);
        }
        let mut state = Open {
            merger,
            end: SourceEnd::default(),
            file: None,
            recycle: None,
            hole: None,
            chunks: 0,
            long_lines: (0, None),
            stopped: false,
            cancel: Arc::new(AtomicBool::new(false)),
        };
        let failed = match open::open(&self.sources[i], &self.set.read) {
            Ok(Opened::File(f)) => {
                state.end.stats.holes = f.hole();
                state.file = Some(Arc::clone(&f));
                self.feeding = Some((i, Feeding::File(f)));
                None
            }
            Ok(Opened::Stream(s)) => {
                state.end.stats.compressed = s.compressed.map(|f| f.name());
                state.recycle = Some(s.recycler());
                state.hole = Some(s.hole());
                self.feeding = Some((i, Feeding::Stream(s)));
                None
            }
            Err(what) => Some(what),
        };
        self.open.insert(i, state);
        if failed.is_some() {
            // The begin goes first, the end right after it.
            self.queue.push_back(Slot::Begin(i));
            return Fed::Slot(Slot::End(i, failed));
        }
        Fed::Slot(Slot::Begin(i))
    }

    /// Source `i` is stopped (by the sink, or by a failure): its chunks in flight
    /// are dropped, and no more are read.
    fn stop(&mut self, i: usize) {
        if let Some(state) = self.open.get_mut(&i) {
            state.stopped = true;
            state.cancel.store(true, Ordering::Relaxed);
        }
        if matches!(&self.feeding, Some((k, _)) if *k == i) {
            // A stream's reader ends at its next chunk, once its channel is gone.
            self.feeding = None;
            self.queue.push_back(Slot::End(i, None));
        }
    }

    /// Merges a scanned chunk of source `i` and hands its events to the sink.
    fn merge(&mut self, i: usize, done: Done) -> io::Result<Flow> {
        let state = self.open.get_mut(&i).expect("merged source is open");
        if state.stopped {
            return Ok(Flow::Go);
        }
        let Scanned {
            bytes,
            parts,
            long_lines,
        } = match done {
            Ok(d) => d,
            Err(what) => {
                state
                    .end
                    .problems
                    .push(Problem::error(&self.sources[i].name, what));
                return Ok(Flow::NextSource);
            }
        };
        if let Some(&at) = long_lines.first() {
            state.long_lines.0 += long_lines.len() as u64;
            state.long_lines.1.get_or_insert(at);
        }
        let data = bytes.get();
        state.end.stats.bytes += data.len() as u64;
        let mut flow = Flow::Go;
        for (r, cs) in parts {
            let part = &data[r];
            let first_line = state.merger.line_before_next() + 1;
            let (stats, sink) = (&mut state.end.stats, &mut *self.sink);
            let mut failed = None;
            flow = state.merger.merge_with(cs, &mut |ev, at| {
                stats.events += 1;
                stats.partial += u64::from(ev.partial);
                let place = Place {
                    chunk: part,
                    at,
                    first_line,
                };
                sink.event(ev, &place).unwrap_or_else(|e| {
                    failed = Some(e);
                    Flow::Quit
                })
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if flow == Flow::Go && self.needs.chunks {
                flow = sink.chunk(part, first_line)?;
            }
            if flow != Flow::Go {
                state.end.stopped = true;
                break;
            }
        }
        match bytes {
            // Every chunk before this one is merged, and later ones read from one
            // byte before their range on.
            Bytes::Mapped(f, r) => f.release_before((r.end as u64).saturating_sub(1)),
            Bytes::Owned(buf, _) => match &state.recycle {
                Some(back) => {
                    // The reader may have stopped already: then the buffer goes.
                    let _ = back.send(buf);
                }
                None => self.spare.push(buf),
            },
        }
        Ok(flow)
    }

    /// Source `i` is done: its figures and problems to the sink.
    fn end(&mut self, i: usize, problem: Option<String>) -> io::Result<Flow> {
        let mut state = self.open.remove(&i).expect("ended source is open");
        if let Some(what) = problem {
            state
                .end
                .problems
                .push(Problem::error(&self.sources[i].name, what));
        }
        if let Some(f) = &state.file {
            f.finish();
        }
        if let Some(h) = &state.hole {
            state.end.stats.holes = h.load(Ordering::Relaxed);
        }
        let (count, first) = state.long_lines;
        if let Some(note) =
            first.and_then(|at| chunk::long_line_note(self.set.read.max_record, at, count))
        {
            state
                .end
                .problems
                .push(Problem::error(&self.sources[i].name, note));
        }
        state.end.stats.echoes = state.merger.echoes;
        state.end.clues = std::mem::take(&mut state.merger.clues);
        if self.opts.count_lines {
            state.end.stats.lines = state.merger.lines();
        }
        self.sink.end(i, &self.sources[i], state.end)
    }
}

/// Reads (for a file) and scans one chunk; the first chunk of a source is checked
/// for binary content. Skipped when the source was stopped meanwhile.
fn scan_job(
    job: Job,
    first: bool,
    buf: Option<Vec<u8>>,
    cancel: &AtomicBool,
    opts: &ScanOptions,
    set: &Settings,
) -> Done {
    if cancel.load(Ordering::Relaxed) {
        return Err(String::new());
    }
    let mut long_lines = Vec::new();
    let (bytes, parts) = match job {
        Job::File(f, r) => {
            set.read.progress.add(r.1 - r.0);
            let (bytes, at) = f
                .read(r, buf.unwrap_or_default())
                .map_err(|e| describe(&e))?;
            let found = f.parts(bytes.get(), at);
            long_lines.extend(found.long_lines.iter().map(|&p| at + p as u64));
            (bytes, found.parts)
        }
        Job::Stream(c, counted) => {
            if counted {
                set.read.progress.add(c.len() as u64);
            }
            let n = c.len();
            (Bytes::Owned(c, 0..n), std::iter::once(0..n).collect())
        }
    };
    let data = bytes.get();
    if first && !set.binary {
        if let Some(p) = binary_problem(data) {
            return Err(p);
        }
    }
    let many = parts.len() > 1;
    // Up to where a long record's pieces have been handed back.
    let mut back = 0;
    let parts = parts
        .into_iter()
        .map(|r| {
            let cs = scan_chunk(&data[r.clone()], opts);
            if let (true, Bytes::Mapped(f, at)) = (many, &bytes) {
                // A long record's pieces: their pages go back as they are done,
                // a few MiB at a time (a piece is smaller than a run of pages).
                if r.end - back >= chunk::SEEN_STEP {
                    f.release(at.start + back, at.start + r.end);
                    back = r.end;
                }
            }
            (r, cs)
        })
        .collect();
    if let Bytes::Mapped(f, _) = &bytes {
        f.check().map_err(|e| describe(&e))?;
    }
    Ok(Scanned {
        bytes,
        parts,
        long_lines,
    })
}
