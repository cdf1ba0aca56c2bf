//! `--format csv`: one row per finding with the columns of the `问题`
//! sheet of `--format xlsx` (see [`rows`](super::rows)), for Excel and
//! WPS as much as for scripts.
//!
//! - UTF-8 with a byte-order mark, which is what makes Excel read the file
//!   as UTF-8 rather than in the system's code page (mojibake for Chinese).
//! - RFC 4180: fields separated by commas, records ended by CRLF, a field
//!   quoted when it holds a comma, a quote (doubled inside) or a line
//!   break.
//! - Formula injection guarded: a cell that starts with `=`, `+`, `-`, `@`,
//!   a tab or a carriage return is written with a `'` before it, so a
//!   listing text such as `=HYPERLINK(…)` stays text when the file is
//!   opened in a spreadsheet.
//!
//! Rows are written as findings arrive: memory holds one batch, whatever
//! the number of findings.

use std::io::{self, Write};

use super::rows::{cells, reason_cell, LegalBasis, COLUMNS};
use super::{Finding, Reporter, RuleInfo, Summary};

/// UTF-8's byte-order mark.
const BOM: char = '\u{feff}';

/// Streams findings as CSV rows.
pub struct CsvReporter<W: Write> {
    writer: csv::Writer<W>,
    legal: LegalBasis,
    /// Whether the byte-order mark and the header row are written.
    started: bool,
}

impl<W: Write> CsvReporter<W> {
    /// Writes to `out`; the legal basis of each finding comes from `rules`.
    pub fn new(out: W, rules: &[RuleInfo]) -> Self {
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        Self {
            writer,
            legal: LegalBasis::new(rules),
            started: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            // The mark goes before the first heading: nothing in it needs
            // quoting, so the file starts with it.
            let first = format!("{BOM}{}", COLUMNS[0]);
            self.writer.write_record(
                [first.as_str()]
                    .into_iter()
                    .chain(COLUMNS[1..].iter().copied()),
            )?;
        }
        Ok(())
    }
}

/// `cell`, with a `'` before it when a spreadsheet would take it for a
/// formula (or, after a tab or carriage return, for the start of one).
pub fn guard_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

impl<W: Write> Reporter for CsvReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        self.start()?;
        let mut line = String::new();
        let mut reason = String::new();
        for finding in findings {
            line.clear();
            line.push_str(&finding.line.to_string());
            reason_cell(finding, &mut reason);
            let row = cells(finding, &self.legal, &line, &reason);
            for cell in row {
                self.writer.write_field(guard_formula(cell).as_bytes())?;
            }
            self.writer.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.start()?;
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_nothing_else() {
        for cell in ["=1+1", "+86 123", "-5", "@SUM(A1)", "\tx", "\r=x"] {
            assert_eq!(guard_formula(cell), format!("'{cell}"));
        }
        for cell in ["", "最好", "a=b", "'=x", "１=1", "12"] {
            assert_eq!(guard_formula(cell), cell);
        }
    }
}
