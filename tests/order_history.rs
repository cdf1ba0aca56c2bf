//! `--price-history` from what shops export: Shopify's orders CSV, the
//! Taobao/Tmall 订单报表 + 宝贝报表 pair (GB18030) and earlier listing
//! exports, against the same trades as an `id,date,price` file
//! (fixtures/history, written by its make_fixtures.py).

mod common;

use common::{jsonl, listlint, run};

/// `check` of fixtures/history/listings.csv on 2026-11-27 with the price
/// rules only; `history` are the `--price-history` arguments and more.
fn check(history: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let mut cmd = listlint();
    cmd.args([
        "check",
        "--select",
        "pricing/",
        "--as-of",
        "2026-11-27",
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "fixtures/history/listings.csv",
    ]);
    cmd.args(history);
    let (code, out, err) = run(&mut cmd);
    (code, jsonl(&out), err)
}

/// What must match between sources: rule, listing, field, message and
/// fingerprint of each finding.
fn essentials(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["rule"], f["listing_id"], f["field"], f["message"], f["fingerprint"]
            )
        })
        .collect()
}

fn from_sales() -> Vec<serde_json::Value> {
    let (code, findings, err) = check(&["--price-history", "fixtures/history/sales.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "pricing/original-above-history-low" && f["listing_id"] == "A1"),
        "{findings:#?}"
    );
    findings
}

#[test]
fn shopify_orders_give_the_findings_of_the_equivalent_sales_file() {
    let expected = essentials(&from_sales());
    for args in [
        &["--price-history", "fixtures/history/shopify-orders.csv"][..],
        &[
            "--price-history",
            "fixtures/history/shopify-orders.csv",
            "--history-profile",
            "shopify-orders",
        ][..],
    ] {
        let (code, findings, err) = check(args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(essentials(&findings), expected, "{args:?}");
        // Refunded (#1003), cancelled (#1004), unpaid (#1005) and the
        // line without a SKU are counted, not errors.
        assert!(
            err.contains("cancelled 1") && err.contains("refunded 1") && err.contains("not paid 1"),
            "{err}"
        );
        assert!(err.contains("no SKU 1"), "{err}");
    }
}

#[test]
fn taobao_order_and_item_reports_give_the_same_findings() {
    let expected = essentials(&from_sales());
    // The item report first: its rows wait for their orders' payment time.
    let (code, findings, err) = check(&[
        "--price-history",
        "fixtures/history/taobao-宝贝报表.csv",
        "--price-history",
        "fixtures/history/taobao-订单报表.csv",
        "-v",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(essentials(&findings), expected);
    assert!(
        err.contains("taobao-宝贝报表.csv read as taobao-orders"),
        "{err}"
    );
    // 交易关闭 (order 3002 and 3005's refunded sub-order), 等待买家付款 (3003).
    assert!(
        err.contains("closed 2") && err.contains("not paid 1"),
        "{err}"
    );
    // Without the 订单报表 the items have no payment time: each is an
    // unreadable history row, reported with its line.
    let (_, findings, _) = check(&[
        "--price-history",
        "fixtures/history/taobao-宝贝报表.csv",
        "--history-profile",
        "taobao-orders",
    ]);
    let rows: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "input/invalid-history-row")
        .collect();
    assert_eq!(rows.len(), 4, "{findings:#?}");
    assert_eq!(rows[0]["file"], "fixtures/history/taobao-宝贝报表.csv");
    assert!(rows[0]["message"]
        .as_str()
        .unwrap()
        .contains("order `3001` is in no 订单报表"));
}

#[test]
fn snapshots_stand_in_for_trades_and_say_so() {
    let expected = from_sales();
    let (code, findings, err) = check(&[
        "--price-history",
        "fixtures/history/snapshots",
        "--history-profile",
        "snapshots",
    ]);
    assert_eq!(code, 0, "{err}");
    let rules = |fs: &[serde_json::Value]| -> Vec<String> {
        fs.iter()
            .map(|f| format!("{} {}", f["rule"], f["listing_id"]))
            .collect()
    };
    assert_eq!(rules(&findings), rules(&expected));
    for (proxy, real) in findings.iter().zip(&expected) {
        let message = proxy["message"].as_str().unwrap();
        if proxy["rule"] == "pricing/original-above-history-low" {
            assert!(message.contains("快照中的标价"), "{message}");
            assert!(message.starts_with(real["message"].as_str().unwrap()));
        }
    }
    // The same listings as an `id,date,price` file say nothing of snapshots.
    assert!(expected
        .iter()
        .all(|f| !f["message"].as_str().unwrap().contains("快照")));
}

#[test]
fn snapshots_without_a_date_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("listings.csv");
    std::fs::write(&file, "id,title,price\nA1,羊毛大衣,259\n").unwrap();
    let (_, findings, _) = check(&[
        "--price-history",
        file.to_str().unwrap(),
        "--history-profile",
        "snapshots",
    ]);
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "input/invalid-history-row")
        .collect();
    assert_eq!(bad.len(), 1, "{findings:#?}");
    assert!(bad[0]["message"]
        .as_str()
        .unwrap()
        .contains("no snapshot date"));
}
