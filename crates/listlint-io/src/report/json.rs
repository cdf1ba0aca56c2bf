//! `--format json`: one document with the summary and every finding, and,
//! when the run used a config file, its path as `config` (after `tool`;
//! runs without one keep SPEC §4's four keys).
//!
//! SPEC §4 puts the summary before the findings, and the summary is known
//! only at the end of the run. Each finding is rendered as it arrives, as
//! it appears in the pretty-printed document, into a [`Spool`] (a temporary
//! file); `finish` writes the head of the document and copies the findings
//! after it. Memory holds one batch of findings, not the run's.

use std::io::{self, Write};

use serde::Serialize;

use super::nested_json::{newline_at, pretty_nested};
use super::spool::{copy_exactly, Spool};
use super::{Finding, Reporter, Summary};

/// Depth of a finding in the document: `{"findings": [ … ]}`.
const FINDING_DEPTH: usize = 2;

/// Spools findings and writes one JSON document at the end.
pub struct JsonReporter<W: Write> {
    out: W,
    /// The config file the run used, shown as `config`.
    config: Option<String>,
    /// The findings so far, rendered.
    spool: Spool,
    /// Findings in the spool.
    written: u64,
    /// One batch, rendered.
    buffer: Vec<u8>,
    scratch: Vec<u8>,
}

impl<W: Write> JsonReporter<W> {
    /// Writes to `out`, naming `config` (a path) when the run used one;
    /// fails when no temporary file can be created.
    pub fn new(out: W, config: Option<String>) -> io::Result<Self> {
        Ok(Self {
            out,
            config,
            spool: Spool::new("json")?,
            written: 0,
            buffer: Vec::new(),
            scratch: Vec::new(),
        })
    }
}

/// Writes the whole `--format json` document for findings already held in
/// memory (a service answering one request): byte for byte what
/// [`JsonReporter`] writes for the same findings, summary and config.
pub fn write_document<W: Write>(
    mut out: W,
    summary: &Summary,
    findings: &[Finding],
    config: Option<&str>,
) -> io::Result<()> {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: crate::report::TOOL_NAME,
            version: env!("CARGO_PKG_VERSION"),
        },
        config,
        summary,
        findings,
    };
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<&'a str>,
    summary: &'a Summary,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

impl<W: Write> Reporter for JsonReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        self.buffer.clear();
        for finding in findings {
            if self.written > 0 {
                self.buffer.push(b',');
            }
            newline_at(FINDING_DEPTH, &mut self.buffer);
            pretty_nested(finding, FINDING_DEPTH, &mut self.scratch, &mut self.buffer);
            self.written += 1;
        }
        self.spool.write_all(&self.buffer)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let head = Document {
            version: 1,
            tool: Tool {
                name: crate::report::TOOL_NAME,
                version: env!("CARGO_PKG_VERSION"),
            },
            config: self.config.as_deref(),
            summary,
            findings: &[],
        };
        let mut head = serde_json::to_vec_pretty(&head)?;
        if self.written > 0 {
            // The head ends in `"findings": []` and the closing brace: the
            // findings go between the brackets.
            const EMPTY_END: &[u8] = b"]\n}";
            debug_assert!(head.ends_with(EMPTY_END));
            head.truncate(head.len() - EMPTY_END.len());
            self.out.write_all(&head)?;
            let len = self.spool.len();
            copy_exactly(&mut self.spool.read_back()?, len, &mut self.out)?;
            self.buffer.clear();
            newline_at(FINDING_DEPTH - 1, &mut self.buffer);
            self.buffer.extend_from_slice(EMPTY_END);
            self.out.write_all(&self.buffer)?;
        } else {
            self.out.write_all(&head)?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use listlint_core::model::Severity;

    fn finding(record: u64, text: Option<&str>) -> Finding {
        Finding {
            rule: Arc::from("absolute/superlative"),
            pack: Arc::from("cn-ad-absolutes"),
            category: Arc::from("absolute-terms"),
            severity: Severity::Error,
            message: "使用了「最好」\n\"quoted\"".into(),
            help: Some(Arc::from("删除")),
            suggestion: None,
            file: Arc::from("a.csv"),
            line: record + 1,
            record,
            listing_id: text.map(|_| format!("SKU-{record}")),
            field: text.map(|_| Arc::from("title")),
            start: text.map(|_| 0),
            end: text.map(|_| 2),
            text: text.map(str::to_owned),
            fingerprint: "0123456789abcdef0123456789abcdef".into(),
            reason: None,
            source: Some(Arc::from("最好")),
            value: 0,
            column: None,
            unsafe_fix: false,
        }
    }

    /// The document as [`write_document`] writes it in one call.
    fn whole(summary: &Summary, findings: &[Finding], config: Option<&str>) -> String {
        let mut out = Vec::new();
        write_document(&mut out, summary, findings, config).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn spooled(batches: &[&[Finding]], summary: &Summary, config: Option<&str>) -> String {
        let mut out = Vec::new();
        let mut reporter = JsonReporter::new(&mut out, config.map(str::to_owned)).unwrap();
        for batch in batches {
            reporter.findings(batch).unwrap();
        }
        reporter.finish(summary).unwrap();
        drop(reporter);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn spooled_document_is_the_whole_document_byte_for_byte() {
        let findings = [
            finding(1, Some("最好")),
            finding(2, None),
            finding(3, Some("x")),
        ];
        let mut summary = Summary::new();
        findings.iter().for_each(|f| summary.count(f));
        let expected = whole(&summary, &findings, None);
        assert_eq!(
            spooled(&[&findings[..1], &[], &findings[1..]], &summary, None),
            expected
        );
        assert_eq!(
            spooled(&[&findings], &summary, Some("listlint.yaml")),
            whole(&summary, &findings, Some("listlint.yaml"))
        );
    }

    #[test]
    fn a_run_without_findings_has_an_empty_list() {
        let summary = Summary::new();
        let out = spooled(&[&[]], &summary, None);
        assert_eq!(out, whole(&summary, &[], None));
        assert!(out.ends_with("\"findings\": []\n}\n"), "{out}");
    }
}
