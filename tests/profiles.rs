//! Profiles (`--profile`, `--map`, `-v`) through the binary on the Shopify
//! and 淘宝助理 fixtures.

mod common;

use common::{jsonl, listlint, run};

#[test]
fn shopify_variants_are_one_listing_with_prices_checked_per_variant() {
    let (code, stdout, _) = run(listlint().args([
        "check",
        "--profile",
        "shopify",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
        "fixtures/shopify/products.csv",
    ]));
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["listings"], 2, "five rows, two products");
    let findings = doc["findings"].as_array().unwrap();
    let ids: Vec<&str> = findings
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"wool-scarf") && ids.contains(&"cotton-tee"));
    // 限时5折 holds for Grey (299 of 599) and Red (349 of 699) but not for
    // Navy (329 of 599, 5.5折): one finding at the claim, naming the variant.
    let claims: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "pricing/discount-claim-mismatch")
        .collect();
    assert_eq!(claims.len(), 1, "{stdout}");
    assert_eq!(claims[0]["field"], "description");
    assert_eq!(claims[0]["text"], "5折");
    assert!(
        claims[0]["message"].as_str().unwrap().contains("¥329")
            && claims[0]["message"]
                .as_str()
                .unwrap()
                .contains("（变体 WS-N，第3行）"),
        "{}",
        claims[0]["message"]
    );
    // The tee's compare-at price is below its price on both variants: one
    // finding per variant, on the variant's own field, the record's line
    // (where the product starts), the variant's row in the message.
    let tee: Vec<(Option<u64>, Option<&str>, bool)> = findings
        .iter()
        .filter(|f| f["rule"] == "pricing/original-not-above-price")
        .map(|f| {
            let message = f["message"].as_str().unwrap_or_default();
            (
                f["line"].as_u64(),
                f["field"].as_str(),
                message.contains("第5行") || message.contains("第6行"),
            )
        })
        .collect();
    assert_eq!(
        tee,
        [
            (Some(5), Some("variant.1.original_price"), true),
            (Some(5), Some("variant.2.original_price"), true)
        ]
    );
    assert!(stdout.contains("（变体 CT-L，第6行）"), "{stdout}");
    let html = findings.iter().find(|f| f["text"] == "顶级").unwrap();
    assert_eq!(
        html["field"], "description",
        "Body (HTML) is the description"
    );
}

/// A variant row's unreadable price is reported, naming the variant's row.
#[test]
fn a_variant_price_that_is_not_a_price() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("products.csv");
    std::fs::write(
        &csv,
        "Handle,Title,Variant SKU,Variant Price,Variant Compare At Price\nmug,陶瓷杯,M-1,39,59\nmug,,M-2,约四十元,59\n",
    )
    .unwrap();
    let (_, stdout, _) = run(listlint()
        .args(["check", "--profile", "shopify", "--format", "jsonl"])
        .arg(&csv));
    let findings = jsonl(&stdout);
    let bad = findings
        .iter()
        .find(|f| f["rule"] == "input/invalid-price")
        .expect(&stdout);
    assert_eq!(bad["line"], 2, "the line where the product starts");
    assert_eq!(bad["field"], "variant.2.price");
    assert!(bad["message"]
        .as_str()
        .unwrap()
        .starts_with("line 3, field `variant.2.price`"));
}

#[test]
fn taobao_data_package_in_utf16_with_tabs() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--profile",
        "taobao",
        "--format",
        "jsonl",
        "--select",
        "absolute-terms",
        "fixtures/taobao/data-package.csv",
    ]));
    let found: Vec<(u64, String, String)> = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["listing_id"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (4, "TB-001".to_owned(), "极品".to_owned()),
            (5, "TB-002".to_owned(), "最好吃".to_owned())
        ]
    );
}

#[test]
fn map_overrides_and_verbose_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.csv");
    std::fs::write(&file, "编号,商品名,活动文案\nM-1,保温杯,全网第一\n").unwrap();
    let (_, stdout, stderr) = run(listlint()
        .args([
            "check",
            "-v",
            "--format",
            "jsonl",
            "--select",
            "absolute-terms",
            "--map",
            "id=编号",
            "--map",
            "title=商品名",
            "--map",
            "promo_text=活动文案",
        ])
        .arg(&file));
    let f = jsonl(&stdout);
    assert_eq!(
        (f[0]["listing_id"].as_str(), f[0]["field"].as_str()),
        (Some("M-1"), Some("promo_text"))
    );
    assert!(
        stderr.contains("编号 → id") && stderr.contains("活动文案 → promo_text"),
        "{stderr}"
    );
    let (code, _, stderr) =
        run(listlint().args(["check", "--map", "title", "fixtures/listings.csv"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("FIELD=HEADER"), "{stderr}");
    let (code, _, _) =
        run(listlint().args(["check", "--profile", "amazon", "fixtures/listings.csv"]));
    assert_eq!(code, 2);
}

const SHOPIFY_HEADER: &str =
    "Handle,Title,Body (HTML),Option1 Value,Variant SKU,Variant Price,Variant Compare At Price\n";

/// Runs `check` on a Shopify CSV made of `rows` (after the header).
fn shopify(rows: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("products.csv");
    std::fs::write(&csv, format!("{SHOPIFY_HEADER}{rows}")).unwrap();
    let (_, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--profile",
            "shopify",
            "--format",
            "jsonl",
            "--as-of",
            "2026-11-27",
        ])
        .args(extra)
        .arg(&csv));
    assert!(stderr.is_empty(), "{stderr}");
    jsonl(&stdout)
}

fn rules_of(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["category"] == "pricing")
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["field"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn lowest_price_claims_are_judged_against_the_cheapest_variant() {
    // 低至79元 and 低至5折 hold for the S variant: no finding, although M
    // and L cost more.
    for claim in ["低至79元", "低至5折"] {
        let findings = shopify(
            &format!(
                "tee,T恤,<p>{claim}</p>,S,T-S,79,158\ntee,,,M,T-M,99,158\ntee,,,L,T-L,129,158\n"
            ),
            &[],
        );
        assert!(rules_of(&findings).is_empty(), "{claim}: {findings:?}");
    }
    // A plain 5折 must hold for every variant: M is 6.3折.
    let findings = shopify("tee,T恤,<p>5折</p>,S,T-S,79,158\ntee,,,M,T-M,99,158\n", &[]);
    assert_eq!(
        rules_of(&findings),
        ["pricing/discount-claim-mismatch description"]
    );
}

#[test]
fn price_history_is_compared_with_the_product_as_a_whole() {
    // The history is kept per product id: each size sold at its own
    // compare-at price, so the product's lowest compare-at price (299) is
    // backed by a sale, and no variant is compared with another's sales.
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.csv");
    std::fs::write(
        &history,
        "id,date,price\ncoat,2026-11-20,299\ncoat,2026-11-21,359\ncoat,2026-11-22,399\n",
    )
    .unwrap();
    let findings = shopify(
        "coat,大衣,<p>好</p>,S,C-S,199,299\ncoat,,,M,C-M,259,359\ncoat,,,L,C-L,299,399\n",
        &["--price-history", history.to_str().unwrap()],
    );
    assert!(rules_of(&findings).is_empty(), "{findings:?}");
}

#[test]
fn a_variants_column_in_other_exports_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("g.csv");
    std::fs::write(
        &csv,
        "id,title,price,original_price,variants\nA1,保温杯,99,89,3\n",
    )
    .unwrap();
    let (_, stdout, _) = run(listlint().args(["check", "--format", "jsonl"]).arg(&csv));
    assert_eq!(
        rules_of(&jsonl(&stdout)),
        ["pricing/original-not-above-price original_price"]
    );
}

#[test]
fn custom_price_columns_of_variants_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("msrp.yaml");
    std::fs::write(
        &pack,
        "pack: msrp\nversion: \"1\"\ncategory: pricing\nrules:\n  - id: msrp/not-above-price\n    kind: price\n    severity: error\n    message: \"{detail}\"\n    price: {check: original-above-price, original_field: msrp}\n",
    )
    .unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(
        &csv,
        "Handle,Title,Variant SKU,Variant Price,MSRP\ncup,杯子,K-S,99,89\ncup,,K-M,109,119\n",
    )
    .unwrap();
    let (_, stdout, _) = run(listlint()
        .args([
            "check",
            "--profile",
            "shopify",
            "--no-default-rules",
            "--map",
            "msrp=MSRP",
            "--format",
            "jsonl",
            "--rules",
        ])
        .arg(&pack)
        .arg(&csv));
    let fields: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["field"].as_str().unwrap_or("-").to_owned())
        .collect();
    assert_eq!(
        fields,
        ["msrp"],
        "K-S's own MSRP, read from the product row: {stdout}"
    );
}

#[test]
fn adding_a_variant_keeps_the_other_variants_fingerprints() {
    let rows = "tee,T恤,<p>好</p>,S,T-S,89,158\ntee,,,M,T-M,99,158\ntee,,,L,T-L,129,100\n";
    let before = shopify(rows, &[]);
    let more = shopify(
        &rows.replacen("tee,,,M", "tee,,,XS,T-XS,79,158\ntee,,,M", 1),
        &[],
    );
    let print = |findings: &[serde_json::Value]| {
        findings
            .iter()
            .find(|f| f["rule"] == "pricing/original-not-above-price")
            .map(|f| (f["field"].clone(), f["fingerprint"].clone()))
            .unwrap()
    };
    let (field_before, print_before) = print(&before);
    let (field_after, print_after) = print(&more);
    assert_ne!(field_before, field_after, "T-L moved from variant 3 to 4");
    assert_eq!(print_before, print_after);
}
