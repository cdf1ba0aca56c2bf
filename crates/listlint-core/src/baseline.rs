//! Baselines: adopting listlint on an existing catalog without fixing
//! everything at once. `--write-baseline FILE` records the findings of a run
//! by fingerprint; `--baseline FILE` then reports (and fails on) only
//! findings that are not in it, and counts the entries that no longer occur.
//!
//! Fingerprints (rule, listing id, field, normalised text) do not depend on
//! line or record numbers, so a baseline survives re-exports, reordered rows
//! and unrelated edits. A fingerprint recorded twice suppresses two findings.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::Finding;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Rule, for people reading the file.
    pub rule: String,
    /// Listing id, for people reading the file.
    #[serde(default)]
    pub listing_id: Option<String>,
    /// Field, for people reading the file.
    #[serde(default)]
    pub field: Option<String>,
    /// Matched text, for people reading the file.
    #[serde(default)]
    pub text: Option<String>,
}

impl Entry {
    /// The entry recording a finding.
    pub fn of(f: &Finding) -> Self {
        Self {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.to_string(),
            listing_id: f.listing_id.clone(),
            field: f.field.as_deref().map(str::to_owned),
            text: f.text.clone(),
        }
    }
}

/// The baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// Why a baseline cannot be used (a usage error).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaselineError {
    /// The file could not be read or written.
    #[error("cannot use baseline {path}")]
    #[diagnostic(code(listlint::baseline::io))]
    Io {
        /// Path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not a listlint baseline.
    #[error("{path} is not a listlint baseline: {message}")]
    #[diagnostic(
        code(listlint::baseline::invalid),
        help("write one with `listlint check --write-baseline FILE …`")
    )]
    Invalid {
        /// Path.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// A loaded baseline: remaining count per fingerprint.
///
/// Entries of rules that a run does not check (left out by `--select` or
/// `--ignore`, see [`Baseline::limit_to`]) neither suppress anything nor
/// count as stale; they are kept aside so that a baseline rewritten in the
/// same run still holds them.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Every entry of the file, until [`Baseline::limit_to`] sorts them.
    entries: Vec<Entry>,
    remaining: HashMap<String, u32>,
    unchecked: Vec<Entry>,
    suppressed: u64,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let name = path.display().to_string();
        let text = fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: name.clone(),
            source,
        })?;
        let file: File = serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
            path: name.clone(),
            message: e.to_string(),
        })?;
        if file.version != 1 {
            return Err(BaselineError::Invalid {
                path: name,
                message: format!("unsupported version {}", file.version),
            });
        }
        Ok(Self::from_entries(file.findings))
    }

    /// A baseline of these entries.
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        let mut remaining = HashMap::new();
        for entry in &entries {
            *remaining.entry(entry.fingerprint.clone()).or_insert(0) += 1;
        }
        Self {
            entries,
            remaining,
            unchecked: Vec::new(),
            suppressed: 0,
        }
    }

    /// Sets aside the entries whose rule this run does not check (`checks`
    /// says which rule ids it does): they suppress nothing, are not stale,
    /// and are returned by [`Baseline::unchecked`].
    pub fn limit_to(&mut self, checks: impl Fn(&str) -> bool) {
        for entry in std::mem::take(&mut self.entries) {
            if checks(&entry.rule) {
                continue;
            }
            if let Some(n) = self.remaining.get_mut(&entry.fingerprint) {
                *n = n.saturating_sub(1);
            }
            self.unchecked.push(entry);
        }
    }

    /// The entries set aside by [`Baseline::limit_to`]: findings of rules
    /// this run did not check, which a rewritten baseline keeps.
    pub fn unchecked(&self) -> &[Entry] {
        &self.unchecked
    }

    /// Whether the finding is in the baseline (and so not reported).
    pub fn suppresses(&mut self, finding: &Finding) -> bool {
        match self.remaining.get_mut(&finding.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                self.suppressed += 1;
                true
            }
            _ => false,
        }
    }

    /// Findings suppressed so far.
    pub fn suppressed(&self) -> u64 {
        self.suppressed
    }

    /// Baseline entries that matched no finding: fixed since.
    pub fn stale(&self) -> u64 {
        self.remaining.values().map(|&n| u64::from(n)).sum()
    }
}

/// Writes a baseline file from entries (sorted, so the file diffs well).
pub fn write(path: &Path, mut entries: Vec<Entry>) -> Result<usize, BaselineError> {
    entries.sort();
    let count = entries.len();
    let file = File {
        version: 1,
        findings: entries,
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| BaselineError::Invalid {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    fs::write(path, text + "\n").map_err(|source| BaselineError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(count)
}
