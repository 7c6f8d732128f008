//! `okxscan summary`: count errors by code (and by time bucket) over all inputs.
//! On a terminal with no `--format`, a text table fitted to its width; `--fail-on`
//! turns the count into an alert (exit 3), said on stderr.

use super::{find_sources, say_stats, scan, Output};
use crate::aggregate::report::{FailItem, FailOn};
use crate::aggregate::Aggregate;
use crate::cli::SummaryArgs;
use crate::config::Config;
use crate::exit::Status;
use crate::render;
use crate::render::summary::Shown;
use anyhow::{anyhow, Context, Result};
use std::io::IsTerminal;

pub fn run(args: &SummaryArgs) -> Result<Status> {
    let cfg = Config::new(&args.scan, &args.filter)?;
    let fail_on = FailOn::parse(&args.fail_on).map_err(|e| anyhow!(e))?;
    let (sources, problems) = find_sources(&cfg);
    let mut agg = Aggregate::new(args.by, cfg.zone.clone());
    let mut run = scan(&cfg, sources, problems, &mut agg)?;
    let ctx = run.render_ctx(&cfg, false);
    let tty = args.output.is_none() && std::io::stdout().is_terminal();
    let shown = render::summary::choose(
        tty,
        args.format,
        if tty {
            render::summary::terminal_width()
        } else {
            render::summary::DEFAULT_WIDTH
        },
    );
    let mut out = Output::new(args.output.as_deref()).context("cannot create the output file")?;
    match shown {
        Shown::Format(f) => render::summary::write(&mut out, f, &agg, &ctx)?,
        Shown::Text { width } => render::summary::text(&mut out, &agg, &ctx, width)?,
    }
    out.finish()?;
    run.save_state()?;
    if cfg.stats {
        say_stats(&run, agg.total);
    }
    Ok(if say_alert(&fail_on, &agg) {
        Status::Alert
    } else {
        Status::of(agg.total > 0, run.had_error())
    })
}

/// What `--fail-on` caught in `agg`, item by item: `auth: 12 events (50102 x10,
/// 50113 x2)`, or `None` when nothing tripped.
pub fn alert_text(fail_on: &FailOn, agg: &Aggregate) -> Option<String> {
    let mut parts = Vec::new();
    for item in &fail_on.items {
        let one = FailOn {
            items: vec![item.clone()],
        };
        let mut hit: Vec<_> = agg.codes.values().filter(|s| one.matches(s)).collect();
        if hit.is_empty() {
            continue;
        }
        hit.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        let events: u64 = hit.iter().map(|s| s.count).sum();
        let name = match item {
            FailItem::Category(c) => c.as_str().to_string(),
            FailItem::Code(crate::filter::CodePattern::Exact(c)) => c.clone(),
            FailItem::Code(crate::filter::CodePattern::Prefix(p)) => format!("{p}*"),
        };
        let codes: Vec<String> = hit
            .iter()
            .take(5)
            .map(|s| {
                let code = if s.code.is_empty() { "(none)" } else { &s.code };
                format!("{} x{}", render::escape::terminal(code), s.count)
            })
            .collect();
        let more = if hit.len() > 5 {
            format!(", {} more codes", hit.len() - 5)
        } else {
            String::new()
        };
        parts.push(format!(
            "{name}: {events} event{} ({}{more})",
            if events == 1 { "" } else { "s" },
            codes.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Says on stderr what `--fail-on` caught, if anything; true when it tripped.
pub fn say_alert(fail_on: &FailOn, agg: &Aggregate) -> bool {
    match alert_text(fail_on, agg) {
        Some(t) => {
            eprintln!("okxscan: --fail-on tripped: {t}");
            true
        }
        None => false,
    }
}
