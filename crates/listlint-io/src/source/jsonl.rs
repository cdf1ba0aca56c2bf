//! JSON Lines / NDJSON: one object per line.
//!
//! The reader only splits lines ([`JsonlLines`]); parsing a line into a
//! listing ([`super::json_record`]) is done by whichever worker checks it,
//! so JSON parsing runs in parallel.

use std::io::{self, BufRead};
use std::sync::Arc;

use super::encoding::FieldDecoder;
use super::json_record::{parse_json_record, place_record_values, Start};
use super::RawRecord;
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::listing::Listing;

/// Splits JSON Lines input into raw records. Lines end at `\n`, `\r\n` or
/// a lone `\r`; blank lines are skipped; a line longer than the limit is
/// skipped without being held and reported.
pub struct JsonlLines<R: BufRead> {
    input: R,
    file: Arc<str>,
    line: u64,
    count: u64,
    failed: bool,
    /// Length of the previous line, to size the next one's buffer.
    previous_len: usize,
    /// The most bytes a line may have.
    limit: usize,
    /// Whether the last line ended in `\r`: a `\n` next belongs to it.
    after_cr: bool,
    decoder: FieldDecoder,
    /// For the lines parsed here rather than by a worker (GB18030 lines
    /// with a problem, invalid UTF-8 under a forced encoding).
    mapper: FieldMapper,
    /// Whether the lines parsed here note where their values are written
    /// (a worker does it for the others).
    place_values: bool,
}

/// What reading a line gave.
enum LineRead {
    /// A line, in the buffer.
    Line,
    /// A line of this many bytes, more than the limit: not kept.
    TooLarge(u64),
    /// The end of the input.
    End,
}

impl<R: BufRead> JsonlLines<R> {
    /// Wraps a buffered reader; a line of more than `limit` bytes is
    /// skipped and reported.
    pub fn new(input: R, file: Arc<str>, limit: usize) -> Self {
        Self {
            input,
            file,
            line: 0,
            count: 0,
            failed: false,
            previous_len: 0,
            limit,
            after_cr: false,
            decoder: FieldDecoder::UTF8_ONLY,
            mapper: FieldMapper::generic(),
            place_values: false,
        }
    }

    /// Notes where the values of the lines parsed here are written.
    pub fn placing_values(mut self, place: bool) -> Self {
        self.place_values = place;
        self
    }

    /// Decodes lines with `decoder` (and maps the fields of the few lines
    /// parsed here with `profile`).
    pub fn with_decoder(mut self, decoder: FieldDecoder, profile: Arc<Profile>) -> Self {
        self.decoder = decoder;
        self.mapper = FieldMapper::new(profile);
        self
    }

    /// Reads one line, with its line break, into `bytes`.
    fn read_line(&mut self, bytes: &mut Vec<u8>) -> io::Result<LineRead> {
        let limit = self.limit as u64;
        let over_limit = |size: u64| size > limit;
        let mut size: u64 = 0;
        let mut started = false;
        loop {
            // A read a signal interrupted is retried.
            while let Err(e) = self.input.fill_buf() {
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(match (started, over_limit(size)) {
                    (false, _) => LineRead::End,
                    (true, false) => LineRead::Line,
                    (true, true) => LineRead::TooLarge(size),
                });
            }
            if std::mem::take(&mut self.after_cr) && buf[0] == b'\n' {
                self.input.consume(1);
                continue;
            }
            started = true;
            // The line break is kept with the line, as JSON whitespace.
            let (piece, line_break) = match memchr::memchr2(b'\n', b'\r', buf) {
                Some(at) if buf[at] == b'\r' && buf.get(at + 1) == Some(&b'\n') => {
                    (&buf[..at + 2], Some(b'\n'))
                }
                Some(at) => (&buf[..=at], Some(buf[at])),
                None => (buf, None),
            };
            let taken = piece.len();
            size += taken as u64;
            if over_limit(size) {
                // Not kept: the line is reported by its size only.
                *bytes = Vec::new();
            } else {
                bytes.extend_from_slice(piece);
            }
            self.input.consume(taken);
            if let Some(line_break) = line_break {
                // A `\r` last in the buffer may be half of a `\r\n`.
                self.after_cr = line_break == b'\r';
                return Ok(if over_limit(size) {
                    LineRead::TooLarge(size)
                } else {
                    LineRead::Line
                });
            }
        }
    }

    /// The record of a line: decoded here when the file is GB18030, checked
    /// here when the encoding was forced to UTF-8 (a worker would read
    /// other encodings), else left to a worker.
    fn record(&mut self, bytes: Vec<u8>) -> RawRecord {
        let (line, record) = (self.line, self.count);
        if self.decoder.gb18030 {
            let mut problems = Vec::new();
            let text = self
                .decoder
                .decode(&bytes, &|| format!("line {line}"), None, &mut problems);
            if problems.is_empty() {
                return self.json_line(text.into_bytes());
            }
            let mut listing = parse_json_record(
                &self.file,
                Start::line(line),
                record,
                text.as_bytes(),
                &mut self.mapper,
                false,
            );
            if self.place_values {
                place_record_values(&mut listing, Start::line(line), text.as_bytes());
            }
            problems.append(&mut listing.problems);
            listing.problems = problems;
            return RawRecord::Parsed(listing);
        }
        if !self.decoder.mixed && simdutf8::basic::from_utf8(&bytes).is_err() {
            let mut listing = parse_json_record(
                &self.file,
                Start::line(line),
                record,
                &bytes,
                &mut self.mapper,
                false,
            );
            if self.place_values {
                place_record_values(&mut listing, Start::line(line), &bytes);
            }
            return RawRecord::Parsed(listing);
        }
        self.json_line(bytes)
    }

    fn json_line(&self, bytes: Vec<u8>) -> RawRecord {
        RawRecord::JsonLine {
            file: self.file.clone(),
            line: self.line,
            record: self.count,
            bytes,
        }
    }
}

impl<R: BufRead> Iterator for JsonlLines<R> {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        if self.failed {
            return None;
        }
        loop {
            // Sized from the previous line: one allocation, no regrowth,
            // for the usual file of similar lines.
            let mut bytes = Vec::with_capacity(self.previous_len.min(self.limit) + 64);
            let read = self.read_line(&mut bytes);
            self.line += 1;
            match read {
                Ok(LineRead::End) => return None,
                Ok(LineRead::Line) => {}
                Ok(LineRead::TooLarge(size)) => {
                    self.count += 1;
                    self.previous_len = 0;
                    return Some(RawRecord::Parsed(Listing::unreadable(
                        &self.file,
                        self.line,
                        self.count,
                        "input/record-too-large",
                        format!(
                            "line {}: the line has {size} bytes, more than {} \
                             (--max-record-bytes), so it was skipped",
                            self.line, self.limit
                        ),
                    )));
                }
                Err(e) => {
                    // A failing reader cannot be trusted to make progress.
                    self.failed = true;
                    self.count += 1;
                    return Some(RawRecord::Parsed(Listing::unreadable(
                        &self.file,
                        self.line,
                        self.count,
                        "input/unreadable-record",
                        format!("line {}: read error: {e}", self.line),
                    )));
                }
            }
            self.previous_len = bytes.len();
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if self.line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            self.count += 1;
            return Some(self.record(bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listlint_core::listing::profile::FieldMapper;

    #[test]
    fn reads_objects_and_reports_bad_lines() {
        let data = "\u{feff}{\"sku\":\"A\",\"name\":\"最好\"}\n\n{bad\n[1]\n{\"id\":\"B\"}\n";
        let mut mapper = FieldMapper::generic();
        let rows: Vec<Listing> = JsonlLines::new(data.as_bytes(), Arc::from("t"), 1 << 20)
            .map(|r| r.into_listing(&mut mapper))
            .collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].get("title"), Some("最好"));
        assert_eq!(rows[1].problems[0].rule, "input/invalid-json");
        assert_eq!((rows[1].line, rows[1].record), (3, 2));
        assert_eq!(rows[2].problems[0].rule, "input/not-an-object");
        assert_eq!(rows[3].id(), Some("B"));
    }

    #[test]
    fn invalid_utf8_keeps_the_readable_fields() {
        let data = b"{\"id\":\"g\",\"title\":\"\xb0\xa1\",\"subtitle\":\"\xe6\x9c\x80\"}\n";
        let mut mapper = FieldMapper::generic();
        let rows: Vec<Listing> = JsonlLines::new(&data[..], Arc::from("t"), 1 << 20)
            .map(|r| r.into_listing(&mut mapper))
            .collect();
        assert_eq!(rows[0].problems[0].rule, "input/invalid-utf8");
        assert_eq!(rows[0].id(), Some("g"));
        assert_eq!(rows[0].get("subtitle"), Some("最"));
    }
}
