//! epoch.log: lines stamped with epoch times, Java stack traces.

use super::codes::{Code, Kind};
use super::generator::{FAKE_KEY, FAKE_PASS, FAKE_SIGN, G, INSTS, SH_EX, SH_JS, SH_SC, SH_V5};
use super::out::{jsstr, jstr, rfc_z};

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

    pub(super) fn ep_event(&mut self, c: &'static Code) -> u32 {
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

    pub(super) fn ep_noise(&mut self) {
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
