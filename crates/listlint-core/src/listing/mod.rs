//! The listing: one record of named fields, as rules see it.

pub mod profile;

use std::sync::Arc;

use crate::model::Severity;

/// A field name shared between the records of one file.
pub type FieldName = Arc<str>;

/// One product listing read from an input file.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The file it was read from, as given on the command line.
    pub file: Arc<str>,
    /// 1-based line in the file where the record starts.
    pub line: u64,
    /// 1-based record number within the file.
    pub record: u64,
    /// Fields in input order, under their canonical names (SPEC §1) or,
    /// for columns no profile knows, their own header.
    pub fields: Vec<(FieldName, String)>,
    /// Problems met while reading this record; each becomes an `input`
    /// finding. The fields that could be read are still checked.
    pub problems: Vec<InputProblem>,
    /// Where each field's value is written on the record's first line:
    /// the 1-based column, in characters, of `fields[i]`'s value, or 0
    /// when the reader could not place it (a value over several lines,
    /// with escapes, written more than once on the line, or from another
    /// line). Readers fill it only when asked (SARIF and GitHub output
    /// point at columns); shorter than `fields` when the last are
    /// unplaced, empty when none is.
    pub value_columns: Vec<u32>,
    /// The header of the file the record comes from, when it has one
    /// (CSV, TSV, an XLSX sheet, a 淘宝助理 data package): what a field
    /// missing from the record tells (no column, or an empty cell). `None`
    /// where fields are per record (JSON, JSON Lines, catalog files).
    pub header: Option<Arc<Header>>,
}

/// The header row of a headed input, shared by the records of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// 1-based line of the header row.
    pub line: u64,
    /// The field each column maps to (the header text for columns no
    /// profile knows), in column order.
    pub fields: Vec<FieldName>,
}

impl Header {
    /// Whether a column maps to `field`.
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|f| &**f == field)
    }
}

impl Listing {
    /// A listing held in memory (not read from a file): `file` is the name
    /// findings show for it, line and record 1.
    pub fn new(file: &str) -> Self {
        Self {
            file: Arc::from(file),
            line: 1,
            record: 1,
            ..Self::default()
        }
    }

    /// Adds a field under its canonical name (SPEC §1: `id`, `title`,
    /// `description`, `price`, `cert.food` …).
    pub fn with_field(mut self, name: &str, value: impl Into<String>) -> Self {
        self.fields.push((Arc::from(name), value.into()));
        self
    }
}

/// Rule ids of findings about input, for `--select` / `--ignore`.
pub const INPUT_RULES: &[&str] = &[
    "input/cell-error",
    "input/column-collision",
    "input/duplicate-key",
    "input/empty-file",
    "input/field-count",
    "input/invalid-history-row",
    "input/invalid-json",
    "input/invalid-price",
    "input/invalid-suppression",
    "input/invalid-utf8",
    "input/invalid-yaml",
    "input/limit-exceeded",
    "input/mixed-encoding",
    "input/no-front-matter",
    "input/no-listings",
    "input/no-text-fields",
    "input/not-an-object",
    "input/record-too-large",
    "input/suppression-without-reason",
    "input/undecodable-bytes",
    "input/unreadable-record",
    "input/unterminated-quote",
    "input/unused-suppression",
];

/// Something wrong with a record as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// Rule id of the resulting finding, e.g. `input/invalid-json`.
    pub rule: &'static str,
    /// Error for records that could not be (fully) read; warning for
    /// readable data that needs attention (columns that collide).
    pub severity: Severity,
    /// What is wrong, naming the place (line, column, field) where known.
    pub message: String,
    /// The field concerned, if any.
    pub field: Option<FieldName>,
}

impl InputProblem {
    /// A record that could not be (fully) read.
    pub fn error(rule: &'static str, message: String, field: Option<FieldName>) -> Self {
        Self {
            rule,
            severity: Severity::Error,
            message,
            field,
        }
    }

    /// Readable data that needs attention.
    pub fn warning(rule: &'static str, message: String) -> Self {
        Self {
            rule,
            severity: Severity::Warning,
            message,
            field: None,
        }
    }
}

impl Listing {
    /// A record that could not be read: no fields, one `input` error.
    pub fn unreadable(
        file: &Arc<str>,
        line: u64,
        record: u64,
        rule: &'static str,
        message: String,
    ) -> Self {
        Self {
            file: file.clone(),
            line,
            record,
            problems: vec![InputProblem::error(rule, message, None)],
            ..Self::default()
        }
    }

    /// The value of a field, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        // Called many times per listing: the length and first byte tell
        // most names apart without a full comparison.
        let first = name.as_bytes().first();
        self.fields
            .iter()
            .find(|(n, _)| n.len() == name.len() && n.as_bytes().first() == first && &**n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The column where the value of field `index` starts on the record's
    /// first line, when the reader placed it.
    pub fn column_at(&self, index: usize) -> Option<u32> {
        self.value_columns.get(index).copied().filter(|&c| c > 0)
    }

    /// The column of the value [`Self::get`] returns for `name`, when the
    /// reader placed it.
    pub fn column_of(&self, name: &str) -> Option<u32> {
        if self.value_columns.is_empty() {
            return None;
        }
        let index = self.fields.iter().position(|(n, _)| &**n == name)?;
        self.column_at(index)
    }

    /// The listing id, if the record has a non-blank `id` field.
    pub fn id(&self) -> Option<&str> {
        self.get("id").map(str::trim).filter(|id| !id.is_empty())
    }

    /// A key identifying the listing across re-exports: its id, or failing
    /// that its file and record number.
    pub fn key(&self) -> String {
        match self.id() {
            Some(id) => id.to_owned(),
            None => format!("{}#{}", self.file, self.record),
        }
    }

    /// Adds a field. Names come from [`profile::FieldMapper::map_headers`],
    /// which keeps them unique; should one repeat anyway (a JSON record
    /// that repeats a key keeps its earlier values after the fields),
    /// [`Self::get`] sees the first, and the engine scans every value for
    /// wording.
    pub fn push_field(&mut self, name: FieldName, value: String) {
        self.fields.push((name, value));
    }
}
