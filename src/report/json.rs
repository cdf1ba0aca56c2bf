//! `--format json`: one document with the summary and every finding.

use std::io::{self, Write};

use serde::Serialize;

use super::{Finding, Reporter, Summary};

/// Collects findings and writes one JSON document at the end.
pub struct JsonReporter<W: Write> {
    out: W,
    findings: Vec<Finding>,
}

impl<W: Write> JsonReporter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            findings: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
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
        self.findings.extend(findings.iter().map(|f| Finding {
            source: None,
            ..f.clone()
        }));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let doc = Document {
            version: 1,
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            summary,
            findings: &self.findings,
        };
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
