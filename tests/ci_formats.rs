//! `--format sarif`, `github` and `junit` through the binary: SARIF valid
//! against the official 2.1.0 schema, workflow commands as GitHub parses
//! them, JUnit well-formed with the expected counts.

mod common;

use common::{assert_valid_sarif, listlint, run};

fn output(format: &str) -> String {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--as-of",
        "2026-11-27",
        "--format",
        format,
        "fixtures/listings.jsonl",
        "fixtures/bad/malformed.jsonl",
    ]));
    assert_eq!(code, 1, "{stderr}");
    stdout
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let log: serde_json::Value = serde_json::from_str(&output("sarif")).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let superlative = rules
        .iter()
        .find(|r| r["id"] == "absolute/superlative")
        .expect("enabled rules are listed");
    let markdown = superlative["help"]["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("**Legal basis**") && markdown.contains("《中华人民共和国广告法》第九条"),
        "{markdown}"
    );
    let tags: Vec<&str> = superlative["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(tags, ["cn-ad-absolutes", "absolute-terms"]);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(
            r["partialFingerprints"]["listlint/v1"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
    let nested = results
        .iter()
        .find(|r| r["ruleId"] == "absolute/number-one")
        .unwrap();
    assert_eq!(
        nested["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/listings.jsonl"
    );
    assert_eq!(
        nested["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "JX-002.subtitle"
    );
    assert!(
        rules.iter().any(|r| r["id"] == "input/invalid-json"),
        "input rules that fired are described"
    );
}

#[test]
fn github_workflow_commands() {
    let out = output("github");
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        let ok = ["::error file=", "::warning file=", "::notice file="]
            .iter()
            .any(|p| line.starts_with(p));
        assert!(ok, "{line}");
        let (properties, message) = line
            .split_once("::")
            .and_then(|(_, rest)| rest.split_once("::"))
            .unwrap();
        assert!(
            properties.contains(",line=") && properties.contains(",title="),
            "{line}"
        );
        assert!(!message.is_empty());
    }
    let number_one = lines
        .iter()
        .find(|l| l.contains(",title=absolute/number-one::"))
        .expect("absolute/number-one is annotated");
    assert!(
        number_one.starts_with("::error file=fixtures/listings.jsonl,line=2,col="),
        "a located match carries its columns: {number_one}"
    );
    assert!(
        out.contains("::error file=fixtures/bad/malformed.jsonl,line=2,title=input/invalid-json::")
    );
}

#[test]
fn junit_is_well_formed_with_suites_cases_and_failures() {
    let xml = output("junit");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures) = (0, 0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => match e.name().as_ref() {
                "testsuite" => suites += 1,
                "testcase" => cases += 1,
                // Unreadable records are errors, other findings failures.
                "failure" | "error" => failures += 1,
                _ => {}
            },
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(suites, 2, "one suite per file");
    assert!(
        cases >= 5 && failures >= cases,
        "{cases} cases, {failures} failures"
    );
    // `tests` counts the cases: the listings with findings.
    assert!(
        xml.contains(&format!("<testsuites name=\"listlint\" tests=\"{cases}\"")),
        "{}",
        &xml[..200]
    );
}

#[test]
fn sarif_links_builtin_rules_to_the_published_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("listlint.yaml");
    std::fs::write(
        &config,
        "docs_url: https://example.com/listlint/docs/rules\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--as-of",
            "2026-11-27",
            "--format",
            "sarif",
            "--config",
        ])
        .arg(&config)
        .arg("fixtures/listings.jsonl"));
    assert_eq!(code, 1, "{stderr}");
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let superlative = rules
        .iter()
        .find(|r| r["id"] == "absolute/superlative")
        .unwrap();
    assert_eq!(
        superlative["helpUri"],
        "https://example.com/listlint/docs/rules/cn-ad-absolutes.md#absolutesuperlative"
    );
    let page = std::fs::read_to_string("docs/rules/cn-ad-absolutes.md").unwrap();
    assert!(
        page.contains("## absolute/superlative\n"),
        "the anchor exists"
    );
    assert!(
        rules.iter().all(|r| r["helpUri"].as_str().is_some()),
        "every rule of a built-in pack gets a link"
    );
}

#[test]
fn sarif_columns_point_at_the_matched_text_in_the_file() {
    let (code, stdout, stderr) = run(listlint().args([
        "check",
        "--as-of",
        "2026-11-27",
        "--format",
        "sarif",
        "fixtures/listings.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_sarif(&log);
    let file = std::fs::read_to_string("fixtures/listings.csv").unwrap();
    let located = located_columns(&log, &file);
    assert!(located >= 10, "only {located} results have columns");
}

/// A variant's own price is on the variant's row, not on the line where
/// the product starts: SARIF gives it no column rather than a wrong one.
#[test]
fn sarif_columns_of_shopify_variant_prices() {
    let (_, stdout, stderr) = run(listlint().args([
        "check",
        "--profile",
        "shopify",
        "--format",
        "sarif",
        "fixtures/shopify/products.csv",
    ]));
    let log: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    let regions: Vec<(String, Option<u64>)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "pricing/original-not-above-price")
        .map(|r| {
            let location = &r["locations"][0];
            (
                location["logicalLocations"][0]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                location["physicalLocation"]["region"]["startColumn"].as_u64(),
            )
        })
        .collect();
    assert_eq!(regions.len(), 2, "{regions:?}");
    // `cotton-tee,…,CT-M,79,69,`: the first variant's 69, on line 5.
    let file = std::fs::read_to_string("fixtures/shopify/products.csv").unwrap();
    let line5 = file.lines().nth(4).unwrap();
    let column = line5
        .rfind(",69,")
        .map(|b| line5[..b].chars().count() as u64 + 2);
    assert_eq!(regions[0].1, column, "{regions:?}");
    assert_eq!(regions[1].1, None, "{regions:?}");
}

/// The columns of every located SARIF result slice the matched text out of
/// `text` (the input as characters); returns how many were located.
fn located_columns(log: &serde_json::Value, text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut located = 0;
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let Some(start) = region["startColumn"].as_u64() else {
            continue;
        };
        let end = region["endColumn"].as_u64().unwrap();
        let line = lines[region["startLine"].as_u64().unwrap() as usize - 1];
        let shown: String = line
            .chars()
            .skip(start as usize - 1)
            .take((end - start) as usize)
            .collect();
        let message = result["message"]["text"].as_str().unwrap();
        let quoted = message.rsplit('「').next().unwrap().trim_end_matches('」');
        assert_eq!(shown, quoted, "columns of {message}");
        located += 1;
    }
    located
}

/// Columns come from the reader, not from reading the file again: input
/// on standard input (which cannot be read twice) gets them too.
#[test]
fn sarif_columns_for_standard_input() {
    let text = "{\"id\":\"S1\",\"title\":\"全网最好的面霜 最好\",\"description\":\"第一品牌\"}\n\
                {\"id\":\"S2\",\"title\":\"国家级 好货\"}\n";
    let output = listlint()
        .args(["check", "--format", "sarif", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);
    // 最好 twice in one title is still placed: the value is written once.
    assert!(located_columns(&log, text) >= 4, "{log:#}");
}

/// A GB18030 file gets columns in characters of its decoded lines.
#[test]
fn sarif_columns_for_a_gb18030_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "id,title,description\r\nG1,全网最好的面霜,国家级品质\r\nG2,普通毛巾,第一品牌\r\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let path = dir.path().join("gbk.csv");
    std::fs::write(&path, &bytes).unwrap();
    let (_, stdout, stderr) =
        run(listlint().args(["check", "--format", "sarif", path.to_str().unwrap()]));
    let log: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    assert!(located_columns(&log, text) >= 3, "{log:#}");
}

/// Elements of a JSON array written on one line are placed within their
/// own element, even when another element has the same value.
#[test]
fn sarif_columns_for_json_elements_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[{\"id\":\"J1\",\"title\":\"最好的\"},{\"id\":\"J2\",\"title\":\"最好的\"}]\n";
    let path = dir.path().join("one-line.json");
    std::fs::write(&path, text).unwrap();
    let (_, stdout, stderr) =
        run(listlint().args(["check", "--format", "sarif", path.to_str().unwrap()]));
    let log: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    let columns: Vec<u64> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["startColumn"].as_u64())
        .collect();
    assert_eq!(located_columns(&log, text), 2, "{log:#}");
    assert_eq!(columns.len(), 2);
    assert_ne!(columns[0], columns[1]);
}
