//! JSON documents: an array of listing objects, or one object.
//!
//! The document is read whole (JSON has no record boundaries to stream on)
//! and split into its top-level elements by a small scanner that tracks
//! strings and nesting, so each element is parsed on its own, by the worker
//! that checks it, and carries the line it starts on. A malformed element
//! is an `input` finding at its line; the others are still checked.

use std::io::Read;
use std::sync::Arc;

use super::json_record::Start;
use super::{read_document, unreadable_document, RawRecord};

/// Splits a JSON document into raw records, yielded one element at a time
/// (the document is held once; each element is copied out as it is
/// handed on).
pub fn json_records<R: Read>(
    input: R,
    file: Arc<str>,
    max_bytes: u64,
) -> Box<dyn Iterator<Item = RawRecord> + Send> {
    let bytes = match read_document(input, &file, max_bytes, "--max-document-bytes") {
        Ok(bytes) => bytes,
        Err(records) => return Box::new(records.into_iter()),
    };
    let skip = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text = &bytes[skip..];
    let Some(first) = text.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Box::new(std::iter::empty());
    };
    let line_of = |offset: usize| 1 + memchr::memchr_iter(b'\n', &text[..offset]).count() as u64;
    match text[first] {
        b'{' => {
            let mut place = Place::default();
            let start = place.advance(text, first);
            Box::new(std::iter::once(RawRecord::JsonElement {
                file,
                start,
                record: 1,
                bytes: text[first..].to_vec(),
            }))
        }
        b'[' => {
            let elements = split_array(text, first);
            Box::new(ArrayElements {
                bytes,
                skip,
                elements: elements.into_iter().enumerate(),
                place: Place::default(),
                file,
            })
        }
        _ => Box::new(std::iter::once(unreadable_document(
            &file,
            line_of(first),
            "input/not-an-object",
            format!(
                "line {}: a JSON listing file holds an array of objects or one object",
                line_of(first)
            ),
        ))),
    }
}

/// The elements of a JSON array document, as raw records.
struct ArrayElements {
    /// The whole document.
    bytes: Vec<u8>,
    /// Length of the byte-order mark the element offsets do not count.
    skip: usize,
    /// Byte ranges of the elements, numbered.
    elements: std::iter::Enumerate<std::vec::IntoIter<(usize, usize)>>,
    /// Lines and columns counted so far.
    place: Place,
    file: Arc<str>,
}

/// Counts lines and columns through a document. Elements come in order, so
/// the count goes from one element's start to the next, not from the top
/// of the document (or of a long line) each time.
#[derive(Debug)]
struct Place {
    /// The offset up to which lines and columns are counted.
    counted_to: usize,
    /// Line and column (in characters) at that offset.
    line: u64,
    column: u64,
}

impl Default for Place {
    fn default() -> Self {
        Self {
            counted_to: 0,
            line: 1,
            column: 1,
        }
    }
}

impl Place {
    /// Counts on to `offset` (not before the last one) and says where it
    /// is.
    fn advance(&mut self, text: &[u8], offset: usize) -> Start {
        let between = &text[self.counted_to..offset];
        let characters =
            |bytes: &[u8]| bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64;
        match memchr::memrchr(b'\n', between) {
            None => self.column += characters(between),
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', between).count() as u64;
                self.column = 1 + characters(&between[last + 1..]);
            }
        }
        self.counted_to = offset;
        Start {
            line: self.line,
            column: self.column,
        }
    }
}

impl Iterator for ArrayElements {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        let (i, (start, end)) = self.elements.next()?;
        let text = &self.bytes[self.skip..];
        Some(RawRecord::JsonElement {
            file: self.file.clone(),
            start: self.place.advance(text, start),
            record: i as u64 + 1,
            bytes: text[start..end].to_vec(),
        })
    }
}

/// Byte ranges of the elements of the array starting at `open`. An array
/// cut short yields its last element as far as it goes (it then fails to
/// parse and is reported).
pub(crate) fn split_array(text: &[u8], open: usize) -> Vec<(usize, usize)> {
    let mut elements = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start: Option<usize> = None;
    for (i, &b) in text.iter().enumerate().skip(open + 1) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                start.get_or_insert(i);
            }
            b'{' | b'[' => {
                depth += 1;
                start.get_or_insert(i);
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                if let Some(s) = start.take() {
                    elements.push((s, trim_end(text, s, i)));
                }
                if b == b']' {
                    return elements;
                }
            }
            b if b.is_ascii_whitespace() => {}
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        elements.push((s, text.len()));
    }
    elements
}

fn trim_end(text: &[u8], start: usize, end: usize) -> usize {
    let mut e = end;
    while e > start && text[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use listlint_core::listing::profile::FieldMapper;
    use listlint_core::listing::Listing;

    fn listings(text: &str) -> Vec<Listing> {
        let mut mapper = FieldMapper::generic();
        json_records(text.as_bytes(), Arc::from("t.json"), u64::MAX)
            .map(|r| r.into_listing(&mut mapper))
            .collect()
    }

    #[test]
    fn arrays_split_into_elements_with_lines() {
        let rows = listings("[\n  {\"id\": \"A\", \"title\": \"a, [b] {c}\"},\n  {\"id\": \"B\",\n   \"title\": \"\\\"q\\\"\"}\n]\n");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].id(), rows[0].line), (Some("A"), 2));
        assert_eq!((rows[1].id(), rows[1].line), (Some("B"), 3));
        assert_eq!(rows[1].get("title"), Some("\"q\""));
    }

    #[test]
    fn each_element_carries_its_own_line_however_the_array_is_laid_out() {
        let mut text = String::from("\n[");
        for i in 0..300 {
            let sep = match i % 4 {
                0 => "",
                1 => " ",
                2 => "\n  ",
                _ => "\n\n",
            };
            let inner = if i % 5 == 0 {
                ",\n\"t\": \"a\\nb\""
            } else {
                ""
            };
            text.push_str(&format!("{sep}{{\"id\": \"E{i}\"{inner}}},"));
        }
        text.pop();
        text.push_str("\n]\n");
        let rows = listings(&text);
        assert_eq!(rows.len(), 300);
        for (i, row) in rows.iter().enumerate() {
            let at = text.find(&format!("{{\"id\": \"E{i}\"")).unwrap();
            let line = 1 + text[..at].matches('\n').count() as u64;
            assert_eq!((row.id(), row.line), (Some(&*format!("E{i}")), line));
        }
    }

    #[test]
    fn one_object_bad_elements_and_other_documents() {
        assert_eq!(listings("{\"id\": \"X\"}")[0].id(), Some("X"));
        let rows = listings("[{\"id\": \"A\"}, {\"id\": , }, 3, {\"id\": \"D\"}]");
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].problems[0].rule, "input/invalid-json");
        assert_eq!(rows[2].problems[0].rule, "input/not-an-object");
        assert_eq!(rows[3].id(), Some("D"));
        assert_eq!(
            listings("\"just a string\"")[0].problems[0].rule,
            "input/not-an-object"
        );
        let cut = listings("[{\"id\": \"A\"}, {\"id\": \"B\"");
        assert_eq!(cut.len(), 2);
        assert_eq!(cut[1].problems[0].rule, "input/invalid-json");
        assert!(listings("  ").is_empty());
    }
}
