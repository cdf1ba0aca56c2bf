//! Price history: transaction prices per listing id and date, in a
//! compact per-id structure. Files are read by `listlint-io`
//! (`history::load`); rows become sales through [`sale_of`], or, for
//! order exports and listing snapshots, through [`orders`].

pub mod orders;

use std::collections::HashMap;

use crate::date::Date;
use crate::listing::Listing;
use crate::money::{parse_price, Money, Price};

/// One transaction: a date and the price paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sale {
    /// The day.
    pub date: Date,
    /// The transaction price.
    pub price: Money,
}

/// Transactions per listing id, each list sorted by date.
#[derive(Debug, Clone, Default)]
pub struct PriceHistory {
    sales: HashMap<Box<str>, Box<[Sale]>>,
    /// The prices are listed prices of earlier exports, not transactions.
    proxy: bool,
}

/// Header aliases for the date and price columns, beyond the listing ones.
const DATE_HEADERS: &[&str] = &["date", "日期", "成交日期", "交易日期", "day"];
const PRICE_HEADERS: &[&str] = &["price", "成交价", "成交价格", "交易价格"];

impl PriceHistory {
    /// Builds a history from sales (in any order).
    pub fn from_sales(sales: impl IntoIterator<Item = (String, Sale)>) -> Self {
        let mut by_id: HashMap<Box<str>, Vec<Sale>> = HashMap::new();
        for (id, sale) in sales {
            by_id.entry(id.into_boxed_str()).or_default().push(sale);
        }
        let sales = by_id
            .into_iter()
            .map(|(id, mut list)| {
                list.sort();
                (id, list.into_boxed_slice())
            })
            .collect();
        Self {
            sales,
            proxy: false,
        }
    }

    /// A history of the lowest price per listing and day: what order
    /// exports (the lowest paid unit price) and snapshots (the listed
    /// price) give.
    pub fn daily_lowest(sales: impl IntoIterator<Item = (String, Sale)>) -> Self {
        let mut lowest: HashMap<(String, Date), Money> = HashMap::new();
        for (id, sale) in sales {
            lowest
                .entry((id, sale.date))
                .and_modify(|p| *p = (*p).min(sale.price))
                .or_insert(sale.price);
        }
        Self::from_sales(
            lowest
                .into_iter()
                .map(|((id, date), price)| (id, Sale { date, price })),
        )
    }

    /// Marks the prices as listed prices of earlier exports standing in
    /// for transaction prices: findings built on them say so.
    pub fn as_proxy(mut self) -> Self {
        self.proxy = true;
        self
    }

    /// Whether the prices are listed prices standing in for transactions.
    pub fn is_proxy(&self) -> bool {
        self.proxy
    }

    /// Every sale, by listing id (in no particular order of ids).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Sale])> {
        self.sales.iter().map(|(id, sales)| (&**id, &**sales))
    }

    /// Whether the history has any sale of this listing.
    pub fn knows(&self, id: &str) -> bool {
        self.sales.contains_key(id)
    }

    /// All sales of a listing, by date.
    pub fn sales(&self, id: &str) -> &[Sale] {
        self.sales.get(id).map_or(&[], |s| s)
    }

    /// Number of listing ids in the history.
    pub fn len(&self) -> usize {
        self.sales.len()
    }

    /// Whether the history is empty.
    pub fn is_empty(&self) -> bool {
        self.sales.is_empty()
    }
}

fn field<'a>(row: &'a Listing, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| {
            row.fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        })
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// One row of a history file as a sale: its listing id, date and price, or
/// why the row is not one.
pub fn sale_of(row: &Listing) -> Result<(String, Sale), String> {
    let id = row.id().ok_or("no `id`")?.to_owned();
    let date_text = field(row, DATE_HEADERS).ok_or("no `date`")?;
    let date = Date::parse(date_text)
        .ok_or_else(|| format!("`{date_text}` is not a date (YYYY-MM-DD or RFC 3339)"))?;
    let price_text = field(row, PRICE_HEADERS).ok_or("no `price`")?;
    match parse_price(price_text)? {
        Price::Single(price) => Ok((id, Sale { date, price })),
        Price::Range(..) => Err(format!(
            "`{price_text}` is a range, not a transaction price"
        )),
        Price::Empty | Price::Unpriced => Err(format!("`{price_text}` is not a transaction price")),
    }
}
