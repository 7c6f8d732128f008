//! The core promise: on generated nights (six line formats, decoys, echoes, storms)
//! okxscan finds exactly the events of the ground truth, with their lines and times,
//! whatever the thread count or chunk size; and on the real-log excerpts of
//! `fixtures/real/` it finds exactly the rows of their `expected.tsv`.

use crate::common;
use common::*;
use std::collections::{BTreeMap, HashMap};

fn key(t: &Truth) -> (String, u64, String, String) {
    (t.file.clone(), t.line, t.code.clone(), t.time.clone())
}

fn assert_same(got: Vec<Truth>, mut want: Vec<Truth>) {
    want.sort();
    let g: Vec<_> = got.iter().map(key).collect();
    let w: Vec<_> = want.iter().map(key).collect();
    if g != w {
        let missing: Vec<_> = w.iter().filter(|x| !g.contains(x)).take(10).collect();
        let extra: Vec<_> = g.iter().filter(|x| !w.contains(x)).take(10).collect();
        panic!(
            "{} events, truth {}\nmissing: {missing:#?}\nextra: {extra:#?}",
            g.len(),
            w.len()
        );
    }
}

#[test]
fn sample_night_events_equal_the_truth() {
    let out = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .arg(sample_night())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_same(events_as_truth(&out.stdout), sample_truth());
}

#[test]
fn a_64_mib_night_counts_per_code_and_per_hour_equal_the_truth() {
    let n = night(64.0, 42, &[]);
    let out = okxscan()
        .args(["summary", "--format", "csv", "--tz", "UTC"])
        .arg(n.dir())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: BTreeMap<String, u64> = csv_rows(&out.stdout)
        .iter()
        .map(|r| (r["code"].clone(), r["count"].parse().unwrap()))
        .collect();
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for t in &n.truth {
        *want.entry(t.code.clone()).or_default() += 1;
    }
    assert_eq!(got, want);

    let out = okxscan()
        .args(["summary", "--format", "csv", "--tz", "UTC", "--by", "hour"])
        .arg(n.dir())
        .output()
        .unwrap();
    let got: BTreeMap<(String, String), u64> = csv_rows(&out.stdout)
        .iter()
        .map(|r| {
            (
                (r["bucket"].clone(), r["code"].clone()),
                r["count"].parse().unwrap(),
            )
        })
        .collect();
    let mut want: BTreeMap<(String, String), u64> = BTreeMap::new();
    for t in n.truth.iter().filter(|t| !t.time.is_empty()) {
        let hour = format!("{}:00:00Z", &t.time[..13]);
        *want.entry((hour, t.code.clone())).or_default() += 1;
    }
    assert_eq!(got, want);
}

#[test]
fn results_do_not_depend_on_threads_or_chunk_size() {
    let n = night(8.0, 9, &["--secrets"]);
    let run = |extra: &[&str]| {
        let out = okxscan()
            .args(["grep", "--format", "ndjson", "--tz", "UTC"])
            .args(extra)
            .arg(n.dir())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        out.stdout
    };
    let base = run(&["-j", "1"]);
    assert_same(events_as_truth(&base), n.truth.clone());
    for extra in [
        &["-j", "2"][..],
        &["-j", "8"],
        &["-j", "2", "--chunk-size", "4096"],
        &["-j", "1", "--chunk-size", "100000"],
    ] {
        assert_eq!(run(extra), base, "{extra:?}");
    }
}

#[test]
fn real_logs_match_expected_tsv() {
    let dir = real_logs();
    let out = okxscan()
        .args([
            "grep", "--format", "ndjson", "--tz", "UTC", "--glob", "*.log",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let got = events_as_truth(&out.stdout);
    let text = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut want: Vec<(String, u64, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].parse().unwrap(), f[2].to_string())
        })
        .collect();
    want.sort();
    let g: Vec<(String, u64, String)> = got
        .iter()
        .map(|t| (t.file.clone(), t.line, t.code.clone()))
        .collect();
    assert_eq!(g, want);
    assert!(got.iter().all(|t| !t.file.contains("-NEG-")));
    // Times as written, read in UTC: check the ones the excerpts carry.
    let times: HashMap<(String, u64), String> = got
        .iter()
        .map(|t| ((t.file.clone(), t.line), t.time.clone()))
        .collect();
    assert_eq!(
        times[&("003-freqtrade-okx-50011-leverage-tiers.log".into(), 3)],
        "2022-07-27T15:37:01.455Z"
    );
    assert_eq!(
        times[&("009-ccxt-pro-okx-ws-login-60011-verbose.log".into(), 23)],
        "2023-09-11T15:43:19.379Z"
    );
    assert_eq!(
        times[&("027-freqtrade-okx-51000-posside-lev-prep.log".into(), 3)],
        "2022-12-22T09:05:18.025Z"
    );
    assert_eq!(
        times[&("015-xchange-okex-50102-exception.log".into(), 1)],
        ""
    );
}

#[test]
fn negative_excerpts_yield_nothing() {
    let dir = real_logs();
    let mut neg: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("-NEG-"))
        .collect();
    neg.sort();
    assert_eq!(neg.len(), 7, "{neg:?}");
    let out = okxscan()
        .args(["summary", "--format", "csv"])
        .args(&neg)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(csv_rows(&out.stdout).len(), 0);
}
