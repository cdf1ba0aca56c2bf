//! `--format gitlab`: a GitLab Code Quality report, the JSON array GitLab
//! reads from `artifacts:reports:codequality` and shows in merge requests.
//!
//! Each finding is one object with the fields GitLab documents:
//! `description` (message, listing, field and matched text), `check_name`
//! (the rule id), `fingerprint` (stable across commits: a hash of the
//! path and listlint's fingerprint, so unique within the report unless a
//! file holds the same listing id twice), `severity` and `location.path` / `location.lines.begin`, plus
//! `type: "issue"` and `categories` as the Code Climate format they come
//! from has them. Severities map as [`severity`] says: error → `major`,
//! warning → `minor`, info → `info` (`critical` and `blocker` are not
//! used).
//!
//! Objects are written as findings arrive; what stays in memory is each
//! input file's path and the fingerprints of the current record's findings.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Finding, Reporter, Summary};
use listlint_core::model::Severity;

/// Writes the Code Quality array.
pub struct GitlabReporter<W: Write> {
    out: W,
    /// Relative path of each input file, worked out once.
    paths: HashMap<Arc<str>, Arc<str>>,
    /// The record whose findings `seen` counts: (file, record).
    record: Option<(Arc<str>, u64)>,
    /// How often each listlint fingerprint occurred in that record.
    seen: HashMap<String, u32>,
    /// Whether `[` is written.
    started: bool,
    /// Objects written.
    written: u64,
    buffer: Vec<u8>,
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: Arc<str>,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u64,
}

/// The Code Quality severity of a listlint severity.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

impl<W: Write> GitlabReporter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            paths: HashMap::new(),
            record: None,
            seen: HashMap::new(),
            started: false,
            written: 0,
            buffer: Vec::new(),
        }
    }

    /// A fingerprint unique within the report and stable across commits:
    /// the file's path, listlint's fingerprint (rule, listing, field,
    /// matched text) and, when the same one occurs again in the same
    /// record, its number there.
    fn fingerprint(&mut self, f: &Finding, path: &str) -> String {
        let here = (f.file.clone(), f.record);
        if self.record.as_ref() != Some(&here) {
            self.record = Some(here);
            self.seen.clear();
        }
        let count = self.seen.entry(f.fingerprint.clone()).or_insert(0);
        *count += 1;
        let mut hash = Sha256::new();
        hash.update(path.as_bytes());
        hash.update([0]);
        hash.update(f.fingerprint.as_bytes());
        if *count > 1 {
            hash.update([0]);
            hash.update(count.to_string().as_bytes());
        }
        hash.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The message with where it is: `message [listing · field · 「text」]`.
fn description(f: &Finding) -> String {
    let id = f.listing_id.as_deref().unwrap_or("-");
    match (&f.field, &f.text) {
        (Some(field), Some(text)) => format!("{} [{id} · {field} · 「{text}」]", f.message),
        (Some(field), None) => format!("{} [{id} · {field}]", f.message),
        (None, _) => format!("{} [{id}]", f.message),
    }
}

/// The file relative to the working directory when it lies below it (the
/// repository root in a CI job), with `/` separators.
fn relative_path(file: &str) -> String {
    let path = Path::new(file);
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

impl<W: Write> Reporter for GitlabReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        if !self.started {
            self.started = true;
            buffer.push(b'[');
        }
        for f in findings {
            let path = self
                .paths
                .entry(f.file.clone())
                .or_insert_with(|| Arc::from(relative_path(&f.file)))
                .clone();
            let issue = Issue {
                kind: "issue",
                description: description(f),
                check_name: &f.rule,
                fingerprint: self.fingerprint(f, &path),
                severity: severity(f.severity),
                categories: ["Compliance"],
                location: IssueLocation {
                    path,
                    lines: Lines {
                        begin: f.line.max(1),
                    },
                },
            };
            if self.written > 0 {
                buffer.push(b',');
            }
            buffer.push(b'\n');
            serde_json::to_writer(&mut buffer, &issue).map_err(io::Error::other)?;
            self.written += 1;
        }
        let written = self.out.write_all(&buffer);
        self.buffer = buffer;
        written
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(b"[")?;
        }
        self.out.write_all(b"\n]\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn finding(record: u64, fingerprint: &str) -> Finding {
        Finding {
            rule: Arc::from("absolute/superlative"),
            pack: Arc::from("p"),
            category: Arc::from("absolute"),
            severity: Severity::Error,
            message: "最".into(),
            help: None,
            suggestion: None,
            file: Arc::from("a.csv"),
            line: record + 1,
            record,
            listing_id: Some("SKU-1".into()),
            field: Some(Arc::from("title")),
            start: None,
            end: None,
            text: Some("最好".into()),
            fingerprint: fingerprint.into(),
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
            reason: None,
        }
    }

    fn report(batches: &[&[Finding]]) -> Value {
        let mut out = Vec::new();
        let mut reporter = GitlabReporter::new(&mut out);
        for batch in batches {
            reporter.findings(batch).unwrap();
        }
        reporter.finish(&Summary::new()).unwrap();
        drop(reporter);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn empty_report_is_an_empty_array() {
        assert_eq!(report(&[]), serde_json::json!([]));
        assert_eq!(report(&[&[]]), serde_json::json!([]));
    }

    #[test]
    fn a_repeated_finding_gets_its_own_fingerprint_and_a_rerun_the_same() {
        let findings = [finding(1, "x"), finding(1, "x"), finding(2, "x")];
        let first = report(&[&findings[..1], &findings[1..]]);
        let fingerprints: Vec<&Value> = first
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &i["fingerprint"])
            .collect();
        assert_ne!(fingerprints[0], fingerprints[1]);
        // Another record with the same listlint fingerprint (the same
        // listing id again) starts counting afresh.
        assert_eq!(fingerprints[0], fingerprints[2]);
        assert_eq!(first, report(&[&findings]));
    }
}
