//! The `price` kind: its keys and how they compile into a [`PriceRule`],
//! and its check of a listing. The checks themselves are in
//! [`super`](crate::engine::kinds::price).

use std::sync::Arc;

use super::{Place, PriceCheck, PriceContext, PriceRule, PriceScope, CHECK_NAMES};
use crate::engine::compile::error_at;
use crate::engine::kinds::{Kind, KindRule};
use crate::engine::{trimmed_span, FieldScan, Findings, ListingCheck, Ruleset};
use crate::listing::{InputProblem, Listing};
use crate::money::Money;
use crate::pack::schema::RuleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::suggest::did_you_mean;
use crate::text::normalize::Normalized;

/// The `price` kind.
#[derive(Debug)]
pub(crate) struct PriceKind;

impl Kind for PriceKind {
    fn name(&self) -> &'static str {
        "price"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["price"]
    }

    fn parameter_keys(&self) -> &'static [&'static str] {
        &["price"]
    }

    fn reads_text(&self) -> bool {
        true
    }

    fn placeholders(&self) -> &'static [&'static str] {
        &["detail", "field"]
    }

    fn compile(&self, pack: &LoadedPack, def: &RuleDef) -> Result<Arc<dyn KindRule>, PackError> {
        Ok(Arc::new(compile_price(&pack.source, def)?))
    }

    fn check(&self, check: &mut ListingCheck<'_, '_>, rules: &[u32]) {
        check.ruleset.check_prices(
            check.listing,
            check.fields,
            check.out,
            check.applies_to,
            rules,
        );
    }
}

impl KindRule for PriceRule {
    fn kind(&self) -> &'static dyn Kind {
        &PriceKind
    }
}

/// A claim's place in the text, reported once per rule: for the first
/// variant it does not hold for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextSpan {
    /// Index into the ruleset's scan fields.
    field_index: usize,
    /// First normalised character.
    first: usize,
    /// One past the last.
    last: usize,
}

/// The fields the price rules `rules` read as prices, each once, in order:
/// parsed once per listing (and variant) for all of them.
fn price_fields<'r>(ruleset: &'r Ruleset, rules: &'r [u32]) -> Vec<&'r String> {
    let mut fields: Vec<&String> = Vec::new();
    for (_, _, price) in ruleset.rules_of::<PriceRule>(rules) {
        for field in [&price.price_field, &price.original_field] {
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
    }
    fields
}

// The check is a method of the ruleset, as it was when the engine module
// held it (an `impl` block can be in any module of the crate); its body
// moved as it was, but for how it finds its rules.
impl Ruleset {
    /// Price fields that are not prices, then every applicable price rule.
    fn check_prices(
        &self,
        listing: &Listing,
        fields: &[FieldScan],
        out: &mut Findings<'_>,
        applies_to: &mut dyn FnMut(u32) -> bool,
        rules: &[u32],
    ) {
        let price_fields = price_fields(self, rules);
        let scopes = PriceScope::of(listing);
        let variant_line = |scope: PriceScope| {
            scope
                .variant_info(listing, "line")
                .and_then(|l| l.parse::<u64>().ok())
                .unwrap_or(listing.line)
        };
        // Each price field parsed once per scope, for every price rule; a
        // value that is not a price is reported where it was read (the
        // product's ranges are made from its variants' values).
        let mut parsed: Vec<Vec<(&str, Option<Money>)>> = Vec::with_capacity(scopes.len());
        for &scope in &scopes {
            let mut prices = Vec::with_capacity(price_fields.len());
            for field in &price_fields {
                let amount = match scope.value(listing, field).map(crate::money::parse_price) {
                    None => None,
                    Some(Ok(price)) => price.amount(),
                    Some(Err(why)) => {
                        if scope != PriceScope::Product {
                            let name = scope.stored_name(listing, field);
                            out.push_input(&InputProblem::error(
                                "input/invalid-price",
                                format!("line {}, field `{name}`: {why}", variant_line(scope)),
                                Some(Arc::from(&*name)),
                            ));
                        }
                        None
                    }
                };
                prices.push((field.as_str(), amount));
            }
            parsed.push(prices);
        }
        let texts: Vec<Option<&Normalized>> = fields
            .iter()
            .map(|scan| scan.present.then_some(&scan.normalized))
            .collect();
        for (index, rule, price) in self.rules_of::<PriceRule>(rules) {
            if !applies_to(index as u32) {
                continue;
            }
            // A claim in the text is reported once, for the first variant
            // it does not hold for.
            let mut text_spans: Vec<TextSpan> = Vec::new();
            for (&scope, prices) in scopes.iter().zip(&parsed) {
                if !price.runs_in(scope) {
                    continue;
                }
                let ctx = PriceContext {
                    listing,
                    history: self.settings.history.as_deref(),
                    as_of: self.settings.as_of,
                    texts: &texts,
                    scans: &rule.scans,
                    scope,
                    prices,
                };
                for mut problem in price.check(&ctx) {
                    let (field, span) = match &problem.place {
                        Place::Listing => (None, None),
                        Place::Field(name) => {
                            let name = scope.stored_name(listing, name);
                            let value = listing.get(&name).unwrap_or_default();
                            (Some(Arc::from(&*name)), Some(trimmed_span(value)))
                        }
                        Place::Text {
                            field_index,
                            first,
                            last,
                        } => {
                            let text_span = TextSpan {
                                field_index: *field_index,
                                first: *first,
                                last: *last,
                            };
                            if text_spans.contains(&text_span) {
                                continue;
                            }
                            text_spans.push(text_span);
                            (
                                Some(self.scan_fields[*field_index].clone()),
                                Some(
                                    fields[*field_index]
                                        .normalized
                                        .original_range(*first, *last),
                                ),
                            )
                        }
                    };
                    let label = scope.variant_info(listing, "label");
                    if let Some(label) = label {
                        let line = variant_line(scope);
                        problem
                            .detail
                            .push_str(&format!("（变体 {label}，第{line}行）"));
                    }
                    let message = rule.message.render(|name| match name {
                        "detail" => problem.detail.as_str(),
                        "field" => field.as_deref().unwrap_or(""),
                        _ => "",
                    });
                    let source = match &field {
                        Some(f) if self.settings.keep_sources => listing.get(f).map(Arc::from),
                        _ => None,
                    };
                    // A variant's field is fingerprinted by the variant's
                    // label, not its position, so that adding a variant
                    // does not make the others' findings look new.
                    let key = match (&problem.place, label) {
                        (Place::Field(name), Some(label)) => {
                            Some(format!("variant[{label}].{name}"))
                        }
                        _ => None,
                    };
                    out.push(rule, message, None, field, span, source);
                    if let Some(key) = key {
                        out.rekey_last(&rule.id, &key);
                    }
                }
            }
        }
    }
}

fn compile_price(source: &PackSource, def: &RuleDef) -> Result<PriceRule, PackError> {
    let id = &def.id.value;
    let Some(spec) = &def.price else {
        return Err(error_at(
            source,
            &def.id,
            format!("price rule `{id}` has no `price`"),
            Some(format!(
                "say which check under `price: {{check: …}}` ({})",
                CHECK_NAMES.join(", ")
            )),
        ));
    };
    let p = &spec.value;
    let Some(check_name) = &p.check else {
        return Err(error_at(
            source,
            spec,
            format!("price rule `{id}`: `price` has no `check`"),
            Some(format!("one of {}", CHECK_NAMES.join(", "))),
        ));
    };
    let days = |v: Option<u32>, default: i64| v.map_or(default, i64::from);
    let check = match check_name.value.as_str() {
        "original-above-price" => PriceCheck::OriginalAbovePrice,
        "original-vs-history" => PriceCheck::OriginalVsHistory {
            window_days: days(p.window_days, 7),
            report_missing: p.report_missing_history.unwrap_or(true),
            basis_fields: if p.basis_fields.is_empty() {
                vec!["price_basis".to_owned()]
            } else {
                p.basis_fields.clone()
            },
        },
        "discount-vs-history" => PriceCheck::DiscountVsHistory {
            window_days: days(p.window_days, 7),
        },
        "raise-then-discount" => {
            let raise_window_days = days(p.raise_window_days, 14);
            let lookback_days = days(p.lookback_days, 30);
            if lookback_days <= raise_window_days {
                return Err(error_at(
                    source,
                    spec,
                    format!("price rule `{id}`: `lookback_days` ({lookback_days}) must be longer than `raise_window_days` ({raise_window_days})"),
                    None,
                ));
            }
            PriceCheck::RaiseThenDiscount {
                raise_window_days,
                lookback_days,
                raise_percent: p.raise_percent.unwrap_or(10.0),
            }
        }
        "discount-claim" => PriceCheck::DiscountClaim,
        "original-basis" => {
            if p.basis_fields.is_empty() {
                return Err(error_at(
                    source,
                    spec,
                    format!("price rule `{id}`: `original-basis` needs `basis_fields`"),
                    None,
                ));
            }
            PriceCheck::OriginalBasis {
                basis_fields: p.basis_fields.clone(),
            }
        }
        other => {
            return Err(error_at(
                source,
                check_name,
                format!("price rule `{id}`: unknown check `{other}`"),
                Some(
                    did_you_mean(other, CHECK_NAMES.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("checks: {}", CHECK_NAMES.join(", "))),
                ),
            ))
        }
    };
    let non_negative = |v: Option<f64>, default: f64, name: &str| match v {
        Some(x) if !(x >= 0.0 && x.is_finite()) => Err(error_at(
            source,
            spec,
            format!("price rule `{id}`: `{name}` must be a non-negative number"),
            None,
        )),
        Some(x) => Ok(x),
        None => Ok(default),
    };
    Ok(PriceRule {
        check,
        price_field: p.price_field.clone().unwrap_or_else(|| "price".to_owned()),
        original_field: p
            .original_field
            .clone()
            .unwrap_or_else(|| "original_price".to_owned()),
        tolerance: Money::from_yuan(non_negative(p.tolerance_yuan, 1.0, "tolerance_yuan")?),
        tolerance_percent: non_negative(p.tolerance_percent, 1.0, "tolerance_percent")?,
    })
}
