//! One JSON record (a JSON Lines line, an element of a JSON array) parsed
//! into a listing, by whichever worker checks it.
//!
//! The text is read by [`super::json_fields`]; a repeated key is sorted
//! out by [`super::repeated`] and reported; a text that is not JSON is
//! worded by `serde_json`, at its line and column in the file.

use std::sync::Arc;

use super::encoding::FieldDecoder;
use super::json_fields::{read_json_text, JsonText};
use super::repeated::map_fields;
use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::{InputProblem, Listing};

/// Where a record's text starts in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
}

impl Start {
    /// The start of a line.
    pub fn line(line: u64) -> Self {
        Self { line, column: 1 }
    }

    /// The line and column in the file of byte `offset` of the record's
    /// text (a byte inside a character counts as that character).
    fn locate(self, text: &[u8], offset: usize) -> (u64, u64) {
        let before = &text[..offset.min(text.len())];
        let columns = |bytes: &[u8]| bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64;
        match memchr::memrchr(b'\n', before) {
            None => (self.line, self.column + columns(before)),
            Some(newline) => (
                self.line + memchr::memchr_iter(b'\n', before).count() as u64,
                1 + columns(&before[newline + 1..]),
            ),
        }
    }
}

/// Parses one JSON record into a listing; a record that is not a JSON
/// object becomes a listing carrying the problem. With `mixed` (the
/// file's encoding was detected, not forced), a record that is not UTF-8
/// but is GB18030 is read as GB18030 and reported as mixed encoding.
pub fn parse_json_record(
    file: &Arc<str>,
    start: Start,
    record: u64,
    bytes: &[u8],
    mapper: &mut FieldMapper,
    mixed: bool,
) -> Listing {
    let line = start.line;
    let mut problems = Vec::new();
    // Invalid UTF-8 is read in the other encoding when allowed, else with
    // replacement characters, so the rest of the record is still checked.
    let lossy;
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) if mixed => {
            let decoder = FieldDecoder {
                gb18030: false,
                mixed,
            };
            lossy = std::borrow::Cow::Owned(decoder.decode(
                bytes,
                &|| format!("line {line}"),
                None,
                &mut problems,
            ));
            &lossy
        }
        Err(_) => {
            let valid_up_to = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let (at_line, at_column) = start.locate(bytes, valid_up_to);
            problems.push(InputProblem::error(
                "input/invalid-utf8",
                format!(
                    "line {at_line}, column {at_column}: invalid UTF-8 (read with replacement characters)"
                ),
                None,
            ));
            lossy = String::from_utf8_lossy(bytes);
            &lossy
        }
    };
    let fields = match read_json_text(text) {
        Ok(JsonText::Object(fields)) => fields,
        Ok(JsonText::Other(kind)) => {
            return Listing::unreadable(
                file,
                line,
                record,
                "input/not-an-object",
                format!("line {line}: expected a JSON object, found {kind}"),
            )
        }
        Err(stopped_at) => {
            return Listing::unreadable(
                file,
                line,
                record,
                "input/invalid-json",
                invalid_json_message(start, text, stopped_at),
            )
        }
    };
    let offsets = fields.offsets;
    let text_bytes = text.as_bytes();
    // Lines of the places named, counted on from one to the next.
    let lines_of = |places: &[usize]| {
        let mut counted = (0, start.line);
        places
            .iter()
            .map(|&p| {
                let to = offsets[p].max(counted.0);
                counted.1 += memchr::memchr_iter(b'\n', &text_bytes[counted.0..to]).count() as u64;
                counted.0 = to;
                counted.1
            })
            .collect()
    };
    let listing_fields = map_fields(fields.pairs, line, lines_of, mapper, &mut problems);
    Listing {
        file: file.clone(),
        line,
        record,
        fields: listing_fields,
        problems,
        value_columns: Vec::new(),
        header: None,
    }
}

/// Notes where the listing's values are written on the first line of the
/// record's text (which starts at `start`).
pub fn place_record_values(listing: &mut Listing, start: Start, bytes: &[u8]) {
    let line = String::from_utf8_lossy(super::columns::first_line(bytes));
    let offset = u32::try_from(start.column.saturating_sub(1)).unwrap_or(u32::MAX);
    super::columns::place_values(listing, &line, offset);
}

/// `serde_json`'s words for what is wrong with a text that is not JSON, at
/// the line and column in the file; if it finds nothing wrong (it should
/// not happen), where the reading stopped. (It is asked for a `Value`:
/// when skipping a string it places an error one character earlier.)
fn invalid_json_message(start: Start, text: &str, stopped_at: usize) -> String {
    let (offset, what) = match serde_json::from_str::<serde_json::Value>(text) {
        Err(e) => {
            let words = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let words = words.strip_suffix(&suffix).unwrap_or(&words).to_owned();
            (offset_of(text, e.line(), e.column()), words)
        }
        Ok(_) => (stopped_at, "unexpected character".to_owned()),
    };
    let (line, column) = start.locate(text.as_bytes(), offset);
    format!("line {line}, column {column}: invalid JSON: {what}")
}

/// The byte offset of `serde_json`'s 1-based line and column (column 0:
/// the line break before the line).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(line - 2)
            .map_or(text.len(), |n| n + 1)
    };
    (line_start + column).saturating_sub(1).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_counted_in_the_file() {
        let start = Start {
            line: 10,
            column: 5,
        };
        let text = "{\"a\":\"最好\",\n  \"b\": x}".as_bytes();
        assert_eq!(start.locate(text, 0), (10, 5));
        assert_eq!(start.locate(text, 6), (10, 11));
        assert_eq!(start.locate(text, 9), (10, 12));
        let x = text.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(start.locate(text, x), (11, 8));
    }

    #[test]
    fn errors_name_the_place_in_the_file() {
        let text = "{\"a\": 1,\n \"b\": ]}";
        let message = invalid_json_message(Start { line: 3, column: 4 }, text, 0);
        assert_eq!(message, "line 4, column 7: invalid JSON: expected value");
        let cut = "{\"a\": \"x\n";
        let message = invalid_json_message(Start::line(2), cut, 0);
        assert!(
            message.starts_with("line 2, column 9: invalid JSON: control character"),
            "{message}"
        );
    }
}
