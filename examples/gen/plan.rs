//! The night's plan, made before any byte is written: the six files and their shares,
//! the night's codes, the calibration of event rates per file, storm quotas per file
//! and hour, and each file's byte budget per hour.

use super::cli::Args;
use super::codes::{find_code, leak_code, Code, Kind, CODES, NIGHT_SIZE, REQUIRED};
use super::generator::G;
use super::rng::Rng;
use std::collections::HashMap;

/// The six log files, one format each.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum F {
    Py,
    Ft,
    Ev,
    Zap,
    Ep,
    V3,
}

pub(super) const FILES: [F; 6] = [F::Py, F::Ft, F::Ev, F::Zap, F::Ep, F::V3];

impl F {
    pub(super) fn name(self) -> &'static str {
        match self {
            F::Py => "python.log",
            F::Ft => "freqtrade.log",
            F::Ev => "events.jsonl",
            F::Zap => "zap.log",
            F::Ep => "epoch.log",
            F::V3 => "v3bot.log",
        }
    }
    fn share(self) -> f64 {
        match self {
            F::Py => 0.25,
            F::Ft => 0.20,
            F::Ev => 0.20,
            F::Zap => 0.15,
            F::Ep => 0.10,
            F::V3 => 0.10,
        }
    }
    pub(super) fn accepts(self, k: Kind) -> bool {
        match self {
            F::Py | F::Ev | F::Zap | F::Ep => matches!(k, Kind::Rest | Kind::Ws),
            F::Ft => k == Kind::Rest,
            F::V3 => matches!(k, Kind::V3 | Kind::V1),
        }
    }
    /// chance that a record is an error-event record (baseline, outside storms)
    pub(super) fn p_event(self) -> f64 {
        match self {
            F::Py => 0.020,
            F::Ft => 0.009,
            F::Ev => 0.020,
            F::Zap => 0.020,
            F::Ep => 0.018,
            F::V3 => 0.017,
        }
    }
}

/// What every file of the night shares: its start, length, codes, and whether
/// secrets are written.
pub(super) struct Night {
    pub(super) start: i64,
    pub(super) hours: usize,
    pub(super) secrets: bool,
    pub(super) codes: Vec<&'static Code>,
}

/// The plan of a night: its codes, storms, storm quotas and byte budgets.
pub(super) struct Plan {
    pub(super) night: Night,
    pub(super) storm_codes: Vec<(&'static Code, usize)>,
    pub(super) quotas: Vec<Vec<Vec<(&'static Code, u64)>>>,
    pub(super) hour_budgets: Vec<Vec<u64>>,
}

/// Plans the night from the options: picks its codes with the seed, calibrates each
/// file's event rates on a one-hour sample, then spreads the storm quotas and the byte
/// budgets over files and hours.
pub(super) fn plan(a: &Args) -> Plan {
    // the night's codes: the required ones, ~6 weighted extras, and any storm codes
    let mut rng = Rng::new(a.seed ^ 0x0005_EED0_F0C5);
    let mut codes: Vec<&'static Code> = REQUIRED.iter().map(|c| find_code(c).unwrap()).collect();
    let mut extras: Vec<&'static Code> = CODES
        .iter()
        .filter(|c| !REQUIRED.contains(&c.code))
        .collect();
    while codes.len() < NIGHT_SIZE && !extras.is_empty() {
        let tot: u64 = extras.iter().map(|c| c.w as u64).sum();
        let mut r = rng.below(tot);
        let mut k = 0;
        for (j, c) in extras.iter().enumerate() {
            if r < c.w as u64 {
                k = j;
                break;
            }
            r -= c.w as u64;
        }
        codes.push(extras.remove(k));
    }
    let mut storm_codes: Vec<(&'static Code, usize)> = Vec::new();
    for (s, h) in &a.storms {
        let c = find_code(s).unwrap_or_else(|| leak_code(s));
        if !codes.iter().any(|x| x.code == c.code) {
            codes.push(c);
        }
        storm_codes.push((c, *h));
    }
    let night = Night {
        start: a.start,
        hours: a.hours,
        secrets: a.secrets,
        codes,
    };

    // calibration: baseline events of each code per byte, and bytes per storm event, per file
    let total = (a.mb * 1_048_576.0) as u64;
    let cal = 1u64 << 20;
    let mut rate: Vec<HashMap<&'static str, f64>> = Vec::new();
    let mut storm_bpe: Vec<HashMap<&'static str, f64>> = Vec::new();
    for f in FILES {
        let cal_night = Night {
            start: a.start,
            hours: 1,
            secrets: a.secrets,
            codes: night.codes.clone(),
        };
        let mut g = G::new(f, a.seed ^ 0xCA1_1B4A7E, &cal_night, None);
        g.run(&[cal], &[Vec::new()]);
        // expected baseline rate of code c (events per byte) =
        //   P(event record) * P(code c | event record) * E[c-events per c-record] / E[bytes per record]
        let bytes_per_record = g.o.bytes() as f64 / g.records.max(1) as f64;
        let mut m = HashMap::new();
        let mut sb = HashMap::new();
        for (c, _) in &storm_codes {
            if f.accepts(c.kind) && g.pick_total > 0 {
                let before = g.stats.hourly.get(c.code).map_or(0, |v| v[0]);
                for _ in 0..400 {
                    g.event(c);
                }
                let after = g.stats.hourly.get(c.code).map_or(0, |v| v[0]);
                let per_rec = (after - before) as f64 / 400.0;
                let p_c = c.w as f64 / g.pick_total as f64;
                m.insert(c.code, f.p_event() * p_c * per_rec / bytes_per_record);
                let b0 = g.o.bytes();
                let mut n = 0;
                g.storm = true;
                for _ in 0..64 {
                    n += g.event(c);
                }
                g.storm = false;
                sb.insert(c.code, (g.o.bytes() - b0) as f64 / n.max(1) as f64);
            }
        }
        storm_bpe.push(sb);
        rate.push(m);
    }

    // storm quotas per file and hour; hour byte budgets per file
    let budgets_f: Vec<u64> = FILES
        .iter()
        .map(|f| (total as f64 * f.share()) as u64)
        .collect();
    let mut quotas: Vec<Vec<Vec<(&'static Code, u64)>>> =
        vec![vec![Vec::new(); a.hours]; FILES.len()];
    let mut storm_bytes = vec![0f64; FILES.len()];
    for &(c, h) in &storm_codes {
        let acc: Vec<usize> = (0..FILES.len())
            .filter(|&i| FILES[i].accepts(c.kind))
            .collect();
        if acc.is_empty() {
            continue;
        }
        let e: f64 = acc
            .iter()
            .map(|&i| {
                rate[i].get(c.code).copied().unwrap_or(0.0) * budgets_f[i] as f64 / a.hours as f64
            })
            .sum();
        // >= 200 events in the hour and >= 40x the median hourly count (margin for noise)
        let q = (42.0 * (e + e.sqrt())).ceil().max(210.0) as u64;
        let wsum: f64 = acc.iter().map(|&i| FILES[i].share()).sum();
        let mut given = 0;
        for (k, &i) in acc.iter().enumerate() {
            let qi = if k + 1 == acc.len() {
                q - given
            } else {
                (q as f64 * FILES[i].share() / wsum).round() as u64
            };
            given += qi;
            quotas[i][h].push((c, qi));
            storm_bytes[i] += qi as f64 * storm_bpe[i].get(c.code).copied().unwrap_or(200.0);
        }
    }
    let hour_budgets: Vec<Vec<u64>> = (0..FILES.len())
        .map(|i| {
            let base = ((budgets_f[i] as f64 - storm_bytes[i]).max(budgets_f[i] as f64 * 0.3)
                / a.hours as f64) as u64;
            (0..a.hours)
                .map(|h| {
                    let extra: f64 = quotas[i][h]
                        .iter()
                        .map(|(c, q)| {
                            *q as f64 * storm_bpe[i].get(c.code).copied().unwrap_or(200.0)
                        })
                        .sum();
                    base + extra as u64
                })
                .collect()
        })
        .collect();
    Plan {
        night,
        storm_codes,
        quotas,
        hour_budgets,
    }
}
