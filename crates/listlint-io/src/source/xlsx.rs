//! XLSX workbooks (ERP exports): every sheet, or the one `--sheet` names.
//!
//! A workbook is read whole (the format needs it), after its parts are
//! measured ([`xlsx_parts`]). In each sheet the first row with a value is
//! the header and every later row a record, whose `line` is its row number
//! in the sheet. The file name in findings is `book.xlsx#Sheet`. A cell
//! holding an Excel error (`#N/A`, `#VALUE!` …) is an `input` finding
//! naming the cell; the rest of the row is still checked.
//!
//! Sheets are read as a stream of the cells that exist, never as the dense
//! range between the first and the last (one cell at XFD1048576 would be 17
//! billion): a first pass finds the header row and the columns in use, a
//! second makes one record per row. What a workbook may expand to is
//! bounded by [`XlsxLimits`]; a limit reached is an `input/limit-exceeded`
//! finding naming the part, sheet or cell.

use std::io::{Cursor, Read};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use calamine::{open_workbook_from_rs, Data, DataRef, Reader, Xlsx, XlsxError};

use super::xlsx_parts::{self, Checked, Refused};
use super::{read_document, unreadable_document, RawRecord};
use listlint_core::date::Date;
use listlint_core::listing::profile::{FieldMapper, MappedHeaders, Profile};
use listlint_core::listing::{FieldName, Header, InputProblem, Listing};

/// Rule id of the findings a limit produces.
const LIMIT_RULE: &str = "input/limit-exceeded";

/// Rows of a sheet (Excel's grid: row 1 to 1,048,576).
const GRID_ROWS: u32 = 1 << 20;

/// Columns of a sheet (Excel's grid: A to XFD).
const GRID_COLUMNS: u32 = 1 << 14;

/// How far one workbook may expand: `--max-xlsx-bytes` and
/// `--max-xlsx-cell-bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XlsxLimits {
    /// The most any one part of a workbook (a sheet's XML, the shared
    /// strings) may decompress to, and the most text all cells of a
    /// workbook may hold together (a shared string counts once for every
    /// cell that shows it).
    pub max_bytes: u64,
    /// The most text one cell may hold.
    pub max_cell_bytes: u64,
    /// The most bytes the workbook file itself may have
    /// (`--max-document-bytes`): it is read whole.
    pub max_file_bytes: u64,
}

impl XlsxLimits {
    /// Default of [`XlsxLimits::max_bytes`]: 512 MiB (a part just under it
    /// can take about three times as much memory while calamine reads it).
    pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;
    /// Default of [`XlsxLimits::max_cell_bytes`]: 1 MiB (Excel itself
    /// keeps at most 32,767 characters in a cell).
    pub const DEFAULT_MAX_CELL_BYTES: u64 = 1 << 20;
}

impl Default for XlsxLimits {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_cell_bytes: Self::DEFAULT_MAX_CELL_BYTES,
            max_file_bytes: super::DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

/// Reads a workbook's sheets into records.
pub fn xlsx_records<R: Read>(
    input: R,
    file: Arc<str>,
    sheet: Option<&str>,
    profile: &Arc<Profile>,
    limits: XlsxLimits,
) -> Vec<RawRecord> {
    let bytes = match read_document(input, &file, limits.max_file_bytes, "--max-document-bytes") {
        Ok(bytes) => bytes,
        Err(records) => return records,
    };
    // calamine's arithmetic on cell references can overflow on malformed
    // ones (a panic where overflow is checked): the workbook is unreadable.
    let read = panic::catch_unwind(AssertUnwindSafe(|| {
        read_workbook(bytes, &file, sheet, profile, limits)
    }));
    read.unwrap_or_else(|_| {
        vec![unreadable_document(
            &file,
            1,
            "input/unreadable-record",
            "not a readable XLSX workbook: malformed cell data".to_owned(),
        )]
    })
}

/// [`xlsx_records`] once the file's bytes are read.
fn read_workbook(
    bytes: Vec<u8>,
    file: &Arc<str>,
    sheet: Option<&str>,
    profile: &Arc<Profile>,
    limits: XlsxLimits,
) -> Vec<RawRecord> {
    let too_large = |parts: &[String]| {
        unreadable_document(
            file,
            1,
            LIMIT_RULE,
            format!(
                "workbook not read: {} decompresses to more than {} bytes (--max-xlsx-bytes)",
                parts.join(", "),
                limits.max_bytes
            ),
        )
    };
    let Checked { bytes, oversized } = match xlsx_parts::check(bytes, limits.max_bytes) {
        Ok(checked) => checked,
        Err(Refused::Oversized(parts)) => return vec![too_large(&parts)],
        Err(Refused::StringCount { part, declared }) => {
            return vec![unreadable_document(
                file,
                1,
                "input/unreadable-record",
                format!(
                    "not a readable XLSX workbook: {part} declares {declared} strings, more than it holds"
                ),
            )]
        }
    };
    let checked = Checked {
        bytes: Vec::new(),
        oversized,
    };
    let mut workbook: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(w) => w,
        // The workbook needed a part that was too large to read.
        Err(_) if !checked.oversized.is_empty() => return vec![too_large(&checked.oversized)],
        Err(e) => {
            return vec![unreadable_document(
                file,
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
                file,
                1,
                "input/unreadable-record",
                format!("no sheet `{s}` (sheets: {})", names.join(", ")),
            )]
        }
        None => names,
    };
    let mut sheets = SheetReader {
        workbook: &mut workbook,
        checked: &checked,
        profile,
        limits,
        text_left: limits.max_bytes,
        records: Vec::new(),
    };
    for name in wanted {
        let sheet_file: Arc<str> = Arc::from(format!("{file}#{name}"));
        if sheets.text_left == 0 {
            sheets.records.push(unreadable_document(
                &sheet_file,
                1,
                LIMIT_RULE,
                sheets.text_limit_message("sheet not read"),
            ));
            continue;
        }
        sheets.read_sheet(&name, &sheet_file);
    }
    sheets.records
}

/// Where a sheet's cells lie, from a first pass over it.
struct Bounds {
    /// The header row (zero-based): the first row with a value.
    header_row: u32,
    /// The first column with a value (zero-based).
    first_col: u32,
    /// Which columns hold a value, from `first_col` on.
    used: Vec<bool>,
    /// Whether the header row's cells all come before any other row's (as
    /// every writer puts them); else the header row is read first, in a
    /// pass of its own.
    header_first: bool,
}

/// Which cells a pass over a sheet reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Every cell, in file order.
    All,
    /// Only the header row's.
    Header,
    /// All but the header row's.
    Data,
}

/// Why a sheet is not read.
enum SheetProblem {
    /// calamine could not read it.
    Unreadable(String),
    /// Its part decompresses to more than the limit.
    Oversized(String),
}

/// Reads the sheets of one workbook into records, with the text budget of
/// the workbook.
struct SheetReader<'w, RS: Read + std::io::Seek> {
    workbook: &'w mut Xlsx<RS>,
    checked: &'w Checked,
    profile: &'w Arc<Profile>,
    limits: XlsxLimits,
    /// Bytes of cell text the workbook may still produce.
    text_left: u64,
    records: Vec<RawRecord>,
}

impl<RS: Read + std::io::Seek> SheetReader<'_, RS> {
    /// The message of a cell or sheet not read because the workbook's
    /// cells hold as much text as `--max-xlsx-bytes` allows.
    fn text_limit_message(&self, what: &str) -> String {
        format!(
            "{what}: the workbook's cells hold more than {} bytes of text (--max-xlsx-bytes); the rest of the workbook is not read",
            self.limits.max_bytes
        )
    }

    /// Reads one sheet: a first pass finds its bounds (no cell is kept), a
    /// second turns its rows into records, one row at a time.
    fn read_sheet(&mut self, name: &str, sheet_file: &Arc<str>) {
        let problem = match self.bounds(name) {
            Ok(Some(bounds)) => match self.rows(name, sheet_file, &bounds) {
                Ok(()) => return,
                Err(problem) => problem,
            },
            Ok(None) => return,
            Err(problem) => problem,
        };
        let (rule, message) = match problem {
            SheetProblem::Unreadable(e) => ("input/unreadable-record", format!("cannot read sheet: {e}")),
            SheetProblem::Oversized(part) => (
                LIMIT_RULE,
                format!(
                    "sheet not read: its part {part} decompresses to more than {} bytes (--max-xlsx-bytes)",
                    self.limits.max_bytes
                ),
            ),
        };
        self.records
            .push(unreadable_document(sheet_file, 1, rule, message));
    }

    /// The first pass: the header row, the columns in use, and whether the
    /// header row comes first.
    fn bounds(&mut self, name: &str) -> Result<Option<Bounds>, SheetProblem> {
        let Some(mut cells) = open_cells(self.workbook, self.checked, name)? else {
            return Ok(None);
        };
        let mut first_row = None;
        let mut header_row = u32::MAX;
        let mut past_first = false;
        let mut header_first = true;
        let mut used = vec![false; GRID_COLUMNS as usize];
        while let Some(cell) = cells
            .next_cell()
            .map_err(|e| SheetProblem::Unreadable(e.to_string()))?
        {
            let (row, col) = cell.get_position();
            if *cell.get_value() == DataRef::Empty || row >= GRID_ROWS || col >= GRID_COLUMNS {
                continue;
            }
            let first = *first_row.get_or_insert(row);
            if row != first {
                past_first = true;
            } else if past_first {
                header_first = false;
            }
            header_row = header_row.min(row);
            used[col as usize] = true;
        }
        let Some(first_row) = first_row else {
            return Ok(None);
        };
        header_first &= first_row == header_row;
        let first_col = used.iter().position(|&u| u).unwrap_or(0);
        used.drain(..first_col);
        Ok(Some(Bounds {
            header_row,
            first_col: first_col as u32,
            used,
            header_first,
        }))
    }

    /// The second pass: the header row's names, then one record per row
    /// (and a pass for the header row before, if it does not come first).
    fn rows(
        &mut self,
        name: &str,
        sheet_file: &Arc<str>,
        bounds: &Bounds,
    ) -> Result<(), SheetProblem> {
        let mut rows = Rows {
            sheet_file,
            bounds,
            limits: self.limits,
            headers: vec![None; bounds.used.len()],
            mapped: None,
            header: None,
            profile: self.profile.clone(),
            header_problems: Vec::new(),
            current: None,
            records: Vec::new(),
        };
        let passes: &[Pass] = if bounds.header_first {
            &[Pass::All]
        } else {
            &[Pass::Header, Pass::Data]
        };
        let mut result = Ok(());
        for &pass in passes {
            result = self.pass(name, &mut rows, pass);
            if result.is_err() || self.text_left == 0 {
                break;
            }
        }
        rows.finish_row();
        self.records.append(&mut rows.records);
        result
    }

    /// One pass over a sheet's cells into `rows`, counting their text.
    fn pass(&mut self, name: &str, rows: &mut Rows<'_>, pass: Pass) -> Result<(), SheetProblem> {
        let limits = self.limits;
        let header_row = rows.bounds.header_row;
        let Some(mut cells) = open_cells(self.workbook, self.checked, name)? else {
            return Ok(());
        };
        let mut text_left = self.text_left;
        let mut exhausted = false;
        while let Some(cell) = cells
            .next_cell()
            .map_err(|e| SheetProblem::Unreadable(e.to_string()))?
        {
            let (row, col) = cell.get_position();
            let value = cell.get_value().clone();
            let in_header = row == header_row;
            if value == DataRef::Empty
                || (pass == Pass::Header && !in_header)
                || (pass == Pass::Data && in_header)
            {
                continue;
            }
            if row >= GRID_ROWS || col >= GRID_COLUMNS {
                rows.outside_grid(row, col);
                continue;
            }
            let len = text_len(&value);
            if len > limits.max_cell_bytes {
                rows.too_long(row, col, len);
                continue;
            }
            if len > text_left {
                exhausted = true;
                rows.problem(
                    row,
                    InputProblem::error(
                        LIMIT_RULE,
                        format!(
                            "cell {}{} not read: the workbook's cells hold more than {} bytes of text (--max-xlsx-bytes); the rest of the workbook is not read",
                            column_name(col),
                            u64::from(row) + 1,
                            limits.max_bytes
                        ),
                        None,
                    ),
                );
                break;
            }
            text_left -= len;
            rows.cell(row, col, value);
        }
        self.text_left = if exhausted { 0 } else { text_left };
        if pass == Pass::Header {
            rows.map_headers();
        }
        Ok(())
    }
}

/// Opens a sheet's cells; `None` for a sheet that is not a worksheet (a
/// chart sheet), which has no rows.
fn open_cells<'w, RS: Read + std::io::Seek>(
    workbook: &'w mut Xlsx<RS>,
    checked: &Checked,
    name: &str,
) -> Result<Option<calamine::XlsxCellReader<'w, RS>>, SheetProblem> {
    match workbook.worksheet_cells_reader(name) {
        Ok(cells) => Ok(Some(cells)),
        Err(XlsxError::NotAWorksheet(typ)) => match checked.oversized_marker(&typ) {
            Some(part) => Err(SheetProblem::Oversized(part.to_owned())),
            None => Ok(None),
        },
        Err(e) => Err(SheetProblem::Unreadable(e.to_string())),
    }
}

/// The records of one sheet as its cells stream in.
struct Rows<'s> {
    sheet_file: &'s Arc<str>,
    bounds: &'s Bounds,
    limits: XlsxLimits,
    /// The header row's text per used column, until the first data row.
    headers: Vec<Option<String>>,
    /// The field name of each column, from the first data row on.
    mapped: Option<(MappedHeaders, Vec<usize>)>,
    /// The header as the sheet's listings carry it.
    header: Option<Arc<Header>>,
    profile: Arc<Profile>,
    /// Problems of cells in the header row.
    header_problems: Vec<InputProblem>,
    /// The row being read and its record.
    current: Option<(u32, Listing)>,
    records: Vec<RawRecord>,
}

impl Rows<'_> {
    /// The field name of a column, once the header row is read.
    fn field(&self, col: u32) -> Option<FieldName> {
        let (mapped, index) = self.mapped.as_ref()?;
        let i = *index.get((col - self.bounds.first_col) as usize)?;
        mapped.names.get(i).cloned()
    }

    /// The record of `row`, closing the previous one when the row changes.
    fn listing(&mut self, row: u32) -> &mut Listing {
        if self.current.as_ref().is_some_and(|(r, _)| *r != row) {
            self.finish_row();
        }
        if self.mapped.is_none() {
            self.map_headers();
        }
        let header_row = self.bounds.header_row;
        let file = self.sheet_file.clone();
        let header = self.header.clone();
        &mut self
            .current
            .get_or_insert_with(|| {
                (
                    row,
                    Listing {
                        file,
                        line: u64::from(row) + 1,
                        record: u64::from(row - header_row),
                        header,
                        ..Listing::default()
                    },
                )
            })
            .1
    }

    /// Names the used columns from the header row (`column_N` where it is
    /// blank, N counted from the first used column).
    fn map_headers(&mut self) {
        let mut names = Vec::new();
        let mut index = vec![usize::MAX; self.bounds.used.len()];
        for (i, used) in self.bounds.used.iter().enumerate() {
            if !used {
                continue;
            }
            index[i] = names.len();
            names.push(match self.headers[i].take() {
                Some(t) if !t.trim().is_empty() => t.trim().to_owned(),
                _ => format!("column_{}", i + 1),
            });
        }
        let mapped =
            FieldMapper::new(self.profile.clone()).map_headers(names.iter().map(String::as_str));
        self.headers = Vec::new();
        self.header = Some(Arc::new(Header {
            line: u64::from(self.bounds.header_row) + 1,
            fields: mapped.names.clone(),
        }));
        self.mapped = Some((mapped, index));
    }

    /// Adds a problem to the record of `row` (the header row's problems
    /// form a record of their own), naming `col`'s field if known.
    fn problem_at(
        &mut self,
        row: u32,
        col: Option<u32>,
        make: impl FnOnce(Option<FieldName>) -> InputProblem,
    ) {
        if row == self.bounds.header_row {
            let problem = make(None);
            self.header_problems.push(problem);
            return;
        }
        self.listing(row);
        let field = col.and_then(|c| self.field(c));
        let problem = make(field);
        if let Some((_, listing)) = self.current.as_mut() {
            listing.problems.push(problem);
        }
    }

    /// A problem of the record of `row` that names no field.
    fn problem(&mut self, row: u32, problem: InputProblem) {
        self.problem_at(row, None, |_| problem);
    }

    /// A cell beyond XFD1048576: not read.
    fn outside_grid(&mut self, row: u32, col: u32) {
        let row = row.min(GRID_ROWS - 1).max(self.bounds.header_row);
        self.problem(
            row,
            InputProblem::error(
                "input/unreadable-record",
                format!(
                    "a cell at {}{} lies outside the sheet (beyond XFD1048576); it is not read",
                    column_name(col),
                    u64::from(row) + 1
                ),
                None,
            ),
        );
    }

    /// A cell with more text than `--max-xlsx-cell-bytes`.
    fn too_long(&mut self, row: u32, col: u32, len: u64) {
        let max = self.limits.max_cell_bytes;
        self.problem_at(row, Some(col), |field| {
            InputProblem::error(
                LIMIT_RULE,
                format!(
                    "cell {}{} holds {len} bytes of text, more than {max} (--max-xlsx-cell-bytes); its field is not checked",
                    column_name(col),
                    u64::from(row) + 1
                ),
                field,
            )
        });
    }

    /// Adds a cell's value to its row.
    fn cell(&mut self, row: u32, col: u32, value: DataRef<'_>) {
        if row == self.bounds.header_row {
            let i = (col - self.bounds.first_col) as usize;
            self.headers[i] = cell_text(Data::from(value));
            return;
        }
        if let DataRef::Error(e) = &value {
            let message = format!(
                "cell {}{} holds the Excel error {e}; its field is not checked",
                column_name(col),
                u64::from(row) + 1
            );
            self.problem_at(row, Some(col), |field| {
                InputProblem::error("input/cell-error", message, field)
            });
            return;
        }
        self.listing(row);
        let (Some(name), Some(text)) = (self.field(col), cell_text(Data::from(value))) else {
            return;
        };
        if let Some((_, listing)) = self.current.as_mut() {
            listing.push_field(name, text);
        }
    }

    /// Closes the current record (and the header row's problems).
    fn finish_row(&mut self) {
        if !self.header_problems.is_empty() {
            let listing = Listing {
                file: self.sheet_file.clone(),
                line: u64::from(self.bounds.header_row) + 1,
                record: 1,
                problems: std::mem::take(&mut self.header_problems),
                ..Listing::default()
            };
            self.records.push(RawRecord::Parsed(listing));
        }
        if let Some((_, listing)) = self.current.take() {
            if !listing.fields.is_empty() || !listing.problems.is_empty() {
                self.records.push(RawRecord::Parsed(listing));
            }
        }
    }
}

/// The length of a cell's text, before it is copied.
fn text_len(value: &DataRef<'_>) -> u64 {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len() as u64,
        DataRef::SharedString(s) => s.len() as u64,
        // Numbers, booleans, dates, errors: at most a few dozen bytes.
        _ => 0,
    }
}

/// A cell as text: numbers without a spurious `.0`, dates as YYYY-MM-DD.
fn cell_text(cell: Data) -> Option<String> {
    Some(match cell {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            // Excel's serial day 25569 is 1970-01-01.
            let days = d.as_f64().floor() as i64 - 25_569;
            Date::from_days_since_epoch(days).to_string()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s,
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
            XlsxLimits::default(),
        );
        assert_eq!(out.len(), 1);
    }
}
