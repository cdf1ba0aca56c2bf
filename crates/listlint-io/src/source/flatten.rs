//! Flattening JSON objects into listing fields.

use serde_json::{Map, Value};

/// Flattens a JSON object into `(name, value)` pairs: nested objects join
/// keys with `.` (`{"cert": {"ccc": "…"}}` → `cert.ccc`), arrays of scalars
/// join with `, `, arrays of objects flatten with the index (`images.0.alt`),
/// numbers and booleans become their JSON text, and `null` is skipped.
pub fn flatten_json_object(object: Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in object {
        flatten_value(key, value, out);
    }
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
