//! Kind `lexicon`: banned terms, neutralised by allow phrases that cover
//! them.
//!
//! A term occurs where its normalised form occurs in the normalised field
//! text. An occurrence is dropped when an allow phrase of the same rule (or
//! of its pack) occurs over a span that contains it: `第一时间` covers `第一`.
//! Then, among the remaining hits of one field, a hit contained in another
//! hit of the same category is dropped, so `全网第一` is reported once even
//! when `第一` belongs to a second rule.

use std::sync::Arc;

use crate::engine::matcher::{Occurrence, Role};
use crate::engine::Rule;

/// Run-time data of a lexicon rule.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Terms as written in the pack (index = [`Role::Deny`] payload).
    pub terms: Vec<String>,
    /// Suggested replacement per term.
    pub suggestions: Vec<Option<Arc<str>>>,
    /// Allow phrases as written (rule's own, then the pack's).
    pub allow: Vec<String>,
}

/// A deny-term occurrence that survived the allow and overlap checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Rule index.
    pub rule: u32,
    /// Term index within the rule.
    pub term: u32,
    /// First normalised character.
    pub first: usize,
    /// One past the last normalised character.
    pub last: usize,
}

/// Picks the reportable hits of one field from its occurrences, ordered by
/// position. `scans_field(rule)` says whether the rule looks at this field.
pub fn evaluate(
    rules: &[Rule],
    occurrences: &[Occurrence],
    scans_field: impl Fn(&Rule) -> bool,
) -> Vec<Hit> {
    let mut candidates: Vec<Hit> = occurrences
        .iter()
        .filter_map(|occ| {
            let Role::Deny(term) = occ.used_by.role else {
                return None;
            };
            let rule = &rules[occ.used_by.rule as usize];
            (scans_field(rule) && !is_allowed(occ, occurrences)).then_some(Hit {
                rule: occ.used_by.rule,
                term,
                first: occ.first,
                last: occ.last,
            })
        })
        .collect();
    candidates.sort_by_key(|h| (h.first, std::cmp::Reverse(h.last), h.rule, h.term));
    candidates
        .iter()
        .enumerate()
        .filter(|&(i, h)| !is_covered(rules, &candidates, i, h))
        .map(|(_, h)| *h)
        .collect()
}

/// Whether an allow phrase of the same rule covers the occurrence.
fn is_allowed(deny: &Occurrence, occurrences: &[Occurrence]) -> bool {
    occurrences.iter().any(|a| {
        a.used_by.rule == deny.used_by.rule
            && a.used_by.role == Role::Allow
            && a.first <= deny.first
            && deny.last <= a.last
    })
}

/// Whether another hit of the same category contains `hit` (for equal
/// spans, the one sorted first wins).
fn is_covered(rules: &[Rule], sorted: &[Hit], i: usize, hit: &Hit) -> bool {
    let category = rules[hit.rule as usize].category_index;
    sorted.iter().enumerate().any(|(j, o)| {
        j != i
            && rules[o.rule as usize].category_index == category
            && o.first <= hit.first
            && hit.last <= o.last
            && ((o.last - o.first) > (hit.last - hit.first) || j < i)
    })
}
