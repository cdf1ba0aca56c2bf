//! The ruleset a server checks with, and reloading it: each load builds a
//! whole [`Generation`] aside (settings, packs, compiled ruleset) and swaps
//! it in atomically; requests hold the generation they started with until
//! they finish. A load that fails leaves the serving generation in place
//! and is kept as the last reload error, with each problem's
//! `file:line:col`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use listlint_core::config::{self, LoadedConfig};
use listlint_core::date::Date;
use listlint_core::engine::{RuleFilter, Ruleset};
use listlint_core::linter::Linter;
use listlint_core::listing::profile::{Profile, PROFILE_NAMES};
use listlint_core::pack::load::{load_packs, LoadError};
use listlint_core::pack::LoadedPack;
use listlint_core::policy::{Gate, PathIgnores, Waivers};
use listlint_core::settings::{Overrides, Settings};
use miette::Diagnostic;
use sha2::{Digest, Sha256};

/// How settings are made at every load: the config file (fixed when the
/// server starts) and the command line's overrides.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// The config file, if any.
    pub config: Option<PathBuf>,
    /// The command line's packs, selection and profile.
    pub overrides: Overrides,
    /// The date time-based checks take as today (default: each request's
    /// day, UTC).
    pub as_of: Option<Date>,
}

/// Why the packs or the config cannot be loaded: the message as the CLI
/// would word it, and where each problem is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadFailure {
    /// When the load was tried (RFC 3339, UTC).
    pub at: String,
    /// The error and its help.
    pub message: String,
    /// `file:line:col: problem` of each located problem.
    pub locations: Vec<String>,
}

impl LoadFailure {
    fn of(diagnostic: &dyn Diagnostic) -> Self {
        let mut message = diagnostic.to_string();
        if let Some(help) = diagnostic.help() {
            message.push_str(&format!(" (help: {help})"));
        }
        let mut locations = Vec::new();
        locate(diagnostic, &mut locations);
        Self {
            at: rfc3339(SystemTime::now()),
            message,
            locations,
        }
    }
}

/// `file:line:col: label` of every labelled span of a diagnostic and of
/// the diagnostics related to it.
fn locate(diagnostic: &dyn Diagnostic, out: &mut Vec<String>) {
    if let (Some(source), Some(labels)) = (diagnostic.source_code(), diagnostic.labels()) {
        for label in labels {
            if let Ok(contents) = source.read_span(label.inner(), 0, 0) {
                let what = label
                    .label()
                    .map(str::to_owned)
                    .unwrap_or_else(|| diagnostic.to_string());
                out.push(format!(
                    "{}:{}:{}: {what}",
                    contents.name().unwrap_or("?"),
                    contents.line() + 1,
                    contents.column() + 1
                ));
            }
        }
    }
    if let Some(related) = diagnostic.related() {
        for r in related {
            locate(r, out);
        }
    }
    if let Some(inner) = diagnostic.diagnostic_source() {
        locate(inner, out);
    }
}

/// A ruleset variant: per-request `select`/`ignore`, `as_of`, and
/// whether findings keep their field's value (for HTML and SARIF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantKey {
    /// Replaces the server's `select` when not empty.
    pub select: Vec<String>,
    /// Added to the server's `ignore`.
    pub ignore: Vec<String>,
    /// The date time-based checks take as today.
    pub as_of: Date,
    /// Findings carry the whole field value.
    pub keep_sources: bool,
}

/// Variants kept per generation.
const VARIANTS: usize = 16;

/// Everything one load produced.
pub struct Generation {
    /// The settings the ruleset was built from.
    pub settings: Settings,
    /// The compiled ruleset with the server's selection.
    pub ruleset: Arc<Ruleset>,
    /// Whether `as_of` was fixed by the settings (else: today).
    fixed_as_of: Option<Date>,
    /// The loaded packs, composed (for `/v1/rules`).
    pub packs: Vec<LoadedPack>,
    /// The field mapping of listings.
    pub profile: Arc<Profile>,
    /// Hash of every pack's text and the config file's.
    pub fingerprint: String,
    /// When it was loaded (RFC 3339, UTC).
    pub loaded_at: String,
    /// (id, category, pack) of every loaded rule and input rule.
    pub known: Vec<(String, String, String)>,
    /// Recently used variants, most recent last.
    variants: Mutex<Vec<(VariantKey, Arc<Ruleset>)>>,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Why a request's selection cannot be served.
#[derive(Debug)]
pub enum VariantError {
    /// A `select`/`ignore` token matches no rule (the client's mistake).
    BadSelection(String),
    /// The packs no longer load (they changed on disk since this
    /// generation was loaded).
    Unavailable(String),
}

impl Generation {
    /// The date a request without `as_of` checks as of.
    pub fn default_as_of(&self) -> Date {
        self.fixed_as_of.unwrap_or_else(Date::today_utc)
    }

    /// The key of a request's ruleset.
    pub fn key(
        &self,
        select: &[String],
        ignore: &[String],
        as_of: Option<Date>,
        keep_sources: bool,
    ) -> VariantKey {
        VariantKey {
            select: select.to_vec(),
            ignore: ignore.to_vec(),
            as_of: as_of.unwrap_or_else(|| self.default_as_of()),
            keep_sources,
        }
    }

    fn is_base(&self, key: &VariantKey) -> bool {
        key.select.is_empty()
            && key.ignore.is_empty()
            && !key.keep_sources
            && key.as_of == self.ruleset.settings.as_of
    }

    /// The ruleset of `key` if it needs no compiling.
    pub fn cached(&self, key: &VariantKey) -> Option<Arc<Ruleset>> {
        if self.is_base(key) {
            return Some(self.ruleset.clone());
        }
        let mut variants = self.variants.lock().ok()?;
        let at = variants.iter().position(|(k, _)| k == key)?;
        let entry = variants.remove(at);
        let ruleset = entry.1.clone();
        variants.push(entry);
        Some(ruleset)
    }

    /// The ruleset of `key`, compiled if not cached (blocking: call it off
    /// the async threads).
    pub fn ruleset_for(&self, key: &VariantKey) -> Result<Arc<Ruleset>, VariantError> {
        if let Some(found) = self.cached(key) {
            return Ok(found);
        }
        let ruleset = if key.select.is_empty() && key.ignore.is_empty() {
            let mut r = (*self.ruleset).clone();
            r.settings.as_of = key.as_of;
            r.settings.keep_sources = key.keep_sources;
            r
        } else {
            let mut settings = self.settings.clone();
            if !key.select.is_empty() {
                settings.packs.select = key.select.clone();
            }
            settings.packs.ignore.extend(key.ignore.iter().cloned());
            settings.as_of = Some(key.as_of);
            match Linter::new(settings) {
                Ok(linter) => linter.keeping_sources(key.keep_sources).ruleset().clone(),
                Err(e) => {
                    let failure = LoadFailure::of(&e);
                    return Err(match e {
                        listlint_core::linter::LinterError::Load(
                            LoadError::UnmatchedSelector { .. },
                        ) => VariantError::BadSelection(failure.message),
                        _ => VariantError::Unavailable(failure.message),
                    });
                }
            }
        };
        let ruleset = Arc::new(ruleset);
        if let Ok(mut variants) = self.variants.lock() {
            if variants.len() >= VARIANTS {
                variants.remove(0);
            }
            variants.push((key.clone(), ruleset.clone()));
        }
        Ok(ruleset)
    }

    /// The tokens of `tokens` that match some loaded rule (LanguageTool
    /// clients send rule ids of their own, which are not an error).
    pub fn known_tokens(&self, tokens: &[String]) -> Vec<String> {
        let known: Vec<(&str, &str, &str)> = self
            .known
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        tokens
            .iter()
            .filter(|t| {
                let filter = RuleFilter::new(std::slice::from_ref(*t), &[]);
                filter.unmatched(&known).is_empty()
            })
            .cloned()
            .collect()
    }

    /// The config's waivers and per-path ignores for one request, as
    /// `check` applies them.
    pub fn gate(&self, as_of: Date) -> Gate {
        let config: Option<&LoadedConfig> = self.settings.config.as_ref();
        Gate {
            waivers: config.map(|c| Waivers::new(c, as_of)).unwrap_or_default(),
            per_path: config
                .filter(|c| !c.config.per_path_ignores.is_empty())
                .and_then(|c| PathIgnores::new(&c.config.per_path_ignores).ok())
                .unwrap_or_default(),
            ..Gate::default()
        }
    }

    /// The config file as `check --format json` names it.
    pub fn config_name(&self) -> Option<String> {
        self.settings
            .config
            .as_ref()
            .map(|c| c.path.display().to_string())
    }
}

/// Loads a generation: config, settings, packs, ruleset, profile.
pub fn load(spec: &LoadSpec) -> Result<Generation, LoadFailure> {
    let config = match &spec.config {
        Some(path) => Some(config::load(path).map_err(|e| LoadFailure::of(&e))?),
        None => None,
    };
    let config_text = spec
        .config
        .as_deref()
        .and_then(|p| std::fs::read(p).ok())
        .unwrap_or_default();
    let mut settings =
        Settings::resolve(config, spec.overrides.clone()).map_err(|e| LoadFailure::of(&e))?;
    settings.as_of = spec.as_of;
    let linter = Linter::new(settings.clone()).map_err(|e| LoadFailure::of(&e))?;
    let composed = load_packs(&settings.packs).map_err(|e| LoadFailure::of(&e))?;
    let Some(mut profile) = Profile::named(&settings.profile) else {
        return Err(LoadFailure {
            at: rfc3339(SystemTime::now()),
            message: format!(
                "unknown profile `{}` (one of {})",
                settings.profile,
                PROFILE_NAMES.join(", ")
            ),
            locations: Vec::new(),
        });
    };
    for (field, header) in &settings.maps {
        profile.map(field, header);
    }
    let mut hash = Sha256::new();
    for pack in &composed.packs {
        hash.update(pack.source.name.as_bytes());
        hash.update([0]);
        hash.update(pack.source.text.as_bytes());
        hash.update([0]);
    }
    hash.update(&config_text);
    hash.update(format!("{:?}", spec.overrides).as_bytes());
    let fingerprint: String = hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut known: Vec<(String, String, String)> = composed
        .packs
        .iter()
        .flat_map(|p| {
            let pack = p.def.pack.value.clone();
            let pack_category = p.def.category.clone();
            p.def.rules.iter().map(move |r| {
                let category = r
                    .category
                    .clone()
                    .or_else(|| pack_category.clone())
                    .unwrap_or_default();
                (r.id.value.clone(), category, pack.clone())
            })
        })
        .collect();
    known.extend(listlint_core::listing::INPUT_RULES.iter().map(|id| {
        let input = listlint_core::engine::INPUT_CATEGORY.to_owned();
        ((*id).to_owned(), input.clone(), input)
    }));
    Ok(Generation {
        fixed_as_of: settings.as_of,
        ruleset: Arc::new(linter.ruleset().clone()),
        settings,
        packs: composed.packs,
        profile: Arc::new(profile),
        fingerprint,
        loaded_at: rfc3339(SystemTime::now()),
        known,
        variants: Mutex::new(Vec::new()),
    })
}

/// The serving generation, swapped atomically by reloads, and the reload
/// history.
pub struct Engine {
    spec: LoadSpec,
    current: ArcSwap<Generation>,
    last_error: Mutex<Option<LoadFailure>>,
    /// Reloads that replaced the ruleset.
    pub reloads: AtomicU64,
    /// Reloads that failed (the old ruleset kept serving).
    pub reload_failures: AtomicU64,
    /// Serialises reloads (the watcher and SIGHUP may ask together).
    reloading: Mutex<()>,
}

impl Engine {
    /// Loads the first generation; an error stops the server from starting.
    pub fn start(spec: LoadSpec) -> Result<Self, LoadFailure> {
        let first = load(&spec)?;
        Ok(Self {
            spec,
            current: ArcSwap::from_pointee(first),
            last_error: Mutex::new(None),
            reloads: AtomicU64::new(0),
            reload_failures: AtomicU64::new(0),
            reloading: Mutex::new(()),
        })
    }

    /// The generation serving now; a request keeps it until it finishes.
    pub fn current(&self) -> Arc<Generation> {
        self.current.load_full()
    }

    /// The last failed reload, if the latest attempt failed.
    pub fn last_error(&self) -> Option<LoadFailure> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    /// Loads a new generation aside and swaps it in; on failure keeps the
    /// old one and records why. Blocking.
    pub fn reload(&self) -> Result<(), LoadFailure> {
        let _one = self.reloading.lock();
        match load(&self.spec) {
            Ok(generation) => {
                self.current.store(Arc::new(generation));
                self.reloads.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut e) = self.last_error.lock() {
                    *e = None;
                }
                Ok(())
            }
            Err(failure) => {
                self.reload_failures.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut e) = self.last_error.lock() {
                    *e = Some(failure.clone());
                }
                Err(failure)
            }
        }
    }

    /// The files whose change triggers a reload: the config file and
    /// every file under the pack paths and `extends_from` folders.
    pub fn watched_files(&self) -> Vec<PathBuf> {
        let generation = self.current();
        let mut roots: Vec<PathBuf> = self.spec.config.iter().cloned().collect();
        roots.extend(generation.settings.packs.rules.iter().cloned());
        roots.extend(generation.settings.packs.extends_from.iter().cloned());
        roots.extend(self.spec.overrides.rules.iter().cloned());
        let mut files = Vec::new();
        for root in roots {
            collect_files(&root, 0, &mut files);
        }
        files.sort();
        files.dedup();
        files
    }
}

/// Folder depth the watcher descends to.
const WATCH_DEPTH: usize = 8;
/// Files the watcher looks at, at most.
const WATCH_FILES: usize = 10_000;

fn collect_files(path: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if out.len() >= WATCH_FILES {
        return;
    }
    match std::fs::read_dir(path) {
        Ok(entries) if depth < WATCH_DEPTH => {
            for entry in entries.flatten() {
                collect_files(&entry.path(), depth + 1, out);
            }
        }
        Ok(_) => {}
        // A file, or a path that does not exist (yet): watched either way.
        Err(_) => out.push(path.to_path_buf()),
    }
}

/// Files larger than this are watched by size and modification time, not
/// read every poll.
const READ_TO_WATCH: u64 = 1 << 20;

/// A hash of the watched files' names and contents (a missing file
/// counts as such), read every poll: pack files are small, and contents
/// do not depend on timestamps (a file over [`READ_TO_WATCH`] counts by
/// size and modification time).
pub fn stamp(files: &[PathBuf]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for file in files {
        hash.update(file.as_os_str().as_encoded_bytes());
        let meta = std::fs::metadata(file).ok();
        let large = meta.as_ref().is_some_and(|m| m.len() > READ_TO_WATCH);
        match (meta, large) {
            (Some(m), true) => {
                hash.update([2]);
                hash.update(m.len().to_le_bytes());
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .unwrap_or_default();
                hash.update(modified.as_nanos().to_le_bytes());
            }
            _ => match std::fs::read(file) {
                Ok(bytes) => {
                    hash.update([1]);
                    hash.update((bytes.len() as u64).to_le_bytes());
                    hash.update(&bytes);
                }
                Err(_) => hash.update([0]),
            },
        }
    }
    hash.finalize().into()
}

/// `time` as RFC 3339 in UTC, to the millisecond.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_of_known_instants() {
        let at = |s| SystemTime::UNIX_EPOCH + Duration::from_millis(s);
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(951_782_400_123)), "2000-02-29T00:00:00.123Z");
        assert_eq!(rfc3339(at(1_796_601_599_000)), "2026-12-06T23:59:59.000Z");
    }

    #[test]
    fn a_broken_pack_is_located_by_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("bad.yaml");
        std::fs::write(
            &pack,
            "pack: bad\nversion: \"1\"\nrules:\n  - id: bad/x\n    kind: lexicon\n    severity: eror\n    message: m\n    terms: [a]\n",
        )
        .unwrap();
        let spec = LoadSpec {
            config: None,
            overrides: Overrides {
                rules: vec![pack],
                no_default_rules: true,
                ..Overrides::default()
            },
            as_of: None,
        };
        let failure = load(&spec).unwrap_err();
        assert!(
            failure
                .locations
                .iter()
                .any(|l| l.contains("bad.yaml:6:15")),
            "{failure:?}"
        );
    }
}
