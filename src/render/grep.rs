//! Event-by-event output for `grep`: ripgrep-style lines (`path:line:text`, with
//! colour), or one event per line as NDJSON or CSV for jq, DuckDB or a spreadsheet.

use super::escape::{csv_cell, terminal};
use super::RenderCtx;
use crate::event::Event;
use crate::filter::classify;
use serde::Serialize;
use std::io::Write;

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
