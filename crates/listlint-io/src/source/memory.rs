//! Listings held in memory by an embedder (a Python dict, a row of an
//! Arrow batch), made fields exactly as a JSON Lines record with the same
//! keys and values is: nested objects flattened (SPEC §1), keys mapped by
//! the profile, colliding and repeated names reported as the reader
//! reports them.

use std::sync::Arc;

use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::Listing;
use serde_json::{Map, Value};

use super::flatten::flatten_json_object;
use super::repeated::map_fields;

/// A listing from a JSON object held in memory, as the JSON Lines reader
/// makes one from a line with the same object: `file`, `line` and `record`
/// are what its findings show.
pub fn listing_from_object(
    file: &Arc<str>,
    line: u64,
    record: u64,
    object: Map<String, Value>,
    mapper: &mut FieldMapper,
) -> Listing {
    let mut pairs = Vec::new();
    flatten_json_object(object, &mut pairs);
    listing_from_pairs(file, line, record, pairs, mapper)
}

/// A listing from flattened `(key, value)` pairs (a row of a table whose
/// columns are the keys), mapped by the profile as a record's keys are.
pub fn listing_from_pairs<K: AsRef<str>>(
    file: &Arc<str>,
    line: u64,
    record: u64,
    pairs: Vec<(K, String)>,
    mapper: &mut FieldMapper,
) -> Listing {
    let mut problems = Vec::new();
    let count = pairs.len();
    let fields = map_fields(
        pairs,
        line,
        |places| vec![line; places.len().min(count)],
        mapper,
        &mut problems,
    );
    Listing {
        file: file.clone(),
        line,
        record,
        fields,
        problems,
        value_columns: Vec::new(),
        header: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_reads_as_its_json_line_does() {
        let text = r#"{"sku": "A-1", "商品标题": "最好的", "cert": {"ccc": "2021"}, "cert.ccc": "2022", "n": null}"#;
        let Value::Object(object) = serde_json::from_str(text).unwrap() else {
            panic!()
        };
        let file: Arc<str> = Arc::from("memory");
        let mut mapper = FieldMapper::generic();
        let ours = listing_from_object(&file, 1, 1, object, &mut mapper);
        let theirs = crate::source::RawRecord::JsonLine {
            file: file.clone(),
            line: 1,
            record: 1,
            bytes: text.as_bytes().to_vec(),
        }
        .into_listing(&mut FieldMapper::generic());
        assert_eq!(ours.fields, theirs.fields);
        assert_eq!(ours.problems, theirs.problems);
        assert_eq!(ours.id(), Some("A-1"));
    }
}
