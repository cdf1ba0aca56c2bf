//! Fixing CSV and TSV: the field rewritten in place, quoting kept.
//!
//! Records are split as the reader splits them (`"` quotes, `""` inside
//! quotes, records ending at `\n`, `\r\n` or a lone `\r`, blank lines
//! skipped, a 淘宝助理 package's `version` line and Chinese header row
//! passed over) and found by the line they start on. A quoted field is
//! written back quoted with its quotes doubled, which is exactly how it
//! was written outside the replaced text; an unquoted one stays unquoted
//! unless a replacement holds the delimiter, a quote or a line break, and
//! is then quoted.

use std::sync::Arc;

use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::FieldName;
use listlint_core::model::Finding;

use super::{group_by, Change, Edit, Fixer, Record};
use crate::source::{sniff_delimiter, InputFormat};

/// Where a field is in the text.
#[derive(Debug, Clone, Copy)]
struct FieldLoc {
    /// Byte range, quotes included.
    start: usize,
    end: usize,
    /// Written in quotes.
    quoted: bool,
    /// Quoted, but with text after the closing quote (`"a"b`): read, but
    /// not rewritten.
    irregular: bool,
}

/// Splits CSV text into records, each with the line it starts on.
struct Records<'t> {
    text: &'t [u8],
    at: usize,
    line: u64,
    delimiter: u8,
}

impl<'t> Records<'t> {
    /// Counts a line break at `at`, if there is one, and steps over it.
    fn line_break(&mut self) -> bool {
        match self.text.get(self.at) {
            Some(b'\r') => {
                self.at += 1;
                if self.text.get(self.at) == Some(&b'\n') {
                    self.at += 1;
                }
                self.line += 1;
                true
            }
            Some(b'\n') => {
                self.at += 1;
                self.line += 1;
                true
            }
            _ => false,
        }
    }

    fn field(&mut self) -> FieldLoc {
        let start = self.at;
        let t = self.text;
        if t.get(start) != Some(&b'"') {
            while self.at < t.len()
                && !matches!(t[self.at], b'\r' | b'\n')
                && t[self.at] != self.delimiter
            {
                self.at += 1;
            }
            return FieldLoc {
                start,
                end: self.at,
                quoted: false,
                irregular: false,
            };
        }
        self.at += 1;
        loop {
            match t.get(self.at) {
                None => {
                    return FieldLoc {
                        start,
                        end: self.at,
                        quoted: true,
                        irregular: true,
                    }
                }
                Some(b'"') if t.get(self.at + 1) == Some(&b'"') => self.at += 2,
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(b'\r') | Some(b'\n') => {
                    self.line_break();
                }
                Some(_) => self.at += 1,
            }
        }
        let mut irregular = false;
        while self.at < t.len()
            && !matches!(t[self.at], b'\r' | b'\n')
            && t[self.at] != self.delimiter
        {
            irregular = true;
            self.at += 1;
        }
        FieldLoc {
            start,
            end: self.at,
            quoted: true,
            irregular,
        }
    }
}

impl Iterator for Records<'_> {
    /// The line the record starts on and its fields.
    type Item = (u64, Vec<FieldLoc>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.line_break() {}
        if self.at >= self.text.len() {
            return None;
        }
        let line = self.line;
        let mut fields = Vec::new();
        loop {
            fields.push(self.field());
            if self.text.get(self.at) == Some(&self.delimiter) {
                self.at += 1;
                continue;
            }
            self.line_break();
            return Some((line, fields));
        }
    }
}

/// A field's value: the text between its quotes with `""` read as `"`.
fn value_of(text: &str, loc: FieldLoc) -> String {
    let raw = &text[loc.start..loc.end];
    if loc.quoted && !loc.irregular {
        raw[1..raw.len() - 1].replace("\"\"", "\"")
    } else {
        raw.to_owned()
    }
}

/// The edits that fix `findings` in CSV/TSV `text`.
pub(super) fn fix(
    text: &str,
    format: InputFormat,
    findings: &[&Finding],
    fixer: &mut Fixer<'_>,
) -> Vec<Edit> {
    let delimiter = match format {
        InputFormat::Tsv => b'\t',
        _ => {
            let header = text
                .split(['\n', '\r'])
                .filter(|l| !l.is_empty())
                .find(|l| !l.starts_with("version "))
                .unwrap_or_default();
            sniff_delimiter(&header[..header.len().min(64 * 1024)])
        }
    };
    let mut records = Records {
        text: text.as_bytes(),
        at: 0,
        line: 1,
        delimiter,
    }
    .peekable();
    let mut wanted = group_by(findings, |f| f.line);
    let mut edits = Vec::new();
    // The header, past a 淘宝助理 package's version line and its Chinese
    // header row.
    let Some((_, mut header)) = records.next() else {
        let all: Vec<&Finding> = wanted.into_values().flatten().collect();
        fixer.not_found(&all, "the file has no records");
        return edits;
    };
    if header
        .first()
        .is_some_and(|f| value_of(text, *f).starts_with("version "))
    {
        if let Some((_, english)) = records.next() {
            header = english;
            if records.peek().is_some_and(|(_, row)| {
                row.first()
                    .is_some_and(|f| value_of(text, *f).starts_with("宝贝名称"))
            }) {
                records.next();
            }
        }
    }
    let headers: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, loc)| {
            let h = value_of(text, *loc);
            let h = h.trim();
            if h.is_empty() {
                format!("column_{}", i + 1)
            } else {
                h.to_owned()
            }
        })
        .collect();
    let mut mapper = FieldMapper::new(fixer.options.profile.clone());
    let names = mapper.map_headers(headers.iter().map(String::as_str)).names;
    let file: Arc<str> = findings.first().map(|f| f.file.clone()).unwrap_or_default();
    for (index, (line, locs)) in records.enumerate() {
        let record_no = index as u64 + 1;
        if wanted.is_empty() {
            break;
        }
        let Some(these) = wanted.remove(&line) else {
            continue;
        };
        let fields: Vec<(FieldName, String)> = locs
            .iter()
            .enumerate()
            .map(|(i, loc)| {
                let name = names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(format!("column_{}", i + 1)));
                (name, value_of(text, *loc))
            })
            .collect();
        let targets = these
            .iter()
            .map(|f| {
                let field = f.field.as_deref().unwrap_or_default();
                let target = match fields.iter().position(|(n, _)| &**n == field) {
                    Some(i) if locs[i].irregular => {
                        Err("the field has text after its closing quote".to_owned())
                    }
                    Some(i) => Ok(i),
                    None => Err(format!("no column maps to `{field}` on line {line}")),
                };
                (*f, target)
            })
            .collect();
        let listing_id = these.first().and_then(|f| f.listing_id.clone());
        let record = Record {
            file: file.clone(),
            line,
            record: record_no,
            fields: fields.clone(),
            targets,
        };
        for (i, new_value, replacements) in fixer.plan(record) {
            let loc = locs[i];
            let needs_quotes = replacements.iter().any(|r| {
                r.replacement
                    .bytes()
                    .any(|b| b == delimiter || matches!(b, b'"' | b'\r' | b'\n'))
            });
            let written = if loc.quoted || needs_quotes {
                format!("\"{}\"", new_value.replace('"', "\"\""))
            } else {
                new_value.clone()
            };
            fixer.applied(&replacements);
            fixer.change(Change {
                place: format!("line {line}"),
                line,
                listing_id: listing_id.clone(),
                field: fields[i].0.to_string(),
                sheet: None,
                range: Some((loc.start, loc.end)),
                replacement: written.clone(),
                before: fields[i].1.clone(),
                after: new_value,
            });
            edits.push(Edit {
                start: loc.start,
                end: loc.end,
                replacement: written,
            });
        }
    }
    let rest: Vec<&Finding> = wanted.into_values().flatten().collect();
    fixer.not_found(&rest, "no record starts on the finding's line");
    edits.sort_by_key(|e| e.start);
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(u64, Vec<String>)> {
        Records {
            text: text.as_bytes(),
            at: 0,
            line: 1,
            delimiter: b',',
        }
        .map(|(line, locs)| (line, locs.iter().map(|l| value_of(text, *l)).collect()))
        .collect()
    }

    #[test]
    fn splits_as_the_reader_does() {
        let rows = split("id,title\r\nA,\"多\r\n行\"\r\n\r\nB,\"x\"\"y\"\rC,5\"屏\n");
        assert_eq!(rows[0], (1, vec!["id".into(), "title".into()]));
        assert_eq!(rows[1], (2, vec!["A".into(), "多\r\n行".into()]));
        assert_eq!(rows[2], (5, vec!["B".into(), "x\"y".into()]));
        assert_eq!(rows[3], (6, vec!["C".into(), "5\"屏".into()]));
    }
}
