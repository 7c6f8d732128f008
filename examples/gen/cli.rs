//! The command line: the options, their defaults (the storms), and `--start` time parsing.

use super::out::days_from_civil;

/// The options of one run (see the module doc of `examples/gen.rs`).
pub(super) struct Args {
    pub(super) out: String,
    pub(super) mb: f64,
    pub(super) seed: u64,
    pub(super) truth: Option<String>,
    pub(super) start: i64,
    pub(super) hours: usize,
    pub(super) storms: Vec<(String, usize)>,
    no_storms: bool,
    pub(super) secrets: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen --out DIR [--mb N] [--seed S] [--truth FILE] [--start 2026-11-22T18:00:00Z] [--hours H] [--storm CODE@HOUR ...] [--no-storms] [--secrets]"
    );
    std::process::exit(2)
}

fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &s[st..i];
        let f3: String = frac.chars().chain("000".chars()).take(3).collect();
        ms = f3.parse().ok()?;
    }
    let off = match &s[i..] {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let v = o[1..3].parse::<i64>().ok()? * 60 + o[4..6].parse::<i64>().ok()?;
            if o.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) - off * 60) * 1000 + ms)
}

/// Parses the options and fills in the default storms; on a bad option prints the
/// usage (or the reason) and exits 2.
pub(super) fn parse_args(v: Vec<String>) -> Args {
    let mut a = Args {
        out: String::new(),
        mb: 4.0,
        seed: 1,
        truth: None,
        start: parse_time("2026-11-22T18:00:00Z").unwrap(),
        hours: 12,
        storms: Vec::new(),
        no_storms: false,
        secrets: false,
    };
    let mut i = 0;
    let val = |i: &mut usize| -> String {
        *i += 1;
        v.get(*i).cloned().unwrap_or_else(|| usage())
    };
    while i < v.len() {
        match v[i].as_str() {
            "--out" => a.out = val(&mut i),
            "--mb" => a.mb = val(&mut i).parse().unwrap_or_else(|_| usage()),
            "--seed" => a.seed = val(&mut i).parse().unwrap_or_else(|_| usage()),
            "--truth" => a.truth = Some(val(&mut i)),
            "--start" => a.start = parse_time(&val(&mut i)).unwrap_or_else(|| usage()),
            "--hours" => a.hours = val(&mut i).parse().unwrap_or_else(|_| usage()),
            "--secrets" => a.secrets = true,
            "--no-storms" => a.no_storms = true,
            "--storm" => {
                let mut any = false;
                while i + 1 < v.len() && !v[i + 1].starts_with("--") {
                    i += 1;
                    let (c, h) = v[i].split_once('@').unwrap_or_else(|| usage());
                    a.storms
                        .push((c.to_string(), h.parse().unwrap_or_else(|_| usage())));
                    any = true;
                }
                if !any {
                    usage();
                }
            }
            "-h" | "--help" => usage(),
            _ => usage(),
        }
        i += 1;
    }
    if a.out.is_empty()
        || a.hours == 0
        || a.mb.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
    {
        usage();
    }
    if a.storms.is_empty() && !a.no_storms {
        if a.hours > 3 {
            a.storms.push(("50102".into(), 3));
        }
        if a.hours >= 9 {
            a.storms.push(("50011".into(), 8));
        }
    }
    if a.no_storms {
        a.storms.clear();
    }
    for (_, h) in &a.storms {
        if *h >= a.hours {
            eprintln!(
                "gen: storm hour {h} is outside the night (--hours {})",
                a.hours
            );
            std::process::exit(2);
        }
    }
    a
}
