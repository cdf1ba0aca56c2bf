//! Where output goes and what happens when it cannot go there: output
//! files that are inputs, terminal escapes in listing text, full disks and
//! closed pipes, through the binary.

mod common;

use std::path::Path;

use common::{check_with_test_pack, jsonl, listlint, run};

const LISTINGS: &str = "{\"id\": \"A\", \"title\": \"最好用的吸尘器\"}\n";

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

// ---- item: an output path that is also an input ------------------------

#[test]
fn output_file_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(&data, LISTINGS);
    let (code, stdout, stderr) = run(check_with_test_pack().arg("-o").arg(&data).arg(&data));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("-o") && stderr.contains("is the input"),
        "{stderr}"
    );
    assert_eq!(read(&data), LISTINGS);
}

#[cfg(unix)]
#[test]
fn output_reaching_an_input_through_a_symlink_or_hard_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(&data, LISTINGS);
    let link = dir.path().join("report.jsonl");
    std::os::unix::fs::symlink(&data, &link).unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&data, &hard).unwrap();
    for output in [&link, &hard] {
        let (code, _, stderr) = run(check_with_test_pack()
            .args(["--format", "jsonl", "-o"])
            .arg(output)
            .arg(&data));
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(read(&data), LISTINGS);
    }
    // And the other way round: the input named through the link.
    let (code, _, _) = run(check_with_test_pack().arg("-o").arg(&data).arg(&link));
    assert_eq!(code, 2);
    assert_eq!(read(&data), LISTINGS);
}

#[test]
fn write_baseline_over_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(&data, LISTINGS);
    let (code, _, stderr) = run(check_with_test_pack()
        .arg("--write-baseline")
        .arg(&data)
        .arg(&data));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--write-baseline"), "{stderr}");
    assert_eq!(read(&data), LISTINGS);
}

#[test]
fn report_over_the_baseline_or_the_baseline_written_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(&data, LISTINGS);
    let baseline = dir.path().join("baseline.json");
    let (code, _, _) = run(check_with_test_pack()
        .arg("--write-baseline")
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 1);
    let written = read(&baseline);
    // -o over the baseline it reads.
    let (code, _, stderr) = run(check_with_test_pack()
        .arg("--baseline")
        .arg(&baseline)
        .arg("-o")
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--baseline"), "{stderr}");
    assert_eq!(read(&baseline), written);
    // -o and --write-baseline naming one file, existing or not.
    let new = dir.path().join("new.json");
    let (code, _, stderr) = run(check_with_test_pack()
        .arg("--write-baseline")
        .arg(&new)
        .arg("-o")
        .arg(&new)
        .arg(&data));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("same file"), "{stderr}");
    assert!(!new.exists());
    // Updating a baseline in place stays allowed.
    let (code, _, stderr) = run(check_with_test_pack()
        .arg("--baseline")
        .arg(&baseline)
        .arg("--write-baseline")
        .arg(&baseline)
        .arg(&data));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(read(&baseline), written);
}

#[test]
fn output_file_found_by_a_folder_walk_is_not_read_as_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    write(&folder.join("a.jsonl"), LISTINGS);
    // The report of an earlier run, in the checked folder.
    let report = folder.join("report.jsonl");
    let (code, _, _) = run(check_with_test_pack()
        .args(["--format", "jsonl", "-o"])
        .arg(&report)
        .arg(&folder));
    assert_eq!(code, 1);
    let first = read(&report);
    assert_eq!(jsonl(&first).len(), 1);
    // Checking again: the old report is found by the walk and left out.
    let (code, _, stderr) = run(check_with_test_pack()
        .args(["--format", "jsonl", "-o"])
        .arg(&report)
        .arg(&folder));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("not checking") && stderr.contains("report.jsonl"),
        "{stderr}"
    );
    assert_eq!(read(&report), first);
    // The same for a baseline written into the checked folder.
    let baseline = folder.join("baseline.json");
    write(&baseline, "[]");
    let (code, stdout, stderr) = run(check_with_test_pack()
        .args(["--format", "jsonl", "--write-baseline"])
        .arg(&baseline)
        .arg(folder.join("a.jsonl"))
        .arg(&folder));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("not checking") && stderr.contains("baseline.json"),
        "{stderr}"
    );
    let files: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_owned())
        .collect();
    assert!(files.iter().all(|f| f.ends_with("a.jsonl")), "{files:?}");
}

#[test]
fn a_new_output_file_and_dev_null_are_fine() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(&data, LISTINGS);
    let (code, _, stderr) = run(listlint()
        .args([
            "check",
            "--no-default-rules",
            "--rules",
            "tests/data/test-pack.yaml",
            "-o",
            "/dev/null",
        ])
        .arg(&data));
    assert_eq!(code, 1, "{stderr}");
}

// ---- item: --jobs far beyond the machine --------------------------------

#[test]
fn jobs_beyond_a_few_per_core_are_capped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(&data, LISTINGS);
    let (code, stdout, stderr) = run(check_with_test_pack()
        .args(["--format", "jsonl", "--jobs", "10000"])
        .arg(&data));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(jsonl(&stdout).len(), 1);
    let note = stderr
        .lines()
        .find(|l| l.contains("--jobs 10000 capped to "))
        .unwrap_or_else(|| panic!("no note: {stderr}"));
    let capped: usize = note
        .split("capped to ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a number of threads");
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(capped >= 1 && capped <= 4 * cores, "{note}");
    // Within the cap, no note.
    let (_, _, stderr) = run(check_with_test_pack().args(["--jobs", "1"]).arg(&data));
    assert!(!stderr.contains("capped"), "{stderr}");
}

// ---- item: terminal escapes in listing text ------------------------------

/// A listing whose id, title and description carry terminal commands: clear
/// screen, an OSC window title, a C1 CSI, a bare carriage return, and a
/// line that would be a workflow command of its own.
const HOSTILE: &str = concat!(
    r#"{"id": "A\u001b]0;pwned\u0007", "#,
    r#""title": "\u001b[2J最好用的吸尘器\r盖住", "#,
    r#""description": "第一\u009b31m\n::warning file=x::fake"}"#,
    "\n"
);

/// Control characters other than line feed in `text`.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

#[cfg(unix)]
fn hostile_file(dir: &Path) -> std::path::PathBuf {
    // The file name carries an escape too.
    let path = dir.join("exports\u{1b}[31m.jsonl");
    write(&path, HOSTILE);
    path
}

#[cfg(not(unix))]
fn hostile_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("exports.jsonl");
    write(&path, HOSTILE);
    path
}

#[test]
fn human_output_shows_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let data = hostile_file(dir.path());
    let (code, stdout, stderr) = run(check_with_test_pack().arg(&data));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
    for shown in [
        "A\\u{1b}]0;pwned\\u{7}",
        "\\u{1b}[2J",
        "\\u{d}盖住",
        "\\u{9b}31m",
    ] {
        assert!(stdout.contains(shown), "{shown} missing from\n{stdout}");
    }
    #[cfg(unix)]
    assert!(stdout.contains("exports\\u{1b}[31m.jsonl"), "{stdout}");
}

#[test]
fn github_output_is_one_command_per_line_with_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let data = hostile_file(dir.path());
    let (code, stdout, stderr) = run(check_with_test_pack()
        .args(["--format", "github"])
        .arg(&data));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    assert!(stdout.contains("A\\u{1b}]0;pwned\\u{7}"), "{stdout}");
}

#[test]
fn verbose_header_map_and_rules_diff_show_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("h.csv");
    write(&csv, "id,ti\u{1b}]0;x\u{7}tle\nA,最好\n");
    let (_, _, stderr) = run(check_with_test_pack().arg("--verbose").arg(&csv));
    assert!(stderr.contains("ti\\u{1b}]0;x\\u{7}tle"), "{stderr}");
    assert_eq!(raw_controls(&stderr), Vec::<char>::new(), "{stderr}");

    // `rules diff --corpus` lists the listings whose findings change.
    let pack = |terms: &str| {
        format!(
            "pack: escapes\nversion: \"1\"\ncategory: escapes-test\nrules:\n  - id: escapes/term\n    kind: lexicon\n    severity: error\n    message: \"「{{term}}」\"\n    terms: [{terms}]\n"
        )
    };
    let old = dir.path().join("old.yaml");
    write(&old, &pack("吸尘器"));
    let new = dir.path().join("new.yaml");
    write(&new, &pack("吸尘器, 盖住"));
    let data = hostile_file(dir.path());
    let (code, stdout, stderr) = run(listlint()
        .args(["rules", "diff"])
        .arg(&old)
        .arg(&new)
        .arg("--corpus")
        .arg(&data));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("A\\u{1b}]0;pwned\\u{7}"), "{stdout}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
}
