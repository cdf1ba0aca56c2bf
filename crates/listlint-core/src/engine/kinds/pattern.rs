//! Kind `pattern`: a regular expression over the normalised text of a field.
//!
//! The regex only runs on a field where one of its keywords occurred in the
//! shared automaton's scan. Keywords are given in the rule or drawn from the
//! regex itself: the literals every match must start with (or, failing that,
//! end with). A regex with neither needs `keywords`.

use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use crate::text::normalize::{normalize_term, Normalized};

/// Run-time data of a pattern rule.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The compiled regex (over normalised text).
    pub regex: Regex,
    /// Normalised keywords that trigger the regex.
    pub keywords: Vec<String>,
    /// Replacement wording, if any.
    pub suggestion: Option<std::sync::Arc<str>>,
    /// Allow phrases as written.
    pub allow: Vec<String>,
    /// Whether the regex has capture groups named `brand…`: a match whose
    /// brand is the listing's own is then dropped (see [`find_matches`]).
    pub brand_groups: bool,
}

/// Whether a regex names a capture group `brand`, `brand2`, … .
pub fn has_brand_groups(regex: &Regex) -> bool {
    regex
        .capture_names()
        .flatten()
        .any(|name| name.starts_with("brand"))
}

/// The literals a match of `regex` must start (or else end) with, if there
/// is a finite set of non-empty ones.
pub fn literal_keywords(regex: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(regex).ok()?;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut extractor = Extractor::new();
        extractor.kind(kind);
        let seq = extractor.extract(&hir);
        let Some(literals) = seq.literals() else {
            continue;
        };
        let words: Option<Vec<String>> = literals
            .iter()
            .map(|l| std::str::from_utf8(l.as_bytes()).ok().map(str::to_owned))
            .collect();
        if let Some(words) = words {
            if !words.is_empty() && words.iter().all(|w| !w.is_empty()) {
                return Some(words);
            }
        }
    }
    None
}

/// Runs the regex over a field's normalised text; yields the matched
/// character ranges `[first, last)` of [`Normalized::chars`].
///
/// For a regex with `brand…` groups, a match is dropped when `own_brand`
/// says the (normalised) text of one of those groups names one of the
/// listing's own or authorised brands.
pub fn find_matches(
    pattern: &Pattern,
    text: &Normalized,
    own_brand: &dyn Fn(&str) -> bool,
    out: &mut Vec<(usize, usize)>,
) {
    if !pattern.brand_groups {
        for m in pattern.regex.find_iter(&text.text) {
            if m.start() == m.end() {
                continue;
            }
            out.push(text.char_range(m.start(), m.end()));
        }
        return;
    }
    let names: Vec<usize> = pattern
        .regex
        .capture_names()
        .enumerate()
        .filter(|(_, name)| name.is_some_and(|n| n.starts_with("brand")))
        .map(|(i, _)| i)
        .collect();
    for caps in pattern.regex.captures_iter(&text.text) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() {
            continue;
        }
        let own = names
            .iter()
            .filter_map(|&i| caps.get(i))
            .any(|brand| own_brand(brand.as_str()));
        if !own {
            out.push(text.char_range(m.start(), m.end()));
        }
    }
}

/// The brands a listing counts as its own: its `brand` field and the
/// configured own and authorised brands, all normalised like text.
#[derive(Debug, Default)]
pub struct OwnBrands<'a> {
    /// The listing's `brand` field as written.
    pub field: Option<&'a str>,
    /// Configured brands, normalised.
    pub configured: &'a [String],
    /// The field, normalised on first use.
    normalized: std::cell::OnceCell<String>,
}

impl<'a> OwnBrands<'a> {
    /// The own brands of a listing whose `brand` field is `field`.
    pub fn new(field: Option<&'a str>, configured: &'a [String]) -> Self {
        Self {
            field,
            configured,
            normalized: std::cell::OnceCell::new(),
        }
    }

    /// Whether `brand` (normalised text of a `brand…` group) names one of
    /// them: one contains the other, so `自然堂` matches the field value
    /// `CHANDO/自然堂`. Names shorter than two characters never match.
    pub fn contains(&self, brand: &str) -> bool {
        let brand = brand.trim();
        if brand.chars().count() < 2 {
            return false;
        }
        let matches =
            |own: &str| own.chars().count() >= 2 && (own.contains(brand) || brand.contains(own));
        let field = self
            .normalized
            .get_or_init(|| self.field.map(normalize_term).unwrap_or_default());
        matches(field) || self.configured.iter().any(|own| matches(own))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_brands_match_either_way_and_ignore_short_names() {
        let configured = ["雅诗兰黛".to_owned(), "x".to_owned()];
        let own = OwnBrands::new(Some("CHANDO/自然堂"), &configured);
        assert!(own.contains("自然堂"));
        assert!(own.contains("chando"));
        assert!(own.contains("雅诗兰黛"));
        assert!(!own.contains("兰蔻"));
        assert!(!own.contains("x"));
        let none = OwnBrands::default();
        assert!(!none.contains("香奈儿"));
    }

    #[test]
    fn keywords_come_from_prefixes_or_suffixes() {
        assert_eq!(
            literal_keywords("(最|顶)级品质"),
            Some(vec!["最级品质".into(), "顶级品质".into()])
        );
        assert_eq!(literal_keywords(r"\d+天见效"), Some(vec!["天见效".into()]));
        assert_eq!(literal_keywords(r"\d+"), None);
        assert_eq!(
            literal_keywords(r"销量第一|全网第一"),
            Some(vec!["销量第一".into(), "全网第一".into()])
        );
    }
}
