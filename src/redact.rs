//! Secrets: bots log their credentials next to their errors (header dumps, configs,
//! WebSocket logins). Every piece of log text okxscan prints goes through
//! [`redact`] first: API keys are shown as a short fingerprint (`7d3f…0917`) so the
//! operator can tell which key failed; signatures, secrets and passphrases are
//! masked whole.
//!
//! A value is found after a credential name (`OK-ACCESS-KEY`, `apiKey`, `secret`,
//! `passphrase`, `sign`, ... in any case, with `-`/`_` variants) and a `:`, `=` or
//! `=>`, quoted or not, escaped or not. Values that are plainly not secrets (`nan`,
//! `None`, `null`, empty, already masked) stay visible: they are the diagnosis.

use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

fn names() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)(ok[-_]?access[-_]?(?:key|sign|passphrase)|api[-_]?key|access[-_]?key|api[-_]?secret|secret[-_]?key|client[-_]?secret|private[-_]?key|secret|passphrase|password|passwd|signature|sign)",
        )
        .expect("valid regex")
    })
}

/// How a value is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mask {
    /// First and last four characters (API keys).
    Fingerprint,
    /// Nothing of it.
    Whole,
}

fn mask_for(name: &str) -> Mask {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match n.as_str() {
        "okaccesskey" | "apikey" | "accesskey" => Mask::Fingerprint,
        _ => Mask::Whole,
    }
}

const HARMLESS: [&str; 8] = [
    "nan",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "<nil>",
];

fn masked(value: &str, how: Mask) -> String {
    let n = value.chars().count();
    if how == Mask::Fingerprint && n >= 12 {
        let first: String = value.chars().take(4).collect();
        let last: String = value.chars().skip(n - 4).collect();
        format!("{first}…{last}")
    } else {
        "****".to_string()
    }
}

/// Masks every credential value in `text`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let re = names();
    if !re.is_match(text) {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in re.find_iter(text) {
        if m.start() < last {
            continue;
        }
        // The name must not be the tail of a longer word (`design`, `consign`).
        if m.start() > 0 && b[m.start() - 1].is_ascii_alphabetic() {
            continue;
        }
        if b.get(m.end()).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let Some((vs, ve)) = value_after(b, m.end()) else {
            continue;
        };
        let value = &text[vs..ve];
        if value.is_empty() || value.contains("****") || value.contains('…') {
            continue;
        }
        if HARMLESS.iter().any(|h| value.eq_ignore_ascii_case(h)) {
            continue;
        }
        out.push_str(&text[last..vs]);
        out.push_str(&masked(value, mask_for(m.as_str())));
        last = ve;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// The value after a credential name at `i`: skips a closing quote (maybe escaped),
/// spaces, the separator and an opening quote; a quoted value runs to its quote,
/// a bare one to a delimiter.
pub(crate) fn value_after(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let skip_quote = |i: &mut usize| -> Option<u8> {
        let mut j = *i;
        while b.get(j) == Some(&b'\\') {
            j += 1;
        }
        match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                *i = j + 1;
                Some(q)
            }
            _ => None,
        }
    };
    skip_quote(&mut i);
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    // `&` ends a value in a query string (`key=...&sign=...`), not in a header.
    let query = match b.get(i) {
        Some(b':') => {
            i += 1;
            false
        }
        Some(b'=') => {
            i += 1;
            if b.get(i) == Some(&b'>') {
                i += 1;
            }
            true
        }
        _ => return None,
    };
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    // A Python bytes value: `b'...'`.
    if b.get(i) == Some(&b'b') && matches!(b.get(i + 1), Some(b'\'' | b'"')) {
        i += 1;
    }
    let start_q = i;
    if let Some(q) = skip_quote(&mut i) {
        let escaped = i - start_q > 1;
        let vs = i;
        let mut j = i;
        while j < b.len() {
            if b[j] == q && !(escaped && j > 0 && b[j - 1] != b'\\') {
                let end = if escaped { j - 1 } else { j };
                return Some((vs, end.max(vs)));
            }
            if b[j] == b'\n' {
                break;
            }
            j += 1;
        }
        return Some((vs, j));
    }
    let vs = i;
    let mut j = i;
    while j < b.len()
        && !(query && b[j] == b'&')
        && !matches!(
            b[j],
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b';' | b'}' | b']' | b')' | b'"' | b'\'' | b'\\'
        )
    {
        j += 1;
    }
    Some((vs, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917";
    const SIGN: &str = "q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=";

    fn leaks(out: &str, secret: &str) -> bool {
        let c: Vec<char> = secret.chars().collect();
        c.windows(9)
            .any(|w| out.contains(&w.iter().collect::<String>()))
    }

    #[test]
    fn every_form_is_masked() {
        let lines = [
            format!("OK-ACCESS-KEY: {KEY}"),
            format!("'OK-ACCESS-SIGN': '{SIGN}', 'OK-ACCESS-PASSPHRASE': 'Tr0ub4dor&3horse'"),
            format!("{{'apiKey': '{KEY}', 'secret': 'C0FFEE5EC12E7ABCDEF0123456789AB', 'password': 'Tr0ub4dor&3horse'}}"),
            format!(r#"{{"apiKey":"{KEY}","secretKey":"C0FFEE5EC12E7ABCDEF0123456789AB","passphrase":"Tr0ub4dor&3horse"}}"#),
            format!(r#"{{"op":"login","args":[{{"apiKey":"{KEY}","passphrase":"Tr0ub4dor&3horse","timestamp":"1","sign":"{SIGN}"}}]}}"#),
            format!(r#"{{"msg":"{{\"apiKey\":\"{KEY}\",\"sign\":\"{SIGN}\"}}"}}"#),
            format!("GET /api?api_key={KEY}&signature={SIGN} HTTP/1.1"),
            format!("{{ apiKey: '{KEY}', secret: \"pass word with spaces\" }}"),
            format!("{{'OK-ACCESS-SIGN': b'{SIGN}', 'OK-ACCESS-KEY': b\"{KEY}\"}}"),
            "OK-ACCESS-PASSPHRASE: Tr0ub4dor&3horse-and-more".to_string(),
        ];
        for l in &lines {
            let out = redact(l);
            for s in [
                KEY,
                SIGN,
                "C0FFEE5EC12E7ABCDEF0123456789AB",
                "Tr0ub4dor&3horse",
                "pass word with spaces",
                "&3horse-and-more",
            ] {
                assert!(!leaks(&out, s) || !l.contains(s), "{l}\n-> {out}");
            }
        }
        assert_eq!(
            redact(&format!("OK-ACCESS-KEY: {KEY}")),
            "OK-ACCESS-KEY: 7d3f…0917"
        );
    }

    #[test]
    fn harmless_values_and_prose_stay() {
        for l in [
            "OK-ACCESS-PASSPHRASE: nan",
            "'passphrase': None",
            "Invalid Sign",
            "design: new",
            r#"{"code":"50113","msg":"Invalid Sign"}"#,
        ] {
            assert_eq!(redact(l), l);
        }
    }
}
