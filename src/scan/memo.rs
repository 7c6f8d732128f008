//! The memo of one-line records: a bad night repeats the same error line thousands
//! of times, so each distinct line (its own stamp's digits masked) is extracted once
//! per thread and its events served from memory afterwards.

use super::Found;
use crate::event::Shape;
use crate::extract;
use crate::time::Stamp;

/// Lines longer than this are extracted every time, never remembered.
pub(super) const MEMO_LINE: usize = 2048;

/// Texts remembered per thread before the memo starts afresh.
const MEMO_TEXTS: usize = 4096;

thread_local! {
    pub(super) static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

/// The events of lines that are records on their own, remembered by the line's
/// text with the digits of its own stamp masked: a bad night repeats the same
/// error line thousands of times, and each is extracted once.
///
/// Extraction never reads a digit of the stamp for its value (the counting rules
/// look at names, keys and bodies), so two lines alike but for the stamp's digits
/// give the same events at the same offsets. Only events whose body lies after the
/// stamp are remembered, so that no code or message can hold any of its digits;
/// for a JSON line, whose stamp is a field of its body, only events read from the
/// body's keys (no exception text, no cut body read by pattern).
pub(super) struct Memo {
    /// Each remembered text, with where its events (their offsets from the line's
    /// start) are in `kept`.
    texts: rustc_hash::FxHashMap<Box<[u8]>, usize>,
    kept: Vec<Box<[Found]>>,
    key: Vec<u8>,
    /// Texts kept before starting afresh (0: none, every line is extracted).
    limit: usize,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo {
            texts: Default::default(),
            kept: Vec::new(),
            key: Vec::new(),
            limit: MEMO_TEXTS,
        }
    }
}

impl Memo {
    /// The events of the line `ls..le` (a record on its own), with its own
    /// `stamp`: remembered ones, or else extracted into `out` (and remembered when
    /// safe). An extraction returns where the record ends, as
    /// [`extract::record_at`] does.
    pub(super) fn extract(
        &mut self,
        data: &[u8],
        ls: usize,
        le: usize,
        stamp: Option<&Stamp>,
        out: &mut Vec<Found>,
    ) -> Result<&[Found], usize> {
        let line = &data[ls..le];
        let span = stamp.map_or(0..0, |s| s.span.clone());
        self.key.clear();
        // The stamp's place and form are part of the key: lines with stamps of
        // other forms never meet.
        self.key
            .extend_from_slice(&(span.start as u32).to_le_bytes());
        self.key.extend_from_slice(&(span.end as u32).to_le_bytes());
        self.key.push(u8::from(stamp.is_some_and(|s| s.field)));
        let off = self.key.len();
        self.key.extend_from_slice(line);
        for b in &mut self.key[off + span.start..off + span.end] {
            if b.is_ascii_digit() {
                *b = b'0';
            }
        }
        if let Some(&i) = self.texts.get(&self.key[..]) {
            return Ok(&self.kept[i]);
        }
        let before = out.len();
        let end = extract::record_at(data, ls, ls, out);
        let found = &out[before..];
        let one_line = end == le && found.iter().all(|f| f.record_start == ls && f.body.1 <= le);
        let safe = match stamp {
            None => true,
            // A stamp in a field of the body: the counting rules read no such
            // field (a `ts` is no code or message key, and holds no body), and
            // only events read from keys are remembered.
            Some(s) if s.field => {
                !found.is_empty()
                    && found
                        .iter()
                        .all(|f| f.shape != Shape::Exception && !f.partial)
            }
            Some(s) => {
                let after = |f: &Found| f.body.0 >= ls + s.span.end && f.at >= ls + s.span.end;
                !found.is_empty() && found.iter().all(after)
            }
        };
        if one_line && safe && self.limit > 0 {
            if self.texts.len() >= self.limit {
                self.texts.clear();
                self.kept.clear();
            }
            // Kept with offsets from the line's start.
            let kept = found
                .iter()
                .map(|f| Found {
                    at: f.at - ls,
                    record_start: 0,
                    body: (f.body.0 - ls, f.body.1 - ls),
                    ..f.clone()
                })
                .collect();
            self.texts
                .insert(self.key.as_slice().into(), self.kept.len());
            self.kept.push(kept);
        }
        Err(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::tests::opts;
    use crate::scan::{scan_with, ChunkScan};

    /// Events of a scan as plain values, to compare scans.
    fn plain(c: &ChunkScan) -> Vec<String> {
        c.events
            .iter()
            .map(|e| {
                let mut e = e.clone();
                let (code, message) = (e.code.clone(), e.message.clone());
                e.code = 0..0;
                e.message = 0..0;
                format!("{} {} {e:?}", &c.strings[code], &c.strings[message])
            })
            .collect()
    }

    #[test]
    fn remembered_lines_give_what_extraction_gives() {
        // Lines alike but for their stamps (of every form), and lines whose code,
        // message or body holds digits like a stamp's, scanned twice over (so that
        // the second pass is served from memory) against a scan that remembers
        // nothing; also the real logs and the fixtures.
        let mut text = String::new();
        let lines = [
            "{S} - bot - ERROR - create_order failed: okx {\"code\":\"50102\",\"data\":[],\"msg\":\"Timestamp request expired\"}",
            "{S} ERROR 50102: Timestamp request expired at {S}",
            "{S} okx {\"code\":\"51008\",\"msg\":\"Order failed at {S}\"}",
            "{\"ts\":\"{S}\",\"error\":\"okx {\\\"code\\\":\\\"50011\\\",\\\"msg\\\":\\\"x\\\"}\"}",
            "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"ts\":\"{S}\"}",
            "[{E}] okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}",
            "{E} okx {'code': '51004', 'msg': 'at {E}'}",
            "ccxt.base.errors.InvalidNonce: okx {\"msg\":\"Timestamp request expired\",\"code\":\"50102\"}",
            "freqtrade_1  | {S} - x - WARNING - okx {\"code\":\"1\",\"data\":[{\"sCode\":\"51006\",\"sMsg\":\"p\"}],\"msg\":\"\"}",
            "{S} binance {\"code\":-2011,\"msg\":\"Unknown order sent.\"}",
            "{S} okx API Request Error(code=50011): Too Many Requests",
            "{S} okx {\"code\":\"50102\",",
            "okx: {S} code=50011",
            "{\"ts\":\"{S}\",\"logger\":\"okx\",\"body\":{\"code\":\"50102\",",
            "{S} okx {\"code\":\"50102\",\n  \"msg\":\"x\"}",
        ];
        for k in 0..40u32 {
            for l in lines {
                let stamp = format!(
                    "2026-11-{:02} {:02}:{:02}:{:02},{:03}",
                    20 + k % 3,
                    k % 24,
                    k % 60,
                    (k * 7) % 60,
                    k * 13
                );
                let epoch = format!("{}", 1_795_370_000_000u64 + u64::from(k) * 977);
                text.push_str(&l.replace("{S}", &stamp).replace("{E}", &epoch));
                text.push('\n');
            }
        }
        let mut corpora = vec![text.into_bytes()];
        for dir in ["fixtures/real", "fixtures/sample-night"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            paths.sort();
            for p in paths
                .iter()
                .filter(|p| p.extension().is_some_and(|x| x == "log"))
            {
                corpora.push(std::fs::read(p).unwrap());
            }
        }
        let mut checked = 0;
        for data in &corpora {
            let mut memo = Memo::default();
            let fresh = plain(&scan_with(
                data,
                &opts(),
                &mut Memo {
                    limit: 0,
                    ..Memo::default()
                },
            ));
            let first = plain(&scan_with(data, &opts(), &mut memo));
            let again = plain(&scan_with(data, &opts(), &mut memo));
            assert_eq!(first, fresh);
            assert_eq!(again, fresh);
            checked += fresh.len();
            if checked == fresh.len() {
                // The made-up lines: each kind remembered once whatever its stamp,
                // but the two whose bodies repeat the stamp (once per line).
                let n = memo.texts.len();
                assert!(n > 2 * 40 && n < 2 * 40 + lines.len(), "{n}");
            }
        }
        assert!(checked > 400, "{checked}");
    }
}
