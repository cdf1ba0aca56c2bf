//! Running the examples embedded in rule packs.
//!
//! Each example is a listing (or the `text` shorthand for a listing whose
//! title is the text) and the set of rule ids expected to fire on it. The
//! expected ids must fire, and no other rule of the example's pack may. Only
//! the example's own pack's rules run; the other loaded packs are there so
//! that `use: pack/condition` references resolve.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::date::Date;
use crate::engine::{compile, RuleFilter, Ruleset, RunSettings, Scratch};
use crate::history::{PriceHistory, Sale};
use crate::listing::profile::FieldMapper;
use crate::listing::Listing;
use crate::money::parse_amount;
use crate::pack::schema::ExampleDef;
use crate::pack::{LoadedPack, PackError, PackSource};
use crate::source::flatten_json_object;

/// The result of one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleOutcome {
    /// Pack name.
    pub pack: String,
    /// Rule the example belongs to.
    pub rule: String,
    /// 1-based position among the rule's examples.
    pub number: usize,
    /// The example's title text, for display.
    pub title: String,
    /// Rule ids expected to fire.
    pub expected: BTreeSet<String>,
    /// Rule ids that fired, with the text each matched.
    pub actual: Vec<(String, String)>,
}

impl ExampleOutcome {
    /// Whether exactly the expected rules fired.
    pub fn passed(&self) -> bool {
        self.missing().is_empty() && self.unexpected().is_empty()
    }

    /// Expected rule ids that did not fire.
    pub fn missing(&self) -> Vec<&str> {
        self.expected
            .iter()
            .filter(|id| !self.actual.iter().any(|(a, _)| a == *id))
            .map(String::as_str)
            .collect()
    }

    /// Findings of rules that were not expected.
    pub fn unexpected(&self) -> Vec<(&str, &str)> {
        self.actual
            .iter()
            .filter(|(id, _)| !self.expected.contains(id))
            .map(|(id, text)| (id.as_str(), text.as_str()))
            .collect()
    }

    /// One line naming the example.
    pub fn describe(&self) -> String {
        format!("{} #{}: {}", self.rule, self.number, self.title)
    }
}

/// Runs every example of every rule in the packs at `tested` (indices into
/// `packs`), each pack with only its own rules enabled.
pub fn run_pack_examples(
    packs: &[LoadedPack],
    tested: &[usize],
) -> Result<Vec<ExampleOutcome>, PackError> {
    // Validate the whole set together once (duplicate ids, references …).
    compile(packs, &RuleFilter::default())?;
    let mut scratch = Scratch::default();
    let mut outcomes = Vec::new();
    for pack in tested.iter().filter_map(|&i| packs.get(i)) {
        let mut ruleset = compile(packs, &RuleFilter::only_pack(&pack.def.pack.value))?;
        outcomes.extend(pack_examples(&mut ruleset, pack, &mut scratch)?);
    }
    Ok(outcomes)
}

fn pack_examples(
    ruleset: &mut Ruleset,
    pack: &LoadedPack,
    scratch: &mut Scratch,
) -> Result<Vec<ExampleOutcome>, PackError> {
    let pack_name = pack.def.pack.value.as_str();
    let defaults = ruleset.settings.clone();
    // Rules that are off by default run for their own examples only.
    let off_by_default: Vec<&str> = pack
        .def
        .rules
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.id.value.as_str())
        .collect();
    let mut outcomes = Vec::new();
    for rule in &pack.def.rules {
        for (i, example) in rule.examples.iter().enumerate() {
            let listing = example_listing(&pack.source.name, example, i + 1);
            ruleset.settings = example_settings(&pack.source, example, &listing, &defaults)?;
            let actual = ruleset
                .check(&listing, scratch)
                .into_iter()
                .filter(|f| *f.rule == *rule.id.value || !off_by_default.contains(&&*f.rule))
                .map(|f| (f.rule.to_string(), f.text.unwrap_or_default()))
                .collect();
            outcomes.push(ExampleOutcome {
                pack: pack_name.to_owned(),
                rule: rule.id.value.clone(),
                number: i + 1,
                title: listing.get("title").unwrap_or("").to_owned(),
                expected: example.expect.iter().cloned().collect(),
                actual,
            });
        }
    }
    ruleset.settings = defaults;
    Ok(outcomes)
}

/// The run settings an example asks for: its `as_of` and `history`.
fn example_settings(
    source: &PackSource,
    example: &ExampleDef,
    listing: &Listing,
    defaults: &RunSettings,
) -> Result<RunSettings, PackError> {
    let mut settings = defaults.clone();
    if let Some(as_of) = &example.as_of {
        settings.as_of = Date::parse(&as_of.value).ok_or_else(|| {
            PackError::at_location(
                source,
                as_of.referenced,
                format!("`{}` is not a date (YYYY-MM-DD)", as_of.value),
                None,
            )
        })?;
    }
    if !example.history.is_empty() {
        let id = listing.id().unwrap_or_default().to_owned();
        let mut sales = Vec::new();
        for entry in &example.history {
            let date = Date::parse(&entry.date.value).ok_or_else(|| {
                PackError::at_location(
                    source,
                    entry.date.referenced,
                    format!("`{}` is not a date (YYYY-MM-DD)", entry.date.value),
                    None,
                )
            })?;
            let text = match &entry.price.value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let price = parse_amount(&text).ok_or_else(|| {
                PackError::at_location(
                    source,
                    entry.price.referenced,
                    format!("`{text}` is not a price"),
                    None,
                )
            })?;
            sales.push((id.clone(), Sale { date, price }));
        }
        settings.history = Some(Arc::new(PriceHistory::from_sales(sales)));
    }
    Ok(settings)
}

/// The listing an example describes. A listing without an id gets
/// `example-N`, so that an example's price history has something to attach to.
fn example_listing(pack_name: &str, example: &ExampleDef, number: usize) -> Listing {
    let mut listing = Listing {
        file: Arc::from(pack_name),
        line: 0,
        record: 1,
        ..Listing::default()
    };
    let mut mapper = FieldMapper::generic();
    if let Some(object) = &example.listing {
        let mut flat = Vec::new();
        flatten_json_object(object.clone(), &mut flat);
        let mapped = mapper.map_headers(flat.iter().map(|(k, _)| k.as_str()));
        for (name, (_, value)) in mapped.names.into_iter().zip(flat) {
            listing.push_field(name, value);
        }
    }
    if let Some(text) = &example.text {
        listing.push_field(Arc::from("title"), text.clone());
    }
    if listing.id().is_none() {
        listing.push_field(Arc::from("id"), format!("example-{number}"));
    }
    listing
}
