//! The report's diagnoses: what the clues and the codes say of the causes the seed
//! guide teaches to recognise (credentials never loaded, clock drift, missing
//! permissions). Their prose is knowledge, in [`crate::kb::diagnosis`].

use super::super::CodeStats;
use super::tally::{ClueTally, Place, Seen};
use crate::event::Category;
use crate::event::ClueKind;
use crate::kb;

/// A clock offset this large is reported even when no clock error was seen.
pub const OFFSET_WARN_MS: i64 = 5_000;

/// Codes that say a credential header was missing or empty.
const EMPTY_HEADER_CODES: [&str; 11] = [
    "50103", "50104", "50106", "50107", "30001", "30002", "30003", "30004", "60001", "60002",
    "60003",
];

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

/// How far from a whole number of hours an offset may be and still look like a
/// zone mix-up: a clock that is also off by up to this much (the drift OKX
/// refuses starts at 30 s; two minutes leaves room for a slow bot).
pub const ZONE_SLACK_MS: i64 = 120_000;

const HOUR_MS: i64 = 3_600_000;

impl Offset {
    /// Near a whole number of hours (at least one): more likely a zone mix-up than
    /// drift.
    pub fn looks_like_zone(&self) -> bool {
        self.zone_shift_ms().is_some()
    }

    /// The whole hours the median offset is near, in ms, when it looks like a zone
    /// mix-up (`-8 h` when the line stamps are 8 hours after the requests': the
    /// logs were written at UTC+8 and read as UTC).
    pub fn zone_shift_ms(&self) -> Option<i64> {
        let hours = (self.median_ms as f64 / HOUR_MS as f64).round() as i64;
        let shift = hours * HOUR_MS;
        (hours != 0 && (self.median_ms - shift).abs() <= ZONE_SLACK_MS).then_some(shift)
    }

    /// This offset with `shift` taken off every figure: what is left for the clock.
    pub fn less(&self, shift: i64) -> Offset {
        Offset {
            median_ms: self.median_ms - shift,
            min_ms: self.min_ms - shift,
            max_ms: self.max_ms - shift,
            ..self.clone()
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
    /// The line stamps are a whole number of hours away from the requests' own
    /// timestamps: the logs were written in another zone than the one they were
    /// read in (`shift_ms` is those hours, `offset` the measure as taken).
    Zone { offset: Offset, shift_ms: i64 },
    /// Clock drift: clock-category codes, and the offset the request timestamps
    /// show (less the zone's whole hours when there is a [`Diagnosis::Zone`]).
    Clock {
        codes: Vec<CodeCount>,
        offset: Option<Offset>,
    },
    /// The key lacks a permission (or the account a right).
    Permission { codes: Vec<CodeCount> },
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

pub(super) fn diagnoses(sorted: &[&CodeStats], clues: &ClueTally) -> Vec<Diagnosis> {
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
    let mut off = offset(clues);
    if let Some(o) = &off {
        if let Some(shift_ms) = o.zone_shift_ms() {
            out.push(Diagnosis::Zone {
                offset: o.clone(),
                shift_ms,
            });
            off = Some(o.less(shift_ms));
        }
    }
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
    use super::super::testkit::*;
    use super::super::{FailOn, Report};
    use super::*;
    use crate::event::ClueKind;

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
    fn a_large_offset_alone_is_a_clock_diagnosis_and_whole_hours_are_a_zone() {
        let t = night(1, &[("50011", 1)], &[]);
        let one = |off: i64| {
            let mut c = ClueTally::default();
            c.add(&clue(
                ClueKind::Timestamp {
                    request_ms: T0 + off,
                },
                3,
                T0,
            ));
            Report::build(&t, &c, &FailOn::default()).diagnoses
        };
        // Eight hours and 300 ms: the logs' zone, and nothing left for the clock.
        match &one(-8 * H + 300)[..] {
            [Diagnosis::Zone { offset, shift_ms }] => {
                assert_eq!(*shift_ms, -8 * H);
                assert_eq!(offset.median_ms, -8 * H + 300);
                assert!(offset.looks_like_zone());
            }
            d => panic!("{d:?}"),
        }
        // Five hours ahead, with 40 s of drift on top: both.
        match &one(5 * H + 40_000)[..] {
            [Diagnosis::Zone { shift_ms, .. }, Diagnosis::Clock {
                codes,
                offset: Some(o),
            }] => {
                assert_eq!(*shift_ms, 5 * H);
                assert!(codes.is_empty());
                assert_eq!(o.median_ms, 40_000);
            }
            d => panic!("{d:?}"),
        }
        // Two hours and three minutes: too far from whole hours, a clock.
        match &one(2 * H + 180_000)[..] {
            [Diagnosis::Clock {
                offset: Some(o), ..
            }] => {
                assert!(!o.looks_like_zone());
                assert_eq!(o.median_ms, 2 * H + 180_000);
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
}
