//! `--format junit`: JUnit XML for CI test reports (GitLab, Jenkins …).
//!
//! One `<testsuite>` per input file, one `<testcase>` per listing that has
//! findings, one `<failure>` per finding at or above `--fail-on` (the others
//! are listed in `<system-out>`). Listings without findings are not listed,
//! so a large clean export stays a small report; the suite's `tests` count
//! still says how many listings were checked.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Finding, Reporter, Summary};
use crate::pack::schema::Severity;

/// Findings of one file, per listing (record number and name).
type ListingFindings = BTreeMap<(u64, String), Vec<Finding>>;

/// Collects findings per file and listing, writes XML at the end.
pub struct JunitReporter<W: Write> {
    out: W,
    threshold: Option<Severity>,
    /// file → listing key → findings, in output order.
    files: Vec<(String, ListingFindings)>,
}

impl<W: Write> JunitReporter<W> {
    /// Writes to `out`; findings at or above `threshold` are failures.
    pub fn new(out: W, threshold: Option<Severity>) -> Self {
        Self {
            out,
            threshold,
            files: Vec::new(),
        }
    }
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn describe(f: &Finding) -> String {
    let mut text = format!("{} ({}): {}", f.rule, f.severity, f.message);
    if let Some(field) = &f.field {
        let _ = write!(text, "\nfield: {field}");
    }
    if let (Some(start), Some(end), Some(t)) = (f.start, f.end, &f.text) {
        let _ = write!(text, " [{start}..{end}] 「{t}」");
    }
    if let Some(help) = &f.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    text
}

impl<W: Write> Reporter for JunitReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            if self.files.last().is_none_or(|(name, _)| **name != *f.file) {
                self.files.push((f.file.to_string(), BTreeMap::new()));
            }
            let listing = f
                .listing_id
                .clone()
                .unwrap_or_else(|| format!("record {}", f.record));
            if let Some((_, listings)) = self.files.last_mut() {
                listings
                    .entry((f.record, listing))
                    .or_default()
                    .push(Finding {
                        source: None,
                        ..f.clone()
                    });
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let fails = |f: &Finding| self.threshold.is_some_and(|t| f.severity >= t);
        // Written as it is made: the document of a large run is as big as
        // its findings, and need not be held a second time.
        let mut xml = io::BufWriter::new(&mut self.out);
        xml.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        let total_failures: usize = self
            .files
            .iter()
            .flat_map(|(_, l)| l.values().flatten())
            .filter(|f| fails(f))
            .count();
        writeln!(
            xml,
            "<testsuites name=\"listlint\" tests=\"{}\" failures=\"{total_failures}\">",
            summary.listings
        )?;
        for (file, listings) in &self.files {
            let failures = listings.values().flatten().filter(|f| fails(f)).count();
            writeln!(
                xml,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
                xml_escape(file),
                listings.len()
            )?;
            for ((_, listing), findings) in listings {
                writeln!(
                    xml,
                    "    <testcase name=\"{}\" classname=\"{}\">",
                    xml_escape(listing),
                    xml_escape(file)
                )?;
                let mut passed = Vec::new();
                for f in findings {
                    if fails(f) {
                        writeln!(
                            xml,
                            "      <failure type=\"{}\" message=\"{}\">{}:{}\n{}</failure>",
                            xml_escape(&f.rule),
                            xml_escape(&f.message),
                            xml_escape(&f.file),
                            f.line,
                            xml_escape(&describe(f))
                        )?;
                    } else {
                        passed.push(describe(f));
                    }
                }
                if !passed.is_empty() {
                    writeln!(
                        xml,
                        "      <system-out>{}</system-out>",
                        xml_escape(&passed.join("\n"))
                    )?;
                }
                xml.write_all(b"    </testcase>\n")?;
            }
            xml.write_all(b"  </testsuite>\n")?;
        }
        xml.write_all(b"</testsuites>\n")?;
        xml.flush()
    }
}
