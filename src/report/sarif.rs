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

use std::io::{self, Write};

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
    results: Vec<Value>,
    columns: ColumnLocator,
}

impl<W: Write> SarifReporter<W> {
    /// Writes to `out`, describing `rules`.
    pub fn new(out: W, rules: Vec<RuleInfo>) -> Self {
        Self {
            out,
            rules,
            results: Vec::new(),
            columns: ColumnLocator::default(),
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
            let mut logical = json!({"name": listing, "kind": "object"});
            if let Some(field) = &f.field {
                logical = json!({
                    "name": field.to_string(),
                    "fullyQualifiedName": format!("{listing}.{field}"),
                    "kind": "member",
                });
            }
            let mut message = f.message.clone();
            if let Some(text) = &f.text {
                message.push_str(&format!(" 「{text}」"));
            }
            let mut region = json!({"startLine": f.line.max(1)});
            if let Some((start, end)) = self.columns.locate(f) {
                region["startColumn"] = json!(start);
                region["endColumn"] = json!(end);
            }
            self.results.push(json!({
                "ruleId": f.rule.to_string(),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(&f.file)},
                        "region": region,
                    },
                    "logicalLocations": [logical],
                }],
                "partialFingerprints": {"listlint/v1": f.fingerprint},
            }));
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
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "listlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": self.results,
            }],
        });
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
