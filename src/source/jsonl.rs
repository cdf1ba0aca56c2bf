//! JSON Lines / NDJSON: one object per line.
//!
//! The reader only splits lines ([`JsonlLines`]); parsing a line into a
//! listing ([`parse_json_line`]) is done by whichever worker checks it, so
//! JSON parsing runs in parallel.

use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value;

use super::flat_json;
use super::flatten::JsonRecord;
use super::RawRecord;
use crate::listing::profile::FieldMapper;
use crate::listing::{InputProblem, Listing};

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

/// Parses one JSON Lines record into a listing; a line that is not a JSON
/// object becomes a listing carrying the problem.
pub fn parse_json_line(
    file: &Arc<str>,
    line: u64,
    record: u64,
    bytes: &[u8],
    mapper: &mut FieldMapper,
) -> Listing {
    let mut problems = Vec::new();
    // The usual record, a flat object of strings and integers, is read
    // without building JSON values; anything else goes through serde_json.
    if let Some(pairs) = simdutf8::basic::from_utf8(bytes)
        .ok()
        .and_then(flat_json::parse_flat_object)
    {
        let fields = mapper.map_pairs(pairs, Some(line), &mut problems);
        return Listing {
            file: file.clone(),
            line,
            record,
            fields,
            problems,
        };
    }
    // serde_json validates UTF-8 as it parses; only a failed parse needs
    // telling apart an encoding problem from a syntax one. Invalid UTF-8 is
    // read with replacement characters, so the rest of the record is checked.
    let parsed: Result<JsonRecord, serde_json::Error> = match serde_json::from_slice(bytes) {
        Err(_) if std::str::from_utf8(bytes).is_err() => {
            let valid_up_to = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            problems.push(InputProblem::error(
                "input/invalid-utf8",
                format!(
                    "line {line}: invalid UTF-8 at byte {valid_up_to} (read with replacement characters)"
                ),
                None,
            ));
            serde_json::from_str(&String::from_utf8_lossy(bytes))
        }
        other => other,
    };
    let entries = match parsed {
        Ok(JsonRecord::Object(entries)) => entries,
        Ok(JsonRecord::Other(value)) => {
            return Listing::unreadable(
                file,
                line,
                record,
                "input/not-an-object",
                format!(
                    "line {line}: expected a JSON object, found {}",
                    json_kind(&value)
                ),
            )
        }
        Err(e) => {
            return Listing::unreadable(
                file,
                line,
                record,
                "input/invalid-json",
                format!("line {line}, column {}: invalid JSON: {e}", e.column()),
            )
        }
    };
    let mut flat = Vec::with_capacity(entries.len());
    JsonRecord::flatten_entries(entries, &mut flat);
    let fields = mapper.map_pairs(flat, Some(line), &mut problems);
    Listing {
        file: file.clone(),
        line,
        record,
        fields,
        problems,
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
