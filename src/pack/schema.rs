//! The rule-pack YAML schema, as serde types.
//!
//! These types mirror the YAML exactly (unknown keys are errors); compiling
//! them into something the engine can run happens in [`crate::engine`].
//! The format is documented for pack authors in `docs/rule-packs.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// A rule pack: a named, versioned set of rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackDef {
    /// Pack name, unique among loaded packs.
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Rule id, unique across all loaded packs (e.g. `absolute/superlative`).
    pub id: Spanned<String>,
    /// Rule kind (`lexicon`).
    pub kind: Spanned<String>,
    /// Severity of its findings.
    pub severity: Severity,
    /// Whether the rule runs by default; a rule with `enabled: false` runs
    /// only when `--select` names it by id or id prefix.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Category; defaults to the pack's.
    #[serde(default)]
    pub category: Option<String>,
    /// One-line description of what the rule flags.
    #[serde(default)]
    pub summary: Option<String>,
    /// Finding message; may use `{term}` and `{field}`.
    pub message: Spanned<String>,
    /// What to do about a finding.
    #[serde(default)]
    pub help: Option<String>,
    /// Longer documentation (Markdown): legal basis, exemptions, judgement.
    #[serde(default)]
    pub docs: Option<String>,
    /// Fields the rule scans; default `title, subtitle, description, promo_text`.
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// When the rule applies; absent means always.
    #[serde(default)]
    pub when: Option<ConditionDef>,
    /// Legal basis and sources of this rule.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// `lexicon`: the deny terms.
    #[serde(default)]
    pub terms: Option<Spanned<Vec<String>>>,
    /// `lexicon`: look-alike phrases that neutralise a term they cover.
    #[serde(default)]
    pub allow: Vec<String>,
    /// `lexicon`: replacement wording per term.
    #[serde(default)]
    pub suggest: BTreeMap<String, String>,
    /// `pattern`: the regular expression, matched against normalised text.
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    /// `pattern`: literals one of which must occur for the regex to run
    /// (default: drawn from the regex).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// `pattern`: replacement wording for every match.
    #[serde(default)]
    pub suggestion: Option<String>,
    /// `require`: what must be present, and in what format.
    #[serde(default)]
    pub require: Option<Spanned<RequireDef>>,
    /// `price`: which price check, and its parameters.
    #[serde(default)]
    pub price: Option<Spanned<PriceDef>>,
    /// `disclosure`: wording that makes the disclosures necessary.
    #[serde(default)]
    pub triggers: Option<Spanned<Vec<String>>>,
    /// `disclosure`: what must be disclosed.
    #[serde(default)]
    pub disclose: Vec<DiscloseDef>,
    /// `disclosure`: date checks of the promotion window against `--as-of`.
    #[serde(default)]
    pub window: Option<WindowDef>,
    /// `disclosure`: the largest prize value allowed, in yuan.
    #[serde(default)]
    pub prize_cap_yuan: Option<f64>,
    /// Examples, run by `cargo test` and by the pack test runner.
    #[serde(default)]
    pub examples: Vec<ExampleDef>,
}

/// An applicability condition: a map with exactly one key naming the
/// predicate or combinator.
#[derive(Debug, Clone, Deserialize, PartialEq)]
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
    Use(Spanned<String>),
}

/// `category:` — any of the given tests matches.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// The path starts with one of these paths (segment by segment).
    #[serde(default)]
    pub prefix: Vec<String>,
    /// One of the path's segments is one of these names.
    #[serde(default)]
    pub any: Vec<String>,
    /// A regex over the path, segments joined with `/`.
    #[serde(default)]
    pub regex: Option<Spanned<String>>,
}

/// `field_matches:`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FieldMatchesDef {
    /// Field name.
    pub field: String,
    /// Regular expression (unanchored; use `^…$` for the whole value).
    pub regex: Spanned<String>,
}

/// `contains:`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContainsDef {
    /// Fields to look in (default: title, subtitle, description, promo_text).
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    /// Terms, matched like lexicon terms (normalised, in the same automaton).
    pub terms: Spanned<Vec<String>>,
}

/// `number:` — every comparison given must hold; a value that is not a
/// number makes the condition false.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NumberDef {
    /// Field name.
    pub field: String,
    /// Greater than.
    #[serde(default)]
    pub gt: Option<f64>,
    /// Greater than or equal.
    #[serde(default)]
    pub ge: Option<f64>,
    /// Less than.
    #[serde(default)]
    pub lt: Option<f64>,
    /// Less than or equal.
    #[serde(default)]
    pub le: Option<f64>,
    /// Equal.
    #[serde(default)]
    pub eq: Option<f64>,
}

/// `require:` of a `require` rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequireDef {
    /// What is required, for messages (e.g. `食品生产许可证`).
    pub name: String,
    /// Fields any one of which may carry the value.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Text fields in which a value matching `format` also satisfies the
    /// requirement (e.g. a licence number written in the description).
    #[serde(default)]
    pub in_text: Vec<String>,
    /// The format the value must match (a regex; the whole value must match).
    #[serde(default)]
    pub format: Option<Spanned<String>>,
    /// A validator beyond the regex (`uscc`).
    #[serde(default)]
    pub validator: Option<Spanned<String>>,
    /// A field holding the expiry date (YYYY-MM-DD …); a date before
    /// `--as-of` is a finding.
    #[serde(default)]
    pub expiry_field: Option<String>,
}

/// One item a `disclosure` rule requires.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiscloseDef {
    /// Its name, for messages (`活动时间`).
    pub item: String,
    /// Fields any of which discloses it (`promo_end`).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Recognisers any of which discloses it: `time-window`, `end`,
    /// `start`, `date`, `threshold`, `quantity-limit`, `amount`.
    #[serde(default)]
    pub recognizers: Vec<Spanned<String>>,
    /// Words whose presence discloses it (`中奖概率`).
    #[serde(default)]
    pub terms: Vec<String>,
}

/// `window:` of a `disclosure` rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WindowDef {
    /// Report an end before `--as-of` (default true).
    #[serde(default)]
    pub past_end: Option<bool>,
    /// Report an end before the start (default true).
    #[serde(default)]
    pub end_before_start: Option<bool>,
}

/// `price:` of a `price` rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PriceDef {
    /// `original-above-price`, `original-vs-history`, `raise-then-discount`,
    /// `discount-claim` or `original-basis`.
    pub check: Spanned<String>,
    /// Field with the selling price (default `price`).
    #[serde(default)]
    pub price_field: Option<String>,
    /// Field with the original price (default `original_price`).
    #[serde(default)]
    pub original_field: Option<String>,
    /// `original-vs-history`: days before the promotion (default 7).
    #[serde(default)]
    pub window_days: Option<u32>,
    /// `original-vs-history`: report an original price with no trade at all
    /// in a loaded history (default true).
    #[serde(default)]
    pub report_missing_history: Option<bool>,
    /// `raise-then-discount`: days before the start in which a raise counts.
    #[serde(default)]
    pub raise_window_days: Option<u32>,
    /// `raise-then-discount`: days before the start that make the level
    /// before the raise.
    #[serde(default)]
    pub lookback_days: Option<u32>,
    /// `raise-then-discount`: how much higher, in percent, is a raise.
    #[serde(default)]
    pub raise_percent: Option<f64>,
    /// Tolerance in yuan (舍零取整; default 1).
    #[serde(default)]
    pub tolerance_yuan: Option<f64>,
    /// `discount-claim`: tolerance on a 折 ratio in percentage points
    /// (default 1).
    #[serde(default)]
    pub tolerance_percent: Option<f64>,
    /// `original-basis`: fields that explain an original price.
    #[serde(default)]
    pub basis_fields: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// A legal basis or source: a plain string or a title with a link.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    /// What the example shows (shown by the test runner).
    #[serde(default)]
    pub name: Option<String>,
    /// Shorthand for a listing whose title is this text.
    #[serde(default)]
    pub text: Option<String>,
    /// A full listing (field name → value; nested maps flatten with `.`).
    #[serde(default)]
    pub listing: Option<serde_json::Map<String, serde_json::Value>>,
    /// Rule ids (of the same pack) that must fire, optionally with the text
    /// each must match; no other rule of the pack may fire.
    #[serde(default)]
    pub expect: Vec<ExpectDef>,
    /// The date the example is checked on (`--as-of`; default today).
    #[serde(default)]
    pub as_of: Option<Spanned<String>>,
    /// Transaction prices of the example listing (`--price-history`).
    #[serde(default)]
    pub history: Vec<HistoryEntryDef>,
}

/// One expected finding of an example: a rule id, or a rule id with the
/// matched text. When any expectation of a rule gives a text, that rule's
/// findings must match the texts given, no more and no fewer.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(untagged)]
pub enum ExpectDef {
    /// Just the rule id: the rule fires, on any text, any number of times.
    Rule(String),
    /// The rule fires on exactly this text (as written in the listing).
    Span {
        /// Rule id.
        rule: String,
        /// The matched text.
        text: String,
    },
}

impl ExpectDef {
    /// The rule id.
    pub fn rule(&self) -> &str {
        match self {
            ExpectDef::Rule(rule) | ExpectDef::Span { rule, .. } => rule,
        }
    }

    /// The expected text, if given.
    pub fn text(&self) -> Option<&str> {
        match self {
            ExpectDef::Rule(_) => None,
            ExpectDef::Span { text, .. } => Some(text),
        }
    }
}

impl std::fmt::Display for ExpectDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectDef::Rule(rule) => f.write_str(rule),
            ExpectDef::Span { rule, text } => write!(f, "{rule} 「{text}」"),
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
#[serde(deny_unknown_fields)]
pub struct PackTestsDef {
    /// The pack under test; when given, it must be the pack next to the file.
    #[serde(default)]
    pub pack: Option<Spanned<String>>,
    /// The cases.
    pub tests: Vec<Spanned<ExampleDef>>,
}

/// One transaction of an example's price history.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntryDef {
    /// `YYYY-MM-DD`.
    pub date: Spanned<String>,
    /// The price paid (a number or a price string).
    pub price: Spanned<serde_json::Value>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Should be fixed or justified.
    Warning,
    /// Must be fixed.
    Error,
}

impl Severity {
    /// Lower-case name as used in YAML, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
