//! Ground truth: the row written for each OKX error event as its line is written,
//! the per-hour and per-shape counts kept beside it, the truth file, and the summary
//! with the storm self-check printed on stderr at the end.

use super::codes::Code;
use super::generator::{G, SHAPES};
use super::out::{pu, rfc_z};
use super::plan::FILES;
use std::collections::HashMap;
use std::fs::File;
use std::io::Write;

/// The counts kept beside one file's truth rows, for the summary.
pub(super) struct Stats {
    /// code -> events per hour
    pub(super) hourly: HashMap<&'static str, Vec<u64>>,
    pub(super) shapes: [u64; 9],
    pub(super) events: u64,
}

impl<'a> G<'a> {
    /// Record a truth row for the line being written now.
    pub(super) fn ev(&mut self, code: &'static str, time: Option<i64>, shape: &'static str) {
        let line = self.o.cur_line();
        let t = &mut self.truth;
        t.extend_from_slice(self.f.name().as_bytes());
        t.push(b'\t');
        pu(t, line);
        t.push(b'\t');
        t.extend_from_slice(code.as_bytes());
        t.push(b'\t');
        if let Some(ms) = time {
            rfc_z(t, ms);
        }
        t.push(b'\t');
        t.extend_from_slice(shape.as_bytes());
        t.push(b'\n');
        let hours = self.night.hours;
        self.stats
            .hourly
            .entry(code)
            .or_insert_with(|| vec![0; hours])[self.hour] += 1;
        self.stats.shapes[SHAPES.iter().position(|s| *s == shape).unwrap()] += 1;
        self.stats.events += 1;
    }

    pub(super) fn evn(&mut self, code: &'static str, shape: &'static str) {
        self.ev(code, Some(self.now), shape)
    }
}

/// Writes the truth file: the header, then each file's rows, in `FILES` order.
pub(super) fn write_truth(path: &str, results: &[(Vec<u8>, Stats, u64, u64)]) {
    let mut tf = std::io::BufWriter::new(File::create(path).expect("create truth file"));
    tf.write_all(b"file\tline\tcode\ttime\tshape\n").unwrap();
    for r in results {
        tf.write_all(&r.0).unwrap();
    }
    tf.flush().unwrap();
}

/// Prints the per-file table, the shape counts and the storms' self-check on stderr;
/// `el` is the seconds taken so far.
pub(super) fn summary(
    results: &[(Vec<u8>, Stats, u64, u64)],
    hours: usize,
    storm_codes: &[(&'static Code, usize)],
    el: f64,
    truth_path: &str,
) {
    let tot_bytes: u64 = results.iter().map(|r| r.2).sum();
    let mut shapes = [0u64; 9];
    let mut hourly: HashMap<&'static str, Vec<u64>> = HashMap::new();
    eprintln!(
        "{:<14} {:>12} {:>10} {:>8}",
        "file", "bytes", "lines", "events"
    );
    for (i, r) in results.iter().enumerate() {
        eprintln!(
            "{:<14} {:>12} {:>10} {:>8}",
            FILES[i].name(),
            r.2,
            r.3,
            r.1.events
        );
        for (s, n) in shapes.iter_mut().zip(r.1.shapes) {
            *s += n;
        }
        for (c, v) in &r.1.hourly {
            let e = hourly.entry(c).or_insert_with(|| vec![0; hours]);
            for h in 0..hours {
                e[h] += v[h];
            }
        }
    }
    let evs: u64 = shapes.iter().sum();
    let lines: u64 = results.iter().map(|r| r.3).sum();
    eprintln!("{:<14} {:>12} {:>10} {:>8}", "total", tot_bytes, lines, evs);
    let sh: Vec<String> = SHAPES
        .iter()
        .zip(shapes)
        .map(|(s, n)| format!("{s}={n}"))
        .collect();
    eprintln!("shapes: {}", sh.join(" "));
    eprintln!(
        "distinct codes: {}",
        hourly.keys().filter(|c| !c.is_empty()).count()
    );
    for &(c, h) in storm_codes {
        let v = hourly
            .get(c.code)
            .cloned()
            .unwrap_or_else(|| vec![0; hours]);
        let med = median(&v);
        let ok = v[h] >= 200 && v[h] as f64 >= 40.0 * med;
        eprintln!(
            "storm {}@{}: {} events in the hour, median hourly {} -> {}",
            c.code,
            h,
            v[h],
            med,
            if ok {
                "ok"
            } else {
                "WARNING: below 200 or 40x median"
            }
        );
    }
    eprintln!(
        "wrote {} MiB in {:.2}s ({:.0} MiB/s); truth: {}",
        tot_bytes as f64 / 1_048_576.0,
        el,
        tot_bytes as f64 / 1_048_576.0 / el,
        truth_path
    );
}

fn median(v: &[u64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_unstable();
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2] as f64
    } else {
        (s[n / 2 - 1] + s[n / 2]) as f64 / 2.0
    }
}
