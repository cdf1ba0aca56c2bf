//! Loading the packs a run uses: the built-in packs, pack files and
//! folders, what they `extend`, composed and checked as `check` does.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{
    add_builtins_not_replaced, builtin_sources, parse_pack, pre_parsed, read_packs, LoadedPack,
    PackError, PackSource,
};
use crate::engine::compile::compile_caching;
use crate::engine::compose::{resolve_extends, ExtendsScope, NoPackFiles};
use crate::engine::{compile, RuleFilter, Ruleset, INPUT_CATEGORY};
use crate::listing::INPUT_RULES;
use crate::model::Severity;

/// Which rule packs to load and which of their rules to run.
#[derive(Debug, Clone, Default)]
pub struct PackSelection {
    /// Pack files or folders of them, loaded after the built-in packs.
    pub rules: Vec<PathBuf>,
    /// Packs given as text (see [`PackSource::inline`]), loaded after the
    /// `rules` paths.
    pub sources: Vec<PackSource>,
    /// Leave out the built-in packs.
    pub no_default_rules: bool,
    /// Run only these rules: ids, id prefixes, categories or pack names.
    pub select: Vec<String>,
    /// Skip these rules (wins over `select`).
    pub ignore: Vec<String>,
    /// Further folders packs may extend pack files from, besides their own
    /// folders and the `rules` paths (the config file's `extends_from`).
    pub extends_from: Vec<PathBuf>,
    /// Packs may extend built-in and loaded packs only, never read a file
    /// (for packs from untrusted sources, such as a service's requests).
    pub no_extends_files: bool,
    /// A given pack named like a built-in pack takes the built-in pack's
    /// place, and the built-in packs come after the given ones (`rules
    /// diff` compares a changed copy of a built-in pack this way); by
    /// default, as `check` loads them, both are loaded and the repeated
    /// name is an error.
    pub replace_builtins: bool,
    /// A folder where the built automaton is kept between runs (keyed by
    /// its patterns; see [`compile_caching`]); `None` builds it every run.
    pub automaton_cache: Option<PathBuf>,
}

impl PackSelection {
    /// The `select`/`ignore` filter.
    pub fn filter(&self) -> RuleFilter {
        RuleFilter::new(&self.select, &self.ignore)
    }
}

/// Why the packs of a selection cannot be loaded (a usage error).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// A pack is unreadable or invalid (every problem found).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(#[from] PackError),
    /// A `rules` path holds no pack.
    #[error("no rule packs in {path}")]
    #[diagnostic(help(
        "packs are `*.yaml` / `*.yml` files (test files `*.test.yaml` are not packs)"
    ))]
    NoPacksIn {
        /// The path as given.
        path: String,
    },
    /// The built-in packs are left out and no other pack is given.
    #[error("no rule packs to load")]
    #[diagnostic(help("drop --no-default-rules or add packs with --rules PATH"))]
    NothingToLoad,
    /// A `select` or `ignore` token matches no loaded rule (a typo would
    /// otherwise silently run nothing).
    #[error("`{token}` (in --select or --ignore) matches no loaded rule")]
    #[diagnostic(help("{help}"))]
    UnmatchedSelector {
        /// The token.
        token: String,
        /// A suggestion.
        help: String,
    },
    /// A severity override names a rule that is not loaded.
    #[error("{config}: `severity` names `{rule}`, which is not a loaded rule")]
    UnknownSeverityRule {
        /// The config file.
        config: String,
        /// The rule id.
        rule: String,
    },
}

/// Packs read from a selection: the packs, and files of pack folders that
/// were skipped with the reason (for a verbose listing).
#[derive(Debug)]
pub struct ComposedPacks {
    /// The packs, composed (`extends` resolved, overrides applied).
    pub packs: Vec<LoadedPack>,
    /// Files of pack folders that are not packs, and why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Whether the built-in packs must be read with their places (line and
/// column of every value) or may be taken pre-parsed, without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Places {
    /// Read every pack with its places: for commands that show where rules
    /// are defined.
    Exact,
    /// Take the built-in packs pre-parsed ([`pre_parsed`]: no places, no
    /// examples) unless a message could point into them: when another
    /// pack extends or overrides packs, or when a pack has a problem, the
    /// built-in packs are read again with their places. What `check` uses.
    WhenNeeded,
}

/// Reads, parses and composes the packs of a selection, without the checks
/// [`compile`] makes (unless there is a problem: then every problem of
/// every pack is reported together). Every pack is read with its places.
pub fn compose_packs(selection: &PackSelection) -> Result<ComposedPacks, LoadError> {
    compose_packs_with(selection, Places::Exact)
}

/// [`compose_packs`], reading the built-in packs as `places` says.
pub fn compose_packs_with(
    selection: &PackSelection,
    places: Places,
) -> Result<ComposedPacks, LoadError> {
    let mut given: Vec<PackSource> = Vec::new();
    let mut skipped = Vec::new();
    // A pack file given twice (by the config's `rules` and by `--rules`,
    // or as a file and inside a folder) is loaded once.
    let mut seen: Vec<PathBuf> = Vec::new();
    for path in &selection.rules {
        let mut read = read_packs(path)?;
        let before = read.packs.len();
        read.packs.retain(|source| {
            let file = Path::new(&*source.name);
            let key = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
            if seen.contains(&key) {
                return false;
            }
            seen.push(key);
            true
        });
        if before > 0 && read.packs.is_empty() {
            continue;
        }
        skipped.extend(
            read.skipped
                .into_iter()
                .map(|(file, reason)| (file, reason.to_string())),
        );
        if read.packs.is_empty() {
            return Err(LoadError::NoPacksIn {
                path: path.display().to_string(),
            });
        }
        given.extend(read.packs);
    }
    given.extend(selection.sources.iter().cloned());
    let sources = if selection.replace_builtins {
        given
    } else {
        sources_as_check_loads_them(given, selection.no_default_rules)
    };
    if sources.is_empty() && (selection.no_default_rules || !selection.replace_builtins) {
        return Err(LoadError::NothingToLoad);
    }
    let mut errors = Vec::new();
    let mut packs = Vec::new();
    for source in sources {
        let fast = match places {
            Places::Exact => None,
            Places::WhenNeeded => pre_parsed(&source),
        };
        match fast.map_or_else(|| parse_pack(source), Ok) {
            Ok(pack) => packs.push(pack),
            Err(e) => errors.push(e),
        }
    }
    if places == Places::WhenNeeded && (!errors.is_empty() || composes_others(&packs)) {
        return compose_packs_with(selection, Places::Exact);
    }
    if selection.replace_builtins && !selection.no_default_rules {
        if let Err(e) = add_builtins_not_replaced(&mut packs) {
            errors.push(e);
        }
    }
    if selection.no_extends_files {
        errors.extend(resolve_extends(&mut packs, &NoPackFiles));
    } else {
        let scope = ExtendsScope::new(selection.rules.iter().chain(&selection.extends_from));
        errors.extend(resolve_extends(&mut packs, &scope));
    }
    if errors.is_empty() {
        return Ok(ComposedPacks { packs, skipped });
    }
    // Report the packs' other problems in the same run.
    if let Err(e) = compile(&packs, &RuleFilter::default()) {
        errors.extend(e.into_problems());
    }
    Err(PackError::from_many(errors)
        .map(LoadError::Pack)
        .unwrap_or(LoadError::Pack(PackError::Several(Vec::new()))))
}

/// Whether a pack that is not built in extends or overrides packs: its
/// messages (an override that changes nothing, a clash) point into the
/// packs it composes with.
fn composes_others(packs: &[LoadedPack]) -> bool {
    packs
        .iter()
        .any(|p| !p.source.builtin && (p.def.extends.is_some() || !p.def.overrides.is_empty()))
}

/// The pack sources `check` loads: the built-in packs unless
/// `no_default_rules`, then the given packs. A given pack with a built-in
/// pack's name is loaded beside it, so compiling reports the name twice.
pub fn sources_as_check_loads_them(
    given: Vec<PackSource>,
    no_default_rules: bool,
) -> Vec<PackSource> {
    let mut sources: Vec<PackSource> = Vec::new();
    if !no_default_rules {
        sources.extend(builtin_sources());
    }
    sources.extend(given);
    sources
}

/// Reads, composes and checks the packs of a selection as `check` does
/// (every problem of every pack, whichever rules are selected), so that
/// commands that describe packs accept exactly the packs `check` accepts.
pub fn load_packs(selection: &PackSelection) -> Result<ComposedPacks, LoadError> {
    let composed = compose_packs(selection)?;
    compile(&composed.packs, &RuleFilter::default())?;
    Ok(composed)
}

/// A compiled ruleset and the id of every loaded rule, enabled or not.
#[derive(Debug)]
pub struct LoadedRuleset {
    /// The ruleset, filtered by the selection.
    pub ruleset: Ruleset,
    /// Every loaded rule's id.
    pub ids: Vec<String>,
    /// Files of pack folders that are not packs, and why.
    pub skipped: Vec<(PathBuf, String)>,
    /// SHA-256 of every pack loaded (built-in, given, extended), each
    /// one's name and text in load order: what a result cache keys on.
    pub pack_digest: PackDigest,
}

/// [`pack_digest`] of the packs a ruleset was compiled from, computed
/// when first asked for (a run whose inputs no cache can hold never
/// does).
#[derive(Clone)]
pub struct PackDigest {
    /// Each pack's name and text, in load order.
    sources: Vec<(Arc<str>, Arc<str>)>,
    digest: OnceLock<[u8; 32]>,
}

impl PackDigest {
    fn of(packs: &[LoadedPack]) -> Self {
        Self {
            sources: packs
                .iter()
                .map(|p| (Arc::clone(&p.source.name), Arc::clone(&p.source.text)))
                .collect(),
            digest: OnceLock::new(),
        }
    }

    /// The digest (computed now the first time).
    pub fn get(&self) -> [u8; 32] {
        *self.digest.get_or_init(|| {
            digest_of(
                self.sources
                    .iter()
                    .map(|(name, text)| (name.as_bytes(), text.as_bytes())),
            )
        })
    }
}

impl std::fmt::Debug for PackDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.sources.iter().map(|(name, _)| &**name).collect();
        f.debug_struct("PackDigest").field("packs", &names).finish()
    }
}

/// Loads and compiles the packs of a selection with severity overrides
/// (rule id → severity) applied before compiling. A `select` or `ignore`
/// token that matches no loaded rule, or an override of a rule that is
/// not loaded, is an error.
pub fn load_ruleset(
    selection: &PackSelection,
    severities: &[(String, Severity)],
    severities_from: &str,
) -> Result<LoadedRuleset, LoadError> {
    load_ruleset_with(selection, severities, severities_from, Places::WhenNeeded)
}

/// [`load_ruleset`], reading the built-in packs as `places` says (a
/// problem found with [`Places::WhenNeeded`] is reported from packs read
/// with their places).
fn load_ruleset_with(
    selection: &PackSelection,
    severities: &[(String, Severity)],
    severities_from: &str,
    places: Places,
) -> Result<LoadedRuleset, LoadError> {
    let ComposedPacks { mut packs, skipped } = compose_packs_with(selection, places)?;
    let filter = selection.filter();
    unmatched_selector(&packs, &filter)?;
    let ids: Vec<String> = packs
        .iter()
        .flat_map(|p| p.def.rules.iter().map(|r| r.id.value.clone()))
        .collect();
    for (id, severity) in severities {
        if !ids.contains(id) {
            return Err(LoadError::UnknownSeverityRule {
                config: severities_from.to_owned(),
                rule: id.clone(),
            });
        }
        for rule in packs.iter_mut().flat_map(|p| p.def.rules.iter_mut()) {
            if rule.id.value == *id {
                rule.severity = *severity;
            }
        }
    }
    let ruleset = match compile_caching(&packs, &filter, selection.automaton_cache.as_deref()) {
        Ok(ruleset) => ruleset,
        Err(_) if places == Places::WhenNeeded => {
            return load_ruleset_with(selection, severities, severities_from, Places::Exact);
        }
        Err(e) => return Err(e.into()),
    };
    let pack_digest = PackDigest::of(&packs);
    Ok(LoadedRuleset {
        ruleset,
        ids,
        skipped,
        pack_digest,
    })
}

/// SHA-256 of composed packs (built-in, given, extended), each one's name
/// and text in load order: [`LoadedRuleset::pack_digest`], which a
/// result cache keys on, computed without compiling.
pub fn pack_digest(packs: &[LoadedPack]) -> [u8; 32] {
    digest_of(
        packs
            .iter()
            .map(|p| (p.source.name.as_bytes(), p.source.text.as_bytes())),
    )
}

/// SHA-256 of packs given as (name, text), each part length-prefixed.
fn digest_of<'a>(packs: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (name, text) in packs {
        for part in [name, text] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    hash.finalize().into()
}

/// The first `select`/`ignore` token that matches no loaded rule.
fn unmatched_selector(packs: &[LoadedPack], filter: &RuleFilter) -> Result<(), LoadError> {
    let known: Vec<(&str, &str, &str)> = packs
        .iter()
        .flat_map(|p| {
            let pack = p.def.pack.value.as_str();
            p.def.rules.iter().map(move |r| {
                let category = r.category.as_deref().or(p.def.category.as_deref());
                (r.id.value.as_str(), category.unwrap_or(""), pack)
            })
        })
        .chain(
            INPUT_RULES
                .iter()
                .map(|id| (*id, INPUT_CATEGORY, INPUT_CATEGORY)),
        )
        .collect();
    match filter.unmatched(&known).into_iter().next() {
        None => Ok(()),
        Some((token, suggestion)) => Err(LoadError::UnmatchedSelector {
            token,
            help: match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "give rule ids, whole-segment id prefixes, categories or pack names".to_owned()
                }
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_line_of_first_rule(packs: &[LoadedPack]) -> u32 {
        let pack = packs
            .iter()
            .find(|p| p.source.builtin)
            .expect("built-in packs load");
        pack.def.rules[0].id.referenced.line() as u32
    }

    #[test]
    fn built_in_packs_alone_are_taken_pre_parsed() {
        let selection = PackSelection::default();
        let fast = compose_packs_with(&selection, Places::WhenNeeded).unwrap();
        assert_eq!(builtin_line_of_first_rule(&fast.packs), 0, "no places read");
        let exact = compose_packs(&selection).unwrap();
        assert!(builtin_line_of_first_rule(&exact.packs) > 0);
        assert_eq!(pack_digest(&fast.packs), pack_digest(&exact.packs));
    }

    #[test]
    fn packs_that_compose_with_built_in_ones_get_their_places() {
        let company = PackSource::inline(
            "company.yaml",
            "pack: company\nversion: '1'\nextends: cn-ad-absolutes\nrules: []\n",
        );
        let selection = PackSelection {
            sources: vec![company],
            ..PackSelection::default()
        };
        let composed = compose_packs_with(&selection, Places::WhenNeeded).unwrap();
        assert!(builtin_line_of_first_rule(&composed.packs) > 0);
    }

    #[test]
    fn a_clash_with_a_built_in_rule_names_its_line() {
        let exact = compose_packs(&PackSelection::default()).unwrap();
        let first = &exact.packs[0];
        let id = first.def.rules[0].id.value.clone();
        let line = first.def.rules[0].id.referenced.line();
        let clash = PackSource::inline(
            "company.yaml",
            &format!(
                "pack: company\nversion: '1'\nrules:\n  - id: {id}\n    kind: lexicon\n    \
                 severity: warning\n    message: m\n    terms: [最最好]\n"
            ),
        );
        let selection = PackSelection {
            sources: vec![clash],
            ..PackSelection::default()
        };
        let message = format!("{:?}", load_ruleset(&selection, &[], "").unwrap_err());
        let place = format!("{}:{line}", first.source.name);
        assert!(message.contains(&place), "{place} not in {message}");
    }
}
