//! What the engine produces and every consumer reads: the [`Finding`], its
//! [`Severity`] and fingerprint, and the [`Summary`] of a run.

pub mod finding;
pub mod summary;

pub use finding::{fingerprint, Finding, Identity, Origin, Reason, RuleRef, Span};
pub use listlint_pack_schema::Severity;
pub use summary::{BaselineSummary, Summary};
