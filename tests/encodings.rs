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

/// Bytes GB18030 cannot decode become U+FFFD; the record says so, and the
/// rest of it, and the other records, are still checked.
#[test]
fn undecodable_bytes_are_reported_with_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.csv");
    let (good, _, _) = encoding_rs::GB18030.encode("id,title\nG1,全网第一的茶杯\nG2,");
    let mut bytes = good.into_owned();
    // 0xFF is not a GB18030 lead byte.
    bytes.extend_from_slice(&[0xFF]);
    let (rest, _, _) = encoding_rs::GB18030.encode("顶级 保温杯\n");
    bytes.extend_from_slice(&rest);
    std::fs::write(&path, &bytes).unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args(["check", "--format", "jsonl", "--encoding", "gb18030"])
        .arg(&path));
    assert_eq!(code, 1, "{stderr}");
    let findings = jsonl(&stdout);
    let undecodable: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "input/undecodable-bytes")
        .collect();
    assert_eq!(undecodable.len(), 1, "{stdout}");
    assert_eq!(undecodable[0]["line"], 3);
    assert_eq!(undecodable[0]["listing_id"], "G2");
    assert!(undecodable[0]["message"]
        .as_str()
        .unwrap()
        .contains("field `title`: bytes that are not valid GB18030 at byte 0"));
    for (id, rule) in [("G1", "absolute/number-one"), ("G2", "absolute/top-grade")] {
        assert!(
            findings
                .iter()
                .any(|f| f["listing_id"] == id && f["rule"] == rule),
            "{id}: {stdout}"
        );
    }
}

/// Every input rule id the readers can produce is known to --select and
/// --ignore (a missing one would make `--ignore input/…` a usage error).
#[test]
fn every_input_rule_can_be_ignored() {
    let mut ids = std::collections::BTreeSet::new();
    for dir in ["src", "src/source", "src/listing", "src/engine"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split("\"input/").skip(1) {
                    let id: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '-' || c.is_ascii_digit())
                        .collect();
                    if piece[id.len()..].starts_with('"') && !id.is_empty() {
                        ids.insert(format!("input/{id}"));
                    }
                }
            }
        }
    }
    assert!(ids.len() >= 13, "{ids:?}");
    for id in &ids {
        let (code, _, stderr) =
            run(listlint().args(["check", "--ignore", id, "fixtures/listings.csv"]));
        assert_ne!(code, 2, "{id}: {stderr}");
    }
}

/// A bad byte in a header shows in every record's field name: reported,
/// not silently dropped with the column.
#[test]
fn undecodable_bytes_in_a_header_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.csv");
    let (head, _, _) = encoding_rs::GB18030.encode("id,标题");
    let mut bytes = head.into_owned();
    bytes.push(0xFF);
    let (rest, _, _) = encoding_rs::GB18030.encode("\nG1,全网最好的杯子\n");
    bytes.extend_from_slice(&rest);
    std::fs::write(&path, &bytes).unwrap();
    let (_, stdout, _) = run(listlint()
        .args(["check", "--format", "jsonl", "--encoding", "gb18030"])
        .arg(&path));
    let findings = jsonl(&stdout);
    let bad = findings
        .iter()
        .find(|f| f["rule"] == "input/undecodable-bytes")
        .expect(&stdout);
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("the name of column 2: bytes that are not valid GB18030"),
        "{bad}"
    );
}

/// Detection reads the first 256 KiB; a GB18030 character cut in two at
/// that point must not make the file read as broken UTF-8.
#[test]
fn a_large_gb18030_file_cut_mid_character_by_the_sample_is_detected() {
    const SAMPLE: usize = 256 * 1024;
    let gb = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    let mut bytes = gb("id,title\n");
    let mut rows = 1;
    while bytes.len() < SAMPLE - 64 {
        rows += 1;
        bytes.extend(gb(&format!("F{rows},纯棉短袖T恤\n")));
    }
    // Pad with ASCII so that the next two-byte character starts one byte
    // before the end of the sample.
    rows += 1;
    let mut row = format!("C{rows},");
    row.push_str(&"x".repeat(SAMPLE - 1 - bytes.len() - row.len()));
    bytes.extend(gb(&row));
    assert_eq!(bytes.len(), SAMPLE - 1);
    bytes.extend(gb("最好的保温杯\n"));
    rows += 1;
    bytes.extend(gb(&format!("V{rows},全网第一的茶杯\n")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large-gbk.csv");
    std::fs::write(&path, &bytes).unwrap();

    let found = findings(path.to_str().unwrap(), &[]);
    assert!(
        found.len() <= 2,
        "{} findings, starting {:?}",
        found.len(),
        &found[..3]
    );
    let padded = rows - 1;
    assert_eq!(
        found,
        [
            format!("{padded} \"C{padded}\" \"title\" \"最好\""),
            format!("{rows} \"V{rows}\" \"title\" \"全网第一\""),
        ]
    );
}

/// The tab-or-comma guess reads the header line; for a transcoded file it
/// must see the whole decoded line, not the decoder's first few bytes.
#[test]
fn a_transcoded_csv_has_its_delimiter_guessed_from_the_whole_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tabs.csv");
    let text = "x,\tid\ttitle\n1\tA1\t最好的茶杯\n";
    std::fs::write(&path, encoding_rs::GB18030.encode(text).0).unwrap();
    assert_eq!(
        findings(path.to_str().unwrap(), &[]),
        ["2 \"A1\" \"title\" \"最好\""]
    );
}
