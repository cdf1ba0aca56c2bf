//! `listlint compare` end to end: three channel exports in three formats
//! and encodings (fixtures/compare: GB18030 CSV, XLSX, JSON Lines) with
//! planted disagreements of every comparison and agreements that differ
//! only in form.

mod common;

use common::{jsonl, listing_rules, listlint, owned_pairs, run};

const TMALL: &str = "天猫=fixtures/compare/tmall.csv";
const JD: &str = "京东=fixtures/compare/jd.xlsx";
const DOUYIN: &str = "抖音=fixtures/compare/douyin.jsonl";

fn compare(extra: &[&str]) -> (i32, String, String) {
    let mut cmd = listlint();
    cmd.args([
        "compare",
        "--config",
        "fixtures/compare/listlint.yaml",
        "--as-of",
        "2026-12-05",
        "--channel",
        TMALL,
        "--channel",
        JD,
        "--channel",
        DOUYIN,
    ]);
    cmd.args(extra);
    run(&mut cmd)
}

#[test]
fn reports_each_disagreement_once_with_every_side() {
    let (code, out, err) = compare(&["--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let findings = jsonl(&out);
    assert_eq!(
        listing_rules(&findings),
        owned_pairs(&[
            ("P002", "consistency/brand"),
            ("P002", "consistency/cert.cosmetics"),
            ("P003", "consistency/net_content"),
            ("P003", "consistency/origin"),
            ("P004", "consistency/ingredients"),
            ("P005", "consistency/original_price"),
            ("P005", "consistency/price"),
        ])
    );
    for f in &findings {
        assert_eq!(f["category"], "consistency");
        assert_eq!(f["pack"], "consistency");
        assert_eq!(f["file"], "fixtures/compare/tmall.csv");
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    }
    let brand = &findings[0];
    assert_eq!(brand["line"], 3);
    assert_eq!(brand["field"], "brand");
    assert_eq!(brand["severity"], "warning");
    let message = brand["message"].as_str().unwrap();
    for side in [
        "天猫「自然堂」(fixtures/compare/tmall.csv:3)",
        "京东「CHANDO」(fixtures/compare/jd.xlsx#商品:3)",
        "抖音「自然堂」(fixtures/compare/douyin.jsonl:2)",
    ] {
        assert!(message.contains(side), "{message}");
    }
    // Quantities: 500ml = 0.5L, and 450ml is not.
    let net = findings[2]["message"].as_str().unwrap();
    assert!(
        net.contains("京东「450ml」(fixtures/compare/jd.xlsx#商品:4)"),
        "{net}"
    );
    // Prices: the channel in a promotion is listed but not compared.
    let price = &findings[6];
    assert_eq!(price["severity"], "info");
    let text = price["message"].as_str().unwrap();
    assert!(text.contains("抖音 ¥79 活动期间，未比较"), "{text}");
    assert!(text.contains("相差 ¥30"), "{text}");
    let original = &findings[5];
    assert_eq!(original["severity"], "warning");
    assert_eq!(original["field"], "original_price");
    assert!(original["message"]
        .as_str()
        .unwrap()
        .contains("划线价 ¥199 (fixtures/compare/tmall.csv:6)"));
    // P006 is only on 天猫: counted on standard error without --missing.
    assert!(
        err.contains("京东 lacks 1 keys other channels have: P006"),
        "{err}"
    );
}

#[test]
fn forms_agree_and_ignored_fields_are_not_compared() {
    // P001 differs only in form on every side (國妝/国妆, full-width
    // digits, 500ml/0.5L/500 毫升, ingredients in another order); its
    // material differs but the config ignores it.
    let (_, out, _) = compare(&["--format", "jsonl"]);
    assert!(jsonl(&out).iter().all(|f| f["listing_id"] != "P001"));
    // Without the config: material compared (exact), 京东's 容量 is not
    // net content, and keys are mapped on the command line.
    let (code, out, err) = run(listlint().args([
        "compare",
        "--key",
        "商家编码",
        "--key-map",
        "京东=商家SKU",
        "--key-map",
        "抖音=sku",
        "--as-of",
        "2026-12-05",
        "--format",
        "jsonl",
        "--channel",
        TMALL,
        "--channel",
        JD,
        "--channel",
        DOUYIN,
    ]));
    assert_eq!(code, 0, "{err}");
    let rules = listing_rules(&jsonl(&out));
    assert!(
        rules.contains(&("P001".into(), "consistency/material".into())),
        "{rules:?}"
    );
    // 天猫 500ml vs 抖音 0.5L agree; 京东's 450ml is not read as net content.
    assert!(
        !rules.contains(&("P003".into(), "consistency/net_content".into())),
        "{rules:?}"
    );
}

#[test]
fn missing_keys_are_findings_with_the_flag() {
    let (_, out, _) = compare(&["--format", "jsonl", "--missing"]);
    let findings = jsonl(&out);
    let missing: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "consistency/missing")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["listing_id"], "P006");
    assert_eq!(missing[0]["line"], 7);
    assert!(missing[0]["message"]
        .as_str()
        .unwrap()
        .contains("京东、抖音 没有"));
}

#[test]
fn baselines_and_waivers_work_as_for_check() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let (code, _, err) = compare(&[
        "--format",
        "jsonl",
        "--write-baseline",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 7 findings to the baseline"), "{err}");
    let (_, out, _) = compare(&[
        "--format",
        "jsonl",
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(out, "");

    // A waiver of one consistency rule, in a config that `check` reads too.
    let config = dir.path().join("listlint.yaml");
    let original = std::fs::read_to_string("fixtures/compare/listlint.yaml").unwrap();
    std::fs::write(
        &config,
        format!(
            "{original}waivers:\n  - rule: consistency/brand\n    listing: P002\n    reason: 京东旗舰店使用英文品牌名\n    approved_by: 品牌部\n    expires: 2099-01-01\n"
        ),
    )
    .unwrap();
    let (code, out, err) = run(listlint().args([
        "compare",
        "--config",
        config.to_str().unwrap(),
        "--as-of",
        "2026-12-05",
        "--format",
        "json",
        "--channel",
        TMALL,
        "--channel",
        JD,
        "--channel",
        DOUYIN,
    ]));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["findings"], 6);
    assert_eq!(report["summary"]["by_category"]["consistency"], 6);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "consistency/brand"));
    // `check` with the same config: the compare waiver is no unknown rule.
    let (code, _, err) = run(listlint().args([
        "check",
        "--config",
        config.to_str().unwrap(),
        "fixtures/compare/douyin.jsonl",
    ]));
    assert_ne!(code, 2, "{err}");
}

#[test]
fn every_report_format_takes_the_findings() {
    let (code, out, err) = compare(&["--format", "sarif"]);
    assert_eq!(code, 0, "{err}");
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    common::assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 7);
    let (code, out, _) = compare(&["--format", "csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("consistency/ingredients"));
    // --fail-on warning fails on the warnings.
    let (code, _, _) = compare(&["--format", "jsonl", "--fail-on", "warning"]);
    assert_eq!(code, 1);
}

#[test]
fn usage_errors() {
    let (code, _, err) = run(listlint().args(["compare", "fixtures/compare/tmall.csv"]));
    assert_eq!(code, 2);
    assert!(err.contains("at least two channels"), "{err}");
    let (code, _, err) =
        run(listlint().args(["compare", "--channel", "天猫", "fixtures/compare/tmall.csv"]));
    assert_eq!(code, 2);
    assert!(err.contains("NAME=PATH"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("listlint.yaml");
    std::fs::write(&config, "compare:\n  fields:\n    origin: fuzzy\n").unwrap();
    let (code, _, err) = run(listlint().args([
        "compare",
        "--config",
        config.to_str().unwrap(),
        "fixtures/compare/tmall.csv",
        "fixtures/compare/douyin.jsonl",
    ]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn config_chooses_fields_severities_and_ignores() {
    let (_, out, _) = compare(&["--format", "jsonl", "--ignore", "consistency/price"]);
    let rules = listing_rules(&jsonl(&out));
    assert_eq!(rules.len(), 6, "{rules:?}");
    assert!(rules.iter().all(|(_, r)| r != "consistency/price"));

    // Only the fields named, one of them an error; prices left out.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("listlint.yaml");
    std::fs::write(
        &config,
        "compare:\n  key: 商家编码\n  keys: {京东: 商家SKU, 抖音: sku}\n  default_fields: false\n  fields:\n    origin: {compare: exact, severity: error}\n    cert.*: exact\n  prices: {check: false}\n",
    )
    .unwrap();
    let (code, out, err) = run(listlint().args([
        "compare",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "jsonl",
        "--channel",
        TMALL,
        "--channel",
        JD,
        "--channel",
        DOUYIN,
    ]));
    assert_eq!(code, 1, "{err}");
    let findings = jsonl(&out);
    assert_eq!(
        listing_rules(&findings),
        owned_pairs(&[
            ("P002", "consistency/cert.cosmetics"),
            ("P003", "consistency/origin"),
        ])
    );
    assert_eq!(findings[1]["severity"], "error");
}
