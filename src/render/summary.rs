//! The summary in three formats: markdown for people, CSV for spreadsheets and
//! scripts, JSON for programs. All three carry the same data: one row per code
//! (count, first/last seen, category, message, remedy) and, with `--by`, one row per
//! (bucket, code).

use super::escape::{csv_cell, md_cell};
use super::SummaryFormat;
use super::{human_bytes, thousands, RenderCtx};
use crate::aggregate::{Aggregate, CodeStats};
use crate::kb;
use crate::time::Bucket;
use serde::Serialize;
use std::io::{self, Write};

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
            md_cell(&ctx.text(s.message())),
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
                &csv_cell(&ctx.text(s.message())),
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
    zone: String,
    inputs: JsonInputs,
    span: Option<JsonSpan>,
    total: u64,
    partial: u64,
    untimed: u64,
    codes: Vec<JsonCode<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buckets: Option<Vec<JsonBucket<'a>>>,
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
                message: super::escape::terminal(&ctx.text(s.message())).into_owned(),
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
    let doc = JsonSummary {
        zone: ctx.zone.name(),
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
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
