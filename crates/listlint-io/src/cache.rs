//! The result cache of `check` for catalog repositories (one listing per
//! YAML or Markdown file), in the manner of ruff's: a catalog file whose
//! name and bytes are those of a file already checked under the same
//! settings is not parsed or checked again; its findings (and the inline
//! suppressions it applied) are taken from the cache, so the output is
//! byte for byte what checking it would write.
//!
//! - **What is cached**: catalog files only. A CSV/TSV, JSON Lines, JSON
//!   or XLSX export holds many listings and is regenerated whole, so one
//!   changed row would invalidate it anyway; standard input has no file.
//! - **Keys**: an entry is found by the SHA-256 of the file's name (as
//!   findings show it) and bytes, inside a bundle for one
//!   [`Fingerprint`] of everything else that can change findings (the
//!   packs' names and texts, the settings and config file, the flags that
//!   change reading or findings, the date time-based rules take as today,
//!   the price history's bytes, the listlint version and binary). Any
//!   change to one of them starts a new bundle.
//! - **Not read at all**: an entry also records the file's size, times
//!   and identity (inode, device) when it was read, if it had been
//!   modified at least [`SETTLED`] before. A file whose metadata is still
//!   exactly that ([`ResultCache::probe`], a `stat` per file, in
//!   parallel) is taken from the cache without being read. The change
//!   time, which no tool can set back, catches an edit whose modification
//!   time was restored; the settling time catches a file written twice
//!   within one tick of the file system's clock. A file whose metadata
//!   differs (a fresh checkout, a restored cache) is read and found by
//!   its bytes as before, and its metadata recorded for next time. What
//!   this trusts: that a file's bytes do not change while its size, both
//!   times, inode and device stay the same, which holds unless the clock
//!   is set back or the file system is changed behind the kernel's back.
//! - **Rules**: a bundle also keeps the enabled rules as reports describe
//!   them, so that a run whose every file is in it can write any report
//!   without compiling the packs.
//! - **Files**: the cache folder holds a `.gitignore` (`*`), a
//!   `CACHEDIR.TAG`, and one `results-FINGERPRINT.bin` per fingerprint, a
//!   compact binary file (see `codec`).
//!   A bundle is read once at the start (a missing, unreadable, corrupt or
//!   oversized one is an empty cache) and written at the end to a
//!   temporary file in the folder, then renamed over the old one, so
//!   concurrent runs never see a half-written bundle (the last to finish
//!   wins; the other's new entries are checked again next time).
//! - **Bounds**: a bundle keeps this run's entries, then the entries of
//!   files the run did not check (a run over one folder keeps the
//!   others'), at most [`MAX_ENTRIES`]; an entry of a file the run checked
//!   with other bytes is dropped. The folder keeps the [`MAX_BUNDLES`]
//!   most recent bundles; a bundle over [`MAX_BUNDLE_BYTES`] is not read.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::{Language, RuleInfo};

mod codec;
mod saved;
use crate::source::{self, Input, InputFormat, RawRecord, ReadOptions};
use listlint_core::cache_folder::is_stale_temporary;
use listlint_core::model::{Finding, Reason, Severity};
use listlint_core::suppress::{Applied, Suppression};
pub use saved::{
    save_report, FileState, Outcome, ReportKey, SavedReport, MAX_REPORTS, MAX_REPORT_BYTES,
};

/// The default cache folder's name, at the repository root.
pub const CACHE_DIR: &str = ".listlint_cache";
/// The most entries one bundle keeps.
pub const MAX_ENTRIES: usize = 1_000_000;
/// The most bundles (one per fingerprint) the folder keeps.
pub const MAX_BUNDLES: usize = 8;
/// The largest bundle read (a larger one is ignored and replaced).
pub const MAX_BUNDLE_BYTES: u64 = 1 << 30;
/// The bundle format; a bundle of another format is not read.
const FORMAT: u32 = 3;
/// How long ago a file must have been modified for its size and times to
/// stand for its bytes: a file written again within the same tick of the
/// file system's clock (a jiffy; two seconds on FAT) keeps its
/// modification time, so a recent one proves nothing.
pub const SETTLED: Duration = Duration::from_secs(2);

/// A digest of everything besides a file's bytes that can change its
/// findings.
#[derive(Debug, Clone, Default)]
pub struct Fingerprint(Sha256);

impl Fingerprint {
    /// Starts with the cache format and the listlint version.
    pub fn new() -> Self {
        let mut f = Self(Sha256::new());
        f.add("format", &FORMAT.to_le_bytes());
        f.add("version", env!("CARGO_PKG_VERSION").as_bytes());
        f
    }

    /// Adds one labelled input.
    pub fn add(&mut self, label: &str, bytes: &[u8]) -> &mut Self {
        for part in [label.as_bytes(), bytes] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
        self
    }

    /// The digest, as hex.
    pub fn finish(&self) -> String {
        hex(&self.0.clone().finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file's key: the SHA-256 of its name, kind and bytes.
pub type Key = [u8; 32];

/// The cache of one run: the bundle for its fingerprint as read, and what
/// the run adds.
#[derive(Debug)]
pub struct ResultCache {
    dir: PathBuf,
    fingerprint: String,
    old: HashMap<Key, Entry>,
    old_strings: Vec<Arc<str>>,
    /// The file name, metadata and key of each old entry that has settled
    /// metadata.
    by_name: HashMap<Arc<str>, (FileStat, Key)>,
    /// The rules as reports describe them, from the bundle or given to be
    /// saved with it.
    rules: Option<CachedRules>,
    rules_given: bool,
    new: Mutex<Vec<NewEntry>>,
    hits: Mutex<Vec<Key>>,
    /// The settled metadata of this run's catalog files, taken before
    /// they were read.
    stats: Mutex<HashMap<Arc<str>, FileStat>>,
    /// Files found by their metadata alone, not read.
    unread: std::sync::atomic::AtomicUsize,
    /// The inputs of the last [`Self::probe`] and what it found.
    probed: Mutex<Option<Probed>>,
}

/// Inputs probed and the key found for each (`None`: not found).
type Probed = (Vec<Input>, Vec<Option<Key>>);

/// A file's size, times and identity: when all are those recorded with an
/// entry (and the modification was [`SETTLED`] then), the file is taken
/// to hold the bytes the entry was made from, without reading it. The
/// change time cannot be set by tools that restore a modification time
/// (`touch -d`, `cp -p`, `tar x`, `rsync -t`), so those count as changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStat {
    len: u64,
    mtime: (i64, u32),
    ctime: (i64, u32),
    ino: u64,
    dev: u64,
}

/// What probing one input found: the catalog file's name and settled
/// metadata (to save with its entry), and its key when the metadata is
/// as recorded.
type ProbedFile = (Option<(Arc<str>, FileStat)>, Option<Key>);

impl FileStat {
    /// The metadata of a regular file.
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = |n: i64| u32::try_from(n).unwrap_or(0);
            Self {
                len: meta.len(),
                mtime: (meta.mtime(), nanos(meta.mtime_nsec())),
                ctime: (meta.ctime(), nanos(meta.ctime_nsec())),
                ino: meta.ino(),
                dev: meta.dev(),
            }
        }
        #[cfg(not(unix))]
        {
            let time = |t: std::io::Result<SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos()))
            };
            Self {
                len: meta.len(),
                mtime: time(meta.modified()),
                ctime: time(meta.created()),
                ino: 0,
                dev: 0,
            }
        }
    }

    /// Whether the file was last modified at least [`SETTLED`] before
    /// `now` (a time in the future is not).
    fn settled(&self, now: SystemTime) -> bool {
        let Some(limit) = now
            .checked_sub(SETTLED)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        else {
            return false;
        };
        let limit = (limit.as_secs() as i64, limit.subsec_nanos());
        self.mtime < limit
    }
}

/// The enabled rules as reports describe them, kept with the bundle so
/// that a run whose every file is in the cache needs no compiled packs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedRules {
    rules: Vec<CachedRule>,
    chinese: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedRule {
    id: String,
    summary: Option<String>,
    help: Option<String>,
    severity: Severity,
    references: Vec<String>,
    tags: Vec<String>,
}

/// A file checked in this run.
#[derive(Debug)]
struct NewEntry {
    key: Key,
    path: String,
    findings: Vec<Finding>,
    applied: Vec<Applied>,
}

/// The cached results of one file, with strings as indices into the
/// bundle's table.
#[derive(Debug, Clone)]
struct Entry {
    path: u32,
    /// The file's settled metadata when it was read, if it had settled.
    stat: Option<FileStat>,
    findings: Vec<CachedFinding>,
    applied: Vec<CachedApplied>,
}

#[derive(Debug, Clone)]
struct CachedFinding {
    rule: u32,
    pack: u32,
    category: u32,
    severity: u8,
    message: u32,
    help: Option<u32>,
    suggestion: Option<u32>,
    file: u32,
    line: u64,
    record: u64,
    listing_id: Option<u32>,
    field: Option<u32>,
    start: Option<usize>,
    end: Option<usize>,
    text: Option<u32>,
    fingerprint: u32,
    source: Option<u32>,
    value: u32,
    /// The reason's field, text, start and end.
    reason: Option<(u32, u32, Option<usize>, Option<usize>)>,
    unsafe_fix: bool,
    column: Option<u32>,
}

#[derive(Debug, Clone)]
struct CachedApplied {
    file: u32,
    listing_id: Option<u32>,
    rule: u32,
    reason: u32,
    line: u64,
    suppressed: u64,
}

/// A bundle file.
#[derive(Debug)]
struct Bundle {
    format: u32,
    fingerprint: String,
    rules: Option<CachedRules>,
    strings: Vec<String>,
    entries: Vec<(Key, Entry)>,
}

/// Interns strings for a bundle being written.
#[derive(Default)]
struct Strings {
    index: HashMap<String, u32>,
    list: Vec<String>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_owned());
        self.index.insert(s.to_owned(), i);
        i
    }

    fn opt(&mut self, s: Option<&str>) -> Option<u32> {
        s.map(|s| self.id(s))
    }
}

impl ResultCache {
    /// The cache in `dir` for `fingerprint`: its bundle read if there is a
    /// usable one (nothing is created until [`Self::save`]).
    pub fn open(dir: &Path, fingerprint: &Fingerprint) -> Self {
        let fingerprint = fingerprint.finish();
        let mut cache = Self {
            dir: dir.to_path_buf(),
            fingerprint,
            old: HashMap::new(),
            old_strings: Vec::new(),
            by_name: HashMap::new(),
            rules: None,
            rules_given: false,
            new: Mutex::new(Vec::new()),
            hits: Mutex::new(Vec::new()),
            stats: Mutex::new(HashMap::new()),
            unread: Default::default(),
            probed: Mutex::new(None),
        };
        if let Some(bundle) = cache.read_bundle() {
            cache.old_strings = bundle
                .strings
                .iter()
                .map(|s| Arc::from(s.as_str()))
                .collect();
            cache.rules = bundle.rules;
            let count = cache.old_strings.len() as u32;
            // A name with two entries (two runs at once, each with other
            // bytes) is found by its bytes only.
            let mut twice: HashSet<Arc<str>> = HashSet::new();
            for (key, entry) in bundle.entries {
                if !entry_in_range(&entry, count) {
                    continue;
                }
                let name = cache.old_strings[entry.path as usize].clone();
                if let Some(stat) = entry.stat {
                    if cache.by_name.insert(name.clone(), (stat, key)).is_some() {
                        twice.insert(name);
                    }
                }
                cache.old.insert(key, entry);
            }
            for name in twice {
                cache.by_name.remove(&name);
            }
        }
        cache
    }

    /// Looks up every catalog file among `inputs` (read as `forced`, or
    /// as their extensions say) by its metadata, in parallel: the key of
    /// each whose size and times are those recorded with its entry, `None`
    /// for the others (and for inputs that are not catalog files). The
    /// settled metadata of every catalog file is kept, to be saved with its
    /// entry; it is taken before the file is read, so a file changed after
    /// this is found changed next time.
    pub fn probe(
        &self,
        inputs: &[Input],
        forced: Option<InputFormat>,
        pool: &rayon::ThreadPool,
    ) -> Vec<Option<Key>> {
        let now = SystemTime::now();
        let probed: Vec<ProbedFile> = pool.install(|| {
            inputs
                .par_iter()
                .map(|input| self.probe_one(input, forced, now))
                .collect()
        });
        let mut keys = Vec::with_capacity(probed.len());
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        for (stat, key) in probed {
            if let Some((name, stat)) = stat {
                stats.insert(name, stat);
            }
            keys.push(key);
        }
        drop(stats);
        let unread = keys.iter().filter(|k| k.is_some()).count();
        self.unread
            .store(unread, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut probed) = self.probed.lock() {
            *probed = Some((inputs.to_vec(), keys.clone()));
        }
        keys
    }

    /// The keys [`Self::probe`] found for `inputs`: those of the last
    /// probe if it was of the same inputs, else a new probe's.
    pub fn keys(
        &self,
        inputs: &[Input],
        forced: Option<InputFormat>,
        pool: &rayon::ThreadPool,
    ) -> Vec<Option<Key>> {
        let last = self.probed.lock().ok().and_then(|mut p| p.take());
        match last {
            Some((probed, keys)) if probed == inputs => keys,
            _ => self.probe(inputs, forced, pool),
        }
    }

    fn probe_one(&self, input: &Input, forced: Option<InputFormat>, now: SystemTime) -> ProbedFile {
        let Input::File(path) = input else {
            return (None, None);
        };
        if !is_catalog(input, forced) {
            return (None, None);
        }
        let Ok(meta) = std::fs::metadata(path) else {
            return (None, None);
        };
        let stat = FileStat::of(&meta);
        if !meta.is_file() || meta.len() == 0 || !stat.settled(now) {
            return (None, None);
        }
        let name: Arc<str> = Arc::from(input.display_name());
        let key = self
            .by_name
            .get(&name)
            .filter(|(recorded, _)| *recorded == stat)
            .map(|(_, key)| *key);
        (Some((name, stat)), key)
    }

    /// Completes [`Self::probe`] by reading and hashing, in parallel, the
    /// inputs it did not find: the key of every input if every input is
    /// in the cache. Stops at the first input that is not (a file changed,
    /// an export), which the run then checks anyway.
    pub fn confirm(
        &self,
        inputs: &[Input],
        read: &ReadOptions,
        pool: &rayon::ThreadPool,
    ) -> Option<Vec<Key>> {
        let mut keys = self.keys(inputs, read.format, pool);
        // Put back for the run that checks the inputs if some are not
        // found.
        if let Ok(mut probed) = self.probed.lock() {
            *probed = Some((inputs.to_vec(), keys.clone()));
        }
        let missing: Vec<usize> = (0..inputs.len()).filter(|&i| keys[i].is_none()).collect();
        if missing
            .iter()
            .any(|&i| !is_catalog(&inputs[i], read.format))
        {
            return None;
        }
        let read = ReadOptions {
            bytes_read: Default::default(),
            header_observer: None,
            ..read.clone()
        };
        let found: Option<Vec<(usize, Key)>> = pool.install(|| {
            missing
                .par_iter()
                .map(|&i| {
                    // Only a regular file can be read twice (here, and by
                    // the run if it is not in the cache): not a pipe.
                    let path = inputs[i].path()?;
                    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
                        return None;
                    }
                    let mut records = source::open(&inputs[i], &read).ok()?;
                    let record = records.next()?;
                    if records.next().is_some() {
                        return None;
                    }
                    let (key, _) = Self::key_of(&record)?;
                    self.old.contains_key(&key).then_some((i, key))
                })
                .collect()
        });
        for (i, key) in found? {
            keys[i] = Some(key);
        }
        keys.into_iter().collect()
    }

    /// Files of this run found by their metadata alone, not read.
    pub fn unread(&self) -> usize {
        self.unread.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The enabled rules as reports describe them (without `help_uri`)
    /// and the reports' language, as the run that wrote the bundle had
    /// them: the same packs, settings and flags (they are in the
    /// fingerprint).
    pub fn rules(&self) -> Option<(Vec<RuleInfo>, Language)> {
        let cached = self.rules.as_ref()?;
        let rules = cached
            .rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                summary: r.summary.clone(),
                help: r.help.clone(),
                severity: r.severity,
                references: r.references.clone(),
                tags: r.tags.clone(),
                help_uri: None,
            })
            .collect();
        let language = if cached.chinese {
            Language::Chinese
        } else {
            Language::English
        };
        Some((rules, language))
    }

    /// Keeps the enabled rules (as reports describe them) and the
    /// reports' language with the bundle, for [`Self::rules`].
    pub fn set_rules(&mut self, rules: &[RuleInfo], language: Language) {
        let had = self.rules.is_some();
        self.rules = Some(CachedRules {
            rules: rules
                .iter()
                .map(|r| CachedRule {
                    id: r.id.clone(),
                    summary: r.summary.clone(),
                    help: r.help.clone(),
                    severity: r.severity,
                    references: r.references.clone(),
                    tags: r.tags.clone(),
                })
                .collect(),
            chinese: language == Language::Chinese,
        });
        self.rules_given = !had;
    }

    /// The bundle file of this fingerprint.
    fn bundle_path(&self) -> PathBuf {
        self.dir
            .join(format!("results-{}.bin", &self.fingerprint[..32]))
    }

    fn read_bundle(&self) -> Option<Bundle> {
        let path = self.bundle_path();
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_BUNDLE_BYTES {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let bundle = codec::decode(&bytes)?;
        (bundle.format == FORMAT && bundle.fingerprint == self.fingerprint).then_some(bundle)
    }

    /// The fingerprint, as hex: what a [`ReportKey`] starts from.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The folder of the cache.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The name, settled metadata and key of each of `inputs`, to save
    /// with a report made from them: `None` unless every input is a
    /// catalog file whose metadata had settled when it was probed and
    /// whose key this run knows (it was checked, or found in the cache).
    pub fn file_states(&self, inputs: &[Input]) -> Option<Vec<FileState>> {
        let stats = self.stats.lock().ok()?;
        let new = self.new.lock().ok()?;
        let hits = self.hits.lock().ok()?;
        let mut keys: HashMap<&str, Key> = HashMap::with_capacity(new.len() + hits.len());
        let named =
            new.iter()
                .map(|n| (n.path.as_str(), n.key))
                .chain(hits.iter().filter_map(|k| {
                    Some((&*self.old_strings[self.old.get(k)?.path as usize], *k))
                }));
        for (name, key) in named {
            if keys.insert(name, key).is_some_and(|other| other != key) {
                return None;
            }
        }
        inputs
            .iter()
            .map(|input| {
                let name = input.display_name();
                let stat = *stats.get(name.as_str())?;
                let key = *keys.get(name.as_str())?;
                Some(FileState { name, stat, key })
            })
            .collect()
    }

    /// Counts `keys` as found in the cache, as [`Self::lookup`] does,
    /// for a run that reuses a saved report instead of looking them up:
    /// the bundle then keeps their entries and records their metadata.
    pub fn mark_hits(&self, keys: &[Key]) {
        if let Ok(mut hits) = self.hits.lock() {
            hits.extend(keys.iter().filter(|k| self.old.contains_key(*k)));
        }
    }

    /// Entries read from the bundle.
    pub fn entries(&self) -> usize {
        self.old.len()
    }

    /// Files of this run found in the cache so far, and files checked and
    /// added to it.
    pub fn stats(&self) -> (usize, usize) {
        let hits = self.hits.lock().map_or(0, |h| h.len());
        let new = self.new.lock().map_or(0, |n| n.len());
        (hits, new)
    }

    /// The key of a record that is cached (a catalog file), if it is one.
    pub fn key_of(record: &RawRecord) -> Option<(Key, &str)> {
        let RawRecord::CatalogFile { file, kind, bytes } = record else {
            return None;
        };
        let mut hash = Sha256::new();
        hash.update((file.len() as u64).to_le_bytes());
        hash.update(file.as_bytes());
        hash.update([*kind as u8]);
        hash.update(bytes);
        Some((hash.finalize().into(), file))
    }

    /// The cached findings and applied suppressions of a file, if any.
    pub fn lookup(&self, key: &Key) -> Option<(Vec<Finding>, Vec<Applied>)> {
        let entry = self.old.get(key)?;
        let s = |i: u32| self.old_strings[i as usize].clone();
        let owned = |i: u32| self.old_strings[i as usize].to_string();
        let findings = entry
            .findings
            .iter()
            .map(|f| Finding {
                rule: s(f.rule),
                pack: s(f.pack),
                category: s(f.category),
                severity: match f.severity {
                    0 => Severity::Info,
                    1 => Severity::Warning,
                    _ => Severity::Error,
                },
                message: owned(f.message),
                help: f.help.map(s),
                suggestion: f.suggestion.map(s),
                file: s(f.file),
                line: f.line,
                record: f.record,
                listing_id: f.listing_id.map(owned),
                field: f.field.map(s),
                start: f.start,
                end: f.end,
                text: f.text.map(owned),
                fingerprint: owned(f.fingerprint),
                source: f.source.map(s),
                value: f.value,
                reason: f.reason.map(|(field, text, start, end)| Reason {
                    field: s(field),
                    text: owned(text),
                    start,
                    end,
                }),
                unsafe_fix: f.unsafe_fix,
                column: f.column,
            })
            .collect();
        let applied = entry
            .applied
            .iter()
            .map(|a| Applied {
                file: s(a.file),
                listing_id: a.listing_id.map(owned),
                suppression: Suppression {
                    rule: owned(a.rule),
                    reason: owned(a.reason),
                    line: a.line,
                },
                suppressed: a.suppressed,
            })
            .collect();
        if let Ok(mut hits) = self.hits.lock() {
            hits.push(*key);
        }
        Some((findings, applied))
    }

    /// Records the results of a file checked in this run.
    pub fn store(&self, key: Key, path: &str, findings: &[Finding], applied: &[Applied]) {
        if let Ok(mut new) = self.new.lock() {
            new.push(NewEntry {
                key,
                path: path.to_owned(),
                findings: findings.to_vec(),
                applied: applied.to_vec(),
            });
        }
    }

    /// Whether the run changed what the bundle holds: files checked, the
    /// rules given for a bundle without them, or files found by their
    /// bytes whose settled metadata is not the one recorded (they are
    /// then found by it next time).
    fn changed(&self) -> bool {
        if self.rules_given || self.new.lock().map(|n| !n.is_empty()).unwrap_or(false) {
            return true;
        }
        let stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        let hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.iter().any(|key| {
            self.old.get(key).is_some_and(|entry| {
                let name = &self.old_strings[entry.path as usize];
                stats.get(name).is_some_and(|s| entry.stat != Some(*s))
            })
        })
    }

    /// Writes the bundle (this run's entries first, then the old entries
    /// of files the run did not check, at most [`MAX_ENTRIES`]) with the
    /// folder's `.gitignore` and `CACHEDIR.TAG`, and removes all but the
    /// [`MAX_BUNDLES`] newest bundles. Nothing is written when the run
    /// changed nothing (every file a hit, found by its recorded metadata
    /// or with metadata that has not settled).
    pub fn save(self) -> std::io::Result<()> {
        if !self.changed() {
            return Ok(());
        }
        prepare_dir(&self.dir)?;
        let path = self.bundle_path();
        let stats = self.stats.into_inner().unwrap_or_default();
        let new = self.new.into_inner().unwrap_or_default();
        let hits: HashSet<Key> = self
            .hits
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let mut strings = Strings::default();
        let mut entries: Vec<(Key, Entry)> = Vec::new();
        let mut seen: HashSet<Key> = HashSet::new();
        let mut checked_paths: HashSet<String> = HashSet::new();
        for n in &new {
            if !seen.insert(n.key) {
                continue;
            }
            checked_paths.insert(n.path.clone());
            let entry = Entry {
                path: strings.id(&n.path),
                stat: stats.get(n.path.as_str()).copied(),
                findings: n.findings.iter().map(|f| cached(f, &mut strings)).collect(),
                applied: n
                    .applied
                    .iter()
                    .map(|a| CachedApplied {
                        file: strings.id(&a.file),
                        listing_id: strings.opt(a.listing_id.as_deref()),
                        rule: strings.id(&a.suppression.rule),
                        reason: strings.id(&a.suppression.reason),
                        line: a.suppression.line,
                        suppressed: a.suppressed,
                    })
                    .collect(),
            };
            entries.push((n.key, entry));
        }
        let old_strings = &self.old_strings;
        let mut old: Vec<(&Key, &Entry)> = self.old.iter().collect();
        // Hits first (files of this run), then the others; each group in
        // key order, so that the bundle does not depend on hash order.
        old.sort_by_key(|(key, _)| (!hits.contains(*key), **key));
        for (key, entry) in old {
            if entries.len() >= MAX_ENTRIES {
                break;
            }
            let path = &old_strings[entry.path as usize];
            if seen.contains(key) || (!hits.contains(key) && checked_paths.contains(&**path)) {
                continue;
            }
            seen.insert(*key);
            let mut entry = reindex(entry, old_strings, &mut strings);
            if hits.contains(key) {
                // Read or not, the file is as its metadata now says.
                entry.stat = stats.get(&**path).copied();
            }
            entries.push((*key, entry));
        }
        entries.truncate(MAX_ENTRIES);
        let bundle = Bundle {
            format: FORMAT,
            fingerprint: self.fingerprint.clone(),
            rules: self.rules,
            strings: strings.list,
            entries,
        };
        let mut temp = temporary_in(&self.dir)?;
        temp.write_all(&codec::encode(&bundle))?;
        temp.persist(&path).map_err(|e| e.error)?;
        prune(&self.dir, &path, "results-", MAX_BUNDLES);
        Ok(())
    }
}

/// Whether every input is a catalog file (read as `forced`, or as its
/// extension says), the only inputs cached: a run over them alone may
/// keep its report ([`SavedReport`]).
pub fn keeps_all(inputs: &[Input], forced: Option<InputFormat>) -> bool {
    !inputs.is_empty() && inputs.iter().all(|input| is_catalog(input, forced))
}

/// Whether any input is a catalog file (read as `forced`, or as its
/// extension says): a run over none neither reads nor writes the cache.
pub fn any_catalog(inputs: &[Input], forced: Option<InputFormat>) -> bool {
    inputs.iter().any(|input| is_catalog(input, forced))
}

/// Whether an input is a catalog file (read as `forced`, or as its
/// extension says), the only inputs cached.
fn is_catalog(input: &Input, forced: Option<InputFormat>) -> bool {
    let Input::File(path) = input else {
        return false;
    };
    matches!(
        forced.or_else(|| InputFormat::from_path(path)),
        Some(InputFormat::Yaml | InputFormat::Markdown)
    )
}

/// A finding with its strings interned.
fn cached(f: &Finding, strings: &mut Strings) -> CachedFinding {
    CachedFinding {
        rule: strings.id(&f.rule),
        pack: strings.id(&f.pack),
        category: strings.id(&f.category),
        severity: match f.severity {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        },
        message: strings.id(&f.message),
        help: strings.opt(f.help.as_deref()),
        suggestion: strings.opt(f.suggestion.as_deref()),
        file: strings.id(&f.file),
        line: f.line,
        record: f.record,
        listing_id: strings.opt(f.listing_id.as_deref()),
        field: strings.opt(f.field.as_deref()),
        start: f.start,
        end: f.end,
        text: strings.opt(f.text.as_deref()),
        fingerprint: strings.id(&f.fingerprint),
        source: strings.opt(f.source.as_deref()),
        value: f.value,
        reason: f
            .reason
            .as_ref()
            .map(|r| (strings.id(&r.field), strings.id(&r.text), r.start, r.end)),
        unsafe_fix: f.unsafe_fix,
        column: f.column,
    }
}

/// An old entry with its strings moved to the new table.
fn reindex(entry: &Entry, old: &[Arc<str>], strings: &mut Strings) -> Entry {
    let mut id = |i: u32| strings.id(&old[i as usize]);
    let mut entry = entry.clone();
    entry.path = id(entry.path);
    for f in &mut entry.findings {
        for slot in [
            &mut f.rule,
            &mut f.pack,
            &mut f.category,
            &mut f.message,
            &mut f.file,
            &mut f.fingerprint,
        ] {
            *slot = id(*slot);
        }
        for slot in [
            &mut f.help,
            &mut f.suggestion,
            &mut f.listing_id,
            &mut f.field,
            &mut f.text,
            &mut f.source,
        ] {
            *slot = slot.map(&mut id);
        }
        if let Some((field, text, _, _)) = &mut f.reason {
            *field = id(*field);
            *text = id(*text);
        }
    }
    for a in &mut entry.applied {
        a.file = id(a.file);
        a.rule = id(a.rule);
        a.reason = id(a.reason);
        a.listing_id = a.listing_id.map(&mut id);
    }
    entry
}

/// Whether every string index of an entry is in the table (a corrupt
/// bundle must not panic a run).
fn entry_in_range(entry: &Entry, count: u32) -> bool {
    let ok = |i: u32| i < count;
    let opt = |i: Option<u32>| i.is_none_or(ok);
    ok(entry.path)
        && entry.findings.iter().all(|f| {
            [f.rule, f.pack, f.category, f.message, f.file, f.fingerprint]
                .into_iter()
                .all(ok)
                && [
                    f.help,
                    f.suggestion,
                    f.listing_id,
                    f.field,
                    f.text,
                    f.source,
                ]
                .into_iter()
                .all(opt)
                && f.reason
                    .is_none_or(|(field, text, _, _)| ok(field) && ok(text))
        })
        && entry
            .applied
            .iter()
            .all(|a| ok(a.file) && ok(a.rule) && ok(a.reason) && opt(a.listing_id))
}

/// Writes a small file unless it exists (through a temporary file and a
/// rename, so a concurrent run never sees it half written).
/// Creates the cache folder `dir` if needed, with its `.gitignore` (`*`,
/// so git never sees it) and `CACHEDIR.TAG` (so backup tools skip it);
/// for anything kept in the folder (bundles, saved reports, the engine's
/// kept automaton).
pub fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    write_once(&dir.join(".gitignore"), b"# Created by listlint.\n*\n")?;
    write_once(
        &dir.join("CACHEDIR.TAG"),
        b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by listlint.\n",
    )
}

fn write_once(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = temporary_in(dir)?;
    temp.write_all(contents)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// How the cache names the temporary files it writes before renaming
/// them into place: `partial-XXXXXX.tmp`.
const TEMPORARY_PREFIX: &str = "partial-";
const TEMPORARY_SUFFIX: &str = ".tmp";

/// A temporary file in the cache folder, named so that [`prune`] knows it
/// for the cache's own if a killed run leaves it behind.
pub(crate) fn temporary_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(dir)
}

/// Removes all but the `most` newest files whose names start with
/// `prefix` (bundles, saved reports), never `keep`; and the cache's
/// temporary files older than [`STALE_TEMPORARY`](listlint_core::cache_folder::STALE_TEMPORARY).
fn prune(dir: &Path, keep: &Path, prefix: &str, most: usize) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let mut bundles: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for entry in read.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(modified) = entry.metadata().ok().and_then(|m| m.modified().ok()) else {
            continue;
        };
        // `results-*.json`: bundles of earlier versions, pruned first.
        if name.starts_with(prefix) {
            bundles.push((modified, entry.path()));
        } else if name.starts_with(TEMPORARY_PREFIX)
            && name.ends_with(TEMPORARY_SUFFIX)
            && is_stale_temporary(modified, now)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    if bundles.len() <= most {
        return;
    }
    bundles.sort_by_key(|b| std::cmp::Reverse(b.0));
    for (_, path) in bundles.into_iter().skip(most) {
        if path != keep {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Whether `dir` holds a bundle of any fingerprint (a cheap test before
/// computing one).
pub fn has_bundles(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| {
        entries.any(|e| {
            e.is_ok_and(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("results-") && name.ends_with(".bin")
            })
        })
    })
}

/// The default cache folder: [`CACHE_DIR`] in the repository root (the
/// nearest folder upwards from `start` holding `.git`), else in `start`.
pub fn default_dir(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(start)
        .join(CACHE_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_left_by_a_killed_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join("partial-Ab12Cd.tmp");
        let fresh = temporary_in(dir.path()).unwrap().into_temp_path();
        let other = dir.path().join("notes.tmp");
        let kept = dir.path().join("report-1.bin");
        for path in [&stale, &other, &kept] {
            std::fs::write(path, b"x").unwrap();
        }
        let long_ago =
            std::time::SystemTime::now() - 2 * listlint_core::cache_folder::STALE_TEMPORARY;
        for path in [&stale, &other] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        prune(dir.path(), &kept, "report-", 4);
        assert!(!stale.exists(), "a stale temporary file is removed");
        assert!(fresh.exists(), "one being written stays");
        assert!(other.exists(), "files not the cache's own stay");
        assert!(kept.exists());
    }
}
