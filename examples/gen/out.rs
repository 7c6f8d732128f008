//! Bytes out: the line writer of one log file (line count, CRLF, byte budget) and
//! the formatting helpers for dates, numbers and quoted strings.

use super::generator::{FAKE_PASS, FAKE_PASS_COUNTED};
use std::fs::File;
use std::io::Write;

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub(super) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u64;
    let mp = if m > 2 { m - 3 } else { m + 9 } as u64;
    let doy = (153 * mp + 2) / 5 + d as u64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i64 - 719_468
}

fn p2(b: &mut Vec<u8>, v: u32) {
    b.push(b'0' + (v / 10 % 10) as u8);
    b.push(b'0' + (v % 10) as u8);
}

fn p3(b: &mut Vec<u8>, v: u32) {
    b.push(b'0' + (v / 100 % 10) as u8);
    p2(b, v % 100);
}

pub(super) fn pu(b: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = 20;
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// `YYYY-MM-DD<sep>HH:MM:SS<frac>mmm` for `ms` shifted by `off_min` minutes.
pub(super) fn pdt(b: &mut Vec<u8>, ms: i64, off_min: i64, sep: u8, frac: u8) {
    let ms = ms + off_min * 60_000;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000) as u32;
    let (y, m, d) = civil_from_days(days);
    pu(b, y as u64);
    b.push(b'-');
    p2(b, m);
    b.push(b'-');
    p2(b, d);
    b.push(sep);
    p2(b, rem / 3_600_000);
    b.push(b':');
    p2(b, rem / 60_000 % 60);
    b.push(b':');
    p2(b, rem / 1000 % 60);
    b.push(frac);
    p3(b, rem % 1000);
}

pub(super) fn rfc_z(b: &mut Vec<u8>, ms: i64) {
    pdt(b, ms, 0, b'T', b'.');
    b.push(b'Z');
}

/// `+0800` (colon=false) or `+08:00` (colon=true)
pub(super) fn rfc_off(b: &mut Vec<u8>, ms: i64, off_min: i64, colon: bool) {
    pdt(b, ms, off_min, b'T', b'.');
    b.push(if off_min < 0 { b'-' } else { b'+' });
    let a = off_min.unsigned_abs() as u32;
    p2(b, a / 60);
    if colon {
        b.push(b':');
    }
    p2(b, a % 60);
}

pub(super) fn json_escape(b: &mut Vec<u8>, s: &[u8]) {
    for &c in s {
        match c {
            b'"' => b.extend_from_slice(b"\\\""),
            b'\\' => b.extend_from_slice(b"\\\\"),
            b'\n' => b.extend_from_slice(b"\\n"),
            b'\r' => b.extend_from_slice(b"\\r"),
            b'\t' => b.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                b.extend_from_slice(b"\\u00");
                b.push(b"0123456789abcdef"[(c >> 4) as usize]);
                b.push(b"0123456789abcdef"[(c & 15) as usize]);
            }
            c => b.push(c),
        }
    }
}

pub(super) fn jstr(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    json_escape(b, s.as_bytes());
    b.push(b'"');
}

/// JSON string with non-ASCII escaped as \uXXXX (Python json.dumps default).
pub(super) fn jstr_ascii(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    for ch in s.chars() {
        if ch.is_ascii() {
            json_escape(b, &[ch as u8]);
        } else {
            let mut units = [0u16; 2];
            for u in ch.encode_utf16(&mut units) {
                b.extend_from_slice(b"\\u");
                for shift in [12, 8, 4, 0] {
                    b.push(b"0123456789abcdef"[((*u >> shift) & 15) as usize]);
                }
            }
        }
    }
    b.push(b'"');
}

/// Python repr() of a str.
pub(super) fn pystr(b: &mut Vec<u8>, s: &str) {
    let q = if s.contains('\'') && !s.contains('"') {
        b'"'
    } else {
        b'\''
    };
    b.push(q);
    for &c in s.as_bytes() {
        if c == b'\\' {
            b.extend_from_slice(b"\\\\");
        } else if c == q {
            b.push(b'\\');
            b.push(c);
        } else {
            b.push(c);
        }
    }
    b.push(q);
}

/// Node util.inspect() of a string.
pub(super) fn jsstr(b: &mut Vec<u8>, s: &str) {
    let q = if !s.contains('\'') {
        b'\''
    } else if !s.contains('"') {
        b'"'
    } else {
        b'`'
    };
    b.push(q);
    b.extend_from_slice(s.as_bytes());
    b.push(q);
}

// ---------------------------------------------------------------- output

/// The line writer of one file: a buffer written out every 4 MiB, the line count, CRLF
/// ends for v3bot.log, and the bytes counted towards the budgets.
pub(super) struct Out {
    pub(super) buf: Vec<u8>,
    pub(super) file: Option<File>,
    pub(super) flushed: u64,
    pub(super) lines: u64,
    pub(super) crlf: bool,
    /// Bytes counted but not written (see `FAKE_PASS_COUNTED`).
    pub(super) padding: u64,
}

impl Out {
    pub(super) fn s(&mut self, s: &str) {
        if s == FAKE_PASS {
            self.padding += FAKE_PASS_COUNTED - FAKE_PASS.len() as u64;
        }
        self.buf.extend_from_slice(s.as_bytes());
    }
    pub(super) fn n(&mut self, v: u64) {
        pu(&mut self.buf, v);
    }
    pub(super) fn eol(&mut self) {
        if self.crlf {
            self.buf.push(b'\r');
        }
        self.buf.push(b'\n');
        self.lines += 1;
        if self.buf.len() >= (4 << 20) {
            self.flush();
        }
    }
    /// a whole line
    pub(super) fn l(&mut self, s: &str) {
        self.s(s);
        self.eol();
    }
    pub(super) fn flush(&mut self) {
        if let Some(f) = self.file.as_mut() {
            f.write_all(&self.buf).expect("write");
        }
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
    }
    pub(super) fn bytes(&self) -> u64 {
        self.flushed + self.buf.len() as u64 + self.padding
    }
    /// 1-based number of the line being written now
    pub(super) fn cur_line(&self) -> u64 {
        self.lines + 1
    }
}
