//! Incremental runs (`--state FILE`): what earlier runs read of each file, so that a
//! run reads only what is new. A file is known by its device and inode and by a
//! fingerprint of its first bytes (of its decompressed bytes, for a compressed
//! file), so that a file renamed by rotation is followed, a file emptied in place
//! (`copytruncate`) is read again from its start, and a rotated file compressed
//! afterwards (`bot.log.1.gz`) is recognised as what was read already.
//!
//! A run reads each file up to the end of its last complete line (a line still being
//! written is read next time). The state is written atomically once the run's output
//! is written; a run that fails before that leaves the old state, so the next run
//! reads the same bytes again: an event may be counted twice after a crash, never
//! lost. A lock file beside the state refuses a second run on the same state.

use super::decompress;
use super::{describe, Source};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

/// The state file's format version.
const VERSION: u32 = 1;

/// Bytes of a file's start that identify it.
const PRINT: usize = 1024;

/// Entries not seen for this long are forgotten (a rotated file gone for good).
const FORGET_MS: i64 = 30 * 24 * 3600 * 1000;

/// Why the state cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state file {0}: {1}")]
    Io(String, String),
    #[error("state file {0} is not a state okxscan wrote ({1}); move it away to start afresh")]
    Format(String, String),
    #[error("state file {0} is in use by another okxscan run (lock {1}); not run twice at once")]
    Locked(String, String),
}

/// What is known of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The path it was last read under (for people reading the state).
    pub path: String,
    pub dev: u64,
    pub ino: u64,
    /// A hash of the first `print_len` bytes of its (decompressed) content.
    pub print: u64,
    pub print_len: u64,
    /// Bytes of content read: the end of its last complete line.
    pub offset: u64,
    /// Lines before `offset`.
    pub lines: u64,
    /// When a run last saw it (epoch ms).
    pub seen_ms: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    version: u32,
    files: Vec<Entry>,
}

/// Where a file's new bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume {
    /// Content bytes already read (skipped now).
    pub offset: u64,
    /// Lines before `offset`: line numbers go on from there.
    pub lines: u64,
    /// For a plain file, the end of its last complete line now (read up to there);
    /// `None` for a compressed file (read to its end).
    pub end: Option<u64>,
}

/// The state of a run in progress: the lock held, the entries read at start, and
/// the entries the run will leave.
pub struct State {
    path: PathBuf,
    _lock: File,
    /// The state file and its lock, never read as logs (they may sit among them).
    own: Vec<(u64, u64)>,
    old: Vec<Entry>,
    /// For each planned source, its entry as it will be once read (offset and lines
    /// still those at the start; [`State::commit`] adds what was read).
    planned: Vec<Option<Entry>>,
    now_ms: i64,
}

impl State {
    /// Takes the lock beside `path` and reads the state (none yet: empty).
    pub fn open(path: &Path, now_ms: i64) -> Result<State, StateError> {
        let shown = path.display().to_string();
        let lock_path = lock_path(path);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StateError::Io(lock_path.display().to_string(), describe(&e)))?;
        if !try_lock(&lock) {
            return Err(StateError::Locked(shown, lock_path.display().to_string()));
        }
        let old = match fs::read(path) {
            Ok(bytes) => {
                let saved: Saved = serde_json::from_slice(&bytes)
                    .map_err(|e| StateError::Format(shown.clone(), e.to_string()))?;
                if saved.version != VERSION {
                    return Err(StateError::Format(
                        shown,
                        format!("version {}, this okxscan reads {VERSION}", saved.version),
                    ));
                }
                saved.files
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(StateError::Io(shown, describe(&e))),
        };
        let own = [Some(path), Some(lock_path.as_path())]
            .into_iter()
            .flatten()
            .filter_map(|p| fs::metadata(p).ok())
            .map(|m| id(&m))
            .collect();
        Ok(State {
            path: path.to_path_buf(),
            _lock: lock,
            own,
            old,
            planned: Vec::new(),
            now_ms,
        })
    }

    /// Decides what each source still holds to read: sets its resume point, and
    /// drops the sources with nothing new. Sources that cannot be looked at now
    /// are kept whole (the scan reports their problem).
    pub fn plan(&mut self, sources: Vec<Source>) -> Vec<Source> {
        let mut kept = Vec::with_capacity(sources.len());
        self.planned.clear();
        for mut src in sources {
            let Some(path) = src.path.clone() else {
                kept.push(src);
                self.planned.push(None);
                continue;
            };
            let Ok(look) = Look::at(&path) else {
                kept.push(src);
                self.planned.push(None);
                continue;
            };
            if self.own.contains(&(look.dev, look.ino)) {
                continue;
            }
            let known = self.known(&look);
            let (offset, lines) = match known {
                Some(e) if look.end.is_none_or(|end| e.offset <= end) => (e.offset, e.lines),
                _ => (0, 0),
            };
            if look.end.is_some_and(|end| offset >= end) {
                // Nothing new (or only a line still being written).
                continue;
            }
            let entry = Entry {
                path: src.name.clone(),
                dev: look.dev,
                ino: look.ino,
                print: fingerprint(&look.head),
                print_len: look.head.len() as u64,
                offset,
                lines,
                seen_ms: self.now_ms,
            };
            src.resume = Some(Resume {
                offset,
                lines,
                end: look.end,
            });
            kept.push(src);
            self.planned.push(Some(entry));
        }
        kept
    }

    /// The entry an earlier run left for the file `look` shows: the same file
    /// (device and inode) with the same first bytes, else a file with its first
    /// bytes under another identity (a rotated file copied or compressed).
    fn known(&self, look: &Look) -> Option<&Entry> {
        let same_start = |e: &&Entry| {
            e.print_len as usize <= look.head.len()
                && fingerprint(&look.head[..e.print_len as usize]) == e.print
        };
        self.old
            .iter()
            .filter(same_start)
            .find(|e| e.dev == look.dev && e.ino == look.ino)
            .or_else(|| self.old.iter().filter(same_start).max_by_key(|e| e.offset))
    }

    /// Writes the state left by a run whose `i`-th planned source read `bytes` bytes
    /// and `lines` lines (`None`: it failed, and keeps its old entry), atomically.
    pub fn commit(self, read: &[Option<(u64, u64)>]) -> Result<(), StateError> {
        let shown = self.path.display().to_string();
        let mut files: Vec<Entry> = Vec::new();
        for (planned, got) in self.planned.iter().zip(read) {
            if let (Some(e), Some((bytes, lines))) = (planned, got) {
                let mut e = e.clone();
                e.offset += bytes;
                e.lines += lines;
                files.push(e);
            }
        }
        // Entries of files not read this time stay (a rotated file may come back
        // compressed) until they are old.
        for e in self.old {
            let replaced = files.iter().any(|f| {
                (f.dev, f.ino) == (e.dev, e.ino) || f.print == e.print && f.offset >= e.offset
            });
            if !replaced && self.now_ms - e.seen_ms < FORGET_MS {
                files.push(e);
            }
        }
        let saved = Saved {
            version: VERSION,
            files,
        };
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let write = || -> io::Result<()> {
            let mut tmp = tempfile::Builder::new()
                .prefix(".okxscan-state-")
                .tempfile_in(dir)?;
            serde_json::to_writer_pretty(&mut tmp, &saved)?;
            tmp.as_file().sync_all()?;
            tmp.persist(&self.path).map_err(|e| e.error)?;
            Ok(())
        };
        write().map_err(|e| StateError::Io(shown, describe(&e)))
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

#[cfg(unix)]
fn try_lock(f: &File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor held open for the lock's whole life; it is
    // released when the file is closed.
    unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> bool {
    true
}

/// What a file shows now: identity, first bytes and where its complete lines end.
struct Look {
    dev: u64,
    ino: u64,
    head: Vec<u8>,
    end: Option<u64>,
}

impl Look {
    fn at(path: &Path) -> io::Result<Look> {
        let mut file = File::open(path)?;
        let md = file.metadata()?;
        if !md.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        let (dev, ino) = id(&md);
        let mut head = Vec::with_capacity(PRINT);
        (&mut file).take(PRINT as u64).read_to_end(&mut head)?;
        if let Some(format) = decompress::sniff(&head) {
            file.rewind()?;
            let mut head = Vec::with_capacity(PRINT);
            decompress::decoder(file, format)?
                .take(PRINT as u64)
                .read_to_end(&mut head)?;
            return Ok(Look {
                dev,
                ino,
                head,
                end: None,
            });
        }
        Ok(Look {
            dev,
            ino,
            end: Some(last_line_end(&file, md.len())?),
            head,
        })
    }
}

#[cfg(unix)]
fn id(md: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (md.dev(), md.ino())
}

#[cfg(not(unix))]
fn id(_: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// The end of the last complete line of a file of `len` bytes (0 when none).
fn last_line_end(file: &File, len: u64) -> io::Result<u64> {
    let mut end = len;
    let mut buf = vec![0; 64 * 1024];
    while end > 0 {
        let from = end.saturating_sub(buf.len() as u64);
        let n = (end - from) as usize;
        read_exact_at(file, &mut buf[..n], from)?;
        if let Some(p) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(from + p as u64 + 1);
        }
        end = from;
    }
    Ok(0)
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], off: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, off)
}

#[cfg(windows)]
fn read_exact_at(f: &File, buf: &mut [u8], off: u64) -> io::Result<()> {
    let mut got = 0;
    while got < buf.len() {
        let n = std::os::windows::fs::FileExt::seek_read(f, &mut buf[got..], off + got as u64)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        got += n;
    }
    Ok(())
}

/// FNV-1a: a hash that stays the same from version to version of everything.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_complete_line_ends_after_its_newline() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.log");
        for (text, end) in [("", 0), ("abc", 0), ("a\n", 2), ("a\nbc", 2), ("a\nb\n", 4)] {
            fs::write(&p, text).unwrap();
            let f = File::open(&p).unwrap();
            assert_eq!(
                last_line_end(&f, text.len() as u64).unwrap(),
                end,
                "{text:?}"
            );
        }
        // Past one read's worth of bytes without a newline.
        let long = format!("x\n{}", "y".repeat(200_000));
        fs::write(&p, &long).unwrap();
        let f = File::open(&p).unwrap();
        assert_eq!(last_line_end(&f, long.len() as u64).unwrap(), 2);
    }

    #[test]
    fn a_second_run_on_the_same_state_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("state.json");
        let first = State::open(&p, 0).unwrap();
        assert!(matches!(State::open(&p, 0), Err(StateError::Locked(..))));
        drop(first);
        assert!(State::open(&p, 0).is_ok());
    }
}
