//! Where CI users work, through the binary: the GitLab Code Quality
//! report, SARIF suppressions and company-pack help links, ignore files in
//! folder walks, `--changed-since` and `--force-exclude` in a git
//! repository, the pre-commit hooks and the docs' hook recipe run as git
//! and pre-commit run them, and the GitHub Action's steps.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{assert_valid_sarif, listlint, listlint_in, run};
use serde_json::{json, Value};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("listlint")
}

/// Runs git in `dir` with a fixed identity; panics when it fails.
fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

/// The files of a JSON Lines report, in order of first appearance.
fn files_of(jsonl: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for line in jsonl.lines() {
        let f: Value = serde_json::from_str(line).unwrap();
        let file = f["file"].as_str().unwrap().to_owned();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(MANIFEST).join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ------------------------------------------------------------ gitlab

/// GitLab's Code Quality report format as its documentation describes it
/// ("Code Quality report format": an array of objects with these
/// required fields; severity one of info, minor, major, critical,
/// blocker; `location.lines.begin` the line).
fn code_quality_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "array",
        "items": {
            "type": "object",
            "required": ["description", "check_name", "fingerprint", "severity", "location"],
            "properties": {
                "description": {"type": "string", "minLength": 1},
                "check_name": {"type": "string", "minLength": 1},
                "fingerprint": {"type": "string", "minLength": 1},
                "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
                "location": {
                    "type": "object",
                    "required": ["path", "lines"],
                    "properties": {
                        "path": {"type": "string", "minLength": 1},
                        "lines": {
                            "type": "object",
                            "required": ["begin"],
                            "properties": {"begin": {"type": "integer", "minimum": 1}}
                        }
                    }
                }
            }
        }
    })
}

fn assert_code_quality(report: &Value) {
    let schema = code_quality_schema();
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn gitlab_report_is_code_quality_json_with_one_issue_per_finding() {
    // The schema is not vacuous: an issue without a fingerprint, or with
    // a severity GitLab does not know, is rejected.
    let validator = jsonschema::draft7::new(&code_quality_schema()).unwrap();
    let issue = json!({"description": "d", "check_name": "c", "fingerprint": "f",
        "severity": "major", "location": {"path": "a.csv", "lines": {"begin": 2}}});
    assert!(validator.is_valid(&json!([issue])));
    let mut no_fingerprint = issue.clone();
    no_fingerprint
        .as_object_mut()
        .unwrap()
        .remove("fingerprint");
    assert!(!validator.is_valid(&json!([no_fingerprint])));
    let mut error = issue.clone();
    error["severity"] = json!("error");
    assert!(!validator.is_valid(&json!([error])));

    let args = ["check", "--as-of", "2026-11-27", "fixtures/listings.csv"];
    let (code, stdout, stderr) = run(listlint().args(args).args(["--format", "gitlab"]));
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_code_quality(&report);
    let (_, jsonl, _) = run(listlint().args(args).args(["--format", "jsonl"]));
    let findings: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let issues = report.as_array().unwrap();
    assert!(findings.len() > 5);
    assert_eq!(issues.len(), findings.len());
    for (issue, finding) in issues.iter().zip(&findings) {
        assert_eq!(issue["check_name"], finding["rule"]);
        assert_eq!(issue["location"]["path"], "fixtures/listings.csv");
        assert_eq!(issue["location"]["lines"]["begin"], finding["line"]);
        let severity = match finding["severity"].as_str().unwrap() {
            "error" => "major",
            "warning" => "minor",
            _ => "info",
        };
        assert_eq!(issue["severity"], severity);
        let description = issue["description"].as_str().unwrap();
        assert!(description.starts_with(finding["message"].as_str().unwrap()));
        if let Some(text) = finding["text"].as_str() {
            assert!(
                description.contains(&format!("「{text}」")),
                "{description}"
            );
        }
    }
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len(), "unique fingerprints");
    // The same run again: the same fingerprints (GitLab compares them
    // between the merge request and its target).
    let (_, again, _) = run(listlint().args(args).args(["--format", "gitlab"]));
    assert_eq!(again, stdout);

    // No findings: an empty array, still a valid report.
    let dir = tempfile::tempdir().unwrap();
    let clean = write(dir.path(), "clean.csv", "id,title\nA,陶瓷杯\n");
    let (code, stdout, stderr) = run(listlint().args(["check", "--format", "gitlab"]).arg(&clean));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), json!([]));
}

// ------------------------------------------------------------ sarif

const WAIVED_CONFIG: &str = "waivers:
  - rule: absolute/superlative
    listing: A
    reason: 品牌口号，已备案
    approved_by: 法务部 王律师
    expires: 2099-12-31
";

#[test]
fn sarif_suppressed_marks_waived_and_baselined_findings_instead_of_leaving_them_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "listlint.yaml", WAIVED_CONFIG);
    write(d, "known.csv", "id,title\nB,全网第一的杯子\n");
    write(
        d,
        "listings.csv",
        "id,title\nA,最好的杯子\nB,全网第一的杯子\nC,最佳杯子\n",
    );
    let (code, _, stderr) = run(listlint_in(d).args([
        "check",
        "--as-of",
        "2026-11-27",
        "--write-baseline",
        "base.json",
        "known.csv",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let sarif = |extra: &[&str]| -> (i32, Value) {
        let (code, stdout, stderr) = run(listlint_in(d)
            .args(["check", "--as-of", "2026-11-27", "--format", "sarif"])
            .args(["--baseline", "base.json"])
            .args(extra));
        assert_ne!(code, 2, "{stderr}");
        let log: Value = serde_json::from_str(&stdout).unwrap();
        assert_valid_sarif(&log);
        (code, log)
    };
    let listing_of = |r: &Value| {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    let (code, plain) = sarif(&["listings.csv"]);
    assert_eq!(code, 1);
    let results = plain["runs"][0]["results"].as_array().unwrap();
    let listings: Vec<String> = results.iter().map(listing_of).collect();
    assert_eq!(listings, ["C.title"], "hidden findings are left out");

    let (code, log) = sarif(&["--sarif-suppressed", "listings.csv"]);
    assert_eq!(code, 1, "C still fails the run");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let by_listing = |id: &str| {
        results
            .iter()
            .find(|r| listing_of(r) == format!("{id}.title"))
            .unwrap_or_else(|| panic!("no result for {id}"))
    };
    assert_eq!(results.len(), 3);
    let waived = &by_listing("A")["suppressions"];
    assert_eq!(waived.as_array().unwrap().len(), 1);
    assert_eq!(waived[0]["kind"], "external");
    assert_eq!(waived[0]["status"], "accepted");
    let justification = waived[0]["justification"].as_str().unwrap();
    for part in ["品牌口号，已备案", "法务部 王律师", "2099-12-31"] {
        assert!(justification.contains(part), "{justification}");
    }
    assert_eq!(waived[0]["properties"]["approvedBy"], "法务部 王律师");
    // The waiver's line in the config (where its reason is).
    assert_eq!(waived[0]["properties"]["line"], 4);
    assert_eq!(waived[0]["properties"]["config"], "listlint.yaml");
    let baselined = &by_listing("B")["suppressions"][0];
    assert_eq!(baselined["kind"], "external");
    assert!(
        baselined["justification"]
            .as_str()
            .unwrap()
            .contains("base.json"),
        "{baselined}"
    );
    assert!(by_listing("C").get("suppressions").is_none());
    // The rule of a suppressed result is described like any other.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = by_listing("A")["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], by_listing("A")["ruleId"]);

    // Suppressed findings do not fail the run.
    write(
        d,
        "hidden.csv",
        "id,title\nA,最好的杯子\nB,全网第一的杯子\n",
    );
    let (code, log) = sarif(&["--sarif-suppressed", "hidden.csv"]);
    assert_eq!(code, 0);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);

    let (code, _, stderr) = run(listlint_in(d).args([
        "check",
        "--format",
        "json",
        "--sarif-suppressed",
        "listings.csv",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--sarif-suppressed applies to --format sarif"),
        "{stderr}"
    );
}

#[test]
fn sarif_links_company_rules_once_their_catalog_pages_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pack =
        std::fs::read_to_string(Path::new(MANIFEST).join("fixtures/packs/acme/acme-wording.yaml"))
            .unwrap();
    write(d, "packs/acme-wording.yaml", &pack);
    write(
        d,
        "listlint.yaml",
        "docs_url: https://example.com/listings/docs/rules/\nrules: [packs/acme-wording.yaml]\n",
    );
    write(d, "listings.csv", "id,title\nA,比某多多还便宜\n");
    let help_uri = || -> Value {
        let (code, stdout, stderr) =
            run(listlint_in(d).args(["check", "--format", "sarif", "listings.csv"]));
        assert_eq!(code, 1, "{stderr}");
        let log: Value = serde_json::from_str(&stdout).unwrap();
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
            "https://example.com/listings/docs/rules/cn-ad-absolutes.md#absolutesuperlative"
        );
        rules
            .iter()
            .find(|r| r["id"] == "acme/competitor-name")
            .unwrap()
            .get("helpUri")
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(help_uri(), Value::Null, "no page written yet");
    let (code, _, stderr) = run(listlint_in(d).args([
        "rules",
        "doc",
        "--rules",
        "packs/acme-wording.yaml",
        "--output",
        "docs/rules",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        help_uri(),
        "https://example.com/listings/docs/rules/acme-wording.md#acmecompetitor-name"
    );
    let page = std::fs::read_to_string(d.join("docs/rules/acme-wording.md")).unwrap();
    assert!(
        page.contains("## acme/competitor-name\n"),
        "the anchor exists"
    );
}

// ------------------------------------------------------------ walks

#[test]
fn folder_walks_honour_ignore_files_unless_no_ignore_and_keep_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let row = "id,title\nA,最好的杯子\n";
    for name in [
        "cat/a.csv",
        "cat/a-b.csv",
        "cat/a/z.csv",
        "cat/b/x.csv",
        "cat/drafts/d.csv",
        "cat/c.csv",
        "cat/d.csv",
        "cat/sub/e.csv",
        "cat/sub/scratch.csv",
    ] {
        write(d, name, row);
    }
    write(d, "cat/.ignore", "drafts/\n");
    write(d, "cat/.listlintignore", "c.csv\n");
    write(d, ".gitignore", "d.csv\n");
    write(d, "cat/sub/.listlintignore", "scratch.csv\n");
    let files = |extra: &[&str], paths: &[&str]| -> Vec<String> {
        let (code, stdout, stderr) = run(listlint_in(d)
            .args(["check", "--format", "jsonl", "--select", "absolute/"])
            .args(extra)
            .args(paths));
        assert_eq!(code, 1, "{stderr}");
        files_of(&stdout)
    };
    // Name order: a folder's entries sorted by name, folders walked where
    // they fall ("a" < "a-b.csv" < "a.csv").
    assert_eq!(
        files(&[], &["cat"]),
        [
            "cat/a/z.csv",
            "cat/a-b.csv",
            "cat/a.csv",
            "cat/b/x.csv",
            "cat/sub/e.csv"
        ]
    );
    assert_eq!(
        files(&["--no-ignore"], &["cat"]),
        [
            "cat/a/z.csv",
            "cat/a-b.csv",
            "cat/a.csv",
            "cat/b/x.csv",
            "cat/c.csv",
            "cat/d.csv",
            "cat/drafts/d.csv",
            "cat/sub/e.csv",
            "cat/sub/scratch.csv"
        ]
    );
    // A file named on the command line is read even when ignored.
    assert_eq!(files(&[], &["cat/c.csv"]), ["cat/c.csv"]);
    // .gitignore inside a repository, and a negation in a deeper file.
    git(d, &["init", "-q"]);
    write(d, "cat/b/.gitignore", "*.csv\n!keep.csv\n");
    write(d, "cat/b/keep.csv", row);
    assert_eq!(
        files(&[], &["cat"]),
        [
            "cat/a/z.csv",
            "cat/a-b.csv",
            "cat/a.csv",
            "cat/b/keep.csv",
            "cat/sub/e.csv"
        ]
    );
    // Many files over several threads: always the same, sorted order.
    for i in (0..120).rev() {
        write(d, &format!("many/{}/{i:03}.csv", i % 7), row);
    }
    let first = files(&[], &["many"]);
    assert_eq!(first.len(), 120);
    let mut sorted = first.clone();
    sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    assert_eq!(first, sorted);
    for _ in 0..3 {
        assert_eq!(files(&[], &["many"]), first);
    }
}

// ------------------------------------------------------------ git

const ROW: &str = "id,title\nA,最好的杯子\n";

/// A catalog repository: a config loading a pack, and three listing
/// files (one with a Chinese name), committed.
fn catalog_repo() -> tempfile::TempDir {
    let dir = git_repo();
    let d = dir.path();
    let pack =
        std::fs::read_to_string(Path::new(MANIFEST).join("tests/data/test-pack.yaml")).unwrap();
    write(d, "packs/house.yaml", &pack);
    write(d, "listlint.yaml", "rules: [packs/house.yaml]\n");
    write(d, "catalog/夏季新品.csv", ROW);
    write(d, "catalog/two.csv", ROW);
    write(d, "catalog/three.csv", ROW);
    write(d, "catalog/.gitignore", "scratch.csv\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "catalog"]);
    dir
}

fn changed(d: &Path, reference: &str) -> (i32, Vec<String>, String) {
    let (code, stdout, stderr) = run(listlint_in(d).args([
        "check",
        "--format",
        "jsonl",
        "--changed-since",
        reference,
        "catalog",
    ]));
    (code, files_of(&stdout), stderr)
}

#[test]
fn changed_since_checks_the_files_that_differ_from_a_ref() {
    let dir = catalog_repo();
    let d = dir.path();
    let (code, files, stderr) = changed(d, "HEAD");
    assert_eq!((code, files.len()), (0, 0), "{stderr}");
    assert!(stderr.contains("no listing file to check"), "{stderr}");

    // An edit (not staged), a staged new file, an untracked one, and an
    // ignored one.
    write(d, "catalog/夏季新品.csv", "id,title\nA,全网第一的杯子\n");
    write(d, "catalog/新品 二.csv", ROW);
    git(d, &["add", "catalog/新品 二.csv"]);
    write(d, "catalog/untracked.csv", ROW);
    write(d, "catalog/scratch.csv", ROW);
    let (code, files, stderr) = changed(d, "HEAD");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        files,
        [
            "catalog/untracked.csv",
            "catalog/夏季新品.csv",
            "catalog/新品 二.csv"
        ]
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "edits"]);
    assert_eq!(changed(d, "HEAD").1.len(), 0);
    assert_eq!(changed(d, "HEAD~1").1.len(), 3);

    // A pack or the config changed: every file.
    let pack = d.join("packs/house.yaml");
    let text = std::fs::read_to_string(&pack).unwrap();
    std::fs::write(&pack, format!("{text}\n# reviewed\n")).unwrap();
    let (code, files, stderr) = changed(d, "HEAD");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(files.len(), 5, "{files:?}");
    std::fs::write(&pack, &text).unwrap();
    assert_eq!(changed(d, "HEAD").1.len(), 0);
    write(
        d,
        "listlint.yaml",
        "rules: [packs/house.yaml]\nfail_on: error\n",
    );
    assert_eq!(changed(d, "HEAD").1.len(), 5);

    // From a subfolder, with paths relative to it.
    let (code, stdout, stderr) = run(listlint_in(&d.join("catalog")).args([
        "check",
        "--format",
        "jsonl",
        "--config",
        "../listlint.yaml",
        "--changed-since",
        "HEAD~1",
        ".",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        files_of(&stdout).len(),
        5,
        "the config changed since HEAD~1 too"
    );

    let (code, _, stderr) = changed(d, "no-such-branch");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--changed-since no-such-branch") && stderr.contains("no such commit"),
        "{stderr}"
    );
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "catalog/a.csv", ROW);
    let (code, _, stderr) = changed(outside.path(), "HEAD");
    assert_eq!(code, 2);
    assert!(stderr.contains("--changed-since HEAD"), "{stderr}");
}

#[test]
fn force_exclude_leaves_out_the_config_packs_and_documents_named_directly() {
    let dir = catalog_repo();
    let d = dir.path();
    write(d, "README.md", "# 最好的目录\n");
    let named = [
        "listlint.yaml",
        "packs/house.yaml",
        "README.md",
        "catalog/夏季新品.csv",
    ];
    let (code, stdout, stderr) = run(listlint_in(d)
        .args(["check", "--format", "jsonl", "--force-exclude"])
        .args(named));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(files_of(&stdout), ["catalog/夏季新品.csv"]);
    // Without it, they are read as listings.
    let (_, stdout, _) = run(listlint_in(d)
        .args(["check", "--format", "jsonl"])
        .args(named));
    assert!(files_of(&stdout).len() > 1);
    // Nothing left: success, nothing checked.
    let (code, _, stderr) = run(listlint_in(d).args([
        "check",
        "--force-exclude",
        "listlint.yaml",
        "packs/house.yaml",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no listing file to check"), "{stderr}");
    // --exclude applies to named files too.
    let (code, _, stderr) = run(listlint_in(d).args([
        "check",
        "--force-exclude",
        "--exclude",
        "catalog/**",
        "catalog/two.csv",
    ]));
    assert_eq!(code, 0, "{stderr}");
}

// ------------------------------------------------------------ pre-commit

/// Files pre-commit would pass to a hook: staged (added, copied,
/// modified), matching `files` and not `exclude` (Python `re.search`).
fn hook_files(d: &Path, hook: &Value) -> Vec<String> {
    let staged = git(
        d,
        &["diff", "--cached", "--name-only", "-z", "--diff-filter=ACM"],
    );
    let files = regex::Regex::new(hook["files"].as_str().unwrap_or("")).unwrap();
    let exclude = regex::Regex::new(hook["exclude"].as_str().unwrap_or("^$")).unwrap();
    staged
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8(n.to_vec()).unwrap())
        .filter(|n| files.is_match(n) && !exclude.is_match(n))
        .collect()
}

/// Runs a hook's entry with its files, as pre-commit does (the entry split
/// like a shell would, the file names appended as arguments).
fn run_hook(d: &Path, hook: &Value) -> (i32, String, String, Vec<String>) {
    let files = hook_files(d, hook);
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[0], "listlint");
    let (code, stdout, stderr) = run(assert_cmd::Command::new(binary())
        .current_dir(d)
        .env("NO_COLOR", "1")
        .args(&entry[1..])
        .args(&files));
    (code, stdout, stderr, files)
}

#[test]
fn pre_commit_hooks_check_staged_listings_and_packs() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    let hook = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook {id}"))
            .clone()
    };
    for h in hooks {
        assert_eq!(h["language"], "rust", "pre-commit builds it with cargo");
        for key in ["name", "entry", "files"] {
            assert!(h[key].as_str().is_some_and(|v| !v.is_empty()), "{key}");
        }
    }
    let listings = hook("listlint");
    let packs = hook("listlint-rules");

    let dir = catalog_repo();
    let d = dir.path();
    write(d, "catalog/夏季新品.csv", "id,title\nA,全网第一的杯子\n");
    write(d, "README.md", "# 最好的目录\n");
    write(
        d,
        "listlint.yaml",
        "rules: [packs/house.yaml]\nfail_on: error\n",
    );
    git(d, &["add", "-A"]);
    let (code, stdout, stderr, files) = run_hook(d, &listings);
    assert_eq!(
        files,
        ["README.md", "catalog/夏季新品.csv", "listlint.yaml"],
        "pre-commit passes these"
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("catalog/夏季新品.csv"), "{stdout}");
    assert!(
        !stdout.contains("README") && !stdout.contains("listlint.yaml"),
        "{stdout}"
    );
    git(d, &["commit", "-qm", "more"]);

    // Only the config staged: nothing to check, the commit goes through.
    write(d, "listlint.yaml", "rules: [packs/house.yaml]\n");
    git(d, &["add", "listlint.yaml"]);
    let (code, _, stderr, files) = run_hook(d, &listings);
    assert_eq!(files, ["listlint.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(hook_files(d, &packs).is_empty());

    // A staged pack with a failing test case, then fixed.
    write(
        d,
        "packs/house.test.yaml",
        "pack: test-pack\ntests:\n  - name: a superlative\n    text: 最好用的吸尘器\n    expect: [test/number-one]\n",
    );
    git(d, &["add", "-A"]);
    let (code, stdout, stderr, files) = run_hook(d, &packs);
    assert_eq!(files, ["packs/house.test.yaml"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    write(
        d,
        "packs/house.test.yaml",
        "pack: test-pack\ntests:\n  - name: a superlative\n    text: 最好用的吸尘器\n    expect: [test/superlative]\n",
    );
    git(d, &["add", "-A"]);
    let (code, stdout, stderr, _) = run_hook(d, &packs);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // An invalid staged pack: exit 2.
    write(
        d,
        "packs/house.yaml",
        "pack: test-pack\nrules:\n  - id: x\n    kind: nope\n",
    );
    git(d, &["add", "-A"]);
    let (code, _, stderr, files) = run_hook(d, &packs);
    assert!(files.contains(&"packs/house.yaml".to_owned()));
    assert_eq!(code, 2, "{stderr}");
}

/// The hook script of docs/ci.md, run by `sh` as git runs it.
#[cfg(unix)]
#[test]
fn the_documented_git_hook_passes_chinese_file_names_and_skips_config_and_packs() {
    let doc = std::fs::read_to_string(Path::new(MANIFEST).join("docs/ci.md")).unwrap();
    let start = doc
        .find("### A plain git hook")
        .expect("the recipe is in docs/ci.md");
    let script = &doc[start..];
    let script = &script[script.find("```sh\n").unwrap() + 6..];
    let script = &script[..script.find("```").unwrap()];
    assert!(script.starts_with("#!/bin/sh\n"));

    let dir = catalog_repo();
    let d = dir.path();
    let bin_dir = binary().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let hook = |d: &Path| {
        let out = std::process::Command::new("sh")
            .current_dir(d)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .arg("-c")
            .arg(script)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = hook(d);
    assert_eq!(code, 0, "nothing staged: {stdout}{stderr}");

    write(d, "catalog/夏季新品.csv", "id,title\nA,全网第一的杯子\n");
    write(d, "catalog/春季 新品.csv", "id,title\nB,陶瓷杯\n");
    write(
        d,
        "listlint.yaml",
        "rules: [packs/house.yaml]\nfail_on: error\n",
    );
    let pack = std::fs::read_to_string(d.join("packs/house.yaml")).unwrap();
    write(d, "packs/house.yaml", &format!("{pack}\n# reviewed\n"));
    git(d, &["add", "-A"]);
    let (code, stdout, stderr) = hook(d);
    assert_ne!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("catalog/夏季新品.csv"), "{stdout}{stderr}");
    assert!(stdout.contains("第一"), "{stdout}");
    assert!(!stderr.contains("error"), "no usage error: {stderr}");
    assert!(
        !stdout.contains("house.yaml") && !stdout.contains("listlint.yaml:"),
        "{stdout}"
    );

    // Only a clean listing staged: the commit goes through.
    git(d, &["commit", "-qm", "x"]);
    write(d, "catalog/春季 新品.csv", "id,title\nB,陶瓷杯 350ml\n");
    git(d, &["add", "-A"]);
    let (code, stdout, stderr) = hook(d);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

// ------------------------------------------------------------ the action

#[cfg(unix)]
#[test]
fn action_yml_installs_with_a_cache_checks_and_uploads_sarif() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    for (name, default) in [
        ("paths", "."),
        ("args", ""),
        ("sarif", "true"),
        ("sarif-file", "listlint.sarif"),
    ] {
        assert_eq!(inputs[name]["default"], default, "input {name}");
        assert!(inputs[name]["description"].as_str().is_some());
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    let step = |id: &str| {
        steps
            .iter()
            .find(|s| s["id"] == id || s["name"] == id)
            .unwrap_or_else(|| panic!("no step {id}"))
    };
    for s in steps {
        if let Some(script) = s["run"].as_str() {
            assert_eq!(s["shell"], "bash", "composite run steps name a shell");
            // Inputs reach scripts through the environment, never pasted
            // into them (no script injection).
            assert!(!script.contains("${{"), "{script}");
        }
    }
    let cache = step("cache");
    assert!(cache["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/cache@"));
    assert_eq!(cache["with"]["key"], "${{ steps.key.outputs.key }}");
    assert_eq!(cache["with"]["path"], "${{ steps.key.outputs.root }}");
    let build = step("Build listlint");
    assert_eq!(build["if"], "steps.cache.outputs.cache-hit != 'true'");
    let install = build["run"].as_str().unwrap();
    assert!(
        install.contains("cargo install --locked")
            && install.contains("--path \"$ACTION_PATH\"")
            && install.contains("--root \"$ROOT\""),
        "{install}"
    );
    assert_eq!(build["env"]["ACTION_PATH"], "${{ github.action_path }}");
    let upload = step("Upload SARIF to code scanning");
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(upload["with"]["sarif_file"], "${{ inputs.sarif-file }}");
    assert!(upload["if"]
        .as_str()
        .unwrap()
        .contains("inputs.sarif == 'true'"));
    let check = step("check");
    assert_eq!(check["env"]["LISTLINT_PATHS"], "${{ inputs.paths }}");
    assert_eq!(check["env"]["LISTLINT_ARGS"], "${{ inputs.args }}");

    // The scripts, run as the runner runs them.
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let outputs = w.join("github-output");
    let bash = |script: &str, env: &[(&str, &str)]| {
        std::fs::write(&outputs, "").unwrap();
        let out = std::process::Command::new("bash")
            .current_dir(MANIFEST)
            .env("GITHUB_OUTPUT", &outputs)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .args(["-e", "-c", script])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            std::fs::read_to_string(&outputs).unwrap(),
        )
    };
    let (code, _, stderr, out) = bash(
        step("key")["run"].as_str().unwrap(),
        &[
            ("ACTION_PATH", MANIFEST),
            ("RUNNER_OS", "Linux"),
            ("HOME", w.to_str().unwrap()),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let key = out.lines().find_map(|l| l.strip_prefix("key=")).unwrap();
    assert!(
        key.starts_with("listlint-Linux-") && key.len() == "listlint-Linux-".len() + 16,
        "{key}"
    );

    let root = w.join("root");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::os::unix::fs::symlink(binary(), root.join("bin/listlint")).unwrap();
    let sarif = w.join("out.sarif");
    let check_script = check["run"].as_str().unwrap();
    let env = |paths: &str, args: &str, upload: &str| {
        vec![
            ("ROOT", root.to_str().unwrap().to_owned()),
            ("LISTLINT_PATHS", paths.to_owned()),
            ("LISTLINT_ARGS", args.to_owned()),
            ("LISTLINT_SARIF", upload.to_owned()),
            ("LISTLINT_SARIF_FILE", sarif.to_str().unwrap().to_owned()),
        ]
    };
    let as_refs = |env: &[(&'static str, String)]| -> Vec<(&'static str, String)> { env.to_vec() };
    let run_check = |env: Vec<(&'static str, String)>| {
        let env = as_refs(&env);
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        bash(check_script, &pairs)
    };
    let (code, stdout, stderr, out) = run_check(env(
        "fixtures/listings.csv\nfixtures/listings.jsonl",
        "--as-of 2026-11-27 --fail-on warning",
        "true",
    ));
    assert_eq!(code, 0, "the step records the status: {stderr}");
    assert!(
        stdout.contains("::error file=fixtures/listings.csv,line="),
        "{stdout}"
    );
    assert!(
        stdout.contains("file=fixtures/listings.jsonl"),
        "both paths"
    );
    assert!(out.contains("exit-code=1\n"), "{out}");
    assert!(
        out.contains(&format!("sarif-file={}\n", sarif.display())),
        "{out}"
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_valid_sarif(&log);

    let (_, _, _, out) = run_check(env("fixtures/no-such-file.csv", "", "true"));
    assert!(
        out.contains("exit-code=2\n"),
        "a usage error is kept: {out}"
    );
    std::fs::remove_file(&sarif).unwrap();
    let (_, _, _, out) = run_check(env("fixtures/listings.csv", "--fail-on never", "false"));
    assert_eq!(out, "exit-code=0\n");
    assert!(!sarif.exists());

    let fail = step("Fail on findings");
    assert_eq!(fail["if"], "steps.check.outputs.exit-code != '0'");
    let (code, ..) = bash(fail["run"].as_str().unwrap(), &[("STATUS", "1")]);
    assert_eq!(code, 1);
}
