//! Transaction prices from what shops export: order reports (Shopify's
//! orders CSV, Taobao/Tmall's 订单报表 and 宝贝报表) and earlier listing
//! exports (snapshots). Rows arrive as [`Listing`]s whose fields keep
//! their headers (`listlint-io` reads the files); each becomes a sale, is
//! excluded (refunded, cancelled, unpaid: counted, not an error) or is
//! invalid (reported with its line). The lowest paid unit price per
//! listing and day becomes the history ([`PriceHistory::daily_lowest`]).
//!
//! Column names and statuses, with their sources, are in docs/usage.md
//! ("Price history").

use std::collections::HashMap;

use crate::date::Date;
use crate::listing::Listing;
use crate::money::{parse_amount, parse_price, Money};

use super::Sale;

/// What a `--price-history` file holds (`--history-profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryProfile {
    /// `id,date,price` rows: one transaction each.
    Sales,
    /// Shopify's orders export (one row per line item).
    ShopifyOrders,
    /// Taobao/Tmall 订单报表 (orders) and 宝贝报表 (their items).
    TaobaoOrders,
    /// Earlier listing exports: the listed price per day, a proxy.
    Snapshots,
}

/// Names `--history-profile` takes.
pub const HISTORY_PROFILE_NAMES: &[&str] =
    &["sales", "shopify-orders", "taobao-orders", "snapshots"];

impl HistoryProfile {
    /// By name (`shopify-orders` …).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "sales" => Self::Sales,
            "shopify-orders" => Self::ShopifyOrders,
            "taobao-orders" => Self::TaobaoOrders,
            "snapshots" => Self::Snapshots,
            _ => return None,
        })
    }

    /// The name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sales => "sales",
            Self::ShopifyOrders => "shopify-orders",
            Self::TaobaoOrders => "taobao-orders",
            Self::Snapshots => "snapshots",
        }
    }

    /// The order export a file's headers are from, if any: Shopify's has
    /// `Lineitem sku` and `Lineitem price`; Taobao's an order number
    /// (`订单编号`, `主订单编号`) with `商家编码` or `订单付款时间`.
    /// Snapshots are listing exports and are never guessed.
    pub fn detect<'h>(headers: impl IntoIterator<Item = &'h str>) -> Option<Self> {
        let headers: Vec<String> = headers.into_iter().map(header_key).collect();
        let has = |names: &[&str]| {
            names
                .iter()
                .any(|n| headers.iter().any(|h| h == &header_key(n)))
        };
        if has(&[SHOPIFY_SKU]) && has(&[SHOPIFY_PRICE]) {
            return Some(Self::ShopifyOrders);
        }
        if has(TAOBAO_ORDER_ID) && (has(TAOBAO_SKU) || has(TAOBAO_PAID_AT)) {
            return Some(Self::TaobaoOrders);
        }
        None
    }
}

/// A header as compared: spaces anywhere dropped (Taobao's exports have
/// had `订单付款时间 ` with a trailing space), ASCII case folded.
fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The trimmed value of the first of `names` the row has and fills.
fn value<'a>(row: &'a Listing, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| {
        let want = header_key(name);
        row.fields
            .iter()
            .find(|(k, _)| header_key(k) == want)
            .map(|(_, v)| clean(v))
            .filter(|v| !v.is_empty())
    })
}

/// A cell without the spreadsheet guards exports put around numbers
/// (`="123"`, `'123`) and surrounding spaces.
fn clean(value: &str) -> &str {
    let v = value.trim();
    let v = v
        .strip_prefix("=\"")
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v);
    v.strip_prefix('\'').unwrap_or(v).trim()
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// A sale of a listing.
    Sale(String, Sale),
    /// Not a sale: why (`refunded`, `cancelled`, `not paid` …), counted.
    Excluded(&'static str),
    /// Kept until the order it belongs to is known (a 宝贝报表 row whose
    /// 订单报表 comes later), or an order row kept for its items.
    Deferred,
    /// Cannot be read: what is wrong.
    Invalid(String),
}

const SHOPIFY_NAME: &str = "Name";
const SHOPIFY_FINANCIAL: &str = "Financial Status";
const SHOPIFY_PAID_AT: &str = "Paid at";
const SHOPIFY_CANCELLED_AT: &str = "Cancelled at";
const SHOPIFY_SKU: &str = "Lineitem sku";
const SHOPIFY_PRICE: &str = "Lineitem price";
const SHOPIFY_QUANTITY: &str = "Lineitem quantity";
const SHOPIFY_DISCOUNT: &str = "Lineitem discount";

/// Shopify's orders export. Order-level columns (`Financial Status`,
/// `Paid at`, `Cancelled at`) are filled on an order's first row only;
/// the rows after it, with the same `Name`, inherit them.
#[derive(Debug, Default)]
pub struct ShopifyOrders {
    current: Option<OrderHead>,
}

#[derive(Debug, Clone, Default)]
struct OrderHead {
    name: String,
    financial: String,
    paid_at: String,
    cancelled: bool,
}

impl ShopifyOrders {
    /// One row of the export.
    pub fn row(&mut self, row: &Listing) -> RowOutcome {
        let name = value(row, &[SHOPIFY_NAME]).unwrap_or("").to_owned();
        let financial = value(row, &[SHOPIFY_FINANCIAL]);
        let continues = self
            .current
            .as_ref()
            .is_some_and(|head| head.name == name && !name.is_empty())
            && financial.is_none();
        if !continues {
            self.current = Some(OrderHead {
                name,
                financial: financial.unwrap_or("").to_ascii_lowercase(),
                paid_at: value(row, &[SHOPIFY_PAID_AT]).unwrap_or("").to_owned(),
                cancelled: value(row, &[SHOPIFY_CANCELLED_AT]).is_some(),
            });
        }
        let head = self.current.as_ref().expect("set above");
        if head.cancelled {
            return RowOutcome::Excluded("cancelled");
        }
        match head.financial.as_str() {
            "refunded" => return RowOutcome::Excluded("refunded"),
            "voided" => return RowOutcome::Excluded("voided"),
            "pending" | "authorized" | "partially_paid" | "unpaid" | "expired" => {
                return RowOutcome::Excluded("not paid")
            }
            _ => {}
        }
        if head.paid_at.is_empty() {
            return RowOutcome::Excluded("not paid");
        }
        let Some(sku) = value(row, &[SHOPIFY_SKU]) else {
            return RowOutcome::Excluded("no SKU");
        };
        let Some(date) = Date::parse(&head.paid_at) else {
            return RowOutcome::Invalid(format!(
                "`{SHOPIFY_PAID_AT}` `{}` is not a date",
                head.paid_at
            ));
        };
        let quantity = match quantity(row, &[SHOPIFY_QUANTITY]) {
            Ok(q) => q,
            Err(e) => return RowOutcome::Invalid(e),
        };
        let Some(price_text) = value(row, &[SHOPIFY_PRICE]) else {
            return RowOutcome::Invalid(format!("no `{SHOPIFY_PRICE}`"));
        };
        let Some(price) = parse_amount(price_text) else {
            return RowOutcome::Invalid(format!("`{SHOPIFY_PRICE}` `{price_text}` is not a price"));
        };
        let discount = value(row, &[SHOPIFY_DISCOUNT])
            .and_then(parse_amount)
            .unwrap_or(Money(0));
        let unit = Money((price.0 - per_unit(discount, quantity)).max(0));
        RowOutcome::Sale(sku.to_owned(), Sale { date, price: unit })
    }
}

/// A line's amount shared by its units, rounded to the fen.
fn per_unit(amount: Money, quantity: i64) -> i64 {
    (amount.0 as f64 / quantity as f64).round() as i64
}

/// `Lineitem quantity` / `购买数量`: 1 when blank; a positive whole number.
fn quantity(row: &Listing, names: &[&str]) -> Result<i64, String> {
    match value(row, names) {
        None => Ok(1),
        Some(text) => match text.parse::<f64>() {
            Ok(q) if q >= 1.0 && q.fract() == 0.0 && q < 1e9 => Ok(q as i64),
            _ => Err(format!("`{}` `{text}` is not a quantity", names[0])),
        },
    }
}

/// Order number columns of Taobao/Tmall exports.
const TAOBAO_ORDER_ID: &[&str] = &["订单编号", "主订单编号", "订单号"];
/// The seller's SKU (the listing id of the history).
const TAOBAO_SKU: &[&str] = &["商家编码", "商家编码(SKU)", "SKU商家编码", "外部系统编号"];
/// The unit price as ordered.
const TAOBAO_PRICE: &[&str] = &["价格", "单价", "商品价格"];
/// A line's amount actually paid, where an export has one.
const TAOBAO_PAID: &[&str] = &["实付金额", "商品实付金额", "子订单实付金额", "实付款"];
const TAOBAO_QUANTITY: &[&str] = &["购买数量", "宝贝数量", "数量"];
const TAOBAO_STATUS: &[&str] = &["订单状态", "交易状态"];
const TAOBAO_PAID_AT: &[&str] = &["订单付款时间", "付款时间", "支付时间"];

/// Whether a Taobao order status is a completed or running paid trade.
/// `交易关闭` (closed: cancelled, or refunded in full) and
/// `等待买家付款` (not paid) are not; nor any status that names a refund
/// or a cancellation.
fn taobao_excluded(status: &str) -> Option<&'static str> {
    if status.contains("等待买家付款") || status.contains("未付款") {
        Some("not paid")
    } else if status.contains("关闭") {
        Some("closed")
    } else if status.contains("退款成功") || status.contains("已退款") {
        Some("refunded")
    } else if status.contains("取消") {
        Some("cancelled")
    } else {
        None
    }
}

/// A 宝贝报表 line waiting for its order's payment time.
#[derive(Debug, Clone)]
pub struct PendingItem {
    /// Its order.
    pub order: String,
    /// The seller's SKU.
    pub sku: String,
    /// The unit price.
    pub unit: Money,
    /// Its file, line and record, for an error.
    pub row: Listing,
}

/// Taobao/Tmall order reports: 订单报表 rows (one per order: 订单编号,
/// 订单状态, 订单付款时间) and 宝贝报表 rows (one per item: 订单编号,
/// 商家编码, 价格, 购买数量, 订单状态), joined by order number; or one
/// export that has both on each row.
#[derive(Debug, Default)]
pub struct TaobaoOrders {
    orders: HashMap<String, (Option<Date>, Option<&'static str>)>,
    pending: Vec<PendingItem>,
}

impl TaobaoOrders {
    /// One row of either report.
    pub fn row(&mut self, row: &Listing) -> RowOutcome {
        let Some(order) = value(row, TAOBAO_ORDER_ID) else {
            return RowOutcome::Invalid(format!("no `{}`", TAOBAO_ORDER_ID[0]));
        };
        let status = value(row, TAOBAO_STATUS).and_then(taobao_excluded);
        let paid_at = value(row, TAOBAO_PAID_AT);
        let paid = match paid_at {
            Some(text) => match Date::parse(text) {
                Some(date) => Some(date),
                None => {
                    return RowOutcome::Invalid(format!(
                        "`{}` `{text}` is not a date",
                        TAOBAO_PAID_AT[0]
                    ))
                }
            },
            None => None,
        };
        let Some(sku) = value(row, TAOBAO_SKU) else {
            if has_column(row, TAOBAO_SKU) {
                return RowOutcome::Excluded("no SKU");
            }
            // An order row (订单报表): remembered for its items.
            self.orders.insert(order.to_owned(), (paid, status));
            return RowOutcome::Deferred;
        };
        if let Some(reason) = status {
            return RowOutcome::Excluded(reason);
        }
        let unit = match unit_price(row) {
            Ok(unit) => unit,
            Err(e) => return RowOutcome::Invalid(e),
        };
        match paid {
            Some(date) => RowOutcome::Sale(sku.to_owned(), Sale { date, price: unit }),
            None if has_column(row, TAOBAO_PAID_AT) => RowOutcome::Excluded("not paid"),
            None => {
                self.pending.push(PendingItem {
                    order: order.to_owned(),
                    sku: sku.to_owned(),
                    unit,
                    row: Listing {
                        file: row.file.clone(),
                        line: row.line,
                        record: row.record,
                        ..Listing::default()
                    },
                });
                RowOutcome::Deferred
            }
        }
    }

    /// The deferred items, joined with their orders: each a sale, an
    /// exclusion, or an error (no order row for it) with its row.
    pub fn finish(self) -> Vec<(Listing, RowOutcome)> {
        let orders = self.orders;
        self.pending
            .into_iter()
            .map(|item| {
                let outcome = match orders.get(&item.order) {
                    Some((_, Some(reason))) => RowOutcome::Excluded(reason),
                    Some((Some(date), None)) => RowOutcome::Sale(
                        item.sku,
                        Sale {
                            date: *date,
                            price: item.unit,
                        },
                    ),
                    Some((None, None)) => RowOutcome::Excluded("not paid"),
                    None => RowOutcome::Invalid(format!(
                        "order `{}` is in no 订单报表 given: its payment time (订单付款时间) is unknown",
                        item.order
                    )),
                };
                (item.row, outcome)
            })
            .collect()
    }
}

fn has_column(row: &Listing, names: &[&str]) -> bool {
    names.iter().any(|n| {
        let want = header_key(n);
        row.fields.iter().any(|(k, _)| header_key(k) == want)
    })
}

/// A Taobao line's unit price: its paid amount over its quantity where
/// the export has one, else `价格`.
fn unit_price(row: &Listing) -> Result<Money, String> {
    let quantity = quantity(row, TAOBAO_QUANTITY)?;
    if let Some(text) = value(row, TAOBAO_PAID) {
        let paid = parse_amount(text).ok_or_else(|| format!("`{text}` is not an amount"))?;
        return Ok(Money(per_unit(paid, quantity)));
    }
    let text = value(row, TAOBAO_PRICE).ok_or_else(|| format!("no `{}`", TAOBAO_PRICE[0]))?;
    parse_amount(text).ok_or_else(|| format!("`{}` `{text}` is not a price", TAOBAO_PRICE[0]))
}

/// Date columns of a snapshot (a listing export with its day on each row).
const SNAPSHOT_DATE: &[&str] = &["snapshot_date", "date", "日期", "快照日期", "导出日期"];

/// The day of a snapshot file from its name: `2026-11-20`, `2026_11_20`,
/// `2026.11.20` or `20261120` anywhere in it.
pub fn date_in_name(name: &str) -> Option<Date> {
    let chars: Vec<char> = name.chars().collect();
    for start in 0..chars.len() {
        if start > 0 && chars[start - 1].is_ascii_digit() {
            continue;
        }
        let digits = |from: usize, n: usize| -> Option<u32> {
            let part: String = chars.get(from..from + n)?.iter().collect();
            part.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let Some(year) = digits(start, 4) else {
            continue;
        };
        let (month, day, end) = match chars.get(start + 4) {
            Some('-' | '_' | '.') => {
                let sep = chars[start + 4];
                match (
                    digits(start + 5, 2),
                    chars.get(start + 7),
                    digits(start + 8, 2),
                ) {
                    (Some(m), Some(&s), Some(d)) if s == sep => (m, d, start + 10),
                    _ => continue,
                }
            }
            _ => match (digits(start + 4, 2), digits(start + 6, 2)) {
                (Some(m), Some(d)) => (m, d, start + 8),
                _ => continue,
            },
        };
        if chars.get(end).is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Some(date) = Date::new(year as i32, month as u8, day as u8) {
            return Some(date);
        }
    }
    None
}

/// One listing of a snapshot: its listed price on the snapshot's day
/// (the row's date column, else `file_date`). A range counts by its low
/// end; a listing without a price is not a sale.
pub fn snapshot_row(row: &Listing, file_date: Option<Date>) -> RowOutcome {
    let Some(id) = row.id() else {
        return RowOutcome::Excluded("no id");
    };
    let date = match value(row, SNAPSHOT_DATE) {
        Some(text) => match Date::parse(text) {
            Some(date) => date,
            None => return RowOutcome::Invalid(format!("`{text}` is not a date")),
        },
        None => match file_date {
            Some(date) => date,
            None => {
                return RowOutcome::Invalid(
                    "no snapshot date: neither a `date` column nor a date in the file name".into(),
                )
            }
        },
    };
    let Some(text) = row.get("price").map(str::trim).filter(|t| !t.is_empty()) else {
        return RowOutcome::Excluded("no price");
    };
    match parse_price(text) {
        Ok(price) => match price.amount() {
            Some(price) => RowOutcome::Sale(id.to_owned(), Sale { date, price }),
            None => RowOutcome::Excluded("no price"),
        },
        Err(e) => RowOutcome::Invalid(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Listing {
        let mut l = Listing::new("x.csv");
        for (k, v) in pairs {
            l = l.with_field(k, *v);
        }
        l
    }

    #[test]
    fn shopify_rows_inherit_their_order_and_skip_refunds() {
        let mut s = ShopifyOrders::default();
        let first = row(&[
            ("Name", "#1001"),
            ("Financial Status", "paid"),
            ("Paid at", "2026-11-20 10:04:51 +0800"),
            ("Lineitem quantity", "2"),
            ("Lineitem price", "100.00"),
            ("Lineitem discount", "20.00"),
            ("Lineitem sku", "A"),
        ]);
        let second = row(&[
            ("Name", "#1001"),
            ("Financial Status", ""),
            ("Paid at", ""),
            ("Lineitem quantity", "1"),
            ("Lineitem price", "50"),
            ("Lineitem sku", "B"),
        ]);
        let day = Date::new(2026, 11, 20).unwrap();
        assert_eq!(
            s.row(&first),
            RowOutcome::Sale(
                "A".into(),
                Sale {
                    date: day,
                    price: Money(9000)
                }
            )
        );
        assert_eq!(
            s.row(&second),
            RowOutcome::Sale(
                "B".into(),
                Sale {
                    date: day,
                    price: Money(5000)
                }
            )
        );
        let refunded = row(&[
            ("Name", "#1002"),
            ("Financial Status", "refunded"),
            ("Paid at", "2026-11-21"),
            ("Lineitem price", "10"),
            ("Lineitem sku", "A"),
        ]);
        assert_eq!(s.row(&refunded), RowOutcome::Excluded("refunded"));
    }

    #[test]
    fn taobao_items_join_their_orders() {
        let mut t = TaobaoOrders::default();
        let item = row(&[
            ("订单编号", "=\"2001\""),
            ("商家编码", "A"),
            ("价格", "259.00"),
            ("购买数量", "1"),
            ("订单状态", "交易成功"),
        ]);
        assert_eq!(t.row(&item), RowOutcome::Deferred);
        let closed = row(&[
            ("订单编号", "2002"),
            ("商家编码", "A"),
            ("价格", "1"),
            ("订单状态", "交易关闭"),
        ]);
        assert_eq!(t.row(&closed), RowOutcome::Excluded("closed"));
        let order = row(&[
            ("订单编号", "2001"),
            ("订单状态", "交易成功"),
            ("订单付款时间 ", "2026-11-18 09:00:00"),
        ]);
        assert_eq!(t.row(&order), RowOutcome::Deferred);
        let done = t.finish();
        assert_eq!(
            done[0].1,
            RowOutcome::Sale(
                "A".into(),
                Sale {
                    date: Date::new(2026, 11, 18).unwrap(),
                    price: Money(25900)
                }
            )
        );
    }

    #[test]
    fn detection_and_dates_in_names() {
        assert_eq!(
            HistoryProfile::detect(["Name", "Lineitem sku", "Lineitem price"]),
            Some(HistoryProfile::ShopifyOrders)
        );
        assert_eq!(
            HistoryProfile::detect(["订单编号", "商家编码", "价格"]),
            Some(HistoryProfile::TaobaoOrders)
        );
        assert_eq!(HistoryProfile::detect(["id", "date", "price"]), None);
        assert_eq!(
            date_in_name("tmall-2026-11-20.csv"),
            Date::new(2026, 11, 20)
        );
        assert_eq!(
            date_in_name("export_20261119.xlsx"),
            Date::new(2026, 11, 19)
        );
        assert_eq!(date_in_name("listings.csv"), None);
        assert_eq!(date_in_name("sku-1234567890.csv"), None);
    }
}
