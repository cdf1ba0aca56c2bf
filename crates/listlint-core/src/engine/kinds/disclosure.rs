//! Kind `disclosure`: promotion wording (a trigger such as 限时, 满减, 抽奖)
//! obliges the listing to disclose certain items (the time window, the
//! threshold, the quantity limit, the prize details …). Each item is
//! disclosed by a field (`promo_end`), by something a recogniser finds in
//! the text (a date range, `满300元`, `限量500件`), or by a disclosure term
//! (`中奖概率`). One finding per missing item, at the first trigger.
//!
//! With `window:`, the promotion's dates are checked against `--as-of`: an
//! end in the past while the listing still advertises the promotion, and an
//! end before the start. With `prize_cap_yuan`, a prize amount above the cap
//! is a finding.

pub(crate) mod kind;

use crate::date::Date;
use crate::listing::Listing;
use crate::money::Money;
use crate::recognize::{Moment, Recognized};

/// One item a promotion must disclose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its name, for messages (`活动时间`).
    pub name: String,
    /// Fields any of which discloses it.
    pub fields: Vec<String>,
    /// Recognisers any of which discloses it when it finds something.
    pub recognizers: Vec<String>,
    /// Whether the item has disclosure terms (found by the automaton).
    pub has_terms: bool,
}

/// Run-time data of a disclosure rule.
#[derive(Debug, Clone)]
pub struct Disclosure {
    /// Trigger terms as written.
    pub triggers: Vec<String>,
    /// Allow phrases for the triggers.
    pub allow: Vec<String>,
    /// Disclosure terms per item, as written.
    pub item_terms: Vec<Vec<String>>,
    /// What must be disclosed.
    pub items: Vec<Item>,
    /// Check an end in the past.
    pub past_end: bool,
    /// Check an end before the start.
    pub end_before_start: bool,
    /// Largest prize allowed, if checked.
    pub prize_cap: Option<Money>,
}

/// Where a disclosure finding points: a field and a character span in its
/// original value, or the trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The trigger occurrence.
    Trigger,
    /// A field value (trimmed), by name.
    Field(String),
    /// A span of a scanned field's original value.
    Text {
        /// Scan-field index.
        field_index: usize,
        /// Character span.
        span: (usize, usize),
    },
}

/// A disclosure problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub at: At,
    /// The item concerned, if any.
    pub item: Option<String>,
    /// What is wrong.
    pub detail: String,
}

/// What the engine found for one listing and rule.
pub struct Found<'a> {
    /// The listing.
    pub listing: &'a Listing,
    /// Recognised text of each scanned field the rule reads (`None`: absent
    /// or not read).
    pub texts: &'a [Option<&'a Recognized>],
    /// Whether each item's disclosure terms occurred.
    pub item_terms_found: &'a [bool],
    /// `--as-of`.
    pub as_of: Date,
    /// The trigger as written, for messages.
    pub trigger: &'a str,
}

fn field_value<'a>(listing: &'a Listing, name: &str) -> Option<&'a str> {
    listing.get(name).map(str::trim).filter(|v| !v.is_empty())
}

impl Disclosure {
    /// Checks a listing whose text contains one of the triggers.
    pub fn check(&self, found: &Found<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let recognized = || found.texts.iter().flatten();
        for (i, item) in self.items.iter().enumerate() {
            let by_field = item
                .fields
                .iter()
                .any(|f| field_value(found.listing, f).is_some());
            let by_text = item
                .recognizers
                .iter()
                .any(|r| recognized().any(|t| t.has(r)));
            let by_term = item.has_terms && found.item_terms_found.get(i).copied().unwrap_or(false);
            if !(by_field || by_text || by_term) {
                problems.push(Problem {
                    at: At::Trigger,
                    item: Some(item.name.clone()),
                    detail: format!("「{}」未标明{}", found.trigger, item.name),
                });
            }
        }
        if self.past_end || self.end_before_start {
            problems.extend(self.check_window(found));
        }
        if let Some(cap) = self.prize_cap {
            problems.extend(self.check_prizes(found, cap));
        }
        problems
    }

    fn check_window(&self, found: &Found<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let field_moment = |name: &str| -> Result<Option<(Moment, At)>, Problem> {
            let Some(text) = field_value(found.listing, name) else {
                return Ok(None);
            };
            match Date::parse(text) {
                Some(date) => Ok(Some((
                    Moment {
                        date,
                        minutes: None,
                    },
                    At::Field(name.to_owned()),
                ))),
                None => Err(Problem {
                    at: At::Field(name.to_owned()),
                    item: None,
                    detail: format!("`{name}` 的「{text}」无法识别为日期（应为 YYYY-MM-DD）"),
                }),
            }
        };
        let text_windows = || {
            found.texts.iter().enumerate().flat_map(|(field_index, t)| {
                t.iter()
                    .flat_map(move |r| r.windows.iter().map(move |w| (field_index, *w)))
            })
        };
        let end = match field_moment("promo_end") {
            Err(problem) => {
                problems.push(problem);
                None
            }
            Ok(Some(end)) => Some(end),
            Ok(None) => text_windows()
                .filter_map(|(fi, w)| {
                    w.end.map(|e| {
                        (
                            e,
                            At::Text {
                                field_index: fi,
                                span: w.span,
                            },
                        )
                    })
                })
                .max_by_key(|(e, _)| *e),
        };
        let start = match field_moment("promo_start") {
            Err(problem) => {
                problems.push(problem);
                None
            }
            Ok(Some(start)) => Some(start),
            Ok(None) => text_windows()
                .filter_map(|(fi, w)| {
                    w.start.map(|s| {
                        (
                            s,
                            At::Text {
                                field_index: fi,
                                span: w.span,
                            },
                        )
                    })
                })
                .min_by_key(|(s, _)| *s),
        };
        if let Some((end_moment, at)) = &end {
            if self.past_end && end_moment.date < found.as_of {
                problems.push(Problem {
                    at: at.clone(),
                    item: None,
                    detail: format!(
                        "活动已于{}结束（检查日期 {}），商品仍在宣传「{}」",
                        end_moment.date, found.as_of, found.trigger
                    ),
                });
            }
            if let (true, Some((start_moment, _))) = (self.end_before_start, &start) {
                if end_moment < start_moment && end_moment.date <= start_moment.date {
                    problems.push(Problem {
                        at: at.clone(),
                        item: None,
                        detail: format!(
                            "活动结束时间（{}）早于开始时间（{}）",
                            end_moment.date, start_moment.date
                        ),
                    });
                }
            }
        }
        problems
    }

    fn check_prizes(&self, found: &Found<'_>, cap: Money) -> Vec<Problem> {
        let largest = found
            .texts
            .iter()
            .enumerate()
            .flat_map(|(field_index, r)| {
                r.iter().flat_map(move |r| {
                    r.prize_amounts
                        .iter()
                        .map(move |&(m, span)| (m, field_index, span))
                })
            })
            .max_by_key(|(m, _, _)| *m);
        match largest {
            Some((money, field_index, span)) if money > cap => vec![Problem {
                at: At::Text { field_index, span },
                item: None,
                detail: format!("奖金或奖品金额 {money} 超过抽奖式有奖销售的上限 {cap}"),
            }],
            _ => Vec::new(),
        }
    }
}
