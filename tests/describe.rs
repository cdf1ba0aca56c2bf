//! `listlint rules list` and `listlint explain` through the binary.

mod common;

use common::{listlint, run};

#[test]
fn rules_list_filters_and_json() {
    let (code, stdout, _) = run(listlint().args(["rules", "list", "--format", "json"]));
    assert_eq!(code, 0);
    let all: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert!(all.len() >= 40);
    let opt_in = all
        .iter()
        .find(|r| r["id"] == "pricing/original-without-basis")
        .unwrap();
    assert_eq!(opt_in["enabled"], false);
    let (_, stdout, _) =
        run(listlint().args(["rules", "list", "--format", "json", "--category", "claims"]));
    let claims: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert!(!claims.is_empty() && claims.iter().all(|r| r["category"] == "claims"));
    let (_, stdout, _) = run(listlint().args([
        "rules",
        "list",
        "--no-default-rules",
        "--rules",
        "tests/data/test-pack.yaml",
    ]));
    assert!(
        stdout.contains("test/superlative") && stdout.ends_with("4 rules in 1 of 1 loaded packs\n"),
        "{stdout}"
    );
    let (_, stdout, _) = run(listlint().args(["rules", "list", "--pack", "cn-pricing"]));
    assert!(stdout.contains("(opt-in)"), "{stdout}");
}

#[test]
fn explain_shows_what_a_rule_checks() {
    let (code, stdout, _) =
        run(listlint().args(["explain", "--lang", "en", "absolute/number-one"]));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("absolute/number-one — "), "{stdout}");
    assert!(stdout.contains("pack cn-ad-absolutes"));
    assert!(stdout.contains("terms (") && stdout.contains("第一时间"));
    assert!(stdout.contains("《中华人民共和国广告法》第九条第三项"));
    assert!(stdout.contains("examples:"));
    let (_, stdout, _) =
        run(listlint().args(["explain", "--lang", "en", "claims/medical-efficacy"]));
    assert!(
        stdout.contains("when: not (any of (use cn-categories/medical-or-drug"),
        "{stdout}"
    );
    let (code, _, stderr) = run(listlint().args(["explain", "absolute/numbr-one"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `absolute/number-one`"),
        "{stderr}"
    );
}
