//! The same listings in UTF-8, UTF-8 with BOM, GB18030 (CRLF) and UTF-16LE
//! give the same findings, lines included.

mod common;

use common::{jsonl, line_rules, listlint, run};

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
    for dir in [
        "src",
        "crates/listlint-io/src",
        "crates/listlint-io/src/source",
        "crates/listlint-core/src",
        "crates/listlint-core/src/listing",
        "crates/listlint-core/src/engine",
    ] {
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

/// Excel's "Unicode text" is UTF-16LE; saved without a byte-order mark it
/// must still be read as UTF-16 (it was read as GB18030: every title
/// garbled, "no findings").
#[test]
fn utf16_without_a_byte_order_mark_gives_the_same_findings() {
    let expected = findings("fixtures/encodings/listings-utf8.csv", &[]);
    let text = std::fs::read_to_string("fixtures/encodings/listings-utf8.csv").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let le = dir.path().join("utf16le.csv");
    std::fs::write(
        &le,
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let be = dir.path().join("utf16be.csv");
    std::fs::write(
        &be,
        text.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    for path in [&le, &be] {
        assert_eq!(findings(path.to_str().unwrap(), &[]), expected, "{path:?}");
    }
}

/// A header none of whose columns is a scanned text field would pass
/// every wording rule unread: an error naming the headers, and --map
/// fixes it.
#[test]
fn a_header_that_maps_no_text_field_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd-headers.csv");
    std::fs::write(&path, "货品编号,名字描述\nA1,全网最好的杯子\nA2,普通杯子\n").unwrap();
    let (code, stdout, _) = run(listlint().args(["check", "--format", "jsonl"]).arg(&path));
    assert_eq!(code, 1, "{stdout}");
    let found = jsonl(&stdout);
    assert_eq!(found.len(), 1, "{stdout}");
    assert_eq!(found[0]["rule"], "input/no-text-fields");
    assert_eq!(found[0]["severity"], "error");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("headers seen: `货品编号`, `名字描述`"),
        "{message}"
    );
    assert!(message.contains("--map FIELD=HEADER"), "{message}");

    let (code, mapped) = line_rules(&path, &["--map", "title=名字描述", "--map", "id=货品编号"]);
    assert_eq!(code, 1);
    assert_eq!(
        mapped,
        [(2, "A1".to_owned(), "absolute/superlative".to_owned())]
    );
    let (code, ignored) = line_rules(&path, &["--ignore", "input/no-text-fields"]);
    assert_eq!((code, ignored), (0, vec![]));
}

/// One byte GB18030 cannot decode in a GBK file: the file is still read as
/// GBK (it was read as UTF-8, every field "invalid UTF-8", no rule
/// finding), and only that line is reported.
#[test]
fn a_gbk_file_with_one_stray_byte_is_read_as_gbk() {
    let gb = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    let mut bytes = gb("id,title\nG1,全网第一的茶杯\nG2,纯棉");
    bytes.push(0xFF);
    bytes.extend(gb("短袖\nG3,顶级保温杯\n"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.csv");
    std::fs::write(&path, &bytes).unwrap();
    let (code, found) = line_rules(&path, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            (2, "G1".to_owned(), "absolute/number-one".to_owned()),
            (3, "G2".to_owned(), "input/undecodable-bytes".to_owned()),
            (4, "G3".to_owned(), "absolute/top-grade".to_owned()),
        ]
    );
}

/// Detection samples 256 KiB; rows after it in the other encoding are read
/// in that encoding, their violations found, and each such row reported.
#[test]
fn rows_in_the_other_encoding_after_the_sample_are_read_and_reported() {
    const SAMPLE: usize = 256 * 1024;
    let gb = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    let utf8 = |text: &str| text.as_bytes().to_vec();
    type Encode = fn(&str) -> Vec<u8>;
    for (name, file_encoding, other) in [
        ("gbk-with-utf8.csv", gb as Encode, utf8 as Encode),
        ("utf8-with-gbk.csv", utf8 as Encode, gb as Encode),
    ] {
        let mut bytes = file_encoding("id,title\n");
        let mut rows = 0;
        while bytes.len() < SAMPLE + 1024 {
            rows += 1;
            bytes.extend(file_encoding(&format!("F{rows},纯棉短袖T恤\n")));
        }
        bytes.extend(other("M1,全网最好的杯子\n"));
        bytes.extend(file_encoding("L1,顶级保温杯\n"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let (code, mut found) = line_rules(&path, &[]);
        assert_eq!(code, 1, "{name}");
        found.sort();
        let mixed_line = rows + 2;
        assert_eq!(
            found,
            [
                (
                    mixed_line,
                    "M1".to_owned(),
                    "absolute/superlative".to_owned()
                ),
                (
                    mixed_line,
                    "M1".to_owned(),
                    "input/mixed-encoding".to_owned()
                ),
                (
                    mixed_line + 1,
                    "L1".to_owned(),
                    "absolute/top-grade".to_owned()
                ),
            ],
            "{name}"
        );
    }
}

/// The same in JSON Lines: a GBK line in a UTF-8 file.
#[test]
fn a_gbk_line_in_utf8_json_lines_is_read_and_reported() {
    // Valid UTF-8 that GB18030 would read too: the lines decide.
    let mut bytes = "{\"id\":\"J1\",\"title\":\"纯棉短袖\"}\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(
        &encoding_rs::GB18030
            .encode("{\"id\":\"J2\",\"title\":\"全网最好的杯子\"}\n")
            .0,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    std::fs::write(&path, &bytes).unwrap();
    let (code, mut found) = line_rules(&path, &[]);
    assert_eq!(code, 1);
    found.sort();
    assert_eq!(
        found,
        [
            (2, "J2".to_owned(), "absolute/superlative".to_owned()),
            (2, "J2".to_owned(), "input/mixed-encoding".to_owned()),
        ]
    );
}

/// Short GBK text is often valid UTF-8 too (一叶知山 is four Cyrillic and
/// Armenian letters in UTF-8): in a GBK file it stays GBK, unreported.
#[test]
fn gbk_text_that_is_also_valid_utf8_stays_gbk() {
    let bytes = encoding_rs::GB18030
        .encode("id,title,brand\nA1,全网最好的茶,一叶知山\nA2,正山小种,一叶知山\n")
        .0
        .into_owned();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("brands.csv");
    std::fs::write(&path, &bytes).unwrap();
    let (_, found) = line_rules(&path, &[]);
    assert_eq!(
        found,
        [(2, "A1".to_owned(), "absolute/superlative".to_owned())]
    );
}
