//! Splitting CSV and TSV into records, bounded and resynchronising.
//!
//! `csv-core`'s parser is fed straight from the input's buffer, which lets
//! this reader:
//!
//! - number lines that end in `\n`, `\r\n` or a lone `\r` alike (the
//!   parser ends records at all three);
//! - skip a record larger than a limit without holding it: past the limit
//!   its bytes are parsed and dropped, and the record is reported;
//! - recover from a quoted field that is never closed. Such a quote would
//!   make the rest of the file one field. When a record ends at the end of
//!   the input inside a quoted field that spans lines, or grows past the
//!   limit inside one, the quote is taken as never closed: the record ends
//!   with the line where the quote opened, and reading starts again on the
//!   next line, from the record's bytes kept so far.
//!
//! Work stays linear: a record's bytes are read again at most once (a
//! record that starts in bytes being read again is not resynchronised a
//! second time), and memory holds one record of at most the limit.

use std::io::{self, BufRead};

use csv_core::ReadRecordResult;

use super::line_index::LineCounter;

/// The fields of one record, as bytes.
#[derive(Debug, Default)]
pub struct CsvRecord {
    /// 1-based line where the record starts.
    pub line: u64,
    /// What was wrong with the record, if anything.
    pub flaw: Option<Flaw>,
    /// Field bytes, one after another; only `..used` is meaningful.
    data: Vec<u8>,
    used: usize,
    /// End of each field in `data`; only `..fields` is meaningful.
    ends: Vec<usize>,
    fields: usize,
}

impl CsvRecord {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields
    }

    /// Whether the record has no fields (a record skipped as too large).
    pub fn is_empty(&self) -> bool {
        self.fields == 0
    }

    /// The bytes of field `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.fields {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.data[start..self.ends[i]])
    }

    /// The bytes of each field, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.fields).filter_map(|i| self.get(i))
    }

    fn clear(&mut self) {
        self.line = 0;
        self.flaw = None;
        self.used = 0;
        self.fields = 0;
    }
}

/// Something wrong with a record the reader still yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// A quoted field that opened on `quote_line` was never closed.
    UnterminatedQuote {
        /// The line where the quote opened.
        quote_line: u64,
        /// How it showed.
        cause: QuoteCause,
        /// `Some(line)`: the record ends with `quote_line` and reading
        /// resumed at `line`. `None`: the record holds everything to the
        /// end of the input (it started in bytes already read again).
        resumed_at: Option<u64>,
        /// The last line of the record.
        last_line: u64,
    },
    /// The record was larger than the limit; its fields were dropped.
    TooLarge {
        /// The line where reading resumed after it.
        resumed_at: u64,
    },
}

/// How a quote that was never closed showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteCause {
    /// The input ended inside the quoted field.
    EndOfInput,
    /// The quoted field was still open at the limit.
    Limit,
    /// A later quote "closed" the field but was followed by more text on
    /// this line, as the next quote of the file after one never closed is.
    ClosedMidField {
        /// The line of that quote.
        line: u64,
    },
}

/// Where bytes come from: first those to read again, then the input.
struct Source<R> {
    input: R,
    replay: Vec<u8>,
    replay_pos: usize,
}

impl<R: BufRead> Source<R> {
    fn replaying(&self) -> bool {
        self.replay_pos < self.replay.len()
    }

    fn fill(&mut self) -> io::Result<&[u8]> {
        if self.replaying() {
            return Ok(&self.replay[self.replay_pos..]);
        }
        // A read a signal interrupted is retried.
        while let Err(e) = self.input.fill_buf() {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
        self.input.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.replaying() {
            self.replay_pos += n;
            if !self.replaying() {
                // Read again: the buffer (up to the limit) is freed.
                self.replay = Vec::new();
                self.replay_pos = 0;
            }
        } else {
            self.input.consume(n);
        }
    }
}

/// The largest buffer kept from one record to the next (1 MiB).
const KEPT_BUFFER: usize = 1 << 20;

/// Reads CSV records from a buffered reader.
pub struct CsvRecords<R> {
    source: Source<R>,
    core: csv_core::Reader,
    delimiter: u8,
    lines: LineCounter,
    limit: usize,
    /// The bytes of the record being read, up to the limit (and one piece).
    raw: Vec<u8>,
}

impl<R: BufRead> CsvRecords<R> {
    /// Splits `input` at `delimiter`; records of more than `limit` bytes
    /// are skipped.
    pub fn new(input: R, delimiter: u8, limit: usize) -> Self {
        Self {
            source: Source {
                input,
                replay: Vec::new(),
                replay_pos: 0,
            },
            core: new_core(delimiter),
            delimiter,
            lines: LineCounter::new(),
            limit,
            raw: Vec::new(),
        }
    }

    /// The bytes of the record last read, as written in the input (empty
    /// for a record skipped as too large).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The 1-based line the reader is on.
    pub fn line(&self) -> u64 {
        self.lines.line()
    }

    /// Reads the next record into `record`; `false` at the end of the
    /// input.
    pub fn read(&mut self, record: &mut CsvRecord) -> io::Result<bool> {
        record.clear();
        self.raw.clear();
        // Buffers a large record grew are not kept for the small ones.
        if self.raw.capacity() > KEPT_BUFFER {
            self.raw = Vec::new();
        }
        if record.data.len() > KEPT_BUFFER {
            record.data = Vec::new();
        }
        if !self.skip_line_breaks()? {
            return Ok(false);
        }
        let start = self.lines;
        record.line = start.line();
        // Bytes read again are not resynchronised a second time.
        let may_resync = !self.source.replaying();
        let mut too_large = false;
        loop {
            make_room(record);
            let input = self.source.fill()?;
            let at_end = input.is_empty();
            let (result, read, written, ended) = self.core.read_record(
                input,
                &mut record.data[record.used..],
                &mut record.ends[record.fields..],
            );
            self.lines.advance(&input[..read]);
            if !too_large {
                self.raw.extend_from_slice(&input[..read]);
            }
            self.source.consume(read);
            record.used += written;
            record.fields += ended;
            if too_large {
                // Parsed and dropped.
                record.used = 0;
                record.fields = 0;
            } else if self.raw.len() > self.limit {
                if let Some(bad) = find_bad_quote(&self.raw, self.delimiter).filter(|_| may_resync)
                {
                    let cause = match bad.closed_mid_field {
                        Some(quote) => self.cause_at(start, quote),
                        None => QuoteCause::Limit,
                    };
                    self.resync(record, start, bad.opened, cause);
                    return Ok(true);
                }
                too_large = true;
                self.raw = Vec::new();
                record.used = 0;
                record.fields = 0;
            }
            match result {
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::End => return Ok(false),
                ReadRecordResult::Record if too_large => {
                    record.flaw = Some(Flaw::TooLarge {
                        resumed_at: self.lines.line(),
                    });
                    return Ok(true);
                }
                ReadRecordResult::Record => {
                    // Only a record over several lines can hold a quoted
                    // field over several lines; the others (the usual
                    // record) are not looked at again. A record not ended
                    // by the input's end ended at a line break.
                    let breaks =
                        (self.lines.line() - record.line).saturating_sub(u64::from(!at_end));
                    if breaks > 0 {
                        self.check_quotes(record, start, may_resync);
                    }
                    return Ok(true);
                }
            }
        }
    }

    /// Looks at the quotes of a record over several lines: one never closed
    /// ends the record at its line, and reading resumes after it (or, in a
    /// record that started in bytes read again, is only reported).
    fn check_quotes(&mut self, record: &mut CsvRecord, start: LineCounter, may_resync: bool) {
        let Some(bad) = find_bad_quote(&self.raw, self.delimiter) else {
            return;
        };
        let cause = match bad.closed_mid_field {
            Some(quote) => self.cause_at(start, quote),
            None => QuoteCause::EndOfInput,
        };
        if may_resync {
            self.resync(record, start, bad.opened, cause);
            return;
        }
        let mut quote_line = start;
        quote_line.advance(&self.raw[..bad.opened]);
        let mut last_line = start;
        last_line.advance(trim_line_breaks(&self.raw));
        record.flaw = Some(Flaw::UnterminatedQuote {
            quote_line: quote_line.line(),
            cause,
            resumed_at: None,
            last_line: last_line.line(),
        });
    }

    /// The cause "closed mid-field by the quote at `quote`" (an offset in
    /// `self.raw`), with that quote's line.
    fn cause_at(&self, start: LineCounter, quote: usize) -> QuoteCause {
        let mut line = start;
        line.advance(&self.raw[..quote]);
        QuoteCause::ClosedMidField { line: line.line() }
    }

    /// Skips the line breaks before a record (blank lines); `false` at the
    /// end of the input.
    fn skip_line_breaks(&mut self) -> io::Result<bool> {
        loop {
            let input = self.source.fill()?;
            if input.is_empty() {
                return Ok(false);
            }
            let breaks = input
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            if breaks == 0 {
                return Ok(true);
            }
            self.lines.advance(&input[..breaks]);
            self.source.consume(breaks);
        }
    }

    /// Ends `record` with the line where the quote at `quote` (an offset
    /// in `self.raw`) opened, and reads the bytes after that line again.
    /// `start` is the line count where the record began.
    fn resync(
        &mut self,
        record: &mut CsvRecord,
        start: LineCounter,
        quote: usize,
        cause: QuoteCause,
    ) {
        let raw = std::mem::take(&mut self.raw);
        let line_break = quote
            + memchr::memchr2(b'\n', b'\r', &raw[quote..])
                .expect("an open quote that spans lines has a line break after it");
        let mut next_line = line_break + 1;
        if raw[line_break] == b'\r' && raw.get(next_line) == Some(&b'\n') {
            next_line += 1;
        }
        let mut quote_line = start;
        quote_line.advance(&raw[..quote]);
        record.used = 0;
        record.fields = 0;
        parse_whole(self.delimiter, &raw[..line_break], record);
        self.lines = start;
        self.lines.advance(&raw[..next_line]);
        record.flaw = Some(Flaw::UnterminatedQuote {
            quote_line: quote_line.line(),
            cause,
            resumed_at: Some(self.lines.line()),
            last_line: quote_line.line(),
        });
        self.core.reset();
        self.source.replay = raw;
        self.source.replay_pos = next_line;
    }
}

/// A parser with the settings of every CSV this crate reads.
fn new_core(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new().delimiter(delimiter).build()
}

/// Room in `record`'s buffers for the parser to write to.
fn make_room(record: &mut CsvRecord) {
    if record.data.len() == record.used {
        let grown = (record.data.len() * 2).max(1024);
        record.data.resize(grown, 0);
    }
    if record.ends.len() == record.fields {
        let grown = (record.ends.len() * 2).max(16);
        record.ends.resize(grown, 0);
    }
}

/// Parses `bytes`, all of one record, into `record`.
fn parse_whole(delimiter: u8, mut bytes: &[u8], record: &mut CsvRecord) {
    let mut core = new_core(delimiter);
    loop {
        make_room(record);
        let (result, read, written, ended) = core.read_record(
            bytes,
            &mut record.data[record.used..],
            &mut record.ends[record.fields..],
        );
        bytes = &bytes[read..];
        record.used += written;
        record.fields += ended;
        if matches!(result, ReadRecordResult::Record | ReadRecordResult::End) {
            return;
        }
    }
}

/// `bytes` without the line breaks at its end.
fn trim_line_breaks(bytes: &[u8]) -> &[u8] {
    let kept = bytes
        .iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |last| last + 1);
    &bytes[..kept]
}

/// A quoted field of a record that spans lines and was not closed as a
/// quoted field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BadQuote {
    /// Offset of the quote that opened the field.
    opened: usize,
    /// Offset of the quote that "closed" it with more text after it, if
    /// one did (else the field is still open at the end).
    closed_mid_field: Option<usize>,
}

/// Finds, in the bytes of one record as `csv-core` parses them, a quoted
/// field that spans lines and either is still open at the end or is
/// "closed" by a quote followed by more text instead of a delimiter or a
/// line break (`"…\n…"x`): both are what a quote never closed looks like.
/// A quote at the start of a field opens one; inside it, `""` is a quote
/// and a lone `"` closes it.
fn find_bad_quote(record: &[u8], delimiter: u8) -> Option<BadQuote> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut opened = 0;
    let mut spans_lines = false;
    for (at, &byte) in record.iter().enumerate() {
        let line_break = byte == b'\n' || byte == b'\r';
        let ends_field = byte == delimiter || line_break;
        state = match state {
            State::FieldStart if byte == b'"' => {
                opened = at;
                spans_lines = false;
                State::Quoted
            }
            State::FieldStart | State::Unquoted | State::QuoteInQuoted if ends_field => {
                State::FieldStart
            }
            State::Quoted if byte == b'"' => State::QuoteInQuoted,
            State::Quoted => {
                spans_lines |= line_break;
                State::Quoted
            }
            State::QuoteInQuoted if byte == b'"' => State::Quoted,
            State::QuoteInQuoted if spans_lines => {
                return Some(BadQuote {
                    opened,
                    closed_mid_field: Some(at - 1),
                })
            }
            State::FieldStart | State::Unquoted | State::QuoteInQuoted => State::Unquoted,
        };
    }
    (state == State::Quoted && spans_lines).then_some(BadQuote {
        opened,
        closed_mid_field: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, fields, flaw) of every record.
    fn records(data: &[u8], limit: usize) -> Vec<(u64, Vec<String>, Option<Flaw>)> {
        let mut reader = CsvRecords::new(data, b',', limit);
        let mut record = CsvRecord::default();
        let mut out = Vec::new();
        while reader.read(&mut record).unwrap() {
            let fields = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((record.line, fields, record.flaw));
        }
        out
    }

    fn lines_and_fields(data: &[u8]) -> Vec<(u64, Vec<String>)> {
        records(data, 1 << 20)
            .into_iter()
            .map(|(line, fields, flaw)| {
                assert_eq!(flaw, None);
                (line, fields)
            })
            .collect()
    }

    #[test]
    fn numbers_lines_for_every_line_ending() {
        for data in [
            &b"a,b\nc,\"d\ne\"\n\nf,g\n"[..],
            b"a,b\r\nc,\"d\r\ne\"\r\n\r\nf,g\r\n",
            b"a,b\rc,\"d\re\"\r\rf,g\r",
        ] {
            let got = lines_and_fields(data);
            let lines: Vec<u64> = got.iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, [1, 2, 5], "{data:?}");
            assert_eq!(got[2].1, ["f", "g"]);
        }
    }

    #[test]
    fn a_quote_open_at_the_end_resumes_on_the_next_line() {
        let got = records(b"id,t\nA,\"open\nB,x\nC,\"y\"\n", 1 << 20);
        let summary: Vec<(u64, Vec<String>)> =
            got.iter().map(|(l, f, _)| (*l, f.clone())).collect();
        assert_eq!(
            summary,
            [
                (1, vec!["id".into(), "t".into()]),
                (2, vec!["A".into(), "open".into()]),
                (3, vec!["B".into(), "x".into()]),
                (4, vec!["C".into(), "y".into()]),
            ]
        );
        assert_eq!(
            got[1].2,
            Some(Flaw::UnterminatedQuote {
                quote_line: 2,
                cause: QuoteCause::ClosedMidField { line: 4 },
                resumed_at: Some(3),
                last_line: 2
            })
        );
        assert!(got[2].2.is_none() && got[3].2.is_none());
    }

    #[test]
    fn a_record_over_the_limit_is_skipped_and_reading_goes_on() {
        let mut data = b"a,b\nx,".to_vec();
        data.extend(std::iter::repeat_n(b'z', 5000));
        data.extend_from_slice(b"\ny,\"q\nq\"\n");
        let got = records(&data, 1000);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].0, 2);
        assert!(got[1].1.is_empty());
        assert_eq!(got[1].2, Some(Flaw::TooLarge { resumed_at: 3 }));
        assert_eq!(
            (got[2].0, &got[2].1[..]),
            (3, &["y".to_owned(), "q\nq".to_owned()][..])
        );
    }

    #[test]
    fn a_quote_open_past_the_limit_resumes_on_the_next_line() {
        let mut data = b"a,b\nx,\"open\n".to_vec();
        for i in 0..200 {
            data.extend_from_slice(format!("r{i},v\n").as_bytes());
        }
        let got = records(&data, 100);
        assert_eq!(got.len(), 202);
        assert!(matches!(
            got[1].2,
            Some(Flaw::UnterminatedQuote {
                quote_line: 2,
                cause: QuoteCause::Limit,
                resumed_at: Some(3),
                ..
            })
        ));
        assert_eq!(got[201].0, 202);
        assert_eq!(got[201].1, ["r199", "v"]);
    }

    #[test]
    fn a_quote_open_at_the_end_of_the_input_resumes_on_the_next_line() {
        let got = records(b"id,t\r\nA,\"open\r\nB,x\r\nC,y", 1 << 20);
        let lines: Vec<u64> = got.iter().map(|(l, _, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3, 4]);
        assert_eq!(got[1].1, ["A", "open"]);
        assert!(matches!(
            got[1].2,
            Some(Flaw::UnterminatedQuote {
                cause: QuoteCause::EndOfInput,
                ..
            })
        ));
        assert_eq!(got[3].1, ["C", "y"]);
    }

    #[test]
    fn finds_bad_quotes_as_the_parser_reads_them() {
        let bad =
            |bytes: &[u8]| find_bad_quote(bytes, b',').map(|q| (q.opened, q.closed_mid_field));
        assert_eq!(bad(b"a,\"b\nc"), Some((2, None)));
        assert_eq!(bad(b"a,\"b\"\"\nc"), Some((2, None)));
        assert_eq!(bad(b"a,\"b\nc\""), None);
        assert_eq!(bad(b"a,\"b\nc\",d\n"), None);
        assert_eq!(bad(b"a,5\"b\nc"), None);
        assert_eq!(bad(b"a,\"b"), None);
        assert_eq!(bad(b"a,\"b\"x,\"c\nd"), Some((7, None)));
        assert_eq!(bad(b"a,\"b\nc,\"d\n"), Some((2, Some(7))));
        // On one line, `"b"x` is only odd, not a quote never closed.
        assert_eq!(bad(b"a,\"b\"x\n"), None);
    }
}
