//! Embeds the built-in rule packs: their YAML text, and the same packs
//! parsed here with the engine's own types and stored as JSON (without
//! their examples), which the
//! engine reads in a fraction of the time YAML takes (start-up of every
//! `listlint check` is mostly reading the built-in packs otherwise).
//!
//! It also writes the traditional → simplified character table
//! (`text::t2s`), expanded from the `fast2s` crate's table once here
//! rather than at every start.
//!
//! A pack this script cannot parse (while a pack is being edited) gets an
//! empty pre-parsed form and a build warning: the engine then parses its
//! YAML at run time and reports the problem with its file, line and column.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use listlint_pack_schema::pack::PackDef;

/// The built-in packs, in the order they are loaded.
const BUILTIN: &[&str] = &[
    "cn-ad-absolutes",
    "cn-claims",
    "cn-categories",
    "cn-certificates",
    "cn-pricing",
    "cn-promotions",
    "cn-ip-risk",
    "cn-prohibited",
];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let rules = manifest.join("../../rules");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let mut table = String::from(
        "/// The default packs, embedded in the binary: path and YAML text, in\n\
         /// load order.\n\
         pub const BUILTIN_PACKS: &[(&str, &str)] = &[\n",
    );
    let mut parsed = String::from(
        "/// [`BUILTIN_PACKS`] parsed by the build script (a `PackDef` as JSON,\n\
         /// places left out), in the same order; empty for a pack the build\n\
         /// could not parse.\n\
         pub(crate) const BUILTIN_PARSED: &[&str] = &[\n",
    );
    for name in BUILTIN {
        let yaml_path = rules.join(format!("{name}.yaml"));
        println!("cargo:rerun-if-changed={}", yaml_path.display());
        let json_path = out.join(format!("{name}.json"));
        fs::write(&json_path, pre_parse(&yaml_path)).expect("OUT_DIR is writable");
        let _ = writeln!(
            table,
            "    (\"rules/{name}.yaml\", include_str!({:?})),",
            yaml_path.display().to_string()
        );
        let _ = writeln!(
            parsed,
            "    include_str!({:?}),",
            json_path.display().to_string()
        );
    }
    table.push_str("];\n\n");
    parsed.push_str("];\n");
    table.push_str(&parsed);
    fs::write(out.join("builtin_packs.rs"), table).expect("OUT_DIR is writable");
    fs::write(out.join("t2s_pairs.rs"), t2s_pairs()).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=build.rs");
}

/// The pack at `path` as JSON, or nothing (with a warning) when it cannot
/// be read or parsed.
fn pre_parse(path: &Path) -> String {
    let parsed = fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_saphyr::from_str::<PackDef>(&text).map_err(|e| e.to_string()))
        .and_then(|mut pack| {
            // Checking never runs a pack's examples (`rules test` and the
            // rule docs read the YAML): leaving them out saves reading them.
            for rule in &mut pack.rules {
                rule.examples.clear();
            }
            serde_json::to_string(&pack).map_err(|e| e.to_string())
        });
    match parsed {
        Ok(json) => json,
        Err(e) => {
            let first = e.lines().next().unwrap_or_default().to_owned();
            println!(
                "cargo:warning={}: not pre-parsed, read at run time: {first}",
                path.display()
            );
            String::new()
        }
    }
}

/// The CJK blocks `text::t2s` converts (keep in step with it).
const T2S_BLOCKS: [(u32, u32); 2] = [(0x3400, 0x9FFF), (0xF900, 0xFAFF)];

/// Every character of [`T2S_BLOCKS`] whose simplified form differs, with
/// that form, as a Rust slice of `(char, char)`.
fn t2s_pairs() -> String {
    let mut out = String::from(
        "/// Characters of the converted blocks whose simplified form differs\n\
         /// (written by build.rs from the `fast2s` table), in code point order.\n\
         const PAIRS: &[(char, char)] = &[\n",
    );
    for (first, last) in T2S_BLOCKS {
        let originals: Vec<char> = (first..=last).filter_map(char::from_u32).collect();
        // Separate the characters so that no two are ever read as a word.
        let spaced: String = originals.iter().flat_map(|&c| [c, ' ']).collect();
        let converted: Vec<char> = fast2s::convert(&spaced).chars().step_by(2).collect();
        if converted.len() != originals.len() {
            println!("cargo:warning=fast2s changed the length of a block; left unconverted");
            continue;
        }
        for (from, to) in originals.iter().zip(&converted) {
            if from != to {
                let _ = writeln!(out, "    ({from:?}, {to:?}),");
            }
        }
    }
    out.push_str("];\n");
    out
}
