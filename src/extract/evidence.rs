//! Errors recognised by their evidence, in any syntax: a known code standing next
//! to its own official message (or a clear part of it), on its line or on the line
//! above or below, whatever punctuation, key names, quoting or language surround
//! them (`51008: Order failed...`, `[50102] Timestamp request expired`, `errCode=51008
//! errMsg=...`, `Code = "51008", Message = "..."`, Chinese text before). Or a code
//! of OKX's ranges on an error line that names OKX or OKEx.
//!
//! A message on the line below its code counts only when that line continues the
//! record (indented): chunks are cut before any other line, and an event must not
//! depend on where a chunk was cut.
//!
//! The agreement itself is [`kb::agrees`], generated from the knowledge base: no
//! syntax is listed here. What is here: where a code stands (five digits, not part
//! of a longer number or a decimal), how near its message must be, and how a
//! message is read out clean (the text only, never a key name or a quote).

use super::context::{LineContext, Prefix};
use super::{Found, RetryMark};
use crate::event::Shape;
use crate::kb;

/// How far from the code its message may start (or end, when written before it):
/// room for a key name and quotes (`", Message = "`), not for a sentence.
const NEAR: usize = 40;

/// How much text beside a code is read for its message.
const WINDOW: usize = 240;

/// The five-digit numbers of `line` that may be OKX codes: exactly five digits,
/// the first 1-7, not part of a decimal number (`51000.5`, `0.51000`), with an
/// optional `_NNNN` sub-code. Yields (start, end) within `line`.
pub fn codes_in(line: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < line.len() {
            if !line[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let s = i;
            while i < line.len() && line[i].is_ascii_digit() {
                i += 1;
            }
            if i - s == 5 && code_at(line, s) {
                let mut e = i;
                if line.get(e) == Some(&b'_') {
                    let d = line[e + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    if (1..=6).contains(&d) {
                        e += 1 + d;
                        i = e;
                    }
                }
                return Some((s, e));
            }
        }
        None
    })
}

/// Are the five digits at `s` (a run of exactly five) a code's place: first digit
/// 1-7, not a decimal's part?
pub fn code_at(data: &[u8], s: usize) -> bool {
    let digit = |i: Option<usize>| i.and_then(|i| data.get(i)).is_some_and(u8::is_ascii_digit);
    let e = s + 5;
    let unit = |u: &[u8]| data.get(e..).is_some_and(|r| r.starts_with(u));
    matches!(data[s], b'1'..=b'7')
        && !(matches!(data.get(e), Some(b'.' | b',')) && digit(Some(e + 1)))
        // A quantity, not a code: `30000 ms`, `50000ms`, `51000%`.
        && !(unit(b" ms") || unit(b"ms") || unit(b"%") || unit(b" sec") || unit(b" bytes"))
        && !other_keys_value(&data[s.saturating_sub(24)..s])
        && !(s >= 2 && matches!(data[s - 1], b'.' | b',') && digit(Some(s - 2)))
}

/// The event the line `ls..le` holds by evidence, if any, and where its record
/// ends (past the next line when the message stands there). Codes inside `skip`
/// (bodies already read) are passed over.
pub fn on_line(
    data: &[u8],
    ls: usize,
    le: usize,
    ctx: &LineContext,
    skip: &[(usize, usize)],
) -> Option<(Found, usize)> {
    let line = &data[ls..le];
    for (s, e) in codes_in(line) {
        let at = ls + s;
        if skip.iter().any(|&(a, b)| at >= a && at < b) {
            continue;
        }
        // Right after another exchange's name, or in a body that follows one
        // (`okcoin {\"code\":\"50102\"...}` in a string): never OKX's.
        let foreign = |upto: usize| Prefix::of_tail(&line[..upto]) == Prefix::Foreign;
        if foreign(s) || memchr::memrchr(b'{', &line[..s]).is_some_and(foreign) {
            continue;
        }
        if other_keys_value(&line[..s]) {
            continue;
        }
        let code = std::str::from_utf8(&line[s..e]).ok()?;
        let known = kb::is_known(code);
        if !(known || ctx.okx() && kb::in_okx_range(code)) {
            continue;
        }
        if !ctx.okx() && ctx.foreign() {
            return None;
        }
        let found = |message: String, end: usize| {
            let message = if message.is_empty() {
                kb::messages(code).first().map_or("", |m| m).to_string()
            } else {
                message
            };
            Some((
                Found {
                    code: code.to_string(),
                    message,
                    shape: Shape::Exception,
                    partial: false,
                    at,
                    record_start: ls,
                    body: (ls, le),
                    caused_by: false,
                    gave_up: RetryMark::None,
                },
                end,
            ))
        };
        if known {
            // After the code, on its line.
            let after = &line[e..(e + WINDOW).min(line.len())];
            if let Some((a, _)) = kb::agrees(code, after).filter(|&(a, _)| a <= NEAR) {
                return found(clean_after(after, a), le);
            }
            // Before it, in the clause that ends at the code (`Parameter posSide error
            // (code 51000)`, `"msg":"...","code":"51000"`, `expired (50102)`).
            let before = clause_before(&line[s.saturating_sub(WINDOW)..s]);
            if let Some((_, b)) =
                kb::agrees(code, before).filter(|&(_, b)| before.len() - b <= NEAR)
            {
                let end = if before.get(b) == Some(&b'.') {
                    b + 1
                } else {
                    b
                };
                return found(tidy(&before[..end]), le);
            }
            // On the next line, when this one has nothing after the code and the next
            // continues the record (indented: a chunk is never cut before it) with
            // no code or body of its own.
            if after.iter().filter(|c| c.is_ascii_alphabetic()).count() < 3 {
                if let Some((next, ne)) = next_line(data, le).filter(|(n, _)| {
                    super::is_continuation(n)
                        && memchr::memchr(b'{', n).is_none()
                        && codes_in(n).next().is_none()
                }) {
                    let t = &next[..next.len().min(WINDOW)];
                    let lead = t.iter().take_while(|c| c.is_ascii_whitespace()).count();
                    if let Some((a, _)) = kb::agrees(code, t).filter(|&(a, _)| a - lead <= NEAR) {
                        return found(clean_after(t, a), ne);
                    }
                }
            }
        }
        if ctx.okx() && kb::in_okx_range(code) && error_words(line) {
            let after = &line[e..(e + WINDOW).min(line.len())];
            return found(clean_after(after, 0), le);
        }
    }
    None
}

/// Is the number after `before` the value of a key that names no code
/// (`"uptime_s":32078`, `port=50102`)? A key's value is that key's; a code's key
/// says code or error (`errCode=`, `"error_code":`, `Code = "`).
fn other_keys_value(before: &[u8]) -> bool {
    let t = before.trim_ascii_end();
    let t = t
        .strip_suffix(b"\\\"")
        .or_else(|| t.strip_suffix(b"\""))
        .or_else(|| t.strip_suffix(b"'"))
        .unwrap_or(t);
    let t = t.trim_ascii_end();
    let keyed = match t.last() {
        Some(b'=') => true,
        Some(b':') => matches!(t.iter().rev().nth(1), Some(b'"' | b'\'')),
        _ => false,
    };
    if !keyed {
        return false;
    }
    let t = t[..t.len() - 1].trim_ascii_end();
    let t = t
        .strip_suffix(b"\\\"")
        .or_else(|| t.strip_suffix(b"\""))
        .or_else(|| t.strip_suffix(b"'"))
        .unwrap_or(t);
    let k = t
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    let key = &t[t.len() - k..];
    // Keys the extractors read as a code's: `code`, `sCode`, `errCode`,
    // `error_code`; not `retCode` (Bybit) or `statusCode`.
    let codes = key.eq_ignore_ascii_case(b"code")
        || key.len() >= 5 && key[key.len() - 5..].eq_ignore_ascii_case(b"scode")
        || key.len() >= 3 && key[..3].eq_ignore_ascii_case(b"err");
    !codes
}

/// The line after the one ending at `le`, and where it ends.
fn next_line(data: &[u8], le: usize) -> Option<(&[u8], usize)> {
    let mut i = le;
    if data.get(i) == Some(&b'\r') {
        i += 1;
    }
    if data.get(i) != Some(&b'\n') {
        return None;
    }
    let s = i + 1;
    let mut e = memchr::memchr(b'\n', &data[s..]).map_or(data.len(), |p| s + p);
    let end = e;
    if e > s && data[e - 1] == b'\r' {
        e -= 1;
    }
    (e > s).then(|| (&data[s..e], end))
}

/// Does the line speak of an error (`error`, `fail`, `exception`, `reject`)?
fn error_words(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    ["err", "fail", "exception", "reject", "invalid"]
        .iter()
        .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
}

/// Separators that may stand between a code and its message.
fn sep(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t'
            | b':'
            | b'-'
            | b'='
            | b','
            | b';'
            | b'|'
            | b']'
            | b')'
            | b'}'
            | b'>'
            | b'"'
            | b'\''
            | b'\\'
            | b'`'
    ) || c >= 0x80
}

/// Is `w` a key that names a message (`msg`, `errMsg`, `Message`, `sMsg`,
/// `error_message`, `reason`, `description`, `detail`, `text`)?
fn message_key(w: &[u8]) -> bool {
    let l = w.to_ascii_lowercase();
    [
        "msg", "message", "reason", "desc", "detail", "text", "error", "err",
    ]
    .iter()
    .any(|k| l.ends_with(k.as_bytes()))
}

/// The message written after a code, read out clean: from the text after the
/// separators and a message key (`", Message = "`, ` errMsg=`, `: `), to its closing
/// quote, or else to the line's end or the next `key=`. `first` is where the first
/// agreeing word starts (the message starts no later).
pub fn clean_after(text: &[u8], first: usize) -> String {
    let mut i = 0;
    let mut quote = None;
    loop {
        while i < first && i < text.len() && sep(text[i]) && text[i] < 0x80 {
            if matches!(text[i], b'"' | b'\'' | b'`') {
                quote = Some((text[i], i > 0 && text[i - 1] == b'\\'));
            }
            i += 1;
        }
        // A key before the message: `errMsg=`, `Message = `, `"msg":`.
        let k = text[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let mut j = i + k;
        while j < text.len() && matches!(text[j], b' ' | b'"' | b'\'' | b'\\') {
            j += 1;
        }
        let key = &text[i..i + k];
        // `msg Timestamp ...`: a message key needs no `=` when it says msg/message.
        let spaced = text.get(i + k) == Some(&b' ') && {
            let l = key.to_ascii_lowercase();
            l.ends_with(b"msg") || l.ends_with(b"message")
        };
        if k > 0
            && i + k <= first
            && (matches!(text.get(j), Some(b'=' | b':')) && message_key(key) || spaced)
        {
            if spaced && !matches!(text.get(j), Some(b'=' | b':')) {
                i += k + 1;
                quote = None;
                continue;
            }
            i = j + 1;
            quote = None;
            continue;
        }
        break;
    }
    let mut i = i.min(first.max(i));
    // Non-ASCII separators (full-width colons) before the message.
    while i < first && i < text.len() && (text[i] >= 0x80 || text[i] == b' ') {
        i += 1;
    }
    let rest = &text[i.min(text.len())..];
    // A quoted message ends at its closing quote: `\"` when it was opened by one
    // (a body escaped in a string), else a quote no backslash escapes.
    let end = match quote {
        Some((q, true)) => memchr::memmem::find(rest, &[b'\\', q]).unwrap_or(rest.len()),
        Some((q, false)) => (0..rest.len())
            .find(|&p| rest[p] == q && (p == 0 || rest[p - 1] != b'\\'))
            .unwrap_or(rest.len()),
        None => plain_end(rest),
    };
    tidy(&rest[..end])
}

/// Where an unquoted message ends: a brace, a bar, a tab, a quote, or the next
/// `key=` / `, key:`.
fn plain_end(rest: &[u8]) -> usize {
    let mut p = 0;
    while p < rest.len() {
        match rest[p] {
            b'"' | b'}' | b'|' | b'\t' | b'{' => return p,
            b' ' | b',' => {
                let k = rest[p + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if k > 0 && rest.get(p + 1 + k) == Some(&b'=') {
                    return p;
                }
            }
            _ => {}
        }
        p += 1;
    }
    rest.len()
}

/// Where the first word of a message written after a code starts: the first word
/// that is no message key (`errMsg=`, `"msg":`, `Message = `).
pub fn first_message_word(text: &[u8]) -> usize {
    kb::words(text)
        .into_iter()
        .find(|w| {
            let after = &text[w.end..];
            let j = after
                .iter()
                .take_while(|c| matches!(c, b' ' | b'"' | b'\'' | b'\\'))
                .count();
            let keyed = message_key(w.text.as_bytes()) && matches!(after.get(j), Some(b'=' | b':'));
            let spaced = (w.text.ends_with("msg") || w.text.ends_with("message"))
                && after.first() == Some(&b' ');
            !(keyed || spaced)
        })
        .map_or(text.len(), |w| w.start)
}

/// The clause that ends at a code written after its message: the text before it
/// without the separators and code key between (`","code":"`, ` (code `, ` (`), from
/// the last delimiter (a quote, `=`, `: `, `[`, `|`, `{`, ` - `, or non-ASCII text
/// such as a Chinese label).
fn clause_before(text: &[u8]) -> &[u8] {
    let mut t = text;
    loop {
        let n = t
            .iter()
            .rev()
            .take_while(|c| {
                matches!(
                    c,
                    b' ' | b'(' | b'[' | b'"' | b'\'' | b':' | b'=' | b',' | b'\\' | b'#'
                )
            })
            .count();
        t = &t[..t.len() - n];
        let k = t
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let word = &t[t.len() - k..];
        if n > 0 && k >= 4 && word.to_ascii_lowercase().ends_with(b"code") {
            t = &t[..t.len() - k];
            continue;
        }
        break;
    }
    let mut start = t
        .iter()
        .rposition(|&c| matches!(c, b'"' | b'\'' | b'=' | b'[' | b'|' | b'{' | b'>') || c >= 0x80)
        .map_or(0, |p| p + 1);
    for d in [&b": "[..], b" - "] {
        if let Some(p) = memchr::memmem::rfind(&t[start..], d) {
            start += p + d.len();
        }
    }
    &t[start..]
}

fn tidy(b: &[u8]) -> String {
    // A message in parentheses: `OKX error 51008 (Order failed...)`.
    let b = match (b.first(), b.last()) {
        (Some(b'('), Some(b')')) if !b[1..].contains(&b'(') => &b[1..b.len() - 1],
        _ => b,
    };
    String::from_utf8_lossy(b)
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | ',' | ';' | '`')
        })
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_stand_alone() {
        let got: Vec<&[u8]> = {
            let l = b"px 51000.5 0.51008 ts 1700000000000 [51008] 50102: 51008_1000 x89999";
            codes_in(l).map(|(s, e)| &l[s..e]).collect()
        };
        assert_eq!(got, [&b"51008"[..], b"50102", b"51008_1000"]);
    }

    #[test]
    fn another_keys_value_is_no_code() {
        for (before, other) in [
            (&br#"{"uptime_s":"#[..], true),
            (b"port=", true),
            (br#"{\"px\":\""#, true),
            (br#"{"code":""#, false),
            (b"errCode=", false),
            (b"Code = \"", false),
            (b"okx: ", false),
            (b"{\"retCode\":", true),
            (b"[", false),
        ] {
            assert_eq!(
                other_keys_value(before),
                other,
                "{}",
                String::from_utf8_lossy(before)
            );
        }
    }

    #[test]
    fn messages_come_out_clean() {
        for (text, want) in [
            (
                &b": Order failed. Insufficient USDT balance"[..],
                "Order failed. Insufficient USDT balance",
            ),
            (b"\", Message = \"Order failed\", Extra = 1", "Order failed"),
            (
                b" errMsg=Timestamp request expired ts=1",
                "Timestamp request expired",
            ),
            (b"', 'msg': 'You can\\'t do that' }", "You can\\'t do that"),
            (b"] Timestamp request expired", "Timestamp request expired"),
            (
                b" - Timestamp request expired | retry",
                "Timestamp request expired",
            ),
        ] {
            let first = first_message_word(text);
            assert_eq!(
                clean_after(text, first),
                want,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }
}
