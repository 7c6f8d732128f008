//! `okxscan report`: a one-page post-mortem of the inputs (scope, headline,
//! timeline, bursts, diagnoses, samples) in markdown or HTML, written atomically.
//!
//! The scan also looks for clues (request-header dumps) for the diagnoses; the
//! exit status is grep's (0 found, 1 none, 2 an input error) unless `--fail-on`
//! matched, which gives 3 whatever else happened: a cron job alerts on it, and an
//! input error is still said on stderr and in the report's headline. When every
//! input failed nothing is written (the last good report stays) and the exit is 2.

use super::{find_sources, say_stats, scan, Output};
use crate::aggregate::report::{clue_passes, ClueTally, FailOn, InputRow, Outside, Report, Tally};
use crate::cli::ReportArgs;
use crate::config::Config;
use crate::event::Event;
use crate::exit::Status;
use crate::filter::Filter;
use crate::input::Source;
use crate::render;
use crate::scan::sink::{Flow, Needs, Place, Sink, SourceEnd};
use anyhow::{anyhow, Context, Result};
use std::io;

pub fn run(args: &ReportArgs) -> Result<Status> {
    let cfg = Config::new(&args.scan, &args.filter)?;
    let fail_on = FailOn::parse(&args.fail_on).map_err(|e| anyhow!(e))?;
    let (sources, problems) = find_sources(&cfg);
    let mut sink = ReportSink {
        tally: Tally::new(cfg.zone.clone()),
        clues: ClueTally::default(),
        inputs: Vec::with_capacity(sources.len()),
        filter: &cfg.filter,
        before: 0,
    };
    let mut run = scan(&cfg, sources, problems, &mut sink)?;
    let ReportSink {
        tally,
        clues,
        inputs,
        ..
    } = sink;

    let mut report = Report::build(&tally, &clues, &fail_on);
    report.inputs = inputs;
    report.filters = describe_filters(args, &cfg);
    report.problems = run
        .problems
        .iter()
        .filter(|p| p.error)
        .map(|p| format!("{}: {}", p.name, p.what))
        .chain(run.errors.iter().cloned())
        .collect();
    report.log_zone = Some(cfg.log_zone.clone());
    report.outside = cfg.filter.has_window().then_some(Outside {
        events: run.window.outside,
        newest: run.window.newest,
        now_ms: cfg.now_ms,
    });

    if run.all_failed() {
        // Nothing was read: a cron job's report of yesterday stays as it was,
        // rather than turn into "0 events" (the errors are on stderr already).
        let kept = match args.output.as_deref() {
            Some(p) if p.as_os_str() != "-" => format!("; {} left as it was", p.display()),
            _ => String::new(),
        };
        eprintln!("okxscan: every input failed: no report written{kept}");
        return Ok(Status::Error);
    }
    let ctx = run.render_ctx(&cfg, true);
    let mut out = Output::new(args.output.as_deref()).context("cannot create the output file")?;
    render::report::write(&mut out, args.format, &report, &ctx)?;
    out.finish().context("cannot write the report")?;
    run.save_state()?;
    if cfg.stats {
        say_stats(&run, tally.agg.total);
    }
    // Said on stderr too: a cron job's mail shows which alert fired.
    super::summary::say_alert(&fail_on, &tally.agg);
    Ok(if report.alert.is_some() {
        Status::Alert
    } else {
        Status::of(tally.agg.total > 0, run.had_error())
    })
}

/// The report's sink: the tally of events, the clues that pass the filters, and
/// each input's figures for the scope.
struct ReportSink<'a> {
    tally: Tally,
    clues: ClueTally,
    inputs: Vec<InputRow>,
    filter: &'a Filter,
    /// Events tallied before the current source.
    before: u64,
}

impl Sink for ReportSink<'_> {
    fn needs(&self) -> Needs {
        Needs {
            lines: true,
            text: true,
            chunks: false,
            clues: true,
        }
    }

    fn event(&mut self, ev: Event<'_>, place: &Place<'_>) -> io::Result<Flow> {
        // The sample of a body over several lines is taken whole from its chunk.
        self.tally.add_at(ev, place);
        Ok(Flow::Go)
    }

    fn end(&mut self, index: usize, _: &Source, end: SourceEnd) -> io::Result<Flow> {
        self.inputs.push(InputRow {
            source: index,
            bytes: end.stats.bytes,
            lines: end.stats.lines,
            events: self.tally.agg.total - self.before,
        });
        self.before = self.tally.agg.total;
        for c in &end.clues {
            if clue_passes(self.filter, c) {
                self.clues.add(c);
            }
        }
        Ok(Flow::Go)
    }
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
