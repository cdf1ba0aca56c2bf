//! Property tests: spans map back exactly, and no input makes the readers or
//! the normaliser panic.

mod common;

use std::sync::Arc;

use clap::ValueEnum;
use common::default_ruleset;
use listlint_core::engine::{compile, RuleFilter, Ruleset, Scratch};
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::listing::Listing;
use listlint_core::pack::{parse_pack, PackSource};
use listlint_core::text::normalize::{normalize_term, Normalized, Normalizer};
use listlint_io::source::{open, read_listings, Input, InputEncoding, InputFormat, ReadOptions};
use proptest::prelude::*;

const TERMS: &[&str] = &["最好", "最佳", "第一", "no.1", "国家级", "100%有效", "top1"];

/// A pack with one rule per term, whose message is the bare term.
fn ruleset() -> Ruleset {
    let mut yaml = String::from("pack: prop\nversion: \"1\"\ncategory: c\nrules:\n");
    for (i, term) in TERMS.iter().enumerate() {
        yaml.push_str(&format!(
            "  - id: r/{i}\n    kind: lexicon\n    severity: error\n    message: \"{{term}}\"\n    terms: [\"{term}\"]\n    allow: [第一时间]\n"
        ));
    }
    let pack = parse_pack(PackSource {
        name: Arc::from("prop.yaml"),
        text: Arc::from(yaml),
        builtin: false,
    })
    .expect("pack parses");
    compile(&[pack], &RuleFilter::default()).expect("pack compiles")
}

/// Pieces that exercise the normaliser: term characters, evasions, HTML.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("最".to_owned()),
        Just("好".to_owned()),
        Just("佳".to_owned()),
        Just("第".to_owned()),
        Just("一".to_owned()),
        Just("國家級".to_owned()),
        Just("ＮＯ．１".to_owned()),
        Just("No.1".to_owned()),
        Just("TOP".to_owned()),
        Just("1".to_owned()),
        Just("2".to_owned()),
        Just("100%有效".to_owned()),
        Just("1.00%".to_owned()),
        Just(" ".to_owned()),
        Just("*".to_owned()),
        Just("-".to_owned()),
        Just("\u{200b}".to_owned()),
        Just("\n".to_owned()),
        Just("<b>".to_owned()),
        Just("</b>".to_owned()),
        Just("<p>".to_owned()),
        Just("<img alt=\"最好\">".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#26368;".to_owned()),
        Just("<".to_owned()),
        Just("第一时间".to_owned()),
        "[a-z]{1,3}",
        "[\u{4e00}-\u{4e20}]{1,2}",
    ]
}

fn field_value() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat())
}

fn normalized(value: &str) -> Normalized {
    let mut out = Normalized::default();
    Normalizer::new().normalize_into(value, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every reported span lies inside the original value, `text` is exactly
    /// that slice, and the slice normalises to the matched term.
    #[test]
    fn reported_text_is_the_original_slice_and_normalises_to_the_term(value in field_value()) {
        let ruleset = ruleset();
        let listing = Listing {
            file: Arc::from("p"),
            line: 1,
            record: 1,
            fields: vec![(Arc::from("title"), value.clone())],
            problems: Vec::new(),
            value_columns: Vec::new(),
            header: None,
        };
        let len = value.chars().count();
        for f in ruleset.check(&listing, &mut Scratch::default()) {
            let (start, end) = (f.start.unwrap(), f.end.unwrap());
            prop_assert!(start < end && end <= len, "{start}..{end} of {len}");
            let slice: String = value.chars().skip(start).take(end - start).collect();
            prop_assert_eq!(f.text.as_deref(), Some(slice.as_str()));
            prop_assert_eq!(normalized(&slice).text, normalize_term(&f.message));
        }
    }

    /// The normaliser's map is ordered and stays inside the value.
    #[test]
    fn normaliser_map_is_monotonic_and_in_bounds(value in any::<String>()) {
        let n = normalized(&value);
        let len = value.chars().count() as u32;
        let mut previous_byte = None;
        for c in &n.chars {
            prop_assert!(c.start <= c.end && c.end <= len);
            prop_assert!(previous_byte.is_none_or(|b| b < c.byte));
            previous_byte = Some(c.byte);
            prop_assert_eq!(n.text[c.byte as usize..].chars().next(), Some(c.ch));
        }
    }

    /// Arbitrary bytes never panic a reader, and every record is yielded.
    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for &format in InputFormat::value_variants() {
            let listings = read_listings(std::io::Cursor::new(bytes.clone()), Arc::from("fuzz"), format);
            let ruleset = ruleset();
            let mut scratch = Scratch::default();
            for (i, listing) in listings.enumerate() {
                prop_assert_eq!(listing.record, i as u64 + 1);
                let _ = ruleset.check(&listing, &mut scratch);
            }
        }
    }

    /// Arbitrary bytes opened as files, in every text encoding and with the
    /// Shopify grouping, never panic, and whatever is read can be checked
    /// with the default packs (prices per variant included).
    #[test]
    fn opened_files_never_panic_in_any_encoding_or_profile(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
        shopify_rows in prop::collection::vec("[a-c],[最好顶级]{0,2},[0-9a-z.-]{0,4},[0-9.,]{0,5}", 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join("raw.csv");
        std::fs::write(&raw, &bytes).unwrap();
        let grouped = dir.path().join("grouped.csv");
        let mut csv = String::from("Handle,Title,Variant Price,Variant Compare At Price\n");
        for row in &shopify_rows {
            csv.push_str(row);
            csv.push('\n');
        }
        std::fs::write(&grouped, csv).unwrap();
        let ruleset = default_ruleset();
        let mut scratch = Scratch::default();
        for path in [&raw, &grouped] {
            for format in [InputFormat::Csv, InputFormat::Jsonl] {
                for encoding in [InputEncoding::Auto, InputEncoding::Gb18030, InputEncoding::Utf16le] {
                    for profile in ["generic", "shopify"] {
                        let options = ReadOptions {
                            format: Some(format),
                            encoding,
                            profile: Arc::new(Profile::named(profile).unwrap()),
                            ..ReadOptions::default()
                        };
                        let input = Input::File(path.clone());
                        let mut mapper = FieldMapper::new(options.profile.clone());
                        for record in open(&input, &options).unwrap() {
                            let listing = record.into_listing(&mut mapper);
                            let _ = ruleset.check(&listing, &mut scratch);
                        }
                    }
                }
            }
        }
    }

    /// Lines of almost-JSON: each non-blank line is one record, readable
    /// or reported.
    #[test]
    fn every_jsonl_line_is_a_record(lines in prop::collection::vec("[{}\\[\\]\":a-z0-9 ,最]{0,20}", 0..30)) {
        let text = lines.join("\n");
        let expected = lines.iter().filter(|l| !l.trim().is_empty()).count();
        let listings: Vec<Listing> =
            read_listings(std::io::Cursor::new(text.into_bytes()), Arc::from("j"), InputFormat::Jsonl).collect();
        prop_assert_eq!(listings.len(), expected);
        for l in &listings {
            prop_assert!(l.problems.len() <= 1);
        }
    }
}
