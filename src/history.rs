//! Price history (`--price-history FILE`): transaction prices per listing id
//! and date, loaded once into a compact per-id structure.
//!
//! CSV (header `id,date,price`, aliases as for listings: `sku`, `商品ID`,
//! `日期`, `成交价` …) or JSON Lines (`{"id": …, "date": …, "price": …}`),
//! chosen by extension. Dates are `YYYY-MM-DD` or RFC 3339. A row that cannot
//! be read is reported with its file and line and skipped; it never stops
//! the run.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use crate::date::Date;
use crate::listing::{InputProblem, Listing};
use crate::money::{parse_price, Money, Price};
use crate::source::{read_listings, InputFormat, SourceError};

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
}

/// A history file read: the history, and its unreadable rows as listings
/// carrying `input` problems (so they report like any unreadable record).
#[derive(Debug)]
pub struct LoadedHistory {
    /// The history.
    pub history: PriceHistory,
    /// One per unreadable row.
    pub problems: Vec<Listing>,
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
        Self { sales }
    }

    /// Reads a history file.
    pub fn load(path: &Path) -> Result<LoadedHistory, SourceError> {
        let name = path.display().to_string();
        let format = match InputFormat::from_path(path) {
            Some(InputFormat::Csv) => InputFormat::Csv,
            Some(InputFormat::Tsv) => InputFormat::Tsv,
            Some(InputFormat::Jsonl) => InputFormat::Jsonl,
            Some(InputFormat::Json) => InputFormat::Json,
            _ => return Err(SourceError::UnknownFormat { path: name }),
        };
        let file = File::open(path).map_err(|source| SourceError::Io {
            path: name.clone(),
            source,
        })?;
        let mut sales = Vec::new();
        let mut problems = Vec::new();
        for mut row in read_listings(BufReader::new(file), Arc::from(name.as_str()), format) {
            if !row.problems.is_empty() {
                problems.push(row);
                continue;
            }
            match sale_of(&row) {
                Ok((id, sale)) => sales.push((id, sale)),
                Err(message) => {
                    let line = row.line;
                    row.problems.push(InputProblem::error(
                        "input/invalid-history-row",
                        format!("line {line}: {message}"),
                        None,
                    ));
                    row.fields.clear();
                    problems.push(row);
                }
            }
        }
        Ok(LoadedHistory {
            history: Self::from_sales(sales),
            problems,
        })
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

fn sale_of(row: &Listing) -> Result<(String, Sale), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_csv_and_reports_bad_rows() {
        let dir = std::env::temp_dir().join(format!("listlint-history-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("h.csv");
        std::fs::write(
            &path,
            "id,date,price\nA,2026-11-18,259\nA,2026-11-10,299\nB,yesterday,10\nA,2026-11-19,abc\nC,2026-11-01T10:00:00+08:00,\"¥1,299\"\n",
        )
        .unwrap();
        let loaded = PriceHistory::load(&path).unwrap();
        let a = loaded.history.sales("A");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].date, Date::new(2026, 11, 10).unwrap());
        assert_eq!(loaded.problems.len(), 2);
        assert_eq!(loaded.problems[0].line, 4);
        assert!(loaded.problems[0].problems[0]
            .message
            .contains("`yesterday` is not a date"));
        assert!(loaded.history.knows("C"));
        assert!(!loaded.history.knows("B"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
