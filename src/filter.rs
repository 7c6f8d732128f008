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

    fn matches(&self, code: &str) -> bool {
        match self {
            CodePattern::Exact(c) => c == code,
            CodePattern::Prefix(p) => code.starts_with(p.as_str()),
        }
    }
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
