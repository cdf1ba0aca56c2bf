//! CSV and TSV with a header row (UTF-8, with or without BOM).

use std::io::{BufRead, Read};
use std::sync::Arc;

use crate::listing::profile::FieldMapper;
use crate::listing::{FieldName, InputProblem, Listing};

/// Reads listings from CSV or TSV.
pub struct CsvListings<R: Read> {
    reader: csv::Reader<R>,
    file: Arc<str>,
    /// Raw header text and the field name it maps to; `None` until read.
    headers: Option<Vec<(String, FieldName)>>,
    record: csv::ByteRecord,
    count: u64,
    done: bool,
}

impl<R: BufRead> CsvListings<R> {
    /// Wraps a reader; `delimiter` is `b','` or `b'\t'`.
    pub fn new(mut input: R, file: Arc<str>, delimiter: u8) -> CsvListings<R> {
        skip_utf8_bom(&mut input);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        CsvListings {
            reader,
            file,
            headers: None,
            record: csv::ByteRecord::new(),
            count: 0,
            done: false,
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

impl<R: Read> CsvListings<R> {
    /// Reads the header row. Returns a problem listing if it is unreadable.
    fn read_headers(&mut self) -> Result<bool, Listing> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(false),
            Ok(true) => {
                let mut mapper = FieldMapper::generic();
                let headers = self
                    .record
                    .iter()
                    .enumerate()
                    .map(|(i, raw)| {
                        let text = String::from_utf8_lossy(raw).trim().to_owned();
                        let text = if text.is_empty() {
                            format!("column_{}", i + 1)
                        } else {
                            text
                        };
                        let name = mapper.field_for(&text);
                        (text, name)
                    })
                    .collect();
                self.headers = Some(headers);
                Ok(true)
            }
            Err(err) => Err(self.problem_listing(err)),
        }
    }

    fn problem_listing(&mut self, err: csv::Error) -> Listing {
        self.count += 1;
        let line = err.position().map_or(0, |p| p.line());
        Listing {
            file: self.file.clone(),
            line,
            record: self.count,
            problems: vec![InputProblem {
                rule: "input/unreadable-record",
                message: format!("line {line}: cannot read CSV record: {err}"),
                field: None,
            }],
            ..Listing::default()
        }
    }

    fn listing_from_record(&mut self) -> Listing {
        self.count += 1;
        let headers = self.headers.as_deref().unwrap_or_default();
        let line = self.record.position().map_or(0, |p| p.line());
        let mut listing = Listing {
            file: self.file.clone(),
            line,
            record: self.count,
            fields: Vec::with_capacity(headers.len()),
            problems: Vec::new(),
        };
        if self.record.len() != headers.len() {
            listing.problems.push(InputProblem {
                rule: "input/field-count",
                message: format!(
                    "line {line}: record has {} fields but the header has {} \
                     (an unbalanced quote or an unquoted delimiter?)",
                    self.record.len(),
                    headers.len()
                ),
                field: None,
            });
        }
        for (i, raw) in self.record.iter().enumerate() {
            let (header, name) = match headers.get(i) {
                Some((h, n)) => (h.clone(), n.clone()),
                None => {
                    let h = format!("column_{}", i + 1);
                    (h.clone(), Arc::from(h.as_str()))
                }
            };
            let value = match std::str::from_utf8(raw) {
                Ok(s) => s.to_owned(),
                Err(e) => {
                    listing.problems.push(InputProblem {
                        rule: "input/invalid-utf8",
                        message: format!(
                            "line {line}, field `{header}`: invalid UTF-8 at byte {} \
                             (read with replacement characters)",
                            e.valid_up_to()
                        ),
                        field: Some(name.clone()),
                    });
                    String::from_utf8_lossy(raw).into_owned()
                }
            };
            listing.push_field(name, &header, value);
        }
        listing
    }
}

impl<R: Read> Iterator for CsvListings<R> {
    type Item = Listing;

    fn next(&mut self) -> Option<Listing> {
        if self.done {
            return None;
        }
        if self.headers.is_none() {
            match self.read_headers() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(problem) => {
                    self.done = true;
                    return Some(problem);
                }
            }
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => Some(self.listing_from_record()),
            Ok(false) => {
                self.done = true;
                None
            }
            Err(err) => {
                // The csv reader cannot resynchronise after an I/O error.
                self.done = true;
                Some(self.problem_listing(err))
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
