//! The report's timeline (events per minute, hour or day over the whole span, by
//! category) and its bursts (hours in which a code ran far above its usual rate).

use super::super::Aggregate;
use super::tally::Tally;
use crate::event::Category;
use crate::time::{Bucket, Zone};
use std::collections::{BTreeMap, HashMap};

/// A burst: an hour with at least this many times the code's median hourly count...
pub const BURST_FACTOR: f64 = 5.0;
/// ... and at least this many events.
pub const BURST_MIN: u64 = 20;
/// Spans shorter than this get a timeline per minute.
pub const MINUTE_SPAN_MS: i64 = 2 * 3_600_000;
/// Spans longer than this get a timeline per day.
pub const DAY_SPAN_MS: i64 = 72 * 3_600_000;

/// One bucket of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    pub total: u64,
    /// Counts aligned with [`Timeline::categories`].
    pub by_category: Vec<u64>,
    /// The slot's biggest codes (at most three), by count.
    pub top: Vec<(String, u64)>,
}

/// Events per bucket over the whole span, zero buckets included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub bucket: Bucket,
    pub slots: Vec<Slot>,
    /// Categories present, in priority order.
    pub categories: Vec<Category>,
    pub max: u64,
}

/// An hour in which a code ran far above its usual rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Burst {
    pub code: String,
    pub category: Category,
    pub start: i64,
    pub end: i64,
    pub count: u64,
    /// The code's median count per hour over the span (zero hours included).
    pub median: f64,
}

impl Burst {
    /// How many times the median the hour holds (none when the median is zero).
    pub fn ratio(&self) -> Option<f64> {
        (self.median > 0.0).then(|| self.count as f64 / self.median)
    }
}

/// The start of the bucket after the one starting at `b` (days and hours of any
/// length across DST changes).
fn next_bucket(zone: &Zone, b: i64, bucket: Bucket) -> i64 {
    let n = zone.floor(b + bucket.millis() * 3 / 2, bucket);
    if n > b {
        n
    } else {
        b + bucket.millis()
    }
}

/// Every bucket start from the one holding `first` to the one holding `last`.
fn buckets(zone: &Zone, first: i64, last: i64, bucket: Bucket) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut b = zone.floor(first, bucket);
    let end = zone.floor(last, bucket);
    while b <= end {
        let n = next_bucket(zone, b, bucket);
        out.push((b, n));
        b = n;
    }
    out
}

/// The bucket width for a span.
pub fn bucket_for(span_ms: i64) -> Bucket {
    if span_ms < MINUTE_SPAN_MS {
        Bucket::Minute
    } else if span_ms <= DAY_SPAN_MS {
        Bucket::Hour
    } else {
        Bucket::Day
    }
}

pub(super) fn timeline(tally: &Tally) -> Timeline {
    let agg = &tally.agg;
    let empty = Timeline {
        bucket: Bucket::Hour,
        slots: Vec::new(),
        categories: Vec::new(),
        max: 0,
    };
    let Some((first, last)) = agg.span() else {
        return empty;
    };
    let mut bucket = bucket_for(last - first);
    if bucket == Bucket::Minute && tally.minutes.is_none() {
        bucket = Bucket::Hour;
    }
    // (bucket start, code) -> count at the chosen width.
    let mut counts: BTreeMap<(i64, &str), u64> = BTreeMap::new();
    match bucket {
        Bucket::Minute => {
            for ((b, c), n) in tally.minutes.iter().flatten() {
                *counts.entry((*b, c.as_str())).or_default() += n;
            }
        }
        _ => {
            for ((h, c), n) in &agg.hourly {
                let b = agg.zone.floor(*h, bucket);
                *counts.entry((b, c.as_str())).or_default() += n;
            }
        }
    }
    let category = |code: &str| agg.codes.get(code).map_or(Category::Other, |s| s.category);
    let mut categories: Vec<Category> = counts.keys().map(|(_, c)| category(c)).collect();
    categories.sort_by_key(|c| c.priority());
    categories.dedup();
    let mut slots = Vec::new();
    for (start, end) in buckets(&agg.zone, first, last, bucket) {
        let mut by_category = vec![0; categories.len()];
        let mut top: Vec<(String, u64)> = Vec::new();
        for ((_, code), n) in counts.range((start, "")..(end, "")) {
            let k = categories
                .iter()
                .position(|c| *c == category(code))
                .expect("category listed");
            by_category[k] += n;
            top.push((code.to_string(), *n));
        }
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(3);
        slots.push(Slot {
            start,
            end,
            total: by_category.iter().sum(),
            by_category,
            top,
        });
    }
    let max = slots.iter().map(|s| s.total).max().unwrap_or(0);
    Timeline {
        bucket,
        slots,
        categories,
        max,
    }
}

/// The median of `v` (sorted in place); the mean of the middle two for even lengths.
pub fn median(v: &mut [u64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

/// Hours in which a code's count is at least [`BURST_FACTOR`] times its median
/// hourly count over the span (every hour of the span, empty ones included) and at
/// least [`BURST_MIN`]; in time order.
pub fn bursts(agg: &Aggregate) -> Vec<Burst> {
    let Some((first, last)) = agg.span() else {
        return Vec::new();
    };
    let hours = buckets(&agg.zone, first, last, Bucket::Hour);
    let mut by_code: HashMap<&str, HashMap<i64, u64>> = HashMap::new();
    for ((h, c), n) in &agg.hourly {
        by_code.entry(c.as_str()).or_default().insert(*h, *n);
    }
    let mut out = Vec::new();
    for (code, per_hour) in by_code {
        let mut counts: Vec<u64> = hours
            .iter()
            .map(|(h, _)| per_hour.get(h).copied().unwrap_or(0))
            .collect();
        let med = median(&mut counts);
        for &(start, end) in &hours {
            let n = per_hour.get(&start).copied().unwrap_or(0);
            if n >= BURST_MIN && n as f64 >= BURST_FACTOR * med {
                out.push(Burst {
                    code: code.to_string(),
                    category: agg.codes.get(code).map_or(Category::Other, |s| s.category),
                    start,
                    end,
                    count: n,
                    median: med,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.count.cmp(&a.count))
            .then_with(|| a.code.cmp(&b.code))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn storms_are_bursts_named_by_their_hour() {
        let t = night(
            12,
            &[("50102", 2), ("50011", 3)],
            &[("50102", 3, 400), ("50011", 8, 300)],
        );
        let b = bursts(&t.agg);
        let got: Vec<(&str, i64, u64, f64)> = b
            .iter()
            .map(|b| (b.code.as_str(), (b.start - T0) / H, b.count, b.median))
            .collect();
        assert_eq!(got, vec![("50102", 3, 402, 2.0), ("50011", 8, 303, 3.0)]);
        assert_eq!(b[0].end - b[0].start, H);
        assert_eq!(b[0].ratio(), Some(201.0));
    }

    #[test]
    fn a_burst_needs_twenty_events_and_five_times_the_median() {
        // 19 events where the median is 0: too few.
        let t = night(6, &[("50011", 1)], &[("51008", 2, 19)]);
        assert!(bursts(&t.agg).is_empty());
        // 20 events where the median is 0: a burst, with no ratio.
        let t = night(6, &[("50011", 1)], &[("51008", 2, 20)]);
        let b = bursts(&t.agg);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].ratio(), None);
        // 40 where the median is 10: only 4x.
        let t = night(6, &[("50011", 10)], &[("50011", 2, 30)]);
        assert!(bursts(&t.agg).is_empty());
    }

    #[test]
    fn empty_hours_count_toward_the_median() {
        // Busy in 2 hours of 10 (25 each), storm of 60 in another: the median is 0.
        let mut t = night(1, &[], &[]);
        for h in [0, 9] {
            for k in 0..25 {
                t.add(ev("50013", T0 + h * H + k));
            }
        }
        for k in 0..60 {
            t.add(ev("50013", T0 + 5 * H + k));
        }
        let b = bursts(&t.agg);
        assert_eq!(b.iter().map(|b| b.count).collect::<Vec<_>>(), [25, 60, 25]);
        assert!(b.iter().all(|b| b.median == 0.0));
    }

    #[test]
    fn timeline_buckets_cover_the_span_with_zeros() {
        let mut t = Tally::new(Zone::Utc);
        t.add(ev("50011", T0 + 10 * 60_000));
        t.add(ev("50113", T0 + 10 * 60_000 + 5));
        t.add(ev("50011", T0 + 13 * 60_000));
        let tl = timeline(&t);
        assert_eq!(tl.bucket, Bucket::Minute);
        assert_eq!(
            tl.slots.iter().map(|s| s.total).collect::<Vec<_>>(),
            [2, 0, 0, 1]
        );
        assert_eq!(tl.categories, [Category::Auth, Category::RateLimit]);
        assert_eq!(tl.slots[0].by_category, [1, 1]);
        assert_eq!(tl.max, 2);

        let t = night(5, &[("50011", 1)], &[("50102", 2, 7)]);
        let tl = timeline(&t);
        assert_eq!(tl.bucket, Bucket::Hour);
        assert_eq!(
            tl.slots.iter().map(|s| s.total).collect::<Vec<_>>(),
            [1, 1, 8, 1, 1]
        );
        assert_eq!(
            tl.slots[2].top,
            [("50102".to_string(), 7), ("50011".to_string(), 1)]
        );
        assert_eq!(bucket_for(80 * H), Bucket::Day);
    }
}
