//! Inputs as they are on a bot server: rotated logs compressed in every way, a
//! directory where some files are broken, FIFOs and symlink loops, stdin, and
//! binary files. What is readable is counted; what is not is named on stderr.

use crate::common;
use common::*;
use serde_json::Value;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A guard against a hang (a FIFO opened for reading); never reached otherwise.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = xz2::write::XzEncoder::new(Vec::new(), 1);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Two gzip members, cut at the line start nearest the middle (`cat a.gz b.gz`).
fn gzip_two_members(data: &[u8]) -> Vec<u8> {
    let mid = data.len() / 2;
    let cut = data[mid..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(data.len(), |p| mid + p + 1);
    let mut out = gzip(&data[..cut]);
    out.extend(gzip(&data[cut..]));
    out
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// NDJSON events with each `file` reduced to its name without a compression suffix.
fn events_by_name(out: &[u8]) -> Vec<Value> {
    ndjson(out)
        .into_iter()
        .map(|mut e| {
            let f = e["file"].as_str().unwrap().to_string();
            let name = Path::new(&f).file_name().unwrap().to_string_lossy();
            let name = [".gz", ".zst", ".bz2", ".xz"]
                .iter()
                .fold(name.to_string(), |n, s| {
                    n.strip_suffix(s).map_or(n.clone(), str::to_string)
                });
            e["file"] = Value::String(name);
            e
        })
        .collect()
}

/// File, line, code and time equal (shapes are the truth's words, not okxscan's).
fn assert_same_as_truth(mut got: Vec<Truth>, mut want: Vec<Truth>) {
    let key = |t: &Truth| (t.file.clone(), t.line, t.code.clone(), t.time.clone());
    got.sort();
    want.sort();
    let g: Vec<_> = got.iter().map(key).collect();
    let w: Vec<_> = want.iter().map(key).collect();
    let missing: Vec<_> = w.iter().filter(|x| !g.contains(x)).take(5).collect();
    let extra: Vec<_> = g.iter().filter(|x| !w.contains(x)).take(5).collect();
    assert!(
        g == w,
        "{} events, truth {}\nmissing: {missing:?}\nextra: {extra:?}",
        g.len(),
        w.len()
    );
}

#[test]
fn every_compression_gives_the_same_summary_and_events() {
    let n = night(2.0, 11, &[]);
    type Pack = fn(&[u8]) -> Vec<u8>;
    let variants: [(&str, &str, Pack); 7] = [
        ("plain", "", |d| d.to_vec()),
        ("gz", ".gz", gzip),
        ("zst", ".zst", |d| zstd::encode_all(d, 3).unwrap()),
        ("bz2", ".bz2", bzip2),
        ("xz", ".xz", xz),
        ("gz-no-extension", "", gzip),
        ("gz-two-members", ".gz", gzip_two_members),
    ];
    let mut base: Option<(Vec<u8>, Vec<Value>)> = None;
    for (label, ext, pack) in variants {
        let dir = n.tmp.path().join(label);
        fs::create_dir(&dir).unwrap();
        for f in sorted_files(&n.dir()) {
            let name = format!("{}{ext}", f.file_name().unwrap().to_string_lossy());
            fs::write(dir.join(name), pack(&fs::read(&f).unwrap())).unwrap();
        }
        // Small chunks, so that streams are cut many times too.
        let run = |cmd: &[&str]| {
            let out = okxscan()
                .args(cmd)
                .args(["--tz", "UTC", "--chunk-size", "65536"])
                .arg(&dir)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{label}: {}", stderr(&out));
            out.stdout
        };
        let summary = run(&["summary", "--format", "csv"]);
        let grep = run(&["grep", "--format", "ndjson"]);
        let events = events_by_name(&grep);
        match &base {
            None => {
                assert_same_as_truth(events_as_truth(&grep), n.truth.clone());
                base = Some((summary, events));
            }
            Some((s, e)) => {
                assert_eq!(
                    String::from_utf8_lossy(&summary),
                    String::from_utf8_lossy(s),
                    "{label}: summary"
                );
                assert_eq!(events.len(), e.len(), "{label}: event count");
                for (a, b) in events.iter().zip(e) {
                    assert_eq!(a, b, "{label}");
                }
            }
        }
    }
}

const L50102: &str = r#"2026-11-22 10:00:00,000 - bot - ERROR - okx {"code":"50102","msg":"Timestamp request expired"}"#;

/// One `(file name, line, code)` per event.
fn file_line_code(out: &[u8]) -> Vec<(String, u64, String)> {
    let mut v: Vec<_> = ndjson(out)
        .iter()
        .map(|e| {
            let f = e["file"].as_str().unwrap();
            (
                Path::new(f).file_name().unwrap().to_string_lossy().into(),
                e["line"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Noise lines that deflate cannot shrink much, so a cut falls well after the
/// events written before them.
fn noise(lines: usize) -> Vec<u8> {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut out = Vec::new();
    for i in 0..lines {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        writeln!(
            out,
            "2026-11-22 10:30:00,000 - bot - INFO - tick {i} {s:016x}{:016x}",
            s.rotate_left(29)
        )
        .unwrap();
    }
    out
}

/// A 256 MiB line that ends in an error body, then another error line, written
/// as a stream.
fn write_huge(path: &Path) {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    w.write_all(b"2026-11-22 10:00:00,000 - bot - DEBUG - payload=")
        .unwrap();
    let block = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789+/".repeat(1 << 14);
    let mut written = 0usize;
    while written < 256 << 20 {
        w.write_all(&block).unwrap();
        written += block.len();
    }
    w.write_all(b" response: okx {\"code\":\"50011\",\"msg\":\"Too Many Requests\"}\n")
        .unwrap();
    w.write_all(
        b"2026-11-22 10:00:02,000 - bot - ERROR - okx {\"code\":\"50013\",\"msg\":\"Systems are busy\"}\n",
    )
    .unwrap();
    w.flush().unwrap();
}

#[test]
fn a_directory_with_broken_files_loses_only_what_is_broken() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    fs::create_dir(&dir).unwrap();

    // Binary: NUL bytes, then an event that must not be counted without --binary.
    let mut bin = b"\x00\x01\x02ELF\x00\x00\n".to_vec();
    bin.extend(br#"2026-11-22 10:00:00,000 okx {"code":"50001","msg":"x"}"#);
    bin.push(b'\n');
    fs::write(dir.join("core.bin.log"), bin).unwrap();

    // Truncated gzip: 20 events, then noise; cut in the middle of the noise.
    let mut data = Vec::new();
    for _ in 0..20 {
        writeln!(data, "{L50102}").unwrap();
    }
    data.extend(noise(20_000));
    writeln!(
        data,
        r#"2026-11-22 11:00:00,000 - bot - ERROR - okx {{"code":"51000","msg":"lost"}}"#
    )
    .unwrap();
    let gz = gzip(&data);
    fs::write(dir.join("cut.log.gz"), &gz[..gz.len() / 2]).unwrap();

    // Invalid UTF-8 around and inside the body of an error line.
    let mut bad = b"2026-11-22 10:00:05,000 - \xff\xfe bot - ERROR - okx {\"code\":\"51008\",\"msg\":\"Order failed \xc3( \xff\"}\n".to_vec();
    bad.extend(b"2026-11-22 10:00:06,000 - bot - INFO - \x80\x81 fine\n");
    fs::write(dir.join("latin.log"), bad).unwrap();

    write_huge(&dir.join("huge.log"));
    fs::write(dir.join("empty.log"), b"").unwrap();

    let missing = tmp.path().join("rotated.log.1");
    let out = okxscan()
        .args(["grep", "--format", "ndjson", "--tz", "UTC"])
        .arg(&dir)
        .arg(&missing)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let mut want: Vec<(String, u64, String)> = (1..=20)
        .map(|l| ("cut.log.gz".into(), l, "50102".into()))
        .collect();
    want.push(("huge.log".into(), 1, "50011".into()));
    want.push(("huge.log".into(), 2, "50013".into()));
    want.push(("latin.log".into(), 1, "51008".into()));
    want.sort();
    assert_eq!(file_line_code(&out.stdout), want, "{err}");
    let said = |name: &str, what: &str| {
        err.lines()
            .any(|l| l.contains(name) && l.to_lowercase().contains(what))
    };
    assert!(said("cut.log.gz", "truncated"), "{err}");
    assert!(said("rotated.log.1", "no such file"), "{err}");
    assert!(said("core.bin.log", "binary"), "{err}");
    // A line of 256 MiB is cut into pieces (over --max-record), and named: the
    // error at its end and the line after it still count.
    assert!(
        said("huge.log", "cut into pieces inside a line (at byte 0)"),
        "{err}"
    );
    assert!(!err.contains("panick"), "{err}");
    // The invalid bytes came out as replacement characters, in valid JSON.
    let latin = ndjson(&out.stdout)
        .into_iter()
        .find(|e| e["code"] == "51008")
        .unwrap();
    assert!(latin["message"]
        .as_str()
        .unwrap()
        .starts_with("Order failed \u{fffd}"));
}

#[cfg(unix)]
#[test]
fn glob_order_fifos_and_symlink_loops() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let line = |code: &str| {
        format!("2026-11-22 10:00:00,000 okx {{\"code\":\"{code}\",\"msg\":\"m\"}}\n").into_bytes()
    };
    // Created out of order: the walk sorts.
    fs::write(d.join("z.log"), line("50102")).unwrap();
    fs::create_dir_all(d.join("m/deeper")).unwrap();
    fs::write(d.join("m/deeper/c.log"), line("50013")).unwrap();
    fs::write(d.join("notes.txt"), line("50001")).unwrap();
    fs::write(d.join("a.log.gz"), gzip(&line("50011"))).unwrap();
    fs::create_dir(d.join("b")).unwrap();
    fs::write(d.join("b/a.log.1"), line("51008")).unwrap();
    let st = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.log"))
        .status()
        .unwrap();
    assert!(st.success());
    std::os::unix::fs::symlink("../..", d.join("m/deeper/up")).unwrap();

    let run = |follow: bool| {
        let mut c = okxscan();
        c.args(["grep", "--format", "ndjson", "--glob", "*.log*"]);
        if follow {
            c.arg("-L");
        }
        let out = c.arg(d).timeout(HANG_GUARD).output().unwrap();
        let err = stderr(&out);
        // Notices, not errors: the run still found events.
        assert_eq!(out.status.code(), Some(0), "{err}");
        let files: Vec<String> = ndjson(&out.stdout)
            .iter()
            .map(|e| {
                Path::new(e["file"].as_str().unwrap())
                    .strip_prefix(d)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            files,
            ["a.log.gz", "b/a.log.1", "m/deeper/c.log", "z.log"],
            "follow {follow}"
        );
        assert!(
            err.lines()
                .any(|l| l.contains("pipe.log") && l.contains("not a regular file")),
            "{err}"
        );
        err
    };
    let err = run(true);
    assert!(
        err.lines()
            .any(|l| l.contains("m/deeper/up") && l.contains("loop")),
        "{err}"
    );
    let err = run(false);
    assert!(!err.contains("loop"), "{err}");
}

#[test]
fn stdin_plain_and_compressed() {
    let file = sample_night().join("python.log");
    let data = fs::read(&file).unwrap();
    let want = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(want.status.code(), Some(0));
    let want: Vec<Value> = ndjson(&want.stdout)
        .into_iter()
        .map(|mut e| {
            e["file"] = "<stdin>".into();
            e
        })
        .collect();
    assert!(!want.is_empty());
    let inputs: [(&str, Vec<u8>); 3] = [
        ("plain", data.clone()),
        ("gzip", gzip(&data)),
        ("zstd", zstd::encode_all(&data[..], 3).unwrap()),
    ];
    for (label, bytes) in inputs {
        // `-` named, and stdin taken by default when it is not a terminal.
        for dash in [true, false] {
            let mut c = okxscan();
            c.args(["grep", "--format", "ndjson", "--chunk-size", "65536"]);
            if dash {
                c.arg("-");
            }
            let out = c.write_stdin(bytes.clone()).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{label}: {}", stderr(&out));
            assert_eq!(ndjson(&out.stdout), want, "{label}, dash {dash}");
        }
    }
}

/// Events of `grep --format ndjson` over `path`, as if read from stdin.
fn events_as_stdin(path: &Path) -> Vec<Value> {
    let out = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(path)
        .output()
        .unwrap();
    ndjson(&out.stdout)
        .into_iter()
        .map(|mut e| {
            e["file"] = "<stdin>".into();
            e
        })
        .collect()
}

#[test]
fn stdin_redirected_from_a_file_is_read_from_where_the_shell_left_it() {
    use std::io::{Seek, SeekFrom};
    let path = sample_night().join("python.log");
    let data = fs::read(&path).unwrap();
    // A later part alone, cut at a line start, as after `read` in a shell script.
    let cut = data.len() / 2
        + data[data.len() / 2..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 1;
    let dir = tempfile::tempdir().unwrap();
    let tail = dir.path().join("tail.log");
    fs::write(&tail, &data[cut..]).unwrap();
    let cases = [(0, events_as_stdin(&path)), (cut, events_as_stdin(&tail))];
    // `-` named twice is read once.
    for ((from, want), dashes) in cases.iter().flat_map(|c| [(c, 1), (c, 2)]) {
        assert!(!want.is_empty());
        let mut f = File::open(&path).unwrap();
        f.seek(SeekFrom::Start(*from as u64)).unwrap();
        // A file as stdin itself (assert_cmd would copy it through a pipe).
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("okxscan"))
            .env_clear()
            .env("TZ", "UTC")
            .args(["grep", "--format", "ndjson", "--chunk-size", "65536"])
            .args(std::iter::repeat_n("-", dashes))
            .stdin(f.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(&ndjson(&out.stdout), want, "from byte {from}, {dashes} x -");
        // Left at its end, as reading it through would leave it.
        assert_eq!(f.stream_position().unwrap(), data.len() as u64);
    }
}

#[test]
fn binary_files_are_skipped_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("dump.log");
    let mut data = b"\x00\x00\x00\x10header\x00\n".to_vec();
    data.extend(L50102.as_bytes());
    data.push(b'\n');
    // A NUL inside the body itself.
    data.extend(b"2026-11-22 10:00:01,000 - okx {\"code\":\"50011\",\"msg\":\"a\x00b\"}\n");
    fs::write(&f, &data).unwrap();

    let out = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("dump.log"), "{}", stderr(&out));

    let out = okxscan()
        .args(["grep", "--format", "ndjson", "--binary"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got: Vec<(u64, String)> = ndjson(&out.stdout)
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(got, [(2, "50102".to_string()), (3, "50011".to_string())]);
    // The NUL is escaped by JSON, never written raw.
    assert!(!out.stdout.contains(&0));
}
