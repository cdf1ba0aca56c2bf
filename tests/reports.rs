//! Report documents through the binary: SARIF written as results arrive,
//! JSON and JUnit spooled to a temporary file, JUnit counts by the
//! Ant/Jenkins schema, and the config file a run used named in JSON and
//! SARIF.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{assert_valid_sarif, listlint, listlint_in, run};
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

/// A suite's counts as its start tag says, and as its cases show.
#[derive(Debug, Default)]
struct Suite {
    name: String,
    tests: u64,
    failures: u64,
    errors: u64,
    cases: u64,
    failed_cases: u64,
    errored_cases: u64,
}

/// A count attribute; the schema makes them optional, 0 when absent.
fn count(tag: &BytesStart, name: &str) -> u64 {
    tag.try_get_attribute(name).unwrap().map_or(0, |value| {
        value
            .normalized_value(XmlVersion::Implicit1_0)
            .unwrap()
            .parse()
            .unwrap()
    })
}

/// The `<testsuites>` counts and every suite.
fn junit_suites(xml: &str) -> ((u64, u64, u64), Vec<Suite>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut totals = None;
    let mut suites: Vec<Suite> = Vec::new();
    let (mut failed, mut errored) = (false, false);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => match e.name().as_ref() {
                "testsuites" => {
                    totals = Some((
                        count(&e, "tests"),
                        count(&e, "failures"),
                        count(&e, "errors"),
                    ))
                }
                "testsuite" => suites.push(Suite {
                    name: e
                        .try_get_attribute("name")
                        .unwrap()
                        .unwrap()
                        .normalized_value(XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                    tests: count(&e, "tests"),
                    failures: count(&e, "failures"),
                    errors: count(&e, "errors"),
                    ..Suite::default()
                }),
                "testcase" => (failed, errored) = (false, false),
                "failure" => failed = true,
                "error" => errored = true,
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "testcase" => {
                let suite = suites.last_mut().expect("a case inside a suite");
                suite.cases += 1;
                suite.errored_cases += u64::from(errored);
                suite.failed_cases += u64::from(failed && !errored);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (totals.expect("a <testsuites> element"), suites)
}

#[test]
fn junit_counts_follow_the_ant_schema_over_several_files() {
    let (code, xml, stderr) = run(listlint().args([
        "check",
        "--as-of",
        "2026-11-27",
        "--format",
        "junit",
        "fixtures/listings.csv",
        "fixtures/bad/malformed.csv",
        "fixtures/listings.jsonl",
        "fixtures/bad/malformed.jsonl",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let ((tests, failures, errors), suites) = junit_suites(&xml);
    assert_eq!(suites.len(), 4, "one suite per file with findings");
    for suite in &suites {
        assert_eq!(suite.tests, suite.cases, "tests are the cases: {suite:?}");
        assert_eq!(suite.failures, suite.failed_cases, "{suite:?}");
        assert_eq!(suite.errors, suite.errored_cases, "{suite:?}");
        assert!(suite.tests >= suite.failures + suite.errors, "{suite:?}");
    }
    assert_eq!(tests, suites.iter().map(|s| s.tests).sum::<u64>());
    assert_eq!(failures, suites.iter().map(|s| s.failures).sum::<u64>());
    assert_eq!(errors, suites.iter().map(|s| s.errors).sum::<u64>());
    // Records that could not be read are errors, in the files that have them.
    for suite in &suites {
        assert_eq!(
            suite.errors > 0,
            suite.name.starts_with("fixtures/bad/"),
            "{suite:?}"
        );
    }
    assert!(failures > 0 && errors > 0);
}

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
fn json_and_junit_say_when_no_temporary_file_can_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    for format in ["json", "junit"] {
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

/// A folder with a config file and listings; returns the folder.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("exports")).unwrap();
    std::fs::write(
        dir.path().join("exports/listings.csv"),
        "id,title\nA,全网第一 保温杯\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("listlint.yaml"), "fail_on: never\n").unwrap();
    dir
}

fn report(dir: &Path, format: &str, args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = run(listlint_in(dir)
        .args(["check", "--format", format])
        .args(args));
    assert_ne!(code, 2, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn json_and_sarif_name_the_config_file_used() {
    let dir = project();
    let root = dir.path();
    // Found in the working directory: shown relative to it.
    let json = report(root, "json", &["exports"]);
    assert_eq!(json["config"], "listlint.yaml");
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["version", "tool", "config", "summary", "findings"],
        "SPEC §4's keys keep their order"
    );
    let sarif = report(root, "sarif", &["exports"]);
    assert_valid_sarif(&sarif);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["properties"]["config"], "listlint.yaml");

    // Found upwards, above the working directory.
    let json = report(&root.join("exports"), "json", &["."]);
    assert_eq!(json["config"], "../listlint.yaml");

    // Given with --config: shown as given.
    std::fs::rename(root.join("listlint.yaml"), root.join("ci.yaml")).unwrap();
    let json = report(root, "json", &["--config", "ci.yaml", "exports"]);
    assert_eq!(json["config"], "ci.yaml");
    let sarif = report(root, "sarif", &["--config", "ci.yaml", "exports"]);
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["properties"]["config"],
        "ci.yaml"
    );

    // No config file: neither report mentions one.
    let json = report(root, "json", &["exports"]);
    assert!(json.get("config").is_none(), "{json}");
    let sarif = report(root, "sarif", &["exports"]);
    assert!(sarif["runs"][0].get("invocations").is_none(), "{sarif}");
}
