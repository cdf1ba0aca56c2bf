//! CSV and TSV with a header row (UTF-8, with or without BOM).

use std::io::{BufRead, Read, Write};
use std::sync::Arc;

use super::line_index::LineTracker;
use crate::listing::profile::{FieldMapper, Profile};
use crate::listing::{FieldName, InputProblem, Listing};
use crate::terminal::escape_line;

/// Reads listings from CSV or TSV.
///
/// A record is yielded once the next one has been read (or the file has
/// ended), so that a quote left open at the end of the file, which makes the
/// rest of the file one field, can be reported on the record it swallowed
/// the rest of the file into.
pub struct CsvListings<R: Read> {
    reader: csv::Reader<LineTracker<R>>,
    file: Arc<str>,
    /// Raw header text and the field name it maps to; `None` until read.
    headers: Option<Vec<(String, FieldName)>>,
    record: csv::ByteRecord,
    count: u64,
    pending: Option<Listing>,
    /// Problems with the header, reported on the first record.
    header_problems: Vec<InputProblem>,
    profile: Arc<Profile>,
    /// A data record read while looking for a second header row.
    pending_first: Option<csv::ByteRecord>,
    done: bool,
}

impl<R: BufRead> CsvListings<R> {
    /// Maps headers with `profile` instead of the generic one.
    pub fn with_profile(mut self, profile: Arc<Profile>) -> Self {
        self.profile = profile;
        self
    }

    /// Wraps a reader; `delimiter` is `b','` or `b'\t'`.
    pub fn new(mut input: R, file: Arc<str>, delimiter: u8) -> CsvListings<R> {
        skip_utf8_bom(&mut input);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(LineTracker::new(input));
        CsvListings {
            reader,
            file,
            headers: None,
            record: csv::ByteRecord::new(),
            count: 0,
            pending: None,
            header_problems: Vec::new(),
            profile: Profile::generic(),
            pending_first: None,
            done: false,
        }
    }
}

/// Flags the last record of a file when an odd number of quotes since its
/// start and a line break inside it show that a quoted field was never
/// closed, so the rest of the file was read as part of it.
fn check_unterminated_quote<R>(last: &mut Listing, tracker: &LineTracker<R>) {
    let spans_lines = last.fields.iter().any(|(_, v)| v.contains('\n'));
    if tracker.quotes_since_last_record() % 2 == 1 && spans_lines {
        last.problems.push(InputProblem::error(
            "input/unterminated-quote",
            format!(
                "line {}: a quoted field opened in this record is never closed, so lines {}–{} \
                 were read as part of it",
                last.line,
                last.line,
                tracker.last_line()
            ),
            None,
        ));
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

impl<R: Read> CsvListings<R> {
    /// Reads the header row. Returns a problem listing if it is unreadable.
    fn read_headers(&mut self) -> Result<bool, Listing> {
        match self.read_header_record() {
            Ok(false) => Ok(false),
            Ok(true) => {
                let texts: Vec<String> = self
                    .record
                    .iter()
                    .enumerate()
                    .map(|(i, raw)| {
                        let text = String::from_utf8_lossy(raw).trim().to_owned();
                        if text.is_empty() {
                            format!("column_{}", i + 1)
                        } else {
                            text
                        }
                    })
                    .collect();
                let mapped = FieldMapper::new(self.profile.clone())
                    .map_headers(texts.iter().map(String::as_str));
                if self.profile.verbose {
                    let pairs: Vec<String> = texts
                        .iter()
                        .zip(&mapped.names)
                        .map(|(h, n)| {
                            if **h == **n {
                                escape_line(h).into_owned()
                            } else {
                                format!("{} → {n}", escape_line(h))
                            }
                        })
                        .collect();
                    // Lost, not a panic, if standard error is closed.
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "{} ({} profile): {}",
                        escape_line(&self.file),
                        self.profile.name,
                        pairs.join(", ")
                    );
                }
                self.header_problems = mapped
                    .collisions
                    .into_iter()
                    .map(|c| {
                        InputProblem::warning("input/column-collision", format!("header: {c}"))
                    })
                    .collect();
                self.headers = Some(texts.into_iter().zip(mapped.names).collect());
                Ok(true)
            }
            Err(err) => Err(self.problem_listing(err)),
        }
    }

    /// Reads the header row into `self.record`. A 淘宝助理 data package
    /// starts with a `version …` line, then English column names, then
    /// Chinese ones: the English row is the header and the Chinese row is
    /// skipped.
    fn read_header_record(&mut self) -> csv::Result<bool> {
        if !self.reader.read_byte_record(&mut self.record)? {
            return Ok(false);
        }
        let first = self.record.get(0).unwrap_or_default();
        if !first.starts_with(b"version ") {
            return Ok(true);
        }
        if !self.reader.read_byte_record(&mut self.record)? {
            return Ok(false);
        }
        let header = self.record.clone();
        let mut next = csv::ByteRecord::new();
        if self.reader.read_byte_record(&mut next)? {
            if next
                .get(0)
                .is_some_and(|f| f.starts_with("宝贝名称".as_bytes()))
            {
                // The Chinese header row: skipped.
            } else {
                self.pending_first = Some(next);
            }
        }
        self.record = header;
        Ok(true)
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
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => Some(self.listing_from_record()),
            Ok(false) => None,
            Err(err) => {
                // The csv reader cannot resynchronise after an I/O error.
                self.done = true;
                Some(self.problem_listing(err))
            }
        }
    }

    fn problem_listing(&mut self, err: csv::Error) -> Listing {
        self.count += 1;
        let line = err.position().map_or(0, |p| p.line());
        Listing {
            file: self.file.clone(),
            line,
            record: self.count,
            problems: vec![InputProblem::error(
                "input/unreadable-record",
                format!("line {line}: cannot read CSV record: {err}"),
                None,
            )],
            ..Listing::default()
        }
    }

    fn listing_from_record(&mut self) -> Listing {
        self.count += 1;
        let start = self.record.position().map_or(0, |p| p.byte());
        let (line, _) = self.reader.get_mut().locate(start);
        let headers = self.headers.as_deref().unwrap_or_default();
        let mut listing = Listing {
            file: self.file.clone(),
            line,
            record: self.count,
            fields: Vec::with_capacity(headers.len()),
            problems: std::mem::take(&mut self.header_problems),
        };
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
            // The SIMD check answers the usual case; the standard one
            // finds where a bad field goes wrong.
            let value = match simdutf8::basic::from_utf8(raw)
                .map_err(|_| std::str::from_utf8(raw).expect_err("invalid"))
            {
                Ok(s) => s.to_owned(),
                Err(e) => {
                    listing.problems.push(InputProblem::error(
                        "input/invalid-utf8",
                        format!(
                            "line {line}, field `{header}`: invalid UTF-8 at byte {} \
                             (read with replacement characters)",
                            e.valid_up_to()
                        ),
                        Some(name.clone()),
                    ));
                    String::from_utf8_lossy(raw).into_owned()
                }
            };
            listing.push_field(name, value);
        }
        listing
    }
}

impl<R: Read> Iterator for CsvListings<R> {
    type Item = Listing;

    fn next(&mut self) -> Option<Listing> {
        loop {
            if self.done {
                return self.pending.take();
            }
            let next = self.read_next();
            if next.is_none() {
                self.done = true;
                if let Some(last) = &mut self.pending {
                    let tracker = self.reader.get_ref();
                    check_unterminated_quote(last, tracker);
                }
            }
            let previous = std::mem::replace(&mut self.pending, next);
            if previous.is_some() {
                return previous;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &str) -> Vec<Listing> {
        CsvListings::new(data.as_bytes(), Arc::from("t.csv"), b',').collect()
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
    fn an_unterminated_quote_is_reported_on_the_record_that_swallowed_the_rest() {
        let rows = read("id,title\nA,\"最好\nB,第一\nC,唯一\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].problems[0].rule, "input/unterminated-quote");
        assert!(
            rows[0].problems[0].message.contains("lines 2–5"),
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
        let rows: Vec<Listing> = CsvListings::new(data.as_bytes(), Arc::from("t.csv"), b'\t')
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
        let rows: Vec<Listing> = CsvListings::new(&data[..], Arc::from("t.csv"), b',').collect();
        assert_eq!(rows[0].problems[0].rule, "input/invalid-utf8");
        assert!(rows[0].problems[0].message.contains("`title`"));
    }
}
