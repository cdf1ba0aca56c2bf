//! Saved reports (see `listlint_io::cache::SavedReport`): what a report's
//! bytes depend on besides the files checked, capturing them as a run
//! writes them, and writing them again for a run whose files are all
//! unchanged.
//!
//! A report is saved and reused only when nothing but the files, the
//! cache fingerprint and the flags decides its bytes and the exit status.
//! Not for xlsx (the workbook records when it was made), fixing,
//! `--write-baseline` and `--report-suppressions` (they need the findings
//! themselves), `--price-history` or standard input.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use listlint_core::settings::Settings;
use listlint_io::cache::{Outcome, ReportKey, SavedReport};
use listlint_io::report::OutputFormat;
use miette::{IntoDiagnostic, WrapErr};

use super::CheckArgs;
use crate::cli::output;
use crate::exit::ExitStatus;

/// The key of the report this run would write under the cache
/// `fingerprint`, if its report may be saved and reused; `color`: whether
/// it is coloured.
pub(super) fn report_key(
    args: &CheckArgs,
    color: bool,
    settings: &Settings,
    fingerprint: &str,
) -> Option<ReportKey> {
    if args.no_cache
        || args.format == OutputFormat::Xlsx
        || args.fixing.wanted()
        || args.write_baseline.is_some()
        || args.report_suppressions
        || !args.price_history.is_empty()
        || args.paths.iter().any(|p| p == "-")
    {
        return None;
    }
    // Every flag, but those that change neither the report nor the exit
    // status.
    let mut flags = args.clone();
    flags.jobs = None;
    flags.verbose = false;
    flags.quiet = false;
    flags.cache_dir = None;
    let flags = format!("{flags:?}");
    let cwd = std::env::current_dir().ok()?;
    // `--baseline`: which findings are known, and its stale entries.
    let baseline = match &args.baseline {
        Some(path) => std::fs::read(path).ok()?,
        None => Vec::new(),
    };
    let docs = documented_packs(settings);
    Some(ReportKey::new(
        fingerprint,
        [
            ("flags", flags.as_bytes()),
            ("color", &[u8::from(color)][..]),
            ("cwd", cwd.as_os_str().as_encoded_bytes()),
            ("baseline", &baseline),
            ("docs", docs.as_bytes()),
        ],
    ))
}

/// With a `docs_url` in the config, the pages in `docs/rules/` beside the
/// config file, which decide which rules' reports link to them.
fn documented_packs(settings: &Settings) -> String {
    let Some(config) = &settings.config else {
        return String::new();
    };
    if config.config.docs_url.is_none() {
        return String::new();
    }
    let dir = config
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut names: Vec<String> = std::fs::read_dir(dir.join("docs").join("rules"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.join("\n")
}

/// A copy of the bytes written to a report, up to
/// [`listlint_io::cache::MAX_REPORT_BYTES`]; `None` once over it.
#[derive(Clone)]
pub(super) struct Captured(Rc<RefCell<Option<Vec<u8>>>>);

impl Captured {
    pub(super) fn new() -> Self {
        Self(Rc::new(RefCell::new(Some(Vec::new()))))
    }

    /// The bytes captured, unless there were too many.
    pub(super) fn take(&self) -> Option<Vec<u8>> {
        self.0.borrow_mut().take()
    }
}

/// A writer that keeps a copy of what it writes in a [`Captured`].
pub(super) struct Tee<W> {
    inner: W,
    captured: Captured,
}

impl<W: Write> Tee<W> {
    pub(super) fn new(inner: W, captured: Captured) -> Self {
        Self { inner, captured }
    }
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        let mut captured = self.captured.0.borrow_mut();
        if let Some(bytes) = captured.as_mut() {
            if bytes.len() + n > listlint_io::cache::MAX_REPORT_BYTES {
                *captured = None;
            } else {
                bytes.extend_from_slice(&buf[..n]);
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a saved report where this run's report goes (`-o`, or standard
/// output; a closed pipe ends it), with the note a run that checked would
/// add, and returns its exit status. `captured`: a copy of the bytes, to
/// save again.
pub(super) fn write_saved(
    saved: SavedReport,
    args: &CheckArgs,
    captured: Option<&Captured>,
) -> miette::Result<ExitStatus> {
    let outcome = saved.outcome();
    let result = match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot create {}", path.display()))?;
            copy(saved, file, captured)
        }
        None => copy(saved, io::stdout().lock(), captured),
    };
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).into_diagnostic().wrap_err("cannot write the report"),
    }
    Ok(finish(args, outcome))
}

fn copy(saved: SavedReport, out: impl Write, captured: Option<&Captured>) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(256 << 10, out);
    match captured {
        Some(captured) => saved.copy_to(&mut Tee::new(&mut out, captured.clone()))?,
        None => saved.copy_to(&mut out)?,
    }
    out.flush()
}

/// The closing note and the exit status of a run with `outcome`.
pub(super) fn finish(args: &CheckArgs, outcome: Outcome) -> ExitStatus {
    if outcome.stale_baseline > 0 && args.format != OutputFormat::Human {
        output::note(format_args!(
            "{} baseline entries no longer occur (fixed since the baseline was written)",
            outcome.stale_baseline
        ));
    }
    if outcome.failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
