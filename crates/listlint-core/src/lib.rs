#![deny(missing_docs)]
//! The listlint engine: rule packs compiled into one ruleset, checked
//! against listings, producing findings.
//!
//! This crate does no input parsing and no rendering: readers and report
//! formats live in `listlint-io`, the command line in `listlint`.

pub mod baseline;
pub mod cache_folder;
pub mod compare;
pub mod config;
pub mod date;
pub mod engine;
pub mod file_kind;
pub mod history;
pub mod linter;
pub mod listing;
pub mod model;
pub mod money;
pub mod pack;
pub mod per_string;
pub mod policy;
pub mod recognize;
pub mod settings;
pub mod suggest;
pub mod suppress;
pub mod text;
pub mod validate;
