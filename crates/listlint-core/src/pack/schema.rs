//! The rule-pack YAML schema, as serde types (from `listlint-pack-schema`,
//! which the build script shares to pre-parse the built-in packs).

pub use listlint_pack_schema::pack::*;
