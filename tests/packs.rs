//! Rule-pack loading errors and the pack example runner, through the binary.

mod common;

use common::{listlint, listlint_in, run};

fn check_with_pack(yaml: &str) -> (i32, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.yaml");
    std::fs::write(&pack, yaml).unwrap();
    let (code, out, err) = run(listlint()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(&pack)
        .arg("tests/data/listings.csv"));
    (code, out, err, dir)
}

const HEADER: &str = "pack: p\nversion: \"1\"\ncategory: c\nrules:\n";

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let (code, _, stderr, _dir) = check_with_pack(&format!(
        "{HEADER}  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [x\n"
    ));
    assert_eq!(code, 2);
    assert!(stderr.contains("pack.yaml:9:12"), "{stderr}");
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (code, _, stderr, _dir) = check_with_pack(&format!(
        "{HEADER}  - id: a/b\n    kind: lexicon\n    severity: error\n    mesage: m\n    terms: [x]\n"
    ));
    assert_eq!(code, 2);
    assert!(stderr.contains("pack.yaml:8:5"), "{stderr}");
    assert!(stderr.contains("unknown field `mesage`"), "{stderr}");
    assert!(stderr.contains("did you mean `message`?"), "{stderr}");
}

#[test]
fn wrong_severity_unknown_kind_and_bad_placeholder() {
    let rule = |kind: &str, severity: &str, message: &str| {
        format!(
            "{HEADER}  - id: a/b\n    kind: {kind}\n    severity: {severity}\n    message: \"{message}\"\n    terms: [x]\n"
        )
    };
    let (code, _, stderr, _d) = check_with_pack(&rule("lexicon", "fatal", "m"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("pack.yaml:7:15") && stderr.contains("fatal"),
        "{stderr}"
    );
    let (code, _, stderr, _d) = check_with_pack(&rule("lexicom", "error", "m"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("pack.yaml:6:11") && stderr.contains("did you mean `lexicon`"),
        "{stderr}"
    );
    let (code, _, stderr, _d) = check_with_pack(&rule("lexicon", "error", "m {price}"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("pack.yaml:8:14") && stderr.contains("{price}"),
        "{stderr}"
    );
}

#[test]
fn lexicon_needs_terms_and_suggestions_must_name_a_term() {
    let (code, _, stderr, _d) = check_with_pack(&format!(
        "{HEADER}  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: []\n"
    ));
    assert_eq!(code, 2);
    assert!(stderr.contains("`terms` is empty"), "{stderr}");
    let (code, _, stderr, _d) = check_with_pack(&format!(
        "{HEADER}  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [最好]\n    suggest: {{最号: 出色}}\n"
    ));
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `最好`"), "{stderr}");
}

#[test]
fn duplicate_rule_ids_and_pack_names_name_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let rule = "  - id: dup/rule\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [x]\n";
    std::fs::write(
        dir.path().join("a.yaml"),
        format!("pack: a\nversion: \"1\"\ncategory: c\nrules:\n{rule}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        format!("pack: b\nversion: \"1\"\ncategory: c\nrules:\n{rule}"),
    )
    .unwrap();
    let (code, _, stderr) = run(listlint()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(dir.path())
        .arg("tests/data/listings.csv"));
    assert_eq!(code, 2);
    assert!(stderr.contains("b.yaml:5:9"), "{stderr}");
    assert!(
        stderr.contains("already defined at") && stderr.contains("a.yaml:5"),
        "{stderr}"
    );

    std::fs::write(
        dir.path().join("b.yaml"),
        "pack: a\nversion: \"2\"\ncategory: c\nrules: []\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(dir.path())
        .arg("tests/data/listings.csv"));
    assert_eq!(code, 2);
    assert!(stderr.contains("pack `a` is loaded twice"), "{stderr}");
}

#[test]
fn default_pack_ids_clash_with_a_user_pack_copy() {
    let (code, _, stderr) = run(listlint().args([
        "check",
        "--rules",
        "rules/cn-claims.yaml",
        "tests/data/listings.csv",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("pack `cn-claims` is loaded twice"),
        "{stderr}"
    );
}

#[test]
fn rules_test_reports_passes_and_failures() {
    let (code, stdout, _) = run(listlint().args(["rules", "test", "tests/data/test-pack.yaml"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("5 passed, 0 failed"), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        format!("{HEADER}  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [最好]\n    examples:\n      - text: 最好\n        expect: []\n      - text: 很好\n        expect: [a/b]\n"),
    )
    .unwrap();
    let (code, stdout, _) = run(listlint().args(["rules", "test"]).arg(&pack));
    assert_eq!(code, 1);
    assert!(stdout.contains("0 passed, 2 failed"), "{stdout}");
    assert!(
        stdout.contains("+ a/b fired unexpectedly on 「最好」"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- expected a/b, which did not fire"),
        "{stdout}"
    );
}

#[test]
fn every_example_in_the_shipped_packs_passes() {
    let (code, stdout, _) = run(listlint().args(["rules", "test"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(!stdout.starts_with("0 passed"), "{stdout}");
}

#[test]
fn the_shipped_test_files_pass() {
    let (code, stdout, _) = run(listlint().args(["rules", "test", "rules/"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("ok   rules/cn-ad-absolutes.test.yaml:"),
        "the test file next to the pack runs: {stdout}"
    );
}

/// A pack with a test file next to it, for the test-file cases below.
fn pack_with_tests(tests: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("words.yaml"),
        format!("{HEADER}  - id: w/best\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [最好, 第一]\n  - id: w/grade\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [顶级]\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("words.test.yaml"), tests).unwrap();
    dir
}

#[test]
fn test_files_next_to_a_pack_run_with_span_expectations() {
    let dir = pack_with_tests(
        "tests:\n  - name: spans match\n    text: 最好的顶级茶\n    expect:\n      - {rule: w/best, text: 最好}\n      - w/grade\n  - name: wrong span\n    text: 第一 最好\n    expect:\n      - {rule: w/best, text: 最好}\n  - name: missing\n    listing: {title: 好茶, description: 顶级}\n    expect: [w/best, w/grade]\n",
    );
    // Given the pack, the folder or the test file: the same cases run.
    for arg in ["words.yaml", ".", "words.test.yaml"] {
        let (code, stdout, stderr) = run(listlint_in(dir.path()).args(["rules", "test", arg]));
        assert_eq!(code, 1, "{arg}: {stdout}{stderr}");
        assert!(
            stdout.contains("ok   words.test.yaml:2: spans match")
                || stdout.contains("ok   ./words.test.yaml:2: spans match"),
            "{arg}: {stdout}"
        );
        assert!(
            stdout.contains(
                "words.test.yaml:7: wrong span\n       + w/best fired unexpectedly on 「第一」\n"
            ),
            "{arg}: {stdout}"
        );
        assert!(
            stdout.contains(
                "- expected w/best, which did not fire\n       (fired: w/grade 「顶级」)"
            ),
            "{arg}: {stdout}"
        );
        assert!(stdout.ends_with("1 passed, 2 failed\n"), "{arg}: {stdout}");
    }
}

#[test]
fn test_file_errors_name_the_place() {
    let dir = pack_with_tests("tests:\n  - text: 最好\n    expect: [w/bset]\n");
    let (code, _, stderr) =
        run(listlint_in(dir.path()).args(["--color", "never", "rules", "test", "."]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "./words.test.yaml:2:5: this case expects `w/bset`, which is not a rule of pack `p`"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `w/best`?"), "{stderr}");

    std::fs::write(dir.path().join("words.test.yaml"), "pack: q\ntests: []\n").unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["rules", "validate", "."]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("names pack `q`, but the pack next to it is `p`"),
        "{stderr}"
    );

    std::fs::rename(
        dir.path().join("words.test.yaml"),
        dir.path().join("other.test.yaml"),
    )
    .unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["rules", "test", "."]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "./other.test.yaml:1:1: test file has no pack next to it (expected other.yaml)"
        ),
        "{stderr}"
    );
}

#[test]
fn condition_and_kind_errors_point_at_the_place() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [x]\n    when: {use: nowhere}\n",
            "pack.yaml:10:17",
            "unknown condition `p/nowhere`",
        ),
        (
            "  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [x]\n    when: {field_matches: {field: title, regex: \"(\"}}\n",
            "pack.yaml:10:49",
            "invalid regular expression",
        ),
        (
            "  - id: a/b\n    kind: pattern\n    severity: error\n    message: m\n    pattern: '\\d+'\n",
            "pack.yaml:9:14",
            "no literal text to look for",
        ),
        (
            "  - id: a/b\n    kind: require\n    severity: error\n    message: m\n    terms: [x]\n",
            "pack.yaml:6:11",
            "kind `require` does not take `terms`",
        ),
        (
            "  - id: a/b\n    kind: require\n    severity: error\n    message: m\n    require: {name: n, fields: [f], validator: usc}\n",
            "did you mean `uscc`",
            "unknown validator `usc`",
        ),
        (
            "  - id: a/b\n    kind: require\n    severity: error\n    message: m\n    require: {name: n, in_text: [description]}\n",
            "pack.yaml:9:14",
            "`in_text` needs a `format`",
        ),
        (
            "  - id: a/b\n    kind: pattern\n    severity: error\n    message: \"{term}\"\n    pattern: abc\n",
            "pack.yaml:8:14",
            "`{term}` is not provided by kind `pattern`",
        ),
    ];
    for (rule, place, message) in cases {
        let (code, _, stderr, _d) = check_with_pack(&format!("{HEADER}{rule}"));
        assert_eq!(code, 2, "{rule}");
        assert!(stderr.contains(place), "{place} not in {stderr}");
        assert!(stderr.contains(message), "{message} not in {stderr}");
    }
}

#[test]
fn circular_named_conditions_are_reported() {
    let (code, _, stderr, _d) = check_with_pack(
        "pack: p\nversion: \"1\"\ncategory: c\nconditions:\n  a: {use: b}\n  b: {not: {use: a}}\nrules:\n  - id: a/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [x]\n    when: {use: a}\n",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("uses itself"), "{stderr}");
}

#[test]
fn a_path_without_packs_is_an_error_not_the_builtin_packs() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["test", "validate"] {
        let (code, stdout, stderr) = run(listlint().args(["rules", sub]).arg(dir.path()));
        assert_eq!(code, 2, "{sub}: {stdout}");
        assert!(stderr.contains("no rule packs in"), "{sub}: {stderr}");
    }
    let (code, _, stderr) = run(listlint()
        .args(["check", "--rules"])
        .arg(dir.path())
        .arg("fixtures/listings.csv"));
    assert_eq!(code, 2);
    assert!(stderr.contains("no rule packs in"), "{stderr}");
}

#[test]
fn check_reports_the_problems_of_every_pack_file() {
    let (code, _, stderr) = run(listlint().args([
        "--color",
        "never",
        "check",
        "--rules",
        "fixtures/packs/broken/01-unknown-key.yaml",
        "--rules",
        "fixtures/packs/broken/02-wrong-type.yaml",
        "--rules",
        "fixtures/packs/broken/03-rules.yaml",
        "fixtures/listings.csv",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("9 problems in the rule packs"), "{stderr}");
    assert!(stderr.contains("unknown field `severty`"), "{stderr}");
    assert!(stderr.contains("expected sequence"), "{stderr}");
    assert!(stderr.contains("unknown kind `lexicn`"), "{stderr}");
}

#[test]
fn test_files_of_broken_packs_and_files_given_twice() {
    let dir = pack_with_tests("tests:\n  - text: 最好\n    expect: [w/best]\n");
    // One file, two spellings: loaded once.
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "rules",
        "test",
        ".",
        "./words.yaml",
        "words.test.yaml",
    ]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.ends_with("1 passed, 0 failed\n"), "{stdout}");
    // A pack that does not parse: its error, not an orphaned test file.
    std::fs::write(dir.path().join("words.yaml"), "pack: [\n").unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["rules", "validate", "."]));
    assert_eq!(code, 2);
    assert!(!stderr.contains("no pack next to it"), "{stderr}");
    assert!(stderr.contains("words.yaml"), "{stderr}");
}

#[test]
fn expectations_with_texts_count_each_finding() {
    let dir = pack_with_tests(
        "tests:\n  - name: twice, listed once\n    text: 最好 最好\n    expect: [{rule: w/best, text: 最好}]\n  - name: twice, listed twice\n    text: 最好 最好\n    expect: [{rule: w/best, text: 最好}, {rule: w/best, text: 最好}]\n  - name: bare id takes any count\n    text: 最好 第一\n    expect: [w/best]\n",
    );
    let (code, stdout, _) = run(listlint_in(dir.path()).args(["rules", "test", "words.yaml"]));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL words.test.yaml:2: twice, listed once\n       + w/best fired unexpectedly on 「最好」\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok   words.test.yaml:5: twice, listed twice"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok   words.test.yaml:8: bare id takes any count"),
        "{stdout}"
    );

    std::fs::write(
        dir.path().join("words.test.yaml"),
        "tests:\n  - text: 最好\n    expect: [{rule: w/best, txt: 最好}]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["rules", "test", "words.yaml"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a rule id, or `{rule: RULE_ID, text: MATCHED_TEXT}`"),
        "{stderr}"
    );
}
