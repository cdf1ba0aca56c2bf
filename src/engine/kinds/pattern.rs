//! Kind `pattern`: a regular expression over the normalised text of a field.
//!
//! The regex only runs on a field where one of its keywords occurred in the
//! shared automaton's scan. Keywords are given in the rule or drawn from the
//! regex itself: the literals every match must start with (or, failing that,
//! end with). A regex with neither needs `keywords`.

use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use crate::engine::normalize::Normalized;

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
pub fn find_matches(pattern: &Pattern, text: &Normalized, out: &mut Vec<(usize, usize)>) {
    for m in pattern.regex.find_iter(&text.text) {
        if m.start() == m.end() {
            continue;
        }
        out.push(text.char_range(m.start(), m.end()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
