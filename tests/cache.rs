//! The result cache of catalog files: hits give the same output in every
//! format, a changed file is checked again, and any change to a pack, the
//! config or a flag that changes findings starts afresh.

mod common;

use std::path::Path;

use common::{listlint_in, run};

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// A small catalog repository: YAML and Markdown listings, a company pack
/// and a config, with a `.git` folder so that the default cache folder is
/// at its root.
fn catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    for i in 0..30 {
        let title = match i % 3 {
            0 => "最好的保温杯 国家级品质",
            1 => "普通保温杯",
            _ => "限时特惠 第一时间发货 宇宙最强",
        };
        if i % 2 == 0 {
            write(
                &root.join(format!("items/a{i:02}.yaml")),
                &format!("id: A{i}\ntitle: {title}\ndescription: 正品保障 全网最低价\nprice: 99\n"),
            );
        } else {
            write(
                &root.join(format!("items/m{i:02}.md")),
                &format!("---\nid: M{i}\ntitle: {title}\n---\n\n详情：纯天然 最好\n"),
            );
        }
    }
    write(
        &root.join("items/s.yaml"),
        "# listlint: ignore[absolute/superlative] 理由：品牌名\nid: S1\ntitle: 最好牌 保温杯 顶级\n",
    );
    // Certificate findings carry a reason (the words that made the
    // product regulated), strings the bundle keeps like the others.
    write(
        &root.join("items/r.yaml"),
        "id: R1\ntitle: 家用电饭煲 保湿面霜\n",
    );
    write(
        &root.join("packs/acme.yaml"),
        "pack: acme\nversion: \"1\"\ncategory: brand\nrules:\n  - id: acme/galaxy\n    kind: lexicon\n    severity: warning\n    message: \"「{term}」\"\n    terms: [宇宙]\n",
    );
    write(
        &root.join("listlint.yaml"),
        "rules: [packs/acme.yaml]\nfail_on: never\n",
    );
    dir
}

/// Runs `check` in `dir` with `args` (and `-v`): stdout, and the files
/// (from the cache, checked) the cache note on stderr reports.
fn check(dir: &Path, args: &[&str]) -> (String, Option<(usize, usize)>) {
    let mut cmd = listlint_in(dir);
    cmd.arg("check").arg("-v").args(args).arg("items");
    let (code, stdout, stderr) = run(&mut cmd);
    assert!(code == 0 || code == 1, "{stderr}");
    let stats = stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("cache: ")
                .filter(|l| l.contains("catalog files"))
        })
        .map(|l| {
            let numbers: Vec<usize> = l
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            (numbers[0], numbers[1])
        });
    (stdout, stats)
}

const FILES: usize = 32;

#[test]
fn a_second_run_takes_every_file_from_the_cache_with_the_same_output() {
    let dir = catalog();
    let root = dir.path();
    for format in [
        "jsonl", "json", "sarif", "github", "junit", "csv", "human", "html",
    ] {
        let args = ["--format", format];
        let (uncached, stats) = check(root, &[&args[..], &["--no-cache"]].concat());
        assert_eq!(stats, None, "--no-cache reads no cache");
        let (first, stats) = check(root, &args);
        assert_eq!(first, uncached, "{format}: first run");
        // JSON-like formats and the human one keep field values or not:
        // each keeps its own bundle, filled on its first run.
        let (hits, checked) = stats.unwrap();
        assert_eq!(hits + checked, FILES, "{format}");
        let (second, stats) = check(root, &args);
        assert_eq!(stats, Some((FILES, 0)), "{format}: second run");
        assert_eq!(second, uncached, "{format}: output from the cache");
    }
    // The cache folder is at the repository root, ignored by git.
    let cache = root.join(".listlint_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Created by listlint.\n*\n"
    );
    assert!(cache.join("CACHEDIR.TAG").is_file());
    // The inline suppression applied from the cache is still reported.
    let mut cmd = listlint_in(root);
    cmd.args(["check", "--report-suppressions", "items"]);
    let (_, _, stderr) = run(&mut cmd);
    assert!(
        stderr.contains("items/s.yaml:1 S1: ignore[absolute/superlative] 品牌名 (1 suppressed)"),
        "{stderr}"
    );
}

#[test]
fn a_changed_file_is_checked_again_and_the_others_are_not() {
    let dir = catalog();
    let root = dir.path();
    let (_, stats) = check(root, &["--format", "jsonl"]);
    assert_eq!(stats, Some((0, FILES)));
    write(&root.join("items/a00.yaml"), "id: A0\ntitle: 普通保温杯\n");
    let (cached, stats) = check(root, &["--format", "jsonl"]);
    assert_eq!(stats, Some((FILES - 1, 1)));
    let (fresh, _) = check(root, &["--format", "jsonl", "--no-cache"]);
    assert_eq!(cached, fresh);
    assert!(!cached.contains("\"listing_id\":\"A0\""), "{cached}");
    // Changed back: the old bytes are checked again (their entry was
    // dropped when the file changed), then come from the cache.
    write(&root.join("items/a00.yaml"), "id: A0\ntitle: 最好\n");
    let (_, stats) = check(root, &["--format", "jsonl"]);
    assert_eq!(stats, Some((FILES - 1, 1)));
    let (_, stats) = check(root, &["--format", "jsonl"]);
    assert_eq!(stats, Some((FILES, 0)));
}

#[test]
fn a_pack_config_or_flag_change_checks_everything_again() {
    let dir = catalog();
    let root = dir.path();
    let jsonl = ["--format", "jsonl"];
    let warm = |args: &[&str]| {
        check(root, args);
        assert_eq!(check(root, args).1, Some((FILES, 0)), "{args:?} warmed");
    };
    warm(&jsonl);
    // A pack edit.
    let pack = root.join("packs/acme.yaml");
    let text = std::fs::read_to_string(&pack).unwrap();
    write(&pack, &text.replace("terms: [宇宙]", "terms: [宇宙, 保温]"));
    let (out, stats) = check(root, &jsonl);
    assert_eq!(stats, Some((0, FILES)), "pack edit");
    assert!(out.contains("「保温」"), "{out}");
    // A config edit.
    warm(&jsonl);
    write(
        &root.join("listlint.yaml"),
        "rules: [packs/acme.yaml]\nfail_on: never\nseverity: {acme/galaxy: error}\n",
    );
    let (out, stats) = check(root, &jsonl);
    assert_eq!(stats, Some((0, FILES)), "config edit");
    assert!(
        out.contains("\"rule\":\"acme/galaxy\",\"pack\":\"acme\",\"category\":\"brand\",\"severity\":\"error\""),
        "{out}"
    );
    // Flags that change findings.
    warm(&jsonl);
    for flags in [
        &["--select", "absolute/"][..],
        &["--ignore", "claims"],
        &["--as-of", "2020-01-01"],
        &["--no-default-rules"],
    ] {
        let args = [&jsonl[..], flags].concat();
        assert_eq!(check(root, &args).1, Some((0, FILES)), "{flags:?}");
        let (cached, stats) = check(root, &args);
        assert_eq!(stats, Some((FILES, 0)), "{flags:?} again");
        let (fresh, _) = check(root, &[&args[..], &["--no-cache"]].concat());
        assert_eq!(cached, fresh, "{flags:?}");
    }
    // Flags that change nothing found keep the cache.
    assert_eq!(
        check(root, &[&jsonl[..], &["--jobs", "1"]].concat()).1,
        Some((FILES, 0))
    );
}

#[test]
fn cache_dir_no_cache_and_a_corrupt_bundle() {
    let dir = catalog();
    let root = dir.path();
    let (_, stats) = check(root, &["--no-cache", "--format", "jsonl"]);
    assert_eq!(stats, None);
    assert!(!root.join(".listlint_cache").exists());
    let elsewhere = tempfile::tempdir().unwrap();
    let cache = elsewhere.path().join("c");
    let cache_arg = cache.to_str().unwrap();
    check(root, &["--cache-dir", cache_arg, "--format", "jsonl"]);
    assert!(!root.join(".listlint_cache").exists());
    let bundles: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("results-"))
        .collect();
    assert_eq!(bundles.len(), 1);
    // Garbage in the bundle is an empty cache, not an error.
    std::fs::write(bundles[0].path(), "{\"format\":1,\"strings\":[").unwrap();
    let (out, stats) = check(root, &["--cache-dir", cache_arg, "--format", "jsonl"]);
    assert_eq!(stats, Some((0, FILES)));
    let (fresh, _) = check(root, &["--no-cache", "--format", "jsonl"]);
    assert_eq!(out, fresh);
    // Indices out of range in a well-formed bundle are dropped too: the
    // string table emptied (see listlint-io's cache/codec.rs for the
    // layout).
    let bytes = std::fs::read(bundles[0].path()).unwrap();
    assert_eq!(&bytes[..8], b"LLCACHE\0");
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let mut at = 8 + 4; // magic, format
    at += 4 + u32_at(at); // fingerprint
    at += 4 + u32_at(at); // rules
    let strings = u32_at(at);
    assert!(strings > 0);
    let mut end = at + 4;
    for _ in 0..strings {
        end += 4 + u32_at(end);
    }
    let mut emptied = bytes[..at].to_vec();
    emptied.extend_from_slice(&0u32.to_le_bytes());
    emptied.extend_from_slice(&bytes[end..]);
    std::fs::write(bundles[0].path(), emptied).unwrap();
    let (out, stats) = check(root, &["--cache-dir", cache_arg, "--format", "jsonl"]);
    assert_eq!(stats, Some((0, FILES)));
    assert_eq!(out, fresh);
}

#[test]
fn concurrent_runs_share_the_cache_safely() {
    let dir = catalog();
    let root = dir.path().to_path_buf();
    let (fresh, _) = check(&root, &["--no-cache", "--format", "jsonl"]);
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let root = root.clone();
            std::thread::spawn(move || check(&root, &["--format", "jsonl"]).0)
        })
        .collect();
    for run in runs {
        assert_eq!(run.join().unwrap(), fresh);
    }
    let (out, stats) = check(&root, &["--format", "jsonl"]);
    assert_eq!(stats, Some((FILES, 0)));
    assert_eq!(out, fresh);
    // No temporary files are left behind.
    let left: Vec<String> = std::fs::read_dir(root.join(".listlint_cache"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let kept =
                n.starts_with("results-") || (n.starts_with("automaton-") && n.ends_with(".bin"));
            !kept && n != ".gitignore" && n != "CACHEDIR.TAG"
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Sets the modification time of every file below `dir` to an hour ago,
/// as files in a repository are, long before a run.
fn age(dir: &Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            age(&path);
        } else {
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(old).unwrap();
        }
    }
}

/// `check -v` in `dir`: stdout, the cache note's numbers (from the cache,
/// checked, not read), and whether the packs were compiled.
fn check_noting(dir: &Path, args: &[&str]) -> (String, (usize, usize, usize), bool) {
    let mut cmd = listlint_in(dir);
    cmd.arg("check").arg("-v").args(args).arg("items");
    let (code, stdout, stderr) = run(&mut cmd);
    assert!(code == 0 || code == 1, "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("cache: ") && l.contains("catalog files"))
        .unwrap_or_else(|| panic!("no cache note: {stderr}"));
    let number = |text: &str| -> usize {
        text.split(|c: char| !c.is_ascii_digit())
            .find_map(|n| n.parse().ok())
            .unwrap()
    };
    let (counts, unread) = line.rsplit_once("; ").unwrap();
    let hits = number(counts);
    let checked = number(counts.split_once(", ").unwrap().1);
    let compiled = !stderr.contains("the packs were not compiled");
    (stdout, (hits, checked, number(unread)), compiled)
}

#[test]
fn unchanged_files_are_found_by_size_and_times_without_being_read() {
    let dir = catalog();
    let root = dir.path();
    age(&root.join("items"));
    let jsonl = ["--format", "jsonl"];
    let (fresh, _) = check(root, &["--no-cache", "--format", "jsonl"]);
    let (out, counts, compiled) = check_noting(root, &jsonl);
    assert_eq!((counts, compiled), ((0, FILES, 0), true));
    assert_eq!(out, fresh);
    // Nothing changed: no file is read, no pack compiled.
    let (out, counts, compiled) = check_noting(root, &jsonl);
    assert_eq!((counts, compiled), ((FILES, 0, FILES), false));
    assert_eq!(out, fresh);
    // Same size, and the old modification time put back (as `touch -d`,
    // `cp -p` or `tar x` would): the change time tells, the file is read
    // and checked again.
    let a00 = root.join("items/a00.yaml");
    let text = std::fs::read_to_string(&a00).unwrap();
    let edited = text.replace("最好的保温杯", "普通的保温杯");
    assert_eq!(edited.len(), text.len());
    let modified = std::fs::metadata(&a00).unwrap().modified().unwrap();
    write(&a00, &edited);
    std::fs::File::options()
        .write(true)
        .open(&a00)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(
        std::fs::metadata(&a00).unwrap().modified().unwrap(),
        modified
    );
    let (out, counts, compiled) = check_noting(root, &jsonl);
    assert_eq!((counts, compiled), ((FILES - 1, 1, FILES - 1), true));
    let (fresh, _) = check(root, &["--no-cache", "--format", "jsonl"]);
    assert_eq!(out, fresh);
    assert!(
        !out.lines()
            .any(|l| l.contains("items/a00.yaml") && l.contains("\"text\":\"最好\"")),
        "{out}"
    );
    // A file changed just now is read whatever its metadata says (its
    // time may not have moved on).
    write(&a00, &text);
    let (out, counts, _) = check_noting(root, &jsonl);
    assert_eq!(counts.1, 1, "{counts:?}");
    let (fresh, _) = check(root, &["--no-cache", "--format", "jsonl"]);
    assert_eq!(out, fresh);
}

#[test]
fn a_run_from_the_cache_writes_every_format_baseline_and_suppression_as_checking() {
    let dir = catalog();
    let root = dir.path();
    let baseline = root.join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    // A baseline of half the findings: those of the YAML files.
    let mut cmd = listlint_in(root);
    cmd.args([
        "check",
        "--no-cache",
        "--write-baseline",
        baseline,
        "items/a00.yaml",
    ]);
    run(&mut cmd);
    for args in [
        &[
            "--format",
            "sarif",
            "--baseline",
            baseline,
            "--sarif-suppressed",
        ][..],
        &[
            "--format",
            "json",
            "--baseline",
            baseline,
            "--min-severity",
            "warning",
        ],
        &["--format", "human", "--statistics"],
        &["--format", "html"],
        &["--format", "csv"],
        &[
            "--format",
            "jsonl",
            "--select",
            "absolute/",
            "--report-suppressions",
        ],
    ] {
        let (fresh, _) = check(root, &[args, &["--no-cache"]].concat());
        check(root, args);
        let (out, counts, compiled) = check_noting(root, args);
        assert_eq!(
            (counts.0, counts.1, compiled),
            (FILES, 0, false),
            "{args:?}"
        );
        assert_eq!(out, fresh, "{args:?}");
    }
}

#[test]
fn a_change_to_a_pack_reached_by_extends_checks_everything_again() {
    let dir = catalog();
    let root = dir.path();
    write(
        &root.join("packs/base/words.yaml"),
        "pack: acme-base\nversion: \"1\"\ncategory: brand\nrules:\n  - id: acme-base/cup\n    kind: lexicon\n    severity: warning\n    message: \"「{term}」\"\n    terms: [保温杯]\n",
    );
    let acme = root.join("packs/acme.yaml");
    let text = std::fs::read_to_string(&acme).unwrap();
    write(
        &acme,
        &text.replace(
            "category: brand\n",
            "category: brand\nextends: ./base/words.yaml\n",
        ),
    );
    let jsonl = ["--format", "jsonl"];
    check(root, &jsonl);
    let (out, counts, compiled) = check_noting(root, &jsonl);
    assert_eq!((counts.0, counts.1, compiled), (FILES, 0, false));
    assert!(out.contains("「保温杯」"), "{out}");
    write(
        &root.join("packs/base/words.yaml"),
        "pack: acme-base\nversion: \"1\"\ncategory: brand\nrules:\n  - id: acme-base/cup\n    kind: lexicon\n    severity: warning\n    message: \"「{term}」!\"\n    terms: [保温杯]\n",
    );
    let (out, counts, compiled) = check_noting(root, &jsonl);
    assert_eq!((counts.0, counts.1, compiled), (0, FILES, true));
    assert!(out.contains("「保温杯」!"), "{out}");
    let (fresh, _) = check(root, &["--no-cache", "--format", "jsonl"]);
    assert_eq!(out, fresh);
}
