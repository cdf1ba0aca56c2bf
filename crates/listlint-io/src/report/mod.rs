//! Reports: the run summary, and one renderer per output
//! format.

mod columns;
mod csv_table;
mod github;
mod gitlab;
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

use std::io::{self, Write};
use std::path::PathBuf;

pub use human::{HumanOptions, Statistics};
pub use json::write_document as write_json_document;
/// The tool's name as reports give it (JSON `tool.name`, SARIF driver).
pub const TOOL_NAME: &str = "listlint";

pub use gitlab::severity as gitlab_severity;
pub use listlint_core::model::{BaselineSummary, Finding, Summary};
pub use sarif::RuleInfo;

use listlint_core::model::Severity;
pub use listlint_core::policy::{Suppressed, Suppression};

/// Output formats of `listlint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
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
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`): one
    /// issue per finding; severity error → major, warning → minor, info →
    /// info.
    Gitlab,
}

impl OutputFormat {
    /// Whether the report is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self == OutputFormat::Xlsx
    }

    /// Whether findings need the whole value of their field (`source`).
    pub fn shows_field_values(self) -> bool {
        matches!(self, OutputFormat::Human | OutputFormat::Html)
    }

    /// Whether findings point at columns of their input file, which the
    /// readers then note ([`crate::source::ReadOptions::place_values`]).
    pub fn points_at_columns(self) -> bool {
        matches!(self, OutputFormat::Sarif | OutputFormat::Github)
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

/// A renderer for one output format. Findings arrive in output order, in
/// batches; `finish` is called once with the summary.
pub trait Reporter {
    /// Renders a batch of findings.
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()>;
    /// Renders findings a waiver or the baseline hides (only asked for
    /// with `--sarif-suppressed`, after the batch they belong to); formats
    /// that cannot mark a finding as suppressed leave them out.
    fn suppressed(&mut self, _findings: &[Suppressed]) -> io::Result<()> {
        Ok(())
    }
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
        OutputFormat::Sarif => Box::new(
            sarif::SarifReporter::new(out, options.rules, config)
                .with_baseline(options.baseline.map(|p| p.display().to_string())),
        ),
        OutputFormat::Github => Box::new(github::GithubReporter::new(out)),
        OutputFormat::Gitlab => Box::new(gitlab::GitlabReporter::new(out)),
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
    /// The baseline file (`--baseline`), which `sarif` names in the
    /// justification of the findings it suppresses.
    pub baseline: Option<PathBuf>,
}
