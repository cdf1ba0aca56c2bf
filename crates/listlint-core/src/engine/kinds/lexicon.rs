//! Kind `lexicon`: banned terms, neutralised by allow phrases that cover
//! them.
//!
//! A term occurs where its normalised form occurs in the normalised field
//! text (the shared automaton finds it). Which occurrences are reported is
//! decided in [`crate::engine::hits`], as for pattern matches.

use std::sync::Arc;

/// Run-time data of a lexicon rule.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Terms as written in the pack (index = the `term` of a deny use).
    pub terms: Vec<String>,
    /// Suggested replacement per term.
    pub suggestions: Vec<Option<Arc<str>>>,
    /// Allow phrases as written (rule's own, then the pack's).
    pub allow: Vec<String>,
}
