//! CSV and TSV with a header row.
//!
//! Records are split by [`CsvRecords`] (bounded, resynchronising after a
//! quote that is never closed, every line ending counted) and their fields
//! decoded by a [`FieldDecoder`].

use std::io::BufRead;
use std::sync::Arc;

use super::csv_record::{CsvRecord, CsvRecords, Flaw, QuoteCause};
use super::encoding::FieldDecoder;
use super::{HeaderMapping, HeaderObserver};
use listlint_core::listing::profile::{self, FieldMapper, Profile};
use listlint_core::listing::{FieldName, Header, InputProblem, Listing};

/// The default of `--max-record-bytes`: 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;

/// Reads listings from CSV or TSV.
pub struct CsvListings<R> {
    records: CsvRecords<R>,
    file: Arc<str>,
    /// Raw header text and the field name it maps to; `None` until read.
    headers: Option<Vec<(String, FieldName)>>,
    /// The header as listings carry it.
    header: Option<Arc<Header>>,
    record: CsvRecord,
    count: u64,
    /// Problems with the header, reported on the first record.
    header_problems: Vec<InputProblem>,
    profile: Arc<Profile>,
    decoder: FieldDecoder,
    limit: usize,
    /// Fields rules scan for wording: a header that maps none is reported.
    text_fields: Arc<[FieldName]>,
    /// A data record read while looking for a second header row.
    pending_first: Option<CsvRecord>,
    done: bool,
    header_observer: Option<HeaderObserver>,
    /// Whether to note where field values are written (see
    /// [`super::columns`]).
    place_values: bool,
}

impl<R: BufRead> CsvListings<R> {
    /// Notes where each field value is written on its record's first line.
    pub fn placing_values(mut self, place: bool) -> Self {
        self.place_values = place;
        self
    }

    /// Maps headers with `profile` instead of the generic one.
    pub fn with_profile(mut self, profile: Arc<Profile>) -> Self {
        self.profile = profile;
        self
    }

    /// Tells `observer` how the header maps to fields once it is read.
    pub fn with_header_observer(mut self, observer: Option<HeaderObserver>) -> Self {
        self.header_observer = observer;
        self
    }

    /// Decodes fields with `decoder` instead of as UTF-8 only.
    pub fn with_decoder(mut self, decoder: FieldDecoder) -> Self {
        self.decoder = decoder;
        self
    }

    /// Reports a header that maps no column to any of `fields` (the fields
    /// rules scan for wording); by default nothing is required.
    pub fn with_text_fields(mut self, fields: Arc<[FieldName]>) -> Self {
        self.text_fields = fields;
        self
    }

    /// Wraps a reader; `delimiter` is `b','` or `b'\t'`; a record of more
    /// than `limit` bytes is skipped and reported.
    pub fn new(mut input: R, file: Arc<str>, delimiter: u8, limit: usize) -> CsvListings<R> {
        skip_utf8_bom(&mut input);
        CsvListings {
            records: CsvRecords::new(input, delimiter, limit),
            file,
            headers: None,
            header: None,
            record: CsvRecord::default(),
            count: 0,
            header_problems: Vec::new(),
            profile: Profile::generic(),
            decoder: FieldDecoder::UTF8_ONLY,
            limit,
            text_fields: Arc::from(Vec::new()),
            pending_first: None,
            done: false,
            header_observer: None,
            place_values: false,
        }
    }
}

/// Drops a leading UTF-8 byte-order mark.
fn skip_utf8_bom<R: BufRead>(input: &mut R) {
    if let Ok(buf) = input.fill_buf() {
        if buf.starts_with(b"\xEF\xBB\xBF") {
            input.consume(3);
        }
    }
}

impl<R: BufRead> CsvListings<R> {
    /// Reads the header row. `Ok(false)`: the input is empty; `Err`: a
    /// listing reporting why there is no header.
    fn read_headers(&mut self) -> Result<bool, Listing> {
        if !self.read_header_record()? {
            return Ok(false);
        }
        let line = self.record.line;
        let mut problems: Vec<InputProblem> = self.flaw_problem().into_iter().collect();
        if self.record.is_empty() {
            // A header too large to hold: the file cannot be read.
            self.count += 1;
            return Err(Listing {
                file: self.file.clone(),
                line,
                record: self.count,
                problems,
                ..Listing::default()
            });
        }
        let texts: Vec<String> = self
            .record
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let place = || format!("line {line}, the name of column {}", i + 1);
                let text = self.decoder.decode(raw, &place, None, &mut problems);
                let text = text.trim();
                if text.is_empty() {
                    format!("column_{}", i + 1)
                } else {
                    text.to_owned()
                }
            })
            .collect();
        let mapped =
            FieldMapper::new(self.profile.clone()).map_headers(texts.iter().map(String::as_str));
        if let Some(observer) = &self.header_observer {
            (observer.0)(&HeaderMapping {
                file: self.file.clone(),
                profile: self.profile.name,
                columns: texts
                    .iter()
                    .cloned()
                    .zip(mapped.names.iter().cloned())
                    .collect(),
            });
        }
        problems.extend(
            mapped
                .collisions
                .into_iter()
                .map(|c| InputProblem::warning("input/column-collision", format!("header: {c}"))),
        );
        problems.extend(profile::no_text_field_problem(
            line,
            &texts,
            &mapped.names,
            &self.text_fields,
        ));
        self.header_problems = problems;
        self.header = Some(Arc::new(Header {
            line,
            fields: mapped.names.clone(),
        }));
        self.headers = Some(texts.into_iter().zip(mapped.names).collect());
        Ok(true)
    }

    /// Reads the header row into `self.record`. A 淘宝助理 data package
    /// starts with a `version …` line, then English column names, then
    /// Chinese ones: the English row is the header and the Chinese row is
    /// skipped.
    fn read_header_record(&mut self) -> Result<bool, Listing> {
        if !self.read_record()? {
            return Ok(false);
        }
        if !self
            .record
            .get(0)
            .unwrap_or_default()
            .starts_with(b"version ")
        {
            return Ok(true);
        }
        if !self.read_record()? {
            return Ok(false);
        }
        let header = std::mem::take(&mut self.record);
        if self.read_record()? && !self.is_chinese_header_row() {
            self.pending_first = Some(std::mem::take(&mut self.record));
        }
        self.record = header;
        Ok(true)
    }

    /// Whether `self.record` is the Chinese header row of a data package.
    fn is_chinese_header_row(&self) -> bool {
        self.record.get(0).is_some_and(|first| {
            self.decoder
                .decode(first, &String::new, None, &mut Vec::new())
                .starts_with("宝贝名称")
        })
    }

    /// Reads the next record into `self.record`; a read error ends the
    /// input with a listing that reports it.
    fn read_record(&mut self) -> Result<bool, Listing> {
        match self.records.read(&mut self.record) {
            Ok(read) => Ok(read),
            Err(e) => {
                // A failing reader cannot be trusted to make progress.
                self.done = true;
                self.count += 1;
                let line = self.records.line();
                Err(Listing::unreadable(
                    &self.file,
                    line,
                    self.count,
                    "input/unreadable-record",
                    format!("line {line}: cannot read CSV record: {e}"),
                ))
            }
        }
    }

    /// Reads the next record (after the header) into a listing.
    fn read_next(&mut self) -> Option<Listing> {
        if self.headers.is_none() {
            match self.read_headers() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(problem) => {
                    self.done = true;
                    return Some(problem);
                }
            }
        }
        if let Some(first) = self.pending_first.take() {
            self.record = first;
            return Some(self.listing_from_record());
        }
        match self.read_record() {
            Ok(true) => Some(self.listing_from_record()),
            Ok(false) => None,
            Err(problem) => Some(problem),
        }
    }

    /// The problem a record's flaw is, if any.
    fn flaw_problem(&self) -> Option<InputProblem> {
        let line = self.record.line;
        let message = match self.record.flaw? {
            Flaw::TooLarge { resumed_at } => {
                return Some(InputProblem::error(
                    "input/record-too-large",
                    format!(
                        "line {line}: the record is larger than {} bytes (--max-record-bytes), \
                         so it was skipped; reading resumed at line {resumed_at}",
                        self.limit
                    ),
                    None,
                ))
            }
            Flaw::UnterminatedQuote {
                quote_line,
                cause,
                resumed_at: Some(resumed_at),
                ..
            } => {
                let why = match cause {
                    QuoteCause::EndOfInput => "is never closed".to_owned(),
                    QuoteCause::Limit => format!(
                        "is still open after {} bytes (--max-record-bytes)",
                        self.limit
                    ),
                    QuoteCause::ClosedMidField { line } => format!(
                        "is never closed (the next quote, on line {line}, is followed by more \
                         text, as a quote that opens a field is)"
                    ),
                };
                format!(
                    "line {quote_line}: a quoted field opened on this line {why}; it was read \
                     to the end of line {quote_line}, and reading resumed at line {resumed_at}"
                )
            }
            Flaw::UnterminatedQuote {
                quote_line,
                last_line,
                resumed_at: None,
                ..
            } => format!(
                "line {quote_line}: a quoted field opened on this line is never closed, so \
                 lines {quote_line}–{last_line} were read as part of it"
            ),
        };
        Some(InputProblem::error(
            "input/unterminated-quote",
            message,
            None,
        ))
    }

    fn listing_from_record(&mut self) -> Listing {
        self.count += 1;
        let line = self.record.line;
        let mut problems = std::mem::take(&mut self.header_problems);
        problems.extend(self.flaw_problem());
        let headers = self.headers.as_deref().unwrap_or_default();
        let mut listing = Listing {
            file: self.file.clone(),
            line,
            record: self.count,
            fields: Vec::with_capacity(headers.len()),
            problems,
            value_columns: Vec::new(),
            header: self.header.clone(),
        };
        if self.record.is_empty() {
            // Skipped as too large: reported, no fields.
            return listing;
        }
        if self.record.len() != headers.len() {
            listing.problems.push(InputProblem::error(
                "input/field-count",
                format!(
                    "line {line}: record has {} fields but the header has {} \
                     (an unbalanced quote or an unquoted delimiter?)",
                    self.record.len(),
                    headers.len()
                ),
                None,
            ));
        }
        for (i, raw) in self.record.iter().enumerate() {
            let extra;
            let (header, name) = match headers.get(i) {
                Some((h, n)) => (h.as_str(), n.clone()),
                None => {
                    extra = format!("column_{}", i + 1);
                    (extra.as_str(), Arc::from(extra.as_str()))
                }
            };
            let place = || format!("line {line}, field `{header}`");
            let value = self
                .decoder
                .decode(raw, &place, Some(&name), &mut listing.problems);
            listing.push_field(name, value);
        }
        if self.place_values {
            let raw = super::columns::first_line(self.records.raw());
            let line = if self.decoder.gb18030 {
                encoding_rs::GB18030.decode_without_bom_handling(raw).0
            } else {
                String::from_utf8_lossy(raw)
            };
            super::columns::place_values(&mut listing, &line, 0);
        }
        listing
    }
}

impl<R: BufRead> Iterator for CsvListings<R> {
    type Item = Listing;

    fn next(&mut self) -> Option<Listing> {
        if self.done {
            return None;
        }
        let next = self.read_next();
        if next.is_none() {
            self.done = true;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &str) -> Vec<Listing> {
        CsvListings::new(data.as_bytes(), Arc::from("t.csv"), b',', 1 << 20).collect()
    }

    #[test]
    fn maps_headers_and_counts_lines() {
        let rows = read("\u{feff}商品ID,标题\nA,\"多\n行\"\nB,x\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].id(), Some("A"));
        assert_eq!(rows[0].get("title"), Some("多\n行"));
        assert_eq!((rows[1].line, rows[1].record), (4, 2));
    }

    #[test]
    fn lines_are_right_for_crlf_and_blank_lines() {
        let rows = read("id,title\r\nA,x\r\nB,\"多\r\n行\"\r\n\r\nC,y\r\n");
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 6]);
        let rows = read("id,title\n\nA,x\n");
        assert_eq!(rows[0].line, 3);
    }

    #[test]
    fn an_unterminated_quote_ends_its_record_and_reading_resumes() {
        let rows = read("id,title\nA,\"最好\nB,第一\nC,唯一\n");
        let ids: Vec<_> = rows.iter().map(|r| (r.id(), r.line)).collect();
        assert_eq!(ids, [(Some("A"), 2), (Some("B"), 3), (Some("C"), 4)]);
        assert_eq!(rows[0].get("title"), Some("最好"));
        assert_eq!(rows[0].problems[0].rule, "input/unterminated-quote");
        assert!(
            rows[0].problems[0].message.contains("resumed at line 3"),
            "{:?}",
            rows[0].problems
        );
        let fine = read("id,title\nA,\"多\n行\"\nB,\"x\"\"y\"\n");
        assert!(fine.iter().all(|r| r.problems.is_empty()));
        let inch = read("id,title\nA,5\"屏\n");
        assert!(inch[0].problems.is_empty());
    }

    #[test]
    fn taobao_data_packages_skip_the_version_and_chinese_header_rows() {
        let data = "version 1.00\ntitle\tprice\touter_id\n宝贝名称\t宝贝价格\t商家编码\n最好的茶\t99\tTB-1\n";
        let rows: Vec<Listing> =
            CsvListings::new(data.as_bytes(), Arc::from("t.csv"), b'\t', 1 << 20)
                .with_profile(Arc::new(Profile::named("taobao").unwrap()))
                .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].id(), rows[0].get("title"), rows[0].line),
            (Some("TB-1"), Some("最好的茶"), 4)
        );
    }

    #[test]
    fn wrong_field_count_is_a_problem_but_the_record_is_kept() {
        let rows = read("id,title\nA,最好,extra\n");
        assert_eq!(rows[0].problems[0].rule, "input/field-count");
        assert_eq!(rows[0].get("title"), Some("最好"));
        assert_eq!(rows[0].get("column_3"), Some("extra"));
    }

    #[test]
    fn invalid_utf8_is_a_problem_naming_the_field() {
        let data = b"id,title\nA,\xff\xfe\n";
        let rows: Vec<Listing> =
            CsvListings::new(&data[..], Arc::from("t.csv"), b',', 1 << 20).collect();
        assert_eq!(rows[0].problems[0].rule, "input/invalid-utf8");
        assert!(rows[0].problems[0].message.contains("`title`"));
    }
}
