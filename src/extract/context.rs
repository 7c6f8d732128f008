//! Whose error is it? The words on a line that tell an OKX body from another
//! exchange's body of the same shape (ccxt prints `binance {...}`, `okx {...}`), and
//! the rule that accepts a code as OKX's.

use super::literals::Literals;
use super::{code_syntax_ok, Kind};
use crate::kb;
use std::sync::OnceLock;

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

/// What a line says about whose error it carries, worked out on first use (most
/// bodies carry a known code and never ask).
#[derive(Debug, Default)]
pub struct LineContext<'a> {
    line: &'a [u8],
    okx: std::cell::OnceCell<bool>,
    foreign: std::cell::OnceCell<bool>,
}

/// Finds other exchanges' names in a lowercased line, leftmost-longest (`gateio`
/// over `gate`).
fn names() -> &'static Literals {
    static N: OnceLock<Literals> = OnceLock::new();
    N.get_or_init(|| Literals::new(FOREIGN, true))
}

thread_local! {
    /// The line lowercased, reused from line to line.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl<'a> LineContext<'a> {
    pub fn new(line: &'a [u8]) -> LineContext<'a> {
        LineContext {
            line,
            okx: std::cell::OnceCell::new(),
            foreign: std::cell::OnceCell::new(),
        }
    }

    /// The line names OKX or OKEx (`okx`, `OKEx`, `okex5`, ... as a whole word).
    /// Every spelling has a `k` after an `o`: look only there.
    pub fn okx(&self) -> bool {
        *self.okx.get_or_init(|| {
            let l = self.line;
            memchr::memchr2_iter(b'k', b'K', l).any(|k| {
                k >= 1
                    && l[k - 1].eq_ignore_ascii_case(&b'o')
                    && (k < 2 || !l[k - 2].is_ascii_alphanumeric())
                    && OKX.iter().any(|name| {
                        let end = k - 1 + name.len();
                        l.get(k - 1..end)
                            .is_some_and(|w| w.eq_ignore_ascii_case(name.as_bytes()))
                            && l.get(end).is_none_or(|c| !c.is_ascii_alphanumeric())
                    })
            })
        })
    }

    /// The line names another exchange, as a whole word, in any case.
    pub fn foreign(&self) -> bool {
        *self.foreign.get_or_init(|| {
            let l = self.line;
            let word = |s: usize, e: usize| {
                let alnum = |i: Option<usize>| {
                    i.and_then(|i| l.get(i))
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                };
                !alnum(s.checked_sub(1)) && !alnum(Some(e))
            };
            LOWER.with(|buf| {
                let mut lower = buf.borrow_mut();
                lower.clear();
                lower.extend(l.iter().map(u8::to_ascii_lowercase));
                let found = names().any(&lower, word);
                // A huge line's copy is not kept for the rest of the run.
                if lower.capacity() > 1 << 20 {
                    *lower = Vec::new();
                }
                found
            })
        })
    }

    /// Accepts `code` as an OKX error code in this context.
    pub fn accepts(&self, code: &str, prefix: Prefix, kind: Kind) -> bool {
        if code.is_empty() {
            return kind == Kind::Ws && prefix != Prefix::Foreign;
        }
        if !code_syntax_ok(code) || prefix == Prefix::Foreign {
            return false;
        }
        // A body right after `okx ` is OKX's whatever else the line names.
        if prefix != Prefix::Okx && !self.okx() && self.foreign() {
            return false;
        }
        if kb::is_known(code) || kb::in_okx_range(code) {
            return true;
        }
        if kind == Kind::ErrorCode && kb::in_v1_range(code) {
            return true;
        }
        self.okx()
    }
}

/// What the word right before a body (`okx {`, `binance {`) says of whose it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefix {
    #[default]
    Other,
    /// `okx`, `okex`, ...
    Okx,
    /// Another exchange's name.
    Foreign,
}

impl Prefix {
    /// Reads the last word of the text before a body (worked out once per body:
    /// every counting rule that asks reuses it).
    pub fn of(prefix: &[u8]) -> Prefix {
        last_word(prefix).map_or(Prefix::Other, Prefix::word)
    }

    fn word(w: &[u8]) -> Prefix {
        // Only the names as long as the word are compared (most words are no name).
        // Names are lowercase: their first byte rules most out in one compare.
        let first = w.first().map(u8::to_ascii_lowercase);
        by_length()
            .get(w.len())
            .and_then(|names| {
                names.iter().find(|(n, _)| {
                    n.as_bytes().first() == first.as_ref() && w.eq_ignore_ascii_case(n.as_bytes())
                })
            })
            .map_or(Prefix::Other, |&(_, p)| p)
    }

    /// [`Prefix::of`] reading at most the last 64 bytes of `text` (a word cut there
    /// is read as no name), for a look back from a hit in a large buffer.
    pub fn of_tail(text: &[u8]) -> Prefix {
        const TAIL: usize = 64;
        if text.len() <= TAIL {
            return Prefix::of(text);
        }
        let tail = &text[text.len() - TAIL..];
        match last_word(tail) {
            Some(w) if w.as_ptr() != tail.as_ptr() => Prefix::word(w),
            _ => Prefix::Other,
        }
    }
}

/// Every exchange name with what it says, by its length in bytes.
fn by_length() -> &'static [Vec<(&'static str, Prefix)>] {
    static T: OnceLock<Vec<Vec<(&'static str, Prefix)>>> = OnceLock::new();
    T.get_or_init(|| {
        let named = OKX
            .iter()
            .map(|n| (*n, Prefix::Okx))
            .chain(FOREIGN.iter().map(|n| (*n, Prefix::Foreign)));
        let mut t: Vec<Vec<(&str, Prefix)>> = Vec::new();
        for (n, p) in named {
            if t.len() <= n.len() {
                t.resize(n.len() + 1, Vec::new());
            }
            t[n.len()].push((n, p));
        }
        t
    })
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
        assert!(c.okx() && !c.foreign());
        let c = LineContext::new(b"binance {\"code\":-2011} gateway");
        assert!(!c.okx() && c.foreign());
        assert!(!LineContext::new(b"the gateway timed out").foreign());
        assert!(LineContext::new(b"GATE.IO said").foreign());
    }

    #[test]
    fn every_name_is_read_as_its_exchange_in_any_case() {
        for (names, want) in [(OKX, Prefix::Okx), (FOREIGN, Prefix::Foreign)] {
            for name in names {
                for w in [name.to_string(), name.to_ascii_uppercase()] {
                    assert_eq!(Prefix::word(w.as_bytes()), want, "{w}");
                    assert_eq!(Prefix::of(format!("said {w} ").as_bytes()), want, "{w}");
                }
                // One letter more or less is another word.
                assert_eq!(Prefix::word(format!("{name}x").as_bytes()), Prefix::Other);
                assert_eq!(Prefix::word(&name.as_bytes()[1..]), Prefix::Other, "{name}");
            }
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(Prefix::of(b"ExchangeError: okx "), Prefix::Okx);
        assert_eq!(Prefix::of(b"error: OKEx5("), Prefix::Okx);
        assert_eq!(Prefix::of(b"Message: binance "), Prefix::Foreign);
        assert_eq!(Prefix::of(b"(okcoin "), Prefix::Foreign);
        assert_eq!(Prefix::of(b"Exception: 200-"), Prefix::Other);
        assert_eq!(Prefix::of(b"rokx "), Prefix::Other);
        assert_eq!(Prefix::of(b""), Prefix::Other);
        let long = format!("{} binance ", "x".repeat(100));
        assert_eq!(Prefix::of_tail(long.as_bytes()), Prefix::Foreign);
        // A word cut by the 64-byte window is no name.
        let cut = format!("{}binance", "x".repeat(100));
        assert_eq!(Prefix::of(cut.as_bytes()), Prefix::Other);
        assert_eq!(Prefix::of_tail(cut.as_bytes()), Prefix::Other);
    }

    #[test]
    fn acceptance() {
        let plain = LineContext::default();
        let none = Prefix::Other;
        assert!(plain.accepts("50102", none, Kind::Code));
        assert!(plain.accepts("51999", none, Kind::Code)); // unknown but in range
        assert!(!plain.accepts("40034", none, Kind::Code)); // Bitget-like
        assert!(!plain.accepts("-2011", none, Kind::Code));
        assert!(!plain.accepts("300000", none, Kind::Code));
        assert!(plain.accepts("10004", none, Kind::ErrorCode));
        assert!(!plain.accepts("10004", none, Kind::Code));
        assert!(!plain.accepts("50102", Prefix::Foreign, Kind::Code));
        let binance = LineContext::new(b"binance said {\"code\":\"50102\"}");
        assert!(!binance.accepts("50102", none, Kind::Code));
        assert!(binance.accepts("50102", Prefix::Okx, Kind::Code));
    }
}
