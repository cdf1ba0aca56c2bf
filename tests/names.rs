//! Names in listing text, through the binary: wording inside the listing's
//! own brand or shop name, inside a work's title in 《》, or in the title of
//! a listing whose pack declares `title_is_name` names something; it does
//! not describe the goods, and is not reported.

mod common;

use common::{jsonl, listlint_in, run};

/// `(listing id, rule, text)` of the findings of `check` run in a folder
/// holding `files`, with `args` after `check --format jsonl`.
fn findings(files: &[(&str, &str)], args: &[&str]) -> (i32, Vec<(String, String, String)>, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut cmd = listlint_in(dir.path());
    cmd.args(["check", "--format", "jsonl"]).args(args);
    let (code, stdout, stderr) = run(&mut cmd);
    let found = jsonl(&stdout)
        .iter()
        .map(|f| {
            (
                f["listing_id"].as_str().unwrap_or("-").to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (code, found, stderr)
}

fn triple(id: &str, rule: &str, text: &str) -> (String, String, String) {
    (id.to_owned(), rule.to_owned(), text.to_owned())
}

#[test]
fn terms_inside_the_listings_own_brand_or_shop_name_are_not_reported() {
    let listings = "id,title,brand,店名\n\
        BRAND,第一江南 五常大米 销量第一,第一江南,\n\
        NOBRAND,第一江南 五常大米,,\n\
        SHOP,第一江南 有机大米,,第一江南旗舰店\n\
        SPELLING,镇宅堂 红木圈椅,ZHENZHAI/镇宅堂,\n\
        WHOLE,至尊 保温杯,至尊,\n";
    let (_, found, stderr) = findings(
        &[("l.csv", listings)],
        &["--select", "absolute-terms,claims", "l.csv"],
    );
    assert_eq!(
        found,
        [
            // 销量第一 is outside the brand, 第一 inside it is not reported
            triple("BRAND", "absolute/number-one", "销量第一"),
            triple("NOBRAND", "absolute/number-one", "第一"),
            // a brand that is nothing but the term is still reported
            triple("WHOLE", "absolute/top-grade", "至尊"),
        ],
        "{stderr}"
    );
}

#[test]
fn configured_brands_are_own_names_too() {
    let listings = "id,title\nA,王牌工坊 直筒牛仔裤\n";
    let (_, without, _) = findings(
        &[("l.csv", listings)],
        &["--select", "absolute-terms", "l.csv"],
    );
    assert_eq!(without, [triple("A", "absolute/brand-status", "王牌")]);
    let (_, with, stderr) = findings(
        &[
            ("l.csv", listings),
            ("listlint.yaml", "brands:\n  own: [王牌工坊]\n"),
        ],
        &["--select", "absolute-terms", "l.csv"],
    );
    assert!(with.is_empty(), "{with:?} {stderr}");
}

#[test]
fn a_works_title_in_title_marks_is_a_name() {
    let listings = "id,title,description\n\
        MARKED,帆布托特包 印《天下无双》书法,\n\
        BARE,天下无双 帆布托特包,\n\
        BROKEN,帆布包,\"印《书法\n天下无双》\"\n";
    let (_, found, stderr) = findings(
        &[("l.csv", listings)],
        &["--select", "absolute-terms", "l.csv"],
    );
    assert_eq!(
        found,
        [
            triple("BARE", "absolute/unprecedented", "天下无双"),
            // 《 and 》 on different lines do not make a title
            triple("BROKEN", "absolute/unprecedented", "天下无双"),
        ],
        "{stderr}"
    );
}

#[test]
fn the_title_of_a_book_record_or_game_names_the_work() {
    let listings = "id,category,title,description\n\
        BOOK,图书/小说,最好的时光 长篇小说,史无前例的畅销小说\n\
        DRESS,服饰/连衣裙,最好的时光 连衣裙,\n\
        GAME,,数码兽之王 手游 首充号,\n\
        MEDICAL,书籍/医学卫生,颈椎病自我疗法,介绍颈椎病、肩周炎的治疗方法\n";
    let (_, found, stderr) = findings(
        &[("l.csv", listings)],
        &["--select", "absolute-terms,claims", "l.csv"],
    );
    assert_eq!(
        found,
        [
            // the book's description is still an advertisement for it
            triple("BOOK", "absolute/unprecedented", "史无前例"),
            triple("DRESS", "absolute/superlative", "最好"),
        ],
        "{stderr}"
    );
}

const TITLE_PACK: &str = r#"pack: works
version: "1"
category: absolute-terms
title_is_name: {category: {any: [图书]}}
rules:
  - id: works/best
    kind: lexicon
    severity: error
    message: "「{term}」"
    terms: [最好]
  - id: works/king
    kind: pattern
    severity: error
    message: "「{match}」"
    pattern: '[\p{Han}]{2}之王'
  - id: works/isbn
    kind: require
    severity: warning
    message: "{problem}"
    when: {category: {any: [图书]}}
    require: {name: ISBN, fields: [isbn]}
"#;

#[test]
fn title_is_name_covers_a_packs_lexicon_and_pattern_rules_in_the_title_only() {
    let listings = "id,category,title,description\n\
        BOOK,图书,最好的时光 森林之王,最好的礼物 森林之王\n\
        TOY,玩具,最好的时光 森林之王,\n";
    let (_, found, stderr) = findings(
        &[("works.yaml", TITLE_PACK), ("l.csv", listings)],
        &[
            "--no-default-rules",
            "--rules",
            "works.yaml",
            "--no-collapse",
            "l.csv",
        ],
    );
    assert_eq!(
        found,
        [
            triple("BOOK", "works/isbn", ""),
            triple("BOOK", "works/best", "最好"),
            triple("BOOK", "works/king", "森林之王"),
            triple("TOY", "works/best", "最好"),
            triple("TOY", "works/king", "森林之王"),
        ],
        "{stderr}"
    );
}

#[test]
fn title_is_name_is_checked_shown_and_compared_like_a_condition() {
    let dir = tempfile::tempdir().unwrap();
    let broken = TITLE_PACK.replace("{category: {any: [图书]}}", "{use: no-such-condition}");
    std::fs::write(dir.path().join("broken.yaml"), &broken).unwrap();
    let (code, _, stderr) = run(listlint_in(dir.path()).args([
        "rules",
        "validate",
        "--no-default-rules",
        "broken.yaml",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no-such-condition"), "{stderr}");
    assert!(stderr.contains("broken.yaml:4"), "{stderr}");

    std::fs::write(dir.path().join("works.yaml"), TITLE_PACK).unwrap();
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "explain",
        "--lang",
        "en",
        "--no-default-rules",
        "--rules",
        "works.yaml",
        "works/king",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "title is the product's name (nothing reported in it) when: category segment 图书"
        ),
        "{stdout}"
    );

    let other = TITLE_PACK.replace("[图书]", "[图书, 音像]");
    std::fs::write(dir.path().join("other.yaml"), other).unwrap();
    let (code, stdout, stderr) = run(listlint_in(dir.path()).args([
        "rules",
        "diff",
        "--format",
        "json",
        "works.yaml",
        "other.yaml",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let diff: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let keys: Vec<&str> = diff["rules"]["packs"][0]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["title_is_name"], "{stdout}");
}
