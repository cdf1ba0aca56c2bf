//! Fixing catalog files: a YAML scalar, or a Markdown file's body.
//!
//! The listing is read as the reader reads it ([`parse_catalog_file`]);
//! the field's scalar is found where the YAML parser says it is defined,
//! and rewritten in its own style: plain (when the replacement needs no
//! quoting), single-quoted (`''` for a quote) or double-quoted (escapes
//! kept and written as such), on one line, or a literal block (`|`) whose
//! replacement holds no line break. Folded blocks and scalars over several
//! lines are left for a person. A Markdown file's body, the `description`
//! when the front matter has none, is text: the span is replaced as it is
//! (HTML in it is escaped as text).

use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use listlint_core::listing::profile::FieldMapper;
use listlint_core::model::Finding;

use super::{Change, Edit, Fixer, Record};
use crate::source::catalog::{parse_catalog_file, split_front_matter, CatalogKind};
use crate::source::InputFormat;

/// The edits that fix `findings` in a YAML or Markdown catalog file.
pub(super) fn fix(
    text: &str,
    format: InputFormat,
    findings: &[&Finding],
    fixer: &mut Fixer<'_>,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let kind = if format == InputFormat::Markdown {
        CatalogKind::Markdown
    } else {
        CatalogKind::Yaml
    };
    let file: Arc<str> = findings.first().map(|f| f.file.clone()).unwrap_or_default();
    let mut mapper = FieldMapper::new(fixer.options.profile.clone());
    let listing = parse_catalog_file(file.clone(), kind, text.as_bytes().to_vec(), &mut mapper);
    if !listing.problems.is_empty() && listing.fields.is_empty() {
        fixer.not_found(findings, "the file could not be read as a listing");
        return edits;
    }
    // The YAML and where it starts; the Markdown body and where.
    let (yaml, yaml_at, body) = match kind {
        CatalogKind::Yaml => (text, 0, None),
        CatalogKind::Markdown => match split_front_matter(text) {
            Some((front, body)) => (
                front,
                front.as_ptr() as usize - text.as_ptr() as usize,
                Some((body, body.as_ptr() as usize - text.as_ptr() as usize)),
            ),
            None => {
                fixer.not_found(findings, "the file has no front matter");
                return edits;
            }
        },
    };
    let mut scalars = Vec::new();
    if let Ok(root) = serde_saphyr::from_str::<Spanned<Node>>(yaml) {
        if let Node::Map(entries) = root.value {
            for (key, node) in entries {
                collect(key, node, &mut scalars);
            }
        }
    }
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in &scalars {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    let names = FieldMapper::new(fixer.options.profile.clone())
        .map_headers(keys.iter().copied())
        .names;
    let mut places: Vec<(usize, Place)> = Vec::new();
    let targets = findings
        .iter()
        .map(|f| {
            let field = f.field.as_deref().unwrap_or_default();
            let target = (|| {
                let index = listing
                    .fields
                    .iter()
                    .position(|(n, _)| &**n == field)
                    .ok_or_else(|| format!("the file has no field `{field}`"))?;
                let value = &listing.fields[index].1;
                let place = match names.iter().position(|n| &**n == field) {
                    Some(k) => {
                        let key = keys[k];
                        let at = scalars
                            .iter()
                            .rev()
                            .find(|(n, _)| n == key)
                            .and_then(|(_, at)| *at)
                            .ok_or_else(|| format!("`{key}` is not a scalar the fixer rewrites"))?;
                        Place::scalar(yaml, at, value)
                            .map(|p| p.shifted(yaml_at))
                            .ok_or_else(|| {
                                format!("`{key}` is written in a form the fixer does not rewrite (a folded or multi-line scalar)")
                            })?
                    }
                    None => {
                        let (body, at) = body
                            .filter(|_| field == "description")
                            .ok_or_else(|| format!("the file has no field `{field}`"))?;
                        let trimmed = body.trim();
                        let start = at + (trimmed.as_ptr() as usize - body.as_ptr() as usize);
                        if trimmed != value {
                            return Err("the body is not the field's value".to_owned());
                        }
                        Place::plain_text(trimmed, start)
                    }
                };
                if !places.iter().any(|(i, _)| *i == index) {
                    places.push((index, place));
                }
                Ok(index)
            })();
            (*f, target)
        })
        .collect();
    let listing_id = findings.first().and_then(|f| f.listing_id.clone());
    let line = listing.line;
    let plan = fixer.plan(Record {
        file,
        line,
        record: 1,
        fields: listing.fields.clone(),
        targets,
    });
    for (index, new_value, replacements) in plan {
        let Some((_, place)) = places.iter().find(|(i, _)| *i == index) else {
            continue;
        };
        let mut written = String::new();
        let mut at = place.start;
        let mut refused = None;
        for r in &replacements {
            let (s, e) = (place.offsets[r.start], place.offsets[r.end]);
            written.push_str(&text[at..s]);
            match place.style.escape(&r.replacement) {
                Some(escaped) => written.push_str(&escaped),
                None => refused = Some(r),
            }
            at = e;
        }
        if let Some(r) = refused {
            let why = format!(
                "the replacement 「{}」 would need the scalar quoted",
                r.replacement
            );
            for r in &replacements {
                fixer.not_found(&[r.finding], &why);
                fixer.not_found(&r.also, &why);
            }
            continue;
        }
        written.push_str(&text[at..place.end]);
        fixer.applied(&replacements);
        let field_line = 1 + text[..place.start].matches('\n').count() as u64;
        fixer.change(Change {
            place: format!("line {field_line}"),
            line,
            listing_id: listing_id.clone(),
            field: listing.fields[index].0.to_string(),
            sheet: None,
            range: Some((place.start, place.end)),
            replacement: written.clone(),
            before: listing.fields[index].1.clone(),
            after: new_value,
        });
        edits.push(Edit {
            start: place.start,
            end: place.end,
            replacement: written,
        });
    }
    edits.sort_by_key(|e| e.start);
    edits
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    /// A literal block, or a Markdown body: text as it is.
    Literal,
    /// A Markdown body holding HTML.
    Text,
}

impl Style {
    /// `text` written in this style; `None` when it cannot be without
    /// changing the scalar's style.
    fn escape(self, text: &str) -> Option<String> {
        match self {
            Style::Plain => {
                let risky = text.contains([':', '#', '\n', '\r', '"', '\''])
                    || text.starts_with([
                        '-', '?', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
                        ' ',
                    ])
                    || text.ends_with(' ');
                (!risky).then(|| text.to_owned())
            }
            Style::Single => (!text.contains(['\n', '\r'])).then(|| text.replace('\'', "''")),
            Style::Double => {
                let mut out = String::new();
                for c in text.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
                        c => out.push(c),
                    }
                }
                Some(out)
            }
            Style::Literal => (!text.contains(['\n', '\r'])).then(|| text.to_owned()),
            Style::Text => Some(text.to_owned()),
        }
    }
}

/// Where a field's value is written: byte offsets (in the file) of each
/// of its characters and one past the last, and the range to rewrite.
#[derive(Debug)]
struct Place {
    offsets: Vec<usize>,
    start: usize,
    end: usize,
    style: Style,
}

impl Place {
    fn shifted(mut self, by: usize) -> Place {
        for o in &mut self.offsets {
            *o += by;
        }
        self.start += by;
        self.end += by;
        self
    }

    /// Text taken as it is, at byte `at`.
    fn plain_text(text: &str, at: usize) -> Place {
        let mut offsets: Vec<usize> = text.char_indices().map(|(b, _)| at + b).collect();
        offsets.push(at + text.len());
        Place {
            offsets,
            start: at,
            end: at + text.len(),
            style: Style::Text,
        }
    }

    /// The scalar at byte `at` of `yaml`, if it is written in a style the
    /// fixer rewrites and reads as `value`.
    fn scalar(yaml: &str, at: usize, value: &str) -> Option<Place> {
        // A block scalar is placed at its content: its header (`|`, `>`)
        // ends the line before.
        let line_start = yaml[..at].rfind('\n').map_or(0, |i| i + 1);
        let at = if line_start > 0 && yaml[line_start..at].bytes().all(|b| b == b' ') {
            let before = yaml[..line_start - 1].trim_end_matches('\r');
            let prev = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            match prev.rfind([':', '-']).map(|i| (i, prev[i + 1..].trim())) {
                Some((i, token)) if token.starts_with(['|', '>']) => {
                    let offset = prev.len() - prev[i + 1..].trim_start().len();
                    (prev.as_ptr() as usize - yaml.as_ptr() as usize) + offset
                }
                _ => at,
            }
        } else {
            at
        };
        let rest = yaml.get(at..)?;
        let line_end = at + rest.find('\n').unwrap_or(rest.len());
        let (mut offsets, mut read) = (Vec::new(), String::new());
        let place = match rest.chars().next()? {
            '"' => {
                let b = yaml.as_bytes();
                let mut i = at + 1;
                loop {
                    if i >= line_end {
                        return None;
                    }
                    match b[i] {
                        b'"' => break,
                        b'\\' => {
                            offsets.push(i);
                            let (c, len) = match *b.get(i + 1)? {
                                b'"' => ('"', 2),
                                b'\\' => ('\\', 2),
                                b'/' => ('/', 2),
                                b'n' => ('\n', 2),
                                b't' => ('\t', 2),
                                b'r' => ('\r', 2),
                                b'0' => ('\0', 2),
                                b' ' => (' ', 2),
                                b'x' => (
                                    char::from_u32(
                                        u32::from_str_radix(yaml.get(i + 2..i + 4)?, 16).ok()?,
                                    )?,
                                    4,
                                ),
                                b'u' => (
                                    char::from_u32(
                                        u32::from_str_radix(yaml.get(i + 2..i + 6)?, 16).ok()?,
                                    )?,
                                    6,
                                ),
                                b'U' => (
                                    char::from_u32(
                                        u32::from_str_radix(yaml.get(i + 2..i + 10)?, 16).ok()?,
                                    )?,
                                    10,
                                ),
                                _ => return None,
                            };
                            read.push(c);
                            i += len;
                        }
                        _ => {
                            let c = yaml[i..].chars().next()?;
                            offsets.push(i);
                            read.push(c);
                            i += c.len_utf8();
                        }
                    }
                }
                offsets.push(i);
                Place {
                    offsets,
                    start: at + 1,
                    end: i,
                    style: Style::Double,
                }
            }
            '\'' => {
                let mut i = at + 1;
                loop {
                    if i >= line_end {
                        return None;
                    }
                    if yaml[i..].starts_with("''") {
                        offsets.push(i);
                        read.push('\'');
                        i += 2;
                    } else if yaml[i..].starts_with('\'') {
                        break;
                    } else {
                        let c = yaml[i..].chars().next()?;
                        offsets.push(i);
                        read.push(c);
                        i += c.len_utf8();
                    }
                }
                offsets.push(i);
                Place {
                    offsets,
                    start: at + 1,
                    end: i,
                    style: Style::Single,
                }
            }
            '|' => {
                // Lines after the header, at the first line's indentation.
                let header = &yaml[at..line_end];
                if header.contains(['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
                    return None;
                }
                let start = (line_end + 1).min(yaml.len());
                let block = &yaml[start..];
                let indent = block
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start_matches(' ').len())?;
                if indent == 0 {
                    return None;
                }
                let mut pos = start;
                let mut end = start;
                for line in block.split_inclusive('\n') {
                    let bare = line.trim_end_matches(['\n', '\r']);
                    let blank = bare.trim().is_empty();
                    if !blank && bare.len() - bare.trim_start_matches(' ').len() < indent {
                        break;
                    }
                    if !blank {
                        for (b, c) in bare[indent..].char_indices() {
                            offsets.push(pos + indent + b);
                            read.push(c);
                        }
                        end = pos + bare.len();
                    }
                    offsets.push(pos + bare.len());
                    read.push('\n');
                    pos += line.len();
                }
                // Chomping: the value is compared, and only characters
                // inside it are replaced.
                let trimmed = read.trim_end_matches('\n');
                let keep = if header.contains('+') {
                    read.len()
                } else if header.contains('-') {
                    trimmed.len()
                } else {
                    (trimmed.len() + 1).min(read.len())
                };
                let chars = read[..keep].chars().count();
                read.truncate(keep);
                offsets.truncate(chars + 1);
                if offsets.len() < chars + 1 {
                    offsets.push(end);
                }
                Place {
                    start: offsets.first().copied().unwrap_or(start),
                    end: *offsets.last()?,
                    offsets,
                    style: Style::Literal,
                }
            }
            '>' => return None,
            _ => {
                let line = &yaml[at..line_end];
                let line = line.trim_end_matches('\r');
                // A comment ends a plain scalar.
                let stop = line.find(" #").unwrap_or(line.len());
                let written = line[..stop].trim_end();
                for (b, c) in written.char_indices() {
                    offsets.push(at + b);
                    read.push(c);
                }
                offsets.push(at + written.len());
                Place {
                    offsets,
                    start: at,
                    end: at + written.len(),
                    style: Style::Plain,
                }
            }
        };
        (read == value).then_some(place)
    }
}

/// A YAML node, with where each scalar is defined.
enum Node {
    Scalar,
    Map(Vec<(String, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
}

/// The flattened name of each scalar and the byte offset it is written
/// at (`None` for a sequence of scalars, joined into one value).
fn collect(name: String, node: Spanned<Node>, out: &mut Vec<(String, Option<usize>)>) {
    let at = node
        .defined
        .span()
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok());
    match node.value {
        Node::Scalar => out.push((name, at)),
        Node::Map(entries) => {
            for (key, inner) in entries {
                collect(format!("{name}.{key}"), inner, out);
            }
        }
        Node::Seq(items) => {
            if items.iter().all(|i| matches!(i.value, Node::Scalar)) {
                out.push((name, None));
            } else {
                for (i, inner) in items.into_iter().enumerate() {
                    collect(format!("{name}.{i}"), inner, out);
                }
            }
        }
    }
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

    fn visit_str<E>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_string<E>(self, _: String) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_in_each_style() {
        let yaml = "a: 王牌 # c\nb: '王''牌'\nc: \"\\u738b牌\"\nd: |\n  第一行\n  王牌\n";
        let p = Place::scalar(yaml, 3, "王牌").unwrap();
        assert_eq!(&yaml[p.start..p.end], "王牌");
        let at = yaml.find('\'').unwrap();
        let p = Place::scalar(yaml, at, "王'牌").unwrap();
        assert_eq!(p.style, Style::Single);
        let at = yaml.find('"').unwrap();
        let p = Place::scalar(yaml, at, "王牌").unwrap();
        assert_eq!(&yaml[p.offsets[1]..p.offsets[2]], "牌");
        let at = yaml.find('|').unwrap();
        let p = Place::scalar(yaml, at, "第一行\n王牌\n").unwrap();
        assert_eq!(&yaml[p.offsets[4]..p.offsets[6]], "王牌");
        assert!(Style::Plain.escape("a: b").is_none());
    }
}
