//! Fixes written back: a finding's suggested replacement put in place of
//! the matched text, in the input's own bytes.
//!
//! [`fix_input`] takes an input's bytes, its format and the findings a
//! check reported for it, and returns the corrected bytes with the list of
//! fixes applied and of those not applied, and why. It touches no file:
//! the command line writes the result safely (`check --fix`, `--fix-to`)
//! or prints it as a diff (`--diff`, see [`unified_diff`]); a server can
//! call it on uploaded bytes.
//!
//! Everything outside the replaced spans stays byte for byte as it was:
//! each format has its own module that finds the field's value in the
//! input (a CSV/TSV field, a JSON string literal, a YAML scalar or a
//! Markdown body, an XLSX cell's shared or inline string) and rewrites
//! only that, with the format's own quoting and escapes. Text inputs are
//! decoded whole (UTF-8 with or without BOM, UTF-16 with BOM, GB18030) and
//! encoded back; an input whose bytes would not encode back identically
//! (undecodable or mixed-encoding bytes) is not fixed.
//!
//! A fix is applied only when it is safe to:
//! - the field's text at the finding's span is still the finding's `text`
//!   (spans count characters of the field's original value);
//! - the rule does not mark its suggestion `fix: unsafe`, unless unsafe
//!   fixes are asked for;
//! - it does not overlap another fix of the same field;
//! - the span is not across HTML markup (a description's `最<b>好</b>`);
//! - the record, checked again with the fix in place, has no finding it
//!   did not have before (the replacement holding another banned term, or
//!   making one with the text around it).

mod catalog;
mod csv;
mod diff;
mod json;
mod text;
mod xlsx;

use std::collections::HashSet;
use std::sync::Arc;

use listlint_core::engine::{Ruleset, Scratch};
use listlint_core::linter::Linter;
use listlint_core::listing::profile::Profile;
use listlint_core::listing::{FieldName, Listing};
use listlint_core::model::Finding;

pub use diff::unified_diff;

use crate::source::{InputEncoding, InputFormat};

/// How fixes are applied.
#[derive(Debug, Clone)]
pub struct FixOptions {
    /// Apply suggestions that rules mark `fix: unsafe` too.
    pub unsafe_fixes: bool,
    /// The input's encoding, as `--encoding` gives it.
    pub encoding: InputEncoding,
    /// The field mapping the check used (`--profile`, `--map`).
    pub profile: Arc<Profile>,
}

impl Default for FixOptions {
    fn default() -> Self {
        Self {
            unsafe_fixes: false,
            encoding: InputEncoding::Auto,
            profile: Profile::generic(),
        }
    }
}

/// Why a fix was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The rule marks its suggestion `fix: unsafe` and unsafe fixes were
    /// not asked for.
    Unsafe,
    /// The field's text at the span is not the finding's text (the input
    /// changed, or the span does not map onto it).
    TextMismatch,
    /// Another fix of the same field covers part of the same text.
    Overlap,
    /// The span crosses HTML markup.
    Markup,
    /// The fix would make a finding the record did not have: rule and
    /// matched text (if any).
    NewFinding {
        /// The new finding's rule.
        rule: String,
        /// Its matched text.
        text: Option<String>,
    },
    /// The record or field was not found in the input, or is written in a
    /// form the fixer does not rewrite (said in words).
    NotFound(String),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Unsafe => f.write_str("marked unsafe (apply with --unsafe-fixes)"),
            SkipReason::TextMismatch => f.write_str("the field's text at the span has changed"),
            SkipReason::Overlap => f.write_str("overlaps another fix"),
            SkipReason::Markup => f.write_str("the text crosses HTML markup"),
            SkipReason::NewFinding { rule, text } => match text {
                Some(text) => write!(f, "would make a new finding: `{rule}` 「{text}」"),
                None => write!(f, "would make a new finding: `{rule}`"),
            },
            SkipReason::NotFound(why) => f.write_str(why),
        }
    }
}

/// One fix: the finding, and for an applied one the field's value before
/// and after.
#[derive(Debug, Clone)]
pub struct FixEntry {
    /// The finding fixed (or not).
    pub finding: Finding,
    /// `None`: applied; else why not.
    pub skipped: Option<SkipReason>,
}

/// A field rewritten: for the diff.
#[derive(Debug, Clone)]
pub struct Change {
    /// Where: `line 3`, `cell B4`.
    pub place: String,
    /// 1-based line of the record (row, for XLSX).
    pub line: u64,
    /// The record's listing id, if any.
    pub listing_id: Option<String>,
    /// The field.
    pub field: String,
    /// Sheet of a workbook (`None` for text inputs).
    pub sheet: Option<String>,
    /// Byte range of the rewritten text in the original (decoded) text,
    /// for text inputs; the diff shows the lines it covers.
    pub range: Option<(usize, usize)>,
    /// The replacement bytes of that range (decoded text).
    pub replacement: String,
    /// The field's value before and after.
    pub before: String,
    /// After.
    pub after: String,
}

/// The outcome of fixing one input.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The corrected bytes (the input's own when nothing was applied).
    pub bytes: Vec<u8>,
    /// Every fixable finding given, applied or not.
    pub entries: Vec<FixEntry>,
    /// The fields rewritten, in input order.
    pub changes: Vec<Change>,
    /// The original text, decoded (text inputs), for the diff.
    pub original_text: Option<String>,
}

impl Fixed {
    /// How many fixes were applied.
    pub fn applied(&self) -> usize {
        self.entries.iter().filter(|e| e.skipped.is_none()).count()
    }

    /// The fixes not applied.
    pub fn skipped(&self) -> impl Iterator<Item = &FixEntry> {
        self.entries.iter().filter(|e| e.skipped.is_some())
    }
}

/// Why an input cannot be fixed at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FixError {
    /// Its bytes do not decode, or would not encode back identically.
    #[error("{0}")]
    Encoding(String),
    /// It is not in the form its format needs (not a workbook, not JSON).
    #[error("{0}")]
    Unreadable(String),
}

/// Whether a finding can be fixed at all: it has a suggestion, a field, a
/// span and its text, and is about the field's value (not an earlier
/// value of a key a record repeats).
pub fn is_fixable(finding: &Finding) -> bool {
    finding.suggestion.is_some()
        && finding.field.is_some()
        && finding.start.is_some()
        && finding.end.is_some()
        && finding.text.is_some()
        && finding.value == 0
}

/// Fixes one input: `bytes` in `format`, with `findings` (those of this
/// input a check reported; the ones [`is_fixable`] rejects are left out).
/// `linter` is the one that checked it: each fixed record is checked again
/// with it, and a fix that would make a new finding is not applied.
pub fn fix_input(
    bytes: &[u8],
    format: InputFormat,
    findings: &[Finding],
    linter: &Linter,
    options: &FixOptions,
) -> Result<Fixed, FixError> {
    fix_input_with(bytes, format, findings, linter.ruleset(), options)
}

/// [`fix_input`] with the ruleset that checked the input (a server holds
/// rulesets, not linters).
pub fn fix_input_with(
    bytes: &[u8],
    format: InputFormat,
    findings: &[Finding],
    ruleset: &Ruleset,
    options: &FixOptions,
) -> Result<Fixed, FixError> {
    let fixable: Vec<&Finding> = findings.iter().filter(|f| is_fixable(f)).collect();
    let mut fixer = Fixer {
        ruleset,
        scratch: Scratch::default(),
        options,
        entries: Vec::new(),
        changes: Vec::new(),
    };
    if fixable.is_empty() {
        return Ok(Fixed {
            bytes: bytes.to_vec(),
            entries: Vec::new(),
            changes: Vec::new(),
            original_text: None,
        });
    }
    let (out, original_text) = match format {
        InputFormat::Xlsx => (xlsx::fix(bytes, &fixable, &mut fixer)?, None),
        _ => {
            let decoded = text::Decoded::new(bytes, options.encoding)?;
            let edits = match format {
                InputFormat::Csv | InputFormat::Tsv => {
                    csv::fix(&decoded.text, format, &fixable, &mut fixer)
                }
                InputFormat::Jsonl => json::fix_lines(&decoded.text, &fixable, &mut fixer),
                InputFormat::Json => json::fix_document(&decoded.text, &fixable, &mut fixer),
                InputFormat::Yaml | InputFormat::Markdown => {
                    catalog::fix(&decoded.text, format, &fixable, &mut fixer)
                }
                InputFormat::Xlsx => unreachable!("handled above"),
            };
            let new_text = apply_edits(&decoded.text, &edits);
            (decoded.encode(&new_text), Some(decoded.text))
        }
    };
    let Fixer {
        entries, changes, ..
    } = fixer;
    Ok(Fixed {
        bytes: out,
        entries,
        changes,
        original_text,
    })
}

/// A byte range of a text and what replaces it.
#[derive(Debug, Clone)]
pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// `text` with `edits` (in order, not overlapping) applied.
fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.start]);
        out.push_str(&edit.replacement);
        at = edit.end;
    }
    out.push_str(&text[at..]);
    out
}

/// One replacement chosen for a field: characters `[start, end)` of its
/// value become `replacement`.
#[derive(Debug, Clone)]
pub(crate) struct Replacement<'f> {
    pub finding: &'f Finding,
    /// Other findings of the same span fixed the same way (two rules that
    /// flag one word): applied or skipped with it.
    pub also: Vec<&'f Finding>,
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// A record about to be fixed: its fields as the check saw them.
pub(crate) struct Record<'f> {
    pub file: Arc<str>,
    pub line: u64,
    pub record: u64,
    pub fields: Vec<(FieldName, String)>,
    /// The findings to fix, each with the index in `fields` of its field
    /// (`None`: the field was not found, with why).
    pub targets: Vec<(&'f Finding, Result<usize, String>)>,
}

/// The fields of one record that change: index in `Record::fields`, the
/// new value and the replacements made.
pub(crate) type FieldFixes<'f> = Vec<(usize, String, Vec<Replacement<'f>>)>;

/// What the format modules share: choosing and checking fixes, and the
/// list of entries.
pub(crate) struct Fixer<'a> {
    ruleset: &'a Ruleset,
    scratch: Scratch,
    options: &'a FixOptions,
    entries: Vec<FixEntry>,
    changes: Vec<Change>,
}

impl<'a> Fixer<'a> {
    fn skip(&mut self, finding: &Finding, reason: SkipReason) {
        self.entries.push(FixEntry {
            finding: finding.clone(),
            skipped: Some(reason),
        });
    }

    /// Findings that name no record of the input.
    pub(crate) fn not_found(&mut self, findings: &[&Finding], why: &str) {
        for f in findings {
            self.skip(f, SkipReason::NotFound(why.to_owned()));
        }
    }

    /// Records a rewritten field for the diff.
    pub(crate) fn change(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Chooses the fixes of one record and checks them: the fields that
    /// change, with their new values. Findings not applied are recorded
    /// with why; applied ones once the caller has written them
    /// ([`Self::applied`]).
    pub(crate) fn plan<'f>(&mut self, record: Record<'f>) -> FieldFixes<'f> {
        let mut by_field: Vec<(usize, Vec<&'f Finding>)> = Vec::new();
        for (finding, target) in &record.targets {
            match target {
                Ok(i) => match by_field.iter_mut().find(|(j, _)| j == i) {
                    Some((_, list)) => list.push(finding),
                    None => by_field.push((*i, vec![finding])),
                },
                Err(why) => self.skip(finding, SkipReason::NotFound(why.clone())),
            }
        }
        let mut fields: Vec<(usize, Vec<Replacement<'f>>)> = Vec::new();
        for (i, findings) in by_field {
            let chosen = self.choose(&record.fields[i].1, findings);
            if !chosen.is_empty() {
                fields.push((i, chosen));
            }
        }
        if fields.is_empty() {
            return Vec::new();
        }
        self.verify(&record, &mut fields);
        fields
            .into_iter()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| (i, apply_replacements(&record.fields[i].1, &r), r))
            .collect()
    }

    /// Marks the replacements as applied.
    pub(crate) fn applied(&mut self, replacements: &[Replacement<'_>]) {
        for r in replacements {
            for finding in std::iter::once(r.finding).chain(r.also.iter().copied()) {
                self.entries.push(FixEntry {
                    finding: finding.clone(),
                    skipped: None,
                });
            }
        }
    }

    /// The replacements of one field that may be made: text as found,
    /// safe (or unsafe ones asked for), not across markup, not
    /// overlapping.
    fn choose<'f>(&mut self, value: &str, findings: Vec<&'f Finding>) -> Vec<Replacement<'f>> {
        let chars: Vec<(usize, char)> = value.char_indices().collect();
        let byte_at = |c: usize| chars.get(c).map_or(value.len(), |&(b, _)| b);
        let mut candidates: Vec<Replacement<'f>> = Vec::new();
        for finding in findings {
            let (Some(start), Some(end), Some(text), Some(suggestion)) = (
                finding.start,
                finding.end,
                finding.text.as_deref(),
                finding.suggestion.as_deref(),
            ) else {
                continue;
            };
            if finding.unsafe_fix && !self.options.unsafe_fixes {
                self.skip(finding, SkipReason::Unsafe);
                continue;
            }
            if start > end || end > chars.len() || &value[byte_at(start)..byte_at(end)] != text {
                self.skip(finding, SkipReason::TextMismatch);
                continue;
            }
            if text.contains(['<', '>']) {
                self.skip(finding, SkipReason::Markup);
                continue;
            }
            let mut replacement = suggestion.to_owned();
            if looks_like_html(value) {
                replacement = escape_html_text(&replacement);
            }
            candidates.push(Replacement {
                finding,
                also: Vec::new(),
                start,
                end,
                replacement,
            });
        }
        candidates.sort_by_key(|r| (r.start, r.end));
        // The same span fixed the same way by two findings is one fix;
        // spans that overlap otherwise are none.
        let mut kept: Vec<Replacement<'f>> = Vec::new();
        let mut i = 0;
        while i < candidates.len() {
            let mut group_end = candidates[i].end;
            let mut j = i + 1;
            while j < candidates.len() && candidates[j].start < group_end {
                group_end = group_end.max(candidates[j].end);
                j += 1;
            }
            let group = &candidates[i..j];
            let same = group.iter().all(|r| {
                r.start == group[0].start
                    && r.end == group[0].end
                    && r.replacement == group[0].replacement
            });
            if same {
                let mut one = group[0].clone();
                one.also = group[1..].iter().map(|r| r.finding).collect();
                kept.push(one);
            } else {
                for r in group {
                    self.skip(r.finding, SkipReason::Overlap);
                }
            }
            i = j;
        }
        kept
    }

    /// Checks the record again with the fixes in place: a fix that makes a
    /// finding it did not have is dropped (all of the record's, when the
    /// new finding cannot be told to come from one), until none does.
    fn verify<'f>(&mut self, record: &Record<'f>, fields: &mut [(usize, Vec<Replacement<'f>>)]) {
        let listing = |values: Vec<(FieldName, String)>| Listing {
            file: record.file.clone(),
            line: record.line,
            record: record.record,
            fields: values,
            problems: Vec::new(),
            value_columns: Vec::new(),
            header: None,
        };
        let before: HashSet<String> = self
            .ruleset
            .check(&listing(record.fields.clone()), &mut self.scratch)
            .into_iter()
            .map(|f| f.fingerprint)
            .collect();
        loop {
            let mut values = record.fields.clone();
            for (i, replacements) in fields.iter() {
                values[*i].1 = apply_replacements(&record.fields[*i].1, replacements);
            }
            let after = self.ruleset.check(&listing(values), &mut self.scratch);
            let new: Vec<&Finding> = after
                .iter()
                .filter(|f| !before.contains(&f.fingerprint))
                .collect();
            if new.is_empty() {
                return;
            }
            let mut dropped_any = false;
            for finding in &new {
                let reason = SkipReason::NewFinding {
                    rule: finding.rule.to_string(),
                    text: finding.text.clone(),
                };
                let field_index = finding
                    .field
                    .as_deref()
                    .and_then(|name| record.fields.iter().position(|(n, _)| &**n == name));
                let mut blamed = Vec::new();
                if let (Some(fi), Some(s), Some(e), 0) =
                    (field_index, finding.start, finding.end, finding.value)
                {
                    if let Some((_, replacements)) = fields.iter().find(|(i, _)| *i == fi) {
                        for (k, (ns, ne)) in new_spans(replacements).into_iter().enumerate() {
                            let touches = if ne > ns {
                                s < ne && ns < e
                            } else {
                                s < ns && ns < e
                            };
                            if touches {
                                blamed.push((fi, k));
                            }
                        }
                    }
                }
                if blamed.is_empty() {
                    // Not told apart: none of the record's fixes.
                    for (fi, replacements) in fields.iter() {
                        for k in 0..replacements.len() {
                            blamed.push((*fi, k));
                        }
                    }
                }
                for (fi, k) in blamed.into_iter().rev() {
                    if let Some((_, replacements)) = fields.iter_mut().find(|(i, _)| *i == fi) {
                        if k < replacements.len() {
                            let r = replacements.remove(k);
                            self.skip(r.finding, reason.clone());
                            for also in &r.also {
                                self.skip(also, reason.clone());
                            }
                            dropped_any = true;
                        }
                    }
                }
            }
            if !dropped_any || fields.iter().all(|(_, r)| r.is_empty()) {
                return;
            }
        }
    }
}

/// The spans, in characters of the new value, that the replacements
/// (sorted, not overlapping) take.
fn new_spans(replacements: &[Replacement<'_>]) -> Vec<(usize, usize)> {
    let mut shift: isize = 0;
    replacements
        .iter()
        .map(|r| {
            let len = r.replacement.chars().count();
            let start = (r.start as isize + shift) as usize;
            shift += len as isize - (r.end - r.start) as isize;
            (start, start + len)
        })
        .collect()
}

/// `value` with the replacements (sorted, not overlapping; spans in
/// characters) made.
pub(crate) fn apply_replacements(value: &str, replacements: &[Replacement<'_>]) -> String {
    let chars: Vec<usize> = value.char_indices().map(|(b, _)| b).collect();
    let byte_at = |c: usize| chars.get(c).copied().unwrap_or(value.len());
    let mut out = String::with_capacity(value.len() + 16);
    let mut at = 0;
    for r in replacements {
        let (s, e) = (byte_at(r.start), byte_at(r.end));
        out.push_str(&value[at..s]);
        out.push_str(&r.replacement);
        at = e;
    }
    out.push_str(&value[at..]);
    out
}

/// Whether a value holds HTML markup (a tag): replacements in it are
/// escaped as text.
fn looks_like_html(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// `&`, `<` and `>` as HTML text.
fn escape_html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Groups findings by a key, keeping input order within each.
pub(crate) fn group_by<'f, K: Ord + Clone>(
    findings: &[&'f Finding],
    key: impl Fn(&Finding) -> K,
) -> std::collections::BTreeMap<K, Vec<&'f Finding>> {
    let mut map: std::collections::BTreeMap<K, Vec<&'f Finding>> = Default::default();
    for f in findings {
        map.entry(key(f)).or_default().push(f);
    }
    map
}
