//! Running the examples embedded in rule packs.
//!
//! Each example is a listing (or the `text` shorthand for a listing whose
//! title is the text) and the set of rule ids expected to fire on it. An
//! example runs with only its own pack loaded: the expected ids must fire,
//! and no other rule of the pack may.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::engine::{compile, RuleFilter, Scratch};
use crate::listing::profile::FieldMapper;
use crate::listing::Listing;
use crate::pack::schema::ExampleDef;
use crate::pack::{LoadedPack, PackError};
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

/// Runs every example of every rule in `pack`, with only that pack loaded.
pub fn run_pack_examples(pack: &LoadedPack) -> Result<Vec<ExampleOutcome>, PackError> {
    let ruleset = compile(std::slice::from_ref(pack), &RuleFilter::default())?;
    let mut scratch = Scratch::default();
    let mut outcomes = Vec::new();
    for rule in &pack.def.rules {
        for (i, example) in rule.examples.iter().enumerate() {
            let listing = example_listing(&pack.source.name, example);
            let actual = ruleset
                .check(&listing, &mut scratch)
                .into_iter()
                .map(|f| (f.rule.to_string(), f.text.unwrap_or_default()))
                .collect();
            outcomes.push(ExampleOutcome {
                pack: pack.def.pack.value.clone(),
                rule: rule.id.value.clone(),
                number: i + 1,
                title: listing.get("title").unwrap_or("").to_owned(),
                expected: example.expect.iter().cloned().collect(),
                actual,
            });
        }
    }
    Ok(outcomes)
}

/// The listing an example describes.
fn example_listing(pack_name: &str, example: &ExampleDef) -> Listing {
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
        for (key, value) in flat {
            listing.push_field(mapper.field_for(&key), &key, value);
        }
    }
    if let Some(text) = &example.text {
        listing.push_field(Arc::from("title"), "title", text.clone());
    }
    listing
}
