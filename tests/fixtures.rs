//! The shipped fixtures through the binary with the default packs: every
//! violating listing is caught, every look-alike listing is left alone.

mod common;

use std::collections::BTreeSet;

use common::{jsonl, listlint, run};
use serde_json::Value;

fn findings(paths: &[&str]) -> Vec<Value> {
    let (code, stdout, stderr) = run(listlint()
        .args(["check", "--format", "jsonl", "--as-of", "2026-11-27"])
        .args(paths));
    assert_eq!(code, 1, "{stderr}");
    jsonl(&stdout)
}

/// Findings of the wording packs only (absolute terms and claims).
fn wording(paths: &[&str]) -> Vec<Value> {
    findings(&[&["--select", "absolute-terms,claims"], paths].concat())
}

fn flagged_ids(findings: &[Value]) -> BTreeSet<String> {
    findings
        .iter()
        .filter_map(|f| f["listing_id"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn csv_fixture_flags_exactly_the_violating_listings() {
    let found = wording(&["fixtures/listings.csv"]);
    let expected: BTreeSet<String> = [1, 4, 6, 8, 11, 13, 14, 15, 17, 19]
        .iter()
        .map(|n| format!("FX-{n:03}"))
        .collect();
    assert_eq!(flagged_ids(&found), expected);
}

#[test]
fn jsonl_fixture_flags_exactly_the_violating_listings() {
    let found = wording(&["fixtures/listings.jsonl"]);
    let expected: BTreeSet<String> = [2, 4, 5, 7, 9]
        .iter()
        .map(|n| format!("JX-{n:03}"))
        .collect();
    assert_eq!(flagged_ids(&found), expected);
}

#[test]
fn fixture_findings_snapshot() {
    let found = findings(&[
        "fixtures/listings.csv",
        "fixtures/listings.jsonl",
        "fixtures/bad",
    ]);
    let lines: Vec<String> = found
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {} {} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["listing_id"].as_str().unwrap_or("-"),
                f["rule"].as_str().unwrap(),
                f["field"].as_str().unwrap_or("-"),
                f["text"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn readme_command_shows_diagnostics_and_a_summary() {
    let (code, stdout, _) = run(listlint().args(["check", "fixtures/listings.csv"]));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("fixtures/listings.csv:2 · FX-001 · title"),
        "{stdout}"
    );
    assert!(stdout.contains("「全网第一」"));
    assert!(stdout.contains("help:"));
    assert!(stdout.trim_end().ends_with("info."), "{stdout}");
    assert!(stdout.contains("in 1 file (20 listings)"));
}
