//! Deterministic generator of realistic "bad nights" of trading-bot logs with
//! ground truth, for okxscan's tests and benchmarks. Standard library only.
//!
//! ```text
//! cargo run --release --example gen -- --out DIR [--mb N] [--seed S] [--truth FILE]
//!     [--start 2026-11-22T18:00:00Z] [--hours H] [--storm CODE@HOUR ...] [--no-storms] [--secrets]
//! ```
//!
//! Writes six log files into DIR (python.log, freqtrade.log, events.jsonl, zap.log,
//! epoch.log, v3bot.log) and the ground truth to FILE (default `DIR.truth.tsv`):
//! `file line code time shape`, one row per OKX error event a careful reader counts.
//! Same seed + same arguments = byte-identical output (each file has its own PRNG
//! stream, so the files can be generated in parallel).
//!
//! One module per log format (`gen/python.rs`, `freqtrade.rs`, `events.rs`, `zap.rs`,
//! `epoch.rs`, `v3bot.rs`), beside the shared parts: the command line (`cli`), the
//! night's plan (`plan`), the generator core and its OKX bodies (`generator`,
//! `bodies`), ground truth and summary (`truth`), randomness (`rng`), the code table
//! (`codes`) and the line writer (`out`). The submodules are named by `#[path]` so that
//! this file works both as the example's root and when the tests include it with
//! `#[path = "../../examples/gen.rs"] mod gen;`.

#[path = "gen/bodies.rs"]
mod bodies;
#[path = "gen/cli.rs"]
mod cli;
#[path = "gen/codes.rs"]
mod codes;
#[path = "gen/epoch.rs"]
mod epoch;
#[path = "gen/events.rs"]
mod events;
#[path = "gen/freqtrade.rs"]
mod freqtrade;
#[path = "gen/generator.rs"]
mod generator;
#[path = "gen/out.rs"]
mod out;
#[path = "gen/plan.rs"]
mod plan;
#[path = "gen/python.rs"]
mod python;
#[path = "gen/rng.rs"]
mod rng;
#[path = "gen/truth.rs"]
mod truth;
#[path = "gen/v3bot.rs"]
mod v3bot;
#[path = "gen/zap.rs"]
mod zap;

use cli::parse_args;
use generator::G;
use plan::{plan, Plan, FILES};
use std::fs::File;
use std::time::Instant;
use truth::{summary, write_truth, Stats};

fn main() {
    run(std::env::args().skip(1).collect());
}

/// Generates a night from command-line style arguments (also used by the tests,
/// which include this file as a module).
pub fn run(argv: Vec<String>) {
    let a = parse_args(argv);
    let t0 = Instant::now();

    let Plan {
        night,
        storm_codes,
        quotas,
        hour_budgets,
    } = plan(&a);

    // generate the six files in parallel (each has its own PRNG stream)
    std::fs::create_dir_all(&a.out).expect("create --out dir");
    let results: Vec<(Vec<u8>, Stats, u64, u64)> = std::thread::scope(|s| {
        let hs: Vec<_> = FILES
            .iter()
            .enumerate()
            .map(|(i, &f)| {
                let path = std::path::Path::new(&a.out).join(f.name());
                let night = &night;
                let hb = &hour_budgets[i];
                let q = &quotas[i];
                let seed = a.seed;
                s.spawn(move || {
                    let file = File::create(&path).expect("create log file");
                    let mut g = G::new(f, seed, night, Some(file));
                    g.run(hb, q);
                    (
                        std::mem::take(&mut g.truth),
                        g.stats,
                        g.o.bytes(),
                        g.o.lines,
                    )
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let truth_path = a
        .truth
        .clone()
        .unwrap_or_else(|| format!("{}.truth.tsv", a.out.trim_end_matches('/')));
    write_truth(&truth_path, &results);
    let el = t0.elapsed().as_secs_f64();

    summary(&results, a.hours, &storm_codes, el, &truth_path);
}
