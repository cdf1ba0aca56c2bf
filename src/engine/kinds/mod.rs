//! Rule kinds: one module per kind, each turning matcher occurrences (and
//! later, listing fields) into hits for its rules.

pub mod lexicon;

/// What a rule of each kind needs at run time.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// Banned wording from a term list with allow phrases.
    Lexicon(lexicon::Lexicon),
}

impl RuleKind {
    /// The kind's name as written in packs.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Lexicon(_) => "lexicon",
        }
    }
}

/// Every kind name packs may use.
pub const KIND_NAMES: &[&str] = &["lexicon"];
