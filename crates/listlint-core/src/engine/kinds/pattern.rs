//! Kind `pattern`: a regular expression over the normalised text of a field.
//!
//! The regex only runs on a field where one of its keywords occurred in the
//! shared automaton's scan. Keywords are given in the rule or drawn from the
//! regex itself: the literals every match must start with (or, failing that,
//! end with). A regex with neither needs `keywords`.

use std::sync::Arc;

use regex::Regex;

use super::{register_allow, Kind, KindRule};
use crate::engine::compile::{allow_phrases, error_at};
pub use crate::engine::literal_gate::literal_keywords;
use crate::engine::matcher::{MatcherBuilder, PatternUse};
use crate::engine::pack_regex::{names_brand_group, PackRegex};
use crate::engine::when::compile_regex;
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError};
use crate::text::normalize::{normalize_term, term_problem, Normalized};

/// The `pattern` kind.
#[derive(Debug)]
pub(crate) struct PatternKind;

impl Kind for PatternKind {
    fn name(&self) -> &'static str {
        "pattern"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["pattern", "keywords", "suggestion", "fix", "allow"]
    }

    fn reads_text(&self) -> bool {
        true
    }

    fn placeholders(&self) -> &'static [&'static str] {
        &["match", "field"]
    }

    fn compile(&self, pack: &LoadedPack, def: &RuleDef) -> Result<Arc<dyn KindRule>, PackError> {
        Ok(Arc::new(compile_pattern(pack, def)?))
    }
}

/// Run-time data of a pattern rule.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The regex (over normalised text), compiled on first use for a
    /// shipped pack.
    pub regex: PackRegex,
    /// Normalised keywords that trigger the regex.
    pub keywords: Vec<String>,
    /// Replacement wording, if any.
    pub suggestion: Option<Arc<str>>,
    /// Allow phrases as written.
    pub allow: Vec<String>,
    /// Whether the regex has capture groups named `brand…`: a match whose
    /// brand is the listing's own is then dropped (see [`find_matches`]).
    pub brand_groups: bool,
}

impl KindRule for Pattern {
    fn kind(&self) -> &'static dyn Kind {
        &PatternKind
    }

    fn register(&self, rule: u32, matcher: &mut MatcherBuilder) {
        for keyword in &self.keywords {
            matcher.add(keyword, PatternUse::Keyword { rule });
        }
        register_allow(matcher, rule, &self.allow);
    }

    fn find_matches(
        &self,
        text: &Normalized,
        own_brand: &dyn Fn(&str) -> bool,
        out: &mut Vec<(usize, usize)>,
    ) {
        find_matches(self, text, own_brand, out);
    }

    fn hit_wording(&self, _term: Option<u32>) -> (Option<&str>, Option<&Arc<str>>) {
        (None, self.suggestion.as_ref())
    }
}

/// Whether a regex names a capture group `brand`, `brand2`, … .
pub fn has_brand_groups(regex: &Regex) -> bool {
    regex
        .capture_names()
        .flatten()
        .any(|name| name.starts_with("brand"))
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
        for m in pattern.regex.get().find_iter(&text.text) {
            if m.start() == m.end() {
                continue;
            }
            out.push(text.char_range(m.start(), m.end()));
        }
        return;
    }
    let regex = pattern.regex.get();
    let names: Vec<usize> = regex
        .capture_names()
        .enumerate()
        .filter(|(_, name)| name.is_some_and(|n| n.starts_with("brand")))
        .map(|(i, _)| i)
        .collect();
    for caps in regex.captures_iter(&text.text) {
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

fn compile_pattern(pack: &LoadedPack, def: &RuleDef) -> Result<Pattern, PackError> {
    let source = &pack.source;
    let id = &def.id.value;
    let Some(pattern) = &def.pattern else {
        return Err(error_at(
            source,
            &def.id,
            format!("pattern rule `{id}` has no `pattern`"),
            Some("give the regular expression under `pattern:`".into()),
        ));
    };
    // A shipped pack's regex is known to compile: it is compiled when a
    // keyword first occurs.
    let (regex, brand_groups) = if crate::pack::is_shipped(source) {
        let regex = PackRegex::deferred(&pattern.value);
        (regex, names_brand_group(&pattern.value))
    } else {
        let regex = compile_regex(source, pattern)?;
        let brand_groups = has_brand_groups(&regex);
        (PackRegex::compiled(regex), brand_groups)
    };
    let keywords: Vec<String> = if def.keywords.is_empty() {
        literal_keywords(&pattern.value).ok_or_else(|| {
            error_at(
                source,
                pattern,
                format!("pattern rule `{id}`: no literal text to look for before running the regex"),
                Some(
                    "add `keywords:`, words one of which occurs in every match, so the regex only runs where they do"
                        .into(),
                ),
            )
        })?
    } else {
        def.keywords.clone()
    };
    if let Some((keyword, problem)) = keywords
        .iter()
        .find_map(|k| term_problem(k).map(|p| (k, p)))
    {
        return Err(error_at(
            source,
            pattern,
            format!("pattern rule `{id}`: keyword {keyword:?} {problem}"),
            None,
        ));
    }
    let keywords: Vec<String> = keywords.iter().map(|k| normalize_term(k)).collect();
    Ok(Pattern {
        brand_groups,
        regex,
        keywords,
        suggestion: def.suggestion.as_deref().map(Arc::from),
        allow: allow_phrases(pack, def)?,
    })
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
