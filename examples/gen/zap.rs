//! zap.log: Go zap-style lines.

use super::codes::{Code, Kind};
use super::generator::{FAKE_KEY, FAKE_PASS, FAKE_SIGN, G, INSTS, SH_GO, SH_SC, SH_V5, SH_WS};
use super::out::rfc_off;

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

    pub(super) fn zap_event(&mut self, c: &'static Code) -> u32 {
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

    pub(super) fn zap_noise(&mut self) {
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
