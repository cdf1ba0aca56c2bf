//! listlint: a policy-as-code compliance linter for e-commerce product
//! listings.
//!
//! The pipeline runs one way: [`source`] finds and reads inputs into
//! [`listing::Listing`]s; [`pack`] loads YAML rule packs, which
//! [`engine::compile`] turns into one [`engine::Ruleset`] with a single
//! Aho-Corasick automaton; [`run`] checks listings in parallel and hands
//! ordered [`report::Finding`]s to a [`report::Reporter`].
//!
//! ```
//! use std::sync::Arc;
//! use listlint::engine::{compile, RuleFilter, Scratch};
//! use listlint::listing::Listing;
//! use listlint::pack::{builtin_sources, parse_pack};
//!
//! let packs = builtin_sources()
//!     .into_iter()
//!     .map(parse_pack)
//!     .collect::<Result<Vec<_>, _>>()?;
//! let ruleset = compile(&packs, &RuleFilter::default())?;
//! let listing = Listing {
//!     fields: vec![(Arc::from("title"), "全网第一 最 好用的吸尘器 第一时间发货".to_owned())],
//!     ..Listing::default()
//! };
//! let findings = ruleset.check(&listing, &mut Scratch::default());
//! let texts: Vec<_> = findings
//!     .iter()
//!     .filter(|f| &*f.category == "absolute-terms")
//!     .map(|f| f.text.as_deref().unwrap_or_default())
//!     .collect();
//! assert_eq!(texts, ["全网第一", "最 好用"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod baseline;
pub mod cli;
pub mod config;
pub mod date;
pub mod engine;
pub mod examples;
pub mod exit;
pub mod file_kind;
pub mod history;
pub mod listing;
pub mod money;
pub mod pack;
pub mod progress;
mod ptr_map;
pub mod recognize;
pub mod report;
pub mod run;
pub mod source;
pub mod suggest;
pub mod terminal;
pub mod validate;
