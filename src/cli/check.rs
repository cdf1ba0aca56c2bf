//! `listlint check`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use listlint_core::history::orders::{HistoryProfile, HISTORY_PROFILE_NAMES};
use listlint_core::listing::profile::PROFILE_NAMES;
use miette::{IntoDiagnostic, WrapErr};

use super::output::{self, Closed, UntilClosed};
use super::overwrite::{self, ReadFile, WrittenFile};
use super::rules::PackArgs;
use super::ColorChoice;
use crate::exit::ExitStatus;
use listlint_core::baseline::{self, Baseline};
use listlint_core::config::{self, LoadedConfig};
use listlint_core::date::Date;
use listlint_core::linter::Linter;
use listlint_core::model::Severity;
use listlint_core::policy::{Gate, PathIgnores, Waivers};
use listlint_core::settings::{Overrides, Settings};
use listlint_io::cache::{FileState, Outcome, ReportKey, ResultCache};
use listlint_io::progress::BytesRead;
use listlint_io::report::{
    reporter, HumanOptions, Language, OutputFormat, ReportOptions, RuleInfo, Statistics,
};
use listlint_io::run::{run_check_cached, CheckError, CheckPlan};
use listlint_io::source::{
    expand_inputs_noting_skipped, HeaderMapping, HeaderObserver, Input, InputEncoding, InputFormat,
    ReadOptions, WalkFilter, XlsxLimits,
};
use listlint_io::terminal::escape_line;

mod cache;
mod reuse;

/// Arguments of `listlint check`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  listlint check fixtures/listings.csv\n  \
    listlint check --format json -o report.json exports/\n  \
    listlint check --format html -o report.html exports/\n  \
    listlint check --format xlsx -o report.xlsx exports/\n  \
    listlint check --select absolute/ --fail-on warning listings.jsonl\n  \
    listlint check --diff exports/tmall.csv\n  \
    listlint check --fix exports/\n  \
    cat listings.jsonl | listlint check -")]
pub struct CheckArgs {
    /// Files or folders to check; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format (`--output-format` is accepted too).
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub packs: PackArgs,

    /// Fail (exit 1) when a finding has at least this severity (default:
    /// the config file's `fail_on`, else error).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Use this config file instead of the nearest `listlint.yaml` upwards
    /// from the working directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Threads that check listings (default, or 0: all cores). Reading
    /// runs on a thread of its own; with one checking thread, findings are
    /// written on another and the reader also parses JSON records; with
    /// more, one of them writes findings between batches (unless the
    /// result cache is in use). At most 4 per available core:
    /// more only cost memory (each holds batches in flight), so a larger
    /// N is capped with a note on standard error.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// The date time-based checks treat as today, e.g. certificate expiry
    /// (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Transaction prices for original-price checks (repeatable): CSV or
    /// JSON Lines with `id`, `date` (YYYY-MM-DD or RFC 3339) and `price`;
    /// or order exports (Shopify orders CSV, Taobao/Tmall 订单报表 and
    /// 宝贝报表), recognised by their headers; or earlier listing exports
    /// with --history-profile snapshots. See docs/usage.md, "Price history".
    #[arg(long, value_name = "FILE")]
    pub price_history: Vec<PathBuf>,

    /// What the --price-history files are: sales (`id,date,price`),
    /// shopify-orders, taobao-orders, or snapshots (earlier listing
    /// exports, a file or folder each, dated by a date column or a date in
    /// the file name: their listed prices stand in for transaction prices,
    /// and findings built on them say so). Default: order exports are
    /// recognised by their headers, anything else is sales.
    #[arg(long, value_name = "NAME", value_parser = PossibleValuesParser::new(HISTORY_PROFILE_NAMES))]
    pub history_profile: Option<String>,

    /// Field-mapping profile: generic (SPEC aliases), shopify (product CSV;
    /// variant rows grouped by Handle) or taobao (淘宝助理 data package).
    #[arg(long, value_name = "NAME", value_parser = PossibleValuesParser::new(PROFILE_NAMES))]
    pub profile: Option<String>,

    /// Map an input header to a field: `--map title=商品名` (repeatable;
    /// wins over the profile's aliases).
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = parse_map)]
    pub maps: Vec<(String, String)>,

    /// Report (and fail on) only findings not in this baseline file; say
    /// how many of its entries no longer occur.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record this run's findings as a baseline file (by fingerprint).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Count findings per rule and category (after the summary; in JSON,
    /// `summary.by_rule`). Human output prints the table without it when
    /// there are more than 50 findings.
    #[arg(long, conflicts_with = "no_statistics")]
    pub statistics: bool,

    /// No per-rule table at the end of human output, however many
    /// findings there are.
    #[arg(long)]
    pub no_statistics: bool,

    /// Show only findings at or above this severity, in every format
    /// (default: the config file's `min_severity`, else all). Hidden
    /// findings still count for --fail-on, and the summary says how many
    /// there are.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<MinSeverity>,

    /// Human output: show at most N findings of one rule in one file,
    /// then one line saying how many more there are (0: show all; the
    /// other formats always have every finding).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_per_rule: u64,

    /// Report a certificate (`require`) rule once per listing even when
    /// the file's header has no column for its value (by default such a
    /// rule reports once for the file, at info, saying which column is
    /// missing and how to map it). Same as `collapse: false` in the
    /// config file.
    #[arg(long)]
    pub no_collapse: bool,

    /// Keep the result cache of catalog files (one listing per YAML or
    /// Markdown file) in DIR (default: `.listlint_cache` in the repository
    /// root, else in the working directory). A file whose name and bytes
    /// were checked before under the same packs, config, flags and date is
    /// not parsed or checked again (nor read, when its size, times and
    /// inode are those recorded); when every file is in the cache, the
    /// packs are not compiled either, and when no file changed since a run
    /// with the same flags, its saved report is written again. The
    /// automaton built from the packs' terms is kept there too and read
    /// back by the next run with the same terms (start-up). Output is the
    /// same. See docs/ci.md.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Neither read nor write the result cache (nor the kept automaton).
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,

    /// After the report, list every inline suppression of the catalog
    /// files checked (`# listlint: ignore[RULE] REASON`) with its file,
    /// line, listing, reason and how many findings it suppressed (to
    /// stderr).
    #[arg(long)]
    pub report_suppressions: bool,

    /// Print how each CSV/TSV file's headers map to fields, the config
    /// file used, and the files folder walks skip because they are not
    /// regular files (to stderr).
    #[arg(short, long)]
    pub verbose: bool,

    /// No progress bar (it is drawn only on a terminal, for inputs of 8 MB
    /// or more).
    #[arg(short, long)]
    pub quiet: bool,

    /// In folders, check only files matching this glob (repeatable;
    /// matched against the path below the folder and the file name).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// In folders, skip files and folders matching this glob (repeatable).
    /// README*, CHANGELOG*, CONTRIBUTING*, LICENSE*, listlint.yaml and
    /// *.test.yaml are skipped unless --include names them.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Folder walks honour no `.gitignore`, `.ignore` or `.listlintignore`
    /// files (they do by default; files named on the command line are
    /// always read).
    #[arg(long)]
    pub no_ignore: bool,

    /// Apply --exclude (and the config's `exclude`) and the default
    /// excludes (README*, listlint.yaml …) to files named on the command
    /// line too, and leave out the config file and the loaded pack files:
    /// for hooks that pass every staged file (ignore files still apply to
    /// folder walks only).
    /// A run left with no input then succeeds with nothing to check.
    #[arg(long)]
    pub force_exclude: bool,

    /// Check only the listing files that differ from this git ref
    /// (committed, staged or not, and untracked files not ignored), or
    /// every file when the config file or a loaded pack file changed. A
    /// run left with no input succeeds with nothing to check.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,

    /// With --format sarif, also write the findings a waiver or the
    /// baseline hides, marked as suppressed (kind external, with the
    /// waiver's reason, approver and expiry), instead of leaving them out.
    #[arg(long)]
    pub sarif_suppressed: bool,

    /// Read only this sheet of XLSX workbooks (default: every sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The most any one part of an XLSX workbook (a sheet's XML, the
    /// shared strings) may decompress to, and the most text all cells of
    /// one workbook may hold (a shared string counts for every cell that
    /// shows it). A part over it is not read (its sheet, or the whole
    /// workbook if it is not a sheet's), nor the cells past it: an
    /// `input/limit-exceeded` finding says so. Sizes are bytes or a number
    /// with K, M or G.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = super::rules::parse_size)]
    pub max_xlsx_bytes: u64,

    /// The most text one XLSX cell may hold; a longer cell is an
    /// `input/limit-exceeded` finding and its field is not checked (Excel
    /// itself keeps at most 32,767 characters in a cell).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = super::rules::parse_size)]
    pub max_xlsx_cell_bytes: u64,

    /// Text encoding of the inputs: detected from a byte-order mark, else
    /// UTF-8 when valid, else GB18030 (which reads GBK); or forced.
    #[arg(long, value_enum, default_value_t = InputEncoding::Auto)]
    pub encoding: InputEncoding,

    /// Read inputs as this format regardless of their extension (standard
    /// input defaults to jsonl).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// The most bytes one CSV/TSV record, JSON Lines line or catalog file
    /// (YAML, Markdown: one listing each) may have
    /// (suffixes K, M, G: KiB, MiB, GiB; default 16M). A larger one is
    /// skipped without being held in memory and reported as an
    /// `input/record-too-large` finding; a quoted field still open at the
    /// limit is taken as a quote never closed (`input/unterminated-quote`),
    /// and reading resumes on the line after the one it opened on.
    #[arg(long, value_name = "SIZE", value_parser = super::rules::parse_size, default_value = "16M")]
    pub max_record_bytes: u64,

    /// The most bytes a JSON document or an XLSX workbook may have: both
    /// are read whole (a catalog file, one listing, is held to
    /// --max-record-bytes). A larger file is an `input/limit-exceeded`
    /// finding and is not read; the other inputs are checked.
    #[arg(long, value_name = "SIZE", value_parser = super::rules::parse_size, default_value = "512M")]
    pub max_document_bytes: u64,

    #[command(flatten)]
    pub fixing: super::fix::FixArgs,
}

pub(super) fn parse_map(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((field, header)) if !field.trim().is_empty() && !header.trim().is_empty() => {
            Ok((field.trim().to_owned(), header.trim().to_owned()))
        }
        _ => Err(format!("`{text}` is not FIELD=HEADER (e.g. title=商品名)")),
    }
}

pub(super) fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date (expected YYYY-MM-DD)"))
}

/// The `--min-severity` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Everything.
    Info,
}

impl From<MinSeverity> for Severity {
    fn from(m: MinSeverity) -> Self {
        match m {
            MinSeverity::Error => Severity::Error,
            MinSeverity::Warning => Severity::Warning,
            MinSeverity::Info => Severity::Info,
        }
    }
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail on errors.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
    /// Never fail because of findings.
    Never,
}

impl From<FailOn> for listlint_core::settings::FailOn {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Error => Self::Error,
            FailOn::Warning => Self::Warning,
            FailOn::Info => Self::Info,
            FailOn::Never => Self::Never,
        }
    }
}

/// The catalog URL of a rule: `docs_url` + `PACK.md#anchor`, for a
/// built-in pack, or for another pack when `listlint rules doc --rules …`
/// wrote its page (`PACK.md`) into `docs/rules/` beside the config file.
fn help_uri(
    docs_url: Option<&str>,
    config_dir: Option<&std::path::Path>,
    pack: &str,
    rule: &str,
) -> Option<String> {
    let base = docs_url?;
    let builtin = listlint_core::pack::builtin_names().any(|name| name == pack);
    let documented = || {
        config_dir.is_some_and(|dir| {
            dir.join("docs")
                .join("rules")
                .join(format!("{pack}.md"))
                .is_file()
        })
    };
    if !builtin && !documented() {
        return None;
    }
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!(
        "{base}{slash}{pack}.md#{}",
        super::rules::doc::anchor(rule)
    ))
}

/// The config file `check` uses: `--config`, else the nearest
/// `listlint.yaml` upwards from the working directory (noted with `-v`).
fn config_file(args: &CheckArgs) -> miette::Result<Option<LoadedConfig>> {
    let path = match &args.config {
        Some(path) => {
            if args.verbose {
                eprintln!("config: {} (--config)", path.display());
            }
            Some(path.clone())
        }
        None => {
            let cwd = std::env::current_dir().into_diagnostic()?;
            let found = config::discover(&cwd);
            super::note_ignored_configs(&found);
            if args.verbose {
                eprintln!("{}", found.describe(&cwd));
            }
            found.path
        }
    };
    Ok(path.as_deref().map(config::load).transpose()?)
}

/// `--force-exclude`: the paths without the files named directly that
/// `--exclude` or a default exclude leaves out, the config file and the
/// pack files (`watched`).
fn forced_excludes(paths: &[String], walk: &WalkFilter, watched: &[PathBuf]) -> Vec<String> {
    let same = |a: &std::path::Path, b: &std::path::Path| {
        a == b
            || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b || a.starts_with(&b))
    };
    paths
        .iter()
        .filter(|raw| {
            let path = std::path::Path::new(raw.as_str());
            if raw.as_str() == "-" || path.is_dir() {
                return true;
            }
            !walk.excludes_named_file(path) && !watched.iter().any(|w| same(path, w))
        })
        .cloned()
        .collect()
}

/// `--changed-since REF`: the inputs that differ from REF, or all of them
/// when the config file or a pack file changed.
fn changed_inputs(
    reference: &str,
    inputs: Vec<Input>,
    watched: &[PathBuf],
    verbose: bool,
) -> miette::Result<Vec<Input>> {
    let cwd = std::env::current_dir().into_diagnostic()?;
    let changed = listlint_io::changed::ChangedFiles::since(&cwd, reference)?;
    if let Some(cause) = watched.iter().find(|w| changed.touches(w)) {
        if verbose {
            output::note(format_args!(
                "note: {} changed since {reference}: checking every file",
                cause.display()
            ));
        }
        return Ok(inputs);
    }
    let all = inputs.len();
    let kept = changed.retain(inputs);
    if verbose {
        output::note(format_args!(
            "note: --changed-since {reference}: {} of {all} files changed",
            kept.len()
        ));
    }
    Ok(kept)
}

/// The flags as overrides of the config file's settings.
fn overrides(args: &CheckArgs) -> Overrides {
    Overrides {
        rules: args.packs.rules.clone(),
        no_default_rules: args.packs.no_default_rules,
        select: args.packs.select.clone(),
        ignore: args.packs.ignore.clone(),
        profile: args.profile.clone(),
        maps: args.maps.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        fail_on: args.fail_on.map(Into::into),
        no_collapse: args.no_collapse,
        min_severity: args.min_severity.map(Into::into),
    }
}

/// A pool of `threads` threads.
fn thread_pool(threads: usize) -> miette::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .into_diagnostic()
        .wrap_err("cannot start worker threads")
}

/// The pool of every checking thread, started when first asked for: the
/// result cache's look at catalog files and runs that keep the whole pool
/// need it; a run over exports whose calling thread checks too starts
/// only the smaller one.
pub(super) struct FullPool {
    threads: usize,
    pool: std::cell::OnceCell<rayon::ThreadPool>,
}

impl FullPool {
    fn new(threads: usize) -> Self {
        Self {
            threads,
            pool: std::cell::OnceCell::new(),
        }
    }

    /// The pool, started now if it was not yet.
    pub(super) fn get(&self) -> miette::Result<&rayon::ThreadPool> {
        if let Some(pool) = self.pool.get() {
            return Ok(pool);
        }
        let pool = thread_pool(self.threads)?;
        Ok(self.pool.get_or_init(|| pool))
    }
}

/// Most checking threads per available core `--jobs` may ask for.
const JOBS_PER_CORE: usize = 4;

/// The number of checking threads for `--jobs` (0: rayon's default,
/// `RAYON_NUM_THREADS` or else one per core): capped at [`JOBS_PER_CORE`]
/// per available core, with a note.
fn worker_threads(jobs: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let requested = jobs.unwrap_or(0);
    if requested == 0 {
        return std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(cores);
    }
    let most = cores.saturating_mul(JOBS_PER_CORE);
    if requested <= most {
        return requested;
    }
    output::note(format_args!(
        "note: --jobs {requested} capped to {most} threads ({JOBS_PER_CORE} per available core, {cores} cores)"
    ));
    most
}

/// The inputs without output files a folder walk found; an error when an
/// output would overwrite a file the run reads (see [`overwrite`]).
fn guard_outputs(
    args: &CheckArgs,
    settings: &Settings,
    inputs: Vec<Input>,
) -> miette::Result<Vec<Input>> {
    let written: Vec<WrittenFile<'_>> = [
        ("-o", args.output.as_deref()),
        ("--write-baseline", args.write_baseline.as_deref()),
    ]
    .into_iter()
    .filter_map(|(flag, path)| path.map(|path| WrittenFile { flag, path }))
    .collect();
    let read: Vec<ReadFile<'_>> = [
        ("--baseline", args.baseline.as_deref()),
        ("config", settings.config.as_ref().map(|c| c.path.as_path())),
    ]
    .into_iter()
    .chain(
        args.price_history
            .iter()
            .map(|p| ("--price-history", Some(p.as_path()))),
    )
    .filter_map(|(flag, path)| path.map(|path| ReadFile { flag, path }))
    .collect();
    overwrite::guard(&args.paths, inputs, &written, &read)
}

/// `-v`: each CSV/TSV file's headers and the fields they map to, on
/// standard error (control characters escaped; lost, not a panic, if
/// standard error is closed).
fn print_header_mapping() -> HeaderObserver {
    HeaderObserver(Arc::new(|mapping: &HeaderMapping| {
        let pairs: Vec<String> = mapping
            .columns
            .iter()
            .map(|(header, field)| {
                if **header == **field {
                    escape_line(header).into_owned()
                } else {
                    format!("{} → {field}", escape_line(header))
                }
            })
            .collect();
        let _ = writeln!(
            io::stderr().lock(),
            "{} ({} profile): {}",
            escape_line(&mapping.file),
            mapping.profile,
            pairs.join(", ")
        );
    }))
}

/// The policy between the engine and a report: the baseline, waivers and
/// per-path ignores of the config.
fn gate(
    settings: &Settings,
    as_of: Date,
    baseline: Option<Baseline>,
    recorded: Option<Vec<baseline::Entry>>,
    statistics: bool,
) -> miette::Result<Gate> {
    Ok(Gate {
        baseline,
        recorded,
        statistics,
        waivers: settings
            .config
            .as_ref()
            .map(|c| Waivers::new(c, as_of))
            .unwrap_or_default(),
        per_path: settings
            .config
            .as_ref()
            .map(|c| PathIgnores::new(&c.config.per_path_ignores))
            .transpose()?
            .unwrap_or_default(),
        suppressed: None,
        min_severity: None,
    })
}

/// Notes what the price-history files were read as (with `-v`) and the
/// rows that are not sales, by reason.
fn note_history(loaded: &listlint_io::order_history::LoadedHistories, verbose: bool) {
    if verbose {
        for (file, kind) in &loaded.files {
            output::note(format_args!(
                "price history: {} read as {}",
                escape_line(file),
                kind.name()
            ));
        }
    }
    if !loaded.excluded.is_empty() {
        let reasons: Vec<String> = loaded
            .excluded
            .iter()
            .map(|(reason, n)| format!("{reason} {n}"))
            .collect();
        output::note(format_args!(
            "price history: rows that are not sales were left out ({})",
            reasons.join(", ")
        ));
    }
}

/// Runs `listlint check`.
pub fn run(args: &CheckArgs, color: ColorChoice) -> miette::Result<ExitStatus> {
    if args.format.is_binary() && args.output.is_none() && io::stdout().is_terminal() {
        miette::bail!(
            help = "write it to a file: -o report.xlsx (or redirect: > report.xlsx)",
            "--format xlsx writes a binary workbook, not text for a terminal"
        );
    }
    if args.sarif_suppressed && args.format != OutputFormat::Sarif {
        miette::bail!(
            help = "add --format sarif, or leave out --sarif-suppressed",
            "--sarif-suppressed applies to --format sarif only"
        );
    }
    super::fix::check_inputs(&args.fixing, &args.paths)?;
    let mut settings = Settings::resolve(config_file(args)?, overrides(args))?;
    settings.as_of = args.as_of;
    if !args.no_cache {
        // The built automaton is kept beside the results for the next run
        // (a folder that cannot be made only costs building it each run).
        let dir = cache::cache_dir(args);
        if listlint_io::cache::prepare_dir(&dir).is_ok() {
            settings.packs.automaton_cache = Some(dir);
        }
    }
    let checkers = worker_threads(args.jobs);
    let full_pool = FullPool::new(checkers);
    // A run whose every file the result cache holds compiles no packs.
    let early = match cache::all_cached(args, color, &settings, &full_pool)? {
        cache::Early::Reused(status) => return Ok(status),
        cache::Early::AllCached(run) => return run.finish(args, color, &settings),
        cache::Early::Partly(early) => Some((early.inputs, Some(early.cache))),
        cache::Early::Compile(inputs) => Some((inputs, None)),
        cache::Early::Unknown => None,
    };
    let mut linter =
        Linter::new(settings.clone())?.keeping_sources(args.format.shows_field_values());
    if args.verbose {
        super::rules::note_skipped(linter.skipped_pack_files());
    }
    let profile = settings.field_profile()?;
    let mut history_problems = Vec::new();
    if !args.price_history.is_empty() {
        let kind = args
            .history_profile
            .as_deref()
            .and_then(HistoryProfile::from_name);
        let read = ReadOptions {
            encoding: args.encoding,
            profile: Arc::new(profile.clone()),
            sheet: args.sheet.clone(),
            max_record_bytes: usize::try_from(args.max_record_bytes).unwrap_or(usize::MAX),
            max_document_bytes: args.max_document_bytes,
            ..ReadOptions::default()
        };
        let loaded = listlint_io::order_history::load_histories(&args.price_history, kind, &read)?;
        note_history(&loaded, args.verbose);
        linter = linter.with_price_history(loaded.history);
        history_problems = loaded.problems;
    }
    let ruleset = linter.ruleset();
    if args.verbose {
        output::note(format_args!("profile: {}", profile.name));
    }
    let (inputs, mut cache) = match early {
        Some(early) => early,
        None => (inputs(args, &settings)?, None),
    };
    // With two or more checking threads and no result cache, this thread
    // is one of them (it checks batches between writing findings), and a
    // pool of one thread fewer checks the rest. A run with the result
    // cache (open already, or opened below for catalog files) keeps the
    // whole pool, which also reads and hashes the files the cache looks
    // up, in parallel.
    let uses_cache = cache.is_some()
        || (!args.no_cache && listlint_io::cache::any_catalog(&inputs, args.input_format));
    let caller_checks = checkers >= 2 && !uses_cache;
    let smaller_pool = if caller_checks {
        Some(thread_pool(checkers - 1)?)
    } else {
        None
    };
    let pool = match &smaller_pool {
        Some(pool) => pool,
        None => full_pool.get()?,
    };
    // Loaded before the report file is created, so that a baseline that
    // cannot be read leaves it as it was.
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let mut plan = CheckPlan {
        inputs,
        read: ReadOptions {
            text_fields: ruleset.scan_fields.iter().cloned().collect(),
            header_observer: args.verbose.then(print_header_mapping),
            place_values: args.format.points_at_columns(),
            ..read_options(args, profile)
        },
        progress: !args.quiet && io::stderr().is_terminal(),
        filter: settings.packs.filter(),
        history_problems,
        caller_checks,
    };
    // Fixes are applied (or shown) before the report is opened; the check
    // below then reports what is left.
    let mut stdin_copy = None;
    let fixed = if args.fixing.wanted() {
        let mut first = gate(
            &settings,
            ruleset.settings.as_of,
            baseline.clone(),
            None,
            false,
        )?;
        Some(super::fix::apply(
            &args.fixing,
            &linter,
            &mut plan,
            pool,
            &mut first,
            &mut stdin_copy,
        )?)
    } else {
        None
    };
    if let (true, Some(fixed)) = (args.fixing.diff, &fixed) {
        fixed.note(true, None);
        return Ok(if fixed.changes {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        });
    }
    let rules = RuleInfo::of_ruleset(ruleset);
    let language = Language::of_messages(
        ruleset
            .rules
            .iter()
            .map(|r| r.message.literal_text().collect::<String>()),
    );
    // Only catalog files are cached: a run over exports alone keeps none.
    if cache.is_none()
        && !args.no_cache
        && listlint_io::cache::any_catalog(&plan.inputs, plan.read.format)
    {
        cache = Some(cache::result_cache(
            args,
            &settings,
            linter.pack_digest(),
            ruleset.settings.as_of,
        )?);
    }
    if let Some(cache) = &mut cache {
        cache.set_rules(&rules, language);
    }
    // Only a run over catalog files alone can be answered from a saved
    // report; others do not hold their output to save it.
    let saving = cache
        .as_ref()
        .filter(|_| listlint_io::cache::keeps_all(&plan.inputs, plan.read.format))
        .and_then(|c| {
            reuse::report_key(args, color_enabled(args, color), &settings, c.fingerprint())
        });
    let mut report = Report::open(args, color, &settings, rules, language, saving)?;
    let mut gate = report.gate(args, &settings, ruleset.settings.as_of, baseline)?;
    if let (true, Some(cache)) = (args.verbose, &cache) {
        output::note(format_args!("cache: {} entries read", cache.entries()));
    }
    let result = run_check_cached(
        ruleset,
        &plan,
        pool,
        &mut gate,
        &mut report.reporter,
        cache.as_ref(),
    );
    let inputs = &plan.inputs;
    report.finish(args, &settings, result, gate, cache, fixed.as_ref(), inputs)
}

/// Whether the report is coloured: `--color`, and for `auto` whether it
/// goes to a terminal.
fn color_enabled(args: &CheckArgs, color: ColorChoice) -> bool {
    color.enabled(args.output.is_none() && io::stdout().is_terminal())
}

/// How inputs are read, from the flags (`profile`: the field mapping).
fn read_options(
    args: &CheckArgs,
    profile: listlint_core::listing::profile::Profile,
) -> ReadOptions {
    ReadOptions {
        format: args.input_format,
        encoding: args.encoding,
        profile: Arc::new(profile),
        sheet: args.sheet.clone(),
        xlsx_limits: XlsxLimits {
            max_bytes: args.max_xlsx_bytes,
            max_cell_bytes: args.max_xlsx_cell_bytes,
            max_file_bytes: args.max_document_bytes,
        },
        bytes_read: BytesRead::default(),
        max_record_bytes: usize::try_from(args.max_record_bytes).unwrap_or(usize::MAX),
        max_document_bytes: args.max_document_bytes,
        ..ReadOptions::default()
    }
}

/// The inputs of the run: the paths with folders walked (`--include`,
/// `--exclude`, ignore files, `--force-exclude`, `--changed-since`),
/// without the output files (see [`guard_outputs`]).
fn inputs(args: &CheckArgs, settings: &Settings) -> miette::Result<Vec<Input>> {
    let mut walk = WalkFilter::new(&settings.include, &settings.exclude)?;
    if args.no_ignore {
        walk = walk.without_ignore_files();
    }
    // The config file and the pack files: never listings, and a change to
    // one of them changes every file's findings.
    let watched: Vec<PathBuf> = settings
        .config
        .iter()
        .map(|c| c.path.clone())
        .chain(settings.packs.rules.iter().cloned())
        .chain(settings.packs.extends_from.iter().cloned())
        .collect();
    let paths = if args.force_exclude {
        forced_excludes(&args.paths, &walk, &watched)
    } else {
        args.paths.clone()
    };
    let mut inputs = Vec::new();
    if !paths.is_empty() {
        let expanded = expand_inputs_noting_skipped(&paths, args.input_format, &walk)?;
        if args.verbose {
            for (path, reason) in &expanded.skipped {
                eprintln!("skipped {}: {reason}", path.display());
            }
        }
        inputs = expanded.inputs;
    }
    if let Some(reference) = &args.changed_since {
        inputs = changed_inputs(reference, inputs, &watched, args.verbose)?;
    }
    if inputs.is_empty() && !args.quiet {
        output::note(format_args!("note: no listing file to check"));
    }
    guard_outputs(args, settings, inputs)
}

/// The report being written.
struct Report {
    reporter: UntilClosed<'static>,
    closed: Closed,
    /// The key to save the report with, and its bytes as written.
    saving: Option<(ReportKey, reuse::Captured)>,
}

impl Report {
    /// Opens the report (`-o` or standard output) in the asked format;
    /// `rules` are the enabled rules, given their `help_uri` here; with
    /// `saving`, its bytes are kept to be saved with that key.
    fn open(
        args: &CheckArgs,
        color: ColorChoice,
        settings: &Settings,
        mut rules: Vec<RuleInfo>,
        language: Language,
        saving: Option<ReportKey>,
    ) -> miette::Result<Self> {
        // A closed pipe ends the report, not the check: see `UntilClosed`.
        let closed = Closed::default();
        let mut out: Box<dyn Write> = output::report_writer(args.output.as_deref(), &closed)?;
        let saving = saving.map(|key| (key, reuse::Captured::new()));
        if let Some((_, captured)) = &saving {
            out = Box::new(reuse::Tee::new(out, captured.clone()));
        }
        let docs_url = settings
            .config
            .as_ref()
            .and_then(|c| c.config.docs_url.as_deref());
        let config_dir = settings
            .config
            .as_ref()
            .and_then(|c| c.path.parent())
            .map(|dir| {
                if dir.as_os_str().is_empty() {
                    std::path::Path::new(".")
                } else {
                    dir
                }
            });
        for rule in &mut rules {
            let pack = rule.tags.first().map_or("", String::as_str);
            rule.help_uri = help_uri(docs_url, config_dir, pack, &rule.id);
        }
        let options = ReportOptions {
            human: HumanOptions {
                color: color_enabled(args, color),
                max_per_rule: args.max_per_rule,
                statistics: if args.no_statistics {
                    Statistics::Never
                } else if args.statistics {
                    Statistics::Always
                } else {
                    Statistics::Auto
                },
                min_severity: settings.min_severity,
                ..HumanOptions::default()
            },
            rules,
            fail_threshold: settings.fail_on.threshold(),
            config: settings.config.as_ref().map(|c| c.path.clone()),
            baseline: args.baseline.clone(),
            language,
        };
        let fail_threshold = options.fail_threshold;
        let reporter = UntilClosed::new(
            reporter(args.format, out, options).into_diagnostic()?,
            closed.clone(),
            fail_threshold,
            args.write_baseline.is_some(),
        );
        Ok(Self {
            reporter,
            closed,
            saving,
        })
    }

    /// The gate findings pass on their way to this report.
    fn gate(
        &self,
        args: &CheckArgs,
        settings: &Settings,
        as_of: Date,
        baseline: Option<Baseline>,
    ) -> miette::Result<Gate> {
        let mut gate = gate(
            settings,
            as_of,
            baseline,
            args.write_baseline.as_ref().map(|_| Vec::new()),
            // Human output decides at the end whether to print the table.
            args.statistics || (args.format == OutputFormat::Human && !args.no_statistics),
        )?;
        gate.suppressed = args.sarif_suppressed.then(Vec::new);
        gate.min_severity = settings.min_severity;
        Ok(gate)
    }

    /// After the check of `inputs`: saves the cache (and the report),
    /// writes the baseline and the closing notes, and decides the exit
    /// status.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        self,
        args: &CheckArgs,
        settings: &Settings,
        result: Result<listlint_io::report::Summary, CheckError>,
        mut gate: Gate,
        cache: Option<ResultCache>,
        fixed: Option<&super::fix::FixReport>,
        inputs: &[Input],
    ) -> miette::Result<ExitStatus> {
        if let (Ok(summary), Some(cache)) = (&result, cache) {
            let report = self.report_to_save(settings, summary, &cache, inputs);
            let dir = cache.dir().to_path_buf();
            cache::save(args, cache);
            if let Some((key, states, outcome, bytes)) = report {
                // Nothing is lost if it cannot be saved: the next run checks.
                let _ = listlint_io::cache::save_report(&dir, &key, &states, outcome, &bytes);
            }
        }
        let summary = match result {
            Ok(summary) => summary,
            // Stopped once the output was closed and the status decided.
            Err(CheckError::Output(_)) if self.reporter.stopped() => {
                return Ok(ExitStatus::Failure)
            }
            Err(e) => return Err(e.into()),
        };
        if args.report_suppressions {
            report_suppressions(&summary);
        }
        if let (Some(path), Some(entries)) = (&args.write_baseline, gate.recorded.take()) {
            let count = baseline::write(path, entries)?;
            output::note(format_args!(
                "wrote {count} findings to the baseline {}",
                path.display()
            ));
        }
        if let Some(fixed) = fixed {
            fixed.note(false, Some(summary.findings));
        }
        Ok(reuse::finish(args, outcome(settings, &summary)))
    }

    /// The report to save in the cache (its key, the state of `inputs`,
    /// the outcome and its bytes), when it is to be saved, was written
    /// whole and every input is a settled catalog file the cache knows.
    fn report_to_save(
        &self,
        settings: &Settings,
        summary: &listlint_io::report::Summary,
        cache: &ResultCache,
        inputs: &[Input],
    ) -> Option<(ReportKey, Vec<FileState>, Outcome, Vec<u8>)> {
        let (key, captured) = self.saving.as_ref()?;
        if self.reporter.stopped() || self.closed.get() {
            return None;
        }
        let bytes = captured.take()?;
        let states = cache.file_states(inputs)?;
        Some((key.clone(), states, outcome(settings, summary), bytes))
    }
}

/// What a run decided besides its report: whether a finding reached
/// `--fail-on` (findings hidden by --min-severity count too: what is shown
/// does not decide whether the run fails), and the stale baseline entries.
fn outcome(settings: &Settings, summary: &listlint_io::report::Summary) -> Outcome {
    Outcome {
        failed: settings
            .fail_on
            .threshold()
            .is_some_and(|threshold| summary.reaches(threshold)),
        stale_baseline: summary.baseline.as_ref().map_or(0, |b| b.stale),
    }
}

/// `--report-suppressions`: every inline suppression of the run, on
/// standard error.
fn report_suppressions(summary: &listlint_io::report::Summary) {
    let list = &summary.inline_suppressions;
    let mut text = format!(
        "inline suppressions: {} ({} findings suppressed)\n",
        list.len(),
        summary.suppressed_inline
    );
    for applied in list {
        let s = &applied.suppression;
        text.push_str(&format!(
            "  {}:{} {}: ignore[{}] {} ({} suppressed)\n",
            escape_line(&applied.file),
            s.line,
            escape_line(applied.listing_id.as_deref().unwrap_or("-")),
            escape_line(&s.rule),
            escape_line(&s.reason),
            applied.suppressed
        ));
    }
    output::note(format_args!("{}", text.trim_end()));
}

#[cfg(test)]
mod size_flag_tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn xlsx_flag_defaults_are_the_readers_defaults() {
        let cli = crate::cli::Cli::try_parse_from(["listlint", "check", "x.csv"]).unwrap();
        let crate::cli::Command::Check(args) = cli.command else {
            panic!("not check");
        };
        assert_eq!(args.max_xlsx_bytes, XlsxLimits::DEFAULT_MAX_BYTES);
        assert_eq!(args.max_xlsx_cell_bytes, XlsxLimits::DEFAULT_MAX_CELL_BYTES);
        assert_eq!(
            args.max_record_bytes,
            listlint_io::source::DEFAULT_MAX_RECORD_BYTES as u64
        );
        assert_eq!(
            args.max_document_bytes,
            listlint_io::source::DEFAULT_MAX_DOCUMENT_BYTES
        );
    }
}
