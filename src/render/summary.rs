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

use super::escape::{csv_cell, md_cell};
use super::SummaryFormat;
use super::{human_bytes, thousands, RenderCtx};
use crate::aggregate::{Aggregate, CodeStats, SourceFigures};
use crate::kb;
use crate::time::Bucket;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::io::{self, Write};

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

fn markdown(out: &mut dyn Write, agg: &Aggregate, ctx: &RenderCtx) -> io::Result<()> {
    writeln!(out, "# okxscan summary\n")?;
    let files = ctx.names.len();
    let mut inputs = format!(
        "{files} file{}, {}",
        if files == 1 { "" } else { "s" },
        human_bytes(ctx.bytes)
    );
    if ctx.lines_counted {
        inputs.push_str(&format!(", {} lines", thousands(ctx.lines)));
    }
    writeln!(out, "- Inputs: {inputs}")?;
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
        let rows = agg.bucket_rows();
        let mut i = 0;
        while i < rows.len() {
            let b = rows[i].0;
            let group: Vec<_> = rows[i..].iter().take_while(|r| r.0 == b).collect();
            let total: u64 = group.iter().map(|r| r.2).sum();
            let codes: Vec<String> = group
                .iter()
                .map(|r| format!("{} x{}", code_label(r.1), r.2))
                .collect();
            writeln!(
                out,
                "| {} | {} | {} |",
                ctx.zone.format_secs(b),
                thousands(total),
                codes.join(", ")
            )?;
            i += group.len();
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
