//! Shared test helpers: run the real binary in a clean environment, generate nights
//! with their ground truth (the generator in `examples/gen.rs`, included here as a
//! module so tests need no second build), and read outputs back.
#![allow(dead_code)]

#[path = "../../examples/gen.rs"]
#[allow(dead_code, clippy::all)]
pub mod gen;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The okxscan binary with no inherited environment but `TZ=UTC`.
pub fn okxscan() -> Command {
    let mut c = Command::cargo_bin("okxscan").expect("binary built");
    c.env_clear().env("TZ", "UTC");
    c
}

/// One row of a generated night's truth.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Truth {
    pub file: String,
    pub line: u64,
    pub code: String,
    pub time: String,
    pub shape: String,
}

/// A generated night in a temporary folder.
pub struct Night {
    pub tmp: TempDir,
    pub truth: Vec<Truth>,
}

impl Night {
    /// The folder with the six log files.
    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("night")
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }
}

/// Generates a night of about `mb` MiB with `gen` and extra generator arguments.
pub fn night(mb: f64, seed: u64, extra: &[&str]) -> Night {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("night");
    let truth = tmp.path().join("truth.tsv");
    let mut argv: Vec<String> = vec![
        "--out".into(),
        dir.display().to_string(),
        "--mb".into(),
        mb.to_string(),
        "--seed".into(),
        seed.to_string(),
        "--truth".into(),
        truth.display().to_string(),
    ];
    argv.extend(extra.iter().map(|s| s.to_string()));
    gen::run(argv);
    let truth = read_truth(&truth);
    Night { tmp, truth }
}

pub fn read_truth(path: &Path) -> Vec<Truth> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Truth {
                file: f[0].into(),
                line: f[1].parse().unwrap(),
                code: f[2].into(),
                time: f[3].into(),
                shape: f[4].into(),
            }
        })
        .collect()
}

/// Parses NDJSON output.
pub fn ndjson(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad json {l}: {e}")))
        .collect()
}

/// Parses CSV output into rows of (header -> value).
pub fn csv_rows(out: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(out);
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The real-log excerpts shipped in `fixtures/real/` (sources in its README).
pub fn real_logs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real")
}

/// A file of the reference data shipped in `fixtures/reference/` (sources in its README).
pub fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/reference")
        .join(name)
}

/// The sample night shipped in `fixtures/`.
pub fn sample_night() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-night")
}

pub fn sample_truth() -> Vec<Truth> {
    read_truth(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-night.truth.tsv"))
}

/// Events from `grep --format ndjson` as truth-like rows (file name only).
pub fn events_as_truth(out: &[u8]) -> Vec<Truth> {
    let mut v: Vec<Truth> = ndjson(out)
        .iter()
        .map(|e| Truth {
            file: Path::new(e["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            line: e["line"].as_u64().unwrap(),
            code: e["code"].as_str().unwrap().into(),
            time: e["time"].as_str().unwrap_or("").into(),
            shape: e["shape"].as_str().unwrap().into(),
        })
        .collect();
    v.sort();
    v
}
