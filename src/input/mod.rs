//! Inputs: what the command line names (files, directories, stdin), how each one is
//! opened (plain or compressed, told by its first bytes, never by its name), and how
//! it is cut into chunks of whole records ([`chunk`]).
//!
//! Problems with an input (missing, unreadable, binary, truncated archive) never stop
//! the run: they become [`Problem`]s, reported on stderr and in the exit status.

pub mod chunk;
pub mod decompress;
#[cfg(unix)]
pub mod mapped;
/// Elsewhere no file is mapped: every file is read by `pread`.
#[cfg(not(unix))]
pub mod mapped {
    pub struct Mapped;
    impl Mapped {
        pub fn new(_: &std::fs::File, _: u64) -> Option<Mapped> {
            None
        }
        pub fn bytes(&self) -> &[u8] {
            &[]
        }
        pub fn shrank(&self) -> bool {
            false
        }
        pub fn release_before(&self, _: usize) {}
    }
}
pub mod open;
pub mod progress;
pub mod sniff;
pub mod state;

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// One input to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// As shown in output: the path as given or found, or `<stdin>`.
    pub name: String,
    pub path: Option<PathBuf>,
    /// With `--state`: what an earlier run read of it, skipped now.
    pub resume: Option<state::Resume>,
}

impl Source {
    pub fn stdin() -> Source {
        Source {
            name: "<stdin>".into(),
            path: None,
            resume: None,
        }
    }

    /// A file to read whole.
    pub fn file(name: String, path: PathBuf) -> Source {
        Source {
            name,
            path: Some(path),
            resume: None,
        }
    }
}

/// Something wrong with an input, said once on stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub name: String,
    pub what: String,
    /// Data may have been lost (exit status 2); a notice otherwise.
    pub error: bool,
}

impl Problem {
    pub fn error(name: &str, what: impl Into<String>) -> Problem {
        Problem {
            name: name.to_string(),
            what: what.into(),
            error: true,
        }
    }

    pub fn notice(name: &str, what: impl Into<String>) -> Problem {
        Problem {
            name: name.to_string(),
            what: what.into(),
            error: false,
        }
    }
}

/// How directories are walked.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Which files of a walked directory are read (`-g`).
    pub globs: Globs,
    /// Follow symbolic links inside directories (loops are detected and skipped).
    pub follow: bool,
}

/// `-g` globs, as ripgrep takes them: a file is read when it matches one of the
/// globs without `!` (or there are none) and none of the globs with `!`. A glob
/// holding a `/` is matched against the path, any other against the file name.
#[derive(Clone, Debug, Default)]
pub struct Globs {
    /// Whether any glob without `!` was given.
    includes: bool,
    include_name: GlobSet,
    include_path: GlobSet,
    exclude_name: GlobSet,
    exclude_path: GlobSet,
}

impl Globs {
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Globs, globset::Error> {
        let mut sets: [GlobSetBuilder; 4] = std::array::from_fn(|_| GlobSetBuilder::new());
        let mut includes = false;
        for p in patterns {
            let p = p.as_ref();
            let (exclude, p) = match p.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, p),
            };
            includes |= !exclude;
            let slot = usize::from(exclude) * 2 + usize::from(p.contains('/'));
            sets[slot].add(Glob::new(p)?);
        }
        let [include_name, include_path, exclude_name, exclude_path] = sets;
        Ok(Globs {
            includes,
            include_name: include_name.build()?,
            include_path: include_path.build()?,
            exclude_name: exclude_name.build()?,
            exclude_path: exclude_path.build()?,
        })
    }

    /// Whether the file at `path` is read.
    pub fn wants(&self, path: &Path) -> bool {
        let name = path.file_name().map(Path::new).unwrap_or(path);
        let hit =
            |by_name: &GlobSet, by_path: &GlobSet| by_name.is_match(name) || by_path.is_match(path);
        (!self.includes || hit(&self.include_name, &self.include_path))
            && !hit(&self.exclude_name, &self.exclude_path)
    }
}

impl WalkOptions {
    pub fn with_glob(pattern: Option<&str>, follow: bool) -> Result<WalkOptions, globset::Error> {
        WalkOptions::with_globs(pattern.as_slice(), follow)
    }

    /// Options with the `-g` globs `patterns` (see [`Globs`]).
    pub fn with_globs<S: AsRef<str>>(
        patterns: &[S],
        follow: bool,
    ) -> Result<WalkOptions, globset::Error> {
        Ok(WalkOptions {
            globs: Globs::new(patterns)?,
            follow,
        })
    }

    fn wants(&self, path: &Path) -> bool {
        self.globs.wants(path)
    }
}

/// Expands the command line's paths into sources, in a deterministic order: paths
/// as given, directories walked recursively with entries sorted by name. Following
/// symbolic links (`-L`), a directory or file reached again through another link is
/// not read again (a fan-out of links would otherwise read one file thousands of
/// times).
pub fn expand(paths: &[String], opts: &WalkOptions) -> (Vec<Source>, Vec<Problem>) {
    let mut w = Walk {
        opts,
        stack: Vec::new(),
        dirs: HashSet::new(),
        files: HashSet::new(),
        sources: Vec::new(),
        problems: Vec::new(),
    };
    for p in paths {
        if p == "-" {
            // Stdin can be read once: `-` named again adds nothing (as in grep).
            if !w.sources.contains(&Source::stdin()) {
                w.sources.push(Source::stdin());
            }
            continue;
        }
        let path = PathBuf::from(p);
        match fs::metadata(&path) {
            Err(e) => w.problems.push(Problem::error(p, describe(&e))),
            Ok(md) if md.is_dir() => w.dir(&path),
            // A file named on the command line is read whatever it is (a FIFO from
            // process substitution included), as grep does.
            Ok(md) => w.file(p.clone(), path, Some(&md)),
        }
    }
    (w.sources, w.problems)
}

#[cfg(unix)]
fn file_id(md: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (md.dev(), md.ino())
}

#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// A walk over the command line's paths.
struct Walk<'a> {
    opts: &'a WalkOptions,
    /// The directories being walked, for loops.
    stack: Vec<(u64, u64)>,
    /// With `-L`: directories and files already taken.
    dirs: HashSet<(u64, u64)>,
    files: HashSet<(u64, u64)>,
    sources: Vec<Source>,
    problems: Vec<Problem>,
}

impl Walk<'_> {
    /// A file to read; with `-L`, once whatever the links to it (`md`: its
    /// metadata, when already read).
    fn file(&mut self, name: String, path: PathBuf, md: Option<&fs::Metadata>) {
        if self.opts.follow {
            let id = match md {
                Some(m) => Some(file_id(m)),
                None => fs::metadata(&path).ok().map(|m| file_id(&m)),
            };
            if id.is_some_and(|id| !self.files.insert(id)) {
                return;
            }
        }
        self.sources.push(Source::file(name, path));
    }

    fn dir(&mut self, dir: &Path) {
        let name = dir.display().to_string();
        if let Ok(md) = fs::metadata(dir) {
            let id = file_id(&md);
            if self.stack.contains(&id) {
                self.problems
                    .push(Problem::notice(&name, "symbolic link loop, skipped"));
                return;
            }
            if self.opts.follow && !self.dirs.insert(id) {
                // Walked already, through another link.
                return;
            }
            self.stack.push(id);
        }
        let entries = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.problems.push(Problem::error(&name, describe(&e)));
                return;
            }
        };
        // The type comes with the directory entry on most file systems: no `stat`
        // per file (a directory of 2,560 files: 4 calls a file -> 1,
        // docs/BENCHMARKS.md).
        let mut list: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| (e.path(), e.file_type().ok()))
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, known) in list {
            let shown = path.display().to_string();
            let ft = match known.filter(|t| !t.is_symlink()) {
                Some(t) => t,
                None => match fs::symlink_metadata(&path) {
                    Ok(m) => m.file_type(),
                    Err(e) => {
                        self.problems.push(Problem::error(&shown, describe(&e)));
                        continue;
                    }
                },
            };
            let kind = if ft.is_symlink() {
                if !self.opts.follow {
                    continue;
                }
                match fs::metadata(&path) {
                    Ok(m) => m.file_type(),
                    Err(e) => {
                        self.problems.push(Problem::notice(
                            &shown,
                            format!("broken symbolic link ({})", describe(&e)),
                        ));
                        continue;
                    }
                }
            } else {
                ft
            };
            if kind.is_dir() {
                self.dir(&path);
            } else if kind.is_file() {
                if self.opts.wants(&path) {
                    self.file(shown, path, None);
                }
            } else if self.opts.wants(&path) {
                self.problems.push(Problem::notice(
                    &shown,
                    "not a regular file (FIFO, socket or device), skipped",
                ));
            }
        }
        self.stack.pop();
    }
}

/// Why a source whose first chunk is `head` (after its leading hole, if any) is
/// skipped as binary, if it is ([`sniff::classify_head`]).
pub fn binary_problem(head: &[u8]) -> Option<String> {
    (sniff::classify_head(head) == sniff::Head::Binary)
        .then(|| "binary file (NUL bytes), skipped; use --binary to scan it".to_string())
}

/// A short, lower-case description of an I/O error.
pub fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(p) => s[..p].to_lowercase(),
                None => s,
            }
        }
    }
}

/// Opens a file for reading, naming the problem when it cannot be; with its
/// metadata (one `fstat`).
pub fn open_file(path: &Path) -> io::Result<(File, fs::Metadata)> {
    let f = File::open(path)?;
    let md = f.metadata()?;
    if md.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    Ok((f, md))
}

/// Asks for a 1 MiB buffer on a pipe this process reads (Linux; the default is
/// 64 KiB), so that the writer and the reader trade places far less often: `cat` of a
/// 1 GiB night into a reader of 1 MiB blocks took 2.6 s with 64 KiB, 0.65 s with
/// 1 MiB (docs/BENCHMARKS.md). On anything but a pipe, on a pipe already as wide,
/// or when refused (over `/proc/sys/fs/pipe-max-size`), nothing changes.
#[cfg(target_os = "linux")]
pub fn widen_pipe(fd: &impl std::os::fd::AsRawFd) {
    let fd = fd.as_raw_fd();
    // SAFETY: fcntl on a descriptor this process holds open; on anything but a
    // pipe both calls fail and change nothing. A wider buffer is kept as it is.
    unsafe {
        let now = libc::fcntl(fd, libc::F_GETPIPE_SZ);
        if (0..PIPE_BUFFER).contains(&now) {
            libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BUFFER);
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn widen_pipe<T>(_: &T) {}

/// The pipe buffer asked for by [`widen_pipe`]: the most an unprivileged process
/// gets by default.
#[cfg(target_os = "linux")]
const PIPE_BUFFER: libc::c_int = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_pipe_read_gets_a_wide_buffer_and_a_file_is_left_alone() {
        use std::os::fd::AsRawFd;
        let size = |fd: &dyn AsRawFd| {
            // SAFETY: F_GETPIPE_SZ on a descriptor held open here.
            unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETPIPE_SZ) }
        };
        // A pipe from libc (std::io::pipe is newer than the rust-version we keep).
        let mut fds = [0; 2];
        // SAFETY: pipe writes two new descriptors into `fds`, each owned once below.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        use std::os::fd::{FromRawFd, OwnedFd};
        // SAFETY: both descriptors were just opened and are owned by nothing else.
        let (reader, _writer) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        assert!(size(&reader) < PIPE_BUFFER);
        widen_pipe(&reader);
        assert_eq!(size(&reader), PIPE_BUFFER);
        let file = tempfile::tempfile().unwrap();
        widen_pipe(&file);
        assert_eq!(size(&file), -1);
    }

    #[test]
    fn walks_in_order_with_glob_and_reports_missing() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        for f in ["b.log", "a.log.1", "sub/c.log.gz", "notes.txt"] {
            fs::write(d.path().join(f), "x\n").unwrap();
        }
        let opts = WalkOptions::with_glob(Some("*.log*"), false).unwrap();
        let missing = d.path().join("nope").display().to_string();
        let (src, probs) = expand(&[d.path().display().to_string(), missing.clone()], &opts);
        let names: Vec<_> = src
            .iter()
            .map(|s| {
                s.path
                    .as_ref()
                    .unwrap()
                    .strip_prefix(d.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a.log.1", "b.log", "sub/c.log.gz"]);
        assert_eq!(
            probs,
            vec![Problem::error(&missing, "no such file or directory")]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fan_out_of_links_reads_each_file_once() {
        // Each level holds two links to the next: 2^12 paths to one file.
        let d = tempfile::tempdir().unwrap();
        let levels = 12;
        for k in 0..=levels {
            fs::create_dir(d.path().join(format!("l{k}"))).unwrap();
        }
        fs::write(d.path().join(format!("l{levels}/x.log")), "x\n").unwrap();
        for k in 0..levels {
            for name in ["a", "b"] {
                std::os::unix::fs::symlink(
                    d.path().join(format!("l{}", k + 1)),
                    d.path().join(format!("l{k}/{name}")),
                )
                .unwrap();
            }
        }
        let opts = WalkOptions {
            globs: Globs::default(),
            follow: true,
        };
        let (src, _) = expand(&[d.path().join("l0").display().to_string()], &opts);
        assert_eq!(src.len(), 1);
        // Named twice, or through a link and by its own name: still once.
        let file = d
            .path()
            .join(format!("l{levels}/x.log"))
            .display()
            .to_string();
        let (src, _) = expand(&[file.clone(), file], &opts);
        assert_eq!(src.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_skipped() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("a")).unwrap();
        fs::write(d.path().join("a/x.log"), "x\n").unwrap();
        std::os::unix::fs::symlink(d.path(), d.path().join("a/loop")).unwrap();
        let opts = WalkOptions {
            globs: Globs::default(),
            follow: true,
        };
        let (src, probs) = expand(&[d.path().display().to_string()], &opts);
        assert_eq!(src.len(), 1);
        assert!(probs.iter().any(|p| p.what.contains("loop") && !p.error));
    }
}
