//! events.jsonl: one JSON object per line.

use super::codes::{Code, Kind};
use super::generator::{FAKE_KEY, FAKE_PASS, FAKE_SIGN, G, INSTS, SH_SC, SH_V5, SH_WS};
use super::out::{json_escape, jstr, pu, rfc_off, rfc_z};

impl<'a> G<'a> {
    /// `{<time>,"level":..,"logger":..,"msg":..` (no closing brace)
    pub(super) fn ev_head(&mut self, level: &str, logger: &str, msg: &str) {
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
    pub(super) fn t1_escaped(&mut self) {
        self.o.buf.push(b'"');
        json_escape(&mut self.o.buf, &self.t1);
        self.o.buf.push(b'"');
    }

    pub(super) fn ev_event(&mut self, c: &'static Code) -> u32 {
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

    pub(super) fn ev_noise(&mut self) {
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
