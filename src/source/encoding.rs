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

/// Picks the encoding of an input from its first bytes. `at_eof` says the
/// sample is the whole input: a character cut at its end is then cut in
/// the file, not by the sample's limit.
pub fn detect(sample: &[u8], at_eof: bool) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return encoding;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => UTF_8,
        // A sample that is valid but for a character at its end: the usual
        // UTF-8 file whose sample ends mid-character, or one cut short.
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) if decodes_as_gb18030(sample, at_eof) => GB18030,
        Err(_) => UTF_8,
    }
}

/// Whether `sample`, the start of an input, is GB18030 without a malformed
/// sequence. Unless the sample is the whole input, a character cut at its
/// end does not count against it: the decoder is told more may follow.
fn decodes_as_gb18030(sample: &[u8], at_eof: bool) -> bool {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(sample.len())
            .unwrap_or(sample.len() * 3),
    );
    let (result, _) = decoder.decode_to_string_without_replacement(sample, &mut out, at_eof);
    !matches!(result, encoding_rs::DecoderResult::Malformed(..))
}

/// Wraps `input` so that it yields UTF-8. Returns the reader and the
/// encoding read (UTF-8 input is passed through untouched).
///
/// The detection sample is what the first read gives (256 KiB of a file;
/// of a pipe, what it holds, so that a slow standard input is checked as
/// it comes), completed when it ends inside what could be a UTF-8
/// character: a lone first byte of a GB18030 character must not pass for a
/// UTF-8 character the sample's limit cut. `size`, when known, is a
/// regular file's size: its buffers are no larger than the file (a buffer
/// is cleared before its first read, which for 256 KiB cost more than
/// reading a typical catalog file), and a character cut at the file's end
/// is not excused as cut by the sample.
pub fn to_utf8<R: Read + Send + 'static>(
    mut input: R,
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
    let (sample, at_eof) = read_sample(&mut input, capacity(1), size)?;
    let encoding = match forced {
        InputEncoding::Auto => detect(&sample, at_eof),
        InputEncoding::Utf8 => UTF_8,
        InputEncoding::Utf16le => UTF_16LE,
        InputEncoding::Utf16be => UTF_16BE,
        InputEncoding::Gb18030 => GB18030,
    };
    // A byte-order mark wins over a forced encoding when decoding.
    let encoding = match Encoding::for_bom(&sample) {
        Some((bom, _)) => bom,
        None => encoding,
    };
    let input = io::Cursor::new(sample).chain(input);
    if encoding == UTF_8 {
        return Ok((
            Box::new(BufReader::with_capacity(capacity(1), input)),
            encoding,
        ));
    }
    let mut decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(input);
    let head = read_head(&mut decoded)?;
    Ok((
        Box::new(BufReader::with_capacity(
            capacity(2),
            io::Cursor::new(head).chain(decoded),
        )),
        encoding,
    ))
}

/// The detection sample: one read of up to `limit` bytes, then, unless the
/// input has ended, the rest of a character it may have cut (three bytes
/// at most, read one at a time so that a quiet pipe is not waited on for
/// more). Also says whether the sample is the whole input.
fn read_sample(
    input: &mut impl Read,
    limit: usize,
    size: Option<u64>,
) -> io::Result<(Vec<u8>, bool)> {
    let mut sample = vec![0; limit];
    let read = read_some(input, &mut sample)?;
    sample.truncate(read);
    let mut at_eof = read == 0 || size.is_some_and(|size| read as u64 >= size);
    while !at_eof {
        match std::str::from_utf8(&sample) {
            // Valid but for a sequence at the end that may still be
            // completed.
            Err(e) if e.error_len().is_none() && sample.len() - e.valid_up_to() < 4 => {
                let mut byte = [0];
                if read_some(input, &mut byte)? == 0 {
                    at_eof = true;
                } else {
                    sample.push(byte[0]);
                }
            }
            _ => break,
        }
    }
    Ok((sample, at_eof))
}

/// How much decoded text is read ahead, at most, for the header line (a
/// version line and the header: two lines).
const HEAD: usize = 64 * 1024;

/// The first lines of a decoded input. The decoder's first read gives only
/// a few bytes; readers that look at the header line before the records
/// (the CSV delimiter guess) need all of it.
fn read_head(decoded: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0; 4096];
    while head.len() < HEAD && memchr::memchr_iter(b'\n', &head).count() < 2 {
        let read = read_some(decoded, &mut chunk)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    Ok(head)
}

/// One read, retried when a signal interrupts it.
fn read_some(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
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
        assert_eq!(detect(&bytes[..SAMPLE], false), UTF_8);
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
                assert_eq!(
                    detect(sample, false),
                    GB18030,
                    "{text:?} cut after {cut} bytes"
                );
            }
        }
        // A malformed sequence before the end still rules GB18030 out.
        let mut bytes = b"a,b\n\x81\x20".to_vec();
        bytes.extend_from_slice(&GB18030.encode("最").0);
        assert_eq!(detect(&bytes, false), UTF_8);
    }

    #[test]
    fn the_sample_completes_a_character_its_limit_cuts() {
        // ASCII up to the limit, then a GB18030 character whose first byte
        // is the sample's last: alone, that byte could begin UTF-8.
        let mut bytes = "a,b\n".repeat(SAMPLE / 4).into_bytes();
        bytes.truncate(SAMPLE - 1);
        let text = "最好的坚果\n";
        bytes.extend_from_slice(&GB18030.encode(text).0);
        let (decoded, encoding) = read_all(bytes.clone(), InputEncoding::Auto);
        assert_eq!(encoding, "gb18030");
        assert!(decoded.ends_with(text));
        // The same in UTF-8 stays UTF-8.
        bytes.truncate(SAMPLE - 1);
        bytes.extend_from_slice(text.as_bytes());
        assert_eq!(read_all(bytes, InputEncoding::Auto).1, "UTF-8");
    }

    #[test]
    fn a_byte_cut_at_the_end_of_the_whole_file_is_not_excused() {
        let (_, encoding) = to_utf8(
            io::Cursor::new(b"id,title\nA1,abc\x81".to_vec()),
            InputEncoding::Auto,
            Some(16),
        )
        .unwrap();
        assert_eq!(encoding.name(), "UTF-8");
    }

    #[test]
    fn forcing_an_encoding_wins() {
        let (gbk, _, _) = GB18030.encode("最好");
        assert_eq!(read_all(gbk.into_owned(), InputEncoding::Gb18030).0, "最好");
    }
}
