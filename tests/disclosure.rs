//! Kind `disclosure` through the binary, with a test pack.

mod common;

use common::{jsonl, listlint, run};
use serde_json::Value;

fn findings() -> Vec<Value> {
    let (_, stdout, stderr) = run(listlint().args([
        "check",
        "--no-default-rules",
        "--rules",
        "tests/data/disclosure.yaml",
        "--as-of",
        "2026-11-27",
        "--format",
        "jsonl",
        "tests/data/promotions.jsonl",
    ]));
    assert!(stderr.is_empty(), "{stderr}");
    jsonl(&stdout)
}

fn of(found: &[Value], id: &str) -> Vec<(String, String, String)> {
    found
        .iter()
        .filter(|f| f["listing_id"] == id)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap_or("-").to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn time_window_disclosed_in_text_or_field_or_missing() {
    let f = findings();
    assert!(of(&f, "T1").is_empty(), "a window in the text discloses");
    assert!(of(&f, "T3").is_empty(), "promo_end discloses");
    assert_eq!(
        of(&f, "T2"),
        [(
            "d/time".to_owned(),
            "限时".to_owned(),
            "「限时」未标明活动时间".to_owned()
        )]
    );
    assert!(of(&f, "T6").is_empty(), "限时达 is an allowed look-alike");
}

#[test]
fn windows_against_the_check_date() {
    let f = findings();
    let t4 = of(&f, "T4");
    assert_eq!(t4.len(), 1, "{t4:?}");
    assert_eq!(t4[0].1, "2026-11-11 至 2026-11-12");
    assert_eq!(
        t4[0].2,
        "活动已于2026-11-12结束（检查日期 2026-11-27），商品仍在宣传「限时」"
    );
    let t5 = of(&f, "T5");
    assert_eq!(t5.len(), 1, "{t5:?}");
    assert!(t5[0]
        .2
        .contains("活动结束时间（2026-12-01）早于开始时间（2026-12-10）"));
    let t11 = of(&f, "T11");
    assert!(
        t11.iter().any(|x| x.2.contains("「下周」无法识别为日期")),
        "{t11:?}"
    );
}

#[test]
fn prize_items_terms_and_cap() {
    let f = findings();
    let t7 = of(&f, "T7");
    assert_eq!(t7.len(), 1, "{t7:?}");
    assert_eq!(t7[0].1, "10万元");
    assert!(t7[0].2.contains("超过"), "{t7:?}");
    let t8: Vec<String> = of(&f, "T8").into_iter().map(|x| x.2).collect();
    assert_eq!(t8, ["「抽奖」缺少中奖概率", "「抽奖」缺少开奖时间"]);
}

#[test]
fn quantity_limits() {
    let f = findings();
    assert_eq!(of(&f, "T9").len(), 1);
    assert!(of(&f, "T10").is_empty());
}

#[test]
fn disclosure_pack_errors() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/x\n    kind: disclosure\n    severity: error\n    message: m\n    triggers: [限时]\n    disclose:\n      - item: 时间\n        recognizers: [time-windw]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(&pack)
        .arg("tests/data/promotions.jsonl"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown recogniser `time-windw`")
            && stderr.contains("did you mean `time-window`"),
        "{stderr}"
    );
}

#[test]
fn trigger_recognizers_and_window_keys_in_a_pack_of_ones_own() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.yaml");
    std::fs::write(
        &pack,
        r#"pack: p
version: "1"
category: c
rules:
  - id: p/offer-dates
    kind: disclosure
    severity: error
    message: "{detail}"
    trigger_recognizers: [threshold-offer]
    window: {past_end: true, end_before_start: true, from_fields: true}
  - id: p/last-day
    kind: disclosure
    severity: warning
    message: "{detail}"
    triggers: [最后一天]
    window: {past_end: false, end_before_start: false, ends_today: true}
"#,
    )
    .unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\":\"A\",\"title\":\"围巾 满300减50\",\"promo_end\":\"2026-11-12\"}\n",
            "{\"id\":\"B\",\"title\":\"围巾\",\"promo_start\":\"2026-12-12\",\"promo_end\":\"2026-12-01\"}\n",
            "{\"id\":\"C\",\"title\":\"围巾 最后一天\",\"promo_end\":\"2026-12-12\"}\n",
            "{\"id\":\"D\",\"title\":\"围巾 满300减50\",\"promo_end\":\"2026-12-12\"}\n",
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args(["check", "--no-default-rules", "--format", "jsonl"])
        .args(["--as-of", "2026-11-27", "--rules"])
        .arg(&pack)
        .arg(&input));
    assert_eq!(code, 1, "{stderr}");
    let found: Vec<(String, String, String)> = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let ids: Vec<(&str, &str)> = found
        .iter()
        .map(|(l, r, _)| (l.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("A", "p/offer-dates"),
            ("B", "p/offer-dates"),
            ("C", "p/last-day")
        ]
    );
    assert!(found[0].2.contains("「满300减50」"), "{found:?}");
    assert!(found[1].2.contains("早于开始时间"), "{found:?}");
    assert!(found[2].2.contains("活动截至2026-12-12"), "{found:?}");

    std::fs::write(
        &pack,
        "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/x\n    kind: disclosure\n    severity: error\n    message: m\n    trigger_recognizers: [ofer]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(listlint()
        .args(["check", "--no-default-rules", "--rules"])
        .arg(&pack)
        .arg(&input));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown recogniser `ofer`") && stderr.contains("did you mean `offer`"),
        "{stderr}"
    );
}
