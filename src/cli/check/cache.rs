//! `check`'s result cache (see `listlint_io::cache`): its folder, its
//! fingerprint, and the runs whose every file it holds, which need no
//! compiled packs.
//!
//! The fingerprint is computed from the packs as read and composed (their
//! names and texts, `extends` resolved), not compiled, so that a run can
//! find its bundle before compiling. A bundle is written only by a run
//! that compiled the same packs with the same settings (they are in the
//! fingerprint), so a run that finds every file in it would compile them
//! without error; it writes the cached findings through the same gate and
//! report, with the rules' descriptions the bundle keeps.

use std::collections::HashSet;
use std::path::PathBuf;

use listlint_core::baseline::Baseline;
use listlint_core::date::Date;
use listlint_core::pack::load::{compose_packs_with, pack_digest, Places};
use listlint_core::settings::Settings;
use listlint_io::cache::{Fingerprint, Key, ReportKey, ResultCache, SavedReport};
use listlint_io::report::{Language, RuleInfo};
use listlint_io::run::{run_all_cached, CheckPlan};
use listlint_io::source::{Input, ReadOptions};

use super::{inputs, read_options, reuse, CheckArgs, Report};
use crate::cli::output;
use crate::cli::ColorChoice;
use crate::exit::ExitStatus;

/// What the cache says before the packs are compiled.
pub(super) enum Early {
    /// Every input is unchanged since a run with the same fingerprint,
    /// format and flags: its saved report was written again, with this
    /// exit status.
    Reused(ExitStatus),
    /// Every input is a catalog file the cache holds.
    AllCached(Box<AllCached>),
    /// The cache was read and the inputs found, but the cache does not
    /// hold every input: the run compiles the packs and checks them, with
    /// this cache.
    Partly(Box<Partly>),
    /// The inputs were found and none is a catalog file, the only files
    /// cached: the run compiles the packs and checks them without a cache.
    Compile(Vec<Input>),
    /// The run does not use the cache (it fixes, reads price history or
    /// standard input, or `--no-cache`), or there is no bundle yet: the
    /// inputs are found after the packs compile, and a cache is opened
    /// then if one of them is a catalog file.
    Unknown,
}

/// A cache that holds some of a run's inputs.
pub(super) struct Partly {
    /// The run's inputs.
    pub inputs: Vec<Input>,
    /// Its cache, read.
    pub cache: ResultCache,
}

/// A run whose every input the cache holds.
pub(super) struct AllCached {
    inputs: Vec<Input>,
    cache: ResultCache,
    keys: Vec<Key>,
    rules: Vec<RuleInfo>,
    language: Language,
    as_of: Date,
    skipped_packs: Vec<(PathBuf, String)>,
    profile: &'static str,
    /// The key of this run's report, if it may be saved.
    key: Option<ReportKey>,
}

/// Looks the run's inputs up in the cache before the packs are compiled:
/// first a saved report of the same fingerprint and flags whose files are
/// all unchanged (see [`reuse`]), then the bundle. Runs that fix, read
/// price history or standard input compile anyway.
pub(super) fn all_cached(
    args: &CheckArgs,
    color: ColorChoice,
    settings: &Settings,
    pool: &super::FullPool,
) -> miette::Result<Early> {
    if args.no_cache
        || args.fixing.wanted()
        || !args.price_history.is_empty()
        || args.paths.iter().any(|p| p == "-")
        || !listlint_io::cache::has_bundles(&cache_dir(args))
    {
        return Ok(Early::Unknown);
    }
    // Packs that cannot be read are reported by the compile that follows.
    let Ok(composed) = compose_packs_with(&settings.packs, Places::WhenNeeded) else {
        return Ok(Early::Unknown);
    };
    let as_of = settings.as_of.unwrap_or_else(Date::today_utc);
    let fingerprint = fingerprint(args, settings, pack_digest(&composed.packs), as_of)?;
    let inputs = inputs(args, settings)?;
    // Exports are never cached: a run over them alone neither reads nor
    // writes the cache.
    if !listlint_io::cache::any_catalog(&inputs, args.input_format) {
        return Ok(Early::Compile(inputs));
    }
    // Catalog files are read and hashed in parallel.
    let pool = pool.get()?;
    let profile = settings.field_profile()?;
    let profile_name = profile.name;
    let color_on = super::color_enabled(args, color);
    let key = reuse::report_key(args, color_on, settings, &fingerprint.finish());
    if let Some(saved) = key
        .as_ref()
        .and_then(|key| SavedReport::open(&cache_dir(args), key))
        .filter(|saved| saved.unchanged(&inputs, args.input_format, pool))
    {
        if args.verbose {
            crate::cli::rules::note_skipped(&composed.skipped);
            output::note(format_args!("profile: {profile_name}"));
            note_reused(args, inputs.len(), inputs.len());
        }
        return Ok(Early::Reused(reuse::write_saved(saved, args, None)?));
    }
    let cache = ResultCache::open(&cache_dir(args), &fingerprint);
    let Some((rules, language)) = cache.rules().filter(|_| cache.entries() > 0) else {
        // The run checks every file with this (empty) cache.
        return Ok(Early::Partly(Box::new(Partly { inputs, cache })));
    };
    let read = read_options(args, profile);
    Ok(match cache.confirm(&inputs, &read, pool) {
        Some(keys) => Early::AllCached(Box::new(AllCached {
            inputs,
            cache,
            keys,
            rules,
            language,
            as_of,
            skipped_packs: composed.skipped,
            profile: profile_name,
            key,
        })),
        None => Early::Partly(Box::new(Partly { inputs, cache })),
    })
}

impl AllCached {
    /// Writes the report from the cache, as checking would write it.
    pub(super) fn finish(
        self,
        args: &CheckArgs,
        color: ColorChoice,
        settings: &Settings,
    ) -> miette::Result<ExitStatus> {
        if args.verbose {
            crate::cli::rules::note_skipped(&self.skipped_packs);
            output::note(format_args!("profile: {}", self.profile));
        }
        if let Some(saved) = self.key.as_ref().and_then(|key| {
            SavedReport::open(self.cache.dir(), key)
                .filter(|saved| saved.same_files(&self.inputs, &self.keys))
        }) {
            return self.reuse(args, saved);
        }
        let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
        let plan = CheckPlan {
            inputs: self.inputs,
            read: ReadOptions::default(),
            progress: false,
            filter: settings.packs.filter(),
            history_problems: Vec::new(),
            caller_checks: false,
        };
        let ids: Vec<String> = self.rules.iter().map(|r| r.id.clone()).collect();
        let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut report = Report::open(args, color, settings, self.rules, self.language, self.key)?;
        let mut gate = report.gate(args, settings, self.as_of, baseline)?;
        if args.verbose {
            output::note(format_args!(
                "cache: {} entries read; every file is in it, so the packs were not compiled",
                self.cache.entries()
            ));
        }
        let result = run_all_cached(
            &ids,
            &plan,
            &mut gate,
            &mut report.reporter,
            &self.cache,
            &self.keys,
        );
        let inputs = &plan.inputs;
        report.finish(args, settings, result, gate, Some(self.cache), None, inputs)
    }

    /// Writes the report `saved` (made from these files, some of whose
    /// metadata changed since) and saves it again with their metadata
    /// now, as the bundle is saved.
    fn reuse(self, args: &CheckArgs, saved: SavedReport) -> miette::Result<ExitStatus> {
        let Self {
            inputs,
            cache,
            keys,
            key,
            ..
        } = self;
        if args.verbose {
            note_reused(args, keys.len(), cache.unread());
        }
        let captured = reuse::Captured::new();
        let outcome = saved.outcome();
        let status = reuse::write_saved(saved, args, Some(&captured))?;
        cache.mark_hits(&keys);
        let states = cache.file_states(&inputs);
        let dir = cache.dir().to_path_buf();
        save(args, cache);
        if let (Some(key), Some(bytes), Some(states)) = (key, captured.take(), states) {
            let _ = listlint_io::cache::save_report(&dir, &key, &states, outcome, &bytes);
        }
        Ok(status)
    }
}

/// `-v`: the files a reused report was made from, as the cache's note
/// counts them (`unread`: found by their metadata).
fn note_reused(args: &CheckArgs, files: usize, unread: usize) {
    output::note(format_args!(
        "cache: every file is as when the report was saved ({}), so it was written again and the packs were not compiled",
        cache_dir(args).display()
    ));
    output::note(format_args!(
        "cache: {files} catalog files from the cache, 0 checked ({}); {unread} found by size and times, not read",
        cache_dir(args).display()
    ));
}

/// Notes what the cache did (with `-v`) and writes it.
pub(super) fn save(args: &CheckArgs, cache: ResultCache) {
    let dir = cache_dir(args);
    if args.verbose {
        let (hits, checked) = cache.stats();
        output::note(format_args!(
            "cache: {hits} catalog files from the cache, {checked} checked ({}); {} found by size and times, not read",
            dir.display(),
            cache.unread()
        ));
    }
    if let Err(e) = cache.save() {
        output::note(format_args!(
            "note: cannot write the result cache in {}: {e} (--no-cache skips it)",
            dir.display()
        ));
    }
}

/// The result cache's folder: `--cache-dir`, else `.listlint_cache` in
/// the repository root or the working directory.
pub(super) fn cache_dir(args: &CheckArgs) -> PathBuf {
    match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            listlint_io::cache::default_dir(&cwd)
        }
    }
}

/// Adds a price-history path to a cache fingerprint: a regular file's
/// name and bytes, or those of every regular file below a folder
/// (snapshots), in name order, not following links. Anything else (a
/// pipe, a device) is not read here, since reading would consume it: it
/// makes the fingerprint unique, so the run uses no cached result.
fn add_history_files(f: &mut Fingerprint, path: &std::path::Path) -> miette::Result<()> {
    let cannot = |e| miette::miette!("cannot read {}: {e}", path.display());
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(cannot)?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_dir()))
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            add_history_files(f, &entry)?;
        }
    } else if meta.is_file() {
        let bytes = std::fs::read(path).map_err(cannot)?;
        f.add("price_history", path.to_string_lossy().as_bytes());
        f.add("price_history", &bytes);
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        f.add("price_history_unread", &now.to_le_bytes());
    }
    Ok(())
}
/// The result cache for this run, opened with its [`fingerprint`].
pub(super) fn result_cache(
    args: &CheckArgs,
    settings: &Settings,
    packs: [u8; 32],
    as_of: Date,
) -> miette::Result<ResultCache> {
    let f = fingerprint(args, settings, packs, as_of)?;
    Ok(ResultCache::open(&cache_dir(args), &f))
}

/// The fingerprint of this run's cache: everything besides a catalog
/// file's name and bytes that can change its findings (`packs`:
/// [`pack_digest`] of the composed packs; `as_of`: the date time-based
/// rules take as today).
fn fingerprint(
    args: &CheckArgs,
    settings: &Settings,
    packs: [u8; 32],
    as_of: Date,
) -> miette::Result<Fingerprint> {
    let mut f = Fingerprint::new();
    // A rebuilt binary may find other things with the same version.
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        f.add("binary", format!("{} {modified}", meta.len()).as_bytes());
    }
    f.add("packs", &packs);
    // The settings with the config file's text, select/ignore, profile,
    // maps and brands.
    f.add("settings", format!("{settings:?}").as_bytes());
    f.add("as_of", as_of.to_string().as_bytes());
    f.add(
        "keep_sources",
        &[u8::from(args.format.shows_field_values())],
    );
    for path in &args.price_history {
        add_history_files(&mut f, path)?;
    }
    f.add(
        "history_profile",
        format!("{:?}", args.history_profile).as_bytes(),
    );
    f.add(
        "reading",
        format!(
            "{:?} {:?} {:?} {} {} {} {}",
            args.encoding,
            args.input_format,
            args.sheet,
            args.max_record_bytes,
            args.max_document_bytes,
            args.max_xlsx_bytes,
            args.max_xlsx_cell_bytes
        )
        .as_bytes(),
    );
    Ok(f)
}
