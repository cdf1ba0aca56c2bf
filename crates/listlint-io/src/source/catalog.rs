//! Catalog files: one listing per file, as catalog repositories keep them.
//!
//! - YAML (`.yaml`, `.yml`): a mapping of fields (nested maps flatten with
//!   `.`).
//! - Markdown (`.md`, `.markdown`): YAML front matter between `---` lines
//!   holds the fields; the body below it is the `description` unless the
//!   front matter sets one.
//! - JSON: one object, read by the JSON reader.
//!
//! The record's line is where its fields start (line 2 for front matter).
//! A file that cannot be parsed is an `input` finding at the line the YAML
//! parser names.
//!
//! Every scalar keeps its text as written: YAML would read `00123` as the
//! number 123, `NO` and `Y` as booleans and `1.10` as 1.1, which are not
//! what a catalog means by an id, a size or a version. Fields flatten as
//! JSON's do, and a key given more than once is handled as in JSON (see
//! [`super::repeated`]).

use std::io::Read;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::options::DuplicateKeyPolicy;
use serde_saphyr::{Location, Spanned};

use super::repeated::map_fields;
use super::{read_document, RawRecord};
use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::{InputProblem, Listing};
use listlint_core::suppress::{self, scan_comments, Directives};

/// Which catalog file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogKind {
    /// A YAML mapping.
    Yaml,
    /// Markdown with YAML front matter.
    Markdown,
}

/// Reads one catalog file as one record, to be parsed by the worker that
/// checks it ([`parse_catalog_file`]), so that the files of a catalog
/// repository are parsed in parallel.
/// `max_bytes`: a catalog file is one listing, so `--max-record-bytes`.
pub fn catalog_record<R: Read>(
    input: R,
    file: Arc<str>,
    kind: CatalogKind,
    max_bytes: u64,
) -> Vec<RawRecord> {
    match read_document(input, &file, max_bytes, "--max-record-bytes") {
        Ok(bytes) => vec![RawRecord::CatalogFile { file, kind, bytes }],
        Err(records) => records,
    }
}

/// The most YAML nodes (mappings, sequences and scalars, aliases expanded)
/// one catalog file may hold. A catalog file is one listing, which needs a
/// few hundred; the parser's own default (250,000) let an alias bomb of a
/// few hundred bytes hold some 75 MB while it expanded.
pub const MAX_CATALOG_NODES: usize = 20_000;

/// Whether the parser stopped at a limit of [`catalog_budget`] (its error
/// may be wrapped in an alias's or a snippet's).
fn is_budget_breach(mut error: &serde_saphyr::Error) -> bool {
    loop {
        match error {
            serde_saphyr::Error::Budget { .. } => return true,
            serde_saphyr::Error::AliasError { error: inner, .. }
            | serde_saphyr::Error::WithSnippet { error: inner, .. } => error = inner,
            _ => return false,
        }
    }
}

/// The YAML parser's limits for a catalog file.
fn catalog_budget() -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_CATALOG_NODES;
    budget.max_aliases = MAX_CATALOG_NODES;
    budget
}

/// Parses a catalog file's bytes into its listing; a file that cannot be
/// read as one is a listing carrying the problem.
pub fn parse_catalog_file(
    file: Arc<str>,
    kind: CatalogKind,
    bytes: Vec<u8>,
    mapper: &mut FieldMapper,
) -> Listing {
    parse_catalog_file_with_directives(file, kind, bytes, mapper).0
}

/// [`parse_catalog_file`], with the file's inline suppressions
/// (`# listlint: ignore[RULE] REASON` comments and the top-level
/// `listlint` key, which is not a field): see
/// [`listlint_core::suppress`].
pub fn parse_catalog_file_with_directives(
    file: Arc<str>,
    kind: CatalogKind,
    bytes: Vec<u8>,
    mapper: &mut FieldMapper,
) -> (Listing, Directives) {
    let mut directives = Directives::default();
    let listing = parse_catalog(file, kind, bytes, mapper, &mut directives);
    (listing, directives)
}

fn parse_catalog(
    file: Arc<str>,
    kind: CatalogKind,
    bytes: Vec<u8>,
    mapper: &mut FieldMapper,
    directives: &mut Directives,
) -> Listing {
    let mut problems = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            problems.push(InputProblem::error(
                "input/invalid-utf8",
                format!(
                    "invalid UTF-8 at byte {} (read with replacement characters)",
                    e.utf8_error().valid_up_to()
                ),
                None,
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let unreadable = |line, rule, message| Listing::unreadable(&file, line, 1, rule, message);
    let (yaml, first_line, body) =
        match kind {
            CatalogKind::Yaml => (text, 1, None),
            CatalogKind::Markdown => match split_front_matter(text) {
                Some((front, body)) => (front, 2, Some(body)),
                None => return unreadable(
                    1,
                    "input/no-front-matter",
                    "line 1: a Markdown listing starts with YAML front matter between `---` lines"
                        .into(),
                ),
            },
        };
    scan_comments(yaml, first_line, directives);
    let options = serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        budget: Some(catalog_budget()),
    };
    let root: Spanned<Node> = match serde_saphyr::from_str_with_options(yaml, options) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line()) + first_line - 1;
            let message = if is_budget_breach(&e) {
                format!(
                    "the YAML is too large or expands too far (more than {MAX_CATALOG_NODES} \
                     nodes once aliases are expanded, or too deeply nested); a catalog file holds \
                     one listing"
                )
            } else {
                let full = e.without_snippet().to_string();
                full.lines().next().unwrap_or("invalid YAML").to_owned()
            };
            return unreadable(
                line,
                "input/invalid-yaml",
                format!("line {line}: {message}"),
            );
        }
    };
    let Node::Map(mut entries) = root.value else {
        return unreadable(
            first_line,
            "input/not-an-object",
            format!("line {first_line}: expected a mapping of listing fields"),
        );
    };
    entries.retain_mut(|(key, node)| {
        if key != suppress::KEY {
            return true;
        }
        let line = node.referenced.line() + first_line - 1;
        let value = std::mem::replace(&mut node.value, Node::Null);
        let items = match value {
            Node::Seq(items) => items
                .into_iter()
                .map(|item| {
                    let at = item.referenced.line() + first_line - 1;
                    (directive_text(item.value), at)
                })
                .collect(),
            value => vec![(directive_text(value), line)],
        };
        for (text, at) in items {
            directives.add(&text, at);
        }
        false
    });
    if let Some(body) = body.map(str::trim).filter(|b| !b.is_empty()) {
        if !entries.iter().any(|(key, _)| key == "description") {
            let place = root.referenced;
            entries.push((
                "description".to_owned(),
                Spanned::new(Node::Text(body.to_owned()), place, place),
            ));
        }
    }
    let mut flat = Vec::new();
    let mut lines = Vec::new();
    for (key, node) in entries {
        flatten(key, node, yaml, &mut flat, &mut lines);
    }
    let lines_of = |places: &[usize]| places.iter().map(|&p| lines[p] + first_line - 1).collect();
    let fields = map_fields(flat, first_line, lines_of, mapper, &mut problems);
    Listing {
        file,
        line: first_line,
        record: 1,
        fields,
        problems,
        value_columns: Vec::new(),
        header: None,
    }
}

/// The text of a `listlint:` directive given as a value: a string, or
/// what YAML made a one-entry mapping of a directive whose reason holds
/// `: ` (`ignore[x] reason: brand`); empty for anything else (an invalid
/// directive).
fn directive_text(node: Node) -> String {
    match node {
        Node::Text(text) => text,
        Node::Map(mut entries) if entries.len() == 1 => {
            let (key, value) = entries.remove(0);
            match value.value {
                Node::Text(value) => format!("{key}: {value}"),
                Node::Null => format!("{key}:"),
                _ => String::new(),
            }
        }
        _ => String::new(),
    }
}

/// A YAML node as read. A scalar that YAML would type (a number, a
/// boolean) is `Typed`, with its value's text for when its source text is
/// not known; [`flatten`] takes the source text instead.
enum Node {
    Null,
    Text(String),
    Typed(String),
    Map(Vec<(String, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Spanned<Node>>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Typed(v.to_string()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Typed(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Typed(v.to_string()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Typed(v.to_string()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Typed(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Typed(v.to_string()))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }
}

/// Flattens a node as JSON flattens (see [`super::json_fields`]) into
/// `out`, and the line of each pair (relative to `yaml`) into `lines`.
fn flatten(
    name: String,
    node: Spanned<Node>,
    yaml: &str,
    out: &mut Vec<(String, String)>,
    lines: &mut Vec<u64>,
) {
    let line = node.referenced.line();
    let defined = node.defined;
    match node.value {
        Node::Null => {}
        Node::Map(entries) => {
            for (key, inner) in entries {
                flatten(format!("{name}.{key}"), inner, yaml, out, lines);
            }
        }
        Node::Seq(items) => {
            let scalar =
                |n: &Spanned<Node>| matches!(n.value, Node::Null | Node::Text(_) | Node::Typed(_));
            if items.iter().all(scalar) {
                let joined: Vec<String> = items
                    .into_iter()
                    .filter_map(|item| scalar_text(item.value, &item.defined, yaml))
                    .collect();
                out.push((name, joined.join(", ")));
                lines.push(line);
            } else {
                for (i, inner) in items.into_iter().enumerate() {
                    flatten(format!("{name}.{i}"), inner, yaml, out, lines);
                }
            }
        }
        value => {
            if let Some(text) = scalar_text(value, &defined, yaml) {
                out.push((name, text));
                lines.push(line);
            }
        }
    }
}

/// A scalar's text: a string's value, or a typed scalar's source text as
/// written where it is `defined` (for an alias, at its anchor). `None` for
/// null.
fn scalar_text(node: Node, defined: &Location, yaml: &str) -> Option<String> {
    match node {
        Node::Text(text) => Some(text),
        Node::Typed(value) => {
            let span = defined.span();
            let written = span
                .byte_offset()
                .zip(span.byte_len())
                .and_then(|(at, len)| yaml.get(at as usize..(at + len) as usize))
                .map(str::trim)
                .filter(|t| !t.is_empty());
            Some(written.map_or(value, str::to_owned))
        }
        _ => None,
    }
}

/// The YAML between a leading `---` line and the next `---` (or `...`)
/// line, and the body after it.
pub(crate) fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare == "---" || bare == "..." {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(text: &str, kind: CatalogKind) -> Listing {
        catalog_record(text.as_bytes(), Arc::from("p"), kind, u64::MAX)
            .remove(0)
            .into_listing(&mut FieldMapper::generic())
    }

    #[test]
    fn yaml_and_markdown_listings() {
        let l = listing(
            "sku: A1\n商品标题: 最好的坚果\ncert:\n  ccc: \"2021\"\n",
            CatalogKind::Yaml,
        );
        assert_eq!(
            (l.id(), l.get("title"), l.get("cert.ccc")),
            (Some("A1"), Some("最好的坚果"), Some("2021"))
        );
        let l = listing(
            "---\nid: M1\ntitle: 保温杯\n---\n\n# 详情\n第一时间发货\n",
            CatalogKind::Markdown,
        );
        assert_eq!(l.line, 2);
        assert_eq!(l.get("description"), Some("# 详情\n第一时间发货"));
    }

    #[test]
    fn scalars_keep_their_written_form() {
        let l = listing(
            "id: 00123
size: NO
ok: Y
version: 1.10
big: 12345678901234567891
n: ~
q: \"00\"
tags: [0x1F, 1.0, yes]
nested:
  v: 010
anchor: &a 07
alias: *a
",
            CatalogKind::Yaml,
        );
        let fields: Vec<(&str, &str)> = l.fields.iter().map(|(k, v)| (&**k, v.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("id", "00123"),
                ("size", "NO"),
                ("ok", "Y"),
                ("version", "1.10"),
                ("big", "12345678901234567891"),
                ("q", "00"),
                ("tags", "0x1F, 1.0, yes"),
                ("nested.v", "010"),
                ("anchor", "07"),
                ("alias", "07"),
            ]
        );
    }

    #[test]
    fn broken_files_are_input_findings_with_lines() {
        let l = listing("id: A\ntitle: [unclosed\n", CatalogKind::Yaml);
        assert_eq!(l.problems[0].rule, "input/invalid-yaml");
        assert_eq!(l.line, 2);
        let l = listing("---\nid: A\ntitle: x: y\n---\n", CatalogKind::Markdown);
        assert_eq!(l.problems[0].rule, "input/invalid-yaml");
        assert_eq!(l.line, 3);
        assert_eq!(
            listing("# no front matter", CatalogKind::Markdown).problems[0].rule,
            "input/no-front-matter"
        );
        assert_eq!(
            listing("- a\n- b\n", CatalogKind::Yaml).problems[0].rule,
            "input/not-an-object"
        );
    }
}
