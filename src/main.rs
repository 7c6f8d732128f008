//! The `okxscan` binary: parse the command line, run, map the outcome to an exit
//! status. A closed pipe (`okxscan grep ... | head`) is a normal end.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = okxscan::cli::Cli::parse();
    match okxscan::run(cli) {
        Ok(status) => status.into(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            okxscan::diag!(
                "okxscan: {}",
                okxscan::render::escape::message(&format!("{e:#}"))
            );
            ExitCode::from(okxscan::exit::Status::Error.code())
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|ce| matches!(ce.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}
