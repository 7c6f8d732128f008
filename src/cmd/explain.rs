//! `okxscan explain CODE...`: what a code means and what to do about it.

use crate::cli::ExplainArgs;
use crate::exit::Status;
use crate::kb;
use anyhow::Result;
use std::io::Write;

pub fn run(args: &ExplainArgs) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    let mut all_known = true;
    for (n, code) in args.codes.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let code = code.trim();
        let i = kb::info(code, None);
        all_known &= i.known;
        writeln!(out, "{}", explain(&i))?;
    }
    Ok(if all_known {
        Status::Found
    } else {
        Status::NoneFound
    })
}

/// The explanation of one code, as plain text.
pub fn explain(i: &kb::Info) -> String {
    let mut s = String::new();
    let code = crate::render::escape::terminal(&i.code);
    match i.entry {
        Some(e) => {
            s.push_str(&format!("{code}: {}\n", e.message));
            if e.code != i.code {
                s.push_str(&format!(
                    "  (sub-code of {}; explained by its base code)\n",
                    e.code
                ));
            }
            s.push_str(&format!(
                "  api:       {}{}\n",
                i.api,
                if e.http.is_empty() {
                    String::new()
                } else {
                    format!(" (HTTP {})", e.http)
                }
            ));
            s.push_str(&format!("  category:  {}\n", i.category));
            s.push_str(&format!("  severity:  {}\n", e.severity));
            s.push_str(&format!(
                "  retry:     {}\n",
                if e.retry {
                    "may succeed later, with backoff"
                } else {
                    "will not help until the cause is fixed"
                }
            ));
            s.push_str(&format!("  remedy:    {}\n", e.remedy));
            s.push_str(&format!("  docs:      {}", i.docs()));
        }
        None => {
            s.push_str(&format!(
                "{code}: unknown code (not in okxscan's knowledge base)\n"
            ));
            s.push_str(&format!("  range:     {}\n", i.range));
            s.push_str(&format!(
                "  category:  {} (guessed from the range)\n",
                i.category
            ));
            s.push_str(&format!("  remedy:    {}\n", i.remedy()));
            s.push_str(&format!("  docs:      {}", i.docs()));
        }
    }
    s
}
