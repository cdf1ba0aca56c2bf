//! The promotions pack judged on a labelled case set, through the binary:
//! `fixtures/judgement/promotion-cases.jsonl` holds listings written for
//! this measurement (fields as facts, offers written in numbers, coupons,
//! gifts, prize draws and the cap, compact date-time windows, look-alikes),
//! each with the promotion rules a reader expects (`expect`, space
//! separated; empty for a listing that must pass). Precision and recall
//! are counted over (listing, rule) pairs, as docs/rule-packs.md reports
//! them.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{jsonl, listlint, run};
use serde_json::Value;

const CASES: &str = "fixtures/judgement/promotion-cases.jsonl";

/// The check date every case is written for.
const AS_OF: &str = "2026-11-27";

/// Lowest figures accepted: those measured when the case set was written
/// (docs/rule-packs.md, *Measured on a labelled case set*), rounded down.
const MIN_PRECISION: f64 = 0.99;
const MIN_RECALL: f64 = 0.99;

struct Case {
    id: String,
    class: String,
    expect: BTreeSet<String>,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES))
            .expect("case set readable");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("valid case line");
            let field = |name: &str| v[name].as_str().expect(name).to_owned();
            Case {
                id: field("id"),
                class: field("case_class"),
                expect: field("expect")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            }
        })
        .collect()
}

/// Rules reported per listing id.
fn reported() -> BTreeMap<String, BTreeSet<String>> {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--select",
        "promotions",
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        CASES,
    ]));
    assert_eq!(code, 0, "{stderr}");
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in jsonl(&stdout) {
        let id = f["listing_id"].as_str().expect("every case has an id");
        found
            .entry(id.to_owned())
            .or_default()
            .insert(f["rule"].as_str().unwrap().to_owned());
    }
    found
}

#[test]
fn the_case_set_is_large_and_half_look_alikes() {
    let cases = cases();
    let negative = cases.iter().filter(|c| c.expect.is_empty()).count();
    assert!(cases.len() >= 100, "{} cases", cases.len());
    assert!(2 * negative >= cases.len(), "{negative} of {}", cases.len());
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids are unique");
    for c in &cases {
        assert!(
            c.expect.iter().all(|r| r.starts_with("promo/")),
            "{}: {:?}",
            c.id,
            c.expect
        );
    }
}

#[test]
fn precision_and_recall_on_the_labelled_cases() {
    let cases = cases();
    let found = reported();
    let known: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert!(
        found.keys().all(|id| known.contains(id.as_str())),
        "findings only for listed cases"
    );
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for c in &cases {
        let empty = BTreeSet::new();
        let got = found.get(&c.id).unwrap_or(&empty);
        tp += c.expect.intersection(got).count();
        fp += got.difference(&c.expect).count();
        fn_ += c.expect.difference(got).count();
        if *got != c.expect {
            wrong.push(format!(
                "{} ({}): expected {:?}, got {:?}",
                c.id, c.class, c.expect, got
            ));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    assert!(
        precision >= MIN_PRECISION && recall >= MIN_RECALL,
        "precision {precision:.3} recall {recall:.3} (TP {tp}, FP {fp}, FN {fn_}):\n{}",
        wrong.join("\n")
    );
}
