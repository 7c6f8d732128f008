//! The report, a one-page post-mortem, in markdown (for a terminal, a ticket or a
//! chat) and in HTML (one self-contained file for a browser or a mail: inline CSS
//! and SVG, no script, nothing loaded from anywhere).
//!
//! The sentences are written once, as plain text ([`Texts`]), and each format
//! escapes them its own way; log text (messages, samples, file names) is masked by
//! [`RenderCtx::text`] first. What to show and in which order was decided in
//! [`crate::aggregate::report`]; what a diagnosis means and how to fix it is
//! knowledge, in [`crate::kb::diagnosis`].
//!
//! Both formats read in the same order: the headline (every code by count, so the
//! night's biggest code comes first, and any input that failed), the fix-first list,
//! timeline, bursts, diagnoses, scope, samples. One file per format: [`md`],
//! [`html`] (with its chart in [`svg`]); the plain-text pieces both share are here.

mod html;
mod md;
mod svg;

use super::{human_bytes, thousands, RenderCtx, ReportFormat};
use crate::aggregate::report::{Burst, Diagnosis, Offset, Place, Report, Row, Timeline};
use crate::event::Category;
use crate::kb::diagnosis::{advice, zone_finding, Cause, AFTER_ZONE, NO_OFFSET};
use crate::scan::clues::ClueKind;
use crate::time::{Bucket, Zone};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Longest sample line shown, in characters (after masking).
const SAMPLE_CHARS: usize = 400;
/// Most lines of a sample shown.
const SAMPLE_LINES: usize = 60;

pub fn write(
    out: &mut dyn Write,
    format: ReportFormat,
    r: &Report,
    ctx: &RenderCtx,
) -> io::Result<()> {
    let text = match format {
        ReportFormat::Md => md::markdown(r, ctx),
        ReportFormat::Html => html::page(r, ctx),
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
    when_in(&ctx.zone, ms)
}

/// `2026-11-22 18:07:30` in `zone`.
fn when_in(zone: &Zone, ms: i64) -> String {
    let s = zone.format_secs(ms);
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
            format!("{} ahead of", secs(ms))
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

impl Texts {
    /// The findings under the knowledge base's title and fix for `cause`.
    fn of(cause: Cause, findings: Vec<String>) -> Texts {
        let a = advice(cause);
        Texts {
            title: a.title,
            findings,
            fix: a.fix.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// `UTC+8`, `UTC-3:30`, `UTC` for an offset in seconds.
fn utc_name(secs: i64) -> String {
    let (sign, a) = if secs < 0 { ('-', -secs) } else { ('+', secs) };
    match (a / 3600, a % 3600 / 60) {
        (0, 0) => "UTC".into(),
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h}:{m:02}"),
    }
}

/// `+08:00`, as `--log-tz` takes it (`UTC` for zero).
fn offset_arg(secs: i64) -> String {
    let (sign, a) = if secs < 0 { ('-', -secs) } else { ('+', secs) };
    if a == 0 {
        "UTC".into()
    } else {
        format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
    }
}

/// The zone diagnosis's own finding: which zone the stamps look written in.
fn zone_text(shift_ms: i64, r: &Report) -> String {
    let hours = (shift_ms / 3_600_000).abs();
    let hours = format!("{hours} hour{}", if hours == 1 { "" } else { "s" });
    match &r.log_zone {
        Some(z) => {
            // Read at offset R, written at W: a line reads (W - R) ahead of the
            // request, so the median offset (request - line) is R - W.
            let at = r.span.map_or(0, |(a, _)| a);
            let read = i64::from(z.offset_at(at).local_minus_utc());
            let written = read - shift_ms / 1000;
            let read_name = match z {
                Zone::Utc | Zone::Fixed(_) => utc_name(read),
                _ => format!("{z} ({})", utc_name(read)),
            };
            zone_finding(&hours, &read_name, &utc_name(written), &offset_arg(written))
        }
        None => zone_finding(&hours, "one zone", "another", "ZONE"),
    }
}

fn texts(d: &Diagnosis, r: &Report, ctx: &RenderCtx) -> Texts {
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
            Texts::of(Cause::Credentials, findings)
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
                    let after_zone = r
                        .diagnoses
                        .iter()
                        .any(|d| matches!(d, Diagnosis::Zone { .. }));
                    let text = offset_text(o, ctx);
                    findings.push(if after_zone {
                        format!("{AFTER_ZONE} {text}")
                    } else {
                        text
                    });
                }
                None => findings.push(NO_OFFSET.into()),
            }
            Texts::of(Cause::Clock, findings)
        }
        Diagnosis::Zone { offset, shift_ms } => Texts::of(
            Cause::Zone,
            vec![offset_text(offset, ctx), zone_text(*shift_ms, r)],
        ),
        Diagnosis::Permission { codes } => Texts::of(
            Cause::Permission,
            codes
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
        ),
    }
}

/// `Asia/Shanghai (every time below); log times without a zone read in UTC`.
fn zone_scope(r: &Report, ctx: &RenderCtx) -> String {
    let mut s = format!("{} (every time below)", ctx.zone);
    if let Some(z) = &r.log_zone {
        let _ = write!(s, "; log times written without a zone read in {z}");
    }
    s
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
    let mut filters = if r.filters.is_empty() {
        "none".to_string()
    } else {
        r.filters.join("; ")
    };
    if let Some(n) = outside_note(r, ctx) {
        let _ = write!(filters, " ({})", n.trim_end_matches('.'));
    }
    vec![
        ("Inputs", inputs),
        ("Time span", span),
        ("Zone", zone_scope(r, ctx)),
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
            "{} more {} with {} come after these (every code is in the headline).",
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

/// `2026-11-22 18:07:30 to 2026-11-23 05:53:07 UTC · 11 h 45 min`.
fn span_line(r: &Report, ctx: &RenderCtx) -> String {
    match r.span {
        Some((a, b)) => format!(
            "{} to {} {} · {}",
            when(ctx, a),
            when(ctx, b),
            ctx.zone,
            duration(b - a)
        ),
        None => "No event with a time".into(),
    }
}

/// What the headline says when an input could not be read whole (the problems
/// themselves are listed under it, masked).
fn input_error_line(r: &Report) -> Option<String> {
    let n = r.problems.len() as u64;
    (n > 0).then(|| {
        format!(
            "{}: the counts below leave out what could not be read.",
            plural(n, "input failed", "inputs failed")
        )
    })
}

/// `1,234 events lay outside the time window; the newest, at 2026-11-23
/// 05:53:07 UTC, is 13 d 2 h old.` (said on stderr too, by every command).
pub fn window_note(outside: u64, newest: Option<i64>, now_ms: i64, zone: &Zone) -> String {
    let mut s = format!(
        "{} lay outside the time window",
        plural(outside, "event", "events")
    );
    if let Some(t) = newest {
        let age = now_ms - t;
        let age = if age >= 0 {
            format!("{} old", duration(age))
        } else {
            format!("{} in the future", duration(-age))
        };
        let _ = write!(s, "; the newest, at {} {zone}, is {age}", when_in(zone, t));
    }
    s.push('.');
    s
}

/// What the time window left out, said when it left out any.
fn outside_note(r: &Report, ctx: &RenderCtx) -> Option<String> {
    r.outside
        .filter(|o| o.events > 0)
        .map(|o| window_note(o.events, o.newest, o.now_ms, &ctx.zone))
}

/// The headline's warning when the window kept nothing but left events out (a
/// bot that stopped); otherwise the note is in the scope's filters.
fn outside_line(r: &Report, ctx: &RenderCtx) -> Option<String> {
    (r.agg.total == 0).then(|| outside_note(r, ctx)).flatten()
}

/// What the headline says when no event was counted.
fn nothing_found(r: &Report) -> &'static str {
    match (
        r.problems.is_empty(),
        r.outside.is_some_and(|o| o.events > 0),
    ) {
        (true, false) => "No OKX error found.",
        (true, true) => "No OKX error found in the time window.",
        (false, _) => "No OKX error found in what could be read.",
    }
}

/// `39.1%` of `total`.
fn share(n: u64, total: u64) -> String {
    if total == 0 {
        return String::new();
    }
    let p = n as f64 * 100.0 / total as f64;
    if p >= 0.1 {
        format!("{p:.1}%")
    } else {
        "<0.1%".into()
    }
}

/// A line with its leading epoch-millisecond stamp (`1795371108588 ERROR ...`, also
/// `[1795371108588]`) shown as a time in the display zone.
fn readable_stamp<'a>(line: &'a str, zone: &Zone) -> Cow<'a, str> {
    let lead = usize::from(line.starts_with('['));
    let digits = line[lead..].bytes().take_while(u8::is_ascii_digit).count();
    if digits != 13 {
        return Cow::Borrowed(line);
    }
    let (stamp, rest) = line[lead..].split_at(13);
    match stamp.parse::<i64>() {
        // 2001-09-09 to 2286: every 13-digit number is a time in milliseconds.
        Ok(ms) => Cow::Owned(format!(
            "{}{}.{:03}{rest}",
            &line[..lead],
            when_in(zone, ms),
            ms % 1000
        )),
        Err(_) => Cow::Borrowed(line),
    }
}

/// What the samples say about secrets: only what is true.
fn masking_note(ctx: &RenderCtx) -> &'static str {
    if ctx.redact {
        "secrets masked"
    } else {
        "secrets NOT masked (--no-redact): do not share this report"
    }
}

/// A code's sample (its whole body when a line held it whole), masked, with epoch
/// stamps as times, each line cut at [`SAMPLE_CHARS`], at most [`SAMPLE_LINES`].
fn sample_text(row: &Row, ctx: &RenderCtx) -> Option<(Place, String)> {
    let s = row.stats.sample.as_ref()?;
    let masked = ctx.text(&s.text);
    let mut out = String::new();
    let mut lines = masked.trim_end().lines();
    for (i, line) in lines.by_ref().take(SAMPLE_LINES).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = readable_stamp(line.trim_end_matches('\r'), &ctx.zone);
        out.extend(line.chars().take(SAMPLE_CHARS));
        if line.chars().count() > SAMPLE_CHARS {
            out.push('…');
        }
    }
    if lines.next().is_some() {
        out.push_str("\n…");
    }
    Some((
        Place {
            source: s.source,
            line: s.line,
        },
        out,
    ))
}

/// Said under a sample that is one line of a body written over several lines.
const FRAGMENT_NOTE: &str =
    "One line of a body written over several lines: no line of this code held its whole body.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(42_360_000), "11 h 46 min");
        assert_eq!(duration(65_000), "1 min 5 s");
        assert_eq!(duration(3 * 86_400_000 + 7_200_000), "3 d 2 h");
    }

    #[test]
    fn shares_and_epoch_stamps() {
        assert_eq!(share(292, 742), "39.4%");
        assert_eq!(share(1, 100_000), "<0.1%");
        assert_eq!(share(1, 0), "");
        let t = |s: &'static str| readable_stamp(s, &Zone::Utc).into_owned();
        assert_eq!(
            t("1795371108588 ERROR x"),
            "2026-11-22 18:11:48.588 ERROR x"
        );
        assert_eq!(t("[1795371108588] x"), "[2026-11-22 18:11:48.588] x");
        assert_eq!(t("1795371108588"), "2026-11-22 18:11:48.588");
        // Not 13 digits at the start: left alone.
        for s in ["179537110858 x", "17953711085880 x", "x 1795371108588", ""] {
            assert_eq!(t(s), s);
        }
    }
}
