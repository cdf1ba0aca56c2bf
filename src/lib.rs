//! listlint: a policy-as-code compliance linter for e-commerce product
//! listings.
//!
//! The pipeline runs one way: [`source`] finds and reads inputs into
//! [`listing::Listing`]s; [`pack`] loads YAML rule packs, which
//! [`engine::compile`] turns into one [`engine::Ruleset`] with a single
//! Aho-Corasick automaton; [`run`] checks listings in parallel and hands
//! ordered [`report::Finding`]s to a [`report::Reporter`].

pub mod cli;
pub mod engine;
pub mod examples;
pub mod exit;
pub mod listing;
pub mod pack;
pub mod report;
pub mod run;
pub mod source;
pub mod suggest;
