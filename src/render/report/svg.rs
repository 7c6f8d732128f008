//! The report's timeline as an inline SVG bar chart, stacked by category.

use super::html::dot;
use super::*;
use crate::render::escape::html;

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
pub(super) fn svg_timeline(o: &mut String, tl: &Timeline, ctx: &RenderCtx) {
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
    fn ticks() {
        assert_eq!(tick_step(4), 1);
        assert_eq!(tick_step(312), 100);
        assert_eq!(tick_step(90), 20);
    }
}
