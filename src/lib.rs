//! The `listlint` command line: flags turned into settings, the engine of
//! `listlint-core` and the readers and reports of `listlint-io` driven
//! from them, errors rendered with miette.

pub mod cli;
pub mod exit;
