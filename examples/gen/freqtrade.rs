//! freqtrade.log: freqtrade-style log lines.

use super::codes::Code;
use super::generator::{G, INSTS, PAIRS, SH_SC, SH_V5};
use super::out::pdt;

impl<'a> G<'a> {
    fn ft_head(&mut self, level: &str, logger: &str) {
        self.o.s("freqtrade_1  | ");
        self.py_head(level, logger);
    }

    pub(super) fn ft_event(&mut self, c: &'static Code) -> u32 {
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

    pub(super) fn ft_noise(&mut self) {
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
