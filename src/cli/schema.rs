//! `listlint schema pack|tests|config`: the JSON Schema of a rule pack, a
//! pack test file or `listlint.yaml`, derived from the types that read them
//! (see `listlint_core::pack::json_schema`).

use listlint_core::pack::json_schema::{json_schema, SchemaKind};

use super::output;
use crate::exit::ExitStatus;

/// Which file's schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFile {
    /// A rule pack (`company.yaml`).
    Pack,
    /// A pack's test file (`company.test.yaml`).
    Tests,
    /// The config file `listlint.yaml`.
    Config,
}

impl From<SchemaFile> for SchemaKind {
    fn from(file: SchemaFile) -> Self {
        match file {
            SchemaFile::Pack => SchemaKind::Pack,
            SchemaFile::Tests => SchemaKind::Tests,
            SchemaFile::Config => SchemaKind::Config,
        }
    }
}

/// Prints the schema, pretty-printed JSON.
pub fn print(file: SchemaFile) -> miette::Result<ExitStatus> {
    let schema = json_schema(file.into());
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| miette::miette!("cannot write the schema: {e}"))?;
    output::print(&format!("{text}\n"))?;
    Ok(ExitStatus::Success)
}
