//! Keys that occur more than once in one record (`{"title": "…", "title":
//! "…"}`, or `{"cert": {"ccc": "…"}, "cert.ccc": "…"}`, which flatten to the
//! same field).
//!
//! JSON and YAML leave such a record's meaning to the reader; browsers (and
//! `JSON.parse`, Python, Go) keep the last value, so the last one is the
//! field's value here too. The earlier values are not dropped: they stay in
//! the listing under the same name after the fields, where the engine scans
//! them for wording as well, and each repeated name is reported.

use std::collections::HashMap;

use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::{FieldName, InputProblem};
use listlint_core::model::Severity;

/// How many places of a repeated key a message names.
const SHOWN_PLACES: usize = 10;

/// Maps a record's flattened pairs to listing fields (see
/// [`FieldMapper::map_pairs`]), the earlier values of a repeated name
/// after them under the same name, and reports each repeated name as an
/// `input/duplicate-key` warning. `lines_of` gives the lines of pairs (by
/// index, ascending) for the message.
pub fn map_fields<K: AsRef<str>>(
    pairs: Vec<(K, String)>,
    line: u64,
    lines_of: impl FnOnce(&[usize]) -> Vec<u64>,
    mapper: &mut FieldMapper,
    problems: &mut Vec<InputProblem>,
) -> Vec<(FieldName, String)> {
    let split = split_repeated(pairs);
    let mut fields = mapper.map_pairs(split.fields, Some(line), problems);
    if split.repeats.is_empty() {
        return fields;
    }
    let mut shown: Vec<usize> = split
        .repeats
        .iter()
        .flat_map(|(_, at)| at.iter().take(SHOWN_PLACES).copied())
        .collect();
    shown.sort_unstable();
    let lines: HashMap<usize, u64> = shown.iter().copied().zip(lines_of(&shown)).collect();
    for (index, places) in &split.repeats {
        let name = fields[*index].0.clone();
        let mut named: Vec<String> = places
            .iter()
            .take(SHOWN_PLACES)
            .map(|p| lines.get(p).map_or_else(|| "?".to_owned(), u64::to_string))
            .collect();
        if places.len() > SHOWN_PLACES {
            named.push("…".to_owned());
        }
        problems.push(InputProblem {
            rule: "input/duplicate-key",
            severity: Severity::Warning,
            message: format!(
                "line {line}: key `{name}` is given {} times (lines {}); the last value is the field's value, and every value is scanned for wording",
                places.len(),
                named.join(", ")
            ),
            field: Some(name),
        });
    }
    for (index, value) in split.earlier {
        let name = fields[index].0.clone();
        fields.push((name, value));
    }
    fields
}

/// A record's `(name, value)` pairs with repeated names sorted out.
#[derive(Debug)]
pub struct Split<K> {
    /// One pair per name, at its first place, with its last value.
    pub fields: Vec<(K, String)>,
    /// The other values: the index in `fields` of their name, and the
    /// value, in input order.
    pub earlier: Vec<(usize, String)>,
    /// Each repeated name: its index in `fields` and the indices in the
    /// original pairs where it occurs.
    pub repeats: Vec<(usize, Vec<usize>)>,
}

/// Up to this many pairs, names are compared pairwise; beyond it, through a
/// hash map (so a record of many keys costs linear time).
const PAIRWISE: usize = 24;

/// Sorts out repeated names. The usual record, whose names all differ, is
/// returned as it is, without allocating.
pub fn split_repeated<K: AsRef<str>>(pairs: Vec<(K, String)>) -> Split<K> {
    if !has_repeats(&pairs) {
        return Split {
            fields: pairs,
            earlier: Vec::new(),
            repeats: Vec::new(),
        };
    }
    let mut slot_of: HashMap<String, usize> = HashMap::new();
    let mut places: Vec<Vec<usize>> = Vec::new();
    let mut fields: Vec<(K, Option<String>)> = Vec::new();
    let mut values: Vec<String> = Vec::with_capacity(pairs.len());
    let mut slots: Vec<usize> = Vec::with_capacity(pairs.len());
    for (index, (name, value)) in pairs.into_iter().enumerate() {
        let slot = match slot_of.get(name.as_ref()) {
            Some(&slot) => slot,
            None => {
                let slot = fields.len();
                slot_of.insert(name.as_ref().to_owned(), slot);
                fields.push((name, None));
                places.push(Vec::new());
                slot
            }
        };
        places[slot].push(index);
        slots.push(slot);
        values.push(value);
    }
    let mut earlier = Vec::new();
    for (index, (slot, value)) in slots.into_iter().zip(values).enumerate() {
        if places[slot].last() == Some(&index) {
            fields[slot].1 = Some(value);
        } else {
            earlier.push((slot, value));
        }
    }
    let repeats = places
        .into_iter()
        .enumerate()
        .filter(|(_, at)| at.len() > 1)
        .collect();
    Split {
        fields: fields
            .into_iter()
            .map(|(name, value)| (name, value.unwrap_or_default()))
            .collect(),
        earlier,
        repeats,
    }
}

fn has_repeats<K: AsRef<str>>(pairs: &[(K, String)]) -> bool {
    if pairs.len() <= PAIRWISE {
        return pairs.iter().enumerate().any(|(i, (a, _))| {
            let a = a.as_ref();
            pairs[..i].iter().any(|(b, _)| {
                let b = b.as_ref();
                a.len() == b.len() && a == b
            })
        });
    }
    let mut seen = std::collections::HashSet::with_capacity(pairs.len());
    !pairs.iter().all(|(name, _)| seen.insert(name.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(names: &[&str]) -> Vec<(String, String)> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).to_owned(), i.to_string()))
            .collect()
    }

    #[test]
    fn distinct_names_pass_through() {
        let split = split_repeated(pairs(&["a", "b", "c"]));
        assert_eq!(split.fields, pairs(&["a", "b", "c"]));
        assert!(split.earlier.is_empty() && split.repeats.is_empty());
    }

    #[test]
    fn the_last_value_is_the_fields_and_the_others_are_kept() {
        let split = split_repeated(pairs(&["a", "b", "a", "c", "a", "b"]));
        let fields: Vec<(&str, &str)> = split
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(fields, [("a", "4"), ("b", "5"), ("c", "3")]);
        assert_eq!(
            split.earlier,
            [
                (0, "0".to_owned()),
                (1, "1".to_owned()),
                (0, "2".to_owned())
            ]
        );
        assert_eq!(split.repeats, [(0, vec![0, 2, 4]), (1, vec![1, 5])]);
    }

    #[test]
    fn many_names_are_compared_through_a_map() {
        let mut names: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
        names.push("k17".to_owned());
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let split = split_repeated(pairs(&refs));
        assert_eq!(split.fields.len(), 10_000);
        assert_eq!(split.repeats, [(17, vec![17, 10_000])]);
        assert!(!has_repeats(&pairs(&refs[..10_000])));
    }
}
