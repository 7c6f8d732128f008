//! Event-by-event output for `grep`: ripgrep-style lines (`path:line:text`, with
//! colour), or one event per line as NDJSON or CSV for jq, DuckDB or a spreadsheet.

use super::escape::{csv_cell, terminal};
use super::RenderCtx;
use crate::event::Event;
use crate::filter::classify;
use crate::input::Source;
use crate::scan::sink::{Flow, Needs, Place, Sink, SourceEnd};
use serde::Serialize;
use std::io::{self, Write};

const PATH: &str = "\x1b[35m";
const LINE: &str = "\x1b[32m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// How text lines look.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextStyle {
    pub filename: bool,
    pub line_number: bool,
    pub color: bool,
    pub only_matching: bool,
}

/// The `path:line:` prefix (`-` instead of `:` for context lines).
pub fn prefix(buf: &mut Vec<u8>, st: &TextStyle, name: &str, line: u64, sep: char) {
    if st.filename {
        if st.color {
            let _ = write!(buf, "{PATH}{}{RESET}{sep}", terminal(name));
        } else {
            let _ = write!(buf, "{}{sep}", terminal(name));
        }
    }
    if st.line_number {
        if st.color {
            let _ = write!(buf, "{LINE}{line}{RESET}{sep}");
        } else {
            let _ = write!(buf, "{line}{sep}");
        }
    }
}

/// A matching line, its error body highlighted (or only the body with `-o`). The
/// whole line is masked first and the body's span moved onto the masked text: a
/// value is never cut by the highlight into pieces the masking cannot recognise.
pub fn text_line(buf: &mut Vec<u8>, ctx: &RenderCtx, st: &TextStyle, ev: &Event) {
    let raw = ev.text.as_deref().unwrap_or("");
    prefix(buf, st, ctx.name(ev.source), ev.line, ':');
    let span = ev.span.filter(|&(s, e)| {
        s <= e && e <= raw.len() && raw.is_char_boundary(s) && raw.is_char_boundary(e)
    });
    let (text, span) = match span {
        Some(sp) if ctx.redact => {
            let (t, sp) = crate::redact::redact_span(raw, sp);
            (t, Some(sp))
        }
        Some(sp) => (std::borrow::Cow::Borrowed(raw), Some(sp)),
        None => (ctx.text(raw), None),
    };
    match span {
        Some((s, e)) if st.only_matching => {
            let _ = writeln!(buf, "{}", terminal(&text[s..e]));
        }
        Some((s, e)) if st.color => {
            let _ = writeln!(
                buf,
                "{}{MATCH}{}{RESET}{}",
                terminal(&text[..s]),
                terminal(&text[s..e]),
                terminal(&text[e..])
            );
        }
        _ => {
            let _ = writeln!(buf, "{}", terminal(&text));
        }
    }
}

/// A context line (`path-line-text`).
pub fn context_line(
    buf: &mut Vec<u8>,
    ctx: &RenderCtx,
    st: &TextStyle,
    name: &str,
    line: u64,
    text: &str,
) {
    prefix(buf, st, name, line, '-');
    let _ = writeln!(buf, "{}", terminal(&ctx.text(text)));
}

#[derive(Serialize)]
struct Row<'a> {
    file: &'a str,
    line: u64,
    time: Option<String>,
    code: &'a str,
    category: &'static str,
    api: &'static str,
    message: String,
    shape: &'static str,
    partial: bool,
}

fn row<'a>(ctx: &'a RenderCtx, ev: &'a Event) -> Row<'a> {
    let info = classify(ev);
    Row {
        file: ctx.name(ev.source),
        line: ev.line,
        time: ev.time.map(|t| ctx.zone.format(t)),
        code: &ev.code,
        category: info.category.as_str(),
        api: info.api.as_str(),
        message: terminal(&ctx.text(&ev.message)).into_owned(),
        shape: ev.shape.as_str(),
        partial: ev.partial,
    }
}

/// One event as a JSON object on its own line.
pub fn ndjson(buf: &mut Vec<u8>, ctx: &RenderCtx, ev: &Event) {
    let _ = serde_json::to_writer(&mut *buf, &row(ctx, ev));
    buf.push(b'\n');
}

pub const CSV_HEADER: [&str; 9] = [
    "file", "line", "time", "code", "category", "api", "message", "shape", "partial",
];

/// One event as a CSV row (formula-guarded cells).
pub fn csv_row(buf: &mut Vec<u8>, ctx: &RenderCtx, ev: &Event) {
    let r = row(ctx, ev);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(&mut *buf);
    let _ = w.write_record([
        csv_cell(r.file).as_ref(),
        &r.line.to_string(),
        &r.time.unwrap_or_default(),
        r.code,
        r.category,
        r.api,
        &csv_cell(&r.message),
        r.shape,
        if r.partial { "true" } else { "false" },
    ]);
    let _ = w.flush();
}

/// What `grep` prints, decided once from the command line.
#[derive(Clone, Debug, Default)]
pub struct GrepOptions {
    pub format: super::GrepFormat,
    pub style: TextStyle,
    /// `-c`: the number of matching events per file.
    pub count: bool,
    /// `-l`: the names of files with matching events.
    pub files_with_matches: bool,
    /// `-m N`: stop reading a file after N matching events.
    pub max_count: Option<u64>,
    /// `-B` and `-A` (text lines only).
    pub before: usize,
    pub after: usize,
    /// `-q`: print nothing and stop the run at the first match.
    pub quiet: bool,
}

impl GrepOptions {
    /// Context lines are printed (text lines with `-A`, `-B` or `-C`).
    pub fn context(&self) -> bool {
        (self.before > 0 || self.after > 0)
            && self.format == super::GrepFormat::Text
            && !self.style.only_matching
            && !self.lines_only()
    }

    /// Nothing of the events themselves is printed (`-c`, `-l`, `-q`).
    fn lines_only(&self) -> bool {
        self.count || self.files_with_matches || self.quiet
    }
}

/// The `grep` printer: a [`Sink`] that writes each matching event as it comes, in
/// input order, with context lines taken from the chunk it was found in (and the
/// last lines of the chunks before), so nothing is read twice and nothing is
/// held but the lines a `-B` may still need.
pub struct Printer<W: Write> {
    out: W,
    ctx: RenderCtx,
    opt: GrepOptions,
    context: bool,
    buf: Vec<u8>,
    /// Matching events in the current file.
    events: u64,
    /// Matching events in all files.
    pub matched: u64,
    /// The last line printed in the current file (0: none).
    last_line: u64,
    /// Where that line ends in the current chunk, when it is in it.
    cursor: Option<usize>,
    /// After-context lines still to print.
    after_left: usize,
    /// The last lines of earlier chunks, for a `-B` at a chunk's start.
    tail: std::collections::VecDeque<(u64, Vec<u8>)>,
    /// A context group was printed (in any file): the next one starts with `--`.
    grouped: bool,
    /// The source being printed.
    current: usize,
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, ctx: RenderCtx, opt: GrepOptions) -> io::Result<Printer<W>> {
        let mut p = Printer {
            out,
            ctx,
            context: opt.context(),
            opt,
            buf: Vec::new(),
            events: 0,
            matched: 0,
            last_line: 0,
            cursor: None,
            after_left: 0,
            tail: Default::default(),
            grouped: false,
            current: 0,
        };
        if p.opt.format == super::GrepFormat::Csv && !p.opt.lines_only() {
            let mut hdr = csv::Writer::from_writer(Vec::new());
            hdr.write_record(CSV_HEADER)?;
            p.out
                .write_all(&hdr.into_inner().map_err(|e| e.into_error())?)?;
        }
        Ok(p)
    }

    /// The writer, once the run is done.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// Prints context line `n` (`text`), with a `--` first when it does not follow
    /// the last line printed.
    fn context_line(&mut self, source: usize, n: u64, text: &[u8], sep: char) {
        self.separate(n);
        let text = String::from_utf8_lossy(trim_eol(text));
        if sep == ':' {
            let ev_like = Event {
                source,
                line: n,
                time: None,
                code: "".into(),
                message: "".into(),
                shape: crate::event::Shape::V5,
                partial: false,
                text: Some(text.into_owned()),
                span: None,
            };
            text_line(&mut self.buf, &self.ctx, &self.opt.style, &ev_like);
        } else {
            let name = self.ctx.name(source).to_string();
            context_line(&mut self.buf, &self.ctx, &self.opt.style, &name, n, &text);
        }
        self.last_line = n;
    }

    fn separate(&mut self, n: u64) {
        if self.grouped && (self.last_line == 0 || n > self.last_line + 1) {
            self.buf.extend_from_slice(b"--\n");
        }
        self.grouped = true;
    }

    /// The match at `place`, with the context lines before it: after-context of
    /// the last match still due (read forward from it), then before-context (read
    /// back from the match, and from the lines kept of earlier chunks).
    fn with_context(&mut self, ev: &Event, place: &Place) -> io::Result<()> {
        let n = ev.line;
        if n <= self.last_line {
            return Ok(());
        }
        let (data, first) = (place.chunk, place.first_line);
        let (ls, next) = line_around(data, place.at);
        self.after_due(ev.source, data, first, n);
        let lowest = n
            .saturating_sub(self.opt.before as u64)
            .max(self.last_line + 1);
        let mut above = Vec::new();
        let (mut pos, mut k) = (ls, n);
        while k > lowest && pos > 0 && k > first {
            let ps = memchr::memrchr(b'\n', &data[..pos - 1]).map_or(0, |p| p + 1);
            k -= 1;
            above.push((k, ps, pos));
            pos = ps;
        }
        if k > lowest {
            // The rest is in earlier chunks.
            let from_tail: Vec<(u64, Vec<u8>)> = self
                .tail
                .iter()
                .filter(|(t, _)| *t >= lowest && *t < k)
                .cloned()
                .collect();
            for (t, text) in &from_tail {
                self.context_line(ev.source, *t, text, '-');
            }
        }
        for &(k, s, e) in above.iter().rev() {
            self.context_line(ev.source, k, &data[s..e], '-');
        }
        self.context_line(ev.source, n, &data[ls..next], ':');
        self.cursor = Some(next);
        self.after_left = self.opt.after;
        self.flush_buf()
    }

    /// Prints the after-context lines still due, in `data` (a chunk whose first line
    /// is `first`), before line `upto`.
    fn after_due(&mut self, source: usize, data: &[u8], first: u64, upto: u64) {
        let (mut pos, mut k) = match self.cursor {
            Some(c) => (c, self.last_line + 1),
            None => (0, first),
        };
        while self.after_left > 0 && pos < data.len() && k < upto {
            let next = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p + 1);
            if k > self.last_line {
                self.context_line(source, k, &data[pos..next], '-');
                self.after_left -= 1;
            }
            pos = next;
            k += 1;
        }
    }

    /// The end of a chunk: after-context lines left in it, and its last lines kept
    /// for a `-B` at the next chunk's start.
    fn chunk_end(&mut self, source: usize, data: &[u8], first: u64) -> io::Result<()> {
        self.after_due(source, data, first, u64::MAX);
        self.cursor = None;
        let before = self.opt.before;
        if before > 0 && !data.is_empty() {
            // Line numbers of the chunk's lines: `first` to `last`.
            let newlines = memchr::memchr_iter(b'\n', data).count() as u64;
            let mut k = first + newlines - u64::from(data.ends_with(b"\n"));
            let mut end = data.len();
            let mut lines = Vec::new();
            while lines.len() < before && end > 0 {
                let body_end = if data[end - 1] == b'\n' { end - 1 } else { end };
                let start = memchr::memrchr(b'\n', &data[..body_end]).map_or(0, |p| p + 1);
                lines.push((k, data[start..end].to_vec()));
                end = start;
                k = k.saturating_sub(1);
            }
            self.tail.extend(lines.into_iter().rev());
            while self.tail.len() > before {
                self.tail.pop_front();
            }
        }
        self.flush_buf()
    }
}

/// The line holding `pos`: its start, and the start of the next line.
fn line_around(data: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(data.len());
    let start = memchr::memrchr(b'\n', &data[..pos]).map_or(0, |p| p + 1);
    let next = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p + 1);
    (start, next)
}

/// A line without its `\r\n` or `\n`.
fn trim_eol(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = s {
        s = rest;
    }
    s
}

impl<W: Write + Send> Sink for Printer<W> {
    fn needs(&self) -> Needs {
        Needs {
            lines: true,
            text: !self.opt.lines_only(),
            chunks: self.context,
            clues: false,
        }
    }

    fn begin(&mut self, index: usize, source: &Source) -> io::Result<Flow> {
        // Names as the scan has them (`--state` may have left sources out).
        if self.ctx.names.len() <= index {
            self.ctx.names.resize(index + 1, String::new());
        }
        self.ctx.names[index].clone_from(&source.name);
        self.current = index;
        self.events = 0;
        self.last_line = 0;
        self.cursor = None;
        self.after_left = 0;
        self.tail.clear();
        Ok(Flow::Go)
    }

    fn event(&mut self, ev: Event<'_>, place: &Place<'_>) -> io::Result<Flow> {
        self.events += 1;
        self.matched += 1;
        let limit = self.opt.max_count.unwrap_or(u64::MAX);
        if self.opt.quiet {
            return Ok(Flow::Quit);
        }
        if self.opt.files_with_matches {
            return Ok(Flow::NextSource);
        }
        if !self.opt.count {
            match self.opt.format {
                super::GrepFormat::Ndjson => ndjson(&mut self.buf, &self.ctx, &ev),
                super::GrepFormat::Csv => csv_row(&mut self.buf, &self.ctx, &ev),
                super::GrepFormat::Text if self.context => self.with_context(&ev, place)?,
                super::GrepFormat::Text => {
                    // Items of one batch share a line: print it once.
                    if ev.line != self.last_line {
                        self.last_line = ev.line;
                        text_line(&mut self.buf, &self.ctx, &self.opt.style, &ev);
                    }
                }
            }
            self.flush_buf()?;
        }
        Ok(if self.events >= limit {
            Flow::NextSource
        } else {
            Flow::Go
        })
    }

    fn chunk(&mut self, data: &[u8], first_line: u64) -> io::Result<Flow> {
        self.chunk_end(self.current, data, first_line)?;
        Ok(Flow::Go)
    }

    fn end(&mut self, index: usize, _: &Source, end: SourceEnd) -> io::Result<Flow> {
        let _ = end;
        if self.events > 0 && !self.opt.quiet {
            let name = terminal(self.ctx.name(index)).into_owned();
            if self.opt.files_with_matches {
                writeln!(self.out, "{name}")?;
            } else if self.opt.count {
                if self.opt.style.filename {
                    writeln!(self.out, "{name}:{}", self.events)?;
                } else {
                    writeln!(self.out, "{}", self.events)?;
                }
            }
        }
        Ok(Flow::Go)
    }
}
