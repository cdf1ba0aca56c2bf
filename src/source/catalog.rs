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

use std::io::Read;
use std::sync::Arc;

use serde_json::Value;

use super::flatten::flatten_json_object;
use super::{read_document, RawRecord};
use crate::listing::profile::FieldMapper;
use crate::listing::{InputProblem, Listing};

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
pub fn catalog_record<R: Read>(input: R, file: Arc<str>, kind: CatalogKind) -> Vec<RawRecord> {
    match read_document(input, &file) {
        Ok(bytes) => vec![RawRecord::CatalogFile { file, kind, bytes }],
        Err(records) => records,
    }
}

/// Parses a catalog file's bytes into its listing; a file that cannot be
/// read as one is a listing carrying the problem.
pub fn parse_catalog_file(
    file: Arc<str>,
    kind: CatalogKind,
    bytes: Vec<u8>,
    mapper: &mut FieldMapper,
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
    let value: Value = match serde_saphyr::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line()) + first_line - 1;
            let message = e.without_snippet().to_string();
            let message = message.lines().next().unwrap_or("invalid YAML");
            return unreadable(
                line,
                "input/invalid-yaml",
                format!("line {line}: {message}"),
            );
        }
    };
    let Value::Object(mut object) = value else {
        return unreadable(
            first_line,
            "input/not-an-object",
            format!("line {first_line}: expected a mapping of listing fields"),
        );
    };
    if let Some(body) = body.map(str::trim).filter(|b| !b.is_empty()) {
        object
            .entry("description")
            .or_insert_with(|| Value::String(body.to_owned()));
    }
    let mut flat = Vec::new();
    flatten_json_object(object, &mut flat);
    let fields = mapper.map_pairs(flat, None, &mut problems);
    Listing {
        file,
        line: first_line,
        record: 1,
        fields,
        problems,
    }
}

/// The YAML between a leading `---` line and the next `---` (or `...`)
/// line, and the body after it.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
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
        catalog_record(text.as_bytes(), Arc::from("p"), kind)
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
