//! Proper names in listing text, inside which wording is not a claim.
//!
//! A term of a `lexicon` or `pattern` rule that lies inside a name names
//! something; it does not describe the goods (《广告绝对化用语执法指南》第六条
//! (四): a trade mark or product name that contains an absolute term, used
//! to refer to the goods). Two kinds of names are recognised in every
//! scanned field:
//!
//! * the listing's own names: its `brand` field (each of the spellings a
//!   value such as `CHANDO/自然堂` lists, and the whole value), its `shop`
//!   field (also without a trailing 旗舰店 / 专卖店 …), and the brands of
//!   `listlint.yaml` (`brands.own`, `brands.authorised`). A hit is inside
//!   such a name only when the name is longer than the hit: a brand that is
//!   nothing but an absolute word (至尊, 第一) is still reported;
//! * a title of a work between 《》 or 〈〉 (a book, a film, a song:
//!   《最好的时光》), on one line and at most [`MAX_WORK_TITLE`] characters.
//!
//! A pack can also declare, with `title_is_name`, when a listing's whole
//! title is a name (see [`super::Rule::title_is_name`]).

use crate::text::normalize::{normalize_term, NormChar, Normalized};

/// The longest text between 《 and 》 read as the title of a work, in
/// normalised characters.
pub const MAX_WORK_TITLE: usize = 40;

/// Trailing words of a shop name that say what kind of shop it is: the
/// name before them is the seller's name (自然堂旗舰店 → 自然堂). Longest first.
const SHOP_SUFFIXES: &[&str] = &[
    "官方旗舰店",
    "品牌旗舰店",
    "旗舰店",
    "官方店",
    "专卖店",
    "专营店",
    "直营店",
    "品牌店",
    "企业店",
    "工作室",
    "小店",
    "店铺",
    "店",
];

/// Characters that separate the spellings of one brand in a `brand` field:
/// `CHANDO/自然堂`, `欧莱雅（L'OREAL）`, `A|B`.
fn separates_spellings(c: char) -> bool {
    matches!(
        c,
        '/' | '／'
            | '|'
            | '｜'
            | '、'
            | ','
            | '，'
            | ';'
            | '；'
            | '('
            | ')'
            | '（'
            | '）'
            | '['
            | ']'
            | '【'
            | '】'
    )
}

/// The listing's own names, normalised like text.
#[derive(Debug, Default, Clone)]
pub struct OwnNames {
    names: Vec<String>,
}

impl OwnNames {
    /// The names of a listing whose `brand` and `shop` fields are `brand`
    /// and `shop`, with the configured brands (already normalised).
    pub fn new(brand: Option<&str>, shop: Option<&str>, configured: &[String]) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut add = |name: String| {
            if name.chars().count() >= 2 && !names.contains(&name) {
                names.push(name);
            }
        };
        if let Some(brand) = brand {
            add(normalize_term(brand));
            for part in brand.split(separates_spellings) {
                add(normalize_term(part));
            }
        }
        if let Some(shop) = shop {
            let shop = normalize_term(shop);
            if let Some(stem) = SHOP_SUFFIXES.iter().find_map(|s| shop.strip_suffix(s)) {
                add(stem.to_owned());
            }
            add(shop);
        }
        for name in configured {
            add(name.clone());
        }
        Self { names }
    }

    /// Whether there is no own name.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The brackets that open a title of a work: 《 and 〈.
const OPEN_WORK: &str = "《";
const OPEN_CHAPTER: &str = "〈";

/// Appends the titles of works in `chars` (which start at character
/// `offset` of their text) to `spans`, as character ranges of the text:
/// from an opening bracket to its closing one on the same line, at most
/// [`MAX_WORK_TITLE`] characters between them.
fn work_titles(chars: &[NormChar], offset: usize, spans: &mut Vec<(usize, usize)>) {
    let mut open: Option<(usize, char)> = None;
    for (i, c) in (offset..).zip(chars) {
        match (c.ch, open) {
            ('《', _) => open = Some((i, '》')),
            ('〈', _) => open = Some((i, '〉')),
            ('\n', _) => open = None,
            (ch, Some((start, close))) if ch == close => {
                if i - start - 1 <= MAX_WORK_TITLE {
                    spans.push((start, i + 1));
                }
                open = None;
            }
            _ => {}
        }
    }
}

/// The names in one field's normalised text, as character ranges.
#[derive(Debug, Default)]
pub struct NameSpans {
    spans: Vec<(usize, usize)>,
}

impl NameSpans {
    /// Finds the names in `text`: occurrences of `own` and titles of works.
    pub fn find(&mut self, text: &Normalized, own: &OwnNames) {
        self.spans.clear();
        for name in &own.names {
            for (byte, _) in text.text.match_indices(name.as_str()) {
                self.spans.push(text.char_range(byte, byte + name.len()));
            }
        }
        // Titles of works start at the first opening bracket: the
        // characters before it (most texts have none) are not walked.
        let bytes = text.text.as_bytes();
        let first_open = [OPEN_WORK, OPEN_CHAPTER]
            .iter()
            .filter_map(|bracket| memchr::memmem::find(bytes, bracket.as_bytes()))
            .min();
        let Some(first_open) = first_open else {
            return;
        };
        let (from, _) = text.char_range(first_open, first_open);
        work_titles(&text.chars[from..], from, &mut self.spans);
    }

    /// Whether the hit `[first, last)` lies inside a name longer than it.
    pub fn covers(&self, first: usize, last: usize) -> bool {
        self.spans
            .iter()
            .any(|&(a, b)| a <= first && last <= b && b - a > last - first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::Normalizer;

    fn spans(text: &str, own: &OwnNames) -> Vec<(usize, usize)> {
        let mut normalized = Normalized::default();
        Normalizer::new().normalize_into(text, &mut normalized);
        let mut spans = NameSpans::default();
        spans.find(&normalized, own);
        spans.spans
    }

    #[test]
    fn brand_spellings_shop_stems_and_configured_brands_are_names() {
        let own = OwnNames::new(
            Some("CHANDO/自然堂"),
            Some("第一江南旗舰店"),
            &["至尊".into()],
        );
        assert_eq!(
            own.names,
            [
                "chando自然堂",
                "chando",
                "自然堂",
                "第一江南",
                "第一江南旗舰店",
                "至尊"
            ]
        );
        // One-character names never count.
        assert!(OwnNames::new(Some("A"), Some("店"), &[]).is_empty());
    }

    #[test]
    fn names_and_work_titles_are_found_and_cover_shorter_hits_only() {
        let own = OwnNames::new(Some("第一江南"), None, &["至尊".into()]);
        let found = spans("第一江南 大米 至尊 《最好的时光》", &own);
        assert_eq!(found, [(0, 4), (6, 8), (8, 15)]);
        let names = NameSpans { spans: found };
        assert!(names.covers(0, 2)); // 第一 in 第一江南
        assert!(!names.covers(6, 8)); // 至尊 is the whole name
        assert!(names.covers(9, 11)); // 最好 in 《最好的时光》
        assert!(!names.covers(3, 6));
    }

    proptest::proptest! {
        /// Starting at the first opening bracket finds the titles a walk
        /// over every character finds.
        #[test]
        fn work_titles_are_those_of_a_walk_over_every_character(
            text in "[《》〈〉好\n a]{0,60}",
        ) {
            let mut normalized = Normalized::default();
            Normalizer::new().normalize_into(&text, &mut normalized);
            let mut walked = Vec::new();
            work_titles(&normalized.chars, 0, &mut walked);
            proptest::prop_assert_eq!(spans(&text, &OwnNames::default()), walked);
        }
    }

    #[test]
    fn work_titles_end_on_their_line_and_within_the_limit() {
        assert!(spans("《最好\n的时光》", &OwnNames::default()).is_empty());
        let long = format!("《{}》", "好".repeat(MAX_WORK_TITLE + 1));
        assert!(spans(&long, &OwnNames::default()).is_empty());
        let fits = format!("〈{}〉", "好".repeat(MAX_WORK_TITLE));
        assert_eq!(spans(&fits, &OwnNames::default()).len(), 1);
    }
}
