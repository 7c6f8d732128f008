//! Never repeat a secret, never trust log text. A night generated with `--secrets`
//! holds a fixed fake API key, secret, passphrase and signature in header dumps,
//! configs and WebSocket logins next to its errors: no output format may repeat eight
//! characters in a row of any of them, and the events on those lines still count.
//! Then one test per family of spellings (names, separators, quotes and escapes,
//! `Authorization` and cookies, secrets inside an error's message, shapes with no
//! name, colour), each through the real binary in every output format, and a
//! property test over name × separator × quoting × place × output.
//! Log text carrying terminal escapes, markdown, HTML or spreadsheet formulas comes
//! out inert in every format.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const KEY: &str = "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917";
const SECRET: &str = "C0FFEE5EC12E7ABCDEF0123456789AB";
const PASS: &str = "Tr0ub4dor&3horse";
const SIGN: &str = "q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=";
const SECRETS: [&str; 4] = [KEY, SECRET, PASS, SIGN];

const WARNING: &str = "okxscan: warning: --no-redact: secrets in log lines will be printed";

/// The first eight-character window of a secret found in `out`.
fn leak(out: &str) -> Option<String> {
    leak_of(out, &SECRETS)
}

fn leak_of(out: &str, secrets: &[&str]) -> Option<String> {
    secrets.iter().find_map(|s| {
        let c: Vec<char> = s.chars().collect();
        c.windows(8)
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

// ------------------------------------------------- every spelling, every output

/// Every output that prints log text: grep as text (plain, context, `-o`, colour),
/// as events (NDJSON, CSV), the summary's three formats and the report's two.
const OUTPUTS: [&[&str]; 11] = [
    &["grep", "-H", "-n"],
    &["grep", "-n", "-C", "2"],
    &["grep", "-o"],
    &["grep", "--color", "always"],
    &["grep", "--format", "ndjson"],
    &["grep", "--format", "csv"],
    &["summary", "--format", "md"],
    &["summary", "--format", "csv"],
    &["summary", "--format", "json"],
    &["report", "--format", "md"],
    &["report", "--format", "html"],
];

/// Codes with a known category, one per error line, so that every line is a
/// summary row and a report sample of its own.
const CODES: [&str; 12] = [
    "50113", "50111", "50105", "50102", "51000", "51001", "51008", "50011", "50004", "51004",
    "50014", "51010",
];

/// An error line with `cred` before its body.
fn before(i: usize, cred: &str) -> String {
    let code = CODES[i % CODES.len()];
    format!("2026-11-22 10:00:{:02},000 - bot - ERROR - {cred} okx {{\"code\":\"{code}\",\"msg\":\"Invalid Sign\",\"data\":[]}}", i % 60)
}

/// An error line with `cred` after its body.
fn after(i: usize, cred: &str) -> String {
    let code = CODES[i % CODES.len()];
    format!("2026-11-22 10:00:{:02},000 - bot - ERROR - okx {{\"code\":\"{code}\",\"msg\":\"Invalid Sign\",\"data\":[]}} {cred}", i % 60)
}

/// An error line whose message is `cred` (JSON-escaped in the line, decoded in
/// the event's message).
fn in_msg(i: usize, cred: &str) -> String {
    let code = CODES[i % CODES.len()];
    let msg = serde_json::to_string(cred).unwrap();
    format!("2026-11-22 10:00:{:02},000 - bot - ERROR - okx {{\"code\":\"{code}\",\"msg\":{msg},\"data\":[]}}", i % 60)
}

/// A plain line (context for `-C`) with `cred`.
fn context(i: usize, cred: &str) -> String {
    format!(
        "2026-11-22 10:00:{:02},000 - bot - DEBUG - request {cred}",
        i % 60
    )
}

/// Runs every output on a log of `lines` and asserts that none repeats eight
/// characters of `secrets`; returns the outputs by label.
fn check_every_output(lines: &[String], secrets: &[&str]) -> BTreeMap<String, String> {
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("bot.log");
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let mut outs = BTreeMap::new();
    for args in OUTPUTS {
        let out = okxscan()
            .args(args)
            .args(["--tz", "UTC"])
            .arg(&log)
            .output()
            .unwrap();
        let label = args.join(" ");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{label}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if let Some(w) = leak_of(&text, secrets) {
            let line = text.lines().find(|l| l.contains(&w)).unwrap_or("");
            panic!(
                "{label}: `{w}` leaked in:\n{line}\nlog:\n{}",
                lines.join("\n")
            );
        }
        outs.insert(label, text);
    }
    outs
}

const P: &str = "Hx7qLm2Vz9Kw4Rt";
const K: &str = "3f9a1c7e-2b4d-4e6f-8a0b-1c2d3e4f5a6b";
const S: &str = "9F2E7A1B3C5D4E6F8A0B1C2D3E4F5A6B";
const G: &str = "vJq3y2rO80OEkBbKQpGZs0TY0xVoj9ANWYnk2pma6LE=";

#[test]
fn names_in_every_spelling_are_masked_in_every_output() {
    let names = [
        "api_secret_key",
        "API_SECRET_KEY",
        "apiSecretKey",
        "apiPassphrase",
        "apiPassword",
        "okxApiKey",
        "okxSecret",
        "okxPassphrase",
        "OK ACCESS KEY",
        "ok-access-sign",
        "OKX_API_SIGNATURE",
        "x-auth-token",
        "sessionToken",
        "APIKEY",
    ];
    let lines: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| before(i, &format!("{n}: {P}")))
        .collect();
    check_every_output(&lines, &[P]);
    // A name seen whole keeps the API key's fingerprint, no more.
    let outs = check_every_output(&[before(0, &format!("okxApiKey={P}"))], &[P]);
    assert!(
        outs["grep -H -n"].contains("okxApiKey=Hx7q…w4Rt"),
        "{outs:?}"
    );
}

#[test]
fn every_separator_is_read() {
    let seps = [
        "\t", "   ", "=", ":", "=>", " => ", "：", "\r", "\u{a0}", ":\t", "\t:\t", "： ",
    ];
    let mut lines = Vec::new();
    for (i, sep) in seps.iter().enumerate() {
        lines.push(before(i, &format!("passphrase{sep}{P}")));
        lines.push(in_msg(i + 1, &format!("OK-ACCESS-PASSPHRASE{sep}{P}")));
    }
    check_every_output(&lines, &[P]);
}

#[test]
fn quotes_tuples_and_escapes_are_read() {
    let lines = [
        before(0, &format!("'apiPassphrase': '{P}'")),
        before(1, &format!("\"apiPassphrase\": \"{P}\"")),
        before(
            2,
            &format!("[('OK-ACCESS-KEY', '{K}'), ('OK-ACCESS-PASSPHRASE', '{P}')]"),
        ),
        before(3, &format!("(\"OK-ACCESS-SIGN\", \"{G}\")")),
        before(4, &format!(r"{{\u0022passphrase\u0022:\u0022{P}\u0022}}")),
        before(5, &format!(r#"{{\"passphrase\":\"{P}\"}}"#)),
        // An escaped quote inside the value: the rest of it is the value too.
        after(6, &format!(r#"{{"passphrase":"ab\"{P}","x":1}}"#)),
        before(7, &format!("secret=b'{S}'")),
    ];
    check_every_output(&lines, &[P, K, G, S]);
}

#[test]
fn authorization_cookies_and_sessions_are_masked() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.Xy7Zq2Lm9Kw";
    let lines = [
        before(0, &format!("Authorization: Bearer {jwt}")),
        before(1, "{'authorization': 'Basic dXNlcjpIeDdxTG0yVno5S3c0UnQ='}"),
        after(2, &format!("Cookie: locale=en; uid_v2={P}; devId=ab12")),
        before(3, &format!("Set-Cookie: JSESSIONID={P}; Path=/")),
        before(4, &format!("session_id={P}")),
    ];
    check_every_output(&lines, &[jwt, P, "dXNlcjpIeDdxTG0yVno5S3c0UnQ"]);
}

#[test]
fn secrets_inside_an_errors_message_are_masked_everywhere() {
    let lines = [
        in_msg(0, &format!("Invalid OK-ACCESS-KEY {K}")),
        in_msg(1, &format!("passphrase:\t{P}")),
        in_msg(2, &format!("sign {G} rejected")),
        in_msg(3, &format!("{{\"apiKey\":\"{K}\",\"secretKey\":\"{S}\"}}")),
    ];
    let outs = check_every_output(&lines, &[K, P, G, S]);
    // The message keeps what helps: the fingerprint of the key that failed.
    for label in [
        "grep --format ndjson",
        "summary --format json",
        "report --format md",
    ] {
        assert!(
            outs[label].contains("Invalid OK-ACCESS-KEY 3f9a…5a6b"),
            "{label}"
        );
    }
}

#[test]
fn credential_shapes_are_masked_with_no_name() {
    let lines = [
        before(0, &format!("using {K}")),
        after(1, &format!("signed {G}")),
        before(2, &format!("loaded {S} from vault")),
        context(3, &format!("headers {K} {G} {S}")),
        before(4, "next"),
    ];
    check_every_output(&lines, &[K, G, S]);
}

/// The SGR sequences okxscan writes, removed.
fn uncoloured(s: &str) -> String {
    OWN_SGR.iter().fold(s.to_string(), |t, c| t.replace(c, ""))
}

#[test]
fn colour_is_put_on_the_masked_line() {
    let lines = [
        before(0, &format!("passphrase:\t{P}")),
        after(1, &format!("apiKey={K} sign={G}")),
        in_msg(2, &format!("Invalid OK-ACCESS-KEY {K}, passphrase={P}")),
        before(3, &format!("{{\"apiKey\":\"{K}\",\"secret\":\"{S}\"}}")),
        // A message that ends with a name whose value the bot printed after the
        // body: masked pieces by pieces, the value after the highlight would show.
        format!("2026-11-22 10:00:04,000 - bot - ERROR - okx {{\"code\":\"50105\",\"msg\":\"Wrong passphrase:\"}} {P}"),
    ];
    let outs = check_every_output(&lines, &[K, P, G, S]);
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("bot.log");
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let plain = okxscan().arg("grep").arg(&log).output().unwrap();
    let colour = &outs["grep --color always"];
    // The same masked text, and the highlight is exactly what `-o` prints.
    assert_eq!(uncoloured(colour), String::from_utf8_lossy(&plain.stdout));
    let lit: Vec<&str> = colour
        .lines()
        .map(|l| {
            let s = l.find("\x1b[1;31m").unwrap() + "\x1b[1;31m".len();
            let e = s + l[s..].find("\x1b[0m").unwrap();
            &l[s..e]
        })
        .collect();
    let only: Vec<&str> = outs["grep -o"].lines().collect();
    assert_eq!(lit, only);
}

#[test]
fn a_tab_separated_header_dump_is_not_credentials_never_loaded() {
    let dump = format!("OK-ACCESS-KEY:\t{K}\tOK-ACCESS-PASSPHRASE:\t{P}\tOK-ACCESS-SIGN:\t{G}");
    let lines = [context(0, &dump), before(1, "okx")];
    let outs = check_every_output(&lines, &[K, P, G]);
    for label in ["report --format md", "report --format html"] {
        assert!(
            !outs[label].contains("Credentials never loaded"),
            "{label}:\n{}",
            outs[label]
        );
    }
    // The same dump with the passphrase really empty is diagnosed.
    let dump = format!("OK-ACCESS-KEY:\t{K}\tOK-ACCESS-PASSPHRASE:\t\tOK-ACCESS-SIGN:\t{G}");
    let outs = check_every_output(&[context(0, &dump), before(1, "okx")], &[K, G]);
    assert!(outs["report --format md"].contains("Credentials never loaded"));
}

#[test]
fn no_redact_reports_do_not_say_secrets_are_masked() {
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("bot.log");
    std::fs::write(&log, before(0, &format!("passphrase={P}")) + "\n").unwrap();
    for format in ["md", "html"] {
        let out = okxscan()
            .args(["report", "--format", format, "--no-redact"])
            .arg(&log)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(P), "{format}: --no-redact shows the sample");
        assert!(!text.contains("secrets masked"), "{format}:\n{text}");
        assert!(text.contains("secrets NOT masked"), "{format}:\n{text}");
        let out = okxscan()
            .args(["report", "--format", format])
            .arg(&log)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("secrets masked"));
    }
}

// ------------------------------------------------------------------ property

mod combos {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    const WORDS: [&str; 7] = [
        "key",
        "secret",
        "passphrase",
        "password",
        "sign",
        "signature",
        "token",
    ];
    const PREFIXES: [&[&str]; 6] = [
        &[],
        &["api"],
        &["okx"],
        &["ok", "access"],
        &["client"],
        &["okx", "api"],
    ];
    const SEPS: [&str; 14] = [
        "\t", "   ", "=", ":", ": ", " = ", "=>", " => ", "：", "\r", "\u{a0}", ":\t", "\t:\t",
        "\u{3000}",
    ];

    /// A name in one of seven spellings.
    fn spell(words: &[&str], style: usize) -> String {
        let cap = |w: &str| w[..1].to_uppercase() + &w[1..];
        match style {
            0 => words.join("_"),
            1 => words.join("-"),
            2 => words.join(" "),
            3 => words.join("_").to_uppercase(),
            4 => words.join("-").to_uppercase(),
            5 => words[0].to_string() + &words[1..].iter().map(|w| cap(w)).collect::<String>(),
            _ => words.iter().map(|w| cap(w)).collect(),
        }
    }

    /// `name`, a separator and the value in one of six quotings.
    fn pair(name: &str, sep: &str, quoting: usize, v: &str) -> String {
        match quoting {
            0 => format!("{name}{sep}{v}"),
            1 => format!("'{name}'{sep}'{v}'"),
            2 => format!("\"{name}\"{sep}\"{v}\""),
            3 => format!("('{name}', '{v}')"),
            4 => format!(r"\u0022{name}\u0022{sep}\u0022{v}\u0022"),
            _ => format!(r#"\"{name}\"{sep}\"{v}\""#),
        }
    }

    fn secret() -> impl Strategy<Value = String> {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        prop::collection::vec(0..A.len(), 12..40)
            .prop_map(|v| v.into_iter().map(|i| A[i] as char).collect())
    }

    fn config() -> ProptestConfig {
        let mut c = ProptestConfig::default();
        if std::env::var_os("PROPTEST_CASES").is_none() {
            c.cases = 40;
        }
        if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
            c.rng_seed = RngSeed::Fixed(0x0073_6563_7265_7473);
        }
        c
    }

    proptest! {
        #![proptest_config(config())]

        /// Every combination of name, spelling, separator, quoting and place, in
        /// every output: no eight characters of the secret in a row.
        #[test]
        fn no_window_of_a_secret_survives(
            items in prop::collection::vec(
                (0..WORDS.len(), 0..PREFIXES.len(), 0..7usize, 0..SEPS.len(), 0..6usize, 0..4usize, secret()),
                1..6,
            )
        ) {
            let mut lines = Vec::new();
            let mut secrets = Vec::new();
            for (i, (w, p, style, sep, q, place, v)) in items.iter().enumerate() {
                let mut words: Vec<&str> = PREFIXES[*p].to_vec();
                words.push(WORDS[*w]);
                let cred = pair(&spell(&words, *style), SEPS[*sep], *q, v);
                match place {
                    0 => lines.push(before(i, &cred)),
                    1 => lines.push(after(i, &cred)),
                    2 => lines.push(in_msg(i, &cred)),
                    _ => {
                        lines.push(context(i, &cred));
                        lines.push(before(i, "next"));
                    }
                }
                secrets.push(v.clone());
            }
            let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
            check_every_output(&lines, &secrets);
        }
    }
}

mod never_panics {
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    /// Pieces the recognisers react to, to be strung together at random.
    const PIECES: [&str; 24] = [
        "apiKey",
        "OK-ACCESS-SIGN",
        "passphrase",
        "Bearer ",
        "Cookie",
        "\"",
        "'",
        "\\",
        "\\\"",
        "\\u0022",
        ":",
        "=",
        "=>",
        ",",
        "(",
        "[",
        "{",
        "\t",
        "  ",
        "\u{a0}",
        "：",
        "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917",
        "vJq3y2rO80OEkBbKQpGZs0TY0xVoj9ANWYnk2pma6LE=",
        "é",
    ];

    fn config() -> ProptestConfig {
        let mut c = ProptestConfig::default();
        if std::env::var_os("PROPTEST_CASES").is_none() {
            c.cases = 2000;
        }
        if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
            c.rng_seed = RngSeed::Fixed(0x0072_6564_6163_7421);
        }
        c
    }

    proptest! {
        #![proptest_config(config())]

        /// Any text: no panic, and a span moved onto the masked text stays on its
        /// character boundaries, in order.
        #[test]
        fn masking_any_text_never_panics(
            parts in prop::collection::vec(
                prop_oneof![
                    (0..PIECES.len()).prop_map(|i| PIECES[i].to_string()),
                    any::<String>(),
                ],
                0..24,
            ),
            cut in any::<(prop::sample::Index, prop::sample::Index)>(),
        ) {
            let text: String = parts.concat();
            let _ = okxscan::redact::redact(&text);
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let (a, b) = (cut.0.get(&bounds), cut.1.get(&bounds));
            let span = (*a.min(b), *a.max(b));
            let (out, (s, e)) = okxscan::redact::redact_span(&text, span);
            prop_assert!(s <= e && e <= out.len());
            prop_assert!(out.is_char_boundary(s) && out.is_char_boundary(e));
            let whole = okxscan::redact::redact(&text);
            prop_assert_eq!(out.as_ref(), whole.as_ref());
        }
    }
}
