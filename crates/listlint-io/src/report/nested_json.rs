//! Pretty-printed JSON for a value inside a document that is written piece
//! by piece.
//!
//! `serde_json::to_writer_pretty` indents from the left margin; a value
//! written on its own but placed at depth `n` of a larger document needs
//! every line after its first indented by `n` levels more. JSON strings hold
//! no raw line breaks (they are escaped), so each line break the formatter
//! writes is followed by the extra indentation, and the result is byte for
//! byte what pretty-printing the whole document would give.

use serde::Serialize;

/// One level of `serde_json`'s pretty indentation.
const INDENT: &[u8] = b"  ";

/// Appends `value`, pretty-printed as it would be at `depth` levels of
/// nesting, to `out` (no indentation before its first line).
pub fn pretty_nested<T: Serialize + ?Sized>(
    value: &T,
    depth: usize,
    scratch: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    scratch.clear();
    serde_json::to_writer_pretty(&mut *scratch, value)
        .expect("report values serialize, and writing to a Vec cannot fail");
    let mut rest = &scratch[..];
    while let Some(at) = memchr::memchr(b'\n', rest) {
        out.extend_from_slice(&rest[..=at]);
        for _ in 0..depth {
            out.extend_from_slice(INDENT);
        }
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
}

/// Appends `depth` levels of indentation after a line break.
pub fn newline_at(depth: usize, out: &mut Vec<u8>) {
    out.push(b'\n');
    for _ in 0..depth {
        out.extend_from_slice(INDENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_values_match_the_whole_document() {
        let inner = json!({"a": [1, {"b": "line\nbreak"}], "c": {}, "d": []});
        let whole = json!({"outer": [inner.clone()]});
        let expected = serde_json::to_string_pretty(&whole).unwrap();
        let mut out = b"{\n  \"outer\": [".to_vec();
        newline_at(2, &mut out);
        pretty_nested(&inner, 2, &mut Vec::new(), &mut out);
        newline_at(1, &mut out);
        out.extend_from_slice(b"]\n}");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
