//! `--format html`, `xlsx` and `csv` through the binary: the HTML page as
//! headless Chromium renders it, the workbook read back with calamine, and
//! the CSV as a spreadsheet reads it, each against the JSON findings of the
//! same run.
//!
//! The browser tests need Debian's `chromium` (and `fonts-noto-cjk` for
//! the screenshot to show Chinese). Without it they are skipped with a
//! message, unless `LISTLINT_REQUIRE_CHROMIUM` is set (CI sets it), when
//! they fail. `LISTLINT_CHROMIUM` names another browser binary;
//! `LISTLINT_UPDATE_SCREENSHOT=1` rewrites docs/img/report-html.png.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx};
use common::{jsonl, listlint, listlint_in, run};
use regex::Regex;

/// The columns of the `问题` sheet and of the CSV.
const COLUMNS: [&str; 11] = [
    "文件",
    "行号",
    "商品ID",
    "字段",
    "匹配文本",
    "规则",
    "严重程度",
    "说明",
    "建议",
    "法律依据",
    "原因",
];

/// Listings whose text tries to break out of the page: a `</script>` and
/// an `<img onerror>` in a title, an image with an external address and a
/// script in a description, markup in an id.
const HOSTILE_CSV: &str = "id,title,description\n\
SKU-1,最好的保温杯 全网第一,普通描述\n\
SKU-2,\"最佳</script><img src=x onerror=\"\"document.title='pwned'\"\">\",\"<img src=https://example.com/x.png onerror=alert(1)>最好的面霜\"\n\
SKU-3,清爽面霜 根治痘痘,<script>document.title='pwned2'</script>第一\n\
<b>SKU-4</b>,全网包邮,\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The JSON Lines findings of a `check` run with `args`.
fn json_findings(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let (code, stdout, stderr) = run(listlint_in(dir)
        .args(["check", "--format", "jsonl"])
        .args(args));
    assert_ne!(code, 2, "{stderr}");
    jsonl(&stdout)
}

/// Writes the report of `format` to `out` (in `dir`) and returns the exit
/// code.
fn report(dir: &Path, format: &str, out: &str, args: &[&str]) -> i32 {
    let (code, stdout, stderr) = run(listlint_in(dir)
        .args(["check", "--format", format, "-o", out])
        .args(args));
    assert_ne!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    code
}

/// A pack for these tests: Chinese messages, a suggestion, a rule with a
/// legal basis and one without, every severity.
const PACK: &str = r#"pack: reports
version: "1"
category: absolute-terms
rules:
  - id: r/superlative
    kind: lexicon
    severity: error
    summary: 最高级用语
    message: "绝对化用语「{term}」"
    help: 删除或改为可证实的具体描述
    references: ["《中华人民共和国广告法》第九条第三项"]
    terms: [最好, 最佳]
    suggest: {最好: 出色}
  - id: r/number-one
    kind: lexicon
    severity: error
    message: "排名用语「{term}」"
    terms: [第一, 全网第一]
  - id: r/claims
    kind: lexicon
    severity: warning
    category: claims
    message: "功效宣称「{term}」"
    terms: [根治]
  - id: r/info
    kind: lexicon
    severity: info
    category: style
    message: "「{term}」"
    terms: [包邮]
"#;

/// `dir` with [`PACK`] in it, and the flags that use it alone.
fn pack_args(dir: &Path) -> [&'static str; 3] {
    write(dir, "pack.yaml", PACK);
    ["--no-default-rules", "--rules", "pack.yaml"]
}

// ---------------------------------------------------------------- browser

/// Headless Chromium with a profile of its own, or `None` (and a loud
/// message) when there is none and none is required.
struct Browser {
    binary: PathBuf,
    profile: tempfile::TempDir,
}

impl Browser {
    fn find() -> Option<Browser> {
        let names: Vec<PathBuf> = match std::env::var_os("LISTLINT_CHROMIUM") {
            Some(path) => vec![PathBuf::from(path)],
            None => ["chromium", "chromium-browser"]
                .iter()
                .flat_map(|name| {
                    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                        .map(move |dir| dir.join(name))
                        .collect::<Vec<_>>()
                })
                .collect(),
        };
        match names.into_iter().find(|path| path.is_file()) {
            Some(binary) => Some(Browser {
                binary,
                profile: tempfile::tempdir().unwrap(),
            }),
            None if std::env::var_os("LISTLINT_REQUIRE_CHROMIUM").is_some() => panic!(
                "LISTLINT_REQUIRE_CHROMIUM is set but no chromium was found \
                 (apt-get install chromium fonts-noto-cjk, or set LISTLINT_CHROMIUM)"
            ),
            None => {
                // Written to the descriptor, not through `eprintln!`, which
                // the test harness captures and shows only on failure.
                let _ = std::io::stderr().write_all(
                    b"\n\n!!!!!!!! SKIPPED: the HTML report's browser test needs chromium \
                      (apt-get install chromium fonts-noto-cjk); set LISTLINT_REQUIRE_CHROMIUM=1 \
                      to make its absence a failure !!!!!!!!\n\n",
                );
                None
            }
        }
    }

    /// Runs the browser on `url` with `args`; its standard output goes to
    /// `stdout`. Killed after two minutes.
    fn run(&self, url: &str, args: &[String], stdout: &Path) {
        let mut child = Command::new(&self.binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(args)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(File::create(stdout).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "chromium failed: {status}");
                return;
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within two minutes");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The page's DOM after its script ran, serialised.
    fn dom(&self, page: &Path, fragment: &str) -> String {
        let out = self.profile.path().join("dom.html");
        let url = format!("file://{}{fragment}", page.display());
        self.run(&url, &["--dump-dom".to_owned()], &out);
        std::fs::read_to_string(out).unwrap()
    }

    /// A 1280×900 screenshot of the page.
    fn screenshot(&self, page: &Path, png: &Path) {
        let out = self.profile.path().join("screenshot.log");
        let url = format!("file://{}", page.display());
        self.run(
            &url,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1280,900".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
            &out,
        );
    }
}

/// `(rule, text)` of every `<mark>` in a DOM, nested ones too (a span
/// several findings cover is in a mark per finding).
fn marks(dom: &str) -> Vec<(String, String)> {
    let token =
        Regex::new(r#"<mark class="sev-[a-z]+" data-rule="([^"]+)"[^>]*>|</mark>|<[^>]*>|[^<]+"#)
            .unwrap();
    let mut open: Vec<(String, String)> = Vec::new();
    let mut found = Vec::new();
    for t in token.captures_iter(dom) {
        let whole = &t[0];
        if let Some(rule) = t.get(1) {
            open.push((rule.as_str().to_owned(), String::new()));
        } else if whole == "</mark>" {
            let (rule, text) = open.pop().expect("a mark closed after it opened");
            found.push((rule, unescape(&text)));
        } else if !whole.starts_with('<') {
            for (_, text) in &mut open {
                text.push_str(whole);
            }
        }
    }
    assert!(open.is_empty(), "every mark closed");
    found
}

/// HTML text as the DOM serialiser escapes it, unescaped.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// `(rule, text)` of every located finding, as the page should mark them.
fn located(findings: &[serde_json::Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .filter(|f| !f["start"].is_null())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

/// Fails when the DOM has an element that loads something, or an address
/// that is not a fragment of the page itself.
fn assert_nothing_external(dom: &str) {
    let element =
        Regex::new(r"(?i)<(img|link|iframe|frame|object|embed|video|audio|source|base|form)[\s>]")
            .unwrap();
    assert!(
        element.find(dom).is_none(),
        "an element that loads something: {:?}",
        element.find(dom).map(|m| m.as_str())
    );
    // Start tags (text holds `<` only as `&lt;`), and their attributes.
    let tag = Regex::new(r#"<[a-zA-Z][a-zA-Z0-9-]*(?:\s+[^\s=>]+(?:="[^"]*")?)*\s*/?>"#).unwrap();
    let attribute = Regex::new(r#"\s([^\s=>]+)="([^"]*)""#).unwrap();
    let mut tags = 0;
    for tag in tag.find_iter(dom) {
        tags += 1;
        for c in attribute.captures_iter(tag.as_str()) {
            let name = c[1].to_ascii_lowercase();
            if matches!(
                name.as_str(),
                "src"
                    | "href"
                    | "srcset"
                    | "action"
                    | "poster"
                    | "data"
                    | "xlink:href"
                    | "background"
            ) {
                assert!(c[2].starts_with('#'), "{}", tag.as_str());
            }
            assert!(!name.starts_with("on"), "{}", tag.as_str());
        }
    }
    assert!(tags > 100, "the DOM's tags were read");
    assert_eq!(dom.matches("<script").count(), 2, "only the page's scripts");
}

/// The page without the embedded findings, which hold listing text (which
/// may quote addresses, as text).
fn page_outside_data(html: &str) -> String {
    let start = html
        .find("<script type=\"application/json\" id=\"listlint-data\">")
        .expect("embedded data");
    let end = start + html[start..].find("</script>").unwrap();
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn html_report_renders_findings_highlights_and_filters_in_chromium() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hostile.csv", HOSTILE_CSV);
    let [a, b, c] = pack_args(dir.path());
    let args = [a, b, c, "hostile.csv"];
    let findings = json_findings(dir.path(), &args);
    assert_eq!(
        report(dir.path(), "html", "report.html", &args),
        1,
        "exit status as for any format"
    );
    let page = dir.path().join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();

    // The file: inert, self-contained, no listing text as markup.
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-"
    ));
    let outside = page_outside_data(&html);
    for external in ["://", "src=", "url(", "@import", "<link", "srcset"] {
        assert!(!outside.contains(external), "{external}");
    }
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "a listing's </script> does not end the data"
    );
    assert!(!html.contains("<img"));

    // The rendered page: every located finding marked with its rule, the
    // field text shown as text, nothing loaded, nothing run.
    let dom = browser.dom(&page, "");
    assert_eq!(sorted(marks(&dom)), sorted(located(&findings)));
    assert!(marks(&dom).iter().any(|(rule, _)| rule == "r/claims"));
    assert_eq!(
        dom.matches("<li class=\"finding ").count(),
        findings.len(),
        "every finding listed"
    );
    assert_nothing_external(&dom);
    assert!(
        dom.contains("<title>listlint 检查报告</title>"),
        "not pwned"
    );
    assert!(dom.contains(
        "最佳</mark>&lt;/script&gt;&lt;img src=x onerror=\"document.title='pwned'\"&gt;"
    ));
    assert!(dom.contains("&lt;script&gt;document.title='pwned2'&lt;/script&gt;"));
    assert!(dom.contains("商品 &lt;b&gt;SKU-4&lt;/b&gt;"));
    for finding in &findings {
        let message = finding["message"].as_str().unwrap();
        assert!(dom.contains(&format!(">{message}")), "{message}");
    }
    assert!(dom.contains(&format!(
        "显示 {0} / {0} 个问题，涉及 4 个商品",
        findings.len()
    )));
    // Chinese headings for the test pack's Chinese messages; the legal
    // basis and suggestions of the rules.
    for heading in ["问题统计", "按严重程度", "按类别", "问题明细（按商品）"] {
        assert!(dom.contains(heading), "{heading}");
    }
    assert!(dom.contains("法律依据：《中华人民共和国广告法》第九条第三项"));
    assert!(dom.contains("建议：最好 → 出色"));
    assert!(dom.contains("<svg class=\"chart\""));

    // Filters, driven through the address's fragment.
    let dom = browser.dom(&page, "#rule=r%2Fclaims");
    let claims: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] == "r/claims")
        .collect();
    assert!(!claims.is_empty());
    assert!(marks(&dom).iter().all(|(rule, _)| rule == "r/claims"));
    assert_eq!(marks(&dom).len(), claims.len());
    assert_eq!(dom.matches("<li class=\"finding ").count(), claims.len());
    assert!(dom.contains(&format!(
        "显示 {} / {} 个问题",
        claims.len(),
        findings.len()
    )));
    let dom = browser.dom(&page, "#severity=warning&category=claims");
    assert_eq!(dom.matches("<li class=\"finding ").count(), claims.len());
    let dom = browser.dom(&page, "#q=sku-3");
    assert_eq!(dom.matches("<article class=\"listing\">").count(), 1);
    assert!(dom.contains("商品 SKU-3"));
    let dom = browser.dom(&page, "#q=%E4%BF%9D%E6%B8%A9%E6%9D%AF"); // 保温杯
    assert_eq!(dom.matches("<article class=\"listing\">").count(), 1);
    assert!(dom.contains("商品 SKU-1"));
    // Categories by their Chinese names too.
    let absolute = findings
        .iter()
        .filter(|f| f["category"] == "absolute-terms")
        .count();
    let dom = browser.dom(&page, "#q=%E7%BB%9D%E5%AF%B9%E5%8C%96"); // 绝对化
    assert!(dom.contains("<span class=\"cat\">绝对化用语 absolute-terms</span>"));
    assert_eq!(dom.matches("<li class=\"finding ").count(), absolute);
    let dom = browser.dom(&page, "#rule=no%2Fsuch-rule");
    assert!(dom.contains("没有符合筛选条件的问题。"));
    assert!(dom.contains("<option value=\"no/such-rule\">no/such-rule</option>"));
    assert!(marks(&dom).is_empty());
}

#[test]
fn html_report_headings_follow_the_language_of_the_messages() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "english.yaml",
        "pack: english\nversion: \"1\"\ncategory: wording\nrules:\n  \
         - id: en/best\n    kind: lexicon\n    severity: warning\n    \
         message: \"Unprovable superlative '{term}'\"\n    terms: [best ever]\n",
    );
    write(
        dir.path(),
        "listings.csv",
        "id,title\nA,The best ever mug\nB,A mug\n",
    );
    let args = [
        "--no-default-rules",
        "--rules",
        "english.yaml",
        "listings.csv",
    ];
    report(dir.path(), "html", "report.html", &args);
    let page = dir.path().join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    let dom = browser.dom(&page, "");
    for heading in [
        "listlint report",
        "Totals",
        "By severity",
        "Findings by listing",
    ] {
        assert!(dom.contains(heading), "{heading}");
    }
    assert!(dom.contains("Showing 1 of 1 findings in 1 listings"));
    assert!(!dom.contains("问题统计"));
    assert_eq!(
        marks(&dom),
        [("en/best".to_owned(), "best ever".to_owned())]
    );
}

#[test]
fn html_report_of_the_fixtures_without_findings_and_as_a_screenshot() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let page = dir.path().join("report.html");
    // Run in the package, so that the page names fixtures/listings.csv.
    let (code, _, stderr) = run(listlint().args([
        "check",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
        "fixtures/listings.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("://"),
        "no address at all in a report of listings without any"
    );
    let (_, stdout, _) =
        run(listlint().args(["check", "--format", "jsonl", "fixtures/listings.csv"]));
    let findings = jsonl(&stdout);
    let dom = browser.dom(&page, "");
    assert_eq!(sorted(marks(&dom)), sorted(located(&findings)));
    assert_nothing_external(&dom);

    let png = dir.path().join("report.png");
    browser.screenshot(&page, &png);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 900));
    if std::env::var_os("LISTLINT_UPDATE_SCREENSHOT").is_some() {
        std::fs::create_dir_all(format!("{root}/docs/img")).unwrap();
        std::fs::copy(&png, format!("{root}/docs/img/report-html.png")).unwrap();
    }

    // No findings: the page says so.
    write(dir.path(), "clean.csv", "id,title\nA,保温杯\n");
    let [a, b, c] = pack_args(dir.path());
    let args = [a, b, c, "clean.csv"];
    assert_eq!(report(dir.path(), "html", "clean.html", &args), 0);
    let dom = browser.dom(&dir.path().join("clean.html"), "");
    assert!(dom.contains("未发现问题。"));
    assert!(dom.contains("0 个问题"));
}

// ------------------------------------------------------------------- xlsx

/// A cell as text (numbers as Excel shows them).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// What a finding's row should hold, as text, in column order.
fn expected_row(f: &serde_json::Value) -> Vec<String> {
    let text = |key: &str| f[key].as_str().unwrap_or("").to_owned();
    let severity = match f["severity"].as_str().unwrap() {
        "error" => "错误",
        "warning" => "警告",
        _ => "提示",
    };
    vec![
        text("file"),
        f["line"].to_string(),
        text("listing_id"),
        text("field"),
        text("text"),
        text("rule"),
        severity.to_owned(),
        text("message"),
        text("suggestion"),
    ]
}

/// A folder with the fixtures' listings and listings whose ids look like
/// numbers.
fn workbook_inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!("{}/fixtures/listings.csv", env!("CARGO_MANIFEST_DIR")),
        dir.path().join("listings.csv"),
    )
    .unwrap();
    write(
        dir.path(),
        "ids.csv",
        "商品ID,商品标题\n00123,全网第一 保温杯\n6901234567890123456,最好的面霜\n1.50,国家级 茶叶\n",
    );
    dir
}

#[test]
fn xlsx_has_a_row_per_json_finding_and_counts_by_rule_and_severity() {
    let dir = workbook_inputs();
    let args = ["--no-collapse", "listings.csv", "ids.csv"];
    let findings = json_findings(dir.path(), &args);
    assert!(findings.len() > 40);
    assert_eq!(report(dir.path(), "xlsx", "report.xlsx", &args), 1);

    let mut book: Xlsx<_> = calamine::open_workbook(dir.path().join("report.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "问题"]);
    let rows = book.worksheet_range("问题").unwrap();
    let rows: Vec<Vec<String>> = rows
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    assert_eq!(rows[0], COLUMNS);
    assert_eq!(rows.len() - 1, findings.len(), "one row per JSON finding");
    for (row, finding) in rows[1..].iter().zip(&findings) {
        assert_eq!(row[..9], expected_row(finding)[..], "{finding}");
    }
    // Ids stay text, digits and all.
    let range = book.worksheet_range("问题").unwrap();
    let ids: Vec<&Data> = range.rows().skip(1).map(|row| &row[2]).collect();
    for id in ["00123", "6901234567890123456", "1.50"] {
        assert!(ids.contains(&&Data::String(id.into())), "{id}: {ids:?}");
    }
    // The legal basis of the rule, from its pack.
    let superlative = rows
        .iter()
        .find(|row| row[5] == "absolute/superlative")
        .unwrap();
    assert!(
        superlative[9].contains("《中华人民共和国广告法》第九条第三项"),
        "{superlative:?}"
    );

    // 汇总: counts per rule and severity, as the JSON findings give them.
    let mut by_rule: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for f in &findings {
        let slot = match f["severity"].as_str().unwrap() {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        by_rule
            .entry(f["rule"].as_str().unwrap().to_owned())
            .or_default()[slot] += 1;
    }
    let summary = book.worksheet_range("汇总").unwrap();
    let summary: Vec<Vec<String>> = summary
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    let header = summary
        .iter()
        .position(|row| row.first().map(String::as_str) == Some("规则"))
        .expect("a rule table");
    assert_eq!(
        summary[header][..6],
        ["规则", "类别", "错误", "警告", "提示", "合计"]
    );
    let mut listed: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for row in &summary[header + 1..] {
        if row[0] == "合计" {
            assert_eq!(row[5], findings.len().to_string());
            break;
        }
        let counts = [2, 3, 4].map(|c| row[c].parse::<u64>().unwrap());
        assert_eq!(row[5].parse::<u64>().unwrap(), counts.iter().sum::<u64>());
        listed.insert(row[0].clone(), counts);
    }
    assert_eq!(listed, by_rule);
    let problems = summary.iter().find(|row| row[0] == "问题").unwrap();
    assert_eq!(problems[1], findings.len().to_string());

    // Frozen header row, an autofilter over every row, set widths.
    let mut zip =
        zip::ZipArchive::new(File::open(dir.path().join("report.xlsx")).unwrap()).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet2.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""));
    assert!(
        sheet.contains(&format!("<autoFilter ref=\"A1:K{}\"/>", findings.len() + 1)),
        "{}",
        &sheet[..sheet.len().min(2000)]
    );
    assert!(sheet.contains("<cols>"));
}

#[test]
fn xlsx_goes_to_a_pipe_but_not_to_a_terminal() {
    let dir = workbook_inputs();
    // A pipe: the workbook's bytes.
    let out = listlint_in(dir.path())
        .args(["check", "--format", "xlsx", "ids.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.starts_with(b"PK\x03\x04"), "a zip package");
    let book = Xlsx::new(std::io::Cursor::new(out.stdout)).unwrap();
    assert_eq!(book.sheet_names(), ["汇总", "问题"]);

    // A terminal: a usage error, and nothing written to it.
    let (master, slave) = pty();
    let out = Command::new(assert_cmd::cargo::cargo_bin("listlint"))
        .current_dir(dir.path())
        .args(["check", "--format", "xlsx", "ids.csv"])
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--format xlsx writes a binary workbook, not text for a terminal")
            && stderr.contains("-o report.xlsx"),
        "{stderr}"
    );
    // Nothing reached the terminal.
    let fd = std::os::fd::AsRawFd::as_raw_fd(&master);
    // SAFETY: `fd` is open, owned by `master`.
    unsafe {
        libc::fcntl(
            fd,
            libc::F_SETFL,
            libc::fcntl(fd, libc::F_GETFL) | libc::O_NONBLOCK,
        )
    };
    let mut terminal = File::from(master);
    let mut shown = [0u8; 64];
    let read = terminal.read(&mut shown).unwrap_or(0);
    assert_eq!(read, 0, "{:?}", &shown[..read]);

    // With -o, a terminal on standard output does not matter.
    let (master2, slave2) = pty();
    let out = Command::new(assert_cmd::cargo::cargo_bin("listlint"))
        .current_dir(dir.path())
        .args(["check", "--format", "xlsx", "-o", "t.xlsx", "ids.csv"])
        .stdout(Stdio::from(slave2))
        .output()
        .unwrap();
    drop(master2);
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::read(dir.path().join("t.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
}

/// A pseudo-terminal: its master and slave ends.
fn pty() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "a pseudo-terminal");
    // SAFETY: both descriptors were just opened and are owned here only.
    unsafe {
        (
            std::os::fd::OwnedFd::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    }
}

// -------------------------------------------------------------------- csv

#[test]
fn csv_is_utf8_with_bom_rfc4180_and_guarded_against_formulas() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "listings.csv",
        "id,title\n\
         \"A,\"\"1\"\"\nB\",最好的杯子\n\
         =SUM(A1),全网第一\n\
         +8613800000000,最佳\n\
         -5,最好\n\
         @cmd,最好\n\
         OK-1,最好\n",
    );
    let [a, b, c] = pack_args(dir.path());
    let args = [a, b, c, "listings.csv"];
    let findings = json_findings(dir.path(), &args);
    assert_eq!(findings.len(), 6);
    report(dir.path(), "csv", "report.csv", &args);
    let bytes = std::fs::read(dir.path().join("report.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF\xE6\x96\x87\xE4\xBB\xB6,"),
        "BOM, then 文件"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(
        text.matches("\r\n").count(),
        findings.len() + 1,
        "CRLF records"
    );
    assert!(text.contains(",\"A,\"\"1\"\"\nB\","), "RFC 4180 quoting");
    for raw in [",=SUM", ",+86", ",-5", ",@cmd"] {
        assert!(!text.contains(raw), "{raw}");
    }

    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), COLUMNS.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(&findings) {
        let expected: Vec<String> = expected_row(finding)
            .into_iter()
            .map(|cell| {
                if cell.starts_with(['=', '+', '-', '@']) {
                    format!("'{cell}")
                } else {
                    cell
                }
            })
            .collect();
        let got: Vec<&str> = row.iter().take(9).collect();
        assert_eq!(got, expected);
        let legal = if &row[5] == "r/superlative" {
            "《中华人民共和国广告法》第九条第三项"
        } else {
            ""
        };
        assert_eq!(&row[9], legal);
    }
    let ids: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert_eq!(
        ids,
        [
            "A,\"1\"\nB",
            "'=SUM(A1)",
            "'+8613800000000",
            "'-5",
            "'@cmd",
            "OK-1"
        ]
    );

    // No findings: the header alone, with its mark.
    write(dir.path(), "clean.csv", "id,title\nA,保温杯\n");
    let (code, stdout, _) =
        run(listlint_in(dir.path()).args(["check", "--format", "csv", a, b, c, "clean.csv"]));
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("\u{feff}{}\r\n", COLUMNS.join(",")));
}

#[test]
fn csv_rows_are_written_while_the_input_is_still_arriving() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("listlint"))
        .args([
            "check",
            "--format",
            "csv",
            "--select",
            "absolute-terms",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..512 {
        writeln!(stdin, r#"{{"id":"S-{i}","title":"最好的保温杯"}}"#).unwrap();
    }
    stdin.flush().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (first_row, first_row_seen) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut report = Vec::new();
        let mut block = [0u8; 8192];
        let mut told = false;
        loop {
            let read = stdout.read(&mut block).unwrap();
            if read == 0 {
                return String::from_utf8(report).unwrap();
            }
            report.extend_from_slice(&block[..read]);
            if !told && String::from_utf8_lossy(&report).contains("S-0,title") {
                told = true;
                let _ = first_row.send(());
            }
        }
    });
    // A bound so that a build that waits for the end of the input fails
    // instead of hanging; not a measure of speed.
    let seen = first_row_seen.recv_timeout(Duration::from_secs(60));
    drop(stdin);
    let status = child.wait().unwrap();
    let report = reader.join().unwrap();
    seen.expect("rows are written before the input ends");
    assert_eq!(status.code(), Some(1));
    assert_eq!(report.matches("\r\n").count(), 513);
}

// ------------------------------------------------------------ the flags

#[test]
fn the_formats_are_in_help_and_completions_and_need_a_temporary_file_where_they_spool() {
    let (code, help, _) = run(listlint().args(["check", "--help"]));
    assert_eq!(code, 0);
    for format in ["html", "xlsx", "csv"] {
        assert!(help.contains(&format!("- {format}:")), "{format} in --help");
    }
    assert!(help.contains("listlint check --format xlsx -o report.xlsx exports/"));
    let (code, bash, _) = run(listlint().args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(bash.contains("human json jsonl sarif github junit html xlsx csv"));

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    for format in ["html", "xlsx"] {
        let (code, stdout, stderr) = run(listlint().env("TMPDIR", &missing).args([
            "check",
            "--format",
            format,
            "-o",
            dir.path().join("out").to_str().unwrap(),
            "fixtures/listings.jsonl",
        ]));
        assert_eq!(code, 2, "{stdout}");
        assert!(
            stderr.contains(&format!(
                "cannot create a temporary file for the {format} report in {}",
                missing.display()
            )) && stderr.contains("TMPDIR"),
            "{format}: {stderr}"
        );
    }
}

#[test]
fn a_report_in_a_checked_folder_is_not_read_back_as_listings() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = pack_args(dir.path());
    std::fs::create_dir(dir.path().join("exports")).unwrap();
    write(
        dir.path(),
        "exports/listings.csv",
        "id,title\nA,最好的杯子\n",
    );
    for (format, name) in [
        ("csv", "exports/report.csv"),
        ("xlsx", "exports/report.xlsx"),
        ("csv", "exports/report.tsv"),
    ] {
        for round in 0..2 {
            let (code, _, stderr) = run(listlint_in(dir.path())
                .args(["check", "--format", format, "-o", name, a, b, c, "exports"]));
            assert_eq!(code, 1, "{name}, run {round}: {stderr}");
            assert_eq!(
                stderr.contains("not checking"),
                round == 1,
                "{name}, run {round}: {stderr}"
            );
        }
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    // A workbook someone else wrote (the same, by another author) is
    // listings: it is not overwritten.
    let listings = std::fs::read(dir.path().join("exports/listings.csv")).unwrap();
    let book = listlint_in(dir.path())
        .args(["check", "--format", "xlsx", a, b, c, "exports/listings.csv"])
        .output()
        .unwrap()
        .stdout;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut other = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name == "docProps/core.xml" {
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replace(
                    "<dc:creator>listlint</dc:creator>",
                    "<dc:creator>运营</dc:creator>",
                )
                .into_bytes();
        }
        other
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        other.write_all(&bytes).unwrap();
    }
    let other = other.finish().unwrap().into_inner();
    std::fs::write(dir.path().join("exports/book.xlsx"), &other).unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "xlsx",
        "-o",
        "exports/book.xlsx",
        a,
        b,
        c,
        "exports",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("a listing file in a checked folder"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("exports/book.xlsx")).unwrap(),
        other
    );
    assert_eq!(
        std::fs::read(dir.path().join("exports/listings.csv")).unwrap(),
        listings
    );
}

#[test]
fn html_report_says_how_many_findings_a_baseline_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = pack_args(dir.path());
    write(dir.path(), "listings.csv", "id,title\nA,最好的杯子\n");
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "check",
        a,
        b,
        c,
        "--write-baseline",
        "baseline.json",
        "listings.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    write(
        dir.path(),
        "listings.csv",
        "id,title\nA,最好的杯子\nB,全网第一\n",
    );
    let args = [a, b, c, "--baseline", "baseline.json", "listings.csv"];
    report(dir.path(), "html", "report.html", &args);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("2 条商品记录，1 个问题"), "{html:.2000}");
    assert!(html.contains("基线中已有、未列出的问题：1 个"));
    assert!(html.contains("r/number-one") && !html.contains("\"r/superlative\""));
}

/// A headed export without a certificate column (its rule collapses to one
/// finding without a listing id) and listings whose certificate rules
/// applied because of a word and a category (findings with a `reason`).
fn collapsed_and_conditional(dir: &Path) -> [&'static str; 2] {
    write(
        dir,
        "shop.csv",
        "商品ID,商品标题\nC-1,保湿面霜 50g\nC-2,最好的保温杯\n",
    );
    write(
        dir,
        "more.jsonl",
        "{\"id\":\"R-1\",\"title\":\"美白精华液 30ml\"}\n{\"id\":\"R-2\",\"category\":\"美妆>面部护肤\",\"title\":\"滋润霜\"}\n",
    );
    ["shop.csv", "more.jsonl"]
}

#[test]
fn every_format_carries_findings_without_a_listing_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let args = collapsed_and_conditional(dir.path());
    let findings = json_findings(dir.path(), &args);
    let rules: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap_or("-"),
                f["rule"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("C-2", "absolute/superlative"),
            ("-", "cert/cosmetics-filing"),
            ("R-1", "cert/special-cosmetics-registration"),
            ("R-2", "cert/cosmetics-filing"),
        ]
    );

    // SARIF: valid, one result each, the collapsed one a note.
    let (_, stdout, _) = run(listlint_in(dir.path())
        .args(["check", "--format", "sarif"])
        .args(args));
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    common::assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    assert_eq!(results[1]["level"], "note");
    assert_eq!(
        results[1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "whole file.cert.cosmetics"
    );

    // JUnit: a case for the file as a whole.
    let (_, stdout, _) = run(listlint_in(dir.path())
        .args(["check", "--format", "junit"])
        .args(args));
    assert!(
        stdout.contains("<testcase name=\"whole file\" classname=\"shop.csv\">"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("<testcase ").count(), 4);

    // GitHub: a notice on the header line.
    let (_, stdout, _) = run(listlint_in(dir.path())
        .args(["check", "--format", "github"])
        .args(args));
    assert!(
        stdout.contains("::notice file=shop.csv,line=1,title=cert/cosmetics-filing::"),
        "{stdout}"
    );

    // CSV and XLSX: a row each, the id empty, the reason in its column.
    let expected_reasons = ["", "", "title「美白」", "category「美妆>面部护肤」"];
    let (_, stdout, _) = run(listlint_in(dir.path())
        .args(["check", "--format", "csv"])
        .args(args));
    let mut reader = csv::Reader::from_reader(stdout.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), findings.len());
    assert_eq!(&rows[1][2], "");
    assert_eq!(&rows[1][5], "cert/cosmetics-filing");
    let reasons: Vec<&str> = rows.iter().map(|r| &r[10]).collect();
    assert_eq!(reasons, expected_reasons);
    report(dir.path(), "xlsx", "report.xlsx", &args);
    let mut book: Xlsx<_> = calamine::open_workbook(dir.path().join("report.xlsx")).unwrap();
    let range = book.worksheet_range("问题").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .skip(1)
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    assert_eq!(rows.len(), findings.len());
    let reasons: Vec<&str> = rows.iter().map(|r| r[10].as_str()).collect();
    assert_eq!(reasons, expected_reasons);
    assert_eq!(rows[1][2], "");
}

#[test]
fn html_report_shows_whole_file_findings_and_reasons_in_chromium() {
    let Some(browser) = Browser::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let args = collapsed_and_conditional(dir.path());
    report(dir.path(), "html", "report.html", &args);
    let dom = browser.dom(&dir.path().join("report.html"), "");
    assert!(dom.contains(">整个文件<"), "{dom}");
    assert!(dom.contains("原因：标题 title 中有「美白」"), "{dom}");
    assert!(
        dom.contains("原因：类目 category 中有「美妆&gt;面部护肤」"),
        "{dom}"
    );
    assert!(
        dom.contains("--map cert.cosmetics="),
        "the collapsed message"
    );
}
