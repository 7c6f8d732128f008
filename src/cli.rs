//! The command line, as clap derives it. Field doc comments are the `--help` text.
//! Nothing here is validated beyond its type: [`crate::config`] turns these options
//! into a checked configuration, once.

use crate::event::{Api, Category};
pub use crate::render::{ColorChoice, GrepFormat, ReportFormat, SummaryFormat};
use crate::time::Bucket;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Find, count and explain OKX / OKEx API errors in trading-bot logs.
///
/// With no subcommand, `okxscan [PATH]...` runs `summary`. PATH is a file, a
/// directory (walked recursively) or `-` for stdin; compressed files (gzip, zstd,
/// bzip2, xz) are read as they are. Exit status: 0 events found, 1 none, 2 an error
/// occurred, 3 `--fail-on` matched.
#[derive(Debug, Parser)]
#[command(
    name = "okxscan",
    version,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub summary: SummaryArgs,

    /// Print a man page or a shell completion script on stdout, then exit
    #[arg(long, value_enum, value_name = "KIND", exclusive = true)]
    pub generate: Option<Generate>,
}

/// What `--generate` prints (the names ripgrep gives them).
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Generate {
    /// The man page, roff (`okxscan.1`)
    Man,
    /// Completions for bash
    CompleteBash,
    /// Completions for zsh (`_okxscan`)
    CompleteZsh,
    /// Completions for fish
    CompleteFish,
    /// Completions for PowerShell
    CompletePowershell,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Count errors by code (and time bucket), with first/last seen, message and remedy.
    Summary(SummaryArgs),
    /// Print the log lines that hold matching errors, ripgrep-style (or as NDJSON/CSV events).
    Grep(GrepArgs),
    /// A one-page post-mortem: headline, timeline, bursts, diagnoses, samples (markdown or HTML).
    Report(ReportArgs),
    /// Explain error codes: meaning, category, official message, remedy.
    Explain(ExplainArgs),
    /// List the knowledge base of error codes.
    Codes(CodesArgs),
    /// Merge `summary --format json` files (one per host) into the summary of all their logs.
    ///
    /// Prints what one `okxscan summary` over all the hosts' logs, in the order of the
    /// files, would print, from the JSON summaries each host wrote (made with the same
    /// `--by` and filters). Exit status: 0 events found, 1 none, 2 a file that cannot be
    /// merged (unreadable, of another version, or made with another `--by`).
    Merge(MergeArgs),
}

/// Options shared by every command that reads logs.
#[derive(Debug, Args, Clone, Default)]
pub struct ScanArgs {
    /// Files, directories or `-` for stdin [default: stdin when piped, else .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Worker threads [default: number of cores]
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Zone of everything shown (times, buckets) and of times you type (--since,
    /// --until): an IANA name (Asia/Shanghai), an offset (+08:00) or UTC
    /// [default: $TZ, else local]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,

    /// Zone the logs' timestamps written without one are read in (same forms as
    /// --tz) [default: $TZ, else local; not --tz]
    #[arg(long, value_name = "ZONE")]
    pub log_tz: Option<String>,

    /// Only scan files in directories whose name matches a glob (path, when the
    /// glob holds a `/`); repeat it for several, `!` excludes: -g '*.log*' -g '!*.json'
    #[arg(short = 'g', long, value_name = "GLOB")]
    pub glob: Vec<String>,

    /// Follow symbolic links inside directories
    #[arg(short = 'L', long)]
    pub follow: bool,

    /// Scan files that contain NUL bytes instead of skipping them
    #[arg(long)]
    pub binary: bool,

    /// Print no progress bar and no notices (errors are still printed)
    #[arg(short, long)]
    pub quiet: bool,

    /// Show the progress bar even when stderr is not a terminal
    #[arg(long, conflicts_with = "quiet")]
    pub progress: bool,

    /// Print lines, bytes, files, events, partial bodies and elapsed time to stderr
    #[arg(long)]
    pub stats: bool,

    /// Read only what is new since the last run with this state file (appended
    /// lines, new and rotated files; a line still being written waits for the
    /// next run). Written once the output is; two runs on one state are refused
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Do not mask API keys, signatures, secrets and passphrases (local debugging only)
    #[arg(long)]
    pub no_redact: bool,

    /// Records (a line, or a body over lines) this long or longer are cut into
    /// pieces of 1 MiB, the same way from files, pipes and archives; in MiB
    #[arg(long, value_name = "MIB", default_value_t = 4)]
    pub max_record: usize,

    /// Chunk size in bytes for parallel scanning (tuning and tests)
    #[arg(long, hide = true)]
    pub chunk_size: Option<usize>,

    /// The current time for relative --since/--until (tests) [default: the clock]
    #[arg(long, hide = true, env = "OKXSCAN_NOW")]
    pub now: Option<String>,
}

/// Which events to consider.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only these codes; a trailing * matches a prefix (50102,51*)
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub code: Vec<String>,

    /// Only these categories
    #[arg(long, value_delimiter = ',', value_enum, value_name = "CATEGORY")]
    pub category: Vec<Category>,

    /// Only these API families
    #[arg(long, value_delimiter = ',', value_enum, value_name = "API")]
    pub api: Vec<Api>,

    /// Only events whose message matches this regex
    #[arg(long, value_name = "REGEX")]
    pub message: Option<String>,

    /// Only events at or after TIME: RFC 3339, a date, 'YYYY-MM-DD HH:MM' (in --tz),
    /// 30m/3h/2d ago, today, yesterday
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only events before TIME (same forms as --since)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Time buckets for a timeline
    #[arg(long, value_enum, default_value_t = Bucket::None)]
    pub by: Bucket,

    /// Output format [default: a text table fitted to the terminal when stdout is
    /// one, else md]
    #[arg(long, value_enum)]
    pub format: Option<SummaryFormat>,

    /// Write to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 3 when events of these categories or codes are counted
    /// (auth,clock or 50102 or 51*), saying on stderr which and how many
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY|CODE")]
    pub fail_on: Vec<String>,
}

#[derive(Debug, Args, Clone, Default)]
#[command(mut_arg("quiet", |a| a.help(
    "Quiet, as in grep: print nothing on stdout, stop at the first match and exit 0 \
     (1: none, 2: an error). Errors are still printed (-s hides file errors)"
)))]
pub struct GrepArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Print the number of matching events per file (path:N)
    #[arg(short, long)]
    pub count: bool,

    /// Print only the paths of files with matching events
    #[arg(short = 'l', long)]
    pub files_with_matches: bool,

    /// Print only the error body, not the whole line
    #[arg(short = 'o', long)]
    pub only_matching: bool,

    /// Stop after N matching events per file
    #[arg(short = 'm', long, value_name = "N")]
    pub max_count: Option<u64>,

    /// Show N lines after each match
    #[arg(short = 'A', long, value_name = "N")]
    pub after_context: Option<usize>,

    /// Show N lines before each match
    #[arg(short = 'B', long, value_name = "N")]
    pub before_context: Option<usize>,

    /// Show N lines before and after each match
    #[arg(short = 'C', long, value_name = "N")]
    pub context: Option<usize>,

    /// Highlight the error body
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// text: matching lines; ndjson/csv: one event per line (file, line, time, code, ...)
    #[arg(long, value_enum, default_value_t = GrepFormat::Text)]
    pub format: GrepFormat,

    /// Show the path before each line [default: when more than one file is searched]
    #[arg(short = 'H', long = "with-filename", overrides_with = "no_filename")]
    pub with_filename: bool,

    /// Never show the path
    #[arg(short = 'I', long = "no-filename", overrides_with = "with_filename")]
    pub no_filename: bool,

    /// Show line numbers [default: when stdout is a terminal]
    #[arg(short = 'n', long = "line-number", overrides_with = "no_line_number")]
    pub line_number: bool,

    /// Never show line numbers
    #[arg(short = 'N', long = "no-line-number", overrides_with = "line_number")]
    pub no_line_number: bool,

    /// Say nothing of files that cannot be read or found (the exit status still
    /// tells: 2)
    #[arg(short = 's', long = "no-messages")]
    pub no_messages: bool,

    /// Write to FILE (atomically: a temporary file renamed into place) instead of stdout
    #[arg(long, value_name = "FILE", conflicts_with = "quiet")]
    pub output: Option<PathBuf>,

    /// Exit with status 3 when matching events of these categories or codes are
    /// printed (auth,clock or 50102 or 51*), saying on stderr which and how many;
    /// with -q, stop at the first such event
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY|CODE")]
    pub fail_on: Vec<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,

    /// Write to FILE (atomically) or `-` for stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 3 when events of these categories or codes are present
    /// (auth,clock or 50102 or 51*), saying on stderr which and how many. The alert wins over every other status: 3 even
    /// when an input could not be read (that error is still printed on stderr and
    /// listed in the report's scope); otherwise 0 found, 1 none, 2 an input error
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY|CODE")]
    pub fail_on: Vec<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ExplainArgs {
    /// Codes to explain (51008, 51008_1000, 30008, ...)
    #[arg(required = true, value_name = "CODE")]
    pub codes: Vec<String>,
}

#[derive(Debug, Args, Clone)]
pub struct MergeArgs {
    /// JSON summaries (`-` for stdin), in the order one run would read their logs
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = SummaryFormat::Md)]
    pub format: SummaryFormat,

    /// Zone of displayed times and buckets [default: the zone the summaries were made in]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct CodesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = SummaryFormat::Md)]
    pub format: SummaryFormat,

    /// Only these categories
    #[arg(long, value_delimiter = ',', value_enum)]
    pub category: Vec<Category>,

    /// Only these API families
    #[arg(long, value_delimiter = ',', value_enum)]
    pub api: Vec<Api>,
}
