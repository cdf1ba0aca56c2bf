//! Python values in and out: a listing dict becomes the JSON object a
//! JSON Lines line with the same content would hold, and a finding becomes
//! the dict its `--format json` object parses to.

use listlint_core::model::Finding;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

/// How deep a listing's dicts and lists may nest, as for JSON text
/// (`serde_json` refuses the 128th level).
const MAX_DEPTH: usize = 127;

/// A listing dict as a JSON object. Strings stay as they are; numbers
/// become the text `json.dumps` writes for them (so a JSON Lines file
/// written by Python reads the same); `True`/`False` become `true`/`false`;
/// `None` is left out; dicts nest (flattened as `a.b`) and lists and
/// tuples are arrays. Keys are strings (others are converted with `str`).
pub fn object_of(listing: &Bound<'_, PyAny>) -> PyResult<Map<String, Value>> {
    let dict = listing.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "a listing is a dict of field names to values, not {}",
            type_name(listing)
        ))
    })?;
    dict_object(dict, 0)
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn dict_object(dict: &Bound<'_, PyDict>, depth: usize) -> PyResult<Map<String, Value>> {
    let mut object = Map::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        let key = match key.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned(),
            Err(_) => key.str()?.to_cow()?.into_owned(),
        };
        object.insert(key, value_of(&value, depth + 1)?);
    }
    Ok(object)
}

fn value_of(value: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyTypeError::new_err(format!(
            "a listing nests dicts and lists more than {MAX_DEPTH} deep"
        )));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::String(
            if b.is_true() { "true" } else { "false" }.into(),
        ));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(Value::String(value.str()?.to_cow()?.into_owned()));
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(Value::String(value.repr()?.to_cow()?.into_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return Ok(Value::Object(dict_object(dict, depth)?));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return list.iter().map(|v| value_of(&v, depth + 1)).collect();
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return tuple.iter().map(|v| value_of(&v, depth + 1)).collect();
    }
    // Dates, decimals and the like: their text.
    Ok(Value::String(value.str()?.to_cow()?.into_owned()))
}

/// A finding as the dict `json.loads` makes of its `--format json`
/// object: the core's own serde serialisation, converted value by value.
pub fn finding_dict<'py>(py: Python<'py>, finding: &Finding) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(finding)
        .map_err(|e| PyTypeError::new_err(format!("cannot serialise a finding: {e}")))?;
    to_python(py, &value)
}

fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into_pyobject(py)?.into_any(),
            (None, Some(i)) => i.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}
