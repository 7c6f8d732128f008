//! Property tests, the bounded stand-in for the fuzz targets in `fuzz/`: the
//! extractor, the timestamp reader and the body parser never panic on any bytes
//! (random, or real lines mutated), and scanning a text cut into chunks anywhere the
//! chunker may cut gives the same events as scanning it whole.

use okxscan::event::Event;
use okxscan::extract::value::parse_at;
use okxscan::extract::{is_continuation, record_at, Found};
use okxscan::input::chunk::StreamChunker;
use okxscan::scan::{scan_chunk, Merger, ScanOptions};
use okxscan::time::{line_time, Zone};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Real lines of every shape okxscan reads, errors and decoys alike.
const BODIES: &[&str] = &[
    r#"2026-11-22 18:07:30,189 - bot - ERROR - okx {"code":"50102","msg":"Timestamp request expired"}"#,
    r#"preflight check failed: okx {"msg":"Timestamp request expired","code":"50102"}"#,
    r#"2026-11-22 19:05:45,946 - bot.okx - ERROR - {'code': '50011', 'data': [], 'msg': 'Too Many Requests'}"#,
    r#"freqtrade_1  | 2026-11-22 21:35:23,684 - freqtrade.exchange.common - WARNING - fetch_balance() returned exception: "okx {"code":"50102","msg":"Timestamp request expired"}". Retrying still for 1 times."#,
    r#"freqtrade_1  | 2026-11-22 21:35:23,690 - freqtrade.exchange.common - WARNING - fetch_balance() returned exception: "okx {"code":"50102","msg":"Timestamp request expired"}". Giving up."#,
    r#"freqtrade_1  | 2026-11-22 21:35:23,708 - freqtrade.freqtradebot - WARNING - Unable to create trade: okx {"code":"50102","msg":"Timestamp request expired"}"#,
    r#"{"ts":1795371822797,"level":"error","logger":"okx.rest","msg":"order failed","body":{"code":"1","data":[{"clOrdId":"","ordId":"","sCode":"51008","sMsg":"Order failed. Insufficient balance"},{"sCode":"0","sMsg":""}],"msg":""}}"#,
    r#"{"time":"2026-11-22T18:04:43.151+00:00","level":"warn","logger":"okx.ws","msg":"ws event","frame":{"event":"error","code":"60009","msg":"Login failed.","connId":"361d585a"}}"#,
    r#"{"ts":"2026-11-22T18:06:32.308-05:00","level":50,"msg":"{\"code\":\"51000\",\"msg\":\"Parameter sz error\"}"}"#,
    "2026-11-23T02:00:21.589+0800\tERROR\tokx/rest.go:66\tapi failed: &{Code:51008 Msg:Order failed Data:[]}",
    "2026-11-23T02:01:32.795+0800\tWARN\tokx/ws.go:110\tws error\t&{Event:error Code:60018 Msg:Invalid sign}",
    "1795370533181 DEBUG ws onMessage { event: 'error', msg: 'Invalid OK-ACCESS-KEY', code: '60005' }",
    "1795371108588 ERROR org.knowm.xchange.exceptions.ExchangeException: 50113:Invalid Sign",
    "Caused by: 50113:Invalid Sign",
    "[2026-11-22 18:34:48.694] ERROR response {\"code\":32008,\"message\":\"Insufficient margin\"}\r",
    "[2026-11-22 18:35:00.000] ERROR response {\"result\": false, \"error_code\":10004}",
    "[2026-11-22 18:36:00.000] WARN okx {\"message\":\"An unexpected error occurred\"}",
    "2026-11-22 18:40:00,000 - bot - ERROR - API Request Error(code=51603): Order does not exist",
    "ccxt.base.errors.InvalidNonce: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}",
    "freqtrade.exceptions.TemporaryError: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}",
    r#"1795370486505 ERROR kucoin Exception: 200-{"code":"300000","msg":"Order size invalid."}"#,
    r#"[2026-11-22 18:04:57.862] WARN binance {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#,
    r#"1795370417159 DEBUG rest: okx {"code":"0","data":[{"sCode":"0","sMsg":"Order placed"}],"msg":""}"#,
    "2026-11-22 18:00:00,000 - bot.config - INFO - retry policy: back off on error_code in (50011, 50013, 50102)",
    r#"{"timestamp":"2026-11-22T18:00:00.000Z","okx":{"apiKey":"7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917","passphrase":"Tr0ub4dor&3horse"}}"#,
];

/// Lines around the bodies: timestamps alone, tracebacks, frames, blank lines.
const OTHERS: &[&str] = &[
    "2026-11-22 18:10:00,000 - bot - INFO - heartbeat",
    "2026-11-22T18:11:00.000Z INFO tick",
    "1795371573480 INFO decode mode=cross node=3 error_code=none",
    "[2026-11-22 18:12:31.189] DEBUG request headers:",
    "OK-ACCESS-KEY: 7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917",
    "Traceback (most recent call last):",
    "  File \"bot.py\", line 3, in <module>",
    "    raise InvalidNonce(feedback)",
    "During handling of the above exception, another exception occurred:",
    "\tat org.knowm.xchange.okex.OkexAdapters.adapt(OkexAdapters.java:120)",
    "\t... 12 more",
    "",
    "print() output without a time",
];

/// A body printed over several lines after a timestamped header.
const PRETTY: &[&str] = &[
    "1795372343633 ERROR batch order response:\n{\n  \"code\": \"1\",\n  \"data\": [\n    {\n      \"ordId\": \"\",\n      \"sCode\": \"51006\",\n      \"sMsg\": \"Order price is not within the price limit\"\n    }\n  ],\n  \"msg\": \"\"\n}",
    "1795371555722 DEBUG order response:\n{\n  \"code\": \"50011\",\n  \"data\": [],\n  \"msg\": \"Too Many Requests\"\n}",
    "2026-11-22 10:00:00,000 - bot - ERROR - fetch failed\nTraceback (most recent call last):\n  File \"bot.py\", line 3, in <module>\nccxt.base.errors.InvalidNonce: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"bot.py\", line 9, in <module>\nfreqtrade.exceptions.TemporaryError: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}",
    "Exception in thread \"main\" x.ExchangeException: 50102:Timestamp request expired\n\tat a.b(C.java:1)\nCaused by: 50102:Timestamp request expired",
];

/// Pieces that steer random bytes into the extractor's paths.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ":",
    ",",
    "\\\"",
    "\\\\",
    " ",
    "\n",
    "\r\n",
    "\t",
    "  ",
    "\"code\"",
    "\"sCode\"",
    "code=",
    "Code:",
    "error_code",
    "\"msg\":\"",
    "okx {",
    "okex {",
    "&{",
    "xception: ",
    "Caused by: ",
    "Giving up",
    "50102",
    "51008",
    "0",
    "\"0\"",
    "-",
    "True",
    "None",
    "null",
    "1795371822797",
    "2026-11-22 18:07:30,189",
    "T",
    "Z",
    "+08:00",
    "\u{fffd}",
    "\u{2028}",
    "é",
];

fn token_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
            1 => prop::collection::vec(any::<u8>(), 1..4),
        ],
        0..80,
    )
    .prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Truncate(usize),
    Repeat(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<prop::sample::Index>();
    prop_oneof![
        (any::<usize>(), 1..20usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        (
            any::<usize>(),
            prop_oneof![
                prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
                prop::collection::vec(any::<u8>(), 1..6),
            ]
        )
            .prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Replace(a, b)),
        at.prop_map(|i| Edit::Truncate(i.index(1000))),
        (any::<usize>(), 1..40usize).prop_map(|(a, n)| Edit::Repeat(a, n)),
    ]
}

fn apply(mut b: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = b.len();
        let pos = |p: usize| if len == 0 { 0 } else { p % (len + 1) };
        match e {
            Edit::Delete(a, n) => {
                let a = pos(*a);
                b.drain(a..(a + n).min(len));
            }
            Edit::Insert(a, s) => {
                let a = pos(*a);
                b.splice(a..a, s.iter().copied());
            }
            Edit::Replace(a, c) if len > 0 => b[a % len] = *c,
            Edit::Replace(..) => {}
            Edit::Truncate(n) => b.truncate(*n),
            Edit::Repeat(a, n) => {
                let a = pos(*a);
                let piece = b[a..(a + n).min(len)].to_vec();
                b.splice(a..a, piece);
            }
        }
    }
    b
}

/// A real line (or several), mutated.
fn mutated_line() -> impl Strategy<Value = Vec<u8>> {
    let base = prop_oneof![
        prop::sample::select(BODIES),
        prop::sample::select(OTHERS),
        prop::sample::select(PRETTY),
    ];
    (base, prop::collection::vec(edit(), 1..6)).prop_map(|(l, e)| apply(l.as_bytes().to_vec(), &e))
}

fn zones() -> [Zone; 3] {
    [
        Zone::Utc,
        Zone::parse("+08:00").unwrap(),
        Zone::parse("America/New_York").unwrap(),
    ]
}

/// Everything a scan would do with these bytes, at every offset.
fn exercise(data: &[u8]) {
    let mut out: Vec<Found> = Vec::new();
    for hit in 0..data.len() {
        out.clear();
        record_at(data, hit, 0, &mut out);
        // The line start is a floor a caller may pass.
        let lo = data[..hit]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        out.clear();
        record_at(data, hit, lo, &mut out);
        if matches!(data[hit], b'{' | b'&') {
            let _ = parse_at(data, hit);
        }
    }
    for z in zones() {
        for line in data.split(|&c| c == b'\n') {
            let _ = line_time(line, &z);
        }
    }
}

/// `n` cases from a fixed seed, so that CI runs are repeatable; `PROPTEST_CASES`
/// and `PROPTEST_RNG_SEED` override both, for a longer hunt by hand.
fn cases(n: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = n;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x006f_6b78_7363_616e);
    }
    c
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..300)) {
        exercise(&data);
    }

    #[test]
    fn token_soup_never_panics(data in token_bytes()) {
        exercise(&data);
    }

    #[test]
    fn mutated_real_lines_never_panic(data in mutated_line()) {
        exercise(&data);
    }

    #[test]
    fn mutated_timestamps_never_panic(
        t in prop::sample::select(&[
            "2026-11-22 18:07:30,189", "2026-11-22T18:07:30.189Z", "2026-11-22T18:07:30+08:00",
            "[2026-11-22 18:12:31.189]", "1795371822797 ", "{\"ts\":1795371822797,",
            "{\"time\":\"2026-11-22T18:04:43.151-05:00\"", "2026-11-23T02:00:21.589+0800\t",
            "{\"@timestamp\":\"2026-03-08T02:30:00\"", "{\"ts\":1.795371822797e12,",
        ][..]),
        digits in prop::collection::vec((any::<prop::sample::Index>(), b'0'..=b'9'), 0..4),
        tail in prop::collection::vec(edit(), 0..3),
    ) {
        let mut b = t.as_bytes().to_vec();
        for (i, d) in digits {
            let i = i.index(b.len());
            if b[i].is_ascii_digit() {
                b[i] = d;
            }
        }
        let b = apply(b, &tail);
        for z in zones() {
            let _ = line_time(&b, &z);
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for open in [b'{', b'['] {
        let mut b = b"okx {\"code\":\"50102\",\"data\":".to_vec();
        b.extend(std::iter::repeat_n(open, 100_000));
        // Far deeper than any stack would take if the parser recursed unbounded.
        let _ = parse_at(&b, 4);
        // The extractor's work grows with the line: a shorter one keeps this quick.
        let mut out = Vec::new();
        record_at(&b[..10_000], 6, 0, &mut out);
        exercise(&b[..512]);
    }
}

// ------------------------------------------------------------ chunk invariance

fn opts() -> ScanOptions {
    ScanOptions {
        zone: Zone::Utc,
        count_lines: true,
        keep_text: true,
        clues: true,
    }
}

/// Scans `text` cut at `cuts` (increasing offsets), merged in order.
fn scan_cut(text: &[u8], cuts: &[usize]) -> Vec<Event<'static>> {
    let mut events = Vec::new();
    let mut m = Merger::new(0, true);
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&text.len())) {
        m.merge(scan_chunk(&text[start..c], &opts()), &mut |e| {
            events.push(e.into_owned())
        });
        start = c;
    }
    events
}

/// Where the chunker may cut: a line start that does not continue a record.
fn cut_points(text: &[u8]) -> Vec<usize> {
    (1..text.len())
        .filter(|&p| text[p - 1] == b'\n' && !is_continuation(&text[p..]))
        .collect()
}

/// Lines from the pools, with or without a last newline. Mutated lines are left
/// out here: a body cut short, or a blank line inside a multi-line body, still
/// gives different events depending on where chunks are cut (see FUZZING.md).
fn night_text() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        4 => prop::sample::select(BODIES),
        4 => prop::sample::select(OTHERS),
        1 => prop::sample::select(PRETTY),
    ];
    (prop::collection::vec(line, 1..60), any::<bool>()).prop_map(|(lines, last)| {
        let mut s = lines.join("\n");
        if last {
            s.push('\n');
        }
        s.into_bytes()
    })
}

proptest! {
    #![proptest_config(cases(200))]

    #[test]
    fn any_cuts_give_the_events_of_one_chunk(
        text in night_text(),
        pick in prop::collection::vec(any::<bool>(), 0..200),
    ) {
        let whole = scan_cut(&text, &[]);
        let points = cut_points(&text);
        let cuts: Vec<usize> = points
            .iter()
            .zip(pick.iter().cycle())
            .filter(|(_, &keep)| keep)
            .map(|(&p, _)| p)
            .collect();
        prop_assert_eq!(scan_cut(&text, &cuts), whole.clone(), "cuts {:?} in {:?}", cuts, String::from_utf8_lossy(&text));
        prop_assert_eq!(scan_cut(&text, &points), whole, "a cut at every point of {:?}", String::from_utf8_lossy(&text));
    }

    #[test]
    fn the_stream_chunker_at_any_size_gives_the_events_of_one_chunk(
        text in night_text(),
        size in 1usize..400,
    ) {
        let whole = scan_cut(&text, &[]);
        let mut c = StreamChunker::new(&text[..], size, 1 << 20);
        let mut cuts = Vec::new();
        let mut at = 0;
        while let Some(chunk) = c.next_chunk().unwrap() {
            at += chunk.len();
            cuts.push(at);
        }
        prop_assert_eq!(at, text.len());
        cuts.pop();
        prop_assert_eq!(scan_cut(&text, &cuts), whole, "size {} cuts {:?} in {:?}", size, cuts, String::from_utf8_lossy(&text));
    }
}
