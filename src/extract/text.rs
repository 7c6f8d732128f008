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
    // The regexes are only asked where a match is, never for capture groups (their
    // search costs several times the match's): the groups are read off the match.
    if let Some(m) = has_code_word.then(|| code_word().find(line)).flatten() {
        let (start, end) = (m.start(), m.end());
        let cs = code_word_code(line, start, end);
        let code = std::str::from_utf8(&line[cs..end]).ok()?;
        let msg = message_around(line, start, end);
        // A known code is OKX's when its message agrees (or there is none) or the
        // line names OKX; another service's `code 50035: Invalid Form Body` is not.
        let agrees = msg.trim().is_empty() || kb::agrees(code, msg.as_bytes()).is_some();
        if code_syntax_ok(code) && (kb::is_known(code) && agrees || ctx.okx() && plausible(code)) {
            return found(&line[cs..end], msg, cs);
        }
        return None;
    }
    if !five_digits_colon(line) {
        return None;
    }
    for m in code_colon().find_iter(line) {
        let (s, e, p) = code_colon_parts(line, m.start(), m.end());
        let code = std::str::from_utf8(&line[s..e]).ok()?;
        let msg = lossy(&line[p..m.end()]);
        if !code_syntax_ok(code) {
            continue;
        }
        // Right after an exception's name (`ExchangeException: 51020:...`) a known
        // code is enough; elsewhere its message must also read like the code's.
        let before = &line[..s];
        let after_exception = [&b"Exception: "[..], b"Caused by: "]
            .iter()
            .any(|p| before.ends_with(p));
        let known = kb::is_known(code);
        let like = known
            && (after_exception
                || kb::agrees(code, msg.as_bytes()).is_some()
                || kb::messages(code).iter().any(|m| similar(&msg, m)));
        if like || ctx.okx() && plausible(code) {
            return found(&line[s..e], msg, s);
        }
    }
    None
}

/// Where the code starts in a match `start..end` of [`code_word`]: the match ends
/// with it (`-?\d{1,7}(?:_\d+)?`), after a byte that is no digit, `_` or `-`.
fn code_word_code(line: &[u8], start: usize, end: usize) -> usize {
    let mut cs = start
        + line[start..end]
            .iter()
            .rposition(|c| !(c.is_ascii_digit() || *c == b'_'))
            .map_or(0, |p| p + 1);
    if cs > start && line[cs - 1] == b'-' {
        cs -= 1;
    }
    cs
}

/// The code's start and end and the message's start in a match `start..end` of
/// [`code_colon`] (`[^\w.]?` code `\s?:\s?` message; the byte before the code is
/// there unless the match starts the line, and is never a digit).
fn code_colon_parts(line: &[u8], start: usize, end: usize) -> (usize, usize, usize) {
    let s = start + usize::from(!line[start].is_ascii_digit());
    let e = s + line[s..end]
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b'_'))
        .unwrap_or(end - s);
    let mut p = e;
    if line[p] != b':' {
        p += 1;
    }
    p += 1;
    if !line[p].is_ascii_alphabetic() {
        p += 1;
    }
    (s, e, p)
}

/// Somewhere in `line`, five digits then `:` (a `50102:message` candidate).
fn five_digits_colon(line: &[u8]) -> bool {
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
        // Read out clean: no key name (`Message = "...`), no quotes.
        let first = super::evidence::first_message_word(after);
        return super::evidence::clean_after(after, first)
            .trim_end_matches(['"', '\'', ')'])
            .to_string();
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
    let mut c = body_code().captures(text)?;
    // A batch cut short (`{"code":"1","data":[{"sCode":"51008",...`): its failed
    // item is the error, not the batch's "1" or "2".
    let item = |k: &regex::bytes::Captures| {
        k.get(1)
            .is_some_and(|n| n.as_bytes().eq_ignore_ascii_case(b"scode"))
            && k.get(2).is_some_and(|v| v.as_bytes() != b"0")
    };
    let batch = matches!(c.get(2).map(|m| m.as_bytes()), Some(b"1" | b"2"));
    if let Some(k) = body_code().captures_iter(text).find(|k| batch && item(k)) {
        c = k;
    }
    let is_item = item(&c);
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
    // An item's message is the one after its code.
    let from = if is_item { m.start() } else { 0 };
    let message = body_msg()
        .captures(&text[from..])
        .and_then(|c| c.get(1))
        .map(|m| lossy(m.as_bytes()))
        .unwrap_or_default();
    let shape = if kind == Kind::ErrorCode {
        Shape::V3
    } else if is_item {
        Shape::V5Scode
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
    fn groups_read_off_a_match_are_the_regex_groups() {
        let lines = [
            "okx.exceptions.OkxAPIException: API Request Error(code=50011): Requests too frequent.",
            "OkexException: Parameter posSide error (code 51000)",
            "failed: errorCode=50113 Invalid Sign",
            "ERROR_CODE: '51008_1000' margin",
            "x code=-2011 y",
            "bybit error code 10001: params error",
            "1795371108588 ERROR org.knowm.xchange.exceptions.ExchangeException: 50113:Invalid Sign",
            "50102:Timestamp request expired",
            "Caused by: 51020_100 : Order amount too small",
            "ids a.51000: no, (51000:\tTab) then 51001 :x",
            "\r51000:\rx",
        ];
        let mut seen = 0;
        for line in lines {
            let b = line.as_bytes();
            for c in code_word().captures_iter(b) {
                let (m, g) = (c.get(0).unwrap(), c.get(1).unwrap());
                assert_eq!(code_word_code(b, m.start(), m.end()), g.start(), "{line}");
                assert_eq!(g.end(), m.end(), "{line}");
                seen += 1;
            }
            for c in code_colon().captures_iter(b) {
                let (m, code, msg) = (c.get(0).unwrap(), c.get(1).unwrap(), c.get(2).unwrap());
                let got = code_colon_parts(b, m.start(), m.end());
                assert_eq!(got, (code.start(), code.end(), msg.start()), "{line}");
                assert_eq!(msg.end(), m.end(), "{line}");
                seen += 1;
            }
        }
        assert!(seen >= 12, "the lines hold matches: {seen}");
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
