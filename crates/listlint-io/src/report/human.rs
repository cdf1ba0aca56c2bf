//! `--format human`: each finding as a miette diagnostic showing the field
//! text with the span labelled, then a summary line.
//!
//! Everything taken from the input (file names, listing ids, field names
//! and values, and the messages that quote them) has its control
//! characters escaped ([`crate::terminal`]), so a listing cannot clear the
//! screen or retitle the terminal of whoever reads the report.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{Finding, Reporter, Summary};
use crate::terminal::{escape_line, escape_text};
use listlint_core::model::Severity;
use listlint_core::text::char_offsets::CharOffsets;

/// Characters of context shown on each side of a span.
const CONTEXT_CHARS: usize = 40;

/// Findings above which human output prints the per-rule table by
/// default ([`Statistics::Auto`]).
pub const STATISTICS_OVER: u64 = 50;

/// When human output ends with the per-rule table (the counts come from
/// the summary's `by_rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Statistics {
    /// With more than [`STATISTICS_OVER`] findings.
    #[default]
    Auto,
    /// Always (`--statistics`).
    Always,
    /// Never (`--no-statistics`).
    Never,
}

/// How to render for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    /// Use colours.
    pub color: bool,
    /// Line width to wrap at.
    pub width: usize,
    /// Findings of one rule shown per file before the rest are counted in
    /// one line (`--max-per-rule`; 0: no limit).
    pub max_per_rule: u64,
    /// When to print the per-rule table.
    pub statistics: Statistics,
    /// `--min-severity`, named where the summary counts hidden findings.
    pub min_severity: Option<Severity>,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
            max_per_rule: 10,
            statistics: Statistics::Auto,
            min_severity: None,
        }
    }
}

/// Renders findings with miette.
pub struct HumanReporter<W: Write> {
    out: W,
    handler: GraphicalReportHandler,
    /// Character offsets of the last field value shown: the findings of
    /// one field come together and share its value, so the value is
    /// indexed once rather than counted through for each of them.
    offsets: Option<(Arc<str>, CharOffsets)>,
    options: HumanOptions,
    /// The file whose findings are being shown, and per rule how many of
    /// its findings were seen and how many of them were not shown.
    file: Option<Arc<str>>,
    per_rule: Vec<(Arc<str>, u64, u64)>,
}

impl<W: Write> HumanReporter<W> {
    /// Writes to `out`.
    pub fn new(out: W, options: HumanOptions) -> Self {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(options.width)
            .with_links(false)
            .without_primary_span_start();
        Self {
            out,
            handler,
            offsets: None,
            options,
            file: None,
            per_rule: Vec::new(),
        }
    }

    /// Whether `finding` is shown, or only counted because its rule has
    /// shown `max_per_rule` findings in its file already.
    fn shows(&mut self, finding: &Finding) -> io::Result<bool> {
        if self.file.as_deref() != Some(&*finding.file) {
            self.write_more()?;
            self.file = Some(finding.file.clone());
        }
        let limit = self.options.max_per_rule;
        let entry = match self
            .per_rule
            .iter_mut()
            .find(|(r, _, _)| *r == finding.rule)
        {
            Some(entry) => entry,
            None => {
                self.per_rule.push((finding.rule.clone(), 0, 0));
                let last = self.per_rule.len() - 1;
                &mut self.per_rule[last]
            }
        };
        entry.1 += 1;
        if limit > 0 && entry.1 > limit {
            entry.2 += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// One line per rule of the file just shown with findings not shown.
    fn write_more(&mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        for (rule, _, more) in std::mem::take(&mut self.per_rule) {
            if more > 0 {
                writeln!(
                    self.out,
                    "… and {} more `{}` in {} (--max-per-rule 0 shows them)\n",
                    thousands(more),
                    escape_line(&rule),
                    escape_line(&file),
                )?;
            }
        }
        Ok(())
    }
}

/// `n` with a comma between thousands: 6,254.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl<W: Write> Reporter for HumanReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        let mut rendered = String::new();
        for finding in findings {
            if !self.shows(finding)? {
                continue;
            }
            rendered.clear();
            let offsets = finding
                .source
                .as_ref()
                .map(|value| offsets_of(&mut self.offsets, value));
            let diagnostic = FindingDiagnostic::new(finding, offsets);
            self.handler
                .render_report(&mut rendered, &diagnostic)
                .map_err(io::Error::other)?;
            self.out.write_all(rendered.as_bytes())?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.write_more()?;
        let table = match self.options.statistics {
            Statistics::Always => true,
            Statistics::Never => false,
            Statistics::Auto => summary.findings > STATISTICS_OVER,
        };
        if table && !summary.by_rule.is_empty() {
            writeln!(self.out, "{}", statistics_table(summary))?;
        }
        writeln!(self.out, "{}", summary_line(summary))?;
        if summary.hidden() > 0 {
            let counts: Vec<String> = summary
                .below_min_severity
                .iter()
                .rev()
                .filter(|(_, n)| **n > 0)
                .map(|(severity, n)| match severity {
                    Severity::Error => plural(*n, "error", "errors"),
                    Severity::Warning => plural(*n, "warning", "warnings"),
                    Severity::Info => format!("{} info", thousands(*n)),
                })
                .collect();
            let below = self
                .options
                .min_severity
                .map(|s| format!(" below --min-severity {s}"))
                .unwrap_or_default();
            writeln!(
                self.out,
                "Not shown: {}{below} (they still count for --fail-on).",
                counts.join(", ")
            )?;
        }
        if summary.waived > 0 {
            writeln!(
                self.out,
                "Waived: {} findings (see listlint.yaml).",
                summary.waived
            )?;
        }
        if let Some(b) = &summary.baseline {
            writeln!(
                self.out,
                "Baseline: {} known findings not shown; {} baseline entries no longer occur.",
                b.suppressed, b.stale
            )?;
        }
        self.out.flush()
    }
}

/// The character offsets of `value`, from `last` when it indexes that
/// very value (the same shared string), else indexed now and kept there.
fn offsets_of<'c>(
    last: &'c mut Option<(Arc<str>, CharOffsets)>,
    value: &Arc<str>,
) -> &'c CharOffsets {
    if !last
        .as_ref()
        .is_some_and(|(indexed, _)| Arc::ptr_eq(indexed, value))
    {
        *last = Some((value.clone(), CharOffsets::new(value)));
    }
    &last
        .get_or_insert_with(|| (value.clone(), CharOffsets::new(value)))
        .1
}

/// Counts per rule and per category, largest first.
pub fn statistics_table(summary: &Summary) -> String {
    let mut rules: Vec<(&String, &u64)> = summary.by_rule.iter().collect();
    rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut categories: Vec<(&String, &u64)> = summary.by_category.iter().collect();
    categories.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut out = String::from("Findings per rule:\n");
    for (rule, n) in rules {
        out.push_str(&format!("  {n:>7}  {}\n", escape_line(rule)));
    }
    out.push_str("Findings per category:\n");
    for (category, n) in categories {
        out.push_str(&format!("  {n:>7}  {}\n", escape_line(category)));
    }
    out
}

/// The last line of human output.
pub fn summary_line(summary: &Summary) -> String {
    let files = plural(summary.files, "file", "files");
    let listings = plural(summary.listings, "listing", "listings");
    if summary.findings == 0 {
        return format!("No findings in {files} ({listings}).");
    }
    format!(
        "Found {} in {files} ({listings}): {}, {}, {} info.",
        plural(summary.findings, "finding", "findings"),
        plural(summary.severity(Severity::Error), "error", "errors"),
        plural(summary.severity(Severity::Warning), "warning", "warnings"),
        summary.severity(Severity::Info),
    )
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A finding seen through miette's eyes: the field text (a window around
/// the span) as source, the span labelled, the rule id as code.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    /// The message, prefixed with the location when there is no snippet
    /// to carry it.
    headline: String,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
    help: Option<String>,
}

impl<'a> FindingDiagnostic<'a> {
    /// `offsets` index the finding's `source`.
    fn new(finding: &'a Finding, offsets: Option<&CharOffsets>) -> Self {
        let file = escape_line(&finding.file);
        let listing = match &finding.listing_id {
            Some(id) => escape_line(id).into_owned(),
            // A finding about the file as a whole (a collapsed one).
            None if finding.record == 0 => "whole file".to_owned(),
            None => format!("record {}", finding.record),
        };
        let field = finding.field.as_deref().map(escape_line);
        let message = escape_text(&finding.message);
        let message = match because(finding) {
            Some(because) => std::borrow::Cow::Owned(format!("{message} ({because})")),
            None => message,
        };
        let location = format!(
            "{file}:{} · {listing} · {}",
            finding.line,
            field.as_deref().unwrap_or("-"),
        );
        let (source, label) = match (&finding.source, offsets, finding.start, finding.end) {
            (Some(value), Some(offsets), Some(start), Some(end)) => {
                let (window, span_start, span_len) = window(value, offsets, start, end);
                let label = LabeledSpan::new(Some(label_text(finding)), span_start, span_len);
                (Some(NamedSource::new(location, window)), Some(label))
            }
            _ => (None, None),
        };
        let help = match (
            finding.help.as_deref().map(escape_text),
            finding.suggestion.as_deref().map(escape_text),
        ) {
            (Some(h), Some(s)) => Some(format!("{h}\nsuggestion: {s}")),
            (Some(h), None) => Some(h.into_owned()),
            (None, Some(s)) => Some(format!("suggestion: {s}")),
            (None, None) => None,
        };
        let headline = if label.is_some() {
            message.into_owned()
        } else {
            let field = field.map(|f| format!(" · {f}")).unwrap_or_default();
            format!("{file}:{} · {listing}{field}: {message}", finding.line)
        };
        Self {
            finding,
            headline,
            source,
            label,
            help,
        }
    }
}

/// Why a conditional rule applied, in a few words: `because 「美白」 in
/// title`, `because category 「美妆>面部护肤」`.
pub fn because(finding: &Finding) -> Option<String> {
    let reason = finding.reason.as_ref()?;
    let text = escape_line(&reason.text);
    Some(if reason.is_category() {
        format!("because category 「{text}」")
    } else {
        format!("because 「{text}」 in {}", escape_line(&reason.field))
    })
}

fn label_text(finding: &Finding) -> String {
    match &finding.text {
        Some(text) => format!("「{}」", escape_line(text)),
        None => String::new(),
    }
}

/// Cuts a window of context around a character span of `value` (indexed
/// by `offsets`), in time proportional to the window. Returns the window
/// and the span's byte offset and length within it. A span past the end
/// of the value is clamped to it.
fn window(value: &str, offsets: &CharOffsets, start: usize, end: usize) -> (String, usize, usize) {
    let chars = offsets.chars();
    let end = end.min(chars);
    let start = start.min(end);
    let from = start.saturating_sub(CONTEXT_CHARS);
    let to = (end + CONTEXT_CHARS).min(chars);
    let [from_byte, start_byte, end_byte, to_byte] =
        [from, start, end, to].map(|index| offsets.byte(value, index));
    let mut out = String::with_capacity(to_byte - from_byte + 6);
    if from > 0 {
        out.push('…');
    }
    let before = escape_text(&value[from_byte..start_byte]);
    let span = escape_text(&value[start_byte..end_byte]);
    let after = escape_text(&value[end_byte..to_byte]);
    out.push_str(&before);
    let offset = out.len();
    out.push_str(&span);
    out.push_str(&after);
    if to < chars {
        out.push('…');
    }
    (out, offset, span.len())
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("rule", &self.finding.rule)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} ({})",
            escape_line(&self.finding.rule),
            self.finding.severity
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_marks_truncation_and_keeps_the_span() {
        let value = format!("{}最好{}", "甲".repeat(50), "乙".repeat(50));
        let (w, offset, len) = window(&value, &CharOffsets::new(&value), 50, 52);
        assert!(w.starts_with('…') && w.ends_with('…'));
        assert_eq!(&w[offset..offset + len], "最好");
    }

    /// The window as cut before, from the value's characters collected
    /// for each finding: the meaning `window` keeps.
    fn collected_window(value: &str, start: usize, end: usize) -> (String, usize, usize) {
        let chars: Vec<char> = value.chars().collect();
        let from = start.saturating_sub(CONTEXT_CHARS);
        let to = (end + CONTEXT_CHARS).min(chars.len());
        let mut out = String::new();
        if from > 0 {
            out.push('…');
        }
        let before: String = chars[from..start].iter().collect();
        let span: String = chars[start..end].iter().collect();
        let after: String = chars[end..to].iter().collect();
        out.push_str(&before);
        let offset = out.len();
        out.push_str(&span);
        out.push_str(&after);
        if to < chars.len() {
            out.push('…');
        }
        (out, offset, span.len())
    }

    proptest::proptest! {
        #[test]
        fn window_is_the_collected_window(
            value in "[a-c最好，\u{1F600} ]{0,150}",
            start in 0usize..150,
            len in 0usize..20,
        ) {
            let chars = value.chars().count();
            let start = start.min(chars);
            let end = (start + len).min(chars);
            let offsets = CharOffsets::new(&value);
            proptest::prop_assert_eq!(
                window(&value, &offsets, start, end),
                collected_window(&value, start, end)
            );
        }
    }

    #[test]
    fn findings_of_one_field_walk_its_characters_once() {
        let hits = 2_000;
        let value: Arc<str> = Arc::from("最好，".repeat(hits));
        let findings: Vec<Finding> = (0..hits)
            .map(|i| Finding {
                rule: Arc::from("absolute/superlative"),
                pack: Arc::from("cn-ad-absolutes"),
                category: Arc::from("absolute-terms"),
                severity: Severity::Error,
                message: "绝对化用语「最好」".to_owned(),
                help: None,
                suggestion: None,
                file: Arc::from("big.csv"),
                line: 2,
                record: 1,
                listing_id: Some("A".to_owned()),
                field: Some(Arc::from("description")),
                start: Some(3 * i),
                end: Some(3 * i + 2),
                text: Some("最好".to_owned()),
                fingerprint: String::new(),
                reason: None,
                source: Some(value.clone()),
                value: 0,
                column: None,
                unsafe_fix: false,
            })
            .collect();
        let mut out = Vec::new();
        let before = listlint_core::text::char_offsets::steps();
        let every_finding = HumanOptions {
            max_per_rule: 0,
            ..HumanOptions::default()
        };
        HumanReporter::new(&mut out, every_finding)
            .findings(&findings)
            .unwrap();
        let walked = listlint_core::text::char_offsets::steps() - before;
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.matches("「最好」").count(),
            2 * hits,
            "label and message"
        );
        assert!(
            walked <= 3 * hits + hits * 4 * listlint_core::text::char_offsets::STRIDE,
            "{walked} characters walked for {hits} findings"
        );
    }
}
