//! `okxscan report` through the real binary: on a generated night with two storms
//! both are named as bursts with their hour and the counts equal the truth; the
//! report opens with every code by count, then the fix-first list; the HTML is one
//! self-contained file that escapes log text, shows the top codes first and
//! narrows to a phone's width; samples are whole bodies with epoch stamps as
//! times; a failed input is said in the headline, and when every input fails the
//! last report stays (exit 2); an empty time window says what lay outside it;
//! `--tz` moves shown times only and `--log-tz` reads the stamps, with a whole-hour
//! header offset diagnosed as a zone; `--fail-on` gives exit status 3; secrets never
//! reach the report; the markdown report of the shipped sample night is a reviewed
//! snapshot.

mod common;
use okxscan::render::thousands;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// The fake credentials of `--secrets` nights (fixtures/README.md).
const SECRETS: [&str; 4] = [
    "7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917",
    "C0FFEE5EC12E7ABCDEF0123456789AB",
    "Tr0ub4dor&3horse",
    "q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=",
];

fn run(args: &[&str], path: &Path) -> std::process::Output {
    okxscan()
        .arg("report")
        .args(args)
        .arg(path)
        .output()
        .unwrap()
}

fn text(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The cells of the markdown table rows under `## {section}`.
fn table(md: &str, section: &str) -> Vec<Vec<String>> {
    md.split(&format!("\n## {section}"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section {section}"))
        .split("\n## ")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .skip(1)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// Truth counts by hour (`2026-11-22 21:00`, UTC) and code.
fn hourly(truth: &[Truth]) -> BTreeMap<(String, String), u64> {
    let mut m = BTreeMap::new();
    for t in truth.iter().filter(|t| !t.time.is_empty()) {
        let hour = format!("{} {}:00", &t.time[..10], &t.time[11..13]);
        *m.entry((hour, t.code.clone())).or_default() += 1;
    }
    m
}

fn n(s: &str) -> u64 {
    s.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a count: {s}"))
}

#[test]
fn storms_are_named_as_bursts_with_their_hour_and_counts_equal_the_truth() {
    let night = night(8.0, 11, &["--storm", "50102@3", "50011@8"]);
    let out = run(&["--tz", "UTC"], &night.dir());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = text(&out);
    let hours = hourly(&night.truth);

    // Both storms, by name, hour and exact count.
    let bursts: Vec<&str> = md.lines().filter(|l| l.contains(" burst ")).collect();
    for (code, hour, label) in [
        ("50102", "2026-11-22 21:00", "21:00-22:00"),
        ("50011", "2026-11-23 02:00", "02:00-03:00"),
    ] {
        let want = hours[&(hour.to_string(), code.to_string())];
        let line = format!("- {code} burst {label} UTC: {} events,", thousands(want));
        assert!(
            bursts.iter().any(|b| b.starts_with(&line)),
            "no '{line}' in {bursts:#?}"
        );
    }
    assert_eq!(bursts.len(), 2, "{bursts:#?}");

    // The headline holds every code with the truth's count, most frequent first;
    // the fix-first list the first ten codes, with the same counts.
    let mut per_code: BTreeMap<String, u64> = BTreeMap::new();
    for t in &night.truth {
        *per_code.entry(t.code.clone()).or_default() += 1;
    }
    let code_of = |cell: &str| {
        if cell == "(none)" {
            String::new()
        } else {
            cell.to_string()
        }
    };
    let head = table(&md, "Headline");
    let got: BTreeMap<String, u64> = head.iter().map(|r| (code_of(&r[0]), n(&r[1]))).collect();
    assert_eq!(got, per_code);
    assert_eq!(head.len(), per_code.len());
    let counts: Vec<u64> = head.iter().map(|r| n(&r[1])).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let fix = table(&md, "Fix first");
    assert_eq!(fix.len(), 10.min(per_code.len()));
    for row in &fix {
        let code = code_of(&row[0]);
        assert_eq!(n(&row[1]), per_code[&code], "code {code}");
    }
    let total = night.truth.len() as u64;
    assert!(
        md.contains(&format!(
            "**{} events in {} codes",
            thousands(total),
            per_code.len()
        )),
        "total {total}"
    );

    // The timeline's hours are the truth's.
    let mut per_hour: BTreeMap<String, u64> = BTreeMap::new();
    for ((h, _), c) in &hours {
        *per_hour.entry(h.clone()).or_default() += c;
    }
    let got: BTreeMap<String, u64> = table(&md, "Timeline")
        .iter()
        .map(|r| (r[0].clone(), n(&r[1])))
        .filter(|(_, c)| *c > 0)
        .collect();
    assert_eq!(got, per_hour);
}

/// The bursts' lines of a report, and its timeline rows with a count.
fn bursts_and_hours(md: &str) -> (Vec<String>, Vec<(String, u64)>) {
    let bursts = md
        .lines()
        .filter(|l| l.contains(" burst "))
        .map(String::from)
        .collect();
    let hours = table(md, "Timeline")
        .iter()
        .map(|r| (r[0].clone(), n(&r[1])))
        .filter(|(_, c)| *c > 0)
        .collect();
    (bursts, hours)
}

/// `2026-11-22 21:00` eight hours later.
fn plus_8h(label: &str) -> String {
    let t = chrono::NaiveDateTime::parse_from_str(label, "%Y-%m-%d %H:%M").unwrap();
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Regression (issue 22): `--tz Asia/Shanghai` on UTC logs read their naive stamps
/// in Shanghai too, split each storm into two bursts eight hours apart and called
/// the difference a clock offset. The logs' zone is `--log-tz`; `--tz` is display.
#[test]
fn the_display_zone_moves_times_only_and_the_log_zone_reads_them() {
    let night = night(6.0, 11, &["--storm", "50102@3", "50011@8"]);
    let utc = run(&["--log-tz", "UTC", "--tz", "UTC"], &night.dir());
    assert_eq!(utc.status.code(), Some(0));
    let utc = text(&utc);
    let (bursts, hours) = bursts_and_hours(&utc);
    assert_eq!(bursts.len(), 2, "{bursts:#?}");
    // The env's TZ=UTC is the log zone when --log-tz is not given.
    for args in [
        &["--log-tz", "UTC", "--tz", "Asia/Shanghai"][..],
        &["--tz", "Asia/Shanghai"],
    ] {
        let sh = text(&run(args, &night.dir()));
        let (sh_bursts, sh_hours) = bursts_and_hours(&sh);
        // The same bursts, of the same size, eight hours later on the clock.
        let want: Vec<String> = bursts
            .iter()
            .map(|b| {
                let (code, rest) = b.split_once(" burst ").unwrap();
                let (span, tail) = rest.split_once(" UTC: ").unwrap();
                let (a, z) = span.split_once('-').unwrap();
                let shift = |hm: &str| plus_8h(&format!("2026-11-22 {hm}"))[11..].to_string();
                format!(
                    "{code} burst {}-{} Asia/Shanghai: {tail}",
                    shift(a),
                    shift(z)
                )
            })
            .collect();
        assert_eq!(sh_bursts, want, "{args:?}");
        let want: Vec<(String, u64)> = hours.iter().map(|(h, c)| (plus_8h(h), *c)).collect();
        assert_eq!(sh_hours, want, "{args:?}");
        // The headline's counts are the same; the clock diagnosis is not a zone.
        assert_eq!(table(&sh, "Headline").len(), table(&utc, "Headline").len());
        for (a, b) in table(&sh, "Headline").iter().zip(table(&utc, "Headline")) {
            assert_eq!((&a[0], &a[1]), (&b[0], &b[1]));
        }
        assert!(!sh.contains("Logs written in another zone"), "{args:?}");
        assert!(sh.contains(
            "- Zone: Asia/Shanghai (every time below); log times written without a zone read in UTC"
        ));
    }
    // Read in the wrong zone, the storms split and the zone is diagnosed.
    let wrong = text(&run(
        &["--log-tz", "Asia/Shanghai", "--tz", "UTC"],
        &night.dir(),
    ));
    let (wrong_bursts, _) = bursts_and_hours(&wrong);
    assert_eq!(wrong_bursts.len(), 4, "{wrong_bursts:#?}");
    assert!(wrong.contains("### Logs written in another zone"));
    assert!(wrong.contains(
        "That is 8 hours: the log's times were read in Asia/Shanghai (UTC+8) but look written in UTC, not a clock 8 hours off. Read them with --log-tz UTC."
    ), "{wrong}");
}

/// Issue 22: request headers whose OK-ACCESS-TIMESTAMP is a whole number of hours
/// from their line's stamp say the logs are in another zone, not that the clock
/// drifted.
#[test]
fn header_stamps_hours_off_the_line_stamps_are_a_zone_not_a_clock() {
    let dir = tempfile::tempdir().unwrap();
    // Lines written at UTC+8 without a zone; the headers' stamps are UTC and 2 s
    // behind (a request signed, then logged).
    let mut log = String::new();
    for h in [19, 20, 21] {
        let line_h = h + 8 - 24;
        log.push_str(&format!(
            "2026-11-23 {line_h:02}:05:45,946 - bot.exchange - DEBUG - request headers: {{'OK-ACCESS-KEY': '7d3f2a9c-51be-4e0a-9c1d-0aa8e2b40917', 'OK-ACCESS-SIGN': 'q5Rk1vZpS8nXw3YbTt0uLmHc9aJdEeFgB2o4iK6lNs=', 'OK-ACCESS-TIMESTAMP': '2026-11-22T{h}:05:43.946Z', 'OK-ACCESS-PASSPHRASE': 'Tr0ub4dor&3horse', 'Content-Type': 'application/json'}}\n\
             2026-11-23 {line_h:02}:05:46,100 - bot - ERROR - okx {{\"code\":\"50011\",\"msg\":\"Too Many Requests\"}}\n"
        ));
    }
    std::fs::write(dir.path().join("bot.log"), log).unwrap();
    let md = text(&run(&["--tz", "UTC"], dir.path()));
    assert!(md.contains("### Logs written in another zone"), "{md}");
    assert!(md.contains(
        "- That is 8 hours: the log's times were read in UTC but look written in UTC+8, not a clock 8 hours off. Read them with --log-tz +08:00."
    ), "{md}");
    assert!(!md.contains("### Clock drift"), "{md}");
    // Read in their zone: no zone, no clock (2 s is no drift).
    let md = text(&run(&["--log-tz", "+08:00", "--tz", "UTC"], dir.path()));
    assert!(!md.contains("### Logs written in another zone"), "{md}");
    assert!(!md.contains("### Clock drift"), "{md}");
    assert_eq!(table(&md, "Headline")[0][..2], ["50011", "3"], "{md}");
}

#[test]
fn a_time_window_keeps_only_its_events() {
    // Six hours before 06:00Z: the 50011 storm at 02:00 is in, the 50102 one is not.
    let night = night(4.0, 5, &["--storm", "50102@3", "50011@8"]);
    let out = okxscan()
        .env("OKXSCAN_NOW", "2026-11-23T06:00:00Z")
        .args(["report", "--tz", "UTC", "--since", "6h"])
        .arg(night.dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = text(&out);
    let want = night
        .truth
        .iter()
        .filter(|t| !t.time.is_empty() && t.time.as_str() >= "2026-11-23T00:00:00")
        .count() as u64;
    assert!(
        md.contains(&format!("**{} events", thousands(want))),
        "{want}"
    );
    assert!(md.contains("since 2026-11-23T00:00:00Z (6h)"));
    assert!(md.contains("- 50011 burst 02:00-03:00 UTC"));
    assert!(!md.contains("50102 burst"));
}

#[test]
fn html_is_self_contained_with_an_inline_chart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let out = okxscan()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "--tz", "UTC", "--format", "html", "-o"])
        .arg(&file)
        .arg("fixtures/sample-night")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // Written whole, and no temporary file left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<svg"));
    assert!(html.contains("<rect"));
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", "src=", "href=", "@import", "url(", "http://", "https://", "<link", "<img",
        "<iframe",
    ] {
        assert!(!lower.contains(bad), "the report holds '{bad}'");
    }
    // Every category of the chart has its colour in the legend.
    for cat in ["auth", "clock", "rate-limit", "availability"] {
        assert!(html.contains(&format!("{cat} (")), "legend lacks {cat}");
    }
    assert!(html.contains("50102 burst 21:00-22:00 UTC: 217 events"));
}

#[test]
fn log_text_is_escaped_in_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bot.log"),
        "2026-11-22 18:00:00,000 - bot - ERROR - okx {\"code\":\"50113\",\"msg\":\"<script>alert(1)</script>\"}\n\
         2026-11-22 18:00:01,000 - bot - ERROR - okx {\"code\":\"50113\",\"msg\":\"<script>alert(1)</script>\"}\n",
    )
    .unwrap();
    let html = text(&run(&["--tz", "UTC", "--format", "html"], dir.path()));
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    let md = text(&run(&["--tz", "UTC"], dir.path()));
    assert_eq!(
        table(&md, "Headline")[0][4],
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    );
    assert_eq!(
        table(&md, "Fix first")[0][5],
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    );
    // Nowhere raw, not even in the sample, which is a `<pre>` block.
    assert!(!md.contains("<script"), "{md}");
    assert!(md.contains(
        "<pre>2026-11-22 18:00:00,000 - bot - ERROR - okx {\"code\":\"50113\",\"msg\":\"&lt;script&gt;alert(1)&lt;/script&gt;\"}</pre>"
    ));
}

#[test]
fn fail_on_exits_3_when_matching_events_are_present() {
    let sample = sample_night();
    let status = |args: &[&str]| run(args, &sample).status.code();
    assert_eq!(status(&["--fail-on", "auth"]), Some(3));
    assert_eq!(status(&["--fail-on", "clock,permission"]), Some(3));
    assert_eq!(status(&["--fail-on", "51*"]), Some(3));
    assert_eq!(status(&["--fail-on", "50102"]), Some(3));
    // Present events, none of them auth: found (0).
    assert_eq!(status(&["--fail-on", "auth", "--code", "50011"]), Some(0));
    // No event at all: none found (1).
    assert_eq!(status(&["--fail-on", "auth", "--code", "99999"]), Some(1));
    // A typo is an error, not a silent never-alert.
    let out = run(&["--fail-on", "auht"], &sample);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad --fail-on 'auht'"));
    // The alert is said in the report too.
    let md = text(&run(&["--fail-on", "permission"], &sample));
    assert!(md.contains("> **Alert:** --fail-on matched 5 events (30012): exit status 3."));
}

#[test]
fn the_alert_wins_over_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bot.log"),
        "2026-11-22 18:00:00,000 - bot - ERROR - okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.log.gz"), b"\x1f\x8b\x08\x00garbage").unwrap();
    let out = run(&["--tz", "UTC"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--tz", "UTC", "--fail-on", "auth"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    let md = text(&out);
    assert!(md.contains("- Problem: "), "{md}");
}

/// Byte offset of `needle` in `hay`, or a panic naming it.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("no '{needle}' in the report"))
}

// Regression: the headline listed 10 codes in fix-first order, and the night's
// most frequent code (50011, 39% of events) appeared nowhere with its count.
#[test]
fn the_report_opens_with_every_code_by_count_then_the_fix_first_list() {
    let md = text(&run(&["--tz", "UTC"], &sample_night()));
    let truth = sample_truth();
    let n50011 = truth.iter().filter(|t| t.code == "50011").count() as u64;
    let share = format!("{:.1}%", n50011 as f64 * 100.0 / truth.len() as f64);
    let head = table(&md, "Headline");
    assert_eq!(
        head[0][..4],
        [
            "50011".to_string(),
            thousands(n50011),
            share,
            "rate-limit".to_string()
        ]
    );
    assert_eq!(head.len(), 25);
    // The headline is the first section, then the fix-first list, auth first.
    let sections: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        sections,
        [
            "## Headline",
            "## Fix first",
            "## Timeline (per hour, UTC)",
            "## Bursts",
            "## Diagnoses",
            "## Scope",
            "## Samples"
        ]
    );
    assert_eq!(table(&md, "Fix first")[0][2], "auth");
}

#[test]
fn html_first_screen_has_the_numbers_and_the_top_codes_and_it_narrows() {
    let html = text(&run(&["--tz", "UTC", "--format", "html"], &sample_night()));
    // Cards, then the codes by count (50011 first), before anything else.
    let cards = at(&html, r#"<table class="cards""#);
    let codes = at(&html, r#"<table class="codes">"#);
    let first_row = at(
        &html,
        r#"<tr><td class="code">50011</td><td class="n">292</td>"#,
    );
    assert!(cards < codes && codes < first_row);
    for later in [
        "<h2>Fix first</h2>",
        "<svg",
        "<h2>Scope</h2>",
        "<h2>Samples</h2>",
    ] {
        assert!(first_row < at(&html, later), "{later} before the top codes");
    }
    // At a phone's width (docs/report-narrow.png, 400 px): the wide tables
    // stack or drop their decorations, the chart scales, long names wrap.
    let narrow = at(&html, "@media (max-width:720px)");
    let rules = &html[narrow..at(&html, "</style>")];
    for rule in [
        "table.stack,.stack tbody,.stack tr,.stack td{display:block",
        ".codes .bar,.tl .bar,.codes .cat{display:none}",
        ".codes td.msg{overflow-wrap:anywhere}",
    ] {
        assert!(rules.contains(rule), "no '{rule}' for narrow screens");
    }
    assert!(html.contains(r#"<table class="stack">"#));
    assert!(html.contains(r#"<svg width="100%""#));
    assert!(html.contains(r#"content="width=device-width, initial-scale=1""#));
    assert!(html.contains("code{overflow-wrap:anywhere}"));
}

/// A log with a pretty-printed body of 50111 first and a one-line one later, a
/// one-line 50011, and a 51006 that is only ever pretty-printed; stamps in epoch
/// milliseconds.
const MULTI_LINE: &str = "1795392932198 ERROR order response:
{
  \"code\": \"50111\",
  \"data\": [],
  \"msg\": \"Invalid OK-ACCESS-KEY\"
}
1795392955670 INFO order placed
1795398693932 ERROR rest: okx {\"code\":\"50111\",\"data\":[],\"msg\":\"Invalid OK-ACCESS-KEY\"}
1795398710000 ERROR rest: okx {\"code\":\"50011\",\"msg\":\"Too Many Requests\"}
1795398700000 ERROR order response:
{
  \"code\": \"1\",
  \"data\": [
    {
      \"sCode\": \"51006\",
      \"sMsg\": \"Order price is not within the price limit\"
    }
  ],
  \"msg\": \"\"
}
";

#[test]
fn samples_are_whole_bodies_with_epoch_stamps_as_times() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bot.log"), MULTI_LINE).unwrap();
    let md = text(&run(&["--tz", "UTC"], dir.path()));
    let samples = &md[at(&md, "## Samples")..];
    // 50111: a whole body, not the `"code": "50111",` line of the first one.
    let s50111 = &samples[at(samples, "**50111**")..at(samples, "**50011**")];
    assert!(
        s50111.contains(r#""msg":"Invalid OK-ACCESS-KEY"}</pre>"#)
            || s50111.contains("\"msg\": \"Invalid OK-ACCESS-KEY\"\n}</pre>"),
        "{s50111}"
    );
    assert!(!s50111.contains("<pre>  \"code\": \"50111\","), "{s50111}");
    // Epoch-millisecond stamps are times in the display zone.
    assert!(
        samples.contains(
            r#"<pre>2026-11-23 01:51:50.000 ERROR rest: okx {"code":"50011","msg":"Too Many Requests"}</pre>"#
        ),
        "{samples}"
    );
    assert!(!samples.contains("17953"), "{samples}");
    let md = text(&run(&["--tz", "Asia/Shanghai"], dir.path()));
    assert!(
        md.contains("<pre>2026-11-23 09:51:50.000 ERROR rest: okx"),
        "{md}"
    );
    let html = text(&run(&["--tz", "UTC", "--format", "html"], dir.path()));
    assert!(html.contains("<pre>2026-11-23 01:51:50.000 ERROR rest: okx"));
}

// Pending: src/cmd/report.rs's sink must call `Tally::add_at(ev, place)` instead of
// `Tally::add(ev)` (one line, outside this helper's files) for the binary to find
// bodies written over several lines in the chunk; `Tally::add_at` and the bracket
// walk are tested in src/aggregate/report/{tally,sample}.rs.
#[test]
fn a_body_written_over_several_lines_is_sampled_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bot.log"), MULTI_LINE).unwrap();
    let md = text(&run(&["--tz", "UTC"], dir.path()));
    let samples = &md[at(&md, "## Samples")..];
    // 51006 only ever came pretty-printed: its sample is the whole body, with the
    // record's first line (its stamp as a time) above it.
    let want = "<pre>2026-11-23 01:51:40.000 ERROR order response:
{
  \"code\": \"1\",
  \"data\": [
    {
      \"sCode\": \"51006\",
      \"sMsg\": \"Order price is not within the price limit\"
    }
  ],
  \"msg\": \"\"
}</pre>";
    assert!(samples.contains(want), "{samples}");
    assert!(!samples.contains("One line of a body"), "{samples}");
}

#[test]
fn a_failed_input_is_said_in_the_headline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bot.log"),
        "2026-11-22 18:00:00,000 - bot - ERROR - okx {\"code\":\"50113\",\"msg\":\"Invalid Sign\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.log.gz"), b"\x1f\x8b\x08\x00garbage").unwrap();
    let md = text(&run(&["--tz", "UTC"], dir.path()));
    let headline = &md[at(&md, "## Headline")..at(&md, "## Fix first")];
    assert!(
        headline.contains(
            "> **Input error:** 1 input failed: the counts below leave out what could not be read."
        ),
        "{headline}"
    );
    assert!(
        headline.contains("broken.log.gz: gzip data is corrupt"),
        "{headline}"
    );
    let html = text(&run(&["--tz", "UTC", "--format", "html"], dir.path()));
    assert!(
        at(&html, r#"<div class="alert">Input error: 1 input failed"#)
            < at(&html, r#"<table class="cards""#)
    );
}

/// Regression (issue 22): `report -o today.html /var/log/gone` wrote "0 events. No
/// OKX error found." over yesterday's good report.
#[test]
fn when_every_input_fails_the_last_report_stays_and_the_exit_is_2() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("today.html");
    std::fs::write(&report, "yesterday's good report").unwrap();
    let gone = dir.path().join("gone");
    std::fs::write(dir.path().join("broken.log.gz"), b"\x1f\x8b\x08\x00garbage").unwrap();
    for inputs in [
        vec![gone.clone()],
        vec![gone.clone(), dir.path().join("broken.log.gz")],
    ] {
        let out = okxscan()
            .args(["report", "--format", "html", "-o"])
            .arg(&report)
            .args(&inputs)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{inputs:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("gone"), "{err}");
        assert!(
            err.contains("every input failed: no report written;")
                && err.contains("today.html left as it was"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&report).unwrap(),
            "yesterday's good report"
        );
        // Nothing left behind either.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
    // On stdout: nothing written, exit 2.
    let out = run(&["--tz", "UTC"], &gone);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());

    // One input read (even an empty one) is a report, with the failure in its
    // headline.
    std::fs::write(
        dir.path().join("quiet.log"),
        "2026-11-22 18:00:00,000 INFO all fine\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.log"), "").unwrap();
    for read in ["empty.log", "quiet.log"] {
        std::fs::write(&report, "yesterday's good report").unwrap();
        let out = okxscan()
            .args(["report", "-o"])
            .arg(&report)
            .arg(&gone)
            .arg(dir.path().join(read))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let md = std::fs::read_to_string(&report).unwrap();
        assert_ne!(md, "yesterday's good report", "{read}");
    }
    let md = std::fs::read_to_string(&report).unwrap();
    let headline = &md[at(&md, "## Headline")..at(&md, "## Diagnoses")];
    assert!(
        headline.contains("> **Input error:** 1 input failed"),
        "{headline}"
    );
    assert!(
        headline.contains("**0 events in 0 codes**. No OKX error found in what could be read."),
        "{headline}"
    );
}

/// Regression (issue 22): `--since 24h` on logs whose newest line was 13 days old
/// said "No OKX error found": a bot that stopped is news.
#[test]
fn an_empty_time_window_says_what_lay_outside_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bot.log"),
        "2026-11-22 18:07:30,000 ERROR okx {\"code\":\"50102\",\"msg\":\"Timestamp request expired\"}\n\
         2026-11-22 18:09:00,000 ERROR okx {\"code\":\"50011\",\"msg\":\"Too Many Requests\"}\n",
    )
    .unwrap();
    let note = "2 events lay outside the time window; the newest, at 2026-11-22 18:09:00 UTC, is 13 d 2 h old.";
    let report = |args: &[&str]| {
        okxscan()
            .env("OKXSCAN_NOW", "2026-12-05T20:09:00Z")
            .arg("report")
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let out = report(&["--since", "24h"]);
    assert_eq!(out.status.code(), Some(1));
    let md = text(&out);
    let headline = &md[at(&md, "## Headline")..at(&md, "## Diagnoses")];
    assert!(
        headline.contains(&format!("> **Time window:** {note}")),
        "{headline}"
    );
    assert!(
        headline.contains("**0 events in 0 codes**. No OKX error found in the time window."),
        "{headline}"
    );
    let html = text(&report(&["--since", "24h", "--format", "html"]));
    assert!(
        at(
            &html,
            &format!(r#"<div class="alert">Time window: {note}</div>"#)
        ) < at(&html, r#"<table class="cards""#)
    );
    // Events in the window: the note is in the scope's filters, not the headline.
    let md = text(&report(&["--since", "2026-11-22 18:08"]));
    assert!(
        md.contains("1 event lay outside the time window; the newest"),
        "{md}"
    );
    assert!(!md.contains("**Time window:**"), "{md}");
    assert!(!md.contains("No OKX error found"), "{md}");
}

#[test]
fn diagnoses_of_the_sample_night() {
    let md = text(&run(&["--tz", "UTC"], &sample_night()));
    assert!(md.contains("### Credentials never loaded"));
    assert!(md.contains("request header dumps with OK-ACCESS-PASSPHRASE empty, nan, None or null"));
    assert!(md.contains("### Clock drift"));
    assert!(md.contains("OK-ACCESS-TIMESTAMP is a median "));
    assert!(md.contains("### Missing permissions"));
    assert!(md.contains("- 30012 (Invalid Authority): 5 events."));
}

#[test]
fn secrets_never_reach_the_report() {
    let night = night(2.0, 3, &["--secrets"]);
    for format in ["md", "html"] {
        let out = run(&["--tz", "UTC", "--format", format], &night.dir());
        let s = text(&out);
        for secret in SECRETS {
            for form in [secret.to_string(), secret.replace('&', "&amp;")] {
                assert!(!s.contains(&form[..10]), "{format} report shows {secret}");
            }
        }
    }
}

#[test]
fn markdown_report_of_the_sample_night() {
    let out = okxscan()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "--tz", "UTC", "fixtures/sample-night"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("sample_night_md", text(&out));
}
