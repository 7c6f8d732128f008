//! The event: one OKX error response found in a log, and the small vocabularies
//! (shape, API family, category) that describe it; beside it the clue, a line that
//! is no error but explains one. Everything downstream of the
//! extractor speaks in these types.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// One OKX error response as found in a log. Its code and message may borrow
/// from the scan that found it (no allocation per event on the way to a count);
/// [`Event::into_owned`] keeps one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// Index of the input in the run's list of inputs.
    pub source: usize,
    /// 1-based line of the code (0 when line numbers were not counted).
    pub line: u64,
    /// Milliseconds since the epoch (UTC), from the line's own timestamp or the
    /// last one seen earlier in the same input.
    pub time: Option<i64>,
    /// The code as the exchange sent it; empty for a body that carried none.
    pub code: Cow<'a, str>,
    pub message: Cow<'a, str>,
    pub shape: Shape,
    /// The body could not be parsed whole (truncated by the logger, say).
    pub partial: bool,
    /// The log line (or the first line of a multi-line record), kept only when an
    /// output needs it.
    pub text: Option<String>,
    /// Byte range of the error body within `text`, for `-o` and colour.
    pub span: Option<(usize, usize)>,
}

impl Event<'_> {
    /// A v5 event of `code` at `time` with `message`, for tests.
    #[cfg(test)]
    pub fn example(code: &str, time: i64, message: &str) -> Event<'static> {
        Event {
            source: 0,
            line: 0,
            time: Some(time),
            code: code.to_string().into(),
            message: message.to_string().into(),
            shape: Shape::V5,
            partial: false,
            text: None,
            span: None,
        }
    }

    /// The same event, owning its text.
    pub fn into_owned(self) -> Event<'static> {
        Event {
            source: self.source,
            line: self.line,
            time: self.time,
            code: Cow::Owned(self.code.into_owned()),
            message: Cow::Owned(self.message.into_owned()),
            shape: self.shape,
            partial: self.partial,
            text: self.text,
            span: self.span,
        }
    }
}

/// What a clue says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClueKind {
    /// `OK-ACCESS-PASSPHRASE` is `nan`, `None`, `null` or empty.
    MissingPassphrase,
    /// `OK-ACCESS-KEY` is `nan`, `None`, `null` or empty.
    MissingKey,
    /// `OK-ACCESS-SIGN` is `nan`, `None`, `null` or empty.
    EmptySign,
    /// An `OK-ACCESS-TIMESTAMP` value, read as epoch milliseconds.
    Timestamp { request_ms: i64 },
}

/// One clue: a line that is no OKX error but explains one (a request-header dump).
/// Out of the scan of a chunk, `line` counts the newlines before the clue in its
/// chunk and `time` is only what the chunk itself shows; the merge settles both in
/// input order, as it does for events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clue {
    pub kind: ClueKind,
    /// Index of the input.
    pub source: usize,
    /// 1-based line once located (0 when lines are not counted).
    pub line: u64,
    /// The line's own time, or that of the nearest timestamped line above it.
    pub time: Option<i64>,
    /// No timestamped line above it in its chunk: the time comes from earlier chunks.
    pub open: bool,
}

impl Clue {
    /// For a timestamp clue: the request's timestamp minus the line's time.
    pub fn offset_ms(&self) -> Option<i64> {
        match self.kind {
            ClueKind::Timestamp { request_ms } => self.time.map(|t| request_ms - t),
            _ => None,
        }
    }
}

/// How the error body was written in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// v5 REST JSON (`{"code":"50102","msg":...}`), also escaped or pretty-printed.
    V5,
    /// A failed item of a v5 batch (`sCode`/`sMsg`).
    V5Scode,
    /// A WebSocket `{"event":"error",...}`.
    Ws,
    /// Legacy OKEx v3 (`error_code`/`error_message`).
    V3,
    /// Legacy OKEx v1 (`{"result":false,"error_code":10004}`).
    V1,
    /// A Python dict repr.
    PythonDict,
    /// A JavaScript object literal.
    JsObject,
    /// A Go struct dump.
    GoStruct,
    /// Exception text with no body (`50102:Timestamp request expired`, `code=50113`).
    Exception,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::V5 => "v5",
            Shape::V5Scode => "v5-scode",
            Shape::Ws => "ws",
            Shape::V3 => "v3",
            Shape::V1 => "v1",
            Shape::PythonDict => "python-dict",
            Shape::JsObject => "js-object",
            Shape::GoStruct => "go-struct",
            Shape::Exception => "exception",
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The API family a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    V5,
    Ws,
    V3,
    V1,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::V5 => "v5",
            Api::Ws => "ws",
            Api::V3 => "v3",
            Api::V1 => "v1",
        }
    }

    pub fn parse(s: &str) -> Option<Api> {
        match s {
            "v5" => Some(Api::V5),
            "ws" => Some(Api::Ws),
            "v3" => Some(Api::V3),
            "v1" => Some(Api::V1),
            _ => None,
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of failure a code is: the fixed set that filters and reports use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Auth,
    Clock,
    Permission,
    RateLimit,
    Availability,
    Funds,
    Order,
    Account,
    Request,
    Other,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Auth,
        Category::Clock,
        Category::Permission,
        Category::RateLimit,
        Category::Availability,
        Category::Funds,
        Category::Order,
        Category::Account,
        Category::Request,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Auth => "auth",
            Category::Clock => "clock",
            Category::Permission => "permission",
            Category::RateLimit => "rate-limit",
            Category::Availability => "availability",
            Category::Funds => "funds",
            Category::Order => "order",
            Category::Account => "account",
            Category::Request => "request",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// What to fix first: a bot that cannot authenticate or whose clock is off fails
    /// everything; rate limits and outages pass by themselves.
    pub fn priority(self) -> u8 {
        match self {
            Category::Auth => 0,
            Category::Clock => 1,
            Category::Permission => 2,
            Category::Account => 3,
            Category::Funds => 4,
            Category::Request => 5,
            Category::Order => 6,
            Category::RateLimit => 7,
            Category::Availability => 8,
            Category::Other => 9,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
