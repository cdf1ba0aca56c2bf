//! Inputs: finding the files to read, choosing a reader, and reading records
//! into [`Listing`]s.
//!
//! Every reader is an iterator of listings. A record that cannot be read is
//! still yielded, carrying an [`InputProblem`](crate::listing::InputProblem),
//! so that nothing is silently dropped and output order follows the file.

mod catalog;
mod csv;
mod empty;
mod encoding;
mod flatten;
mod json;
mod json_fields;
mod json_record;
mod jsonl;
mod line_index;
mod repeated;
mod shopify;
mod walk;
mod xlsx;

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use encoding::InputEncoding;
pub use flatten::flatten_json_object;
pub use walk::{expand_inputs, WalkFilter};

use crate::listing::profile::{FieldMapper, Profile};
use crate::listing::Listing;
use crate::progress::BytesRead;

/// A stream of listings from one input.
pub type Listings = Box<dyn Iterator<Item = Listing> + Send>;

/// A stream of raw records from one input (see [`RawRecord`]).
pub type RawRecords = Box<dyn Iterator<Item = RawRecord> + Send>;

/// A record as the reader produced it. Formats whose records can be parsed
/// independently (JSON Lines) leave the parsing to the worker that checks
/// the record, so it runs in parallel; others hand over finished listings.
#[derive(Debug)]
pub enum RawRecord {
    /// Already a listing.
    Parsed(Listing),
    /// One line of JSON Lines, not yet parsed.
    JsonLine {
        /// Input name.
        file: Arc<str>,
        /// 1-based line number.
        line: u64,
        /// 1-based record number.
        record: u64,
        /// The line's bytes.
        bytes: Vec<u8>,
    },
    /// One element of a JSON array document, not yet parsed.
    JsonElement {
        /// Input name.
        file: Arc<str>,
        /// Where the element starts.
        start: json_record::Start,
        /// 1-based record number.
        record: u64,
        /// The element's bytes.
        bytes: Vec<u8>,
    },
    /// A catalog file's contents, not yet parsed (one listing per file).
    CatalogFile {
        /// Input name.
        file: Arc<str>,
        /// YAML or Markdown with front matter.
        kind: catalog::CatalogKind,
        /// The file's bytes.
        bytes: Vec<u8>,
    },
}

/// A whole-document file's record that reports why it could not be read
/// (record 1: documents fail as a whole).
fn unreadable_document(
    file: &Arc<str>,
    line: u64,
    rule: &'static str,
    message: String,
) -> RawRecord {
    RawRecord::Parsed(Listing::unreadable(file, line, 1, rule, message))
}

/// Reads a whole-document input (JSON, XLSX, catalog file); a read error
/// becomes the file's one `input/unreadable-record` record.
fn read_document<R: Read>(mut input: R, file: &Arc<str>) -> Result<Vec<u8>, Vec<RawRecord>> {
    let mut bytes = Vec::new();
    match input.read_to_end(&mut bytes) {
        Ok(_) => Ok(bytes),
        Err(e) => Err(vec![unreadable_document(
            file,
            1,
            "input/unreadable-record",
            format!("cannot read: {e}"),
        )]),
    }
}

impl RawRecord {
    /// About how many bytes of input the record holds.
    pub fn input_bytes(&self) -> usize {
        match self {
            RawRecord::Parsed(listing) => listing.fields.iter().map(|(_, v)| v.len()).sum(),
            RawRecord::JsonLine { bytes, .. }
            | RawRecord::JsonElement { bytes, .. }
            | RawRecord::CatalogFile { bytes, .. } => bytes.len(),
        }
    }

    /// Parses the record into a listing. `mapper` caches header mapping
    /// and can be reused across records.
    pub fn into_listing(self, mapper: &mut FieldMapper) -> Listing {
        match self {
            RawRecord::Parsed(listing) => listing,
            RawRecord::JsonLine {
                file,
                line,
                record,
                bytes,
            } => json_record::parse_json_record(
                &file,
                json_record::Start::line(line),
                record,
                &bytes,
                mapper,
            ),
            RawRecord::JsonElement {
                file,
                start,
                record,
                bytes,
            } => json_record::parse_json_record(&file, start, record, &bytes, mapper),
            RawRecord::CatalogFile { file, kind, bytes } => {
                catalog::parse_catalog_file(file, kind, bytes, mapper)
            }
        }
    }
}

/// Input formats listlint can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON object per line (JSON Lines / NDJSON).
    Jsonl,
    /// A JSON array of listing objects, or one object.
    Json,
    /// One listing per YAML file (a catalog repository).
    Yaml,
    /// One listing per Markdown file, in its YAML front matter.
    Markdown,
    /// An XLSX workbook: every sheet a table with a header row.
    Xlsx,
}

impl InputFormat {
    /// The format a file name's extension implies, if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Self::Csv),
            "tsv" | "tab" => Some(Self::Tsv),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            "json" => Some(Self::Json),
            "yaml" | "yml" => Some(Self::Yaml),
            "md" | "markdown" => Some(Self::Markdown),
            "xlsx" | "xlsm" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// Where listings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// The name used in findings: the path as given, or `<stdin>`.
    pub fn display_name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_owned(),
        }
    }
}

/// An input that cannot be read at all (a usage error, exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SourceError {
    /// The file could not be opened or read.
    #[error("cannot read {path}")]
    #[diagnostic(code(listlint::input::unreadable))]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        source: io::Error,
    },
    /// Standard input delivered no byte at all.
    #[error("standard input is empty: there is nothing to check")]
    #[diagnostic(
        code(listlint::input::empty_stdin),
        help("pipe listings in (`listlint check - < listings.jsonl`), or name the files to check; an empty pipe usually means the command before it failed")
    )]
    EmptyStdin,
    /// Nothing to check: the paths hold no file of a known format.
    #[error("no listing files found in {paths}")]
    #[diagnostic(
        code(listlint::input::nothing_found),
        help("folders are searched for .csv, .tsv, .tab, .jsonl and .ndjson files (hidden folders, node_modules and target are skipped)")
    )]
    NothingFound {
        /// The paths as given.
        paths: String,
    },
    /// An `--include` / `--exclude` pattern is not a glob.
    #[error("invalid glob `{pattern}`: {message}")]
    #[diagnostic(code(listlint::input::bad_glob))]
    BadGlob {
        /// The pattern.
        pattern: String,
        /// Why.
        message: String,
    },
    /// The format could not be told from the file name.
    #[error("cannot tell the format of {path}")]
    #[diagnostic(
        code(listlint::input::unknown_format),
        help("name the file .csv, .tsv, .jsonl, .ndjson, .json, .yaml, .yml or .md, or pass --input-format")
    )]
    UnknownFormat {
        /// The path as given.
        path: String,
    },
}

/// How inputs are read: `--input-format`, `--encoding`, `--profile` and
/// `--map`, `--sheet`.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Format forced for every input.
    pub format: Option<InputFormat>,
    /// Text encoding.
    pub encoding: InputEncoding,
    /// Field mapping.
    pub profile: Arc<Profile>,
    /// The one XLSX sheet to read (default: all).
    pub sheet: Option<String>,
    /// Where to count bytes read, for progress.
    pub bytes_read: BytesRead,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: None,
            encoding: InputEncoding::Auto,
            profile: Profile::generic(),
            sheet: None,
            bytes_read: BytesRead::default(),
        }
    }
}

/// Opens an input, decoding text to UTF-8 (see [`encoding`]), and returns
/// its raw records; an input without any says so (see [`empty`]).
pub fn open(input: &Input, options: &ReadOptions) -> Result<RawRecords, SourceError> {
    let forced = options.format;
    let profile = &options.profile;
    let name = input.display_name();
    let format = match (forced, input) {
        (Some(f), _) => f,
        (None, Input::File(path)) => InputFormat::from_path(path)
            .ok_or_else(|| SourceError::UnknownFormat { path: name.clone() })?,
        (None, Input::Stdin) => InputFormat::Jsonl,
    };
    let io_error = |source| SourceError::Io {
        path: name.clone(),
        source,
    };
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = match input {
        Input::File(path) => {
            let opened = File::open(path).map_err(io_error)?;
            // Only a regular file's size is its content's (a named pipe
            // says 0).
            let size = opened
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            (Box::new(options.bytes_read.counting(opened)), size)
        }
        Input::Stdin => (Box::new(io::stdin()), None),
    };
    let file: Arc<str> = Arc::from(name.as_str());
    if size == Some(0) {
        return Ok(Box::new(std::iter::once(empty::empty_file(&file))));
    }
    if format == InputFormat::Xlsx {
        let records = xlsx::xlsx_records(reader, file, options.sheet.as_deref(), profile);
        return Ok(Box::new(records.into_iter()));
    }
    let (mut reader, encoding) =
        encoding::to_utf8(reader, options.encoding, size).map_err(io_error)?;
    if *input == Input::Stdin && reader.fill_buf().map_err(io_error)?.is_empty() {
        return Err(SourceError::EmptyStdin);
    }
    let (reader, content) = empty::NoteContent::new(reader);
    let mut records = read_raw_records(reader, file.clone(), format, profile);
    if encoding != encoding_rs::UTF_8 {
        let mut mapper = FieldMapper::new(profile.clone());
        records = Box::new(records.map(move |record| {
            encoding::report_replacements(record, encoding.name(), &mut mapper)
        }));
    }
    if profile.name == "shopify" {
        records = Box::new(shopify::GroupVariants::new(records));
    }
    Ok(Box::new(empty::SayWhenEmpty::new(records, file, content)))
}

/// Reads raw records of a known format from any buffered reader; `file` is
/// the name findings will carry.
pub fn read_raw_records<R: BufRead + Send + 'static>(
    mut reader: R,
    file: Arc<str>,
    format: InputFormat,
    profile: &Arc<Profile>,
) -> RawRecords {
    // A `.csv` that is really tab-separated (淘宝助理 data packages, Excel's
    // "Unicode text") is read as such: the header line decides.
    let header_line = first_header_line(&mut reader);
    let catalog = |reader, kind| catalog::catalog_record(reader, file.clone(), kind).into_iter();
    match format {
        InputFormat::Csv => Box::new(
            csv::CsvListings::new(reader, file.clone(), sniff_delimiter(&header_line))
                .with_profile(profile.clone())
                .map(RawRecord::Parsed),
        ),
        InputFormat::Tsv => Box::new(
            csv::CsvListings::new(reader, file.clone(), b'\t')
                .with_profile(profile.clone())
                .map(RawRecord::Parsed),
        ),
        InputFormat::Jsonl => Box::new(jsonl::JsonlLines::new(reader, file)),
        InputFormat::Json => json::json_records(reader, file),
        InputFormat::Yaml => Box::new(catalog(reader, catalog::CatalogKind::Yaml)),
        InputFormat::Markdown => Box::new(catalog(reader, catalog::CatalogKind::Markdown)),
        InputFormat::Xlsx => Box::new(xlsx::xlsx_records(reader, file, None, profile).into_iter()),
    }
}

/// The first line that is not a `version …` line, for delimiter sniffing.
fn first_header_line<R: BufRead>(reader: &mut R) -> String {
    let buf = reader.fill_buf().unwrap_or_default();
    let text = String::from_utf8_lossy(&buf[..buf.len().min(64 * 1024)]);
    text.lines()
        .find(|l| !l.trim_start_matches('\u{feff}').starts_with("version "))
        .unwrap_or_default()
        .to_owned()
}

/// Tab when the header line has more tabs than commas, else comma.
fn sniff_delimiter(header: &str) -> u8 {
    let tabs = header.matches('\t').count();
    let commas = header.matches(',').count();
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

/// Reads listings of a known format from any buffered reader; `file` is
/// the name findings will carry.
pub fn read_listings<R: BufRead + Send + 'static>(
    reader: R,
    file: Arc<str>,
    format: InputFormat,
) -> Listings {
    let mut mapper = FieldMapper::generic();
    Box::new(
        read_raw_records(reader, file, format, &Profile::generic())
            .map(move |r| r.into_listing(&mut mapper)),
    )
}
