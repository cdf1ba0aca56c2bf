//! The same listings in every input format give the same findings; catalog
//! folders are walked with their filters; broken files are input findings.

mod common;

use std::path::Path;

use common::{jsonl, listlint, run};

const ROWS: &[(&str, &str, &str)] = &[
    ("F-1", "全网第一 羊毛围巾", "第一时间发货"),
    ("F-2", "纯棉T恤 100%纯棉", "最近上新"),
    ("F-3", "國家級工艺 真丝睡衣", "最 好 的选择"),
];

fn findings(path: &Path) -> Vec<String> {
    let (code, stdout, stderr) = run(listlint()
        .args(["check", "--format", "jsonl", "--select", "absolute-terms"])
        .arg(path));
    assert_eq!(code, 1, "{}: {stderr}", path.display());
    let mut out: Vec<String> = jsonl(&stdout)
        .iter()
        .map(|f| format!("{} {} {}", f["listing_id"], f["field"], f["text"]))
        .collect();
    out.sort();
    out
}

#[test]
fn every_format_gives_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("id,title,subtitle\n");
    let mut lines = String::new();
    let mut array = Vec::new();
    std::fs::create_dir_all(d.join("yaml")).unwrap();
    std::fs::create_dir_all(d.join("md")).unwrap();
    for (id, title, subtitle) in ROWS {
        csv.push_str(&format!("{id},{title},{subtitle}\n"));
        let object = serde_json::json!({"id": id, "title": title, "subtitle": subtitle});
        lines.push_str(&format!("{object}\n"));
        array.push(object);
        std::fs::write(
            d.join("yaml").join(format!("{id}.yaml")),
            format!("id: {id}\ntitle: {title}\nsubtitle: {subtitle}\n"),
        )
        .unwrap();
        std::fs::write(
            d.join("md").join(format!("{id}.md")),
            format!("---\nid: {id}\ntitle: {title}\n---\n{subtitle}\n"),
        )
        .unwrap();
    }
    std::fs::write(d.join("l.tsv"), csv.replace(',', "\t")).unwrap();
    std::fs::write(d.join("l.csv"), &csv).unwrap();
    std::fs::write(d.join("l.jsonl"), &lines).unwrap();
    std::fs::write(
        d.join("l.json"),
        serde_json::to_string_pretty(&array).unwrap(),
    )
    .unwrap();
    let expected = findings(&d.join("l.csv"));
    assert_eq!(expected.len(), 3, "{expected:?}");
    for other in ["l.tsv", "l.jsonl", "l.json", "yaml"] {
        assert_eq!(findings(&d.join(other)), expected, "{other}");
    }
    // Markdown bodies become the description.
    let md: Vec<String> = findings(&d.join("md"))
        .into_iter()
        .map(|f| f.replace("\"description\"", "\"subtitle\""))
        .collect();
    assert_eq!(md, expected);
}

#[test]
fn catalog_folder_walk_filters_and_broken_files() {
    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
        "fixtures/catalog",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 4, "README.md is skipped");
    let findings = doc["findings"].as_array().unwrap();
    let broken = findings
        .iter()
        .find(|f| f["rule"] == "input/invalid-yaml")
        .unwrap();
    assert_eq!(
        (broken["file"].as_str(), broken["line"].as_u64()),
        (Some("fixtures/catalog/apparel/broken.yaml"), Some(2))
    );
    let walnut = findings
        .iter()
        .find(|f| f["listing_id"] == "CAT-002")
        .unwrap();
    assert_eq!(
        (
            walnut["field"].as_str(),
            walnut["text"].as_str(),
            walnut["line"].as_u64()
        ),
        (Some("description"), Some("極品"), Some(2))
    );

    let (_, stdout, _) = run(listlint().args([
        "check",
        "--format",
        "json",
        "--include",
        "nuts/**",
        "--exclude",
        "*.md",
        "fixtures/catalog",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 1);
    let (code, _, stderr) = run(listlint().args(["check", "--include", "[", "fixtures/catalog"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid glob"), "{stderr}");
}

/// A YAML alias bomb in a catalog file stops at the node limit, with a
/// message that says so, instead of expanding to tens of megabytes.
#[test]
fn a_yaml_alias_bomb_in_a_catalog_file_stops_at_the_node_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.yaml");
    let mut text = String::from("a: &a [最好,最好,最好,最好,最好,最好,最好,最好,最好]\n");
    for (name, previous) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d")] {
        let refs = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    text.push_str("title: 普通杯子\ndescription: *e\n");
    std::fs::write(&path, text).unwrap();
    let output = listlint()
        .args(["check", "--format", "jsonl"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("\"rule\":\"input/invalid-yaml\""),
        "{stdout}"
    );
    assert!(stdout.contains("more than 20000 nodes"), "{stdout}");
}
