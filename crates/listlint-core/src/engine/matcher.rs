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

    /// Builds the automaton.
    pub fn build(self) -> Result<Matcher, daachorse::errors::DaachorseError> {
        self.build_cached(None)
    }

    /// Builds the automaton, or reads it from `cache` (a folder) where a
    /// run with the same patterns kept it; a built one is kept there (see
    /// [`super::automaton_cache`]).
    pub fn build_cached(
        self,
        cache: Option<&Path>,
    ) -> Result<Matcher, daachorse::errors::DaachorseError> {
        let ac = if self.patterns.is_empty() {
            None
        } else if let Some(folder) = cache {
            let key = automaton_cache::key(&self.patterns);
            match automaton_cache::load(folder, &key) {
                Some(ac) => Some(ac),
                None => {
                    let ac = self.automaton()?;
                    automaton_cache::store(folder, &key, &ac);
                    Some(ac)
                }
            }
        } else {
            Some(self.automaton()?)
        };
        let bounded = self
            .patterns
            .iter()
            .map(|p| {
                let first = p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
                let last = p.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
                first || last
            })
            .collect();
        Ok(Matcher {
            ac,
            uses: self.uses,
            bounded,
            pattern_count: self.patterns.len(),
        })
    }

    /// A character-wise double-array automaton: on Chinese text it takes
    /// one step per character rather than per byte, and its overlapping
    /// scan measured about 1.75 times as fast as the `aho-corasick`
    /// crate's full DFA (docs/performance.md).
    fn automaton(
        &self,
    ) -> Result<CharwiseDoubleArrayAhoCorasick<u32>, daachorse::errors::DaachorseError> {
        CharwiseDoubleArrayAhoCorasick::with_values(
            self.patterns
                .iter()
                .enumerate()
                .map(|(id, p)| (p.as_str(), id as u32)),
        )
    }
}

/// The compiled automaton and its pattern table.
#[derive(Clone)]
pub struct Matcher {
    ac: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
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
            .finish_non_exhaustive()
    }
}

impl Matcher {
    /// Number of distinct patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.pattern_count
    }

    /// Finds every occurrence (overlapping ones included) of every pattern
    /// in `text` and appends one [`Occurrence`] per use.
    pub fn scan(&self, text: &Normalized, out: &mut Vec<Occurrence>) {
        let Some(ac) = &self.ac else { return };
        for m in ac.find_overlapping_iter(text.text.as_str()) {
            let id = m.value() as usize;
            // Ids come from the automaton, which may have been read from a
            // cache file: one out of range is no pattern of this run.
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

    proptest::proptest! {
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
            matcher().scan(&text, &mut found);
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
