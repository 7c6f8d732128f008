//! The summary in three formats: markdown for people, CSV for spreadsheets and
//! scripts, JSON for programs. All three carry the same data: one row per code
//! (count, first/last seen, category, message, remedy) and, with `--by`, one row per
//! (bucket, code).
//!
//! The JSON is versioned ([`JSON_VERSION`]). Version 2 added, after the fields of
//! version 1 (unversioned, still there as they were): `version`, `by`, `redacted`
//! and `files`, one entry per input with its counts, times and messages by code. That
//! is what `okxscan merge` reads back to print the summary one run over every host's
//! files would have printed; times are RFC 3339 with milliseconds, exact to read back.
//!
//! On a terminal, with no `--format`, a fourth: a plain text table cut to the
//! terminal's width (the markdown table's lines run 250 to 490 characters, which
//! wrap into an unreadable block).

use super::escape::{csv_cell, md_cell};
use super::SummaryFormat;
use super::{human_bytes, thousands, RenderCtx};
use crate::aggregate::{Aggregate, CodeStats, SourceFigures};
use crate::kb;
use crate::time::Bucket;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How the summary is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A format asked for (or markdown, when stdout is not a terminal).
    Format(SummaryFormat),
    /// The text table, lines at most `width` columns.
    Text { width: usize },
}

/// The choice of output: an explicit `--format` always wins; otherwise the text
/// table on a terminal (`width` columns wide) and markdown elsewhere, as before,
/// so scripts and pipes see what they always saw.
pub fn choose(tty: bool, explicit: Option<SummaryFormat>, width: usize) -> Shown {
    match explicit {
        Some(f) => Shown::Format(f),
        None if tty => Shown::Text { width },
        None => Shown::Format(SummaryFormat::Md),
    }
}

/// The narrowest table drawn: below this, lines are cut whatever they hold.
const MIN_WIDTH: usize = 20;
/// The width when the terminal's cannot be learnt (nor `COLUMNS`).
pub const DEFAULT_WIDTH: usize = 100;

/// The terminal's width: what the terminal says (`queried`), else `COLUMNS`, else
/// [`DEFAULT_WIDTH`].
pub fn width_from(queried: Option<usize>, columns: Option<&str>) -> usize {
    queried
        .filter(|&w| w > 0)
        .or_else(|| {
            columns
                .and_then(|c| c.trim().parse().ok())
                .filter(|&w| w > 0)
        })
        .unwrap_or(DEFAULT_WIDTH)
}

/// The width of the terminal stdout writes to (see [`width_from`]).
pub fn terminal_width() -> usize {
    let queried = terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| w.0 as usize);
    width_from(queried, std::env::var("COLUMNS").ok().as_deref())
}

/// The version of `summary --format json`: 2 since it carries per-file figures.
pub const JSON_VERSION: u32 = 2;

pub fn write(
    out: &mut dyn Write,
    format: SummaryFormat,
    agg: &Aggregate,
    ctx: &RenderCtx,
) -> io::Result<()> {
    match format {
        SummaryFormat::Md => markdown(out, agg, ctx),
        SummaryFormat::Csv => csv(out, agg, ctx),
        SummaryFormat::Json => json(out, agg, ctx),
    }
}

/// The knowledge base's view of a row.
pub fn info(s: &CodeStats) -> kb::Info {
    kb::info(&s.code, Some(s.api))
}

/// A code's messages as they are shown (secrets masked, control characters
/// escaped), with their counts: masking can make two logged messages one, and then
/// they are counted as one. Sorted by count (descending), then text.
pub fn shown_messages(messages: &FxHashMap<String, u64>, ctx: &RenderCtx) -> Vec<(String, u64)> {
    let mut shown: FxHashMap<String, u64> = FxHashMap::default();
    for (m, n) in messages {
        let text = super::escape::terminal(&ctx.text(m)).into_owned();
        *shown.entry(text).or_default() += n;
    }
    let mut v: Vec<(String, u64)> = shown.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The message shown for a code: its most frequent as shown (ties: the
/// alphabetically first). Chosen among the shown texts, not the logged ones, so that
/// a summary merged from per-file figures (which hold only shown texts) picks the same.
fn message(s: &CodeStats, ctx: &RenderCtx) -> String {
    shown_messages(&s.messages, ctx)
        .into_iter()
        .next()
        .map(|(m, _)| m)
        .unwrap_or_default()
}

fn code_label(code: &str) -> &str {
    if code.is_empty() {
        "(none)"
    } else {
        code
    }
}

/// Text for one cell of the text table: no control characters, tabs and line
/// breaks as spaces.
fn plain(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect();
    super::escape::terminal(&flat).into_owned()
}

/// `s` cut to at most `width` terminal columns, with `…` where it was cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `s` cut to `width` columns and padded to it.
fn pad(s: &str, width: usize, right: bool) -> String {
    let c = cut(s, width);
    let fill = " ".repeat(width.saturating_sub(c.width()));
    if right {
        fill + &c
    } else {
        c + &fill
    }
}

/// A time as the table shows it: `HH:MM:SS` when every event is on one day (the
/// date is in the time span above), `MM-DD HH:MM` within a year, else the date
/// and minute. `rfc` is RFC 3339 (`2026-11-22T18:00:00.000+08:00`).
fn short_time(rfc: &str, same_day: bool, same_year: bool) -> String {
    if rfc.len() < 19 {
        return rfc.to_string();
    }
    if same_day {
        rfc[11..19].to_string()
    } else if same_year {
        format!("{} {}", &rfc[5..10], &rfc[11..16])
    } else {
        format!("{} {}", &rfc[..10], &rfc[11..16])
    }
}

/// The summary as a text table at most `width` columns wide: the inputs, span and
/// totals, then one line per code (code, count, first and last seen, category,
/// message cut to fit) with its remedy cut to one line beneath, and with `--by`
/// the timeline.
pub fn text(out: &mut dyn Write, agg: &Aggregate, ctx: &RenderCtx, width: usize) -> io::Result<()> {
    let width = width.max(MIN_WIDTH);
    let mut lines: Vec<String> = Vec::new();
    lines.push(format!("okxscan summary: {}", inputs(ctx)));
    let span = agg
        .span()
        .map(|(a, b)| (ctx.zone.format(a), ctx.zone.format(b)));
    lines.push(match &span {
        Some((a, b)) => format!(
            "Time span: {} to {} ({})",
            a.get(..19).unwrap_or(a).replace('T', " "),
            b.get(..19).unwrap_or(b).replace('T', " "),
            ctx.zone
        ),
        None => format!("Time span: none ({})", ctx.zone),
    });
    let mut extra = Vec::new();
    if agg.partial > 0 {
        extra.push(format!("{} from bodies cut short", thousands(agg.partial)));
    }
    if agg.untimed > 0 {
        extra.push(format!("{} without a time", thousands(agg.untimed)));
    }
    lines.push(format!(
        "Events: {} in {} code{}{}",
        thousands(agg.total),
        agg.codes.len(),
        if agg.codes.len() == 1 { "" } else { "s" },
        if extra.is_empty() {
            String::new()
        } else {
            format!(" ({})", extra.join(", "))
        }
    ));
    lines.push(String::new());
    if agg.total == 0 {
        lines.push("No OKX error found.".into());
    } else {
        code_table(&mut lines, agg, ctx, width, span.as_ref());
        if agg.bucket != Bucket::None {
            timeline_table(&mut lines, agg, ctx, width);
        }
    }
    for l in lines {
        writeln!(out, "{}", cut(&l, width).trim_end())?;
    }
    Ok(())
}

/// The table of codes: columns are dropped (first seen, then last seen, then
/// category) until the message has room for a few words.
fn code_table(
    lines: &mut Vec<String>,
    agg: &Aggregate,
    ctx: &RenderCtx,
    width: usize,
    span: Option<&(String, String)>,
) {
    let (same_day, same_year) = match span {
        Some((a, b)) => (a.get(..10) == b.get(..10), a.get(..4) == b.get(..4)),
        None => (true, true),
    };
    let rows = agg.sorted();
    let label = |s: &CodeStats| {
        let l = plain(code_label(&s.code));
        if info(s).known {
            l
        } else {
            l + "?"
        }
    };
    let w_code = rows
        .iter()
        .map(|s| label(s).width())
        .max()
        .unwrap_or(0)
        .clamp(4, 16);
    let w_count = rows
        .iter()
        .map(|s| thousands(s.count).len())
        .max()
        .unwrap_or(0)
        .max(5);
    let w_cat = rows
        .iter()
        .map(|s| s.category.as_str().len())
        .max()
        .unwrap_or(0)
        .max(8);
    let w_time = short_time("2026-01-01T00:00:00", same_day, same_year)
        .len()
        .max("FIRST SEEN".len());
    // Columns after count (first seen, last seen, category), dropped in this
    // order until the message has room.
    let mut shown = [true; 3];
    let fixed = |shown: [bool; 3]| {
        let rest: usize = shown
            .iter()
            .zip([w_time, w_time, w_cat])
            .filter(|c| *c.0)
            .map(|c| c.1 + 2)
            .sum();
        w_code + 2 + w_count + rest + 2
    };
    const MESSAGE_MIN: usize = 16;
    for k in 0..3 {
        if width >= fixed(shown) + MESSAGE_MIN {
            break;
        }
        shown[k] = false;
    }
    let [first, last, cat] = shown;
    let w_msg = width.saturating_sub(fixed(shown));
    let row = |cells: [&str; 6]| {
        let mut l = pad(cells[0], w_code, false);
        l.push_str("  ");
        l.push_str(&pad(cells[1], w_count, true));
        for (shown, text, w) in [
            (first, cells[2], w_time),
            (last, cells[3], w_time),
            (cat, cells[4], w_cat),
        ] {
            if shown {
                l.push_str("  ");
                l.push_str(&pad(text, w, false));
            }
        }
        l.push_str("  ");
        l.push_str(&cut(cells[5], w_msg));
        l
    };
    lines.push(row([
        "CODE",
        "COUNT",
        "FIRST SEEN",
        "LAST SEEN",
        "CATEGORY",
        "MESSAGE",
    ]));
    for s in rows {
        let i = info(s);
        let when = |t: Option<i64>| short_time(&ctx.time(t), same_day, same_year);
        lines.push(row([
            &label(s),
            &thousands(s.count),
            &when(s.first),
            &when(s.last),
            s.category.as_str(),
            &plain(&ctx.text(s.message())),
        ]));
        let remedy = if i.known {
            plain(i.remedy())
        } else {
            format!("unknown code ({}). {}", i.range, plain(i.remedy()))
        };
        if !remedy.is_empty() {
            lines.push(cut(&format!("{:w$}  fix: {remedy}", "", w = w_code), width));
        }
    }
}

/// The timeline: one line per bucket (start, events, codes cut to fit).
fn timeline_table(lines: &mut Vec<String>, agg: &Aggregate, ctx: &RenderCtx, width: usize) {
    lines.push(String::new());
    lines.push(format!("Timeline (by {})", agg.bucket.as_str()));
    for (b, total, codes) in bucket_groups(agg, plain) {
        let start = ctx.zone.format_secs(b);
        let start = start.get(..16).unwrap_or(&start).replace('T', " ");
        let head = format!("{start}  {:>7}  ", thousands(total));
        let room = width.saturating_sub(head.width());
        lines.push(format!("{head}{}", cut(&codes, room)));
    }
}

/// The timeline's rows: each bucket's start, its events, and its codes
/// (`50102 x12, 50011 x3`, each code shown through `show`).
fn bucket_groups(agg: &Aggregate, show: impl Fn(&str) -> String) -> Vec<(i64, u64, String)> {
    let rows = agg.bucket_rows();
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let b = rows[i].0;
        let group: Vec<_> = rows[i..].iter().take_while(|r| r.0 == b).collect();
        let total: u64 = group.iter().map(|r| r.2).sum();
        let codes: Vec<String> = group
            .iter()
            .map(|r| format!("{} x{}", show(code_label(r.1)), r.2))
            .collect();
        out.push((b, total, codes.join(", ")));
        i += group.len();
    }
    out
}

/// `6 files, 1.2 MiB, 17,565 lines`: what was read.
fn inputs(ctx: &RenderCtx) -> String {
    let files = ctx.names.len();
    let mut inputs = format!(
        "{files} file{}, {}",
        if files == 1 { "" } else { "s" },
        human_bytes(ctx.bytes)
    );
    if ctx.lines_counted {
        inputs.push_str(&format!(", {} lines", thousands(ctx.lines)));
    }
    inputs
}

fn markdown(out: &mut dyn Write, agg: &Aggregate, ctx: &RenderCtx) -> io::Result<()> {
    writeln!(out, "# okxscan summary\n")?;
    writeln!(out, "- Inputs: {}", inputs(ctx))?;
    match agg.span() {
        Some((a, b)) => writeln!(
            out,
            "- Time span: {} to {} ({})",
            ctx.zone.format(a),
            ctx.zone.format(b),
            ctx.zone
        )?,
        None => writeln!(out, "- Time span: none ({})", ctx.zone)?,
    }
    let mut extra = Vec::new();
    if agg.partial > 0 {
        extra.push(format!("{} from bodies cut short", thousands(agg.partial)));
    }
    if agg.untimed > 0 {
        extra.push(format!("{} without a time", thousands(agg.untimed)));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    writeln!(
        out,
        "- Events: {} in {} code{}{extra}\n",
        thousands(agg.total),
        agg.codes.len(),
        if agg.codes.len() == 1 { "" } else { "s" }
    )?;
    if agg.total == 0 {
        writeln!(out, "No OKX error found.")?;
        return Ok(());
    }
    writeln!(
        out,
        "| code | count | category | first seen | last seen | message | remedy |"
    )?;
    writeln!(out, "|---|---:|---|---|---|---|---|")?;
    for s in agg.sorted() {
        let i = info(s);
        let unknown = if i.known {
            String::new()
        } else {
            format!(" (unknown, {})", i.range)
        };
        writeln!(
            out,
            "| {}{} | {} | {} | {} | {} | {} | {} |",
            md_cell(code_label(&s.code)),
            unknown,
            thousands(s.count),
            s.category,
            ctx.time(s.first),
            ctx.time(s.last),
            md_cell(&message(s, ctx)),
            md_cell(i.remedy()),
        )?;
    }
    if agg.bucket != Bucket::None {
        writeln!(out, "\n## Timeline (by {})\n", agg.bucket.as_str())?;
        writeln!(out, "| {} | events | codes |", agg.bucket.as_str())?;
        writeln!(out, "|---|---:|---|")?;
        for (b, total, codes) in bucket_groups(agg, str::to_string) {
            writeln!(
                out,
                "| {} | {} | {} |",
                ctx.zone.format_secs(b),
                thousands(total),
                codes
            )?;
        }
    }
    Ok(())
}

fn csv(out: &mut dyn Write, agg: &Aggregate, ctx: &RenderCtx) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    if agg.bucket == Bucket::None {
        w.write_record([
            "code",
            "count",
            "first_seen",
            "last_seen",
            "category",
            "api",
            "known",
            "message",
            "remedy",
        ])?;
        for s in agg.sorted() {
            let i = info(s);
            w.write_record([
                s.code.as_str(),
                &s.count.to_string(),
                &ctx.time(s.first),
                &ctx.time(s.last),
                s.category.as_str(),
                s.api.as_str(),
                if i.known { "yes" } else { "no" },
                &csv_cell(&message(s, ctx)),
                &csv_cell(i.remedy()),
            ])?;
        }
    } else {
        w.write_record(["bucket", "code", "count", "category"])?;
        for (b, code, n) in agg.bucket_rows() {
            let cat = agg.codes.get(code).map_or("other", |s| s.category.as_str());
            w.write_record([&ctx.zone.format_secs(b), code, &n.to_string(), cat])?;
        }
    }
    w.flush()
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    version: u32,
    zone: String,
    /// The bucket width (`none` without `--by`).
    by: &'static str,
    /// Whether secrets in messages were masked.
    redacted: bool,
    inputs: JsonInputs,
    span: Option<JsonSpan>,
    total: u64,
    partial: u64,
    untimed: u64,
    codes: Vec<JsonCode<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buckets: Option<Vec<JsonBucket<'a>>>,
    files: Vec<JsonFile>,
}

/// One input: its name and what it gave, by code.
#[derive(Serialize)]
struct JsonFile {
    name: String,
    events: u64,
    partial: u64,
    untimed: u64,
    codes: Vec<JsonFileCode>,
}

#[derive(Serialize)]
struct JsonFileCode {
    code: String,
    count: u64,
    partial: u64,
    first_seen: Option<String>,
    last_seen: Option<String>,
    category: &'static str,
    api: &'static str,
    known: bool,
    /// Up to [`crate::aggregate::MAX_MESSAGES`] messages as shown, with counts.
    messages: Vec<JsonMessage>,
}

#[derive(Serialize)]
struct JsonMessage {
    message: String,
    count: u64,
}

#[derive(Serialize)]
struct JsonInputs {
    files: usize,
    bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<u64>,
}

#[derive(Serialize)]
struct JsonSpan {
    first: String,
    last: String,
}

#[derive(Serialize)]
struct JsonCode<'a> {
    code: &'a str,
    count: u64,
    first_seen: Option<String>,
    last_seen: Option<String>,
    category: &'static str,
    api: &'static str,
    known: bool,
    severity: &'static str,
    retry: bool,
    message: String,
    official_message: &'static str,
    remedy: &'static str,
    partial: u64,
}

#[derive(Serialize)]
struct JsonBucket<'a> {
    bucket: String,
    code: &'a str,
    count: u64,
}

fn json(out: &mut dyn Write, agg: &Aggregate, ctx: &RenderCtx) -> io::Result<()> {
    let codes = agg
        .sorted()
        .into_iter()
        .map(|s| {
            let i = info(s);
            JsonCode {
                code: &s.code,
                count: s.count,
                first_seen: s.first.map(|t| ctx.zone.format(t)),
                last_seen: s.last.map(|t| ctx.zone.format(t)),
                category: s.category.as_str(),
                api: s.api.as_str(),
                known: i.known,
                severity: i.severity(),
                retry: i.retry(),
                message: message(s, ctx),
                official_message: i.message(),
                remedy: i.remedy(),
                partial: s.partial,
            }
        })
        .collect();
    let buckets = (agg.bucket != Bucket::None).then(|| {
        agg.bucket_rows()
            .into_iter()
            .map(|(b, code, count)| JsonBucket {
                bucket: ctx.zone.format_secs(b),
                code,
                count,
            })
            .collect()
    });
    let figures = agg.per_source();
    let by_source: FxHashMap<usize, &SourceFigures> =
        figures.iter().map(|f| (f.source, f)).collect();
    let files = ctx
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| json_file(name, by_source.get(&i).copied(), ctx))
        .collect();
    let doc = JsonSummary {
        version: JSON_VERSION,
        zone: ctx.zone.name(),
        by: agg.bucket.as_str(),
        redacted: ctx.redact,
        inputs: JsonInputs {
            files: ctx.names.len(),
            bytes: ctx.bytes,
            lines: ctx.lines_counted.then_some(ctx.lines),
        },
        span: agg.span().map(|(a, b)| JsonSpan {
            first: ctx.zone.format(a),
            last: ctx.zone.format(b),
        }),
        total: agg.total,
        partial: agg.partial,
        untimed: agg.untimed,
        codes,
        buckets,
        files,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn json_file(name: &str, f: Option<&SourceFigures>, ctx: &RenderCtx) -> JsonFile {
    let name = super::escape::terminal(name).into_owned();
    let Some(f) = f else {
        return JsonFile {
            name,
            events: 0,
            partial: 0,
            untimed: 0,
            codes: Vec::new(),
        };
    };
    JsonFile {
        name,
        events: f.total,
        partial: f.partial,
        untimed: f.untimed,
        codes: f
            .codes
            .iter()
            .map(|s| JsonFileCode {
                code: s.code.clone(),
                count: s.count,
                partial: s.partial,
                first_seen: s.first.map(|t| ctx.zone.format(t)),
                last_seen: s.last.map(|t| ctx.zone.format(t)),
                category: s.category.as_str(),
                api: s.api.as_str(),
                known: s.known,
                messages: shown_messages(&s.messages, ctx)
                    .into_iter()
                    .map(|(message, count)| JsonMessage { message, count })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Zone;

    fn ctx(redact: bool) -> RenderCtx {
        RenderCtx {
            zone: Zone::Utc,
            redact,
            names: Vec::new(),
            bytes: 0,
            lines: 0,
            lines_counted: false,
            partial: 0,
        }
    }

    fn messages(v: &[(&str, u64)]) -> FxHashMap<String, u64> {
        v.iter().map(|(m, n)| (m.to_string(), *n)).collect()
    }

    #[test]
    fn the_shown_message_is_counted_as_it_is_shown() {
        // Two signatures masked to one text outnumber the message seen three times.
        let m = messages(&[
            ("Invalid sign=q5Rk1vZpS8nXw3Yb", 2),
            ("Invalid sign=C0FFEE5EC12E7ABC", 2),
            ("Timestamp request expired", 3),
        ]);
        assert_eq!(
            shown_messages(&m, &ctx(true)),
            vec![
                ("Invalid sign=****".to_string(), 4),
                ("Timestamp request expired".to_string(), 3)
            ]
        );
        assert_eq!(
            shown_messages(&m, &ctx(false))[0],
            ("Timestamp request expired".to_string(), 3)
        );
        // Ties go to the alphabetically first; control characters are shown escaped.
        let m = messages(&[("b", 1), ("a\x1b[2J", 1)]);
        assert_eq!(shown_messages(&m, &ctx(true))[0].0, "a\\x1b[2J");
    }

    #[test]
    fn a_shown_message_shows_as_itself() {
        // `merge` reads shown texts back and shows them again: nothing may change.
        let ctx = ctx(true);
        for raw in [
            "Invalid sign=q5Rk1vZpS8nXw3Yb&apiKey=7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917",
            "passphrase: \"Tr0ub4dor&3horse\" secret\x1b=x",
            "sign\x1b: abc\u{9b}31m",
            "OK-ACCESS-KEY: 7d3f2a9c-51be\u{2028}-4e0a",
            "api_key='abc' \\\"secret\\\": \\\"C0FFEE5EC12E7ABC\\\"",
            "plain text",
        ] {
            let once = shown_messages(&messages(&[(raw, 1)]), &ctx);
            let twice = shown_messages(&messages(&[(&once[0].0, 1)]), &ctx);
            assert_eq!(once, twice, "{raw:?}");
        }
    }
}
#[cfg(test)]
mod terminal_tests {
    use super::*;
    use crate::event::Event;
    use crate::time::Zone;

    fn ev(code: &str, t: i64, msg: &str) -> Event<'static> {
        Event::example(code, t, msg)
    }

    fn ctx(zone: Zone) -> RenderCtx {
        RenderCtx {
            zone,
            redact: true,
            names: vec!["bot.log".into(), "bot.log.1.gz".into()],
            bytes: 1_300_000_000,
            lines: 12_345_678,
            lines_counted: true,
            partial: 0,
        }
    }

    /// A night with long messages, wide characters, an unknown code and a body
    /// without a code.
    fn night(bucket: Bucket) -> Aggregate {
        let mut a = Aggregate::new(bucket, Zone::Utc);
        let t0 = 1_764_547_200_000; // 2025-12-01T00:00:00Z
        for i in 0..1_234 {
            a.add(ev("50011", t0 + i * 20_000, "Too Many Requests"));
        }
        for i in 0..40 {
            a.add(ev(
                "50102",
                t0 + 3_600_000 + i * 1_000,
                "Timestamp request expired",
            ));
        }
        let long = "Order failed: the order price is higher than the maximum buy price \
                    allowed by the price limit rules for this instrument. "
            .repeat(4);
        a.add(ev("51137", t0 + 7_200_000, &long));
        a.add(ev(
            "59999",
            t0 + 7_300_000,
            "下单失败，请稍后重试。系统繁忙\ttab\nnewline",
        ));
        a.add(ev("", t0 + 7_400_000, "no code here"));
        a
    }

    fn render(a: &Aggregate, width: usize) -> String {
        let mut out = Vec::new();
        text(&mut out, a, &ctx(Zone::Utc), width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_text_table_fits_every_width() {
        for bucket in [Bucket::None, Bucket::Hour] {
            let a = night(bucket);
            for width in [20, 40, 60, 80, 100, 132, 200, 400] {
                let s = render(&a, width);
                for line in s.lines() {
                    assert!(
                        line.width() <= width,
                        "{width}: {} columns: {line:?}",
                        line.width()
                    );
                    assert!(!line.contains('\t') && !line.contains('\x1b'), "{line:?}");
                }
                assert_eq!(s.lines().filter(|l| l.starts_with("50011")).count(), 1);
            }
        }
    }

    #[test]
    fn the_text_table_reads_as_a_table() {
        let s = render(&night(Bucket::Hour), 100);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines[0],
            "okxscan summary: 2 files, 1.2 GiB, 12,345,678 lines"
        );
        assert_eq!(
            lines[1],
            "Time span: 2025-12-01 00:00:00 to 2025-12-01 06:51:00 (UTC)"
        );
        assert_eq!(lines[2], "Events: 1,277 in 5 codes");
        let head = lines.iter().position(|l| l.starts_with("CODE")).unwrap();
        assert!(
            lines[head].contains("COUNT  FIRST SEEN  LAST SEEN"),
            "{}",
            lines[head]
        );
        // One day: times without the date; the most frequent code first.
        assert!(
            lines[head + 1].starts_with(
                "50011    1,234  00:00:00    06:51:00    rate-limit  Too Many Requests"
            ),
            "{}",
            lines[head + 1]
        );
        assert!(
            lines[head + 2].trim_start().starts_with("fix: "),
            "{}",
            lines[head + 2]
        );
        let unknown = lines.iter().find(|l| l.starts_with("59999?")).unwrap();
        assert!(unknown.contains("下单失败") && unknown.contains("tab newline"));
        assert!(
            s.contains("Timeline (by hour)\n2025-12-01 00:00      180  50011 x180\n"),
            "{s}"
        );
        // Cut messages end in an ellipsis.
        let long = lines.iter().find(|l| l.starts_with("51137")).unwrap();
        assert!(long.ends_with('…') && long.width() == 100, "{long}");
    }

    #[test]
    fn narrow_terminals_drop_columns_before_the_message() {
        let s = render(&night(Bucket::None), 60);
        let head = s.lines().find(|l| l.starts_with("CODE")).unwrap();
        assert!(
            !head.contains("FIRST SEEN") && head.contains("MESSAGE"),
            "{head}"
        );
        let s = render(&night(Bucket::None), 120);
        let head = s.lines().find(|l| l.starts_with("CODE")).unwrap();
        assert!(
            head.contains("FIRST SEEN") && head.contains("CATEGORY"),
            "{head}"
        );
    }

    #[test]
    fn no_events_says_so() {
        let a = Aggregate::new(Bucket::None, Zone::Utc);
        let s = render(&a, 80);
        assert!(s.ends_with("\nNo OKX error found.\n"), "{s}");
    }

    #[test]
    fn the_table_is_for_terminals_and_formats_stay_explicit() {
        use SummaryFormat::*;
        assert_eq!(choose(true, None, 90), Shown::Text { width: 90 });
        assert_eq!(
            choose(false, None, 90),
            Shown::Format(Md),
            "piped: markdown as before"
        );
        for f in [Md, Csv, Json] {
            assert_eq!(choose(true, Some(f), 90), Shown::Format(f));
            assert_eq!(choose(false, Some(f), 90), Shown::Format(f));
        }
    }

    #[test]
    fn width_comes_from_the_terminal_then_columns_then_100() {
        assert_eq!(width_from(Some(132), Some("80")), 132);
        assert_eq!(width_from(None, Some("80")), 80);
        assert_eq!(width_from(Some(0), Some(" 72 ")), 72);
        assert_eq!(width_from(None, Some("wide")), 100);
        assert_eq!(width_from(None, Some("0")), 100);
        assert_eq!(width_from(None, None), 100);
    }

    #[test]
    fn cut_counts_columns_not_bytes() {
        assert_eq!(cut("abcdef", 6), "abcdef");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("下单失败", 5), "下单…");
        assert_eq!(cut("abc", 0), "");
    }
}
