//! Rule kinds: one module per kind, each behind one trait.
//!
//! A kind is a unit struct implementing `Kind` (what a rule of the kind
//! is written with, and how it is compiled and checked) and a compiled
//! rule type implementing `KindRule` (what one compiled rule of the kind
//! does in the shared scan). `KINDS` lists them; the rest of the engine,
//! overrides and `rules diff` know kinds only through these two traits, so
//! adding a kind is its module, declared here and listed in `KINDS`.
//!
//! How the engine runs a kind, per listing:
//! 1. pass one scans every text field with the shared automaton, into
//!    which each rule put its terms (`KindRule::register`, each term
//!    with its [`super::matcher::PatternUse`]);
//! 2. per field, occurrences of `Deny` terms and the matches
//!    `KindRule::find_matches` returns where a `Keyword` occurred become
//!    text hits, which the engine reports (allow phrases and overlaps in
//!    [`super::hits`], the message's `{term}` and the suggestion from
//!    `KindRule::hit_wording`); `Trigger` and `ItemTerm` occurrences are
//!    noted for step 3;
//! 3. `Kind::check` turns what else the rules look at (field values,
//!    prices, noted triggers) into findings, kind by kind in `KINDS`
//!    order.

use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

use super::matcher::{MatcherBuilder, PatternUse};
use super::{ListingCheck, Rule, Ruleset};
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError};
use crate::text::normalize::{normalize_term, Normalized};

pub mod disclosure;
pub mod lexicon;
pub mod pattern;
pub mod price;
pub mod require;

/// Every rule kind. The order is the order in which [`Kind::check`] runs
/// and in which messages list kinds and their keys.
pub(crate) static KINDS: &[&dyn Kind] = &[
    &lexicon::LexiconKind,
    &pattern::PatternKind,
    &require::RequireKind,
    &price::kind::PriceKind,
    &disclosure::kind::DisclosureKind,
];

/// A rule kind: the keys its rules are written with, the placeholders
/// their messages may use, and how they are compiled and checked.
pub(crate) trait Kind: Debug + Sync {
    /// The name packs write (`kind: lexicon`).
    fn name(&self) -> &'static str;

    /// The rule keys this kind takes that not every kind takes (`terms`,
    /// `price` …), besides `fields` (see [`Self::reads_text`]). A rule that
    /// sets a key its kind does not take is a pack error.
    fn keys(&self) -> &'static [&'static str];

    /// Those of [`Self::keys`] whose value is a map of named parameters
    /// (`price: {check: …, window_days: …}`): `rules diff` compares them
    /// parameter by parameter.
    fn parameter_keys(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether the kind reads text fields, which a rule's `fields` chooses
    /// (default [`super::DEFAULT_FIELDS`]); a kind that does not takes no
    /// `fields`.
    fn reads_text(&self) -> bool;

    /// The `{placeholders}` a rule's message may use.
    fn placeholders(&self) -> &'static [&'static str];

    /// Compiles a rule's kind-specific keys: the first problem found, or
    /// the compiled rule.
    fn compile(&self, pack: &LoadedPack, def: &RuleDef) -> Result<Arc<dyn KindRule>, PackError>;

    /// The list an override's `add_terms` / `remove_terms` edit, if rules
    /// of this kind have one.
    fn override_terms<'d>(&self, _def: &'d mut RuleDef) -> Option<&'d mut Vec<String>> {
        None
    }

    /// Step 3 of a listing's check: the findings of this kind's rules
    /// (`rules`, indices into [`Ruleset::rules`], in order) that are not
    /// text hits. Runs once per listing when the ruleset has rules of the
    /// kind.
    fn check(&self, _check: &mut ListingCheck<'_, '_>, _rules: &[u32]) {}
}

/// The compiled, kind-specific part of one rule ([`Rule::kind`]).
pub(crate) trait KindRule: Any + Debug + Send + Sync {
    /// The rule's kind.
    fn kind(&self) -> &'static dyn Kind;

    /// Puts the rule's terms, keywords and allow phrases into the shared
    /// automaton, each with its use, for the rule at index `rule`.
    fn register(&self, _rule: u32, _matcher: &mut MatcherBuilder) {}

    /// For a rule that registered `Keyword`s: its matches in the normalised
    /// text of a field where one of them occurred, as character ranges
    /// `[first, last)`. `own_brand` says whether a brand name is one of the
    /// listing's own (see [`OwnBrands`]).
    fn find_matches(
        &self,
        _text: &Normalized,
        _own_brand: &dyn Fn(&str) -> bool,
        _out: &mut Vec<(usize, usize)>,
    ) {
    }

    /// The wording of a text hit of the rule with term index `term` (of a
    /// `Deny` use; `None` for a match): the `{term}` its message shows
    /// (`None`: the matched text) and the suggested replacement.
    fn hit_wording(&self, _term: Option<u32>) -> (Option<&str>, Option<&Arc<str>>) {
        (None, None)
    }

    /// Whether the suggestion of a text hit with term index `term` is
    /// marked `fix: unsafe` on its own (a lexicon term's
    /// `{to: …, fix: unsafe}`), beyond the rule's `fix`.
    fn fix_unsafe(&self, _term: Option<u32>) -> bool {
        false
    }
}

/// The rules of one kind in a ruleset, for [`Kind::check`].
#[derive(Debug, Clone)]
pub(crate) struct KindRules {
    /// The kind.
    pub kind: &'static dyn Kind,
    /// Indices of its rules in [`Ruleset::rules`], in order.
    pub rules: Vec<u32>,
}

impl KindRules {
    /// The rules of `rules` grouped by kind, kinds in [`KINDS`] order, kinds
    /// without rules left out.
    pub fn group(rules: &[Rule]) -> Vec<KindRules> {
        KINDS
            .iter()
            .map(|&kind| KindRules {
                kind,
                rules: (0..rules.len() as u32)
                    .filter(|&i| rules[i as usize].kind_name() == kind.name())
                    .collect(),
            })
            .filter(|k| !k.rules.is_empty())
            .collect()
    }
}

impl Ruleset {
    /// The rules at `indices` whose kind-specific part is a `T` (all of
    /// them, for the indices [`Kind::check`] is given), with their index.
    pub(crate) fn rules_of<'r, T: KindRule>(
        &'r self,
        indices: &'r [u32],
    ) -> impl Iterator<Item = (usize, &'r Rule, &'r T)> + 'r {
        indices.iter().filter_map(|&index| {
            let rule = &self.rules[index as usize];
            let data: &dyn Any = &*rule.kind;
            data.downcast_ref::<T>()
                .map(|data| (index as usize, rule, data))
        })
    }
}

/// The kind named `name`.
pub(crate) fn by_name(name: &str) -> Option<&'static dyn Kind> {
    KINDS.iter().copied().find(|k| k.name() == name)
}

/// Every kind's name, in the order of the kinds' list (`KINDS`).
pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name()).collect()
}

/// The keys only some kinds take, each once, in the order problems with
/// them are reported: every kind's [`Kind::keys`] in [`KINDS`] order, then
/// `fields`.
pub(crate) fn kind_specific_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for key in KINDS.iter().flat_map(|k| k.keys()) {
        if !keys.contains(key) {
            keys.push(key);
        }
    }
    keys.push("fields");
    keys
}

/// Whether kind `kind` takes key `key` (one of [`kind_specific_keys`]).
pub(crate) fn takes(kind: &dyn Kind, key: &str) -> bool {
    if key == "fields" {
        kind.reads_text()
    } else {
        kind.keys().contains(&key)
    }
}

/// The names of the kinds that take `key`.
pub(crate) fn kinds_taking(key: &str) -> Vec<&'static str> {
    KINDS
        .iter()
        .filter(|k| takes(**k, key))
        .map(|k| k.name())
        .collect()
}

/// Whether some kind declares `key` a map of named parameters
/// (`Kind::parameter_keys`), which `rules diff` compares parameter by
/// parameter.
pub fn is_parameter_key(key: &str) -> bool {
    KINDS.iter().any(|k| k.parameter_keys().contains(&key))
}

/// Registers a rule's allow phrases (rule's own, then its pack's).
pub(crate) fn register_allow(matcher: &mut MatcherBuilder, rule: u32, allow: &[String]) {
    for phrase in allow {
        matcher.add(&normalize_term(phrase), PatternUse::Allow { rule });
    }
}

/// The brands a listing counts as its own: its `brand` field and the
/// configured own and authorised brands, all normalised like text.
#[derive(Debug, Default)]
pub struct OwnBrands<'a> {
    /// The listing's `brand` field as written.
    pub field: Option<&'a str>,
    /// Configured brands, normalised.
    pub configured: &'a [String],
    /// The field, normalised on first use.
    normalized: std::cell::OnceCell<String>,
}

impl<'a> OwnBrands<'a> {
    /// The own brands of a listing whose `brand` field is `field`.
    pub fn new(field: Option<&'a str>, configured: &'a [String]) -> Self {
        Self {
            field,
            configured,
            normalized: std::cell::OnceCell::new(),
        }
    }

    /// Whether `brand` (normalised text of a `brand…` group) names one of
    /// them: one contains the other, so `自然堂` matches the field value
    /// `CHANDO/自然堂`. Names shorter than two characters never match.
    pub fn contains(&self, brand: &str) -> bool {
        let brand = brand.trim();
        if brand.chars().count() < 2 {
            return false;
        }
        let matches =
            |own: &str| own.chars().count() >= 2 && (own.contains(brand) || brand.contains(own));
        let field = self
            .normalized
            .get_or_init(|| self.field.map(normalize_term).unwrap_or_default());
        matches(field) || self.configured.iter().any(|own| matches(own))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_brands_match_either_way_and_ignore_short_names() {
        let configured = ["雅诗兰黛".to_owned(), "x".to_owned()];
        let own = OwnBrands::new(Some("CHANDO/自然堂"), &configured);
        assert!(own.contains("自然堂"));
        assert!(own.contains("chando"));
        assert!(own.contains("雅诗兰黛"));
        assert!(!own.contains("兰蔻"));
        assert!(!own.contains("x"));
        let none = OwnBrands::default();
        assert!(!none.contains("香奈儿"));
    }

    #[test]
    fn kind_names_and_keys_are_unique_and_claimed() {
        let names = names();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "kind {name} listed twice");
        }
        for kind in KINDS {
            for key in kind.parameter_keys() {
                assert!(kind.keys().contains(key), "{}: {key}", kind.name());
            }
        }
        // The order messages use: what each kind takes, in kind order.
        assert_eq!(
            kind_specific_keys(),
            [
                "terms",
                "suggest",
                "fix",
                "allow",
                "pattern",
                "keywords",
                "suggestion",
                "require",
                "price",
                "triggers",
                "trigger_recognizers",
                "disclose",
                "window",
                "prize_cap_yuan",
                "fields"
            ]
        );
        assert_eq!(kinds_taking("allow"), ["lexicon", "pattern", "disclosure"]);
        assert_eq!(kinds_taking("fix"), ["lexicon", "pattern"]);
        assert_eq!(
            kinds_taking("fields"),
            ["lexicon", "pattern", "price", "disclosure"]
        );
    }

    #[test]
    fn every_kind_specific_key_is_a_rule_key_the_compiler_sees_set() {
        // The compiler tells a key is set by its presence in the rule
        // written back out; a rule setting every one of them parses (rules
        // take no unknown keys) and writes each back.
        let yaml = "id: r\nkind: lexicon\nseverity: error\nmessage: m\n\
            terms: [a]\nsuggest: {a: b}\nfix: unsafe\nallow: [c]\npattern: d\nkeywords: [d]\n\
            suggestion: e\nrequire: {name: n}\nprice: {check: discount-claim}\n\
            triggers: [t]\ntrigger_recognizers: [offer]\ndisclose: [{item: i, fields: [f]}]\nwindow: {}\n\
            prize_cap_yuan: 1\nfields: [title]\n";
        let def: RuleDef = serde_saphyr::from_str(yaml).unwrap();
        let written = serde_json::to_value(&def).unwrap();
        for key in kind_specific_keys() {
            assert!(written.get(key).is_some(), "`{key}` not written back");
        }
        let bare: RuleDef =
            serde_saphyr::from_str("id: r\nkind: lexicon\nseverity: error\nmessage: m\n").unwrap();
        let written = serde_json::to_value(&bare).unwrap();
        for key in kind_specific_keys() {
            assert!(written.get(key).is_none(), "`{key}` set on a bare rule");
        }
    }
}
