//! XLSX workbooks through the binary.

mod common;

use common::{jsonl, listlint, run};

#[test]
fn every_sheet_with_rows_as_lines() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--select",
        "absolute-terms",
        "fixtures/xlsx/listings.xlsx",
    ]));
    let found: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["listing_id"].as_str().unwrap(),
                f["text"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "fixtures/xlsx/listings.xlsx#商品 2 XL-001 全网第一",
            "fixtures/xlsx/listings.xlsx#商品 4 XL-003 國家級",
            "fixtures/xlsx/listings.xlsx#赠品 2 XL-101 极品",
        ]
    );
}

#[test]
fn cells_read_as_text_dates_and_numbers() {
    // XL-001 has a date cell in 活动结束时间, so its 限时 wording is disclosed;
    // XL-003 has none.
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--as-of",
        "2026-11-27",
        "--select",
        "promotions",
        "fixtures/xlsx/listings.xlsx",
    ]));
    let ids: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["XL-003"]);
}

#[test]
fn one_sheet_or_a_clear_error() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "json",
        "--sheet",
        "赠品",
        "fixtures/xlsx/listings.xlsx",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["listings"], 1);
    let (code, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--sheet",
        "不存在",
        "fixtures/xlsx/listings.xlsx",
    ]));
    assert_eq!(code, 1);
    let f = jsonl(&stdout);
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("no sheet `不存在` (sheets: 商品, 赠品)"),
        "{}",
        f[0]
    );
}

/// Formula cells whose cached result is an Excel error: an `input` finding
/// naming the cell, and the rest of the row and sheet still checked.
#[test]
fn cell_errors_are_findings_and_the_rest_is_checked() {
    let (code, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "fixtures/xlsx/cell-errors.xlsx",
    ]));
    assert_eq!(code, 1);
    let found: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["rule"].as_str().unwrap(),
                f["line"],
                f["field"].as_str().unwrap_or("-"),
                f["message"].as_str().unwrap()
            )
        })
        .filter(|l| l.starts_with("input/") || l.starts_with("absolute/"))
        .collect();
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].starts_with("absolute/number-one 2 title"),
        "{found:#?}"
    );
    assert_eq!(
        found[1],
        "input/cell-error 2 original_price cell D2 holds the Excel error #DIV/0!; its field is not checked"
    );
    assert!(
        found[2].starts_with("input/cell-error 3 title cell B3 holds the Excel error #N/A"),
        "{found:#?}"
    );
    assert!(
        found[3].starts_with("absolute/top-grade 4 title"),
        "{found:#?}"
    );
}
