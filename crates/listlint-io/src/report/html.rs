//! `--format html`: one self-contained page to open in a browser or
//! forward by mail.
//!
//! The page has totals by severity, category and rule (tables and inline
//! SVG bar charts, rendered here) and the findings grouped by listing,
//! rendered in the browser from a JSON document embedded in a
//! `<script type="application/json">`: each listing's field text with every
//! matched span in a `<mark data-rule="RULE_ID">`, and each finding's
//! message, suggestion, help and legal basis. Filters by severity,
//! category and rule and a search box select what is shown, 50 listings a
//! page; the filter state is kept in the address's fragment
//! (`#rule=absolute%2Fsuperlative&q=…&page=2`), so a filtered view can be
//! bookmarked or sent.
//!
//! Self-contained and inert: no external resource of any kind (styles,
//! script and charts are inline), and a Content-Security-Policy that
//! forbids loading anything (`default-src 'none'`) and runs only the page's
//! own script and style (by hash). Listing text never becomes markup: in
//! the embedded JSON every `<`, `>` and `&` is written as a `\u` escape, so
//! a listing cannot close the `<script>` element, and the page's script
//! puts text into the page with `textContent` only.
//!
//! Headings are Chinese when the rules' messages are (the built-in packs'
//! are), English otherwise.
//!
//! Fields longer than [`LONG_FIELD`] characters (HTML descriptions) are
//! shown as excerpts of [`CONTEXT`] characters around each finding.
//!
//! Memory: listings are rendered as they complete into a [`Spool`] (a
//! temporary file), which is copied into the page at the end. What stays in
//! memory is one listing's findings, each input file's name, each rule
//! that fired with its counts, and up to [`MESSAGE_TABLE`] distinct
//! messages (findings refer to them by number, which keeps the page about
//! 40% smaller).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::spool::{copy_exactly, Spool};
use super::{Finding, Language, Reporter, RuleInfo, Summary};
use listlint_core::model::Severity;

/// The page's script.
const APP_JS: &str = include_str!("html/app.js");
/// The page's style sheet.
const STYLE: &str = include_str!("html/report.css");

/// Fields longer than this many characters are shown as excerpts.
pub const LONG_FIELD: usize = 600;
/// Characters shown either side of a finding in an excerpt.
pub const CONTEXT: usize = 60;
/// Rules shown in the bar chart of rules (the table lists them all).
const CHART_RULES: usize = 8;
/// Distinct messages kept in the page's message table; findings refer to
/// them by number (most runs have a few dozen). Messages past it are
/// written out in each finding.
const MESSAGE_TABLE: usize = 4096;

/// Severities in the order the page lists them; their position is the
/// number the embedded JSON uses.
const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Writes listings to a spool as they complete, the page at the end.
pub struct HtmlReporter<W: Write> {
    out: W,
    language: Language,
    spool: Spool,
    /// Listings in the spool.
    written: u64,
    /// Summary and legal basis of each enabled rule, by id.
    catalog: HashMap<String, (Option<String>, Vec<String>)>,
    /// The rules that fired, in the order they first did.
    rules: Vec<RuleEntry>,
    rule_index: HashMap<Arc<str>, usize>,
    files: Vec<Arc<str>>,
    file_index: HashMap<Arc<str>, usize>,
    /// The message table, and each message's number in it.
    messages: Vec<String>,
    message_index: HashMap<String, usize>,
    /// The listing whose findings are arriving.
    open: Option<OpenListing>,
    buffer: Vec<u8>,
}

/// A rule that fired.
struct RuleEntry {
    id: Arc<str>,
    category: Arc<str>,
    summary: Option<String>,
    help: Option<Arc<str>>,
    references: Vec<String>,
    counts: [u64; 3],
}

/// One listing's findings, until the next listing starts.
struct OpenListing {
    file: usize,
    record: u64,
    line: u64,
    id: Option<String>,
    fields: Vec<OpenField>,
    items: Vec<Item>,
}

/// A field value shown with its findings' spans.
struct OpenField {
    name: Arc<str>,
    value: u32,
    text: Arc<str>,
    /// Character span and finding index of each located finding.
    spans: Vec<(usize, usize, usize)>,
}

/// One finding of the open listing.
struct Item {
    rule: usize,
    severity: Severity,
    message: Message,
    text: Option<String>,
    suggestion: Option<Arc<str>>,
    /// The field shown for it, if its value is known.
    field: Option<usize>,
    /// Its field's name when the value is not shown (a missing field).
    field_name: Option<Arc<str>>,
    /// Its help, when it is not its rule's.
    help: Option<Arc<str>>,
    /// Why its rule applied: the field (or `category`) and the word (or
    /// the category path).
    why: Option<(Arc<str>, String)>,
}

impl<W: Write> HtmlReporter<W> {
    /// Writes to `out`; `rules` are the enabled rules (their summaries and
    /// legal basis), `language` that of the headings. Fails when no
    /// temporary file can be created.
    pub fn new(out: W, rules: &[RuleInfo], language: Language) -> io::Result<Self> {
        Ok(Self {
            out,
            language,
            spool: Spool::new("html")?,
            written: 0,
            catalog: rules
                .iter()
                .map(|r| (r.id.clone(), (r.summary.clone(), r.references.clone())))
                .collect(),
            rules: Vec::new(),
            rule_index: HashMap::new(),
            files: Vec::new(),
            file_index: HashMap::new(),
            messages: Vec::new(),
            message_index: HashMap::new(),
            open: None,
            buffer: Vec::new(),
        })
    }

    fn rule(&mut self, f: &Finding) -> usize {
        if let Some(&index) = self.rule_index.get(&f.rule) {
            return index;
        }
        let (summary, references) = self.catalog.remove(&*f.rule).unwrap_or_default();
        self.rules.push(RuleEntry {
            id: f.rule.clone(),
            category: f.category.clone(),
            summary,
            help: f.help.clone(),
            references,
            counts: [0; 3],
        });
        self.rule_index.insert(f.rule.clone(), self.rules.len() - 1);
        self.rules.len() - 1
    }

    fn file(&mut self, name: &Arc<str>) -> usize {
        if let Some(&index) = self.file_index.get(name) {
            return index;
        }
        self.files.push(name.clone());
        self.file_index.insert(name.clone(), self.files.len() - 1);
        self.files.len() - 1
    }

    /// The message, by its number in the table when it is or can be there.
    fn message(&mut self, text: &str) -> Message {
        if let Some(&index) = self.message_index.get(text) {
            return Message::Table(index);
        }
        if self.messages.len() < MESSAGE_TABLE {
            self.messages.push(text.to_owned());
            self.message_index
                .insert(text.to_owned(), self.messages.len() - 1);
            return Message::Table(self.messages.len() - 1);
        }
        Message::Text(text.to_owned())
    }

    fn add(&mut self, f: &Finding) -> io::Result<()> {
        let file = self.file(&f.file);
        if self
            .open
            .as_ref()
            .is_some_and(|o| o.file != file || o.record != f.record)
        {
            self.close_listing()?;
        }
        let rule = self.rule(f);
        self.rules[rule].counts[slot(f.severity)] += 1;
        let message = self.message(&f.message);
        let help = match (&f.help, &self.rules[rule].help) {
            (Some(h), Some(r)) if h == r => None,
            (None, None) => None,
            (h, _) => Some(h.clone().unwrap_or_else(|| Arc::from(""))),
        };
        let listing = self.open.get_or_insert_with(|| OpenListing {
            file,
            record: f.record,
            line: f.line,
            id: f.listing_id.clone(),
            fields: Vec::new(),
            items: Vec::new(),
        });
        let index = listing.items.len();
        let mut item = Item {
            rule,
            severity: f.severity,
            message,
            text: f.text.clone(),
            suggestion: f.suggestion.clone(),
            field: None,
            field_name: None,
            help,
            why: f.reason.as_ref().map(|r| (r.field.clone(), r.text.clone())),
        };
        match (&f.field, &f.source) {
            (Some(name), Some(text)) => {
                let position = listing.fields.iter().position(|g| {
                    g.name == *name
                        && g.value == f.value
                        && (Arc::ptr_eq(&g.text, text) || g.text == *text)
                });
                let position = position.unwrap_or_else(|| {
                    listing.fields.push(OpenField {
                        name: name.clone(),
                        value: f.value,
                        text: text.clone(),
                        spans: Vec::new(),
                    });
                    listing.fields.len() - 1
                });
                if let (Some(start), Some(end)) = (f.start, f.end) {
                    listing.fields[position].spans.push((start, end, index));
                }
                item.field = Some(position);
            }
            (Some(name), None) => item.field_name = Some(name.clone()),
            (None, _) => {}
        }
        listing.items.push(item);
        Ok(())
    }

    /// Renders the open listing into the spool.
    fn close_listing(&mut self) -> io::Result<()> {
        let Some(listing) = self.open.take() else {
            return Ok(());
        };
        let fields: Vec<FieldOut<'_>> = listing
            .fields
            .iter()
            .map(|g| FieldOut {
                n: &g.name,
                v: g.value > 0,
                p: pieces(&g.text, &g.spans),
            })
            .collect();
        let items: Vec<ItemOut<'_>> = listing
            .items
            .iter()
            .map(|i| ItemOut {
                r: i.rule,
                s: slot(i.severity),
                m: &i.message,
                t: i.text.as_deref(),
                g: i.suggestion.as_deref(),
                d: i.field,
                n: i.field_name.as_deref(),
                h: i.help.as_deref(),
                w: i.why
                    .as_ref()
                    .map(|(field, text)| (&**field, text.as_str())),
            })
            .collect();
        let out = ListingOut {
            f: listing.file,
            l: listing.line,
            r: listing.record,
            i: listing.id.as_deref(),
            g: fields,
            x: items,
        };
        self.buffer.clear();
        if self.written > 0 {
            self.buffer.push(b',');
        }
        script_json(&out, &mut self.buffer)?;
        self.written += 1;
        self.spool.write_all(&self.buffer)
    }

    /// The page up to the embedded listings.
    fn head(&self, summary: &Summary) -> io::Result<String> {
        let t = |key| label(self.language, key);
        let mut page = String::with_capacity(64 * 1024);
        let _ = write!(
            page,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             script-src 'sha256-{script}'; style-src 'sha256-{style}'; img-src 'none'; \
             base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"generator\" content=\"listlint {version}\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            lang = match self.language {
                Language::Chinese => "zh-CN",
                Language::English => "en",
            },
            script = sha256_base64(APP_JS),
            style = sha256_base64(STYLE),
            version = env!("CARGO_PKG_VERSION"),
            title = escape(t("title")),
        );
        let _ = write!(
            page,
            "<header class=\"page\">\n<h1>{}</h1>\n<p class=\"overview\">{}</p>\n</header>\n<main>\n",
            escape(t("title")),
            escape(&fill(
                t("overview"),
                &[
                    ("files", summary.files),
                    ("listings", summary.listings),
                    ("findings", summary.findings),
                ]
            )),
        );
        if let Some(baseline) = &summary.baseline {
            let _ = writeln!(
                page,
                "<p class=\"overview\">{}</p>",
                escape(&fill(t("baseline"), &[("n", baseline.suppressed)]))
            );
        }
        if summary.waived > 0 {
            let _ = writeln!(
                page,
                "<p class=\"overview\">{}</p>",
                escape(&fill(t("waived"), &[("n", summary.waived)]))
            );
        }
        self.totals(summary, &mut page);
        let _ = write!(
            page,
            "<h2 id=\"details\">{details}</h2>\n<section class=\"card\">\n<div class=\"controls\">\n\
             <label>{severity}<select id=\"filter-severity\"></select></label>\n\
             <label>{category}<select id=\"filter-category\"></select></label>\n\
             <label>{rule}<select id=\"filter-rule\"></select></label>\n\
             <label>{search}<input type=\"search\" id=\"filter-q\" placeholder=\"{hint}\"></label>\n\
             <button type=\"button\" id=\"filter-reset\">{reset}</button>\n</div>\n\
             <p class=\"status\" id=\"status\"></p>\n<nav class=\"pager\" id=\"pager-top\"></nav>\n\
             </section>\n<div id=\"listings\"><noscript><p class=\"empty\">{noscript}</p></noscript></div>\n\
             <nav class=\"pager\" id=\"pager-bottom\"></nav>\n</main>\n",
            details = escape(t("details")),
            severity = escape(t("severity")),
            category = escape(t("category")),
            rule = escape(t("rule")),
            search = escape(t("search")),
            hint = escape(t("search_hint")),
            reset = escape(t("reset")),
            noscript = escape(t("noscript")),
        );
        Ok(page)
    }

    /// What the page calls a category.
    fn category_name(&self, category: &str) -> String {
        let name = match self.language {
            Language::Chinese => CATEGORY_NAMES.iter().find(|(c, _)| *c == category),
            Language::English => None,
        };
        name.map_or_else(|| category.to_owned(), |(_, name)| (*name).to_owned())
    }

    /// The totals: by severity, category and rule, each a bar chart whose
    /// labels link to the filtered findings, then every rule's counts by
    /// severity in a table.
    fn totals(&self, summary: &Summary, page: &mut String) {
        let t = |key| label(self.language, key);
        let _ = write!(
            page,
            "<h2 id=\"totals\">{}</h2>\n<div class=\"totals\">\n",
            escape(t("totals"))
        );

        let severities: Vec<Bar> = SEVERITIES
            .iter()
            .map(|&s| Bar {
                label: t(s.as_str()).to_owned(),
                link: format!("severity={}", s.as_str()),
                count: summary.severity(s),
                class: s.as_str(),
            })
            .collect();
        let mut categories: Vec<(&String, &u64)> = summary.by_category.iter().collect();
        categories.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let categories: Vec<Bar> = categories
            .iter()
            .map(|(c, n)| Bar {
                label: self.category_name(c),
                link: format!("category={}", fragment_value(c)),
                count: **n,
                class: "category",
            })
            .collect();
        let mut rules: Vec<&RuleEntry> = self.rules.iter().collect();
        let total = |r: &RuleEntry| r.counts.iter().sum::<u64>();
        rules.sort_by(|a, b| total(b).cmp(&total(a)).then(a.id.cmp(&b.id)));
        let top_rules: Vec<Bar> = rules
            .iter()
            .take(CHART_RULES)
            .map(|r| Bar {
                label: r.id.to_string(),
                link: format!("rule={}", fragment_value(&r.id)),
                count: total(r),
                // The colour of the rule's most severe findings.
                class: SEVERITIES
                    .iter()
                    .find(|&&s| r.counts[slot(s)] > 0)
                    .map_or("category", |s| s.as_str()),
            })
            .collect();
        for (id, key, bars) in [
            ("by-severity", "by_severity", &severities),
            ("by-category", "by_category", &categories),
            ("by-rule", "top_rules", &top_rules),
        ] {
            let _ = write!(
                page,
                "<section class=\"card\" id=\"{id}\">\n<h3>{}</h3>\n{}</section>\n",
                escape(t(key)),
                bar_chart(bars, t(key)),
            );
        }
        page.push_str("</div>\n");

        let _ = write!(
            page,
            "<details class=\"card\" id=\"rule-table\">\n<summary>{}</summary>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th>",
            escape(&fill(t("by_rule"), &[("n", rules.len() as u64)])),
            escape(t("rule")),
            escape(t("description")),
            escape(t("category")),
        );
        for s in SEVERITIES {
            let _ = write!(page, "<th class=\"n\">{}</th>", escape(t(s.as_str())));
        }
        let _ = writeln!(page, "<th class=\"n\">{}</th></tr>", escape(t("total")));
        for r in &rules {
            let _ = write!(
                page,
                "<tr><td><a href=\"#rule={}\">{}</a></td><td>{}</td><td>{}</td>",
                escape(&fragment_value(&r.id)),
                escape(&r.id),
                escape(r.summary.as_deref().unwrap_or("")),
                escape(&self.category_name(&r.category)),
            );
            for count in r.counts {
                let _ = write!(page, "<td class=\"n\">{count}</td>");
            }
            let _ = writeln!(page, "<td class=\"n\">{}</td></tr>", total(r));
        }
        page.push_str("</table>\n</details>\n");
    }

    /// The embedded document up to the listings: labels, field names,
    /// files and rules.
    fn data_head(&self) -> io::Result<Vec<u8>> {
        let labels: BTreeMap<&str, &str> = LABELS
            .iter()
            .map(|(key, _, _)| (*key, label(self.language, key)))
            .collect();
        let (fields, categories): (BTreeMap<&str, &str>, BTreeMap<&str, &str>) = match self.language
        {
            Language::Chinese => (
                FIELD_NAMES.iter().copied().collect(),
                CATEGORY_NAMES.iter().copied().collect(),
            ),
            Language::English => (BTreeMap::new(), BTreeMap::new()),
        };
        let rules: Vec<RuleOut<'_>> = self
            .rules
            .iter()
            .map(|r| RuleOut {
                id: &r.id,
                category: &r.category,
                summary: r.summary.as_deref(),
                help: r.help.as_deref(),
                refs: &r.references,
            })
            .collect();
        let head = DataHead {
            labels,
            fields,
            categories,
            files: self.files.iter().map(|f| &**f).collect(),
            rules,
            messages: &self.messages,
        };
        let mut out = Vec::new();
        script_json(&head, &mut out)?;
        // `{…}` becomes `{…,"listings":[`; the listings and `]}` follow.
        out.pop();
        out.extend_from_slice(b",\"listings\":[");
        Ok(out)
    }
}

#[derive(Serialize)]
struct DataHead<'a> {
    labels: BTreeMap<&'a str, &'a str>,
    fields: BTreeMap<&'a str, &'a str>,
    categories: BTreeMap<&'a str, &'a str>,
    files: Vec<&'a str>,
    rules: Vec<RuleOut<'a>>,
    messages: &'a [String],
}

#[derive(Serialize)]
struct RuleOut<'a> {
    id: &'a str,
    category: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    refs: &'a [String],
}

/// A listing in the embedded JSON: file index, line, record, id, the
/// fields shown and the findings.
#[derive(Serialize)]
struct ListingOut<'a> {
    f: usize,
    l: u64,
    r: u64,
    i: Option<&'a str>,
    g: Vec<FieldOut<'a>>,
    x: Vec<ItemOut<'a>>,
}

/// A field shown: name, whether it is an earlier value of a repeated key,
/// and its text as pieces.
#[derive(Serialize)]
struct FieldOut<'a> {
    n: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    v: bool,
    p: Vec<Piece<'a>>,
}

/// A finding: rule index, severity slot, message (or its number in
/// `messages`), matched text,
/// suggestion, index of its field in `g`, or its field's name when the
/// value is not shown, and its help when not its rule's.
#[derive(Serialize)]
struct ItemOut<'a> {
    r: usize,
    s: usize,
    m: &'a Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    g: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<&'a str>,
    /// Why the rule applied: `[field, word]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<(&'a str, &'a str)>,
}

/// A finding's message: its number in the message table, or its text.
#[derive(Serialize)]
#[serde(untagged)]
enum Message {
    Table(usize),
    Text(String),
}

/// A piece of a field's text: plain text (a JSON string), text inside the
/// spans of some findings (`[text, [finding, …]]`), or text left out of an
/// excerpt (`null`).
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Marked(&'a str, Vec<usize>),
    Gap,
}

impl Serialize for Piece<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Piece::Text(text) => serializer.serialize_str(text),
            Piece::Gap => serializer.serialize_unit(),
            Piece::Marked(text, findings) => {
                let mut seq = serializer.serialize_seq(Some(2))?;
                seq.serialize_element(text)?;
                seq.serialize_element(findings)?;
                seq.end()
            }
        }
    }
}

/// Cuts `text` where the `spans` (character start, end, finding) begin and
/// end; each piece inside spans lists the findings covering it, outermost
/// (first starting) first. A text longer than [`LONG_FIELD`] characters
/// keeps only [`CONTEXT`] characters around each span (or its first
/// [`LONG_FIELD`] characters when no finding has a span in it).
fn pieces<'a>(text: &'a str, spans: &[(usize, usize, usize)]) -> Vec<Piece<'a>> {
    let length = text.chars().count();
    let mut spans: Vec<(usize, usize, usize)> = spans
        .iter()
        .map(|&(start, end, finding)| (start.min(length), end.min(length), finding))
        .filter(|&(start, end, _)| start < end)
        .collect();
    spans.sort_by_key(|&(start, end, finding)| (start, std::cmp::Reverse(end), finding));

    // The parts of the text shown.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    if length <= LONG_FIELD {
        windows.push((0, length));
    } else if spans.is_empty() {
        windows.push((0, LONG_FIELD));
    } else {
        for &(start, end, _) in &spans {
            let window = (start.saturating_sub(CONTEXT), (end + CONTEXT).min(length));
            match windows.last_mut() {
                Some(last) if window.0 <= last.1 => last.1 = last.1.max(window.1),
                _ => windows.push(window),
            }
        }
    }

    let mut cuts: Vec<usize> = windows
        .iter()
        .flat_map(|&(start, end)| [start, end])
        .chain(spans.iter().flat_map(|&(start, end, _)| [start, end]))
        .chain([0, length])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    // Byte offset of each cut, in one pass over the text.
    let mut bytes = Vec::with_capacity(cuts.len());
    let mut pending = cuts.iter().peekable();
    let boundaries = text.char_indices().map(|(at, _)| at).chain([text.len()]);
    for (index, at) in boundaries.enumerate() {
        while pending.next_if(|&&cut| cut == index).is_some() {
            bytes.push(at);
        }
        if pending.peek().is_none() {
            break;
        }
    }

    let mut out = Vec::new();
    let mut window = 0;
    let mut next_span = 0;
    let mut active: Vec<(usize, usize, usize)> = Vec::new();
    for pair in 0..cuts.len().saturating_sub(1) {
        let start = cuts[pair];
        while window < windows.len() && windows[window].1 <= start {
            window += 1;
        }
        let shown = window < windows.len() && windows[window].0 <= start;
        if !shown {
            if out.last() != Some(&Piece::Gap) {
                out.push(Piece::Gap);
            }
            continue;
        }
        while next_span < spans.len() && spans[next_span].0 <= start {
            active.push(spans[next_span]);
            next_span += 1;
        }
        active.retain(|&(_, end, _)| end > start);
        let slice = &text[bytes[pair]..bytes[pair + 1]];
        if active.is_empty() {
            out.push(Piece::Text(slice));
        } else {
            out.push(Piece::Marked(
                slice,
                active.iter().map(|&(_, _, finding)| finding).collect(),
            ));
        }
    }
    out
}

/// Appends `value` as JSON that is safe inside a `<script>` element: every
/// `<`, `>` and `&` (which JSON holds only inside strings) written as a
/// `\u` escape, so no listing text can end the element or start a comment.
fn script_json(value: &impl Serialize, out: &mut Vec<u8>) -> io::Result<()> {
    let json = serde_json::to_vec(value)?;
    out.reserve(json.len());
    for byte in json {
        match byte {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            byte => out.push(byte),
        }
    }
    Ok(())
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value` percent-encoded for the page's fragment (`#rule=…`), as
/// `URLSearchParams` reads it back.
fn fragment_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The SHA-256 digest of `text`, base64-encoded, as a Content-Security-
/// Policy hash source wants it.
fn sha256_base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(44);
    for chunk in digest.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One bar of a chart.
struct Bar {
    label: String,
    /// The page's fragment that shows its findings (`rule=…`).
    link: String,
    count: u64,
    /// CSS class of the bar: a severity, or `category`.
    class: &'static str,
}

/// A horizontal bar chart as inline SVG: a label (a link to the findings
/// it counts), a bar as long as its count relative to the largest, and the
/// count.
fn bar_chart(bars: &[Bar], title: &str) -> String {
    const WIDTH: u64 = 360;
    const LABEL: u64 = 172;
    const BAR: u64 = 140;
    const ROW: u64 = 22;
    if bars.is_empty() {
        return String::new();
    }
    let most = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as u64;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
         role=\"img\" aria-label=\"{}\">\n",
        escape(title)
    );
    for (row, bar) in bars.iter().enumerate() {
        let y = ROW * row as u64;
        let length = if bar.count == 0 {
            0
        } else {
            (BAR * bar.count / most).max(2)
        };
        let label: String = if bar.label.chars().count() > 24 {
            bar.label.chars().take(23).chain(['…']).collect()
        } else {
            bar.label.clone()
        };
        let _ = writeln!(
            svg,
            "<a href=\"#{}\"><title>{}</title><text x=\"0\" y=\"{}\">{}</text></a>\
             <rect class=\"bar sev-{}\" x=\"{LABEL}\" y=\"{}\" width=\"{length}\" height=\"14\" rx=\"2\"></rect>\
             <text class=\"count\" x=\"{}\" y=\"{}\">{}</text>",
            escape(&bar.link),
            escape(&bar.label),
            y + 15,
            escape(&label),
            bar.class,
            y + 4,
            LABEL + length + 5,
            y + 15,
            bar.count
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// `template` with each `{name}` replaced by its number.
fn fill(template: &str, values: &[(&str, u64)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// Canonical field names and what the Chinese page calls them.
const FIELD_NAMES: &[(&str, &str)] = &[
    ("id", "商品ID"),
    ("title", "标题"),
    ("subtitle", "副标题"),
    ("description", "商品详情"),
    ("category", "类目"),
    ("brand", "品牌"),
    ("price", "价格"),
    ("original_price", "划线价"),
    ("promo_text", "促销信息"),
    ("promo_start", "活动开始时间"),
    ("promo_end", "活动结束时间"),
    ("tags", "标签"),
];

/// The categories of the built-in packs (and `input`) and what the
/// Chinese page calls them; other categories are shown as they are named.
const CATEGORY_NAMES: &[(&str, &str)] = &[
    ("absolute-terms", "绝对化用语"),
    ("claims", "违规宣称"),
    ("certificates", "资质证照"),
    ("pricing", "价格"),
    ("promotions", "促销"),
    ("prohibited", "禁售商品"),
    ("ip", "知识产权"),
    ("input", "无法读取的记录"),
];

/// The page's words: key, Chinese, English.
const LABELS: &[(&str, &str, &str)] = &[
    ("title", "listlint 检查报告", "listlint report"),
    (
        "overview",
        "{files} 个文件，{listings} 条商品记录，{findings} 个问题",
        "{files} files, {listings} listing records, {findings} findings",
    ),
    (
        "baseline",
        "基线中已有、未列出的问题：{n} 个",
        "Findings in the baseline, not listed: {n}",
    ),
    (
        "waived",
        "已豁免、未列出的问题：{n} 个",
        "Waived findings, not listed: {n}",
    ),
    ("totals", "问题统计", "Totals"),
    ("by_severity", "按严重程度", "By severity"),
    ("by_category", "按类别", "By category"),
    ("top_rules", "问题最多的规则", "Rules with most findings"),
    (
        "by_rule",
        "各规则问题数（{n} 条规则）",
        "Findings per rule ({n} rules)",
    ),
    ("severity", "严重程度", "Severity"),
    ("category", "类别", "Category"),
    ("rule", "规则", "Rule"),
    ("description", "说明", "Description"),
    ("count", "问题数", "Findings"),
    ("total", "合计", "Total"),
    ("error", "错误", "error"),
    ("warning", "警告", "warning"),
    ("info", "提示", "info"),
    ("details", "问题明细（按商品）", "Findings by listing"),
    ("search", "搜索", "Search"),
    (
        "search_hint",
        "商品ID、文字、规则…",
        "listing id, text, rule…",
    ),
    ("all", "全部", "All"),
    ("reset", "清除筛选", "Clear filters"),
    (
        "showing",
        "显示 {shown} / {total} 个问题，涉及 {listings} 个商品",
        "Showing {shown} of {total} findings in {listings} listings",
    ),
    ("page", "第 {page} / {pages} 页", "Page {page} of {pages}"),
    ("prev", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("listing", "商品", "Listing"),
    ("record", "第 {n} 条记录", "Record {n}"),
    ("whole_file", "整个文件", "Whole file"),
    (
        "because",
        "原因：{field} 中有「{text}」",
        "Because: 「{text}」 in {field}",
    ),
    ("line", "第 {n} 行", "line {n}"),
    (
        "repeat",
        "（同名字段的另一个值）",
        "(an earlier value of the field)",
    ),
    ("suggestion", "建议", "Suggestion"),
    ("help", "帮助", "Help"),
    ("legal", "法律依据", "Legal basis"),
    ("none", "未发现问题。", "No findings."),
    (
        "no_match",
        "没有符合筛选条件的问题。",
        "No finding matches the filters.",
    ),
    (
        "noscript",
        "问题明细需要启用 JavaScript 才能显示；统计见上方。",
        "The findings need JavaScript to be shown; the totals are above.",
    ),
];

/// The word for `key` in `language`.
fn label(language: Language, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |&(_, zh, en)| match language {
            Language::Chinese => zh,
            Language::English => en,
        })
}

impl<W: Write> Reporter for HtmlReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        findings.iter().try_for_each(|f| self.add(f))
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.close_listing()?;
        let head = self.head(summary)?;
        let data = self.data_head()?;
        self.out.write_all(head.as_bytes())?;
        self.out
            .write_all(b"<script type=\"application/json\" id=\"listlint-data\">")?;
        self.out.write_all(&data)?;
        let len = self.spool.len();
        copy_exactly(&mut self.spool.read_back()?, len, &mut self.out)?;
        self.out.write_all(b"]}</script>\n<script>")?;
        self.out.write_all(APP_JS.as_bytes())?;
        self.out.write_all(b"</script>\n</body>\n</html>\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(pieces: &[Piece<'a>]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Marked(t, f) => format!("[{t}|{f:?}]"),
                Piece::Gap => "…".to_string(),
            })
            .collect()
    }

    #[test]
    fn spans_cut_the_text_and_overlaps_list_every_finding() {
        let value = "全网最好的第一名𠀀好货";
        // 最好 (2..4), 第一 (5..7), 最好的第一 (2..7), 𠀀好 (8..10).
        let cut = pieces(value, &[(2, 4, 0), (5, 7, 1), (2, 7, 2), (8, 10, 3)]);
        assert_eq!(
            text(&cut),
            [
                "全网",
                "[最好|[2, 0]]",
                "[的|[2]]",
                "[第一|[2, 1]]",
                "名",
                "[𠀀好|[3]]",
                "货"
            ]
        );
    }

    #[test]
    fn spans_past_the_end_are_clamped_and_empty_ones_dropped() {
        let cut = pieces("最好", &[(1, 9, 0), (1, 1, 1)]);
        assert_eq!(text(&cut), ["最", "[好|[0]]"]);
        assert_eq!(text(&pieces("", &[])), Vec::<String>::new());
    }

    #[test]
    fn a_long_field_is_shown_as_excerpts_around_its_spans() {
        let value = format!(
            "{}最好{}第一{}",
            "a".repeat(1000),
            "b".repeat(80),
            "c".repeat(1000)
        );
        let cut = pieces(&value, &[(1000, 1002, 0), (1082, 1084, 1)]);
        let shown = text(&cut);
        assert_eq!(shown.first().map(String::as_str), Some("…"));
        assert_eq!(shown.last().map(String::as_str), Some("…"));
        assert_eq!(shown.iter().filter(|p| p.as_str() == "…").count(), 2);
        assert!(shown.contains(&"[最好|[0]]".to_string()));
        assert!(shown.contains(&"b".repeat(80)), "windows 80 apart merge");
        assert_eq!(shown[1], "a".repeat(CONTEXT));
        assert_eq!(shown[shown.len() - 2], "c".repeat(CONTEXT));

        let far = format!("最好{}第一", "x".repeat(2000));
        let shown = text(&pieces(&far, &[(0, 2, 0), (2002, 2004, 1)]));
        assert_eq!(shown.len(), 5, "{shown:?}");
        assert_eq!(shown[2], "…");

        let plain = "z".repeat(LONG_FIELD + 1);
        let shown = text(&pieces(&plain, &[]));
        assert_eq!(shown, ["z".repeat(LONG_FIELD), "…".to_string()]);
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let mut out = Vec::new();
        script_json(&"</script><!-- & -->", &mut out).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, "</script><!-- & -->");
    }

    #[test]
    fn csp_hashes_are_base64_sha256() {
        // As `openssl dgst -sha256 -binary | base64` gives them.
        assert_eq!(
            sha256_base64(""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            sha256_base64("abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn messages_past_the_table_are_written_out() {
        let finding = |n: usize| Finding {
            rule: Arc::from("a/rule"),
            pack: Arc::from("p"),
            category: Arc::from("claims"),
            severity: Severity::Warning,
            message: format!("message {}", n % (MESSAGE_TABLE + 2)),
            help: None,
            suggestion: None,
            file: Arc::from("f.csv"),
            line: n as u64 + 2,
            record: n as u64 + 1,
            listing_id: None,
            field: None,
            start: None,
            end: None,
            text: None,
            fingerprint: String::new(),
            reason: None,
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
        };
        let findings: Vec<Finding> = (0..MESSAGE_TABLE + 4).map(finding).collect();
        let mut out = Vec::new();
        let mut reporter = HtmlReporter::new(&mut out, &[], Language::Chinese).unwrap();
        reporter.findings(&findings).unwrap();
        reporter.finish(&Summary::new()).unwrap();
        drop(reporter);
        let page = String::from_utf8(out).unwrap();
        let start = page.find("id=\"listlint-data\">").unwrap() + 19;
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(data["messages"].as_array().unwrap().len(), MESSAGE_TABLE);
        let messages: Vec<String> = data["listings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let m = &l["x"][0]["m"];
                match m.as_u64() {
                    Some(n) => data["messages"][n as usize].as_str().unwrap().to_owned(),
                    None => m.as_str().unwrap().to_owned(),
                }
            })
            .collect();
        let expected: Vec<String> = findings.iter().map(|f| f.message.clone()).collect();
        assert_eq!(messages, expected);
        assert!(data["listings"][MESSAGE_TABLE]["x"][0]["m"].is_string());
        assert!(data["listings"][MESSAGE_TABLE + 2]["x"][0]["m"].is_number());
    }

    #[test]
    fn every_label_has_both_languages() {
        for (key, zh, en) in LABELS {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
        }
        assert_eq!(label(Language::Chinese, "totals"), "问题统计");
        assert_eq!(label(Language::English, "totals"), "Totals");
    }
}
