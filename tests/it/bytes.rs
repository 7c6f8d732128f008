//! Odd bytes that are still logs, and hostile bytes that must not change what is
//! shown (issue 19): `pzstd` output (skippable frames), logs that start with a NUL
//! hole (`logrotate copytruncate`), newline-free streams, bidi controls in log text
//! and in echoed arguments, and a stderr that cannot be written.

use crate::common;
use common::*;
use std::io::Write;

const L50011: &str =
    r#"2026-11-22 10:00:00,000 - bot - ERROR - okx {"code":"50011","msg":"Rate limit reached"}"#;
const L51008: &str = r#"2026-11-22 10:00:01,000 - bot - ERROR - okx {"code":"51008","msg":"Order failed. Insufficient balance"}"#;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn log() -> Vec<u8> {
    format!("{L50011}\nplain line\n{L51008}\n{L50011}\n").into_bytes()
}

fn codes(out: &std::process::Output) -> Vec<String> {
    ndjson(&out.stdout)
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect()
}

const WANT: [&str; 3] = ["50011", "51008", "50011"];

/// A zstd skippable frame: magic `0x184D2A5n` (little-endian), payload size, payload.
fn skippable(n: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x50 + n, 0x2a, 0x4d, 0x18];
    f.extend((payload.len() as u32).to_le_bytes());
    f.extend(payload);
    f
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn zstd_with_skippable_frames_as_pzstd_writes_it_is_read() {
    let data = log();
    let (a, b) = data.split_at(L50011.len() + 1);
    let za = zstd::encode_all(a, 3).unwrap();
    let zb = zstd::encode_all(b, 3).unwrap();
    // As pzstd writes it: a skippable frame holding the next frame's size before
    // each frame; and one of another kind between frames and at the end.
    let mut z = skippable(0, &(za.len() as u32).to_le_bytes());
    z.extend(&za);
    z.extend(skippable(0xe, b"any metadata"));
    z.extend(skippable(0, &(zb.len() as u32).to_le_bytes()));
    z.extend(&zb);
    z.extend(skippable(0xf, b""));
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bot.log.zst");
    std::fs::write(&f, &z).unwrap();
    let out = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(codes(&out), WANT);
    let out = okxscan()
        .args(["grep", "--format", "ndjson", "-"])
        .write_stdin(z)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(codes(&out), WANT);
}

/// A log as `logrotate copytruncate` leaves it: the rotated-away part a hole of
/// NUL bytes, then the lines written since.
fn copytruncated(hole: usize) -> Vec<u8> {
    let mut data = vec![0; hole];
    data.extend(log());
    data
}

#[test]
fn a_log_that_starts_with_a_nul_hole_is_scanned_and_the_hole_said_under_stats() {
    let tmp = tempfile::tempdir().unwrap();
    // Smaller than a chunk, and over several chunks (so mapped, in parallel).
    for hole in [16, 100_000, 5 << 20] {
        let data = copytruncated(hole);
        let f = tmp.path().join("bot.log");
        std::fs::write(&f, &data).unwrap();
        let gz = tmp.path().join("bot.log.1.gz");
        std::fs::write(&gz, gzip(&data)).unwrap();
        let runs = [
            okxscan().arg("grep").arg(&f).output().unwrap(),
            okxscan()
                .args(["grep", "--chunk-size", "4096"])
                .arg(&f)
                .output()
                .unwrap(),
            // A hole longer than the longest record kept whole is no record.
            okxscan()
                .args(["grep", "--max-record", "1"])
                .arg(&f)
                .output()
                .unwrap(),
            okxscan().arg("grep").arg(&gz).output().unwrap(),
            okxscan()
                .args(["grep", "-"])
                .write_stdin(data.clone())
                .output()
                .unwrap(),
        ];
        for out in runs {
            // Not the ndjson form: the default text, first line and all.
            assert_eq!(out.status.code(), Some(0), "hole {hole}: {}", stderr(&out));
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(text.lines().count(), 3, "hole {hole}: {text}");
            assert!(
                text.starts_with("2026-11-22 10:00:00"),
                "hole {hole}: {text:?}"
            );
            assert!(stderr(&out).is_empty(), "{}", stderr(&out));
        }
        let out = okxscan()
            .args(["summary", "--stats"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(
            stderr(&out).contains(&format!("{hole} bytes of NUL holes skipped")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_sparse_hole_is_measured_to_the_byte() {
    // As copytruncate leaves it: the file cut to 0, the bot writing on at its old
    // offset (not a block boundary), the file system keeping the hole sparse.
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bot.log");
    for hole in [(1 << 20) + 1000, 3 << 20, 100] {
        let file = std::fs::File::create(&f).unwrap();
        file.set_len(hole).unwrap();
        drop(file);
        let mut file = std::fs::OpenOptions::new().append(true).open(&f).unwrap();
        file.write_all(&log()).unwrap();
        drop(file);
        let out = okxscan()
            .args(["grep", "--stats"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
        assert!(
            stderr(&out).contains(&format!("\n{hole} bytes of NUL holes skipped")),
            "{hole}: {}",
            stderr(&out)
        );
    }
    // Nothing written yet: all hole.
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(5 << 20).unwrap();
    let out = okxscan()
        .args(["grep", "--stats"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("\n{} bytes of NUL holes", 5 << 20)));
}

#[test]
fn a_hole_is_read_once_with_state() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bot.log");
    let state = tmp.path().join("state.json");
    std::fs::write(&f, copytruncated(100_000)).unwrap();
    let run = || {
        let out = okxscan()
            .args(["grep", "--state"])
            .arg(&state)
            .arg(&f)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    assert_eq!(run(), 3);
    let mut file = std::fs::OpenOptions::new().append(true).open(&f).unwrap();
    writeln!(file, "{L51008}").unwrap();
    assert_eq!(run(), 1, "only the line appended since");
    assert_eq!(run(), 0);
}

#[test]
fn nul_bytes_that_are_no_hole_are_still_binary() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, data) in [
        ("short-run.log", b"\x00\x00\x00\x10header\x00\n".to_vec()),
        (
            "utf16.log",
            "2026 okx 50011\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
        ),
        ("after-hole.log", {
            let mut d = vec![0; 1000];
            d.extend(b"ELF\x02\x00\x00\x01\n");
            d
        }),
    ] {
        let mut data = data;
        data.extend(log());
        let f = tmp.path().join(name);
        std::fs::write(&f, &data).unwrap();
        for stdin in [false, true] {
            let mut cmd = okxscan();
            cmd.arg("grep");
            let out = if stdin {
                cmd.arg("-").write_stdin(data.clone()).output().unwrap()
            } else {
                cmd.arg(&f).output().unwrap()
            };
            assert_eq!(out.status.code(), Some(2), "{name}");
            assert!(out.stdout.is_empty(), "{name}");
            assert!(
                stderr(&out).contains("binary file"),
                "{name}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn a_newline_free_stream_is_cut_named_and_the_rest_scanned() {
    // 20 MiB without a newline (what `head -c 1G /dev/zero | tr '\0' a` is), then
    // a log: the long line is named with its offset, the events after it counted.
    let mut data = log();
    let long_at = data.len();
    data.extend(vec![b'a'; 20 << 20]);
    data.push(b'\n');
    data.extend(log());
    let out = okxscan()
        .args(["grep", "--format", "ndjson", "-"])
        .write_stdin(data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(codes(&out), [WANT, WANT].concat());
    assert!(
        stderr(&out).contains(&format!("inside a line (at byte {long_at})")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bidi_controls_in_log_text_are_escaped_in_every_output() {
    // "Trojan Source": U+202E shows what follows reversed; U+2066 to U+2069 isolate.
    let line = "2026-11-22 10:00:00,000 - bot - ERROR - okx \u{2067}{\"code\":\"51008\",\"msg\":\"Order \u{202e}deliaf\u{2066}x\u{2069}\u{200f}\"}\n";
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bot.log");
    std::fs::write(&f, line).unwrap();
    let runs: [&[&str]; 9] = [
        &["grep"],
        &["grep", "--format", "ndjson"],
        &["grep", "--format", "csv"],
        &["grep", "-C", "1"],
        &["summary"],
        &["summary", "--format", "json"],
        &["summary", "--format", "csv"],
        &["report"],
        &["report", "--format", "html"],
    ];
    for args in runs {
        let out = okxscan().args(args).arg(&f).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        for c in ['\u{202e}', '\u{2066}', '\u{2067}', '\u{2069}', '\u{200f}'] {
            assert!(!text.contains(c), "{args:?}: {c:?} in {text}");
        }
    }
    let out = okxscan().args(["grep"]).arg(&f).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Order \\u{202e}deliaf\\u{2066}x\\u{2069}\\u{200f}"),
        "{text}"
    );
}

#[test]
fn bidi_and_control_characters_echoed_from_the_command_line_are_escaped() {
    for args in [
        &["--tz", "Europe/\u{202e}nodnoL\x1b[2J"][..],
        &["--since", "2026-11-22\u{2066}x\u{2069}"],
        &["--message", "(\u{202e}unclosed\x1b]8;;"],
    ] {
        let out = okxscan()
            .arg("summary")
            .args(args)
            .arg("-")
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("okxscan: "), "{err}");
        assert!(
            !err.contains(['\u{202e}', '\u{2066}', '\u{2069}', '\x1b']),
            "{args:?}: {err}"
        );
        assert!(err.contains("\\u{20"), "{args:?}: {err}");
    }
}

/// Runs `okxscan args` with stderr on `/dev/full` (opened, never created: every
/// write to it fails with ENOSPC); returns the exit status.
#[cfg(target_os = "linux")]
fn status_with_full_stderr(args: &[&str], stdin: &[u8]) -> Option<i32> {
    use std::process::Stdio;
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("stdin.log");
    std::fs::write(&input, stdin).unwrap();
    std::process::Command::new(assert_cmd::cargo::cargo_bin("okxscan"))
        .env_clear()
        .env("TZ", "UTC")
        .current_dir(tmp.path())
        .args(args)
        .stdin(Stdio::from(std::fs::File::open(&input).unwrap()))
        .stdout(Stdio::null())
        .stderr(Stdio::from(full))
        .status()
        .unwrap()
        .code()
}

#[cfg(target_os = "linux")]
#[test]
fn a_stderr_that_cannot_be_written_changes_nothing_but_the_silence() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    // An error said in main (exited 101: eprintln! panicked).
    assert_eq!(
        status_with_full_stderr(&["--tz", "bogus", "x"], b""),
        Some(2)
    );
    // The warning of --no-redact, said while the config is built.
    assert_eq!(
        status_with_full_stderr(&["grep", "--no-redact", "-"], &log()),
        Some(0)
    );
    // Problems and --stats, after the scan.
    assert_eq!(
        status_with_full_stderr(&["summary", "--stats", "-", "missing.log"], &log()),
        Some(2)
    );
    assert_eq!(
        status_with_full_stderr(&["grep", "-"], b"nothing\n"),
        Some(1)
    );
}
