//! The validated configuration: command-line options turned, once, into every
//! decision a run needs (zone, clock, filters, threads, chunk sizes, colour,
//! progress), with every bad option reported before any file is read. Commands
//! build their sink and renderer from it; nothing downstream reads clap's types.

use crate::cli::{FilterArgs, ScanArgs};
use crate::filter::{CodePattern, Filter};
use crate::input::{self, Problem, Source, WalkOptions};
use crate::render::ColorChoice;
use crate::scan::schedule::Settings;
use crate::time::{parse_user_time, BadZone, Zone};
use std::io::IsTerminal;

/// Why the command line cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Zone(#[from] BadZone),
    #[error("bad {what} '{value}': use RFC 3339, YYYY-MM-DD, 'YYYY-MM-DD HH:MM', 30m, 3h, 2d, today or yesterday")]
    Time { what: &'static str, value: String },
    #[error("bad --message regex: {0}")]
    Regex(#[from] regex::Error),
    #[error("bad --glob: {0}")]
    Glob(#[from] globset::Error),
    #[error("--since must be before --until")]
    EmptyWindow,
    #[error("-j/--threads must be at least 1")]
    NoThreads,
    #[error("--max-record {0} MiB is more than this machine can address")]
    MaxRecord(usize),
}

/// The most worker threads a run starts: beyond a few per core they only add
/// switching (and `-j 100000` would start a hundred thousand threads).
fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 4).max(8)
}

/// Everything a log-reading command needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Vec<String>,
    pub walk: WalkOptions,
    pub zone: Zone,
    /// "Now" for relative times, in epoch milliseconds.
    pub now_ms: i64,
    pub filter: Filter,
    /// How the scan reads and cuts its inputs.
    pub scan: Settings,
    pub quiet: bool,
    pub force_progress: bool,
    pub stats: bool,
    pub redact: bool,
    /// `--state`: read only what is new since the run that left this file.
    pub state: Option<std::path::PathBuf>,
}

impl Config {
    pub fn new(scan: &ScanArgs, filter: &FilterArgs) -> Result<Config, ConfigError> {
        let zone = match &scan.tz {
            Some(z) => Zone::parse(z)?,
            None => Zone::from_env(),
        };
        let now_ms = match &scan.now {
            Some(n) => parse_user_time(n, &zone, 0).ok_or_else(|| ConfigError::Time {
                what: "--now",
                value: n.clone(),
            })?,
            None => chrono::Utc::now().timestamp_millis(),
        };
        let when = |s: &Option<String>, what: &'static str| -> Result<Option<i64>, ConfigError> {
            s.as_ref()
                .map(|t| {
                    parse_user_time(t, &zone, now_ms).ok_or_else(|| ConfigError::Time {
                        what,
                        value: t.clone(),
                    })
                })
                .transpose()
        };
        let message = filter
            .message
            .as_deref()
            .map(regex::Regex::new)
            .transpose()?;
        let filter = Filter {
            codes: filter
                .code
                .iter()
                .map(|c| CodePattern::parse(c.trim()))
                .collect(),
            categories: filter.category.clone(),
            apis: filter.api.clone(),
            message,
            since: when(&filter.since, "--since")?,
            until: when(&filter.until, "--until")?,
        };
        if let (Some(s), Some(u)) = (filter.since, filter.until) {
            if s >= u {
                return Err(ConfigError::EmptyWindow);
            }
        }
        if let Some(n) = scan.threads {
            if n == 0 {
                return Err(ConfigError::NoThreads);
            }
            let cap = max_threads();
            if n > cap && !scan.quiet {
                eprintln!("okxscan: -j {n} is more threads than can help here; using {cap}");
            }
            // Fails only if a pool was built already (tests calling twice): harmless.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n.min(cap))
                .build_global();
        }
        let walk = WalkOptions::with_glob(scan.glob.as_deref(), scan.follow)?;
        let mut settings = Settings::new(zone.clone());
        if let Some(c) = scan.chunk_size {
            settings.read.chunk_size = c.max(1);
            settings.read.map_chunk_size = settings.read.chunk_size;
        }
        settings.read.max_record = scan
            .max_record
            .max(1)
            .checked_mul(1 << 20)
            .filter(|&b| b <= isize::MAX as usize)
            .ok_or(ConfigError::MaxRecord(scan.max_record))?;
        settings.binary = scan.binary;
        if scan.no_redact {
            // Said even with --quiet: the output is no longer safe to share.
            eprintln!("okxscan: warning: --no-redact: secrets in log lines will be printed");
        }
        let paths = if scan.paths.is_empty() {
            if std::io::stdin().is_terminal() {
                vec![".".to_string()]
            } else {
                vec!["-".to_string()]
            }
        } else {
            scan.paths.clone()
        };
        Ok(Config {
            paths,
            walk,
            zone,
            now_ms,
            filter,
            scan: settings,
            quiet: scan.quiet,
            force_progress: scan.progress,
            stats: scan.stats,
            redact: !scan.no_redact,
            state: scan.state.clone(),
        })
    }

    /// The sources to scan, and problems met finding them: the one walk of a run.
    pub fn sources(&self) -> (Vec<Source>, Vec<Problem>) {
        input::expand(&self.paths, &self.walk)
    }

    /// Whether stdout gets colour: `--color always|never`, or on a terminal unless
    /// `NO_COLOR` is set or `TERM` is `dumb`.
    pub fn color(choice: ColorChoice) -> bool {
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}
