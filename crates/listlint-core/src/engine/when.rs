//! Applicability conditions (`when:`), shared by every rule kind.
//!
//! A condition is compiled once with the ruleset and evaluated at most once
//! per listing and rule; named conditions (`use:`) are evaluated at most once
//! per listing however many rules use them. `contains` terms go into the
//! shared automaton, so testing them costs no second scan of the text.

use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;
use serde_saphyr::Spanned;

use super::matcher::{MatcherBuilder, PatternUse};
use super::pack_regex::PackRegex;
use super::DEFAULT_FIELDS;
use crate::listing::Listing;
use crate::pack::schema::{CategoryDef, ConditionDef};
use crate::pack::{PackError, PackSource};
use crate::text::normalize::{normalize_term, term_problem};

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Condition {
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// Negation.
    Not(Box<Condition>),
    /// Category path test.
    Category(CategoryTest),
    /// Field exists and is not blank.
    FieldPresent(String),
    /// Field missing or blank.
    FieldEmpty(String),
    /// Field value matches.
    FieldMatches {
        /// Field name.
        field: String,
        /// The regex.
        regex: PackRegex,
    },
    /// A `contains` test: index into [`Conditions::contains`].
    Contains(usize),
    /// Numeric comparisons, all of which must hold.
    Number {
        /// Field name.
        field: String,
        /// Comparisons.
        tests: Vec<(Comparison, f64)>,
    },
    /// A named condition: index into [`Conditions::named`].
    Named(usize),
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
}

/// A compiled `category:` test.
#[derive(Debug, Clone)]
pub struct CategoryTest {
    /// Index among the ruleset's category tests ([`Conditions::category_tests`]).
    id: usize,
    prefixes: Vec<Vec<String>>,
    /// Segment names, hashed: category conditions list dozens of them and
    /// run for most rules of most listings.
    any: std::collections::HashSet<String>,
    regex: Option<PackRegex>,
}

/// A listing's category path, split into normalised segments once per
/// listing, with the segments joined by `/` for regex tests.
#[derive(Debug, Default)]
struct CategoryPath {
    segments: Vec<String>,
    joined: String,
}

/// A compiled `contains` test.
#[derive(Debug, Clone, Default)]
pub struct ContainsTest {
    /// The scan-field indices it looks in.
    pub fields: Vec<usize>,
    /// Whether it has allow phrases, so that its term occurrences must be
    /// checked against them (see [`contains_hits`]).
    pub has_allow: bool,
}

/// One occurrence of a `contains` term or allow phrase in a field, for
/// [`contains_hits`]: `(test, first, is_term, last)`. Allow phrases sort
/// before terms that start where they start.
pub type ContainsOccurrence = (u32, usize, bool, usize);

/// Sets `hits[test]` for every `contains` test with a term occurrence in
/// `found` that no allow phrase of the same test covers (an allow phrase
/// covers a term that lies within it). `found` is sorted in place; sort
/// and sweep, so a field with many occurrences stays `n log n`.
pub fn contains_hits(found: &mut [ContainsOccurrence], hits: &mut [bool]) {
    contains_hits_noting(found, hits, |_, _, _| {});
}

/// [`contains_hits`], calling `first_hit(test, first, last)` with the
/// first term occurrence (by position) that makes each test hold.
pub fn contains_hits_noting(
    found: &mut [ContainsOccurrence],
    hits: &mut [bool],
    mut first_hit: impl FnMut(u32, usize, usize),
) {
    found.sort_unstable();
    let mut current = None;
    let mut allowed_to = 0;
    let mut noted = false;
    for &(test, first, is_term, last) in found.iter() {
        if current != Some(test) {
            current = Some(test);
            allowed_to = 0;
            noted = false;
        }
        if !is_term {
            allowed_to = allowed_to.max(last);
        } else if last > allowed_to {
            // Every allow phrase seen so far starts at or before the term;
            // none of them reaches its end.
            hits[test as usize] = true;
            if !noted {
                noted = true;
                first_hit(test, first, last);
            }
        }
    }
}

/// What made a condition hold, as [`Evaluator::why`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why<'c> {
    /// A term of `contains` test `i` (where: noted when the fields were
    /// scanned).
    Contains(usize),
    /// The listing's category.
    Category,
    /// A `field_matches` regex matched bytes `start..end` of `field`.
    Matches {
        /// The field.
        field: &'c str,
        /// Byte offsets of the match in the field's value.
        start: usize,
        /// One past its last byte.
        end: usize,
    },
}

/// The conditions of a ruleset: named ones and `contains` tests.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Named conditions, by index.
    pub named: Vec<Condition>,
    /// The `contains` tests, by index.
    pub contains: Vec<ContainsTest>,
    /// Number of category tests.
    pub category_tests: usize,
    /// Tells compiled condition sets apart, so a [`CategoryMemo`] reused
    /// with another ruleset starts again.
    identity: u64,
}

impl Conditions {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            identity: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..Self::default()
        }
    }
}

/// Most distinct category values a [`CategoryMemo`] remembers before it
/// starts again.
const CATEGORY_MEMO_LIMIT: usize = 4096;

/// Results of category tests by category value, kept across the listings
/// one worker checks: an export has few distinct categories, and a
/// category test (segments, prefixes, regex) gives the same answer for the
/// same value.
#[derive(Debug, Default)]
pub struct CategoryMemo {
    /// [`Conditions::identity`] of the conditions the results are for.
    owner: u64,
    slots: HashMap<Box<str>, usize>,
    results: Vec<Vec<Option<bool>>>,
    /// Named condition results of the listing being evaluated: a buffer
    /// reused from listing to listing, reset by [`Evaluator::new`].
    named: Vec<Option<bool>>,
}

impl CategoryMemo {
    /// The result row for a category value, made on first sight.
    fn slot(&mut self, value: &str, tests: usize) -> usize {
        if let Some(&slot) = self.slots.get(value) {
            return slot;
        }
        if self.results.len() >= CATEGORY_MEMO_LIMIT {
            self.slots.clear();
            self.results.clear();
        }
        let slot = self.results.len();
        self.results.push(vec![None; tests]);
        self.slots.insert(value.into(), slot);
        slot
    }
}

/// Splits a category path into normalised segments. Separators: `/`, `>`,
/// `›`, `»`, `|`, `\`, `＞`, `／` (with any spaces around them).
pub fn category_segments(path: &str) -> Vec<String> {
    path.split(['/', '>', '›', '»', '|', '\\', '＞', '／', '》'])
        .map(normalize_term)
        .filter(|s| !s.is_empty())
        .collect()
}

impl CategoryPath {
    fn of(path: &str) -> Self {
        let segments = category_segments(path);
        let joined = segments.join("/");
        Self { segments, joined }
    }
}

impl CategoryTest {
    fn matches(&self, path: &CategoryPath) -> bool {
        let segments = &path.segments;
        if segments.is_empty() {
            return false;
        }
        self.prefixes
            .iter()
            .any(|p| segments.len() >= p.len() && segments[..p.len()] == p[..])
            || segments.iter().any(|s| self.any.contains(s))
            || self
                .regex
                .as_ref()
                .is_some_and(|r| r.is_match(&path.joined))
    }
}

/// Parses a number as listings write it: `¥1,299.00`, `1299元`, `￥99`.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥', '$', '＄'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Evaluates conditions for one listing, remembering named results.
pub struct Evaluator<'a> {
    listing: &'a Listing,
    conditions: &'a Conditions,
    contains_hits: &'a [bool],
    /// The listing's category segments, split on first use.
    category: Option<CategoryPath>,
    memo: &'a mut CategoryMemo,
    /// The listing's row in `memo`, found on first use.
    memo_slot: Option<usize>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `listing`; `contains_hits[i]` says whether
    /// `contains` test `i` found a term.
    pub fn new(
        listing: &'a Listing,
        conditions: &'a Conditions,
        contains_hits: &'a [bool],
        memo: &'a mut CategoryMemo,
    ) -> Self {
        if memo.owner != conditions.identity {
            *memo = CategoryMemo {
                owner: conditions.identity,
                ..CategoryMemo::default()
            };
        }
        memo.named.clear();
        memo.named.resize(conditions.named.len(), None);
        Self {
            listing,
            conditions,
            contains_hits,
            category: None,
            memo,
            memo_slot: None,
        }
    }

    fn category_holds(&mut self, test: &CategoryTest) -> bool {
        let listing = self.listing;
        let value = listing.get("category").unwrap_or("");
        let tests = self.conditions.category_tests;
        let slot = *self
            .memo_slot
            .get_or_insert_with(|| self.memo.slot(value, tests));
        if let Some(known) = self.memo.results[slot][test.id] {
            return known;
        }
        let path = self.category.get_or_insert_with(|| CategoryPath::of(value));
        let result = test.matches(path);
        self.memo.results[slot][test.id] = Some(result);
        result
    }

    /// What made `condition`, which holds for the listing, hold: a word
    /// (a `contains` term or a `field_matches` match) or the category.
    /// In `all`, the last part that names one (packs write the general
    /// class first and what narrows it after: cosmetics, then the
    /// whitening claim that makes them special); in `any`, the first part
    /// that holds and names one. A `not`, a field being filled in or
    /// empty, and a number name nothing.
    pub(crate) fn why(&mut self, condition: &'a Condition) -> Option<Why<'a>> {
        match condition {
            Condition::All(all) => all.iter().rev().find_map(|c| self.why(c)),
            Condition::Any(any) => {
                for c in any {
                    if self.holds(c) {
                        if let Some(why) = self.why(c) {
                            return Some(why);
                        }
                    }
                }
                None
            }
            Condition::Category(_) => Some(Why::Category),
            Condition::Contains(i) => Some(Why::Contains(*i)),
            Condition::FieldMatches { field, regex } => {
                let listing = self.listing;
                let m = regex.find(listing.get(field)?)?;
                Some(Why::Matches {
                    field,
                    start: m.start(),
                    end: m.end(),
                })
            }
            Condition::Named(i) => {
                let conditions = self.conditions;
                self.why(&conditions.named[*i])
            }
            Condition::Not(_)
            | Condition::FieldPresent(_)
            | Condition::FieldEmpty(_)
            | Condition::Number { .. } => None,
        }
    }

    /// Whether `condition` holds for the listing.
    pub fn holds(&mut self, condition: &Condition) -> bool {
        let value = |name: &str| {
            self.listing
                .get(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        match condition {
            Condition::All(all) => all.iter().all(|c| self.holds(c)),
            Condition::Any(any) => any.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
            Condition::Category(test) => self.category_holds(test),
            Condition::FieldPresent(f) => value(f).is_some(),
            Condition::FieldEmpty(f) => value(f).is_none(),
            Condition::FieldMatches { field, regex } => {
                self.listing.get(field).is_some_and(|v| regex.is_match(v))
            }
            Condition::Contains(i) => self.contains_hits.get(*i).copied().unwrap_or(false),
            Condition::Number { field, tests } => {
                value(field).and_then(parse_number).is_some_and(|n| {
                    tests.iter().all(|&(cmp, x)| match cmp {
                        Comparison::Gt => n > x,
                        Comparison::Ge => n >= x,
                        Comparison::Lt => n < x,
                        Comparison::Le => n <= x,
                        Comparison::Eq => (n - x).abs() < 1e-9,
                    })
                })
            }
            Condition::Named(i) => {
                if let Some(known) = self.memo.named[*i] {
                    return known;
                }
                let conditions = self.conditions;
                let result = self.holds(&conditions.named[*i]);
                self.memo.named[*i] = Some(result);
                result
            }
        }
    }
}

/// Compiles conditions while a ruleset is being built.
pub struct ConditionCompiler<'a> {
    /// Named condition definitions of every pack, by `pack/name`.
    defs: HashMap<String, (&'a PackSource, &'a ConditionDef)>,
    /// Compiled named conditions' indices, by `pack/name`.
    done: HashMap<String, usize>,
    /// Names being compiled (to report cycles).
    stack: Vec<String>,
    /// Whether regexes of shipped packs may be compiled on first use (see
    /// [`Self::set_deferring`]).
    deferring: bool,
    /// Pack sources seen, by the address of their text, and whether each
    /// is shipped ([`crate::pack::is_shipped`]).
    shipped: Vec<(usize, bool)>,
    /// The compiled conditions.
    pub conditions: Conditions,
}

/// Where new `contains` terms and fields go.
pub struct CompileTarget<'b> {
    /// The shared automaton being built.
    pub matcher: &'b mut MatcherBuilder,
    /// The scan fields, extended with `contains` fields.
    pub scan_fields: &'b mut Vec<Arc<str>>,
}

impl<'a> ConditionCompiler<'a> {
    /// Collects named conditions from every pack.
    pub fn new(
        packs: impl IntoIterator<
            Item = (
                &'a str,
                &'a PackSource,
                &'a std::collections::BTreeMap<String, ConditionDef>,
            ),
        >,
    ) -> Self {
        let mut defs = HashMap::new();
        for (pack, source, named) in packs {
            for (name, def) in named {
                defs.insert(format!("{pack}/{name}"), (source, def));
            }
        }
        Self {
            defs,
            done: HashMap::new(),
            stack: Vec::new(),
            deferring: true,
            shipped: Vec::new(),
            conditions: Conditions::new(),
        }
    }

    /// Whether the regexes of conditions compiled from now on may be
    /// compiled when first used, when they are written in a shipped pack
    /// (on by default). Off for a condition that an override may have
    /// brought into a shipped pack's rule.
    pub fn set_deferring(&mut self, deferring: bool) {
        self.deferring = deferring;
    }

    /// Compiles a regex of a condition written in `source`: on first use
    /// if it is a shipped pack's and deferring is on, now otherwise.
    fn regex(
        &mut self,
        source: &PackSource,
        regex: &Spanned<String>,
    ) -> Result<PackRegex, PackError> {
        if self.deferring && self.is_shipped(source) {
            return Ok(PackRegex::deferred(&regex.value));
        }
        compile_regex(source, regex).map(PackRegex::compiled)
    }

    fn is_shipped(&mut self, source: &PackSource) -> bool {
        let key = source.text.as_ptr() as usize;
        if let Some(&(_, shipped)) = self.shipped.iter().find(|(k, _)| *k == key) {
            return shipped;
        }
        let shipped = crate::pack::is_shipped(source);
        self.shipped.push((key, shipped));
        shipped
    }

    /// Compiles a condition of pack `pack` (whose text is `source`).
    pub fn compile(
        &mut self,
        pack: &str,
        source: &PackSource,
        def: &ConditionDef,
        target: &mut CompileTarget<'_>,
    ) -> Result<Condition, PackError> {
        Ok(match def {
            ConditionDef::All(list) => {
                Condition::All(self.compile_list(pack, source, list, target)?)
            }
            ConditionDef::Any(list) => {
                Condition::Any(self.compile_list(pack, source, list, target)?)
            }
            ConditionDef::Not(inner) => {
                Condition::Not(Box::new(self.compile(pack, source, inner, target)?))
            }
            ConditionDef::Category(c) => {
                let id = self.conditions.category_tests;
                self.conditions.category_tests += 1;
                Condition::Category(self.compile_category(id, source, c)?)
            }
            ConditionDef::FieldPresent(f) => Condition::FieldPresent(f.clone()),
            ConditionDef::FieldEmpty(f) => Condition::FieldEmpty(f.clone()),
            ConditionDef::FieldMatches(m) => Condition::FieldMatches {
                field: m.field.clone(),
                regex: self.regex(source, &m.regex)?,
            },
            ConditionDef::Contains(c) => {
                if c.terms.value.is_empty() {
                    return Err(PackError::at_location(
                        source,
                        c.terms.referenced,
                        "`contains` needs at least one term",
                        None,
                    ));
                }
                let fields: Vec<String> = c
                    .fields
                    .clone()
                    .unwrap_or_else(|| DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect());
                let indices = fields
                    .iter()
                    .map(
                        |f| match target.scan_fields.iter().position(|s| **s == **f) {
                            Some(i) => i,
                            None => {
                                target.scan_fields.push(Arc::from(f.as_str()));
                                target.scan_fields.len() - 1
                            }
                        },
                    )
                    .collect();
                let id = self.conditions.contains.len();
                self.conditions.contains.push(ContainsTest {
                    fields: indices,
                    has_allow: !c.allow.is_empty(),
                });
                for phrase in &c.allow {
                    if let Some(problem) = term_problem(phrase) {
                        return Err(PackError::at_location(
                            source,
                            c.terms.referenced,
                            format!("`contains` allow phrase {phrase:?} {problem}"),
                            None,
                        ));
                    }
                    target.matcher.add(
                        &normalize_term(phrase),
                        PatternUse::ContainsAllow { test: id as u32 },
                    );
                }
                for term in &c.terms.value {
                    if let Some(problem) = term_problem(term) {
                        return Err(PackError::at_location(
                            source,
                            c.terms.referenced,
                            format!("`contains` term {term:?} {problem}"),
                            None,
                        ));
                    }
                    target.matcher.add(
                        &normalize_term(term),
                        PatternUse::Contains { test: id as u32 },
                    );
                }
                Condition::Contains(id)
            }
            ConditionDef::Number(n) => {
                let tests: Vec<(Comparison, f64)> = [
                    (Comparison::Gt, n.gt),
                    (Comparison::Ge, n.ge),
                    (Comparison::Lt, n.lt),
                    (Comparison::Le, n.le),
                    (Comparison::Eq, n.eq),
                ]
                .into_iter()
                .filter_map(|(c, v)| v.map(|v| (c, v)))
                .collect();
                Condition::Number {
                    field: n.field.clone(),
                    tests,
                }
            }
            ConditionDef::Use(name) => {
                Condition::Named(self.compile_named(pack, source, name, target)?)
            }
        })
    }

    fn compile_list(
        &mut self,
        pack: &str,
        source: &PackSource,
        list: &[ConditionDef],
        target: &mut CompileTarget<'_>,
    ) -> Result<Vec<Condition>, PackError> {
        list.iter()
            .map(|d| self.compile(pack, source, d, target))
            .collect()
    }

    fn compile_named(
        &mut self,
        pack: &str,
        source: &PackSource,
        name: &Spanned<String>,
        target: &mut CompileTarget<'_>,
    ) -> Result<usize, PackError> {
        let key = if name.value.contains('/') {
            name.value.clone()
        } else {
            format!("{pack}/{}", name.value)
        };
        if let Some(&i) = self.done.get(&key) {
            return Ok(i);
        }
        if self.stack.contains(&key) {
            return Err(PackError::at_location(
                source,
                name.referenced,
                format!(
                    "condition `{key}` uses itself ({} → {key})",
                    self.stack.join(" → ")
                ),
                None,
            ));
        }
        let Some(&(def_source, def)) = self.defs.get(&key) else {
            let known: Vec<&str> = self.defs.keys().map(String::as_str).collect();
            let help = crate::suggest::did_you_mean(&key, known.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some("define it under `conditions:` in a loaded pack".to_owned()));
            return Err(PackError::at_location(
                source,
                name.referenced,
                format!("unknown condition `{key}`"),
                help,
            ));
        };
        let def_pack = key.split('/').next().unwrap_or(pack).to_owned();
        self.stack.push(key.clone());
        let compiled = self.compile(&def_pack, def_source, def, target);
        self.stack.pop();
        let compiled = compiled?;
        let index = self.conditions.named.len();
        self.conditions.named.push(compiled);
        self.done.insert(key, index);
        Ok(index)
    }

    fn compile_category(
        &mut self,
        id: usize,
        source: &PackSource,
        def: &CategoryDef,
    ) -> Result<CategoryTest, PackError> {
        Ok(CategoryTest {
            id,
            prefixes: def.prefix.iter().map(|p| category_segments(p)).collect(),
            any: def.any.iter().map(|a| normalize_term(a)).collect(),
            regex: def
                .regex
                .as_ref()
                .map(|r| self.regex(source, r))
                .transpose()?,
        })
    }
}

/// Compiles a regex from a pack, pointing at it on error.
pub fn compile_regex(source: &PackSource, regex: &Spanned<String>) -> Result<Regex, PackError> {
    /// The longest expression an error quotes (the parser's message
    /// repeats the whole expression).
    const MAX_QUOTED: usize = 200;
    Regex::new(&regex.value).map_err(|e| {
        let detail = e.to_string();
        let length = regex.value.chars().count();
        let help = if length <= MAX_QUOTED {
            detail.clone()
        } else {
            format!("the expression ({length} characters) is too long to quote here")
        };
        PackError::at_location(
            source,
            regex.referenced,
            format!(
                "invalid regular expression: {}",
                detail.lines().last().unwrap_or("")
            ),
            Some(help),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_paths_split_and_normalise() {
        assert_eq!(
            category_segments("个护健康>医疗器械>血压计"),
            ["个护健康", "医疗器械", "血压计"]
        );
        assert_eq!(
            category_segments("家用电器 > 电吹风"),
            ["家用电器", "电吹风"]
        );
        assert_eq!(
            category_segments("食品/零食/坚果"),
            ["食品", "零食", "坚果"]
        );
        assert_eq!(category_segments(" 家用電器 / "), ["家用电器"]);
    }

    #[test]
    fn category_test_prefix_any_and_regex() {
        let test = CategoryTest {
            id: 0,
            prefixes: vec![category_segments("食品")],
            any: ["医疗器械".to_owned()].into_iter().collect(),
            regex: Some(PackRegex::compiled(Regex::new("^家用电器/").unwrap())),
        };
        let matches = |path: &str| test.matches(&CategoryPath::of(path));
        assert!(matches("食品/零食/坚果"));
        assert!(!matches("食品用具/碗"));
        assert!(matches("个护健康>医疗器械>血压计"));
        assert!(matches("家用电器 > 电吹风"));
        assert!(!matches("服饰/T恤"));
        assert!(!matches(""));
    }

    #[test]
    fn category_results_are_remembered_per_value_and_per_ruleset() {
        let listing = |category: &str| Listing {
            fields: vec![(Arc::from("category"), category.to_owned())],
            ..Listing::default()
        };
        let under = |prefix: &str| {
            Condition::Category(CategoryTest {
                id: 0,
                prefixes: vec![category_segments(prefix)],
                any: Default::default(),
                regex: None,
            })
        };
        let (food, clothes) = (under("食品"), under("服饰"));
        let one_test = || Conditions {
            category_tests: 1,
            ..Conditions::new()
        };
        let (a, b) = (one_test(), one_test());
        let mut memo = CategoryMemo::default();
        let nuts = listing("食品/坚果");
        let shirt = listing("服饰/T恤");
        assert!(Evaluator::new(&nuts, &a, &[], &mut memo).holds(&food));
        assert!(!Evaluator::new(&shirt, &a, &[], &mut memo).holds(&food));
        assert!(Evaluator::new(&nuts, &a, &[], &mut memo).holds(&food));
        // The same test index means another test in another ruleset.
        assert!(!Evaluator::new(&nuts, &b, &[], &mut memo).holds(&clothes));
        assert!(Evaluator::new(&shirt, &b, &[], &mut memo).holds(&clothes));
    }

    #[test]
    fn named_results_do_not_carry_over_to_the_next_listing() {
        let listing = |title: &str| Listing {
            fields: vec![(Arc::from("title"), title.to_owned())],
            ..Listing::default()
        };
        let mut conditions = Conditions::new();
        conditions
            .named
            .push(Condition::FieldPresent("title".to_owned()));
        let named = Condition::Named(0);
        let mut memo = CategoryMemo::default();
        let (with, without) = (listing("纯棉T恤"), listing(" "));
        assert!(Evaluator::new(&with, &conditions, &[], &mut memo).holds(&named));
        assert!(!Evaluator::new(&without, &conditions, &[], &mut memo).holds(&named));
        assert!(Evaluator::new(&with, &conditions, &[], &mut memo).holds(&named));
    }

    #[test]
    fn contains_terms_within_allow_phrases_do_not_count() {
        let run = |found: &[ContainsOccurrence]| {
            let mut found = found.to_vec();
            let mut hits = vec![false; 2];
            contains_hits(&mut found, &mut hits);
            hits
        };
        // 进口红酒: 口红 (1..3) within 进口红 (0..3).
        assert_eq!(run(&[(0, 1, true, 3), (0, 0, false, 3)]), [false, false]);
        // The same span as the phrase is within it.
        assert_eq!(run(&[(0, 0, true, 2), (0, 0, false, 2)]), [false, false]);
        // A second, uncovered occurrence counts.
        assert_eq!(
            run(&[(0, 1, true, 3), (0, 0, false, 3), (0, 5, true, 7)]),
            [true, false]
        );
        // A phrase of another test, or one that ends inside the term, does
        // not cover it.
        assert_eq!(run(&[(1, 1, true, 3), (0, 0, false, 3)]), [false, true]);
        assert_eq!(run(&[(0, 1, true, 4), (0, 0, false, 3)]), [true, false]);
        // A phrase starting after the term's start does not cover it.
        assert_eq!(run(&[(0, 1, true, 3), (0, 2, false, 9)]), [true, false]);
    }

    #[test]
    fn numbers_as_listings_write_them() {
        assert_eq!(parse_number("¥1,299.00"), Some(1299.0));
        assert_eq!(parse_number("1299元"), Some(1299.0));
        assert_eq!(parse_number("￥９９"), Some(99.0));
        assert_eq!(parse_number("面议"), None);
        assert_eq!(parse_number("99-129"), None);
        assert_eq!(parse_number("inf"), None);
    }
}
