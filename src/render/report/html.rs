//! The report as one self-contained HTML file, for a browser or a mail: inline CSS
//! and SVG, no script, nothing loaded from anywhere.

use super::svg::svg_timeline;
use super::*;
use crate::render::escape::html;

/// Buckets listed under the HTML chart at most.
const TABLE_SLOTS: usize = 48;

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
.codes td,.codes th{padding:3px 10px;font-size:13.5px}
.codes td.msg{font-weight:400}
.share{display:inline-block;width:48px;text-align:right;margin-right:6px}
code{overflow-wrap:anywhere}
@media (max-width:720px){
body{padding:0;font-size:14px}
.page{border:0;border-radius:0;padding:14px 10px}
h1{font-size:22px}
h2{font-size:17px;margin-top:24px}
.cards td{padding:0 4px 0 0}
.card{padding:6px 8px}
.card b{font-size:19px}
.codes td,.codes th{padding:3px 5px}
.codes .bar,.tl .bar,.codes .cat{display:none}
.codes td.msg{overflow-wrap:anywhere}
.share{width:auto}
table.stack,.stack tbody,.stack tr,.stack td{display:block;width:auto}
.stack tr:first-child{display:none}
.stack tr{border-bottom:1px solid #d8dee4;padding:6px 0}
.stack td{border:0;padding:1px 0;white-space:normal}
.stack td.code,.stack td.n{display:inline-block;margin-right:10px}
.stack td.t{display:inline-block;margin-right:10px}
.stack td.last::before{content:"to ";color:#59636e}
.tl th{width:auto!important}
.diag{padding:10px}
.scope td:first-child{width:auto}
}
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

pub(super) fn dot(c: Category) -> String {
    format!(
        r#"<span class="dot" style="background:{}"></span>"#,
        colour(c)
    )
}

pub(super) fn page(r: &Report, ctx: &RenderCtx) -> String {
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
    let _ = writeln!(o, r#"<p class="sub">{}</p>"#, html(&span_line(r, ctx)));
    if let Some(a) = alert_line(r) {
        let _ = writeln!(o, r#"<div class="alert">Alert: {}</div>"#, html(&a));
    }
    if let Some(l) = input_error_line(r) {
        let _ = writeln!(o, r#"<div class="alert">Input error: {}<ul>"#, html(&l));
        for p in &r.problems {
            let _ = writeln!(o, "<li>{}</li>", html(&ctx.text(p)));
        }
        let _ = writeln!(o, "</ul></div>");
    }
    if let Some(l) = outside_line(r, ctx) {
        let _ = writeln!(o, r#"<div class="alert">Time window: {}</div>"#, html(&l));
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

    // Headline: every code by count.
    let _ = writeln!(o, "<h2>Headline</h2>");
    let _ = writeln!(o, "<p><b>{}</b>.", html(&events_line(r)));
    if r.agg.total == 0 {
        let _ = writeln!(o, " {}</p>", nothing_found(r));
    } else {
        let _ = writeln!(o, " Every code by count, most frequent first:</p>");
        html_codes(&mut o, r, ctx);
        html_fix_first(&mut o, r, ctx);

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

    html_diagnoses(&mut o, r, ctx);
    html_scope(&mut o, r, ctx);
    html_samples(&mut o, r, ctx);
    let _ = writeln!(
        o,
        r#"<p class="foot">Made by okxscan {}. OKX error codes are documented in the OKX API v5 reference, section "Error Code" (www.okx.com/docs-v5/en/#error-code).</p>"#,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(o, "</div>\n</body>\n</html>");
    o
}

/// Every code with its count and share, most frequent first: on the first screen.
fn html_codes(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let max = r.codes.first().map_or(0, |row| row.stats.count);
    let _ = writeln!(
        o,
        r#"<table class="codes"><tr><th>code</th><th class="n">events</th><th>share</th><th class="cat">category</th><th>message</th></tr>"#
    );
    for row in &r.codes {
        let s = row.stats;
        let w = if max > 0 {
            (s.count as f64 / max as f64 * 120.0).round() as u64
        } else {
            0
        };
        let _ = writeln!(
            o,
            r#"<tr><td class="code">{}</td><td class="n">{}</td><td class="t"><span class="share">{}</span><span class="bar" style="width:{}px"></span></td><td class="t cat">{}{}</td><td class="msg">{}</td></tr>"#,
            html(code_label(&s.code)),
            thousands(s.count),
            share(s.count, r.agg.total),
            w.max(2),
            dot(s.category),
            s.category,
            html(&ctx.text(s.message())),
        );
    }
    let _ = writeln!(o, "</table>");
}

/// The first codes in fix-first order, with the knowledge base's remedy.
fn html_fix_first(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let _ = writeln!(o, "<h2>Fix first</h2>");
    let _ = writeln!(
        o,
        "<p>Credentials, clock and permissions before rate limits and outages.</p>"
    );
    let _ = writeln!(
        o,
        r#"<table class="stack"><tr><th>code</th><th class="n">events</th><th>category</th><th>first seen</th><th>last seen</th><th>message and remedy</th></tr>"#
    );
    for row in &r.fix_first {
        let s = row.stats;
        let _ = writeln!(
            o,
            r#"<tr><td class="code">{}</td><td class="n">{}</td><td class="t">{}{}</td><td class="t">{}</td><td class="t last">{}</td><td><div class="msg">{}</div><div class="remedy">{}</div></td></tr>"#,
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
}

fn html_diagnoses(o: &mut String, r: &Report, ctx: &RenderCtx) {
    let _ = writeln!(o, "<h2>Diagnoses</h2>");
    if r.diagnoses.is_empty() {
        let _ = writeln!(
            o,
            "<p>No sign of missing credentials, clock drift or missing permissions.</p>"
        );
    }
    for d in &r.diagnoses {
        let t = texts(d, r, ctx);
        let c = match d {
            Diagnosis::Credentials { .. } => Category::Auth,
            Diagnosis::Zone { .. } | Diagnosis::Clock { .. } => Category::Clock,
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
}

fn html_scope(o: &mut String, r: &Report, ctx: &RenderCtx) {
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
}

fn html_samples(o: &mut String, r: &Report, ctx: &RenderCtx) {
    if r.agg.total == 0 {
        return;
    }
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
        if row.fragment {
            let _ = writeln!(o, r#"<p class="muted">{FRAGMENT_NOTE}</p>"#);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_code_spans_become_code_and_stay_escaped() {
        assert_eq!(html_prose("run `a<b` now"), "run <code>a&lt;b</code> now");
    }
}
