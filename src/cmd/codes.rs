//! `okxscan codes`: the whole knowledge base, filtered by category or API family.

use crate::cli::{CodesArgs, SummaryFormat};
use crate::exit::Status;
use crate::kb::{self, Entry};
use crate::render::escape::{csv_cell, md_cell};
use anyhow::Result;
use serde::Serialize;
use std::io::{self, Write};

pub fn run(args: &CodesArgs) -> Result<Status> {
    let rows: Vec<&Entry> = kb::entries()
        .iter()
        .filter(|e| args.category.is_empty() || args.category.contains(&e.category))
        .filter(|e| args.api.is_empty() || args.api.contains(&e.api))
        .collect();
    let mut out = io::BufWriter::new(io::stdout().lock());
    write(&mut out, args.format, &rows)?;
    out.flush()?;
    Ok(if rows.is_empty() {
        Status::NoneFound
    } else {
        Status::Found
    })
}

#[derive(Serialize)]
struct Row<'a> {
    code: &'a str,
    api: &'static str,
    http: &'a str,
    category: &'static str,
    severity: &'a str,
    retry: bool,
    message: &'a str,
    remedy: &'a str,
}

/// Writes the entries in `format`.
pub fn write(out: &mut dyn Write, format: SummaryFormat, rows: &[&Entry]) -> io::Result<()> {
    match format {
        SummaryFormat::Md => markdown(out, rows),
        SummaryFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "code", "api", "http", "category", "severity", "retry", "message", "remedy",
            ])?;
            for e in rows {
                w.write_record([
                    e.code,
                    e.api.as_str(),
                    e.http,
                    e.category.as_str(),
                    e.severity,
                    if e.retry { "yes" } else { "no" },
                    &csv_cell(e.message),
                    &csv_cell(e.remedy),
                ])?;
            }
            w.flush()
        }
        SummaryFormat::Json => {
            let v: Vec<Row> = rows
                .iter()
                .map(|e| Row {
                    code: e.code,
                    api: e.api.as_str(),
                    http: e.http,
                    category: e.category.as_str(),
                    severity: e.severity,
                    retry: e.retry,
                    message: e.message,
                    remedy: e.remedy,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)
        }
    }
}

/// The knowledge base as a markdown document (also `docs/codes.md`).
pub fn markdown(out: &mut dyn Write, rows: &[&Entry]) -> io::Result<()> {
    writeln!(out, "# OKX / OKEx error codes\n")?;
    writeln!(out, "Generated from okxscan's knowledge base (`src/kb/codes.tsv`) by `okxscan codes --format md`; do not edit by hand.\n")?;
    writeln!(out, "{} codes. Categories: auth, clock, permission, rate-limit, availability, funds, order, account, request, other.\n", rows.len())?;
    writeln!(
        out,
        "| code | api | http | category | severity | retry | official message | remedy |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    for e in rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            e.code,
            e.api,
            e.http,
            e.category,
            e.severity,
            if e.retry { "yes" } else { "no" },
            md_cell(e.message),
            md_cell(e.remedy)
        )?;
    }
    Ok(())
}
