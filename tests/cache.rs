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
    // layout). The reports saved beside it go, or a run whose files are
    // unchanged would write one again without reading the bundle.
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("report-")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
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
            let kept = n.starts_with("results-")
                || n.starts_with("report-")
                || (n.starts_with("automaton-") && n.ends_with(".bin"));
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

/// `check -v` in `dir` on `items` with `args`: exit code, stdout, stderr
/// and whether a saved report was written again instead of checking.
fn check_saved(dir: &Path, args: &[&str]) -> (i32, String, String, bool) {
    let mut cmd = listlint_in(dir);
    cmd.arg("check").arg("-v").args(args).arg("items");
    let (code, stdout, stderr) = run(&mut cmd);
    assert!(code == 0 || code == 1, "{stderr}");
    let reused = stderr.contains("so it was written again");
    (code, stdout, stderr, reused)
}

/// The run without the cache, then two runs with it: the first checks
/// and saves its report, the second writes it again. Both are what the
/// run without the cache wrote, exit status and notes included.
fn saved_and_reused(dir: &Path, args: &[&str]) -> String {
    let (code, fresh, fresh_err, _) = check_saved(dir, &[args, &["--no-cache"]].concat());
    let (first_code, first, _, reused) = check_saved(dir, args);
    assert!(!reused, "{args:?}: the first run checks");
    assert_eq!((first_code, &first), (code, &fresh), "{args:?}: first run");
    let (again_code, again, again_err, reused) = check_saved(dir, args);
    assert!(reused, "{args:?}: {again_err}");
    assert_eq!((again_code, &again), (code, &fresh), "{args:?}: reused");
    let notes = |err: &str| -> Vec<String> {
        err.lines()
            .filter(|l| l.contains("baseline entries no longer occur"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(notes(&again_err), notes(&fresh_err), "{args:?}");
    fresh
}

/// Runs `check` until its report is saved: the second run writes it
/// again (and it is what a run without the cache writes).
fn warm(dir: &Path, args: &[&str]) -> String {
    check_saved(dir, args);
    let (_, out, stderr, reused) = check_saved(dir, args);
    assert!(reused, "{args:?}: {stderr}");
    let (_, fresh, _, _) = check_saved(dir, &[args, &["--no-cache"]].concat());
    assert_eq!(out, fresh, "{args:?}");
    out
}

#[test]
fn a_saved_report_is_written_again_byte_for_byte_in_every_format() {
    let dir = catalog();
    let root = dir.path();
    age(&root.join("items"));
    let baseline = root.join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let mut cmd = listlint_in(root);
    cmd.args(["check", "--no-cache", "--write-baseline", baseline])
        .args(["items/a00.yaml", "items/m01.md"]);
    run(&mut cmd);
    for args in [
        &["--format", "jsonl"][..],
        &["--format", "json"],
        &["--format", "sarif"],
        &[
            "--format",
            "sarif",
            "--baseline",
            baseline,
            "--sarif-suppressed",
        ],
        &["--format", "json", "--baseline", baseline],
        &["--format", "github"],
        &["--format", "gitlab"],
        &["--format", "junit"],
        &["--format", "csv"],
        &["--format", "html"],
        &["--format", "human"],
        &["--format", "human", "--statistics", "--max-per-rule", "1"],
        &[
            "--format",
            "human",
            "--baseline",
            baseline,
            "--no-statistics",
        ],
        &["--format", "jsonl", "--min-severity", "warning"],
        &["--format", "jsonl", "--select", "absolute/"],
        &["--format", "jsonl", "--fail-on", "warning"],
        &["--format", "human", "--color", "always"],
    ] {
        let out = saved_and_reused(root, args);
        assert!(!out.is_empty(), "{args:?}");
    }
    // The exit status is the run's: a finding at --fail-on fails it.
    let (code, _, _, reused) = check_saved(root, &["--format", "jsonl", "--fail-on", "warning"]);
    assert_eq!((code, reused), (1, true));
    // With -o the report goes to the file, as when checking.
    let out = root.join("out.json");
    let out_arg = out.to_str().unwrap();
    let (_, fresh, _, _) = check_saved(root, &["--format", "json", "--no-cache"]);
    check_saved(root, &["--format", "json", "-o", out_arg]);
    std::fs::remove_file(&out).unwrap();
    let (_, stdout, _, reused) = check_saved(root, &["--format", "json", "-o", out_arg]);
    assert!(reused && stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), fresh);
    // Not saved: xlsx (it records when it was made), and runs that need
    // the findings themselves.
    for args in [
        &["--format", "xlsx", "-o", "report.xlsx"][..],
        &["--format", "jsonl", "--report-suppressions"],
        &["--format", "jsonl", "--write-baseline", "b.json"],
    ] {
        check_saved(root, args);
        assert!(!check_saved(root, args).3, "{args:?}");
    }
}

#[test]
fn a_saved_report_is_not_used_when_anything_it_depends_on_changed() {
    let dir = catalog();
    let root = dir.path();
    age(&root.join("items"));
    let jsonl = ["--format", "jsonl"];
    let fresh = saved_and_reused(root, &jsonl);
    // Flags that change neither report nor status keep it.
    let (_, out, _, reused) = check_saved(root, &[&jsonl[..], &["--jobs", "1", "-q"]].concat());
    assert!(reused);
    assert_eq!(out, fresh);
    // Other options or another format: another report (each saved; the
    // folder keeps the newest four).
    for args in [
        &["--format", "json"][..],
        &["--format", "jsonl", "-o", "other.jsonl"],
        &["--format", "jsonl", "--as-of", "2020-01-01"],
        &["--format", "jsonl", "--select", "claims"],
        &["--format", "jsonl", "--ignore", "claims"],
        &["--format", "jsonl", "--min-severity", "error"],
        &["--format", "human", "--color", "always"],
        &["--format", "human", "--color", "never"],
        &["--format", "human", "--max-per-rule", "2"],
    ] {
        assert!(!check_saved(root, args).3, "{args:?}");
    }
    // A file edited with its size and modification time kept: its change
    // time tells.
    warm(root, &jsonl);
    let a00 = root.join("items/a00.yaml");
    let text = std::fs::read_to_string(&a00).unwrap();
    let edited = text.replace("最好的保温杯", "普通的保温杯");
    assert_eq!(edited.len(), text.len());
    let modified = std::fs::metadata(&a00).unwrap().modified().unwrap();
    write(&a00, &edited);
    let file = std::fs::File::options().write(true).open(&a00).unwrap();
    file.set_modified(modified).unwrap();
    let (_, out, _, reused) = check_saved(root, &jsonl);
    assert!(!reused);
    assert_ne!(out, fresh);
    let (_, now_fresh, _, _) = check_saved(root, &[&jsonl[..], &["--no-cache"]].concat());
    assert_eq!(out, now_fresh);
    // A file added to the folder, then removed again.
    age(&root.join("items"));
    let fresh = warm(root, &jsonl);
    write(&root.join("items/z.yaml"), "id: Z1\ntitle: 最好的杯\n");
    let (_, out, _, reused) = check_saved(root, &jsonl);
    assert!(!reused);
    assert!(out.contains("\"listing_id\":\"Z1\""), "{out}");
    std::fs::remove_file(root.join("items/z.yaml")).unwrap();
    let (_, out, _, _) = check_saved(root, &jsonl);
    assert_eq!(out, fresh);
    // A pack edit.
    warm(root, &jsonl);
    let pack = root.join("packs/acme.yaml");
    let text = std::fs::read_to_string(&pack).unwrap();
    write(&pack, &text.replace("terms: [宇宙]", "terms: [宇宙, 保温]"));
    let (_, out, _, reused) = check_saved(root, &jsonl);
    assert!(!reused);
    assert!(out.contains("「保温」"), "{out}");
    // A setting in the config file.
    warm(root, &jsonl);
    write(
        &root.join("listlint.yaml"),
        "rules: [packs/acme.yaml]\nfail_on: never\nseverity: {acme/galaxy: error}\n",
    );
    let (_, out, _, reused) = check_saved(root, &jsonl);
    assert!(!reused);
    assert!(out.contains("\"rule\":\"acme/galaxy\",\"pack\":\"acme\",\"category\":\"brand\",\"severity\":\"error\""), "{out}");
}

#[test]
fn a_saved_report_follows_the_baseline_and_the_rule_pages() {
    let dir = catalog();
    let root = dir.path();
    age(&root.join("items"));
    // The baseline's bytes, not only its name.
    let baseline = root.join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let write_baseline = |file: &str| {
        let mut cmd = listlint_in(root);
        cmd.args([
            "check",
            "--no-cache",
            "--write-baseline",
            baseline_arg,
            file,
        ]);
        run(&mut cmd);
    };
    write_baseline("items/a00.yaml");
    let args = ["--format", "json", "--baseline", baseline_arg];
    let before = saved_and_reused(root, &args);
    write_baseline("items/a02.yaml");
    let (_, out, _, reused) = check_saved(root, &args);
    assert!(!reused);
    assert_ne!(out, before);
    let (_, fresh, _, _) = check_saved(root, &[&args[..], &["--no-cache"]].concat());
    assert_eq!(out, fresh);
    // With a docs_url, whether docs/rules/PACK.md exists decides a
    // company rule's link in SARIF.
    write(
        &root.join("listlint.yaml"),
        "rules: [packs/acme.yaml]\nfail_on: never\ndocs_url: https://example.com/rules/\n",
    );
    let sarif = ["--format", "sarif"];
    let before = saved_and_reused(root, &sarif);
    assert!(
        !before.contains("https://example.com/rules/acme.md"),
        "{before}"
    );
    write(&root.join("docs/rules/acme.md"), "# acme\n");
    let (_, out, _, reused) = check_saved(root, &sarif);
    assert!(!reused);
    assert!(out.contains("https://example.com/rules/acme.md"), "{out}");
}

#[test]
fn a_saved_report_is_written_again_after_a_checkout_touched_every_file() {
    let dir = catalog();
    let root = dir.path();
    age(&root.join("items"));
    let jsonl = ["--format", "jsonl"];
    let fresh = saved_and_reused(root, &jsonl);
    // Same bytes, new times (a fresh checkout with a restored cache):
    // every file is read and found by its bytes, and the report written
    // again and saved with the new times, so the next run reads none.
    age(&root.join("items"));
    let (out, counts, compiled) = check_noting(root, &jsonl);
    assert_eq!((counts.0, counts.1, compiled), (FILES, 0, false));
    assert_eq!(out, fresh);
    let (_, out, stderr, reused) = check_saved(root, &jsonl);
    assert!(reused, "{stderr}");
    assert_eq!(out, fresh);
    assert!(
        stderr.contains(&format!("{FILES} found by size and times, not read")),
        "{stderr}"
    );
}
