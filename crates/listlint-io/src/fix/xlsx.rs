//! Fixing XLSX workbooks: the cell's text edited inside the package.
//!
//! Only the parts that hold the fixed text change: a sheet's XML (an
//! inline string, or a cell pointed at a new shared string) and the
//! shared strings. Every other part is copied still compressed, byte for
//! byte; in the changed parts, every byte outside the edited text stays.
//! A shared string is edited in place when only the fixed cell shows it;
//! when other cells show it too, the fixed cell gets a copy of it, edited,
//! added at the end of the table, and the others keep theirs. Rich text
//! is edited inside one run (a span across runs is left for a person);
//! formulas' cached results are not edited.
//!
//! Rows are found as the reader finds them: the sheet named after the
//! file's `#`, the row by its number (the finding's line), the header row
//! being the first with a value, its columns mapped to fields.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;

use quick_xml::events::Event;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::FieldName;
use listlint_core::model::Finding;

use super::{group_by, Change, FixError, Fixer, Record, Replacement};

/// The most one part of a workbook may decompress to for fixing (as the
/// reader's default `--max-xlsx-bytes`).
const MAX_PART: u64 = 512 << 20;

/// A cell as written in a sheet's XML.
#[derive(Debug, Clone)]
struct Cell {
    row: u32,
    col: u32,
    /// The `t` attribute (`s`, `inlineStr`, `str`, `n` …).
    kind: String,
    /// The byte range of the text of `<v>` (or of the inline string's one
    /// `<t>`).
    text: Option<(usize, usize)>,
    /// An inline string written in several runs.
    rich: bool,
}

/// One `<t>` of a shared string or inline string: its text's byte range.
type Run = (usize, usize);

/// The edits of one part: byte ranges and their replacements.
type PartEdits = Vec<(usize, usize, String)>;

/// The workbook with the findings' cells fixed.
pub(super) fn fix(
    bytes: &[u8],
    findings: &[&Finding],
    fixer: &mut Fixer<'_>,
) -> Result<Vec<u8>, FixError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        FixError::Unreadable(format!(
            "not fixed: not a workbook that can be edited ({e})"
        ))
    };
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let workbook =
        read_part(&mut zip, "xl/workbook.xml")?.ok_or_else(|| unreadable(&"no xl/workbook.xml"))?;
    let rels = read_part(&mut zip, "xl/_rels/workbook.xml.rels")?.unwrap_or_default();
    let targets = relationships(&rels);
    let sheets: Vec<(String, String)> = sheet_parts(&workbook, &targets);
    let shared_name = targets
        .iter()
        .find(|(_, (kind, _))| kind.ends_with("/sharedStrings"))
        .map(|(_, (_, target))| target.clone())
        .unwrap_or_else(|| "xl/sharedStrings.xml".to_owned());
    let shared_xml = read_part(&mut zip, &shared_name)?.unwrap_or_default();
    let shared = shared_strings(&shared_xml);
    // Every sheet's cells, to count which cells show each shared string.
    let mut cells_of: HashMap<String, (String, Vec<Cell>)> = HashMap::new();
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for (name, part) in &sheets {
        let Some(xml) = read_part(&mut zip, part)? else {
            continue;
        };
        let cells = sheet_cells(&xml);
        for c in cells.iter().filter(|c| c.kind == "s") {
            if let Some(i) = c
                .text
                .and_then(|(s, e)| xml[s..e].trim().parse::<usize>().ok())
            {
                *uses.entry(i).or_default() += 1;
            }
        }
        cells_of.insert(name.clone(), (xml, cells));
    }
    let by_sheet = group_by(findings, |f| sheet_of(&f.file).to_owned());
    let mut sheet_edits: HashMap<String, PartEdits> = HashMap::new();
    let mut shared_edits: PartEdits = Vec::new();
    let mut appended: Vec<String> = Vec::new();
    for (sheet, these) in by_sheet {
        let Some((part, (xml, cells))) = sheets
            .iter()
            .find(|(n, _)| *n == sheet)
            .and_then(|(_, part)| cells_of.get(&sheet).map(|c| (part.clone(), c)))
        else {
            fixer.not_found(&these, &format!("the workbook has no sheet `{sheet}`"));
            continue;
        };
        let text_of = |c: &Cell| -> String {
            let Some((s, e)) = c.text else {
                return String::new();
            };
            match c.kind.as_str() {
                "s" => xml[s..e]
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| shared.get(i))
                    .map(|runs| {
                        runs.iter()
                            .map(|&(s, e)| unescape(&shared_xml[s..e]).0)
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => unescape(&xml[s..e]).0,
            }
        };
        let Some(header_row) = cells
            .iter()
            .filter(|c| !text_of(c).is_empty())
            .map(|c| c.row)
            .min()
        else {
            fixer.not_found(&these, "the sheet is empty");
            continue;
        };
        // Columns in use: those with a value, as the reader counts them.
        let used = || {
            cells
                .iter()
                .filter(|c| !text_of(c).is_empty())
                .map(|c| c.col)
        };
        let first_col = used().min().unwrap_or(0);
        let last_col = used().max().unwrap_or(0);
        let headers: Vec<String> = (first_col..=last_col)
            .map(|col| {
                let h = cells
                    .iter()
                    .find(|c| c.row == header_row && c.col == col)
                    .map(&text_of)
                    .unwrap_or_default();
                let h = h.trim();
                if h.is_empty() {
                    format!("column_{}", col - first_col + 1)
                } else {
                    h.to_owned()
                }
            })
            .collect();
        let names = FieldMapper::new(fixer.options.profile.clone())
            .map_headers(headers.iter().map(String::as_str))
            .names;
        let file: Arc<str> = these.first().map(|f| f.file.clone()).unwrap_or_default();
        for (line, row_findings) in group_by(&these, |f| f.line) {
            let row = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
            let row_cells: Vec<&Cell> = cells
                .iter()
                .filter(|c| c.row == row && (first_col..=last_col).contains(&c.col))
                .collect();
            let fields: Vec<(FieldName, String)> = row_cells
                .iter()
                .map(|c| (names[(c.col - first_col) as usize].clone(), text_of(c)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let targets = row_findings
                .iter()
                .map(|f| {
                    let field = f.field.as_deref().unwrap_or_default();
                    let target = fields
                        .iter()
                        .position(|(n, _)| &**n == field)
                        .ok_or_else(|| format!("no cell of row {line} maps to `{field}`"))
                        .and_then(|i| {
                            let cell = row_cells
                                .iter()
                                .find(|c| names[(c.col - first_col) as usize] == fields[i].0)
                                .ok_or_else(|| "no such cell".to_owned())?;
                            match cell.kind.as_str() {
                                "s" | "inlineStr" if !cell.rich => Ok(i),
                                "inlineStr" => Ok(i),
                                "str" => Err("the cell holds a formula's result".to_owned()),
                                _ => Err("the cell does not hold text".to_owned()),
                            }
                        });
                    (*f, target)
                })
                .collect();
            let listing_id = row_findings.first().and_then(|f| f.listing_id.clone());
            let plan = fixer.plan(Record {
                file: file.clone(),
                line,
                record: u64::from(row - header_row.min(row)),
                fields: fields.clone(),
                targets,
            });
            for (i, new_value, replacements) in plan {
                let Some(cell) = row_cells
                    .iter()
                    .find(|c| names[(c.col - first_col) as usize] == fields[i].0)
                else {
                    continue;
                };
                let Some((vs, ve)) = cell.text else {
                    continue;
                };
                let result = if cell.kind == "s" {
                    let index = xml[vs..ve].trim().parse::<usize>().unwrap_or(usize::MAX);
                    let Some(runs) = shared.get(index) else {
                        continue;
                    };
                    match edit_runs(&shared_xml, runs, &replacements) {
                        Ok(edits) if uses.get(&index).copied().unwrap_or(0) <= 1 => {
                            shared_edits.extend(edits);
                            Ok(())
                        }
                        Ok(edits) => {
                            // Other cells show this string: this cell gets
                            // an edited copy.
                            let (si_start, si_end) = shared_item(&shared_xml, runs);
                            let mut copy = String::new();
                            let mut at = si_start;
                            for (s, e, text) in &edits {
                                copy.push_str(&shared_xml[at..*s]);
                                copy.push_str(text);
                                at = *e;
                            }
                            copy.push_str(&shared_xml[at..si_end]);
                            let new_index = shared.len() + appended.len();
                            appended.push(copy);
                            sheet_edits.entry(part.clone()).or_default().push((
                                vs,
                                ve,
                                new_index.to_string(),
                            ));
                            Ok(())
                        }
                        Err(why) => Err(why),
                    }
                } else {
                    let runs = inline_runs(xml, vs, ve, cell);
                    edit_runs(xml, &runs, &replacements).map(|edits| {
                        sheet_edits.entry(part.clone()).or_default().extend(edits);
                    })
                };
                match result {
                    Ok(()) => {
                        fixer.applied(&replacements);
                        fixer.change(Change {
                            place: format!("cell {}{}", column_name(cell.col), cell.row + 1),
                            line,
                            listing_id: listing_id.clone(),
                            field: fields[i].0.to_string(),
                            sheet: Some(sheet.clone()),
                            range: None,
                            replacement: String::new(),
                            before: fields[i].1.clone(),
                            after: new_value,
                        });
                    }
                    Err(why) => {
                        for r in &replacements {
                            fixer.not_found(&[r.finding], &why);
                            fixer.not_found(&r.also, &why);
                        }
                    }
                }
            }
        }
    }
    if sheet_edits.is_empty() && shared_edits.is_empty() && appended.is_empty() {
        return Ok(bytes.to_vec());
    }
    let mut new_parts: HashMap<String, String> = HashMap::new();
    for (part, mut edits) in sheet_edits {
        let xml = &sheets
            .iter()
            .find(|(_, p)| *p == part)
            .and_then(|(n, _)| cells_of.get(n))
            .map(|(x, _)| x.clone())
            .unwrap_or_default();
        edits.sort_by_key(|e| e.0);
        new_parts.insert(part, apply(xml, &edits));
    }
    if !shared_edits.is_empty() || !appended.is_empty() {
        shared_edits.sort_by_key(|e| e.0);
        let mut xml = apply(&shared_xml, &shared_edits);
        if !appended.is_empty() {
            xml = append_shared(&xml, &appended, shared.len());
        }
        new_parts.insert(shared_name, xml);
    }
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let write_err = |e: &dyn std::fmt::Display| {
        FixError::Unreadable(format!("not fixed: cannot write the workbook ({e})"))
    };
    for index in 0..zip.len() {
        let part = zip.by_index_raw(index).map_err(|e| write_err(&e))?;
        let name = part.name().map_err(|e| write_err(&e))?.into_owned();
        match new_parts.get(&name) {
            Some(xml) => {
                let method = match part.compression() {
                    CompressionMethod::Stored => CompressionMethod::Stored,
                    _ => CompressionMethod::Deflated,
                };
                drop(part);
                out.start_file(
                    name,
                    SimpleFileOptions::default().compression_method(method),
                )
                .map_err(|e| write_err(&e))?;
                out.write_all(xml.as_bytes()).map_err(|e| write_err(&e))?;
            }
            None => out.raw_copy_file(part).map_err(|e| write_err(&e))?,
        }
    }
    Ok(out.finish().map_err(|e| write_err(&e))?.into_inner())
}

/// The sheet a finding's file names (`book.xlsx#Sheet`).
fn sheet_of(file: &str) -> &str {
    let lower = file.to_ascii_lowercase();
    [".xlsx#", ".xlsm#"]
        .iter()
        .find_map(|ext| lower.find(ext).map(|i| &file[i + ext.len()..]))
        .unwrap_or("")
}

/// A part's text, if the package has it; within [`MAX_PART`].
fn read_part(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, FixError> {
    let Ok(part) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut text = String::new();
    part.take(MAX_PART + 1)
        .read_to_string(&mut text)
        .map_err(|e| FixError::Unreadable(format!("not fixed: cannot read {name} ({e})")))?;
    if text.len() as u64 > MAX_PART {
        return Err(FixError::Unreadable(format!(
            "not fixed: {name} is larger than {MAX_PART} bytes"
        )));
    }
    Ok(Some(text))
}

/// The workbook's relationships: id → (type, part name).
fn relationships(xml: &str) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().into_inner() == "Relationship" =>
            {
                let (mut id, mut kind, mut target) = (String::new(), String::new(), String::new());
                for a in e.attributes().flatten() {
                    let v = unescape(&a.value).0;
                    match a.key.local_name().into_inner() {
                        "Id" => id = v,
                        "Type" => kind = v,
                        "Target" => target = v,
                        _ => {}
                    }
                }
                let target = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                };
                out.insert(id, (kind, target));
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// Each sheet's name and part.
fn sheet_parts(workbook: &str, rels: &HashMap<String, (String, String)>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(workbook);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().into_inner() == "sheet" => {
                let (mut name, mut id) = (String::new(), String::new());
                for a in e.attributes().flatten() {
                    let v = unescape(&a.value).0;
                    match a.key.local_name().into_inner() {
                        "name" => name = v,
                        "id" => id = v,
                        _ => {}
                    }
                }
                if let Some((_, target)) = rels.get(&id) {
                    out.push((name, target.clone()));
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// The `<t>` runs of each `<si>` of the shared strings (phonetic runs
/// left out, as readers leave them out).
fn shared_strings(xml: &str) -> Vec<Vec<Run>> {
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut current, mut in_phonetic, mut t_start): (Option<Vec<Run>>, bool, Option<usize>) =
        (None, false, None);
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "si" => current = Some(Vec::new()),
                "rPh" => in_phonetic = true,
                "t" if !in_phonetic => t_start = Some(reader.buffer_position() as usize),
                _ => {}
            },
            Ok(Event::Empty(e)) if e.local_name().into_inner() == "si" => out.push(Vec::new()),
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "si" => out.push(current.take().unwrap_or_default()),
                "rPh" => in_phonetic = false,
                "t" => {
                    if let (Some(s), Some(runs)) = (t_start.take(), current.as_mut()) {
                        runs.push((s, before));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// The byte range of the `<si>` element holding `runs`.
fn shared_item(xml: &str, runs: &[Run]) -> (usize, usize) {
    let first = runs.first().map_or(0, |r| r.0);
    let last = runs.last().map_or(0, |r| r.1);
    let start = xml[..first].rfind("<si").unwrap_or(first);
    let end = xml[last..]
        .find("</si>")
        .map_or(last, |i| last + i + "</si>".len());
    (start, end)
}

/// The shared strings with `items` (whole `<si>` elements) added at the
/// end, and their `count`/`uniqueCount` raised.
fn append_shared(xml: &str, items: &[String], before: usize) -> String {
    let Some(end) = xml.rfind("</sst>") else {
        return xml.to_owned();
    };
    let mut out = String::with_capacity(xml.len() + items.iter().map(String::len).sum::<usize>());
    out.push_str(&xml[..end]);
    for item in items {
        out.push_str(item);
    }
    out.push_str(&xml[end..]);
    // `uniqueCount` counts the strings; `count`, the cells showing them,
    // is unchanged (a fixed cell shows its copy instead).
    if let Some(open) = out.find("<sst") {
        let tag_end = out[open..].find('>').map_or(out.len(), |i| open + i);
        let tag = &out[open..tag_end];
        if let Some(at) = tag.find("uniqueCount=\"") {
            let value_start = open + at + "uniqueCount=\"".len();
            if let Some(len) = out[value_start..].find('"') {
                let old: usize = out[value_start..value_start + len]
                    .parse()
                    .unwrap_or(before);
                out.replace_range(
                    value_start..value_start + len,
                    &(old + items.len()).to_string(),
                );
            }
        }
    }
    out
}

/// The `<t>` runs of an inline string cell whose `<is>` spans `[s, e)`.
fn inline_runs(xml: &str, s: usize, e: usize, cell: &Cell) -> Vec<Run> {
    if !cell.rich {
        return vec![(s, e)];
    }
    // `text` of a rich inline string is the `<is>` element's content.
    let mut runs = Vec::new();
    let mut reader = quick_xml::Reader::from_str(&xml[s..e]);
    let mut t_start = None;
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(t)) if t.local_name().into_inner() == "t" => {
                t_start = Some(reader.buffer_position() as usize)
            }
            Ok(Event::End(t)) if t.local_name().into_inner() == "t" => {
                if let Some(start) = t_start.take() {
                    runs.push((s + start, s + before));
                }
            }
            Ok(Event::Eof) | Err(_) => return runs,
            _ => {}
        }
    }
}

/// The cells of a sheet's XML.
fn sheet_cells(xml: &str) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<Cell> = None;
    let (mut v_start, mut is_start, mut t_count) = (None, None, 0);
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().into_inner() == "c" => {
                let empty = xml[before..reader.buffer_position() as usize].ends_with("/>");
                let (mut r, mut kind) = (String::new(), "n".to_owned());
                for a in e.attributes().flatten() {
                    let v = unescape(&a.value).0;
                    match a.key.local_name().into_inner() {
                        "r" => r = v,
                        "t" => kind = v,
                        _ => {}
                    }
                }
                let Some((col, row)) = cell_ref(&r) else {
                    continue;
                };
                let cell = Cell {
                    row,
                    col,
                    kind,
                    text: None,
                    rich: false,
                };
                if empty {
                    cells.push(cell);
                } else {
                    current = Some(cell);
                    t_count = 0;
                }
            }
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "v" => v_start = Some(reader.buffer_position() as usize),
                "is" => is_start = Some(reader.buffer_position() as usize),
                "t" if is_start.is_some() => {
                    t_count += 1;
                    v_start = Some(reader.buffer_position() as usize);
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "v" | "t" => {
                    if let (Some(s), Some(c)) = (v_start.take(), current.as_mut()) {
                        if c.text.is_none() || c.kind != "inlineStr" {
                            c.text = Some((s, before));
                        }
                    }
                }
                "is" => {
                    if let (Some(s), Some(c)) = (is_start.take(), current.as_mut()) {
                        if t_count > 1 {
                            c.rich = true;
                            c.text = Some((s, before));
                        }
                    }
                }
                "c" => cells.extend(current.take()),
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => return cells,
            _ => {}
        }
    }
}

/// `B12` → (column 1, row 11), 0-based.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    }) - 1;
    let row: u32 = r[letters..].parse().ok()?;
    Some((col, row.checked_sub(1)?))
}

/// `0` → `A`, `27` → `AB`.
fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// XML text with its entity references read: the text, and the byte
/// offset (in `raw`) of each character and one past the last.
fn unescape(raw: &str) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let rest = &raw[i..];
        if rest.starts_with('&') {
            if let Some(end) = rest.find(';') {
                let entity = &rest[1..end];
                let c = match entity {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => entity
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = c {
                    offsets.push(i);
                    text.push(c);
                    i += end + 1;
                    continue;
                }
            }
        }
        let c = rest.chars().next().unwrap_or('\u{fffd}');
        offsets.push(i);
        text.push(c);
        i += c.len_utf8().max(1);
    }
    offsets.push(raw.len());
    (text, offsets)
}

/// The edits (byte ranges of `xml`) that make `replacements` (spans in
/// characters of the runs' text, concatenated) inside one run each.
fn edit_runs(
    xml: &str,
    runs: &[Run],
    replacements: &[Replacement<'_>],
) -> Result<PartEdits, String> {
    let decoded: Vec<(String, Vec<usize>)> =
        runs.iter().map(|&(s, e)| unescape(&xml[s..e])).collect();
    let mut edits = Vec::new();
    for r in replacements {
        let mut first = 0;
        let mut placed = false;
        for (k, (text, offsets)) in decoded.iter().enumerate() {
            let len = text.chars().count();
            if r.start >= first && r.end <= first + len {
                let base = runs[k].0;
                let (s, e) = (offsets[r.start - first], offsets[r.end - first]);
                let escaped = r
                    .replacement
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                edits.push((base + s, base + e, escaped));
                placed = true;
                break;
            }
            first += len;
        }
        if !placed {
            return Err("the text crosses formatting runs of the cell".to_owned());
        }
    }
    Ok(edits)
}

/// `text` with the edits (sorted, not overlapping) made.
fn apply(text: &str, edits: &[(usize, usize, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (s, e, r) in edits {
        if *s < at {
            continue;
        }
        out.push_str(&text[at..*s]);
        out.push_str(r);
        at = *e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_and_entities() {
        assert_eq!(cell_ref("AB12"), Some((27, 11)));
        assert_eq!(column_name(27), "AB");
        let (text, offsets) = unescape("a&amp;王&#x724c;");
        assert_eq!(text, "a&王牌");
        assert_eq!(offsets, [0, 1, 6, 9, 17]);
    }
}
