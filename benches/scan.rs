//! Micro-benchmarks of the scan hot path (issue "Performance"): the prefilter and
//! whole-chunk scan, line bounds around hits, extraction of one line of each error
//! shape, and the timestamp reader. See `docs/BENCHMARKS.md`.
//!
//! ```sh
//! cargo bench --bench scan                 # about 45 s with the settings below
//! cargo bench --bench scan -- --quick      # shorter
//! cargo bench --bench scan -- scan_chunk   # one group
//! ```
//!
//! The input is a night written in-process by the generator (`examples/gen.rs`,
//! included as a module, as `tests/it/common.rs` does), so the benchmark needs no
//! fixtures on disk and reads the same bytes on every machine.

#[path = "../examples/gen.rs"]
#[allow(dead_code, clippy::all)]
mod gen;

use criterion::{
    black_box, criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use okxscan::extract::{line_bounds, record_at};
use okxscan::scan::prefilter::for_each_hit;
use okxscan::scan::{scan_chunk, ScanOptions};
use okxscan::time::{line_time, Zone};
use std::sync::OnceLock;
use std::time::Duration;

/// Size of the generated night (six files, so about 1–3 MiB each).
const NIGHT_MB: u32 = 12;
const SEED: u64 = 1;
/// The files of a night, as the generator names them.
const FILES: [&str; 6] = [
    "python.log",
    "freqtrade.log",
    "events.jsonl",
    "zap.log",
    "epoch.log",
    "v3bot.log",
];

/// The generated night's files, read once (name, bytes).
fn night() -> &'static [(&'static str, Vec<u8>)] {
    static NIGHT: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    NIGHT.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("night");
        gen::run(vec![
            "--out".into(),
            dir.display().to_string(),
            "--mb".into(),
            NIGHT_MB.to_string(),
            "--seed".into(),
            SEED.to_string(),
        ]);
        FILES
            .iter()
            .map(|&f| (f, std::fs::read(dir.join(f)).expect("generated file")))
            .collect()
    })
}

fn file(name: &str) -> &'static [u8] {
    &night()
        .iter()
        .find(|(n, _)| *n == name)
        .expect("known file")
        .1
}

/// What `summary` scans with.
fn summary_opts() -> ScanOptions {
    ScanOptions {
        zone: Zone::Utc,
        count_lines: false,
        keep_text: false,
        clues: false,
    }
}

/// What `grep` scans with: line numbers and line text.
fn grep_opts() -> ScanOptions {
    ScanOptions {
        count_lines: true,
        keep_text: true,
        ..summary_opts()
    }
}

/// What `report` scans with: also clues.
fn report_opts() -> ScanOptions {
    ScanOptions {
        clues: true,
        ..grep_opts()
    }
}

/// Prefilter + whole chunk scan, one whole file as one chunk, bytes per second.
fn bench_scan_chunk(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan_chunk");
    // Milliseconds per iteration: flat sampling keeps the sample count from
    // stretching the measurement time.
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    let opts = summary_opts();
    for (name, data) in night() {
        let events = scan_chunk(data, &opts).events.len();
        assert!(events > 0, "{name}: no events in the generated file");
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_with_input(BenchmarkId::new("summary", name), data, |b, d| {
            b.iter(|| scan_chunk(black_box(d), &opts).events.len())
        });
    }
    // The same file under the options of the other subcommands.
    let data = file("python.log");
    g.throughput(Throughput::Bytes(data.len() as u64));
    for (label, opts) in [("grep", grep_opts()), ("report", report_opts())] {
        g.bench_with_input(BenchmarkId::new(label, "python.log"), data, |b, d| {
            b.iter(|| scan_chunk(black_box(d), &opts).events.len())
        });
    }
    g.finish();
}

/// The prefilter alone over each whole file (every hit visited, none handled),
/// bytes per second.
fn bench_prefilter(c: &mut Criterion) {
    let mut g = c.benchmark_group("prefilter");
    for (name, data) in night() {
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_with_input(BenchmarkId::new("hits", name), data, |b, d| {
            b.iter(|| {
                let mut n = 0usize;
                for_each_hit(black_box(d), |p, _| {
                    n += 1;
                    p + 1
                });
                n
            })
        });
    }
    g.finish();
}

/// Offsets of every `"code"` in a file, as the prefilter would hit them.
fn hits(data: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(data, b"\"code\"").collect()
}

/// Line bounds around each `"code"` hit of a file (LF and CRLF), hits per second.
fn bench_line_bounds(c: &mut Criterion) {
    let mut g = c.benchmark_group("line_bounds");
    for name in ["python.log", "events.jsonl", "v3bot.log"] {
        let data = file(name);
        let at = hits(data);
        assert!(!at.is_empty(), "{name}: no hits");
        g.throughput(Throughput::Elements(at.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &at, |b, at| {
            b.iter(|| {
                at.iter()
                    .map(|&p| {
                        let (s, e) = line_bounds(black_box(data), p);
                        e - s
                    })
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

/// One line of each error shape, the literal the prefilter hits on, and the code the
/// extractor must find (checked before timing, so a regression cannot go unseen).
const SHAPES: [(&str, &str, &str, &str); 7] = [
    (
        "v5",
        "2026-11-22 21:03:11,512 - bot.exchange - ERROR - fetch_balance failed: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}",
        "code",
        "50102",
    ),
    (
        "v5-batch",
        "2026-11-22 22:51:44,978 - bot.exchange - ERROR - create_orders failed: okx {\"code\":\"1\",\"data\":[{\"clOrdId\":\"933692a9a81b16dec6386544b7aac0b8\",\"ordId\":\"\",\"sCode\":\"51121\",\"sMsg\":\"Order quantity must be a multiple of the lot size.\",\"tag\":\"\",\"ts\":\"1795387904604\"}],\"inTime\":\"1795387904604704\",\"msg\":\"All operations failed\",\"outTime\":\"1795387904605098\"}",
        "code",
        "51121",
    ),
    (
        "json-escaped",
        "{\"ts\":1795373825663,\"level\":\"error\",\"logger\":\"okx.rest\",\"msg\":\"order rejected\",\"status\":200,\"response\":\"{\\\"code\\\":51006,\\\"msg\\\":\\\"Order price is not within the price limit (max buy price: 0.084, min sell price: 0.0001)\\\",\\\"data\\\":[]}\"}",
        "code",
        "51006",
    ),
    (
        "python-dict",
        "2026-11-22 18:55:49,905 - bot.ws - ERROR - ws message: {'event': 'error', 'code': '60011', 'msg': 'Please log in', 'connId': '7bdfdf0f'} state={'authenticated': False, 'last_pong': None}",
        "code",
        "60011",
    ),
    (
        "go-struct",
        "2026-11-23T02:54:55.812+0800\tERROR\tokx/rest.go:95\tapi error: &{Code:50013 Msg:Systems are busy. Please try again later. Data:[]}",
        "Code",
        "50013",
    ),
    (
        "exception-xchange",
        "1795371108588 ERROR org.knowm.xchange.exceptions.ExchangeException: 50113:Invalid Sign",
        "xception",
        "50113",
    ),
    (
        "exception-python-okx",
        "okx.exceptions.OkxAPIException: API Request Error(code=50011): Requests too frequent.",
        "code",
        "50011",
    ),
];

/// `record_at` on a single line of each shape, with the hit where the prefilter
/// would put it.
fn bench_record_at(c: &mut Criterion) {
    let mut g = c.benchmark_group("record_at");
    g.throughput(Throughput::Elements(1));
    for (shape, line, literal, code) in SHAPES {
        let data = format!("{line}\n").into_bytes();
        let hit = memchr::memmem::find(&data, literal.as_bytes()).expect("literal on the line");
        let mut out = Vec::new();
        record_at(&data, hit, 0, &mut out);
        assert!(
            out.iter().any(|f| f.code == code),
            "{shape}: expected code {code}, got {out:?}"
        );
        g.bench_function(shape, |b| {
            b.iter(|| {
                out.clear();
                record_at(black_box(&data), black_box(hit), 0, &mut out)
            })
        });
    }
    g.finish();
}

/// Line beginnings in the formats of the generated files (the rest of a line does
/// not matter to the reader), and whether the line has a time of its own.
const TIMES: [(&str, &str, bool); 9] = [
    (
        "python-logging",
        "2026-11-22 18:12:31,189 - bot.exchange - ERROR - create_order failed",
        true,
    ),
    (
        "docker-prefix",
        "freqtrade_1  | 2026-11-22 18:00:00,158 - freqtrade.rpc.rpc_manager - INFO - Sending rpc message",
        true,
    ),
    (
        "bracketed",
        "[2026-11-22 18:00:00.310] DEBUG response {\"result\":true}",
        true,
    ),
    (
        "zap-offset",
        "2026-11-23T02:00:21.589+0800\tDEBUG\tokx/rest.go:66\tapi ok",
        true,
    ),
    ("epoch-ms", "1795371108588 ERROR something failed", true),
    (
        "json-rfc3339",
        "{\"ts\":\"2026-11-22T18:37:12.621Z\",\"level\":\"error\",\"logger\":\"okx.rest\",\"msg\":\"order rejected\"}",
        true,
    ),
    (
        "json-epoch-ms",
        "{\"ts\":1795373825663,\"level\":\"error\",\"logger\":\"okx.rest\",\"msg\":\"order rejected\"}",
        true,
    ),
    (
        "pino",
        "{\"level\":50,\"time\":1795377261965,\"pid\":7,\"hostname\":\"bot-1\",\"name\":\"okx.rest\",\"msg\":\"request failed\"}",
        true,
    ),
    (
        "none",
        "okx.exceptions.OkxAPIException: API Request Error(code=50011): Requests too frequent.",
        false,
    ),
];

/// `line_time` on one line of each format (UTC display zone, as in the tests).
fn bench_line_time(c: &mut Criterion) {
    let mut g = c.benchmark_group("line_time");
    g.throughput(Throughput::Elements(1));
    let zone = Zone::Utc;
    for (format, line, has_time) in TIMES {
        assert_eq!(
            line_time(line.as_bytes(), &zone).is_some(),
            has_time,
            "{format}: {line}"
        );
        g.bench_function(format, |b| {
            b.iter(|| line_time(black_box(line.as_bytes()), &zone))
        });
    }
    // A named zone costs a zone lookup per naive timestamp.
    let shanghai = Zone::parse("Asia/Shanghai").expect("zone");
    let line = TIMES[0].1.as_bytes();
    g.bench_function("python-logging/Asia-Shanghai", |b| {
        b.iter(|| line_time(black_box(line), &shanghai))
    });
    g.finish();
}

fn config() -> Criterion {
    // Short enough that the whole run stays under a minute; criterion's own flags
    // (`--measurement-time`, `--warm-up-time`, `--sample-size`) override these.
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_prefilter, bench_scan_chunk, bench_line_bounds, bench_record_at, bench_line_time
}
criterion_main!(benches);
