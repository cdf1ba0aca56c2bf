//! `listlint serve` over HTTP: the real binary on 127.0.0.1 port 0, every
//! route and error path, findings compared with `check --format json`,
//! the LanguageTool API's UTF-16 offsets, responses validated against the
//! OpenAPI document, limits, auth, hot reload, SIGHUP and shutdown.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::http::{encode, eventually, Response, Server};
use common::{listlint_in, run};
use serde_json::{json, Value};

const AS_OF: &str = "2026-12-01";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

// ------------------------------------------------------------- OpenAPI

fn openapi() -> Value {
    serde_json::from_str(listlint_serve::OPENAPI).expect("openapi.json is JSON")
}

/// Fails unless the OpenAPI document has a response for `status` of
/// `method path` and, for JSON, the body validates against its schema.
fn assert_documented(path: &str, method: &str, response: &Response) {
    let doc = openapi();
    // A JSON pointer in a URI fragment: `~` and `/` escaped, then braces
    // percent-encoded.
    let pointer_path = path
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D");
    let method = method.to_ascii_lowercase();
    let status = response.status.to_string();
    let documented = &doc["paths"][path][&method]["responses"][&status];
    assert!(
        documented.is_object(),
        "{method} {path} answered {status}, which openapi.json does not document"
    );
    let media = response
        .header("content-type")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    if !media.ends_with("json") {
        return;
    }
    assert!(
        documented["content"][&media]["schema"].is_object(),
        "{method} {path} {status}: no schema for {media}"
    );
    let mut schema = doc.clone();
    schema["$ref"] = json!(format!(
        "#/paths/{pointer_path}/{method}/responses/{status}/content/{}/schema",
        media.replace('/', "~1")
    ));
    let validator = jsonschema::draft202012::new(&schema).expect("the schemas compile");
    let body = response.json();
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match its schema: {errors:#?}\n{body:#}"
    );
}

#[test]
fn openapi_documents_every_route_and_nothing_else() {
    let doc = openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.to_ascii_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut routes: Vec<(String, String)> = listlint_serve::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    routes.sort();
    assert_eq!(documented, routes);
    // Every route is in the router: none answers 404 or 405.
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    for (method, path) in listlint_serve::ROUTES {
        let path = path.replace("{id}", "absolute/superlative");
        let r = server.request(method, &path, &[], b"");
        assert!(
            r.status != 404 && r.status != 405,
            "{method} {path}: {}",
            r.status
        );
    }
    let r = server.get("/openapi.json");
    assert_eq!(r.json(), doc);
    assert_documented("/openapi.json", "GET", &r);
    let r = server.get("/no/such/route");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("openapi.json"));
}

// ---------------------------------------------------------- /v1/check

/// Listings whose findings cover wording, an emoji before a term, a
/// repeated key, a number where text is expected and an unreadable
/// value.
const LISTINGS: &[&str] = &[
    r#"{"id":"SKU-1","title":"全网最好的蚕丝被 第一时间发货","price":"199"}"#,
    r#"{"id":"SKU-2","title":"😀𠀀国家级最佳 面霜","description":"<p>根治痘痘</p>","category":"美妆/面霜"}"#,
    r#"{"id":"SKU-3","title":"普通T恤","title":"最好的T恤","price":99}"#,
    r#"{"id":"SKU-4","title":["not","text"]}"#,
    r#"{"id":"SKU-5","title":"纯棉毛巾"}"#,
];

/// `check --format json --input-format jsonl <request>` of `lines`, run
/// in a folder without a config.
fn cli_json(lines: &[&str], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "<request>", &(lines.join("\n") + "\n"));
    let (code, stdout, stderr) = run(listlint_in(dir.path())
        .args(["check", "--format", "json", "--input-format", "jsonl"])
        .args(extra)
        .arg("<request>"));
    assert_ne!(code, 2, "{stderr}");
    stdout
}

#[test]
fn check_answers_byte_for_byte_what_check_format_json_writes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--as-of", AS_OF]);
    // A batch.
    let body = format!("{{\"listings\": [{}]}}", LISTINGS.join(",\n"));
    let r = server.post_json("/v1/check", &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_documented("/v1/check", "POST", &r);
    let expected = cli_json(LISTINGS, &["--as-of", AS_OF]);
    assert_eq!(r.text(), expected);
    let rules: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        rules.iter().any(|r| r == "absolute/superlative"),
        "{rules:?}"
    );
    assert!(rules.iter().any(|r| r.starts_with("input/")), "{rules:?}");
    // One listing, as the whole body.
    for listing in LISTINGS {
        let r = server.post_json("/v1/check", listing);
        assert_eq!(r.status, 200);
        assert_eq!(
            r.text(),
            cli_json(&[listing], &["--as-of", AS_OF]),
            "{listing}"
        );
    }
    // Selection and date, in the body and in the query string.
    let body = format!(
        "{{\"listings\": [{}], \"select\": [\"absolute\"], \"as_of\": \"2025-01-02\"}}",
        LISTINGS.join(",")
    );
    let r = server.post_json("/v1/check", &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.text(),
        cli_json(LISTINGS, &["--select", "absolute", "--as-of", "2025-01-02"])
    );
    let r = server.post_json(
        "/v1/check?ignore=absolute/superlative",
        &format!("{{\"listings\": [{}]}}", LISTINGS.join(",")),
    );
    assert_eq!(
        r.text(),
        cli_json(
            LISTINGS,
            &["--ignore", "absolute/superlative", "--as-of", AS_OF]
        )
    );
    assert!(!r.text().contains("\"absolute/superlative\""));
}

#[test]
fn check_rejects_bad_requests_with_a_message_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--max-body", "2K", "--max-listings", "3"]);
    let cases: &[(&str, u16, &str)] = &[
        ("{\"title\": \"最好\"", 400, "EOF while parsing"),
        ("[1, 2]", 400, "not a JSON object"),
        ("", 400, "not a JSON object"),
        (
            "{\"listings\": {\"title\": \"x\"}}",
            400,
            "`listings` must be an array",
        ),
        (
            "{\"listings\": [{\"title\": \"x\"}, 5]}",
            400,
            "listings[1] is not a JSON object",
        ),
        (
            "{\"listings\": [], \"select\": 5}",
            400,
            "`select` must be a string or a list",
        ),
        (
            "{\"listings\": [], \"ignore\": [1]}",
            400,
            "`ignore` must be a string or a list",
        ),
        (
            "{\"listings\": [], \"as_of\": 20260101}",
            400,
            "`as_of` must be a date",
        ),
        (
            "{\"listings\": [], \"as_of\": \"2026-13-01\"}",
            400,
            "is not a date",
        ),
        (
            "{\"listings\": [], \"selct\": \"x\"}",
            400,
            "unknown field `selct`",
        ),
        (
            "{\"listings\": [{}], \"select\": \"absolutely\"}",
            400,
            "matches no loaded rule",
        ),
        ("{\"listings\": [{},{},{},{}]}", 413, "--max-listings"),
    ];
    for (body, status, message) in cases {
        let r = server.post_json("/v1/check", body);
        assert_eq!(r.status, *status, "{body}: {}", r.text());
        let text = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(text.contains(message), "{body}: {text}");
        assert_documented("/v1/check", "POST", &r);
    }
    let r = server.post_json("/v1/check?as_of=tomorrow", "{}");
    assert_eq!(r.status, 400);
    assert!(r.text().contains("is not a date"));
    let r = server.post_json("/v1/check?path=/etc/passwd", "{}");
    assert_eq!(r.status, 400);
    assert!(r.text().contains("unknown field `path`"), "{}", r.text());
    let big = format!("{{\"title\": \"{}\"}}", "好".repeat(1000));
    let r = server.post_json("/v1/check", &big);
    assert_eq!(r.status, 413);
    assert!(r.text().contains("--max-body"));
    assert_documented("/v1/check", "POST", &r);
    let r = server.request("GET", "/v1/check", &[], b"");
    assert_eq!(r.status, 405);
}

// ------------------------------------------------------ /v1/check/file

#[test]
fn check_file_answers_the_report_check_writes_for_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,title,description\nA-1,全网最好的杯子,普通描述\nA-2,纯棉毛巾,国家级 最佳\n";
    write(dir.path(), "导出.csv", csv);
    let server = Server::start(dir.path(), &["--as-of", AS_OF]);
    let r = server.request(
        "POST",
        &format!("/v1/check/file?name={}", encode("导出.csv")),
        &[],
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_documented("/v1/check/file", "POST", &r);
    let (_, expected, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "导出.csv",
    ]));
    assert_eq!(r.text(), expected, "{stderr}");
    // GBK bytes are read as check reads them.
    let gbk: Vec<u8> = encoding_rs::GBK.encode(csv).0.into_owned();
    let r = server.request(
        "POST",
        "/v1/check/file?format=csv&name=%E5%AF%BC%E5%87%BA.csv",
        &[],
        &gbk,
    );
    assert_eq!(r.text(), expected);
    // Other reports.
    let r = server.request(
        "POST",
        "/v1/check/file?format=csv&output=xlsx",
        &[],
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(b"PK"), "not a zip");
    assert!(r.header("content-type").unwrap().contains("spreadsheetml"));
    let r = server.request(
        "POST",
        "/v1/check/file?format=csv&output=html",
        &[],
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("data-rule") || r.text().contains("absolute/superlative"));
    let r = server.request(
        "POST",
        "/v1/check/file?format=csv&output=sarif",
        &[],
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200);
    common::assert_valid_sarif(&r.json());
    // A workbook: findings name its sheets, under the upload's name.
    let book =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xlsx/listings.xlsx"))
            .unwrap();
    std::fs::write(dir.path().join("商品.xlsx"), &book).unwrap();
    let r = server.request(
        "POST",
        &format!("/v1/check/file?name={}", encode("商品.xlsx")),
        &[],
        &book,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let (_, expected, _) = run(listlint_in(dir.path()).args([
        "check",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "商品.xlsx",
    ]));
    assert_eq!(r.text(), expected);
    assert!(r.text().contains("\"file\": \"商品.xlsx#"), "{}", r.text());
    let jsonl = "{\"id\":\"J\",\"title\":\"最好\"}\n";
    let r = server.request("POST", "/v1/check/file?format=jsonl", &[], jsonl.as_bytes());
    assert_eq!(r.json()["findings"][0]["file"], "upload.jsonl");
    // Errors.
    for (query, message) in [
        ("", "`format` is required"),
        ("?format=exe", "not an input format"),
        ("?format=csv&output=pdf", "not a report format"),
        ("?format=csv&profile=amazon", "not a profile"),
        ("?format=csv&fix=yes", "query string"),
        (
            "?format=csv&fix=true&output=html",
            "leave out `output=html`",
        ),
        (
            "?format=csv&unsafe_fixes=true",
            "`unsafe_fixes` goes with `fix=true`",
        ),
    ] {
        let r = server.request(
            "POST",
            &format!("/v1/check/file{query}"),
            &[],
            csv.as_bytes(),
        );
        assert_eq!(r.status, 400, "{query}");
        assert!(r.text().contains(message), "{query}: {}", r.text());
        assert_documented("/v1/check/file", "POST", &r);
    }
}

/// A pack with a safe and an unsafe suggestion.
const FIX_PACK: &str = r#"pack: fixserve
version: "1"
category: wording
rules:
  - id: fix/ace
    kind: lexicon
    severity: error
    message: "「{term}」"
    terms: [王牌, 首选]
    suggest: {王牌: 主打, 首选: 推荐}
  - id: fix/cut
    kind: lexicon
    severity: warning
    message: "「{term}」"
    terms: [特供]
    suggest: {特供: 专供}
    fix: unsafe
"#;

#[test]
fn check_file_with_fix_answers_the_file_check_fix_to_writes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pack.yaml", FIX_PACK);
    let pack_args = ["--no-default-rules", "--rules", "pack.yaml"];
    let server = Server::start(dir.path(), &pack_args);
    // Quoted fields, a CRLF line and a row with nothing to fix stay as
    // they are.
    let csv = "id,title,description\r\nA-1,\"王牌 保温杯, 特供\",首选好物\nA-2,普通毛巾,纯棉\n";
    let name = "导出.csv";
    write(dir.path(), name, csv);
    let cli_fixed_file = |file: &str, extra: &[&str]| -> Vec<u8> {
        let out = tempfile::tempdir().unwrap();
        let mut cmd = listlint_in(dir.path());
        cmd.args(["check", "--format", "json"])
            .args(pack_args)
            .args(extra)
            .arg("--fix-to")
            .arg(out.path())
            .arg(file);
        let (code, _, stderr) = run(&mut cmd);
        assert!(code == 0 || code == 1, "{stderr}");
        std::fs::read(out.path().join(file)).unwrap()
    };
    let cli_fixed = |extra: &[&str]| cli_fixed_file(name, extra);
    let upload = |query: &str, body: &[u8]| {
        server.request(
            "POST",
            &format!("/v1/check/file?name={}{query}", encode(name)),
            &[],
            body,
        )
    };
    // Safe fixes only.
    let r = upload("&fix=true", csv.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_documented("/v1/check/file", "POST", &r);
    assert_eq!(
        r.text(),
        "id,title,description\r\nA-1,\"主打 保温杯, 特供\",推荐好物\nA-2,普通毛巾,纯棉\n"
    );
    assert_eq!(r.body, cli_fixed(&[]));
    assert_eq!(r.header("x-listlint-fixes-applied"), Some("2"));
    assert_eq!(r.header("x-listlint-fixes-skipped"), Some("1"));
    assert_eq!(r.header("x-listlint-fixes-unsafe"), Some("1"));
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("filename*=UTF-8''%E5%AF%BC%E5%87%BA.csv"),
        "{:?}",
        r.header("content-disposition")
    );
    // And the unsafe one.
    let r = upload("&fix=true&unsafe_fixes=true", csv.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("\"主打 保温杯, 专供\""), "{}", r.text());
    assert_eq!(r.body, cli_fixed(&["--unsafe-fixes"]));
    assert_eq!(r.header("x-listlint-fixes-applied"), Some("3"));
    assert_eq!(r.header("x-listlint-fixes-skipped"), Some("0"));
    // GBK bytes stay GBK, as the command line writes them.
    let gbk: Vec<u8> = encoding_rs::GBK.encode(csv).0.into_owned();
    std::fs::write(dir.path().join(name), &gbk).unwrap();
    let r = upload("&fix=true", &gbk);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, cli_fixed(&[]));
    assert_eq!(
        encoding_rs::GBK.decode(&r.body).0,
        "id,title,description\r\nA-1,\"主打 保温杯, 特供\",推荐好物\nA-2,普通毛巾,纯棉\n"
    );
    // A workbook is fixed in its cells, as the command line fixes it.
    {
        use rust_xlsxwriter::Workbook;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("商品").unwrap();
        for (row, cells) in [["商品ID", "标题"], ["X-1", "王牌精华"], ["X-2", "普通面霜"]]
            .iter()
            .enumerate()
        {
            for (col, text) in cells.iter().enumerate() {
                sheet.write_string(row as u32, col as u16, *text).unwrap();
            }
        }
        book.save(dir.path().join("商品.xlsx")).unwrap();
    }
    let book = std::fs::read(dir.path().join("商品.xlsx")).unwrap();
    let r = server.request("POST", "/v1/check/file?format=xlsx&fix=true", &[], &book);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-listlint-fixes-applied"), Some("1"));
    assert_ne!(r.body, book);
    assert_eq!(r.body, cli_fixed_file("商品.xlsx", &[]));
    // Nothing to fix: the bytes as uploaded.
    let plain = "id,title\nB-1,普通毛巾\n";
    let r = server.request(
        "POST",
        "/v1/check/file?format=csv&fix=true",
        &[],
        plain.as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), plain);
    assert_eq!(r.header("x-listlint-fixes-applied"), Some("0"));
    // Bytes that would not be written back as they were: 422, nothing
    // half fixed.
    let mut broken = encoding_rs::GBK
        .encode("id,title\nC-1,王牌毛巾\n")
        .0
        .into_owned();
    broken.extend_from_slice(b"C-2,\xff\n");
    let r = server.request("POST", "/v1/check/file?format=csv&fix=true", &[], &broken);
    assert_eq!(r.status, 422, "{}", r.text());
    assert_documented("/v1/check/file", "POST", &r);
    assert!(r.text().contains("cannot be fixed"), "{}", r.text());
}

#[test]
fn uploads_are_matched_by_per_path_ignores_under_their_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "listlint.yaml",
        "per_path_ignores:\n  \"草稿*.csv\": [absolute/superlative]\n",
    );
    let csv = "id,title\nA-1,全网最好的杯子\n";
    let server = Server::start(dir.path(), &["--config", "listlint.yaml", "--as-of", AS_OF]);
    let rules = |name: &str| -> Vec<String> {
        let r = server.request(
            "POST",
            &format!("/v1/check/file?name={}", encode(name)),
            &[],
            csv.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        write(dir.path(), name, csv);
        let (_, expected, stderr) = run(listlint_in(dir.path()).args([
            "check",
            "--format",
            "json",
            "--config",
            "listlint.yaml",
            "--as-of",
            AS_OF,
            name,
        ]));
        assert_eq!(r.text(), expected, "{name}: {stderr}");
        r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!rules("草稿1.csv").contains(&"absolute/superlative".to_owned()));
    assert!(rules("商品.csv").contains(&"absolute/superlative".to_owned()));
}

// ----------------------------------------------------------- /v1/rules

#[test]
fn rules_are_what_rules_list_and_explain_describe() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let r = server.get("/v1/rules");
    assert_eq!(r.status, 200);
    assert_documented("/v1/rules", "GET", &r);
    let (_, listed, _) = run(listlint_in(dir.path()).args(["rules", "list", "--format", "json"]));
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(r.json(), listed);
    let r = server.get("/v1/rules/absolute/superlative");
    assert_eq!(r.status, 200);
    assert_documented("/v1/rules/{id}", "GET", &r);
    let rule = r.json();
    assert_eq!(rule["id"], "absolute/superlative");
    assert!(rule["source"]
        .as_str()
        .unwrap()
        .starts_with("rules/cn-ad-absolutes.yaml:"));
    let (_, explained, _) = run(listlint_in(dir.path()).args(["explain", "absolute/superlative"]));
    assert!(explained.contains(rule["message"].as_str().unwrap()));
    let terms = rule["definition"]["terms"].as_array().unwrap();
    assert!(terms.iter().any(|t| t == "最佳"), "{terms:?}");
    // Percent-encoded slashes name the same rule.
    assert_eq!(server.get("/v1/rules/absolute%2Fsuperlative").json(), rule);
    let r = server.get("/v1/rules/absolute/superlativ");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("did you mean `absolute/superlative`"));
    assert_documented("/v1/rules/{id}", "GET", &r);
}

// ----------------------------------------------------------- /v2/check

/// The UTF-16 code units of `text` from `offset`, `length` long.
fn utf16_slice(text: &str, offset: usize, length: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[offset..offset + length]).unwrap()
}

#[test]
fn languagetool_check_counts_offsets_in_utf16_code_units() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    // Emoji and a CJK Extension B character (both outside the BMP) before
    // and between the terms.
    let text = "👍🏽𠀀𠀁全网最好的面霜，🎉😀 国家级最佳\n第二行 👨‍👩‍👧 最好";
    let form = format!("language=zh-CN&text={}", encode(text));
    let r = server.request(
        "POST",
        "/v2/check",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_documented("/v2/check", "POST", &r);
    let body = r.json();
    let matches = body["matches"].as_array().unwrap();
    let found: Vec<(String, String)> = matches
        .iter()
        .map(|m| {
            let offset = m["offset"].as_u64().unwrap() as usize;
            let length = m["length"].as_u64().unwrap() as usize;
            (
                utf16_slice(text, offset, length),
                m["rule"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for term in ["全网最", "国家级", "最佳"] {
        assert!(
            found.iter().any(|(t, _)| t == term),
            "{term} not found at its UTF-16 offset: {found:?}"
        );
    }
    assert_eq!(found.last().unwrap().0, "最好", "{found:?}");
    // One match per span, although title and description both hold it.
    let mut spans: Vec<_> = matches
        .iter()
        .map(|m| (m["offset"].clone(), m["rule"]["id"].clone()))
        .collect();
    let all = spans.len();
    spans.dedup();
    assert_eq!(spans.len(), all);
    // Context offsets are UTF-16 too, and replacements are `{value}`.
    for m in matches {
        let context = m["context"]["text"].as_str().unwrap();
        let at = m["context"]["offset"].as_u64().unwrap() as usize;
        let len = m["context"]["length"].as_u64().unwrap() as usize;
        let offset = m["offset"].as_u64().unwrap() as usize;
        assert_eq!(
            utf16_slice(context, at, len),
            utf16_slice(text, offset, len)
        );
        assert_eq!(m["rule"]["issueType"], "legal");
    }
    let best = matches
        .iter()
        .find(|m| utf16_slice(text, m["offset"].as_u64().unwrap() as usize, 2) == "最佳")
        .unwrap();
    assert_eq!(best["replacements"][0]["value"], "优选");
    // JSON bodies, rule filters, annotated text.
    let r = server.post_json(
        "/v2/check",
        &json!({"text": text, "language": "auto", "disabledRules": "absolute/superlative,WHITESPACE_RULE"}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let ids: Vec<Value> = r.json()["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rule"]["id"].clone())
        .collect();
    assert!(!ids.contains(&json!("absolute/superlative")), "{ids:?}");
    assert!(!ids.is_empty());
    let r = server.post_json(
        "/v2/check",
        &json!({"text": text, "language": "zh", "enabledRules": "absolute/superlative", "enabledOnly": "true"}).to_string(),
    );
    let ids: Vec<Value> = r.json()["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rule"]["id"].clone())
        .collect();
    assert!(
        !ids.is_empty() && ids.iter().all(|i| i == "absolute/superlative"),
        "{ids:?}"
    );
    let data = json!({"annotation": [{"text": "🎉"}, {"markup": "<b>"}, {"text": "最佳"}, {"markup": "</b>"}]});
    let r = server.request(
        "POST",
        "/v2/check",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("language=zh-CN&data={}", encode(&data.to_string())).as_bytes(),
    );
    let m = &r.json()["matches"][0];
    assert_eq!(
        (m["offset"].as_u64(), m["length"].as_u64()),
        (Some(5), Some(2)),
        "{m}"
    );
    // Errors.
    for (body, message) in [
        ("text=x".to_owned(), "missing `language`"),
        ("language=en-US&text=x".to_owned(), "not supported"),
        ("language=zh-CN".to_owned(), "missing `text`"),
        ("language=zh-CN&data=%7B".to_owned(), "`data`"),
    ] {
        let r = server.request(
            "POST",
            "/v2/check",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 400, "{body}");
        assert!(r.text().contains(message), "{body}: {}", r.text());
        assert_documented("/v2/check", "POST", &r);
    }
    let r = server.get("/v2/languages");
    assert_documented("/v2/languages", "GET", &r);
    assert_eq!(r.json()[0]["longCode"], "zh-CN");
}

// ------------------------------------------------- health, metrics, log

#[test]
fn healthz_metrics_and_the_access_log() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let r = server.get("/healthz");
    assert_documented("/healthz", "GET", &r);
    let health = r.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["fingerprint"].as_str().unwrap().len(), 16);
    assert!(health["packs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "cn-ad-absolutes"));
    let r = server.request(
        "POST",
        "/v1/check",
        &[("X-Request-Id", "erp-42")],
        "{\"title\":\"最好的杯子\"}".as_bytes(),
    );
    assert_eq!(r.header("x-request-id"), Some("erp-42"));
    server.post_json("/v1/check", "{");
    let r = server.get("/metrics");
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let text = r.text();
    for line in [
        "listlint_http_requests_total{route=\"/v1/check\",status=\"200\"} 1",
        "listlint_http_requests_total{route=\"/v1/check\",status=\"400\"} 1",
        "listlint_http_requests_total{route=\"/healthz\",status=\"200\"} 1",
        "listlint_findings_total{rule=\"absolute/superlative\"} 1",
        "listlint_http_request_duration_seconds_count{route=\"/v1/check\"} 2",
        "listlint_reloads_total 0",
        "listlint_reload_failures_total 0",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    let log = server.log();
    let line = log
        .iter()
        .find(|l| l.contains("erp-42"))
        .expect("an access-log line with the request id");
    let entry: Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["route"], "/v1/check");
    assert!(entry["ms"].is_number());
}

// ------------------------------------------------------- auth, limits

#[test]
fn non_loopback_addresses_need_a_token_compared_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["serve", "--addr", "0.0.0.0:0"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("not a loopback address"), "{stderr}");
    write(dir.path(), "short", "abc\n");
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "serve",
        "--addr",
        "0.0.0.0:0",
        "--token-file",
        "short",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("at least 16 characters"), "{stderr}");
    let token = "0123456789abcdef0123456789abcdef";
    write(dir.path(), "token", &format!("{token}\n"));
    let server = Server::start_at(dir.path(), "0.0.0.0:0", &["--token-file", "token"]);
    let body = "{\"title\":\"最好\"}".as_bytes();
    let r = server.request("POST", "/v1/check", &[], body);
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_documented("/v1/check", "POST", &r);
    let wrong = format!("Bearer {}", &token[..31]);
    let r = server.request("POST", "/v1/check", &[("Authorization", &wrong)], body);
    assert_eq!(r.status, 401);
    let r = server.request("GET", "/healthz", &[], b"");
    assert_eq!(r.status, 401);
    let right = format!("Bearer {token}");
    let r = server.request("POST", "/v1/check", &[("Authorization", &right)], body);
    assert_eq!(r.status, 200);
    // The page loads without it (and asks for it).
    assert_eq!(server.get("/").status, 200);
    assert_eq!(server.get("/assets/app.js").status, 200);
}

/// A CSV of `rows` listings, each with wording to report.
fn big_csv(rows: usize) -> String {
    let mut csv = String::from("id,title,description\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "SKU-{i},全网最好的蚕丝被 国家级 第{i}号,天然无添加 根治失眠 最佳选择 {i}\n"
        ));
    }
    csv
}

#[test]
fn timeout_and_concurrency_limits_answer_504_and_503() {
    let dir = tempfile::tempdir().unwrap();
    let csv = big_csv(8_000);
    let server = Server::start(dir.path(), &["--timeout", "0.05", "--max-body", "64M"]);
    let r = server.request("POST", "/v1/check/file?format=csv", &[], csv.as_bytes());
    assert_eq!(r.status, 504, "{}", r.text());
    assert!(r.text().contains("--timeout"));
    assert_documented("/v1/check/file", "POST", &r);
    drop(server);

    let server = Server::start(
        dir.path(),
        &[
            "--max-concurrent",
            "1",
            "--max-body",
            "64M",
            "--timeout",
            "600",
        ],
    );
    let addr = server.addr.clone();
    let slow = std::thread::spawn(move || {
        common::http::request(
            &addr,
            "POST",
            "/v1/check/file?format=csv",
            &[],
            csv.as_bytes(),
        )
    });
    // The slow request holds the one permit once its line is logged as
    // started; probe until a request is refused.
    // Give the upload a head start, so the probes do not take the permit
    // before it.
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let refused = loop {
        if slow.is_finished() {
            let r = slow.join().unwrap();
            panic!("the slow request finished first: {} {}", r.status, r.text());
        }
        let r = server.post_json("/v1/check", "{\"title\":\"x\"}");
        if r.status == 503 {
            break r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no request refused"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert!(refused.text().contains("--max-concurrent"));
    assert_documented("/v1/check", "POST", &refused);
    // Health checks are not counted.
    assert_eq!(server.get("/healthz").status, 200);
    let slow = slow.join().unwrap();
    assert_eq!(slow.status, 200);
    assert_eq!(slow.json()["summary"]["listings"], 8_000);
    assert_eq!(
        server.post_json("/v1/check", "{\"title\":\"x\"}").status,
        200
    );
}

// -------------------------------------------------- reload, shutdown

const PACK: &str = "pack: acme\nversion: \"1\"\ncategory: company\nrules:\n  - id: acme/discount-wording\n    kind: lexicon\n    severity: warning\n    message: \"「{term}」 is not our wording\"\n    terms: [跳楼价]\n";

fn rules_of(r: &Response) -> Vec<String> {
    r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["rule"].as_str().unwrap(),
                f["text"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn packs_reload_when_changed_and_a_broken_pack_keeps_the_old_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("packs")).unwrap();
    write(&dir.path().join("packs"), "acme.yaml", PACK);
    let server = Server::start(
        dir.path(),
        &[
            "--no-default-rules",
            "--rules",
            "packs",
            "--reload-interval",
            "0.1",
        ],
    );
    let listing = "{\"title\":\"跳楼价 清仓价\"}";
    assert_eq!(
        rules_of(&server.post_json("/v1/check", listing)),
        ["acme/discount-wording:跳楼价"]
    );
    let before = server.get("/healthz").json()["fingerprint"].clone();
    // A reviewer adds a term.
    write(
        &dir.path().join("packs"),
        "acme.yaml",
        &PACK.replace("[跳楼价]", "[跳楼价, 清仓价]"),
    );
    eventually(Duration::from_secs(20), "the new term fires", || {
        rules_of(&server.post_json("/v1/check", listing)).len() == 2
    });
    let health = server.get("/healthz").json();
    assert_ne!(health["fingerprint"], before);
    assert_eq!(health["reloads"], 1);
    // A broken pack: the old rules keep serving, /healthz says where.
    write(
        &dir.path().join("packs"),
        "acme.yaml",
        &PACK
            .replace("[跳楼价]", "[跳楼价, 清仓价, 甩卖价]")
            .replace("severity: warning", "severity: warnin"),
    );
    eventually(
        Duration::from_secs(20),
        "the reload error is reported",
        || server.get("/healthz").json()["status"] == "degraded",
    );
    let r = server.get("/healthz");
    assert_documented("/healthz", "GET", &r);
    let error = &r.json()["last_reload_error"];
    let locations: Vec<&str> = error["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        locations
            .iter()
            .any(|l| l.starts_with("packs/acme.yaml:7:15")),
        "{error:#}"
    );
    assert_eq!(
        rules_of(&server.post_json("/v1/check", "{\"title\":\"跳楼价 清仓价 甩卖价\"}")),
        [
            "acme/discount-wording:跳楼价",
            "acme/discount-wording:清仓价"
        ]
    );
    assert!(server
        .get("/metrics")
        .text()
        .contains("listlint_reload_failures_total 1"));
    // Fixed: served, and the error cleared.
    write(
        &dir.path().join("packs"),
        "acme.yaml",
        &PACK.replace("[跳楼价]", "[跳楼价, 清仓价, 甩卖价]"),
    );
    eventually(Duration::from_secs(20), "the fixed pack is served", || {
        server.get("/healthz").json()["status"] == "ok"
    });
    assert_eq!(
        rules_of(&server.post_json("/v1/check", "{\"title\":\"甩卖价\"}")).len(),
        1
    );
    assert!(server
        .log()
        .iter()
        .any(|l| l.contains("\"event\":\"reload\"") && l.contains("\"ok\":false")));
}

#[test]
fn sighup_reloads_and_sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme.yaml", PACK);
    let mut server = Server::start(
        dir.path(),
        &[
            "--rules",
            "acme.yaml",
            "--reload-interval",
            "0",
            "--max-body",
            "64M",
            "--max-concurrent",
            "1",
            "--timeout",
            "600",
        ],
    );
    write(
        dir.path(),
        "acme.yaml",
        &PACK.replace("[跳楼价]", "[跳楼价, 清仓价]"),
    );
    std::thread::sleep(Duration::from_millis(1500));
    let listing = "{\"title\":\"清仓价\"}";
    assert!(
        rules_of(&server.post_json("/v1/check", listing)).is_empty(),
        "reloaded without SIGHUP although --reload-interval is 0"
    );
    server.signal(libc::SIGHUP);
    eventually(Duration::from_secs(20), "SIGHUP reloads", || {
        rules_of(&server.post_json("/v1/check", listing)) == ["acme/discount-wording:清仓价"]
    });
    // SIGTERM while a long check runs: it is answered, then the server
    // exits 0.
    let csv = big_csv(8_000);
    let addr = server.addr.clone();
    let slow = std::thread::spawn(move || {
        common::http::request(
            &addr,
            "POST",
            "/v1/check/file?format=csv",
            &[],
            csv.as_bytes(),
        )
    });
    // With one permit, a refused probe means the upload holds it (after a
    // head start, so that the probes do not take it first).
    std::thread::sleep(Duration::from_millis(300));
    eventually(Duration::from_secs(30), "the upload is in flight", || {
        server.post_json("/v1/check", listing).status == 503
    });
    server.signal(libc::SIGTERM);
    let answered = slow.join().unwrap();
    assert_eq!(answered.status, 200);
    assert_eq!(answered.json()["summary"]["listings"], 8_000);
    let status = server.wait(Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "{:?}", server.log());
    assert!(server
        .log()
        .iter()
        .any(|l| l.contains("\"event\":\"shutdown\"")));
}

// ------------------------------------------------------------- browser

/// Headless Chromium, or `None` (and a loud message) when there is none
/// and none is required (see tests/report_formats.rs).
fn chromium() -> Option<PathBuf> {
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
    match names.into_iter().find(|p| p.is_file()) {
        Some(p) => Some(p),
        None if std::env::var_os("LISTLINT_REQUIRE_CHROMIUM").is_some() => {
            panic!("LISTLINT_REQUIRE_CHROMIUM is set but no chromium was found (apt-get install chromium fonts-noto-cjk)")
        }
        None => {
            use std::io::Write;
            let _ = std::io::stderr().write_all(
                b"\n\n!!!!!!!! SKIPPED: the serve page's browser test needs chromium \
                  (apt-get install chromium fonts-noto-cjk); set LISTLINT_REQUIRE_CHROMIUM=1 \
                  to make its absence a failure !!!!!!!!\n\n",
            );
            None
        }
    }
}

/// Runs chromium headless on `url` with `args`, its own fresh profile;
/// returns its standard output.
fn browse(binary: &Path, url: &str, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut out = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "chromium failed: {status}");
    out
}

#[test]
fn the_page_highlights_a_banned_term_of_a_prefilled_link_in_chromium() {
    let Some(binary) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let title = "全网最好的蚕丝被 国家级品质";
    let url = format!(
        "http://{}/?title={}&description={}",
        server.addr,
        encode(title),
        encode("<b>根治失眠</b> 😀最佳睡眠")
    );
    let dom = browse(&binary, &url, &["--dump-dom".to_owned()]);
    let mark =
        regex::Regex::new(r#"<mark class="sev-(\w+)" data-rule="([^"]+)"[^>]*>([^<]*)</mark>"#)
            .unwrap();
    let marks: Vec<(String, String)> = mark
        .captures_iter(&dom)
        .map(|c| (c[2].to_owned(), c[3].to_owned()))
        .collect();
    assert!(
        marks.contains(&("absolute/superlative".to_owned(), "全网最".to_owned())),
        "{marks:?}\n{dom}"
    );
    assert!(marks.iter().any(|(_, t)| t == "最佳"), "{marks:?}");
    // Markup in the description is text, never markup of the page.
    assert!(!dom.contains("<b>根治"), "{dom}");
    assert!(dom.contains("采用建议"), "{dom}");
    // The upload box offers the corrected file.
    assert!(
        dom.contains(r#"<option value="fix">下载修正后的文件</option>"#),
        "{dom}"
    );
    assert!(dom.contains("lang=\"zh-CN\""));
    if std::env::var_os("LISTLINT_UPDATE_SCREENSHOT").is_some() {
        let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/img/serve.png");
        browse(
            &binary,
            &url,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1280,900".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
        );
        assert!(png.exists());
    }
}

#[test]
fn extends_reads_no_pack_file_outside_the_pack_roots() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("packs")).unwrap();
    std::fs::create_dir(dir.path().join("outside")).unwrap();
    write(&dir.path().join("outside"), "base.yaml", PACK);
    write(
        &dir.path().join("packs"),
        "team.yaml",
        "pack: team\nversion: \"1\"\nextends: ../outside/base.yaml\nrules: []\n",
    );
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--no-default-rules",
        "--rules",
        "packs",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot load the rule packs"), "{stderr}");
    assert!(stderr.contains("outside"), "{stderr}");
}
