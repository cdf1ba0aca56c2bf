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
}

impl ColumnLocator {
    /// 1-based start and exclusive end column, in characters, of the
    /// finding's span on its line, when it can be located unambiguously.
    pub fn locate(&mut self, finding: &Finding) -> Option<(usize, usize)> {
        let value = finding.source.as_deref()?;
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
        if value.is_empty() || value.contains('\n') {
            return None;
        }
        let lines = self
            .files
            .entry(finding.file.clone())
            .or_insert_with(|| read_lines(&finding.file))
            .as_ref()?;
        let line = lines.get(usize::try_from(finding.line).ok()?.checked_sub(1)?)?;
        let mut hits = line.match_indices(value);
        let (byte_at, _) = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        let column = line[..byte_at].chars().count() + 1;
        Some((column + start, column + end))
    }
}

fn read_lines(path: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Some(text.lines().map(str::to_owned).collect())
}
