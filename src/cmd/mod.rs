//! Subcommands, one module each, each with a `run` entry point, plus the pieces they
//! share: scanning every source in parallel into per-source state merged in input
//! order, saying problems on stderr, `--stats`, and where output goes.

pub mod codes;
pub mod explain;
pub mod grep;
pub mod report;
pub mod summary;

use crate::config::Config;
use crate::event::Event;
use crate::input::progress::Progress;
use crate::input::{Problem, Source};
use crate::scan::drive::{scan_source, SourceReport, SourceStats};
use rayon::prelude::*;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// The outcome of scanning every source.
pub struct Scanned<S> {
    pub sources: Vec<Source>,
    /// Per-source state and report, in input order.
    pub results: Vec<(S, SourceReport)>,
    pub problems: Vec<Problem>,
    pub started: Instant,
}

impl<S> Scanned<S> {
    /// True when any problem may have lost data.
    pub fn had_error(&self) -> bool {
        self.problems.iter().any(|p| p.error)
            || self
                .results
                .iter()
                .any(|(_, r)| r.problems.iter().any(|p| p.error))
    }

    pub fn totals(&self) -> SourceStats {
        let mut t = SourceStats::default();
        for (_, r) in &self.results {
            t.add(&r.stats);
        }
        t
    }
}

/// Scans all sources of `cfg` in parallel; `make` builds a source's state and `feed`
/// gives it each event that passes the filter.
pub fn scan_all<S: Send>(
    cfg: &Config,
    make: impl Fn(usize) -> S + Sync,
    feed: impl Fn(&mut S, Event<'_>) + Sync,
) -> Scanned<S> {
    let started = Instant::now();
    let (sources, problems) = cfg.sources();
    say_problems(&problems, cfg.quiet);
    let mut scan = cfg.scan.clone();
    scan.progress = progress_for(cfg, &sources);
    // Run on a worker of the pool, not on this thread: a source scanned here (one
    // file is never split off) would merge on a third thread, woken for every
    // chunk, while the pool's threads scan; on a worker, the merging thread scans
    // chunks of its own between merges.
    let results: Vec<(S, SourceReport)> = rayon::scope(|_| {
        sources
            .par_iter()
            .enumerate()
            .map(|(i, src)| {
                let mut state = make(i);
                let rep = scan_source(i, src, &scan, &mut |ev| {
                    if cfg.filter.matches(&ev) {
                        feed(&mut state, ev);
                    }
                });
                (state, rep)
            })
            .collect()
    });
    scan.progress.finish();
    for (_, r) in &results {
        say_problems(&r.problems, cfg.quiet);
    }
    Scanned {
        sources,
        results,
        problems,
        started,
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
pub fn say_stats<S>(s: &Scanned<S>, matched: u64) {
    let t = s.totals();
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "\n{matched} matching events\n{} events found\n{} partial bodies\n{} echoes not counted\n{} lines searched\n{} bytes searched\n{} files searched\n{:.6} seconds",
        t.events,
        t.partial,
        t.echoes,
        t.lines,
        t.bytes,
        s.sources.len(),
        s.started.elapsed().as_secs_f64()
    );
    if t.holes > 0 {
        let _ = writeln!(
            err,
            "{} bytes of NUL holes skipped (as logrotate copytruncate leaves them)",
            t.holes
        );
    }
}

/// Where a command writes: stdout, or a file replaced atomically (a temporary file
/// in the same folder, renamed into place when complete).
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    File {
        tmp: tempfile::NamedTempFile,
        path: std::path::PathBuf,
    },
}

impl Output {
    pub fn new(path: Option<&Path>) -> io::Result<Output> {
        match path {
            None => Ok(Output::Stdout(BufWriter::with_capacity(
                64 * 1024,
                io::stdout(),
            ))),
            Some(p) if p.as_os_str() == "-" => Ok(Output::Stdout(BufWriter::with_capacity(
                64 * 1024,
                io::stdout(),
            ))),
            Some(p) => {
                let dir = p
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                // A replaced file keeps its mode; a new one is readable by all (as a
                // file written in place with the usual umask would be), not 0600.
                let mode = std::fs::metadata(p)
                    .map(|m| m.permissions())
                    .unwrap_or_else(|_| default_permissions());
                let tmp = tempfile::Builder::new()
                    .prefix(".okxscan-")
                    .permissions(mode)
                    .tempfile_in(dir)?;
                Ok(Output::File {
                    tmp,
                    path: p.to_path_buf(),
                })
            }
        }
    }

    /// Flushes, and for a file renames it into place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::File { mut tmp, path } => {
                tmp.flush()?;
                tmp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { tmp, .. } => tmp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { tmp, .. } => tmp.flush(),
        }
    }
}

#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    std::fs::metadata(".")
        .map(|m| m.permissions())
        .expect("current directory")
}
