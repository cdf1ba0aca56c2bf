//! Kind `price` and the cn-pricing pack through the binary, on the shipped
//! pricing fixture and price history.

mod common;

use common::{jsonl, listlint, run};
use serde_json::Value;

fn findings(extra: &[&str]) -> Vec<Value> {
    let (code, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "rules/cn-pricing.yaml",
            "--price-history",
            "fixtures/price-history.csv",
            "--as-of",
            "2026-11-27",
            "--format",
            "jsonl",
        ])
        .args(extra)
        .arg("fixtures/pricing.csv"));
    assert_eq!(code, 1, "{stderr}");
    jsonl(&stdout)
}

fn messages(findings: &[Value], rule: &str) -> Vec<(String, String)> {
    findings
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap_or("-").to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn original_not_above_price() {
    let found = messages(&findings(&[]), "pricing/original-not-above-price");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "PR-005");
    assert!(
        found[0].1.starts_with("划线价 ¥79 低于现价 ¥89"),
        "{found:?}"
    );
}

#[test]
fn original_against_the_seven_day_low_with_dates_and_numbers() {
    let f = findings(&[]);
    let found = messages(&f, "pricing/original-above-history-low");
    let pr001 = found.iter().find(|(id, _)| id == "PR-001").unwrap();
    assert_eq!(
        pr001.1,
        "划线价 ¥599 高于活动前7日（2026-11-04至2026-11-10）最低成交价 ¥429（2026-11-05）"
    );
    let pr003 = found.iter().find(|(id, _)| id == "PR-003").unwrap();
    assert!(pr003.1.contains("最低成交价 ¥199（2026-11-07）"));
    // Supported original prices pass: PR-002 (499 = the 7-day low), PR-007,
    // and the range listing PR-012 whose low end is compared.
    for ok in ["PR-002", "PR-007", "PR-012"] {
        assert!(!found.iter().any(|(id, _)| id == ok), "{ok}: {found:?}");
    }
    // Without any trade in the history, the original price has no basis.
    let pr005 = found.iter().find(|(id, _)| id == "PR-005").unwrap();
    assert!(pr005.1.contains("没有成交记录可依"), "{pr005:?}");
    let span = f
        .iter()
        .find(|x| x["listing_id"] == "PR-001" && x["rule"] == "pricing/original-above-history-low")
        .unwrap();
    assert_eq!(
        (span["field"].as_str(), span["text"].as_str()),
        (Some("original_price"), Some("599"))
    );
}

#[test]
fn history_checks_are_skipped_without_a_history() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--no-default-rules",
        "--rules",
        "rules/cn-pricing.yaml",
        "--as-of",
        "2026-11-27",
        "--format",
        "jsonl",
        "fixtures/pricing.csv",
    ]));
    let f = jsonl(&stdout);
    assert!(messages(&f, "pricing/original-above-history-low").is_empty());
    assert!(messages(&f, "pricing/raise-then-discount").is_empty());
    assert!(!messages(&f, "pricing/discount-claim-mismatch").is_empty());
}

#[test]
fn raise_then_discount() {
    let found = messages(&findings(&[]), "pricing/raise-then-discount");
    assert_eq!(
        found,
        [(
            "PR-006".to_owned(),
            "活动前14日内价格由 ¥259 提高至 ¥399（2026-11-02），现价 ¥259 并未低于涨价前的 ¥259"
                .to_owned()
        )]
    );
}

#[test]
fn discount_wording_against_the_numbers() {
    let f = findings(&[]);
    let found = messages(&f, "pricing/discount-claim-mismatch");
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    // PR-007 (7.5折 of 399 is 299) and PR-010 (折叠, 满300立减50) pass.
    assert_eq!(ids, ["PR-001", "PR-002", "PR-003", "PR-004"]);
    assert_eq!(
        found[0].1,
        "宣称「5折」，实际现价 ¥399 ÷ 划线价 ¥599 约为6.7折（5折应为 ¥299.50）"
    );
    assert_eq!(
        found[1].1,
        "宣称「直降200元」，实际划线价 ¥499 − 现价 ¥399 = ¥100"
    );
    assert_eq!(found[2].1, "宣称「低至99元」，实际最低售价为 ¥129");
    assert!(found[3].1.contains("原价 ¥699 与标示的划线价 ¥599 不一致"));
    let claim = f
        .iter()
        .find(|x| x["listing_id"] == "PR-004" && x["rule"] == "pricing/discount-claim-mismatch")
        .unwrap();
    assert_eq!(
        claim["text"], "原价699 现价299",
        "span in the original text"
    );
}

#[test]
fn opt_in_basis_rule_runs_only_when_selected() {
    assert!(messages(&findings(&[]), "pricing/original-without-basis").is_empty());
    let found = messages(
        &findings(&["--select", "pricing/original-without-basis"]),
        "pricing/original-without-basis",
    );
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert!(
        ids.contains(&"PR-001") && !ids.contains(&"PR-007"),
        "{ids:?}"
    );
    // Selecting the whole pack by name does not switch on an opt-in rule.
    assert!(messages(
        &findings(&["--select", "cn-pricing"]),
        "pricing/original-without-basis"
    )
    .is_empty());
}

#[test]
fn bad_prices_and_history_rows_are_input_findings() {
    let f = findings(&[]);
    let input: Vec<&Value> = f.iter().filter(|x| x["category"] == "input").collect();
    let rules: Vec<(&str, &str, u64)> = input
        .iter()
        .map(|x| {
            (
                x["rule"].as_str().unwrap(),
                x["file"].as_str().unwrap(),
                x["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        rules.contains(&(
            "input/invalid-history-row",
            "fixtures/price-history.csv",
            16
        )),
        "{rules:?}"
    );
    assert!(
        rules.contains(&(
            "input/invalid-history-row",
            "fixtures/price-history.csv",
            17
        )),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("input/invalid-price", "fixtures/pricing.csv", 12)),
        "{rules:?}"
    );
    let bad_price = input
        .iter()
        .find(|x| x["rule"] == "input/invalid-price")
        .unwrap();
    assert_eq!(bad_price["field"], "price");
    assert!(bad_price["message"]
        .as_str()
        .unwrap()
        .contains("`约八十元` is not a price"));
    // History problems come first: they are about another file.
    assert_eq!(f[0]["file"], "fixtures/price-history.csv");
}

#[test]
fn price_pack_errors() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        "pack: p\nversion: \"1\"\ncategory: pricing\nrules:\n  - id: p/x\n    kind: price\n    severity: error\n    message: \"{detail}\"\n    price: {check: original-vs-histroy}\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(&pack)
        .arg("fixtures/pricing.csv"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown check `original-vs-histroy`")
            && stderr.contains("did you mean `original-vs-history`"),
        "{stderr}"
    );
}

#[test]
fn history_in_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    std::fs::write(
        &history,
        "{\"id\": \"PR-001\", \"date\": \"2026-11-05T20:00:00+08:00\", \"price\": 429}\n{\"id\": \"PR-001\", \"date\": \"2026-11-08\", \"price\": \"¥459\"}\n{\"id\": \"PR-001\"}\n",
    )
    .unwrap();
    let (_, stdout, _) = run(listlint()
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "rules/cn-pricing.yaml",
            "--select",
            "pricing/original-above-history-low,input",
            "--as-of",
            "2026-11-27",
            "--format",
            "jsonl",
            "--price-history",
        ])
        .arg(&history)
        .arg("fixtures/pricing.csv"));
    let f = jsonl(&stdout);
    assert!(
        f[0]["message"].as_str().unwrap().contains("no `date`"),
        "{}",
        f[0]
    );
    let pr001 = f.iter().find(|x| x["listing_id"] == "PR-001").unwrap();
    assert!(pr001["message"]
        .as_str()
        .unwrap()
        .contains("最低成交价 ¥429（2026-11-05）"));
}
