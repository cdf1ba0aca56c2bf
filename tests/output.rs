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
    write(&baseline, "{\n  \"version\": 1,\n  \"findings\": []\n}\n");
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

// ---- item: full disks and closed pipes ----------------------------------

/// The binary as a plain process, run from the package root, so its
/// standard output can be any file or pipe.
fn process(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_listlint"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// Runs `cmd` with standard output a pipe whose reader is already gone;
/// returns the exit code (`None`: killed by a signal) and standard error.
fn with_closed_pipe(cmd: &mut std::process::Command) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = cmd.stdout(writer).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `cmd` with standard output `/dev/full`.
#[cfg(target_os = "linux")]
fn with_full_disk(cmd: &mut std::process::Command) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = cmd.stdout(full).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every command that prints, with the exit status it deserves, in a
/// scratch folder for those that write files.
fn printing_commands(dir: &Path) -> Vec<(Vec<String>, i32)> {
    let config = dir.join("listlint.yaml");
    write(
        &config,
        "waivers:\n  - rule: test/superlative\n    reason: 赛事名称\n    approved_by: 法务部\n    expires: 2099-06-30\n",
    );
    let failing = dir.join("failing.yaml");
    let pack = read(Path::new("tests/data/test-pack.yaml"));
    write(
        &failing,
        &pack.replacen("expect: [test/superlative]", "expect: [test/number-one]", 1),
    );
    let data = dir.join("listings.jsonl");
    write(&data, LISTINGS);
    let path = |p: &Path| p.display().to_string();
    let test_pack = "tests/data/test-pack.yaml".to_owned();
    let rules = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        v.extend([
            "--no-default-rules".into(),
            "--rules".into(),
            test_pack.clone(),
        ]);
        v
    };
    let owned = |args: &[&str]| -> Vec<String> { args.iter().map(|s| (*s).to_owned()).collect() };
    vec![
        (owned(&["--help"]), 0),
        (owned(&["check", "--help"]), 0),
        (owned(&["--version"]), 0),
        (owned(&["rules", "list"]), 0),
        (owned(&["rules", "list", "--format", "json"]), 0),
        (rules(&["explain", "test/superlative"]), 0),
        (rules(&["rules", "show", "test/superlative"]), 0),
        (
            rules(&["rules", "show", "test/superlative", "--resolved"]),
            0,
        ),
        (owned(&["rules", "test", &test_pack]), 0),
        (owned(&["rules", "test", &path(&failing)]), 1),
        (owned(&["rules", "validate", &test_pack]), 0),
        (owned(&["rules", "diff", &test_pack, &path(&failing)]), 0),
        (owned(&["waivers", "list", "--config", &path(&config)]), 0),
        (
            owned(&["rules", "doc", "--output", &path(&dir.join("docs"))]),
            0,
        ),
        (rules(&["check", &path(&data)]), 1),
        (rules(&["check", "--format", "github", &path(&data)]), 1),
        (rules(&["check", "--format", "jsonl", &path(&data)]), 1),
        (rules(&["check", "--fail-on", "never", &path(&data)]), 0),
    ]
}

#[test]
fn a_closed_pipe_ends_the_output_but_not_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in printing_commands(dir.path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stderr) = with_closed_pipe(&mut process(&args));
        assert_eq!(code, Some(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // `init` writes its file, then says so.
    let empty = tempfile::tempdir().unwrap();
    let (code, stderr) = with_closed_pipe(process(&["init"]).current_dir(empty.path()));
    assert_eq!(code, Some(0), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_usage_error_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    for (args, _) in printing_commands(dir.path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stderr) = with_full_disk(&mut process(&args));
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write") && stderr.contains("No space left"),
            "{args:?}: {stderr}"
        );
    }
    let empty = tempfile::tempdir().unwrap();
    let (code, stderr) = with_full_disk(process(&["init"]).current_dir(empty.path()));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
}

/// JSON Lines listings: `warnings` with a warning only (--fail-on error
/// does not fail on them), then, if `error_last`, one with an error.
fn warnings_then_an_error(warnings: usize, error_last: bool) -> String {
    let mut text = String::new();
    for i in 0..warnings {
        text.push_str(&format!(
            "{{\"id\": \"W-{i}\", \"title\": \"面霜 根治痘痘 根治痘痘 根治痘痘\"}}\n"
        ));
    }
    if error_last {
        text.push_str("{\"id\": \"E\", \"title\": \"最好用的吸尘器\"}\n");
    }
    text
}

#[test]
fn check_piped_into_head_keeps_the_findings_exit_status() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    for (error_last, expected) in [(true, 1), (false, 0)] {
        let data = dir.path().join(format!("listings-{error_last}.jsonl"));
        // Far more output than a pipe holds, so writing goes on after the
        // reader has gone.
        write(&data, &warnings_then_an_error(5_000, error_last));
        let mut child = process(&[
            "check",
            "--no-default-rules",
            "--rules",
            "tests/data/test-pack.yaml",
            "--fail-on",
            "error",
            &data.display().to_string(),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
        // `| head -1`: one line, then the reader goes away.
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("test/claims"), "{first}");
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(expected), "{stderr}");
    }
}

#[test]
fn a_closed_pipe_does_not_cut_short_the_baseline_being_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("listings.jsonl");
    write(
        &data,
        &warnings_then_an_error(0, true)
            .repeat(3)
            .replace("\"E\"", "\"E-1\""),
    );
    let baseline = dir.path().join("baseline.json");
    let (code, stderr) = with_closed_pipe(&mut process(&[
        "check",
        "--no-default-rules",
        "--rules",
        "tests/data/test-pack.yaml",
        "--write-baseline",
        &baseline.display().to_string(),
        &data.display().to_string(),
    ]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("wrote 3 findings to the baseline"),
        "{stderr}"
    );
}

/// A listing file in a checked folder named by `-o` is never overwritten:
/// only a file that holds an earlier report (or nothing) is left out of
/// the inputs and rewritten.
#[test]
fn output_naming_a_listing_file_found_by_a_folder_walk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    write(&folder.join("a.jsonl"), LISTINGS);
    let listings = folder.join("b.csv");
    let original = "id,title\nB1,最好的杯子\n";
    write(&listings, original);
    for format in ["human", "jsonl"] {
        let (code, _, stderr) = run(check_with_test_pack()
            .args(["--format", format, "-o"])
            .arg(&listings)
            .arg(&folder));
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("listing file in a checked folder"),
            "{stderr}"
        );
        assert_eq!(read(&listings), original);
    }
    // A report of every format, written into the folder under a name the
    // walk reads, is recognised as a report on the next run.
    std::fs::remove_file(&listings).unwrap();
    for format in [
        "human", "json", "jsonl", "sarif", "github", "junit", "html", "xlsx", "csv",
    ] {
        let report = folder.join("report.jsonl");
        for round in 0..2 {
            let (code, _, stderr) = run(check_with_test_pack()
                .args(["--format", format, "-o"])
                .arg(&report)
                .arg(&folder));
            assert_eq!(code, 1, "{format}, run {round}: {stderr}");
            if round == 1 {
                assert!(stderr.contains("not checking"), "{format}: {stderr}");
            }
        }
        std::fs::remove_file(&report).unwrap();
    }
}
