//! The engine: packs compiled into one [`Ruleset`], run over listings.
//!
//! Checking a listing takes two passes. First every scanned text field is
//! normalised once and scanned once by the shared automaton, which finds
//! lexicon terms, allow phrases, pattern keywords and `contains` terms at
//! once. Then each rule's `when` is evaluated (once) and the kinds turn
//! occurrences, regex matches and field values into [`Finding`]s with spans
//! in the original field values.

pub mod char_offsets;
pub mod compile;
pub mod compose;
pub mod hits;
pub mod html;
pub mod kinds;
mod local;
pub mod matcher;
pub mod message;
pub mod names;
pub mod normalize;
pub mod select;
pub mod t2s;
pub mod when;

use std::sync::Arc;

use crate::date::Date;
use crate::history::PriceHistory;
use crate::listing::{InputProblem, Listing};
use crate::money::Money;
use crate::pack::schema::{Reference, Severity};
use crate::recognize::{recognize, Recognized};
use crate::report::finding::{fingerprint, Finding};
use char_offsets::CharOffsets;
use hits::AllowIndex;
use hits::Hit;
use kinds::disclosure::{At, Found};
use kinds::price::{Place, PriceContext, PriceScope};
use kinds::RuleKind;
use local::LocalStrings;
use matcher::{Matcher, Occurrence, PatternUse};
use message::MessageTemplate;
use normalize::{Normalized, Normalizer};
use when::{CategoryMemo, Condition, Conditions, Evaluator};

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
    /// Kind-specific data.
    pub kind: RuleKind,
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
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            keep_sources: false,
            as_of: Date::today_utc(),
            history: None,
            own_brands: Arc::from([]),
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
    /// Fields price rules read as prices (checked once per listing).
    pub price_fields: Vec<String>,
    /// Loaded pack names and versions.
    pub packs: Vec<(Arc<str>, String)>,
    /// Run settings.
    pub settings: RunSettings,
    pub(crate) matcher: Matcher,
    pub(crate) conditions: Conditions,
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
struct FieldScan {
    present: bool,
    normalized: Normalized,
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
    applies: Vec<Option<bool>>,
    /// Per rule: whether its pack takes this listing's title for a name.
    title_names: Vec<Option<bool>>,
    /// Names in the field whose hits are being selected.
    name_spans: names::NameSpans,
    candidates: Vec<Hit>,
    keyword_rules: Vec<u32>,
    matches: Vec<(usize, usize)>,
    /// First trigger per disclosure rule: field index, span, term.
    triggers: Vec<Option<(usize, usize, usize, u32)>>,
    /// Disclosure item terms found: (rule, item).
    item_terms: Vec<(u32, u32)>,
    /// Recognised text per scanned field, computed on demand.
    recognized: Vec<Option<Recognized>>,
    /// Category test results by category value.
    category_memo: CategoryMemo,
    /// This worker's copies of the strings findings carry.
    strings: LocalStrings,
    /// Character offsets of the field whose hits are being reported.
    offsets: CharOffsets,
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
        self.scan_fields(listing, scratch);
        let Scratch {
            fields,
            repeats,
            repeat_count,
            contains_hits,
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
        let mut out = Findings {
            listing,
            key: None,
            id: None,
            findings: Vec::new(),
            strings: Some(strings),
        };
        for problem in &listing.problems {
            out.push_input(problem);
        }
        triggers.clear();
        triggers.resize(self.rules.len(), None);
        item_terms.clear();
        recognized.clear();
        recognized.resize_with(self.scan_fields.len(), || None);
        let own_brands =
            kinds::pattern::OwnBrands::new(listing.get("brand"), &self.settings.own_brands);
        let own_brand = |brand: &str| own_brands.contains(brand);
        let mut evaluator = Evaluator::new(listing, &self.conditions, contains_hits, category_memo);
        applies.clear();
        applies.resize(self.rules.len(), None);
        title_names.clear();
        title_names.resize(self.rules.len(), None);
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
        let title_index = self.scan_fields.iter().position(|f| &**f == "title");
        let own_names = std::cell::OnceCell::new();
        // Every value of a field is scanned for wording; triggers of
        // disclosures, like conditions, prices and required fields, look
        // at the field's own value only.
        let scans = fields.iter().enumerate().map(|(i, scan)| (i, None, scan));
        let repeated = repeats[..*repeat_count]
            .iter()
            .map(|r| (r.field_index, Some(r.position), &r.scan));
        for (field_index, repeat, scan) in scans.chain(repeated) {
            let own_value = repeat.is_none();
            if !scan.present || scan.occurrences.is_empty() {
                continue;
            }
            candidates.clear();
            keyword_rules.clear();
            // Built on the first trigger that needs it, once per field.
            let mut allowed: Option<AllowIndex> = None;
            for occ in &scan.occurrences {
                match occ.used_by {
                    PatternUse::Deny { rule, term } => {
                        if self.rules[rule as usize].scans[field_index] && holds(rule, Cond::When) {
                            candidates.push(Hit {
                                rule,
                                term: Some(term),
                                first: occ.first,
                                last: occ.last,
                            });
                        }
                    }
                    PatternUse::Keyword { rule } => {
                        if !keyword_rules.contains(&rule) {
                            keyword_rules.push(rule);
                        }
                    }
                    PatternUse::Trigger { rule, term } => {
                        let first_seen = own_value && triggers[rule as usize].is_none();
                        if first_seen
                            && self.rules[rule as usize].scans[field_index]
                            && holds(rule, Cond::When)
                            && !allowed
                                .get_or_insert_with(|| AllowIndex::new(&scan.occurrences))
                                .covers(rule, occ.first, occ.last)
                        {
                            triggers[rule as usize] =
                                Some((field_index, occ.first, occ.last, term));
                        }
                    }
                    PatternUse::ItemTerm { rule, item } => {
                        if own_value && self.rules[rule as usize].scans[field_index] {
                            item_terms.push((rule, item));
                        }
                    }
                    PatternUse::Allow { .. } | PatternUse::Contains { .. } => {}
                }
            }
            for &rule in keyword_rules.iter() {
                let RuleKind::Pattern(pattern) = &self.rules[rule as usize].kind else {
                    continue;
                };
                if !self.rules[rule as usize].scans[field_index] || !holds(rule, Cond::When) {
                    continue;
                }
                matches.clear();
                kinds::pattern::find_matches(pattern, &scan.normalized, &own_brand, matches);
                candidates.extend(matches.iter().map(|&(first, last)| Hit {
                    rule,
                    term: None,
                    first,
                    last,
                }));
            }
            if candidates.is_empty() {
                continue;
            }
            // Wording inside a name names something; it is not a claim.
            if Some(field_index) == title_index {
                candidates.retain(|h| !holds(h.rule, Cond::TitleIsName));
            }
            let own = own_names.get_or_init(|| {
                names::OwnNames::new(
                    listing.get("brand"),
                    listing.get("shop"),
                    &self.settings.own_brands,
                )
            });
            name_spans.find(&scan.normalized, own);
            candidates.retain(|h| !name_spans.covers(h.first, h.last));
            if candidates.is_empty() {
                continue;
            }
            let selected = hits::select(&self.rules, std::mem::take(candidates), &scan.occurrences);
            let field = &self.scan_fields[field_index];
            let value = match repeat {
                None => listing.get(field).unwrap_or_default(),
                Some(position) => listing.fields[position].1.as_str(),
            };
            let source: Option<Arc<str>> = self.settings.keep_sources.then(|| Arc::from(value));
            offsets.index(value);
            let text = FieldText {
                name: field,
                value,
                offsets,
                normalized: &scan.normalized,
                source: &source,
            };
            let first = out.findings.len();
            for hit in selected {
                self.push_text_hit(&mut out, &hit, &text);
            }
            if let Some(position) = repeat {
                // A repeat's findings sort after the field's own value's,
                // together, in the order the values were written.
                for finding in &mut out.findings[first..] {
                    finding.value = 1 + position as u32;
                }
            }
        }
        for (index, rule) in self.rules.iter().enumerate() {
            let RuleKind::Require(require) = &rule.kind else {
                continue;
            };
            if !holds(index as u32, Cond::When) {
                continue;
            }
            for problem in require.check(listing, self.settings.as_of) {
                let field = problem.field.as_deref();
                let message = rule.message.render(|name| match name {
                    "certificate" => require.name.as_str(),
                    "field" => field.unwrap_or(""),
                    "value" => problem.value.as_deref().unwrap_or(""),
                    "problem" => problem.description.as_str(),
                    _ => "",
                });
                let source = match field {
                    Some(f) if self.settings.keep_sources => listing.get(f).map(Arc::from),
                    _ => None,
                };
                out.push(
                    rule,
                    message,
                    None,
                    field.map(Arc::from),
                    problem.span,
                    source,
                );
            }
        }
        self.check_prices(listing, fields, &mut out, &mut |rule| {
            holds(rule, Cond::When)
        });
        self.check_disclosures(listing, fields, triggers, item_terms, recognized, &mut out);
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
        let mut out = Findings {
            listing: record,
            key: None,
            id: None,
            findings: Vec::new(),
            strings: None,
        };
        for problem in &record.problems {
            out.push_input(problem);
        }
        out.findings
    }

    /// Disclosure rules whose triggers occurred: missing items, window
    /// dates, prize caps.
    fn check_disclosures(
        &self,
        listing: &Listing,
        fields: &[FieldScan],
        triggers: &[Option<(usize, usize, usize, u32)>],
        item_terms: &[(u32, u32)],
        recognized: &mut [Option<Recognized>],
        out: &mut Findings<'_>,
    ) {
        for (index, rule) in self.rules.iter().enumerate() {
            let (RuleKind::Disclosure(disclosure), Some(trigger)) = (&rule.kind, triggers[index])
            else {
                continue;
            };
            for (field_index, scanned) in rule.scans.iter().enumerate() {
                if *scanned && fields[field_index].present && recognized[field_index].is_none() {
                    let value = listing
                        .get(&self.scan_fields[field_index])
                        .unwrap_or_default();
                    recognized[field_index] = Some(recognize(value, self.settings.as_of.year));
                }
            }
            let texts: Vec<Option<&Recognized>> = recognized
                .iter()
                .zip(&rule.scans)
                .map(|(r, &scanned)| r.as_ref().filter(|_| scanned))
                .collect();
            let found_terms: Vec<bool> = (0..disclosure.items.len())
                .map(|item| item_terms.contains(&(index as u32, item as u32)))
                .collect();
            let (trigger_field, first, last, term) = trigger;
            let trigger_text = disclosure.triggers[term as usize].as_str();
            let found = Found {
                listing,
                texts: &texts,
                item_terms_found: &found_terms,
                as_of: self.settings.as_of,
                trigger: trigger_text,
            };
            for problem in disclosure.check(&found) {
                let (field, span): (Arc<str>, (usize, usize)) = match &problem.at {
                    At::Trigger => (
                        self.scan_fields[trigger_field].clone(),
                        fields[trigger_field].normalized.original_range(first, last),
                    ),
                    At::Field(name) => (
                        Arc::from(name.as_str()),
                        trimmed_span(listing.get(name).unwrap_or_default()),
                    ),
                    At::Text { field_index, span } => {
                        (self.scan_fields[*field_index].clone(), *span)
                    }
                };
                // The rule's message speaks of a missing item; window and
                // prize findings say what they found in their own words.
                let message = match &problem.item {
                    Some(item) => rule.message.render(|name| match name {
                        "trigger" => trigger_text,
                        "item" => item.as_str(),
                        "detail" => problem.detail.as_str(),
                        "field" => &field,
                        _ => "",
                    }),
                    None => problem.detail.clone(),
                };
                let source = self
                    .settings
                    .keep_sources
                    .then(|| listing.get(&field).map(Arc::from))
                    .flatten();
                out.push(rule, message, None, Some(field), Some(span), source);
            }
        }
    }

    /// Price fields that are not prices, then every applicable price rule.
    fn check_prices(
        &self,
        listing: &Listing,
        fields: &[FieldScan],
        out: &mut Findings<'_>,
        applies_to: &mut dyn FnMut(u32) -> bool,
    ) {
        if self.price_fields.is_empty() {
            return;
        }
        let scopes = PriceScope::of(listing);
        let variant_line = |scope: PriceScope| {
            scope
                .variant_info(listing, "line")
                .and_then(|l| l.parse::<u64>().ok())
                .unwrap_or(listing.line)
        };
        // Each price field parsed once per scope, for every price rule; a
        // value that is not a price is reported where it was read (the
        // product's ranges are made from its variants' values).
        let mut parsed: Vec<Vec<(&str, Option<Money>)>> = Vec::with_capacity(scopes.len());
        for &scope in &scopes {
            let mut prices = Vec::with_capacity(self.price_fields.len());
            for field in &self.price_fields {
                let amount = match scope.value(listing, field).map(crate::money::parse_price) {
                    None => None,
                    Some(Ok(price)) => price.amount(),
                    Some(Err(why)) => {
                        if scope != PriceScope::Product {
                            let name = scope.stored_name(listing, field);
                            out.push_input(&InputProblem::error(
                                "input/invalid-price",
                                format!("line {}, field `{name}`: {why}", variant_line(scope)),
                                Some(Arc::from(&*name)),
                            ));
                        }
                        None
                    }
                };
                prices.push((field.as_str(), amount));
            }
            parsed.push(prices);
        }
        let texts: Vec<Option<&Normalized>> = fields
            .iter()
            .map(|scan| scan.present.then_some(&scan.normalized))
            .collect();
        for (index, rule) in self.rules.iter().enumerate() {
            let RuleKind::Price(price) = &rule.kind else {
                continue;
            };
            if !applies_to(index as u32) {
                continue;
            }
            // A claim in the text is reported once, for the first variant
            // it does not hold for.
            let mut text_spans: Vec<(usize, usize, usize)> = Vec::new();
            for (&scope, prices) in scopes.iter().zip(&parsed) {
                if !price.runs_in(scope) {
                    continue;
                }
                let ctx = PriceContext {
                    listing,
                    history: self.settings.history.as_deref(),
                    as_of: self.settings.as_of,
                    texts: &texts,
                    scans: &rule.scans,
                    scope,
                    prices,
                };
                for mut problem in price.check(&ctx) {
                    let (field, span) = match &problem.place {
                        Place::Listing => (None, None),
                        Place::Field(name) => {
                            let name = scope.stored_name(listing, name);
                            let value = listing.get(&name).unwrap_or_default();
                            (Some(Arc::from(&*name)), Some(trimmed_span(value)))
                        }
                        Place::Text {
                            field_index,
                            first,
                            last,
                        } => {
                            if text_spans.contains(&(*field_index, *first, *last)) {
                                continue;
                            }
                            text_spans.push((*field_index, *first, *last));
                            (
                                Some(self.scan_fields[*field_index].clone()),
                                Some(
                                    fields[*field_index]
                                        .normalized
                                        .original_range(*first, *last),
                                ),
                            )
                        }
                    };
                    let label = scope.variant_info(listing, "label");
                    if let Some(label) = label {
                        let line = variant_line(scope);
                        problem
                            .detail
                            .push_str(&format!("（变体 {label}，第{line}行）"));
                    }
                    let message = rule.message.render(|name| match name {
                        "detail" => problem.detail.as_str(),
                        "field" => field.as_deref().unwrap_or(""),
                        _ => "",
                    });
                    let source = match &field {
                        Some(f) if self.settings.keep_sources => listing.get(f).map(Arc::from),
                        _ => None,
                    };
                    // A variant's field is fingerprinted by the variant's
                    // label, not its position, so that adding a variant
                    // does not make the others' findings look new.
                    let key = match (&problem.place, label) {
                        (Place::Field(name), Some(label)) => {
                            Some(format!("variant[{label}].{name}"))
                        }
                        _ => None,
                    };
                    out.push(rule, message, None, field, span, source);
                    if let Some(key) = key {
                        out.rekey_last(&rule.id, &key);
                    }
                }
            }
        }
    }

    /// Pass one: normalise and scan every scanned field once.
    fn scan_fields(&self, listing: &Listing, scratch: &mut Scratch) {
        scratch
            .fields
            .resize_with(self.scan_fields.len(), FieldScan::default);
        scratch.contains_hits.clear();
        scratch
            .contains_hits
            .resize(self.conditions.contains.len(), false);
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
                self.matcher
                    .scan(&slot.scan.normalized, &mut slot.scan.occurrences);
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
            self.matcher.scan(&scan.normalized, &mut scan.occurrences);
            for occ in &scan.occurrences {
                if let PatternUse::Contains { test } = occ.used_by {
                    if self.conditions.contains[test as usize].contains(&field_index) {
                        scratch.contains_hits[test as usize] = true;
                    }
                }
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
        let (term, suggestion) = match (&rule.kind, hit.term) {
            (RuleKind::Lexicon(lexicon), Some(t)) => (
                lexicon.terms[t as usize].as_str(),
                lexicon.suggestions[t as usize].as_ref(),
            ),
            (RuleKind::Pattern(pattern), _) => (text, pattern.suggestion.as_ref()),
            _ => (text, None),
        };
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

/// Collects the findings of one listing.
struct Findings<'a> {
    listing: &'a Listing,
    key: Option<String>,
    /// The listing's id, looked up once (a listing may have many fields
    /// and many findings).
    id: Option<Option<String>>,
    findings: Vec<Finding>,
    /// The worker's copies of shared strings, when checking in a worker.
    strings: Option<&'a mut LocalStrings>,
}

impl Findings<'_> {
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
    /// listing of `require`, price and disclosure rules (text hits, which
    /// can be many, come with their text).
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
            source,
            value: 0,
        };
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
            source: None,
            value: 0,
        });
    }
}

/// The character span of `value` without surrounding whitespace.
fn trimmed_span(value: &str) -> (usize, usize) {
    let leading = value.chars().take_while(|c| c.is_whitespace()).count();
    let len = value.trim().chars().count();
    (leading, leading + len)
}

/// The characters `[start, end)` of `value`, counted from its start (see
/// [`CharOffsets`] for many spans of one value).
fn char_slice(value: &str, start: usize, end: usize) -> &str {
    char_offsets::count_steps(end.max(start));
    let mut indices = value.char_indices().map(|(i, _)| i).chain([value.len()]);
    let from = indices.nth(start).unwrap_or(value.len());
    let to = if end > start {
        indices.nth(end - start - 1).unwrap_or(value.len())
    } else {
        from
    };
    &value[from..to]
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
        let before = char_offsets::steps();
        let findings = ruleset.check(&listing(value), &mut Scratch::default());
        let walked = char_offsets::steps() - before;
        assert_eq!(findings.len(), hits);
        for (i, f) in findings.iter().enumerate() {
            assert_eq!((f.start, f.end), (Some(3 * i), Some(3 * i + 2)));
            assert_eq!(f.text.as_deref(), Some("最好"));
        }
        // One pass to index the field, then at most a stride per offset.
        assert!(
            walked <= chars + hits * 2 * char_offsets::STRIDE,
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
