//! A few literals searched for in a buffer: Teddy (SIMD) where the CPU has it, an
//! Aho-Corasick automaton elsewhere. Used by the exchange-name check, and by the
//! prefilter on a CPU without AVX2.

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, Input, MatchKind, Span};

pub enum Literals {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

/// A match: where it starts and ends, and which literal it is.
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub literal: usize,
}

impl Literals {
    /// Leftmost-first, or leftmost-longest (`gateio` over `gate`) when `longest`.
    pub fn new(literals: &[&str], longest: bool) -> Literals {
        let (pk, ak) = if longest {
            (
                packed::MatchKind::LeftmostLongest,
                MatchKind::LeftmostLongest,
            )
        } else {
            (packed::MatchKind::LeftmostFirst, MatchKind::LeftmostFirst)
        };
        let mut b = packed::Config::new().match_kind(pk).builder();
        b.extend(literals);
        match b.build() {
            Some(s) => Literals::Packed(s),
            None => Literals::Automaton(
                AhoCorasick::builder()
                    .match_kind(ak)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(literals)
                    .expect("literals build"),
            ),
        }
    }

    /// The first match in `hay[at..]`.
    #[inline]
    pub fn find_from(&self, hay: &[u8], at: usize) -> Option<Hit> {
        let m = match self {
            Literals::Packed(s) => s.find_in(hay, Span::from(at..hay.len())),
            Literals::Automaton(a) => a.find(Input::new(hay).range(at..)),
        }?;
        Some(Hit {
            start: m.start(),
            end: m.end(),
            literal: m.pattern().as_usize(),
        })
    }

    /// Does any match in `hay` satisfy `f(start, end)`?
    #[inline]
    pub fn any(&self, hay: &[u8], mut f: impl FnMut(usize, usize) -> bool) -> bool {
        match self {
            Literals::Packed(s) => s.find_iter(hay).any(|m| f(m.start(), m.end())),
            Literals::Automaton(a) => a.find_iter(hay).any(|m| f(m.start(), m.end())),
        }
    }
}
