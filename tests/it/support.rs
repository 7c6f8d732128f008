//! Small helpers for the integration tests of `grep`, the CLI, the knowledge base
//! and the shapes: hand-written logs in a temporary folder, time arithmetic on the
//! truth's RFC 3339 strings, and readable failures.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// Milliseconds since the epoch of an RFC 3339 time (the truth's `time` column).
pub fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("bad time {rfc3339}: {e}"))
        .timestamp_millis()
}

/// Hand-written log files in a fresh temporary folder.
pub struct Logs {
    pub tmp: TempDir,
}

impl Logs {
    pub fn new(files: &[(&str, &str)]) -> Logs {
        let tmp = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = tmp.path().join(name);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).unwrap();
            }
            std::fs::write(p, text).unwrap();
        }
        Logs { tmp }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit status, showing stderr when it differs.
pub fn assert_status(o: &Output, want: i32) {
    assert_eq!(
        o.status.code(),
        Some(want),
        "exit status; stderr:\n{}\nstdout (start):\n{}",
        stderr(o),
        String::from_utf8_lossy(&o.stdout[..o.stdout.len().min(2000)])
    );
}

/// The file name of a path as printed by okxscan.
pub fn base(p: &str) -> String {
    Path::new(p)
        .file_name()
        .map_or_else(|| p.to_string(), |f| f.to_string_lossy().into_owned())
}

/// Parses `path:N` lines of `grep -c` into file name -> N.
pub fn counts_by_file(out: &str) -> BTreeMap<String, u64> {
    out.lines()
        .map(|l| {
            let (p, n) = l
                .rsplit_once(':')
                .unwrap_or_else(|| panic!("not path:N: {l}"));
            (base(p), n.parse().unwrap_or_else(|_| panic!("bad N: {l}")))
        })
        .collect()
}

/// Removes ANSI SGR sequences (`ESC [ ... m`).
pub fn strip_ansi(s: &str) -> String {
    let re = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    re.replace_all(s, "").into_owned()
}

/// The fixed set of categories, as the tool prints them.
pub const CATEGORIES: [&str; 10] = [
    "auth",
    "clock",
    "permission",
    "rate-limit",
    "availability",
    "funds",
    "order",
    "account",
    "request",
    "other",
];
