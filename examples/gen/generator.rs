//! The generator core shared by the six formats: the state of one file being written
//! (`G`), the clock and byte-budget loop over the night's hours, and the dispatch to
//! each format's `*_event`, `*_noise` and preamble.

use super::codes::Code;
use super::out::Out;
use super::plan::{Night, F};
use super::rng::Rng;
use super::truth::Stats;
use std::collections::HashMap;
use std::fs::File;

const H_MS: i64 = 3_600_000;
pub(super) const FAKE_KEY: &str = "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917";
pub(super) const FAKE_SECRET: &str = "C0FFEE5EC12E7ABCDEF0123456789AB";
/// The passphrase, and the length it counts as in byte budgets: that of the one it
/// replaced (`Hunter2Passphrase!`, which held the field name "Passphrase"), so that
/// every event kept its line and time.
pub(super) const FAKE_PASS: &str = "Tr0ub4dor&3horse";
pub(super) const FAKE_PASS_COUNTED: u64 = 18;
pub(super) const FAKE_SIGN: &str = "q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=";

// ---------------------------------------------------------------- shared data

pub(super) const SH_V5: &str = "v5";
pub(super) const SH_SC: &str = "v5-scode";
pub(super) const SH_WS: &str = "ws";
pub(super) const SH_V3: &str = "v3";
pub(super) const SH_V1: &str = "v1";
pub(super) const SH_PY: &str = "python-dict";
pub(super) const SH_JS: &str = "js-object";
pub(super) const SH_GO: &str = "go-struct";
pub(super) const SH_EX: &str = "exception";
pub(super) const SHAPES: [&str; 9] = [
    SH_V5, SH_SC, SH_WS, SH_V3, SH_V1, SH_PY, SH_JS, SH_GO, SH_EX,
];

pub(super) const INSTS: &[&str] = &[
    "BTC-USDT-SWAP",
    "ETH-USDT-SWAP",
    "SOL-USDT-SWAP",
    "DOGE-USDT-SWAP",
    "XRP-USDT-SWAP",
    "BTC-USDT",
    "ETH-USDT",
];
pub(super) const PAIRS: &[&str] = &[
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

/// One log file being written: its PRNG stream, line writer, clock, truth rows and
/// counts, and the scratch buffers (`t1`, `t2`) the bodies are built in.
pub(super) struct G<'a> {
    pub(super) f: F,
    pub(super) rng: Rng,
    pub(super) o: Out,
    pub(super) truth: Vec<u8>,
    pub(super) night: &'a Night,
    pub(super) now: i64,
    pub(super) hour: usize,
    pub(super) t1: Vec<u8>,
    pub(super) t2: Vec<u8>,
    pick: Vec<(&'static Code, u32)>,
    pub(super) pick_total: u32,
    pub(super) stats: Stats,
    pub(super) storm: bool,
    pub(super) records: u64,
    /// with --secrets, the first event record that can carry secrets always does
    first_secret: bool,
    /// python.log: the first one-line error also carries the request headers
    pub(super) first_inline: bool,
    pub(super) nocode_done: bool,
}

// ---------------------------------------------------------------- generator core

impl<'a> G<'a> {
    pub(super) fn new(f: F, seed: u64, night: &'a Night, file: Option<File>) -> G<'a> {
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

    fn pick_code(&mut self) -> &'static Code {
        let r = self.rng.below(self.pick_total as u64) as u32;
        for &(c, cum) in &self.pick {
            if r < cum {
                return c;
            }
        }
        self.pick.last().unwrap().0
    }

    pub(super) fn msg(&mut self, c: &'static Code) -> &'static str {
        if c.msgs.len() > 1 && self.rng.chance(0.3) {
            c.msgs[1 + self.rng.below(c.msgs.len() as u64 - 1) as usize]
        } else {
            c.msgs[0]
        }
    }

    pub(super) fn secrets(&self) -> bool {
        self.night.secrets
    }

    /// put secrets next to this event? (never inside storms)
    pub(super) fn want_secret(&mut self, p: f64) -> bool {
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
    pub(super) fn tick(&mut self, max_ms: u64) {
        let t = self.now + self.rng.range(1, max_ms) as i64;
        if t < self.night.start + (self.hour as i64 + 1) * H_MS {
            self.now = t;
        }
    }

    pub(super) fn hex(&mut self, n: usize) {
        for _ in 0..n {
            let d = self.rng.below(16) as usize;
            self.o.buf.push(b"0123456789abcdef"[d]);
        }
    }

    pub(super) fn digits(&mut self, n: usize) {
        let d = self.rng.range(1, 9) as u8;
        self.o.buf.push(b'0' + d);
        for _ in 1..n {
            let d = self.rng.below(10) as u8;
            self.o.buf.push(b'0' + d);
        }
    }

    /// a price, sometimes one whose integer part looks like an OKX code
    pub(super) fn price(&mut self) {
        self.price_of("BTC-USDT-SWAP");
    }

    /// a price in ticks and the number of decimals, for an instrument
    pub(super) fn pval(&mut self, inst: &str) -> (u64, u32) {
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

    pub(super) fn pprint(&mut self, v: u64, dec: u32) {
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

    pub(super) fn price_of(&mut self, inst: &str) {
        let (v, d) = self.pval(inst);
        self.pprint(v, d);
    }

    pub(super) fn conn_id(b: &mut Vec<u8>, rng: &mut Rng) {
        for _ in 0..8 {
            b.push(b"0123456789abcdef"[rng.below(16) as usize]);
        }
    }

    // ------------------------------------------------------------ main loop

    pub(super) fn run(&mut self, budgets: &[u64], storms: &[Vec<(&'static Code, u64)>]) {
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

    pub(super) fn event(&mut self, c: &'static Code) -> u32 {
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
