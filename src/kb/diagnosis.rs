//! What the report's diagnoses mean and how to fix them: knowledge, like the codes
//! table, so it lives here; the report fills in the findings (counts, times, places)
//! and lays the prose out in each format. Text in `backticks` is a code span.

/// A cause the report can diagnose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Requests sent with an empty or `nan` key, signature or passphrase.
    Credentials,
    /// The log's stamps are in another zone than the one they were read in.
    Zone,
    /// The request timestamps are too far from the exchange's clock.
    Clock,
    /// The key lacks a permission (or the account a right).
    Permission,
}

/// The fixed prose of a cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advice {
    pub title: &'static str,
    /// The fix, as sentences shown one after the other.
    pub fix: &'static [&'static str],
}

/// The title and the fix of a cause.
pub fn advice(c: Cause) -> Advice {
    match c {
        Cause::Credentials => Advice {
            title: "Credentials never loaded",
            fix: &[
                "The bot sent requests without its credentials: the value was never read from the config or the environment (`nan` typically comes from an empty cell of a CSV or pandas-read config, `None` from an unset variable).",
                "Load the API key, secret and passphrase before the exchange client is built, refuse to start when one is empty, and restart the bot. Put the real passphrase in the OK-ACCESS-PASSPHRASE header.",
            ],
        },
        Cause::Zone => Advice {
            title: "Logs written in another zone",
            fix: &[
                "A log time written without its zone is read in the log zone (`--log-tz`, default `$TZ`); read in the wrong one, every time is hours off: the timeline and the bursts move and the clock looks wrong when it is not.",
                "Run again with `--log-tz` set to the zone the bot writes its times in (`--tz` only changes how times are shown). Better, have the bot write its times with their offset (`2026-11-22T18:07:30+08:00`, or in UTC with `Z`).",
            ],
        },
        Cause::Clock => Advice {
            title: "Clock drift",
            fix: &[
                "OKX rejects a request whose timestamp is more than 30 seconds away from its own clock.",
                "Sync the host clock: on Linux `sudo timedatectl set-ntp true` (and a correct time zone), on Windows sync with Internet Time. Or derive the timestamp from OKX server time (GET /api/v5/public/time) plus a tracked offset, generated right before signing.",
            ],
        },
        Cause::Permission => Advice {
            title: "Missing permissions",
            fix: &[
                "Open the API key in OKX's API management page and check its permissions (Read, Trade, Withdraw) and IP allow-list; a read-only key cannot trade. Double-check the key and secret for typos too.",
            ],
        },
    }
}

/// Said of a clock diagnosis when no request header dump measured the offset.
pub const NO_OFFSET: &str = "No request header dump with OK-ACCESS-TIMESTAMP was found to measure the offset (log request headers at DEBUG level to measure it).";

/// Said of a zone diagnosis: the line stamps, read in `read`, look written in
/// `written` (`UTC+8`), which `--log-tz {arg}` reads right.
pub fn zone_finding(hours: &str, read: &str, written: &str, arg: &str) -> String {
    format!("That is {hours}: the log's times were read in {read} but look written in {written}, not a clock {hours} off. Read them with --log-tz {arg}.")
}

/// Said of a clock diagnosis whose offset is measured after taking a zone's whole
/// hours off.
pub const AFTER_ZONE: &str =
    "After taking off the zone's whole hours (see \"Logs written in another zone\"):";
