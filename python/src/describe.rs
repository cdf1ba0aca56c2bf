//! `listlint.rules()` and `listlint.explain()`: what the loaded packs
//! contain, from the same packs `check` compiles.

use std::path::PathBuf;

use listlint_core::config;
use listlint_core::pack::load::load_packs;
use listlint_core::pack::schema::{Reference, RuleDef};
use listlint_core::pack::LoadedPack;
use listlint_core::settings::{Overrides, Settings};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors;

/// The packs `check` would load with these settings.
fn packs(
    py: Python<'_>,
    rules: Option<Vec<PathBuf>>,
    config: Option<PathBuf>,
    default_rules: bool,
) -> PyResult<Vec<LoadedPack>> {
    let loaded = match &config {
        Some(path) => {
            Some(config::load(path).map_err(|e| errors::pack_error(py, &e, Some(path.as_path())))?)
        }
        None => None,
    };
    let overrides = Overrides {
        rules: rules.unwrap_or_default(),
        no_default_rules: !default_rules,
        ..Overrides::default()
    };
    let settings =
        Settings::resolve(loaded, overrides).map_err(|e| errors::config_error(py, &e))?;
    let composed = py
        .detach(|| load_packs(&settings.packs))
        .map_err(|e| errors::load_error(py, &e, config.as_deref()))?;
    Ok(composed.packs)
}

fn category<'a>(pack: &'a LoadedPack, rule: &'a RuleDef) -> &'a str {
    rule.category
        .as_deref()
        .or(pack.def.category.as_deref())
        .unwrap_or("")
}

/// The keys `listlint rules list --format json` gives a rule.
fn rule_dict<'py>(
    py: Python<'py>,
    pack: &LoadedPack,
    rule: &RuleDef,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &rule.id.value)?;
    d.set_item("pack", &pack.def.pack.value)?;
    d.set_item("pack_version", &pack.def.version)?;
    d.set_item("kind", &rule.kind.value)?;
    d.set_item("category", category(pack, rule))?;
    d.set_item("severity", rule.severity.as_str())?;
    d.set_item("enabled", rule.enabled)?;
    d.set_item("summary", &rule.summary)?;
    let references: Vec<&str> = rule.references.iter().map(Reference::title).collect();
    d.set_item("references", references)?;
    Ok(d)
}

/// Every rule of the packs ``check`` loads with these settings (the
/// built-in packs, then ``rules``; a ``config`` file's ``rules`` and
/// ``no_default_rules`` as ``check`` applies them), as dicts with the keys
/// of ``listlint rules list --format json``: id, pack, pack_version, kind,
/// category, severity, enabled, summary, references.
#[pyfunction]
#[pyo3(signature = (*, rules=None, config=None, default_rules=true))]
pub fn rules<'py>(
    py: Python<'py>,
    rules: Option<Vec<PathBuf>>,
    config: Option<PathBuf>,
    default_rules: bool,
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for pack in &packs(py, rules, config, default_rules)? {
        for rule in &pack.def.rules {
            out.append(rule_dict(py, pack, rule)?)?;
        }
    }
    Ok(out)
}

/// One rule described: the keys of ``rules()`` plus pack_file, message,
/// help, docs, fields, terms, allow, keywords and pattern (None or empty
/// where the rule has none). Raises ``KeyError`` for an unknown id, with a
/// suggestion.
#[pyfunction]
#[pyo3(signature = (rule_id, *, rules=None, config=None, default_rules=true))]
pub fn explain<'py>(
    py: Python<'py>,
    rule_id: &str,
    rules: Option<Vec<PathBuf>>,
    config: Option<PathBuf>,
    default_rules: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let packs = packs(py, rules, config, default_rules)?;
    let found = packs.iter().find_map(|p| {
        p.def
            .rules
            .iter()
            .find(|r| r.id.value == rule_id)
            .map(|r| (p, r))
    });
    let Some((pack, rule)) = found else {
        let ids = packs
            .iter()
            .flat_map(|p| p.def.rules.iter().map(|r| r.id.value.as_str()));
        let hint = listlint_core::suggest::did_you_mean(rule_id, ids)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(PyKeyError::new_err(format!(
            "no rule `{rule_id}` in the loaded packs{hint}"
        )));
    };
    let d = rule_dict(py, pack, rule)?;
    d.set_item("pack_file", &*pack.source.name)?;
    d.set_item("message", &rule.message.value)?;
    d.set_item("help", &rule.help)?;
    d.set_item("docs", &rule.docs)?;
    d.set_item("fields", &rule.fields)?;
    d.set_item("terms", rule.terms.as_ref().map(|t| &t.value))?;
    d.set_item("allow", &rule.allow)?;
    d.set_item("keywords", &rule.keywords)?;
    d.set_item("pattern", rule.pattern.as_ref().map(|p| &p.value))?;
    Ok(d)
}
