//! The built automaton kept in a folder between runs, keyed by its
//! patterns: building it is a good part of a short run's start-up (every
//! pre-commit hook and editor call), reading it back a small one.
//!
//! A file is `automaton-<key>.bin`: a magic line, the SHA-256 of the
//! pattern list, the SHA-256 of the rest, then daachorse's serialised
//! automaton. A file that is missing, truncated, damaged (its checksum
//! differs), of another version or for other patterns is not used (the
//! automaton is built as without a cache). The checksum matters: daachorse
//! checks that what it reads is memory-safe to run, not that its failure
//! links end, and the matcher looks pattern ids up with bounds checks. Writing is best
//! effort (a read-only folder only costs the build) and atomic (a
//! temporary file renamed into place); the folder keeps the
//! [`KEPT`] most recent automata, and a temporary file left by a process
//! that was killed while writing (older than
//! [`crate::cache_folder::STALE_TEMPORARY`]) is
//! removed by the next store.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use daachorse::CharwiseDoubleArrayAhoCorasick;
use sha2::{Digest, Sha256};

use crate::cache_folder::is_stale_temporary;

/// First bytes of a file (the format's version is in it: version 2's
/// automata are built without daachorse's prefilter, so files of version
/// 1, which have one, are built again).
const MAGIC: &[u8; 8] = b"LLAUTO2\n";
/// Automata kept in a folder: several configurations can share one, and
/// each has up to [`super::matcher::MAX_AUTOMATA`].
const KEPT: usize = 12;
/// A larger file is not read (the default packs' automaton is under
/// 1 MB; one of a million terms is about 100 MB).
const MAX_FILE_BYTES: u64 = 512 << 20;
/// A file read is marked as used (its modification time set to now, so
/// that pruning keeps the automata in use, not the last ones written)
/// when it was last marked longer ago than this: at most one metadata
/// write an hour for a configuration run over and over.
const USE_MARK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// The key of a pattern list: SHA-256 over each pattern with its length.
pub(crate) fn key(patterns: &[impl AsRef<str>]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for p in patterns {
        let p = p.as_ref();
        hash.update((p.len() as u64).to_le_bytes());
        hash.update(p.as_bytes());
    }
    hash.finalize().into()
}

fn file_for(folder: &Path, key: &[u8; 32]) -> PathBuf {
    let hex: String = key[..12].iter().map(|b| format!("{b:02x}")).collect();
    folder.join(format!("automaton-{hex}.bin"))
}

/// The automaton kept in `folder` for the patterns with this key.
/// Only a regular file is read, as the result cache reads its bundles: a
/// pipe, or a link to a device such as `/dev/zero` (planted in a cache
/// folder checked into a repository), reports no length and would be read
/// for ever. A file read successfully is marked as used (see
/// [`USE_MARK_INTERVAL`]).
pub(crate) fn load(folder: &Path, key: &[u8; 32]) -> Option<CharwiseDoubleArrayAhoCorasick<u32>> {
    let path = file_for(folder, key);
    let metadata = fs::metadata(&path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = fs::read(&path).ok()?;
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (stored_key, rest) = rest.split_at_checked(32)?;
    let (checksum, body) = rest.split_at_checked(32)?;
    if stored_key != key || checksum != Sha256::digest(body).as_slice() {
        return None;
    }
    match CharwiseDoubleArrayAhoCorasick::<u32>::deserialize(body) {
        Ok((automaton, [])) => {
            mark_used(&path, &metadata);
            Some(automaton)
        }
        _ => None,
    }
}

/// Sets the modification time of the automaton file at `path` to now,
/// unless it was set less than [`USE_MARK_INTERVAL`] ago: [`prune`] keeps
/// the most recent, so an automaton read on every run stays however many
/// others are written after it. Best effort, as writing is.
fn mark_used(path: &Path, metadata: &fs::Metadata) {
    let now = std::time::SystemTime::now();
    let recent = metadata
        .modified()
        .ok()
        .and_then(|modified| now.duration_since(modified).ok())
        .is_some_and(|age| age < USE_MARK_INTERVAL);
    if !recent {
        let _ = fs::File::options()
            .write(true)
            .open(path)
            .and_then(|file| file.set_modified(now));
    }
}

/// Keeps `automaton` in `folder` for the patterns with this key; errors
/// are ignored (the next run builds it again).
pub(crate) fn store(
    folder: &Path,
    key: &[u8; 32],
    automaton: &CharwiseDoubleArrayAhoCorasick<u32>,
) {
    let _ = try_store(folder, key, automaton);
    prune(folder);
}

fn try_store(
    folder: &Path,
    key: &[u8; 32],
    automaton: &CharwiseDoubleArrayAhoCorasick<u32>,
) -> std::io::Result<()> {
    fs::create_dir_all(folder)?;
    let target = file_for(folder, key);
    let temporary = target.with_extension(format!("tmp-{}", std::process::id()));
    let written = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(MAGIC)?;
        let body = automaton.serialize();
        file.write_all(key)?;
        file.write_all(&Sha256::digest(&body))?;
        file.write_all(&body)?;
        file.sync_all()?;
        fs::rename(&temporary, &target)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Removes all but the [`KEPT`] most recently written or used automata
/// (see [`mark_used`]), and
/// temporary files older than [`crate::cache_folder::STALE_TEMPORARY`].
fn prune(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let mut kept: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with("automaton-") {
            continue;
        }
        let Some(modified) = entry.metadata().ok().and_then(|m| m.modified().ok()) else {
            continue;
        };
        if name.ends_with(".bin") {
            kept.push((modified, entry.path()));
        } else if is_own_temporary(&name) && is_stale_temporary(modified, now) {
            let _ = fs::remove_file(entry.path());
        }
    }
    kept.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, path) in kept.into_iter().skip(KEPT) {
        let _ = fs::remove_file(path);
    }
}

/// Whether `name` is that of a temporary file [`try_store`] writes:
/// `automaton-` and the key's 24 hex digits, `.tmp-` and a process id.
fn is_own_temporary(name: &str) -> bool {
    let Some((key, pid)) = name
        .strip_prefix("automaton-")
        .and_then(|rest| rest.split_once(".tmp-"))
    else {
        return false;
    };
    key.len() == 24
        && key.bytes().all(|b| b.is_ascii_hexdigit())
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automaton(patterns: &[String]) -> CharwiseDoubleArrayAhoCorasick<u32> {
        CharwiseDoubleArrayAhoCorasick::with_values(
            patterns
                .iter()
                .enumerate()
                .map(|(i, p)| (p.as_str(), i as u32)),
        )
        .unwrap()
    }

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("listlint-automaton-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_stored_automaton_is_read_back_for_the_same_patterns_only() {
        let dir = folder("same");
        let patterns: Vec<String> = ["最好", "第一", "国家级"].map(String::from).to_vec();
        let key = key(&patterns);
        assert!(load(&dir, &key).is_none());
        store(&dir, &key, &automaton(&patterns));
        let read = load(&dir, &key).expect("read back");
        let found: Vec<u32> = read
            .find_overlapping_iter("这是国家级最好的")
            .map(|m| m.value())
            .collect();
        assert_eq!(found, vec![2, 0]);
        let other: Vec<String> = ["最好", "第一"].map(String::from).to_vec();
        assert!(load(&dir, &super::key(&other)).is_none());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn damaged_files_are_not_used() {
        let dir = folder("damaged");
        let patterns: Vec<String> = ["最好", "第一"].map(String::from).to_vec();
        let key = key(&patterns);
        store(&dir, &key, &automaton(&patterns));
        let path = file_for(&dir, &key);
        let bytes = fs::read(&path).unwrap();
        for cut in [0, 4, MAGIC.len() + 10, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(load(&dir, &key).is_none(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xFF;
        fs::write(&path, &flipped).unwrap();
        assert!(load(&dir, &key).is_none(), "the checksum differs");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_the_most_recent_automata_are_kept() {
        let dir = folder("prune");
        for i in 0..KEPT + 2 {
            let patterns = vec![format!("词{i}")];
            store(&dir, &key(&patterns), &automaton(&patterns));
        }
        let count = fs::read_dir(&dir).unwrap().count();
        assert_eq!(count, KEPT);
        let _ = fs::remove_dir_all(&dir);
    }

    /// Sets the modification time of `path` to `age` ago.
    fn age(path: &Path, age: std::time::Duration) {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - age)
            .unwrap();
    }

    #[test]
    fn an_automaton_in_use_outlives_those_written_after_it() {
        let dir = folder("in-use");
        let hour = std::time::Duration::from_secs(3600);
        let patterns = |i: usize| vec![format!("词{i}")];
        // Automaton 0 was written first, long ago; KEPT - 1 others since.
        for i in 0..KEPT {
            let p = patterns(i);
            store(&dir, &key(&p), &automaton(&p));
            age(&file_for(&dir, &key(&p)), (KEPT - i) as u32 * 2 * hour);
        }
        assert!(load(&dir, &key(&patterns(0))).is_some(), "read and marked");
        let p = patterns(KEPT);
        store(&dir, &key(&p), &automaton(&p));
        assert!(
            file_for(&dir, &key(&patterns(0))).exists(),
            "the automaton read is kept"
        );
        assert!(
            !file_for(&dir, &key(&patterns(1))).exists(),
            "the least recently used one is pruned"
        );
        // One read again within the hour is not marked again.
        let marked = fs::metadata(file_for(&dir, &key(&patterns(0))))
            .and_then(|m| m.modified())
            .unwrap();
        age(&file_for(&dir, &key(&patterns(0))), hour / 2);
        assert!(load(&dir, &key(&patterns(0))).is_some());
        let after = fs::metadata(file_for(&dir, &key(&patterns(0))))
            .and_then(|m| m.modified())
            .unwrap();
        assert!(after < marked, "a recent mark is left as it is");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn temporary_files_left_by_a_killed_writer_are_removed() {
        let dir = folder("stale");
        fs::create_dir_all(&dir).unwrap();
        let stale = dir.join("automaton-0011223344556677889900aa.tmp-4242");
        let fresh = dir.join("automaton-00112233445566778899aabb.tmp-4343");
        let other = dir.join("notes.tmp-1");
        let look_alike = dir.join("automaton-mine.tmp-1");
        for path in [&stale, &fresh, &other, &look_alike] {
            fs::write(path, b"partial").unwrap();
        }
        let long_ago = std::time::SystemTime::now() - 2 * crate::cache_folder::STALE_TEMPORARY;
        for path in [&stale, &other, &look_alike] {
            fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        let patterns = vec!["词".to_owned()];
        store(&dir, &key(&patterns), &automaton(&patterns));
        assert!(!stale.exists(), "a stale temporary file is removed");
        assert!(fresh.exists(), "one being written stays");
        assert!(other.exists(), "files not the cache's own stay");
        assert!(look_alike.exists(), "names not the cache's own stay");
        assert!(load(&dir, &key(&patterns)).is_some());
        let _ = fs::remove_dir_all(&dir);
    }
}
