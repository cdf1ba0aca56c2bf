//! `listlint rules diff OLD NEW [--corpus PATH]`: what a pack change does,
//! rule by rule and, on a corpus, listing by listing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use listlint_core::listing::profile::PROFILE_NAMES;
use serde::Serialize;

use crate::exit::ExitStatus;
use listlint_core::date::Date;
use listlint_core::engine::INPUT_CATEGORY;
use listlint_core::linter::Linter;
use listlint_core::listing::profile::FieldMapper;
use listlint_core::pack::diff::{diff_packs, KeyChange, PackDiff};
use listlint_core::pack::load::load_packs;
use listlint_core::pack::{builtin_named, LoadedPack};
use listlint_core::settings::{Overrides, Settings};
use listlint_io::report::Finding;
use listlint_io::source::{self, expand_inputs, ReadOptions, WalkFilter};
use listlint_io::terminal::escape_line;

/// Arguments of `listlint rules diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old packs: a pack file, a folder of packs, or a built-in pack name.
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The new packs: a pack file, a folder of packs, or a built-in pack name.
    #[arg(value_name = "NEW")]
    pub new: String,
    /// Also check these listing files or folders with both versions and
    /// show the findings that appear, disappear or change severity
    /// (repeatable).
    #[arg(long, value_name = "PATH")]
    pub corpus: Vec<String>,
    /// The date time-based checks treat as today, for both versions on the
    /// corpus (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = crate::cli::check::parse_date)]
    pub as_of: Option<Date>,
    /// Transaction prices for original-price checks on the corpus, as for
    /// `check --price-history`.
    #[arg(long, value_name = "FILE")]
    pub price_history: Option<PathBuf>,
    /// Field-mapping profile for the corpus: generic, shopify or taobao.
    #[arg(long, value_name = "NAME", default_value = "generic", value_parser = PossibleValuesParser::new(PROFILE_NAMES))]
    pub profile: String,
    /// Map a corpus header to a field: `--map title=商品名` (repeatable).
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = crate::cli::check::parse_map)]
    pub maps: Vec<(String, String)>,
    /// At most this many listings shown per rule and direction (0: all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_examples: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

/// Output of `rules diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For reading in a terminal or a pull request.
    Text,
    /// One JSON object.
    Json,
}

/// Runs `listlint rules diff`.
pub fn run(args: &DiffArgs) -> miette::Result<ExitStatus> {
    let (old, old_settings) = load_side(&args.old, args)?;
    let (new, new_settings) = load_side(&args.new, args)?;
    let rules = diff_packs(&old.compared(), &new.compared());
    let corpus = if args.corpus.is_empty() {
        None
    } else {
        Some(diff_corpus(
            [(&old, old_settings), (&new, new_settings)],
            args,
        )?)
    };
    let out = match args.format {
        DiffFormat::Json => {
            let json = serde_json::json!({ "rules": rules, "corpus": corpus });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )
        }
        DiffFormat::Text => render_text(args, &rules, corpus.as_ref()),
    };
    crate::cli::output::print(&out)?;
    Ok(ExitStatus::Success)
}

/// One side of the diff: every pack loaded for it, and the names of the
/// packs it is about (the packs given and the packs they extend).
struct Side {
    packs: Vec<LoadedPack>,
    names: Vec<String>,
}

impl Side {
    /// The packs the side is about.
    fn compared(&self) -> Vec<LoadedPack> {
        self.packs
            .iter()
            .filter(|p| self.names.iter().any(|n| n == p.name()))
            .cloned()
            .collect()
    }
}

/// One side of the diff: the packs given, plus the built-in packs they do
/// not replace (so that conditions resolve), composed, and the settings
/// that load them (for the corpus).
fn load_side(arg: &str, args: &DiffArgs) -> miette::Result<(Side, Settings)> {
    let settings = side_settings(arg, args)?;
    let packs = load_packs(&settings.packs)?.packs;
    // The given packs come first, before the built-in packs they do not
    // replace (see `PackSelection::replace_builtins`); a folder gives
    // several, a built-in pack's name one.
    let given_count = if settings.packs.sources.is_empty() {
        packs
            .iter()
            .position(|p| p.source.builtin)
            .unwrap_or(packs.len())
    } else {
        1
    };
    let given = &packs[..given_count.min(packs.len())];
    let mut compared: Vec<String> = given.iter().map(|p| p.name().to_owned()).collect();
    for pack in given {
        for base in &pack.extended {
            if !compared.contains(base) {
                compared.push(base.clone());
            }
        }
    }
    Ok((
        Side {
            packs,
            names: compared,
        },
        settings,
    ))
}

/// The settings of one side: its packs (a path, or a built-in pack by
/// name) in place of the built-in packs of the same name, and the corpus
/// options.
fn side_settings(arg: &str, args: &DiffArgs) -> miette::Result<Settings> {
    let path = Path::new(arg);
    let mut settings = Settings::without_config(Overrides {
        profile: Some(args.profile.clone()),
        maps: args.maps.clone(),
        ..Overrides::default()
    });
    settings.as_of = args.as_of;
    settings.packs.replace_builtins = true;
    if path.exists() {
        settings.packs.rules.push(path.to_owned());
    } else {
        match builtin_named(arg) {
            Some(source) => settings.packs.sources.push(source),
            None => miette::bail!(
                help = "give a pack file, a folder of packs, or a built-in pack name (`listlint rules list`)",
                "`{arg}` is neither a file or folder nor a built-in pack"
            ),
        }
    }
    Ok(settings)
}

/// Findings on the corpus that differ between the two versions.
#[derive(Debug, Default, Serialize)]
struct CorpusDiff {
    /// Listings read.
    listings: u64,
    /// Records with input problems (the same for both versions; their
    /// `input` findings are not compared).
    unreadable: u64,
    /// Rows of the price history that could not be read (not used).
    unreadable_history_rows: u64,
    /// Findings with the old packs.
    old_findings: usize,
    /// Findings with the new packs.
    new_findings: usize,
    /// Findings only the new packs report.
    appeared: Vec<CorpusFinding>,
    /// Findings only the old packs report.
    disappeared: Vec<CorpusFinding>,
    /// Findings both report, with another severity.
    severity_changed: Vec<CorpusFinding>,
}

/// A finding in the corpus diff.
#[derive(Debug, Clone, Serialize)]
struct CorpusFinding {
    rule: String,
    severity: String,
    /// The old severity, for a changed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    old_severity: Option<String>,
    listing_id: Option<String>,
    field: Option<String>,
    text: Option<String>,
    file: String,
    line: u64,
    /// The finding's message: what tells apart two findings of one rule
    /// on one text (a disclosure rule's missing items).
    message: String,
    /// Whether the listing has another finding of the rule on the same
    /// field and text in either version, so that the text output shows
    /// the message to tell them apart.
    #[serde(skip)]
    shares_text: bool,
}

impl CorpusFinding {
    fn new(f: &Finding) -> Self {
        Self {
            rule: f.rule.to_string(),
            severity: f.severity.to_string(),
            old_severity: None,
            listing_id: f.listing_id.clone(),
            field: f.field.as_deref().map(str::to_owned),
            text: f.text.clone(),
            file: f.file.to_string(),
            line: f.line,
            message: f.message.clone(),
            shares_text: false,
        }
    }
}

/// Checks the corpus with both sides' linters, built from their settings
/// as `check` builds its one.
fn diff_corpus(sides: [(&Side, Settings); 2], args: &DiffArgs) -> miette::Result<CorpusDiff> {
    let mut diff = CorpusDiff::default();
    let history = match &args.price_history {
        Some(path) => {
            let loaded = listlint_io::history::load(path)?;
            diff.unreadable_history_rows = loaded.problems.len() as u64;
            Some(loaded.history)
        }
        None => None,
    };
    let profile = Arc::new(sides[0].1.field_profile()?);
    let [(old, old_settings), (new, new_settings)] = sides;
    let linter = |settings: Settings| -> miette::Result<Linter> {
        let linter = Linter::new(settings)?;
        Ok(match history.clone() {
            Some(history) => linter.with_price_history(history),
            None => linter,
        })
    };
    let (old_linter, new_linter) = (linter(old_settings)?, linter(new_settings)?);
    let inputs = expand_inputs(&args.corpus, None, &WalkFilter::new(&[], &[])?)?;
    let options = ReadOptions {
        profile: profile.clone(),
        ..ReadOptions::default()
    };
    let mut mapper = FieldMapper::new(profile);
    for input in &inputs {
        for record in source::open(input, &options)? {
            let listing = record.into_listing(&mut mapper);
            diff.listings += 1;
            if !listing.problems.is_empty() {
                diff.unreadable += 1;
            }
            let before = rule_findings(&old_linter, &old.names, &listing);
            let after = rule_findings(&new_linter, &new.names, &listing);
            diff.old_findings += before.len();
            diff.new_findings += after.len();
            compare_listing(&before, &after, &mut diff);
        }
    }
    Ok(diff)
}

/// The findings of the compared packs' rules on one listing (input
/// problems are the same for both versions and are counted, not compared).
fn rule_findings(
    linter: &Linter,
    packs: &[String],
    listing: &listlint_core::listing::Listing,
) -> Vec<Finding> {
    let mut findings = linter.check_listing(listing);
    findings.retain(|f| &*f.category != INPUT_CATEGORY && packs.iter().any(|p| **p == *f.pack));
    findings
}

/// Matches one listing's findings by fingerprint, as many times as each
/// occurs, so that the counts add up (new = old + appeared − disappeared).
fn compare_listing(before: &[Finding], after: &[Finding], diff: &mut CorpusDiff) {
    let group = |fs: &[Finding]| -> BTreeMap<String, Vec<usize>> {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in fs.iter().enumerate() {
            map.entry(f.fingerprint.clone()).or_default().push(i);
        }
        map
    };
    let (old, new) = (group(before), group(after));
    let shared = |print: &String| {
        old.get(print).map_or(0, Vec::len) > 1 || new.get(print).map_or(0, Vec::len) > 1
    };
    let found = |f: &Finding| {
        let mut c = CorpusFinding::new(f);
        c.shares_text = shared(&f.fingerprint);
        c
    };
    for (print, new_list) in &new {
        let old_list = old.get(print).map_or(&[][..], Vec::as_slice);
        // Findings with one fingerprint (one rule, field and text) are
        // paired by message first, so that a disclosure rule's missing
        // item that is no longer missing is the one that disappears.
        let (old_list, new_list) = pair_by_message(old_list, new_list, before, after);
        for (k, &i) in new_list.iter().enumerate() {
            match old_list.get(k) {
                None => diff.appeared.push(found(&after[i])),
                Some(&j) if before[j].severity != after[i].severity => {
                    let mut f = found(&after[i]);
                    f.old_severity = Some(before[j].severity.to_string());
                    diff.severity_changed.push(f);
                }
                Some(_) => {}
            }
        }
    }
    for (print, old_list) in &old {
        let new_list = new.get(print).map_or(&[][..], Vec::as_slice);
        let kept = new_list.len();
        let (old_list, _) = pair_by_message(old_list, new_list, before, after);
        for &j in old_list.iter().skip(kept) {
            diff.disappeared.push(found(&before[j]));
        }
    }
}

fn render_text(args: &DiffArgs, rules: &PackDiff, corpus: Option<&CorpusDiff>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rules diff {} → {}",
        escape_line(&args.old),
        escape_line(&args.new)
    );
    if rules.is_empty() {
        let _ = writeln!(out, "\nno changes to packs or rules");
    }
    if !rules.packs.is_empty() {
        let _ = writeln!(out, "\npacks:");
        for p in &rules.packs {
            let version = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            let (sign, versions) = match p.change {
                "added" => ("+", version(&p.new_version)),
                "removed" => ("-", version(&p.old_version)),
                _ if p.old_version == p.new_version => ("~", version(&p.new_version)),
                _ => (
                    "~",
                    format!("{} → {}", version(&p.old_version), version(&p.new_version)),
                ),
            };
            let _ = writeln!(out, "  {sign} {} {versions}", p.pack);
            render_keys(&mut out, &p.keys);
        }
    }
    if !rules.rules.is_empty() {
        let count = |c: &str| rules.rules.iter().filter(|r| r.change == c).count();
        let _ = writeln!(
            out,
            "\nrules: {} added, {} removed, {} changed",
            count("added"),
            count("removed"),
            count("changed")
        );
        for r in &rules.rules {
            let sign = match r.change {
                "added" => "+",
                "removed" => "-",
                _ => "~",
            };
            let detail = r
                .summary
                .as_deref()
                .map(|s| format!("; {s}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {sign} {} ({}{detail})", r.id, r.pack);
            render_keys(&mut out, &r.keys);
        }
    }
    if let Some(c) = corpus {
        let _ = writeln!(
            out,
            "\ncorpus {}: {} listings{}",
            escape_line(&args.corpus.join(", ")),
            c.listings,
            if c.unreadable > 0 {
                format!(
                    ", {} with input problems (input findings not compared)",
                    c.unreadable
                )
            } else {
                String::new()
            }
        );
        if c.unreadable_history_rows > 0 {
            let _ = writeln!(
                out,
                "  {} price-history rows could not be read and were not used (`check --price-history` lists them)",
                c.unreadable_history_rows
            );
        }
        let _ = writeln!(
            out,
            "  findings: {} → {} ({} appeared, {} disappeared, {} changed severity)",
            c.old_findings,
            c.new_findings,
            c.appeared.len(),
            c.disappeared.len(),
            c.severity_changed.len()
        );
        render_findings(&mut out, "appeared", "+", &c.appeared, args.max_examples);
        render_findings(
            &mut out,
            "disappeared",
            "-",
            &c.disappeared,
            args.max_examples,
        );
        render_findings(
            &mut out,
            "severity changed",
            "~",
            &c.severity_changed,
            args.max_examples,
        );
    }
    out
}

fn render_keys(out: &mut String, keys: &[KeyChange]) {
    for k in keys {
        let mut parts: Vec<String> = k.added.iter().map(|i| format!("+ {i}")).collect();
        parts.extend(k.removed.iter().map(|i| format!("- {i}")));
        if k.old.is_some() || k.new.is_some() {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".into());
            parts.push(format!("{} → {}", show(&k.old), show(&k.new)));
        }
        let _ = writeln!(out, "      {}: {}", k.key, parts.join(", "));
    }
}

/// The old and new findings of one fingerprint reordered so that those
/// with a message the other side also has come first, in the same order.
fn pair_by_message(
    old: &[usize],
    new: &[usize],
    before: &[Finding],
    after: &[Finding],
) -> (Vec<usize>, Vec<usize>) {
    let mut old_rest: Vec<usize> = old.to_vec();
    let mut new_rest: Vec<usize> = Vec::new();
    let (mut old_paired, mut new_paired) = (Vec::new(), Vec::new());
    for &i in new {
        match old_rest
            .iter()
            .position(|&j| before[j].message == after[i].message)
        {
            Some(p) => {
                old_paired.push(old_rest.remove(p));
                new_paired.push(i);
            }
            None => new_rest.push(i),
        }
    }
    old_paired.extend(old_rest);
    new_paired.extend(new_rest);
    (old_paired, new_paired)
}

fn render_findings(
    out: &mut String,
    title: &str,
    sign: &str,
    findings: &[CorpusFinding],
    max: usize,
) {
    if findings.is_empty() {
        return;
    }
    let mut by_rule: BTreeMap<&str, Vec<&CorpusFinding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(&f.rule).or_default().push(f);
    }
    let _ = writeln!(out, "\n  {title}:");
    for (rule, list) in by_rule {
        let _ = writeln!(out, "    {sign} {rule} ({})", list.len());
        let shown = if max == 0 {
            list.len()
        } else {
            max.min(list.len())
        };
        for f in &list[..shown] {
            let severity = match &f.old_severity {
                Some(old) => format!("{old} → {}", f.severity),
                None => f.severity.clone(),
            };
            let _ = writeln!(
                out,
                "        {}:{} {} {} 「{}」 {severity}{}",
                escape_line(&f.file),
                f.line,
                escape_line(f.listing_id.as_deref().unwrap_or("-")),
                escape_line(f.field.as_deref().unwrap_or("-")),
                escape_line(f.text.as_deref().unwrap_or("")),
                if f.shares_text {
                    format!(": {}", escape_line(&f.message))
                } else {
                    String::new()
                }
            );
        }
        if shown < list.len() {
            let _ = writeln!(out, "        … and {} more", list.len() - shown);
        }
    }
}
