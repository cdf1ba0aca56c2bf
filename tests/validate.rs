//! `listlint rules validate` through the binary.

mod common;

use common::{listlint, run};

#[test]
fn the_shipped_packs_are_valid_without_warnings() {
    let (code, stdout, _) = run(listlint().args(["rules", "validate"]));
    assert_eq!(code, 0);
    assert!(stdout.ends_with("valid, 0 warnings\n"), "{stdout}");
}

#[test]
fn warnings_for_terms_and_allow_phrases_that_misfire() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/a\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [第一, 最好, 最 好]\n    allow: [第一~, 顶级享受]\n  - id: p/b\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [最好]\n",
    )
    .unwrap();
    let (code, stdout, _) = run(listlint().args(["rules", "validate"]).arg(&pack));
    assert_eq!(code, 0, "warnings do not fail");
    assert!(
        stdout.contains("p.yaml:9:12: `p/a`: term `最 好` repeats `最好`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("allow phrase `第一~` is one of the rule's terms"),
        "{stdout}"
    );
    assert!(
        stdout.contains("allow phrase `顶级享受` contains none of the rule's terms"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`p/b`: term `最好` is also a term of `p/a` in category `c`"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 packs, 2 rules: valid, 4 warnings\n"),
        "{stdout}"
    );

    std::fs::write(
        &pack,
        "pack: p\nversion: \"1\"\nrules:\n  - id: p/a\n    kind: lexicon\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint().args(["rules", "validate"]).arg(&pack));
    assert_eq!(code, 2);
    assert!(stderr.contains("p.yaml:"), "{stderr}");
}

/// The broken fixture packs: one run reports every error, each with its
/// file, line and column, plus the lint warnings of the packs that parse.
#[test]
fn every_problem_of_the_broken_fixture_in_one_run() {
    let (code, stdout, stderr) = run(listlint().args([
        "--color",
        "never",
        "rules",
        "validate",
        "fixtures/packs/broken",
    ]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    let dir = "fixtures/packs/broken";
    let errors = [
        ("01-unknown-key.yaml:8:5", "unknown field `severty`"),
        ("01-unknown-key.yaml:8:5", "did you mean `severity`?"),
        ("02-wrong-type.yaml:11:7", "expected sequence"),
        ("04-duplicates.yaml:2:7", "pack `broken-rules` is loaded twice: fixtures/packs/broken/03-rules.yaml and fixtures/packs/broken/04-duplicates.yaml"),
        ("04-duplicates.yaml:6:9", "rule id `broken/empty-terms` is already defined at fixtures/packs/broken/03-rules.yaml:12"),
        ("03-rules.yaml:7:11", "unknown kind `lexicn`"),
        ("03-rules.yaml:16:12", "`terms` is empty"),
        ("03-rules.yaml:22:14", "invalid regular expression"),
        ("03-rules.yaml:27:14", "message placeholder `{price}` is not provided by kind `lexicon`"),
        ("03-rules.yaml:31:11", "kind `pattern` does not take `terms`"),
        ("03-rules.yaml:43:47", "invalid regular expression"),
        ("03-rules.yaml:51:12", "unknown condition `cn-categories/fod`"),
    ];
    for (place, message) in errors {
        let header = format!("[{dir}/{place}]");
        assert!(stderr.contains(&header), "no snippet at {place}:\n{stderr}");
        let located = stderr
            .split("listlint::pack::invalid")
            .any(|block| block.contains(&header) && block.contains(message));
        assert!(located, "no `{message}` at {place}:\n{stderr}");
    }
    assert_eq!(
        stderr.matches("listlint::pack::invalid").count(),
        11,
        "{stderr}"
    );
    for (place, message) in [
        ("03-rules.yaml:57:12", "term `唯 一` repeats `唯一`"),
        (
            "03-rules.yaml:57:12",
            "allow phrase `首选` is one of the rule's terms",
        ),
        (
            "03-rules.yaml:57:12",
            "allow phrase `质量好` contains none of the rule's terms",
        ),
        (
            "03-rules.yaml:64:12",
            "term `唯一` is also a term of `broken/shared`",
        ),
    ] {
        let line = format!("warning: {dir}/{place}: ");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&line) && l.contains(message)),
            "no warning `{message}` at {place}:\n{stdout}"
        );
    }
    assert!(
        stdout.ends_with("4 packs, 10 rules: 11 errors, 4 warnings\n"),
        "{stdout}"
    );
}

/// `check` reports every pack problem too, not only the first.
#[test]
fn check_reports_every_pack_problem() {
    let (code, _, stderr) = run(listlint().args([
        "--color",
        "never",
        "check",
        "--rules",
        "fixtures/packs/broken/03-rules.yaml",
        "fixtures/listings.csv",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("7 problems in the rule packs"), "{stderr}");
    assert!(stderr.contains("unknown kind `lexicn`"), "{stderr}");
    assert!(
        stderr.contains("unknown condition `cn-categories/fod`"),
        "{stderr}"
    );
}
