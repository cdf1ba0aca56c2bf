//! From candidate matches to reportable hits, for every text-matching kind.
//!
//! A candidate (a lexicon term occurrence or a pattern match) is dropped when
//! an allow phrase of the same rule occurs over a span that contains it:
//! `第一时间` covers `第一`. Then, among the remaining hits of one field,
//! hits of the same category that overlap are reported once: the one that
//! starts first (the longest, if several start together; the first rule in
//! load order, if they are also as long). So `全网第一` is reported once even
//! when `第一` belongs to a second rule, and `销量第一名` once although
//! `销量第一` and `第一名` overlap. Both steps sort and sweep, so a field with
//! tens of thousands of hits costs `n log n`, not `n²`.

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
    let allowed = AllowIndex::new(occurrences);
    candidates.retain(|h| !allowed.covers(h.rule, h.first, h.last));
    candidates.sort_by_key(|h| (h.first, std::cmp::Reverse(h.last), h.rule, h.term));
    candidates.dedup();
    // The furthest end reached so far by a kept hit, per category.
    let mut reach: Vec<(u32, usize)> = Vec::new();
    candidates
        .into_iter()
        .filter(|h| {
            let category = rules[h.rule as usize].category_index;
            match reach.iter_mut().find(|(c, _)| *c == category) {
                Some((_, end)) if h.first < *end => false,
                Some((_, end)) => {
                    *end = h.last;
                    true
                }
                None => {
                    reach.push((category, h.last));
                    true
                }
            }
        })
        .collect()
}

/// Allow-phrase spans per rule, sorted by start, with the furthest end seen
/// up to each one, so "is this span covered" is a binary search.
pub(crate) struct AllowIndex {
    /// `(rule, first, furthest last among allows of the rule up to here)`.
    spans: Vec<(u32, usize, usize)>,
}

impl AllowIndex {
    pub(crate) fn new(occurrences: &[Occurrence]) -> Self {
        #[cfg(test)]
        INDEXES_BUILT.with(|n| n.set(n.get() + 1));
        let mut spans: Vec<(u32, usize, usize)> = occurrences
            .iter()
            .filter_map(|o| match o.used_by {
                PatternUse::Allow { rule } => Some((rule, o.first, o.last)),
                _ => None,
            })
            .collect();
        spans.sort_unstable();
        for i in 1..spans.len() {
            if spans[i].0 == spans[i - 1].0 {
                spans[i].2 = spans[i].2.max(spans[i - 1].2);
            }
        }
        Self { spans }
    }

    /// Whether an allow phrase of `rule` starts at or before `first` and
    /// ends at or after `last`.
    pub(crate) fn covers(&self, rule: u32, first: usize, last: usize) -> bool {
        if self.spans.is_empty() {
            return false;
        }
        // Last allow of this rule starting at or before the span.
        let upto = self
            .spans
            .partition_point(|&(r, f, _)| (r, f) <= (rule, first));
        upto > 0 && {
            let (r, _, reach) = self.spans[upto - 1];
            r == rule && reach >= last
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Allow indexes built on this thread, for tests that check a field's
    /// allow phrases are indexed once, not once per hit.
    static INDEXES_BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Allow indexes built so far on this thread (tests only).
#[cfg(test)]
pub(crate) fn allow_indexes_built() -> usize {
    INDEXES_BUILT.with(std::cell::Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kinds::lexicon::Lexicon;
    use crate::engine::message::MessageTemplate;
    use crate::model::Severity;
    use std::sync::Arc;

    fn rule(category_index: u32) -> Rule {
        Rule {
            id: Arc::from("r"),
            pack: Arc::from("p"),
            category: Arc::from("c"),
            category_index,
            severity: Severity::Error,
            message: MessageTemplate::parse("m"),
            help: None,
            summary: None,
            docs: None,
            references: Vec::new(),
            scans: Vec::new(),
            when: None,
            title_is_name: None,
            fix_unsafe: false,
            kind: Arc::new(Lexicon {
                terms: Vec::new(),
                normalized: Vec::new(),
                suggestions: Vec::new(),
                unsafe_suggestions: Vec::new(),
                allow: Vec::new(),
            }),
        }
    }

    fn hit(rule: u32, first: usize, last: usize) -> Hit {
        Hit {
            rule,
            term: Some(0),
            first,
            last,
        }
    }

    fn allow(rule: u32, first: usize, last: usize) -> Occurrence {
        Occurrence {
            used_by: PatternUse::Allow { rule },
            first,
            last,
        }
    }

    #[test]
    fn overlapping_hits_of_one_category_are_reported_once() {
        let rules = [rule(0), rule(0), rule(1)];
        // 销量第一名: 销量第一 [0,4) by rule 0, 第一名 [2,5) by rule 1, and
        // a hit of another category over the same characters.
        let kept = select(&rules, vec![hit(1, 2, 5), hit(0, 0, 4), hit(2, 2, 4)], &[]);
        assert_eq!(kept, [hit(0, 0, 4), hit(2, 2, 4)]);
        // Contained and equal spans: the longest, then the first rule.
        let kept = select(&rules, vec![hit(1, 1, 3), hit(0, 0, 4), hit(1, 0, 4)], &[]);
        assert_eq!(kept, [hit(0, 0, 4)]);
        // Hits that only touch are both kept.
        let kept = select(&rules, vec![hit(0, 0, 2), hit(1, 2, 4)], &[]);
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn allow_phrases_cover_hits_of_their_own_rule_only() {
        let rules = [rule(0), rule(1)];
        let occurrences = [allow(0, 0, 4), allow(0, 10, 11)];
        let kept = select(
            &rules,
            vec![hit(0, 0, 2), hit(1, 0, 2), hit(0, 3, 5)],
            &occurrences,
        );
        assert_eq!(kept, [hit(1, 0, 2), hit(0, 3, 5)]);
        // An earlier, longer allow reaches past a later, shorter one.
        let occurrences = [allow(0, 0, 9), allow(0, 2, 3)];
        assert!(select(&rules, vec![hit(0, 5, 8)], &occurrences).is_empty());
    }

    #[test]
    fn many_hits_are_handled_in_one_sweep() {
        let rules = [rule(0)];
        let candidates: Vec<Hit> = (0..40_000).map(|i| hit(0, 2 * i, 2 * i + 2)).collect();
        let occurrences: Vec<Occurrence> =
            (0..40_000).map(|i| allow(0, 4 * i, 4 * i + 2)).collect();
        assert_eq!(select(&rules, candidates, &occurrences).len(), 20_000);
    }
}
