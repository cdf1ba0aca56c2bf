//! What a reviewer writing a company pack runs into: overrides that change
//! nothing, company terms shadowed by built-in rules, every error of a pack
//! in one run, hints that name the right key, labels that tell cases and
//! findings apart, and a pack named twice.

mod common;

use std::path::Path;

use common::{jsonl, listlint_in, run};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn validate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = listlint_in(dir);
    cmd.args(["rules", "validate"]).args(args);
    run(&mut cmd)
}

#[test]
fn an_override_that_changes_nothing_says_why_and_where() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "acme.yaml",
        "pack: acme\nversion: \"1\"\nextends: cn-ad-absolutes\noverrides:\n  \
         - rule: absolute/superlative\n    add_allow: [最好冷藏]\n  \
         - rule: absolute/number-one\n    add_allow: [顾客第一]\n  \
         - rule: absolute/top-grade\n    add_terms: [顶级]\n  \
         - rule: absolute/first-of-kind\n",
    );
    let (code, _, stderr) = validate(dir.path(), &["acme.yaml"]);
    assert_eq!(code, 2, "{stderr}");
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/cn-ad-absolutes.yaml"),
    )
    .unwrap();
    // The line of `needle` in the list under `key` of the rule `rule`
    // (the pack's own list when `rule` is empty).
    let line_of = |needle: &str, rule: &str, key: &str| {
        let start = builtin.find(rule).unwrap();
        let start = start + builtin[start..].find(key).unwrap();
        let at = start + builtin[start..].find(needle).unwrap();
        builtin[..at].lines().count()
    };
    let rule_allow = line_of("最好冷藏", "id: absolute/superlative", "    allow:");
    let pack_allow = line_of("顾客第一", "", "\nallow:");
    let term = line_of("顶级", "id: absolute/top-grade", "    terms:");
    for expected in [
        format!(
            "acme.yaml:5:11: the override of `absolute/superlative` changes nothing: `最好冷藏` is already an allow phrase of the rule (`最好冷藏`, rules/cn-ad-absolutes.yaml:{rule_allow})"
        ),
        format!(
            "acme.yaml:7:11: the override of `absolute/number-one` changes nothing: `顾客第一` is already an allow phrase of the whole pack `cn-ad-absolutes` (`顾客第一`, rules/cn-ad-absolutes.yaml:{pack_allow})"
        ),
        format!(
            "acme.yaml:9:11: the override of `absolute/top-grade` changes nothing: `顶级` is already a term of the rule (`顶级`, rules/cn-ad-absolutes.yaml:{term})"
        ),
        "acme.yaml:11:11: the override of `absolute/first-of-kind` changes nothing: it sets nothing but `rule`".to_owned(),
    ] {
        assert!(stderr.contains(&expected), "{expected}\n---\n{stderr}");
    }
    // Pinning a value the rule already has is a change (it survives a
    // later version of the built-in pack), not an error.
    write(
        dir.path(),
        "pin.yaml",
        "pack: pin\nversion: \"1\"\nextends: cn-ad-absolutes\noverrides:\n  \
         - rule: absolute/superlative\n    severity: error\n",
    );
    let (code, _, stderr) = validate(dir.path(), &["pin.yaml"]);
    assert_eq!(code, 0, "{stderr}");
}

const SHADOWING: &str = "pack: acme-words
version: \"1\"
category: absolute-terms
rules:
  - id: acme/best
    kind: lexicon
    severity: error
    message: \"「{term}」ACME 禁用\"
    terms: [最好, 宇宙无敌好]
";

#[test]
fn a_company_term_shadowed_by_a_builtin_rule_is_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme.yaml", SHADOWING);
    let (code, stdout, stderr) = validate(dir.path(), &["acme.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "warning: acme.yaml:9:12: `acme/best`: term `最好` is also a term of `absolute/superlative` (built-in pack `cn-ad-absolutes`, same category `absolute-terms`)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("valid, 1 warnings"), "{stdout}");
    // What the warning is about: `check` reports the built-in rule there.
    write(
        dir.path(),
        "l.jsonl",
        "{\"id\":\"A\",\"title\":\"最好的杯子\"}\n",
    );
    let (_, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--rules",
        "acme.yaml",
        "--format",
        "jsonl",
        "l.jsonl",
    ]));
    let rules: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(rules, ["absolute/superlative"], "{stderr}");
    // Without the built-in packs there is nothing to shadow it.
    let (code, stdout, _) = validate(dir.path(), &["--no-default-rules", "acme.yaml"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("valid, 0 warnings"), "{stdout}");
}

/// The pack of docs/rule-packs.md's "Taking over a built-in term".
fn documented_takeover() -> String {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rule-packs.md"))
            .unwrap();
    let section = docs
        .split("### Taking over a built-in term")
        .nth(1)
        .expect("the section exists");
    let block = section.split("```yaml\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_owned()
}

#[test]
fn the_documented_takeover_makes_the_company_rule_report_the_term() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme.yaml", &documented_takeover());
    let (code, stdout, stderr) = validate(dir.path(), &["acme.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("valid, 0 warnings"), "{stdout}");
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args(["rules", "test", "acme.yaml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    write(
        dir.path(),
        "l.jsonl",
        "{\"id\":\"A\",\"title\":\"最牛的杯子 最佳选择\"}\n",
    );
    let (_, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--rules",
        "acme.yaml",
        "--format",
        "jsonl",
        "l.jsonl",
    ]));
    let found: Vec<(String, String)> = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // 最牛 is the company rule's now; the built-in rule keeps 最佳.
    assert_eq!(
        found,
        [
            ("acme/best".to_owned(), "最牛".to_owned()),
            ("absolute/superlative".to_owned(), "最佳".to_owned())
        ],
        "{stderr}"
    );
}

#[test]
fn validate_reports_key_errors_and_kind_errors_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "promo.yaml",
        "pack: promo
version: \"1\"
category: promotion
rules:
  - id: acme/promo
    kind: disclosure
    severity: warning
    message: \"「{trigger}」缺少{item}\"
    terms: [限时]
    trigger_recognizers: [offers]
    disclose:
      - item: 活动时间
        recognizers: [time_window]
      - item: 活动规则
",
    );
    let (code, stdout, stderr) = validate(dir.path(), &["promo.yaml"]);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "promo.yaml:6:11: rule `acme/promo`: kind `disclosure` does not take `terms`",
        "help: kind disclosure writes this as `triggers`; `terms` belongs to kind lexicon",
        "promo.yaml:10:27: unknown recogniser `offers`",
        "promo.yaml:13:23: unknown recogniser `time_window`",
        "did you mean `time-window`?",
        "item `活动规则` has no `fields`, `recognizers` or `terms` to find it by",
    ] {
        assert!(stderr.contains(expected), "{expected}\n---\n{stderr}");
    }
    assert!(stdout.contains("1 rules: 4 errors"), "{stdout}");
}

#[test]
fn overrides_without_extends_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "acme.yaml",
        "pack: acme\nversion: \"1\"\noverrides:\n  - rule: absolute/superlative\n    severity: warning\n  - rule: absolute/number-one\n    severity: warning\n",
    );
    let (code, stdout, stderr) = validate(dir.path(), &["acme.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("acme.yaml:4:11: pack `acme` has `overrides` but extends no pack"),
        "{stderr}"
    );
    assert!(!stderr.contains("()"), "{stderr}");
    assert!(stdout.contains("1 errors"), "{stdout}");
}

const DISCLOSURE: &str = "pack: gtest
version: \"1\"
category: promotion
rules:
  - id: g/promo
    kind: disclosure
    severity: warning
    message: \"「{trigger}」缺少{item}\"
    triggers: [限时]
    disclose:
      - item: 活动时间
        recognizers: [time-window]
      - item: 活动规则
        terms: [活动规则]
    examples:
      - text: 限时特惠
        expect: [g/promo]
      - name: no trigger
        listing:
          title: 特惠
        expect: []
      - text: 限时特惠
        expect: []
";

#[test]
fn rules_test_labels_cases_by_place_and_findings_by_message() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "g.yaml", DISCLOSURE);
    let (code, stdout, _) = run(listlint_in(dir.path()).args(["rules", "test", "g.yaml"]));
    assert_eq!(code, 1, "{stdout}");
    for expected in [
        "ok   g/promo #1 (g.yaml:16): 限时特惠",
        "ok   g/promo #2 (g.yaml:18): no trigger",
        "FAIL g/promo #3 (g.yaml:22): 限时特惠",
        "       + g/promo fired unexpectedly on 「限时」: 「限时」缺少活动时间",
        "       + g/promo fired unexpectedly on 「限时」: 「限时」缺少活动规则",
    ] {
        assert!(stdout.contains(expected), "{expected}\n---\n{stdout}");
    }
}

#[test]
fn rules_diff_corpus_names_which_item_a_finding_is_about() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.yaml", DISCLOSURE);
    // The new version finds the rules in a `rules` field too.
    write(
        dir.path(),
        "new.yaml",
        &DISCLOSURE.replace(
            "      - item: 活动规则\n",
            "      - item: 活动规则\n        fields: [rules]\n",
        ),
    );
    write(
        dir.path(),
        "l.csv",
        "id,title,rules\nA1,限时特惠,见详情页\n",
    );
    let (code, stdout, stderr) = run(listlint_in(dir.path())
        .args(["rules", "diff", "old.yaml", "new.yaml", "--corpus", "l.csv"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("        l.csv:2 A1 title 「限时」 warning: 「限时」缺少活动规则"),
        "{stdout}"
    );
    assert!(!stdout.contains("缺少活动时间"), "{stdout}");
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "rules", "diff", "old.yaml", "new.yaml", "--corpus", "l.csv", "--format", "json",
    ]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["corpus"]["disappeared"][0]["message"], "「限时」缺少活动规则",
        "{json}"
    );
}

#[test]
fn a_pack_given_by_the_config_and_by_rules_is_loaded_once() {
    let dir = tempfile::tempdir().unwrap();
    let acme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packs/acme/acme-wording.yaml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("packs")).unwrap();
    write(&dir.path().join("packs"), "acme-wording.yaml", &acme);
    write(
        dir.path(),
        "listlint.yaml",
        "rules: [packs/acme-wording.yaml]\n",
    );
    write(
        dir.path(),
        "l.jsonl",
        "{\"id\":\"A\",\"title\":\"宇宙最强吸尘器\"}\n",
    );
    for rules in [
        "packs/acme-wording.yaml",
        "./packs/../packs/acme-wording.yaml",
        "packs",
    ] {
        let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
            "check",
            "--rules",
            rules,
            "--select",
            "absolute/",
            "--format",
            "jsonl",
            "l.jsonl",
        ]));
        assert_eq!(code, 1, "--rules {rules}: {stderr}");
        let rules_found: Vec<String> = jsonl(&stdout)
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(rules_found, ["absolute/superlative"], "{stderr}");
    }
}
