//! The report in markdown, for a terminal, a ticket or a chat.

use super::*;
use crate::render::escape::{md_cell, md_code, md_pre};

/// Width of the markdown timeline bars, in characters.
const BAR: usize = 30;

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

pub(super) fn markdown(r: &Report, ctx: &RenderCtx) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# okxscan report\n");
    let _ = writeln!(o, "{}\n", md_cell(&span_line(r, ctx)));
    if let Some(a) = alert_line(r) {
        let _ = writeln!(o, "> **Alert:** {}\n", md_cell(&a));
    }

    let _ = writeln!(o, "## Headline\n");
    if let Some(l) = input_error_line(r) {
        let _ = writeln!(o, "> **Input error:** {}", md_cell(&l));
        for p in &r.problems {
            let _ = writeln!(o, "> - {}", md_cell(&ctx.text(p)));
        }
        let _ = writeln!(o);
    }
    if let Some(l) = outside_line(r, ctx) {
        let _ = writeln!(o, "> **Time window:** {}\n", md_cell(&l));
    }
    if r.agg.total == 0 {
        let _ = writeln!(o, "**{}**. {}", events_line(r), nothing_found(r));
    } else {
        markdown_headline(&mut o, r, ctx);
    }
    markdown_diagnoses(&mut o, r, ctx);
    markdown_scope(&mut o, r, ctx);
    markdown_samples(&mut o, r, ctx);
    o
}

fn markdown_scope(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let _ = writeln!(o, "\n## Scope\n");
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
}

fn markdown_headline(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let _ = writeln!(
        o,
        "**{}**. Every code by count, most frequent first:\n",
        events_line(r)
    );
    let _ = writeln!(o, "| code | events | share | category | message |");
    let _ = writeln!(o, "|---|---:|---:|---|---|");
    for row in &r.codes {
        let s = row.stats;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            md_cell(code_label(&s.code)),
            thousands(s.count),
            share(s.count, r.agg.total),
            s.category,
            md_cell(&ctx.text(s.message())),
        );
    }

    let _ = writeln!(o, "\n## Fix first\n");
    let _ = writeln!(
        o,
        "Credentials, clock and permissions before rate limits and outages:\n"
    );
    let _ = writeln!(
        o,
        "| code | events | category | first seen | last seen | message | remedy |"
    );
    let _ = writeln!(o, "|---|---:|---|---|---|---|---|");
    for row in &r.fix_first {
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
    let _ = writeln!(o, "\n## Diagnoses");
    if r.diagnoses.is_empty() {
        let _ = writeln!(
            o,
            "\nNo sign of missing credentials, clock drift or missing permissions."
        );
    }
    for d in &r.diagnoses {
        let t = texts(d, r, ctx);
        let _ = writeln!(o, "\n### {}\n", t.title);
        for f in &t.findings {
            // Findings hold file names: untrusted.
            let _ = writeln!(o, "- {}", md_cell(f));
        }
        let _ = writeln!(o, "\nFix: {}", md_prose(&t.fix.join(" ")));
    }
}

fn markdown_samples(o: &mut String, r: &Report, ctx: &RenderCtx) {
    if r.codes.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n## Samples\n");
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
        let _ = writeln!(o, "{}", pre(&text));
        if row.fragment {
            let _ = writeln!(o, "\n{FRAGMENT_NOTE}");
        }
    }
}

/// A `<pre>` block of several lines: each line escaped as [`md_pre`] escapes one.
fn pre(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| {
            let p = md_pre(l);
            p["<pre>".len()..p.len() - "</pre>".len()].to_string()
        })
        .collect();
    format!("<pre>{}</pre>", lines.join("\n"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars() {
        assert_eq!(bar(0, 10), "");
        assert_eq!(bar(10, 10), "█".repeat(BAR));
        assert_eq!(bar(1, 1000), "▏");
    }
}
