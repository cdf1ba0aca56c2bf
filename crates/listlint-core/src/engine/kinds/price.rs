//! Kind `price`: original prices (划线价) against the price and the price
//! history, 先涨后降, discount wording against the numbers, and the basis of
//! an original price. Which check a rule runs and its parameters (window,
//! tolerances, fields) are pack data.
//!
//! Prices are read with [`crate::money::parse_price`]; a range is compared
//! by its low end. The promotion starts on `promo_start` or, without one, on
//! `--as-of`. "The N days before" the start are the N calendar days ending the
//! day before it.

pub(crate) mod kind;

use regex::Regex;

use crate::date::Date;
use crate::history::{PriceHistory, Sale};
use crate::listing::Listing;
use crate::money::{parse_amount, parse_price, Money};
use crate::text::normalize::Normalized;

/// Which check a price rule runs, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceCheck {
    /// The original price, when shown, must be above the price.
    OriginalAbovePrice,
    /// The original price must not exceed the lowest transaction price of
    /// the `window_days` before the promotion, or without trades in that
    /// window the last one before it.
    OriginalVsHistory {
        /// Days before the promotion start.
        window_days: i64,
        /// Report an original price with no trade at all in the history.
        report_missing: bool,
    },
    /// 先涨后降: a raise within `raise_window_days` before the start, above
    /// the level of the `lookback_days` before that by more than
    /// `raise_percent`, and a price now not really below that level.
    RaiseThenDiscount {
        /// Days before the start in which a raise counts.
        raise_window_days: i64,
        /// Days before the start that make the "before" level.
        lookback_days: i64,
        /// How much higher (percent) counts as a raise.
        raise_percent: f64,
    },
    /// Discount wording in text must agree with the numbers.
    DiscountClaim,
    /// An original price needs one of the basis fields.
    OriginalBasis {
        /// Fields that explain the original price.
        basis_fields: Vec<String>,
    },
}

/// Names of the checks, as packs write them.
pub const CHECK_NAMES: &[&str] = &[
    "original-above-price",
    "original-vs-history",
    "raise-then-discount",
    "discount-claim",
    "original-basis",
];

/// Run-time data of a price rule.
#[derive(Debug, Clone)]
pub struct PriceRule {
    /// The check.
    pub check: PriceCheck,
    /// Field with the selling price.
    pub price_field: String,
    /// Field with the original (struck-through) price.
    pub original_field: String,
    /// Tolerance in money (舍零取整).
    pub tolerance: Money,
    /// Tolerance on a 折 ratio, in points of percent.
    pub tolerance_percent: f64,
}

/// Where a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The listing as a whole.
    Listing,
    /// A whole field value (trimmed).
    Field(String),
    /// Characters `[first, last)` of the normalised text of a scanned field.
    Text {
        /// Index into the ruleset's scan fields.
        field_index: usize,
        /// First normalised character.
        first: usize,
        /// One past the last.
        last: usize,
    },
}

/// A price problem: where, and what the numbers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceProblem {
    /// Where.
    pub place: Place,
    /// The detail, with the numbers.
    pub detail: String,
}

/// What a price check can look at.
pub struct PriceContext<'a> {
    /// The listing.
    pub listing: &'a Listing,
    /// The history, if `--price-history` was given.
    pub history: Option<&'a PriceHistory>,
    /// `--as-of`.
    pub as_of: Date,
    /// The normalised text of each scanned field (`None`: absent).
    pub texts: &'a [Option<&'a Normalized>],
    /// Whether this rule scans each of those fields.
    pub scans: &'a [bool],
    /// Whose prices are checked.
    pub scope: PriceScope,
    /// The price fields of the ruleset, already parsed for this listing (or
    /// variant); others are parsed on demand.
    pub prices: &'a [(&'a str, Option<Money>)],
}

/// Whose prices a price check looks at. A product with variants (a grouped
/// Shopify product) is checked once as a whole and once per variant; each
/// check runs where it makes sense (see [`PriceRule::runs_in`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceScope {
    /// A listing without variants: its own fields.
    Listing,
    /// A product with variants as a whole: `price` and `original_price`
    /// hold the range of its variants' prices, read by the low end.
    Product,
    /// One variant of a product (1-based): its `variant.N.*` fields.
    Variant(usize),
}

impl PriceScope {
    /// The scopes a listing is checked in: a grouped product with variants
    /// as a whole and then each variant, any other listing as itself.
    pub fn of(listing: &Listing) -> Vec<PriceScope> {
        // Only the Shopify grouping writes `variant.N.line`; a listing
        // without it (nearly all) costs one lookup and no formatting.
        if listing.get("variant.1.line").is_none() {
            return vec![PriceScope::Listing];
        }
        let count = (1..)
            .take_while(|n| listing.get(&format!("variant.{n}.line")).is_some())
            .count();
        if count < 2 {
            return vec![PriceScope::Listing];
        }
        std::iter::once(PriceScope::Product)
            .chain((1..=count).map(PriceScope::Variant))
            .collect()
    }

    /// A variant's `line` or `label`, for a variant scope.
    pub fn variant_info<'l>(self, listing: &'l Listing, what: &str) -> Option<&'l str> {
        match self {
            PriceScope::Variant(n) => listing.get(&format!("variant.{n}.{what}")),
            _ => None,
        }
    }

    /// The name under which the listing holds `field` for this scope.
    pub fn field_name(self, field: &str) -> std::borrow::Cow<'_, str> {
        match self {
            PriceScope::Variant(n) => std::borrow::Cow::Owned(format!("variant.{n}.{field}")),
            _ => std::borrow::Cow::Borrowed(field),
        }
    }

    /// The name of the field [`Self::value`] reads `field` from.
    pub fn stored_name<'f>(self, listing: &Listing, field: &'f str) -> std::borrow::Cow<'f, str> {
        let name = self.field_name(field);
        if listing.get(&name).is_none() && self == PriceScope::Variant(1) {
            let own_row = field != "price" && field != "original_price";
            if own_row && listing.get(field).is_some() {
                return std::borrow::Cow::Borrowed(field);
            }
        }
        name
    }

    /// The value of `field` for this scope. The first variant is the
    /// product's own row: a field other than the two price fields (which
    /// the product holds as ranges) is read from the product.
    pub fn value<'l>(self, listing: &'l Listing, field: &str) -> Option<&'l str> {
        match self {
            PriceScope::Variant(n) => listing.get(&format!("variant.{n}.{field}")).or_else(|| {
                let own_row = n == 1 && field != "price" && field != "original_price";
                own_row.then(|| listing.get(field)).flatten()
            }),
            _ => listing.get(field),
        }
    }
}

impl PriceContext<'_> {
    fn price(&self, field: &str) -> Option<Money> {
        if let Some((_, parsed)) = self.prices.iter().find(|(f, _)| *f == field) {
            return *parsed;
        }
        let value = self.scope.value(self.listing, field)?;
        parse_price(value).ok()?.amount()
    }

    /// The promotion start, and a note when `promo_start` was unreadable.
    fn promo_start(&self) -> (Date, &'static str) {
        match self
            .listing
            .get("promo_start")
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => (self.as_of, ""),
            Some(text) => match Date::parse(text) {
                Some(date) => (date, ""),
                None => (self.as_of, "（活动开始时间无法识别，按检查日期计算）"),
            },
        }
    }

    fn sales(&self) -> Option<&[Sale]> {
        let history = self.history?;
        Some(self.listing.id().map_or(&[][..], |id| history.sales(id)))
    }
}

impl PriceRule {
    /// Whether the check runs in `scope`: a variant's own price pair is
    /// checked per variant; the history (kept per product id) against the
    /// product as a whole; discount claims in both, each claim where it
    /// belongs (see [`ClaimKind::is_lowest`]).
    pub fn runs_in(&self, scope: PriceScope) -> bool {
        match self.check {
            PriceCheck::OriginalAbovePrice | PriceCheck::OriginalBasis { .. } => {
                scope != PriceScope::Product
            }
            PriceCheck::OriginalVsHistory { .. } | PriceCheck::RaiseThenDiscount { .. } => {
                !matches!(scope, PriceScope::Variant(_))
            }
            PriceCheck::DiscountClaim => true,
        }
    }

    /// Runs the check on a listing.
    pub fn check(&self, ctx: &PriceContext<'_>) -> Vec<PriceProblem> {
        let price = ctx.price(&self.price_field);
        let original = ctx.price(&self.original_field);
        let at_original = || Place::Field(self.original_field.clone());
        match &self.check {
            PriceCheck::OriginalAbovePrice => match (original, price) {
                (Some(o), Some(p)) if o <= p => vec![PriceProblem {
                    place: at_original(),
                    detail: if o == p {
                        format!("划线价 {o} 与现价 {p} 相同，不构成优惠")
                    } else {
                        format!("划线价 {o} 低于现价 {p}")
                    },
                }],
                _ => Vec::new(),
            },
            PriceCheck::OriginalVsHistory {
                window_days,
                report_missing,
            } => {
                let (Some(original), Some(sales)) = (original, ctx.sales()) else {
                    return Vec::new();
                };
                let (start, note) = ctx.promo_start();
                original_vs_history(
                    original,
                    sales,
                    start,
                    *window_days,
                    *report_missing,
                    self.tolerance,
                )
                .map(|detail| PriceProblem {
                    place: at_original(),
                    detail: format!("{detail}{note}"),
                })
                .into_iter()
                .collect()
            }
            PriceCheck::RaiseThenDiscount {
                raise_window_days,
                lookback_days,
                raise_percent,
            } => {
                let (Some(price), Some(sales)) = (price, ctx.sales()) else {
                    return Vec::new();
                };
                let (start, note) = ctx.promo_start();
                raise_then_discount(
                    price,
                    sales,
                    start,
                    *raise_window_days,
                    *lookback_days,
                    *raise_percent,
                    self.tolerance,
                )
                .map(|detail| PriceProblem {
                    place: Place::Field(self.price_field.clone()),
                    detail: format!("{detail}{note}"),
                })
                .into_iter()
                .collect()
            }
            PriceCheck::DiscountClaim => self.discount_claims(ctx, price, original),
            PriceCheck::OriginalBasis { basis_fields } => {
                let explained = basis_fields
                    .iter()
                    .any(|f| ctx.listing.get(f).is_some_and(|v| !v.trim().is_empty()));
                match original {
                    Some(o) if !explained => vec![PriceProblem {
                        place: at_original(),
                        detail: format!(
                            "展示划线价 {o}，但没有说明其依据（{}）",
                            basis_fields.join(" / ")
                        ),
                    }],
                    _ => Vec::new(),
                }
            }
        }
    }

    fn discount_claims(
        &self,
        ctx: &PriceContext<'_>,
        price: Option<Money>,
        original: Option<Money>,
    ) -> Vec<PriceProblem> {
        let Some(price) = price else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        for (field_index, (text, scanned)) in ctx.texts.iter().zip(ctx.scans).enumerate() {
            let (Some(text), true) = (text, scanned) else {
                continue;
            };
            for claim in find_claims(text) {
                // 低至 claims are about the cheapest variant: judged against
                // the product's lowest prices; other claims per variant.
                let here = match ctx.scope {
                    PriceScope::Listing => true,
                    PriceScope::Product => claim.kind.is_lowest(),
                    PriceScope::Variant(_) => !claim.kind.is_lowest(),
                };
                if !here {
                    continue;
                }
                if let Some(detail) = self.judge(&claim.kind, price, original) {
                    problems.push(PriceProblem {
                        place: Place::Text {
                            field_index,
                            first: claim.first,
                            last: claim.last,
                        },
                        detail,
                    });
                }
            }
        }
        problems
    }

    /// What is wrong with a claim, if anything. Only claims that promise the
    /// shopper more than the numbers give are reported: a bigger real
    /// discount than claimed misleads no one.
    fn judge(&self, claim: &ClaimKind, price: Money, original: Option<Money>) -> Option<String> {
        let tol = self.tolerance.0;
        match *claim {
            ClaimKind::Ratio {
                claimed, ref text, ..
            } => {
                let original = original?;
                if original.0 <= 0 {
                    return None;
                }
                let actual = price.0 as f64 / original.0 as f64;
                let promised = Money((original.0 as f64 * claimed).round() as i64);
                let beyond_ratio = (actual - claimed) * 100.0 > self.tolerance_percent;
                (beyond_ratio && price.0 - promised.0 > tol).then(|| {
                    format!(
                        "宣称「{text}」，实际现价 {price} ÷ 划线价 {original} 约为{:.1}折（{text}应为 {promised}）",
                        actual * 10.0
                    )
                })
            }
            ClaimKind::Cut { amount, ref text } => {
                let original = original?;
                let actual = Money(original.0 - price.0);
                (amount.0 - actual.0 > tol).then(|| {
                    format!("宣称「{text}」，实际划线价 {original} − 现价 {price} = {actual}")
                })
            }
            ClaimKind::LowAs { amount, ref text } => (price.0 - amount.0 > tol)
                .then(|| format!("宣称「{text}」，实际最低售价为 {price}")),
            ClaimKind::WasNow { was, now, ref text } => {
                if let Some(original) = original.filter(|o| (o.0 - was.0).abs() > tol) {
                    return Some(format!(
                        "文案「{text}」中的原价 {was} 与标示的划线价 {original} 不一致"
                    ));
                }
                (price.0 - now.0 > tol)
                    .then(|| format!("文案「{text}」中的现价 {now} 低于实际售价 {price}"))
            }
        }
    }
}

fn original_vs_history(
    original: Money,
    sales: &[Sale],
    start: Date,
    window_days: i64,
    report_missing: bool,
    tolerance: Money,
) -> Option<String> {
    if sales.is_empty() {
        return report_missing
            .then(|| format!("划线价 {original} 没有成交记录可依（价格历史中没有该商品的成交）"));
    }
    let from = start.add_days(-window_days);
    let in_window = sales.iter().filter(|s| s.date >= from && s.date < start);
    if let Some(lowest) = in_window.min_by_key(|s| (s.price, s.date)) {
        return (original.0 - lowest.price.0 > tolerance.0).then(|| {
            format!(
                "划线价 {original} 高于活动前{window_days}日（{from}至{}）最低成交价 {}（{}）",
                start.add_days(-1),
                lowest.price,
                lowest.date
            )
        });
    }
    match sales.iter().rfind(|s| s.date < start) {
        Some(last) => (original.0 - last.price.0 > tolerance.0).then(|| {
            format!(
                "划线价 {original} 高于活动前最后一次成交价 {}（{}；前{window_days}日内无成交）",
                last.price, last.date
            )
        }),
        None => report_missing
            .then(|| format!("划线价 {original} 没有活动开始（{start}）前的成交记录可依")),
    }
}

fn raise_then_discount(
    price: Money,
    sales: &[Sale],
    start: Date,
    raise_window_days: i64,
    lookback_days: i64,
    raise_percent: f64,
    tolerance: Money,
) -> Option<String> {
    let raise_from = start.add_days(-raise_window_days);
    let look_from = start.add_days(-lookback_days);
    let before = sales
        .iter()
        .filter(|s| s.date >= look_from && s.date < raise_from)
        .max_by_key(|s| s.price)?;
    let raised = sales
        .iter()
        .filter(|s| s.date >= raise_from && s.date < start)
        .max_by_key(|s| (s.price, std::cmp::Reverse(s.date)))?;
    let threshold = before.price.0 as f64 * (1.0 + raise_percent / 100.0);
    let is_raise = raised.price.0 as f64 > threshold;
    let not_really_lower = price.0 >= before.price.0 - tolerance.0;
    (is_raise && not_really_lower).then(|| {
        format!(
            "活动前{raise_window_days}日内价格由 {} 提高至 {}（{}），现价 {price} 并未低于涨价前的 {}",
            before.price, raised.price, raised.date, before.price
        )
    })
}

/// A discount claim found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// What it claims.
    pub kind: ClaimKind,
    /// First normalised character.
    pub first: usize,
    /// One past the last.
    pub last: usize,
}

/// The kinds of discount claims.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimKind {
    /// `5折`, `七五折`, `半价`: price ÷ original.
    Ratio {
        /// Claimed ratio (0.5 for 5折).
        claimed: f64,
        /// Whether it says "as low as" (`低至5折`): the best ratio on offer.
        lowest: bool,
        /// The claim as normalised.
        text: String,
    },
    /// `直降200元`, `立减50`, `省100`: original − price.
    Cut {
        /// Claimed amount.
        amount: Money,
        /// The claim.
        text: String,
    },
    /// `低至99元`: the lowest price.
    LowAs {
        /// Claimed price.
        amount: Money,
        /// The claim.
        text: String,
    },
    /// `原价199现价99`.
    WasNow {
        /// Claimed original.
        was: Money,
        /// Claimed price.
        now: Money,
        /// The claim.
        text: String,
    },
}

impl ClaimKind {
    /// Whether the claim is about the best offer only (`低至99元`,
    /// `低至5折`), so that one variant meeting it is enough.
    pub fn is_lowest(&self) -> bool {
        match self {
            ClaimKind::LowAs { .. } => true,
            ClaimKind::Ratio { lowest, .. } => *lowest,
            _ => false,
        }
    }
}

struct ClaimPatterns {
    ratio: Regex,
    nth_item_before: Regex,
    cut: Regex,
    low: Regex,
    was_now: Regex,
}

fn patterns() -> &'static ClaimPatterns {
    static PATTERNS: std::sync::OnceLock<ClaimPatterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let amount = r"[¥￥]?(\d+(?:\.\d{1,2})?)";
        ClaimPatterns {
            ratio: Regex::new(r"打?(\d{1,2}(?:\.\d)?|[一二三四五六七八九]{1,2}|对)折|半价")
                .expect("valid"),
            nth_item_before: Regex::new(r"第[\d一二三四五六七八九十两]+件(?:享|仅需|只要|可享)?$")
                .expect("valid"),
            cut: Regex::new(&format!("(?:直降|立减|直减|立省|降价|省){amount}元?")).expect("valid"),
            low: Regex::new(&format!("低至{amount}元?")).expect("valid"),
            was_now: Regex::new(&format!(
                "原价:?{amount}元?,?(?:现价|到手价|活动价|折后价|特价|秒杀价|券后价):?{amount}元?"
            ))
            .expect("valid"),
        }
    })
}

/// Characters after `折` that make it another word (折叠 fold, 折合 …).
const NOT_DISCOUNT_AFTER_ZHE: &[char] =
    &['叠', '合', '射', '痕', '纸', '线', '页', '边', '腰', '算'];

fn chinese_digit(c: char) -> Option<u32> {
    "一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|i| i as u32 + 1)
}

/// The claimed ratio of a 折 number: `5` → 0.5, `7.5` → 0.75, `75` → 0.75,
/// `七五` → 0.75, `对` → 0.5.
fn ratio_of(number: &str) -> Option<f64> {
    if number == "对" {
        return Some(0.5);
    }
    let digits: Option<Vec<u32>> = number.chars().map(chinese_digit).collect();
    let value = match digits {
        Some(d) if d.len() == 1 => f64::from(d[0]) / 10.0,
        Some(d) if d.len() == 2 => f64::from(d[0] * 10 + d[1]) / 100.0,
        _ if number.contains('.') => number.parse::<f64>().ok()? / 10.0,
        _ => {
            let n: u32 = number.parse().ok()?;
            match n {
                1..=9 => f64::from(n) / 10.0,
                11..=99 => f64::from(n) / 100.0,
                _ => return None,
            }
        }
    };
    (value > 0.0 && value < 1.0).then_some(value)
}

/// Searchers for the words every claim contains: 原价, 折, 半价, 降, 减,
/// 省, 低至 (in that order).
fn claim_words() -> &'static [memchr::memmem::Finder<'static>; 7] {
    static WORDS: std::sync::OnceLock<[memchr::memmem::Finder<'static>; 7]> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        ["原价", "折", "半价", "降", "减", "省", "低至"].map(memchr::memmem::Finder::new)
    })
}

/// Finds discount claims in a field's normalised text.
pub fn find_claims(text: &Normalized) -> Vec<Claim> {
    let s = text.text.as_str();
    // Each kind of claim contains one of its words; most text contains
    // none, and a substring search is much cheaper than a regex scan.
    let has = |word: usize| claim_words()[word].find(s.as_bytes()).is_some();
    let has_was_now = has(0);
    let has_ratio = has(1) || has(2);
    let has_cut = has(3) || has(4) || has(5);
    let has_low = has(6);
    if !(has_was_now || has_ratio || has_cut || has_low) {
        return Vec::new();
    }
    let p = patterns();
    let mut claims = Vec::new();
    let mut push = |start: usize, end: usize, kind: ClaimKind| {
        let (first, last) = text.char_range(start, end);
        claims.push(Claim { kind, first, last });
    };
    let when = |present: bool, regex: &'static Regex| {
        present
            .then_some(regex)
            .into_iter()
            .flat_map(|r| r.captures_iter(s))
    };
    for m in when(has_was_now, &p.was_now) {
        let whole = m.get(0).expect("group 0");
        if let (Some(was), Some(now)) = (parse_amount(&m[1]), parse_amount(&m[2])) {
            push(
                whole.start(),
                whole.end(),
                ClaimKind::WasNow {
                    was,
                    now,
                    text: whole.as_str().to_owned(),
                },
            );
        }
    }
    for m in when(has_ratio, &p.ratio) {
        let whole = m.get(0).expect("group 0");
        if s[whole.end()..].starts_with(NOT_DISCOUNT_AFTER_ZHE) {
            continue;
        }
        // 第二件半价 / 第2件5折 is a multi-buy offer on another item. The
        // pattern is anchored at the end and at most a dozen characters
        // long, so only the text just before the claim is searched.
        let before = &s[..whole.start()];
        let near = before
            .char_indices()
            .rev()
            .nth(15)
            .map_or(before, |(i, _)| &before[i..]);
        if p.nth_item_before.is_match(near) {
            continue;
        }
        let claimed = match m.get(1) {
            Some(number) => ratio_of(number.as_str()),
            None => Some(0.5),
        };
        if let Some(claimed) = claimed {
            let lowest = ["低至", "最低", "低到"].iter().any(|w| near.ends_with(w));
            push(
                whole.start(),
                whole.end(),
                ClaimKind::Ratio {
                    claimed,
                    lowest,
                    text: whole.as_str().to_owned(),
                },
            );
        }
    }
    for m in when(has_cut, &p.cut) {
        let whole = m.get(0).expect("group 0");
        // 满300立减50 is a threshold offer, not a cut in the listed price.
        let before: String = s[..whole.start()].chars().rev().take(8).collect();
        if before.contains('满') {
            continue;
        }
        if let Some(amount) = parse_amount(&m[1]) {
            push(
                whole.start(),
                whole.end(),
                ClaimKind::Cut {
                    amount,
                    text: whole.as_str().to_owned(),
                },
            );
        }
    }
    for m in when(has_low, &p.low) {
        let whole = m.get(0).expect("group 0");
        if s[whole.end()..].starts_with('折') {
            continue;
        }
        if let Some(amount) = parse_amount(&m[1]) {
            push(
                whole.start(),
                whole.end(),
                ClaimKind::LowAs {
                    amount,
                    text: whole.as_str().to_owned(),
                },
            );
        }
    }
    claims.sort_by_key(|c| (c.first, c.last));
    claims
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::Normalizer;

    fn claims(text: &str) -> Vec<ClaimKind> {
        let mut n = Normalized::default();
        Normalizer::new().normalize_into(text, &mut n);
        find_claims(&n).into_iter().map(|c| c.kind).collect()
    }

    fn yuan(y: i64) -> Money {
        Money(y * 100)
    }

    #[test]
    fn recognises_discount_wording() {
        assert_eq!(ratio_of("5"), Some(0.5));
        assert_eq!(ratio_of("7.5"), Some(0.75));
        assert_eq!(ratio_of("75"), Some(0.75));
        assert_eq!(ratio_of("七五"), Some(0.75));
        assert_eq!(ratio_of("10"), None);
        let found = claims("限时5折 直降200元 低至99元 原价199现价99 半价");
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(matches!(found[1], ClaimKind::Cut { amount, .. } if amount == yuan(200)));
        assert!(matches!(found[2], ClaimKind::LowAs { amount, .. } if amount == yuan(99)));
        assert!(
            matches!(found[3], ClaimKind::WasNow { was, now, .. } if was == yuan(199) && now == yuan(99))
        );
    }

    #[test]
    fn leaves_look_alikes_alone() {
        assert!(claims("三折叠雨伞 折合人民币 满300立减50 每满200减20 低至3折").len() == 1);
        assert!(claims("第二件半价 第2件5折 第3件享7折").is_empty());
        assert!(claims("２折").len() == 1, "full-width digits");
    }
}
