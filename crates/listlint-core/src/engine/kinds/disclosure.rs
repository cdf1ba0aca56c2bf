//! Kind `disclosure`: promotion wording (a trigger such as 限时, 满减, 抽奖)
//! obliges the listing to disclose certain items (the time window, the
//! threshold, the quantity limit, the prize details …). Each item is
//! disclosed by a field (`promo_end`), by something a recogniser finds in
//! the text (a date range, `满300元`, `限量500件`), or by a disclosure term
//! (`中奖概率`). One finding per missing item, at the first trigger.
//!
//! A recogniser can stand for a trigger (`trigger_recognizers`): an offer
//! written in numbers (`满300减50`, `买2送1`) has no trigger word.
//!
//! With `window:`, the promotion's dates are checked against `--as-of`: an
//! end in the past while the listing still advertises the promotion, an
//! end before the start, and urgency wording that the dates contradict
//! (`ends_today`: 最后一天 with a later end; `one_day`: 仅限今日 with a
//! window longer than a day or ending later). With `from_fields`, the
//! `promo_start`/`promo_end` fields are checked without any trigger. With
//! `prize_cap_yuan`, what one purchase can win — the top prize, times the
//! draws one purchase gives, all prizes when one draw can win several — is
//! compared with the cap.

pub(crate) mod kind;

use std::sync::Arc;

use crate::date::Date;
use crate::listing::Listing;
use crate::money::Money;
use crate::recognize::{Moment, Recognition, RecognizedText};

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
    /// Recognisers whose finding counts as a trigger.
    pub trigger_recognizers: Vec<String>,
    /// Check the promotion fields even without a trigger.
    pub from_fields: bool,
    /// The trigger says the promotion ends on the check day.
    pub ends_today: bool,
    /// The trigger says the promotion lasts the check day only.
    pub one_day: bool,
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

/// The scanned fields a rule reads, each read by the recognisers part by
/// part as the checks ask (see [`Recognition`]).
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    listing: &'a Listing,
    /// The ruleset's scan fields.
    names: &'a [Arc<str>],
    /// Whether the rule reads each of them.
    scans: &'a [bool],
    /// What the recognisers found in each, so far.
    parts: &'a [Recognition],
    year: i32,
}

impl<'a> Texts<'a> {
    /// The fields of `names` that `scans` marks, read from `listing`
    /// through `parts` (one per name, kept for the listing); `year` fills
    /// dates written without one.
    pub fn new(
        listing: &'a Listing,
        names: &'a [Arc<str>],
        scans: &'a [bool],
        parts: &'a [Recognition],
        year: i32,
    ) -> Self {
        Self {
            listing,
            names,
            scans,
            parts,
            year,
        }
    }

    /// Scan field `field_index`, when the rule reads it and it has a
    /// value.
    pub fn get(&self, field_index: usize) -> Option<RecognizedText<'a>> {
        if !self.scans.get(field_index).copied().unwrap_or(false) {
            return None;
        }
        let value = self.listing.get(&self.names[field_index])?;
        let parts = self.parts.get(field_index)?;
        (!value.is_empty()).then(|| RecognizedText::new(value, self.year, parts))
    }

    /// Every field the rule reads that has a value, with its index among
    /// the scan fields, in their order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, RecognizedText<'a>)> + '_ {
        (0..self.names.len()).filter_map(|i| Some((i, self.get(i)?)))
    }

    /// The fields of [`Self::iter`], shortest first: for questions whose
    /// answer does not depend on the order the fields are read in (does
    /// any field disclose the window?), so that a long description is
    /// recognised only when no other field answers.
    pub fn shortest_first(&self) -> Vec<RecognizedText<'a>> {
        let mut texts: Vec<RecognizedText<'a>> = self.iter().map(|(_, t)| t).collect();
        texts.sort_by_key(|t| t.len());
        texts
    }
}

/// What the engine found for one listing and rule.
pub struct Found<'a> {
    /// The listing.
    pub listing: &'a Listing,
    /// The scanned fields the rule reads.
    pub texts: Texts<'a>,
    /// Whether each item's disclosure terms occurred.
    pub item_terms_found: &'a [bool],
    /// `--as-of`.
    pub as_of: Date,
    /// The trigger as written, for messages (empty when the rule runs on
    /// the promotion fields alone).
    pub trigger: &'a str,
}

/// The promotion field names the window checks read.
pub const WINDOW_FIELDS: [&str; 2] = ["promo_start", "promo_end"];

fn field_value<'a>(listing: &'a Listing, name: &str) -> Option<&'a str> {
    listing.get(name).map(str::trim).filter(|v| !v.is_empty())
}

impl Disclosure {
    /// Checks a listing whose text contains one of the triggers.
    pub fn check(&self, found: &Found<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let shortest_first = found.texts.shortest_first();
        let recognized = || shortest_first.iter();
        for (i, item) in self.items.iter().enumerate() {
            let by_field = || {
                item.fields
                    .iter()
                    .any(|f| field_value(found.listing, f).is_some())
            };
            let by_term =
                || item.has_terms && found.item_terms_found.get(i).copied().unwrap_or(false);
            // Recognising every field's text costs most: asked last.
            let by_text = || {
                item.recognizers
                    .iter()
                    .any(|r| recognized().any(|t| t.has(r)))
            };
            if !(by_field() || by_term() || by_text()) {
                problems.push(Problem {
                    at: At::Trigger,
                    item: Some(item.name.clone()),
                    detail: format!("「{}」未标明{}", found.trigger, item.name),
                });
            }
        }
        if self.checks_window() {
            problems.extend(self.check_window(found, true));
        }
        if let Some(cap) = self.prize_cap {
            problems.extend(self.check_prizes(found, cap));
        }
        problems
    }

    fn checks_window(&self) -> bool {
        self.past_end || self.end_before_start || self.ends_today || self.one_day
    }

    /// Checks a listing without a trigger whose promotion fields are
    /// filled in (for rules with `from_fields`): the window checks only.
    /// `advertised` says whether the listing still shows a promotion (a
    /// non-blank `promo_text`); an ended window is reported only then.
    pub fn check_fields(&self, found: &Found<'_>, advertised: bool) -> Vec<Problem> {
        if !self.checks_fields_of(found.listing) {
            return Vec::new();
        }
        self.check_window(found, advertised)
    }

    /// Whether [`Self::check_fields`] checks anything of `listing`: the
    /// rule has `from_fields` and window checks, and a promotion field is
    /// filled in.
    pub fn checks_fields_of(&self, listing: &Listing) -> bool {
        self.from_fields
            && self.checks_window()
            && WINDOW_FIELDS
                .iter()
                .any(|f| field_value(listing, f).is_some())
    }

    fn check_window(&self, found: &Found<'_>, advertised: bool) -> Vec<Problem> {
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
            found
                .texts
                .iter()
                .flat_map(|(field_index, t)| t.windows().iter().map(move |w| (field_index, *w)))
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
            if self.past_end && advertised && end_moment.date < found.as_of {
                let what = if found.trigger.is_empty() {
                    "促销信息".to_owned()
                } else {
                    format!("「{}」", found.trigger)
                };
                problems.push(Problem {
                    at: at.clone(),
                    item: None,
                    detail: format!(
                        "活动已于{}结束（检查日期 {}），商品仍在宣传{what}",
                        end_moment.date, found.as_of
                    ),
                });
            }
            let longer_than_a_day = start
                .as_ref()
                .filter(|(s, _)| s.date < end_moment.date)
                .map(|(s, _)| s.date);
            let ends_later = end_moment.date > found.as_of;
            if let (true, Some(start_date)) = (self.one_day, longer_than_a_day) {
                problems.push(Problem {
                    at: at.clone(),
                    item: None,
                    detail: format!(
                        "「{}」与活动时间不符：活动从{}持续到{}，不止一天",
                        found.trigger, start_date, end_moment.date
                    ),
                });
            } else if (self.one_day || self.ends_today) && ends_later {
                problems.push(Problem {
                    at: at.clone(),
                    item: None,
                    detail: format!(
                        "「{}」与活动时间不符：活动截至{}，检查日期 {} 不是最后一天",
                        found.trigger, end_moment.date, found.as_of
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

    /// What one purchase or one ticket can win, against the cap: the top
    /// prize; all prizes added up when one draw can win several; times the
    /// draws one purchase gives (the largest prizes once each when a buyer
    /// cannot win a prize twice).
    fn check_prizes(&self, found: &Found<'_>, cap: Money) -> Vec<Problem> {
        let mut prizes: Vec<(Money, usize, (usize, usize))> = found
            .texts
            .iter()
            .flat_map(|(field_index, r)| {
                r.prize_amounts()
                    .iter()
                    .map(move |&(m, span)| (m, field_index, span))
            })
            .collect();
        // Largest first; the first-written of equal amounts first.
        prizes.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let Some(&(top, field_index, span)) = prizes.first() else {
            return Vec::new();
        };
        let recognized = || found.texts.iter().map(|(_, t)| t);
        let draws = recognized()
            .filter_map(|r| r.draws_per_purchase())
            .max()
            .unwrap_or(1);
        let combine = recognized().any(|r| r.prizes_combine());
        let no_repeat = recognized().any(|r| r.no_repeat_win());
        let sum = |n: usize| Money(prizes.iter().take(n).map(|p| p.0 .0).sum());
        let per_draw = if combine { sum(prizes.len()) } else { top };
        let (total, how) = match (draws, combine, no_repeat) {
            (1, false, _) => (top, String::new()),
            (1, true, _) => (per_draw, "一次抽奖可同时获得多个奖项".to_owned()),
            (n, _, true) => (
                sum(n as usize),
                format!("一次购买可抽奖{n}次、各奖项限中一次"),
            ),
            (n, _, false) => (
                Money(per_draw.0.saturating_mul(i64::from(n))),
                format!("一次购买可抽奖{n}次，每次最多 {per_draw}"),
            ),
        };
        if total <= cap {
            return Vec::new();
        }
        let detail = if how.is_empty() {
            format!("奖金或奖品金额 {total} 超过抽奖式有奖销售的上限 {cap}")
        } else {
            format!("一次购买最多可获奖金或奖品 {total}（{how}），超过抽奖式有奖销售的上限 {cap}")
        };
        vec![Problem {
            at: At::Text { field_index, span },
            item: None,
            detail,
        }]
    }
}
