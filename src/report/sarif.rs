//! `--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code
//! scanning, Azure DevOps …), valid against the OASIS schema.
//!
//! The driver lists every enabled rule (id, name, short description, help as
//! text and as Markdown with the rule's legal basis, default level, pack and
//! category as tags) plus the `input/…` rules that fired. Each result names its
//! rule, level and message; its physical location is the input file
//! (relative to the working directory when possible), the record's line and,
//! where [`ColumnLocator`] can place the field value, the span's columns;
//! a logical location names the listing and field; `partialFingerprints`
//! carries listlint's fingerprint so code scanning tracks a finding across
//! runs.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use super::columns::ColumnLocator;
use super::{Finding, Reporter, Summary};
use crate::pack::schema::Severity;

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

/// Collects results and writes the log at the end.
pub struct SarifReporter<W: Write> {
    out: W,
    rules: Vec<RuleInfo>,
    /// Results as typed records: a log of a million results is held in
    /// memory until the end, and JSON values with their maps would take
    /// several times as much.
    results: Vec<SarifResult>,
    columns: ColumnLocator,
    /// [`artifact_uri`] of each input file, worked out once.
    uris: HashMap<Arc<str>, Arc<str>>,
}

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

/// The whole log, written once at the end.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    column_kind: &'static str,
    results: &'a [SarifResult],
}

impl<W: Write> SarifReporter<W> {
    /// Writes to `out`, describing `rules`.
    pub fn new(out: W, rules: Vec<RuleInfo>) -> Self {
        Self {
            out,
            rules,
            results: Vec::new(),
            columns: ColumnLocator::default(),
            uris: HashMap::new(),
        }
    }

    fn rule_index(&mut self, finding: &Finding) -> usize {
        if let Some(i) = self.rules.iter().position(|r| *r.id == *finding.rule) {
            return i;
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
        self.rules.len() - 1
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
        for f in findings {
            let index = self.rule_index(f);
            let listing = f
                .listing_id
                .clone()
                .unwrap_or_else(|| format!("record {}", f.record));
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
            let columns = self.columns.locate(f);
            let uri = self
                .uris
                .entry(f.file.clone())
                .or_insert_with(|| Arc::from(artifact_uri(&f.file)))
                .clone();
            self.results.push(SarifResult {
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
            });
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
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
        let log = Log {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            version: "2.1.0",
            runs: [Run {
                tool: json!({"driver": {
                    "name": "listlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }}),
                column_kind: "unicodeCodePoints",
                results: &self.results,
            }],
        };
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
