//! The one Aho-Corasick automaton over every term and allow phrase of every
//! enabled rule.
//!
//! Each distinct normalised string is one automaton pattern; a pattern table
//! maps the pattern back to every (rule, role) that uses it, so a string
//! shared by several rules is still scanned once.

use std::collections::HashMap;
use std::path::Path;

use daachorse::CharwiseDoubleArrayAhoCorasick;

use super::automaton_cache;
use crate::text::normalize::Normalized;

/// One use of a pattern: what it means, and to which rule or condition.
/// A rule kind registers its terms with the uses that give them the
/// meaning it wants (see [`super::kinds`]); the engine acts on each use
/// the same way whatever the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternUse {
    /// A term whose occurrences are the rule's text hits (a lexicon rule's
    /// deny terms): rule index and term index.
    Deny {
        /// Rule index in the ruleset.
        rule: u32,
        /// Index into the rule's terms.
        term: u32,
    },
    /// An allow phrase: suppresses hits of the same rule it covers.
    Allow {
        /// Rule index in the ruleset.
        rule: u32,
    },
    /// A keyword: the rule's own matching (a pattern rule's regex) runs
    /// on a field where one occurs.
    Keyword {
        /// Rule index in the ruleset.
        rule: u32,
    },
    /// A trigger: the first occurrence in a field's own value that no
    /// allow phrase of the rule covers is noted for the rule's kind to
    /// check (a disclosure rule's promotion wording).
    Trigger {
        /// Rule index in the ruleset.
        rule: u32,
        /// Index into the rule's triggers.
        term: u32,
    },
    /// A term of one of the rule's items: that it occurs in a field's own
    /// value is noted for the rule's kind to check (a disclosure rule's
    /// disclosure terms).
    ItemTerm {
        /// Rule index in the ruleset.
        rule: u32,
        /// Index of the item.
        item: u32,
    },
    /// A term of a `contains` condition.
    Contains {
        /// Index of the `contains` test.
        test: u32,
    },
    /// An allow phrase of a `contains` condition: a term occurrence it
    /// covers does not count.
    ContainsAllow {
        /// Index of the `contains` test.
        test: u32,
    },
}

/// A pattern occurrence: character range `[first, last)` of the
/// normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Who uses the pattern.
    pub used_by: PatternUse,
    /// First normalised character.
    pub first: usize,
    /// One past the last normalised character.
    pub last: usize,
}

/// Collects patterns before building the automaton.
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    patterns: Vec<String>,
    index: HashMap<String, usize>,
    uses: Vec<Vec<PatternUse>>,
}

impl MatcherBuilder {
    /// Registers a normalised pattern for a rule. Empty patterns are ignored
    /// (pack validation rejects them before this point).
    pub fn add(&mut self, normalized: &str, used_by: PatternUse) {
        if normalized.is_empty() {
            return;
        }
        let id = match self.index.get(normalized) {
            Some(&id) => id,
            None => {
                let id = self.patterns.len();
                self.patterns.push(normalized.to_owned());
                self.index.insert(normalized.to_owned(), id);
                self.uses.push(Vec::new());
                id
            }
        };
        if !self.uses[id].contains(&used_by) {
            self.uses[id].push(used_by);
        }
    }

    /// Builds one automaton over every pattern, which scans every field.
    pub fn build(self) -> Result<Matcher, daachorse::errors::DaachorseError> {
        self.build_cached(None)
    }

    /// [`Self::build`], reading the automaton from `cache` (a folder)
    /// where a run with the same patterns kept it; a built one is kept
    /// there (see [`super::automaton_cache`]).
    pub fn build_cached(
        self,
        cache: Option<&Path>,
    ) -> Result<Matcher, daachorse::errors::DaachorseError> {
        let every: Vec<u32> = (0..self.patterns.len() as u32).collect();
        let automaton = self.automaton(every, cache)?;
        Ok(self.finish(automaton.into_iter().collect(), Vec::new(), Some(0)))
    }

    /// Builds the automata of [`Matcher::scan`]: a field is scanned for
    /// the patterns with a use that concerns it (`concerns(use, field)`,
    /// for fields `0..fields`), so that its scan does not report
    /// occurrences every rule would set aside (the rules that scan a
    /// description use two thirds of the patterns, and see a third of the
    /// occurrences of all of them). Fields that need the same patterns
    /// share one automaton; past [`MAX_AUTOMATA`] sets, the remaining
    /// fields are scanned for every pattern, which reports more
    /// occurrences, never fewer. Each automaton is read from and kept in
    /// `cache` as [`Self::build_cached`] does.
    pub fn build_for_fields(
        self,
        fields: usize,
        concerns: impl Fn(PatternUse, usize) -> bool,
        cache: Option<&Path>,
    ) -> Result<Matcher, daachorse::errors::DaachorseError> {
        self.build_for_fields_at_most(fields, concerns, cache, MAX_AUTOMATA)
    }

    /// [`Self::build_for_fields`] with at most `max_sets` automata.
    fn build_for_fields_at_most(
        self,
        fields: usize,
        concerns: impl Fn(PatternUse, usize) -> bool,
        cache: Option<&Path>,
        max_sets: usize,
    ) -> Result<Matcher, daachorse::errors::DaachorseError> {
        let mut sets: Vec<Vec<u32>> = Vec::new();
        let mut by_field = Vec::with_capacity(fields);
        for field in 0..fields {
            let ids: Vec<u32> = (0..self.patterns.len())
                .filter(|&id| self.uses[id].iter().any(|&u| concerns(u, field)))
                .map(|id| id as u32)
                .collect();
            let set = if ids.is_empty() {
                None
            } else if let Some(known) = sets.iter().position(|s| *s == ids) {
                Some(known)
            } else if sets.len() + 1 < max_sets || ids.len() == self.patterns.len() {
                sets.push(ids);
                Some(sets.len() - 1)
            } else {
                // Too many sets: every pattern, in one automaton shared
                // by every such field.
                let every = sets.iter().position(|s| s.len() == self.patterns.len());
                Some(every.unwrap_or_else(|| {
                    sets.push((0..self.patterns.len() as u32).collect());
                    sets.len() - 1
                }))
            };
            by_field.push(set);
        }
        let mut automata = Vec::with_capacity(sets.len());
        for ids in sets {
            automata.extend(self.automaton(ids, cache)?);
        }
        Ok(self.finish(automata, by_field, None))
    }

    /// The matcher over `automata`.
    fn finish(
        self,
        automata: Vec<Automaton>,
        by_field: Vec<Option<usize>>,
        other_fields: Option<usize>,
    ) -> Matcher {
        let bounded = self
            .patterns
            .iter()
            .map(|p| {
                let first = p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
                let last = p.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
                first || last
            })
            .collect();
        Matcher {
            other_fields: other_fields.filter(|_| !automata.is_empty()),
            automata,
            by_field,
            uses: self.uses,
            bounded,
            pattern_count: self.patterns.len(),
        }
    }

    /// The automaton of patterns `ids` (none when there are none), read
    /// from `cache` or built (and kept there).
    fn automaton(
        &self,
        ids: Vec<u32>,
        cache: Option<&Path>,
    ) -> Result<Option<Automaton>, daachorse::errors::DaachorseError> {
        if ids.is_empty() {
            return Ok(None);
        }
        let patterns: Vec<&str> = ids
            .iter()
            .map(|&id| self.patterns[id as usize].as_str())
            .collect();
        let ac = match cache {
            Some(folder) => {
                let key = automaton_cache::key(&patterns);
                match automaton_cache::load(folder, &key) {
                    Some(ac) => ac,
                    None => {
                        let ac = build_automaton(&patterns)?;
                        automaton_cache::store(folder, &key, &ac);
                        ac
                    }
                }
            }
            None => build_automaton(&patterns)?,
        };
        Ok(Some(Automaton { ac, ids }))
    }
}

/// Distinct automata a matcher builds at most (see
/// [`MatcherBuilder::build_for_fields`]).
pub const MAX_AUTOMATA: usize = 4;

/// A character-wise double-array automaton whose values are the patterns'
/// positions in `patterns`: on Chinese text it takes one step per
/// character rather than per byte, and its overlapping scan measured about
/// 1.75 times as fast as the `aho-corasick` crate's full DFA
/// (docs/performance.md).
///
/// Without daachorse's match-candidate prefilter: its two-byte grams skip
/// little in listing text, where thousands of patterns start at common
/// ideographs, and the gate that turns it off when it does not pay starts
/// anew with every scan, that is with every field (1.7% of a check's
/// instructions, 2–3% of its time, docs/performance.md).
fn build_automaton(
    patterns: &[&str],
) -> Result<CharwiseDoubleArrayAhoCorasick<u32>, daachorse::errors::DaachorseError> {
    daachorse::CharwiseDoubleArrayAhoCorasickBuilder::new()
        .use_prefilter(false)
        .build_with_values(patterns.iter().enumerate().map(|(at, p)| (*p, at as u32)))
}

/// One automaton and the patterns it finds.
#[derive(Clone)]
struct Automaton {
    /// Its values index `ids`.
    ac: CharwiseDoubleArrayAhoCorasick<u32>,
    /// The pattern id of each of its patterns.
    ids: Vec<u32>,
}

/// The compiled automata and the pattern table.
#[derive(Clone)]
pub struct Matcher {
    automata: Vec<Automaton>,
    /// The automaton that scans each field, by field index (`None`: no
    /// pattern concerns the field).
    by_field: Vec<Option<usize>>,
    /// The automaton that scans a field past the end of `by_field`.
    other_fields: Option<usize>,
    uses: Vec<Vec<PatternUse>>,
    /// Patterns with an ASCII letter or digit at an edge must stand at a
    /// word boundary there.
    bounded: Vec<bool>,
    pattern_count: usize,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("pattern_count", &self.pattern_count)
            .field("automata", &self.automata.len())
            .finish_non_exhaustive()
    }
}

impl Matcher {
    /// Number of distinct patterns in the automata.
    pub fn pattern_count(&self) -> usize {
        self.pattern_count
    }

    /// Finds every occurrence (overlapping ones included) in `text`, the
    /// value of field `field`, of every pattern that concerns the field,
    /// and appends one [`Occurrence`] per use of the pattern. (An
    /// occurrence of a pattern that does not concern the field may be
    /// reported too: see [`MatcherBuilder::build_for_fields`].)
    pub fn scan(&self, field: usize, text: &Normalized, out: &mut Vec<Occurrence>) {
        let automaton = match self.by_field.get(field) {
            Some(set) => *set,
            None => self.other_fields,
        };
        let Some(Automaton { ac, ids }) = automaton.and_then(|a| self.automata.get(a)) else {
            return;
        };
        for m in ac.find_overlapping_iter(text.text.as_str()) {
            // Values come from the automaton, which may have been read
            // from a cache file: one out of range is no pattern of this
            // run.
            let Some(&id) = ids.get(m.value() as usize) else {
                continue;
            };
            let id = id as usize;
            let (Some(&bounded), Some(uses)) = (self.bounded.get(id), self.uses.get(id)) else {
                continue;
            };
            let (first, last) = text.char_range(m.start(), m.end());
            if bounded && !text.has_word_boundaries(first, last) {
                continue;
            }
            let straddles = text.straddles_words(first, last);
            out.extend(
                uses.iter()
                    // A deny term read across two words is not the term;
                    // allow phrases, keywords and condition terms stay
                    // lenient.
                    .filter(|u| {
                        !(straddles
                            && matches!(u, PatternUse::Deny { .. } | PatternUse::Trigger { .. }))
                    })
                    .map(|&used_by| Occurrence {
                        used_by,
                        first,
                        last,
                    }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::Normalizer;

    const PATTERNS: &[&str] = &["最好", "好", "no1", "国家级", "级", "1", "第一", "一"];

    fn matcher() -> Matcher {
        let mut builder = MatcherBuilder::default();
        for (i, p) in PATTERNS.iter().enumerate() {
            builder.add(p, PatternUse::Allow { rule: i as u32 });
        }
        builder.build().expect("builds")
    }

    /// Rule `r` scans field `f` when bit `f` of `FIELD_MASKS[r]` is set;
    /// rule 8 scans no field.
    const FIELD_MASKS: [u32; 9] = [0b001, 0b011, 0b111, 0b100, 0b010, 0b001, 0b110, 0b101, 0];

    fn concerns(used_by: PatternUse, field: usize) -> bool {
        let PatternUse::Allow { rule } = used_by else {
            unreachable!()
        };
        FIELD_MASKS[rule as usize] & (1 << field) != 0
    }

    proptest::proptest! {
        /// A field's scan finds every occurrence that concerns the field,
        /// as the one automaton over every pattern finds it, and nothing
        /// that automaton does not find; fields whose patterns are the
        /// same share an automaton, and a field no pattern concerns is
        /// not scanned.
        #[test]
        fn a_field_is_scanned_for_the_patterns_that_concern_it(
            value in "[a-zA-Z0-9 .。最好國家级第一ＮＯ１]{0,40}",
            uses in proptest::collection::vec((0usize..PATTERNS.len(), 0u32..9), 1..12),
            max_sets in 1usize..=MAX_AUTOMATA,
        ) {
            let build = |for_fields: bool| {
                let mut builder = MatcherBuilder::default();
                for &(pattern, rule) in &uses {
                    builder.add(PATTERNS[pattern], PatternUse::Allow { rule });
                }
                if for_fields {
                    builder.build_for_fields_at_most(4, concerns, None, max_sets)
                } else {
                    builder.build()
                }
                .expect("builds")
            };
            let (every, by_field) = (build(false), build(true));
            proptest::prop_assert!(by_field.automata.len() <= max_sets);
            let mut text = Normalized::default();
            Normalizer::new().normalize_into(&value, &mut text);
            let mut all = Vec::new();
            every.scan(0, &text, &mut all);
            for field in 0..4 {
                let mut found = Vec::new();
                by_field.scan(field, &text, &mut found);
                for occ in &found {
                    proptest::prop_assert!(all.contains(occ), "{occ:?} in field {field}");
                }
                for occ in all.iter().filter(|o| concerns(o.used_by, field)) {
                    proptest::prop_assert!(found.contains(occ), "{occ:?} in field {field}");
                }
                if field == 3 {
                    proptest::prop_assert!(found.is_empty(), "no rule scans field 3");
                }
            }
        }

        /// Every occurrence covers exactly the characters of its pattern,
        /// and the scan finds each place a pattern occurs (that stands at
        /// word boundaries where it must), as the character map says.
        #[test]
        fn occurrences_cover_their_patterns(
            value in "[a-zA-Z0-9 .。<>/&;pb最好國家级第一ＮＯ１😀\n]{0,40}",
        ) {
            let mut text = Normalized::default();
            Normalizer::new().normalize_into(&value, &mut text);
            let mut found = Vec::new();
            matcher().scan(0, &text, &mut found);
            let chars: Vec<char> = text.chars.iter().map(|c| c.ch).collect();
            for occ in &found {
                let PatternUse::Allow { rule } = occ.used_by else { unreachable!() };
                let pattern = PATTERNS[rule as usize];
                let covered: String = chars[occ.first..occ.last].iter().collect();
                proptest::prop_assert_eq!(&covered, pattern);
                let start = text.chars[occ.first].byte as usize;
                let end = start + pattern.len();
                proptest::prop_assert_eq!(text.char_range(start, end), (occ.first, occ.last));
            }
            for (rule, pattern) in PATTERNS.iter().enumerate() {
                for (start, _) in text.text.match_indices(pattern) {
                    let (first, last) = text.char_range(start, start + pattern.len());
                    let bounded = pattern.chars().any(|c| c.is_ascii_alphanumeric());
                    if bounded && !text.has_word_boundaries(first, last) {
                        continue;
                    }
                    let expected = Occurrence {
                        used_by: PatternUse::Allow { rule: rule as u32 },
                        first,
                        last,
                    };
                    proptest::prop_assert!(found.contains(&expected), "{pattern} at {start}");
                }
            }
        }
    }
}
