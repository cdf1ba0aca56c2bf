//! `listlint check`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use miette::{IntoDiagnostic, WrapErr};

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
use crate::report::{reporter, HumanOptions, OutputFormat, ReportOptions, RuleInfo};
use crate::run::{run_check, CheckError, CheckPlan, Gate, PathIgnores, Waivers};
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

    /// Fail (exit 1) when a finding has at least this severity (default:
    /// the config file's `fail_on`, else error).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Use this config file instead of the nearest `listlint.yaml` upwards
    /// from the working directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Threads that check listings (default, or 0: all cores); reading and
    /// writing run on their own threads.
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

    /// The most bytes one CSV/TSV record or JSON Lines line may have
    /// (suffixes K, M, G: KiB, MiB, GiB; default 16M). A larger one is
    /// skipped without being held in memory and reported as an
    /// `input/record-too-large` finding; a quoted field still open at the
    /// limit is taken as a quote never closed (`input/unterminated-quote`),
    /// and reading resumes on the line after the one it opened on.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "16M")]
    pub max_record_bytes: usize,
}

/// A byte count: digits, optionally followed by K, M or G (powers of 1024,
/// with or without `iB`/`B`).
pub(super) fn parse_bytes(text: &str) -> Result<usize, String> {
    let trimmed = text.trim();
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits);
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("`{text}` is not a size (e.g. 16M, 512K, 1048576)")),
    };
    number
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a size above 0 (e.g. 16M, 512K, 1048576)"))
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
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| config::find_upwards(&cwd)),
    };
    let loaded = path.as_deref().map(config::load).transpose()?;
    let Some(loaded) = loaded else {
        return Ok(Effective {
            packs: args.packs.clone(),
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

/// Runs `listlint check`.
pub fn run(args: &CheckArgs, color: ColorChoice) -> miette::Result<ExitStatus> {
    let settings = effective(args)?;
    let (mut ruleset, all_ids) = load_ruleset_with_ids(&settings.packs)?;
    if let Some(loaded) = &settings.config {
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
    }
    ruleset.settings.keep_sources = matches!(
        args.format,
        OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github
    );
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
        eprintln!("profile: {}", profile.name);
    }
    let walk = WalkFilter::new(&settings.include, &settings.exclude)?;
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
            max_record_bytes: args.max_record_bytes,
            text_fields: ruleset.scan_fields.iter().cloned().collect(),
        },
        progress: !args.quiet && io::stderr().is_terminal(),
        filter: RuleFilter::new(&settings.packs.select, &settings.packs.ignore),
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
    };
    let mut reporter = reporter(args.format, out, options);
    let mut gate = Gate {
        baseline: args.baseline.as_deref().map(Baseline::load).transpose()?,
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
