//! The report's data, prepared apart from its rendering so that every decision is
//! testable here: what to fix first (category priority, then count), the timeline
//! buckets, which hours are bursts, what the clues and codes diagnose, and whether
//! `--fail-on` fires. The renderers in `render::report` only lay this out.
//!
//! Clues (header dumps) follow the `--since`/`--until` window and the `--category`
//! filter (credential clues are `auth`, timestamp clues `clock`); the other filters
//! are about error codes and leave them alone.

use super::{max_opt, min_opt};
use super::{Aggregate, CodeStats};
use crate::event::{Category, Event};
use crate::filter::{CodePattern, Filter};
use crate::kb::{self, Info};
use crate::scan::clues::{Clue, ClueKind};
use crate::time::{Bucket, Zone};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// Codes shown in the headline; the rest are counted below it.
pub const HEADLINE_ROWS: usize = 10;
/// A burst: an hour with at least this many times the code's median hourly count...
pub const BURST_FACTOR: f64 = 5.0;
/// ... and at least this many events.
pub const BURST_MIN: u64 = 20;
/// Spans shorter than this get a timeline per minute.
pub const MINUTE_SPAN_MS: i64 = 2 * 3_600_000;
/// Spans longer than this get a timeline per day.
pub const DAY_SPAN_MS: i64 = 72 * 3_600_000;
/// A clock offset this large is reported even when no clock error was seen.
pub const OFFSET_WARN_MS: i64 = 5_000;

/// Codes that say a credential header was missing or empty.
const EMPTY_HEADER_CODES: [&str; 11] = [
    "50103", "50104", "50106", "50107", "30001", "30002", "30003", "30004", "60001", "60002",
    "60003",
];

/// The aggregate, plus per-minute counts for as long as the span is short enough
/// to want them (they are dropped, and never grow again, once it is not).
#[derive(Clone, Debug)]
pub struct Tally {
    pub agg: Aggregate,
    minutes: Option<BTreeMap<(i64, String), u64>>,
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

/// One `--fail-on` item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailItem {
    Category(Category),
    Code(CodePattern),
}

/// `--fail-on`: the categories and codes whose presence is an alert.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailOn {
    pub items: Vec<FailItem>,
}

impl FailOn {
    /// Parses `auth`, `rate-limit`, `50102`, `51*`, `51008_1000`; anything else is
    /// an error (a typo must not silence an alert).
    pub fn parse(items: &[String]) -> Result<FailOn, String> {
        let mut out = Vec::new();
        for raw in items {
            let s = raw.trim();
            if s.is_empty() {
                continue;
            }
            if let Some(c) = Category::parse(&s.to_ascii_lowercase()) {
                out.push(FailItem::Category(c));
                continue;
            }
            let digits = s.strip_suffix('*').unwrap_or(s);
            let ok = !digits.is_empty()
                && digits.split('_').count() <= 2
                && digits
                    .split('_')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                || s == "*";
            if !ok {
                let cats: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                return Err(format!(
                    "bad --fail-on '{raw}': use a category ({}) or a code (50102, 51*)",
                    cats.join(", ")
                ));
            }
            out.push(FailItem::Code(CodePattern::parse(s)));
        }
        Ok(FailOn { items: out })
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn matches(&self, s: &CodeStats) -> bool {
        self.items.iter().any(|i| match i {
            FailItem::Category(c) => s.category == *c,
            FailItem::Code(CodePattern::Exact(c)) => *c == s.code,
            FailItem::Code(CodePattern::Prefix(p)) => s.code.starts_with(p.as_str()),
        })
    }
}

/// `--fail-on` fired: on how many events of which codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub events: u64,
    pub codes: Vec<String>,
}

/// One code with what the knowledge base says of it.
#[derive(Clone, Debug)]
pub struct Row<'a> {
    pub stats: &'a CodeStats,
    pub info: Info,
}

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

/// A code and its count, with the knowledge base's remedy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeCount {
    pub code: String,
    pub count: u64,
    pub message: String,
    pub remedy: &'static str,
}

/// What the request timestamps say of the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offset {
    pub median_ms: i64,
    pub samples: u64,
    pub min_ms: i64,
    pub max_ms: i64,
    pub first: Place,
}

impl Offset {
    /// Near a whole number of hours: more likely a zone mix-up than drift.
    pub fn looks_like_zone(&self) -> bool {
        let a = self.median_ms.abs();
        a >= 1_800_000 && {
            let r = a % 3_600_000;
            r.min(3_600_000 - r) <= 120_000
        }
    }
}

/// A cause the seed guide teaches to recognise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Diagnosis {
    /// Credentials never loaded: header dumps with empty or `nan` values, or codes
    /// that say a header was missing.
    Credentials {
        missing: Vec<(ClueKind, Seen)>,
        codes: Vec<CodeCount>,
    },
    /// Clock drift: clock-category codes, and the offset the request timestamps show.
    Clock {
        codes: Vec<CodeCount>,
        offset: Option<Offset>,
    },
    /// The key lacks a permission (or the account a right).
    Permission { codes: Vec<CodeCount> },
}

/// One input, for the scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputRow {
    pub source: usize,
    pub bytes: u64,
    pub lines: u64,
    /// Events counted (after the filters).
    pub events: u64,
}

/// Everything the report shows.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    pub agg: &'a Aggregate,
    /// The inputs, in order (filled by the command).
    pub inputs: Vec<InputRow>,
    /// Filters in force, described (filled by the command).
    pub filters: Vec<String>,
    /// Inputs that could not be read whole: `name: what` (filled by the command).
    pub problems: Vec<String>,
    pub span: Option<(i64, i64)>,
    /// The top codes, in fix-first order.
    pub headline: Vec<Row<'a>>,
    /// Codes and events left out of the headline.
    pub rest: (usize, u64),
    pub timeline: Timeline,
    pub bursts: Vec<Burst>,
    pub diagnoses: Vec<Diagnosis>,
    /// Every code, in fix-first order (each with its sample, when kept).
    pub codes: Vec<Row<'a>>,
    pub alert: Option<Alert>,
}

/// Fix-first order: category priority, then count (descending), then code.
pub fn fix_first(a: &CodeStats, b: &CodeStats) -> Ordering {
    a.category
        .priority()
        .cmp(&b.category.priority())
        .then(b.count.cmp(&a.count))
        .then_with(|| a.code.cmp(&b.code))
}

impl<'a> Report<'a> {
    pub fn build(tally: &'a Tally, clues: &ClueTally, fail_on: &FailOn) -> Report<'a> {
        let agg = &tally.agg;
        let mut sorted: Vec<&CodeStats> = agg.codes.values().collect();
        sorted.sort_by(|a, b| fix_first(a, b));
        let codes: Vec<Row<'a>> = sorted
            .iter()
            .map(|s| Row {
                stats: s,
                info: kb::info(&s.code, Some(s.api)),
            })
            .collect();
        let headline: Vec<Row<'a>> = codes.iter().take(HEADLINE_ROWS).cloned().collect();
        let rest = (
            codes.len() - headline.len(),
            codes
                .iter()
                .skip(HEADLINE_ROWS)
                .map(|r| r.stats.count)
                .sum(),
        );
        let span = agg.span();
        let alert = (!fail_on.is_empty())
            .then(|| {
                let hit: Vec<&&CodeStats> = sorted.iter().filter(|s| fail_on.matches(s)).collect();
                (!hit.is_empty()).then(|| Alert {
                    events: hit.iter().map(|s| s.count).sum(),
                    codes: hit.iter().map(|s| s.code.clone()).collect(),
                })
            })
            .flatten();
        Report {
            agg,
            inputs: Vec::new(),
            filters: Vec::new(),
            problems: Vec::new(),
            span,
            headline,
            rest,
            timeline: timeline(tally),
            bursts: bursts(agg),
            diagnoses: diagnoses(&sorted, clues),
            codes,
            alert,
        }
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

fn timeline(tally: &Tally) -> Timeline {
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

fn code_count(s: &CodeStats) -> CodeCount {
    let info = kb::info(&s.code, Some(s.api));
    CodeCount {
        code: s.code.clone(),
        count: s.count,
        message: info
            .message()
            .split(" || ")
            .next()
            .unwrap_or("")
            .to_string(),
        remedy: info.remedy(),
    }
}

/// The median offset of a histogram, with its extremes.
fn offset(clues: &ClueTally) -> Option<Offset> {
    let samples: u64 = clues.offsets.values().sum();
    let first = clues.offset_first?;
    if samples == 0 {
        return None;
    }
    // The value at 0-based rank k.
    let at = |k: u64| {
        let mut seen = 0;
        for (v, n) in &clues.offsets {
            seen += n;
            if seen > k {
                return *v;
            }
        }
        0
    };
    let median_ms = if samples % 2 == 1 {
        at(samples / 2)
    } else {
        (at(samples / 2 - 1) + at(samples / 2)).div_euclid(2)
    };
    Some(Offset {
        median_ms,
        samples,
        min_ms: *clues.offsets.keys().next()?,
        max_ms: *clues.offsets.keys().next_back()?,
        first,
    })
}

fn diagnoses(sorted: &[&CodeStats], clues: &ClueTally) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    let empty: Vec<CodeCount> = sorted
        .iter()
        .filter(|s| EMPTY_HEADER_CODES.contains(&s.code.as_str()))
        .map(|s| code_count(s))
        .collect();
    if !clues.missing.is_empty() || !empty.is_empty() {
        out.push(Diagnosis::Credentials {
            missing: clues.missing.iter().map(|(k, s)| (*k, s.clone())).collect(),
            codes: empty,
        });
    }
    let clock: Vec<CodeCount> = sorted
        .iter()
        .filter(|s| s.category == Category::Clock)
        .map(|s| code_count(s))
        .collect();
    let off = offset(clues);
    if !clock.is_empty()
        || off
            .as_ref()
            .is_some_and(|o| o.median_ms.abs() >= OFFSET_WARN_MS)
    {
        out.push(Diagnosis::Clock {
            codes: clock,
            offset: off,
        });
    }
    let perm: Vec<CodeCount> = sorted
        .iter()
        .filter(|s| s.category == Category::Permission)
        .map(|s| code_count(s))
        .collect();
    if !perm.is_empty() {
        out.push(Diagnosis::Permission { codes: perm });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Shape;

    const H: i64 = 3_600_000;
    /// 2026-11-22T18:00:00Z
    const T0: i64 = 1_795_370_400_000;

    fn ev(code: &str, t: i64) -> Event<'static> {
        Event {
            source: 0,
            line: 1,
            time: Some(t),
            code: code.to_string().into(),
            message: "".into(),
            shape: Shape::V5,
            partial: false,
            text: Some(format!("line with {code}")),
            span: None,
        }
    }

    /// A night of `hours` hours: `base` events of each code per hour, plus storms.
    fn night(hours: i64, base: &[(&str, u64)], storms: &[(&str, i64, u64)]) -> Tally {
        let mut t = Tally::new(Zone::Utc);
        for h in 0..hours {
            for (code, n) in base {
                for k in 0..*n {
                    t.add(ev(code, T0 + h * H + k as i64 * 1000));
                }
            }
        }
        for (code, h, n) in storms {
            for k in 0..*n {
                t.add(ev(code, T0 + h * H + 60_000 + k as i64));
            }
        }
        t
    }

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
    fn headline_is_in_fix_first_order() {
        let t = night(
            3,
            &[
                ("50011", 50),
                ("50113", 1),
                ("50102", 2),
                ("51008", 5),
                ("30012", 1),
            ],
            &[],
        );
        let r = Report::build(&t, &ClueTally::default(), &FailOn::default());
        let order: Vec<&str> = r.headline.iter().map(|r| r.stats.code.as_str()).collect();
        assert_eq!(order, ["50113", "50102", "30012", "51008", "50011"]);
        assert_eq!(r.rest, (0, 0));
        assert!(r.alert.is_none());
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
    fn fail_on_takes_categories_codes_and_prefixes() {
        let f = FailOn::parse(&["auth".into(), "51*".into(), "50011".into()]).unwrap();
        let t = night(
            1,
            &[("50113", 1), ("51008", 2), ("50011", 3), ("50102", 4)],
            &[],
        );
        let r = Report::build(&t, &ClueTally::default(), &f);
        let a = r.alert.unwrap();
        assert_eq!(a.events, 6);
        assert_eq!(a.codes, ["50113", "51008", "50011"]);
        assert!(FailOn::parse(&["auht".into()]).is_err());
        assert!(FailOn::parse(&["5x1".into()]).is_err());
        assert!(FailOn::parse(&["51008_1000".into(), "Rate-Limit".into()]).is_ok());
        let none = FailOn::parse(&["permission".into()]).unwrap();
        assert!(Report::build(&t, &ClueTally::default(), &none)
            .alert
            .is_none());
    }

    fn clue(kind: ClueKind, line: u64, time: i64) -> Clue {
        Clue {
            kind,
            source: 1,
            line,
            time: Some(time),
            open: false,
        }
    }

    #[test]
    fn clues_make_diagnoses() {
        let mut c = ClueTally::default();
        for (i, off) in [-30_500i64, -31_000, -29_000, -45_000].iter().enumerate() {
            c.add(&clue(
                ClueKind::Timestamp {
                    request_ms: T0 + off,
                },
                10 + i as u64,
                T0,
            ));
        }
        c.add(&clue(ClueKind::MissingPassphrase, 7, T0 + 5));
        c.add(&clue(ClueKind::MissingPassphrase, 9, T0 + 9));
        let t = night(1, &[("50102", 3), ("30012", 1), ("50011", 9)], &[]);
        let r = Report::build(&t, &c, &FailOn::default());
        assert_eq!(r.diagnoses.len(), 3);
        match &r.diagnoses[0] {
            Diagnosis::Credentials { missing, codes } => {
                assert!(codes.is_empty());
                assert_eq!(missing.len(), 1);
                let (k, s) = &missing[0];
                assert_eq!(*k, ClueKind::MissingPassphrase);
                assert_eq!((s.count, s.first.line), (2, 7));
                assert_eq!((s.first_time, s.last_time), (Some(T0 + 5), Some(T0 + 9)));
            }
            d => panic!("{d:?}"),
        }
        match &r.diagnoses[1] {
            Diagnosis::Clock { codes, offset } => {
                assert_eq!(codes[0].code, "50102");
                let o = offset.as_ref().unwrap();
                assert_eq!(
                    (o.median_ms, o.samples, o.min_ms, o.max_ms),
                    (-30_750, 4, -45_000, -29_000)
                );
                assert_eq!(
                    o.first,
                    Place {
                        source: 1,
                        line: 10
                    }
                );
                assert!(!o.looks_like_zone());
            }
            d => panic!("{d:?}"),
        }
        assert!(
            matches!(&r.diagnoses[2], Diagnosis::Permission { codes } if codes[0].code == "30012")
        );
    }

    #[test]
    fn a_large_offset_alone_is_a_clock_diagnosis_and_whole_hours_look_like_zones() {
        let mut c = ClueTally::default();
        c.add(&clue(
            ClueKind::Timestamp {
                request_ms: T0 - 8 * H + 300,
            },
            3,
            T0,
        ));
        let t = night(1, &[("50011", 1)], &[]);
        let r = Report::build(&t, &c, &FailOn::default());
        match &r.diagnoses[..] {
            [Diagnosis::Clock {
                codes,
                offset: Some(o),
            }] => {
                assert!(codes.is_empty());
                assert!(o.looks_like_zone());
            }
            d => panic!("{d:?}"),
        }
        // A small offset without clock errors says nothing.
        let mut c = ClueTally::default();
        c.add(&clue(
            ClueKind::Timestamp {
                request_ms: T0 - 300,
            },
            3,
            T0,
        ));
        assert!(Report::build(&t, &c, &FailOn::default())
            .diagnoses
            .is_empty());
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
