//! Inline suppressions: a catalog file (one listing) may carry
//! `listlint: ignore[RULE] REASON` directives, as a YAML comment
//! (`# listlint: ignore[absolute/superlative] 理由：品牌名`) or as the value
//! of a top-level `listlint` key (a string or a list of strings). Each
//! suppresses the findings of one rule (an id, or a whole-segment id
//! prefix as in waivers) on that listing.
//!
//! They are reviewed like waivers: a directive without a reason is an
//! `input/suppression-without-reason` error and suppresses nothing; one
//! that cannot be read is an `input/invalid-suppression` error; one that
//! suppresses nothing although its rule ran is an
//! `input/unused-suppression` warning (so is one naming no loaded rule).
//! Findings of these three rules are never suppressed themselves.
//!
//! The reader finds the directives ([`scan_comments`], [`parse`]); the
//! pipeline applies them to the listing's findings ([`apply`]) before
//! waivers, the baseline and the report.

use std::sync::Arc;

use crate::config::rule_matches;
use crate::engine::Ruleset;
use crate::listing::{InputProblem, Listing};
use crate::model::{Finding, Severity};

/// The rule of a directive without a reason.
pub const WITHOUT_REASON: &str = "input/suppression-without-reason";
/// The rule of a directive that cannot be read.
pub const INVALID: &str = "input/invalid-suppression";
/// The rule of a suppression that suppressed nothing.
pub const UNUSED: &str = "input/unused-suppression";

/// What introduces a directive, in a comment or as the key's value.
pub const KEY: &str = "listlint";

/// Most directives one listing may carry; more are one
/// `input/invalid-suppression` error each and are not applied (a catalog
/// file is one listing: a few are normal).
pub const MAX_DIRECTIVES: usize = 64;

/// One suppression as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The rule id or whole-segment id prefix it suppresses.
    pub rule: String,
    /// Why (required).
    pub reason: String,
    /// The file line it is written on.
    pub line: u64,
}

/// The directives of one listing: suppressions to apply and the problems
/// of those that cannot be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// Well-formed suppressions with a reason.
    pub suppressions: Vec<Suppression>,
    /// `(line, rule, message)` of each directive that is not applied.
    pub problems: Vec<(u64, &'static str, String)>,
}

impl Directives {
    /// Whether there is nothing to apply or report.
    pub fn is_empty(&self) -> bool {
        self.suppressions.is_empty() && self.problems.is_empty()
    }

    /// Reads one directive (`ignore[RULE] REASON`, the text after
    /// `listlint:`) written at `line`.
    pub fn add(&mut self, text: &str, line: u64) {
        if self.suppressions.len() + self.problems.len() >= MAX_DIRECTIVES {
            self.problems.push((
                line,
                INVALID,
                format!(
                    "line {line}: more than {MAX_DIRECTIVES} `listlint:` directives in one listing; this one is not applied"
                ),
            ));
            return;
        }
        match parse(text) {
            Ok(rules_and_reason) => {
                let (rules, reason) = rules_and_reason;
                if reason.is_empty() {
                    self.problems.push((
                        line,
                        WITHOUT_REASON,
                        format!(
                            "line {line}: `listlint: ignore[{}]` gives no reason, so it suppresses nothing; write why after the bracket (`listlint: ignore[{}] 理由：…`)",
                            rules.join(", "),
                            rules.join(", ")
                        ),
                    ));
                    return;
                }
                for rule in rules {
                    self.suppressions.push(Suppression {
                        rule,
                        reason: reason.clone(),
                        line,
                    });
                }
            }
            Err(why) => self.problems.push((
                line,
                INVALID,
                if text.trim().is_empty() {
                    format!("line {line}: a `listlint:` directive must be text (`ignore[RULE] REASON`); it suppresses nothing")
                } else {
                    format!(
                        "line {line}: `listlint: {}` {why}; it suppresses nothing",
                        text.trim()
                    )
                },
            )),
        }
    }
}

/// Splits `ignore[RULE, …] REASON` into the rules and the reason (a
/// leading `理由：`, `理由:` or `reason:` taken off; empty when none).
pub fn parse(text: &str) -> Result<(Vec<String>, String), &'static str> {
    let text = text.trim();
    let Some(rest) = text.strip_prefix("ignore") else {
        return Err("is not a directive listlint knows (`ignore[RULE] REASON`)");
    };
    let Some(rest) = rest.trim_start().strip_prefix('[') else {
        return Err("names no rule (`ignore[RULE] REASON`)");
    };
    let Some((inside, reason)) = rest.split_once(']') else {
        return Err("does not close its `[`");
    };
    let rules: Vec<String> = inside
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    if rules.is_empty() {
        return Err("names no rule inside `[]`");
    }
    if let Some(bad) = rules.iter().find(|r| r.chars().any(char::is_whitespace)) {
        return Err(if bad.is_empty() {
            "names an empty rule"
        } else {
            "has a rule id with a space in it"
        });
    }
    let mut reason = reason.trim();
    for label in ["理由：", "理由:", "reason:", "Reason:", "原因：", "原因:"] {
        if let Some(rest) = reason.strip_prefix(label) {
            reason = rest.trim();
            break;
        }
    }
    Ok((rules, reason.to_owned()))
}

/// The `listlint:` directives in the comments of YAML text whose first
/// line is file line `first_line`: a comment on a line of its own, or
/// after a value (`title: … # listlint: …`, the `#` preceded by a space
/// and outside quotes).
pub fn scan_comments(yaml: &str, first_line: u64, out: &mut Directives) {
    for (n, line) in yaml.lines().enumerate() {
        let Some(comment) = comment_of(line) else {
            continue;
        };
        let Some(body) = comment.trim_start().strip_prefix(KEY) else {
            continue;
        };
        let Some(body) = body.trim_start().strip_prefix(':') else {
            continue;
        };
        out.add(body, first_line + n as u64);
    }
}

/// The text after the `#` that starts a YAML comment on `line`, if any.
fn comment_of(line: &str) -> Option<&str> {
    let (mut single, mut double) = (false, false);
    let mut previous = None;
    for (at, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && previous != Some('\\') => double = !double,
            '#' if !single && !double && previous.is_none_or(|p: char| p == ' ' || p == '\t') => {
                return Some(&line[at + 1..]);
            }
            _ => {}
        }
        previous = Some(c);
    }
    None
}

/// A suppression as applied, for `--report-suppressions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The file of the listing.
    pub file: Arc<str>,
    /// The listing id, if it has one.
    pub listing_id: Option<String>,
    /// The suppression.
    pub suppression: Suppression,
    /// How many findings it suppressed.
    pub suppressed: u64,
}

/// Applies a listing's directives to its findings: removes those a
/// suppression covers, and adds a finding for each directive that is not
/// applied and each suppression that suppressed nothing although its rule
/// ran (or that names no loaded rule). Returns the suppressions applied.
pub fn apply(
    ruleset: &Ruleset,
    listing: &Listing,
    directives: &Directives,
    findings: &mut Vec<Finding>,
) -> Vec<Applied> {
    let mut counts = vec![0u64; directives.suppressions.len()];
    findings.retain(|f| {
        if is_own(&f.rule) {
            return true;
        }
        match directives
            .suppressions
            .iter()
            .position(|s| rule_matches(&s.rule, &f.rule))
        {
            Some(i) => {
                counts[i] += 1;
                false
            }
            None => true,
        }
    });
    let mut problems: Vec<(u64, &'static str, String, Severity)> = directives
        .problems
        .iter()
        .map(|(line, rule, message)| (*line, *rule, message.clone(), Severity::Error))
        .collect();
    for (s, &count) in directives.suppressions.iter().zip(&counts) {
        if count > 0 {
            continue;
        }
        let runs = ruleset.rules.iter().any(|r| rule_matches(&s.rule, &r.id))
            || crate::listing::INPUT_RULES
                .iter()
                .any(|id| rule_matches(&s.rule, id));
        let loaded = ruleset
            .settings
            .loaded_rules
            .iter()
            .any(|id| rule_matches(&s.rule, id));
        let message = if runs {
            format!(
                "line {}: `listlint: ignore[{}]` suppresses nothing: no finding of `{}` on this listing; remove it",
                s.line, s.rule, s.rule
            )
        } else if !loaded {
            let known = ruleset
                .settings
                .loaded_rules
                .iter()
                .map(|id| &**id)
                .chain(ruleset.rules.iter().map(|r| &*r.id));
            let hint = crate::suggest::did_you_mean(&s.rule, known)
                .map(|id| format!(" (did you mean `{id}`?)"))
                .unwrap_or_default();
            format!(
                "line {}: `listlint: ignore[{}]` suppresses nothing: `{}` is not a loaded rule{hint}",
                s.line, s.rule, s.rule
            )
        } else {
            // A loaded rule this run does not run (`--select`, off by
            // default): it may suppress something in another run.
            continue;
        };
        problems.push((s.line, UNUSED, message, Severity::Warning));
    }
    problems.sort_by_key(|p| p.0);
    for (line, rule, message, severity) in problems {
        let placed = Listing {
            file: listing.file.clone(),
            line,
            record: listing.record,
            fields: listing
                .fields
                .iter()
                .filter(|(name, _)| &**name == "id")
                .cloned()
                .collect(),
            problems: vec![InputProblem {
                rule,
                severity,
                message,
                field: None,
            }],
            ..Listing::default()
        };
        let help: Arc<str> = Arc::from(match rule {
            UNUSED => "remove the directive, or correct its rule id",
            _ => "write the directive as `# listlint: ignore[RULE] REASON` (a reason is required)",
        });
        findings.extend(ruleset.input_findings(&placed).into_iter().map(|mut f| {
            f.help = Some(help.clone());
            f
        }));
    }
    directives
        .suppressions
        .iter()
        .zip(counts)
        .map(|(s, suppressed)| Applied {
            file: listing.file.clone(),
            listing_id: listing.id().map(str::to_owned),
            suppression: s.clone(),
            suppressed,
        })
        .collect()
}

/// Whether `rule` is one of the rules of directives themselves.
fn is_own(rule: &str) -> bool {
    rule == WITHOUT_REASON || rule == INVALID || rule == UNUSED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_and_reasons() {
        assert_eq!(
            parse("ignore[absolute/superlative] 理由：品牌名"),
            Ok((vec!["absolute/superlative".to_owned()], "品牌名".to_owned()))
        );
        assert_eq!(
            parse(" ignore[a/b, c/] reason: brand"),
            Ok((vec!["a/b".to_owned(), "c/".to_owned()], "brand".to_owned()))
        );
        assert_eq!(
            parse("ignore[a/b] 理由："),
            Ok((vec!["a/b".to_owned()], String::new()))
        );
        assert!(parse("ignor[a/b] x").is_err());
        assert!(parse("ignore a/b x").is_err());
        assert!(parse("ignore[a/b x").is_err());
        assert!(parse("ignore[] x").is_err());
    }

    #[test]
    fn comments_outside_quotes_only() {
        let mut d = Directives::default();
        scan_comments(
            "# listlint: ignore[a/b] r1\ntitle: \"x # listlint: ignore[c/d] no\"\nsub: y  # listlint: ignore[e/f] r3\nurl: a#listlint: ignore[g/h] no\n",
            1,
            &mut d,
        );
        let found: Vec<(&str, u64)> = d
            .suppressions
            .iter()
            .map(|s| (s.rule.as_str(), s.line))
            .collect();
        assert_eq!(found, [("a/b", 1), ("e/f", 3)]);
    }
}
