//! `--select` / `--ignore`: which rules run.

/// Which rules are enabled, from `--select` and `--ignore` tokens.
///
/// A token matches a rule when it equals the rule id, is a prefix of it made
/// of whole `/`-separated segments (`absolute` or `absolute/` selects every
/// `absolute/…` rule; `absolute/super` selects nothing), or equals the rule's
/// category or pack name. With no select tokens every rule is
/// selected; ignore wins over select.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFilter {
    select: Vec<String>,
    ignore: Vec<String>,
    only_packs: Option<Vec<String>>,
}

impl RuleFilter {
    /// Builds a filter from comma-separated token lists.
    pub fn new<S: AsRef<str>>(select: &[S], ignore: &[S]) -> Self {
        Self {
            select: split_tokens(select),
            ignore: split_tokens(ignore),
            only_packs: None,
        }
    }

    /// A filter that enables only the rules of these packs, opt-in rules
    /// included (for running a pack's examples and tests).
    pub fn only_packs<S: Into<String>>(packs: impl IntoIterator<Item = S>) -> Self {
        Self {
            only_packs: Some(packs.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }

    /// Whether a rule that is off by default (`enabled: false`) runs: when
    /// `--select` names it by id or id prefix (a category or pack name is
    /// not enough), or when the filter runs one pack's examples.
    pub fn opts_in(&self, id: &str) -> bool {
        self.only_packs.is_some() || self.select.iter().any(|t| matches(t, id, "", ""))
    }

    /// Whether a rule with this id, category and pack runs.
    pub fn enabled(&self, id: &str, category: &str, pack: &str) -> bool {
        self.only_packs
            .as_ref()
            .is_none_or(|only| only.iter().any(|p| p == pack))
            && (self.select.is_empty()
                || self.select.iter().any(|t| matches(t, id, category, pack)))
            && !self.ignored(id, category, pack)
    }

    /// Whether `--ignore` names this id, category or pack. Findings about
    /// unreadable records (category `input`) are not rules: `--select` does
    /// not hide them, only `--ignore` does.
    pub fn ignored(&self, id: &str, category: &str, pack: &str) -> bool {
        self.ignore.iter().any(|t| matches(t, id, category, pack))
    }
}

fn matches(token: &str, id: &str, category: &str, pack: &str) -> bool {
    let id_prefix = id
        .strip_prefix(token)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || token.ends_with('/'));
    id_prefix || token == category || token == pack
}

impl RuleFilter {
    /// The `--select` / `--ignore` tokens that match none of `known`
    /// (`(id, category, pack)` of every loaded rule), each with the closest
    /// known id, category or pack name if one is close.
    pub fn unmatched<'k>(
        &self,
        known: &[(&'k str, &'k str, &'k str)],
    ) -> Vec<(String, Option<&'k str>)> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|t| !known.iter().any(|(id, c, p)| matches(t, id, c, p)))
            .map(|t| {
                let names = known.iter().flat_map(|(id, c, p)| [*id, *c, *p]);
                (t.clone(), crate::suggest::did_you_mean(t, names))
            })
            .collect()
    }
}

fn split_tokens<S: AsRef<str>>(lists: &[S]) -> Vec<String> {
    lists
        .iter()
        .flat_map(|l| l.as_ref().split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_whole_segments() {
        let f = RuleFilter::new(&["claims/a"], &[] as &[&str]);
        assert!(!f.enabled("claims/authority", "claims", "p"));
        let f = RuleFilter::new(&["claims"], &[] as &[&str]);
        assert!(f.enabled("claims/authority", "c", "p"));
        let known = [("claims/authority", "claims", "cn-claims")];
        let unmatched = RuleFilter::new(&["claims/authorty", "claims"], &["x"]).unmatched(&known);
        assert_eq!(
            unmatched,
            [
                ("claims/authorty".to_owned(), Some("claims/authority")),
                ("x".to_owned(), None)
            ]
        );
    }

    #[test]
    fn select_by_prefix_category_and_pack_ignore_wins() {
        let f = RuleFilter::new(&["absolute/,claims"], &["absolute/number-one"]);
        assert!(f.enabled("absolute/superlative", "absolute-terms", "p"));
        assert!(!f.enabled("absolute/number-one", "absolute-terms", "p"));
        assert!(f.enabled("x/y", "claims", "p"));
        assert!(!f.enabled("x/y", "pricing", "p"));
        assert!(RuleFilter::default().enabled("x/y", "c", "p"));
        assert!(!RuleFilter::new(&[] as &[&str], &["cn-claims"]).enabled("x/y", "c", "cn-claims"));
    }
}
