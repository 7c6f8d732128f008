//! Never repeat a secret, never trust log text. A night generated with `--secrets`
//! holds a fixed fake API key, secret, passphrase and signature in header dumps,
//! configs and WebSocket logins next to its errors: no output format may repeat nine
//! characters in a row of any of them, and the events on those lines still count.
//! Log text carrying terminal escapes, markdown, HTML or spreadsheet formulas comes
//! out inert in every format.

use crate::common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const KEY: &str = "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917";
const SECRET: &str = "C0FFEE5EC12E7ABCDEF0123456789AB";
const PASS: &str = "Tr0ub4dor&3horse";
const SIGN: &str = "q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=";
const SECRETS: [&str; 4] = [KEY, SECRET, PASS, SIGN];

const WARNING: &str = "okxscan: warning: --no-redact: secrets in log lines will be printed";

/// The first nine-character window of a secret found in `out`.
fn leak(out: &str) -> Option<String> {
    SECRETS.iter().find_map(|s| {
        let c: Vec<char> = s.chars().collect();
        c.windows(9)
            .map(|w| w.iter().collect::<String>())
            .find(|w| out.contains(w.as_str()))
    })
}

fn assert_no_leak(label: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    if let Some(w) = leak(&text) {
        let line = text.lines().find(|l| l.contains(&w)).unwrap_or("");
        panic!("{label}: `{w}` leaked in:\n{line}");
    }
}

/// Truth rows per code.
fn per_code(truth: &[Truth]) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for t in truth {
        *m.entry(t.code.clone()).or_default() += 1;
    }
    m
}

/// Distinct (file, line) of the truth: what text output prints, once per line.
fn event_lines(truth: &[Truth]) -> usize {
    let mut v: Vec<_> = truth.iter().map(|t| (&t.file, t.line)).collect();
    v.dedup();
    v.len()
}

/// Truth rows whose line holds one of the secrets.
fn rows_on_secret_lines(dir: &Path, truth: &[Truth]) -> usize {
    truth
        .iter()
        .filter(|t| {
            let text = std::fs::read_to_string(dir.join(&t.file)).unwrap();
            let line = text.lines().nth(t.line as usize - 1).unwrap();
            SECRETS.iter().any(|s| line.contains(s))
        })
        .count()
}

/// `report` is being written: until it lands, its cases are skipped, loudly.
fn report_missing(out: &std::process::Output) -> bool {
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("not implemented") {
        eprintln!(
            "SKIPPED: `okxscan report` is not implemented yet; enable these cases when it lands"
        );
        return true;
    }
    false
}

/// Lines of `grep -H -n` output that are matches (`path:N:`), not context (`path-N-`).
fn match_lines(out: &str, dir: &Path) -> usize {
    let root = dir.display().to_string();
    out.lines()
        .filter(|l| {
            let Some(rest) = l.strip_prefix(&root) else {
                return false;
            };
            let Some(p) = rest.find(':') else {
                return false;
            };
            let after = &rest[p + 1..];
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && after[digits..].starts_with(':') && !rest[..p].contains('-')
        })
        .count()
}

#[test]
fn no_output_repeats_a_secret_and_the_events_beside_them_still_count() {
    let n = night(2.0, 21, &["--secrets"]);
    let dir = n.dir();
    assert!(
        rows_on_secret_lines(&dir, &n.truth) > 0,
        "the night must put events on lines with secrets"
    );
    let run = |args: &[&str]| {
        let out = okxscan()
            .args(args)
            .args(["--tz", "UTC"])
            .arg(&dir)
            .output()
            .unwrap();
        (out.status.code(), out)
    };
    let lines = event_lines(&n.truth);

    // grep as text: plain, -o, context, colour.
    for args in [
        &["grep", "-H", "-n"][..],
        &["grep", "-H", "-n", "-o"],
        &["grep", "-H", "-n", "-C", "3"],
        &["grep", "-H", "-n", "--color", "always"],
    ] {
        let (code, out) = run(args);
        assert_eq!(code, Some(0), "{args:?}");
        assert_no_leak(&format!("{args:?}"), &out.stdout);
        let text = String::from_utf8_lossy(&out.stdout);
        if args.contains(&"--color") {
            assert_eq!(text.lines().count(), lines, "{args:?}");
        } else {
            assert_eq!(match_lines(&text, &dir), lines, "{args:?}");
        }
    }

    // grep as events.
    let (code, out) = run(&["grep", "--format", "ndjson"]);
    assert_eq!(code, Some(0));
    assert_no_leak("grep ndjson", &out.stdout);
    let got: Vec<_> = events_as_truth(&out.stdout)
        .into_iter()
        .map(|t| (t.file, t.line, t.code, t.time))
        .collect();
    let mut want: Vec<_> = n
        .truth
        .iter()
        .map(|t| (t.file.clone(), t.line, t.code.clone(), t.time.clone()))
        .collect();
    want.sort();
    assert_eq!(got, want, "grep ndjson against the truth");

    let (code, out) = run(&["grep", "--format", "csv"]);
    assert_eq!(code, Some(0));
    assert_no_leak("grep csv", &out.stdout);
    let mut by_code = BTreeMap::new();
    for r in csv_rows(&out.stdout) {
        *by_code.entry(r["code"].clone()).or_insert(0u64) += 1;
    }
    assert_eq!(by_code, per_code(&n.truth), "grep csv");

    // summary, three formats.
    let (code, out) = run(&["summary", "--format", "md"]);
    assert_eq!(code, Some(0));
    assert_no_leak("summary md", &out.stdout);
    let md = String::from_utf8_lossy(&out.stdout);
    let total: String = md
        .lines()
        .find_map(|l| l.strip_prefix("- Events: "))
        .expect("an Events line")
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "");
    assert_eq!(total.parse::<usize>().unwrap(), n.truth.len(), "summary md");

    let (code, out) = run(&["summary", "--format", "csv"]);
    assert_eq!(code, Some(0));
    assert_no_leak("summary csv", &out.stdout);
    let got: BTreeMap<String, u64> = csv_rows(&out.stdout)
        .iter()
        .map(|r| (r["code"].clone(), r["count"].parse().unwrap()))
        .collect();
    assert_eq!(got, per_code(&n.truth), "summary csv");

    let (code, out) = run(&["summary", "--format", "json"]);
    assert_eq!(code, Some(0));
    assert_no_leak("summary json", &out.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["total"].as_u64(), Some(n.truth.len() as u64));
    let got: BTreeMap<String, u64> = doc["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, per_code(&n.truth), "summary json");

    // report (pending): the samples it quotes are the likeliest place for a leak.
    for format in ["md", "html"] {
        let (code, out) = run(&["report", "--format", format]);
        if report_missing(&out) {
            continue;
        }
        assert_eq!(
            code,
            Some(0),
            "report {format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_leak(&format!("report {format}"), &out.stdout);
        assert!(!out.stdout.is_empty(), "report {format}");
    }
}

#[test]
fn no_redact_shows_the_secrets_and_says_so() {
    let n = night(1.0, 22, &["--secrets"]);
    let out = okxscan()
        .args(["grep", "-n", "-C", "3", "--no-redact"])
        .arg(n.dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for s in [KEY, PASS, SIGN] {
        assert!(text.contains(s), "{s} not shown with --no-redact");
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.lines().any(|l| l == WARNING), "stderr: {err}");

    // Every log-reading command warns, even when quiet; without the flag, none does.
    for cmd in ["summary", "grep"] {
        let out = okxscan()
            .args([cmd, "--quiet", "--no-redact"])
            .arg(n.dir())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.lines().any(|l| l == WARNING), "{cmd}: {err}");
        let out = okxscan().arg(cmd).arg(n.dir()).output().unwrap();
        assert!(!String::from_utf8_lossy(&out.stderr).contains("--no-redact"));
    }
}

// ------------------------------------------------------------ untrusted text

/// An OSC 8 hyperlink ended by BEL, as terminals accept it.
const OSC8: &str = "\x1b]8;;http://evil.example/\x07click me\x1b]8;;\x07";

/// One error line per hostile message, each with its own code (one row each).
fn hostile_log() -> String {
    let line = |code: &str, msg: &str| {
        format!("2026-11-22 10:00:00,000 - bot - ERROR - okx {{\"code\":\"{code}\",\"msg\":\"{msg}\",\"data\":[]}}\n")
    };
    let mut s = String::new();
    // Raw control bytes in the log.
    s += &line(
        "51000",
        &format!("red \x1b[31mALERT\x1b[0m bell\x07 {OSC8}"),
    );
    // The same, JSON-escaped (decoded by the body parser), the link ended by ESC \.
    s += &line(
        "51001",
        r"clear \u001b[2J\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\ \u009b31m c1",
    );
    s += &line(
        "51002",
        "cell | split `code` <b>bold</b> *em* [x](http://y)",
    );
    s += &line("51003", r#"=HYPERLINK(\"http://evil.example\",\"x\")"#);
    s += &line("51004", "+SUM(1,2)");
    s += &line("51005", "-1+cmd|' /C calc'!A0");
    s += &line("51006", "@SUM(A1:A9)");
    s += &line(
        "51008",
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
    );
    // Exception text, no JSON: raw escapes with an ESC \ terminator.
    s += "1795341600000 ERROR org.knowm.xchange.exceptions.ExchangeException: 50113:Invalid \x1b]8;;http://evil.example/\x1b\\Sign\x1b]8;;\x1b\\ \x1b[5m\n";
    // A context line (no event) with escapes, just before an event.
    s += "2026-11-22 10:00:01,000 - bot - INFO - \x1b[41mcontext\x1b[0m\x07\n";
    s += &line("51010", "after context");
    s
}

/// Colour codes okxscan writes itself with `--color always`.
const OWN_SGR: [&str; 4] = ["\x1b[35m", "\x1b[32m", "\x1b[1;31m", "\x1b[0m"];

/// No control character but newline and tab; C1 included.
fn assert_inert(label: &str, out: &[u8], own_colour: bool) {
    let mut text = String::from_utf8_lossy(out).into_owned();
    if own_colour {
        for s in OWN_SGR {
            text = text.replace(s, "");
        }
    }
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        let line = text.lines().find(|l| l.contains(c)).unwrap_or("");
        panic!("{label}: raw {c:?} in output:\n{line:?}");
    }
}

fn hostile_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bot.log"), hostile_log()).unwrap();
    d
}

#[test]
fn terminal_escapes_in_log_text_never_reach_stdout_raw() {
    let d = hostile_dir();
    let log = d.path().join("bot.log");
    for args in [
        &["grep"][..],
        &["grep", "-o"],
        &["grep", "-n", "-C", "1"],
        &["grep", "--color", "always"],
        &["grep", "--format", "csv"],
        &["summary", "--format", "md"],
        &["summary", "--format", "csv"],
    ] {
        let out = okxscan().args(args).arg(&log).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_inert(&format!("{args:?}"), &out.stdout, args.contains(&"--color"));
    }
    // JSON escapes C0 controls itself; the decoded event keeps the text.
    for args in [
        &["grep", "--format", "ndjson"][..],
        &["summary", "--format", "json"],
    ] {
        let out = okxscan().args(args).arg(&log).output().unwrap();
        assert!(
            !out.stdout.iter().any(|&b| b == 0x1b || b == 0x07),
            "{args:?}"
        );
    }
    let out = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(&log)
        .output()
        .unwrap();
    let ev = ndjson(&out.stdout);
    assert_eq!(ev.len(), 10, "every hostile line still counts");
    for args in [&["grep", "-c"][..], &["grep", "-l"]] {
        let out = okxscan().args(args).arg(&log).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
}

#[cfg(unix)]
#[test]
fn hostile_file_names_are_shown_escaped() {
    let d = tempfile::tempdir().unwrap();
    // No `/` in a file name: a hyperlink to a bare host.
    let name = "evil\x1b]8;;http:evil.example\x1b\\click\x1b]8;;\x1b\\\x07.log";
    std::fs::write(d.path().join(name), hostile_log()).unwrap();
    // A binary file with a hostile name, so that stderr names it too.
    std::fs::write(d.path().join("bin\x1b[2J.log"), b"\x00\x00\n").unwrap();
    for args in [
        &["grep", "-H"][..],
        &["grep", "-H", "-n", "-C", "1"],
        &["grep", "-c", "-H"],
        &["grep", "-l"],
        &["grep", "--format", "csv"],
    ] {
        let out = okxscan().args(args).arg(d.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_inert(&format!("{args:?}"), &out.stdout, false);
        assert_inert(&format!("{args:?} stderr"), &out.stderr, false);
        assert!(String::from_utf8_lossy(&out.stderr).contains("bin\\x1b[2J.log"));
    }
}

/// The cells of a markdown table row, split at pipes not escaped by a backslash.
fn md_cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut esc = false;
    for c in row.chars() {
        match c {
            '|' if !esc => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
        esc = c == '\\' && !esc;
    }
    cells
}

#[test]
fn markdown_tables_escape_pipes_backticks_and_html() {
    let d = hostile_dir();
    let out = okxscan()
        .args(["summary", "--format", "md"])
        .arg(d.path())
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| 5")).collect();
    assert_eq!(rows.len(), 10, "{md}");
    let header = md.lines().find(|l| l.starts_with("| code")).unwrap();
    let columns = md_cells(header).len();
    for r in &rows {
        assert_eq!(md_cells(r).len(), columns, "a pipe split the row: {r}");
        let raw_tick = r
            .char_indices()
            .any(|(i, c)| c == '`' && !r[..i].ends_with('\\'));
        assert!(!raw_tick, "raw backtick: {r}");
        assert!(!r.contains('<') && !r.contains('>'), "raw HTML: {r}");
    }
    let row = rows.iter().find(|r| r.starts_with("| 51002 ")).unwrap();
    assert!(
        row.contains("cell \\| split \\`code\\` &lt;b&gt;bold&lt;/b&gt;"),
        "{row}"
    );
}

#[test]
fn csv_cells_never_start_a_formula() {
    let d = hostile_dir();
    for args in [
        &["grep", "--format", "csv"][..],
        &["summary", "--format", "csv"],
    ] {
        let out = okxscan().args(args).arg(d.path()).output().unwrap();
        let rows = csv_rows(&out.stdout);
        assert_eq!(rows.len(), 10, "{args:?}");
        for r in &rows {
            for (k, v) in r {
                assert!(!v.starts_with(['=', '+', '-', '@']), "{args:?}: {k} = {v}");
            }
        }
        let msg = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap()["message"].clone();
        // Guarded with a quote, the text otherwise kept.
        assert_eq!(msg("51004"), "'+SUM(1,2)", "{args:?}");
        assert_eq!(msg("51006"), "'@SUM(A1:A9)", "{args:?}");
        assert!(msg("51003").starts_with("'=HYPERLINK("), "{args:?}");
        assert!(msg("51005").starts_with("'-1+cmd"), "{args:?}");
    }
}

#[test]
fn html_report_escapes_tags() {
    let d = hostile_dir();
    let out = okxscan()
        .args(["report", "--format", "html"])
        .arg(d.path())
        .output()
        .unwrap();
    if report_missing(&out) {
        return;
    }
    assert_eq!(out.status.code(), Some(0));
    let html = String::from_utf8_lossy(&out.stdout);
    for raw in ["<script>alert", "<img src=x", "<b>bold"] {
        assert!(!html.contains(raw), "raw {raw} in the HTML report");
    }
    assert!(html.contains("&lt;script&gt;") || html.contains("&lt;img"));
    assert_inert("report html", &out.stdout, false);

    let out = okxscan()
        .args(["report", "--format", "md"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_inert("report md", &out.stdout, false);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("<script>alert"));
}
