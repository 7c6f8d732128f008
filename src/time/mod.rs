//! Time: the zone timestamps are read and shown in, and the byte-level parser that
//! finds a log line's own timestamp.
//!
//! Times travel through the pipeline as `i64` milliseconds since the Unix epoch (UTC).
//! Two zones: a log's timestamp written without a zone is read in the log zone
//! (`--log-tz`, default `$TZ` as a person reading the log on that machine would),
//! and everything shown, and every time a user types, is in the display zone
//! (`--tz`). The parser works on raw bytes so that it never has to decode a line as
//! UTF-8.

//!
//! [`zone`] holds the display zone, [`stamp`] the log-line stamp parser, [`user`]
//! the parser of `--since`/`--until`.

mod stamp;
mod user;
mod zone;

pub use stamp::{epoch_ms, line_stamp, line_time, parse_datetime, Stamp};
pub use user::parse_user_time;
pub use zone::{BadZone, Zone};

/// The width of the time buckets of a timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Bucket {
    #[default]
    None,
    Minute,
    Hour,
    Day,
}

impl Bucket {
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::None => "none",
            Bucket::Minute => "minute",
            Bucket::Hour => "hour",
            Bucket::Day => "day",
        }
    }

    /// Nominal length in milliseconds (for rates).
    pub fn millis(self) -> i64 {
        match self {
            Bucket::None => 0,
            Bucket::Minute => 60_000,
            Bucket::Hour => 3_600_000,
            Bucket::Day => 86_400_000,
        }
    }
}
