//! The sink: what the scan hands its findings to, as ripgrep's searcher hands matches
//! to a printer. The scan calls it in input order: [`Sink::begin`] for a source,
//! [`Sink::event`] for each event (with the bytes of the chunk it was found in, for
//! context lines), [`Sink::chunk`] once a chunk's events are done, and [`Sink::end`]
//! with the source's figures and problems. What a sink returns can stop the scan of
//! a source (`grep -m`, `-l`) or of the whole run (`grep -q`).
//!
//! A sink says what it needs ([`Needs`]) instead of the command flipping scan
//! options: line numbers cost a newline count, kept text a copy per event, clues a
//! second pass for header names.

use crate::event::Event;
use crate::input::{Problem, Source};
use std::io;

/// What a sink needs from the scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Line numbers of events (a newline count over every chunk).
    pub lines: bool,
    /// Each event's line text and its body's span.
    pub text: bool,
    /// The bytes of every chunk, through [`Sink::chunk`] (context lines).
    pub chunks: bool,
    /// Clues (request-header dumps) beside the errors, in [`SourceEnd::clues`].
    pub clues: bool,
}

/// What the scan does after a call to the sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Go,
    /// Stop reading this source; go on with the next one.
    NextSource,
    /// Stop the whole run.
    Quit,
}

/// Where an event was found: the chunk holding it and the code's offset in it.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub chunk: &'a [u8],
    /// Offset of the event's code in `chunk`.
    pub at: usize,
    /// 1-based number of the chunk's first line (when lines are counted).
    pub first_line: u64,
}

/// Counts for one source (`--stats`, report scope).
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

/// What the scan of one source gave besides its events.
#[derive(Debug, Default)]
pub struct SourceEnd {
    pub stats: SourceStats,
    pub problems: Vec<Problem>,
    /// Clues found (when asked for), in input order.
    pub clues: Vec<super::clues::Clue>,
    /// The sink stopped the source before its end.
    pub stopped: bool,
}

impl SourceEnd {
    /// True when a problem may have lost data.
    pub fn had_error(&self) -> bool {
        self.problems.iter().any(|p| p.error)
    }
}

/// The receiver of a scan's findings, called in input order on one thread.
pub trait Sink {
    fn needs(&self) -> Needs;

    /// A source starts (every source gets a `begin` and an `end`, in order).
    fn begin(&mut self, _index: usize, _source: &Source) -> io::Result<Flow> {
        Ok(Flow::Go)
    }

    /// One event, in input order.
    fn event(&mut self, ev: Event<'_>, place: &Place<'_>) -> io::Result<Flow>;

    /// A chunk's events are done (only when [`Needs::chunks`]): its bytes, and the
    /// 1-based number of its first line.
    fn chunk(&mut self, _chunk: &[u8], _first_line: u64) -> io::Result<Flow> {
        Ok(Flow::Go)
    }

    /// A source is done (or was stopped, or failed: see its problems).
    fn end(&mut self, _index: usize, _source: &Source, _end: SourceEnd) -> io::Result<Flow> {
        Ok(Flow::Go)
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn needs(&self) -> Needs {
        (**self).needs()
    }
    fn begin(&mut self, index: usize, source: &Source) -> io::Result<Flow> {
        (**self).begin(index, source)
    }
    fn event(&mut self, ev: Event<'_>, place: &Place<'_>) -> io::Result<Flow> {
        (**self).event(ev, place)
    }
    fn chunk(&mut self, chunk: &[u8], first_line: u64) -> io::Result<Flow> {
        (**self).chunk(chunk, first_line)
    }
    fn end(&mut self, index: usize, source: &Source, end: SourceEnd) -> io::Result<Flow> {
        (**self).end(index, source, end)
    }
}
