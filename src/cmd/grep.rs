//! `okxscan grep`: the lines that hold matching errors, ripgrep-style, or the events
//! themselves as NDJSON/CSV. One walk, one pass: the printer is the scan's sink and
//! writes each event as it is merged, in input order, so output streams in bounded
//! memory and is the same for any thread count.

use super::{find_sources, names, say_stats, scan, Output};
use crate::cli::GrepArgs;
use crate::config::Config;
use crate::exit::Status;
use crate::render::grep::{GrepOptions, Printer, TextStyle};
use crate::render::RenderCtx;
use anyhow::Result;
use std::io::IsTerminal;

pub fn run(args: &GrepArgs) -> Result<Status> {
    let cfg = Config::new(&args.scan, &args.filter)?;
    let (sources, problems) = find_sources(&cfg);
    let mut opt = GrepOptions {
        format: args.format,
        style: TextStyle::default(),
        count: args.count,
        files_with_matches: args.files_with_matches,
        max_count: args.max_count,
        before: args.before_context.or(args.context).unwrap_or(0),
        after: args.after_context.or(args.context).unwrap_or(0),
    };
    let tty = std::io::stdout().is_terminal();
    opt.style = TextStyle {
        filename: !args.no_filename
            && (args.with_filename
                || sources.len() > 1
                || cfg.paths.iter().any(|p| std::path::Path::new(p).is_dir())),
        line_number: !args.no_line_number && (args.line_number || tty || opt.context()),
        color: Config::color(args.color),
        only_matching: args.only_matching,
    };
    // Names are known before scanning: each event is printed as it is merged.
    let ctx = RenderCtx {
        zone: cfg.zone.clone(),
        redact: cfg.redact,
        names: names(&sources),
        bytes: 0,
        lines: 0,
        lines_counted: true,
        partial: 0,
    };
    let out = Output::new(None)?;
    let mut printer = Printer::new(out, ctx, opt)?;
    let mut run = scan(&cfg, sources, problems, &mut printer)?;
    let matched = printer.matched;
    printer.into_inner().finish()?;
    run.save_state()?;
    if cfg.stats {
        say_stats(&run, matched);
    }
    Ok(Status::of(matched > 0, run.had_error()))
}
