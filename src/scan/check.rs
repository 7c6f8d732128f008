//! The cheap checks at a prefilter hit, before any parsing: is the word a key the
//! extractors read, can the code after it be an error, and is it outside WebSocket
//! notices and other exchanges' bodies. They only filter: a hit that passes is
//! extracted in full.

use crate::extract::{self, context::Prefix};
use std::sync::OnceLock;

/// The cheap check at a hit, before any parsing. At `code`/`Code`: a key every
/// extraction path reads ([`code_word`]), a code that can be an error
/// ([`extract::code_follows`]), not in a WebSocket notice ([`in_notice`]) nor in
/// another exchange's body ([`in_foreign_body`]). At `x {`:
/// `okx {` or `okex {` before a body with no `code` key (one with a code is decided
/// at its own `code` hit) but with a message (`msg`, `message`, `error_message`). At
/// `xception`: five digits and a colon (`50102:Timestamp ...`); `code=N` text is
/// found at its own `code` hit.
#[inline]
pub(super) fn worth_a_look(data: &[u8], hit: usize, literal: usize) -> bool {
    // Most hits are `code` before "0" and stop at the first two checks: inline;
    // the rarer, longer checks are out of line.
    match literal {
        0 | 1 => {
            code_word(data, hit) && extract::code_follows(data, hit) && code_in_context(data, hit)
        }
        2 => okx_body_with_message(data, hit),
        3 => code_colon_after(data, hit),
        _ => known_code_at(data, hit),
    }
}

/// A number of exactly five digits at `hit` (see [`super::prefilter::FIVE`]) that
/// stands as a code (not in a decimal number) and that the knowledge base knows as
/// a code, or that lies in OKX's ranges on a line naming OKX: its line is looked at
/// for the code's message or its OKX context ([`extract::evidence`]).
#[inline(never)]
fn known_code_at(data: &[u8], hit: usize) -> bool {
    let n = data[hit..hit + 5]
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    if !extract::evidence::code_at(data, hit) || under_code_key(data, hit) {
        return false;
    }
    crate::kb::known_five(n) || {
        let code = std::str::from_utf8(&data[hit..hit + 5]).unwrap_or_default();
        crate::kb::in_okx_range(code) && {
            let (ls, le) = extract::line_bounds(data, hit);
            let le = le.min(ls + NEAR);
            extract::context::LineContext::new(&data[ls..le]).okx()
        }
    }
}

/// The code at `hit` is not in a WebSocket notice nor in another exchange's body.
#[inline(never)]
fn code_in_context(data: &[u8], hit: usize) -> bool {
    opener(data, hit).is_none_or(|open| !in_notice(data, open, hit) && !in_foreign_body(data, open))
}

/// `okx {` or `okex {` at `hit` (`x {`), before a body with a message and no code.
#[inline(never)]
fn okx_body_with_message(data: &[u8], hit: usize) -> bool {
    let before = &data[..hit];
    (before.ends_with(b"ok") || before.ends_with(b"oke")) && {
        let rest = rest_of_line(data, hit);
        !has(Needle::Ode, rest) && (has(Needle::Essage, rest) || has(Needle::Msg, rest))
    }
}

/// Five digits then a colon on the rest of the line, in one pass.
#[inline(never)]
fn code_colon_after(data: &[u8], hit: usize) -> bool {
    let hi = (hit + NEAR).min(data.len());
    memchr::memchr2_iter(b':', b'\n', &data[hit..hi])
        .map(|p| hit + p)
        .take_while(|&q| data[q] == b':')
        .any(|q| q - hit >= 5 && data[q - 5..q].iter().all(u8::is_ascii_digit))
}

/// Is the number at `hit` the value of a `code` key the code literal's hit reads
/// (`"code":"64008"`, `Code:64008`, `sCode=`)? That hit has decided about it (a
/// notice, another exchange's body): its line is not looked at again.
fn under_code_key(data: &[u8], hit: usize) -> bool {
    let lo = hit.saturating_sub(16);
    let t = &data[lo..hit];
    let skip = |t: &[u8]| {
        let n = t
            .iter()
            .rev()
            .take_while(|c| matches!(c, b'"' | b'\'' | b'\\' | b' ' | b'\t'))
            .count();
        t.len() - n
    };
    let end = skip(t);
    if end == 0 || !matches!(t[end - 1], b':' | b'=') {
        return false;
    }
    let end = skip(&t[..end - 1]);
    end >= 4 && t[end - 4..end].eq_ignore_ascii_case(b"code") && code_word(data, lo + end - 4)
}

/// Is the `code` at `hit` a word every extraction path knows: `code`, `sCode`,
/// `error_code`, `errorCode`, `error code`? Another word before it (`retCode`,
/// `statusCode`, `decode`) names a key nothing reads.
fn code_word(data: &[u8], hit: usize) -> bool {
    match hit.checked_sub(1).map(|i| data[i]) {
        Some(b's' | b'S') => true,
        Some(b'r' | b'R') => {
            data[..hit].len() >= 5 && data[hit - 5..hit].eq_ignore_ascii_case(b"error")
        }
        Some(c) => !c.is_ascii_alphanumeric(),
        None => true,
    }
}

/// The nearest `{` before `hit` on its line (within [`NEAR`]), when no `}` lies
/// between: the object the hit is a key of, or a string inside it. (One look back
/// for the nearest brace or newline.)
fn opener(data: &[u8], hit: usize) -> Option<usize> {
    let lo = hit.saturating_sub(NEAR);
    match memchr::memrchr3(b'{', b'}', b'\n', &data[lo..hit]) {
        Some(p) if data[lo + p] == b'{' => Some(lo + p),
        _ => None,
    }
}

/// Does the object opening at `open` (the one around a code hit, see [`opener`])
/// come right after another exchange's name (`okcoin {"code":"50102",...}`, also
/// escaped in a string)? Such a body is never counted, so the line is not
/// extracted for it.
fn in_foreign_body(data: &[u8], open: usize) -> bool {
    Prefix::of_tail(&data[..open]) == Prefix::Foreign
}

/// Is the code at `hit` a key of the flat object opening at `open` (found by
/// [`opener`]: no brace lies between it and the hit) whose `event` is `notice` (a
/// WebSocket notice such as 64008, never an error)? Such an object is all that
/// reaches the hit: an error elsewhere on the line has a hit of its own.
fn in_notice(data: &[u8], open: usize, hit: usize) -> bool {
    // Looked for near the hit only, so that a huge line of notices is not read
    // once per hit; the object must close on the hit's line with no brace before.
    let hi = (hit + NEAR).min(data.len());
    let close = match memchr::memchr3(b'{', b'}', b'\n', &data[hit..hi]) {
        Some(p) if data[hit + p] == b'}' => hit + p,
        _ => return false,
    };
    let obj = &data[open + 1..close];
    // `"event":"notice"`, `'event': 'notice'`, `event: 'notice'`, `Event:notice`.
    // Looked for at each `v` (an object most often has none: cheaper than a
    // substring search set up for `vent`).
    memchr::memchr_iter(b'v', obj).any(|p| {
        p > 0
            && obj[p..].starts_with(b"vent")
            && obj[p - 1].eq_ignore_ascii_case(&b'e')
            && (p < 2 || !obj[p - 2].is_ascii_alphanumeric())
            && {
                let rest = &obj[p + 4..];
                let skip = rest
                    .iter()
                    .take(6)
                    .take_while(|c| matches!(c, b'"' | b'\'' | b'\\' | b' ' | b':' | b'='))
                    .count();
                rest[skip..].starts_with(b"notice")
                    && !rest
                        .get(skip + 6)
                        .is_some_and(|c| c.is_ascii_alphanumeric())
            }
    })
}

/// The words looked for around hits, with their searchers built once (building
/// one per call showed in profiles).
#[derive(Clone, Copy)]
enum Needle {
    Ode,
    Essage,
    Msg,
}

fn finders() -> &'static [memchr::memmem::Finder<'static>; 3] {
    static F: OnceLock<[memchr::memmem::Finder<'static>; 3]> = OnceLock::new();
    F.get_or_init(|| [&b"ode"[..], b"essage", b"msg"].map(memchr::memmem::Finder::new))
}

fn has(n: Needle, hay: &[u8]) -> bool {
    finders()[n as usize].find(hay).is_some()
}

/// How far from a hit its cheap checks look. They only filter (a hit that passes is
/// extracted in full), and bounding them keeps a huge line from being read once per
/// hit on it.
const NEAR: usize = 4 * 1024;

/// The line from `hit` on, up to [`NEAR`] bytes.
fn rest_of_line(data: &[u8], hit: usize) -> &[u8] {
    let hi = (hit + NEAR).min(data.len());
    let end = memchr::memchr(b'\n', &data[hit..hi]).map_or(hi, |n| hit + n);
    &data[hit..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::tests::scan_cut;

    #[test]
    fn notices_are_passed_over_before_parsing_and_errors_beside_them_kept() {
        let notice =
            r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed."}"#;
        let t = |s: &str| s.find("code").unwrap();
        let notice_at = |s: &str, hit: usize| {
            opener(s.as_bytes(), hit).is_some_and(|open| in_notice(s.as_bytes(), open, hit))
        };
        assert!(notice_at(notice, t(notice)));
        for flat in [
            "{'event': 'notice', 'code': '64008'}",
            "{ event: 'notice', code: '64008' }",
            "&{Event:notice Msg:soon closed Code:64008 Args:[]}",
        ] {
            assert!(notice_at(flat, flat.rfind("ode").unwrap() - 1), "{flat}");
        }
        // An error whose message says "notice", and a notice nested in an error body.
        let error = r#"{"event":"error","code":"60012","msg":"Illegal request: notice"}"#;
        assert!(!notice_at(error, t(error)));
        let nested = r#"{"code":"50001","data":{"event":"notice"},"msg":"x"}"#;
        assert!(!notice_at(nested, t(nested)));
        let line = format!("{notice} then {error}\n");
        let codes: Vec<String> = scan_cut(&line, &[])
            .into_iter()
            .map(|e| e.code.into_owned())
            .collect();
        assert_eq!(codes, ["60012"]);
    }

    #[test]
    fn hits_inside_another_exchanges_body_are_passed_over() {
        let foreign = |s: &str| {
            let hit = s.find("code").unwrap();
            opener(s.as_bytes(), hit).is_some_and(|open| in_foreign_body(s.as_bytes(), open))
        };
        let escaped = r#"{"error":"okcoin {\"code\":\"50102\",\"msg\":\"x\"}"}"#;
        assert!(foreign(escaped));
        assert!(foreign(r#"WARN okcoin {"code":"50102"}"#));
        // A closed foreign body before the hit, or an OKX one: the hit is looked at.
        for line in [
            r#"{"note":"binance {x}","code":"50102","msg":"Timestamp request expired"}"#,
            r#"okcoin said no, then okx {"code":"50102","msg":"Timestamp request expired"}"#,
            r#"okcoin {"data":[{"x":1}],"y":{"code":"50102","msg":"Timestamp request expired"}}"#,
        ] {
            assert!(!foreign(line), "{line}");
        }
        let text = format!(
            "{escaped}\nokcoin {{\"code\":\"50113\"}} okx {{\"code\":\"50102\",\"msg\":\"x\"}}\n"
        );
        let codes: Vec<String> = scan_cut(&text, &[])
            .into_iter()
            .map(|e| e.code.into_owned())
            .collect();
        assert_eq!(codes, ["50102"]);
    }

    #[test]
    fn numbers_under_a_code_key_are_left_to_the_code_hit() {
        for (text, under) in [
            (r#"{"event":"notice","code":"64008"#, true),
            ("&{Event:notice Code:64008", true),
            (r#"{\"sCode\":\"51008"#, true),
            ("errCode=51008", false),
            ("retCode=51008", false),
            ("[51008", false),
        ] {
            let b = text.as_bytes();
            assert_eq!(under_code_key(b, b.len() - 5), under, "{text}");
        }
    }

    #[test]
    fn code_words_the_extractors_read_pass_the_cheap_check() {
        let text =
            "2026-11-22 10:00:00 ERROR OkexException: failed, errorCode=50113 Invalid Sign\n\
                    2026-11-22 10:00:01 ERROR failed: error code 50102 Timestamp request expired\n\
                    2026-11-22 10:00:02 WARN bybit {\"retCode\":50102,\"retMsg\":\"x\"}\n";
        let codes: Vec<String> = scan_cut(text, &[])
            .into_iter()
            .map(|e| e.code.into_owned())
            .collect();
        assert_eq!(codes, ["50113", "50102"]);
        for (word, ok) in [
            ("{\"code\"", true),
            ("{\"sCode\"", true),
            ("error_code", true),
            ("ErrorCode", true),
            ("retCode", false),
            ("decode", false),
        ] {
            assert_eq!(
                code_word(
                    word.as_bytes(),
                    word.to_ascii_lowercase().rfind("code").unwrap()
                ),
                ok,
                "{word}"
            );
        }
    }
}
