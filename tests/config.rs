//! `listlint.yaml` and waivers through the binary.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{jsonl, run};

const LISTINGS: &str = "id,title\nA,全网第一 保温杯\nB,最好用的吸尘器\nC,开光 貔貅\n";

fn listlint_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("listlint").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn setup(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("exports/drafts")).unwrap();
    std::fs::write(dir.path().join("exports/listings.csv"), LISTINGS).unwrap();
    std::fs::write(dir.path().join("exports/drafts/d.csv"), LISTINGS).unwrap();
    std::fs::write(dir.path().join("listlint.yaml"), config).unwrap();
    dir
}

fn rules_found(dir: &Path, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let (code, stdout, stderr) = run(listlint_in(&dir.join("exports"))
        .args(["check", "--format", "jsonl", "--as-of", "2026-11-27"])
        .args(args)
        .arg("."));
    assert_ne!(code, 2, "{stderr}");
    let found = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                format!(
                    "{}:{}",
                    f["file"].as_str().unwrap(),
                    f["listing_id"].as_str().unwrap_or("-")
                ),
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                ),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn config_found_upwards_selects_overrides_and_ignores_by_path() {
    let dir = setup(
        "select: [absolute-terms, claims]\ndisable: [claims/superstition]\nseverity:\n  absolute/superlative: warning\nper_path_ignores:\n  \"**/drafts/**\": [absolute-terms]\nfail_on: warning\n",
    );
    let (code, found) = rules_found(dir.path(), &[]);
    assert_eq!(code, 1, "fail_on: warning from the config");
    assert_eq!(
        found,
        [
            (
                "./listings.csv:A".to_owned(),
                "absolute/number-one error".to_owned()
            ),
            (
                "./listings.csv:B".to_owned(),
                "absolute/superlative warning".to_owned()
            ),
        ]
    );
    // Flags override the file.
    let (code, found) = rules_found(dir.path(), &["--select", "claims", "--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(
        found.is_empty(),
        "claims/superstition is disabled by the config: {found:?}"
    );
}

#[test]
fn waivers_active_expired_and_incomplete() {
    let dir = setup(concat!(
        "select: [absolute-terms]\n",
        "waivers:\n",
        "  - rule: absolute/number-one\n",
        "    listing: \"A\"\n",
        "    text: 全网第一\n",
        "    reason: 赛事名称，非排名宣传\n",
        "    approved_by: 法务部 王律师\n",
        "    expires: 2027-06-30\n",
        "  - rule: absolute/\n",
        "    listing: \"B*\"\n",
        "    reason: 旧审批\n",
        "    approved_by: 法务部\n",
        "    expires: 2026-01-31\n",
    ));
    let (_, found) = rules_found(dir.path(), &[]);
    assert!(
        found.contains(&(
            "../listlint.yaml:B*".to_owned(),
            "config/expired-waiver warning".to_owned()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "./listings.csv:B".to_owned(),
            "absolute/superlative error".to_owned()
        )),
        "expired: reported again"
    );
    assert!(
        !found.iter().any(|(l, _)| l.ends_with(":A")),
        "A is waived: {found:?}"
    );
    let (_, stdout, _) = run(listlint_in(&dir.path().join("exports")).args([
        "check",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
        ".",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["summary"]["waived"], 2, "one per file");

    let bad = setup("waivers:\n  - rule: \"*\"\n    reason: \"\"\n    approved_by: 某人\n    expires: 2027-01-01\n");
    let (code, _, stderr) = run(listlint_in(bad.path()).args(["check", "exports"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("listlint.yaml:3:13") && stderr.contains("waiver `reason` is empty"),
        "{stderr}"
    );
    let missing = setup("waivers:\n  - rule: \"*\"\n    reason: r\n    expires: 2027-01-01\n");
    let (code, _, stderr) = run(listlint_in(missing.path()).args(["check", "exports"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("approved_by"), "{stderr}");
}

#[test]
fn unknown_keys_and_explicit_config() {
    let dir = setup("selcet: [claims]\n");
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "exports"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("listlint.yaml:1:1") && stderr.contains("did you mean `select`"),
        "{stderr}"
    );
    std::fs::write(dir.path().join("other.yaml"), "select: [claims]\n").unwrap();
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--config",
        "other.yaml",
        "--format",
        "jsonl",
        "exports",
    ]));
    assert_eq!(code, 0, "superstition findings are warnings: {stderr}");
    let found = jsonl(&stdout);
    assert!(!found.is_empty() && found.iter().all(|f| f["category"] == "claims"));
}

#[test]
fn init_writes_a_starter_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(listlint_in(dir.path()).arg("init"));
    assert_eq!(code, 0);
    assert!(stdout.contains("wrote listlint.yaml"));
    std::fs::write(dir.path().join("l.csv"), LISTINGS).unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "l.csv"]));
    assert_eq!(code, 1, "{stderr}");
    let (code, _, _) = run(listlint_in(dir.path()).arg("init"));
    assert_eq!(code, 2, "no overwrite without --force");
}

#[test]
fn waivers_list_shows_each_with_its_status() {
    let dir = setup(concat!(
        "waivers:\n",
        "  - rule: absolute/number-one\n",
        "    listing: \"A\"\n",
        "    reason: 赛事名称\n",
        "    approved_by: 法务部 王律师\n",
        "    expires: 2027-06-30\n",
        "  - rule: \"*\"\n",
        "    reason: 旧审批\n",
        "    approved_by: 法务部\n",
        "    expires: 2026-01-31\n",
    ));
    let (code, stdout, _) =
        run(listlint_in(dir.path()).args(["waivers", "list", "--as-of", "2026-11-27"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("active  absolute/number-one · listing A"),
        "{stdout}"
    );
    assert!(stdout.contains("EXPIRED * · listing *"), "{stdout}");
    assert!(
        stdout.contains("approved by 法务部 王律师 · expires 2027-06-30 · listlint.yaml:4"),
        "{stdout}"
    );
    assert!(stdout.contains("2 waivers, 1 active, 1 expired (as of 2026-11-27)."));
    let (_, stdout, _) = run(listlint_in(dir.path()).args([
        "waivers",
        "list",
        "--as-of",
        "2026-11-27",
        "--format",
        "json",
    ]));
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list[1]["status"], "expired");
}

#[test]
fn every_config_error_names_its_place() {
    let cases: &[(&str, &str)] = &[
        ("waivers:\n  - rule: x\n    reason: r\n    approved_by: a\n    expires: 明年\n", "`明年` is not a date"),
        ("waivers:\n  - rule: x\n    listing: \"[\"\n    reason: r\n    approved_by: a\n    expires: 2027-01-01\n", "is not a glob"),
        ("fail_on: sometimes\n", "`fail_on: sometimes` is not a severity"),
        ("severity:\n  absolute/nope: error\n", "`severity` names `absolute/nope`"),
        ("per_path_ignores:\n  \"[\": [claims]\n", "invalid glob"),
        ("select: [claimz]\n", "did you mean `claims`"),
        ("profile: amazon\n", "unknown profile `amazon`"),
        ("docs_url: docs/rules\n", "`docs_url: docs/rules` is not an http(s) URL"),
        ("severity:\n  absolute/superlative: fatal\n", "listlint.yaml:2:25"),
    ];
    for (config, expected) in cases {
        let dir = setup(config);
        let (code, _, stderr) = run(listlint_in(dir.path()).args(["check", "exports"]));
        assert_eq!(code, 2, "{config}");
        assert!(stderr.contains(expected), "{config}: {stderr}");
    }
}
