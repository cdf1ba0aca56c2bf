//! `check --fix`, `--diff`, `--fix-to DIR`, `--unsafe-fixes`.
//!
//! A first pass checks the inputs and keeps the findings that carry a
//! suggestion; `listlint_io::fix` computes each input's corrected bytes;
//! this module writes them safely (a temporary file in the same folder,
//! synced, then renamed over the target, with the original's
//! permissions), or prints the diff. The check then runs again on the
//! written files, so the report shows what is left.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};

use super::output;
use listlint_core::linter::Linter;
use listlint_core::model::{Finding, Summary};
use listlint_core::policy::Gate;
use listlint_io::fix::{fix_input, is_fixable, unified_diff, FixOptions, SkipReason};
use listlint_io::report::Reporter;
use listlint_io::run::{run_check, CheckPlan};
use listlint_io::source::{Input, InputFormat};

/// The flags of fixing.
#[derive(Debug, Clone, Args, Default)]
pub struct FixArgs {
    /// Apply the rules' suggested replacements to the input files in place
    /// (safe ones only, unless --unsafe-fixes), then report what is left.
    /// Standard input is not fixed (use --diff).
    #[arg(long, conflicts_with_all = ["diff", "fix_to"])]
    pub fix: bool,

    /// Print what --fix would change, as a unified diff per file naming
    /// the record and field, and write nothing; exit 1 when there is
    /// something to fix. Works on standard input.
    #[arg(long, conflicts_with = "fix_to")]
    pub diff: bool,

    /// Write the corrected inputs into DIR (paths as given, below DIR),
    /// leaving the originals untouched, then report what is left in them.
    #[arg(long, value_name = "DIR")]
    pub fix_to: Option<PathBuf>,

    /// With --fix, --diff or --fix-to: apply suggestions that rules mark
    /// `fix: unsafe` too (a deletion, a change of meaning).
    #[arg(long)]
    pub unsafe_fixes: bool,
}

impl FixArgs {
    /// Whether any fixing was asked for.
    pub fn wanted(&self) -> bool {
        self.fix || self.diff || self.fix_to.is_some()
    }
}

/// How many not-applied fixes are listed one by one on standard error.
const LISTED: usize = 20;

/// What fixing did, for the closing note.
#[derive(Debug, Default)]
pub struct FixReport {
    applied: usize,
    files: usize,
    skipped: Vec<(Finding, SkipReason)>,
    /// Inputs that could not be fixed, and why.
    refused: Vec<(String, String)>,
    /// Whether --diff found something to change.
    pub changes: bool,
}

/// Keeps the fixable findings of the first pass.
struct Collect {
    findings: Vec<Finding>,
}

impl Reporter for Collect {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        self.findings
            .extend(findings.iter().filter(|f| is_fixable(f)).cloned());
        Ok(())
    }

    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Refuses to fix standard input in place or into a folder.
pub fn check_inputs(args: &FixArgs, paths: &[String]) -> miette::Result<()> {
    if (args.fix || args.fix_to.is_some()) && paths.iter().any(|p| p == "-") {
        miette::bail!(
            help = "give the file itself, or use --diff to see the fixes",
            "cannot fix standard input: there is no file to write the fixes to"
        );
    }
    if args.unsafe_fixes && !args.wanted() {
        miette::bail!("--unsafe-fixes goes with --fix, --diff or --fix-to");
    }
    Ok(())
}

/// Runs the first pass and applies (or shows) the fixes. With --fix-to,
/// `plan.inputs` becomes the written copies; standard input read for
/// --diff becomes a temporary file (kept in `stdin_copy`).
pub fn apply(
    args: &FixArgs,
    linter: &Linter,
    plan: &mut CheckPlan,
    pool: &rayon::ThreadPool,
    gate: &mut Gate,
    stdin_copy: &mut Option<tempfile::NamedTempFile>,
) -> miette::Result<FixReport> {
    let mut names: HashMap<String, String> = HashMap::new();
    if plan.inputs.contains(&Input::Stdin) {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .into_diagnostic()
            .wrap_err("cannot read standard input")?;
        let format = plan.read.format.unwrap_or(InputFormat::Jsonl);
        let mut copy = tempfile::Builder::new()
            .suffix(&format!(".{}", extension(format)))
            .tempfile()
            .into_diagnostic()?;
        copy.write_all(&bytes).into_diagnostic()?;
        let path = copy.path().to_path_buf();
        names.insert(path.display().to_string(), "<stdin>".to_owned());
        for input in &mut plan.inputs {
            if *input == Input::Stdin {
                *input = Input::File(path.clone());
            }
        }
        plan.read.format = Some(format);
        *stdin_copy = Some(copy);
    }
    let mut collect = Collect {
        findings: Vec::new(),
    };
    let first = CheckPlan {
        progress: false,
        read: listlint_io::source::ReadOptions {
            header_observer: None,
            ..plan.read.clone()
        },
        ..plan.clone()
    };
    run_check(linter.ruleset(), &first, pool, gate, &mut collect)?;
    // Findings by input: a workbook's carry `book.xlsx#Sheet`.
    let inputs: Vec<String> = plan.inputs.iter().map(Input::display_name).collect();
    let mut by_file: HashMap<&str, Vec<Finding>> = HashMap::new();
    for f in collect.findings {
        let input = inputs.iter().find(|name| {
            f.file
                .strip_prefix(name.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('#'))
        });
        if let Some(name) = input {
            by_file.entry(name.as_str()).or_default().push(f);
        }
    }
    let options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        encoding: plan.read.encoding,
        profile: plan.read.profile.clone(),
    };
    let mut report = FixReport::default();
    let mut written = Vec::new();
    for input in &plan.inputs {
        let Input::File(path) = input else {
            continue;
        };
        let name = input.display_name();
        let shown = names.get(&name).cloned().unwrap_or_else(|| name.clone());
        let findings = by_file.remove(name.as_str()).unwrap_or_default();
        let target = match &args.fix_to {
            Some(dir) => Some(dir.join(relative(path)?)),
            None => None,
        };
        if findings.is_empty() {
            if let Some(target) = &target {
                copy_into(path, target)?;
                written.push(Input::File(target.clone()));
            }
            continue;
        }
        let format = plan
            .read
            .format
            .or_else(|| InputFormat::from_path(path))
            .unwrap_or(InputFormat::Jsonl);
        let bytes = read_limited(path, plan.read.max_document_bytes)?;
        let fixed = match fix_input(&bytes, format, &findings, linter, &options) {
            Ok(fixed) => fixed,
            Err(e) => {
                report.refused.push((shown.clone(), e.to_string()));
                if let Some(target) = &target {
                    copy_into(path, target)?;
                    written.push(Input::File(target.clone()));
                }
                continue;
            }
        };
        report.applied += fixed.applied();
        report.skipped.extend(
            fixed
                .skipped()
                .filter_map(|e| e.skipped.clone().map(|r| (e.finding.clone(), r))),
        );
        if args.diff {
            let diff = unified_diff(&shown, &fixed);
            if !diff.is_empty() {
                report.changes = true;
                output::print(&diff)?;
            }
            continue;
        }
        if fixed.applied() > 0 {
            report.files += 1;
        }
        match &target {
            Some(target) => {
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir)
                        .into_diagnostic()
                        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
                }
                write_safely(target, &fixed.bytes, path)?;
                written.push(Input::File(target.clone()));
            }
            None if fixed.applied() > 0 => write_safely(path, &fixed.bytes, path)?,
            None => {}
        }
    }
    if args.fix_to.is_some() {
        plan.inputs = written;
    }
    Ok(report)
}

impl FixReport {
    /// Says on standard error what was fixed and what is left; `left` is
    /// the number of findings the check after fixing reported.
    pub fn note(&self, diff: bool, left: Option<u64>) {
        for (file, why) in &self.refused {
            output::note(format_args!("{file}: {why}"));
        }
        let (unsafe_count, others): (Vec<_>, Vec<_>) = self
            .skipped
            .iter()
            .partition(|(_, r)| *r == SkipReason::Unsafe);
        for (f, why) in others.iter().take(LISTED) {
            output::note(format_args!(
                "{}:{}: {} 「{}」 → 「{}」 not applied: {why}",
                f.file,
                f.line,
                f.field.as_deref().unwrap_or_default(),
                f.text.as_deref().unwrap_or_default(),
                f.suggestion.as_deref().unwrap_or_default(),
            ));
        }
        if others.len() > LISTED {
            output::note(format_args!(
                "… and {} more fixes not applied",
                others.len() - LISTED
            ));
        }
        let verb = if diff { "would apply" } else { "applied" };
        let mut line = format!(
            "{verb} {} {}",
            self.applied,
            plural(self.applied, "fix", "fixes")
        );
        if !diff {
            line.push_str(&format!(
                " in {} {}",
                self.files,
                plural(self.files, "file", "files")
            ));
        }
        if !unsafe_count.is_empty() {
            line.push_str(&format!(
                "; {} unsafe {} not applied (--unsafe-fixes applies them)",
                unsafe_count.len(),
                plural(unsafe_count.len(), "fix", "fixes")
            ));
        }
        if !others.is_empty() {
            line.push_str(&format!(
                "; {} {} not applied",
                others.len(),
                plural(others.len(), "fix", "fixes")
            ));
        }
        if let Some(left) = left {
            line.push_str(&format!(
                "; {left} {} left for a person",
                plural(left as usize, "finding", "findings")
            ));
        }
        output::note(format_args!("{line}"));
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The file extension that selects `format`.
fn extension(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Csv => "csv",
        InputFormat::Tsv => "tsv",
        InputFormat::Jsonl => "jsonl",
        InputFormat::Json => "json",
        InputFormat::Yaml => "yaml",
        InputFormat::Markdown => "md",
        InputFormat::Xlsx => "xlsx",
    }
}

/// `path` as a path below a --fix-to folder: as given, without its root
/// or `.`; a path that climbs out with `..` is refused.
fn relative(path: &Path) -> miette::Result<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => miette::bail!(
                help = "run listlint from a folder above the inputs, or give their absolute paths",
                "--fix-to cannot place {} below its folder: the path climbs out with `..`",
                path.display()
            ),
        }
    }
    Ok(out)
}

/// Reads a file to fix, at most `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> miette::Result<Vec<u8>> {
    let size = fs::metadata(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?
        .len();
    if size > limit {
        miette::bail!(
            help = "raise --max-document-bytes to fix it",
            "{} is larger than {limit} bytes (--max-document-bytes): too large to fix in memory",
            path.display()
        );
    }
    fs::read(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))
}

/// Copies an input with nothing to fix into the --fix-to folder.
fn copy_into(path: &Path, target: &Path) -> miette::Result<()> {
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    }
    let bytes = fs::read(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    write_safely(target, &bytes, path)
}

/// Writes `bytes` to `target` without ever leaving it half written: a
/// temporary file in the same folder is written, synced and renamed over
/// it, with the permissions of `like` (the original). If anything fails
/// (or the process is killed) before the rename, `target` is as it was.
fn write_safely(target: &Path, bytes: &[u8], like: &Path) -> miette::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |what: &str| {
        format!(
            "cannot write {} ({what}); it was left as it was",
            target.display()
        )
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".listlint-fix-")
        .tempfile_in(dir)
        .into_diagnostic()
        .wrap_err_with(|| fail("no temporary file in its folder"))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .into_diagnostic()
        .wrap_err_with(|| fail("writing the temporary file"))?;
    if let Ok(meta) = fs::metadata(like) {
        fs::set_permissions(temp.path(), meta.permissions())
            .into_diagnostic()
            .wrap_err_with(|| fail("setting its permissions"))?;
    }
    temp.persist(target)
        .map_err(|e| e.error)
        .into_diagnostic()
        .wrap_err_with(|| fail("renaming the temporary file over it"))?;
    // The rename itself reaches the disk with the folder.
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}
