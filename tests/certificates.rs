//! The cn-certificates pack on the certificate fixtures, through the binary:
//! every family present and valid, missing, malformed and (where it has one)
//! expired.

mod common;

use std::collections::BTreeSet;

use common::{jsonl, listing_rules, listlint, owned_pairs, run};
use serde_json::Value;

fn findings() -> Vec<Value> {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--as-of",
        "2026-11-27",
        "--format",
        "jsonl",
        "--no-collapse",
        "fixtures/certificates.csv",
        "fixtures/certificates.jsonl",
    ]));
    assert_eq!(code, 1, "{stderr}");
    jsonl(&stdout)
}

#[test]
fn each_family_present_missing_malformed_expired() {
    let found = listing_rules(&findings());
    let expected: Vec<(&str, &str)> = vec![
        ("CF-03", "cert/food-licence"),
        ("CF-04", "cert/food-licence"),
        ("CF-06", "cert/food-production-licence-expiry"),
        ("CF-07", "cert/food-licence"),
        ("CF-07", "cert/food-qs-obsolete"),
        ("CF-07", "cert/food-qs-obsolete"),
        ("CF-10", "cert/health-food-registration"),
        ("CF-11", "cert/health-food-disclaimer"),
        ("CF-11", "cert/health-food-registration"),
        ("CF-12", "cert/health-food-registration"),
        ("CF-14", "cert/infant-formula-registration"),
        ("CF-16", "cert/medical-device-registration"),
        ("CF-17", "cert/medical-device-registration"),
        ("CF-19", "cert/cosmetics-filing"),
        ("CF-20", "cert/special-cosmetics-registration"),
        ("CF-23", "cert/drug-approval"),
        // 复方甘草片 (an opium-containing oral compound) is also on the
        // online-sale ban list (cn-prohibited).
        ("CF-24", "prohibited/drug-banned-online"),
        ("CF-24", "cert/drug-approval"),
        ("CF-26", "cert/ccc-certificate"),
        ("CF-27", "cert/ccc-certificate"),
        ("CF-29", "cert/uscc"),
        ("CJ-01", "cert/infant-formula-registration"),
        ("CJ-03", "cert/special-cosmetics-registration"),
        ("CJ-04", "cert/cosmetics-filing"),
        ("CJ-07", "cert/ccc-certificate"),
        ("CJ-08", "cert/food-business-licence-expiry"),
        ("CJ-10", "cert/fsmp-online-sale-banned"),
    ];
    let expected = owned_pairs(&expected);
    assert_eq!(found, expected);
}

#[test]
fn valid_and_unregulated_listings_pass() {
    let flagged: BTreeSet<String> = listing_rules(&findings())
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    for clean in [
        "CF-01", "CF-02", "CF-05", "CF-08", "CF-09", "CF-13", "CF-15", "CF-18", "CF-21", "CF-22",
        "CF-25", "CF-28", "CF-30", "CJ-02", "CJ-05", "CJ-06", "CJ-09",
    ] {
        assert!(!flagged.contains(clean), "{clean} should pass");
    }
}

#[test]
fn messages_say_what_is_missing_or_wrong_and_spans_cover_the_value() {
    let found = findings();
    let by = |id: &str, rule: &str| {
        found
            .iter()
            .find(|f| f["listing_id"] == id && f["rule"] == rule)
            .unwrap()
            .clone()
    };
    let missing = by("CF-16", "cert/medical-device-registration");
    assert!(missing["field"].is_null() && missing["start"].is_null());
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("未展示医疗器械注册证"));
    let malformed = by("CF-17", "cert/medical-device-registration");
    assert_eq!(malformed["field"], "cert.medical_device");
    assert_eq!(malformed["text"], "苏械注准20193070123");
    let uscc = by("CF-29", "cert/uscc");
    assert!(uscc["message"]
        .as_str()
        .unwrap()
        .contains("校验码应为「G」"));
    let expired = by("CF-06", "cert/food-production-licence-expiry");
    assert!(expired["message"]
        .as_str()
        .unwrap()
        .contains("已于2024-06-30过期"));
}

#[test]
fn medical_wording_is_allowed_on_medical_goods_only() {
    let (_, stdout, _) = run(listlint()
        .args(["check", "--select", "claims/medical-efficacy", "--format", "jsonl", "-"])
        .write_stdin(concat!(
            "{\"id\": \"D\", \"category\": \"个护健康>医疗器械>理疗仪\", \"title\": \"颈椎理疗仪 治疗颈椎病\"}\n",
            "{\"id\": \"F\", \"category\": \"食品/茶叶\", \"title\": \"养生茶 治疗失眠\"}\n",
            "{\"id\": \"E\", \"title\": \"电子血压计 治疗高血压辅助\"}\n",
        )));
    let ids: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["F"]);
}

/// The product a title names, weighed as a whole (no category column), and
/// the scope of the catalogues, on listings of our own.
#[test]
fn the_product_not_the_word() {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--select",
        "certificates",
        "--format",
        "jsonl",
        "tests/data/categories.jsonl",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let expected = owned_pairs(&[
        // a food word in a cosmetics title names an ingredient
        ("K-01", "cert/cosmetics-filing"),
        ("K-02", "cert/cosmetics-filing"),
        // 进口红酒 holds 口红 but is wine; 挂霜 is not a cream; 粉丝福利
        // is an offer on nuts
        ("K-03", "cert/food-licence"),
        ("K-04", "cert/food-licence"),
        ("K-05", "cert/food-licence"),
        // K-06 (粉丝 as fans) and K-07 (wooden blocks) need nothing
        ("K-08", "cert/ccc-certificate"),
        // K-09: a USB lamp is below the catalogue's 36 V
        ("K-10", "cert/ccc-certificate"),
        // temporary hair colour is not 染发
        ("K-11", "cert/cosmetics-filing"),
        ("K-12", "cert/special-cosmetics-registration"),
        ("K-13", "cert/cosmetics-filing"),
        // the 2019 label warning alone is not 本品不能代替药物
        ("K-14", "cert/health-food-disclaimer"),
    ]);
    assert_eq!(listing_rules(&jsonl(&stdout)), expected);
}
