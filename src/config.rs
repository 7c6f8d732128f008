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
    /// The display zone (`--tz`): times and buckets shown, and times typed
    /// (`--since`, `--until`, `--now`) without a zone.
    pub zone: Zone,
    /// The log zone (`--log-tz`): the logs' stamps written without a zone.
    pub log_zone: Zone,
    /// "Now" for relative times, in epoch milliseconds.
    pub now_ms: i64,
    pub filter: Filter,
    /// How the scan reads and cuts its inputs.
    pub scan: Settings,
    pub quiet: bool,
    /// Say problems with inputs on stderr (`grep -s` turns this off; the exit
    /// status still tells).
    pub messages: bool,
    pub force_progress: bool,
    pub stats: bool,
    pub redact: bool,
    /// `--state`: read only what is new since the run that left this file.
    pub state: Option<std::path::PathBuf>,
}

impl Config {
    pub fn new(scan: &ScanArgs, filter: &FilterArgs) -> Result<Config, ConfigError> {
        // Two zones, each from its own option: one `--tz` for both read UTC logs
        // in Shanghai and split each storm in two bursts eight hours apart.
        let zone_of = |opt: &Option<String>| match opt {
            Some(z) => Zone::parse(z),
            None => Ok(Zone::from_env()),
        };
        let zone = zone_of(&scan.tz)?;
        let log_zone = zone_of(&scan.log_tz)?;
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
                crate::diag!("okxscan: -j {n} is more threads than can help here; using {cap}");
            }
            // Fails only if a pool was built already (tests calling twice): harmless.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n.min(cap))
                .build_global();
        }
        let walk = WalkOptions::with_globs(&scan.glob, scan.follow)?;
        let mut settings = Settings::new(log_zone.clone());
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
            crate::diag!("okxscan: warning: --no-redact: secrets in log lines will be printed");
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
            log_zone,
            now_ms,
            filter,
            scan: settings,
            quiet: scan.quiet,
            messages: true,
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
        color_for(
            choice,
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    }
}

/// [`Config::color`] from what it looks at: a set, non-empty `NO_COLOR`
/// (no-color.org) or `TERM=dumb` turns automatic colour off; `--color always`
/// still wins.
fn color_for(
    choice: ColorChoice,
    tty: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            tty && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_honours_no_color_and_dumb_terminals() {
        let auto = |tty, nc: Option<&str>, term: Option<&str>| {
            color_for(
                ColorChoice::Auto,
                tty,
                nc.map(OsStr::new),
                term.map(OsStr::new),
            )
        };
        assert!(auto(true, None, Some("xterm-256color")));
        assert!(auto(true, None, None));
        assert!(!auto(false, None, Some("xterm")), "not a terminal");
        assert!(!auto(true, Some("1"), Some("xterm")), "NO_COLOR=1");
        assert!(
            auto(true, Some(""), Some("xterm")),
            "an empty NO_COLOR is unset"
        );
        assert!(!auto(true, None, Some("dumb")), "TERM=dumb");
        let always = color_for(ColorChoice::Always, false, Some(OsStr::new("1")), None);
        assert!(always, "--color always wins");
        let never = color_for(ColorChoice::Never, true, None, Some(OsStr::new("xterm")));
        assert!(!never);
    }
}
