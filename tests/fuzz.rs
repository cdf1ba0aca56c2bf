//! The fuzz harness: arbitrary and mutated bytes through every reader, the
//! normaliser, the HTML scanner and the pack loader.
//!
//! Each property checks three things: nothing panics; the memory a call
//! allocates stays within a bound linear in its input (a counting global
//! allocator measures it); and every record is either listed or reported.
//! Mutated inputs start from the seed files of the hostile corpus
//! (`tests/hostile/mod.rs`), so the harness explores around the shapes that
//! broke earlier builds.
//!
//! The budget is small by default so that `cargo test` stays fast; set
//! `LISTLINT_FUZZ_CASES` (cases per property, e.g. 20000) for a long run:
//!
//! ```sh
//! LISTLINT_FUZZ_CASES=20000 cargo test --release --test fuzz
//! ```

mod common;
mod hostile;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use clap::ValueEnum;
use common::default_ruleset;
use listlint_core::engine::{compile, RuleFilter, Scratch};
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::pack::{builtin_sources, parse_pack, PackError, PackSource};
use listlint_core::text::html::{extract_visible, Visible};
use listlint_core::text::normalize::{Normalized, Normalizer};
use listlint_io::source::{
    open, read_listings, Input, InputEncoding, InputFormat, ReadOptions, MAX_CATALOG_NODES,
};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// A global allocator that counts, per thread, the bytes live and their peak.
struct CountingAllocator;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn account(delta: isize) {
    // `try_with`: the thread's counters may already be gone while it exits.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// bookkeeping neither allocates nor unwinds.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        account(-(layout.size() as isize));
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Runs `f` and returns its result with the most memory it held at once on
/// this thread, beyond what was live when it started.
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let value = f();
    let peak = PEAK.with(Cell::get);
    (value, (peak - start).max(0) as usize)
}

/// The memory a reader may hold for an input of `len` bytes in `format`:
/// its fixed buffers (read-ahead, detection sample, decoder) plus a small
/// multiple of the input, since one record's text, fields and problems are
/// all held; a YAML document may also expand its aliases up to the
/// documented node limit of a catalog file.
fn reader_bound(format: InputFormat, len: usize) -> usize {
    let yaml = match format {
        InputFormat::Yaml | InputFormat::Markdown => MAX_CATALOG_NODES * 512,
        _ => 0,
    };
    4 * 1024 * 1024 + 48 * len + yaml
}

/// Cases per property: small in `cargo test`, more with `LISTLINT_FUZZ_CASES`.
fn config(default_cases: u32) -> Config {
    let cases = std::env::var("LISTLINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Every input format there is, so a new reader is fuzzed from the start.
fn formats() -> &'static [InputFormat] {
    InputFormat::value_variants()
}

/// One way of damaging a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at (position mod length).
    Set(usize, u8),
    /// Insert bytes at (position mod length + 1).
    Insert(usize, Vec<u8>),
    /// Remove up to `n` bytes from (position mod length).
    Remove(usize, usize),
    /// Copy a range of the file to another place (as a careless paste does).
    Splice(usize, usize, usize),
    /// Cut the file at (position mod length + 1).
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b",".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"\0".to_vec()),
        Just(vec![0xff, 0xfe]),
        Just(vec![0xfe, 0xff]),
        Just(vec![0xef, 0xbb, 0xbf]),
        Just("最好".as_bytes().to_vec()),
        Just(vec![0xd7, 0xee, 0xba, 0xc3]), // 最好 in GBK
        Just(vec![0x81, 0x30]),             // a cut four-byte GB18030 sequence
        Just(vec![0xe6, 0x9c]),             // a cut UTF-8 sequence
        Just(b"\x1b[2J".to_vec()),
        Just(b"---\n".to_vec()),
        Just(b"&#x6700;".to_vec()),
        Just(b"<b>".to_vec()),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        (any::<usize>(), special).prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Mutation::Remove(p, n)),
        (any::<usize>(), any::<usize>(), 1usize..256)
            .prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Set(p, b) => {
                if !bytes.is_empty() {
                    bytes[p % len] = *b;
                }
            }
            Mutation::Insert(p, b) => {
                let at = (p % len + 1).min(bytes.len());
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Remove(p, n) => {
                let at = p % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Splice(from, to, n) => {
                if !bytes.is_empty() {
                    let from = from % len;
                    let end = (from + n).min(bytes.len());
                    let piece = bytes[from..end].to_vec();
                    let at = to % bytes.len();
                    bytes.splice(at..at, piece);
                }
            }
            Mutation::Truncate(p) => bytes.truncate(p % len + 1),
        }
    }
    bytes
}

/// A seed of the corpus, damaged a few times.
fn mutated_seed() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let seeds = hostile::seeds();
    let count = seeds.len();
    (0..count, prop::collection::vec(mutation(), 0..6)).prop_map(move |(i, ms)| {
        let seed = &seeds[i];
        (i, apply(seed.bytes.clone(), &ms))
    })
}

/// Reads `bytes` as `format` on this thread and checks every listing with the
/// default packs; returns the records seen and the peak memory of reading.
fn read_and_check(bytes: &[u8], format: InputFormat) -> (Vec<u64>, usize) {
    let ruleset = default_ruleset();
    let input = bytes.to_vec();
    let (records, peak) = peak_allocation(move || {
        let mut scratch = Scratch::default();
        let mut records = Vec::new();
        for listing in read_listings(std::io::Cursor::new(input), Arc::from("fuzz"), format) {
            records.push(listing.record);
            let _ = ruleset.check(&listing, &mut scratch);
        }
        records
    });
    (records, peak)
}

/// Records are numbered 1, 2, 3 … with none skipped; in a workbook, where
/// a record is numbered by its row below the header, empty rows leave gaps,
/// so there the numbers only rise.
fn assert_numbered(format: InputFormat, records: &[u64]) -> Result<(), TestCaseError> {
    if format == InputFormat::Xlsx {
        for pair in records.windows(2) {
            prop_assert!(
                pair[0] < pair[1],
                "record numbers do not rise: {:?}",
                records
            );
        }
        return Ok(());
    }
    for (i, r) in records.iter().enumerate() {
        prop_assert_eq!(*r, i as u64 + 1, "record numbers skip: {:?}", records);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    /// Arbitrary bytes in every format: no panic, bounded memory, records
    /// numbered without gaps.
    #[test]
    fn readers_take_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        for &format in formats() {
            let (records, peak) = read_and_check(&bytes, format);
            prop_assert!(peak <= reader_bound(format, bytes.len()), "{format:?}: {peak} bytes for {} input bytes", bytes.len());
            assert_numbered(format, &records)?;
        }
    }

    /// The hostile corpus, damaged: the same guarantees, in the format each
    /// seed was written for and in every other one.
    #[test]
    fn readers_take_damaged_hostile_files((seed, bytes) in mutated_seed()) {
        let name = hostile::seeds()[seed].name;
        for &format in formats() {
            let (records, peak) = read_and_check(&bytes, format);
            prop_assert!(peak <= reader_bound(format, bytes.len()), "{name} as {format:?}: {peak} bytes for {} input bytes", bytes.len());
            assert_numbered(format, &records)?;
        }
    }

    /// Damaged seeds opened as files in every encoding and profile, as the
    /// command line opens them: no panic, bounded memory.
    #[test]
    fn opened_files_take_damaged_hostile_files(
        (seed, bytes) in mutated_seed(),
        encoding in prop_oneof![
            Just(InputEncoding::Auto),
            Just(InputEncoding::Gb18030),
            Just(InputEncoding::Utf16le),
        ],
        profile in prop_oneof![Just("generic"), Just("shopify"), Just("taobao")],
    ) {
        let name = hostile::seeds()[seed].name;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let ruleset = default_ruleset();
        let (_, peak) = peak_allocation(|| {
            let options = ReadOptions {
                encoding,
                profile: Arc::new(Profile::named(profile).unwrap()),
                ..ReadOptions::default()
            };
            let mut mapper = FieldMapper::new(options.profile.clone());
            let mut scratch = Scratch::default();
            if let Ok(records) = open(&Input::File(path.clone()), &options) {
                for record in records {
                    let listing = record.into_listing(&mut mapper);
                    let _ = ruleset.check(&listing, &mut scratch);
                }
            }
        });
        let format = InputFormat::from_path(&path).unwrap_or(InputFormat::Jsonl);
        prop_assert!(peak <= reader_bound(format, bytes.len()), "{name}: {peak} bytes for {} input bytes", bytes.len());
    }

    /// CSV written by a careless exporter (quotes, CR, LF and CRLF inside
    /// and between fields): every row is one listing.
    #[test]
    fn every_csv_row_is_a_listing(
        rows in prop::collection::vec(prop::collection::vec("[a-z最好\"\r\n,]{0,6}", 2), 1..40),
        ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    ) {
        let mut text = format!("id,title{ending}");
        for (i, row) in rows.iter().enumerate() {
            let quoted: Vec<String> = row.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
            text.push_str(&format!("{i},{}{ending}", quoted[1]));
        }
        let (records, _) = read_and_check(text.as_bytes(), InputFormat::Csv);
        prop_assert_eq!(records.len(), rows.len());
    }

    /// The normaliser on any text: a map that stays inside the value and
    /// memory linear in its length.
    #[test]
    fn normaliser_takes_any_text(value in any::<String>()) {
        // The traditional → simplified table is built once per process, on
        // the first Han character: not memory of this call.
        Normalizer::new().normalize_into("國", &mut Normalized::default());
        let (normalized, peak) = peak_allocation(|| {
            let mut out = Normalized::default();
            Normalizer::new().normalize_into(&value, &mut out);
            out
        });
        let len = value.chars().count() as u32;
        for c in &normalized.chars {
            prop_assert!(c.start <= c.end && c.end <= len);
        }
        prop_assert!(peak <= 64 * 1024 + 64 * value.len(), "{peak} bytes for {} bytes", value.len());
    }

    /// The HTML scanner on HTML-like text: spans inside the value, in order.
    #[test]
    fn html_scanner_takes_any_markup(
        pieces in prop::collection::vec(prop_oneof![
            Just("<".to_owned()), Just(">".to_owned()), Just("</".to_owned()),
            Just("<!--".to_owned()), Just("-->".to_owned()), Just("<script>".to_owned()),
            Just("<img alt=\"".to_owned()), Just("\"".to_owned()), Just("'".to_owned()),
            Just("&".to_owned()), Just("&amp;".to_owned()), Just("&#".to_owned()),
            Just("&#x1F600;".to_owned()), Just("&#99999999;".to_owned()), Just(";".to_owned()),
            Just("<br/>".to_owned()), Just("<p title=最好>".to_owned()), Just("=".to_owned()),
            "[a-z最好 ]{0,4}",
            any::<String>(),
        ], 0..64),
    ) {
        let value = pieces.concat();
        let len = value.chars().count() as u32;
        let mut chars = Vec::new();
        let mut out = Vec::new();
        let ((), peak) = peak_allocation(|| extract_visible(&value, &mut chars, &mut out));
        let mut last_end = 0;
        for v in &out {
            if let Visible::Char { start, end, .. } = *v {
                prop_assert!(start < end && end <= len, "{start}..{end} of {len}");
                prop_assert!(start >= last_end || end <= last_end, "overlapping spans");
                last_end = last_end.max(end);
            }
        }
        prop_assert!(peak <= 64 * 1024 + 64 * value.len(), "{peak} bytes for {} bytes", value.len());
    }

    /// The pack loader on damaged packs (the built-in ones and the corpus's
    /// hostile packs): an error with a position inside the text, or a pack
    /// that compiles or is rejected with an error — never a panic.
    #[test]
    fn pack_loader_takes_damaged_packs(
        pack in 0..builtin_sources().len() + hostile::packs().len(),
        mutations in prop::collection::vec(mutation(), 0..4),
    ) {
        let builtin = builtin_sources();
        let original: Vec<u8> = match builtin.get(pack) {
            Some(source) => source.text.as_bytes().to_vec(),
            None => hostile::packs()[pack - builtin.len()].bytes.clone(),
        };
        let text = String::from_utf8_lossy(&apply(original, &mutations)).into_owned();
        let lines = text.split(['\n', '\r']).count();
        let source = PackSource {
            name: Arc::from("fuzz.yaml"),
            text: Arc::from(text.as_str()),
            builtin: false,
        };
        let ((), peak) = peak_allocation(|| match parse_pack(source) {
            Ok(loaded) => {
                let _ = compile(&[loaded], &RuleFilter::default());
            }
            Err(error) => {
                for problem in error.into_problems() {
                    if let PackError::Invalid(invalid) = problem {
                        let line = invalid.line as usize;
                        assert!(line <= lines + 1, "error at line {line} of {lines}");
                    }
                }
            }
        });
        prop_assert!(peak <= 256 * 1024 * 1024, "{peak} bytes to load a {}-byte pack", text.len());
    }
}
