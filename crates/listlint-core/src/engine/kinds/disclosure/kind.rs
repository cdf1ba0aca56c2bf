//! The `disclosure` kind: its keys and how they compile into a
//! [`Disclosure`], and its check of a listing. What a disclosure rule
//! finds is in [`super`](crate::engine::kinds::disclosure).

use std::sync::Arc;

use super::{At, Disclosure, Found, Item as DisclosureItem};
use crate::engine::compile::{allow_phrases, error_at};
use crate::engine::kinds::{register_allow, Kind, KindRule};
use crate::engine::matcher::{MatcherBuilder, PatternUse};
use crate::engine::{trimmed_span, FieldScan, Findings, ListingCheck, Ruleset, Trigger};
use crate::listing::Listing;
use crate::money::Money;
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError};
use crate::recognize::{recognize, Recognized, RECOGNIZERS};
use crate::suggest::did_you_mean;
use crate::text::normalize::{normalize_term, term_problem};

/// The `disclosure` kind.
#[derive(Debug)]
pub(crate) struct DisclosureKind;

impl Kind for DisclosureKind {
    fn name(&self) -> &'static str {
        "disclosure"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["allow", "triggers", "disclose", "window", "prize_cap_yuan"]
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
    /// Disclosure rules whose triggers occurred: missing items, window
    /// dates, prize caps.
    #[allow(clippy::too_many_arguments)]
    fn check_disclosures(
        &self,
        listing: &Listing,
        fields: &[FieldScan],
        triggers: &[Option<Trigger>],
        item_terms: &[(u32, u32)],
        recognized: &mut [Option<Recognized>],
        out: &mut Findings<'_>,
        rules: &[u32],
    ) {
        for (index, rule, disclosure) in self.rules_of::<Disclosure>(rules) {
            let Some(trigger) = triggers[index] else {
                continue;
            };
            for (field_index, scanned) in rule.scans.iter().enumerate() {
                if *scanned && fields[field_index].present && recognized[field_index].is_none() {
                    let value = listing
                        .get(&self.scan_fields[field_index])
                        .unwrap_or_default();
                    recognized[field_index] = Some(recognize(value, self.settings.as_of.year));
                }
            }
            let texts: Vec<Option<&Recognized>> = recognized
                .iter()
                .zip(&rule.scans)
                .map(|(r, &scanned)| r.as_ref().filter(|_| scanned))
                .collect();
            let found_terms: Vec<bool> = (0..disclosure.items.len())
                .map(|item| item_terms.contains(&(index as u32, item as u32)))
                .collect();
            let Trigger {
                field_index: trigger_field,
                first,
                last,
                term,
            } = trigger;
            let trigger_text = disclosure.triggers[term as usize].as_str();
            let found = Found {
                listing,
                texts: &texts,
                item_terms_found: &found_terms,
                as_of: self.settings.as_of,
                trigger: trigger_text,
            };
            for problem in disclosure.check(&found) {
                let (field, span): (Arc<str>, (usize, usize)) = match &problem.at {
                    At::Trigger => (
                        self.scan_fields[trigger_field].clone(),
                        fields[trigger_field].normalized.original_range(first, last),
                    ),
                    At::Field(name) => (
                        Arc::from(name.as_str()),
                        trimmed_span(listing.get(name).unwrap_or_default()),
                    ),
                    At::Text { field_index, span } => {
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

fn compile_disclosure(pack: &LoadedPack, def: &RuleDef) -> Result<Disclosure, PackError> {
    let source = &pack.source;
    let id = &def.id.value;
    let Some(triggers) = def.triggers.as_ref().filter(|t| !t.value.is_empty()) else {
        return Err(error_at(
            source,
            &def.id,
            format!("disclosure rule `{id}` needs `triggers`"),
            Some("list the promotion wording that makes the disclosures necessary".into()),
        ));
    };
    for term in &triggers.value {
        if let Some(problem) = term_problem(term) {
            return Err(error_at(
                source,
                triggers,
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
                return Err(error_at(
                    source,
                    r,
                    format!("unknown recogniser `{}`", r.value),
                    Some(
                        did_you_mean(&r.value, RECOGNIZERS.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| format!("recognisers: {}", RECOGNIZERS.join(", "))),
                    ),
                ));
            }
        }
        if item.fields.is_empty() && item.recognizers.is_empty() && item.terms.is_empty() {
            return Err(error_at(
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
            return Err(error_at(
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
            return Err(error_at(
                source,
                &def.id,
                format!("disclosure rule `{id}`: `prize_cap_yuan` must be a non-negative number"),
                None,
            ))
        }
        cap => cap.map(Money::from_yuan),
    };
    Ok(Disclosure {
        triggers: triggers.value.clone(),
        allow: allow_phrases(pack, def)?,
        item_terms,
        items,
        past_end: window.is_some_and(|w| w.past_end.unwrap_or(true)),
        end_before_start: window.is_some_and(|w| w.end_before_start.unwrap_or(true)),
        prize_cap,
    })
}
