//! Does a text say what OKX says for a code? The matcher behind recognising an error
//! by its evidence rather than its syntax: a known code standing next to its own
//! official message (or a clear part of it) is OKX's, whatever punctuation, keys,
//! quoting or language surround them.
//!
//! Everything here is generated from `codes.tsv` on first use: the set of known
//! five-digit codes (a bitmap, for the scanner's cheap check) and each code's
//! official words (its messages' content words, placeholders such as `{param0}`
//! dropped). A code added to the table is recognised without a code change.
//!
//! OKX's live messages often differ from the published ones (`Order failed.
//! Insufficient USDT margin in account` for `Order placement failed due to
//! insufficient balance`), so agreement is by shared content words, not equality:
//! a word agrees with another when they are equal or one starts the other and both
//! have four letters or more (`Sign` and `signature`, `operation` and
//! `operations`).

use super::{entries, messages};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A code's official words, each message variant apart.
type Official = Arc<Vec<Vec<String>>>;

/// Words too common in messages to say whose a message is.
const STOP: &[&str] = &[
    "the", "and", "for", "are", "was", "you", "your", "this", "that", "with", "please", "from",
    "has", "have", "been", "will", "can", "its", "our", "try", "again", "later", "not", "any",
    // Log levels, which stand before many a code.
    "info", "debug", "warn", "warning", "trace", "notice",
];

/// A word of a message, lowercased, with where it lies in the text read.
#[derive(Clone, Debug)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The words of `text` (ASCII letters and digits; anything else, Chinese text
/// included, separates words), lowercased.
pub fn words(text: &[u8]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let s = i;
        while i < text.len() && text[i].is_ascii_alphanumeric() {
            i += 1;
        }
        out.push(Word {
            text: String::from_utf8_lossy(&text[s..i]).to_ascii_lowercase(),
            start: s,
            end: i,
        });
    }
    out
}

/// A word that can say whose a message is: three letters or more, not all digits,
/// not a stop word.
fn content(w: &str) -> bool {
    w.len() >= 3 && !w.bytes().all(|c| c.is_ascii_digit()) && !STOP.contains(&w)
}

fn same_word(a: &str, b: &str) -> bool {
    a == b || a.len() >= 4 && b.len() >= 4 && (a.starts_with(b) || b.starts_with(a))
}

/// The content words of a code's official messages, each variant apart (worked
/// out once per code).
fn official(code: &str) -> Official {
    static CACHE: OnceLock<Mutex<HashMap<String, Official>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().expect("not poisoned").get(code) {
        return v.clone();
    }
    let v = Arc::new(official_words(code));
    cache
        .lock()
        .expect("not poisoned")
        .insert(code.to_string(), v.clone());
    v
}

fn official_words(code: &str) -> Vec<Vec<String>> {
    messages(code)
        .into_iter()
        .map(|m| {
            // Placeholders (`{param0}`, `{ccy}`) stand for any text: dropped.
            let mut plain = String::with_capacity(m.len());
            let mut depth = 0;
            for c in m.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = (depth - 1).max(0),
                    _ if depth == 0 => plain.push(c),
                    _ => plain.push(' '),
                }
            }
            let mut ws: Vec<String> = words(plain.as_bytes())
                .into_iter()
                .map(|w| w.text)
                .filter(|w| content(w))
                .collect();
            // Each word once, wherever it stands again.
            let mut seen = std::collections::HashSet::new();
            ws.retain(|w| seen.insert(w.clone()));
            ws
        })
        .filter(|ws| !ws.is_empty())
        .collect()
}

/// Where in `text` the official message of `code` (or a clear part of it) is
/// written: the span from the first to the last agreeing word. Half of the
/// official content words must agree (all of them when it has one or two), or at
/// least two when the text's own words are fewer (a message cut short, or the
/// first words of a long one). `text` is what stands next to the code: its words
/// are all read.
pub fn agrees(code: &str, text: &[u8]) -> Option<(usize, usize)> {
    let ws: Vec<Word> = words(text)
        .into_iter()
        .filter(|w| content(&w.text))
        .collect();
    if ws.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for off in official(code).iter() {
        let hit: Vec<&Word> = ws
            .iter()
            .filter(|w| off.iter().any(|o| same_word(o, &w.text)))
            .collect();
        let agreeing = off
            .iter()
            .filter(|o| ws.iter().any(|w| same_word(o, &w.text)))
            .count();
        let need = if off.len() <= 2 {
            off.len()
        } else {
            off.len().div_ceil(2).min(ws.len().max(2))
        };
        // As many of the text's own words (`order` agrees with both `order` and
        // `orders`, and is one word).
        let mut own: Vec<&str> = hit.iter().map(|w| w.text.as_str()).collect();
        own.sort_unstable();
        own.dedup();
        if agreeing >= need && own.len() >= need.min(2) {
            let span = (hit[0].start, hit[hit.len() - 1].end);
            best = Some(best.map_or(span, |b: (usize, usize)| (b.0.min(span.0), b.1.max(span.1))));
        }
    }
    best
}

/// Is `n` a five-digit code the table knows (a sub-code's base counts)? One bit
/// per number: the scanner asks this at every five-digit number it meets.
pub fn known_five(n: u32) -> bool {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut b = vec![0u64; 100_000 / 64 + 1];
        for e in entries() {
            let base = e.code.split('_').next().unwrap_or(e.code);
            if let Ok(n) = base.parse::<u32>() {
                if (10_000..100_000).contains(&n) {
                    b[n as usize / 64] |= 1 << (n % 64);
                }
            }
        }
        b
    });
    n < 100_000 && bits[n as usize / 64] & (1 << (n % 64)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_messages_agree_with_the_published_ones() {
        for (code, text) in [
            ("51008", "Order failed. Insufficient USDT margin in account"),
            ("51004", "After placing order, your position will exceed the maximum position size limit. Lower the leverage and place order again."),
            ("51010", "You can't complete this request under your current account mode."),
            ("50011", "Requests too frequent."),
            ("50011", "Too Many Requests"),
            ("50004", "API endpoint request timeout "),
            ("50113", "Invalid Sign"),
            ("50102", "Timestamp request expired"),
            ("51000", "Parameter posSide  error"),
            ("60011", "Please log in"),
            ("1", "All operations failed"),
        ] {
            assert!(agrees(code, text.as_bytes()).is_some(), "{code} {text}");
        }
    }

    #[test]
    fn other_services_messages_do_not() {
        for (code, text) in [
            ("50035", "Invalid Form Body"),
            ("50013", "Missing Permissions"),
            ("50001", "Missing Access"),
            ("51000", "orders filled"),
            ("50102", "request"),
            ("30004", "Api key info invalid"),
            ("10004", "Unknown Channel"),
            // A word the official message holds twice is still one word.
            ("51008", "order"),
        ] {
            assert!(agrees(code, text.as_bytes()).is_none(), "{code} {text}");
        }
    }

    #[test]
    fn the_span_covers_the_agreeing_words() {
        let t = b"[50102] Timestamp request expired (clock)";
        let (s, e) = agrees("50102", t).unwrap();
        assert_eq!(&t[s..e], b"Timestamp request expired");
    }

    #[test]
    fn every_five_digit_code_of_the_table_is_known_and_no_other() {
        let mut n = 0;
        for e in entries() {
            if let Ok(c) = e.code.parse::<u32>() {
                if (10_000..100_000).contains(&c) {
                    assert!(known_five(c), "{}", e.code);
                    n += 1;
                }
            }
        }
        assert!(n > 1300);
        assert!(!known_five(50099) && !known_five(99999) && !known_five(123_456));
    }
}
