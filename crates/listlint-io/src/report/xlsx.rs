//! `--format xlsx`: an Excel workbook, written with `rust_xlsxwriter`.
//!
//! - `汇总` (first sheet): files, listing records and findings; findings
//!   by severity, by category, and by rule and severity (rules with the
//!   most findings first).
//! - `问题`: one row per finding with the columns of [`rows`](super::rows)
//!   (the same as `--format csv`), a frozen, filterable header row and
//!   fixed column widths. Every value is a text cell except the line
//!   number, so listing ids such as `00123` or `6901234567890` keep their
//!   digits. A sheet holds at most 1,048,575 findings (Excel's row limit
//!   less the header); further findings continue on `问题2`, `问题3` …
//! - A cell holds at most 32,767 characters (Excel's limit): a longer
//!   value is cut there, ending in `…`.
//!
//! Memory: the `问题` sheets are constant-memory worksheets, which write
//! each row to a temporary file as the next one starts, and the finished
//! workbook is assembled in another temporary file before it is copied to
//! the output. What grows with the findings is on disk; in memory there
//! are three counts per rule and category.

use std::collections::BTreeMap;
use std::io::{self, Seek, SeekFrom, Write};

use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use super::rows::{cells, reason_cell, severity_label, LegalBasis, COLUMNS, LINE_COLUMN};
use super::{Finding, Reporter, RuleInfo, Summary};
use listlint_core::model::Severity;

/// Name of the summary sheet.
pub const SUMMARY_SHEET: &str = "汇总";
/// Name of the (first) findings sheet.
pub const FINDINGS_SHEET: &str = "问题";

/// The workbook's author (`docProps/core.xml`), by which a later run tells
/// its own earlier report from a listing workbook.
pub const AUTHOR: &str = "listlint";

/// Rows of an Excel worksheet.
const EXCEL_ROWS: u32 = 1_048_576;
/// Characters of an Excel cell.
const EXCEL_CELL_CHARS: usize = 32_767;

/// Widths of the findings columns, in characters (a Chinese character
/// counts two).
const WIDTHS: [f64; 11] = [
    28.0, 7.0, 18.0, 14.0, 16.0, 30.0, 9.0, 64.0, 16.0, 48.0, 24.0,
];

/// Severities in the order the sheets list them.
const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// Findings per severity (error, warning, info).
type Counts = [u64; 3];

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Writes rows as findings arrive; the summary and the workbook file at
/// the end.
pub struct XlsxReporter<W: Write> {
    out: W,
    workbook: Workbook,
    legal: LegalBasis,
    header: Format,
    /// Each findings sheet's index in the workbook and its next row.
    sheets: Vec<(usize, u32)>,
    /// Rows a findings sheet may have, header included.
    rows_per_sheet: u32,
    /// Findings per rule: its category and counts.
    by_rule: BTreeMap<String, (String, Counts)>,
}

impl<W: Write> XlsxReporter<W> {
    /// Writes to `out`; the legal basis of each finding comes from `rules`.
    /// Fails when the temporary file of the findings sheet cannot be made.
    pub fn new(out: W, rules: &[RuleInfo]) -> io::Result<Self> {
        Self::with_rows_per_sheet(out, rules, EXCEL_ROWS)
    }

    fn with_rows_per_sheet(out: W, rules: &[RuleInfo], rows_per_sheet: u32) -> io::Result<Self> {
        let mut workbook = Workbook::new();
        workbook.set_properties(
            &DocProperties::new()
                .set_author(AUTHOR)
                .set_title("listlint 检查报告")
                .set_comment(concat!("listlint ", env!("CARGO_PKG_VERSION"))),
        );
        workbook
            .add_worksheet()
            .set_name(SUMMARY_SHEET)
            .map_err(xlsx_error)?;
        let mut reporter = Self {
            out,
            workbook,
            legal: LegalBasis::new(rules),
            header: Format::new().set_bold(),
            sheets: Vec::new(),
            rows_per_sheet: rows_per_sheet.max(2),
            by_rule: BTreeMap::new(),
        };
        reporter.add_findings_sheet()?;
        Ok(reporter)
    }

    /// Starts the next findings sheet: its header row, widths and frozen
    /// header.
    fn add_findings_sheet(&mut self) -> io::Result<()> {
        let number = self.sheets.len() + 1;
        let name = if number == 1 {
            FINDINGS_SHEET.to_owned()
        } else {
            format!("{FINDINGS_SHEET}{number}")
        };
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(name).map_err(xlsx_error)?;
        for (column, (heading, width)) in COLUMNS.iter().zip(WIDTHS).enumerate() {
            let column = column as u16;
            sheet.set_column_width(column, width).map_err(xlsx_error)?;
            sheet
                .write_string_with_format(0, column, *heading, &self.header)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        // The summary is sheet 0; findings sheets follow in order.
        self.sheets.push((number, 1));
        Ok(())
    }

    fn add(&mut self, finding: &Finding) -> io::Result<()> {
        if self
            .sheets
            .last()
            .is_some_and(|s| s.1 >= self.rows_per_sheet)
        {
            self.add_findings_sheet()?;
        }
        let Some(&(index, row)) = self.sheets.last() else {
            return Ok(());
        };
        let line = finding.line.to_string();
        let mut reason = String::new();
        reason_cell(finding, &mut reason);
        let values = cells(finding, &self.legal, &line, &reason);
        let sheet = self
            .workbook
            .worksheet_from_index(index)
            .map_err(xlsx_error)?;
        for (column, value) in values.iter().enumerate() {
            let col = column as u16;
            if column == LINE_COLUMN {
                sheet
                    .write_number(row, col, finding.line as f64)
                    .map_err(xlsx_error)?;
            } else if !value.is_empty() {
                sheet
                    .write_string(row, col, fit_cell(value))
                    .map_err(xlsx_error)?;
            }
        }
        if let Some(last) = self.sheets.last_mut() {
            last.1 += 1;
        }
        let (_, counts) = self
            .by_rule
            .entry(finding.rule.to_string())
            .or_insert_with(|| (finding.category.to_string(), Counts::default()));
        counts[slot(finding.severity)] += 1;
        Ok(())
    }

    /// Fills in the summary sheet.
    fn write_summary(&mut self, summary: &Summary) -> Result<(), XlsxError> {
        let header = self.header.clone();
        let mut by_rule: Vec<(&String, &(String, Counts))> = self.by_rule.iter().collect();
        by_rule.sort_by(|a, b| {
            let total = |c: &Counts| c.iter().sum::<u64>();
            total(&b.1 .1).cmp(&total(&a.1 .1)).then(a.0.cmp(b.0))
        });
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.set_column_width(0, 34)?;
        sheet.set_column_width(1, 18)?;
        for column in 2..6 {
            sheet.set_column_width(column, 9)?;
        }
        sheet.write_string_with_format(0, 0, "listlint 检查汇总", &header)?;
        let mut row = 2;
        for (label, count) in [
            ("文件", summary.files),
            ("商品记录", summary.listings),
            ("问题", summary.findings),
        ] {
            sheet.write_string(row, 0, label)?;
            sheet.write_number(row, 1, count as f64)?;
            row += 1;
        }

        row += 1;
        sheet.write_string_with_format(row, 0, "严重程度", &header)?;
        sheet.write_string_with_format(row, 1, "问题数", &header)?;
        for severity in SEVERITIES {
            row += 1;
            sheet.write_string(row, 0, severity_label(severity))?;
            sheet.write_number(row, 1, summary.severity(severity) as f64)?;
        }

        row += 2;
        sheet.write_string_with_format(row, 0, "类别", &header)?;
        sheet.write_string_with_format(row, 1, "问题数", &header)?;
        let mut categories: Vec<(&String, &u64)> = summary.by_category.iter().collect();
        categories.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (category, count) in categories {
            row += 1;
            sheet.write_string(row, 0, fit_cell(category))?;
            sheet.write_number(row, 1, *count as f64)?;
        }

        row += 2;
        let headings = ["规则", "类别", "错误", "警告", "提示", "合计"];
        for (column, heading) in headings.iter().enumerate() {
            sheet.write_string_with_format(row, column as u16, *heading, &header)?;
        }
        let mut totals = Counts::default();
        for (rule, (category, counts)) in by_rule {
            row += 1;
            sheet.write_string(row, 0, fit_cell(rule))?;
            sheet.write_string(row, 1, fit_cell(category))?;
            for (column, count) in counts.iter().enumerate() {
                sheet.write_number(row, 2 + column as u16, *count as f64)?;
                totals[column] += count;
            }
            sheet.write_number(row, 5, counts.iter().sum::<u64>() as f64)?;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, "合计", &header)?;
        for (column, count) in totals.iter().enumerate() {
            sheet.write_number_with_format(row, 2 + column as u16, *count as f64, &header)?;
        }
        sheet.write_number_with_format(row, 5, totals.iter().sum::<u64>() as f64, &header)?;
        Ok(())
    }

    fn save(&mut self, summary: &Summary) -> Result<(), XlsxError> {
        self.write_summary(summary)?;
        for &(index, rows) in &self.sheets {
            let sheet: &mut Worksheet = self.workbook.worksheet_from_index(index)?;
            sheet.autofilter(0, 0, rows.saturating_sub(1), COLUMNS.len() as u16 - 1)?;
        }
        let mut file =
            tempfile::tempfile().map_err(|e| XlsxError::TempFileError(std::env::temp_dir(), e))?;
        self.workbook.save_to_writer(&mut file)?;
        file.seek(SeekFrom::Start(0))?;
        io::copy(&mut file, &mut self.out)?;
        Ok(())
    }
}

/// `value`, cut to what an Excel cell holds.
fn fit_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(EXCEL_CELL_CHARS) {
        None => value.into(),
        Some(_) => {
            let (cut, _) = value
                .char_indices()
                .nth(EXCEL_CELL_CHARS - 1)
                .unwrap_or((value.len(), ' '));
            format!("{}…", &value[..cut]).into()
        }
    }
}

/// An XLSX writer error as an I/O error that names the report.
fn xlsx_error(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(e) => e,
        XlsxError::TempFileError(dir, e) => io::Error::new(
            e.kind(),
            format!(
                "cannot create a temporary file for the xlsx report in {}: {e} \
                 (set TMPDIR to a writable folder with room for the report)",
                dir.display()
            ),
        ),
        e => io::Error::other(format!("cannot write the xlsx report: {e}")),
    }
}

impl<W: Write> Reporter for XlsxReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        findings.iter().try_for_each(|f| self.add(f))
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.save(summary).map_err(xlsx_error)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn finding(record: u64) -> Finding {
        Finding {
            rule: Arc::from("a/rule"),
            pack: Arc::from("p"),
            category: Arc::from("claims"),
            severity: Severity::Warning,
            message: "m".into(),
            help: None,
            suggestion: None,
            file: Arc::from("f.csv"),
            line: record + 1,
            record,
            listing_id: Some(format!("{record:05}")),
            field: None,
            start: None,
            end: None,
            text: None,
            fingerprint: "f".into(),
            reason: None,
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
        }
    }

    #[test]
    fn findings_past_a_sheets_rows_continue_on_the_next_sheet() {
        let mut out = Vec::new();
        let mut reporter = XlsxReporter::with_rows_per_sheet(&mut out, &[], 3).unwrap();
        let findings: Vec<Finding> = (1..=5).map(finding).collect();
        reporter.findings(&findings).unwrap();
        reporter.finish(&Summary::new()).unwrap();
        drop(reporter);
        let mut book = Xlsx::new(io::Cursor::new(out)).unwrap();
        assert_eq!(book.sheet_names(), ["汇总", "问题", "问题2", "问题3"]);
        let ids: Vec<Vec<String>> = ["问题", "问题2", "问题3"]
            .iter()
            .map(|name| {
                let range = book.worksheet_range(name).unwrap();
                assert_eq!(range.get((0, 2)), Some(&Data::String("商品ID".into())));
                range.rows().skip(1).map(|row| row[2].to_string()).collect()
            })
            .collect();
        assert_eq!(
            ids,
            [
                vec!["00001", "00002"],
                vec!["00003", "00004"],
                vec!["00005"]
            ]
        );
    }

    #[test]
    fn a_cell_is_cut_at_excels_limit() {
        let long = "长".repeat(EXCEL_CELL_CHARS + 10);
        let cut = fit_cell(&long);
        assert_eq!(cut.chars().count(), EXCEL_CELL_CHARS);
        assert!(cut.ends_with("长…"));
        let exact = "x".repeat(EXCEL_CELL_CHARS);
        assert_eq!(fit_cell(&exact), exact);
    }
}
