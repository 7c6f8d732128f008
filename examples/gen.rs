//! Deterministic generator of realistic "bad nights" of trading-bot logs with
//! ground truth, for okxscan's tests and benchmarks. Standard library only.
//!
//! ```text
//! cargo run --release --example gen -- --out DIR [--mb N] [--seed S] [--truth FILE]
//!     [--start 2026-11-22T18:00:00Z] [--hours H] [--storm CODE@HOUR ...] [--no-storms] [--secrets]
//! ```
//!
//! Writes six log files into DIR (python.log, freqtrade.log, events.jsonl, zap.log,
//! epoch.log, v3bot.log) and the ground truth to FILE (default `DIR.truth.tsv`):
//! `file line code time shape`, one row per OKX error event a careful reader counts.
//! Same seed + same arguments = byte-identical output (each file has its own PRNG
//! stream, so the files can be generated in parallel).

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::time::Instant;

const H_MS: i64 = 3_600_000;
const FAKE_KEY: &str = "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917";
const FAKE_SECRET: &str = "C0FFEE5EC12E7ABCDEF0123456789AB";
/// The passphrase, and the length it counts as in byte budgets: that of the one it
/// replaced (`Hunter2Passphrase!`, which held the field name "Passphrase"), so that
/// every event kept its line and time.
const FAKE_PASS: &str = "Tr0ub4dor&3horse";
const FAKE_PASS_COUNTED: u64 = 18;
const FAKE_SIGN: &str = "q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=";

// ---------------------------------------------------------------- PRNG

fn splitmix(s: &mut u64) -> u64 {
    *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded through splitmix64.
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng([
            splitmix(&mut sm),
            splitmix(&mut sm),
            splitmix(&mut sm),
            splitmix(&mut sm),
        ])
    }
    fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let r = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        r
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    fn range(&mut self, lo: u64, hi_incl: u64) -> u64 {
        lo + self.below(hi_incl - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------- code table

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Rest,
    Ws,
    V3,
    V1,
}

struct Code {
    code: &'static str,
    kind: Kind,
    w: u32,
    /// can show up as a per-item `sCode` of an order/batch response
    item: bool,
    /// the ccxt exception class for the code
    class: &'static str,
    /// official message first, then variants seen in the wild
    msgs: &'static [&'static str],
    /// a localised (zh-CN) message, or ""
    zh: &'static str,
}

macro_rules! c {
    ($code:expr, $kind:ident, $w:expr, $item:expr, $class:expr, [$($m:expr),+], $zh:expr) => {
        Code { code: $code, kind: Kind::$kind, w: $w, item: $item, class: $class, msgs: &[$($m),+], zh: $zh }
    };
}

static CODES: &[Code] = &[
    c!("50011", Rest, 14, false, "RateLimitExceeded", ["Too Many Requests", "Rate limit reached. Please refer to API documentation and throttle requests accordingly.", "Requests too frequent."], "请求过于频繁"),
    c!("50102", Rest, 9, false, "InvalidNonce", ["Timestamp request expired", "Timestamp request expired."], "请求时间戳过期"),
    c!("50113", Rest, 6, false, "AuthenticationError", ["Invalid Sign", "Invalid signature."], ""),
    c!("50111", Rest, 3, false, "AuthenticationError", ["Invalid OK-ACCESS-KEY", "Invalid OK-ACCESS-KEY."], ""),
    c!("50001", Rest, 4, false, "OnMaintenance", ["Service temporarily unavailable. Please try again later.", "Service temporarily unavailable, please try again later."], ""),
    c!("50004", Rest, 4, false, "RequestTimeout", ["API endpoint request timeout ", "API endpoint request timeout. (does not mean that the request was successful or failed, please check the request result)."], ""),
    c!("50013", Rest, 5, false, "ExchangeNotAvailable", ["Systems are busy. Please try again later.", "System is busy, please try again later."], ""),
    c!("50014", Rest, 2, true, "BadRequest", ["Parameter instIdCode can not be empty.", "Parameter sz can not be empty."], ""),
    c!("50026", Rest, 2, false, "ExchangeNotAvailable", ["System error. Try again later", "System error, please try again later."], ""),
    c!("50110", Rest, 1, false, "PermissionDenied", ["Your IP 203.0.113.45 is not included in your API key's IP whitelist."], ""),
    c!("51000", Rest, 6, true, "BadRequest", ["Parameter posSide error", "Parameter posSide  error", "Parameter sz error", "Parameter ordType error"], ""),
    c!("51001", Rest, 2, false, "BadSymbol", ["Instrument ID does not exist", "Instrument ID, Instrument ID code or Spread ID doesn't exist."], ""),
    c!("51004", Rest, 2, true, "InvalidOrder", ["Order amount exceeds current tier limit", "After placing order, your position will exceed the maximum position size limit. Lower the leverage and place order again. "], ""),
    c!("51006", Rest, 4, true, "InvalidOrder", ["Order price is not within the price limit (max buy price: 0.084, min sell price: 0.0001)", "Order price is not within the price limit (max buy price: 52006.4 , min sell price: 49880.1 )"], ""),
    c!("51008", Rest, 6, true, "InsufficientFunds", ["Order failed. Insufficient USDT margin in account", "Order placement failed due to insufficient balance", "Order failed. Insufficient USDT balance in account."], "委托失败，账户 USDT 保证金不足"),
    c!("51010", Rest, 2, true, "AccountNotEnabled", ["You can't complete this request under your current account mode. ", "Request unsupported under current account mode"], ""),
    c!("51020", Rest, 2, true, "InvalidOrder", ["Your order should meet or exceed the minimum order amount.", "Order amount should be greater than the min available amount."], ""),
    c!("51121", Rest, 4, true, "InvalidOrder", ["Order quantity must be a multiple of the lot size."], ""),
    c!("51131", Rest, 1, true, "InsufficientFunds", ["Insufficient balance."], ""),
    c!("51400", Rest, 3, true, "OrderNotFound", ["Order cancellation failed as the order has been filled, canceled or does not exist.", "Cancellation failed as the order does not exist."], ""),
    c!("51503", Rest, 1, true, "ExchangeError", ["Your order has already been filled or canceled."], ""),
    c!("51603", Rest, 5, false, "OrderNotFound", ["Order does not exist", "Order does not exist."], ""),
    c!("58350", Rest, 2, false, "InsufficientFunds", ["Insufficient balance.", "Insufficient balance"], ""),
    c!("59000", Rest, 2, false, "ExchangeError", ["Settings failed. Close any open positions or orders before modifying settings.", "Your settings failed as you have positions or open orders."], ""),
    c!("59102", Rest, 1, false, "ExchangeError", ["Leverage exceeds the maximum limit. Please lower the leverage."], ""),
    c!("60009", Ws, 3, false, "AuthenticationError", ["Login failed.", "Login failure"], ""),
    c!("60011", Ws, 3, false, "AuthenticationError", ["Please log in"], ""),
    c!("60012", Ws, 3, false, "BadRequest", ["Invalid request: {\"op\":\"subscribe\"}", "Invalid request"], ""),
    c!("60018", Ws, 3, false, "BadRequest", ["Wrong URL or channel:candle1m,instId:BTC-USD-SWAP doesn't exist. Please use the correct URL, channel and parameters referring to API document.", "Wrong URL or channel:tickers,instId:ETH-USDT-SWAP doesn't exist. Please use the correct URL, channel and parameters referring to API document."], ""),
    c!("60006", Ws, 1, false, "InvalidNonce", ["Timestamp request expired"], ""),
    c!("60014", Ws, 1, false, "RateLimitExceeded", ["Requests too frequent"], ""),
    c!("30008", V3, 5, false, "RequestTimeout", ["Request timestamp expired"], ""),
    c!("30001", V3, 3, false, "AuthenticationError", ["OK-ACCESS-KEY header is required"], ""),
    c!("30006", V3, 3, false, "AuthenticationError", ["Invalid OK-ACCESS-KEY"], ""),
    c!("30012", V3, 3, false, "AuthenticationError", ["Invalid Authority"], ""),
    c!("32008", V3, 3, false, "InvalidOrder", ["Max. positions to open (cross margin)"], ""),
    c!("35040", V3, 3, false, "InvalidOrder", ["Invalid order type"], ""),
    c!("30014", V3, 2, false, "DDoSProtection", ["request too frequent"], ""),
    c!("33017", V3, 1, false, "InsufficientFunds", ["insufficient balance"], ""),
    c!("30032", V3, 1, false, "BadSymbol", ["The currency pair does not exist"], ""),
    c!("10004", V1, 3, false, "ExchangeError", [""], ""),
];

/// Always in a night (the brief's codes and the seed document's v3 codes).
const REQUIRED: &[&str] = &[
    "50011", "50102", "50113", "51000", "51008", "51006", "51121", "51603", "60009", "60011",
    "60012", "60018", "30008", "30001", "30006", "30012", "32008", "35040", "10004",
];
const NIGHT_SIZE: usize = 25;

fn find_code(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// A code outside the built-in table (only reachable through --storm).
fn leak_code(code: &str) -> &'static Code {
    let kind = match code.as_bytes().first() {
        Some(b'3') => Kind::V3,
        Some(b'6') => Kind::Ws,
        Some(b'1') if code.len() == 5 => Kind::V1,
        _ => Kind::Rest,
    };
    let code: &'static str = Box::leak(code.to_string().into_boxed_str());
    let msgs: &'static [&'static str] = Box::leak(vec!["Operation failed."].into_boxed_slice());
    Box::leak(Box::new(Code {
        code,
        kind,
        w: 1,
        item: false,
        class: "ExchangeError",
        msgs,
        zh: "",
    }))
}

// ---------------------------------------------------------------- files

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum F {
    Py,
    Ft,
    Ev,
    Zap,
    Ep,
    V3,
}

const FILES: [F; 6] = [F::Py, F::Ft, F::Ev, F::Zap, F::Ep, F::V3];

impl F {
    fn name(self) -> &'static str {
        match self {
            F::Py => "python.log",
            F::Ft => "freqtrade.log",
            F::Ev => "events.jsonl",
            F::Zap => "zap.log",
            F::Ep => "epoch.log",
            F::V3 => "v3bot.log",
        }
    }
    fn share(self) -> f64 {
        match self {
            F::Py => 0.25,
            F::Ft => 0.20,
            F::Ev => 0.20,
            F::Zap => 0.15,
            F::Ep => 0.10,
            F::V3 => 0.10,
        }
    }
    fn accepts(self, k: Kind) -> bool {
        match self {
            F::Py | F::Ev | F::Zap | F::Ep => matches!(k, Kind::Rest | Kind::Ws),
            F::Ft => k == Kind::Rest,
            F::V3 => matches!(k, Kind::V3 | Kind::V1),
        }
    }
    /// chance that a record is an error-event record (baseline, outside storms)
    fn p_event(self) -> f64 {
        match self {
            F::Py => 0.020,
            F::Ft => 0.009,
            F::Ev => 0.020,
            F::Zap => 0.020,
            F::Ep => 0.018,
            F::V3 => 0.017,
        }
    }
}

// ---------------------------------------------------------------- formatting helpers

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u64;
    let mp = if m > 2 { m - 3 } else { m + 9 } as u64;
    let doy = (153 * mp + 2) / 5 + d as u64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i64 - 719_468
}

fn p2(b: &mut Vec<u8>, v: u32) {
    b.push(b'0' + (v / 10 % 10) as u8);
    b.push(b'0' + (v % 10) as u8);
}

fn p3(b: &mut Vec<u8>, v: u32) {
    b.push(b'0' + (v / 100 % 10) as u8);
    p2(b, v % 100);
}

fn pu(b: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = 20;
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// `YYYY-MM-DD<sep>HH:MM:SS<frac>mmm` for `ms` shifted by `off_min` minutes.
fn pdt(b: &mut Vec<u8>, ms: i64, off_min: i64, sep: u8, frac: u8) {
    let ms = ms + off_min * 60_000;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000) as u32;
    let (y, m, d) = civil_from_days(days);
    pu(b, y as u64);
    b.push(b'-');
    p2(b, m);
    b.push(b'-');
    p2(b, d);
    b.push(sep);
    p2(b, rem / 3_600_000);
    b.push(b':');
    p2(b, rem / 60_000 % 60);
    b.push(b':');
    p2(b, rem / 1000 % 60);
    b.push(frac);
    p3(b, rem % 1000);
}

fn rfc_z(b: &mut Vec<u8>, ms: i64) {
    pdt(b, ms, 0, b'T', b'.');
    b.push(b'Z');
}

/// `+0800` (colon=false) or `+08:00` (colon=true)
fn rfc_off(b: &mut Vec<u8>, ms: i64, off_min: i64, colon: bool) {
    pdt(b, ms, off_min, b'T', b'.');
    b.push(if off_min < 0 { b'-' } else { b'+' });
    let a = off_min.unsigned_abs() as u32;
    p2(b, a / 60);
    if colon {
        b.push(b':');
    }
    p2(b, a % 60);
}

fn json_escape(b: &mut Vec<u8>, s: &[u8]) {
    for &c in s {
        match c {
            b'"' => b.extend_from_slice(b"\\\""),
            b'\\' => b.extend_from_slice(b"\\\\"),
            b'\n' => b.extend_from_slice(b"\\n"),
            b'\r' => b.extend_from_slice(b"\\r"),
            b'\t' => b.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                b.extend_from_slice(b"\\u00");
                b.push(b"0123456789abcdef"[(c >> 4) as usize]);
                b.push(b"0123456789abcdef"[(c & 15) as usize]);
            }
            c => b.push(c),
        }
    }
}

fn jstr(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    json_escape(b, s.as_bytes());
    b.push(b'"');
}

/// JSON string with non-ASCII escaped as \uXXXX (Python json.dumps default).
fn jstr_ascii(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    for ch in s.chars() {
        if ch.is_ascii() {
            json_escape(b, &[ch as u8]);
        } else {
            let mut units = [0u16; 2];
            for u in ch.encode_utf16(&mut units) {
                b.extend_from_slice(b"\\u");
                for shift in [12, 8, 4, 0] {
                    b.push(b"0123456789abcdef"[((*u >> shift) & 15) as usize]);
                }
            }
        }
    }
    b.push(b'"');
}

/// Python repr() of a str.
fn pystr(b: &mut Vec<u8>, s: &str) {
    let q = if s.contains('\'') && !s.contains('"') {
        b'"'
    } else {
        b'\''
    };
    b.push(q);
    for &c in s.as_bytes() {
        if c == b'\\' {
            b.extend_from_slice(b"\\\\");
        } else if c == q {
            b.push(b'\\');
            b.push(c);
        } else {
            b.push(c);
        }
    }
    b.push(q);
}

/// Node util.inspect() of a string.
fn jsstr(b: &mut Vec<u8>, s: &str) {
    let q = if !s.contains('\'') {
        b'\''
    } else if !s.contains('"') {
        b'"'
    } else {
        b'`'
    };
    b.push(q);
    b.extend_from_slice(s.as_bytes());
    b.push(q);
}

// ---------------------------------------------------------------- output

struct Out {
    buf: Vec<u8>,
    file: Option<File>,
    flushed: u64,
    lines: u64,
    crlf: bool,
    /// Bytes counted but not written (see `FAKE_PASS_COUNTED`).
    padding: u64,
}

impl Out {
    fn s(&mut self, s: &str) {
        if s == FAKE_PASS {
            self.padding += FAKE_PASS_COUNTED - FAKE_PASS.len() as u64;
        }
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn n(&mut self, v: u64) {
        pu(&mut self.buf, v);
    }
    fn eol(&mut self) {
        if self.crlf {
            self.buf.push(b'\r');
        }
        self.buf.push(b'\n');
        self.lines += 1;
        if self.buf.len() >= (4 << 20) {
            self.flush();
        }
    }
    /// a whole line
    fn l(&mut self, s: &str) {
        self.s(s);
        self.eol();
    }
    fn flush(&mut self) {
        if let Some(f) = self.file.as_mut() {
            f.write_all(&self.buf).expect("write");
        }
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
    }
    fn bytes(&self) -> u64 {
        self.flushed + self.buf.len() as u64 + self.padding
    }
    /// 1-based number of the line being written now
    fn cur_line(&self) -> u64 {
        self.lines + 1
    }
}

// ---------------------------------------------------------------- shared data

const SH_V5: &str = "v5";
const SH_SC: &str = "v5-scode";
const SH_WS: &str = "ws";
const SH_V3: &str = "v3";
const SH_V1: &str = "v1";
const SH_PY: &str = "python-dict";
const SH_JS: &str = "js-object";
const SH_GO: &str = "go-struct";
const SH_EX: &str = "exception";
const SHAPES: [&str; 9] = [
    SH_V5, SH_SC, SH_WS, SH_V3, SH_V1, SH_PY, SH_JS, SH_GO, SH_EX,
];

const INSTS: &[&str] = &[
    "BTC-USDT-SWAP",
    "ETH-USDT-SWAP",
    "SOL-USDT-SWAP",
    "DOGE-USDT-SWAP",
    "XRP-USDT-SWAP",
    "BTC-USDT",
    "ETH-USDT",
];
const PAIRS: &[&str] = &[
    "BTC/USDT:USDT",
    "ETH/USDT:USDT",
    "SOL/USDT:USDT",
    "DOGE/USDT:USDT",
    "XRP/USDT:USDT",
];
/// "prices" that look like OKX codes (decoys for naive 5-digit matchers)
const CODEY: &[u64] = &[
    50011, 50102, 50113, 51000, 51006, 51008, 51121, 51603, 50001, 50013,
];

struct Night {
    start: i64,
    hours: usize,
    secrets: bool,
    codes: Vec<&'static Code>,
}

struct Stats {
    /// code -> events per hour
    hourly: HashMap<&'static str, Vec<u64>>,
    shapes: [u64; 9],
    events: u64,
}

struct G<'a> {
    f: F,
    rng: Rng,
    o: Out,
    truth: Vec<u8>,
    night: &'a Night,
    now: i64,
    hour: usize,
    t1: Vec<u8>,
    t2: Vec<u8>,
    pick: Vec<(&'static Code, u32)>,
    pick_total: u32,
    stats: Stats,
    storm: bool,
    records: u64,
    /// with --secrets, the first event record that can carry secrets always does
    first_secret: bool,
    /// python.log: the first one-line error also carries the request headers
    first_inline: bool,
    nocode_done: bool,
}

// ---------------------------------------------------------------- generator core

impl<'a> G<'a> {
    fn new(f: F, seed: u64, night: &'a Night, file: Option<File>) -> G<'a> {
        let mut pick = Vec::new();
        let mut tot = 0;
        for c in &night.codes {
            if f.accepts(c.kind) {
                tot += c.w;
                pick.push((*c, tot));
            }
        }
        G {
            f,
            rng: Rng::new(seed ^ (f as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407)),
            o: Out {
                buf: Vec::with_capacity(5 << 20),
                file,
                flushed: 0,
                lines: 0,
                crlf: f == F::V3,
                padding: 0,
            },
            truth: Vec::new(),
            night,
            now: night.start,
            hour: 0,
            t1: Vec::with_capacity(4096),
            t2: Vec::with_capacity(4096),
            pick,
            pick_total: tot,
            stats: Stats {
                hourly: HashMap::new(),
                shapes: [0; 9],
                events: 0,
            },
            storm: false,
            records: 0,
            first_secret: true,
            first_inline: true,
            nocode_done: false,
        }
    }

    /// Record a truth row for the line being written now.
    fn ev(&mut self, code: &'static str, time: Option<i64>, shape: &'static str) {
        let line = self.o.cur_line();
        let t = &mut self.truth;
        t.extend_from_slice(self.f.name().as_bytes());
        t.push(b'\t');
        pu(t, line);
        t.push(b'\t');
        t.extend_from_slice(code.as_bytes());
        t.push(b'\t');
        if let Some(ms) = time {
            rfc_z(t, ms);
        }
        t.push(b'\t');
        t.extend_from_slice(shape.as_bytes());
        t.push(b'\n');
        let hours = self.night.hours;
        self.stats
            .hourly
            .entry(code)
            .or_insert_with(|| vec![0; hours])[self.hour] += 1;
        self.stats.shapes[SHAPES.iter().position(|s| *s == shape).unwrap()] += 1;
        self.stats.events += 1;
    }

    fn evn(&mut self, code: &'static str, shape: &'static str) {
        self.ev(code, Some(self.now), shape)
    }

    fn pick_code(&mut self) -> &'static Code {
        let r = self.rng.below(self.pick_total as u64) as u32;
        for &(c, cum) in &self.pick {
            if r < cum {
                return c;
            }
        }
        self.pick.last().unwrap().0
    }

    fn msg(&mut self, c: &'static Code) -> &'static str {
        if c.msgs.len() > 1 && self.rng.chance(0.3) {
            c.msgs[1 + self.rng.below(c.msgs.len() as u64 - 1) as usize]
        } else {
            c.msgs[0]
        }
    }

    fn secrets(&self) -> bool {
        self.night.secrets
    }

    /// put secrets next to this event? (never inside storms)
    fn want_secret(&mut self, p: f64) -> bool {
        if !self.night.secrets || self.storm {
            false
        } else if self.first_secret {
            self.first_secret = false;
            true
        } else {
            self.rng.chance(p)
        }
    }

    /// advance the clock a little inside one multi-line record
    fn tick(&mut self, max_ms: u64) {
        let t = self.now + self.rng.range(1, max_ms) as i64;
        if t < self.night.start + (self.hour as i64 + 1) * H_MS {
            self.now = t;
        }
    }

    fn hex(&mut self, n: usize) {
        for _ in 0..n {
            let d = self.rng.below(16) as usize;
            self.o.buf.push(b"0123456789abcdef"[d]);
        }
    }

    fn digits(&mut self, n: usize) {
        let d = self.rng.range(1, 9) as u8;
        self.o.buf.push(b'0' + d);
        for _ in 1..n {
            let d = self.rng.below(10) as u8;
            self.o.buf.push(b'0' + d);
        }
    }

    /// a price, sometimes one whose integer part looks like an OKX code
    fn price(&mut self) {
        self.price_of("BTC-USDT-SWAP");
    }

    /// a price in ticks and the number of decimals, for an instrument
    fn pval(&mut self, inst: &str) -> (u64, u32) {
        match inst.as_bytes()[0] {
            b'B' => {
                let v = if self.rng.chance(0.25) {
                    *self.rng.pick(CODEY)
                } else {
                    self.rng.range(48_500, 53_500)
                };
                (v * 10 + self.rng.below(10), 1)
            }
            b'E' => (self.rng.range(290_000, 360_000), 2),
            b'S' => (self.rng.range(12_000, 26_000), 2),
            b'D' => (self.rng.range(10_000, 40_000), 5),
            _ => (self.rng.range(4_000, 25_000), 4),
        }
    }

    fn pprint(&mut self, v: u64, dec: u32) {
        let p = 10u64.pow(dec);
        self.o.n(v / p);
        self.o.buf.push(b'.');
        let f = v % p;
        let mut div = p / 10;
        while div > 0 {
            self.o.buf.push(b'0' + (f / div % 10) as u8);
            div /= 10;
        }
    }

    fn price_of(&mut self, inst: &str) {
        let (v, d) = self.pval(inst);
        self.pprint(v, d);
    }

    fn conn_id(b: &mut Vec<u8>, rng: &mut Rng) {
        for _ in 0..8 {
            b.push(b"0123456789abcdef"[rng.below(16) as usize]);
        }
    }

    // ------------------------------------------------------------ bodies into t1

    /// v5 body `{"code":..,"data":[],"msg":..}` in one of several key orders.
    fn body_v5(&mut self, c: &'static Code, msg: &str, numeric_ok: bool) {
        let b = &mut self.t1;
        b.clear();
        let order = self.rng.below(5);
        let numeric = numeric_ok && self.rng.chance(0.15);
        let ascii = self.rng.chance(0.5);
        let code = |b: &mut Vec<u8>| {
            b.extend_from_slice(b"\"code\":");
            if numeric {
                b.extend_from_slice(c.code.as_bytes());
            } else {
                jstr(b, c.code);
            }
        };
        let m = |b: &mut Vec<u8>| {
            b.extend_from_slice(b"\"msg\":");
            if ascii {
                jstr_ascii(b, msg)
            } else {
                jstr(b, msg)
            }
        };
        b.push(b'{');
        match order {
            0 | 1 => {
                code(b);
                b.extend_from_slice(b",\"data\":[],");
                m(b);
            }
            2 => {
                m(b);
                b.push(b',');
                code(b);
            }
            3 => {
                code(b);
                b.push(b',');
                m(b);
                b.extend_from_slice(b",\"data\":[]");
            }
            _ => {
                m(b);
                b.push(b',');
                code(b);
                b.extend_from_slice(b",\"data\":[]");
            }
        }
        b.push(b'}');
    }

    /// a message, sometimes localised
    fn msg_l(&mut self, c: &'static Code) -> &'static str {
        if !c.zh.is_empty() && self.rng.chance(0.08) {
            c.zh
        } else {
            self.msg(c)
        }
    }

    fn item_json(b: &mut Vec<u8>, rng: &mut Rng, scode: &str, smsg: &str, ts: i64, ascii: bool) {
        b.extend_from_slice(b"{\"clOrdId\":\"");
        if rng.chance(0.6) {
            for _ in 0..32 {
                b.push(b"0123456789abcdef"[rng.below(16) as usize]);
            }
        }
        b.extend_from_slice(b"\",\"ordId\":\"");
        if scode == "0" {
            pu(
                b,
                rng.range(600_000_000_000_000_000, 699_999_999_999_999_999),
            );
        }
        b.extend_from_slice(b"\",\"sCode\":");
        jstr(b, scode);
        b.extend_from_slice(b",\"sMsg\":");
        if ascii {
            jstr_ascii(b, smsg);
        } else {
            jstr(b, smsg);
        }
        b.extend_from_slice(b",\"tag\":\"\",\"ts\":\"");
        pu(b, ts as u64);
        b.extend_from_slice(b"\"}");
    }

    /// Batch/order response into t1; returns how many items failed (each one an event).
    /// `items` failing items with code `c`, plus `ok` successful ones (then top-level "2").
    fn body_batch(&mut self, c: &'static Code, nfail: usize, nok: usize, msg: &str) {
        let ascii = self.rng.chance(0.3);
        let b = &mut self.t1;
        b.clear();
        let top = if nok > 0 { "2" } else { "1" };
        b.extend_from_slice(b"{\"code\":\"");
        b.extend_from_slice(top.as_bytes());
        b.extend_from_slice(b"\",\"data\":[");
        let ts = self.now - self.rng.range(5, 400) as i64;
        let n = nfail + nok;
        let mut okleft = nok;
        for i in 0..n {
            if i > 0 {
                b.push(b',');
            }
            let ok = okleft > 0 && (self.rng.chance(0.5) || n - i <= okleft);
            if ok && okleft > 0 {
                okleft -= 1;
                Self::item_json(b, &mut self.rng, "0", "Order placed", ts, ascii);
            } else {
                Self::item_json(b, &mut self.rng, c.code, msg, ts, ascii);
            }
        }
        b.extend_from_slice(b"],\"inTime\":\"");
        pu(b, (ts as u64) * 1000 + self.rng.below(1000));
        b.extend_from_slice(b"\",\"msg\":\"");
        if top == "1" {
            b.extend_from_slice(if self.rng.chance(0.7) {
                b"All operations failed"
            } else {
                b""
            });
        } else {
            b.extend_from_slice(b"Batch operation partially succeeded");
        }
        b.extend_from_slice(b"\",\"outTime\":\"");
        pu(b, (ts as u64) * 1000 + 1000 + self.rng.below(1000));
        b.extend_from_slice(b"\"}");
    }

    fn body_ws(&mut self, c: &'static Code, msg: &str) {
        let b = &mut self.t1;
        b.clear();
        b.extend_from_slice(b"{\"event\":\"error\",");
        if self.rng.chance(0.5) {
            b.extend_from_slice(b"\"code\":");
            jstr(b, c.code);
            b.extend_from_slice(b",\"msg\":");
            jstr(b, msg);
        } else {
            b.extend_from_slice(b"\"msg\":");
            jstr(b, msg);
            b.extend_from_slice(b",\"code\":");
            jstr(b, c.code);
        }
        b.extend_from_slice(b",\"connId\":\"");
        Self::conn_id(b, &mut self.rng);
        b.extend_from_slice(b"\"}");
    }

    fn body_success(&mut self) {
        let ts = self.now - self.rng.range(5, 300) as i64;
        let b = &mut self.t1;
        b.clear();
        match self.rng.below(3) {
            0 => b.extend_from_slice(b"{\"code\":\"0\",\"data\":[],\"msg\":\"\"}"),
            1 => {
                b.extend_from_slice(b"{\"code\":\"0\",\"data\":[");
                Self::item_json(b, &mut self.rng, "0", "Order placed", ts, false);
                b.extend_from_slice(b"],\"inTime\":\"");
                pu(b, ts as u64 * 1000 + 17);
                b.extend_from_slice(b"\",\"msg\":\"\",\"outTime\":\"");
                pu(b, ts as u64 * 1000 + 912);
                b.extend_from_slice(b"\"}");
            }
            _ => {
                b.extend_from_slice(
                    b"{\"code\":\"0\",\"data\":[{\"adjEq\":\"\",\"details\":[{\"availBal\":\"",
                );
                pu(b, self.rng.range(100, 99_999));
                b.extend_from_slice(b".12\",\"ccy\":\"USDT\",\"eq\":\"");
                pu(b, self.rng.range(100, 99_999));
                b.extend_from_slice(b".5\"}],\"totalEq\":\"");
                pu(b, self.rng.range(100, 99_999));
                b.extend_from_slice(b".5\",\"uTime\":\"");
                pu(b, ts as u64);
                b.extend_from_slice(b"\"}],\"msg\":\"\"}");
            }
        }
    }

    // ------------------------------------------------------------ main loop

    fn run(&mut self, budgets: &[u64], storms: &[Vec<(&'static Code, u64)>]) {
        self.preamble();
        let start = self.night.start;
        for h in 0..self.night.hours {
            self.hour = h;
            let hs = start + h as i64 * H_MS;
            let b0 = self.o.bytes();
            let budget = budgets[h].max(1);
            let quota = &storms[h];
            let mut done = vec![0u64; quota.len()];
            loop {
                let used = self.o.bytes() - b0;
                let left = quota.iter().zip(&done).any(|(q, d)| *d < q.1);
                if used >= budget && !left {
                    break;
                }
                let frac = (used as f64 / budget as f64).min(0.9995);
                let jitter = self.rng.below(700) as i64;
                let t = (hs + (frac * H_MS as f64) as i64 + jitter).min(hs + H_MS - 1);
                if t > self.now {
                    self.now = t;
                }
                let mut stormed = false;
                if left {
                    // storm window: from 15% to 75% of the hour's bytes
                    let w = ((frac - 0.15) / 0.6).clamp(0.0, 1.0);
                    for i in 0..quota.len() {
                        let (c, q) = quota[i];
                        if done[i] < q && (used >= budget || (done[i] as f64) < q as f64 * w) {
                            self.storm = true;
                            done[i] += self.event(c) as u64;
                            self.storm = false;
                            stormed = true;
                            break;
                        }
                    }
                }
                if !stormed {
                    self.record();
                }
            }
        }
        self.o.flush();
    }

    fn record(&mut self) {
        self.records += 1;
        if !self.pick.is_empty() && self.rng.chance(self.f.p_event()) {
            let c = self.pick_code();
            self.event(c);
        } else {
            self.noise();
        }
    }

    fn event(&mut self, c: &'static Code) -> u32 {
        match self.f {
            F::Py => self.py_event(c),
            F::Ft => self.ft_event(c),
            F::Ev => self.ev_event(c),
            F::Zap => self.zap_event(c),
            F::Ep => self.ep_event(c),
            F::V3 => self.v3_event(c),
        }
    }

    fn noise(&mut self) {
        match self.f {
            F::Py => self.py_noise(),
            F::Ft => self.ft_noise(),
            F::Ev => self.ev_noise(),
            F::Zap => self.zap_noise(),
            F::Ep => self.ep_noise(),
            F::V3 => self.v3_noise(),
        }
    }

    fn preamble(&mut self) {
        match self.f {
            F::Py => self.py_preamble(),
            F::Ev if self.secrets() => {
                self.ev_head("info", "bot.config", "config loaded");
                self.o.s(",\"okx\":{\"apiKey\":\"");
                self.o.s(FAKE_KEY);
                self.o.s("\",\"secretKey\":\"");
                self.o.s(FAKE_SECRET);
                self.o.s("\",\"passphrase\":\"");
                self.o.s(FAKE_PASS);
                self.o
                    .s("\",\"simulated\":false,\"retry_on\":\"error_code in (50011,50013)\"}}");
                self.o.eol();
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- python.log

const PY_CCXT_FRAMES: &[(&str, u32, &str, &str)] = &[
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/okx.py", 2871, "create_order", "response = self.privatePostTradeBatchOrders(request)"),
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/base/types.py", 35, "unbound_method", "return _self.request(self.path, self.api, self.method, params, config=self.config)"),
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/base/exchange.py", 3821, "request", "return self.fetch2(path, api, method, params, headers, body, config)"),
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/base/exchange.py", 3818, "fetch2", "raise e"),
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/base/exchange.py", 642, "fetch", "skip_further_error_handling = self.handle_errors(http_status_code, http_status_text, url, method, headers, http_response, json_response, request_headers, request_body)"),
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/okx.py", 7673, "handle_errors", "self.throw_exactly_matched_exception(self.exceptions['exact'], errorCode, feedback)"),
    ("/srv/bot/venv/lib/python3.11/site-packages/ccxt/base/exchange.py", 4346, "throw_exactly_matched_exception", "raise exact[string](message)"),
];

impl<'a> G<'a> {
    /// a plausible API call for the code
    fn op_for(&mut self, c: &'static Code) -> &'static str {
        let ops: &[&'static str] = match c.class {
            "OrderNotFound" => &["fetch_order", "cancel_order"],
            "InsufficientFunds" | "InvalidOrder" | "AccountNotEnabled" => {
                &["create_order", "create_order", "edit_order"]
            }
            "BadRequest" => &["set_leverage", "create_order"],
            "AuthenticationError" | "PermissionDenied" | "InvalidNonce" => {
                &["fetch_balance", "fetch_positions", "create_order"]
            }
            "BadSymbol" => &["fetch_ticker", "create_order"],
            "ExchangeError" => &["set_leverage", "set_position_mode", "edit_order"],
            _ => &[
                "fetch_positions",
                "fetch_balance",
                "create_order",
                "cancel_order",
                "fetch_ohlcv",
            ],
        };
        ops[self.rng.below(ops.len() as u64) as usize]
    }
}

impl<'a> G<'a> {
    fn py_head(&mut self, level: &str, logger: &str) {
        pdt(&mut self.o.buf, self.now, 0, b' ', b',');
        self.o.s(" - ");
        self.o.s(logger);
        self.o.s(" - ");
        self.o.s(level);
        self.o.s(" - ");
    }

    fn py_frame(&mut self, file: &str, line: u32, func: &str, code: &str) {
        self.o.s("  File \"");
        self.o.s(file);
        self.o.s("\", line ");
        self.o.n(line as u64);
        self.o.s(", in ");
        self.o.s(func);
        self.o.eol();
        self.o.s("    ");
        self.o.s(code);
        self.o.eol();
    }

    fn py_tb_start(&mut self, op: &str) {
        self.o.l("Traceback (most recent call last):");
        let ln = self.rng.range(80, 400) as u32;
        self.o.s("  File \"/srv/bot/bot/exchange.py\", line ");
        self.o.n(ln as u64);
        self.o.s(", in ");
        self.o.s(op);
        self.o.eol();
        self.o.s("    result = self.ex.");
        self.o.s(op);
        self.o.s("(symbol, *args, **params)");
        self.o.eol();
        let n = self.rng.range(2, 5) as usize;
        let k = PY_CCXT_FRAMES.len();
        for &(f, l, func, code) in &PY_CCXT_FRAMES[k - n..] {
            self.py_frame(f, l, func, code);
        }
    }

    fn py_preamble(&mut self) {
        // plain print() output before logging is configured: no timestamps
        self.o.l("Loading configuration from /srv/bot/config.yaml");
        self.o.l("ccxt version: 4.4.26");
        self.o.s("exchange config: {'apiKey': ");
        if self.secrets() {
            pystr(&mut self.o.buf, FAKE_KEY);
            self.o.s(", 'secret': ");
            pystr(&mut self.o.buf, FAKE_SECRET);
            self.o.s(", 'password': ");
            pystr(&mut self.o.buf, FAKE_PASS);
            self.o.padding += FAKE_PASS_COUNTED - FAKE_PASS.len() as u64;
        } else {
            self.o.s("'***', 'secret': '***', 'password': '***'");
        }
        self.o.s(", 'enableRateLimit': True, 'options': {'defaultType': 'swap', 'adjustForTimeDifference': False}, 'proxies': None}");
        self.o.eol();
        if let Some(c) =
            find_code("50102").filter(|c| self.night.codes.iter().any(|n| n.code == c.code))
        {
            self.o.s("preflight check failed: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}");
            self.ev(c.code, None, SH_V5);
            self.o.eol();
        }
        self.o
            .l("local clock is 2.8s ahead of server time, enabling adjustForTimeDifference");
        self.py_head("INFO", "bot.config");
        self.o
            .s("retry policy: back off on error_code in (50011, 50013, 50102), max_retries=4");
        self.o.eol();
    }

    fn py_secret_headers(&mut self) {
        self.py_head("DEBUG", "bot.exchange");
        self.o.s("request headers: {'OK-ACCESS-KEY': '");
        self.o.s(FAKE_KEY);
        self.o.s("', 'OK-ACCESS-SIGN': '");
        self.o.s(FAKE_SIGN);
        self.o.s("', 'OK-ACCESS-TIMESTAMP': '");
        rfc_z(&mut self.o.buf, self.now - 31_000);
        self.o.s("', 'OK-ACCESS-PASSPHRASE': '");
        self.o.s(FAKE_PASS);
        self.o.s("', 'Content-Type': 'application/json'}");
        self.o.eol();
    }

    fn py_event(&mut self, c: &'static Code) -> u32 {
        let msg = self.msg_l(c);
        if c.kind == Kind::Ws {
            return self.py_ws(c, msg);
        }
        if self.want_secret(0.08) {
            self.py_secret_headers();
        }
        let r = self.rng.below(100);
        if !self.storm && c.item && r < 25 {
            // order/batch response, logged as JSON or as a dict repr
            let nfail = if self.rng.chance(0.7) {
                1
            } else {
                self.rng.range(2, 3) as usize
            };
            let nok = if self.rng.chance(0.3) {
                self.rng.range(1, 2) as usize
            } else {
                0
            };
            if self.rng.chance(0.5) {
                self.body_batch(c, nfail, nok, msg);
                self.py_head("ERROR", "bot.exchange");
                self.o.s("create_orders failed: okx ");
                self.o.buf.extend_from_slice(&self.t1);
                for _ in 0..nfail {
                    self.evn(c.code, SH_SC);
                }
                self.o.eol();
            } else {
                self.py_head("WARNING", "bot.okx");
                self.o.s(if self.rng.chance(0.5) {
                    "order result: "
                } else {
                    "place_order response: "
                });
                let full = self.rng.chance(0.5);
                if full {
                    self.o.s("{'code': '");
                    self.o.s(if nok > 0 { "2" } else { "1" });
                    self.o.s("', 'data': ");
                }
                self.o.s("[");
                let ts = self.now - self.rng.range(5, 400) as i64;
                for i in 0..nfail + nok {
                    if i > 0 {
                        self.o.s(", ");
                    }
                    let ok = i >= nfail;
                    self.o.s("{'clOrdId': '', 'ordId': '");
                    if ok {
                        self.digits(18);
                    }
                    self.o.s("', 'sCode': '");
                    self.o.s(if ok { "0" } else { c.code });
                    self.o.s("', 'sMsg': ");
                    pystr(&mut self.o.buf, if ok { "Order placed" } else { msg });
                    self.o.s(", 'tag': '', 'ts': '");
                    self.o.n(ts as u64);
                    self.o.s("'}");
                    if !ok {
                        self.evn(c.code, SH_PY);
                    }
                }
                self.o.s("]");
                if full {
                    self.o.s(", 'msg': ");
                    pystr(
                        &mut self.o.buf,
                        if nok > 0 { "" } else { "All operations failed" },
                    );
                    self.o.s("}");
                }
                self.o.eol();
            }
            return nfail as u32;
        }
        let r = if self.storm { r % 60 } else { r };
        let op = self.op_for(c);
        if r < 35 {
            // one log line with a ccxt-style "okx {...}" message
            self.body_v5(c, msg, true);
            let lvl = if self.rng.chance(0.7) {
                "ERROR"
            } else {
                "WARNING"
            };
            self.py_head(lvl, "bot.exchange");
            self.o.s(op);
            self.o.s(" failed: okx ");
            self.o.buf.extend_from_slice(&self.t1);
            if self.secrets() && !self.storm && (self.first_inline || self.rng.chance(0.05)) {
                self.first_inline = false;
                self.o.s(" request_headers={'OK-ACCESS-KEY': '");
                self.o.s(FAKE_KEY);
                self.o.s("', 'OK-ACCESS-SIGN': '");
                self.o.s(FAKE_SIGN);
                self.o.s("', 'OK-ACCESS-PASSPHRASE': '");
                self.o.s(FAKE_PASS);
                self.o.s("'}");
            }
            self.evn(c.code, SH_V5);
            self.o.eol();
            1
        } else if r < 60 {
            // logger.exception(): header line, traceback, exception line without a timestamp
            self.body_v5(c, msg, false);
            self.py_head("ERROR", "bot.exchange");
            self.o.s(op);
            self.o.s(" failed");
            self.o.eol();
            self.py_tb_start(op);
            self.o.s("ccxt.base.errors.");
            self.o.s(c.class);
            self.o.s(": okx ");
            self.o.buf.extend_from_slice(&self.t1);
            self.evn(c.code, SH_V5);
            self.o.eol();
            if !self.storm && self.rng.chance(0.35) {
                // chained re-raise: an echo of the same response
                self.o.eol();
                if self.rng.chance(0.5) {
                    self.o
                        .l("During handling of the above exception, another exception occurred:");
                } else {
                    self.o
                        .l("The above exception was the direct cause of the following exception:");
                }
                self.o.eol();
                self.o.l("Traceback (most recent call last):");
                self.py_frame(
                    "/srv/bot/bot/main.py",
                    57,
                    "tick",
                    "await self.strategy.step()",
                );
                self.py_frame(
                    "/srv/bot/venv/lib/python3.11/site-packages/freqtrade/exchange/common.py",
                    187,
                    "wrapper",
                    "return f(*args, **kwargs)",
                );
                self.py_frame(
                    "/srv/bot/venv/lib/python3.11/site-packages/freqtrade/exchange/exchange.py",
                    1311,
                    op,
                    "raise TemporaryError(",
                );
                self.o.s("freqtrade.exceptions.TemporaryError: Could not ");
                self.o.s(op);
                self.o.s(" due to ");
                self.o.s(c.class);
                self.o.s(". Message: okx ");
                self.o.buf.extend_from_slice(&self.t1);
                self.o.eol();
            }
            1
        } else if r < 75 {
            // python-okx SDK: exception text, no JSON
            self.py_head("ERROR", "bot.okx");
            self.o.s("order loop crashed");
            self.o.eol();
            self.o.l("Traceback (most recent call last):");
            self.py_frame(
                "/srv/bot/bot/okx_client.py",
                88,
                "place",
                "result = self.trade.place_order(**params)",
            );
            self.py_frame(
                "/srv/bot/venv/lib/python3.11/site-packages/okx/okxclient.py",
                56,
                "_request",
                "return self._process_response(response)",
            );
            self.py_frame(
                "/srv/bot/venv/lib/python3.11/site-packages/okx/okxclient.py",
                71,
                "_process_response",
                "raise exceptions.OkxAPIException(json_res)",
            );
            self.o
                .s("okx.exceptions.OkxAPIException: API Request Error(code=");
            self.o.s(c.code);
            self.o.s("): ");
            self.o.s(msg);
            self.evn(c.code, SH_EX);
            self.o.eol();
            1
        } else if r < 97 {
            // python-okx returns dicts; bots print them
            self.py_head("WARNING", "bot.okx");
            self.o.s(op);
            self.o.s(" response: {'code': '");
            self.o.s(c.code);
            self.o.s("', 'msg': ");
            pystr(&mut self.o.buf, msg);
            self.o.s(", 'data': []}");
            self.evn(c.code, SH_PY);
            self.o.eol();
            1
        } else {
            // HTTP 5xx body without any code (ccxt ExchangeError), shape v3 per the brief
            self.py_head("ERROR", "bot.exchange");
            self.o.s(op);
            self.o.s(" failed");
            self.o.eol();
            self.py_tb_start(op);
            self.o.s("ccxt.base.errors.ExchangeError: okx {\"message\":\"An unexpected error occurred\"}");
            self.evn("", SH_V3);
            self.o.eol();
            1
        }
    }

    fn py_ws(&mut self, c: &'static Code, msg: &str) -> u32 {
        if self.rng.chance(0.5) {
            self.py_head("ERROR", "bot.ws");
            self.o.s("ws message: {'event': 'error', 'code': '");
            self.o.s(c.code);
            self.o.s("', 'msg': ");
            pystr(&mut self.o.buf, msg);
            self.o.s(", 'connId': '");
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("'} state={'authenticated': ");
            self.o.s(if c.code == "60011" || c.code == "60009" {
                "False"
            } else {
                "True"
            });
            self.o.s(", 'last_pong': None}");
            self.evn(c.code, SH_PY);
            self.o.eol();
        } else {
            self.body_ws(c, msg);
            self.py_head("ERROR", "bot.ws");
            self.o.s("ws message: ");
            self.o.buf.extend_from_slice(&self.t1);
            self.evn(c.code, SH_WS);
            self.o.eol();
        }
        1
    }

    fn py_noise(&mut self) {
        let r = self.rng.below(1000);
        if r < 260 {
            self.py_head("INFO", "bot.main");
            self.o.s("heartbeat ok, open_orders=");
            let n = self.rng.below(9);
            self.o.n(n);
            self.o.s(", equity=");
            let e = self.rng.range(9_000, 12_000);
            self.o.n(e);
            self.o.s(".42 USDT, mode=cross");
        } else if r < 450 {
            self.py_head("DEBUG", "bot.market");
            let i = *self.rng.pick(INSTS);
            self.o.s("ticker ");
            self.o.s(i);
            let (v, d) = self.pval(i);
            let sp = self.rng.range(1, 5);
            self.o.s(" last=");
            self.pprint(v, d);
            self.o.s(" bid=");
            self.pprint(v - sp, d);
            self.o.s(" ask=");
            self.pprint(v + sp, d);
        } else if r < 600 {
            self.py_head("INFO", "bot.exchange");
            let i = *self.rng.pick(INSTS);
            self.o.s("order placed ");
            self.o.s(i);
            self.o.s(if self.rng.chance(0.5) {
                " buy "
            } else {
                " sell "
            });
            let q = self.rng.range(1, 50);
            self.o.n(q);
            self.o.s(" @ ");
            self.price_of(i);
            self.o.s(" ordId=");
            self.digits(18);
        } else if r < 700 {
            self.py_head("DEBUG", "bot.exchange");
            self.body_success();
            self.o.s("response: ");
            self.o.buf.extend_from_slice(&self.t1);
        } else if r < 760 {
            self.py_head("DEBUG", "bot.okx");
            self.o
                .s("place_order response: {'code': '0', 'data': [{'clOrdId': '', 'ordId': '");
            self.digits(18);
            self.o
                .s("', 'sCode': '0', 'sMsg': 'Order placed', 'tag': '', 'ts': '");
            self.o.n(self.now as u64 - 40);
            self.o.s("'}], 'inTime': '', 'msg': '', 'outTime': ''}");
        } else if r < 820 {
            self.py_head("DEBUG", "bot.ws");
            self.o.s("ws state: {'connected': True, 'authenticated': True, 'last_pong': None, 'reconnects': ");
            let n = self.rng.below(4);
            self.o.n(n);
            self.o.s(", 'node': 'ws-okx-2'}");
        } else if r < 850 {
            self.py_head("DEBUG", "bot.ws");
            self.o.s(
                "ws message: {'event': 'notice', 'code': '64008', 'msg': 'The connection will soon be closed for a service upgrade. Please reconnect.', 'connId': '",
            );
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("'}");
        } else if r < 880 {
            self.py_head("INFO", "bot.account");
            self.o.s("position mode is long_short_mode, decode of account config ok, no error_code returned");
        } else if r < 905 {
            self.py_head("WARNING", "bot.exchange");
            let i = *self.rng.pick(INSTS);
            self.o
                .s("okx GET https://www.okx.com/api/v5/market/ticker?instId=");
            self.o.s(i);
            self.o.s(" failed: ClientConnectorError: Cannot connect to host www.okx.com:443 ssl:default [Connection reset by peer]");
        } else if r < 920 {
            self.py_head("ERROR", "bot.exchange");
            self.o.s("fetch_ticker failed");
            self.o.eol();
            self.py_tb_start("fetch_ticker");
            self.o.s("ccxt.base.errors.RequestTimeout: okx GET https://www.okx.com/api/v5/market/ticker?instId=BTC-USDT-SWAP request timed out (10000 ms)");
        } else if r < 940 {
            self.py_head("WARNING", "bot.hedge");
            self.o.s("binance cancel_order failed: binance {\"code\":-2011,\"msg\":\"Unknown order sent.\"}");
        } else if r < 950 {
            self.py_head("ERROR", "bot.hedge");
            self.o.s("position side change failed");
            self.o.eol();
            self.o.l("Traceback (most recent call last):");
            self.py_frame(
                "/srv/bot/bot/hedge.py",
                1060,
                "request",
                "raise IOError(f\"Error fetching data from {path}. HTTP status is {response.status}. \"",
            );
            self.o.s("OSError: Error fetching data from /fapi/v1/positionSide/dual. HTTP status is 400. Request Error: {'code': -4059, 'msg': 'No need to change position side.'}");
        } else if r < 960 {
            self.py_head("ERROR", "bot.kucoin");
            self.o.s("kucoin order failed");
            self.o.eol();
            self.o.l("Traceback (most recent call last):");
            self.py_frame(
                "/srv/bot/venv/lib/python3.11/site-packages/kucoin/base_request/base_request.py",
                110,
                "check_response_data",
                "raise Exception(\"{}-{}\".format(response_data.status_code, response_data.text))",
            );
            self.o
                .s("Exception: 200-{\"code\":\"300000\",\"msg\":\"Order size invalid.\"}");
        } else if r < 970 {
            self.py_head("WARNING", "bot.kucoin");
            self.o
                .s("kucoin {\"code\":\"400100\",\"msg\":\"Parameter Error\"}");
        } else if r < 980 {
            self.py_head("WARNING", "bot.bybit");
            self.o.s("bybit {\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{},\"retExtInfo\":{},\"time\":");
            self.o.n(self.now as u64);
            self.o.s("}");
        } else if r < 990 {
            self.py_head("WARNING", "bot.okcoin");
            self.o.s("okcoin fetch_balance failed: okcoin {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}");
        } else {
            self.py_head("INFO", "bot.main");
            self.o.s("node ws-okx-2 reconnected, decode mode=json");
        }
        self.o.eol();
    }
}

// ---------------------------------------------------------------- freqtrade.log

impl<'a> G<'a> {
    fn ft_head(&mut self, level: &str, logger: &str) {
        self.o.s("freqtrade_1  | ");
        self.py_head(level, logger);
    }

    fn ft_event(&mut self, c: &'static Code) -> u32 {
        let msg = self.msg_l(c);
        let pair = *self.rng.pick(PAIRS);
        if c.item && !self.storm && self.rng.chance(0.5) {
            // create order -> order response with a failing sCode
            let nfail = 1;
            self.body_batch(c, nfail, 0, msg);
            self.ft_head("WARNING", "freqtrade.freqtradebot");
            self.o.s("Unable to create trade for ");
            self.o.s(pair);
            self.o.s(": ");
            if c.class == "InsufficientFunds" {
                self.o
                    .s("Insufficient funds to create a limit buy order on market ");
            } else {
                self.o.s("Could not create limit buy order on market ");
            }
            self.o.s(pair);
            self.o.s(". Tried to buy amount 0.");
            self.digits(3);
            self.o.s(" at rate ");
            self.price();
            self.o.s(".Message: okx ");
            self.o.buf.extend_from_slice(&self.t1);
            self.evn(c.code, SH_SC);
            self.o.eol();
            return 1;
        }
        if c.class == "AuthenticationError" || c.class == "PermissionDenied" {
            self.body_v5(c, msg, true);
            self.ft_head("ERROR", "freqtrade.exchange.exchange");
            self.o.s("Could not get balance due to ");
            self.o.s(c.class);
            self.o.s(". Message: okx ");
            self.o.buf.extend_from_slice(&self.t1);
            self.evn(c.code, SH_V5);
            self.o.eol();
            return 1;
        }
        // retried call: every attempt is a new response (a new event)
        let (func, pre, ddos): (&str, &str, bool) = match c.class {
            "RateLimitExceeded" => {
                if self.rng.chance(0.5) {
                    ("get_market_leverage_tiers", "", true)
                } else {
                    (
                        "fetch_ticker",
                        "Could not load ticker due to DDosProtection. Message: ",
                        true,
                    )
                }
            }
            "BadRequest" => (
                "_lev_prep",
                "Could not set leverage due to BadRequest. Message: ",
                false,
            ),
            "OrderNotFound" => (
                "fetch_order",
                "Tried to get an invalid order (id: 6539120458211340288). Message: ",
                false,
            ),
            "InvalidNonce" => (
                "fetch_balance",
                "Could not get balance due to InvalidNonce. Message: ",
                false,
            ),
            "OnMaintenance" | "ExchangeNotAvailable" | "RequestTimeout" => (
                "fetch_positions",
                "Could not get positions due to ExchangeNotAvailable. Message: ",
                false,
            ),
            _ => (
                "_set_leverage",
                "Could not set leverage due to ExchangeError. Message: ",
                false,
            ),
        };
        self.body_v5(c, msg, true);
        let attempts = if self.storm {
            self.rng.range(1, 3)
        } else {
            self.rng.range(1, 5)
        };
        let mut count = 4u64;
        for a in 0..attempts {
            if a > 0 {
                self.tick(if ddos { 1500 } else { 400 });
            }
            self.ft_head("WARNING", "freqtrade.exchange.common");
            self.o.s(func);
            self.o.s("() returned exception: \"");
            self.o.s(pre);
            self.o.s("okx ");
            self.o.buf.extend_from_slice(&self.t1);
            self.o.s("\". ");
            self.evn(c.code, SH_V5);
            if count > 0 {
                self.o.s("Retrying still for ");
                self.o.n(count);
                self.o.s(" times.");
                self.o.eol();
                if ddos {
                    self.ft_head("INFO", "freqtrade.exchange.common");
                    self.o.s("Applying DDosProtection backoff delay: ");
                    self.o.n(5 - count);
                    self.o.eol();
                }
            } else {
                self.o.s("Giving up.");
                self.o.eol();
            }
            count = count.saturating_sub(1);
        }
        if attempts == 5 && self.rng.chance(0.6) {
            // the caller logs the exception that was given up on: an echo
            self.tick(30);
            self.ft_head("WARNING", "freqtrade.freqtradebot");
            self.o.s("Unable to create trade for ");
            self.o.s(pair);
            self.o.s(": ");
            self.o.s(pre);
            self.o.s("okx ");
            self.o.buf.extend_from_slice(&self.t1);
            self.o.eol();
        }
        attempts as u32
    }

    fn ft_noise(&mut self) {
        let r = self.rng.below(1000);
        let pair = *self.rng.pick(PAIRS);
        if r < 250 {
            self.ft_head("INFO", "freqtrade.worker");
            self.o
                .s("Bot heartbeat. PID=1, version='2024.10', state='RUNNING'");
        } else if r < 420 {
            self.ft_head("INFO", "freqtrade.exchange.exchange");
            self.o.s("Using cached candle (OHLCV) data for ");
            self.o.s(pair);
            self.o.s(", 5m, futures ...");
        } else if r < 520 {
            self.ft_head("INFO", "freqtrade.wallets");
            self.o.s("Wallets synced.");
        } else if r < 620 {
            self.ft_head("INFO", "freqtrade.freqtradebot");
            self.o.s("Long signal found: about create a new trade for ");
            self.o.s(pair);
            self.o.s(" with stake_amount: 100.0 and price: ");
            self.price_of(pair);
            self.o.s(" ...");
        } else if r < 720 {
            self.ft_head("INFO", "freqtrade.freqtradebot");
            self.o.s("Found open order for Trade(id=");
            let n = self.rng.range(1, 400);
            self.o.n(n);
            self.o.s(", pair=");
            self.o.s(pair);
            self.o.s(", amount=0.01000000, open_rate=");
            self.price_of(pair);
            self.o.s("000000, open_since=");
            pdt(&mut self.o.buf, self.now - 3_600_000, 0, b' ', b',');
            self.o.buf.truncate(self.o.buf.len() - 4);
            self.o.s(")");
        } else if r < 780 {
            self.ft_head("DEBUG", "freqtrade.exchange.exchange");
            self.o
                .s("create_order response: {'info': {'clOrdId': '', 'ordId': '");
            self.digits(18);
            self.o
                .s("', 'sCode': '0', 'sMsg': 'Order placed', 'tag': '', 'ts': '");
            self.o.n(self.now as u64 - 31);
            self.o.s("'}, 'id': '");
            self.digits(18);
            self.o.s("', 'status': None, 'reduceOnly': False}");
        } else if r < 830 {
            self.ft_head("INFO", "freqtrade.rpc.rpc_manager");
            self.o
                .s("Sending rpc message: {'type': status, 'status': 'running'}");
        } else if r < 860 {
            self.ft_head("INFO", "freqtrade.exchange.okx");
            self.o
                .s("Trading mode: futures, margin mode: isolated, position mode: long_short_mode");
        } else if r < 900 {
            self.ft_head("WARNING", "freqtrade.exchange.common");
            self.o.s("fetch_ticker() returned exception: \"Could not load ticker due to NetworkError. Message: okx GET https://www.okx.com/api/v5/market/ticker?instId=");
            {
                let x = *self.rng.pick(INSTS);
                self.o.s(x)
            };
            self.o.s(" 502 Bad Gateway\". Retrying still for 4 times.");
        } else if r < 920 {
            self.ft_head("WARNING", "freqtrade.exchange.common");
            self.o.s("fetch_positions() returned exception: \"Could not get positions due to RequestTimeout. Message: okx GET https://www.okx.com/api/v5/account/positions?instType=SWAP request timed out (10000 ms)\". Retrying still for 3 times.");
        } else if r < 960 {
            // another bot in the same compose project, on Binance
            self.o.s("freqtrade_binance_1  | ");
            self.py_head("WARNING", "freqtrade.exchange.common");
            self.o.s("cancel_order() returned exception: \"Could not cancel order. Message: binance {\"code\":-2011,\"msg\":\"Unknown order sent.\"}\". Retrying still for 3 times.");
        } else if r < 975 {
            self.o.s("freqtrade_binance_1  | ");
            self.py_head("WARNING", "freqtrade.freqtradebot");
            self.o.s("Unable to sell trade: Could not cancel order. Message: binance {\"code\":-2011,\"msg\":\"Unknown order sent.\"}");
        } else if r < 990 {
            self.ft_head("INFO", "freqtrade.persistence.models");
            self.o.s("decode of trade custom data ok (node=primary)");
        } else {
            self.ft_head("INFO", "freqtrade.configuration.configuration");
            self.o.s("Runmode set to live.");
        }
        self.o.eol();
    }
}

// ---------------------------------------------------------------- events.jsonl

impl<'a> G<'a> {
    /// `{<time>,"level":..,"logger":..,"msg":..` (no closing brace)
    fn ev_head(&mut self, level: &str, logger: &str, msg: &str) {
        let v = self.rng.below(100);
        let b = &mut self.o.buf;
        if v < 12 {
            // pino: numeric level, epoch-ms "time" after the level
            b.extend_from_slice(b"{\"level\":");
            b.extend_from_slice(match level {
                "error" => b"50",
                "warn" => b"40",
                "debug" => b"20",
                _ => b"30",
            });
            b.extend_from_slice(b",\"time\":");
            pu(b, self.now as u64);
            b.extend_from_slice(b",\"pid\":7,\"hostname\":\"bot-1\",\"name\":\"");
            b.extend_from_slice(logger.as_bytes());
            b.extend_from_slice(b"\",\"msg\":");
            jstr(b, msg);
            return;
        }
        b.push(b'{');
        match v {
            12..=41 => {
                b.extend_from_slice(b"\"ts\":\"");
                rfc_z(b, self.now);
                b.push(b'"');
            }
            42..=56 => {
                b.extend_from_slice(b"\"ts\":");
                pu(b, self.now as u64);
            }
            57..=71 => {
                b.extend_from_slice(b"\"time\":\"");
                rfc_off(b, self.now, 0, true);
                b.push(b'"');
            }
            72..=84 => {
                b.extend_from_slice(b"\"timestamp\":\"");
                rfc_z(b, self.now);
                b.push(b'"');
            }
            85..=96 => {
                b.extend_from_slice(b"\"@timestamp\":\"");
                rfc_z(b, self.now);
                b.push(b'"');
            }
            _ => {
                b.extend_from_slice(b"\"timestamp\":\"");
                rfc_off(b, self.now, -300, true);
                b.push(b'"');
            }
        }
        b.extend_from_slice(b",\"level\":\"");
        b.extend_from_slice(level.as_bytes());
        b.extend_from_slice(b"\",\"logger\":\"");
        b.extend_from_slice(logger.as_bytes());
        b.extend_from_slice(b"\",\"msg\":");
        jstr(b, msg);
    }

    /// t1 as an escaped JSON string value
    fn t1_escaped(&mut self) {
        self.o.buf.push(b'"');
        json_escape(&mut self.o.buf, &self.t1);
        self.o.buf.push(b'"');
    }

    fn ev_event(&mut self, c: &'static Code) -> u32 {
        let msg = self.msg_l(c);
        if c.kind == Kind::Ws {
            let p = if c.code == "60009" { 0.5 } else { 0.05 };
            if self.want_secret(p) {
                // login request with credentials and the error it got, on one line
                self.body_ws(c, msg);
                self.ev_head("error", "okx.ws", "login rejected");
                self.o
                    .s(",\"request\":{\"op\":\"login\",\"args\":[{\"apiKey\":\"");
                self.o.s(FAKE_KEY);
                self.o.s("\",\"passphrase\":\"");
                self.o.s(FAKE_PASS);
                self.o.s("\",\"timestamp\":\"");
                self.o.n((self.now / 1000) as u64 - 31);
                self.o.s("\",\"sign\":\"");
                self.o.s(FAKE_SIGN);
                self.o.s("\"}]},\"response\":");
                self.o.buf.extend_from_slice(&self.t1);
                self.evn(c.code, SH_WS);
                self.o.s("}");
                self.o.eol();
                return 1;
            }
            self.body_ws(c, msg);
            self.ev_head("error", "okx.ws", "ws error event");
            if self.rng.chance(0.6) {
                self.o.s(",\"frame\":");
                self.o.buf.extend_from_slice(&self.t1);
            } else {
                self.o.s(",\"raw\":");
                self.t1_escaped();
            }
            self.evn(c.code, SH_WS);
            self.o.s(",\"channel\":\"private\"}");
            self.o.eol();
            return 1;
        }
        let r = self.rng.below(100);
        if c.item && !self.storm && r < 35 {
            let nfail = if self.rng.chance(0.6) {
                1
            } else {
                self.rng.range(2, 4) as usize
            };
            let nok = if self.rng.chance(0.4) {
                self.rng.range(1, 3) as usize
            } else {
                0
            };
            self.body_batch(c, nfail, nok, msg);
            self.ev_head("error", "okx.rest", "batch failed");
            if self.rng.chance(0.6) {
                self.o.s(",\"body\":");
                self.o.buf.extend_from_slice(&self.t1);
            } else {
                self.o.s(",\"response\":");
                self.t1_escaped();
            }
            for _ in 0..nfail {
                self.evn(c.code, SH_SC);
            }
            self.o.s(",\"orders\":");
            self.o.n((nfail + nok) as u64);
            self.o.s("}");
            self.o.eol();
            return nfail as u32;
        }
        self.body_v5(c, msg, true);
        if r < 55 {
            self.ev_head("error", "okx.rest", "order rejected");
            self.o.s(",\"status\":");
            self.o.s(if c.code == "50011" {
                "429"
            } else if c.class == "AuthenticationError" {
                "401"
            } else {
                "200"
            });
            self.o.s(",\"response\":");
            self.t1_escaped();
            if self.secrets()
                && !self.storm
                && c.class == "AuthenticationError"
                && self.rng.chance(0.3)
            {
                self.o.s(",\"request_headers\":{\"OK-ACCESS-KEY\":\"");
                self.o.s(FAKE_KEY);
                self.o.s("\",\"OK-ACCESS-SIGN\":\"");
                self.o.s(FAKE_SIGN);
                self.o.s("\",\"OK-ACCESS-PASSPHRASE\":\"");
                self.o.s(FAKE_PASS);
                self.o.s("\"}");
            }
        } else if r < 85 {
            self.ev_head("error", "okx.rest", "request failed");
            self.o.s(",\"instId\":\"");
            {
                let x = *self.rng.pick(INSTS);
                self.o.s(x)
            };
            self.o.s("\",\"body\":");
            self.o.buf.extend_from_slice(&self.t1);
        } else {
            // JS error serialised by pino: the body is in message AND stack (same line, one event)
            let (ty, m) = (c.class, "fetchOrder failed");
            self.ev_head("error", "okx.rest", m);
            self.t2.clear();
            self.t2.extend_from_slice(b"okx ");
            self.t2.extend_from_slice(&self.t1);
            self.o.s(",\"err\":{\"type\":\"");
            self.o.s(ty);
            self.o.s("\",\"message\":\"");
            json_escape(&mut self.o.buf, &self.t2);
            self.o.s("\",\"stack\":\"");
            self.o.s(ty);
            self.o.s(": ");
            json_escape(&mut self.o.buf, &self.t2);
            self.o.s("\\n    at okx.handleErrors (/app/node_modules/ccxt/js/src/okx.js:6737:18)\\n    at /app/node_modules/ccxt/js/src/base/Exchange.js:760:51\"}");
        }
        self.evn(c.code, SH_V5);
        self.o.s("}");
        self.o.eol();
        1
    }

    fn ev_noise(&mut self) {
        let r = self.rng.below(1000);
        if r < 250 {
            self.ev_head("info", "bot", "heartbeat");
            self.o.s(",\"uptime_s\":");
            self.o.n(((self.now - self.night.start) / 1000) as u64);
            self.o.s(",\"open_orders\":");
            let n = self.rng.below(9);
            self.o.n(n);
        } else if r < 480 {
            self.ev_head("info", "okx.rest", "order placed");
            self.o.s(",\"instId\":\"");
            let i = *self.rng.pick(INSTS);
            self.o.s(i);
            self.o.s("\",\"side\":\"buy\",\"px\":\"");
            self.price_of(i);
            self.o.s("\",\"sz\":\"1\",\"ordId\":\"");
            self.digits(18);
            self.o.s("\"");
        } else if r < 600 {
            self.body_success();
            self.ev_head("debug", "okx.rest", "response");
            if self.rng.chance(0.5) {
                self.o.s(",\"body\":");
                self.o.buf.extend_from_slice(&self.t1);
            } else {
                self.o.s(",\"response\":");
                self.t1_escaped();
            }
        } else if r < 680 {
            self.ev_head("info", "okx.ws", "ws event");
            self.o.s(",\"frame\":{\"event\":\"subscribe\",\"arg\":{\"channel\":\"tickers\",\"instId\":\"");
            {
                let x = *self.rng.pick(INSTS);
                self.o.s(x)
            };
            self.o.s("\"},\"connId\":\"");
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("\"}");
        } else if r < 730 {
            self.ev_head("info", "okx.ws", "ws event");
            self.o
                .s(",\"frame\":{\"event\":\"login\",\"code\":\"0\",\"msg\":\"\",\"connId\":\"");
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("\"}");
        } else if r < 760 {
            self.ev_head("warn", "okx.ws", "ws event");
            self.o.s(",\"frame\":{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a service upgrade. Please reconnect.\",\"connId\":\"");
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("\"}");
        } else if r < 800 {
            self.ev_head("error", "okx.rest", "request failed");
            self.o.s(",\"url\":\"https://www.okx.com/api/v5/trade/order\",\"error\":\"Post \\\"https://www.okx.com/api/v5/trade/order\\\": dial tcp 104.18.43.174:443: i/o timeout\"");
        } else if r < 830 {
            self.ev_head("warn", "hedge", "order failed");
            self.o.s(",\"exchange\":\"bybit\",\"response\":{\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{},\"time\":");
            self.o.n(self.now as u64);
            self.o.s("}");
        } else if r < 860 {
            self.ev_head("warn", "hedge", "order failed");
            self.o.s(",\"exchange\":\"kucoin\",\"body\":{\"code\":\"400100\",\"msg\":\"Parameter Error\"}");
        } else if r < 885 {
            self.ev_head("warn", "hedge", "balance failed");
            self.o.s(",\"exchange\":\"okcoin\",\"error\":\"okcoin {\\\"code\\\":\\\"50102\\\",\\\"msg\\\":\\\"Timestamp request expired\\\"}\"");
        } else if r < 910 {
            self.ev_head("warn", "hedge", "order failed");
            self.o.s(",\"error\":\"binance {\\\"code\\\":-2011,\\\"msg\\\":\\\"Unknown order sent.\\\"}\"");
        } else if r < 960 {
            self.ev_head(
                "info",
                "okx.account",
                "position mode is long_short_mode; decode ok; error_code absent",
            );
            self.o.s(",\"node\":\"okx-rest-3\"");
        } else {
            self.ev_head("debug", "okx.market", "ticker");
            self.o
                .s(",\"ticker\":{\"instId\":\"BTC-USDT-SWAP\",\"last\":\"");
            self.price();
            self.o.s("\",\"ts\":\"");
            self.o.n(self.now as u64 - 12);
            self.o.s("\"}");
        }
        self.o.s("}");
        self.o.eol();
    }
}

// ---------------------------------------------------------------- zap.log

impl<'a> G<'a> {
    fn zap_head(&mut self, level: &str, caller: &str, msg: &str) {
        rfc_off(&mut self.o.buf, self.now, 480, false);
        self.o.s("\t");
        self.o.s(level);
        self.o.s("\t");
        self.o.s(caller);
        self.o.s("\t");
        self.o.s(msg);
    }

    fn zap_event(&mut self, c: &'static Code) -> u32 {
        let msg = self.msg(c);
        if c.kind == Kind::Ws {
            let p = if c.code == "60009" { 0.6 } else { 0.1 };
            if self.want_secret(p) {
                self.zap_head("DEBUG", "okx/ws.go:95", "ws send\t");
                self.o.s("{\"op\":\"login\",\"args\":[{\"apiKey\":\"");
                self.o.s(FAKE_KEY);
                self.o.s("\",\"passphrase\":\"");
                self.o.s(FAKE_PASS);
                self.o.s("\",\"timestamp\":\"");
                self.o.n((self.now / 1000) as u64);
                self.o.s("\",\"sign\":\"");
                self.o.s(FAKE_SIGN);
                self.o.s("\"}]}");
                self.o.eol();
                self.tick(120);
            }
            if self.rng.chance(0.6) {
                self.body_ws(c, msg);
                self.zap_head("ERROR", "okx/ws.go:88", "ws error\t");
                self.o.buf.extend_from_slice(&self.t1);
                self.evn(c.code, SH_WS);
            } else {
                self.zap_head(
                    "ERROR",
                    "okx/ws.go:120",
                    "unexpected event: &{Event:error Msg:",
                );
                self.o.s(msg);
                self.o.s(" Op: Code:");
                self.o.s(c.code);
                self.o.s(" Args:[] Arg:<nil> Data:[] ID:}");
                self.evn(c.code, SH_GO);
            }
            self.o.eol();
            return 1;
        }
        let r = self.rng.below(100);
        if c.item && !self.storm && r < 25 {
            let nfail = if self.rng.chance(0.7) { 1 } else { 2 };
            let nok = if self.rng.chance(0.3) { 1 } else { 0 };
            self.body_batch(c, nfail, nok, msg);
            self.zap_head("ERROR", "okx/rest.go:131", "batch order failed\t{\"resp\":");
            self.o.buf.extend_from_slice(&self.t1);
            for _ in 0..nfail {
                self.evn(c.code, SH_SC);
            }
            self.o.s("}");
            self.o.eol();
            return nfail as u32;
        }
        if r < 55 {
            self.body_v5(c, msg, false);
            self.zap_head("ERROR", "okx/rest.go:91", "order failed\t{\"instId\":\"");
            {
                let x = *self.rng.pick(INSTS);
                self.o.s(x)
            };
            self.o.s("\",\"resp\":");
            self.o.buf.extend_from_slice(&self.t1);
            self.o.s("}");
            self.evn(c.code, SH_V5);
        } else if r < 80 {
            self.body_v5(c, msg, false);
            self.zap_head("WARN", "okx/rest.go:77", "api error\t{\"body\":");
            self.t1_escaped();
            self.o.s(",\"status\":");
            self.o.s(if c.code == "50011" { "429" } else { "200" });
            self.o.s("}");
            self.evn(c.code, SH_V5);
        } else {
            self.zap_head("ERROR", "okx/rest.go:95", "api error: &{Code:");
            self.o.s(c.code);
            self.o.s(" Msg:");
            self.o.s(msg);
            self.o.s(" Data:[]}");
            self.evn(c.code, SH_GO);
        }
        self.o.eol();
        1
    }

    fn zap_noise(&mut self) {
        let r = self.rng.below(1000);
        if r < 250 {
            self.zap_head("DEBUG", "okx/ws.go:140", "pong");
        } else if r < 450 {
            self.zap_head(
                "INFO",
                "strategy/grid.go:142",
                "order placed\t{\"instId\":\"",
            );
            let i = *self.rng.pick(INSTS);
            self.o.s(i);
            self.o.s("\",\"ordId\":\"");
            self.digits(18);
            self.o.s("\",\"px\":\"");
            self.price_of(i);
            self.o.s("\",\"sz\":\"1\"}");
        } else if r < 560 {
            self.zap_head(
                "INFO",
                "strategy/grid.go:88",
                "grid tick\t{\"levels\":24,\"filled\":",
            );
            let n = self.rng.below(24);
            self.o.n(n);
            self.o.s(",\"mode\":\"neutral\"}");
        } else if r < 640 {
            self.zap_head(
                "INFO",
                "okx/ws.go:61",
                "ws connected\t{\"url\":\"wss://ws.okx.com:8443/ws/v5/private\",\"connId\":\"",
            );
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("\"}");
        } else if r < 700 {
            self.zap_head(
                "INFO",
                "okx/ws.go:102",
                "login ok\t{\"event\":\"login\",\"code\":\"0\",\"msg\":\"\",\"connId\":\"",
            );
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("\"}");
        } else if r < 730 {
            self.zap_head("WARN", "okx/ws.go:110", "service notice\t{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a service upgrade. Please reconnect.\",\"connId\":\"");
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("\"}");
        } else if r < 750 {
            self.zap_head("WARN", "okx/ws.go:120", "unexpected event: &{Event:notice Msg:The connection will soon be closed for a service upgrade. Please reconnect. Op: Code:64008 Args:[] Arg:<nil> Data:[] ID:}");
        } else if r < 800 {
            self.body_success();
            self.zap_head("DEBUG", "okx/rest.go:70", "response\t{\"resp\":");
            self.o.buf.extend_from_slice(&self.t1);
            self.o.s("}");
        } else if r < 830 {
            self.zap_head("ERROR", "okx/rest.go:77", "request failed\t{\"error\":\"Post \\\"https://www.okx.com/api/v5/trade/order\\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\"}");
        } else if r < 860 {
            self.zap_head("WARN", "okx/ws.go:201", "ws read error\t{\"error\":\"websocket: close 1006 (abnormal closure): unexpected EOF\"}");
        } else if r < 890 {
            self.zap_head("ERROR", "binance/rest.go:55", "order failed\t{\"exchange\":\"binance\",\"body\":{\"code\":-2011,\"msg\":\"Unknown order sent.\"}}");
        } else if r < 910 {
            self.zap_head("ERROR", "bybit/rest.go:61", "order failed\t{\"exchange\":\"bybit\",\"body\":{\"retCode\":10001,\"retMsg\":\"params error\"}}");
        } else if r < 950 {
            self.zap_head(
                "DEBUG",
                "okx/codec.go:33",
                "decode frame\t{\"node\":\"ws-2\",\"mode\":\"cross\",\"error_code\":null}",
            );
        } else {
            self.zap_head(
                "DEBUG",
                "okx/rest.go:66",
                "api ok: &{Code:0 Msg: Data:[0xc000",
            );
            self.hex(6);
            self.o.s("]}");
        }
        self.o.eol();
    }
}

// ---------------------------------------------------------------- epoch.log

const JAVA_FRAMES: &[&str] = &[
    "\tat org.knowm.xchange.okex.v5.service.OkexBaseService.handleError(OkexBaseService.java:52)",
    "\tat org.knowm.xchange.okex.v5.service.OkexTradeServiceRaw.placeOkexOrder(OkexTradeServiceRaw.java:118)",
    "\tat org.knowm.xchange.okex.v5.service.OkexTradeService.placeLimitOrder(OkexTradeService.java:64)",
    "\tat com.example.bot.OrderRouter.place(OrderRouter.java:211)",
    "\tat com.example.bot.Main.lambda$run$0(Main.java:77)",
    "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)",
];

impl<'a> G<'a> {
    fn ep_head(&mut self, level: &str) {
        self.o.n(self.now as u64);
        self.o.s(" ");
        self.o.s(level);
        self.o.s(" ");
    }

    fn ep_secrets(&mut self, ws: bool) {
        if !ws {
            self.ep_head("DEBUG");
            self.o.s("request headers:");
            self.o.eol();
            self.o.s("OK-ACCESS-KEY: ");
            self.o.s(FAKE_KEY);
            self.o.eol();
            self.o.s("OK-ACCESS-SIGN: ");
            self.o.s(FAKE_SIGN);
            self.o.eol();
            self.o.s("OK-ACCESS-TIMESTAMP: ");
            rfc_z(&mut self.o.buf, self.now - 30_500);
            self.o.eol();
            self.o.s("OK-ACCESS-PASSPHRASE: ");
            self.o.s(FAKE_PASS);
            self.o.eol();
        } else {
            self.ep_head("DEBUG");
            self.o.s("ws sending {");
            self.o.eol();
            self.o.l("  op: 'login',");
            self.o.l("  args: [");
            self.o.l("    {");
            self.o.s("        apiKey: '");
            self.o.s(FAKE_KEY);
            self.o.s("',");
            self.o.eol();
            self.o.s("        passphrase: '");
            self.o.s(FAKE_PASS);
            self.o.s("',");
            self.o.eol();
            self.o.s("        timestamp: '");
            self.o.n((self.now / 1000) as u64);
            self.o.s("',");
            self.o.eol();
            self.o.s("        sign: '");
            self.o.s(FAKE_SIGN);
            self.o.s("'");
            self.o.eol();
            self.o.l("    }");
            self.o.l("  ]");
            self.o.l("}");
        }
        self.tick(200);
    }

    fn js_ws(&mut self, c: &'static Code, msg: &str) {
        if self.rng.chance(0.5) {
            self.o.s("{ event: 'error', msg: ");
            jsstr(&mut self.o.buf, msg);
            self.o.s(", code: '");
            self.o.s(c.code);
            self.o.s("' }");
        } else {
            self.o.s("{ event: 'error', code: '");
            self.o.s(c.code);
            self.o.s("', msg: ");
            jsstr(&mut self.o.buf, msg);
            self.o.s(", connId: '");
            Self::conn_id(&mut self.o.buf, &mut self.rng);
            self.o.s("' }");
        }
    }

    fn ep_event(&mut self, c: &'static Code) -> u32 {
        let msg = self.msg(c);
        if self.want_secret(0.08) {
            self.ep_secrets(c.kind == Kind::Ws);
        }
        if c.kind == Kind::Ws {
            self.ep_head("WARN");
            self.o.s("ws onMessage ");
            self.js_ws(c, msg);
            self.evn(c.code, SH_JS);
            self.o.eol();
            return 1;
        }
        let r = self.rng.below(100);
        if !self.storm && r < 15 {
            // pretty-printed body after a timestamped header line
            let batch = c.item && self.rng.chance(0.8);
            self.ep_head("ERROR");
            self.o.s(if batch {
                "batch order response:"
            } else {
                "order response:"
            });
            self.o.eol();
            self.o.l("{");
            if batch {
                let nfail = self.rng.range(1, 2) as usize;
                let nok = if self.rng.chance(0.3) { 1 } else { 0 };
                let n = nfail + nok;
                self.o.s("  \"code\": \"");
                self.o.s(if nok > 0 { "2" } else { "1" });
                self.o.s("\",");
                self.o.eol();
                self.o.l("  \"data\": [");
                let ts = self.now - self.rng.range(5, 500) as i64;
                for i in 0..n {
                    let ok = i >= nfail;
                    self.o.l("    {");
                    self.o.s("      \"clOrdId\": \"\",");
                    self.o.eol();
                    self.o.s("      \"ordId\": \"");
                    if ok {
                        self.digits(18);
                    }
                    self.o.s("\",");
                    self.o.eol();
                    self.o.s("      \"sCode\": \"");
                    self.o.s(if ok { "0" } else { c.code });
                    self.o.s("\",");
                    if !ok {
                        self.evn(c.code, SH_SC);
                    }
                    self.o.eol();
                    self.o.s("      \"sMsg\": ");
                    jstr(&mut self.o.buf, if ok { "Order placed" } else { msg });
                    self.o.s(",");
                    self.o.eol();
                    self.o.s("      \"tag\": \"\",");
                    self.o.eol();
                    self.o.s("      \"ts\": \"");
                    self.o.n(ts as u64);
                    self.o.s("\"");
                    self.o.eol();
                    self.o.l(if i + 1 < n { "    }," } else { "    }" });
                }
                self.o.l("  ],");
                self.o.s("  \"inTime\": \"");
                self.o.n(ts as u64 * 1000 + 12);
                self.o.s("\",");
                self.o.eol();
                self.o.s("  \"msg\": \"");
                self.o.s(if nok > 0 { "" } else { "All operations failed" });
                self.o.s("\",");
                self.o.eol();
                self.o.s("  \"outTime\": \"");
                self.o.n(ts as u64 * 1000 + 431);
                self.o.s("\"");
                self.o.eol();
                self.o.l("}");
                return nfail as u32;
            }
            self.o.s("  \"code\": \"");
            self.o.s(c.code);
            self.o.s("\",");
            self.evn(c.code, SH_V5);
            self.o.eol();
            self.o.l("  \"data\": [],");
            self.o.s("  \"msg\": ");
            jstr(&mut self.o.buf, msg);
            self.o.eol();
            self.o.l("}");
            return 1;
        }
        if r < 50 {
            self.body_v5(c, msg, true);
            self.ep_head("ERROR");
            self.o.s("rest: okx ");
            self.o.buf.extend_from_slice(&self.t1);
            self.evn(c.code, SH_V5);
            self.o.eol();
        } else if r < 75 {
            // XChange: code:message text, stack frames, and a Caused by echo
            self.ep_head("ERROR");
            self.o.s("org.knowm.xchange.exceptions.ExchangeException: ");
            self.o.s(c.code);
            self.o.s(":");
            self.o.s(msg);
            self.evn(c.code, SH_EX);
            self.o.eol();
            let n = self.rng.range(2, JAVA_FRAMES.len() as u64) as usize;
            for f in &JAVA_FRAMES[..n] {
                self.o.l(f);
            }
            if self.storm || self.rng.chance(0.6) {
                self.o.s("Caused by: ");
                self.o.s(c.code);
                self.o.s(":");
                self.o.s(msg);
                self.o.eol();
                self.o.l("\t... 4 more");
            }
        } else if r < 90 {
            self.ep_head("ERROR");
            self.o.s("API Request Error(code=");
            self.o.s(c.code);
            self.o.s("): ");
            self.o.s(msg);
            self.evn(c.code, SH_EX);
            self.o.eol();
        } else {
            self.ep_head("WARN");
            self.o.s("rest response { code: '");
            self.o.s(c.code);
            self.o.s("', data: [], msg: ");
            jsstr(&mut self.o.buf, msg);
            self.o.s(" }");
            self.evn(c.code, SH_JS);
            self.o.eol();
        }
        1
    }

    fn ep_noise(&mut self) {
        let r = self.rng.below(1000);
        if r < 250 {
            self.ep_head("INFO");
            self.o.s("heartbeat ok");
        } else if r < 450 {
            self.ep_head("INFO");
            self.o.s("order placed instId=");
            let i = *self.rng.pick(INSTS);
            self.o.s(i);
            self.o.s(" side=sell px=");
            self.price_of(i);
            self.o.s(" sz=1 ordId=");
            self.digits(18);
        } else if r < 550 {
            self.ep_head("DEBUG");
            self.o
                .s("ws onMessage { arg: { channel: 'tickers', instId: '");
            {
                let x = *self.rng.pick(INSTS);
                self.o.s(x)
            };
            self.o.s("' }, data: [ [Object] ] }");
        } else if r < 620 {
            self.ep_head("DEBUG");
            self.o
                .s("ws onMessage { event: 'login', msg: '', code: '0' }");
        } else if r < 640 {
            self.ep_head("WARN");
            self.o.s("ws onMessage { event: 'notice', msg: 'The connection will soon be closed for a service upgrade. Please reconnect.', code: '64008' }");
        } else if r < 740 {
            self.body_success();
            self.ep_head("DEBUG");
            self.o.s("rest: okx ");
            self.o.buf.extend_from_slice(&self.t1);
        } else if r < 770 {
            self.ep_head("DEBUG");
            self.o.s("order response:");
            self.o.eol();
            self.o.l("{");
            self.o.l("  \"code\": \"0\",");
            self.o.l("  \"data\": [],");
            self.o.l("  \"msg\": \"\"");
            self.o.l("}");
            return;
        } else if r < 800 {
            self.ep_head("WARN");
            self.o
                .s("hedge: APIError(code=-1022): Signature for this request is not valid.");
        } else if r < 820 {
            self.ep_head("WARN");
            self.o
                .s("okcoin {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}");
        } else if r < 840 {
            self.ep_head("ERROR");
            self.o
                .s("kucoin Exception: 200-{\"code\":\"300000\",\"msg\":\"Order size invalid.\"}");
        } else if r < 870 {
            self.ep_head("ERROR");
            self.o
                .s("java.net.SocketTimeoutException: Read timed out (okx www.okx.com:443)");
            self.o.eol();
            self.o
                .l("\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)");
            self.o.s("\tat org.knowm.xchange.okex.v5.service.OkexAccountServiceRaw.getWalletBalances(OkexAccountServiceRaw.java:47)");
        } else if r < 900 {
            self.ep_head("INFO");
            self.o.s("decode mode=cross node=3 error_code=none");
        } else {
            self.ep_head("DEBUG");
            self.o.s("rate limiter: 18/20 requests in window");
        }
        self.o.eol();
    }
}

// ---------------------------------------------------------------- v3bot.log (CRLF)

impl<'a> G<'a> {
    fn v3_head(&mut self, level: &str) {
        self.o.s("[");
        pdt(&mut self.o.buf, self.now, 0, b' ', b'.');
        self.o.s("] ");
        self.o.s(level);
        self.o.s(" ");
    }

    fn v3_headers(&mut self, real: bool) {
        self.v3_head("DEBUG");
        self.o.s("request headers:");
        self.o.eol();
        self.o.s("OK-ACCESS-KEY: ");
        if real {
            self.o.s(FAKE_KEY);
        } else {
            self.o.s("37c541a1-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
        }
        self.o.eol();
        self.o.s("OK-ACCESS-SIGN: ");
        self.o.s(if real { FAKE_SIGN } else { "****" });
        self.o.eol();
        self.o.s("OK-ACCESS-TIMESTAMP: ");
        rfc_z(
            &mut self.o.buf,
            self.now - self.rng.range(50, 45_000) as i64,
        );
        self.o.eol();
        self.o.s("OK-ACCESS-PASSPHRASE: ");
        self.o.s(if real { FAKE_PASS } else { "nan" });
        self.o.eol();
        self.o.l("Content-Type: application/json");
        self.tick(300);
    }

    fn v3_event(&mut self, c: &'static Code) -> u32 {
        let msg = self.msg(c);
        if self.want_secret(0.12) {
            self.v3_headers(true);
        } else if !self.storm && self.rng.chance(0.05) {
            self.v3_headers(false);
        }
        // the no-code body: now and then, and at least once from hour 2 on
        let due = self.hour >= 2 && !self.nocode_done;
        if !self.storm && (due || self.rng.chance(0.06)) {
            self.nocode_done = true;
            self.v3_head("ERROR");
            self.o
                .s("ticker failed: okx {\"message\":\"An unexpected error occurred\"}");
            self.evn("", SH_V3);
            self.o.eol();
            return 1;
        }
        if c.kind == Kind::V1 {
            self.v3_head("ERROR");
            self.o.s("okex {\"result\": false, \"error_code\":");
            self.o.s(c.code);
            self.o.s("}");
            self.evn(c.code, SH_V1);
            self.o.eol();
            return 1;
        }
        self.v3_head("ERROR");
        let what = *self.rng.pick(&[
            "",
            "futures order failed: ",
            "swap order failed: ",
            "spot order failed: ",
        ]);
        self.o.s(what);
        if c.code == "35040" || self.rng.chance(0.1) {
            self.o.s("{\"error_message\":");
            jstr(&mut self.o.buf, msg);
            self.o.s(",\"result\":\"true\",\"error_code\":\"");
            self.o.s(c.code);
            self.o.s("\",\"order_id\":\"-1\"}");
        } else {
            self.o.s("{\"error_message\":");
            jstr(&mut self.o.buf, msg);
            self.o.s(",\"code\":");
            self.o.s(c.code);
            self.o.s(",\"error_code\":\"");
            self.o.s(c.code);
            self.o.s("\",\"message\":");
            jstr(&mut self.o.buf, msg);
            self.o.s("}");
        }
        self.evn(c.code, SH_V3);
        self.o.eol();
        1
    }

    fn v3_noise(&mut self) {
        let r = self.rng.below(1000);
        if r < 300 {
            self.v3_head("INFO");
            self.o.s("heartbeat");
        } else if r < 500 {
            self.v3_head("INFO");
            self.o.s("spot order placed BTC-USDT price=");
            self.price();
            self.o.s(" size=0.01 order_id=");
            self.digits(13);
        } else if r < 620 {
            self.v3_head("DEBUG");
            self.o.s("response {\"result\":true,\"order_id\":\"");
            self.digits(13);
            self.o
                .s("\",\"client_oid\":\"\",\"error_code\":\"0\",\"error_message\":\"\"}");
        } else if r < 680 {
            self.v3_head("DEBUG");
            self.o.s("okex {\"result\":true,\"order_id\":");
            self.digits(10);
            self.o.s("}");
        } else if r < 720 {
            let real = self.secrets() && self.rng.chance(0.2);
            self.v3_headers(real);
            return;
        } else if r < 760 {
            self.v3_head("WARN");
            self.o.s("okcoin {\"error_message\":\"Request timestamp expired\",\"code\":30008,\"error_code\":\"30008\",\"message\":\"Request timestamp expired\"}");
        } else if r < 790 {
            self.v3_head("WARN");
            self.o
                .s("retry: error_code field empty, node ws-2 decode ok, margin mode=crossed");
        } else if r < 820 {
            self.v3_head("ERROR");
            self.o.s("okex GET https://www.okex.com/api/futures/v3/position failed: HTTPSConnectionPool(host='www.okex.com', port=443): Read timed out. (read timeout=10)");
        } else if r < 850 {
            self.v3_head("WARN");
            self.o.s("binance {\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the recvWindow.\"}");
        } else {
            self.v3_head("INFO");
            self.o.s("futures position BTC-USD-201225 long=");
            let n = self.rng.range(1, 30);
            self.o.n(n);
            self.o.s(" avg_cost=");
            self.price();
        }
        self.o.eol();
    }
}

// ---------------------------------------------------------------- main

struct Args {
    out: String,
    mb: f64,
    seed: u64,
    truth: Option<String>,
    start: i64,
    hours: usize,
    storms: Vec<(String, usize)>,
    no_storms: bool,
    secrets: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen --out DIR [--mb N] [--seed S] [--truth FILE] [--start 2026-11-22T18:00:00Z] [--hours H] [--storm CODE@HOUR ...] [--no-storms] [--secrets]"
    );
    std::process::exit(2)
}

fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &s[st..i];
        let f3: String = frac.chars().chain("000".chars()).take(3).collect();
        ms = f3.parse().ok()?;
    }
    let off = match &s[i..] {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let v = o[1..3].parse::<i64>().ok()? * 60 + o[4..6].parse::<i64>().ok()?;
            if o.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) - off * 60) * 1000 + ms)
}

fn parse_args(v: Vec<String>) -> Args {
    let mut a = Args {
        out: String::new(),
        mb: 4.0,
        seed: 1,
        truth: None,
        start: parse_time("2026-11-22T18:00:00Z").unwrap(),
        hours: 12,
        storms: Vec::new(),
        no_storms: false,
        secrets: false,
    };
    let mut i = 0;
    let val = |i: &mut usize| -> String {
        *i += 1;
        v.get(*i).cloned().unwrap_or_else(|| usage())
    };
    while i < v.len() {
        match v[i].as_str() {
            "--out" => a.out = val(&mut i),
            "--mb" => a.mb = val(&mut i).parse().unwrap_or_else(|_| usage()),
            "--seed" => a.seed = val(&mut i).parse().unwrap_or_else(|_| usage()),
            "--truth" => a.truth = Some(val(&mut i)),
            "--start" => a.start = parse_time(&val(&mut i)).unwrap_or_else(|| usage()),
            "--hours" => a.hours = val(&mut i).parse().unwrap_or_else(|_| usage()),
            "--secrets" => a.secrets = true,
            "--no-storms" => a.no_storms = true,
            "--storm" => {
                let mut any = false;
                while i + 1 < v.len() && !v[i + 1].starts_with("--") {
                    i += 1;
                    let (c, h) = v[i].split_once('@').unwrap_or_else(|| usage());
                    a.storms
                        .push((c.to_string(), h.parse().unwrap_or_else(|_| usage())));
                    any = true;
                }
                if !any {
                    usage();
                }
            }
            "-h" | "--help" => usage(),
            _ => usage(),
        }
        i += 1;
    }
    if a.out.is_empty()
        || a.hours == 0
        || a.mb.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
    {
        usage();
    }
    if a.storms.is_empty() && !a.no_storms {
        if a.hours > 3 {
            a.storms.push(("50102".into(), 3));
        }
        if a.hours >= 9 {
            a.storms.push(("50011".into(), 8));
        }
    }
    if a.no_storms {
        a.storms.clear();
    }
    for (_, h) in &a.storms {
        if *h >= a.hours {
            eprintln!(
                "gen: storm hour {h} is outside the night (--hours {})",
                a.hours
            );
            std::process::exit(2);
        }
    }
    a
}

fn median(v: &[u64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_unstable();
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2] as f64
    } else {
        (s[n / 2 - 1] + s[n / 2]) as f64 / 2.0
    }
}

fn main() {
    run(std::env::args().skip(1).collect());
}

/// Generates a night from command-line style arguments (also used by the tests,
/// which include this file as a module).
pub fn run(argv: Vec<String>) {
    let a = parse_args(argv);
    let t0 = Instant::now();

    // the night's codes: the required ones, ~6 weighted extras, and any storm codes
    let mut rng = Rng::new(a.seed ^ 0x0005_EED0_F0C5);
    let mut codes: Vec<&'static Code> = REQUIRED.iter().map(|c| find_code(c).unwrap()).collect();
    let mut extras: Vec<&'static Code> = CODES
        .iter()
        .filter(|c| !REQUIRED.contains(&c.code))
        .collect();
    while codes.len() < NIGHT_SIZE && !extras.is_empty() {
        let tot: u64 = extras.iter().map(|c| c.w as u64).sum();
        let mut r = rng.below(tot);
        let mut k = 0;
        for (j, c) in extras.iter().enumerate() {
            if r < c.w as u64 {
                k = j;
                break;
            }
            r -= c.w as u64;
        }
        codes.push(extras.remove(k));
    }
    let mut storm_codes: Vec<(&'static Code, usize)> = Vec::new();
    for (s, h) in &a.storms {
        let c = find_code(s).unwrap_or_else(|| leak_code(s));
        if !codes.iter().any(|x| x.code == c.code) {
            codes.push(c);
        }
        storm_codes.push((c, *h));
    }
    let night = Night {
        start: a.start,
        hours: a.hours,
        secrets: a.secrets,
        codes,
    };

    // calibration: baseline events of each code per byte, and bytes per storm event, per file
    let total = (a.mb * 1_048_576.0) as u64;
    let cal = 1u64 << 20;
    let mut rate: Vec<HashMap<&'static str, f64>> = Vec::new();
    let mut storm_bpe: Vec<HashMap<&'static str, f64>> = Vec::new();
    for f in FILES {
        let cal_night = Night {
            start: a.start,
            hours: 1,
            secrets: a.secrets,
            codes: night.codes.clone(),
        };
        let mut g = G::new(f, a.seed ^ 0xCA1_1B4A7E, &cal_night, None);
        g.run(&[cal], &[Vec::new()]);
        // expected baseline rate of code c (events per byte) =
        //   P(event record) * P(code c | event record) * E[c-events per c-record] / E[bytes per record]
        let bytes_per_record = g.o.bytes() as f64 / g.records.max(1) as f64;
        let mut m = HashMap::new();
        let mut sb = HashMap::new();
        for (c, _) in &storm_codes {
            if f.accepts(c.kind) && g.pick_total > 0 {
                let before = g.stats.hourly.get(c.code).map_or(0, |v| v[0]);
                for _ in 0..400 {
                    g.event(c);
                }
                let after = g.stats.hourly.get(c.code).map_or(0, |v| v[0]);
                let per_rec = (after - before) as f64 / 400.0;
                let p_c = c.w as f64 / g.pick_total as f64;
                m.insert(c.code, f.p_event() * p_c * per_rec / bytes_per_record);
                let b0 = g.o.bytes();
                let mut n = 0;
                g.storm = true;
                for _ in 0..64 {
                    n += g.event(c);
                }
                g.storm = false;
                sb.insert(c.code, (g.o.bytes() - b0) as f64 / n.max(1) as f64);
            }
        }
        storm_bpe.push(sb);
        rate.push(m);
    }

    // storm quotas per file and hour; hour byte budgets per file
    let budgets_f: Vec<u64> = FILES
        .iter()
        .map(|f| (total as f64 * f.share()) as u64)
        .collect();
    let mut quotas: Vec<Vec<Vec<(&'static Code, u64)>>> =
        vec![vec![Vec::new(); a.hours]; FILES.len()];
    let mut storm_bytes = vec![0f64; FILES.len()];
    for &(c, h) in &storm_codes {
        let acc: Vec<usize> = (0..FILES.len())
            .filter(|&i| FILES[i].accepts(c.kind))
            .collect();
        if acc.is_empty() {
            continue;
        }
        let e: f64 = acc
            .iter()
            .map(|&i| {
                rate[i].get(c.code).copied().unwrap_or(0.0) * budgets_f[i] as f64 / a.hours as f64
            })
            .sum();
        // >= 200 events in the hour and >= 40x the median hourly count (margin for noise)
        let q = (42.0 * (e + e.sqrt())).ceil().max(210.0) as u64;
        let wsum: f64 = acc.iter().map(|&i| FILES[i].share()).sum();
        let mut given = 0;
        for (k, &i) in acc.iter().enumerate() {
            let qi = if k + 1 == acc.len() {
                q - given
            } else {
                (q as f64 * FILES[i].share() / wsum).round() as u64
            };
            given += qi;
            quotas[i][h].push((c, qi));
            storm_bytes[i] += qi as f64 * storm_bpe[i].get(c.code).copied().unwrap_or(200.0);
        }
    }
    let hour_budgets: Vec<Vec<u64>> = (0..FILES.len())
        .map(|i| {
            let base = ((budgets_f[i] as f64 - storm_bytes[i]).max(budgets_f[i] as f64 * 0.3)
                / a.hours as f64) as u64;
            (0..a.hours)
                .map(|h| {
                    let extra: f64 = quotas[i][h]
                        .iter()
                        .map(|(c, q)| {
                            *q as f64 * storm_bpe[i].get(c.code).copied().unwrap_or(200.0)
                        })
                        .sum();
                    base + extra as u64
                })
                .collect()
        })
        .collect();

    // generate the six files in parallel (each has its own PRNG stream)
    std::fs::create_dir_all(&a.out).expect("create --out dir");
    let results: Vec<(Vec<u8>, Stats, u64, u64)> = std::thread::scope(|s| {
        let hs: Vec<_> = FILES
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                let path = std::path::Path::new(&a.out).join(f.name());
                let night = &night;
                let hb = &hour_budgets[i];
                let q = &quotas[i];
                let seed = a.seed;
                s.spawn(move || {
                    let file = File::create(&path).expect("create log file");
                    let mut g = G::new(f, seed, night, Some(file));
                    g.run(hb, q);
                    (
                        std::mem::take(&mut g.truth),
                        g.stats,
                        g.o.bytes(),
                        g.o.lines,
                    )
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let truth_path = a
        .truth
        .clone()
        .unwrap_or_else(|| format!("{}.truth.tsv", a.out.trim_end_matches('/')));
    let mut tf = std::io::BufWriter::new(File::create(&truth_path).expect("create truth file"));
    tf.write_all(b"file\tline\tcode\ttime\tshape\n").unwrap();
    for r in &results {
        tf.write_all(&r.0).unwrap();
    }
    tf.flush().unwrap();
    let el = t0.elapsed().as_secs_f64();

    // summary (stderr) and a self-check of the storms
    let tot_bytes: u64 = results.iter().map(|r| r.2).sum();
    let mut shapes = [0u64; 9];
    let mut hourly: HashMap<&'static str, Vec<u64>> = HashMap::new();
    eprintln!(
        "{:<14} {:>12} {:>10} {:>8}",
        "file", "bytes", "lines", "events"
    );
    for (i, r) in results.iter().enumerate() {
        eprintln!(
            "{:<14} {:>12} {:>10} {:>8}",
            FILES[i].name(),
            r.2,
            r.3,
            r.1.events
        );
        for (s, n) in shapes.iter_mut().zip(r.1.shapes) {
            *s += n;
        }
        for (c, v) in &r.1.hourly {
            let e = hourly.entry(c).or_insert_with(|| vec![0; a.hours]);
            for h in 0..a.hours {
                e[h] += v[h];
            }
        }
    }
    let evs: u64 = shapes.iter().sum();
    let lines: u64 = results.iter().map(|r| r.3).sum();
    eprintln!("{:<14} {:>12} {:>10} {:>8}", "total", tot_bytes, lines, evs);
    let sh: Vec<String> = SHAPES
        .iter()
        .zip(shapes)
        .map(|(s, n)| format!("{s}={n}"))
        .collect();
    eprintln!("shapes: {}", sh.join(" "));
    eprintln!(
        "distinct codes: {}",
        hourly.keys().filter(|c| !c.is_empty()).count()
    );
    for &(c, h) in &storm_codes {
        let v = hourly
            .get(c.code)
            .cloned()
            .unwrap_or_else(|| vec![0; a.hours]);
        let med = median(&v);
        let ok = v[h] >= 200 && v[h] as f64 >= 40.0 * med;
        eprintln!(
            "storm {}@{}: {} events in the hour, median hourly {} -> {}",
            c.code,
            h,
            v[h],
            med,
            if ok {
                "ok"
            } else {
                "WARNING: below 200 or 40x median"
            }
        );
    }
    eprintln!(
        "wrote {} MiB in {:.2}s ({:.0} MiB/s); truth: {}",
        tot_bytes as f64 / 1_048_576.0,
        el,
        tot_bytes as f64 / 1_048_576.0 / el,
        truth_path
    );
}
