//! Many hosts: `okxscan merge` of the JSON summaries each host wrote prints, byte for
//! byte, what one `okxscan summary` over all the hosts' files prints (md, csv, json;
//! any `--by`, `--tz`, masked or not), for random splits of a generated night (files
//! dealt to hosts, and files cut by lines as rotation cuts them); merging merges gives
//! the same again, and so do a host's `--state` increments merged (CSV). Summaries
//! that cannot be merged exactly are refused, exit 2.

mod common;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::path::{Path, PathBuf};

const FORMATS: [&str; 3] = ["md", "csv", "json"];

/// Runs okxscan; returns (status, stdout, stderr).
fn run(args: &[String]) -> (i32, String, String) {
    let o = okxscan().args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Equal texts, or an error naming the first line that differs (whole outputs are
/// too long to read in an assertion).
fn same(got: &str, want: &str, what: &str) -> Result<(), TestCaseError> {
    if got == want {
        return Ok(());
    }
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    let i = (0..g.len().max(w.len()))
        .find(|&i| g.get(i) != w.get(i))
        .unwrap_or(0);
    Err(TestCaseError::fail(format!(
        "{what}: line {} differs\n merged: {:?}\n  whole: {:?}\n({} lines merged, {} whole)",
        i + 1,
        g.get(i),
        w.get(i),
        g.len(),
        w.len()
    )))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn paths(v: &[PathBuf]) -> Vec<String> {
    v.iter().map(|p| p.display().to_string()).collect()
}

/// `summary` with `opts` over `files`, written to `out` (JSON).
fn host_summary(opts: &[String], files: &[PathBuf], out: &Path) {
    let mut a = strings(&["summary", "--format", "json"]);
    a.extend_from_slice(opts);
    a.extend(paths(files));
    let (st, text, err) = run(&a);
    assert!(st <= 1, "summary failed ({st}): {err}");
    std::fs::write(out, text).unwrap();
}

/// A log in which one code comes with more distinct messages than a summary keeps
/// (51000 names the bad parameter), so that which ones are kept depends on the order
/// inputs are folded in: the case the per-file figures exist for.
fn many_messages(seed: u64, lines: usize) -> String {
    let mut s = seed | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut out = String::new();
    for i in 0..lines {
        // Skewed: low parameter numbers are common, so counts tie and differ.
        let r = next();
        let p = (r % 48) * ((r >> 8) % 48) / 48;
        let (h, m, sec) = (18 + i / 3600 % 6, i / 60 % 60, i % 60);
        out.push_str(&format!(
            "2026-11-22T{h:02}:{m:02}:{sec:02}.{:03}Z ERROR okx {{\"code\":\"51000\",\"data\":[],\"msg\":\"Parameter p{p} error\"}}\n",
            r % 1000
        ));
        if r % 5 == 0 {
            out.push_str("2026-11-22T18:00:00.000Z INFO tick\n");
        }
    }
    out
}

/// Cuts `text` into pieces at the line boundaries nearest the fractions `cuts`.
fn cut_lines(text: &[u8], cuts: &[f64]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|f| {
            let i = ((text.len() as f64) * f) as usize;
            text[i.min(text.len())..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(text.len(), |p| i + p + 1)
        })
        .filter(|&i| i > 0 && i < text.len())
        .collect();
    at.sort_unstable();
    at.dedup();
    let mut pieces = Vec::new();
    let mut last = 0;
    for i in at {
        pieces.push(text[last..i].to_vec());
        last = i;
    }
    pieces.push(text[last..].to_vec());
    pieces
}

/// One random fleet: a night's files (plus the many-messages log), each cut into
/// pieces or not, the pieces dealt to hosts.
#[derive(Debug, Clone)]
struct Fleet {
    seed: u64,
    secrets: bool,
    by: &'static str,
    tz: &'static str,
    no_redact: bool,
    stats: bool,
    cuts: Vec<Vec<f64>>,
    hosts: usize,
    deal: Vec<usize>,
}

fn fleet() -> impl Strategy<Value = Fleet> {
    (
        0u64..1_000,
        any::<bool>(),
        prop::sample::select(vec!["none", "minute", "hour", "day"]),
        prop::sample::select(vec!["UTC", "Asia/Shanghai", "America/New_York", "+05:30"]),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        prop::collection::vec(prop::collection::vec(0.0f64..1.0, 0..3), 7),
        1usize..=4,
        prop::collection::vec(0usize..4, 21),
    )
        .prop_map(
            |(seed, secrets, by, tz, no_redact, stats, cuts, hosts, deal)| Fleet {
                seed,
                secrets,
                by,
                tz,
                no_redact,
                stats,
                cuts,
                hosts,
                deal,
            },
        )
}

/// `n` cases from a fixed seed (CI runs are repeatable); `PROPTEST_CASES` and
/// `PROPTEST_RNG_SEED` override both, for a longer hunt by hand.
fn cases(n: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = n;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x666c_6565_7421);
    }
    c
}

fn check_fleet(f: &Fleet) -> Result<(), TestCaseError> {
    let mut extra = vec!["--hours", "6"];
    if f.secrets {
        extra.push("--secrets");
    }
    let n = night(0.25, f.seed, &extra);
    let mut names: Vec<String> = std::fs::read_dir(n.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut texts: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|name| (name.clone(), std::fs::read(n.file(name)).unwrap()))
        .collect();
    texts.push(("params.log".into(), many_messages(f.seed, 400).into_bytes()));

    // Pieces, in night order, dealt to hosts.
    let work = n.tmp.path().join("fleet");
    std::fs::create_dir_all(&work).unwrap();
    let mut hosts: Vec<Vec<PathBuf>> = vec![Vec::new(); f.hosts];
    let mut k = 0;
    for (i, (name, text)) in texts.iter().enumerate() {
        for (j, piece) in cut_lines(text, &f.cuts[i]).into_iter().enumerate() {
            let p = work.join(format!("{name}.{j}"));
            std::fs::write(&p, piece).unwrap();
            hosts[f.deal[k % f.deal.len()] % f.hosts].push(p);
            k += 1;
        }
    }
    hosts.retain(|h| !h.is_empty());

    let mut opts = strings(&["--by", f.by, "--tz", f.tz]);
    if f.no_redact {
        opts.push("--no-redact".into());
    }
    if f.stats {
        // Lines are counted, and the summary says how many.
        opts.push("--stats".into());
    }
    let mut jsons = Vec::new();
    for (i, files) in hosts.iter().enumerate() {
        let out = work.join(format!("host{i}.json"));
        host_summary(&opts, files, &out);
        jsons.push(out);
    }
    let all: Vec<PathBuf> = hosts.concat();
    for format in FORMATS {
        let mut a = strings(&["summary", "--format", format]);
        a.extend_from_slice(&opts);
        a.extend(paths(&all));
        let whole = run(&a);
        let mut m = strings(&["merge", "--format", format]);
        m.extend(paths(&jsons));
        let merged = run(&m);
        prop_assert_eq!(&merged.2, "");
        prop_assert_eq!(merged.0, whole.0);
        same(&merged.1, &whole.1, format)?;
        if format == "json" && jsons.len() > 2 {
            // A merge of merges: the first two hosts, then the rest.
            let first = work.join("first.json");
            let mut m = strings(&["merge", "--format", "json"]);
            m.extend(paths(&jsons[..2]));
            std::fs::write(&first, run(&m).1).unwrap();
            let mut m = strings(&["merge", "--format", "json"]);
            m.push(first.display().to_string());
            m.extend(paths(&jsons[2..]));
            same(&run(&m).1, &whole.1, "merge of merges")?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(24))]

    #[test]
    fn merge_of_split_hosts_is_the_whole(f in fleet()) {
        check_fleet(&f)?;
    }
}

/// The sample night, its files dealt to three hosts.
fn sample_hosts(tmp: &Path, opts: &[&str]) -> Vec<PathBuf> {
    let d = sample_night();
    let groups: [&[&str]; 3] = [
        &["epoch.log", "events.jsonl"],
        &["freqtrade.log"],
        &["python.log", "v3bot.log", "zap.log"],
    ];
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let out = tmp.join(format!("h{i}.json"));
            let files: Vec<PathBuf> = g.iter().map(|n| d.join(n)).collect();
            host_summary(&strings(opts), &files, &out);
            out
        })
        .collect()
}

#[test]
fn summary_json_is_version_2_and_keeps_the_fields_of_version_1() {
    let (st, text, _) = run(&strings(&[
        "summary",
        "--format",
        "json",
        "--by",
        "hour",
        &sample_night().display().to_string(),
    ]));
    assert_eq!(st, 0);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["by"], "hour");
    assert_eq!(doc["redacted"], true);
    for k in [
        "zone", "inputs", "span", "total", "partial", "untimed", "codes",
    ] {
        assert!(doc.get(k).is_some(), "{k} missing");
    }
    for k in [
        "code",
        "count",
        "first_seen",
        "last_seen",
        "category",
        "api",
        "known",
        "severity",
        "retry",
        "message",
        "official_message",
        "remedy",
        "partial",
    ] {
        assert!(doc["codes"][0].get(k).is_some(), "codes[].{k} missing");
    }
    assert!(doc["buckets"][0].get("bucket").is_some());
    // One entry per file, in input order, whose events add up to the total.
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 6);
    assert!(files[0]["name"].as_str().unwrap().ends_with("epoch.log"));
    let events: u64 = files.iter().map(|f| f["events"].as_u64().unwrap()).sum();
    assert_eq!(events, doc["total"].as_u64().unwrap());
    let code = &files[0]["codes"][0];
    let in_messages: u64 = code["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["count"].as_u64().unwrap())
        .sum();
    assert_eq!(in_messages, code["count"].as_u64().unwrap());
    // No secret of the sample night is repeated in the per-file messages either.
    for secret in ["C0FFEE5EC12E7ABCDEF0123456789AB", "Tr0ub4dor&3horse"] {
        assert!(!text.contains(secret));
    }
}

#[test]
fn merge_refuses_other_versions_other_by_and_broken_files() {
    let tmp = tempfile::tempdir().unwrap();
    let hosts = sample_hosts(tmp.path(), &["--by", "hour"]);
    let none = tmp.path().join("none.json");
    host_summary(
        &strings(&["--by", "none"]),
        &[sample_night().join("zap.log")],
        &none,
    );
    let merge = |files: &[&Path]| {
        let mut a = strings(&["merge"]);
        a.extend(files.iter().map(|p| p.display().to_string()));
        run(&a)
    };
    let (st, out, err) = merge(&[&hosts[0], &none]);
    assert_eq!((st, out.as_str()), (2, ""));
    assert!(
        err.contains("--by hour") && err.contains("--by none"),
        "{err}"
    );

    // A summary of version 1 (no version field), and one from the future.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&hosts[1]).unwrap()).unwrap();
    let old = tmp.path().join("old.json");
    doc.as_object_mut().unwrap().remove("version");
    std::fs::write(&old, doc.to_string()).unwrap();
    let (st, _, err) = merge(&[&hosts[0], &old]);
    assert_eq!(st, 2);
    assert!(err.contains("old.json: a summary of version 1"), "{err}");
    doc["version"] = 3.into();
    std::fs::write(&old, doc.to_string()).unwrap();
    let (st, _, err) = merge(&[&old]);
    assert_eq!(st, 2);
    assert!(err.contains("version 3"), "{err}");

    // A file cut short, a file that is not a summary, a missing file.
    let text = std::fs::read_to_string(&hosts[2]).unwrap();
    let cut = tmp.path().join("cut.json");
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let not = tmp.path().join("not.json");
    std::fs::write(&not, "[1,2,3]").unwrap();
    for bad in [&cut, &not, &tmp.path().join("missing.json")] {
        let (st, out, err) = merge(&[&hosts[0], bad]);
        assert_eq!((st, out.as_str()), (2, ""), "{err}");
        assert!(err.starts_with("okxscan: "), "{err}");
    }
    // Counts edited by hand no longer add up.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["total"] = 1.into();
    std::fs::write(&cut, doc.to_string()).unwrap();
    let (st, _, err) = merge(&[&cut]);
    assert_eq!(st, 2);
    assert!(err.contains("total"), "{err}");
}

#[test]
fn merge_shows_times_and_buckets_in_another_zone_when_the_buckets_fit() {
    // Only files whose lines carry their zone: then the hosts' zone does not change
    // which instant an event is, and one run in Shanghai is the reference.
    let d = sample_night();
    let tmp = tempfile::tempdir().unwrap();
    let files = ["zap.log", "epoch.log", "events.jsonl"].map(|n| d.join(n));
    let mut hosts = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let out = tmp.path().join(format!("h{i}.json"));
        host_summary(
            &strings(&["--by", "hour", "--tz", "UTC"]),
            std::slice::from_ref(f),
            &out,
        );
        hosts.push(out);
    }
    for format in FORMATS {
        let mut a = strings(&[
            "summary",
            "--format",
            format,
            "--by",
            "hour",
            "--tz",
            "Asia/Shanghai",
        ]);
        a.extend(paths(&files));
        let whole = run(&a);
        let mut m = strings(&["merge", "--format", format, "--tz", "Asia/Shanghai"]);
        m.extend(paths(&hosts));
        let merged = run(&m);
        assert_eq!(merged.0, 0, "{}", merged.2);
        assert_eq!(merged.1, whole.1, "{format}");
    }
    // Hours of UTC are not hours of India: refused, saying which zone would do.
    let mut m = strings(&["merge", "--tz", "Asia/Kolkata"]);
    m.extend(paths(&hosts));
    let (st, out, err) = run(&m);
    assert_eq!((st, out.as_str()), (2, ""));
    assert!(err.contains("--tz UTC"), "{err}");
    // Summaries made in two zones need --tz to say which one to show.
    let sh = tmp.path().join("sh.json");
    host_summary(
        &strings(&["--by", "hour", "--tz", "Asia/Shanghai"]),
        &files[..1],
        &sh,
    );
    let (st, _, err) = run(&paths(&[
        PathBuf::from("merge"),
        hosts[1].clone(),
        sh.clone(),
    ]));
    assert_eq!(st, 2);
    assert!(err.contains("--tz"), "{err}");
}

#[test]
fn merge_reads_stdin_and_says_none_found_with_status_1() {
    let tmp = tempfile::tempdir().unwrap();
    let hosts = sample_hosts(tmp.path(), &["--code", "50102"]);
    let mut a = strings(&["summary", "--format", "csv", "--code", "50102"]);
    a.push(sample_night().display().to_string());
    let whole = run(&a);
    let o = okxscan()
        .args(["merge", "--format", "csv", "-"])
        .args(paths(&hosts[1..]))
        .write_stdin(std::fs::read(&hosts[0]).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), whole.1);

    let empty = tmp.path().join("empty.json");
    host_summary(
        &strings(&["--code", "99999"]),
        &[sample_night().join("zap.log")],
        &empty,
    );
    let (st, out, _) = run(&paths(&[PathBuf::from("merge"), empty]));
    assert_eq!(st, 1);
    assert!(out.contains("No OKX error found."), "{out}");
}

#[test]
fn merged_state_increments_count_as_one_run_over_everything_read() {
    // The sample night's files cut in halves; the second halves are appended between
    // two `--state` runs, as a bot appends between two cron runs.
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let mut rest = Vec::new();
    for name in [
        "epoch.log",
        "events.jsonl",
        "freqtrade.log",
        "python.log",
        "v3bot.log",
        "zap.log",
    ] {
        let text = std::fs::read(sample_night().join(name)).unwrap();
        let pieces = cut_lines(&text, &[0.5]);
        std::fs::write(logs.join(name), &pieces[0]).unwrap();
        rest.push((name, pieces[1..].concat()));
    }
    let state = tmp.path().join("state");
    let increment = |out: &Path| {
        let mut a = strings(&["--by", "hour", "--state"]);
        a.push(state.display().to_string());
        host_summary(&a, std::slice::from_ref(&logs), out);
    };
    let (first, second) = (tmp.path().join("1.json"), tmp.path().join("2.json"));
    increment(&first);
    for (name, tail) in &rest {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(logs.join(name))
            .unwrap();
        std::io::Write::write_all(&mut f, tail).unwrap();
    }
    increment(&second);
    let total = |p: &Path| -> u64 {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        doc["total"].as_u64().unwrap()
    };
    assert!(total(&first) > 0 && total(&second) > 0);
    let mut a = strings(&["summary", "--by", "hour", "--format", "csv"]);
    a.push(logs.display().to_string());
    let whole = run(&a);
    let (st, merged, err) = run(&paths(&[
        PathBuf::from("merge"),
        PathBuf::from("--format"),
        PathBuf::from("csv"),
        first,
        second,
    ]));
    assert_eq!(st, 0, "{err}");
    assert_eq!(merged, whole.1);
}
