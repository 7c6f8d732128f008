//! `okxscan merge`: the summary of many hosts from the JSON summaries each one wrote.
//!
//! Each host runs `okxscan summary --format json` over its own logs; the merge reads
//! the files' per-file figures back, folds them into one aggregate in the order the
//! files are given (as one run over every host's logs, in that order, would have
//! folded its inputs), re-cuts the time buckets in the display zone, and prints the
//! result through the summary's own renderer. The output is the one such a run would
//! print, byte for byte, in every format: counts, times and buckets are sums, minima
//! and maxima; the shown message of a code is chosen among masked texts by both.
//!
//! Self-contained on purpose: it reads JSON, builds an [`Aggregate`], renders. No
//! scanning, no configuration of inputs.

use crate::aggregate::{Aggregate, CodeStats};
use crate::cli::MergeArgs;
use crate::event::{Api, Category};
use crate::exit::Status;
use crate::render::summary::JSON_VERSION;
use crate::render::{self, RenderCtx};
use crate::time::{Bucket, Zone};
use anyhow::{anyhow, bail, Context, Result};
use clap::ValueEnum;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::io::{self, BufWriter, Read, Write};

/// What the merge reads of a version 2 summary (the rest is recomputed).
#[derive(Deserialize)]
struct Doc {
    zone: String,
    by: String,
    redacted: bool,
    inputs: Inputs,
    total: u64,
    #[serde(default)]
    buckets: Vec<BucketRow>,
    files: Vec<FileFigures>,
}

#[derive(Deserialize)]
struct Inputs {
    files: usize,
    bytes: u64,
    lines: Option<u64>,
}

#[derive(Deserialize)]
struct BucketRow {
    bucket: String,
    code: String,
    count: u64,
}

#[derive(Deserialize)]
struct FileFigures {
    name: String,
    events: u64,
    partial: u64,
    untimed: u64,
    codes: Vec<FileCode>,
}

#[derive(Deserialize)]
struct FileCode {
    code: String,
    count: u64,
    partial: u64,
    first_seen: Option<String>,
    last_seen: Option<String>,
    category: String,
    api: String,
    known: bool,
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    message: String,
    count: u64,
}

/// One summary, read and checked.
struct Summary {
    name: String,
    zone_name: String,
    by: Bucket,
    doc: Doc,
}

pub fn run(args: &MergeArgs) -> Result<Status> {
    let mut stdin_used = false;
    let mut summaries = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let (name, text) = if path.as_os_str() == "-" {
            if stdin_used {
                bail!("'-' (stdin) given more than once");
            }
            stdin_used = true;
            let mut s = String::new();
            io::stdin()
                .read_to_string(&mut s)
                .context("cannot read stdin")?;
            ("(stdin)".to_string(), s)
        } else {
            let name = render::escape::terminal(&path.display().to_string()).into_owned();
            let text = std::fs::read_to_string(path).with_context(|| name.clone())?;
            (name, text)
        };
        summaries.push(read(&name, &text)?);
    }
    let by = summaries[0].by;
    if let Some(other) = summaries.iter().find(|s| s.by != by) {
        bail!(
            "{} was made with --by {} and {} with --by {}: merge summaries made with the same --by",
            summaries[0].name,
            by.as_str(),
            other.name,
            other.by.as_str()
        );
    }
    let zone = display_zone(args.tz.as_deref(), &summaries)?;
    let (agg, ctx) = fold(summaries, by, zone)?;
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout());
    render::summary::write(&mut out, args.format, &agg, &ctx)?;
    out.flush()?;
    Ok(Status::of(agg.total > 0, false))
}

/// Parses one summary and checks its version.
fn read(name: &str, text: &str) -> Result<Summary> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        anyhow!("{name}: not a summary written by `okxscan summary --format json` ({e})")
    })?;
    let version = match value.get("version") {
        None if value.get("codes").is_some() => 1,
        None => bail!("{name}: not a summary written by `okxscan summary --format json`"),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| anyhow!("{name}: bad version {v}"))?,
    };
    if version != u64::from(JSON_VERSION) {
        bail!(
            "{name}: a summary of version {version}; this okxscan merges version {JSON_VERSION} \
             only: run `okxscan summary --format json` of this version on that host again"
        );
    }
    let doc: Doc = serde_json::from_value(value)
        .map_err(|e| anyhow!("{name}: a version {version} summary with a bad field: {e}"))?;
    let by = Bucket::from_str(&doc.by, false)
        .map_err(|_| anyhow!("{name}: unknown bucket width '{}'", doc.by))?;
    if doc.files.len() != doc.inputs.files {
        bail!(
            "{name}: lists {} files but counts {}: the file was cut or edited",
            doc.files.len(),
            doc.inputs.files
        );
    }
    let events: u64 = doc.files.iter().map(|f| f.events).sum();
    if events != doc.total {
        bail!(
            "{name}: its files hold {events} events but its total is {}: the file was cut or edited",
            doc.total
        );
    }
    Ok(Summary {
        name: name.to_string(),
        zone_name: doc.zone.clone(),
        by,
        doc,
    })
}

/// The zone of the merged summary: `--tz`, else the one every summary was made in.
fn display_zone(tz: Option<&str>, summaries: &[Summary]) -> Result<Zone> {
    if let Some(tz) = tz {
        return Ok(Zone::parse(tz)?);
    }
    let first = &summaries[0];
    if let Some(other) = summaries.iter().find(|s| s.zone_name != first.zone_name) {
        bail!(
            "{} was made in zone {} and {} in zone {}: choose the zone of the merged summary with --tz",
            first.name,
            first.zone_name,
            other.name,
            other.zone_name
        );
    }
    source_zone(first)
}

/// The zone a summary was made in (a machine's local zone cannot be told again).
fn source_zone(s: &Summary) -> Result<Zone> {
    Zone::parse(&s.zone_name).map_err(|_| {
        anyhow!(
            "{} was made in the machine's local zone ({}), which a merge cannot know: \
             give --tz, and run summary with --tz on the hosts",
            s.name,
            s.zone_name
        )
    })
}

/// Folds the summaries' files, in order, into one aggregate, with what the renderer
/// needs to know of the inputs.
fn fold(summaries: Vec<Summary>, by: Bucket, zone: Zone) -> Result<(Aggregate, RenderCtx)> {
    let mut total = Aggregate::new(by, zone.clone());
    let mut names: Vec<String> = Vec::new();
    let mut bytes = 0u64;
    let mut lines = Some(0u64);
    let mut redact = false;
    for s in summaries {
        let Summary { name, doc, .. } = &s;
        bytes += doc.inputs.bytes;
        lines = lines.zip(doc.inputs.lines).map(|(a, b)| a + b);
        redact |= doc.redacted;
        if by != Bucket::None {
            let from = source_zone(&s)?;
            for row in &doc.buckets {
                let at = ms(&row.bucket).with_context(|| format!("{name}: bad bucket"))?;
                let Some(b) = recut(at, &from, &zone, by) else {
                    bail!(
                        "{name}: its {by}s (cut in zone {}) do not fall into {by}s of zone {}: \
                         merge with --tz {}, or run summary on the hosts with --tz {}",
                        s.zone_name,
                        zone.name(),
                        s.zone_name,
                        zone.name(),
                        by = by.as_str()
                    );
                };
                *total.buckets.entry((b, row.code.clone())).or_default() += row.count;
            }
        }
        let offset = names.len();
        for (i, f) in s.doc.files.into_iter().enumerate() {
            names.push(f.name);
            if f.events == 0 {
                continue;
            }
            let mut input = Aggregate::new(by, zone.clone());
            input.source = Some(offset + i);
            input.total = f.events;
            input.partial = f.partial;
            input.untimed = f.untimed;
            for c in f.codes {
                let st = code_stats(c).with_context(|| format!("{}: bad file entry", s.name))?;
                input.codes.insert(st.code.clone(), st);
            }
            total.merge(input);
        }
    }
    let ctx = RenderCtx {
        zone,
        redact,
        names,
        bytes,
        lines: lines.unwrap_or(0),
        lines_counted: lines.is_some(),
        partial: total.partial,
    };
    Ok((total, ctx))
}

fn code_stats(c: FileCode) -> Result<CodeStats> {
    let time = |t: Option<String>| t.as_deref().map(ms).transpose();
    let mut messages = FxHashMap::default();
    for m in c.messages {
        *messages.entry(m.message).or_default() += m.count;
    }
    Ok(CodeStats {
        api: Api::parse(&c.api).ok_or_else(|| anyhow!("unknown api '{}'", c.api))?,
        category: Category::parse(&c.category)
            .ok_or_else(|| anyhow!("unknown category '{}'", c.category))?,
        known: c.known,
        count: c.count,
        partial: c.partial,
        first: time(c.first_seen)?,
        last: time(c.last_seen)?,
        messages,
        sample: None,
        code: c.code,
    })
}

/// Milliseconds since the epoch of an RFC 3339 time.
fn ms(s: &str) -> Result<i64> {
    Ok(chrono::DateTime::parse_from_rfc3339(s)
        .with_context(|| format!("bad time '{s}'"))?
        .timestamp_millis())
}

/// The bucket of zone `to` that holds the whole bucket of zone `from` starting at
/// `at`, if one does: an hour of UTC is inside an hour of Asia/Shanghai, an hour of
/// UTC is not inside one of +05:30, a day of UTC is not inside a day of +08:00.
fn recut(at: i64, from: &Zone, to: &Zone, by: Bucket) -> Option<i64> {
    if from == to {
        return Some(at);
    }
    let start = to.floor(at, by);
    (to.floor(next_start(from, at, by) - 1, by) == start).then_some(start)
}

/// The start of the bucket after the one starting at `at` in `zone` (buckets of a
/// zone with daylight saving are not all as long: a day may be 23 or 25 hours, an
/// hour half or one and a half).
fn next_start(zone: &Zone, at: i64, by: Bucket) -> i64 {
    // No bucket is shorter than the step, so none is stepped over.
    let step = match by {
        Bucket::Minute => 60_000,
        _ => 15 * 60_000,
    };
    let mut t = at + step;
    for _ in 0..200 {
        let f = zone.floor(t, by);
        if f > at {
            return f;
        }
        t += step;
    }
    at + by.millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(s: &str) -> Zone {
        Zone::parse(s).unwrap()
    }

    #[test]
    fn buckets_are_recut_only_when_they_fit() {
        let h = ms("2026-11-22T18:00:00Z").unwrap();
        let utc = zone("UTC");
        // An hour of UTC is an hour of Shanghai, not of India.
        assert_eq!(
            recut(h, &utc, &zone("Asia/Shanghai"), Bucket::Hour),
            Some(h)
        );
        assert_eq!(recut(h, &utc, &zone("+05:30"), Bucket::Hour), None);
        // A day of UTC straddles two days of +08:00; a minute fits anywhere.
        let d = ms("2026-11-22T00:00:00Z").unwrap();
        assert_eq!(recut(d, &utc, &zone("+08:00"), Bucket::Day), None);
        assert_eq!(recut(h, &utc, &zone("+05:30"), Bucket::Minute), Some(h));
        // Days of +08:00 are days of Asia/Shanghai (no DST since 1991).
        let sh = ms("2026-11-22T00:00:00+08:00").unwrap();
        assert_eq!(
            recut(sh, &zone("+08:00"), &zone("Asia/Shanghai"), Bucket::Day),
            Some(sh)
        );
        // An hour of +01:00 fits in a day of Europe/Berlin even on a 25-hour day...
        let fall = ms("2026-10-25T01:00:00+01:00").unwrap();
        assert_eq!(
            recut(fall, &zone("+01:00"), &zone("Europe/Berlin"), Bucket::Day),
            Some(ms("2026-10-25T00:00:00+02:00").unwrap())
        );
        // ... and the next bucket after a 25-hour day starts 25 hours later.
        let berlin = zone("Europe/Berlin");
        let day = ms("2026-10-25T00:00:00+02:00").unwrap();
        assert_eq!(next_start(&berlin, day, Bucket::Day), day + 25 * 3_600_000);
    }
}
