//! The knowledge base: meaning, category, severity and remedy of every known OKX /
//! OKEx error code, kept as data in `codes.tsv` (compiled in) rather than as code.
//!
//! Codes not in the table are classified by their range (51xxx trade, 58xxx funding,
//! ...) and flagged unknown, so a new code the exchange starts sending still lands in
//! a sensible category.

use crate::event::{Api, Category};
use std::sync::OnceLock;

mod agree;
pub mod diagnosis;
pub use agree::{agrees, known_five, words, Word};

const DATA: &str = include_str!("codes.tsv");

/// One row of the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub code: &'static str,
    pub api: Api,
    pub http: &'static str,
    pub category: Category,
    pub severity: &'static str,
    pub retry: bool,
    /// The exchange's own message(s), variants joined with ` || `.
    pub message: &'static str,
    pub remedy: &'static str,
}

/// What the knowledge base says of a code, known or guessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub code: String,
    pub api: Api,
    pub category: Category,
    pub known: bool,
    pub entry: Option<&'static Entry>,
    /// What a code of this range is about (for unknown codes and headings).
    pub range: &'static str,
}

impl Info {
    pub fn remedy(&self) -> &'static str {
        match self.entry {
            Some(e) => e.remedy,
            None => category_remedy(self.category),
        }
    }

    pub fn message(&self) -> &'static str {
        self.entry.map_or("", |e| e.message)
    }

    pub fn severity(&self) -> &'static str {
        self.entry
            .map_or_else(|| category_severity(self.category), |e| e.severity)
    }

    pub fn retry(&self) -> bool {
        self.entry.map_or(
            matches!(self.category, Category::RateLimit | Category::Availability),
            |e| e.retry,
        )
    }

    /// Where the exchange documents the code.
    pub fn docs(&self) -> &'static str {
        match self.api {
            Api::V5 => "https://www.okx.com/docs-v5/en/#error-code-rest-api",
            Api::Ws => "https://www.okx.com/docs-v5/en/#error-code-websocket",
            Api::V3 | Api::V1 => "(legacy OKEx API, retired in 2022: no live documentation)",
        }
    }
}

struct Kb {
    entries: Vec<Entry>,
    by_code: rustc_hash::FxHashMap<&'static str, Vec<usize>>,
    /// Entries by base code (`51008` for `51008` and `51008_1000`).
    by_base: rustc_hash::FxHashMap<&'static str, Vec<usize>>,
}

/// `51008` of `51008_1000`; a code without a sub-code is its own base.
fn base(code: &str) -> &str {
    code.split('_').next().unwrap_or(code)
}

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| {
        let mut entries = Vec::new();
        for (n, line) in DATA.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&'static str> = line.split('\t').collect();
            assert!(f.len() == 8, "codes.tsv line {}: {} fields", n + 1, f.len());
            entries.push(Entry {
                code: f[0],
                api: Api::parse(f[1])
                    .unwrap_or_else(|| panic!("codes.tsv line {}: api {}", n + 1, f[1])),
                http: f[2],
                category: Category::parse(f[3])
                    .unwrap_or_else(|| panic!("codes.tsv line {}: category {}", n + 1, f[3])),
                severity: f[4],
                retry: f[5] == "yes",
                message: f[6],
                remedy: f[7],
            });
        }
        let mut by_code: rustc_hash::FxHashMap<&'static str, Vec<usize>> =
            rustc_hash::FxHashMap::default();
        let mut by_base: rustc_hash::FxHashMap<&'static str, Vec<usize>> =
            rustc_hash::FxHashMap::default();
        for (i, e) in entries.iter().enumerate() {
            by_code.entry(e.code).or_default().push(i);
            by_base.entry(base(e.code)).or_default().push(i);
        }
        Kb {
            entries,
            by_code,
            by_base,
        }
    })
}

/// Every entry, in the table's order.
pub fn entries() -> &'static [Entry] {
    &kb().entries
}

/// The entry for `code`, preferring the given API family when a code exists in two
/// (`1` is both v5 "Operation failed" and v3 "System error"). A v5 sub-code
/// (`51008_1000`) falls back to its base code.
pub fn entry(code: &str, api: Option<Api>) -> Option<&'static Entry> {
    let kb = kb();
    let pick = |ids: &Vec<usize>| {
        let want = api.map(|a| if a == Api::V1 { Api::V3 } else { a });
        ids.iter()
            .map(|&i| &kb.entries[i])
            .find(|e| Some(e.api) == want)
            .or_else(|| ids.first().map(|&i| &kb.entries[i]))
    };
    if let Some(ids) = kb.by_code.get(code) {
        return pick(ids);
    }
    let base = code.split_once('_')?.0;
    kb.by_code.get(base).and_then(pick)
}

/// Every official message of `code`, of its base code and of its sub-codes
/// (variants joined with ` || ` in the table are split).
pub fn messages(code: &str) -> Vec<&'static str> {
    let kb = kb();
    kb.by_base
        .get(base(code))
        .into_iter()
        .flatten()
        .flat_map(|&i| kb.entries[i].message.split(" || "))
        .collect()
}

/// True when `code` is in the table (a sub-code counts when its base is).
pub fn is_known(code: &str) -> bool {
    let by_code = &kb().by_code;
    by_code.contains_key(code)
        || code
            .split_once('_')
            .is_some_and(|(base, _)| by_code.contains_key(base))
}

/// What the knowledge base knows or guesses of `code`, seen in a body of family `api`.
pub fn info(code: &str, api: Option<Api>) -> Info {
    if let Some(e) = entry(code, api) {
        let api = match api {
            Some(Api::V1) => Api::V1,
            _ => e.api,
        };
        return Info {
            code: code.to_string(),
            api,
            category: e.category,
            known: true,
            entry: Some(e),
            range: range_of(code).1,
        };
    }
    let (guess, range, family) = range_of(code);
    Info {
        code: code.to_string(),
        api: api.unwrap_or(family),
        category: guess,
        known: false,
        entry: None,
        range,
    }
}

/// A range of codes and what a code in it is about: the one place OKX's code
/// ranges are written (the knowledge base's guesses for unknown codes and the
/// extractor's "can this be an OKX code" both read it).
struct Span {
    lo: u32,
    hi: u32,
    category: Category,
    about: &'static str,
    api: Api,
}

const OUTSIDE: &str = "outside the known OKX ranges";

const fn span(lo: u32, hi: u32, category: Category, about: &'static str, api: Api) -> Span {
    Span {
        lo,
        hi,
        category,
        about,
        api,
    }
}

/// OKX's code ranges, in the order they are looked up. The rows described as
/// [`OUTSIDE`] are v5 numbers no row names but OKX may still send.
const SPANS: &[Span] = &[
    span(
        50000,
        50099,
        Category::Request,
        "v5 general (50xxx)",
        Api::V5,
    ),
    span(
        50100,
        50199,
        Category::Auth,
        "v5 authentication (501xx)",
        Api::V5,
    ),
    span(51000, 51999, Category::Order, "v5 trade (51xxx)", Api::V5),
    span(
        52000,
        52999,
        Category::Request,
        "v5 market data (52xxx)",
        Api::V5,
    ),
    span(54000, 54999, Category::Order, "v5 trade (54xxx)", Api::V5),
    span(
        55000,
        57999,
        Category::Order,
        "v5 trade (55xxx-57xxx)",
        Api::V5,
    ),
    span(58000, 58999, Category::Funds, "v5 funding (58xxx)", Api::V5),
    span(
        59000,
        59999,
        Category::Account,
        "v5 account (59xxx)",
        Api::V5,
    ),
    span(
        60000,
        64999,
        Category::Request,
        "v5 WebSocket (60xxx-64xxx)",
        Api::Ws,
    ),
    span(
        70000,
        79999,
        Category::Order,
        "v5 block trading and spreads (7xxxx)",
        Api::V5,
    ),
    span(50200, 50999, Category::Other, OUTSIDE, Api::V5),
    span(53000, 53999, Category::Other, OUTSIDE, Api::V5),
    span(65000, 69999, Category::Other, OUTSIDE, Api::V5),
    span(
        30000,
        30999,
        Category::Auth,
        "v3 general and authentication (30xxx)",
        Api::V3,
    ),
    span(31000, 31999, Category::Order, "v3 (31xxx)", Api::V3),
    span(32000, 32999, Category::Order, "v3 futures (32xxx)", Api::V3),
    span(33000, 33999, Category::Order, "v3 margin (33xxx)", Api::V3),
    span(34000, 34999, Category::Funds, "v3 funding (34xxx)", Api::V3),
    span(35000, 35999, Category::Order, "v3 swap (35xxx)", Api::V3),
    span(36000, 36999, Category::Order, "v3 options (36xxx)", Api::V3),
    span(
        10000,
        29999,
        Category::Other,
        "legacy OKEx v1 (1xxxx-2xxxx)",
        Api::V1,
    ),
];

/// The row of [`SPANS`] holding `code` (its base, for a sub-code).
fn span_of(code: &str) -> Option<&'static Span> {
    let n: u32 = base(code).parse().ok()?;
    SPANS.iter().find(|s| (s.lo..=s.hi).contains(&n))
}

/// The category, description and API family that a code's range suggests.
pub fn range_of(code: &str) -> (Category, &'static str, Api) {
    if base(code).parse::<u32>().is_err() {
        return (Category::Other, "no code in the body", Api::V5);
    }
    span_of(code).map_or((Category::Other, OUTSIDE, Api::V5), |s| {
        (s.category, s.about, s.api)
    })
}

/// Is `code` in a range of the v5, WebSocket or v3 APIs (known or not)?
pub fn in_okx_range(code: &str) -> bool {
    span_of(code).is_some_and(|s| s.api != Api::V1)
}

/// Is `code` in the legacy OKEx v1 range (1xxxx-2xxxx)?
pub fn in_v1_range(code: &str) -> bool {
    span_of(code).is_some_and(|s| s.api == Api::V1)
}

/// The remedy for a category, for codes the table does not know.
pub fn category_remedy(c: Category) -> &'static str {
    match c {
        Category::Auth => "The exchange refused the credentials: check that the API key, secret and passphrase are loaded (not empty, not 'nan'), match the environment (live or demo) and carry no stray whitespace, and that the host's IP is on the key's whitelist.",
        Category::Clock => "The request's timestamp is outside the exchange's 30-second window: synchronise the host clock with NTP (sudo timedatectl set-ntp true) or derive timestamps from GET /api/v5/public/time.",
        Category::Permission => "The key or account may not do this: check the key's permissions (read, trade, withdraw) and the account's verification level and region in OKX's API management page.",
        Category::RateLimit => "Too many requests: add backoff and retry later, spread requests over time, and batch or cache calls (e.g. websocket feeds instead of polling).",
        Category::Availability => "The exchange side is busy, timing out or under maintenance: retry with backoff, check OKX's status page, and query the order's state before resending a trade.",
        Category::Funds => "Not enough balance or margin for this operation: transfer or deposit funds, reduce the size or leverage, or release funds held by open orders.",
        Category::Order => "The exchange rejected the order as given: check price limits, lot and minimum size, order type and the order's current state before retrying.",
        Category::Account => "The account's mode or settings do not allow this: check account mode, position mode (long/short vs net), margin mode and leverage in the account settings.",
        Category::Request => "The request was malformed or named something that does not exist: check the endpoint, the instrument ID and every parameter against the API documentation.",
        Category::Other => "An error outside the known categories: read the message, compare it with OKX's API documentation, and look at what the bot sent just before it.",
    }
}

fn category_severity(c: Category) -> &'static str {
    match c {
        Category::Auth | Category::Clock | Category::Permission => "high",
        Category::RateLimit | Category::Availability => "low",
        _ => "medium",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_consistent() {
        let e = entries();
        assert!(e.len() >= 1400, "{} entries", e.len());
        for x in e {
            assert!(!x.remedy.trim().is_empty(), "{} has no remedy", x.code);
            assert!(
                matches!(x.severity, "high" | "medium" | "low"),
                "{}",
                x.code
            );
        }
    }

    #[test]
    fn duplicate_codes_follow_the_api() {
        assert_eq!(entry("1", Some(Api::V3)).unwrap().api, Api::V3);
        assert_eq!(entry("1", Some(Api::V5)).unwrap().api, Api::V5);
    }

    #[test]
    fn sub_codes_fall_back_to_their_base() {
        let i = info("51008_9999", None);
        assert!(i.known);
        assert_eq!(i.category, Category::Funds);
    }

    #[test]
    fn unknown_codes_get_their_range() {
        let i = info("51999", None);
        assert!(!i.known);
        assert_eq!(i.category, Category::Order);
        assert!(i.range.contains("51xxx"));
        assert_eq!(info("58999", None).category, Category::Funds);
        assert_eq!(info("63998", None).api, Api::Ws);
    }

    #[test]
    fn the_ranges_a_code_may_take() {
        for (code, okx, v1) in [
            ("50000", true, false),
            ("50999", true, false),
            ("53001", true, false),
            ("79999", true, false),
            ("30000", true, false),
            ("36999", true, false),
            ("37000", false, false),
            ("49999", false, false),
            ("80000", false, false),
            ("10004", false, true),
            ("29999", false, true),
            ("51008_1000", true, false),
            ("-2011", false, false),
            ("", false, false),
        ] {
            assert_eq!(in_okx_range(code), okx, "{code}");
            assert_eq!(in_v1_range(code), v1, "{code}");
        }
        assert_eq!(range_of("53001").1, OUTSIDE);
        assert_eq!(range_of("37000").1, OUTSIDE);
    }
}
