//! Columns of a finding in its input file, for formats that point into the
//! file (SARIF regions, GitHub annotations).
//!
//! A finding knows its span inside the field value, not where the value sits
//! on the line. The locator reads the record's first line from the file and
//! looks for the field value there verbatim: when it occurs exactly once, the
//! span is shifted by its position; otherwise (quoted with escapes, spread
//! over lines, repeated, or a file that is not UTF-8) no column is given
//! rather than a wrong one.
//!
//! Findings arrive in file order, and within a file by record, so the
//! locator reads each file forward, one line at a time, and holds only the
//! current line: memory does not grow with the input. A finding on an
//! earlier line than the current one (the same file given twice) reopens
//! the file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

use super::Finding;

/// Reads the current input file forward, on demand.
#[derive(Default)]
pub struct ColumnLocator {
    current: Option<LineCursor>,
    /// The last value looked for: its line, the value, and the column
    /// where it starts. A field with many findings is searched for once.
    last: Option<(u64, Arc<str>, Option<usize>)>,
    /// Lines searched for a field value (for the test of the above).
    searches: usize,
}

impl ColumnLocator {
    /// 1-based start and exclusive end column, in characters, of the
    /// finding's span on its line, when it can be located unambiguously.
    pub fn locate(&mut self, finding: &Finding) -> Option<(usize, usize)> {
        let value = finding.source.as_deref()?;
        let (start, end) = (finding.start?, finding.end?);
        // A product variant's own field (`variant.2.price`) is on the
        // variant's row, not on the line where the record starts.
        if finding
            .field
            .as_deref()
            .and_then(|f| f.strip_prefix("variant."))
            .is_some_and(|rest| !rest.starts_with("1."))
        {
            return None;
        }
        if value.is_empty() || value.contains('\n') || finding.line == 0 {
            return None;
        }
        let reusable = self
            .current
            .as_ref()
            .is_some_and(|c| *c.file == *finding.file && c.number <= finding.line);
        if !reusable {
            self.current = Some(LineCursor::open(finding.file.clone()));
            self.last = None;
        }
        let source = finding.source.as_ref()?;
        let column = match &self.last {
            Some((line, last, column)) if *line == finding.line && Arc::ptr_eq(last, source) => {
                *column
            }
            _ => {
                self.searches += 1;
                let column = self
                    .current
                    .as_mut()?
                    .line(finding.line)
                    .and_then(|line| column_of(line, value));
                self.last = Some((finding.line, source.clone(), column));
                column
            }
        }?;
        Some((column + start, column + end))
    }
}

/// 1-based column (in characters) where `value` starts on `line`, when it
/// occurs there exactly once.
fn column_of(line: &str, value: &str) -> Option<usize> {
    let mut hits = line.match_indices(value);
    let (byte_at, _) = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some(line[..byte_at].chars().count() + 1)
}

/// One file, read forward a line at a time.
struct LineCursor {
    file: Arc<str>,
    /// `None` when the file cannot be opened or is not UTF-8 throughout.
    reader: Option<BufReader<File>>,
    /// 1-based number of the line in `line`; 0 before the first.
    number: u64,
    /// The current line, without its line break; `None` when it is not
    /// text or the file has ended.
    line: Option<String>,
    bytes: Vec<u8>,
}

impl LineCursor {
    fn open(file: Arc<str>) -> Self {
        let reader = is_utf8_file(&file)
            .then(|| File::open(&*file).ok())
            .flatten()
            .map(BufReader::new);
        Self {
            file,
            reader,
            number: 0,
            line: None,
            bytes: Vec::new(),
        }
    }

    /// Line `number` (at or after the current one).
    fn line(&mut self, number: u64) -> Option<&str> {
        while self.number < number {
            let reader = self.reader.as_mut()?;
            self.bytes.clear();
            match reader.read_until(b'\n', &mut self.bytes) {
                Ok(0) | Err(_) => {
                    self.reader = None;
                    return None;
                }
                Ok(_) => {}
            }
            if self.bytes.ends_with(b"\n") {
                self.bytes.pop();
                if self.bytes.ends_with(b"\r") {
                    self.bytes.pop();
                }
            }
            let mut text = std::str::from_utf8(&self.bytes).ok();
            if self.number == 0 {
                text = text.map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
            }
            self.line = text.map(str::to_owned);
            self.number += 1;
        }
        self.line.as_deref()
    }
}

/// Whether the whole file is UTF-8, read in blocks.
fn is_utf8_file(path: &str) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut block = vec![0u8; 64 * 1024];
    // Bytes of a character cut at the end of the previous block.
    let mut carried = 0;
    loop {
        let read = match file.read(&mut block[carried..]) {
            Ok(0) => return carried == 0,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        let filled = carried + read;
        match std::str::from_utf8(&block[..filled]) {
            Ok(_) => carried = 0,
            // Cut inside a character: keep its first bytes for the next read.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                block.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listlint_core::model::Severity;

    fn finding(file: &str, line: u64, value: &str, start: usize, end: usize) -> Finding {
        Finding {
            rule: Arc::from("r"),
            pack: Arc::from("p"),
            category: Arc::from("c"),
            severity: Severity::Error,
            message: String::new(),
            help: None,
            suggestion: None,
            file: Arc::from(file),
            line,
            record: line,
            listing_id: None,
            field: Some(Arc::from("title")),
            start: Some(start),
            end: Some(end),
            text: None,
            fingerprint: String::new(),
            reason: None,
            source: Some(Arc::from(value)),
            value: 0,
        }
    }

    #[test]
    fn locates_values_line_by_line_and_after_going_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "\u{feff}最好,x\r\nid,最好的\n\nlast 最好").unwrap();
        let path = path.to_str().unwrap();
        let mut locator = ColumnLocator::default();
        assert_eq!(
            locator.locate(&finding(path, 1, "最好", 0, 2)),
            Some((1, 3))
        );
        assert_eq!(
            locator.locate(&finding(path, 2, "最好的", 0, 2)),
            Some((4, 6))
        );
        assert_eq!(
            locator.locate(&finding(path, 2, "最好的", 1, 2)),
            Some((5, 6))
        );
        assert_eq!(
            locator.locate(&finding(path, 4, "最好", 0, 2)),
            Some((6, 8))
        );
        assert_eq!(locator.locate(&finding(path, 5, "最好", 0, 2)), None);
        // The same file again, from its start.
        assert_eq!(
            locator.locate(&finding(path, 1, "最好", 0, 2)),
            Some((1, 3))
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_anywhere_gives_no_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        let mut bytes = b"title\nplain ascii\n".to_vec();
        bytes.extend_from_slice(&[0xD7, 0xEE, 0xBA, 0xC3, b'\n']); // 最好 in GB18030
        std::fs::write(&path, bytes).unwrap();
        let mut locator = ColumnLocator::default();
        let path = path.to_str().unwrap();
        assert_eq!(locator.locate(&finding(path, 2, "ascii", 0, 2)), None);
    }

    #[test]
    fn utf8_check_carries_characters_cut_between_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.txt");
        // Three-byte characters after one ASCII byte: blocks of 64 KiB cut
        // characters.
        let text = format!("a{}", "最".repeat(100_000));
        std::fs::write(&path, &text).unwrap();
        assert!(is_utf8_file(path.to_str().unwrap()));
        let mut cut = text.into_bytes();
        cut.pop();
        std::fs::write(&path, &cut).unwrap();
        assert!(!is_utf8_file(path.to_str().unwrap()));
    }

    #[test]
    fn the_findings_of_one_field_search_its_line_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.csv");
        let value = "最好，".repeat(1000);
        std::fs::write(&path, format!("id,title\n1,{value}\n")).unwrap();
        let path = path.to_str().unwrap();
        let source: Arc<str> = Arc::from(value.as_str());
        let mut locator = ColumnLocator::default();
        for i in 0..1000 {
            let mut f = finding(path, 2, &value, 3 * i, 3 * i + 2);
            f.source = Some(source.clone());
            assert_eq!(locator.locate(&f), Some((3 + 3 * i, 5 + 3 * i)));
        }
        assert_eq!(locator.searches, 1);
    }
}
