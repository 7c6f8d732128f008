//! Filters: which events a question is about (`--code 50102,51*`, `--category`,
//! `--api`, `--message REGEX`, `--since`/`--until`). Applied after merging, so that
//! echo detection and timing always see every event.

use crate::event::{Api, Category, Event, Shape};
use crate::kb::{self, Info};
use regex::Regex;

/// A `--code` item: an exact code or a prefix (`51*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodePattern {
    Exact(String),
    Prefix(String),
}

impl CodePattern {
    pub fn parse(s: &str) -> CodePattern {
        match s.strip_suffix('*') {
            Some(p) => CodePattern::Prefix(p.to_string()),
            None => CodePattern::Exact(s.to_string()),
        }
    }

    /// A `--code` item checked: a code (`50102`, a sub-code `51008_1000`) or a prefix
    /// pattern (`51*`, `51008_*`, `*`), else an error that says what is accepted. The
    /// `Some` note says an exact code is not one the knowledge base knows: it is still
    /// used (a log can hold codes published after this table), but a typo or a code
    /// cut short (`5010` for `50102`, which then matches nothing) is worth a word.
    pub fn check(item: &str) -> Result<(CodePattern, Option<String>), String> {
        let item = item.trim();
        let digits = item.strip_suffix('*').unwrap_or(item);
        let (base, sub) = digits.split_once('_').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let exact = item == digits;
        if !all_digits(base)
            || !all_digits(sub)
            || (exact && (base.is_empty() || (digits.contains('_') && sub.is_empty())))
        {
            return Err(format!(
                "bad --code '{item}': give a code (50102, 51008_1000) or a prefix ending in * (51*)"
            ));
        }
        let pattern = CodePattern::parse(item);
        let note = (exact && !kb::is_known(item)).then(|| {
            format!(
                "--code {item}: no such code in the knowledge base (okxscan codes); \
                 it matches that exact code only (a prefix is written {item}*)"
            )
        });
        Ok((pattern, note))
    }

    fn matches(&self, code: &str) -> bool {
        match self {
            CodePattern::Exact(c) => c == code,
            CodePattern::Prefix(p) => code.starts_with(p.as_str()),
        }
    }
}

/// A `--code` item that is neither a code nor a prefix pattern (the message says
/// what is accepted).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadCode(String);

/// The `--code` items as patterns: an item that is neither a code nor a prefix pattern
/// is an error; a code the knowledge base does not know is warned about on stderr.
pub fn code_patterns(items: &[String]) -> Result<Vec<CodePattern>, BadCode> {
    let mut patterns = Vec::with_capacity(items.len());
    for item in items {
        let (pattern, note) = CodePattern::check(item).map_err(BadCode)?;
        if let Some(note) = note {
            eprintln!("okxscan: warning: {note}");
        }
        patterns.push(pattern);
    }
    Ok(patterns)
}

/// The conjunction of every filter given; empty lists mean "any".
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub codes: Vec<CodePattern>,
    pub categories: Vec<Category>,
    pub apis: Vec<Api>,
    pub message: Option<Regex>,
    /// Half-open window `[since, until)` in epoch milliseconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// The API family that an event's shape points to, if any.
pub fn shape_api(shape: Shape) -> Option<Api> {
    match shape {
        Shape::V5 | Shape::V5Scode => Some(Api::V5),
        Shape::Ws => Some(Api::Ws),
        Shape::V3 => Some(Api::V3),
        Shape::V1 => Some(Api::V1),
        _ => None,
    }
}

/// What the knowledge base says of an event's code.
pub fn classify(ev: &Event) -> Info {
    kb::info(&ev.code, shape_api(ev.shape))
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
            && self.categories.is_empty()
            && self.apis.is_empty()
            && self.message.is_none()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// True when the time window is set (events without a time never match it).
    pub fn has_window(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }

    pub fn matches(&self, ev: &Event) -> bool {
        if !self.codes.is_empty() && !self.codes.iter().any(|c| c.matches(&ev.code)) {
            return false;
        }
        if self.has_window() {
            let Some(t) = ev.time else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if let Some(re) = &self.message {
            if !re.is_match(&ev.message) {
                return false;
            }
        }
        if !self.categories.is_empty() || !self.apis.is_empty() {
            let info = classify(ev);
            if !self.categories.is_empty() && !self.categories.contains(&info.category) {
                return false;
            }
            if !self.apis.is_empty() && !self.apis.contains(&info.api) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: &str, time: Option<i64>, msg: &str) -> Event<'static> {
        Event {
            source: 0,
            line: 1,
            time,
            code: code.to_string().into(),
            message: msg.to_string().into(),
            shape: Shape::V5,
            partial: false,
            text: None,
            span: None,
        }
    }

    #[test]
    fn code_items_are_codes_or_prefix_patterns() {
        let ok = |s: &str| CodePattern::check(s).unwrap();
        assert_eq!(ok("50102"), (CodePattern::Exact("50102".into()), None));
        assert_eq!(ok(" 51* ").0, CodePattern::Prefix("51".into()));
        assert_eq!(
            ok("51008_1000"),
            (CodePattern::Exact("51008_1000".into()), None)
        );
        assert_eq!(ok("51008_*").0, CodePattern::Prefix("51008_".into()));
        assert_eq!(ok("*").0, CodePattern::Prefix(String::new()));
        // Known only by its base code: explained as the base, so not warned about.
        assert_eq!(ok("51008_9999").1, None);
        // Well formed but unknown: kept, with a note naming the prefix form.
        let (p, note) = ok("5010");
        assert_eq!(p, CodePattern::Exact("5010".into()));
        assert!(note.unwrap().contains("5010*"));
        for bad in [
            "abc", "", "5o102", "51*0", "51**", "-1022", "51008_", "_1000", "50102,",
        ] {
            let e = CodePattern::check(bad).unwrap_err();
            assert!(e.contains("51*"), "{bad}: {e}");
        }
    }

    #[test]
    fn codes_prefixes_categories_and_windows() {
        let f = Filter {
            codes: vec![CodePattern::parse("51*"), CodePattern::parse("50102")],
            ..Filter::default()
        };
        assert!(f.matches(&ev("51008", None, "")));
        assert!(f.matches(&ev("50102", None, "")));
        assert!(!f.matches(&ev("50011", None, "")));

        let f = Filter {
            categories: vec![Category::Clock],
            ..Filter::default()
        };
        assert!(f.matches(&ev("50102", None, "")));
        assert!(!f.matches(&ev("50011", None, "")));

        let f = Filter {
            since: Some(100),
            until: Some(200),
            ..Filter::default()
        };
        assert!(f.matches(&ev("1", Some(100), "")));
        assert!(!f.matches(&ev("1", Some(200), "")));
        assert!(!f.matches(&ev("1", None, "")));

        let f = Filter {
            message: Some(Regex::new("(?i)sign").unwrap()),
            ..Filter::default()
        };
        assert!(f.matches(&ev("50113", None, "Invalid Sign")));
        assert!(!f.matches(&ev("50113", None, "Timestamp")));

        let f = Filter {
            apis: vec![Api::Ws],
            ..Filter::default()
        };
        assert!(f.matches(&ev("60009", None, "")));
        assert!(!f.matches(&ev("50102", None, "")));
    }
}
