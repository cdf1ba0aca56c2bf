//! Line numbers for readers that only know byte offsets.
//!
//! The `csv` crate reports where a record starts as the position where it
//! began reading it, which lies before the line break that ended the previous
//! record (`\r\n` files) and before any blank lines. [`LineTracker`] watches
//! the bytes going past and answers "on which line does the record starting
//! near byte N really begin", keeping only the offsets of line breaks and
//! quotes not yet asked about, so memory stays bounded.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader wrapper that remembers where line breaks and quotes are.
#[derive(Debug)]
pub struct LineTracker<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\r`, `\n` and `"` not yet passed by a query.
    marks: VecDeque<(u64, u8)>,
    /// Line breaks before the last queried offset.
    newlines: u64,
    total_newlines: u64,
}

impl<R> LineTracker<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            marks: VecDeque::new(),
            newlines: 0,
            total_newlines: 0,
        }
    }

    /// The 1-based line of the first byte at or after `start` that is not a
    /// line break, and that byte's offset. Offsets must be asked in order.
    pub fn locate(&mut self, start: u64) -> (u64, u64) {
        while let Some(&(at, byte)) = self.marks.front() {
            if at >= start {
                break;
            }
            self.newlines += u64::from(byte == b'\n');
            self.marks.pop_front();
        }
        let mut content = start;
        while let Some(&(at, byte)) = self.marks.front() {
            if at != content || byte == b'"' {
                break;
            }
            self.newlines += u64::from(byte == b'\n');
            self.marks.pop_front();
            content += 1;
        }
        (self.newlines + 1, content)
    }

    /// Number of `"` bytes read at or after the last located record start.
    pub fn quotes_since_last_record(&self) -> usize {
        self.marks.iter().filter(|(_, b)| *b == b'"').count()
    }

    /// The number of the last line read so far.
    pub fn last_line(&self) -> u64 {
        self.total_newlines + 1
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &byte) in buf[..n].iter().enumerate() {
            if matches!(byte, b'\r' | b'\n' | b'"') {
                self.marks.push_back((self.offset + i as u64, byte));
                self.total_newlines += u64::from(byte == b'\n');
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_past_crlf_and_blank_lines() {
        let data = b"a,b\r\n\r\nc,\"d\"\r\n";
        let mut t = LineTracker::new(&data[..]);
        let mut sink = Vec::new();
        t.read_to_end(&mut sink).unwrap();
        assert_eq!(t.locate(0), (1, 0));
        // The csv crate would report the record "c" at the `\n` of line 1.
        assert_eq!(t.locate(4), (3, 7));
        assert_eq!(t.quotes_since_last_record(), 2);
        assert_eq!(t.last_line(), 4);
    }
}
