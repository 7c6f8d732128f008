//! Diagnostics on stderr that never panic. `eprintln!` panics when stderr cannot
//! be written (`okxscan --tz bogus x 2>/dev/full` exited 101); a message that
//! cannot be said is dropped, and the exit status still says what happened.

use std::fmt;
use std::io::Write;

/// Writes `args` to stderr, ignoring a failed write.
pub fn write(args: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `eprintln!` without the panic: a line on stderr, dropped if it cannot be written.
#[macro_export]
macro_rules! diag {
    ($($arg:tt)*) => {
        $crate::diag::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}
