//! `--price-history` beyond `id,date,price` files: order exports
//! (Shopify's orders CSV, Taobao/Tmall 订单报表 and 宝贝报表) and earlier
//! listing exports (snapshots), in any encoding the readers detect
//! (Taobao's exports are GBK/GB18030). Which a file is comes from
//! `--history-profile`, else from its headers
//! ([`HistoryProfile::detect`]); a file that looks like neither order
//! export is an `id,date,price` file ([`crate::history::load`]).
//!
//! From order exports and snapshots the history keeps the lowest price
//! per listing and day. Rows that are not sales (refunded, cancelled,
//! unpaid orders; listings without a price) are counted by reason;
//! unreadable rows become `input/invalid-history-row` findings.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use listlint_core::history::orders::{
    date_in_name, snapshot_row, HistoryProfile, RowOutcome, ShopifyOrders, TaobaoOrders,
};
use listlint_core::history::{PriceHistory, Sale};
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::listing::{InputProblem, Listing};

use crate::source::{self, expand_inputs, Input, ReadOptions, SourceError, WalkFilter};

/// Every `--price-history` file read.
#[derive(Debug)]
pub struct LoadedHistories {
    /// The history.
    pub history: PriceHistory,
    /// One listing per unreadable row, carrying an `input` problem.
    pub problems: Vec<Listing>,
    /// Rows that are not sales, per reason.
    pub excluded: BTreeMap<&'static str, u64>,
    /// Each file and what it was read as.
    pub files: Vec<(String, HistoryProfile)>,
}

/// Reads the history files. `profile`: `--history-profile` (`None`:
/// detected per file); `read`: how listing exports are read (snapshots
/// use its profile and `--map`s; order exports keep their own headers).
pub fn load_histories(
    paths: &[PathBuf],
    profile: Option<HistoryProfile>,
    read: &ReadOptions,
) -> Result<LoadedHistories, SourceError> {
    let mut loaded = LoadedHistories {
        history: PriceHistory::default(),
        problems: Vec::new(),
        excluded: BTreeMap::new(),
        files: Vec::new(),
    };
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let inputs = expand_inputs(&names, None, &WalkFilter::default())?;
    let mut sales: Vec<(String, Sale)> = Vec::new();
    let mut daily = false;
    let mut taobao = TaobaoOrders::default();
    let orders_read = ReadOptions {
        profile: Arc::new(Profile::bare("orders")),
        text_fields: Arc::from(Vec::new()),
        header_observer: None,
        ..read.clone()
    };
    let snapshot_read = ReadOptions {
        text_fields: Arc::from(Vec::new()),
        header_observer: None,
        ..read.clone()
    };
    for input in &inputs {
        let Input::File(path) = input else { continue };
        let name = path.display().to_string();
        let kind = match profile {
            Some(kind) => kind,
            None => detect(input, &orders_read)?.unwrap_or(HistoryProfile::Sales),
        };
        loaded.files.push((name.clone(), kind));
        match kind {
            HistoryProfile::Sales => {
                let file = crate::history::load(path)?;
                loaded.problems.extend(file.problems);
                for (id, list) in file.history.iter() {
                    sales.extend(list.iter().map(|s| (id.to_owned(), *s)));
                }
            }
            HistoryProfile::Snapshots => {
                daily = true;
                let file_date = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(date_in_name);
                for_each_row(input, &snapshot_read, |row| {
                    let outcome = snapshot_row(&row, file_date);
                    take(&mut loaded, &mut sales, row, outcome);
                })?;
            }
            HistoryProfile::ShopifyOrders => {
                daily = true;
                let mut shopify = ShopifyOrders::default();
                for_each_row(input, &orders_read, |row| {
                    let outcome = shopify.row(&row);
                    take(&mut loaded, &mut sales, row, outcome);
                })?;
            }
            HistoryProfile::TaobaoOrders => {
                daily = true;
                for_each_row(input, &orders_read, |row| {
                    let outcome = taobao.row(&row);
                    take(&mut loaded, &mut sales, row, outcome);
                })?;
            }
        }
    }
    for (row, outcome) in taobao.finish() {
        take(&mut loaded, &mut sales, row, outcome);
    }
    loaded.history = if daily {
        PriceHistory::daily_lowest(sales)
    } else {
        PriceHistory::from_sales(sales)
    };
    if profile == Some(HistoryProfile::Snapshots) {
        loaded.history = loaded.history.as_proxy();
    }
    Ok(loaded)
}

/// What a file's first record's headers say it is.
fn detect(input: &Input, read: &ReadOptions) -> Result<Option<HistoryProfile>, SourceError> {
    let mut records = source::open(input, read)?;
    let mut mapper = FieldMapper::new(read.profile.clone());
    Ok(records.next().and_then(|record| {
        let row = record.into_listing(&mut mapper);
        HistoryProfile::detect(row.fields.iter().map(|(k, _)| &**k))
    }))
}

fn for_each_row(
    input: &Input,
    read: &ReadOptions,
    mut each: impl FnMut(Listing),
) -> Result<(), SourceError> {
    let mut mapper = FieldMapper::new(read.profile.clone());
    for record in source::open(input, read)? {
        each(record.into_listing(&mut mapper));
    }
    Ok(())
}

/// Files a row's outcome: a sale, a count, or an unreadable row.
fn take(
    loaded: &mut LoadedHistories,
    sales: &mut Vec<(String, Sale)>,
    mut row: Listing,
    outcome: RowOutcome,
) {
    if !row.problems.is_empty() {
        row.fields.clear();
        loaded.problems.push(row);
        return;
    }
    match outcome {
        RowOutcome::Sale(id, sale) => sales.push((id, sale)),
        RowOutcome::Excluded(reason) => *loaded.excluded.entry(reason).or_default() += 1,
        RowOutcome::Deferred => {}
        RowOutcome::Invalid(message) => {
            let line = row.line;
            row.fields.clear();
            row.problems.push(InputProblem::error(
                "input/invalid-history-row",
                format!("line {line}: {message}"),
                None,
            ));
            loaded.problems.push(row);
        }
    }
}
