//! Visible-text extraction from field values that may contain HTML.
//!
//! A field such as a product description is often an HTML fragment. Shoppers
//! see its text, plus the `alt` and `title` attributes of its elements, so
//! that is what rules scan. Every visible character keeps the character range
//! of the original value it came from, so that spans found in the visible text
//! map back into the original value.
//!
//! The extractor is deliberately forgiving: a `<` that does not open a tag
//! (`价格<100元`), or a tag that does not close within a kilobyte or so, is
//! ordinary text, and an unknown entity is kept literally. As in a browser,
//! a comment or `<script>`/`<style>` element that is never closed hides the
//! rest of the value. It never fails, never panics, and reads each
//! character a bounded number of times.

/// One unit of visible text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visible {
    /// A visible character and the original character range `[start, end)`
    /// it was produced from (an entity such as `&amp;` spans several).
    Char {
        /// The character.
        ch: char,
        /// First original character it came from.
        start: u32,
        /// One past the last original character.
        end: u32,
    },
    /// A boundary no match may cross: a block element, a line break, or the
    /// edge of an attribute value.
    Break,
}

/// Where extracted visible text goes, unit by unit (a `Vec<Visible>`,
/// which the normaliser folds), and what was markup.
pub trait VisibleSink {
    /// Takes the next unit of visible text.
    fn push(&mut self, visible: Visible);

    /// Takes a run of visible characters as they are, `chars[k]` being
    /// original character `start + k` (most of a description's text):
    /// the same as a [`Visible::Char`] each, which is what it does unless
    /// a sink takes runs whole.
    fn run(&mut self, chars: &[char], start: usize) {
        for (k, &ch) in chars.iter().enumerate() {
            push_char(self, ch, start + k, start + k + 1);
        }
    }

    /// Original characters `[start, end)` are markup (a tag, comment or
    /// hidden element), but for `shown`, the ranges of its visible
    /// attributes' values (pushed as text too).
    fn markup(&mut self, _start: usize, _end: usize, _shown: &[(usize, usize)]) {}
}

impl VisibleSink for Vec<Visible> {
    fn push(&mut self, visible: Visible) {
        Vec::push(self, visible);
    }
}

/// Elements whose content is never shown to a shopper.
const HIDDEN_ELEMENTS: &[&str] = &["script", "style", "head", "template", "noscript"];

/// Elements that do not break the flow of text; every other tag is a break.
const INLINE_ELEMENTS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr",
];

/// Longest tag, in characters, before a `<` is taken as text.
const MAX_TAG_CHARS: usize = 1024;

/// Attributes whose values are visible (or read out) to shoppers.
const VISIBLE_ATTRIBUTES: &[&str] = &["alt", "title"];

/// Appends the visible text of `value` to `out`.
///
/// Plain text passes through unchanged apart from entity decoding; `\n` and
/// `\r` become [`Visible::Break`]. `chars` is a scratch buffer.
pub fn extract_visible(value: &str, chars: &mut Vec<char>, out: &mut impl VisibleSink) {
    chars.clear();
    chars.extend(value.chars());
    let chars = &chars[..];
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '<' => {
                if let Some(next) = parse_markup(chars, i, out) {
                    i = next;
                    continue;
                }
                push_char(out, c, i, i + 1);
                i += 1;
            }
            '&' => {
                let (decoded, len) = decode_entity(&chars[i..]).unwrap_or(('&', 1));
                push_char(out, decoded, i, i + len);
                i += len;
            }
            '\n' | '\r' => {
                out.push(Visible::Break);
                i += 1;
            }
            _ => {
                let end = chars[i..]
                    .iter()
                    .position(|c| matches!(c, '<' | '&' | '\n' | '\r'))
                    .map_or(chars.len(), |n| i + n);
                out.run(&chars[i..end], i);
                i = end;
            }
        }
    }
}

/// `value` with every character of its markup that shoppers do not see
/// (tags but for the values of their visible attributes, comments, hidden
/// elements) replaced by `filler`, one character for one, so that
/// character offsets are those of `value`; `None` when nothing is hidden.
/// What the recognisers read, so that a date or an offer in an image's
/// address is not taken for one the shopper reads. Markup is what the
/// normaliser takes for markup: a `<` that opens no tag within
/// `MAX_TAG_CHARS` characters is text, and stays.
pub fn hide_markup(value: &str, filler: char) -> Option<String> {
    memchr::memchr(b'<', value.as_bytes())?;
    let mut hidden = HiddenRanges::default();
    extract_visible(value, &mut Vec::new(), &mut hidden);
    hide_ranges(value, &hidden.ranges, filler)
}

/// [`hide_markup`] with the hidden character ranges already known (as a
/// [`VisibleSink`] notes them through [`note_hidden`] while the
/// normaliser reads the value): `None` when there are none.
pub fn hide_ranges(value: &str, hidden: &[(usize, usize)], filler: char) -> Option<String> {
    if hidden.is_empty() {
        return None;
    }
    // Visible runs are copied as they are; each hidden character becomes
    // one filler. Ranges come in text order (overlaps read as their union).
    let mut out = String::with_capacity(value.len());
    let mut rest = value.chars();
    let mut at_char = 0;
    let mut copied = 0;
    for &(start, end) in hidden {
        let start = start.max(at_char);
        if end <= start {
            continue;
        }
        rest.by_ref().take(start - at_char).for_each(drop);
        out.push_str(&value[copied..value.len() - rest.as_str().len()]);
        rest.by_ref().take(end - start).for_each(drop);
        out.extend(std::iter::repeat_n(filler, end - start));
        copied = value.len() - rest.as_str().len();
        at_char = end;
    }
    out.push_str(&value[copied..]);
    Some(out)
}

/// The character ranges of markup shoppers do not see, in order.
#[derive(Default)]
struct HiddenRanges {
    ranges: Vec<(usize, usize)>,
}

impl VisibleSink for HiddenRanges {
    fn push(&mut self, _visible: Visible) {}

    fn run(&mut self, _chars: &[char], _start: usize) {}

    fn markup(&mut self, start: usize, end: usize, shown: &[(usize, usize)]) {
        note_hidden(&mut self.ranges, start, end, shown);
    }
}

/// Appends to `hidden` the characters of markup `[start, end)` that are
/// not in its `shown` ranges (what [`VisibleSink::markup`] is told): the
/// ranges [`hide_ranges`] hides.
pub fn note_hidden(
    hidden: &mut Vec<(usize, usize)>,
    start: usize,
    end: usize,
    shown: &[(usize, usize)],
) {
    let mut from = start;
    for &(a, b) in shown {
        if from < a {
            hidden.push((from, a));
        }
        from = from.max(b);
    }
    if from < end {
        hidden.push((from, end));
    }
}

fn push_char<S: VisibleSink + ?Sized>(out: &mut S, ch: char, start: usize, end: usize) {
    out.push(Visible::Char {
        ch,
        start: start as u32,
        end: end as u32,
    });
}

/// Parses a comment, declaration or tag starting at `chars[at] == '<'`.
/// Returns the index after it, or `None` when the `<` is plain text.
fn parse_markup(chars: &[char], at: usize, out: &mut impl VisibleSink) -> Option<usize> {
    let next = *chars.get(at + 1)?;
    // `<!-->` and `<!--->` are complete (empty) comments.
    for empty in ["<!-->", "<!--->"] {
        if starts_with(chars, at, empty) {
            let end = at + empty.chars().count();
            out.markup(at, end, &[]);
            return Some(end);
        }
    }
    if starts_with(chars, at, "<!--") {
        let end = find(chars, at + 4, "-->").map_or(chars.len(), |e| e + 3);
        out.markup(at, end, &[]);
        return Some(end);
    }
    if !(next.is_ascii_alphabetic() || next == '/' || next == '!' || next == '?') {
        return None;
    }
    let tag = parse_tag(chars, at)?;
    let name = &chars[tag.name.0..tag.name.1];
    if !tag.closing {
        if let Some(hidden) = HIDDEN_ELEMENTS.iter().find(|h| is_name(name, h)) {
            let close = format!("</{hidden}");
            let end = find_ignore_case(chars, tag.end, &close)
                .and_then(|c| find(chars, c, ">").map(|gt| gt + 1))
                .unwrap_or(chars.len());
            out.markup(at, end, &[]);
            return Some(end);
        }
    }
    if !INLINE_ELEMENTS.iter().any(|inline| is_name(name, inline)) {
        out.push(Visible::Break);
    }
    for &(start, end) in &tag.visible_attributes {
        out.push(Visible::Break);
        decode_range(chars, start, end, out);
        out.push(Visible::Break);
    }
    out.markup(at, tag.end, &tag.visible_attributes);
    Some(tag.end)
}

/// Whether the characters of a tag or attribute name are `lower` (a
/// lower-case ASCII name), in any case.
fn is_name(name: &[char], lower: &str) -> bool {
    name.len() == lower.len()
        && name
            .iter()
            .zip(lower.bytes())
            .all(|(&c, b)| c.to_ascii_lowercase() == char::from(b))
}

/// A parsed start or end tag: ranges of characters, nothing copied, as
/// most descriptions have dozens of tags.
struct Tag {
    /// Character range of the name.
    name: (usize, usize),
    closing: bool,
    /// Character ranges of the values of its visible attributes
    /// ([`VISIBLE_ATTRIBUTES`]), in order.
    visible_attributes: Vec<(usize, usize)>,
    /// Index just after the closing `>`.
    end: usize,
}

fn parse_tag(chars: &[char], at: usize) -> Option<Tag> {
    let chars = &chars[..chars.len().min(at + MAX_TAG_CHARS)];
    let mut i = at + 1;
    let closing = chars.get(i) == Some(&'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '-' | ':')) {
        i += 1;
    }
    let name = (name_start, i);
    let mut visible_attributes = Vec::new();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let c = *chars.get(i)?;
        if c == '>' {
            return Some(Tag {
                name,
                closing,
                visible_attributes,
                end: i + 1,
            });
        }
        if c == '/' || c == '?' || c == '!' {
            i += 1;
            continue;
        }
        let attr_start = i;
        while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '=' | '>' | '/') {
            i += 1;
        }
        let attr = &chars[attr_start..i];
        let visible = VISIBLE_ATTRIBUTES.iter().any(|v| is_name(attr, v));
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if chars.get(i) != Some(&'=') {
            continue;
        }
        i += 1;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let quote = *chars.get(i)?;
        let value = if quote == '"' || quote == '\'' {
            let value_start = i + 1;
            let value_end = (value_start..chars.len()).find(|&j| chars[j] == quote)?;
            i = value_end + 1;
            (value_start, value_end)
        } else {
            let value_start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '>' {
                i += 1;
            }
            (value_start, i)
        };
        if visible {
            visible_attributes.push(value);
        }
    }
}

/// Appends the characters of `chars[start..end]`, decoding entities.
fn decode_range(chars: &[char], start: usize, end: usize, out: &mut impl VisibleSink) {
    let mut i = start;
    while i < end {
        if chars[i] == '&' {
            if let Some((decoded, len)) = decode_entity(&chars[i..end]) {
                push_char(out, decoded, i, i + len);
                i += len;
                continue;
            }
        }
        if matches!(chars[i], '\n' | '\r') {
            out.push(Visible::Break);
        } else {
            push_char(out, chars[i], i, i + 1);
        }
        i += 1;
    }
}

/// Decodes an entity at the start of `chars` (which begins with `&`).
/// Returns the character and the length of the entity in characters.
fn decode_entity(chars: &[char]) -> Option<(char, usize)> {
    let semi = chars.iter().take(12).position(|&c| c == ';')?;
    let body: String = chars[1..semi].iter().collect();
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(code)?
    } else {
        named_entity(&body)?
    };
    Some((decoded, semi + 1))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" | "emsp" | "thinsp" => ' ',
        "yen" => '¥',
        "times" => '×',
        "middot" => '·',
        "bull" => '•',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "shy" => '\u{AD}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        _ => return None,
    })
}

fn starts_with(chars: &[char], at: usize, needle: &str) -> bool {
    needle
        .chars()
        .enumerate()
        .all(|(k, n)| chars.get(at + k) == Some(&n))
}

fn find(chars: &[char], from: usize, needle: &str) -> Option<usize> {
    (from..chars.len()).find(|&i| starts_with(chars, i, needle))
}

fn find_ignore_case(chars: &[char], from: usize, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    (from..chars.len()).find(|&i| {
        needle
            .iter()
            .enumerate()
            .all(|(k, n)| chars.get(i + k).is_some_and(|c| c.eq_ignore_ascii_case(n)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_hidden_one_character_for_one() {
        let value = "<p>满300减50</p><img src=\"//img.cn/2024-06-01/满1减1.jpg\" alt=\"6月18日\"><!-- 买2送1 -->价<5元";
        let hidden = hide_markup(value, '#').expect("it has markup");
        assert_eq!(hidden.chars().count(), value.chars().count());
        let hide = |markup: &str| "#".repeat(markup.chars().count());
        let expected = [
            hide("<p>"),
            "满300减50".into(),
            hide("</p><img src=\"//img.cn/2024-06-01/满1减1.jpg\" alt=\""),
            "6月18日".into(),
            hide("\"><!-- 买2送1 -->"),
            "价<5元".into(),
        ]
        .concat();
        assert_eq!(hidden, expected);
        assert_eq!(hide_markup("满300减50", '#'), None);
        assert_eq!(hide_markup("价<5元", '#'), None);
    }

    proptest::proptest! {
        /// Hiding copies the visible runs whole: the same text as putting
        /// each character in or a filler for it, one by one.
        #[test]
        fn hiding_by_runs_is_hiding_by_characters(
            value in "([满3减a &;#<>\"'=/!-]|<p>|</p>|<br>|<img src=\"x\" alt=\"满1\">|<!--买2-->|&amp;|<script>a</script>|价<5元){0,16}",
        ) {
            let mut hidden = HiddenRanges::default();
            extract_visible(&value, &mut Vec::new(), &mut hidden);
            let expected = (!hidden.ranges.is_empty()).then(|| {
                value
                    .chars()
                    .enumerate()
                    .map(|(k, c)| {
                        let inside = hidden.ranges.iter().any(|&(a, b)| a <= k && k < b);
                        if inside { '#' } else { c }
                    })
                    .collect::<String>()
            });
            let has_tag_start = value.contains('<');
            proptest::prop_assert_eq!(hide_markup(&value, '#'), expected.filter(|_| has_tag_start));
        }
    }

    fn visible(value: &str) -> String {
        let mut out = Vec::new();
        extract_visible(value, &mut Vec::new(), &mut out);
        out.iter()
            .map(|v| match v {
                Visible::Char { ch, .. } => *ch,
                Visible::Break => '|',
            })
            .collect()
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(visible("最好用的吸尘器"), "最好用的吸尘器");
    }

    #[test]
    fn less_than_that_opens_no_tag_is_text() {
        assert_eq!(visible("价格<100元"), "价格<100元");
        assert_eq!(visible("a < b"), "a < b");
    }

    #[test]
    fn inline_tags_vanish_and_block_tags_break() {
        assert_eq!(visible("<b>最</b>好"), "最好");
        assert_eq!(visible("<p>第</p><p>一</p>"), "|第||一|");
    }

    #[test]
    fn alt_and_title_attributes_are_visible() {
        assert_eq!(
            visible(r#"<img src="a.jpg" alt="国家级品质">好"#),
            "||国家级品质|好"
        );
        assert_eq!(visible("<a title='顶级'>x</a>"), "|顶级|x");
    }

    #[test]
    fn scripts_styles_and_comments_are_hidden() {
        assert_eq!(visible("a<script>最好</script>b<!-- 第一 -->c"), "abc");
        assert_eq!(visible("<STYLE>p{}</style>x"), "x");
    }

    #[test]
    fn entities_decode_and_keep_their_original_range() {
        let mut out = Vec::new();
        extract_visible("A&amp;B", &mut Vec::new(), &mut out);
        assert_eq!(
            out[1],
            Visible::Char {
                ch: '&',
                start: 1,
                end: 6
            }
        );
        assert_eq!(visible("AT&T &bogus; &#26368;"), "AT&T &bogus; 最");
    }

    #[test]
    fn empty_comments_hide_nothing() {
        assert_eq!(visible("<!-->最好"), "最好");
        assert_eq!(visible("<!--->最好"), "最好");
        assert_eq!(visible("a<!-- 最好"), "a");
    }

    #[test]
    fn runaway_tags_are_text_and_cost_linear_time() {
        let many = "<a ".repeat(20_000);
        assert_eq!(visible(&many).chars().count(), many.chars().count());
        let long_attr = format!("<img alt=\"{}\">", "长".repeat(2_000));
        assert!(visible(&long_attr).starts_with("<img"));
    }

    #[test]
    fn unterminated_tag_is_text() {
        assert_eq!(visible("<b 最好"), "<b 最好");
        assert_eq!(visible("<img alt=\"最好"), "<img alt=\"最好");
    }
}
