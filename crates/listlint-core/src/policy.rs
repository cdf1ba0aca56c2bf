//! What happens to findings between the engine and a report: paths
//! ignored by the config, waivers, the baseline, and the counts of the
//! summary.

use std::collections::BTreeMap;
use std::sync::Arc;

use globset::{Glob, GlobMatcher};

use crate::baseline::{Baseline, Entry};
use crate::config::{LoadedConfig, Waiver};
use crate::date::Date;
use crate::engine::RuleFilter;
use crate::model::{Finding, Identity, Origin, RuleRef, Severity, Summary};

/// Why a policy cannot be built from the config (a usage error).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PolicyError {
    /// A `per_path_ignores` glob is invalid.
    #[error("invalid glob `{pattern}`: {message}")]
    #[diagnostic(code(listlint::input::bad_glob))]
    BadGlob {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
}

/// What happens to findings between the engine and the reporter, in this
/// order: `per_path_ignores` and active waivers drop what the run does not
/// report, `--write-baseline` records what remains (exactly what the run
/// reports without a baseline, so a waiver that expires later brings its
/// findings back), the baseline drops known ones, and the summary counts
/// what is reported.
#[derive(Debug, Default)]
pub struct Gate {
    /// `--baseline`.
    pub baseline: Option<Baseline>,
    /// `--write-baseline`: the entry of every finding that is neither
    /// ignored by path nor waived (whether or not `--baseline` hides it).
    pub recorded: Option<Vec<Entry>>,
    /// `--statistics`: count per rule too.
    pub statistics: bool,
    /// The config file's waivers.
    pub waivers: Waivers,
    /// The config file's `per_path_ignores`.
    pub per_path: PathIgnores,
    /// `--sarif-suppressed`: when set, the findings an active waiver or the
    /// baseline hides are collected here with the reason, for a report to
    /// show as suppressed (taken out after each batch).
    pub suppressed: Option<Vec<Suppressed>>,
    /// `--min-severity`: findings below it are counted as hidden, not
    /// reported.
    pub min_severity: Option<Severity>,
}

/// A finding the run does not report, and what hides it.
#[derive(Debug, Clone)]
pub struct Suppressed {
    /// The finding.
    pub finding: Finding,
    /// What hides it.
    pub by: Suppression,
}

/// What hides a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suppression {
    /// An active waiver of the config file.
    Waiver {
        /// Why the finding is accepted.
        reason: String,
        /// Who approved it.
        approved_by: String,
        /// Last day it applies.
        expires: Date,
        /// The config file.
        file: String,
        /// The waiver's line there.
        line: u64,
    },
    /// The baseline (`--baseline`) holds it.
    Baseline,
}

/// Waivers from the config file: active ones suppress the findings they
/// cover; expired ones waive nothing and are reported themselves.
#[derive(Debug, Default)]
pub struct Waivers {
    active: Vec<Waiver>,
    expired: Vec<Waiver>,
    file: String,
    as_of: Option<Date>,
    /// Findings waived so far.
    pub waived: u64,
}

impl Waivers {
    /// Splits a config's waivers by `as_of`.
    pub fn new(config: &LoadedConfig, as_of: Date) -> Self {
        let (active, expired) = config
            .waivers
            .iter()
            .cloned()
            .partition(|w| w.active(as_of));
        Self {
            active,
            expired,
            file: config.path.display().to_string(),
            as_of: Some(as_of),
            waived: 0,
        }
    }

    /// Keeps only the waivers whose `rule` passes `keep` (`listlint
    /// compare` keeps those of its own rules, and `*`).
    pub fn retain(mut self, keep: impl Fn(&str) -> bool) -> Self {
        self.active.retain(|w| keep(&w.def.rule));
        self.expired.retain(|w| keep(&w.def.rule));
        self
    }

    /// The active waiver that covers `finding`, if any (counted as waived).
    fn covering(&mut self, finding: &Finding) -> Option<Suppression> {
        let waiver = self.active.iter().find(|w| w.covers(finding))?;
        self.waived += 1;
        Some(Suppression::Waiver {
            reason: waiver.def.reason.value.clone(),
            approved_by: waiver.def.approved_by.value.clone(),
            expires: waiver.expires,
            file: self.file.clone(),
            line: waiver.line,
        })
    }

    /// A warning for each expired waiver.
    pub fn expired_findings(&self) -> Vec<Finding> {
        let file: Arc<str> = Arc::from(self.file.as_str());
        self.expired
            .iter()
            .map(|w| {
                let d = &w.def;
                let listing = d.listing.clone().unwrap_or_else(|| "*".into());
                let message = format!(
                    "waiver for `{}` on `{listing}` expired on {} (checked {}; approved by {}: {}); the findings it covered are reported again",
                    d.rule,
                    w.expires,
                    self.as_of.map(|d| d.to_string()).unwrap_or_default(),
                    d.approved_by.value,
                    d.reason.value
                );
                let rule = RuleRef {
                    rule: Arc::from("config/expired-waiver"),
                    pack: Arc::from("config"),
                    category: Arc::from("config"),
                    severity: Severity::Warning,
                    help: Some(Arc::from(
                        "renew the waiver with a new expiry and approval, or fix the listing",
                    )),
                };
                let origin = Origin {
                    file: file.clone(),
                    line: w.line,
                    record: 0,
                    listing_id: d.listing.clone(),
                    key: &listing,
                };
                let expires = w.expires.to_string();
                let identity = Identity {
                    field: Some(&d.rule),
                    text: &expires,
                };
                Finding::identified_by(rule, origin, None, identity, message)
            })
            .collect()
    }
}

/// `per_path_ignores`: tokens ignored in files whose path matches a glob.
#[derive(Debug, Default)]
pub struct PathIgnores {
    entries: Vec<(GlobMatcher, RuleFilter)>,
}

impl PathIgnores {
    /// Compiles the config's map.
    pub fn new(map: &BTreeMap<String, Vec<String>>) -> Result<Self, PolicyError> {
        let mut entries = Vec::new();
        for (pattern, tokens) in map {
            let glob = Glob::new(pattern).map_err(|e| PolicyError::BadGlob {
                pattern: pattern.clone(),
                message: e.kind().to_string(),
            })?;
            let no_select: &[String] = &[];
            entries.push((glob.compile_matcher(), RuleFilter::new(no_select, tokens)));
        }
        Ok(Self { entries })
    }

    fn ignores(&self, f: &Finding) -> bool {
        self.entries.iter().any(|(glob, filter)| {
            glob.is_match(&*f.file) && filter.ignored(&f.rule, &f.category, &f.pack)
        })
    }
}

impl Gate {
    /// Drops the findings below `min_severity`, counting them as hidden.
    pub fn hide_below_min_severity(&self, findings: &mut Vec<Finding>, summary: &mut Summary) {
        if let Some(min) = self.min_severity {
            findings.retain(|f| {
                let shown = f.severity >= min;
                if !shown {
                    summary.count_hidden(f);
                }
                shown
            });
        }
    }

    /// Records, filters and counts a batch; returns what is reported.
    pub fn pass(&mut self, mut findings: Vec<Finding>, summary: &mut Summary) -> Vec<Finding> {
        if !self.per_path.entries.is_empty() {
            findings.retain(|f| !self.per_path.ignores(f));
        }
        let mut kept = Vec::with_capacity(findings.len());
        for f in findings {
            match self.waivers.covering(&f) {
                Some(by) => {
                    if let Some(suppressed) = &mut self.suppressed {
                        suppressed.push(Suppressed { finding: f, by });
                    }
                }
                None => kept.push(f),
            }
        }
        let mut findings = kept;
        if let Some(recorded) = &mut self.recorded {
            recorded.extend(findings.iter().map(Entry::of));
        }
        if let Some(baseline) = &mut self.baseline {
            match &mut self.suppressed {
                None => findings.retain(|f| !baseline.suppresses(f)),
                Some(suppressed) => {
                    let mut kept = Vec::with_capacity(findings.len());
                    for f in findings {
                        if baseline.suppresses(&f) {
                            suppressed.push(Suppressed {
                                finding: f,
                                by: Suppression::Baseline,
                            });
                        } else {
                            kept.push(f);
                        }
                    }
                    findings = kept;
                }
            }
        }
        self.hide_below_min_severity(&mut findings, summary);
        for f in &findings {
            summary.count(f);
            if self.statistics {
                summary.count_rule(f);
            }
        }
        findings
    }
}
