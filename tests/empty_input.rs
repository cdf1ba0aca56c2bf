//! Inputs without listings: an empty file is an error finding, a file of
//! only a header or an empty list a warning, empty standard input a usage
//! error; none passes as a clean "0 listings".

mod common;

use common::{check_with_test_pack, jsonl, run};

/// `(file name, rule, severity, line)` of each finding.
fn described(stdout: &str) -> Vec<(String, String, String, u64)> {
    jsonl(stdout)
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let name = std::path::Path::new(file).file_name().unwrap();
            (
                name.to_string_lossy().into_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(file: &str, rule: &str, severity: &str) -> (String, String, String, u64) {
    (file.to_owned(), rule.to_owned(), severity.to_owned(), 1)
}

#[test]
fn empty_files_named_or_found_in_a_walk_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.json"), "").unwrap();
    std::fs::write(dir.path().join("blank.jsonl"), "\n  \n\t\n").unwrap();
    std::fs::write(dir.path().join("bom.json"), "\u{feff}\n").unwrap();
    std::fs::create_dir(dir.path().join("walked")).unwrap();
    std::fs::write(dir.path().join("walked/empty.csv"), "").unwrap();
    std::fs::write(dir.path().join("walked/empty.yaml"), "").unwrap();
    let mut cmd = check_with_test_pack();
    cmd.args(["--format", "jsonl"])
        .arg(dir.path().join("empty.json"))
        .arg(dir.path().join("blank.jsonl"))
        .arg(dir.path().join("bom.json"))
        .arg(dir.path().join("walked"));
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        described(&stdout),
        [
            row("empty.json", "input/empty-file", "error"),
            row("blank.jsonl", "input/empty-file", "error"),
            row("bom.json", "input/empty-file", "error"),
            row("empty.csv", "input/empty-file", "error"),
            row("empty.yaml", "input/empty-file", "error"),
        ]
    );
    let mut cmd = check_with_test_pack();
    cmd.args(["--format", "jsonl", "--ignore", "input/empty-file"])
        .arg(dir.path().join("empty.json"));
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn a_header_without_rows_or_an_empty_list_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("header.csv"), "id,title\n").unwrap();
    std::fs::write(dir.path().join("none.json"), "[ ]\n").unwrap();
    let mut cmd = check_with_test_pack();
    cmd.args(["--format", "jsonl"])
        .arg(dir.path().join("header.csv"))
        .arg(dir.path().join("none.json"));
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "warnings do not fail the run: {stderr}");
    assert_eq!(
        described(&stdout),
        [
            row("header.csv", "input/no-listings", "warning"),
            row("none.json", "input/no-listings", "warning"),
        ]
    );
}

#[test]
fn standard_input_without_a_byte_is_a_usage_error() {
    let mut cmd = check_with_test_pack();
    cmd.arg("-").write_stdin("");
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("standard input is empty"), "{stderr}");
    // Blank lines are content that holds nothing: the usual finding.
    let mut cmd = check_with_test_pack();
    cmd.args(["--format", "jsonl", "-"]).write_stdin("\n\n");
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 1);
    assert_eq!(
        described(&stdout),
        [row("<stdin>", "input/empty-file", "error")]
    );
}
