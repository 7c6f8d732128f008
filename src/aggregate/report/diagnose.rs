//! The report's diagnoses: what the clues and the codes say of the causes the seed
//! guide teaches to recognise (credentials never loaded, clock drift, missing
//! permissions). Their prose is knowledge, in [`crate::kb::diagnosis`].

use super::super::CodeStats;
use super::tally::{ClueTally, Place, Seen};
use crate::event::Category;
use crate::kb;
use crate::scan::clues::ClueKind;

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
    use super::super::testkit::*;
    use super::super::{FailOn, Report};
    use super::*;
    use crate::scan::clues::ClueKind;

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
}
