//! The engine: packs compiled into one [`Ruleset`], run over listings.
//!
//! Checking a listing takes two passes. First every scanned text field is
//! normalised once and scanned once by the shared automaton, which finds
//! lexicon terms, allow phrases, pattern keywords and `contains` terms at
//! once. Then each rule's `when` is evaluated (once) and the kinds turn
//! occurrences, regex matches and field values into [`Finding`]s with spans
//! in the original field values. This module knows no kind: each is a
//! module of [`kinds`], reached through its trait.

pub mod absent;
mod automaton_cache;
pub mod compile;
pub mod compose;
pub mod hits;
pub mod kinds;
pub mod literal_gate;
mod local;
pub mod matcher;
pub mod message;
pub mod names;
pub mod pack_regex;
pub mod select;
pub mod when;

use std::sync::Arc;

use crate::date::Date;
use crate::history::PriceHistory;
use crate::listing::{InputProblem, Listing};
use crate::model::Severity;
use crate::model::{fingerprint, Finding, Reason};
use crate::pack::schema::Reference;
use crate::recognize::Recognition;
use crate::text::char_offsets::{char_slice, CharOffsets};
use crate::text::normalize::{Normalized, Normalizer};
use hits::AllowIndex;
use hits::Hit;
use kinds::{KindRule, KindRules, OwnBrands};
use local::LocalStrings;
use matcher::{Matcher, Occurrence, PatternUse};
use message::MessageTemplate;
use when::{CategoryMemo, Condition, Conditions, Evaluator};

pub use absent::AbsentColumns;
pub use compile::compile;
pub use select::RuleFilter;

/// Fields scanned for wording when a rule does not say (SPEC §1).
pub const DEFAULT_FIELDS: &[&str] = &["title", "subtitle", "description", "promo_text"];

/// Pack name and category of findings about unreadable records.
pub const INPUT_CATEGORY: &str = "input";

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Rule id.
    pub id: Arc<str>,
    /// Pack name.
    pub pack: Arc<str>,
    /// Category.
    pub category: Arc<str>,
    /// Index of the category among the ruleset's categories.
    pub category_index: u32,
    /// Severity.
    pub severity: Severity,
    /// Message template.
    pub message: MessageTemplate,
    /// Help text.
    pub help: Option<Arc<str>>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer documentation.
    pub docs: Option<String>,
    /// Legal basis.
    pub references: Vec<Reference>,
    /// Whether the rule scans each of [`Ruleset::scan_fields`].
    pub scans: Vec<bool>,
    /// When the rule applies (`None`: always).
    pub when: Option<Condition>,
    /// For `lexicon` and `pattern` rules, when a listing's title is the
    /// name of the product itself (a book, a record, a game): the pack's
    /// `title_is_name`. The rule's hits in the title are then not reported.
    pub title_is_name: Option<Condition>,
    /// Whether the rule's suggestions are marked `fix: unsafe`: applied by
    /// `check --fix` only with `--unsafe-fixes`.
    pub fix_unsafe: bool,
    /// Kind-specific data.
    pub(crate) kind: Arc<dyn KindRule>,
}

impl Rule {
    /// The rule's kind, as packs name it (`lexicon`).
    pub fn kind_name(&self) -> &'static str {
        self.kind.kind().name()
    }
}

/// Settings of a run that rules read.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Whether findings carry the whole field value (for renderers that
    /// show context); off by default to save a copy per field.
    pub keep_sources: bool,
    /// The date time-based checks treat as today (`--as-of`).
    pub as_of: Date,
    /// Transaction prices (`--price-history`), if given.
    pub history: Option<Arc<PriceHistory>>,
    /// The company's own and authorised brands (`listlint.yaml` `brands`),
    /// normalised like text: a pattern match whose `brand…` group names
    /// one of them is not reported, nor is a term inside one (see
    /// [`names`]).
    pub own_brands: Arc<[String]>,
    /// Whether a `require` rule whose value has no column in a headed file
    /// reports once for the file (see [`absent`]): pipelines that read
    /// files check with [`Ruleset::check_collapsing`] when it is set.
    pub collapse: bool,
    /// Every loaded rule's id, enabled or not: an inline suppression of a
    /// rule this run does not run is told from one naming no rule at all
    /// (see [`crate::suppress`]). Empty: only the ruleset's rules are known.
    pub loaded_rules: Arc<[Arc<str>]>,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            keep_sources: false,
            as_of: Date::today_utc(),
            history: None,
            own_brands: Arc::from([]),
            collapse: true,
            loaded_rules: Arc::from([]),
        }
    }
}

/// All enabled rules of all loaded packs, ready to run.
#[derive(Debug, Clone)]
pub struct Ruleset {
    /// Rules in pack order.
    pub rules: Vec<Rule>,
    /// Every field some rule or condition scans, defaults first.
    pub scan_fields: Vec<Arc<str>>,
    /// Loaded pack names and versions.
    pub packs: Vec<(Arc<str>, String)>,
    /// Run settings.
    pub settings: RunSettings,
    pub(crate) matcher: Matcher,
    pub(crate) conditions: Conditions,
    /// The rules of each kind, for the kinds' checks.
    pub(crate) kinds: Vec<KindRules>,
}

/// Which condition of a rule [`Ruleset::check`] evaluates.
#[derive(Debug, Clone, Copy)]
enum Cond {
    /// `when`: whether the rule applies.
    When,
    /// The pack's `title_is_name`.
    TitleIsName,
}

/// The scan of one field.
#[derive(Debug, Default)]
pub(crate) struct FieldScan {
    /// Whether the field has a non-empty value.
    present: bool,
    /// Its normalised text.
    normalized: Normalized,
    /// The automaton's occurrences in it.
    occurrences: Vec<Occurrence>,
}

/// The scan of a further value of a scanned field: a record that repeats
/// a key (see [`Listing::push_field`]) has each value scanned for wording.
#[derive(Debug, Default)]
struct RepeatScan {
    /// Index of the field in [`Ruleset::scan_fields`].
    field_index: usize,
    /// Where the value is in [`Listing::fields`].
    position: usize,
    scan: FieldScan,
}

/// Per-thread buffers reused across listings.
#[derive(Debug, Default)]
pub struct Scratch {
    normalizer: Normalizer,
    fields: Vec<FieldScan>,
    /// Scans of further values; the first `repeat_count` are this
    /// listing's (the others are buffers kept for reuse).
    repeats: Vec<RepeatScan>,
    repeat_count: usize,
    contains_hits: Vec<bool>,
    /// Per `contains` test, where its first counted term is: (scan field,
    /// first and last normalised character), for findings' `reason`.
    contains_at: Vec<Option<(usize, usize, usize)>>,
    /// Occurrences of `contains` terms and allow phrases of tests with
    /// allow phrases, in the field being scanned.
    contains_found: Vec<when::ContainsOccurrence>,
    applies: Vec<Option<bool>>,
    /// Per rule: whether its pack takes this listing's title for a name.
    title_names: Vec<Option<bool>>,
    /// Names in the field whose hits are being selected.
    name_spans: names::NameSpans,
    candidates: Vec<Hit>,
    keyword_rules: Vec<u32>,
    matches: Vec<(usize, usize)>,
    /// First trigger per rule (by rule index).
    triggers: Vec<Option<Trigger>>,
    /// Item terms found: (rule, item).
    item_terms: Vec<(u32, u32)>,
    /// What the recognisers found per scanned field, each part recognised
    /// on demand.
    recognized: Vec<Recognition>,
    /// Category test results by category value.
    category_memo: CategoryMemo,
    /// This worker's copies of the strings findings carry.
    strings: LocalStrings,
    /// Character offsets of the field whose hits are being reported.
    offsets: CharOffsets,
}

/// The first occurrence of one of a rule's `Trigger` terms in a scanned
/// field's own value (not a repeat), where the rule scans the field and
/// applies, and no allow phrase of the rule covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Trigger {
    /// Index of the field in [`Ruleset::scan_fields`].
    pub field_index: usize,
    /// First normalised character.
    pub first: usize,
    /// One past the last normalised character.
    pub last: usize,
    /// Index of the term among the rule's triggers.
    pub term: u32,
}

/// One value pass two looks at for text hits: a scanned field's own value
/// or a further value of it.
#[derive(Clone, Copy)]
struct ScannedValue<'a> {
    /// Index of the field in [`Ruleset::scan_fields`].
    field_index: usize,
    /// Where a further value is in [`Listing::fields`] (`None`: the
    /// field's own value).
    repeat: Option<usize>,
    /// Its scan.
    scan: &'a FieldScan,
}

impl Scratch {
    /// Clears what pass two notes per listing, for a ruleset of `rules`
    /// rules and `fields` scan fields.
    fn start_pass_two(&mut self, rules: usize, fields: usize) {
        self.triggers.clear();
        self.triggers.resize(rules, None);
        self.item_terms.clear();
        self.recognized.truncate(fields);
        self.recognized.iter_mut().for_each(Recognition::clear);
        self.recognized.resize_with(fields, Recognition::default);
        // The normaliser noted each value's hidden markup: the recognisers
        // need not read it again.
        for (parts, scan) in self.recognized.iter_mut().zip(&self.fields) {
            if scan.present {
                parts.know_hidden_markup(&scan.normalized.hidden);
            }
        }
        self.applies.clear();
        self.applies.resize(rules, None);
        self.title_names.clear();
        self.title_names.resize(rules, None);
    }
}

/// What tells a name in a field from a claim: the title's field index
/// (a pack's `title_is_name`), the listing's own brand and shop names
/// (made on the first field with hits), and the spans of them in the field
/// being selected.
struct NameContext<'s> {
    title_index: Option<usize>,
    own: std::cell::OnceCell<names::OwnNames>,
    spans: &'s mut names::NameSpans,
}

impl<'a> ScannedValue<'a> {
    /// Every value pass two looks at: each field's own value, then the
    /// further values. Every value is scanned for wording; triggers, like
    /// conditions and what the kinds check, look at a field's own value
    /// only.
    fn all(
        fields: &'a [FieldScan],
        repeats: &'a [RepeatScan],
    ) -> impl Iterator<Item = ScannedValue<'a>> {
        let own = fields
            .iter()
            .enumerate()
            .map(|(field_index, scan)| ScannedValue {
                field_index,
                repeat: None,
                scan,
            });
        let repeated = repeats.iter().map(|r| ScannedValue {
            field_index: r.field_index,
            repeat: Some(r.position),
            scan: &r.scan,
        });
        own.chain(repeated)
    }
}

/// The buffers of [`Scratch`] that pass two fills per field.
struct TextPass<'s> {
    candidates: &'s mut Vec<Hit>,
    keyword_rules: &'s mut Vec<u32>,
    matches: &'s mut Vec<(usize, usize)>,
    triggers: &'s mut [Option<Trigger>],
    item_terms: &'s mut Vec<(u32, u32)>,
    offsets: &'s mut CharOffsets,
}

/// What a kind's [`Kind::check`](kinds::Kind::check) works with: the
/// listing, what pass one and the text hits found, and where findings go.
pub(crate) struct ListingCheck<'a, 'f> {
    /// The ruleset (its rules, scan fields and run settings).
    pub ruleset: &'a Ruleset,
    /// The listing.
    pub listing: &'a Listing,
    /// Pass one's scan of each of [`Ruleset::scan_fields`].
    pub fields: &'a [FieldScan],
    /// The first trigger per rule.
    pub triggers: &'a [Option<Trigger>],
    /// `ItemTerm`s found in scanned fields' own values: (rule, item).
    pub item_terms: &'a [(u32, u32)],
    /// What the recognisers found per scanned field, each part
    /// recognised on demand (the field's value read with `--as-of`'s year).
    pub recognized: &'a [Recognition],
    /// Whether a rule's `when` holds (evaluated once per rule).
    pub applies_to: &'a mut dyn FnMut(u32) -> bool,
    /// The listing's findings.
    pub out: &'a mut Findings<'f>,
}

impl Ruleset {
    /// Number of distinct patterns in the shared automaton.
    pub fn pattern_count(&self) -> usize {
        self.matcher.pattern_count()
    }

    /// Looks up a rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }

    /// Checks one listing. Findings come ordered: input problems and
    /// listing-level findings first, then by field ([`Self::scan_fields`]
    /// order, other fields by name), position and rule id.
    pub fn check(&self, listing: &Listing, scratch: &mut Scratch) -> Vec<Finding> {
        self.check_listing(listing, scratch, None)
    }

    /// Checks one listing as [`Self::check`] does, except that a `require`
    /// rule finding nothing in a listing whose file has a header without a
    /// column for any of the rule's fields is not a finding: the rule's
    /// index is added to `absent` instead, so that the caller reports it
    /// once for the file ([`Self::absent_column_finding`]).
    pub fn check_collapsing(
        &self,
        listing: &Listing,
        scratch: &mut Scratch,
        absent: &mut Vec<u32>,
    ) -> Vec<Finding> {
        self.check_listing(listing, scratch, Some(absent))
    }

    fn check_listing(
        &self,
        listing: &Listing,
        scratch: &mut Scratch,
        absent: Option<&mut Vec<u32>>,
    ) -> Vec<Finding> {
        self.pass_one(listing, scratch);
        scratch.start_pass_two(self.rules.len(), self.scan_fields.len());
        let Scratch {
            fields,
            repeats,
            repeat_count,
            contains_hits,
            contains_at,
            applies,
            title_names,
            name_spans,
            candidates,
            keyword_rules,
            matches,
            triggers,
            item_terms,
            recognized,
            category_memo,
            strings,
            offsets,
            ..
        } = scratch;
        let mut out = Findings::new(listing, Some(strings), &self.rules);
        out.absent = absent;
        for problem in &listing.problems {
            out.push_input(problem);
        }
        let own_brands = OwnBrands::new(listing.get("brand"), &self.settings.own_brands);
        let own_brand = |brand: &str| own_brands.contains(brand);
        let mut evaluator = Evaluator::new(listing, &self.conditions, contains_hits, category_memo);
        // Whether a rule applies (`when`), or with `Cond::TitleIsName`
        // whether its pack takes the title for the product's name; each
        // evaluated at most once per listing and rule.
        let mut holds = |rule: u32, cond: Cond| -> bool {
            let r = &self.rules[rule as usize];
            match cond {
                Cond::When => *applies[rule as usize]
                    .get_or_insert_with(|| r.when.as_ref().is_none_or(|c| evaluator.holds(c))),
                Cond::TitleIsName => *title_names[rule as usize].get_or_insert_with(|| {
                    r.title_is_name.as_ref().is_some_and(|c| evaluator.holds(c))
                }),
            }
        };
        let mut names = NameContext {
            title_index: self.scan_fields.iter().position(|f| &**f == "title"),
            own: std::cell::OnceCell::new(),
            spans: name_spans,
        };
        let mut pass = TextPass {
            candidates,
            keyword_rules,
            matches,
            triggers,
            item_terms,
            offsets,
        };
        for value in ScannedValue::all(fields, &repeats[..*repeat_count]) {
            self.text_hits(
                value, &mut pass, &mut holds, &own_brand, &mut names, &mut out,
            );
        }
        let mut applies_to = |rule: u32| holds(rule, Cond::When);
        let mut check = ListingCheck {
            ruleset: self,
            listing,
            fields,
            triggers: pass.triggers,
            item_terms: pass.item_terms,
            recognized: recognized.as_slice(),
            applies_to: &mut applies_to,
            out: &mut out,
        };
        for kind in &self.kinds {
            kind.kind.check(&mut check, &kind.rules);
        }
        if !out.conditional.is_empty() {
            let evaluator = Evaluator::new(listing, &self.conditions, contains_hits, category_memo);
            let context = ReasonContext {
                listing,
                fields,
                scan_fields: &self.scan_fields,
                contains_at,
            };
            context.explain(&self.rules, evaluator, &mut out);
        }
        let mut findings = out.findings;
        if findings.len() > 1 {
            let fields = &self.scan_fields;
            findings.sort_by(|a, b| finding_order(fields, a).cmp(&finding_order(fields, b)));
        }
        findings
    }

    /// Findings for a record's input problems only (e.g. an unreadable row
    /// of a price-history file, which is not a listing to check).
    pub fn input_findings(&self, record: &Listing) -> Vec<Finding> {
        input_findings(record)
    }

    /// Pass two over one value: its occurrences and keyword rules' matches
    /// made hits, the hits that survive allow phrases and overlaps
    /// reported; triggers and item terms noted for the kinds' checks.
    fn text_hits(
        &self,
        value: ScannedValue<'_>,
        pass: &mut TextPass<'_>,
        holds: &mut impl FnMut(u32, Cond) -> bool,
        own_brand: &dyn Fn(&str) -> bool,
        names: &mut NameContext<'_>,
        out: &mut Findings<'_>,
    ) {
        let ScannedValue {
            field_index,
            repeat,
            scan,
        } = value;
        if !scan.present || scan.occurrences.is_empty() {
            return;
        }
        pass.candidates.clear();
        pass.keyword_rules.clear();
        self.route_occurrences(value, pass, &mut |rule| holds(rule, Cond::When));
        for &rule in pass.keyword_rules.iter() {
            if !self.rules[rule as usize].scans[field_index] || !holds(rule, Cond::When) {
                continue;
            }
            pass.matches.clear();
            self.rules[rule as usize]
                .kind
                .find_matches(&scan.normalized, own_brand, pass.matches);
            pass.candidates
                .extend(pass.matches.iter().map(|&(first, last)| Hit {
                    rule,
                    term: None,
                    first,
                    last,
                }));
        }
        if pass.candidates.is_empty() {
            return;
        }
        // Wording inside a name names something; it is not a claim.
        if Some(field_index) == names.title_index {
            pass.candidates
                .retain(|h| !holds(h.rule, Cond::TitleIsName));
        }
        let listing = out.listing;
        let own = names.own.get_or_init(|| {
            names::OwnNames::new(
                listing.get("brand"),
                listing.get("shop"),
                &self.settings.own_brands,
            )
        });
        names.spans.find(&scan.normalized, own);
        pass.candidates
            .retain(|h| !names.spans.covers(h.first, h.last));
        if pass.candidates.is_empty() {
            return;
        }
        let selected = hits::select(
            &self.rules,
            std::mem::take(pass.candidates),
            &scan.occurrences,
        );
        let field = &self.scan_fields[field_index];
        let value = match repeat {
            None => listing.get(field).unwrap_or_default(),
            Some(position) => listing.fields[position].1.as_str(),
        };
        let source: Option<Arc<str>> = self.settings.keep_sources.then(|| Arc::from(value));
        // Original characters as far as the last hit reaches.
        let reach = selected
            .iter()
            .map(|hit| scan.normalized.original_range(hit.first, hit.last).1)
            .max()
            .unwrap_or(0);
        pass.offsets.index_through(value, reach);
        let text = FieldText {
            name: field,
            value,
            offsets: pass.offsets,
            normalized: &scan.normalized,
            source: &source,
        };
        let first = out.findings.len();
        for hit in selected {
            self.push_text_hit(out, &hit, &text);
        }
        if let Some(position) = repeat {
            // A repeat's findings sort after the field's own value's,
            // together, in the order the values were written.
            let column = listing.column_at(position);
            for finding in &mut out.findings[first..] {
                finding.value = 1 + position as u32;
                finding.column = column;
            }
        }
    }

    /// Sorts a value's occurrences by use: `Deny` terms of rules that scan
    /// the field and apply become candidate hits, `Keyword`s name the
    /// rules whose matches to look for, and the first `Trigger` per rule
    /// and every `ItemTerm` in the field's own value are noted.
    fn route_occurrences(
        &self,
        value: ScannedValue<'_>,
        pass: &mut TextPass<'_>,
        applies_to: &mut impl FnMut(u32) -> bool,
    ) {
        let ScannedValue {
            field_index,
            repeat,
            scan,
        } = value;
        let own_value = repeat.is_none();
        // Built on the first trigger that needs it, once per field.
        let mut allowed: Option<AllowIndex> = None;
        for occ in &scan.occurrences {
            match occ.used_by {
                PatternUse::Deny { rule, term } => {
                    if self.rules[rule as usize].scans[field_index] && applies_to(rule) {
                        pass.candidates.push(Hit {
                            rule,
                            term: Some(term),
                            first: occ.first,
                            last: occ.last,
                        });
                    }
                }
                PatternUse::Keyword { rule } => {
                    if !pass.keyword_rules.contains(&rule) {
                        pass.keyword_rules.push(rule);
                    }
                }
                PatternUse::Trigger { rule, term } => {
                    let first_seen = own_value && pass.triggers[rule as usize].is_none();
                    if first_seen
                        && self.rules[rule as usize].scans[field_index]
                        && applies_to(rule)
                        && !allowed
                            .get_or_insert_with(|| AllowIndex::new(&scan.occurrences))
                            .covers(rule, occ.first, occ.last)
                    {
                        pass.triggers[rule as usize] = Some(Trigger {
                            field_index,
                            first: occ.first,
                            last: occ.last,
                            term,
                        });
                    }
                }
                PatternUse::ItemTerm { rule, item } => {
                    if own_value && self.rules[rule as usize].scans[field_index] {
                        pass.item_terms.push((rule, item));
                    }
                }
                PatternUse::Allow { .. }
                | PatternUse::Contains { .. }
                | PatternUse::ContainsAllow { .. } => {}
            }
        }
    }

    /// Pass one: normalise and scan every scanned field once.
    fn pass_one(&self, listing: &Listing, scratch: &mut Scratch) {
        scratch
            .fields
            .resize_with(self.scan_fields.len(), FieldScan::default);
        scratch.contains_hits.clear();
        scratch
            .contains_hits
            .resize(self.conditions.contains.len(), false);
        scratch.contains_at.clear();
        scratch
            .contains_at
            .resize(self.conditions.contains.len(), None);
        scratch.repeat_count = 0;
        for (field_index, field) in self.scan_fields.iter().enumerate() {
            let mut values = listing
                .fields
                .iter()
                .enumerate()
                .filter(|(_, (name, _))| name.len() == field.len() && name == field);
            let value = values.next().map_or("", |(_, (_, v))| v.as_str());
            for (position, (_, repeat)) in values {
                if repeat.is_empty() {
                    continue;
                }
                if scratch.repeat_count == scratch.repeats.len() {
                    scratch.repeats.push(RepeatScan::default());
                }
                let slot = &mut scratch.repeats[scratch.repeat_count];
                scratch.repeat_count += 1;
                slot.field_index = field_index;
                slot.position = position;
                slot.scan.present = true;
                slot.scan.occurrences.clear();
                scratch
                    .normalizer
                    .normalize_into(repeat, &mut slot.scan.normalized);
                self.matcher.scan(
                    field_index,
                    &slot.scan.normalized,
                    &mut slot.scan.occurrences,
                );
            }
            let scan = &mut scratch.fields[field_index];
            scan.occurrences.clear();
            scan.present = !value.is_empty();
            if !scan.present {
                continue;
            }
            scratch
                .normalizer
                .normalize_into(value, &mut scan.normalized);
            self.matcher
                .scan(field_index, &scan.normalized, &mut scan.occurrences);
            // Terms of tests without allow phrases count at once; those of
            // tests with allow phrases are weighed against them.
            scratch.contains_found.clear();
            for occ in &scan.occurrences {
                let (test, is_term) = match occ.used_by {
                    PatternUse::Contains { test } => (test, true),
                    PatternUse::ContainsAllow { test } => (test, false),
                    _ => continue,
                };
                let contains = &self.conditions.contains[test as usize];
                if !contains.fields.contains(&field_index) {
                    continue;
                }
                if contains.has_allow {
                    scratch
                        .contains_found
                        .push((test, occ.first, is_term, occ.last));
                } else {
                    scratch.contains_hits[test as usize] = true;
                    let at = &mut scratch.contains_at[test as usize];
                    if at.is_none_or(|(f, first, _)| f == field_index && occ.first < first) {
                        *at = Some((field_index, occ.first, occ.last));
                    }
                }
            }
            if !scratch.contains_found.is_empty() {
                let at = &mut scratch.contains_at;
                when::contains_hits_noting(
                    &mut scratch.contains_found,
                    &mut scratch.contains_hits,
                    |test, first, last| {
                        let at = &mut at[test as usize];
                        if at.is_none() {
                            *at = Some((field_index, first, last));
                        }
                    },
                );
            }
        }
    }

    /// Turns a text hit into a finding. Takes time in proportion to the
    /// hit, not to the field: a field can have tens of thousands of hits.
    fn push_text_hit(&self, out: &mut Findings<'_>, hit: &Hit, field_text: &FieldText<'_>) {
        let FieldText {
            name: field,
            value,
            offsets,
            normalized,
            source,
        } = *field_text;
        let rule = &self.rules[hit.rule as usize];
        let (start, end) = normalized.original_range(hit.first, hit.last);
        let text = offsets.slice(value, start, end);
        let (term, suggestion) = rule.kind.hit_wording(hit.term);
        let term = term.unwrap_or(text);
        let suggestion = suggestion.map(|s| out.share(s));
        let field_name = out.share(field);
        let message = rule.message.render(|name| match name {
            "term" => term,
            "match" => text,
            "field" => field,
            _ => "",
        });
        out.push_with_text(
            rule,
            message,
            suggestion,
            Some(field_name),
            Some((start, end, text.to_owned())),
            source.clone(),
        );
        if rule.kind.fix_unsafe(hit.term) {
            if let Some(finding) = out.findings.last_mut() {
                finding.unsafe_fix = true;
            }
        }
    }
}

/// A scanned field whose hits are being turned into findings.
#[derive(Clone, Copy)]
struct FieldText<'a> {
    /// Field name.
    name: &'a Arc<str>,
    /// Original value.
    value: &'a str,
    /// Character offsets of `value`.
    offsets: &'a CharOffsets,
    /// Its normalised form, which hits index.
    normalized: &'a Normalized,
    /// The value for findings that carry it.
    source: &'a Option<Arc<str>>,
}

/// The `input` findings of a record's problems (an unreadable row), made
/// without a ruleset: `listlint compare` and price-history files report
/// them like `check` does.
pub fn input_findings(record: &Listing) -> Vec<Finding> {
    let mut out = Findings::new(record, None, &[]);
    for problem in &record.problems {
        out.push_input(problem);
    }
    out.findings
}

/// Collects the findings of one listing.
pub(crate) struct Findings<'a> {
    listing: &'a Listing,
    key: Option<String>,
    /// The listing's id, looked up once (a listing may have many fields
    /// and many findings).
    id: Option<Option<String>>,
    findings: Vec<Finding>,
    /// The worker's copies of shared strings, when checking in a worker.
    strings: Option<&'a mut LocalStrings>,
    /// The ruleset's rules, which findings' rules are among.
    rules: &'a [Rule],
    /// The findings of conditional rules: (index among `findings`, rule
    /// index), to be given their `reason`.
    conditional: Vec<(usize, u32)>,
    /// When collapsing, the rules whose required field has no column in
    /// the listing's header (see [`Ruleset::check_collapsing`]).
    pub(crate) absent: Option<&'a mut Vec<u32>>,
}

impl<'a> Findings<'a> {
    /// No findings yet for `listing`; findings share strings through
    /// `strings` when given.
    fn new(listing: &'a Listing, strings: Option<&'a mut LocalStrings>, rules: &'a [Rule]) -> Self {
        Self {
            listing,
            key: None,
            id: None,
            findings: Vec::new(),
            strings,
            rules,
            conditional: Vec::new(),
            absent: None,
        }
    }

    /// The index of `rule` among the ruleset's rules, found by its
    /// address (every rule findings are made for is one of them).
    fn rule_index(&self, rule: &Rule) -> Option<u32> {
        let size = std::mem::size_of::<Rule>().max(1);
        let offset = (rule as *const Rule as usize).checked_sub(self.rules.as_ptr() as usize)?;
        let index = offset / size;
        let found = self.rules.get(index)?;
        std::ptr::eq(found, rule).then_some(index as u32)
    }

    /// Whether the listing's file has a header (CSV, TSV, an XLSX sheet)
    /// in which none of `fields` has a column, and findings of such
    /// fields are being collapsed: then `rule` is noted as absent and
    /// `true` returned.
    pub(crate) fn note_absent(&mut self, rule: &Rule, fields: &[String]) -> bool {
        let Some(header) = &self.listing.header else {
            return false;
        };
        if self.absent.is_none() || fields.iter().any(|f| header.has(f)) {
            return false;
        }
        let Some(index) = self.rule_index(rule) else {
            return false;
        };
        if let Some(absent) = self.absent.as_deref_mut() {
            absent.push(index);
        }
        true
    }

    /// A clone of a ruleset or file string for a finding: of the worker's
    /// own copy when there is one.
    fn share(&mut self, shared: &Arc<str>) -> Arc<str> {
        match &mut self.strings {
            Some(local) => local.get(shared),
            None => shared.clone(),
        }
    }

    fn key(&mut self) -> &str {
        let listing = self.listing;
        self.key.get_or_insert_with(|| listing.key())
    }

    fn listing_id(&mut self) -> Option<String> {
        let listing = self.listing;
        self.id
            .get_or_insert_with(|| listing.id().map(str::to_owned))
            .clone()
    }

    /// Adds a finding about `span` of `field`, its text cut from the
    /// listing's value by counting characters: for the few findings per
    /// listing of the kinds' checks (text hits, which can be many, come
    /// with their text).
    fn push(
        &mut self,
        rule: &Rule,
        message: String,
        suggestion: Option<Arc<str>>,
        field: Option<Arc<str>>,
        span: Option<(usize, usize)>,
        source: Option<Arc<str>>,
    ) {
        let listing = self.listing;
        let span = match (&field, span) {
            (Some(f), Some((start, end))) => {
                let value = listing.get(f).unwrap_or_default();
                Some((start, end, char_slice(value, start, end).to_owned()))
            }
            _ => None,
        };
        self.push_with_text(rule, message, suggestion, field, span, source);
    }

    /// Adds a finding whose span (start, end, text) is already cut.
    fn push_with_text(
        &mut self,
        rule: &Rule,
        message: String,
        suggestion: Option<Arc<str>>,
        field: Option<Arc<str>>,
        span: Option<(usize, usize, String)>,
        source: Option<Arc<str>>,
    ) {
        let listing = self.listing;
        let (span, text) = match span {
            Some((start, end, text)) => (Some((start, end)), Some(text)),
            None => (None, None),
        };
        let fingerprint = fingerprint(&rule.id, self.key(), field.as_deref(), text.as_deref());
        let column = field.as_deref().and_then(|f| listing.column_of(f));
        let unsafe_fix = rule.fix_unsafe && suggestion.is_some();
        let finding = Finding {
            rule: self.share(&rule.id),
            pack: self.share(&rule.pack),
            category: self.share(&rule.category),
            severity: rule.severity,
            message,
            help: rule.help.as_ref().map(|h| self.share(h)),
            suggestion,
            file: self.share(&listing.file),
            line: listing.line,
            record: listing.record,
            listing_id: self.listing_id(),
            field,
            start: span.map(|s| s.0),
            end: span.map(|s| s.1),
            text,
            fingerprint,
            reason: None,
            source,
            value: 0,
            column,
            unsafe_fix,
        };
        if rule.when.is_some() {
            if let Some(index) = self.rule_index(rule) {
                self.conditional.push((self.findings.len(), index));
            }
        }
        self.findings.push(finding);
    }

    /// Recomputes the last finding's fingerprint with `field_key` in place
    /// of its field name.
    fn rekey_last(&mut self, rule: &str, field_key: &str) {
        let key = self.key().to_owned();
        if let Some(last) = self.findings.last_mut() {
            last.fingerprint = fingerprint(rule, &key, Some(field_key), last.text.as_deref());
        }
    }

    /// The finding for a record that could not be (fully) read.
    fn push_input(&mut self, problem: &InputProblem) {
        let listing = self.listing;
        let fingerprint = fingerprint(
            problem.rule,
            self.key(),
            problem.field.as_deref(),
            Some(&problem.message),
        );
        let file = self.share(&listing.file);
        let listing_id = self.listing_id();
        self.findings.push(Finding {
            rule: Arc::from(problem.rule),
            pack: Arc::from(INPUT_CATEGORY),
            category: Arc::from(INPUT_CATEGORY),
            severity: problem.severity,
            message: problem.message.clone(),
            help: Some(Arc::from(
                "fix the export; everything that could be read was still checked",
            )),
            suggestion: None,
            file,
            line: listing.line,
            record: listing.record,
            listing_id,
            field: problem.field.clone(),
            start: None,
            end: None,
            text: None,
            fingerprint,
            reason: None,
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
        });
    }
}

/// What turns a rule's [`Why`](when::Why) into a finding's [`Reason`]:
/// the listing and pass one's scans.
struct ReasonContext<'a> {
    listing: &'a Listing,
    fields: &'a [FieldScan],
    scan_fields: &'a [Arc<str>],
    contains_at: &'a [Option<(usize, usize, usize)>],
}

impl ReasonContext<'_> {
    /// Gives each finding of a conditional rule its `reason`, found once
    /// per rule.
    fn explain<'r>(&self, rules: &'r [Rule], mut evaluator: Evaluator<'r>, out: &mut Findings<'_>) {
        let mut known: Vec<(u32, Option<Reason>)> = Vec::new();
        for &(position, rule) in &out.conditional {
            let reason = match known.iter().find(|(r, _)| *r == rule) {
                Some((_, reason)) => reason.clone(),
                None => {
                    let why = rules[rule as usize]
                        .when
                        .as_ref()
                        .and_then(|c| evaluator.why(c));
                    let reason = why.and_then(|why| self.reason(why));
                    known.push((rule, reason.clone()));
                    reason
                }
            };
            if let Some(finding) = out.findings.get_mut(position) {
                finding.reason = reason;
            }
        }
    }

    fn reason(&self, why: when::Why<'_>) -> Option<Reason> {
        let listing = self.listing;
        match why {
            when::Why::Category => {
                let category = listing.get("category")?.trim();
                Some(Reason {
                    field: Arc::from("category"),
                    text: category.to_owned(),
                    start: None,
                    end: None,
                })
            }
            when::Why::Contains(test) => {
                let (field_index, first, last) = (*self.contains_at.get(test)?)?;
                let field = self.scan_fields.get(field_index)?;
                let scan = self.fields.get(field_index)?;
                let (start, end) = scan.normalized.original_range(first, last);
                let value = listing.get(field)?;
                Some(Reason {
                    field: field.clone(),
                    text: char_slice(value, start, end).to_owned(),
                    start: Some(start),
                    end: Some(end),
                })
            }
            when::Why::Matches { field, start, end } => {
                let value = listing.get(field)?;
                let text = value.get(start..end)?;
                let start = value[..start].chars().count();
                Some(Reason {
                    field: Arc::from(field),
                    text: text.to_owned(),
                    start: Some(start),
                    end: Some(start + text.chars().count()),
                })
            }
        }
    }
}

/// The character span of `value` without surrounding whitespace.
fn trimmed_span(value: &str) -> (usize, usize) {
    let leading = value.chars().take_while(|c| c.is_whitespace()).count();
    let len = value.trim().chars().count();
    (leading, leading + len)
}

/// Where a finding goes among a listing's findings: listing-level ones
/// first, then by field (scan fields in order, other fields by name),
/// position and rule id.
fn finding_order<'f>(
    scan_fields: &[Arc<str>],
    finding: &'f Finding,
) -> (usize, &'f str, u32, Option<usize>, &'f str) {
    let (rank, name) = match &finding.field {
        None => (0, ""),
        Some(name) => match scan_fields.iter().position(|s| s == name) {
            Some(i) => (1 + i, ""),
            None => (1 + scan_fields.len(), &**name),
        },
    };
    (rank, name, finding.value, finding.start, &*finding.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::{builtin_sources, parse_pack};

    fn builtin_ruleset(select: &str) -> Ruleset {
        let packs = builtin_sources()
            .into_iter()
            .map(parse_pack)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        compile(&packs, &RuleFilter::new(&[select], &[])).unwrap()
    }

    fn listing(description: String) -> Listing {
        Listing {
            fields: vec![
                (Arc::from("id"), "A".to_owned()),
                (Arc::from("description"), description),
            ],
            ..Listing::default()
        }
    }

    #[test]
    fn many_hits_in_one_field_cost_work_in_proportion_to_the_field() {
        let ruleset = builtin_ruleset("absolute/superlative");
        let hits = 40_000;
        let value = "最好，".repeat(hits);
        let chars = 3 * hits;
        let before = crate::text::char_offsets::steps();
        let findings = ruleset.check(&listing(value), &mut Scratch::default());
        let walked = crate::text::char_offsets::steps() - before;
        assert_eq!(findings.len(), hits);
        for (i, f) in findings.iter().enumerate() {
            assert_eq!((f.start, f.end), (Some(3 * i), Some(3 * i + 2)));
            assert_eq!(f.text.as_deref(), Some("最好"));
        }
        // One pass to index the field, then at most a stride per offset.
        assert!(
            walked <= chars + hits * 2 * crate::text::char_offsets::STRIDE,
            "{walked} characters walked for {hits} hits in {chars} characters"
        );
    }

    #[test]
    fn triggers_covered_by_allow_phrases_index_the_allow_phrases_once() {
        // 限时 is a trigger of promo/time-limited-without-end; 限时达 an allow
        // phrase of its pack, covering every trigger of this field.
        let ruleset = builtin_ruleset("promotions");
        let before = hits::allow_indexes_built();
        let findings = ruleset.check(&listing("限时达，".repeat(1_000)), &mut Scratch::default());
        assert!(findings.is_empty(), "{findings:?}");
        assert!(hits::allow_indexes_built() - before <= 1);
    }

    #[test]
    fn char_slice_counts_characters_not_bytes() {
        assert_eq!(char_slice("甲最好乙", 1, 3), "最好");
        assert_eq!(char_slice("ab", 0, 2), "ab");
        assert_eq!(char_slice("ab", 2, 2), "");
        assert_eq!(char_slice("最", 0, 1), "最");
    }
}
