//! `listlint check`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use listlint_core::listing::profile::PROFILE_NAMES;
use miette::{IntoDiagnostic, WrapErr};

use super::output::{self, Closed, PipeAware, UntilClosed};
use super::overwrite::{self, ReadFile, WrittenFile};
use super::packs::PackArgs;
use super::ColorChoice;
use crate::exit::ExitStatus;
use listlint_core::baseline::{self, Baseline};
use listlint_core::config::{self, LoadedConfig};
use listlint_core::date::Date;
use listlint_core::linter::Linter;
use listlint_core::listing::profile::Profile;
use listlint_core::policy::{Gate, PathIgnores, Waivers};
use listlint_core::settings::{Overrides, Settings};
use listlint_io::cache::{Fingerprint, ResultCache};
use listlint_io::progress::BytesRead;
use listlint_io::report::{
    reporter, HumanOptions, Language, OutputFormat, ReportOptions, RuleInfo,
};
use listlint_io::run::{run_check_cached, CheckError, CheckPlan};
use listlint_io::source::{
    expand_inputs_noting_skipped, HeaderMapping, HeaderObserver, Input, InputEncoding, InputFormat,
    ReadOptions, WalkFilter, XlsxLimits,
};
use listlint_io::terminal::escape_line;

/// Arguments of `listlint check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  listlint check fixtures/listings.csv\n  \
    listlint check --format json -o report.json exports/\n  \
    listlint check --format html -o report.html exports/\n  \
    listlint check --format xlsx -o report.xlsx exports/\n  \
    listlint check --select absolute/ --fail-on warning listings.jsonl\n  \
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

    /// Threads that check listings (default, or 0: all cores); reading and
    /// writing run on their own threads. At most 4 per available core:
    /// more only cost memory (each holds batches in flight), so a larger
    /// N is capped with a note on standard error.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// The date time-based checks treat as today, e.g. certificate expiry
    /// (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Transaction prices for original-price checks: CSV or JSON Lines with
    /// `id`, `date` (YYYY-MM-DD or RFC 3339) and `price`.
    #[arg(long, value_name = "FILE")]
    pub price_history: Option<PathBuf>,

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
    /// `summary.by_rule`).
    #[arg(long)]
    pub statistics: bool,

    /// Keep the result cache of catalog files (one listing per YAML or
    /// Markdown file) in DIR (default: `.listlint_cache` in the repository
    /// root, else in the working directory). A file whose name and bytes
    /// were checked before under the same packs, config, flags and date is
    /// not parsed or checked again; output is the same. See docs/ci.md.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Neither read nor write the result cache.
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
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = super::packs::parse_size)]
    pub max_xlsx_bytes: u64,

    /// The most text one XLSX cell may hold; a longer cell is an
    /// `input/limit-exceeded` finding and its field is not checked (Excel
    /// itself keeps at most 32,767 characters in a cell).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = super::packs::parse_size)]
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
    #[arg(long, value_name = "SIZE", value_parser = super::packs::parse_size, default_value = "16M")]
    pub max_record_bytes: u64,

    /// The most bytes a JSON document or an XLSX workbook may have: both
    /// are read whole (a catalog file, one listing, is held to
    /// --max-record-bytes). A larger file is an `input/limit-exceeded`
    /// finding and is not read; the other inputs are checked.
    #[arg(long, value_name = "SIZE", value_parser = super::packs::parse_size, default_value = "512M")]
    pub max_document_bytes: u64,
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

/// The catalog URL of a built-in rule: `docs_url` + `PACK.md#anchor`.
fn help_uri(docs_url: Option<&str>, pack: &str, rule: &str) -> Option<String> {
    let base = docs_url?;
    if !listlint_core::pack::builtin_names().any(|name| name == pack) {
        return None;
    }
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!(
        "{base}{slash}{pack}.md#{}",
        super::catalog::anchor(rule)
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
    }
}

/// Most checking threads per available core `--jobs` may ask for.
const JOBS_PER_CORE: usize = 4;

/// The number of checking threads for `--jobs` (0: rayon's default, one per
/// core): capped at [`JOBS_PER_CORE`] per available core, with a note.
fn worker_threads(jobs: Option<usize>) -> usize {
    let requested = jobs.unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
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
        ("--price-history", args.price_history.as_deref()),
        ("config", settings.config.as_ref().map(|c| c.path.as_path())),
    ]
    .into_iter()
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

/// Runs `listlint check`.
pub fn run(args: &CheckArgs, color: ColorChoice) -> miette::Result<ExitStatus> {
    if args.format.is_binary() && args.output.is_none() && io::stdout().is_terminal() {
        miette::bail!(
            help = "write it to a file: -o report.xlsx (or redirect: > report.xlsx)",
            "--format xlsx writes a binary workbook, not text for a terminal"
        );
    }
    let mut settings = Settings::resolve(config_file(args)?, overrides(args))?;
    settings.as_of = args.as_of;
    let mut linter =
        Linter::new(settings.clone())?.keeping_sources(args.format.shows_field_values());
    if args.verbose {
        super::packs::note_skipped(linter.skipped_pack_files());
    }
    let mut history_problems = Vec::new();
    if let Some(path) = &args.price_history {
        let loaded = listlint_io::history::load(path)?;
        linter = linter.with_price_history(loaded.history);
        history_problems = loaded.problems;
    }
    let ruleset = linter.ruleset();
    let Some(mut profile) = Profile::named(&settings.profile) else {
        miette::bail!(
            help = format!("one of {}", PROFILE_NAMES.join(", ")),
            "unknown profile `{}`",
            settings.profile
        );
    };
    for (field, header) in &settings.maps {
        profile.map(field, header);
    }
    if args.verbose {
        output::note(format_args!("profile: {}", profile.name));
    }
    let walk = WalkFilter::new(&settings.include, &settings.exclude)?;
    let expanded = expand_inputs_noting_skipped(&args.paths, args.input_format, &walk)?;
    if args.verbose {
        for (path, reason) in &expanded.skipped {
            eprintln!("skipped {}: {reason}", path.display());
        }
    }
    let inputs = expanded.inputs;
    let inputs = guard_outputs(args, &settings, inputs)?;
    // Loaded before the report file is created, so that a baseline that
    // cannot be read leaves it as it was.
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(worker_threads(args.jobs))
        .build()
        .into_diagnostic()
        .wrap_err("cannot start worker threads")?;
    let plan = CheckPlan {
        inputs,
        read: ReadOptions {
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
            text_fields: ruleset.scan_fields.iter().cloned().collect(),
            header_observer: args.verbose.then(print_header_mapping),
        },
        progress: !args.quiet && io::stderr().is_terminal(),
        filter: settings.packs.filter(),
        history_problems,
    };
    // A closed pipe ends the report, not the check: see `UntilClosed`.
    let closed = Closed::default();
    let out: Box<dyn Write> = match &args.output {
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
    };
    let docs_url = settings
        .config
        .as_ref()
        .and_then(|c| c.config.docs_url.as_deref());
    let options = ReportOptions {
        human: HumanOptions {
            color: color.enabled(args.output.is_none() && io::stdout().is_terminal()),
            ..HumanOptions::default()
        },
        rules: ruleset
            .rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.to_string(),
                summary: r.summary.clone(),
                help: match (&r.help, &r.docs) {
                    (Some(h), Some(d)) => Some(format!("{h}\n\n{d}")),
                    (h, d) => h.as_deref().map(str::to_owned).or_else(|| d.clone()),
                },
                severity: r.severity,
                references: r.references.iter().map(|x| x.title().to_owned()).collect(),
                tags: vec![r.pack.to_string(), r.category.to_string()],
                help_uri: help_uri(docs_url, &r.pack, &r.id),
            })
            .collect(),
        fail_threshold: settings.fail_on.threshold(),
        config: settings.config.as_ref().map(|c| c.path.clone()),
        language: Language::of_messages(
            ruleset
                .rules
                .iter()
                .map(|r| r.message.literal_text().collect::<String>()),
        ),
    };
    let fail_threshold = options.fail_threshold;
    let mut reporter = UntilClosed::new(
        reporter(args.format, out, options).into_diagnostic()?,
        closed,
        fail_threshold,
        args.write_baseline.is_some(),
    );
    let mut gate = Gate {
        baseline,
        recorded: args.write_baseline.as_ref().map(|_| Vec::new()),
        statistics: args.statistics,
        waivers: settings
            .config
            .as_ref()
            .map(|c| Waivers::new(c, ruleset.settings.as_of))
            .unwrap_or_default(),
        per_path: settings
            .config
            .as_ref()
            .map(|c| PathIgnores::new(&c.config.per_path_ignores))
            .transpose()?
            .unwrap_or_default(),
    };
    let cache = if args.no_cache {
        None
    } else {
        Some(result_cache(args, &linter, &settings)?)
    };
    if let (true, Some(cache)) = (args.verbose, &cache) {
        output::note(format_args!("cache: {} entries read", cache.entries()));
    }
    let result = run_check_cached(
        ruleset,
        &plan,
        &pool,
        &mut gate,
        &mut reporter,
        cache.as_ref(),
    );
    if let (Ok(_), Some(cache)) = (&result, cache) {
        let dir = cache_dir(args);
        if args.verbose {
            let (hits, checked) = cache.stats();
            output::note(format_args!(
                "cache: {hits} catalog files from the cache, {checked} checked ({})",
                dir.display()
            ));
        }
        if let Err(e) = cache.save() {
            output::note(format_args!(
                "note: cannot write the result cache in {}: {e} (--no-cache skips it)",
                dir.display()
            ));
        }
    }
    let summary = match result {
        Ok(summary) => summary,
        // Stopped once the output was closed and the status decided.
        Err(CheckError::Output(_)) if reporter.stopped() => return Ok(ExitStatus::Failure),
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
    if let Some(b) = &summary.baseline {
        if b.stale > 0 && args.format != OutputFormat::Human {
            output::note(format_args!(
                "{} baseline entries no longer occur (fixed since the baseline was written)",
                b.stale
            ));
        }
    }
    let failed = settings.fail_on.threshold().is_some_and(|threshold| {
        summary
            .by_severity
            .iter()
            .any(|(severity, count)| *severity >= threshold && *count > 0)
    });
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The result cache's folder: `--cache-dir`, else `.listlint_cache` in
/// the repository root or the working directory.
fn cache_dir(args: &CheckArgs) -> PathBuf {
    match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            listlint_io::cache::default_dir(&cwd)
        }
    }
}

/// The result cache for this run: its fingerprint is everything besides a
/// catalog file's name and bytes that can change its findings.
fn result_cache(
    args: &CheckArgs,
    linter: &Linter,
    settings: &Settings,
) -> miette::Result<ResultCache> {
    let mut f = Fingerprint::new();
    // A rebuilt binary may find other things with the same version.
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        f.add("binary", format!("{} {modified}", meta.len()).as_bytes());
    }
    f.add("packs", &linter.pack_digest());
    // The settings with the config file's text, select/ignore, profile,
    // maps and brands.
    f.add("settings", format!("{settings:?}").as_bytes());
    f.add(
        "as_of",
        linter.ruleset().settings.as_of.to_string().as_bytes(),
    );
    f.add(
        "keep_sources",
        &[u8::from(args.format.shows_field_values())],
    );
    if let Some(path) = &args.price_history {
        let bytes = std::fs::read(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        f.add("price_history", &bytes);
    }
    f.add(
        "reading",
        format!(
            "{:?} {:?} {:?} {} {} {} {}",
            args.encoding,
            args.input_format,
            args.sheet,
            args.max_record_bytes,
            args.max_document_bytes,
            args.max_xlsx_bytes,
            args.max_xlsx_cell_bytes
        )
        .as_bytes(),
    );
    Ok(ResultCache::open(&cache_dir(args), &f))
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
