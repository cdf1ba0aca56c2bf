//! Inline suppressions in catalog files: `# listlint: ignore[RULE] REASON`
//! comments and the front-matter key `listlint`, a reason required, unused
//! ones reported, `--report-suppressions` listing them.

mod common;

use std::path::Path;

use common::{jsonl, listlint_in, run};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `(file, line, rule)` of each finding of `check --format jsonl` over the
/// folder, with the absolute-terms rules, and the exit code and stderr.
fn check(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, u64, String)>, String) {
    let mut cmd = listlint_in(dir);
    cmd.args(["check", "--select", "absolute/", "--format", "jsonl"])
        .args(extra)
        .arg(".");
    let (code, stdout, stderr) = run(&mut cmd);
    let found = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_owned(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, found, stderr)
}

fn triple(file: &str, line: u64, rule: &str) -> (String, u64, String) {
    (file.to_owned(), line, rule.to_owned())
}

#[test]
fn a_yaml_comment_suppresses_one_rule_for_its_listing() {
    let dir = tempfile::tempdir().unwrap();
    let listing = "id: A1\ntitle: 最好牌保温杯 国家级品质\n";
    write(dir.path(), "plain.yaml", listing);
    write(
        dir.path(),
        "waived.yaml",
        &format!("# listlint: ignore[absolute/superlative] 理由：品牌名「最好」牌\n{listing}"),
    );
    let (code, found, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        found,
        [
            triple("plain.yaml", 1, "absolute/superlative"),
            triple("plain.yaml", 1, "absolute/top-grade"),
            triple("waived.yaml", 1, "absolute/top-grade"),
        ]
    );
    // A comment after a value works too; a `#` inside quotes is text.
    write(
        dir.path(),
        "waived.yaml",
        "id: A1\ntitle: \"最好牌 # listlint: ignore[absolute/top-grade] no\"  # listlint: ignore[absolute/superlative] 品牌名\nsubtitle: 国家级\n",
    );
    let (_, found, _) = check(dir.path(), &[]);
    assert!(
        found.contains(&triple("waived.yaml", 1, "absolute/top-grade")),
        "{found:?}"
    );
    assert!(
        !found.contains(&triple("waived.yaml", 1, "absolute/superlative")),
        "{found:?}"
    );
}

#[test]
fn a_front_matter_key_suppresses_and_is_not_a_field() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.md",
        "---\nid: M1\ntitle: 顶级面料 最好的选择\nlistlint:\n  - ignore[absolute/top-grade] 理由：面料等级为国标“顶级”\n  - ignore[absolute/superlative] reason: 已获法务批准\n---\n正文\n",
    );
    let (code, found, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(found.is_empty(), "{found:?}");
    // One directive as a string.
    write(
        dir.path(),
        "m.md",
        "---\nid: M1\ntitle: 顶级面料 最好的选择\nlistlint: ignore[absolute/top-grade] 面料等级\n---\n",
    );
    let (_, found, _) = check(dir.path(), &[]);
    assert_eq!(found, [triple("m.md", 2, "absolute/superlative")]);
    // The key is not a field: a rule reading a `listlint` field sees
    // nothing.
    write(
        dir.path(),
        "t.yaml",
        "pack: t\nversion: \"1\"\ncategory: t\nrules:\n  - id: t/key\n    kind: lexicon\n    severity: error\n    message: \"{term}\"\n    fields: [listlint, title]\n    terms: [面料等级, 面料]\n",
    );
    let (_, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--no-default-rules",
        "--rules",
        "t.yaml",
        "--format",
        "jsonl",
        "m.md",
    ]));
    let fields: Vec<String> = jsonl(&stdout)
        .iter()
        .filter(|f| f["rule"] == "t/key")
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["title"], "{stdout}{stderr}");
}

#[test]
fn a_suppression_without_a_reason_is_a_finding_and_suppresses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.yaml",
        "id: A1\n# listlint: ignore[absolute/superlative]\ntitle: 最好的杯子\n# listlint: ignore[absolute/top-grade] 理由：\n# listlint: ignor[absolute/top-grade] typo\n",
    );
    let (code, found, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        found,
        [
            triple("a.yaml", 1, "absolute/superlative"),
            triple("a.yaml", 2, "input/suppression-without-reason"),
            triple("a.yaml", 4, "input/suppression-without-reason"),
            triple("a.yaml", 5, "input/invalid-suppression"),
        ]
    );
}

#[test]
fn an_unused_suppression_is_a_warning_unless_its_rule_did_not_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.yaml",
        "id: A1\ntitle: 普通保温杯\n# listlint: ignore[absolute/superlative] 品牌名\n# listlint: ignore[absolute/superlativ] 品牌名\n# listlint: ignore[claims/guarantee] 不在本次运行\n",
    );
    let mut cmd = listlint_in(dir.path());
    cmd.args([
        "check",
        "--select",
        "absolute/",
        "--format",
        "jsonl",
        "a.yaml",
    ]);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    let found: Vec<(u64, String, String)> = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                3,
                "warning".to_owned(),
                "line 3: `listlint: ignore[absolute/superlative]` suppresses nothing: no finding of `absolute/superlative` on this listing; remove it".to_owned()
            ),
            (
                4,
                "warning".to_owned(),
                "line 4: `listlint: ignore[absolute/superlativ]` suppresses nothing: `absolute/superlativ` is not a loaded rule (did you mean `absolute/superlative`?)".to_owned()
            ),
        ]
    );
    // A loaded rule that --select leaves out (line 5) may suppress
    // something in another run: not reported.
    // Like other input rules, --ignore hides them.
    let (_, found, _) = check(dir.path(), &["--ignore", "input/unused-suppression"]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn report_suppressions_lists_each_with_its_reason_and_count() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.yaml",
        "# listlint: ignore[absolute/superlative] 理由：品牌名\nid: A1\ntitle: 最好最好牌\n",
    );
    write(
        dir.path(),
        "b.md",
        "---\nid: B1\ntitle: 保温杯\nlistlint: ignore[absolute/] 整店豁免\n---\n",
    );
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--select",
        "absolute/",
        "--report-suppressions",
        "--format",
        "json",
        ".",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "inline suppressions: 2 (2 findings suppressed)\n  ./a.yaml:1 A1: ignore[absolute/superlative] 品牌名 (2 suppressed)\n  ./b.md:4 B1: ignore[absolute/] 整店豁免 (0 suppressed)\n"
        ),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["suppressed_inline"], 2, "{report}");
    // Without the flag, nothing on standard error.
    let (_, _, stderr) = run(listlint_in(dir.path()).args(["check", "--select", "absolute/", "."]));
    assert!(!stderr.contains("inline suppressions"), "{stderr}");
}
