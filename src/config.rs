//! The validated configuration: command-line options turned, once, into what the
//! scan needs (zone, clock, filters, threads, chunk sizes), with every bad option
//! reported before any file is read.

use crate::cli::{FilterArgs, ScanArgs};
use crate::filter::{CodePattern, Filter};
use crate::input::{self, Problem, Source, WalkOptions};
use crate::scan::drive::ScanConfig;
use crate::scan::ScanOptions;
use crate::time::{parse_user_time, Zone};
use anyhow::{bail, Context, Result};
use std::io::IsTerminal;

/// Everything a log-reading command needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Vec<String>,
    pub walk: WalkOptions,
    pub zone: Zone,
    /// "Now" for relative times, in epoch milliseconds.
    pub now_ms: i64,
    pub filter: Filter,
    pub scan: ScanConfig,
    pub quiet: bool,
    pub force_progress: bool,
    pub stats: bool,
    pub redact: bool,
}

impl Config {
    pub fn new(scan: &ScanArgs, filter: &FilterArgs) -> Result<Config> {
        let zone = match &scan.tz {
            Some(z) => Zone::parse(z)?,
            None => Zone::from_env(),
        };
        let now_ms = match &scan.now {
            Some(n) => parse_user_time(n, &zone, 0).with_context(|| format!("bad --now '{n}'"))?,
            None => chrono::Utc::now().timestamp_millis(),
        };
        let when = |s: &Option<String>, what: &str| -> Result<Option<i64>> {
            s.as_ref()
                .map(|t| {
                    parse_user_time(t, &zone, now_ms).with_context(|| {
                        format!("bad {what} '{t}': use RFC 3339, YYYY-MM-DD, 'YYYY-MM-DD HH:MM', 30m, 3h, 2d, today or yesterday")
                    })
                })
                .transpose()
        };
        let message = filter
            .message
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .context("bad --message regex")?;
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
                bail!("--since must be before --until");
            }
        }
        if let Some(n) = scan.threads {
            if n == 0 {
                bail!("-j/--threads must be at least 1");
            }
            // Fails only if a pool was built already (tests calling twice): harmless.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global();
        }
        let walk =
            WalkOptions::with_glob(scan.glob.as_deref(), scan.follow).context("bad --glob")?;
        let mut sc = ScanConfig::new(ScanOptions {
            zone: zone.clone(),
            count_lines: false,
            keep_text: false,
            clues: false,
        });
        if let Some(c) = scan.chunk_size {
            sc.chunk_size = c.max(1);
            sc.map_chunk_size = sc.chunk_size;
        }
        sc.max_record = scan.max_record.max(1) << 20;
        sc.binary = scan.binary;
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
            now_ms,
            filter,
            scan: sc,
            quiet: scan.quiet,
            force_progress: scan.progress,
            stats: scan.stats,
            redact: !scan.no_redact,
        })
    }

    /// The sources to scan, and problems met finding them.
    pub fn sources(&self) -> (Vec<Source>, Vec<Problem>) {
        input::expand(&self.paths, &self.walk)
    }
}
