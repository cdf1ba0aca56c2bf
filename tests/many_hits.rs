//! A field with tens of thousands of matches, through the binary: every
//! finding is reported, at its place, in every output format that points
//! into the field.

mod common;

use common::{jsonl, listlint, run};

const HITS: usize = 40_000;

/// A CSV whose one listing has `HITS` times `最好，` in its description.
fn many_hits_csv(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("many.csv");
    let description = "最好，".repeat(HITS);
    std::fs::write(
        &path,
        format!("id,title,description\nA,保温杯,{description}\n"),
    )
    .unwrap();
    path
}

fn check(path: &std::path::Path, format: &str) -> String {
    let (code, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--select",
            "absolute/superlative",
            "--format",
            format,
            // Every finding, also in human output.
            "--max-per-rule",
            "0",
        ])
        .arg(path));
    assert_eq!(code, 1, "{stderr}");
    stdout
}

#[test]
fn every_hit_of_a_field_is_reported_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = many_hits_csv(dir.path());

    let findings = jsonl(&check(&path, "jsonl"));
    assert_eq!(findings.len(), HITS);
    for (i, f) in findings.iter().enumerate() {
        assert_eq!(
            (
                f["field"].as_str(),
                f["start"].as_u64(),
                f["end"].as_u64(),
                f["text"].as_str()
            ),
            (
                Some("description"),
                Some(3 * i as u64),
                Some(3 * i as u64 + 2),
                Some("最好")
            ),
            "finding {i}"
        );
        assert!(f["message"].as_str().unwrap().contains("「最好」"));
    }
    let fingerprints: std::collections::HashSet<_> =
        findings.iter().map(|f| f["fingerprint"].clone()).collect();
    assert_eq!(fingerprints.len(), 1, "one rule, listing, field and text");

    // SARIF: the description starts at column 7 of line 2, after `A,保温杯,`.
    let sarif: serde_json::Value = serde_json::from_str(&check(&path, "sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), HITS);
    for (i, r) in results.iter().enumerate() {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (
                region["startLine"].as_u64(),
                region["startColumn"].as_u64(),
                region["endColumn"].as_u64()
            ),
            (Some(2), Some(7 + 3 * i as u64), Some(9 + 3 * i as u64)),
            "result {i}"
        );
    }

    // HTML: the field's text once, each 最好 marked for its own finding.
    let page = check(&path, "html");
    let start = page.find("id=\"listlint-data\">").unwrap() + "id=\"listlint-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let listing = &data["listings"][0];
    assert_eq!(listing["x"].as_array().unwrap().len(), HITS);
    let pieces = listing["g"][0]["p"].as_array().unwrap();
    let marked: Vec<&serde_json::Value> = pieces.iter().filter(|p| p.is_array()).collect();
    assert_eq!(marked.len(), HITS);
    for (i, piece) in marked.iter().enumerate() {
        assert_eq!(piece, &&serde_json::json!(["最好", [i]]), "piece {i}");
    }
    let shown: String = pieces
        .iter()
        .map(|p| p.as_str().or_else(|| p[0].as_str()).unwrap_or("…"))
        .collect();
    assert_eq!(shown, "最好，".repeat(HITS)[..shown.len()]);

    // Human: one snippet per finding, each labelling its own 最好.
    let human = check(&path, "human");
    assert_eq!(human.matches("absolute/superlative (error)").count(), HITS);
    assert!(
        human.contains(&format!("Found {HITS} findings")),
        "{}",
        &human[human.len() - 300..]
    );
}

#[test]
fn triggers_covered_by_allow_phrases_are_not_reported_however_many() {
    // 限时 triggers promo/time-limited-without-end; 限时达 (delivery within
    // a time) is an allow phrase of the pack and covers each of them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("allowed.csv");
    let description = "限时达，".repeat(HITS);
    std::fs::write(
        &path,
        format!("id,title,description\nA,保温杯,{description}\n"),
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args(["check", "--select", "promotions", "--format", "jsonl"])
        .arg(&path));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    // The same field without the allow phrase is reported.
    std::fs::write(&path, "id,title,description\nA,保温杯,限时，\n").unwrap();
    let (code, stdout, _) = run(listlint()
        .args(["check", "--select", "promotions", "--format", "jsonl"])
        .arg(&path));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("promo/time-limited-without-end"),
        "{stdout}"
    );
}
