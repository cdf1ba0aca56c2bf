//! `listlint check`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use miette::{IntoDiagnostic, WrapErr};

use super::output::{self, Closed, PipeAware, UntilClosed};
use super::overwrite::{self, ReadFile, WrittenFile};
use super::packs::{load_ruleset_with_ids, PackArgs};
use super::ColorChoice;
use crate::baseline::{self, Baseline};
use crate::config::{self, LoadedConfig};
use crate::date::Date;
use crate::engine::RuleFilter;
use crate::exit::ExitStatus;
use crate::history::PriceHistory;
use crate::listing::profile::Profile;
use crate::pack::schema::Severity;
use crate::progress::BytesRead;
use crate::report::{reporter, HumanOptions, Language, OutputFormat, ReportOptions, RuleInfo};
use crate::run::{run_check, CheckError, CheckPlan, Gate, PathIgnores, Waivers};
use crate::source::{
    expand_inputs, Input, InputEncoding, InputFormat, ReadOptions, WalkFilter, XlsxLimits,
};

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
    #[arg(long, value_name = "NAME", value_parser = ["generic", "shopify", "taobao"])]
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

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// The effective settings: the config file's, overridden by flags.
struct Effective {
    packs: PackArgs,
    profile: String,
    maps: Vec<(String, String)>,
    include: Vec<String>,
    exclude: Vec<String>,
    fail_on: FailOn,
    config: Option<LoadedConfig>,
}

/// The catalog URL of a built-in rule: `docs_url` + `PACK.md#anchor`.
fn help_uri(docs_url: Option<&str>, pack: &str, rule: &str) -> Option<String> {
    let base = docs_url?;
    if !crate::pack::builtin_names().any(|name| name == pack) {
        return None;
    }
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!(
        "{base}{slash}{pack}.md#{}",
        super::catalog::anchor(rule)
    ))
}

fn effective(args: &CheckArgs) -> miette::Result<Effective> {
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
            found.note_ignored();
            if args.verbose {
                eprintln!("{}", found.describe(&cwd));
            }
            found.path
        }
    };
    let loaded = path.as_deref().map(config::load).transpose()?;
    let Some(loaded) = loaded else {
        return Ok(Effective {
            packs: PackArgs {
                verbose: args.verbose,
                ..args.packs.clone()
            },
            profile: args.profile.clone().unwrap_or_else(|| "generic".into()),
            maps: args.maps.clone(),
            include: args.include.clone(),
            exclude: args.exclude.clone(),
            fail_on: args.fail_on.unwrap_or(FailOn::Error),
            config: None,
        });
    };
    let c = &loaded.config;
    let base = loaded.path.parent().unwrap_or(Path::new("."));
    let either = |cli: &Vec<String>, file: &Vec<String>| {
        if cli.is_empty() {
            file.clone()
        } else {
            cli.clone()
        }
    };
    let mut rules: Vec<PathBuf> = c.rules.iter().map(|r| base.join(r)).collect();
    rules.extend(args.packs.rules.iter().cloned());
    let mut ignore = args.packs.ignore.clone();
    ignore.extend(c.ignore.iter().cloned());
    ignore.extend(c.disable.iter().cloned());
    let fail_on = match (args.fail_on, c.fail_on.as_deref()) {
        (Some(f), _) => f,
        (None, None) => FailOn::Error,
        (None, Some(text)) => FailOn::from_str(text, true).map_err(|_| {
            miette::miette!(
                help = "one of error, warning, info, never",
                "{}: `fail_on: {text}` is not a severity",
                loaded.path.display()
            )
        })?,
    };
    if let Some(url) = &c.docs_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(miette::miette!(
                help = "an absolute URL such as https://github.com/ORG/REPO/blob/main/docs/rules/",
                "{}: `docs_url: {url}` is not an http(s) URL",
                loaded.path.display()
            ));
        }
    }
    let mut maps: Vec<(String, String)> =
        c.map.iter().map(|(f, h)| (f.clone(), h.clone())).collect();
    maps.extend(args.maps.iter().cloned());
    Ok(Effective {
        packs: PackArgs {
            rules,
            no_default_rules: args.packs.no_default_rules || c.no_default_rules,
            select: either(&args.packs.select, &c.select),
            ignore,
            extends_from: c.extends_from.iter().map(|f| base.join(f)).collect(),
            verbose: args.verbose,
        },
        profile: args
            .profile
            .clone()
            .or_else(|| c.profile.clone())
            .unwrap_or_else(|| "generic".into()),
        maps,
        include: either(&args.include, &c.include),
        exclude: either(&args.exclude, &c.exclude),
        fail_on,
        config: Some(loaded),
    })
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
    settings: &Effective,
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

/// Runs `listlint check`.
pub fn run(args: &CheckArgs, color: ColorChoice) -> miette::Result<ExitStatus> {
    if args.format.is_binary() && args.output.is_none() && io::stdout().is_terminal() {
        miette::bail!(
            help = "write it to a file: -o report.xlsx (or redirect: > report.xlsx)",
            "--format xlsx writes a binary workbook, not text for a terminal"
        );
    }
    let settings = effective(args)?;
    let (mut ruleset, all_ids) = load_ruleset_with_ids(&settings.packs)?;
    if let Some(loaded) = &settings.config {
        ruleset.settings.own_brands = loaded.config.brands.normalized().into();
        for (id, severity) in &loaded.config.severity {
            if !all_ids.contains(id) {
                miette::bail!(
                    "{}: `severity` names `{id}`, which is not a loaded rule",
                    loaded.path.display()
                );
            }
            if let Some(rule) = ruleset.rules.iter_mut().find(|r| *r.id == **id) {
                rule.severity = *severity;
            }
        }
        let ids: Vec<&str> = all_ids
            .iter()
            .map(String::as_str)
            .chain(crate::listing::INPUT_RULES.iter().copied())
            .collect();
        loaded.check_waiver_rules(&ids)?;
    }
    ruleset.settings.keep_sources = args.format.shows_field_values();
    if let Some(as_of) = args.as_of {
        ruleset.settings.as_of = as_of;
    }
    let mut history_problems = Vec::new();
    if let Some(path) = &args.price_history {
        let loaded = PriceHistory::load(path)?;
        ruleset.settings.history = Some(Arc::new(loaded.history));
        history_problems = loaded.problems;
    }
    let Some(mut profile) = Profile::named(&settings.profile) else {
        miette::bail!(
            help = "generic, shopify or taobao",
            "unknown profile `{}`",
            settings.profile
        );
    };
    for (field, header) in &settings.maps {
        profile.map(field, header);
    }
    profile.verbose = args.verbose;
    if args.verbose {
        output::note(format_args!("profile: {}", profile.name));
    }
    let walk = WalkFilter::new(&settings.include, &settings.exclude)?.noting_skipped(args.verbose);
    let inputs = expand_inputs(&args.paths, args.input_format, &walk)?;
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
        },
        progress: !args.quiet && io::stderr().is_terminal(),
        filter: RuleFilter::new(&settings.packs.select, &settings.packs.ignore),
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
    let summary = match run_check(&ruleset, &plan, &pool, &mut gate, &mut reporter) {
        Ok(summary) => summary,
        // Stopped once the output was closed and the status decided.
        Err(CheckError::Output(_)) if reporter.stopped() => return Ok(ExitStatus::Failure),
        Err(e) => return Err(e.into()),
    };
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
            crate::source::DEFAULT_MAX_RECORD_BYTES as u64
        );
        assert_eq!(
            args.max_document_bytes,
            crate::source::DEFAULT_MAX_DOCUMENT_BYTES
        );
    }
}
