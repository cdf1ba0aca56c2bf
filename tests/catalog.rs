//! The rule catalog: `listlint rules doc` and the committed docs/rules/.

mod common;

use std::path::Path;

use common::{listlint, run};

/// The committed catalog must be what `rules doc` writes today; when a pack
/// changes, regenerate with `cargo run -- rules doc`.
#[test]
fn committed_catalog_is_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let pages = listlint::cli::rules::doc::builtin_pages().expect("built-in packs parse");
    for (name, page) in &pages {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| {
            panic!("docs/rules/{name} missing ({e}); run `cargo run -- rules doc`")
        });
        assert!(
            committed == *page,
            "docs/rules/{name} is stale; run `cargo run -- rules doc`"
        );
    }
    let committed: usize = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "md")
        })
        .count();
    assert_eq!(
        committed,
        pages.len(),
        "docs/rules/ has pages of packs that no longer exist"
    );
}

#[test]
fn rules_doc_writes_one_page_per_pack_with_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("catalog");
    let (code, stdout, stderr) = run(listlint().args(["rules", "doc", "--output"]).arg(&out));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("wrote 8 pages"), "{stdout}");
    let page = std::fs::read_to_string(out.join("cn-ad-absolutes.md")).unwrap();
    assert!(page.contains("《广告法》"), "pages cite their legal basis");
    let (_, list, _) = run(listlint().args(["rules", "list", "--format", "json"]));
    let rules: serde_json::Value = serde_json::from_str(&list).unwrap();
    for rule in rules.as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let pack = rule["pack"].as_str().unwrap();
        let page = std::fs::read_to_string(out.join(format!("{pack}.md"))).unwrap();
        let found = page.contains(&format!("## {id}\n"));
        assert!(found, "rule {id} has no section on {pack}.md");
    }
}

/// With --rules, `rules doc` writes a page for every pack loaded, your own
/// packs included, as composed.
#[test]
fn pages_for_your_own_packs() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(listlint()
        .args([
            "rules",
            "doc",
            "--no-default-rules",
            "--rules",
            "fixtures/packs/acme",
            "--output",
        ])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    // acme-wording, cn-ad-absolutes it extends, and cn-categories whose
    // creative-work condition cn-ad-absolutes uses (`title_is_name`)
    assert!(stdout.starts_with("wrote 3 pages to"), "{stdout}");
    assert!(dir.path().join("cn-categories.md").is_file());
    let own = std::fs::read_to_string(dir.path().join("acme-wording.md")).unwrap();
    assert!(own.contains("Extends `cn-ad-absolutes`."), "{own}");
    assert!(own.contains("- `absolute/brand-status`"), "{own}");
    assert!(own.contains("## acme/competitor-name"), "{own}");
    let base = std::fs::read_to_string(dir.path().join("cn-ad-absolutes.md")).unwrap();
    assert!(
        base.contains(
            "- acme-wording (fixtures/packs/acme/acme-wording.yaml:13): term added: 宇宙最强"
        ),
        "{base}"
    );
    assert!(base.contains("宇宙最强"), "the composed terms are listed");
}
