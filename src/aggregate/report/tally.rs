//! The report's running counts: the aggregate with per-minute counts while the span
//! is short, and the clues (request-header dumps) counted, bounded however many.
//!
//! A code's sample is its first event whose line holds the whole error body; a line
//! that holds only part of one (`"code": "50111",` inside a pretty-printed body) is
//! kept until such an event comes, in this input or a later one.
//!
//! Clues follow the `--since`/`--until` window and the `--category` filter
//! (credential clues are `auth`, timestamp clues `clock`); the other filters are
//! about error codes and leave them alone.

use super::super::{max_opt, min_opt};
use super::super::{Aggregate, Sample};
use super::timeline::MINUTE_SPAN_MS;
use crate::event::{Category, Event};
use crate::event::{Clue, ClueKind};
use crate::filter::Filter;
use crate::scan::sink::Place as Found;
use crate::time::{Bucket, Zone};
use std::collections::{BTreeMap, BTreeSet};

/// The aggregate, plus per-minute counts for as long as the span is short enough
/// to want them (they are dropped, and never grow again, once it is not).
#[derive(Clone, Debug)]
pub struct Tally {
    pub agg: Aggregate,
    pub(super) minutes: Option<BTreeMap<(i64, String), u64>>,
    lo: Option<i64>,
    hi: Option<i64>,
    /// Codes whose sample is a line holding part of the body only.
    fragments: BTreeSet<String>,
}

impl Tally {
    pub fn new(zone: Zone) -> Tally {
        let mut agg = Aggregate::new(Bucket::None, zone);
        agg.keep_samples = true;
        Tally {
            agg,
            minutes: Some(BTreeMap::new()),
            lo: None,
            hi: None,
            fragments: BTreeSet::new(),
        }
    }

    pub fn add(&mut self, ev: Event<'_>) {
        if let Some(t) = ev.time {
            self.lo = Some(self.lo.map_or(t, |l| l.min(t)));
            self.hi = Some(self.hi.map_or(t, |h| h.max(t)));
            if self.short() {
                if let Some(m) = &mut self.minutes {
                    let b = self.agg.zone.floor(t, Bucket::Minute);
                    *m.entry((b, ev.code.to_string())).or_default() += 1;
                }
            } else {
                self.minutes = None;
            }
        }
        // The body lies outside the kept line: a fragment.
        let whole = ev.span.is_some();
        let mut fragment = None;
        let mut better = None;
        if let Some(text) = &ev.text {
            let code = ev.code.as_ref();
            let sampled = self.agg.codes.get(code).is_some_and(|s| s.sample.is_some());
            if !sampled && !whole {
                fragment = Some(code.to_string());
            } else if sampled && whole && self.fragments.contains(code) {
                let sample = Sample {
                    source: ev.source,
                    line: ev.line,
                    text: text.clone(),
                };
                better = Some((code.to_string(), sample));
            }
        }
        self.agg.add(ev);
        if let Some(code) = fragment {
            self.fragments.insert(code);
        }
        if let Some((code, sample)) = better {
            if let Some(s) = self.agg.codes.get_mut(&code) {
                s.sample = Some(sample);
            }
            self.fragments.remove(&code);
        }
    }

    /// Adds an event found at `place`. When the event's line holds only part of a
    /// body written over several lines and the event is to be the code's sample, the
    /// sample is the whole body, found in the chunk (see [`super::sample`]).
    pub fn add_at(&mut self, mut ev: Event<'_>, place: &Found<'_>) {
        if ev.span.is_none() && ev.text.is_some() {
            let code = ev.code.as_ref();
            let wanted = self
                .agg
                .codes
                .get(code)
                .is_none_or(|s| s.sample.is_none() || self.fragments.contains(code));
            if wanted {
                if let Some(body) = super::sample::body_lines(place.chunk, place.at) {
                    let text = String::from_utf8_lossy(body).into_owned();
                    ev.span = Some((0, text.len()));
                    ev.text = Some(text);
                }
            }
        }
        self.add(ev);
    }

    /// Whether the code's sample holds only part of its body (no line held it whole).
    pub fn fragment(&self, code: &str) -> bool {
        self.fragments.contains(code)
    }

    /// Adds `other` (a tally of later inputs) into this one.
    pub fn merge(&mut self, mut other: Tally) {
        // A whole sample of the later inputs replaces a fragment of the earlier.
        for code in std::mem::take(&mut self.fragments) {
            let theirs = other.agg.codes.get_mut(&code);
            match theirs {
                Some(o) if o.sample.is_some() && !other.fragments.contains(&code) => {
                    if let Some(s) = self.agg.codes.get_mut(&code) {
                        s.sample = o.sample.take();
                    }
                }
                _ => {
                    other.fragments.remove(&code);
                    self.fragments.insert(code);
                }
            }
        }
        for code in std::mem::take(&mut other.fragments) {
            // Theirs is kept only where ours has no sample.
            if self.agg.codes.get(&code).is_none_or(|s| s.sample.is_none()) {
                self.fragments.insert(code);
            }
        }
        self.agg.merge(other.agg);
        self.lo = min_opt(self.lo, other.lo);
        self.hi = max_opt(self.hi, other.hi);
        self.minutes = match (self.minutes.take(), other.minutes) {
            (Some(mut a), Some(b)) if self.short() => {
                for (k, v) in b {
                    *a.entry(k).or_default() += v;
                }
                Some(a)
            }
            _ => None,
        };
    }

    fn short(&self) -> bool {
        match (self.lo, self.hi) {
            (Some(l), Some(h)) => h - l < MINUTE_SPAN_MS,
            _ => true,
        }
    }
}

/// Where something was first seen: input index and 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub source: usize,
    pub line: u64,
}

/// How often a kind of clue was seen, and where first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub count: u64,
    pub first: Place,
    pub first_time: Option<i64>,
    pub last_time: Option<i64>,
}

/// The clues, counted: bounded however many there are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClueTally {
    /// Missing credentials by kind (never [`ClueKind::Timestamp`]).
    pub missing: BTreeMap<ClueKind, Seen>,
    /// Request timestamp minus line time, in ms -> samples.
    pub offsets: BTreeMap<i64, u64>,
    pub offset_first: Option<Place>,
}

impl ClueTally {
    /// Adds a clue (clues come in input order, so the first added is the first seen).
    pub fn add(&mut self, c: &Clue) {
        let place = Place {
            source: c.source,
            line: c.line,
        };
        match c.kind {
            ClueKind::Timestamp { .. } => {
                if let Some(off) = c.offset_ms() {
                    *self.offsets.entry(off).or_default() += 1;
                    self.offset_first.get_or_insert(place);
                }
            }
            kind => {
                let s = self.missing.entry(kind).or_insert(Seen {
                    count: 0,
                    first: place,
                    first_time: None,
                    last_time: None,
                });
                s.count += 1;
                s.first_time = min_opt(s.first_time, c.time);
                s.last_time = max_opt(s.last_time, c.time);
            }
        }
    }
}

/// Whether a clue belongs in a report run with `filter`.
pub fn clue_passes(filter: &Filter, c: &Clue) -> bool {
    let category = match c.kind {
        ClueKind::Timestamp { .. } => Category::Clock,
        _ => Category::Auth,
    };
    if !filter.categories.is_empty() && !filter.categories.contains(&category) {
        return false;
    }
    if filter.has_window() {
        let Some(t) = c.time else { return false };
        if filter.since.is_some_and(|s| t < s) || filter.until.is_some_and(|u| t >= u) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn minute_counts_are_dropped_once_the_span_is_long_and_merge_in_order() {
        let mut a = Tally::new(Zone::Utc);
        a.add(ev("1", T0));
        let mut b = Tally::new(Zone::Utc);
        b.add(ev("1", T0 + 30 * 60_000));
        a.merge(b);
        assert!(a.minutes.is_some());
        let mut c = Tally::new(Zone::Utc);
        c.add(ev("1", T0 + 3 * H));
        a.merge(c);
        assert!(a.minutes.is_none());
        a.add(ev("1", T0 + 5));
        assert!(a.minutes.is_none());
        assert_eq!(a.agg.total, 4);
    }

    /// An event on line `line` whose kept text holds its whole body or a fragment.
    fn at(code: &str, line: u64, whole: bool) -> crate::event::Event<'static> {
        let mut e = ev(code, T0 + line as i64);
        e.line = line;
        e.span = whole.then_some((0, 4));
        e
    }

    fn sample_line(t: &Tally, code: &str) -> u64 {
        t.agg.codes[code].sample.as_ref().unwrap().line
    }

    #[test]
    fn a_whole_body_replaces_a_fragment_as_the_sample_in_one_input_and_across_inputs() {
        let mut t = Tally::new(Zone::Utc);
        t.add(at("50111", 3, false));
        t.add(at("50111", 7, false));
        assert_eq!(sample_line(&t, "50111"), 3);
        t.add(at("50111", 9, true));
        t.add(at("50111", 12, true));
        assert_eq!(sample_line(&t, "50111"), 9);
        // A whole first sample stays.
        t.add(at("51006", 20, true));
        t.add(at("51006", 21, true));
        assert_eq!(sample_line(&t, "51006"), 20);

        // Across inputs: a later input's whole body beats an earlier fragment, and
        // an earlier whole body beats a later one.
        let mut a = Tally::new(Zone::Utc);
        a.add(at("51006", 1, false));
        a.add(at("50011", 2, true));
        let mut b = Tally::new(Zone::Utc);
        b.add(at("51006", 30, true));
        b.add(at("50011", 31, true));
        b.add(at("60018", 32, false));
        a.merge(b);
        assert_eq!(sample_line(&a, "51006"), 30);
        assert_eq!(sample_line(&a, "50011"), 2);
        assert_eq!(sample_line(&a, "60018"), 32);
        // 60018 is still a fragment: a whole one later replaces it.
        a.add(at("60018", 40, true));
        assert_eq!(sample_line(&a, "60018"), 40);
        let mut c = Tally::new(Zone::Utc);
        c.add(at("51006", 50, true));
        a.merge(c);
        assert_eq!(sample_line(&a, "51006"), 30);
    }

    #[test]
    fn add_at_makes_a_fragment_sample_the_whole_body_from_the_chunk() {
        let chunk = "1795392932198 ERROR order response:\n{\n  \"code\": \"50111\",\n  \"msg\": \"Invalid OK-ACCESS-KEY\"\n}\n";
        let place = Found {
            chunk: chunk.as_bytes(),
            at: chunk.find("50111").unwrap(),
            first_line: 1,
        };
        let mut t = Tally::new(Zone::Utc);
        let mut e = at("50111", 3, false);
        e.text = Some("  \"code\": \"50111\",".into());
        t.add_at(e, &place);
        let s = t.agg.codes["50111"].sample.as_ref().unwrap();
        assert_eq!(s.text, chunk.trim_end());
        assert_eq!(s.line, 3);
        assert!(!t.fragment("50111"));
        // A line that holds its body whole is kept as it is.
        let mut e = at("50011", 9, true);
        e.text = Some("one line".into());
        t.add_at(e, &place);
        assert_eq!(
            t.agg.codes["50011"].sample.as_ref().unwrap().text,
            "one line"
        );
    }

    #[test]
    fn clues_follow_the_window_and_the_category_filter() {
        let c = clue(ClueKind::MissingKey, 1, T0);
        let mut f = Filter {
            since: Some(T0 + 1),
            ..Filter::default()
        };
        assert!(!clue_passes(&f, &c));
        f.since = Some(T0);
        assert!(clue_passes(&f, &c));
        f.categories = vec![Category::Clock];
        assert!(!clue_passes(&f, &c));
        let ts = clue(ClueKind::Timestamp { request_ms: T0 }, 1, T0);
        assert!(clue_passes(&f, &ts));
    }
}
