//! Text encodings of input files: detection and decoding to UTF-8.
//!
//! Exports from Chinese tools are often GB18030/GBK (淘宝助理-style CSVs) or
//! UTF-16 (Excel's "Unicode text"). Detection, unless `--encoding` forces
//! one, looks at the first 256 KiB: a UTF-8 or UTF-16 byte-order mark
//! decides; else a pattern of NUL bytes at every other position is UTF-16
//! without a mark (ASCII is `c 00` in UTF-16LE, `00 c` in UTF-16BE, and
//! delimiters and line breaks are ASCII); else valid UTF-8 is UTF-8; else
//! lines vote: GB18030 (a superset of GBK and GB2312) if more lines are
//! valid GB18030 but not UTF-8 than are valid UTF-8 with non-ASCII
//! characters, else UTF-8; when no line votes, the one with fewer malformed
//! sequences, UTF-8 on a tie. A character cut at the end of the sample does
//! not count as malformed. So a GBK file with one stray byte stays GBK, and
//! a UTF-8 file with one, or with a few GBK rows, stays UTF-8.
//!
//! UTF-16, and GB18030 for whole documents (JSON, YAML, Markdown), is
//! transcoded as a stream that keeps line breaks, so line numbers are those
//! of the original file; bytes it cannot decode become U+FFFD, and a record
//! holding one gets an `input/undecodable-bytes` finding naming its fields.
//! CSV, TSV and JSON Lines are ASCII-compatible in both UTF-8 and GB18030
//! (no GB18030 byte of a multi-byte character is a delimiter, quote or line
//! break), so their readers split records on the raw bytes and decode each
//! field or line with a [`FieldDecoder`]: a piece that does not decode in
//! the file's encoding but does in the other one (a GBK row pasted into a
//! UTF-8 file, or the reverse) is read in the other one with an
//! `input/mixed-encoding` warning naming the line and field (in a GB18030
//! file, valid UTF-8 counts only when most of its non-ASCII characters are
//! three-byte ones, as Chinese is: short GBK text is often valid UTF-8 of
//! two-byte letters); a piece that decodes in neither is read with U+FFFD
//! and reported. The usual UTF-8 field costs one validation, as before.

use std::io::{self, BufRead, BufReader, Read};

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;

use super::RawRecord;
use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::{FieldName, InputProblem};

/// `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum InputEncoding {
    /// Detect (BOM, UTF-16 NUL pattern, then UTF-8 or GB18030, whichever
    /// reads more lines).
    Auto,
    /// UTF-8, with or without BOM.
    #[cfg_attr(feature = "clap", value(name = "utf-8", alias = "utf8"))]
    Utf8,
    /// UTF-16 little-endian.
    #[cfg_attr(feature = "clap", value(name = "utf-16le"))]
    Utf16le,
    /// UTF-16 big-endian.
    #[cfg_attr(feature = "clap", value(name = "utf-16be"))]
    Utf16be,
    /// GB18030, which also reads GBK and GB2312.
    #[cfg_attr(
        feature = "clap",
        value(name = "gb18030", alias = "gbk", alias = "gb2312")
    )]
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
    if let Some(utf16) = utf16_by_nul_bytes(sample) {
        return utf16;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => UTF_8,
        // A sample that is valid but for a character at its end: the usual
        // UTF-8 file whose sample ends mid-character, or one cut short.
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => match line_votes(sample, at_eof) {
            (utf8, gb18030) if gb18030 > utf8 => GB18030,
            (0, 0) if gb18030_errors(sample, at_eof) < utf8_errors(sample, at_eof) => GB18030,
            _ => UTF_8,
        },
    }
}

/// Whether `text`, valid UTF-8, reads as UTF-8 text rather than as GBK
/// bytes that happen to be valid UTF-8: more of its non-ASCII characters
/// take three or four bytes (CJK, fullwidth forms, ℃) than two (U+0080 to
/// U+07FF: Latin-1, Cyrillic, Armenian…). A GBK character whose two bytes
/// are C2–DF and 80–BF (一叶知山, 小时预约) is a valid two-byte UTF-8
/// character, so short GBK fields are often valid UTF-8, but as Cyrillic
/// and Armenian letters; Chinese UTF-8 text is mostly three-byte
/// characters, with the odd × or · among them.
fn looks_like_utf8_text(text: &str) -> bool {
    let (mut wide, mut narrow) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if c.len_utf8() == 2 {
            narrow += 1;
        } else {
            wide += 1;
        }
    }
    wide > narrow
}

/// Lines of `sample` that only UTF-8 reads (valid UTF-8 that
/// [`looks_like_utf8_text`]), and lines that only GB18030 reads (not
/// UTF-8, valid GB18030). Lines both or neither read do not
/// vote. The last line, unless the sample is the whole input, may be cut
/// mid-character.
fn line_votes(sample: &[u8], at_eof: bool) -> (usize, usize) {
    let (mut utf8, mut gb18030) = (0, 0);
    let mut lines = sample.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.is_ascii() {
            continue;
        }
        let last = lines.peek().is_none() && !at_eof;
        match std::str::from_utf8(line) {
            Ok(text) => utf8 += usize::from(looks_like_utf8_text(text)),
            // Cut mid-character: what comes before the cut votes.
            Err(e) if last && e.error_len().is_none() => {
                let valid = std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default();
                utf8 += usize::from(looks_like_utf8_text(valid));
            }
            Err(_) if gb18030_errors(line, !last) == 0 => gb18030 += 1,
            Err(_) => {}
        }
    }
    (utf8, gb18030)
}

/// UTF-16 without a byte-order mark, told by its NUL bytes: ASCII (every
/// CSV and JSON Lines file has delimiters and line breaks) is `c 00` in
/// UTF-16LE and `00 c` in UTF-16BE. At least four code units, and one in
/// 64, must have a NUL on the one side, and four times as many as on the
/// other (CJK characters such as 一 U+4E00 and 最 U+6700 put a few there).
/// UTF-8 and GB18030 text has no NUL bytes; binary data has them on both
/// sides.
fn utf16_by_nul_bytes(sample: &[u8]) -> Option<&'static Encoding> {
    memchr::memchr(0, sample)?;
    let (mut even, mut odd) = (0usize, 0usize);
    for unit in sample.chunks_exact(2) {
        even += usize::from(unit[0] == 0);
        odd += usize::from(unit[1] == 0);
    }
    let (encoding, nuls, other_side) = if odd > even {
        (UTF_16LE, odd, even)
    } else {
        (UTF_16BE, even, odd)
    };
    let units = sample.len() / 2;
    (nuls >= 4 && nuls * 64 >= units && other_side * 4 <= nuls).then_some(encoding)
}

/// Malformed sequences in `sample` read as UTF-8; a sequence cut at the end
/// counts only when the sample is the whole input.
fn utf8_errors(sample: &[u8], at_eof: bool) -> usize {
    let mut errors = 0;
    let mut rest = sample;
    while let Err(e) = std::str::from_utf8(rest) {
        match e.error_len() {
            Some(len) => {
                errors += 1;
                rest = &rest[e.valid_up_to() + len..];
            }
            None => {
                errors += usize::from(at_eof);
                break;
            }
        }
    }
    errors
}

/// Malformed sequences in `sample` read as GB18030; a character cut at the
/// end counts only when the sample is the whole input.
fn gb18030_errors(sample: &[u8], at_eof: bool) -> usize {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    // The text is not kept: a small buffer, emptied when full.
    let mut scratch = String::with_capacity(16 * 1024);
    let mut errors = 0;
    let mut rest = sample;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(rest, &mut scratch, at_eof);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => return errors,
            DecoderResult::Malformed(..) => errors += 1,
            DecoderResult::OutputFull => scratch.clear(),
        }
    }
}

/// How the readers of CSV, TSV and JSON Lines decode a field or line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDecoder {
    /// The bytes are GB18030 (else UTF-8).
    pub gb18030: bool,
    /// Whether a piece that is not valid in the file's encoding but is in
    /// the other one is read in that other one (detected encodings);
    /// otherwise (a forced one) it is decoded with U+FFFD.
    pub mixed: bool,
}

impl FieldDecoder {
    /// UTF-8 without reading other encodings.
    pub const UTF8_ONLY: FieldDecoder = FieldDecoder {
        gb18030: false,
        mixed: false,
    };

    /// Decodes one piece (a field, a line). `place` names it in messages
    /// ("line 3, field `title`"); a problem goes to `problems`, carrying
    /// `field`.
    pub fn decode(
        &self,
        raw: &[u8],
        place: &dyn Fn() -> String,
        field: Option<&FieldName>,
        problems: &mut Vec<InputProblem>,
    ) -> String {
        if !self.gb18030 {
            // The SIMD check answers the usual case.
            if let Ok(text) = simdutf8::basic::from_utf8(raw) {
                return text.to_owned();
            }
            if self.mixed {
                if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(raw)
                {
                    problems.push(mixed_encoding(
                        place,
                        field,
                        "not valid UTF-8, but valid GB18030: read as GB18030 (the file is UTF-8)",
                    ));
                    return text.into_owned();
                }
            }
            let valid_up_to = std::str::from_utf8(raw)
                .err()
                .map_or(0, |e| e.valid_up_to());
            problems.push(InputProblem::error(
                "input/invalid-utf8",
                format!(
                    "{}: invalid UTF-8 at byte {valid_up_to} (read with replacement characters)",
                    place()
                ),
                field.cloned(),
            ));
            return String::from_utf8_lossy(raw).into_owned();
        }
        if raw.is_ascii() {
            return String::from_utf8_lossy(raw).into_owned();
        }
        if self.mixed {
            if let Some(text) = simdutf8::basic::from_utf8(raw)
                .ok()
                .filter(|text| looks_like_utf8_text(text))
            {
                problems.push(mixed_encoding(
                    place,
                    field,
                    "valid UTF-8 with non-ASCII characters: read as UTF-8 (the file is GB18030)",
                ));
                return text.to_owned();
            }
        }
        if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(raw) {
            return text.into_owned();
        }
        problems.push(InputProblem::error(
            "input/undecodable-bytes",
            format!(
                "{}: bytes that are not valid GB18030 at byte {} (read with replacement characters)",
                place(),
                gb18030_valid_up_to(raw)
            ),
            field.cloned(),
        ));
        GB18030.decode_without_bom_handling(raw).0.into_owned()
    }
}

/// An `input/mixed-encoding` warning.
fn mixed_encoding(
    place: &dyn Fn() -> String,
    field: Option<&FieldName>,
    what: &str,
) -> InputProblem {
    let mut problem = InputProblem::warning("input/mixed-encoding", format!("{}: {what}", place()));
    problem.field = field.cloned();
    problem
}

/// The offset of the first malformed GB18030 sequence in `raw`.
fn gb18030_valid_up_to(raw: &[u8]) -> usize {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut scratch = String::with_capacity(16 * 1024);
    let mut offset = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&raw[offset..], &mut scratch, true);
        offset += read;
        match result {
            DecoderResult::Malformed(bad, after) => {
                return offset - usize::from(bad) - usize::from(after)
            }
            DecoderResult::InputEmpty => return raw.len(),
            DecoderResult::OutputFull => scratch.clear(),
        }
    }
}

/// An input opened as text.
pub struct TextInput {
    /// The text: UTF-8, or the raw bytes when `decoder` says GB18030.
    pub reader: Box<dyn BufRead + Send>,
    /// The encoding the input was read as.
    pub encoding: &'static Encoding,
    /// Whether the text was transcoded to UTF-8 (bytes it could not decode
    /// are then U+FFFD in it; see [`report_replacements`]).
    pub transcoded: bool,
    /// How readers decode the bytes of a record.
    pub decoder: FieldDecoder,
}

/// Opens `input` as text: detects its encoding (see the module's
/// documentation) and returns what readers need to read it.
/// `gb18030_by_record` says the reader decodes GB18030 itself, record by
/// record (CSV, TSV, JSON Lines), so such input is passed through; UTF-8
/// is always passed through, and anything else is transcoded to UTF-8.
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
pub fn open_text<R: Read + Send + 'static>(
    mut input: R,
    forced: InputEncoding,
    size: Option<u64>,
    gb18030_by_record: bool,
) -> io::Result<TextInput> {
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
    let mixed = forced == InputEncoding::Auto;
    let input = io::Cursor::new(sample).chain(input);
    let gb18030 = encoding == GB18030 && gb18030_by_record;
    if encoding == UTF_8 || gb18030 {
        return Ok(TextInput {
            reader: Box::new(BufReader::with_capacity(capacity(1), input)),
            encoding,
            transcoded: false,
            decoder: FieldDecoder { gb18030, mixed },
        });
    }
    let mut decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(input);
    let head = read_head(&mut decoded)?;
    Ok(TextInput {
        reader: Box::new(BufReader::with_capacity(
            capacity(2),
            io::Cursor::new(head).chain(decoded),
        )),
        encoding,
        transcoded: true,
        decoder: FieldDecoder::UTF8_ONLY,
    })
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
        let mut input = open_text(io::Cursor::new(bytes), forced, None, false).unwrap();
        let mut text = String::new();
        input.reader.read_to_string(&mut text).unwrap();
        (text, input.encoding.name())
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
    }

    #[test]
    fn the_encoding_with_fewer_errors_wins() {
        // GBK with one stray byte stays GBK.
        let mut gbk = GB18030
            .encode("id,title\nA1,最好的坚果\nA2,")
            .0
            .into_owned();
        gbk.push(0xFF);
        gbk.extend_from_slice(&GB18030.encode("第一品牌\n").0);
        assert_eq!(detect(&gbk, true), GB18030);
        // UTF-8 with one stray byte stays UTF-8.
        let mut utf8 = "id,title\nA1,最好的坚果\nA2,".as_bytes().to_vec();
        utf8.push(0xFF);
        utf8.extend_from_slice("第一品牌\n".as_bytes());
        assert_eq!(detect(&utf8, true), UTF_8);
        // A tie is UTF-8.
        assert_eq!(detect(b"id,title\nA1,abc\xff\n", true), UTF_8);
        // UTF-8 that happens to decode as GB18030 too, with one GBK line,
        // stays UTF-8: valid UTF-8 with non-ASCII is almost never GBK.
        let mut bytes = "A1,纯棉短袖\nA2,纯棉短袖\n".as_bytes().to_vec();
        assert!(gb18030_errors(&bytes, true) == 0);
        bytes.extend_from_slice(&GB18030.encode("A3,最好\n").0);
        assert_eq!(detect(&bytes, true), UTF_8);
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_told_by_its_nul_bytes() {
        let text = "id,title\nA1,最好的坚果一\nA2,全网第一\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(
            read_all(le, InputEncoding::Auto),
            (text.to_owned(), "UTF-16LE")
        );
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(
            read_all(be, InputEncoding::Auto),
            (text.to_owned(), "UTF-16BE")
        );
        // NUL bytes on both sides are not UTF-16.
        assert_eq!(detect(&[0; 4096], true), UTF_8);
        assert_eq!(detect(b"id,title\nA1,a\0b\n", true), UTF_8);
    }

    #[test]
    fn mixed_pieces_are_read_in_the_other_encoding_and_reported() {
        let place = || "line 2, field `title`".to_owned();
        let gbk = GB18030.encode("最好").0.into_owned();
        let mut problems = Vec::new();
        let utf8 = FieldDecoder {
            gb18030: false,
            mixed: true,
        };
        assert_eq!(utf8.decode(&gbk, &place, None, &mut problems), "最好");
        assert_eq!(problems[0].rule, "input/mixed-encoding");
        let gb = FieldDecoder {
            gb18030: true,
            mixed: true,
        };
        problems.clear();
        assert_eq!(
            gb.decode("最好".as_bytes(), &place, None, &mut problems),
            "最好"
        );
        assert_eq!(problems[0].rule, "input/mixed-encoding");
        // GBK that is valid UTF-8 too, as Cyrillic and Armenian letters,
        // stays GBK; UTF-8 with a × among Chinese is UTF-8.
        problems.clear();
        let brand = GB18030.encode("一叶知山").0.into_owned();
        assert!(std::str::from_utf8(&brand).is_ok());
        assert_eq!(gb.decode(&brand, &place, None, &mut problems), "一叶知山");
        assert_eq!(
            gb.decode("10×20厘米".as_bytes(), &place, None, &mut problems),
            "10×20厘米"
        );
        assert_eq!(problems.len(), 1);
        // Forced: decoded with replacement characters, reported.
        problems.clear();
        let strict = FieldDecoder {
            gb18030: false,
            mixed: false,
        };
        assert_eq!(
            strict
                .decode(&gbk, &place, None, &mut problems)
                .matches('\u{FFFD}')
                .count(),
            3
        );
        assert_eq!(problems[0].rule, "input/invalid-utf8");
        problems.clear();
        let mut bad = gbk.clone();
        bad.insert(2, 0xFF);
        assert_eq!(gb.decode(&bad, &place, None, &mut problems), "最\u{FFFD}好");
        assert_eq!(problems[0].rule, "input/undecodable-bytes");
        assert!(
            problems[0].message.contains("at byte 2"),
            "{}",
            problems[0].message
        );
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
        let input = open_text(
            io::Cursor::new(b"id,title\nA1,abc\x81".to_vec()),
            InputEncoding::Auto,
            Some(16),
            false,
        )
        .unwrap();
        assert_eq!(input.encoding.name(), "UTF-8");
    }

    #[test]
    fn forcing_an_encoding_wins() {
        let (gbk, _, _) = GB18030.encode("最好");
        assert_eq!(read_all(gbk.into_owned(), InputEncoding::Gb18030).0, "最好");
    }
}
