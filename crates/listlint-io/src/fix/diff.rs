//! `check --diff`: what `--fix` would change, as a unified diff.
//!
//! Text inputs get one hunk per group of changed lines, without context
//! lines (`@@ -3 +3 @@`), its header naming the record and field; an
//! encoding other than UTF-8 is shown decoded. A workbook gets one hunk
//! per changed cell, named by sheet and cell, with the cell's value
//! before and after.

use std::fmt::Write;

use super::{Change, Fixed};

/// The unified diff of one input, named `name` (empty when nothing
/// changes).
pub fn unified_diff(name: &str, fixed: &Fixed) -> String {
    let mut out = String::new();
    if fixed.changes.is_empty() {
        return out;
    }
    let _ = writeln!(out, "--- a/{name}\n+++ b/{name}");
    match &fixed.original_text {
        Some(text) => text_hunks(text, &fixed.changes, &mut out),
        None => cell_hunks(&fixed.changes, &mut out),
    }
    out
}

fn what(change: &Change) -> String {
    let mut s = change.place.clone();
    if let Some(id) = &change.listing_id {
        let _ = write!(s, ", id {id}");
    }
    let _ = write!(s, ", field {}", change.field);
    s
}

fn text_hunks(text: &str, changes: &[Change], out: &mut String) {
    let mut changes: Vec<&Change> = changes.iter().filter(|c| c.range.is_some()).collect();
    changes.sort_by_key(|c| c.range.map(|r| r.0));
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let line_of = |at: usize| {
        1 + text.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    };
    let mut shift: isize = 0;
    let mut i = 0;
    while i < changes.len() {
        let (s0, e0) = changes[i].range.unwrap_or_default();
        let ls = line_start(s0);
        let mut le = line_end(e0.max(s0));
        let mut j = i + 1;
        while j < changes.len() && changes[j].range.is_some_and(|r| r.0 < le) {
            le = le.max(line_end(changes[j].range.unwrap_or_default().1));
            j += 1;
        }
        let old = &text[ls..le];
        let mut new = String::new();
        let mut at = ls;
        for c in &changes[i..j] {
            let (s, e) = c.range.unwrap_or_default();
            new.push_str(&text[at..s]);
            new.push_str(&c.replacement);
            at = e;
        }
        new.push_str(&text[at..le]);
        let old_lines = split_lines(old);
        let new_lines = split_lines(&new);
        let first = line_of(ls) as isize;
        let labels: Vec<String> = changes[i..j].iter().map(|c| what(c)).collect();
        let _ = writeln!(
            out,
            "@@ -{} +{} @@ {}",
            range(first, old_lines.len()),
            range(first + shift, new_lines.len()),
            labels.join("; ")
        );
        for l in &old_lines {
            let _ = writeln!(out, "-{l}");
        }
        if !old.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
        for l in &new_lines {
            let _ = writeln!(out, "+{l}");
        }
        if !new.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
        shift += new_lines.len() as isize - old_lines.len() as isize;
        i = j;
    }
}

/// `start,count` as unified diffs write a range (`start` alone for one
/// line).
fn range(start: isize, count: usize) -> String {
    if count == 1 {
        start.to_string()
    } else {
        format!("{start},{count}")
    }
}

fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n')
        .map(|l| l.trim_end_matches('\n').trim_end_matches('\r'))
        .collect()
}

fn cell_hunks(changes: &[Change], out: &mut String) {
    for c in changes {
        let sheet = c.sheet.as_deref().unwrap_or_default();
        let _ = writeln!(out, "@@ {sheet}!{} @@", what(c));
        for l in c.before.split('\n') {
            let _ = writeln!(out, "-{l}");
        }
        for l in c.after.split('\n') {
            let _ = writeln!(out, "+{l}");
        }
    }
}
