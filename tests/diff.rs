//! `listlint rules diff` through the binary.

mod common;

use common::{listlint, run};

/// A copy of the built-in cn-ad-absolutes pack with a new version, one
/// severity changed, a term added and one removed, an allow phrase added,
/// one rule removed and one added.
fn changed_absolutes(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string("rules/cn-ad-absolutes.yaml").unwrap();
    let replace_once = |text: &mut String, old: &str, new: &str, from: &str| {
        let start = text.find(from).expect(from);
        let at = start + text[start..].find(old).expect(old);
        text.replace_range(at..at + old.len(), new);
    };
    replace_once(
        &mut text,
        "version: \"2026.12.0\"",
        "version: \"2027.1.0\"",
        "version:",
    );
    replace_once(
        &mut text,
        "severity: error",
        "severity: warning",
        "id: absolute/number-one",
    );
    replace_once(
        &mut text,
        "terms: [",
        "terms: [宇宙第一, ",
        "id: absolute/number-one",
    );
    replace_once(
        &mut text,
        "领军品牌, ",
        "",
        "terms: [\n      王牌, 领导品牌",
    );
    replace_once(
        &mut text,
        "allow: [",
        "allow: [第一印象笔记, ",
        "id: absolute/number-one",
    );
    // Drop the last rule (absolute/unprecedented) and add one.
    let last = text.find("  - id: absolute/unprecedented").unwrap();
    text.truncate(last);
    text.push_str("  - id: absolute/new-rule\n    kind: lexicon\n    severity: info\n    message: \"「{term}」\"\n    terms: [绝无仅有]\n");
    let path = dir.join("cn-ad-absolutes.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn rule_changes_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let new = changed_absolutes(dir.path());
    let (code, stdout, stderr) = run(listlint()
        .args(["rules", "diff", "cn-ad-absolutes"])
        .arg(&new));
    assert_eq!(code, 0, "{stderr}");
    for line in [
        "  ~ cn-ad-absolutes 2026.12.0 → 2027.1.0\n",
        "rules: 1 added, 1 removed, 2 changed\n",
        "  ~ absolute/number-one (cn-ad-absolutes)\n",
        "      severity: error → warning\n",
        "  ~ absolute/brand-status (cn-ad-absolutes)\n",
        "  - absolute/unprecedented (cn-ad-absolutes; lexicon, error)\n",
        "  + absolute/new-rule (cn-ad-absolutes; lexicon, info)\n",
    ] {
        assert!(stdout.contains(line), "want {line:?}:\n{stdout}");
    }
    assert!(stdout.contains("      terms: + 宇宙第一"), "{stdout}");
    assert!(stdout.contains("      allow: + 第一印象笔记"), "{stdout}");
    assert!(stdout.contains("- 领军品牌"), "{stdout}");

    let (code, stdout, _) = run(listlint()
        .args(["rules", "diff", "--format", "json", "cn-ad-absolutes"])
        .arg(&new));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules = json["rules"]["rules"].as_array().unwrap();
    let number_one = rules
        .iter()
        .find(|r| r["id"] == "absolute/number-one")
        .unwrap();
    assert_eq!(number_one["change"], "changed");
    let keys = number_one["keys"].as_array().unwrap();
    let terms = keys.iter().find(|k| k["key"] == "terms").unwrap();
    assert_eq!(terms["added"], serde_json::json!(["宇宙第一"]));
    let severity = keys.iter().find(|k| k["key"] == "severity").unwrap();
    assert_eq!(
        (severity["old"].as_str(), severity["new"].as_str()),
        (Some("error"), Some("warning"))
    );
    assert!(json["corpus"].is_null());
}

#[test]
fn corpus_findings_that_appear_disappear_and_change_severity() {
    let dir = tempfile::tempdir().unwrap();
    let new = changed_absolutes(dir.path());
    let corpus = dir.path().join("c.csv");
    std::fs::write(
        &corpus,
        "id,title\nC1,宇宙第一好用\nC2,史无前例的低价\nC3,销量第一\nC4,领军品牌\nC5,纯棉T恤\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args(["rules", "diff", "cn-ad-absolutes"])
        .arg(&new)
        .arg("--corpus")
        .arg(&corpus));
    assert_eq!(code, 0, "{stderr}");
    let c = corpus.display().to_string();
    for line in [
        "  appeared:\n    + absolute/number-one (1)\n".to_owned(),
        format!("        {c}:2 C1 title 「宇宙第一」 warning\n"),
        "  disappeared:\n".to_owned(),
        format!("        {c}:3 C2 title 「史无前例」 error\n"),
        format!("        {c}:2 C1 title 「第一」 error\n"),
        format!("        {c}:5 C4 title 「领军品牌」 warning\n"),
        "  severity changed:\n".to_owned(),
        format!("        {c}:4 C3 title 「销量第一」 error → warning\n"),
    ] {
        assert!(stdout.contains(&line), "want {line:?}:\n{stdout}");
    }
    assert!(stdout.contains(": 5 listings\n"), "{stdout}");

    let (_, stdout, _) = run(listlint()
        .args(["rules", "diff", "--format", "json", "cn-ad-absolutes"])
        .arg(&new)
        .arg("--corpus")
        .arg(&corpus));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["corpus"]["listings"], 5);
    assert_eq!(json["corpus"]["appeared"].as_array().unwrap().len(), 1);
    // C1's old finding on 第一 gives way to the longer new term 宇宙第一.
    assert_eq!(json["corpus"]["disappeared"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["corpus"]["severity_changed"][0]["old_severity"],
        "error"
    );
}

#[test]
fn no_changes_and_bad_sides() {
    let (code, stdout, _) =
        run(listlint().args(["rules", "diff", "cn-claims", "rules/cn-claims.yaml"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("no changes to packs or rules"), "{stdout}");

    let (code, _, stderr) =
        run(listlint().args(["rules", "diff", "cn-claim", "rules/cn-claims.yaml"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`cn-claim` is neither a file or folder nor a built-in pack"),
        "{stderr}"
    );

    let (code, _, stderr) = run(listlint().args([
        "rules",
        "diff",
        "cn-ad-absolutes",
        "fixtures/packs/broken/03-rules.yaml",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown kind `lexicn`"), "{stderr}");
}

#[test]
fn two_builtin_packs_and_repeated_findings() {
    let (code, stdout, _) = run(listlint().args(["rules", "diff", "cn-ad-absolutes", "cn-claims"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("  - cn-ad-absolutes 2026.12.0\n  + cn-claims"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rules: 11 added, 7 removed, 0 changed"),
        "{stdout}"
    );

    // A title with the same term twice: both findings are counted.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    std::fs::write(&corpus, "{\"id\":\"R1\",\"title\":\"王牌 王牌 最好\"}\n").unwrap();
    let (_, stdout, _) = run(listlint()
        .args([
            "rules",
            "diff",
            "--format",
            "json",
            "cn-ad-absolutes",
            "cn-claims",
            "--corpus",
        ])
        .arg(&corpus));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let c = &json["corpus"];
    assert_eq!(c["old_findings"], 3, "{stdout}");
    assert_eq!(c["new_findings"], 0, "{stdout}");
    assert_eq!(c["disappeared"].as_array().unwrap().len(), 3, "{stdout}");
}

/// A parameter override, its effect on a corpus with a price history.
#[test]
fn price_parameter_change_on_a_corpus_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        "pack: p30\nversion: \"1\"\nextends: cn-pricing\noverrides:\n  - rule: pricing/original-above-history-low\n    price: {window_days: 30}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args(["rules", "diff", "cn-pricing"])
        .arg(&pack)
        .args([
            "--corpus",
            "fixtures/pricing.csv",
            "--price-history",
            "fixtures/price-history.csv",
            "--as-of",
            "2026-11-11",
        ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("      price.window_days: 7 → 30\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  + p30 1\n"), "{stdout}");
    assert!(
        stdout.contains("    + pricing/original-above-history-low (1)\n        fixtures/pricing.csv:7 PR-006 original_price 「399」 error\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("price-history rows could not be read"),
        "{stdout}"
    );
}

/// The corpus is read with the profile given: a Shopify export's variants
/// are grouped, and a tolerance change shows on the variant it affects.
#[test]
fn corpus_read_with_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        "pack: lenient\nversion: \"1\"\nextends: cn-pricing\noverrides:\n  - rule: pricing/discount-claim-mismatch\n    price: {tolerance_percent: 10}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args(["rules", "diff", "cn-pricing"])
        .arg(&pack)
        .args([
            "--corpus",
            "fixtures/shopify/products.csv",
            "--profile",
            "shopify",
        ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(": 2 listings\n"), "two products: {stdout}");
    assert!(
        stdout.contains("    - pricing/discount-claim-mismatch (1)\n        fixtures/shopify/products.csv:2 wool-scarf description 「5折」 error\n"),
        "{stdout}"
    );
}
