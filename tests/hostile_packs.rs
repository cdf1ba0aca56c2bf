//! Rule packs and config files that are too large, not what they claim to
//! be, or out of bounds, through the binary. Every hostile file is made
//! here, in a temporary folder.

mod common;

use std::fs;
use std::path::Path;

use common::{listlint_in, run};

const LISTINGS: &str = "id,title\nA,最好用的吸尘器\n";

/// A small valid pack named `name` with one lexicon rule `ID/word`.
fn pack(name: &str, id: &str) -> String {
    format!(
        "pack: {name}\nversion: \"1\"\ncategory: words\nrules:\n  - id: {id}/word\n    kind: lexicon\n    severity: error\n    message: \"「{{term}}」\"\n    terms: [吸尘器]\n"
    )
}

/// A folder with `files` (path, contents) and a listings file `l.csv`.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("l.csv"), LISTINGS).unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// A file of `size` bytes that parses as YAML (a comment line per KiB
/// after `head`).
fn padded(path: &Path, head: &str, size: usize) {
    let mut text = String::with_capacity(size + 1024);
    text.push_str(head);
    let line = format!("#{}\n", "x".repeat(1022));
    while text.len() + line.len() <= size {
        text.push_str(&line);
    }
    text.push_str(&"#".repeat(size - text.len()));
    assert_eq!(text.len(), size);
    fs::write(path, text).unwrap();
}

#[test]
fn a_pack_above_the_size_limit_is_a_usage_error_naming_the_limit_and_flag() {
    let dir = folder(&[]);
    let big = dir.path().join("big.yaml");
    padded(&big, &pack("big", "big"), 16 * 1024 * 1024 + 1);
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--no-default-rules",
        "--rules",
        "big.yaml",
        "l.csv",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("big.yaml is larger than 16 MiB, the limit for a rule pack"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-pack-size"), "{stderr}");
    // The flag raises it; a lower limit stops a smaller file.
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "--max-pack-size",
        "17M",
        "check",
        "--no-default-rules",
        "--rules",
        "big.yaml",
        "l.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let small = folder(&[("p.yaml", &pack("p", "p"))]);
    let (code, _, stderr) = run(listlint_in(small.path()).args([
        "--max-pack-size",
        "100",
        "rules",
        "validate",
        "p.yaml",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("larger than 100 bytes"), "{stderr}");
}

#[test]
fn an_extended_pack_above_the_size_limit_is_reported() {
    let dir = folder(&[(
        "top.yaml",
        "pack: top\nversion: \"1\"\nextends: [./base.yaml]\nrules: []\n",
    )]);
    padded(&dir.path().join("base.yaml"), &pack("base", "base"), 4096);
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "--max-pack-size",
        "2K",
        "check",
        "--no-default-rules",
        "--rules",
        "top.yaml",
        "l.csv",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("larger than 2 KiB"), "{stderr}");
}

#[test]
fn a_config_above_the_size_limit_is_a_usage_error() {
    let dir = folder(&[]);
    padded(
        &dir.path().join("listlint.yaml"),
        "fail_on: error\n",
        4 * 1024 * 1024 + 1,
    );
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "l.csv"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("listlint.yaml is larger than 4 MiB, the limit for a config file"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-config-size"), "{stderr}");
    let (code, _, stderr) =
        run(listlint_in(dir.path()).args(["--max-config-size", "5M", "check", "l.csv"]));
    assert_eq!(code, 1, "{stderr}");
}

#[cfg(unix)]
#[test]
fn dev_zero_as_config_or_pack_stops_at_the_limit() {
    let dir = folder(&[]);
    for args in [
        &["check", "--config", "/dev/zero", "l.csv"][..],
        &["check", "--rules", "/dev/zero", "l.csv"][..],
    ] {
        let (code, _, stderr) = run(listlint_in(dir.path())
            .args(["--max-pack-size", "1M", "--max-config-size", "1M"])
            .args(args));
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("/dev/zero is larger than 1 MiB"),
            "{stderr}"
        );
    }
}

#[test]
fn a_missing_config_is_called_a_config_file() {
    let dir = folder(&[]);
    let (code, _, stderr) =
        run(listlint_in(dir.path()).args(["check", "--config", "missing.yaml", "l.csv"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot read config file missing.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("rule pack"), "{stderr}");
}

/// `check` with only the packs in `rules` loaded; (code, stderr).
fn check_packs(dir: &Path, rules: &str) -> (i32, String) {
    let (code, _, stderr) =
        run(listlint_in(dir).args(["check", "--no-default-rules", "--rules", rules, "l.csv"]));
    (code, stderr)
}

#[test]
fn extends_reads_only_pack_files_and_never_echoes_another_file() {
    const SECRET: &str = "CI_DEPLOY_TOKEN=hunter2-abc";
    let dir = folder(&[
        ("secret.env", &format!("{SECRET}\n")),
        ("packs/secret.yaml", &format!("{SECRET}\n")),
    ]);
    let extending = |target: &str| {
        fs::write(
            dir.path().join("packs/mine.yaml"),
            format!("pack: mine\nversion: \"1\"\nextends: [\"{target}\"]\nrules: []\n"),
        )
        .unwrap();
        check_packs(dir.path(), "packs/mine.yaml")
    };
    let absolute = dir.path().join("secret.env");
    for target in [
        "../secret.env",
        absolute.to_str().unwrap(),
        "/etc/passwd",
        "/proc/self/environ",
    ] {
        let (code, stderr) = extending(target);
        assert_eq!(code, 2, "{target}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "extends `{target}`, which is not a rule pack file"
            )),
            "{target}: {stderr}"
        );
        assert!(!stderr.contains("hunter2"), "{target}: {stderr}");
    }
    // A `.yaml` file in the pack's folder that is not a pack: named, not shown.
    let (code, stderr) = extending("./secret.yaml");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("packs/secret.yaml is not a rule pack (no line starts with `pack:`)"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    // The same file given to --rules directly, or found in a --rules folder.
    for rules in ["packs/secret.yaml", "packs"] {
        let (code, stderr) = check_packs(dir.path(), rules);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("is not a rule pack"), "{stderr}");
        assert!(!stderr.contains("hunter2"), "{rules}: {stderr}");
    }
}

#[test]
fn extends_stays_in_the_packs_folder_or_the_rules_roots_unless_the_config_allows_more() {
    let dir = folder(&[
        ("shared/base.yaml", &pack("base", "base")),
        (
            "packs/team/mine.yaml",
            "pack: mine\nversion: \"1\"\nextends: [../../shared/base.yaml]\nrules: []\n",
        ),
        (
            "packs/team/sub.yaml",
            "pack: sub\nversion: \"1\"\nextends: [../other/base2.yaml]\nrules: []\n",
        ),
        ("packs/other/base2.yaml", &pack("base2", "base2")),
    ]);
    let (code, stderr) = check_packs(dir.path(), "packs/team/mine.yaml");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "extends `../../shared/base.yaml`, which is outside the folders packs may extend from"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("extends_from"), "{stderr}");
    // A sibling folder is out of bounds for a pack given alone, inside a
    // --rules folder that holds both.
    let (code, stderr) = check_packs(dir.path(), "packs/team/sub.yaml");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("outside the folders"), "{stderr}");
    fs::remove_file(dir.path().join("packs/team/mine.yaml")).unwrap();
    let (code, stderr) = check_packs(dir.path(), "packs");
    assert_eq!(code, 1, "base2's rule fires: {stderr}");
    // A link inside the tree to a file outside it is outside too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("shared/base.yaml"),
            dir.path().join("packs/team/link.yaml"),
        )
        .unwrap();
        fs::write(
            dir.path().join("packs/team/sub.yaml"),
            "pack: sub\nversion: \"1\"\nextends: [./link.yaml]\nrules: []\n",
        )
        .unwrap();
        let (code, stderr) = check_packs(dir.path(), "packs/team/sub.yaml");
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("outside the folders"), "{stderr}");
        fs::remove_file(dir.path().join("packs/team/link.yaml")).unwrap();
    }
    // The config file may allow more.
    fs::write(
        dir.path().join("packs/team/mine.yaml"),
        "pack: mine\nversion: \"1\"\nextends: [../../shared/base.yaml]\nrules: []\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("listlint.yaml"),
        "rules: [packs/team/mine.yaml]\nno_default_rules: true\nextends_from: [shared]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "l.csv"]));
    assert_eq!(code, 1, "base's rule fires: {stderr}");
}

/// Makes a named pipe at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// A guard so that a regression fails instead of hanging the suite; no
/// assertion depends on how long a run takes.
#[cfg(unix)]
const HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(120);

#[cfg(unix)]
#[test]
fn walks_skip_named_pipes_and_links_to_devices_and_say_so_with_verbose() {
    let dir = folder(&[
        ("exports/good.csv", LISTINGS),
        ("packs/good.yaml", &pack("good", "good")),
    ]);
    let root = dir.path();
    mkfifo(&root.join("exports/pipe.csv"));
    mkfifo(&root.join("packs/pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", root.join("exports/zero.jsonl")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("packs/zero.yaml")).unwrap();
    let (code, stdout, stderr) = run(listlint_in(root)
        .args([
            "check",
            "-v",
            "--format",
            "jsonl",
            "--no-default-rules",
            "--rules",
            "packs",
            "exports",
        ])
        .timeout(HANG_GUARD));
    assert_eq!(code, 1, "{stderr}");
    let findings = common::jsonl(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert_eq!(findings[0]["rule"], "good/word");
    assert_eq!(findings[0]["file"], "exports/good.csv");
    for skipped in [
        "skipped exports/pipe.csv: a named pipe",
        "skipped exports/zero.jsonl: a link to a device",
        "skipped packs/pipe.yaml: a named pipe",
        "skipped packs/zero.yaml: a link to a device",
    ] {
        assert!(stderr.contains(skipped), "{skipped}: {stderr}");
    }
    // Without -v the skips are silent.
    let (code, _, stderr) = run(listlint_in(root)
        .args(["check", "--no-default-rules", "--rules", "packs", "exports"])
        .timeout(HANG_GUARD));
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("skipped"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_given_on_the_command_line_is_read() {
    let dir = folder(&[("p.yaml", &pack("p", "p"))]);
    let pipe = dir.path().join("in.csv");
    mkfifo(&pipe);
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || fs::write(pipe, LISTINGS).unwrap())
    };
    let (code, _, stderr) = run(listlint_in(dir.path())
        .args(["check", "--no-default-rules", "--rules", "p.yaml", "in.csv"])
        .timeout(HANG_GUARD));
    assert_eq!(code, 1, "{stderr}");
    writer.join().unwrap();
}

#[test]
fn rules_validate_accepts_exactly_what_check_accepts() {
    let dir = folder(&[
        ("cn-claims.yaml", &pack("cn-claims", "mine")),
        (
            "dup.yaml",
            &pack("dup", "absolute/superlative").replace("/word", ""),
        ),
    ]);
    let root = dir.path();
    let validate = |args: &[&str]| {
        let (code, stdout, stderr) = run(listlint_in(root).args(["rules", "validate"]).args(args));
        (code, format!("{stdout}{stderr}"))
    };
    let check = |args: &[&str]| {
        let (code, _, stderr) = run(listlint_in(root).arg("check").args(args).arg("l.csv"));
        (code, stderr)
    };
    // A pack named like a built-in pack: rejected by both...
    let (code, out) = validate(&["cn-claims.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("pack `cn-claims` is loaded twice"), "{out}");
    let (code, out) = check(&["--rules", "cn-claims.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("pack `cn-claims` is loaded twice"), "{out}");
    // ...and accepted by both without the default packs.
    let (code, out) = validate(&["--no-default-rules", "cn-claims.yaml"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = check(&["--no-default-rules", "--rules", "cn-claims.yaml"]);
    assert_eq!(code, 1, "{out}");
    // A rule id of a built-in pack: `rules list` rejects it as check does.
    let (code, out) = validate(&["dup.yaml"]);
    assert_eq!(code, 2, "{out}");
    let (code, _, stderr) = run(listlint_in(root).args(["rules", "list", "--rules", "dup.yaml"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("rule id `absolute/superlative` is already defined"),
        "{stderr}"
    );
}

#[test]
fn a_copy_of_a_builtin_pack_is_validated_as_check_loads_it() {
    let validate = |args: &[&str]| {
        let (code, stdout, stderr) = run(common::listlint().args(["rules", "validate"]).args(args));
        (code, format!("{stdout}{stderr}"))
    };
    let (code, out) = validate(&["rules/cn-claims.yaml"]);
    assert_eq!(
        code, 2,
        "check --rules rejects it beside the built-in: {out}"
    );
    assert!(out.contains("pack `cn-claims` is loaded twice"), "{out}");
    let (code, out) = validate(&["--no-default-rules", "rules/"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn the_nothing_found_help_lists_every_extension_read() {
    let dir = folder(&[("empty/notes.txt", "x")]);
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "empty"]));
    assert_eq!(code, 2, "{stderr}");
    for ext in [
        ".csv",
        ".tsv",
        ".tab",
        ".jsonl",
        ".ndjson",
        ".json",
        ".yaml",
        ".yml",
        ".md",
        ".markdown",
        ".xlsx",
        ".xlsm",
    ] {
        assert!(
            stderr.contains(&format!("{ext},")) || stderr.contains(&format!("{ext} ")),
            "{ext}: {stderr}"
        );
    }
}

#[test]
fn a_waiver_for_an_unknown_rule_is_a_config_error_at_its_line() {
    let dir = folder(&[(
        "listlint.yaml",
        "waivers:\n  - rule: absolute/superlative\n    reason: ok\n    approved_by: 法务\n    expires: 2099-01-01\n  - rule: absolute/superlatve\n    reason: typo\n    approved_by: 法务\n    expires: 2099-01-01\n  - rule: input/\n    reason: prefix of the input rules\n    approved_by: 法务\n    expires: 2099-01-01\n",
    )]);
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "l.csv"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "listlint.yaml:7:1: this waiver's rule `absolute/superlatve` matches no loaded rule"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `absolute/superlative`?"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("matches no loaded rule").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_huge_invalid_regex_is_not_echoed() {
    let regex = format!("({}", "a".repeat(1_000_000));
    let dir = folder(&[(
        "re.yaml",
        &format!(
            "pack: re\nversion: \"1\"\ncategory: c\nrules:\n  - id: re/x\n    kind: pattern\n    severity: error\n    message: m\n    keywords: [a]\n    pattern: \"{regex}\"\n"
        ),
    )]);
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--no-default-rules",
        "--rules",
        "re.yaml",
        "l.csv",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("re.yaml:10:"), "{stderr}");
    assert!(stderr.contains("invalid regular expression"), "{stderr}");
    assert!(stderr.contains("too long to quote"), "{stderr}");
    assert!(stderr.len() < 4_000, "{} bytes of error", stderr.len());
}
