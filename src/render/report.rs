//! The report, a one-page post-mortem, in markdown (for a terminal, a ticket or a
//! chat) and in HTML (one self-contained file for a browser or a mail: inline CSS
//! and SVG, no script, nothing loaded from anywhere).
//!
//! The sentences are written once, as plain text ([`Texts`]), and each format
//! escapes them its own way; log text (messages, samples, file names) is masked by
//! [`RenderCtx::text`] first. What to show and in which order was decided in
//! [`crate::aggregate::report`].

use super::escape::{html, md_cell, md_code, md_pre};
use super::ReportFormat;
use super::{human_bytes, thousands, RenderCtx};
use crate::aggregate::report::{Burst, Diagnosis, Offset, Place, Report, Row, Timeline};
use crate::event::Category;
use crate::scan::clues::ClueKind;
use crate::time::Bucket;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Longest sample line shown, in characters (after masking).
const SAMPLE_CHARS: usize = 400;
/// Width of the markdown timeline bars, in characters.
const BAR: usize = 30;
/// Buckets listed under the HTML chart at most.
const TABLE_SLOTS: usize = 48;

pub fn write(
    out: &mut dyn Write,
    format: ReportFormat,
    r: &Report,
    ctx: &RenderCtx,
) -> io::Result<()> {
    let text = match format {
        ReportFormat::Md => markdown(r, ctx),
        ReportFormat::Html => page(r, ctx),
    };
    out.write_all(text.as_bytes())
}

/// A category's colour in charts and legends (distinct, readable on white).
pub fn colour(c: Category) -> &'static str {
    match c {
        Category::Auth => "#d62728",
        Category::Clock => "#ff7f0e",
        Category::Permission => "#9467bd",
        Category::Account => "#8c564b",
        Category::Funds => "#e377c2",
        Category::Request => "#17becf",
        Category::Order => "#bcbd22",
        Category::RateLimit => "#1f77b4",
        Category::Availability => "#7f7f7f",
        Category::Other => "#2ca02c",
    }
}

// ---------------------------------------------------------------------------
// Plain-text pieces shared by both formats.

/// `2026-11-22 18:07:30` in the display zone.
fn when(ctx: &RenderCtx, ms: i64) -> String {
    let s = ctx.zone.format_secs(ms);
    s.get(..19).unwrap_or(&s).replacen('T', " ", 1)
}

fn when_opt(ctx: &RenderCtx, ms: Option<i64>) -> String {
    ms.map(|t| when(ctx, t)).unwrap_or_default()
}

/// A bucket's label: `2026-11-22 18:00`, or the date alone for days.
fn slot_label(ctx: &RenderCtx, ms: i64, bucket: Bucket) -> String {
    let w = when(ctx, ms);
    match bucket {
        Bucket::Day => w[..10].to_string(),
        _ => w[..16].to_string(),
    }
}

/// `11 h 46 min`-style durations.
fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else if m > 0 {
        format!("{m} min {} s", s % 60)
    } else {
        format!("{s} s")
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

fn place(ctx: &RenderCtx, p: Place) -> String {
    if p.line > 0 {
        format!("{}:{}", ctx.name(p.source), p.line)
    } else {
        ctx.name(p.source).to_string()
    }
}

fn code_label(code: &str) -> &str {
    if code.is_empty() {
        "(none)"
    } else {
        code
    }
}

/// Span covers more than a day: burst hours need their date.
fn long_span(r: &Report) -> bool {
    r.span.is_some_and(|(a, b)| b - a >= 86_400_000)
}

/// `50102 burst 21:00-22:00 UTC: 2,840 events, 40x the night's median rate`.
fn burst_line(b: &Burst, ctx: &RenderCtx, dated: bool) -> String {
    let date = if dated {
        format!("{} ", &when(ctx, b.start)[..10])
    } else {
        String::new()
    };
    let rate = match b.ratio() {
        Some(x) if x >= 10.0 => format!("{x:.0}x the night's median rate"),
        Some(x) => format!("{x:.1}x the night's median rate"),
        None => "where the night's median hour has none".to_string(),
    };
    format!(
        "{} burst {date}{}-{} {}: {} events, {rate}",
        code_label(&b.code),
        ctx.zone.format_hm(b.start),
        ctx.zone.format_hm(b.end),
        ctx.zone,
        thousands(b.count),
    )
}

/// Seconds with one decimal.
fn secs(ms: i64) -> String {
    format!("{:.1} s", ms.abs() as f64 / 1000.0)
}

fn offset_text(o: &Offset, ctx: &RenderCtx) -> String {
    let side = |ms: i64| {
        if ms < 0 {
            format!("{} behind", secs(ms))
        } else {
            format!("{} ahead", secs(ms))
        }
    };
    let head = if o.median_ms.abs() < 1000 {
        format!(
            "The requests' OK-ACCESS-TIMESTAMP is within a second of the log line's own time (median {} ms",
            o.median_ms
        )
    } else {
        format!(
            "The requests' OK-ACCESS-TIMESTAMP is a median {} the log line's own time (",
            side(o.median_ms)
        )
    };
    let range = if o.min_ms == o.max_ms {
        String::new()
    } else {
        format!(", from {} to {}", side(o.min_ms), side(o.max_ms))
    };
    let open = if head.ends_with('(') { "" } else { ", " };
    format!(
        "{head}{open}{}{range}; first at {}).",
        plural(o.samples, "sample", "samples"),
        place(ctx, o.first)
    )
}

/// A diagnosis in plain text.
struct Texts {
    title: &'static str,
    findings: Vec<String>,
    fix: Vec<String>,
}

fn texts(d: &Diagnosis, ctx: &RenderCtx) -> Texts {
    match d {
        Diagnosis::Credentials { missing, codes } => {
            let mut findings = Vec::new();
            for (kind, s) in missing {
                let header = match kind {
                    ClueKind::MissingPassphrase => "OK-ACCESS-PASSPHRASE",
                    ClueKind::MissingKey => "OK-ACCESS-KEY",
                    ClueKind::EmptySign => "OK-ACCESS-SIGN",
                    ClueKind::Timestamp { .. } => continue,
                };
                let span = match (s.first_time, s.last_time) {
                    (Some(a), Some(b)) if a != b => {
                        format!(", {} to {}", when(ctx, a), when(ctx, b))
                    }
                    (Some(a), _) => format!(", {}", when(ctx, a)),
                    _ => String::new(),
                };
                findings.push(format!(
                    "{} with {header} empty, nan, None or null (first at {}{span}).",
                    plural(s.count, "request header dump", "request header dumps"),
                    place(ctx, s.first),
                ));
            }
            for c in codes {
                findings.push(format!(
                    "{} ({}): {}.",
                    c.code,
                    c.message,
                    plural(c.count, "event", "events")
                ));
            }
            Texts {
                title: "Credentials never loaded",
                findings,
                fix: vec![
                    "The bot sent requests without its credentials: the value was never read from the config or the environment (`nan` typically comes from an empty cell of a CSV or pandas-read config, `None` from an unset variable).".into(),
                    "Load the API key, secret and passphrase before the exchange client is built, refuse to start when one is empty, and restart the bot. Put the real passphrase in the OK-ACCESS-PASSPHRASE header.".into(),
                ],
            }
        }
        Diagnosis::Clock { codes, offset } => {
            let mut findings: Vec<String> = codes
                .iter()
                .map(|c| {
                    format!(
                        "{} ({}): {}.",
                        c.code,
                        c.message,
                        plural(c.count, "event", "events")
                    )
                })
                .collect();
            match offset {
                Some(o) => {
                    findings.push(offset_text(o, ctx));
                    if o.looks_like_zone() {
                        findings.push(format!(
                            "That is close to a whole number of hours: the log's times may be in another zone than the one used to read them ({}); try --tz before blaming the clock.",
                            ctx.zone
                        ));
                    }
                }
                None => findings.push(
                    "No request header dump with OK-ACCESS-TIMESTAMP was found to measure the offset (log request headers at DEBUG level to measure it).".into(),
                ),
            }
            Texts {
                title: "Clock drift",
                findings,
                fix: vec![
                    "OKX rejects a request whose timestamp is more than 30 seconds away from its own clock.".into(),
                    "Sync the host clock: on Linux `sudo timedatectl set-ntp true` (and a correct time zone), on Windows sync with Internet Time. Or derive the timestamp from OKX server time (GET /api/v5/public/time) plus a tracked offset, generated right before signing.".into(),
                ],
            }
        }
        Diagnosis::Permission { codes } => Texts {
            title: "Missing permissions",
            findings: codes
                .iter()
                .map(|c| {
                    format!(
                        "{} ({}): {}. {}",
                        c.code,
                        c.message,
                        plural(c.count, "event", "events"),
                        c.remedy
                    )
                })
                .collect(),
            fix: vec![
                "Open the API key in OKX's API management page and check its permissions (Read, Trade, Withdraw) and IP allow-list; a read-only key cannot trade. Double-check the key and secret for typos too.".into(),
            ],
        },
    }
}

/// Scope lines: inputs, span, zone, filters.
fn scope_lines(r: &Report, ctx: &RenderCtx) -> Vec<(&'static str, String)> {
    let files = ctx.names.len() as u64;
    let mut inputs = format!(
        "{}, {}",
        plural(files, "file", "files"),
        human_bytes(ctx.bytes)
    );
    if ctx.lines_counted {
        inputs.push_str(&format!(", {}", plural(ctx.lines, "line", "lines")));
    }
    let span = match r.span {
        Some((a, b)) => format!(
            "{} to {} {} ({})",
            when(ctx, a),
            when(ctx, b),
            ctx.zone,
            duration(b - a)
        ),
        None => "no event with a time".into(),
    };
    let filters = if r.filters.is_empty() {
        "none".to_string()
    } else {
        r.filters.join("; ")
    };
    vec![
        ("Inputs", inputs),
        ("Time span", span),
        ("Zone", format!("{} (every time below)", ctx.zone)),
        ("Filters", filters),
    ]
}

fn events_line(r: &Report) -> String {
    let a = r.agg;
    let mut extra = Vec::new();
    if a.partial > 0 {
        extra.push(format!("{} from bodies cut short", thousands(a.partial)));
    }
    if a.untimed > 0 {
        extra.push(format!("{} without a time", thousands(a.untimed)));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    format!(
        "{} in {}{extra}",
        plural(a.total, "event", "events"),
        plural(a.codes.len() as u64, "code", "codes")
    )
}

fn alert_line(r: &Report) -> Option<String> {
    r.alert.as_ref().map(|a| {
        let mut codes: Vec<&str> = a.codes.iter().map(|c| code_label(c)).take(8).collect();
        if a.codes.len() > 8 {
            codes.push("...");
        }
        format!(
            "--fail-on matched {} ({}): exit status 3.",
            plural(a.events, "event", "events"),
            codes.join(", ")
        )
    })
}

fn rest_line(r: &Report) -> Option<String> {
    (r.rest.0 > 0).then(|| {
        format!(
            "{} more {} with {} are listed under Samples.",
            r.rest.0,
            if r.rest.0 == 1 { "code" } else { "codes" },
            plural(r.rest.1, "event", "events")
        )
    })
}

fn bucket_name(b: Bucket) -> &'static str {
    match b {
        Bucket::Minute => "minute",
        Bucket::Day => "day",
        _ => "hour",
    }
}

fn top_codes(top: &[(String, u64)]) -> String {
    top.iter()
        .map(|(c, n)| format!("{} ×{}", code_label(c), thousands(*n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the samples say about secrets: only what is true.
fn masking_note(ctx: &RenderCtx) -> &'static str {
    if ctx.redact {
        "secrets masked"
    } else {
        "secrets NOT masked (--no-redact): do not share this report"
    }
}

/// A sample line, masked and cut.
fn sample_text(row: &Row, ctx: &RenderCtx) -> Option<(Place, String)> {
    let s = row.stats.sample.as_ref()?;
    let masked = ctx.text(&s.text);
    let mut t: String = masked.trim_end().chars().take(SAMPLE_CHARS).collect();
    if masked.chars().count() > SAMPLE_CHARS {
        t.push('…');
    }
    Some((
        Place {
            source: s.source,
            line: s.line,
        },
        t,
    ))
}

// ---------------------------------------------------------------------------
// Markdown.

/// A text bar of `n` against `max`, in eighths of a block.
fn bar(n: u64, max: u64) -> String {
    if n == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((n as f64 / max as f64) * (BAR * 8) as f64)
        .round()
        .max(1.0) as usize;
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(PARTS[eighths % 8]);
    }
    s
}

/// Trusted text (ours, the knowledge base's) in markdown prose: code spans kept.
fn md_prose(s: &str) -> String {
    s.replace('<', "&lt;").replace('>', "&gt;")
}

fn markdown(r: &Report, ctx: &RenderCtx) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# okxscan report\n");
    if let Some(a) = alert_line(r) {
        let _ = writeln!(o, "> **Alert:** {}\n", md_cell(&a));
    }

    let _ = writeln!(o, "## Scope\n");
    for (k, v) in scope_lines(r, ctx) {
        let _ = writeln!(o, "- {k}: {}", md_cell(&v));
    }
    for p in &r.problems {
        let _ = writeln!(o, "- Problem: {}", md_cell(&ctx.text(p)));
    }
    if !r.inputs.is_empty() {
        let _ = writeln!(o, "\n| file | size | lines | events |");
        let _ = writeln!(o, "|---|---:|---:|---:|");
        for i in &r.inputs {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                md_code(ctx.name(i.source)),
                human_bytes(i.bytes),
                thousands(i.lines),
                thousands(i.events)
            );
        }
    }

    let _ = writeln!(o, "\n## Headline\n");
    if r.agg.total == 0 {
        let _ = writeln!(o, "**{}**. No OKX error found.", events_line(r));
    } else {
        markdown_headline(&mut o, r, ctx);
    }
    markdown_diagnoses(&mut o, r, ctx);
    o
}

fn markdown_headline(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let _ = writeln!(
        o,
        "**{}**. What to fix first (credentials, clock and permissions before rate limits and outages):\n",
        events_line(r)
    );
    let _ = writeln!(
        o,
        "| code | events | category | first seen | last seen | message | remedy |"
    );
    let _ = writeln!(o, "|---|---:|---|---|---|---|---|");
    for row in &r.headline {
        let s = row.stats;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md_cell(code_label(&s.code)),
            thousands(s.count),
            s.category,
            when_opt(ctx, s.first),
            when_opt(ctx, s.last),
            md_cell(&ctx.text(s.message())),
            md_prose(row.info.remedy()).replace('|', "\\|"),
        );
    }
    if let Some(l) = rest_line(r) {
        let _ = writeln!(o, "\n{l}");
    }

    markdown_timeline(o, &r.timeline, ctx);

    let _ = writeln!(o, "\n## Bursts\n");
    if r.bursts.is_empty() {
        let _ = writeln!(
            o,
            "None: no code had an hour with 5x its median hourly count and at least 20 events."
        );
    }
    for b in &r.bursts {
        let _ = writeln!(o, "- {}", md_cell(&burst_line(b, ctx, long_span(r))));
    }
}

fn markdown_diagnoses(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let _ = writeln!(o, "\n## Diagnoses\n");
    if r.diagnoses.is_empty() {
        let _ = writeln!(
            o,
            "No sign of missing credentials, clock drift or missing permissions."
        );
    }
    for d in &r.diagnoses {
        let t = texts(d, ctx);
        let _ = writeln!(o, "### {}\n", t.title);
        for f in &t.findings {
            // Findings hold file names: untrusted.
            let _ = writeln!(o, "- {}", md_cell(f));
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "Fix: {}\n", md_prose(&t.fix.join(" ")));
    }

    if r.codes.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Samples\n");
    let _ = writeln!(
        o,
        "One log line per code, in the headline's order; {}.",
        masking_note(ctx)
    );
    for row in &r.codes {
        let Some((p, text)) = sample_text(row, ctx) else {
            continue;
        };
        let _ = writeln!(
            o,
            "\n**{}** ({}) at {}\n",
            md_cell(code_label(&row.stats.code)),
            row.stats.category,
            md_code(&place(ctx, p))
        );
        let _ = writeln!(o, "{}", md_pre(&text));
    }
}

fn markdown_timeline(o: &mut String, tl: &Timeline, ctx: &RenderCtx) {
    let name = bucket_name(tl.bucket);
    let _ = writeln!(o, "\n## Timeline (per {name}, {})\n", ctx.zone);
    if tl.slots.is_empty() {
        let _ = writeln!(o, "No event with a time.");
        return;
    }
    let _ = writeln!(o, "| {name} | events | | top codes |");
    let _ = writeln!(o, "|---|---:|---|---|");
    for s in &tl.slots {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            slot_label(ctx, s.start, tl.bucket),
            thousands(s.total),
            bar(s.total, tl.max),
            md_cell(&top_codes(&s.top))
        );
    }
}

// ---------------------------------------------------------------------------
// HTML.

const CSS: &str = r#"
body{margin:0;padding:24px;background:#f4f5f7;color:#1f2328;font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:1120px;margin:0 auto;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:28px 36px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid #d8dee4}
h3{font-size:16px;margin:0 0 6px}
.sub{color:#59636e;margin:0 0 20px}
.alert{background:#fff1f0;border:1px solid #f5a8a6;border-left:5px solid #d62728;padding:10px 14px;margin:0 0 20px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #e6e9ed}
th{background:#f6f8fa;font-size:13px;color:#424a53;white-space:nowrap}
td.n,th.n{text-align:right;white-space:nowrap}
td.t{white-space:nowrap;font-size:13px;color:#424a53}
td.code{font-weight:600;white-space:nowrap}
.remedy{font-size:13px;color:#424a53}
.msg{font-size:13.5px;font-weight:600}
.cards td{border:0;padding:0 12px 0 0;width:25%}
.card{border:1px solid #d8dee4;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:24px;line-height:1.2}
.card span{color:#59636e;font-size:13px}
.scope td{padding:4px 10px}
.scope td:first-child{width:110px;color:#59636e;white-space:nowrap}
.files td,.files th{padding:3px 10px;font-size:13px}
.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:baseline}
.bar{display:inline-block;height:10px;background:#59636e;border-radius:2px;vertical-align:middle}
.tl td{padding:2px 10px}
.legend{margin:4px 0 12px}
.legend span.item{display:inline-block;margin:0 16px 4px 0;font-size:13px;white-space:nowrap}
.bursts li{margin:4px 0}
.diag{border:1px solid #d8dee4;border-left:5px solid #888;border-radius:6px;padding:12px 16px;margin:12px 0}
.diag ul{margin:6px 0 8px;padding-left:20px}
.fix{margin:0;color:#2f363d}
code{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;border-radius:4px;padding:1px 4px}
pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;border:1px solid #e6e9ed;border-radius:6px;padding:8px 10px;margin:4px 0 14px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}
.sample-head{margin-top:10px;font-size:14px}
.muted{color:#59636e}
svg text{font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.foot{margin-top:32px;color:#59636e;font-size:12.5px}
"#;

/// Escaped trusted text with its `code spans` as `<code>`.
fn html_prose(s: &str) -> String {
    let e = html(s);
    let mut out = String::with_capacity(e.len());
    for (i, part) in e.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn dot(c: Category) -> String {
    format!(
        r#"<span class="dot" style="background:{}"></span>"#,
        colour(c)
    )
}

fn page(r: &Report, ctx: &RenderCtx) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>okxscan report</title>
<style>{CSS}</style>
</head>
<body>
<div class="page">
<h1>okxscan report</h1>"#
    );
    let sub = match r.span {
        Some((a, b)) => format!(
            "{} to {} {} · {}",
            when(ctx, a),
            when(ctx, b),
            ctx.zone,
            duration(b - a)
        ),
        None => "No event with a time".into(),
    };
    let _ = writeln!(o, r#"<p class="sub">{}</p>"#, html(&sub));
    if let Some(a) = alert_line(r) {
        let _ = writeln!(o, r#"<div class="alert">Alert: {}</div>"#, html(&a));
    }

    // Cards.
    let cards = [
        (thousands(r.agg.total), "events"),
        (thousands(r.agg.codes.len() as u64), "codes"),
        (thousands(r.bursts.len() as u64), "bursts"),
        (thousands(r.diagnoses.len() as u64), "diagnoses"),
    ];
    let _ = writeln!(o, r#"<table class="cards" role="presentation"><tr>"#);
    for (n, what) in cards {
        let _ = writeln!(
            o,
            r#"<td><div class="card"><b>{n}</b><span>{what}</span></div></td>"#
        );
    }
    let _ = writeln!(o, "</tr></table>");

    // Scope.
    let _ = writeln!(o, "<h2>Scope</h2>\n<table class=\"scope\">");
    for (k, v) in scope_lines(r, ctx) {
        let _ = writeln!(o, "<tr><td>{k}</td><td>{}</td></tr>", html(&v));
    }
    for p in &r.problems {
        let _ = writeln!(
            o,
            "<tr><td>Problem</td><td>{}</td></tr>",
            html(&ctx.text(p))
        );
    }
    let _ = writeln!(o, "</table>");
    if !r.inputs.is_empty() {
        let _ = writeln!(
            o,
            r#"<table class="files"><tr><th>file</th><th class="n">size</th><th class="n">lines</th><th class="n">events</th></tr>"#
        );
        for i in &r.inputs {
            let _ = writeln!(
                o,
                r#"<tr><td><code>{}</code></td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
                html(ctx.name(i.source)),
                human_bytes(i.bytes),
                thousands(i.lines),
                thousands(i.events)
            );
        }
        let _ = writeln!(o, "</table>");
    }

    // Headline.
    let _ = writeln!(o, "<h2>Headline</h2>");
    let _ = writeln!(o, "<p><b>{}</b>.", html(&events_line(r)));
    if r.agg.total == 0 {
        let _ = writeln!(o, " No OKX error found.</p>");
    } else {
        let _ = writeln!(
            o,
            " What to fix first: credentials, clock and permissions before rate limits and outages.</p>"
        );
        let _ = writeln!(
            o,
            r#"<table><tr><th>code</th><th class="n">events</th><th>category</th><th>first seen</th><th>last seen</th><th>message and remedy</th></tr>"#
        );
        for row in &r.headline {
            let s = row.stats;
            let _ = writeln!(
                o,
                r#"<tr><td class="code">{}</td><td class="n">{}</td><td class="t">{}{}</td><td class="t">{}</td><td class="t">{}</td><td><div class="msg">{}</div><div class="remedy">{}</div></td></tr>"#,
                html(code_label(&s.code)),
                thousands(s.count),
                dot(s.category),
                s.category,
                html(&when_opt(ctx, s.first)),
                html(&when_opt(ctx, s.last)),
                html(&ctx.text(s.message())),
                html_prose(row.info.remedy())
            );
        }
        let _ = writeln!(o, "</table>");
        if let Some(l) = rest_line(r) {
            let _ = writeln!(o, r#"<p class="muted">{}</p>"#, html(&l));
        }

        // Timeline.
        let _ = writeln!(
            o,
            "<h2>Timeline (per {}, {})</h2>",
            bucket_name(r.timeline.bucket),
            html(&ctx.zone.to_string())
        );
        svg_timeline(&mut o, &r.timeline, ctx);
        html_timeline_table(&mut o, &r.timeline, ctx);

        // Bursts.
        let _ = writeln!(o, "<h2>Bursts</h2>");
        if r.bursts.is_empty() {
            let _ = writeln!(
                o,
                "<p>None: no code had an hour with 5x its median hourly count and at least 20 events.</p>"
            );
        } else {
            let _ = writeln!(o, r#"<ul class="bursts">"#);
            for b in &r.bursts {
                let _ = writeln!(
                    o,
                    "<li>{}{}</li>",
                    dot(b.category),
                    html(&burst_line(b, ctx, long_span(r)))
                );
            }
            let _ = writeln!(o, "</ul>");
        }
    }

    // Diagnoses.
    let _ = writeln!(o, "<h2>Diagnoses</h2>");
    if r.diagnoses.is_empty() {
        let _ = writeln!(
            o,
            "<p>No sign of missing credentials, clock drift or missing permissions.</p>"
        );
    }
    for d in &r.diagnoses {
        let t = texts(d, ctx);
        let c = match d {
            Diagnosis::Credentials { .. } => Category::Auth,
            Diagnosis::Clock { .. } => Category::Clock,
            Diagnosis::Permission { .. } => Category::Permission,
        };
        let _ = writeln!(
            o,
            r#"<div class="diag" style="border-left-color:{}"><h3>{}</h3><ul>"#,
            colour(c),
            t.title
        );
        for f in &t.findings {
            let _ = writeln!(o, "<li>{}</li>", html_prose(f));
        }
        let _ = writeln!(
            o,
            r#"</ul><p class="fix"><b>Fix:</b> {}</p></div>"#,
            html_prose(&t.fix.join(" "))
        );
    }

    // Samples.
    if r.agg.total > 0 {
        let _ = writeln!(o, "<h2>Samples</h2>");
        let _ = writeln!(
            o,
            r#"<p class="muted">One log line per code, in the headline's order; {}.</p>"#,
            masking_note(ctx)
        );
        for row in &r.codes {
            let Some((p, text)) = sample_text(row, ctx) else {
                continue;
            };
            let _ = writeln!(
                o,
                r#"<div class="sample-head">{}<b>{}</b> · {} · <code>{}</code></div><pre>{}</pre>"#,
                dot(row.stats.category),
                html(code_label(&row.stats.code)),
                row.stats.category,
                html(&place(ctx, p)),
                html(&text)
            );
        }
    }
    let _ = writeln!(
        o,
        r#"<p class="foot">Made by okxscan {}. OKX error codes are documented in the OKX API v5 reference, section "Error Code" (www.okx.com/docs-v5/en/#error-code).</p>"#,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(o, "</div>\n</body>\n</html>");
    o
}

/// The timeline in numbers, under the chart (mail clients that drop SVG still show
/// it): every bucket when there are few, else the busiest, in time order.
fn html_timeline_table(o: &mut String, tl: &Timeline, ctx: &RenderCtx) {
    if tl.slots.is_empty() {
        return;
    }
    let mut shown: Vec<&crate::aggregate::report::Slot> = tl.slots.iter().collect();
    let note = if shown.len() > TABLE_SLOTS {
        shown.sort_by(|a, b| b.total.cmp(&a.total).then(a.start.cmp(&b.start)));
        shown.truncate(TABLE_SLOTS);
        shown.sort_by_key(|s| s.start);
        format!(
            "The {TABLE_SLOTS} busiest of {} {}s.",
            tl.slots.len(),
            bucket_name(tl.bucket)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        r#"<table class="files tl"><tr><th style="width:150px">{}</th><th class="n" style="width:70px">events</th><th style="width:180px"></th><th>top codes</th></tr>"#,
        bucket_name(tl.bucket)
    );
    for s in shown {
        let w = if tl.max > 0 {
            (s.total as f64 / tl.max as f64 * 160.0).round() as u64
        } else {
            0
        };
        let bar = if s.total > 0 {
            format!(r#"<span class="bar" style="width:{}px"></span>"#, w.max(2))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            r#"<tr><td class="t">{}</td><td class="n">{}</td><td>{bar}</td><td>{}</td></tr>"#,
            html(&slot_label(ctx, s.start, tl.bucket)),
            thousands(s.total),
            html(&top_codes(&s.top))
        );
    }
    let _ = writeln!(o, "</table>");
    if !note.is_empty() {
        let _ = writeln!(o, r#"<p class="muted">{}</p>"#, html(&note));
    }
}

/// A round step for about five axis ticks up to `max`.
fn tick_step(max: u64) -> u64 {
    let raw = (max as f64 / 5.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    step.max(1.0) as u64
}

/// The timeline as an inline SVG bar chart stacked by category, with a legend.
fn svg_timeline(o: &mut String, tl: &Timeline, ctx: &RenderCtx) {
    if tl.slots.is_empty() {
        let _ = writeln!(o, "<p>No event with a time.</p>");
        return;
    }
    const W: f64 = 1040.0;
    const H: f64 = 300.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 44.0;
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let step = tick_step(tl.max);
    let top = tl.max.div_ceil(step).max(1) * step;
    let y = |v: f64| TOP + ph - v / top as f64 * ph;
    let n = tl.slots.len();
    let slot_w = pw / n as f64;
    let bar_w = (slot_w * 0.78).max(1.0);
    let _ = writeln!(
        o,
        r#"<svg width="100%" viewBox="0 0 {W} {H}" role="img" aria-label="events per {}" style="max-width:{W}px;display:block">"#,
        bucket_name(tl.bucket)
    );
    // Grid and y labels.
    let mut v = 0;
    while v <= top {
        let yy = y(v as f64);
        let _ = writeln!(
            o,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{}" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#59636e" text-anchor="end">{}</text>"##,
            W - RIGHT,
            if v == 0 { "#8c959f" } else { "#e6e9ed" },
            LEFT - 8.0,
            yy + 4.0,
            thousands(v)
        );
        v += step;
    }
    // Bars.
    for (i, s) in tl.slots.iter().enumerate() {
        let x = LEFT + i as f64 * slot_w + (slot_w - bar_w) / 2.0;
        let mut acc = 0u64;
        let label = format!(
            "{}: {} events{}{}",
            slot_label(ctx, s.start, tl.bucket),
            thousands(s.total),
            if s.top.is_empty() { "" } else { " — " },
            top_codes(&s.top)
        );
        let _ = write!(o, "<g><title>{}</title>", html(&label));
        for (k, &c) in tl.categories.iter().enumerate() {
            let cnt = s.by_category[k];
            if cnt == 0 {
                continue;
            }
            let y1 = y((acc + cnt) as f64);
            let y0 = y(acc as f64);
            acc += cnt;
            let _ = write!(
                o,
                r#"<rect x="{x:.2}" y="{y1:.2}" width="{bar_w:.2}" height="{:.2}" fill="{}"/>"#,
                (y0 - y1).max(0.5),
                colour(c)
            );
        }
        let _ = writeln!(o, "</g>");
    }
    // X labels: about one per 70 px.
    let every = ((70.0 / slot_w).ceil() as usize).max(1);
    let every = match tl.bucket {
        Bucket::Hour => [1, 2, 3, 4, 6, 12, 24]
            .into_iter()
            .find(|&e| e >= every)
            .unwrap_or(every),
        Bucket::Minute => [1, 2, 5, 10, 15, 30, 60]
            .into_iter()
            .find(|&e| e >= every)
            .unwrap_or(every),
        _ => every,
    };
    for (i, s) in tl.slots.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = LEFT + i as f64 * slot_w + slot_w / 2.0;
        let label = match tl.bucket {
            Bucket::Day => slot_label(ctx, s.start, tl.bucket)[5..].to_string(),
            _ => ctx.zone.format_hm(s.start),
        };
        let _ = writeln!(
            o,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#8c959f"/><text x="{x:.1}" y="{:.1}" font-size="12" fill="#424a53" text-anchor="middle">{}</text>"##,
            TOP + ph,
            TOP + ph + 4.0,
            TOP + ph + 18.0,
            html(&label)
        );
    }
    if let (Some(a), Some(b)) = (tl.slots.first(), tl.slots.last()) {
        let _ = writeln!(
            o,
            r##"<text x="{LEFT}" y="{:.1}" font-size="12" fill="#59636e">{}</text><text x="{:.1}" y="{:.1}" font-size="12" fill="#59636e" text-anchor="end">{}</text>"##,
            H - 6.0,
            html(&when(ctx, a.start)[..10]),
            W - RIGHT,
            H - 6.0,
            html(&when(ctx, b.start)[..10])
        );
    }
    let _ = writeln!(o, "</svg>");
    let _ = write!(o, r#"<div class="legend">"#);
    for &c in &tl.categories {
        let total: u64 = tl
            .slots
            .iter()
            .map(|s| s.by_category[tl.categories.iter().position(|x| *x == c).unwrap_or(0)])
            .sum();
        let _ = write!(
            o,
            r#"<span class="item">{}{c} ({})</span>"#,
            dot(c),
            thousands(total)
        );
    }
    let _ = writeln!(o, "</div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_durations_and_ticks() {
        assert_eq!(bar(0, 10), "");
        assert_eq!(bar(10, 10), "█".repeat(BAR));
        assert_eq!(bar(1, 1000), "▏");
        assert_eq!(duration(42_360_000), "11 h 46 min");
        assert_eq!(duration(65_000), "1 min 5 s");
        assert_eq!(duration(3 * 86_400_000 + 7_200_000), "3 d 2 h");
        assert_eq!(tick_step(4), 1);
        assert_eq!(tick_step(312), 100);
        assert_eq!(tick_step(90), 20);
    }

    #[test]
    fn prose_code_spans_become_code_and_stay_escaped() {
        assert_eq!(html_prose("run `a<b` now"), "run <code>a&lt;b</code> now");
    }
}
