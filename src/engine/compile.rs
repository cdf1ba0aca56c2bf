//! Compiling loaded packs into a [`Ruleset`], with the checks that need more
//! than the YAML schema: unique pack names and rule ids, known kinds, the
//! keys each kind takes and requires, regexes, conditions and message
//! placeholders.

use std::collections::HashMap;
use std::sync::Arc;

use serde_saphyr::Spanned;

use super::kinds::disclosure::{Disclosure, Item as DisclosureItem};
use super::kinds::lexicon::Lexicon;
use super::kinds::pattern::{has_brand_groups, literal_keywords, Pattern};
use super::kinds::price::{PriceCheck, PriceRule, CHECK_NAMES};
use super::kinds::require::Require;
use super::kinds::{RuleKind, KIND_NAMES};
use super::matcher::{MatcherBuilder, PatternUse};
use super::message::MessageTemplate;
use super::normalize::{normalize_term, term_problem};
use super::select::RuleFilter;
use super::when::{compile_regex, CompileTarget, ConditionCompiler};
use super::{Rule, Ruleset, RunSettings, DEFAULT_FIELDS};
use crate::money::Money;
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::recognize::RECOGNIZERS;
use crate::suggest::did_you_mean;
use crate::validate::Validator;

/// Compiles packs into a ruleset, keeping the rules `filter` enables.
/// Every pack is validated in full, enabled rules or not, and every problem
/// found is reported: one error, or [`PackError::Several`].
pub fn compile(packs: &[LoadedPack], filter: &RuleFilter) -> Result<Ruleset, PackError> {
    let mut errors = check_unique_names(packs);
    let mut conditions = ConditionCompiler::new(
        packs
            .iter()
            .map(|p| (p.def.pack.value.as_str(), &p.source, &p.def.conditions)),
    );
    // Conditions of rules that do not run are still compiled, to validate
    // them, but into a separate compiler whose terms never reach the
    // automaton the run uses.
    let mut unused_conditions = ConditionCompiler::new(
        packs
            .iter()
            .map(|p| (p.def.pack.value.as_str(), &p.source, &p.def.conditions)),
    );
    let mut unused_matcher = MatcherBuilder::default();
    let mut unused_fields: Vec<Arc<str>> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut categories: Vec<Arc<str>> = Vec::new();
    let mut scan_fields: Vec<Arc<str>> = DEFAULT_FIELDS.iter().map(|f| Arc::from(*f)).collect();
    let mut matcher = MatcherBuilder::default();
    for pack in packs {
        let pack_name = pack.def.pack.value.as_str();
        // `title_is_name` is compiled once per pack, for the run when one
        // of the pack's lexicon or pattern rules runs (else only checked).
        let mut title_is_name: Option<Option<super::when::Condition>> = None;
        for def in &pack.def.rules {
            let rule = compile_rule(pack, def, &mut errors);
            // A rule that did not compile still has its condition checked.
            let runs = rule.as_ref().is_some_and(|rule| {
                let opted_in = def.enabled || filter.opts_in(&rule.id);
                opted_in && filter.enabled(&rule.id, &rule.category, &rule.pack)
            });
            let (compiler, mut target) = if runs {
                (
                    &mut conditions,
                    CompileTarget {
                        matcher: &mut matcher,
                        scan_fields: &mut scan_fields,
                    },
                )
            } else {
                (
                    &mut unused_conditions,
                    CompileTarget {
                        matcher: &mut unused_matcher,
                        scan_fields: &mut unused_fields,
                    },
                )
            };
            let when = match def
                .when
                .as_ref()
                .map(|w| compiler.compile(pack_name, &pack.source, w, &mut target))
                .transpose()
            {
                Ok(when) => when,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let Some(rule) = rule.filter(|_| runs) else {
                continue;
            };
            let fields = def
                .fields
                .clone()
                .unwrap_or_else(|| DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect());
            for f in &fields {
                if !scan_fields.iter().any(|s| **s == **f) {
                    scan_fields.push(Arc::from(f.as_str()));
                }
            }
            let category_index = match categories.iter().position(|c| *c == rule.category) {
                Some(i) => i,
                None => {
                    categories.push(rule.category.clone());
                    categories.len() - 1
                }
            } as u32;
            let names_title = matches!(rule.kind, RuleKind::Lexicon(_) | RuleKind::Pattern(_));
            let title_is_name = match (&pack.def.title_is_name, names_title) {
                (Some(def), true) => {
                    if title_is_name.is_none() {
                        let mut target = CompileTarget {
                            matcher: &mut matcher,
                            scan_fields: &mut scan_fields,
                        };
                        match conditions.compile(pack_name, &pack.source, def, &mut target) {
                            Ok(c) => title_is_name = Some(Some(c)),
                            Err(e) => {
                                errors.push(e);
                                title_is_name = Some(None);
                            }
                        }
                    }
                    title_is_name.clone().flatten()
                }
                _ => None,
            };
            register_patterns(&mut matcher, rules.len() as u32, &rule.kind);
            let scans = scan_fields
                .iter()
                .map(|f| fields.iter().any(|w| **w == **f))
                .collect();
            rules.push(Rule {
                category_index,
                scans,
                when,
                title_is_name,
                ..rule
            });
        }
        // A pack none of whose rules runs still has its condition checked.
        if let (Some(def), None) = (&pack.def.title_is_name, &title_is_name) {
            let mut target = CompileTarget {
                matcher: &mut unused_matcher,
                scan_fields: &mut unused_fields,
            };
            if let Err(e) = unused_conditions.compile(pack_name, &pack.source, def, &mut target) {
                errors.push(e);
            }
        }
    }
    if let Some(error) = PackError::from_many(errors) {
        return Err(error);
    }
    // Fields added by later rules extend the scan list; pad earlier masks.
    for rule in &mut rules {
        rule.scans.resize(scan_fields.len(), false);
    }
    let matcher = matcher
        .build()
        .map_err(|e| PackError::TooLarge(matcher_too_large(&e)))?;
    let mut price_fields: Vec<String> = Vec::new();
    for rule in &rules {
        if let RuleKind::Price(price) = &rule.kind {
            for field in [&price.price_field, &price.original_field] {
                if !price_fields.contains(field) {
                    price_fields.push(field.clone());
                }
            }
        }
    }
    Ok(Ruleset {
        rules,
        scan_fields,
        price_fields,
        packs: packs
            .iter()
            .map(|p| (Arc::from(p.def.pack.value.as_str()), p.def.version.clone()))
            .collect(),
        settings: RunSettings::default(),
        matcher,
        conditions: conditions.conditions,
    })
}

/// The problems of one rule of `pack` (its condition compiled against
/// `packs`), as messages without a place: what a change to the rule must
/// not add.
pub(crate) fn rule_problems(packs: &[LoadedPack], pack: &LoadedPack, def: &RuleDef) -> Vec<String> {
    let mut errors = Vec::new();
    compile_rule(pack, def, &mut errors);
    if let Some(when) = &def.when {
        let mut conditions = ConditionCompiler::new(
            packs
                .iter()
                .map(|p| (p.def.pack.value.as_str(), &p.source, &p.def.conditions)),
        );
        let mut matcher = MatcherBuilder::default();
        let mut scan_fields = Vec::new();
        let mut target = CompileTarget {
            matcher: &mut matcher,
            scan_fields: &mut scan_fields,
        };
        if let Err(e) = conditions.compile(&pack.def.pack.value, &pack.source, when, &mut target) {
            errors.push(e);
        }
    }
    errors.iter().map(PackError::problem).collect()
}

/// Puts a rule's terms, allow phrases and keywords into the automaton.
fn register_patterns(matcher: &mut MatcherBuilder, rule: u32, kind: &RuleKind) {
    let allow = match kind {
        RuleKind::Lexicon(lexicon) => {
            for (t, term) in lexicon.terms.iter().enumerate() {
                let term_use = PatternUse::Deny {
                    rule,
                    term: t as u32,
                };
                matcher.add(&normalize_term(term), term_use);
            }
            &lexicon.allow
        }
        RuleKind::Pattern(pattern) => {
            for keyword in &pattern.keywords {
                matcher.add(keyword, PatternUse::Keyword { rule });
            }
            &pattern.allow
        }
        RuleKind::Disclosure(disclosure) => {
            for (t, term) in disclosure.triggers.iter().enumerate() {
                let term_use = PatternUse::Trigger {
                    rule,
                    term: t as u32,
                };
                matcher.add(&normalize_term(term), term_use);
            }
            for (i, terms) in disclosure.item_terms.iter().enumerate() {
                for term in terms {
                    let item_use = PatternUse::ItemTerm {
                        rule,
                        item: i as u32,
                    };
                    matcher.add(&normalize_term(term), item_use);
                }
            }
            &disclosure.allow
        }
        RuleKind::Require(_) | RuleKind::Price(_) => return,
    };
    for phrase in allow {
        matcher.add(&normalize_term(phrase), PatternUse::Allow { rule });
    }
}

/// Pack names and rule ids must be unique across everything loaded; one
/// error per name or id seen again.
fn check_unique_names(packs: &[LoadedPack]) -> Vec<PackError> {
    let mut errors = Vec::new();
    let mut pack_names: HashMap<&str, &PackSource> = HashMap::new();
    let mut rule_ids: HashMap<&str, (&PackSource, u64)> = HashMap::new();
    for pack in packs {
        let name = &pack.def.pack;
        if let Some(first) = pack_names.insert(&name.value, &pack.source) {
            errors.push(error_at(
                &pack.source,
                name,
                format!(
                    "pack `{}` is loaded twice: {} and {}",
                    name.value, first.name, pack.source.name
                ),
                Some("give each pack a unique `pack:` name, or load only one of them".into()),
            ));
        }
        for rule in &pack.def.rules {
            let id = &rule.id;
            if let Some((first, line)) =
                rule_ids.insert(&id.value, (&pack.source, id.referenced.line()))
            {
                errors.push(error_at(
                    &pack.source,
                    id,
                    format!(
                        "rule id `{}` is already defined at {}:{line}",
                        id.value, first.name
                    ),
                    Some("rule ids must be unique across all loaded packs".into()),
                ));
            }
        }
    }
    errors
}

fn error_at<T>(
    source: &PackSource,
    at: &Spanned<T>,
    message: String,
    help: Option<String>,
) -> PackError {
    PackError::at_location(source, at.referenced, message, help)
}

/// Keys that only some kinds take, whether this rule sets each, and the
/// kinds that take it.
fn kind_specific_keys(def: &RuleDef) -> [(&'static str, bool, &'static [&'static str]); 13] {
    [
        ("terms", def.terms.is_some(), &["lexicon"]),
        ("suggest", !def.suggest.is_empty(), &["lexicon"]),
        (
            "allow",
            !def.allow.is_empty(),
            &["lexicon", "pattern", "disclosure"],
        ),
        ("pattern", def.pattern.is_some(), &["pattern"]),
        ("keywords", !def.keywords.is_empty(), &["pattern"]),
        ("suggestion", def.suggestion.is_some(), &["pattern"]),
        ("require", def.require.is_some(), &["require"]),
        ("price", def.price.is_some(), &["price"]),
        ("triggers", def.triggers.is_some(), &["disclosure"]),
        ("disclose", !def.disclose.is_empty(), &["disclosure"]),
        ("window", def.window.is_some(), &["disclosure"]),
        (
            "prize_cap_yuan",
            def.prize_cap_yuan.is_some(),
            &["disclosure"],
        ),
        (
            "fields",
            def.fields.is_some(),
            &["lexicon", "pattern", "price", "disclosure"],
        ),
    ]
}

/// The message placeholders each kind provides.
fn placeholders_of(kind_name: &str) -> &'static [&'static str] {
    match kind_name {
        "lexicon" => &["term", "field"],
        "pattern" => &["match", "field"],
        "require" => &["certificate", "field", "value", "problem"],
        "price" => &["detail", "field"],
        _ => &["trigger", "item", "detail", "field"],
    }
}

/// Compiles one rule, pushing every problem found onto `errors`; `None`
/// when there was at least one.
fn compile_rule(pack: &LoadedPack, def: &RuleDef, errors: &mut Vec<PackError>) -> Option<Rule> {
    let source = &pack.source;
    let before = errors.len();
    let id = def.id.value.trim();
    if id.is_empty() {
        errors.push(error_at(source, &def.id, "rule id is empty".into(), None));
    }
    let category = def.category.clone().or_else(|| pack.def.category.clone());
    if category.is_none() {
        errors.push(error_at(
            source,
            &def.id,
            format!("rule `{id}` has no category"),
            Some("set `category` on the rule or on the pack".into()),
        ));
    }
    if let Some(fields) = &def.fields {
        if fields.is_empty() || fields.iter().any(|f| f.trim().is_empty()) {
            errors.push(error_at(
                source,
                &def.id,
                format!("rule `{id}`: `fields` must list at least one non-empty field name"),
                None,
            ));
        }
    }
    let kind_name = def.kind.value.as_str();
    if !KIND_NAMES.contains(&kind_name) {
        let help = did_you_mean(kind_name, KIND_NAMES.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| format!("known kinds: {}", KIND_NAMES.join(", ")));
        errors.push(error_at(
            source,
            &def.kind,
            format!("rule `{id}`: unknown kind `{kind_name}`"),
            Some(help),
        ));
        return None;
    }
    for (key, set, kinds) in kind_specific_keys(def) {
        if set && !kinds.contains(&kind_name) {
            errors.push(error_at(
                source,
                &def.kind,
                format!("rule `{id}`: kind `{kind_name}` does not take `{key}`"),
                Some(format!("`{key}` belongs to kind {}", kinds.join(" / "))),
            ));
        }
    }
    let message = MessageTemplate::parse(&def.message.value);
    if let Err(e) = check_placeholders(source, def, &message, placeholders_of(kind_name)) {
        errors.push(e);
    }
    let kind = match kind_name {
        "lexicon" => compile_lexicon(pack, def).map(RuleKind::Lexicon),
        "pattern" => compile_pattern(pack, def).map(RuleKind::Pattern),
        "require" => compile_require(source, def).map(RuleKind::Require),
        "price" => compile_price(source, def).map(RuleKind::Price),
        _ => compile_disclosure(pack, def).map(RuleKind::Disclosure),
    };
    let kind = kind.map_err(|e| errors.push(e)).ok()?;
    if errors.len() > before {
        return None;
    }
    let category = category?;
    Some(Rule {
        id: Arc::from(id),
        pack: Arc::from(pack.def.pack.value.as_str()),
        category: Arc::from(category.as_str()),
        category_index: 0,
        severity: def.severity,
        message,
        help: def.help.as_deref().map(Arc::from),
        summary: def.summary.clone(),
        docs: def.docs.clone(),
        references: def.references.clone(),
        scans: Vec::new(),
        when: None,
        title_is_name: None,
        kind,
    })
}

/// Allow phrases of the rule, then the pack's, each checked non-empty.
fn allow_phrases(pack: &LoadedPack, def: &RuleDef) -> Result<Vec<String>, PackError> {
    let mut allow = def.allow.clone();
    allow.extend(pack.def.allow.iter().cloned());
    for phrase in &allow {
        if let Some(problem) = term_problem(phrase) {
            return Err(error_at(
                &pack.source,
                &def.id,
                format!("rule `{}`: allow phrase {phrase:?} {problem}", def.id.value),
                None,
            ));
        }
    }
    Ok(allow)
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
    for term in &terms.value {
        if let Some(problem) = term_problem(term) {
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
        .map(|t| def.suggest.get(t).map(|s| Arc::from(s.as_str())))
        .collect();
    Ok(Lexicon {
        terms: terms.value.clone(),
        suggestions,
        allow: allow_phrases(pack, def)?,
    })
}

fn compile_pattern(pack: &LoadedPack, def: &RuleDef) -> Result<Pattern, PackError> {
    let source = &pack.source;
    let id = &def.id.value;
    let Some(pattern) = &def.pattern else {
        return Err(error_at(
            source,
            &def.id,
            format!("pattern rule `{id}` has no `pattern`"),
            Some("give the regular expression under `pattern:`".into()),
        ));
    };
    let regex = compile_regex(source, pattern)?;
    let keywords: Vec<String> = if def.keywords.is_empty() {
        literal_keywords(&pattern.value).ok_or_else(|| {
            error_at(
                source,
                pattern,
                format!("pattern rule `{id}`: no literal text to look for before running the regex"),
                Some(
                    "add `keywords:`, words one of which occurs in every match, so the regex only runs where they do"
                        .into(),
                ),
            )
        })?
    } else {
        def.keywords.clone()
    };
    if let Some((keyword, problem)) = keywords
        .iter()
        .find_map(|k| term_problem(k).map(|p| (k, p)))
    {
        return Err(error_at(
            source,
            pattern,
            format!("pattern rule `{id}`: keyword {keyword:?} {problem}"),
            None,
        ));
    }
    let keywords: Vec<String> = keywords.iter().map(|k| normalize_term(k)).collect();
    Ok(Pattern {
        brand_groups: has_brand_groups(&regex),
        regex,
        keywords,
        suggestion: def.suggestion.as_deref().map(Arc::from),
        allow: allow_phrases(pack, def)?,
    })
}

fn compile_require(source: &PackSource, def: &RuleDef) -> Result<Require, PackError> {
    let id = &def.id.value;
    let Some(require) = &def.require else {
        return Err(error_at(
            source,
            &def.id,
            format!("require rule `{id}` has no `require`"),
            Some("say what must be shown under `require:` (name, fields, format)".into()),
        ));
    };
    let spec = &require.value;
    if spec.fields.is_empty() && spec.in_text.is_empty() {
        return Err(error_at(
            source,
            require,
            format!("require rule `{id}`: list the `fields` (or `in_text` fields) that may carry the value"),
            None,
        ));
    }
    let (format, search) = match &spec.format {
        Some(format) => {
            compile_regex(source, format)?;
            let anchored = Spanned {
                value: format!("^(?:{})$", format.value),
                ..format.clone()
            };
            (
                Some(compile_regex(source, &anchored)?),
                Some(compile_regex(source, format)?),
            )
        }
        None if !spec.in_text.is_empty() => {
            return Err(error_at(
                source,
                require,
                format!("require rule `{id}`: `in_text` needs a `format` to recognise the value"),
                None,
            ))
        }
        None => (None, None),
    };
    let validator = spec
        .validator
        .as_ref()
        .map(|name| {
            Validator::from_name(&name.value).ok_or_else(|| {
                error_at(
                    source,
                    name,
                    format!("unknown validator `{}`", name.value),
                    Some(
                        did_you_mean(&name.value, Validator::NAMES.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("known: {}", Validator::NAMES.join(", "))),
                    ),
                )
            })
        })
        .transpose()?;
    Ok(Require {
        name: spec.name.clone(),
        fields: spec.fields.clone(),
        in_text: spec.in_text.clone(),
        format,
        search,
        validator,
        expiry_field: spec.expiry_field.clone(),
    })
}

fn compile_disclosure(pack: &LoadedPack, def: &RuleDef) -> Result<Disclosure, PackError> {
    let source = &pack.source;
    let id = &def.id.value;
    let Some(triggers) = def.triggers.as_ref().filter(|t| !t.value.is_empty()) else {
        return Err(error_at(
            source,
            &def.id,
            format!("disclosure rule `{id}` needs `triggers`"),
            Some("list the promotion wording that makes the disclosures necessary".into()),
        ));
    };
    for term in &triggers.value {
        if let Some(problem) = term_problem(term) {
            return Err(error_at(
                source,
                triggers,
                format!("disclosure rule `{id}`: trigger {term:?} {problem}"),
                None,
            ));
        }
    }
    let mut items = Vec::new();
    let mut item_terms = Vec::new();
    for item in &def.disclose {
        for r in &item.recognizers {
            if !RECOGNIZERS.contains(&r.value.as_str()) {
                return Err(error_at(
                    source,
                    r,
                    format!("unknown recogniser `{}`", r.value),
                    Some(
                        did_you_mean(&r.value, RECOGNIZERS.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("recognisers: {}", RECOGNIZERS.join(", "))),
                    ),
                ));
            }
        }
        if item.fields.is_empty() && item.recognizers.is_empty() && item.terms.is_empty() {
            return Err(error_at(
                source,
                &def.id,
                format!(
                    "disclosure rule `{id}`: item `{}` has no `fields`, `recognizers` or `terms` to find it by",
                    item.item
                ),
                None,
            ));
        }
        if let Some((term, problem)) = item
            .terms
            .iter()
            .find_map(|t| term_problem(t).map(|p| (t, p)))
        {
            return Err(error_at(
                source,
                &def.id,
                format!(
                    "disclosure rule `{id}`: term {term:?} of item `{}` {problem}",
                    item.item
                ),
                None,
            ));
        }
        items.push(DisclosureItem {
            name: item.item.clone(),
            fields: item.fields.clone(),
            recognizers: item.recognizers.iter().map(|r| r.value.clone()).collect(),
            has_terms: !item.terms.is_empty(),
        });
        item_terms.push(item.terms.clone());
    }
    let window = def.window.as_ref();
    let prize_cap = match def.prize_cap_yuan {
        Some(cap) if !(cap >= 0.0 && cap.is_finite()) => {
            return Err(error_at(
                source,
                &def.id,
                format!("disclosure rule `{id}`: `prize_cap_yuan` must be a non-negative number"),
                None,
            ))
        }
        cap => cap.map(Money::from_yuan),
    };
    Ok(Disclosure {
        triggers: triggers.value.clone(),
        allow: allow_phrases(pack, def)?,
        item_terms,
        items,
        past_end: window.is_some_and(|w| w.past_end.unwrap_or(true)),
        end_before_start: window.is_some_and(|w| w.end_before_start.unwrap_or(true)),
        prize_cap,
    })
}

fn compile_price(source: &PackSource, def: &RuleDef) -> Result<PriceRule, PackError> {
    let id = &def.id.value;
    let Some(spec) = &def.price else {
        return Err(error_at(
            source,
            &def.id,
            format!("price rule `{id}` has no `price`"),
            Some(format!(
                "say which check under `price: {{check: …}}` ({})",
                CHECK_NAMES.join(", ")
            )),
        ));
    };
    let p = &spec.value;
    let Some(check_name) = &p.check else {
        return Err(error_at(
            source,
            spec,
            format!("price rule `{id}`: `price` has no `check`"),
            Some(format!("one of {}", CHECK_NAMES.join(", "))),
        ));
    };
    let days = |v: Option<u32>, default: i64| v.map_or(default, i64::from);
    let check = match check_name.value.as_str() {
        "original-above-price" => PriceCheck::OriginalAbovePrice,
        "original-vs-history" => PriceCheck::OriginalVsHistory {
            window_days: days(p.window_days, 7),
            report_missing: p.report_missing_history.unwrap_or(true),
        },
        "raise-then-discount" => {
            let raise_window_days = days(p.raise_window_days, 14);
            let lookback_days = days(p.lookback_days, 30);
            if lookback_days <= raise_window_days {
                return Err(error_at(
                    source,
                    spec,
                    format!("price rule `{id}`: `lookback_days` ({lookback_days}) must be longer than `raise_window_days` ({raise_window_days})"),
                    None,
                ));
            }
            PriceCheck::RaiseThenDiscount {
                raise_window_days,
                lookback_days,
                raise_percent: p.raise_percent.unwrap_or(10.0),
            }
        }
        "discount-claim" => PriceCheck::DiscountClaim,
        "original-basis" => {
            if p.basis_fields.is_empty() {
                return Err(error_at(
                    source,
                    spec,
                    format!("price rule `{id}`: `original-basis` needs `basis_fields`"),
                    None,
                ));
            }
            PriceCheck::OriginalBasis {
                basis_fields: p.basis_fields.clone(),
            }
        }
        other => {
            return Err(error_at(
                source,
                check_name,
                format!("price rule `{id}`: unknown check `{other}`"),
                Some(
                    did_you_mean(other, CHECK_NAMES.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("checks: {}", CHECK_NAMES.join(", "))),
                ),
            ))
        }
    };
    let non_negative = |v: Option<f64>, default: f64, name: &str| match v {
        Some(x) if !(x >= 0.0 && x.is_finite()) => Err(error_at(
            source,
            spec,
            format!("price rule `{id}`: `{name}` must be a non-negative number"),
            None,
        )),
        Some(x) => Ok(x),
        None => Ok(default),
    };
    Ok(PriceRule {
        check,
        price_field: p.price_field.clone().unwrap_or_else(|| "price".to_owned()),
        original_field: p
            .original_field
            .clone()
            .unwrap_or_else(|| "original_price".to_owned()),
        tolerance: Money::from_yuan(non_negative(p.tolerance_yuan, 1.0, "tolerance_yuan")?),
        tolerance_percent: non_negative(p.tolerance_percent, 1.0, "tolerance_percent")?,
    })
}

/// Every `{name}` in the message must be one the kind provides.
fn check_placeholders(
    source: &PackSource,
    def: &RuleDef,
    template: &MessageTemplate,
    known: &[&str],
) -> Result<(), PackError> {
    match template.placeholders().find(|name| !known.contains(name)) {
        None => Ok(()),
        Some(name) => Err(error_at(
            source,
            &def.message,
            format!(
                "rule `{}`: message placeholder `{{{name}}}` is not provided by kind `{}`",
                def.id.value, def.kind.value
            ),
            Some(format!(
                "available: {}",
                known
                    .iter()
                    .map(|k| format!("{{{k}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )),
    }
}

/// Why the automaton could not be built, in words: daachorse names its
/// error type first (`AutomatonScaleError: num_states must be <= …`).
fn matcher_too_large(error: &daachorse::errors::DaachorseError) -> String {
    let text = error.to_string();
    let detail = text
        .split_once(": ")
        .map_or(text.as_str(), |(_, rest)| rest);
    format!(
        "their terms and allow phrases need a larger automaton than one can hold ({})",
        detail
            .replace("must be <=", "at most")
            .replace("num_states", "states")
    )
}

#[cfg(test)]
mod tests {
    use super::matcher_too_large;

    #[test]
    fn the_matcher_error_is_told_in_words() {
        // Four billion states are out of a test's reach; an automaton whose
        // pattern numbers do not fit its value type fails the same way.
        let patterns: Vec<String> = (0..300).map(|i| format!("p{i}")).collect();
        let error = daachorse::CharwiseDoubleArrayAhoCorasick::<u8>::new(&patterns)
            .err()
            .expect("300 patterns do not fit in u8 values");
        let message = matcher_too_large(&error);
        assert!(!message.contains("Error:"), "{message}");
        assert!(
            message.starts_with("their terms and allow phrases"),
            "{message}"
        );
    }
}
