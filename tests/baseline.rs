//! Baselines and statistics through the binary.

mod common;

use std::path::Path;

use common::{jsonl, listing_rules, listlint, listlint_in, run};

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
    assert_eq!(by_rule["claims/superstition"], 3);
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--statistics",
        "--select",
        "claims",
        "fixtures/listings.csv",
    ]));
    assert!(stdout.contains("Findings per rule:\n"), "{stdout}");
    assert!(
        stdout.contains("\n        3  claims/superstition\n"),
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

/// A catalog with a draft folder, and a config that ignores absolute terms
/// in drafts and waives A's `absolute/number-one` until 2027-06-30.
fn waived_catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("drafts")).unwrap();
    let listings = "id,title\nA,全网第一 保温杯\nB,最好用的吸尘器\nC,开光 貔貅\n";
    std::fs::write(dir.path().join("listings.csv"), listings).unwrap();
    std::fs::write(dir.path().join("drafts/d.csv"), listings).unwrap();
    std::fs::write(
        dir.path().join("listlint.yaml"),
        concat!(
            "select: [absolute-terms, claims]\n",
            "per_path_ignores:\n",
            "  \"**/drafts/**\": [absolute-terms]\n",
            "waivers:\n",
            "  - rule: absolute/number-one\n",
            "    listing: \"A\"\n",
            "    reason: 赛事名称，非排名宣传\n",
            "    approved_by: 法务部 王律师\n",
            "    expires: 2027-06-30\n",
        ),
    )
    .unwrap();
    dir
}

/// Runs `check --format jsonl .` in `dir` with `args`; returns the exit code
/// and the reported findings as `(file:listing, rule)`.
fn reported(dir: &std::path::Path, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let (code, stdout, stderr) = run(listlint_in(dir)
        .args(["check", "--format", "jsonl"])
        .args(args)
        .arg("."));
    assert_ne!(code, 2, "{stderr}");
    let found = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                format!(
                    "{}:{}",
                    f["file"].as_str().unwrap(),
                    f["listing_id"].as_str().unwrap_or("-")
                ),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, found)
}

/// The `(listing_id, rule)` of each entry of a baseline file.
fn entries(path: &std::path::Path) -> Vec<(String, String)> {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    listing_rules(doc["findings"].as_array().unwrap())
}

#[test]
fn baseline_holds_exactly_what_the_run_reports_and_expired_waivers_bring_findings_back() {
    let dir = waived_catalog();
    let baseline = dir.path().join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let (_, before) = reported(
        dir.path(),
        &["--as-of", "2026-11-27", "--write-baseline", baseline_arg],
    );
    // A is waived, the draft's absolute terms are ignored by path: B's
    // superlative and the two superstition claims are what the run reports.
    let mut expected = vec![
        (
            "./listings.csv:B".to_owned(),
            "absolute/superlative".to_owned(),
        ),
        (
            "./listings.csv:C".to_owned(),
            "claims/superstition".to_owned(),
        ),
        (
            "./drafts/d.csv:C".to_owned(),
            "claims/superstition".to_owned(),
        ),
    ];
    let mut sorted = before.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    let recorded = entries(&baseline);
    assert_eq!(
        recorded.len(),
        before.len(),
        "the baseline holds exactly the reported findings: {recorded:?}"
    );
    assert!(
        !recorded
            .iter()
            .any(|(_, rule)| rule == "absolute/number-one"),
        "neither the waived finding nor the draft's ignored one is recorded: {recorded:?}"
    );

    // Same day, with the baseline: nothing is reported.
    let (code, found) = reported(
        dir.path(),
        &["--as-of", "2026-11-27", "--baseline", baseline_arg],
    );
    assert_eq!((code, found), (0, vec![]));

    // The waiver has expired: its finding comes back despite the baseline,
    // next to the warning about the waiver; the draft stays ignored by path.
    let (code, found) = reported(
        dir.path(),
        &["--as-of", "2027-07-01", "--baseline", baseline_arg],
    );
    assert_eq!(code, 1, "{found:?}");
    assert_eq!(
        found,
        [
            (
                "listlint.yaml:A".to_owned(),
                "config/expired-waiver".to_owned()
            ),
            (
                "./listings.csv:A".to_owned(),
                "absolute/number-one".to_owned()
            ),
        ]
    );
}

/// `summary.baseline` of a `--format json` run in `dir`.
fn baseline_summary(dir: &std::path::Path, args: &[&str]) -> (u64, serde_json::Value) {
    let (_, stdout, stderr) = run(listlint_in(dir)
        .args(["check", "--format", "json", "--as-of", "2026-11-27"])
        .args(args)
        .arg("."));
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    (
        doc["summary"]["findings"].as_u64().unwrap(),
        doc["summary"]["baseline"].clone(),
    )
}

#[test]
fn baseline_with_select_ignore_and_rewritten_in_the_same_run() {
    let dir = waived_catalog();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (narrow, full, refreshed) = (path("narrow.json"), path("full.json"), path("new.json"));
    let today = ["--as-of", "2026-11-27"];

    // Written with `--ignore claims`: only what that run reports.
    let (_, found) = reported(
        dir.path(),
        &[
            &today[..],
            &["--ignore", "claims", "--write-baseline", &narrow],
        ]
        .concat(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(entries(Path::new(&narrow)).len(), 1);
    // Used without the ignore, the claims it never saw are reported.
    let (_, found) = reported(dir.path(), &[&today[..], &["--baseline", &narrow]].concat());
    assert_eq!(
        found.iter().map(|(_, r)| r.as_str()).collect::<Vec<_>>(),
        ["claims/superstition", "claims/superstition"]
    );

    // A full baseline used with `--ignore claims`: the claims entries are
    // not stale (they were not checked, not fixed).
    reported(
        dir.path(),
        &[&today[..], &["--write-baseline", &full]].concat(),
    );
    assert_eq!(entries(Path::new(&full)).len(), 3);
    let (findings, summary) =
        baseline_summary(dir.path(), &["--ignore", "claims", "--baseline", &full]);
    assert_eq!(findings, 0);
    assert_eq!(summary["suppressed"], 1);
    assert_eq!(summary["stale"], 0, "{summary}");

    // `--baseline` and `--write-baseline` together: B is fixed and D is new;
    // the new baseline holds what the run would report without a baseline
    // (known and new findings, not the fixed one), plus the entries of the
    // rules the run did not check.
    std::fs::write(
        dir.path().join("listings.csv"),
        "id,title\nA,全网第一 保温杯\nB,好用的吸尘器\nC,开光 貔貅\nD,顶级 纯棉T恤\n",
    )
    .unwrap();
    let (_, found) = reported(
        dir.path(),
        &[
            &today[..],
            &[
                "--ignore",
                "claims/superstition",
                "--baseline",
                &full,
                "--write-baseline",
                &refreshed,
            ],
        ]
        .concat(),
    );
    assert_eq!(
        found,
        [(
            "./listings.csv:D".to_owned(),
            "absolute/top-grade".to_owned()
        )]
    );
    let mut written = entries(Path::new(&refreshed));
    written.sort();
    assert_eq!(
        written,
        [
            ("C".to_owned(), "claims/superstition".to_owned()),
            ("C".to_owned(), "claims/superstition".to_owned()),
            ("D".to_owned(), "absolute/top-grade".to_owned()),
        ]
    );
    let (findings, summary) = baseline_summary(dir.path(), &["--baseline", &refreshed]);
    assert_eq!(findings, 0);
    assert_eq!(
        (&summary["suppressed"], &summary["stale"]),
        (&3.into(), &0.into())
    );
}

#[test]
fn statistics_count_expired_waiver_warnings_per_rule_too() {
    let dir = waived_catalog();
    let (_, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--statistics",
        "--format",
        "json",
        "--as-of",
        "2027-07-01",
        ".",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    let by_rule = doc["summary"]["by_rule"].as_object().unwrap();
    assert_eq!(by_rule["config/expired-waiver"], 1, "{by_rule:?}");
    let total: u64 = by_rule.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, doc["summary"]["findings"].as_u64().unwrap());
}
