//! `okxscan --generate KIND`: the man page and the shell completion scripts, made
//! from the same clap definition as `--help` (`crate::cli`), so they cannot drift
//! from the options. Shaped as ripgrep's `--generate`: printed on stdout, installed
//! by the user (README, Install).
//!
//! The man page is one page, `okxscan.1`: clap_mangen renders the top-level command
//! (whose options are `summary`'s, the default subcommand) and the list of
//! subcommands; each subcommand's options follow in a section of their own, titled
//! `OKXSCAN GREP OPTIONS` and so on.

use crate::cli::{Cli, Generate};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::{self, Write};

/// Writes what `kind` names to `out`.
pub fn write(kind: Generate, out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command();
    let shell = match kind {
        Generate::Man => return man(cmd, out),
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompletePowershell => Shell::PowerShell,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "okxscan", &mut buf);
    out.write_all(&buf)
}

fn man(cmd: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    let mut subs = String::new();
    for sub in cmd.get_subcommands() {
        // Built first, so that its `--help` gets the heading too.
        let mut sub = sub.clone();
        sub.build();
        // clap keeps headings as `&'static str`; five small strings, once per run.
        let heading: &'static str = format!("okxscan {} options", sub.get_name())
            .to_uppercase()
            .leak();
        let mut section = Vec::new();
        clap_mangen::Man::new(sub.mut_args(|a| a.help_heading(heading)))
            .render_options_section(&mut section)?;
        // Each render opens with the page's quote-character preamble: once is enough.
        for line in String::from_utf8_lossy(&section).lines() {
            if !line.starts_with(".ie ") && !line.starts_with(".el ") {
                subs.push_str(line);
                subs.push('\n');
            }
        }
    }
    // The subcommands' options right after the list of subcommands, before VERSION.
    let at = page.find(".SH VERSION").unwrap_or(page.len());
    out.write_all(page[..at].as_bytes())?;
    out.write_all(subs.as_bytes())?;
    out.write_all(page[at..].as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(kind: Generate) -> String {
        let mut v = Vec::new();
        write(kind, &mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn the_man_page_holds_every_subcommand_and_its_options() {
        let man = text(Generate::Man);
        assert!(man.contains("\n.TH okxscan 1"), "{}", &man[..80]);
        assert_eq!(man.matches(".ie ").count(), 1);
        assert_eq!(man.matches(".SH OPTIONS").count(), 1);
        let version = man.find(".SH VERSION").unwrap();
        for (section, option) in [
            ("OKXSCAN GREP OPTIONS", "files\\-with\\-matches"),
            ("OKXSCAN REPORT OPTIONS", "fail\\-on"),
            ("OKXSCAN SUMMARY OPTIONS", "\\-\\-by"),
            ("OKXSCAN CODES OPTIONS", "\\-\\-api"),
            ("OKXSCAN EXPLAIN OPTIONS", "CODE"),
        ] {
            let at = man
                .find(&format!(".SH \"{section}\""))
                .unwrap_or_else(|| panic!("no {section} in\n{man}"));
            assert!(at < version);
            let rest = &man[at + 3..];
            let end = rest.find(".SH").unwrap_or(rest.len());
            assert!(rest[..end].contains(option), "{section} lacks {option}");
        }
    }

    #[test]
    fn each_completion_script_knows_the_subcommands_and_a_flag() {
        for kind in [
            Generate::CompleteBash,
            Generate::CompleteZsh,
            Generate::CompleteFish,
            Generate::CompletePowershell,
        ] {
            let s = text(kind);
            for word in ["grep", "explain", "fail-on", "generate"] {
                assert!(s.contains(word), "{kind:?} lacks {word}");
            }
        }
    }
}
