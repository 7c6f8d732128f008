//! The report's running counts: the aggregate with per-minute counts while the span
//! is short, and the clues (request-header dumps) counted, bounded however many.
//!
//! Clues follow the `--since`/`--until` window and the `--category` filter
//! (credential clues are `auth`, timestamp clues `clock`); the other filters are
//! about error codes and leave them alone.

use super::super::Aggregate;
use super::super::{max_opt, min_opt};
use super::timeline::MINUTE_SPAN_MS;
use crate::event::{Category, Event};
use crate::filter::Filter;
use crate::scan::clues::{Clue, ClueKind};
use crate::time::{Bucket, Zone};
use std::collections::BTreeMap;

/// The aggregate, plus per-minute counts for as long as the span is short enough
/// to want them (they are dropped, and never grow again, once it is not).
#[derive(Clone, Debug)]
pub struct Tally {
    pub agg: Aggregate,
    pub(super) minutes: Option<BTreeMap<(i64, String), u64>>,
    lo: Option<i64>,
    hi: Option<i64>,
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
        self.agg.add(ev);
    }

    /// Adds `other` (a tally of later inputs) into this one.
    pub fn merge(&mut self, other: Tally) {
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
