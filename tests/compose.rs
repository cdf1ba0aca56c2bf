//! Pack composition (`extends` and `overrides`) and `rules show`, through
//! the binary.

mod common;

use common::{jsonl, listlint, listlint_in, run};

const ACME: &str = "fixtures/packs/acme/acme-wording.yaml";

fn check_titles(extra: &[&str], titles: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("l.csv");
    let mut text = String::from("id,title\n");
    for (i, t) in titles.iter().enumerate() {
        text.push_str(&format!("L{},{t}\n", i + 1));
    }
    std::fs::write(&csv, text).unwrap();
    let (_, stdout, stderr) = run(listlint()
        .args(["check", "--format", "jsonl", "--rules", ACME])
        .args(extra)
        .arg(&csv));
    assert!(stderr.is_empty(), "{stderr}");
    jsonl(&stdout)
}

fn found(findings: &[serde_json::Value], rule: &str, listing: &str) -> Option<String> {
    findings
        .iter()
        .find(|f| f["rule"] == rule && f["listing_id"] == listing)
        .map(|f| f["severity"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn overrides_change_the_extended_rules_in_place() {
    let titles = [
        "宇宙最强吸尘器",   // added term
        "全城最好吃的蛋挞", // added allow phrase
        "王牌产品",         // brand-status turned off
        "全球首发耳机",     // first-of-kind raised to error
        "比某东便宜",       // the pack's own rule
        "最好的蚕丝被",     // inherited term, unchanged
    ];
    let findings = check_titles(&[], &titles);
    assert_eq!(
        found(&findings, "absolute/superlative", "L1").as_deref(),
        Some("error")
    );
    assert_eq!(found(&findings, "absolute/superlative", "L2"), None);
    assert_eq!(found(&findings, "absolute/brand-status", "L3"), None);
    let first = findings
        .iter()
        .find(|f| f["rule"] == "absolute/first-of-kind")
        .expect("first-of-kind fires");
    assert_eq!(first["severity"], "error");
    assert!(first["message"]
        .as_str()
        .unwrap()
        .contains("ACME 文案规范 第3.4条"));
    // The extended rules keep their pack; the new rule is the new pack's.
    assert_eq!(first["pack"], "cn-ad-absolutes");
    let own = findings
        .iter()
        .find(|f| f["rule"] == "acme/competitor-name")
        .expect("own rule fires");
    assert_eq!(own["pack"], "acme-wording");
    assert_eq!(
        found(&findings, "absolute/superlative", "L6").as_deref(),
        Some("error")
    );

    // An overridden-off rule still runs when selected by id.
    let findings = check_titles(&["--select", "absolute/brand-status"], &titles);
    assert!(found(&findings, "absolute/brand-status", "L3").is_some());

    // Without the default packs, `extends` loads the base pack itself.
    let findings = check_titles(&["--no-default-rules"], &titles);
    assert!(found(&findings, "absolute/superlative", "L1").is_some());
    assert!(findings.iter().all(|f| f["pack"] != "cn-claims"));
}

#[test]
fn rules_show_as_written_and_resolved() {
    let (code, stdout, _) =
        run(listlint().args(["rules", "show", "absolute/superlative", "--rules", ACME]));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("# rules/cn-ad-absolutes.yaml:"),
        "{stdout}"
    );
    assert!(stdout.contains("  - id: absolute/superlative\n    kind: lexicon\n"));
    assert!(!stdout.contains("宇宙最强"), "as written: {stdout}");
    assert!(
        stdout.contains("changed by 1 override(s); add --resolved"),
        "{stdout}"
    );

    let (code, stdout, _) = run(listlint().args([
        "rules",
        "show",
        "--resolved",
        "absolute/superlative",
        "--rules",
        ACME,
    ]));
    assert_eq!(code, 0);
    assert!(
        stdout
            .contains("# overridden by acme-wording at fixtures/packs/acme/acme-wording.yaml:13:"),
        "{stdout}"
    );
    for change in [
        "#   term added: 宇宙最强",
        "#   term added: 地表最强",
        "#   allow phrase added: 最好吃",
        "#   suggestion for 宇宙最强 → 性能出众",
        "#   reference added: ACME 文案规范 第3.2条",
    ] {
        assert!(stdout.contains(change), "{change}: {stdout}");
    }
    // The YAML after the comments is the rule as it runs.
    let yaml: String = stdout
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(yaml.starts_with("- id: absolute/superlative\n"), "{yaml}");
    assert!(yaml.contains("- 宇宙最强\n"), "{yaml}");
    assert!(yaml.contains("- 最好吃\n"), "{yaml}");

    let (_, stdout, _) = run(listlint().args([
        "explain",
        "--lang",
        "en",
        "absolute/brand-status",
        "--rules",
        ACME,
    ]));
    assert!(stdout.contains("opt-in (enabled: false)"), "{stdout}");
    assert!(
        stdout.contains("changed by:\n  - acme-wording (fixtures/packs/acme/acme-wording.yaml:18): off by default"),
        "{stdout}"
    );

    let (code, stdout, _) =
        run(listlint().args(["rules", "show", "--resolved", "claims/authority"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("# no overrides applied"), "{stdout}");
}

#[test]
fn price_parameters_can_be_overridden_key_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        "pack: p\nversion: \"1\"\nextends: cn-pricing\noverrides:\n  - rule: pricing/original-above-history-low\n    price: {window_days: 14}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args([
            "rules",
            "show",
            "--resolved",
            "pricing/original-above-history-low",
            "--rules",
        ])
        .arg(&pack));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("#   price.window_days → 14"), "{stdout}");
    assert!(stdout.contains("window_days: 14"), "{stdout}");
    assert!(stdout.contains("check: original-vs-history"), "{stdout}");
    assert!(stdout.contains("tolerance_yuan: 1"), "inherited: {stdout}");
}

/// Each composition error is reported at its place in the overriding pack.
#[test]
fn composition_errors_name_the_place() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "extends: cn-ad-absolute\n",
            "p.yaml:3:10: extends `cn-ad-absolute`, which is neither a loaded nor a built-in pack",
            "did you mean `cn-ad-absolutes`?",
        ),
        (
            "extends: ./missing.yaml\n",
            "p.yaml:3:10: cannot read extended pack",
            "",
        ),
        (
            "extends: p\n",
            "p.yaml:3:10: pack `p` extends itself",
            "",
        ),
        (
            "overrides:\n  - rule: absolute/superlative\n    severity: warning\n",
            "p.yaml:4:11: pack `p` has `overrides` but extends no pack",
            "name the pack whose rules it changes under `extends:`",
        ),
        (
            "extends: cn-ad-absolutes\noverrides:\n  - rule: absolute/superlativ\n",
            "p.yaml:5:11: `absolute/superlativ` is not a rule of the extended packs (cn-ad-absolutes)",
            "did you mean `absolute/superlative`?",
        ),
        (
            "extends: cn-ad-absolutes\noverrides:\n  - rule: absolute/superlative\n    remove_terms: [最最最]\n",
            "p.yaml:5:11: `absolute/superlative` has no term `最最最` to remove",
            "",
        ),
        (
            "extends: cn-ad-absolutes\noverrides:\n  - rule: absolute/superlative\n    message: \"{term} costs {price}\"\n",
            "p.yaml:5:11: override of `absolute/superlative`: rule `absolute/superlative`: message placeholder `{price}` is not provided by kind `lexicon`",
            "",
        ),
        (
            "extends: cn-pricing\noverrides:\n  - rule: pricing/raise-then-discount\n    price: {lookback_days: 7}\n",
            "p.yaml:5:11: override of `pricing/raise-then-discount`:",
            "",
        ),
        (
            "extends: cn-ad-absolutes\noverrides:\n  - rule: absolute/superlative\n    price: {window_days: 3}\n",
            "p.yaml:5:11: `price` changes a price rule; `absolute/superlative` is a lexicon rule",
            "",
        ),
    ];
    for (body, error, help) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("p.yaml"),
            format!("pack: p\nversion: \"1\"\n{body}"),
        )
        .unwrap();
        let (code, _, stderr) = run(listlint_in(dir.path())
            .args(["check", "--input-format", "csv", "--rules", "p.yaml", "-"])
            .write_stdin("id,title\n1,x\n"));
        assert_eq!(code, 2, "{body}: {stderr}");
        assert!(stderr.contains(error), "{body}: want {error}\n{stderr}");
        assert!(stderr.contains(help), "{body}: want {help}\n{stderr}");
    }
}

#[test]
fn extends_by_path_and_tests_of_the_composed_pack() {
    let (code, stdout, _) = run(listlint().args(["rules", "test", "fixtures/packs/acme"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("ok   fixtures/packs/acme/acme-wording.test.yaml:4: an added superlative")
    );
    assert!(stdout.ends_with("7 passed, 0 failed\n"), "{stdout}");

    // A pack extending another by path, relative to its own file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("base")).unwrap();
    std::fs::write(
        dir.path().join("base/words.yaml"),
        "pack: words\nversion: \"1\"\ncategory: c\nrules:\n  - id: w/a\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [最好]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("team.yaml"),
        "pack: team\nversion: \"1\"\nextends: base/words.yaml\noverrides:\n  - rule: w/a\n    add_terms: [最棒]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint_in(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "team.yaml",
            "--format",
            "jsonl",
            "--input-format",
            "csv",
            "-",
        ])
        .write_stdin("id,title\n1,最棒的茶\n"));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("\"rule\":\"w/a\""), "{stdout}");
    // Loading the base as well does not load it twice.
    let (code, _, stderr) = run(listlint_in(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "base/words.yaml",
            "--rules",
            "team.yaml",
            "--input-format",
            "csv",
            "-",
        ])
        .write_stdin("id,title\n1,最棒的茶\n"));
    assert_eq!(code, 1, "{stderr}");
}

/// Writes `files` (name, YAML) into a temporary folder.
fn packs_in(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const C: &str = "pack: c\nversion: \"1\"\ncategory: x\nrules:\n  - id: c/one\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [丙]\n";
const B: &str = "pack: b\nversion: \"1\"\ncategory: x\nextends: ./c.yaml\noverrides:\n  - rule: c/one\n    severity: info\nrules:\n  - id: b/one\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [乙]\n";

#[test]
fn the_most_specific_pack_wins_and_extends_is_transitive() {
    // a extends b extends c; a is loaded first, b and c come through
    // `extends`, yet a's override applies last.
    let dir = packs_in(&[
        ("c.yaml", C),
        ("b.yaml", B),
        (
            "a.yaml",
            "pack: a\nversion: \"1\"\nextends: ./b.yaml\noverrides:\n  - rule: c/one\n    severity: warning\n    add_terms: [丁]\n",
        ),
    ]);
    let (code, stdout, stderr) = run(listlint_in(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "a.yaml",
            "--format",
            "jsonl",
            "--input-format",
            "csv",
            "-",
        ])
        .write_stdin("id,title\n1,丙\n2,丁\n"));
    assert_eq!(code, 0, "warnings do not fail the run: {stderr}");
    let findings = jsonl(&stdout);
    assert_eq!(findings.len(), 2, "{stdout}");
    assert!(findings
        .iter()
        .all(|f| f["rule"] == "c/one" && f["severity"] == "warning"));

    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "rules",
        "show",
        "--resolved",
        "c/one",
        "--no-default-rules",
        "--rules",
        "a.yaml",
    ]));
    let b_at = stdout
        .find("# overridden by b at b.yaml:6:")
        .expect(&stdout);
    let a_at = stdout
        .find("# overridden by a at a.yaml:5:")
        .expect(&stdout);
    assert!(b_at < a_at, "{stdout}");

    // a's examples run with c's rules too.
    std::fs::write(
        dir.path().join("a.test.yaml"),
        "tests:\n  - text: 乙丙\n    expect: [b/one, {rule: c/one, text: 丙}]\n",
    )
    .unwrap();
    let (code, stdout, _) = run(listlint_in(dir.path()).args(["rules", "test", "a.yaml"]));
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn cycles_and_list_entries_are_reported_where_they_are() {
    let dir = packs_in(&[
        ("c.yaml", "pack: c\nversion: \"1\"\nextends: ./a.yaml\n"),
        ("b.yaml", B),
        ("a.yaml", "pack: a\nversion: \"1\"\nextends: ./b.yaml\n"),
    ]);
    let (code, _, stderr) =
        run(listlint_in(dir.path()).args(["--color", "never", "rules", "validate", "a.yaml"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a.yaml:3:10: packs extend each other in a cycle: a → b → c → a"),
        "{stderr}"
    );

    let dir = packs_in(&[(
        "a.yaml",
        "pack: a\nversion: \"1\"\nextends:\n  - cn-ad-absolutes\n  - cn-claim\n  - ./missing.yaml\n  - \"\"\n",
    )]);
    let (code, _, stderr) =
        run(listlint_in(dir.path()).args(["--color", "never", "rules", "validate", "a.yaml"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a.yaml:5:5: extends `cn-claim`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `cn-claims`?"), "{stderr}");
    assert!(
        stderr.contains("a.yaml:6:5: cannot read extended pack missing.yaml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("a.yaml:7:5: empty entry in `extends`"),
        "{stderr}"
    );
}

#[test]
fn a_builtin_pack_extended_without_the_defaults_brings_its_conditions() {
    let dir = packs_in(&[(
        "e.yaml",
        "pack: e\nversion: \"1\"\nextends: cn-certificates\noverrides:\n  - rule: cert/ccc-certificate\n    severity: error\n",
    )]);
    let (code, stdout, stderr) = run(listlint_in(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "e.yaml",
            "--format",
            "jsonl",
            "--no-collapse",
            "--input-format",
            "csv",
            "-",
        ])
        .write_stdin("id,title,category\n1,电热水壶 1.7L,家用电器/厨房电器\n"));
    assert_eq!(code, 1, "{stderr}");
    let findings = jsonl(&stdout);
    let ccc = findings
        .iter()
        .find(|f| f["rule"] == "cert/ccc-certificate")
        .expect(&stdout);
    assert_eq!(ccc["severity"], "error");
    // The conditions pack has no rules of its own to report.
    assert!(
        findings.iter().all(|f| f["pack"] == "cn-certificates"),
        "{stdout}"
    );
}

#[test]
fn overridden_rules_are_linted_at_the_override() {
    let dir = packs_in(&[(
        "o.yaml",
        "pack: o\nversion: \"1\"\nextends: cn-ad-absolutes\noverrides:\n  - rule: absolute/superlative\n    add_allow: [最好, 不相关]\n",
    )]);
    let (code, stdout, _) = run(listlint_in(dir.path()).args(["rules", "validate", "o.yaml"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("warning: o.yaml:5: `absolute/superlative`: allow phrase `最好` is one of the rule's terms"),
        "{stdout}"
    );
    assert!(
        stdout.contains("allow phrase `不相关` contains none of the rule's terms"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 packs, 0 rules: valid, 2 warnings\n"),
        "{stdout}"
    );
}

#[test]
fn rules_show_finds_items_whatever_key_comes_first() {
    let dir = packs_in(&[(
        "k.yaml",
        "pack: k\nversion: \"1\"\ncategory: x\nrules:\n  -\n    kind: lexicon\n    id: k/one\n    severity: error\n    message: m\n    terms: [甲]\n  - kind: lexicon\n    id: k/two\n    severity: error\n    message: m\n    terms: [乙]\nconditions: {}\n",
    )]);
    let (_, stdout, _) =
        run(listlint_in(dir.path()).args(["rules", "show", "k/one", "--rules", "k.yaml"]));
    assert!(stdout.ends_with("  -\n    kind: lexicon\n    id: k/one\n    severity: error\n    message: m\n    terms: [甲]\n"), "{stdout}");
    let (_, stdout, _) =
        run(listlint_in(dir.path()).args(["rules", "show", "k/two", "--rules", "k.yaml"]));
    assert!(stdout.ends_with("  - kind: lexicon\n    id: k/two\n    severity: error\n    message: m\n    terms: [乙]\n"), "{stdout}");
}

/// A pack of your own that uses a built-in named condition works without
/// the default packs: the condition pack comes along, and no rules with it.
#[test]
fn builtin_conditions_without_the_default_packs() {
    let dir = packs_in(&[(
        "food.yaml",
        "pack: food\nversion: \"1\"\ncategory: c\nrules:\n  - id: food/fresh\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [现摘]\n    when: {use: cn-categories/food}\n",
    )]);
    let (code, stdout, stderr) = run(listlint_in(dir.path())
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "food.yaml",
            "--format",
            "jsonl",
            "--input-format",
            "csv",
            "-",
        ])
        .write_stdin("id,title,category\n1,现摘苹果,食品/水果\n2,现摘图案T恤,服饰/T恤\n"));
    assert_eq!(code, 1, "{stderr}");
    let findings = jsonl(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert_eq!(findings[0]["listing_id"], "1");
}
