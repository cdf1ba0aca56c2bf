//! Kind `lexicon`: banned terms, neutralised by allow phrases that cover
//! them.
//!
//! A term occurs where its normalised form occurs in the normalised field
//! text (the shared automaton finds it). Which occurrences are reported is
//! decided in [`crate::engine::hits`], as for pattern matches.

use std::sync::Arc;

use super::{register_allow, Kind, KindRule};
use crate::engine::compile::{allow_phrases, error_at};
use crate::engine::matcher::{MatcherBuilder, PatternUse};
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError};
use crate::suggest::did_you_mean;
use crate::text::normalize::{normalize_term, normalized_term_problem};

/// The `lexicon` kind.
#[derive(Debug)]
pub(crate) struct LexiconKind;

impl Kind for LexiconKind {
    fn name(&self) -> &'static str {
        "lexicon"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["terms", "suggest", "fix", "allow"]
    }

    fn reads_text(&self) -> bool {
        true
    }

    fn placeholders(&self) -> &'static [&'static str] {
        &["term", "field"]
    }

    fn compile(&self, pack: &LoadedPack, def: &RuleDef) -> Result<Arc<dyn KindRule>, PackError> {
        Ok(Arc::new(compile_lexicon(pack, def)?))
    }

    fn override_terms<'d>(&self, def: &'d mut RuleDef) -> Option<&'d mut Vec<String>> {
        def.terms.as_mut().map(|terms| &mut terms.value)
    }
}

/// Run-time data of a lexicon rule.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Terms as written in the pack (index = the `term` of a deny use).
    pub terms: Vec<String>,
    /// The terms normalised as field text is (what the matcher looks for).
    pub(crate) normalized: Vec<String>,
    /// Suggested replacement per term.
    pub suggestions: Vec<Option<Arc<str>>>,
    /// Per term, whether its suggestion is marked `fix: unsafe`.
    pub unsafe_suggestions: Vec<bool>,
    /// Allow phrases as written (rule's own, then the pack's).
    pub allow: Vec<String>,
}

impl KindRule for Lexicon {
    fn kind(&self) -> &'static dyn Kind {
        &LexiconKind
    }

    fn register(&self, rule: u32, matcher: &mut MatcherBuilder) {
        for (t, term) in self.normalized.iter().enumerate() {
            let term_use = PatternUse::Deny {
                rule,
                term: t as u32,
            };
            matcher.add(term, term_use);
        }
        register_allow(matcher, rule, &self.allow);
    }

    fn hit_wording(&self, term: Option<u32>) -> (Option<&str>, Option<&Arc<str>>) {
        match term {
            Some(t) => (
                Some(self.terms[t as usize].as_str()),
                self.suggestions[t as usize].as_ref(),
            ),
            None => (None, None),
        }
    }

    fn fix_unsafe(&self, term: Option<u32>) -> bool {
        term.and_then(|t| self.unsafe_suggestions.get(t as usize))
            .copied()
            .unwrap_or(false)
    }
}

fn compile_lexicon(pack: &LoadedPack, def: &RuleDef) -> Result<Lexicon, PackError> {
    let source = &pack.source;
    let id = &def.id.value;
    let Some(terms) = &def.terms else {
        return Err(error_at(
            source,
            &def.id,
            format!("lexicon rule `{id}` has no `terms`"),
            Some("list the banned wording under `terms:`".into()),
        ));
    };
    if terms.value.is_empty() {
        return Err(error_at(
            source,
            terms,
            format!("lexicon rule `{id}`: `terms` is empty"),
            None,
        ));
    }
    let normalized: Vec<String> = terms.value.iter().map(|t| normalize_term(t)).collect();
    for (term, normal) in terms.value.iter().zip(&normalized) {
        if let Some(problem) = normalized_term_problem(term, normal) {
            return Err(error_at(
                source,
                terms,
                format!("lexicon rule `{id}`: term {term:?} {problem}"),
                None,
            ));
        }
    }
    for key in def.suggest.keys() {
        if !terms.value.contains(key) {
            return Err(error_at(
                source,
                &def.id,
                format!(
                    "lexicon rule `{id}`: `suggest` has `{key}`, which is not one of its terms"
                ),
                did_you_mean(key, terms.value.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?")),
            ));
        }
    }
    let suggestions = terms
        .value
        .iter()
        .map(|t| def.suggest.get(t).map(|s| Arc::from(s.text())))
        .collect();
    let unsafe_suggestions = terms
        .value
        .iter()
        .map(|t| def.suggest.get(t).is_some_and(|s| s.is_unsafe()))
        .collect();
    Ok(Lexicon {
        terms: terms.value.clone(),
        normalized,
        suggestions,
        unsafe_suggestions,
        allow: allow_phrases(pack, def)?,
    })
}
