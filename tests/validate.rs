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
