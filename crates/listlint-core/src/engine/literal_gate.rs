//! A literal check that answers "no match" before a regex is run.
//!
//! Most `field_matches` conditions of the shipped packs look for a
//! registration number or a phrase (`国药准字\s*[HZ…]\s*\d{8}`,
//! `械\s*(注准|注进|…)\s*\d{4}`) that nearly no listing has, and a
//! category condition asks them of every listing's title, subtitle and
//! description. Every match of such a regex starts (or ends) with one of a
//! few literals; when none of them is in the text, the regex cannot match,
//! and a SIMD substring search per literal (at most three) says
//! so for less than the regex's own call costs (its cache taken from a
//! pool, its search set up). The regex must be one compiled with default
//! flags: the gate reads its text as `Regex::new` does.

use memchr::memmem::Finder;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Most literals a gate searches for one by one: each is a pass over the
/// text, so more are cut to the prefix (or suffix) they share, and a regex
/// whose literals share none is run without a gate.
const MAX_LITERALS: usize = 3;

/// Literals one of which every match of a regex contains.
#[derive(Clone)]
pub struct LiteralGate {
    finders: Vec<Finder<'static>>,
}

impl std::fmt::Debug for LiteralGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.finders.iter().map(|finder| finder.needle()))
            .finish()
    }
}

impl LiteralGate {
    /// The gate of `regex` (a regex that compiles with default flags), if
    /// its matches all start or all end with one of a finite set of
    /// non-empty literals, searched for as they are or, when there are more
    /// than three, by the part they all share at that end.
    pub fn of(regex: &str) -> Option<Self> {
        let hir = regex_syntax::Parser::new().parse(regex).ok()?;
        [ExtractKind::Prefix, ExtractKind::Suffix]
            .into_iter()
            .find_map(|kind| {
                let literals = literals_at(&hir, kind.clone())?;
                Self::searching(literals, kind)
            })
    }

    fn searching(literals: Vec<Vec<u8>>, kind: ExtractKind) -> Option<Self> {
        let needles = if literals.len() <= MAX_LITERALS {
            literals
        } else {
            let shared = match kind {
                ExtractKind::Suffix => common_suffix(&literals),
                _ => common_prefix(&literals),
            };
            if shared.is_empty() {
                return None;
            }
            vec![shared.to_vec()]
        };
        let finders = needles
            .iter()
            .map(|needle| Finder::new(needle).into_owned())
            .collect();
        Some(Self { finders })
    }

    /// Whether `text` holds one of the literals, so that the regex may
    /// match it; `false` means it cannot.
    #[inline]
    pub fn may_match(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.finders
            .iter()
            .any(|finder| finder.find(bytes).is_some())
    }
}

/// The literals every match of `hir` starts (`Prefix`) or ends (`Suffix`)
/// with, if there is a finite set of non-empty ones.
fn literals_at(hir: &regex_syntax::hir::Hir, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor.kind(kind);
    let seq = extractor.extract(hir);
    let literals: Vec<Vec<u8>> = seq
        .literals()?
        .iter()
        .map(|l| l.as_bytes().to_vec())
        .collect();
    (!literals.is_empty() && literals.iter().all(|l| !l.is_empty())).then_some(literals)
}

/// The literals, as text, a match of `regex` must start (or else end)
/// with, if there is a finite set of non-empty ones: the keywords a
/// pattern rule without its own is scanned for.
pub fn literal_keywords(regex: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(regex).ok()?;
    [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .find_map(|kind| {
            literals_at(&hir, kind)?
                .into_iter()
                .map(|l| String::from_utf8(l).ok())
                .collect()
        })
}

fn common_prefix(literals: &[Vec<u8>]) -> &[u8] {
    let first = &literals[0];
    let len = literals[1..].iter().fold(first.len(), |len, l| {
        first[..len]
            .iter()
            .zip(l)
            .take_while(|(a, b)| a == b)
            .count()
    });
    &first[..len]
}

fn common_suffix(literals: &[Vec<u8>]) -> &[u8] {
    let first = &literals[0];
    let len = literals[1..].iter().fold(first.len(), |len, l| {
        first[first.len() - len..]
            .iter()
            .rev()
            .zip(l.iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
    });
    &first[first.len() - len..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(regex: &str) -> Option<Vec<String>> {
        LiteralGate::of(regex).map(|gate| {
            gate.finders
                .iter()
                .map(|f| String::from_utf8_lossy(f.needle()).into_owned())
                .collect()
        })
    }

    #[test]
    fn gates_search_for_what_every_match_starts_or_ends_with() {
        assert_eq!(
            needles(r"国药准字\s*[HZSJBTF]\s*\d{8}"),
            Some(vec!["国药准字".into()])
        );
        assert_eq!(
            needles("国食健|食健备|卫食健"),
            Some(vec!["国食健".into(), "食健备".into(), "卫食健".into()])
        );
        // Five literals share 械: one search for it.
        assert_eq!(needles("械(注准|注进|注许|备|字)"), Some(vec!["械".into()]));
        // Nothing fixed at the start; every match ends with 奶粉.
        assert_eq!(needles(r"\d+段奶粉"), Some(vec!["段奶粉".into()]));
        assert_eq!(needles(r"\d+"), None);
        assert_eq!(needles(r"\w+\s*\d"), None);
        // Too many literals with nothing in common: no gate.
        assert_eq!(needles("片|胶囊|颗粒|丸"), None);
    }

    #[test]
    fn a_closed_gate_means_the_regex_cannot_match() {
        let cases = [
            (
                r"国药准字\s*[HZSJBTF]\s*\d{8}",
                "国药准字 H12345678",
                "国药准 字H12345678",
            ),
            ("械(注准|注进|注许|备|字)", "粤械注准20202140001", "械 注准"),
            (r"(?i)iso\s*9001", "ISO 9001 认证", "ISO-9001"),
            (r"\d+段奶粉", "3段奶粉", "奶粉3段"),
        ];
        for (regex, matching, other) in cases {
            let gate = LiteralGate::of(regex).expect("a gate");
            let compiled = regex::Regex::new(regex).expect("compiles");
            assert!(
                compiled.is_match(matching) && gate.may_match(matching),
                "{regex}"
            );
            assert!(!compiled.is_match(other), "{regex}");
            // Text without any of the literals never matches.
            for text in ["", "普通商品标题", "<p>description</p>"] {
                assert!(!gate.may_match(text), "{regex} on {text}");
                assert!(!compiled.is_match(text), "{regex} on {text}");
            }
        }
    }
}
