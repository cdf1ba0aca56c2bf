//! One row per finding, as the `问题` sheet of `--format xlsx` and
//! `--format csv` show it: the same columns, in the same order, with the
//! same values.

use std::collections::HashMap;

use super::{Finding, RuleInfo};
use listlint_core::model::Severity;

/// Column headings, in order.
pub const COLUMNS: [&str; 11] = [
    "文件",
    "行号",
    "商品ID",
    "字段",
    "匹配文本",
    "规则",
    "严重程度",
    "说明",
    "建议",
    "法律依据",
    "原因",
];

/// Position of the line number, the one numeric column.
pub const LINE_COLUMN: usize = 1;

/// The Chinese name of a severity, as the sheets show it.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
    }
}

/// Each rule's legal basis, its references joined into one cell.
#[derive(Debug, Default)]
pub struct LegalBasis {
    by_rule: HashMap<String, String>,
}

impl LegalBasis {
    /// The references of `rules` (rules without one have none).
    pub fn new(rules: &[RuleInfo]) -> Self {
        let by_rule = rules
            .iter()
            .filter(|r| !r.references.is_empty())
            .map(|r| (r.id.clone(), r.references.join("；")))
            .collect();
        Self { by_rule }
    }

    /// The legal basis of rule `id`, empty when it cites none.
    pub fn of(&self, id: &str) -> &str {
        self.by_rule.get(id).map_or("", String::as_str)
    }
}

/// The `原因` cell: why a conditional rule applied, as the field and the
/// word (or the category path) in 「」: `title「美白」`,
/// `category「美妆>面部护肤」`; empty for other findings.
pub fn reason_cell(finding: &Finding, out: &mut String) {
    out.clear();
    if let Some(reason) = &finding.reason {
        out.push_str(&reason.field);
        out.push('「');
        out.push_str(&reason.text);
        out.push('」');
    }
}

/// The cells of one finding's row, in [`COLUMNS`] order; absent values
/// are empty strings. The line number is at [`LINE_COLUMN`]; `reason` is
/// [`reason_cell`]'s.
pub fn cells<'a>(
    finding: &'a Finding,
    legal: &'a LegalBasis,
    line: &'a str,
    reason: &'a str,
) -> [&'a str; 11] {
    [
        &finding.file,
        line,
        finding.listing_id.as_deref().unwrap_or(""),
        finding.field.as_deref().unwrap_or(""),
        finding.text.as_deref().unwrap_or(""),
        &finding.rule,
        severity_label(finding.severity),
        &finding.message,
        finding.suggestion.as_deref().unwrap_or(""),
        legal.of(&finding.rule),
        reason,
    ]
}
