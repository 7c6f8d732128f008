//! The prefilter: where in a chunk one of the four literals every error shape holds
//! starts, or a number of exactly five digits (where an OKX code may stand in any
//! syntax, `[51008] Order failed`). With AVX2 a single pass compares 32 positions
//! at a time against all of them at once (twice as fast as Teddy on the literals,
//! measured); elsewhere Teddy, or an automaton, and a scalar look for the numbers.

use crate::extract::literals::Literals;
use std::sync::OnceLock;

/// The literals: `code`/`Code` in every coded shape (`"code"`, `sCode`,
/// `error_code`, `Code:`, `code=`), `x {` of `okx {`/`okex {` before a body without
/// a code, and `xception` for exception text such as `ExchangeException: 50102:...`.
/// A hit reports the literal's index in this list, or [`FIVE`].
pub const LITERALS: [&str; 4] = ["code", "Code", "x {", "xception"];

/// The "literal" of a hit at a number of exactly five digits (no digit before or
/// after it).
pub const FIVE: usize = LITERALS.len();

/// The literal starting at `data[at]`, if one does.
#[inline]
fn literal_at(data: &[u8], at: usize) -> Option<usize> {
    let rest = &data[at..];
    LITERALS
        .iter()
        .position(|l| rest.starts_with(l.as_bytes()))
        .or_else(|| five_at(data, at).then_some(FIVE))
}

/// Does a number of exactly five digits start at `at`?
#[inline]
fn five_at(data: &[u8], at: usize) -> bool {
    let d = |i: usize| data.get(i).is_some_and(u8::is_ascii_digit);
    (at == 0 || !d(at - 1)) && (at..at + 5).all(d) && !d(at + 5)
}

/// Calls `f(position, literal)` for each hit in `data`, in order, and goes on from
/// where `f` says (hits before that are skipped; at least one past the hit).
pub fn for_each_hit(data: &[u8], mut f: impl FnMut(usize, usize) -> usize) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked on the line above.
        unsafe { avx2::for_each_hit(data, &mut f) };
        return;
    }
    fallback(data, &mut f);
}

/// The portable path: a multi-literal searcher, leftmost match from each position.
fn fallback(data: &[u8], f: &mut impl FnMut(usize, usize) -> usize) {
    static P: OnceLock<Literals> = OnceLock::new();
    let p = P.get_or_init(|| Literals::new(&LITERALS, false));
    let mut at = 0;
    while at < data.len() {
        let lit = p.find_from(data, at).map(|m| (m.start, m.literal));
        let upto = lit.map_or(data.len(), |(s, _)| s);
        let five = (at..upto).find(|&i| five_at(data, i));
        let (hit, l) = match (five, lit) {
            (Some(i), _) => (i, FIVE),
            (None, Some(m)) => m,
            (None, None) => break,
        };
        at = f(hit, l).max(hit + 1);
    }
}

/// Checks every position from `at` to the end one by one (the last few bytes of a
/// chunk, too short for a vector).
fn scalar_from(data: &[u8], mut at: usize, f: &mut impl FnMut(usize, usize) -> usize) {
    while at < data.len() {
        at = match literal_at(data, at) {
            Some(l) => f(at, l).max(at + 1),
            None => at + 1,
        };
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::scalar_from;
    use std::arch::x86_64::*;

    /// Bytes read from a vector's start: 32 positions and the 3 after the last one,
    /// so that a four-byte literal at any of the 32 is seen whole.
    const READ: usize = 35;

    /// Bytes read from a block's start: its two vectors of candidates (the second
    /// reads [`READ`]), and the digits of the 32 after them (for a number that
    /// starts in the block and ends after it).
    const BLOCK_READ: usize = 96;
    const _: () = assert!(BLOCK_READ >= 32 + READ && BLOCK_READ >= 64 + 32);

    /// Positions of `p[0..32]` that may start a literal, as bits: `c` or `C` before
    /// `od` (`code`, `Code`, but also `Cod`), and `x` two bytes before `{` or `e`
    /// (`x {`, `xce`, but also `exe`). Three bytes of each literal are compared
    /// here, the rest by [`candidate_literal`]: a few more candidates than comparing
    /// all of them, for well under half the vector work. (Without the `c`, words
    /// such as `body` and `mode` made 12% more mispredicted branches; with it, 2.5%
    /// more instructions and less time, measured.)
    ///
    /// # Safety
    /// `p` must be valid for reading [`READ`] bytes, and the CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn candidates(p: *const u8) -> u32 {
        let splat = |b: u8| _mm256_set1_epi8(b as i8);
        let eq = |v, b| _mm256_cmpeq_epi8(v, splat(b));
        // SAFETY: the caller guarantees READ readable bytes; unaligned loads.
        let (v0, v1, v2) = unsafe {
            (
                _mm256_loadu_si256(p as *const __m256i),
                _mm256_loadu_si256(p.add(1) as *const __m256i),
                _mm256_loadu_si256(p.add(2) as *const __m256i),
            )
        };
        let and = |a, b| _mm256_and_si256(a, b);
        let or = |a, b| _mm256_or_si256(a, b);
        let c = eq(_mm256_or_si256(v0, splat(0x20)), b'c');
        let od = and(c, and(eq(v1, b'o'), eq(v2, b'd')));
        let x = and(eq(v0, b'x'), or(eq(v2, b'{'), eq(v2, b'e')));
        _mm256_movemask_epi8(or(od, x)) as u32
    }

    /// The digits among `p[0..32]`, as bits (one add and one signed compare: the
    /// add moves `0`-`9` to the 10 lowest byte values).
    ///
    /// # Safety
    /// `p` must be valid for reading 32 bytes, and the CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn digits(p: *const u8) -> u32 {
        // SAFETY: the caller guarantees 32 readable bytes; an unaligned load.
        let v = unsafe { _mm256_loadu_si256(p as *const __m256i) };
        let moved = _mm256_add_epi8(v, _mm256_set1_epi8(0x50));
        _mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(-118), moved)) as u32
    }

    /// The starts of numbers of exactly five digits among 64 positions, given the
    /// digit bits of the 64 (`d`), of the 6 after them (`next`) and of the one
    /// before (`prev`).
    #[inline]
    fn fives(d: u64, next: u64, prev: bool) -> u64 {
        let m = u128::from(d) | u128::from(next & 0x3f) << 64;
        let before = m << 1 | u128::from(prev);
        (m & m >> 1 & m >> 2 & m >> 3 & m >> 4 & !(m >> 5) & !before) as u64
    }

    /// Which literal a candidate of [`candidates`] starts, if any. `data` holds at
    /// least [`READ`] bytes from the candidate's vector, so `p + 3` is in it.
    #[inline]
    fn candidate_literal(data: &[u8], p: usize) -> Option<usize> {
        match data[p] {
            b'0'..=b'9' => Some(super::FIVE),
            b'c' if data[p + 3] == b'e' => Some(0),
            b'C' if data[p + 3] == b'e' => Some(1),
            b'x' => match data[p + 1] {
                b' ' if data[p + 2] == b'{' => Some(2),
                b'c' => data[p..].starts_with(b"xception").then_some(3),
                _ => None,
            },
            _ => None,
        }
    }

    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn for_each_hit(data: &[u8], f: &mut impl FnMut(usize, usize) -> usize) {
        let mut at = 0; // no hit before this
        let mut i = 0; // the block's start
                       // Blocks of 64 positions (two vectors): one branch per 64 bytes where no
                       // literal starts, which is most of them.
        while i + BLOCK_READ <= data.len() {
            // SAFETY: i + BLOCK_READ <= data.len() (64 + READ and 64 + 32 bytes),
            // and the caller checked AVX2. A block starts at `at` or after it (see
            // the end of the loop): no position before `at` is in it.
            debug_assert!(at <= i);
            let mut mask = unsafe {
                let p = data.as_ptr().add(i);
                let d = u64::from(digits(p)) | u64::from(digits(p.add(32))) << 32;
                let lits = u64::from(candidates(p)) | u64::from(candidates(p.add(32))) << 32;
                // Most blocks have no run of five digits in them and none going on
                // past their end (stamps have runs of four at most): one test
                // settles them; the others are looked at exactly.
                let run5 = d & d >> 1 & d >> 2 & d >> 3 & d >> 4;
                if run5 == 0 && d >> 63 == 0 {
                    lits
                } else {
                    let prev = i > 0 && data[i - 1].is_ascii_digit();
                    lits | fives(d, u64::from(digits(p.add(64))), prev)
                }
            };
            while mask != 0 {
                let p = i + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let Some(l) = candidate_literal(data, p) else {
                    continue;
                };
                at = f(p, l).max(p + 1);
                if at >= i + 64 {
                    break;
                }
                mask &= !0u64 << (at - i);
            }
            i = at.max(i + 64);
        }
        scalar_from(data, i.max(at), f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hit by checking each position, with the same resume rule.
    fn naive(data: &[u8], f: &mut impl FnMut(usize, usize) -> usize) {
        scalar_from(data, 0, f)
    }

    /// Runs a searcher with a resume rule that skips ahead by an amount that depends
    /// on the hit (as the scan does past a handled record), recording the hits.
    fn hits(
        run: impl Fn(&[u8], &mut dyn FnMut(usize, usize) -> usize),
        data: &[u8],
        skip: usize,
    ) -> Vec<(usize, usize)> {
        let mut got = Vec::new();
        run(data, &mut |p, l| {
            got.push((p, l));
            p + (p * 7 + l) % (skip + 1)
        });
        got
    }

    #[test]
    fn every_path_finds_the_same_hits() {
        const PIECES: [&str; 23] = [
            "51008",
            "1",
            "12",
            "5",
            "1234",
            "code",
            "Code",
            "x {",
            "xception",
            "xce",
            "ode",
            "od",
            "body",
            "exe",
            "e",
            "x",
            "c",
            " ",
            "{",
            "\n",
            "co",
            "de",
            "okx {\"code\":\"50102\"}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut total = 0;
        for round in 0..2000 {
            let len = next(600);
            let mut s = String::new();
            while s.len() < len {
                s.push_str(PIECES[next(PIECES.len())]);
            }
            let data = s.as_bytes();
            let skip = round % 40;
            let want = hits(|d, f| naive(d, &mut |p, l| f(p, l)), data, skip);
            total += want.len();
            let fb = hits(|d, f| fallback(d, &mut |p, l| f(p, l)), data, skip);
            assert_eq!(fb, want, "fallback, skip {skip}: {s:?}");
            let any = hits(|d, f| for_each_hit(d, f), data, skip);
            assert_eq!(any, want, "for_each_hit, skip {skip}: {s:?}");
        }
        assert!(total > 10_000, "the inputs hold hits: {total}");
    }

    #[test]
    fn hits_name_their_literal_and_stay_inside() {
        let text = b"Code x {xception code xcept";
        let got = hits(|d, f| for_each_hit(d, f), text, 0);
        assert_eq!(got, [(0, 1), (5, 2), (8, 3), (17, 0)]);
        // A literal cut by the chunk's end is no hit.
        assert!(hits(|d, f| for_each_hit(d, f), b"..cod", 0).is_empty());
        // Numbers of exactly five digits, wherever they stand, and no others.
        let text = b"51008 [50102] 123456 1234 x12345_1 99999";
        let got = hits(|d, f| for_each_hit(d, f), text, 0);
        assert_eq!(got, [(0, FIVE), (7, FIVE), (27, FIVE), (35, FIVE)]);
    }
}
