//! JSON Lines / NDJSON: one object per line.

use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value;

use super::flatten::JsonRecord;
use crate::listing::profile::FieldMapper;
use crate::listing::{InputProblem, Listing};

/// Reads listings from JSON Lines. Blank lines are skipped.
pub struct JsonlListings<R: BufRead> {
    input: R,
    file: Arc<str>,
    mapper: FieldMapper,
    buf: Vec<u8>,
    line: u64,
    count: u64,
    flat: Vec<(String, String)>,
    failed: bool,
}

impl<R: BufRead> JsonlListings<R> {
    /// Wraps a buffered reader.
    pub fn new(input: R, file: Arc<str>) -> Self {
        Self {
            input,
            file,
            mapper: FieldMapper::generic(),
            buf: Vec::new(),
            line: 0,
            count: 0,
            flat: Vec::new(),
            failed: false,
        }
    }

    fn problem(&self, rule: &'static str, message: String) -> Listing {
        Listing {
            file: self.file.clone(),
            line: self.line,
            record: self.count,
            problems: vec![InputProblem {
                rule,
                message,
                field: None,
            }],
            ..Listing::default()
        }
    }

    fn parse_line(&mut self) -> Listing {
        let line = self.line;
        let mut bytes: &[u8] = &self.buf;
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        // serde_json validates UTF-8 as it parses; only a failed parse needs
        // telling apart an encoding problem from a syntax one.
        let record: JsonRecord = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                return match std::str::from_utf8(bytes) {
                    Err(utf8) => self.problem(
                        "input/invalid-utf8",
                        format!("line {line}: invalid UTF-8 at byte {}", utf8.valid_up_to()),
                    ),
                    Ok(_) => self.problem(
                        "input/invalid-json",
                        format!("line {line}, column {}: invalid JSON: {e}", e.column()),
                    ),
                }
            }
        };
        let entries = match record {
            JsonRecord::Object(entries) => entries,
            JsonRecord::Other(value) => {
                return self.problem(
                    "input/not-an-object",
                    format!(
                        "line {line}: expected a JSON object, found {}",
                        json_kind(&value)
                    ),
                )
            }
        };
        self.flat.clear();
        JsonRecord::flatten_entries(entries, &mut self.flat);
        let mut listing = Listing {
            file: self.file.clone(),
            line,
            record: self.count,
            fields: Vec::with_capacity(self.flat.len()),
            problems: Vec::new(),
        };
        for (key, value) in self.flat.drain(..) {
            let name = self.mapper.field_for(&key);
            listing.push_field(name, &key, value);
        }
        listing
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

impl<R: BufRead> Iterator for JsonlListings<R> {
    type Item = Listing;

    fn next(&mut self) -> Option<Listing> {
        if self.failed {
            return None;
        }
        loop {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    // A failing reader cannot be trusted to make progress.
                    self.failed = true;
                    self.line += 1;
                    self.count += 1;
                    let problem = self.problem(
                        "input/unreadable-record",
                        format!("line {}: read error: {e}", self.line),
                    );
                    self.buf.clear();
                    return Some(problem);
                }
            }
            self.line += 1;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.count += 1;
            return Some(self.parse_line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_and_reports_bad_lines() {
        let data = "{\"sku\":\"A\",\"name\":\"最好\"}\n\n{bad\n[1]\n{\"id\":\"B\"}\n";
        let rows: Vec<Listing> = JsonlListings::new(data.as_bytes(), Arc::from("t")).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].get("title"), Some("最好"));
        assert_eq!(rows[1].problems[0].rule, "input/invalid-json");
        assert_eq!((rows[1].line, rows[1].record), (3, 2));
        assert_eq!(rows[2].problems[0].rule, "input/not-an-object");
        assert_eq!(rows[3].id(), Some("B"));
    }
}
