//! XLSX workbooks (ERP exports): every sheet, or the one `--sheet` names.
//!
//! A workbook is read whole (the format needs it). In each sheet the first
//! row is the header and every later row a record, whose `line` is its row
//! number in the sheet. The file name in findings is `book.xlsx#Sheet`. A
//! cell holding an Excel error (`#N/A`, `#VALUE!` …) is an `input` finding
//! naming the cell; the rest of the row is still checked.

use std::io::{Cursor, Read};
use std::sync::Arc;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use super::{read_document, unreadable_document, RawRecord};
use crate::date::Date;
use crate::listing::profile::{FieldMapper, Profile};
use crate::listing::{InputProblem, Listing};

/// Reads a workbook's sheets into records.
pub fn xlsx_records<R: Read>(
    input: R,
    file: Arc<str>,
    sheet: Option<&str>,
    profile: &Arc<Profile>,
) -> Vec<RawRecord> {
    let bytes = match read_document(input, &file) {
        Ok(bytes) => bytes,
        Err(records) => return records,
    };
    let mut workbook: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => {
            return vec![unreadable_document(
                &file,
                1,
                "input/unreadable-record",
                format!("not a readable XLSX workbook: {e}"),
            )]
        }
    };
    let names: Vec<String> = workbook.sheet_names().to_vec();
    let wanted: Vec<String> = match sheet {
        Some(s) if names.iter().any(|n| n == s) => vec![s.to_owned()],
        Some(s) => {
            return vec![unreadable_document(
                &file,
                1,
                "input/unreadable-record",
                format!("no sheet `{s}` (sheets: {})", names.join(", ")),
            )]
        }
        None => names,
    };
    let mut records = Vec::new();
    for name in wanted {
        let sheet_file: Arc<str> = Arc::from(format!("{file}#{name}"));
        let range = match workbook.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                records.push(unreadable_document(
                    &sheet_file,
                    1,
                    "input/unreadable-record",
                    format!("cannot read sheet: {e}"),
                ));
                continue;
            }
        };
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows();
        let Some(header) = rows.next() else { continue };
        let headers: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, c)| match cell_text(c) {
                Some(t) if !t.trim().is_empty() => t.trim().to_owned(),
                _ => format!("column_{}", i + 1),
            })
            .collect();
        let mapped =
            FieldMapper::new(profile.clone()).map_headers(headers.iter().map(String::as_str));
        for (i, row) in rows.enumerate() {
            let line = u64::from(first_row) + i as u64 + 2;
            let mut listing = Listing {
                file: sheet_file.clone(),
                line,
                record: i as u64 + 1,
                ..Listing::default()
            };
            for (col, cell) in row.iter().enumerate() {
                if let Data::Error(e) = cell {
                    listing.problems.push(InputProblem::error(
                        "input/cell-error",
                        format!(
                            "cell {}{line} holds the Excel error {e}; its field is not checked",
                            column_name(u32::from(first_col as u16) + col as u32)
                        ),
                        mapped.names.get(col).cloned(),
                    ));
                    continue;
                }
                let (Some(name), Some(text)) = (mapped.names.get(col), cell_text(cell)) else {
                    continue;
                };
                listing.push_field(name.clone(), text);
            }
            if !listing.fields.is_empty() || !listing.problems.is_empty() {
                records.push(RawRecord::Parsed(listing));
            }
        }
    }
    records
}

/// A cell as text: numbers without a spurious `.0`, dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> Option<String> {
    Some(match cell {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            // Excel's serial day 25569 is 1970-01-01.
            let days = d.as_f64().floor() as i64 - 25_569;
            Date::from_days_since_epoch(days).to_string()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    })
}

/// `A`, `B` … `Z`, `AA` … for a zero-based column.
fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
    }

    #[test]
    fn garbage_is_a_finding_not_a_panic() {
        let out = xlsx_records(
            &b"not a zip"[..],
            Arc::from("x.xlsx"),
            None,
            &Profile::generic(),
        );
        assert_eq!(out.len(), 1);
    }
}
