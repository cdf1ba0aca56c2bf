//! `listlint check` end to end through the binary.

mod common;

use common::{check_with_test_pack, jsonl, listlint, run};
use serde_json::Value;

fn field<'a>(f: &'a Value, key: &str) -> &'a Value {
    &f[key]
}

#[test]
fn human_output_snapshot() {
    let (code, stdout, _) = run(check_with_test_pack().arg("tests/data/listings.csv"));
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_output_snapshot() {
    let (code, stdout, _) = run(check_with_test_pack().args([
        "--format",
        "json",
        "tests/data/listings.csv",
        "tests/data/listings.jsonl",
    ]));
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    insta::assert_json_snapshot!(doc);
}

#[test]
fn json_document_follows_the_spec_shape() {
    let (_, stdout, _) =
        run(check_with_test_pack().args(["--format", "json", "tests/data/listings.csv"]));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "listlint");
    let summary = &doc["summary"];
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["listings"], 4);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(summary["findings"], findings.len());
    for key in ["error", "warning", "info"] {
        assert!(summary["by_severity"][key].is_u64(), "{key}");
    }
    let keys = [
        "rule",
        "pack",
        "category",
        "severity",
        "message",
        "help",
        "suggestion",
        "file",
        "line",
        "record",
        "listing_id",
        "field",
        "start",
        "end",
        "text",
        "fingerprint",
    ];
    for f in findings {
        for key in keys {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
    }
}

#[test]
fn spans_are_character_offsets_into_the_original_value() {
    let (_, stdout, _) =
        run(check_with_test_pack().args(["--format", "jsonl", "tests/data/listings.csv"]));
    let findings = jsonl(&stdout);
    let csv = std::fs::read_to_string("tests/data/listings.csv").unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let column = |name: &str| match name {
        "title" => 1,
        "subtitle" => 2,
        "description" => 3,
        "promo_text" => 4,
        "功效" => 5,
        other => panic!("unexpected field {other}"),
    };
    assert!(!findings.is_empty());
    for f in &findings {
        let record = f["record"].as_u64().unwrap() as usize;
        let value = &rows[record - 1][column(f["field"].as_str().unwrap())];
        let (start, end) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        let slice: String = value.chars().skip(start).take(end - start).collect();
        assert_eq!(slice, f["text"].as_str().unwrap());
    }
}

#[test]
fn evasions_html_and_allow_phrases() {
    let (_, stdout, _) =
        run(check_with_test_pack().args(["--format", "jsonl", "tests/data/listings.csv"]));
    let texts: Vec<(String, String, String)> = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap_or("-").to_owned(),
                f["field"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |id: &str, field: &str, text: &str| {
        texts.contains(&(id.to_owned(), field.to_owned(), text.to_owned()))
    };
    // Inserted separators, inline HTML, full width inside an alt attribute.
    assert!(has("SKU-3", "title", "最 好"));
    assert!(has("SKU-1", "description", "最</b>佳"));
    assert!(has("SKU-1", "description", "ＮＯ．１"));
    // Traditional characters normalise to the simplified term.
    assert!(has("-", "title", "最佳"));
    // 全网第一 is reported once, not also as 第一.
    assert!(has("SKU-1", "title", "全网第一"));
    assert!(!has("SKU-1", "title", "第一"));
    // Look-alikes: allow phrases (rule and pack level) and word boundaries.
    assert!(!texts.iter().any(|(id, _, _)| id == "SKU-2"), "{texts:?}");
    assert!(!texts.iter().any(|(_, field, _)| field == "subtitle"));
}

#[test]
fn exit_codes_follow_fail_on() {
    let code = |file: &str, fail_on: &str, select: &str| {
        run(check_with_test_pack().args([
            "--fail-on",
            fail_on,
            "--select",
            select,
            "--format",
            "jsonl",
            file,
        ]))
        .0
    };
    let csv = "tests/data/listings.csv";
    assert_eq!(code(csv, "error", "test/superlative"), 1);
    assert_eq!(code(csv, "never", "test/superlative"), 0);
    assert_eq!(
        code(csv, "error", "test/claims"),
        0,
        "warnings pass by default"
    );
    assert_eq!(code(csv, "warning", "test/claims"), 1);
    assert_eq!(code(csv, "warning", "test/info"), 0);
    assert_eq!(code(csv, "info", "test/info"), 1);
    // The JSONL has unreadable lines: input findings are errors, which
    // --select does not hide and --ignore does.
    let jsonl = "tests/data/listings.jsonl";
    assert_eq!(code(jsonl, "error", "test/info"), 1);
    assert_eq!(
        run(check_with_test_pack().args(["--select", "test/info", "--ignore", "input", jsonl])).0,
        0
    );
}

#[test]
fn select_and_ignore_by_id_prefix_and_category() {
    let ids = |args: &[&str]| -> Vec<String> {
        let (_, stdout, _) = run(check_with_test_pack()
            .args(["--format", "jsonl"])
            .args(args)
            .arg("tests/data/listings.csv"));
        let mut ids: Vec<String> = jsonl(&stdout)
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(ids(&["--select", "claims"]), ["test/claims"]);
    assert_eq!(
        ids(&["--select", "test"]).len(),
        4,
        "a whole-segment prefix"
    );
    assert_eq!(
        ids(&["--select", "test/number-one,style"]),
        ["test/info", "test/number-one"]
    );
    assert_eq!(
        ids(&["--ignore", "absolute-terms", "--ignore", "test/info"]),
        ["test/claims"]
    );
}

#[test]
fn output_is_identical_whatever_the_number_of_jobs() {
    let out = |jobs: &str| {
        run(check_with_test_pack().args([
            "--format",
            "jsonl",
            "--jobs",
            jobs,
            "tests/data/listings.csv",
            "tests/data/listings.jsonl",
        ]))
        .1
    };
    let one = out("1");
    assert!(!one.is_empty());
    assert_eq!(one, out("2"));
    assert_eq!(one, out("7"));
}

/// With one checking thread the reader parses JSON records itself; with
/// more, the checking threads do: the same findings either way, in every
/// shape of JSON input, with and without the values' places in the file
/// (SARIF points at columns), bad records included.
#[test]
fn json_parsed_by_the_reader_or_by_the_checkers_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let lines = std::fs::read_to_string("tests/data/listings.jsonl").unwrap();
    let mut records: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
    let with_bad = dir.path().join("with-bad.jsonl");
    let mut text = records.join("\n");
    text.push_str("\n{\"id\": \"X-1\", \"title\": \"最好\"\n[1, 2]\n{\"id\": \"X-2\", \"title\": \"第一品牌\", \"tags\": [\"最佳\", 3]}\n");
    std::fs::write(&with_bad, text).unwrap();
    records
        .retain(|r| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(r).is_ok());
    records.push(r#"{"id": "X-3", "title": "國家級 最好", "cert": {"ccc": ""}}"#);
    let array = dir.path().join("array.json");
    std::fs::write(&array, format!("[\n{}\n]\n", records.join(",\n"))).unwrap();
    for format in ["jsonl", "sarif"] {
        let out = |jobs: &str| {
            run(check_with_test_pack()
                .args(["--format", format, "--jobs", jobs])
                .arg(&with_bad)
                .arg(&array))
            .1
        };
        let one = out("1");
        assert!(one.contains("X-2") && one.contains("X-3"), "{one}");
        assert_eq!(one, out("2"), "{format}");
        assert_eq!(one, out("3"), "{format}");
    }
}

#[test]
fn many_batches_come_out_in_input_order_whatever_the_number_of_jobs() {
    // Enough records for many batches of 512, with findings spread unevenly
    // (so batches finish out of order) and bad lines among them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    let mut text = String::new();
    let (mut expected, mut last) = (0, 0);
    for i in 0..6000 {
        let line = match i % 13 {
            0 => "{bad json".to_owned(),
            k => {
                let title = if i % 3 == 0 {
                    "最好的羽绒服 第一品牌"
                } else {
                    "羽绒服"
                };
                let filler = "加厚保暖".repeat(k * (i % 97));
                format!(r#"{{"id":"M-{i}","title":"{title}","description":"{filler}"}}"#)
            }
        };
        let found = usize::from(i % 13 == 0) + if i % 13 != 0 && i % 3 == 0 { 2 } else { 0 };
        if found > 0 {
            (expected, last) = (expected + found, i + 1);
        }
        text.push_str(&line);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    let out = |jobs: &str| {
        run(listlint()
            .args([
                "check",
                "--format",
                "jsonl",
                "--select",
                "absolute-terms,input",
                "--jobs",
                jobs,
            ])
            .arg(&path))
        .1
    };
    let one = out("1");
    let findings = jsonl(&one);
    assert_eq!(findings.len(), expected);
    let records: Vec<u64> = findings
        .iter()
        .map(|f| f["record"].as_u64().unwrap())
        .collect();
    assert!(
        records.windows(2).all(|w| w[0] <= w[1]),
        "records out of order"
    );
    assert_eq!(records.last(), Some(&(last as u64)));
    // With two or more, the writing thread checks batches too.
    assert_eq!(one, out("2"));
    assert_eq!(one, out("3"));
    assert_eq!(one, out("5"));
}

#[test]
fn findings_of_a_checked_batch_are_written_while_the_input_waits() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let mut child = Command::new(env!("CARGO_BIN_EXE_listlint"))
        .args([
            "check",
            "--format",
            "jsonl",
            "--select",
            "absolute-terms",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // One whole batch, then the input goes quiet without ending.
    for i in 0..512 {
        writeln!(stdin, r#"{{"id":"W-{i}","title":"最好的保温杯"}}"#).unwrap();
    }
    stdin.flush().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(20));
    drop(stdin);
    let status = child.wait().unwrap();
    let first = first.expect("the first batch's findings come before the input ends");
    assert!(first.contains("\"listing_id\":\"W-0\""), "{first}");
    assert_eq!(status.code(), Some(1));
    assert_eq!(rx.iter().count(), 511);
}

#[test]
fn unreadable_records_become_input_findings_and_the_rest_is_checked() {
    let (code, stdout, _) =
        run(check_with_test_pack().args(["--format", "jsonl", "tests/data/listings.jsonl"]));
    assert_eq!(code, 1);
    let findings = jsonl(&stdout);
    let input: Vec<&Value> = findings
        .iter()
        .filter(|f| f["category"] == "input")
        .collect();
    assert_eq!(input.len(), 2);
    assert_eq!(input[0]["rule"], "input/invalid-json");
    assert_eq!(input[0]["line"], 4);
    assert!(input[0]["message"].as_str().unwrap().contains("line 4"));
    assert_eq!(input[1]["rule"], "input/not-an-object");
    assert_eq!(input[1]["line"], 6);
    // The record after the broken line is still checked.
    assert!(findings.iter().any(|f| f["listing_id"] == "J-4"));
    assert!(field(input[0], "start").is_null());
}

#[test]
fn stdin_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.jsonl");
    let (code, stdout, _) = run(check_with_test_pack()
        .args(["--format", "jsonl", "-o"])
        .arg(&out)
        .arg("-")
        .write_stdin("{\"id\": \"S\", \"title\": \"最好\"}\n"));
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    let findings = jsonl(&written);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["file"], "<stdin>");
    assert_eq!(findings[0]["listing_id"], "S");
}

#[test]
fn folders_are_walked_in_sorted_order_skipping_hidden_and_vendored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["b", ".git", "node_modules", "a/nested"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let line = |id: &str| format!("{{\"id\": \"{id}\", \"title\": \"最好\"}}\n");
    std::fs::write(root.join("b/2.jsonl"), line("B2")).unwrap();
    std::fs::write(root.join("b/1.jsonl"), line("B1")).unwrap();
    std::fs::write(root.join("a/nested/x.jsonl"), line("AX")).unwrap();
    std::fs::write(root.join("a/notes.txt"), "最好").unwrap();
    std::fs::write(root.join(".git/h.jsonl"), line("GIT")).unwrap();
    std::fs::write(root.join("node_modules/n.jsonl"), line("NODE")).unwrap();
    let (_, stdout, _) = run(check_with_test_pack().args(["--format", "json"]).arg(root));
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 3);
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["AX", "B1", "B2"]);
}

#[test]
fn fingerprints_ignore_line_and_record_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    std::fs::write(
        &a,
        "{\"id\":\"X\",\"title\":\"最好\"}\n{\"id\":\"Y\",\"title\":\"第一\"}\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "\n{\"id\":\"Y\",\"title\":\"第一\"}\n{\"id\":\"X\",\"title\":\"最好\"}\n",
    )
    .unwrap();
    let prints = |p: &std::path::Path| {
        let (_, stdout, _) = run(check_with_test_pack().args(["--format", "jsonl"]).arg(p));
        let mut v: Vec<String> = jsonl(&stdout)
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(prints(&a), prints(&b));
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = run(check_with_test_pack().arg("tests/data/missing.csv"));
    assert_eq!(code, 2);
    assert!(stderr.contains("tests/data/missing.csv"), "{stderr}");
    let (code, _, stderr) = run(listlint().args(["check", "--format", "xml", "x.csv"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("xml"));
    let (code, _, stderr) = run(check_with_test_pack().arg("Cargo.toml"));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot tell the format"), "{stderr}");
    let (code, _, stderr) = run(listlint().args(["check", "--no-default-rules", "x.csv"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("no rule packs"), "{stderr}");
    // A bad input named after a good one fails before any output.
    let (code, stdout, stderr) =
        run(check_with_test_pack().args(["tests/data/listings.csv", "Cargo.toml"]));
    assert_eq!(code, 2);
    assert!(
        stdout.is_empty() && stderr.contains("Cargo.toml"),
        "{stdout}{stderr}"
    );
    // A folder with nothing to check is a usage error, not a silent pass.
    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(check_with_test_pack().arg(empty.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("no listing files found"), "{stderr}");
    // A --select / --ignore token matching nothing is a typo, with a hint.
    let (code, _, stderr) = run(check_with_test_pack().args([
        "--select",
        "test/superlativ",
        "tests/data/listings.csv",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `test/superlative`"),
        "{stderr}"
    );
}

#[test]
fn the_minimal_pack_form_from_the_issue_works() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("acme.yaml");
    std::fs::write(
        &pack,
        r#"pack: acme-extra
version: "1"
category: absolute-terms
rules:
  - id: acme/banned-word
    kind: lexicon
    severity: error
    message: "「{term}」不得使用"
    terms: [史上最强]
    allow: [史上最强台风]
    suggest: {史上最强: 性能出色}
    examples:
      - text: "史上最强吸尘器"        # shorthand for a listing whose title is this text
        expect: [acme/banned-word]
      - listing: {title: "性能出色吸尘器", description: "…"}
        expect: []
"#,
    )
    .unwrap();
    let (code, stdout, _) = run(listlint()
        .args(["check", "--no-default-rules", "--format", "jsonl", "--rules"])
        .arg(&pack)
        .arg("-")
        .write_stdin("{\"id\":\"1\",\"title\":\"史上 最强吸尘器\"}\n{\"id\":\"2\",\"title\":\"史上最强台风过境\"}\n"));
    assert_eq!(code, 1);
    let findings = jsonl(&stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["message"], "「史上最强」不得使用");
    assert_eq!(findings[0]["suggestion"], "性能出色");
    assert_eq!(findings[0]["text"], "史上 最强");
    let (code, stdout, _) = run(listlint().args(["rules", "test"]).arg(&pack));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("2 passed, 0 failed"));
}

#[test]
fn csv_quirks_crlf_lines_unterminated_quotes_and_colliding_columns() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = dir.path().join("crlf.csv");
    std::fs::write(&crlf, "id,title\r\nA,x\r\n\r\nB,最好\r\n").unwrap();
    let (_, stdout, _) = run(check_with_test_pack()
        .args(["--format", "jsonl"])
        .arg(&crlf));
    let f = jsonl(&stdout);
    assert_eq!(
        (f[0]["listing_id"].as_str(), f[0]["line"].as_u64()),
        (Some("B"), Some(4))
    );

    let open_quote = dir.path().join("quote.csv");
    std::fs::write(&open_quote, "id,title\nA,\"最好\nB,第一\nC,x\n").unwrap();
    let (code, stdout, _) = run(check_with_test_pack()
        .args(["--format", "jsonl"])
        .arg(&open_quote));
    assert_eq!(code, 1);
    let f = jsonl(&stdout);
    assert_eq!(f[0]["rule"], "input/unterminated-quote");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("read to the end of line 2, and reading resumed at line 3"),
        "{}",
        f[0]
    );
    // The lines after it are listings of their own again.
    let ids: Vec<(&str, u64)> = f
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(ids.contains(&("B", 3)), "{ids:?}");

    let collide = dir.path().join("collide.csv");
    std::fs::write(&collide, "name,title\n最好,第一\n好,好\n").unwrap();
    let (_, stdout, _) = run(check_with_test_pack()
        .args(["--format", "jsonl"])
        .arg(&collide));
    let f = jsonl(&stdout);
    assert_eq!(f[0]["rule"], "input/column-collision");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["record"], 1, "reported once, on the first record");
    assert_eq!(
        f[1]["text"], "第一",
        "the exact `title` column is the title"
    );
    assert_eq!(f.len(), 2);
}

/// A run over exports whose calling thread checks too (`--jobs 2`, no
/// result cache) starts the calling thread, the reader and the one pool
/// thread that checks beside it: no idle pool of every thread besides.
/// Standard input keeps the reader waiting while the threads are counted.
#[cfg(target_os = "linux")]
#[test]
fn a_run_over_exports_starts_no_idle_pool() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("listlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--no-cache",
            "--format",
            "jsonl",
            "--jobs",
            "2",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let tasks = format!("/proc/{}/task", child.id());
    let threads = || std::fs::read_dir(&tasks).map_or(0, |d| d.count());
    // The pools are started before the reader: once three threads run,
    // every one is there; the count is read again until it has held for
    // a fifth of a second.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut count, mut held_since) = (threads(), Instant::now());
    while Instant::now() < deadline
        && (count < 3 || held_since.elapsed() < Duration::from_millis(200))
    {
        std::thread::sleep(Duration::from_millis(5));
        let now = threads();
        if now != count {
            (count, held_since) = (now, Instant::now());
        }
    }
    let mut stdin = child.stdin.take().expect("piped");
    stdin
        .write_all("{\"id\":\"A\",\"title\":\"最好的羽绒服\"}\n".as_bytes())
        .expect("written");
    drop(stdin);
    let status = child.wait().expect("ends");
    assert_eq!(
        count, 3,
        "the calling thread, the reader and one pool thread"
    );
    assert_eq!(status.code(), Some(1), "the listing has an error");
}
