//! The cn-promotions pack on the promotions fixture, through the binary:
//! every trigger family disclosed and undisclosed, window dates, the prize
//! cap, and look-alikes.

mod common;

use std::collections::BTreeSet;

use common::{jsonl, listing_rules, listlint, owned_pairs, run};
use serde_json::Value;

fn findings(as_of: &str) -> Vec<Value> {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--select",
        "promotions",
        "--as-of",
        as_of,
        "--format",
        "jsonl",
        "fixtures/promotions.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    jsonl(&stdout)
}

#[test]
fn each_trigger_family_both_ways() {
    let found = listing_rules(&findings("2026-11-27"));
    let expected: Vec<(&str, &str)> = vec![
        ("PM-03", "promo/time-limited-without-end"),
        ("PM-04", "promo/window-dates"),
        ("PM-05", "promo/window-dates"),
        ("PM-06", "promo/threshold-without-amount"),
        ("PM-08", "promo/coupon-without-terms"),
        ("PM-08", "promo/coupon-without-terms"),
        ("PM-10", "promo/quantity-without-number"),
        ("PM-12", "promo/gift-without-details"),
        ("PM-14", "promo/prize-draw-undisclosed"),
        ("PM-14", "promo/prize-draw-undisclosed"),
        ("PM-14", "promo/prize-draw-undisclosed"),
        ("PM-14", "promo/prize-draw-undisclosed"),
        ("PM-14", "promo/prize-draw-undisclosed"),
        ("PM-16", "promo/prize-over-cap"),
        ("PM-19", "promo/time-pressure"),
        ("PM-19", "promo/time-pressure"),
        ("PM-21", "promo/time-limited-without-end"),
    ];
    let expected = owned_pairs(&expected);
    assert_eq!(found, expected);
}

#[test]
fn disclosed_promotions_and_look_alikes_pass() {
    let flagged: BTreeSet<String> = listing_rules(&findings("2026-11-27"))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    for clean in [
        "PM-01", "PM-02", "PM-07", "PM-09", "PM-11", "PM-13", "PM-15", "PM-17", "PM-18", "PM-20",
    ] {
        assert!(!flagged.contains(clean), "{clean} should pass");
    }
}

#[test]
fn messages_name_what_is_missing_and_the_dates() {
    let found = findings("2026-11-27");
    let message = |id: &str, rule: &str| -> Vec<String> {
        found
            .iter()
            .filter(|f| f["listing_id"] == id && f["rule"] == rule)
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(message("PM-04", "promo/window-dates")[0]
        .starts_with("活动已于2026-11-12结束（检查日期 2026-11-27）"));
    assert!(message("PM-05", "promo/window-dates")[0].contains("早于开始时间"));
    assert!(message("PM-16", "promo/prize-over-cap")[0].contains("¥80000 超过"));
    let missing = message("PM-14", "promo/prize-draw-undisclosed");
    assert!(
        missing.iter().any(|m| m.contains("未标明开奖时间")),
        "{missing:?}"
    );
    let expired = found.iter().find(|f| f["listing_id"] == "PM-04").unwrap();
    assert_eq!(
        expired["text"], "11月11日0点-11月12日24点",
        "span on the window in the text"
    );
}

#[test]
fn a_window_is_past_only_once_its_end_has_passed() {
    let found = listing_rules(&findings("2026-11-10"));
    assert!(!found.contains(&("PM-04".to_owned(), "promo/window-dates".to_owned())));
}

#[test]
fn an_end_date_in_fancy_digits_is_still_read() {
    let (code, stdout, _) = run(listlint()
        .args([
            "check",
            "--format",
            "jsonl",
            "--select",
            "promotions",
            "--as-of",
            "2026-11-27",
            "-",
        ])
        .write_stdin(
            "{\"id\":\"F\",\"title\":\"保温杯 限时特价\",\"description\":\"特价截至𝟐𝟎𝟐𝟓-11-12\"}\n",
        ));
    assert_eq!(code, 1);
    let rules: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        rules.contains(&"promo/window-dates".to_owned()),
        "{rules:?}"
    );
}
