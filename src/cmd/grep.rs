//! `okxscan grep`: the lines that hold matching errors, ripgrep-style, or the events
//! themselves as NDJSON/CSV. Each source renders into its own buffer in parallel;
//! buffers are written in input order, so output is the same for any thread count.

use super::{say_problems, say_stats, scan_all, Output};
use crate::cli::{ColorChoice, GrepArgs, GrepFormat};
use crate::config::Config;
use crate::event::Event;
use crate::exit::Status;
use crate::input::decompress;
use crate::input::{describe, Problem};
use crate::render::grep::{self as out, TextStyle};
use crate::render::RenderCtx;
use anyhow::Result;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, IsTerminal, Write};

/// What a source's scan leaves for printing.
#[derive(Default)]
struct Found {
    buf: Vec<u8>,
    events: u64,
    /// Line numbers of matches (context mode only).
    lines: BTreeSet<u64>,
    last_line: u64,
    /// The source cannot be read twice (stdin): in context mode, `buf` also keeps
    /// the matching lines, printed without context.
    once: bool,
}

pub fn run(args: &GrepArgs) -> Result<Status> {
    let mut cfg = Config::new(&args.scan, &args.filter)?;
    let before = args.before_context.or(args.context).unwrap_or(0);
    let after = args.after_context.or(args.context).unwrap_or(0);
    let context = (before > 0 || after > 0)
        && args.format == GrepFormat::Text
        && !args.only_matching
        && !args.count
        && !args.files_with_matches;
    let needs_text = args.format == GrepFormat::Text && !args.count && !args.files_with_matches;
    cfg.scan.opts.count_lines = true;
    cfg.scan.opts.keep_text = needs_text;
    let tty = std::io::stdout().is_terminal();
    let (sources, _) = cfg.sources();
    let style = TextStyle {
        filename: !args.no_filename
            && (args.with_filename
                || sources.len() > 1
                || cfg.paths.iter().any(|p| std::path::Path::new(p).is_dir())),
        line_number: !args.no_line_number && (args.line_number || tty || context),
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty,
        },
        only_matching: args.only_matching,
    };
    // Names are known before scanning: render in the workers.
    let names: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    let pre = RenderCtx {
        zone: cfg.zone.clone(),
        redact: cfg.redact,
        names,
        bytes: 0,
        lines: 0,
        lines_counted: true,
        partial: 0,
    };
    let max = args.max_count.unwrap_or(u64::MAX);
    let scanned = scan_all(
        &cfg,
        |i| Found {
            once: context && sources.get(i).is_some_and(|s| s.path.is_none()),
            ..Found::default()
        },
        |f, ev: Event<'_>| {
            if f.events >= max {
                return;
            }
            f.events += 1;
            if args.count || args.files_with_matches {
                return;
            }
            match args.format {
                GrepFormat::Ndjson => out::ndjson(&mut f.buf, &pre, &ev),
                GrepFormat::Csv => out::csv_row(&mut f.buf, &pre, &ev),
                GrepFormat::Text if context => {
                    f.lines.insert(ev.line);
                    if f.once && ev.line != f.last_line {
                        f.last_line = ev.line;
                        out::text_line(&mut f.buf, &pre, &style, &ev);
                    }
                }
                GrepFormat::Text => {
                    // Items of one batch share a line: print it once.
                    if ev.line != f.last_line {
                        f.last_line = ev.line;
                        out::text_line(&mut f.buf, &pre, &style, &ev);
                    }
                }
            }
        },
    );
    let mut w = Output::new(None)?;
    if args.format == GrepFormat::Csv && !args.count && !args.files_with_matches {
        let mut hdr = csv::Writer::from_writer(Vec::new());
        hdr.write_record(out::CSV_HEADER)?;
        w.write_all(&hdr.into_inner().map_err(|e| e.into_error())?)?;
    }
    let mut matched = 0;
    let mut problems = Vec::new();
    // Context groups of different files are separated by `--` too, as grep does.
    let mut groups_shown = false;
    for (i, (f, _)) in scanned.results.iter().enumerate() {
        matched += f.events;
        if f.events == 0 {
            continue;
        }
        let name = pre.name(i);
        if args.files_with_matches {
            writeln!(w, "{}", crate::render::escape::terminal(name))?;
        } else if args.count {
            if style.filename {
                writeln!(w, "{}:{}", crate::render::escape::terminal(name), f.events)?;
            } else {
                writeln!(w, "{}", f.events)?;
            }
        } else if context {
            let mut buf = Vec::new();
            if let Err(p) = with_context(
                &mut buf,
                &pre,
                &style,
                i,
                &scanned.sources[i],
                &f.lines,
                before,
                after,
            ) {
                // A source that cannot be read again still gets its matching lines.
                if !p.error {
                    buf = f.buf.clone();
                }
                problems.push(p);
            }
            if groups_shown && !buf.is_empty() {
                w.write_all(b"--\n")?;
            }
            groups_shown |= !buf.is_empty();
            w.write_all(&buf)?;
        } else {
            w.write_all(&f.buf)?;
        }
    }
    w.finish()?;
    say_problems(&problems, cfg.quiet);
    if cfg.stats {
        say_stats(&scanned, matched);
    }
    Ok(Status::of(
        matched > 0,
        scanned.had_error() || problems.iter().any(|p| p.error),
    ))
}

/// Prints matching lines with context by reading the source again, line by line
/// (only for files that had matches). Groups are separated by `--`, as grep does.
#[allow(clippy::too_many_arguments)]
fn with_context(
    buf: &mut Vec<u8>,
    ctx: &RenderCtx,
    st: &TextStyle,
    idx: usize,
    src: &crate::input::Source,
    lines: &BTreeSet<u64>,
    before: usize,
    after: usize,
) -> Result<(), Problem> {
    let Some(path) = &src.path else {
        return Err(Problem::notice(
            &src.name,
            "context lines need a file that can be read twice; stdin was printed without them",
        ));
    };
    let file = std::fs::File::open(path).map_err(|e| Problem::error(&src.name, describe(&e)))?;
    let (reader, _) =
        decompress::open_stream(file).map_err(|e| Problem::error(&src.name, describe(&e)))?;
    let mut r = BufReader::new(reader);
    let mut shown_upto = 0u64;
    let mut ring: std::collections::VecDeque<(u64, String)> = Default::default();
    let mut after_left = 0usize;
    let mut n = 0u64;
    let mut line = Vec::new();
    let last = *lines.iter().next_back().unwrap_or(&0);
    loop {
        line.clear();
        match r.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(Problem::error(&src.name, describe(&e))),
        }
        n += 1;
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        if lines.contains(&n) {
            if shown_upto > 0 && ring.front().map_or(n, |r| r.0) > shown_upto + 1 {
                buf.extend_from_slice(b"--\n");
            }
            for (ln, t) in ring.drain(..) {
                out::context_line(buf, ctx, st, ctx.name(idx), ln, &t);
            }
            let ev_like = Event {
                source: idx,
                line: n,
                time: None,
                code: "".into(),
                message: "".into(),
                shape: crate::event::Shape::V5,
                partial: false,
                text: Some(text),
                span: None,
            };
            out::text_line(buf, ctx, st, &ev_like);
            shown_upto = n;
            after_left = after;
        } else if after_left > 0 {
            out::context_line(buf, ctx, st, ctx.name(idx), n, &text);
            shown_upto = n;
            after_left -= 1;
        } else if n > last {
            break;
        } else if before > 0 {
            ring.push_back((n, text));
            if ring.len() > before {
                ring.pop_front();
            }
        }
    }
    Ok(())
}
