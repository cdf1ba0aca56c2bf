//! Helpers shared by the integration tests.

#![allow(dead_code)]

use assert_cmd::Command;

/// The listlint binary, run from the package root, without colours.
pub fn listlint() -> Command {
    let mut cmd = Command::cargo_bin("listlint").expect("binary builds");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// The listlint binary run in `dir` (a pack folder made by a test).
pub fn listlint_in(dir: &std::path::Path) -> Command {
    let mut cmd = listlint();
    cmd.current_dir(dir);
    cmd
}

/// `check` with only the test pack loaded.
pub fn check_with_test_pack() -> Command {
    let mut cmd = listlint();
    cmd.args([
        "check",
        "--no-default-rules",
        "--rules",
        "tests/data/test-pack.yaml",
    ]);
    cmd
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// Parses JSON Lines output.
pub fn jsonl(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// `(listing_id, rule)` of each finding, in output order.
pub fn listing_rules(findings: &[serde_json::Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap_or("-").to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Owned pairs from string pairs, for comparing with [`listing_rules`].
pub fn owned_pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Fails with every violation when `log` is not valid SARIF 2.1.0 (the
/// official schema, kept in `tests/data/sarif`).
pub fn assert_valid_sarif(log: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sarif/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// `(line, listing_id, rule)` of every finding of a run with the wording
/// and input rules, and its exit code.
pub fn line_rules(path: &std::path::Path, extra: &[&str]) -> (i32, Vec<(u64, String, String)>) {
    let (code, stdout, stderr) = run(listlint()
        .args([
            "check",
            "--format",
            "jsonl",
            "--select",
            "absolute-terms,input",
        ])
        .args(extra)
        .arg(path));
    assert_ne!(code, 2, "{stderr}");
    let found = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["listing_id"].as_str().unwrap_or("-").to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, found)
}

/// The default packs, compiled once per test binary.
pub fn default_ruleset() -> &'static listlint_core::engine::Ruleset {
    static RULESET: std::sync::OnceLock<listlint_core::engine::Ruleset> =
        std::sync::OnceLock::new();
    RULESET.get_or_init(|| {
        let packs: Vec<_> = listlint_core::pack::builtin_sources()
            .into_iter()
            .map(|s| listlint_core::pack::parse_pack(s).expect("built-in pack parses"))
            .collect();
        listlint_core::engine::compile(&packs, &listlint_core::engine::RuleFilter::default())
            .expect("built-in packs compile")
    })
}
pub mod http;
