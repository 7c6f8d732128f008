//! Whose error is it? The words on a line that tell an OKX body from another
//! exchange's body of the same shape (ccxt prints `binance {...}`, `okx {...}`), and
//! the rule that accepts a code as OKX's.

use super::{code_syntax_ok, in_okx_range, Kind};
use crate::kb;

/// Exchanges whose bodies look like OKX's. OKCoin shares OKX's API and codes but is
/// another exchange: its errors are not the operator's OKX errors.
const FOREIGN: &[&str] = &[
    "binance",
    "binanceusdm",
    "binancecoinm",
    "kucoin",
    "kucoinfutures",
    "bybit",
    "gate",
    "gateio",
    "bitmex",
    "okcoin",
    "huobi",
    "htx",
    "bitget",
    "kraken",
    "krakenfutures",
    "coinbase",
    "bitfinex",
    "mexc",
    "deribit",
    "bitstamp",
    "poloniex",
    "phemex",
    "bingx",
    "hyperliquid",
    "bitmart",
    "cryptocom",
    "whitebit",
    "upbit",
    "bithumb",
    "ascendex",
    "lbank",
    "coinex",
];

const OKX: &[&str] = &["okx", "okex", "okex3", "okex5", "okxus"];

/// What a line says about whose error it carries.
#[derive(Debug, Default)]
pub struct LineContext {
    /// The line names OKX or OKEx.
    pub okx: bool,
    /// The line names another exchange.
    pub foreign: bool,
}

impl LineContext {
    pub fn new(line: &[u8]) -> LineContext {
        let mut cx = LineContext::default();
        for w in words(line) {
            if w.len() > 16 {
                continue;
            }
            let mut buf = [0u8; 16];
            let lw = &mut buf[..w.len()];
            lw.copy_from_slice(w);
            lw.make_ascii_lowercase();
            let lw: &[u8] = lw;
            if OKX.iter().any(|o| o.as_bytes() == lw) {
                cx.okx = true;
            } else if FOREIGN.iter().any(|f| f.as_bytes() == lw) {
                cx.foreign = true;
            }
        }
        cx
    }

    /// The word right before a body (`binance {`) names another exchange.
    pub fn foreign_prefix(&self, prefix: &[u8]) -> bool {
        last_word(prefix)
            .is_some_and(|w| FOREIGN.iter().any(|f| w.eq_ignore_ascii_case(f.as_bytes())))
    }

    /// The word right before a body is `okx` or `okex`.
    pub fn okx_prefix(&self, prefix: &[u8]) -> bool {
        last_word(prefix).is_some_and(|w| OKX.iter().any(|f| w.eq_ignore_ascii_case(f.as_bytes())))
    }

    /// Accepts `code` as an OKX error code in this context.
    pub fn accepts(&self, code: &str, prefix: &[u8], kind: Kind) -> bool {
        if code.is_empty() {
            return kind == Kind::Ws && !self.foreign_prefix(prefix);
        }
        if !code_syntax_ok(code) || self.foreign_prefix(prefix) {
            return false;
        }
        if self.foreign && !self.okx {
            return false;
        }
        if kb::is_known(code) || in_okx_range(code) {
            return true;
        }
        let n: u32 = code
            .split('_')
            .next()
            .and_then(|b| b.parse().ok())
            .unwrap_or(0);
        if kind == Kind::ErrorCode && (10000..=29999).contains(&n) {
            return true;
        }
        self.okx
    }
}

/// ASCII words (letters and digits) of a line.
fn words(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|c| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The last word before a body, skipping separators such as ` (`, `: `, `=`.
fn last_word(prefix: &[u8]) -> Option<&[u8]> {
    let end = prefix.iter().rposition(|c| {
        !matches!(
            c,
            b' ' | b'\t' | b'(' | b':' | b'=' | b'-' | b'"' | b'\'' | b'['
        )
    })? + 1;
    let start = prefix[..end]
        .iter()
        .rposition(|c| !c.is_ascii_alphanumeric())
        .map_or(0, |p| p + 1);
    (start < end).then(|| &prefix[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_on_a_line() {
        let c =
            LineContext::new(b"2022 WARNING okx {\"code\":\"50011\"} via https://www.okx.com/api");
        assert!(c.okx && !c.foreign);
        let c = LineContext::new(b"binance {\"code\":-2011} gateway");
        assert!(!c.okx && c.foreign);
        assert!(!LineContext::new(b"the gateway timed out").foreign);
    }

    #[test]
    fn prefixes() {
        let c = LineContext::default();
        assert!(c.okx_prefix(b"ExchangeError: okx "));
        assert!(c.foreign_prefix(b"Message: binance "));
        assert!(c.foreign_prefix(b"(okcoin "));
        assert!(!c.okx_prefix(b"Exception: 200-"));
    }

    #[test]
    fn acceptance() {
        let plain = LineContext::default();
        assert!(plain.accepts("50102", b"", Kind::Code));
        assert!(plain.accepts("51999", b"", Kind::Code)); // unknown but in range
        assert!(!plain.accepts("40034", b"", Kind::Code)); // Bitget-like
        assert!(!plain.accepts("-2011", b"", Kind::Code));
        assert!(!plain.accepts("300000", b"", Kind::Code));
        assert!(plain.accepts("10004", b"", Kind::ErrorCode));
        assert!(!plain.accepts("10004", b"", Kind::Code));
        assert!(!plain.accepts("50102", b"okcoin ", Kind::Code));
    }
}
