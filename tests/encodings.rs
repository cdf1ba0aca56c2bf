//! The same listings in UTF-8, UTF-8 with BOM, GB18030 (CRLF) and UTF-16LE
//! give the same findings, lines included.

mod common;

use common::{jsonl, listlint, run};

fn findings(file: &str, extra: &[&str]) -> Vec<String> {
    let (code, stdout, stderr) = run(listlint()
        .args(["check", "--format", "jsonl", "--select", "absolute-terms"])
        .args(extra)
        .arg(file));
    assert_eq!(code, 1, "{file}: {stderr}");
    jsonl(&stdout)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["line"], f["listing_id"], f["field"], f["text"]
            )
        })
        .collect()
}

#[test]
fn every_encoding_gives_the_same_findings() {
    let expected = findings("fixtures/encodings/listings-utf8.csv", &[]);
    assert_eq!(expected.len(), 3);
    for file in [
        "fixtures/encodings/listings-utf8-bom.csv",
        "fixtures/encodings/listings-gb18030.csv",
        "fixtures/encodings/listings-utf16le.csv",
    ] {
        assert_eq!(findings(file, &[]), expected, "{file}");
    }
    assert_eq!(
        findings(
            "fixtures/encodings/listings-gb18030.csv",
            &["--encoding", "gbk"]
        ),
        expected
    );
}

#[test]
fn a_wrongly_forced_encoding_is_reported_not_hidden() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--encoding",
        "utf-8",
        "fixtures/encodings/listings-gb18030.csv",
    ]));
    assert!(jsonl(&stdout)
        .iter()
        .any(|f| f["rule"] == "input/invalid-utf8"));
}
