//! From candidate matches to reportable hits, for every text-matching kind.
//!
//! A candidate (a lexicon term occurrence or a pattern match) is dropped when
//! an allow phrase of the same rule occurs over a span that contains it:
//! `第一时间` covers `第一`. Then, among the remaining hits of one field, a
//! hit contained in another hit of the same category is dropped, so
//! `全网第一` is reported once even when `第一` belongs to a second rule.

use super::matcher::{Occurrence, PatternUse};
use super::Rule;

/// A match that survived the allow and overlap checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Rule index.
    pub rule: u32,
    /// Term index within a lexicon rule; `None` for a pattern match.
    pub term: Option<u32>,
    /// First normalised character.
    pub first: usize,
    /// One past the last normalised character.
    pub last: usize,
}

/// Filters candidates of one field, returning hits ordered by position.
pub fn select(rules: &[Rule], mut candidates: Vec<Hit>, occurrences: &[Occurrence]) -> Vec<Hit> {
    candidates.retain(|h| !is_allowed(h, occurrences));
    candidates.sort_by_key(|h| (h.first, std::cmp::Reverse(h.last), h.rule, h.term));
    candidates.dedup();
    candidates
        .iter()
        .enumerate()
        .filter(|&(i, h)| !is_covered(rules, &candidates, i, h))
        .map(|(_, h)| *h)
        .collect()
}

/// Whether an allow phrase of the same rule covers the hit.
fn is_allowed(hit: &Hit, occurrences: &[Occurrence]) -> bool {
    occurrences.iter().any(|a| {
        a.used_by == PatternUse::Allow { rule: hit.rule }
            && a.first <= hit.first
            && hit.last <= a.last
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
