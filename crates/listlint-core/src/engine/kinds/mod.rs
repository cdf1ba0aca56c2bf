//! Rule kinds: one module per kind.

pub mod disclosure;
pub mod lexicon;
pub mod pattern;
pub mod price;
pub mod require;

/// What a rule of each kind needs at run time.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// Banned wording from a term list with allow phrases.
    Lexicon(lexicon::Lexicon),
    /// A regular expression over normalised text.
    Pattern(pattern::Pattern),
    /// A value that must be shown, in a format.
    Require(require::Require),
    /// Prices against each other, the history and the wording.
    Price(price::PriceRule),
    /// Promotion wording that must come with disclosures.
    Disclosure(disclosure::Disclosure),
}

impl RuleKind {
    /// The kind's name as written in packs.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Lexicon(_) => "lexicon",
            RuleKind::Pattern(_) => "pattern",
            RuleKind::Require(_) => "require",
            RuleKind::Price(_) => "price",
            RuleKind::Disclosure(_) => "disclosure",
        }
    }
}

/// Every kind name packs may use.
pub const KIND_NAMES: &[&str] = &["lexicon", "pattern", "require", "price", "disclosure"];
