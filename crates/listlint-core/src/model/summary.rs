//! The counts of a run (SPEC §4 `summary`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Finding, Severity};

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
    /// With `--min-severity`: findings not shown because they are below
    /// it, per severity (they still count for `--fail-on`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub below_min_severity: BTreeMap<Severity, u64>,
    /// Findings suppressed by inline suppressions in catalog files
    /// (`# listlint: ignore[RULE] REASON`).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed_inline: u64,
    /// The inline suppressions of the run, in input order, with what each
    /// suppressed (`--report-suppressions`).
    #[serde(skip)]
    pub inline_suppressions: Vec<crate::suppress::Applied>,
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

    /// Counts a finding hidden by `--min-severity`.
    pub fn count_hidden(&mut self, finding: &Finding) {
        *self.below_min_severity.entry(finding.severity).or_default() += 1;
    }

    /// Findings hidden by `--min-severity`.
    pub fn hidden(&self) -> u64 {
        self.below_min_severity.values().sum()
    }

    /// Whether any finding at or above `threshold` was found, shown or
    /// hidden by `--min-severity` (what `--fail-on` looks at).
    pub fn reaches(&self, threshold: Severity) -> bool {
        self.by_severity
            .iter()
            .chain(&self.below_min_severity)
            .any(|(severity, count)| *severity >= threshold && *count > 0)
    }
}
