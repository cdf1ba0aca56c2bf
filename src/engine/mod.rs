//! The engine: packs compiled into one [`Ruleset`], run over listings.
//!
//! Each text field of a listing is normalised once and scanned once by the
//! shared automaton; the rule kinds turn occurrences into hits, and hits
//! become [`Finding`]s with spans in the original field value.

pub mod compile;
pub mod html;
pub mod kinds;
pub mod matcher;
pub mod message;
pub mod normalize;
pub mod select;
pub mod t2s;

use std::sync::Arc;

use crate::listing::{InputProblem, Listing};
use crate::pack::schema::{Reference, Severity};
use crate::report::finding::{fingerprint, Finding};
use kinds::RuleKind;
use matcher::{Matcher, Occurrence};
use message::MessageTemplate;
use normalize::{Normalized, Normalizer};

pub use compile::compile;
pub use select::RuleFilter;

/// Fields scanned for wording when a rule does not say (SPEC §1).
pub const DEFAULT_FIELDS: &[&str] = &["title", "subtitle", "description", "promo_text"];

/// Pack name and category of findings about unreadable records.
pub const INPUT_CATEGORY: &str = "input";

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Rule id.
    pub id: Arc<str>,
    /// Pack name.
    pub pack: Arc<str>,
    /// Category.
    pub category: Arc<str>,
    /// Index of the category among the ruleset's categories.
    pub category_index: u32,
    /// Severity.
    pub severity: Severity,
    /// Message template (`{term}`, `{field}`).
    pub message: MessageTemplate,
    /// Help text.
    pub help: Option<Arc<str>>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer documentation.
    pub docs: Option<String>,
    /// Legal basis.
    pub references: Vec<Reference>,
    /// Whether the rule scans each of [`Ruleset::scan_fields`].
    pub scans: Vec<bool>,
    /// Kind-specific data.
    pub kind: RuleKind,
}

/// All enabled rules of all loaded packs, ready to run.
#[derive(Debug, Clone)]
pub struct Ruleset {
    /// Rules in pack order.
    pub rules: Vec<Rule>,
    /// Every field some rule scans, defaults first.
    pub scan_fields: Vec<Arc<str>>,
    /// Loaded pack names and versions.
    pub packs: Vec<(Arc<str>, String)>,
    pub(crate) matcher: Matcher,
    /// Whether findings carry the whole field value (for renderers that
    /// show context); off by default to save a copy per field.
    pub keep_sources: bool,
}

/// Per-thread buffers reused across listings.
#[derive(Debug, Default)]
pub struct Scratch {
    normalizer: Normalizer,
    normalized: Normalized,
    occurrences: Vec<Occurrence>,
}

impl Ruleset {
    /// Number of distinct patterns in the shared automaton.
    pub fn pattern_count(&self) -> usize {
        self.matcher.pattern_count()
    }

    /// Looks up a rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }

    /// Checks one listing: its input problems first, then every scanned
    /// field in [`Self::scan_fields`] order, hits by position.
    pub fn check(&self, listing: &Listing, scratch: &mut Scratch) -> Vec<Finding> {
        let mut key: Option<String> = None;
        let mut findings: Vec<Finding> = Vec::new();
        if !listing.problems.is_empty() {
            let key = key.get_or_insert_with(|| listing.key());
            findings.extend(
                listing
                    .problems
                    .iter()
                    .map(|p| input_finding(listing, key, p)),
            );
        }
        for (field_index, field) in self.scan_fields.iter().enumerate() {
            let Some(value) = listing.get(field) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let Scratch {
                normalizer,
                normalized,
                occurrences,
            } = scratch;
            normalizer.normalize_into(value, normalized);
            occurrences.clear();
            self.matcher.scan(normalized, occurrences);
            if occurrences.is_empty() {
                continue;
            }
            let hits = kinds::lexicon::evaluate(&self.rules, occurrences, |r| r.scans[field_index]);
            if hits.is_empty() {
                continue;
            }
            let source: Option<Arc<str>> = self.keep_sources.then(|| Arc::from(value));
            for hit in hits {
                let rule = &self.rules[hit.rule as usize];
                let RuleKind::Lexicon(lexicon) = &rule.kind;
                let (start, end) = normalized.original_range(hit.first, hit.last);
                let text = char_slice(value, start, end).to_owned();
                let term = lexicon.terms[hit.term as usize].as_str();
                let key = key.get_or_insert_with(|| listing.key());
                findings.push(Finding {
                    rule: rule.id.clone(),
                    pack: rule.pack.clone(),
                    category: rule.category.clone(),
                    severity: rule.severity,
                    message: rule.message.render(|name| match name {
                        "term" => term,
                        "field" => field,
                        _ => "",
                    }),
                    help: rule.help.clone(),
                    suggestion: lexicon.suggestions[hit.term as usize].clone(),
                    file: listing.file.clone(),
                    line: listing.line,
                    record: listing.record,
                    listing_id: listing.id().map(str::to_owned),
                    field: Some(field.clone()),
                    start: Some(start),
                    end: Some(end),
                    fingerprint: fingerprint(&rule.id, key, Some(field), Some(&text)),
                    text: Some(text),
                    source: source.clone(),
                });
            }
        }
        findings
    }
}

/// The characters `[start, end)` of `value`.
fn char_slice(value: &str, start: usize, end: usize) -> &str {
    let mut indices = value.char_indices().map(|(i, _)| i).chain([value.len()]);
    let from = indices.nth(start).unwrap_or(value.len());
    let to = if end > start {
        indices.nth(end - start - 1).unwrap_or(value.len())
    } else {
        from
    };
    &value[from..to]
}

/// The finding for a record that could not be (fully) read.
fn input_finding(listing: &Listing, key: &str, problem: &InputProblem) -> Finding {
    let field = problem.field.as_deref();
    Finding {
        rule: Arc::from(problem.rule),
        pack: Arc::from(INPUT_CATEGORY),
        category: Arc::from(INPUT_CATEGORY),
        severity: Severity::Error,
        message: problem.message.clone(),
        help: Some(Arc::from(
            "fix the record in the export; the fields that could be read were still checked",
        )),
        suggestion: None,
        file: listing.file.clone(),
        line: listing.line,
        record: listing.record,
        listing_id: listing.id().map(str::to_owned),
        field: problem.field.clone(),
        start: None,
        end: None,
        text: None,
        fingerprint: fingerprint(problem.rule, key, field, Some(&problem.message)),
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::char_slice;

    #[test]
    fn char_slice_counts_characters_not_bytes() {
        assert_eq!(char_slice("甲最好乙", 1, 3), "最好");
        assert_eq!(char_slice("ab", 0, 2), "ab");
        assert_eq!(char_slice("ab", 2, 2), "");
        assert_eq!(char_slice("最", 0, 1), "最");
    }
}
