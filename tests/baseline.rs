//! Baselines and statistics through the binary.

mod common;

use common::{jsonl, listlint, run};

const BEFORE: &str = "id,title\nA,全网第一 保温杯\nB,最好用的吸尘器\nC,纯棉T恤\n";
/// Rows reordered, B fixed, C gains a violation, A unchanged.
const AFTER: &str = "id,title\nC,顶级 纯棉T恤\nA,全网第一 保温杯\nB,好用的吸尘器\n";

#[test]
fn baseline_reports_only_new_findings_and_counts_fixed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.csv");
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&data, BEFORE).unwrap();
    let (code, _, stderr) = run(listlint()
        .args([
            "check",
            "--select",
            "absolute-terms",
            "--format",
            "jsonl",
            "--write-baseline",
        ])
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("wrote 2 findings to the baseline"),
        "{stderr}"
    );

    std::fs::write(&data, AFTER).unwrap();
    let (code, stdout, _) = run(listlint()
        .args([
            "check",
            "--select",
            "absolute-terms",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 1, "the new finding fails the run");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (
            findings[0]["listing_id"].as_str(),
            findings[0]["text"].as_str()
        ),
        (Some("C"), Some("顶级"))
    );
    assert_eq!(doc["summary"]["baseline"]["suppressed"], 1);
    assert_eq!(doc["summary"]["baseline"]["stale"], 1, "B was fixed");

    std::fs::write(&data, BEFORE).unwrap();
    let (code, stdout, _) = run(listlint()
        .args(["check", "--select", "absolute-terms", "--baseline"])
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 0, "nothing new: {stdout}");
    assert!(stdout
        .contains("Baseline: 2 known findings not shown; 0 baseline entries no longer occur."));

    std::fs::write(&baseline, "{\"nope\": 1}").unwrap();
    let (code, _, stderr) = run(listlint()
        .args(["check", "--baseline"])
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a listlint baseline"), "{stderr}");
}

#[test]
fn statistics_per_rule_and_category() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--statistics",
        "--format",
        "json",
        "--select",
        "absolute-terms,claims",
        "fixtures/listings.csv",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let by_rule = doc["summary"]["by_rule"].as_object().unwrap();
    let total: u64 = by_rule.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, doc["summary"]["findings"].as_u64().unwrap());
    assert_eq!(by_rule["claims/superstition"], 4);
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--statistics",
        "--select",
        "claims",
        "fixtures/listings.csv",
    ]));
    assert!(
        stdout.contains("Findings per rule:\n        4  claims/superstition"),
        "{stdout}"
    );
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--select",
        "claims",
        "fixtures/listings.csv",
    ]));
    assert!(!jsonl(&stdout).is_empty());
}
