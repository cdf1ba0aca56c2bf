//! The library facade as an embedder uses it: settings, a linter with an
//! inline company pack, listings checked in memory.

use listlint_core::linter::{Linter, LinterError};
use listlint_core::listing::Listing;
use listlint_core::model::Severity;
use listlint_core::pack::load::LoadError;
use listlint_core::pack::PackSource;
use listlint_core::settings::{Overrides, Settings};

const PACK: &str = "pack: acme\nversion: \"1\"\ncategory: company\nrules:\n  - id: acme/cheap\n    kind: lexicon\n    severity: warning\n    message: \"「{term}」\"\n    terms: [便宜货]\n";

fn linter(overrides: Overrides) -> Result<Linter, LinterError> {
    let mut settings = Settings::without_config(overrides);
    settings
        .packs
        .sources
        .push(PackSource::inline("acme.yaml", PACK));
    Linter::new(settings)
}

fn title(text: &str) -> Listing {
    Listing::new("memory")
        .with_field("id", "A1")
        .with_field("title", text)
}

#[test]
fn default_and_inline_packs_check_a_listing_in_memory() {
    let linter = linter(Overrides::default()).unwrap();
    let findings = linter.check_listing(&title("全网最好 便宜货 第一时间发货"));
    let rules: Vec<&str> = findings.iter().map(|f| &*f.rule).collect();
    assert_eq!(
        rules,
        ["absolute/superlative", "acme/cheap"],
        "{findings:#?}"
    );
    assert_eq!(findings[1].severity, Severity::Warning);
    assert_eq!(findings[1].listing_id.as_deref(), Some("A1"));
    assert_eq!(findings[1].text.as_deref(), Some("便宜货"));
    assert_eq!(findings[1].fingerprint.len(), 32);
}

#[test]
fn select_narrows_the_rules_and_a_typo_is_an_error() {
    let only_company = Overrides {
        select: vec!["company".into()],
        ..Overrides::default()
    };
    let findings = linter(only_company)
        .unwrap()
        .check_listing(&title("全网最好 便宜货"));
    assert_eq!(findings.len(), 1);
    assert_eq!(&*findings[0].rule, "acme/cheap");
    let typo = Overrides {
        select: vec!["acme/chep".into()],
        ..Overrides::default()
    };
    match linter(typo) {
        Err(LinterError::Load(LoadError::UnmatchedSelector { token, help })) => {
            assert_eq!(token, "acme/chep");
            assert!(help.contains("acme/cheap"), "{help}");
        }
        other => panic!("expected an unmatched selector, got {other:?}"),
    }
}

#[test]
fn an_invalid_inline_pack_names_its_place() {
    let mut settings = Settings::without_config(Overrides::default());
    settings.packs.sources.push(PackSource::inline(
        "bad.yaml",
        "pack: bad\nrules:\n  - id: bad/x\n    kind: lexicn\n",
    ));
    let error = Linter::new(settings).unwrap_err().to_string();
    assert!(error.contains("bad.yaml:"), "{error}");
}

#[test]
fn a_linter_is_shared_between_threads() {
    let linter = std::sync::Arc::new(linter(Overrides::default()).unwrap());
    let counts: Vec<usize> = (0..4)
        .map(|_| {
            let linter = linter.clone();
            std::thread::spawn(move || linter.check_listing(&title("便宜货")).len())
        })
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 1, 1]);
}

#[test]
fn packs_can_be_kept_from_reading_files() {
    let dir = std::env::temp_dir().join(format!("listlint-extends-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("base.yaml"), PACK).unwrap();
    let child = "pack: child\nversion: \"1\"\nextends: [base.yaml]\nrules: []\n";
    std::fs::write(dir.join("child.yaml"), child).unwrap();
    let with = |refuse: bool| {
        let mut settings = Settings::without_config(Overrides::default());
        settings.packs.no_extends_files = refuse;
        settings.packs.rules.push(dir.join("child.yaml"));
        Linter::new(settings)
    };
    let error = with(true).unwrap_err().to_string();
    let refused = format!("{error:?}");
    assert!(refused.contains("may not read files"), "{refused}");
    let linter = with(false).unwrap();
    assert!(linter.rule_ids().iter().any(|id| id == "acme/cheap"));
    std::fs::remove_dir_all(dir).unwrap();
}
