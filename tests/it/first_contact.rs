//! What a newcomer meets first (issue 22): shell completions and a man page from
//! `--generate`, a mistyped subcommand refused with a suggestion instead of a summary
//! of whatever else was named, `--code` values that are neither codes nor prefix
//! patterns refused and unknown codes warned about, and a `rust-version` in
//! `Cargo.toml` (and the README) that the locked dependencies agree with.

use crate::common::*;
use crate::support::*;
use std::path::Path;
use std::process::Command;

const NIGHT: &str = "2026-11-22 21:00:01,000 - bot - ERROR - okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n\
                     2026-11-22 21:00:02,000 - bot - ERROR - okx {\"code\":\"51008\",\"msg\":\"Order failed\"}\n";

#[test]
fn generate_prints_the_man_page_and_each_completion_script() {
    for (kind, starts, holds) in [
        ("man", "", "\n.TH okxscan 1 "),
        ("complete-bash", "_okxscan()", "complete -F _okxscan"),
        ("complete-zsh", "#compdef okxscan", "_okxscan"),
        ("complete-fish", "", "complete -c okxscan"),
        ("complete-powershell", "", "Register-ArgumentCompleter"),
    ] {
        let o = okxscan().args(["--generate", kind]).output().unwrap();
        assert_status(&o, 0);
        let s = stdout(&o);
        assert!(s.trim_start().starts_with(starts), "{kind}: {}", &s[..80]);
        assert!(s.contains(holds), "{kind} lacks {holds}");
        // Every subcommand and the options of more than one are there.
        for word in [
            "summary",
            "grep",
            "report",
            "explain",
            "codes",
            "fail-on",
            "files-with-matches",
        ] {
            let word = if kind == "man" {
                word.replace('-', "\\-")
            } else {
                word.into()
            };
            assert!(s.contains(&word), "{kind} lacks {word}");
        }
        assert!(o.stderr.is_empty(), "{kind}: {}", stderr(&o));
    }
    // Alone or not at all; an unknown kind is a usage error.
    let o = okxscan()
        .args(["--generate", "man", "logs/"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    let o = okxscan()
        .args(["--generate", "complete-tcsh"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("complete-bash"), "{}", stderr(&o));
}

#[test]
fn a_mistyped_subcommand_is_refused_and_named() {
    let l = Logs::new(&[("logs/bot.log", NIGHT)]);
    for (typo, name) in [
        ("grpe", "grep"),
        ("sumary", "summary"),
        ("reprot", "report"),
        ("code", "codes"),
    ] {
        let o = okxscan()
            .current_dir(l.dir())
            .args([typo, "--code", "50102", "logs/"])
            .output()
            .unwrap();
        assert_status(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(&format!("'{typo}'")), "{err}");
        assert!(err.contains(&format!("okxscan {name}")), "{err}");
        // Nothing was scanned: no summary of logs/.
        assert!(o.stdout.is_empty(), "{}", stdout(&o));
    }
    // The right name works, and so does a file whose name looks like a subcommand.
    let o = okxscan()
        .current_dir(l.dir())
        .args(["grep", "--code", "50102", "logs/"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let l = Logs::new(&[("grpe", NIGHT)]);
    let o = okxscan()
        .current_dir(l.dir())
        .args(["grpe", "--format", "csv"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(csv_rows(&o.stdout).len(), 2);
    // A missing path unlike any subcommand is the usual missing file: named, exit 2.
    let o = okxscan()
        .current_dir(l.dir())
        .args(["night.log", "grpe"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("night.log"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("subcommand"), "{}", stderr(&o));
}

#[test]
fn code_filters_that_are_not_codes_are_refused_and_unknown_codes_warned_about() {
    let l = Logs::new(&[("bot.log", NIGHT)]);
    for sub in ["summary", "grep", "report"] {
        for bad in ["abc", "50102,x", "5o102", "51*0"] {
            let o = okxscan()
                .args([sub, "--code", bad])
                .arg(l.dir())
                .output()
                .unwrap();
            assert_status(&o, 2);
            let err = stderr(&o);
            assert!(
                err.contains("bad --code") && err.contains("51*"),
                "{sub} {bad}: {err}"
            );
            assert!(o.stdout.is_empty(), "{sub} {bad}");
        }
    }
    // A code cut short: matches nothing, said so on stderr, the status is the usual one.
    let o = okxscan()
        .args(["grep", "--code", "5010"])
        .arg(l.dir())
        .output()
        .unwrap();
    assert_status(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("warning") && err.contains("5010*"), "{err}");
    // Known codes, sub-codes and prefix patterns: no word.
    for (good, status) in [
        ("50102", 0),
        ("51*", 0),
        ("51008_1000", 1),
        ("50102,51008", 0),
    ] {
        let o = okxscan()
            .args(["grep", "--code", good])
            .arg(l.dir())
            .output()
            .unwrap();
        assert_status(&o, status);
        assert!(o.stderr.is_empty(), "{good}: {}", stderr(&o));
    }
}

/// `(major, minor, patch)` of a `rust-version` value.
fn version(v: &str) -> (u32, u32, u32) {
    let mut n = v.split('.').map(|x| x.parse::<u32>().unwrap());
    (
        n.next().unwrap(),
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
    )
}

/// `rust-version` must be true: no locked dependency (for this platform, normal,
/// build or dev) may need a newer Rust than `Cargo.toml` declares, and the README
/// says the same version. Asks `cargo metadata`, which reads each package's own
/// `rust-version` from the sources the build downloaded.
#[test]
fn rust_version_covers_every_locked_dependency() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let vv = Command::new(&rustc).arg("-vV").output().expect("rustc -vV");
    let vv = String::from_utf8(vv.stdout).unwrap();
    let host = vv
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("host in rustc -vV");
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let o = Command::new(cargo)
        .args([
            "metadata",
            "--locked",
            "--format-version",
            "1",
            "--filter-platform",
            host,
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(
        o.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages.iter().find(|p| p["name"] == "okxscan").unwrap();
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");
    let needs: Vec<(String, (u32, u32, u32))> = packages
        .iter()
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            Some((
                format!(
                    "{} {} needs {v}",
                    p["name"].as_str()?,
                    p["version"].as_str()?
                ),
                version(v),
            ))
        })
        .collect();
    assert!(
        needs.len() > 20,
        "{} packages declare a rust-version",
        needs.len()
    );
    let above: Vec<&String> = needs
        .iter()
        .filter(|(_, v)| *v > version(declared))
        .map(|(what, _)| what)
        .collect();
    assert!(
        above.is_empty(),
        "Cargo.toml says rust-version = {declared}, but {above:?}"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("Rust toolchain ({declared} or newer)")),
        "the README should say the toolchain needed is {declared} or newer"
    );
}
