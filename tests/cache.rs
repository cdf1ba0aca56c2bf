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

const FILES: usize = 31;

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
    // Indices out of range in a well-formed bundle are dropped too.
    let text = std::fs::read_to_string(bundles[0].path()).unwrap();
    let mut bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    bundle["strings"] = serde_json::json!([]);
    std::fs::write(bundles[0].path(), bundle.to_string()).unwrap();
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
        .filter(|n| !n.starts_with("results-") && n != ".gitignore" && n != "CACHEDIR.TAG")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
