//! Compiling loaded packs into a [`Ruleset`], with the checks that need more
//! than the YAML schema: unique pack names and rule ids, known kinds, the
//! keys each kind takes and requires, regexes, conditions and message
//! placeholders. What is particular to a kind (its keys, placeholders and
//! compiled form) comes from the kind, through its `Kind` trait.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_saphyr::Spanned;

use super::kinds::{self, Kind, KindRules};
use super::matcher::{MatcherBuilder, PatternUse};
use super::message::MessageTemplate;
use super::select::RuleFilter;
use super::when::{CompileTarget, Condition, ConditionCompiler};
use super::{Rule, Ruleset, RunSettings, DEFAULT_FIELDS};
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::suggest::did_you_mean;
use crate::text::normalize::term_problem;

/// Compiles packs into a ruleset, keeping the rules `filter` enables.
/// Every pack is validated in full, enabled rules or not, and every problem
/// found is reported: one error, or [`PackError::Several`].
pub fn compile(packs: &[LoadedPack], filter: &RuleFilter) -> Result<Ruleset, PackError> {
    compile_caching(packs, filter, None)
}

/// [`compile`], keeping the built automaton in `automaton_cache` (a
/// folder) for the next run with the same patterns, or reading it from
/// there ([`MatcherBuilder::build_cached`]).
pub fn compile_caching(
    packs: &[LoadedPack],
    filter: &RuleFilter,
    automaton_cache: Option<&Path>,
) -> Result<Ruleset, PackError> {
    let mut compiler = Compiler::new(packs);
    for pack in packs {
        compiler.title_is_name = None;
        for def in &pack.def.rules {
            compiler.rule(pack, def, filter);
        }
        compiler.check_unused_title_is_name(pack);
    }
    compiler.finish(packs, automaton_cache)
}

/// What [`compile`] builds, rule by rule.
struct Compiler<'p> {
    /// Every problem found so far.
    errors: Vec<PackError>,
    /// The compiled rules that run, in pack order.
    rules: Vec<Rule>,
    /// Their categories, each once (a rule's `category_index`).
    categories: Vec<Arc<str>>,
    /// Conditions of the rules that run.
    conditions: ConditionCompiler<'p>,
    /// The automaton the run uses: terms of the rules that run and of
    /// their conditions.
    matcher: MatcherBuilder,
    /// Every field a rule that runs, or its condition, scans; defaults
    /// first.
    scan_fields: Vec<Arc<str>>,
    /// Conditions of rules that do not run: still compiled, to validate
    /// them, but here, so that their terms never reach the automaton the
    /// run uses.
    unused_conditions: ConditionCompiler<'p>,
    /// The automaton those conditions' terms go to.
    unused_matcher: MatcherBuilder,
    /// The fields those conditions scan.
    unused_fields: Vec<Arc<str>>,
    /// The current pack's `title_is_name`, compiled once for the run when
    /// one of its lexicon or pattern rules runs (`Some(None)`: it did not
    /// compile).
    title_is_name: Option<Option<Condition>>,
}

impl<'p> Compiler<'p> {
    fn new(packs: &'p [LoadedPack]) -> Self {
        let conditions = || {
            ConditionCompiler::new(
                packs
                    .iter()
                    .map(|p| (p.def.pack.value.as_str(), &p.source, &p.def.conditions)),
            )
        };
        Self {
            errors: check_unique_names(packs),
            rules: Vec::new(),
            categories: Vec::new(),
            conditions: conditions(),
            matcher: MatcherBuilder::default(),
            scan_fields: DEFAULT_FIELDS.iter().map(|f| Arc::from(*f)).collect(),
            unused_conditions: conditions(),
            unused_matcher: MatcherBuilder::default(),
            unused_fields: Vec::new(),
            title_is_name: None,
        }
    }

    /// Compiles one rule of `pack`, and adds it if `filter` lets it run.
    fn rule(&mut self, pack: &LoadedPack, def: &RuleDef, filter: &RuleFilter) {
        let rule = compile_rule(pack, def, &mut self.errors);
        // A rule that did not compile still has its condition checked.
        let runs = rule.as_ref().is_some_and(|rule| {
            let opted_in = def.enabled || filter.opts_in(&rule.id);
            opted_in && filter.enabled(&rule.id, &rule.category, &rule.pack)
        });
        let when = match self.condition(pack, def, runs) {
            Ok(when) => when,
            Err(e) => {
                self.errors.push(e);
                return;
            }
        };
        if let Some(rule) = rule.filter(|_| runs) {
            let names_title = matches!(rule.kind_name(), "lexicon" | "pattern");
            let title_is_name = if names_title {
                self.title_is_name_for_run(pack)
            } else {
                None
            };
            self.add(
                Rule {
                    title_is_name,
                    ..rule
                },
                def,
                when,
            );
        }
    }

    /// The pack's `title_is_name` for a lexicon or pattern rule that runs,
    /// compiled on the first one.
    fn title_is_name_for_run(&mut self, pack: &LoadedPack) -> Option<Condition> {
        let def = pack.def.title_is_name.as_ref()?;
        if self.title_is_name.is_none() {
            let mut target = CompileTarget {
                matcher: &mut self.matcher,
                scan_fields: &mut self.scan_fields,
            };
            let compiled = self.conditions.compile(
                pack.def.pack.value.as_str(),
                &pack.source,
                def,
                &mut target,
            );
            self.title_is_name = Some(match compiled {
                Ok(c) => Some(c),
                Err(e) => {
                    self.errors.push(e);
                    None
                }
            });
        }
        self.title_is_name.clone().flatten()
    }

    /// A pack none of whose rules runs still has its `title_is_name`
    /// checked (its terms kept out of the run's automaton).
    fn check_unused_title_is_name(&mut self, pack: &LoadedPack) {
        let (Some(def), None) = (&pack.def.title_is_name, &self.title_is_name) else {
            return;
        };
        let mut target = CompileTarget {
            matcher: &mut self.unused_matcher,
            scan_fields: &mut self.unused_fields,
        };
        if let Err(e) = self.unused_conditions.compile(
            pack.def.pack.value.as_str(),
            &pack.source,
            def,
            &mut target,
        ) {
            self.errors.push(e);
        }
    }

    /// Compiles the rule's `when`, for the run if the rule `runs`.
    fn condition(
        &mut self,
        pack: &LoadedPack,
        def: &RuleDef,
        runs: bool,
    ) -> Result<Option<Condition>, PackError> {
        let (compiler, mut target) = if runs {
            (
                &mut self.conditions,
                CompileTarget {
                    matcher: &mut self.matcher,
                    scan_fields: &mut self.scan_fields,
                },
            )
        } else {
            (
                &mut self.unused_conditions,
                CompileTarget {
                    matcher: &mut self.unused_matcher,
                    scan_fields: &mut self.unused_fields,
                },
            )
        };
        // An override may have brought the condition into a shipped
        // pack's rule: its regexes are then compiled now, to be checked.
        compiler.set_deferring(def.applied.is_empty());
        let compiled = def
            .when
            .as_ref()
            .map(|w| compiler.compile(pack.def.pack.value.as_str(), &pack.source, w, &mut target))
            .transpose();
        compiler.set_deferring(true);
        compiled
    }

    /// Adds a rule that runs: its fields to the scan fields, its terms to
    /// the automaton.
    fn add(&mut self, rule: Rule, def: &RuleDef, when: Option<Condition>) {
        let fields = def
            .fields
            .clone()
            .unwrap_or_else(|| DEFAULT_FIELDS.iter().map(|f| (*f).to_owned()).collect());
        for f in &fields {
            if !self.scan_fields.iter().any(|s| **s == **f) {
                self.scan_fields.push(Arc::from(f.as_str()));
            }
        }
        let category_index = match self.categories.iter().position(|c| *c == rule.category) {
            Some(i) => i,
            None => {
                self.categories.push(rule.category.clone());
                self.categories.len() - 1
            }
        } as u32;
        rule.kind
            .register(self.rules.len() as u32, &mut self.matcher);
        let scans = self
            .scan_fields
            .iter()
            .map(|f| fields.iter().any(|w| **w == **f))
            .collect();
        self.rules.push(Rule {
            category_index,
            scans,
            when,
            ..rule
        });
    }

    /// The ruleset, or every problem found.
    fn finish(
        self,
        packs: &[LoadedPack],
        automaton_cache: Option<&Path>,
    ) -> Result<Ruleset, PackError> {
        if let Some(error) = PackError::from_many(self.errors) {
            return Err(error);
        }
        let mut rules = self.rules;
        let scan_fields = self.scan_fields;
        // Fields added by later rules extend the scan list; pad earlier masks.
        for rule in &mut rules {
            rule.scans.resize(scan_fields.len(), false);
        }
        let contains = &self.conditions.conditions.contains;
        let concerns = |used_by: PatternUse, field: usize| match used_by {
            PatternUse::Deny { rule, .. }
            | PatternUse::Allow { rule }
            | PatternUse::Keyword { rule }
            | PatternUse::Trigger { rule, .. }
            | PatternUse::ItemTerm { rule, .. } => rules[rule as usize].scans[field],
            PatternUse::Contains { test } | PatternUse::ContainsAllow { test } => {
                contains[test as usize].fields.contains(&field)
            }
        };
        let matcher = self
            .matcher
            .build_for_fields(scan_fields.len(), concerns, automaton_cache)
            .map_err(|e| PackError::TooLarge(matcher_too_large(&e)))?;
        Ok(Ruleset {
            kinds: KindRules::group(&rules),
            rules,
            scan_fields,
            packs: packs
                .iter()
                .map(|p| (Arc::from(p.def.pack.value.as_str()), p.def.version.clone()))
                .collect(),
            settings: RunSettings::default(),
            matcher,
            conditions: self.conditions.conditions,
        })
    }
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
        // Every regex is compiled, to find what a change breaks.
        conditions.set_deferring(false);
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

/// An error at a spanned value of a pack.
pub(crate) fn error_at<T>(
    source: &PackSource,
    at: &Spanned<T>,
    message: String,
    help: Option<String>,
) -> PackError {
    PackError::at_location(source, at.referenced, message, help)
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
    let Some(kind) = kinds::by_name(kind_name) else {
        let names = kinds::names();
        let help = did_you_mean(kind_name, names.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| format!("known kinds: {}", names.join(", ")));
        errors.push(error_at(
            source,
            &def.kind,
            format!("rule `{id}`: unknown kind `{kind_name}`"),
            Some(help),
        ));
        return None;
    };
    check_kind_keys(source, def, id, kind, errors);
    let message = MessageTemplate::parse(&def.message.value);
    if let Err(e) = check_placeholders(source, def, &message, kind.placeholders()) {
        errors.push(e);
    }
    if def.fix.is_some() && def.suggest.is_empty() && def.suggestion.is_none() {
        errors.push(error_at(
            source,
            &def.id,
            format!("rule `{id}` sets `fix` but suggests no replacement"),
            Some("`fix: unsafe` marks the rule's `suggest` (lexicon) or `suggestion` (pattern) wording; add one or drop `fix`".into()),
        ));
    }
    let kind = kind
        .compile(pack, def)
        .map_err(|e| errors.extend(e.into_problems()))
        .ok()?;
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
        fix_unsafe: def.fix == Some(crate::pack::schema::FixSafety::Unsafe),
        kind,
    })
}

/// A key the rule's kind does not take is a problem, one per key. A key
/// is set when it is in the rule written back out (unset optional keys and
/// empty lists are left out): [`RuleDef::sets_key`].
fn check_kind_keys(
    source: &PackSource,
    def: &RuleDef,
    id: &str,
    kind: &dyn Kind,
    errors: &mut Vec<PackError>,
) {
    // A key `sets_key` does not know is looked up in the rule written out.
    let mut written = None;
    for key in kinds::kind_specific_keys() {
        let set = def.sets_key(key).unwrap_or_else(|| {
            written
                .get_or_insert_with(|| serde_json::to_value(def).unwrap_or_default())
                .get(key)
                .is_some()
        });
        if set && !kinds::takes(kind, key) {
            errors.push(error_at(
                source,
                &def.kind,
                format!("rule `{id}`: kind `{}` does not take `{key}`", kind.name()),
                Some(match counterpart(kind.name(), key) {
                    Some(own) => format!(
                        "kind {} writes this as `{own}`; `{key}` belongs to kind {}",
                        kind.name(),
                        kinds::kinds_taking(key).join(" / ")
                    ),
                    None => format!(
                        "`{key}` belongs to kind {}",
                        kinds::kinds_taking(key).join(" / ")
                    ),
                }),
            ));
        }
    }
}

/// The key of kind `kind` that does the job `key` does in another kind
/// (a disclosure rule's wording is its `triggers`, a lexicon rule's its
/// `terms`), for the hint of a key the kind does not take.
fn counterpart(kind: &str, key: &str) -> Option<&'static str> {
    const SAME_JOB: &[(&str, &str, &str)] = &[
        ("disclosure", "terms", "triggers"),
        ("lexicon", "triggers", "terms"),
        ("pattern", "terms", "pattern"),
        ("pattern", "suggest", "suggestion"),
        ("lexicon", "suggestion", "suggest"),
    ];
    SAME_JOB
        .iter()
        .find(|(k, written, _)| *k == kind && *written == key)
        .map(|(_, _, own)| *own)
}

/// Allow phrases of the rule, then the pack's, each checked non-empty.
pub(crate) fn allow_phrases(pack: &LoadedPack, def: &RuleDef) -> Result<Vec<String>, PackError> {
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
    use super::{kinds, matcher_too_large};
    use crate::pack::{builtin_sources, parse_pack, PackSource};

    /// `sets_key` answers as the rule written out does, for every rule of
    /// the shipped packs and for rules that set every key or none.
    #[test]
    fn a_key_is_set_exactly_when_the_rule_written_out_has_it() {
        let every_key = PackSource::inline(
            "every-key.yaml",
            r#"
pack: every-key
version: "1"
rules:
  - id: every/key
    kind: lexicon
    severity: warning
    message: m
    fields: [title]
    terms: []
    allow: [a]
    suggest: {b: c}
    pattern: "d"
    keywords: [d]
    suggestion: e
    fix: safe
    require: {name: f}
    price: {check: discount_math}
    triggers: []
    trigger_recognizers: [threshold_offer]
    disclose: [{item: window}]
    window: {}
    prize_cap_yuan: 50000
  - id: no/key
    kind: lexicon
    severity: warning
    message: m
"#,
        );
        let mut packs: Vec<_> = builtin_sources()
            .into_iter()
            .map(|source| parse_pack(source).expect("shipped packs parse"))
            .collect();
        packs.push(parse_pack(every_key).expect("the test pack parses"));
        let keys = kinds::kind_specific_keys();
        let mut set = 0;
        for def in packs.iter().flat_map(|p| &p.def.rules) {
            let written = serde_json::to_value(def).expect("a rule writes out");
            for key in &keys {
                let sets = def.sets_key(key);
                assert_eq!(
                    sets,
                    Some(written.get(key).is_some()),
                    "rule {} key {key}",
                    def.id.value
                );
                set += usize::from(sets == Some(true));
            }
        }
        assert!(set >= keys.len(), "the rules set keys");
    }

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
