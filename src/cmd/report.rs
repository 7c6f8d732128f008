//! `okxscan report`: a one-page post-mortem of the inputs (scope, headline,
//! timeline, bursts, diagnoses, samples) in markdown or HTML, written atomically.
//!
//! The scan also looks for clues (request-header dumps) for the diagnoses; the
//! exit status is grep's (0 found, 1 none, 2 an input error) unless `--fail-on`
//! matched, which gives 3 whatever else happened: a cron job alerts on it, and an
//! input error is still said on stderr and in the report's scope.

use super::{say_stats, scan_all, Output, Scanned};
use crate::aggregate::report::{clue_passes, ClueTally, FailOn, InputRow, Report, Tally};
use crate::cli::ReportArgs;
use crate::config::Config;
use crate::exit::Status;
use crate::render::{self, RenderCtx};
use anyhow::{anyhow, Context, Result};

pub fn run(args: &ReportArgs) -> Result<Status> {
    let mut cfg = Config::new(&args.scan, &args.filter)?;
    let fail_on = FailOn::parse(&args.fail_on).map_err(|e| anyhow!(e))?;
    cfg.scan.opts.keep_text = true;
    cfg.scan.opts.count_lines = true;
    cfg.scan.opts.clues = true;
    let zone = cfg.zone.clone();
    let scanned = scan_all(&cfg, |_| Tally::new(zone.clone()), |t, ev| t.add(ev));

    // Merge in input order; count the clues that pass the filters.
    let Scanned {
        sources,
        results,
        problems,
        started,
    } = scanned;
    let mut tally = Tally::new(zone);
    let mut clues = ClueTally::default();
    let mut inputs = Vec::with_capacity(results.len());
    let mut rest = Vec::with_capacity(results.len());
    for (i, (t, mut rep)) in results.into_iter().enumerate() {
        inputs.push(InputRow {
            source: i,
            bytes: rep.stats.bytes,
            lines: rep.stats.lines,
            events: t.agg.total,
        });
        tally.merge(t);
        for c in std::mem::take(&mut rep.clues) {
            if clue_passes(&cfg.filter, &c) {
                clues.add(&c);
            }
        }
        rest.push(((), rep));
    }
    let scanned = Scanned {
        sources,
        results: rest,
        problems,
        started,
    };

    let mut report = Report::build(&tally, &clues, &fail_on);
    report.inputs = inputs;
    report.filters = describe_filters(args, &cfg);
    report.problems = scanned
        .problems
        .iter()
        .chain(scanned.results.iter().flat_map(|(_, r)| r.problems.iter()))
        .filter(|p| p.error)
        .map(|p| format!("{}: {}", p.name, p.what))
        .collect();

    let ctx = RenderCtx::new(&cfg, &scanned);
    let mut out = Output::new(args.output.as_deref()).context("cannot create the output file")?;
    render::report::write(&mut out, args.format, &report, &ctx)?;
    out.finish().context("cannot write the report")?;
    if cfg.stats {
        say_stats(&scanned, tally.agg.total);
    }
    Ok(if report.alert.is_some() {
        Status::Alert
    } else {
        Status::of(tally.agg.total > 0, scanned.had_error())
    })
}

/// The filters in force, as a reader of the report needs them.
fn describe_filters(args: &ReportArgs, cfg: &Config) -> Vec<String> {
    let f = &args.filter;
    let mut out = Vec::new();
    if !f.code.is_empty() {
        out.push(format!("codes {}", f.code.join(", ")));
    }
    if !f.category.is_empty() {
        let c: Vec<&str> = f.category.iter().map(|c| c.as_str()).collect();
        out.push(format!("categories {}", c.join(", ")));
    }
    if !f.api.is_empty() {
        let a: Vec<&str> = f.api.iter().map(|a| a.as_str()).collect();
        out.push(format!("APIs {}", a.join(", ")));
    }
    if let Some(m) = &f.message {
        out.push(format!("messages matching /{m}/"));
    }
    if let (Some(s), Some(raw)) = (cfg.filter.since, &f.since) {
        out.push(format!("since {} ({raw})", cfg.zone.format_secs(s)));
    }
    if let (Some(u), Some(raw)) = (cfg.filter.until, &f.until) {
        out.push(format!("until {} ({raw})", cfg.zone.format_secs(u)));
    }
    out
}
