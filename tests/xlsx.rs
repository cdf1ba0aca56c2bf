//! XLSX workbooks through the binary.

mod common;

use common::{jsonl, listlint, run};

#[test]
fn every_sheet_with_rows_as_lines() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--select",
        "absolute-terms",
        "fixtures/xlsx/listings.xlsx",
    ]));
    let found: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["listing_id"].as_str().unwrap(),
                f["text"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "fixtures/xlsx/listings.xlsx#商品 2 XL-001 全网第一",
            "fixtures/xlsx/listings.xlsx#商品 4 XL-003 國家級",
            "fixtures/xlsx/listings.xlsx#赠品 2 XL-101 极品",
        ]
    );
}

#[test]
fn cells_read_as_text_dates_and_numbers() {
    // XL-001 has a date cell in 活动结束时间, so its 限时 wording is disclosed;
    // XL-003 has none.
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--as-of",
        "2026-11-27",
        "--select",
        "promotions",
        "fixtures/xlsx/listings.xlsx",
    ]));
    let ids: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["XL-003"]);
}

#[test]
fn one_sheet_or_a_clear_error() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "json",
        "--sheet",
        "赠品",
        "fixtures/xlsx/listings.xlsx",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["listings"], 1);
    let (code, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "--sheet",
        "不存在",
        "fixtures/xlsx/listings.xlsx",
    ]));
    assert_eq!(code, 1);
    let f = jsonl(&stdout);
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("no sheet `不存在` (sheets: 商品, 赠品)"),
        "{}",
        f[0]
    );
}

/// Formula cells whose cached result is an Excel error: an `input` finding
/// naming the cell, and the rest of the row and sheet still checked.
#[test]
fn cell_errors_are_findings_and_the_rest_is_checked() {
    let (code, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "jsonl",
        "fixtures/xlsx/cell-errors.xlsx",
    ]));
    assert_eq!(code, 1);
    let found: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["rule"].as_str().unwrap(),
                f["line"],
                f["field"].as_str().unwrap_or("-"),
                f["message"].as_str().unwrap()
            )
        })
        .filter(|l| l.starts_with("input/") || l.starts_with("absolute/"))
        .collect();
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].starts_with("absolute/number-one 2 title"),
        "{found:#?}"
    );
    assert_eq!(
        found[1],
        "input/cell-error 2 original_price cell D2 holds the Excel error #DIV/0!; its field is not checked"
    );
    assert!(
        found[2].starts_with("input/cell-error 3 title cell B3 holds the Excel error #N/A"),
        "{found:#?}"
    );
    assert!(
        found[3].starts_with("absolute/top-grade 4 title"),
        "{found:#?}"
    );
}

/// A workbook made here: its sheets' `<sheetData>` contents, and the shared
/// strings' `<si>` elements if any.
fn workbook(sheets: &[(&str, &str)], shared: Option<(usize, &str)>) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    part(
        "_rels/.rels",
        &format!(
            r#"<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    let mut listed = String::new();
    let mut rels = String::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        listed.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
        part(
            &format!("xl/worksheets/sheet{n}.xml"),
            &format!(r#"<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>"#),
        );
    }
    part(
        "xl/workbook.xml",
        &format!(
            r#"<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{listed}</sheets></workbook>"#
        ),
    );
    if let Some((count, strings)) = shared {
        rels.push_str(&format!(
            r#"<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>"#
        ));
        part(
            "xl/sharedStrings.xml",
            &format!(r#"<sst xmlns="{MAIN}" uniqueCount="{count}">{strings}</sst>"#),
        );
    }
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(r#"<Relationships xmlns="{PKG}">{rels}</Relationships>"#),
    );
    zip.finish().unwrap().into_inner()
}

/// An inline-string cell.
fn cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A sheet with `id` and `title` columns and one listing.
fn one_listing(id: &str, title: &str) -> String {
    format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        cell("A1", "id"),
        cell("B1", "title"),
        cell("A2", id),
        cell("B2", title)
    )
}

/// Writes workbooks into a temporary folder.
fn write_books(books: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in books {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// `rule file line listing_id message` of each finding of `check` on
/// `paths` in `dir` (absolute-terms and input findings only).
fn check_books(dir: &tempfile::TempDir, extra: &[&str], paths: &[&str]) -> Vec<String> {
    let mut cmd = common::listlint_in(dir.path());
    cmd.args([
        "check",
        "--format",
        "jsonl",
        "--select",
        "absolute-terms,input",
    ]);
    cmd.args(extra).args(paths);
    let (code, stdout, stderr) = run(&mut cmd);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    jsonl(&stdout)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["listing_id"].as_str().unwrap_or("-"),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// One valued cell at XFD1048576 made the dense range of the whole sheet
/// (17 billion cells); the sparse read costs what the cells do.
#[test]
fn a_cell_at_xfd1048576_is_read_without_the_range_before_it() {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}</row><row r="1048576">{}{}</row>"#,
        cell("A1", "id"),
        cell("XFD1", "title"),
        cell("A2", "XL-1"),
        cell("A1048576", "XL-2"),
        cell("XFD1048576", "全网第一"),
    );
    let dir = write_books(&[("far.xlsx", workbook(&[("S", &rows)], None))]);
    let found = check_books(&dir, &[], &["far.xlsx"]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("absolute/number-one far.xlsx#S 1048576 XL-2 "),
        "{found:#?}"
    );
}

/// A shared string larger than the limit: the workbook is one finding,
/// calamine never decompresses it, and the next file is still checked.
#[test]
fn shared_strings_over_the_limit_are_a_finding_and_other_files_are_checked() {
    let big = format!("<si><t>{}</t></si>", "a".repeat(6000));
    let bomb = workbook(&[("S", &one_listing("XL-1", "全网第一"))], Some((1, &big)));
    let good = workbook(&[("S", &one_listing("XL-2", "全网第一"))], None);
    let dir = write_books(&[("a-bomb.xlsx", bomb), ("b-good.xlsx", good)]);
    let found = check_books(
        &dir,
        &["--max-xlsx-bytes", "5000"],
        &["a-bomb.xlsx", "b-good.xlsx"],
    );
    assert_eq!(
        found[0],
        "input/limit-exceeded a-bomb.xlsx 1 - workbook not read: xl/sharedStrings.xml \
         decompresses to more than 5000 bytes (--max-xlsx-bytes)"
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[1].starts_with("absolute/number-one b-good.xlsx#S 2 XL-2"),
        "{found:#?}"
    );
    // Under the default limit the same workbook is read.
    let found = check_books(&dir, &[], &["a-bomb.xlsx"]);
    assert!(
        found[0].starts_with("absolute/number-one a-bomb.xlsx#S 2 XL-1"),
        "{found:#?}"
    );
}

/// A sheet of whitespace larger than the limit: that sheet is a finding
/// naming it; the workbook's other sheets are still checked.
#[test]
fn a_sheet_over_the_limit_is_a_finding_and_the_other_sheets_are_checked() {
    let padded = format!("{}{}", " ".repeat(8000), one_listing("XL-1", "全网第一"));
    let book = workbook(
        &[("大", &padded), ("小", &one_listing("XL-2", "全网第一"))],
        None,
    );
    let dir = write_books(&[("book.xlsx", book)]);
    let found = check_books(&dir, &["--max-xlsx-bytes", "5000"], &["book.xlsx"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0],
        "input/limit-exceeded book.xlsx#大 1 - sheet not read: its part \
         xl/worksheets/sheet1.xml decompresses to more than 5000 bytes (--max-xlsx-bytes)"
    );
    assert!(
        found[1].starts_with("absolute/number-one book.xlsx#小 2 XL-2"),
        "{found:#?}"
    );
}

/// A cell over `--max-xlsx-cell-bytes` is a finding naming the cell and
/// its field; the rest of its row is checked.
#[test]
fn a_cell_over_the_cell_limit_is_a_finding_and_its_row_is_checked() {
    let rows = format!(
        r#"<row r="1">{}{}{}</row><row r="2">{}{}{}</row>"#,
        cell("A1", "id"),
        cell("B1", "title"),
        cell("C1", "description"),
        cell("A2", "XL-1"),
        cell("B2", "全网第一"),
        cell("C2", &"很".repeat(40)),
    );
    let dir = write_books(&[("long.xlsx", workbook(&[("S", &rows)], None))]);
    let found = check_books(&dir, &["--max-xlsx-cell-bytes", "100"], &["long.xlsx"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("absolute/number-one long.xlsx#S 2 XL-1"),
        "{found:#?}"
    );
    assert_eq!(
        found[1],
        "input/limit-exceeded long.xlsx#S 2 XL-1 cell C2 holds 120 bytes of text, \
         more than 100 (--max-xlsx-cell-bytes); its field is not checked"
    );
}

/// A small shared string shown by many cells expands past the limit: the
/// rows before are checked, the cell where it happened is named, and a
/// later sheet is reported as not read. `--ignore` drops the finding.
#[test]
fn cells_expanding_past_the_limit_stop_the_workbook_with_a_finding() {
    let mut rows = format!(
        r#"<row r="1">{}{}</row>"#,
        cell("A1", "id"),
        cell("B1", "title")
    );
    for r in 2..=40 {
        rows.push_str(&format!(
            r#"<row r="{r}">{}<c r="B{r}" t="s"><v>0</v></c></row>"#,
            cell(&format!("A{r}"), &format!("XL-{r}"))
        ));
    }
    let title = format!("<si><t>全网第一{}</t></si>", "x".repeat(300));
    let book = workbook(
        &[("S", &rows), ("T", &one_listing("XL-99", "全网第一"))],
        Some((1, &title)),
    );
    let dir = write_books(&[("wide.xlsx", book)]);
    let found = check_books(&dir, &["--max-xlsx-bytes", "4000"], &["wide.xlsx"]);
    // The header's 7 bytes, rows 2-9 of 4 + 312 bytes and rows 10-13 of
    // 5 + 312 make 3803; B14 would make 4120.
    let absolute = found.iter().filter(|f| f.starts_with("absolute/")).count();
    assert_eq!(absolute, 12, "{found:#?}");
    let limits: Vec<&String> = found
        .iter()
        .filter(|f| f.starts_with("input/limit-exceeded"))
        .collect();
    assert_eq!(limits.len(), 2, "{found:#?}");
    assert!(
        limits[0].starts_with(
            "input/limit-exceeded wide.xlsx#S 14 XL-14 cell B14 not read: the workbook's \
             cells hold more than 4000 bytes of text (--max-xlsx-bytes)"
        ),
        "{found:#?}"
    );
    assert!(
        limits[1].starts_with("input/limit-exceeded wide.xlsx#T 1 - sheet not read: "),
        "{found:#?}"
    );
    let ignored = check_books(
        &dir,
        &[
            "--max-xlsx-bytes",
            "4000",
            "--ignore",
            "input/limit-exceeded",
        ],
        &["wide.xlsx"],
    );
    assert_eq!(ignored.len(), 12, "{ignored:#?}");
}

/// calamine reserves room for the shared strings' declared count before
/// reading them: a count the part cannot hold is refused.
#[test]
fn an_impossible_shared_string_count_is_a_finding() {
    let book = workbook(
        &[("S", &one_listing("XL-1", "全网第一"))],
        Some((99_999_999_999_999, "<si><t>a</t></si>")),
    );
    let dir = write_books(&[("count.xlsx", book)]);
    let found = check_books(&dir, &[], &["count.xlsx"]);
    assert_eq!(
        found,
        [
            "input/unreadable-record count.xlsx 1 - not a readable XLSX workbook: \
          xl/sharedStrings.xml declares 99999999999999 strings, more than it holds"
        ]
    );
}

/// A cell beyond XFD1048576 is a finding on its row, which is still
/// checked; a header row that comes after a data row still names the
/// columns.
#[test]
fn cells_outside_the_grid_and_rows_out_of_order_lose_nothing() {
    let rows = format!(
        r#"<row r="3">{}{}</row><row r="1">{}{}</row><row r="2">{}{}</row>"#,
        cell("A3", "XL-3"),
        cell("B3", "国家级"),
        cell("A1", "id"),
        cell("B1", "title"),
        cell("XFE2", "x"),
        cell("B2", "全网第一"),
    );
    let dir = write_books(&[("odd.xlsx", workbook(&[("S", &rows)], None))]);
    let mut found = check_books(&dir, &[], &["odd.xlsx"]);
    found.sort();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("absolute/number-one odd.xlsx#S 2 - "),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("absolute/top-grade odd.xlsx#S 3 XL-3"),
        "{found:#?}"
    );
    assert_eq!(
        found[2],
        "input/unreadable-record odd.xlsx#S 2 - a cell at XFE2 lies outside \
         the sheet (beyond XFD1048576); it is not read"
    );
}

#[test]
fn a_sheet_without_a_certificate_column_reports_the_rule_once() {
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row><row r="3">{}{}</row>"#,
        cell("A1", "商品ID"),
        cell("B1", "商品标题"),
        cell("A2", "X-1"),
        cell("B2", "保湿面霜 50g"),
        cell("A3", "X-2"),
        cell("B3", "氨基酸洗面奶")
    );
    let dir = write_books(&[("book.xlsx", workbook(&[("商品", &rows)], None))]);
    let (_, stdout, stderr) =
        run(common::listlint_in(dir.path()).args(["check", "--format", "jsonl", "book.xlsx"]));
    let findings = jsonl(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}{stderr}");
    let f = &findings[0];
    assert_eq!(f["rule"], "cert/cosmetics-filing");
    assert_eq!(f["file"], "book.xlsx#商品");
    assert_eq!(f["line"], 1);
    assert_eq!(f["severity"], "info");
    assert_eq!(f["listing_id"], serde_json::Value::Null);
    assert!(f["message"].as_str().unwrap().contains("2 条商品"));

    let (_, stdout, _) = run(common::listlint_in(dir.path()).args([
        "check",
        "--format",
        "jsonl",
        "--no-collapse",
        "book.xlsx",
    ]));
    let ids: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| f["listing_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["X-1", "X-2"]);
}
