//! Python exceptions for the library's errors: the message is what the
//! command line shows (each problem as `file:line:col: message`, with its
//! help), and `problems` lists each positioned problem.

use std::path::Path;

use listlint_core::linter::LinterError;
use listlint_core::pack::load::LoadError;
use listlint_core::pack::PackError as CorePackError;
use miette::Diagnostic;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

create_exception!(
    listlint,
    ListlintError,
    PyException,
    "Base class of the errors listlint raises."
);
create_exception!(
    listlint,
    PackError,
    ListlintError,
    "A rule pack cannot be read or is invalid; the message names file:line:col."
);
create_exception!(
    listlint,
    ConfigError,
    ListlintError,
    "The config file (listlint.yaml) cannot be read or is invalid; the message names file:line:col."
);

/// The diagnostic as text: its message (with the error it wraps), its
/// help, then each related problem the same way.
pub fn render(diagnostic: &dyn Diagnostic) -> String {
    let mut out = String::new();
    render_into(diagnostic, &mut out);
    out
}

fn render_into(diagnostic: &dyn Diagnostic, out: &mut String) {
    out.push_str(&diagnostic.to_string());
    let mut source = diagnostic.source();
    while let Some(inner) = source {
        out.push_str(": ");
        out.push_str(&inner.to_string());
        source = inner.source();
    }
    if let Some(help) = diagnostic.help() {
        out.push_str("\n  help: ");
        out.push_str(&help.to_string());
    }
    if let Some(related) = diagnostic.related() {
        for problem in related {
            out.push('\n');
            render_into(problem, out);
        }
    }
}

/// Each positioned problem of a pack error: file, line, column, message.
fn positions(error: &CorePackError, out: &mut Vec<(String, u64, u64, String)>) {
    match error {
        CorePackError::Invalid(invalid) => out.push((
            invalid.file.clone(),
            invalid.line,
            invalid.column,
            invalid.message.clone(),
        )),
        CorePackError::Several(all) => all.iter().for_each(|e| positions(e, out)),
        _ => {}
    }
}

/// An exception of type `T` with `message` and a `problems` attribute.
fn raise<T: pyo3::PyTypeInfo>(
    py: Python<'_>,
    message: String,
    problems: &[(String, u64, u64, String)],
) -> PyErr {
    let err = PyErr::new::<T, _>(message);
    let list = PyList::empty(py);
    for (file, line, column, message) in problems {
        let entry = PyDict::new(py);
        let _ = entry.set_item("file", file);
        let _ = entry.set_item("line", line);
        let _ = entry.set_item("column", column);
        let _ = entry.set_item("message", message);
        let _ = list.append(entry);
    }
    let _ = err.value(py).setattr("problems", list);
    err
}

/// A pack error: a [`ConfigError`] when every problem it names is in the
/// config file (`config`), a [`PackError`] otherwise.
pub fn pack_error(py: Python<'_>, error: &CorePackError, config: Option<&Path>) -> PyErr {
    let mut problems = Vec::new();
    positions(error, &mut problems);
    let in_config = match config {
        Some(config) => {
            let shown = config.display().to_string();
            matches!(error, CorePackError::ConfigIo { .. })
                || (!problems.is_empty() && problems.iter().all(|p| p.0 == shown))
        }
        None => matches!(error, CorePackError::ConfigIo { .. }),
    };
    let message = render(error);
    if in_config {
        raise::<ConfigError>(py, message, &problems)
    } else {
        raise::<PackError>(py, message, &problems)
    }
}

/// Why a linter cannot be built, as a Python exception.
pub fn linter_error(py: Python<'_>, error: &LinterError, config: Option<&Path>) -> PyErr {
    let LinterError::Load(load) = error;
    load_error(py, load, config)
}

/// Why packs cannot be loaded, as a Python exception: pack problems are
/// [`PackError`]s (or [`ConfigError`]s when in the config file), a
/// severity override of an unknown rule a [`ConfigError`], a `select` or
/// `ignore` token that matches nothing a `ValueError`.
pub fn load_error(py: Python<'_>, error: &LoadError, config: Option<&Path>) -> PyErr {
    match error {
        LoadError::Pack(pack) => pack_error(py, pack, config),
        LoadError::UnknownSeverityRule { .. } => raise::<ConfigError>(py, render(error), &[]),
        LoadError::UnmatchedSelector { .. } => PyValueError::new_err(render(error)),
        LoadError::NoPacksIn { .. } | LoadError::NothingToLoad => {
            raise::<PackError>(py, render(error), &[])
        }
    }
}

/// Any other diagnostic of the config file's settings.
pub fn config_error(py: Python<'_>, error: &dyn Diagnostic) -> PyErr {
    raise::<ConfigError>(py, render(error), &[])
}
