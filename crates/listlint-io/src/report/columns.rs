//! Columns of a finding in its input file, for formats that point into the
//! file (SARIF regions, GitHub annotations).
//!
//! A finding knows its span inside the field value; the reader noted where
//! the value is written on the record's first line, when it could place it
//! (see [`listlint_core::listing::Listing::value_columns`]). The span's
//! columns are the value's column plus the span. A value the reader could
//! not place (spread over lines, with escapes, written twice on its line,
//! from an XLSX cell, or checked from memory) gets no column rather than a
//! wrong one.

use super::Finding;

/// 1-based start and exclusive end column, in characters, of the
/// finding's span on its line, when the reader placed its field value.
pub fn span_columns(finding: &Finding) -> Option<(usize, usize)> {
    let column = usize::try_from(finding.column?).ok()?;
    Some((column + finding.start?, column + finding.end?))
}
