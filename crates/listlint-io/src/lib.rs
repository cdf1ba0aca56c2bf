#![deny(missing_docs)]
//! listlint's inputs and outputs: readers for every input format, the
//! report formats, and the streaming pipeline that checks inputs with a
//! `listlint_core` ruleset and hands findings to a reporter.

pub mod cache;
pub mod changed;
pub mod compare;
pub mod examples;
pub mod fix;
pub mod history;
pub mod order_history;
pub mod progress;
pub mod report;
pub mod run;
pub mod source;
pub mod terminal;
