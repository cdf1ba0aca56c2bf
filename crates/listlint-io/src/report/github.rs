//! `--format github`: GitHub Actions workflow commands, one per finding, so
//! findings show as annotations on the pull request.
//!
//! `::error file=…,line=…,col=…,endColumn=…,title=…::message` (columns only
//! where the reader placed the field value on its line, see
//! [`super::columns`]); warnings become `::warning` and info `::notice`.
//! Values are escaped as the runner expects, and control characters
//! visibly.

use std::io::{self, Write};

use super::columns::span_columns;
use super::{Finding, Reporter, Summary};
use crate::terminal::{is_control, push_escaped};
use listlint_core::model::Severity;

/// Writes workflow commands.
pub struct GithubReporter<W: Write> {
    out: W,
}

impl<W: Write> GithubReporter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self { out }
    }
}

/// Escapes a message (data) part: `%`, CR and LF as the runner decodes
/// them, so a workflow command stays one line and listing text cannot start
/// a command of its own; other control characters as `\u{1b}`
/// ([`crate::terminal`]), since CI logs act on terminal escapes.
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if is_control(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Reporter for GithubReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let place = match (&f.listing_id, &f.field, &f.text) {
                (id, Some(field), Some(text)) => {
                    format!(" [{} · {field} · 「{text}」]", id.as_deref().unwrap_or("-"))
                }
                (id, Some(field), None) => format!(" [{} · {field}]", id.as_deref().unwrap_or("-")),
                (id, None, _) => format!(" [{}]", id.as_deref().unwrap_or("-")),
            };
            let columns = match span_columns(f) {
                Some((start, end)) => format!(",col={start},endColumn={end}"),
                None => String::new(),
            };
            writeln!(
                self.out,
                "::{command} file={},line={}{columns},title={}::{}",
                escape_property(&f.file),
                f.line.max(1),
                escape_property(&f.rule),
                escape_data(&format!("{}{place}", f.message)),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("\u{1b}]0;x\u{7}"), "\\u{1b}]0;x\\u{7}");
    }
}
