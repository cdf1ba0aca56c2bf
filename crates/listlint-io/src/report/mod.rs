//! Reports: the run summary, and one renderer per output
//! format.

mod columns;

mod github;
mod human;
mod json;
mod jsonl;
mod junit;
mod nested_json;
mod sarif;
mod spool;

use std::io::{self, Write};
use std::path::PathBuf;

pub use human::HumanOptions;
/// The tool's name as reports give it (JSON `tool.name`, SARIF driver).
pub const TOOL_NAME: &str = "listlint";

pub use listlint_core::model::{BaselineSummary, Finding, Summary};
pub use sarif::RuleInfo;

use listlint_core::model::Severity;

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
/// needs a temporary file (`json`, `junit`) and none can be created.
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
    })
}

/// What renderers need beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// For `human`.
    pub human: HumanOptions,
    /// The enabled rules, for `sarif`.
    pub rules: Vec<RuleInfo>,
    /// The `--fail-on` severity, for `junit` (failures vs. output).
    pub fail_threshold: Option<Severity>,
    /// The config file the run used, if any, as the run shows it (relative
    /// to the working directory): `json` and `sarif` name it.
    pub config: Option<PathBuf>,
}
