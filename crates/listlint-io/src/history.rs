//! Price history files (`--price-history FILE`).
//!
//! CSV (header `id,date,price`, aliases as for listings: `sku`, `商品ID`,
//! `日期`, `成交价` …) or JSON Lines (`{"id": …, "date": …, "price": …}`),
//! chosen by extension. Dates are `YYYY-MM-DD` or RFC 3339. A row that cannot
//! be read is reported with its file and line and skipped; it never stops
//! the run.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use listlint_core::history::{sale_of, PriceHistory};
use listlint_core::listing::{InputProblem, Listing};

use crate::source::{read_listings, InputFormat, SourceError};

/// A history file read: the history, and its unreadable rows as listings
/// carrying `input` problems (so they report like any unreadable record).
#[derive(Debug)]
pub struct LoadedHistory {
    /// The history.
    pub history: PriceHistory,
    /// One per unreadable row.
    pub problems: Vec<Listing>,
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
        history: PriceHistory::from_sales(sales),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use listlint_core::date::Date;

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
        let loaded = load(&path).unwrap();
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
