//! Recall (issue 21): an OKX error recognised by what OKX says, in any syntax. One
//! hand-written log per family in `fixtures/recall/` with the events a careful
//! reader counts in `fixtures/recall/expected.tsv` (line, code, message, time), and
//! beside each a `.neg.log` of the same syntaxes holding other services' codes and
//! messages, which must yield no event. One table test per family.

use crate::common::*;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recall")
}

/// (line, code, message, time) of an event.
type Row = (u64, String, String, String);

/// The rows `expected.tsv` gives for `file`.
fn expected(file: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(dir().join("expected.tsv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("file\tline\tcode\tmessage\ttime\tnote"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == file)
        .map(|f| (f[1].parse().unwrap(), f[2].into(), f[3].into(), f[4].into()))
        .collect()
}

/// The events `grep --format ndjson` finds in `file`, and its exit status.
fn found(file: &str) -> (Vec<Row>, i32) {
    let o = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .arg(dir().join(file))
        .output()
        .unwrap();
    let rows = ndjson(&o.stdout)
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
                e["time"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (rows, o.status.code().unwrap())
}

/// The family's events are exactly the expected ones, and its negatives none.
fn family(name: &str) {
    let file = format!("{name}.log");
    let want = expected(&file);
    assert!(!want.is_empty(), "{file} has rows in expected.tsv");
    let (got, status) = found(&file);
    assert_eq!(got, want, "{file}");
    assert_eq!(status, 0);
    let neg = format!("{name}.neg.log");
    let (got, status) = found(&neg);
    assert_eq!(
        got,
        vec![],
        "{neg}: another service's errors are no OKX events"
    );
    assert_eq!(status, 1, "{neg}");
}

#[test]
fn a_known_code_next_to_its_message_in_any_syntax() {
    family("code-message");
}

#[test]
fn a_message_on_the_indented_line_below_its_code() {
    family("two-lines");
}

#[test]
fn bodies_that_are_json_in_spirit() {
    family("json-in-spirit");
}

#[test]
fn a_batch_failure_with_no_item_visible_counts_under_its_own_code() {
    family("batch-top-level");
}

#[test]
fn stamps_keep_their_precision() {
    family("stamps");
}

#[test]
fn one_exception_printed_twice_around_a_separator_is_one_event() {
    family("echo-separator");
}

#[test]
fn messages_come_out_clean_and_empty_ones_are_filled() {
    family("clean-messages");
}

#[test]
fn every_log_here_has_a_family_test() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    names.sort();
    let families = [
        "code-message",
        "two-lines",
        "json-in-spirit",
        "batch-top-level",
        "stamps",
        "echo-separator",
        "clean-messages",
    ];
    let mut want: Vec<String> = families
        .iter()
        .flat_map(|f| [format!("{f}.log"), format!("{f}.neg.log")])
        .collect();
    want.sort();
    assert_eq!(names, want);
}
