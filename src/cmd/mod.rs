//! Subcommands, one module each, each with a `run` entry point, plus the pieces they
//! share: the one walk, the scan of every source into the command's sink (through
//! the filter, counting what the time window left out), saying problems on stderr,
//! `--stats`, and where output goes.

pub mod codes;
pub mod explain;
pub mod grep;
pub mod merge;
mod output;

pub use output::Output;
pub mod report;
pub mod summary;

use crate::config::Config;
use crate::event::Event;
use crate::filter::Filter;
use crate::input::progress::Progress;
use crate::input::state::State;
use crate::input::{Problem, Source};
use crate::render::RenderCtx;
use crate::scan::schedule;
use crate::scan::sink::{Flow, Needs, Place, Sink, SourceEnd, SourceStats};
use std::io::{self, Write};
use std::time::Instant;

/// What a run over every source gave besides what its sink kept.
pub struct Run {
    pub sources: Vec<Source>,
    /// Problems finding the sources (the walk).
    pub problems: Vec<Problem>,
    /// Each source's figures, in input order.
    pub stats: Vec<SourceStats>,
    /// Each source's problems that may have lost data, said as `name: what`.
    pub errors: Vec<String>,
    /// Whether each source had such a problem.
    pub failed: Vec<bool>,
    /// What the time window left out.
    pub window: WindowTally,
    pub started: Instant,
    /// With `--state`: the state this run leaves, written by [`Run::save_state`].
    state: Option<State>,
}

impl Run {
    /// With `--state`, once the output is written: the state file, so that the
    /// next run reads only what came after this one. A run that stops before this
    /// leaves the old state (the next run reads the same bytes again).
    pub fn save_state(&mut self) -> anyhow::Result<()> {
        let Some(state) = self.state.take() else {
            return Ok(());
        };
        // Tests simulate a crash between the output and the state here.
        if std::env::var_os("OKXSCAN_TEST_CRASH_BEFORE_STATE").is_some() {
            std::process::exit(70);
        }
        let read: Vec<Option<(u64, u64)>> = self
            .stats
            .iter()
            .zip(&self.failed)
            // A leading hole skipped was read too.
            .map(|(s, &failed)| (!failed).then_some((s.bytes + s.holes, s.lines)))
            .collect();
        state.commit(&read)?;
        Ok(())
    }

    /// True when any problem may have lost data.
    pub fn had_error(&self) -> bool {
        self.problems.iter().any(|p| p.error) || !self.errors.is_empty()
    }

    /// True when there was an error and no source gave anything: a run that read
    /// nothing (`report -o today.html /var/log/gone`) must not replace yesterday's
    /// report with "0 events".
    pub fn all_failed(&self) -> bool {
        self.had_error()
            && self.failed.len() == self.sources.len()
            && self
                .failed
                .iter()
                .zip(&self.stats)
                .all(|(&f, s)| f && s.bytes == 0)
    }

    pub fn totals(&self) -> SourceStats {
        let mut t = SourceStats::default();
        for s in &self.stats {
            t.add(s);
        }
        t
    }

    /// What renderers need to know of the run.
    pub fn render_ctx(&self, cfg: &Config, lines_counted: bool) -> RenderCtx {
        let t = self.totals();
        RenderCtx {
            zone: cfg.zone.clone(),
            redact: cfg.redact,
            names: names(&self.sources),
            bytes: t.bytes,
            lines: t.lines,
            lines_counted: lines_counted || cfg.stats,
            partial: t.partial,
        }
    }
}

/// The display names of sources, by index.
pub fn names(sources: &[Source]) -> Vec<String> {
    sources.iter().map(|s| s.name.clone()).collect()
}

/// The one walk of a run: the sources, with the problems finding them said.
pub fn find_sources(cfg: &Config) -> (Vec<Source>, Vec<Problem>) {
    let (sources, problems) = cfg.sources();
    if cfg.messages {
        say_problems(&problems, cfg.quiet);
    }
    (sources, problems)
}

/// Scans `sources` into `sink` (events that pass the filter only), saying each
/// source's problems on stderr as it ends.
pub fn scan<S: Sink + Send>(
    cfg: &Config,
    sources: Vec<Source>,
    problems: Vec<Problem>,
    sink: &mut S,
) -> anyhow::Result<Run> {
    let started = Instant::now();
    let (sources, state) = match &cfg.state {
        Some(path) => {
            let mut state = State::open(path, cfg.now_ms)?;
            (state.plan(sources), Some(state))
        }
        None => (sources, None),
    };
    let mut settings = cfg.scan.clone();
    settings.read.progress = progress_for(cfg, &sources);
    let mut runner = Runner {
        filter: &cfg.filter,
        inner: sink,
        stats_wanted: cfg.stats,
        quiet: cfg.quiet,
        messages: cfg.messages,
        stats: Vec::with_capacity(sources.len()),
        errors: Vec::new(),
        failed: Vec::with_capacity(sources.len()),
        lines: cfg.state.is_some(),
        window: WindowTally::new(&cfg.filter),
    };
    let done = schedule::run(&sources, &settings, &mut runner);
    settings.read.progress.finish();
    done?;
    let Runner {
        stats,
        errors,
        failed,
        window,
        ..
    } = runner;
    let run = Run {
        sources,
        problems,
        stats,
        errors,
        failed,
        window,
        started,
        state,
    };
    say_window(cfg, &run);
    Ok(run)
}

/// What the time window (`--since`/`--until`) did: the events it left out that
/// every other filter kept, and the newest event those filters kept, in the window
/// or out. A window with nothing in it over logs whose newest event is 13 days old
/// is a bot that stopped, and says so.
#[derive(Clone, Debug, Default)]
pub struct WindowTally {
    /// The filter without its window; `None` when there is no window.
    rest: Option<Filter>,
    /// Events in the window (passed on).
    pub inside: u64,
    /// Events out of it.
    pub outside: u64,
    /// The newest time of an event the other filters kept.
    pub newest: Option<i64>,
}

impl WindowTally {
    fn new(filter: &Filter) -> WindowTally {
        let rest = filter.has_window().then(|| Filter {
            since: None,
            until: None,
            ..filter.clone()
        });
        WindowTally {
            rest,
            ..WindowTally::default()
        }
    }

    /// Whether `ev` passes `filter`, counting it in or out of the window.
    fn matches(&mut self, filter: &Filter, ev: &Event<'_>) -> bool {
        let Some(rest) = &self.rest else {
            return filter.matches(ev);
        };
        if !rest.matches(ev) {
            return false;
        }
        // An event without a time is neither in nor out: the filter drops it.
        let Some(t) = ev.time else { return false };
        self.newest = self.newest.max(Some(t));
        if filter.since.is_some_and(|s| t < s) || filter.until.is_some_and(|u| t >= u) {
            self.outside += 1;
            false
        } else {
            self.inside += 1;
            true
        }
    }
}

/// Says on stderr when the time window kept nothing but left events out, and how
/// old the newest event is (a notice: `--quiet` drops it).
fn say_window(cfg: &Config, run: &Run) {
    let w = &run.window;
    if cfg.quiet || w.inside > 0 || w.outside == 0 {
        return;
    }
    let _ = writeln!(
        io::stderr().lock(),
        "okxscan: {}",
        crate::render::report::window_note(w.outside, w.newest, cfg.now_ms, &cfg.zone)
    );
}

/// The sink every command's sink is wrapped in: the filter, problems said as each
/// source ends, and each source's figures kept.
struct Runner<'a, S> {
    filter: &'a Filter,
    inner: &'a mut S,
    stats_wanted: bool,
    quiet: bool,
    messages: bool,
    stats: Vec<SourceStats>,
    errors: Vec<String>,
    failed: Vec<bool>,
    /// Lines are counted whatever the sink needs (`--state` keeps them).
    lines: bool,
    window: WindowTally,
}

impl<S: Sink> Sink for Runner<'_, S> {
    fn needs(&self) -> Needs {
        let mut n = self.inner.needs();
        // `--stats` says how many lines were searched.
        n.lines |= self.stats_wanted || self.lines;
        n
    }

    fn begin(&mut self, index: usize, source: &Source) -> io::Result<Flow> {
        self.inner.begin(index, source)
    }

    fn event(&mut self, ev: Event<'_>, place: &Place<'_>) -> io::Result<Flow> {
        if self.window.matches(self.filter, &ev) {
            self.inner.event(ev, place)
        } else {
            Ok(Flow::Go)
        }
    }

    fn chunk(&mut self, chunk: &[u8], first_line: u64) -> io::Result<Flow> {
        self.inner.chunk(chunk, first_line)
    }

    fn end(&mut self, index: usize, source: &Source, end: SourceEnd) -> io::Result<Flow> {
        if self.messages {
            say_problems(&end.problems, self.quiet);
        }
        self.errors.extend(
            end.problems
                .iter()
                .filter(|p| p.error)
                .map(|p| format!("{}: {}", p.name, p.what)),
        );
        self.stats.push(end.stats.clone());
        self.failed.push(end.had_error());
        self.inner.end(index, source, end)
    }
}

fn progress_for(cfg: &Config, sources: &[Source]) -> Progress {
    use std::io::IsTerminal;
    if cfg.quiet || !(cfg.force_progress || io::stderr().is_terminal()) {
        return Progress::off();
    }
    // Sized only for a bar that may be shown: a `stat` per file.
    let total = sources
        .iter()
        .filter_map(|s| s.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    Progress::new(total, cfg.force_progress)
}

/// One line per problem on stderr; notices are dropped with `--quiet`.
pub fn say_problems(problems: &[Problem], quiet: bool) {
    let mut err = io::stderr().lock();
    for p in problems {
        if p.error || !quiet {
            let _ = writeln!(
                err,
                "okxscan: {}: {}",
                crate::render::escape::terminal(&p.name),
                p.what
            );
        }
    }
}

/// `--stats` on stderr, as ripgrep prints it.
pub fn say_stats(run: &Run, matched: u64) {
    let t = run.totals();
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "\n{matched} matching events\n{} events found\n{} partial bodies\n{} echoes not counted\n{} lines searched\n{} bytes searched\n{} files searched\n{:.6} seconds",
        t.events,
        t.partial,
        t.echoes,
        t.lines,
        t.bytes,
        run.sources.len(),
        run.started.elapsed().as_secs_f64()
    );
    if let Some(kib) = peak_memory_kib() {
        let _ = writeln!(err, "{kib} KiB peak resident memory");
    }
    if t.holes > 0 {
        let _ = writeln!(
            err,
            "{} bytes of NUL holes skipped (as logrotate copytruncate leaves them)",
            t.holes
        );
    }
}

/// This process's peak resident memory since it started (Linux: `VmHWM`, which
/// unlike `getrusage` counts nothing from before `exec`).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
