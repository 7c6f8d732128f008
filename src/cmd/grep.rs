//! `okxscan grep`: the lines that hold matching errors, ripgrep-style, or the events
//! themselves as NDJSON/CSV. One walk, one pass: the printer is the scan's sink and
//! writes each event as it is merged, in input order, so output streams in bounded
//! memory and is the same for any thread count.
//!
//! `-q` is grep's: nothing on stdout, and the printer stops the whole run at the
//! first match (exit 0). `--fail-on` counts the matching events it sees by code
//! (exit 3 when any is of a listed category or code; with `-q` the run stops at the
//! first such event instead).

use super::{find_sources, names, say_stats, scan, Output};
use crate::aggregate::report::FailOn;
use crate::aggregate::Aggregate;
use crate::cli::GrepArgs;
use crate::config::Config;
use crate::event::Event;
use crate::exit::Status;
use crate::input::Source;
use crate::render::grep::{GrepOptions, Printer, TextStyle};
use crate::render::RenderCtx;
use crate::scan::sink::{Flow, Needs, Place, Sink, SourceEnd};
use crate::time::Bucket;
use anyhow::{anyhow, Context, Result};
use std::borrow::Cow;
use std::io::{self, IsTerminal};

pub fn run(args: &GrepArgs) -> Result<Status> {
    let mut cfg = Config::new(&args.scan, &args.filter)?;
    cfg.messages = !args.no_messages;
    let fail_on = FailOn::parse(&args.fail_on).map_err(|e| anyhow!(e))?;
    let quiet = args.scan.quiet;
    let (sources, problems) = find_sources(&cfg);
    let mut opt = GrepOptions {
        format: args.format,
        style: TextStyle::default(),
        count: args.count,
        files_with_matches: args.files_with_matches,
        max_count: args.max_count,
        before: args.before_context.or(args.context).unwrap_or(0),
        after: args.after_context.or(args.context).unwrap_or(0),
        quiet,
    };
    let tty = args.output.is_none() && std::io::stdout().is_terminal();
    opt.style = TextStyle {
        filename: !args.no_filename
            // grep's rule: more than one path named (found or not) or a folder.
            && (args.with_filename
                || cfg.paths.len() > 1
                || sources.len() > 1
                || cfg.paths.iter().any(|p| std::path::Path::new(p).is_dir())),
        line_number: !args.no_line_number && (args.line_number || tty || opt.context()),
        color: args.output.is_none() && Config::color(args.color),
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
    let out = Output::new(args.output.as_deref()).context("cannot create the output file")?;
    let mut sink = Tripwire {
        printer: Printer::new(out, ctx, opt)?,
        hits: Aggregate::new(Bucket::None, cfg.zone.clone()),
        fail_on: &fail_on,
        quiet,
        tripped: false,
    };
    let mut run = scan(&cfg, sources, problems, &mut sink)?;
    let Tripwire { printer, hits, .. } = sink;
    let matched = printer.matched;
    printer
        .into_inner()
        .finish()
        .context("cannot write the output")?;
    run.save_state()?;
    if cfg.stats {
        say_stats(&run, matched);
    }
    Ok(if super::summary::say_alert(&fail_on, &hits) {
        Status::Alert
    } else if quiet && matched > 0 {
        // grep -q: a match is the answer, whatever else went wrong.
        Status::Found
    } else {
        Status::of(matched > 0, run.had_error())
    })
}

/// The printer, with the matching events of `--fail-on`'s categories and codes
/// counted beside it.
struct Tripwire<'a, W: io::Write> {
    printer: Printer<W>,
    hits: Aggregate,
    fail_on: &'a FailOn,
    quiet: bool,
    tripped: bool,
}

impl<W: io::Write + Send> Sink for Tripwire<'_, W> {
    fn needs(&self) -> Needs {
        self.printer.needs()
    }

    fn begin(&mut self, index: usize, source: &Source) -> io::Result<Flow> {
        self.printer.begin(index, source)
    }

    fn event(&mut self, ev: Event<'_>, place: &Place<'_>) -> io::Result<Flow> {
        if self.fail_on.is_empty() {
            return self.printer.event(ev, place);
        }
        let light = Event {
            code: Cow::Borrowed(ev.code.as_ref()),
            message: Cow::Borrowed(ev.message.as_ref()),
            text: None,
            span: None,
            ..ev
        };
        let trips = {
            self.hits.add(light);
            let st = &self.hits.codes[ev.code.as_ref()];
            self.fail_on.matches(st)
        };
        self.tripped |= trips;
        let flow = self.printer.event(ev, place)?;
        Ok(if self.quiet {
            // Quiet: the answer is whether an alert is due, so go on until one is.
            if self.tripped {
                Flow::Quit
            } else {
                Flow::Go
            }
        } else {
            flow
        })
    }

    fn chunk(&mut self, chunk: &[u8], first_line: u64) -> io::Result<Flow> {
        self.printer.chunk(chunk, first_line)
    }

    fn end(&mut self, index: usize, source: &Source, end: SourceEnd) -> io::Result<Flow> {
        self.printer.end(index, source, end)
    }
}
