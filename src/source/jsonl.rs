//! JSON Lines / NDJSON: one object per line.
//!
//! The reader only splits lines ([`JsonlLines`]); parsing a line into a
//! listing ([`super::json_record`]) is done by whichever worker checks it,
//! so JSON parsing runs in parallel.

use std::io::BufRead;
use std::sync::Arc;

use super::RawRecord;
use crate::listing::Listing;

/// Splits JSON Lines input into raw records. Blank lines are skipped.
pub struct JsonlLines<R: BufRead> {
    input: R,
    file: Arc<str>,
    line: u64,
    count: u64,
    failed: bool,
    /// Length of the previous line, to size the next one's buffer.
    previous_len: usize,
}

impl<R: BufRead> JsonlLines<R> {
    /// Wraps a buffered reader.
    pub fn new(input: R, file: Arc<str>) -> Self {
        Self {
            input,
            file,
            line: 0,
            count: 0,
            failed: false,
            previous_len: 0,
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
            let mut bytes = Vec::with_capacity(self.previous_len + 64);
            match self.input.read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    // A failing reader cannot be trusted to make progress.
                    self.failed = true;
                    self.line += 1;
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
            self.line += 1;
            self.previous_len = bytes.len();
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if self.line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            self.count += 1;
            return Some(RawRecord::JsonLine {
                file: self.file.clone(),
                line: self.line,
                record: self.count,
                bytes,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::profile::FieldMapper;

    #[test]
    fn reads_objects_and_reports_bad_lines() {
        let data = "\u{feff}{\"sku\":\"A\",\"name\":\"最好\"}\n\n{bad\n[1]\n{\"id\":\"B\"}\n";
        let mut mapper = FieldMapper::generic();
        let rows: Vec<Listing> = JsonlLines::new(data.as_bytes(), Arc::from("t"))
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
        let rows: Vec<Listing> = JsonlLines::new(&data[..], Arc::from("t"))
            .map(|r| r.into_listing(&mut mapper))
            .collect();
        assert_eq!(rows[0].problems[0].rule, "input/invalid-utf8");
        assert_eq!(rows[0].id(), Some("g"));
        assert_eq!(rows[0].get("subtitle"), Some("最"));
    }
}
