//! JSON Schemas of the files authors write: rule packs, pack test files
//! and `listlint.yaml`, derived from the serde types that read them
//! ([`super::schema`], [`crate::config`]), so a key added, renamed or
//! removed there changes the schema too. Editors use them to complete and
//! check keys as one types (a `# yaml-language-server: $schema=…` line at
//! the top of the file); `listlint schema pack|tests|config` prints them.
//!
//! The schemas describe the shape the YAML parser accepts (keys, types,
//! which keys are required, no unknown keys); what only compiling can tell
//! (a kind's keys, regexes, placeholders, ids) `listlint rules validate`
//! checks.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

use crate::config::Config;
use crate::pack::schema::{PackDef, PackTestsDef};

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// A rule pack (`company.yaml`).
    Pack,
    /// A pack's test file (`company.test.yaml`).
    Tests,
    /// The config file `listlint.yaml`.
    Config,
}

impl SchemaKind {
    /// Every kind, in the order `listlint schema` lists them.
    pub const ALL: [SchemaKind; 3] = [SchemaKind::Pack, SchemaKind::Tests, SchemaKind::Config];

    /// The name `listlint schema` takes.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Pack => "pack",
            SchemaKind::Tests => "tests",
            SchemaKind::Config => "config",
        }
    }

    /// The kind of a name `listlint schema` takes.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The JSON Schema (draft 2020-12) of a file kind.
pub fn json_schema(kind: SchemaKind) -> serde_json::Value {
    match kind {
        SchemaKind::Pack => schema_of::<PackDef>("listlint rule pack"),
        SchemaKind::Tests => schema_of::<PackTestsDef>("listlint pack test file"),
        SchemaKind::Config => schema_of::<Config>("listlint.yaml"),
    }
}

fn schema_of<T: JsonSchema>(title: &str) -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(map) = schema.as_object_mut() {
        map.insert("title".into(), serde_json::Value::from(title));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the config's serde type takes is a property of the
    /// schema, and no other.
    #[test]
    fn config_schema_lists_the_config_keys() {
        let schema = json_schema(SchemaKind::Config);
        let keys: Vec<&str> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, crate::config::KEYS);
        assert_eq!(schema["additionalProperties"], false);
    }
}
