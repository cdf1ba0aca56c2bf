//! Embedding the engine: the default packs plus a company pack given as
//! text, two listings checked in memory, findings printed as JSON Lines
//! (the `--format jsonl` finding schema). `cargo run -p listlint-core --example embed`
use listlint_core::linter::Linter;
use listlint_core::listing::Listing;
use listlint_core::pack::PackSource;
use listlint_core::settings::{Overrides, Settings};

const COMPANY_PACK: &str = r#"
pack: acme
version: "1"
category: company
rules:
  - id: acme/discount-wording
    kind: lexicon
    severity: warning
    message: "「{term}」 is not our wording"
    terms: [便宜货, 跳楼价]
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut settings = Settings::without_config(Overrides::default());
    settings
        .packs
        .sources
        .push(PackSource::inline("acme.yaml", COMPANY_PACK));
    let linter = Linter::new(settings)?;
    let listings = [
        ("SKU-1", "全网最好的蚕丝被 第一时间发货"),
        ("SKU-2", "跳楼价 纯棉T恤 100%纯棉"),
    ];
    for (id, title) in listings {
        let listing = Listing::new("memory")
            .with_field("id", id)
            .with_field("title", title);
        for finding in linter.check_listing(&listing) {
            println!("{}", serde_json::to_string(&finding)?);
        }
    }
    Ok(())
}
