//! Text normalisation with an offset map back to the original value.
//!
//! Rules match on a normalised form of each field, so that evasions such as
//! full-width letters (`ＮＯ．１`), traditional characters (`國家級`), case
//! (`Top1`) and separators inserted between the characters of a term
//! (`最 好`, `最*佳`, `第-一`, `N O . 1`) all match the term as written in the
//! pack. Terms go through the same normalisation when a pack is compiled, so a
//! pack author writes terms in ordinary simplified Chinese.
//!
//! Steps, per visible character (see [`super::html`]):
//! 1. full-width ASCII (U+FF01–U+FF5E) becomes half-width, U+3000 a space;
//! 2. ASCII letters fold to lower case;
//! 3. traditional characters become simplified ones (one character for one,
//!    so offsets stay exact);
//! 4. `蕞`, a look-alike used to dodge filters, reads as `最`;
//! 5. invisible characters (zero-width spaces and joiners, direction marks,
//!    variation selectors such as the emoji selector U+FE0F, tag characters)
//!    are dropped; whitespace and separator symbols are
//!    skipped and remembered as a boundary (`sep_before`). A `.` between two
//!    digits is a decimal point and is kept, so `1.00%` never reads as `100%`.
//!
//! Line breaks and HTML block boundaries become `\n`, which no term contains,
//! so no match crosses them.

use super::html::{extract_visible, note_hidden, Visible, VisibleSink};
use super::t2s::{main_block, simplify, MAIN_BLOCK_START};

/// One character of normalised text and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormChar {
    /// The normalised character.
    pub ch: char,
    /// Byte offset of this character in [`Normalized::text`].
    pub byte: u32,
    /// Original character range `[start, end)` in the field value.
    pub start: u32,
    /// See `start`.
    pub end: u32,
    /// Whether whitespace or a separator symbol was skipped just before it.
    pub sep_before: bool,
    /// Whether whitespace (not only a symbol) was skipped just before it.
    pub space_before: bool,
}

/// The normalised form of one field value.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// Normalised text: what the automaton scans.
    pub text: String,
    /// One entry per character of `text`, in order.
    pub chars: Vec<NormChar>,
    /// Character ranges of the value's markup that shoppers do not see,
    /// in order: what [`super::html::hide_markup`] hides, noted while the
    /// value is read, so that the recognisers need not read it again.
    pub hidden: Vec<(usize, usize)>,
}

impl Normalized {
    /// Index into [`Self::chars`] of the character starting at byte `byte`.
    fn char_index(&self, byte: usize) -> usize {
        self.chars
            .binary_search_by_key(&(byte as u32), |c| c.byte)
            .unwrap_or_else(|i| i)
    }

    /// Maps a byte range of the normalised text to the character range
    /// `[first, last)` in [`Self::chars`].
    pub fn char_range(&self, byte_start: usize, byte_end: usize) -> (usize, usize) {
        (self.char_index(byte_start), self.char_index(byte_end))
    }

    /// Maps a character range of [`Self::chars`] to the original character
    /// range `[start, end)` of the field value.
    pub fn original_range(&self, first: usize, last: usize) -> (usize, usize) {
        let start = self.chars[first].start as usize;
        let end = self.chars[last - 1].end as usize;
        (start, end)
    }

    /// Whether a match over `chars[first..last]` is an accident of two
    /// adjacent words rather than the term. Sellers who space out a term to
    /// dodge a filter space every character (`最 好 用`), and a term written
    /// as two words is still the term (`机关 专供`, `史上 最强吸尘器`). But in a
    /// keyword-style title a term also turns up across two words by chance,
    /// and then one end of it is a single character cut out of a longer word:
    /// `最新 鲜花` read as `最新鲜`, `中国 最新款` read as `中国最`. Such a
    /// match — whitespace at some of its boundaries but not all, and a
    /// one-character piece at an end that lies inside a word — is dropped.
    pub fn straddles_words(&self, first: usize, last: usize) -> bool {
        let mut gaps = (first + 1..last).filter(|&i| self.chars[i].space_before);
        let Some(first_gap) = gaps.next() else {
            return false;
        };
        let (last_gap, count) = gaps.fold((first_gap, 1), |(_, n), i| (i, n + 1));
        if count == last - first - 1 {
            return false;
        }
        let in_word = |i: usize| self.chars[i].ch.is_alphanumeric();
        let starts_inside =
            first > 0 && !self.chars[first].space_before && in_word(first - 1) && in_word(first);
        let ends_inside = last < self.chars.len()
            && !self.chars[last].space_before
            && in_word(last)
            && in_word(last - 1);
        (starts_inside && first_gap - first == 1) || (ends_inside && last - last_gap == 1)
    }

    /// Whether a match over `chars[first..last]` stands apart from ASCII
    /// letters and digits around it. `NO.1` must not match inside `NO.12`.
    pub fn has_word_boundaries(&self, first: usize, last: usize) -> bool {
        let starts_alnum = self.chars[first].ch.is_ascii_alphanumeric();
        let ends_alnum = self.chars[last - 1].ch.is_ascii_alphanumeric();
        let before_ok = !starts_alnum
            || first == 0
            || self.chars[first].sep_before
            || !self.chars[first - 1].ch.is_ascii_alphanumeric();
        let continues_number = self.chars[last - 1].ch.is_ascii_digit()
            && self
                .chars
                .get(last)
                .is_some_and(|c| c.ch == '.' && !c.sep_before)
            && self
                .chars
                .get(last + 1)
                .is_some_and(|c| c.ch.is_ascii_digit());
        let after_ok = !ends_alnum
            || last == self.chars.len()
            || (self.chars[last].sep_before && !continues_number)
            || (!self.chars[last].ch.is_ascii_alphanumeric() && !continues_number);
        before_ok && after_ok
    }
}

/// Reusable buffers for normalising many values without reallocating.
#[derive(Debug, Default)]
pub struct Normalizer {
    chars: Vec<char>,
}

/// What step 1–5 make of one character.
#[derive(Debug, PartialEq)]
enum Folded {
    /// A character of the normalised text.
    Keep(char),
    /// A separator symbol ([`is_separator`]), skipped unless it is a
    /// decimal point.
    Symbol(char),
    /// Whitespace, skipped.
    Space,
    /// An invisible character, dropped.
    Invisible,
}

impl Normalizer {
    /// Creates a normaliser with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Normalises a field value (which may contain HTML) into `out`.
    pub fn normalize_into(&mut self, value: &str, out: &mut Normalized) {
        if is_plain(value) {
            normalize_plain(value, out);
        } else {
            out.text.clear();
            out.chars.clear();
            out.hidden.clear();
            let mut folding = Folding {
                out,
                gaps: (false, false),
                dot: None,
            };
            extract_visible(value, &mut self.chars, &mut folding);
        }
    }
}

/// Steps 1–5 as the HTML extractor hands over visible text: runs of
/// characters folded in place, no intermediate stream. Same result as
/// [`normalize_visible`] over the units the extractor would push.
struct Folding<'o> {
    out: &'o mut Normalized,
    /// See [`step`].
    gaps: (bool, bool),
    /// A `.` after a digit, whose original range this is: a decimal point
    /// if the next visible character folds to a digit, else a separator.
    /// Decided when that character (or a break, or the end) comes.
    dot: Option<(u32, u32)>,
}

impl Folding<'_> {
    /// Steps 1–5 for one visible character.
    #[inline(always)]
    fn char(&mut self, raw: char, start: u32, end: u32) {
        let folded = fold(raw);
        if let Some((dot_start, dot_end)) = self.dot.take() {
            if matches!(folded, Folded::Keep(c) if c.is_ascii_digit()) {
                push(self.out, '.', dot_start, dot_end, self.gaps);
                self.gaps = (false, false);
            } else {
                self.gaps.0 = true;
            }
        }
        match folded {
            Folded::Keep(c) => {
                push(self.out, c, start, end, self.gaps);
                self.gaps = (false, false);
            }
            Folded::Symbol('.') if ends_in_digit(self.out) => {
                self.dot = Some((start, end));
            }
            Folded::Symbol(_) => self.gaps.0 = true,
            Folded::Space => self.gaps = (true, true),
            Folded::Invisible => {}
        }
    }
}

impl VisibleSink for Folding<'_> {
    fn push(&mut self, visible: Visible) {
        match visible {
            Visible::Char { ch, start, end } => self.char(ch, start, end),
            Visible::Break => {
                // A pending `.` before a break is a separator; the break
                // forgets gaps anyway.
                self.dot = None;
                push(self.out, '\n', 0, 0, (false, false));
                self.gaps = (false, false);
            }
        }
    }

    #[inline]
    fn run(&mut self, chars: &[char], start: usize) {
        let simplified = main_block();
        for (index, &ch) in (start as u32..).zip(chars) {
            let code = ch as u32;
            // An ideograph with no `.` pending, the common case, folded
            // as [`fold`] does with the table looked up once per run.
            if (0x4000..=0x9FFF).contains(&code) && self.dot.is_none() {
                let folded = fold_ideograph(ch, simplified);
                push(self.out, folded, index, index + 1, self.gaps);
                self.gaps = (false, false);
                continue;
            }
            self.char(ch, index, index + 1);
        }
    }

    fn markup(&mut self, start: usize, end: usize, shown: &[(usize, usize)]) {
        note_hidden(&mut self.out.hidden, start, end, shown);
    }
}

/// Whether `value` needs no HTML or line-break handling.
fn is_plain(value: &str) -> bool {
    let bytes = value.as_bytes();
    memchr::memchr2(b'<', b'&', bytes).is_none() && memchr::memchr2(b'\n', b'\r', bytes).is_none()
}

/// Steps 1–5 for the common case: no markup, entities or line breaks, so
/// every character is visible as is, character `i` of the value being
/// original range `[i, i + 1)`. Same result as [`normalize_visible`] over
/// those characters, without the intermediate stream.
fn normalize_plain(value: &str, out: &mut Normalized) {
    out.text.clear();
    out.chars.clear();
    out.hidden.clear();
    out.text.reserve(value.len());
    let bytes = value.as_bytes();
    let mut gaps = (false, false);
    let mut at = 0;
    let mut index = 0u32;
    while let Some(&lead) = bytes.get(at) {
        if (0xE4..=0xE9).contains(&lead) {
            let (after, after_index) = ideograph_run(value, at, index, gaps, out);
            // Always past the run in valid UTF-8 (E4–E9 leads a whole
            // three-byte character); checked so that the loop moves on
            // whatever happens.
            if after > at {
                (at, index) = (after, after_index);
                gaps = (false, false);
                continue;
            }
        }
        let mut rest = value[at..].chars();
        let Some(raw) = rest.next() else { break };
        step(out, &mut gaps, raw, (index, index + 1), || {
            rest.clone().next()
        });
        at += raw.len_utf8();
        index += 1;
    }
}

/// Steps 1–5 for the run of ideographs U+4000–U+9FFF (three UTF-8 bytes,
/// lead byte E4–E9) that starts at byte `at` of `value`, character
/// `index`: each is kept, simplified, none is a separator or invisible.
/// The run's bytes are copied as they are, but for characters the
/// traditional-to-simplified table (or 蕞 → 最) changes. `gaps` are those
/// before its first character. Returns the byte and character after it.
fn ideograph_run(
    value: &str,
    mut at: usize,
    mut index: u32,
    mut gaps: (bool, bool),
    out: &mut Normalized,
) -> (usize, u32) {
    let simplified = main_block();
    // Bytes from `copied` to `at` are kept as they are and not yet copied.
    let mut copied = at;
    for chunk in value.as_bytes()[at..].chunks_exact(3) {
        let &[lead @ 0xE4..=0xE9, second, third] = chunk else {
            break;
        };
        let code = (u32::from(lead & 0x0F) << 12)
            | (u32::from(second & 0x3F) << 6)
            | u32::from(third & 0x3F);
        let raw = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
        let folded = fold_ideograph(raw, simplified);
        let byte = if folded == raw {
            out.text.len() + (at - copied)
        } else {
            out.text.push_str(&value[copied..at]);
            copied = at + 3;
            let byte = out.text.len();
            out.text.push(folded);
            byte
        };
        let (sep_before, space_before) = gaps;
        out.chars.push(NormChar {
            ch: folded,
            byte: byte as u32,
            start: index,
            end: index + 1,
            sep_before,
            space_before,
        });
        gaps = (false, false);
        at += 3;
        index += 1;
    }
    out.text.push_str(&value[copied..at]);
    (at, index)
}

/// Steps 1–5 over a stream of visible characters.
fn normalize_visible(visible: impl Iterator<Item = Visible>, out: &mut Normalized) {
    out.text.clear();
    out.chars.clear();
    out.hidden.clear();
    let mut visible = visible.peekable();
    let mut gaps = (false, false);
    while let Some(v) = visible.next() {
        match v {
            Visible::Char { ch, start, end } => {
                step(out, &mut gaps, ch, (start, end), || match visible.peek() {
                    Some(Visible::Char { ch, .. }) => Some(*ch),
                    _ => None,
                });
            }
            Visible::Break => {
                push(out, '\n', 0, 0, (false, false));
                gaps = (false, false);
            }
        }
    }
}

/// Steps 1–5 for one visible character from original range `range`.
/// `gaps` says whether a separator, and whether whitespace, was skipped
/// since the last character kept; `next` gives the following character,
/// to tell a decimal point from a separator.
#[inline]
fn step(
    out: &mut Normalized,
    gaps: &mut (bool, bool),
    raw: char,
    (start, end): (u32, u32),
    next: impl FnOnce() -> Option<char>,
) {
    match fold(raw) {
        Folded::Keep(c) => {
            push(out, c, start, end, *gaps);
            *gaps = (false, false);
        }
        Folded::Symbol('.') if is_decimal_point(out, next()) => {
            push(out, '.', start, end, *gaps);
            *gaps = (false, false);
        }
        Folded::Symbol(_) => gaps.0 = true,
        Folded::Space => *gaps = (true, true),
        Folded::Invisible => {}
    }
}

/// Whether the normalised text so far ends in an ASCII digit: a `.` after
/// it may be a decimal point.
fn ends_in_digit(out: &Normalized) -> bool {
    out.chars.last().is_some_and(|c| c.ch.is_ascii_digit())
}

/// A `.` between two ASCII digits is a decimal point, not a separator.
fn is_decimal_point(out: &Normalized, next: Option<char>) -> bool {
    ends_in_digit(out)
        && next.is_some_and(|ch| matches!(fold(ch), Folded::Keep(c) if c.is_ascii_digit()))
}

/// Appends a character; `gaps` says whether a separator, and whether
/// whitespace, was skipped before it.
#[inline]
fn push(out: &mut Normalized, ch: char, start: u32, end: u32, gaps: (bool, bool)) {
    let (sep_before, space_before) = gaps;
    out.chars.push(NormChar {
        ch,
        byte: out.text.len() as u32,
        start,
        end,
        sep_before,
        space_before,
    });
    out.text.push(ch);
}

/// Steps 3–4 for a character of the main CJK blocks (U+3400–U+9FFF):
/// 蕞 reads as 最, the rest as the simplification table `simplified`
/// ([`main_block`]) says.
#[inline(always)]
fn fold_ideograph(ch: char, simplified: &[char]) -> char {
    if ch == '蕞' {
        return '最';
    }
    // Below the table the index wraps around to one far past its end.
    simplified
        .get((ch as u32).wrapping_sub(MAIN_BLOCK_START) as usize)
        .copied()
        .unwrap_or(ch)
}

/// Steps 1–5 for one character. The two kinds of character that make up
/// nearly all listing text, ASCII and the main CJK blocks (no CJK
/// ideograph is whitespace, invisible or a separator), are folded inline;
/// the rest in [`fold_other`].
#[inline(always)]
fn fold(c: char) -> Folded {
    let u = c as u32;
    if u < 0x80 {
        return fold_ascii(c);
    }
    if (0x3400..=0x9FFF).contains(&u) {
        return Folded::Keep(fold_ideograph(c, main_block()));
    }
    // CJK punctuation (、。《》「」【】 …), the other common kind: none is
    // whitespace or invisible, and of them only 〜 is a separator.
    if (0x3001..=0x303F).contains(&u) && c != '〜' {
        return Folded::Keep(c);
    }
    fold_other(c)
}

#[inline(always)]
fn fold_ascii(c: char) -> Folded {
    match c {
        'a'..='z' | '0'..='9' => Folded::Keep(c),
        'A'..='Z' => Folded::Keep(c.to_ascii_lowercase()),
        c if c.is_whitespace() => Folded::Space,
        c if is_separator(c) => Folded::Symbol(c),
        c => Folded::Keep(c),
    }
}

/// [`fold`] for characters outside ASCII and the main CJK blocks.
#[inline(never)]
fn fold_other(c: char) -> Folded {
    match c {
        '\u{FF01}'..='\u{FF5E}' => match char::from_u32(c as u32 - 0xFEE0) {
            Some(half) => fold_ascii(half),
            None => fold_other_kept(c),
        },
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{180E}'
        | '\u{E0000}'..='\u{E007F}' => Folded::Invisible,
        c => fold_other_kept(c),
    }
}

/// The last steps of [`fold_other`]: whitespace, separators, and the
/// traditional-to-simplified table.
fn fold_other_kept(c: char) -> Folded {
    match c {
        c if c.is_whitespace() => Folded::Space,
        c if is_separator(c) => Folded::Symbol(c),
        c => Folded::Keep(simplify(c)),
    }
}

/// Symbols that sellers insert between the characters of a banned term and
/// that shoppers read past. Punctuation that ends a clause (`,` `。` `!` `?`
/// `;` `:`), brackets, `%` and currency signs are not separators.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '.' | '*' | '-' | '_' | '~' | '/' | '\\' | '|' | '+' | '=' | '#' | '^' | '`' | '\''
            | '"' | '·' | '•' | '・' | '‧' | '∙' | '⋅' | '‐'..='―' | '〜' | '～'
            | '\u{2190}'..='\u{21FF}'
            | '\u{2500}'..='\u{27BF}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{1F300}'..='\u{1FAFF}'
    )
}

/// Why a pack term, allow phrase or keyword can never match, if it cannot.
pub fn term_problem(term: &str) -> Option<&'static str> {
    normalized_term_problem(term, &normalize_term(term))
}

/// [`term_problem`] of a term whose normal form ([`normalize_term`]) is
/// known already.
pub fn normalized_term_problem(term: &str, normalized: &str) -> Option<&'static str> {
    if term.contains(['\n', '\r']) {
        Some("contains a line break, and no match crosses one")
    } else if normalized.is_empty() {
        Some("is empty once normalised (only spaces, separators or invisible characters)")
    } else {
        None
    }
}

/// Normalises a pack term or allow phrase the way field text is normalised.
/// Terms are plain text: `<` and `&` in a term are literal characters.
pub fn normalize_term(term: &str) -> String {
    let visible = term.chars().enumerate().map(|(i, ch)| match ch {
        '\n' | '\r' => Visible::Break,
        ch => Visible::Char {
            ch,
            start: i as u32,
            end: i as u32 + 1,
        },
    });
    let mut out = Normalized::default();
    normalize_visible(visible, &mut out);
    out.text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every character folds as the general steps say, whichever fast arm
    /// of [`fold`] takes it: ASCII by letter case, whitespace and the
    /// separator list; 蕞 as 最; everything else by [`fold_other`].
    #[test]
    fn the_fast_arms_fold_every_character_as_the_general_steps() {
        let general = |c: char| match c {
            '蕞' => Folded::Keep('最'),
            'A'..='Z' => Folded::Keep(c.to_ascii_lowercase()),
            c if c.is_ascii() && c.is_whitespace() => Folded::Space,
            c if c.is_ascii() && is_separator(c) => Folded::Symbol(c),
            c if c.is_ascii() => Folded::Keep(c),
            c => fold_other(c),
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(fold(c), general(c), "{c:?} (U+{:04X})", c as u32);
        }
    }

    proptest! {
        /// The plain-text fast path gives what the general path gives for
        /// the same characters.
        #[test]
        fn plain_path_matches_the_general_path(
            value in "[a-zA-Z0-9 .．。*_\\-~·　\u{200B}\u{FE0F}最好國家級蕞ＮＯ１😀]{0,24}|\\PC{0,24}",
        ) {
            prop_assume!(is_plain(&value));
            let mut fast = Normalized::default();
            normalize_plain(&value, &mut fast);
            let mut general = Normalized::default();
            let visible = value.chars().enumerate().map(|(i, ch)| Visible::Char {
                ch,
                start: i as u32,
                end: i as u32 + 1,
            });
            normalize_visible(visible, &mut general);
            prop_assert_eq!(fast.text, general.text);
            prop_assert_eq!(fast.chars, general.chars);
        }
    }

    proptest! {
        /// Folding while the HTML extractor hands over runs gives what
        /// folding its units one by one gives: decimal points decided
        /// across runs, entities, tags and breaks.
        #[test]
        fn folding_runs_matches_folding_units(
            value in "(<p>|<b>|</b>|<br>|<img alt=\"1.5\">|&amp;|&#49;|&#46;|[0-9]{1,2}|\\.|．|[a-zA-Z ]|最好|國|\u{200B}|\n){0,16}|[a-zA-Z0-9 .．。*_\\-<>/&;#=\n最好國蕞１😀\u{200B}]{0,40}",
        ) {
            let mut units = Vec::new();
            extract_visible(&value, &mut Vec::new(), &mut units);
            let mut expected = Normalized::default();
            normalize_visible(units.into_iter(), &mut expected);
            let mut fused = Normalized::default();
            let mut folding = Folding { out: &mut fused, gaps: (false, false), dot: None };
            extract_visible(&value, &mut Vec::new(), &mut folding);
            prop_assert_eq!(fused.text, expected.text);
            prop_assert_eq!(fused.chars, expected.chars);
        }

        /// The hidden markup the normaliser notes is what `hide_markup`
        /// finds when it reads the value itself: the recognisers read the
        /// same text either way.
        #[test]
        fn notes_the_markup_hide_markup_hides(
            value in "(<p>|</p>|<b>|</b>|<br>|<img src=\"a/1-2.jpg\" alt=\"满300减50\">|<!-- 12月1日 -->|<script>x</script>|<a title='1.5'>|&amp;|&lt;|<|>|[0-9]{1,2}|最好|\n|\\PC){0,16}",
        ) {
            let noted = norm(&value);
            prop_assert_eq!(
                crate::text::html::hide_ranges(&value, &noted.hidden, '#'),
                crate::text::html::hide_markup(&value, '#')
            );
        }
    }

    fn norm(value: &str) -> Normalized {
        let mut out = Normalized::default();
        Normalizer::new().normalize_into(value, &mut out);
        out
    }

    #[test]
    fn folds_width_case_and_traditional_characters() {
        assert_eq!(norm("ＮＯ．１").text, "no1");
        assert_eq!(norm("Top1").text, "top1");
        assert_eq!(norm("國家級極品").text, "国家级极品");
        assert_eq!(normalize_term("最佳"), norm("最佳").text);
    }

    #[test]
    fn skips_inserted_separators_and_invisible_characters() {
        for evasion in [
            "最 好",
            "最*好",
            "最-好",
            "最\u{200b}好",
            "最　好",
            "最★好",
            "最・好",
        ] {
            assert_eq!(norm(evasion).text, "最好", "{evasion}");
        }
        assert_eq!(norm("N O . 1").text, "no1");
        assert_eq!(norm("第-一").text, "第一");
    }

    #[test]
    fn keeps_decimal_points_and_clause_punctuation() {
        assert_eq!(norm("1.00%").text, "1.00%");
        assert_eq!(norm("最，好").text, "最,好");
        assert_eq!(norm("最。好").text, "最。好");
        assert_eq!(norm("100%纯棉").text, "100%纯棉");
    }

    #[test]
    fn line_breaks_and_blocks_are_hard_boundaries() {
        assert_eq!(norm("最\n好").text, "最\n好");
        assert_eq!(norm("<p>最</p>好").text, "\n最\n好");
    }

    #[test]
    fn maps_back_to_original_character_ranges() {
        let n = norm("超值 最 好 的");
        let start = n.text.find("最好").unwrap();
        let (first, last) = n.char_range(start, start + "最好".len());
        assert_eq!(n.original_range(first, last), (3, 6));
        let html = norm("<b>最</b>&nbsp;好");
        let start = html.text.find("最好").unwrap();
        let (first, last) = html.char_range(start, start + "最好".len());
        assert_eq!(html.original_range(first, last), (3, 15));
    }

    #[test]
    fn matches_straddling_words_are_told_from_spaced_out_terms() {
        let straddles = |value: &str, term: &str| {
            let n = norm(value);
            let start = n.text.find(term).unwrap();
            let (first, last) = n.char_range(start, start + term.len());
            n.straddles_words(first, last)
        };
        assert!(straddles("最新 鲜花礼盒", "最新鲜"));
        assert!(straddles("国潮 中国 最新款", "中国最"));
        assert!(!straddles("机关 专供 明前绿茶", "机关专供"));
        assert!(!straddles("全网 第一", "全网第一"));
        assert!(!straddles("史上 最强吸尘器", "史上最强"));
        assert!(!straddles("最 好 用", "最好用"));
        assert!(!straddles("最*好用", "最好用"), "symbols are not word gaps");
        assert!(!straddles("最好用", "最好用"));
    }

    #[test]
    fn word_boundaries_for_latin_and_digit_edges() {
        let n = norm("色号NO.12");
        let (first, last) = n.char_range(6, 9); // "no1"
        assert_eq!(&n.text[6..9], "no1");
        assert!(!n.has_word_boundaries(first, last));
        let n = norm("NO.1 2023款");
        let (first, last) = n.char_range(0, 3);
        assert!(n.has_word_boundaries(first, last));
        // A kept decimal point continues the number: TOP1.5寸 is not TOP1.
        let n = norm("TOP1.5寸");
        let (first, last) = n.char_range(0, 4);
        assert_eq!(&n.text[..4], "top1");
        assert!(!n.has_word_boundaries(first, last));
    }
}
