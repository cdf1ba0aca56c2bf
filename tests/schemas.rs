//! `listlint schema pack|tests|config`: the JSON Schemas editors use, and
//! every pack, test file and config the project ships or documents checked
//! against them.

mod common;

use std::path::{Path, PathBuf};

use common::{listlint, listlint_in, run};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The schema `listlint schema KIND` prints.
fn schema(kind: &str) -> serde_json::Value {
    let (code, stdout, stderr) = run(listlint().args(["schema", kind]));
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("the schema is JSON")
}

/// A YAML document as JSON, as an editor's YAML extension sees it.
fn yaml_as_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("valid YAML")
}

/// The violations of `instance` against `schema`.
fn violations(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(schema).expect("the schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// The files the schemas are for: shipped packs and their test files,
/// fixture packs and test packs (files with a top-level `pack:` key).
fn pack_and_test_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["rules", "fixtures/packs", "tests/data"] {
        yaml_files(&root().join(dir), &mut files);
    }
    files.retain(|f| {
        let text = std::fs::read_to_string(f).unwrap();
        text.lines()
            .any(|l| l.starts_with("pack:") || l.starts_with("tests:"))
    });
    files.sort();
    files
}

#[test]
fn every_shipped_and_fixture_pack_and_test_file_matches_its_schema() {
    let pack = schema("pack");
    let tests = schema("tests");
    let mut checked = 0;
    for file in pack_and_test_files() {
        let name = file.strip_prefix(root()).unwrap().display().to_string();
        let instance = yaml_as_json(&std::fs::read_to_string(&file).unwrap());
        let errors = if name.ends_with(".test.yaml") {
            violations(&tests, &instance)
        } else {
            violations(&pack, &instance)
        };
        // The first two broken fixtures are broken in ways the schema sees
        // (a misspelt key, a wrong type); the others only compiling finds.
        if name.contains("broken/01-") || name.contains("broken/02-") {
            assert!(!errors.is_empty(), "{name} should not match the schema");
        } else {
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} files checked");
}

#[test]
fn the_misspelt_key_is_named_by_the_schema() {
    let pack = schema("pack");
    let text =
        std::fs::read_to_string(root().join("fixtures/packs/broken/01-unknown-key.yaml")).unwrap();
    let errors = violations(&pack, &yaml_as_json(&text));
    assert!(errors.iter().any(|e| e.contains("severty")), "{errors:#?}");
}

#[test]
fn wrong_keys_are_rejected_in_packs_tests_and_configs() {
    let cases = [
        ("pack", "pack: p\nversion: \"1\"\nrule: []\n", "rule"),
        (
            "pack",
            "pack: p\nversion: \"1\"\nrules:\n  - id: p/a\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [a]\n    when:\n      feild_present: brand\n",
            "feild_present",
        ),
        (
            "pack",
            "pack: p\nversion: \"1\"\nextends: cn-ad-absolutes\noverrides:\n  - rule: absolute/superlative\n    add_term: [x]\n",
            "add_term",
        ),
        ("pack", "pack: p\nversion: \"1\"\nrules:\n  - id: p/a\n    kind: lexicon\n    severity: fatal\n    message: m\n", "fatal"),
        ("tests", "tests:\n  - text: 最好\n    expects: [p/a]\n", "expects"),
        ("config", "fail-on: warning\n", "fail-on"),
        (
            "config",
            "waivers:\n  - rule: absolute/superlative\n    reason: r\n    approved_by: a\n    expires: 2027-01-01\n    listings: A1\n",
            "listings",
        ),
        ("config", "brands:\n  owned: [自然堂]\n", "owned"),
    ];
    for (kind, text, wrong) in cases {
        let errors = violations(&schema(kind), &yaml_as_json(text));
        assert!(
            errors.iter().any(|e| e.contains(wrong)),
            "{kind} with `{wrong}`: {errors:#?}"
        );
    }
}

#[test]
fn the_starter_config_and_documented_examples_match_the_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).arg("init"));
    assert_eq!(code, 0, "{stderr}");
    let starter = std::fs::read_to_string(dir.path().join("listlint.yaml")).unwrap();
    let config = schema("config");
    let pack = schema("pack");
    let tests = schema("tests");
    let errors = violations(&config, &yaml_as_json(&starter));
    assert!(errors.is_empty(), "listlint init: {errors:#?}");
    // Every whole YAML document in the docs: packs (a `pack:` key) and
    // configs (every other block that starts at a config key).
    let keys: Vec<String> = config["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut checked = 0;
    for doc in ["docs/rule-packs.md", "docs/usage.md", "docs/ci.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for block in text.split("```yaml\n").skip(1) {
            let block = block.split("```").next().unwrap();
            // Elided excerpts (`…` for the rest) are not whole files.
            if block.lines().any(|l| l.trim() == "…") {
                continue;
            }
            let first = block
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .unwrap_or("");
            let key = first.split(':').next().unwrap_or("");
            let target = if block.lines().any(|l| l.starts_with("tests:")) {
                &tests
            } else if block.lines().any(|l| l.starts_with("pack:")) {
                // Excerpts of a pack (no `version:`) are not whole files.
                if !block.lines().any(|l| l.starts_with("version:")) {
                    continue;
                }
                &pack
            } else if keys.iter().any(|k| k == key) && !first.starts_with(' ') {
                &config
            } else {
                continue;
            };
            let errors = violations(target, &yaml_as_json(block));
            assert!(errors.is_empty(), "{doc}:\n{block}\n{errors:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} documented examples checked");
}

#[test]
fn the_schemas_in_docs_are_the_ones_the_binary_prints() {
    for kind in ["pack", "tests", "config"] {
        let file = root().join(format!("docs/schemas/{kind}.schema.json"));
        let kept: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(
            kept,
            schema(kind),
            "docs/schemas/{kind}.schema.json is out of date: \
             listlint schema {kind} > docs/schemas/{kind}.schema.json"
        );
    }
}

#[test]
fn an_unknown_schema_is_a_usage_error() {
    let (code, _, stderr) = run(listlint().args(["schema", "packs"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("pack"), "{stderr}");
}
