//! `okxscan summary`: count errors by code (and by time bucket) over all inputs.

use super::{say_stats, scan_all, Output};
use crate::aggregate::Aggregate;
use crate::cli::SummaryArgs;
use crate::config::Config;
use crate::exit::Status;
use crate::render::{self, RenderCtx};
use anyhow::{Context, Result};

pub fn run(args: &SummaryArgs) -> Result<Status> {
    let cfg = Config::new(&args.scan, &args.filter)?;
    let (agg, scanned) = aggregate(&cfg, args.by, false);
    let ctx = RenderCtx::new(&cfg, &scanned);
    let mut out = Output::new(args.output.as_deref()).context("cannot create the output file")?;
    render::summary::write(&mut out, args.format, &agg, &ctx)?;
    out.finish()?;
    if cfg.stats {
        say_stats(&scanned, agg.total);
    }
    Ok(Status::of(agg.total > 0, scanned.had_error()))
}

/// Scans every source into one aggregate (merged in input order).
pub fn aggregate(
    cfg: &Config,
    by: crate::time::Bucket,
    samples: bool,
) -> (Aggregate, super::Scanned<()>) {
    let mut cfg = cfg.clone();
    cfg.scan.opts.keep_text = samples;
    cfg.scan.opts.count_lines = samples || cfg.stats;
    let zone = cfg.zone.clone();
    let scanned = scan_all(
        &cfg,
        |_| {
            let mut a = Aggregate::new(by, zone.clone());
            a.keep_samples = samples;
            a
        },
        |a, ev| a.add(ev),
    );
    let mut total = Aggregate::new(by, zone);
    total.keep_samples = samples;
    let super::Scanned {
        sources,
        results,
        problems,
        started,
    } = scanned;
    let mut rest = Vec::with_capacity(results.len());
    for (a, rep) in results {
        total.merge(a);
        rest.push(((), rep));
    }
    (
        total,
        super::Scanned {
            sources,
            results: rest,
            problems,
            started,
        },
    )
}
