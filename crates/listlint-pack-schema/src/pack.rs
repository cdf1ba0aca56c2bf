//! The rule-pack YAML schema, as serde types.
//!
//! These types mirror the YAML exactly (unknown keys are errors); compiling
//! them into something the engine can run happens in `listlint_core::engine`.
//! The format is documented for pack authors in `docs/rule-packs.md`.

use std::collections::BTreeMap;

use crate::Severity;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// A rule pack: a named, versioned set of rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PackDef {
    /// Pack name, unique among loaded packs.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub pack: Spanned<String>,
    /// Pack version (free-form string, e.g. `"2026.11.0"`).
    pub version: String,
    /// Human-readable title.
    #[serde(default)]
    pub title: Option<String>,
    /// Longer description (Markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// Default category of the pack's rules.
    #[serde(default)]
    pub category: Option<String>,
    /// Legal basis and sources for the whole pack.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Allow phrases shared by every lexicon rule of the pack.
    #[serde(default)]
    pub allow: Vec<String>,
    /// When a listing's title is the name of the product itself (a book,
    /// a record, a film, a game): the pack's `lexicon` and `pattern` rules
    /// then report nothing in the title.
    #[serde(default)]
    pub title_is_name: Option<ConditionDef>,
    /// Packs this one builds on: pack names (loaded or built in) or paths
    /// relative to this file. Their rules stay theirs; `overrides` changes
    /// them.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Extends>"))]
    pub extends: Option<Spanned<Extends>>,
    /// Changes to rules of the extended packs.
    #[serde(default)]
    pub overrides: Vec<OverrideDef>,
    /// Named conditions rules can `use` (this pack's by name, another
    /// pack's as `pack-name/condition-name`).
    #[serde(default)]
    pub conditions: BTreeMap<String, ConditionDef>,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

/// One rule. Fields that only some kinds use are optional here and checked
/// against the kind when the pack is compiled.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Rule id, unique across all loaded packs (e.g. `absolute/superlative`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// Rule kind (`lexicon`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub kind: Spanned<String>,
    /// Severity of its findings.
    pub severity: Severity,
    /// Whether the rule runs by default; a rule with `enabled: false` runs
    /// only when `--select` names it by id or id prefix.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Category; defaults to the pack's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// One-line description of what the rule flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Finding message; may use `{term}` and `{field}`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub message: Spanned<String>,
    /// What to do about a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Longer documentation (Markdown): legal basis, exemptions, judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Fields the rule scans; default `title, subtitle, description, promo_text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// When the rule applies; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ConditionDef>,
    /// Legal basis and sources of this rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// `lexicon`: the deny terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<String>>"))]
    pub terms: Option<Spanned<Vec<String>>>,
    /// `lexicon`: look-alike phrases that neutralise a term they cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// `lexicon`: replacement wording per term.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suggest: BTreeMap<String, SuggestDef>,
    /// `pattern`: the regular expression, matched against normalised text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub pattern: Option<Spanned<String>>,
    /// `pattern`: literals one of which must occur for the regex to run
    /// (default: drawn from the regex).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// `pattern`: replacement wording for every match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// `lexicon`, `pattern`: whether `check --fix` may apply the rule's
    /// suggestions on its own (`safe`, the default) or only with
    /// `--unsafe-fixes` (`unsafe`: a deletion, a change of meaning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixSafety>,
    /// `require`: what must be present, and in what format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<RequireDef>"))]
    pub require: Option<Spanned<RequireDef>>,
    /// `price`: which price check, and its parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<PriceDef>"))]
    pub price: Option<Spanned<PriceDef>>,
    /// `disclosure`: wording that makes the disclosures necessary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<String>>"))]
    pub triggers: Option<Spanned<Vec<String>>>,
    /// `disclosure`: recognisers whose finding in the rule's text fields
    /// counts as a trigger (`threshold-offer` for `满300减50`), for offers
    /// written in numbers that no literal trigger can match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub trigger_recognizers: Vec<Spanned<String>>,
    /// `disclosure`: what must be disclosed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disclose: Vec<DiscloseDef>,
    /// `disclosure`: date checks of the promotion window against `--as-of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowDef>,
    /// `disclosure`: the largest prize value allowed, in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize_cap_yuan: Option<f64>,
    /// Examples, run by `cargo test` and by the pack test runner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<ExampleDef>,
    /// Overrides other packs applied to this rule, in order (filled in when
    /// packs are composed, never read from YAML).
    #[serde(skip)]
    pub applied: Vec<AppliedOverride>,
}

impl RuleDef {
    /// Whether the rule sets `key`, one of the keys only some kinds take,
    /// as the rule written back out would show it (an unset optional key
    /// or an empty list is not set); `None` for any other key. Answers
    /// without writing the rule out, which every rule of every pack would
    /// otherwise pay when it is compiled.
    pub fn sets_key(&self, key: &str) -> Option<bool> {
        Some(match key {
            "fields" => self.fields.is_some(),
            "terms" => self.terms.is_some(),
            "allow" => !self.allow.is_empty(),
            "suggest" => !self.suggest.is_empty(),
            "pattern" => self.pattern.is_some(),
            "keywords" => !self.keywords.is_empty(),
            "suggestion" => self.suggestion.is_some(),
            "fix" => self.fix.is_some(),
            "require" => self.require.is_some(),
            "price" => self.price.is_some(),
            "triggers" => self.triggers.is_some(),
            "trigger_recognizers" => !self.trigger_recognizers.is_empty(),
            "disclose" => !self.disclose.is_empty(),
            "window" => self.window.is_some(),
            "prize_cap_yuan" => self.prize_cap_yuan.is_some(),
            _ => return None,
        })
    }
}

/// A lexicon term's suggested replacement: the wording (`王牌: 主打`), or
/// the wording and whether `check --fix` may apply it on its own
/// (`特供: {to: 专供, fix: unsafe}`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum SuggestDef {
    /// The replacement wording.
    Text(String),
    /// The replacement wording and its `fix` safety.
    Marked {
        /// The replacement wording.
        to: String,
        /// Whether `--fix` applies it without `--unsafe-fixes`.
        fix: FixSafety,
    },
}

impl SuggestDef {
    /// The replacement wording.
    pub fn text(&self) -> &str {
        match self {
            SuggestDef::Text(t) | SuggestDef::Marked { to: t, .. } => t,
        }
    }

    /// Whether this suggestion is marked `fix: unsafe`.
    pub fn is_unsafe(&self) -> bool {
        matches!(
            self,
            SuggestDef::Marked {
                fix: FixSafety::Unsafe,
                ..
            }
        )
    }
}

impl std::fmt::Display for SuggestDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())?;
        if self.is_unsafe() {
            f.write_str(" (fix: unsafe)")?;
        }
        Ok(())
    }
}

/// `fix:` — whether a rule's suggested replacements may be applied by
/// `check --fix` on their own.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixSafety {
    /// Applied by `--fix` (the default).
    Safe,
    /// Applied only with `--unsafe-fixes`.
    Unsafe,
}

/// `extends:` — one pack or a list, each entry with its place in the file
/// (a single scalar's place is the `extends` value's own).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extends(pub Vec<Spanned<String>>);

impl Serialize for Extends {
    /// Always a list (which [`Extends`] reads back alike).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Extends {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> serde::de::Visitor<'de> for OneOrMany {
            type Value = Extends;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a pack name or path, or a list of them")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Extends, E> {
                let unknown = serde_saphyr::Location::UNKNOWN;
                Ok(Extends(vec![Spanned::new(
                    value.to_owned(),
                    unknown,
                    unknown,
                )]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Extends, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<Spanned<String>>()? {
                    entries.push(entry);
                }
                Ok(Extends(entries))
            }
        }
        deserializer.deserialize_any(OneOrMany)
    }
}

/// A change to a rule of an extended pack. Every key but `rule` is
/// optional; `add_*` keys add to the inherited lists, the others replace
/// the inherited value (`price` key by key).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OverrideDef {
    /// Id of the rule to change.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub rule: Spanned<String>,
    /// New severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// `false` turns the rule off by default (it then runs only when
    /// `--select` names it); `true` turns an opt-in rule on.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New message (same placeholders as the rule's kind).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub message: Option<Spanned<String>>,
    /// New help text.
    #[serde(default)]
    pub help: Option<String>,
    /// New one-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Terms added to a `lexicon` rule, or triggers added to a `disclosure`
    /// rule.
    #[serde(default)]
    pub add_terms: Vec<String>,
    /// Terms (or triggers) removed; each must be one of the rule's.
    #[serde(default)]
    pub remove_terms: Vec<String>,
    /// Allow phrases added to the rule.
    #[serde(default)]
    pub add_allow: Vec<String>,
    /// Suggestions added or replaced, per term.
    #[serde(default)]
    pub suggest: BTreeMap<String, SuggestDef>,
    /// New list of fields to scan.
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// New condition (replaces the inherited one; `use:` names resolve in
    /// the rule's own pack, so write `pack/name` for another pack's).
    #[serde(default)]
    pub when: Option<ConditionDef>,
    /// `price` parameters changed, key by key (the check itself cannot
    /// change).
    #[serde(default)]
    pub price: Option<PriceDef>,
    /// New prize cap of a `disclosure` rule.
    #[serde(default)]
    pub prize_cap_yuan: Option<f64>,
    /// New window checks of a `disclosure` rule.
    #[serde(default)]
    pub window: Option<WindowDef>,
    /// References added to the rule (a company policy, a platform rule).
    #[serde(default)]
    pub references: Vec<Reference>,
}

/// An override as applied to a rule, for `rules show --resolved`.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedOverride {
    /// The overriding pack.
    pub pack: String,
    /// `file:line` of the override.
    pub place: String,
    /// What changed, one line each.
    pub changes: Vec<String>,
}

impl std::fmt::Display for AppliedOverride {
    /// `pack (file:line): change; change`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.pack,
            self.place,
            self.changes.join("; ")
        )
    }
}

/// An applicability condition: a map with exactly one key naming the
/// predicate or combinator.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionDef {
    /// Every condition holds.
    All(Vec<ConditionDef>),
    /// At least one condition holds.
    Any(Vec<ConditionDef>),
    /// The condition does not hold.
    Not(Box<ConditionDef>),
    /// The category path matches.
    Category(CategoryDef),
    /// The field exists and is not blank.
    FieldPresent(String),
    /// The field is missing or blank.
    FieldEmpty(String),
    /// The field's value matches a regular expression.
    FieldMatches(FieldMatchesDef),
    /// One of the fields' normalised text contains one of the terms.
    Contains(ContainsDef),
    /// A numeric comparison of a field's value.
    Number(NumberDef),
    /// A named condition (`name` of this pack, or `pack/name`).
    Use(#[cfg_attr(feature = "schema", schemars(with = "String"))] Spanned<String>),
}

/// `category:` — any of the given tests matches.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// The path starts with one of these paths (segment by segment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix: Vec<String>,
    /// One of the path's segments is one of these names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<String>,
    /// A regex over the path, segments joined with `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub regex: Option<Spanned<String>>,
}

/// `field_matches:`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldMatchesDef {
    /// Field name.
    pub field: String,
    /// Regular expression (unanchored; use `^…$` for the whole value).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub regex: Spanned<String>,
}

/// `contains:`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContainsDef {
    /// Fields to look in (default: title, subtitle, description, promo_text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Terms, matched like lexicon terms (normalised, in the same automaton).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub terms: Spanned<Vec<String>>,
    /// Look-alike phrases: a term occurrence inside one of them does not
    /// count (`进口红酒` holds `口红`), as allow phrases do for lexicon terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

/// `number:` — every comparison given must hold; a value that is not a
/// number makes the condition false.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NumberDef {
    /// Field name.
    pub field: String,
    /// Greater than.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<f64>,
    /// Greater than or equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ge: Option<f64>,
    /// Less than.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<f64>,
    /// Less than or equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub le: Option<f64>,
    /// Equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<f64>,
}

/// `require:` of a `require` rule.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RequireDef {
    /// What is required, for messages (e.g. `食品生产许可证`).
    pub name: String,
    /// Fields any one of which may carry the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Text fields in which a value matching `format` also satisfies the
    /// requirement (e.g. a licence number written in the description).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_text: Vec<String>,
    /// The format the value must match (a regex; the whole value must match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub format: Option<Spanned<String>>,
    /// A validator beyond the regex (`uscc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub validator: Option<Spanned<String>>,
    /// A field holding the expiry date (YYYY-MM-DD …); a date before
    /// `--as-of` is a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_field: Option<String>,
}

/// One item a `disclosure` rule requires.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DiscloseDef {
    /// Its name, for messages (`活动时间`).
    pub item: String,
    /// Fields any of which discloses it (`promo_end`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Recognisers any of which discloses it: `time-window`, `end`,
    /// `start`, `date`, `threshold`, `quantity-limit`, `amount`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub recognizers: Vec<Spanned<String>>,
    /// Words whose presence discloses it (`中奖概率`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
}

/// `window:` of a `disclosure` rule.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WindowDef {
    /// Report an end before `--as-of` (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past_end: Option<bool>,
    /// Report an end before the start (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_before_start: Option<bool>,
    /// Run the checks on the promotion fields (`promo_start`,
    /// `promo_end`) even when no trigger occurs: an end before the start
    /// always, an end in the past when `promo_text` is not blank (the
    /// listing still advertises a promotion). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_fields: Option<bool>,
    /// The trigger says the promotion ends on the check day (最后一天,
    /// 今晚截止): an end after `--as-of` contradicts it. Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_today: Option<bool>,
    /// The trigger says the promotion lasts one day, the check day
    /// (仅限今日): a window longer than one day, or an end after `--as-of`,
    /// contradicts it. Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_day: Option<bool>,
}

/// `price:` of a `price` rule.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceDef {
    /// `original-above-price`, `original-vs-history`, `raise-then-discount`,
    /// `discount-claim`, `discount-vs-history` or `original-basis` (required
    /// in a rule; in an override, absent or the rule's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub check: Option<Spanned<String>>,
    /// Field with the selling price (default `price`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_field: Option<String>,
    /// Field with the original price (default `original_price`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_field: Option<String>,
    /// `original-vs-history`, `discount-vs-history`: days before the
    /// promotion (default 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
    /// `original-vs-history`: report an original price with no trade at all
    /// in a loaded history (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_missing_history: Option<bool>,
    /// `raise-then-discount`: days before the start in which a raise counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raise_window_days: Option<u32>,
    /// `raise-then-discount`: days before the start that make the level
    /// before the raise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookback_days: Option<u32>,
    /// `raise-then-discount`: how much higher, in percent, is a raise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raise_percent: Option<f64>,
    /// Tolerance in yuan (舍零取整; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_yuan: Option<f64>,
    /// `discount-claim`: tolerance on a 折 ratio in percentage points
    /// (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_percent: Option<f64>,
    /// `original-basis`: fields that explain an original price (required);
    /// `original-vs-history`: fields that may label it a 厂商建议零售价
    /// (default `price_basis`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis_fields: Vec<String>,
}

fn default_true() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

/// A legal basis or source: a plain string or a title with a link.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Reference {
    /// Just a citation, e.g. `《广告法》第九条第三项`.
    Text(String),
    /// A citation with a link.
    Linked {
        /// The citation.
        title: String,
        /// Where to read it.
        #[serde(default)]
        url: Option<String>,
    },
}

impl Reference {
    /// The citation text.
    pub fn title(&self) -> &str {
        match self {
            Reference::Text(t) => t,
            Reference::Linked { title, .. } => title,
        }
    }
}

/// An example listing and the rule ids expected to fire on it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    /// What the example shows (shown by the test runner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Shorthand for a listing whose title is this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A full listing (field name → value; nested maps flatten with `.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<serde_json::Map<String, serde_json::Value>>,
    /// Rule ids (of the same pack) that must fire, optionally with the text
    /// each must match; no other rule of the pack may fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<ExpectDef>,
    /// The date the example is checked on (`--as-of`; default today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub as_of: Option<Spanned<String>>,
    /// Transaction prices of the example listing (`--price-history`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntryDef>,
}

impl ExampleDef {
    /// The example in one line: its text, or its listing as JSON.
    pub fn shown(&self) -> String {
        match (&self.text, &self.listing) {
            (Some(t), _) => t.clone(),
            (None, Some(l)) => serde_json::to_string(l).unwrap_or_default(),
            (None, None) => String::new(),
        }
    }
}

/// One expected finding of an example: a rule id, or a rule id with the
/// matched text. When any expectation of a rule gives a text, that rule's
/// findings must match the texts given, as many times as they are listed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    untagged,
    expecting = "a rule id, or `{rule: RULE_ID, text: MATCHED_TEXT}` (no other keys)"
)]
pub enum ExpectDef {
    /// Just the rule id: the rule fires, on any text, any number of times.
    Rule(String),
    /// The rule fires on exactly this text (as written in the listing).
    Span(ExpectSpan),
}

/// `{rule, text}` of an expectation.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExpectSpan {
    /// Rule id.
    pub rule: String,
    /// The matched text.
    pub text: String,
}

impl ExpectDef {
    /// The rule id.
    pub fn rule(&self) -> &str {
        match self {
            ExpectDef::Rule(rule) | ExpectDef::Span(ExpectSpan { rule, .. }) => rule,
        }
    }

    /// The expected text, if given.
    pub fn text(&self) -> Option<&str> {
        match self {
            ExpectDef::Rule(_) => None,
            ExpectDef::Span(span) => Some(&span.text),
        }
    }
}

impl std::fmt::Display for ExpectDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectDef::Rule(rule) => f.write_str(rule),
            ExpectDef::Span(ExpectSpan { rule, text }) => write!(f, "{rule} 「{text}」"),
        }
    }
}

/// Expectations joined with commas, for display.
pub fn join_expectations(expect: &[ExpectDef]) -> String {
    expect
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A pack's test file (`<pack>.test.yaml` next to `<pack>.yaml`): test
/// cases in the form of examples, kept out of the pack itself.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PackTestsDef {
    /// The pack under test; when given, it must be the pack next to the file.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub pack: Option<Spanned<String>>,
    /// The cases.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<ExampleDef>"))]
    pub tests: Vec<Spanned<ExampleDef>>,
}

/// One transaction of an example's price history.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HistoryEntryDef {
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub date: Spanned<String>,
    /// The price paid (a number or a price string).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))]
    pub price: Spanned<serde_json::Value>,
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Extends {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Extends".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A pack name or path, or a list of them.",
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}
