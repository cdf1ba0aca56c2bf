//! The operator's loop through the binary: a certificate rule whose
//! column an export lacks reports once per file (and per listing with
//! `--no-collapse`), why a conditional rule applied (`reason`), human
//! output that caps each rule per file and ends with per-rule counts,
//! `--min-severity`, and `explain` in the pack's language.

mod common;

use std::path::Path;

use common::{jsonl, listlint_in, run};
use serde_json::Value;

/// Cosmetics by their titles, in an export without a certificate column,
/// and one listing with a superlative.
const NO_CERT_CSV: &str = "商品ID,商品标题\n\
C-1,保湿面霜 50g\n\
C-2,氨基酸洗面奶 120g\n\
C-3,水润精华液 30ml\n\
C-4,最好的保温杯\n";

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// The JSON Lines findings and exit code of `check` in `dir` with `args`.
fn check(dir: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let (code, stdout, stderr) = run(listlint_in(dir)
        .args(["check", "--format", "jsonl"])
        .args(args));
    assert_ne!(code, 2, "{stderr}");
    (code, jsonl(&stdout))
}

/// `rule listing severity` of each finding.
fn summary(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap(),
                f["listing_id"].as_str().unwrap_or("-"),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_certificate_column_the_header_lacks_is_one_info_finding_for_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shop.csv", NO_CERT_CSV);
    let (code, findings) = check(dir.path(), &["shop.csv"]);
    assert_eq!(code, 1, "the superlative is an error");
    assert_eq!(
        summary(&findings),
        [
            "absolute/superlative C-4 error",
            "cert/cosmetics-filing - info"
        ],
        "the file's listings first, then the rule once for the file"
    );
    let collapsed = &findings[1];
    assert_eq!(collapsed["listing_id"], Value::Null);
    assert_eq!(collapsed["category"], "certificates");
    assert_eq!(collapsed["pack"], "cn-certificates");
    assert_eq!(collapsed["field"], "cert.cosmetics");
    assert_eq!(collapsed["line"], 1, "the header's line");
    assert_eq!(collapsed["record"], 0);
    let message = collapsed["message"].as_str().unwrap();
    for part in [
        "3 条商品",
        "`cert.cosmetics`",
        "--map cert.cosmetics=",
        "--no-collapse",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert_eq!(collapsed["start"], Value::Null);
    assert_eq!(collapsed["text"], Value::Null);
    assert_eq!(collapsed["fingerprint"].as_str().unwrap().len(), 32);

    // --no-collapse: a warning per listing, each saying why.
    let (_, findings) = check(dir.path(), &["--no-collapse", "shop.csv"]);
    assert_eq!(
        summary(&findings),
        [
            "cert/cosmetics-filing C-1 warning",
            "cert/cosmetics-filing C-2 warning",
            "cert/cosmetics-filing C-3 warning",
            "absolute/superlative C-4 error"
        ]
    );
    let words: Vec<&str> = findings[..3]
        .iter()
        .map(|f| f["reason"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(words, ["面霜", "洗面奶", "精华液"]);

    // The config key does what the flag does.
    write(dir.path(), "listlint.yaml", "collapse: false\n");
    let (_, from_config) = check(dir.path(), &["shop.csv"]);
    assert_eq!(summary(&from_config), summary(&findings));
}

#[test]
fn a_header_with_the_column_and_records_without_a_header_report_per_listing() {
    let dir = tempfile::tempdir().unwrap();
    // The column is there (empty for C-1): C-1 lacks the number.
    write(
        dir.path(),
        "with-column.csv",
        "商品ID,商品标题,普通化妆品备案编号\nC-1,保湿面霜 50g,\nC-2,氨基酸洗面奶 120g,粤G妆网备字2021012345\n",
    );
    let (_, findings) = check(dir.path(), &["with-column.csv"]);
    assert_eq!(summary(&findings), ["cert/cosmetics-filing C-1 warning"]);

    // JSON Lines and JSON: fields are per record, so per listing.
    write(
        dir.path(),
        "shop.jsonl",
        "{\"id\":\"C-1\",\"title\":\"保湿面霜 50g\"}\n{\"id\":\"C-2\",\"title\":\"氨基酸洗面奶 120g\"}\n",
    );
    write(
        dir.path(),
        "shop.json",
        "[{\"id\":\"C-1\",\"title\":\"保湿面霜 50g\"}]",
    );
    write(dir.path(), "item.yaml", "id: C-9\ntitle: 保湿面霜 50g\n");
    let (_, findings) = check(dir.path(), &["shop.jsonl", "shop.json", "item.yaml"]);
    assert_eq!(
        summary(&findings),
        [
            "cert/cosmetics-filing C-1 warning",
            "cert/cosmetics-filing C-2 warning",
            "cert/cosmetics-filing C-1 warning",
            "cert/cosmetics-filing C-9 warning"
        ]
    );
}

#[test]
fn each_headed_file_collapses_on_its_own_in_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.csv", NO_CERT_CSV);
    // A 淘宝助理 data package (UTF-16 with BOM, tab-separated) of food
    // without its licence columns.
    let package = "version 1.00\ntitle\tcid\touter_id\n宝贝名称\t宝贝类目\t商家编码\n\
                   每日坚果 750g 最佳\t1\tTB-1\n原味腰果 500g\t1\tTB-2\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(package.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "package.csv", utf16);
    let (_, findings) = check(dir.path(), &["--profile", "taobao", "a.csv", "package.csv"]);
    let lines: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["file"].as_str().unwrap(),
                f["listing_id"].as_str().unwrap_or("-"),
                f["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "a.csv C-4 absolute/superlative",
            "a.csv - cert/cosmetics-filing",
            "package.csv TB-1 absolute/superlative",
            "package.csv - cert/food-licence",
        ],
        "{findings:#?}"
    );
    assert!(findings[3]["message"]
        .as_str()
        .unwrap()
        .contains("2 条商品"));
    assert_eq!(findings[3]["line"], 2, "the English header row");
}

#[test]
fn baselines_and_waivers_take_the_collapsed_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shop.csv", NO_CERT_CSV);
    let (_, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "jsonl",
        "--write-baseline",
        "baseline.json",
        "shop.csv",
    ]));
    assert!(stderr.contains("wrote 2 findings"), "{stderr}");
    assert_eq!(jsonl(&stdout).len(), 2);
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let entry = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "cert/cosmetics-filing")
        .unwrap();
    assert_eq!(entry["listing_id"], Value::Null);
    let (code, findings) = check(dir.path(), &["--baseline", "baseline.json", "shop.csv"]);
    assert_eq!((code, findings.len()), (0, 0));

    // A waiver of the rule covers it; one for a listing does not.
    let waiver = |listing: &str| {
        format!(
            "waivers:\n  - rule: cert/cosmetics-filing\n{listing}    reason: 备案号在详情图中\n    approved_by: 法务部\n    expires: 2099-12-31\n"
        )
    };
    write(dir.path(), "listlint.yaml", waiver(""));
    let (_, findings) = check(dir.path(), &["shop.csv"]);
    assert_eq!(summary(&findings), ["absolute/superlative C-4 error"]);
    write(dir.path(), "listlint.yaml", waiver("    listing: C-1\n"));
    let (_, findings) = check(dir.path(), &["shop.csv"]);
    assert_eq!(
        summary(&findings),
        [
            "absolute/superlative C-4 error",
            "cert/cosmetics-filing - info"
        ]
    );
}

#[test]
fn conditional_findings_say_which_word_or_category_made_the_rule_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "shop.jsonl",
        concat!(
            "{\"id\":\"R-1\",\"title\":\"【新品】美白精华液 30ml\"}\n",
            "{\"id\":\"R-2\",\"category\":\"美妆>面部护肤\",\"title\":\"滋润霜\"}\n",
            "{\"id\":\"R-3\",\"title\":\"最好的保温杯\"}\n",
        ),
    );
    let (_, findings) = check(dir.path(), &["shop.jsonl"]);
    let by_id = |id: &str| -> &Value {
        findings
            .iter()
            .find(|f| f["listing_id"] == id)
            .unwrap_or_else(|| panic!("{id}: {findings:#?}"))
    };
    let special = by_id("R-1");
    assert_eq!(special["rule"], "cert/special-cosmetics-registration");
    assert_eq!(
        special["reason"],
        serde_json::json!({"field": "title", "text": "美白", "start": 4, "end": 6})
    );
    let by_category = by_id("R-2");
    assert_eq!(by_category["rule"], "cert/cosmetics-filing");
    assert_eq!(
        by_category["reason"],
        serde_json::json!({"field": "category", "text": "美妆>面部护肤"})
    );
    // A rule without a condition has no reason key at all.
    let plain = by_id("R-3");
    assert!(plain.get("reason").is_none(), "{plain}");

    // Human output says it in a few words.
    let (_, stdout, _) = run(listlint_in(dir.path()).args(["check", "shop.jsonl"]));
    assert!(stdout.contains("(because 「美白」 in title)"), "{stdout}");
    assert!(
        stdout.contains("(because category 「美妆>面部护肤」)"),
        "{stdout}"
    );
}

/// Every finding of a certificate rule on the fixtures, one per listing,
/// carries a reason, and a word's reason is the slice of its field.
#[test]
fn every_conditional_certificate_finding_has_a_reason_pointing_into_the_listing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, findings) = check(
        root,
        &[
            "--no-collapse",
            "fixtures/listings.csv",
            "fixtures/listings.jsonl",
        ],
    );
    let listings: Vec<Value> = {
        let (_, stdout, _) = run(listlint_in(root).args([
            "check",
            "--format",
            "jsonl",
            "--no-collapse",
            "--select",
            "certificates",
            "fixtures/listings.jsonl",
        ]));
        jsonl(&stdout)
    };
    assert!(!listings.is_empty());
    let missing: Vec<&Value> = findings
        .iter()
        .filter(|f| f["category"] == "certificates" && f["field"].is_null())
        .collect();
    assert!(missing.len() >= 10, "{}", missing.len());
    let jsonl_text = std::fs::read_to_string(root.join("fixtures/listings.jsonl")).unwrap();
    let csv_text = std::fs::read_to_string(root.join("fixtures/listings.csv")).unwrap();
    for f in missing {
        let reason = &f["reason"];
        assert!(reason.is_object(), "no reason: {f}");
        let text = reason["text"].as_str().unwrap();
        assert!(!text.is_empty(), "{f}");
        let source = if f["file"].as_str().unwrap().ends_with(".csv") {
            &csv_text
        } else {
            &jsonl_text
        };
        assert!(source.contains(text), "{text} is not in the input: {f}");
        if let (Some(start), Some(end)) = (reason["start"].as_u64(), reason["end"].as_u64()) {
            assert_eq!(end - start, text.chars().count() as u64, "{f}");
        } else {
            assert_eq!(reason["field"], "category", "{f}");
        }
    }
}

/// 15 listings with a superlative and 2 with a ranking claim.
fn many_csv() -> String {
    let mut csv = String::from("id,title\n");
    for i in 1..=15 {
        csv.push_str(&format!("S-{i},最好的保温杯 {i}\n"));
    }
    csv.push_str("N-1,全网第一 保温杯\nN-2,销量第一 保温杯\n");
    csv
}

#[test]
fn human_output_shows_ten_findings_of_a_rule_per_file_then_one_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "many.csv", many_csv());
    write(dir.path(), "more.csv", many_csv());
    let (code, stdout, _) = run(listlint_in(dir.path()).args(["check", "many.csv", "more.csv"]));
    assert_eq!(code, 1);
    let headings = stdout.matches("absolute/superlative (error)").count();
    assert_eq!(headings, 20, "ten per file");
    let more: Vec<&str> = stdout.lines().filter(|l| l.starts_with('…')).collect();
    assert_eq!(
        more,
        [
            "… and 5 more `absolute/superlative` in many.csv (--max-per-rule 0 shows them)",
            "… and 5 more `absolute/superlative` in more.csv (--max-per-rule 0 shows them)",
        ]
    );
    // The line comes before the next file's findings.
    let first_more = stdout.find("… and 5 more").unwrap();
    assert!(stdout[..first_more].contains("many.csv:"));
    assert!(!stdout[..first_more].contains("more.csv:"));
    assert!(
        stdout.contains("Found 34 findings"),
        "the summary counts all"
    );
    // 34 findings: no table by default.
    assert!(!stdout.contains("Findings per rule:"));

    let (_, all, _) =
        run(listlint_in(dir.path()).args(["check", "--max-per-rule", "0", "many.csv", "more.csv"]));
    assert_eq!(all.matches("absolute/superlative (error)").count(), 30);
    assert!(!all.contains("… and"));
    // The JSON formats keep everything.
    let (_, findings) = check(dir.path(), &["many.csv", "more.csv"]);
    assert_eq!(findings.len(), 34);
}

#[test]
fn human_output_ends_with_per_rule_counts_past_fifty_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,title\n");
    for i in 1..=51 {
        csv.push_str(&format!("S-{i},最好的保温杯 {i}\n"));
    }
    write(dir.path(), "big.csv", &csv);
    write(dir.path(), "small.csv", many_csv());
    let table = "Findings per rule:\n       51  absolute/superlative\n";
    let (_, stdout, _) = run(listlint_in(dir.path()).args(["check", "big.csv"]));
    assert!(stdout.contains(table), "{stdout}");
    let (_, stdout, _) = run(listlint_in(dir.path()).args(["check", "--no-statistics", "big.csv"]));
    assert!(!stdout.contains("Findings per rule:"));
    let (_, stdout, _) = run(listlint_in(dir.path()).args(["check", "--statistics", "small.csv"]));
    assert!(stdout.contains("Findings per rule:"));
    // JSON has `by_rule` only when asked, as before.
    let (_, stdout, _) =
        run(listlint_in(dir.path()).args(["check", "--format", "json", "big.csv"]));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert!(doc["summary"].get("by_rule").is_none());
}

/// Listings with an error (a superlative) and a warning (a missing
/// cosmetics filing), as JSON Lines so that nothing collapses.
const SEVERITIES_JSONL: &str = concat!(
    "{\"id\":\"E-1\",\"title\":\"最好的保温杯\"}\n",
    "{\"id\":\"W-1\",\"title\":\"保湿面霜 50g\"}\n",
);

#[test]
fn min_severity_hides_findings_in_every_format_but_not_from_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shop.jsonl", SEVERITIES_JSONL);
    let (_, all) = check(dir.path(), &["shop.jsonl"]);
    assert_eq!(
        summary(&all),
        [
            "absolute/superlative E-1 error",
            "cert/cosmetics-filing W-1 warning"
        ]
    );
    let (_, errors) = check(dir.path(), &["--min-severity", "error", "shop.jsonl"]);
    assert_eq!(summary(&errors), ["absolute/superlative E-1 error"]);

    // JSON: the summary counts what is shown and says what is hidden.
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "json",
        "--min-severity",
        "error",
        "shop.jsonl",
    ]));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["findings"], 1);
    assert_eq!(
        doc["summary"]["below_min_severity"],
        serde_json::json!({"warning": 1})
    );
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    // SARIF, CSV and GitHub show only the error too.
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "sarif",
        "--min-severity",
        "error",
        "shop.jsonl",
    ]));
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "csv",
        "--min-severity",
        "error",
        "shop.jsonl",
    ]));
    assert_eq!(stdout.lines().count(), 2, "header and one row: {stdout}");
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "github",
        "--min-severity",
        "error",
        "shop.jsonl",
    ]));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("::")).count(), 1);

    // Hidden findings still fail the run: only the warning listing, shown
    // nothing, fails --fail-on warning; the summary says why.
    write(
        dir.path(),
        "warning.jsonl",
        "{\"id\":\"W-1\",\"title\":\"保湿面霜 50g\"}\n",
    );
    let (code, stdout, _) = run(listlint_in(dir.path()).args([
        "check",
        "--min-severity",
        "error",
        "--fail-on",
        "warning",
        "warning.jsonl",
    ]));
    assert_eq!(code, 1, "{stdout}");
    assert!(!stdout.contains("cert/cosmetics-filing"), "{stdout}");
    assert!(
        stdout.contains(
            "Not shown: 1 warning below --min-severity error (they still count for --fail-on)."
        ),
        "{stdout}"
    );
    let (code, _, _) =
        run(listlint_in(dir.path()).args(["check", "--min-severity", "error", "warning.jsonl"]));
    assert_eq!(code, 0, "--fail-on error: a warning does not fail");

    // The config key, and the flag over it.
    write(dir.path(), "listlint.yaml", "min_severity: error\n");
    let (_, shown) = check(dir.path(), &["shop.jsonl"]);
    assert_eq!(summary(&shown), ["absolute/superlative E-1 error"]);
    let (_, shown) = check(dir.path(), &["--min-severity", "info", "shop.jsonl"]);
    assert_eq!(shown.len(), 2);
}

#[test]
fn explain_speaks_the_language_of_the_packs_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stdout, _) = run(listlint_in(root).args(["explain", "cert/cosmetics-filing"]));
    assert_eq!(code, 0);
    for heading in [
        "规则包 cn-certificates",
        "· 类型 require · 严重程度 警告 (warning) · 类别 certificates",
        "\n适用条件：同时满足（引用 cn-categories/cosmetics，不满足（引用 cn-categories/special-cosmetics））",
        "\n要求：普通化妆品备案凭证，写在 [cert.cosmetics, ",
        "\n法律依据：\n  - 《化妆品监督管理条例》",
        "\n示例：\n",
    ] {
        assert!(stdout.contains(heading), "{heading}: {stdout}");
    }
    let (_, stdout, _) =
        run(listlint_in(root).args(["explain", "--lang", "en", "cert/cosmetics-filing"]));
    assert!(
        stdout.contains("\nwhen: all of (use cn-categories/cosmetics"),
        "{stdout}"
    );
    assert!(stdout.contains("\nreferences:\n"), "{stdout}");

    // A pack written in English explains in English.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pack.yaml",
        "pack: house\nversion: \"1\"\ncategory: style\nrules:\n  - id: house/free\n    kind: lexicon\n    severity: info\n    message: \"avoid the word {term}\"\n    help: say what is included\n    terms: [free]\n",
    );
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "explain",
        "--no-default-rules",
        "--rules",
        "pack.yaml",
        "house/free",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("\nmessage: avoid the word {term}"),
        "{stdout}"
    );
    assert!(stdout.contains("\nhelp: say what is included"), "{stdout}");
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "explain",
        "--lang",
        "zh",
        "--no-default-rules",
        "--rules",
        "pack.yaml",
        "house/free",
    ]));
    assert!(
        stdout.contains("\n提示信息：avoid the word {term}"),
        "{stdout}"
    );
}
