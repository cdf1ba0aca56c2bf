//! Conditions and the pattern and require kinds, through the binary.

mod common;

use std::collections::BTreeSet;

use common::{jsonl, listlint, run};
use serde_json::Value;

fn findings() -> Vec<Value> {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--no-default-rules",
        "--rules",
        "tests/data/conditions.yaml",
        "--as-of",
        "2026-11-27",
        "--format",
        "jsonl",
        "tests/data/conditions.jsonl",
    ]));
    assert_eq!(code, 1, "{stderr}");
    jsonl(&stdout)
}

/// The listing ids a rule fired on.
fn fired(findings: &[Value], rule: &str) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["listing_id"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn category_prefix_is_segment_wise() {
    let f = findings();
    // 食品用具/碗 starts with the characters 食品 but not with the segment.
    assert_eq!(fired(&f, "cond/category-prefix"), ids(&["C1"]));
}

#[test]
fn category_regex_sees_normalised_segments() {
    assert_eq!(fired(&findings(), "cond/category-regex"), ids(&["C3"]));
}

#[test]
fn named_conditions_category_or_title_when_category_is_empty() {
    let f = findings();
    assert_eq!(fired(&f, "cond/named"), ids(&["C4", "C5"]));
    // not: medical → treatment wording is flagged on the ordinary cup only.
    assert_eq!(fired(&f, "cond/not-named"), ids(&["C6"]));
}

#[test]
fn field_present_and_matches() {
    assert_eq!(fired(&findings(), "cond/present-and-matches"), ids(&["C6"]));
}

#[test]
fn number_comparisons_read_prices_as_written() {
    // ¥1,299.00 is not below 1000; 199元 is within [100, 1000).
    assert_eq!(fired(&findings(), "cond/number"), ids(&["C7"]));
}

#[test]
fn contains_looks_only_in_its_fields() {
    assert_eq!(
        fired(&findings(), "cond/contains-description"),
        ids(&["C8"])
    );
}

#[test]
fn contains_terms_within_an_allow_phrase_do_not_count() {
    // 法国进口红酒 and 进口 红酒 hold 口红 only inside 进口红; a second
    // 口红 elsewhere in the title, and 进口口红, still count.
    assert_eq!(
        fired(&findings(), "cond/contains-allow"),
        ids(&["C16", "C17"])
    );
}

#[test]
fn pattern_matches_normalised_text_with_spans_in_the_original() {
    let f = findings();
    let days: Vec<&Value> = f.iter().filter(|x| x["rule"] == "pat/days").collect();
    assert_eq!(days.len(), 1, "the allow phrase drops 0天见效");
    assert_eq!(days[0]["text"], "7 天 見效");
    assert_eq!(days[0]["message"], "承诺「7 天 見效」");
    assert_eq!(days[0]["suggestion"], "删除见效时间承诺");
    let numbered: Vec<&str> = f
        .iter()
        .filter(|x| x["rule"] == "pat/keywords")
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert_eq!(numbered, ["NO.12", "no3"]);
}

#[test]
fn require_present_in_text_missing_malformed_expired() {
    let f = findings();
    assert_eq!(fired(&f, "req/licence"), ids(&["C11", "C12"]));
    let malformed = f.iter().find(|x| x["listing_id"] == "C11").unwrap();
    assert_eq!(malformed["field"], "cert.food_production");
    assert_eq!(
        (malformed["start"].as_u64(), malformed["end"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(malformed["text"], "QS1234567");
    let expired = f.iter().find(|x| x["listing_id"] == "C12").unwrap();
    assert_eq!(expired["field"], "cert.food_production_expiry");
    assert!(
        expired["message"].as_str().unwrap().contains("2020-01-01"),
        "{expired}"
    );
}

#[test]
fn require_missing_is_a_listing_level_finding() {
    let (_, stdout, _) = run(listlint()
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "tests/data/conditions.yaml",
            "--select",
            "req/licence",
            "--format",
            "jsonl",
            "-",
        ])
        .write_stdin("{\"id\": \"M\", \"category\": \"食品/零食\", \"title\": \"饼干\"}\n"));
    let f = jsonl(&stdout);
    assert_eq!(f.len(), 1);
    assert!(f[0]["field"].is_null() && f[0]["start"].is_null() && f[0]["text"].is_null());
    assert_eq!(f[0]["message"], "未展示食品生产许可证");
}

#[test]
fn uscc_check_character() {
    let f = findings();
    assert_eq!(fired(&f, "req/uscc"), ids(&["C13"]));
    let bad = f.iter().find(|x| x["rule"] == "req/uscc").unwrap();
    assert!(
        bad["message"].as_str().unwrap().contains("校验码应为「3」"),
        "{bad}"
    );
}

#[test]
fn as_of_moves_expiry() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--no-default-rules",
        "--rules",
        "tests/data/conditions.yaml",
        "--select",
        "req/licence",
        "--as-of",
        "2019-12-31",
        "--format",
        "jsonl",
        "tests/data/conditions.jsonl",
    ]));
    assert_eq!(fired(&jsonl(&stdout), "req/licence"), ids(&["C11"]));
}
