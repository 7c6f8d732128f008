//! The report's data, prepared apart from its rendering so that every decision is
//! testable here: the headline (every code by count, so the night's biggest code is
//! the first thing read), what to fix first (category priority, then count), the
//! timeline buckets, which hours are bursts, what the clues and codes diagnose, and
//! whether `--fail-on` fires. The renderers in `render::report` only lay this out.
//!
//! [`tally`] counts while the scan runs (events, per-minute counts, clues, samples);
//! [`timeline`] and [`diagnose`] read the counts once the scan is over.

mod diagnose;
mod sample;
mod tally;
mod timeline;

pub use diagnose::{CodeCount, Diagnosis, Offset, OFFSET_WARN_MS};
pub use tally::{clue_passes, ClueTally, Place, Seen, Tally};
pub use timeline::{
    bucket_for, bursts, median, Burst, Slot, Timeline, BURST_FACTOR, BURST_MIN, DAY_SPAN_MS,
    MINUTE_SPAN_MS,
};

use super::{Aggregate, CodeStats};
use crate::event::Category;
use crate::filter::CodePattern;
use crate::kb::{self, Info};
use crate::time::Zone;
use std::cmp::Ordering;

/// Codes in the fix-first list; the rest are counted below it.
pub const FIX_FIRST_ROWS: usize = 10;

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
    /// The sample is one line of a body written over several.
    pub fragment: bool,
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

/// Events the time window (`--since`/`--until`) left out, and the newest event
/// seen: a window with nothing in it may be a bot that stopped (filled by the
/// command).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outside {
    /// Events that passed every filter but the window.
    pub events: u64,
    /// The newest of every event that passed the other filters, in or out.
    pub newest: Option<i64>,
    /// "Now", to say how old `newest` is.
    pub now_ms: i64,
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
    /// What the time window left out, when it left out any (filled by the command).
    pub outside: Option<Outside>,
    /// The zone the logs' stamps without a zone were read in (filled by the
    /// command): a zone diagnosis says which zone they look written in instead.
    pub log_zone: Option<Zone>,
    pub span: Option<(i64, i64)>,
    /// The first codes in fix-first order (at most [`FIX_FIRST_ROWS`]).
    pub fix_first: Vec<Row<'a>>,
    /// Codes and events left out of the fix-first list.
    pub rest: (usize, u64),
    pub timeline: Timeline,
    pub bursts: Vec<Burst>,
    pub diagnoses: Vec<Diagnosis>,
    /// Every code by count, most frequent first: the headline (each with its
    /// sample, when kept).
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
        let row = |s: &&'a CodeStats| Row {
            stats: s,
            info: kb::info(&s.code, Some(s.api)),
            fragment: tally.fragment(&s.code),
        };
        let fix_first: Vec<Row<'a>> = sorted.iter().take(FIX_FIRST_ROWS).map(row).collect();
        let rest = (
            sorted.len() - fix_first.len(),
            sorted.iter().skip(FIX_FIRST_ROWS).map(|s| s.count).sum(),
        );
        let codes: Vec<Row<'a>> = agg.sorted().iter().map(row).collect();
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
            outside: None,
            log_zone: None,
            span,
            fix_first,
            rest,
            timeline: timeline::timeline(tally),
            bursts: bursts(agg),
            diagnoses: diagnose::diagnoses(&sorted, clues),
            codes,
            alert,
        }
    }
}

#[cfg(test)]
pub(super) mod testkit {
    //! What the tests of the report's data share: events, nights and clues.

    pub use super::Tally;
    use crate::event::{Event, Shape};
    pub use crate::scan::clues::{Clue, ClueKind};
    pub use crate::time::Zone;

    pub const H: i64 = 3_600_000;
    /// 2026-11-22T18:00:00Z
    pub const T0: i64 = 1_795_370_400_000;

    pub fn ev(code: &str, t: i64) -> Event<'static> {
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
    pub fn night(hours: i64, base: &[(&str, u64)], storms: &[(&str, i64, u64)]) -> Tally {
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

    pub fn clue(kind: ClueKind, line: u64, time: i64) -> Clue {
        Clue {
            kind,
            source: 1,
            line,
            time: Some(time),
            open: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::*;

    #[test]
    fn the_headline_is_by_count_and_the_fix_first_list_by_priority() {
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
        let order: Vec<&str> = r.fix_first.iter().map(|r| r.stats.code.as_str()).collect();
        assert_eq!(order, ["50113", "50102", "30012", "51008", "50011"]);
        let by_count: Vec<(&str, u64)> = r
            .codes
            .iter()
            .map(|r| (r.stats.code.as_str(), r.stats.count))
            .collect();
        assert_eq!(
            by_count,
            [
                ("50011", 150),
                ("51008", 15),
                ("50102", 6),
                ("30012", 3),
                ("50113", 3)
            ]
        );
        assert_eq!(r.rest, (0, 0));
        assert!(r.alert.is_none());
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
}
