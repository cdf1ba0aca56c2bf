//! Compiling loaded packs into a [`Ruleset`], with the checks that need more
//! than the YAML schema: unique pack names and rule ids, known kinds, the
//! fields each kind requires, and message placeholders.

use std::collections::HashMap;
use std::sync::Arc;

use serde_saphyr::Spanned;

use super::kinds::lexicon::Lexicon;
use super::kinds::{RuleKind, KIND_NAMES};
use super::matcher::{MatcherBuilder, PatternUse, Role};
use super::message::MessageTemplate;
use super::normalize::normalize_term;
use super::select::RuleFilter;
use super::{Rule, Ruleset, DEFAULT_FIELDS};
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::suggest::did_you_mean;

/// Placeholders a lexicon message may use.
const LEXICON_PLACEHOLDERS: &[&str] = &["term", "field"];

/// Compiles packs into a ruleset, keeping the rules `filter` enables.
/// Every pack is validated in full, enabled rules or not.
pub fn compile(packs: &[LoadedPack], filter: &RuleFilter) -> Result<Ruleset, PackError> {
    check_unique_names(packs)?;
    let mut rules = Vec::new();
    let mut categories: Vec<Arc<str>> = Vec::new();
    let mut scan_fields: Vec<Arc<str>> = DEFAULT_FIELDS.iter().map(|f| Arc::from(*f)).collect();
    let mut matcher = MatcherBuilder::default();
    for pack in packs {
        let pack_name: Arc<str> = Arc::from(pack.def.pack.value.as_str());
        for def in &pack.def.rules {
            let rule = compile_rule(pack, &pack_name, def)?;
            if !filter.enabled(&rule.id, &rule.category, &rule.pack) {
                continue;
            }
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
            let index = rules.len() as u32;
            let RuleKind::Lexicon(lexicon) = &rule.kind;
            for (t, term) in lexicon.terms.iter().enumerate() {
                let used_by = PatternUse {
                    rule: index,
                    role: Role::Deny(t as u32),
                };
                matcher.add(&normalize_term(term), used_by);
            }
            for phrase in &lexicon.allow {
                let used_by = PatternUse {
                    rule: index,
                    role: Role::Allow,
                };
                matcher.add(&normalize_term(phrase), used_by);
            }
            let scans = scan_fields_mask(&scan_fields, &fields);
            rules.push(Rule {
                category_index,
                scans,
                ..rule
            });
        }
    }
    // Fields added by later rules extend the scan list; pad earlier masks.
    for rule in &mut rules {
        rule.scans.resize(scan_fields.len(), false);
    }
    let matcher = matcher.build().map_err(|e| PackError::Io {
        path: "<rules>".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(Ruleset {
        rules,
        scan_fields,
        packs: packs
            .iter()
            .map(|p| (Arc::from(p.def.pack.value.as_str()), p.def.version.clone()))
            .collect(),
        matcher,
        keep_sources: false,
    })
}

fn scan_fields_mask(scan_fields: &[Arc<str>], wanted: &[String]) -> Vec<bool> {
    scan_fields
        .iter()
        .map(|f| wanted.iter().any(|w| **w == **f))
        .collect()
}

/// Pack names and rule ids must be unique across everything loaded.
fn check_unique_names(packs: &[LoadedPack]) -> Result<(), PackError> {
    let mut pack_names: HashMap<&str, &PackSource> = HashMap::new();
    let mut rule_ids: HashMap<&str, (&PackSource, u64)> = HashMap::new();
    for pack in packs {
        let name = &pack.def.pack;
        if let Some(first) = pack_names.insert(&name.value, &pack.source) {
            return Err(error_at(
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
                return Err(error_at(
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
    Ok(())
}

fn error_at<T>(
    source: &PackSource,
    at: &Spanned<T>,
    message: String,
    help: Option<String>,
) -> PackError {
    PackError::at_location(source, at.referenced, message, help)
}

fn compile_rule(pack: &LoadedPack, pack_name: &Arc<str>, def: &RuleDef) -> Result<Rule, PackError> {
    let source = &pack.source;
    let id = def.id.value.trim();
    if id.is_empty() {
        return Err(error_at(source, &def.id, "rule id is empty".into(), None));
    }
    let category = def
        .category
        .clone()
        .or_else(|| pack.def.category.clone())
        .ok_or_else(|| {
            error_at(
                source,
                &def.id,
                format!("rule `{id}` has no category"),
                Some("set `category` on the rule or on the pack".into()),
            )
        })?;
    if let Some(fields) = &def.fields {
        if fields.is_empty() || fields.iter().any(|f| f.trim().is_empty()) {
            return Err(error_at(
                source,
                &def.id,
                format!("rule `{id}`: `fields` must list at least one non-empty field name"),
                None,
            ));
        }
    }
    let kind = match def.kind.value.as_str() {
        "lexicon" => RuleKind::Lexicon(compile_lexicon(pack, def)?),
        other => {
            let help = did_you_mean(other, KIND_NAMES.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("known kinds: {}", KIND_NAMES.join(", ")));
            return Err(error_at(
                source,
                &def.kind,
                format!("rule `{id}`: unknown kind `{other}`"),
                Some(help),
            ));
        }
    };
    let message = MessageTemplate::parse(&def.message.value);
    check_placeholders(source, def, &message, LEXICON_PLACEHOLDERS)?;
    Ok(Rule {
        id: Arc::from(id),
        pack: pack_name.clone(),
        category: Arc::from(category.as_str()),
        category_index: 0,
        severity: def.severity,
        message,
        help: def.help.as_deref().map(Arc::from),
        summary: def.summary.clone(),
        docs: def.docs.clone(),
        references: def.references.clone(),
        scans: Vec::new(),
        kind,
    })
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
    for term in terms.value.iter().chain(&def.allow).chain(&pack.def.allow) {
        if normalize_term(term).is_empty() {
            return Err(error_at(
                source,
                terms,
                format!("lexicon rule `{id}`: `{term}` is empty once normalised (only spaces or separators)"),
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
    let mut allow = def.allow.clone();
    allow.extend(pack.def.allow.iter().cloned());
    Ok(Lexicon {
        terms: terms.value.clone(),
        suggestions,
        allow,
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
