//! Inputs that hold no listing say so, instead of passing as a clean
//! "0 listings".
//!
//! - A file without content (no bytes, or only blank lines and a byte-order
//!   mark) is an `input/empty-file` error: nothing in it could be checked,
//!   and an export that came out empty is almost always a failed export.
//! - A file with content but no listing (a CSV header without rows, a JSON
//!   `[]`) is an `input/no-listings` warning: a valid export of nothing (a
//!   filter that matched no product) is possible, so it does not fail the
//!   run by default, but it is shown.
//!
//! Standard input that delivers no byte at all is a usage error instead
//! (see [`super::open`]): there is no file to report, and an empty pipe
//! means the command before it failed or nothing was piped in.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::RawRecord;
use listlint_core::listing::Listing;
use listlint_core::model::Severity;

/// A reader of UTF-8 that notes whether anything but whitespace and a
/// byte-order mark passed through it.
pub struct NoteContent<R> {
    inner: R,
    seen: Arc<AtomicBool>,
}

impl<R: BufRead> NoteContent<R> {
    /// Wraps `inner`; the flag is set once content has been read.
    pub fn new(inner: R) -> (Self, Arc<AtomicBool>) {
        let seen = Arc::new(AtomicBool::new(false));
        (
            Self {
                inner,
                seen: seen.clone(),
            },
            seen,
        )
    }
}

/// Whether UTF-8 bytes hold anything but ASCII whitespace and byte-order
/// marks.
fn has_content(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else if bytes[i..].starts_with(b"\xEF\xBB\xBF") {
            i += 3;
        } else {
            return true;
        }
    }
    false
}

impl<R: BufRead> Read for NoteContent<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        if !self.seen.load(Ordering::Relaxed) && has_content(&out[..n]) {
            self.seen.store(true, Ordering::Relaxed);
        }
        Ok(n)
    }
}

impl<R: BufRead> BufRead for NoteContent<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let buf = self.inner.fill_buf()?;
        if !self.seen.load(Ordering::Relaxed) && has_content(buf) {
            self.seen.store(true, Ordering::Relaxed);
        }
        Ok(buf)
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
    }
}

/// Passes an input's records on; if there was none, yields one record
/// carrying `input/empty-file` or `input/no-listings`.
pub struct SayWhenEmpty {
    records: super::RawRecords,
    file: Arc<str>,
    content: Arc<AtomicBool>,
    yielded: bool,
}

impl SayWhenEmpty {
    /// Wraps the records of `file`; `content` tells whether it had any.
    pub fn new(records: super::RawRecords, file: Arc<str>, content: Arc<AtomicBool>) -> Self {
        Self {
            records,
            file,
            content,
            yielded: false,
        }
    }
}

impl Iterator for SayWhenEmpty {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        if let Some(record) = self.records.next() {
            self.yielded = true;
            return Some(record);
        }
        if self.yielded {
            return None;
        }
        self.yielded = true;
        Some(if self.content.load(Ordering::Relaxed) {
            no_listings(&self.file)
        } else {
            empty_file(&self.file)
        })
    }
}

/// The record of a file without content.
pub fn empty_file(file: &Arc<str>) -> RawRecord {
    RawRecord::Parsed(Listing::unreadable(
        file,
        1,
        1,
        "input/empty-file",
        "the file is empty (no content, or blank lines only): nothing in it was checked".to_owned(),
    ))
}

/// The record of a file with content but no listing.
fn no_listings(file: &Arc<str>) -> RawRecord {
    let mut listing = Listing::unreadable(
        file,
        1,
        1,
        "input/no-listings",
        "the file holds no listing (a header or an empty list only): nothing in it was checked"
            .to_owned(),
    );
    listing.problems[0].severity = Severity::Warning;
    RawRecord::Parsed(listing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_of(record: &RawRecord) -> Option<&'static str> {
        match record {
            RawRecord::Parsed(listing) => listing.problems.first().map(|p| p.rule),
            _ => None,
        }
    }

    fn says(text: &'static [u8], records: Vec<RawRecord>) -> Vec<Option<&'static str>> {
        let (mut reader, seen) = NoteContent::new(text);
        let mut sink = Vec::new();
        reader.read_to_end(&mut sink).unwrap();
        SayWhenEmpty::new(Box::new(records.into_iter()), Arc::from("f"), seen)
            .map(|r| rule_of(&r))
            .collect()
    }

    #[test]
    fn an_input_without_records_says_why() {
        assert_eq!(says(b"", vec![]), [Some("input/empty-file")]);
        assert_eq!(
            says(b"\xEF\xBB\xBF \r\n\n\t", vec![]),
            [Some("input/empty-file")]
        );
        assert_eq!(says(b"id,title\n", vec![]), [Some("input/no-listings")]);
        assert_eq!(says("[]".as_bytes(), vec![]), [Some("input/no-listings")]);
        assert_eq!(
            says("\u{feff}最".as_bytes(), vec![]),
            [Some("input/no-listings")]
        );
        let one = RawRecord::Parsed(Listing::default());
        assert_eq!(says(b"x", vec![one]), [None]);
    }
}
