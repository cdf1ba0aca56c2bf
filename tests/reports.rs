//! Report documents through the binary: SARIF written as results arrive,
//! JSON spooled to a temporary file.

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{assert_valid_sarif, listlint, run};

#[test]
fn sarif_results_are_written_while_the_input_is_still_arriving() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_listlint"))
        .args([
            "check",
            "--format",
            "sarif",
            "--select",
            "absolute-terms",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // One whole batch of records, each with a finding; then the input goes
    // quiet without ending.
    for i in 0..512 {
        writeln!(stdin, r#"{{"id":"S-{i}","title":"最好的保温杯"}}"#).unwrap();
    }
    stdin.flush().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (first_result, first_result_seen) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut log = Vec::new();
        let mut block = [0u8; 8192];
        let mut told = false;
        loop {
            let read = stdout.read(&mut block).unwrap();
            if read == 0 {
                return String::from_utf8(log).unwrap();
            }
            log.extend_from_slice(&block[..read]);
            if !told && String::from_utf8_lossy(&log).contains("\"ruleId\"") {
                told = true;
                let _ = first_result.send(());
            }
        }
    });
    // A bound so that a build that waits for the end of the input fails
    // instead of hanging; not a measure of speed.
    let seen = first_result_seen.recv_timeout(Duration::from_secs(60));
    drop(stdin);
    let status = child.wait().unwrap();
    let log = reader.join().unwrap();
    seen.expect("results are written before the input ends");
    assert_eq!(status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 512);
    assert_eq!(
        results[511]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "S-511.title"
    );
}

#[test]
fn json_says_when_no_temporary_file_can_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    for format in ["json"] {
        let (code, stdout, stderr) = run(listlint().env("TMPDIR", &missing).args([
            "check",
            "--format",
            format,
            "fixtures/listings.jsonl",
        ]));
        assert_eq!(code, 2, "{stdout}");
        assert!(
            stderr.contains(&format!(
                "cannot create a temporary file for the {format} report in {}",
                missing.display()
            )) && stderr.contains("TMPDIR"),
            "{stderr}"
        );
    }
}
