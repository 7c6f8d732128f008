//! The `okxscan` binary: parse the command line, run, map the outcome to an exit
//! status. A closed pipe (`okxscan grep ... | head`) is a normal end.
//!
//! Two things are settled here, before any log is read: `--generate` (man page and
//! completions, [`okxscan::generate`]) and a mistyped subcommand. With no subcommand
//! every argument is a path to summarize, so `okxscan grpe --code 50102 logs/` would
//! summarize `logs/` and report `grpe` missing; an argument that is not an existing
//! path but is close to a subcommand's name is refused instead, with the name.

use clap::{CommandFactory, Parser};
use okxscan::cli::Cli;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(kind) = cli.generate {
        let mut out = std::io::stdout().lock();
        return match okxscan::generate::write(kind, &mut out).and_then(|()| out.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("okxscan: {e}");
                ExitCode::from(okxscan::exit::Status::Error.code())
            }
        };
    }
    if cli.command.is_none() {
        if let Some((arg, name)) = mistyped_subcommand(&cli.summary.scan.paths) {
            Cli::command()
                .error(
                    clap::error::ErrorKind::InvalidSubcommand,
                    format!(
                        "'{arg}' is neither a file or directory nor a subcommand\n\n  \
                         tip: a similar subcommand exists: 'okxscan {name}'"
                    ),
                )
                .exit();
        }
    }
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

/// The first path argument that does not exist but is close to a subcommand's name,
/// with that name.
fn mistyped_subcommand(paths: &[String]) -> Option<(String, String)> {
    let cmd = Cli::command();
    let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
    paths
        .iter()
        .filter(|p| p.as_str() != "-" && !Path::new(p).exists())
        .find_map(|p| {
            names
                .iter()
                .find(|n| close_to(p, n))
                .map(|n| (p.clone(), n.to_string()))
        })
}

/// True when `arg` is `name` mistyped: one edit away (a letter wrong, missing, extra,
/// or two neighbours swapped: `grpe`, `sumary`, `reprot`), two for the longer names,
/// or the name cut short to three letters or more (`rep`, `expl`).
fn close_to(arg: &str, name: &str) -> bool {
    let arg = arg.to_ascii_lowercase();
    let allowed = if name.len() >= 6 { 2 } else { 1 };
    (arg.len() >= 3 && name.starts_with(&arg)) || edits(&arg, name) <= allowed
}

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// swaps of neighbours, each one edit.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|ce| matches!(ce.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistyped_names_are_close_and_other_words_are_not() {
        for (arg, name) in [
            ("grpe", "grep"),
            ("gerp", "grep"),
            ("Grep", "grep"),
            ("sumary", "summary"),
            ("summray", "summary"),
            ("reprot", "report"),
            ("rep", "report"),
            ("explian", "explain"),
            ("code", "codes"),
        ] {
            assert!(close_to(arg, name), "{arg} {name}");
        }
        for (arg, name) in [
            ("logs", "codes"),
            ("logs/", "grep"),
            ("bot.log", "report"),
            ("gr", "grep"),
            ("night", "grep"),
            ("repo", "grep"),
        ] {
            assert!(!close_to(arg, name), "{arg} {name}");
        }
        assert_eq!(edits("grpe", "grep"), 1);
        assert_eq!(edits("", "grep"), 4);
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
