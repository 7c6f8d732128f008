//! Regression tests, one per bug found, named after it.

use crate::common;
use common::*;
use std::io::Write;

/// A log file with `text` in a fresh temporary folder.
fn log(name: &str, text: impl AsRef<[u8]>) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, text).unwrap();
    (d, p)
}

fn count(path: &std::path::Path, extra: &[&str]) -> String {
    let out = okxscan()
        .args(["grep", "-c"])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_json_line_cut_after_a_time_key_does_not_crash_the_run() {
    let (_d, p) = log("cut.log", "okx {\"code\":\"50102\",\"msg\":\"x\"}\n{\"ts");
    let out = okxscan().args(["grep", "-c"]).arg(&p).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
}

#[test]
fn a_blank_line_inside_a_pretty_body_is_never_a_chunk_cut() {
    let (_d, p) = log("blank.log", "1795371555722 DEBUG order response:\n{\n  \"code\": \"50011\",\n\n  \"msg\": \"Too Many Requests\"\n}\n",);
    for size in ["1", "10", "40", "1000000"] {
        assert_eq!(count(&p, &["--chunk-size", size]), "1", "chunk size {size}");
    }
}

#[test]
fn a_cut_body_before_a_stack_frame_counts_once_at_any_chunk_size() {
    let (_d, p) = log("trunc.log", "1795372343633 ERROR okx {\"code\":\"50011\",\"data\":\n\tat x.y(Z.java:1)\n1795372343999 INFO next\n",);
    for size in ["1", "50", "1000000"] {
        assert_eq!(count(&p, &["--chunk-size", size]), "1", "chunk size {size}");
    }
}

#[test]
fn lines_longer_than_a_chunk_keep_their_events_and_the_next_lines() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("long.log");
    let mut f = std::fs::File::create(&p).unwrap();
    for _ in 0..3 {
        f.write_all(&vec![b'x'; 3 << 20]).unwrap();
        f.write_all(b" okx {\"code\":\"50102\",\"msg\":\"late\"}\nnext okx {\"code\":\"50011\",\"msg\":\"after\"}\n").unwrap();
    }
    drop(f);
    for size in ["65536", "1048576", "100000000"] {
        assert_eq!(count(&p, &["--chunk-size", size]), "6", "chunk size {size}");
    }
}

#[test]
fn a_line_of_stray_braces_still_yields_its_body_and_the_next_line() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("braces.log");
    let line = format!(
        "okx {{\"code\":\"50113\",\"msg\":\"Invalid Sign\"}} {}\nokx {{\"code\":\"50011\",\"msg\":\"x\"}}\n",
        "{".repeat(50_000)
    );
    std::fs::write(&p, line).unwrap();
    assert_eq!(count(&p, &[]), "2");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_read_as_a_stream() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&p)
        .status()
        .unwrap()
        .success());
    let writer_path = p.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        w.write_all(b"okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n")
            .unwrap();
    });
    let out = okxscan().args(["grep", "-c"]).arg(&p).output().unwrap();
    writer.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
}

#[test]
fn c1_control_characters_never_reach_json_output() {
    let (_d, p) = log(
        "c1.log",
        "okx {\"code\":\"50102\",\"msg\":\"x \\u009b31m y\"}\n",
    );
    for args in [
        &["grep", "--format", "ndjson"][..],
        &["summary", "--format", "json"],
    ] {
        let out = okxscan().args(args).arg(&p).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\u{9b}'), "{args:?}: {text}");
        assert!(text.contains("x \\\\x9b31m y"), "{args:?}: {text}");
    }
}

#[test]
fn header_values_with_ampersands_and_python_bytes_are_masked_whole() {
    let (_d, p) = log("h.log", "okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"} headers: {'OK-ACCESS-SIGN': b'q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=', 'OK-ACCESS-PASSPHRASE': 'x'} OK-ACCESS-PASSPHRASE: Tr0ub4dor&3horse-and-more\n",);
    let out = okxscan().args(["grep"]).arg(&p).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("50113"));
    for secret in ["q5Rk1vZpS8nXw3", "&3horse-and-more"] {
        assert!(!text.contains(secret), "{text}");
    }
}

/// Regression: a pretty-printed body cut short by its logger swallowed the next log
/// line's error (`50011` with the next line's message "Invalid Sign", and 50113
/// lost), and a batch line cut short counted its top-level "1" instead of its failed
/// item. A cut record ends where the next record starts; it counts as partial with
/// what it holds, and the answer is the same at any chunk size, through a pipe and
/// from a `.gz`.
#[test]
fn a_cut_body_ends_at_the_next_record_and_a_cut_batch_counts_its_item() {
    let text = "2026-11-22 10:00:00 ERROR okx {\"code\":\"1\",\"data\":[{\"clOrdId\":\"\",\"sCode\":\"51008\",\"sMsg\":\"Order failed. Insufficient USDT balance\"}],\n\
                \n\
                2026-11-22 10:00:05 INFO next\n\
                2026-11-22 10:00:06 ERROR order response:\n\
                {\n  \"code\": \"50011\",\n\n  \"data\":\n\
                2026-11-22 10:00:07 ERROR okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}\n";
    let (d, p) = log("cut.log", text);
    let events = |args: &[&str], input: Option<&[u8]>, path: Option<&std::path::Path>| {
        let mut c = okxscan();
        c.args(["grep", "--format", "csv", "-I"]).args(args);
        match (input, path) {
            (Some(bytes), _) => c.arg("-").write_stdin(bytes.to_vec()),
            (_, Some(path)) => c.arg(path),
            _ => unreachable!(),
        };
        let out = c.output().unwrap();
        // Rows without their file column (the name differs by mode).
        let rows: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split_once(',').unwrap().1.to_string())
            .collect();
        rows.join("\n")
    };
    let want = events(&[], None, Some(&p));
    let rows: Vec<Vec<&str>> = want.lines().map(|l| l.split(',').collect()).collect();
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0], r[2], r[6], r[r.len() - 1]))
        .collect();
    assert_eq!(
        got,
        [
            ("1", "51008", "v5-scode", "true"),
            ("6", "50011", "v5", "true"),
            ("9", "50113", "v5", "false"),
        ],
        "{want}"
    );
    assert!(want.contains("Invalid Sign") && !want.contains("50011,rate-limit,v5,Invalid Sign"));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let gz_path = d.path().join("cut.log.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    for size in ["1", "9", "40", "100", "4096"] {
        let args = ["--chunk-size", size];
        assert_eq!(
            events(&args, None, Some(&p)),
            want,
            "file, chunk size {size}"
        );
        assert_eq!(
            events(&args, Some(text.as_bytes()), None),
            want,
            "pipe, chunk size {size}"
        );
        assert_eq!(
            events(&args, None, Some(&gz_path)),
            want,
            ".gz, chunk size {size}"
        );
    }
}
