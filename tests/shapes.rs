//! Shapes (issue 3): every kind of error body real bots write, one small hand-written
//! log per kind in `fixtures/shapes/`, against `fixtures/shapes/expected.tsv` (written
//! by reading the files, not from the tool's output); and every timestamp format,
//! one row each, through the binary.

mod common;
mod support;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::*;

fn shapes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shapes")
}

/// One row of `expected.tsv`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Want {
    line: u64,
    code: String,
    /// `?` when the shape is not checked.
    shape: String,
    partial: bool,
    time: String,
}

fn expected() -> BTreeMap<String, Vec<Want>> {
    let text = std::fs::read_to_string(shapes_dir().join("expected.tsv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("file\tline\tcode\tshape\tpartial\ttime\tnote")
    );
    let mut m: BTreeMap<String, Vec<Want>> = BTreeMap::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 7, "expected.tsv: {l}");
        m.entry(f[0].to_string()).or_default().push(Want {
            line: f[1].parse().unwrap(),
            code: f[2].to_string(),
            shape: f[3].to_string(),
            partial: match f[4] {
                "yes" => true,
                "no" => false,
                x => panic!("partial {x} in {l}"),
            },
            time: f[5].to_string(),
        });
    }
    m
}

/// The log files of the fixture folder (everything but the TSV and docs).
fn log_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(shapes_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("tsv" | "md")))
        .collect();
    v.sort();
    v
}

/// Events of `grep --format ndjson` per file name, as `Want` rows (time in UTC).
fn events(extra: &[&str]) -> BTreeMap<String, Vec<Want>> {
    let o = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .args(extra)
        .args(log_files())
        .output()
        .unwrap();
    assert_status(&o, 0);
    let mut m: BTreeMap<String, Vec<Want>> = BTreeMap::new();
    for e in ndjson(&o.stdout) {
        m.entry(base(e["file"].as_str().unwrap()))
            .or_default()
            .push(Want {
                line: e["line"].as_u64().unwrap(),
                code: e["code"].as_str().unwrap().to_string(),
                shape: e["shape"].as_str().unwrap().to_string(),
                partial: e["partial"].as_bool().unwrap(),
                time: e["time"].as_str().unwrap_or("").to_string(),
            });
    }
    m
}

#[test]
fn every_shape_yields_exactly_the_expected_events() {
    let want = expected();
    let got = events(&[]);
    let mut failures = Vec::new();
    for path in log_files() {
        let name = base(&path.display().to_string());
        let mut w = want.get(&name).cloned().unwrap_or_default();
        let mut g = got.get(&name).cloned().unwrap_or_default();
        w.sort();
        g.sort();
        if w != g {
            let missing: Vec<_> = w.iter().filter(|x| !g.contains(x)).collect();
            let extra: Vec<_> = g.iter().filter(|x| !w.contains(x)).collect();
            failures.push(format!(
                "{name}:\n  missing: {missing:?}\n  unexpected: {extra:?}"
            ));
        }
    }
    // Every file named in expected.tsv exists.
    for name in want.keys() {
        assert!(
            shapes_dir().join(name).is_file(),
            "{name} listed but absent"
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn traps_are_never_events() {
    let o = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(shapes_dir().join("traps.log"))
        .output()
        .unwrap();
    assert_status(&o, 1);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    assert!(!expected().contains_key("traps.log"));
}

#[test]
fn shapes_do_not_depend_on_threads_or_chunk_size() {
    let whole = events(&["-j", "1"]);
    for extra in [
        &["-j", "2", "--chunk-size", "64"][..],
        &["-j", "1", "--chunk-size", "200"],
    ] {
        assert_eq!(events(extra), whole, "{extra:?}");
    }
}

#[test]
fn messages_are_decoded_and_kept_as_sent() {
    let o = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .arg(shapes_dir().join("chinese.log"))
        .arg(shapes_dir().join("v5-key-orders.log"))
        .arg(shapes_dir().join("go-struct.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    let msgs: BTreeMap<(String, u64), String> = ndjson(&o.stdout)
        .iter()
        .map(|e| {
            (
                (
                    base(e["file"].as_str().unwrap()),
                    e["line"].as_u64().unwrap(),
                ),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let m = |f: &str, l: u64| msgs[&(f.to_string(), l)].as_str();
    assert_eq!(m("chinese.log", 1), "请求时间戳过期");
    assert_eq!(m("chinese.log", 2), "请求过于频繁");
    assert_eq!(m("chinese.log", 3), "委托失败，账户 USDT 保证金不足");
    assert_eq!(m("v5-key-orders.log", 6), "Parameter posSide  error");
    assert_eq!(
        m("go-struct.log", 1),
        "Wrong URL or channel:candle1m doesn't exist."
    );
}

// ------------------------------------------------------------------ timestamps

const BODY: &str = r#"{"code":"50102","msg":"Timestamp request expired"}"#;

/// One row per timestamp format: a log whose last line holds one event, the zone
/// it is read in, and the instant expected (None: no time).
fn time_cases() -> Vec<(&'static str, String, &'static str, Option<&'static str>)> {
    let b = BODY;
    let esc = BODY.replace('"', "\\\"");
    vec![
        (
            "ISO 8601, T, millis, Z",
            format!("2026-11-22T18:12:31.189Z ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "ISO 8601, space, dot fraction, naive",
            format!("2026-11-22 18:12:31.189 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "Python logging, comma fraction",
            format!("2026-11-22 18:12:31,189 - bot - ERROR - okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "ISO 8601, T, no fraction, naive",
            format!("2026-11-22T18:12:31 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.000Z"),
        ),
        (
            "microseconds",
            format!("2026-11-22 18:12:31.189654 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "offset +08:00",
            format!("2026-11-23T02:12:31.189+08:00 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "offset +0800 (zap, tabs)",
            format!("2026-11-23T02:12:31.189+0800\tERROR\tokx/rest.go:91\torder failed\t{{\"resp\":{b}}}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "offset -05:00",
            format!("2026-11-22T13:12:31.189-05:00 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "YYYY/MM/DD HH:MM:SS",
            format!("2026/11/22 18:12:31 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.000Z"),
        ),
        (
            "[YYYY-MM-DD HH:MM:SS.mmm]",
            format!("[2026-11-22 18:12:31.189] ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "docker-compose prefix",
            format!("freqtrade_1  | 2026-11-22 18:12:31,189 - x - ERROR - okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "logrus time=\"...\"",
            format!("time=\"2026-11-23T02:12:31+08:00\" level=error msg=\"order failed: okx {esc}\""),
            "UTC",
            Some("2026-11-22T18:12:31.000Z"),
        ),
        (
            "epoch seconds at line start",
            format!("1795371151 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.000Z"),
        ),
        (
            "epoch milliseconds at line start",
            format!("1795371151189 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "epoch seconds with a fraction",
            format!("1795371151.189 ERROR okx {b}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "JSON ts",
            format!("{{\"ts\":\"2026-11-22T18:12:31.189Z\",\"level\":\"error\",\"body\":{b}}}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "JSON time, not first, with an offset",
            format!("{{\"level\":\"error\",\"time\":\"2026-11-23T02:12:31.189+08:00\",\"body\":{b}}}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "JSON timestamp, epoch ms number",
            format!("{{\"timestamp\":1795371151189,\"level\":\"error\",\"body\":{b}}}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "JSON @timestamp",
            format!("{{\"@timestamp\":\"2026-11-22T18:12:31.189+00:00\",\"message\":\"failed\",\"body\":{b}}}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "pino: level 50, time in ms, escaped body",
            format!("{{\"level\":50,\"time\":1795371151189,\"msg\":\"okx {esc}\"}}"),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "traceback line: the header's time",
            format!(
                "2026-11-22 18:12:31,189 - bot - ERROR - fetch failed\n\
                 Traceback (most recent call last):\n  \
                 File \"bot.py\", line 3, in <module>\n    \
                 raise InvalidNonce(body)\n\
                 ccxt.base.errors.InvalidNonce: okx {b}"
            ),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "the last earlier time, not the first",
            format!(
                "2026-11-22 17:00:00,000 INFO start\n\
                 2026-11-22 18:12:31,189 INFO placing order\n\
                 okx {b}"
            ),
            "UTC",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        ("no timestamp", format!("okx {b}"), "UTC", None),
        (
            "no timestamp, exception text",
            "Exception in thread \"main\" org.knowm.xchange.exceptions.ExchangeException: 50102:Timestamp request expired".to_string(),
            "UTC",
            None,
        ),
        (
            "naive time read in --tz",
            format!("2026-11-23 02:12:31,189 - x - ERROR - okx {b}"),
            "Asia/Shanghai",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "zoned time whatever --tz",
            format!("2026-11-22T18:12:31.189Z ERROR okx {b}"),
            "Asia/Shanghai",
            Some("2026-11-22T18:12:31.189Z"),
        ),
        (
            "epoch whatever --tz",
            format!("1795371151189 ERROR okx {b}"),
            "+05:30",
            Some("2026-11-22T18:12:31.189Z"),
        ),
    ]
}

#[test]
fn timestamp_formats() {
    let cases = time_cases();
    let mut failures = Vec::new();
    for (label, text, tz, want) in &cases {
        let l = Logs::new(&[("t.log", &format!("{text}\n"))]);
        let o = okxscan()
            .args(["grep", "--format", "ndjson", "--tz", tz, "--log-tz", tz])
            .arg(l.path("t.log"))
            .output()
            .unwrap();
        let ev = ndjson(&o.stdout);
        if ev.len() != 1 {
            failures.push(format!(
                "{label}: {} events (want 1): {}",
                ev.len(),
                stdout(&o)
            ));
            continue;
        }
        let lines = text.lines().count() as u64;
        if ev[0]["line"].as_u64() != Some(lines) {
            failures.push(format!("{label}: line {} (want {lines})", ev[0]["line"]));
        }
        let got = ev[0]["time"].as_str().map(ms);
        if got != want.map(ms) {
            failures.push(format!("{label}: time {} (want {want:?})", ev[0]["time"]));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
