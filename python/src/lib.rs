//! `import listlint`: the listlint engine as a Python extension module.
//!
//! Everything here is a thin layer over the library crates: settings are
//! `listlint_core::settings::{Settings, Overrides}`, checking is
//! `listlint_core::linter::Linter`, records become listings through
//! `listlint_io::source::memory` (as a JSON Lines record with the same keys
//! does) and findings are the core's `Finding`, serialised with its own
//! serde implementation (the one `--format json` writes).

mod arrow;
mod convert;
mod describe;
mod errors;
mod linter;

use pyo3::prelude::*;

/// The native module; `listlint/__init__.py` re-exports it.
#[pymodule]
fn _listlint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<linter::Linter>()?;
    m.add_function(wrap_pyfunction!(describe::rules, m)?)?;
    m.add_function(wrap_pyfunction!(describe::explain, m)?)?;
    m.add("ListlintError", py.get_type::<errors::ListlintError>())?;
    m.add("PackError", py.get_type::<errors::PackError>())?;
    m.add("ConfigError", py.get_type::<errors::ConfigError>())?;
    Ok(())
}
