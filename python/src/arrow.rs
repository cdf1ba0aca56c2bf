//! `Linter.check_arrow`: one listing per row of Arrow record batches,
//! findings returned as an Arrow table.
//!
//! Batches come in through the Arrow C data interface (pyarrow's
//! `__arrow_c_array__` / `__arrow_c_stream__`), so their buffers are the
//! caller's, not copies; string columns are read in place and only the
//! values a listing holds are copied into it. Checking runs with the GIL
//! released.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Int64Builder, LargeStringArray, RecordBatch, StringArray,
    StringBuilder, StringViewArray,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::pyarrow::{FromPyArrow, IntoPyArrow, Table};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::model::Finding;
use listlint_io::source::memory::listing_from_pairs;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::linter::Linter;

/// The name findings of Arrow rows show as their file.
const ARROW_FILE: &str = "<arrow>";
/// Findings per output batch, at most.
const OUT_ROWS: usize = 65_536;
/// Bytes of text per output batch, about, at most (string offsets are
/// 32-bit).
const OUT_BYTES: usize = 256 << 20;

/// The findings table's schema.
pub fn findings_schema() -> SchemaRef {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        text("listing_id", true),
        text("rule", false),
        text("category", false),
        text("severity", false),
        text("field", true),
        Field::new("start", DataType::Int64, true),
        Field::new("end", DataType::Int64, true),
        text("text", true),
        text("message", false),
        text("suggestion", true),
        text("fingerprint", false),
    ]))
}

/// Column builders of the findings table.
struct Out {
    schema: SchemaRef,
    listing_id: StringBuilder,
    rule: StringBuilder,
    category: StringBuilder,
    severity: StringBuilder,
    field: StringBuilder,
    start: Int64Builder,
    end: Int64Builder,
    text: StringBuilder,
    message: StringBuilder,
    suggestion: StringBuilder,
    fingerprint: StringBuilder,
    rows: usize,
    bytes: usize,
    done: Vec<RecordBatch>,
}

impl Out {
    fn new() -> Self {
        Self {
            schema: findings_schema(),
            listing_id: StringBuilder::new(),
            rule: StringBuilder::new(),
            category: StringBuilder::new(),
            severity: StringBuilder::new(),
            field: StringBuilder::new(),
            start: Int64Builder::new(),
            end: Int64Builder::new(),
            text: StringBuilder::new(),
            message: StringBuilder::new(),
            suggestion: StringBuilder::new(),
            fingerprint: StringBuilder::new(),
            rows: 0,
            bytes: 0,
            done: Vec::new(),
        }
    }

    fn push(&mut self, f: &Finding) -> Result<(), String> {
        let number = |n: Option<usize>| n.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        self.listing_id.append_option(f.listing_id.as_deref());
        self.rule.append_value(&f.rule);
        self.category.append_value(&f.category);
        self.severity.append_value(f.severity.as_str());
        self.field.append_option(f.field.as_deref());
        self.start.append_option(number(f.start));
        self.end.append_option(number(f.end));
        self.text.append_option(f.text.as_deref());
        self.message.append_value(&f.message);
        self.suggestion.append_option(f.suggestion.as_deref());
        self.fingerprint.append_value(&f.fingerprint);
        self.rows += 1;
        self.bytes += f.message.len()
            + f.text.as_ref().map_or(0, String::len)
            + f.listing_id.as_ref().map_or(0, String::len)
            + 128;
        if self.rows >= OUT_ROWS || self.bytes >= OUT_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        if self.rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.listing_id.finish()),
            Arc::new(self.rule.finish()),
            Arc::new(self.category.finish()),
            Arc::new(self.severity.finish()),
            Arc::new(self.field.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.end.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.message.finish()),
            Arc::new(self.suggestion.finish()),
            Arc::new(self.fingerprint.finish()),
        ];
        let batch =
            RecordBatch::try_new(self.schema.clone(), columns).map_err(|e| e.to_string())?;
        self.done.push(batch);
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }
}

/// How one column's values are read.
enum Reader<'a> {
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    /// Lists of scalars: the values joined with `, ` (as SPEC §1 flattens
    /// a JSON array of scalars).
    List(&'a dyn Array),
    /// Anything else: the value as Arrow displays it (numbers as written
    /// in JSON, dates in ISO 8601).
    Shown(ArrayFormatter<'a>),
}

/// A field of the listings: a column, or a child of a struct column.
struct Column<'a> {
    name: String,
    array: &'a dyn Array,
    /// Struct columns it is inside: a null there is a null here.
    parents: Vec<&'a dyn Array>,
    reader: Reader<'a>,
}

fn options() -> FormatOptions<'static> {
    FormatOptions::default().with_null("")
}

fn columns_of<'a>(
    name: String,
    array: &'a dyn Array,
    parents: Vec<&'a dyn Array>,
    out: &mut Vec<Column<'a>>,
) -> Result<(), String> {
    let reader = match array.data_type() {
        DataType::Utf8 => Reader::Utf8(array.as_string::<i32>()),
        DataType::LargeUtf8 => Reader::LargeUtf8(array.as_string::<i64>()),
        DataType::Utf8View => Reader::Utf8View(array.as_string_view()),
        DataType::Struct(fields) => {
            let strukt = array.as_struct();
            for (field, child) in fields.iter().zip(strukt.columns()) {
                let mut inner = parents.clone();
                inner.push(array);
                columns_of(
                    format!("{name}.{}", field.name()),
                    child.as_ref(),
                    inner,
                    out,
                )?;
            }
            return Ok(());
        }
        DataType::List(_) | DataType::LargeList(_) => Reader::List(array),
        DataType::Null => return Ok(()),
        _ => Reader::Shown(
            ArrayFormatter::try_new(array, &options())
                .map_err(|e| format!("column `{name}`: {e}"))?,
        ),
    };
    out.push(Column {
        name,
        array,
        parents,
        reader,
    });
    Ok(())
}

/// The values of a list, joined with `, ` (nulls left out).
fn joined(values: &ArrayRef) -> Result<String, String> {
    let mut parts = Vec::with_capacity(values.len());
    let formatter =
        ArrayFormatter::try_new(values.as_ref(), &options()).map_err(|e| e.to_string())?;
    for i in 0..values.len() {
        if values.is_valid(i) {
            parts.push(formatter.value(i).to_string());
        }
    }
    Ok(parts.join(", "))
}

impl Column<'_> {
    fn value(&self, row: usize) -> Result<Option<Cow<'_, str>>, String> {
        if self.array.is_null(row) || self.parents.iter().any(|p| p.is_null(row)) {
            return Ok(None);
        }
        Ok(Some(match &self.reader {
            Reader::Utf8(a) => Cow::Borrowed(a.value(row)),
            Reader::LargeUtf8(a) => Cow::Borrowed(a.value(row)),
            Reader::Utf8View(a) => Cow::Borrowed(a.value(row)),
            Reader::List(a) => {
                let values = match a.data_type() {
                    DataType::List(_) => a.as_list::<i32>().value(row),
                    _ => a.as_list::<i64>().value(row),
                };
                Cow::Owned(joined(&values)?)
            }
            Reader::Shown(f) => Cow::Owned(f.value(row).to_string()),
        }))
    }
}

/// Checks the rows of one batch, numbering them on from `record`.
fn check_batch(
    linter: &Linter,
    profile: &Arc<Profile>,
    batch: &RecordBatch,
    record: &mut u64,
    out: &mut Out,
) -> Result<(), String> {
    let file: Arc<str> = Arc::from(ARROW_FILE);
    let schema = batch.schema();
    let mut columns = Vec::new();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        columns_of(
            field.name().clone(),
            array.as_ref(),
            Vec::new(),
            &mut columns,
        )?;
    }
    let mut mapper = FieldMapper::new(profile.clone());
    for row in 0..batch.num_rows() {
        *record += 1;
        let mut pairs: Vec<(&str, String)> = Vec::with_capacity(columns.len());
        for column in &columns {
            if let Some(value) = column.value(row)? {
                pairs.push((column.name.as_str(), value.into_owned()));
            }
        }
        let listing = listing_from_pairs(&file, *record, *record, pairs, &mut mapper);
        for finding in linter.report(linter.core.check_listing(&listing)) {
            out.push(&finding)?;
        }
    }
    Ok(())
}

/// See `Linter.check_arrow`.
pub fn check_arrow<'py>(
    linter: &Linter,
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    id_column: &str,
    mapping: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut profile = (*linter.profile).clone();
    if id_column != "id" {
        profile.map("id", id_column);
    }
    for (field, column) in &mapping {
        profile.map(field, column);
    }
    let profile = Arc::new(profile);
    let mut out = Out::new();
    let mut record = 0u64;
    let failed = |e: String| PyValueError::new_err(format!("check_arrow: {e}"));
    let is_batch = data.hasattr("__arrow_c_array__")? && !data.hasattr("__arrow_c_stream__")?
        || data.is_instance(&py.import("pyarrow")?.getattr("RecordBatch")?)?;
    if is_batch {
        let batch = RecordBatch::from_pyarrow_bound(data)?;
        py.detach(|| check_batch(linter, &profile, &batch, &mut record, &mut out))
            .map_err(failed)?;
    } else if data.hasattr("__arrow_c_stream__")? {
        let reader = arrow::ffi_stream::RecordBatchStreamReader::from_pyarrow_bound(data)?;
        // The next batch is taken with the GIL held (a stream of Python
        // objects needs it), each batch is checked without it.
        for batch in reader {
            let batch = batch.map_err(|e| failed(e.to_string()))?;
            py.detach(|| check_batch(linter, &profile, &batch, &mut record, &mut out))
                .map_err(failed)?;
        }
    } else {
        return Err(PyTypeError::new_err(
            "check_arrow takes a pyarrow.RecordBatch or Table (or an object with __arrow_c_stream__)",
        ));
    }
    out.flush().map_err(failed)?;
    let table = Table::try_new(out.done, out.schema).map_err(|e| failed(e.to_string()))?;
    table.into_pyarrow(py)
}
