//! Text encodings of input files: detection and transcoding to UTF-8.
//!
//! Exports from Chinese tools are often GB18030/GBK (淘宝助理-style CSVs) or
//! UTF-16 with a byte-order mark (Excel's "Unicode text"). Detection, unless
//! `--encoding` forces one: a UTF-8 or UTF-16 BOM decides; otherwise the
//! first 256 KiB are UTF-8 if they are valid UTF-8, else GB18030 (a superset
//! of GBK and GB2312) if they decode as GB18030 without errors (in both, a
//! character cut at the end of the sample does not count against it), else
//! UTF-8,
//! whose invalid bytes then become `input/invalid-utf8` findings. Transcoding
//! streams, so memory stays bounded, and keeps line breaks, so line numbers
//! are those of the original file. Bytes the encoding cannot decode become
//! U+FFFD; a record holding one gets an `input/undecodable-bytes` finding
//! naming its fields, so that nothing is lost silently.

use std::io::{self, BufRead, BufReader, Read};

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::RawRecord;
use crate::listing::profile::FieldMapper;
use crate::listing::InputProblem;

/// `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputEncoding {
    /// Detect (BOM, then UTF-8 validity, then GB18030).
    Auto,
    /// UTF-8, with or without BOM.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// UTF-16 little-endian.
    #[value(name = "utf-16le")]
    Utf16le,
    /// UTF-16 big-endian.
    #[value(name = "utf-16be")]
    Utf16be,
    /// GB18030, which also reads GBK and GB2312.
    #[value(name = "gb18030", alias = "gbk", alias = "gb2312")]
    Gb18030,
}

/// How much of a file detection looks at.
const SAMPLE: usize = 256 * 1024;

/// Picks the encoding of a buffered input from its first bytes.
pub fn detect(sample: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return encoding;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) if decodes_as_gb18030(sample) => GB18030,
        Err(_) => UTF_8,
    }
}

/// Whether `sample`, the start of a file, is GB18030 without a malformed
/// sequence. A character cut at the end of the sample does not count
/// against it: the decoder is told more input may follow.
fn decodes_as_gb18030(sample: &[u8]) -> bool {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(sample.len())
            .unwrap_or(sample.len() * 3),
    );
    let (result, _) = decoder.decode_to_string_without_replacement(sample, &mut out, false);
    !matches!(result, encoding_rs::DecoderResult::Malformed(..))
}

/// Wraps `input` so that it yields UTF-8. Returns the reader and the
/// encoding read (UTF-8 input is passed through untouched). `size`, when
/// known, keeps the buffers of a small file small: each buffer is cleared
/// once before its first read, which for the 256 KiB detection buffer cost
/// more than reading a typical catalog file.
pub fn to_utf8<R: Read + Send + 'static>(
    input: R,
    forced: InputEncoding,
    size: Option<u64>,
) -> io::Result<(Box<dyn BufRead + Send>, &'static Encoding)> {
    // Room for the whole file (detection then sees all of it), or the
    // sample; decoding to UTF-8 at most doubles the size.
    let capacity = |factor: u64| {
        size.map_or(SAMPLE, |n| {
            usize::try_from(n.saturating_mul(factor).saturating_add(16))
                .unwrap_or(SAMPLE)
                .min(SAMPLE)
        })
    };
    let mut buffered = BufReader::with_capacity(capacity(1), input);
    let encoding = match forced {
        InputEncoding::Auto => detect(buffered.fill_buf()?),
        InputEncoding::Utf8 => UTF_8,
        InputEncoding::Utf16le => UTF_16LE,
        InputEncoding::Utf16be => UTF_16BE,
        InputEncoding::Gb18030 => GB18030,
    };
    // A byte-order mark wins over a forced encoding when decoding.
    let encoding = match Encoding::for_bom(buffered.fill_buf()?) {
        Some((bom, _)) => bom,
        None => encoding,
    };
    if encoding == UTF_8 {
        return Ok((Box::new(buffered), encoding));
    }
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(buffered);
    Ok((
        Box::new(BufReader::with_capacity(capacity(2), decoded)),
        encoding,
    ))
}

/// Adds an `input/undecodable-bytes` problem to a transcoded record whose
/// fields hold U+FFFD, the character the decoder puts for bytes it cannot
/// decode. JSON Lines records are parsed here when that happens (rare).
pub fn report_replacements(
    record: RawRecord,
    encoding: &str,
    mapper: &mut FieldMapper,
) -> RawRecord {
    let mut listing = match record {
        RawRecord::JsonLine { ref bytes, .. } if !contains_replacement(bytes) => return record,
        other => other.into_listing(mapper),
    };
    // A bad byte in a header or key shows in the field's name.
    let fields: Vec<String> = listing
        .fields
        .iter()
        .filter_map(|(name, value)| {
            if name.contains('\u{FFFD}') {
                Some(format!("the name of field `{name}`"))
            } else {
                value.contains('\u{FFFD}').then(|| format!("`{name}`"))
            }
        })
        .collect();
    if !fields.is_empty() {
        let line = listing.line;
        listing.problems.push(InputProblem::error(
            "input/undecodable-bytes",
            format!(
                "line {line}: U+FFFD (�) in {}: bytes that are not valid {encoding} (or a replacement character already in the file)",
                fields.join(", ")
            ),
            None,
        ));
    }
    RawRecord::Parsed(listing)
}

/// Whether UTF-8 bytes hold U+FFFD (EF BF BD).
fn contains_replacement(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: Vec<u8>, forced: InputEncoding) -> (String, &'static str) {
        let (mut reader, encoding) = to_utf8(io::Cursor::new(bytes), forced, None).unwrap();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        (text, encoding.name())
    }

    #[test]
    fn detects_gbk_utf16_and_utf8() {
        let text = "商品标题,价格\n最好的坚果,99\n";
        let (gbk, _, _) = GB18030.encode(text);
        assert_eq!(
            read_all(gbk.into_owned(), InputEncoding::Auto),
            (text.to_owned(), "gb18030")
        );
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(
            read_all(utf16, InputEncoding::Auto),
            (text.to_owned(), "UTF-16LE")
        );
        let mut utf16be: Vec<u8> = vec![0xFE, 0xFF];
        utf16be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(read_all(utf16be, InputEncoding::Auto).0, text);
        assert_eq!(
            read_all(text.as_bytes().to_vec(), InputEncoding::Auto).1,
            "UTF-8"
        );
    }

    #[test]
    fn a_character_cut_by_the_sample_is_still_utf8() {
        let mut bytes = "a".repeat(SAMPLE - 1).into_bytes();
        bytes.extend("最".as_bytes());
        assert_eq!(detect(&bytes[..SAMPLE]), UTF_8);
    }

    #[test]
    fn a_character_cut_by_the_sample_is_still_gb18030() {
        // Two-byte and four-byte sequences cut at every point.
        for text in ["最好的坚果", "𠀀𠀁 最好"] {
            let (gbk, _, _) = GB18030.encode(text);
            let mut bytes = GB18030.encode("标题,价格\n").0.into_owned();
            bytes.extend("a,b\n".repeat(SAMPLE / 4).into_bytes());
            bytes.extend_from_slice(&gbk);
            for cut in 1..gbk.len() {
                let sample = &bytes[..bytes.len() - gbk.len() + cut];
                assert_eq!(detect(sample), GB18030, "{text:?} cut after {cut} bytes");
            }
        }
        // A malformed sequence before the end still rules GB18030 out.
        let mut bytes = b"a,b\n\x81\x20".to_vec();
        bytes.extend_from_slice(&GB18030.encode("最").0);
        assert_eq!(detect(&bytes), UTF_8);
    }

    #[test]
    fn forcing_an_encoding_wins() {
        let (gbk, _, _) = GB18030.encode("最好");
        assert_eq!(read_all(gbk.into_owned(), InputEncoding::Gb18030).0, "最好");
    }
}
