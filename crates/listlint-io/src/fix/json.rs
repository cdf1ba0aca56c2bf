//! Fixing JSON Lines and JSON: the string literal rewritten in place.
//!
//! A record is read as the reader reads it ([`read_json_text`], keys
//! mapped to fields, the last value of a repeated key being the field's);
//! the field's value must be a string literal. Inside it, characters are
//! mapped to the bytes that write them, escapes included (`\"`, `\n`,
//! `\u6700`, a surrogate pair), so a span is replaced exactly; the
//! replacement is written in the literal's style: `\uXXXX` for every
//! non-ASCII character when the literal writes its own that way, else as
//! UTF-8, with `"`, `\` and control characters escaped. Keys, their
//! order, spacing and every other byte stay as they are.

use std::sync::Arc;

use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::FieldName;
use listlint_core::model::Finding;

use super::{group_by, Change, Edit, Fixer, Record};
use crate::source::json::split_array;
use crate::source::json_fields::{read_json_text, JsonText};
use crate::source::repeated::map_fields;

/// The edits that fix `findings` in JSON Lines `text`.
pub(super) fn fix_lines(text: &str, findings: &[&Finding], fixer: &mut Fixer<'_>) -> Vec<Edit> {
    let mut wanted = group_by(findings, |f| f.line);
    let mut edits = Vec::new();
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let line_no = n as u64 + 1;
        let start = offset;
        offset += line.len();
        if wanted.is_empty() {
            break;
        }
        let Some(these) = wanted.remove(&line_no) else {
            continue;
        };
        let body = line.trim_end_matches(['\n', '\r']);
        let first = these.first().map_or(0, |f| f.record);
        fix_record(body, start, line_no, first, &these, fixer, &mut edits);
    }
    let rest: Vec<&Finding> = wanted.into_values().flatten().collect();
    fixer.not_found(&rest, "no record on the finding's line");
    edits
}

/// The edits that fix `findings` in a JSON document (an array of objects,
/// or one object).
pub(super) fn fix_document(text: &str, findings: &[&Finding], fixer: &mut Fixer<'_>) -> Vec<Edit> {
    let bytes = text.as_bytes();
    let mut edits = Vec::new();
    let Some(first) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        fixer.not_found(findings, "the document is empty");
        return edits;
    };
    let elements = match bytes[first] {
        b'{' => vec![(first, bytes.len())],
        b'[' => split_array(bytes, first),
        _ => {
            fixer.not_found(findings, "the document is not an array or an object");
            return edits;
        }
    };
    let wanted = group_by(findings, |f| f.record);
    let mut unmatched = Vec::new();
    for (record, these) in wanted {
        let Some(&(s, e)) = usize::try_from(record)
            .ok()
            .and_then(|r| r.checked_sub(1))
            .and_then(|i| elements.get(i))
        else {
            unmatched.extend(these);
            continue;
        };
        let line = 1 + bytes[..s].iter().filter(|&&b| b == b'\n').count() as u64;
        fix_record(&text[s..e], s, line, record, &these, fixer, &mut edits);
    }
    fixer.not_found(&unmatched, "no such element in the document");
    edits.sort_by_key(|e| e.start);
    edits
}

/// Fixes one record, the JSON text `body` at byte `base` of the input.
fn fix_record(
    body: &str,
    base: usize,
    line: u64,
    record: u64,
    findings: &[&Finding],
    fixer: &mut Fixer<'_>,
    edits: &mut Vec<Edit>,
) {
    let fields = match read_json_text(body) {
        Ok(JsonText::Object(fields)) => fields,
        _ => {
            fixer.not_found(findings, "the record is not a JSON object");
            return;
        }
    };
    let pairs: Vec<(String, String)> = fields
        .pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut mapper = FieldMapper::new(fixer.options.profile.clone());
    let listing_fields: Vec<(FieldName, String)> = map_fields(
        pairs.clone(),
        line,
        |p| vec![0; p.len()],
        &mut mapper,
        &mut Vec::new(),
    );
    // Which key each field is: distinct keys in order of first
    // appearance, mapped as the reader maps them.
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in &pairs {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    let names = FieldMapper::new(fixer.options.profile.clone())
        .map_headers(keys.iter().copied())
        .names;
    let mut literals: Vec<(usize, Literal)> = Vec::new();
    let targets = findings
        .iter()
        .map(|f| {
            let field = f.field.as_deref().unwrap_or_default();
            let target = (|| {
                let key = names
                    .iter()
                    .position(|n| &**n == field)
                    .map(|i| keys[i])
                    .ok_or_else(|| format!("the record has no key for `{field}`"))?;
                let pair = pairs
                    .iter()
                    .rposition(|(k, _)| k == key)
                    .ok_or_else(|| format!("the record has no key for `{field}`"))?;
                let index = listing_fields
                    .iter()
                    .position(|(n, _)| &**n == field)
                    .ok_or_else(|| format!("the record has no field `{field}`"))?;
                let at = fields.offsets[pair];
                let literal = Literal::read(body, at)
                    .filter(|l| l.value == pairs[pair].1)
                    .ok_or_else(|| format!("`{key}` is not a string as written"))?;
                if !literals.iter().any(|(i, _)| *i == index) {
                    literals.push((index, literal));
                }
                Ok(index)
            })();
            (*f, target)
        })
        .collect();
    let listing_id = findings.first().and_then(|f| f.listing_id.clone());
    let file: Arc<str> = findings.first().map(|f| f.file.clone()).unwrap_or_default();
    let plan = fixer.plan(Record {
        file,
        line,
        record,
        fields: listing_fields.clone(),
        targets,
    });
    for (index, new_value, replacements) in plan {
        let Some((_, literal)) = literals.iter().find(|(i, _)| *i == index) else {
            continue;
        };
        // Each replacement's characters are bytes of the literal; what is
        // between them is kept as written.
        let mut written = String::new();
        let mut at = literal.content_start;
        for r in &replacements {
            let (s, e) = (literal.offsets[r.start], literal.offsets[r.end]);
            written.push_str(&body[at..s]);
            written.push_str(&literal.escape(&r.replacement));
            at = e;
        }
        written.push_str(&body[at..literal.content_end]);
        fixer.applied(&replacements);
        fixer.change(Change {
            place: format!("line {line}"),
            line,
            listing_id: listing_id.clone(),
            field: listing_fields[index].0.to_string(),
            sheet: None,
            range: Some((base + literal.content_start, base + literal.content_end)),
            replacement: written.clone(),
            before: listing_fields[index].1.clone(),
            after: new_value,
        });
        edits.push(Edit {
            start: base + literal.content_start,
            end: base + literal.content_end,
            replacement: written,
        });
    }
}

/// A JSON string literal as written.
struct Literal {
    /// Its value.
    value: String,
    /// Byte offsets (in the record's text) of the value's characters, and
    /// one past the last.
    offsets: Vec<usize>,
    content_start: usize,
    content_end: usize,
    /// Non-ASCII characters are written as `\uXXXX`.
    ascii: bool,
}

impl Literal {
    /// The string literal starting at byte `at` of `text`, if one does.
    fn read(text: &str, at: usize) -> Option<Literal> {
        let b = text.as_bytes();
        if b.get(at) != Some(&b'"') {
            return None;
        }
        let mut i = at + 1;
        let mut value = String::new();
        let mut offsets = Vec::new();
        let (mut raw_non_ascii, mut escaped_non_ascii) = (false, false);
        loop {
            let c = *b.get(i)?;
            match c {
                b'"' => break,
                b'\\' => {
                    offsets.push(i);
                    let (ch, len) = match *b.get(i + 1)? {
                        b'"' => ('"', 2),
                        b'\\' => ('\\', 2),
                        b'/' => ('/', 2),
                        b'b' => ('\u{8}', 2),
                        b'f' => ('\u{c}', 2),
                        b'n' => ('\n', 2),
                        b'r' => ('\r', 2),
                        b't' => ('\t', 2),
                        b'u' => {
                            let unit = hex4(text, i + 2)?;
                            if (0xD800..0xDC00).contains(&unit)
                                && text.get(i + 6..i + 8) == Some("\\u")
                            {
                                let low = hex4(text, i + 8)?;
                                let c = 0x10000
                                    + ((unit - 0xD800) << 10)
                                    + (low.checked_sub(0xDC00)?);
                                (char::from_u32(c)?, 12)
                            } else {
                                (char::from_u32(unit)?, 6)
                            }
                        }
                        _ => return None,
                    };
                    escaped_non_ascii |= !ch.is_ascii();
                    value.push(ch);
                    i += len;
                }
                _ => {
                    let ch = text[i..].chars().next()?;
                    raw_non_ascii |= !ch.is_ascii();
                    offsets.push(i);
                    value.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        offsets.push(i);
        Some(Literal {
            value,
            offsets,
            content_start: at + 1,
            content_end: i,
            ascii: escaped_non_ascii && !raw_non_ascii,
        })
    }

    /// `text` written inside this literal.
    fn escape(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 || (self.ascii && !c.is_ascii()) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out
    }
}

fn hex4(text: &str, at: usize) -> Option<u32> {
    u32::from_str_radix(text.get(at..at + 4)?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_map_characters_to_their_bytes() {
        let text = r#""\u738b\u724c \"x\" \ud83d\ude00好""#;
        let l = Literal::read(text, 0).unwrap();
        assert_eq!(l.value, "王牌 \"x\" 😀好");
        assert_eq!(l.offsets[1], 7);
        assert_eq!(&text[l.offsets[2]..l.offsets[3]], " ");
        assert!(!l.ascii);
        let ascii = Literal::read(r#""\u738b\u724c""#, 0).unwrap();
        assert!(ascii.ascii);
        assert_eq!(ascii.escape("主打\""), "\\u4e3b\\u6253\\\"");
    }
}
