//! Criterion benchmarks of the engine: normalisation alone, checking
//! listings with the default packs, and the two automaton crates considered
//! for the term scan, side by side on the same text.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use listlint_core::engine::{compile, RuleFilter, Scratch};
use listlint_core::listing::Listing;
use listlint_core::pack::{builtin_sources, parse_pack};
use listlint_core::text::normalize::{Normalized, Normalizer};

/// Fragments of listing text, clean ones and ones with banned wording.
const FRAGMENTS: &[&str] = &[
    "新款加厚保暖羽绒服",
    "第一时间发货",
    "最近上新",
    "100%纯棉",
    "特级初榨橄榄油",
    "一级能效变频空调",
    "最佳赏味期30天",
    "最大功率1800W",
    "色号NO.12 口红",
    "顾客第一",
    "全网最低价",
    "最好用的吸尘器",
    "國家級品质",
    "ＮＯ．１ 品牌",
    "最 好 的选择",
    "开光貔貅招财进宝",
    "100%有效无副作用",
    "根治失眠",
    "<p>详情见图</p><img alt=\"顶级工艺\">",
    "厂家直销 包邮",
    "轻薄透气 舒适亲肤",
    "送礼佳品 礼盒装",
    "&nbsp;精选原料&amp;匠心工艺",
];

/// Deterministic listings built from the fragments.
fn listings(count: usize) -> Vec<Listing> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut pick = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        FRAGMENTS[(state % FRAGMENTS.len() as u64) as usize]
    };
    (0..count)
        .map(|i| {
            let title = format!("{} {} {}", pick(), pick(), pick());
            let description = (0..12).map(|_| pick()).collect::<Vec<_>>().join("，");
            Listing {
                file: Arc::from("bench"),
                line: i as u64 + 2,
                record: i as u64 + 1,
                fields: vec![
                    (Arc::from("id"), format!("B-{i}")),
                    (Arc::from("title"), title),
                    (Arc::from("subtitle"), pick().to_owned()),
                    (Arc::from("description"), description),
                ],
                problems: Vec::new(),
                value_columns: Vec::new(),
                header: None,
            }
        })
        .collect()
}

fn bytes_of(listings: &[Listing]) -> u64 {
    listings
        .iter()
        .flat_map(|l| l.fields.iter().map(|(_, v)| v.len() as u64))
        .sum()
}

fn bench_engine(c: &mut Criterion) {
    let packs: Vec<_> = builtin_sources()
        .into_iter()
        .map(|s| parse_pack(s).expect("built-in pack parses"))
        .collect();
    let ruleset = compile(&packs, &RuleFilter::default()).expect("built-in packs compile");
    let data = listings(2_000);

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(bytes_of(&data)));
    group.bench_function("check_2000_listings", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            let mut n = 0usize;
            for listing in &data {
                n += ruleset.check(black_box(listing), &mut scratch).len();
            }
            n
        })
    });
    group.bench_function("normalize_2000_listings", |b| {
        let mut normalizer = Normalizer::new();
        let mut out = Normalized::default();
        b.iter(|| {
            let mut n = 0usize;
            for listing in &data {
                for (_, value) in &listing.fields {
                    normalizer.normalize_into(black_box(value), &mut out);
                    n += out.chars.len();
                }
            }
            n
        })
    });
    group.finish();
}

/// The overlapping scan of the default packs' lexicon terms over the
/// normalised bench text: `aho-corasick`'s full DFA against `daachorse`'s
/// character-wise double array (the engine's choice), with its prefilter
/// and without it (as the engine builds it).
fn bench_matchers(c: &mut Criterion) {
    let normalize = |s: &str| {
        let mut out = Normalized::default();
        Normalizer::new().normalize_into(s, &mut out);
        out.text
    };
    let mut terms: Vec<String> = builtin_sources()
        .into_iter()
        .map(|s| parse_pack(s).expect("built-in pack parses"))
        .flat_map(|p| p.def.rules.into_iter())
        .flat_map(|r| r.terms.map(|t| t.value).unwrap_or_default())
        .map(|t| normalize(&t))
        .filter(|t| !t.is_empty())
        .collect();
    terms.sort();
    terms.dedup();
    let texts: Vec<String> = listings(2_000)
        .iter()
        .flat_map(|l| l.fields.iter().map(|(_, v)| normalize(v)))
        .collect();
    let dfa = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&terms)
        .expect("terms build");
    let charwise =
        daachorse::CharwiseDoubleArrayAhoCorasick::<u32>::new(&terms).expect("terms build");
    // As the engine builds it (`engine::matcher`): without the prefilter.
    let engine = daachorse::CharwiseDoubleArrayAhoCorasickBuilder::new()
        .use_prefilter(false)
        .build::<_, _, u32>(&terms)
        .expect("terms build");

    let mut group = c.benchmark_group("matcher");
    group.throughput(Throughput::Bytes(
        texts.iter().map(|t| t.len() as u64).sum(),
    ));
    group.bench_function("aho_corasick_dfa_overlapping", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| dfa.find_overlapping_iter(black_box(t.as_str())).count())
                .sum::<usize>()
        })
    });
    for (name, automaton) in [
        ("daachorse_charwise_overlapping", &charwise),
        ("daachorse_charwise_overlapping_no_prefilter", &engine),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| {
                        automaton
                            .find_overlapping_iter(black_box(t.as_str()))
                            .count()
                    })
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_engine, bench_matchers);
criterion_main!(benches);
