//! The rule-pack YAML format as serde types: what a pack file says, before
//! the engine composes and compiles it.
//!
//! A crate of its own so that the engine's build script can read the
//! built-in packs with the very types the engine reads them with (it
//! stores them pre-parsed in the binary, see `listlint_core::pack`). The
//! engine re-exports everything here as `listlint_core::pack::schema` and
//! [`Severity`] as `listlint_core::model::Severity`.

#![deny(missing_docs)]

pub mod pack;
pub mod severity;

pub use severity::Severity;
