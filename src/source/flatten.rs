//! Flattening JSON objects into listing fields.

use serde_json::{Map, Value};

/// Flattens a JSON object into `(name, value)` pairs: nested objects join
/// keys with `.` (`{"cert": {"ccc": "…"}}` → `cert.ccc`), arrays of scalars
/// join with `, `, arrays of objects flatten with the index (`images.0.alt`),
/// numbers and booleans become their JSON text, and `null` is skipped.
pub fn flatten_json_object(object: Map<String, Value>, out: &mut Vec<(String, String)>) {
    JsonRecord::flatten_entries(object, out);
}

fn flatten_value(name: String, value: Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::String(s) => out.push((name, s)),
        Value::Bool(_) | Value::Number(_) => out.push((name, value.to_string())),
        Value::Object(map) => {
            for (key, inner) in map {
                flatten_value(format!("{name}.{key}"), inner, out);
            }
        }
        Value::Array(items) => {
            if items.iter().all(|v| !v.is_object() && !v.is_array()) {
                let joined: Vec<String> = items
                    .into_iter()
                    .filter(|v| !v.is_null())
                    .map(|v| match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect();
                out.push((name, joined.join(", ")));
            } else {
                for (i, inner) in items.into_iter().enumerate() {
                    flatten_value(format!("{name}.{i}"), inner, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_nested_values() {
        let v: Value = serde_json::from_str(
            r#"{"id": 7, "cert": {"ccc": "2021"}, "tags": ["a", "b"], "imgs": [{"alt": "x"}], "n": null}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        let Value::Object(object) = v else { panic!() };
        flatten_json_object(object, &mut out);
        let expected = [
            ("id", "7"),
            ("cert.ccc", "2021"),
            ("tags", "a, b"),
            ("imgs.0.alt", "x"),
        ];
        let got: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, expected);
    }
}

/// One JSON document read as a listing: an object keeps its top-level
/// entries in input order in a plain vector (no map to build and hash);
/// anything else is kept as a value so the caller can say what it was.
#[derive(Debug)]
pub enum JsonRecord {
    /// An object's entries.
    Object(Vec<(String, Value)>),
    /// Not an object.
    Other(Value),
}

impl JsonRecord {
    /// Flattens an object's entries as [`flatten_json_object`] does.
    pub fn flatten_entries(
        entries: impl IntoIterator<Item = (String, Value)>,
        out: &mut Vec<(String, String)>,
    ) {
        for (key, value) in entries {
            flatten_value(key, value, out);
        }
    }
}

impl<'de> serde::Deserialize<'de> for JsonRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonRecordVisitor)
    }
}

struct JsonRecordVisitor;

impl<'de> serde::de::Visitor<'de> for JsonRecordVisitor {
    type Value = JsonRecord;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonRecord, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(12));
        while let Some(entry) = map.next_entry::<String, Value>()? {
            entries.push(entry);
        }
        Ok(JsonRecord::Object(entries))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<JsonRecord, A::Error> {
        // Only the kind matters to the caller; skip the contents.
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(JsonRecord::Other(Value::Array(Vec::new())))
    }

    fn visit_bool<E>(self, v: bool) -> Result<JsonRecord, E> {
        Ok(JsonRecord::Other(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<JsonRecord, E> {
        Ok(JsonRecord::Other(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<JsonRecord, E> {
        Ok(JsonRecord::Other(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<JsonRecord, E> {
        Ok(JsonRecord::Other(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<JsonRecord, E> {
        Ok(JsonRecord::Other(Value::from(v)))
    }

    fn visit_unit<E>(self) -> Result<JsonRecord, E> {
        Ok(JsonRecord::Other(Value::Null))
    }
}
