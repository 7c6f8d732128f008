//! `okxscan summary`: count errors by code (and by time bucket) over all inputs.

use super::{find_sources, say_stats, scan, Output};
use crate::aggregate::Aggregate;
use crate::cli::SummaryArgs;
use crate::config::Config;
use crate::exit::Status;
use crate::render;
use anyhow::{Context, Result};

pub fn run(args: &SummaryArgs) -> Result<Status> {
    let cfg = Config::new(&args.scan, &args.filter)?;
    let (sources, problems) = find_sources(&cfg);
    let mut agg = Aggregate::new(args.by, cfg.zone.clone());
    let mut run = scan(&cfg, sources, problems, &mut agg)?;
    let ctx = run.render_ctx(&cfg, false);
    let mut out = Output::new(args.output.as_deref()).context("cannot create the output file")?;
    render::summary::write(&mut out, args.format, &agg, &ctx)?;
    out.finish()?;
    run.save_state()?;
    if cfg.stats {
        say_stats(&run, agg.total);
    }
    Ok(Status::of(agg.total > 0, run.had_error()))
}
