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

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

pub use human::HumanOptions;
/// The tool's name as reports give it (JSON `tool.name`, SARIF driver).
pub const TOOL_NAME: &str = "listlint";

pub use listlint_core::model::Finding;
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
