//! Splitting input into records: every line ending counts, records have a
//! size limit, and a quote that is never closed does not swallow the rest
//! of a CSV file.

mod common;

use std::path::Path;

use common::{jsonl, line_rules, listlint, run};

/// The messages of the findings of `rule`.
fn messages(path: &Path, extra: &[&str], rule: &str) -> Vec<String> {
    let (_, stdout, _) = run(listlint()
        .args(["check", "--format", "jsonl"])
        .args(extra)
        .arg(path));
    jsonl(&stdout)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

/// The number of listings a `--format json` run read.
fn listings_read(path: &Path, extra: &[&str]) -> u64 {
    let (code, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "absolute-terms,input",
        ])
        .args(extra)
        .arg(path));
    assert_ne!(code, 2, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    report["summary"]["listings"].as_u64().unwrap()
}

fn owned(expected: &[(u64, &str, &str)]) -> Vec<(u64, String, String)> {
    expected
        .iter()
        .map(|(line, id, rule)| (*line, (*id).to_owned(), (*rule).to_owned()))
        .collect()
}

/// Old Mac exports end lines with a lone `\r`: CSV records get their own
/// lines (they were all "line 1") and JSON Lines records are split (they
/// were merged into one invalid line).
#[test]
fn cr_only_line_endings_number_csv_lines_and_split_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cr.csv");
    std::fs::write(
        &csv,
        "id,title\rA,全网最好的杯子\rB,\"多行\r顶级保温杯\"\r\rC,全网第一\r",
    )
    .unwrap();
    let (_, found) = line_rules(&csv, &[]);
    assert_eq!(
        found,
        owned(&[
            (2, "A", "absolute/superlative"),
            (3, "B", "absolute/top-grade"),
            (6, "C", "absolute/number-one"),
        ])
    );
    let lines = dir.path().join("cr.jsonl");
    std::fs::write(
        &lines,
        "{\"id\":\"A\",\"title\":\"全网最好\"}\r\r{\"id\":\"B\",\"title\":\"全网第一\"}\r\n{\"id\":\"C\",\"title\":\"顶级\"}",
    )
    .unwrap();
    let (_, found) = line_rules(&lines, &[]);
    assert_eq!(
        found,
        owned(&[
            (1, "A", "absolute/superlative"),
            (3, "B", "absolute/number-one"),
            (4, "C", "absolute/top-grade"),
        ])
    );
}

/// A CSV record over --max-record-bytes is reported with its line and
/// skipped; the records after it are checked.
#[test]
fn a_csv_record_over_the_limit_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    let long = "保温杯".repeat(30_000);
    std::fs::write(
        &path,
        format!("id,title\nA,全网第一\nB,\"最好的{long}\n{long}\"\nC,顶级保温杯\n"),
    )
    .unwrap();
    let limit = ["--max-record-bytes", "64K"];
    let (code, found) = line_rules(&path, &limit);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        owned(&[
            (2, "A", "absolute/number-one"),
            (3, "-", "input/record-too-large"),
            (5, "C", "absolute/top-grade"),
        ])
    );
    assert_eq!(
        messages(&path, &limit, "input/record-too-large"),
        [
            "line 3: the record is larger than 65536 bytes (--max-record-bytes), so it was \
          skipped; reading resumed at line 5"
        ]
    );
    // Within the default limit (16 MiB), the same record is read.
    let (_, found) = line_rules(&path, &[]);
    assert!(found
        .iter()
        .any(|(line, id, rule)| (*line, id.as_str(), rule.as_str())
            == (3, "B", "absolute/superlative")));
}

/// The default limit is 16 MiB: a 17 MiB line is skipped, in CSV and in
/// JSON Lines, and the next record is still checked.
#[test]
fn the_default_limit_skips_a_17_mib_record() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "x".repeat(17 << 20);
    let csv = dir.path().join("huge.csv");
    std::fs::write(&csv, format!("id,title\nA,{huge}\nB,全网第一\n")).unwrap();
    let (_, found) = line_rules(&csv, &[]);
    assert_eq!(
        found,
        owned(&[
            (2, "-", "input/record-too-large"),
            (3, "B", "absolute/number-one"),
        ])
    );
    let lines = dir.path().join("huge.jsonl");
    std::fs::write(
        &lines,
        format!("{{\"id\":\"A\",\"title\":\"{huge}\"}}\n{{\"id\":\"B\",\"title\":\"全网第一\"}}\n"),
    )
    .unwrap();
    let (_, found) = line_rules(&lines, &[]);
    assert_eq!(
        found,
        owned(&[
            (1, "-", "input/record-too-large"),
            (2, "B", "absolute/number-one"),
        ])
    );
}

/// A JSON Lines line over the limit is reported by its size and skipped.
#[test]
fn a_json_line_over_the_limit_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    let long = "保温".repeat(20_000);
    std::fs::write(
        &path,
        format!(
            "{{\"id\":\"A\",\"title\":\"全网第一\"}}\n{{\"id\":\"B\",\"title\":\"{long}\"}}\n{{\"id\":\"C\",\"title\":\"顶级\"}}\n"
        ),
    )
    .unwrap();
    let limit = ["--max-record-bytes", "100000"];
    let (code, found) = line_rules(&path, &limit);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        owned(&[
            (1, "A", "absolute/number-one"),
            (2, "-", "input/record-too-large"),
            (3, "C", "absolute/top-grade"),
        ])
    );
    let message = &messages(&path, &limit, "input/record-too-large")[0];
    assert_eq!(
        message,
        "line 2: the line has 120022 bytes, more than 100000 (--max-record-bytes), so it was skipped"
    );
    let (_, found) = line_rules(
        &path,
        &[
            "--max-record-bytes",
            "100000",
            "--ignore",
            "input/record-too-large",
        ],
    );
    assert_eq!(found.len(), 2, "{found:?}");
}

/// A quote never closed near the top of a large CSV no longer makes the
/// rest of the file one field: the record ends with its line, and every
/// later line is a listing again, whether the end of the file or the
/// record limit shows the quote open.
#[test]
fn an_unterminated_quote_at_the_top_of_a_large_csv_resumes_on_the_next_line() {
    let rows = 20_000;
    let mut text = String::from("id,title\nQ,\"保温杯\n");
    for i in 1..=rows {
        text.push_str(&format!("R{i},全网第一的第{i}号杯子\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open-quote.csv");
    std::fs::write(&path, &text).unwrap();
    assert!(text.len() > 600_000);
    for extra in [&[][..], &["--max-record-bytes", "64K"]] {
        assert_eq!(listings_read(&path, extra), rows + 1, "{extra:?}");
        let (_, found) = line_rules(&path, extra);
        assert_eq!(found.len() as u64, rows + 1, "{extra:?}");
        assert_eq!(
            found[0],
            (2, "Q".to_owned(), "input/unterminated-quote".to_owned())
        );
        assert_eq!(
            found.last().unwrap(),
            &(
                rows + 2,
                format!("R{rows}"),
                "absolute/number-one".to_owned()
            )
        );
    }
    let why = messages(
        &path,
        &["--max-record-bytes", "64K"],
        "input/unterminated-quote",
    );
    assert_eq!(
        why,
        [
            "line 2: a quoted field opened on this line is still open after 65536 bytes \
          (--max-record-bytes); it was read to the end of line 2, and reading resumed at line 3"
        ]
    );
}

/// In a file with other quoted fields, the next quote "closes" the one
/// left open, with text after it: that too is a quote never closed.
#[test]
fn an_unterminated_quote_closed_by_a_later_field_resumes_on_the_next_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("realigned.csv");
    std::fs::write(
        &path,
        "id,title\nA,\"全网第一\nB,顶级保温杯\nC,\"最好, 真的\"\nD,全网第一\n",
    )
    .unwrap();
    let (_, found) = line_rules(&path, &[]);
    assert_eq!(
        found,
        owned(&[
            (2, "A", "input/unterminated-quote"),
            (2, "A", "absolute/number-one"),
            (3, "B", "absolute/top-grade"),
            (4, "C", "absolute/superlative"),
            (5, "D", "absolute/number-one"),
        ])
    );
    let why = &messages(&path, &[], "input/unterminated-quote")[0];
    assert!(why.contains("the next quote, on line 4"), "{why}");
}

#[test]
fn a_bad_record_limit_is_a_usage_error() {
    for bad in ["0", "lots", "16X", "99999999999999999999G"] {
        let (code, _, stderr) =
            run(listlint().args(["check", "--max-record-bytes", bad, "fixtures/listings.csv"]));
        assert_eq!(code, 2, "{bad}");
        assert!(stderr.contains("is not a size"), "{bad}: {stderr}");
    }
}

/// Documents read whole (JSON, XLSX) stop at `--max-document-bytes`, and a
/// catalog file (one listing) at `--max-record-bytes`: the file is an
/// `input/limit-exceeded` finding, the other inputs are still checked, and
/// an endless device ends the run instead of filling memory.
#[test]
fn documents_read_whole_stop_at_their_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let element = r#"{"id":"A","title":"普通杯子"}"#;
    let elements = vec![element; 200].join(",\n");
    std::fs::write(&big, format!("[{elements}]")).unwrap();
    let catalog = dir.path().join("item.yaml");
    std::fs::write(
        &catalog,
        format!(
            "id: B\ntitle: 普通\ndescription: \"{}\"\n",
            "好".repeat(2000)
        ),
    )
    .unwrap();
    let small = dir.path().join("small.jsonl");
    std::fs::write(&small, "{\"id\":\"C\",\"title\":\"最好的杯子\"}\n").unwrap();
    let (code, out, stderr) = run(listlint()
        .args([
            "check",
            "--format",
            "jsonl",
            "--max-document-bytes",
            "4K",
            "--max-record-bytes",
            "4K",
        ])
        .arg(&big)
        .arg(&catalog)
        .arg(&small));
    assert_eq!(code, 1, "{stderr}");
    let findings = jsonl(&out);
    let limited: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "input/limit-exceeded")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(limited.len(), 2, "{out}");
    assert!(limited[0].contains("--max-document-bytes"), "{limited:?}");
    assert!(limited[1].contains("--max-record-bytes"), "{limited:?}");
    assert!(
        findings
            .iter()
            .any(|f| f["listing_id"] == "C" && f["text"] == "最好"),
        "{out}"
    );
    // An endless input read as one document ends at the limit.
    if Path::new("/dev/zero").exists() {
        let (code, out, stderr) = run(listlint().args([
            "check",
            "--format",
            "jsonl",
            "--input-format",
            "json",
            "--max-document-bytes",
            "1M",
            "/dev/zero",
        ]));
        assert_eq!(code, 1, "{stderr}");
        assert!(out.contains("input/limit-exceeded"), "{out}");
    }
}

/// A tab-separated `.csv` with lone `\r` line ends (old Mac exports) is
/// still told from a comma-separated one by its header line alone.
#[test]
fn a_tab_separated_csv_with_cr_line_ends_is_sniffed_by_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cr-tabs.csv");
    std::fs::write(&path, "id\ttitle\rc1\t最好,很好,很好,很好\rc2\t第一\r").unwrap();
    let (_, out, stderr) = run(listlint().args(["check", "--format", "jsonl"]).arg(&path));
    let findings = jsonl(&out);
    let texts: Vec<&str> = findings
        .iter()
        .filter(|f| f["category"] == "absolute-terms")
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["最好", "第一"], "{out}{stderr}");
    assert!(!out.contains("input/"), "{out}");
}
