//! v3bot.log: an old v3/v1 API bot, CRLF line ends.

use super::codes::{Code, Kind};
use super::generator::{FAKE_KEY, FAKE_PASS, FAKE_SIGN, G, SH_V1, SH_V3};
use super::out::{jstr, pdt, rfc_z};

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

    pub(super) fn v3_event(&mut self, c: &'static Code) -> u32 {
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

    pub(super) fn v3_noise(&mut self) {
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
