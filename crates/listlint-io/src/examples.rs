//! Running the examples embedded in rule packs.
//!
//! Each example is a listing (or the `text` shorthand for a listing whose
//! title is the text) and the set of rule ids expected to fire on it. The
//! expected ids must fire, and no other rule of the example's pack may. Only
//! the example's own pack's rules run; the other loaded packs are there so
//! that `use: pack/condition` references resolve.

use std::sync::Arc;

use crate::source::flatten_json_object;
use listlint_core::date::Date;
use listlint_core::engine::{compile, RuleFilter, Ruleset, RunSettings, Scratch};
use listlint_core::history::{PriceHistory, Sale};
use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::Listing;
use listlint_core::money::parse_amount;
use listlint_core::pack::schema::{ExampleDef, ExpectDef, PackTestsDef};
use listlint_core::pack::{LoadedPack, PackError, PackSource};

/// The result of one example or test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleOutcome {
    /// Pack name.
    pub pack: String,
    /// Where the case is: `rule-id #N` for an example embedded in a rule,
    /// `file:line` for a case of a test file.
    pub label: String,
    /// The case's name, or its title text, for display.
    pub title: String,
    /// Expected findings.
    pub expected: Vec<ExpectDef>,
    /// Rule ids that fired, with the text each matched.
    pub actual: Vec<(String, String)>,
    /// The message of each finding of `actual`, in the same order: what
    /// tells apart two findings of one rule on one text (a disclosure
    /// rule's missing items).
    pub messages: Vec<String>,
}

impl ExampleOutcome {
    /// Whether exactly the expected findings occurred.
    pub fn passed(&self) -> bool {
        self.missing().is_empty() && self.unexpected().is_empty()
    }

    /// Expectations no finding meets: a bare rule id that did not fire, or
    /// each listed text the rule matched fewer times than listed.
    pub fn missing(&self) -> Vec<&ExpectDef> {
        let mut used = vec![false; self.actual.len()];
        let mut missing = Vec::new();
        for e in &self.expected {
            let found = match e.text() {
                None => self.actual.iter().any(|(rule, _)| rule == e.rule()),
                Some(text) => {
                    let next = self
                        .actual
                        .iter()
                        .enumerate()
                        .position(|(i, (rule, t))| !used[i] && rule == e.rule() && t == text);
                    next.map(|i| used[i] = true).is_some()
                }
            };
            if !found {
                missing.push(e);
            }
        }
        missing
    }

    /// Findings no expectation accounts for: a rule not expected at all,
    /// or, for a rule whose expectations all give texts, a finding beyond
    /// the texts listed (another text, or the same text once too often).
    pub fn unexpected(&self) -> Vec<(&str, &str)> {
        self.unexpected_findings()
            .into_iter()
            .map(|(id, text, _)| (id, text))
            .collect()
    }

    /// [`Self::unexpected`], each with its finding's message.
    pub fn unexpected_findings(&self) -> Vec<(&str, &str, &str)> {
        let mut unused: Vec<&ExpectDef> = self
            .expected
            .iter()
            .filter(|e| e.text().is_some())
            .collect();
        self.actual
            .iter()
            .zip(
                self.messages
                    .iter()
                    .map(String::as_str)
                    .chain(std::iter::repeat("")),
            )
            .filter(|((rule, text), _)| {
                let mut of_rule = self.expected.iter().filter(|e| e.rule() == rule).peekable();
                if of_rule.peek().is_none() {
                    return true;
                }
                if of_rule.any(|e| e.text().is_none()) {
                    return false;
                }
                match unused
                    .iter()
                    .position(|e| e.rule() == rule && e.text() == Some(text))
                {
                    Some(i) => {
                        unused.remove(i);
                        false
                    }
                    None => true,
                }
            })
            .map(|((id, text), message)| (id.as_str(), text.as_str(), message))
            .collect()
    }

    /// One line naming the case.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.label, self.title)
    }
}

/// The pack at `index` and the packs it extends: the rules its examples and
/// tests run with.
pub fn packs_run_with(packs: &[LoadedPack], index: usize) -> impl Iterator<Item = &LoadedPack> {
    let pack = &packs[index];
    packs
        .iter()
        .filter(move |p| p.name() == pack.name() || pack.extended.iter().any(|e| e == p.name()))
}

/// A pack's test file, parsed, with the index of its pack among the loaded
/// packs.
#[derive(Debug, Clone)]
pub struct PackTests {
    /// Index of the pack under test in the loaded packs.
    pub pack: usize,
    /// The file's text and name.
    pub source: PackSource,
    /// The cases.
    pub def: PackTestsDef,
}

/// One case to run: an embedded example or a test-file case.
struct Case<'a> {
    label: String,
    source: &'a PackSource,
    example: &'a ExampleDef,
    /// Rules off by default that run for this case.
    opted_in: Vec<&'a str>,
}

/// Runs every example of every rule in the packs at `tested` (indices into
/// `packs`) and every case of `test_files`, each pack with only its own
/// rules enabled.
pub fn run_pack_examples(
    packs: &[LoadedPack],
    tested: &[usize],
    test_files: &[PackTests],
) -> Result<Vec<ExampleOutcome>, PackError> {
    // Validate the whole set together once (duplicate ids, references …).
    compile(packs, &RuleFilter::default())?;
    let mut scratch = Scratch::default();
    let mut outcomes = Vec::new();
    for &index in tested {
        let Some(pack) = packs.get(index) else {
            continue;
        };
        let mut cases: Vec<Case> = Vec::new();
        for rule in &pack.def.rules {
            let lines = example_lines(&pack.source.text, rule);
            for (i, example) in rule.examples.iter().enumerate() {
                let at = lines
                    .get(i)
                    .map(|line| format!(" ({}:{line})", pack.source.name))
                    .unwrap_or_default();
                cases.push(Case {
                    label: format!("{} #{}{at}", rule.id.value, i + 1),
                    source: &pack.source,
                    example,
                    opted_in: vec![rule.id.value.as_str()],
                });
            }
        }
        for file in test_files.iter().filter(|f| f.pack == index) {
            for case in &file.def.tests {
                cases.push(Case {
                    label: format!("{}:{}", file.source.name, case.referenced.line()),
                    source: &file.source,
                    example: &case.value,
                    opted_in: case.value.expect.iter().map(ExpectDef::rule).collect(),
                });
            }
        }
        let run_with: Vec<&LoadedPack> = packs_run_with(packs, index).collect();
        let mut ruleset = compile(
            packs,
            &RuleFilter::only_packs(run_with.iter().map(|p| p.name())),
        )?;
        outcomes.extend(run_cases(
            &mut ruleset,
            pack,
            &run_with,
            &cases,
            &mut scratch,
        )?);
    }
    Ok(outcomes)
}

fn run_cases(
    ruleset: &mut Ruleset,
    pack: &LoadedPack,
    run_with: &[&LoadedPack],
    cases: &[Case],
    scratch: &mut Scratch,
) -> Result<Vec<ExampleOutcome>, PackError> {
    let defaults = ruleset.settings.clone();
    // Rules that are off by default run only for the cases that opt in.
    let off_by_default: Vec<&str> = run_with
        .iter()
        .flat_map(|p| &p.def.rules)
        .filter(|r| !r.enabled)
        .map(|r| r.id.value.as_str())
        .collect();
    let mut outcomes = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let example = case.example;
        let listing = example_listing(&case.source.name, example, i + 1);
        ruleset.settings = example_settings(case.source, example, &listing, &defaults)?;
        let (actual, messages) = ruleset
            .check(&listing, scratch)
            .into_iter()
            .filter(|f| case.opted_in.contains(&&*f.rule) || !off_by_default.contains(&&*f.rule))
            .map(|f| ((f.rule.to_string(), f.text.unwrap_or_default()), f.message))
            .unzip();
        let title = example
            .name
            .clone()
            .unwrap_or_else(|| listing.get("title").unwrap_or("").to_owned());
        outcomes.push(ExampleOutcome {
            pack: pack.def.pack.value.clone(),
            label: case.label.clone(),
            title,
            expected: example.expect.clone(),
            actual,
            messages,
        });
    }
    ruleset.settings = defaults;
    Ok(outcomes)
}

/// The line of each example of `rule` in its pack's text: the item lines
/// (`- `) at the indentation of the first one under the rule's
/// `examples:` key. Examples are not read with their places, so they are
/// found in the text; a rule whose examples cannot be found this way
/// (written in flow style) gets none, and its cases are labelled by
/// number only.
fn example_lines(text: &str, rule: &listlint_core::pack::schema::RuleDef) -> Vec<u64> {
    if rule.examples.is_empty() {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let start = usize::try_from(rule.id.referenced.line().saturating_sub(1)).unwrap_or(0);
    let rule_indent = lines
        .get(start)
        .map_or(0, |l| l.len() - l.trim_start().len());
    let mut found = Vec::new();
    let mut item_indent = None;
    let mut in_examples = false;
    for (n, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        // The next rule (an item at or left of the rule's `- id:`) or
        // a top-level key ends the rule.
        if indent < rule_indent || (indent == rule_indent && trimmed.starts_with("- ")) {
            break;
        }
        if !in_examples {
            in_examples = trimmed.starts_with("examples:") && indent <= rule_indent + 2;
            continue;
        }
        match item_indent {
            None if trimmed.starts_with("- ") => {
                item_indent = Some(indent);
                found.push(n as u64 + 1);
            }
            Some(i) if indent == i && trimmed.starts_with("- ") => found.push(n as u64 + 1),
            Some(i) if indent < i => break,
            None if !trimmed.starts_with("- ") => break,
            _ => {}
        }
    }
    if found.len() == rule.examples.len() {
        found
    } else {
        Vec::new()
    }
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
