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

/// Added to findings of history checks when the history is listed prices
/// of earlier exports standing in for transaction prices.
pub const PROXY_NOTE: &str = "（注意：此处的“成交价”是商品导出快照中的标价（--history-profile snapshots），用作成交价的近似，并非成交记录；请以订单数据核实）";

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
        /// Fields that may say what the original price is (a
        /// 厂商建议零售价 is not held to the window; see [`Basis`]).
        basis_fields: Vec<String>,
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
    /// Discount wording in a listing without an original price must agree
    /// with the lowest transaction price of the `window_days` before the
    /// promotion (or the last one before it): the base 《规范促销行为暂行规定》
    /// 第二十一条 gives a 折价、减价 that does not state its own.
    DiscountVsHistory {
        /// Days before the promotion start.
        window_days: i64,
    },
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
    "discount-vs-history",
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
            PriceCheck::OriginalVsHistory { .. }
            | PriceCheck::RaiseThenDiscount { .. }
            | PriceCheck::DiscountVsHistory { .. } => !matches!(scope, PriceScope::Variant(_)),
            PriceCheck::DiscountClaim => true,
        }
    }

    /// Runs the check on a listing. A history check judged on listed
    /// prices of earlier exports (`--history-profile snapshots`) says so:
    /// the rules speak of transaction prices.
    pub fn check(&self, ctx: &PriceContext<'_>) -> Vec<PriceProblem> {
        let mut problems = self.judge_listing(ctx);
        let on_history = matches!(
            self.check,
            PriceCheck::OriginalVsHistory { .. }
                | PriceCheck::DiscountVsHistory { .. }
                | PriceCheck::RaiseThenDiscount { .. }
        );
        if on_history && ctx.history.is_some_and(PriceHistory::is_proxy) {
            for problem in &mut problems {
                problem.detail.push_str(PROXY_NOTE);
            }
        }
        problems
    }

    fn judge_listing(&self, ctx: &PriceContext<'_>) -> Vec<PriceProblem> {
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
                basis_fields,
            } => {
                let (Some(original), Some(sales)) = (original, ctx.sales()) else {
                    return Vec::new();
                };
                let basis = Basis::of(ctx, basis_fields, original, self.tolerance);
                // 第十六条第三款: a comparison with a 厂商建议零售价 that says
                // so states its details; the 7-day rule is for those that do
                // not.
                if matches!(basis, Some(Basis::Msrp)) {
                    return Vec::new();
                }
                let (start, note) = ctx.promo_start();
                let label = match basis {
                    Some(Basis::Other(word)) => format!(
                        "；划线价标为「{word}」，不是第十六条第三款的“厂商建议零售价”，按未标明详细信息的被比较价格核对"
                    ),
                    _ => String::new(),
                };
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
                    detail: format!("{detail}{note}{label}"),
                })
                .into_iter()
                .collect()
            }
            PriceCheck::DiscountVsHistory { window_days } => {
                // With an original price the claim has its own base (and
                // original-vs-history checks that base).
                let (None, Some(price), Some(sales)) = (original, price, ctx.sales()) else {
                    return Vec::new();
                };
                let (start, note) = ctx.promo_start();
                let Some(base) = history_base(sales, start, *window_days) else {
                    return Vec::new();
                };
                self.claims_vs_base(ctx, price, &base, note)
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

    /// Cut and ratio claims of a listing without an original price, judged
    /// against the history's base price.
    fn claims_vs_base(
        &self,
        ctx: &PriceContext<'_>,
        price: Money,
        base: &HistoryBase,
        note: &str,
    ) -> Vec<PriceProblem> {
        let mut problems = Vec::new();
        for (field_index, (text, scanned)) in ctx.texts.iter().zip(ctx.scans).enumerate() {
            let (Some(text), true) = (text, scanned) else {
                continue;
            };
            for claim in find_claims(text) {
                let Some(what) = self.judge_vs(&claim.kind, price, base.price) else {
                    continue;
                };
                problems.push(PriceProblem {
                    place: Place::Text {
                        field_index,
                        first: claim.first,
                        last: claim.last,
                    },
                    detail: format!("{what}；未标明被比较价格，按{}计{note}", base.describe()),
                });
            }
        }
        problems
    }

    /// What a cut or ratio claim promises beyond `base`, in words; other
    /// claims name their own numbers and are left to `discount-claim`.
    fn judge_vs(&self, claim: &ClaimKind, price: Money, base: Money) -> Option<String> {
        let tol = self.tolerance.0;
        match *claim {
            ClaimKind::Cut { amount, ref text } => {
                let actual = Money(base.0 - price.0);
                (amount.0 - actual.0 > tol).then(|| {
                    if actual.0 <= 0 {
                        format!("宣称「{text}」，但现价 {price} 并不低于基准价 {base}")
                    } else {
                        format!("宣称「{text}」，实际只比基准价 {base} 低 {actual}（现价 {price}）")
                    }
                })
            }
            ClaimKind::Ratio {
                claimed, ref text, ..
            } => self.ratio_beyond(text, claimed, price, base, "基准价"),
            ClaimKind::LowAs { .. } | ClaimKind::WasNow { .. } => None,
        }
    }

    /// A discount ratio (`claimed` of `base`) that promises more than
    /// `price` gives, beyond both tolerances: what to say about it.
    fn ratio_beyond(
        &self,
        text: &str,
        claimed: f64,
        price: Money,
        base: Money,
        base_label: &str,
    ) -> Option<String> {
        if base.0 <= 0 {
            return None;
        }
        let actual = price.0 as f64 / base.0 as f64;
        let promised = Money((base.0 as f64 * claimed).round() as i64);
        let beyond_ratio = (actual - claimed) * 100.0 > self.tolerance_percent;
        (beyond_ratio && price.0 - promised.0 > self.tolerance.0).then(|| {
            format!(
                "宣称「{text}」，实际现价 {price} ÷ {base_label} {base} 约为{:.1}折（{text}应为 {promised}）",
                actual * 10.0
            )
        })
    }

    /// What is wrong with a claim, if anything. Only claims that promise the
    /// shopper more than the numbers give are reported: a bigger real
    /// discount than claimed misleads no one.
    fn judge(&self, claim: &ClaimKind, price: Money, original: Option<Money>) -> Option<String> {
        let tol = self.tolerance.0;
        match *claim {
            ClaimKind::Ratio {
                claimed, ref text, ..
            } => self.ratio_beyond(text, claimed, price, original?, "划线价"),
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

/// The price a 折价、减价 without a stated base is measured from
/// (《规范促销行为暂行规定》第二十一条): the lowest transaction price of the
/// days before the promotion, or without trades in them the last one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryBase {
    /// The base price.
    pub price: Money,
    /// The day of that transaction.
    pub date: Date,
    /// The window searched, when the base is its lowest price.
    pub window: Option<(i64, Date, Date)>,
}

impl HistoryBase {
    /// Where the base comes from, in words.
    fn describe(&self) -> String {
        match self.window {
            Some((days, from, to)) => format!(
                "活动前{days}日（{from}至{to}）最低成交价 {}（{}）",
                self.price, self.date
            ),
            None => format!(
                "活动前最后一次成交价 {}（{}；前期内无成交）",
                self.price, self.date
            ),
        }
    }
}

/// The base price of a promotion starting on `start`: see [`HistoryBase`].
/// `None` without any trade before the start.
pub fn history_base(sales: &[Sale], start: Date, window_days: i64) -> Option<HistoryBase> {
    let from = start.add_days(-window_days);
    let lowest = sales
        .iter()
        .filter(|s| s.date >= from && s.date < start)
        .min_by_key(|s| (s.price, s.date));
    if let Some(lowest) = lowest {
        return Some(HistoryBase {
            price: lowest.price,
            date: lowest.date,
            window: Some((window_days, from, start.add_days(-1))),
        });
    }
    sales
        .iter()
        .rfind(|s| s.date < start)
        .map(|last| HistoryBase {
            price: last.price,
            date: last.date,
            window: None,
        })
}

/// What a listing says its original price is, when it says so.
///
/// 《明码标价和禁止价格欺诈规定》第十六条: compared prices must be true and
/// accurate; without details they must not exceed the 7-day lowest
/// transaction price (第二款); a comparison with the manufacturer's
/// suggested retail price must say that the compared price *is* the
/// 厂商建议零售价 (第三款). Only that label states the details; a 吊牌价,
/// 专柜价, 市场价 or 参考价 names no one's price in the article's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Labelled as the manufacturer's suggested retail price.
    Msrp,
    /// Labelled with another word (吊牌价, 专柜价 …).
    Other(&'static str),
}

/// Words that label an original price: the suggested retail price first,
/// so that 厂商建议零售价 is not read as 零售价.
const BASIS_WORDS: &[&str] = &[
    "厂商建议零售价",
    "建议零售价",
    "吊牌价",
    "专柜价",
    "市场价",
    "参考价",
    "厂商指导价",
    "指导价",
    "官网价",
    "门市价",
];

impl Basis {
    fn of_word(word: &'static str) -> Basis {
        if word.ends_with("建议零售价") {
            Basis::Msrp
        } else {
            Basis::Other(word)
        }
    }

    /// The label of `original`: a basis field naming one (划线价说明:
    /// 厂商建议零售价), or a label in the scanned text right before the
    /// original price's amount (`吊牌价：599元`).
    fn of(
        ctx: &PriceContext<'_>,
        basis_fields: &[String],
        original: Money,
        tolerance: Money,
    ) -> Option<Basis> {
        for field in basis_fields {
            let Some(value) = ctx.listing.get(field) else {
                continue;
            };
            if let Some(word) = BASIS_WORDS.iter().find(|w| value.contains(*w)) {
                return Some(Basis::of_word(word));
            }
        }
        static LABELLED: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
        let labelled = LABELLED.get_or_init(|| {
            Regex::new(&format!(
                r"({}):?[¥￥]?(\d+(?:\.\d{{1,2}})?)",
                BASIS_WORDS.join("|")
            ))
            .expect("valid")
        });
        for (text, scanned) in ctx.texts.iter().zip(ctx.scans) {
            let (Some(text), true) = (text, scanned) else {
                continue;
            };
            for m in labelled.captures_iter(&text.text) {
                let same =
                    parse_amount(&m[2]).is_some_and(|a| (a.0 - original.0).abs() <= tolerance.0);
                if same {
                    let word = BASIS_WORDS
                        .iter()
                        .find(|w| **w == &m[1])
                        .expect("one of the words");
                    return Some(Basis::of_word(word));
                }
            }
        }
        None
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
    nth_item_before: Regex,
    buyer_before: Regex,
    cut: Regex,
    low: Regex,
    was_now: Regex,
}

fn patterns() -> &'static ClaimPatterns {
    static PATTERNS: std::sync::OnceLock<ClaimPatterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let amount = r"[¥￥]?(\d+(?:\.\d{1,2})?)";
        ClaimPatterns {
            nth_item_before: Regex::new(r"第[\d一二三四五六七八九十两]+件(?:享|仅需|只要|可享)?$")
                .expect("valid"),
            // A group of buyers right before the claim (会员95折, 新人专享8折,
            // vip立减10元); not a product for them (学生书包 8折, 视频会员 年卡).
            buyer_before: Regex::new(r"(?:(?:会员|vip|新人|新客|新用户|首单|首购|老客|老用户|老顾客|学生)(?:专享|专属|价|享|可享|特惠|福利|再享|立享|折扣)?|粉丝(?:专享|专属|价|福利))$")
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

/// Characters after `折` that make it another word (折叠 fold, 折合, 折扣 the
/// noun, 折旧 …).
const NOT_DISCOUNT_AFTER_ZHE: &[char] = &[
    '叠', '合', '射', '痕', '纸', '线', '页', '边', '腰', '算', '扣', '旧',
];

/// Numbers that name a shopping festival, written before a discount with
/// nothing between (`6188折`, `11.115折`, `1212 5折` is spaced and needs no
/// help): they are not part of the discount.
const FESTIVAL_NUMBERS: &[&str] = &["11.11", "12.12", "1111", "1212", "618", "6.18", "520"];

/// Characters before `省` that make it a province or a region (广东省,
/// 全省), not "save".
const REGION_BEFORE_SHENG: &[char] = &[
    '北', '西', '宁', '林', '江', '苏', '徽', '建', '东', '南', '川', '州', '肃', '海', '湾', '全',
    '本', '外', '各', '跨', '分', '该', '此', '每', '省',
];

fn chinese_digit(c: char) -> Option<u32> {
    if c == '两' {
        return Some(2); // 两折
    }
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
        Some(_) => return None,
        None if number.matches('.').count() == 1 => {
            // one digit, a point, one digit: 7.5, 0.5
            let (whole, tenth) = number.split_once('.')?;
            if whole.len() != 1 || tenth.len() != 1 {
                return None;
            }
            number.parse::<f64>().ok()? / 10.0
        }
        None => {
            if number.is_empty() || number.len() > 2 {
                return None;
            }
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

/// What a run of digits written right before `折` claims, when the run may
/// begin with a number that belongs to something else: a festival (`双11`
/// then `5折` written `双115折`, `6188折`, `11.117.5折`) or a year
/// (`20268折`). `before` is the character glued to the run, if any.
/// Returns the ratio and how many characters of the run it takes (from the
/// end), or `None` when the run is not a discount.
fn ratio_of_run(run: &str, before: Option<char>) -> Option<(f64, usize)> {
    let after_double = before == Some('双');
    if after_double && (run == "11" || run == "12") {
        return None; // 双11折扣, 双12折: the festival itself
    }
    let mut prefixes: Vec<&str> = Vec::new();
    if after_double {
        prefixes.extend(["11", "12"]);
    }
    prefixes.extend(FESTIVAL_NUMBERS);
    let year = run.len() > 4
        && (run.starts_with("19") || run.starts_with("20"))
        && run[..4].bytes().all(|b| b.is_ascii_digit());
    if year {
        prefixes.push(&run[..4]);
    }
    for prefix in prefixes {
        if let Some(rest) = run.strip_prefix(prefix) {
            return ratio_of(rest).map(|r| (r, rest.chars().count()));
        }
    }
    ratio_of(run).map(|r| (r, run.chars().count()))
}

/// Chinese numerals before `折`: `七五折`, `五折`; in `双十一五折` the 十一
/// is the festival and 五 the discount.
fn chinese_ratio_of_run(run: &str) -> Option<(f64, usize)> {
    let chars: Vec<char> = run.chars().collect();
    let digits = match chars.iter().rposition(|&c| c == '十') {
        // 十 and the digit after it make a number of its own (十一, 十二)
        Some(i) => chars.get(i + 2..)?,
        None => &chars[..],
    };
    let text: String = digits.iter().collect();
    ratio_of(&text).map(|r| (r, digits.len()))
}

/// The words every claim contains, by kind of claim: 原价; 折, 半价; 降,
/// 减, 省; 低至.
const CLAIM_WORDS: [&str; 7] = ["原价", "折", "半价", "降", "减", "省", "低至"];

/// Which of [`CLAIM_WORDS`] occur in `s`, as bits `1 << index`: one scan
/// for all seven. No word's end is another's start, so reading matches
/// one after another finds every occurrence of each.
fn claim_words_in(s: &str) -> u8 {
    static WORDS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let alternation: Vec<String> = CLAIM_WORDS.iter().map(|w| regex::escape(w)).collect();
        regex::Regex::new(&alternation.join("|")).expect("literal alternation")
    });
    let all = (1u8 << CLAIM_WORDS.len()) - 1;
    let mut found = 0u8;
    for m in words.find_iter(s) {
        if let Some(i) = CLAIM_WORDS.iter().position(|w| *w == m.as_str()) {
            found |= 1 << i;
        }
        if found == all {
            break;
        }
    }
    found
}

/// The text of `chars[from..to]` of a normalised text.
fn slice(text: &Normalized, from: usize, to: usize) -> &str {
    let start = text.chars[from].byte as usize;
    let end = text
        .chars
        .get(to)
        .map_or(text.text.len(), |c| c.byte as usize);
    &text.text[start..end]
}

/// Up to `n` characters of normalised text before character `at`.
fn text_before(text: &Normalized, at: usize, n: usize) -> &str {
    slice(text, at.saturating_sub(n), at)
}

/// Words anywhere just before a claim that make it a coupon's, not a cut in
/// the listed price: 领券立减20, 用券5折.
const COUPON_WORDS: &[&str] = &[
    "领券",
    "用券",
    "凭券",
    "叠券",
    "券后",
    "优惠券",
    "店铺券",
    "购物券",
    "消费券",
];

/// Whether a count of two or more items ends right before character `at`
/// (`2件8折`, `任选3件7折`, `两件9折`, `3件以上享8折`), read back to a
/// separator so that a number before it (`618 2件8折`) stays apart.
fn items_before(text: &Normalized, at: usize) -> bool {
    let chars = &text.chars;
    let near = text_before(text, at, 4);
    let suffix = [
        "及以上享",
        "以上享",
        "及以上",
        "以上",
        "可享",
        "再享",
        "立享",
        "即享",
        "享",
    ]
    .iter()
    .find(|w| near.ends_with(*w))
    .map_or(0, |w| w.chars().count());
    let Some(unit) = at.checked_sub(suffix + 1) else {
        return false;
    };
    if chars[unit].ch != '件' {
        return false;
    }
    let is_count = |c: char| c.is_ascii_digit() || "两二三四五六七八九十".contains(c);
    let mut k = unit;
    while k > 0 && is_count(chars[k - 1].ch) && (k == unit || !chars[k].sep_before) {
        k -= 1;
    }
    let count = slice(text, k, unit);
    (1..=2).contains(&(unit - k)) && count != "1" && count != "01"
}

/// Whether an offer before character `at` makes a claim conditional, about
/// another item, or for some buyers only: `满300立减50`, `满2件8折`,
/// `第二件半价`, `2件8折`, `两件9折`, `会员95折`, `新人专享8折`,
/// `领券立减20元`. The listed price is what everyone pays for one item, so
/// these claims say nothing about it.
fn conditional_before(text: &Normalized, at: usize) -> bool {
    let near = text_before(text, at, 8);
    let p = patterns();
    near.contains('满')
        || p.nth_item_before.is_match(text_before(text, at, 16))
        || items_before(text, at)
        || p.buyer_before.is_match(near)
        || COUPON_WORDS.iter().any(|w| near.contains(w))
}

/// Ratio claims (`5折`, `打七五折`, `低至3折`, `半价`, `对折`) in a
/// normalised text, as `(first, last, ratio, lowest)` character ranges.
///
/// The number is the run of digits (or Chinese numerals) right before `折`,
/// read up to a separator: `双11 5折` claims 5折 and so does `双115折`
/// (a festival number glued before it is taken off), while `A75折` and
/// `180cm5折` name a model or a size and claim nothing.
fn ratio_claims(text: &Normalized) -> Vec<(usize, usize, f64, bool)> {
    let chars = &text.chars;
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let is_half = c.ch == '半' && chars.get(i + 1).is_some_and(|n| n.ch == '价');
        if c.ch != '折' && !is_half {
            continue;
        }
        let (first, last, ratio) = if is_half {
            (i, i + 2, 0.5)
        } else {
            if chars
                .get(i + 1)
                .is_some_and(|n| NOT_DISCOUNT_AFTER_ZHE.contains(&n.ch))
            {
                continue;
            }
            let Some(prev) = i.checked_sub(1).map(|p| chars[p].ch) else {
                continue;
            };
            if prev == '对' {
                (i - 1, i + 1, 0.5)
            } else {
                let ascii = prev.is_ascii_digit() || prev == '.';
                let chinese = chinese_digit(prev).is_some() || prev == '十';
                if !ascii && !chinese {
                    continue;
                }
                let same_kind = |ch: char| {
                    if ascii {
                        ch.is_ascii_digit() || ch == '.'
                    } else {
                        chinese_digit(ch).is_some() || ch == '十'
                    }
                };
                // The run, back to a separator inside it.
                let mut k = i - 1;
                while k > 0 && same_kind(chars[k - 1].ch) && !chars[k].sep_before {
                    k -= 1;
                }
                let glued = (k > 0 && !chars[k].sep_before).then(|| chars[k - 1].ch);
                if glued.is_some_and(|g| g.is_ascii_alphabetic()) {
                    continue; // a model or a size: A75折, 180cm5折
                }
                let run = slice(text, k, i);
                let read = if ascii {
                    ratio_of_run(run, glued)
                } else if glued == Some('双') || run.contains('十') {
                    chinese_ratio_of_run(run)
                } else {
                    ratio_of(run).map(|r| (r, run.chars().count()))
                };
                let Some((ratio, taken)) = read else {
                    continue;
                };
                (i - taken, i + 1, ratio)
            }
        };
        // 打5折, 打对折: the claim starts at 打.
        let first = if first > 0 && chars[first - 1].ch == '打' {
            first - 1
        } else {
            first
        };
        if conditional_before(text, first) {
            continue;
        }
        let near = text_before(text, first, 4);
        let lowest = ["低至", "最低", "低到"].iter().any(|w| near.ends_with(w));
        found.push((first, last, ratio, lowest));
    }
    found
}

/// Whether an amount read after a claim word is money: not a percentage,
/// a ratio, a multiple, a quantity in letters (`ml`), or a festival
/// written without 元 (`直降618大促`).
fn is_money_after(s: &str, amount: &str, end: usize, has_yuan: bool) -> bool {
    let next = s[end..].chars().next();
    if next.is_some_and(|c| matches!(c, '%' | '折' | '倍') || c.is_ascii_alphabetic()) {
        return false;
    }
    has_yuan || !FESTIVAL_NUMBERS.contains(&amount)
}

/// Finds discount claims in a field's normalised text.
pub fn find_claims(text: &Normalized) -> Vec<Claim> {
    let s = text.text.as_str();
    // Each kind of claim contains one of its words; most text contains
    // none, and one literal search for all of them costs far less than
    // the claim regexes.
    let found = claim_words_in(s);
    let has = |word: usize| found & (1 << word) != 0;
    let mut claims = Vec::new();
    if has(0) {
        was_now_claims(text, &mut claims);
    }
    if has(1) || has(2) {
        ratio_claims_into(text, &mut claims);
    }
    if has(3) || has(4) || has(5) {
        cut_claims(text, &mut claims);
    }
    if has(6) {
        low_as_claims(text, &mut claims);
    }
    claims.sort_by_key(|c| (c.first, c.last));
    claims
}

/// A claim over bytes `start..end` of the normalised text.
fn claim_at(text: &Normalized, start: usize, end: usize, kind: ClaimKind) -> Claim {
    let (first, last) = text.char_range(start, end);
    Claim { kind, first, last }
}

/// `原价199现价99`: a former and a current price.
fn was_now_claims(text: &Normalized, claims: &mut Vec<Claim>) {
    let s = text.text.as_str();
    for m in patterns().was_now.captures_iter(s) {
        let whole = m.get(0).expect("group 0");
        if let (Some(was), Some(now)) = (parse_amount(&m[1]), parse_amount(&m[2])) {
            let kind = ClaimKind::WasNow {
                was,
                now,
                text: whole.as_str().to_owned(),
            };
            claims.push(claim_at(text, whole.start(), whole.end(), kind));
        }
    }
}

/// Discount ratios (`5折`, `半价`), with the lowest one a claim allows.
fn ratio_claims_into(text: &Normalized, claims: &mut Vec<Claim>) {
    for (first, last, claimed, lowest) in ratio_claims(text) {
        let claim_text = slice(text, first, last).to_owned();
        claims.push(Claim {
            kind: ClaimKind::Ratio {
                claimed,
                lowest,
                text: claim_text,
            },
            first,
            last,
        });
    }
}

/// `直降50元`, `立省100`: a cut in the listed price (not a threshold
/// offer, not a province); `直降50%`, `立省30%`: a cut by a share of it,
/// which is a ratio (5折, 7折).
fn cut_claims(text: &Normalized, claims: &mut Vec<Claim>) {
    let s = text.text.as_str();
    for m in patterns().cut.captures_iter(s) {
        let whole = m.get(0).expect("group 0");
        let number = m.get(1).expect("group 1");
        let percent = !whole.as_str().ends_with('元') && s[whole.end()..].starts_with('%');
        let money = is_money_after(
            s,
            number.as_str(),
            whole.end(),
            whole.as_str().ends_with('元'),
        );
        if !money && !percent {
            continue;
        }
        let (first, _) = text.char_range(whole.start(), whole.end());
        // 满300立减50 is a threshold offer, not a cut in the listed price.
        if conditional_before(text, first) {
            continue;
        }
        // 广东省100家门店, 全省: a region, not "save".
        let word_is_sheng = whole.as_str().starts_with('省');
        if word_is_sheng
            && s[..whole.start()]
                .chars()
                .next_back()
                .is_some_and(|c| REGION_BEFORE_SHENG.contains(&c))
        {
            continue;
        }
        if percent {
            claims.extend(percent_cut(
                text,
                whole.start(),
                whole.end() + 1,
                number.as_str(),
            ));
        } else if let Some(amount) = parse_amount(number.as_str()) {
            let kind = ClaimKind::Cut {
                amount,
                text: whole.as_str().to_owned(),
            };
            claims.push(claim_at(text, whole.start(), whole.end(), kind));
        }
    }
}

/// `直降50%` over bytes `start..end` (the `%` included): the ratio it
/// leaves, when the share is above 0 and below 100.
fn percent_cut(text: &Normalized, start: usize, end: usize, number: &str) -> Option<Claim> {
    let share: f64 = number.parse().ok()?;
    let claimed = 1.0 - share / 100.0;
    (share > 0.0 && share < 100.0).then(|| {
        let kind = ClaimKind::Ratio {
            claimed,
            lowest: false,
            text: text.text[start..end].to_owned(),
        };
        claim_at(text, start, end, kind)
    })
}

/// `低至9.9元`: a lowest price.
fn low_as_claims(text: &Normalized, claims: &mut Vec<Claim>) {
    let s = text.text.as_str();
    for m in patterns().low.captures_iter(s) {
        let whole = m.get(0).expect("group 0");
        let number = m.get(1).expect("group 1");
        if !is_money_after(
            s,
            number.as_str(),
            whole.end(),
            whole.as_str().ends_with('元'),
        ) {
            continue;
        }
        if let Some(amount) = parse_amount(number.as_str()) {
            let kind = ClaimKind::LowAs {
                amount,
                text: whole.as_str().to_owned(),
            };
            claims.push(claim_at(text, whole.start(), whole.end(), kind));
        }
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The one scan finds the same words as a search for each.
        #[test]
        fn claim_words_are_found_as_by_a_search_for_each(
            text in "([原价折半降减省低至元 1a]|原价|半价|低至|减半价|原价低至){0,12}",
        ) {
            let expected = CLAIM_WORDS
                .iter()
                .enumerate()
                .filter(|(_, w)| text.contains(*w))
                .fold(0u8, |bits, (i, _)| bits | 1 << i);
            proptest::prop_assert_eq!(claim_words_in(&text), expected);
        }
    }

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

    fn ratios(text: &str) -> Vec<f64> {
        claims(text)
            .into_iter()
            .filter_map(|c| match c {
                ClaimKind::Ratio { claimed, .. } => Some(claimed),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_number_before_the_discount_that_names_something_else_is_not_read_into_it() {
        for (text, ratio) in [
            ("双11 5折", 0.5),
            ("双115折", 0.5),
            ("618 8折", 0.8),
            ("6188折", 0.8),
            ("11.11 7.5折", 0.75),
            ("11.117.5折", 0.75),
            ("双十一五折", 0.5),
            ("双十二 七五折", 0.75),
            ("20268折", 0.8),
            ("iPhone15 9折", 0.9),
            ("XL码 7折", 0.7),
            ("打8折", 0.8),
        ] {
            assert_eq!(ratios(text), [ratio], "{text}");
        }
        for text in [
            "A75折",
            "180cm5折",
            "618折扣",
            "双11折扣",
            "双12折",
            "满2件8折",
            "十折",
        ] {
            assert!(ratios(text).is_empty(), "{text}: {:?}", claims(text));
        }
    }

    #[test]
    fn amounts_after_a_cut_word_are_money() {
        assert!(
            matches!(claims("省100元")[..], [ClaimKind::Cut { amount, .. }] if amount == yuan(100))
        );
        for text in ["直降618大促", "广东省100家门店", "全省200城", "立减30ml"] {
            assert!(claims(text).is_empty(), "{text}: {:?}", claims(text));
        }
        // a share of the price is a ratio: 直降50% is 5折
        assert_eq!(ratios("立省50%"), [0.5]);
        assert_eq!(ratios("直降 30 %"), [0.7]);
        assert!(ratios("直降100%").is_empty() && ratios("立省0%").is_empty());
    }

    #[test]
    fn offers_to_some_buyers_or_for_several_items_claim_nothing_about_the_price() {
        for text in [
            "2件8折",
            "任选3件7折",
            "两件9折",
            "2件以上享8折",
            "会员95折",
            "新人专享8折",
            "vip立减10元",
            "领券立减20元",
            "用券后5折",
            "粉丝专享9折",
        ] {
            assert!(claims(text).is_empty(), "{text}: {:?}", claims(text));
        }
        for (text, ratio) in [
            ("3件套 8折", 0.8),
            ("学生书包 8折", 0.8),
            ("视频会员年卡 9折", 0.9),
            ("两折清仓", 0.2),
        ] {
            assert_eq!(ratios(text), [ratio], "{text}");
        }
    }
}
