//! Pack composition (`extends` and `overrides`) and `rules show`, through
//! the binary.

mod common;

use common::{jsonl, listlint, run};

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
    assert!(stdout.contains("changed by 1 override(s)"), "{stdout}");

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

    let (_, stdout, _) =
        run(listlint().args(["explain", "absolute/brand-status", "--rules", ACME]));
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
        let (code, _, stderr) = run(listlint()
            .current_dir(dir.path())
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
    let (code, stdout, stderr) = run(listlint()
        .current_dir(dir.path())
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
    let (code, _, stderr) = run(listlint()
        .current_dir(dir.path())
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
