//! Record framing through the binary: which lines start a record (and so where a
//! chunk may be cut), and bodies the parser can read only in part (okxscan issue 19).

use crate::common;
use common::*;

/// A log4j night (`%5p` pads the level: ` INFO 2026-...`, ` WARN ...`): every line
/// starts with a space, some hold an OKX body, a few a body cut short by the logger.
/// Returns the text and the events a reader counts (one per body, cut ones too).
fn log4j_night(lines: usize) -> (String, usize) {
    let mut text = String::with_capacity(lines * 170);
    let mut want = 0;
    for i in 0..lines {
        let level = if i % 3 == 0 { " WARN" } else { " INFO" };
        let time = format!(
            "2026-12-01 02:{:02}:{:02},{:03}",
            i / 60 % 60,
            i % 60,
            i % 1000
        );
        let rest = if i % 97 == 0 {
            want += 1;
            "[pool-1-thread-2] c.x.OkxClient - okx {\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}".to_string()
        } else if i % 211 == 0 {
            want += 1;
            "[main] c.x.OkxClient - order failed: okx {\"code\":\"51008\",\"msg\":\"Order failed. Insufficient balance\",\"data\":[]} retry later".to_string()
        } else if i % 1009 == 0 {
            want += 1;
            "[main] c.x.OkxClient - response okx {\"code\":\"50113\",\"msg\":\"Invalid".to_string()
        } else {
            format!(
                "[main] com.example.trading.Strategy - tick symbol=BTC-USDT price=43210.5 qty=0.001 seq={i} {}",
                "x".repeat(i * 7919 % 90)
            )
        };
        text.push_str(&format!("{level} {time} {rest}\n"));
    }
    (text, want)
}

fn count(args: &[&str], stdin: Option<&str>, path: &std::path::Path) -> String {
    let mut c = okxscan();
    c.args(["grep", "-c"]).args(args);
    match stdin {
        Some(text) => c.arg("-").write_stdin(text.to_string()),
        None => c.arg(path),
    };
    let out = c.output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Regression: lines starting with a space all continued the record above, so a
/// log4j file was one record: a body cut short on one line swallowed the errors of
/// the lines after it (126 of 480 events counted here), and no chunk could be cut in it.
#[test]
fn a_log4j_file_with_padded_levels_is_many_records_at_any_chunk_size() {
    let (text, want) = log4j_night(30_000);
    assert!(text.len() > 4 << 20, "{} bytes", text.len());
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("log4j.log");
    std::fs::write(&p, &text).unwrap();
    let want = want.to_string();
    assert_eq!(count(&[], None, &p), want, "file, default chunks");
    for args in [
        &["--chunk-size", "4096"][..],
        &["--chunk-size", "65536", "-j", "2"],
        &["--chunk-size", "4096", "-j", "1"],
    ] {
        assert_eq!(count(args, None, &p), want, "file {args:?}");
        assert_eq!(count(args, Some(&text), &p), want, "stdin {args:?}");
    }
    assert_eq!(count(&[], Some(&text), &p), want, "stdin, default chunks");
}

/// Regression: a body nested deeper than the parser follows was counted whole
/// (`{"a":{"a":...{"code":"50113"}}}` as a complete v5 event) or as exception text
/// (`"data":[[[...]]]`, shape "exception"), never as partial.
#[test]
fn a_body_nested_too_deep_counts_as_partial() {
    let text = format!(
        "okx {{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":{}{}}}\n\
         okx {}{{\"code\":\"50113\",\"msg\":\"Invalid Sign\"}}{}\n\
         okx {{\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}}\n",
        "[".repeat(70),
        "]".repeat(70),
        "{\"a\":".repeat(70),
        "}".repeat(70),
    );
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("deep.log");
    std::fs::write(&p, &text).unwrap();
    let out = okxscan()
        .args(["grep", "--format", "ndjson"])
        .arg(&p)
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, &str, bool)> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap(),
                r["message"].as_str().unwrap(),
                r["shape"].as_str().unwrap(),
                r["partial"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("50011", "Too Many Requests", "v5", true),
            ("50113", "Invalid Sign", "v5", true),
            ("50102", "Timestamp request expired", "v5", false),
        ]
    );
    let out = okxscan()
        .args(["summary", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["total"].as_u64(), s["partial"].as_u64()),
        (Some(3), Some(2))
    );
    let partial: Vec<(&str, u64)> = s["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), c["partial"].as_u64().unwrap()))
        .collect();
    assert!(
        partial.contains(&("50011", 1)) && partial.contains(&("50113", 1)),
        "{partial:?}"
    );
    assert!(partial.contains(&("50102", 0)), "{partial:?}");
}
