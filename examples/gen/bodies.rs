//! OKX response bodies written into `G::t1` (v5 errors, batch/order responses,
//! websocket error events, successes), shared by the formats that print them.

use super::codes::Code;
use super::generator::G;
use super::out::{jstr, jstr_ascii, pu};
use super::rng::Rng;

impl<'a> G<'a> {
    /// v5 body `{"code":..,"data":[],"msg":..}` in one of several key orders.
    pub(super) fn body_v5(&mut self, c: &'static Code, msg: &str, numeric_ok: bool) {
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
    pub(super) fn msg_l(&mut self, c: &'static Code) -> &'static str {
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
    pub(super) fn body_batch(&mut self, c: &'static Code, nfail: usize, nok: usize, msg: &str) {
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

    pub(super) fn body_ws(&mut self, c: &'static Code, msg: &str) {
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

    pub(super) fn body_success(&mut self) {
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
}
