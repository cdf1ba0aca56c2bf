//! Expanding command-line paths into the list of inputs to read.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use listlint_core::file_kind::skip_reason;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::{Input, InputFormat, SourceError};

/// Folders never descended into.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

/// Files a folder walk leaves out unless `--include` names them: project
/// documents and listlint's own configuration, which share extensions with
/// catalog files.
const DEFAULT_EXCLUDES: &[&str] = &[
    "README*",
    "CHANGELOG*",
    "CONTRIBUTING*",
    "LICENSE*",
    "listlint.yaml",
    ".listlint.yaml",
    "*.test.yaml",
];

/// listlint's own ignore file, read like `.gitignore` in every folder a
/// walk enters (and the folders above it).
pub const IGNORE_FILE: &str = ".listlintignore";

/// Threads of a folder walk: reading folders is mostly waiting for the
/// file system, so a few help even on one core.
const WALK_THREADS: usize = 4;

/// Which files a folder walk keeps (`--include` / `--exclude`, ignore
/// files unless `--no-ignore`).
#[derive(Debug, Clone, Default)]
pub struct WalkFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    defaults: Option<GlobSet>,
    /// `--no-ignore`: honour no `.gitignore`, `.ignore` or
    /// [`IGNORE_FILE`].
    no_ignore: bool,
}

fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>, SourceError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| SourceError::BadGlob {
            pattern: pattern.clone(),
            message: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| SourceError::BadGlob {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })
}

impl WalkFilter {
    /// Globs are matched against the path below the walked folder and
    /// against the file name (`*.csv`, `exports/**/2026-*.jsonl`).
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, SourceError> {
        let defaults: Vec<String> = DEFAULT_EXCLUDES.iter().map(|s| (*s).to_owned()).collect();
        Ok(Self {
            include: glob_set(include)?,
            exclude: glob_set(exclude)?,
            defaults: glob_set(&defaults)?,
            no_ignore: false,
        })
    }

    /// The same filter, honouring no ignore files (`--no-ignore`).
    pub fn without_ignore_files(mut self) -> Self {
        self.no_ignore = true;
        self
    }

    /// Whether a file named on the command line is left out by
    /// `--force-exclude`: it matches `--exclude`, or a default exclude
    /// that `--include` does not name. `path` is matched as given and by
    /// its file name.
    pub fn excludes_named_file(&self, path: &Path) -> bool {
        if Self::matches(&self.exclude, path) {
            return true;
        }
        Self::matches(&self.defaults, path) && !Self::matches(&self.include, path)
    }

    fn matches(set: &Option<GlobSet>, relative: &Path) -> bool {
        set.as_ref().is_some_and(|s| {
            s.is_match(relative) || relative.file_name().is_some_and(|n| s.is_match(n))
        })
    }

    fn keeps_file(&self, relative: &Path) -> bool {
        let included = Self::matches(&self.include, relative);
        if Self::matches(&self.exclude, relative) {
            return false;
        }
        match &self.include {
            Some(_) => included,
            None => !Self::matches(&self.defaults, relative),
        }
    }

    fn keeps_dir(&self, relative: &Path) -> bool {
        !Self::matches(&self.exclude, relative)
    }
}

/// Expands files, directories (recursively, in sorted order, keeping files
/// of a known format that the filter keeps, skipping hidden folders,
/// `node_modules` and `target` and what `.gitignore`, `.ignore` and
/// `.listlintignore` files in the folder, below it or above it ignore
/// (unless [`WalkFilter::without_ignore_files`]), never following
/// symlinked folders, so
/// a link loop cannot hang the walk, and skipping whatever is not a regular
/// file or a link to one: a named pipe would block the run, a device such
/// as `/dev/zero` never end) and `-`. Every file named directly
/// must have a known format unless `forced` gives one, and the result must
/// not be empty, so that a typo fails before any output.
pub fn expand_inputs(
    paths: &[String],
    forced: Option<InputFormat>,
    filter: &WalkFilter,
) -> Result<Vec<Input>, SourceError> {
    Ok(expand_inputs_noting_skipped(paths, forced, filter)?.inputs)
}

/// The inputs of a walk, and the files it passed over because they are not
/// regular files (named pipes, devices, links to them), with the reason.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The inputs, in command-line order, folders expanded in name order.
    pub inputs: Vec<Input>,
    /// Files skipped, and why.
    pub skipped: Vec<(std::path::PathBuf, &'static str)>,
}

/// [`expand_inputs`], also telling which files folder walks skipped.
pub fn expand_inputs_noting_skipped(
    paths: &[String],
    forced: Option<InputFormat>,
    filter: &WalkFilter,
) -> Result<Expanded, SourceError> {
    let mut expanded = Expanded::default();
    for raw in paths {
        if raw == "-" {
            expanded.inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(raw);
        let meta = fs::metadata(path).map_err(|source| SourceError::Io {
            path: raw.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk_dir(path, filter, &mut expanded)?;
        } else if forced.is_none() && InputFormat::from_path(path).is_none() {
            return Err(SourceError::UnknownFormat { path: raw.clone() });
        } else {
            expanded.inputs.push(Input::File(path.to_path_buf()));
        }
    }
    if expanded.inputs.is_empty() {
        return Err(SourceError::NothingFound {
            paths: paths.join(", "),
        });
    }
    Ok(expanded)
}

/// What one entry of a folder walk gave.
enum Walked {
    /// A file of a known format the filter keeps, or why it is skipped.
    File(PathBuf, Option<&'static str>),
    /// An error reading a folder.
    Error(PathBuf, std::io::Error),
}

/// Walks `root` on a few threads and puts what it found in name order
/// (the order of a depth-first walk with each folder's entries sorted by
/// name), so that the inputs do not depend on timing.
fn walk_dir(root: &Path, filter: &WalkFilter, found: &mut Expanded) -> Result<(), SourceError> {
    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(false)
        .follow_links(false)
        .threads(WALK_THREADS);
    if !filter.no_ignore {
        builder
            .ignore(true)
            .git_ignore(true)
            .git_exclude(true)
            .parents(true)
            .require_git(false)
            .add_custom_ignore_filename(IGNORE_FILE);
    }
    let dirs = filter.clone();
    let top = root.to_path_buf();
    builder.filter_entry(move |entry| {
        if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        let name = entry.file_name().to_string_lossy();
        let hidden = name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref());
        let relative = entry.path().strip_prefix(&top).unwrap_or(entry.path());
        !hidden && dirs.keeps_dir(relative)
    });
    let walked: Mutex<Vec<Walked>> = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let walked = &walked;
        Box::new(move |entry| {
            let item = match entry {
                Err(error) => {
                    let path = error_path(&error).unwrap_or_else(|| root.to_path_buf());
                    let io = error
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("cannot read the folder"));
                    Some(Walked::Error(path, io))
                }
                Ok(entry) => {
                    let path = entry.path();
                    let relative = path.strip_prefix(root).unwrap_or(path);
                    match entry.file_type() {
                        Some(t)
                            if !t.is_dir()
                                && InputFormat::from_path(path).is_some()
                                && filter.keeps_file(relative) =>
                        {
                            Some(Walked::File(path.to_path_buf(), skip_reason(path, t)))
                        }
                        _ => None,
                    }
                }
            };
            if let Some(item) = item {
                if let Ok(mut walked) = walked.lock() {
                    walked.push(item);
                }
            }
            WalkState::Continue
        })
    });
    let mut walked = walked.into_inner().unwrap_or_default();
    walked.sort_by_cached_key(|w| order_key(walked_path(w)));
    for item in walked {
        match item {
            Walked::File(path, None) => found.inputs.push(Input::File(path)),
            Walked::File(path, Some(reason)) => found.skipped.push((path, reason)),
            Walked::Error(path, source) => {
                return Err(SourceError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }
    Ok(())
}

/// Bytes that sort as `Path`'s own order sorts paths (component by
/// component: its kind, then a name's bytes; a name ends with a zero,
/// which no name holds), made once per path rather than parsing both
/// paths' components at every comparison of the sort. (A Windows prefix
/// is compared by its bytes, not parsed: the paths of one walk share it.)
fn order_key(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for component in path.components() {
        let (kind, bytes) = match component {
            Component::Prefix(prefix) => (0, prefix.as_os_str().as_encoded_bytes()),
            Component::RootDir => (1, &[][..]),
            Component::CurDir => (2, &[][..]),
            Component::ParentDir => (3, &[][..]),
            Component::Normal(name) => (4, name.as_encoded_bytes()),
        };
        key.push(kind);
        key.extend_from_slice(bytes);
        key.push(0);
    }
    key
}

fn walked_path(walked: &Walked) -> &Path {
    match walked {
        Walked::File(path, _) | Walked::Error(path, _) => path,
    }
}

/// The path an error of the walk names, if any.
fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.first().and_then(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod order_tests {
    use super::order_key;
    use std::path::Path;

    #[test]
    fn order_keys_sort_paths_as_paths_sort() {
        let paths = [
            "a/b",
            "a-b",
            "a.b",
            "a/b/c",
            "a",
            "ab",
            "a b",
            "./a",
            "../a",
            "..a",
            "/a",
            "/",
            "a/",
            "a//b",
            "a/./b",
            "a/.b",
            "a/-",
            "a\\b",
            "商品/a",
            "商品-a",
            "z",
            "A",
            "a0/b",
            "a/0",
            "shop000/item00001.yaml",
            "shop000/item00001.md",
            "shop0000/x",
            "shop000-x",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(
                    order_key(a).cmp(&order_key(b)),
                    a.cmp(b),
                    "{} vs {}",
                    a.display(),
                    b.display()
                );
            }
        }
    }
}
