//! What the engine produces and every consumer reads: the [`Finding`], its
//! [`Severity`] and its fingerprint.

pub mod finding;
pub mod severity;

pub use finding::{fingerprint, Finding};
pub use severity::Severity;
