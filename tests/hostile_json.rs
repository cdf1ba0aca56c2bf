//! Hostile and broken JSON input: repeated keys, numbers beyond what a
//! float holds, errors inside array elements, large generated records.

mod common;

use std::path::Path;

use common::{check_with_test_pack, jsonl, listlint, run};
use serde_json::Value;

/// Findings of `check --format jsonl` with the test pack over `files`
/// (written into a temporary folder), and the exit code.
fn check_files(files: &[(&str, &str)], extra: &[&str]) -> (i32, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = check_with_test_pack();
    cmd.args(["--format", "jsonl"]).args(extra);
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        cmd.arg(&path);
    }
    let (code, stdout, stderr) = run(&mut cmd);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let findings = jsonl(&stdout);
    // Paths differ from run to run: keep the file name only.
    let findings = findings
        .into_iter()
        .map(|mut f| {
            let name = Path::new(f["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            f["file"] = Value::from(name);
            f
        })
        .collect();
    (code, findings)
}

/// `(rule, field, text)` of each finding.
fn rule_field_text(findings: &[Value]) -> Vec<(String, String, String)> {
    findings
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("-").to_owned();
            (s("rule"), s("field"), s("text"))
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

#[test]
fn every_value_of_a_repeated_json_lines_key_is_scanned_and_the_repeat_reported() {
    let (code, findings) = check_files(
        &[(
            "repeated.jsonl",
            "{\"id\": \"A\", \"title\": \"杯子最好\", \"title\": \"保温杯\"}\n{\"id\": \"B\", \"title\": \"好杯子\", \"title\": \"最佳的杯子\"}\n",
        )],
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        rule_field_text(&findings),
        owned(&[
            ("input/duplicate-key", "title", "-"),
            ("test/superlative", "title", "最好"),
            ("input/duplicate-key", "title", "-"),
            ("test/superlative", "title", "最佳"),
        ])
    );
    let duplicate = &findings[0];
    assert_eq!(duplicate["severity"], "warning");
    assert_eq!(duplicate["file"], "repeated.jsonl");
    assert_eq!(duplicate["line"], 1);
    assert_eq!(duplicate["listing_id"], "A");
    let message = duplicate["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 1: key `title` is given 2 times"),
        "{message}"
    );
    // The earlier value's finding points into the earlier value.
    assert_eq!(
        (&findings[1]["start"], &findings[1]["end"]),
        (&2.into(), &4.into())
    );
    assert_eq!(findings[3]["start"], 0);
}

#[test]
fn nested_objects_that_flatten_to_a_written_dotted_key_are_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("cert-wording.yaml");
    std::fs::write(
        &pack,
        "pack: cert-wording\nversion: \"1\"\ncategory: absolute-terms\nrules:\n  - id: cert/superlative\n    kind: lexicon\n    severity: error\n    message: \"「{term}」\"\n    fields: [cert.ccc]\n    terms: [最好]\n",
    )
    .unwrap();
    let data = dir.path().join("nested.json");
    std::fs::write(
        &data,
        "[\n  {\"id\": \"N-1\",\n   \"cert\": {\"ccc\": \"最好的证书\"},\n   \"cert.ccc\": \"2021010901234567\"}\n]\n",
    )
    .unwrap();
    let mut cmd = common::listlint();
    cmd.args([
        "check",
        "--no-default-rules",
        "--format",
        "jsonl",
        "--rules",
    ])
    .arg(&pack)
    .arg(&data);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 1, "{stderr}");
    let findings = jsonl(&stdout);
    assert_eq!(
        rule_field_text(&findings),
        owned(&[
            ("input/duplicate-key", "cert.ccc", "-"),
            ("cert/superlative", "cert.ccc", "最好"),
        ])
    );
    // The record starts on line 2; the two places are lines 3 and 4.
    assert_eq!(findings[0]["line"], 2);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("given 2 times (lines 3, 4)"), "{message}");
}

#[test]
fn the_last_value_of_a_repeated_key_is_the_fields_value() {
    // Browsers (JSON.parse) keep the last value: so does the listing.
    let (_, findings) = check_files(
        &[(
            "last.json",
            r#"{"id": "OLD", "id": "NEW", "title": "最好"}"#,
        )],
        &[],
    );
    assert!(
        findings.iter().all(|f| f["listing_id"] == "NEW"),
        "{findings:?}"
    );
}

#[test]
fn repeated_keys_work_with_select_and_ignore() {
    let files = [(
        "r.jsonl",
        "{\"id\": \"A\", \"title\": \"最好\", \"title\": \"杯子\"}\n",
    )];
    let (_, ignored) = check_files(&files, &["--ignore", "input/duplicate-key"]);
    assert_eq!(
        rule_field_text(&ignored),
        owned(&[("test/superlative", "title", "最好")])
    );
    let (code, selected) = check_files(&files, &["--select", "input/duplicate-key"]);
    assert_eq!(code, 0, "a warning does not fail the run");
    assert_eq!(
        rule_field_text(&selected),
        owned(&[("input/duplicate-key", "title", "-")])
    );
}

#[test]
fn a_record_of_many_repeated_and_many_distinct_keys_is_read_whole() {
    // 20,000 values of one key and 20,000 other keys in one line: every
    // repeated value is scanned, the message names the first places only.
    let mut line = String::from("{\"id\": \"WIDE\"");
    for i in 0..20_000 {
        line.push_str(&format!(", \"title\": \"最好{i}\", \"k{i}\": \"v\""));
    }
    line.push_str("}\n");
    let (_, findings) = check_files(&[("wide.jsonl", &line)], &[]);
    let superlatives = findings
        .iter()
        .filter(|f| f["rule"] == "test/superlative")
        .count();
    assert_eq!(superlatives, 20_000);
    let duplicates: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "input/duplicate-key")
        .collect();
    assert_eq!(duplicates.len(), 1);
    let message = duplicates[0]["message"].as_str().unwrap();
    assert!(
        message.contains("given 20000 times (lines 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, …)"),
        "{message}"
    );
}

#[test]
fn numbers_keep_their_written_form() {
    // Two ids beyond 2^53 that a float cannot tell apart, a price with its
    // trailing zero, an id with a decimal point.
    let (_, findings) = check_files(
        &[(
            "ids.jsonl",
            "{\"id\": 12345678901234567891, \"title\": \"最好\"}\n{\"id\": 12345678901234567892, \"title\": \"最好\"}\n{\"id\": 1.10, \"title\": \"最好\"}\n",
        )],
        &[],
    );
    let ids: Vec<&str> = findings
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["12345678901234567891", "12345678901234567892", "1.10"]
    );
    assert_ne!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
}

#[test]
fn errors_in_json_array_elements_give_the_line_and_column_in_the_file() {
    let (_, findings) = check_files(
        &[(
            "broken.json",
            "[\n  {\"id\": \"A\"}, {\"id\": \"最好\", \"title\": x},\n  {\"id\": \"C\",\n   \"title\": ]}\n]\n",
        )],
        &[],
    );
    let errors: Vec<(u64, &str)> = findings
        .iter()
        .filter(|f| f["rule"] == "input/invalid-json")
        .map(|f| (f["line"].as_u64().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "line 2, column 38: invalid JSON: expected value"),
            (3, "line 4, column 13: invalid JSON: expected value"),
        ]
    );
}

#[test]
fn yaml_catalog_scalars_keep_their_written_form() {
    let (_, findings) = check_files(
        &[
            ("a.yaml", "id: 00123\ntitle: 最好\nsize: NO\n"),
            ("b.yaml", "id: 0123\ntitle: 最好\n"),
            ("c.md", "---\nid: 1.10\ntitle: 最好\n---\n"),
        ],
        &[],
    );
    let ids: Vec<&str> = findings
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["00123", "0123", "1.10"]);
}

#[test]
fn a_repeated_key_in_yaml_front_matter_is_read_like_json() {
    let (_, findings) = check_files(
        &[(
            "p.md",
            "---\nid: M-1\ntitle: 最好的杯子\ntitle: 保温杯\n---\n正文\n",
        )],
        &[],
    );
    assert_eq!(
        rule_field_text(&findings),
        owned(&[
            ("input/duplicate-key", "title", "-"),
            ("test/superlative", "title", "最好"),
        ])
    );
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 2: key `title` is given 2 times (lines 3, 4)"),
        "{message}"
    );
}

/// The findings of each value of a repeated key stay together (the
/// field's own value first, then the earlier values in written order), so
/// the reports' per-value caches stay warm and the output reads in order.
#[test]
fn findings_of_each_value_of_a_repeated_key_stay_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repeats.jsonl");
    let value = |tag: &str| format!("{tag}:{}", "最好，".repeat(50));
    std::fs::write(
        &path,
        format!(
            "{{\"id\":\"r\",\"description\":\"{}\",\"description\":\"{}\",\"description\":\"{}\"}}\n",
            value("a"),
            value("b"),
            value("c")
        ),
    )
    .unwrap();
    let output = listlint()
        .args(["check", "--format", "jsonl", "--select", "absolute-terms"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let starts: Vec<u64> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|f| f["field"] == "description" && f["category"] == "absolute-terms")
        .map(|f| f["start"].as_u64().unwrap())
        .collect();
    assert_eq!(starts.len(), 150, "{stdout}");
    let descents = starts.windows(2).filter(|w| w[1] < w[0]).count();
    assert_eq!(descents, 2, "one run per value: {starts:?}");
}
