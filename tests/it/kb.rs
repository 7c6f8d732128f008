//! The knowledge base through `codes` and `explain` (issue 7): every published code is
//! listed with a category and a remedy, the seed guide's codes carry its advice,
//! unknown codes and sub-codes are explained, filters filter, and `docs/codes.md` is
//! exactly what `okxscan codes --format md` prints.

use crate::common;
use crate::support;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::*;

fn codes_csv(args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let o = okxscan()
        .args(["codes", "--format", "csv"])
        .args(args)
        .output()
        .unwrap();
    assert_status(&o, 0);
    csv_rows(&o.stdout)
}

/// `explain CODE...`: (exit status, stdout).
fn explain(codes: &[&str]) -> (i32, String) {
    let o = okxscan().arg("explain").args(codes).output().unwrap();
    (o.status.code().unwrap(), stdout(&o))
}

/// The value of a `name:` line of an explanation.
fn field(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name}: in\n{text}"))
        .trim()
        .to_string()
}

fn has(text: &str, re: &str) -> bool {
    regex::Regex::new(re).unwrap().is_match(text)
}

#[test]
fn every_published_code_is_listed_with_a_category_and_a_remedy() {
    let tsv = reference("error-codes.tsv");
    let text = std::fs::read_to_string(&tsv).unwrap();
    let rows = codes_csv(&[]);
    let listed: BTreeMap<(String, String), &std::collections::HashMap<String, String>> = rows
        .iter()
        .map(|r| ((r["code"].clone(), r["api"].clone()), r))
        .collect();
    let mut missing = Vec::new();
    let mut n = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let api = match f[1] {
            "v5-rest" => "v5",
            "v5-ws" => "ws",
            "v3" => "v3",
            other => panic!("api {other} in {line}"),
        };
        n += 1;
        match listed.get(&(f[0].to_string(), api.to_string())) {
            None => missing.push(format!("{} ({})", f[0], f[1])),
            Some(r) => {
                assert!(
                    CATEGORIES.contains(&r["category"].as_str()),
                    "{}: category {:?}",
                    f[0],
                    r["category"]
                );
                assert!(!r["remedy"].trim().is_empty(), "{}: no remedy", f[0]);
            }
        }
    }
    assert!(n > 1000, "only {n} rows read from {}", tsv.display());
    assert!(missing.is_empty(), "not listed: {missing:?}");
}

#[test]
fn every_listed_code_has_a_known_category_and_a_remedy() {
    let rows = codes_csv(&[]);
    assert!(rows.len() > 1000);
    for r in &rows {
        assert!(CATEGORIES.contains(&r["category"].as_str()), "{r:?}");
        assert!(!r["remedy"].trim().is_empty(), "{r:?}");
        assert!(["v5", "ws", "v3"].contains(&r["api"].as_str()), "{r:?}");
    }
    // Every category is used.
    let used: BTreeSet<&str> = rows.iter().map(|r| r["category"].as_str()).collect();
    assert_eq!(used.len(), CATEGORIES.len(), "{used:?}");
    // JSON lists the same codes.
    let o = okxscan()
        .args(["codes", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let json: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                e["category"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let csv: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["code"].clone(), r["category"].clone()))
        .collect();
    assert_eq!(json, csv);
}

#[test]
fn explain_50102_points_at_the_clock() {
    let (st, text) = explain(&["50102"]);
    assert_eq!(st, 0, "{text}");
    assert!(text.starts_with("50102:"), "{text}");
    assert_eq!(field(&text, "category"), "clock");
    assert!(has(&text, r"30[- ]second"), "{text}");
    assert!(text.contains("NTP"), "{text}");
    assert!(text.contains("timedatectl"), "{text}");
}

/// The seed guide (`fixtures/reference/okex-api-errors-guide.txt`): each code with its
/// category and the advice the guide gives, as words the remedy must hold.
#[test]
fn seed_codes_carry_the_guides_advice() {
    let guide = std::fs::read_to_string(reference("okex-api-errors-guide.txt")).unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        ("30008", "clock", &["NTP", r"30[- ]second"]),
        ("30001", "auth", &["(?i)header", r"\bnan\b"]),
        (
            "50104",
            "auth",
            &["(?i)header", r"\bnan\b", "(?i)passphrase"],
        ),
        ("30012", "permission", &["(?i)permission"]),
        ("30006", "auth", &["(?i)typo", "(?i)whitespace"]),
        ("50111", "auth", &["(?i)typo", "(?i)whitespace"]),
        ("32008", "funds", &["(?i)margin"]),
    ];
    let rows = codes_csv(&[]);
    // Every code the guide gives an error body for is a case (the v5 codes 50104 and
    // 50111 are the v5 counterparts of 30001 and 30006).
    let in_guide: BTreeSet<&str> = regex::Regex::new(r#""error_code":"(\d+)""#)
        .unwrap()
        .captures_iter(&guide)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(in_guide.len(), 5, "{in_guide:?}");
    for code in &in_guide {
        assert!(cases.iter().any(|c| c.0 == *code), "{code} from the guide");
    }
    for (code, category, words) in cases {
        let (st, text) = explain(&[code]);
        assert_eq!(st, 0, "{code}: {text}");
        assert!(text.starts_with(&format!("{code}:")), "{text}");
        assert!(!text.contains("unknown"), "{code}: {text}");
        assert_eq!(field(&text, "category"), *category, "{code}");
        let remedy = field(&text, "remedy");
        for w in *words {
            assert!(has(&remedy, w), "{code}: remedy lacks /{w}/: {remedy}");
        }
        // `codes` and `explain` read the same table.
        let row = rows.iter().find(|r| r["code"] == *code).unwrap();
        assert_eq!(row["remedy"], remedy, "{code}");
        assert_eq!(row["category"], *category, "{code}");
    }
}

#[test]
fn unknown_codes_are_explained_by_their_range_and_exit_1() {
    let (st, text) = explain(&["51999"]);
    assert_eq!(st, 1, "{text}");
    assert!(text.starts_with("51999:"), "{text}");
    assert!(text.contains("unknown"), "{text}");
    assert!(text.contains("51xxx"), "{text}");
    assert!(text.contains("trade"), "{text}");
    assert_eq!(field(&text, "category").split(' ').next(), Some("order"));
    assert!(!field(&text, "remedy").is_empty());
    // One unknown code among known ones still exits 1; each is explained.
    let (st, text) = explain(&["50102", "51999"]);
    assert_eq!(st, 1);
    assert!(text.contains("50102:") && text.contains("51999:"), "{text}");
    // Other ranges.
    let (st, text) = explain(&["58999"]);
    assert_eq!(st, 1);
    assert_eq!(field(&text, "category").split(' ').next(), Some("funds"));
}

#[test]
fn sub_codes_are_explained() {
    let (st, text) = explain(&["51008_1000"]);
    assert_eq!(st, 0, "{text}");
    assert!(text.starts_with("51008_1000:"), "{text}");
    assert!(!text.contains("unknown"), "{text}");
    assert_eq!(field(&text, "category"), "funds");
    // A sub-code the table does not list falls back to its base code.
    let (st, text) = explain(&["51008_9999"]);
    assert_eq!(st, 0, "{text}");
    assert!(text.starts_with("51008_9999:"), "{text}");
    assert!(text.contains("51008"), "{text}");
    assert!(!text.contains("unknown"), "{text}");
    assert_eq!(field(&text, "category"), "funds");
}

#[test]
fn codes_filters_by_category_and_api() {
    let both = codes_csv(&["--category", "clock", "--api", "v5"]);
    assert!(!both.is_empty());
    for r in &both {
        assert_eq!((r["category"].as_str(), r["api"].as_str()), ("clock", "v5"));
    }
    let codes: BTreeSet<&str> = both.iter().map(|r| r["code"].as_str()).collect();
    assert!(codes.contains("50102"), "{codes:?}");
    assert!(!codes.contains("30008"), "{codes:?}");
    // Each filter alone, and the conjunction is their intersection.
    let clock = codes_csv(&["--category", "clock"]);
    let v5 = codes_csv(&["--api", "v5"]);
    let all = codes_csv(&[]);
    assert!(clock.iter().any(|r| r["code"] == "30008"));
    assert!(clock.iter().all(|r| r["category"] == "clock"));
    assert!(v5.iter().all(|r| r["api"] == "v5"));
    assert!(clock.len() < all.len() && v5.len() < all.len());
    let key = |r: &std::collections::HashMap<String, String>| (r["code"].clone(), r["api"].clone());
    let inter: BTreeSet<_> = clock
        .iter()
        .map(key)
        .filter(|k| v5.iter().map(key).any(|x| &x == k))
        .collect();
    assert_eq!(both.iter().map(key).collect::<BTreeSet<_>>(), inter);
    let want = all
        .iter()
        .filter(|r| r["category"] == "clock" && r["api"] == "v5")
        .count();
    assert_eq!(both.len(), want);
    // Lists are unions.
    let two = codes_csv(&["--category", "clock,rate-limit", "--api", "v5,ws"]);
    let want = all
        .iter()
        .filter(|r| {
            ["clock", "rate-limit"].contains(&r["category"].as_str())
                && ["v5", "ws"].contains(&r["api"].as_str())
        })
        .count();
    assert_eq!(two.len(), want);
    // A bad category is refused.
    let o = okxscan()
        .args(["codes", "--category", "weather"])
        .output()
        .unwrap();
    assert_status(&o, 2);
}

#[test]
fn docs_codes_md_is_what_the_binary_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
    let o = okxscan()
        .args(["codes", "--format", "md"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    let docs = std::fs::read(&path).unwrap_or_default();
    if docs != o.stdout {
        let now = stdout(&o);
        let was = String::from_utf8_lossy(&docs);
        let first = now
            .lines()
            .zip(was.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(now.lines().count().min(was.lines().count()));
        panic!(
            "docs/codes.md is out of date (first difference at line {}).\n\
             Regenerate it from the repository root with:\n\n    \
             cargo run --release -- codes --format md > docs/codes.md\n",
            first + 1
        );
    }
    // The document lists every code once per API family.
    let rows = codes_csv(&[]);
    let table = stdout(&o)
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| code |"))
        .count();
    assert_eq!(table, rows.len());
}
