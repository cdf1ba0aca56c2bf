//! Reports: the finding model, the run summary, and one renderer per output
//! format.

mod columns;
mod csv_table;
pub mod finding;
mod github;
mod html;
mod human;
mod json;
mod jsonl;
mod junit;
mod nested_json;
mod rows;
mod sarif;
mod spool;
mod xlsx;

pub use rows::COLUMNS as TABLE_COLUMNS;
pub use xlsx::AUTHOR as WORKBOOK_AUTHOR;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

pub use finding::Finding;
pub use human::HumanOptions;
pub use sarif::RuleInfo;

use crate::pack::schema::Severity;

/// Output formats of `listlint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Annotated snippets for people, with a summary line; control
    /// characters in listing text are shown escaped (ESC as `\u{1b}`).
    Human,
    /// One JSON document with a summary and every finding (SPEC §4).
    Json,
    /// One JSON finding per line, streamed.
    Jsonl,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations (workflow commands), one line each;
    /// control characters escaped as in human output.
    Github,
    /// JUnit XML: a suite per file, a case per listing with findings.
    Junit,
    /// One self-contained HTML page: totals with charts, findings by
    /// listing with the matched text highlighted, filters and search.
    Html,
    /// An Excel workbook: a 汇总 (summary) sheet and a 问题 sheet with a
    /// row per finding; needs -o FILE or a pipe.
    Xlsx,
    /// The rows of the xlsx 问题 sheet as CSV: UTF-8 with BOM, RFC 4180,
    /// cells that would start a formula prefixed with '.
    Csv,
}

impl OutputFormat {
    /// Whether the report is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self == OutputFormat::Xlsx
    }

    /// Whether findings need the whole value of their field (`source`).
    pub fn shows_field_values(self) -> bool {
        matches!(
            self,
            OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github | OutputFormat::Html
        )
    }
}

/// The language of a report's own words (headings, labels).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Language {
    /// Chinese (the built-in packs' messages are).
    #[default]
    Chinese,
    /// English.
    English,
}

impl Language {
    /// Chinese when at least half of the `messages` (the rules' message
    /// templates, placeholders left out) contain Chinese characters or
    /// punctuation, English otherwise; Chinese when there is none.
    pub fn of_messages<S: AsRef<str>>(messages: impl IntoIterator<Item = S>) -> Self {
        let (mut chinese, mut all) = (0usize, 0usize);
        for message in messages {
            all += 1;
            if message.as_ref().chars().any(is_chinese) {
                chinese += 1;
            }
        }
        if all == 0 || chinese * 2 >= all {
            Language::Chinese
        } else {
            Language::English
        }
    }
}

/// A CJK ideograph, or CJK or full-width punctuation.
fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff00}'..='\u{ffef}'
        | '\u{20000}'..='\u{3134f}')
}

/// Counts for the end of a run (SPEC §4 `summary`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Input files read.
    pub files: u64,
    /// Records read (readable or not).
    pub listings: u64,
    /// Findings reported.
    pub findings: u64,
    /// Findings per severity (always all three keys).
    pub by_severity: BTreeMap<Severity, u64>,
    /// Findings per category.
    pub by_category: BTreeMap<String, u64>,
    /// Findings per rule (with `--statistics`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_rule: BTreeMap<String, u64>,
    /// With `--baseline`: findings suppressed because the baseline has them,
    /// and baseline entries that no longer occur.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// Findings suppressed by active waivers.
    #[serde(skip_serializing_if = "is_zero")]
    pub waived: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The baseline part of a summary.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct BaselineSummary {
    /// Findings the baseline suppressed.
    pub suppressed: u64,
    /// Baseline entries that matched no finding.
    pub stale: u64,
}

impl Summary {
    /// An empty summary with every severity at zero.
    pub fn new() -> Self {
        let by_severity = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|s| (s, 0))
            .collect();
        Self {
            by_severity,
            ..Self::default()
        }
    }

    /// Counts one finding.
    pub fn count(&mut self, finding: &Finding) {
        self.findings += 1;
        *self.by_severity.entry(finding.severity).or_default() += 1;
        // Looked up before inserting: no new key string per finding.
        match self.by_category.get_mut(&*finding.category) {
            Some(count) => *count += 1,
            None => {
                self.by_category.insert(finding.category.to_string(), 1);
            }
        }
    }

    /// Counts one finding per rule too (`--statistics`).
    pub fn count_rule(&mut self, finding: &Finding) {
        match self.by_rule.get_mut(&*finding.rule) {
            Some(count) => *count += 1,
            None => {
                self.by_rule.insert(finding.rule.to_string(), 1);
            }
        }
    }

    /// Number of findings at this severity.
    pub fn severity(&self, severity: Severity) -> u64 {
        self.by_severity.get(&severity).copied().unwrap_or(0)
    }
}

/// A renderer for one output format. Findings arrive in output order, in
/// batches; `finish` is called once with the summary.
pub trait Reporter {
    /// Renders a batch of findings.
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()>;
    /// Renders the end of the report.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// The renderer for a format, writing to `out`. Fails when the format
/// needs a temporary file (`json`, `junit`, `html`, `xlsx`) and none can be
/// created.
pub fn reporter<'a>(
    format: OutputFormat,
    out: Box<dyn Write + 'a>,
    options: ReportOptions,
) -> io::Result<Box<dyn Reporter + 'a>> {
    let config = options.config.map(|path| path.display().to_string());
    Ok(match format {
        OutputFormat::Human => Box::new(human::HumanReporter::new(out, options.human)),
        OutputFormat::Json => Box::new(json::JsonReporter::new(out, config)?),
        OutputFormat::Jsonl => Box::new(jsonl::JsonlReporter::new(out)),
        OutputFormat::Sarif => Box::new(sarif::SarifReporter::new(out, options.rules, config)),
        OutputFormat::Github => Box::new(github::GithubReporter::new(out)),
        OutputFormat::Junit => Box::new(junit::JunitReporter::new(out, options.fail_threshold)?),
        OutputFormat::Html => Box::new(html::HtmlReporter::new(
            out,
            &options.rules,
            options.language,
        )?),
        OutputFormat::Xlsx => Box::new(xlsx::XlsxReporter::new(out, &options.rules)?),
        OutputFormat::Csv => Box::new(csv_table::CsvReporter::new(out, &options.rules)),
    })
}

/// What renderers need beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// For `human`.
    pub human: HumanOptions,
    /// The enabled rules, for `sarif` (and their summaries and legal
    /// basis for `html`, `xlsx` and `csv`).
    pub rules: Vec<RuleInfo>,
    /// The language of `html`'s headings.
    pub language: Language,
    /// The `--fail-on` severity, for `junit` (failures vs. output).
    pub fail_threshold: Option<Severity>,
    /// The config file the run used, if any, as the run shows it (relative
    /// to the working directory): `json` and `sarif` name it.
    pub config: Option<PathBuf>,
}
