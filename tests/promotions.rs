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
        // Its validity only: a coupon that states no threshold has none.
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

/// Runs the promotions pack on JSON Lines listings given on stdin.
fn stdin_findings(as_of: &str, listings: &[Value]) -> Vec<(String, String, String)> {
    let input: String = listings.iter().map(|l| format!("{l}\n")).collect();
    let (code, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--format",
            "jsonl",
            "--select",
            "promotions",
            "--fail-on",
            "never",
            "--as-of",
            as_of,
            "-",
        ])
        .write_stdin(input));
    assert_eq!(code, 0, "{stderr}");
    jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn rules_of(found: &[(String, String, String)], id: &str) -> Vec<String> {
    found
        .iter()
        .filter(|(listing, _, _)| listing == id)
        .map(|(_, rule, _)| rule.clone())
        .collect()
}

#[test]
fn promotion_fields_are_facts_whatever_the_wording() {
    let listings = [
        // End before start, no promotion word at all.
        serde_json::json!({"id": "F1", "title": "保温杯 经典款", "promo_start": "2026-12-12", "promo_end": "2026-12-01"}),
        // Ended, still shown in the promotion text, no trigger word.
        serde_json::json!({"id": "F2", "title": "保温杯", "promo_text": "店铺活动：全场包邮", "promo_end": "2026-11-12"}),
        // Ended, but nothing advertised: a stale field.
        serde_json::json!({"id": "F3", "title": "保温杯 经典款", "promo_end": "2026-11-12"}),
        // An offer in numbers only, ended.
        serde_json::json!({"id": "F4", "title": "羊毛围巾 满300减50", "promo_text": "活动时间：11月11日0点-11月12日24点"}),
        // The same offer, current.
        serde_json::json!({"id": "F5", "title": "羊毛围巾 每满300减50", "promo_end": "2026-12-12"}),
    ];
    let found = stdin_findings("2026-11-27", &listings);
    assert_eq!(rules_of(&found, "F1"), ["promo/window-dates"]);
    assert_eq!(rules_of(&found, "F2"), ["promo/window-dates"]);
    assert!(found
        .iter()
        .any(|(id, _, m)| id == "F2" && m.contains("仍在宣传促销信息")));
    assert!(rules_of(&found, "F3").is_empty(), "{found:?}");
    assert_eq!(rules_of(&found, "F4"), ["promo/window-dates"]);
    assert!(found
        .iter()
        .any(|(id, _, m)| id == "F4" && m.contains("「满300减50」")));
    assert!(rules_of(&found, "F5").is_empty(), "{found:?}");
}

#[test]
fn urgency_wording_against_the_listing_dates() {
    let listings = [
        serde_json::json!({"id": "U1", "title": "保温杯 仅限今日特价", "promo_start": "2026-11-01", "promo_end": "2026-11-27"}),
        serde_json::json!({"id": "U2", "title": "保温杯 仅限今日特价", "promo_start": "2026-11-27", "promo_end": "2026-11-27"}),
        serde_json::json!({"id": "U3", "title": "充电宝", "promo_text": "今晚截止！活动时间：11月20日0点-11月30日24点"}),
        serde_json::json!({"id": "U4", "title": "充电宝", "promo_text": "今晚截止！活动时间：11月20日0点-11月27日24点"}),
        // 限时 with a start and no end.
        serde_json::json!({"id": "U5", "title": "蓝牙耳机 限时特价", "promo_start": "2026-11-20"}),
    ];
    let found = stdin_findings("2026-11-27", &listings);
    assert_eq!(rules_of(&found, "U1"), ["promo/today-only-contradicted"]);
    assert!(rules_of(&found, "U2").is_empty(), "{found:?}");
    assert_eq!(rules_of(&found, "U3"), ["promo/last-day-contradicted"]);
    assert!(rules_of(&found, "U4").is_empty(), "{found:?}");
    assert_eq!(rules_of(&found, "U5"), ["promo/time-limited-without-end"]);
}

#[test]
fn compact_platform_dates_and_one_day_offers_are_windows() {
    let listings = [
        serde_json::json!({"id": "D1", "title": "店铺优惠券 满500元-50元 11/11,00#00-01#59"}),
        serde_json::json!({"id": "D2", "title": "蓝牙耳机 限时秒杀", "promo_text": "11/11 00:00-01:59"}),
        serde_json::json!({"id": "D3", "title": "蓝牙耳机 限时秒杀 11.11 0点-2点"}),
        serde_json::json!({"id": "D4", "title": "【仅限11-11】保湿面霜 限时特价"}),
        serde_json::json!({"id": "D5", "title": "保湿面霜 仅双11当天 领券减50"}),
        // Sizes and age ranges are not dates.
        serde_json::json!({"id": "D6", "title": "儿童拼图 限时特价 适合3-5岁 尺码11.11"}),
    ];
    let found = stdin_findings("2026-11-01", &listings);
    for clean in ["D1", "D2", "D3", "D4", "D5"] {
        assert!(rules_of(&found, clean).is_empty(), "{clean}: {found:?}");
    }
    assert_eq!(rules_of(&found, "D6"), ["promo/time-limited-without-end"]);
    // The same windows are over by December.
    let later = stdin_findings("2026-12-01", &listings);
    for ended in ["D1", "D2", "D3", "D4", "D5"] {
        assert!(
            rules_of(&later, ended).contains(&"promo/window-dates".to_owned()),
            "{ended}: {later:?}"
        );
    }
}

#[test]
fn coupons_gifts_and_goods_named_like_promotions() {
    let listings = [
        // A coupon with its window and no threshold is fully disclosed.
        serde_json::json!({"id": "C1", "title": "羊毛围巾 领券立减20", "promo_end": "2026-12-12"}),
        // Vouchers and cards sold as goods.
        serde_json::json!({"id": "C2", "title": "【全国通用】某某火锅100元代金券 电子券 团购"}),
        serde_json::json!({"id": "C3", "title": "某某咖啡 礼品卡 500元 现金电子卡 优惠券"}),
        // A coupon offered with goods, without validity.
        serde_json::json!({"id": "C4", "title": "羊毛围巾 送10元代金券 下次可用"}),
        // A line item that is the gift.
        serde_json::json!({"id": "G1", "title": "一次性口罩 10只装（赠品）"}),
        // Goods named with gift words.
        serde_json::json!({"id": "G2", "title": "坚果礼盒 送礼佳品 零食福袋 新年红包袋 利是封"}),
        // A vague gift; a buy-get offer without its period; with it.
        serde_json::json!({"id": "G3", "title": "儿童书包 买就送神秘礼物"}),
        serde_json::json!({"id": "G4", "title": "马桶坐垫 买2送1"}),
        serde_json::json!({"id": "G5", "title": "马桶坐垫 买2送1", "promo_end": "2026-12-12"}),
    ];
    let found = stdin_findings("2026-11-27", &listings);
    for clean in ["C1", "C2", "C3", "G1", "G2", "G5"] {
        assert!(rules_of(&found, clean).is_empty(), "{clean}: {found:?}");
    }
    assert_eq!(rules_of(&found, "C4"), ["promo/coupon-without-terms"]);
    assert_eq!(rules_of(&found, "G3"), ["promo/gift-without-details"]);
    assert_eq!(rules_of(&found, "G4"), ["promo/gift-without-period"]);
}

#[test]
fn the_prize_cap_counts_what_one_purchase_can_win() {
    let rules = "活动规则：下单即可参与。开奖时间：2026年12月12日20:00。兑奖方式：联系客服领取。";
    let draw = |id: &str, prizes: &str| serde_json::json!({"id": id, "title": "家电节 下单抽奖", "promo_text": format!("{rules}{prizes}")});
    let listings = [
        draw("P1", "每单可抽奖3次。奖品：一等奖现金2万元（1名）。"),
        draw(
            "P2",
            "每次抽奖可同时获得一等奖现金3万元和二等奖价值2.5万元的手机（各1名）。",
        ),
        draw(
            "P3",
            "每单可抽奖2次，不可重复中奖。奖品：一等奖现金3万元（1名），二等奖现金2万元（2名）。",
        ),
        draw("P4", "每单可抽奖2次。奖品：一等奖现金2.5万元（1名）。"),
    ];
    let found = stdin_findings("2026-11-27", &listings);
    let cap = |id: &str| {
        found
            .iter()
            .filter(|(l, r, _)| l == id && r == "promo/prize-over-cap")
            .map(|(_, _, m)| m.clone())
            .collect::<Vec<_>>()
    };
    assert!(cap("P1")[0].contains("¥60000"), "{:?}", cap("P1"));
    assert!(cap("P2")[0].contains("¥55000"), "{:?}", cap("P2"));
    assert!(cap("P3").is_empty(), "exactly 5万 is allowed: {found:?}");
    assert!(cap("P4").is_empty(), "exactly 5万 is allowed: {found:?}");
}
