//! Composing packs: `extends` loads the packs a pack builds on, and its
//! `overrides` change their rules in place (terms and allow phrases added,
//! severity, message or parameters replaced, rules turned off).
//!
//! An extended pack keeps its name and its rules keep their ids, so
//! `--select`, waivers and baselines written against the base pack still
//! apply. Each change is checked by compiling the changed rule: a change
//! that would make the rule invalid is reported at the override, and the
//! rule is left as it was.
//!
//! A pack extends files by path only within bounds ([`ExtendsScope`]): pack
//! files (`.yaml`, `.yml`, regular files) in its own folder tree, the
//! `--rules` folders, or folders the config file adds, so that a pack in a
//! pull request cannot read `../secret.env` or `/proc/self/environ`.

use std::path::{Path, PathBuf};

use super::compile::rule_problems;
use super::kinds;
use crate::pack::schema::{AppliedOverride, ConditionDef, OverrideDef, PriceDef, RuleDef};
use crate::pack::{
    builtin_named, builtin_names, parse_pack, read_source, LoadedPack, PackError, PackSource,
};
use crate::suggest::did_you_mean;
use crate::text::normalize::{normalize_term, term_problem};

/// The folders a pack may extend pack files from, besides its own folder
/// and the folders below it: the `--rules` paths (a folder, or a file's
/// folder) and the config file's `extends_from`, each with the folders
/// below it. Paths are compared once symbolic links are resolved.
#[derive(Debug, Clone, Default)]
pub struct ExtendsScope {
    roots: Vec<PathBuf>,
}

impl ExtendsScope {
    /// The scope of these paths (files stand for their folder; paths that
    /// do not exist add nothing).
    pub fn new<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Self {
        let roots = paths
            .into_iter()
            .filter_map(|p| folder_of(p.as_ref()))
            .collect();
        Self { roots }
    }

    /// Whether pack `from` (a file on disk, or a built-in pack when `None`)
    /// may extend the file whose resolved path is `target`.
    fn allows(&self, from: Option<&Path>, target: &Path) -> bool {
        let own = from.and_then(folder_of);
        own.iter()
            .chain(&self.roots)
            .any(|root| target.starts_with(root))
    }
}

/// Where the pack files that `extends` entries name come from. The caller
/// chooses: [`ExtendsScope`] reads files on disk within bounds; a service
/// that takes packs from requests passes [`NoPackFiles`], so that its packs
/// extend built-in or loaded packs only.
pub trait ExtendsResolver {
    /// Where `entry` (a path, relative to the folder of `from`, the file of
    /// the pack that extends it; `None` for a built-in or inline pack)
    /// points, or why it may not be extended.
    fn locate(&self, from: Option<&Path>, entry: &str) -> Result<Located, Refusal>;
    /// The text of a located pack file.
    fn read(&self, located: &Located) -> Result<PackSource, String>;
}

/// A pack file an `extends` entry names.
#[derive(Debug, Clone)]
pub struct Located {
    /// The path as messages and the pack's name show it.
    pub shown: PathBuf,
    /// The resolved path, telling a pack already loaded.
    pub canonical: PathBuf,
}

/// Why an `extends` entry may not be loaded.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Refuses every pack file: packs extend built-in or loaded packs only.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPackFiles;

impl ExtendsResolver for NoPackFiles {
    fn locate(&self, _from: Option<&Path>, entry: &str) -> Result<Located, Refusal> {
        Err(Refusal {
            message: format!("extends `{entry}`, but packs here may not read files"),
            help: Some("extend a built-in or loaded pack by its name".into()),
        })
    }

    fn read(&self, located: &Located) -> Result<PackSource, String> {
        Err(format!("{} may not be read", located.shown.display()))
    }
}

impl ExtendsResolver for ExtendsScope {
    fn locate(&self, from: Option<&Path>, entry: &str) -> Result<Located, Refusal> {
        let dir = from
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let path = tidy(&dir.join(entry));
        if !is_yaml_name(&path) {
            return Err(Refusal {
                message: format!("extends `{entry}`, which is not a rule pack file"),
                help: Some("only pack files (`.yaml`, `.yml`) can be extended".into()),
            });
        }
        let wanted = path.canonicalize().map_err(|e| Refusal {
            message: format!("cannot read extended pack {}: {e}", path.display()),
            help: None,
        })?;
        if !self.allows(from, &wanted) {
            return Err(Refusal {
                message: format!(
                    "extends `{entry}`, which is outside the folders packs may extend from"
                ),
                help: Some(
                    "a pack extends files in its own folder or below it, or in a --rules folder; \
                     list further folders under `extends_from:` in listlint.yaml"
                        .into(),
                ),
            });
        }
        let regular = std::fs::metadata(&wanted).is_ok_and(|m| m.is_file());
        if !regular || !is_yaml_name(&wanted) {
            return Err(Refusal {
                message: format!("extends `{entry}`, which is not a rule pack file"),
                help: Some(
                    "only regular pack files (`.yaml`, `.yml`) can be extended, not links to other files or devices"
                        .into(),
                ),
            });
        }
        Ok(Located {
            shown: path,
            canonical: wanted,
        })
    }

    fn read(&self, located: &Located) -> Result<PackSource, String> {
        read_source(&located.shown).map_err(|e| e.to_string())
    }
}

/// The resolved folder of a path: itself for a folder, its parent for a
/// file.
fn folder_of(path: &Path) -> Option<PathBuf> {
    let resolved = path.canonicalize().ok()?;
    if resolved.is_dir() {
        Some(resolved)
    } else {
        resolved.parent().map(Path::to_path_buf)
    }
}

/// Loads what the packs extend and applies their overrides, a pack's after
/// those of every pack it extends (so the more specific pack wins). Packs
/// loaded for `extends` (files only through `resolver`), and built-in packs
/// whose named conditions a loaded pack uses, are appended to `packs`.
/// Returns every problem found.
pub fn resolve_extends(
    packs: &mut Vec<LoadedPack>,
    resolver: &dyn ExtendsResolver,
) -> Vec<PackError> {
    let mut errors = Vec::new();
    let mut bases: Vec<Vec<usize>> = Vec::new();
    let mut i = 0;
    // Packs appended while resolving are resolved in turn.
    while i < packs.len() {
        bases.push(direct_bases(packs, i, resolver, &mut errors));
        i += 1;
        if i == packs.len() {
            load_condition_packs(packs);
        }
    }
    let order = match dependency_order(&bases) {
        Ok(order) => order,
        Err(cycle) => {
            let first = &packs[cycle[0]];
            let names: Vec<&str> = cycle.iter().map(|&c| packs[c].name()).collect();
            let place = first
                .def
                .extends
                .as_ref()
                .map_or(first.def.pack.referenced, |e| e.referenced);
            errors.push(PackError::at_location(
                &first.source,
                place,
                format!(
                    "packs extend each other in a cycle: {} → {}",
                    names.join(" → "),
                    names[0]
                ),
                Some("a pack may extend packs that do not extend it back".into()),
            ));
            return errors;
        }
    };
    for &i in &order {
        let closure = transitive_bases(&bases, i);
        apply_overrides(packs, i, &closure, &mut errors);
        packs[i].extended = closure
            .iter()
            .map(|&b| packs[b].name().to_owned())
            .collect();
    }
    errors
}

/// The packs pack `i` extends directly, loading any not loaded yet.
fn direct_bases(
    packs: &mut Vec<LoadedPack>,
    i: usize,
    resolver: &dyn ExtendsResolver,
    errors: &mut Vec<PackError>,
) -> Vec<usize> {
    let mut mine = Vec::new();
    let Some(extends) = packs[i].def.extends.clone() else {
        if let Some(first) = packs[i].def.overrides.first() {
            errors.push(PackError::at_location(
                &packs[i].source,
                first.rule.referenced,
                format!(
                    "pack `{}` has `overrides` but extends no pack",
                    packs[i].name()
                ),
                Some("name the pack whose rules it changes under `extends:`".into()),
            ));
        }
        return mine;
    };
    if extends.value.0.is_empty() {
        errors.push(PackError::at_location(
            &packs[i].source,
            extends.referenced,
            "`extends` lists no pack",
            None,
        ));
    }
    for entry in &extends.value.0 {
        let place = if entry.referenced.line() > 0 {
            entry.referenced
        } else {
            extends.referenced
        };
        let source = packs[i].source.clone();
        let at = |message: String, help: Option<String>| {
            PackError::at_location(&source, place, message, help)
        };
        if entry.value.trim().is_empty() {
            errors.push(at("empty entry in `extends`".into(), None));
            continue;
        }
        match find_or_load_base(packs, i, &entry.value, resolver) {
            Ok(base) if base == i => {
                errors.push(at(
                    format!("pack `{}` extends itself", packs[i].name()),
                    None,
                ));
            }
            Ok(base) => {
                if !mine.contains(&base) {
                    mine.push(base);
                }
            }
            Err(Unresolved::Problem { message, help }) => errors.push(at(message, help)),
            Err(Unresolved::Invalid(error)) => {
                errors.push(at(
                    format!("the extended pack `{}` is not valid", entry.value),
                    Some("its own problem is reported next".into()),
                ));
                errors.push(error);
            }
        }
    }
    mine
}

/// Loads the built-in condition packs (packs without rules) whose named
/// conditions loaded packs `use` and that are not loaded (a built-in pack
/// extended with `--no-default-rules` needs `cn-categories`).
fn load_condition_packs(packs: &mut Vec<LoadedPack>) {
    let mut wanted: Vec<String> = Vec::new();
    for pack in packs.iter() {
        let whens = pack.def.rules.iter().filter_map(|r| r.when.as_ref());
        let title = pack.def.title_is_name.iter();
        for condition in whens.chain(title).chain(pack.def.conditions.values()) {
            used_packs(condition, &mut wanted);
        }
    }
    for name in wanted {
        if packs.iter().any(|p| p.name() == name) {
            continue;
        }
        // Only a pack of conditions alone: loading one with rules would
        // add findings nobody asked for.
        if let Some(source) = builtin_named(&name) {
            if let Ok(pack) = parse_pack(source) {
                if pack.def.rules.is_empty() {
                    packs.push(pack);
                }
            }
        }
    }
}

/// The pack names in `use: pack/name` references of a condition.
fn used_packs(condition: &ConditionDef, out: &mut Vec<String>) {
    match condition {
        ConditionDef::All(list) | ConditionDef::Any(list) => {
            list.iter().for_each(|c| used_packs(c, out));
        }
        ConditionDef::Not(inner) => used_packs(inner, out),
        ConditionDef::Use(name) => {
            if let Some((pack, _)) = name.value.split_once('/') {
                if !out.iter().any(|o| o == pack) {
                    out.push(pack.to_owned());
                }
            }
        }
        _ => {}
    }
}

/// Pack indices such that every pack comes after the packs it extends, or
/// the packs of a cycle.
fn dependency_order(bases: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        i: usize,
        bases: &[Vec<usize>],
        marks: &mut [Mark],
        path: &mut Vec<usize>,
        order: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match marks[i] {
            Mark::Done => return Ok(()),
            Mark::Open => {
                let from = path.iter().position(|&p| p == i).unwrap_or(0);
                return Err(path[from..].to_vec());
            }
            Mark::New => {}
        }
        marks[i] = Mark::Open;
        path.push(i);
        for &b in bases.get(i).map_or(&[][..], Vec::as_slice) {
            visit(b, bases, marks, path, order)?;
        }
        path.pop();
        marks[i] = Mark::Done;
        order.push(i);
        Ok(())
    }
    let mut marks = vec![Mark::New; bases.len()];
    let mut order = Vec::new();
    for i in 0..bases.len() {
        visit(i, bases, &mut marks, &mut Vec::new(), &mut order)?;
    }
    Ok(order)
}

/// Every pack `i` extends, directly or through the packs it extends.
fn transitive_bases(bases: &[Vec<usize>], i: usize) -> Vec<usize> {
    let mut all: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = bases.get(i).cloned().unwrap_or_default();
    while let Some(b) = stack.pop() {
        if b != i && !all.contains(&b) {
            all.push(b);
            stack.extend(bases.get(b).into_iter().flatten().copied());
        }
    }
    all.sort_unstable();
    all
}

/// Why an `extends` entry could not be resolved.
enum Unresolved {
    /// The entry names nothing that can be loaded.
    Problem {
        message: String,
        help: Option<String>,
    },
    /// The pack it names is not valid.
    Invalid(PackError),
}

/// Whether an `extends` entry is a path rather than a pack name.
fn is_path(entry: &str) -> bool {
    entry.contains('/') || entry.contains('\\') || is_yaml_name(Path::new(entry))
}

/// Whether a file name ends in `.yaml` or `.yml`, as pack files do.
fn is_yaml_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// The index of the pack an `extends` entry of pack `from` names, loading
/// it (a file through `resolver`, or a built-in pack) if it is not loaded
/// yet.
fn find_or_load_base(
    packs: &mut Vec<LoadedPack>,
    from: usize,
    entry: &str,
    resolver: &dyn ExtendsResolver,
) -> Result<usize, Unresolved> {
    if is_path(entry) {
        let from_path = (!packs[from].source.builtin).then(|| Path::new(&*packs[from].source.name));
        let located = resolver
            .locate(from_path, entry)
            .map_err(|Refusal { message, help }| Unresolved::Problem { message, help })?;
        let loaded = packs.iter().position(|p| {
            !p.source.builtin && canonical(&p.source.name).is_some_and(|c| c == located.canonical)
        });
        if let Some(index) = loaded {
            return Ok(index);
        }
        let source = resolver.read(&located).map_err(|e| Unresolved::Problem {
            message: format!("cannot read extended pack {}: {e}", located.shown.display()),
            help: None,
        })?;
        return push_parsed(packs, source);
    }
    if let Some(index) = packs.iter().position(|p| p.name() == entry) {
        return Ok(index);
    }
    match builtin_named(entry) {
        Some(source) => push_parsed(packs, source),
        None => {
            let known: Vec<String> = packs
                .iter()
                .map(|p| p.name().to_owned())
                .chain(builtin_names().map(str::to_owned))
                .filter(|n| n != packs[from].name())
                .collect();
            Err(Unresolved::Problem {
                message: format!(
                    "extends `{entry}`, which is neither a loaded nor a built-in pack"
                ),
                help: did_you_mean(entry, known.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some("give a pack name, or a path ending in .yaml".into())),
            })
        }
    }
}

/// The path without `.` components (`./a/./b.yaml` → `a/b.yaml`), for
/// messages and pack names.
fn tidy(path: &Path) -> PathBuf {
    let tidy: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if tidy.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        tidy
    }
}

fn canonical(name: &str) -> Option<PathBuf> {
    Path::new(name).canonicalize().ok()
}

fn push_parsed(packs: &mut Vec<LoadedPack>, source: PackSource) -> Result<usize, Unresolved> {
    let pack = parse_pack(source).map_err(Unresolved::Invalid)?;
    packs.push(pack);
    Ok(packs.len() - 1)
}

/// Applies the overrides of pack `from` to rules of the packs at `bases`.
fn apply_overrides(
    packs: &mut [LoadedPack],
    from: usize,
    bases: &[usize],
    errors: &mut Vec<PackError>,
) {
    if bases.is_empty() {
        // Already an error: the pack extends no pack (or none that could
        // be loaded); every override naming "no extended pack" again
        // would only repeat it.
        return;
    }
    let overrides = packs[from].def.overrides.clone();
    let source = packs[from].source.clone();
    let pack_name = packs[from].def.pack.value.clone();
    let mut seen: Vec<(&str, u64)> = Vec::new();
    for ov in &overrides {
        let id = ov.rule.value.as_str();
        if let Some((_, line)) = seen.iter().find(|(s, _)| *s == id) {
            errors.push(PackError::at_location(
                &source,
                ov.rule.referenced,
                format!("`{id}` is already overridden at line {line} of this pack"),
                Some("merge the two overrides into one".into()),
            ));
            continue;
        }
        seen.push((id, ov.rule.referenced.line()));
        let found = bases.iter().find_map(|&b| {
            packs[b]
                .def
                .rules
                .iter()
                .position(|r| r.id.value == id)
                .map(|r| (b, r))
        });
        let Some((base, rule)) = found else {
            let names: Vec<&str> = bases
                .iter()
                .flat_map(|&b| packs[b].def.rules.iter().map(|r| r.id.value.as_str()))
                .collect();
            let base_names: Vec<&str> = bases
                .iter()
                .map(|&b| packs[b].def.pack.value.as_str())
                .collect();
            errors.push(PackError::at_location(
                &source,
                ov.rule.referenced,
                format!(
                    "`{id}` is not a rule of the extended packs ({})",
                    base_names.join(", ")
                ),
                did_you_mean(id, names.iter().copied()).map(|s| format!("did you mean `{s}`?")),
            ));
            continue;
        };
        let original = &packs[base].def.rules[rule];
        let mut changed = original.clone();
        let base_pack = &packs[base];
        let origin = RuleOrigin {
            file: &base_pack.source.name,
            text: &base_pack.source.text,
            line: original.id.referenced.line(),
            pack: base_pack.name(),
            pack_allow: &base_pack.def.allow,
        };
        let changes = match apply(&mut changed, ov, &origin) {
            Ok(changes) => changes,
            Err(message) => {
                errors.push(PackError::at_location(
                    &source,
                    ov.rule.referenced,
                    message,
                    None,
                ));
                continue;
            }
        };
        // The change must not make a valid rule invalid.
        let before = rule_problems(packs, &packs[base], original);
        let introduced: Vec<String> = rule_problems(packs, &packs[base], &changed)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        if !introduced.is_empty() {
            for problem in introduced {
                errors.push(PackError::at_location(
                    &source,
                    ov.rule.referenced,
                    format!("override of `{id}`: {problem}"),
                    None,
                ));
            }
            continue;
        }
        changed.applied.push(AppliedOverride {
            pack: pack_name.clone(),
            place: format!("{}:{}", source.name, ov.rule.referenced.line()),
            changes,
        });
        packs[base].def.rules[rule] = changed;
    }
}

/// Applies one override to a copy of the rule; the changes made, one line
/// each, or why the override does not fit the rule.
fn apply(
    rule: &mut RuleDef,
    ov: &OverrideDef,
    origin: &RuleOrigin<'_>,
) -> Result<Vec<String>, String> {
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();
    apply_settings(rule, ov, &mut changes);
    apply_terms(rule, ov, &mut changes, &mut unchanged, origin)?;
    apply_wording(rule, ov, &mut changes, &mut unchanged, origin)?;
    apply_parameters(rule, ov, &mut changes)?;
    if changes.is_empty() {
        let why = if unchanged.is_empty() {
            "it sets nothing but `rule`".to_owned()
        } else {
            unchanged.join("; ")
        };
        return Err(format!(
            "the override of `{}` changes nothing: {why}",
            rule.id.value
        ));
    }
    Ok(changes)
}

/// Where an overridden rule is defined, for saying why an override
/// changes nothing.
struct RuleOrigin<'a> {
    /// The pack file's name.
    file: &'a str,
    /// Its text.
    text: &'a str,
    /// The line of the rule's `id`.
    line: u64,
    /// The pack's name.
    pack: &'a str,
    /// The pack's own allow phrases (every lexicon rule of it has them).
    pack_allow: &'a [String],
}

impl RuleOrigin<'_> {
    /// `file:line` where `text`, an entry of the list under `key`, is
    /// written: the first line holding it from that key of the rule on
    /// (from the pack's top-level key when `pack_wide`), else the key's or
    /// the rule's line; an entry an earlier override added is named by
    /// that override's place.
    fn place_of(&self, text: &str, rule: &RuleDef, key: &str, pack_wide: bool) -> String {
        if let Some(applied) = rule
            .applied
            .iter()
            .find(|a| a.changes.iter().any(|c| c.ends_with(&format!(": {text}"))))
        {
            return format!("added by pack `{}` at {}", applied.pack, applied.place);
        }
        let lines: Vec<&str> = self.text.lines().collect();
        let rule_line = usize::try_from(self.line.saturating_sub(1)).unwrap_or(0);
        let written = format!("{key}:");
        let list_start = if pack_wide {
            lines.iter().position(|l| l.starts_with(&written))
        } else {
            lines
                .iter()
                .enumerate()
                .skip(rule_line)
                .find(|(_, l)| l.trim_start().starts_with(&written))
                .map(|(n, _)| n)
        };
        let line = list_start
            .and_then(|start| {
                lines
                    .iter()
                    .enumerate()
                    .skip(start)
                    .find(|(_, l)| l.contains(text))
                    .or(Some((start, &"")))
            })
            .map_or(self.line, |(n, _)| n as u64 + 1);
        format!("{}:{line}", self.file)
    }
}

/// Severity, whether the rule runs by default, message, help, summary. A
/// value set to what the rule already has is kept as a change: it pins the
/// value against a later version of the extended pack.
fn apply_settings(rule: &mut RuleDef, ov: &OverrideDef, changes: &mut Vec<String>) {
    if let Some(severity) = ov.severity {
        changes.push(format!("severity {} → {severity}", rule.severity));
        rule.severity = severity;
    }
    if let Some(enabled) = ov.enabled {
        changes.push(if enabled {
            "enabled by default".to_owned()
        } else {
            "off by default (runs only when --select names it)".to_owned()
        });
        rule.enabled = enabled;
    }
    if let Some(message) = &ov.message {
        changes.push(format!("message → {}", message.value));
        rule.message = message.clone();
    }
    if let Some(help) = &ov.help {
        changes.push("help replaced".to_owned());
        rule.help = Some(help.clone());
    }
    if let Some(summary) = &ov.summary {
        changes.push(format!("summary → {summary}"));
        rule.summary = Some(summary.clone());
    }
}

/// `remove_terms`, then `add_terms`, on the list the rule's kind lets
/// overrides edit ([`Kind::override_terms`](kinds::Kind::override_terms):
/// lexicon terms, disclosure triggers); a removed term's suggestion goes
/// with it.
fn apply_terms(
    rule: &mut RuleDef,
    ov: &OverrideDef,
    changes: &mut Vec<String>,
    unchanged: &mut Vec<String>,
    origin: &RuleOrigin<'_>,
) -> Result<(), String> {
    if ov.add_terms.is_empty() && ov.remove_terms.is_empty() {
        return Ok(());
    }
    let id = rule.id.value.clone();
    let kind = rule.kind.value.clone();
    let shown = rule.clone();
    let terms = kinds::by_name(&kind)
        .and_then(|k| k.override_terms(rule))
        .ok_or_else(|| {
            format!("`add_terms`/`remove_terms` change lexicon terms or disclosure triggers; `{id}` is a {kind} rule")
        })?;
    let mut removed: Vec<String> = Vec::new();
    for term in &ov.remove_terms {
        let norm = normalize_term(term);
        let before = terms.len();
        terms.retain(|t| normalize_term(t) != norm);
        if terms.len() == before {
            let hint = did_you_mean(term, terms.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!("`{id}` has no term `{term}` to remove{hint}"));
        }
        removed.push(norm);
        changes.push(format!("term removed: {term}"));
    }
    for term in &ov.add_terms {
        if let Some(problem) = term_problem(term) {
            return Err(format!("added term {term:?} {problem}"));
        }
        let norm = normalize_term(term);
        match terms.iter().find(|t| normalize_term(t) == norm) {
            None => {
                terms.push(term.clone());
                changes.push(format!("term added: {term}"));
            }
            Some(existing) => unchanged.push(format!(
                "`{term}` is already a term of the rule (`{existing}`, {})",
                origin.place_of(
                    existing,
                    &shown,
                    if kind == "disclosure" {
                        "triggers"
                    } else {
                        "terms"
                    },
                    false
                )
            )),
        }
    }
    if !removed.is_empty() {
        rule.suggest
            .retain(|t, _| !removed.contains(&normalize_term(t)));
    }
    Ok(())
}

/// Allow phrases added, suggestions added or replaced.
fn apply_wording(
    rule: &mut RuleDef,
    ov: &OverrideDef,
    changes: &mut Vec<String>,
    unchanged: &mut Vec<String>,
    origin: &RuleOrigin<'_>,
) -> Result<(), String> {
    for phrase in &ov.add_allow {
        if let Some(problem) = term_problem(phrase) {
            return Err(format!("added allow phrase {phrase:?} {problem}"));
        }
        let norm = normalize_term(phrase);
        let same = |p: &&String| normalize_term(p) == norm;
        if let Some(existing) = rule.allow.iter().find(same) {
            unchanged.push(format!(
                "`{phrase}` is already an allow phrase of the rule (`{existing}`, {})",
                origin.place_of(existing, rule, "allow", false)
            ));
        } else if let Some(existing) = origin.pack_allow.iter().find(same) {
            unchanged.push(format!(
                "`{phrase}` is already an allow phrase of the whole pack `{}` (`{existing}`, {}), which every rule of it has",
                origin.pack,
                origin.place_of(existing, rule, "allow", true)
            ));
        } else {
            rule.allow.push(phrase.clone());
            changes.push(format!("allow phrase added: {phrase}"));
        }
    }
    for (term, suggestion) in &ov.suggest {
        if rule.suggest.get(term) == Some(suggestion) {
            unchanged.push(format!(
                "the suggestion for `{term}` is already `{suggestion}`"
            ));
            continue;
        }
        rule.suggest.insert(term.clone(), suggestion.clone());
        changes.push(format!("suggestion for {term} → {suggestion}"));
    }
    Ok(())
}

/// Fields, condition, price parameters, prize cap, window checks,
/// references.
fn apply_parameters(
    rule: &mut RuleDef,
    ov: &OverrideDef,
    changes: &mut Vec<String>,
) -> Result<(), String> {
    if let Some(fields) = &ov.fields {
        changes.push(format!("fields → {}", fields.join(", ")));
        rule.fields = Some(fields.clone());
    }
    if let Some(when) = &ov.when {
        changes.push("condition replaced".to_owned());
        rule.when = Some(when.clone());
    }
    if let Some(price) = &ov.price {
        let (id, kind) = (&rule.id.value, &rule.kind.value);
        let spec = rule
            .price
            .as_mut()
            .ok_or_else(|| format!("`price` changes a price rule; `{id}` is a {kind} rule"))?;
        merge_price(&mut spec.value, price, changes)?;
    }
    if let Some(cap) = ov.prize_cap_yuan {
        changes.push(format!("prize_cap_yuan → {cap}"));
        rule.prize_cap_yuan = Some(cap);
    }
    if let Some(window) = &ov.window {
        changes.push("window checks replaced".to_owned());
        rule.window = Some(window.clone());
    }
    for reference in &ov.references {
        changes.push(format!("reference added: {}", reference.title()));
        rule.references.push(reference.clone());
    }
    Ok(())
}

/// Sets each price parameter the override gives.
fn merge_price(
    spec: &mut PriceDef,
    ov: &PriceDef,
    changes: &mut Vec<String>,
) -> Result<(), String> {
    if let (Some(wanted), Some(current)) = (&ov.check, &spec.check) {
        if wanted.value != current.value {
            return Err(format!(
                "an override cannot change a price rule's check (`{}` → `{}`); write a new rule",
                current.value, wanted.value
            ));
        }
    }
    macro_rules! set {
        ($($field:ident),*) => {$(
            if let Some(value) = &ov.$field {
                changes.push(format!("price.{} → {:?}", stringify!($field), value));
                spec.$field = Some(value.clone());
            }
        )*};
    }
    set!(
        price_field,
        original_field,
        window_days,
        report_missing_history,
        raise_window_days,
        lookback_days,
        raise_percent,
        tolerance_yuan,
        tolerance_percent
    );
    if !ov.basis_fields.is_empty() {
        changes.push(format!(
            "price.basis_fields → {}",
            ov.basis_fields.join(", ")
        ));
        spec.basis_fields = ov.basis_fields.clone();
    }
    Ok(())
}
