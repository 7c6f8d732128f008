//! okxscan: find, count and explain OKX / OKEx API errors in trading-bot logs.
//!
//! The pipeline, one folder per stage: [`input`] (sources, decompression, chunks) →
//! [`scan`] (prefilter, line bounds, merge in order) → [`extract`] (error bodies,
//! counting rules) → [`aggregate`] → [`render`], with [`kb`] (the code knowledge
//! base) beside them and [`cmd`] wiring them for each subcommand.

pub mod aggregate;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod event;
pub mod exit;
pub mod extract;
pub mod filter;
pub mod input;
pub mod kb;
pub mod redact;
pub mod render;
pub mod scan;
pub mod time;

use anyhow::Result;
use cli::{Cli, Command};
use exit::Status;

/// Runs the command line and returns the exit status.
pub fn run(cli: Cli) -> Result<Status> {
    match cli.command {
        None => cmd::summary::run(&cli.summary),
        Some(Command::Summary(a)) => cmd::summary::run(&a),
        Some(Command::Grep(a)) => cmd::grep::run(&a),
        Some(Command::Report(a)) => cmd::report::run(&a),
        Some(Command::Explain(a)) => cmd::explain::run(&a),
        Some(Command::Codes(a)) => cmd::codes::run(&a),
        Some(Command::Merge(a)) => cmd::merge::run(&a),
    }
}
