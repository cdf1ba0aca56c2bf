//! JSON documents: an array of listing objects, or one object.
//!
//! The document is read whole (JSON has no record boundaries to stream on)
//! and split into its top-level elements by a small scanner that tracks
//! strings and nesting, so each element is parsed on its own, by the worker
//! that checks it, and carries the line it starts on. A malformed element
//! is an `input` finding at its line; the others are still checked.

use std::io::Read;
use std::sync::Arc;

use super::{read_document, unreadable_document, RawRecord};

/// Splits a JSON document into raw records.
pub fn json_records<R: Read>(input: R, file: Arc<str>) -> Vec<RawRecord> {
    let bytes = match read_document(input, &file) {
        Ok(bytes) => bytes,
        Err(records) => return records,
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let Some(first) = text.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Vec::new();
    };
    let line_of = |offset: usize| 1 + text[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
    match text[first] {
        b'{' => vec![RawRecord::JsonLine {
            file,
            line: line_of(first),
            record: 1,
            bytes: text[first..].to_vec(),
        }],
        b'[' => split_array(text, first, &file)
            .into_iter()
            .enumerate()
            .map(|(i, (start, end))| RawRecord::JsonLine {
                file: file.clone(),
                line: line_of(start),
                record: i as u64 + 1,
                bytes: text[start..end].to_vec(),
            })
            .collect(),
        _ => vec![unreadable_document(
            &file,
            line_of(first),
            "input/not-an-object",
            format!(
                "line {}: a JSON listing file holds an array of objects or one object",
                line_of(first)
            ),
        )],
    }
}

/// Byte ranges of the elements of the array starting at `open`. An array
/// cut short yields its last element as far as it goes (it then fails to
/// parse and is reported).
fn split_array(text: &[u8], open: usize, _file: &Arc<str>) -> Vec<(usize, usize)> {
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
    use crate::listing::profile::FieldMapper;
    use crate::listing::Listing;

    fn listings(text: &str) -> Vec<Listing> {
        let mut mapper = FieldMapper::generic();
        json_records(text.as_bytes(), Arc::from("t.json"))
            .into_iter()
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
