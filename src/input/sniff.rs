//! Is an input text, binary, or text after holes? Decided once, from its first
//! bytes (the head), the same way for files and streams.
//!
//! A NUL byte in the head usually means binary (an executable, an image, a core
//! dump, UTF-16): such files are skipped unless `--binary`. But a log can hold runs
//! of NUL bytes and still be a log: `logrotate copytruncate` empties a file while the
//! bot keeps writing at its old offset, so the file starts with a hole as long as
//! what was rotated away (zeros when read), then goes on with whole lines; a crash
//! can leave whole pages of zeros where blocks were never written. So a leading
//! run of NULs ([`HOLE_MIN`] bytes or more) and page-sized runs ([`PAGE_HOLE`] bytes
//! or more) are holes, not content: the leading hole is skipped and the rest is
//! scanned. A short NUL run anywhere in the head is binary content.

/// How much of the head after a leading hole is looked at: a binary file shows a
/// short NUL run well within its first 8 KiB (headers, tables, UTF-16 text).
pub const HEAD: usize = 8 * 1024;

/// The shortest leading NUL run taken for a hole. A copytruncated file's hole is as
/// long as what was rotated away (at least a line); binary formats that start with
/// NULs start with a few (`\0\0\0\x10`), then more short runs.
pub const HOLE_MIN: usize = 16;

/// The shortest NUL run after the start taken for a hole: a page (blocks a crash
/// left unwritten are whole pages of zeros).
pub const PAGE_HOLE: usize = 4096;

/// What an input's head says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Head {
    /// Text, after a leading hole of `hole` NUL bytes (0 for none), to be skipped.
    Text { hole: usize },
    /// Binary content: NUL bytes that are no hole.
    Binary,
}

/// Classifies `head`, an input's first bytes: all of its leading NUL run (however
/// long) and the [`HEAD`] bytes after it, or fewer at the input's end. A NUL run
/// that reaches the end of what is looked at may go on past it: it is given the
/// benefit of the doubt (taken for a hole).
pub fn classify_head(head: &[u8]) -> Head {
    let hole = leading_nuls(head);
    if hole > 0 && hole < HOLE_MIN {
        return Head::Binary;
    }
    let rest = &head[hole..head.len().min(hole + HEAD)];
    let mut at = 0;
    while let Some(n) = memchr::memchr(0, &rest[at..]) {
        let start = at + n;
        let run = leading_nuls(&rest[start..]);
        let end = start + run;
        if run < PAGE_HOLE && end < rest.len() {
            return Head::Binary;
        }
        at = end;
    }
    Head::Text { hole }
}

/// The length of the run of NUL bytes `b` starts with.
pub fn leading_nuls(b: &[u8]) -> usize {
    run_len(b, 0)
}

/// The length of the run of `byte` that `b` starts with, 32 bytes at a time: runs
/// can be hundreds of MiB (a hole, a file of blank lines).
pub fn run_len(b: &[u8], byte: u8) -> usize {
    let block = [byte; 32];
    let n = 32 * b.chunks_exact(32).take_while(|w| *w == block).count();
    n + b[n..].iter().take_while(|&&c| c == byte).count()
}

/// The length of the run of `byte` that `b` ends with.
pub fn back_run_len(b: &[u8], byte: u8) -> usize {
    let block = [byte; 32];
    let n = 32 * b.rchunks_exact(32).take_while(|w| *w == block).count();
    n + b[..b.len() - n]
        .iter()
        .rev()
        .take_while(|&&c| c == byte)
        .count()
}

/// Is `c` a byte of a line end (`\r` or `\n`)?
fn eol(c: &u8) -> bool {
    matches!(c, b'\n' | b'\r')
}

/// Are all eight bytes of `w` line-end bytes? `\n` is 0x0A and `\r` 0x0D: xored
/// with 0x0A, each must be 0b000 or 0b111, all of whose low three bits are equal.
fn all_eol(w: &[u8]) -> bool {
    const LF: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let y = u64::from_ne_bytes(w.try_into().expect("eight bytes")) ^ LF;
    y & u64::from_ne_bytes([0xF8; 8]) == 0 && (y ^ (y >> 1)) & u64::from_ne_bytes([0x03; 8]) == 0
}

/// The length of the run of line-end bytes (`\n`, `\r`) that `b` starts with, eight
/// bytes at a time: the blank lines of a file, Unix or Windows.
pub fn eol_run_len(b: &[u8]) -> usize {
    let n = 8 * b.chunks_exact(8).take_while(|w| all_eol(w)).count();
    n + b[n..].iter().take_while(|c| eol(c)).count()
}

/// The length of the run of line-end bytes that `b` ends with.
pub fn eol_back_run_len(b: &[u8]) -> usize {
    let n = 8 * b.rchunks_exact(8).take_while(|w| all_eol(w)).count();
    n + b[..b.len() - n].iter().rev().take_while(|c| eol(c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_end_runs_are_told_eight_bytes_at_a_time_as_one_by_one() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut w = *b"\r\n\n\r\n\r\r\n";
                w[at] = byte;
                assert_eq!(all_eol(&w), eol(&byte), "{byte:#x} at {at}");
            }
        }
        let text = b"x\r\n\n\r\n\n\n\n\n\n\n\n\r\n\r\n\r\ny";
        assert_eq!(eol_run_len(&text[1..]), text.len() - 2);
        assert_eq!(eol_back_run_len(&text[..text.len() - 1]), text.len() - 2);
        assert_eq!(eol_run_len(b"\t\n"), 0);
    }

    fn text(hole: usize) -> Head {
        Head::Text { hole }
    }

    #[test]
    fn text_without_nul_is_text() {
        assert_eq!(classify_head(b""), text(0));
        assert_eq!(classify_head(b"2026-11-22 10:00:00 okx\n"), text(0));
    }

    #[test]
    fn a_leading_hole_of_any_length_is_skipped() {
        for n in [HOLE_MIN, 100, 4096, 1 << 20] {
            let mut head = vec![0; n];
            head.extend(b"2026-11-22 10:00:00 okx {\"code\":\"50011\"}\n");
            assert_eq!(classify_head(&head), text(n), "{n}");
        }
        // All NULs (a copytruncated file nothing was written to yet).
        assert_eq!(classify_head(&[0; 100]), text(100));
    }

    #[test]
    fn short_nul_runs_are_binary() {
        // A few NULs first, as binary formats start.
        assert_eq!(classify_head(b"\x00\x00\x00\x10header\x00\n"), Head::Binary);
        assert_eq!(classify_head(b"\x00\x00\n"), Head::Binary);
        assert_eq!(classify_head(b"\x00"), Head::Binary);
        // A NUL in the middle of text.
        assert_eq!(classify_head(b"abc\x00def\n"), Head::Binary);
        // UTF-16.
        assert_eq!(classify_head(b"a\x00b\x00c\x00\n\x00"), Head::Binary);
        // An ELF header.
        assert_eq!(
            classify_head(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00"),
            Head::Binary
        );
        // After a hole, a short run in what follows is still binary.
        let mut head = vec![0; 64];
        head.extend(b"abc\x00def\n");
        assert_eq!(classify_head(&head), Head::Binary);
    }

    #[test]
    fn page_sized_runs_after_the_start_are_holes() {
        let mut head = b"line one\n".to_vec();
        head.extend(vec![0; PAGE_HOLE]);
        head.extend(b"line two\n");
        assert_eq!(classify_head(&head), text(0));
        let mut short = b"line one\n".to_vec();
        short.extend(vec![0; PAGE_HOLE - 1]);
        short.extend(b"line two\n");
        assert_eq!(classify_head(&short), Head::Binary);
    }

    #[test]
    fn a_run_at_the_end_of_the_look_may_go_on() {
        // Within the head: ends the head, so may be the start of a page-sized hole.
        assert_eq!(classify_head(b"line one\n\x00\x00"), text(0));
        // Past the part looked at, nothing counts.
        let mut head = vec![b'a'; HEAD];
        head.extend(b"\x00x");
        assert_eq!(classify_head(&head), text(0));
    }

    #[test]
    fn runs_are_counted_from_either_end() {
        for n in 0..100 {
            let mut b = vec![0; n];
            b.push(b'x');
            b.extend([0; 5]);
            assert_eq!(leading_nuls(&b), n);
            assert_eq!(leading_nuls(&b[..n]), n);
            let mut e = vec![b'\n'; 3];
            e.push(b'x');
            e.extend(vec![b'\n'; n]);
            assert_eq!(back_run_len(&e, b'\n'), n);
            assert_eq!(back_run_len(&e[4..], b'\n'), n);
            assert_eq!(run_len(&e[4..], b'\n'), n);
        }
    }
}
