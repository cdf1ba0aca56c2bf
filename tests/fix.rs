//! `check --fix`, `--diff`, `--fix-to` and `--unsafe-fixes`, through the
//! binary: every format keeps its bytes outside the replaced text, a
//! re-check shows none of the fixed findings, and a write cut short
//! leaves the original as it was.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{jsonl, listlint, run};

const PACK: &str = r#"pack: fixtest
version: "1"
category: wording
rules:
  - id: fix/ace
    kind: lexicon
    severity: error
    message: "「{term}」"
    terms: [王牌, 首选, 独家]
    suggest: {王牌: 主打, 首选: 推荐, 独家: {to: 特色, fix: unsafe}}
  - id: fix/loop
    kind: lexicon
    severity: error
    message: "「{term}」"
    terms: [极品]
    suggest: {极品: 顶级}
  - id: fix/top
    kind: lexicon
    severity: warning
    message: "「{term}」"
    terms: [顶级]
  - id: fix/cut
    kind: lexicon
    severity: warning
    message: "「{term}」"
    terms: [特供]
    suggest: {特供: 专供}
    fix: unsafe
  - id: fix/overlap
    kind: lexicon
    severity: warning
    category: other
    message: "「{term}」"
    terms: [牌面]
    suggest: {牌面: 门面}
  - id: fix/quote
    kind: lexicon
    severity: warning
    message: "「{term}」"
    terms: [逗号款]
    suggest: {逗号款: "a,\"b\""}
"#;

/// A folder with the test pack.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.yaml");
    fs::write(&pack, PACK).unwrap();
    (dir, pack)
}

/// `check` with only the test pack.
fn check(pack: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = listlint();
    cmd.args(["check", "--no-default-rules", "--rules"])
        .arg(pack)
        .args(args);
    run(&mut cmd)
}

/// The rules and texts a JSON Lines check reports for `file`.
fn rules_of(pack: &Path, file: &Path) -> Vec<(String, String)> {
    let (_, out, _) = check(pack, &["--format", "jsonl", file.to_str().unwrap()]);
    jsonl(&out)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn gb18030(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = b"\xFF\xFE".to_vec();
    for unit in text.encode_utf16() {
        out.extend(unit.to_le_bytes());
    }
    out
}

#[test]
fn gb18030_csv_with_crlf_is_fixed_byte_for_byte() {
    let (dir, pack) = folder();
    let file = dir.path().join("tmall.csv");
    let before = "商品ID,标题,描述\r\nA1,王牌精华 首选,\"好用, \"\"真\"\" 王牌\"\r\nA2,极品面霜,无\r\nA3,特供 逗号款,普通\r\n";
    fs::write(&file, gb18030(before)).unwrap();
    let (code, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    let after = "商品ID,标题,描述\r\nA1,主打精华 推荐,\"好用, \"\"真\"\" 主打\"\r\nA2,极品面霜,无\r\nA3,\"特供 a,\"\"b\"\"\",普通\r\n";
    assert_eq!(fs::read(&file).unwrap(), gb18030(after), "{err}");
    // Left: 极品 (its fix would make a `fix/top` finding), 特供 (unsafe).
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("would make a new finding: `fix/top` 「顶级」"),
        "{err}"
    );
    assert!(
        err.contains("applied 4 fixes in 1 file; 1 unsafe fix not applied"),
        "{err}"
    );
    assert!(err.contains("2 findings left for a person"), "{err}");
    let left = rules_of(&pack, &file);
    assert_eq!(
        left,
        [
            ("fix/loop".to_owned(), "极品".to_owned()),
            ("fix/cut".to_owned(), "特供".to_owned())
        ]
    );
}

#[test]
fn unsafe_fixes_only_with_the_flag() {
    // `fix/cut` is marked unsafe as a rule, 独家's suggestion as a term.
    let (dir, pack) = folder();
    let file = dir.path().join("a.csv");
    fs::write(&file, "id,title\nA1,特供茶\nA2,独家王牌\n").unwrap();
    let (_, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "id,title\nA1,特供茶\nA2,独家主打\n"
    );
    assert!(
        err.contains(
            "applied 1 fix in 1 file; 2 unsafe fixes not applied (--unsafe-fixes applies them)"
        ),
        "{err}"
    );
    let (code, _, err) = check(&pack, &["--fix", "--unsafe-fixes", file.to_str().unwrap()]);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "id,title\nA1,专供茶\nA2,特色主打\n"
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("applied 2 fixes in 1 file"), "{err}");
}

#[test]
fn utf16_tsv_keeps_its_encoding_and_mark() {
    let (dir, pack) = folder();
    let file = dir.path().join("export.tsv");
    fs::write(&file, utf16le("id\ttitle\r\nB1\t王牌口红\r\nB2\t好\r\n")).unwrap();
    let (_, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    assert_eq!(
        fs::read(&file).unwrap(),
        utf16le("id\ttitle\r\nB1\t主打口红\r\nB2\t好\r\n"),
        "{err}"
    );
    assert!(rules_of(&pack, &file).is_empty());
}

#[test]
fn jsonl_keeps_escapes_key_order_and_spacing() {
    let (dir, pack) = folder();
    let file = dir.path().join("l.jsonl");
    let before = "{\"title\": \"\\u738b\\u724c \\\"\\u7cbe\\u534e\\\"\", \"id\":\"C1\"}\n\
                  {\"id\":\"C2\",  \"title\":\"首选\\n好物\", \"z\": 1}\n";
    fs::write(&file, before).unwrap();
    let (code, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    let after = "{\"title\": \"\\u4e3b\\u6253 \\\"\\u7cbe\\u534e\\\"\", \"id\":\"C1\"}\n\
                 {\"id\":\"C2\",  \"title\":\"推荐\\n好物\", \"z\": 1}\n";
    assert_eq!(fs::read_to_string(&file).unwrap(), after, "{err}");
    assert_eq!(code, 0, "{err}");
    assert!(rules_of(&pack, &file).is_empty());
}

#[test]
fn markdown_catalog_front_matter_and_body() {
    let (dir, pack) = folder();
    let file = dir.path().join("p1.md");
    let before = "---\nid: M1\ntitle: 王牌保温杯 # 主推\nsubtitle: '首选 ''好杯'''\n---\n\n# 详情\n\n<p>王牌<b>首选</b></p>\n";
    fs::write(&file, before).unwrap();
    let (_, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    let after = "---\nid: M1\ntitle: 主打保温杯 # 主推\nsubtitle: '推荐 ''好杯'''\n---\n\n# 详情\n\n<p>主打<b>推荐</b></p>\n";
    assert_eq!(fs::read_to_string(&file).unwrap(), after, "{err}");
    assert!(rules_of(&pack, &file).is_empty());
}

#[test]
fn diff_shows_record_and_field_and_writes_nothing() {
    let (dir, pack) = folder();
    let file = dir.path().join("d.csv");
    let text = "id,title\nA1,王牌精华\nA2,好\nA3,首选\n";
    fs::write(&file, text).unwrap();
    let name = file.to_str().unwrap();
    let (code, out, err) = check(&pack, &["--diff", name]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        format!(
            "--- a/{name}\n+++ b/{name}\n\
             @@ -2 +2 @@ line 2, id A1, field title\n-A1,王牌精华\n+A1,主打精华\n\
             @@ -4 +4 @@ line 4, id A3, field title\n-A3,首选\n+A3,推荐\n"
        )
    );
    assert!(err.contains("would apply 2 fixes"), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn diff_works_on_standard_input_and_fix_refuses_it() {
    let (_dir, pack) = folder();
    let mut cmd = listlint();
    cmd.args(["check", "--no-default-rules", "--rules"])
        .arg(&pack)
        .args(["--diff", "-"])
        .write_stdin("{\"id\":\"S1\",\"title\":\"王牌\"}\n");
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.starts_with("--- a/<stdin>\n+++ b/<stdin>\n@@ -1 +1 @@ line 1, id S1, field title\n"),
        "{out}"
    );
    assert!(out.contains("+{\"id\":\"S1\",\"title\":\"主打\"}"), "{out}");
    for flag in [&["--fix"][..], &["--fix-to", "out"][..]] {
        let mut cmd = listlint();
        cmd.args(["check", "--no-default-rules", "--rules"])
            .arg(&pack)
            .args(flag)
            .arg("-")
            .write_stdin("{\"id\":\"S1\",\"title\":\"王牌\"}\n");
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("cannot fix standard input"), "{err}");
    }
}

#[test]
fn fix_to_keeps_relative_paths_and_the_originals() {
    let (dir, pack) = folder();
    let sub = dir.path().join("in/sub");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("a.csv"), "id,title\nA1,王牌\n").unwrap();
    fs::write(
        dir.path().join("in/b.jsonl"),
        "{\"id\":\"B\",\"title\":\"好\"}\n",
    )
    .unwrap();
    let mut cmd = listlint();
    cmd.current_dir(dir.path())
        .args(["check", "--no-default-rules", "--rules"])
        .arg(&pack)
        .args(["--fix-to", "out", "in"]);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("out/in/sub/a.csv")).unwrap(),
        "id,title\nA1,主打\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/in/b.jsonl")).unwrap(),
        "{\"id\":\"B\",\"title\":\"好\"}\n"
    );
    assert_eq!(
        fs::read_to_string(sub.join("a.csv")).unwrap(),
        "id,title\nA1,王牌\n"
    );
    assert!(out.contains("No findings in 2 files"), "{out}");
}

#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, pack) = folder();
    let file = dir.path().join("p.csv");
    fs::write(&file, "id,title\nA1,王牌\n").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    check(&pack, &["--fix", file.to_str().unwrap()]);
    assert_eq!(fs::read_to_string(&file).unwrap(), "id,title\nA1,主打\n");
    let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn a_write_cut_short_leaves_the_original() {
    // The file-size limit kills the process (SIGXFSZ) while it writes the
    // temporary file: the original must be as it was. No cache, and run
    // in the test's folder: the limit must cut the fix's write, not that
    // of the automaton kept in a cache.
    let (dir, pack) = folder();
    let file = dir.path().join("big.csv");
    let mut text = String::from("id,title\n");
    for i in 0..20_000 {
        text.push_str(&format!("A{i},王牌精华第{i}号\n"));
    }
    fs::write(&file, &text).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("listlint");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 64; exec \"$0\" check --no-cache --no-default-rules --rules \"$1\" --fix \"$2\"")
        .arg(&bin)
        .arg(&pack)
        .arg(&file)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(!status.success());
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
    // Run again without the limit: fixed.
    check(&pack, &["--fix", file.to_str().unwrap()]);
    assert!(fs::read_to_string(&file)
        .unwrap()
        .starts_with("id,title\nA0,主打精华第0号\n"));
}

#[test]
fn fix_unsafe_is_validated() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    fs::write(
        &bad,
        "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/a\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [王牌]\n    fix: unsafe\n",
    )
    .unwrap();
    let (code, out, err) = run(listlint().args(["rules", "validate"]).arg(&bad));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("sets `fix` but suggests no replacement"),
        "{out}{err}"
    );
    fs::write(
        &bad,
        "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/a\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [王牌]\n    suggest: {王牌: 主打}\n    fix: maybe\n",
    )
    .unwrap();
    let (code, out, err) = run(listlint().args(["rules", "validate"]).arg(&bad));
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("unknown variant `maybe`"),
        "{out}{err}"
    );
}

/// A workbook with styles, two sheets and a defined name: `商品` holds
/// the listings, its remark column (not scanned) showing the same shared
/// string as one fixed title.
fn workbook(path: &Path) {
    use rust_xlsxwriter::{Color, Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_background_color(Color::Yellow);
    let red = Format::new().set_font_color(Color::Red);
    let sheet = book.add_worksheet().set_name("商品").unwrap();
    for (col, h) in ["商品ID", "标题", "备注"].iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *h, &bold)
            .unwrap();
    }
    sheet.write_string(1, 0, "A1").unwrap();
    sheet
        .write_string_with_format(1, 1, "王牌精华", &red)
        .unwrap();
    sheet.write_string(1, 2, "王牌精华").unwrap();
    sheet.write_string(2, 0, "A2").unwrap();
    sheet.write_string(2, 1, "首选 & 面霜").unwrap();
    sheet.write_number(2, 2, 12.5).unwrap();
    sheet.set_column_width(1, 30).unwrap();
    let other = book.add_worksheet().set_name("说明").unwrap();
    other.write_string(0, 0, "王牌").unwrap();
    book.define_name("标题列", "=商品!$B:$B").unwrap();
    book.save(path).unwrap();
}

/// Every part of a zip, by name.
fn parts(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        out.insert(part.name().unwrap().into_owned(), bytes);
    }
    out
}

#[test]
fn xlsx_cells_are_edited_inside_the_package() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let (dir, pack) = folder();
    let file = dir.path().join("book.xlsx");
    workbook(&file);
    let before = parts(&file);
    let name = file.to_str().unwrap();
    let (code, out, _) = check(&pack, &["--diff", name]);
    assert_eq!(code, 1);
    assert!(
        out.contains("@@ 商品!cell B2, id A1, field title @@\n-王牌精华\n+主打精华\n"),
        "{out}"
    );
    assert_eq!(parts(&file), before, "--diff wrote");
    let (code, _, err) = check(&pack, &["--fix", name]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("applied 2 fixes in 1 file"), "{err}");
    let after = parts(&file);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (part, bytes) in &before {
        if part != "xl/sharedStrings.xml" && part != "xl/worksheets/sheet1.xml" {
            assert_eq!(&after[part], bytes, "{part} changed");
        }
    }
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let range = book.worksheet_range("商品").unwrap();
    assert_eq!(
        range.get_value((1, 1)),
        Some(&Data::String("主打精华".into()))
    );
    assert_eq!(
        range.get_value((1, 2)),
        Some(&Data::String("王牌精华".into()))
    );
    assert_eq!(
        range.get_value((2, 1)),
        Some(&Data::String("推荐 & 面霜".into()))
    );
    assert_eq!(range.get_value((2, 2)), Some(&Data::Float(12.5)));
    assert_eq!(book.defined_names().len(), 1);
    // The sheet's XML changed only in the fixed cell's string index; the
    // styles of each cell are the same.
    let (old, new) = (
        String::from_utf8(before["xl/worksheets/sheet1.xml"].clone()).unwrap(),
        String::from_utf8(after["xl/worksheets/sheet1.xml"].clone()).unwrap(),
    );
    assert_eq!(old.len(), new.len(), "{old}\n{new}");
    let differing = old.bytes().zip(new.bytes()).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 1, "{old}\n{new}");
    // A re-check: the fixed findings are gone.
    assert!(rules_of(&pack, &file).is_empty());
}

#[test]
fn json_document_keeps_its_layout_and_overlapping_fixes_are_left() {
    let (dir, pack) = folder();
    let file = dir.path().join("all.json");
    let before = "[\n  {\n    \"id\": \"J1\",\n    \"title\": \"王牌精华\\n\",\n    \"tags\": [\"a\"]\n  },\n  {\"id\": \"J2\", \"title\": \"王牌面膜\"}\n]\n";
    fs::write(&file, before).unwrap();
    let (code, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    let after = before.replacen("王牌精华", "主打精华", 1);
    assert_eq!(fs::read_to_string(&file).unwrap(), after, "{err}");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("all.json:7: title 「王牌」 → 「主打」 not applied: overlaps another fix"),
        "{err}"
    );
    assert!(
        err.contains("「牌面」 → 「门面」 not applied: overlaps another fix"),
        "{err}"
    );
}

#[test]
fn yaml_catalog_scalars_keep_their_style() {
    let (dir, pack) = folder();
    let file = dir.path().join("p.yaml");
    let before = "id: Y1\ntitle: \"\\u738b\\u724c \\\"杯\\\"\"\ndescription: |\n  第一行\n  首选好杯\nsubtitle: 逗号款 王牌\n";
    fs::write(&file, before).unwrap();
    let (code, _, err) = check(&pack, &["--fix", file.to_str().unwrap()]);
    // The subtitle's `a,"b"` would need the plain scalar quoted: neither of
    // its fixes is made.
    let after = "id: Y1\ntitle: \"主打 \\\"杯\\\"\"\ndescription: |\n  第一行\n  推荐好杯\nsubtitle: 逗号款 王牌\n";
    assert_eq!(fs::read_to_string(&file).unwrap(), after, "{err}");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("would need the scalar quoted"), "{err}");
    let left = rules_of(&pack, &file);
    assert_eq!(left.len(), 2, "{left:?}");
}
