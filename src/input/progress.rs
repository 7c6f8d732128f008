//! Progress on stderr for long runs: bytes read of the total (compressed bytes for
//! compressed input), rate and ETA. Shown only on a terminal (or with `--progress`),
//! and only once a run has taken about a second, so short runs and cron jobs print
//! nothing. With no size to measure against (stdin, a FIFO: a total of 0, or more
//! read than the files' sizes said), a spinner with the bytes read and the rate, not
//! a bar stuck full at `1.21 GiB/0 B`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// A handle the scanners report bytes to; a no-op when progress is off.
#[derive(Clone, Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn off() -> Progress {
        Progress { bar: None }
    }

    /// A bar over `total` bytes, drawn on stderr after a one-second delay.
    pub fn new(total: u64, force: bool) -> Progress {
        let target = if force {
            ProgressDrawTarget::term_like_with_hz(Box::new(Stderr), 10)
        } else {
            ProgressDrawTarget::stderr_with_hz(10)
        };
        let sized = total > 0;
        let bar =
            ProgressBar::with_draw_target(sized.then_some(total), ProgressDrawTarget::hidden());
        bar.set_style(style(sized));
        let delayed = bar.clone();
        // Stay hidden for the first second: short runs print nothing.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1000));
            if !delayed.is_finished() {
                delayed.set_draw_target(target);
                delayed.enable_steady_tick(Duration::from_millis(100));
            }
        });
        Progress { bar: Some(bar) }
    }

    pub fn add(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
            if b.length().is_some_and(|len| b.position() > len) {
                // Stdin beside files: the total was not the total after all.
                b.unset_length();
                b.set_style(style(false));
            }
        }
    }

    /// Removes the bar from the screen.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// The line's template: a bar with ETA over a known total, else (`sized` false)
/// a spinner with bytes read and rate.
pub fn template(sized: bool) -> &'static str {
    if sized {
        "{spinner} {bytes}/{total_bytes} [{wide_bar}] {binary_bytes_per_sec} ETA {eta}"
    } else {
        "{spinner} {bytes} read, {binary_bytes_per_sec}, {elapsed}"
    }
}

fn style(sized: bool) -> ProgressStyle {
    ProgressStyle::with_template(template(sized))
        .expect("valid template")
        .progress_chars("=> ")
}

/// Stderr as a terminal even when it is not one (for `--progress`).
#[derive(Debug)]
struct Stderr;

impl indicatif::TermLike for Stderr {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}A"))
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}B"))
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}C"))
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.write_str(&format!("\x1b[{n}D"))
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.write_str(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        use std::io::Write;
        std::io::stderr().write_all(s.as_bytes())
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.write_str("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        use std::io::Write;
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_known_size_shows_a_spinner_not_a_full_bar() {
        assert!(template(true).contains("{wide_bar}"));
        assert!(template(true).contains("{total_bytes}"));
        let spinner = template(false);
        assert!(!spinner.contains("bar") && !spinner.contains("total") && !spinner.contains("eta"));
        assert!(spinner.contains("{bytes}") && spinner.contains("{binary_bytes_per_sec}"));
        // Both templates are valid.
        style(true);
        style(false);
    }

    #[test]
    fn stdin_total_of_zero_is_unsized_and_overflow_turns_sized_unsized() {
        let p = Progress::new(0, false);
        let b = p.bar.as_ref().unwrap();
        assert_eq!(b.length(), None, "total 0: no length, a spinner");
        p.finish();
        let p = Progress::new(10, false);
        p.add(4);
        assert_eq!(p.bar.as_ref().unwrap().length(), Some(10));
        p.add(20);
        assert_eq!(
            p.bar.as_ref().unwrap().length(),
            None,
            "read past the total"
        );
        p.finish();
    }
}
