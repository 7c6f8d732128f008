//! Extraction: from a candidate line (or a body printed over several lines) to the
//! OKX error events a careful reader counts.
//!
//! The counting rules are those of `shared/real-logs/README.md`: one event per error
//! response; a batch yields one event per failed item (`sCode` not "0") and its
//! top-level "1"/"2" is not counted again; code "0" is success; legacy v1/v3 bodies
//! count; other exchanges' bodies and WebSocket notices never do. Bodies are parsed
//! by [`value`]; bodies without JSON (exception text) by [`text`].
//!
//! [`record`] frames a record around a hit and finds its bodies; [`rules`] counts
//! a parsed body's events.

pub mod context;
pub mod evidence;
pub mod literals;
mod record;
mod rules;
pub mod text;
pub mod value;

use record::code_finder;
pub use record::{
    code_follows, is_continuation, line_bounds, record_at, CONTINUATION_LOOK, MAX_RECORD_BYTES,
};
pub use rules::{code_syntax_ok, plausible, Kind};

use crate::event::Shape;

/// One event as the extractor sees it, with offsets into the scanned buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub code: String,
    pub message: String,
    pub shape: Shape,
    pub partial: bool,
    /// Offset of the code (or of the body when offsets are not known) in the buffer.
    pub at: usize,
    /// Start of the record's first line: where its time is looked for.
    pub record_start: usize,
    /// The body's bytes in the buffer.
    pub body: (usize, usize),
    /// The record is a `Caused by:` line: an echo when it repeats the event before.
    pub caused_by: bool,
    /// Where the line stands in a retry loop (freqtrade's `Retrying still for N
    /// times` ... `Giving up.`): after giving up, a line outside the loop that
    /// repeats the body is the same failure re-raised.
    pub gave_up: RetryMark,
}

/// A line's place in a logged retry loop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryMark {
    #[default]
    None,
    Retrying,
    GaveUp,
}

fn retry_mark(line: &[u8]) -> RetryMark {
    // One pass over the line's capitals G and R (fewer than a searcher per phrase
    // costs to set up on a short line).
    let mut mark = RetryMark::None;
    for p in memchr::memchr2_iter(b'G', b'R', line) {
        let rest = &line[p..];
        if rest.starts_with(b"Giving up") {
            return RetryMark::GaveUp;
        }
        if rest.starts_with(b"Retrying") {
            mark = RetryMark::Retrying;
        }
    }
    mark
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn events(text: &str) -> Vec<(String, String, Shape)> {
        let data = text.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < data.len() {
            let end = record_at(data, pos, 0, &mut out);
            pos = record::next_line(data, end).max(pos + 1);
        }
        out.into_iter()
            .map(|f| (f.code, f.message, f.shape))
            .collect()
    }

    pub(crate) fn codes(text: &str) -> Vec<String> {
        events(text).into_iter().map(|e| e.0).collect()
    }
}
