//! Puts files into the page cache the same way for a benchmark, whatever their size:
//! drops what is cached of each (its clean pages), then reads it back through a map
//! advised to use huge pages, so that each sits in 2 MiB folios.
//!
//! ```text
//! cargo run --release --example warm -- FILE...
//! ```
//!
//! Why (docs/BENCHMARKS.md): how a file came into the page cache decides the size of
//! the folios that hold it, and that size costs every tool that maps or reads the
//! file. Read back by `cat`, a 1 GiB file ends mostly in 2 MiB folios but a 10 MiB
//! one in folios of 4 to 256 KiB (the read-ahead window grows with each read and
//! never gets far within 10 MiB); mapped in 4 KiB pages, 256 MiB costs a scan about
//! 30 ms more of system time than in 2 MiB folios (measured with `okxscan -j 1`).
//! Comparing 100 files of 10 MiB with one file of 1 GiB compares the tools only if
//! both sit in the same folios. Linux only (elsewhere each file is read once).

use std::fs::File;

fn main() {
    let mut failed = false;
    for path in std::env::args_os().skip(1) {
        if let Err(e) = warm(&path) {
            eprintln!("warm: {}: {e}", path.to_string_lossy());
            failed = true;
        }
    }
    std::process::exit(i32::from(failed));
}

#[cfg(target_os = "linux")]
fn warm(path: &std::ffi::OsStr) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    // SAFETY: plain advice on an open descriptor; dirty pages are not dropped.
    let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    if len == 0 {
        return Ok(());
    }
    // SAFETY: read only, and the file is one the benchmark wrote and does not change.
    let map = unsafe { memmap2::MmapOptions::new().len(len as usize).map(&file)? };
    map.advise(memmap2::Advice::HugePage)?;
    // One byte a page: each fault reads ahead a whole huge folio.
    let sum = (0..map.len())
        .step_by(4096)
        .fold(0u8, |a, i| a.wrapping_add(map[i]));
    std::hint::black_box(sum);
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn warm(path: &std::ffi::OsStr) -> std::io::Result<()> {
    std::io::copy(&mut File::open(path)?, &mut std::io::sink()).map(drop)
}
