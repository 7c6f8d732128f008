//! Where a command writes: stdout, or `-o FILE`. A regular file (or a new path) is
//! replaced atomically: a temporary file in the same folder, renamed into place
//! when complete, with the mode of the file it replaces. Anything else is written
//! through, never replaced: a device or a FIFO (`-o` naming the null device, as root, must not put
//! a regular file in place of the system's `/dev/null`), and a symbolic link's
//! target is written (atomically when it is a regular file) while the link stays.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    /// A device, FIFO or socket, written in place.
    Through(BufWriter<File>),
    File {
        tmp: tempfile::NamedTempFile,
        path: PathBuf,
    },
}

impl Output {
    pub fn new(path: Option<&Path>) -> io::Result<Output> {
        let p = match path {
            Some(p) if p.as_os_str() != "-" => p,
            _ => {
                return Ok(Output::Stdout(BufWriter::with_capacity(
                    64 * 1024,
                    io::stdout(),
                )))
            }
        };
        let target = link_target(p);
        match fs::metadata(&target) {
            Ok(md) if !md.is_file() && !md.is_dir() => {
                let f = fs::OpenOptions::new().write(true).open(&target)?;
                return Ok(Output::Through(BufWriter::with_capacity(64 * 1024, f)));
            }
            _ => {}
        }
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // A replaced file keeps its mode; a new one is readable by all (as a file
        // written in place with the usual umask would be), not 0600.
        let mode = fs::metadata(&target)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| default_permissions());
        let tmp = tempfile::Builder::new()
            .prefix(".okxscan-")
            .permissions(mode)
            .tempfile_in(dir)?;
        Ok(Output::File { tmp, path: target })
    }

    /// Flushes, and for a file renames it into place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::Through(mut w) => w.flush(),
            Output::File { mut tmp, path } => {
                tmp.flush()?;
                tmp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
        }
    }
}

/// The path a write to `p` lands on: `p`, or for a symbolic link (a chain of them)
/// its final target, existing or not.
fn link_target(p: &Path) -> PathBuf {
    let mut path = p.to_path_buf();
    // A bounded chain: a loop is left to the open to report.
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => match fs::read_link(&path) {
                Ok(to) => {
                    path = match path.parent() {
                        Some(dir) if to.is_relative() => dir.join(to),
                        _ => to,
                    }
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    path
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Through(w) => w.write(buf),
            Output::File { tmp, .. } => tmp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Through(w) => w.flush(),
            Output::File { tmp, .. } => tmp.flush(),
        }
    }
}

#[cfg(unix)]
fn default_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> fs::Permissions {
    fs::metadata(".")
        .map(|m| m.permissions())
        .expect("current directory")
}
