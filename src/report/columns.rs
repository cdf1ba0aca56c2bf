//! Columns of a finding in its input file, for formats that point into the
//! file (SARIF regions, GitHub annotations).
//!
//! A finding knows its span inside the field value, not where the value sits
//! on the line. The locator reads the record's first line from the file and
//! looks for the field value there verbatim: when it occurs exactly once, the
//! span is shifted by its position; otherwise (quoted with escapes, spread
//! over lines, repeated, or a file that is not UTF-8) no column is given
//! rather than a wrong one.

use std::collections::HashMap;
use std::sync::Arc;

use super::Finding;

/// Reads each input file once, on first use.
#[derive(Default)]
pub struct ColumnLocator {
    files: HashMap<Arc<str>, Option<Vec<String>>>,
    /// The last field value looked for: the findings of one field come
    /// together and share its value, so its line is searched once for all
    /// of them, not once per finding.
    last: Option<Searched>,
    /// Lines searched for a field value (for tests of the above).
    searches: usize,
}

/// A field value looked for on a line, and where it was found.
struct Searched {
    /// The value (the findings' shared `source`).
    value: Arc<str>,
    file: Arc<str>,
    line: u64,
    /// The 1-based column where it starts, if it occurs there exactly once.
    column: Option<usize>,
}

impl ColumnLocator {
    /// 1-based start and exclusive end column, in characters, of the
    /// finding's span on its line, when it can be located unambiguously.
    pub fn locate(&mut self, finding: &Finding) -> Option<(usize, usize)> {
        let value = finding.source.as_ref()?;
        let (start, end) = (finding.start?, finding.end?);
        // A product variant's own field (`variant.2.price`) is on the
        // variant's row, not on the line where the record starts.
        if finding
            .field
            .as_deref()
            .and_then(|f| f.strip_prefix("variant."))
            .is_some_and(|rest| !rest.starts_with("1."))
        {
            return None;
        }
        let column = match &self.last {
            Some(last)
                if Arc::ptr_eq(&last.value, value)
                    && last.file == finding.file
                    && last.line == finding.line =>
            {
                last.column
            }
            _ => {
                let column = self.value_column(value, &finding.file, finding.line);
                self.last = Some(Searched {
                    value: value.clone(),
                    file: finding.file.clone(),
                    line: finding.line,
                    column,
                });
                column
            }
        }?;
        Some((column + start, column + end))
    }

    /// The 1-based column where `value` starts on line `line` of `file`,
    /// if it occurs there exactly once.
    fn value_column(&mut self, value: &str, file: &Arc<str>, line: u64) -> Option<usize> {
        if value.is_empty() || value.contains('\n') {
            return None;
        }
        let lines = self
            .files
            .entry(file.clone())
            .or_insert_with(|| read_lines(file))
            .as_ref()?;
        let line = lines.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        self.searches += 1;
        let mut hits = line.match_indices(value);
        let (byte_at, _) = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        Some(line[..byte_at].chars().count() + 1)
    }
}

fn read_lines(path: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Some(text.lines().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::schema::Severity;

    fn finding(file: &Arc<str>, value: &Arc<str>, start: usize) -> Finding {
        Finding {
            rule: Arc::from("absolute/superlative"),
            pack: Arc::from("cn-ad-absolutes"),
            category: Arc::from("absolute-terms"),
            severity: Severity::Error,
            message: String::new(),
            help: None,
            suggestion: None,
            file: file.clone(),
            line: 2,
            record: 1,
            listing_id: Some("A".to_owned()),
            field: Some(Arc::from("description")),
            start: Some(start),
            end: Some(start + 2),
            text: Some("最好".to_owned()),
            fingerprint: String::new(),
            source: Some(value.clone()),
        }
    }

    #[test]
    fn the_findings_of_one_field_search_its_line_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let hits = 1_000;
        let value = "最好，".repeat(hits);
        std::fs::write(&path, format!("id,title,description\nA,x,{value}\n")).unwrap();
        let file: Arc<str> = Arc::from(path.to_str().unwrap());
        let value: Arc<str> = Arc::from(value);
        let mut locator = ColumnLocator::default();
        for i in 0..hits {
            let located = locator.locate(&finding(&file, &value, 3 * i));
            assert_eq!(located, Some((5 + 3 * i, 5 + 3 * i + 2)));
        }
        assert_eq!(locator.searches, 1);
        // Another value (even an equal one) is searched for anew.
        let copy: Arc<str> = Arc::from(&*value);
        assert_eq!(locator.locate(&finding(&file, &copy, 0)), Some((5, 7)));
        assert_eq!(locator.searches, 2);
    }
}
