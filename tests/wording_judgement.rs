//! The wording and claims packs judged on a labelled case set, through the
//! binary: `fixtures/judgement/wording-cases.jsonl` holds listings written
//! for this measurement (traditional-medicine efficacy, drug-administration,
//! scar and burn wording on goods that are not drugs; medical claims on
//! cosmetics; medical, expert and state endorsements; official and
//! commercial 特供 / 专供; absolute-term synonyms; and, for about half of
//! the cases, look-alikes that must pass: brand and shop names, works,
//! drugs and devices stating their indications, grades, identifiers and
//! sourced rankings). Each case lists the rules a reader expects
//! (`expect`); an entry `a|b` is met by either rule (a claim two rules of
//! the pack may rightly report). Precision and recall are counted over
//! (listing, rule) pairs of the wording categories.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{jsonl, listlint, run};
use serde_json::Value;

const CASES: &str = "fixtures/judgement/wording-cases.jsonl";

/// The categories the case set judges.
const CATEGORIES: &str = "absolute-terms,claims,prohibited";

/// Lowest figures accepted: those measured when the case set was written
/// (see the `cn-claims` pack description), rounded down.
const MIN_PRECISION: f64 = 0.99;
const MIN_RECALL: f64 = 0.99;

struct Case {
    id: String,
    class: String,
    /// Expected findings, each met by any one of its rules.
    expect: Vec<Vec<String>>,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES))
            .expect("case set readable");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("valid case line");
            let field = |name: &str| v[name].as_str().expect(name).to_owned();
            let expect = v["expect"]
                .as_array()
                .expect("expect is a list")
                .iter()
                .map(|e| {
                    e.as_str()
                        .expect("rule ids")
                        .split('|')
                        .map(str::to_owned)
                        .collect()
                })
                .collect();
            Case {
                id: field("id"),
                class: field("case_class"),
                expect,
            }
        })
        .collect()
}

/// Rules reported per listing id.
fn reported() -> BTreeMap<String, BTreeSet<String>> {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--select",
        CATEGORIES,
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
        let rule = f["rule"].as_str().expect("rule").to_owned();
        found.entry(id.to_owned()).or_default().insert(rule);
    }
    found
}

/// True positives, false positives and false negatives, with one line per
/// wrong case.
#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    wrong: Vec<String>,
}

impl Score {
    fn add(&mut self, case: &Case, found: &BTreeSet<String>) {
        let met = |e: &Vec<String>| e.iter().any(|r| found.contains(r));
        let missed: Vec<String> = case
            .expect
            .iter()
            .filter(|e| !met(e))
            .map(|e| e.join("|"))
            .collect();
        let extra: Vec<&String> = found
            .iter()
            .filter(|r| !case.expect.iter().any(|e| e.contains(r)))
            .collect();
        self.tp += case.expect.len() - missed.len();
        self.fn_ += missed.len();
        self.fp += extra.len();
        if !missed.is_empty() || !extra.is_empty() {
            self.wrong.push(format!(
                "{} [{}]: missed {missed:?}, extra {extra:?}",
                case.id, case.class
            ));
        }
    }

    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }

    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

#[test]
fn the_case_set_is_half_look_alikes() {
    let cases = cases();
    assert!(cases.len() >= 120, "{} cases", cases.len());
    let negatives = cases.iter().filter(|c| c.expect.is_empty()).count();
    assert!(
        negatives * 2 >= cases.len(),
        "{negatives} of {} must pass",
        cases.len()
    );
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids are unique");
}

#[test]
fn wording_precision_and_recall_on_the_case_set() {
    let cases = cases();
    let found = reported();
    let known: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert!(
        found.keys().all(|id| known.contains(id.as_str())),
        "findings on listings that are not cases: {found:?}"
    );
    let empty = BTreeSet::new();
    let mut score = Score::default();
    for case in &cases {
        score.add(case, found.get(&case.id).unwrap_or(&empty));
    }
    let (p, r) = (score.precision(), score.recall());
    println!(
        "wording case set: {} cases, tp {} fp {} fn {}, precision {p:.3}, recall {r:.3}",
        cases.len(),
        score.tp,
        score.fp,
        score.fn_
    );
    assert!(
        p >= MIN_PRECISION && r >= MIN_RECALL,
        "precision {p:.3} (min {MIN_PRECISION}), recall {r:.3} (min {MIN_RECALL}); wrong cases:\n{}",
        score.wrong.join("\n")
    );
}
