//! The same bytes give the same events (and the same notices) whatever way they
//! come: a named file at any chunk size and thread count, stdin from a pipe or
//! redirected from the file, a `.gz`. Property tests over inputs made of the
//! awkward records: bodies cut short by their logger, blank lines inside bodies,
//! truncated batch lines, records over `--max-record` with a body across a cut.

use crate::common::okxscan;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// The pieces an input is made of (each ends with a newline).
fn segment(kind: usize, k: usize) -> String {
    let t = format!("2026-11-22 10:{:02}:{:02}", k / 60 % 60, k % 60);
    match kind {
        0 => format!("{t} ERROR okx {{\"code\":\"50113\",\"msg\":\"Invalid Sign\"}}\n"),
        1 => format!("{t} INFO heartbeat\n"),
        // A pretty body cut short by its logger: the next record starts at once.
        2 => format!("{t} ERROR order response:\n{{\n  \"code\": \"50011\",\n  \"data\":\n"),
        // A whole pretty body with a blank line inside.
        3 => format!(
            "{t} ERROR order response:\n{{\n  \"code\": \"51008\",\n\n  \"msg\": \"Order failed\",\n  \"data\": []\n}}\n"
        ),
        // A batch line cut short, then a blank line.
        4 => format!(
            "{t} ERROR okx {{\"code\":\"1\",\"data\":[{{\"clOrdId\":\"\",\"sCode\":\"51008\",\"sMsg\":\"Order failed\"}}],\n\n"
        ),
        5 => "\n\n".to_string(),
        // Indented lines: a traceback's frames.
        6 => "  File \"bot.py\", line 3, in <module>\n    raise InvalidNonce(feedback)\n".into(),
        7 => format!("{t} WARN okx {{'code': '50011', 'data': [], 'msg': 'Too Many Requests'}}\n"),
        // Log4j's padded levels: a record each; a line of code is not one.
        10 => format!(" WARN {t} [main] okx {{\"code\":\"50011\",\"msg\":\"Too Many Requests\"}}\n"),
        11 => "  ERROR = 3\n".into(),
        // A line over 1 MiB (the --max-record these tests use) with an error on
        // it, and one across the 1 MiB cut.
        8 => {
            let head = format!("{t} DEBUG dump okx {{\"code\":\"50013\",\"msg\":\"Systems are busy\"}} ");
            let body = "{\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}";
            let pad = (1 << 20) - head.len() - body.len() / 2 + k % 7;
            format!("{head}{}{body} {}\n", "x".repeat(pad), "y".repeat(k % 5000))
        }
        // A record over 1 MiB of indented lines, an error in it.
        9 => {
            let mut s = format!("{t} ERROR payload:\n");
            let line = "  \"field\": \"0123456789abcdef0123456789abcdef0123456789abcdef\",\n";
            for i in 0..(1 << 20) / line.len() + 10 + k % 100 {
                if i == 9000 {
                    s.push_str("  \"err\": {\"code\": \"50001\", \"msg\": \"Service temporarily unavailable\"},\n");
                }
                s.push_str(line);
            }
            s
        }
        _ => unreachable!("no segment {kind}"),
    }
}

fn input(kinds: &[usize]) -> Vec<u8> {
    kinds
        .iter()
        .enumerate()
        .flat_map(|(k, &kind)| segment(kind, k).into_bytes())
        .collect()
}

/// Events (without the file's name) and notices (the same) of one run.
type Seen = (Vec<String>, Vec<String>);

/// A run with `path` piped in by `cat`.
fn run_piped(args: &[&str], path: &Path) -> Seen {
    let mut feeder = std::process::Command::new("cat")
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let seen = run(args, Some(Stdio::from(feeder.stdout.take().unwrap())), None);
    feeder.wait().unwrap();
    seen
}

fn run(args: &[&str], stdin: Option<Stdio>, path: Option<&Path>) -> Seen {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("okxscan"));
    c.env_clear()
        .env("TZ", "UTC")
        .args(["grep", "--format", "ndjson", "--max-record", "1"])
        .args(args);
    match (stdin, path) {
        (Some(s), _) => {
            c.arg("-").stdin(s);
        }
        (None, Some(p)) => {
            c.arg(p).stdin(Stdio::null());
        }
        _ => unreachable!(),
    }
    let out = c.output().unwrap();
    let events = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("file");
            v.to_string()
        })
        .collect();
    let notices = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .map(|l| l.rsplit_once(": ").map_or(l, |(_, what)| what).to_string())
        .collect();
    (events, notices)
}

fn same_everywhere(kinds: &[usize], chunk: usize) -> Result<(), TestCaseError> {
    let text = input(kinds);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot.log");
    std::fs::write(&path, &text).unwrap();
    let gz = dir.path().join("bot.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&text).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let want = run(&[], None, Some(&path));
    let size = chunk.to_string();
    let small = ["--chunk-size", size.as_str()];
    let modes: Vec<(&str, Seen)> = vec![
        ("file, small chunks", run(&small, None, Some(&path))),
        ("file, one thread", run(&["-j", "1"], None, Some(&path))),
        (
            "file, small chunks, two threads",
            run(&[&small[..], &["-j", "2"]].concat(), None, Some(&path)),
        ),
        ("pipe", run_piped(&[], &path)),
        ("pipe, small chunks", run_piped(&small, &path)),
        (
            "stdin from the file",
            run(&small, Some(Stdio::from(File::open(&path).unwrap())), None),
        ),
        ("gz", run(&[], None, Some(&gz))),
        ("gz, small chunks", run(&small, None, Some(&gz))),
    ];
    for (mode, got) in modes {
        prop_assert_eq!(
            &got,
            &want,
            "{} (chunks of {}), kinds {:?}",
            mode,
            chunk,
            kinds
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        rng_seed: RngSeed::Fixed(19),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_same_bytes_give_the_same_events_from_every_input(
        kinds in prop::collection::vec(
            prop::sample::select(vec![0usize, 1, 2, 3, 4, 5, 6, 7, 10, 11]),
            1..30,
        ),
        chunk in prop::sample::select(vec![1usize, 7, 64, 333, 4096]),
    ) {
        same_everywhere(&kinds, chunk)?;
    }

    #[test]
    fn long_records_are_cut_the_same_way_from_every_input(
        kinds in prop::collection::vec(0usize..10, 1..8),
        chunk in prop::sample::select(vec![997usize, 65536, 300_000]),
    ) {
        // At least one record over --max-record.
        let mut kinds = kinds;
        kinds.push(8 + kinds.len() % 2);
        same_everywhere(&kinds, chunk)?;
    }
}

#[test]
fn a_record_over_the_limit_is_cut_named_at_its_offset_and_the_rest_counted() {
    // Before: a file dropped everything ("at byte 0", no event) while a pipe cut
    // the line and went on.
    let text = input(&[0, 8, 0, 2, 9, 7]);
    let at = segment(0, 0).len();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot.log");
    std::fs::write(&path, &text).unwrap();
    let (events, notices) = run(&[], None, Some(&path));
    let codes: Vec<String> = events
        .iter()
        .map(|e| {
            let v: serde_json::Value = serde_json::from_str(e).unwrap();
            format!(
                "{}{}",
                v["code"].as_str().unwrap(),
                if v["partial"] == true { "~" } else { "" }
            )
        })
        .collect();
    // The body across the cut is partial; the errors after the long records count.
    assert_eq!(
        codes,
        ["50113", "50013", "50102~", "50113", "50011~", "50001", "50011"],
        "{events:#?}"
    );
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].contains(&format!("inside a line (at byte {at})")),
        "{notices:?}"
    );
    let out = okxscan()
        .args(["summary", "--max-record", "1"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
