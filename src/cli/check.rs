//! `listlint check`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use miette::{IntoDiagnostic, WrapErr};

use super::packs::{load_ruleset, PackArgs};
use super::ColorChoice;
use crate::baseline::{self, Baseline};
use crate::date::Date;
use crate::engine::RuleFilter;
use crate::exit::ExitStatus;
use crate::history::PriceHistory;
use crate::listing::profile::Profile;
use crate::pack::schema::Severity;
use crate::progress::BytesRead;
use crate::report::{reporter, HumanOptions, OutputFormat, ReportOptions, RuleInfo};
use crate::run::{run_check, CheckError, CheckPlan, Gate};
use crate::source::{expand_inputs, InputEncoding, InputFormat, ReadOptions, WalkFilter};

/// Arguments of `listlint check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  listlint check fixtures/listings.csv\n  \
    listlint check --format json -o report.json exports/\n  \
    listlint check --select absolute/ --fail-on warning listings.jsonl\n  \
    cat listings.jsonl | listlint check -")]
pub struct CheckArgs {
    /// Files or folders to check; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub packs: PackArgs,

    /// Fail (exit 1) when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Worker threads (default, or 0: all cores).
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
    #[arg(long, value_name = "NAME", default_value = "generic", value_parser = ["generic", "shopify", "taobao"])]
    pub profile: String,

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

    /// Print how each CSV/TSV file's headers map to fields (to stderr).
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

    /// Text encoding of the inputs: detected from a byte-order mark, else
    /// UTF-8 when valid, else GB18030 (which reads GBK); or forced.
    #[arg(long, value_enum, default_value_t = InputEncoding::Auto)]
    pub encoding: InputEncoding,

    /// Read inputs as this format regardless of their extension (standard
    /// input defaults to jsonl).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
}

fn parse_map(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((field, header)) if !field.trim().is_empty() && !header.trim().is_empty() => {
            Ok((field.trim().to_owned(), header.trim().to_owned()))
        }
        _ => Err(format!("`{text}` is not FIELD=HEADER (e.g. title=商品名)")),
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
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

/// Runs `listlint check`.
pub fn run(args: &CheckArgs, color: ColorChoice) -> miette::Result<ExitStatus> {
    let mut ruleset = load_ruleset(&args.packs)?;
    ruleset.settings.keep_sources = args.format == OutputFormat::Human;
    if let Some(as_of) = args.as_of {
        ruleset.settings.as_of = as_of;
    }
    let mut history_problems = Vec::new();
    if let Some(path) = &args.price_history {
        let loaded = PriceHistory::load(path)?;
        ruleset.settings.history = Some(Arc::new(loaded.history));
        history_problems = loaded.problems;
    }
    let mut profile =
        Profile::named(&args.profile).unwrap_or_else(|| (*Profile::generic()).clone());
    for (field, header) in &args.maps {
        profile.map(field, header);
    }
    profile.verbose = args.verbose;
    if args.verbose {
        eprintln!("profile: {}", profile.name);
    }
    let walk = WalkFilter::new(&args.include, &args.exclude)?;
    let inputs = expand_inputs(&args.paths, args.input_format, &walk)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
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
            bytes_read: BytesRead::default(),
        },
        progress: !args.quiet && io::stderr().is_terminal(),
        filter: RuleFilter::new(&args.packs.select, &args.packs.ignore),
        history_problems,
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
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
            })
            .collect(),
        fail_threshold: args.fail_on.threshold(),
    };
    let mut reporter = reporter(args.format, out, options);
    let mut gate = Gate {
        baseline: args.baseline.as_deref().map(Baseline::load).transpose()?,
        recorded: args.write_baseline.as_ref().map(|_| Vec::new()),
        statistics: args.statistics,
    };
    let summary = match run_check(&ruleset, &plan, &pool, &mut gate, reporter.as_mut()) {
        Ok(summary) => summary,
        Err(CheckError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(ExitStatus::Success)
        }
        Err(e) => return Err(e.into()),
    };
    if let (Some(path), Some(entries)) = (&args.write_baseline, gate.recorded.take()) {
        let count = baseline::write(path, entries)?;
        eprintln!("wrote {count} findings to the baseline {}", path.display());
    }
    if let Some(b) = &summary.baseline {
        if b.stale > 0 && args.format != OutputFormat::Human {
            eprintln!(
                "{} baseline entries no longer occur (fixed since the baseline was written)",
                b.stale
            );
        }
    }
    let failed = args.fail_on.threshold().is_some_and(|threshold| {
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
