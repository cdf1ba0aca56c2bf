//! Character offsets to byte offsets without counting from the start.
//!
//! Findings place their spans in characters of the original field value
//! (SPEC §4), while strings are sliced by bytes. Counting characters from
//! the start of the value for every finding makes a field with many
//! findings cost time quadratic in its length. A [`CharOffsets`] is built
//! once per value in one pass, keeps the byte offset of every
//! [`STRIDE`]-th character, and answers each lookup by walking at most
//! `STRIDE` characters from the nearest checkpoint before it.

/// Characters between two checkpoints.
pub const STRIDE: usize = 32;

/// Byte offsets of some characters of one string, enough to find any
/// character's byte offset in constant time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharOffsets {
    /// Byte offset of characters `0`, `STRIDE`, `2·STRIDE`, ….
    checkpoints: Vec<usize>,
    /// Number of characters of the string.
    chars: usize,
    /// Byte length of the string (lookups check they are given the same one).
    len: usize,
}

impl CharOffsets {
    /// Indexes `text` (one pass over it).
    pub fn new(text: &str) -> Self {
        let mut offsets = Self::default();
        offsets.index(text);
        offsets
    }

    /// Indexes `text` in place of the string indexed before, reusing the
    /// buffer.
    pub fn index(&mut self, text: &str) {
        self.checkpoints.clear();
        let mut chars = 0;
        for (byte, _) in text.char_indices() {
            if chars % STRIDE == 0 {
                self.checkpoints.push(byte);
            }
            chars += 1;
        }
        count_steps(chars);
        self.chars = chars;
        self.len = text.len();
    }

    /// Number of characters of the indexed string.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// Byte offset in `text` (the string this index was built from) of its
    /// character `index`; `text.len()` for an index at or past the end.
    pub fn byte(&self, text: &str, index: usize) -> usize {
        debug_assert_eq!(text.len(), self.len, "an index of another string");
        if index >= self.chars {
            return text.len();
        }
        let from = self.checkpoints[index / STRIDE];
        let skip = index % STRIDE;
        count_steps(skip + 1);
        text[from..]
            .char_indices()
            .nth(skip)
            .map_or(text.len(), |(byte, _)| from + byte)
    }

    /// The characters `[start, end)` of `text` (the string this index was
    /// built from); offsets past the end are clamped to it, and an `end`
    /// before `start` gives the empty string at `start`.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> &'t str {
        let from = self.byte(text, start);
        let to = if end > start {
            self.byte(text, end)
        } else {
            from
        };
        &text[from..to]
    }
}

/// The characters `[start, end)` of `value`, counted from its start (see
/// [`CharOffsets`] for many spans of one value).
pub fn char_slice(value: &str, start: usize, end: usize) -> &str {
    count_steps(end.max(start));
    let mut indices = value.char_indices().map(|(i, _)| i).chain([value.len()]);
    let from = indices.nth(start).unwrap_or(value.len());
    let to = if end > start {
        indices.nth(end - start - 1).unwrap_or(value.len())
    } else {
        from
    };
    &value[from..to]
}

#[cfg(any(test, feature = "step-counter"))]
thread_local! {
    /// Characters walked by this thread's lookups and indexing, for tests
    /// that check the work stays linear.
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` characters walked to find a byte offset (tests and the
/// `step-counter` feature only; the engine's counting slicer reports here
/// too).
#[cfg(any(test, feature = "step-counter"))]
pub(crate) fn count_steps(n: usize) {
    STEPS.with(|s| s.set(s.get() + n));
}

#[cfg(not(any(test, feature = "step-counter")))]
pub(crate) fn count_steps(_: usize) {}

/// Characters walked so far on this thread to find byte offsets (tests and
/// the `step-counter` feature only: linear-work tests of renderers in other
/// crates read it).
#[cfg(any(test, feature = "step-counter"))]
pub fn steps() -> usize {
    STEPS.with(std::cell::Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slices_count_characters_not_bytes() {
        let value = "甲最好乙";
        let offsets = CharOffsets::new(value);
        assert_eq!(offsets.chars(), 4);
        assert_eq!(offsets.slice(value, 1, 3), "最好");
        assert_eq!(offsets.slice(value, 3, 9), "乙");
        assert_eq!(offsets.slice(value, 4, 4), "");
        assert_eq!(offsets.slice(value, 3, 1), "");
        assert_eq!(CharOffsets::new("").slice("", 0, 2), "");
        let long = "最好，".repeat(100);
        let offsets = CharOffsets::new(&long);
        assert_eq!(offsets.slice(&long, 3 * 70, 3 * 70 + 2), "最好");
        assert_eq!(offsets.byte(&long, 3 * 70), 9 * 70);
    }

    #[test]
    fn each_lookup_walks_at_most_a_stride() {
        let value = "最好，".repeat(10_000);
        let offsets = CharOffsets::new(&value);
        let before = steps();
        for i in 0..10_000 {
            assert_eq!(offsets.slice(&value, 3 * i, 3 * i + 2), "最好");
        }
        assert!(steps() - before <= 10_000 * 2 * STRIDE);
    }

    proptest! {
        #[test]
        fn slice_is_the_counted_slice(
            value in "[a-c最好，\u{1F600}\u{FE0F} ]{0,100}",
            start in 0usize..110,
            len in 0usize..110,
            backwards in any::<bool>(),
        ) {
            let end = if backwards { start.saturating_sub(len) } else { start + len };
            let offsets = CharOffsets::new(&value);
            prop_assert_eq!(offsets.slice(&value, start, end), char_slice(&value, start, end));
            prop_assert_eq!(offsets.chars(), value.chars().count());
        }
    }
}
