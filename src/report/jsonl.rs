//! `--format jsonl`: one finding object per line, written as it arrives.

use std::io::{self, Write};

use super::{Finding, Reporter, Summary};

/// Streams findings as JSON Lines.
pub struct JsonlReporter<W: Write> {
    out: W,
}

impl<W: Write> JsonlReporter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self { out }
    }
}

impl<W: Write> Reporter for JsonlReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        for finding in findings {
            serde_json::to_writer(&mut self.out, finding)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
