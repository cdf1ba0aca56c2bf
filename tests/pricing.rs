//! Kind `price` and the cn-pricing pack through the binary, on the shipped
//! pricing fixture and price history.

mod common;

use common::{jsonl, listlint, run};
use listlint_core::engine::kinds::price::{find_claims, ClaimKind};
use listlint_core::text::normalize::{Normalized, Normalizer};
use proptest::prelude::*;
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

/// Findings of the pricing pack on `tests/data/pricing_claims.csv`, with
/// its price history.
fn claim_findings() -> Vec<Value> {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--no-default-rules",
        "--rules",
        "rules/cn-pricing.yaml",
        "--price-history",
        "tests/data/pricing_claims_history.csv",
        "--as-of",
        "2026-11-27",
        "--format",
        "jsonl",
        "tests/data/pricing_claims.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    jsonl(&stdout)
}

#[test]
fn festival_and_model_numbers_are_not_read_into_a_discount() {
    let f = claim_findings();
    let found = messages(&f, "pricing/discount-claim-mismatch");
    // PC-01 (双11 5折 of 599 is 299.50) holds; PC-03's A75 is a model.
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "PC-02");
    assert!(found[0].1.starts_with("宣称「5折」"), "{found:?}");
}

#[test]
fn a_claim_without_an_original_price_is_measured_from_the_seven_day_low() {
    let f = claim_findings();
    let found = messages(&f, "pricing/discount-vs-history-low");
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    // PC-05 (直降30 of 329) holds; PC-06 is measured from the last trade
    // before the window (399 × 0.8 = 319.20); 立省50% is not an amount but
    // a share: 5折 of 329, which 299 is not.
    assert_eq!(ids, ["PC-04", "PC-09", "PC-10"], "{found:?}");
    assert_eq!(
        found[0].1,
        "宣称「直降100元」，实际只比基准价 ¥329 低 ¥30（现价 ¥299）；未标明被比较价格，按活动前7日（2026-11-20至2026-11-26）最低成交价 ¥329（2026-11-22）计"
    );
    assert!(found[1].1.starts_with("宣称「立省50%」"), "{found:?}");
    assert!(found[2].1.starts_with("宣称「8折」"), "{found:?}");
    let span = f.iter().find(|x| x["listing_id"] == "PC-04").unwrap();
    assert_eq!(
        (span["field"].as_str(), span["text"].as_str()),
        (Some("promo_text"), Some("直降100元"))
    );
}

#[test]
fn a_manufacturer_price_is_not_held_to_the_seven_day_low_and_a_tag_price_is() {
    let f = claim_findings();
    let found = messages(&f, "pricing/original-above-history-low");
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["PC-08"], "{found:?}");
    assert!(
        found[0].1.ends_with("划线价标为「吊牌价」，不是第十六条第三款的“厂商建议零售价”，按未标明详细信息的被比较价格核对"),
        "{found:?}"
    );
}

/// The ratio and cut claims found in `text`, as listings write it.
fn claims_in(text: &str) -> Vec<ClaimKind> {
    let mut normalized = Normalized::default();
    Normalizer::new().normalize_into(text, &mut normalized);
    find_claims(&normalized)
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

fn ratios_in(text: &str) -> Vec<f64> {
    claims_in(text)
        .into_iter()
        .filter_map(|c| match c {
            ClaimKind::Ratio { claimed, .. } => Some(claimed),
            _ => None,
        })
        .collect()
}

/// A discount as sellers write it, with the ratio it claims: `5折`, `7.5折`,
/// `75折`, `五折`, `七五折`, optionally after 打, 低至 or 限时.
fn discount() -> impl Strategy<Value = (String, f64)> {
    let digits = prop_oneof![
        (1u32..=9).prop_map(|d| (d.to_string(), f64::from(d) / 10.0)),
        (1u32..=9, 1u32..=9).prop_map(|(a, b)| (format!("{a}.{b}"), f64::from(a * 10 + b) / 100.0)),
        (1u32..=9, 1u32..=9).prop_map(|(a, b)| (format!("{a}{b}"), f64::from(a * 10 + b) / 100.0)),
        (1usize..=9).prop_map(|d| (CHINESE[d - 1].to_string(), d as f64 / 10.0)),
        (1usize..=9, 1usize..=9).prop_map(|(a, b)| (
            format!("{}{}", CHINESE[a - 1], CHINESE[b - 1]),
            (a * 10 + b) as f64 / 100.0
        )),
    ];
    let lead = prop_oneof![
        Just(""),
        Just("打"),
        Just("低至"),
        Just("限时"),
        Just("全场")
    ];
    (lead, digits).prop_map(|(lead, (number, ratio))| (format!("{lead}{number}折"), ratio))
}

const CHINESE: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// Words before a discount whose numbers belong to something else: a
/// festival, a year, a model, a size, a count.
fn other_number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("双11".to_owned()),
        Just("双12".to_owned()),
        Just("618".to_owned()),
        Just("11.11".to_owned()),
        Just("12.12".to_owned()),
        Just("双十一".to_owned()),
        Just("双十二".to_owned()),
        (2015u32..2030).prop_map(|y| y.to_string()),
        (2015u32..2030).prop_map(|y| format!("{y}年新款")),
        ("[A-Z]{1,2}", 1u32..999).prop_map(|(m, n)| format!("{m}{n}")),
        ("iPhone|Mate|P", 5u32..20).prop_map(|(m, n)| format!("{m}{n}")),
        (30u32..200).prop_map(|n| format!("{n}cm")),
        (50u32..1000).prop_map(|n| format!("{n}ml")),
        (2u32..10).prop_map(|n| format!("{n}件套")),
        Just("XL码".to_owned()),
    ]
}

/// What makes an offer conditional, written right before its claim.
fn conditional_offer() -> impl Strategy<Value = String> {
    prop_oneof![
        (2u32..20).prop_map(|n| format!("{n}件")),
        (2u32..10).prop_map(|n| format!("任选{n}件")),
        Just("两件".to_owned()),
        Just("3件以上享".to_owned()),
        Just("会员".to_owned()),
        Just("会员专享".to_owned()),
        Just("VIP".to_owned()),
        Just("新人专享".to_owned()),
        Just("首单".to_owned()),
        Just("领券".to_owned()),
        Just("用券".to_owned()),
        Just("店铺券叠加".to_owned()),
    ]
}

proptest! {
    /// With a space (or any separator) between them, the number before the
    /// discount never changes what the discount claims.
    #[test]
    fn a_separated_number_is_not_read_into_the_discount(
        before in other_number(),
        gap in prop_oneof![Just(" "), Just("  "), Just("/"), Just("，"), Just("【")],
        (claim, ratio) in discount(),
    ) {
        let text = format!("羊绒围巾 {before}{gap}{claim} 包邮");
        let found = ratios_in(&text);
        prop_assert_eq!(found.len(), 1, "{}: {:?}", text, claims_in(&text));
        prop_assert!((found[0] - ratio).abs() < 1e-9, "{}: {:?}", text, found);
    }

    /// Written with nothing between, a festival or a year before the
    /// discount is taken off (`双115折` claims 5折); a model or a size makes
    /// the digits ambiguous and no claim is read. Never another ratio.
    #[test]
    fn a_glued_number_is_taken_off_or_nothing_is_claimed(
        before in other_number(),
        (claim, ratio) in discount(),
    ) {
        let text = format!("{before}{claim}");
        for found in ratios_in(&text) {
            prop_assert!((found - ratio).abs() < 1e-9, "{}: read {} instead of {}", text, found, ratio);
        }
        let festival_or_year = ["双11", "双12", "618", "11.11", "12.12", "双十一", "双十二"]
            .contains(&before.as_str())
            || before.chars().all(|c| c.is_ascii_digit())
            || before.ends_with("新款");
        if festival_or_year && !claim.starts_with(['打', '低', '限', '全']) {
            prop_assert_eq!(ratios_in(&text).len(), 1, "{}", text);
        }
    }

    /// A cut claim reads the amount after its word, whatever came before;
    /// a percentage after the word is not money.
    #[test]
    fn cut_amounts_are_read_after_the_word(
        before in other_number(),
        word in prop_oneof![Just("直降"), Just("立减"), Just("立省"), Just("直减")],
        amount in 1u32..5000,
    ) {
        let text = format!("{before} {word}{amount}元");
        let cuts: Vec<f64> = claims_in(&text)
            .into_iter()
            .filter_map(|c| match c {
                ClaimKind::Cut { amount, .. } => Some(amount.yuan()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(cuts, vec![f64::from(amount)], "{}", text);
        let percent = format!("{before} {word}{amount}%");
        prop_assert!(
            !claims_in(&percent).iter().any(|c| matches!(c, ClaimKind::Cut { .. })),
            "{}", percent
        );
    }

    /// A cut by a share of the price (`直降30%`) claims the ratio it
    /// leaves (7折), whatever came before.
    #[test]
    fn a_cut_by_a_share_is_the_ratio_it_leaves(
        before in other_number(),
        word in prop_oneof![Just("直降"), Just("立减"), Just("立省"), Just("降价")],
        share in 1u32..100,
    ) {
        let text = format!("{before} {word}{share}%");
        let found = ratios_in(&text);
        prop_assert_eq!(found.len(), 1, "{}: {:?}", text, claims_in(&text));
        prop_assert!((found[0] - (1.0 - f64::from(share) / 100.0)).abs() < 1e-9, "{}: {:?}", text, found);
    }

    /// An offer for several items, for some buyers or with a coupon
    /// (`2件8折`, `会员95折`, `领券立减20元`) says nothing about the listed
    /// price: no ratio or cut is read from it, whatever came before.
    #[test]
    fn an_offer_for_some_buyers_or_items_claims_nothing(
        before in other_number(),
        condition in conditional_offer(),
        (claim, _) in discount(),
        amount in 1u32..500,
    ) {
        prop_assume!(!claim.starts_with(['低', '限', '全']));
        for text in [
            format!("羊绒围巾 {before} {condition}{claim}"),
            format!("羊绒围巾 {before} {condition}立减{amount}元"),
        ] {
            prop_assert!(claims_in(&text).is_empty(), "{}: {:?}", text, claims_in(&text));
        }
    }

    /// Any text: every ratio read is a ratio, and nothing panics.
    #[test]
    fn every_ratio_read_is_between_zero_and_one(text in "[0-9一二三五八十双打折半价对.省减降低至元% ]{0,24}") {
        for ratio in ratios_in(&text) {
            prop_assert!(ratio > 0.0 && ratio < 1.0, "{}: {}", text, ratio);
        }
    }
}
