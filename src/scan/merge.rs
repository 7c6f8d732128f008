//! The merge, in input order, of scanned chunks: line numbers, times carried down
//! from the last stamp above, and echoes of the response just counted.

use super::sink::Flow;
use super::{clues, ChunkScan};
use crate::event::Event;
use crate::extract::RetryMark;

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
    /// Lines before the source's first byte read ([`Merger::skip_lines`]).
    skipped: u64,
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
        self.line_base - self.skipped
    }

    /// The number of the next chunk's first line, less one.
    pub fn line_before_next(&self) -> u64 {
        self.line_base
    }

    /// The source starts after `lines` lines not read now: line numbers go on
    /// from there.
    pub fn skip_lines(&mut self, lines: u64) {
        self.line_base += lines;
        self.skipped += lines;
    }

    /// Merges the next chunk, calling `emit` for every event in order.
    pub fn merge(&mut self, chunk: ChunkScan, emit: &mut dyn FnMut(Event<'_>)) {
        self.merge_with(chunk, &mut |ev, _| {
            emit(ev);
            Flow::Go
        });
    }

    /// Merges the next chunk, calling `emit` for every event in order with the
    /// offset of its code in the chunk, until `emit` says to stop (then the rest
    /// of the chunk is dropped: the source is not merged further).
    pub fn merge_with(
        &mut self,
        mut chunk: ChunkScan,
        emit: &mut dyn FnMut(Event<'_>, usize) -> Flow,
    ) -> Flow {
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
            let at = ev.at;
            let flow = emit(
                Event {
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
                },
                at,
            );
            if flow != Flow::Go {
                return flow;
            }
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
        Flow::Go
    }
}
