//! `--format junit`: JUnit XML for CI test reports (GitLab, Jenkins …).
//!
//! One `<testsuite>` per input file with findings, one `<testcase>` per
//! listing that has findings, and in it one `<failure>` per finding at or
//! above `--fail-on`, or one `<error>` when the finding says the record
//! could not be read (category `input`); findings below the threshold are
//! listed in `<system-out>`. Listings without findings are not listed, so a
//! large clean export stays a small report.
//!
//! The counts follow the Ant/Jenkins schema: a suite's `tests` is its
//! number of cases, `errors` the cases with an `<error>`, `failures` the
//! other cases with a `<failure>` (so `failures + errors <= tests`), and
//! `<testsuites>` carries the sums over its suites.
//!
//! Totals go in start tags, before what they count, so the cases are
//! written to a [`Spool`] (a temporary file) as they arrive and each
//! suite's start tag is written when the spool is copied out at the end.
//! Memory holds one name and three counts per suite, and the findings of
//! the listing being written.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::spool::{copy_exactly, Spool};
use super::{Finding, Reporter, Summary};
use listlint_core::engine::INPUT_CATEGORY;
use listlint_core::model::Severity;

/// Writes cases to a spool as they arrive, the document at the end.
pub struct JunitReporter<W: Write> {
    out: W,
    threshold: Option<Severity>,
    /// The cases of every suite, rendered, suite after suite.
    spool: Spool,
    /// Each suite's counts, in order; the last one is being written.
    suites: Vec<Suite>,
    /// The case being written.
    case: Option<OpenCase>,
}

/// One input file's suite.
struct Suite {
    file: String,
    /// Length of its cases in the spool.
    bytes: u64,
    counts: Counts,
}

/// Cases by outcome (Ant/Jenkins semantics).
#[derive(Default, Clone, Copy)]
struct Counts {
    tests: u64,
    failures: u64,
    errors: u64,
}

/// The listing whose case is being written.
struct OpenCase {
    record: u64,
    name: String,
    failed: bool,
    errored: bool,
    /// Findings below the threshold, described, for `<system-out>`.
    passed: Vec<String>,
}

impl<W: Write> JunitReporter<W> {
    /// Writes to `out`; findings at or above `threshold` are failures (or
    /// errors, for unreadable records). Fails when no temporary file can
    /// be created.
    pub fn new(out: W, threshold: Option<Severity>) -> io::Result<Self> {
        Ok(Self {
            out,
            threshold,
            spool: Spool::new("junit")?,
            suites: Vec::new(),
            case: None,
        })
    }

    /// Appends to the current suite's cases.
    fn emit(&mut self, text: &str) -> io::Result<()> {
        self.spool.write_all(text.as_bytes())?;
        if let Some(suite) = self.suites.last_mut() {
            suite.bytes += text.len() as u64;
        }
        Ok(())
    }

    /// Ends the open case, if any, and counts it.
    fn close_case(&mut self) -> io::Result<()> {
        let Some(case) = self.case.take() else {
            return Ok(());
        };
        let mut text = String::new();
        if !case.passed.is_empty() {
            let _ = writeln!(
                text,
                "      <system-out>{}</system-out>",
                xml_escape(&case.passed.join("\n"))
            );
        }
        text.push_str("    </testcase>\n");
        self.emit(&text)?;
        if let Some(suite) = self.suites.last_mut() {
            suite.counts.tests += 1;
            if case.errored {
                suite.counts.errors += 1;
            } else if case.failed {
                suite.counts.failures += 1;
            }
        }
        Ok(())
    }

    fn add(&mut self, f: &Finding) -> io::Result<()> {
        if self.suites.last().is_none_or(|s| *s.file != *f.file) {
            self.close_case()?;
            self.suites.push(Suite {
                file: f.file.to_string(),
                bytes: 0,
                counts: Counts::default(),
            });
        }
        let listing = f.listing_id.clone().unwrap_or_else(|| match f.record {
            // About the file as a whole (a collapsed finding).
            0 => "whole file".to_owned(),
            record => format!("record {record}"),
        });
        if self
            .case
            .as_ref()
            .is_some_and(|c| c.record != f.record || c.name != listing)
        {
            self.close_case()?;
        }
        if self.case.is_none() {
            let start = format!(
                "    <testcase name=\"{}\" classname=\"{}\">\n",
                xml_escape(&listing),
                xml_escape(&f.file)
            );
            self.emit(&start)?;
            self.case = Some(OpenCase {
                record: f.record,
                name: listing,
                failed: false,
                errored: false,
                passed: Vec::new(),
            });
        }
        let fails = self.threshold.is_some_and(|t| f.severity >= t);
        let unreadable = *f.category == *INPUT_CATEGORY;
        if let Some(case) = self.case.as_mut() {
            if !fails {
                case.passed.push(describe(f));
                return Ok(());
            }
            case.failed |= !unreadable;
            case.errored |= unreadable;
        }
        let element = if unreadable { "error" } else { "failure" };
        let text = format!(
            "      <{element} type=\"{}\" message=\"{}\">{}:{}\n{}</{element}>\n",
            xml_escape(&f.rule),
            xml_escape(&f.message),
            xml_escape(&f.file),
            f.line,
            xml_escape(&describe(f))
        );
        self.emit(&text)
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
        findings.iter().try_for_each(|f| self.add(f))
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.close_case()?;
        let total = self.suites.iter().fold(Counts::default(), |sum, s| Counts {
            tests: sum.tests + s.counts.tests,
            failures: sum.failures + s.counts.failures,
            errors: sum.errors + s.counts.errors,
        });
        let mut xml = io::BufWriter::new(&mut self.out);
        xml.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        writeln!(
            xml,
            "<testsuites name=\"listlint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            total.tests, total.failures, total.errors
        )?;
        let mut cases = self.spool.read_back()?;
        for suite in &self.suites {
            let Counts {
                tests,
                failures,
                errors,
            } = suite.counts;
            writeln!(
                xml,
                "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">",
                xml_escape(&suite.file),
            )?;
            copy_exactly(&mut cases, suite.bytes, &mut xml)?;
            xml.write_all(b"  </testsuite>\n")?;
        }
        xml.write_all(b"</testsuites>\n")?;
        xml.flush()
    }
}
