//! `listlint compare`: one product's facts across channel exports.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::builder::PossibleValuesParser;
use clap::Args;
use miette::{IntoDiagnostic, WrapErr};

use super::check::{parse_date, parse_map, FailOn};
use super::output::{self, Closed, UntilClosed};
use super::overwrite::{self, ReadFile, WrittenFile};
use super::ColorChoice;
use crate::exit::ExitStatus;
use listlint_core::baseline::{self, Baseline};
use listlint_core::compare::{self as core_compare, CompareSettings};
use listlint_core::config::{self, LoadedConfig};
use listlint_core::date::Date;
use listlint_core::listing::profile::{Profile, PROFILE_NAMES};
use listlint_core::model::Severity;
use listlint_core::policy::{Gate, PathIgnores, Waivers};
use listlint_core::settings::{Overrides, Settings};
use listlint_io::compare::{run_compare, ChannelInputs, ComparePlan, CompareReport};
use listlint_io::progress::BytesRead;
use listlint_io::report::{
    reporter, HumanOptions, Language, OutputFormat, ReportOptions, RuleInfo,
};
use listlint_io::source::{
    expand_inputs_noting_skipped, InputEncoding, InputFormat, ReadOptions, WalkFilter, XlsxLimits,
};
use listlint_io::terminal::escape_line;

/// Arguments of `listlint compare`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    listlint compare --key 商家编码 tmall.csv jd.xlsx douyin.jsonl\n  \
    listlint compare --key sku --channel 天猫=exports/tmall/ --channel 京东=jd.xlsx\n  \
    listlint compare --key sku --key-map 京东=商品编号 --missing --format json a.csv b.csv\n\n\
    Compared by default: brand, every cert.* field, origin (产地), specification\n\
    (规格), net_content (净含量), material (材质) and ingredients (配料), and\n\
    current and struck-through prices. listlint.yaml's `compare:` section\n\
    chooses fields, aliases and comparisons (docs/compare.md).")]
pub struct CompareArgs {
    /// Channel exports: files or folders, each a channel named by its file
    /// or folder name.
    #[arg(value_name = "EXPORT")]
    pub paths: Vec<String>,

    /// A named channel: `--channel 天猫=tmall.csv` (repeatable; naming a
    /// channel again adds a file or folder to it).
    #[arg(long = "channel", value_name = "NAME=PATH", value_parser = parse_channel)]
    pub channels: Vec<(String, String)>,

    /// The field (or header) that joins listings across channels, usually
    /// the seller's SKU (商家编码) (default: the config's `compare.key`,
    /// else `id`).
    #[arg(long, value_name = "FIELD")]
    pub key: Option<String>,

    /// The key field of one channel when its exports name it otherwise:
    /// `--key-map 京东=商品编号` (repeatable).
    #[arg(long = "key-map", value_name = "CHANNEL=FIELD", value_parser = parse_map)]
    pub key_maps: Vec<(String, String)>,

    /// Report keys that some channels lack as `consistency/missing`
    /// findings (info); without it they are counted on standard error.
    #[arg(long)]
    pub missing: bool,

    /// Output format (`--output-format` is accepted too).
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Fail (exit 1) when a finding has at least this severity (default:
    /// the config file's `fail_on`, else error).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Use this config file instead of the nearest `listlint.yaml` upwards
    /// from the working directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Skip findings of these rules or categories, comma-separated
    /// (repeatable): `consistency/price`, `input`.
    #[arg(long, value_name = "LIST")]
    pub ignore: Vec<String>,

    /// Threads that parse JSON records (default, or 0: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// The day promotion windows (`promo_start`, `promo_end`) are judged
    /// on (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,

    /// Field-mapping profile of every channel's exports.
    #[arg(long, value_name = "NAME", value_parser = PossibleValuesParser::new(PROFILE_NAMES))]
    pub profile: Option<String>,

    /// Map an input header to a field: `--map origin=产地` (repeatable).
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = parse_map)]
    pub maps: Vec<(String, String)>,

    /// Report only findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record this run's findings as a baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Count findings per rule and category.
    #[arg(long)]
    pub statistics: bool,

    /// Say which config file is used and each channel's key field.
    #[arg(short, long)]
    pub verbose: bool,

    /// Read only this sheet of XLSX workbooks (default: every sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Text encoding of the inputs (default: detected).
    #[arg(long, value_enum, default_value_t = InputEncoding::Auto)]
    pub encoding: InputEncoding,

    /// Read inputs as this format regardless of their extension.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// The most bytes one CSV/TSV record or JSON Lines line may have (as
    /// for `check`).
    #[arg(long, value_name = "SIZE", value_parser = super::rules::parse_size, default_value = "16M")]
    pub max_record_bytes: u64,

    /// The most bytes a JSON document or XLSX workbook may have (as for
    /// `check`).
    #[arg(long, value_name = "SIZE", value_parser = super::rules::parse_size, default_value = "512M")]
    pub max_document_bytes: u64,
}

fn parse_channel(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim().to_owned(), path.trim().to_owned()))
        }
        _ => Err(format!("`{text}` is not NAME=PATH (e.g. 天猫=tmall.csv)")),
    }
}

/// The name of an unnamed channel: its file or folder name.
fn channel_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

fn config_file(args: &CompareArgs) -> miette::Result<Option<LoadedConfig>> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let cwd = std::env::current_dir().into_diagnostic()?;
            let found = config::discover(&cwd);
            super::note_ignored_configs(&found);
            found.path
        }
    };
    if args.verbose {
        if let Some(path) = &path {
            eprintln!("config: {}", path.display());
        }
    }
    Ok(path.as_deref().map(config::load).transpose()?)
}

/// The channels in command-line order: positional exports first, then
/// `--channel`s (a name given again adds to its channel).
fn channels(args: &CompareArgs) -> miette::Result<Vec<(String, Vec<String>)>> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let named = args
        .paths
        .iter()
        .map(|p| (channel_name(p), p.clone()))
        .chain(args.channels.iter().cloned());
    for (name, path) in named {
        if path == "-" {
            miette::bail!(
                help = "give each channel's exports as files or folders",
                "compare cannot read standard input"
            );
        }
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some(_) if args.paths.contains(&path) => miette::bail!(
                help = "name them with --channel NAME=PATH",
                "two exports are both called `{name}`"
            ),
            Some((_, paths)) => paths.push(path),
            None => out.push((name, vec![path])),
        }
    }
    if out.len() < 2 {
        miette::bail!(
            help = "listlint compare --key sku tmall.csv jd.xlsx (or --channel 天猫=tmall.csv --channel 京东=jd.xlsx)",
            "compare needs the exports of at least two channels"
        );
    }
    Ok(out)
}

/// The rules a report lists before any finding: each compared field that
/// is named (not a `prefix.*`), the certificate kinds of SPEC §1, prices
/// and missing keys.
fn rule_infos(settings: &CompareSettings) -> Vec<RuleInfo> {
    let info = |id: String, summary: &str, severity: Severity| RuleInfo {
        id,
        summary: Some(summary.to_owned()),
        help: None,
        severity,
        references: Vec::new(),
        // Pack and category are both `consistency`: one tag (SARIF tags
        // are unique).
        tags: vec![core_compare::CATEGORY.to_owned()],
        help_uri: None,
    };
    let mut rules = Vec::new();
    for spec in &settings.fields {
        if spec.comparison == core_compare::Comparison::Ignore {
            continue;
        }
        let names: Vec<String> = match spec.name.strip_suffix(".*") {
            Some("cert") => [
                "food_license",
                "food_production",
                "health_food",
                "medical_device",
                "cosmetics",
                "drug_approval",
                "ccc",
                "uscc",
            ]
            .iter()
            .map(|k| format!("cert.{k}"))
            .collect(),
            Some(_) => Vec::new(),
            None => vec![spec.name.clone()],
        };
        for name in names {
            rules.push(info(
                format!("{}/{name}", core_compare::CATEGORY),
                &format!("{name} 各渠道不一致"),
                spec.severity,
            ));
        }
    }
    if settings.prices.check {
        rules.push(info(
            core_compare::PRICE_RULE.to_owned(),
            "现价各渠道不同",
            Severity::Info,
        ));
        rules.push(info(
            core_compare::ORIGINAL_PRICE_RULE.to_owned(),
            "划线价高于所有渠道的常规现价",
            Severity::Warning,
        ));
    }
    rules.push(info(
        core_compare::MISSING_RULE.to_owned(),
        "商品只在部分渠道上架",
        Severity::Info,
    ));
    rules
}

/// Runs `listlint compare`.
pub fn run(args: &CompareArgs, color: ColorChoice) -> miette::Result<ExitStatus> {
    if args.format.is_binary() && args.output.is_none() && io::stdout().is_terminal() {
        miette::bail!(
            help = "write it to a file: -o report.xlsx (or redirect: > report.xlsx)",
            "--format xlsx writes a binary workbook, not text for a terminal"
        );
    }
    let named = channels(args)?;
    let overrides = Overrides {
        ignore: args.ignore.clone(),
        profile: args.profile.clone(),
        maps: args.maps.clone(),
        fail_on: args.fail_on.map(Into::into),
        ..Overrides::default()
    };
    let settings = Settings::resolve(config_file(args)?, overrides)?;
    let as_of = args.as_of.unwrap_or_else(Date::today_utc);
    let default_def = core_compare::CompareDef::default();
    let def = settings
        .config
        .as_ref()
        .map_or(&default_def, |c| &c.config.compare);
    let mut compare = CompareSettings::resolve(def, args.key.clone(), &args.key_maps, as_of)?;
    compare.report_missing = args.missing;
    compare.severities = settings.severities.clone();
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
    let walk = WalkFilter::new(&settings.include, &settings.exclude)?;
    let mut channel_inputs = Vec::new();
    let mut all_paths = Vec::new();
    let mut all_inputs = Vec::new();
    for (name, paths) in named {
        let expanded = expand_inputs_noting_skipped(&paths, args.input_format, &walk)?;
        if args.verbose {
            for (path, reason) in &expanded.skipped {
                eprintln!("skipped {}: {reason}", path.display());
            }
        }
        all_paths.extend(paths.iter().cloned());
        all_inputs.extend(expanded.inputs.iter().cloned());
        channel_inputs.push(ChannelInputs {
            name,
            inputs: expanded.inputs,
        });
    }
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
    .filter_map(|(flag, path)| path.map(|path| ReadFile { flag, path }))
    .collect();
    let kept = overwrite::guard(&all_paths, all_inputs, &written, &read)?;
    for channel in &mut channel_inputs {
        channel.inputs.retain(|i| kept.contains(i));
    }
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let jobs = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .into_diagnostic()
        .wrap_err("cannot start worker threads")?;
    let compare = Arc::new(compare);
    let plan = ComparePlan {
        channels: channel_inputs,
        read: ReadOptions {
            format: args.input_format,
            encoding: args.encoding,
            profile: Arc::new(profile),
            sheet: args.sheet.clone(),
            xlsx_limits: XlsxLimits {
                max_file_bytes: args.max_document_bytes,
                ..XlsxLimits::default()
            },
            bytes_read: BytesRead::default(),
            max_record_bytes: usize::try_from(args.max_record_bytes).unwrap_or(usize::MAX),
            max_document_bytes: args.max_document_bytes,
            text_fields: Arc::from(Vec::new()),
            header_observer: None,
            place_values: false,
        },
        settings: compare.clone(),
        filter: settings.packs.filter(),
    };
    let closed = Closed::default();
    let out: Box<dyn Write> = output::report_writer(args.output.as_deref(), &closed)?;
    let options = ReportOptions {
        human: HumanOptions {
            color: color.enabled(args.output.is_none() && io::stdout().is_terminal()),
            ..HumanOptions::default()
        },
        rules: rule_infos(&compare),
        fail_threshold: settings.fail_on.threshold(),
        config: settings.config.as_ref().map(|c| c.path.clone()),
        baseline: args.baseline.clone(),
        language: Language::Chinese,
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
            .map(|c| {
                Waivers::new(c, as_of).retain(|rule| rule == "*" || config::is_compare_rule(rule))
            })
            .unwrap_or_default(),
        per_path: settings
            .config
            .as_ref()
            .map(|c| PathIgnores::new(&c.config.per_path_ignores))
            .transpose()?
            .unwrap_or_default(),
        suppressed: None,
        min_severity: None,
    };
    let (summary, report) = match run_compare(&plan, &pool, &mut gate, &mut reporter) {
        Ok(done) => done,
        Err(listlint_io::run::CheckError::Output(_)) if reporter.stopped() => {
            return Ok(ExitStatus::Failure)
        }
        Err(e) => return Err(e.into()),
    };
    note_channels(&plan, &report, args.missing, args.verbose);
    if let (Some(path), Some(entries)) = (&args.write_baseline, gate.recorded.take()) {
        let count = baseline::write(path, entries)?;
        output::note(format_args!(
            "wrote {count} findings to the baseline {}",
            path.display()
        ));
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

/// Notes on standard error: per channel, listings without a key,
/// repeated keys and (without `--missing`) keys it lacks.
fn note_channels(plan: &ComparePlan, report: &CompareReport, missing: bool, verbose: bool) {
    let stats = &report.stats;
    for (i, (channel, notes)) in plan.channels.iter().zip(&report.channels).enumerate() {
        let name = escape_line(&channel.name);
        if verbose {
            output::note(format_args!(
                "{name}: {} listings, key field `{}`",
                notes.listings,
                escape_line(&notes.key_field)
            ));
        }
        if let (n, Some(first)) = &notes.without_key {
            output::note(format_args!(
                "note: {name}: {n} listings have no `{}` and were not compared (first: {})",
                escape_line(&notes.key_field),
                escape_line(first)
            ));
        }
        if let (n, Some(first)) = &notes.duplicates {
            output::note(format_args!(
                "note: {name}: {n} listings repeat a key seen earlier in the channel; the first listing of each key is compared (first repeat: {})",
                escape_line(first)
            ));
        }
        if let Some((count, shown)) = stats.missing.get(i) {
            if *count > 0 && !missing {
                let more = if *count as usize > shown.len() {
                    ", …"
                } else {
                    ""
                };
                let shown: Vec<String> =
                    shown.iter().map(|k| escape_line(k).into_owned()).collect();
                output::note(format_args!(
                    "note: {name} lacks {count} keys other channels have: {}{more} (--missing reports them)",
                    shown.join(", ")
                ));
            }
        }
    }
    output::note(format_args!(
        "compared {} keys across {} channels; {} on every channel",
        stats.keys,
        plan.channels.len(),
        stats.on_every_channel
    ));
}
