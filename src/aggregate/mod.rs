//! Aggregation: what is kept of the events (counts, first and last seen, messages,
//! time buckets, one sample per code), never the events themselves, so memory does
//! not grow with the size of the logs. Aggregates of different inputs merge in input
//! order, which keeps every output deterministic whatever the thread count.
//!
//! A total keeps what each input gave it ([`SourceFigures`]: its counts, times and
//! messages by code), so that `summary --format json` can say it per file and
//! `okxscan merge` can fold several hosts' files again exactly as one run over all of
//! them would have: counts, first and last seen and buckets are sums, minima and
//! maxima, in any order; only the capped message lists depend on the order of the
//! folds, and that order is the input order, which the per-file figures keep.

pub mod report;

use crate::event::{Api, Category, Event};
use crate::filter::classify;
use crate::input::Source;
use crate::scan::sink::{Flow, Needs, Place, Sink, SourceEnd};
use crate::time::{Bucket, Zone};
use rustc_hash::FxHashMap;

/// Distinct messages kept per code; more are counted under the last slot.
pub const MAX_MESSAGES: usize = 32;

/// One example of a code, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub source: usize,
    pub line: u64,
    pub text: String,
}

/// Everything known of one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeStats {
    pub code: String,
    pub api: Api,
    pub category: Category,
    pub known: bool,
    pub count: u64,
    pub partial: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub messages: FxHashMap<String, u64>,
    pub sample: Option<Sample>,
}

impl CodeStats {
    /// The most frequent message (ties: the alphabetically first).
    pub fn message(&self) -> &str {
        self.messages
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map_or("", |(m, _)| m.as_str())
    }
}

/// Counts by code, by time bucket and overall.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub bucket: Bucket,
    pub zone: Zone,
    /// By code. Maps of strings hashed per event use FxHash: keys come from the
    /// scanned logs, but a map of codes and messages is small and bounded.
    pub codes: FxHashMap<String, CodeStats>,
    /// (bucket start, code) -> count, when a bucket width is set. Unordered (a hash
    /// lookup per event): readers sort ([`Aggregate::bucket_rows`]) or sum.
    pub buckets: FxHashMap<(i64, String), u64>,
    /// Hourly counts by code, always kept (bursts and report timelines); unordered.
    pub hourly: FxHashMap<(i64, String), u64>,
    pub total: u64,
    pub partial: u64,
    pub untimed: u64,
    pub keep_samples: bool,
    /// The input of the events added here directly (set by [`Aggregate::add`]).
    pub source: Option<usize>,
    /// What each input merged into this aggregate gave it, in merge (input) order;
    /// inputs that gave no event are left out.
    pub sources: Vec<SourceFigures>,
    /// The source being scanned, when this aggregate is a scan's sink: its events
    /// are added there and merged in here when it ends.
    open: Option<Box<Aggregate>>,
    /// Reused lookup key of the time maps.
    scratch: (i64, String),
}

/// One input's share of a total: its events by code (times, counts, messages; no
/// sample), sorted as [`Aggregate::sorted`] sorts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFigures {
    pub source: usize,
    pub total: u64,
    pub partial: u64,
    pub untimed: u64,
    pub codes: Vec<CodeStats>,
}

/// Adds one to `(at, code)`; `key` is a scratch key reused from call to call, so a
/// key is allocated only the first time it is seen.
fn bump(map: &mut FxHashMap<(i64, String), u64>, key: &mut (i64, String), at: i64, code: &str) {
    key.0 = at;
    key.1.clear();
    key.1.push_str(code);
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.clone(), 1);
        }
    }
}

impl Aggregate {
    pub fn new(bucket: Bucket, zone: Zone) -> Aggregate {
        Aggregate {
            bucket,
            zone,
            codes: FxHashMap::default(),
            buckets: FxHashMap::default(),
            hourly: FxHashMap::default(),
            total: 0,
            partial: 0,
            untimed: 0,
            keep_samples: false,
            source: None,
            sources: Vec::new(),
            open: None,
            scratch: (0, String::new()),
        }
    }

    pub fn add(&mut self, ev: Event<'_>) {
        self.total += 1;
        self.source = Some(ev.source);
        self.partial += u64::from(ev.partial);
        // A code's text is copied only the first time it is seen.
        if !self.codes.contains_key(ev.code.as_ref()) {
            let info = classify(&ev);
            let code = ev.code.to_string();
            self.codes.insert(
                code.clone(),
                CodeStats {
                    code,
                    api: info.api,
                    category: info.category,
                    known: info.known,
                    count: 0,
                    partial: 0,
                    first: None,
                    last: None,
                    messages: FxHashMap::default(),
                    sample: None,
                },
            );
        }
        let Event {
            code,
            message,
            time,
            partial,
            text,
            source,
            line,
            ..
        } = ev;
        let st = self.codes.get_mut(code.as_ref()).expect("inserted above");
        st.count += 1;
        st.partial += u64::from(partial);
        if let Some(t) = time {
            st.first = Some(st.first.map_or(t, |f| f.min(t)));
            st.last = Some(st.last.map_or(t, |l| l.max(t)));
            if self.bucket != Bucket::None {
                let b = self.zone.floor(t, self.bucket);
                bump(&mut self.buckets, &mut self.scratch, b, &st.code);
            }
            let h = self.zone.floor(t, Bucket::Hour);
            bump(&mut self.hourly, &mut self.scratch, h, &st.code);
        } else {
            self.untimed += 1;
        }
        let kept = st.messages.len();
        match st.messages.get_mut(message.as_ref()) {
            Some(n) => *n += 1,
            None if kept < MAX_MESSAGES => {
                st.messages.insert(message.into_owned(), 1);
            }
            None => {}
        }
        if self.keep_samples && st.sample.is_none() {
            if let Some(text) = text {
                st.sample = Some(Sample { source, line, text });
            }
        }
    }

    /// Merges the source being scanned (as a sink) in.
    fn close_source(&mut self) {
        if let Some(a) = self.open.take() {
            self.merge(*a);
        }
    }

    /// What the events added here directly amount to, if there were any.
    fn own_figures(&self) -> Option<SourceFigures> {
        let source = self.source.filter(|_| self.total > 0)?;
        Some(SourceFigures {
            source,
            total: self.total,
            partial: self.partial,
            untimed: self.untimed,
            codes: self
                .sorted()
                .into_iter()
                .map(|s| CodeStats {
                    sample: None,
                    ..s.clone()
                })
                .collect(),
        })
    }

    /// Each input's share, in input order: the merged inputs' figures, or for an
    /// aggregate that was only added to, its own.
    pub fn per_source(&self) -> Vec<SourceFigures> {
        if self.sources.is_empty() {
            self.own_figures().into_iter().collect()
        } else {
            self.sources.clone()
        }
    }

    /// Adds `other` (an aggregate of later inputs) into this one.
    pub fn merge(&mut self, mut other: Aggregate) {
        // An aggregate that had events added but nothing merged yet is one input's:
        // keep its figures before they mix with the next input's.
        if self.sources.is_empty() {
            let own = self.own_figures();
            self.sources.extend(own);
        }
        if other.sources.is_empty() {
            self.sources.extend(other.own_figures());
        } else {
            self.sources.append(&mut other.sources);
        }
        self.total += other.total;
        self.partial += other.partial;
        self.untimed += other.untimed;
        for (k, v) in other.buckets {
            *self.buckets.entry(k).or_default() += v;
        }
        for (k, v) in other.hourly {
            *self.hourly.entry(k).or_default() += v;
        }
        for (code, o) in other.codes {
            match self.codes.get_mut(&code) {
                None => {
                    self.codes.insert(code, o);
                }
                Some(s) => {
                    s.count += o.count;
                    s.partial += o.partial;
                    s.first = min_opt(s.first, o.first);
                    s.last = max_opt(s.last, o.last);
                    merge_messages(&mut s.messages, o.messages);
                    if s.sample.is_none() {
                        s.sample = o.sample;
                    }
                }
            }
        }
    }

    /// Codes sorted by count (descending), then code.
    pub fn sorted(&self) -> Vec<&CodeStats> {
        let mut v: Vec<&CodeStats> = self.codes.values().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        v
    }

    /// The earliest and latest event times.
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self.codes.values().filter_map(|s| s.first).min()?;
        let last = self.codes.values().filter_map(|s| s.last).max()?;
        Some((first, last))
    }

    /// Bucket rows sorted by bucket, then count (descending), then code.
    pub fn bucket_rows(&self) -> Vec<(i64, &str, u64)> {
        let mut rows: Vec<(i64, &str, u64)> = self
            .buckets
            .iter()
            .map(|((b, c), n)| (*b, c.as_str(), *n))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(b.1)));
        rows
    }
}

/// Adds `more` (a later input's messages of one code) into `kept`. When both do not
/// fit under [`MAX_MESSAGES`], the newcomers are taken by count (descending), then
/// text, not in hash order: which ones are kept then depends on the two lists only,
/// so that `merge` can fold the per-file figures of a summary again to the same lists.
fn merge_messages(kept: &mut FxHashMap<String, u64>, more: FxHashMap<String, u64>) {
    if kept.len() + more.len() <= MAX_MESSAGES {
        for (m, n) in more {
            *kept.entry(m).or_default() += n;
        }
        return;
    }
    let mut more: Vec<(String, u64)> = more.into_iter().collect();
    more.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (m, n) in more {
        if kept.len() < MAX_MESSAGES || kept.contains_key(&m) {
            *kept.entry(m).or_default() += n;
        }
    }
}

/// The smaller of two optional times (either may be missing).
pub(crate) fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The larger of two optional times (either may be missing).
pub(crate) fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The aggregate is the summary's sink: samples need the line text and number.
/// Each source's events go to an aggregate of their own, merged into this one when
/// the source ends (a merge per source, nothing more per event): so the total keeps
/// each input's share ([`SourceFigures`]), and keeps the messages that `okxscan
/// merge`, folding those shares again, keeps.
impl Sink for Aggregate {
    fn needs(&self) -> Needs {
        Needs {
            lines: self.keep_samples,
            text: self.keep_samples,
            ..Needs::default()
        }
    }

    fn begin(&mut self, index: usize, _: &Source) -> std::io::Result<Flow> {
        self.close_source();
        let mut a = Aggregate::new(self.bucket, self.zone.clone());
        a.keep_samples = self.keep_samples;
        a.source = Some(index);
        self.open = Some(Box::new(a));
        Ok(Flow::Go)
    }

    fn event(&mut self, ev: Event<'_>, _: &Place<'_>) -> std::io::Result<Flow> {
        match self.open.as_deref_mut() {
            Some(a) => a.add(ev),
            None => self.add(ev),
        }
        Ok(Flow::Go)
    }

    fn end(&mut self, _: usize, _: &Source, _: SourceEnd) -> std::io::Result<Flow> {
        self.close_source();
        Ok(Flow::Go)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: &str, t: i64, msg: &str) -> Event<'static> {
        Event::example(code, t, msg)
    }

    #[test]
    fn counts_spans_messages_and_buckets() {
        let mut a = Aggregate::new(Bucket::Hour, Zone::Utc);
        a.add(ev("50102", 3_600_000, "Timestamp request expired"));
        a.add(ev("50102", 7_300_000, "Timestamp request expired."));
        a.add(ev("50102", 7_200_000, "Timestamp request expired"));
        a.add(ev("50011", 10, "Too Many Requests"));
        let s = &a.codes["50102"];
        assert_eq!(
            (s.count, s.first, s.last),
            (3, Some(3_600_000), Some(7_300_000))
        );
        assert_eq!(s.message(), "Timestamp request expired");
        assert_eq!(a.sorted()[0].code, "50102");
        assert_eq!(
            a.bucket_rows(),
            vec![
                (0, "50011", 1),
                (3_600_000, "50102", 1),
                (7_200_000, "50102", 2)
            ]
        );
    }

    #[test]
    fn merging_equals_adding_in_one() {
        let evs = [
            ev("1", 5, "a"),
            ev("2", 6, "b"),
            ev("1", 1, "c"),
            ev("2", 9, "b"),
        ];
        let mut one = Aggregate::new(Bucket::Minute, Zone::Utc);
        evs.iter().cloned().for_each(|e| one.add(e));
        let mut x = Aggregate::new(Bucket::Minute, Zone::Utc);
        let mut y = Aggregate::new(Bucket::Minute, Zone::Utc);
        evs[..2].iter().cloned().for_each(|e| x.add(e));
        evs[2..].iter().cloned().for_each(|e| y.add(e));
        x.merge(y);
        assert_eq!(x.codes, one.codes);
        assert_eq!(x.buckets, one.buckets);
        assert_eq!(x.total, one.total);
    }

    #[test]
    fn a_total_keeps_each_inputs_share_in_input_order() {
        let mut total = Aggregate::new(Bucket::None, Zone::Utc);
        for (source, code) in [(0, "1"), (1, "2"), (2, "")] {
            let mut a = Aggregate::new(Bucket::None, Zone::Utc);
            if !code.is_empty() {
                a.add(Event {
                    source,
                    ..ev(code, 5, "m")
                });
                a.add(Event {
                    source,
                    ..ev(code, 9, "m")
                });
            }
            total.merge(a);
        }
        let figs = total.per_source();
        // The input with no event is left out.
        assert_eq!(figs.iter().map(|f| f.source).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(figs[1].codes[0].code, "2");
        assert_eq!((figs[1].total, figs[1].codes[0].first), (2, Some(5)));
        // An aggregate only added to is one input's.
        let mut one = Aggregate::new(Bucket::None, Zone::Utc);
        one.add(Event {
            source: 7,
            ..ev("3", 1, "m")
        });
        assert_eq!(one.per_source()[0].source, 7);
        // ... and stays so when more is merged into it.
        one.merge(total);
        let sources: Vec<usize> = one.per_source().iter().map(|f| f.source).collect();
        assert_eq!(sources, [7, 0, 1]);
    }

    #[test]
    fn messages_over_the_cap_are_kept_whatever_the_order_of_the_map() {
        // 30 kept; 6 newcomers, of which 2 fit: the two most frequent, whatever
        // order the newcomers' map was filled in.
        let kept: FxHashMap<String, u64> = (0..30).map(|i| (format!("k{i}"), 1)).collect();
        let news = [
            ("n1", 1),
            ("n2", 5),
            ("n3", 1),
            ("n4", 5),
            ("n5", 2),
            ("n6", 1),
        ];
        let mut results = Vec::new();
        for rot in 0..news.len() {
            let mut more = FxHashMap::default();
            for i in 0..news.len() {
                let (m, n) = news[(i + rot) % news.len()];
                more.insert(m.to_string(), n);
            }
            let mut k = kept.clone();
            merge_messages(&mut k, more);
            assert_eq!(k.len(), MAX_MESSAGES);
            assert_eq!((k.get("n2"), k.get("n4")), (Some(&5), Some(&5)));
            results.push(k);
        }
        assert!(results.windows(2).all(|w| w[0] == w[1]));
    }
}
