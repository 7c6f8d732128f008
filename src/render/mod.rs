//! Rendering: one module per output, each turning aggregates or events into text.
//! Every piece of log text passes through [`RenderCtx::text`] (secrets masked) and
//! then the format's own escaping ([`escape`]).

pub mod escape;
pub mod grep;
pub mod report;
pub mod summary;

use crate::redact::redact;
use crate::time::Zone;
use clap::ValueEnum;
use std::borrow::Cow;

/// `summary` (and `codes`) output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum SummaryFormat {
    #[default]
    Md,
    Csv,
    Json,
}

/// `grep` output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum GrepFormat {
    #[default]
    Text,
    Ndjson,
    Csv,
}

/// `report` output formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ReportFormat {
    #[default]
    Md,
    Html,
}

/// When to colour.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What renderers need to know about the run.
#[derive(Debug, Clone)]
pub struct RenderCtx {
    pub zone: Zone,
    pub redact: bool,
    /// Display names of the sources, by index.
    pub names: Vec<String>,
    pub bytes: u64,
    pub lines: u64,
    pub lines_counted: bool,
    pub partial: u64,
}

impl RenderCtx {
    /// Log text with secrets masked (unless `--no-redact`).
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.redact {
            redact(s)
        } else {
            Cow::Borrowed(s)
        }
    }

    /// RFC 3339 in the display zone, or empty.
    pub fn time(&self, t: Option<i64>) -> String {
        t.map(|t| self.zone.format(t)).unwrap_or_default()
    }

    pub fn name(&self, source: usize) -> &str {
        self.names.get(source).map_or("?", String::as_str)
    }
}

/// `1.5 MiB`-style sizes.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `12,345`-style counts.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
        assert_eq!(thousands(2840), "2,840");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
