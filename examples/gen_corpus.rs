//! Deterministic synthetic corpus generator for benchmarking and
//! false-positive / recall studies of listlint.
//!
//! ```text
//! cargo run --release --example gen_corpus -- \
//!     --listings 100000 --seed 42 --format jsonl --output /tmp/corpus.jsonl
//! ```
//!
//! Every listing carries the canonical fields of SPEC §1 (`id`, `title`,
//! `subtitle`, `description`, `category`, `brand`, `price`,
//! `original_price`, `promo_text`), built from the vocabulary tables in this
//! file (invented wording; nothing is copied from third-party data).
//!
//! At tunable, low rates the generator mixes in:
//!
//! * **violations**: absolute terms (最好, 全网第一, NO.1, 国家级, …) and
//!   claims (国家领导人推荐, 开光, 100%有效, 治疗失眠, …);
//! * **evasions** of those violations: full-width (`ＮＯ．１`), traditional
//!   characters (`國家級`, `極品`) and inserted separators (`最 好`, `最*佳`);
//! * **look-alikes** that a linter must *not* flag (第一时间发货, 最近上新,
//!   100%纯棉, 特级初榨, 一级能效, 最佳赏味期, 色号NO.12, …).
//!
//! With `--truth FILE` every injected phrase is also written to a JSONL
//! side file (`id`, `kind`, `family`, `field`, `term`, `text`), so recall and
//! false-positive rates can be measured against the linter's output.
//!
//! The output is a pure function of the arguments: the same arguments give
//! byte-identical output on every platform (SplitMix64 PRNG, integer prices,
//! fixed field order, no hash maps, no clock).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

/// `--help` text.
const USAGE: &str = "\
gen_corpus — deterministic synthetic listing corpus for listlint

USAGE:
    cargo run --release --example gen_corpus -- [OPTIONS]

OPTIONS:
    --listings N          number of listings to generate            [default: 1000]
    --seed N              PRNG seed (u64); same args -> same bytes   [default: 42]
    --format FMT          jsonl | csv                               [default: jsonl]
    --output PATH         output file; '-' or absent = stdout
    --violation-rate P    share of listings with >=1 violation      [default: 0.15]
    --multi-rate P        share of violating listings with a second [default: 0.25]
    --evasion-rate P      share of violations written as evasions   [default: 0.25]
    --lookalike-rate P    share of listings with >=1 look-alike     [default: 0.35]
    --html-rate P         share of descriptions written as HTML     [default: 0.33]
    --promo-rate P        share of listings with non-empty promo    [default: 0.65]
    --truth PATH          also write injected phrases as JSONL (id, kind, family, field, term, text)
    --stats               print a summary of what was generated to stderr
    -h, --help            print this help

Rates are probabilities in [0, 1]. Violations are absolute terms (最好, 全网第一,
NO.1, 国家级, ...) and claims (国家领导人推荐, 开光, 100%有效, 治疗失眠, ...);
evasions are full-width (ＮＯ．１), traditional (國家級) or separated (最 好, 最*佳)
forms; look-alikes (第一时间发货, 100%纯棉, 色号NO.12, ...) must not be flagged.
";

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Jsonl,
    Csv,
}

/// Parsed command-line options.
#[derive(Clone, Debug)]
struct Config {
    listings: u64,
    seed: u64,
    format: Format,
    output: Option<String>,
    violation_rate: f64,
    multi_rate: f64,
    evasion_rate: f64,
    lookalike_rate: f64,
    html_rate: f64,
    promo_rate: f64,
    truth: Option<String>,
    stats: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listings: 1000,
            seed: 42,
            format: Format::Jsonl,
            output: None,
            violation_rate: 0.15,
            multi_rate: 0.25,
            evasion_rate: 0.25,
            lookalike_rate: 0.35,
            html_rate: 0.33,
            promo_rate: 0.65,
            truth: None,
            stats: false,
        }
    }
}

/// Parses the arguments (without the program name). `Ok(None)` means
/// `--help` was requested.
fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Option<Config>, String> {
    let mut cfg = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args
                    .next()
                    .ok_or_else(|| format!("{name} needs a value (see --help)")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listings" => cfg.listings = parse_u64("--listings", &value("--listings")?)?,
            "--seed" => cfg.seed = parse_u64("--seed", &value("--seed")?)?,
            "--format" => {
                cfg.format = match value("--format")?.to_ascii_lowercase().as_str() {
                    "jsonl" | "ndjson" => Format::Jsonl,
                    "csv" => Format::Csv,
                    other => return Err(format!("--format: unknown format {other:?} (jsonl|csv)")),
                }
            }
            "--output" | "-o" => {
                let v = value("--output")?;
                cfg.output = if v == "-" { None } else { Some(v) };
            }
            "--violation-rate" => cfg.violation_rate = parse_rate(&flag, &value(&flag)?)?,
            "--multi-rate" => cfg.multi_rate = parse_rate(&flag, &value(&flag)?)?,
            "--evasion-rate" => cfg.evasion_rate = parse_rate(&flag, &value(&flag)?)?,
            "--lookalike-rate" => cfg.lookalike_rate = parse_rate(&flag, &value(&flag)?)?,
            "--html-rate" => cfg.html_rate = parse_rate(&flag, &value(&flag)?)?,
            "--promo-rate" => cfg.promo_rate = parse_rate(&flag, &value(&flag)?)?,
            "--truth" => cfg.truth = Some(value("--truth")?),
            "--stats" => cfg.stats = true,
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    Ok(Some(cfg))
}

fn parse_u64(flag: &str, v: &str) -> Result<u64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("{flag}: expected a non-negative integer, got {v:?}"))
}

fn parse_rate(flag: &str, v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "{flag}: expected a probability in [0, 1], got {v:?}"
        )),
    }
}

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for test
/// data, and fully specified, so output never changes between platforms.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), via Lemire's multiply-shift (bias is
    /// negligible for the small `n` used here).
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// `true` with probability `p`. Uses the top 53 bits, so `p = 0` never
    /// and `p = 1` always fires.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// One category with the vocabulary its listings are built from.
///
/// All wording is invented for this generator and kept free of terms a
/// compliance linter flags; the only "suspicious" text in clean listings
/// comes from the deliberate [`Category::lookalikes`] and [`GENERIC_LOOKALIKES`].
struct Category {
    /// Category path as written in the `category` field.
    path: &'static str,
    /// Relative frequency of the category in the corpus.
    weight: u32,
    /// Invented brand-like names.
    brands: &'static [&'static str],
    /// Product nouns (the head of the title).
    nouns: &'static [&'static str],
    /// Adjectives / modifiers placed before the noun.
    adjectives: &'static [&'static str],
    /// Specs and units (weight, size, capacity, …).
    specs: &'static [&'static str],
    /// Short selling points for title and subtitle.
    points: &'static [&'static str],
    /// Detail sentences for the description (each ends with punctuation).
    sentences: &'static [&'static str],
    /// Image alt texts for HTML descriptions.
    alts: &'static [&'static str],
    /// Category-specific look-alikes: (text, preferred field).
    lookalikes: &'static [(&'static str, Slot)],
    /// Price range in whole yuan.
    price: (u32, u32),
    /// Which claim families fit this category (see [`VIOLATIONS`]).
    claims: &'static [Fit],
}

/// A text field that phrases can be injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Title,
    Subtitle,
    Description,
    Promo,
}

impl Slot {
    fn name(self) -> &'static str {
        match self {
            Slot::Title => "title",
            Slot::Subtitle => "subtitle",
            Slot::Description => "description",
            Slot::Promo => "promo_text",
        }
    }
}

/// Which categories a violation template fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    /// Any category.
    Any,
    /// Foods, health products and cosmetics (medical / efficacy claims).
    Health,
    /// Collectibles and jewellery (superstition).
    Luck,
    /// Foods and tea (特供 style authority claims).
    Food,
}

/// Violation family, as written to the truth file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Absolute,
    Claim,
}

/// A violation template: `prefix + term + suffix`; only `term` is
/// transformed when the violation is written as an evasion.
struct Violation {
    kind: Kind,
    fit: Fit,
    prefix: &'static str,
    term: &'static str,
    suffix: &'static str,
    /// Fields where the phrase reads naturally.
    slots: &'static [Slot],
}

const TITLE_ANY: &[Slot] = &[Slot::Title, Slot::Subtitle, Slot::Description, Slot::Promo];
const TEXTY: &[Slot] = &[Slot::Subtitle, Slot::Description];
const SHORT: &[Slot] = &[Slot::Title, Slot::Subtitle];
const PROMO_SUB: &[Slot] = &[Slot::Promo, Slot::Subtitle];

/// Violation templates. Terms follow the absolute-term and claim lists of
/// the default packs; prefixes and suffixes only give them a natural context.
const VIOLATIONS: &[Violation] = &[
    // -- absolute terms -----------------------------------------------------
    v(Kind::Absolute, Fit::Any, "", "最好", "用的", SHORT),
    v(Kind::Absolute, Fit::Any, "口碑", "最好", "", TEXTY),
    v(Kind::Absolute, Fit::Any, "", "最佳", "选择", TITLE_ANY),
    v(Kind::Absolute, Fit::Any, "送礼", "最佳", "", SHORT),
    v(Kind::Absolute, Fit::Any, "销量", "第一", "", SHORT),
    v(Kind::Absolute, Fit::Any, "", "全网第一", "", TITLE_ANY),
    v(Kind::Absolute, Fit::Any, "好评率", "全网第一", "", TEXTY),
    v(Kind::Absolute, Fit::Any, "品类", "NO.1", "", SHORT),
    v(Kind::Absolute, Fit::Any, "", "NO.1", "热卖单品", TITLE_ANY),
    v(Kind::Absolute, Fit::Any, "", "国家级", "工艺", TITLE_ANY),
    v(Kind::Absolute, Fit::Any, "", "顶级", "原料", SHORT),
    v(Kind::Absolute, Fit::Any, "采用", "顶级", "工艺打造", TEXTY),
    v(Kind::Absolute, Fit::Any, "", "极品", "好货", SHORT),
    v(
        Kind::Absolute,
        Fit::Any,
        "",
        "史无前例",
        "的低价",
        PROMO_SUB,
    ),
    v(Kind::Absolute, Fit::Any, "性能", "遥遥领先", "", TEXTY),
    v(Kind::Absolute, Fit::Any, "店铺", "王牌", "单品", SHORT),
    // -- claims: authority --------------------------------------------------
    v(Kind::Claim, Fit::Any, "", "国家领导人推荐", "", TEXTY),
    v(Kind::Claim, Fit::Food, "", "特供", "品质", SHORT),
    v(Kind::Claim, Fit::Food, "机关", "特供", "", TEXTY),
    // -- claims: superstition -----------------------------------------------
    v(Kind::Claim, Fit::Luck, "寺院大师", "开光", "", TITLE_ANY),
    v(Kind::Claim, Fit::Luck, "", "招财进宝", "", TITLE_ANY),
    // -- claims: guarantees / medical ----------------------------------------
    v(Kind::Claim, Fit::Health, "", "100%有效", "", TITLE_ANY),
    v(Kind::Claim, Fit::Health, "温和", "无副作用", "", TEXTY),
    v(Kind::Claim, Fit::Health, "", "根治", "反复问题", TEXTY),
    v(Kind::Claim, Fit::Health, "辅助", "治疗失眠", "", TITLE_ANY),
];

/// `const` constructor for [`Violation`], keeps the table on one line each.
const fn v(
    kind: Kind,
    fit: Fit,
    prefix: &'static str,
    term: &'static str,
    suffix: &'static str,
    slots: &'static [Slot],
) -> Violation {
    Violation {
        kind,
        fit,
        prefix,
        term,
        suffix,
        slots,
    }
}

/// Traditional-character spellings used for evasions (simplified → traditional).
const TRADITIONAL: &[(&str, &str)] = &[
    ("国家级", "國家級"),
    ("极品", "極品"),
    ("顶级", "頂級"),
    ("全网第一", "全網第一"),
    ("史无前例", "史無前例"),
    ("遥遥领先", "遙遙領先"),
    ("国家领导人推荐", "國家領導人推薦"),
    ("开光", "開光"),
    ("招财进宝", "招財進寶"),
    ("无副作用", "無副作用"),
    ("治疗失眠", "治療失眠"),
];

/// Separators sellers insert between characters to dodge keyword filters.
const SEPARATORS: &[&str] = &[" ", "*", "·", "-", "_", "/"];

/// Look-alikes that fit any category.
const GENERIC_LOOKALIKES: &[(&str, Slot)] = &[
    ("第一时间发货", Slot::Promo),
    ("下单后第一时间安排发货", Slot::Description),
    ("最近上新", Slot::Subtitle),
    ("店铺最近上新，欢迎收藏", Slot::Description),
    ("顾客第一，售后无忧", Slot::Description),
    ("第一次使用请先阅读说明", Slot::Description),
];

/// Adjectives / tags that fit any title.
const SEASON_TAGS: &[&str] = &[
    "2024新款",
    "2025新款",
    "秋冬新品",
    "春夏新款",
    "官方正品",
    "店长推荐",
    "新品",
    "现货速发",
];

/// Promotion texts (a listing draws one or two).
const PROMOS: &[&str] = &[
    "满199减30",
    "满99包邮",
    "第二件半价",
    "限时直降20元",
    "拍2件享9折",
    "下单送定制礼袋",
    "前200名赠试用装",
    "店铺会员专享95折",
    "领券立减15元",
    "预售定金50抵100",
    "活动时间11月1日至11月11日",
    "加购收藏优先发货",
    "晒图返5元红包",
    "两件包邮，偏远地区除外",
];

/// Generic closing sentences for descriptions.
const CLOSINGS: &[&str] = &[
    "因拍摄光线不同，实物颜色可能略有差异，请以实物为准。",
    "如有疑问请联系在线客服，工作时间9:00-22:00。",
    "支持七天无理由退换，详见店铺售后说明。",
    "发货后请留意物流信息，签收前请检查外包装。",
    "本店所有商品均提供正规发票。",
];

/// The category table.
const CATEGORIES: &[Category] = &[
    Category {
        path: "食品/坚果炒货",
        weight: 10,
        brands: &["山野集", "果小满", "禾木良品", "坚果日记", "NUTTYDAY"],
        nouns: &[
            "每日坚果",
            "夏威夷果",
            "碧根果",
            "手剥巴旦木",
            "开心果",
            "混合坚果礼盒",
            "香酥腰果",
            "五香瓜子",
        ],
        adjectives: &["奶油味", "盐焗", "原味", "低温烘焙", "大颗粒", "薄壳"],
        specs: &[
            "500g",
            "750g/30袋",
            "1kg",
            "25g*30包",
            "250g*2罐",
            "净含量680g",
        ],
        points: &[
            "颗颗饱满",
            "现炒现发",
            "独立小包装",
            "开口易剥",
            "办公室零食",
            "年货礼盒",
            "酥脆香甜",
        ],
        sentences: &[
            "精选当季原料，低温慢烘，保留坚果本身的香气。",
            "独立小袋包装，每袋25克，出门携带方便。",
            "开口设计，配送开果器，轻轻一拧即可打开。",
            "产地直采，拣选去除瘪粒和碎粒。",
            "开袋后请密封保存，避免受潮。",
        ],
        alts: &["坚果细节图", "颗粒对比图", "包装展示"],
        lookalikes: &[
            ("最佳赏味期30天", Slot::Description),
            ("开袋后最佳赏味期为7天", Slot::Description),
        ],
        price: (19, 159),
        claims: &[Fit::Food],
    },
    Category {
        path: "食品/茶叶",
        weight: 6,
        brands: &["茶里春秋", "云栖茶社", "竹溪山房", "一叶知山"],
        nouns: &[
            "明前龙井",
            "安吉白茶",
            "正山小种",
            "普洱熟茶饼",
            "铁观音",
            "茉莉花茶",
        ],
        adjectives: &["浓香型", "清香型", "高山", "手工炒制", "新茶"],
        specs: &["250g", "100g罐装", "357g茶饼", "礼盒装500g", "袋泡3g*30包"],
        points: &["口粮茶", "送长辈", "耐泡回甘", "产地直发", "春茶上市"],
        sentences: &[
            "茶园位于海拔800米以上的山区，云雾缭绕，昼夜温差大。",
            "冲泡建议使用85-90℃热水，温杯后即可投茶。",
            "条索紧结，汤色明亮，入口回甘。",
            "密封、避光、防潮保存。",
        ],
        alts: &["干茶细节", "茶汤展示", "茶园实拍"],
        lookalikes: &[("最佳赏味期18个月", Slot::Description)],
        price: (39, 599),
        claims: &[Fit::Food, Fit::Health],
    },
    Category {
        path: "食品/食用油",
        weight: 4,
        brands: &["橄榄湾", "禾木良品", "田园小灶"],
        nouns: &["橄榄油", "食用橄榄油", "橄榄油礼盒", "烹饪橄榄油"],
        adjectives: &["西班牙原瓶", "冷榨", "家用", "小瓶装", "低酸度"],
        specs: &["500ml", "1L*2瓶", "5L桶装", "750ml礼盒"],
        points: &["凉拌炒菜", "家用实惠", "厨房好帮手", "烘焙可用"],
        sentences: &[
            "低温物理压榨，保留原有风味。",
            "适合凉拌、煎炒和烘焙。",
            "开封后请拧紧瓶盖，置于阴凉处保存。",
        ],
        alts: &["瓶身细节", "油色展示"],
        lookalikes: &[
            ("特级初榨", Slot::Title),
            ("西班牙特级初榨橄榄油，酸度不高于0.8%", Slot::Description),
        ],
        price: (29, 229),
        claims: &[Fit::Food],
    },
    Category {
        path: "服饰/T恤",
        weight: 10,
        brands: &["棉知道", "衣见倾心", "北纬原野", "LOOSEFIT", "素川"],
        nouns: &[
            "短袖T恤",
            "圆领T恤",
            "印花T恤",
            "重磅T恤",
            "冰丝速干T恤",
            "polo衫",
        ],
        adjectives: &["宽松", "纯色", "情侣款", "男女同款", "oversize", "日系"],
        specs: &["S-3XL", "多色可选", "M/L/XL", "230g重磅"],
        points: &[
            "透气吸汗",
            "不易起球",
            "宽松百搭",
            "夏季打底",
            "亲肤柔软",
            "领口不易变形",
        ],
        sentences: &[
            "精梳棉面料，手感柔软，穿着透气。",
            "落肩版型，宽松不挑身材。",
            "罗纹领口，多次洗涤不易变形。",
            "建议冷水手洗，反面晾干，不可漂白。",
        ],
        alts: &["面料细节", "模特上身图", "尺码表"],
        lookalikes: &[
            ("100%纯棉", Slot::Title),
            ("面料成分：100%纯棉", Slot::Description),
        ],
        price: (29, 199),
        claims: &[],
    },
    Category {
        path: "服饰/连衣裙",
        weight: 6,
        brands: &["衣见倾心", "花间语", "素川"],
        nouns: &["碎花连衣裙", "雪纺长裙", "针织连衣裙", "衬衫裙", "吊带裙"],
        adjectives: &["法式", "收腰", "复古", "温柔风", "小个子"],
        specs: &["S/M/L", "均码", "两色可选"],
        points: &["气质通勤", "约会出游", "垂感好", "显高显瘦"],
        sentences: &[
            "面料垂坠，行走间自然飘逸。",
            "后背隐形拉链，穿脱方便。",
            "模特身高165cm，体重48kg，穿S码。",
        ],
        alts: &["裙摆细节", "模特实拍"],
        lookalikes: &[("里衬100%纯棉，贴身不闷", Slot::Description)],
        price: (69, 399),
        claims: &[],
    },
    Category {
        path: "服饰/羽绒服",
        weight: 4,
        brands: &["北纬原野", "暖遇", "雪线"],
        nouns: &["短款羽绒服", "连帽羽绒服", "面包服", "轻薄羽绒马甲"],
        adjectives: &["加厚", "白鸭绒", "90白鹅绒", "防风", "可拆卸帽"],
        specs: &["充绒量180g", "S-XXL", "三色可选"],
        points: &["防风保暖", "轻便蓬松", "冬季外套", "通勤百搭"],
        sentences: &[
            "含绒量90%，蓬松度高，轻盈保暖。",
            "防钻绒面料，袖口防风设计。",
            "建议干洗或专用洗涤剂手洗。",
        ],
        alts: &["充绒细节", "面料防泼水演示"],
        lookalikes: &[("内里100%纯棉抓绒", Slot::Description)],
        price: (199, 999),
        claims: &[],
    },
    Category {
        path: "家电/吸尘器",
        weight: 6,
        brands: &["净享家", "尘小净", "KOZYHOME", "洁立方"],
        nouns: &["无线手持吸尘器", "除螨仪", "扫拖一体机", "车载吸尘器"],
        adjectives: &["大吸力", "轻量化", "家用", "静音"],
        specs: &["22000Pa", "续航60分钟", "0.6L尘杯", "多刷头"],
        points: &["宠物家庭适用", "一键倒尘", "可水洗滤网", "轻松除尘"],
        sentences: &[
            "多锥旋风分离，吸力持久稳定。",
            "整机重量约1.4kg，单手即可操作。",
            "配备缝隙吸头和床褥刷头。",
            "充电约4小时，标准模式续航约60分钟。",
        ],
        alts: &["刷头细节", "尘杯结构图", "续航参数"],
        lookalikes: &[
            ("最大功率450W", Slot::Title),
            ("额定电压220V，最大功率450W", Slot::Description),
        ],
        price: (199, 1999),
        claims: &[],
    },
    Category {
        path: "家电/电饭煲",
        weight: 5,
        brands: &["厨小宝", "禾田电器", "KOZYHOME"],
        nouns: &["智能电饭煲", "IH电饭煲", "迷你电饭锅", "低糖电饭煲"],
        adjectives: &["家用", "多功能", "球釜内胆", "预约定时"],
        specs: &["3L", "4L", "5L", "1.6L"],
        points: &["24小时预约", "一键煮粥", "不粘内胆", "米饭香软"],
        sentences: &[
            "IH电磁加热，受热均匀。",
            "支持精煮、快煮、煲粥、蒸煮等模式。",
            "内胆不粘涂层，清洗方便。",
        ],
        alts: &["内胆细节", "操作面板"],
        lookalikes: &[
            ("一级能效", Slot::Title),
            ("能效等级：一级能效", Slot::Description),
        ],
        price: (129, 1299),
        claims: &[],
    },
    Category {
        path: "家电/电热水壶",
        weight: 4,
        brands: &["厨小宝", "禾田电器", "洁立方"],
        nouns: &["电热水壶", "保温烧水壶", "养生壶"],
        adjectives: &["304不锈钢", "双层防烫", "恒温", "家用"],
        specs: &["1.5L", "1.7L", "1.8L"],
        points: &["快速烧水", "自动断电", "防干烧", "一键保温"],
        sentences: &[
            "食品级304不锈钢内胆，无缝一体。",
            "沸腾自动断电，防干烧保护。",
            "底座360°旋转，左右手都方便。",
        ],
        alts: &["壶口细节", "底座结构"],
        lookalikes: &[
            ("最大功率1800W", Slot::Title),
            ("额定功率1500W，最大功率1800W", Slot::Description),
        ],
        price: (59, 399),
        claims: &[],
    },
    Category {
        path: "家电/空气炸锅",
        weight: 4,
        brands: &["厨小宝", "KOZYHOME", "烤知道"],
        nouns: &["空气炸锅", "可视空气炸锅", "电烤箱炸锅一体机"],
        adjectives: &["大容量", "家用", "智能", "免翻面"],
        specs: &["5.5L", "6L", "4.5L"],
        points: &["少油烹饪", "可视窗口", "不粘涂层", "定时控温"],
        sentences: &[
            "360°热风循环，食材受热均匀。",
            "可视窗口，烹饪过程一目了然。",
            "炸篮可拆洗，支持洗碗机清洗。",
        ],
        alts: &["炸篮细节", "可视窗展示"],
        lookalikes: &[
            ("最大功率1500W", Slot::Description),
            ("一级能效", Slot::Subtitle),
        ],
        price: (159, 699),
        claims: &[],
    },
    Category {
        path: "美妆/面霜",
        weight: 7,
        brands: &["悦颜堂", "肌本源", "花间语", "LUMIOVA"],
        nouns: &["保湿面霜", "修护霜", "滋润乳霜", "睡眠面膜霜"],
        adjectives: &["清爽型", "滋润型", "秋冬", "温和"],
        specs: &["50g", "30g*2瓶", "50ml"],
        points: &["补水保湿", "滋润不油腻", "质地轻薄", "易推开"],
        sentences: &[
            "质地轻盈，上脸易推开，吸收快。",
            "洁面后取适量均匀涂抹于面部。",
            "含有神经酰胺与角鲨烷成分。",
            "请置于阴凉干燥处，避免阳光直射。",
        ],
        alts: &["膏体质地", "成分表", "使用步骤"],
        lookalikes: &[("第一次使用建议先在耳后试用", Slot::Description)],
        price: (59, 599),
        claims: &[Fit::Health],
    },
    Category {
        path: "美妆/口红",
        weight: 5,
        brands: &["悦颜堂", "LUMIOVA", "花间语", "唇语"],
        nouns: &["丝绒雾面口红", "唇釉", "润唇膏", "唇泥"],
        adjectives: &["哑光", "水光", "持久", "不易沾杯"],
        specs: &["3.5g", "礼盒装3支", "多色号可选"],
        points: &["显白", "秋冬新色", "上嘴顺滑", "薄涂厚涂都好看"],
        sentences: &[
            "质地顺滑，一抹显色。",
            "膏体细腻，不易拔干。",
            "建议先用润唇膏打底。",
        ],
        alts: &["色号试色", "膏体细节"],
        lookalikes: &[
            ("色号NO.12", Slot::Title),
            ("色号NO.16", Slot::Subtitle),
            ("本款色号NO.12为砖红色", Slot::Description),
        ],
        price: (49, 399),
        claims: &[],
    },
    Category {
        path: "美妆/精华",
        weight: 5,
        brands: &["肌本源", "LUMIOVA", "悦颜堂"],
        nouns: &["玻尿酸精华液", "烟酰胺精华", "精华水", "安瓶精华"],
        adjectives: &["保湿", "清爽", "滴管瓶", "小样装"],
        specs: &["30ml", "50ml", "2ml*7支"],
        points: &["补水锁水", "质地清爽", "吸收快", "早晚可用"],
        sentences: &[
            "精华质地清透，轻拍即可吸收。",
            "洁面、爽肤后取2-3滴使用。",
            "开封后建议6个月内用完。",
        ],
        alts: &["滴管细节", "质地展示"],
        lookalikes: &[("第一次使用可先少量试用", Slot::Description)],
        price: (79, 899),
        claims: &[Fit::Health],
    },
    Category {
        path: "保健/营养补充",
        weight: 5,
        brands: &["养元谷", "每日维康", "NUTRIDAY"],
        nouns: &[
            "维生素C咀嚼片",
            "钙镁锌片",
            "鱼油软胶囊",
            "叶黄素软糖",
            "复合维生素片",
        ],
        adjectives: &["成人", "中老年", "橙子味", "易吞咽"],
        specs: &["60粒", "100片", "400g罐装", "90粒*2瓶"],
        points: &["营养补充", "全家可用", "每日一粒", "便携装"],
        sentences: &[
            "每日1-2片，随餐食用。",
            "本品不能代替药物。",
            "儿童、孕妇请在专业人士指导下食用。",
        ],
        alts: &["营养成分表", "片剂展示"],
        lookalikes: &[("最佳食用时间为早餐后", Slot::Description)],
        price: (39, 499),
        claims: &[Fit::Health, Fit::Food],
    },
    Category {
        path: "文玩/手串",
        weight: 5,
        brands: &["木语坊", "檀香阁", "山川集"],
        nouns: &[
            "小叶紫檀手串",
            "星月菩提手串",
            "绿檀手串",
            "沉香手串",
            "黄花梨手串",
        ],
        adjectives: &["老料", "高密度", "手工打磨", "男女款"],
        specs: &["2.0*108颗", "1.5cm*12颗", "8mm"],
        points: &["纹理清晰", "盘玩包浆", "送朋友", "附证书卡"],
        sentences: &[
            "每一串都经过手工打磨，珠子大小均匀。",
            "天然木材，纹理各不相同，以实物为准。",
            "避免长时间浸水和暴晒。",
        ],
        alts: &["珠子纹理", "手腕佩戴图"],
        lookalikes: &[("第一次盘玩请戴手套", Slot::Description)],
        price: (49, 1999),
        claims: &[Fit::Luck],
    },
];

// ---------------------------------------------------------------------------
// Listing construction
// ---------------------------------------------------------------------------

/// A generated listing; fields in canonical order (SPEC §1).
struct Listing {
    id: String,
    title: String,
    subtitle: String,
    description: String,
    category: &'static str,
    brand: &'static str,
    price: String,
    original_price: String,
    promo_text: String,
}

/// Canonical field names, in output order.
const HEADER: [&str; 9] = [
    "id",
    "title",
    "subtitle",
    "description",
    "category",
    "brand",
    "price",
    "original_price",
    "promo_text",
];

impl Listing {
    fn fields(&self) -> [&str; 9] {
        [
            &self.id,
            &self.title,
            &self.subtitle,
            &self.description,
            self.category,
            self.brand,
            &self.price,
            &self.original_price,
            &self.promo_text,
        ]
    }
}

/// One injected phrase, for the truth file and `--stats`.
struct Injection {
    /// `absolute`, `claim`, `evasion-fullwidth`, `evasion-traditional`,
    /// `evasion-separator` or `lookalike`.
    kind: &'static str,
    /// The family of the underlying term (`absolute` / `claim`), or
    /// `lookalike`.
    family: &'static str,
    slot: Slot,
    /// The canonical term (for look-alikes: the phrase itself).
    term: &'static str,
    /// The phrase exactly as written into the field.
    text: String,
}

/// Listing under construction: parts that are assembled at the end, so
/// injected phrases can land anywhere.
struct Draft {
    title: Vec<String>,
    subtitle: Vec<String>,
    sentences: Vec<String>,
    alt: String,
    promo: Vec<String>,
}

impl Draft {
    /// Inserts `text` into `slot` at a random position.
    fn insert(&mut self, rng: &mut Rng, slot: Slot, text: String, html: bool) {
        match slot {
            Slot::Title => {
                let at = rng.below(self.title.len() + 1).max(1); // keep the brand first
                self.title.insert(at.min(self.title.len()), text);
            }
            Slot::Subtitle => {
                let at = rng.below(self.subtitle.len() + 1);
                self.subtitle.insert(at, text);
            }
            Slot::Description => {
                // In an HTML description, sometimes hide the phrase in the
                // image alt text (scanned as visible text per SPEC §1).
                if html && rng.chance(0.3) {
                    self.alt = format!("{}，{}", self.alt, text);
                } else {
                    let at = rng.below(self.sentences.len() + 1);
                    self.sentences.insert(at, format!("{text}。"));
                }
            }
            Slot::Promo => {
                let at = rng.below(self.promo.len() + 1);
                self.promo.insert(at, text);
            }
        }
    }
}

/// Generator state: configuration, PRNG, and running counters.
struct Generator {
    cfg: Config,
    rng: Rng,
    category_total: u32,
    stats: Stats,
}

/// Counters reported by `--stats`.
#[derive(Default)]
struct Stats {
    listings: u64,
    with_violation: u64,
    violations: u64,
    absolute: u64,
    claims: u64,
    evasions: u64,
    with_lookalike: u64,
    lookalikes: u64,
    html: u64,
    bytes: u64,
}

impl Generator {
    fn new(cfg: Config) -> Self {
        let rng = Rng::new(cfg.seed);
        let category_total = CATEGORIES.iter().map(|c| c.weight).sum();
        Generator {
            cfg,
            rng,
            category_total,
            stats: Stats::default(),
        }
    }

    fn pick_category(&mut self) -> &'static Category {
        let mut n = self.rng.below(self.category_total as usize) as u32;
        for c in CATEGORIES {
            if n < c.weight {
                return c;
            }
            n -= c.weight;
        }
        &CATEGORIES[CATEGORIES.len() - 1]
    }

    /// Builds listing number `index` (1-based) and the phrases injected into it.
    fn listing(&mut self, index: u64, id_width: usize) -> (Listing, Vec<Injection>) {
        let cat = self.pick_category();
        let rng = &mut self.rng;
        let html = rng.chance(self.cfg.html_rate);
        let noun = *rng.pick(cat.nouns);
        let brand = *rng.pick(cat.brands);

        // Title: brand, tag, adjectives + noun, spec, one or two selling points.
        let mut title = vec![brand.to_string()];
        if rng.chance(0.6) {
            title.push(rng.pick(SEASON_TAGS).to_string());
        }
        let adj = *rng.pick(cat.adjectives);
        if rng.chance(0.5) {
            let adj2 = *rng.pick(cat.adjectives);
            if adj2 != adj {
                title.push(format!("{adj}{adj2}{noun}"));
            } else {
                title.push(format!("{adj}{noun}"));
            }
        } else {
            title.push(format!("{adj}{noun}"));
        }
        title.push(rng.pick(cat.specs).to_string());
        let p1 = *rng.pick(cat.points);
        title.push(p1.to_string());
        if rng.chance(0.5) {
            let p2 = *rng.pick(cat.points);
            if p2 != p1 {
                title.push(p2.to_string());
            }
        }

        // Subtitle: one or two selling points.
        let mut subtitle = vec![rng.pick(cat.points).to_string()];
        if rng.chance(0.6) {
            let p = rng.pick(cat.points).to_string();
            if p != subtitle[0] {
                subtitle.push(p);
            }
        }

        // Description: two to four detail sentences plus maybe a closing line.
        let mut sentences: Vec<String> = Vec::new();
        let n = 2 + rng.below(3);
        let start = rng.below(cat.sentences.len());
        for k in 0..n.min(cat.sentences.len()) {
            sentences.push(cat.sentences[(start + k) % cat.sentences.len()].to_string());
        }
        if rng.chance(0.4) {
            sentences.push(rng.pick(CLOSINGS).to_string());
        }

        // Promotion: one or two items, or none.
        let mut promo = Vec::new();
        if rng.chance(self.cfg.promo_rate) {
            promo.push(rng.pick(PROMOS).to_string());
            if rng.chance(0.3) {
                let p = rng.pick(PROMOS).to_string();
                if p != promo[0] {
                    promo.push(p);
                }
            }
        }

        let mut draft = Draft {
            title,
            subtitle,
            sentences,
            alt: rng.pick(cat.alts).to_string(),
            promo,
        };
        let mut injected = Vec::new();

        // Look-alikes (must not be flagged).
        if rng.chance(self.cfg.lookalike_rate) {
            let count = if rng.chance(0.25) { 2 } else { 1 };
            let mut used: Vec<&str> = Vec::new();
            for _ in 0..count {
                let use_generic = cat.lookalikes.is_empty() || rng.chance(0.4);
                let &(text, slot) = if use_generic {
                    rng.pick(GENERIC_LOOKALIKES)
                } else {
                    rng.pick(cat.lookalikes)
                };
                if used.contains(&text) {
                    continue;
                }
                used.push(text);
                draft.insert(rng, slot, text.to_string(), html);
                injected.push(Injection {
                    kind: "lookalike",
                    family: "lookalike",
                    slot,
                    term: text,
                    text: text.to_string(),
                });
            }
        }

        // Violations (should be flagged), sometimes disguised.
        if rng.chance(self.cfg.violation_rate) {
            let count = if rng.chance(self.cfg.multi_rate) {
                2
            } else {
                1
            };
            for _ in 0..count {
                let viol = pick_violation(rng, cat);
                let slot = *rng.pick(viol.slots);
                let (term_text, kind) = if rng.chance(self.cfg.evasion_rate) {
                    evade(rng, viol.term)
                } else {
                    (
                        viol.term.to_string(),
                        match viol.kind {
                            Kind::Absolute => "absolute",
                            Kind::Claim => "claim",
                        },
                    )
                };
                let text = format!("{}{}{}", viol.prefix, term_text, viol.suffix);
                draft.insert(rng, slot, text.clone(), html);
                injected.push(Injection {
                    kind,
                    family: match viol.kind {
                        Kind::Absolute => "absolute",
                        Kind::Claim => "claim",
                    },
                    slot,
                    term: viol.term,
                    text,
                });
            }
        }

        // Assemble.
        let title_sep = if rng.chance(0.5) { " " } else { "" };
        let subtitle_sep = *rng.pick(&["，", " ", "|"]);
        let description = if html {
            let split = draft.sentences.len().div_ceil(2);
            let (a, b) = draft.sentences.split_at(split);
            let nl = if rng.chance(0.5) { "\n" } else { "" };
            let img = rng.range(1, 12);
            format!(
                "<p>{}</p>{nl}<p>{}</p>{nl}<img src=\"detail_{img:02}.jpg\" alt=\"{}\">",
                a.concat(),
                b.concat(),
                draft.alt
            )
        } else {
            draft.sentences.concat()
        };

        let (price, original_price) = prices(rng, cat.price);

        let listing = Listing {
            id: format!("GEN-{index:0id_width$}"),
            title: join_parts(&draft.title, title_sep),
            subtitle: draft.subtitle.join(subtitle_sep),
            description,
            category: cat.path,
            brand,
            price,
            original_price,
            promo_text: draft.promo.join("，"),
        };

        let s = &mut self.stats;
        s.listings += 1;
        s.html += u64::from(html);
        let viol: Vec<_> = injected
            .iter()
            .filter(|i| i.family != "lookalike")
            .collect();
        s.with_violation += u64::from(!viol.is_empty());
        s.violations += viol.len() as u64;
        s.absolute += viol.iter().filter(|i| i.family == "absolute").count() as u64;
        s.claims += viol.iter().filter(|i| i.family == "claim").count() as u64;
        s.evasions += viol
            .iter()
            .filter(|i| i.kind.starts_with("evasion"))
            .count() as u64;
        let looks = injected.len() - viol.len();
        s.with_lookalike += u64::from(looks > 0);
        s.lookalikes += looks as u64;

        (listing, injected)
    }
}

/// Joins title parts with `sep`; when `sep` is empty, a space still goes
/// between two Latin letters or digits (`KOZYHOME NO.1`, `1.8L NO.1`,
/// `NO.1 2025新款`), as sellers write it, so that injected terms stay
/// recognisable and the truth file stays honest.
fn join_parts(parts: &[String], sep: &str) -> String {
    fn latin(c: Option<char>) -> bool {
        c.is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
        })
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            if sep.is_empty() && latin(out.chars().next_back()) && latin(part.chars().next()) {
                out.push(' ');
            } else {
                out.push_str(sep);
            }
        }
        out.push_str(part);
    }
    out
}

/// Picks a violation template that fits the category.
fn pick_violation(rng: &mut Rng, cat: &Category) -> &'static Violation {
    // Category-specific claims a third of the time (when the category has
    // any); otherwise anything marked `Fit::Any`.
    if !cat.claims.is_empty() && rng.chance(0.35) {
        let fit = *rng.pick(cat.claims);
        let fitting: Vec<&Violation> = VIOLATIONS.iter().filter(|v| v.fit == fit).collect();
        if !fitting.is_empty() {
            return fitting[rng.below(fitting.len())];
        }
    }
    let any: Vec<&Violation> = VIOLATIONS.iter().filter(|v| v.fit == Fit::Any).collect();
    any[rng.below(any.len())]
}

/// Rewrites `term` as an evasion: full-width, traditional, or separated.
/// Returns the new text and the evasion kind.
fn evade(rng: &mut Rng, term: &str) -> (String, &'static str) {
    let has_ascii = term.chars().any(|c| c.is_ascii_graphic());
    let traditional = TRADITIONAL
        .iter()
        .find(|(s, _)| *s == term)
        .map(|(_, t)| *t);
    let mut options: Vec<&'static str> = Vec::new();
    if has_ascii {
        options.push("fullwidth");
    }
    if traditional.is_some() {
        options.push("traditional");
    }
    if !has_ascii && term.chars().count() >= 2 {
        options.push("separator");
    }
    match *rng.pick(&options) {
        "fullwidth" => (to_fullwidth(term), "evasion-fullwidth"),
        "traditional" => (
            traditional.unwrap_or(term).to_string(),
            "evasion-traditional",
        ),
        _ => {
            let sep = *rng.pick(SEPARATORS);
            let chars: Vec<String> = term.chars().map(String::from).collect();
            (chars.join(sep), "evasion-separator")
        }
    }
}

/// Maps printable ASCII to the full-width forms (U+FF01..U+FF5E).
fn to_fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Draws a selling price in the category's range and, for most listings, a
/// higher struck-through price. Integer arithmetic only (deterministic).
fn prices(rng: &mut Rng, (lo, hi): (u32, u32)) -> (String, String) {
    let yuan = rng.range(lo, hi);
    let cents = *rng.pick(&[0u32, 0, 0, 90, 99, 80, 50]);
    let price_cents = yuan * 100 + cents;
    let price = format!("{}.{:02}", price_cents / 100, price_cents % 100);
    let original = if rng.chance(0.7) {
        // 110 %–200 % of the price, rounded up to whole yuan.
        let pct = rng.range(110, 200);
        let orig = (price_cents * pct).div_ceil(100 * 100);
        format!("{orig}.00")
    } else {
        String::new()
    };
    (price, original)
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// Appends `s` as a JSON string literal.
fn push_json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::Value::from(s).to_string());
}

/// Appends one listing as a JSON object line (fields in canonical order).
fn push_jsonl(out: &mut String, listing: &Listing) {
    out.push('{');
    for (i, (name, value)) in HEADER.iter().zip(listing.fields()).enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(out, name);
        out.push(':');
        push_json_str(out, value);
    }
    out.push_str("}\n");
}

/// Appends one CSV field, quoted per RFC 4180 when it contains a comma,
/// quote, CR or LF, or leading/trailing spaces.
fn push_csv_field(out: &mut String, s: &str) {
    let needs_quotes = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs_quotes {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends one CSV record (LF line ending).
fn push_csv_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_field(out, f);
    }
    out.push('\n');
}

/// Appends one truth-file line per injected phrase.
fn push_truth(out: &mut String, id: &str, injected: &[Injection]) {
    for inj in injected {
        out.push_str("{\"id\":");
        push_json_str(out, id);
        out.push_str(",\"kind\":");
        push_json_str(out, inj.kind);
        out.push_str(",\"family\":");
        push_json_str(out, inj.family);
        out.push_str(",\"field\":");
        push_json_str(out, inj.slot.name());
        out.push_str(",\"term\":");
        push_json_str(out, inj.term);
        out.push_str(",\"text\":");
        push_json_str(out, &inj.text);
        out.push_str("}\n");
    }
}

/// Opens `path` for writing, or stdout for `None`.
fn open_output(path: Option<&str>) -> io::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(BufWriter::with_capacity(1 << 16, File::create(p)?)),
        None => Box::new(BufWriter::with_capacity(1 << 16, io::stdout().lock())),
    })
}

/// Generates the whole corpus.
fn run(cfg: Config) -> io::Result<Stats> {
    let mut out = open_output(cfg.output.as_deref())?;
    let mut truth = match cfg.truth.as_deref() {
        Some(p) => Some(open_output(Some(p))?),
        None => None,
    };
    let id_width = cfg.listings.to_string().len().max(6);
    let format = cfg.format;
    let mut gen = Generator::new(cfg);

    let mut buf = String::with_capacity(1 << 12);
    if format == Format::Csv {
        push_csv_record(&mut buf, HEADER);
        out.write_all(buf.as_bytes())?;
        gen.stats.bytes += buf.len() as u64;
    }
    let mut truth_buf = String::new();
    for index in 1..=gen.cfg.listings {
        let (listing, injected) = gen.listing(index, id_width);
        buf.clear();
        match format {
            Format::Jsonl => push_jsonl(&mut buf, &listing),
            Format::Csv => push_csv_record(&mut buf, listing.fields()),
        }
        out.write_all(buf.as_bytes())?;
        gen.stats.bytes += buf.len() as u64;
        if let Some(t) = truth.as_mut() {
            truth_buf.clear();
            push_truth(&mut truth_buf, &listing.id, &injected);
            t.write_all(truth_buf.as_bytes())?;
        }
    }
    out.flush()?;
    if let Some(t) = truth.as_mut() {
        t.flush()?;
    }
    Ok(gen.stats)
}

fn print_stats(s: &Stats) {
    let pct = |n: u64| {
        if s.listings == 0 {
            0.0
        } else {
            100.0 * n as f64 / s.listings as f64
        }
    };
    eprintln!(
        "gen_corpus: {} listings, {} bytes ({:.0} B/listing)",
        s.listings,
        s.bytes,
        if s.listings == 0 {
            0.0
        } else {
            s.bytes as f64 / s.listings as f64
        }
    );
    eprintln!(
        "  with violation: {} ({:.1}%), violations: {} (absolute {}, claim {}), of which evasions: {}",
        s.with_violation,
        pct(s.with_violation),
        s.violations,
        s.absolute,
        s.claims,
        s.evasions
    );
    eprintln!(
        "  with look-alike: {} ({:.1}%), look-alikes: {}; HTML descriptions: {} ({:.1}%)",
        s.with_lookalike,
        pct(s.with_lookalike),
        s.lookalikes,
        s.html,
        pct(s.html)
    );
}

fn main() -> ExitCode {
    let cfg = match parse_args(std::env::args().skip(1)) {
        Ok(Some(cfg)) => cfg,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("gen_corpus: {msg}");
            return ExitCode::from(2);
        }
    };
    let stats_wanted = cfg.stats;
    match run(cfg) {
        Ok(stats) => {
            if stats_wanted {
                print_stats(&stats);
            }
            ExitCode::SUCCESS
        }
        // `gen_corpus | head` is fine.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
