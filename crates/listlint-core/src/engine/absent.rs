//! Collapsing: a `require` rule whose value has no column at all in a
//! headed file (CSV, TSV, an XLSX sheet, a 淘宝助理 data package) would
//! report every listing it applies to, for one cause, the export's
//! columns. [`Ruleset::check_collapsing`] notes those listings instead of
//! reporting them, and [`AbsentColumns`] counts them per file and rule and
//! makes one finding per rule for the file: `listing_id` null, severity
//! info, how many listings it applied to, the field that has no column and
//! how to map one. Inputs whose fields are per record (JSON, JSON Lines,
//! catalog files) carry no header and keep their per-listing findings.

use std::sync::Arc;

use super::kinds::require::Require;
use super::Ruleset;
use crate::model::{Finding, Identity, Origin, RuleRef, Severity};

/// Listings of one file noted absent per rule, until the file ends.
#[derive(Debug, Default)]
pub struct AbsentColumns {
    /// The file being counted.
    file: Option<Arc<str>>,
    /// Its header row's line.
    header_line: u64,
    /// (rule index, listings), in the order rules were first noted.
    counts: Vec<(u32, u64)>,
}

impl AbsentColumns {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether listings of a file other than `file` are counted (so that
    /// file's findings should be made before `file`'s are reported).
    pub fn counts_other_than(&self, file: &str) -> bool {
        self.file.as_deref().is_some_and(|f| f != file) && !self.counts.is_empty()
    }

    /// Counts `listings` listings of `file`, whose header row is on
    /// `header_line`, for the rule at index `rule`. Counts of another file
    /// are dropped: take their findings first ([`Self::findings`]).
    pub fn add(&mut self, file: &Arc<str>, header_line: u64, rule: u32, listings: u64) {
        if self.file.as_deref() != Some(&**file) {
            self.file = Some(file.clone());
            self.counts.clear();
        }
        self.header_line = header_line;
        match self.counts.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, n)) => *n += listings,
            None => self.counts.push((rule, listings)),
        }
    }

    /// The findings of the file counted so far, one per rule in rule
    /// order, and nothing counted after.
    pub fn findings(&mut self, ruleset: &Ruleset) -> Vec<Finding> {
        let Some(file) = self.file.take() else {
            return Vec::new();
        };
        let mut counts = std::mem::take(&mut self.counts);
        counts.sort_unstable();
        counts
            .into_iter()
            .filter_map(|(rule, listings)| {
                ruleset.absent_column_finding(&file, self.header_line, rule, listings)
            })
            .collect()
    }
}

impl Ruleset {
    /// The finding that stands for `listings` listings of `file` (header
    /// on `header_line`) to which `require` rule `rule` applied and whose
    /// value no column of the header holds. `None` if `rule` is not a
    /// `require` rule of this ruleset.
    pub fn absent_column_finding(
        &self,
        file: &Arc<str>,
        header_line: u64,
        rule: u32,
        listings: u64,
    ) -> Option<Finding> {
        let indices = [rule];
        let (_, r, require) = self.rules_of::<Require>(&indices).next()?;
        let field = require.fields.first()?.as_str();
        let message = absent_message(require, field, listings);
        let key = format!("{file}#header");
        let origin = Origin {
            file: file.clone(),
            line: header_line,
            record: 0,
            listing_id: None,
            key: &key,
        };
        let rule_ref = RuleRef {
            rule: r.id.clone(),
            pack: r.pack.clone(),
            category: r.category.clone(),
            severity: Severity::Info,
            help: r.help.clone(),
        };
        let identity = Identity {
            field: Some(field),
            text: "no column",
        };
        Some(Finding::identified_by(
            rule_ref,
            origin,
            Some(Arc::from(field)),
            identity,
            message,
        ))
    }
}

/// The collapsed finding's message, in Chinese when the requirement is
/// named in Chinese (the built-in packs' are).
fn absent_message(require: &Require, field: &str, listings: u64) -> String {
    let others: Vec<&str> = require.fields.iter().skip(1).map(String::as_str).collect();
    let chinese = require
        .name
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let in_text = require.in_text.join("、");
    if chinese {
        let also = if others.is_empty() {
            String::new()
        } else {
            format!("（也没有 {} 列）", others.join("、"))
        };
        let text = if in_text.is_empty() {
            String::new()
        } else {
            format!("，{in_text} 中也没有写明")
        };
        format!(
            "本文件有 {listings} 条商品适用此规则、需要展示{name}，但表头中没有映射到 `{field}` 的列{also}{text}；每条商品都缺少，合并为这一条。导出时加上该列，并用 `--map {field}=列名` 指明（列名即表头中该列的名称，如 `--map {field}=备案号`）；要逐条列出这些商品，用 `--no-collapse`",
            name = require.name,
        )
    } else {
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (nor to {})", others.join(", "))
        };
        let text = if in_text.is_empty() {
            String::new()
        } else {
            format!(", and {} do not show it", require.in_text.join(", "))
        };
        format!(
            "{listings} listings of this file need {name}, but no column of its header maps to `{field}`{also}{text}; reported once for the file instead of once per listing. Export the column and map it with `--map {field}=HEADER`; `--no-collapse` lists every listing",
            name = require.name,
        )
    }
}
