//! python.log: Python `logging` lines with ccxt tracebacks and exceptions.

use super::codes::{find_code, Code, Kind};
use super::generator::{
    FAKE_KEY, FAKE_PASS, FAKE_PASS_COUNTED, FAKE_SECRET, FAKE_SIGN, G, INSTS, SH_EX, SH_PY, SH_SC,
    SH_V3, SH_V5, SH_WS,
};
use super::out::{pdt, pystr, rfc_z};

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
    pub(super) fn py_head(&mut self, level: &str, logger: &str) {
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

    pub(super) fn py_preamble(&mut self) {
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

    pub(super) fn py_event(&mut self, c: &'static Code) -> u32 {
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

    pub(super) fn py_noise(&mut self) {
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
