//! Compressed input, told by its first bytes (rotated logs are often compressed
//! without a telling name): gzip (multi-member, as `cat a.gz b.gz` makes), zstd,
//! bzip2 and xz, decompressed in-process as a stream.

use std::io::{self, BufRead, BufReader, Read};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Gzip => "gzip",
            Format::Zstd => "zstd",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
        }
    }
}

/// The compression format that `head` (a file's first bytes) starts with.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some(Format::Gzip)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || is_zstd_skippable(head) {
        Some(Format::Zstd)
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        Some(Format::Bzip2)
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Some(Format::Xz)
    } else {
        None
    }
}

/// A zstd skippable frame starts the stream: magic `0x184D2A50` to `0x184D2A5F`,
/// little-endian (`pzstd` writes one before each frame, holding the frame's size;
/// other tools put metadata there). The decoder skips such frames wherever they are.
fn is_zstd_skippable(head: &[u8]) -> bool {
    matches!(head, [0x50..=0x5f, 0x2a, 0x4d, 0x18, ..])
}

/// Wraps `r` in the decoder for `format`.
pub fn decoder<'a, R: Read + Send + 'a>(
    r: R,
    format: Format,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    let r = BufReader::with_capacity(256 * 1024, r);
    Ok(match format {
        Format::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(r)),
        Format::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(r)?),
        Format::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(r)),
        Format::Xz => Box::new(xz2::bufread::XzDecoder::new_multi_decoder(r)),
    })
}

/// Opens a stream: decompressed if its first bytes say so. Returns the format found.
pub fn open_stream<'a, R: Read + Send + 'a>(
    r: R,
) -> io::Result<(Box<dyn Read + Send + 'a>, Option<Format>)> {
    let mut br = BufReader::with_capacity(256 * 1024, r);
    let head = br.fill_buf()?;
    match sniff(head) {
        Some(f) => Ok((decoder(br, f)?, Some(f))),
        None => Ok((Box::new(br), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn roundtrip(data: &[u8], compressed: Vec<u8>, want: Format) {
        let (mut r, f) = open_stream(&compressed[..]).unwrap();
        assert_eq!(f, Some(want));
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn every_format_by_its_magic() {
        let data = b"2026-11-22 okx {\"code\":\"50102\"}\n".repeat(100);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        let gz = gz.finish().unwrap();
        let mut two = gz.clone();
        two.extend_from_slice(&gz);
        let mut both = data.clone();
        both.extend_from_slice(&data);
        roundtrip(&both, two, Format::Gzip);
        roundtrip(&data, zstd::encode_all(&data[..], 1).unwrap(), Format::Zstd);
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(&data).unwrap();
        roundtrip(&data, bz.finish().unwrap(), Format::Bzip2);
        let mut xz = xz2::write::XzEncoder::new(Vec::new(), 1);
        xz.write_all(&data).unwrap();
        roundtrip(&data, xz.finish().unwrap(), Format::Xz);
        let (_, f) = open_stream(&b"plain text\n"[..]).unwrap();
        assert_eq!(f, None);
    }

    /// A zstd skippable frame: magic `0x184D2A5n`, payload size, payload.
    fn skippable(n: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0x50 + n, 0x2a, 0x4d, 0x18];
        f.extend((payload.len() as u32).to_le_bytes());
        f.extend(payload);
        f
    }

    #[test]
    fn zstd_with_skippable_frames_anywhere_as_pzstd_writes_it() {
        let a = b"2026-11-22 okx {\"code\":\"50102\"}\n".repeat(50);
        let b = b"2026-11-22 okx {\"code\":\"50011\"}\n".repeat(50);
        let za = zstd::encode_all(&a[..], 1).unwrap();
        let zb = zstd::encode_all(&b[..], 1).unwrap();
        let mut both = a.clone();
        both.extend_from_slice(&b);
        for n in [0, 7, 15] {
            // First, as pzstd puts one (holding the next frame's size) before each.
            let mut first = skippable(n, &(za.len() as u32).to_le_bytes());
            first.extend(&za);
            roundtrip(&a, first.clone(), Format::Zstd);
            // Between frames, and last, and an empty one.
            let mut between = za.clone();
            between.extend(skippable(n, b"metadata of any length"));
            between.extend(skippable(n, b""));
            between.extend(&zb);
            between.extend(skippable(n, b"end"));
            roundtrip(&both, between, Format::Zstd);
        }
        // Text that merely starts with the frame's first byte is text.
        assert_eq!(sniff(b"P*M line"), None);
        assert_eq!(sniff(&[0x60, 0x2a, 0x4d, 0x18]), None);
    }

    #[test]
    fn truncated_gzip_is_an_error_not_silence() {
        let data = b"line\n".repeat(10_000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        let gz = gz.finish().unwrap();
        let cut = &gz[..gz.len() / 2];
        let (mut r, _) = open_stream(cut).unwrap();
        let mut out = Vec::new();
        assert!(r.read_to_end(&mut out).is_err());
    }
}
