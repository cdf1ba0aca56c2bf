//! The finding: what every output format renders.

use std::cell::RefCell;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Severity;
use crate::text::normalize::{Normalized, Normalizer};

/// One reported problem (SPEC §4).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// Rule id.
    pub rule: Arc<str>,
    /// Pack the rule comes from.
    pub pack: Arc<str>,
    /// Category of the rule.
    pub category: Arc<str>,
    /// Severity.
    pub severity: Severity,
    /// The rule's message with placeholders filled in.
    pub message: String,
    /// What to do about it.
    pub help: Option<Arc<str>>,
    /// Replacement wording, where the rule suggests one.
    pub suggestion: Option<Arc<str>>,
    /// Input file, as given on the command line.
    pub file: Arc<str>,
    /// 1-based line where the record starts.
    pub line: u64,
    /// 1-based record number.
    pub record: u64,
    /// Listing id, if the record has one.
    pub listing_id: Option<String>,
    /// Field the finding is about, if any.
    pub field: Option<Arc<str>>,
    /// Start of the span, in characters of the original field value.
    pub start: Option<usize>,
    /// End of the span (exclusive), in characters.
    pub end: Option<usize>,
    /// The original text of the span.
    pub text: Option<String>,
    /// Stable identity across re-exports: rule, listing, field, text.
    pub fingerprint: String,
    /// Why a conditional rule applied to the listing: the word or the
    /// category that made its `when` hold (absent for rules without a
    /// condition, and for conditions that held for another reason, such as
    /// a field being filled in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The whole original field value, for renderers that show context.
    #[serde(skip)]
    pub source: Option<Arc<str>>,
    /// Which value of its field a span is in: 0 for the field's value, more
    /// for the earlier values of a key a record gave more than once, so
    /// that the findings of one value stay together (not written out).
    #[serde(skip)]
    pub value: u32,
    /// 1-based column, in characters, on `line` where the field value is
    /// written verbatim, when the reader could place it (see
    /// [`crate::listing::Listing::value_columns`]); formats that point
    /// into the file add the span to it (not written out).
    #[serde(skip)]
    pub column: Option<u32>,
    /// Whether the suggestion is one the rule marks `fix: unsafe`: applied
    /// by `check --fix` only with `--unsafe-fixes` (not written out).
    #[serde(skip)]
    pub unsafe_fix: bool,
}

/// Why a conditional rule applied: a word found in a field (with its
/// span, in characters of the original field value, as a finding's
/// `start`/`end`) or the listing's category path (no span).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reason {
    /// The field the word is in, or `category`.
    pub field: Arc<str>,
    /// The word as written, or the whole category path.
    pub text: String,
    /// First character of the word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// One past the word's last character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

impl Reason {
    /// Whether the reason is the listing's category rather than a word.
    pub fn is_category(&self) -> bool {
        self.start.is_none() && &*self.field == "category"
    }
}

/// The rule side of a finding: the same for every finding of a rule.
#[derive(Debug, Clone)]
pub struct RuleRef {
    /// Rule id.
    pub rule: Arc<str>,
    /// Pack the rule comes from.
    pub pack: Arc<str>,
    /// Category of the rule.
    pub category: Arc<str>,
    /// Severity.
    pub severity: Severity,
    /// What to do about a finding.
    pub help: Option<Arc<str>>,
}

/// Where a finding is: the listing's file, line, record and id, and the
/// key that identifies the listing across re-exports (its id, or file and
/// record when it has none).
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    /// Input file, as given.
    pub file: Arc<str>,
    /// 1-based line where the record starts.
    pub line: u64,
    /// 1-based record number.
    pub record: u64,
    /// Listing id, if the record has one.
    pub listing_id: Option<String>,
    /// The listing key fingerprints use.
    pub key: &'a str,
}

/// A span of a field value: characters `[start, end)` and their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The original text of the span.
    pub text: String,
}

/// What tells apart findings that have no matched text, for their
/// fingerprint.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// Stands where a field name would.
    pub field: Option<&'a str>,
    /// Stands where a matched text would.
    pub text: &'a str,
}

impl Finding {
    /// A finding about `span` of `field` (or the listing or field as a
    /// whole), its fingerprint computed from the rule, the listing key, the
    /// field and the span's text. Every finding is made here or by
    /// [`Finding::identified_by`].
    pub fn new(
        rule: RuleRef,
        origin: Origin<'_>,
        field: Option<Arc<str>>,
        span: Option<Span>,
        message: String,
    ) -> Self {
        let fingerprint = fingerprint(
            &rule.rule,
            origin.key,
            field.as_deref(),
            span.as_ref().map(|s| s.text.as_str()),
        );
        let (start, end, text) = match span {
            Some(Span { start, end, text }) => (Some(start), Some(end), Some(text)),
            None => (None, None, None),
        };
        Self {
            rule: rule.rule,
            pack: rule.pack,
            category: rule.category,
            severity: rule.severity,
            message,
            help: rule.help,
            suggestion: None,
            file: origin.file,
            line: origin.line,
            record: origin.record,
            listing_id: origin.listing_id,
            field,
            start,
            end,
            text,
            fingerprint,
            reason: None,
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
        }
    }

    /// A finding without a span whose fingerprint tells it apart by
    /// `identity` (an input problem's field and message, a waiver's rule
    /// and expiry) instead of a field and matched text.
    pub fn identified_by(
        rule: RuleRef,
        origin: Origin<'_>,
        field: Option<Arc<str>>,
        identity: Identity<'_>,
        message: String,
    ) -> Self {
        let key = origin.key;
        let mut finding = Self::new(rule, origin, field, None, message);
        finding.fingerprint = fingerprint(&finding.rule, key, identity.field, Some(identity.text));
        finding
    }

    /// With a replacement wording.
    pub fn with_suggestion(mut self, suggestion: Option<Arc<str>>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// With the whole field value, for renderers that show context.
    pub fn with_source(mut self, source: Option<Arc<str>>) -> Self {
        self.source = source;
        self
    }

    /// With the column where the field value starts on its line.
    pub fn with_column(mut self, column: Option<u32>) -> Self {
        self.column = column;
        self
    }

    /// Recomputes the fingerprint with `field_key` in place of the field
    /// name (a repeated key's earlier values are told apart this way).
    pub fn rekey(&mut self, listing_key: &str, field_key: &str) {
        self.fingerprint = fingerprint(
            &self.rule,
            listing_key,
            Some(field_key),
            self.text.as_deref(),
        );
    }
}

/// Computes a finding's fingerprint from what identifies it across
/// re-exports: the rule, the listing key (id, or file and record when the
/// listing has no id), the field and the matched text, normalised as rules
/// see it (so `最<b>好</b>` and `最好` are one finding). Line and record
/// number are deliberately left out.
pub fn fingerprint(
    rule: &str,
    listing_key: &str,
    field: Option<&str>,
    text: Option<&str>,
) -> String {
    thread_local! {
        // Buffers reused from finding to finding.
        static SCRATCH: RefCell<(Normalizer, Normalized)> = RefCell::default();
    }
    let digest = SCRATCH.with(|scratch| {
        let (normalizer, normalized) = &mut *scratch.borrow_mut();
        normalized.text.clear();
        normalized.chars.clear();
        if let Some(text) = text {
            normalizer.normalize_into(text, normalized);
        }
        let mut hasher = Sha256::new();
        for part in [rule, listing_key, field.unwrap_or(""), &normalized.text] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        hasher.finalize()
    });
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        let a = fingerprint("r", "SKU-1", Some("title"), Some("最好"));
        assert_eq!(a, fingerprint("r", "SKU-1", Some("title"), Some("最好")));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint("r", "SKU-1", Some("titl"), Some("e最好")));
        assert_eq!(
            a,
            fingerprint("r", "SKU-1", Some("title"), Some("最<b>好</b>"))
        );
    }
}
