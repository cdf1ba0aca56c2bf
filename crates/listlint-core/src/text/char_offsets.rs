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
    /// Number of characters of the string (when `complete`), or of those
    /// indexed.
    chars: usize,
    /// Whether the whole string was indexed (see [`Self::index_through`]).
    complete: bool,
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
    ///
    /// Characters are counted eight bytes at a time (a byte that is no
    /// UTF-8 continuation byte starts one); only the words in which a
    /// checkpoint falls are read byte by byte.
    pub fn index(&mut self, text: &str) {
        self.index_through(text, usize::MAX);
    }

    /// Indexes `text` as far as its character `last` only: lookups of
    /// characters up to `last` cost what they cost after [`Self::index`],
    /// later ones walk from the last checkpoint; [`Self::chars`] is not
    /// the string's count when it stopped short. (A field's hits say how
    /// far its findings reach: most of a long description need not be
    /// read.)
    pub fn index_through(&mut self, text: &str, last: usize) {
        self.checkpoints.clear();
        self.len = text.len();
        let bytes = text.as_bytes();
        let mut chars = 0;
        let mut words = bytes.chunks_exact(8);
        let mut at = 0;
        for word in &mut words {
            if self.checkpoints.len() > last / STRIDE {
                count_steps(chars);
                self.chars = chars;
                self.complete = false;
                return;
            }
            let starts = char_starts(u64::from_le_bytes(word.try_into().unwrap_or_default()));
            if self.checkpoints.len() * STRIDE < chars + starts {
                chars = self.checkpoint_bytes(word, at, chars);
            } else {
                chars += starts;
            }
            at += 8;
        }
        chars = self.checkpoint_bytes(words.remainder(), at, chars);
        count_steps(chars);
        self.chars = chars;
        self.complete = true;
    }

    /// Counts the characters starting in `bytes` (which start at byte
    /// `at` of the text, after `chars` characters), noting each
    /// checkpoint among them; returns the count so far.
    fn checkpoint_bytes(&mut self, bytes: &[u8], at: usize, mut chars: usize) -> usize {
        for (i, &byte) in bytes.iter().enumerate() {
            if !is_continuation(byte) {
                if chars.is_multiple_of(STRIDE) {
                    self.checkpoints.push(at + i);
                }
                chars += 1;
            }
        }
        chars
    }

    /// Number of characters of the indexed string (indexed through its
    /// end: see [`Self::index_through`]).
    pub fn chars(&self) -> usize {
        debug_assert!(self.complete, "the count of a string indexed in part");
        self.chars
    }

    /// Byte offset in `text` (the string this index was built from) of its
    /// character `index`; `text.len()` for an index at or past the end.
    pub fn byte(&self, text: &str, index: usize) -> usize {
        debug_assert_eq!(text.len(), self.len, "an index of another string");
        if self.complete && index >= self.chars {
            return text.len();
        }
        // The checkpoint at or before `index`: the last one, past the part
        // indexed (there is one: the first character's, or the text is
        // empty and indexed whole).
        let checkpoint = (index / STRIDE).min(self.checkpoints.len().saturating_sub(1));
        let Some(&from) = self.checkpoints.get(checkpoint) else {
            return text.len();
        };
        let skip = index - checkpoint * STRIDE;
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

/// Whether `byte` continues a UTF-8 character (`10xxxxxx`).
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// How many of the eight bytes of `word` start a UTF-8 character: those
/// that are no continuation byte (top bits `10`: bit 7 set, bit 6 clear,
/// bit 6 shifted into bit 7's place to test both at once).
fn char_starts(word: u64) -> usize {
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    let continuations = word & !(word << 1) & TOP_BITS;
    8 - continuations.count_ones() as usize
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
        /// The checkpoints are the byte offsets of every `STRIDE`-th
        /// character, as counting the characters one by one finds them.
        #[test]
        fn checkpoints_are_every_strideth_character(
            value in "[a-c最好，\u{1F600}\u{FE0F}\u{E9} ]{0,300}",
        ) {
            let offsets = CharOffsets::new(&value);
            let expected: Vec<usize> = value
                .char_indices()
                .step_by(STRIDE)
                .map(|(byte, _)| byte)
                .collect();
            prop_assert_eq!(&offsets.checkpoints, &expected);
            prop_assert_eq!(offsets.chars, value.chars().count());
        }

        /// Indexed only as far as some character, an index slices as the
        /// whole index does, up to that character and past it.
        #[test]
        fn an_index_in_part_slices_as_a_whole_one(
            value in "[a-c最好，\u{1F600}\u{FE0F} ]{0,200}",
            last in 0usize..210,
            start in 0usize..220,
            len in 0usize..60,
        ) {
            let whole = CharOffsets::new(&value);
            let mut part = CharOffsets::default();
            part.index_through(&value, last);
            prop_assert!(part.checkpoints.len() <= whole.checkpoints.len());
            prop_assert_eq!(&part.checkpoints[..], &whole.checkpoints[..part.checkpoints.len()]);
            for (from, to) in [(start, start + len), (last.saturating_sub(len), last), (start, last)] {
                prop_assert_eq!(part.slice(&value, from, to), whole.slice(&value, from, to), "{}..{}", from, to);
            }
        }

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
