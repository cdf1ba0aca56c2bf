//! `--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code
//! scanning, Azure DevOps …), valid against the OASIS schema.
//!
//! The driver lists every enabled rule (id, name, short description, help as
//! text and as Markdown with the rule's legal basis, default level, pack and
//! category as tags) plus the `input/…` rules that fired. Each result names its
//! rule, level and message; its physical location is the input file
//! (relative to the working directory when possible), the record's line and,
//! where the reader placed the field value, the span's columns;
//! a logical location names the listing and field; `partialFingerprints`
//! carries listlint's fingerprint so code scanning tracks a finding across
//! runs. When a config file was used, `invocations[0].properties.config`
//! names it.
//!
//! With `--sarif-suppressed`, findings an active waiver or the baseline
//! hides are results too, each with one `suppressions` entry of kind
//! `external` (status `accepted`): a waiver's justification gives its
//! reason, approver and expiry (also as `properties`, with the config
//! file and line), the baseline's names the baseline file. Code scanning
//! shows such results as dismissed rather than open.
//!
//! Results are written as they arrive, so memory does not grow with them:
//! the run object has `columnKind` and `results` first and the `tool`
//! (whose rule list includes the `input/…` rules that fired) after them.
//! What stays in memory is the rule list and each input file's URI.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use super::columns::span_columns;
use super::nested_json::{newline_at, pretty_nested};
use super::{Finding, Reporter, Summary, Suppressed, Suppression};
use listlint_core::model::Severity;

/// What SARIF says about a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Rule id.
    pub id: String,
    /// One-line description.
    pub summary: Option<String>,
    /// Help text (and documentation).
    pub help: Option<String>,
    /// Default severity.
    pub severity: Severity,
    /// Legal basis, one citation each.
    pub references: Vec<String>,
    /// Pack and category, shown as tags by code-scanning tools.
    pub tags: Vec<String>,
    /// Absolute URL of the rule's documentation, if published.
    pub help_uri: Option<String>,
}

impl RuleInfo {
    /// The enabled rules of `ruleset` as reports describe them: help and
    /// documentation joined, pack and category as tags, no `help_uri`
    /// (the caller adds it where the rules' pages are published).
    pub fn of_ruleset(ruleset: &listlint_core::engine::Ruleset) -> Vec<RuleInfo> {
        ruleset
            .rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.to_string(),
                summary: r.summary.clone(),
                help: match (&r.help, &r.docs) {
                    (Some(h), Some(d)) => Some(format!("{h}\n\n{d}")),
                    (h, d) => h.as_deref().map(str::to_owned).or_else(|| d.clone()),
                },
                severity: r.severity,
                references: r.references.iter().map(|x| x.title().to_owned()).collect(),
                tags: vec![r.pack.to_string(), r.category.to_string()],
                help_uri: None,
            })
            .collect()
    }
}

/// Writes each result as it arrives; the tool's description, whose rule
/// list grows with the `input/…` rules that fire, closes the run.
pub struct SarifReporter<W: Write> {
    out: W,
    rules: Vec<RuleInfo>,
    /// Position of each rule id in `rules`.
    rule_indexes: HashMap<String, usize>,
    /// The config file the run used, named in the invocation.
    config: Option<String>,
    /// The baseline file, named in the justification of what it hides.
    baseline: Option<String>,
    /// [`artifact_uri`] of each input file, worked out once.
    uris: HashMap<Arc<str>, Arc<str>>,
    /// Whether the head of the log is written.
    started: bool,
    /// Results written.
    written: u64,
    /// One batch, rendered.
    buffer: Vec<u8>,
    scratch: Vec<u8>,
}

/// Depth of a result in the log: `{"runs": [{"results": [ … ]}]}`.
const RESULT_DEPTH: usize = 4;
/// Depth of a member of the run.
const RUN_MEMBER_DEPTH: usize = 3;

/// The log up to the first result. Members are ordered so that what is
/// known only at the end (the rules that fired) comes after the results;
/// JSON objects are unordered, and the log is valid SARIF either way.
const HEAD: &str = "{
  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",
  \"version\": \"2.1.0\",
  \"runs\": [
    {
      \"columnKind\": \"unicodeCodePoints\",
      \"results\": [";

/// One SARIF result, serialised as `serde_json::json!` would write it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: Arc<str>,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression; 1]>,
}

/// A SARIF `suppression` object.
#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
    properties: Value,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    logical_locations: [LogicalLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: Arc<str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fully_qualified_name: Option<String>,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "listlint/v1")]
    listlint_v1: String,
}

impl<W: Write> SarifReporter<W> {
    /// Writes to `out`, describing `rules`, and naming `config` (a path)
    /// when the run used one.
    pub fn new(out: W, rules: Vec<RuleInfo>, config: Option<String>) -> Self {
        let mut rule_indexes = HashMap::with_capacity(rules.len());
        for (index, rule) in rules.iter().enumerate() {
            rule_indexes.entry(rule.id.clone()).or_insert(index);
        }
        Self {
            out,
            rules,
            rule_indexes,
            config,
            baseline: None,
            uris: HashMap::new(),
            started: false,
            written: 0,
            buffer: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Names the baseline file (`--baseline`) in the justification of the
    /// findings it suppresses.
    pub fn with_baseline(mut self, baseline: Option<String>) -> Self {
        self.baseline = baseline;
        self
    }

    /// The `suppressions` entry of a hidden finding.
    fn suppression(&self, by: &Suppression) -> SarifSuppression {
        let (justification, properties) = match by {
            Suppression::Waiver {
                reason,
                approved_by,
                expires,
                file,
                line,
            } => (
                format!("waiver: {reason} (approved by {approved_by}, expires {expires})"),
                json!({
                    "reason": reason,
                    "approvedBy": approved_by,
                    "expires": expires.to_string(),
                    "config": file,
                    "line": line,
                }),
            ),
            Suppression::Baseline => {
                let file = self.baseline.as_deref().unwrap_or("the baseline");
                (
                    format!("known finding recorded in the baseline {file}"),
                    json!({"baseline": file}),
                )
            }
        };
        SarifSuppression {
            kind: "external",
            status: "accepted",
            justification,
            properties,
        }
    }

    /// Writes results, with their suppression when `by` gives one.
    fn write_results<'f>(
        &mut self,
        findings: impl Iterator<Item = (&'f Finding, Option<&'f Suppression>)>,
    ) -> io::Result<()> {
        self.start()?;
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        for (f, by) in findings {
            let mut result = self.result(f);
            result.suppressions = by.map(|by| [self.suppression(by)]);
            if self.written > 0 {
                buffer.push(b',');
            }
            newline_at(RESULT_DEPTH, &mut buffer);
            pretty_nested(&result, RESULT_DEPTH, &mut self.scratch, &mut buffer);
            self.written += 1;
        }
        let written = self.out.write_all(&buffer);
        self.buffer = buffer;
        written
    }

    fn rule_index(&mut self, finding: &Finding) -> usize {
        if let Some(&index) = self.rule_indexes.get(&*finding.rule) {
            return index;
        }
        self.rules.push(RuleInfo {
            id: finding.rule.to_string(),
            summary: Some("Input that could not be (fully) read".into()),
            help: finding.help.as_deref().map(str::to_owned),
            severity: finding.severity,
            references: Vec::new(),
            tags: vec![finding.category.to_string()],
            help_uri: None,
        });
        let index = self.rules.len() - 1;
        self.rule_indexes.insert(finding.rule.to_string(), index);
        index
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(HEAD.as_bytes())?;
        }
        Ok(())
    }

    fn result(&mut self, f: &Finding) -> SarifResult {
        let index = self.rule_index(f);
        let listing = f.listing_id.clone().unwrap_or_else(|| match f.record {
            // About the file as a whole (a collapsed finding).
            0 => "whole file".to_owned(),
            record => format!("record {record}"),
        });
        let logical = match &f.field {
            None => LogicalLocation {
                name: listing,
                fully_qualified_name: None,
                kind: "object",
            },
            Some(field) => LogicalLocation {
                name: field.to_string(),
                fully_qualified_name: Some(format!("{listing}.{field}")),
                kind: "member",
            },
        };
        let mut message = f.message.clone();
        if let Some(text) = &f.text {
            message.push_str(&format!(" 「{text}」"));
        }
        let columns = span_columns(f);
        let uri = self
            .uris
            .entry(f.file.clone())
            .or_insert_with(|| Arc::from(artifact_uri(&f.file)))
            .clone();
        SarifResult {
            rule_id: f.rule.clone(),
            rule_index: index,
            level: level(f.severity),
            message: Text { text: message },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri },
                    region: Region {
                        start_line: f.line.max(1),
                        start_column: columns.map(|(start, _)| start),
                        end_column: columns.map(|(_, end)| end),
                    },
                },
                logical_locations: [logical],
            }],
            partial_fingerprints: Fingerprints {
                listlint_v1: f.fingerprint.clone(),
            },
            suppressions: None,
        }
    }

    /// The driver's description, with every rule that can appear.
    fn tool(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                let summary = r.summary.clone().unwrap_or_else(|| r.id.clone());
                let mut rule = json!({
                    "id": r.id,
                    "name": r.id.replace('/', "-"),
                    "shortDescription": {"text": summary},
                    "help": {
                        "text": r.help.clone().unwrap_or_else(|| summary.clone()),
                        "markdown": help_markdown(r, &summary),
                    },
                    "defaultConfiguration": {"level": level(r.severity)},
                    "properties": {"tags": r.tags},
                });
                if let Some(uri) = &r.help_uri {
                    rule["helpUri"] = json!(uri);
                }
                rule
            })
            .collect();
        json!({"driver": {
            "name": crate::report::TOOL_NAME,
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }})
    }
}

/// The rule's help as Markdown: help text, then its legal basis as a list.
fn help_markdown(rule: &RuleInfo, fallback: &str) -> String {
    let mut markdown = rule.help.clone().unwrap_or_else(|| fallback.to_owned());
    if !rule.references.is_empty() {
        markdown.push_str("\n\n**Legal basis**\n");
        for reference in &rule.references {
            markdown.push_str(&format!("\n- {reference}"));
        }
    }
    markdown
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The file as a URI reference relative to the working directory when it
/// lies below it, with `/` separators.
fn artifact_uri(file: &str) -> String {
    let path = std::path::Path::new(file);
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    // Percent-encode what a URI reference cannot hold as is.
    let mut uri = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' ' => uri.push_str("%20"),
            '#' => uri.push_str("%23"),
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3F"),
            c => uri.push(c),
        }
    }
    uri
}

impl<W: Write> Reporter for SarifReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        self.write_results(findings.iter().map(|f| (f, None)))
    }

    fn suppressed(&mut self, findings: &[Suppressed]) -> io::Result<()> {
        self.write_results(findings.iter().map(|s| (&s.finding, Some(&s.by))))
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.start()?;
        let mut tail = Vec::new();
        if self.written > 0 {
            newline_at(RUN_MEMBER_DEPTH, &mut tail);
        }
        tail.extend_from_slice(b"],");
        newline_at(RUN_MEMBER_DEPTH, &mut tail);
        tail.extend_from_slice(b"\"tool\": ");
        pretty_nested(&self.tool(), RUN_MEMBER_DEPTH, &mut self.scratch, &mut tail);
        if let Some(config) = &self.config {
            // The run got this far: the invocation succeeded, whatever the
            // findings.
            let invocations = json!([{
                "executionSuccessful": true,
                "properties": {"config": config},
            }]);
            tail.push(b',');
            newline_at(RUN_MEMBER_DEPTH, &mut tail);
            tail.extend_from_slice(b"\"invocations\": ");
            pretty_nested(&invocations, RUN_MEMBER_DEPTH, &mut self.scratch, &mut tail);
        }
        tail.extend_from_slice(b"\n    }\n  ]\n}\n");
        self.out.write_all(&tail)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, record: u64) -> Finding {
        Finding {
            rule: Arc::from(rule),
            pack: Arc::from("p"),
            category: Arc::from("input"),
            severity: Severity::Warning,
            message: "a \"message\"\nover two lines".into(),
            help: None,
            suggestion: None,
            file: Arc::from("no/such/file.csv"),
            line: record + 1,
            record,
            listing_id: None,
            field: None,
            start: None,
            end: None,
            text: None,
            fingerprint: "f".into(),
            reason: None,
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
        }
    }

    fn log(batches: &[&[Finding]], config: Option<&str>) -> String {
        let mut out = Vec::new();
        let rule = RuleInfo {
            id: "a/rule".into(),
            summary: None,
            help: None,
            severity: Severity::Error,
            references: Vec::new(),
            tags: Vec::new(),
            help_uri: None,
        };
        let mut reporter = SarifReporter::new(&mut out, vec![rule], config.map(str::to_owned));
        for batch in batches {
            reporter.findings(batch).unwrap();
        }
        reporter.finish(&Summary::new()).unwrap();
        drop(reporter);
        String::from_utf8(out).unwrap()
    }

    /// Parsed, and written again in one piece: the same bytes.
    fn reparsed(log: &str) -> Value {
        let value: Value = serde_json::from_str(log).unwrap();
        assert_eq!(serde_json::to_string_pretty(&value).unwrap() + "\n", log);
        value
    }

    #[test]
    fn streamed_log_is_one_pretty_document_with_rules_that_fired_last() {
        let findings = [
            finding("a/rule", 1),
            finding("input/x", 2),
            finding("input/x", 3),
        ];
        let value = reparsed(&log(&[&findings[..1], &[], &findings[1..]], None));
        let run = &value["runs"][0];
        let indexes: Vec<&Value> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["ruleIndex"])
            .collect();
        assert_eq!(indexes, [&json!(0), &json!(1), &json!(1)]);
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules[1]["id"], "input/x");
        assert!(run.get("invocations").is_none());
    }

    #[test]
    fn empty_log_and_config() {
        let value = reparsed(&log(&[], Some("ci/listlint.yaml")));
        let run = &value["runs"][0];
        assert_eq!(run["results"], json!([]));
        assert_eq!(
            run["invocations"],
            json!([{"executionSuccessful": true, "properties": {"config": "ci/listlint.yaml"}}])
        );
    }
}
