//! `brands:` in `listlint.yaml` and the listing's `brand` field, through the
//! binary: another company's brand named with 同款 / 平替 / 代工 is reported,
//! the company's own and authorised brands are not.

mod common;

use common::{jsonl, listlint_in, run};

const LISTINGS: &str = "id,title,brand\n\
OWN,戴森平替 高速吹风机,\n\
AUTH,香奈儿同款 小香风外套,\n\
OTHER,迪奥代工厂 口红礼盒,\n\
FIELD,兰蔻同款 菁纯唇膏,Lancome/兰蔻\n\
FAKE,戴森高仿 吹风机,\n";

/// `(listing id, rule, text)` of the `ip` findings for LISTINGS, checked in
/// a folder holding `config` as `listlint.yaml` (none if `None`).
fn ip_findings(config: Option<&str>) -> (i32, Vec<(String, String, String)>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("listings.csv"), LISTINGS).unwrap();
    if let Some(config) = config {
        std::fs::write(dir.path().join("listlint.yaml"), config).unwrap();
    }
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "check",
        "--select",
        "ip",
        "--format",
        "jsonl",
        "listings.csv",
    ]));
    let found = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, found, stderr)
}

fn triple(id: &str, rule: &str, text: &str) -> (String, String, String) {
    (id.to_owned(), rule.to_owned(), text.to_owned())
}

#[test]
fn without_config_every_other_brand_is_reported_but_the_listings_own() {
    let (code, found, stderr) = ip_findings(None);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        found,
        [
            triple("OWN", "ip/brand-dupe", "戴森平替"),
            triple("AUTH", "ip/brand-dupe", "香奈儿同款"),
            triple("OTHER", "ip/brand-dupe", "迪奥代工"),
            triple("FAKE", "ip/counterfeit-wording", "高仿"),
        ]
    );
}

#[test]
fn own_and_authorised_brands_from_the_config_are_not_reported() {
    let (code, found, stderr) = ip_findings(Some(
        "brands:\n  own: [Dyson, 戴森]\n  authorised: [CHANEL, 香奈儿]\n",
    ));
    assert_eq!(code, 1, "{stderr}");
    // 迪奥 is neither own nor authorised; 高仿 is reported whatever the brand.
    assert_eq!(
        found,
        [
            triple("OTHER", "ip/brand-dupe", "迪奥代工"),
            triple("FAKE", "ip/counterfeit-wording", "高仿"),
        ]
    );
}

#[test]
fn config_brands_are_compared_after_normalisation() {
    // Full-width letters, case and traditional characters do not matter.
    let (_, found, stderr) = ip_findings(Some(
        "brands:\n  own: [ＤＹＳＯＮ, 戴森]\n  authorised: [香奈兒]\n",
    ));
    assert!(
        !found.iter().any(|(id, _, _)| id == "OWN" || id == "AUTH"),
        "{found:?} {stderr}"
    );
}

#[test]
fn a_misspelt_brands_key_is_a_config_error() {
    // The US spelling is the likely typo: it must not silently list nothing.
    let (code, _, stderr) = ip_findings(Some("brands:\n  authorized: [戴森]\n"));
    assert_eq!(code, 2);
    assert!(stderr.contains("listlint.yaml:2:3"), "{stderr}");
    assert!(stderr.contains("did you mean `authorised`"), "{stderr}");
}
