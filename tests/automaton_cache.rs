//! The built automaton kept in the cache folder: written by the first run,
//! read (not rebuilt) by the next, never used for other patterns, and a
//! damaged file costs a rebuild, never a wrong or failed run.

mod common;

use std::path::{Path, PathBuf};

use common::{listlint_in, run};

fn automata(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("automaton-") && n.ends_with(".bin"))
        })
        .collect();
    found.sort();
    found
}

/// `check --format jsonl` of the fixture listings with `args`: stdout.
fn check(work: &Path, args: &[&str]) -> String {
    let listings = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/listings.jsonl");
    let mut cmd = listlint_in(work);
    cmd.args(["check", "--format", "jsonl", "--fail-on", "never"])
        .args(args)
        .arg(listings);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout
}

#[test]
fn the_automaton_is_kept_and_read_back_with_the_same_findings() {
    let work = tempfile::tempdir().unwrap();
    // The default folder (no repository here: the working directory's).
    let default = work.path().join(".listlint_cache");
    let uncached = check(work.path(), &["--no-cache"]);
    assert!(automata(&default).is_empty(), "--no-cache keeps nothing");
    check(work.path(), &[]);
    // One automaton per set of patterns some fields are scanned for.
    let count = automata(&default).len();
    assert!(count >= 1);
    let cache = work.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    assert!(uncached.lines().count() > 5);

    let first = check(work.path(), &["--cache-dir", cache_arg]);
    let kept = automata(&cache);
    assert_eq!(kept.len(), count, "{kept:?}");
    let modified = |files: &[PathBuf]| -> Vec<std::time::SystemTime> {
        files
            .iter()
            .map(|f| std::fs::metadata(f).unwrap().modified().unwrap())
            .collect()
    };
    let written = modified(&kept);
    assert_eq!(first, uncached);

    // The next run reads them: no file is written again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = check(work.path(), &["--cache-dir", cache_arg]);
    assert_eq!(second, uncached);
    assert_eq!(automata(&cache), kept);
    assert_eq!(modified(&kept), written);
}

#[test]
fn other_patterns_get_their_own_automaton() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    check(work.path(), &["--cache-dir", cache_arg]);
    let defaults = automata(&cache).len();
    let pack = work.path().join("acme.yaml");
    std::fs::write(
        &pack,
        "pack: acme\nversion: \"1\"\ncategory: brand\nrules:\n  - id: acme/brand\n    \
         kind: lexicon\n    severity: warning\n    message: \"「{term}」\"\n    terms: [厨小宝]\n",
    )
    .unwrap();
    let with_pack = check(
        work.path(),
        &["--rules", pack.to_str().unwrap(), "--cache-dir", cache_arg],
    );
    assert!(with_pack.contains("acme/brand"), "the pack's term is found");
    // The pack's term joins every set: each gets an automaton of its own.
    assert_eq!(automata(&cache).len(), 2 * defaults);
    let uncached = check(
        work.path(),
        &["--rules", pack.to_str().unwrap(), "--no-cache"],
    );
    assert_eq!(uncached, with_pack);
}

#[test]
fn a_damaged_automaton_is_rebuilt() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let expected = check(work.path(), &["--cache-dir", cache_arg]);
    let file = automata(&cache).remove(0);
    let bytes = std::fs::read(&file).unwrap();
    // The automaton itself damaged, its header intact.
    let mut flipped = bytes.clone();
    for i in (80..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5A;
    }
    for damaged in [
        bytes[..bytes.len() / 2].to_vec(),
        Vec::new(),
        b"LLAUTO2\nnot an automaton".to_vec(),
        // A file of version 1 (built with daachorse's prefilter), intact.
        [b"LLAUTO1\n".as_slice(), &bytes[8..]].concat(),
        flipped,
    ] {
        std::fs::write(&file, &damaged).unwrap();
        assert_eq!(check(work.path(), &["--cache-dir", cache_arg]), expected);
        assert_eq!(std::fs::read(&file).unwrap(), bytes, "rebuilt and kept");
    }
}

/// A file in its place that is no regular file (a named pipe, which
/// blocks the reader until someone writes, or a link to a device that
/// never ends, planted in a cache folder a repository carries) is not
/// read: the run builds the automaton and writes it in its place.
#[cfg(unix)]
#[test]
fn an_automaton_that_is_no_regular_file_is_not_read() {
    let work = tempfile::tempdir().unwrap();
    let cache = work.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let expected = check(work.path(), &["--cache-dir", cache_arg]);
    let file = automata(&cache).remove(0);
    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let listings = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/listings.jsonl");
    let mut cmd = listlint_in(work.path());
    cmd.args(["check", "--format", "jsonl", "--fail-on", "never"])
        .args(["--cache-dir", cache_arg])
        .arg(listings)
        .timeout(std::time::Duration::from_secs(30));
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, expected);
    let kept = std::fs::symlink_metadata(&file).unwrap();
    assert!(kept.is_file(), "the pipe was replaced by the automaton");
}

#[test]
fn the_folder_a_run_over_an_export_makes_is_ignored_by_git() {
    // A run over an export keeps no results, only the automaton: the
    // folder still tells git and backup tools to leave it alone.
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir(work.path().join(".git")).unwrap();
    check(work.path(), &[]);
    let folder = work.path().join(".listlint_cache");
    assert!(!automata(&folder).is_empty());
    let ignore = std::fs::read_to_string(folder.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    assert!(folder.join("CACHEDIR.TAG").exists());
}
