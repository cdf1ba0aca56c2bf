//! Where each field value is written on its record's first line, noted by
//! the readers for the formats that point into the file (SARIF regions,
//! GitHub annotations): a finding's columns are the value's column plus
//! its span.
//!
//! A value is placed when it is written verbatim on the record's first
//! line, exactly once: a value over several lines, with escapes or
//! doubled quotes, not in the line's encoding, or written twice on the
//! line gets no column rather than a wrong one.

use listlint_core::listing::Listing;

/// Notes in `listing.value_columns` where each field value starts on
/// `first_line` (the record's first line, without its line break), whose
/// first character is at 1-based column `1 + offset` of the file's line.
pub fn place_values(listing: &mut Listing, first_line: &str, offset: u32) {
    let line = first_line.strip_prefix('\u{feff}').unwrap_or(first_line);
    let mut columns: Vec<u32> = listing
        .fields
        .iter()
        .map(|(_, value)| column_of(line, value).map_or(0, |c| c + offset))
        .collect();
    while columns.last() == Some(&0) {
        columns.pop();
    }
    listing.value_columns = columns;
}

/// The first line of a record's bytes: up to its first `\n` or `\r`.
pub fn first_line(bytes: &[u8]) -> &[u8] {
    let end = memchr::memchr2(b'\n', b'\r', bytes).unwrap_or(bytes.len());
    &bytes[..end]
}

/// 1-based column (in characters) where `value` starts on `line`, when it
/// occurs there exactly once.
fn column_of(line: &str, value: &str) -> Option<u32> {
    if value.is_empty() || value.contains(['\n', '\r']) {
        return None;
    }
    let mut hits = memchr::memmem::find_iter(line.as_bytes(), value.as_bytes());
    let byte_at = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    u32::try_from(line[..byte_at].chars().count() + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(line: &str, values: &[&str], offset: u32) -> Vec<u32> {
        let mut listing = Listing::new("f");
        for (i, v) in values.iter().enumerate() {
            listing = listing.with_field(&format!("f{i}"), *v);
        }
        place_values(&mut listing, line, offset);
        listing.value_columns
    }

    #[test]
    fn places_values_written_once_on_the_line() {
        assert_eq!(placed("\u{feff}1,最好的,x", &["1", "最好的"], 0), [1, 3]);
        assert_eq!(placed("1,最好的,x", &["最好的", "x"], 4), [7, 11]);
    }

    #[test]
    fn values_written_twice_over_lines_or_not_at_all_are_not_placed() {
        assert_eq!(placed("a,a", &["a"], 0), Vec::<u32>::new());
        assert_eq!(placed("a\"b", &["a\nb", "zz", "b"], 0), [0, 0, 3]);
        assert_eq!(placed("x", &["", "y"], 0), Vec::<u32>::new());
    }

    #[test]
    fn the_first_line_ends_at_any_line_break() {
        assert_eq!(first_line(b"ab\r\ncd"), b"ab");
        assert_eq!(first_line(b"ab\rcd"), b"ab");
        assert_eq!(first_line(b"abcd"), b"abcd");
    }
}
