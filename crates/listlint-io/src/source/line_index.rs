//! Line numbers of text read in pieces.
//!
//! A line ends at `\n`, at `\r\n` or at a lone `\r` (old Mac exports), so
//! a file with any of these endings numbers its lines as an editor does.
//! [`LineCounter`] is fed the bytes in order, in pieces of any size; a
//! `\r\n` cut between two pieces still counts once.

/// Counts line breaks in bytes fed in order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCounter {
    /// Line breaks seen.
    breaks: u64,
    /// Whether the last byte fed was `\r`, so that a `\n` first in the next
    /// piece completes that break instead of starting another.
    after_cr: bool,
}

impl LineCounter {
    /// A counter at the start of line 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// The 1-based number of the line the next byte fed is on.
    pub fn line(&self) -> u64 {
        self.breaks + 1
    }

    /// Counts the line breaks in the next piece of the text.
    pub fn advance(&mut self, bytes: &[u8]) {
        let Some(&last) = bytes.last() else {
            return;
        };
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let completes_crlf = bytes[at] == b'\n'
                && match at.checked_sub(1) {
                    Some(before) => bytes[before] == b'\r',
                    None => self.after_cr,
                };
            if !completes_crlf {
                self.breaks += 1;
            }
        }
        self.after_cr = last == b'\r';
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_after(pieces: &[&[u8]]) -> u64 {
        let mut counter = LineCounter::new();
        for piece in pieces {
            counter.advance(piece);
        }
        counter.line()
    }

    #[test]
    fn counts_lf_crlf_and_lone_cr_alike() {
        assert_eq!(lines_after(&[b"a\nb\nc"]), 3);
        assert_eq!(lines_after(&[b"a\r\nb\r\nc"]), 3);
        assert_eq!(lines_after(&[b"a\rb\rc"]), 3);
        assert_eq!(lines_after(&[b"a\r\rb\n\nc\r\n"]), 6);
    }

    #[test]
    fn a_crlf_cut_between_pieces_counts_once() {
        assert_eq!(lines_after(&[b"a\r", b"\nb"]), 2);
        assert_eq!(lines_after(&[b"a\r", b"", b"\nb"]), 2);
        assert_eq!(lines_after(&[b"a\r", b"b\n"]), 3);
    }
}
