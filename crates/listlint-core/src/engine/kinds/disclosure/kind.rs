//! The `disclosure` kind: its keys and how they compile into a
//! [`Disclosure`], and its check of a listing. What a disclosure rule
//! finds is in [`super`](crate::engine::kinds::disclosure).

use std::sync::Arc;

use super::{At, Disclosure, Found, Item as DisclosureItem, Texts, WINDOW_FIELDS};
use crate::engine::compile::{allow_phrases, error_at};
use crate::engine::kinds::{register_allow, Kind, KindRule};
use crate::engine::matcher::{MatcherBuilder, PatternUse};
use crate::engine::{trimmed_span, FieldScan, Findings, ListingCheck, Ruleset, Trigger};
use crate::listing::Listing;
use crate::money::Money;
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::recognize::Recognition;
use crate::recognize::RECOGNIZERS;
use crate::suggest::did_you_mean;
use crate::text::char_offsets::char_slice;
use crate::text::normalize::{normalize_term, term_problem};
use serde_saphyr::Spanned;

/// The `disclosure` kind.
#[derive(Debug)]
pub(crate) struct DisclosureKind;

impl Kind for DisclosureKind {
    fn name(&self) -> &'static str {
        "disclosure"
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "allow",
            "triggers",
            "trigger_recognizers",
            "disclose",
            "window",
            "prize_cap_yuan",
        ]
    }

    fn parameter_keys(&self) -> &'static [&'static str] {
        &["window"]
    }

    fn reads_text(&self) -> bool {
        true
    }

    fn placeholders(&self) -> &'static [&'static str] {
        &["trigger", "item", "detail", "field"]
    }

    fn compile(&self, pack: &LoadedPack, def: &RuleDef) -> Result<Arc<dyn KindRule>, PackError> {
        Ok(Arc::new(compile_disclosure(pack, def)?))
    }

    fn override_terms<'d>(&self, def: &'d mut RuleDef) -> Option<&'d mut Vec<String>> {
        def.triggers.as_mut().map(|triggers| &mut triggers.value)
    }

    fn check(&self, check: &mut ListingCheck<'_, '_>, rules: &[u32]) {
        check.ruleset.check_disclosures(
            check.listing,
            check.fields,
            check.triggers,
            check.item_terms,
            check.recognized,
            check.out,
            check.applies_to,
            rules,
        );
    }
}

impl KindRule for Disclosure {
    fn kind(&self) -> &'static dyn Kind {
        &DisclosureKind
    }

    fn register(&self, rule: u32, matcher: &mut MatcherBuilder) {
        for (t, term) in self.triggers.iter().enumerate() {
            let term_use = PatternUse::Trigger {
                rule,
                term: t as u32,
            };
            matcher.add(&normalize_term(term), term_use);
        }
        for (i, terms) in self.item_terms.iter().enumerate() {
            for term in terms {
                let item_use = PatternUse::ItemTerm {
                    rule,
                    item: i as u32,
                };
                matcher.add(&normalize_term(term), item_use);
            }
        }
        register_allow(matcher, rule, &self.allow);
    }
}

// The check is a method of the ruleset, as it was when the engine module
// held it (an `impl` block can be in any module of the crate); its body
// moved as it was, but for how it finds its rules.
impl Ruleset {
    /// Disclosure rules whose triggers occurred (a trigger term, or a
    /// trigger recogniser's finding): missing items, window dates, prize
    /// caps; and rules with `window.from_fields` on listings whose
    /// promotion fields are filled in, without a trigger.
    #[allow(clippy::too_many_arguments)]
    fn check_disclosures(
        &self,
        listing: &Listing,
        fields: &[FieldScan],
        triggers: &[Option<Trigger>],
        item_terms: &[(u32, u32)],
        recognized: &[Recognition],
        out: &mut Findings<'_>,
        applies_to: &mut dyn FnMut(u32) -> bool,
        rules: &[u32],
    ) {
        for (index, rule, disclosure) in self.rules_of::<Disclosure>(rules) {
            let literal = triggers[index];
            let needs_recognizers = literal.is_none()
                && (!disclosure.trigger_recognizers.is_empty() || disclosure.from_fields);
            if literal.is_none() && !needs_recognizers {
                continue;
            }
            let texts = Texts::new(
                listing,
                &self.scan_fields,
                &rule.scans,
                recognized,
                self.settings.as_of.year,
            );
            if needs_recognizers
                && !(self.may_trigger_without_words(listing, &texts, disclosure)
                    && applies_to(index as u32))
            {
                continue;
            }
            // The trigger: field index, original character span, text.
            let trigger: Option<(usize, (usize, usize), String)> = match literal {
                Some(Trigger {
                    field_index,
                    first,
                    last,
                    term,
                }) => Some((
                    field_index,
                    fields[field_index].normalized.original_range(first, last),
                    disclosure.triggers[term as usize].clone(),
                )),
                None => texts.iter().find_map(|(field_index, text)| {
                    let span = disclosure
                        .trigger_recognizers
                        .iter()
                        .filter_map(|name| text.first(name))
                        .min()?;
                    let value = listing.get(&self.scan_fields[field_index])?;
                    Some((
                        field_index,
                        span,
                        char_slice(value, span.0, span.1).to_owned(),
                    ))
                }),
            };
            let found_terms: Vec<bool> = (0..disclosure.items.len())
                .map(|item| item_terms.contains(&(index as u32, item as u32)))
                .collect();
            let trigger_text = trigger.as_ref().map_or("", |t| t.2.as_str());
            let found = Found {
                listing,
                texts,
                item_terms_found: &found_terms,
                as_of: self.settings.as_of,
                trigger: trigger_text,
            };
            let problems = match &trigger {
                Some(_) => disclosure.check(&found),
                None => {
                    let advertised = listing
                        .get("promo_text")
                        .is_some_and(|v| !v.trim().is_empty());
                    disclosure.check_fields(&found, advertised)
                }
            };
            for problem in problems {
                let (field, span): (Arc<str>, (usize, usize)) = match (&problem.at, &trigger) {
                    (At::Trigger, Some((trigger_field, span, _))) => {
                        (self.scan_fields[*trigger_field].clone(), *span)
                    }
                    (At::Trigger, None) => continue,
                    (At::Field(name), _) => (
                        Arc::from(name.as_str()),
                        trimmed_span(listing.get(name).unwrap_or_default()),
                    ),
                    (At::Text { field_index, span }, _) => {
                        (self.scan_fields[*field_index].clone(), *span)
                    }
                };
                // The rule's message speaks of a missing item; window and
                // prize findings say what they found in their own words.
                let message = match &problem.item {
                    Some(item) => rule.message.render(|name| match name {
                        "trigger" => trigger_text,
                        "item" => item.as_str(),
                        "detail" => problem.detail.as_str(),
                        "field" => &field,
                        _ => "",
                    }),
                    None => problem.detail.clone(),
                };
                let source = self
                    .settings
                    .keep_sources
                    .then(|| listing.get(&field).map(Arc::from))
                    .flatten();
                out.push(rule, message, None, Some(field), Some(span), source);
            }
        }
    }
}

impl Ruleset {
    /// Whether a disclosure rule without a trigger word in the listing can
    /// still have something to check: promotion fields filled in (for
    /// `window.from_fields`), or a scanned field that holds an offer of one
    /// of its trigger recognisers. Most listings have neither, and this
    /// spares them reading every field for dates, amounts and offers.
    fn may_trigger_without_words(
        &self,
        listing: &Listing,
        texts: &Texts<'_>,
        disclosure: &Disclosure,
    ) -> bool {
        let filled = |name: &str| listing.get(name).is_some_and(|v| !v.trim().is_empty());
        if disclosure.from_fields && WINDOW_FIELDS.iter().any(|f| filled(f)) {
            return true;
        }
        // Each field's offers are recognised once per listing, whichever
        // rule asks first.
        texts.shortest_first().iter().any(|text| {
            disclosure
                .trigger_recognizers
                .iter()
                .any(|kind| !kind.ends_with("offer") || text.first(kind).is_some())
        })
    }
}

fn compile_disclosure(pack: &LoadedPack, def: &RuleDef) -> Result<Disclosure, PackError> {
    // Every problem is collected, so that `rules validate` reports them in
    // one run rather than one per fix.
    let source = &pack.source;
    let id = &def.id.value;
    let mut errors = Vec::new();
    let no_triggers = Vec::new();
    let spanned = def.triggers.as_ref().filter(|t| !t.value.is_empty());
    let triggers = match spanned {
        Some(triggers) => &triggers.value,
        None => {
            if def.trigger_recognizers.is_empty() {
                errors.push(error_at(
                    source,
                    &def.id,
                    format!("disclosure rule `{id}` needs `triggers`"),
                    Some("list the promotion wording that makes the disclosures necessary".into()),
                ));
            }
            &no_triggers
        }
    };
    for r in &def.trigger_recognizers {
        if !RECOGNIZERS.contains(&r.value.as_str()) {
            errors.push(unknown_recognizer(source, r));
        }
    }
    for term in triggers {
        if let Some(problem) = term_problem(term) {
            errors.push(error_at(
                source,
                spanned.expect("a trigger term exists"),
                format!("disclosure rule `{id}`: trigger {term:?} {problem}"),
                None,
            ));
        }
    }
    let mut items = Vec::new();
    let mut item_terms = Vec::new();
    for item in &def.disclose {
        for r in &item.recognizers {
            if !RECOGNIZERS.contains(&r.value.as_str()) {
                errors.push(unknown_recognizer(source, r));
            }
        }
        if item.fields.is_empty() && item.recognizers.is_empty() && item.terms.is_empty() {
            errors.push(error_at(
                source,
                &def.id,
                format!(
                    "disclosure rule `{id}`: item `{}` has no `fields`, `recognizers` or `terms` to find it by",
                    item.item
                ),
                None,
            ));
        }
        if let Some((term, problem)) = item
            .terms
            .iter()
            .find_map(|t| term_problem(t).map(|p| (t, p)))
        {
            errors.push(error_at(
                source,
                &def.id,
                format!(
                    "disclosure rule `{id}`: term {term:?} of item `{}` {problem}",
                    item.item
                ),
                None,
            ));
        }
        items.push(DisclosureItem {
            name: item.item.clone(),
            fields: item.fields.clone(),
            recognizers: item.recognizers.iter().map(|r| r.value.clone()).collect(),
            has_terms: !item.terms.is_empty(),
        });
        item_terms.push(item.terms.clone());
    }
    let window = def.window.as_ref();
    let prize_cap = match def.prize_cap_yuan {
        Some(cap) if !(cap >= 0.0 && cap.is_finite()) => {
            errors.push(error_at(
                source,
                &def.id,
                format!("disclosure rule `{id}`: `prize_cap_yuan` must be a non-negative number"),
                None,
            ));
            None
        }
        cap => cap.map(Money::from_yuan),
    };
    let allow = allow_phrases(pack, def).map_err(|e| errors.push(e)).ok();
    if let Some(error) = PackError::from_many(errors) {
        return Err(error);
    }
    let flag = |get: fn(&crate::pack::schema::WindowDef) -> Option<bool>| {
        window.is_some_and(|w| get(w).unwrap_or(false))
    };
    Ok(Disclosure {
        triggers: triggers.clone(),
        trigger_recognizers: def
            .trigger_recognizers
            .iter()
            .map(|r| r.value.clone())
            .collect(),
        from_fields: flag(|w| w.from_fields),
        ends_today: flag(|w| w.ends_today),
        one_day: flag(|w| w.one_day),
        allow: allow.unwrap_or_default(),
        item_terms,
        items,
        past_end: window.is_some_and(|w| w.past_end.unwrap_or(true)),
        end_before_start: window.is_some_and(|w| w.end_before_start.unwrap_or(true)),
        prize_cap,
    })
}

/// The error for a recogniser name that is not one of [`RECOGNIZERS`].
fn unknown_recognizer(source: &PackSource, r: &Spanned<String>) -> PackError {
    error_at(
        source,
        r,
        format!("unknown recogniser `{}`", r.value),
        Some(
            did_you_mean(&r.value, RECOGNIZERS.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("recognisers: {}", RECOGNIZERS.join(", "))),
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::recognize::{may_trigger, recognize};

    /// Rules without a trigger term ask [`may_trigger`] before they
    /// recognise a field in full: for the offer recognisers the two must
    /// agree on whether there is an offer.
    #[test]
    fn may_trigger_agrees_with_a_full_recognition_on_offers() {
        let texts = [
            "满300减50 第二件半价 买一送一",
            "ｍａｎ满５００元－５０元店铺券，买２送１",
            "每满200减30，第2件5折，买30g送30g替换芯",
            "买2享9折 满58包邮 租满2年送1年 第二代 第2名 满意 满月",
            "<p>活动时间：11月11日0点-11月12日24点</p><img src=\"a/b-1.jpg\" alt=\"买1赠1\">",
            "买5块送1块 买壹箱送壹瓶",
            "",
            "羊毛围巾 经典款",
        ];
        for text in texts {
            let full = recognize(text, 2026);
            for kind in [
                "threshold-offer",
                "multi-buy-offer",
                "buy-get-offer",
                "offer",
            ] {
                assert_eq!(
                    may_trigger(text, kind),
                    full.first(kind).is_some(),
                    "{kind} in {text}"
                );
            }
        }
    }
}
