//! Inputs: finding the files to read, choosing a reader, and reading records
//! into [`Listing`]s.
//!
//! Every reader is an iterator of listings. A record that cannot be read is
//! still yielded, carrying an [`InputProblem`](listlint_core::listing::InputProblem),
//! so that nothing is silently dropped and output order follows the file.

pub(crate) mod catalog;
mod columns;
mod csv;
mod csv_record;
mod empty;
pub(crate) mod encoding;
mod flatten;
pub(crate) mod json;
pub(crate) mod json_fields;
mod json_record;
mod jsonl;
mod line_index;
pub mod memory;
pub(crate) mod repeated;
mod shopify;
mod walk;
mod xlsx;
mod xlsx_parts;

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use self::csv::DEFAULT_MAX_RECORD_BYTES;
pub use catalog::MAX_CATALOG_NODES;
pub use encoding::InputEncoding;
pub use flatten::flatten_json_object;
pub use walk::{expand_inputs, expand_inputs_noting_skipped, Expanded, WalkFilter};
pub use xlsx::XlsxLimits;

use crate::progress::BytesRead;
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::listing::{FieldName, Listing};

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

/// The default of `--max-document-bytes`: 512 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 512 << 20;

/// Reads a whole-document input (JSON, XLSX, catalog file) of at most
/// `limit` bytes; a read error or a larger document becomes the file's one
/// record, `input/unreadable-record` or `input/limit-exceeded` (`flag`
/// names the limit), and nothing more of it is read.
fn read_document<R: Read>(
    input: R,
    file: &Arc<str>,
    limit: u64,
    flag: &str,
) -> Result<Vec<u8>, Vec<RawRecord>> {
    let mut bytes = Vec::new();
    match input.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > limit => Err(vec![unreadable_document(
            file,
            1,
            "input/limit-exceeded",
            format!(
                "the file is larger than {limit} bytes ({flag}), the limit for a document read whole; it was not read"
            ),
        )]),
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

    /// The record with a JSON Lines line or a JSON array element parsed,
    /// as [`Self::into_listing_placing`] parses it; any other record as it
    /// is. For a reader that parses records before handing them on.
    pub fn parse_json(self, mapper: &mut FieldMapper, place_values: bool) -> Self {
        match self {
            RawRecord::JsonLine { .. } | RawRecord::JsonElement { .. } => {
                RawRecord::Parsed(self.into_listing_placing(mapper, place_values))
            }
            other => other,
        }
    }

    /// [`Self::into_listing`], with the inline suppressions a catalog
    /// file carries (none for other records).
    pub fn into_listing_with_directives(
        self,
        mapper: &mut FieldMapper,
        place_values: bool,
    ) -> (Listing, listlint_core::suppress::Directives) {
        match self {
            RawRecord::CatalogFile { file, kind, bytes } => {
                catalog::parse_catalog_file_with_directives(file, kind, bytes, mapper)
            }
            other => (
                other.into_listing_placing(mapper, place_values),
                Default::default(),
            ),
        }
    }

    /// Parses the record into a listing. `mapper` caches header mapping
    /// and can be reused across records.
    pub fn into_listing(self, mapper: &mut FieldMapper) -> Listing {
        self.into_listing_placing(mapper, false)
    }

    /// [`Self::into_listing`], noting where the field values are written
    /// when `place_values` (see [`ReadOptions::place_values`]; records
    /// read before the workers have been placed by their reader).
    pub fn into_listing_placing(self, mapper: &mut FieldMapper, place_values: bool) -> Listing {
        match self {
            RawRecord::Parsed(listing) => listing,
            RawRecord::JsonLine {
                file,
                line,
                record,
                bytes,
            } => {
                let start = json_record::Start::line(line);
                let mut listing =
                    json_record::parse_json_record(&file, start, record, &bytes, mapper, true);
                if place_values {
                    json_record::place_record_values(&mut listing, start, &bytes);
                }
                listing
            }
            RawRecord::JsonElement {
                file,
                start,
                record,
                bytes,
            } => {
                let mut listing =
                    json_record::parse_json_record(&file, start, record, &bytes, mapper, true);
                if place_values {
                    json_record::place_record_values(&mut listing, start, &bytes);
                }
                listing
            }
            RawRecord::CatalogFile { file, kind, bytes } => {
                catalog::parse_catalog_file(file, kind, bytes, mapper)
            }
        }
    }
}

/// Input formats listlint can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
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

/// Every input format and the file extensions (lower case) that select
/// it: the one table behind [`InputFormat::from_path`] and every message
/// that lists extensions.
const EXTENSIONS: &[(InputFormat, &[&str])] = &[
    (InputFormat::Csv, &["csv"]),
    (InputFormat::Tsv, &["tsv", "tab"]),
    (InputFormat::Jsonl, &["jsonl", "ndjson"]),
    (InputFormat::Json, &["json"]),
    (InputFormat::Yaml, &["yaml", "yml"]),
    (InputFormat::Markdown, &["md", "markdown"]),
    (InputFormat::Xlsx, &["xlsx", "xlsm"]),
];

/// The extensions listlint reads, for messages: `.csv, .tsv, … or .xlsm`.
pub fn known_extensions() -> String {
    let all: Vec<String> = EXTENSIONS
        .iter()
        .flat_map(|(_, exts)| exts.iter().map(|e| format!(".{e}")))
        .collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => all.concat(),
    }
}

impl InputFormat {
    /// The format a file name's extension implies, if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        EXTENSIONS
            .iter()
            .find(|(_, exts)| exts.contains(&ext.as_str()))
            .map(|(format, _)| *format)
    }
}

/// Where listings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A file on disk whose findings name it otherwise: a server's upload,
    /// kept in a temporary file, is named as the client named it.
    Named {
        /// Where it is read from.
        path: PathBuf,
        /// The name findings (and their fingerprints) carry.
        name: String,
    },
}

impl Input {
    /// The name used in findings: the path as given, `<stdin>`, or the
    /// name given.
    pub fn display_name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_owned(),
            Input::Named { name, .. } => name.clone(),
        }
    }

    /// The file read, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(path) | Input::Named { path, .. } => Some(path),
            Input::Stdin => None,
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
        help(
            "folders are searched for {} files (hidden folders, node_modules and target are skipped)",
            known_extensions()
        )
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
        help("name the file {}, or pass --input-format", known_extensions())
    )]
    UnknownFormat {
        /// The path as given.
        path: String,
    },
}

/// How inputs are read: `--input-format`, `--encoding`, `--profile` and
/// `--map`, `--sheet`, `--max-xlsx-bytes`, `--max-xlsx-cell-bytes`,
/// `--max-record-bytes`.
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
    /// How far an XLSX workbook may expand.
    pub xlsx_limits: XlsxLimits,
    /// Where to count bytes read, for progress.
    pub bytes_read: BytesRead,
    /// The most bytes a CSV/TSV record or JSON Lines line (or a catalog
    /// file, which is one listing) may have; a larger one is skipped and
    /// reported.
    pub max_record_bytes: usize,
    /// The most bytes a JSON document or XLSX workbook, read whole, may
    /// have; a larger one is reported and not read.
    pub max_document_bytes: u64,
    /// The fields rules scan for wording: a CSV/TSV header that maps none
    /// of them is reported (empty: not checked).
    pub text_fields: Arc<[FieldName]>,
    /// Told how each CSV/TSV file's headers map to fields, as the reader
    /// finds them (`check -v` prints it).
    pub header_observer: Option<HeaderObserver>,
    /// Whether readers note where each field value is written on its
    /// record's first line ([`Listing::value_columns`]), for the formats
    /// that point at columns (SARIF, GitHub). Off by default: it costs a
    /// search of the line per field.
    pub place_values: bool,
}

/// How one CSV/TSV file's header maps to fields.
#[derive(Debug, Clone)]
pub struct HeaderMapping {
    /// The file, as given.
    pub file: Arc<str>,
    /// The profile that mapped it.
    pub profile: &'static str,
    /// Each column's header text and the field it maps to.
    pub columns: Vec<(String, FieldName)>,
}

/// Receives [`HeaderMapping`]s on the reader's thread.
#[derive(Clone)]
pub struct HeaderObserver(pub Arc<dyn Fn(&HeaderMapping) + Send + Sync>);

impl std::fmt::Debug for HeaderObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeaderObserver")
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: None,
            encoding: InputEncoding::Auto,
            profile: Profile::generic(),
            sheet: None,
            xlsx_limits: XlsxLimits::default(),
            bytes_read: BytesRead::default(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            text_fields: listlint_core::engine::DEFAULT_FIELDS
                .iter()
                .map(|f| Arc::from(*f))
                .collect(),
            header_observer: None,
            place_values: false,
        }
    }
}

/// What the reader of one input needs besides its bytes.
struct ReaderSetup<'a> {
    profile: &'a Arc<Profile>,
    decoder: encoding::FieldDecoder,
    max_record_bytes: usize,
    max_document_bytes: u64,
    text_fields: Arc<[FieldName]>,
    header_observer: Option<HeaderObserver>,
    place_values: bool,
}

/// Opens an input, decoding text to UTF-8 (see [`encoding`]), and returns
/// its raw records; an input without any says so (see [`empty`]).
pub fn open(input: &Input, options: &ReadOptions) -> Result<RawRecords, SourceError> {
    let forced = options.format;
    let profile = &options.profile;
    let name = input.display_name();
    let format = match (forced, input) {
        (Some(f), _) => f,
        (None, Input::File(path) | Input::Named { path, .. }) => InputFormat::from_path(path)
            .ok_or_else(|| SourceError::UnknownFormat { path: name.clone() })?,
        (None, Input::Stdin) => InputFormat::Jsonl,
    };
    let io_error = |source| SourceError::Io {
        path: name.clone(),
        source,
    };
    let (reader, size): (Box<dyn Read + Send>, Option<u64>) = match input {
        Input::File(path) | Input::Named { path, .. } => {
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
        let records = xlsx::xlsx_records(
            reader,
            file,
            options.sheet.as_deref(),
            profile,
            options.xlsx_limits,
        );
        return Ok(Box::new(records.into_iter()));
    }
    let by_record = matches!(
        format,
        InputFormat::Csv | InputFormat::Tsv | InputFormat::Jsonl
    );
    let text = encoding::open_text(reader, options.encoding, size, by_record).map_err(io_error)?;
    let mut reader = text.reader;
    if *input == Input::Stdin && reader.fill_buf().map_err(io_error)?.is_empty() {
        return Err(SourceError::EmptyStdin);
    }
    let (reader, content) = empty::NoteContent::new(reader);
    let setup = ReaderSetup {
        profile,
        decoder: text.decoder,
        max_record_bytes: options.max_record_bytes,
        max_document_bytes: options.max_document_bytes,
        text_fields: options.text_fields.clone(),
        header_observer: options.header_observer.clone(),
        place_values: options.place_values,
    };
    let mut records = raw_records(reader, file.clone(), format, &setup);
    if text.transcoded {
        let mut mapper = FieldMapper::new(profile.clone());
        let name = text.encoding.name();
        records = Box::new(
            records.map(move |record| encoding::report_replacements(record, name, &mut mapper)),
        );
    }
    if profile.name == "shopify" {
        records = Box::new(shopify::GroupVariants::new(records));
    }
    Ok(Box::new(empty::SayWhenEmpty::new(records, file, content)))
}

/// Reads raw records of a known format from any buffered reader; `file` is
/// the name findings will carry.
fn raw_records<R: BufRead + Send + 'static>(
    mut reader: R,
    file: Arc<str>,
    format: InputFormat,
    setup: &ReaderSetup,
) -> RawRecords {
    let profile = setup.profile;
    let limit = setup.max_record_bytes;
    let csv = |reader, delimiter| {
        csv::CsvListings::new(reader, file.clone(), delimiter, limit)
            .with_profile(profile.clone())
            .with_decoder(setup.decoder)
            .with_text_fields(setup.text_fields.clone())
            .with_header_observer(setup.header_observer.clone())
            .placing_values(setup.place_values)
            .map(RawRecord::Parsed)
    };
    // A `.csv` that is really tab-separated (淘宝助理 data packages, Excel's
    // "Unicode text") is read as such: the header line decides.
    let header_line = first_header_line(&mut reader);
    let catalog = |reader, kind| {
        catalog::catalog_record(reader, file.clone(), kind, setup.max_record_bytes as u64)
            .into_iter()
    };
    match format {
        InputFormat::Csv => Box::new(csv(reader, sniff_delimiter(&header_line))),
        InputFormat::Tsv => Box::new(csv(reader, b'\t')),
        InputFormat::Jsonl => Box::new(
            jsonl::JsonlLines::new(reader, file, limit)
                .with_decoder(setup.decoder, profile.clone())
                .placing_values(setup.place_values),
        ),
        InputFormat::Json => json::json_records(reader, file, setup.max_document_bytes),
        InputFormat::Yaml => Box::new(catalog(reader, catalog::CatalogKind::Yaml)),
        InputFormat::Markdown => Box::new(catalog(reader, catalog::CatalogKind::Markdown)),
        InputFormat::Xlsx => Box::new(
            xlsx::xlsx_records(
                reader,
                file,
                None,
                profile,
                XlsxLimits {
                    max_file_bytes: setup.max_document_bytes,
                    ..XlsxLimits::default()
                },
            )
            .into_iter(),
        ),
    }
}

/// The first line that is not a `version …` line, for delimiter sniffing.
fn first_header_line<R: BufRead>(reader: &mut R) -> String {
    let buf = reader.fill_buf().unwrap_or_default();
    let text = String::from_utf8_lossy(&buf[..buf.len().min(64 * 1024)]);
    // Lines end at `\n`, `\r\n` or a lone `\r`.
    text.split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .find(|l| !l.trim_start_matches('\u{feff}').starts_with("version "))
        .unwrap_or_default()
        .to_owned()
}

/// Tab when the header line has more tabs than commas, else comma.
pub(crate) fn sniff_delimiter(header: &str) -> u8 {
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
    let profile = Profile::generic();
    let setup = ReaderSetup {
        profile: &profile,
        decoder: encoding::FieldDecoder::UTF8_ONLY,
        max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        text_fields: Arc::from(Vec::new()),
        header_observer: None,
        place_values: false,
    };
    Box::new(raw_records(reader, file, format, &setup).map(move |r| r.into_listing(&mut mapper)))
}
