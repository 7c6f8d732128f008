//! The command line around `summary`: its three formats against a generated night's
//! truth, time buckets and times shown in the display zone, `-o FILE`, the default
//! subcommand, stdin, deterministic output, `--stats`, clear errors for bad
//! options, `--log-tz` apart from `--tz`, and what an empty time window left out.

use crate::common;
use crate::support;

use chrono::{DateTime, FixedOffset, TimeZone, Timelike};
use common::*;
use std::collections::BTreeMap;
use support::*;

/// Files of a night whose times carry their own zone (or are epochs).
const ZONED: [&str; 3] = ["zap.log", "epoch.log", "events.jsonl"];

/// Per code: (count, first, last) in epoch ms (first/last None when no row has a time).
type PerCode = BTreeMap<String, (u64, Option<i64>, Option<i64>)>;

fn per_code<'a>(truth: impl IntoIterator<Item = &'a Truth>) -> PerCode {
    let mut m: PerCode = BTreeMap::new();
    for t in truth {
        let e = m.entry(t.code.clone()).or_insert((0, None, None));
        e.0 += 1;
        if !t.time.is_empty() {
            let x = ms(&t.time);
            e.1 = Some(e.1.map_or(x, |f: i64| f.min(x)));
            e.2 = Some(e.2.map_or(x, |l: i64| l.max(x)));
        }
    }
    m
}

fn opt_ms(s: &str) -> Option<i64> {
    (!s.is_empty()).then(|| ms(s))
}

fn run(args: &[&str], path: Option<&std::path::Path>) -> std::process::Output {
    let mut c = okxscan();
    c.args(args);
    if let Some(p) = path {
        c.arg(p);
    }
    c.output().unwrap()
}

#[test]
fn summary_csv_counts_first_and_last_seen_equal_the_truth() {
    let n = night(4.0, 31, &[]);
    let o = run(
        &["summary", "--format", "csv", "--tz", "UTC"],
        Some(&n.dir()),
    );
    assert_status(&o, 0);
    let text = stdout(&o);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for col in [
        "code",
        "count",
        "first_seen",
        "last_seen",
        "category",
        "message",
        "remedy",
    ] {
        assert!(header.contains(&col), "{col} missing from {header:?}");
    }
    let rows = csv_rows(&o.stdout);
    let mut got: PerCode = BTreeMap::new();
    for r in &rows {
        assert!(
            CATEGORIES.contains(&r["category"].as_str()),
            "category {:?}",
            r["category"]
        );
        assert!(
            !r["remedy"].trim().is_empty(),
            "no remedy for {}",
            r["code"]
        );
        got.insert(
            r["code"].clone(),
            (
                r["count"].parse().unwrap(),
                opt_ms(&r["first_seen"]),
                opt_ms(&r["last_seen"]),
            ),
        );
    }
    assert_eq!(got, per_code(&n.truth));
    // Rows come most frequent first.
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].parse().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // The official remedy of a well-known code.
    let clock = rows.iter().find(|r| r["code"] == "50102").unwrap();
    assert_eq!(clock["category"], "clock");
    assert!(clock["remedy"].contains("NTP"), "{}", clock["remedy"]);
}

#[test]
fn summary_json_and_markdown_carry_the_same_numbers() {
    let n = night(4.0, 32, &[]);
    let want = per_code(&n.truth);

    let o = run(
        &["summary", "--format", "json", "--tz", "UTC"],
        Some(&n.dir()),
    );
    assert_status(&o, 0);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["total"].as_u64(), Some(n.truth.len() as u64));
    assert_eq!(doc["inputs"]["files"].as_u64(), Some(6));
    let mut got: PerCode = BTreeMap::new();
    for c in doc["codes"].as_array().unwrap() {
        assert!(CATEGORIES.contains(&c["category"].as_str().unwrap()), "{c}");
        assert!(!c["remedy"].as_str().unwrap().is_empty(), "{c}");
        got.insert(
            c["code"].as_str().unwrap().to_string(),
            (
                c["count"].as_u64().unwrap(),
                c["first_seen"].as_str().map(ms),
                c["last_seen"].as_str().map(ms),
            ),
        );
    }
    assert_eq!(got, want);
    let untimed = n.truth.iter().filter(|t| t.time.is_empty()).count() as u64;
    assert_eq!(doc["untimed"].as_u64(), Some(untimed));

    let o = run(
        &["summary", "--format", "md", "--tz", "UTC"],
        Some(&n.dir()),
    );
    assert_status(&o, 0);
    let text = stdout(&o);
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    let mut in_table = false;
    for l in text.lines() {
        if l.starts_with("| code | count") {
            in_table = true;
            continue;
        }
        if !in_table || l.starts_with("|---") {
            continue;
        }
        if !l.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = l.split(" | ").collect();
        let code = cells[0].trim_start_matches("| ");
        let code = code.split(" (").next().unwrap();
        let code = if code == "(none)" { "" } else { code };
        got.insert(code.to_string(), cells[1].replace(',', "").parse().unwrap());
    }
    let want_counts: BTreeMap<String, u64> = want.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    assert_eq!(got, want_counts);
    assert!(
        text.contains(&format!("- Events: {}", n.truth.len()))
            || text.contains(&format!(
                "- Events: {},{:03}",
                n.truth.len() / 1000,
                n.truth.len() % 1000
            )),
        "{text}"
    );
}

/// The start of the hour holding `t` on the wall clock of offset `off`.
fn hour_start(t: i64, off: FixedOffset) -> i64 {
    let local = off.timestamp_millis_opt(t).unwrap();
    let floored = local
        .with_minute(0)
        .unwrap()
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    floored.timestamp_millis()
}

#[test]
fn by_hour_buckets_and_times_are_shown_in_the_display_zone() {
    let n = night(4.0, 33, &[]);
    let files: Vec<_> = ZONED.iter().map(|f| n.file(f)).collect();
    let zoned: Vec<&Truth> = n
        .truth
        .iter()
        .filter(|t| ZONED.contains(&t.file.as_str()))
        .collect();
    for (tz, secs) in [
        ("UTC", 0),
        ("Asia/Shanghai", 8 * 3600),
        ("+05:30", 5 * 3600 + 1800),
    ] {
        let off = FixedOffset::east_opt(secs).unwrap();
        let o = okxscan()
            .args(["summary", "--format", "csv", "--by", "hour", "--tz", tz])
            .args(&files)
            .output()
            .unwrap();
        assert_status(&o, 0);
        let text = stdout(&o);
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        assert_eq!(&header[..3], ["bucket", "code", "count"], "{tz}");
        let mut got: BTreeMap<(i64, String), u64> = BTreeMap::new();
        for r in csv_rows(&o.stdout) {
            let b = DateTime::parse_from_rfc3339(&r["bucket"])
                .unwrap_or_else(|e| panic!("{tz}: bucket {:?} is not RFC 3339: {e}", r["bucket"]));
            assert_eq!(b.offset().local_minus_utc(), secs, "{tz}: {}", r["bucket"]);
            assert_eq!((b.minute(), b.second()), (0, 0), "{tz}: {}", r["bucket"]);
            got.insert(
                (b.timestamp_millis(), r["code"].clone()),
                r["count"].parse().unwrap(),
            );
        }
        let mut want: BTreeMap<(i64, String), u64> = BTreeMap::new();
        for t in &zoned {
            *want
                .entry((hour_start(ms(&t.time), off), t.code.clone()))
                .or_default() += 1;
        }
        assert_eq!(got, want, "{tz}");

        // JSON buckets say the same.
        let o = okxscan()
            .args(["summary", "--format", "json", "--by", "hour", "--tz", tz])
            .args(&files)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut jb: BTreeMap<(i64, String), u64> = BTreeMap::new();
        for b in doc["buckets"].as_array().expect("buckets") {
            let t = DateTime::parse_from_rfc3339(b["bucket"].as_str().unwrap()).unwrap();
            assert_eq!(t.offset().local_minus_utc(), secs);
            jb.insert(
                (
                    t.timestamp_millis(),
                    b["code"].as_str().unwrap().to_string(),
                ),
                b["count"].as_u64().unwrap(),
            );
        }
        assert_eq!(jb, want, "{tz} json");

        // First and last seen: the truth's instants, written with the zone's offset.
        let o = okxscan()
            .args(["summary", "--format", "csv", "--tz", tz])
            .args(&files)
            .output()
            .unwrap();
        let want = per_code(zoned.iter().copied());
        for r in csv_rows(&o.stdout) {
            let (count, first, last) = want[&r["code"]];
            assert_eq!(r["count"].parse::<u64>().unwrap(), count);
            for (col, w) in [("first_seen", first), ("last_seen", last)] {
                let t = DateTime::parse_from_rfc3339(&r[col]).unwrap();
                assert_eq!(t.offset().local_minus_utc(), secs, "{tz} {col} {}", r[col]);
                assert_eq!(Some(t.timestamp_millis()), w, "{tz} {col}");
            }
        }
    }
}

#[test]
fn by_day_buckets_start_at_local_midnight() {
    let n = night(2.0, 34, &[]);
    let files: Vec<_> = ZONED.iter().map(|f| n.file(f)).collect();
    // The night runs 18:00Z to 06:00Z: one UTC day boundary, and in +05:30 the
    // boundary is 18:30Z.
    let o = okxscan()
        .args([
            "summary", "--format", "csv", "--by", "day", "--tz", "+05:30",
        ])
        .args(&files)
        .output()
        .unwrap();
    assert_status(&o, 0);
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for r in csv_rows(&o.stdout) {
        *got.entry(r["bucket"].clone()).or_default() += r["count"].parse::<u64>().unwrap();
    }
    let cut = ms("2026-11-22T18:30:00Z");
    let zoned = n.truth.iter().filter(|t| ZONED.contains(&t.file.as_str()));
    let (before, after): (Vec<&Truth>, Vec<&Truth>) = zoned.partition(|t| ms(&t.time) < cut);
    let mut want = BTreeMap::new();
    if !before.is_empty() {
        want.insert("2026-11-22T00:00:00+05:30".to_string(), before.len() as u64);
    }
    want.insert("2026-11-23T00:00:00+05:30".to_string(), after.len() as u64);
    assert_eq!(got, want);
}

#[test]
fn output_file_gets_what_stdout_would() {
    let n = night(2.0, 35, &[]);
    let out = n.tmp.path().join("summary.csv");
    let o = okxscan()
        .args(["summary", "--format", "csv", "--tz", "UTC", "-o"])
        .arg(&out)
        .arg(n.dir())
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let direct = run(
        &["summary", "--format", "csv", "--tz", "UTC"],
        Some(&n.dir()),
    );
    assert_eq!(std::fs::read(&out).unwrap(), direct.stdout);
    // --output replaces an existing file.
    let o = okxscan()
        .args(["summary", "--format", "json", "--tz", "UTC", "--output"])
        .arg(&out)
        .arg(n.dir())
        .output()
        .unwrap();
    assert_status(&o, 0);
    let direct = run(
        &["summary", "--format", "json", "--tz", "UTC"],
        Some(&n.dir()),
    );
    assert_eq!(std::fs::read(&out).unwrap(), direct.stdout);
    // A folder that does not exist is an error.
    let o = okxscan()
        .args(["summary", "-o"])
        .arg(n.tmp.path().join("no/such/dir/x.md"))
        .arg(n.dir())
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("okxscan:"), "{}", stderr(&o));
}

#[test]
fn no_subcommand_means_summary() {
    let n = night(2.0, 36, &[]);
    for fmt in [&[][..], &["--format", "csv", "--by", "hour"]] {
        let a = okxscan()
            .args(fmt)
            .args(["--tz", "UTC"])
            .arg(n.dir())
            .output()
            .unwrap();
        let b = okxscan()
            .arg("summary")
            .args(fmt)
            .args(["--tz", "UTC"])
            .arg(n.dir())
            .output()
            .unwrap();
        assert_status(&a, 0);
        assert!(!a.stdout.is_empty());
        assert_eq!(stdout(&a), stdout(&b), "{fmt:?}");
    }
    // Filters work there too.
    let o = okxscan()
        .args(["--format", "csv", "--code", "50102", "--tz", "UTC"])
        .arg(n.dir())
        .output()
        .unwrap();
    let rows = csv_rows(&o.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["count"].parse::<usize>().unwrap(),
        n.truth.iter().filter(|t| t.code == "50102").count()
    );
}

#[test]
fn stdin_is_read_with_a_dash_or_when_piped() {
    let n = night(2.0, 37, &[]);
    let file = n.file("python.log");
    let data = std::fs::read(&file).unwrap();
    let want: PerCode = per_code(n.truth.iter().filter(|t| t.file == "python.log"));
    let by_path = run(&["summary", "--format", "csv", "--tz", "UTC"], Some(&file));
    assert_status(&by_path, 0);
    for args in [
        &["summary", "--format", "csv", "--tz", "UTC", "-"][..],
        &["summary", "--format", "csv", "--tz", "UTC"],
        &["--format", "csv", "--tz", "UTC"],
    ] {
        let o = okxscan()
            .args(args)
            .write_stdin(data.clone())
            .output()
            .unwrap();
        assert_status(&o, 0);
        assert_eq!(stdout(&o), stdout(&by_path), "{args:?}");
        let mut got: PerCode = BTreeMap::new();
        for r in csv_rows(&o.stdout) {
            got.insert(
                r["code"].clone(),
                (
                    r["count"].parse().unwrap(),
                    opt_ms(&r["first_seen"]),
                    opt_ms(&r["last_seen"]),
                ),
            );
        }
        assert_eq!(got, want, "{args:?}");
    }
    // grep reads stdin too, with its line numbers.
    let o = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .write_stdin(data)
        .output()
        .unwrap();
    assert_status(&o, 0);
    let lines: Vec<u64> = ndjson(&o.stdout)
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    let want: Vec<u64> = n
        .truth
        .iter()
        .filter(|t| t.file == "python.log")
        .map(|t| t.line)
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn output_is_deterministic_whatever_the_threads() {
    let n = night(4.0, 38, &[]);
    for fmt in ["md", "csv", "json"] {
        let go = |j: &str| {
            let o = okxscan()
                .args([
                    "summary", "--tz", "UTC", "--by", "hour", "--format", fmt, "-j", j,
                ])
                .arg(n.dir())
                .output()
                .unwrap();
            assert_status(&o, 0);
            o.stdout
        };
        let a = go("2");
        assert!(a == go("2"), "{fmt}: two runs differ");
        assert!(a == go("1"), "{fmt}: -j1 and -j2 differ");
    }
}

#[test]
fn stats_go_to_stderr_and_leave_stdout_alone() {
    let n = night(2.0, 39, &[]);
    let plain = run(
        &["summary", "--format", "csv", "--tz", "UTC"],
        Some(&n.dir()),
    );
    let o = run(
        &["summary", "--format", "csv", "--tz", "UTC", "--stats"],
        Some(&n.dir()),
    );
    assert_status(&o, 0);
    assert_eq!(o.stdout, plain.stdout);
    assert!(plain.stderr.is_empty(), "{}", stderr(&plain));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{} matching events", n.truth.len())),
        "{err}"
    );
    assert!(err.contains("6 files searched"), "{err}");
    let bytes: u64 = std::fs::read_dir(n.dir())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(err.contains(&format!("{bytes} bytes searched")), "{err}");
    // With a filter, the matching count is the filtered one.
    let o = run(
        &["grep", "-c", "--code", "50102", "--stats"],
        Some(&n.dir()),
    );
    let k = n.truth.iter().filter(|t| t.code == "50102").count();
    assert!(
        stderr(&o).contains(&format!("{k} matching events")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_options_exit_2_with_a_clear_message() {
    let l = Logs::new(&[(
        "a.log",
        "2026-11-22 18:00:00,000 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n",
    )]);
    let p = l.path("a.log");
    let cases: &[(&[&str], &[&str])] = &[
        (&["--tz", "Mars/Olympus"], &["Mars/Olympus", "time zone"]),
        (&["--tz", "+25:00"], &["+25:00", "time zone"]),
        (&["--since", "soon"], &["--since", "soon"]),
        (&["--until", "2026-13-45"], &["--until", "2026-13-45"]),
        (
            &["--since", "2026-11-23", "--until", "2026-11-22"],
            &["--since", "--until"],
        ),
        (&["--now", "whenever", "--since", "3h"], &["--now"]),
        (&["-j", "0"], &["-j"]),
    ];
    for (args, words) in cases {
        for sub in ["summary", "grep"] {
            let o = okxscan().arg(sub).args(*args).arg(&p).output().unwrap();
            assert_status(&o, 2);
            assert!(o.stdout.is_empty(), "{sub} {args:?}: {}", stdout(&o));
            let err = stderr(&o);
            assert!(err.starts_with("okxscan: "), "{sub} {args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{sub} {args:?}: {err}");
            for w in *words {
                assert!(err.contains(w), "{sub} {args:?}: {err}");
            }
        }
    }
}

#[test]
fn without_tz_or_log_tz_the_tz_variable_is_both_zones() {
    let l = Logs::new(&[(
        "a.log",
        "2026-11-22 18:00:00,000 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n\
         2026-11-22T19:30:00Z ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n",
    )]);
    let o = okxscan()
        .env("TZ", "Asia/Shanghai")
        .args(["summary", "--format", "csv"])
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    let rows = csv_rows(&o.stdout);
    // The naive time is read in TZ and shown in TZ; the zoned one is shown in TZ.
    assert_eq!(rows[0]["first_seen"], "2026-11-22T18:00:00.000+08:00");
    assert_eq!(rows[0]["last_seen"], "2026-11-23T03:30:00.000+08:00");
    let o = okxscan()
        .env("TZ", "Asia/Shanghai")
        .args(["summary", "--format", "csv", "--tz", "UTC"])
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    // --tz changes what is shown only: the naive time is still read in TZ.
    let rows = csv_rows(&o.stdout);
    assert_eq!(rows[0]["first_seen"], "2026-11-22T10:00:00.000Z");
    assert_eq!(rows[0]["last_seen"], "2026-11-22T19:30:00.000Z");
    // --log-tz changes how it is read only.
    let o = okxscan()
        .env("TZ", "Asia/Shanghai")
        .args(["summary", "--format", "csv", "--log-tz", "UTC"])
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    let rows = csv_rows(&o.stdout);
    assert_eq!(rows[0]["first_seen"], "2026-11-23T02:00:00.000+08:00");
    assert_eq!(rows[0]["last_seen"], "2026-11-23T03:30:00.000+08:00");
    // A zone that is none is refused before anything is read.
    let o = okxscan()
        .args(["summary", "--log-tz", "Mars/Olympus"])
        .arg(l.path("a.log"))
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown time zone 'Mars/Olympus'"));
}

/// Events of a bot that stopped 13 days before "now": one 50102 a night.
fn dead_bot() -> Logs {
    Logs::new(&[(
        "bot.log",
        "2026-11-21 09:00:00,000 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n\
         2026-11-22 18:07:30,000 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n\
         2026-11-22 18:09:00,000 ERROR okx {\"code\":\"50011\",\"msg\":\"Too Many Requests\"}\n",
    )])
}

/// Regression (issue 22): `--since 24h` on logs whose newest line was 13 days old
/// said "No OKX error found" and nothing more.
#[test]
fn an_empty_time_window_says_what_lay_outside_it_and_how_old_the_newest_event_is() {
    let l = dead_bot();
    let now = "2026-12-05T20:09:00Z";
    let note = "okxscan: 3 events lay outside the time window; the newest, at 2026-11-22 18:09:00 UTC, is 13 d 2 h old.";
    for cmd in [&["summary"][..], &["grep"], &["summary", "--format", "csv"]] {
        let o = okxscan()
            .env("OKXSCAN_NOW", now)
            .args(cmd)
            .args(["--since", "24h"])
            .arg(l.path("bot.log"))
            .output()
            .unwrap();
        assert_status(&o, 1);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(note), "{cmd:?}: {err}");
    }
    // The other filters hold: only the events they keep are counted outside.
    let o = okxscan()
        .env("OKXSCAN_NOW", now)
        .args(["grep", "--code", "50102", "--since", "24h"])
        .arg(l.path("bot.log"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2 events lay outside the time window; the newest, at 2026-11-22 18:07:30 UTC, is 13 d 2 h old."),
        "{err}"
    );
    // Something in the window, or no window, or --quiet: no note.
    for args in [
        &["summary", "--since", "14d"][..],
        &["summary"],
        &["summary", "--since", "24h", "-q"],
    ] {
        let o = okxscan()
            .env("OKXSCAN_NOW", now)
            .args(args)
            .arg(l.path("bot.log"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("outside the time window"), "{args:?}: {err}");
    }
}

/// Regression: `-j 100000` started a hundred thousand threads and never finished,
/// and a `--max-record` whose bytes overflow wrapped around.
#[test]
fn thread_counts_are_capped_and_overflowing_record_limits_refused() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-night");
    let o = okxscan()
        .args(["summary", "--format", "csv", "-j", "100000"])
        .arg(&sample)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("-j 100000") && err.contains("using"), "{err}");
    let plain = okxscan()
        .args(["summary", "--format", "csv"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(o.stdout, plain.stdout);
    let o = okxscan()
        .args(["summary", "--max-record", &usize::MAX.to_string()])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--max-record"));
}

// ---- the terminal (issue 22): the summary's table, colour, --fail-on ----

const TWO_ERRORS: &str = "2026-11-22 18:00:03 ERROR okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\",\"data\":[]}\n\
2026-11-22 18:00:05 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\",\"data\":[]}\n\
2026-11-22 18:00:06 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\",\"data\":[]}\n";

/// Runs okxscan with stdout on a pseudo-terminal `cols` columns wide; returns what
/// the terminal got (`\r\n` turned back into `\n`).
#[cfg(target_os = "linux")]
fn on_a_terminal(args: &[&str], env: &[(&str, &str)], cols: u16) -> String {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the integers given; the name
    // and termios pointers may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("okxscan"))
        .env_clear()
        .env("TZ", "UTC")
        .envs(env.iter().copied())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(slave))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let reader = std::thread::spawn(move || {
        let mut f = std::fs::File::from(master);
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // Ends with EIO once the child has exited and the terminal is closed.
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    });
    child.wait().unwrap();
    let out = reader.join().unwrap();
    String::from_utf8(out).unwrap().replace("\r\n", "\n")
}

#[test]
#[cfg(target_os = "linux")]
fn summary_on_a_terminal_is_a_table_that_fits() {
    let l = Logs::new(&[("bot.log", TWO_ERRORS)]);
    let path = l.path("bot.log").display().to_string();
    for cols in [50u16, 80, 120] {
        let got = on_a_terminal(&["summary", &path], &[("COLUMNS", "300")], cols);
        assert!(got.contains("\nCODE "), "{got}");
        assert!(!got.contains("|---"), "not markdown: {got}");
        for line in got.lines() {
            assert!(line.chars().count() <= cols as usize, "{cols}: {line:?}");
        }
        let row = got.lines().find(|l| l.starts_with("50102")).unwrap();
        assert!(row.contains(" 2 "), "{row}");
    }
    // An explicit format is what was asked for, terminal or not.
    let got = on_a_terminal(&["summary", "--format", "md", &path], &[], 80);
    assert!(got.contains("|---|"), "{got}");
    let got = on_a_terminal(&["summary", "--format", "csv", &path], &[], 80);
    assert!(got.starts_with("code,count,"), "{got}");
}

#[test]
#[cfg(target_os = "linux")]
fn grep_colour_honours_no_color_and_dumb_terminals() {
    let l = Logs::new(&[("bot.log", TWO_ERRORS)]);
    let path = l.path("bot.log").display().to_string();
    let term = [("TERM", "xterm")];
    assert!(on_a_terminal(&["grep", &path], &term, 80).contains("\x1b["));
    for env in [
        &[("TERM", "xterm"), ("NO_COLOR", "1")][..],
        &[("TERM", "dumb")],
    ] {
        let got = on_a_terminal(&["grep", &path], env, 80);
        assert!(
            got.contains("50102") && !got.contains('\x1b'),
            "{env:?}: {got:?}"
        );
    }
    let forced = on_a_terminal(
        &["grep", "--color", "always", &path],
        &[("NO_COLOR", "1")],
        80,
    );
    assert!(forced.contains("\x1b["), "--color always wins");
}

#[test]
fn summary_piped_stays_markdown() {
    let l = Logs::new(&[("bot.log", TWO_ERRORS)]);
    let o = okxscan()
        .env("COLUMNS", "60")
        .arg("summary")
        .arg(l.path("bot.log"))
        .output()
        .unwrap();
    assert_status(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("# okxscan summary\n"), "{out}");
    assert!(
        out.contains("| code | count | category | first seen | last seen | message | remedy |"),
        "{out}"
    );
}

#[test]
fn fail_on_trips_summary_and_report_with_exit_3_and_says_what() {
    let l = Logs::new(&[("bot.log", TWO_ERRORS)]);
    let run = |args: &[&str]| {
        okxscan()
            .args(args)
            .arg(l.path("bot.log"))
            .output()
            .unwrap()
    };
    let o = run(&["summary", "--format", "csv", "--fail-on", "clock"]);
    assert_status(&o, 3);
    assert!(
        stdout(&o).starts_with("code,count,"),
        "the summary is still printed"
    );
    assert_eq!(
        stderr(&o),
        "okxscan: --fail-on tripped: clock: 2 events (50102 x2)\n"
    );
    let o = run(&["summary", "--fail-on", "funds,5011*", "--format", "json"]);
    assert_status(&o, 3);
    assert_eq!(
        stderr(&o),
        "okxscan: --fail-on tripped: 5011*: 1 event (50113 x1)\n"
    );
    let o = run(&["summary", "--fail-on", "funds"]);
    assert_status(&o, 0);
    assert_eq!(stderr(&o), "");
    let o = run(&["summary", "--fail-on", "clock", "--code", "50113"]);
    assert_status(&o, 0);
    let o = run(&["summary", "--fail-on", "nope"]);
    assert_status(&o, 2);
    let o = run(&["report", "--fail-on", "auth,clock"]);
    assert_status(&o, 3);
    assert_eq!(
        stderr(&o),
        "okxscan: --fail-on tripped: auth: 1 event (50113 x1); clock: 2 events (50102 x2)\n"
    );
}

/// Regression: `-o PATH` replaced whatever PATH was with a regular file: a device
/// (as root, `okxscan report -o` naming the system's null device replaced it), a
/// FIFO, a symbolic link. Now only a regular file or a new path is replaced (keeping
/// its mode); a device or FIFO is written through; a link's target is written and
/// the link stays.
#[test]
#[cfg(unix)]
fn output_files_replace_only_regular_files() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-night");
    let d = tempfile::tempdir().unwrap();
    let summary = |out: &std::path::Path| {
        let o = okxscan()
            .args(["summary", "--format", "csv", "-o"])
            .arg(out)
            .arg(&sample)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let want = okxscan()
        .args(["summary", "--format", "csv"])
        .arg(&sample)
        .output()
        .unwrap()
        .stdout;
    // A FIFO: written through, read on the other side, still a FIFO.
    let fifo = d.path().join("fifo");
    let c = std::ffi::CString::new(fifo.display().to_string()).unwrap();
    // SAFETY: mkfifo on a path in a fresh temporary folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    summary(&fifo);
    // Checked before joining: a FIFO replaced by a file would leave the reader
    // waiting for a writer forever.
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert_eq!(reader.join().unwrap(), want);
    // A link to a file: the file is replaced (its mode kept), the link stays.
    let file = d.path().join("night.csv");
    std::fs::write(&file, "old").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = d.path().join("latest.csv");
    std::os::unix::fs::symlink("night.csv", &link).unwrap();
    summary(&link);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&file).unwrap(), want);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // A character device (a null device made here, never the system's): written
    // through, still a device.
    let dev = d.path().join("null");
    let c = std::ffi::CString::new(dev.display().to_string()).unwrap();
    // SAFETY: mknod of a character device node in a fresh temporary folder (as
    // root; elsewhere it fails and this part is left out).
    if unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0 {
        summary(&dev);
        assert!(std::fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_char_device());
    }
}
