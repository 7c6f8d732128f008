//! `--state`: incremental runs read only what is new, follow rotation (rename,
//! copytruncate, compression afterwards), wait for a line still being written, and
//! leave the old state when a run dies before writing it.

mod support;

use assert_cmd::Command;
use std::io::Write;
use std::path::Path;
use support::*;

fn okxscan() -> Command {
    let mut c = Command::cargo_bin("okxscan").unwrap();
    c.env_clear().env("TZ", "UTC");
    c
}

fn line(minute: u32, code: &str) -> String {
    format!(
        "2026-11-22 10:{minute:02}:00,000 ERROR okx {{\"code\":\"{code}\",\"msg\":\"m{code}\"}}\n"
    )
}

/// `(file name, line, code)` of each event a `--state` run over `dir` prints.
fn run(dir: &Path, state: &Path) -> (i32, Vec<(String, u64, String)>) {
    let o = okxscan()
        .args(["grep", "--format", "ndjson", "--state"])
        .arg(state)
        .arg(dir)
        .output()
        .unwrap();
    let events = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = Path::new(v["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                file,
                v["line"].as_u64().unwrap(),
                v["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (o.status.code().unwrap(), events)
}

fn append(path: &Path, text: &str) {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
}

fn ev(file: &str, line: u64, code: &str) -> (String, u64, String) {
    (file.to_string(), line, code.to_string())
}

#[test]
fn appended_lines_are_read_once_and_a_partial_line_waits() {
    let l = Logs::new(&[("logs/bot.log", &line(0, "50102"))]);
    let (dir, st) = (l.path("logs"), l.path("state.json"));
    let bot = dir.join("bot.log");
    assert_eq!(run(&dir, &st), (0, vec![ev("bot.log", 1, "50102")]));
    // Nothing new: no event, exit 1.
    assert_eq!(run(&dir, &st), (1, vec![]));
    // A complete line and one still being written.
    let next = line(2, "50113");
    append(&bot, &line(1, "50011"));
    append(&bot, &next[..20]);
    assert_eq!(run(&dir, &st), (0, vec![ev("bot.log", 2, "50011")]));
    append(&bot, &next[20..]);
    assert_eq!(run(&dir, &st), (0, vec![ev("bot.log", 3, "50113")]));
    // A new file beside it.
    std::fs::write(dir.join("other.log"), line(3, "51008")).unwrap();
    assert_eq!(run(&dir, &st), (0, vec![ev("other.log", 1, "51008")]));
}

#[test]
fn rotation_by_rename_then_compression_is_not_read_twice() {
    let l = Logs::new(&[("logs/bot.log", &line(0, "50102"))]);
    let (dir, st) = (l.path("logs"), l.path("state.json"));
    let bot = dir.join("bot.log");
    assert_eq!(run(&dir, &st).1.len(), 1);
    // Lines written before the rotation, then the rename and a fresh file.
    append(&bot, &line(1, "50011"));
    std::fs::rename(&bot, dir.join("bot.log.1")).unwrap();
    std::fs::write(&bot, line(2, "50113")).unwrap();
    let (code, mut got) = run(&dir, &st);
    got.sort();
    assert_eq!(code, 0);
    assert_eq!(
        got,
        vec![ev("bot.log", 1, "50113"), ev("bot.log.1", 2, "50011")]
    );
    // bot.log.1 compressed later: its content was read already.
    let rotated = std::fs::read(dir.join("bot.log.1")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&rotated).unwrap();
    std::fs::write(dir.join("bot.log.1.gz"), gz.finish().unwrap()).unwrap();
    std::fs::remove_file(dir.join("bot.log.1")).unwrap();
    assert_eq!(run(&dir, &st), (1, vec![]));
}

#[test]
fn copytruncate_reads_the_copy_rest_and_the_emptied_file_from_its_start() {
    let l = Logs::new(&[("logs/bot.log", &line(0, "50102"))]);
    let (dir, st) = (l.path("logs"), l.path("state.json"));
    let bot = dir.join("bot.log");
    assert_eq!(run(&dir, &st).1.len(), 1);
    append(&bot, &line(1, "50011"));
    // logrotate copytruncate: a copy, then the live file emptied in place and
    // written again.
    std::fs::copy(&bot, dir.join("bot.log.1")).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&bot)
        .unwrap()
        .set_len(0)
        .unwrap();
    append(&bot, &line(2, "50113"));
    let (_, mut got) = run(&dir, &st);
    got.sort();
    assert_eq!(
        got,
        vec![ev("bot.log", 1, "50113"), ev("bot.log.1", 2, "50011")]
    );
    assert_eq!(run(&dir, &st), (1, vec![]));
}

#[test]
fn a_run_that_dies_before_its_state_leaves_the_old_one() {
    let l = Logs::new(&[("logs/bot.log", &line(0, "50102"))]);
    let (dir, st) = (l.path("logs"), l.path("state.json"));
    assert_eq!(run(&dir, &st).1.len(), 1);
    append(&dir.join("bot.log"), &line(1, "50011"));
    let o = okxscan()
        .env("OKXSCAN_TEST_CRASH_BEFORE_STATE", "1")
        .args(["summary", "--format", "csv", "--state"])
        .arg(&st)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(70));
    assert!(String::from_utf8_lossy(&o.stdout).contains("50011"));
    // The next run reads the same new bytes again: nothing lost.
    assert_eq!(run(&dir, &st), (0, vec![ev("bot.log", 2, "50011")]));
}

#[test]
fn a_second_run_on_the_same_state_is_refused() {
    let l = Logs::new(&[("logs/bot.log", &line(0, "50102"))]);
    let (dir, st) = (l.path("logs"), l.path("state.json"));
    let held = okxscan::input::state::State::open(&st, 0).unwrap();
    let o = okxscan()
        .args(["summary", "--state"])
        .arg(&st)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("in use"));
    assert!(!st.exists());
    drop(held);
    assert_eq!(run(&dir, &st).0, 0);
}

#[test]
fn since_works_on_the_new_bytes() {
    let l = Logs::new(&[("logs/bot.log", &(line(0, "50102") + &line(30, "50011")))]);
    let (dir, st) = (l.path("logs"), l.path("state.json"));
    let count = |extra: &[&str]| {
        let o = okxscan()
            .args(["grep", "-c", "-I", "--state"])
            .arg(&st)
            .args(extra)
            .arg(&dir)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    assert_eq!(count(&["--since", "2026-11-22 10:15"]), "1");
    append(
        &dir.join("bot.log"),
        &(line(40, "50113") + &line(50, "50113")),
    );
    assert_eq!(count(&["--since", "2026-11-22 10:45"]), "1");
}
