//! `okxscan grep`, option by option, through the real binary: filters (code, category,
//! API, message, time window in every accepted form), the output switches (-c, -l, -o,
//! -m, context, colour, NDJSON/CSV, file names, line numbers), exit statuses, a closed
//! pipe, and thread-count independence. Expectations come from a generated night's
//! ground truth or from small logs written here by hand.

mod common;
mod support;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

/// The files of a night whose timestamps carry their own zone (or are epochs), so
/// that `--tz` only changes how user times are read, not the events' times.
const ZONED: [&str; 3] = ["zap.log", "epoch.log", "events.jsonl"];

/// Truth rows in `[since, until)` (rows without a time never match a window).
fn in_window(t: &Truth, since: Option<&str>, until: Option<&str>) -> bool {
    if since.is_none() && until.is_none() {
        return true;
    }
    if t.time.is_empty() {
        return false;
    }
    let x = ms(&t.time);
    since.is_none_or(|s| x >= ms(s)) && until.is_none_or(|u| x < ms(u))
}

/// Per-file counts of truth rows passing `keep`.
fn truth_counts(truth: &[Truth], keep: impl Fn(&Truth) -> bool) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for t in truth.iter().filter(|t| keep(t)) {
        *m.entry(t.file.clone()).or_default() += 1;
    }
    m
}

/// `grep -c` over `paths` with `args`, as file name -> count.
fn grep_counts(args: &[&str], paths: &[std::path::PathBuf]) -> BTreeMap<String, u64> {
    let o = okxscan()
        .arg("grep")
        .args(args)
        .args(["-c", "-H"])
        .args(paths)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&o)
    );
    counts_by_file(&stdout(&o))
}

/// (file, line, time) of events, sorted: the comparison key against the truth.
fn keys(v: &[Truth]) -> Vec<(String, u64, String)> {
    let mut k: Vec<_> = v
        .iter()
        .map(|t| (t.file.clone(), t.line, t.time.clone()))
        .collect();
    k.sort();
    k
}

fn ndjson_events(args: &[&str], path: &std::path::Path) -> Vec<Truth> {
    let o = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&o)
    );
    events_as_truth(&o.stdout)
}

// ------------------------------------------------------------------ acceptance

#[test]
fn acceptance_code_and_window_count_summed_over_files_equals_the_truth() {
    let n = night(4.0, 11, &[]);
    let mut times: Vec<&str> = n
        .truth
        .iter()
        .filter(|t| t.code == "50102" && !t.time.is_empty())
        .map(|t| t.time.as_str())
        .collect();
    times.sort();
    times.dedup();
    assert!(times.len() > 20, "night too small: {}", times.len());
    // Both ends are event times, so a closed or open end would change the count.
    let (t1, t2) = (times[times.len() / 4], times[times.len() * 3 / 4]);
    let want = truth_counts(&n.truth, |t| {
        t.code == "50102" && in_window(t, Some(t1), Some(t2))
    });
    let got = grep_counts(
        &[
            "--code", "50102", "--since", t1, "--until", t2, "--tz", "UTC",
        ],
        &[n.dir()],
    );
    assert_eq!(got, want);
    let sum: u64 = got.values().sum();
    assert_eq!(sum, want.values().sum::<u64>());
    // The event at T1 counts, the one at T2 does not.
    let at = |x: &str| {
        n.truth
            .iter()
            .filter(|t| t.code == "50102" && t.time == x)
            .count() as u64
    };
    assert!(at(t1) > 0 && at(t2) > 0);
}

#[test]
fn acceptance_ndjson_events_equal_the_truth_per_code() {
    let n = night(4.0, 12, &[]);
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &n.truth {
        *codes.entry(t.code.as_str()).or_default() += 1;
    }
    // The most frequent codes, and one rare one.
    let mut by_n: Vec<(&str, usize)> = codes.into_iter().filter(|c| !c.0.is_empty()).collect();
    by_n.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut pick: Vec<&str> = by_n.iter().take(3).map(|c| c.0).collect();
    pick.push(by_n.last().unwrap().0);
    for code in pick {
        let o = okxscan()
            .args(["grep", "--format", "ndjson", "--tz", "UTC", "--code", code])
            .arg(n.dir())
            .output()
            .unwrap();
        assert_status(&o, 0);
        for e in ndjson(&o.stdout) {
            assert!(e["file"].as_str().is_some_and(|f| !f.is_empty()), "{e}");
            assert!(e["line"].as_u64().is_some_and(|l| l >= 1), "{e}");
            assert!(e["time"].is_string() || e["time"].is_null(), "{e}");
            assert_eq!(e["code"].as_str(), Some(code), "{e}");
        }
        let got = events_as_truth(&o.stdout);
        let want: Vec<Truth> = n.truth.iter().filter(|t| t.code == code).cloned().collect();
        assert_eq!(keys(&got), keys(&want), "code {code}");
    }
}

// ------------------------------------------------------------------ filters

#[test]
fn code_filter_exact_list_and_prefix() {
    let n = night(2.0, 13, &[]);
    let want = |f: &dyn Fn(&str) -> bool| -> Vec<(String, u64, String)> {
        let v: Vec<Truth> = n.truth.iter().filter(|t| f(&t.code)).cloned().collect();
        keys(&v)
    };
    let exact = ndjson_events(&["--code", "51008"], &n.dir());
    assert!(!exact.is_empty());
    assert_eq!(keys(&exact), want(&|c| c == "51008"));

    let list = ndjson_events(&["--code", "51008,50011"], &n.dir());
    assert_eq!(keys(&list), want(&|c| c == "51008" || c == "50011"));
    let repeated = ndjson_events(&["--code", "51008", "--code", "50011"], &n.dir());
    assert_eq!(keys(&repeated), keys(&list));

    let prefix = ndjson_events(&["--code", "51*"], &n.dir());
    assert_eq!(keys(&prefix), want(&|c| c.starts_with("51")));
    assert!(
        prefix
            .iter()
            .map(|t| &t.code)
            .collect::<BTreeSet<_>>()
            .len()
            > 1
    );

    // Exact means exact: a code's prefix without `*` matches nothing.
    let o = okxscan()
        .args(["grep", "--code", "5010"])
        .arg(n.dir())
        .output()
        .unwrap();
    assert_status(&o, 1);
    assert!(o.stdout.is_empty());
}

#[test]
fn category_filter_keeps_the_codes_of_that_category() {
    let n = night(2.0, 14, &[]);
    let o = okxscan()
        .args(["codes", "--format", "csv", "--category", "clock"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let clock: BTreeSet<String> = csv_rows(&o.stdout)
        .into_iter()
        .map(|r| r["code"].clone())
        .collect();
    assert!(clock.contains("50102"), "{clock:?}");
    let got = ndjson_events(&["--category", "clock"], &n.dir());
    let want: Vec<Truth> = n
        .truth
        .iter()
        .filter(|t| clock.contains(&t.code))
        .cloned()
        .collect();
    assert!(want.len() < n.truth.len());
    assert_eq!(keys(&got), keys(&want));

    // A list of categories is a union.
    let o = okxscan()
        .args(["codes", "--format", "csv", "--category", "rate-limit"])
        .output()
        .unwrap();
    let rate: BTreeSet<String> = csv_rows(&o.stdout)
        .into_iter()
        .map(|r| r["code"].clone())
        .collect();
    assert!(rate.contains("50011"));
    let got = ndjson_events(&["--category", "clock,rate-limit"], &n.dir());
    let want: Vec<Truth> = n
        .truth
        .iter()
        .filter(|t| clock.contains(&t.code) || rate.contains(&t.code))
        .cloned()
        .collect();
    assert_eq!(keys(&got), keys(&want));
}

#[test]
fn api_filter_keeps_the_codes_of_that_family() {
    let n = night(2.0, 15, &[]);
    // WebSocket codes are 60000-64999.
    let ws = ndjson_events(&["--api", "ws"], &n.dir());
    let want: Vec<Truth> = n
        .truth
        .iter()
        .filter(|t| t.code.starts_with('6'))
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(keys(&ws), keys(&want));
    // Legacy v1 bodies (`{"result":false,"error_code":10004}`).
    let v1 = ndjson_events(&["--api", "v1"], &n.dir());
    let want: Vec<Truth> = n
        .truth
        .iter()
        .filter(|t| t.shape == "v1")
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(keys(&v1), keys(&want));
    // v3 codes are 30000-36999 (events without a code are left out: their family
    // comes from the body's shape only).
    let v3: Vec<Truth> = ndjson_events(&["--api", "v3"], &n.dir())
        .into_iter()
        .filter(|t| !t.code.is_empty())
        .collect();
    let want: Vec<Truth> = n
        .truth
        .iter()
        .filter(|t| t.code.starts_with('3'))
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(keys(&v3), keys(&want));
    // v5 is everything else with a code.
    let v5: Vec<Truth> = ndjson_events(&["--api", "v5"], &n.dir())
        .into_iter()
        .filter(|t| !t.code.is_empty())
        .collect();
    let want: Vec<Truth> = n
        .truth
        .iter()
        .filter(|t| t.code.starts_with('5') || t.code.starts_with('7'))
        .cloned()
        .collect();
    assert_eq!(keys(&v5), keys(&want));
}

const MESSAGES: &str = r#"2026-11-22 18:00:01,000 ERROR okx {"code":"50113","msg":"Invalid Sign","data":[]}
2026-11-22 18:00:02,000 ERROR okx {"code":"50102","msg":"Timestamp request expired","data":[]}
2026-11-22 18:00:03,000 ERROR okx {"code":"50111","msg":"Invalid OK-ACCESS-KEY","data":[]}
2026-11-22 18:00:04,000 ERROR okx {"code":"50113","msg":"Invalid signature.","data":[]}
"#;

#[test]
fn message_filter_is_a_regex_on_the_message() {
    let l = Logs::new(&[("m.log", MESSAGES)]);
    let lines = |re: &str| -> Vec<u64> {
        let o = okxscan()
            .args(["grep", "--format", "ndjson", "--message", re])
            .arg(l.path("m.log"))
            .output()
            .unwrap();
        ndjson(&o.stdout)
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lines("Sign$"), [1]);
    assert_eq!(lines("(?i)^invalid sign"), [1, 4]);
    assert_eq!(lines("Invalid"), [1, 3, 4]);
    assert_eq!(lines("OK-ACCESS|expired"), [2, 3]);
    assert_eq!(lines("nothing like this"), Vec::<u64>::new());
    // A bad regex is an error before any file is read.
    let o = okxscan()
        .args(["grep", "--message", "(unclosed"])
        .arg(l.path("m.log"))
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("--message"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn filters_combine_as_a_conjunction() {
    let l = Logs::new(&[("m.log", MESSAGES)]);
    let o = okxscan()
        .args(["grep", "-n", "--code", "50113", "--message", "signature"])
        .arg(l.path("m.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(
        stdout(&o),
        format!("4:{}\n", MESSAGES.lines().nth(3).unwrap())
    );
}

// ------------------------------------------------------------------ time windows

#[test]
fn since_and_until_accept_rfc3339_dates_and_local_minutes() {
    let n = night(4.0, 16, &[]);
    let all = [n.dir()];
    let zoned: Vec<_> = ZONED.iter().map(|f| n.file(f)).collect();
    let zoned_only = |t: &Truth| ZONED.contains(&t.file.as_str());

    // RFC 3339 with an offset and with Z.
    let got = grep_counts(
        &[
            "--tz",
            "UTC",
            "--since",
            "2026-11-23T05:00:00+08:00",
            "--until",
            "2026-11-22T22:00:00Z",
        ],
        &all,
    );
    let want = truth_counts(&n.truth, |t| {
        in_window(
            t,
            Some("2026-11-22T21:00:00Z"),
            Some("2026-11-22T22:00:00Z"),
        )
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // A date is its midnight in --tz.
    let got = grep_counts(&["--tz", "UTC", "--since", "2026-11-23"], &all);
    let want = truth_counts(&n.truth, |t| {
        in_window(t, Some("2026-11-23T00:00:00Z"), None)
    });
    assert_eq!(got, want);
    let got = grep_counts(
        &["--tz", "America/New_York", "--since", "2026-11-23"],
        &zoned,
    );
    let want = truth_counts(&n.truth, |t| {
        zoned_only(t) && in_window(t, Some("2026-11-23T05:00:00Z"), None)
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // 'YYYY-MM-DD HH:MM' is read in --tz.
    let got = grep_counts(
        &[
            "--tz",
            "Asia/Shanghai",
            "--since",
            "2026-11-23 05:00",
            "--until",
            "2026-11-23 06:30",
        ],
        &zoned,
    );
    let want = truth_counts(&n.truth, |t| {
        zoned_only(t)
            && in_window(
                t,
                Some("2026-11-22T21:00:00Z"),
                Some("2026-11-22T22:30:00Z"),
            )
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let got = grep_counts(&["--tz", "+05:30", "--until", "2026-11-23 00:30"], &zoned);
    let want = truth_counts(&n.truth, |t| {
        zoned_only(t) && in_window(t, None, Some("2026-11-22T19:00:00Z"))
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn relative_times_count_back_from_a_fixed_clock() {
    let n = night(4.0, 17, &[]);
    let now = "2026-11-23T03:00:00Z";
    let cases: &[(&[&str], Option<&str>, Option<&str>)] = &[
        (&["--since", "30m"], Some("2026-11-23T02:30:00Z"), None),
        (&["--since", "3h"], Some("2026-11-23T00:00:00Z"), None),
        (&["--until", "3h"], None, Some("2026-11-23T00:00:00Z")),
        (&["--since", "2d"], Some("2026-11-21T03:00:00Z"), None),
        (&["--since", "today"], Some("2026-11-23T00:00:00Z"), None),
        (
            &["--since", "yesterday", "--until", "today"],
            Some("2026-11-22T00:00:00Z"),
            Some("2026-11-23T00:00:00Z"),
        ),
        (
            &["--since", "5h", "--until", "4h"],
            Some("2026-11-22T22:00:00Z"),
            Some("2026-11-22T23:00:00Z"),
        ),
    ];
    for (args, since, until) in cases {
        let want = truth_counts(&n.truth, |t| in_window(t, *since, *until));
        assert!(!want.is_empty(), "{args:?}");
        let mut a = vec!["--tz", "UTC", "--now", now];
        a.extend_from_slice(args);
        assert_eq!(grep_counts(&a, &[n.dir()]), want, "--now {args:?}");
        // The same clock from the environment.
        let o = okxscan()
            .env("OKXSCAN_NOW", now)
            .args(["grep", "-c", "-H", "--tz", "UTC"])
            .args(*args)
            .arg(n.dir())
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert_eq!(counts_by_file(&stdout(&o)), want, "OKXSCAN_NOW {args:?}");
    }
    // `today` is midnight in --tz: 00:00 in New York is 05:00Z.
    let zoned: Vec<_> = ZONED.iter().map(|f| n.file(f)).collect();
    let got = grep_counts(
        &[
            "--tz",
            "America/New_York",
            "--now",
            "2026-11-23T05:30:00Z",
            "--since",
            "today",
        ],
        &zoned,
    );
    let want = truth_counts(&n.truth, |t| {
        ZONED.contains(&t.file.as_str()) && in_window(t, Some("2026-11-23T05:00:00Z"), None)
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);
    // A different clock moves the window.
    let later = grep_counts(
        &[
            "--tz",
            "UTC",
            "--now",
            "2026-11-23T05:00:00Z",
            "--since",
            "3h",
        ],
        &[n.dir()],
    );
    let want = truth_counts(&n.truth, |t| {
        in_window(t, Some("2026-11-23T02:00:00Z"), None)
    });
    assert_eq!(later, want);
}

#[test]
fn a_window_excludes_events_without_a_time() {
    let l = Logs::new(&[(
        "t.log",
        "okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}\n\
         2026-11-22 18:00:00,000 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n",
    )]);
    let o = okxscan()
        .args(["grep", "-n", "--tz", "UTC", "--since", "2000-01-01"])
        .arg(l.path("t.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).starts_with("2:"), "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
}

// ------------------------------------------------------------------ output switches

/// Matches on lines 3, 5 and 10 of 12.
const CTX: &str = r#"2026-11-22 18:00:01,000 INFO start
2026-11-22 18:00:02,000 INFO fetching balance
2026-11-22 18:00:03,000 ERROR okx {"code":"50113","msg":"Invalid Sign","data":[]}
2026-11-22 18:00:04,000 INFO retry in 1s
2026-11-22 18:00:05,000 ERROR okx {"code":"50102","msg":"Timestamp request expired","data":[]}
2026-11-22 18:00:06,000 INFO sleeping
2026-11-22 18:00:07,000 INFO tick
2026-11-22 18:00:08,000 INFO tick
2026-11-22 18:00:09,000 INFO tick
2026-11-22 18:00:10,000 ERROR okx {"code":"50011","msg":"Too Many Requests","data":[]}
2026-11-22 18:00:11,000 INFO backoff
2026-11-22 18:00:12,000 INFO done
"#;

fn ctx_line(n: usize) -> &'static str {
    CTX.lines().nth(n - 1).unwrap()
}

/// The expected text output for line numbers with `:` (match) or `-` (context), and
/// `0` for a `--` separator.
fn expect(prefix: &str, rows: &[(usize, char)]) -> String {
    let mut s = String::new();
    for &(n, sep) in rows {
        if n == 0 {
            s.push_str("--\n");
        } else {
            s.push_str(&format!("{prefix}{n}{sep}{}\n", ctx_line(n)));
        }
    }
    s
}

fn grep_ctx(l: &Logs, args: &[&str]) -> String {
    let o = okxscan()
        .arg("grep")
        .args(args)
        .arg(l.path("ctx.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    stdout(&o)
}

#[test]
fn context_after_before_and_around() {
    let l = Logs::new(&[("ctx.log", CTX)]);
    assert_eq!(
        grep_ctx(&l, &["-C", "1"]),
        expect(
            "",
            &[
                (2, '-'),
                (3, ':'),
                (4, '-'),
                (5, ':'),
                (6, '-'),
                (0, ' '),
                (9, '-'),
                (10, ':'),
                (11, '-')
            ]
        )
    );
    assert_eq!(
        grep_ctx(&l, &["-A", "1"]),
        expect(
            "",
            &[
                (3, ':'),
                (4, '-'),
                (5, ':'),
                (6, '-'),
                (0, ' '),
                (10, ':'),
                (11, '-')
            ]
        )
    );
    assert_eq!(
        grep_ctx(&l, &["-B", "2"]),
        expect(
            "",
            &[
                (1, '-'),
                (2, '-'),
                (3, ':'),
                (4, '-'),
                (5, ':'),
                (0, ' '),
                (8, '-'),
                (9, '-'),
                (10, ':')
            ]
        )
    );
    // Groups that touch are not separated.
    assert_eq!(
        grep_ctx(&l, &["-A", "4"]),
        expect(
            "",
            &[
                (3, ':'),
                (4, '-'),
                (5, ':'),
                (6, '-'),
                (7, '-'),
                (8, '-'),
                (9, '-'),
                (10, ':'),
                (11, '-'),
                (12, '-')
            ]
        )
    );
    // With the file name: `path-line-text` for context, `path:line:text` for matches.
    let p = l.path("ctx.log").display().to_string();
    assert_eq!(
        grep_ctx(&l, &["-H", "-A", "1", "--code", "50011"]),
        format!("{p}:10:{}\n{p}-11-{}\n", ctx_line(10), ctx_line(11))
    );
    // -C with a filter: context around the kept match only.
    assert_eq!(
        grep_ctx(&l, &["-C", "1", "--code", "50102"]),
        expect("", &[(4, '-'), (5, ':'), (6, '-')])
    );
}

#[test]
fn only_matching_prints_just_the_body() {
    let l = Logs::new(&[("ctx.log", CTX)]);
    let out = grep_ctx(&l, &["-o"]);
    assert_eq!(
        out,
        "{\"code\":\"50113\",\"msg\":\"Invalid Sign\",\"data\":[]}\n\
         {\"code\":\"50102\",\"msg\":\"Timestamp request expired\",\"data\":[]}\n\
         {\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}\n"
    );
    let out = grep_ctx(&l, &["-o", "-n", "--code", "50102"]);
    assert_eq!(
        out,
        "5:{\"code\":\"50102\",\"msg\":\"Timestamp request expired\",\"data\":[]}\n"
    );
    // Without -o the whole line is printed.
    assert_eq!(
        grep_ctx(&l, &["--code", "50102"]),
        format!("{}\n", ctx_line(5))
    );
}

#[test]
fn max_count_stops_after_n_events_per_file() {
    let n = night(2.0, 18, &[]);
    let got = ndjson_events(&["-m", "2", "--code", "50102"], &n.dir());
    let mut want = Vec::new();
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for t in n.truth.iter().filter(|t| t.code == "50102") {
        let k = per.entry(t.file.as_str()).or_default();
        if *k < 2 {
            want.push(t.clone());
        }
        *k += 1;
    }
    assert!(per.values().any(|&k| k > 2));
    assert_eq!(keys(&got), keys(&want));

    let counts = grep_counts(&["-m", "3"], &[n.dir()]);
    let want: BTreeMap<String, u64> = truth_counts(&n.truth, |_| true)
        .into_iter()
        .map(|(f, k)| (f, k.min(3)))
        .collect();
    assert_eq!(counts, want);

    // Text lines, on the hand-written log.
    let l = Logs::new(&[("ctx.log", CTX)]);
    assert_eq!(
        grep_ctx(&l, &["-m", "2", "-n"]),
        format!("3:{}\n5:{}\n", ctx_line(3), ctx_line(5))
    );
}

#[test]
fn count_is_per_file_and_lists_only_files_with_matches() {
    let n = night(2.0, 19, &[]);
    let want = truth_counts(&n.truth, |t| t.code == "50102");
    // The generator writes 50102 in most files, never in the legacy v3 bot's log.
    assert!(
        want.len() >= 2 && !want.contains_key("v3bot.log"),
        "{want:?}"
    );
    let o = okxscan()
        .args(["grep", "-c", "--code", "50102"])
        .arg(n.dir())
        .output()
        .unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    for l in out.lines() {
        assert!(l.contains(&n.dir().display().to_string()), "path:N: {l}");
    }
    assert_eq!(counts_by_file(&out), want);

    // One file: a bare N, unless -H.
    let one = n.file("python.log");
    let o = okxscan()
        .args(["grep", "-c", "--code", "50102"])
        .arg(&one)
        .output()
        .unwrap();
    assert_eq!(stdout(&o), format!("{}\n", want["python.log"]));
    let o = okxscan()
        .args(["grep", "-c", "-H", "--code", "50102"])
        .arg(&one)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o),
        format!("{}:{}\n", one.display(), want["python.log"])
    );
    // -I drops the path even for a folder.
    let o = okxscan()
        .args(["grep", "-c", "-I", "--code", "50102"])
        .arg(n.dir())
        .output()
        .unwrap();
    let bare: Vec<u64> = stdout(&o).lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(bare, want.values().copied().collect::<Vec<_>>());
}

#[test]
fn files_with_matches_lists_paths_only() {
    let n = night(2.0, 20, &[]);
    for code in ["50102", "30008", "5*"] {
        let want: BTreeSet<String> = truth_counts(&n.truth, |t| {
            code.strip_suffix('*')
                .map_or(t.code == code, |p| t.code.starts_with(p))
        })
        .into_keys()
        .collect();
        let o = okxscan()
            .args(["grep", "-l", "--code", code])
            .arg(n.dir())
            .output()
            .unwrap();
        assert_status(&o, 0);
        let out = stdout(&o);
        let got: BTreeSet<String> = out.lines().map(base).collect();
        assert_eq!(got, want, "{code}");
        assert_eq!(out.lines().count(), want.len());
        for l in out.lines() {
            assert!(std::path::Path::new(l).is_file(), "{l}");
        }
    }
}

#[test]
fn color_always_highlights_and_never_does_not() {
    let l = Logs::new(&[("ctx.log", CTX)]);
    let always = grep_ctx(&l, &["--color", "always", "-H", "-n"]);
    let never = grep_ctx(&l, &["--color", "never", "-H", "-n"]);
    assert!(always.contains('\x1b'), "{always:?}");
    assert!(!never.contains('\x1b'), "{never:?}");
    assert_eq!(strip_ansi(&always), never);
    // The body is what is highlighted.
    let body = r#"{"code":"50113","msg":"Invalid Sign","data":[]}"#;
    let re =
        regex::Regex::new(&format!("\x1b\\[[0-9;]+m{}\x1b\\[0?m", regex::escape(body))).unwrap();
    assert!(re.is_match(&always), "{always:?}");
    // Context lines get no highlight on their text.
    let always = grep_ctx(&l, &["--color", "always", "-A", "1", "--code", "50011"]);
    let ctx = always.lines().nth(1).unwrap();
    assert!(strip_ansi(ctx).ends_with(ctx_line(11)));
    assert!(ctx.ends_with(ctx_line(11)));
}

#[test]
fn ndjson_and_csv_carry_the_same_events_with_their_fields() {
    let n = night(2.0, 21, &[]);
    let run = |f: &str| {
        let o = okxscan()
            .args(["grep", "--tz", "UTC", "--format", f])
            .arg(n.dir())
            .output()
            .unwrap();
        assert_status(&o, 0);
        o.stdout
    };
    let nd = ndjson(&run("ndjson"));
    let csv_out = run("csv");
    let header = String::from_utf8_lossy(&csv_out)
        .lines()
        .next()
        .unwrap()
        .to_string();
    let fields = [
        "file", "line", "time", "code", "category", "api", "message", "shape",
    ];
    let cols: Vec<&str> = header.split(',').collect();
    assert!(cols.len() >= fields.len(), "{header}");
    assert_eq!(&cols[..fields.len()], fields, "{header}");
    for e in &nd {
        for f in fields {
            assert!(e.get(f).is_some(), "{f} missing in {e}");
        }
    }
    let rows = csv_rows(&csv_out);
    assert_eq!(rows.len(), nd.len());
    assert_eq!(rows.len(), n.truth.len());
    for (r, e) in rows.iter().zip(&nd) {
        assert_eq!(r["file"], e["file"].as_str().unwrap());
        assert_eq!(r["line"], e["line"].as_u64().unwrap().to_string());
        assert_eq!(r["time"], e["time"].as_str().unwrap_or(""));
        for f in ["code", "category", "api", "shape"] {
            assert_eq!(r[f], e[f].as_str().unwrap(), "{f}");
        }
        // CSV guards cells against formulas; otherwise the message is the same.
        let m = e["message"].as_str().unwrap();
        assert!(
            r["message"] == m || r["message"] == format!("'{m}"),
            "{r:?} {e}"
        );
    }
    // Shapes and times as the truth has them (the shape of a body without a code
    // is left out: the generator calls it v3, the extractor v5).
    let coded = |v: Vec<Truth>| -> Vec<Truth> {
        let mut v: Vec<Truth> = v.into_iter().filter(|t| !t.code.is_empty()).collect();
        v.sort();
        v
    };
    let got = coded(events_as_truth(&run("ndjson")));
    let want = coded(n.truth.clone());
    assert!(got == want, "events with shapes differ from the truth");
    assert_eq!(keys(&events_as_truth(&run("ndjson"))), keys(&n.truth));
}

#[test]
fn with_filename_no_filename_line_number_no_line_number() {
    let l = Logs::new(&[("ctx.log", CTX), ("more/b.log", MESSAGES)]);
    let p = l.path("ctx.log").display().to_string();
    let run = |args: &[&str], path: &std::path::Path| {
        let o = okxscan()
            .args(["grep", "--code", "50102"])
            .args(args)
            .arg(path)
            .output()
            .unwrap();
        assert_status(&o, 0);
        stdout(&o)
    };
    let ctx = l.path("ctx.log");
    let line = ctx_line(5);
    // One file, stdout not a terminal: neither path nor number.
    assert_eq!(run(&[], &ctx), format!("{line}\n"));
    assert_eq!(run(&["-H"], &ctx), format!("{p}:{line}\n"));
    assert_eq!(run(&["-n"], &ctx), format!("5:{line}\n"));
    assert_eq!(
        run(&["--with-filename", "--line-number"], &ctx),
        format!("{p}:5:{line}\n")
    );
    assert_eq!(run(&["-H", "-I"], &ctx), format!("{line}\n"));
    assert_eq!(run(&["-n", "-N"], &ctx), format!("{line}\n"));
    assert_eq!(
        run(&["-H", "-n", "--no-filename", "--no-line-number"], &ctx),
        format!("{line}\n")
    );
    // A folder: paths by default, -I removes them.
    let out = run(&[], l.dir());
    assert_eq!(out.lines().count(), 2);
    assert!(
        out.lines()
            .all(|x| x.contains(&l.dir().display().to_string())),
        "{out}"
    );
    let out = run(&["-I", "-n"], l.dir());
    let mut got: Vec<&str> = out.lines().collect();
    got.sort();
    let other = MESSAGES.lines().nth(1).unwrap();
    let mut want = vec![format!("2:{other}"), format!("5:{line}")];
    want.sort();
    assert_eq!(got, want);
}

// ------------------------------------------------------------------ exit status, pipes, threads

#[test]
fn exit_status_found_none_and_error() {
    let l = Logs::new(&[
        ("ctx.log", CTX),
        ("quiet.log", "2026-11-22 INFO nothing here\n"),
    ]);
    let st = |args: &[&str]| {
        okxscan()
            .arg("grep")
            .args(args)
            .current_dir(l.dir())
            .output()
            .unwrap()
    };
    assert_status(&st(&["ctx.log"]), 0);
    assert_status(&st(&["quiet.log"]), 1);
    assert_status(&st(&["--code", "59999", "ctx.log"]), 1);
    assert_status(&st(&["-c", "quiet.log"]), 1);
    assert_status(&st(&["-l", "--code", "50011", "ctx.log"]), 0);
    // A missing path is an error even when the rest ran and matched.
    let o = st(&["-n", "missing.log", "ctx.log"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("missing.log"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 3, "the rest still ran");
    assert_status(&st(&["missing.log", "quiet.log"]), 2);
    assert_status(&st(&["--format", "ndjson", "ctx.log", "missing.log"]), 2);
    assert_status(&st(&["-c", "missing.log"]), 2);
}

#[test]
fn a_closed_pipe_is_a_normal_end() {
    let n = night(6.0, 22, &[]);
    let bin = assert_cmd::cargo::cargo_bin("okxscan");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"("$0" grep --color never "$1"; echo "okxscan-status=$?" >&2) | head -1"#)
        .arg(&bin)
        .arg(n.dir())
        .env_clear()
        .env("TZ", "UTC")
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(stdout(&o).lines().count(), 1, "{err}");
    assert!(err.contains("okxscan-status=0"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.to_lowercase().contains("broken pipe"), "{err}");
    // The output really was longer than what the pipe holds.
    let full = okxscan()
        .args(["grep", "--color", "never"])
        .arg(n.dir())
        .output()
        .unwrap();
    assert!(full.stdout.len() > 256 * 1024, "{}", full.stdout.len());
}

#[test]
fn output_is_the_same_with_one_or_two_threads() {
    let n = night(4.0, 23, &[]);
    for args in [
        &["-H", "-n"][..],
        &["--format", "ndjson"],
        &["--format", "csv"],
        &["-c"],
        &["-l"],
        &["-C", "2", "--code", "5*"],
        &["-o", "-m", "5"],
    ] {
        let run = |j: &str| {
            let o = okxscan()
                .args(["grep", "--tz", "UTC", "-j", j])
                .args(args)
                .arg(n.dir())
                .output()
                .unwrap();
            assert_status(&o, 0);
            o.stdout
        };
        let one = run("1");
        assert!(!one.is_empty());
        assert!(one == run("2"), "{args:?} differs between -j 1 and -j 2");
    }
}

/// Regression: context lines came from reading the file again, so stdin got none
/// (a notice, and the matches alone), a FIFO hung and `<(cat log)` printed nothing.
/// Context now comes from the one pass: stdin, a FIFO and a file print the same.
#[test]
fn context_on_stdin_and_fifos_is_what_the_file_gives() {
    let l = Logs::new(&[("ctx.log", CTX)]);
    let want = grep_ctx(&l, &["-n", "-C", "1"]);
    assert!(want.contains("--\n"), "{want}");
    let o = okxscan()
        .args(["grep", "-n", "-C", "1", "-"])
        .write_stdin(CTX)
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o), want);
    assert_eq!(stderr(&o), "");
    #[cfg(unix)]
    {
        // A FIFO named on the command line, fed by a writer thread.
        let fifo = l.path("ctx.fifo");
        let c = std::ffi::CString::new(fifo.display().to_string()).unwrap();
        // SAFETY: mkfifo on a path in a fresh temporary folder.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, CTX).unwrap())
        };
        let o = okxscan()
            .args(["grep", "-n", "-C", "1"])
            .arg(&fifo)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        writer.join().unwrap();
        assert_status(&o, 0);
        assert_eq!(stdout(&o), want);
    }
    // Small chunks put matches and their context in different chunks.
    for size in ["7", "40", "100"] {
        let o = okxscan()
            .args(["grep", "-n", "-C", "1", "--chunk-size", size, "-"])
            .write_stdin(CTX)
            .output()
            .unwrap();
        assert_eq!(stdout(&o), want, "chunk size {size}");
        for arg in [["-A", "4"], ["-B", "2"]] {
            let file = grep_ctx(&l, &["-n", arg[0], arg[1], "--chunk-size", size]);
            assert_eq!(
                file,
                grep_ctx(&l, &["-n", arg[0], arg[1]]),
                "{arg:?} chunk size {size}"
            );
        }
    }
}

/// Regression: context groups of two files ran together with no `--` between them.
#[test]
fn context_groups_of_different_files_are_separated() {
    let l = Logs::new(&[("a.log", CTX), ("b.log", CTX)]);
    let o = okxscan()
        .args(["grep", "-A", "1", "--code", "50011"])
        .arg(l.path("a.log"))
        .arg(l.path("b.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    let (a, b) = (l.path("a.log"), l.path("b.log"));
    let (a, b) = (a.display(), b.display());
    assert_eq!(
        stdout(&o),
        format!(
            "{a}:10:{m}\n{a}-11-{c}\n--\n{b}:10:{m}\n{b}-11-{c}\n",
            m = ctx_line(10),
            c = ctx_line(11)
        )
    );
}

/// Runs okxscan with `args` on a stdin pipe that gets `first` and then stays open:
/// returns the output if okxscan ended by itself (it stopped reading), or `None`
/// if it was still waiting for more input after a minute.
#[cfg(unix)]
fn ends_before_stdin_closes(args: &[&str], first: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("okxscan"))
        .env_clear()
        .env("TZ", "UTC")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(first.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            drop(stdin);
            let out = child.wait_with_output().unwrap();
            return Some(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Regression: `-m` and `-l` stopped printing but not reading (`-m 1` on a 1 GiB
/// file took the whole scan). Both now stop reading the file, as `rg -m` does:
/// on a pipe that stays open, okxscan ends once it has what it needs.
#[test]
#[cfg(unix)]
fn max_count_and_files_with_matches_stop_reading() {
    // A first chunk that ends before the pipe's end: 1 MiB of lines, then more.
    let mut first = String::new();
    while first.len() < 2 << 20 {
        first.push_str(CTX);
    }
    let got = ends_before_stdin_closes(&["grep", "-N", "-m", "1", "-"], &first)
        .expect("grep -m 1 waited for the end of its input");
    assert_eq!(got, format!("{}\n", ctx_line(3)));
    let got = ends_before_stdin_closes(&["grep", "-l", "-"], &first)
        .expect("grep -l waited for the end of its input");
    assert_eq!(got, "<stdin>\n");
}

/// Regression: grep kept each file's whole output in memory until the file ended
/// (300 MB of error lines as NDJSON through a pipe peaked at 1.4 GiB). Output now
/// streams: the peak (as `--stats` reads it from the kernel) stays far below the
/// output's size.
#[test]
#[cfg(target_os = "linux")]
fn ndjson_output_streams_in_bounded_memory() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let line = "2026-11-22 10:00:00,000 ERROR okx {\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}\n";
    let l = Logs::new(&[]);
    let input = l.path("in.log");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    for _ in 0..(48 << 20) / line.len() {
        w.write_all(line.as_bytes()).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let out = std::fs::File::create(l.path("out.ndjson")).unwrap();
    let mut cat = Command::new("cat")
        .arg(&input)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Through a pipe, so that stdin is not read as a file.
    let o = Command::new(assert_cmd::cargo::cargo_bin("okxscan"))
        .env_clear()
        .env("TZ", "UTC")
        .args(["grep", "--stats", "--format", "ndjson", "-"])
        .stdin(cat.stdout.take().unwrap())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    cat.wait().unwrap();
    assert_status(&o, 0);
    let written = std::fs::metadata(l.path("out.ndjson")).unwrap().len();
    assert!(written > 96 << 20, "{written} bytes of NDJSON");
    let err = stderr(&o);
    let peak_kib: u64 = err
        .lines()
        .find_map(|l| l.strip_suffix(" KiB peak resident memory"))
        .unwrap_or_else(|| panic!("no peak in {err}"))
        .parse()
        .unwrap();
    assert!(
        peak_kib < 64 << 10,
        "peak RSS {peak_kib} KiB for {written} bytes of output"
    );
}

// ---- grep habits (issue 22): -q, -s, -g, naming with -c/-l, --output, --fail-on ----

const AUTH: &str =
    "2026-11-22 18:00:03 ERROR okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\",\"data\":[]}\n";
const CLOCK: &str = "2026-11-22 18:00:05 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\",\"data\":[]}\n";

#[test]
fn quiet_prints_nothing_and_the_status_answers() {
    let l = Logs::new(&[("a.log", CTX), ("quiet.log", "nothing here\n")]);
    let o = okxscan()
        .args(["grep", "-q"])
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");
    // -q with -c, -l or --format csv still prints nothing (no CSV header either).
    for extra in [
        &["-c"][..],
        &["-l"],
        &["--format", "csv"],
        &["--format", "ndjson"],
    ] {
        let o = okxscan()
            .args(["grep", "-q"])
            .args(extra)
            .arg(l.path("a.log"))
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert_eq!(stdout(&o), "", "{extra:?}");
    }
    let o = okxscan()
        .args(["grep", "-q"])
        .arg(l.path("quiet.log"))
        .output()
        .unwrap();
    assert_status(&o, 1);
    // As grep -q: a match is the answer even when another input failed, which is
    // still said on stderr.
    let o = okxscan()
        .args(["grep", "--quiet"])
        .arg(l.path("missing.log"))
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("missing.log"), "{}", stderr(&o));
    let o = okxscan()
        .args(["grep", "-q"])
        .arg(l.path("missing.log"))
        .arg(l.path("quiet.log"))
        .output()
        .unwrap();
    assert_status(&o, 2);
}

/// `grep -q` stops at the first match: on a pipe that stays open, it ends.
#[test]
#[cfg(unix)]
fn quiet_stops_at_the_first_match() {
    let mut first = String::new();
    while first.len() < 2 << 20 {
        first.push_str(CTX);
    }
    let got = ends_before_stdin_closes(&["grep", "-q", "-"], &first)
        .expect("grep -q waited for the end of its input");
    assert_eq!(got, "");
}

#[test]
fn quiet_keeps_its_old_meaning_for_summary() {
    let l = Logs::new(&[("a.log", CTX)]);
    let o = okxscan()
        .args(["summary", "-q", "--format", "csv"])
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(stdout(&o).contains("50113,1,"), "{}", stdout(&o));
    let help = okxscan().args(["grep", "--help"]).output().unwrap();
    assert!(
        stdout(&help).contains("stop at the first match"),
        "{}",
        stdout(&help)
    );
    let help = okxscan().args(["summary", "--help"]).output().unwrap();
    assert!(
        stdout(&help).contains("no progress bar"),
        "{}",
        stdout(&help)
    );
}

#[test]
fn no_messages_hides_file_errors_but_not_the_status() {
    let l = Logs::new(&[("a.log", CTX)]);
    let missing = l.path("missing.log");
    let o = okxscan()
        .args(["grep", "-c"])
        .arg(&missing)
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("missing.log"));
    for flag in ["-s", "--no-messages"] {
        let o = okxscan()
            .args(["grep", "-c", flag])
            .arg(&missing)
            .arg(l.path("a.log"))
            .output()
            .unwrap();
        assert_status(&o, 2);
        assert_eq!(stderr(&o), "", "{flag}");
        assert_eq!(stdout(&o), format!("{}:3\n", l.path("a.log").display()));
    }
}

#[test]
fn globs_repeat_and_negate() {
    let l = Logs::new(&[
        ("bot.log", CTX),
        ("bot.log.1", CTX),
        ("events.json", CTX),
        ("notes.txt", CTX),
        ("sub/trader.log", CTX),
        ("sub/trader.json", CTX),
    ]);
    let listed = |globs: &[&str]| -> BTreeSet<String> {
        let mut c = okxscan();
        c.args(["grep", "-l"]);
        for g in globs {
            c.args(["-g", g]);
        }
        let o = c.arg(l.dir()).output().unwrap();
        stdout(&o).lines().map(base).collect()
    };
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        listed(&["*.log*", "*.json"]),
        set(&[
            "bot.log",
            "bot.log.1",
            "events.json",
            "trader.log",
            "trader.json"
        ])
    );
    assert_eq!(
        listed(&["!*.json"]),
        set(&["bot.log", "bot.log.1", "notes.txt", "trader.log"])
    );
    assert_eq!(
        listed(&["*.log*", "!*.json", "!bot.log.1"]),
        set(&["bot.log", "trader.log"])
    );
    // A glob with a `/` is matched against the path.
    assert_eq!(listed(&["**/sub/*", "!*.json"]), set(&["trader.log"]));
    let o = okxscan()
        .args(["grep", "-l", "-g", "!["])
        .arg(l.dir())
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("bad --glob"), "{}", stderr(&o));
}

/// grep's rule: the name is shown when more than one file is searched or a
/// directory was given, as `path:N` with `-c`.
#[test]
fn count_names_the_file_as_grep_does() {
    let l = Logs::new(&[("one/a.log", CTX), ("two/a.log", CTX), ("two/b.log", AUTH)]);
    let count = |paths: &[&str]| {
        let o = okxscan()
            .arg("grep")
            .arg("-c")
            .args(paths.iter().map(|p| l.path(p)))
            .output()
            .unwrap();
        assert_status(&o, 0);
        stdout(&o)
    };
    let p = |name: &str| l.path(name).display().to_string();
    assert_eq!(count(&["one"]), format!("{}:3\n", p("one/a.log")));
    assert_eq!(
        count(&["two"]),
        format!("{}:3\n{}:1\n", p("two/a.log"), p("two/b.log"))
    );
    assert_eq!(
        count(&["two/a.log", "two/b.log"]),
        format!("{}:3\n{}:1\n", p("two/a.log"), p("two/b.log"))
    );
    assert_eq!(count(&["two/b.log"]), "1\n");
    // -l always names.
    let o = okxscan()
        .args(["grep", "-l"])
        .arg(l.path("two/b.log"))
        .output()
        .unwrap();
    assert_eq!(stdout(&o), format!("{}\n", p("two/b.log")));
}

#[test]
fn output_file_is_written_whole_in_every_format() {
    let l = Logs::new(&[("a.log", CTX), ("b.log", AUTH)]);
    for format in ["text", "csv", "ndjson"] {
        let piped = okxscan()
            .args(["grep", "--format", format])
            .arg(l.dir())
            .output()
            .unwrap();
        assert_status(&piped, 0);
        let out_dir = tempfile::tempdir().unwrap();
        let file = out_dir.path().join("events.out");
        std::fs::write(
            &file,
            "yesterday's, longer than today's output ".repeat(100),
        )
        .unwrap();
        let o = okxscan()
            .args(["grep", "--format", format, "--output"])
            .arg(&file)
            .arg(l.dir())
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert_eq!(stdout(&o), "");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout(&piped));
        // Renamed into place: no temporary file is left beside it.
        let left: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "{format}");
    }
    // A folder that does not exist: exit 2, nothing written.
    let o = okxscan()
        .args(["grep", "--output"])
        .arg(l.path("nowhere/out.csv"))
        .arg(l.dir())
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(!l.path("nowhere").exists());
}

#[test]
fn fail_on_trips_grep_with_exit_3_and_says_what() {
    let l = Logs::new(&[("a.log", &format!("{AUTH}{AUTH}{CLOCK}"))]);
    let run = |args: &[&str]| {
        okxscan()
            .arg("grep")
            .args(args)
            .arg(l.path("a.log"))
            .output()
            .unwrap()
    };
    let o = run(&["--fail-on", "auth"]);
    assert_status(&o, 3);
    assert_eq!(stdout(&o).lines().count(), 3, "the lines are still printed");
    assert_eq!(
        stderr(&o),
        "okxscan: --fail-on tripped: auth: 2 events (50113 x2)\n"
    );
    let o = run(&["--fail-on", "clock,5011*"]);
    assert_status(&o, 3);
    assert_eq!(
        stderr(&o),
        "okxscan: --fail-on tripped: clock: 1 event (50102 x1); 5011*: 2 events (50113 x2)\n"
    );
    // Only what grep matched counts.
    let o = run(&["--fail-on", "auth", "--code", "50102"]);
    assert_status(&o, 0);
    assert_eq!(stderr(&o), "");
    let o = run(&["--fail-on", "funds"]);
    assert_status(&o, 0);
    // -q with --fail-on: quiet, and 3 when an alert is due.
    let o = run(&["-q", "--fail-on", "clock"]);
    assert_status(&o, 3);
    assert_eq!(stdout(&o), "");
    let o = run(&["-q", "--fail-on", "funds"]);
    assert_status(&o, 0);
    let o = run(&["--fail-on", "auht"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("bad --fail-on 'auht'"));
}
