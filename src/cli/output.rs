//! What commands print, and what happens when printing fails.
//!
//! A reader that goes away (`listlint … | head -1` closes the pipe) is not
//! an error: the rest of the output is dropped and the command ends with
//! the exit status it deserves (for `check`, the findings'). Any other
//! write failure (a full disk, `>/dev/full`) is a usage error, exit 2, with
//! a message. Nothing here panics on a failed write, as `println!` does.

use std::cell::Cell;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::rc::Rc;

use listlint_core::model::Severity;
use listlint_io::report::{Finding, Reporter, Summary, Suppressed};
use miette::{IntoDiagnostic, WrapErr};

/// Writes a one-line note to standard error. A standard error that cannot
/// be written to is not worth failing the command for: the note is lost.
pub(super) fn note(line: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(line).and_then(|()| err.write_all(b"\n"));
}

/// Whether the reader of an output went away; shared by the writer that
/// notices and whoever decides what to do about it.
#[derive(Debug, Clone, Default)]
pub(super) struct Closed(Rc<Cell<bool>>);

impl Closed {
    /// Whether a write found the pipe closed.
    pub fn get(&self) -> bool {
        self.0.get()
    }
}

/// Where a report goes: the file `path` (created) or standard output,
/// buffered, with a closed pipe noted in `closed` rather than failing.
pub(super) fn report_writer(
    path: Option<&Path>,
    closed: &Closed,
) -> miette::Result<Box<dyn Write>> {
    Ok(match path {
        Some(path) => Box::new(BufWriter::new(PipeAware::new(
            File::create(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot create {}", path.display()))?,
            closed.clone(),
        ))),
        None => Box::new(BufWriter::new(PipeAware::new(
            io::stdout().lock(),
            closed.clone(),
        ))),
    })
}

/// A writer that takes a closed pipe for the end of the output: once a
/// write fails with a broken pipe, it and everything after are dropped and
/// [`Closed`] is set. Other failures are returned.
pub(super) struct PipeAware<W> {
    inner: W,
    closed: Closed,
}

impl<W: Write> PipeAware<W> {
    /// Wraps `inner`; `closed` is set when its reader goes away.
    pub fn new(inner: W, closed: Closed) -> Self {
        Self { inner, closed }
    }

    fn absorb<T>(&self, result: io::Result<T>, dropped: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.0.set(true);
                Ok(dropped)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for PipeAware<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed.get() {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed.get() {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb(result, ())
    }
}

/// Standard output for the commands other than `check`, line-buffered as
/// `println!` is: `writeln!(out, …)?` fails with a message when standard
/// output cannot be written, and goes on quietly once its reader has gone.
/// Call [`Stdout::finish`] at the end: the last of the output is written
/// there.
pub(super) struct Stdout {
    out: PipeAware<io::StdoutLock<'static>>,
}

impl Stdout {
    /// Standard output, locked for the command.
    pub fn new() -> Self {
        Self {
            out: PipeAware::new(io::stdout().lock(), Closed::default()),
        }
    }

    /// Writes formatted text (what `write!` and `writeln!` call).
    pub fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> miette::Result<()> {
        self.out.write_fmt(args).map_err(write_failed)
    }

    /// Writes `text` as it is.
    pub fn write_str(&mut self, text: &str) -> miette::Result<()> {
        self.out.write_all(text.as_bytes()).map_err(write_failed)
    }

    /// Writes what is still buffered.
    pub fn finish(mut self) -> miette::Result<()> {
        self.out.flush().map_err(write_failed)
    }
}

/// Writes `text` to standard output, as [`Stdout`] does.
pub(super) fn print(text: &str) -> miette::Result<()> {
    let mut out = Stdout::new();
    out.write_str(text)?;
    out.finish()
}

fn write_failed(e: io::Error) -> miette::Report {
    miette::miette!("cannot write to standard output: {e}")
}

/// `check`'s reporter, once its output may be a closed pipe: findings are
/// passed on until the reader goes away; after that they are only looked
/// at, for the exit status. The run is stopped as soon as a finding at
/// `--fail-on` has been seen (exit 1 is certain then), unless it has to
/// run to the end anyway (`--write-baseline` records every finding);
/// without such a finding it runs to the end, so that exit 0 means no
/// finding at `--fail-on` anywhere in the input.
pub(super) struct UntilClosed<'a> {
    inner: Box<dyn Reporter + 'a>,
    closed: Closed,
    threshold: Option<Severity>,
    run_to_end: bool,
    failing: bool,
    stopped: bool,
}

impl<'a> UntilClosed<'a> {
    /// Wraps `inner`, whose output sets `closed`; `threshold` is
    /// `--fail-on`.
    pub fn new(
        inner: Box<dyn Reporter + 'a>,
        closed: Closed,
        threshold: Option<Severity>,
        run_to_end: bool,
    ) -> Self {
        Self {
            inner,
            closed,
            threshold,
            run_to_end,
            failing: false,
            stopped: false,
        }
    }

    /// Whether the run was stopped early: the output was closed and a
    /// finding at `--fail-on` had been seen.
    pub fn stopped(&self) -> bool {
        self.stopped
    }
}

impl Reporter for UntilClosed<'_> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        if let Some(threshold) = self.threshold {
            self.failing |= findings.iter().any(|f| f.severity >= threshold);
        }
        if !self.closed.get() {
            self.inner.findings(findings)?;
        }
        if self.closed.get() && self.failing && !self.run_to_end {
            self.stopped = true;
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the output was closed and a finding at --fail-on was reported",
            ));
        }
        Ok(())
    }

    fn suppressed(&mut self, findings: &[Suppressed]) -> io::Result<()> {
        if self.closed.get() {
            return Ok(());
        }
        self.inner.suppressed(findings)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.closed.get() {
            return Ok(());
        }
        self.inner.finish(summary)
    }
}
