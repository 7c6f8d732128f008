//! Errors written as text rather than as a body: exception messages such as
//! `ExchangeException: 50102:Timestamp request expired`, `API Request Error(code=50113):
//! Invalid Sign` or `OkexException: Parameter posSide error (code 51000)`, and bodies
//! cut short by the logger, whose code is still readable.
//!
//! Text is trusted less than a body: a code must be in the knowledge base, and a bare
//! `NNNNN:message` must also carry a message like the code's official one (or the
//! line must name OKX), before it counts.

use super::context::{LineContext, Prefix};
use super::{code_syntax_ok, plausible, Found, Kind};
use crate::event::Shape;
use crate::kb;
use regex::bytes::Regex;
use std::sync::OnceLock;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

fn code_word() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r#"(?i-u)(?:\berror[ _]?code|\bcode)\s*(?:=|:|\s)\s*['"]?(-?\d{1,7}(?:_\d+)?)\b"#,
    )
}

fn code_colon() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?-u)(?:^|[^\w.])([1-7]\d{4}(?:_\d+)?)\s?:\s?([A-Za-z][^\r\n]*)",
    )
}

fn body_code() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r#"(?i-u)["']?\b(s?code|error_code)\\?["']?\s*[:=]\s*\\?["']?(-?\d+(?:_\d+)?)"#,
    )
}

fn body_msg() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r#"(?i-u)["']?\b(?:s?msg|error_message|message)\\?["']?\s*[:=]\s*\\?["']([^"'\\\r\n]*)"#,
    )
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// An error written as exception text on the line `ls..le`.
pub fn exception(data: &[u8], ls: usize, le: usize, ctx: &LineContext) -> Option<Found> {
    let line = &data[ls..le];
    // Cheap checks before any regex: a `code` word, or five digits before a colon.
    static UPPER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let has_code_word = super::code_finder().find(line).is_some()
        || UPPER
            .get_or_init(|| memchr::memmem::Finder::new(b"ODE"))
            .find(line)
            .is_some();
    if !has_code_word && !five_digits_colon(line) {
        return None;
    }
    if !ctx.okx() && ctx.foreign() {
        return None;
    }
    let found = |code: &[u8], msg: String, at: usize| {
        Some(Found {
            code: lossy(code),
            message: msg.trim().to_string(),
            shape: Shape::Exception,
            partial: false,
            at: ls + at,
            record_start: ls,
            body: (ls, le),
            caused_by: false,
            gave_up: super::RetryMark::None,
        })
    };
    if let Some(c) = has_code_word
        .then(|| code_word().find(line))
        .flatten()
        .and_then(|m| code_word().captures_at(line, m.start()))
    {
        let m = c.get(1)?;
        let code = std::str::from_utf8(m.as_bytes()).ok()?;
        if code_syntax_ok(code) && (kb::is_known(code) || ctx.okx() && plausible(code)) {
            return found(
                m.as_bytes(),
                message_around(line, c.get(0)?.start(), m.end()),
                m.start(),
            );
        }
        return None;
    }
    if !five_digits_colon(line) {
        return None;
    }
    for c in code_colon().captures_iter(line) {
        let (m, msg) = (c.get(1)?, c.get(2)?);
        let code = std::str::from_utf8(m.as_bytes()).ok()?;
        let msg = lossy(msg.as_bytes());
        if !code_syntax_ok(code) {
            continue;
        }
        // Right after an exception's name (`ExchangeException: 51020:...`) a known
        // code is enough; elsewhere its message must also read like the code's.
        let before = &line[..m.start()];
        let after_exception = [&b"Exception: "[..], b"Error: ", b"Caused by: "]
            .iter()
            .any(|p| before.ends_with(p));
        let known = kb::is_known(code);
        let like =
            known && (after_exception || kb::messages(code).iter().any(|m| similar(&msg, m)));
        if like || ctx.okx() && plausible(code) {
            return found(m.as_bytes(), msg, m.start());
        }
    }
    None
}

/// Somewhere in `line`, five digits then `:` (a `50102:message` candidate).
pub fn five_digits_colon(line: &[u8]) -> bool {
    memchr::memchr_iter(b':', line).any(|p| p >= 5 && line[p - 5..p].iter().all(u8::is_ascii_digit))
}

/// The message beside a `code=N` mention: after it (`(code=50113): Invalid Sign`),
/// or before it (`OkexException: Parameter posSide error (code 51000)`).
fn message_around(line: &[u8], start: usize, end: usize) -> String {
    let after = &line[end..];
    let skip = after
        .iter()
        .take_while(|c| matches!(c, b'\'' | b'"' | b')' | b']' | b':' | b',' | b'-' | b' '))
        .count();
    let rest = &after[skip..];
    if rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return lossy(rest).trim_end_matches(['"', '\'', ')']).to_string();
    }
    let before = lossy(&line[..start]);
    let before = before.trim_end_matches([' ', '(', '[', ',', '-']);
    match before.rfind(": ") {
        Some(p) => before[p + 2..].to_string(),
        None => String::new(),
    }
}

/// Do two messages say the same thing? Most words of the shorter one start a word
/// of the other (`Invalid Sign` is like `Invalid signature`).
pub fn similar(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 1)
            .map(str::to_lowercase)
            .collect()
    };
    let (wa, wb) = (words(a), words(b));
    let (short, long) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    if short.is_empty() {
        return false;
    }
    let hits = short
        .iter()
        .filter(|w| {
            long.iter()
                .any(|l| l.starts_with(w.as_str()) || w.starts_with(l.as_str()))
        })
        .count();
    hits * 3 >= short.len() * 2
}

/// A body that opens at `open` but is cut off before it closes: counted once under
/// its code when the code is readable.
pub fn partial(data: &[u8], ls: usize, open: usize, le: usize, ctx: &LineContext) -> Option<Found> {
    let text = &data[open..le];
    let c = body_code().captures(text)?;
    let m = c.get(2)?;
    let code = std::str::from_utf8(m.as_bytes()).ok()?;
    let kind = if c.get(1)?.as_bytes().eq_ignore_ascii_case(b"error_code") {
        Kind::ErrorCode
    } else {
        Kind::Code
    };
    if code == "0" || !ctx.accepts(code, Prefix::of(&data[ls..open]), kind) {
        return None;
    }
    let message = body_msg()
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| lossy(m.as_bytes()))
        .unwrap_or_default();
    let shape = if kind == Kind::ErrorCode {
        Shape::V3
    } else {
        Shape::V5
    };
    Some(Found {
        code: code.to_string(),
        message,
        shape,
        partial: true,
        at: open + m.start(),
        record_start: ls,
        body: (open, le),
        caused_by: false,
        gave_up: super::RetryMark::None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::events;
    use super::*;

    #[test]
    fn exception_text() {
        let cases: &[(&str, &str, &str)] = &[
            ("Exception in thread \"main\" org.knowm.xchange.exceptions.ExchangeException: 50102:Timestamp request expired", "50102", "Timestamp request expired"),
            ("okx.exceptions.OkxAPIException: API Request Error(code=50113): Invalid Sign", "50113", "Invalid Sign"),
            ("OkexException: Parameter posSide error (code 51000)", "51000", "Parameter posSide error"),
            ("Caused by: 50102:Timestamp request expired", "50102", "Timestamp request expired"),
            ("x.ExchangeException: 51008:Order failed. Insufficient USDT margin in account", "51008", "Order failed. Insufficient USDT margin in account"),
            ("x.ExchangeException: 51020:Order amount should be greater than the min available amount.", "51020", "Order amount should be greater than the min available amount."),
        ];
        for (line, code, msg) in cases {
            assert_eq!(
                events(line),
                vec![(code.to_string(), msg.to_string(), Shape::Exception)],
                "{line}"
            );
        }
    }

    #[test]
    fn text_that_is_not_an_okx_error() {
        for line in [
            "    at okx.handleErrors (file:///D:/x/ccxt/js/src/okx.js:6737:18)",
            "order 51234: Filled at 0.2896",
            "APIError(code=-1022): Signature for this request is not valid.",
            "bybit error code 10001: params error",
            "status code 200 in 35 ms",
        ] {
            assert!(events(line).is_empty(), "{line}: {:?}", events(line));
        }
    }

    #[test]
    fn truncated_bodies_count_once_as_partial() {
        let line =
            r#"2026-11-22 ERROR okx {"code":"51008","msg":"Order failed. Insufficient USDT ma"#;
        let mut out = Vec::new();
        crate::extract::record_at(line.as_bytes(), line.find("code").unwrap(), 0, &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].partial);
        assert_eq!(out[0].code, "51008");
        assert_eq!(out[0].message, "Order failed. Insufficient USDT ma");
    }

    #[test]
    fn similarity() {
        assert!(similar("Invalid Sign", "Invalid signature."));
        assert!(similar(
            "Timestamp request expired",
            "Timestamp request expired."
        ));
        assert!(!similar(
            "Filled at 0.2896",
            "Order price is not within the price limit"
        ));
    }
}
