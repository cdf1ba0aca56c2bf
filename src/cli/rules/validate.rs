//! `listlint rules validate`: check packs without linting anything. Errors
//! (which also stop `check`) exit 2; lint warnings about terms and allow
//! phrases that cannot do what their author meant are printed, exit 0.

use std::collections::HashMap;
use std::path::PathBuf;

use super::{packs_for_testing, Beside};
use crate::cli::output::Stdout;
use crate::cli::{print_error, ColorChoice};
use crate::exit::ExitStatus;
use listlint_core::engine::{compile, RuleFilter};
use listlint_core::pack::LoadedPack;
use listlint_core::text::normalize::normalize_term;

/// A lint warning with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// `file:line:col`.
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// The rules the warning is about.
    pub rules: Vec<String>,
}

/// Lint warnings for the lexicon rules of `pack`.
pub fn lint(pack: &LoadedPack) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // Normalised term → (rule id, category) of its first use.
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    for rule in &pack.def.rules {
        let Some(terms) = &rule.terms else { continue };
        let id = &rule.id.value;
        let place = format!(
            "{}:{}:{}",
            pack.source.name,
            terms.referenced.line(),
            terms.referenced.column()
        );
        // A warning about this rule (and `other`, if it names a second one).
        let warning = |message: String, other: Option<&String>| Warning {
            place: place.clone(),
            message: format!("`{id}`: {message}"),
            rules: std::iter::once(id).chain(other).cloned().collect(),
        };
        let category = rule
            .category
            .clone()
            .or_else(|| pack.def.category.clone())
            .unwrap_or_default();
        let normalized: Vec<String> = terms.value.iter().map(|t| normalize_term(t)).collect();
        let mut in_rule: HashMap<&str, &str> = HashMap::new();
        for (term, norm) in terms.value.iter().zip(&normalized) {
            if let Some(first) = in_rule.insert(norm, term) {
                warnings.push(warning(
                    format!("term `{term}` repeats `{first}` (same once normalised)"),
                    None,
                ));
                continue;
            }
            // Rules with conditions may share terms on purpose: they apply
            // to different listings (medical vs ordinary goods).
            if rule.when.is_some() {
                continue;
            }
            let key = (category.clone(), norm.clone());
            match seen.get(&key) {
                Some(other) if other != id => warnings.push(warning(
                    format!("term `{term}` is also a term of `{other}` in category `{category}`"),
                    Some(other),
                )),
                _ => {
                    seen.insert(key, id.clone());
                }
            }
        }
        for phrase in rule.allow.iter().chain(&pack.def.allow) {
            let allow = normalize_term(phrase);
            if normalized.contains(&allow) {
                warnings.push(warning(
                    format!("allow phrase `{phrase}` is one of the rule's terms, so that term can never be reported"),
                    None,
                ));
            } else if rule.allow.contains(phrase)
                && !normalized.iter().any(|t| allow.contains(t.as_str()))
            {
                warnings.push(warning(
                    format!("allow phrase `{phrase}` contains none of the rule's terms, so it never allows anything"),
                    None,
                ));
            }
        }
    }
    warnings
}

/// Warnings for the lexicon rules of `pack` that share terms with an
/// enabled lexicon rule of the same category in a pack loaded before it
/// (`earlier`: the built-in packs, which `check` loads first): where both match,
/// overlapping hits of one category are reported once, the first rule in
/// load order's, so the later rule's finding (its message, severity, help)
/// never shows for those terms. Rules with a condition are left out: they
/// apply to other listings on purpose.
pub fn shadowed(pack: &LoadedPack, earlier: &[&LoadedPack]) -> Vec<Warning> {
    let category_of = |p: &LoadedPack, r: &listlint_core::pack::schema::RuleDef| {
        r.category.clone().or_else(|| p.def.category.clone())
    };
    let plain_lexicon = |r: &&listlint_core::pack::schema::RuleDef| {
        r.kind.value == "lexicon" && r.enabled && r.when.is_none() && r.terms.is_some()
    };
    let mut warnings = Vec::new();
    for rule in pack.def.rules.iter().filter(plain_lexicon) {
        let Some(terms) = &rule.terms else { continue };
        let Some(category) = category_of(pack, rule) else {
            continue;
        };
        for other_pack in earlier {
            for other in other_pack.def.rules.iter().filter(plain_lexicon) {
                if category_of(other_pack, other).as_deref() != Some(category.as_str()) {
                    continue;
                }
                let theirs: Vec<String> = other
                    .terms
                    .iter()
                    .flat_map(|t| t.value.iter().map(|t| normalize_term(t)))
                    .collect();
                let shared: Vec<&str> = terms
                    .value
                    .iter()
                    .filter(|t| theirs.contains(&normalize_term(t)))
                    .map(String::as_str)
                    .collect();
                if shared.is_empty() {
                    continue;
                }
                let origin = if other_pack.source.builtin {
                    "built-in pack"
                } else {
                    "pack"
                };
                warnings.push(Warning {
                    place: format!(
                        "{}:{}:{}",
                        pack.source.name,
                        terms.referenced.line(),
                        terms.referenced.column()
                    ),
                    message: format!(
                        "`{}`: {} `{}` {} also {} of `{}` ({origin} `{}`, same category `{category}`): \
                         where both match, the finding is `{}`'s, not this rule's; \
                         to take {} over, disable `{}` or override it (remove_terms)",
                        rule.id.value,
                        if shared.len() == 1 { "term" } else { "terms" },
                        shared.join("`, `"),
                        if shared.len() == 1 { "is" } else { "are" },
                        if shared.len() == 1 { "a term" } else { "terms" },
                        other.id.value,
                        other_pack.name(),
                        other.id.value,
                        if shared.len() == 1 { "it" } else { "them" },
                        other.id.value,
                    ),
                    rules: vec![rule.id.value.clone(), other.id.value.clone()],
                });
            }
        }
    }
    warnings
}

/// Runs `listlint rules validate`: every error of every pack (one per pack
/// that does not parse, every compile problem of the packs that do), then
/// the lint warnings of the packs that compiled. The packs are loaded as
/// `check --rules PACK` (or `check --no-default-rules --rules PACK`) loads
/// them, so a pack is valid exactly when `check` accepts it.
pub fn run(
    paths: &[PathBuf],
    no_default_rules: bool,
    color: ColorChoice,
) -> miette::Result<ExitStatus> {
    let under_test = packs_for_testing(paths, Beside::AsCheck { no_default_rules })?;
    let unparsable = under_test.unparsable;
    let mut errors = under_test.problems;
    if let Err(e) = compile(&under_test.packs, &RuleFilter::default()) {
        errors.extend(e.into_problems());
    }
    let tested: Vec<&LoadedPack> = under_test
        .tested
        .iter()
        .filter_map(|&i| under_test.packs.get(i))
        .collect();
    let mut warnings = 0;
    let mut out = Stdout::new();
    // `check` loads the built-in packs before the given ones.
    let earlier: Vec<&LoadedPack> = under_test
        .packs
        .iter()
        .enumerate()
        .filter(|(i, p)| p.source.builtin && !under_test.tested.contains(i))
        .map(|(_, p)| p)
        .collect();
    for (index, pack) in under_test.packs.iter().enumerate() {
        if !under_test.tested.contains(&index) {
            continue;
        }
        for w in lint(pack).into_iter().chain(shadowed(pack, &earlier)) {
            warnings += 1;
            writeln!(out, "warning: {}: {}", w.place, w.message)?;
        }
    }
    // Rules of other packs that the tested packs override: the warnings
    // about those rules, placed at the override.
    let names: Vec<&str> = tested.iter().map(|p| p.name()).collect();
    for (i, pack) in under_test.packs.iter().enumerate() {
        if under_test.tested.contains(&i) {
            continue;
        }
        let overridden = |id: &str| {
            pack.def
                .rules
                .iter()
                .find(|r| r.id.value == id)
                .and_then(|r| {
                    r.applied
                        .iter()
                        .rev()
                        .find(|a| names.contains(&a.pack.as_str()))
                })
        };
        for w in lint(pack) {
            if let Some(applied) = w.rules.iter().find_map(|id| overridden(id)) {
                warnings += 1;
                writeln!(
                    out,
                    "warning: {}: {} (a rule of pack `{}`, as overridden here)",
                    applied.place,
                    w.message,
                    pack.name()
                )?;
            }
        }
    }
    let error_count = errors.len();
    for error in errors {
        print_error(&miette::Report::new(error), color);
    }
    let packs = tested.len() + unparsable;
    let rules: usize = tested.iter().map(|p| p.def.rules.len()).sum();
    if error_count > 0 {
        writeln!(
            out,
            "{packs} packs, {rules} rules: {error_count} errors, {warnings} warnings"
        )?;
        out.finish()?;
        return Ok(ExitStatus::Error);
    }
    writeln!(
        out,
        "{packs} packs, {rules} rules: valid, {warnings} warnings"
    )?;
    out.finish()?;
    Ok(ExitStatus::Success)
}
