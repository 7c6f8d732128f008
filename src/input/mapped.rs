//! Files read through a memory map (no copy out of the page cache), made safe
//! against a file that shrinks while mapped: logrotate's `copytruncate` empties a
//! live log in place, and a read of a mapped page past the new end raises SIGBUS,
//! which would kill the process. A SIGBUS handler puts a page of zeros where the
//! fault was, marks the map, and lets the read go on; the scan then reports the
//! file as shrunk (as the `pread` path does) instead of dying.

use std::fs::File;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Once;

/// Maps alive at once (more are read by `pread`).
const SLOTS: usize = 64;

struct Slot {
    start: AtomicUsize,
    end: AtomicUsize,
    shrank: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    shrank: AtomicBool::new(false),
};

/// The address ranges of live maps, read by the signal handler (atomics only).
static LIVE: [Slot; SLOTS] = [FREE; SLOTS];

static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The SIGBUS handler before ours, run for a fault outside our maps.
static mut BEFORE: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();

/// A file mapped for reading, registered with the SIGBUS handler.
pub struct Mapped {
    map: memmap2::Mmap,
    slot: usize,
    /// Bytes before this are released (see [`Mapped::release_before`]).
    released: AtomicUsize,
}

/// Pages are released in runs of this many bytes (whole huge pages).
const RELEASE: usize = 2 << 20;

/// A map no longer than this is not released piece by piece: it goes whole when
/// dropped, and each release is a TLB flush on every core running the scan (100
/// maps of 10 MiB: 3% faster without, docs/BENCHMARKS.md), for at most this much
/// resident memory per file in flight.
const KEEP_WHOLE: usize = 16 << 20;

impl Mapped {
    /// Maps `file` (`len` bytes at open), or `None` when it cannot be (then read it
    /// by `pread`): no handler, no free slot, or the map failed.
    pub fn new(file: &File, len: u64) -> Option<Mapped> {
        install();
        if !INSTALLED.load(Ordering::Acquire) || len == 0 {
            return None;
        }
        // SAFETY: the map is only read. A file changed by another process while
        // mapped shows the change, as a `pread` would; one that shrinks raises
        // SIGBUS on the pages past its end, which the handler below turns into
        // zeros and a mark that `shrank` reports.
        let map = unsafe { memmap2::MmapOptions::new().len(len as usize).map(file) }.ok()?;
        let (start, end) = (map.as_ptr() as usize, map.as_ptr() as usize + map.len());
        let slot = (0..SLOTS).find(|&k| {
            LIVE[k]
                .start
                .compare_exchange(0, start, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        })?;
        LIVE[slot].shrank.store(false, Ordering::Release);
        LIVE[slot].end.store(end, Ordering::Release);
        Some(Mapped {
            map,
            slot,
            released: AtomicUsize::new(0),
        })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Releases the runs of pages from the one holding `from` to the one holding
    /// `to` (that one kept), out of order: the pieces of one long record, or a
    /// search through it, by one worker while others scan the chunks before it
    /// (their pages, if touched, are read again). Calls for `[a, b)` then
    /// `[b, c)` release all of `[a, c)` but its last run.
    pub fn release_range(&self, from: usize, to: usize) {
        if self.map.len() <= KEEP_WHOLE {
            return;
        }
        let from = from / RELEASE * RELEASE;
        let to = to.min(self.map.len()) / RELEASE * RELEASE;
        if to > from {
            // SAFETY: as in `release_before`: a read-only shared map of a file.
            let _ = unsafe {
                self.map
                    .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from)
            };
        }
    }

    /// Hands the pages before `offset` back (they stay in the page cache, out of
    /// this process's resident memory), so that a map of a huge file costs no more
    /// resident memory than the chunks in flight. Nothing before `offset` may be
    /// read after this.
    pub fn release_before(&self, offset: usize) {
        if self.map.len() <= KEEP_WHOLE {
            return;
        }
        let upto = offset.min(self.map.len()) / RELEASE * RELEASE;
        let from = self.released.fetch_max(upto, Ordering::AcqRel);
        if upto > from {
            // SAFETY: a read-only shared map of a file: released pages read
            // the file again if touched; the caller reads nothing before
            // `offset` any more.
            let _ = unsafe {
                self.map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    from,
                    upto - from,
                )
            };
        }
    }

    /// Did a read fall past the file's end (it shrank while mapped)? Those bytes
    /// read as zeros.
    pub fn shrank(&self) -> bool {
        LIVE[self.slot].shrank.load(Ordering::Acquire)
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // Unregistered before the map goes (a fault after this is not ours).
        LIVE[self.slot].end.store(0, Ordering::Release);
        LIVE[self.slot].start.store(0, Ordering::Release);
    }
}

fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sigaction with a zeroed struct, our handler and SA_SIGINFO; the
        // previous action is kept in BEFORE (written once, here, before the
        // handler can run, and only read after).
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                on_sigbus;
            act.sa_sigaction = handler as usize;
            act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut act.sa_mask);
            let before = std::ptr::addr_of_mut!(BEFORE).cast::<libc::sigaction>();
            if libc::sigaction(libc::SIGBUS, &act, before) == 0 {
                INSTALLED.store(true, Ordering::Release);
            }
        }
    });
}

extern "C" fn on_sigbus(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel hands a valid siginfo for SA_SIGINFO handlers; only
    // async-signal-safe calls follow (atomics, mmap, sigaction).
    unsafe {
        let addr = (*info).si_addr() as usize;
        for slot in &LIVE {
            let start = slot.start.load(Ordering::Acquire);
            let end = slot.end.load(Ordering::Acquire);
            if start != 0 && start <= addr && addr < end {
                let page = addr & !(page_size() - 1);
                let zero = libc::mmap(
                    page as *mut libc::c_void,
                    page_size(),
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                );
                if zero != libc::MAP_FAILED {
                    slot.shrank.store(true, Ordering::Release);
                    return;
                }
            }
        }
        // Not a read of ours: the handler before ours takes it (the fault repeats
        // when this returns).
        let before = std::ptr::addr_of!(BEFORE).cast::<libc::sigaction>();
        libc::sigaction(libc::SIGBUS, before, std::ptr::null_mut());
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf is async-signal-safe and has no preconditions.
    (unsafe { libc::sysconf(libc::_SC_PAGESIZE) }) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_that_shrinks_while_mapped_reads_as_zeros_and_says_so() {
        let mut f = tempfile::tempfile().unwrap();
        let page = page_size();
        // Long enough to be released piece by piece; past three pages, a hole.
        let len = (KEEP_WHOLE + RELEASE) as u64;
        f.write_all(&vec![b'x'; 3 * page]).unwrap();
        f.set_len(len).unwrap();
        let m = Mapped::new(&f, len).expect("mapped");
        assert_eq!(m.bytes()[2 * page], b'x');
        assert!(!m.shrank());
        let other = Mapped::new(&f, len).expect("mapped");
        f.set_len(page as u64).unwrap();
        // The pages past the end now fault; the handler makes them zeros.
        let tail: usize = m.bytes()[page..3 * page]
            .iter()
            .map(|&b| usize::from(b))
            .sum();
        assert_eq!(tail, 0);
        assert!(m.shrank());
        assert_eq!(m.bytes()[0], b'x');
        // Released pages leave this process, and read the file again.
        let linux = cfg!(target_os = "linux");
        assert!(!linux || present(&m.bytes()[0]));
        m.release_before(usize::MAX);
        assert!(!linux || !present(&m.bytes()[0]));
        assert_eq!(m.bytes()[0], b'x');
        // Another map of the same file is marked only when it reads there too.
        assert!(!other.shrank());
        assert_eq!(other.bytes()[2 * page], 0);
        assert!(other.shrank());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_small_map_is_kept_whole_until_dropped() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&vec![b'x'; page_size()]).unwrap();
        // Two runs that a longer map would release.
        f.set_len(2 * RELEASE as u64).unwrap();
        let m = Mapped::new(&f, 2 * RELEASE as u64).expect("mapped");
        assert_eq!(m.bytes()[0], b'x');
        m.release_before(usize::MAX);
        assert!(present(&m.bytes()[0]));
    }

    /// Is the page holding `b` mapped in this process (`/proc/self/pagemap`)?
    fn present(b: &u8) -> bool {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = File::open("/proc/self/pagemap").unwrap();
        let page = (b as *const u8 as usize / page_size()) as u64;
        f.seek(SeekFrom::Start(page * 8)).unwrap();
        let mut e = [0u8; 8];
        f.read_exact(&mut e).unwrap();
        u64::from_le_bytes(e) >> 63 == 1
    }
}
