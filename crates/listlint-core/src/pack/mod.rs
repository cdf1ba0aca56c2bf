//! Rule packs: the YAML schema, loading from the binary and from disk, and
//! errors that point at the pack's file, line and column.

pub mod diff;
#[cfg(feature = "schema")]
pub mod json_schema;
pub mod load;
pub mod read;
pub mod schema;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use miette::{NamedSource, SourceSpan};

use read::{read_bounded, DocumentKind};
use schema::PackDef;

// `BUILTIN_PACKS` (path and YAML text of each default pack) and
// `BUILTIN_PARSED` (the same packs pre-parsed), written by build.rs.
include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The text of a pack and where it came from.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// Display name: the path as given, or `rules/…` for a built-in pack.
    pub name: Arc<str>,
    /// The YAML text.
    pub text: Arc<str>,
    /// Whether the pack ships inside the binary.
    pub builtin: bool,
}

impl PackSource {
    /// A pack given as text rather than read from a file; `name` is what
    /// its errors and findings show (e.g. `company.yaml`).
    pub fn inline(name: &str, text: &str) -> Self {
        Self {
            name: Arc::from(name),
            text: Arc::from(text),
            builtin: false,
        }
    }
}

/// A parsed pack with its source.
#[derive(Debug, Clone)]
pub struct LoadedPack {
    /// Where it came from (for error messages).
    pub source: PackSource,
    /// The parsed definition.
    pub def: PackDef,
    /// Names of the packs this one extends, once resolved.
    pub extended: Vec<String>,
}

impl LoadedPack {
    /// The pack's name.
    pub fn name(&self) -> &str {
        &self.def.pack.value
    }
}

/// A pack that cannot be read or is invalid (a usage error, exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PackError {
    /// The file or folder could not be read.
    #[error("cannot read rule pack {path}")]
    #[diagnostic(code(listlint::pack::unreadable))]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The config file could not be read.
    #[error("cannot read config file {path}")]
    #[diagnostic(code(listlint::config::unreadable))]
    ConfigIo {
        /// The path as given.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A pack, test or config file is larger than its limit.
    #[error("{path} is larger than {limit}, the limit for a {noun}")]
    #[diagnostic(
        code(listlint::pack::too_big),
        help("raise the limit with {flag} SIZE (bytes, or with a K, M or G suffix)")
    )]
    TooBig {
        /// The path as given.
        path: String,
        /// What the file was read as.
        noun: &'static str,
        /// The limit, as [`read::human_size`] shows it.
        limit: String,
        /// The flag that raises it.
        flag: &'static str,
    },
    /// A file read as a pack, test or config file is not one (none of its
    /// lines starts with a top-level key of that document); its contents
    /// are never shown.
    #[error("{path} is not a {noun} (no line starts with {keys}), so its contents are not shown")]
    #[diagnostic(code(listlint::pack::not_a_pack))]
    NotADocument {
        /// The path as given.
        path: String,
        /// What the file was read as.
        noun: &'static str,
        /// The keys looked for, as `pack:`.
        keys: String,
    },
    /// The terms of all loaded packs do not fit in one automaton.
    #[error("cannot build the matcher for the loaded packs: {0}")]
    #[diagnostic(
        code(listlint::pack::too_large),
        help("load fewer packs, or split very large term lists across runs")
    )]
    TooLarge(String),
    /// The pack is not valid: bad YAML, a wrong type, an unknown key, or a
    /// rule that does not make sense.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidPack>),
    /// More than one problem, each shown in full.
    #[error("{} problems in the rule packs", .0.len())]
    #[diagnostic(code(listlint::pack::invalid))]
    Several(#[related] Vec<PackError>),
}

/// Where and why a pack is invalid.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(code(listlint::pack::invalid))]
pub struct InvalidPack {
    /// Pack file.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// The pack text, for the snippet; none when the line is too long to
    /// show.
    #[source_code]
    pub src: Option<NamedSource<Arc<str>>>,
    /// Where in the pack.
    #[label("here")]
    pub span: Option<SourceSpan>,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

impl PackError {
    /// One error for a list of problems: `None` for none, the problem
    /// itself for one, [`PackError::Several`] otherwise.
    pub fn from_many(mut errors: Vec<PackError>) -> Option<PackError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(PackError::Several(errors)),
        }
    }

    /// What is wrong, without the place.
    pub fn problem(&self) -> String {
        match self {
            PackError::Invalid(invalid) => invalid.message.clone(),
            other => other.to_string(),
        }
    }

    /// The individual problems: the inner list of [`PackError::Several`],
    /// or this error alone.
    pub fn into_problems(self) -> Vec<PackError> {
        match self {
            PackError::Several(errors) => errors,
            other => vec![other],
        }
    }

    /// An error at a 1-based line and column of a pack.
    pub fn at(
        source: &PackSource,
        line: u64,
        column: u64,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        let offset = byte_offset(&source.text, line, column);
        // A snippet shows whole lines: one too long to read (a 1 MB regex)
        // is left out rather than printed.
        let shown = offset.filter(|&o| snippet_width(&source.text, o) <= MAX_SNIPPET_LINE);
        PackError::Invalid(Box::new(InvalidPack {
            file: source.name.to_string(),
            line,
            column,
            message: message.into(),
            src: shown.map(|_| NamedSource::new(&source.name, source.text.clone())),
            span: shown.map(|o| SourceSpan::from((o, 1))),
            help,
        }))
    }

    /// An error at a location recorded by the YAML parser.
    pub fn at_location(
        source: &PackSource,
        location: serde_saphyr::Location,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Self::at(source, location.line(), location.column(), message, help)
    }
}

/// The longest line (in bytes) an error snippet shows.
const MAX_SNIPPET_LINE: usize = 400;

/// The length in bytes of the longest line an error snippet at byte
/// `offset` shows: its own line and the lines before and after it.
fn snippet_width(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (first, lines) = match line_start {
        0 => (0, 2),
        _ => (text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1), 3),
    };
    text[first..]
        .split('\n')
        .take(lines)
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Byte offset of a 1-based line and (character) column.
fn byte_offset(text: &str, line: u64, column: u64) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        text.match_indices('\n').nth(line as usize - 2)?.0 + 1
    };
    let rest = &text[line_start..];
    let col = column.saturating_sub(1) as usize;
    let within = rest
        .char_indices()
        .take_while(|&(_, c)| c != '\n')
        .nth(col)
        .map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |(i, _)| i);
    Some(line_start + within)
}

/// Parses one pack.
pub fn parse_pack(source: PackSource) -> Result<LoadedPack, PackError> {
    let def = parse_document::<PackDef>(&source, DocumentKind::Pack)?;
    Ok(LoadedPack {
        source,
        def,
        extended: Vec::new(),
    })
}

/// Parses a document of `kind` read from disk as [`parse_yaml`] does, except
/// that a file that does not look like such a document
/// ([`DocumentKind::recognizes`]) is reported without a word of its
/// contents: the parser's message could quote it.
pub fn parse_document<T: serde::de::DeserializeOwned>(
    source: &PackSource,
    kind: DocumentKind,
) -> Result<T, PackError> {
    parse_yaml(source).map_err(|error| {
        if source.builtin || kind.recognizes(&source.text) {
            return error;
        }
        PackError::NotADocument {
            path: source.name.to_string(),
            noun: kind.noun(),
            keys: kind.keys_shown(),
        }
    })
}

/// Parses a YAML document (a pack, a config file) into `T`; errors name
/// the file, line and column, with a "did you mean" for unknown keys.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(source: &PackSource) -> Result<T, PackError> {
    serde_saphyr::from_str::<T>(&source.text).map_err(|err| {
        let rendered = err.without_snippet().to_string();
        let first_line = rendered.lines().next().unwrap_or("invalid YAML");
        let message = match first_line.rfind(" at line ") {
            Some(i) => &first_line[..i],
            None => first_line,
        };
        let help = unknown_key_help(message).or_else(|| type_help(message));
        match err.location() {
            Some(loc) => PackError::at_location(source, loc, message, help),
            None => PackError::at(source, 1, 1, message, help),
        }
    })
}

/// A "did you mean" for serde's "unknown field `x`, expected one of …".
fn unknown_key_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected one of ")?.1;
    let candidates = expected.split(", ").map(|c| c.trim_matches('`'));
    crate::suggest::did_you_mean(key, candidates)
        .map(|s| format!("did you mean `{s}`?"))
        .or_else(|| Some(format!("allowed keys: {expected}")))
}

/// What the parser's "expected …" messages ask for, in the pack's terms.
fn type_help(message: &str) -> Option<String> {
    let help = if message.contains("expected sequence") {
        "a list is expected here: `[a, b]`, or one `- item` per line"
    } else if message.contains("expected mapping") || message.contains("expected a map") {
        "a map of `key: value` lines is expected here"
    } else if message.starts_with("invalid type") {
        "check this value's type against docs/rule-packs.md (quote text that looks like a number or a boolean)"
    } else {
        return None;
    };
    Some(help.to_owned())
}

/// The embedded default packs.
pub fn builtin_sources() -> Vec<PackSource> {
    shipped_sources().to_vec()
}

/// The embedded default packs, their text copied into the process once
/// (every [`builtin_sources`] shares it, and [`shipped_index`] knows it
/// by its address).
fn shipped_sources() -> &'static [PackSource] {
    static SOURCES: OnceLock<Vec<PackSource>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        BUILTIN_PACKS
            .iter()
            .map(|(name, text)| PackSource {
                name: Arc::from(*name),
                text: Arc::from(*text),
                builtin: true,
            })
            .collect()
    })
}

/// Which built-in pack `source` is, with the text it ships with: the
/// shared text is recognised by its address, any other copy by its bytes.
fn shipped_index(source: &PackSource) -> Option<usize> {
    if !source.builtin {
        return None;
    }
    shipped_sources().iter().position(|shipped| {
        shipped.name == source.name
            && (Arc::ptr_eq(&shipped.text, &source.text) || shipped.text == source.text)
    })
}

/// Appends the built-in packs that no pack in `packs` replaces (by name),
/// so that references to built-in conditions resolve when packs are tested
/// or compared on their own.
pub fn add_builtins_not_replaced(packs: &mut Vec<LoadedPack>) -> Result<(), PackError> {
    let names: Vec<String> = packs.iter().map(|p| p.name().to_owned()).collect();
    for source in builtin_sources() {
        let pack = parse_pack(source)?;
        if !names.iter().any(|n| n == pack.name()) {
            packs.push(pack);
        }
    }
    Ok(())
}

/// Whether `source` is a built-in pack with the text it ships with: what
/// it holds is known to be valid (its regexes compile), so parts of it can
/// be compiled when first used.
pub fn is_shipped(source: &PackSource) -> bool {
    shipped_index(source).is_some()
}

/// A shipped pack (`source` is a built-in pack with the text it ships
/// with) as the build script parsed it: a fraction of the time its YAML
/// takes, but without places (every value's line and column are unknown)
/// and without its rules' examples, so for loads that check listings and
/// whose messages will not point into the built-in packs (see
/// [`load::Places`]); commands that show or run examples read the YAML. `None` for any other pack, or when the build
/// could not pre-parse it.
pub fn pre_parsed(source: &PackSource) -> Option<LoadedPack> {
    let index = shipped_index(source)?;
    let def = serde_json::from_str::<PackDef>(BUILTIN_PARSED.get(index)?).ok()?;
    Some(LoadedPack {
        source: source.clone(),
        def,
        extended: Vec::new(),
    })
}

/// The names of the built-in packs (each file's stem is its pack name).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN_PACKS.iter().map(|(path, _)| {
        let file = path.rsplit('/').next().unwrap_or(path);
        file.strip_suffix(".yaml").unwrap_or(file)
    })
}

/// The built-in pack with this name.
pub fn builtin_named(name: &str) -> Option<PackSource> {
    let index = builtin_names().position(|n| n == name)?;
    builtin_sources().into_iter().nth(index)
}

/// Reads pack files: a file, or every `*.yaml` / `*.yml` in a folder
/// (recursively, sorted, skipping `*.test.yaml` test files).
pub fn read_pack_sources(path: &Path) -> Result<Vec<PackSource>, PackError> {
    Ok(read_packs(path)?.packs)
}

/// Reads pack files as [`read_pack_sources`] does, and says which files of
/// a folder were skipped (`tests` stays empty).
pub fn read_packs(path: &Path) -> Result<PackFiles, PackError> {
    let found = pack_file_paths(path)?;
    Ok(PackFiles {
        packs: read_all(&found.packs, DocumentKind::Pack)?,
        tests: Vec::new(),
        skipped: found.skipped,
    })
}

/// Pack files and their test files, as read from one path.
#[derive(Debug, Default)]
pub struct PackFiles {
    /// The packs.
    pub packs: Vec<PackSource>,
    /// Test files (`<pack>.test.yaml`).
    pub tests: Vec<PackSource>,
    /// Files of a folder skipped because they are not regular files (a
    /// named pipe, a link to a device), with the reason.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// The paths of pack and test files found, before reading them.
#[derive(Debug, Default)]
struct PackPaths {
    packs: Vec<PathBuf>,
    tests: Vec<PathBuf>,
    skipped: Vec<(PathBuf, &'static str)>,
}

/// Reads packs and their test files: for a pack file, the pack and the
/// `.test.yaml` next to it if there is one; for a test file, the test file
/// and the pack next to it; for a folder, every pack and test file in it
/// (recursively, sorted, hidden folders skipped).
pub fn read_packs_and_tests(path: &Path) -> Result<PackFiles, PackError> {
    let found = pack_file_paths(path)?;
    Ok(PackFiles {
        packs: read_all(&found.packs, DocumentKind::Pack)?,
        tests: read_all(&found.tests, DocumentKind::PackTests)?,
        skipped: found.skipped,
    })
}

/// Reads each of `paths` as a `kind` document.
fn read_all(paths: &[PathBuf], kind: DocumentKind) -> Result<Vec<PackSource>, PackError> {
    paths.iter().map(|p| read_document(p, kind)).collect()
}

/// The pack files and test files a path names, as [`read_packs_and_tests`]
/// describes, without reading them. A path named directly is read whatever
/// it is (a named pipe too); in a folder, only regular files and links to
/// them are, and links to folders are not followed.
fn pack_file_paths(path: &Path) -> Result<PackPaths, PackError> {
    let meta = fs::metadata(path).map_err(|source| PackError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut found = PackPaths::default();
    if meta.is_dir() {
        collect_pack_files(path, &mut found)?;
        return Ok(found);
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_default();
    if let Some(stem) = test_file_stem(&name) {
        found.tests.push(path.to_path_buf());
        found.packs.extend(sibling(path, stem, &["yaml", "yml"]));
    } else {
        found.packs.push(path.to_path_buf());
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        found
            .tests
            .extend(sibling(path, stem, &["test.yaml", "test.yml"]));
    }
    Ok(found)
}

fn collect_pack_files(dir: &Path, found: &mut PackPaths) -> Result<(), PackError> {
    let io_err = |source| PackError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(io_err)?
        .collect::<Result<_, _>>()
        .map_err(io_err)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let file_type = entry.file_type().map_err(io_err)?;
        if file_type.is_dir() {
            if !name.starts_with('.') {
                collect_pack_files(&p, found)?;
            }
            continue;
        }
        let list = if test_file_stem(&name).is_some() {
            &mut found.tests
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            &mut found.packs
        } else {
            continue;
        };
        match crate::file_kind::skip_reason(&p, file_type) {
            None => list.push(p),
            Some(reason) => found.skipped.push((p, reason)),
        }
    }
    Ok(())
}

/// Reads one pack (or test) file, at most `--max-pack-size` bytes.
pub fn read_source(path: &Path) -> Result<PackSource, PackError> {
    read_document(path, DocumentKind::Pack)
}

/// Reads one file as a document of `kind`, at most its size limit.
pub fn read_document(path: &Path, kind: DocumentKind) -> Result<PackSource, PackError> {
    let text = read_bounded(path, kind)?;
    Ok(PackSource {
        name: Arc::from(path.display().to_string()),
        text: Arc::from(text),
        builtin: false,
    })
}

/// `x` for a test file named `x.test.yaml` or `x.test.yml`.
pub fn test_file_stem(name: &str) -> Option<&str> {
    name.strip_suffix(".test.yaml")
        .or_else(|| name.strip_suffix(".test.yml"))
}

/// The first existing file `stem.ext` next to `path`.
fn sibling(path: &Path, stem: &str, extensions: &[&str]) -> Option<PathBuf> {
    extensions
        .iter()
        .map(|ext| path.with_file_name(format!("{stem}.{ext}")))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_of_lines_and_columns() {
        let text = "ab\n最好x\n";
        assert_eq!(byte_offset(text, 1, 1), Some(0));
        assert_eq!(byte_offset(text, 2, 2), Some(6));
        assert_eq!(byte_offset(text, 2, 9), Some(10));
        assert_eq!(byte_offset(text, 9, 1), None);
    }

    /// Every regex of the shipped packs, as written (a `require` format
    /// also anchored, as it is run).
    fn shipped_regexes() -> Vec<String> {
        use schema::ConditionDef;
        fn walk(def: &ConditionDef, out: &mut Vec<String>) {
            match def {
                ConditionDef::All(list) | ConditionDef::Any(list) => {
                    list.iter().for_each(|d| walk(d, out));
                }
                ConditionDef::Not(inner) => walk(inner, out),
                ConditionDef::Category(c) => out.extend(c.regex.iter().map(|r| r.value.clone())),
                ConditionDef::FieldMatches(m) => out.push(m.regex.value.clone()),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for source in builtin_sources() {
            let def = parse_pack(source).expect("a shipped pack parses").def;
            def.conditions.values().for_each(|c| walk(c, &mut out));
            def.title_is_name.iter().for_each(|c| walk(c, &mut out));
            for rule in &def.rules {
                rule.when.iter().for_each(|c| walk(c, &mut out));
                out.extend(rule.pattern.iter().map(|p| p.value.clone()));
                if let Some(format) = rule.require.as_ref().and_then(|r| r.value.format.as_ref()) {
                    out.push(format.value.clone());
                    out.push(format!("^(?:{})$", format.value));
                }
            }
        }
        out
    }

    #[test]
    fn every_shipped_regex_compiles() {
        // Shipped packs' regexes are compiled on first use, during a run:
        // that they compile is checked here instead.
        let regexes = shipped_regexes();
        assert!(regexes.len() > 50, "{} regexes", regexes.len());
        for pattern in regexes {
            let regex = regex::Regex::new(&pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            assert_eq!(
                crate::engine::pack_regex::names_brand_group(&pattern),
                crate::engine::kinds::pattern::has_brand_groups(&regex),
                "{pattern}"
            );
        }
    }

    #[test]
    fn only_unchanged_builtin_packs_are_shipped() {
        for source in builtin_sources() {
            assert!(is_shipped(&source));
            let edited = PackSource {
                text: Arc::from(format!("{}\n# edited\n", source.text)),
                ..source.clone()
            };
            assert!(!is_shipped(&edited));
            let named_alike = PackSource::inline(&source.name, &source.text);
            assert!(!is_shipped(&named_alike));
        }
    }

    #[test]
    fn pre_parsed_builtin_packs_are_the_yaml_packs() {
        // The build script's JSON form holds every value the YAML holds
        // but the examples.
        for source in builtin_sources() {
            let fast = pre_parsed(&source).expect("every shipped pack is pre-parsed");
            let mut yaml = parse_pack(source.clone()).expect("a shipped pack parses");
            assert!(fast.def.rules.iter().all(|r| r.examples.is_empty()));
            for rule in &mut yaml.def.rules {
                rule.examples.clear();
            }
            assert_eq!(
                serde_json::to_value(&fast.def).unwrap(),
                serde_json::to_value(&yaml.def).unwrap(),
                "{}",
                source.name
            );
            assert_eq!(fast.def.rules.len(), yaml.def.rules.len());
            let edited = PackSource {
                text: Arc::from(format!("{}\n# edited\n", source.text)),
                ..source.clone()
            };
            assert!(
                pre_parsed(&edited).is_none(),
                "an edited pack is read as YAML"
            );
            assert!(pre_parsed(&PackSource::inline(&source.name, &source.text)).is_none());
        }
    }

    #[test]
    fn builtin_packs_parse() {
        for source in builtin_sources() {
            let name = source.name.clone();
            parse_pack(source).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
